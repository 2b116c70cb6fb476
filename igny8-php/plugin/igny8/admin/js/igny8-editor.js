/**
 * IGNY8 in the block editor: a sidebar for a post made from IGNY8 content (see
 * includes/class-editor.php), written against WordPress's script globals (no build step).
 *
 * - SEO score and checks of the post as it stands in the editor, asked again a second and a
 *   half after the title, body or slug last changed (and on *Check again*).
 * - Internal links: pages of the site to link to, each with the article's words to carry the
 *   link; *Insert link* turns the first appearance of those words in a paragraph or list
 *   item (outside links) into the link, through the block's rich text, as one undoable edit.
 */
( function ( wp ) {
	'use strict';

	if ( ! wp || ! wp.plugins || ! wp.editPost || ! window.igny8Editor ) {
		return;
	}
	var el = wp.element.createElement;
	var useState = wp.element.useState;
	var useEffect = wp.element.useEffect;
	var useRef = wp.element.useRef;
	var Fragment = wp.element.Fragment;
	var components = wp.components;
	var useSelect = wp.data.useSelect;
	var __ = wp.i18n.__;
	var sprintf = wp.i18n.sprintf;
	var settings = window.igny8Editor;
	var ICON = 'chart-line';

	function call( what, data ) {
		return wp.apiFetch( {
			path: '/igny8/v1/editor/' + settings.post + '/' + what,
			method: 'POST',
			data: data
		} );
	}

	function band( score ) {
		return score >= 80 ? 'good' : ( score >= 50 ? 'fair' : 'poor' );
	}

	/** The first whole-word, case-insensitive `words` in `text`: [start, end] or null. */
	function findWords( text, words ) {
		var escaped = words.trim().replace( /[.*+?^${}()|[\]\\]/g, '\\$&' ).replace( /\s+/g, '\\s+' );
		var pattern;
		try {
			pattern = new RegExp( '(^|[^\\p{L}\\p{N}])(' + escaped + ')(?![\\p{L}\\p{N}])', 'iu' );
		} catch ( e ) {
			pattern = new RegExp( '(^|\\W)(' + escaped + ')(?!\\w)', 'i' );
		}
		var found = pattern.exec( text );
		if ( ! found ) {
			return null;
		}
		var start = found.index + found[ 1 ].length;
		return [ start, start + found[ 2 ].length ];
	}

	/** Whether any character of value[start, end) already carries a link. */
	function linked( value, start, end ) {
		for ( var i = start; i < end; i++ ) {
			var formats = value.formats[ i ] || [];
			for ( var j = 0; j < formats.length; j++ ) {
				if ( formats[ j ] && formats[ j ].type === 'core/link' ) {
					return true;
				}
			}
		}
		return false;
	}

	/** Every block, inner blocks included, in document order. */
	function allBlocks( blocks, out ) {
		blocks.forEach( function ( block ) {
			out.push( block );
			allBlocks( block.innerBlocks || [], out );
		} );
		return out;
	}

	/**
	 * Links the first appearance of `anchor` (outside links) in a paragraph or list item to
	 * `url`; whether it found one.
	 */
	function insertLink( anchor, url ) {
		var editor = wp.data.select( 'core/block-editor' );
		var blocks = allBlocks( editor.getBlocks(), [] );
		for ( var i = 0; i < blocks.length; i++ ) {
			var block = blocks[ i ];
			if ( [ 'core/paragraph', 'core/list-item' ].indexOf( block.name ) === -1 || typeof block.attributes.content !== 'string' ) {
				continue;
			}
			var value = wp.richText.create( { html: block.attributes.content } );
			var at = findWords( value.text, anchor );
			if ( ! at || linked( value, at[ 0 ], at[ 1 ] ) ) {
				continue;
			}
			var changed = wp.richText.applyFormat( value, { type: 'core/link', attributes: { url: url } }, at[ 0 ], at[ 1 ] );
			wp.data.dispatch( 'core/block-editor' ).updateBlockAttributes( block.clientId, {
				content: wp.richText.toHTMLString( { value: changed } )
			} );
			return true;
		}
		return false;
	}

	function Score( props ) {
		return el( 'span', { className: 'igny8-editor-score igny8-editor-score-' + band( props.score ) }, sprintf( __( '%d/100', 'igny8' ), props.score ) );
	}

	function Checks( props ) {
		var report = props.report;
		if ( ! report ) {
			return el( components.Spinner );
		}
		var failed = report.checks.filter( function ( check ) {
			return ! check.passed;
		} );
		var ordered = failed.concat( report.checks.filter( function ( check ) {
			return check.passed;
		} ) );
		return el(
			Fragment,
			null,
			el( 'p', { className: 'igny8-editor-summary' },
				el( Score, { score: report.score } ), ' ',
				failed.length ?
					sprintf( __( '%d to fix', 'igny8' ), failed.length ) :
					__( 'Every check passes.', 'igny8' )
			),
			el( 'ul', { className: 'igny8-editor-checks' }, ordered.map( function ( check ) {
				return el( 'li', { key: check.id, className: check.passed ? 'igny8-pass' : 'igny8-fail' },
					el( 'strong', null, settings.labels[ check.id ] || check.id ), ': ', check.value,
					check.hint ? el( 'span', { className: 'igny8-editor-hint' }, check.hint ) : null
				);
			} ) )
		);
	}

	function Links( props ) {
		var state = useState( null );
		var links = state[ 0 ];
		var setLinks = state[ 1 ];
		var busy = useState( false );
		var said = useState( '' );

		function find() {
			busy[ 1 ]( true );
			said[ 1 ]( '' );
			call( 'links', { content: wp.data.select( 'core/editor' ).getEditedPostContent() } ).then( function ( found ) {
				setLinks( found );
				busy[ 1 ]( false );
			}, function ( error ) {
				said[ 1 ]( error.message );
				busy[ 1 ]( false );
			} );
		}

		function insert( link ) {
			if ( insertLink( link.anchor, link.to.url ) ) {
				setLinks( links.filter( function ( l ) {
					return l !== link;
				} ) );
				said[ 1 ]( sprintf( __( 'Linked “%1$s” to %2$s.', 'igny8' ), link.anchor, link.to.title ) );
				props.onChange();
			} else {
				said[ 1 ]( sprintf( __( '“%s” is no longer in a paragraph outside a link: find links again.', 'igny8' ), link.anchor ) );
			}
		}

		return el(
			Fragment,
			null,
			el( 'p', null, __( 'Pages of this site the article could link to, with the words that would carry the link.', 'igny8' ) ),
			el( components.Button, { variant: 'secondary', className: 'igny8-find-links', isBusy: busy[ 0 ], disabled: busy[ 0 ], onClick: find },
				links ? __( 'Find links again', 'igny8' ) : __( 'Find links', 'igny8' ) ),
			said[ 0 ] ? el( 'p', { className: 'igny8-editor-said', role: 'status' }, said[ 0 ] ) : null,
			links && ! links.length ? el( 'p', null, __( 'No page of the site fits words of this article that aren’t linked yet.', 'igny8' ) ) : null,
			links && links.length ? el( 'ul', { className: 'igny8-editor-links' }, links.map( function ( link ) {
				return el( 'li', { key: link.to.url },
					el( 'a', { href: link.to.url, target: '_blank', rel: 'noreferrer' }, link.to.title || link.to.url ),
					el( 'span', { className: 'igny8-editor-paragraph' }, sprintf( __( 'Words: “%s”', 'igny8' ), link.anchor ) ),
					el( components.Button, { variant: 'link', className: 'igny8-insert-link', onClick: function () {
						insert( link );
					} }, __( 'Insert link', 'igny8' ) )
				);
			} ) ) : null
		);
	}

	function Sidebar() {
		var edited = useSelect( function ( select ) {
			var editor = select( 'core/editor' );
			return {
				title: editor.getEditedPostAttribute( 'title' ),
				slug: editor.getEditedPostAttribute( 'slug' ),
				content: editor.getEditedPostContent()
			};
		}, [] );
		var reportState = useState( null );
		var errorState = useState( '' );
		var tick = useState( 0 );
		var timer = useRef( null );

		useEffect( function () {
			window.clearTimeout( timer.current );
			timer.current = window.setTimeout( function () {
				call( 'checks', { title: edited.title || '', content: edited.content || '', slug: edited.slug || '' } ).then( function ( report ) {
					reportState[ 1 ]( report );
					errorState[ 1 ]( '' );
				}, function ( error ) {
					errorState[ 1 ]( error.message );
				} );
			}, reportState[ 0 ] ? 1500 : 0 );
			return function () {
				window.clearTimeout( timer.current );
			};
		}, [ edited.title, edited.slug, edited.content, tick[ 0 ] ] );

		function again() {
			tick[ 1 ]( tick[ 0 ] + 1 );
		}

		return el(
			Fragment,
			null,
			el( wp.editPost.PluginSidebarMoreMenuItem, { target: 'igny8-sidebar', icon: ICON }, __( 'IGNY8', 'igny8' ) ),
			el(
				wp.editPost.PluginSidebar,
				{ name: 'igny8-sidebar', title: __( 'IGNY8', 'igny8' ), icon: ICON, className: 'igny8-editor-sidebar' },
				el( components.PanelBody, { title: __( 'SEO checks', 'igny8' ), initialOpen: true, className: 'igny8-editor-seo' },
					errorState[ 0 ] ? el( components.Notice, { status: 'error', isDismissible: false }, errorState[ 0 ] ) : null,
					el( Checks, { report: reportState[ 0 ] } ),
					el( components.Button, { variant: 'secondary', onClick: again, className: 'igny8-check-again' }, __( 'Check again', 'igny8' ) ),
					settings.preview ? el( 'p', null, el( 'a', { href: settings.preview }, __( 'Open the article in IGNY8', 'igny8' ) ) ) : null
				),
				el( components.PanelBody, { title: __( 'Internal links', 'igny8' ), initialOpen: true, className: 'igny8-editor-links-panel' },
					el( Links, { onChange: again } )
				)
			)
		);
	}

	wp.plugins.registerPlugin( 'igny8', { render: Sidebar, icon: ICON } );
}( window.wp ) );
