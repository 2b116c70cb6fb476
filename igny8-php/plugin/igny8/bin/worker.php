<?php
/**
 * Runs IGNY8's queued jobs from a real cron (or a systemd timer) instead of — or as well as —
 * WP-Cron. Needs the IGNY8 extension loaded in the PHP CLI.
 *
 *   php wp-content/plugins/igny8/bin/worker.php --path=/var/www/html [--seconds=50] [--loop]
 *
 * Each run works on due jobs until none is due or --seconds (default 50) have passed, and
 * prints what it ran. --loop keeps going (a pause of 2 s when there was nothing to do) until
 * it is stopped. A crontab line:
 *
 *   * * * * * www-data php /var/www/html/wp-content/plugins/igny8/bin/worker.php --path=/var/www/html --seconds=55
 *
 * Exit status: 0 when it ran, 1 on a failure (message on stderr), 2 on bad usage.
 *
 * @package Igny8
 */

if ( 'cli' !== PHP_SAPI ) {
	exit( 2 );
}

$igny8_args = getopt( '', array( 'path:', 'seconds:', 'loop', 'help', 'url:' ) );
if ( isset( $igny8_args['help'] ) || empty( $igny8_args['path'] ) ) {
	fwrite( STDERR, "usage: php worker.php --path=/path/to/wordpress [--seconds=50] [--loop] [--url=https://site (multisite)]\n" );
	exit( isset( $igny8_args['help'] ) ? 0 : 2 );
}
$igny8_path = rtrim( $igny8_args['path'], '/' );
if ( ! is_file( $igny8_path . '/wp-load.php' ) ) {
	fwrite( STDERR, "worker.php: no WordPress at {$igny8_path} (wp-load.php not found)\n" );
	exit( 2 );
}
$igny8_seconds = isset( $igny8_args['seconds'] ) ? max( 1.0, (float) $igny8_args['seconds'] ) : 50.0;

// What wp-load.php expects of a web request.
$igny8_host = isset( $igny8_args['url'] ) ? (string) parse_url( $igny8_args['url'], PHP_URL_HOST ) : 'localhost';
$_SERVER += array(
	'HTTP_HOST'       => $igny8_host,
	'SERVER_NAME'     => $igny8_host,
	'REQUEST_URI'     => '/',
	'REQUEST_METHOD'  => 'GET',
	'SERVER_PROTOCOL' => 'HTTP/1.1',
);
define( 'DOING_CRON', true ); // Like wp-cron.php: no output buffering games, no spawning.
require $igny8_path . '/wp-load.php';

if ( ! class_exists( '\Igny8\WP\Plugin' ) ) {
	fwrite( STDERR, "worker.php: the IGNY8 plugin is not active on this site\n" );
	exit( 1 );
}
try {
	$igny8_backend = \Igny8\WP\Plugin::backend();
} catch ( \Igny8\WP\Backend_Error $e ) {
	fwrite( STDERR, 'worker.php: ' . $e->describe() . "\n" );
	exit( 1 );
}
if ( ! $igny8_backend || $igny8_backend->runs_jobs_itself() ) {
	fwrite( STDERR, "worker.php: nothing to run here: the IGNY8 extension is not loaded in this PHP (php --ri igny8), or the site uses the hosted API, which runs its own jobs\n" );
	exit( 1 );
}

do {
	try {
		$igny8_ran = $igny8_backend->runJobs( $igny8_seconds );
	} catch ( \Igny8\WP\Backend_Error $e ) {
		fwrite( STDERR, 'worker.php: ' . $e->describe() . "\n" );
		exit( 1 );
	}
	printf( "%s ran %d job(s)%s\n", gmdate( 'c' ), (int) $igny8_ran['ran'], $igny8_ran['jobs'] ? ': ' . implode( ', ', $igny8_ran['jobs'] ) : '' );
	if ( isset( $igny8_args['loop'] ) && ! $igny8_ran['ran'] ) {
		sleep( 2 );
	}
} while ( isset( $igny8_args['loop'] ) );
exit( 0 );
