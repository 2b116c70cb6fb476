<?php
/**
 * Plugin Name:       IGNY8
 * Plugin URI:        https://github.com/igny8/igny8
 * Description:       Keyword research to published articles: plan keywords, clusters and ideas, generate illustrated articles in the background and send them to WordPress as drafts or posts. Runs on the IGNY8 PHP extension or on the hosted IGNY8 API.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * Author:            IGNY8
 * License:           MIT
 * Text Domain:       igny8
 * Domain Path:       /languages
 *
 * @package Igny8
 */

defined( 'ABSPATH' ) || exit;

define( 'IGNY8_PLUGIN_VERSION', '0.1.0' );
define( 'IGNY8_PLUGIN_FILE', __FILE__ );
define( 'IGNY8_PLUGIN_DIR', plugin_dir_path( __FILE__ ) );

require_once IGNY8_PLUGIN_DIR . 'includes/class-backend.php';
require_once IGNY8_PLUGIN_DIR . 'includes/class-backend-error.php';
require_once IGNY8_PLUGIN_DIR . 'includes/class-native-backend.php';
require_once IGNY8_PLUGIN_DIR . 'includes/class-remote-backend.php';
require_once IGNY8_PLUGIN_DIR . 'includes/class-secrets.php';
require_once IGNY8_PLUGIN_DIR . 'includes/class-options.php';
require_once IGNY8_PLUGIN_DIR . 'includes/class-plugin.php';
require_once IGNY8_PLUGIN_DIR . 'includes/class-jobs.php';
require_once IGNY8_PLUGIN_DIR . 'includes/class-publisher.php';
require_once IGNY8_PLUGIN_DIR . 'includes/class-link-inventory.php';
require_once IGNY8_PLUGIN_DIR . 'includes/class-editor.php';

register_activation_hook( __FILE__, array( '\Igny8\WP\Plugin', 'activate' ) );
register_deactivation_hook( __FILE__, array( '\Igny8\WP\Plugin', 'deactivate' ) );

\Igny8\WP\Plugin::boot();

if ( is_admin() ) {
	require_once IGNY8_PLUGIN_DIR . 'includes/admin/class-ui.php';
	require_once IGNY8_PLUGIN_DIR . 'includes/admin/class-admin.php';
	require_once IGNY8_PLUGIN_DIR . 'includes/admin/class-actions.php';
	require_once IGNY8_PLUGIN_DIR . 'includes/admin/class-pages.php';
	require_once IGNY8_PLUGIN_DIR . 'includes/admin/class-lists.php';
	require_once IGNY8_PLUGIN_DIR . 'includes/admin/class-forms.php';
	require_once IGNY8_PLUGIN_DIR . 'includes/admin/class-settings-page.php';
	\Igny8\WP\Admin\Admin::boot();
}
