<?php
/**
 * Deleting the plugin: its data goes only when "Delete data on uninstall" was chosen in
 * IGNY8 → Settings. Then every table whose name starts with `{$wpdb->prefix}igny8_` is
 * dropped and the plugin's options, transients and capability are removed.
 *
 * @package Igny8
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

/** Removes one blog's IGNY8 data if its owner chose so. */
function igny8_uninstall_blog(): void {
	global $wpdb;
	wp_clear_scheduled_hook( 'igny8_run_jobs' );
	wp_clear_scheduled_hook( 'igny8_run_jobs', array( 'now' ) );
	wp_clear_scheduled_hook( 'igny8_sync_links' );
	$options = get_option( 'igny8_options', array() );
	if ( empty( $options['delete_data'] ) ) {
		return;
	}
	$like   = $wpdb->esc_like( $wpdb->prefix . 'igny8_' ) . '%';
	$tables = $wpdb->get_col( $wpdb->prepare( 'SHOW TABLES LIKE %s', $like ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- listing the plugin's own tables has no WordPress API
	if ( $tables ) {
		$wpdb->query( 'SET FOREIGN_KEY_CHECKS = 0' ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- dropping the plugin's own tables has no WordPress API
		foreach ( $tables as $table ) {
			$wpdb->query( 'DROP TABLE IF EXISTS `' . str_replace( '`', '``', $table ) . '`' ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the names come from SHOW TABLES and are quoted
		}
		$wpdb->query( 'SET FOREIGN_KEY_CHECKS = 1' ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- dropping the plugin's own tables has no WordPress API
	}
	delete_option( 'igny8_options' );
	delete_option( 'igny8_remote_links' );
	delete_option( 'igny8_links_synced' );
	delete_option( 'igny8_keys_tested' );
	// Transients, and what follows unfinished jobs (igny8_then_{job}, Jobs::then()): by prefix,
	// as there is no API to list options.
	$wpdb->query( // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- deleting by prefix has no WordPress API
		$wpdb->prepare(
			"DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s OR option_name LIKE %s",
			$wpdb->esc_like( '_transient_igny8_' ) . '%',
			$wpdb->esc_like( '_transient_timeout_igny8_' ) . '%',
			$wpdb->esc_like( 'igny8_then_' ) . '%'
		)
	);
	delete_metadata( 'user', 0, 'igny8_connect_notice_dismissed', '', true );
	delete_metadata( 'user', 0, 'igny8_checklist_hidden', '', true );
	foreach ( wp_roles()->role_objects as $role ) {
		$role->remove_cap( 'manage_igny8' );
	}
}

if ( is_multisite() ) {
	foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $blog_id ) {
		switch_to_blog( $blog_id );
		igny8_uninstall_blog();
		restore_current_blog();
	}
} else {
	igny8_uninstall_blog();
}
