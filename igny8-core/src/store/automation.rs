//! The store for automation rules and runs.

use std::future::Future;

use crate::automation::{
    AutomationRule, AutomationRun, RuleFilter, RuleSettings, RunFilter, RunTrigger,
};
use crate::error::Result;
use crate::ids::*;
use crate::jobs::NewJob;
use crate::list::{Page, PageRequest};
use crate::tenancy::Scope;

/// A run to start: the rule, what started it, the time it stands for, and its job.
#[derive(Debug, Clone)]
pub struct RunStart<'a> {
    /// The rule.
    pub rule: &'a AutomationRule,
    /// What started it.
    pub trigger: RunTrigger,
    /// The schedule time it stands for.
    pub scheduled_for: chrono::DateTime<chrono::Utc>,
    /// For a scheduled run: the rule's `next_run_at` as read (the start happens only if it is
    /// unchanged) and the one to set.
    pub advance: Option<(
        chrono::DateTime<chrono::Utc>,
        Option<chrono::DateTime<chrono::Utc>>,
    )>,
    /// Its job.
    pub job: &'a NewJob,
}

/// Automation rules and their runs.
pub trait AutomationStore: Send + Sync {
    /// Creates a rule from validated settings, first due at `next_run_at` (`None`: paused).
    fn create_rule(
        &self,
        scope: &Scope,
        settings: &RuleSettings,
        next_run_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> impl Future<Output = Result<AutomationRule>> + Send;
    /// One rule; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_rule(
        &self,
        scope: &Scope,
        id: AutomationRuleId,
    ) -> impl Future<Output = Result<AutomationRule>> + Send;
    /// The account's rules, oldest first.
    fn list_rules(
        &self,
        scope: &Scope,
        filter: &RuleFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<AutomationRule>>> + Send;
    /// Replaces a rule's settings and its next scheduled time.
    fn update_rule(
        &self,
        scope: &Scope,
        id: AutomationRuleId,
        settings: &RuleSettings,
        next_run_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> impl Future<Output = Result<AutomationRule>> + Send;
    /// Deletes rules (and their run records; the jobs stay); how many.
    fn delete_rules(
        &self,
        scope: &Scope,
        ids: &[AutomationRuleId],
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Active rules of any account whose `next_run_at` has passed, earliest first.
    fn due_rules(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<AutomationRule>>> + Send;
    /// In one transaction: moves the rule's schedule on (when `advance` is given, only if it
    /// is unchanged), queues the run's job and records the run. `None` when another worker
    /// moved the schedule first.
    fn start_run(
        &self,
        scope: &Scope,
        start: &RunStart<'_>,
    ) -> impl Future<Output = Result<Option<AutomationRun>>> + Send;
    /// One run; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_run(
        &self,
        scope: &Scope,
        id: AutomationRunId,
    ) -> impl Future<Output = Result<AutomationRun>> + Send;
    /// The account's runs, newest first.
    fn list_runs(
        &self,
        scope: &Scope,
        filter: &RunFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<AutomationRun>>> + Send;
    /// Records the credits a run's stages were charged so far.
    fn set_run_credits(
        &self,
        scope: &Scope,
        id: AutomationRunId,
        credits: i64,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Credits charged to a rule's runs created since `since`.
    fn rule_credits_since(
        &self,
        scope: &Scope,
        id: AutomationRuleId,
        since: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<i64>> + Send;
    /// Remembers the last publish slot given out.
    fn set_last_slot(
        &self,
        scope: &Scope,
        id: AutomationRuleId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<()>> + Send;
}
