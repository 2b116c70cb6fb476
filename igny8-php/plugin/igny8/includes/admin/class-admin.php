<?php
/**
 * The wp-admin menu, assets and the "not connected" notice.
 *
 * @package Igny8
 */

namespace Igny8\WP\Admin;

use Igny8\WP\Backend_Error;
use Igny8\WP\Plugin;

defined( 'ABSPATH' ) || exit;

final class Admin {

	/** slug suffix => [menu title, renderer]. '' is the dashboard. */
	private static function pages(): array {
		return array(
			''         => array( __( 'Dashboard', 'igny8' ), array( Pages::class, 'dashboard' ) ),
			'keywords' => array( __( 'Keywords', 'igny8' ), array( Pages::class, 'keywords' ) ),
			'clusters' => array( __( 'Clusters', 'igny8' ), array( Pages::class, 'clusters' ) ),
			'ideas'    => array( __( 'Ideas', 'igny8' ), array( Pages::class, 'ideas' ) ),
			'tasks'    => array( __( 'Writer queue', 'igny8' ), array( Pages::class, 'tasks' ) ),
			'content'  => array( __( 'Content', 'igny8' ), array( Pages::class, 'content' ) ),
			'sectors'  => array( __( 'Sectors', 'igny8' ), array( Pages::class, 'sectors' ) ),
			'strategies' => array( __( 'Strategies', 'igny8' ), array( Pages::class, 'strategies' ) ),
			'credits'  => array( __( 'Credits', 'igny8' ), array( Pages::class, 'credits' ) ),
			'settings' => array( __( 'Settings', 'igny8' ), array( Settings_Page::class, 'render' ) ),
		);
	}

	public static function boot(): void {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
		add_action( 'admin_enqueue_scripts', array( __CLASS__, 'assets' ) );
		add_action( 'admin_notices', array( __CLASS__, 'connection_notice' ) );
		add_action( 'admin_post_igny8_dismiss_notice', array( __CLASS__, 'dismiss_notice' ) );
		add_action( 'admin_post_igny8_hide_checklist', array( __CLASS__, 'hide_checklist' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( IGNY8_PLUGIN_FILE ), array( __CLASS__, 'action_links' ) );
		Actions::boot();
		Lists::boot();
		Forms::boot();
		Settings_Page::boot();
	}

	public static function menu(): void {
		add_menu_page( __( 'IGNY8', 'igny8' ), __( 'IGNY8', 'igny8' ), Plugin::CAP, 'igny8', array( __CLASS__, 'render_dashboard' ), 'dashicons-edit-page', 26 );
		foreach ( self::pages() as $slug => list( $title, $renderer ) ) {
			$hook = add_submenu_page(
				'igny8',
				/* translators: %s: the screen's name */
				sprintf( __( 'IGNY8 %s', 'igny8' ), $title ),
				$title,
				Plugin::CAP,
				'' === $slug ? 'igny8' : 'igny8-' . $slug,
				// The dashboard's entry repeats the top-level page, which already renders it.
				'' === $slug ? '' : static function () use ( $slug ) {
					Admin::render( $slug );
				}
			);
			if ( $hook && isset( Lists::FORMS[ $slug ] ) ) {
				add_action(
					'load-' . $hook,
					static function () use ( $slug ) {
						Lists::load( $slug );
					}
				);
			}
		}
	}

	public static function render_dashboard(): void {
		self::render( '' );
	}

	/** Frames a screen: title, which backend, notices, a job in progress, then the page itself. */
	public static function render( string $slug ): void {
		if ( ! current_user_can( Plugin::CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to use IGNY8.', 'igny8' ), 403 );
		}
		list( $title, $renderer ) = self::pages()[ $slug ];
		echo '<div class="wrap igny8-wrap igny8-page-' . esc_attr( '' === $slug ? 'dashboard' : $slug ) . '">';
		echo '<h1 class="wp-heading-inline">' . esc_html( sprintf( 'IGNY8 — %s', $title ) ) . '</h1>';
		echo '' === Ui::query( 'edit' ) ? Forms::add_new( $slug ) : ''; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in Forms::add_new()
		echo ' <span class="igny8-backend-badge">' . esc_html( self::backend_label() ) . '</span>';
		echo '<hr class="wp-header-end">';
		Ui::flashed();
		$job = absint( $_GET['igny8_job'] ?? 0 ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only reads what the screen shows; nothing is changed
		if ( $job ) {
			Ui::job_box( $job, Ui::query( 'igny8_job_title' ) );
		}
		$backend = null;
		try {
			$backend = Plugin::backend();
		} catch ( Backend_Error $e ) {
			Ui::error( $e );
		}
		if ( $backend && 'settings' !== $slug && Plugin::read_only() ) {
			Ui::notice( __( 'The API key in Settings can only read (viewer role): these screens show your data but offer no action. To generate and send articles, enter a key with the editor role.', 'igny8' ), 'info', array( 'url' => Ui::url( 'settings' ), 'label' => __( 'Open Settings', 'igny8' ) ) );
		}
		if ( $backend || 'settings' === $slug ) {
			try {
				call_user_func( $renderer, $backend );
			} catch ( Backend_Error $e ) {
				Ui::error( $e );
			}
		}
		echo '</div>';
	}

	/** "Native (PHP extension)" or "Remote (hosted API …)" — which backend this screen uses. */
	public static function backend_label(): string {
		switch ( Plugin::backend_kind() ) {
			case 'native':
				return __( 'Backend: native (PHP extension, data in this site’s database)', 'igny8' );
			case 'remote':
				return __( 'Backend: remote (hosted IGNY8 API)', 'igny8' );
			default:
				return __( 'Backend: not connected', 'igny8' );
		}
	}

	/** User meta: the short "not connected" notice outside IGNY8's screens was dismissed. */
	const DISMISSED = 'igny8_connect_notice_dismissed';

	/**
	 * Without the extension and without an API key: on IGNY8's own screens, how to get one or
	 * the other, in words a site owner can act on (the technical line is for the host, folded
	 * away); elsewhere in wp-admin once, short, with a link that dismisses it for good.
	 */
	public static function connection_notice(): void {
		if ( ! current_user_can( Plugin::CAP ) || '' !== Plugin::backend_kind() ) {
			return;
		}
		try {
			Plugin::backend();
		} catch ( Backend_Error $e ) {
			/* translators: %s: the error */
			Ui::notice( sprintf( __( 'IGNY8 could not open its data: %s', 'igny8' ), $e->describe() ), 'error' );
			return;
		}
		$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		$ours   = $screen && false !== strpos( (string) $screen->id, 'igny8' );
		$page   = isset( $_GET['page'] ) ? sanitize_key( wp_unslash( $_GET['page'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only reads what the screen shows; nothing is changed
		$ours   = $ours || 0 === strpos( $page, 'igny8' );
		$link   = '<a href="' . esc_url( Ui::url( 'settings' ) ) . '">' . esc_html__( 'IGNY8 → Settings', 'igny8' ) . '</a>';
		if ( ! $ours ) {
			if ( get_user_meta( get_current_user_id(), self::DISMISSED, true ) ) {
				return;
			}
			$dismiss = wp_nonce_url( admin_url( 'admin-post.php?action=igny8_dismiss_notice' ), 'igny8_dismiss_notice' );
			echo '<div class="notice notice-info igny8-connect-notice igny8-connect-short"><p>';
			/* translators: %s: link to the settings screen */
			printf( esc_html__( 'IGNY8 is installed but not connected yet. Set it up in %s.', 'igny8' ), $link ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped above
			echo ' <a href="' . esc_url( $dismiss ) . '" class="igny8-dismiss">' . esc_html__( 'Don’t show this again', 'igny8' ) . '</a></p></div>';
			return;
		}
		?>
		<div class="notice notice-warning igny8-connect-notice">
			<p><strong><?php esc_html_e( 'IGNY8 is not connected yet.', 'igny8' ); ?></strong>
				<?php esc_html_e( 'Choose where it runs:', 'igny8' ); ?></p>
			<ul class="igny8-connect-choices">
				<li><?php
					printf(
						/* translators: %s: link to the settings screen */
						esc_html__( 'On the hosted IGNY8 service: enter its address and your API key in %s. Nothing to install.', 'igny8' ),
						$link // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped above
					);
				?></li>
				<li><?php esc_html_e( 'On this server, with your data in this site’s database: ask your hosting provider to enable the IGNY8 PHP extension for this site. Then enter your OpenAI key in IGNY8 → Settings.', 'igny8' ); ?></li>
			</ul>
			<details class="igny8-for-host"><summary><?php esc_html_e( 'What to send your hosting provider', 'igny8' ); ?></summary>
				<p><?php
					printf(
						/* translators: 1: PHP version, 2: the ini line */
						esc_html__( 'Please load the PHP extension libigny8_php.so (from the IGNY8 plugin package) in PHP %1$s for this site, with the line %2$s in its php.ini or conf.d, and restart PHP.', 'igny8' ),
						esc_html( PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION ),
						'<code>extension=igny8</code>'
					);
				?></p>
			</details>
		</div>
		<?php
	}

	/** admin-post: the short notice outside IGNY8's screens is not shown to this user again. */
	public static function dismiss_notice(): void {
		if ( ! current_user_can( Plugin::CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'igny8' ), 403 );
		}
		check_admin_referer( 'igny8_dismiss_notice' );
		update_user_meta( get_current_user_id(), self::DISMISSED, 1 );
		wp_safe_redirect( wp_get_referer() ? wp_get_referer() : admin_url() );
		exit;
	}

	/** admin-post: the dashboard's "Get started" checklist is not shown to this user again. */
	public static function hide_checklist(): void {
		if ( ! current_user_can( Plugin::CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'igny8' ), 403 );
		}
		check_admin_referer( 'igny8_hide_checklist' );
		update_user_meta( get_current_user_id(), Pages::CHECKLIST_HIDDEN, 1 );
		wp_safe_redirect( Ui::url() );
		exit;
	}

	public static function action_links( array $links ): array {
		array_unshift( $links, '<a href="' . esc_url( Ui::url( 'settings' ) ) . '">' . esc_html__( 'Settings', 'igny8' ) . '</a>' );
		return $links;
	}

	public static function assets( string $hook ): void {
		if ( false === strpos( $hook, 'igny8' ) ) {
			return;
		}
		wp_enqueue_style( 'igny8-admin', plugins_url( 'admin/css/igny8-admin.css', IGNY8_PLUGIN_FILE ), array(), IGNY8_PLUGIN_VERSION );
		wp_enqueue_script( 'igny8-admin', plugins_url( 'admin/js/igny8-admin.js', IGNY8_PLUGIN_FILE ), array( 'wp-i18n' ), IGNY8_PLUGIN_VERSION, true );
		wp_set_script_translations( 'igny8-admin', 'igny8', IGNY8_PLUGIN_DIR . 'languages' );
		wp_localize_script(
			'igny8-admin',
			'igny8Admin',
			array(
				'root'     => esc_url_raw( rest_url( 'igny8/v1/' ) ),
				'nonce'    => wp_create_nonce( 'wp_rest' ),
				'interval' => 1000,
			)
		);
	}
}
