<?php
/**
 * IGNY8 → Settings: the connection (Settings API), provider keys and models, the defaults for
 * new content, author profiles and prompts.
 *
 * @package Igny8
 */

namespace Igny8\WP\Admin;

use Igny8\WP\Backend;
use Igny8\WP\Backend_Error;
use Igny8\WP\Native_Backend;
use Igny8\WP\Options;
use Igny8\WP\Plugin;
use Igny8\WP\Remote_Backend;

defined( 'ABSPATH' ) || exit;

final class Settings_Page {

	const GROUP = 'igny8';

	/**
	 * The tabs: slug => title. With the hosted service, the service holds the AI providers'
	 * keys: there is no AI providers tab.
	 */
	private static function tabs(): array {
		$tabs = array(
			'connection' => __( 'Connection', 'igny8' ),
			'ai'         => __( 'AI providers', 'igny8' ),
			'content'    => __( 'Content', 'igny8' ),
			'authors'    => __( 'Author profiles', 'igny8' ),
			'prompts'    => __( 'Prompts', 'igny8' ),
			'images'     => __( 'Image testing', 'igny8' ),
			'advanced'   => __( 'Advanced', 'igny8' ),
		);
		if ( 'remote' === Plugin::backend_kind() ) {
			unset( $tabs['ai'] );
		}
		return $tabs;
	}

	/** The tab shown (?tab=), the first when none or an unknown one is asked for. */
	public static function tab(): string {
		$tab = Ui::query( 'tab' );
		return isset( self::tabs()[ $tab ] ) ? $tab : 'connection';
	}

	/**
	 * Account settings on the Content tab, by section: key => [label, input, description].
	 * Inputs: number, text, checkbox, or a select's name (see choices()).
	 */
	private static function defaults(): array {
		return array(
			__( 'Articles', 'igny8' )   => array(
				'content.word_count'     => array( __( 'Length (words)', 'igny8' ), 'number', __( 'Target length when a task doesn’t give one.', 'igny8' ) ),
				'content.tone'           => array( __( 'Tone', 'igny8' ), 'text', __( 'E.g. friendly and practical; an author profile’s tone wins.', 'igny8' ) ),
				'content.language'       => array( __( 'Language', 'igny8' ), 'text', '' ),
				'content.internal_links' => array( __( 'Links to this site per article', 'igny8' ), 'number', __( 'Only pages this site has are linked (0: none).', 'igny8' ) ),
				'content.faq_questions'  => array( __( 'Questions answered after the article', 'igny8' ), 'number', __( 'A questions-and-answers section (0: none).', 'igny8' ) ),
			),
			__( 'Ideas', 'igny8' )      => array(
				'ideas.per_cluster' => array( __( 'Ideas per cluster', 'igny8' ), 'number', '' ),
			),
			__( 'Images', 'igny8' )     => array(
				'images.enabled'          => array( __( 'Illustrate articles', 'igny8' ), 'checkbox', __( 'Generating articles also writes their image prompts and draws the images; automation does the same.', 'igny8' ) ),
				'images.in_article_count' => array( __( 'Images inside each article', 'igny8' ), 'number', __( 'Besides the featured image.', 'igny8' ) ),
				'images.featured_size'    => array( __( 'Featured image size', 'igny8' ), 'featured_size', __( 'Themes and social cards show the featured image wide.', 'igny8' ) ),
				'images.size'             => array( __( 'Size of images inside articles', 'igny8' ), 'size', '' ),
				'images.style'            => array( __( 'Image style', 'igny8' ), 'text', __( 'E.g. photorealistic, flat illustration, watercolour.', 'igny8' ) ),
				'images.provider'         => array( __( 'Image provider when both are set', 'igny8' ), 'image_provider', __( 'With one provider’s key only, that one draws the images.', 'igny8' ) ),
			),
			__( 'Publishing', 'igny8' ) => array(
				'publish.status'     => array( __( 'Send to WordPress as', 'igny8' ), 'publish', __( 'Scheduling needs a date, so it is chosen per post.', 'igny8' ) ),
				'publish.categories' => array( __( 'Categories', 'igny8' ), 'categories', __( 'The categories the AI names are matched to this site’s own first (“Espresso Machines” goes into “Espresso machine”).', 'igny8' ) ),
				'publish.format'     => array( __( 'Post body', 'igny8' ), 'format', '' ),
			),
		);
	}

	/** The options of a select input of defaults(). */
	private static function choices( string $input ): array {
		$sizes = array(
			'1536x1024' => __( 'Landscape, 1536 × 1024', 'igny8' ),
			'1024x1024' => __( 'Square, 1024 × 1024', 'igny8' ),
			'1024x1536' => __( 'Portrait, 1024 × 1536', 'igny8' ),
		);
		switch ( $input ) {
			case 'featured_size':
				$sizes['1536x1024'] = __( 'Landscape, 1536 × 1024 (recommended)', 'igny8' );
				return $sizes;
			case 'size':
				return $sizes;
			case 'image_provider':
				return array(
					'runware' => __( 'Runware', 'igny8' ),
					'openai'  => __( 'OpenAI', 'igny8' ),
				);
			case 'publish':
				return array(
					'draft'   => __( 'Draft', 'igny8' ),
					'publish' => __( 'Published post', 'igny8' ),
				);
			case 'categories':
				return array(
					'match'    => __( 'This site’s matching categories; create missing ones', 'igny8' ),
					'existing' => __( 'Only this site’s existing categories', 'igny8' ),
				);
			case 'format':
				return array(
					'blocks'  => __( 'Blocks (block editor)', 'igny8' ),
					'classic' => __( 'One piece of HTML (classic editor)', 'igny8' ),
				);
		}
		return array();
	}

	public static function boot(): void {
		add_action( 'admin_init', array( __CLASS__, 'register' ) );
		add_filter( 'option_page_capability_' . self::GROUP, array( __CLASS__, 'capability' ) );
		foreach ( array( 'integration', 'defaults', 'author', 'delete_authors', 'prompt', 'test_image' ) as $action ) {
			add_action( 'admin_post_igny8_' . $action, array( __CLASS__, 'save_' . $action ) );
		}
	}

	public static function capability(): string {
		return Plugin::CAP;
	}

	/** The plugin's own options, with the Settings API. */
	public static function register(): void {
		register_setting(
			self::GROUP,
			Options::NAME,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( Options::class, 'sanitize' ),
				'default'           => Options::DEFAULTS,
			)
		);
		add_settings_section( 'igny8_connection', '', array( __CLASS__, 'connection_intro' ), 'igny8-settings-connection' );
		$fields = array(
			'backend' => __( 'Where IGNY8 runs', 'igny8' ),
			'api_url' => __( 'Hosted service address', 'igny8' ),
			'api_key' => __( 'API key', 'igny8' ),
		);
		if ( 'remote' === Plugin::backend_kind() ) {
			$fields['remote_site']   = __( 'Site in IGNY8', 'igny8' );
			$fields['remote_sector'] = __( 'Sector for new work', 'igny8' );
		}
		foreach ( $fields as $key => $label ) {
			add_settings_field( 'igny8_' . $key, $label, array( __CLASS__, 'field' ), 'igny8-settings-connection', 'igny8_connection', array( 'key' => $key, 'label_for' => 'igny8_' . $key ) );
		}
		add_settings_section( 'igny8_uninstall', __( 'Uninstall', 'igny8' ), '__return_false', 'igny8-settings-advanced' );
		add_settings_field( 'igny8_delete_data', __( 'Delete data on uninstall', 'igny8' ), array( __CLASS__, 'field' ), 'igny8-settings-advanced', 'igny8_uninstall', array( 'key' => 'delete_data', 'label_for' => 'igny8_delete_data' ) );
		// The extension's own AI endpoint: only where the extension runs IGNY8.
		if ( ! Native_Backend::available() || 'remote' === Plugin::backend_kind() ) {
			return;
		}
		add_settings_section( 'igny8_endpoint', __( 'AI endpoint of this server', 'igny8' ), array( __CLASS__, 'endpoint_intro' ), 'igny8-settings-advanced' );
		add_settings_field( 'igny8_ai_base_url', __( 'Address', 'igny8' ), array( __CLASS__, 'field' ), 'igny8-settings-advanced', 'igny8_endpoint', array( 'key' => 'ai_base_url', 'label_for' => 'igny8_ai_base_url' ) );
		add_settings_field( 'igny8_ai_model', __( 'Model', 'igny8' ), array( __CLASS__, 'field' ), 'igny8-settings-advanced', 'igny8_endpoint', array( 'key' => 'ai_model', 'label_for' => 'igny8_ai_model' ) );
	}

	public static function endpoint_intro(): void {
		echo '<p>' . esc_html__( 'Only with the PHP extension: the OpenAI-compatible endpoint IGNY8 uses on this server when the OpenAI row under AI providers gives no address or model of its own. Leave both empty to use OpenAI.', 'igny8' ) . '</p>';
	}

	/** Where IGNY8 can run here: this server only when the extension is loaded. */
	public static function connection_intro(): void {
		if ( Native_Backend::available() ) {
			echo '<p>' . esc_html__( 'IGNY8 can run on this server (its PHP extension is loaded) and keep its data in this site’s database, or work with the hosted IGNY8 service through an API key.', 'igny8' ) . '</p>';
			return;
		}
		echo '<p>' . esc_html__( 'IGNY8 works with the hosted IGNY8 service: enter the service’s address and an API key from your account there. The service runs the AI and keeps your keywords and articles; this site receives the posts.', 'igny8' ) . '</p>';
	}

	/**
	 * The hosted account's sites and sectors for the picker, and what is linked now; null with
	 * the reason when the service can't say (then the picker keeps the stored choice).
	 *
	 * @return array{sites: array, sectors: array, info: array}|string
	 */
	private static function site_choices() {
		static $choices = null;
		if ( null !== $choices ) {
			return $choices;
		}
		try {
			$backend = Plugin::backend();
			if ( ! $backend instanceof Remote_Backend ) {
				return $choices = __( 'Only with the hosted service.', 'igny8' );
			}
			$choices = array(
				'info'    => $backend->info(),
				'sites'   => $backend->sites(),
				'sectors' => $backend->account_sectors(),
			);
		} catch ( Backend_Error $e ) {
			$choices = Ui::explain( $e )['message'];
		}
		return $choices;
	}

	/**
	 * Which site of the hosted account this WordPress works on (found by its address unless
	 * chosen), and the sector new work goes to. A key held to one site shows that site.
	 */
	private static function site_field( string $key ): void {
		$options = Options::all();
		$name    = Options::NAME . '[' . $key . ']';
		$id      = 'igny8_' . $key;
		$choices = self::site_choices();
		if ( ! is_array( $choices ) ) {
			printf( '<input type="hidden" name="%s" value="%d">', esc_attr( $name ), (int) $options[ $key ] );
			echo '<p class="description">' . esc_html__( 'The account’s sites are listed here once the service accepts the key.', 'igny8' ) . '</p>';
			return;
		}
		$info = $choices['info'];
		if ( ! empty( $info['site_restricted'] ) ) {
			printf( '<input type="hidden" name="%s" value="0">', esc_attr( $name ) );
			if ( 'remote_site' === $key ) {
				/* translators: 1: site name, 2: its address */
				echo '<p>' . esc_html( sprintf( __( 'This key is held to the site “%1$s” (%2$s).', 'igny8' ), (string) $info['site_name'], (string) $info['site_url'] ) ) . '</p>';
			} else {
				/* translators: %s: sector name */
				echo '<p>' . esc_html( sprintf( __( '“%s”, the site’s first sector.', 'igny8' ), (string) $info['sector_name'] ) ) . '</p>';
			}
			return;
		}
		if ( 'remote_site' === $key ) {
			printf( '<select name="%s" id="%s" class="igny8-site-picker">', esc_attr( $name ), esc_attr( $id ) );
			/* translators: %s: this WordPress's address */
			printf( '<option value="0"%s>%s</option>', selected( (int) $options['remote_site'], 0, false ), esc_html( sprintf( __( 'The site with this WordPress’s address (%s)', 'igny8' ), untrailingslashit( home_url() ) ) ) );
			foreach ( $choices['sites'] as $site ) {
				$label = (string) $site['name'] . ( '' !== (string) ( $site['url'] ?? '' ) ? ' — ' . $site['url'] : '' );
				printf( '<option value="%d"%s>%s</option>', (int) $site['id'], selected( (int) $options['remote_site'], (int) $site['id'], false ), esc_html( $label ) );
			}
			echo '</select>';
			/* translators: 1: site name, 2: its address */
			echo '<p class="description">' . esc_html( sprintf( __( 'The site of your IGNY8 account that holds this WordPress’s keywords and articles. Linked now: “%1$s” (%2$s).', 'igny8' ), (string) $info['site_name'], (string) $info['site_url'] ) ) . '</p>';
			return;
		}
		printf( '<select name="%s" id="%s" class="igny8-sector-picker">', esc_attr( $name ), esc_attr( $id ) );
		printf( '<option value="0" data-site="0"%s>%s</option>', selected( (int) $options['remote_sector'], 0, false ), esc_html__( 'The site’s first sector', 'igny8' ) );
		foreach ( $choices['sectors'] as $sector ) {
			if ( empty( $sector['is_active'] ) && (int) $sector['id'] !== (int) $options['remote_sector'] ) {
				continue;
			}
			printf( '<option value="%d" data-site="%d"%s>%s</option>', (int) $sector['id'], (int) $sector['site_id'], selected( (int) $options['remote_sector'], (int) $sector['id'], false ), esc_html( (string) $sector['name'] ) );
		}
		echo '</select>';
		/* translators: %s: sector name */
		echo '<p class="description">' . esc_html( sprintf( __( 'Where imported keywords and new work go; choose a site above to choose among its sectors. Now: “%s”.', 'igny8' ), (string) $info['sector_name'] ) ) . '</p>';
	}

	public static function field( array $args ): void {
		$key     = $args['key'];
		$options = Options::all();
		$name    = Options::NAME . '[' . $key . ']';
		$id      = 'igny8_' . $key;
		switch ( $key ) {
			case 'remote_site':
			case 'remote_sector':
				self::site_field( $key );
				break;
			case 'backend':
				printf( '<select name="%s" id="%s">', esc_attr( $name ), esc_attr( $id ) );
				printf( '<option value="auto"%s>%s</option>', selected( $options['backend'], 'auto', false ), esc_html__( 'The extension when loaded, else the hosted API', 'igny8' ) );
				printf( '<option value="remote"%s>%s</option>', selected( $options['backend'], 'remote', false ), esc_html__( 'Always the hosted API', 'igny8' ) );
				echo '</select>';
				break;
			case 'api_key':
				// The key is never sent back to the browser, not even sealed.
				printf( '<input type="password" class="regular-text" name="%s" id="%s" value="" autocomplete="off" placeholder="%s">', esc_attr( $name ), esc_attr( $id ), esc_attr( '' !== $options['api_key'] ? __( 'a key is saved; enter a new one to replace it', 'igny8' ) : '' ) );
				if ( '' !== $options['api_key'] ) {
					echo ' <span class="igny8-key-saved">' . esc_html__( 'A key is saved; enter a new one to replace it.', 'igny8' ) . '</span>';
					printf( ' <label><input type="checkbox" name="%s" value="1"> %s</label>', esc_attr( Options::NAME . '[api_key_clear]' ), esc_html__( 'Forget the key', 'igny8' ) );
				}
				echo '<p class="description">' . esc_html__( 'An API key of the hosted service (Settings → API keys there), sent as “Authorization: Api-Key …”. It is stored encrypted with a key derived from this site’s wp-config.php salts.', 'igny8' ) . '</p>';
				echo '<p class="description">' . esc_html__( 'Give the key the least it needs: role editor, not restricted to a site. A key restricted to a site can’t open the account-wide pages (prompts, settings, AI providers, billing); an admin key is only needed to change AI providers, prompts and author profiles from here.', 'igny8' ) . '</p>';
				break;
			case 'delete_data':
				printf( '<input type="hidden" name="%1$s" value="0"><label><input type="checkbox" name="%1$s" id="%2$s" value="1"%3$s> %4$s</label>', esc_attr( $name ), esc_attr( $id ), checked( (bool) $options['delete_data'], true, false ), esc_html__( 'When the plugin is deleted, also delete its tables (every table starting with the IGNY8 prefix) and its options. Otherwise they are kept.', 'igny8' ) );
				break;
			default:
				printf( '<input type="%s" class="regular-text" name="%s" id="%s" value="%s"%s>', 'ai_model' === $key ? 'text' : 'url', esc_attr( $name ), esc_attr( $id ), esc_attr( (string) $options[ $key ] ), 'api_url' === $key ? ' placeholder="https://igny8.example.com"' : '' );
				if ( 'api_url' === $key ) {
					echo '<p class="description">' . esc_html__( 'The address of the IGNY8 service you signed up with, e.g. https://igny8.example.com (without /api/v1).', 'igny8' ) . '</p>';
				}
		}
	}

	/**
	 * Settings as tabs, one concept per field and one Save per tab: Connection (where IGNY8
	 * runs), AI providers, Content (the account's defaults), Author profiles, Prompts, Advanced.
	 */
	public static function render( ?Backend $backend ): void {
		settings_errors();
		$current = self::tab();
		echo '<nav class="nav-tab-wrapper wp-clearfix igny8-tabs" aria-label="' . esc_attr__( 'Settings sections', 'igny8' ) . '">';
		foreach ( self::tabs() as $tab => $title ) {
			printf(
				'<a href="%s" class="nav-tab%s"%s>%s</a>',
				esc_url( Ui::url( 'settings', array( 'tab' => $tab ) ) ),
				$tab === $current ? ' nav-tab-active' : '',
				$tab === $current ? ' aria-current="page"' : '',
				esc_html( $title )
			);
		}
		echo '</nav>';
		echo '<div class="igny8-tab igny8-tab-' . esc_attr( $current ) . '">';
		if ( 'connection' === $current ) {
			self::connection_verdict( $backend );
		}
		if ( 'connection' === $current || 'advanced' === $current ) {
			echo '<form method="post" action="options.php" class="igny8-options">';
			settings_fields( self::GROUP );
			do_settings_sections( 'igny8-settings-' . $current );
			submit_button( __( 'Save changes', 'igny8' ) );
			echo '</form>';
		} elseif ( ! $backend ) {
			Ui::notice( __( 'Connect IGNY8 first (the Connection tab): these settings are kept by IGNY8 itself.', 'igny8' ), 'warning', array( 'url' => Ui::url( 'settings' ), 'label' => __( 'Open Connection', 'igny8' ) ) );
		} else {
			$sections = array(
				'ai'       => 'providers',
				'content'  => 'account_defaults',
				'authors'  => 'authors',
				'prompts'  => 'prompts',
				'images'   => 'image_testing',
			);
			try {
				call_user_func( array( __CLASS__, $sections[ $current ] ), $backend );
			} catch ( Backend_Error $e ) {
				Ui::error( $e );
			}
		}
		echo '</div>';
	}

	/**
	 * The Connection tab's verdict: with the hosted service, whether it answers, whether the
	 * key is accepted, which account and site this WordPress is linked to and what the key may
	 * do — asked afresh on *Test connection* and right after saving — or what to fix, in one
	 * message. With the extension, where the data lives.
	 */
	private static function connection_verdict( ?Backend $backend ): void {
		$test = add_query_arg( array( 'tab' => 'connection', 'test' => 1 ), Ui::url( 'settings' ) );
		$button = '<a class="button igny8-test-connection" href="' . esc_url( $test ) . '">' . esc_html__( 'Test connection', 'igny8' ) . '</a>';
		if ( ! $backend ) {
			return;
		}
		if ( 'remote' !== $backend->kind() ) {
			echo '<div class="notice notice-success inline igny8-connection-verdict"><p>' . esc_html__( 'IGNY8 runs on this server with the PHP extension; its data is in this site’s database.', 'igny8' ) . '</p></div>';
			return;
		}
		$fresh = '' !== Ui::query( 'test' ) || '' !== Ui::query( 'settings-updated' );
		try {
			$info = $fresh && $backend instanceof \Igny8\WP\Remote_Backend ? $backend->fresh_info() : $backend->info();
		} catch ( Backend_Error $e ) {
			$plain = Ui::explain( $e );
			echo '<div class="notice notice-error inline igny8-connection-verdict"><p><strong>' . esc_html__( 'Not connected.', 'igny8' ) . '</strong> ' . esc_html( $plain['message'] ) . '</p>';
			if ( '' !== $plain['details'] ) {
				printf( '<details class="igny8-details"><summary>%s</summary><p>%s</p></details>', esc_html__( 'Details', 'igny8' ), esc_html( $plain['details'] ) );
			}
			echo '<p>' . $button . '</p></div>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped above
			return;
		}
		$host  = (string) wp_parse_url( (string) ( $info['api_url'] ?? '' ), PHP_URL_HOST );
		$roles = array(
			'owner'  => __( 'owner (may do everything)', 'igny8' ),
			'admin'  => __( 'admin (may do everything but billing)', 'igny8' ),
			'editor' => __( 'editor (may generate and send)', 'igny8' ),
			'viewer' => __( 'viewer (may only read)', 'igny8' ),
		);
		$role  = (string) ( $info['role'] ?? '' );
		echo '<div class="notice notice-success inline igny8-connection-verdict"><p><strong>' . esc_html__( 'Connected.', 'igny8' ) . '</strong> ';
		printf(
			/* translators: 1: the service's host, 2: its version, 3: account number, 4: site name, 5: site address, 6: the key's role in words */
			esc_html__( 'IGNY8 at %1$s (version %2$s) accepted the key: account #%3$d, site “%4$s” (%5$s); the key’s role: %6$s.', 'igny8' ),
			esc_html( $host ),
			esc_html( (string) ( $info['version'] ?? '' ) ),
			(int) ( $info['account_id'] ?? 0 ),
			esc_html( (string) ( $info['site_name'] ?? '' ) ),
			esc_html( (string) ( $info['site_url'] ?? '' ) ),
			esc_html( $roles[ $role ] ?? $role )
		);
		echo '</p>';
		$warnings = array();
		if ( 'viewer' === $role ) {
			$warnings[] = __( 'This key can only read: IGNY8’s screens show your data but offer no action. To generate and send articles, create a key with the editor role on the service and enter it here.', 'igny8' );
		}
		$key  = static function ( string $url ): string {
			return untrailingslashit( strtolower( (string) preg_replace( '#^https?://#i', '', trim( $url ) ) ) );
		};
		$here = home_url();
		if ( '' !== (string) ( $info['site_url'] ?? '' ) && $key( (string) $info['site_url'] ) !== $key( $here ) ) {
			$warnings[] = empty( $info['site_chosen'] ) ?
				/* translators: 1: the linked site's address, 2: this WordPress's address */
				sprintf( __( 'The linked site’s address (%1$s) is not this WordPress’s (%2$s): the key is held to that site. If this WordPress moved, change the site’s address on the service; otherwise use a key that isn’t held to one site.', 'igny8' ), (string) $info['site_url'], $here ) :
				/* translators: 1: the chosen site's address, 2: this WordPress's address */
				sprintf( __( 'The chosen site’s address (%1$s) is not this WordPress’s (%2$s). Articles are still sent here; if this WordPress is that site, change the site’s address on the service.', 'igny8' ), (string) $info['site_url'], $here );
		}
		if ( ! empty( $info['site_created'] ) ) {
			$warnings[] = __( 'The service had no site with this WordPress’s address, so it made one. If your keywords and articles are under another site there, choose that site below under “Site in IGNY8” and save.', 'igny8' );
		}
		foreach ( $warnings as $warning ) {
			echo '<p class="igny8-verdict-warning">' . esc_html( $warning ) . '</p>';
		}
		echo '<p>' . $button . '</p></div>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped above
	}

	private static function post_form( string $action ): void {
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		Ui::form_fields( 'igny8_' . $action );
	}

	/** The providers: a block of labelled fields each (key, model, address), saved and tested one at a time. */
	private static function providers( Backend $backend ): void {
		$current = array();
		foreach ( Ui::rows( $backend->integrations() ) as $integration ) {
			$current[ $integration['provider'] ] = $integration;
		}
		echo '<p>' . esc_html__( 'IGNY8 writes with OpenAI; it draws the images with OpenAI too, or with Runware when a Runware key is set. Keys are stored encrypted and never shown again, only their last characters.', 'igny8' ) . '</p>';
		$providers = array(
			'openai'  => array(
				'label'   => 'OpenAI',
				'about'   => __( 'Writes clusters, ideas and articles, and draws the images when no Runware key is set.', 'igny8' ),
				'model'   => __( 'Empty: IGNY8’s default model.', 'igny8' ),
				'address' => __( 'Only for an OpenAI-compatible service of your own (a proxy, Azure OpenAI, a local model). Empty: OpenAI.', 'igny8' ),
			),
			'runware' => array(
				'label'   => 'Runware',
				'about'   => __( 'Optional: draws the images instead of OpenAI.', 'igny8' ),
				'model'   => __( 'Empty: IGNY8’s default image model.', 'igny8' ),
				'address' => __( 'Empty: Runware’s own address.', 'igny8' ),
			),
		);
		foreach ( $providers as $provider => $about ) {
			$row    = $current[ $provider ] ?? array();
			$config = (array) ( $row['config'] ?? array() );
			$hint   = (string) ( $row['secret_hint'] ?? '' );
			self::post_form( 'integration' );
			printf( '<h2 class="igny8-provider-title">%s %s</h2>', esc_html( $about['label'] ), $row ? Ui::status( ! empty( $row['is_active'] ) ? 'active' : 'inactive' ) : '' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- Ui::status escapes
			echo '<p class="description">' . esc_html( $about['about'] ) . '</p>';
			echo '<table class="form-table igny8-provider" role="presentation"><tbody>';
			printf( '<tr><th scope="row"><label for="igny8-key-%1$s">%2$s</label></th><td>', esc_attr( $provider ), esc_html__( 'API key', 'igny8' ) );
			/* translators: %s: the last characters of the saved key */
			printf( '<input type="password" autocomplete="off" class="regular-text" name="providers[%1$s][api_key]" id="igny8-key-%1$s" placeholder="%2$s">', esc_attr( $provider ), esc_attr( $hint ? sprintf( __( 'saved: %s — enter a new key to replace it', 'igny8' ), $hint ) : '' ) );
			echo '</td></tr>';
			printf( '<tr><th scope="row"><label for="igny8-model-%1$s">%2$s</label></th><td><input type="text" class="regular-text" name="providers[%1$s][model]" id="igny8-model-%1$s" value="%3$s"><p class="description">%4$s</p></td></tr>', esc_attr( $provider ), esc_html__( 'Model', 'igny8' ), esc_attr( (string) ( $config['model'] ?? $row['model'] ?? '' ) ), esc_html( $about['model'] ) );
			printf( '<tr><th scope="row"><label for="igny8-base-%1$s">%2$s</label></th><td><input type="url" class="regular-text" name="providers[%1$s][base_url]" id="igny8-base-%1$s" value="%3$s"><p class="description">%4$s</p></td></tr>', esc_attr( $provider ), esc_html__( 'Service address', 'igny8' ), esc_attr( (string) ( $config['base_url'] ?? $row['base_url'] ?? '' ) ), esc_html( $about['address'] ) );
			echo '</tbody></table><p class="submit">';
			/* translators: %s: a provider's name */
			printf( '<button type="submit" class="button button-primary igny8-test-key" name="test" value="%1$s">%2$s</button> ', esc_attr( $provider ), esc_html( sprintf( __( 'Save and test %s', 'igny8' ), $about['label'] ) ) );
			printf( '<button type="submit" class="button" name="save" value="%1$s">%2$s</button>', esc_attr( $provider ), esc_html__( 'Save', 'igny8' ) );
			echo '</p><p class="description">' . esc_html__( 'Testing costs nothing: it only asks the provider whether the key is valid.', 'igny8' ) . '</p></form>';
		}
	}

	/** The account's defaults for new content, by section, with one Save. */
	private static function account_defaults( Backend $backend ): void {
		$values = array();
		foreach ( Ui::rows( $backend->settings() ) as $setting ) {
			$values[ $setting['key'] ] = $setting['value'];
		}
		echo '<p>' . esc_html__( 'What new clusters, ideas, articles and images get when you don’t say otherwise.', 'igny8' ) . '</p>';
		self::post_form( 'defaults' );
		foreach ( self::defaults() as $section => $fields ) {
			echo '<h2>' . esc_html( $section ) . '</h2><table class="form-table" role="presentation"><tbody>';
			foreach ( $fields as $key => list( $label, $input, $about ) ) {
				$id    = 'igny8-setting-' . str_replace( '.', '-', $key );
				$name  = 'settings[' . $key . ']';
				$value = $values[ $key ] ?? '';
				printf( '<tr><th scope="row"><label for="%s">%s</label></th><td>', esc_attr( $id ), esc_html( $label ) );
				if ( 'checkbox' === $input ) {
					printf( '<input type="hidden" name="%1$s" value="0"><input type="checkbox" name="%1$s" id="%2$s" value="1"%3$s>', esc_attr( $name ), esc_attr( $id ), checked( (bool) $value, true, false ) );
				} elseif ( 'number' === $input || 'text' === $input ) {
					printf( '<input type="%s" name="%s" id="%s" value="%s" class="%s">', esc_attr( $input ), esc_attr( $name ), esc_attr( $id ), esc_attr( is_scalar( $value ) ? (string) $value : '' ), 'number' === $input ? 'small-text' : 'regular-text' );
				} else {
					$choices = self::choices( $input );
					$value   = is_scalar( $value ) ? (string) $value : '';
					if ( '' !== $value && ! isset( $choices[ $value ] ) ) {
						// A value set elsewhere (the API, the web app): kept and shown as it is.
						$choices = array( $value => $value ) + $choices;
					}
					printf( '<select name="%s" id="%s">', esc_attr( $name ), esc_attr( $id ) );
					foreach ( $choices as $option => $text ) {
						printf( '<option value="%s"%s>%s</option>', esc_attr( (string) $option ), selected( (string) $option, $value, false ), esc_html( $text ) );
					}
					echo '</select>';
				}
				if ( '' !== $about ) {
					echo '<p class="description">' . esc_html( $about ) . '</p>';
				}
				echo '</td></tr>';
			}
			echo '</tbody></table>';
		}
		submit_button( __( 'Save changes', 'igny8' ) );
		echo '</form>';
	}

	private static function authors( Backend $backend ): void {
		echo '<p>' . esc_html__( 'Voices to write in: a task or the Content tab names one, and its tone and language win over the defaults.', 'igny8' ) . '</p>';
		self::post_form( 'delete_authors' );
		echo '<div class="igny8-bulk">';
		Ui::table(
			'igny8-authors',
			array(
				'name'     => __( 'Name', 'igny8' ),
				'tone'     => __( 'Tone', 'igny8' ),
				'language' => __( 'Language', 'igny8' ),
				'style'    => __( 'Style', 'igny8' ),
			),
			Ui::rows( $backend->authorProfiles( array( 'page_size' => 100 ) ) ),
			static function ( $row, $key ) {
				return Ui::text( $row[ $key ] ?? null );
			}
		);
		echo '</div><p>';
		submit_button( __( 'Delete selected permanently', 'igny8' ), 'delete small', 'delete', false, array( 'data-igny8-confirm' => __( 'Delete the selected author profiles permanently? This cannot be undone.', 'igny8' ) ) );
		echo '</p></form>';
		echo '<h2>' . esc_html__( 'Add an author profile', 'igny8' ) . '</h2>';
		self::post_form( 'author' );
		echo '<table class="form-table" role="presentation"><tbody>';
		foreach ( array( 'name' => __( 'Name', 'igny8' ), 'tone' => __( 'Tone', 'igny8' ), 'language' => __( 'Language', 'igny8' ), 'style' => __( 'Style', 'igny8' ) ) as $field => $label ) {
			printf( '<tr><th scope="row"><label for="igny8-author-%1$s">%2$s</label></th><td><input type="text" class="regular-text" name="%1$s" id="igny8-author-%1$s"%3$s></td></tr>', esc_attr( $field ), esc_html( $label ), 'name' === $field ? ' required' : '' );
		}
		echo '</tbody></table>';
		submit_button( __( 'Add author profile', 'igny8' ), 'primary', 'add' );
		echo '</form>';
	}

	/** What each prompt is for, in words: prompt type => [title, description]. */
	private static function prompt_labels(): array {
		return array(
			'clustering'              => array( __( 'Grouping keywords into clusters', 'igny8' ), __( 'Used by “Cluster with AI”.', 'igny8' ) ),
			'ideas'                   => array( __( 'Ideas for a cluster', 'igny8' ), __( 'Used by “Generate ideas”.', 'igny8' ) ),
			'content'                 => array( __( 'Writing an article', 'igny8' ), __( 'Used by “Generate articles”.', 'igny8' ) ),
			'image_prompt_extraction' => array( __( 'Image prompts from an article', 'igny8' ), __( 'Used by “Write image prompts”: what to draw for the featured image and inside the article.', 'igny8' ) ),
			'image_prompt_template'   => array( __( 'Wrapper of every image prompt', 'igny8' ), __( 'Each image prompt goes through it before the image provider.', 'igny8' ) ),
			'negative_prompt'         => array( __( 'What images should avoid', 'igny8' ), __( 'Sent to the image provider as the negative prompt.', 'igny8' ) ),
		);
	}

	private static function prompts( Backend $backend ): void {
		echo '<p>' . esc_html__( 'The instructions IGNY8 gives the AI for each step. Variables are written {{name}}. Reset goes back to IGNY8’s own prompt.', 'igny8' ) . '</p>';
		$labels = self::prompt_labels();
		foreach ( Ui::rows( $backend->prompts() ) as $prompt ) {
			$type                    = (string) $prompt['prompt_type'];
			list( $title, $purpose ) = $labels[ $type ] ?? array( Ui::label( $type ), '' );
			self::post_form( 'prompt' );
			printf( '<input type="hidden" name="prompt_type" value="%s">', esc_attr( $type ) );
			printf( '<h2><label for="igny8-prompt-%1$s">%2$s</label> %3$s</h2>', esc_attr( $type ), esc_html( $title ), ! empty( $prompt['is_custom'] ) ? Ui::status( 'custom' ) : '' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- Ui::status escapes
			if ( '' !== $purpose ) {
				echo '<p class="description">' . esc_html( $purpose ) . '</p>';
			}
			printf( '<textarea class="large-text code" rows="8" name="text" id="igny8-prompt-%s">%s</textarea>', esc_attr( $type ), esc_textarea( (string) ( $prompt['prompt_value'] ?? $prompt['template'] ?? '' ) ) );
			$variables = array_filter( array_map( 'strval', (array) ( $prompt['variables'] ?? array() ) ) );
			if ( $variables ) {
				echo '<p class="description">' . esc_html__( 'Variables:', 'igny8' );
				foreach ( $variables as $variable ) {
					echo ' <code>' . esc_html( '{{' . $variable . '}}' ) . '</code>';
				}
				echo '</p>';
			}
			echo '<p>';
			submit_button( __( 'Save prompt', 'igny8' ), 'secondary', 'save', false );
			if ( ! empty( $prompt['is_custom'] ) ) {
				echo ' ';
				submit_button( __( 'Reset to IGNY8’s prompt', 'igny8' ), 'delete', 'reset', false, array( 'data-igny8-confirm' => __( 'Replace your version of this prompt with IGNY8’s own? Your text is lost.', 'igny8' ) ) );
			}
			echo '</p></form>';
		}
	}

	// ---- handlers ----------------------------------------------------------------------------

	private static function guard( string $action ): Backend {
		if ( ! current_user_can( Plugin::CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'igny8' ), 403 );
		}
		check_admin_referer( 'igny8_' . $action );
		$backend = null;
		try {
			$backend = Plugin::backend();
		} catch ( Backend_Error $e ) {
			wp_die( esc_html( $e->describe() ), 503 );
		}
		if ( ! $backend ) {
			wp_die( esc_html__( 'IGNY8 is not connected.', 'igny8' ), 503 );
		}
		return $backend;
	}

	private static function done( callable $work, string $message, string $tab ): void {
		try {
			$work();
			Ui::flash( $message );
		} catch ( Backend_Error $e ) {
			Ui::flash_error( $e );
		}
		wp_safe_redirect( Ui::url( 'settings', array( 'tab' => $tab ) ) );
		exit;
	}

	/**
	 * Saves the provider rows; with "Save and test", then tests that provider's key and says
	 * the verdict (what works, or what to change).
	 */
	public static function save_integration(): void {
		$backend   = self::guard( 'integration' );
		$providers = isset( $_POST['providers'] ) ? (array) wp_unslash( $_POST['providers'] ) : array(); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- sanitised below
		$test      = Ui::posted( 'test' );
		if ( in_array( $test, array( 'openai', 'runware' ), true ) ) {
			try {
				self::save_providers( $backend, $providers );
				$verdict = $backend->testIntegration( $test );
				self::remember_test( $backend, $test, ! empty( $verdict['ok'] ) );
				Ui::flash( (string) $verdict['message'], ! empty( $verdict['ok'] ) ? 'success' : 'error' );
			} catch ( Backend_Error $e ) {
				Ui::flash_error( $e );
			}
			wp_safe_redirect( Ui::url( 'settings', array( 'tab' => 'ai' ) ) );
			exit;
		}
		self::done(
			static function () use ( $backend, $providers ) {
				self::save_providers( $backend, $providers );
			},
			__( 'Settings saved.', 'igny8' ),
			'ai'
		);
	}

	/** Which keys passed their test: provider => the key's hint then (the dashboard's checklist). */
	const TESTED = 'igny8_keys_tested';

	private static function remember_test( Backend $backend, string $provider, bool $ok ): void {
		$tested = (array) get_option( self::TESTED, array() );
		unset( $tested[ $provider ] );
		if ( $ok ) {
			$tested[ $provider ] = self::key_hint( $backend, $provider );
		}
		update_option( self::TESTED, $tested, false );
	}

	/** The hint of $provider's saved key ('' when none). */
	public static function key_hint( Backend $backend, string $provider ): string {
		foreach ( Ui::rows( $backend->integrations() ) as $integration ) {
			if ( $provider === ( $integration['provider'] ?? '' ) && ! empty( $integration['is_active'] ) ) {
				return (string) ( $integration['secret_hint'] ?? '' );
			}
		}
		return '';
	}

	/** Whether $provider's key now is the one that passed its test. */
	public static function key_tested( Backend $backend, string $provider ): bool {
		$tested = (array) get_option( self::TESTED, array() );
		$hint   = self::key_hint( $backend, $provider );
		return '' !== $hint && ( $tested[ $provider ] ?? null ) === $hint;
	}

	/** Saves what the provider rows hold: a typed key (switching the provider on), model, base URL. */
	private static function save_providers( Backend $backend, array $providers ): void {
		foreach ( array( 'openai', 'runware' ) as $provider ) {
			$in     = array_map( 'sanitize_text_field', (array) ( $providers[ $provider ] ?? array() ) );
			$config = array();
			if ( '' !== trim( $in['api_key'] ?? '' ) ) {
				$config['api_key']   = trim( $in['api_key'] );
				$config['is_active'] = true;
			}
			if ( '' !== trim( $in['model'] ?? '' ) ) {
				$config['model'] = trim( $in['model'] );
			}
			if ( '' !== trim( $in['base_url'] ?? '' ) ) {
				$config['base_url'] = esc_url_raw( trim( $in['base_url'] ) );
			}
			if ( $config ) {
				$backend->setIntegration( $provider, $config );
			}
		}
	}

	public static function save_defaults(): void {
		$backend  = self::guard( 'defaults' );
		$settings = isset( $_POST['settings'] ) ? (array) wp_unslash( $_POST['settings'] ) : array(); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- sanitised below
		self::done(
			static function () use ( $backend, $settings ) {
				$current = array();
				foreach ( Ui::rows( $backend->settings() ) as $setting ) {
					$current[ $setting['key'] ] = $setting['value'];
				}
				foreach ( self::defaults_list() as $key => $type ) {
					if ( ! array_key_exists( $key, $settings ) ) {
						continue;
					}
					$raw   = sanitize_text_field( (string) $settings[ $key ] );
					$value = 'number' === $type ? (int) $raw : ( 'checkbox' === $type ? '1' === $raw : $raw );
					if ( ( $current[ $key ] ?? null ) !== $value ) {
						$backend->setSetting( $key, $value );
					}
				}
			},
			__( 'Settings saved.', 'igny8' ),
			'content'
		);
	}

	/** key => input of the defaults, every section. */
	private static function defaults_list(): array {
		$list = array();
		foreach ( self::defaults() as $fields ) {
			foreach ( $fields as $key => $field ) {
				$list[ $key ] = $field[1];
			}
		}
		return $list;
	}

	public static function save_author(): void {
		$backend = self::guard( 'author' );
		$profile = array();
		foreach ( array( 'name', 'tone', 'language', 'style' ) as $field ) {
			$value = Ui::posted( $field );
			if ( '' !== $value ) {
				$profile[ $field ] = $value;
			}
		}
		self::done(
			static function () use ( $backend, $profile ) {
				$backend->createAuthorProfile( $profile );
			},
			__( 'Author profile added.', 'igny8' ),
			'authors'
		);
	}

	public static function save_delete_authors(): void {
		$backend = self::guard( 'delete_authors' );
		$ids     = Ui::posted_ids();
		self::done(
			static function () use ( $backend, $ids ) {
				if ( $ids ) {
					$backend->deleteAuthorProfiles( $ids );
				}
			},
			__( 'Author profiles deleted.', 'igny8' ),
			'authors'
		);
	}

	public static function save_prompt(): void {
		$backend = self::guard( 'prompt' );
		$type    = sanitize_key( Ui::posted( 'prompt_type' ) );
		$text    = isset( $_POST['text'] ) ? sanitize_textarea_field( wp_unslash( $_POST['text'] ) ) : '';
		$reset   = isset( $_POST['reset'] );
		self::done(
			static function () use ( $backend, $type, $text, $reset ) {
				if ( $reset ) {
					$backend->resetPrompt( $type );
				} else {
					$backend->setPrompt( $type, $text );
				}
			},
			$reset ? __( 'Prompt reset to IGNY8’s own.', 'igny8' ) : __( 'Prompt saved.', 'igny8' ),
			'prompts'
		);
	}

	/** Where the last Image Testing request and its image wait for the tab (per user). */
	private static function image_test_key(): string {
		return 'igny8_image_test_' . get_current_user_id();
	}

	/**
	 * Image Testing: a prompt drawn with the account's image model, style and size (or the
	 * ones given), to try the look before a batch of articles is illustrated. It costs one
	 * image's credits and is saved nowhere.
	 */
	private static function image_testing( Backend $backend ): void {
		if ( Plugin::read_only() ) {
			Ui::notice( __( 'The API key in Settings can only read (viewer role): drawing takes the editor role.', 'igny8' ), 'info' );
			return;
		}
		$last   = get_transient( self::image_test_key() );
		$last   = is_array( $last ) ? $last : array();
		$asked  = (array) ( $last['asked'] ?? array() );
		$result = (array) ( $last['result'] ?? array() );
		echo '<p>' . esc_html__( 'Try a prompt with the account’s image model, style and size before illustrating articles. Each drawing costs one image’s credits; nothing is saved.', 'igny8' ) . '</p>';
		self::post_form( 'test_image' );
		echo '<table class="form-table" role="presentation"><tbody>';
		printf( '<tr><th scope="row"><label for="igny8-image-prompt">%s</label></th><td><textarea name="prompt" id="igny8-image-prompt" rows="3" class="large-text" required>%s</textarea></td></tr>', esc_html__( 'What to draw', 'igny8' ), esc_textarea( (string) ( $asked['prompt'] ?? '' ) ) );
		printf( '<tr><th scope="row"><label for="igny8-image-style">%s</label></th><td><input type="text" name="style" id="igny8-image-style" class="regular-text" value="%s" placeholder="%s"><p class="description">%s</p></td></tr>', esc_html__( 'Style', 'igny8' ), esc_attr( (string) ( $asked['style'] ?? '' ) ), esc_attr( (string) Pages::setting( $backend, 'images.style', '' ) ), esc_html__( 'Empty: the account’s image style (Content tab).', 'igny8' ) );
		printf( '<tr><th scope="row"><label for="igny8-image-size">%s</label></th><td><select name="size" id="igny8-image-size"><option value="">%s</option>', esc_html__( 'Size', 'igny8' ), esc_html__( 'The account’s size for images inside articles', 'igny8' ) );
		foreach ( self::choices( 'size' ) as $value => $label ) {
			printf( '<option value="%s"%s>%s</option>', esc_attr( $value ), selected( (string) ( $asked['size'] ?? '' ), $value, false ), esc_html( $label ) );
		}
		echo '</select></td></tr>';
		printf( '<tr><th scope="row"><label for="igny8-image-negative">%s</label></th><td><textarea name="negative_prompt" id="igny8-image-negative" rows="2" class="large-text">%s</textarea><p class="description">%s</p></td></tr>', esc_html__( 'What to avoid', 'igny8' ), esc_textarea( (string) ( $asked['negative_prompt'] ?? '' ) ), esc_html__( 'Empty: the account’s own (e.g. text, watermarks).', 'igny8' ) );
		echo '</tbody></table>';
		submit_button( __( 'Draw it', 'igny8' ), 'primary', 'draw' );
		echo '</form>';
		$src = (string) ( $result['url'] ?? '' );
		if ( '' === $src ) {
			return;
		}
		// A data: URL (the model sent bytes) is shown as it is; esc_url() allows no data: scheme.
		$data = (bool) preg_match( '#^data:image/(png|jpeg|webp);base64,[A-Za-z0-9+/=]+$#', $src );
		echo '<div class="igny8-image-test"><h2>' . esc_html__( 'The drawing', 'igny8' ) . '</h2>';
		printf( '<img src="%s" alt="%s" class="igny8-image-test-result">', $data ? esc_attr( $src ) : esc_url( $src ), esc_attr( (string) ( $asked['prompt'] ?? '' ) ) );
		echo '<table class="widefat striped"><tbody>';
		$rows = array(
			__( 'Drawn by', 'igny8' )                 => trim( Ui::label( (string) ( $result['provider'] ?? '' ) ) . ' · ' . (string) ( $result['model'] ?? '' ), ' ·' ),
			__( 'Credits', 'igny8' )                  => number_format_i18n( (int) ( $result['credits'] ?? 0 ) ),
			__( 'Prompt as sent', 'igny8' )           => (string) ( $result['prompt'] ?? '' ),
			// Only when the model rewrote it.
			__( 'Prompt as the model read it', 'igny8' ) => (string) ( $result['revised_prompt'] ?? '' ) !== (string) ( $result['prompt'] ?? '' ) ? (string) ( $result['revised_prompt'] ?? '' ) : '',
		);
		foreach ( array_filter( $rows, 'strlen' ) as $label => $value ) {
			printf( '<tr><th>%s</th><td>%s</td></tr>', esc_html( $label ), esc_html( $value ) );
		}
		echo '</tbody></table></div>';
	}

	/** admin-post `igny8_test_image`: draws it; the tab shows the picture, or why not. */
	public static function save_test_image(): void {
		$backend = self::guard( 'test_image' );
		$asked   = array();
		foreach ( array( 'prompt', 'negative_prompt' ) as $field ) {
			$asked[ $field ] = isset( $_POST[ $field ] ) ? trim( sanitize_textarea_field( wp_unslash( $_POST[ $field ] ) ) ) : '';
		}
		foreach ( array( 'style', 'size' ) as $field ) {
			$asked[ $field ] = trim( Ui::posted( $field ) );
		}
		$result = array();
		try {
			$result = $backend->testImage( array_filter( $asked, 'strlen' ) );
			/* translators: %d: credits */
			Ui::flash( sprintf( _n( 'Drawn. It cost %d credit.', 'Drawn. It cost %d credits.', (int) ( $result['credits'] ?? 0 ), 'igny8' ), (int) ( $result['credits'] ?? 0 ) ) );
		} catch ( Backend_Error $e ) {
			Ui::flash_error( $e );
		}
		set_transient(
			self::image_test_key(),
			array(
				'asked'  => $asked,
				'result' => $result,
			),
			HOUR_IN_SECONDS
		);
		wp_safe_redirect( Ui::url( 'settings', array( 'tab' => 'images' ) ) );
		exit;
	}
}
