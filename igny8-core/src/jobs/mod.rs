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

mod outcome;
mod service;
mod worker;

pub use outcome::{JobOutcome, NextStep, outcome};
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
        /// Import keywords. Reserved: imports run inside the request today, nothing queues this
        /// kind and no worker runs it.
        ImportKeywords => "import_keywords",
        /// One run of an automation rule.
        AutomationRun => "automation_run",
        /// Reading a site's posts, pages and categories from WordPress into its link
        /// inventory.
        SyncLinks => "sync_links",
    }
}

impl JobKind {
    /// What the job does, in words for people (`"Generate content"`).
    pub fn label(self) -> &'static str {
        match self {
            Self::AutoCluster => "Auto Cluster",
            Self::LocalCluster => "Local clustering",
            Self::GenerateIdeas => "Generate ideas",
            Self::GenerateContent => "Generate content",
            Self::GenerateImagePrompts => "Generate image prompts",
            Self::GenerateImages => "Generate images",
            Self::Publish => "Publish to WordPress",
            Self::ImportKeywords => "Import keywords",
            Self::AutomationRun => "Automation run",
            Self::SyncLinks => "Sync link inventory",
        }
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
    /// The job's id.
    pub id: JobId,
    /// The account the job runs for (and whose credits it spends).
    pub account_id: AccountId,
    /// The site it works on; `None` for account-wide work.
    pub site_id: Option<SiteId>,
    /// What it does.
    pub kind: JobKind,
    /// Where it stands; changes follow [`JobStatus::can_become`].
    pub status: JobStatus,
    /// How far it got, 0–100.
    pub progress: i64,
    /// The phase it is in (`validate`, `prepare`, `prompt`, `call`, `parse`, `save`…).
    pub phase: String,
    /// A line for people.
    pub message: String,
    /// Its input, as the job kind's function reads it.
    pub payload: Value,
    /// Its output once it succeeded; while it runs, the last checkpoint ([`Progress::checkpoint`]).
    pub result: Option<Value>,
    /// Why it failed, set with [`JobStatus::Failed`].
    pub error: Option<String>,
    /// Times a worker took it; a new attempt after an expired lease counts too.
    pub attempts: i64,
    /// Most times a worker may take it before it fails for good.
    pub max_attempts: i64,
    /// The worker holding it ([`worker_name`]), while running.
    pub lease_owner: Option<String>,
    /// When the lease ends unless renewed; after that another worker may take the job.
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// No worker takes it before this time (retries are delayed this way).
    pub run_after: DateTime<Utc>,
    /// Someone asked it to stop; the worker ends it as cancelled at its next report.
    pub cancel_requested: bool,
    /// When the job was queued.
    pub created_at: DateTime<Utc>,
    /// When a worker first took it.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended (succeeded, failed or cancelled).
    pub finished_at: Option<DateTime<Utc>>,
    /// When the row last changed.
    pub updated_at: DateTime<Utc>,
}

/// A job to queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewJob {
    /// What it does.
    pub kind: JobKind,
    /// The site it works on; `None` for account-wide work.
    pub site_id: Option<SiteId>,
    /// Its input, as the job kind's function reads it.
    pub payload: Value,
    /// Most attempts (default 3, kept within 1–100).
    pub max_attempts: Option<i64>,
    /// No worker takes it before this time (default now).
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
    /// Only these jobs (a page following the progress of the jobs it shows).
    pub ids: Option<Vec<JobId>>,
}

/// A progress report of a running job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// How far the job got, 0–100.
    pub percent: i64,
    /// The step it is in (`validate`, `prepare`, `prompt`, `call`, `parse`, `save`…).
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
