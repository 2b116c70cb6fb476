<?php
/**
 * Without the extension and without an API key, wp-admin says how to get one or the other.
 * Run with a PHP that does NOT load the extension:
 *
 *   php notice-check.php      (env: IGNY8_WP_SITE, IGNY8_WP_URL)
 */
if (PHP_SAPI !== 'cli') {
    exit(2);
}
if (extension_loaded('igny8')) {
    fwrite(STDERR, "notice-check.php: run it without the igny8 extension\n");
    exit(2);
}
$host = parse_url(getenv('IGNY8_WP_URL'), PHP_URL_HOST) . ':' . parse_url(getenv('IGNY8_WP_URL'), PHP_URL_PORT);
$_SERVER += ['HTTP_HOST' => $host, 'SERVER_NAME' => $host, 'REQUEST_URI' => '/wp-admin/', 'REQUEST_METHOD' => 'GET', 'SERVER_PROTOCOL' => 'HTTP/1.1'];
define('WP_ADMIN', true); // so the plugin loads its admin screens
require getenv('IGNY8_WP_SITE') . '/wp-load.php';

function check(bool $ok, string $what): void
{
    if (!$ok) {
        fwrite(STDERR, "[notice] FAILED: $what\n");
        exit(1);
    }
}
wp_set_current_user(get_user_by('login', 'admin')->ID);
$saved = get_option('igny8_options');
update_option('igny8_options', array_merge((array) $saved, ['api_url' => '', 'api_key' => '']));
\Igny8\WP\Plugin::reset();
try {
    check(\Igny8\WP\Plugin::backend() === null, 'no backend without the extension and without a key');
    $notice = static function (string $page): string {
        $_GET['page'] = $page;
        ob_start();
        \Igny8\WP\Admin\Admin::connection_notice();
        unset($_GET['page']);
        return ob_get_clean();
    };
    // On IGNY8's screens: both ways in, in words a site owner can act on; no shell.
    $html = $notice('igny8-settings');
    check(str_contains($html, 'IGNY8 is not connected yet'), 'the notice says IGNY8 is not connected');
    check(str_contains($html, 'ask your hosting provider to enable the IGNY8 PHP extension'), 'the notice says who installs the extension');
    check(str_contains($html, '<code>extension=igny8</code>') && str_contains($html, 'What to send your hosting provider'), 'the ini line is folded away for the host');
    check(!str_contains($html, 'sudo') && !str_contains($html, 'phpenmod'), 'no shell commands');
    check(str_contains($html, 'page=igny8-settings'), 'the notice links to the settings for an API key');
    // Elsewhere: once, short, and dismissed for good.
    $user = get_current_user_id();
    delete_user_meta($user, \Igny8\WP\Admin\Admin::DISMISSED);
    $short = $notice('');
    check(str_contains($short, 'not connected yet') && str_contains($short, 'action=igny8_dismiss_notice') && !str_contains($short, 'hosting provider'), 'outside IGNY8 the notice is short and can be dismissed');
    update_user_meta($user, \Igny8\WP\Admin\Admin::DISMISSED, 1);
    check($notice('') === '', 'dismissed, it is not shown outside IGNY8 again');
    check(str_contains($notice('igny8'), 'IGNY8 is not connected yet'), 'but IGNY8\'s own screens still say it');
    delete_user_meta($user, \Igny8\WP\Admin\Admin::DISMISSED);
    check(str_contains(\Igny8\WP\Admin\Admin::backend_label(), 'not connected'), 'the badge says not connected');

    // And with a key, the hosted API is used.
    update_option('igny8_options', array_merge((array) $saved, ['api_url' => 'http://127.0.0.1:9', 'api_key' => 'igny8_test']));
    \Igny8\WP\Plugin::reset();
    check(\Igny8\WP\Plugin::backend_kind() === 'remote', 'with a key and no extension, the remote backend');
} finally {
    update_option('igny8_options', $saved);
}
echo "[notice] not-connected notice and backend choice: ok\n";
