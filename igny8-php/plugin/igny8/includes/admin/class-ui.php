<?php
/**
 * Small rendering helpers shared by the admin screens (everything printed is escaped here or
 * by the caller).
 *
 * @package Igny8
 */

namespace Igny8\WP\Admin;

use Igny8\WP\Backend_Error;

defined( 'ABSPATH' ) || exit;

final class Ui {

	const PAGE_SIZE = 50;

	/** The admin URL of a plugin page (slug without the 'igny8-' prefix, '' for the dashboard). */
	public static function url( string $page = '', array $args = array() ): string {
		return add_query_arg( $args, admin_url( 'admin.php?page=' . ( '' === $page ? 'igny8' : 'igny8-' . $page ) ) );
	}

	/**
	 * Queues a notice for the next screen of this user (after a redirect); $link ['url',
	 * 'label'] is a way to fix it, $details what IGNY8 said, folded away.
	 */
	public static function flash( string $message, string $type = 'success', ?array $link = null, string $details = '' ): void {
		$key     = 'igny8_notices_' . get_current_user_id();
		$notices = get_transient( $key );
		$notices = is_array( $notices ) ? $notices : array();
		$notices[] = array( $type, $message, $link, $details );
		set_transient( $key, $notices, 5 * MINUTE_IN_SECONDS );
	}

	/** Queues an IGNY8 failure as an error notice in plain words (see explain()). */
	public static function flash_error( Backend_Error $e ): void {
		$plain = self::explain( $e );
		self::flash( $plain['message'], 'error', $plain['link'], $plain['details'] );
	}

	/**
	 * A failure as a site owner reads it: what went wrong in plain words, the screen that fixes
	 * it, and IGNY8's own words (kept, folded away, for whoever helps).
	 *
	 * @return array{message: string, link: ?array, details: string}
	 */
	public static function explain( Backend_Error $e ): array {
		$settings = array(
			'url'   => self::url( 'settings' ),
			'label' => __( 'Open IGNY8 → Settings', 'igny8' ),
		);
		$said     = $e->describe();
		switch ( $e->error_code() ) {
			case 'not_configured':
				if ( false !== stripos( $said, 'API key' ) && 'remote' === \Igny8\WP\Plugin::backend_kind() ) {
					return array(
						'message' => __( 'The IGNY8 service has no AI provider set up for your account yet. Ask the service’s operator, or add your provider’s key in your account on the service; then start this again.', 'igny8' ),
						'link'    => null,
						'details' => $said,
					);
				}
				if ( false !== stripos( $said, 'API key' ) ) {
					return array(
						'message' => __( 'IGNY8 has no AI key to use yet. Enter your OpenAI key under AI providers in Settings and press “Save and test”; then start this again.', 'igny8' ),
						'link'    => $settings,
						'details' => $said,
					);
				}
				break;
			case 'unreachable':
				return array(
					'message' => $e->getMessage(),
					'link'    => $settings,
					'details' => '',
				);
			case 'not_found':
				return array(
					'message' => __( 'That item no longer exists — it may have been deleted meanwhile. Reload the list and try again.', 'igny8' ),
					'link'    => null,
					'details' => $said,
				);
			case 'forbidden':
				return array(
					'message' => __( 'The API key in Settings may not do this: its role on the IGNY8 service is too low, or it is limited to another site. Enter a key with the editor or admin role.', 'igny8' ),
					'link'    => $settings,
					'details' => $said,
				);
			case 'unauthenticated':
				return array(
					'message' => __( 'The IGNY8 service did not accept the API key in Settings (it may have been revoked). Enter a valid key.', 'igny8' ),
					'link'    => $settings,
					'details' => $said,
				);
		}
		return array(
			'message' => $said,
			'link'    => null,
			'details' => '',
		);
	}

	/** Prints and forgets the queued notices. */
	public static function flashed(): void {
		$key     = 'igny8_notices_' . get_current_user_id();
		$notices = get_transient( $key );
		if ( ! is_array( $notices ) ) {
			return;
		}
		delete_transient( $key );
		foreach ( $notices as $notice ) {
			self::notice( (string) $notice[1], (string) $notice[0], $notice[2] ?? null, (string) ( $notice[3] ?? '' ) );
		}
	}

	public static function notice( string $message, string $type = 'info', ?array $link = null, string $details = '' ): void {
		printf( '<div class="notice notice-%1$s igny8-notice"><p>%2$s', esc_attr( $type ), esc_html( $message ) );
		if ( $link ) {
			printf( ' <a href="%s">%s</a>', esc_url( (string) $link['url'] ), esc_html( (string) $link['label'] ) );
		}
		echo '</p>';
		if ( '' !== $details ) {
			printf( '<details class="igny8-details"><summary>%s</summary><p>%s</p></details>', esc_html__( 'Details', 'igny8' ), esc_html( $details ) );
		}
		echo '</div>';
	}

	public static function error( Backend_Error $e ): void {
		$plain = self::explain( $e );
		self::notice( $plain['message'], 'error', $plain['link'], $plain['details'] );
	}

	/** The rows of a list answer (['count', 'results']) or of a plain list. */
	public static function rows( $list ): array {
		return is_array( $list ) && array_key_exists( 'results', $list ) ? (array) $list['results'] : (array) $list;
	}

	/** A GET filter value, sanitised. */
	public static function query( string $name ): string {
		return isset( $_GET[ $name ] ) ? sanitize_text_field( wp_unslash( $_GET[ $name ] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only reads what the screen shows; nothing is changed
	}

	/**
	 * Ids checked in a bulk form (ids[]), or the one row of a row action (a link with the
	 * same fields and nonce).
	 */
	public static function posted_ids(): array {
		$ids = isset( $_REQUEST['ids'] ) ? (array) wp_unslash( $_REQUEST['ids'] ) : array(); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- checked by the caller
		return array_values( array_filter( array_map( 'absint', $ids ) ) );
	}

	/** A field of a form (or of a row action's link), sanitised. */
	public static function posted( string $name, string $default = '' ): string {
		return isset( $_REQUEST[ $name ] ) ? sanitize_text_field( wp_unslash( $_REQUEST[ $name ] ) ) : $default; // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- checked by the caller
	}

	/**
	 * A row action: a link doing what the bulk action $bulk does to the one row $id, with the
	 * list form's nonce; $confirm, when given, is asked first (igny8-admin.js).
	 */
	public static function row_action( string $form, string $bulk, int $id, string $label, string $confirm = '', array $extra = array() ): string {
		$url = wp_nonce_url(
			add_query_arg(
				array(
					'action' => $form,
					'bulk'   => $bulk,
					'ids[]'  => $id,
				) + $extra,
				admin_url( 'admin-post.php' )
			),
			$form
		);
		return sprintf(
			'<a href="%s" class="igny8-row-%s"%s>%s</a>',
			esc_url( $url ),
			esc_attr( $bulk ),
			'' !== $confirm ? ' data-igny8-confirm="' . esc_attr( $confirm ) . '"' : '',
			esc_html( $label )
		);
	}

	/** A plain link for a row's actions. */
	public static function link( string $url, string $label, string $class = '' ): string {
		return sprintf( '<a href="%s"%s>%s</a>', esc_url( $url ), '' !== $class ? ' class="' . esc_attr( $class ) . '"' : '', esc_html( $label ) );
	}

	/**
	 * A list table with a checkbox per row. $columns: key => label; $cell(row, key) returns the
	 * cell's already-escaped HTML.
	 */
	public static function table( string $id, array $columns, array $rows, callable $cell ): void {
		printf( '<table class="wp-list-table widefat fixed striped igny8-table" id="%s"><thead><tr>', esc_attr( $id ) );
		echo '<td class="manage-column column-cb check-column"><input type="checkbox" class="igny8-check-all" aria-label="' . esc_attr__( 'Select all', 'igny8' ) . '"></td>';
		foreach ( $columns as $key => $label ) {
			printf( '<th scope="col" class="manage-column column-%s">%s</th>', esc_attr( $key ), esc_html( $label ) );
		}
		echo '</tr></thead><tbody>';
		if ( ! $rows ) {
			printf( '<tr class="no-items"><td class="colspanchange" colspan="%d">%s</td></tr>', count( $columns ) + 1, esc_html__( 'Nothing here yet.', 'igny8' ) );
		}
		foreach ( $rows as $row ) {
			printf( '<tr data-id="%d"><th scope="row" class="check-column"><input type="checkbox" name="ids[]" value="%d"></th>', (int) $row['id'], (int) $row['id'] );
			foreach ( array_keys( $columns ) as $key ) {
				echo '<td class="column-' . esc_attr( $key ) . '">' . $cell( $row, $key ) . '</td>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the callback escapes
			}
			echo '</tr>';
		}
		echo '</tbody></table>';
	}

	/** A scalar for a cell, escaped; lists are joined with commas. */
	public static function text( $value ): string {
		if ( is_array( $value ) ) {
			$value = implode( ', ', array_map( 'strval', array_filter( $value, 'is_scalar' ) ) );
		}
		if ( null === $value || '' === $value ) {
			return '<span class="igny8-none">—</span>';
		}
		if ( is_bool( $value ) ) {
			$value = $value ? __( 'yes', 'igny8' ) : __( 'no', 'igny8' );
		}
		return esc_html( (string) $value );
	}

	/**
	 * A status as a coloured label in words ("In progress", not `in_progress`); $of names what
	 * has the status where the same word means something else ('task', 'idea').
	 */
	public static function status( ?string $status, string $of = '' ): string {
		return sprintf( '<span class="igny8-status igny8-status-%1$s">%2$s</span>', esc_attr( (string) $status ), esc_html( self::label( (string) $status, $of ) ) );
	}

	/** Choices for a select: each value => its words (label(), $of its context). */
	public static function labels( array $values, string $of = '' ): array {
		$out = array();
		foreach ( $values as $value ) {
			$out[ $value ] = self::label( $value, $of );
		}
		return $out;
	}

	/**
	 * An IGNY8 value as a site owner reads it: `generate_image_prompts` is "Write image
	 * prompts", `in_article` "In-article image", a task that is `queued` "Ready to write" (it
	 * waits for *Generate articles*; nothing runs until then). Unknown values: the words of the
	 * value, capitalised.
	 */
	public static function label( string $value, string $of = '' ): string {
		$special = array(
			'task:queued'     => __( 'Ready to write', 'igny8' ),
			'task:done'       => __( 'Written', 'igny8' ),
			'task:in_progress' => __( 'Writing…', 'igny8' ),
			'idea:queued'     => __( 'In the writer queue', 'igny8' ),
			'idea:done'       => __( 'Written', 'igny8' ),
			'job:publish'     => __( 'Publish to WordPress', 'igny8' ),
		);
		if ( isset( $special[ $of . ':' . $value ] ) ) {
			return $special[ $of . ':' . $value ];
		}
		$labels = array(
			// Providers.
			'openai'                 => __( 'OpenAI', 'igny8' ),
			'runware'                => __( 'Runware', 'igny8' ),
			// Statuses.
			'pending'                => __( 'Pending', 'igny8' ),
			'clustered'              => __( 'Clustered', 'igny8' ),
			'archived'               => __( 'Archived', 'igny8' ),
			'active'                 => __( 'Active', 'igny8' ),
			'new'                    => __( 'New', 'igny8' ),
			'queued'                 => __( 'Queued', 'igny8' ),
			'running'                => __( 'Running', 'igny8' ),
			'in_progress'            => __( 'In progress', 'igny8' ),
			'done'                   => __( 'Done', 'igny8' ),
			'succeeded'              => __( 'Succeeded', 'igny8' ),
			'failed'                 => __( 'Failed', 'igny8' ),
			'cancelled'              => __( 'Cancelled', 'igny8' ),
			'draft'                  => __( 'Draft', 'igny8' ),
			'review'                 => __( 'In review', 'igny8' ),
			'published'              => __( 'Published', 'igny8' ),
			'publish'                => __( 'Published', 'igny8' ),
			'future'                 => __( 'Scheduled', 'igny8' ),
			'private'                => __( 'Private', 'igny8' ),
			'trash'                  => __( 'In the trash', 'igny8' ),
			'generating'             => __( 'Generating', 'igny8' ),
			'generated'              => __( 'Generated', 'igny8' ),
			// AI functions and jobs.
			'auto_cluster'           => __( 'Cluster with AI', 'igny8' ),
			'local_cluster'          => __( 'Cluster (local)', 'igny8' ),
			'generate_ideas'         => __( 'Generate ideas', 'igny8' ),
			'generate_content'       => __( 'Write articles', 'igny8' ),
			'generate_image_prompts' => __( 'Write image prompts', 'igny8' ),
			'generate_images'        => __( 'Generate images', 'igny8' ),
			'import_keywords'        => __( 'Import keywords', 'igny8' ),
			'automation_run'         => __( 'Automation run', 'igny8' ),
			'sync_links'             => __( 'Read the site’s pages', 'igny8' ),
			// Images.
			'featured'               => __( 'Featured image', 'igny8' ),
			'in_article'             => __( 'In-article image', 'igny8' ),
			// Article shapes.
			'how_to'                 => __( 'How-to', 'igny8' ),
			'cluster_hub'            => __( 'Cluster hub', 'igny8' ),
			'faq'                    => __( 'FAQ', 'igny8' ),
		);
		if ( isset( $labels[ $value ] ) ) {
			return $labels[ $value ];
		}
		return ucfirst( str_replace( '_', ' ', $value ) );
	}

	/**
	 * A time IGNY8 gave (ISO 8601, UTC) in the site's time zone and date format: "3 hours ago"
	 * within a day, else the date and time; the full date on hover.
	 */
	public static function date( $iso ): string {
		$time = is_string( $iso ) && '' !== $iso ? strtotime( $iso ) : false;
		if ( false === $time ) {
			return self::text( null );
		}
		$full = wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $time );
		$ago  = time() - $time;
		/* translators: %s: a time span, e.g. "3 hours" */
		$shown = $ago >= 0 && $ago < DAY_IN_SECONDS ? sprintf( __( '%s ago', 'igny8' ), human_time_diff( $time ) ) : $full;
		return sprintf( '<time datetime="%s" title="%s">%s</time>', esc_attr( gmdate( 'c', $time ) ), esc_attr( (string) $full ), esc_html( (string) $shown ) );
	}

	/** A select of bulk actions plus its Apply button. */
	public static function bulk_actions( array $actions, string $name = 'bulk' ): void {
		printf( '<select name="%1$s" id="igny8-%1$s"><option value="">%2$s</option>', esc_attr( $name ), esc_html__( 'Bulk actions', 'igny8' ) );
		foreach ( $actions as $value => $label ) {
			printf( '<option value="%s">%s</option>', esc_attr( $value ), esc_html( $label ) );
		}
		echo '</select> ';
		submit_button( __( 'Apply', 'igny8' ), 'action', 'apply', false );
	}

	/** The hidden fields of a form posted to admin-post.php: its action and its nonce. */
	public static function form_fields( string $action ): void {
		printf( '<input type="hidden" name="action" value="%s">', esc_attr( $action ) );
		wp_nonce_field( $action );
	}

	/**
	 * The live progress box of a job; igny8-admin.js polls igny8/v1/jobs/{id} and fills it in.
	 */
	public static function job_box( int $job_id, string $title = '' ): void {
		?>
		<div class="igny8-job notice notice-info" data-job="<?php echo (int) $job_id; ?>">
			<p class="igny8-job-title"><strong><?php echo esc_html( '' !== $title ? $title : __( 'Job', 'igny8' ) ); ?> #<?php echo (int) $job_id; ?></strong>
				<span class="igny8-job-status igny8-status"><?php esc_html_e( 'Waiting', 'igny8' ); ?></span></p>
			<div class="igny8-progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><div class="igny8-progress-bar" style="width:0%"></div></div>
			<p><span class="igny8-job-phase"></span> <span class="igny8-job-message"><?php esc_html_e( 'Waiting for the background worker…', 'igny8' ); ?></span></p>
			<ul class="igny8-job-done" hidden></ul>
			<p class="igny8-job-result" hidden></p>
			<p><button type="button" class="button igny8-job-cancel"><?php esc_html_e( 'Cancel', 'igny8' ); ?></button>
				<a class="button button-primary igny8-job-reload" href="<?php echo esc_url( remove_query_arg( array( 'igny8_job', 'igny8_job_title' ) ) ); ?>" hidden><?php esc_html_e( 'Show the results', 'igny8' ); ?></a>
				<a class="button igny8-job-next" href="#" hidden></a></p>
		</div>
		<?php
	}
}
