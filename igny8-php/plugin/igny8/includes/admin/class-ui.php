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

	/** The current page number (?paged=). */
	public static function paged(): int {
		return max( 1, absint( $_GET['paged'] ?? 1 ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
	}

	/** A GET filter value, sanitised. */
	public static function query( string $name ): string {
		return isset( $_GET[ $name ] ) ? sanitize_text_field( wp_unslash( $_GET[ $name ] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended
	}

	/** Ids checked in a bulk form (ids[]). */
	public static function posted_ids(): array {
		$ids = isset( $_POST['ids'] ) ? (array) wp_unslash( $_POST['ids'] ) : array(); // phpcs:ignore WordPress.Security.NonceVerification.Missing -- checked by the caller
		return array_values( array_filter( array_map( 'absint', $ids ) ) );
	}

	public static function posted( string $name, string $default = '' ): string {
		return isset( $_POST[ $name ] ) ? sanitize_text_field( wp_unslash( $_POST[ $name ] ) ) : $default; // phpcs:ignore WordPress.Security.NonceVerification.Missing -- checked by the caller
	}

	/** "Page x of y" links under a list. */
	public static function pagination( int $count, string $page, array $args ): void {
		$pages = max( 1, (int) ceil( $count / self::PAGE_SIZE ) );
		$now   = self::paged();
		echo '<div class="tablenav bottom"><div class="tablenav-pages"><span class="displaying-num">';
		/* translators: %s: number of items */
		echo esc_html( sprintf( _n( '%s item', '%s items', $count, 'igny8' ), number_format_i18n( $count ) ) );
		echo '</span>';
		if ( $pages > 1 ) {
			echo ' <span class="pagination-links">';
			if ( $now > 1 ) {
				printf( '<a class="prev-page button" href="%s">&lsaquo;</a> ', esc_url( self::url( $page, $args + array( 'paged' => $now - 1 ) ) ) );
			}
			/* translators: 1: current page, 2: number of pages */
			echo '<span class="paging-input">' . esc_html( sprintf( __( '%1$d of %2$d', 'igny8' ), $now, $pages ) ) . '</span>';
			if ( $now < $pages ) {
				printf( ' <a class="next-page button" href="%s">&rsaquo;</a>', esc_url( self::url( $page, $args + array( 'paged' => $now + 1 ) ) ) );
			}
			echo '</span>';
		}
		echo '</div></div>';
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

	/** A status as a coloured label. */
	public static function status( ?string $status ): string {
		return sprintf( '<span class="igny8-status igny8-status-%1$s">%2$s</span>', esc_attr( (string) $status ), esc_html( (string) $status ) );
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
				<span class="igny8-job-status igny8-status"><?php esc_html_e( 'queued', 'igny8' ); ?></span></p>
			<div class="igny8-progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><div class="igny8-progress-bar" style="width:0%"></div></div>
			<p><span class="igny8-job-phase"></span> <span class="igny8-job-message"><?php esc_html_e( 'Waiting for the background worker…', 'igny8' ); ?></span></p>
			<p class="igny8-job-result" hidden></p>
			<p><button type="button" class="button igny8-job-cancel"><?php esc_html_e( 'Cancel', 'igny8' ); ?></button>
				<a class="button button-primary igny8-job-reload" href="<?php echo esc_url( remove_query_arg( array( 'igny8_job', 'igny8_job_title' ) ) ); ?>" hidden><?php esc_html_e( 'Show the results', 'igny8' ); ?></a>
				<a class="button igny8-job-next" href="#" hidden></a></p>
		</div>
		<?php
	}
}
