//! The dashboard API's request and response bodies.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::Object;

use super::E;

/// Keywords at a glance.
#[derive(Debug, Object)]
pub struct KeywordStats {
    /// Keywords in the site or sector asked for (the whole account when neither is given), archived
    /// ones included.
    pub total: u64,
    /// Keywords per status: `pending`, `clustered`, `archived`.
    pub by_status: BTreeMap<String, u64>,
    /// Per intent (`unknown` when none is set).
    pub by_intent: BTreeMap<String, u64>,
    /// Their monthly search volumes added up (unknown volumes add nothing).
    pub total_volume: i64,
    /// Summed monthly volume of the keywords in a cluster.
    pub clustered_volume: i64,
}

/// The pipeline, step by step.
#[derive(Debug, Object)]
pub struct Funnel {
    /// Keywords, archived ones included.
    pub keywords: u64,
    /// Keyword clusters.
    pub clusters: u64,
    /// Content ideas.
    pub ideas: u64,
    /// Writer tasks, whatever their status.
    pub tasks: u64,
    /// Pieces of content, whatever their status.
    pub content: u64,
    /// Pieces of content with status `published`.
    pub published: u64,
}

/// Credits of one day.
#[derive(Debug, Object)]
pub struct DailyCredits {
    /// The day (UTC).
    pub day: NaiveDate,
    /// Credits charged that day.
    pub credits: i64,
}

/// A job that failed.
#[derive(Debug, Object)]
pub struct FailedJob {
    /// The job's id (job id space): read it at `system/jobs/{id}/`.
    pub id: i64,
    /// What the job did.
    pub kind: E<igny8_core::jobs::JobKind>,
    /// Why it failed, or null if it gave no reason.
    #[oai(nullable)]
    pub error: Option<String>,
    /// When it failed.
    #[oai(nullable)]
    pub finished_at: Option<DateTime<Utc>>,
}

/// The planner dashboard.
#[derive(Debug, Object)]
pub struct Dashboard {
    /// Keywords by status and intent, and their volume.
    pub keywords: KeywordStats,
    /// Keyword clusters in the site or sector asked for.
    pub clusters: u64,
    /// Clusters with at least one idea.
    pub clusters_with_ideas: u64,
    /// Clusters without ideas yet.
    pub clusters_without_ideas: u64,
    /// Keywords → clusters → ideas → tasks → content → published.
    pub funnel: Funnel,
    /// Pieces of content per status: `draft`, `review`, `published`.
    pub content_by_status: BTreeMap<String, u64>,
    /// Credits charged per AI operation in the last 30 days (the whole account); `null` for
    /// a key restricted to one site, which doesn't see the account's credits.
    #[oai(nullable)]
    pub credits_by_operation: Option<BTreeMap<String, i64>>,
    /// Credits charged per day in the last 30 days (the whole account); `null` for a key
    /// restricted to one site.
    #[oai(nullable)]
    pub credits_by_day: Option<Vec<DailyCredits>>,
    /// Jobs that failed in the last 7 days, newest first (at most 20).
    pub failed_jobs: Vec<FailedJob>,
}
