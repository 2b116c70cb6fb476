<?php
/**
 * Adding and editing keywords, clusters, ideas, tasks and sectors by hand.
 *
 * @package Igny8
 */

namespace Igny8\WP\Admin;

use Igny8\WP\Backend;
use Igny8\WP\Backend_Error;
use Igny8\WP\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * One form per kind, for a new one (`?edit=new`, the screen's *Add new*) and for an existing
 * one (`?edit={id}`, a row's *Edit*), on the kind's own screen. A form is a list of fields
 * (see fields()); saving (admin-post `igny8_save`) sends what the form holds — a new record
 * leaves out what is empty, an edit clears it — and IGNY8 validates. When IGNY8 refuses,
 * the form comes back with what was typed and IGNY8's words next to the fields they are about:
 * nothing entered is lost.
 */
final class Forms {

	/** Screens with a form: screen slug => kind. */
	const KINDS = array(
		'keywords'   => 'keyword',
		'clusters'   => 'cluster',
		'ideas'      => 'idea',
		'tasks'      => 'task',
		'sectors'    => 'sector',
		'strategies' => 'strategy',
	);

	/** The field a record is named by, per kind. */
	const NAMES = array(
		'keyword'  => 'keyword',
		'cluster'  => 'name',
		'idea'     => 'title',
		'task'     => 'title',
		'sector'   => 'name',
		'strategy' => 'name',
	);

	public static function boot(): void {
		add_action( 'admin_post_igny8_save', array( __CLASS__, 'save' ) );
	}

	/** The *Add new* button next to screen $slug's title (none for a read-only key). */
	public static function add_new( string $slug ): string {
		if ( ! isset( self::KINDS[ $slug ] ) || Plugin::read_only() ) {
			return '';
		}
		return sprintf( ' <a href="%s" class="page-title-action igny8-add-new">%s</a>', esc_url( Ui::url( $slug, array( 'edit' => 'new' ) ) ), esc_html__( 'Add new', 'igny8' ) );
	}

	/** A row's *Edit* link. */
	public static function edit_link( string $slug, int $id ): string {
		return Ui::link( Ui::url( $slug, array( 'edit' => $id ) ), __( 'Edit', 'igny8' ), 'igny8-row-edit' );
	}

	/**
	 * The form of screen $slug when one is asked for (`?edit=`); whether it printed one (the
	 * screen then shows nothing else).
	 */
	public static function render( string $slug, Backend $backend ): bool {
		$edit = Ui::query( 'edit' );
		if ( '' === $edit || ! isset( self::KINDS[ $slug ] ) ) {
			return false;
		}
		$kind = self::KINDS[ $slug ];
		$id   = 'new' === $edit ? 0 : absint( $edit );
		echo '<p><a href="' . esc_url( Ui::url( $slug ) ) . '">' . esc_html__( '← Back to the list', 'igny8' ) . '</a></p>';
		if ( Plugin::read_only() ) {
			return true;
		}
		$values = array();
		if ( $id ) {
			try {
				$values = $backend->record( $kind, $id );
			} catch ( Backend_Error $e ) {
				Ui::error( $e );
				return true;
			}
		}
		$errors = array();
		$kept   = get_transient( self::kept_key() );
		if ( is_array( $kept ) && $kept['kind'] === $kind && (int) $kept['id'] === $id ) {
			// What was typed before IGNY8 refused it.
			delete_transient( self::kept_key() );
			$values = array_merge( $values, $kept['values'] );
			$errors = $kept['errors'];
		}
		$titles = array(
			'keyword' => array( __( 'Add a keyword', 'igny8' ), __( 'Edit the keyword', 'igny8' ) ),
			'cluster' => array( __( 'Add a cluster', 'igny8' ), __( 'Edit the cluster', 'igny8' ) ),
			'idea'    => array( __( 'Add an idea', 'igny8' ), __( 'Edit the idea', 'igny8' ) ),
			'task'    => array( __( 'Add a task to the writer queue', 'igny8' ), __( 'Edit the task', 'igny8' ) ),
			'sector'  => array( __( 'Add a sector', 'igny8' ), __( 'Edit the sector', 'igny8' ) ),
			'strategy' => array( __( 'Add a strategy', 'igny8' ), __( 'Edit the strategy', 'igny8' ) ),
		);
		echo '<h2>' . esc_html( $titles[ $kind ][ $id ? 1 : 0 ] ) . '</h2>';
		printf( '<form method="post" action="%s" class="igny8-record-form igny8-record-%s">', esc_url( admin_url( 'admin-post.php' ) ), esc_attr( $kind ) );
		Ui::form_fields( 'igny8_save' );
		printf( '<input type="hidden" name="kind" value="%s"><input type="hidden" name="id" value="%d">', esc_attr( $kind ), (int) $id );
		echo '<table class="form-table" role="presentation"><tbody>';
		foreach ( self::fields( $kind, $backend, 0 === $id ) as $name => $field ) {
			self::row( $name, $field, $values[ $name ] ?? null, $errors[ $name ] ?? '' );
		}
		echo '</tbody></table>';
		submit_button( $id ? __( 'Save changes', 'igny8' ) : $titles[ $kind ][0] );
		echo '</form>';
		return true;
	}

	/**
	 * The fields of a $kind: name => [label, type, choices or null, description, required].
	 * Types: text, textarea, number, decimal, select, list (comma-separated), lines (one per
	 * line), checkbox.
	 * Some fields are for a new record only (the sector it goes in; a keyword's cluster is
	 * set by clustering), some for an edit only (the status).
	 */
	private static function fields( string $kind, Backend $backend, bool $new ): array {
		$sector = $new ? self::sector_field( $backend ) : array();
		switch ( $kind ) {
			case 'keyword':
				return array(
					'keyword'    => array( __( 'Keyword', 'igny8' ), 'text', null, '', true ),
					'volume'     => array( __( 'Monthly searches', 'igny8' ), 'number', null, '', false ),
					'difficulty' => array( __( 'Difficulty (0–100)', 'igny8' ), 'number', null, '', false ),
					'cpc'        => array( __( 'Cost per click', 'igny8' ), 'decimal', null, '', false ),
					'intent'     => array( __( 'Search intent', 'igny8' ), 'select', Ui::labels( array( 'informational', 'navigational', 'commercial', 'transactional' ) ), '', false ),
				) + ( $new ? $sector : array(
					'status'     => array( __( 'Status', 'igny8' ), 'select', Ui::labels( array( 'pending', 'clustered', 'archived' ) ), '', true ),
					'cluster_id' => array( __( 'Cluster', 'igny8' ), 'select', self::clusters( $backend ), __( 'Moving a keyword to another cluster changes what that cluster’s articles target.', 'igny8' ), false ),
				) );
			case 'cluster':
				return array(
					'name'        => array( __( 'Name', 'igny8' ), 'text', null, '', true ),
					'description' => array( __( 'Description', 'igny8' ), 'textarea', null, __( 'What the cluster is about; ideas and articles are written from it.', 'igny8' ), false ),
				) + ( $new ? $sector : array(
					'status' => array( __( 'Status', 'igny8' ), 'select', Ui::labels( array( 'active', 'archived' ) ), '', true ),
				) );
			case 'idea':
				return array(
					'title'                => array( __( 'Title', 'igny8' ), 'text', null, '', true ),
					'description'          => array( __( 'Description', 'igny8' ), 'textarea', null, __( 'What the article should cover.', 'igny8' ), false ),
					'cluster_id'           => array( __( 'Cluster', 'igny8' ), 'select', self::clusters( $backend ), '', false ),
					'target_keywords'      => array( __( 'Target keywords', 'igny8' ), 'list', null, __( 'Separated by commas; the first is the primary keyword.', 'igny8' ), false ),
					'content_structure'    => array( __( 'Structure', 'igny8' ), 'select', Ui::labels( array( 'article', 'guide', 'listicle', 'how_to', 'comparison', 'review', 'cluster_hub', 'faq' ) ), '', false ),
					'content_type'         => array( __( 'Kind of page', 'igny8' ), 'select', Ui::labels( array( 'post', 'page', 'product', 'service', 'category', 'landing' ) ), '', false ),
					'estimated_word_count' => array( __( 'Words', 'igny8' ), 'number', null, '', false ),
				) + $sector;
			case 'task':
				return array(
					'title'             => array( __( 'Title', 'igny8' ), 'text', null, '', true ),
					'brief'             => array( __( 'Brief', 'igny8' ), 'textarea', null, __( 'What the writer should know: angle, points to make, what to avoid.', 'igny8' ), false ),
					'keywords'          => array( __( 'Keywords', 'igny8' ), 'list', null, __( 'Separated by commas; the first is the primary keyword.', 'igny8' ), false ),
					'target_word_count' => array( __( 'Words', 'igny8' ), 'number', null, '', false ),
					'content_structure' => array( __( 'Structure', 'igny8' ), 'select', Ui::labels( array( 'article', 'guide', 'listicle', 'how_to', 'comparison', 'review', 'cluster_hub', 'faq' ) ), '', false ),
					'content_type'      => array( __( 'Kind of page', 'igny8' ), 'select', Ui::labels( array( 'post', 'page', 'product', 'service', 'category', 'landing' ) ), '', false ),
					'author_profile_id' => array( __( 'Author profile', 'igny8' ), 'select', self::authors( $backend ), __( 'Its tone and voice; Settings → Author profiles.', 'igny8' ), false ),
					'strategy_id'       => array( __( 'Strategy', 'igny8' ), 'select', self::strategies( $backend ), __( 'How the article is built; IGNY8 → Strategies.', 'igny8' ), false ),
				) + ( $new ? array(
					'cluster_id' => array( __( 'Cluster', 'igny8' ), 'select', self::clusters( $backend ), '', false ),
				) + $sector : array() );
			case 'strategy':
				return array(
					'name'              => array( __( 'Name', 'igny8' ), 'text', null, '', true ),
					'guidance'          => array( __( 'Guidance', 'igny8' ), 'textarea', null, __( 'How articles written with it read: the angle, what to include, what to avoid. Added to the writer’s instructions.', 'igny8' ), false ),
					'section_structure' => array( __( 'Sections', 'igny8' ), 'lines', null, __( 'One section per line, in order (e.g. Introduction, How it works, Buying checklist, FAQ); empty: the article’s own plan.', 'igny8' ), false ),
					'sector_id'         => array( __( 'Sector', 'igny8' ), 'select', self::sectors( $backend ), __( 'Offered for that sector’s tasks only; none: every sector.', 'igny8' ), false ),
					'is_active'         => array( __( 'Active', 'igny8' ), 'checkbox', null, __( 'Inactive strategies are kept but not offered.', 'igny8' ), false ),
				);
			case 'sector':
				return array(
					'name'        => array( __( 'Name', 'igny8' ), 'text', null, '', true ),
					'description' => array( __( 'Description', 'igny8' ), 'textarea', null, '', false ),
					'is_active'   => array( __( 'Active', 'igny8' ), 'checkbox', null, __( 'New work goes to the first active sector unless another is chosen.', 'igny8' ), false ),
				);
		}
		return array();
	}

	/** The sector a new record goes in: a choice when the site has several. */
	private static function sector_field( Backend $backend ): array {
		$sectors = self::sectors( $backend );
		return count( $sectors ) > 1 ? array(
			'sector_id' => array( __( 'Sector', 'igny8' ), 'select', $sectors, '', true ),
		) : array();
	}

	private static function clusters( Backend $backend ): array {
		$out = array();
		foreach ( Ui::rows( $backend->clusters( array( 'page_size' => 500 ) ) ) as $cluster ) {
			$out[ (int) $cluster['id'] ] = (string) $cluster['name'];
		}
		return $out;
	}

	private static function sectors( Backend $backend ): array {
		$out = array();
		foreach ( Ui::rows( $backend->sectors() ) as $sector ) {
			$out[ (int) $sector['id'] ] = (string) $sector['name'];
		}
		return $out;
	}

	/** The active strategies; none when the key may not read them (held to one site). */
	private static function strategies( Backend $backend ): array {
		$out = array();
		try {
			foreach ( Ui::rows( $backend->strategies( array( 'page_size' => 100 ) ) ) as $strategy ) {
				if ( ! empty( $strategy['is_active'] ) ) {
					$out[ (int) $strategy['id'] ] = (string) $strategy['name'];
				}
			}
		} catch ( Backend_Error $e ) {
			return array();
		}
		return $out;
	}

	private static function authors( Backend $backend ): array {
		$out = array();
		foreach ( Ui::rows( $backend->authorProfiles( array( 'page_size' => 100 ) ) ) as $author ) {
			$out[ (int) $author['id'] ] = (string) $author['name'];
		}
		return $out;
	}

	/** One labelled field, with what IGNY8 said about it. */
	private static function row( string $name, array $field, $value, string $error ): void {
		list( $label, $type, $choices, $description, $required ) = $field;
		$id   = 'igny8-field-' . $name;
		$attr = ( $required && 'checkbox' !== $type ? ' required' : '' ) . ( '' !== $error ? ' aria-invalid="true" aria-describedby="' . esc_attr( $id ) . '-error"' : '' );
		printf( '<tr class="igny8-field-%s%s"><th scope="row"><label for="%s">%s</label></th><td>', esc_attr( $name ), '' !== $error ? ' form-invalid' : '', esc_attr( $id ), esc_html( $label ) );
		switch ( $type ) {
			case 'lines':
				printf( '<textarea name="%s" id="%s" rows="6" class="large-text">%s</textarea>', esc_attr( $name ), esc_attr( $id ), esc_textarea( implode( "\n", array_map( 'strval', (array) $value ) ) ) );
				break;
			case 'textarea':
				printf( '<textarea name="%s" id="%s" rows="4" class="large-text"%s>%s</textarea>', esc_attr( $name ), esc_attr( $id ), $attr, esc_textarea( (string) $value ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- $attr is built from constants and esc_attr above
				break;
			case 'select':
				printf( '<select name="%s" id="%s"%s>', esc_attr( $name ), esc_attr( $id ), $attr ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- $attr is built from constants and esc_attr above
				if ( ! $required ) {
					echo '<option value="">' . esc_html__( '— None —', 'igny8' ) . '</option>';
				}
				foreach ( (array) $choices as $key => $text ) {
					printf( '<option value="%s"%s>%s</option>', esc_attr( (string) $key ), selected( (string) $value, (string) $key, false ), esc_html( (string) $text ) );
				}
				echo '</select>';
				break;
			case 'checkbox':
				printf( '<input type="hidden" name="%1$s" value="0"><input type="checkbox" name="%1$s" id="%2$s" value="1"%3$s>', esc_attr( $name ), esc_attr( $id ), checked( null === $value || ! empty( $value ), true, false ) );
				break;
			default:
				$input = array(
					'number'  => 'type="number" min="0" step="1" class="small-text"',
					'decimal' => 'type="number" min="0" step="0.01" class="small-text"',
					'list'    => 'type="text" class="large-text"',
					'text'    => 'type="text" class="regular-text"',
				);
				$shown = is_array( $value ) ? implode( ', ', array_map( 'strval', $value ) ) : (string) $value;
				printf( '<input %s name="%s" id="%s" value="%s"%s>', $input[ $type ], esc_attr( $name ), esc_attr( $id ), esc_attr( $shown ), $attr ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- $input and $attr are built from constants and esc_attr above
		}
		if ( '' !== $error ) {
			printf( '<p class="igny8-field-error" id="%s-error">%s</p>', esc_attr( $id ), esc_html( $error ) );
		}
		if ( '' !== $description ) {
			echo '<p class="description">' . esc_html( $description ) . '</p>';
		}
		echo '</td></tr>';
	}

	/** Where a refused form's values wait for the form to show them again (per user). */
	private static function kept_key(): string {
		return 'igny8_form_' . get_current_user_id();
	}

	/** The form's value of field $name, as IGNY8 takes it: null when empty. */
	private static function value( array $field, string $name ) {
		// Nonce checked by Actions::guard() in save().
		$raw = isset( $_POST[ $name ] ) ? wp_unslash( $_POST[ $name ] ) : null; // phpcs:ignore WordPress.Security.NonceVerification.Missing,WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- the nonce is checked in save(); sanitised by type below
		if ( is_array( $raw ) ) {
			return null;
		}
		switch ( $field[1] ) {
			case 'checkbox':
				return ! empty( $raw );
			case 'textarea':
				$text = trim( sanitize_textarea_field( (string) $raw ) );
				return '' === $text ? null : $text;
			case 'list':
				return array_values( array_filter( array_map( 'trim', explode( ',', sanitize_text_field( (string) $raw ) ) ), 'strlen' ) );
			case 'lines':
				return array_values( array_filter( array_map( 'trim', explode( "\n", sanitize_textarea_field( (string) $raw ) ) ), 'strlen' ) );
		}
		$text = trim( sanitize_text_field( (string) $raw ) );
		if ( '' === $text ) {
			return null;
		}
		if ( 'number' === $field[1] || ( 'select' === $field[1] && '_id' === substr( $name, -3 ) ) ) {
			return is_numeric( $text ) ? (int) $text : $text;
		}
		if ( 'decimal' === $field[1] ) {
			return is_numeric( $text ) ? (float) $text : $text;
		}
		return $text;
	}

	/**
	 * admin-post `igny8_save`: makes or changes the record; back to its list with a notice, or
	 * — refused — to the form with what was typed and why.
	 */
	public static function save(): void {
		$backend = Actions::guard( 'igny8_save' );
		$kind    = sanitize_key( wp_unslash( $_POST['kind'] ?? '' ) );
		$id      = absint( $_POST['id'] ?? 0 );
		$slug    = array_search( $kind, self::KINDS, true );
		if ( false === $slug ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'igny8' ), 400 );
		}
		$fields = self::fields( $kind, $backend, 0 === $id );
		$values = array();
		foreach ( $fields as $name => $field ) {
			$values[ $name ] = self::value( $field, $name );
		}
		$input = $values;
		if ( ! $id ) {
			// A new record leaves out what is empty; it goes in the default sector unless chosen.
			$input = array_filter(
				$input,
				static function ( $v ) {
					return null !== $v && array() !== $v;
				}
			);
			if ( ! in_array( $kind, array( 'sector', 'strategy' ), true ) && ! isset( $input['sector_id'] ) ) {
				$input['sector_id'] = (int) $backend->info()['default_sector_id'];
			}
		}
		try {
			$saved = $id ? $backend->updateRecord( $kind, $id, $input ) : $backend->createRecord( $kind, $input );
		} catch ( Backend_Error $e ) {
			$errors = array();
			foreach ( $e->field_errors() as $error ) {
				$field            = (string) preg_replace( '/\[.*$|\..*$/', '', $error['field'] );
				$errors[ $field ] = trim( ( $errors[ $field ] ?? '' ) . ' ' . ucfirst( $error['message'] ) );
			}
			set_transient(
				self::kept_key(),
				array(
					'kind'   => $kind,
					'id'     => $id,
					'values' => $values,
					'errors' => $errors,
				),
				HOUR_IN_SECONDS
			);
			$plain = Ui::explain( $e );
			Ui::flash( $errors ? __( 'Nothing was saved: correct the fields marked below.', 'igny8' ) : $plain['message'], 'error', $plain['link'], $errors ? '' : $plain['details'] );
			wp_safe_redirect( Ui::url( $slug, array( 'edit' => $id ? $id : 'new' ) ) );
			exit;
		}
		$name = (string) ( $saved[ self::NAMES[ $kind ] ] ?? '' );
		/* translators: %s: what was saved, e.g. a keyword */
		Ui::flash( sprintf( $id ? __( 'Saved “%s”.', 'igny8' ) : __( 'Added “%s”.', 'igny8' ), $name ) );
		wp_safe_redirect( Ui::url( $slug ) );
		exit;
	}
}
