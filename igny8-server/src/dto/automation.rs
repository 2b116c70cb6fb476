//! Automation rules and runs on the wire: the core's typed rule settings (cron expression,
//! time zone, slots, cluster mode) in the text forms clients send and read.

use igny8_core::automation as a;
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;

use super::patch;
use super::system::Job;
use super::{E, Time};

/// A site's automation rule set. A rule whose stored schedule can no longer be read shows
/// with `cron` and `every_hours` null (and `timezone` `UTC` if the zone was the problem) until
/// a new schedule is given.
#[derive(Debug, Object)]
pub struct AutomationRule {
    /// The rule's id, as in `automation/rules/{id}/`.
    pub id: i64,
    /// The site it works on (fixed once the rule exists).
    pub site_id: i64,
    /// Only this sector of the site (all when null).
    #[oai(nullable)]
    pub sector_id: Option<i64>,
    /// A name to recognise the rule by.
    pub name: String,
    /// Whether its schedule runs it (a paused rule can still be run by hand).
    pub is_active: bool,
    /// The stages that run, in pipeline order.
    pub stages: Vec<E<a::Stage>>,
    /// Items per stage per run (clusters, ideas, tasks, content, images, posts).
    pub items_per_run: i64,
    /// Keywords the cluster stage takes per run.
    pub keywords_per_run: i64,
    /// `ai` or `local` clustering.
    pub cluster_mode: String,
    /// Ideas per cluster (the account's `ideas.per_cluster` setting when null).
    #[oai(nullable)]
    pub ideas_per_cluster: Option<i64>,
    /// Words per article (each task's own target when null).
    #[oai(nullable)]
    pub word_count: Option<i64>,
    /// Cron expression (minute hour day-of-month month day-of-week), or null with `every_hours`.
    #[oai(nullable)]
    pub cron: Option<String>,
    /// Every N hours, or null with `cron`.
    #[oai(nullable)]
    pub every_hours: Option<i64>,
    /// IANA time zone of the schedule, the slots and the monthly budget.
    pub timezone: String,
    /// Most credits per run (null: no limit).
    #[oai(nullable)]
    pub budget_per_run: Option<i64>,
    /// Most credits per calendar month (null: no limit).
    #[oai(nullable)]
    pub budget_per_month: Option<i64>,
    /// Whether posts are sent as drafts or scheduled into the publish slots.
    pub publish_mode: E<a::PublishMode>,
    /// Weekly publish slots in the rule's time zone, sorted, e.g. `mon 09:00`.
    pub publish_slots: Vec<String>,
    /// Next scheduled run (null while paused).
    #[oai(nullable)]
    pub next_run_at: Option<Time>,
    /// When it last started a run, scheduled or manual.
    #[oai(nullable)]
    pub last_run_at: Option<Time>,
    /// The last publish slot given to a post; the next scheduled post gets a later one.
    #[oai(nullable)]
    pub last_slot_at: Option<Time>,
    /// When the rule was made; an `every_hours` schedule counts from here.
    pub created_at: Time,
    /// When its settings last changed.
    pub updated_at: Time,
}

impl From<a::AutomationRule> for AutomationRule {
    /// The core's typed settings in their text forms: the cron expression as given
    /// (whitespace collapsed), the zone's IANA name, slots as `mon 09:00`.
    fn from(r: a::AutomationRule) -> Self {
        let s = r.settings;
        Self {
            id: r.id.get(),
            site_id: s.site_id.get(),
            sector_id: s.sector_id.map(|s| s.get()),
            name: s.name,
            is_active: s.is_active,
            stages: s.stages.into_iter().map(E).collect(),
            items_per_run: s.items_per_run,
            keywords_per_run: s.keywords_per_run,
            cluster_mode: s.cluster_mode.as_str().to_owned(),
            ideas_per_cluster: s.ideas_per_cluster,
            word_count: s.word_count,
            cron: s.cron.map(|c| c.to_string()),
            every_hours: s.every_hours,
            timezone: s.timezone.name().to_owned(),
            budget_per_run: s.budget_per_run,
            budget_per_month: s.budget_per_month,
            publish_mode: E(s.publish_mode),
            publish_slots: s.publish_slots.iter().map(|s| s.to_string()).collect(),
            next_run_at: r.next_run_at,
            last_run_at: r.last_run_at,
            last_slot_at: r.last_slot_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A rule's fields: for create, `site_id`, `name` and a schedule (`cron` or `every_hours`) are
/// required; for update, the fields given change (null clears an optional one).
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct RuleInput {
    /// The site (create only: a rule's site can't change).
    #[oai(nullable)]
    pub site_id: Option<i64>,
    /// One sector of the site, or null for all.
    #[oai(nullable)]
    pub sector_id: MaybeUndefined<i64>,
    /// A name to recognise the rule by, 1–255 characters.
    #[oai(nullable)]
    pub name: Option<String>,
    /// Whether its schedule runs it (default true).
    #[oai(nullable)]
    pub is_active: Option<bool>,
    /// Stages to run (default: all but publish).
    #[oai(nullable)]
    pub stages: Option<Vec<E<a::Stage>>>,
    /// Items per stage per run, 1–100 (default 5).
    #[oai(nullable)]
    pub items_per_run: Option<i64>,
    /// Keywords the cluster stage takes per run, 1–5000 (default 100).
    #[oai(nullable)]
    pub keywords_per_run: Option<i64>,
    /// `ai` (default) or `local`.
    #[oai(nullable)]
    pub cluster_mode: Option<String>,
    /// Ideas per cluster, or null for the account's `ideas.per_cluster` setting.
    #[oai(nullable)]
    pub ideas_per_cluster: MaybeUndefined<i64>,
    /// Words per article, or null for each task's own target.
    #[oai(nullable)]
    pub word_count: MaybeUndefined<i64>,
    /// Cron expression, e.g. `0 9 * * mon-fri` (replaces `every_hours`).
    #[oai(nullable)]
    pub cron: MaybeUndefined<String>,
    /// Every N hours, 1–744 (replaces `cron`).
    #[oai(nullable)]
    pub every_hours: MaybeUndefined<i64>,
    /// IANA time zone (default `UTC`).
    #[oai(nullable)]
    pub timezone: Option<String>,
    /// Credits per run, or null for no limit.
    #[oai(nullable)]
    pub budget_per_run: MaybeUndefined<i64>,
    /// Credits per month, or null for no limit.
    #[oai(nullable)]
    pub budget_per_month: MaybeUndefined<i64>,
    /// `draft` (default) or `schedule`.
    #[oai(nullable)]
    pub publish_mode: Option<E<a::PublishMode>>,
    /// Weekly slots for scheduled posts, e.g. `["mon 09:00", "wed 09:00", "fri 09:00"]`.
    #[oai(nullable)]
    pub publish_slots: Option<Vec<String>>,
}

impl From<RuleInput> for a::RuleInput {
    fn from(r: RuleInput) -> Self {
        Self {
            site_id: r.site_id.map(igny8_core::SiteId),
            sector_id: patch(r.sector_id, igny8_core::SectorId),
            name: r.name,
            is_active: r.is_active,
            stages: r.stages.map(|s| s.into_iter().map(|e| e.0).collect()),
            items_per_run: r.items_per_run,
            keywords_per_run: r.keywords_per_run,
            cluster_mode: r.cluster_mode,
            ideas_per_cluster: patch(r.ideas_per_cluster, |v| v),
            word_count: patch(r.word_count, |v| v),
            cron: patch(r.cron, |v| v),
            every_hours: patch(r.every_hours, |v| v),
            timezone: r.timezone,
            budget_per_run: patch(r.budget_per_run, |v| v),
            budget_per_month: patch(r.budget_per_month, |v| v),
            publish_mode: r.publish_mode.map(|e| e.0),
            publish_slots: r.publish_slots,
        }
    }
}

/// One run of a rule: what started it, its credits, and its job, whose `result.stages` says
/// per stage what it did (`status`: done, partial, nothing_to_do, skipped, failed; `items`,
/// `credits`, `job_id`, `message`, `detail`).
#[derive(Debug, Object)]
pub struct AutomationRun {
    /// The run's id, as in `automation/runs/{id}/` (its job has an id of its own).
    pub id: i64,
    /// The site it works on: its rule's site.
    pub site_id: i64,
    /// The rule it is a run of.
    pub rule_id: i64,
    /// What started it: its schedule or someone asking.
    pub trigger: E<a::RunTrigger>,
    /// The schedule time it stands for (the request time of a manual run).
    pub scheduled_for: Time,
    /// Credits its stages were charged.
    pub credits: i64,
    /// When the run was started (its job may begin later).
    pub created_at: Time,
    /// Its job: status, progress, and in `result.stages` what each stage did.
    pub job: Job,
}

impl From<a::AutomationRun> for AutomationRun {
    fn from(r: a::AutomationRun) -> Self {
        Self {
            id: r.id.get(),
            site_id: r.site_id.get(),
            rule_id: r.rule_id.get(),
            trigger: E(r.trigger),
            scheduled_for: r.scheduled_for,
            credits: r.credits,
            created_at: r.created_at,
            job: r.job.into(),
        }
    }
}
