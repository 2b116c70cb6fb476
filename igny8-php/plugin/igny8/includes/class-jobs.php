<?php
/**
 * Background jobs: starting them, running them from WP-Cron, and the REST route the admin
 * polls for their progress.
 *
 * @package Igny8
 */

namespace Igny8\WP;

defined( 'ABSPATH' ) || exit;

/**
 * Generation never runs inside a page request: `start()` only queues a job. On the native
 * backend WP-Cron runs the queue — an every-minute event, plus a single event scheduled and
 * spawned right after a start so the job begins within a second or two — and so does
 * `bin/worker.php` from a real cron. The hosted service runs its own jobs.
 */
final class Jobs {

	const HOOK     = 'igny8_run_jobs';
	const SCHEDULE = 'igny8_every_minute';

	/** After how long a WP-Cron lock that keeps our overdue event waiting is released. */
	const STALE_LOCK_SECONDS = 5;

	/** The AI functions, in pipeline order. */
	const FUNCTIONS = array( 'auto_cluster', 'generate_ideas', 'generate_content', 'generate_image_prompts', 'generate_images' );

	public static function boot(): void {
		add_filter( 'cron_schedules', array( __CLASS__, 'cron_schedules' ) ); // phpcs:ignore WordPress.WP.CronInterval.ChangeDetected -- a minute is the job queue's tick
		add_action( self::HOOK, array( __CLASS__, 'run' ) );
		add_action( 'init', array( __CLASS__, 'schedule' ) );
		add_action( 'rest_api_init', array( __CLASS__, 'routes' ) );
	}

	public static function cron_schedules( array $schedules ): array {
		$schedules[ self::SCHEDULE ] = array(
			'interval' => MINUTE_IN_SECONDS,
			'display'  => __( 'Every minute (IGNY8 jobs)', 'igny8' ),
		);
		return $schedules;
	}

	public static function schedule(): void {
		if ( ! wp_next_scheduled( self::HOOK ) ) {
			wp_schedule_event( time(), self::SCHEDULE, self::HOOK );
		}
	}

	public static function unschedule(): void {
		wp_clear_scheduled_hook( self::HOOK );
		wp_clear_scheduled_hook( self::HOOK, array( 'now' ) );
	}

	/** How long one cron run may work on jobs, in seconds. */
	public static function seconds(): float {
		/**
		 * Filters how long one WP-Cron run works on IGNY8 jobs (default 20 s).
		 *
		 * @param float $seconds
		 */
		return (float) apply_filters( 'igny8_cron_seconds', 20.0 );
	}

	/** Queues an AI function and makes sure something runs it soon. Returns ['job', 'estimate']. */
	public static function start( Backend $backend, string $function, array $input ): array {
		$started = $backend->start( $function, $input );
		if ( ! $backend->runs_jobs_itself() ) {
			self::kick();
		}
		return $started;
	}

	/** A one-off cron event now, and a loopback request to run it (spawn_cron). */
	public static function kick(): void {
		if ( ! wp_using_ext_object_cache() ) {
			// A long-lived process (WP-CLI, a script) holds the options it read at start: the
			// cron array and the cron lock may have changed since, so read them afresh.
			wp_cache_delete( 'alloptions', 'options' );
			wp_cache_delete( 'cron', 'options' );
			wp_cache_delete( 'doing_cron', 'transient' );
		}
		$pending = wp_next_scheduled( self::HOOK, array( 'now' ) );
		if ( ! $pending ) {
			wp_schedule_single_event( time() - 1, self::HOOK, array( 'now' ) );
		} elseif ( $pending < time() - self::STALE_LOCK_SECONDS ) {
			// WordPress holds its cron lock for up to 60 s, also when the run that took it found
			// nothing due and exited at once (two spawns racing): our event then waits a minute.
			// A lock older than a few seconds while our event is still overdue is such a lock, or
			// a run busy elsewhere; let a new run start. Running IGNY8 jobs from two processes is
			// safe: a job is only ever claimed by one.
			$lock = (float) get_transient( 'doing_cron' );
			if ( $lock && $lock < microtime( true ) - self::STALE_LOCK_SECONDS ) {
				delete_transient( 'doing_cron' );
			}
		}
		spawn_cron();
	}

	/**
	 * The cron hook: runs due jobs for a while (native backend only), then starts the steps
	 * that follow finished jobs (both backends; see then()).
	 */
	public static function run(): void {
		try {
			$backend = Plugin::backend();
			if ( $backend && ! $backend->runs_jobs_itself() ) {
				$backend->runJobs( self::seconds() );
			}
			if ( $backend ) {
				self::advance_all( $backend );
			}
		} catch ( Backend_Error $e ) {
			error_log( 'IGNY8: running jobs failed: ' . $e->describe() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- for the site's PHP log; the screen says it in plain words
		}
	}

	// ---- What follows a job ------------------------------------------------------------------

	/** Option prefix of a job's follow-up: `igny8_then_{job id}`. */
	const THEN = 'igny8_then_';

	/** A follow-up not started within this long (the job never finished) is forgotten. */
	const THEN_TTL = DAY_IN_SECONDS;

	/**
	 * Illustrating articles is one step for the site owner: when job $job_id has succeeded,
	 * the plugin starts the next — after Generate articles ($then 'image_prompts') the image
	 * prompts of the articles it wrote, after those ($then 'images') the images. Started by
	 * whichever comes first, the progress box's poll or the cron tick, exactly once (claimed
	 * with an INSERT IGNORE); the box then follows the new job.
	 */
	public static function then( int $job_id, string $then ): void {
		update_option(
			self::THEN . $job_id,
			array(
				'then' => $then,
				'at'   => time(),
			),
			false
		);
	}

	/**
	 * What follows job $job (as read): ['job' => id, 'title' => …] once the next step was
	 * started, ['error' => …] when it could not be, null when nothing follows (yet).
	 */
	public static function advance( Backend $backend, array $job ): ?array {
		$id   = (int) $job['id'];
		$then = get_option( self::THEN . $id );
		if ( ! is_array( $then ) ) {
			return null;
		}
		if ( isset( $then['job'] ) || isset( $then['error'] ) ) {
			return $then;
		}
		$status = (string) ( $job['status'] ?? '' );
		if ( in_array( $status, array( 'failed', 'cancelled' ), true ) || time() - (int) $then['at'] > self::THEN_TTL ) {
			delete_option( self::THEN . $id );
			return null;
		}
		if ( 'succeeded' !== $status ) {
			return null;
		}
		if ( ! self::claim( $id ) ) {
			// Another process (the cron, another tab) is starting it this moment.
			return array( 'pending' => true );
		}
		$then = self::start_next( $backend, $job, $then );
		update_option( self::THEN . $id, $then, false );
		return $then;
	}

	/** The one process that may start job $id's follow-up (the row's insert is atomic). */
	private static function claim( int $id ): bool {
		global $wpdb;
		return 1 === (int) $wpdb->query( // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- an atomic claim needs INSERT IGNORE
			$wpdb->prepare(
				"INSERT IGNORE INTO {$wpdb->options} (option_name, option_value, autoload) VALUES (%s, %s, 'no')",
				self::THEN . $id . '_claimed',
				(string) time()
			)
		);
	}

	/** Starts the step after finished job $job; returns the follow-up as stored. */
	private static function start_next( Backend $backend, array $job, array $then ): array {
		// The cron and the REST route run outside wp-admin, where the admin helpers aren't loaded.
		require_once IGNY8_PLUGIN_DIR . 'includes/admin/class-ui.php';
		$contents = array();
		try {
			foreach ( (array) ( $job['result']['items'] ?? array() ) as $item ) {
				if ( 'image_prompts' !== $then['then'] ) {
					$contents[] = (int) ( $item['id'] ?? 0 ); // The image prompts' items are the contents.
				} elseif ( isset( $item['result']['content_id'] ) ) {
					$contents[] = (int) $item['result']['content_id'];
				} else {
					// IGNY8 keeps the full result of a job's first 200 items only: the article of
					// a later task (the item's id) is looked up.
					$found      = Admin\Ui::rows( $backend->contents( array( 'task_id' => (int) ( $item['id'] ?? 0 ), 'page_size' => 1 ) ) );
					$contents[] = (int) ( $found[0]['id'] ?? 0 );
				}
			}
			$contents = array_values( array_unique( array_filter( $contents ) ) );
			if ( ! $contents ) {
				return $then + array( 'error' => __( 'No article to illustrate.', 'igny8' ) );
			}
			if ( 'image_prompts' === $then['then'] ) {
				$started = self::start( $backend, 'generate_image_prompts', array( 'ids' => $contents ) );
				$next    = (int) $started['job']['id'];
				self::then( $next, 'images' );
				return $then + array(
					'job'   => $next,
					'title' => __( 'Writing image prompts', 'igny8' ),
				);
			}
			$images = self::waiting_images( $backend, $contents );
			if ( ! $images ) {
				return $then + array( 'error' => __( 'Every image of these articles is drawn already.', 'igny8' ) );
			}
			$started = self::start( $backend, 'generate_images', array( 'ids' => $images ) );
			return $then + array(
				'job'   => (int) $started['job']['id'],
				'title' => __( 'Drawing the images', 'igny8' ),
			);
		} catch ( Backend_Error $e ) {
			/* translators: %s: why, in plain words */
			return $then + array( 'error' => sprintf( __( 'The images were not started: %s', 'igny8' ), Admin\Ui::explain( $e )['message'] ) );
		}
	}

	/** The images of contents $contents not drawn yet (waiting, or failed). */
	public static function waiting_images( Backend $backend, array $contents ): array {
		require_once IGNY8_PLUGIN_DIR . 'includes/admin/class-ui.php';
		$images = array();
		foreach ( $contents as $content ) {
			foreach ( Admin\Ui::rows( $backend->images( array( 'content_id' => (int) $content, 'page_size' => 100 ) ) ) as $image ) {
				if ( in_array( $image['status'] ?? '', array( 'pending', 'failed' ), true ) ) {
					$images[] = (int) $image['id'];
				}
			}
		}
		return $images;
	}

	/** The cron tick's part: every follow-up whose job has finished is started. */
	public static function advance_all( Backend $backend ): void {
		global $wpdb;
		$names = $wpdb->get_col( // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- listing options by prefix has no WordPress API
			$wpdb->prepare(
				"SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s AND option_name NOT LIKE %s LIMIT 50",
				$wpdb->esc_like( self::THEN ) . '%',
				'%' . $wpdb->esc_like( '_claimed' )
			)
		);
		foreach ( $names as $name ) {
			$then = get_option( $name );
			if ( is_array( $then ) && ( isset( $then['job'] ) || isset( $then['error'] ) ) ) {
				if ( time() - (int) $then['at'] > self::THEN_TTL ) {
					delete_option( $name );
					delete_option( $name . '_claimed' );
				}
				continue;
			}
			try {
				self::advance( $backend, $backend->job( (int) substr( $name, strlen( self::THEN ) ) ) );
			} catch ( Backend_Error $e ) {
				if ( 'not_found' === $e->error_code() ) {
					delete_option( $name );
				}
			}
		}
	}

	public static function routes(): void {
		register_rest_route(
			'igny8/v1',
			'/jobs/(?P<id>\d+)',
			array(
				'methods'             => 'GET',
				'callback'            => array( __CLASS__, 'rest_job' ),
				'permission_callback' => array( __CLASS__, 'rest_allowed' ),
				'args'                => array(
					'id' => array(
						'validate_callback' => static function ( $value ) {
							return is_numeric( $value );
						},
					),
				),
			)
		);
		register_rest_route(
			'igny8/v1',
			'/jobs/(?P<id>\d+)/cancel',
			array(
				'methods'             => 'POST',
				'callback'            => array( __CLASS__, 'rest_cancel' ),
				'permission_callback' => array( __CLASS__, 'rest_allowed' ),
			)
		);
	}

	/** The admin's own requests only: the capability and the wp_rest nonce of this session. */
	public static function rest_allowed( \WP_REST_Request $request ) {
		$nonce = $request->get_header( 'X-WP-Nonce' );
		if ( ! $nonce || ! wp_verify_nonce( $nonce, 'wp_rest' ) ) {
			return new \WP_Error( 'igny8_bad_nonce', __( 'Your session has expired; reload the page.', 'igny8' ), array( 'status' => 403 ) );
		}
		return current_user_can( Plugin::CAP );
	}

	/** GET igny8/v1/jobs/{id}: the job; a queued native job gets the cron nudged again. */
	public static function rest_job( \WP_REST_Request $request ) {
		try {
			$backend = Plugin::backend();
			if ( ! $backend ) {
				return new \WP_Error( 'igny8_not_configured', __( 'IGNY8 is not connected.', 'igny8' ), array( 'status' => 503 ) );
			}
			$job = $backend->job( (int) $request['id'] );
			if ( 'queued' === $job['status'] && ! $backend->runs_jobs_itself() && ! get_transient( 'igny8_kicked' ) ) {
				set_transient( 'igny8_kicked', 1, 5 );
				self::kick();
			}
			$job['next']     = self::next_step( (string) ( $job['next_step'] ?? '' ) );
			$job['followed'] = self::advance( $backend, $job );
			return rest_ensure_response( $job );
		} catch ( Backend_Error $e ) {
			return new \WP_Error( 'igny8_' . $e->error_code(), $e->describe(), array( 'status' => $e->status() ) );
		}
	}

	/**
	 * The screen that takes the pipeline on after a job (IGNY8's `next_step`): ['label', 'url'],
	 * or null when there is none.
	 */
	public static function next_step( string $step ): ?array {
		$steps = array(
			'generate_ideas'      => array( 'clusters', __( 'Next: generate ideas for the clusters', 'igny8' ) ),
			'queue_ideas'         => array( 'ideas', __( 'Next: queue the ideas worth writing', 'igny8' ) ),
			'write_image_prompts' => array( 'content', __( 'Next: illustrate the articles', 'igny8' ) ),
			'generate_images'     => array( 'content', __( 'Next: generate the images', 'igny8' ) ),
			'publish'             => array( 'content', __( 'Next: send the articles to WordPress', 'igny8' ) ),
		);
		if ( ! isset( $steps[ $step ] ) ) {
			return null;
		}
		return array(
			'label' => $steps[ $step ][1],
			'url'   => admin_url( 'admin.php?page=igny8-' . $steps[ $step ][0] ),
		);
	}

	public static function rest_cancel( \WP_REST_Request $request ) {
		try {
			$backend = Plugin::backend();
			if ( ! $backend ) {
				return new \WP_Error( 'igny8_not_configured', __( 'IGNY8 is not connected.', 'igny8' ), array( 'status' => 503 ) );
			}
			return rest_ensure_response( $backend->cancelJob( (int) $request['id'] ) );
		} catch ( Backend_Error $e ) {
			return new \WP_Error( 'igny8_' . $e->error_code(), $e->describe(), array( 'status' => $e->status() ) );
		}
	}
}
