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
 */
final class Options {

	const NAME = 'igny8_options';

	const DEFAULTS = array(
		'backend'     => 'auto',   // auto: the extension when loaded, else the API; or 'remote'.
		'api_url'     => '',
		'api_key'     => '',
		'ai_base_url' => '',
		'ai_model'    => '',
		'delete_data' => false,
	);

	public static function all(): array {
		$stored = get_option( self::NAME, array() );
		return array_merge( self::DEFAULTS, is_array( $stored ) ? $stored : array() );
	}

	public static function get( string $key ) {
		return self::all()[ $key ] ?? null;
	}

	/** The Settings API's sanitize callback. An empty API key field keeps the stored key. */
	public static function sanitize( $input ): array {
		$old   = self::all();
		$input = is_array( $input ) ? $input : array();
		$out   = array(
			'backend'     => in_array( $input['backend'] ?? 'auto', array( 'auto', 'remote' ), true ) ? $input['backend'] : 'auto',
			'api_url'     => esc_url_raw( trim( (string) ( $input['api_url'] ?? '' ) ) ),
			'api_key'     => trim( sanitize_text_field( (string) ( $input['api_key'] ?? '' ) ) ),
			'ai_base_url' => esc_url_raw( trim( (string) ( $input['ai_base_url'] ?? '' ) ) ),
			'ai_model'    => sanitize_text_field( (string) ( $input['ai_model'] ?? '' ) ),
			'delete_data' => ! empty( $input['delete_data'] ),
		);
		if ( '' === $out['api_key'] && empty( $input['api_key_clear'] ) ) {
			$out['api_key'] = $old['api_key'];
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
