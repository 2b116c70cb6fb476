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
pub use schedule::{Cron, Schedule, Slot};
pub use service::Automation;

pub use crate::ai::functions::ClusterMode;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
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

/// A site's automation rule set: its stored [`RuleSettings`] and what the scheduler and the
/// runs keep about it.
///
/// Serialised flat: the settings' fields sit between `account_id` and `next_run_at`, as in the
/// API's `AutomationRule` object, with the typed ones in their text forms.
///
/// A rule read back from the store whose stored cron expression or time zone this build can
/// no longer read (an older row, a stricter parser) is not an error: it comes back with no
/// schedule (`cron` and `every_hours` both `None`, the time zone `UTC`) and a warning is
/// logged, so listing the account's rules keeps working and the scheduler pauses the rule
/// at its next due time; giving it a new schedule repairs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutomationRule {
    /// The rule's id, as in `automation/rules/{id}/` and in its runs' `rule_id`.
    pub id: AutomationRuleId,
    /// The account (tenant) the rule belongs to; its runs act in this account.
    pub account_id: AccountId,
    /// What the rule does and when, as last validated.
    #[serde(flatten)]
    pub settings: RuleSettings,
    /// When its schedule runs it next (`None` while paused, or when it has no readable
    /// schedule).
    pub next_run_at: Option<DateTime<Utc>>,
    /// When it last started a run, scheduled or manual.
    pub last_run_at: Option<DateTime<Utc>>,
    /// The last publish slot given to a post: the next scheduled post gets a later one.
    pub last_slot_at: Option<DateTime<Utc>>,
    /// When the rule was made; an `every_hours` schedule counts its periods from here.
    pub created_at: DateTime<Utc>,
    /// When its settings or schedule last changed.
    pub updated_at: DateTime<Utc>,
}

impl AutomationRule {
    /// When the rule runs, or `None` when it has no schedule it can follow (none stored, or
    /// one this build can no longer read). An `every_hours` schedule counts from the rule's
    /// creation.
    pub fn schedule(&self) -> Option<Schedule> {
        self.settings.schedule(self.created_at)
    }

    /// The next `n` times its schedule runs it after `after` (none while paused or without a
    /// schedule): the preview a person checks a schedule by.
    pub fn next_runs(&self, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        let Some(schedule) = self.schedule().filter(|_| self.settings.is_active) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(n);
        let mut at = after;
        while out.len() < n {
            match schedule.next_after(at) {
                Some(next) if next > at => {
                    out.push(next);
                    at = next;
                }
                _ => break,
            }
        }
        out
    }
}

/// What a user chooses about a rule, validated: the typed form of [`RuleInput`] that the
/// store keeps and [`AutomationRule`] shows. [`Automation::create`] and
/// [`Automation::update`] make it from a [`RuleInput`], checking every field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSettings {
    /// The site it works on; fixed once the rule exists.
    pub site_id: SiteId,
    /// Only this sector of the site (all its sectors when `None`).
    pub sector_id: Option<SectorId>,
    /// A name to recognise the rule by (1–255 characters, whitespace collapsed).
    pub name: String,
    /// Whether its schedule runs it (a paused rule can still be run by hand).
    pub is_active: bool,
    /// The stages that run, in pipeline order, each once.
    pub stages: Vec<Stage>,
    /// Items per stage per run (clusters, ideas, tasks, content, images, posts), 1–100.
    pub items_per_run: i64,
    /// Keywords the cluster stage takes per run, 1–5000.
    pub keywords_per_run: i64,
    /// Whether the cluster stage uses the AI model (costs credits) or the free local
    /// clustering.
    pub cluster_mode: ClusterMode,
    /// Ideas per cluster (the account's `ideas.per_cluster` setting when `None`).
    pub ideas_per_cluster: Option<i64>,
    /// Words per article (each task's own target when `None`; tasks queued by the rule get
    /// it as their target when their idea has no estimate).
    pub word_count: Option<i64>,
    /// Run on the times of this cron expression, read in `timezone`; `None` when the rule
    /// runs every `every_hours` hours instead (at most one of the two is set).
    pub cron: Option<Cron>,
    /// Run every this many hours (1–744) from the rule's creation; `None` with `cron`.
    pub every_hours: Option<i64>,
    /// The time zone of the cron expression, the publish slots and the monthly budget
    /// (written as its IANA name, e.g. `Europe/Berlin`).
    #[serde(with = "schedule::tz_name")]
    pub timezone: Tz,
    /// Most credits one run may spend (no limit when `None`).
    pub budget_per_run: Option<i64>,
    /// Most credits the rule's runs may spend per calendar month of `timezone` (no limit when
    /// `None`).
    pub budget_per_month: Option<i64>,
    /// Whether the publish stage sends posts as drafts or schedules them into the slots.
    pub publish_mode: PublishMode,
    /// Weekly slots for scheduled posts in `timezone`, sorted and without repeats (written
    /// as `mon 09:00`).
    pub publish_slots: Vec<Slot>,
}

impl RuleSettings {
    /// When a rule with these settings runs, or `None` when neither `cron` nor `every_hours`
    /// is set. `anchor` is the time an `every_hours` schedule counts its periods from (the
    /// rule's creation).
    pub fn schedule(&self, anchor: DateTime<Utc>) -> Option<Schedule> {
        match (&self.cron, self.every_hours) {
            (Some(cron), _) => Some(Schedule::Cron(cron.clone(), self.timezone)),
            (None, Some(hours)) => Some(Schedule::Every {
                hours: u32::try_from(hours).unwrap_or(1).max(1),
                anchor,
            }),
            (None, None) => None,
        }
    }
}

/// A rule's fields as a caller gives them, unchecked, for create (site, name and a schedule
/// required) and update (the ones given change; `Some(None)` clears an optional one). Text
/// stays text here so that every problem is reported at once, per field, by
/// [`Automation::create`] and [`Automation::update`], which turn it into [`RuleSettings`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleInput {
    /// The site (create only: a rule's site can't change).
    pub site_id: Option<SiteId>,
    /// One sector of the site, or `Some(None)` for all its sectors.
    #[serde(with = "double_option")]
    pub sector_id: Option<Option<SectorId>>,
    /// A name to recognise the rule by (1–255 characters; whitespace is collapsed).
    pub name: Option<String>,
    /// Whether its schedule runs it (default true); resuming starts the schedule from now.
    pub is_active: Option<bool>,
    /// The stages that run (any order; kept in pipeline order).
    pub stages: Option<Vec<Stage>>,
    /// Items per stage per run (1–100, default 5).
    pub items_per_run: Option<i64>,
    /// Keywords the cluster stage takes per run (1–5000, default 100).
    pub keywords_per_run: Option<i64>,
    /// `ai` (default) or `local`, any case; read as a [`ClusterMode`].
    pub cluster_mode: Option<String>,
    /// Ideas per cluster (1 to the Generate Ideas maximum), or `Some(None)` for the
    /// function's default.
    #[serde(with = "double_option")]
    pub ideas_per_cluster: Option<Option<i64>>,
    /// Words per article (100–10000), or `Some(None)` for the function's default.
    #[serde(with = "double_option")]
    pub word_count: Option<Option<i64>>,
    /// A cron expression such as `0 9 * * mon-fri`, read as a [`Cron`] (replaces
    /// `every_hours`).
    #[serde(with = "double_option")]
    pub cron: Option<Option<String>>,
    /// Every N hours, 1–744 (replaces `cron`).
    #[serde(with = "double_option")]
    pub every_hours: Option<Option<i64>>,
    /// An IANA time zone name such as `Europe/Berlin` (default `UTC`).
    pub timezone: Option<String>,
    /// Most credits one run may spend, or `Some(None)` for no limit.
    #[serde(with = "double_option")]
    pub budget_per_run: Option<Option<i64>>,
    /// Most credits per calendar month, or `Some(None)` for no limit.
    #[serde(with = "double_option")]
    pub budget_per_month: Option<Option<i64>>,
    /// `draft` (default) or `schedule` (which needs publish slots).
    pub publish_mode: Option<PublishMode>,
    /// Weekly slots such as `["mon 09:00", "Friday 17:30"]`, each read as a [`Slot`];
    /// at most [`MAX_SLOTS`].
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
    /// The run's id, as in `automation/runs/{id}/` (its job has an id of its own).
    pub id: AutomationRunId,
    /// The account (tenant) the run acts in.
    pub account_id: AccountId,
    /// The site the run works on: its rule's site.
    pub site_id: SiteId,
    /// The rule it is a run of.
    pub rule_id: AutomationRuleId,
    /// What started it.
    pub trigger: RunTrigger,
    /// The schedule time it stands for (the request time of a manual run).
    pub scheduled_for: DateTime<Utc>,
    /// Credits its stages were charged so far.
    pub credits: i64,
    /// When the run was recorded (when it was started, not when its job first ran).
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
    /// The stage this report is about.
    pub stage: Stage,
    /// `done`, `nothing_to_do`, `skipped` (budget, no connection…), `failed` or `cancelled`.
    pub status: String,
    /// Items it worked on.
    pub items: u64,
    /// Credits its job was charged (0 for stages that run no AI function).
    pub credits: i64,
    /// The stage's own job, when it ran one.
    pub job_id: Option<JobId>,
    /// A line for people: why it was skipped, what failed, what it limited.
    pub message: String,
    /// Details (the stage job's result, the slots given…).
    #[serde(default)]
    pub detail: Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed settings serialise flat and in their text forms: the JSON of a rule is the
    /// one it was when every field was a string, down to the order of the keys.
    #[test]
    fn a_rule_serialises_as_before() {
        let time = DateTime::parse_from_rfc3339("2026-11-30T10:00:00Z")
            .unwrap()
            .to_utc();
        let rule = AutomationRule {
            id: AutomationRuleId(3),
            account_id: AccountId(1),
            settings: RuleSettings {
                site_id: SiteId(2),
                sector_id: None,
                name: "Weekdays".into(),
                is_active: true,
                stages: vec![Stage::Cluster, Stage::Publish],
                items_per_run: 5,
                keywords_per_run: 100,
                cluster_mode: ClusterMode::Local,
                ideas_per_cluster: None,
                word_count: Some(900),
                cron: Some("0  9 * * mon-fri".parse().unwrap()),
                every_hours: None,
                timezone: chrono_tz::Europe::Berlin,
                budget_per_run: None,
                budget_per_month: Some(50),
                publish_mode: PublishMode::Schedule,
                publish_slots: vec!["mon 9:00".parse().unwrap(), "Friday 17:30".parse().unwrap()],
            },
            next_run_at: Some(time),
            last_run_at: None,
            last_slot_at: None,
            created_at: time,
            updated_at: time,
        };
        let json = serde_json::to_string(&rule).unwrap();
        assert_eq!(
            json,
            r#"{"id":3,"account_id":1,"site_id":2,"sector_id":null,"name":"Weekdays","is_active":true,"stages":["cluster","publish"],"items_per_run":5,"keywords_per_run":100,"cluster_mode":"local","ideas_per_cluster":null,"word_count":900,"cron":"0 9 * * mon-fri","every_hours":null,"timezone":"Europe/Berlin","budget_per_run":null,"budget_per_month":50,"publish_mode":"schedule","publish_slots":["mon 09:00","fri 17:30"],"next_run_at":"2026-11-30T10:00:00Z","last_run_at":null,"last_slot_at":null,"created_at":"2026-11-30T10:00:00Z","updated_at":"2026-11-30T10:00:00Z"}"#
        );
        let back: AutomationRule = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rule);
    }
}
