<?php
/**
 * The one interface the screens talk to: the PHP extension or the hosted API behind it.
 *
 * @package Igny8
 */

namespace Igny8\WP;

defined( 'ABSPATH' ) || exit;

/**
 * What the plugin needs from IGNY8. The method names, arguments and the arrays going in and
 * out are those of the extension's contract (`igny8-php/stubs/igny8.php`), which in turn are
 * the JSON of the hosted REST API; so a screen never knows which backend it is talking to.
 * Lists are `['count' => int, 'results' => [...]]`. Every failure is a Backend_Error.
 */
interface Backend {

	/** 'native' (the extension, data in this site's database) or 'remote' (the hosted API). */
	public function kind(): string;

	/**
	 * Where this backend's data lives, as kept on every post and image the plugin makes
	 * (`_igny8_origin`): the service's address and the account (`remote:HOST/PATH#account=N`),
	 * or this site's own store (`native#account=N`). Ids restart on every IGNY8 server, so a
	 * post is updated only when its origin is this one.
	 */
	public function origin(): string;

	/** Whether this backend runs its jobs itself (the hosted service does; native needs WP-Cron or the worker). */
	public function runs_jobs_itself(): bool;

	/** ['version', 'backend', 'account_id', 'site_id', 'default_sector_id']. */
	public function info(): array;

	public function sectors(): array;

	/**
	 * One keyword, cluster, idea, task, sector or strategy ($kind: 'keyword', 'cluster',
	 * 'idea', 'task', 'sector', 'strategy') by id, as its list shows it.
	 */
	public function record( string $kind, int $id ): array;
	/** Makes a $kind from $fields (a sector is made in this site; the others need sector_id). */
	public function createRecord( string $kind, array $fields ): array;
	/** Changes $kind $id: each field of $patch is set (null clears it). */
	public function updateRecord( string $kind, int $id, array $patch ): array;
	/** The account's strategies (page, page_size, sector_id). */
	public function strategies( array $query = array() ): array;
	/** Deletes strategies; how many. */
	public function deleteStrategies( array $ids ): int;
	/** Deletes a sector of this site and everything in it. */
	public function deleteSector( int $id ): void;

	public function keywords( array $query = array() ): array;
	public function bulkUpdateKeywords( array $ids, array $patch ): int;
	public function deleteKeywords( array $ids ): int;
	public function importKeywords( int $sector_id, string $csv ): array;
	public function exportKeywords( array $query = array() ): string;

	public function clusters( array $query = array() ): array;
	public function deleteClusters( array $ids ): int;

	public function ideas( array $query = array() ): array;
	/** Creates an idea (`sector_id`, `title`, `target_keywords`, …); returns it. */
	public function createIdea( array $idea ): array;
	public function deleteIdeas( array $ids ): int;
	public function queueIdeas( array $ids ): array;

	public function tasks( array $query = array() ): array;
	public function deleteTasks( array $ids ): int;

	public function contents( array $query = array() ): array;
	public function content( int $id ): array;
	public function updateContent( int $id, array $patch ): array;
	/**
	 * The post WordPress receives for a content (title, slug, excerpt, body, featured_media,
	 * media, categories, tags, meta, marker, format), with the images placed that
	 * ['media' => [['image_id', 'attachment_id', 'url', 'size'], …]] names.
	 */
	public function renderPost( int $id, array $input = array() ): array;
	public function deleteContents( array $ids ): int;

	/**
	 * Records this site's WordPress objects in its link inventory: ['pages' => [...],
	 * 'complete' => bool, 'since' => string, 'gone' => [['kind', 'wp_id'], …]]. Returns
	 * ['recorded', 'removed', 'seen_at'].
	 */
	public function recordLinks( array $input ): array;
	/** A page of the site's link inventory (kind, search, page, page_size). */
	public function linkInventory( array $query = array() ): array;
	/** Pages of the site that could link to the content (published). */
	public function linksBack( int $id, int $limit = 10 ): array;
	/**
	 * The SEO checks of content $id as the editor holds it, nothing saved ($draft: title,
	 * html, meta_title, meta_description, slug): ['score', 'checks'].
	 */
	public function checkDraft( int $id, array $draft ): array;
	/**
	 * Pages of the site content $id could link to, with the words to link ($input: html as
	 * the editor holds it, limit): [['to', 'shared', 'anchor', 'paragraph'], …].
	 */
	public function linksOut( int $id, array $input ): array;
	/** Links content $from to content $id; the changed $from. */
	public function insertLinkBack( int $id, int $from ): array;
	public function images( array $query = array() ): array;

	/**
	 * The plugin's own (not the extension's): writes the bytes of a generated image stored as a
	 * file to $to and returns a file name for it with the right extension; '' when the image has
	 * no such file (it may have a `url` instead). Native reads `file_path`, remote downloads
	 * `writer/images/{id}/file/` with the API key.
	 *
	 * @throws Backend_Error When the file exists but cannot be read.
	 */
	public function imageFile( array $image, string $to ): string;

	public function prompts(): array;
	public function setPrompt( string $prompt_type, string $text ): array;
	public function resetPrompt( string $prompt_type ): bool;

	public function authorProfiles( array $query = array() ): array;
	public function createAuthorProfile( array $profile ): array;
	public function deleteAuthorProfiles( array $ids ): int;

	public function settings(): array;
	public function setSetting( string $key, $value ): array;

	public function integrations(): array;
	public function setIntegration( string $provider, array $config ): array;
	/**
	 * "Test key": one call to $provider that costs nothing, with the key the account's AI calls
	 * would use. ['provider', 'model', 'ok', 'message' (plain words, with what to fix)].
	 */
	public function testIntegration( string $provider ): array;

	public function credits(): array;
	public function usage( array $query = array() ): array;
	/** The account's credit ledger, newest first (kind, operation, page, page_size). */
	public function transactions( array $query = array() ): array;

	public function estimate( string $function, array $input ): array;
	/**
	 * Image Testing: draws $test['prompt'] (negative_prompt, style, size) with the account's
	 * image model, charges one image, saves nothing: ['url', 'provider', 'model', 'credits', …].
	 */
	public function testImage( array $test ): array;
	public function start( string $function, array $input ): array;
	public function job( int $id ): array;
	public function jobs( array $query = array() ): array;
	public function cancelJob( int $id ): array;
	public function runJobs( float $max_seconds = 20.0 ): array;

	public function dashboard( array $query = array() ): array;
}
