<?php
/**
 * The screens: Dashboard, Keywords, Clusters, Ideas, Writer queue, Content.
 *
 * @package Igny8
 */

namespace Igny8\WP\Admin;

use Igny8\WP\Backend;
use Igny8\WP\Backend_Error;
use Igny8\WP\Plugin;
use Igny8\WP\Publisher;

defined( 'ABSPATH' ) || exit;

/**
 * Each screen reads through the Backend interface only, so the native and the remote backend
 * show the same pages. Forms post to admin-post.php (see Actions) with a nonce each.
 */
final class Pages {

	private static function number( $value ): string {
		return null === $value || '' === $value ? Ui::text( null ) : esc_html( number_format_i18n( (float) $value, is_float( $value ) ? 2 : 0 ) );
	}

	// ---- Dashboard ---------------------------------------------------------------------------

	/** User meta: this user hid the dashboard's "Get started" checklist. */
	const CHECKLIST_HIDDEN = 'igny8_checklist_hidden';

	/**
	 * The steps from an empty install to a published post, each done or not (read from what
	 * IGNY8 holds, never ticked by hand), the first open one offered as the next thing to do.
	 *
	 * @return array<int, array{id: string, title: string, done: bool, url: string, action: string, hint: string}>
	 */
	public static function steps( Backend $backend, array $funnel ): array {
		$count = static function ( string $key ) use ( $funnel ): int {
			return (int) ( $funnel[ $key ] ?? 0 );
		};
		$steps = array();
		if ( 'native' === $backend->kind() ) {
			$key     = '' !== Settings_Page::key_hint( $backend, 'openai' );
			$steps[] = array(
				'id'     => 'key',
				'title'  => __( 'Enter your OpenAI key', 'igny8' ),
				'done'   => $key,
				'url'    => Ui::url( 'settings', array( 'tab' => 'ai' ) ),
				'action' => __( 'Open AI providers', 'igny8' ),
				'hint'   => __( 'It writes the articles and draws their images. You pay OpenAI directly for what IGNY8 uses.', 'igny8' ),
			);
			$steps[] = array(
				'id'     => 'test',
				'title'  => __( 'Test the key', 'igny8' ),
				'done'   => $key && Settings_Page::key_tested( $backend, 'openai' ),
				'url'    => Ui::url( 'settings', array( 'tab' => 'ai' ) ),
				'action' => __( 'Save and test', 'igny8' ),
				'hint'   => __( 'One free call to OpenAI says whether the key works.', 'igny8' ),
			);
		}
		$pipeline = array(
			array( 'keywords', 'keywords', __( 'Import your keywords', 'igny8' ), __( 'Import a CSV', 'igny8' ), __( 'A CSV from Semrush, Ahrefs, Google Keyword Planner or Search Console, or one keyword per line.', 'igny8' ) ),
			array( 'clusters', 'keywords', __( 'Group them into clusters', 'igny8' ), __( 'Cluster with AI', 'igny8' ), __( 'On Keywords, select them and choose “Cluster with AI”.', 'igny8' ) ),
			array( 'ideas', 'clusters', __( 'Generate article ideas', 'igny8' ), __( 'Open Clusters', 'igny8' ), __( 'On Clusters, select clusters and choose “Generate ideas”.', 'igny8' ) ),
			array( 'tasks', 'ideas', __( 'Queue ideas to the writer', 'igny8' ), __( 'Open Ideas', 'igny8' ), __( 'On Ideas, select the ones to write and choose “Queue to writer”.', 'igny8' ) ),
			array( 'content', 'tasks', __( 'Write the articles', 'igny8' ), __( 'Open Writer queue', 'igny8' ), __( 'On Writer queue, select tasks and choose “Generate articles”.', 'igny8' ) ),
			array( 'published', 'content', __( 'Publish your first article', 'igny8' ), __( 'Open Content', 'igny8' ), __( 'Preview an article, add its images, and send it to WordPress.', 'igny8' ) ),
		);
		foreach ( $pipeline as list( $key, $screen, $title, $action, $hint ) ) {
			$steps[] = array(
				'id'     => $key,
				'title'  => $title,
				'done'   => $count( $key ) > 0,
				'url'    => Ui::url( $screen ) . ( 'keywords' === $key ? '#igny8-import' : '' ),
				'action' => $action,
				'hint'   => $hint,
			);
		}
		return $steps;
	}

	/** The "Get started" checklist, until every step is done or the user hides it. */
	private static function checklist( Backend $backend, array $funnel ): void {
		if ( get_user_meta( get_current_user_id(), self::CHECKLIST_HIDDEN, true ) ) {
			return;
		}
		$steps = self::steps( $backend, $funnel );
		$open  = array_values(
			array_filter(
				$steps,
				static function ( $step ) {
					return ! $step['done'];
				}
			)
		);
		if ( ! $open ) {
			return;
		}
		$next = $open[0]['id'];
		$done = count( $steps ) - count( $open );
		echo '<div class="igny8-checklist postbox"><div class="postbox-header"><h2>' . esc_html__( 'Get started', 'igny8' ) . '</h2>';
		/* translators: 1: steps done, 2: all steps */
		echo '<span class="igny8-checklist-count">' . esc_html( sprintf( __( '%1$d of %2$d done', 'igny8' ), $done, count( $steps ) ) ) . '</span></div><div class="inside"><ol>';
		foreach ( $steps as $step ) {
			$class = $step['done'] ? 'igny8-step-done' : ( $step['id'] === $next ? 'igny8-step-next' : 'igny8-step-open' );
			printf( '<li class="igny8-step %s" data-step="%s"><span class="igny8-step-mark" aria-hidden="true">%s</span> <strong>%s</strong>', esc_attr( $class ), esc_attr( $step['id'] ), $step['done'] ? '&#10003;' : '', esc_html( $step['title'] ) );
			if ( $step['done'] ) {
				echo ' <span class="screen-reader-text">' . esc_html__( '(done)', 'igny8' ) . '</span>';
			} elseif ( $step['id'] === $next ) {
				printf( '<p class="description">%s</p><p><a class="button button-primary" href="%s">%s</a></p>', esc_html( $step['hint'] ), esc_url( $step['url'] ), esc_html( $step['action'] ) );
			}
			echo '</li>';
		}
		$hide = wp_nonce_url( admin_url( 'admin-post.php?action=igny8_hide_checklist' ), 'igny8_hide_checklist' );
		echo '</ol><p><a href="' . esc_url( $hide ) . '" class="igny8-hide-checklist">' . esc_html__( 'Hide this checklist', 'igny8' ) . '</a></p></div></div>';
	}

	public static function dashboard( Backend $backend ): void {
		$info    = $backend->info();
		$board   = $backend->dashboard();
		$credits = $backend->credits();
		$funnel  = $board['funnel'] ?? array();
		self::checklist( $backend, $funnel );
		$labels  = array(
			'keywords'  => __( 'Keywords', 'igny8' ),
			'clusters'  => __( 'Clusters', 'igny8' ),
			'ideas'     => __( 'Ideas', 'igny8' ),
			'tasks'     => __( 'Tasks', 'igny8' ),
			'content'   => __( 'Content', 'igny8' ),
			'published' => __( 'Published', 'igny8' ),
		);
		echo '<h2>' . esc_html__( 'Pipeline', 'igny8' ) . '</h2><div class="igny8-cards">';
		foreach ( $labels as $key => $label ) {
			printf( '<div class="igny8-card igny8-card-%1$s"><span class="igny8-card-number">%2$s</span><span class="igny8-card-label">%3$s</span></div>', esc_attr( $key ), esc_html( number_format_i18n( (int) ( $funnel[ $key ] ?? 0 ) ) ), esc_html( $label ) );
		}
		echo '</div>';

		echo '<div class="igny8-columns"><div class="igny8-column">';
		echo '<h2>' . esc_html__( 'Credits', 'igny8' ) . '</h2><table class="widefat striped igny8-credits"><tbody>';
		printf( '<tr><th>%s</th><td class="igny8-balance">%s</td></tr>', esc_html__( 'Balance', 'igny8' ), esc_html( number_format_i18n( (int) $credits['balance'] ) ) );
		if ( 'native' === $backend->kind() ) {
			// With the extension the AI calls go to the site owner's own key: credits only measure use.
			echo '<tr><td colspan="2" class="description">' . esc_html__( 'With your own AI key you pay the provider directly; credits here only measure what each step used.', 'igny8' ) . '</td></tr>';
		}
		foreach ( (array) ( $board['credits_by_operation'] ?? array() ) as $operation => $spent ) {
			/* translators: %s: an AI operation */
			printf( '<tr><th>%s</th><td>%s</td></tr>', esc_html( sprintf( __( 'Spent on %s (30 days)', 'igny8' ), Ui::label( (string) $operation ) ) ), esc_html( number_format_i18n( (int) $spent ) ) );
		}
		echo '</tbody></table>';

		$keywords = $board['keywords'] ?? array();
		echo '<h2>' . esc_html__( 'Keywords', 'igny8' ) . '</h2><table class="widefat striped"><tbody>';
		printf( '<tr><th>%s</th><td>%s</td></tr>', esc_html__( 'Total search volume', 'igny8' ), self::number( $keywords['total_volume'] ?? 0 ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the helpers called
		printf( '<tr><th>%s</th><td>%s</td></tr>', esc_html__( 'Clustered volume', 'igny8' ), self::number( $keywords['clustered_volume'] ?? 0 ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the helpers called
		foreach ( (array) ( $keywords['by_status'] ?? array() ) as $status => $n ) {
			printf( '<tr><th>%s</th><td>%s</td></tr>', Ui::status( (string) $status ), esc_html( number_format_i18n( (int) $n ) ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the helpers called
		}
		foreach ( (array) ( $board['content_by_status'] ?? array() ) as $status => $n ) {
			/* translators: %s: a content status */
			printf( '<tr><th>%s</th><td>%s</td></tr>', esc_html( sprintf( __( 'Content: %s', 'igny8' ), Ui::label( (string) $status ) ) ), esc_html( number_format_i18n( (int) $n ) ) );
		}
		echo '</tbody></table></div><div class="igny8-column">';

		echo '<h2>' . esc_html__( 'Recent jobs', 'igny8' ) . '</h2>';
		$jobs = Ui::rows( $backend->jobs( array( 'page_size' => 10 ) ) );
		echo '<table class="widefat striped igny8-jobs"><thead><tr><th>#</th><th>' . esc_html__( 'Kind', 'igny8' ) . '</th><th>' . esc_html__( 'Status', 'igny8' ) . '</th><th>' . esc_html__( 'Progress', 'igny8' ) . '</th><th>' . esc_html__( 'Message', 'igny8' ) . '</th><th>' . esc_html__( 'Created', 'igny8' ) . '</th></tr></thead><tbody>';
		if ( ! $jobs ) {
			echo '<tr><td colspan="6">' . esc_html__( 'No jobs yet.', 'igny8' ) . '</td></tr>';
		}
		foreach ( $jobs as $job ) {
			printf(
				'<tr><td>%d</td><td>%s</td><td>%s</td><td>%d%%</td><td>%s</td><td>%s</td></tr>',
				(int) $job['id'],
				esc_html( Ui::label( (string) $job['kind'], 'job' ) ),
				Ui::status( (string) $job['status'] ), // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the helpers called
				(int) ( $job['progress'] ?? 0 ),
				esc_html( (string) ( $job['error'] ?? $job['summary'] ?? $job['message'] ?? '' ) ),
				Ui::date( $job['created_at'] ?? null ) // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by Ui::date
			);
		}
		echo '</tbody></table>';

		echo '<h2>' . esc_html__( 'Usage', 'igny8' ) . '</h2>';
		$usage = Ui::rows( $backend->usage( array( 'page_size' => 10 ) ) );
		echo '<table class="widefat striped igny8-usage"><thead><tr><th>' . esc_html__( 'Operation', 'igny8' ) . '</th><th>' . esc_html__( 'Model', 'igny8' ) . '</th><th>' . esc_html__( 'Tokens in / out', 'igny8' ) . '</th><th>' . esc_html__( 'Credits', 'igny8' ) . '</th><th>' . esc_html__( 'When', 'igny8' ) . '</th></tr></thead><tbody>';
		if ( ! $usage ) {
			echo '<tr><td colspan="5">' . esc_html__( 'No model calls yet.', 'igny8' ) . '</td></tr>';
		}
		foreach ( $usage as $row ) {
			printf(
				'<tr><td>%s</td><td>%s</td><td>%d / %d</td><td>%d</td><td>%s</td></tr>',
				esc_html( Ui::label( (string) $row['operation'] ) ),
				esc_html( (string) ( $row['model'] ?? '' ) ),
				(int) ( $row['input_tokens'] ?? 0 ),
				(int) ( $row['output_tokens'] ?? 0 ),
				(int) ( $row['credits'] ?? 0 ),
				Ui::date( $row['created_at'] ?? null ) // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by Ui::date
			);
		}
		echo '</tbody></table></div></div>';
		/* translators: 1: backend name, 2: version, 3: site id */
		echo '<p class="description">' . esc_html( sprintf( __( 'IGNY8 %2$s (%1$s), site #%3$d.', 'igny8' ), $info['backend'] ?? '', $info['version'] ?? '', (int) ( $info['site_id'] ?? 0 ) ) ) . '</p>';
	}

	// ---- Keywords ----------------------------------------------------------------------------

	public static function keywords( Backend $backend ): void {
		if ( Forms::render( 'keywords', $backend ) ) {
			return;
		}
		Lists::render( 'keywords', $backend );
		if ( Plugin::read_only() ) {
			return;
		}

		$info = $backend->info();
		echo '<h2 id="igny8-import">' . esc_html__( 'Import keywords', 'igny8' ) . '</h2>';
		echo '<p class="description">' . esc_html__( 'A CSV from Google Keyword Planner, Ahrefs, Semrush, Ubersuggest, Moz or Search Console, any CSV with a keyword column, or a plain list with one keyword per line.', 'igny8' ) . '</p>';
		echo '<form method="post" enctype="multipart/form-data" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="igny8-import">';
		Ui::form_fields( 'igny8_import_keywords' );
		$sectors = array();
		foreach ( Ui::rows( $backend->sectors() ) as $sector ) {
			$sectors[ (int) $sector['id'] ] = $sector['name'];
		}
		if ( count( $sectors ) > 1 ) {
			echo '<label>' . esc_html__( 'Sector', 'igny8' ) . ' <select name="sector_id">';
			foreach ( $sectors as $id => $name ) {
				printf( '<option value="%d"%s>%s</option>', (int) $id, selected( $id, (int) $info['default_sector_id'], false ), esc_html( $name ) );
			}
			echo '</select></label> ';
		} else {
			printf( '<input type="hidden" name="sector_id" value="%d">', (int) $info['default_sector_id'] );
		}
		echo '<input type="file" name="csv" id="igny8-csv" accept=".csv,.txt,text/csv,text/plain" required> ';
		submit_button( __( 'Import', 'igny8' ), 'primary', 'import', false );
		echo '</form>';
	}

	// ---- Clusters ----------------------------------------------------------------------------

	public static function clusters( Backend $backend ): void {
		if ( Forms::render( 'clusters', $backend ) ) {
			return;
		}
		Lists::render( 'clusters', $backend );
	}

	// ---- Ideas -------------------------------------------------------------------------------

	public static function ideas( Backend $backend ): void {
		if ( Forms::render( 'ideas', $backend ) ) {
			return;
		}
		Lists::render( 'ideas', $backend );
	}

	// ---- Writer queue ------------------------------------------------------------------------

	public static function tasks( Backend $backend ): void {
		if ( Forms::render( 'tasks', $backend ) ) {
			return;
		}
		Lists::render( 'tasks', $backend );
	}

	// ---- Sectors -----------------------------------------------------------------------------

	/** The site's sectors: the groups its keywords and articles are kept in. */
	public static function sectors( Backend $backend ): void {
		if ( Forms::render( 'sectors', $backend ) ) {
			return;
		}
		echo '<p class="description">' . esc_html__( 'A sector groups the keywords, clusters, ideas and articles of one topic of this site (a shop’s departments, a blog’s sections). Imports and new work go to the first active sector unless another is chosen.', 'igny8' ) . '</p>';
		Lists::render( 'sectors', $backend );
	}

	// ---- Strategies --------------------------------------------------------------------------

	/** How articles are built: guidance and a section structure a task can be written with. */
	public static function strategies( Backend $backend ): void {
		if ( Forms::render( 'strategies', $backend ) ) {
			return;
		}
		echo '<p class="description">' . esc_html__( 'A strategy says how articles are built — the angle and what to include or avoid, and the sections in order. Choose one for a task in the writer queue (Edit); the author profile still sets the voice.', 'igny8' ) . '</p>';
		Lists::render( 'strategies', $backend );
	}

	// ---- Credits -----------------------------------------------------------------------------

	/** The balance and the ledger: every grant, hold, charge and release, newest first. */
	public static function credits( Backend $backend ): void {
		$credits = $backend->credits();
		printf(
			'<div class="igny8-cards"><div class="igny8-card igny8-card-balance"><span class="igny8-card-number">%s</span><span class="igny8-card-label">%s</span></div></div>',
			esc_html( number_format_i18n( (int) $credits['balance'] ) ),
			esc_html__( 'Credits available', 'igny8' )
		);
		if ( 'native' === $backend->kind() ) {
			echo '<p class="description">' . esc_html__( 'With your own AI key you pay the provider directly; credits here only measure what each step used.', 'igny8' ) . '</p>';
		} else {
			echo '<p class="description">' . esc_html__( 'Each AI step holds the credits it may need when it starts, is charged for what it did and releases the rest. Credits are bought on the IGNY8 service.', 'igny8' ) . '</p>';
		}
		Lists::render( 'credits', $backend );
	}

	// ---- Content -----------------------------------------------------------------------------

	public static function content( Backend $backend ): void {
		$id = absint( $_GET['content'] ?? 0 ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only reads what the screen shows; nothing is changed
		if ( $id ) {
			self::content_preview( $backend, $id );
			return;
		}
		$task = absint( Ui::query( 'task_id' ) );
		if ( $task ) {
			// A written task's article: straight to its preview when there is just one.
			$found = Ui::rows( $backend->contents( array( 'task_id' => $task, 'page_size' => 2 ) ) );
			if ( 1 === count( $found ) ) {
				self::content_preview( $backend, (int) $found[0]['id'] );
				return;
			}
		}
		Lists::render( 'content', $backend );
	}

	/** A content's post: its number and status in WordPress, linked to the editor. */
	public static function post_cell( array $content ): string {
		$post_id = (int) ( $content['wp_post_id'] ?? 0 );
		if ( ! $post_id || ! get_post( $post_id ) ) {
			return Ui::text( null );
		}
		$edit = get_edit_post_link( $post_id );
		return sprintf(
			'<a href="%s">#%d</a> %s',
			esc_url( (string) $edit ),
			$post_id,
			Ui::status( get_post_status( $post_id ) )
		);
	}

	private static function content_preview( Backend $backend, int $id ): void {
		$content = $backend->content( $id );
		$images  = Ui::rows( $backend->images( array( 'content_id' => $id, 'page_size' => 100 ) ) );
		$plan    = Publisher::plan( $backend, $content );
		printf( '<p><a href="%s">&larr; %s</a></p>', esc_url( Ui::url( 'content' ) ), esc_html__( 'All content', 'igny8' ) );

		echo '<div class="igny8-columns"><div class="igny8-column igny8-preview">';
		echo '<h2 class="igny8-preview-title">' . esc_html( $content['title'] ) . '</h2>';
		echo '<table class="widefat striped igny8-meta"><tbody>';
		$meta = array(
			__( 'SEO title', 'igny8' )        => $content['meta_title'] ?? '',
			__( 'Meta description', 'igny8' ) => $content['meta_description'] ?? '',
			__( 'Primary keyword', 'igny8' )  => $content['primary_keyword'] ?? '',
			__( 'Categories', 'igny8' )       => $content['categories'] ?? array(),
			__( 'Tags', 'igny8' )             => $content['tags'] ?? array(),
			__( 'Words', 'igny8' )            => $content['word_count'] ?? 0,
			__( 'Status', 'igny8' )           => Ui::label( (string) ( $content['status'] ?? '' ) ),
		);
		foreach ( $meta as $label => $value ) {
			printf( '<tr><th>%s</th><td>%s</td></tr>', esc_html( $label ), Ui::text( $value ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the helpers called
		}
		echo '</tbody></table>';
		echo '<div class="igny8-article">' . wp_kses_post( $content['html'] ) . '</div>';
		echo '</div><div class="igny8-column igny8-side">';

		echo '<div class="postbox igny8-send"><div class="postbox-header"><h2>' . esc_html__( 'Send to WordPress', 'igny8' ) . '</h2></div><div class="inside">';
		self::send_box( $backend, $id, $plan );
		echo '</div></div>';

		self::seo_checks( $content );

		$read_only = Plugin::read_only();
		echo '<div class="postbox igny8-images"><div class="postbox-header"><h2>' . esc_html__( 'Images', 'igny8' ) . '</h2></div><div class="inside">';
		if ( ! $images ) {
			echo '<p>' . esc_html__( 'No images yet.', 'igny8' ) . '</p>';
		}
		foreach ( $images as $image ) {
			$src = (string) ( $image['url'] ?? '' );
			if ( '' === $src && ! empty( $image['has_file'] ) ) {
				// Stored as a file on the hosted service: shown through Actions::image().
				$src = add_query_arg(
					array(
						'action'   => 'igny8_image',
						'id'       => (int) $image['id'],
						'_wpnonce' => wp_create_nonce( 'igny8_image' ),
					),
					admin_url( 'admin-post.php' )
				);
			}
			echo '<figure class="igny8-image">';
			if ( '' !== $src && 'generated' === ( $image['status'] ?? '' ) ) {
				printf( '<img src="%s" alt="%s">', esc_url( $src ), esc_attr( (string) ( $image['alt_text'] ?? '' ) ) );
			}
			printf( '<figcaption>%s · %s<br>%s</figcaption>', esc_html( Ui::label( (string) ( $image['kind'] ?? $image['image_type'] ?? '' ) ) ), Ui::status( $image['status'] ?? '' ), esc_html( wp_trim_words( (string) ( $image['prompt'] ?? '' ), 20 ) ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the helpers called
			if ( ! $read_only && in_array( $image['status'] ?? '', array( 'generated', 'failed' ), true ) ) {
				// This one image again, from its prompt; the others stay as they are.
				echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="igny8-redraw">';
				Ui::form_fields( 'igny8_contents' );
				printf( '<input type="hidden" name="ids[]" value="%d"><input type="hidden" name="return" value="%d">', (int) $image['id'], (int) $id );
				printf( '<button class="button button-small" name="bulk" value="redraw">%s</button></form>', 'failed' === $image['status'] ? esc_html__( 'Try again', 'igny8' ) : esc_html__( 'Draw again', 'igny8' ) );
			}
			echo '</figure>';
		}
		if ( $read_only ) {
			echo '</div></div></div></div>';
			return;
		}
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		Ui::form_fields( 'igny8_contents' );
		printf( '<input type="hidden" name="ids[]" value="%d"><input type="hidden" name="return" value="%d">', (int) $id, (int) $id );
		$waiting = array_filter(
			$images,
			static function ( $image ) {
				return in_array( $image['status'] ?? '', array( 'pending', 'failed' ), true );
			}
		);
		if ( ! $images ) {
			echo '<p><button class="button button-primary" name="bulk" value="illustrate">' . esc_html__( 'Add images', 'igny8' ) . '</button></p>';
			echo '<p class="description">' . esc_html__( 'Writes the image prompts from the article, then draws a featured image and the images inside it.', 'igny8' ) . '</p>';
		} elseif ( $waiting ) {
			echo '<p><button class="button button-primary" name="bulk" value="generate_images">' . esc_html__( 'Draw the waiting images', 'igny8' ) . '</button></p>';
		}
		echo '<details class="igny8-image-steps"><summary>' . esc_html__( 'One step at a time', 'igny8' ) . '</summary><p>';
		echo '<button class="button" name="bulk" value="generate_image_prompts">' . esc_html__( 'Write image prompts', 'igny8' ) . '</button> ';
		echo '<button class="button" name="bulk" value="generate_images">' . esc_html__( 'Generate images', 'igny8' ) . '</button>';
		echo '</p><p class="description">' . esc_html__( 'Writing the prompts again keeps the images already drawn and replaces the others.', 'igny8' ) . '</p></details>';
		echo '</form></div></div>';
		echo '</div></div>';
	}

	/**
	 * The Send box: what sending will do before it is done — a new post, or which post it
	 * updates and in what status; edits made in WordPress since the last send, which are only
	 * replaced when the box is ticked; a live post goes back to draft only when that is the
	 * choice, named as such.
	 */
	private static function send_box( Backend $backend, int $id, array $plan ): void {
		$post_id = (int) $plan['post_id'];
		$now     = (string) $plan['post_status'];
		if ( '' !== $plan['error'] ) {
			echo '<div class="notice notice-error inline"><p>' . esc_html( $plan['error'] ) . '</p></div>';
			return;
		}
		if ( $post_id ) {
			printf(
				'<p class="igny8-linked">%s</p>',
				wp_kses_post(
					sprintf(
						/* translators: 1: link to the post in the editor, 2: its status in words, 3: link to view it */
						__( 'Updates %1$s (%2$s, %3$s).', 'igny8' ),
						'<a href="' . esc_url( (string) get_edit_post_link( $post_id ) ) . '">' . esc_html( sprintf( '“%s” #%d', wp_strip_all_tags( get_the_title( $post_id ) ), $post_id ) ) . '</a>',
						esc_html( Publisher::status_label( $now ) ),
						'<a href="' . esc_url( (string) get_permalink( $post_id ) ) . '" target="_blank" rel="noopener">' . esc_html__( 'view', 'igny8' ) . '</a>'
					)
				)
			);
		} else {
			echo '<p class="igny8-linked">' . esc_html__( 'Creates a new WordPress post.', 'igny8' ) . '</p>';
		}
		if ( ! current_user_can( 'edit_posts' ) || Plugin::read_only() ) {
			return;
		}
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		Ui::form_fields( 'igny8_send' );
		printf( '<input type="hidden" name="content_id" value="%d">', (int) $id );
		$live = in_array( $now, Publisher::LIVE, true );
		if ( 'publish' === $now || 'private' === $now ) {
			$choices = array(
				'publish'   => __( 'Keep it published', 'igny8' ),
				'future'    => __( 'Schedule it (offline until then)', 'igny8' ),
				'unpublish' => __( 'Back to draft (takes it offline)', 'igny8' ),
			);
			$default = 'publish';
		} elseif ( 'future' === $now ) {
			$choices = array(
				'future'    => __( 'Keep it scheduled', 'igny8' ),
				'publish'   => __( 'Publish it now', 'igny8' ),
				'unpublish' => __( 'Back to draft (unschedules it)', 'igny8' ),
			);
			$default = 'future';
		} else {
			$choices = array(
				'draft'   => __( 'Draft', 'igny8' ),
				'publish' => __( 'Published post', 'igny8' ),
				'future'  => __( 'Scheduled post', 'igny8' ),
			);
			$default = $post_id ? 'draft' : (string) self::setting( $backend, 'publish.status', 'draft' );
		}
		echo '<p><label for="igny8-send-status">' . esc_html__( 'As', 'igny8' ) . '</label> <select name="status" id="igny8-send-status">';
		foreach ( $choices as $value => $label ) {
			printf( '<option value="%s"%s>%s</option>', esc_attr( $value ), selected( $value, $default, false ), esc_html( $label ) );
		}
		echo '</select></p>';
		$when = 'future' === $now ? (string) get_post_field( 'post_date', $post_id ) : '';
		printf(
			'<p class="igny8-send-date"><label for="igny8-send-date">%s</label><br><input type="datetime-local" name="date" id="igny8-send-date" value="%s"></p>',
			esc_html__( 'Publish on (for scheduled posts)', 'igny8' ),
			esc_attr( '' !== $when ? substr( str_replace( ' ', 'T', $when ), 0, 16 ) : '' )
		);
		if ( $post_id && $plan['edits'] ) {
			echo '<div class="notice notice-warning inline igny8-edited"><p>';
			printf(
				/* translators: %s: what changed, e.g. "the title, the body" */
				esc_html__( 'Edited in WordPress since IGNY8 last sent it: %s. Sending replaces those edits with the article as it is here.', 'igny8' ),
				esc_html( implode( ', ', $plan['edits'] ) )
			);
			echo '</p><p><label><input type="checkbox" name="replace_edits" value="1" required> ' . esc_html__( 'Replace the edits made in WordPress', 'igny8' ) . '</label></p></div>';
		}
		submit_button( $post_id ? ( $live ? __( 'Update the live post', 'igny8' ) : __( 'Update the WordPress post', 'igny8' ) ) : __( 'Send to WordPress', 'igny8' ), 'primary', 'send', false );
		echo '</form>';
	}

	/** The score as a badge: good (80 and up), fair (50 and up), poor. */
	public static function score( int $score ): string {
		$band = $score >= 80 ? 'good' : ( $score >= 50 ? 'fair' : 'poor' );
		/* translators: %d: an SEO score from 0 to 100 */
		return sprintf( '<span class="igny8-score igny8-score-%s">%s</span>', esc_attr( $band ), esc_html( sprintf( __( '%d/100', 'igny8' ), $score ) ) );
	}

	/** The content's SEO checks, as IGNY8 computed them: what passed, what to fix and how. */
	private static function seo_checks( array $content ): void {
		$checks = (array) ( $content['checks'] ?? array() );
		if ( ! $checks ) {
			return;
		}
		$labels = \Igny8\WP\Editor::check_labels();
		echo '<div class="postbox igny8-seo"><div class="postbox-header"><h2>' . esc_html__( 'SEO checks', 'igny8' ) . ' ' . self::score( (int) ( $content['score'] ?? 0 ) ) . '</h2></div><div class="inside"><ul class="igny8-checks">'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by the helpers called
		foreach ( $checks as $check ) {
			$passed = ! empty( $check['passed'] );
			printf(
				'<li class="%s"><span class="igny8-verdict">%s</span> <strong>%s</strong>: %s%s</li>',
				$passed ? 'igny8-pass' : 'igny8-fail',
				esc_html( $passed ? __( 'Passed', 'igny8' ) : __( 'To fix', 'igny8' ) ),
				esc_html( $labels[ $check['id'] ] ?? (string) $check['id'] ),
				esc_html( (string) $check['value'] ),
				'' !== (string) $check['hint'] ? '<br><span class="igny8-hint">' . esc_html( (string) $check['hint'] ) . '</span>' : ''
			);
		}
		echo '</ul></div></div>';
	}

	/** An account setting's effective value. */
	public static function setting( Backend $backend, string $key, $fallback ) {
		static $settings = null;
		if ( null === $settings ) {
			$settings = array();
			try {
				foreach ( Ui::rows( $backend->settings() ) as $setting ) {
					$settings[ $setting['key'] ] = $setting['value'];
				}
			} catch ( Backend_Error $e ) { // phpcs:ignore Generic.CodeAnalysis.EmptyStatement.DetectedCatch -- the defaults apply then
				// Defaults then.
			}
		}
		return $settings[ $key ] ?? $fallback;
	}
}
