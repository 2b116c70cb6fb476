<?php
/**
 * Remote mode pointed at a second IGNY8 service: nothing of the first service's posts is
 * touched. Run after the remote browser tests (which published a post from the first service,
 * IGNY8_REMOTE_API_URL), with a second service at IGNY8_SECOND_API_URL whose ids start afresh,
 * and a PHP that does NOT load the extension:
 *
 *   php remote-origin-check.php   (env: IGNY8_WP_SITE, IGNY8_WP_URL, IGNY8_REMOTE_API_URL,
 *                                  IGNY8_REMOTE_API_KEY, IGNY8_SECOND_API_URL, IGNY8_SECOND_API_KEY)
 *
 * The second service gets contents until one has the id of the first service's published
 * content; that one must not claim the first service's post (not by its id, not by the old
 * `igny8_remote_links` option), and sending it must make a new post and leave the first
 * untouched — title, body, status, featured image.
 */
if (PHP_SAPI !== 'cli') {
    exit(2);
}
if (extension_loaded('igny8')) {
    fwrite(STDERR, "remote-origin-check.php: run it without the igny8 extension\n");
    exit(2);
}
$host = parse_url(getenv('IGNY8_WP_URL'), PHP_URL_HOST) . ':' . parse_url(getenv('IGNY8_WP_URL'), PHP_URL_PORT);
$_SERVER += ['HTTP_HOST' => $host, 'SERVER_NAME' => $host, 'REQUEST_URI' => '/wp-admin/', 'REQUEST_METHOD' => 'GET', 'SERVER_PROTOCOL' => 'HTTP/1.1'];
define('WP_ADMIN', true);
require getenv('IGNY8_WP_SITE') . '/wp-load.php';

use Igny8\WP\Options;
use Igny8\WP\Plugin;
use Igny8\WP\Publisher;
use Igny8\WP\Remote_Backend;

function check(bool $ok, string $what): void
{
    if (!$ok) {
        fwrite(STDERR, "[remote-origin] FAILED: $what\n");
        exit(1);
    }
}
/** Points the plugin at a service; its backend. */
function connect_to(string $url, string $key): Remote_Backend
{
    update_option(Options::NAME, array_merge(Options::all(), ['backend' => 'remote', 'api_url' => $url, 'api_key' => $key]));
    Plugin::reset();
    $backend = Plugin::backend();
    check($backend instanceof Remote_Backend, "the plugin talks to $url");
    return $backend;
}
/** A content made on the second service through its API. */
function make_content(string $url, string $key, int $sector, int $n): array
{
    $response = wp_remote_post($url . '/api/v1/writer/content/', [
        'headers' => ['Authorization' => 'Api-Key ' . $key, 'Content-Type' => 'application/json'],
        'body' => wp_json_encode(['sector_id' => $sector, 'title' => "Second service article $n", 'html' => "<p>Written on the second service ($n).</p>"]),
        'timeout' => 20,
    ]);
    check(!is_wp_error($response), 'POST writer/content/ on the second service: ' . (is_wp_error($response) ? $response->get_error_message() : ''));
    $body = json_decode(wp_remote_retrieve_body($response), true);
    check(!empty($body['success']), 'the second service made a content: ' . wp_remote_retrieve_body($response));
    return $body['data'];
}

wp_set_current_user(get_user_by('login', 'admin')->ID);
$saved = get_option(Options::NAME);
$links = get_option(Remote_Backend::LINKS_OPTION, null);
try {
    $first = connect_to((string) getenv('IGNY8_REMOTE_API_URL'), (string) getenv('IGNY8_REMOTE_API_KEY'));
    $published = array_values(array_filter($first->contents(['page_size' => 100])['results'], static fn ($c) => !empty($c['wp_post_id'])));
    check($published !== [], 'the first service has a content with a post (from the remote browser tests)');
    $theirs = $published[0];
    $post_id = (int) $theirs['wp_post_id'];
    check(Publisher::owns($first, $theirs, $post_id), 'the first service owns its post');
    $before = get_post($post_id);
    $before_thumb = (int) get_post_thumbnail_id($post_id);
    check(str_starts_with($first->origin(), 'remote:') && !str_ends_with($first->origin(), '#account=0'), 'the origin names the service and the account: ' . $first->origin());

    $second_url = (string) getenv('IGNY8_SECOND_API_URL');
    $second_key = (string) getenv('IGNY8_SECOND_API_KEY');
    $second = connect_to($second_url, $second_key);
    check($second->origin() !== $first->origin(), 'another service, another origin');
    $sector = (int) $second->info()['default_sector_id'];
    $same = null;
    for ($n = 1; $n <= (int) $theirs['id'] && $same === null; $n++) {
        $made = make_content($second_url, $second_key, $sector, $n);
        if ((int) $made['id'] === (int) $theirs['id']) {
            $same = $second->content((int) $made['id']);
        }
    }
    check($same !== null, 'the second service has a content with the same id ' . $theirs['id']);
    $plan = Publisher::plan($second, $same);
    check($plan['post_id'] === 0 && $plan['error'] === '', 'the second service\'s content claims no post: ' . wp_json_encode($plan));
    // The link option older versions kept by content id alone is not trusted for it either.
    update_option(Remote_Backend::LINKS_OPTION, [(int) $same['id'] => ['wp_post_id' => $post_id, 'wp_url' => get_permalink($post_id)]], false);
    $same = $second->content((int) $same['id']);
    check(empty($same['wp_post_id']), 'the old link option does not give it the first service\'s post');
    check(Publisher::plan($second, $same)['post_id'] === 0, 'still no post');

    $sent = Publisher::send($second, (int) $same['id'], 'draft');
    check($sent['created'] && (int) $sent['post_id'] !== $post_id, 'sending makes a new post, #' . $sent['post_id']);
    clean_post_cache($post_id);
    $after = get_post($post_id);
    foreach (['post_title', 'post_content', 'post_excerpt', 'post_status', 'post_modified_gmt'] as $field) {
        check($before->$field === $after->$field, "the first service's post keeps its $field");
    }
    check((int) get_post_thumbnail_id($post_id) === $before_thumb, "the first service's post keeps its featured image");
    check((string) get_post_meta((int) $sent['post_id'], Publisher::META_ORIGIN, true) === $second->origin(), 'the new post names the second service');
    wp_delete_post((int) $sent['post_id'], true);

    // Back on the first service: its post is still its own.
    $first = connect_to((string) getenv('IGNY8_REMOTE_API_URL'), (string) getenv('IGNY8_REMOTE_API_KEY'));
    check(Publisher::plan($first, $first->content((int) $theirs['id']))['post_id'] === $post_id, 'the first service finds its post again');
} finally {
    update_option(Options::NAME, $saved);
    if (null === $links) {
        delete_option(Remote_Backend::LINKS_OPTION);
    } else {
        update_option(Remote_Backend::LINKS_OPTION, $links, false);
    }
    Plugin::reset();
}
echo "[remote-origin] a second service's content with the same id left the first service's post alone: ok\n";
