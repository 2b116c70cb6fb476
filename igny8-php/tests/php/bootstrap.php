<?php
// Test bootstrap: the extension is loaded by `php -d extension=…` (see ../run.sh); the database
// to test against comes from IGNY8_PHP_TEST_DATABASE_URL (a fresh SQLite file or MariaDB
// database made by run.sh).

if (!extension_loaded('igny8')) {
    fwrite(STDERR, "the igny8 extension is not loaded; run igny8-php/tests/run.sh\n");
    exit(1);
}

require_once __DIR__ . '/TestCase.php';
require_once __DIR__ . '/WithFakeAi.php';
require_once __DIR__ . '/Contract.php';
