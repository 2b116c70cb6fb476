//! Rules (create, read, change, delete), runs (start now, list), and the scheduler that
//! starts the runs that are due.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::schedule::{Cron, Schedule, Slot, parse_timezone};
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

impl AutomationRule {
    /// When the rule runs.
    pub fn schedule(&self) -> Result<Schedule> {
        let tz = parse_timezone(&self.timezone).map_err(|e| Error::field("timezone", e))?;
        match (&self.cron, self.every_hours) {
            (Some(cron), _) => Ok(Schedule::Cron(
                cron.parse::<Cron>().map_err(|e| Error::field("cron", e))?,
                tz,
            )),
            (None, Some(hours)) => Ok(Schedule::Every {
                hours: u32::try_from(hours).unwrap_or(1).max(1),
                anchor: self.created_at,
            }),
            (None, None) => Err(Error::field("cron", "the rule has no schedule")),
        }
    }

    /// Its publish slots, parsed.
    pub fn slots(&self) -> Vec<Slot> {
        self.publish_slots
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect()
    }
}

/// Checks `input` over `base` (the stored rule for an update) into a record; every problem is
/// reported at once.
fn validate(
    input: RuleInput,
    base: Option<&AutomationRule>,
    now: DateTime<Utc>,
) -> Result<RuleRecord> {
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
    let cluster_mode = input
        .cluster_mode
        .map(|m| m.trim().to_ascii_lowercase())
        .or_else(|| base.map(|b| b.cluster_mode.clone()))
        .unwrap_or_else(|| "ai".into());
    if cluster_mode != "ai" && cluster_mode != "local" {
        bad("cluster_mode", "must be ai or local".into());
    }
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
    // other.
    let (cron, every_hours) = match (input.cron, input.every_hours) {
        (Some(Some(_)), Some(Some(_))) => {
            bad("cron", "give either cron or every_hours, not both".into());
            (None, None)
        }
        (Some(Some(c)), _) => (Some(c), None),
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
    let cron = cron.map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "));
    if let Some(c) = &cron
        && let Err(e) = c.parse::<Cron>()
    {
        bad("cron", e);
    }
    if let Some(h) = every_hours
        && !(1..=24 * 31).contains(&h)
    {
        bad("every_hours", "must be 1–744 hours".into());
    }
    if cron.is_none() && every_hours.is_none() {
        bad(
            "cron",
            "give a schedule: a cron expression (e.g. \"0 9 * * mon-fri\") or every_hours".into(),
        );
    }
    let timezone = input
        .timezone
        .map(|t| t.trim().to_owned())
        .or_else(|| base.map(|b| b.timezone.clone()))
        .unwrap_or_else(|| "UTC".into());
    let tz = parse_timezone(&timezone);
    if let Err(e) = &tz {
        bad("timezone", e.clone());
    }
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
    let raw_slots = input
        .publish_slots
        .or_else(|| base.map(|b| b.publish_slots.clone()))
        .unwrap_or_default();
    let mut slots = Vec::with_capacity(raw_slots.len());
    for s in &raw_slots {
        match s.parse::<Slot>() {
            Ok(slot) => slots.push(slot),
            Err(e) => bad("publish_slots", e),
        }
    }
    if slots.len() > MAX_SLOTS {
        bad("publish_slots", format!("at most {MAX_SLOTS} slots"));
    }
    slots.sort();
    slots.dedup();
    if publish_mode == PublishMode::Schedule && slots.is_empty() && raw_slots.is_empty() {
        bad(
            "publish_slots",
            "scheduled publishing needs slots, e.g. [\"mon 09:00\", \"wed 09:00\", \"fri 09:00\"]"
                .into(),
        );
    }
    let is_active = input
        .is_active
        .or(base.map(|b| b.is_active))
        .unwrap_or(true);
    let sector_id = input.sector_id.unwrap_or(base.and_then(|b| b.sector_id));

    if !errors.is_empty() {
        return Err(Error::fields(errors));
    }
    let mut record = RuleRecord {
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
        publish_slots: slots.iter().map(Slot::to_string).collect(),
        next_run_at: None,
    };
    // The next time: kept when nothing about the schedule changed, else from now.
    let unchanged = base.is_some_and(|b| {
        b.is_active == record.is_active
            && b.cron == record.cron
            && b.every_hours == record.every_hours
            && b.timezone == record.timezone
    });
    record.next_run_at = match base {
        Some(b) if unchanged => b.next_run_at,
        _ if !record.is_active => None,
        _ => {
            let probe = AutomationRule {
                id: base.map_or(AutomationRuleId(0), |b| b.id),
                account_id: base.map_or(crate::ids::AccountId(0), |b| b.account_id),
                site_id,
                sector_id,
                name: String::new(),
                is_active: true,
                stages: Vec::new(),
                items_per_run,
                keywords_per_run,
                cluster_mode: String::new(),
                ideas_per_cluster: None,
                word_count: None,
                cron: record.cron.clone(),
                every_hours: record.every_hours,
                timezone: record.timezone.clone(),
                budget_per_run: None,
                budget_per_month: None,
                publish_mode,
                publish_slots: Vec::new(),
                next_run_at: None,
                last_run_at: None,
                last_slot_at: None,
                created_at: base.map_or(now, |b| b.created_at),
                updated_at: now,
            };
            probe.schedule()?.next_after(now)
        }
    };
    Ok(record)
}

impl<S: Store> Automation<'_, S> {
    /// Creates a rule; its first run is the schedule's first time after now.
    pub async fn create(&self, scope: &Scope, input: RuleInput) -> Result<AutomationRule> {
        scope.require(Permission::Manage)?;
        let record = validate(input, None, self.core.now())?;
        self.core.store().create_rule(scope, &record).await
    }

    /// One rule.
    pub async fn get(&self, scope: &Scope, id: AutomationRuleId) -> Result<AutomationRule> {
        scope.require(Permission::Read)?;
        self.core.store().get_rule(scope, id).await
    }

    /// The account's rules, oldest first.
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
        let record = validate(input, Some(&base), self.core.now())?;
        self.core.store().update_rule(scope, id, &record).await
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
                Ok(s) => s.next_after(now),
                Err(e) => {
                    // A stored schedule this build can't read: pause it rather than spin.
                    tracing::warn!(rule = rule.id.get(), error = %e, "automation rule has an unreadable schedule; pausing it");
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
        site_id: Some(rule.site_id),
        payload: json!({ "rule_id": rule.id.get() }),
        max_attempts: Some(3),
        run_after: None,
    }
}
