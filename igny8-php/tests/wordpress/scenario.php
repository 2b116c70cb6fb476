<?php
/**
 * The plugin's end-to-end scenario inside a real WordPress (the site of site.sh), native
 * backend: activate, configure the (fake) provider, import a CSV, cluster, generate ideas,
 * queue, write an article, illustrate it — every job run by WP-Cron in the php -S server,
 * never in this process — then make a draft, read it back, and send again (same post, also
 * after either side of the link was lost, and after regenerating).
 *
 *   $IGNY8_PHP scenario.php        (env: IGNY8_WP_SITE, IGNY8_WP_URL, IGNY8_FAKE_AI_URL)
 *
 * Prints one line per step; exits 1 at the first failed check.
 */

if (PHP_SAPI !== 'cli') {
    exit(2);
}
foreach (['IGNY8_WP_SITE', 'IGNY8_WP_URL', 'IGNY8_FAKE_AI_URL'] as $name) {
    if (!getenv($name)) {
        fwrite(STDERR, "scenario.php: $name is not set\n");
        exit(2);
    }
}
$host = parse_url(getenv('IGNY8_WP_URL'), PHP_URL_HOST) . ':' . parse_url(getenv('IGNY8_WP_URL'), PHP_URL_PORT);
$_SERVER += ['HTTP_HOST' => $host, 'SERVER_NAME' => $host, 'REQUEST_URI' => '/', 'REQUEST_METHOD' => 'GET', 'SERVER_PROTOCOL' => 'HTTP/1.1'];
require getenv('IGNY8_WP_SITE') . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

use Igny8\WP\Jobs;
use Igny8\WP\Link_Inventory;
use Igny8\WP\Options;
use Igny8\WP\Plugin;
use Igny8\WP\Publisher;

$t0 = microtime(true);
function step(string $what): void
{
    global $t0;
    printf("[scenario %6.1fs] %s\n", microtime(true) - $t0, $what);
}
function check(bool $ok, string $what): void
{
    if (!$ok) {
        fwrite(STDERR, "[scenario] FAILED: $what\n");
        exit(1);
    }
}
function same($want, $got, string $what): void
{
    check($want === $got, $what . ': expected ' . var_export($want, true) . ', got ' . var_export($got, true));
}

/** Waits for a job that WP-Cron runs in the web server; re-kicks the cron like the admin's poll does. */
function wait_job(\Igny8\WP\Backend $backend, array $started, string $what): array
{
    $id = (int) $started['job']['id'];
    $seen = [];
    $deadline = microtime(true) + 240;
    $kicked = microtime(true);
    do {
        usleep(300000);
        $job = $backend->job($id);
        $seen[$job['status']] = true;
        if (in_array($job['status'], ['succeeded', 'failed', 'cancelled'], true)) {
            break;
        }
        if ($job['status'] === 'queued' && microtime(true) - $kicked > 5) {
            Jobs::kick();
            $kicked = microtime(true);
        }
    } while (microtime(true) < $deadline);
    step(sprintf('%s: job %d %s (seen %s)%s', $what, $id, $job['status'], implode(' → ', array_keys($seen)), $job['error'] ? ' — ' . $job['error'] : ''));
    same('succeeded', $job['status'], "$what: job $id");
    same(100, (int) $job['progress'], "$what: job $id progress");
    return $job;
}

// ---- the plugin is active and wired ------------------------------------------------------------
check(is_plugin_active('igny8/igny8.php'), 'the plugin is active');
$admin = get_user_by('login', 'admin');
wp_set_current_user($admin->ID);
check(current_user_can(Plugin::CAP), 'administrators have manage_igny8');
check(!user_can(get_user_by('login', 'editor1'), Plugin::CAP), 'editors do not have manage_igny8');
check((bool) wp_next_scheduled(Jobs::HOOK), 'the every-minute WP-Cron event is scheduled');
same(60, wp_get_schedules()[Jobs::SCHEDULE]['interval'] ?? null, 'the igny8 cron schedule');

$backend = Plugin::backend();
check($backend !== null, 'a backend is active');
same('native', $backend->kind(), 'backend');
$info = $backend->info();
step('native backend: ' . json_encode($info));
global $wpdb;
$tables = $wpdb->get_col($wpdb->prepare('SHOW TABLES LIKE %s', $wpdb->esc_like($wpdb->prefix . 'igny8_') . '%'));
check(count($tables) > 5, 'the extension made its tables with the wp_igny8_ prefix in the WordPress database: ' . implode(', ', $tables));

// ---- the provider: the fake, through the plugin's settings ------------------------------------
$fake = rtrim(getenv('IGNY8_FAKE_AI_URL'), '/');
update_option(Options::NAME, array_merge(Options::all(), ['ai_base_url' => $fake]));
Plugin::reset();
$backend = Plugin::backend();
$backend->setIntegration('openai', ['api_key' => 'sk-test-fake', 'base_url' => $fake, 'is_active' => true]);
$integrations = $backend->integrations();
$openai = array_values(array_filter($integrations, static fn ($i) => $i['provider'] === 'openai'))[0] ?? null;
check($openai !== null && !empty($openai['has_secret'] ?? $openai['secret_hint'] ?? null), 'the OpenAI key is stored');
check(strpos(json_encode($integrations), 'sk-test-fake') === false, 'the key is never returned');
// "Test key": the model list, which makes nothing; a wrong key is said as such, with the fix.
$tested = $backend->testIntegration('openai');
check($tested['ok'] === true, 'the OpenAI key tests fine: ' . json_encode($tested));
same('The key works: OpenAI answered.', $tested['message'], 'the verdict');
$backend->setIntegration('openai', ['api_key' => 'sk-invalid-key', 'is_active' => true]);
$tested = $backend->testIntegration('openai');
check($tested['ok'] === false && strpos($tested['message'], 'OpenAI refused the key') === 0, 'a wrong key is refused in words: ' . json_encode($tested));
$backend->setIntegration('openai', ['api_key' => 'sk-test-fake', 'is_active' => true]);
// Images with only the OpenAI key entered: the same key draws them (no image integration).
same([], array_values(array_filter($backend->integrations(), static fn ($i) => $i['provider'] !== 'openai')), 'only the OpenAI key is entered');
$backend->setSetting('images.in_article_count', 1);
$backend->setSetting('content.faq_questions', 2);
step('provider configured: ' . $fake);

// ---- keywords ----------------------------------------------------------------------------------
$csv = "Keyword,Volume,Keyword Difficulty,CPC\n"
    . "espresso machine,40500,62,1.10\nbest espresso machine,14800,58,1.40\nespresso machine for beginners,1900,31,0.90\n"
    . "how to descale an espresso machine,5400,18,0.30\nespresso grind size,3600,15,0.20\n";
$report = $backend->importKeywords((int) $info['default_sector_id'], $csv);
same(5, (int) $report['imported'], 'keywords imported');
$keywords = $backend->keywords(['page_size' => 100]);
same(5, (int) $keywords['count'], 'keywords listed');
$export = $backend->exportKeywords([]);
check(strpos($export, 'how to descale an espresso machine') !== false, 'the export has the keywords');
step('imported 5 keywords');

// ---- cluster, ideas, queue, article ------------------------------------------------------------
$ids = array_map(static fn ($k) => (int) $k['id'], $keywords['results']);
wait_job($backend, Jobs::start($backend, 'auto_cluster', ['ids' => $ids]), 'auto_cluster');
$clusters = $backend->clusters(['page_size' => 100]);
check($clusters['count'] > 0, 'clusters were made');
$pending = $backend->keywords(['status' => 'pending']);
same(0, (int) $pending['count'], 'no keyword left unclustered');

$cluster = $clusters['results'][0];
wait_job($backend, Jobs::start($backend, 'generate_ideas', ['ids' => [(int) $cluster['id']], 'ideas_per_cluster' => 2]), 'generate_ideas');
$ideas = $backend->ideas(['cluster_id' => (int) $cluster['id']]);
check($ideas['count'] >= 1, 'ideas were made');

$tasks = $backend->queueIdeas([(int) $ideas['results'][0]['id']]);
$tasks = $tasks['results'] ?? $tasks;
same(1, count($tasks), 'one task queued');
$task = $tasks[0];

$written = wait_job($backend, Jobs::start($backend, 'generate_content', ['ids' => [(int) $task['id']], 'word_count' => 500]), 'generate_content');
$contents = $backend->contents(['page_size' => 10]);
same(1, (int) $contents['count'], 'one content');
$content = $contents['results'][0];
// The fake model writes a 90-character meta title, as models do; it is shortened before the
// article is saved, and the job says so.
check(mb_strlen((string) $content['meta_title']) <= 60, 'the meta title fits search results: ' . $content['meta_title']);
$repairs = $written['result']['items'][0]['result']['repairs'] ?? [];
same('meta_title', $repairs[0]['field'] ?? null, 'the job lists the meta title it shortened: ' . json_encode($written['result']));
check($repairs[0]['before'] > 60 && $repairs[0]['after'] <= 60, 'from over 60 characters to 60 or fewer');
$links = $written['result']['items'][0]['result']['links'] ?? [];
same('not a page of the site IGNY8 knows', $links['removed'][0]['why'] ?? null, 'the link the model invented is removed: ' . json_encode($links));
check(strpos($content['html'], '-mistakes/"') === false, 'the article keeps no invented internal link');
same(14, count($content['checks']), 'the content comes with its fourteen SEO checks');
check($content['score'] >= 0 && $content['score'] <= 100, 'and a score out of 100');
check(strlen($content['html']) > 200 && $content['title'] !== '', 'the article has a title and a body');

wait_job($backend, Jobs::start($backend, 'generate_image_prompts', ['ids' => [(int) $content['id']], 'in_article' => 1]), 'generate_image_prompts');
$images = $backend->images(['content_id' => (int) $content['id']]);
$pending_images = array_map(static fn ($i) => (int) $i['id'], array_filter($images['results'], static fn ($i) => $i['status'] === 'pending'));
check(count($pending_images) >= 2, 'a featured and an in-article image prompt');
wait_job($backend, Jobs::start($backend, 'generate_images', ['ids' => array_values($pending_images)]), 'generate_images');
$images = $backend->images(['content_id' => (int) $content['id']])['results'];
foreach ($images as $image) {
    same('generated', $image['status'], "image {$image['id']}");
    check(!empty($image['file_path']) && $image['file_path'][0] !== '/', "image {$image['id']} has a file_path relative to the media directory ({$image['file_path']})");
    check(is_readable(wp_upload_dir()['basedir'] . '/igny8/' . $image['file_path']), 'images are written under uploads/igny8');
}

// ---- the draft ---------------------------------------------------------------------------------
$sent = Publisher::send($backend, (int) $content['id'], 'draft');
check($sent['created'], 'the first send creates a post');
$post_id = (int) $sent['post_id'];
$post = get_post($post_id);
step("draft #$post_id: {$post->post_title}");
$content = $backend->content((int) $content['id']);
same('draft', $post->post_status, 'post status');
same($content['title'], html_entity_decode($post->post_title, ENT_QUOTES | ENT_HTML5), 'post title (as HTML)');
same(sanitize_title($content['title']), $post->post_name ?: sanitize_title($post->post_title), 'post slug');
check(strpos($post->post_content, trim(wp_strip_all_tags(explode('</p>', $content['html'])[0]))) !== false || strpos($post->post_content, '<h2') !== false, 'the post has the article body');
check(preg_match('/<figure class="wp-block-image[^"]*"><img src="[^"]+" alt="[^"]*" class="wp-image-(\d+)"/', $post->post_content, $m) === 1, 'the body has the in-article image');
// Blocks, as the block editor itself saves them: parse_blocks() and serialize_blocks() give
// the body back unchanged, and nothing is left outside a block (a Classic block).
check(strpos($post->post_content, '<!-- wp:') === 0, 'the body starts with a block');
same($post->post_content, serialize_blocks(parse_blocks($post->post_content)), 'the blocks round-trip through parse_blocks/serialize_blocks');
foreach (parse_blocks($post->post_content) as $block) {
    check($block['blockName'] !== null || trim($block['innerHTML']) === '', 'no content outside blocks: ' . substr($block['innerHTML'], 0, 80));
}
$names = array_unique(array_filter(array_column(parse_blocks($post->post_content), 'blockName')));
check(in_array('core/heading', $names, true) && in_array('core/paragraph', $names, true) && in_array('core/image', $names, true), 'headings, paragraphs and the image are blocks: ' . implode(', ', $names));
$inline = (int) $m[1];
same('attachment', get_post_type($inline), 'the in-article image is in the media library');
$expected_excerpt = trim((string) $content['meta_description']) !== '' ? $content['meta_description'] : wp_trim_words(wp_strip_all_tags($content['html']), 55);
same($expected_excerpt, html_entity_decode($post->post_excerpt, ENT_QUOTES | ENT_HTML5), 'post excerpt (as HTML)');
$thumb = (int) get_post_thumbnail_id($post_id);
check($thumb > 0, 'the post has a featured image');
check(is_file(get_attached_file($thumb)), 'the featured image file is in uploads');
$featured = array_values(array_filter($images, static fn ($i) => ($i['kind'] ?? $i['image_type'] ?? '') === 'featured'))[0];
same((string) $featured['alt_text'], get_post_meta($thumb, '_wp_attachment_image_alt', true), 'featured image alt text');
same($post_id, wp_get_post_parent_id($thumb), 'the featured image is attached to the post');
$cats = wp_get_post_categories($post_id, ['fields' => 'names']);
$tags = wp_get_post_tags($post_id, ['fields' => 'names']);
sort($cats);
sort($tags);
$want_cats = array_values(array_unique(array_filter(array_map('trim', $content['categories']))));
$want_tags = array_values(array_unique(array_filter(array_map('trim', $content['tags']))));
sort($want_cats);
sort($want_tags);
check($want_cats !== [], 'the article has categories');
same(array_map('strtolower', $want_cats), array_map('strtolower', $cats), 'categories by name');
same(array_map('strtolower', $want_tags), array_map('strtolower', $tags), 'tags by name');
$meta_title = trim((string) $content['meta_title']) !== '' ? $content['meta_title'] : $content['title'];
same($meta_title, get_post_meta($post_id, '_yoast_wpseo_title', true), 'Yoast title');
same($expected_excerpt, get_post_meta($post_id, '_yoast_wpseo_metadesc', true), 'Yoast description');
same($meta_title, get_post_meta($post_id, 'rank_math_title', true), 'Rank Math title');
same($expected_excerpt, get_post_meta($post_id, 'rank_math_description', true), 'Rank Math description');
check((string) $content['primary_keyword'] !== '', 'the article has a primary keyword');
same($content['primary_keyword'], get_post_meta($post_id, '_yoast_wpseo_focuskw', true), 'Yoast focus keyword');
same($content['primary_keyword'], get_post_meta($post_id, 'rank_math_focus_keyword', true), 'Rank Math focus keyword');
same((string) $content['id'], get_post_meta($post_id, Publisher::META_CONTENT, true), 'the post names its content');
same($post_id, (int) $content['wp_post_id'], 'the content names its post');
// Two questions answered after the article: headings and paragraphs in the post, and the
// questions as data for FAQ schema.
$faq = $content['faq'] ?? null;
same(2, count($faq['questions'] ?? []), 'the article answers two questions: ' . json_encode($faq));
check(strpos($post->post_content, '<h2 class="wp-block-heading">' . esc_html($faq['heading']) . '</h2>') !== false, 'the post has the FAQ heading');
check(strpos($post->post_content, '<h3 class="wp-block-heading">' . esc_html($faq['questions'][0]['question']) . '</h3>') !== false, 'each question is a subheading');
check($faq['questions'] == json_decode((string) get_post_meta($post_id, '_igny8_faq', true), true), 'the questions are in the post meta: ' . get_post_meta($post_id, '_igny8_faq', true));
same(get_permalink($post_id), $content['wp_url'], 'the content has the post URL');
$attachments = count(get_posts(['post_type' => 'attachment', 'numberposts' => -1, 'fields' => 'ids']));

// The draft over HTTP, as a reader with the admin's application password sees it.
$rest = wp_remote_get(getenv('IGNY8_WP_URL') . "/?rest_route=/wp/v2/posts/$post_id&context=edit", [
    'headers' => ['Authorization' => 'Basic ' . base64_encode('admin:' . getenv('IGNY8_WP_APP_PASSWORD'))],
]);
same(200, wp_remote_retrieve_response_code($rest), 'REST read of the draft');
$json = json_decode(wp_remote_retrieve_body($rest), true);
same($content['title'], $json['title']['raw'], 'REST title');
same($thumb, (int) $json['featured_media'], 'REST featured_media');

// ---- sending again: the same post, never a second one ----------------------------------------
$count = static fn () => count(get_posts(['post_type' => 'post', 'post_status' => 'any', 'numberposts' => -1, 'fields' => 'ids', 'meta_key' => Publisher::META_CONTENT, 'meta_value' => (int) $content['id']]));
$again = Publisher::send($backend, (int) $content['id'], 'draft');
same($post_id, (int) $again['post_id'], 'sending again updates the same post');
check(!$again['created'], 'sending again does not create');
same(1, $count(), 'one post for the content');
same($attachments, count(get_posts(['post_type' => 'attachment', 'numberposts' => -1, 'fields' => 'ids'])), 'images are not uploaded twice');

// The content lost its link: found again by the post meta.
$backend->updateContent((int) $content['id'], ['wp_post_id' => null, 'wp_url' => null]);
same(null, $backend->content((int) $content['id'])['wp_post_id'], 'the content forgot its post');
same($post_id, (int) Publisher::send($backend, (int) $content['id'], 'draft')['post_id'], 'found by _igny8_content_id');
same($post_id, (int) $backend->content((int) $content['id'])['wp_post_id'], 'the link is mended');
// The post lost its meta: found by the content's wp_post_id, known as its own by the marker.
$marker = Publisher::marker($content);
check(preg_match('/^igny8:content=\d+@\d{13};$/', $marker) === 1, "the marker names the content and its creation: $marker");
check(strpos(get_post($post_id)->post_content, '<!-- wp:paragraph {"metadata":{"igny8Marker":"' . $marker . '"}} -->') === 0 || Publisher::carries_marker(get_post($post_id)->post_content, $marker), 'the first block carries the marker');
check(!Publisher::carries_marker('<p>"igny8Marker":"' . $marker . '"</p><!-- wp:paragraph -->', $marker), 'the marker counts only inside a block comment');
delete_post_meta($post_id, Publisher::META_CONTENT);
same($post_id, (int) Publisher::send($backend, (int) $content['id'], 'draft')['post_id'], 'found by wp_post_id');
same((string) $content['id'], get_post_meta($post_id, Publisher::META_CONTENT, true), 'the post meta is mended');
same(1, $count(), 'still one post');
step('sent again three ways: same post');

// ---- a post that is not this content's is never overwritten ----------------------------------
$foreign = wp_insert_post(['post_type' => 'post', 'post_title' => 'Written by hand', 'post_content' => '<p>Not IGNY8’s.</p>', 'post_status' => 'publish'], true);
check(!is_wp_error($foreign), 'a hand-written post');
$other = wp_insert_post(['post_type' => 'post', 'post_title' => 'Of another content', 'post_content' => '<p>Another.</p>', 'post_status' => 'draft'], true);
update_post_meta($other, Publisher::META_CONTENT, (int) $content['id'] + 1000);
update_post_meta($other, Publisher::META_BACKEND, $backend->kind());
foreach ([$foreign, $other] as $target) {
    $before = get_post($target);
    $backend->updateContent((int) $content['id'], ['wp_post_id' => $target]);
    $refused = null;
    try {
        Publisher::send($backend, (int) $content['id'], 'publish');
    } catch (\Igny8\WP\Backend_Error $e) {
        $refused = $e;
    }
    check($refused !== null, "sending to post $target is refused");
    same('conflict', $refused->error_code(), 'the error code');
    same("WordPress post $target was not created by IGNY8 for this content; clear the WordPress post link or pick the post IGNY8 created.", $refused->getMessage(), 'the error says what to do');
    clean_post_cache($target);
    $after = get_post($target);
    foreach (['post_title', 'post_content', 'post_excerpt', 'post_status', 'post_modified_gmt'] as $field) {
        same($before->$field, $after->$field, "post $target: $field unchanged");
    }
    same($target, (int) $backend->content((int) $content['id'])['wp_post_id'], 'the link is left for the user to fix');
}
$backend->updateContent((int) $content['id'], ['wp_post_id' => $post_id]);
same($post_id, (int) Publisher::send($backend, (int) $content['id'], 'draft')['post_id'], 'linked back, the content updates its own post');
step('refused to overwrite posts that are not this content\'s');

// ---- what goes into the post is text and safe HTML, whatever the backend answers ----------------
$fields = Publisher::fields([
    'title' => 'Fish &amp; chips <script>alert(1)</script>: 5 &lt; 6',
    'content' => '<!-- wp:paragraph --><p onclick="alert(1)">Hi</p><!-- /wp:paragraph --><script>alert(1)</script><img src="x" onerror="alert(1)">',
    'excerpt' => '<b>Crisp</b> &amp; hot',
]);
same('Fish &amp; chips alert(1): 5 &lt; 6', $fields['post_title'], 'the title keeps no tag');
same('Crisp &amp; hot', $fields['post_excerpt'], 'the excerpt keeps no tag');
foreach (['<script', 'onclick', 'onerror'] as $bad) {
    check(stripos($fields['post_content'], $bad) === false, "the body has no $bad: {$fields['post_content']}");
}
check(strpos($fields['post_content'], '<!-- wp:paragraph --><p>Hi</p><!-- /wp:paragraph -->') !== false, 'the body keeps its blocks and text: ' . $fields['post_content']);

// ---- classic HTML when the account asks for it, then blocks again: the same post ----------------
$backend->setSetting('publish.format', 'classic');
Publisher::send($backend, (int) $content['id'], 'draft');
clean_post_cache($post_id);
check(strpos(get_post($post_id)->post_content, '<!-- ' . $marker . ' -->') === 0, 'a classic body starts with the marker comment');
check(strpos(get_post($post_id)->post_content, '<!-- wp:') === false, 'a classic body has no blocks');
$backend->setSetting('publish.format', 'blocks');
same($post_id, (int) Publisher::send($backend, (int) $content['id'], 'draft')['post_id'], 'blocks again, the same post');
same(1, $count(), 'still one post after changing the format');
step('classic, then blocks again');

// ---- regenerate and send: the post follows the content ----------------------------------------
wait_job($backend, Jobs::start($backend, 'generate_content', ['ids' => [(int) $task['id']], 'word_count' => 300]), 'regenerate content');
$regenerated = $backend->content((int) $content['id']);
same(1, (int) $backend->contents([])['count'], 'regenerating rewrites the same content');
Publisher::send($backend, (int) $content['id'], 'draft');
clean_post_cache($post_id);
same($regenerated['title'], get_post($post_id)->post_title, 'the post has the regenerated title');
same(1, $count(), 'still one post after regenerating');

// ---- scheduled, then published ----------------------------------------------------------------
$when = wp_date('Y-m-d H:i:s', time() + 2 * DAY_IN_SECONDS);
Publisher::send($backend, (int) $content['id'], 'future', $when);
clean_post_cache($post_id);
same('future', get_post_status($post_id), 'scheduled');
same(get_gmt_from_date($when), get_post($post_id)->post_date_gmt, 'scheduled date');
check(!empty($backend->content((int) $content['id'])['published_at']), 'the content has published_at');
Publisher::send($backend, (int) $content['id'], 'publish');
clean_post_cache($post_id);
same('publish', get_post_status($post_id), 'published');
same(1, $count(), 'still one post after publishing');
step('scheduled and published the same post');

// ---- sending never destroys work done in WordPress --------------------------------------------
$cid = (int) $content['id'];
$refused = static function (callable $send, string $code) {
    try {
        $send();
    } catch (\Igny8\WP\Backend_Error $e) {
        same($code, $e->error_code(), 'refused with ' . $code . ': ' . $e->getMessage());
        return $e->getMessage();
    }
    check(false, "expected a refusal ($code)");
};
same('published', $backend->content($cid)['status'], 'a published post makes its content published');
// Bulk send: the live post stays live.
$bulk = Publisher::send($backend, $cid, 'draft', null, ['keep_status' => true]);
clean_post_cache($post_id);
same('publish', get_post_status($post_id), 'bulk sending keeps a published post published');
same('publish', $bulk['status'], 'and says so');
// A draft asked for without "unpublish" is refused; the post stays live and unchanged.
$message = $refused(static fn () => Publisher::send($backend, $cid, 'draft'), 'would_unpublish');
check(strpos($message, 'is published in WordPress') !== false && strpos($message, 'Back to draft') !== false, 'the refusal says what would happen and how to ask for it');
clean_post_cache($post_id);
same('publish', get_post_status($post_id), 'still published');
// An edit made in WordPress is not overwritten without consent.
same([], Publisher::edits($post_id), 'nothing edited in WordPress yet');
wp_update_post(['ID' => $post_id, 'post_title' => 'Retitled in WordPress']);
same(['the title'], Publisher::edits($post_id), 'the title edit is seen');
same(['the title'], Publisher::plan($backend, $backend->content($cid))['edits'], 'and shown before sending');
$message = $refused(static fn () => Publisher::send($backend, $cid, 'publish'), 'edited');
check(strpos($message, '“Retitled in WordPress” was edited in WordPress since IGNY8 last sent it (the title changed)') === 0, "the refusal names the post and what changed: $message");
$message = $refused(static fn () => Publisher::send($backend, $cid, 'draft', null, ['keep_status' => true]), 'edited');
clean_post_cache($post_id);
same('Retitled in WordPress', get_post($post_id)->post_title, 'the WordPress edit is kept');
Publisher::send($backend, $cid, 'publish', null, ['replace_edits' => true]);
clean_post_cache($post_id);
same($backend->content($cid)['title'], get_post($post_id)->post_title, 'replaced when asked');
same([], Publisher::edits($post_id), 'and in step again');
// Statuses follow WordPress: back to draft, published again, trashed, restored.
wp_update_post(['ID' => $post_id, 'post_status' => 'draft']);
same('draft', $backend->content($cid)['status'], 'unpublished in WordPress: the content is a draft again');
wp_publish_post($post_id);
same('published', $backend->content($cid)['status'], 'published from WordPress: the content is published');
wp_trash_post($post_id);
same('draft', $backend->content($cid)['status'], 'trashed: a draft');
wp_untrash_post($post_id);
wp_publish_post($post_id);
same('published', $backend->content($cid)['status'], 'restored and published');
// Explicitly taken back to draft.
Publisher::send($backend, $cid, 'draft', null, ['unpublish' => true]);
clean_post_cache($post_id);
same('draft', get_post_status($post_id), 'unpublished when asked');
same('draft', $backend->content($cid)['status'], 'and the content with it');
Publisher::send($backend, $cid, 'publish');
// Another service's or another content's post is never this content's, whatever its meta says.
$elsewhere = wp_insert_post(['post_type' => 'post', 'post_title' => 'From another IGNY8', 'post_content' => '<!-- wp:paragraph {"metadata":{"igny8Marker":"igny8:content=' . $cid . '@1000000000000;"}} --><p>Theirs.</p><!-- /wp:paragraph -->', 'post_status' => 'publish'], true);
update_post_meta($elsewhere, Publisher::META_CONTENT, $cid);
update_post_meta($elsewhere, Publisher::META_BACKEND, $backend->kind());
update_post_meta($elsewhere, Publisher::META_ORIGIN, $backend->origin());
check(!Publisher::owns($backend, $backend->content($cid), $elsewhere), 'a post carrying another marker is not the content\'s, even with its meta');
$markerless = wp_insert_post(['post_type' => 'post', 'post_title' => 'Markerless, other service', 'post_content' => '<p>Theirs.</p>', 'post_status' => 'publish'], true);
update_post_meta($markerless, Publisher::META_CONTENT, $cid);
update_post_meta($markerless, Publisher::META_ORIGIN, 'remote:igny8.example#account=7');
check(!Publisher::owns($backend, $backend->content($cid), $markerless), 'a post of another service is not the content\'s');
check(Publisher::owns($backend, $backend->content($cid), $post_id), 'its own post is');
check(preg_match('/^native#account=\d+$/', $backend->origin()) === 1, 'the native origin names the account: ' . $backend->origin());
wp_delete_post($elsewhere, true);
wp_delete_post($markerless, true);
same(1, $count(), 'the content still has its one post');
same($post_id, (int) $backend->content($cid)['wp_post_id'], 'deleting other posts with its id left its link alone');
step('safe sending: live posts stay live, WordPress edits kept, statuses follow, other origins untouched');

// ---- the real-cron worker command -------------------------------------------------------------
$queued = $backend->start('generate_ideas', ['ids' => [(int) $cluster['id']], 'ideas_per_cluster' => 1]); // no kick: only the worker runs it
$php = getenv('IGNY8_PHP') ?: 'php';
$cmd = $php . ' ' . escapeshellarg(IGNY8_PLUGIN_DIR . 'bin/worker.php') . ' --path=' . escapeshellarg(ABSPATH) . ' --seconds=60 2>&1';
exec($cmd, $lines, $rc);
step('worker: ' . implode(' | ', $lines));
same(0, $rc, 'worker.php exit status');
check((bool) preg_match('/ran [1-9]\d* job/', implode("\n", $lines)), 'the worker ran the job');
same('succeeded', $backend->job((int) $queued['job']['id'])['status'], 'the job the worker ran');

// ---- every kind of block: published, round-tripped, and opened in the block editor by the
// browser tests (plugin.test.mjs reads the post id from $IGNY8_WP_BASE/every-block-post) ----------
$backend->updateContent((int) $content['id'], ['html' => (string) file_get_contents(__DIR__ . '/every-block.html')]);
same($post_id, (int) Publisher::send($backend, (int) $content['id'], 'publish')['post_id'], 'every kind of block: the same post');
clean_post_cache($post_id);
$body = get_post($post_id)->post_content;
same($body, serialize_blocks(parse_blocks($body)), 'every kind of block round-trips through parse_blocks/serialize_blocks');
$all = [];
$walk = static function (array $blocks) use (&$walk, &$all): void {
    foreach ($blocks as $block) {
        if ($block['blockName'] === null) {
            check(trim($block['innerHTML']) === '', 'no content outside blocks: ' . substr($block['innerHTML'], 0, 80));
            continue;
        }
        $all[] = $block['blockName'];
        $walk($block['innerBlocks']);
    }
};
$walk(parse_blocks($body));
foreach (['core/paragraph', 'core/heading', 'core/list', 'core/list-item', 'core/table', 'core/quote', 'core/code', 'core/preformatted', 'core/separator', 'core/html', 'core/image'] as $kind) {
    check(in_array($kind, $all, true), "the post has a $kind block (" . implode(', ', array_unique($all)) . ')');
}
same(2, count(array_keys($all, 'core/html', true)), 'only the spanning table and the definition list are HTML blocks');
file_put_contents(getenv('IGNY8_WP_BASE') . '/every-block-post', (string) $post_id);
step("every kind of block: post #$post_id");

// ---- the link inventory, from this site's own database -----------------------------------------
check((bool) wp_next_scheduled(Link_Inventory::HOOK), 'the daily link inventory sync is scheduled');
$guides = wp_insert_term('Espresso guides', 'category');
$topics = [
    'Descaling an espresso machine step by step', 'Espresso grind size explained', 'Dialing in a new espresso machine',
    'Cleaning the group head of an espresso machine', 'Milk frothing for beginners', 'Choosing espresso beans',
    'Single or double boiler espresso machines', 'Tamping pressure myths', 'Water hardness and your espresso machine',
    'Pre-infusion explained', 'Espresso machine maintenance calendar', 'Latte art basics',
];
$seeded = [];
foreach ($topics as $i => $title) {
    $seeded[] = wp_insert_post(['post_title' => $title, 'post_status' => 'publish', 'post_type' => 'post',
        'post_content' => "<p>$title.</p>", 'post_category' => $i < 6 ? [(int) $guides['term_id']] : []], true);
}
$draft = wp_insert_post(['post_title' => 'Unfinished espresso notes', 'post_status' => 'draft', 'post_type' => 'post'], true);
$about = wp_insert_post(['post_title' => 'About our espresso bar', 'post_status' => 'publish', 'post_type' => 'page'], true);
$known = static function () use ($backend): array {
    $all = [];
    foreach ($backend->linkInventory(['page_size' => 200])['results'] as $p) {
        $all[$p['kind'] . ':' . $p['wp_id']] = $p;
    }
    return $all;
};
$inventory = $known();
foreach ($seeded as $id) {
    check(isset($inventory["post:$id"]), "published post $id is in the inventory as soon as it is published");
    same(get_permalink($id), $inventory["post:$id"]['url'] ?? null, "post $id's address");
}
same(['Espresso guides'], $inventory["post:{$seeded[0]}"]['keywords'], 'a post serves its categories');
check(isset($inventory["page:$about"]), 'a published page is in the inventory');
check(!isset($inventory["post:$draft"]), 'a draft is not');
check(isset($inventory["category:{$guides['term_id']}"]), 'a category with posts is');
wp_update_post(['ID' => $seeded[2], 'post_title' => 'Dialling in a new espresso machine']);
wp_trash_post($seeded[3]);
wp_delete_post($seeded[4], true);
$inventory = $known();
same('Dialling in a new espresso machine', $inventory["post:{$seeded[2]}"]['title'] ?? null, 'an edited title follows');
check(!isset($inventory["post:{$seeded[3]}"]) && !isset($inventory["post:{$seeded[4]}"]), 'trashed and deleted posts are taken out');
// A change the hooks can't see (straight into the database): the daily sync repairs it.
$wpdb->update($wpdb->posts, ['post_status' => 'private'], ['ID' => $seeded[5]]);
clean_post_cache($seeded[5]);
$synced = Link_Inventory::sync();
check($synced !== null && $synced['recorded'] >= 10, 'the whole site is sent: ' . json_encode($synced));
same(1, $synced['removed'], 'what the hooks missed is taken out by the sync');
check(!isset($known()["post:{$seeded[5]}"]), 'the private post is out');
step('link inventory: ' . count($known()) . ' pages known');

// An idea for what a post of the site already covers: queued all the same, with the post named.
$boilers = $backend->createIdea(['sector_id' => (int) $info['default_sector_id'], 'title' => 'Boilers compared',
    'target_keywords' => ['single or double boiler espresso machine']]);
$queued = $backend->queueIdeas([(int) $boilers['id']]);
same(1, count($queued), 'the competing idea is queued');
$conflict = $queued[0]['conflicts'][0] ?? null;
same('post', $conflict['b']['kind'] ?? null, 'it competes with a post of the site: ' . json_encode($queued[0]['conflicts'] ?? null));
same($seeded[6], $conflict['b']['id'] ?? null, 'the post on boilers');
same(get_permalink($seeded[6]), $conflict['b']['url'] ?? null, "the post's address");
same('same_primary_keyword', $conflict['reason'] ?? null, 'for the same main keyword');
check(strpos((string) ($conflict['suggestion'] ?? ''), 'update that post instead') !== false, 'the suggestion says what to do: ' . ($conflict['suggestion'] ?? ''));
$backend->deleteTasks([(int) $queued[0]['id']]);

// An article written now links only to pages of the site that exist, and they open.
$second = $ideas['results'][1] ?? null;
check($second !== null, 'a second idea to write');
$queued = $backend->queueIdeas([(int) $second['id']]);
$queued = $queued['results'] ?? $queued;
$written = wait_job($backend, Jobs::start($backend, 'generate_content', ['ids' => [(int) $queued[0]['id']], 'word_count' => 500]), 'generate_content (with the inventory)');
$links = $written['result']['items'][0]['result']['links'];
check(count($links['kept']) >= 1, 'the article keeps a link to a page of the site: ' . json_encode($links));
$article = $backend->content((int) $written['result']['items'][0]['result']['content_id']);
$sent = Publisher::send($backend, (int) $article['id'], 'publish');
$body = get_post((int) $sent['post_id'])->post_content;
preg_match_all('/href="([^"]+)"/', $body, $hrefs);
$internal = array_values(array_filter($hrefs[1], static fn ($h) => strpos($h, home_url()) === 0 || $h[0] === '/'));
check(count($internal) >= 1, 'the published post has an internal link: ' . json_encode($hrefs[1]));
foreach ($internal as $href) {
    $target = url_to_postid($href);
    check($target > 0 && get_post_status($target) === 'publish', "internal link $href opens a published post or page");
}
step('internal links of the new article: ' . implode(', ', $internal));

// The categories the model names go into the site's own where the words match.
$backend->updateContent((int) $article['id'], ['categories' => ['Espresso Guide', 'Brand new topic']]);
$sent = Publisher::send($backend, (int) $article['id'], 'publish');
$cats = wp_get_post_categories((int) $sent['post_id'], ['fields' => 'names']);
sort($cats);
same(['Brand new topic', 'Espresso guides'], $cats, 'an existing category of the same words is used, a new one made');
$backend->setSetting('publish.categories', 'existing');
$backend->updateContent((int) $article['id'], ['categories' => ['Espresso Guide', 'Another new topic']]);
Publisher::send($backend, (int) $article['id'], 'publish');
same(['Espresso guides'], wp_get_post_categories((int) $sent['post_id'], ['fields' => 'names']), 'only existing categories when the site owner says so');
$backend->setSetting('publish.categories', 'match');
step('categories matched to the site\'s own');

step('all checks passed');
