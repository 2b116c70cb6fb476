<?php
// Non-interactive WordPress install for tests/wordpress/site.sh (no wp-cli needed).
// usage: php install.php SITE_DIR SITE_URL
// Installs the site, sets /%postname%/ permalinks, creates the test users and one
// Application Password per user; prints "login<TAB>application password" lines on stdout.
if (PHP_SAPI !== 'cli' || $argc !== 3) {
    fwrite(STDERR, "usage: php install.php SITE_DIR SITE_URL\n");
    exit(2);
}
[, $site, $url] = $argv;

function fail(string $msg): never
{
    fwrite(STDERR, "install.php: $msg\n");
    exit(1);
}

$host = parse_url($url, PHP_URL_HOST) . ':' . parse_url($url, PHP_URL_PORT);
$_SERVER += [
    'HTTP_HOST' => $host, 'SERVER_NAME' => $host, 'REQUEST_URI' => '/',
    'REQUEST_METHOD' => 'GET', 'SERVER_PROTOCOL' => 'HTTP/1.1',
];
define('WP_INSTALLING', true);
require $site . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

// Offline: no e-mail ("your new site" notice), and no loopback HTTP request
// (wp_install probes whether pretty permalinks work; we set them below anyway).
add_filter('pre_wp_mail', '__return_false');
add_filter('pre_http_request', static fn () => new WP_Error('igny8_offline', 'no HTTP during install'));

if (is_blog_installed()) {
    fail('the database already holds a WordPress site (site.sh drops it first)');
}
$r = wp_install('IGNY8 test', 'admin', 'admin@example.test', true, '', 'admin-pass-123');
if (empty($r['user_id'])) {
    fail('wp_install did not create the admin user');
}

global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%postname%/');
$wp_rewrite->flush_rules(false); // no .htaccess: php -S uses router.php

$users = [
    // login => [role, password, display name]
    'author1' => ['author', 'author1-pass-123', 'Author One'],
    'contrib1' => ['contributor', 'contrib1-pass-123', 'Contributor One'],
];
foreach ($users as $login => [$role, $pass, $name]) {
    $id = wp_insert_user([
        'user_login' => $login, 'user_pass' => $pass, 'user_email' => "$login@example.test",
        'display_name' => $name, 'role' => $role,
    ]);
    if (is_wp_error($id)) {
        fail("creating $login: " . $id->get_error_message());
    }
}

foreach (['admin', 'author1', 'contrib1'] as $login) {
    $user = get_user_by('login', $login);
    if (!$user) {
        fail("user $login missing");
    }
    if (!wp_is_application_passwords_available_for_user($user)) {
        fail("application passwords are not available for $login (is WP_ENVIRONMENT_TYPE 'local'?)");
    }
    $created = WP_Application_Passwords::create_new_application_password($user->ID, ['name' => 'igny8-tests']);
    if (is_wp_error($created)) {
        fail("application password for $login: " . $created->get_error_message());
    }
    echo $login, "\t", $created[0], "\n";
}
