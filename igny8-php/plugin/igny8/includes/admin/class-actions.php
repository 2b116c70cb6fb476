<?php
/**
 * What the screens' forms do (admin-post.php handlers): each checks the capability and its
 * nonce, calls the backend, queues a notice and redirects back.
 *
 * @package Igny8
 */

namespace Igny8\WP\Admin;

use Igny8\WP\Backend;
use Igny8\WP\Backend_Error;
use Igny8\WP\Jobs;
use Igny8\WP\Plugin;
use Igny8\WP\Publisher;

defined( 'ABSPATH' ) || exit;

final class Actions {

	public static function boot(): void {
		foreach ( array( 'keywords', 'import_keywords', 'export_keywords', 'clusters', 'ideas', 'tasks', 'contents', 'sectors', 'strategies', 'send', 'image' ) as $action ) {
			add_action( 'admin_post_igny8_' . $action, array( __CLASS__, $action ) );
		}
	}

	/** Capability, nonce and a backend, or the request ends here. */
	public static function guard( string $action, string $cap = Plugin::CAP ): Backend {
		if ( ! current_user_can( $cap ) || ! current_user_can( Plugin::CAP ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'igny8' ), 403 );
		}
		check_admin_referer( $action );
		try {
			$backend = Plugin::backend();
		} catch ( Backend_Error $e ) {
			wp_die( esc_html( $e->describe() ), 503 );
		}
		if ( ! $backend ) {
			wp_die( esc_html__( 'IGNY8 is not connected: install the extension or enter an API key in IGNY8 → Settings.', 'igny8' ), 503 );
		}
		if ( 'igny8_image' !== $action && 'igny8_export_keywords' !== $action && Plugin::read_only() ) {
			// Refused before anything is written, to WordPress or to IGNY8.
			Ui::flash( __( 'The API key in Settings can only read (viewer role), so nothing was changed. Enter a key with the editor role to do this.', 'igny8' ), 'error', array( 'url' => Ui::url( 'settings' ), 'label' => __( 'Open Settings', 'igny8' ) ) );
			wp_safe_redirect( wp_get_referer() ? wp_get_referer() : Ui::url() );
			exit;
		}
		return $backend;
	}

	/**
	 * Back to the screen $page: to the very list the form or row action was on (its search,
	 * filters, order and page) when the request came from there.
	 */
	private static function back( string $page, array $args = array() ): void {
		$target  = Ui::url( $page );
		$referer = (string) wp_get_referer();
		$query   = array();
		wp_parse_str( (string) wp_parse_url( $referer, PHP_URL_QUERY ), $query );
		if ( '' !== $referer && 'igny8-' . $page === ( $query['page'] ?? '' ) && false !== strpos( $referer, '/admin.php' ) ) {
			$target = remove_query_arg( array( 'igny8_job', 'igny8_job_title' ), $referer );
		}
		wp_safe_redirect( add_query_arg( $args, $target ) );
		exit;
	}

	/**
	 * GET: the bytes of an image the hosted service stored as a file (it has no URL a browser
	 * could load; the preview's <img> points here). 404 when there is none.
	 */
	public static function image(): void {
		$backend = self::guard( 'igny8_image' );
		$id      = isset( $_GET['id'] ) ? absint( wp_unslash( $_GET['id'] ) ) : 0;
		$tmp     = wp_tempnam( 'igny8-image' );
		try {
			$name = $id ? $backend->imageFile( array( 'id' => $id, 'has_file' => true ), $tmp ) : '';
		} catch ( Backend_Error $e ) {
			$name = '';
		}
		$type = '' !== $name ? (string) wp_check_filetype( $name )['type'] : '';
		if ( '' === $type ) {
			wp_delete_file( $tmp );
			wp_die( esc_html__( 'No such image.', 'igny8' ), 404 );
		}
		header( 'Content-Type: ' . $type );
		header( 'Content-Length: ' . filesize( $tmp ) );
		header( 'Cache-Control: private, max-age=600' );
		header( 'X-Content-Type-Options: nosniff' );
		readfile( $tmp ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_readfile -- streams the image to the browser
		wp_delete_file( $tmp );
		exit;
	}

	/** Runs $work, turning a failure into an error notice. */
	private static function attempt( callable $work ): void {
		try {
			$work();
		} catch ( Backend_Error $e ) {
			Ui::flash_error( $e );
		}
	}

	/**
	 * Queues an AI function and goes back to the page with the job's live progress box; $then
	 * names the step that follows it by itself (Jobs::then()).
	 */
	private static function start_job( Backend $backend, string $page, string $function, array $input, string $title, array $args = array(), string $then = '' ): void {
		try {
			$started  = Jobs::start( $backend, $function, $input );
			if ( '' !== $then ) {
				Jobs::then( (int) $started['job']['id'], $then );
			}
			$estimate = $started['estimate'] ?? array();
			if ( isset( $estimate['balance'] ) ) {
				/* translators: 1: credits, 2: balance */
				Ui::flash( sprintf( _n( 'Queued. Estimated cost: %1$d credit (balance %2$d).', 'Queued. Estimated cost: %1$d credits (balance %2$d).', (int) ( $estimate['credits'] ?? 0 ), 'igny8' ), (int) ( $estimate['credits'] ?? 0 ), (int) $estimate['balance'] ), 'info' );
			} else {
				/* translators: %d: credits */
				Ui::flash( sprintf( _n( 'Queued. Estimated cost: %d credit.', 'Queued. Estimated cost: %d credits.', (int) ( $estimate['credits'] ?? 0 ), 'igny8' ), (int) ( $estimate['credits'] ?? 0 ) ), 'info' );
			}
			$args += array(
				'igny8_job'       => (int) $started['job']['id'],
				'igny8_job_title' => rawurlencode( $title ),
			);
		} catch ( Backend_Error $e ) {
			Ui::flash_error( $e );
		}
		self::back( $page, $args );
	}

	private static function need_ids( string $page ): array {
		$ids = Ui::posted_ids();
		if ( ! $ids ) {
			Ui::flash( __( 'Select at least one row first.', 'igny8' ), 'warning' );
			self::back( $page );
		}
		return $ids;
	}

	private static function affected( int $n ): void {
		/* translators: %d: number of rows */
		Ui::flash( sprintf( _n( '%d row changed.', '%d rows changed.', $n, 'igny8' ), $n ) );
	}

	public static function keywords(): void {
		$backend = self::guard( 'igny8_keywords' );
		$ids     = self::need_ids( 'keywords' );
		$bulk    = Ui::posted( 'bulk' );
		switch ( $bulk ) {
			case 'auto_cluster':
				self::start_job( $backend, 'keywords', 'auto_cluster', array( 'ids' => $ids ), __( 'Clustering keywords', 'igny8' ) );
				break;
			case 'pending':
			case 'archived':
				self::attempt(
					static function () use ( $backend, $ids, $bulk ) {
						self::affected( $backend->bulkUpdateKeywords( $ids, array( 'status' => $bulk ) ) );
					}
				);
				break;
			case 'delete':
				self::attempt(
					static function () use ( $backend, $ids ) {
						self::affected( $backend->deleteKeywords( $ids ) );
					}
				);
				break;
		}
		self::back( 'keywords' );
	}

	public static function import_keywords(): void {
		$backend = self::guard( 'igny8_import_keywords' );
		$file    = $_FILES['csv'] ?? null; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- an upload, read as bytes
		if ( ! $file || UPLOAD_ERR_OK !== (int) $file['error'] || ! is_uploaded_file( $file['tmp_name'] ) ) {
			Ui::flash( __( 'Choose a CSV file to import.', 'igny8' ), 'error' );
			self::back( 'keywords' );
		}
		$csv    = (string) file_get_contents( $file['tmp_name'] ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- reads the file PHP received
		$sector = absint( Ui::posted( 'sector_id', '0' ) );
		self::attempt(
			static function () use ( $backend, $csv, $sector ) {
				$sector = $sector ? $sector : (int) $backend->info()['default_sector_id'];
				$report = $backend->importKeywords( $sector, $csv );
				/* translators: 1: imported, 2: merged, 3: rejected */
				$message = sprintf( __( 'Imported %1$d keywords, merged %2$d, rejected %3$d.', 'igny8' ), (int) $report['imported'], (int) $report['merged'], (int) $report['rejected'] );
				foreach ( array_slice( (array) ( $report['errors'] ?? array() ), 0, 5 ) as $error ) {
					/* translators: 1: line number, 2: why */
					$message .= ' ' . sprintf( __( 'Line %1$d: %2$s.', 'igny8' ), (int) $error['line'], $error['message'] );
				}
				Ui::flash( $message, $report['rejected'] ? 'warning' : 'success' );
			}
		);
		self::back( 'keywords' );
	}

	/** Streams the filtered keywords as a CSV download. */
	public static function export_keywords(): void {
		$backend = self::guard( 'igny8_export_keywords' );
		$query   = array();
		foreach ( array( 'search', 'status', 'intent', 'cluster_id' ) as $name ) {
			if ( '' !== Ui::query( $name ) ) {
				$query[ $name ] = Ui::query( $name );
			}
		}
		try {
			$csv = $backend->exportKeywords( $query );
		} catch ( Backend_Error $e ) {
			Ui::flash_error( $e );
			self::back( 'keywords' );
		}
		nocache_headers();
		header( 'Content-Type: text/csv; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="igny8-keywords-' . gmdate( 'Y-m-d' ) . '.csv"' );
		echo $csv; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- a CSV download
		exit;
	}

	/** Strategies: deleted (tasks written with one keep their articles). */
	public static function strategies(): void {
		$backend = self::guard( 'igny8_strategies' );
		$ids     = self::need_ids( 'strategies' );
		if ( 'delete' === Ui::posted( 'bulk' ) ) {
			self::attempt(
				static function () use ( $backend, $ids ) {
					self::affected( $backend->deleteStrategies( $ids ) );
				}
			);
		}
		self::back( 'strategies' );
	}

	/** Sectors: made active or inactive, or deleted with everything in them. */
	public static function sectors(): void {
		$backend = self::guard( 'igny8_sectors' );
		$ids     = self::need_ids( 'sectors' );
		$bulk    = Ui::posted( 'bulk' );
		self::attempt(
			static function () use ( $backend, $ids, $bulk ) {
				foreach ( $ids as $id ) {
					if ( 'delete' === $bulk ) {
						$backend->deleteSector( $id );
					} elseif ( in_array( $bulk, array( 'activate', 'deactivate' ), true ) ) {
						$backend->updateRecord( 'sector', $id, array( 'is_active' => 'activate' === $bulk ) );
					}
				}
				self::affected( count( $ids ) );
			}
		);
		self::back( 'sectors' );
	}

	public static function clusters(): void {
		$backend = self::guard( 'igny8_clusters' );
		$ids     = self::need_ids( 'clusters' );
		switch ( Ui::posted( 'bulk' ) ) {
			case 'generate_ideas':
				$per = max( 1, min( 10, absint( Ui::posted( 'ideas_per_cluster', '3' ) ) ) );
				self::start_job(
					$backend,
					'clusters',
					'generate_ideas',
					array(
						'ids'               => $ids,
						'ideas_per_cluster' => $per,
					),
					__( 'Generating ideas', 'igny8' )
				);
				break;
			case 'delete':
				self::attempt(
					static function () use ( $backend, $ids ) {
						self::affected( $backend->deleteClusters( $ids ) );
					}
				);
				break;
		}
		self::back( 'clusters' );
	}

	public static function ideas(): void {
		$backend = self::guard( 'igny8_ideas' );
		$ids     = self::need_ids( 'ideas' );
		switch ( Ui::posted( 'bulk' ) ) {
			case 'queue':
				self::attempt(
					static function () use ( $backend, $ids ) {
						$tasks = Ui::rows( $backend->queueIdeas( $ids ) );
						/* translators: %d: number of tasks */
						$message = sprintf( _n( '%d task added to the writer queue.', '%d tasks added to the writer queue.', count( $tasks ), 'igny8' ), count( $tasks ) );
						// What the queued ideas compete with on the site: said, not refused.
						$suggestions = array();
						foreach ( $tasks as $task ) {
							foreach ( (array) ( $task['conflicts'] ?? array() ) as $conflict ) {
								$suggestions[] = (string) ( $conflict['suggestion'] ?? '' );
							}
						}
						$suggestions = array_values( array_unique( array_filter( $suggestions ) ) );
						if ( $suggestions ) {
							$message .= ' ' . __( 'Competing pages:', 'igny8' ) . ' ' . implode( ' ', array_slice( $suggestions, 0, 3 ) );
						}
						Ui::flash( $message );
					}
				);
				break;
			case 'delete':
				self::attempt(
					static function () use ( $backend, $ids ) {
						self::affected( $backend->deleteIdeas( $ids ) );
					}
				);
				break;
		}
		self::back( 'ideas' );
	}

	public static function tasks(): void {
		$backend = self::guard( 'igny8_tasks' );
		$ids     = self::need_ids( 'tasks' );
		switch ( Ui::posted( 'bulk' ) ) {
			case 'generate_content':
				$input = array( 'ids' => $ids );
				$words = absint( Ui::posted( 'word_count', '0' ) );
				if ( $words ) {
					$input['word_count'] = $words;
				}
				if ( '' !== Ui::posted( 'tone' ) ) {
					$input['tone'] = Ui::posted( 'tone' );
				}
				// "Illustrate articles" on: the image prompts and the images follow by themselves.
				$illustrate = (bool) Pages::setting( $backend, 'images.enabled', true );
				self::start_job( $backend, 'tasks', 'generate_content', $input, __( 'Writing articles', 'igny8' ), array(), $illustrate ? 'image_prompts' : '' );
				break;
			case 'delete':
				self::attempt(
					static function () use ( $backend, $ids ) {
						self::affected( $backend->deleteTasks( $ids ) );
					}
				);
				break;
		}
		self::back( 'tasks' );
	}

	public static function contents(): void {
		$backend = self::guard( 'igny8_contents' );
		$ids     = self::need_ids( 'content' );
		$return  = absint( Ui::posted( 'return', '0' ) );
		$args    = $return ? array( 'content' => $return ) : array();
		switch ( Ui::posted( 'bulk' ) ) {
			case 'generate_image_prompts':
				// How many, their look and sizes: the account's images.* settings, filled in by IGNY8.
				$input = array( 'ids' => $ids );
				self::start_job( $backend, 'content', 'generate_image_prompts', $input, __( 'Writing image prompts', 'igny8' ), $args );
				break;
			case 'illustrate':
				// One step: the image prompts, then (Jobs::then) the images.
				self::start_job( $backend, 'content', 'generate_image_prompts', array( 'ids' => $ids ), __( 'Writing image prompts', 'igny8' ), $args, 'images' );
				break;
			case 'redraw':
				// One image again (ids[] names images here), with its prompt as it is.
				self::start_job( $backend, 'content', 'generate_images', array( 'ids' => $ids, 'regenerate' => true ), __( 'Drawing the image again', 'igny8' ), $args );
				break;
			case 'generate_images':
				$images = array();
				self::attempt(
					static function () use ( $backend, $ids, &$images ) {
						$images = Jobs::waiting_images( $backend, $ids );
					}
				);
				if ( ! $images ) {
					Ui::flash( __( 'No images waiting to be generated: write image prompts first.', 'igny8' ), 'warning' );
					break;
				}
				self::start_job( $backend, 'content', 'generate_images', array( 'ids' => $images ), __( 'Generating images', 'igny8' ), $args );
				break;
			case 'send_draft':
				if ( ! current_user_can( 'edit_posts' ) ) {
					wp_die( esc_html__( 'Sorry, you are not allowed to create posts.', 'igny8' ), 403 );
				}
				self::send_all( $backend, $ids );
				break;
			case 'delete':
				self::attempt(
					static function () use ( $backend, $ids ) {
						self::affected( $backend->deleteContents( $ids ) );
					}
				);
				break;
		}
		self::back( 'content', $args );
	}

	/**
	 * Bulk send: new posts as drafts; an existing post keeps its status (a live post stays
	 * live) and one edited in WordPress since the last send is skipped, not overwritten. One
	 * notice says what happened to each.
	 */
	private static function send_all( Backend $backend, array $ids ): void {
		$done    = array();
		$skipped = array();
		foreach ( $ids as $id ) {
			try {
				$result = Publisher::send( $backend, $id, 'draft', null, array( 'keep_status' => true ) );
				$done[] = self::sent_text( $result );
			} catch ( Backend_Error $e ) {
				if ( in_array( $e->error_code(), array( 'edited', 'conflict' ), true ) ) {
					$skipped[] = $e->getMessage();
				} else {
					Ui::flash_error( $e );
				}
			}
		}
		if ( $done ) {
			Ui::flash( implode( ' ', $done ) );
		}
		if ( $skipped ) {
			Ui::flash( __( 'Not sent:', 'igny8' ) . ' ' . implode( ' ', $skipped ), 'warning' );
		}
	}

	/**
	 * Sends one content as a draft, post or scheduled post (edit_posts; publish_posts to
	 * publish). `status=unpublish` takes a live post back to draft; `replace_edits` overwrites
	 * edits made in WordPress since the last send.
	 */
	public static function send(): void {
		$choice  = Ui::posted( 'status', 'draft' );
		$status  = 'unpublish' === $choice ? 'draft' : $choice;
		$backend = self::guard( 'igny8_send', 'draft' === $status ? 'edit_posts' : 'publish_posts' );
		$id      = absint( Ui::posted( 'content_id', '0' ) );
		$date    = Ui::posted( 'date' );
		$date    = '' !== $date ? str_replace( 'T', ' ', $date ) . ( 16 === strlen( $date ) ? ':00' : '' ) : null;
		$options = array(
			'unpublish'     => 'unpublish' === $choice,
			'replace_edits' => '1' === Ui::posted( 'replace_edits' ),
		);
		self::attempt(
			static function () use ( $backend, $id, $status, $date, $options ) {
				Ui::flash( self::sent_text( Publisher::send( $backend, $id, $status, $date, $options ) ) );
			}
		);
		self::back( 'content', array( 'content' => $id ) );
	}

	/** "Created the draft “…” (post #12)." / "Updated “…” (post #9, published)." */
	private static function sent_text( array $result ): string {
		$title = wp_strip_all_tags( get_the_title( (int) $result['post_id'] ) );
		if ( $result['created'] ) {
			/* translators: 1: post title, 2: post id, 3: post status in words */
			return sprintf( __( 'Created “%1$s” (post #%2$d, %3$s).', 'igny8' ), $title, (int) $result['post_id'], Publisher::status_label( (string) $result['status'] ) );
		}
		/* translators: 1: post title, 2: post id, 3: post status in words */
		return sprintf( __( 'Updated “%1$s” (post #%2$d, %3$s).', 'igny8' ), $title, (int) $result['post_id'], Publisher::status_label( (string) $result['status'] ) );
	}
}
