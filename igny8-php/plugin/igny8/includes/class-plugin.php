<?php
/**
 * Wiring: activation, capabilities, and choosing the backend.
 *
 * @package Igny8
 */

namespace Igny8\WP;

defined( 'ABSPATH' ) || exit;

/**
 * The plugin's entry points. `backend()` picks the extension when it is loaded (unless the
 * hosted API was chosen in Settings), else the hosted API when a key is set, else none — and
 * the admin then says how to get one or the other.
 */
final class Plugin {

	/** Who may use IGNY8's screens (administrators get it on activation). */
	const CAP = 'manage_igny8';

	/** @var Backend|null */
	private static $backend;

	/** @var string|null Why there is no backend. */
	private static $unavailable;

	public static function boot(): void {
		add_action( 'init', array( __CLASS__, 'load_textdomain' ) );
		Jobs::boot();
		Publisher::boot();
		Link_Inventory::boot();
		Editor::boot();
	}

	public static function load_textdomain(): void {
		load_plugin_textdomain( 'igny8', false, dirname( plugin_basename( IGNY8_PLUGIN_FILE ) ) . '/languages' );
	}

	public static function activate(): void {
		$admin = get_role( 'administrator' );
		if ( $admin ) {
			$admin->add_cap( self::CAP );
		}
		add_option( Options::NAME, Options::DEFAULTS );
		Jobs::schedule();
		Link_Inventory::schedule();
		// Open once, so the extension creates its tables and this site's account now.
		try {
			self::backend();
		} catch ( Backend_Error $e ) { // phpcs:ignore Generic.CodeAnalysis.EmptyStatement.DetectedCatch -- the next screen shows it as a notice
			// Shown as an admin notice on the next screen.
		}
	}

	/**
	 * Whether the connection may only read: the hosted service's key has the viewer role.
	 * The screens then offer no action that could only fail (the service refuses them too).
	 */
	public static function read_only(): bool {
		try {
			$backend = self::backend();
			return $backend && 'remote' === $backend->kind() && 'viewer' === ( $backend->info()['role'] ?? '' );
		} catch ( Backend_Error $e ) {
			return false;
		}
	}

	public static function deactivate(): void {
		Jobs::unschedule();
		Link_Inventory::unschedule();
	}

	/**
	 * The active backend, or null when there is none (see unavailable_reason()). A backend
	 * that fails to open throws.
	 */
	public static function backend(): ?Backend {
		if ( null !== self::$backend ) {
			return self::$backend;
		}
		$options = Options::all();
		$remote  = '' !== $options['api_url'] && '' !== $options['api_key'];
		if ( Native_Backend::available() && ! ( 'remote' === $options['backend'] && $remote ) ) {
			self::$backend = Native_Backend::open( Native_Backend::options_for_site( Options::ai_settings() ) );
		} elseif ( $remote ) {
			self::$backend = new Remote_Backend( $options['api_url'], Options::api_key(), (int) $options['remote_site'], (int) $options['remote_sector'] );
		} else {
			self::$unavailable = 'none';
		}
		return self::$backend;
	}

	/** Forgets the backend (after the connection settings changed). */
	public static function reset(): void {
		self::$backend     = null;
		self::$unavailable = null;
	}

	/** A short name of the active backend for the admin: 'native', 'remote' or ''. */
	public static function backend_kind(): string {
		try {
			$backend = self::backend();
		} catch ( Backend_Error $e ) {
			return '';
		}
		return $backend ? $backend->kind() : '';
	}
}
