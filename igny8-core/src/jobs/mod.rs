//! Durable jobs: every AI run (and every long operation) is a row that workers claim with a
//! lease, report progress on, and finish exactly once.
//!
//! * A worker claims a job atomically (`FOR UPDATE SKIP LOCKED` on PostgreSQL and MySQL; the
//!   write lock on SQLite), so several workers in several processes never run one job twice.
//! * The claim holds a lease; progress reports extend it, and so does the worker's renewal
//!   every third of the lease while a job is busy in one long step (a model call may outlast
//!   the lease), so a slow job is never run — and paid for — twice. A job whose worker died is
//!   claimed again once its lease expires, up to `max_attempts`.
//! * Every write of a running job is conditional on the worker still holding the lease, so a
//!   worker that lost its lease learns it at its next report or renewal and stops.
//! * Cancelling a queued job cancels it at once; a running job is asked to stop, and its
//!   worker ends it as cancelled at its next report.

mod service;
mod worker;

pub use service::Jobs;
pub(crate) use worker::holding_lease;
pub use worker::{DEFAULT_LEASE, Worker, worker_name};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::enums::string_enum;
use crate::ids::*;

string_enum! {
    /// What a job does.
    pub enum JobKind {
        /// Auto Cluster with an AI model.
        AutoCluster => "auto_cluster",
        /// The free local clustering.
        LocalCluster => "local_cluster",
        /// Generate Ideas.
        GenerateIdeas => "generate_ideas",
        /// Generate Content.
        GenerateContent => "generate_content",
        /// Generate Image Prompts.
        GenerateImagePrompts => "generate_image_prompts",
        /// Generate Images.
        GenerateImages => "generate_images",
        /// Publish to WordPress.
        Publish => "publish",
        /// Import keywords.
        ImportKeywords => "import_keywords",
        /// One run of an automation rule.
        AutomationRun => "automation_run",
    }
}

string_enum! {
    /// Where a job stands.
    pub enum JobStatus {
        /// Waiting for a worker.
        Queued => "queued",
        /// A worker runs it.
        Running => "running",
        /// Done.
        Succeeded => "succeeded",
        /// Failed for good.
        Failed => "failed",
        /// Cancelled.
        Cancelled => "cancelled",
    }
}

impl JobStatus {
    /// Whether the job is over.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            JobStatus::Succeeded | JobStatus::Failed | JobStatus::Cancelled
        )
    }

    /// Allowed changes: queued → running → succeeded, failed, cancelled or queued (retry,
    /// expired lease); queued → cancelled.
    pub fn can_become(self, next: JobStatus) -> bool {
        use JobStatus::*;
        matches!(
            (self, next),
            (Queued, Running)
                | (Queued, Cancelled)
                | (Running, Succeeded)
                | (Running, Failed)
                | (Running, Cancelled)
                | (Running, Queued)
        )
    }
}

/// A job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// Id.
    pub id: JobId,
    /// The account.
    pub account_id: AccountId,
    /// The site it works on.
    pub site_id: Option<SiteId>,
    /// What it does.
    pub kind: JobKind,
    /// Status.
    pub status: JobStatus,
    /// 0–100.
    pub progress: i64,
    /// The phase it is in (`validate`, `prepare`, `prompt`, `call`, `parse`, `save`…).
    pub phase: String,
    /// A line for people.
    pub message: String,
    /// Its input.
    pub payload: Value,
    /// Its output, when it succeeded.
    pub result: Option<Value>,
    /// Why it failed.
    pub error: Option<String>,
    /// Times a worker took it.
    pub attempts: i64,
    /// Most times a worker may take it.
    pub max_attempts: i64,
    /// The worker holding it.
    pub lease_owner: Option<String>,
    /// When the lease ends.
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// Not before this time.
    pub run_after: DateTime<Utc>,
    /// Someone asked it to stop.
    pub cancel_requested: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// First started.
    pub started_at: Option<DateTime<Utc>>,
    /// Finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A job to queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewJob {
    /// What it does.
    pub kind: JobKind,
    /// The site it works on.
    pub site_id: Option<SiteId>,
    /// Its input.
    pub payload: Value,
    /// Most attempts (default 3).
    pub max_attempts: Option<i64>,
    /// Not before (default now).
    pub run_after: Option<DateTime<Utc>>,
}

/// Filters of the job list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobFilter {
    /// Only this kind.
    pub kind: Option<JobKind>,
    /// Only this status.
    pub status: Option<JobStatus>,
    /// Only this site.
    pub site_id: Option<SiteId>,
}

/// A progress report of a running job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// 0–100.
    pub percent: i64,
    /// The phase.
    pub phase: String,
    /// A line for people.
    pub message: String,
    /// What the run has finished so far, kept in the job's `result` while it runs, so that an
    /// attempt that takes the job over can skip it. `None` leaves the saved one as it is.
    #[serde(default)]
    pub checkpoint: Option<Value>,
}

impl Progress {
    /// A report without a checkpoint.
    pub fn new(percent: i64, phase: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            percent,
            phase: phase.into(),
            message: message.into(),
            checkpoint: None,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// It worked; the result.
    Succeeded(Value),
    /// It failed; `retry` puts it back in the queue (while attempts remain) after the delay.
    Failed {
        /// Why.
        error: String,
        /// Try again after this long (seconds), if attempts remain.
        retry_after_secs: Option<i64>,
    },
    /// It stopped because it was asked to.
    Cancelled,
}
