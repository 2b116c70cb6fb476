<?php
// Installs the plugin test site non-interactively (for site.sh): wp_install, permalinks, the
// IGNY8 plugin activated, an application password for admin (printed on stdout).
// usage: php [-d extension=libigny8_php.so] setup.php SITE_DIR SITE_URL
if (PHP_SAPI !== 'cli' || $argc !== 3) {
    fwrite(STDERR, "usage: php setup.php SITE_DIR SITE_URL\n");
    exit(2);
}
[, $site, $url] = $argv;

function fail(string $msg): never
{
    fwrite(STDERR, "setup.php: $msg\n");
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
require_once ABSPATH . 'wp-admin/includes/plugin.php';

add_filter('pre_wp_mail', '__return_false');
add_filter('pre_http_request', static fn () => new WP_Error('offline', 'no HTTP during setup'));

if (is_blog_installed()) {
    fail('the database already holds a WordPress site');
}
$r = wp_install('IGNY8 plugin test', 'admin', 'admin@example.test', true, '', 'admin-pass-123');
if (empty($r['user_id'])) {
    fail('wp_install made no admin');
}
global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%postname%/');
$wp_rewrite->flush_rules(false);

$editor = wp_insert_user([
    'user_login' => 'editor1', 'user_pass' => 'editor1-pass-123', 'user_email' => 'editor1@example.test',
    'role' => 'editor',
]);
if (is_wp_error($editor)) {
    fail('editor: ' . $editor->get_error_message());
}

$result = activate_plugin('igny8/igny8.php', '', false, false);
if (is_wp_error($result)) {
    fail('activating the plugin: ' . $result->get_error_message());
}
if (!is_plugin_active('igny8/igny8.php')) {
    fail('the plugin is not active after activate_plugin()');
}

$admin = get_user_by('login', 'admin');
$created = WP_Application_Passwords::create_new_application_password($admin->ID, ['name' => 'igny8-plugin-tests']);
if (is_wp_error($created)) {
    fail('application password: ' . $created->get_error_message());
}
echo $created[0];
