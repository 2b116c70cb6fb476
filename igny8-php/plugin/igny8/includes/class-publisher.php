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
 * `wp_post_id` can be edited in IGNY8, so the post it names is updated only if it is this
 * content's (its meta or its marker say so); any other post is refused, untouched. Whatever
 * the backend answered, the title and excerpt go through wp_kses with no tags allowed and the
 * body through wp_kses_post — posts are written as the user who sends them, who may hold
 * `unfiltered_html`.
 */
final class Publisher {

	const META_CONTENT = '_igny8_content_id';
	const META_BACKEND = '_igny8_backend';
	const META_IMAGE   = '_igny8_image_id';

	/** Post statuses a content may be sent as. */
	const STATUSES = array( 'draft', 'publish', 'future' );

	public static function boot(): void {
		add_action( 'init', array( __CLASS__, 'register_meta' ) );
	}

	public static function register_meta(): void {
		foreach ( array( self::META_CONTENT => 'integer', self::META_BACKEND => 'string' ) as $key => $type ) {
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
	 * 'Y-m-d H:i' in the site's timezone, in the future). Returns ['post_id', 'url', 'created'].
	 *
	 * @throws Backend_Error When IGNY8 fails, or WordPress refuses the post (code 'wordpress').
	 */
	public static function send( Backend $backend, int $content_id, string $status = 'draft', ?string $date = null ): array {
		if ( ! in_array( $status, self::STATUSES, true ) ) {
			/* translators: %s: a post status */
			throw new Backend_Error( sprintf( __( 'Unknown post status %s.', 'igny8' ), $status ), 400, 'validation', array( array( 'field' => 'status', 'message' => $status ) ) );
		}
		$content = $backend->content( $content_id );
		$post_id = self::find_post( $backend, $content );
		$ready   = $backend->renderPost( $content_id, array( 'media' => self::media( $backend, $content_id ) ) );

		$post = array_merge(
			array( 'post_type' => 'post' ),
			self::fields( $ready ),
			array( 'post_status' => $status )
		);
		if ( 'future' === $status ) {
			$gmt = $date ? get_gmt_from_date( $date ) : '';
			if ( ! $gmt || strtotime( $gmt . ' UTC' ) <= time() ) {
				throw new Backend_Error( __( 'A scheduled post needs a date in the future.', 'igny8' ), 400, 'validation', array( array( 'field' => 'date', 'message' => (string) $date ) ) );
			}
			$post['post_date']     = get_date_from_gmt( $gmt );
			$post['post_date_gmt'] = $gmt;
			$post['edit_date']     = true;
		}
		if ( 'publish' === $status && $post_id && strtotime( get_post_field( 'post_date_gmt', $post_id ) . ' UTC' ) > time() ) {
			// Publishing a scheduled post now: WordPress would keep a future date as 'future'.
			$post['post_date']     = current_time( 'mysql' );
			$post['post_date_gmt'] = current_time( 'mysql', true );
			$post['edit_date']     = true;
		}
		$created = ! $post_id;
		if ( $created ) {
			$post['post_name']   = sanitize_title( (string) $ready['slug'] );
			$post['post_author'] = get_current_user_id();
			$post_id             = wp_insert_post( wp_slash( $post ), true );
		} else {
			$post['ID'] = $post_id;
			$post_id    = wp_update_post( wp_slash( $post ), true );
		}
		if ( is_wp_error( $post_id ) ) {
			throw new Backend_Error( $post_id->get_error_message(), 500, 'wordpress' );
		}

		update_post_meta( $post_id, self::META_CONTENT, $content_id );
		update_post_meta( $post_id, self::META_BACKEND, $backend->kind() );
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

		$url  = get_permalink( $post_id );
		$link = array(
			'wp_post_id' => $post_id,
			'wp_url'     => $url,
		);
		if ( 'draft' !== $status ) {
			$link['published_at'] = get_post_time( DATE_RFC3339, true, $post_id );
		}
		$backend->updateContent( $content_id, $link );

		return array(
			'post_id' => $post_id,
			'url'     => $url,
			'created' => $created,
		);
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
				'numberposts'      => 1,
				'fields'           => 'ids',
				'suppress_filters' => true,
				'meta_query'       => array( // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_query
					array(
						'key'   => self::META_CONTENT,
						'value' => (int) $content['id'],
					),
					array(
						'key'   => self::META_BACKEND,
						'value' => $backend->kind(),
					),
				),
			)
		);
		return $found ? (int) $found[0] : 0;
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
	 * Whether post $id is the one IGNY8 made for the content: its meta names this content of
	 * this backend, or its body carries the content's marker comment.
	 */
	public static function owns( Backend $backend, array $content, int $id ): bool {
		$owner = (int) get_post_meta( $id, self::META_CONTENT, true );
		$from  = (string) get_post_meta( $id, self::META_BACKEND, true );
		if ( $owner === (int) $content['id'] && $from === $backend->kind() ) {
			return true;
		}
		return self::carries_marker( (string) get_post_field( 'post_content', $id, 'raw' ), self::marker( $content ) );
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
		if ( false !== strpos( $raw, "<!-- $mark -->" ) ) {
			return true;
		}
		return 1 === preg_match( '/<!-- wp:[^>]*"igny8Marker":"' . preg_quote( $mark, '/' ) . '"/', $raw );
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
				'meta_query'       => array( // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_query
					array(
						'key'   => self::META_IMAGE,
						'value' => (int) $image['id'],
					),
					array(
						'key'   => self::META_BACKEND,
						'value' => $backend->kind(),
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
			error_log( 'IGNY8: image ' . $image['id'] . ' could not be read: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log
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
			error_log( 'IGNY8: image ' . $image['id'] . ' could not be added to the media library: ' . $attachment->get_error_message() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log
			return 0;
		}
		update_post_meta( $attachment, self::META_IMAGE, (int) $image['id'] );
		update_post_meta( $attachment, self::META_BACKEND, $backend->kind() );
		update_post_meta( $attachment, '_wp_attachment_image_alt', wp_slash( $alt ) );
		return (int) $attachment;
	}
}
