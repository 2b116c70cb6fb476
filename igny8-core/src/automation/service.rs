//! Rules (create, read, change, delete), runs (start now, list), and the scheduler that
//! starts the runs that are due.

use chrono::{DateTime, Utc};
use serde_json::json;

use chrono_tz::Tz;

use super::schedule::parse_timezone;
use super::*;
use crate::Igny8;
use crate::ai::functions::MAX_IDEAS;
use crate::error::{Error, FieldError, Result};
use crate::jobs::{JobKind, NewJob};
use crate::list::{Page, PageRequest};
use crate::store::{RunStart, Store};
use crate::tenancy::{Permission, Scope};

/// Automation rules and runs.
#[derive(Debug)]
pub struct Automation<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Igny8<S> {
    /// Automation: rules, runs and the scheduler.
    pub fn automation(&self) -> Automation<'_, S> {
        Automation { core: self }
    }
}

/// The stages a rule runs when none are given: everything but publishing, which needs a
/// WordPress connection.
const DEFAULT_STAGES: &[Stage] = &[
    Stage::Cluster,
    Stage::Ideas,
    Stage::Queue,
    Stage::Content,
    Stage::ImagePrompts,
    Stage::Images,
];

/// Checks `input` over `base` (the stored rule for an update) into typed settings and the
/// rule's next scheduled time; every problem is reported at once.
fn validate(
    input: RuleInput,
    base: Option<&AutomationRule>,
    now: DateTime<Utc>,
) -> Result<(RuleSettings, Option<DateTime<Utc>>)> {
    let base_rule = base;
    let base = base.map(|b| &b.settings);
    let mut errors: Vec<FieldError> = Vec::new();
    let mut bad = |field: &str, message: String| errors.push(FieldError::new(field, message));

    let site_id = match (input.site_id, base) {
        (Some(s), None) => s,
        (Some(s), Some(b)) if s == b.site_id => s,
        (Some(_), Some(b)) => {
            bad(
                "site_id",
                "a rule's site can't be changed; make a new rule".into(),
            );
            b.site_id
        }
        (None, Some(b)) => b.site_id,
        (None, None) => {
            bad("site_id", "is required".into());
            crate::ids::SiteId(0)
        }
    };
    let name = input
        .name
        .map(|n| crate::collapse_whitespace(&n))
        .or_else(|| base.map(|b| b.name.clone()))
        .unwrap_or_default();
    if name.is_empty() || name.chars().count() > 255 {
        bad("name", "must be 1–255 characters".into());
    }
    let mut stages = input
        .stages
        .or_else(|| base.map(|b| b.stages.clone()))
        .unwrap_or_else(|| DEFAULT_STAGES.to_vec());
    stages.sort();
    stages.dedup();
    if stages.is_empty() {
        bad("stages", "name at least one stage".into());
    }
    let items_per_run = input
        .items_per_run
        .or(base.map(|b| b.items_per_run))
        .unwrap_or(5);
    if !(1..=MAX_ITEMS_PER_RUN).contains(&items_per_run) {
        bad("items_per_run", format!("must be 1–{MAX_ITEMS_PER_RUN}"));
    }
    let keywords_per_run = input
        .keywords_per_run
        .or(base.map(|b| b.keywords_per_run))
        .unwrap_or(100);
    if !(1..=MAX_KEYWORDS_PER_RUN).contains(&keywords_per_run) {
        bad(
            "keywords_per_run",
            format!("must be 1–{MAX_KEYWORDS_PER_RUN}"),
        );
    }
    let cluster_mode = match input.cluster_mode {
        Some(m) => m.parse::<ClusterMode>().unwrap_or_else(|_| {
            bad("cluster_mode", "must be ai or local".into());
            ClusterMode::Ai
        }),
        None => base.map_or(ClusterMode::Ai, |b| b.cluster_mode),
    };
    let ideas_per_cluster = input
        .ideas_per_cluster
        .unwrap_or(base.and_then(|b| b.ideas_per_cluster));
    if let Some(n) = ideas_per_cluster
        && !(1..=i64::from(MAX_IDEAS)).contains(&n)
    {
        bad("ideas_per_cluster", format!("must be 1–{MAX_IDEAS}"));
    }
    let word_count = input.word_count.unwrap_or(base.and_then(|b| b.word_count));
    if let Some(n) = word_count
        && !(100..=10_000).contains(&n)
    {
        bad("word_count", "must be 100–10000 words".into());
    }

    // The schedule: a cron expression or every N hours, not both. Giving one replaces the
    // other. A new expression is parsed here; the base's is already typed.
    // A cron expression that doesn't parse is reported once, not also as a missing schedule.
    let mut cron_refused = false;
    let (cron, every_hours) = match (input.cron, input.every_hours) {
        (Some(Some(_)), Some(Some(_))) => {
            bad("cron", "give either cron or every_hours, not both".into());
            (None, None)
        }
        (Some(Some(c)), _) => match c.parse::<Cron>() {
            Ok(cron) => (Some(cron), None),
            Err(e) => {
                bad("cron", e);
                cron_refused = true;
                (None, None)
            }
        },
        (_, Some(Some(h))) => (None, Some(h)),
        (c, h) => {
            let cron = match c {
                Some(None) => None,
                _ => base.and_then(|b| b.cron.clone()),
            };
            let hours = match h {
                Some(None) => None,
                _ => base.and_then(|b| b.every_hours),
            };
            (cron, hours)
        }
    };
    if let Some(h) = every_hours
        && !(1..=24 * 31).contains(&h)
    {
        bad("every_hours", "must be 1–744 hours".into());
    }
    if cron.is_none() && every_hours.is_none() && !cron_refused {
        bad(
            "cron",
            "give a schedule: a cron expression (e.g. \"0 9 * * mon-fri\") or every_hours".into(),
        );
    }
    let timezone = match input.timezone {
        Some(name) => parse_timezone(&name).unwrap_or_else(|e| {
            bad("timezone", e);
            Tz::UTC
        }),
        None => base.map_or(Tz::UTC, |b| b.timezone),
    };
    let budget_per_run = input
        .budget_per_run
        .unwrap_or(base.and_then(|b| b.budget_per_run));
    let budget_per_month = input
        .budget_per_month
        .unwrap_or(base.and_then(|b| b.budget_per_month));
    for (field, value) in [
        ("budget_per_run", budget_per_run),
        ("budget_per_month", budget_per_month),
    ] {
        if let Some(v) = value
            && v < 0
        {
            bad(field, "can't be negative".into());
        }
    }
    let publish_mode = input
        .publish_mode
        .or(base.map(|b| b.publish_mode))
        .unwrap_or(PublishMode::Draft);
    let mut slots = match input.publish_slots {
        Some(raw) => {
            let mut slots = Vec::with_capacity(raw.len());
            for s in &raw {
                match s.parse::<Slot>() {
                    Ok(slot) => slots.push(slot),
                    Err(e) => bad("publish_slots", e),
                }
            }
            if slots.len() > MAX_SLOTS {
                bad("publish_slots", format!("at most {MAX_SLOTS} slots"));
            }
            // Slots that failed to parse are reported above; don't also ask for slots.
            if publish_mode == PublishMode::Schedule && raw.is_empty() {
                bad("publish_slots", NEED_SLOTS.into());
            }
            slots
        }
        None => {
            let slots = base.map(|b| b.publish_slots.clone()).unwrap_or_default();
            if publish_mode == PublishMode::Schedule && slots.is_empty() {
                bad("publish_slots", NEED_SLOTS.into());
            }
            slots
        }
    };
    slots.sort();
    slots.dedup();
    let is_active = input
        .is_active
        .or(base.map(|b| b.is_active))
        .unwrap_or(true);
    let sector_id = input.sector_id.unwrap_or(base.and_then(|b| b.sector_id));

    if !errors.is_empty() {
        return Err(Error::fields(errors));
    }
    let settings = RuleSettings {
        site_id,
        sector_id,
        name,
        is_active,
        stages,
        items_per_run,
        keywords_per_run,
        cluster_mode,
        ideas_per_cluster,
        word_count,
        cron,
        every_hours,
        timezone,
        budget_per_run,
        budget_per_month,
        publish_mode,
        publish_slots: slots,
    };
    // The next time: kept when nothing about the schedule changed, else from now.
    let unchanged = base.is_some_and(|b| {
        b.is_active == settings.is_active
            && b.cron == settings.cron
            && b.every_hours == settings.every_hours
            && b.timezone == settings.timezone
    });
    let next_run_at = match base_rule {
        Some(b) if unchanged => b.next_run_at,
        _ if !settings.is_active => None,
        _ => {
            let anchor = base_rule.map_or(now, |b| b.created_at);
            settings
                .schedule(anchor)
                .and_then(|schedule| schedule.next_after(now))
        }
    };
    Ok((settings, next_run_at))
}

/// What a rule set to scheduled publishing without slots is told.
const NEED_SLOTS: &str =
    "scheduled publishing needs slots, e.g. [\"mon 09:00\", \"wed 09:00\", \"fri 09:00\"]";

impl<S: Store> Automation<'_, S> {
    /// Checks `input` (every problem at once, per field) and creates the rule; its first run
    /// is the schedule's first time after now (owners and admins).
    pub async fn create(&self, scope: &Scope, input: RuleInput) -> Result<AutomationRule> {
        scope.require(Permission::Manage)?;
        let (settings, next_run_at) = validate(input, None, self.core.now())?;
        self.core
            .store()
            .create_rule(scope, &settings, next_run_at)
            .await
    }

    /// One rule of the scope's account (not found when it's another account's or outside a
    /// site-restricted scope).
    pub async fn get(&self, scope: &Scope, id: AutomationRuleId) -> Result<AutomationRule> {
        scope.require(Permission::Read)?;
        self.core.store().get_rule(scope, id).await
    }

    /// The account's rules, oldest first. A rule whose stored schedule can't be read is
    /// listed without one (see [`AutomationRule`]), not an error.
    pub async fn list(
        &self,
        scope: &Scope,
        filter: &RuleFilter,
        page: &PageRequest,
    ) -> Result<Page<AutomationRule>> {
        scope.require(Permission::Read)?;
        self.core.store().list_rules(scope, filter, page).await
    }

    /// Changes the fields given; a changed schedule (or resuming a paused rule) starts from
    /// now.
    pub async fn update(
        &self,
        scope: &Scope,
        id: AutomationRuleId,
        input: RuleInput,
    ) -> Result<AutomationRule> {
        scope.require(Permission::Manage)?;
        let base = self.core.store().get_rule(scope, id).await?;
        let (settings, next_run_at) = validate(input, Some(&base), self.core.now())?;
        self.core
            .store()
            .update_rule(scope, id, &settings, next_run_at)
            .await
    }

    /// Deletes rules and their run records (their jobs stay in the job list); how many.
    pub async fn delete(&self, scope: &Scope, ids: &[AutomationRuleId]) -> Result<u64> {
        scope.require(Permission::Manage)?;
        self.core.store().delete_rules(scope, ids).await
    }

    /// Starts a run now, whatever the schedule (which stays as it is).
    pub async fn run_now(&self, scope: &Scope, id: AutomationRuleId) -> Result<AutomationRun> {
        scope.require(Permission::Write)?;
        let rule = self.core.store().get_rule(scope, id).await?;
        let now = self.core.now();
        let job = run_job(&rule);
        let start = RunStart {
            rule: &rule,
            trigger: RunTrigger::Manual,
            scheduled_for: now,
            advance: None,
            job: &job,
        };
        self.core
            .store()
            .start_run(scope, &start)
            .await?
            .ok_or_else(|| id.not_found())
    }

    /// One run, with its job.
    pub async fn run(&self, scope: &Scope, id: AutomationRunId) -> Result<AutomationRun> {
        scope.require(Permission::Read)?;
        self.core.store().get_run(scope, id).await
    }

    /// The account's runs, newest first.
    pub async fn runs(
        &self,
        scope: &Scope,
        filter: &RunFilter,
        page: &PageRequest,
    ) -> Result<Page<AutomationRun>> {
        scope.require(Permission::Read)?;
        self.core.store().list_runs(scope, filter, page).await
    }

    /// The scheduler (system-wide; workers call it): starts one run for each active rule
    /// whose time has come — one, however many times were missed — and moves its schedule to
    /// its first time after now. Two workers calling it at once start each run once. The runs
    /// started.
    pub async fn schedule_due(&self, limit: u64) -> Result<Vec<AutomationRun>> {
        let now = self.core.now();
        let mut started = Vec::new();
        for rule in self.core.store().due_rules(now, limit).await? {
            let Some(due) = rule.next_run_at else {
                continue;
            };
            let scope = Scope::system(rule.account_id);
            let next = match rule.schedule() {
                Some(s) => s.next_after(now),
                None => {
                    // No schedule it can follow (the store found it unreadable): pause it
                    // rather than spin.
                    tracing::warn!(
                        rule = rule.id.get(),
                        "automation rule has no readable schedule; pausing it"
                    );
                    None
                }
            };
            let job = run_job(&rule);
            let start = RunStart {
                rule: &rule,
                trigger: RunTrigger::Schedule,
                scheduled_for: due,
                advance: Some((due, next)),
                job: &job,
            };
            match self.core.store().start_run(&scope, &start).await {
                Ok(Some(run)) => {
                    tracing::info!(
                        rule = rule.id.get(),
                        run = run.id.get(),
                        "automation run started"
                    );
                    started.push(run);
                }
                Ok(None) => {} // another worker started it
                Err(e) => {
                    tracing::warn!(rule = rule.id.get(), error = %e, "could not start an automation run")
                }
            }
        }
        Ok(started)
    }
}

/// The job of one run of `rule` (the store adds the run's id to the payload).
fn run_job(rule: &AutomationRule) -> NewJob {
    NewJob {
        kind: JobKind::AutomationRun,
        site_id: Some(rule.settings.site_id),
        payload: json!({ "rule_id": rule.id.get() }),
        max_attempts: Some(3),
        run_after: None,
    }
}
