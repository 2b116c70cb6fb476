<?php
// Router for PHP's built-in server (`php -S ... -t site router.php`), standing in for
// Apache's mod_rewrite rules: a request for a file that exists (CSS/JS/images, uploads,
// wp-login.php, wp-admin/...) is served by the built-in server as usual; everything else
// (pretty permalinks, /wp-json/...) goes to WordPress's front controller, index.php.
$root = rtrim($_SERVER['DOCUMENT_ROOT'], '/');
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?: '/');
$file = $root . $path;

if ($path !== '/' && strpos($path, '..') === false
    && (is_file($file) || (is_dir($file) && is_file(rtrim($file, '/') . '/index.php')))) {
    return false; // let the built-in server serve (or execute) the real file
}

$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
chdir($root);
require $root . '/index.php';
