<?php
/**
 * The lists — keywords, clusters, ideas, writer queue, content, sectors, strategies, the credit
 * ledger — as specs for List_Table.
 *
 * @package Igny8
 */

namespace Igny8\WP\Admin;

use Igny8\WP\Backend;
use Igny8\WP\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * What each list shows and offers. A spec (see List_Table) is plain data plus callbacks; the
 * callbacks read through the Backend only, so both backends show the same lists.
 */
final class Lists {

	/** The lists, by screen slug: the admin-post action their bulk form posts to. */
	const FORMS = array(
		'keywords' => 'igny8_keywords',
		'clusters' => 'igny8_clusters',
		'ideas'    => 'igny8_ideas',
		'tasks'    => 'igny8_tasks',
		'content'  => 'igny8_contents',
		'sectors'  => 'igny8_sectors',
		'credits'  => 'igny8_credits',
		'strategies' => 'igny8_strategies',
	);

	/**
	 * At `load-{page}`: Screen Options for the list (items per page; the columns, which
	 * WordPress offers once it knows them) and the columns hidden until a user shows them.
	 */
	public static function load( string $slug ): void {
		if ( ! isset( self::FORMS[ $slug ] ) ) {
			return;
		}
		self::require_table();
		add_screen_option(
			'per_page',
			array(
				'label'   => __( 'Items per page', 'igny8' ),
				'default' => Ui::PAGE_SIZE,
				'option'  => self::per_page_option( $slug ),
			)
		);
		$spec    = self::spec( $slug, null );
		$columns = $spec['columns'];
		$screen  = get_current_screen();
		// No checkboxes where there is no bulk action (the ledger; a viewer's key).
		$check = Plugin::read_only() || ! $spec['bulk'] ? array() : array( 'cb' => '<input type="checkbox">' );
		add_filter(
			'manage_' . $screen->id . '_columns',
			static function () use ( $columns, $check ) {
				return $check + $columns;
			}
		);
		// The date a row was made is hidden until asked for, unless it is what the list is of
		// (the ledger's entries, whose date is the primary column).
		$hide = 'created_at' === $spec['primary'] ? array() : array( 'created_at' );
		add_filter(
			'default_hidden_columns',
			static function ( $hidden, $for ) use ( $screen, $hide ) {
				return $for->id === $screen->id ? $hide : $hidden;
			},
			10,
			2
		);
	}

	/** Items per page (Screen Options) at most. */
	const PER_PAGE_MAX = 200;

	/** Screen Options' page sizes are saved (WordPress does so before any screen loads). */
	public static function boot(): void {
		foreach ( array_keys( self::FORMS ) as $slug ) {
			add_filter( 'set_screen_option_' . self::per_page_option( $slug ), array( __CLASS__, 'save_per_page' ), 10, 3 );
		}
	}

	/** The user option (Screen Options) that holds list $slug's page size. */
	public static function per_page_option( string $slug ): string {
		return 'igny8_' . $slug . '_per_page';
	}

	/** Screen Options' value, within 1 and PER_PAGE_MAX; WordPress stores what this returns. */
	public static function save_per_page( $status, $option, $value ) {
		$value = absint( $value );
		return $value >= 1 ? min( self::PER_PAGE_MAX, $value ) : $status;
	}

	private static function require_table(): void {
		if ( ! class_exists( '\WP_List_Table' ) ) {
			require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
		}
		require_once IGNY8_PLUGIN_DIR . 'includes/admin/class-list-table.php';
	}

	/** Prints the list $slug: search box, filters, bulk actions, the table, its pages. */
	public static function render( string $slug, Backend $backend ): void {
		self::require_table();
		$table = new List_Table( self::spec( $slug, $backend ) );
		$table->prepare_items();
		$table->query_form();
		printf( '<form method="post" action="%s" class="igny8-bulk" id="igny8-bulk-form">', esc_url( admin_url( 'admin-post.php' ) ) );
		Ui::form_fields( self::FORMS[ $slug ] );
		$table->display();
		echo '</form>';
	}

	/** The spec of list $slug; without a backend only its columns are meant to be read. */
	public static function spec( string $slug, ?Backend $backend ): array {
		$spec = call_user_func( array( __CLASS__, $slug ), $backend );
		if ( $backend && Plugin::read_only() ) {
			// A key that may only read: no bulk action, and of a row's actions only its links.
			$spec['bulk']         = array();
			$spec['bulk_options'] = null;
			$actions              = $spec['actions'] ?? null;
			$spec['actions']      = ! $actions ? null : static function ( array $row ) use ( $actions ): array {
				return array_filter(
					call_user_func( $actions, $row ),
					static function ( string $html ): bool {
						return false === strpos( $html, 'igny8-row-' );
					}
				);
			};
		}
		return $spec + array(
			'list'         => $slug,
			'filters'      => array(),
			'sortable'     => array(),
			'bulk'         => array(),
			'bulk_options' => null,
			'tablenav'     => null,
			'actions'      => null,
			'numbers'      => array(),
			'status_of'    => '',
			'search'       => __( 'Search', 'igny8' ),
			'empty'        => __( 'Nothing here yet.', 'igny8' ),
		);
	}

	/**
	 * A cell the list's own `cell` callback leaves to the lists (it returns null): dates in the
	 * site's format, statuses in words (`status_of` their context), `is_active` as Active or
	 * Inactive, the spec's `numbers` as numbers, anything else as text.
	 */
	public static function shared_cell( array $spec, array $row, string $key ): string {
		switch ( $key ) {
			case 'created_at':
			case 'updated_at':
				return Ui::date( $row[ $key ] ?? null );
			case 'status':
				return Ui::status( $row['status'] ?? '', $spec['status_of'] );
			case 'is_active':
				return Ui::status( ! empty( $row['is_active'] ) ? 'active' : 'inactive' );
		}
		return in_array( $key, $spec['numbers'], true ) ? self::number( $row[ $key ] ?? null ) : Ui::text( $row[ $key ] ?? null );
	}

	// ---- Shared pieces -----------------------------------------------------------------------

	/** A filter select of the GET form (`form="igny8-query"`), with "Any …" first. */
	private static function select( string $name, array $options, string $any ): void {
		$current = Ui::query( $name );
		printf( '<label class="screen-reader-text" for="igny8-filter-%1$s">%2$s</label><select name="%1$s" id="igny8-filter-%1$s" form="%3$s"><option value="">%2$s</option>', esc_attr( $name ), esc_html( $any ), esc_attr( List_Table::QUERY_FORM ) );
		foreach ( $options as $value => $label ) {
			printf( '<option value="%s"%s>%s</option>', esc_attr( (string) $value ), selected( (string) $value, $current, false ), esc_html( (string) $label ) );
		}
		echo '</select> ';
	}

	/** The Filter button of the GET form. */
	private static function filter_button(): void {
		printf( '<button type="submit" class="button" id="igny8-filter-submit" form="%s">%s</button>', esc_attr( List_Table::QUERY_FORM ), esc_html__( 'Filter', 'igny8' ) );
	}

	/** A tablenav of the status filter alone: $values in words ($of as in Ui::label()). */
	private static function status_filter( array $values, string $of = '' ): callable {
		return static function () use ( $values, $of ) {
			self::select( 'status', Ui::labels( $values, $of ), __( 'Any status', 'igny8' ) );
			self::filter_button();
		};
	}

	/** id => name of the site's clusters, read once per request. */
	private static function cluster_names( ?Backend $backend ): array {
		static $names = null;
		if ( null === $names && $backend ) {
			$names = array();
			foreach ( Ui::rows( $backend->clusters( array( 'page_size' => 1000 ) ) ) as $cluster ) {
				$names[ (int) $cluster['id'] ] = $cluster['name'];
			}
		}
		return (array) $names;
	}

	private static function cluster_cell( ?Backend $backend, $id ): string {
		$name = self::cluster_names( $backend )[ (int) $id ] ?? null;
		return null === $name ? Ui::text( null ) : Ui::link( Ui::url( 'keywords', array( 'cluster_id' => (int) $id ) ), $name );
	}

	private static function number( $value ): string {
		return null === $value || '' === $value ? Ui::text( null ) : esc_html( number_format_i18n( (float) $value, is_float( $value ) ? 2 : 0 ) );
	}

	/** "Delete “…” permanently? This cannot be undone." */
	private static function confirm_delete( string $name ): string {
		/* translators: %s: the name of what is deleted */
		return sprintf( __( 'Delete “%s” permanently? This cannot be undone.', 'igny8' ), $name );
	}

	// ---- Keywords ----------------------------------------------------------------------------

	private static function keywords( ?Backend $backend ): array {
		return array(
			'columns'  => array(
				'keyword'    => __( 'Keyword', 'igny8' ),
				'volume'     => __( 'Volume', 'igny8' ),
				'difficulty' => __( 'Difficulty', 'igny8' ),
				'cpc'        => __( 'CPC', 'igny8' ),
				'intent'     => __( 'Intent', 'igny8' ),
				'status'     => __( 'Status', 'igny8' ),
				'cluster_id' => __( 'Cluster', 'igny8' ),
				'created_at' => __( 'Added', 'igny8' ),
			),
			'numbers'  => array( 'volume', 'difficulty', 'cpc' ),
			'sortable' => array(
				'keyword'    => array( 'keyword', false ),
				'volume'     => array( 'volume', true ),
				'difficulty' => array( 'difficulty', true ),
				'cpc'        => array( 'cpc', true ),
				'created_at' => array( 'created_at', true ),
			),
			'primary'  => 'keyword',
			'filters'  => array( 'status', 'intent', 'cluster_id' ),
			'search'   => __( 'Search keywords', 'igny8' ),
			'empty'    => __( 'No keywords yet. Import a CSV below to start.', 'igny8' ),
			'bulk'     => array(
				'auto_cluster' => __( 'Cluster with AI', 'igny8' ),
				'pending'      => __( 'Mark as pending', 'igny8' ),
				'archived'     => __( 'Archive', 'igny8' ),
				'delete'       => __( 'Delete permanently', 'igny8' ),
			),
			'fetch'    => static function ( array $query ) use ( $backend ) {
				return $backend->keywords( $query );
			},
			'cell'     => static function ( array $row, string $key ) use ( $backend ) {
				switch ( $key ) {
					case 'keyword':
						return '<strong>' . esc_html( (string) $row['keyword'] ) . '</strong>';
					case 'intent':
						return isset( $row['intent'] ) ? esc_html( Ui::label( (string) $row['intent'] ) ) : Ui::text( null );
					case 'cluster_id':
						return self::cluster_cell( $backend, $row['cluster_id'] ?? 0 );
				}
				return null;
			},
			'actions'  => static function ( array $row ) {
				$id      = (int) $row['id'];
				$actions = array( 'edit' => Forms::edit_link( 'keywords', $id ) );
				if ( 'pending' === ( $row['status'] ?? '' ) ) {
					$actions['auto_cluster'] = Ui::row_action( 'igny8_keywords', 'auto_cluster', $id, __( 'Cluster with AI', 'igny8' ) );
				}
				if ( 'archived' === ( $row['status'] ?? '' ) ) {
					$actions['pending'] = Ui::row_action( 'igny8_keywords', 'pending', $id, __( 'Restore', 'igny8' ) );
				} else {
					$actions['archived'] = Ui::row_action( 'igny8_keywords', 'archived', $id, __( 'Archive', 'igny8' ) );
				}
				$actions['delete'] = Ui::row_action( 'igny8_keywords', 'delete', $id, __( 'Delete permanently', 'igny8' ), self::confirm_delete( (string) $row['keyword'] ) );
				return $actions;
			},
			'tablenav' => static function () use ( $backend ) {
				self::select( 'status', Ui::labels( array( 'pending', 'clustered', 'archived' ) ), __( 'Any status', 'igny8' ) );
				self::select( 'intent', Ui::labels( array( 'informational', 'navigational', 'commercial', 'transactional' ) ), __( 'Any intent', 'igny8' ) );
				self::select( 'cluster_id', self::cluster_names( $backend ), __( 'Any cluster', 'igny8' ) );
				self::filter_button();
				$filters = array();
				foreach ( array( 'status', 'intent', 'cluster_id' ) as $name ) {
					if ( '' !== Ui::query( $name ) ) {
						$filters[ $name ] = Ui::query( $name );
					}
				}
				if ( '' !== Ui::query( 's' ) ) {
					$filters['search'] = Ui::query( 's' );
				}
				$export = wp_nonce_url( add_query_arg( array( 'action' => 'igny8_export_keywords' ) + $filters, admin_url( 'admin-post.php' ) ), 'igny8_export_keywords' );
				printf( ' <a class="button igny8-export" href="%s">%s</a>', esc_url( $export ), esc_html__( 'Export CSV', 'igny8' ) );
			},
		);
	}

	// ---- Clusters ----------------------------------------------------------------------------

	private static function clusters( ?Backend $backend ): array {
		$per_cluster = $backend ? (int) Pages::setting( $backend, 'ideas.per_cluster', 3 ) : 3;
		return array(
			'columns'      => array(
				'name'          => __( 'Cluster', 'igny8' ),
				'keyword_count' => __( 'Keywords', 'igny8' ),
				'total_volume'  => __( 'Volume', 'igny8' ),
				'idea_count'    => __( 'Ideas', 'igny8' ),
				'status'        => __( 'Status', 'igny8' ),
				'updated_at'    => __( 'Updated', 'igny8' ),
				'created_at'    => __( 'Made', 'igny8' ),
			),
			'numbers'      => array( 'keyword_count', 'total_volume', 'idea_count' ),
			'sortable'     => array(
				'name'       => array( 'name', false ),
				'updated_at' => array( 'updated_at', true ),
				'created_at' => array( 'created_at', true ),
			),
			'primary'      => 'name',
			'filters'      => array( 'status' ),
			'search'       => __( 'Search clusters', 'igny8' ),
			'empty'        => __( 'No clusters yet. On Keywords, select keywords and choose “Cluster with AI”.', 'igny8' ),
			'bulk'         => array(
				'generate_ideas' => __( 'Generate ideas', 'igny8' ),
				'delete'         => __( 'Delete permanently', 'igny8' ),
			),
			'bulk_options' => static function () use ( $per_cluster ) {
				printf( '<label>%s <input type="number" name="ideas_per_cluster" min="1" max="10" value="%d" class="small-text"></label>', esc_html__( 'Ideas per cluster', 'igny8' ), (int) $per_cluster );
			},
			'fetch'        => static function ( array $query ) use ( $backend ) {
				return $backend->clusters( $query );
			},
			'cell'         => static function ( array $row, string $key ) {
				switch ( $key ) {
					case 'name':
						return '<strong>' . Ui::link( Ui::url( 'keywords', array( 'cluster_id' => (int) $row['id'] ) ), (string) $row['name'] ) . '</strong><br><span class="description">' . esc_html( (string) ( $row['description'] ?? '' ) ) . '</span>';
				}
				return null;
			},
			'actions'      => static function ( array $row ) use ( $per_cluster ) {
				$id = (int) $row['id'];
				return array(
					'edit'           => Forms::edit_link( 'clusters', $id ),
					'keywords'       => Ui::link( Ui::url( 'keywords', array( 'cluster_id' => $id ) ), __( 'Keywords', 'igny8' ) ),
					'ideas'          => Ui::link( Ui::url( 'ideas', array( 'cluster_id' => $id ) ), __( 'Ideas', 'igny8' ) ),
					'generate_ideas' => Ui::row_action( 'igny8_clusters', 'generate_ideas', $id, __( 'Generate ideas', 'igny8' ), '', array( 'ideas_per_cluster' => $per_cluster ) ),
					'delete'         => Ui::row_action( 'igny8_clusters', 'delete', $id, __( 'Delete permanently', 'igny8' ), self::confirm_delete( (string) $row['name'] ) ),
				);
			},
			'tablenav'     => self::status_filter( array( 'active', 'archived' ) ),
		);
	}

	// ---- Ideas -------------------------------------------------------------------------------

	private static function ideas( ?Backend $backend ): array {
		return array(
			'columns'  => array(
				'title'                => __( 'Idea', 'igny8' ),
				'cluster_id'           => __( 'Cluster', 'igny8' ),
				'content_structure'    => __( 'Structure', 'igny8' ),
				'estimated_word_count' => __( 'Words', 'igny8' ),
				'target_keywords'      => __( 'Keywords', 'igny8' ),
				'status'               => __( 'Status', 'igny8' ),
				'created_at'           => __( 'Made', 'igny8' ),
			),
			'sortable'  => array(
				'title'      => array( 'title', false ),
				'created_at' => array( 'created_at', true ),
			),
			'numbers'   => array( 'estimated_word_count' ),
			'status_of' => 'idea',
			'primary'   => 'title',
			'filters'   => array( 'status', 'cluster_id' ),
			'search'    => __( 'Search ideas', 'igny8' ),
			'empty'    => __( 'No ideas yet. On Clusters, select clusters and choose “Generate ideas”.', 'igny8' ),
			'bulk'     => array(
				'queue'  => __( 'Queue to writer', 'igny8' ),
				'delete' => __( 'Delete permanently', 'igny8' ),
			),
			'fetch'    => static function ( array $query ) use ( $backend ) {
				return $backend->ideas( $query );
			},
			'cell'     => static function ( array $row, string $key ) use ( $backend ) {
				switch ( $key ) {
					case 'title':
						return '<strong>' . esc_html( (string) $row['title'] ) . '</strong><br><span class="description">' . esc_html( wp_trim_words( (string) ( $row['description'] ?? '' ), 30 ) ) . '</span>' . self::outline( (array) ( $row['outline'] ?? array() ) );
					case 'cluster_id':
						return self::cluster_cell( $backend, $row['cluster_id'] ?? 0 );
					case 'content_structure':
						return esc_html( Ui::label( (string) ( $row['content_structure'] ?? '' ) ) );
				}
				return null;
			},
			'actions'  => static function ( array $row ) {
				$id      = (int) $row['id'];
				$actions = array( 'edit' => Forms::edit_link( 'ideas', $id ) );
				if ( 'new' === ( $row['status'] ?? '' ) ) {
					$actions['queue'] = Ui::row_action( 'igny8_ideas', 'queue', $id, __( 'Queue to writer', 'igny8' ) );
				} else {
					$actions['tasks'] = Ui::link( Ui::url( 'tasks', array( 'idea_id' => $id ) ), __( 'Its task', 'igny8' ) );
				}
				$actions['delete'] = Ui::row_action( 'igny8_ideas', 'delete', $id, __( 'Delete permanently', 'igny8' ), self::confirm_delete( (string) $row['title'] ) );
				return $actions;
			},
			'tablenav' => static function () use ( $backend ) {
				self::select( 'status', Ui::labels( array( 'new', 'queued', 'done' ), 'idea' ), __( 'Any status', 'igny8' ) );
				self::select( 'cluster_id', self::cluster_names( $backend ), __( 'Any cluster', 'igny8' ) );
				self::filter_button();
			},
		);
	}

	/** An idea's outline, folded: its sections and their subsections. */
	private static function outline( array $sections ): string {
		if ( ! $sections ) {
			return '';
		}
		/* translators: %d: number of sections */
		$html = '<details class="igny8-outline"><summary>' . esc_html( sprintf( _n( 'Outline (%d section)', 'Outline (%d sections)', count( $sections ), 'igny8' ), count( $sections ) ) ) . '</summary><ol>';
		foreach ( $sections as $section ) {
			$html .= '<li>' . esc_html( (string) ( $section['heading'] ?? '' ) );
			if ( '' !== (string) ( $section['notes'] ?? '' ) ) {
				$html .= '<br><span class="description">' . esc_html( (string) $section['notes'] ) . '</span>';
			}
			$subsections = array_filter( array_map( 'strval', (array) ( $section['subsections'] ?? array() ) ) );
			if ( $subsections ) {
				$html .= '<ul>';
				foreach ( $subsections as $subsection ) {
					$html .= '<li>' . esc_html( $subsection ) . '</li>';
				}
				$html .= '</ul>';
			}
			$html .= '</li>';
		}
		return $html . '</ol></details>';
	}

	// ---- Writer queue ------------------------------------------------------------------------

	private static function tasks( ?Backend $backend ): array {
		return array(
			'columns'      => array(
				'title'             => __( 'Task', 'igny8' ),
				'keywords'          => __( 'Keywords', 'igny8' ),
				'target_word_count' => __( 'Target words', 'igny8' ),
				'status'            => __( 'Status', 'igny8' ),
				'updated_at'        => __( 'Updated', 'igny8' ),
				'created_at'        => __( 'Queued', 'igny8' ),
			),
			'sortable'     => array(
				'title'             => array( 'title', false ),
				'target_word_count' => array( 'target_word_count', true ),
				'created_at'        => array( 'created_at', true ),
			),
			'numbers'      => array( 'target_word_count' ),
			'status_of'    => 'task',
			'primary'      => 'title',
			'filters'      => array( 'status', 'cluster_id', 'idea_id' ),
			'search'       => __( 'Search tasks', 'igny8' ),
			'empty'        => __( 'The writer queue is empty. On Ideas, select ideas and choose “Queue to writer”.', 'igny8' ),
			'bulk'         => array(
				'generate_content' => __( 'Generate articles', 'igny8' ),
				'delete'           => __( 'Delete permanently', 'igny8' ),
			),
			// Left empty, each task keeps its own length, and its author profile's tone (else the
			// account's) applies: only what is typed here overrides them.
			'bulk_options' => static function () {
				printf( '<label>%s <input type="number" name="word_count" min="100" max="20000" step="50" value="" title="%s" class="small-text"></label>', esc_html__( 'Words', 'igny8' ), esc_attr__( 'Empty: each task\'s own target length', 'igny8' ) );
				printf( ' <label>%s <input type="text" name="tone" value="" title="%s" class="regular-text igny8-short"></label>', esc_html__( 'Tone', 'igny8' ), esc_attr__( 'Empty: the author profile\'s tone, else the account\'s', 'igny8' ) );
			},
			'fetch'        => static function ( array $query ) use ( $backend ) {
				return $backend->tasks( $query );
			},
			'cell'         => static function ( array $row, string $key ) {
				switch ( $key ) {
					case 'title':
						$title = esc_html( (string) $row['title'] );
						return '<strong>' . ( 'done' === ( $row['status'] ?? '' ) ? Ui::link( Ui::url( 'content', array( 'task_id' => (int) $row['id'] ) ), (string) $row['title'], 'igny8-article-link' ) : $title ) . '</strong>';
				}
				return null;
			},
			'actions'      => static function ( array $row ) {
				$id      = (int) $row['id'];
				$status  = (string) ( $row['status'] ?? '' );
				$actions = array( 'edit' => Forms::edit_link( 'tasks', $id ) );
				if ( 'done' === $status ) {
					$actions['article'] = Ui::link( Ui::url( 'content', array( 'task_id' => $id ) ), __( 'Show the article', 'igny8' ) );
				}
				if ( in_array( $status, array( 'queued', 'failed' ), true ) ) {
					$actions['generate_content'] = Ui::row_action( 'igny8_tasks', 'generate_content', $id, 'failed' === $status ? __( 'Try again', 'igny8' ) : __( 'Write the article', 'igny8' ) );
				}
				$actions['delete'] = Ui::row_action( 'igny8_tasks', 'delete', $id, __( 'Delete permanently', 'igny8' ), self::confirm_delete( (string) $row['title'] ) );
				return $actions;
			},
			'tablenav'     => self::status_filter( array( 'queued', 'in_progress', 'done', 'failed' ), 'task' ),
		);
	}

	// ---- Content -----------------------------------------------------------------------------

	private static function content( ?Backend $backend ): array {
		return array(
			'columns'  => array(
				'title'      => __( 'Title', 'igny8' ),
				'word_count' => __( 'Words', 'igny8' ),
				'score'      => __( 'SEO score', 'igny8' ),
				'status'     => __( 'Status', 'igny8' ),
				'wp_post_id' => __( 'WordPress post', 'igny8' ),
				'updated_at' => __( 'Updated', 'igny8' ),
				'created_at' => __( 'Written', 'igny8' ),
			),
			'sortable' => array(
				'title'      => array( 'title', false ),
				'word_count' => array( 'word_count', true ),
				'updated_at' => array( 'updated_at', true ),
				'created_at' => array( 'created_at', true ),
			),
			'numbers'  => array( 'word_count' ),
			'primary'  => 'title',
			'filters'  => array( 'status', 'task_id' ),
			'search'   => __( 'Search content', 'igny8' ),
			'empty'    => __( 'No articles yet. On Writer queue, select tasks and choose “Generate articles”.', 'igny8' ),
			'bulk'     => array(
				'illustrate'             => __( 'Add images (prompts, then the images)', 'igny8' ),
				'generate_image_prompts' => __( 'Write image prompts only', 'igny8' ),
				'generate_images'        => __( 'Generate images from their prompts', 'igny8' ),
				'send_draft'             => __( 'Send to WordPress (new posts as drafts, existing posts keep their status)', 'igny8' ),
				'delete'                 => __( 'Delete permanently', 'igny8' ),
			),
			'fetch'    => static function ( array $query ) use ( $backend ) {
				return $backend->contents( $query );
			},
			'cell'     => static function ( array $row, string $key ) {
				switch ( $key ) {
					case 'title':
						return '<strong>' . Ui::link( Ui::url( 'content', array( 'content' => (int) $row['id'] ) ), (string) $row['title'], 'igny8-preview-link row-title' ) . '</strong>';
					case 'score':
						return isset( $row['score'] ) ? Pages::score( (int) $row['score'] ) : Ui::text( null );
					case 'wp_post_id':
						return Pages::post_cell( $row );
				}
				return null;
			},
			'actions'  => static function ( array $row ) {
				$id      = (int) $row['id'];
				$actions = array( 'preview' => Ui::link( Ui::url( 'content', array( 'content' => $id ) ), __( 'Preview and send', 'igny8' ) ) );
				$post_id = (int) ( $row['wp_post_id'] ?? 0 );
				if ( $post_id && get_post( $post_id ) ) {
					if ( current_user_can( 'edit_post', $post_id ) ) {
						$actions['edit'] = Ui::link( (string) get_edit_post_link( $post_id ), __( 'Edit the post', 'igny8' ) );
					}
					$actions['view'] = Ui::link( (string) get_permalink( $post_id ), __( 'View', 'igny8' ) );
				}
				$actions['delete'] = Ui::row_action( 'igny8_contents', 'delete', $id, __( 'Delete permanently', 'igny8' ), self::confirm_delete( (string) $row['title'] ) . ' ' . __( 'A post already sent to WordPress stays there.', 'igny8' ) );
				return $actions;
			},
			'tablenav' => self::status_filter( array( 'draft', 'review', 'published' ) ),
		);
	}

	// ---- Sectors -----------------------------------------------------------------------------

	private static function sectors( ?Backend $backend ): array {
		return array(
			'columns'  => array(
				'name'        => __( 'Sector', 'igny8' ),
				'description' => __( 'Description', 'igny8' ),
				'is_active'   => __( 'Status', 'igny8' ),
				'created_at'  => __( 'Made', 'igny8' ),
			),
			'sortable' => array(),
			'primary'  => 'name',
			'filters'  => array(),
			'search'   => __( 'Search sectors', 'igny8' ),
			'empty'    => __( 'No sectors yet.', 'igny8' ),
			'bulk'     => array(
				'activate'   => __( 'Make active', 'igny8' ),
				'deactivate' => __( 'Make inactive', 'igny8' ),
				'delete'     => __( 'Delete permanently', 'igny8' ),
			),
			// A site has few sectors: all of them, searched here.
			'fetch'    => static function ( array $query ) use ( $backend ) {
				$search = strtolower( (string) ( $query['search'] ?? '' ) );
				$rows   = array_values(
					array_filter(
						Ui::rows( $backend->sectors() ),
						static function ( array $sector ) use ( $search ): bool {
							return '' === $search || false !== strpos( strtolower( (string) $sector['name'] ), $search );
						}
					)
				);
				return array(
					'results' => array_slice( $rows, ( $query['page'] - 1 ) * $query['page_size'], $query['page_size'] ),
					'count'   => count( $rows ),
				);
			},
			'cell'     => static function ( array $row, string $key ) {
				return 'name' === $key ? '<strong>' . esc_html( (string) $row['name'] ) . '</strong>' : null;
			},
			'actions'  => static function ( array $row ) {
				$id = (int) $row['id'];
				return array(
					'edit'   => Forms::edit_link( 'sectors', $id ),
					'delete' => Ui::row_action( 'igny8_sectors', 'delete', $id, __( 'Delete permanently', 'igny8' ), sprintf( /* translators: %s: sector name */ __( 'Delete the sector “%s” and every keyword, cluster, idea, task and article in it? This cannot be undone.', 'igny8' ), (string) $row['name'] ) ),
				);
			},
			'tablenav' => static function () {
			},
		);
	}

	// ---- Credits -----------------------------------------------------------------------------

	private static function credits( ?Backend $backend ): array {
		return array(
			'columns'  => array(
				'created_at'    => __( 'When', 'igny8' ),
				'kind'          => __( 'Entry', 'igny8' ),
				'amount'        => __( 'Credits', 'igny8' ),
				'balance_after' => __( 'Balance after', 'igny8' ),
				'operation'     => __( 'Step', 'igny8' ),
				'reason'        => __( 'Why', 'igny8' ),
			),
			'sortable' => array(),
			'primary'  => 'created_at',
			'numbers'  => array( 'balance_after' ),
			'filters'  => array( 'kind', 'operation' ),
			'search'   => '', // No search: filters by entry and step.
			'empty'    => __( 'No credits have moved yet.', 'igny8' ),
			'bulk'     => array(),
			'fetch'    => static function ( array $query ) use ( $backend ) {
				unset( $query['search'], $query['ordering'] );
				return $backend->transactions( $query );
			},
			'cell'     => static function ( array $row, string $key ) {
				switch ( $key ) {
					case 'kind':
						return Ui::status( (string) ( $row['kind'] ?? '' ) );
					case 'amount':
						$amount = (int) ( $row['amount'] ?? 0 );
						return sprintf( '<span class="igny8-amount igny8-amount-%s">%s%s</span>', $amount < 0 ? 'out' : 'in', $amount > 0 ? '+' : '', esc_html( number_format_i18n( $amount ) ) );
					case 'operation':
						return isset( $row['operation'] ) ? esc_html( Ui::label( (string) $row['operation'] ) ) : Ui::text( null );
				}
				return null;
			},
			'tablenav' => static function () {
				self::select( 'kind', Ui::labels( array( 'grant', 'purchase', 'adjustment', 'deduction', 'refund', 'hold', 'release' ) ), __( 'Every entry', 'igny8' ) );
				self::select( 'operation', Ui::labels( array( 'auto_cluster', 'generate_ideas', 'generate_content', 'generate_image_prompts', 'generate_images' ) ), __( 'Every step', 'igny8' ) );
				self::filter_button();
			},
		);
	}

	// ---- Strategies --------------------------------------------------------------------------

	private static function strategies( ?Backend $backend ): array {
		return array(
			'columns'  => array(
				'name'              => __( 'Strategy', 'igny8' ),
				'section_structure' => __( 'Sections', 'igny8' ),
				'is_active'         => __( 'Status', 'igny8' ),
				'updated_at'        => __( 'Changed', 'igny8' ),
			),
			'primary'  => 'name',
			'search'   => '', // An account has a handful: no search.
			'empty'    => __( 'No strategies yet. Add one to say how articles are built.', 'igny8' ),
			'bulk'     => array(
				'delete' => __( 'Delete permanently', 'igny8' ),
			),
			'fetch'    => static function ( array $query ) use ( $backend ) {
				unset( $query['search'], $query['ordering'] );
				return $backend->strategies( $query );
			},
			'cell'     => static function ( array $row, string $key ) {
				switch ( $key ) {
					case 'name':
						return '<strong>' . esc_html( (string) $row['name'] ) . '</strong><br><span class="description">' . esc_html( wp_trim_words( (string) ( $row['guidance'] ?? '' ), 24 ) ) . '</span>';
					case 'section_structure':
						$sections = array_map( 'strval', (array) ( $row['section_structure'] ?? array() ) );
						return $sections ? esc_html( implode( ' → ', $sections ) ) : esc_html__( 'The article’s own plan', 'igny8' );
				}
				return null;
			},
			'actions'  => static function ( array $row ) {
				$id = (int) $row['id'];
				return array(
					'edit'   => Forms::edit_link( 'strategies', $id ),
					'delete' => Ui::row_action( 'igny8_strategies', 'delete', $id, __( 'Delete permanently', 'igny8' ), self::confirm_delete( (string) $row['name'] ) ),
				);
			},
		);
	}
}
