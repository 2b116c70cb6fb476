<?php
/**
 * Secrets the plugin keeps in wp_options (the hosted API's key), encrypted at rest.
 *
 * @package Igny8
 */

namespace Igny8\WP;

defined( 'ABSPATH' ) || exit;

/**
 * Seals and opens a secret with a key derived from this site's wp-config.php salts
 * (AUTH_SALT/AUTH_KEY and SECURE_AUTH_*, through wp_salt()), so a copy of the database alone —
 * a backup, an export, an SQL injection elsewhere — doesn't give the key away.
 *
 * Stored form: `igny8s1:` then base64 of a random 24-byte nonce followed by the
 * XSalsa20-Poly1305 box (sodium_crypto_secretbox). Changing the salts makes a stored secret
 * unreadable: it must then be entered again.
 */
final class Secrets {

	/** Version prefix of the stored form. */
	const PREFIX = 'igny8s1:';

	/** 32 bytes from the site's salts, for one purpose. */
	private static function key( string $purpose ): string {
		return hash_hkdf( 'sha256', wp_salt( 'auth' ) . wp_salt( 'secure_auth' ), SODIUM_CRYPTO_SECRETBOX_KEYBYTES, $purpose );
	}

	/** Whether $value is in the sealed form (as opposed to a plain value stored before). */
	public static function is_sealed( string $value ): bool {
		return 0 === strpos( $value, self::PREFIX );
	}

	/** $plain sealed for $purpose (e.g. 'igny8-remote-api-key'). */
	public static function seal( string $plain, string $purpose ): string {
		$nonce = random_bytes( SODIUM_CRYPTO_SECRETBOX_NONCEBYTES );
		$box   = sodium_crypto_secretbox( $plain, $nonce, self::key( $purpose ) );
		return self::PREFIX . base64_encode( $nonce . $box ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- binary made text for storage, not obfuscation
	}

	/** What seal() was given, or null when $stored can't be opened (other salts, altered). */
	public static function open( string $stored, string $purpose ): ?string {
		if ( ! self::is_sealed( $stored ) ) {
			return null;
		}
		$raw = base64_decode( substr( $stored, strlen( self::PREFIX ) ), true ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode -- binary made text for storage, not obfuscation
		if ( false === $raw || strlen( $raw ) <= SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ) {
			return null;
		}
		$nonce = substr( $raw, 0, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES );
		$plain = sodium_crypto_secretbox_open( substr( $raw, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ), $nonce, self::key( $purpose ) );
		return false === $plain ? null : $plain;
	}
}
