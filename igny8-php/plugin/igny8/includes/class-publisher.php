<?php
/**
 * Generated content → a real WordPress post.
 *
 * @package Igny8
 */

namespace Igny8\WP;

defined( 'ABSPATH' ) || exit;

/**
 * Makes (or updates) the post of a content with wp_insert_post. What the post holds — title,
 * slug, excerpt, the body as blocks (or classic HTML, per the account's `publish.format`) with
 * the in-article images placed, featured image, categories and tags by name, the Yoast and
 * Rank Math fields — is decided by IGNY8's core (`renderPost`, the hosted API's
 * `writer/content/{id}/render/`), the same renderer the hosted service publishes with; this
 * class uploads the images, asks for the post and hands it to WordPress's own functions.
 *
 * Content and post are linked both ways — the post carries `_igny8_content_id` (and the
 * backend it came from) and the marker IGNY8 writes into every post
 * (`igny8:content=ID@CREATED;`, in the first block's metadata, or a comment on top of a classic
 * body); the content gets `wp_post_id`, `wp_url`, `published_at` — so sending again updates
 * the same post, also when one side of the link was lost.
 *
 * A post is this content's only when it carries the content's marker, or — when it carries no
 * IGNY8 marker at all (the block holding it was edited away) — when its meta names this
 * content of the same service and account (`_igny8_origin`, see Backend::origin()). Ids
 * restart on every IGNY8 server, so the content id alone never suffices: pointed at a second
 * service, the plugin leaves the first one's posts and images alone. `wp_post_id` can be
 * edited in IGNY8, so any post that is not the content's own is refused, untouched.
 *
 * Sending never destroys work done in WordPress:
 * - a live post (published, scheduled, private) is never turned back into a draft unless the
 *   caller asks for it with `unpublish`; bulk sending keeps every existing post's status;
 * - after each send the post's fingerprint is kept (`_igny8_sent`: title, body, excerpt,
 *   terms, featured image as WordPress stored them); before the next one, a post edited in
 *   WordPress since is not overwritten unless the caller passes `replace_edits` — the error
 *   (code `edited`) names what changed;
 * - plan() says beforehand what a send will do, for the screens to show.
 *
 * Whatever the backend answered, the title and excerpt go through wp_kses with no tags allowed
 * and the body through wp_kses_post — posts are written as the user who sends them, who may
 * hold `unfiltered_html`. The content's status follows its post's in WordPress (published,
 * back to draft, trashed, deleted), see follow_status().
 */
final class Publisher {

	const META_CONTENT = '_igny8_content_id';
	const META_BACKEND = '_igny8_backend';
	const META_IMAGE   = '_igny8_image_id';
	const META_ORIGIN  = '_igny8_origin';
	const META_SENT    = '_igny8_sent';

	/** Post statuses a content may be sent as. */
	const STATUSES = array( 'draft', 'publish', 'future' );

	/** Post statuses readers (or the schedule) see: never turned into a draft unasked. */
	const LIVE = array( 'publish', 'future', 'private' );

	/** Set while send() writes, so follow_status() leaves that write to send(). */
	private static $sending = false;

	public static function boot(): void {
		add_action( 'init', array( __CLASS__, 'register_meta' ) );
		add_action( 'transition_post_status', array( __CLASS__, 'follow_status' ), 10, 3 );
		add_action( 'before_delete_post', array( __CLASS__, 'follow_delete' ) );
	}

	public static function register_meta(): void {
		foreach ( array( self::META_CONTENT => 'integer', self::META_BACKEND => 'string', self::META_ORIGIN => 'string', self::META_SENT => 'string' ) as $key => $type ) {
			register_post_meta(
				'post',
				$key,
				array(
					'type'         => $type,
					'single'       => true,
					'show_in_rest' => false,
				)
			);
		}
	}

	/**
	 * Sends a content to WordPress. $status: draft, publish or future (then $date, a local
	 * 'Y-m-d H:i' in the site's timezone, in the future). $options:
	 * - `keep_status` (bool): an existing post keeps its status and date; $status is for a new post;
	 * - `unpublish` (bool): allow a live post to become a draft (else that is refused);
	 * - `replace_edits` (bool): overwrite edits made in WordPress since the last send (else refused).
	 * Returns ['post_id', 'url', 'created', 'status'].
	 *
	 * @throws Backend_Error When IGNY8 fails, WordPress refuses the post (code 'wordpress'), the
	 *                       post is another's ('conflict'), was edited in WordPress ('edited') or
	 *                       would go offline unasked ('would_unpublish').
	 */
	public static function send( Backend $backend, int $content_id, string $status = 'draft', ?string $date = null, array $options = array() ): array {
		if ( ! in_array( $status, self::STATUSES, true ) ) {
			/* translators: %s: a post status */
			throw new Backend_Error( sprintf( __( 'Unknown post status %s.', 'igny8' ), $status ), 400, 'validation', array( array( 'field' => 'status', 'message' => $status ) ) );
		}
		$content = $backend->content( $content_id );
		$post_id = self::find_post( $backend, $content );
		$keep    = $post_id && ! empty( $options['keep_status'] );
		if ( $post_id && ! $keep ) {
			self::check_status_change( $post_id, $status, ! empty( $options['unpublish'] ) );
		}
		if ( $post_id && empty( $options['replace_edits'] ) ) {
			$edits = self::edits( $post_id );
			if ( $edits ) {
				throw new Backend_Error( self::edited_message( $post_id, $edits ), 409, 'edited' );
			}
		}
		$ready = $backend->renderPost( $content_id, array( 'media' => self::media( $backend, $content_id ) ) );

		$post = array_merge( array( 'post_type' => 'post' ), self::fields( $ready ) );
		if ( ! $keep ) {
			$post['post_status'] = $status;
		}
		if ( ! $keep && 'future' === $status ) {
			$gmt = $date ? get_gmt_from_date( $date ) : '';
			if ( ! $gmt || strtotime( $gmt . ' UTC' ) <= time() ) {
				throw new Backend_Error( __( 'A scheduled post needs a date in the future.', 'igny8' ), 400, 'validation', array( array( 'field' => 'date', 'message' => (string) $date ) ) );
			}
			$post['post_date']     = get_date_from_gmt( $gmt );
			$post['post_date_gmt'] = $gmt;
			$post['edit_date']     = true;
		}
		if ( ! $keep && 'publish' === $status && $post_id && strtotime( get_post_field( 'post_date_gmt', $post_id ) . ' UTC' ) > time() ) {
			// Publishing a scheduled post now: WordPress would keep a future date as 'future'.
			$post['post_date']     = current_time( 'mysql' );
			$post['post_date_gmt'] = current_time( 'mysql', true );
			$post['edit_date']     = true;
		}
		$created       = ! $post_id;
		self::$sending = true;
		try {
			if ( $created ) {
				$post['post_name']   = sanitize_title( (string) $ready['slug'] );
				$post['post_author'] = get_current_user_id();
				$post_id             = wp_insert_post( wp_slash( $post ), true );
			} else {
				$post['ID'] = $post_id;
				$post_id    = wp_update_post( wp_slash( $post ), true );
			}
		} finally {
			self::$sending = false;
		}
		if ( is_wp_error( $post_id ) ) {
			throw new Backend_Error( $post_id->get_error_message(), 500, 'wordpress' );
		}

		update_post_meta( $post_id, self::META_CONTENT, $content_id );
		update_post_meta( $post_id, self::META_BACKEND, $backend->kind() );
		update_post_meta( $post_id, self::META_ORIGIN, $backend->origin() );
		self::set_terms( $post_id, $ready );
		foreach ( (array) $ready['meta'] as $key => $value ) {
			update_post_meta( $post_id, (string) $key, wp_slash( (string) $value ) );
		}
		if ( ! empty( $ready['featured_media'] ) ) {
			set_post_thumbnail( $post_id, (int) $ready['featured_media'] );
		}
		foreach ( (array) $ready['media'] as $attachment ) {
			if ( ! wp_get_post_parent_id( (int) $attachment ) ) {
				wp_update_post(
					array(
						'ID'          => (int) $attachment,
						'post_parent' => $post_id,
					)
				);
			}
		}
		clean_post_cache( $post_id );
		update_post_meta( $post_id, self::META_SENT, wp_slash( (string) wp_json_encode( self::fingerprint( $post_id ) ) ) );

		$now = (string) get_post_status( $post_id );
		$backend->updateContent( $content_id, self::link( $post_id, $now, (string) ( $content['status'] ?? '' ) ) );

		return array(
			'post_id' => $post_id,
			'url'     => get_permalink( $post_id ),
			'created' => $created,
			'status'  => $now,
		);
	}

	/**
	 * The content's side of the link to post $post_id, now of WordPress status $post_status:
	 * its id and address, when it went (or goes) live, and the content's status following the
	 * post's — published while the post is, back to draft when it no longer is.
	 */
	private static function link( int $post_id, string $post_status, string $content_status ): array {
		$link = array(
			'wp_post_id' => $post_id,
			'wp_url'     => get_permalink( $post_id ),
		);
		if ( in_array( $post_status, array( 'publish', 'future' ), true ) ) {
			$link['published_at'] = get_post_time( DATE_RFC3339, true, $post_id );
		}
		if ( 'publish' === $post_status && 'published' !== $content_status ) {
			$link['status'] = 'published';
		} elseif ( 'publish' !== $post_status && 'published' === $content_status ) {
			$link['status'] = 'draft';
		}
		return $link;
	}

	/**
	 * Refuses to turn a live post (published, scheduled, private) into a draft unless
	 * $unpublish says the user asked for exactly that.
	 *
	 * @throws Backend_Error Code 'would_unpublish'.
	 */
	private static function check_status_change( int $post_id, string $status, bool $unpublish ): void {
		$now = (string) get_post_status( $post_id );
		if ( 'draft' === $status && in_array( $now, self::LIVE, true ) && ! $unpublish ) {
			throw new Backend_Error(
				sprintf(
					/* translators: 1: post title, 2: its status in words */
					__( '“%1$s” is %2$s in WordPress; sending it as a draft would take it offline. Send it as it is, or choose “Back to draft” to unpublish it.', 'igny8' ),
					wp_strip_all_tags( get_the_title( $post_id ) ),
					self::status_label( $now )
				),
				409,
				'would_unpublish'
			);
		}
	}

	/** A post status in words ("published", "scheduled", …). */
	public static function status_label( string $status ): string {
		$labels = array(
			'publish' => __( 'published', 'igny8' ),
			'future'  => __( 'scheduled', 'igny8' ),
			'private' => __( 'private', 'igny8' ),
			'draft'   => __( 'a draft', 'igny8' ),
			'pending' => __( 'pending review', 'igny8' ),
			'trash'   => __( 'in the trash', 'igny8' ),
		);
		return $labels[ $status ] ?? $status;
	}

	/**
	 * What a send of $content would do, for the screens to say before it happens:
	 * ['post_id' (0: a new post), 'post_status', 'edits' (what was changed in WordPress since
	 * the last send; null when IGNY8 has no record of it), 'error' (why it can't be sent, or '')].
	 */
	public static function plan( Backend $backend, array $content ): array {
		$plan = array(
			'post_id'     => 0,
			'post_status' => '',
			'edits'       => array(),
			'error'       => '',
		);
		try {
			$plan['post_id'] = self::find_post( $backend, $content );
		} catch ( Backend_Error $e ) {
			$plan['error'] = $e->getMessage();
			return $plan;
		}
		if ( $plan['post_id'] ) {
			$plan['post_status'] = (string) get_post_status( $plan['post_id'] );
			$plan['edits']       = self::edits( $plan['post_id'] );
		}
		return $plan;
	}

	/**
	 * What was changed in WordPress in post $post_id since IGNY8 last sent it, in words
	 * ("the title", "the body", …); empty when nothing. A post IGNY8 has no fingerprint of
	 * (sent by a plugin version before 0.9) counts as changed, since nothing says it wasn't.
	 *
	 * @return string[]
	 */
	public static function edits( int $post_id ): array {
		$sent = json_decode( (string) get_post_meta( $post_id, self::META_SENT, true ), true );
		if ( ! is_array( $sent ) ) {
			return array( __( 'anything (IGNY8 has no record of what it sent last)', 'igny8' ) );
		}
		$labels = array(
			'title'    => __( 'the title', 'igny8' ),
			'body'     => __( 'the body', 'igny8' ),
			'excerpt'  => __( 'the excerpt', 'igny8' ),
			'terms'    => __( 'the categories or tags', 'igny8' ),
			'featured' => __( 'the featured image', 'igny8' ),
		);
		$now   = self::fingerprint( $post_id );
		$edits = array();
		foreach ( $labels as $part => $label ) {
			if ( ( $sent[ $part ] ?? null ) !== $now[ $part ] ) {
				$edits[] = $label;
			}
		}
		return $edits;
	}

	/** The error of a send refused because of the edits $edits made in WordPress. */
	private static function edited_message( int $post_id, array $edits ): string {
		return sprintf(
			/* translators: 1: post title, 2: what changed, e.g. "the title, the body" */
			__( '“%1$s” was edited in WordPress since IGNY8 last sent it (%2$s changed). Sending now would replace those edits: open the article in IGNY8 and choose “Replace the edits made in WordPress”, or keep the WordPress version.', 'igny8' ),
			wp_strip_all_tags( get_the_title( $post_id ) ),
			implode( ', ', $edits )
		);
	}

	/**
	 * What sending writes and a person may edit afterwards in WordPress, as WordPress stored it:
	 * title, body, excerpt, categories and tags, featured image.
	 *
	 * @return array{title: string, body: string, excerpt: string, terms: string, featured: int}
	 */
	private static function fingerprint( int $post_id ): array {
		$post  = get_post( $post_id );
		$terms = wp_get_object_terms( $post_id, array( 'category', 'post_tag' ), array( 'fields' => 'ids' ) );
		$terms = is_wp_error( $terms ) ? array() : array_map( 'intval', $terms );
		sort( $terms );
		return array(
			'title'    => md5( (string) $post->post_title ),
			'body'     => md5( (string) $post->post_content ),
			'excerpt'  => md5( (string) $post->post_excerpt ),
			'terms'    => md5( implode( ',', $terms ) ),
			'featured' => (int) get_post_thumbnail_id( $post_id ),
		);
	}

	/**
	 * transition_post_status: a post IGNY8 sent changed status in WordPress (published from the
	 * editor, went live on schedule, back to draft, trashed): its content follows. Failures are
	 * logged; they never stop WordPress saving the post.
	 */
	public static function follow_status( string $new_status, string $old_status, $post ): void {
		if ( self::$sending || $new_status === $old_status || ! $post instanceof \WP_Post || 'post' !== $post->post_type ) {
			return;
		}
		self::follow( (int) $post->ID, $new_status );
	}

	/** before_delete_post: the content of a post deleted for good forgets it. */
	public static function follow_delete( int $post_id ): void {
		if ( 'post' === get_post_type( $post_id ) ) {
			self::follow( $post_id, '' );
		}
	}

	/** The content of post $post_id (of this service and account) follows its new status ('' = deleted). */
	private static function follow( int $post_id, string $post_status ): void {
		$content_id = (int) get_post_meta( $post_id, self::META_CONTENT, true );
		if ( ! $content_id ) {
			return;
		}
		try {
			$backend = Plugin::backend();
			if ( ! $backend || ! self::same_origin( $backend, $post_id ) ) {
				return;
			}
			$content = $backend->content( $content_id );
			if ( (int) ( $content['wp_post_id'] ?? 0 ) !== $post_id ) {
				return;
			}
			if ( '' === $post_status ) {
				$patch = array(
					'wp_post_id'   => null,
					'wp_url'       => null,
					'published_at' => null,
				);
				if ( 'published' === ( $content['status'] ?? '' ) ) {
					$patch['status'] = 'draft';
				}
			} else {
				$patch = self::link( $post_id, $post_status, (string) ( $content['status'] ?? '' ) );
			}
			$backend->updateContent( $content_id, $patch );
		} catch ( Backend_Error $e ) {
			error_log( 'IGNY8: content ' . $content_id . ' could not follow post ' . $post_id . ': ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- for the site's PHP log; the screen says it in plain words
		}
	}

	/**
	 * Whether post (or attachment) $id was made from the service and account $backend is now
	 * connected to: its `_igny8_origin`, or for what plugin versions before 0.9 made (no origin
	 * kept), the kind of backend.
	 */
	private static function same_origin( Backend $backend, int $id ): bool {
		$origin = (string) get_post_meta( $id, self::META_ORIGIN, true );
		if ( '' !== $origin ) {
			return $origin === $backend->origin();
		}
		return (string) get_post_meta( $id, self::META_BACKEND, true ) === $backend->kind();
	}

	/**
	 * The IGNY8 content a post was made from, when it was made from this connection's (its
	 * marker names the content, its origin this service and account); 0 otherwise.
	 */
	public static function content_of( Backend $backend, int $post_id ): int {
		$content = (int) get_post_meta( $post_id, self::META_CONTENT, true );
		return $content > 0 && self::same_origin( $backend, $post_id ) ? $content : 0;
	}

	/**
	 * The post of a content: the one it names, which must be this content's (else an error:
	 * the link names someone else's post); else the one carrying its id in post meta (the link
	 * on the content's side was lost); else none.
	 *
	 * @throws Backend_Error When the post the content names is not this content's (code 'conflict').
	 */
	public static function find_post( Backend $backend, array $content ): int {
		$id = (int) ( $content['wp_post_id'] ?? 0 );
		if ( $id && get_post( $id ) && 'post' === get_post_type( $id ) ) {
			if ( ! self::owns( $backend, $content, $id ) ) {
				throw new Backend_Error(
					/* translators: %d: a WordPress post id */
					sprintf( __( 'WordPress post %d was not created by IGNY8 for this content; clear the WordPress post link or pick the post IGNY8 created.', 'igny8' ), $id ),
					409,
					'conflict'
				);
			}
			return $id;
		}
		$found = get_posts(
			array(
				'post_type'        => 'post',
				'post_status'      => 'any',
				'numberposts'      => 20,
				'fields'           => 'ids',
				'suppress_filters' => true,
				'meta_key'         => self::META_CONTENT, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key -- finds the one post with this IGNY8 meta, once per send
				'meta_value'       => (int) $content['id'], // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_value -- finds the one post with this IGNY8 meta, once per send
			)
		);
		// The same id may name contents of other services or accounts: only this one's counts.
		foreach ( $found as $candidate ) {
			if ( self::owns( $backend, $content, (int) $candidate ) ) {
				return (int) $candidate;
			}
		}
		return 0;
	}

	/**
	 * The post's title, body and excerpt from the post IGNY8 rendered: the title and excerpt
	 * are HTML-escaped text and keep no tag (wp_kses with none allowed), the body keeps what
	 * wp_kses_post allows (block comments included). IGNY8 already writes them so; this holds
	 * for whatever backend answered.
	 *
	 * @return array{post_title: string, post_content: string, post_excerpt: string}
	 */
	public static function fields( array $ready ): array {
		return array(
			'post_title'   => wp_kses( (string) $ready['title'], array() ),
			'post_content' => wp_kses_post( (string) $ready['content'] ),
			'post_excerpt' => wp_kses( (string) $ready['excerpt'], array() ),
		);
	}

	/**
	 * Whether post $id is the one IGNY8 made for the content: it carries the content's marker;
	 * or it carries no IGNY8 marker at all and its meta names this content of this service and
	 * account. A post with another content's marker (of this service or any other) is never it.
	 */
	public static function owns( Backend $backend, array $content, int $id ): bool {
		$raw     = (string) get_post_field( 'post_content', $id, 'raw' );
		$markers = self::markers( $raw );
		if ( $markers ) {
			return in_array( self::marker( $content ), $markers, true );
		}
		return (int) get_post_meta( $id, self::META_CONTENT, true ) === (int) $content['id'] && self::same_origin( $backend, $id );
	}

	/**
	 * The IGNY8 markers a post body carries, as IGNY8 writes them (see carries_marker()).
	 *
	 * @return string[]
	 */
	public static function markers( string $raw ): array {
		preg_match_all( '/<!-- (igny8:content=\d+@\d+;) -->|<!-- wp:[^>]*"igny8Marker":"(igny8:content=\d+@\d+;)"/', $raw, $found );
		return array_values( array_unique( array_filter( array_merge( $found[1], $found[2] ) ) ) );
	}

	/**
	 * Whether a post body carries the marker $mark as IGNY8 writes it: a comment of its own
	 * (classic), or inside a block comment's attributes (`"igny8Marker":"…"`; between `<!-- wp:`
	 * and the marker no `>`, which block attributes always write as \u003e). Text can't fake
	 * either: IGNY8 keeps comments out of a body and escapes `<` and `>` in its text.
	 */
	public static function carries_marker( string $raw, string $mark ): bool {
		if ( '' === $mark ) {
			return false;
		}
		return in_array( $mark, self::markers( $raw ), true );
	}

	/**
	 * The marker of a content, as IGNY8's own publisher writes it into a post: its id and the
	 * millisecond it was made (`igny8:content=ID@MILLIS;`), or '' without a creation time.
	 */
	public static function marker( array $content ): string {
		if ( empty( $content['created_at'] ) ) {
			return '';
		}
		try {
			$made = new \DateTimeImmutable( (string) $content['created_at'] );
		} catch ( \Exception $e ) {
			return '';
		}
		return sprintf( 'igny8:content=%d@%s;', (int) $content['id'], $made->format( 'Uv' ) );
	}

	private static function set_terms( int $post_id, array $ready ): void {
		$categories = array();
		foreach ( (array) ( $ready['categories'] ?? array() ) as $name ) {
			$name = trim( (string) $name );
			if ( '' === $name ) {
				continue;
			}
			$term = term_exists( $name, 'category' );
			if ( ! $term ) {
				$term = wp_insert_term( $name, 'category' );
			}
			if ( ! is_wp_error( $term ) ) {
				$categories[] = (int) $term['term_id'];
			}
		}
		if ( $categories ) {
			wp_set_post_categories( $post_id, $categories );
		}
		$tags = array_filter( array_map( 'trim', (array) ( $ready['tags'] ?? array() ) ) );
		wp_set_post_terms( $post_id, $tags, 'post_tag' );
	}

	/**
	 * The media items the content's generated images are in the media library (each uploaded
	 * once; found again by its `_igny8_image_id`), as renderPost takes them: image_id,
	 * attachment_id, and the URL and name of the size the body shows (`large` where WordPress
	 * made one, else `full`). Images that can't be read are left out.
	 */
	private static function media( Backend $backend, int $content_id ): array {
		$list  = $backend->images(
			array(
				'content_id' => $content_id,
				'page_size'  => 100,
			)
		);
		$media = array();
		foreach ( $list['results'] as $image ) {
			if ( 'generated' !== $image['status'] ) {
				continue;
			}
			$attachment = self::attachment( $backend, $image );
			if ( ! $attachment ) {
				continue;
			}
			$large   = wp_get_attachment_image_src( $attachment, 'large' );
			$media[] = array(
				'image_id'      => (int) $image['id'],
				'attachment_id' => $attachment,
				'url'           => $large ? (string) $large[0] : (string) wp_get_attachment_url( $attachment ),
				'size'          => $large && ! empty( $large[3] ) ? 'large' : 'full',
			);
		}
		return $media;
	}

	/**
	 * The attachment of an IGNY8 image, sideloading it the first time: its file (through the
	 * backend), else its URL. 0 when it can't be read.
	 */
	private static function attachment( Backend $backend, array $image ): int {
		$found = get_posts(
			array(
				'post_type'        => 'attachment',
				'post_status'      => 'inherit',
				'numberposts'      => 1,
				'fields'           => 'ids',
				'suppress_filters' => true,
				'meta_query'       => array( // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_query -- finds the one post with this IGNY8 meta, once per send
					array(
						'key'   => self::META_IMAGE,
						'value' => (int) $image['id'],
					),
					// Only an image of this service and account: ids restart on every server.
					// What older versions uploaded (no origin kept) is uploaded once more.
					array(
						'key'   => self::META_ORIGIN,
						'value' => $backend->origin(),
					),
				),
			)
		);
		if ( $found ) {
			update_post_meta( $found[0], '_wp_attachment_image_alt', wp_slash( (string) ( $image['alt_text'] ?? '' ) ) );
			return (int) $found[0];
		}

		require_once ABSPATH . 'wp-admin/includes/file.php';
		require_once ABSPATH . 'wp-admin/includes/media.php';
		require_once ABSPATH . 'wp-admin/includes/image.php';

		$url  = (string) ( $image['url'] ?? '' );
		$tmp  = wp_tempnam( 'igny8-image' );
		$name = '';
		try {
			// Stored as a file: native copies its file_path, remote downloads it with the API key.
			$name = $backend->imageFile( $image, $tmp );
		} catch ( Backend_Error $e ) {
			wp_delete_file( $tmp );
			error_log( 'IGNY8: image ' . $image['id'] . ' could not be read: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- for the site's PHP log; the screen says it in plain words
			return 0;
		}
		if ( '' === $name && preg_match( '#^https?://#i', $url ) ) {
			// The URL comes from the configured IGNY8 backend (its media, or the image provider's);
			// wp_safe_remote_get refuses local and private addresses and redirects to them.
			$response = wp_safe_remote_get(
				$url,
				array(
					'timeout'  => 60,
					'stream'   => true,
					'filename' => $tmp,
				)
			);
			if ( is_wp_error( $response ) || 200 !== (int) wp_remote_retrieve_response_code( $response ) ) {
				wp_delete_file( $tmp );
				return 0;
			}
			$name = basename( (string) wp_parse_url( $url, PHP_URL_PATH ) );
		}
		if ( '' === $name ) {
			wp_delete_file( $tmp );
			return 0;
		}
		$ext = strtolower( pathinfo( $name, PATHINFO_EXTENSION ) );
		if ( ! in_array( $ext, array( 'png', 'jpg', 'jpeg', 'webp', 'gif' ), true ) ) {
			$mime = wp_get_image_mime( $tmp );
			$ext  = $mime ? explode( '/', $mime )[1] : 'png';
		}
		$alt  = (string) ( $image['alt_text'] ?? '' );
		$file = array(
			'name'     => sanitize_file_name( ( $alt ? sanitize_title( wp_trim_words( $alt, 8, '' ) ) : 'igny8-image' ) . '-' . (int) $image['id'] . '.' . $ext ),
			'tmp_name' => $tmp,
		);
		$attachment = media_handle_sideload( $file, 0, $alt );
		if ( is_wp_error( $attachment ) ) {
			wp_delete_file( $tmp );
			error_log( 'IGNY8: image ' . $image['id'] . ' could not be added to the media library: ' . $attachment->get_error_message() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- for the site's PHP log; the screen says it in plain words
			return 0;
		}
		update_post_meta( $attachment, self::META_IMAGE, (int) $image['id'] );
		update_post_meta( $attachment, self::META_BACKEND, $backend->kind() );
		update_post_meta( $attachment, self::META_ORIGIN, $backend->origin() );
		update_post_meta( $attachment, '_wp_attachment_image_alt', wp_slash( $alt ) );
		return (int) $attachment;
	}
}
