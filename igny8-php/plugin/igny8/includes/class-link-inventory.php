<?php
/**
 * The link inventory from this site's own database: the published posts, pages and
 * categories internal links in generated articles may point to.
 *
 * @package Igny8
 */

namespace Igny8\WP;

defined( 'ABSPATH' ) || exit;

/**
 * Keeps the IGNY8 link inventory of this site in step with WordPress, without the REST API:
 * every post or page published, changed, unpublished or deleted, and every category made,
 * changed or deleted, is sent at once; once a day (and on "Sync now") the whole site is sent,
 * in calls of at most CALL objects, the last one saying it is complete so that anything the
 * hooks missed is taken out. A failure never stops WordPress from saving: it is logged, and
 * the daily sync repairs it.
 */
final class Link_Inventory {

	const HOOK = 'igny8_sync_links';

	/** When the last whole-site sync finished (a Unix time). */
	const SYNCED_OPTION = 'igny8_links_synced';

	/** Posts read per query. */
	const BATCH = 500;

	/** Objects sent per call (the backend takes at most 5,000). */
	const CALL = 2000;

	/** The post types that are link targets. */
	const TYPES = array( 'post', 'page' );

	public static function boot(): void {
		add_action( self::HOOK, array( __CLASS__, 'sync' ) );
		add_action( 'init', array( __CLASS__, 'schedule' ) );
		add_action( 'transition_post_status', array( __CLASS__, 'post_changed' ), 10, 3 );
		add_action( 'deleted_post', array( __CLASS__, 'post_deleted' ), 10, 2 );
		add_action( 'created_category', array( __CLASS__, 'category_changed' ) );
		add_action( 'edited_category', array( __CLASS__, 'category_changed' ) );
		add_action( 'delete_category', array( __CLASS__, 'category_deleted' ) );
	}

	public static function schedule(): void {
		if ( ! wp_next_scheduled( self::HOOK ) ) {
			wp_schedule_event( time() + MINUTE_IN_SECONDS, 'daily', self::HOOK );
		}
	}

	public static function unschedule(): void {
		wp_clear_scheduled_hook( self::HOOK );
	}

	/** A post or page as the inventory holds it. */
	public static function post_entry( \WP_Post $post ): array {
		$keywords = array();
		if ( 'post' === $post->post_type ) {
			foreach ( array( 'category', 'post_tag' ) as $taxonomy ) {
				$terms = get_the_terms( $post, $taxonomy );
				foreach ( is_array( $terms ) ? $terms : array() as $term ) {
					if ( 'uncategorized' !== $term->slug ) {
						$keywords[] = self::plain( $term->name );
					}
				}
			}
		}
		$modified = '0000-00-00 00:00:00' === $post->post_modified_gmt ? $post->post_date_gmt : $post->post_modified_gmt;
		return array(
			'kind'        => $post->post_type,
			'wp_id'       => (int) $post->ID,
			'url'         => (string) get_permalink( $post ),
			'title'       => self::plain( get_the_title( $post ) ),
			'keywords'    => array_values( array_unique( array_filter( $keywords ) ) ),
			'modified_at' => gmdate( 'Y-m-d\TH:i:s\Z', (int) strtotime( $modified . ' UTC' ) ),
		);
	}

	/** A category as the inventory holds it. */
	public static function category_entry( \WP_Term $term ): ?array {
		$link = get_term_link( $term );
		if ( is_wp_error( $link ) ) {
			return null;
		}
		return array(
			'kind'  => 'category',
			'wp_id' => (int) $term->term_id,
			'url'   => (string) $link,
			'title' => self::plain( $term->name ),
		);
	}

	/** Text as WordPress shows it (entities decoded, tags dropped). */
	private static function plain( string $text ): string {
		return trim( html_entity_decode( wp_strip_all_tags( $text ), ENT_QUOTES | ENT_HTML5, 'UTF-8' ) );
	}

	/** Tells the backend that one object ($kind: post, page or category) is no longer published. */
	private static function send_gone( string $kind, int $wp_id ): void {
		self::send(
			array(
				'pages' => array(),
				'gone'  => array(
					array(
						'kind'  => $kind,
						'wp_id' => $wp_id,
					),
				),
			)
		);
	}

	/** Sends $input to the backend; a failure is logged, never thrown into WordPress. */
	private static function send( array $input ): ?array {
		try {
			$backend = Plugin::backend();
			return $backend ? $backend->recordLinks( $input ) : null;
		} catch ( Backend_Error $e ) {
			error_log( 'IGNY8: the link inventory could not be updated: ' . $e->describe() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- for the site's PHP log; the screen says it in plain words
			return null;
		}
	}

	/** transition_post_status: published (or changed while published) or taken down. */
	public static function post_changed( string $new_status, string $old_status, \WP_Post $post ): void {
		if ( ! in_array( $post->post_type, self::TYPES, true ) || wp_is_post_revision( $post ) || wp_is_post_autosave( $post ) ) {
			return;
		}
		if ( 'publish' === $new_status ) {
			// Its categories too: a category gets its first post without a hook of its own.
			$pages = array( self::post_entry( $post ) );
			$terms = 'post' === $post->post_type ? get_the_terms( $post, 'category' ) : array();
			foreach ( is_array( $terms ) ? $terms : array() as $term ) {
				$entry = self::category_entry( $term );
				if ( $entry ) {
					$pages[] = $entry;
				}
			}
			self::send( array( 'pages' => $pages ) );
		} elseif ( 'publish' === $old_status ) {
			self::send_gone( $post->post_type, (int) $post->ID );
		}
	}

	/** deleted_post: gone (a published post is trashed first, which the status change saw). */
	public static function post_deleted( int $post_id, $post = null ): void {
		if ( $post instanceof \WP_Post && in_array( $post->post_type, self::TYPES, true ) && 'publish' === $post->post_status ) {
			self::send_gone( $post->post_type, $post_id );
		}
	}

	public static function category_changed( int $term_id ): void {
		$term = get_term( $term_id, 'category' );
		if ( ! $term instanceof \WP_Term ) {
			return;
		}
		if ( 0 === (int) $term->count ) {
			// An empty category's archive has nothing to read: not a link target.
			self::category_deleted( $term_id );
			return;
		}
		$entry = self::category_entry( $term );
		if ( $entry ) {
			self::send( array( 'pages' => array( $entry ) ) );
		}
	}

	public static function category_deleted( int $term_id ): void {
		self::send_gone( 'category', $term_id );
	}

	/**
	 * Sends the whole site: every published post and page and every non-empty category. The
	 * last call is complete, so what the inventory holds but the site no longer has is taken
	 * out. Returns ['recorded', 'removed'], or null when there is no backend or it failed.
	 */
	public static function sync(): ?array {
		$recorded = 0;
		$removed  = 0;
		$since    = null;
		$buffer   = array();
		$flush    = static function ( bool $last ) use ( &$buffer, &$since, &$recorded, &$removed ): bool {
			$input = array( 'pages' => $buffer );
			if ( $last ) {
				$input['complete'] = true;
				if ( null !== $since ) {
					$input['since'] = $since;
				}
			}
			$done = self::send( $input );
			if ( null === $done ) {
				return false;
			}
			$since     = $since ?? $done['seen_at'];
			$recorded += (int) $done['recorded'];
			$removed  += (int) $done['removed'];
			$buffer    = array();
			return true;
		};
		$terms = get_terms(
			array(
				'taxonomy'   => 'category',
				'hide_empty' => true,
			)
		);
		foreach ( is_array( $terms ) ? $terms : array() as $term ) {
			$entry = self::category_entry( $term );
			if ( $entry ) {
				$buffer[] = $entry;
			}
		}
		for ( $paged = 1; ; $paged++ ) {
			$posts = get_posts(
				array(
					'post_type'        => self::TYPES,
					'post_status'      => 'publish',
					'posts_per_page'   => self::BATCH,
					'paged'            => $paged,
					'orderby'          => 'ID',
					'order'            => 'ASC',
					'no_found_rows'    => true,
					'suppress_filters' => true,
				)
			);
			foreach ( $posts as $post ) {
				$buffer[] = self::post_entry( $post );
				if ( count( $buffer ) >= self::CALL && ! $flush( false ) ) {
					return null;
				}
			}
			if ( count( $posts ) < self::BATCH ) {
				break;
			}
		}
		if ( ! $flush( true ) ) {
			return null;
		}
		update_option( self::SYNCED_OPTION, time(), false );
		return array(
			'recorded' => $recorded,
			'removed'  => $removed,
		);
	}
}
