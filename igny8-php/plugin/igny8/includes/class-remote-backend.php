<?php
/**
 * The remote backend: a client of the hosted IGNY8 API (igny8-server) with an API key.
 *
 * @package Igny8
 */

namespace Igny8\WP;

defined( 'ABSPATH' ) || exit;

/**
 * Speaks `/api/v1/` with `Authorization: Api-Key …` through wp_remote_request, unwraps the
 * `{success, data, message, errors, request_id}` envelope and hands back the same arrays the
 * extension does. The hosted service runs the jobs itself.
 *
 * This WordPress is one site of the hosted account, found or made by the server's
 * `auth/sites/connect/` — the core's one rule, which the extension follows too: the site whose
 * URL is this home URL (or the key's own site), and its first active sector.
 */
final class Remote_Backend implements Backend {

	/** The REST path that starts each AI function. */
	const FUNCTIONS = array(
		'auto_cluster'           => 'planner/keywords/auto_cluster/',
		'generate_ideas'         => 'planner/clusters/generate_ideas/',
		'generate_content'       => 'writer/tasks/generate_content/',
		'generate_image_prompts' => 'writer/content/generate_image_prompts/',
		'generate_images'        => 'writer/images/generate_images/',
	);

	/** The fields linking a content to its WordPress post. */
	const LINK_FIELDS = array( 'wp_post_id', 'wp_url', 'published_at' );

	/**
	 * Where plugin versions before the API took those fields kept the links (content id =>
	 * link). Only read, as a fallback for a content the API knows no post of; an entry is
	 * dropped as soon as that content's link is written through the API.
	 */
	const LINKS_OPTION = 'igny8_remote_links';

	/** The types `writer/images/{id}/file/` answers, and their extensions. */
	const IMAGE_TYPES = array(
		'image/png'  => 'png',
		'image/jpeg' => 'jpg',
		'image/webp' => 'webp',
	);

	/**
	 * How long the plugin takes a service that failed to answer for down (seconds): calls in
	 * that time fail at once with the same plain message instead of each waiting its timeout,
	 * so a screen of many calls renders in a moment, and the job box retries by itself.
	 */
	const DOWN_FOR = 30;

	/**
	 * While the service counts as down, one call every PROBE_EVERY seconds still goes through
	 * to find out whether it is back; when it answers, it counts as up again at once.
	 */
	const PROBE_EVERY = 5;

	/** Seconds a read (or the site lookup) may take; writes and uploads get WRITE_TIMEOUT. */
	const READ_TIMEOUT  = 15;
	const WRITE_TIMEOUT = 60;

	/** @var string */
	private $base;

	/** @var string */
	private $key;

	/** @var array|null */
	private $info;

	/** @var bool Whether this call is the probe of a service that counted as down. */
	private $probing = false;

	/** @var int The site chosen in Settings, 0 for the one found by this WordPress's address. */
	private $site;

	/** @var int The sector chosen in Settings, 0 for the site's first active sector. */
	private $sector;

	public function __construct( string $api_url, string $api_key, int $site = 0, int $sector = 0 ) {
		$this->base   = untrailingslashit( $api_url ) . '/api/v1/';
		$this->key    = $api_key;
		$this->site   = $site;
		$this->sector = $sector;
	}

	public function kind(): string {
		return 'remote';
	}

	public function runs_jobs_itself(): bool {
		return true;
	}

	/**
	 * The service's address without its scheme (http and https are the same service) and the
	 * account the key belongs to; account 0 with a service that does not say (before 0.9).
	 */
	public function origin(): string {
		$parts = wp_parse_url( $this->base );
		$where = strtolower( (string) ( $parts['host'] ?? '' ) ) . ( isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '' ) . untrailingslashit( (string) ( $parts['path'] ?? '' ) );
		return 'remote:' . $where . '#account=' . (int) $this->info()['account_id'];
	}

	/**
	 * One API call. $body is JSON-encoded unless it is a string (sent as is, as $content_type).
	 * Returns the envelope's data, or the raw body when $raw.
	 */
	private function request( string $method, string $path, array $query = array(), $body = null, bool $raw = false, string $content_type = 'application/json' ) {
		$this->unless_down();
		$url  = $this->base . ltrim( $path, '/' );
		$url  = $query ? add_query_arg( array_map( array( $this, 'query_value' ), $query ), $url ) : $url;
		$args = array(
			'method'  => $method,
			'timeout' => 'GET' === $method || 'auth/sites/connect/' === $path ? self::READ_TIMEOUT : self::WRITE_TIMEOUT,
			'headers' => array(
				'Authorization' => 'Api-Key ' . $this->key,
				'Accept'        => $raw ? 'text/csv, application/json' : 'application/json',
			),
		);
		if ( null !== $body ) {
			$args['headers']['Content-Type'] = is_string( $body ) ? $content_type : 'application/json';
			$args['body']                    = is_string( $body ) ? $body : wp_json_encode( (object) $body );
		}
		$response = wp_remote_request( $url, $args );
		if ( is_wp_error( $response ) ) {
			throw $this->unreachable( $response );
		}
		if ( $this->probing ) {
			$this->probing = false;
			delete_transient( $this->down_key() );
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$text   = wp_remote_retrieve_body( $response );
		if ( $raw && $status < 300 ) {
			return $text;
		}
		$envelope = json_decode( $text, true );
		if ( ! is_array( $envelope ) || ! array_key_exists( 'success', $envelope ) ) {
			/* translators: 1: HTTP status, 2: the address */
			throw new Backend_Error( sprintf( __( 'The IGNY8 service answered HTTP %1$d without its JSON envelope (%2$s).', 'igny8' ), $status, $url ), $status ? $status : 502, 'bad_response' );
		}
		if ( ! $envelope['success'] ) {
			$fields = array();
			foreach ( (array) ( $envelope['errors'] ?? array() ) as $field => $messages ) {
				foreach ( (array) $messages as $message ) {
					$fields[] = array( 'field' => (string) $field, 'message' => (string) $message );
				}
			}
			$message = (string) ( $envelope['message'] ?? '' );
			throw new Backend_Error( '' !== $message ? $message : "HTTP $status", $status, (string) ( $envelope['code'] ?? 'internal' ), $fields );
		}
		return $envelope['data'];
	}

	/** The transient that says the service failed to answer a moment ago. */
	private function down_key(): string {
		return 'igny8_remote_down_' . md5( $this->base );
	}

	/**
	 * @throws Backend_Error When the service failed to answer less than DOWN_FOR seconds ago,
	 * unless it is time for the next probe (PROBE_EVERY).
	 */
	private function unless_down(): void {
		$since = get_transient( $this->down_key() );
		if ( ! $since ) {
			return;
		}
		if ( time() - (int) $since < self::PROBE_EVERY ) {
			throw new Backend_Error( $this->unreachable_message(), 503, 'unreachable' );
		}
		// This call is the probe; the calls of the next PROBE_EVERY seconds are not.
		set_transient( $this->down_key(), time(), self::DOWN_FOR );
		$this->probing = true;
	}

	/**
	 * The error for a call that got no answer: plain words for the screen; the transport's own
	 * words (cURL's) go to the PHP error log. The service counts as down for DOWN_FOR seconds.
	 */
	private function unreachable( \WP_Error $error ): Backend_Error {
		$this->probing = false;
		set_transient( $this->down_key(), time(), self::DOWN_FOR );
		error_log( 'IGNY8: the service at ' . $this->base . ' did not answer: ' . $error->get_error_message() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- for the site's PHP log; the screen says it in plain words
		return new Backend_Error( $this->unreachable_message(), 503, 'unreachable' );
	}

	private function unreachable_message(): string {
		$host = (string) wp_parse_url( $this->base, PHP_URL_HOST );
		return sprintf(
			/* translators: %s: the service's host name */
			__( 'The IGNY8 service (%s) can’t be reached right now: it may be down or restarting. Your data there is safe; this screen will work again once it answers — try again in a minute. If it goes on, check the address in IGNY8 → Settings.', 'igny8' ),
			$host
		);
	}

	private function query_value( $value ) {
		if ( is_array( $value ) ) {
			return implode( ',', $value );
		}
		return is_bool( $value ) ? ( $value ? 'true' : 'false' ) : rawurlencode( (string) $value );
	}

	/** A list call scoped to this site: ['count', 'results', …]. */
	private function list_of( string $path, array $query ): array {
		$query['site_id'] = $this->info()['site_id'];
		$page             = $this->request( 'GET', $path, array_filter( $query, array( $this, 'is_set' ) ) );
		$page['count']    = $page['count'] ?? count( $page['results'] );
		return $page;
	}

	private function is_set( $value ): bool {
		return null !== $value && '' !== $value && array() !== $value;
	}

	private function affected( string $path, array $body ): int {
		return (int) $this->request( 'POST', $path, array(), $body )['affected'];
	}

	/** Where info() keeps what it learnt, for ten minutes. */
	private function info_cache_key(): string {
		return 'igny8_remote_info_' . md5( $this->base . '|' . $this->key . '|' . home_url( '/' ) . '|' . $this->site . '|' . $this->sector );
	}

	/** info() asked of the service now, not from the cache (Settings' *Test connection*). */
	public function fresh_info(): array {
		delete_transient( $this->info_cache_key() );
		$this->info = null;
		return $this->info();
	}

	/**
	 * What the plugin works on: the service's version, the account, the site (the one chosen
	 * in Settings, else found by this WordPress's address, else made) and its sector, and what
	 * the key may do (`role`, `site_restricted`; a viewer's key only reads).
	 */
	public function info(): array {
		if ( null !== $this->info ) {
			return $this->info;
		}
		$cache_key = $this->info_cache_key();
		$cached    = get_transient( $cache_key );
		if ( is_array( $cached ) ) {
			return $this->info = $cached;
		}
		$home    = untrailingslashit( home_url() );
		$title   = trim( (string) get_bloginfo( 'name' ) );
		$install = array(
			'name' => '' !== $title ? $title : $home,
			'url'  => $home,
		);
		if ( $this->site > 0 ) {
			$install['site_id'] = $this->site;
			if ( $this->sector > 0 ) {
				$install['sector_id'] = $this->sector;
			}
		}
		try {
			$connected = $this->request( 'POST', 'auth/sites/connect/', array(), $install );
		} catch ( Backend_Error $e ) {
			if ( $this->site > 0 && in_array( $e->error_code(), array( 'not_found', 'validation' ), true ) ) {
				throw new Backend_Error(
					/* translators: %s: what the service said */
					sprintf( __( 'The site or sector chosen under Settings → Connection is no longer in the IGNY8 account (%s). Choose another there.', 'igny8' ), $e->getMessage() ),
					400,
					'validation'
				);
			}
			throw $e;
		}
		$site      = $connected['site'];
		$sector    = $connected['sector'];

		$health     = $this->request( 'GET', 'health/' );
		$this->info = array(
			'version'           => (string) ( $health['version'] ?? '' ),
			'backend'           => 'remote',
			'account_id'        => (int) ( $connected['account_id'] ?? 0 ),
			'site_id'           => (int) $site['id'],
			'default_sector_id' => (int) $sector['id'],
			'api_url'           => $this->base,
			'site_name'         => (string) ( $site['name'] ?? '' ),
			'site_url'          => (string) ( $site['url'] ?? '' ),
			'site_created'      => ! empty( $connected['created'] ),
			'site_chosen'       => $this->site > 0,
			'sector_name'       => (string) ( $sector['name'] ?? '' ),
			// An older service doesn't say: then the key is taken to be able to write.
			'role'              => (string) ( $connected['role'] ?? 'editor' ),
			'site_restricted'   => ! empty( $connected['site_restricted'] ),
		);
		set_transient( $cache_key, $this->info, 10 * MINUTE_IN_SECONDS );
		return $this->info;
	}

	public function sectors(): array {
		return $this->list_of( 'auth/sectors/', array( 'page_size' => 1000 ) )['results'];
	}

	/** The account's sites the key may see (Settings' site picker). */
	public function sites(): array {
		return $this->request( 'GET', 'auth/sites/', array( 'page_size' => 1000 ) )['results'];
	}

	/** The sectors of every site of the account the key may see (Settings' sector picker). */
	public function account_sectors(): array {
		return $this->request( 'GET', 'auth/sectors/', array( 'page_size' => 1000 ) )['results'];
	}

	public function keywords( array $query = array() ): array {
		return $this->list_of( 'planner/keywords/', $query );
	}

	public function bulkUpdateKeywords( array $ids, array $patch ): int {
		return $this->affected( 'planner/keywords/bulk_update/', array( 'ids' => array_map( 'intval', $ids ) ) + $patch );
	}

	public function deleteKeywords( array $ids ): int {
		return $this->affected( 'planner/keywords/bulk_delete/', array( 'ids' => array_map( 'intval', $ids ) ) );
	}

	public function importKeywords( int $sector_id, string $csv ): array {
		return $this->request( 'POST', 'planner/keywords/import/', array( 'sector_id' => $sector_id ), $csv, false, 'text/csv' );
	}

	public function exportKeywords( array $query = array() ): string {
		$query['site_id'] = $this->info()['site_id'];
		return $this->request( 'GET', 'planner/keywords/export/', array_filter( $query, array( $this, 'is_set' ) ), null, true );
	}

	public function clusters( array $query = array() ): array {
		return $this->list_of( 'planner/clusters/', $query );
	}

	public function deleteClusters( array $ids ): int {
		return $this->affected( 'planner/clusters/bulk_delete/', array( 'ids' => array_map( 'intval', $ids ) ) );
	}

	public function ideas( array $query = array() ): array {
		return $this->list_of( 'planner/ideas/', $query );
	}

	/** Where each kind lives in the API. */
	const RECORDS = array(
		'keyword'  => 'planner/keywords/',
		'cluster'  => 'planner/clusters/',
		'idea'     => 'planner/ideas/',
		'task'     => 'writer/tasks/',
		'sector'   => 'auth/sectors/',
		'strategy' => 'thinker/strategies/',
	);

	private static function path_of( string $kind ): string {
		if ( ! isset( self::RECORDS[ $kind ] ) ) {
			throw new Backend_Error( sprintf( 'Unknown kind %s.', $kind ), 400, 'validation' );
		}
		return self::RECORDS[ $kind ];
	}

	public function record( string $kind, int $id ): array {
		return $this->request( 'GET', self::path_of( $kind ) . $id . '/' );
	}

	public function createRecord( string $kind, array $fields ): array {
		if ( 'sector' === $kind ) {
			$fields['site_id'] = $this->info()['site_id'];
		}
		return $this->request( 'POST', self::path_of( $kind ), array(), $fields );
	}

	public function updateRecord( string $kind, int $id, array $patch ): array {
		return $this->request( 'PATCH', self::path_of( $kind ) . $id . '/', array(), $patch );
	}

	/** GET thinker/strategies/: account-wide (a key held to one site may not read them). */
	public function strategies( array $query = array() ): array {
		return $this->request( 'GET', 'thinker/strategies/', array_filter( $query, array( $this, 'is_set' ) ) );
	}

	public function deleteStrategies( array $ids ): int {
		return $this->affected( 'thinker/strategies/bulk_delete/', array( 'ids' => array_values( $ids ) ) );
	}

	public function deleteSector( int $id ): void {
		$this->request( 'DELETE', self::path_of( 'sector' ) . $id . '/' );
	}

	public function createIdea( array $idea ): array {
		return $this->request( 'POST', 'planner/ideas/', array(), $idea );
	}

	public function deleteIdeas( array $ids ): int {
		return $this->affected( 'planner/ideas/bulk_delete/', array( 'ids' => array_map( 'intval', $ids ) ) );
	}

	public function queueIdeas( array $ids ): array {
		return $this->request( 'POST', 'planner/ideas/queue_to_writer/', array(), array( 'ids' => array_map( 'intval', $ids ) ) );
	}

	public function tasks( array $query = array() ): array {
		return $this->list_of( 'writer/tasks/', $query );
	}

	public function deleteTasks( array $ids ): int {
		return $this->affected( 'writer/tasks/bulk_delete/', array( 'ids' => array_map( 'intval', $ids ) ) );
	}

	public function contents( array $query = array() ): array {
		$page            = $this->list_of( 'writer/content/', $query );
		$page['results'] = array_map( array( $this, 'with_link' ), $page['results'] );
		return $page;
	}

	public function content( int $id ): array {
		return $this->with_link( $this->request( 'GET', "writer/content/$id/" ) );
	}

	/**
	 * PATCH writer/content/{id}/, also for `wp_post_id`, `wp_url` and `published_at` (the
	 * post the plugin made), as the extension's updateContent takes them.
	 */
	public function updateContent( int $id, array $patch ): array {
		$content = $this->request( 'PATCH', "writer/content/$id/", array(), $patch );
		if ( array_intersect_key( $patch, array_flip( self::LINK_FIELDS ) ) ) {
			$this->forget_old_link( $id );
		}
		return $this->with_link( $content );
	}

	/** PUT auth/sites/{site}/links/: this site's WordPress objects, as read here. */
	public function recordLinks( array $input ): array {
		$site = (int) $this->info()['site_id'];
		return $this->request( 'PUT', "auth/sites/$site/links/", array(), (object) $input );
	}

	/** GET auth/sites/{site}/links/: a page of the site's link inventory. */
	public function linkInventory( array $query = array() ): array {
		$site = (int) $this->info()['site_id'];
		$page = $this->request( 'GET', "auth/sites/$site/links/", array_filter( $query, array( $this, 'is_set' ) ) );
		$page['count'] = $page['count'] ?? count( $page['results'] );
		return $page;
	}

	/** GET writer/content/{id}/links_back/. */
	public function linksBack( int $id, int $limit = 10 ): array {
		return $this->request( 'GET', "writer/content/$id/links_back/", array( 'limit' => $limit ) );
	}

	/** POST writer/content/{id}/check/. */
	public function checkDraft( int $id, array $draft ): array {
		return $this->request( 'POST', "writer/content/$id/check/", array(), $draft );
	}

	/** POST writer/content/{id}/links_out/. */
	public function linksOut( int $id, array $input ): array {
		return $this->request( 'POST', "writer/content/$id/links_out/", array(), $input );
	}

	/** POST writer/content/{id}/links_back/. */
	public function insertLinkBack( int $id, int $from ): array {
		return $this->request( 'POST', "writer/content/$id/links_back/", array(), array( 'content_id' => $from ) );
	}

	/** POST writer/content/{id}/render/: the post WordPress receives for the content. */
	public function renderPost( int $id, array $input = array() ): array {
		return $this->request( 'POST', "writer/content/$id/render/", array(), (object) $input );
	}

	/** The content, with the link of the old option when the API knows no post of it. */
	private function with_link( array $content ): array {
		if ( empty( $content['wp_post_id'] ) ) {
			$links = get_option( self::LINKS_OPTION, array() );
			if ( is_array( $links ) && isset( $links[ $content['id'] ] ) && is_array( $links[ $content['id'] ] ) ) {
				$linked = array_merge( $content, array_intersect_key( $links[ $content['id'] ], array_flip( self::LINK_FIELDS ) ) );
				// Kept by content id alone: only trusted for a post that is this content's.
				$post = (int) ( $linked['wp_post_id'] ?? 0 );
				if ( $post && get_post( $post ) && Publisher::owns( $this, $linked, $post ) ) {
					$content = $linked;
				}
			}
		}
		return $content;
	}

	private function forget_old_link( int $id ): void {
		$links = get_option( self::LINKS_OPTION, null );
		if ( ! is_array( $links ) || ! isset( $links[ $id ] ) ) {
			return;
		}
		unset( $links[ $id ] );
		if ( $links ) {
			update_option( self::LINKS_OPTION, $links, false );
		} else {
			delete_option( self::LINKS_OPTION );
		}
	}

	public function deleteContents( array $ids ): int {
		return $this->affected( 'writer/content/bulk_delete/', array( 'ids' => array_map( 'intval', $ids ) ) );
	}

	public function images( array $query = array() ): array {
		return $this->list_of( 'writer/images/', $query );
	}

	/**
	 * An image the service stored as a file (`has_file`; its `url` is null): streamed from
	 * GET writer/images/{id}/file/ with the API key into $to.
	 */
	public function imageFile( array $image, string $to ): string {
		if ( empty( $image['has_file'] ) ) {
			return '';
		}
		$this->unless_down();
		$id       = (int) $image['id'];
		$url      = $this->base . "writer/images/$id/file/";
		$response = wp_remote_get(
			$url,
			array(
				'timeout'  => 60,
				'stream'   => true,
				'filename' => $to,
				'headers'  => array(
					'Authorization' => 'Api-Key ' . $this->key,
					'Accept'        => implode( ', ', array_keys( self::IMAGE_TYPES ) ),
				),
			)
		);
		if ( is_wp_error( $response ) ) {
			throw $this->unreachable( $response );
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$type   = strtolower( trim( explode( ';', (string) wp_remote_retrieve_header( $response, 'content-type' ) )[0] ) );
		if ( 200 !== $status || ! isset( self::IMAGE_TYPES[ $type ] ) ) {
			/* translators: 1: an image's id, 2: HTTP status, 3: the answer's content type */
			throw new Backend_Error( sprintf( __( 'The IGNY8 service did not send the file of image %1$d (HTTP %2$d, %3$s).', 'igny8' ), $id, $status, '' !== $type ? $type : '-' ), $status >= 400 ? $status : 502, 404 === $status ? 'not_found' : 'bad_response' );
		}
		return "image-$id." . self::IMAGE_TYPES[ $type ];
	}

	/** The shipped defaults with the account's overrides, as the extension lists them. */
	public function prompts(): array {
		$defaults = $this->request( 'GET', 'thinker/prompts/defaults/' );
		$custom   = array();
		foreach ( $this->custom_prompts() as $prompt ) {
			$custom[ $prompt['prompt_type'] ] = $prompt;
		}
		$prompts = array();
		foreach ( $defaults as $default ) {
			$type      = $default['prompt_type'];
			$prompts[] = array(
				'prompt_type'  => $type,
				'prompt_value' => isset( $custom[ $type ] ) ? $custom[ $type ]['template'] : $default['template'],
				'is_custom'    => isset( $custom[ $type ] ),
				'default'      => $default['template'],
				'variables'    => $default['variables'] ?? array(),
			);
		}
		return $prompts;
	}

	/** The account's own prompts (a plain list). */
	private function custom_prompts(): array {
		$list = $this->request( 'GET', 'thinker/prompts/' );
		return $list['results'] ?? $list;
	}

	private function custom_prompt( string $prompt_type ): ?array {
		foreach ( $this->custom_prompts() as $prompt ) {
			if ( $prompt['prompt_type'] === $prompt_type ) {
				return $prompt;
			}
		}
		return null;
	}

	public function setPrompt( string $prompt_type, string $text ): array {
		$custom = $this->custom_prompt( $prompt_type );
		if ( $custom ) {
			return $this->request( 'PATCH', "thinker/prompts/{$custom['id']}/", array(), array( 'template' => $text ) );
		}
		return $this->request( 'POST', 'thinker/prompts/', array(), array( 'prompt_type' => $prompt_type, 'template' => $text ) );
	}

	public function resetPrompt( string $prompt_type ): bool {
		$custom = $this->custom_prompt( $prompt_type );
		if ( ! $custom ) {
			return false;
		}
		$this->request( 'DELETE', "thinker/prompts/{$custom['id']}/" );
		return true;
	}

	public function authorProfiles( array $query = array() ): array {
		return $this->request( 'GET', 'thinker/author-profiles/', array_filter( $query, array( $this, 'is_set' ) ) );
	}

	public function createAuthorProfile( array $profile ): array {
		return $this->request( 'POST', 'thinker/author-profiles/', array(), $profile );
	}

	public function deleteAuthorProfiles( array $ids ): int {
		return $this->affected( 'thinker/author-profiles/bulk_delete/', array( 'ids' => array_map( 'intval', $ids ) ) );
	}

	public function settings(): array {
		return $this->request( 'GET', 'system/settings/' );
	}

	public function setSetting( string $key, $value ): array {
		return $this->request( 'POST', 'system/settings/', array(), array( 'key' => $key, 'value' => $value ) );
	}

	public function integrations(): array {
		return $this->request( 'GET', 'system/integrations/' );
	}

	/** $config is flat as for the extension ('api_key', 'model', 'base_url', 'is_active', …). */
	public function setIntegration( string $provider, array $config ): array {
		$body = array();
		foreach ( array( 'api_key', 'is_active' ) as $top ) {
			if ( array_key_exists( $top, $config ) ) {
				$body[ $top ] = $config[ $top ];
				unset( $config[ $top ] );
			}
		}
		if ( $config ) {
			// PATCH replaces the whole config: keep what is there and change only what was given.
			foreach ( $this->integrations() as $current ) {
				if ( $current['provider'] === $provider ) {
					$config = array_merge( array_filter( (array) ( $current['config'] ?? array() ), array( $this, 'is_set' ) ), $config );
				}
			}
			$body['config'] = $config;
		}
		try {
			return $this->request( 'PATCH', "system/integrations/$provider/", array(), $body );
		} catch ( Backend_Error $e ) {
			if ( 404 !== $e->status() ) {
				throw $e;
			}
			return $this->request( 'POST', 'system/integrations/', array(), array( 'provider' => $provider ) + $body );
		}
	}

	public function testIntegration( string $provider ): array {
		return $this->request( 'POST', 'system/integrations/' . rawurlencode( $provider ) . '/test/', array(), (object) array() );
	}

	public function credits(): array {
		$balance = $this->request( 'GET', 'billing/balance/' );
		return array(
			'balance' => (int) $balance['credits'],
			'credits' => (int) $balance['credits'],
			'plan_id' => $balance['plan_id'] ?? null,
		);
	}

	/** GET billing/transactions/: account-wide (a key held to one site may not read it). */
	public function transactions( array $query = array() ): array {
		return $this->request( 'GET', 'billing/transactions/', array_filter( $query, array( $this, 'is_set' ) ) );
	}

	public function usage( array $query = array() ): array {
		return $this->request( 'GET', 'billing/usage/', array_filter( $query, array( $this, 'is_set' ) ) );
	}

	/** POST thinker/image_testing/. */
	public function testImage( array $test ): array {
		return $this->request( 'POST', 'thinker/image_testing/', array(), $test );
	}

	public function estimate( string $function, array $input ): array {
		$ids = $input['ids'] ?? array();
		unset( $input['ids'] );
		return $this->request(
			'POST',
			'billing/estimate/',
			array(),
			array(
				'operation' => $function,
				'ids'       => $ids,
				'options'   => (object) $input,
			)
		);
	}

	public function start( string $function, array $input ): array {
		if ( ! isset( self::FUNCTIONS[ $function ] ) ) {
			/* translators: %s: an AI function's name */
			throw new Backend_Error( sprintf( __( 'Unknown AI function %s.', 'igny8' ), $function ), 400, 'validation' );
		}
		return $this->request( 'POST', self::FUNCTIONS[ $function ], array(), $input );
	}

	public function job( int $id ): array {
		return $this->request( 'GET', "system/jobs/$id/" );
	}

	public function jobs( array $query = array() ): array {
		return $this->list_of( 'system/jobs/', $query );
	}

	public function cancelJob( int $id ): array {
		return $this->request( 'POST', "system/jobs/$id/cancel/" );
	}

	/** The hosted service runs its jobs; nothing to do here. */
	public function runJobs( float $max_seconds = 20.0 ): array {
		return array(
			'ran'  => 0,
			'jobs' => array(),
		);
	}

	public function dashboard( array $query = array() ): array {
		$query['site_id'] = $this->info()['site_id'];
		return $this->request( 'GET', 'planner/dashboard/', array_filter( $query, array( $this, 'is_set' ) ) );
	}
}
