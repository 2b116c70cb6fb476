//! Automation: an autopilot per site, from new keywords to scheduled posts.
//!
//! A [`AutomationRule`] names the stages that run on their own (cluster new keywords →
//! ideas for clusters without ideas → queue the best ideas → write → image prompts → images
//! → publish), how many items each takes per run, when it runs (a cron expression in a time
//! zone, or every N hours), the credits a run and a month may spend, and the weekly slots
//! posts are scheduled into.
//!
//! * **Scheduling.** Workers look for rules whose `next_run_at` has passed. Moving
//!   `next_run_at` forward, queueing the run's job and recording the run happen in one
//!   transaction conditional on `next_run_at` being unchanged, so two workers never start the
//!   same run. The next time is the schedule's first time after *now*: a rule that was due
//!   while every worker was down runs once when they come back, never once per missed time.
//! * **Runs** are jobs (kind `automation_run`) like any other: leased, retried, cancellable,
//!   with progress. Each stage queues the AI function's own job (so its credits and usage are
//!   recorded as always) and runs it in the same worker; a run taken over by another worker
//!   goes on from its checkpoint (stages done, the stage job in flight).
//! * **Budgets.** Before each stage its cost is estimated; a stage that would exceed what is
//!   left of the run's or the month's budget takes fewer items, and is skipped (and reported)
//!   when not even one fits.
//! * **Publish slots.** Scheduled posts get the next free slots, one post per slot; the last
//!   slot given out is remembered so the next run continues after it.

mod run;
pub mod schedule;
mod service;

pub use run::run_automation;
pub use service::Automation;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::enums::string_enum;
use crate::ids::*;
use crate::jobs::Job;

string_enum! {
    /// A stage of the pipeline, in the order a run takes them.
    pub enum Stage {
        /// Cluster keywords that have no cluster.
        Cluster => "cluster",
        /// Generate ideas for clusters that have none.
        Ideas => "ideas",
        /// Queue the best new ideas to the writer.
        Queue => "queue",
        /// Write the queued tasks.
        Content => "content",
        /// Image prompts for new content.
        ImagePrompts => "image_prompts",
        /// Generate the images whose prompts are ready.
        Images => "images",
        /// Publish finished content to the site's WordPress.
        Publish => "publish",
    }
}

string_enum! {
    /// How the publish stage sends posts.
    pub enum PublishMode {
        /// As drafts, for someone to review.
        Draft => "draft",
        /// Scheduled into the rule's publish slots.
        Schedule => "schedule",
    }
}

string_enum! {
    /// What started a run.
    pub enum RunTrigger {
        /// Its schedule.
        Schedule => "schedule",
        /// Someone asked ("run now").
        Manual => "manual",
    }
}

/// Most items a stage may take per run.
pub const MAX_ITEMS_PER_RUN: i64 = 100;
/// Most keywords the cluster stage may take per run.
pub const MAX_KEYWORDS_PER_RUN: i64 = 5000;
/// Most publish slots of a rule.
pub const MAX_SLOTS: usize = 70;

/// A site's automation rule set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutomationRule {
    /// Id.
    pub id: AutomationRuleId,
    /// The account.
    pub account_id: AccountId,
    /// The site it works on.
    pub site_id: SiteId,
    /// Only this sector of the site (all its sectors when `None`).
    pub sector_id: Option<SectorId>,
    /// Name.
    pub name: String,
    /// Whether its schedule runs it (a paused rule can still be run by hand).
    pub is_active: bool,
    /// The stages that run, in pipeline order.
    pub stages: Vec<Stage>,
    /// Items per stage per run (clusters, ideas, tasks, content, images, posts).
    pub items_per_run: i64,
    /// Keywords the cluster stage takes per run.
    pub keywords_per_run: i64,
    /// Cluster with the AI model (`ai`) or the free local clustering (`local`).
    pub cluster_mode: String,
    /// Ideas per cluster (the function's default when `None`).
    pub ideas_per_cluster: Option<i64>,
    /// Words per article (the function's default when `None`).
    pub word_count: Option<i64>,
    /// A cron expression (minute hour day month weekday), or `None` with `every_hours`.
    pub cron: Option<String>,
    /// Every this many hours, or `None` with `cron`.
    pub every_hours: Option<i64>,
    /// The time zone of the cron expression, the publish slots and the monthly budget.
    pub timezone: String,
    /// Most credits one run may spend (no limit when `None`).
    pub budget_per_run: Option<i64>,
    /// Most credits the rule's runs may spend per calendar month (no limit when `None`).
    pub budget_per_month: Option<i64>,
    /// How the publish stage sends posts.
    pub publish_mode: PublishMode,
    /// Weekly slots for scheduled posts, e.g. `mon 09:00`.
    pub publish_slots: Vec<String>,
    /// When its schedule runs it next (`None` while paused).
    pub next_run_at: Option<DateTime<Utc>>,
    /// When it last started a run.
    pub last_run_at: Option<DateTime<Utc>>,
    /// The last publish slot given to a post.
    pub last_slot_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A rule's fields, for create (site and a schedule required) and update (the ones given;
/// `Some(None)` clears an optional one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleInput {
    /// The site (create only).
    pub site_id: Option<SiteId>,
    /// One sector of the site, or all.
    #[serde(with = "double_option")]
    pub sector_id: Option<Option<SectorId>>,
    /// Name.
    pub name: Option<String>,
    /// Whether its schedule runs it.
    pub is_active: Option<bool>,
    /// The stages that run (any order; kept in pipeline order).
    pub stages: Option<Vec<Stage>>,
    /// Items per stage per run (1–100, default 5).
    pub items_per_run: Option<i64>,
    /// Keywords the cluster stage takes per run (1–5000, default 100).
    pub keywords_per_run: Option<i64>,
    /// `ai` (default) or `local`.
    pub cluster_mode: Option<String>,
    /// Ideas per cluster.
    #[serde(with = "double_option")]
    pub ideas_per_cluster: Option<Option<i64>>,
    /// Words per article.
    #[serde(with = "double_option")]
    pub word_count: Option<Option<i64>>,
    /// A cron expression (replaces `every_hours`).
    #[serde(with = "double_option")]
    pub cron: Option<Option<String>>,
    /// Every N hours (replaces `cron`).
    #[serde(with = "double_option")]
    pub every_hours: Option<Option<i64>>,
    /// IANA time zone (default `UTC`).
    pub timezone: Option<String>,
    /// Credits per run.
    #[serde(with = "double_option")]
    pub budget_per_run: Option<Option<i64>>,
    /// Credits per month.
    #[serde(with = "double_option")]
    pub budget_per_month: Option<Option<i64>>,
    /// `draft` (default) or `schedule`.
    pub publish_mode: Option<PublishMode>,
    /// Weekly slots, e.g. `["mon 09:00", "wed 09:00", "fri 09:00"]`.
    pub publish_slots: Option<Vec<String>>,
}

/// Serde for `Option<Option<T>>`: absent → `None`, `null` → `Some(None)`.
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<T: Serialize, S: Serializer>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// A rule as validated: what the store keeps (see [`Automation::create`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleRecord {
    /// The site.
    pub site_id: SiteId,
    /// One sector, or all.
    pub sector_id: Option<SectorId>,
    /// Name.
    pub name: String,
    /// Whether its schedule runs it.
    pub is_active: bool,
    /// Stages, in pipeline order.
    pub stages: Vec<Stage>,
    /// Items per stage per run.
    pub items_per_run: i64,
    /// Keywords per cluster stage.
    pub keywords_per_run: i64,
    /// `ai` or `local`.
    pub cluster_mode: String,
    /// Ideas per cluster.
    pub ideas_per_cluster: Option<i64>,
    /// Words per article.
    pub word_count: Option<i64>,
    /// Cron expression.
    pub cron: Option<String>,
    /// Period in hours.
    pub every_hours: Option<i64>,
    /// Time zone.
    pub timezone: String,
    /// Credits per run.
    pub budget_per_run: Option<i64>,
    /// Credits per month.
    pub budget_per_month: Option<i64>,
    /// Publish mode.
    pub publish_mode: PublishMode,
    /// Publish slots, normalised.
    pub publish_slots: Vec<String>,
    /// The next scheduled time.
    pub next_run_at: Option<DateTime<Utc>>,
}

/// Filters of the rule list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleFilter {
    /// Only this site's rules.
    pub site_id: Option<SiteId>,
    /// Only active (or paused) rules.
    pub is_active: Option<bool>,
}

/// One run of a rule, with its job (status, progress, and per stage what it did).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutomationRun {
    /// Id.
    pub id: AutomationRunId,
    /// The account.
    pub account_id: AccountId,
    /// The site.
    pub site_id: SiteId,
    /// The rule.
    pub rule_id: AutomationRuleId,
    /// What started it.
    pub trigger: RunTrigger,
    /// The schedule time it stands for (the request time of a manual run).
    pub scheduled_for: DateTime<Utc>,
    /// Credits its stages were charged so far.
    pub credits: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Its job: status, progress, and the stage reports in `result`.
    pub job: Job,
}

/// Filters of the run list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunFilter {
    /// Only this rule's runs.
    pub rule_id: Option<AutomationRuleId>,
    /// Only this site's runs.
    pub site_id: Option<SiteId>,
}

/// What a stage did in a run, as kept in the run's job result under `stages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageReport {
    /// The stage.
    pub stage: Stage,
    /// `done`, `nothing_to_do`, `skipped` (budget, no connection…), `failed` or `cancelled`.
    pub status: String,
    /// Items it worked on.
    pub items: u64,
    /// Credits charged.
    pub credits: i64,
    /// The stage's own job, when it ran one.
    pub job_id: Option<JobId>,
    /// A line for people: why it was skipped, what failed, what it limited.
    pub message: String,
    /// Details (the stage job's result, the slots given…).
    #[serde(default)]
    pub detail: Value,
}
