<?php
/**
 * The hosted API's key is stored encrypted (never the plain key in wp_options), a plain key
 * stored by an older version is sealed on first read, the settings page never shows it, and
 * remote mode works with it. Run after the browser tests (which saved the key through the
 * settings page), with a PHP that does NOT load the extension:
 *
 *   php remote-key-check.php      (env: IGNY8_WP_SITE, IGNY8_WP_URL, IGNY8_REMOTE_API_KEY)
 */
if (PHP_SAPI !== 'cli') {
    exit(2);
}
if (extension_loaded('igny8')) {
    fwrite(STDERR, "remote-key-check.php: run it without the igny8 extension\n");
    exit(2);
}
$host = parse_url(getenv('IGNY8_WP_URL'), PHP_URL_HOST) . ':' . parse_url(getenv('IGNY8_WP_URL'), PHP_URL_PORT);
$_SERVER += ['HTTP_HOST' => $host, 'SERVER_NAME' => $host, 'REQUEST_URI' => '/wp-admin/', 'REQUEST_METHOD' => 'GET', 'SERVER_PROTOCOL' => 'HTTP/1.1'];
define('WP_ADMIN', true); // so the plugin loads its admin screens
require getenv('IGNY8_WP_SITE') . '/wp-load.php';

use Igny8\WP\Options;
use Igny8\WP\Plugin;

function check(bool $ok, string $what): void
{
    if (!$ok) {
        fwrite(STDERR, "[remote-key] FAILED: $what\n");
        exit(1);
    }
}
$key = (string) getenv('IGNY8_REMOTE_API_KEY');
check($key !== '', 'IGNY8_REMOTE_API_KEY is set');
wp_set_current_user(get_user_by('login', 'admin')->ID);
$saved = get_option('igny8_options');

/** What the API key field of the settings page prints. */
function key_field(): string
{
    ob_start();
    \Igny8\WP\Admin\Settings_Page::field(['key' => 'api_key']);
    return ob_get_clean();
}

try {
    // Saved through the settings page by the browser tests: sealed, not the key.
    $stored = (string) ($saved['api_key'] ?? '');
    check(str_starts_with($stored, 'igny8s1:'), "the stored API key is sealed (igny8s1:…), not plain");
    check(!str_contains($stored, $key) && !str_contains(serialize($saved), $key), 'the plain key is nowhere in wp_options');
    check(Options::api_key() === $key, 'the key opens again with the site salts');
    $html = key_field();
    check(!str_contains($html, $key) && !str_contains($html, $stored), 'the settings page shows neither the key nor its sealed form');
    check(str_contains($html, 'a key is saved; enter a new one to replace it'), 'the settings page says a key is saved');

    // Remote mode works with the sealed key.
    update_option('igny8_options', array_merge((array) $saved, ['backend' => 'remote']));
    Plugin::reset();
    check(Plugin::backend_kind() === 'remote', 'the remote backend is active');
    $list = Plugin::backend()->keywords(['page_size' => 1]);
    check(isset($list['count']) && $list['count'] >= 1, 'the hosted API answers with the stored key');

    // A plain key left by an older version is sealed on first read, and still works.
    update_option('igny8_options', array_merge((array) $saved, ['backend' => 'remote', 'api_key' => $key]));
    Plugin::reset();
    check(Options::api_key() === $key, 'a plain stored key is read');
    $migrated = (string) get_option('igny8_options')['api_key'];
    check(str_starts_with($migrated, 'igny8s1:') && !str_contains($migrated, $key), 'and sealed in place on that first read');
    Plugin::reset();
    check(isset(Plugin::backend()->keywords(['page_size' => 1])['count']), 'the migrated key works');

    // A new key typed into the form is sealed by the sanitize callback; an empty field keeps it.
    $clean = Options::sanitize(['backend' => 'remote', 'api_url' => $saved['api_url'], 'api_key' => 'igny8_new_key_123']);
    check(str_starts_with($clean['api_key'], 'igny8s1:') && !str_contains($clean['api_key'], 'igny8_new_key_123'), 'a new key is sealed when saved');
    check(Options::sanitize($clean)['api_key'] === $clean['api_key'], 'a sealed value is not sealed twice');
} finally {
    update_option('igny8_options', $saved);
    Plugin::reset();
}
echo "[remote-key] the API key is sealed at rest, migrated, never shown, and remote mode works: ok\n";
