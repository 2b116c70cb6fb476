<?php
/**
 * The native backend: the IGNY8 PHP extension, with the data in this site's own database.
 *
 * @package Igny8
 */

namespace Igny8\WP;

defined( 'ABSPATH' ) || exit;

/**
 * Forwards every call to `\Igny8\Igny8` (see igny8-php/stubs/igny8.php) and turns the
 * extension's `\Igny8\Exception` into a Backend_Error.
 */
final class Native_Backend implements Backend {

	/** @var \Igny8\Igny8 */
	private $igny8;

	/** @var string|null */
	private $origin;

	private function __construct( $igny8 ) {
		$this->igny8 = $igny8;
	}

	/** Whether the extension is loaded in this PHP. */
	public static function available(): bool {
		return extension_loaded( 'igny8' ) && class_exists( '\Igny8\Igny8' );
	}

	/** Opens the store for this site (cheap: the extension keeps its pool per process). */
	public static function open( array $options ): self {
		try {
			return new self( \Igny8\Igny8::open( $options ) );
		} catch ( \Throwable $e ) {
			throw self::error( $e );
		}
	}

	/**
	 * The options of `Igny8::open()` for this WordPress: its database, a table prefix beside
	 * WordPress's own, a key derived from the wp-config salts, uploads/igny8 for images.
	 */
	public static function options_for_site( array $ai = array() ): array {
		global $wpdb;
		$uploads = wp_upload_dir( null, false );
		$options = array(
			'database_url' => self::database_url(),
			'table_prefix' => $wpdb->prefix . 'igny8_',
			'secret_key'   => self::secret_key(),
			'site_name'    => get_bloginfo( 'name' ),
			'site_url'     => home_url( '/' ),
			'media_dir'    => trailingslashit( $uploads['basedir'] ) . 'igny8',
			'media_url'    => trailingslashit( $uploads['baseurl'] ) . 'igny8',
			'ai'           => $ai,
		);
		/**
		 * Filters the options the plugin opens the IGNY8 extension with.
		 *
		 * @param array $options See Igny8::open().
		 */
		return apply_filters( 'igny8_native_options', $options );
	}

	/** mysql://user:pass@host:port/db from DB_HOST, DB_NAME, DB_USER, DB_PASSWORD. */
	public static function database_url(): string {
		$host   = DB_HOST;
		$port   = '3306';
		$socket = '';
		$colon  = strrpos( $host, ':' );
		if ( false !== $colon && false === strpos( $host, ']' , $colon ) ) {
			$rest = substr( $host, $colon + 1 );
			$host = substr( $host, 0, $colon );
			if ( ctype_digit( $rest ) ) {
				$port = $rest;
			} elseif ( '' !== $rest ) {
				$socket = $rest;
			}
		}
		if ( '' === $host ) {
			$host = 'localhost';
		}
		$url = sprintf(
			'mysql://%s:%s@%s:%s/%s',
			rawurlencode( DB_USER ),
			rawurlencode( DB_PASSWORD ),
			$host,
			$port,
			rawurlencode( DB_NAME )
		);
		if ( '' !== $socket ) {
			$url .= '?socket=' . rawurlencode( $socket );
		}
		return $url;
	}

	/** 32 bytes (base64) derived from the wp-config salts: seals provider keys at rest. */
	public static function secret_key(): string {
		$material = ( defined( 'AUTH_KEY' ) ? AUTH_KEY : '' ) . ( defined( 'SECURE_AUTH_KEY' ) ? SECURE_AUTH_KEY : '' );
		return base64_encode( hash( 'sha256', 'igny8|' . $material, true ) ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- binary made text for storage, not obfuscation
	}

	private static function error( \Throwable $e ): Backend_Error {
		if ( $e instanceof \Igny8\Exception ) {
			return new Backend_Error( $e->getMessage(), $e->status(), $e->errorCode(), $e->fieldErrors(), $e );
		}
		return new Backend_Error( $e->getMessage(), 500, 'internal', array(), $e );
	}

	/** Calls the extension, turning its exception into ours. */
	private function call( string $method, ...$args ) {
		try {
			return $this->igny8->$method( ...$args );
		} catch ( \Throwable $e ) {
			throw self::error( $e );
		}
	}

	public function kind(): string {
		return 'native';
	}

	public function runs_jobs_itself(): bool {
		return false;
	}

	public function origin(): string {
		if ( null === $this->origin ) {
			$this->origin = 'native#account=' . (int) $this->info()['account_id'];
		}
		return $this->origin;
	}

	public function info(): array {
		return $this->call( 'info' );
	}

	public function sectors(): array {
		return $this->call( 'sectors' );
	}

	public function keywords( array $query = array() ): array {
		return $this->call( 'keywords', $query );
	}

	public function bulkUpdateKeywords( array $ids, array $patch ): int {
		return $this->call( 'bulkUpdateKeywords', $ids, $patch );
	}

	public function deleteKeywords( array $ids ): int {
		return $this->call( 'deleteKeywords', $ids );
	}

	public function importKeywords( int $sector_id, string $csv ): array {
		return $this->call( 'importKeywords', $sector_id, $csv );
	}

	public function exportKeywords( array $query = array() ): string {
		return $this->call( 'exportKeywords', $query );
	}

	public function clusters( array $query = array() ): array {
		return $this->call( 'clusters', $query );
	}

	public function deleteClusters( array $ids ): int {
		return $this->call( 'deleteClusters', $ids );
	}

	public function ideas( array $query = array() ): array {
		return $this->call( 'ideas', $query );
	}

	/** The extension's methods are named after the kind: keyword(), createKeyword(), updateKeyword(). */
	public function record( string $kind, int $id ): array {
		if ( 'sector' === $kind ) {
			// (The extension lists this site's sectors; it has no call for one.)
			foreach ( $this->sectors() as $sector ) {
				if ( (int) $sector['id'] === $id ) {
					return $sector;
				}
			}
			/* translators: %d: a sector's id */
			throw new Backend_Error( sprintf( __( 'sector %d not found', 'igny8' ), $id ), 404, 'not_found' );
		}
		return $this->call( self::kind_of( $kind ), $id );
	}

	public function createRecord( string $kind, array $fields ): array {
		return $this->call( 'create' . ucfirst( self::kind_of( $kind ) ), $fields );
	}

	public function updateRecord( string $kind, int $id, array $patch ): array {
		return $this->call( 'update' . ucfirst( self::kind_of( $kind ) ), $id, $patch );
	}

	public function strategies( array $query = array() ): array {
		return $this->call( 'strategies', $query );
	}

	public function deleteStrategies( array $ids ): int {
		return $this->call( 'deleteStrategies', $ids );
	}

	public function deleteSector( int $id ): void {
		$this->call( 'deleteSector', $id );
	}

	private static function kind_of( string $kind ): string {
		if ( ! in_array( $kind, array( 'keyword', 'cluster', 'idea', 'task', 'sector', 'strategy' ), true ) ) {
			throw new Backend_Error( sprintf( 'Unknown kind %s.', $kind ), 400, 'validation' );
		}
		return $kind;
	}

	public function createIdea( array $idea ): array {
		return $this->call( 'createIdea', $idea );
	}

	public function deleteIdeas( array $ids ): int {
		return $this->call( 'deleteIdeas', $ids );
	}

	public function queueIdeas( array $ids ): array {
		return $this->call( 'queueIdeas', $ids );
	}

	public function tasks( array $query = array() ): array {
		return $this->call( 'tasks', $query );
	}

	public function deleteTasks( array $ids ): int {
		return $this->call( 'deleteTasks', $ids );
	}

	public function contents( array $query = array() ): array {
		return $this->call( 'contents', $query );
	}

	public function content( int $id ): array {
		return $this->call( 'content', $id );
	}

	public function updateContent( int $id, array $patch ): array {
		return $this->call( 'updateContent', $id, $patch );
	}

	public function renderPost( int $id, array $input = array() ): array {
		return $this->call( 'renderPost', $id, $input );
	}

	public function recordLinks( array $input ): array {
		$gone = $input['gone'] ?? array();
		unset( $input['gone'] );
		$done = $this->call( 'recordLinks', $input );
		foreach ( $gone as $object ) {
			if ( $this->call( 'forgetLink', (string) $object['kind'], (int) $object['wp_id'] ) ) {
				++$done['removed'];
			}
		}
		return $done;
	}

	public function linkInventory( array $query = array() ): array {
		return $this->call( 'linkInventory', $query );
	}

	public function linksBack( int $id, int $limit = 10 ): array {
		return $this->call( 'linksBack', $id, $limit );
	}

	public function checkDraft( int $id, array $draft ): array {
		return $this->call( 'checkDraft', $id, $draft );
	}

	public function linksOut( int $id, array $input ): array {
		return $this->call( 'linksOut', $id, $input );
	}

	public function insertLinkBack( int $id, int $from ): array {
		return $this->call( 'insertLinkBack', $id, $from );
	}

	public function deleteContents( array $ids ): int {
		return $this->call( 'deleteContents', $ids );
	}

	public function images( array $query = array() ): array {
		return $this->call( 'images', $query );
	}

	/**
	 * Copies the image's file: its `file_path` is relative to the media directory
	 * (uploads/igny8); only a file inside that directory is read.
	 */
	public function imageFile( array $image, string $to ): string {
		$stored = (string) ( $image['file_path'] ?? '' );
		$dir    = (string) ( self::options_for_site()['media_dir'] ?? '' );
		if ( '' === $stored || '' === $dir ) {
			return '';
		}
		$media  = realpath( $dir );
		$source = realpath( path_is_absolute( $stored ) ? $stored : trailingslashit( $dir ) . $stored );
		if ( false === $media || false === $source || 0 !== strpos( $source, trailingslashit( $media ) ) || ! is_readable( $source ) ) {
			return '';
		}
		if ( ! copy( $source, $to ) ) {
			/* translators: %d: an image's id */
			throw new Backend_Error( sprintf( __( 'The file of image %d could not be copied.', 'igny8' ), (int) ( $image['id'] ?? 0 ) ), 500, 'internal' );
		}
		return basename( $source );
	}

	public function prompts(): array {
		return $this->call( 'prompts' );
	}

	public function setPrompt( string $prompt_type, string $text ): array {
		return $this->call( 'setPrompt', $prompt_type, $text );
	}

	public function resetPrompt( string $prompt_type ): bool {
		return $this->call( 'resetPrompt', $prompt_type );
	}

	public function authorProfiles( array $query = array() ): array {
		return $this->call( 'authorProfiles', $query );
	}

	public function createAuthorProfile( array $profile ): array {
		return $this->call( 'createAuthorProfile', $profile );
	}

	public function deleteAuthorProfiles( array $ids ): int {
		return $this->call( 'deleteAuthorProfiles', $ids );
	}

	public function settings(): array {
		return $this->call( 'settings' );
	}

	public function setSetting( string $key, $value ): array {
		return $this->call( 'setSetting', $key, $value );
	}

	public function integrations(): array {
		return $this->call( 'integrations' );
	}

	public function setIntegration( string $provider, array $config ): array {
		return $this->call( 'setIntegration', $provider, $config );
	}

	public function testIntegration( string $provider ): array {
		return $this->call( 'testIntegration', $provider );
	}

	public function credits(): array {
		return $this->call( 'credits' );
	}

	public function transactions( array $query = array() ): array {
		return $this->call( 'transactions', $query );
	}

	public function usage( array $query = array() ): array {
		return $this->call( 'usage', $query );
	}

	public function testImage( array $test ): array {
		return $this->call( 'testImage', $test );
	}

	public function estimate( string $function, array $input ): array {
		return $this->call( 'estimate', $function, $input );
	}

	public function start( string $function, array $input ): array {
		return $this->call( 'start', $function, $input );
	}

	public function job( int $id ): array {
		return $this->call( 'job', $id );
	}

	public function jobs( array $query = array() ): array {
		return $this->call( 'jobs', $query );
	}

	public function cancelJob( int $id ): array {
		return $this->call( 'cancelJob', $id );
	}

	public function runJobs( float $max_seconds = 20.0 ): array {
		return $this->call( 'runJobs', $max_seconds );
	}

	public function dashboard( array $query = array() ): array {
		return $this->call( 'dashboard', $query );
	}
}
