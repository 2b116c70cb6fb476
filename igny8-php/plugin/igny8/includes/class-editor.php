<?php
/**
 * The block editor's IGNY8 sidebar, for posts made from IGNY8 content.
 *
 * @package Igny8
 */

namespace Igny8\WP;

defined( 'ABSPATH' ) || exit;

/**
 * A post sent from IGNY8 (its marker names a content of this connection) gets an *IGNY8*
 * sidebar in the block editor (admin/js/igny8-editor.js):
 *
 * - **SEO score and checks** of the post as it stands in the editor — title, body and slug
 *   as typed, not as last saved — asked again a moment after each change; each check says
 *   what was measured and how to fix it.
 * - **Internal links**: pages of the site the article could link to (IGNY8's link
 *   inventory), each with the words of the article that would carry the link; *Insert link*
 *   links those words in the first paragraph that has them, as an undoable edit.
 *
 * Both go through two REST routes of this plugin (`igny8/v1/editor/{post}/checks`, `…/links`)
 * that call IGNY8 with the editor's content and save nothing. They need the right to edit that
 * post; the post must be this connection's (its origin), so a post of another service or
 * account is never sent to this one.
 */
final class Editor {

	/** The editor script's handle. */
	const HANDLE = 'igny8-editor';

	public static function boot(): void {
		add_action( 'enqueue_block_editor_assets', array( __CLASS__, 'assets' ) );
		add_action( 'rest_api_init', array( __CLASS__, 'routes' ) );
	}

	/** The SEO checks by id, in words (the editor's panel and the content preview). */
	public static function check_labels(): array {
		return array(
			'keyword_in_title'        => __( 'Keyword in the title', 'igny8' ),
			'keyword_in_introduction' => __( 'Keyword in the first 100 words', 'igny8' ),
			'keyword_in_subheading'   => __( 'Keyword in a subheading', 'igny8' ),
			'keyword_in_slug'         => __( 'Keyword in the address', 'igny8' ),
			'meta_title_length'       => __( 'Meta title length', 'igny8' ),
			'meta_description_length' => __( 'Meta description length', 'igny8' ),
			'keyword_density'         => __( 'Keyword density', 'igny8' ),
			'heading_levels'          => __( 'Heading levels', 'igny8' ),
			'unique_subheadings'      => __( 'Different subheadings', 'igny8' ),
			'length'                  => __( 'Length', 'igny8' ),
			'readability'             => __( 'Readability', 'igny8' ),
			'image_alt_text'          => __( 'Alt text of images', 'igny8' ),
			'internal_links'          => __( 'Links to the site', 'igny8' ),
			'external_links'          => __( 'Links to other sites', 'igny8' ),
		);
	}

	/** The content a post was made from (this connection's), or 0; never throws. */
	private static function content_of( int $post_id ): int {
		try {
			$backend = Plugin::backend();
			return $backend ? Publisher::content_of( $backend, $post_id ) : 0;
		} catch ( Backend_Error $e ) {
			return 0;
		}
	}

	/** The sidebar's script, in the editor of a post made from IGNY8 content. */
	public static function assets(): void {
		$post = get_post();
		if ( ! $post || 'post' !== $post->post_type || ! current_user_can( 'edit_post', $post->ID ) ) {
			return;
		}
		$content = self::content_of( (int) $post->ID );
		if ( ! $content ) {
			return;
		}
		wp_enqueue_script(
			self::HANDLE,
			plugins_url( 'admin/js/igny8-editor.js', IGNY8_PLUGIN_FILE ),
			array( 'wp-plugins', 'wp-edit-post', 'wp-element', 'wp-components', 'wp-data', 'wp-rich-text', 'wp-api-fetch', 'wp-i18n', 'wp-compose' ),
			IGNY8_PLUGIN_VERSION,
			true
		);
		wp_set_script_translations( self::HANDLE, 'igny8', IGNY8_PLUGIN_DIR . 'languages' );
		wp_localize_script(
			self::HANDLE,
			'igny8Editor',
			array(
				'post'    => (int) $post->ID,
				'content' => $content,
				'labels'  => self::check_labels(),
				'preview' => current_user_can( Plugin::CAP ) ? admin_url( 'admin.php?page=igny8-content&content=' . $content ) : '',
			)
		);
		wp_add_inline_style( 'wp-edit-post', self::css() );
	}

	/** The sidebar's few styles (the rest is WordPress's components). */
	private static function css(): string {
		return '.igny8-editor-score{display:inline-block;min-width:3.5em;padding:2px 8px;border-radius:10px;font-weight:600;text-align:center}'
			. '.igny8-editor-score-good{background:#d1e7dd;color:#0a3622}.igny8-editor-score-fair{background:#fff3cd;color:#664d03}.igny8-editor-score-poor{background:#f8d7da;color:#58151c}'
			. '.igny8-editor-checks{margin:0}.igny8-editor-checks li{margin:0 0 10px;padding-left:22px;position:relative}'
			. '.igny8-editor-checks li:before{position:absolute;left:0;font-weight:700}.igny8-editor-checks .igny8-pass:before{content:"\2713";color:#0a7d3b}.igny8-editor-checks .igny8-fail:before{content:"\2715";color:#b32d2e}'
			. '.igny8-editor-hint,.igny8-editor-paragraph{display:block;color:#50575e;font-size:12px}.igny8-editor-links li{margin:0 0 14px}'
			. '.igny8-editor-sidebar .components-button.is-secondary{margin:4px 0 12px}.igny8-editor-said{margin:0 0 12px}';
	}

	public static function routes(): void {
		$post = array(
			'post' => array(
				'type'     => 'integer',
				'required' => true,
			),
		);
		register_rest_route(
			'igny8/v1',
			'/editor/(?P<post>\d+)/checks',
			array(
				'methods'             => 'POST',
				'callback'            => array( __CLASS__, 'rest_checks' ),
				'permission_callback' => array( __CLASS__, 'rest_allowed' ),
				'args'                => $post + array(
					'title'   => array( 'type' => 'string' ),
					'content' => array( 'type' => 'string' ),
					'slug'    => array( 'type' => 'string' ),
				),
			)
		);
		register_rest_route(
			'igny8/v1',
			'/editor/(?P<post>\d+)/links',
			array(
				'methods'             => 'POST',
				'callback'            => array( __CLASS__, 'rest_links' ),
				'permission_callback' => array( __CLASS__, 'rest_allowed' ),
				'args'                => $post + array(
					'content' => array( 'type' => 'string' ),
				),
			)
		);
	}

	/** Whoever may edit the post (the REST nonce is checked by WordPress for cookies). */
	public static function rest_allowed( \WP_REST_Request $request ) {
		$post = get_post( (int) $request['post'] );
		if ( ! $post || 'post' !== $post->post_type ) {
			return new \WP_Error( 'igny8_no_post', __( 'There is no such post.', 'igny8' ), array( 'status' => 404 ) );
		}
		return current_user_can( 'edit_post', $post->ID );
	}

	/**
	 * The content of the request's post, or the error to answer: the post isn't IGNY8's (or
	 * another connection's), or IGNY8 isn't connected.
	 *
	 * @return array{0: Backend, 1: int}|\WP_Error
	 */
	private static function target( \WP_REST_Request $request ) {
		try {
			$backend = Plugin::backend();
		} catch ( Backend_Error $e ) {
			return self::error( $e );
		}
		if ( ! $backend ) {
			return new \WP_Error( 'igny8_not_configured', __( 'IGNY8 is not connected: connect it under IGNY8 → Settings.', 'igny8' ), array( 'status' => 503 ) );
		}
		$content = Publisher::content_of( $backend, (int) $request['post'] );
		if ( ! $content ) {
			return new \WP_Error( 'igny8_not_ours', __( 'This post was not made from IGNY8 content of the connected account.', 'igny8' ), array( 'status' => 404 ) );
		}
		return array( $backend, $content );
	}

	private static function error( Backend_Error $e ): \WP_Error {
		return new \WP_Error( 'igny8_' . $e->error_code(), $e->describe(), array( 'status' => $e->status() ) );
	}

	/** POST igny8/v1/editor/{post}/checks {title, content, slug}: ['score', 'checks']. */
	public static function rest_checks( \WP_REST_Request $request ) {
		$target = self::target( $request );
		if ( is_wp_error( $target ) ) {
			return $target;
		}
		list( $backend, $content ) = $target;
		$draft = array();
		foreach ( array( 'title' => 'title', 'content' => 'html', 'slug' => 'slug' ) as $from => $to ) {
			if ( null !== $request[ $from ] ) {
				$draft[ $to ] = (string) $request[ $from ];
			}
		}
		try {
			return rest_ensure_response( $backend->checkDraft( $content, $draft ) );
		} catch ( Backend_Error $e ) {
			return self::error( $e );
		}
	}

	/** POST igny8/v1/editor/{post}/links {content}: the suggested links. */
	public static function rest_links( \WP_REST_Request $request ) {
		$target = self::target( $request );
		if ( is_wp_error( $target ) ) {
			return $target;
		}
		list( $backend, $content ) = $target;
		$input = array( 'limit' => 8 );
		if ( null !== $request['content'] ) {
			$input['html'] = (string) $request['content'];
		}
		try {
			return rest_ensure_response( $backend->linksOut( $content, $input ) );
		} catch ( Backend_Error $e ) {
			return self::error( $e );
		}
	}
}
