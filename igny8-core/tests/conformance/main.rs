//! The store's conformance suite: every case runs on SQLite, and on PostgreSQL and
//! MySQL/MariaDB when `IGNY8_TEST_POSTGRES_URL` / `IGNY8_TEST_MYSQL_URL` are set (each case in
//! its own fresh database, dropped afterwards). See `igny8_core::testing`.

mod ai;
mod auth;
mod automation;
mod credits;
mod inventory;
mod jobs;
mod keywords;
mod pipeline;
mod planner;
mod settings;
mod support;
mod tenancy;
mod writer;

/// Declares each case once per backend: `sqlite::case`, `postgres::case`, `mysql::case`.
macro_rules! conformance {
    ($($module:ident :: $case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    igny8_core::testing::run(igny8_core::Backend::Sqlite, crate::$module::$case).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    igny8_core::testing::run(igny8_core::Backend::Postgres, crate::$module::$case).await
                }
            )*
        }
        mod mysql {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    igny8_core::testing::run(igny8_core::Backend::MySql, crate::$module::$case).await
                }
            )*
        }
    };
}

conformance! {
    tenancy::the_default_plan_moves_but_never_disappears,
    automation::an_hourly_rule_runs_once_per_hour_and_once_after_an_outage,
    automation::every_n_hours_and_the_budget_stops_a_stage,
    automation::rules_are_checked_and_scoped,
    automation::an_unreadable_stored_schedule_lists_as_none_and_pauses,
    automation::a_rule_takes_keywords_to_illustrated_drafts_within_its_budget,
    ai::accounts_use_their_own_providers_over_the_defaults,
    ai::an_openai_text_key_serves_openai_images_too,
    ai::checking_a_key_costs_nothing_and_says_what_to_fix,
    ai::the_deployment_key_never_reaches_an_account_url,
    ai::stored_keys_are_bound_to_their_row_and_survive_rotation,
    pipeline::the_whole_pipeline_runs_and_is_charged_once,
    pipeline::generated_articles_link_only_to_pages_that_exist,
    pipeline::synced_wordpress_pages_are_link_targets_and_linked_back,
    inventory::recorded_pages_are_replaced_swept_and_scoped,
    inventory::articles_go_into_the_sites_own_categories,
    inventory::stale_inventories_get_one_sync_queued,
    inventory::queued_and_written_pages_report_what_they_compete_with,
    pipeline::an_article_without_its_keyword_up_front_is_asked_for_again,
    pipeline::an_article_answers_its_clusters_questions,
    planner::the_dashboard_counts_what_is_there,
    planner::keyword_figures_follow_every_write,
    planner::clusters_merge_with_their_keywords_ideas_and_tasks,
    pipeline::insufficient_credits_fail_before_any_model_call,
    pipeline::a_dead_workers_job_is_finished_once_and_charged_once,
    pipeline::a_reply_slower_than_the_lease_is_asked_for_and_paid_for_once,
    pipeline::a_hold_left_by_a_worker_dying_on_the_last_attempt_is_settled,
    pipeline::a_cancelled_job_is_charged_for_what_it_finished,
    pipeline::a_refused_unit_fails_alone,
    pipeline::a_models_markup_in_text_fields_is_stripped,
    pipeline::a_provider_outage_requeues_the_job_and_it_is_charged_once,
    pipeline::a_job_taken_over_after_its_last_unit_succeeds_and_is_charged,
    tenancy::registration_and_login,
    tenancy::plan_limits_name_the_limit,
    tenancy::other_tenants_objects_are_not_found,
    tenancy::roles_and_owners,
    tenancy::bulk_changes_are_all_or_nothing,
    tenancy::reopening_migrates_nothing,
    tenancy::upgrading_an_older_schema,
    tenancy::installs_connect_to_one_site,
    keywords::crud_and_normalised_uniqueness,
    keywords::filters_ordering_and_pages,
    keywords::cursor_pages_walk_the_whole_list,
    keywords::bulk_update_and_delete_stay_in_the_tenant,
    keywords::changes_by_filter_reach_every_match_and_no_other,
    keywords::plain_list_import_merges_duplicates,
    keywords::list_totals_match_the_rows_after_every_write,
    keywords::a_large_file_imports_as_a_job_that_reports_and_cleans_up,
    keywords::keyword_limit_applies_to_imports,
    keywords::export_reads_back_to_the_same_data,
    keywords::unreadable_file_writes_nothing,
    keywords::every_export_format_imports,
    keywords::bad_rows_are_reported_by_line,
    keywords::list_totals_follow_every_change,
    planner::clusters_crud_and_aggregates,
    planner::local_clustering_assigns_every_keyword,
    credits::two_hundred_reservations_against_fifty,
    credits::idempotency_keys_charge_once,
    credits::charge_and_release,
    credits::balance_never_negative_in_the_database,
    credits::usage_log_and_summary,
    writer::ideas_queue_to_writer_once,
    writer::tasks_content_and_images,
    writer::text_fields_are_plain_and_html_is_sanitised,
    writer::an_articles_questions_are_kept_checked_and_removed,
    writer::prompts_authors_and_strategies,
    writer::typed_settings_and_sealed_integrations,
    settings::ai_requests_take_what_they_leave_out_from_the_settings,
    settings::articles_take_tone_language_and_author_from_the_settings,
    settings::new_tasks_and_ideas_take_length_kind_and_structure,
    settings::publish_status_and_image_provider_follow_the_settings,
    automation::with_images_off_a_rule_skips_its_image_stages,
    jobs::concurrent_workers_never_share_a_job,
    jobs::expired_leases_are_taken_over,
    jobs::retries_and_cancellation,
    jobs::operators_see_every_accounts_jobs,
    auth::refresh_tokens_rotate_and_reuse_revokes,
    auth::web_sessions_end_when_signed_out_unused_or_expired,
    auth::api_keys_act_with_their_role_and_site,
    auth::rate_limit_counters_are_shared,
}
