<?php
/**
 * The plugin's own options (one array, registered with the Settings API).
 *
 * @package Igny8
 */

namespace Igny8\WP;

defined( 'ABSPATH' ) || exit;

/**
 * `igny8_options`: which backend, the hosted API's address and key, deployment AI settings of
 * the extension (a provider base URL and model), and whether uninstalling deletes the data.
 * Everything about the account (provider keys, defaults, prompts) lives in IGNY8 itself.
 *
 * The API key is stored sealed (see Secrets): `all()['api_key']` is the sealed form (only
 * compare it with ''), `api_key()` the key itself.
 */
final class Options {

	const NAME = 'igny8_options';

	/** The purpose the API key is sealed for. */
	const KEY_PURPOSE = 'igny8-remote-api-key';

	const DEFAULTS = array(
		'backend'       => 'auto',   // auto: the extension when loaded, else the API; or 'remote'.
		'api_url'       => '',
		'api_key'       => '',
		// The hosted account's site and sector this WordPress works on (Settings' picker);
		// 0: the site found by this WordPress's address, and its first active sector.
		'remote_site'   => 0,
		'remote_sector' => 0,
		'ai_base_url'   => '',
		'ai_model'      => '',
		'delete_data'   => false,
	);

	public static function all(): array {
		$stored = get_option( self::NAME, array() );
		return array_merge( self::DEFAULTS, is_array( $stored ) ? $stored : array() );
	}

	public static function get( string $key ) {
		return self::all()[ $key ] ?? null;
	}

	/**
	 * The hosted API's key in clear ('' when none, or when it can't be opened because the
	 * salts changed). A key stored in clear by an older version is sealed on this first read.
	 */
	public static function api_key(): string {
		$stored = (string) self::get( 'api_key' );
		if ( '' === $stored ) {
			return '';
		}
		if ( ! Secrets::is_sealed( $stored ) ) {
			$options            = self::all();
			$options['api_key'] = Secrets::seal( $stored, self::KEY_PURPOSE );
			// The sanitize callback keeps a sealed value as it is.
			update_option( self::NAME, $options );
			return $stored;
		}
		return (string) Secrets::open( $stored, self::KEY_PURPOSE );
	}

	/**
	 * The Settings API's sanitize callback. Settings has a form per tab, each posting some of
	 * the options: a field not in the form keeps its stored value. A new API key is stored
	 * sealed; an empty API key field keeps the stored key.
	 */
	public static function sanitize( $input ): array {
		$old   = self::all();
		$input = is_array( $input ) ? $input : array();
		$input = array_merge( array_diff_key( $old, array( 'api_key' => true ) ), $input );
		$out   = array(
			'backend'       => in_array( $input['backend'] ?? 'auto', array( 'auto', 'remote' ), true ) ? $input['backend'] : 'auto',
			// The service's address: one pasted with the API's path (…/api/v1/) means the same.
			'api_url'       => (string) preg_replace( '#/api/v1/?$#', '', untrailingslashit( esc_url_raw( trim( (string) ( $input['api_url'] ?? '' ) ) ) ) ),
			'api_key'       => trim( sanitize_text_field( (string) ( $input['api_key'] ?? '' ) ) ),
			'ai_base_url'   => esc_url_raw( trim( (string) ( $input['ai_base_url'] ?? '' ) ) ),
			'ai_model'      => sanitize_text_field( (string) ( $input['ai_model'] ?? '' ) ),
			'delete_data'   => ! empty( $input['delete_data'] ),
			'remote_site'   => absint( $input['remote_site'] ?? 0 ),
			'remote_sector' => absint( $input['remote_sector'] ?? 0 ),
		);
		// A sector is chosen within a chosen site. Another service or another key may be
		// another account, whose sites those ids are not: the choice starts again from the
		// address.
		if ( 0 === $out['remote_site'] ) {
			$out['remote_sector'] = 0;
		}
		if ( $out['api_url'] !== $old['api_url'] || ( '' !== $out['api_key'] && $out['api_key'] !== $old['api_key'] ) ) {
			$out['remote_site']   = 0;
			$out['remote_sector'] = 0;
		}
		if ( '' === $out['api_key'] && empty( $input['api_key_clear'] ) ) {
			$out['api_key'] = $old['api_key'];
		} elseif ( '' !== $out['api_key'] && ! Secrets::is_sealed( $out['api_key'] ) ) {
			// (WordPress runs this callback twice when the option is first added: a value
			// already sealed is kept as it is.)
			$out['api_key'] = Secrets::seal( $out['api_key'], self::KEY_PURPOSE );
		}
		return $out;
	}

	/** The 'ai' option of Igny8::open(): deployment-level AI settings by IGNY8_* name. */
	public static function ai_settings(): array {
		$ai = array();
		if ( '' !== self::get( 'ai_base_url' ) ) {
			$ai['OPENAI_BASE_URL'] = self::get( 'ai_base_url' );
		}
		if ( '' !== self::get( 'ai_model' ) ) {
			$ai['OPENAI_MODEL'] = self::get( 'ai_model' );
		}
		return $ai;
	}
}
