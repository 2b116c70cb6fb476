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
			'settings' => array( __( 'Settings', 'igny8' ), array( Settings_Page::class, 'render' ) ),
		);
	}

	public static function boot(): void {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
		add_action( 'admin_enqueue_scripts', array( __CLASS__, 'assets' ) );
		add_action( 'admin_notices', array( __CLASS__, 'connection_notice' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( IGNY8_PLUGIN_FILE ), array( __CLASS__, 'action_links' ) );
		Actions::boot();
		Settings_Page::boot();
	}

	public static function menu(): void {
		add_menu_page( __( 'IGNY8', 'igny8' ), __( 'IGNY8', 'igny8' ), Plugin::CAP, 'igny8', array( __CLASS__, 'render_dashboard' ), 'dashicons-edit-page', 26 );
		foreach ( self::pages() as $slug => list( $title, $renderer ) ) {
			add_submenu_page(
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
		echo ' <span class="igny8-backend-badge">' . esc_html( self::backend_label() ) . '</span>';
		echo '<hr class="wp-header-end">';
		Ui::flashed();
		$job = absint( $_GET['igny8_job'] ?? 0 ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
		if ( $job ) {
			Ui::job_box( $job, Ui::query( 'igny8_job_title' ) );
		}
		$backend = null;
		try {
			$backend = Plugin::backend();
		} catch ( Backend_Error $e ) {
			Ui::error( $e );
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

	/** Without the extension and without an API key: say how to get one or the other. */
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
		$ini = sprintf( '/etc/php/%d.%d/mods-available/igny8.ini', PHP_MAJOR_VERSION, PHP_MINOR_VERSION );
		?>
		<div class="notice notice-warning igny8-connect-notice">
			<p><strong><?php esc_html_e( 'IGNY8 is not connected yet.', 'igny8' ); ?></strong>
				<?php esc_html_e( 'It needs either the IGNY8 PHP extension (generation runs on this server, data stays in this site’s database) or an API key of the hosted IGNY8 service.', 'igny8' ); ?></p>
			<p><?php esc_html_e( 'To install the extension, copy libigny8_php.so into PHP’s extension directory and enable it with a conf.d ini line, then restart PHP:', 'igny8' ); ?></p>
			<p><code>echo 'extension=igny8' | sudo tee <?php echo esc_html( $ini ); ?> &amp;&amp; sudo phpenmod igny8</code></p>
			<p><?php
				printf(
					/* translators: %s: link to the settings screen */
					esc_html__( 'Or enter the address and API key of the hosted service in %s.', 'igny8' ),
					'<a href="' . esc_url( Ui::url( 'settings' ) ) . '">' . esc_html__( 'IGNY8 → Settings', 'igny8' ) . '</a>'
				);
			?></p>
		</div>
		<?php
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
