<?php
/**
 * Deletes the plugin the way wp-admin does (uninstall_plugin → uninstall.php) and checks what
 * stays: with "Delete data on uninstall" off the tables and options stay; on, every
 * `wp_igny8_*` table and the options go. Run last (run.sh), once with `keep`, then `delete`.
 *
 *   $IGNY8_PHP uninstall-check.php keep|delete      (env: IGNY8_WP_SITE, IGNY8_WP_URL)
 */
if (PHP_SAPI !== 'cli' || !in_array($argv[1] ?? '', ['keep', 'delete'], true)) {
    fwrite(STDERR, "usage: php uninstall-check.php keep|delete\n");
    exit(2);
}
$mode = $argv[1];
$host = parse_url(getenv('IGNY8_WP_URL'), PHP_URL_HOST) . ':' . parse_url(getenv('IGNY8_WP_URL'), PHP_URL_PORT);
$_SERVER += ['HTTP_HOST' => $host, 'SERVER_NAME' => $host, 'REQUEST_URI' => '/', 'REQUEST_METHOD' => 'GET', 'SERVER_PROTOCOL' => 'HTTP/1.1'];
require getenv('IGNY8_WP_SITE') . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

function check(bool $ok, string $what): void
{
    if (!$ok) {
        fwrite(STDERR, "[uninstall] FAILED: $what\n");
        exit(1);
    }
}
global $wpdb;
$tables = static fn () => $wpdb->get_col($wpdb->prepare('SHOW TABLES LIKE %s', $wpdb->esc_like($wpdb->prefix . 'igny8_') . '%'));
$before = $tables();
check(count($before) > 0, 'there are IGNY8 tables before uninstalling');

$options = get_option('igny8_options');
$options['delete_data'] = $mode === 'delete';
update_option('igny8_options', $options);
deactivate_plugins('igny8/igny8.php'); // not silent: runs the deactivation hook
check(!wp_next_scheduled('igny8_run_jobs'), 'deactivating unschedules the job event');
check(is_uninstallable_plugin('igny8/igny8.php'), 'the plugin has an uninstall.php');
uninstall_plugin('igny8/igny8.php');
wp_cache_flush();

if ($mode === 'keep') {
    check($tables() === $before, 'without "delete data" the tables stay');
    check(get_option('igny8_options') !== false, 'without "delete data" the options stay');
    activate_plugin('igny8/igny8.php');
    check(is_plugin_active('igny8/igny8.php'), 'reactivated');
} else {
    check($tables() === [], 'with "delete data" every wp_igny8_ table is dropped (left: ' . implode(', ', $tables()) . ')');
    check(get_option('igny8_options') === false, 'with "delete data" the options are deleted');
    check(!get_role('administrator')->has_cap('manage_igny8'), 'the capability is removed');
}
printf("[uninstall] %s: %d tables before, %d after\n", $mode, count($before), count($tables()));
