<?php
/**
 * The IGNY8 lists as WordPress list tables.
 *
 * @package Igny8
 */

namespace Igny8\WP\Admin;

defined( 'ABSPATH' ) || exit;

/**
 * One `WP_List_Table` for every IGNY8 list (keywords, clusters, ideas, tasks, content, …), so they
 * behave as WordPress's own: sortable columns, row actions, a search box, Screen Options (items
 * per page, columns shown), pagination with a page field, and the responsive layout (the
 * primary column folds the others away on a phone).
 *
 * A screen describes its list in a spec (see Lists::spec()): columns, which of them sort and by
 * which IGNY8 ordering, the primary column, bulk actions, the filters it passes on, and
 * callbacks for fetching a page, printing a cell and a row's actions. Rows come from the backend
 * a page at a time; sorting, searching and paging happen in IGNY8, not in PHP.
 *
 * Two forms share the table: the bulk actions post to admin-post.php (Actions, with a nonce),
 * while search, filters, sorting and the page field belong to a GET form (`igny8-query`) by the
 * HTML `form` attribute, so a search never posts the checked rows and a bulk action never loses
 * the filters.
 */
final class List_Table extends \WP_List_Table {

	/** The GET form the search box, filters and page field belong to. */
	const QUERY_FORM = 'igny8-query';

	/** @var array The screen's spec. */
	private $spec;

	/** @var string Why the list could not be read, when it could not. */
	private $failure = '';

	public function __construct( array $spec ) {
		$this->spec = $spec;
		parent::__construct(
			array(
				'plural'   => 'igny8-' . $spec['list'],
				'singular' => 'igny8-' . $spec['list'] . '-item',
				'ajax'     => false,
				'screen'   => get_current_screen(),
			)
		);
	}

	public function get_columns() {
		$columns = $this->spec['bulk'] ? array( 'cb' => '<input type="checkbox">' ) : array();
		return $columns + $this->spec['columns'];
	}

	protected function get_table_classes() {
		return array_merge( parent::get_table_classes(), array( 'igny8-table' ) );
	}

	protected function get_sortable_columns() {
		return $this->spec['sortable'];
	}

	protected function get_default_primary_column_name() {
		return $this->spec['primary'];
	}

	/**
	 * The IGNY8 query of the current request: filters, search (`s`), ordering (`orderby`,
	 * `order`, only the columns that sort), page and page size.
	 */
	public function query(): array {
		$query = array(
			'page'      => $this->get_pagenum(),
			'page_size' => $this->get_items_per_page( Lists::per_page_option( $this->spec['list'] ), Ui::PAGE_SIZE ),
		);
		foreach ( $this->spec['filters'] as $name ) {
			$value = Ui::query( $name );
			if ( '' !== $value ) {
				$query[ $name ] = ctype_digit( $value ) ? (int) $value : $value;
			}
		}
		$search = trim( Ui::query( 's' ) );
		if ( '' !== $search ) {
			$query['search'] = $search;
		}
		$ordering = $this->ordering();
		if ( '' !== $ordering ) {
			$query['ordering'] = $ordering;
		}
		return $query;
	}

	/** `volume` / `-volume` from ?orderby=&order=, or '' for the list's own order (newest first). */
	private function ordering(): string {
		$by = Ui::query( 'orderby' );
		foreach ( $this->spec['sortable'] as $sortable ) {
			if ( $sortable[0] === $by ) {
				return ( 'desc' === strtolower( Ui::query( 'order' ) ) ? '-' : '' ) . $by;
			}
		}
		return '';
	}

	public function prepare_items() {
		$query = $this->query();
		try {
			$list  = call_user_func( $this->spec['fetch'], $query );
			$total = (int) ( $list['count'] ?? count( Ui::rows( $list ) ) );
			$last  = max( 1, (int) ceil( $total / max( 1, $query['page_size'] ) ) );
			if ( $query['page'] > $last ) {
				// A page past the end (a search narrowed the list): its last page instead.
				// get_pagenum() keeps to the last page as well, once the pagination is set.
				$query['page'] = $last;
				$list          = call_user_func( $this->spec['fetch'], $query );
			}
			$this->items = Ui::rows( $list );
		} catch ( \Igny8\WP\Backend_Error $e ) {
			$this->items   = array();
			$total         = 0;
			$this->failure = Ui::explain( $e )['message'];
		}
		$this->set_pagination_args(
			array(
				'total_items' => $total,
				'per_page'    => $query['page_size'],
				'total_pages' => max( 1, (int) ceil( $total / max( 1, $query['page_size'] ) ) ),
			)
		);
	}

	public function no_items() {
		if ( '' !== $this->failure ) {
			echo esc_html( $this->failure );
		} elseif ( '' !== Ui::query( 's' ) || array_filter( array_map( array( Ui::class, 'query' ), $this->spec['filters'] ) ) ) {
			esc_html_e( 'Nothing matches this search or these filters.', 'igny8' );
		} else {
			echo esc_html( $this->spec['empty'] );
		}
	}

	/** A row carries its id (`data-id`), for the scripts and the tests. */
	public function single_row( $item ) {
		printf( '<tr data-id="%d">', (int) $item['id'] );
		$this->single_row_columns( $item );
		echo '</tr>';
	}

	protected function column_cb( $item ) {
		/* translators: %d: a row's id */
		return sprintf( '<label class="screen-reader-text" for="igny8-cb-%1$d">%2$s</label><input type="checkbox" name="ids[]" value="%1$d" id="igny8-cb-%1$d">', (int) $item['id'], esc_html( sprintf( __( 'Select #%d', 'igny8' ), (int) $item['id'] ) ) );
	}

	protected function column_default( $item, $column_name ) {
		$html = call_user_func( $this->spec['cell'], $item, $column_name );
		return null !== $html ? $html : Lists::shared_cell( $this->spec, $item, $column_name );
	}

	protected function handle_row_actions( $item, $column_name, $primary ) {
		if ( $column_name !== $primary ) {
			return '';
		}
		$actions = empty( $this->spec['actions'] ) ? array() : call_user_func( $this->spec['actions'], $item );
		// Without actions, the phone layout's "Show more details" toggle all the same (WordPress
		// adds it only with actions): the other columns fold under the primary one.
		return $actions ? $this->row_actions( $actions ) : parent::handle_row_actions( $item, $column_name, $primary );
	}

	protected function get_bulk_actions() {
		return $this->spec['bulk'];
	}

	/**
	 * The bulk actions once, above the table, as a `bulk` select (the form's own `action` is
	 * admin-post.php's), plus the options some of them take.
	 */
	protected function bulk_actions( $which = '' ) {
		if ( 'top' !== $which || ! $this->spec['bulk'] ) {
			return;
		}
		echo '<label for="igny8-bulk" class="screen-reader-text">' . esc_html__( 'Select bulk action', 'igny8' ) . '</label>';
		Ui::bulk_actions( $this->spec['bulk'] );
	}

	protected function extra_tablenav( $which ) {
		if ( 'top' !== $which ) {
			return;
		}
		if ( ! empty( $this->spec['bulk_options'] ) ) {
			echo '<div class="alignleft actions igny8-bulk-options">';
			call_user_func( $this->spec['bulk_options'] );
			echo '</div>';
		}
		if ( ! empty( $this->spec['tablenav'] ) ) {
			echo '<div class="alignleft actions igny8-filters">';
			call_user_func( $this->spec['tablenav'] );
			echo '</div>';
		}
	}

	/**
	 * The navigation above and below the table, as WordPress's own minus its `bulk-…` nonce
	 * field: the form carries the nonce of its admin-post action (Ui::form_fields), and a
	 * second `_wpnonce` would replace it.
	 */
	protected function display_tablenav( $which ) {
		echo '<div class="tablenav ' . esc_attr( $which ) . '">';
		if ( $this->has_items() ) {
			echo '<div class="alignleft actions bulkactions">';
			$this->bulk_actions( $which );
			echo '</div>';
		}
		$this->extra_tablenav( $which );
		$this->pagination( $which );
		echo '<br class="clear"></div>';
	}

	/** The page field belongs to the GET form too (Enter in it turns the page, not a bulk action). */
	protected function pagination( $which ) {
		ob_start();
		parent::pagination( $which );
		echo str_replace( ' name="paged"', ' name="paged" form="' . self::QUERY_FORM . '"', (string) ob_get_clean() ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- WordPress's own markup, escaped by it
	}

	/**
	 * The GET form of search, filters, sorting and paging, with the search box in it; printed
	 * before the bulk form (forms can't nest). Its other fields live in the table's navigation
	 * with `form="igny8-query"`.
	 */
	public function query_form(): void {
		printf( '<form method="get" id="%s" class="igny8-query">', esc_attr( self::QUERY_FORM ) );
		printf( '<input type="hidden" name="page" value="%s">', esc_attr( 'igny8-' . $this->spec['list'] ) );
		foreach ( array( 'orderby', 'order' ) as $name ) {
			if ( '' !== Ui::query( $name ) ) {
				printf( '<input type="hidden" name="%s" value="%s">', esc_attr( $name ), esc_attr( Ui::query( $name ) ) );
			}
		}
		$id = 'igny8-search-' . $this->spec['list'];
		if ( '' === $this->spec['search'] ) {
			echo '</form>';
			return;
		}
		echo '<p class="search-box">';
		printf( '<label class="screen-reader-text" for="%s">%s</label>', esc_attr( $id ), esc_html( $this->spec['search'] ) );
		printf( '<input type="search" id="%s" name="s" value="%s"> ', esc_attr( $id ), esc_attr( Ui::query( 's' ) ) );
		submit_button( $this->spec['search'], '', '', false, array( 'id' => 'search-submit' ) );
		echo '</p></form>';
	}
}
