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
use Igny8\WP\Options;
use Igny8\WP\Plugin;

defined( 'ABSPATH' ) || exit;

final class Settings_Page {

	const GROUP = 'igny8';

	/** Account settings shown under "Defaults": key => [label, input type]. */
	private static function defaults(): array {
		return array(
			'content.word_count'       => array( __( 'Article length (words)', 'igny8' ), 'number' ),
			'content.tone'             => array( __( 'Tone', 'igny8' ), 'text' ),
			'content.language'         => array( __( 'Language', 'igny8' ), 'text' ),
			'ideas.per_cluster'        => array( __( 'Ideas per cluster', 'igny8' ), 'number' ),
			'images.enabled'           => array( __( 'Illustrate articles', 'igny8' ), 'checkbox' ),
			'images.in_article_count'  => array( __( 'In-article images', 'igny8' ), 'number' ),
			'images.size'              => array( __( 'Image size', 'igny8' ), 'text' ),
			'images.style'             => array( __( 'Image style', 'igny8' ), 'text' ),
			'publish.status'           => array( __( 'Send to WordPress as', 'igny8' ), 'publish' ),
			'publish.categories'       => array( __( 'Categories', 'igny8' ), 'categories' ),
		);
	}

	public static function boot(): void {
		add_action( 'admin_init', array( __CLASS__, 'register' ) );
		add_filter( 'option_page_capability_' . self::GROUP, array( __CLASS__, 'capability' ) );
		foreach ( array( 'integration', 'defaults', 'author', 'delete_authors', 'prompt' ) as $action ) {
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
		add_settings_section( 'igny8_connection', __( 'Connection', 'igny8' ), array( __CLASS__, 'connection_intro' ), 'igny8-settings' );
		$fields = array(
			'backend'     => __( 'Backend', 'igny8' ),
			'api_url'     => __( 'Hosted API address', 'igny8' ),
			'api_key'     => __( 'API key', 'igny8' ),
			'ai_base_url' => __( 'AI provider base URL (extension)', 'igny8' ),
			'ai_model'    => __( 'AI model (extension)', 'igny8' ),
		);
		foreach ( $fields as $key => $label ) {
			add_settings_field( 'igny8_' . $key, $label, array( __CLASS__, 'field' ), 'igny8-settings', 'igny8_connection', array( 'key' => $key, 'label_for' => 'igny8_' . $key ) );
		}
		add_settings_section( 'igny8_uninstall', __( 'Uninstall', 'igny8' ), '__return_false', 'igny8-settings' );
		add_settings_field( 'igny8_delete_data', __( 'Delete data on uninstall', 'igny8' ), array( __CLASS__, 'field' ), 'igny8-settings', 'igny8_uninstall', array( 'key' => 'delete_data', 'label_for' => 'igny8_delete_data' ) );
	}

	public static function connection_intro(): void {
		echo '<p>' . esc_html__( 'With the IGNY8 PHP extension loaded, IGNY8 runs on this server and keeps its data in this site’s database. Without it — or when you choose the hosted API below — it works as a client of the hosted IGNY8 service with an API key.', 'igny8' ) . '</p>';
	}

	public static function field( array $args ): void {
		$key     = $args['key'];
		$options = Options::all();
		$name    = Options::NAME . '[' . $key . ']';
		$id      = 'igny8_' . $key;
		switch ( $key ) {
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
				printf( '<label><input type="checkbox" name="%s" id="%s" value="1"%s> %s</label>', esc_attr( $name ), esc_attr( $id ), checked( (bool) $options['delete_data'], true, false ), esc_html__( 'When the plugin is deleted, also delete its tables (every table starting with the IGNY8 prefix) and its options. Otherwise they are kept.', 'igny8' ) );
				break;
			default:
				printf( '<input type="%s" class="regular-text" name="%s" id="%s" value="%s">', 'ai_model' === $key ? 'text' : 'url', esc_attr( $name ), esc_attr( $id ), esc_attr( (string) $options[ $key ] ) );
				if ( 'ai_base_url' === $key ) {
					echo '<p class="description">' . esc_html__( 'Only for an OpenAI-compatible endpoint of your own (e.g. a proxy); empty means OpenAI.', 'igny8' ) . '</p>';
				}
		}
	}

	public static function render( ?Backend $backend ): void {
		echo '<form method="post" action="options.php" class="igny8-options">';
		settings_fields( self::GROUP );
		do_settings_sections( 'igny8-settings' );
		submit_button( __( 'Save connection', 'igny8' ) );
		echo '</form>';
		if ( ! $backend ) {
			return;
		}
		foreach ( array( 'providers', 'account_defaults', 'authors', 'prompts' ) as $section ) {
			try {
				self::$section( $backend );
			} catch ( Backend_Error $e ) {
				Ui::error( $e );
			}
		}
	}

	private static function post_form( string $action ): void {
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		Ui::form_fields( 'igny8_' . $action );
	}

	private static function providers( Backend $backend ): void {
		$current = array();
		foreach ( Ui::rows( $backend->integrations() ) as $integration ) {
			$current[ $integration['provider'] ] = $integration;
		}
		echo '<h2>' . esc_html__( 'AI providers', 'igny8' ) . '</h2>';
		echo '<p>' . esc_html__( 'Keys are stored encrypted and never shown again, only a hint.', 'igny8' ) . '</p>';
		self::post_form( 'integration' );
		echo '<table class="form-table" role="presentation"><tbody>';
		foreach ( array( 'openai' => 'OpenAI', 'runware' => 'Runware' ) as $provider => $label ) {
			$row    = $current[ $provider ] ?? array();
			$config = (array) ( $row['config'] ?? array() );
			$hint   = (string) ( $row['secret_hint'] ?? '' );
			printf( '<tr><th scope="row"><label for="igny8-key-%1$s">%2$s</label></th><td>', esc_attr( $provider ), esc_html( $label ) );
			/* translators: %s: masked key */
			printf( '<input type="password" autocomplete="off" class="regular-text" name="providers[%1$s][api_key]" id="igny8-key-%1$s" placeholder="%2$s"> ', esc_attr( $provider ), esc_attr( $hint ? sprintf( __( 'saved: %s', 'igny8' ), $hint ) : __( 'API key', 'igny8' ) ) );
			printf( '<input type="text" class="igny8-short" name="providers[%1$s][model]" value="%2$s" placeholder="%3$s"> ', esc_attr( $provider ), esc_attr( (string) ( $config['model'] ?? $row['model'] ?? '' ) ), esc_attr__( 'model', 'igny8' ) );
			printf( '<input type="url" class="regular-text" name="providers[%1$s][base_url]" value="%2$s" placeholder="%3$s">', esc_attr( $provider ), esc_attr( (string) ( $config['base_url'] ?? $row['base_url'] ?? '' ) ), esc_attr__( 'base URL (optional)', 'igny8' ) );
			if ( $row ) {
				echo ' ' . Ui::status( ! empty( $row['is_active'] ) ? 'active' : 'inactive' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
			}
			/* translators: %s: a provider's name */
			printf( ' <button type="submit" class="button igny8-test-key" name="test" value="%1$s">%2$s</button>', esc_attr( $provider ), esc_html( sprintf( __( 'Save and test %s', 'igny8' ), $label ) ) );
			if ( 'openai' === $provider ) {
				echo '<p class="description">' . esc_html__( 'Writes clusters, ideas and articles, and draws the images too when no Runware key is set. Testing costs nothing: it only asks OpenAI whether the key is valid.', 'igny8' ) . '</p>';
			}
			echo '</td></tr>';
		}
		echo '</tbody></table>';
		submit_button( __( 'Save providers', 'igny8' ), 'secondary' );
		echo '</form>';
	}

	private static function account_defaults( Backend $backend ): void {
		$values = array();
		foreach ( Ui::rows( $backend->settings() ) as $setting ) {
			$values[ $setting['key'] ] = $setting['value'];
		}
		echo '<h2>' . esc_html__( 'Defaults for new content', 'igny8' ) . '</h2>';
		self::post_form( 'defaults' );
		echo '<table class="form-table" role="presentation"><tbody>';
		foreach ( self::defaults() as $key => list( $label, $type ) ) {
			$id    = 'igny8-setting-' . str_replace( '.', '-', $key );
			$value = $values[ $key ] ?? '';
			printf( '<tr><th scope="row"><label for="%s">%s</label></th><td>', esc_attr( $id ), esc_html( $label ) );
			$name = 'settings[' . $key . ']';
			if ( 'checkbox' === $type ) {
				printf( '<input type="hidden" name="%1$s" value="0"><input type="checkbox" name="%1$s" id="%2$s" value="1"%3$s>', esc_attr( $name ), esc_attr( $id ), checked( (bool) $value, true, false ) );
			} elseif ( 'publish' === $type ) {
				printf( '<select name="%s" id="%s">', esc_attr( $name ), esc_attr( $id ) );
				// Scheduling needs a date, so it is chosen per post, never as the default.
				foreach ( array( 'draft' => __( 'Draft', 'igny8' ), 'publish' => __( 'Published post', 'igny8' ) ) as $option => $text ) {
					printf( '<option value="%s"%s>%s</option>', esc_attr( $option ), selected( $option, (string) $value, false ), esc_html( $text ) );
				}
				echo '</select>';
			} elseif ( 'categories' === $type ) {
				printf( '<select name="%s" id="%s">', esc_attr( $name ), esc_attr( $id ) );
				$choices = array(
					'match'    => __( 'Use this site’s category of the same words; create the others', 'igny8' ),
					'existing' => __( 'Only this site’s existing categories', 'igny8' ),
				);
				foreach ( $choices as $option => $text ) {
					printf( '<option value="%s"%s>%s</option>', esc_attr( $option ), selected( $option, '' !== (string) $value ? (string) $value : 'match', false ), esc_html( $text ) );
				}
				echo '</select>';
				echo '<p class="description">' . esc_html__( 'The categories the AI names are matched to this site’s own first (“Espresso Machines” goes into “Espresso machine”).', 'igny8' ) . '</p>';
			} else {
				printf( '<input type="%s" name="%s" id="%s" value="%s" class="%s">', esc_attr( $type ), esc_attr( $name ), esc_attr( $id ), esc_attr( is_scalar( $value ) ? (string) $value : '' ), 'number' === $type ? 'small-text' : 'regular-text' );
			}
			echo '</td></tr>';
		}
		echo '</tbody></table>';
		submit_button( __( 'Save defaults', 'igny8' ), 'secondary' );
		echo '</form>';
	}

	private static function authors( Backend $backend ): void {
		echo '<h2>' . esc_html__( 'Author profiles', 'igny8' ) . '</h2>';
		self::post_form( 'delete_authors' );
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
		submit_button( __( 'Delete selected', 'igny8' ), 'delete small', 'delete', false );
		echo '</form>';
		self::post_form( 'author' );
		echo '<p class="igny8-inline-form">';
		foreach ( array( 'name' => __( 'Name', 'igny8' ), 'tone' => __( 'Tone', 'igny8' ), 'language' => __( 'Language', 'igny8' ), 'style' => __( 'Style', 'igny8' ) ) as $field => $label ) {
			printf( '<input type="text" name="%1$s" placeholder="%2$s" aria-label="%2$s"%3$s> ', esc_attr( $field ), esc_attr( $label ), 'name' === $field ? ' required' : '' );
		}
		submit_button( __( 'Add author profile', 'igny8' ), 'secondary', 'add', false );
		echo '</p></form>';
	}

	private static function prompts( Backend $backend ): void {
		echo '<h2>' . esc_html__( 'Prompts', 'igny8' ) . '</h2>';
		echo '<p>' . esc_html__( 'Each AI function’s prompt; variables are written {{name}}. Reset goes back to the shipped prompt.', 'igny8' ) . '</p>';
		foreach ( Ui::rows( $backend->prompts() ) as $prompt ) {
			$type = (string) $prompt['prompt_type'];
			self::post_form( 'prompt' );
			printf( '<input type="hidden" name="prompt_type" value="%s">', esc_attr( $type ) );
			printf( '<h3><label for="igny8-prompt-%1$s">%2$s</label> %3$s</h3>', esc_attr( $type ), esc_html( $type ), ! empty( $prompt['is_custom'] ) ? Ui::status( 'custom' ) : '' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
			printf( '<textarea class="large-text code" rows="6" name="text" id="igny8-prompt-%s">%s</textarea>', esc_attr( $type ), esc_textarea( (string) ( $prompt['prompt_value'] ?? $prompt['template'] ?? '' ) ) );
			echo '<p>';
			submit_button( __( 'Save prompt', 'igny8' ), 'secondary small', 'save', false );
			if ( ! empty( $prompt['is_custom'] ) ) {
				echo ' ';
				submit_button( __( 'Reset to default', 'igny8' ), 'delete small', 'reset', false );
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

	private static function done( callable $work, string $message ): void {
		try {
			$work();
			Ui::flash( $message );
		} catch ( Backend_Error $e ) {
			Ui::flash_error( $e );
		}
		wp_safe_redirect( Ui::url( 'settings' ) );
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
				Ui::flash( (string) $verdict['message'], ! empty( $verdict['ok'] ) ? 'success' : 'error' );
			} catch ( Backend_Error $e ) {
				Ui::flash_error( $e );
			}
			wp_safe_redirect( Ui::url( 'settings' ) );
			exit;
		}
		self::done(
			static function () use ( $backend, $providers ) {
				self::save_providers( $backend, $providers );
			},
			__( 'Providers saved.', 'igny8' )
		);
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
			__( 'Defaults saved.', 'igny8' )
		);
	}

	/** key => input type of the defaults. */
	private static function defaults_list(): array {
		return array_map(
			static function ( $field ) {
				return $field[1];
			},
			self::defaults()
		);
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
			__( 'Author profile added.', 'igny8' )
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
			__( 'Author profiles deleted.', 'igny8' )
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
			$reset ? __( 'Prompt reset to the default.', 'igny8' ) : __( 'Prompt saved.', 'igny8' )
		);
	}
}
