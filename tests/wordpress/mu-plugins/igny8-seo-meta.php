<?php
/**
 * Plugin Name: IGNY8 test SEO meta
 * Description: Test-site stand-in for Yoast SEO / Rank Math: exposes their post meta keys in the REST API.
 *
 * On a real site Yoast SEO and Rank Math register these keys themselves. Without a
 * registration WordPress ignores them in `meta` of a REST request, and keys starting
 * with "_" are "protected" meta that can only be written when an auth_callback allows it.
 */
add_action('init', static function (): void {
    $keys = ['_yoast_wpseo_title', '_yoast_wpseo_metadesc', '_yoast_wpseo_focuskw', 'rank_math_title', 'rank_math_description', 'rank_math_focus_keyword'];
    foreach ($keys as $key) {
        register_post_meta('post', $key, [
            'type' => 'string',
            'single' => true,
            'show_in_rest' => true,
            'auth_callback' => static function ($allowed, $meta_key, $post_id): bool {
                return current_user_can('edit_post', $post_id);
            },
        ]);
    }
});
