/**
 * IGNY8 admin: live progress of background jobs, "select all" in the settings tables, and a
 * confirmation before anything is deleted permanently.
 *
 * Every `.igny8-job[data-job]` box polls GET igny8/v1/jobs/{id} (with the wp_rest nonce)
 * about once a second and shows the status, phase, message and a progress bar until the job
 * has finished; then it shows the result and a button to reload the list. When the service
 * (or WordPress) can't be reached, the box says so and keeps trying by itself, less and less
 * often (up to every 30 seconds), for as long as the page is open: an outage of any length
 * ends with the box showing the job again, without a reload.
 */
( function () {
	'use strict';

	var settings = window.igny8Admin || {};
	var __ = ( window.wp && window.wp.i18n && window.wp.i18n.__ ) || function ( s ) { return s; };
	var FINISHED = [ 'succeeded', 'failed', 'cancelled' ];

	/** A job's status and phase as a person reads them (IGNY8 reports machine words). */
	var STATUSES = {
		queued: __( 'Waiting', 'igny8' ),
		running: __( 'Running', 'igny8' ),
		succeeded: __( 'Done', 'igny8' ),
		failed: __( 'Failed', 'igny8' ),
		cancelled: __( 'Cancelled', 'igny8' )
	};
	var PHASES = {
		starting: __( 'Starting', 'igny8' ),
		queued: '',
		prepare: __( 'Preparing', 'igny8' ),
		prompt: __( 'Preparing', 'igny8' ),
		call: __( 'Asking the AI', 'igny8' ),
		parse: __( 'Reading the answer', 'igny8' ),
		save: __( 'Saving', 'igny8' ),
		retrying: __( 'Trying again soon', 'igny8' ),
		done: '',
		cancelled: '',
		failed: ''
	};

	function words( map, value ) {
		if ( ! value ) {
			return '';
		}
		return Object.prototype.hasOwnProperty.call( map, value ) ? map[ value ] : String( value ).replace( /_/g, ' ' );
	}

	function api( path, method ) {
		return window.fetch( settings.root + path, {
			method: method || 'GET',
			credentials: 'same-origin',
			headers: { 'X-WP-Nonce': settings.nonce, Accept: 'application/json' }
		} ).then( function ( response ) {
			return response.json().catch( function () {
				return null;
			} ).then( function ( body ) {
				if ( ! response.ok ) {
					throw new Error( ( body && body.message ) || response.statusText || __( 'The server did not answer.', 'igny8' ) );
				}
				return body;
			} );
		}, function () {
			throw new Error( __( 'WordPress could not be reached.', 'igny8' ) );
		} );
	}

	/** A short, human summary of a job's result object. */
	function summary( job ) {
		if ( job.status === 'failed' ) {
			return job.error || __( 'The job failed.', 'igny8' );
		}
		if ( job.status === 'cancelled' ) {
			return __( 'The job was cancelled.', 'igny8' );
		}
		if ( job.summary ) {
			return job.summary;
		}
		var result = job.result || {};
		var parts = [];
		Object.keys( result ).forEach( function ( key ) {
			var value = result[ key ];
			if ( typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ) {
				parts.push( key.replace( /_/g, ' ' ) + ': ' + value );
			} else if ( Array.isArray( value ) ) {
				parts.push( key.replace( /_/g, ' ' ) + ': ' + value.length );
			}
		} );
		return parts.length ? parts.join( ' · ' ) : __( 'Done.', 'igny8' );
	}

	function watch( box ) {
		var id = box.getAttribute( 'data-job' );
		var bar = box.querySelector( '.igny8-progress-bar' );
		var track = box.querySelector( '.igny8-progress' );
		var status = box.querySelector( '.igny8-job-status' );
		var phase = box.querySelector( '.igny8-job-phase' );
		var message = box.querySelector( '.igny8-job-message' );
		var result = box.querySelector( '.igny8-job-result' );
		var cancel = box.querySelector( '.igny8-job-cancel' );
		var reload = box.querySelector( '.igny8-job-reload' );
		var next = box.querySelector( '.igny8-job-next' );
		var title = box.querySelector( '.igny8-job-title strong' );
		var failures = 0;

		function show( job ) {
			var progress = Math.max( 0, Math.min( 100, job.progress || 0 ) );
			if ( job.status === 'succeeded' ) {
				progress = 100;
			}
			bar.style.width = progress + '%';
			track.setAttribute( 'aria-valuenow', String( progress ) );
			status.textContent = words( STATUSES, job.status );
			status.className = 'igny8-job-status igny8-status igny8-status-' + job.status;
			phase.textContent = words( PHASES, job.phase );
			message.textContent = job.message || '';
			box.setAttribute( 'data-status', job.status );
		}

		function finish( job ) {
			box.classList.remove( 'notice-info' );
			box.classList.add( job.status === 'succeeded' ? 'notice-success' : 'notice-error' );
			result.textContent = summary( job ) + ( job.followed && job.followed.error ? ' ' + job.followed.error : '' );
			result.hidden = false;
			cancel.hidden = true;
			reload.hidden = false;
			if ( next && job.status === 'succeeded' && job.next && job.next.url ) {
				next.href = job.next.url;
				next.textContent = job.next.label;
				next.hidden = false;
			}
		}

		/**
		 * The job's next step started by itself (illustrating articles: prompts, then images):
		 * the box says what this one did and follows the new job.
		 */
		function follow( job ) {
			var done = box.querySelector( '.igny8-job-done' );
			var item = document.createElement( 'li' );
			item.textContent = title.textContent.replace( /\s*#\d+$/, '' ) + ': ' + summary( job );
			done.appendChild( item );
			done.hidden = false;
			id = String( job.followed.job );
			box.setAttribute( 'data-job', id );
			title.textContent = ( job.followed.title || __( 'Job', 'igny8' ) ) + ' #' + id;
			show( { status: 'queued', progress: 0, phase: '', message: __( 'Waiting for the background worker…', 'igny8' ) } );
			window.setTimeout( poll, settings.interval || 1000 );
		}

		function poll() {
			api( 'jobs/' + encodeURIComponent( id ) ).then( function ( job ) {
				failures = 0;
				box.classList.remove( 'igny8-job-unreachable' );
				if ( job.status === 'succeeded' && job.followed && job.followed.job ) {
					follow( job );
					return;
				}
				if ( job.status === 'succeeded' && job.followed && job.followed.pending ) {
					window.setTimeout( poll, settings.interval || 1000 );
					return;
				}
				show( job );
				if ( FINISHED.indexOf( job.status ) !== -1 ) {
					finish( job );
					return;
				}
				window.setTimeout( poll, settings.interval || 1000 );
			} ).catch( function ( error ) {
				failures += 1;
				var wait = Math.min( 30, 2 * failures );
				box.classList.add( 'igny8-job-unreachable' );
				message.textContent = error.message + ' ' + __( 'Trying again by itself; the job goes on meanwhile.', 'igny8' );
				window.setTimeout( poll, wait * 1000 );
			} );
		}

		cancel.addEventListener( 'click', function () {
			cancel.disabled = true;
			api( 'jobs/' + encodeURIComponent( id ) + '/cancel', 'POST' ).catch( function ( error ) {
				message.textContent = error.message;
				cancel.disabled = false;
			} );
		} );
		poll();
	}

	function checkAll( box ) {
		box.addEventListener( 'change', function () {
			var table = box.closest( 'table' );
			table.querySelectorAll( 'tbody input[type=checkbox][name="ids[]"]' ).forEach( function ( input ) {
				input.checked = box.checked;
			} );
		} );
	}

	/**
	 * Permanent deletes are confirmed first: the bulk action "Delete permanently" with the
	 * number of rows, and each row's own link with what it deletes (data-igny8-confirm).
	 */
	function confirmDeletes() {
		var i18n = ( window.wp && window.wp.i18n ) || null;
		document.querySelectorAll( 'form.igny8-bulk' ).forEach( function ( form ) {
			form.addEventListener( 'submit', function ( event ) {
				var select = form.querySelector( 'select[name=bulk]' );
				var count = form.querySelectorAll( 'input[name="ids[]"]:checked' ).length;
				if ( ! select || select.value !== 'delete' || ! count ) {
					return;
				}
				var text = i18n ?
					i18n.sprintf( i18n._n( 'Delete %d selected item permanently? This cannot be undone.', 'Delete %d selected items permanently? This cannot be undone.', count, 'igny8' ), count ) :
					'Delete ' + count + ' selected items permanently? This cannot be undone.';
				if ( ! window.confirm( text ) ) {
					event.preventDefault();
				}
			} );
		} );
		document.addEventListener( 'click', function ( event ) {
			var link = event.target.closest && event.target.closest( '[data-igny8-confirm]' );
			if ( link && ! window.confirm( link.getAttribute( 'data-igny8-confirm' ) ) ) {
				event.preventDefault();
			}
		} );
	}

	function scheduleField() {
		var select = document.getElementById( 'igny8-send-status' );
		var row = document.querySelector( '.igny8-send-date' );
		if ( ! select || ! row ) {
			return;
		}
		var sync = function () {
			row.hidden = select.value !== 'future';
		};
		select.addEventListener( 'change', sync );
		sync();
	}

	/**
	 * Settings → Connection: the sector list offers the chosen site's sectors only; with the
	 * site found by the address, the site's first sector (a sector is chosen within a site).
	 */
	function sitePicker() {
		var site = document.querySelector( '.igny8-site-picker' );
		var sector = document.querySelector( '.igny8-sector-picker' );
		if ( ! site || ! sector ) {
			return;
		}
		var sync = function () {
			var chosen = site.value;
			Array.prototype.forEach.call( sector.options, function ( option ) {
				var mine = option.value === '0' || option.getAttribute( 'data-site' ) === chosen;
				option.hidden = ! mine;
				option.disabled = ! mine;
				if ( ! mine && option.selected ) {
					sector.value = '0';
				}
			} );
			sector.disabled = chosen === '0';
			if ( chosen === '0' ) {
				sector.value = '0';
			}
		};
		site.addEventListener( 'change', sync );
		sync();
	}

	document.addEventListener( 'DOMContentLoaded', function () {
		sitePicker();
		document.querySelectorAll( '.igny8-job[data-job]' ).forEach( watch );
		document.querySelectorAll( '.igny8-check-all' ).forEach( checkAll );
		scheduleField();
		confirmDeletes();
	} );
}() );
