<?php
/**
 * Generated content → a real WordPress post.
 *
 * @package Igny8
 */

namespace Igny8\WP;

defined( 'ABSPATH' ) || exit;

/**
 * Makes (or updates) the post of a content with wp_insert_post: title, HTML with the in-article
 * images, excerpt, slug, categories and tags by name, the featured image, Yoast and Rank Math
 * meta. Content and post are linked both ways — the post carries `_igny8_content_id` (and the
 * backend it came from) and, at the top of its body, the marker comment IGNY8's own publisher
 * writes (`<!-- igny8:content=ID@CREATED; -->`); the content gets `wp_post_id`, `wp_url`,
 * `published_at` — so sending again updates the same post, also when one side of the link was
 * lost.
 *
 * `wp_post_id` can be edited in IGNY8, so the post it names is updated only if it is this
 * content's (its meta or its marker say so); any other post is refused, untouched. The title
 * and excerpt are plain text (sanitize_text_field) and the body goes through wp_kses_post —
 * posts are written as the user who sends them, who may hold `unfiltered_html`.
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
		$images  = self::images( $backend, $content_id );

		$post = array_merge(
			array( 'post_type' => 'post' ),
			self::fields( $content, $images['in_article'] ),
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
			$post['post_name']   = sanitize_title( $content['title'] );
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
		self::set_terms( $post_id, $content );
		self::set_seo( $post_id, $content );
		// Featured and in-article images are attached before the body names them.
		if ( $images['featured'] ) {
			set_post_thumbnail( $post_id, $images['featured']['attachment_id'] );
		}
		foreach ( array_merge( $images['featured'] ? array( $images['featured'] ) : array(), $images['in_article'] ) as $image ) {
			if ( ! wp_get_post_parent_id( $image['attachment_id'] ) ) {
				wp_update_post(
					array(
						'ID'          => $image['attachment_id'],
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
	 * The post's title, body and excerpt from a content: the title and excerpt as plain text
	 * (sanitize_text_field), the body — the content's marker comment, the HTML with the
	 * in-article images — through wp_kses_post. IGNY8 already keeps text plain and HTML
	 * sanitised; this holds for whatever backend answered.
	 *
	 * @return array{post_title: string, post_content: string, post_excerpt: string}
	 */
	public static function fields( array $content, array $in_article ): array {
		$mark = self::marker( $content );
		$body = self::body( (string) $content['html'], $in_article );
		return array(
			'post_title'   => sanitize_text_field( (string) $content['title'] ),
			'post_content' => wp_kses_post( ( '' !== $mark ? "<!-- $mark -->\n" : '' ) . $body ),
			'post_excerpt' => sanitize_text_field( self::excerpt( $content ) ),
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
		$mark = self::marker( $content );
		return '' !== $mark && false !== strpos( (string) get_post_field( 'post_content', $id, 'raw' ), "<!-- $mark -->" );
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

	private static function excerpt( array $content ): string {
		$description = trim( (string) ( $content['meta_description'] ?? '' ) );
		return '' !== $description ? $description : wp_trim_words( wp_strip_all_tags( $content['html'] ), 55 );
	}

	/** The HTML with in-article image n placed before section n + 1 (an h2), else at the end. */
	public static function body( string $html, array $in_article ): string {
		if ( ! $in_article ) {
			return $html;
		}
		$parts = preg_split( '/(?=<h2[\s>])/i', $html );
		$out   = array_shift( $parts );
		$queue = array_values( $in_article );
		foreach ( $parts as $i => $section ) {
			if ( $i > 0 && $queue ) {
				$out .= self::figure( array_shift( $queue ) );
			}
			$out .= $section;
		}
		foreach ( $queue as $image ) {
			$out .= self::figure( $image );
		}
		return $out;
	}

	private static function figure( array $image ): string {
		$id  = (int) $image['attachment_id'];
		$src = wp_get_attachment_image_url( $id, 'large' );
		return sprintf(
			"\n<figure class=\"wp-block-image size-large\"><img src=\"%s\" alt=\"%s\" class=\"wp-image-%d\"/></figure>\n",
			esc_url( (string) $src ),
			esc_attr( (string) $image['alt_text'] ),
			$id
		);
	}

	private static function set_terms( int $post_id, array $content ): void {
		$categories = array();
		foreach ( (array) ( $content['categories'] ?? array() ) as $name ) {
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
		$tags = array_filter( array_map( 'trim', (array) ( $content['tags'] ?? array() ) ) );
		wp_set_post_terms( $post_id, $tags, 'post_tag' );
	}

	private static function set_seo( int $post_id, array $content ): void {
		$title       = trim( (string) ( $content['meta_title'] ?? '' ) );
		$title       = '' !== $title ? $title : $content['title'];
		$description = self::excerpt( $content );
		update_post_meta( $post_id, '_yoast_wpseo_title', wp_slash( $title ) );
		update_post_meta( $post_id, '_yoast_wpseo_metadesc', wp_slash( $description ) );
		update_post_meta( $post_id, 'rank_math_title', wp_slash( $title ) );
		update_post_meta( $post_id, 'rank_math_description', wp_slash( $description ) );
	}

	/**
	 * The content's generated images, each in the media library (uploaded once; an image is
	 * found again by its `_igny8_image_id`): ['featured' => ?image, 'in_article' => [image…]],
	 * each image with its 'attachment_id'.
	 */
	private static function images( Backend $backend, int $content_id ): array {
		$out  = array(
			'featured'   => null,
			'in_article' => array(),
		);
		$list = $backend->images(
			array(
				'content_id' => $content_id,
				'page_size'  => 100,
			)
		);
		$rows = $list['results'];
		usort(
			$rows,
			static function ( $a, $b ) {
				return (int) $a['position'] <=> (int) $b['position'];
			}
		);
		foreach ( $rows as $image ) {
			if ( 'generated' !== $image['status'] ) {
				continue;
			}
			$attachment = self::attachment( $backend, $image );
			if ( ! $attachment ) {
				continue;
			}
			$image['attachment_id'] = $attachment;
			$image['alt_text']      = (string) ( $image['alt_text'] ?? '' );
			if ( 'featured' === $image['kind'] ) {
				$out['featured'] = $out['featured'] ? $out['featured'] : $image;
			} else {
				$out['in_article'][] = $image;
			}
		}
		return $out;
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
