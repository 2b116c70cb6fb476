//! The planner dashboard: what a site (or sector) holds at each step of the pipeline, what the
//! AI functions cost lately, and which jobs failed.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::Igny8;
use crate::error::Result;
use crate::ids::*;
use crate::jobs::{JobFilter, JobKind, JobStatus};
use crate::list::PageRequest;
use crate::store::Store;
use crate::tenancy::{Permission, Scope};

/// Which part of the account the dashboard covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardFilter {
    /// One site.
    pub site_id: Option<SiteId>,
    /// One sector.
    pub sector_id: Option<SectorId>,
}

/// Keyword counts of one (status, intent) pair, as the store reads them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordGroup {
    /// `pending`, `clustered` or `archived`.
    pub status: String,
    /// The intent, or `None`.
    pub intent: Option<String>,
    /// Keywords.
    pub keywords: u64,
    /// Their summed monthly volume.
    pub volume: i64,
}

/// Counts of the planner and writer tables, as the store reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineCounts {
    /// Keywords per status and intent.
    pub keyword_groups: Vec<KeywordGroup>,
    /// Clusters.
    pub clusters: u64,
    /// Clusters that have at least one idea.
    pub clusters_with_ideas: u64,
    /// Ideas.
    pub ideas: u64,
    /// Writer tasks.
    pub tasks: u64,
    /// Content per status.
    pub content_by_status: BTreeMap<String, u64>,
}

/// Keywords at a glance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordStats {
    /// All keywords.
    pub total: u64,
    /// Per status.
    pub by_status: BTreeMap<String, u64>,
    /// Per intent (`unknown` when none is set).
    pub by_intent: BTreeMap<String, u64>,
    /// Summed monthly volume of all keywords.
    pub total_volume: i64,
    /// Of the keywords in a cluster.
    pub clustered_volume: i64,
}

/// The pipeline, step by step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    /// Keywords, archived ones included.
    pub keywords: u64,
    /// Keyword clusters.
    pub clusters: u64,
    /// Ideas.
    pub ideas: u64,
    /// Writer tasks, whatever their status.
    pub tasks: u64,
    /// Pieces of content, whatever their status.
    pub content: u64,
    /// Pieces of content with status `published`.
    pub published: u64,
}

/// Credits of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyCredits {
    /// The day (UTC).
    pub day: NaiveDate,
    /// Credits charged for AI calls that day.
    pub credits: i64,
}

/// A job that failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedJob {
    /// The job's id.
    pub id: JobId,
    /// What the job did.
    pub kind: JobKind,
    /// Why it failed, if it said.
    pub error: Option<String>,
    /// When it failed.
    pub finished_at: Option<DateTime<Utc>>,
}

/// The planner dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Keywords by status and intent, and their volume.
    pub keywords: KeywordStats,
    /// Keyword clusters in the part of the account asked for.
    pub clusters: u64,
    /// Clusters with at least one idea.
    pub clusters_with_ideas: u64,
    /// Clusters without ideas yet.
    pub clusters_without_ideas: u64,
    /// Keywords → clusters → ideas → tasks → content → published.
    pub funnel: Funnel,
    /// Pieces of content per status (`draft`, `review`, `published`).
    pub content_by_status: BTreeMap<String, u64>,
    /// Credits charged per AI operation in the last 30 days (the whole account). `None` for
    /// a key restricted to one site: credits are the account's, which it doesn't see.
    pub credits_by_operation: Option<BTreeMap<String, i64>>,
    /// Credits charged per day in the last 30 days (the whole account). `None` for a key
    /// restricted to one site.
    pub credits_by_day: Option<Vec<DailyCredits>>,
    /// Jobs that failed in the last 7 days, newest first (at most 20).
    pub failed_jobs: Vec<FailedJob>,
}

/// How many failed jobs the dashboard lists.
const FAILED_SHOWN: u64 = 20;

impl<S: Store> super::Keywords<'_, S> {
    /// The dashboard of the account, a site or a sector. Keyword figures are kept per account
    /// until its keywords change, so reading it again is cheap at any size. A key restricted
    /// to one site sees that site's figures and no credits (they are the account's).
    pub async fn dashboard(&self, scope: &Scope, filter: DashboardFilter) -> Result<Dashboard> {
        scope.require(Permission::Read)?;
        let core: &Igny8<S> = self.core;
        if let Some(site) = filter.site_id {
            core.tenancy().site(scope, site).await?;
        }
        if let Some(sector) = filter.sector_id {
            core.tenancy().sector(scope, sector).await?;
        }
        let counts = core.store().pipeline_counts(scope, &filter).await?;
        let mut keywords = KeywordStats::default();
        for g in &counts.keyword_groups {
            keywords.total += g.keywords;
            keywords.total_volume += g.volume;
            *keywords.by_status.entry(g.status.clone()).or_default() += g.keywords;
            *keywords
                .by_intent
                .entry(g.intent.clone().unwrap_or_else(|| "unknown".into()))
                .or_default() += g.keywords;
            if g.status == "clustered" {
                keywords.clustered_volume += g.volume;
            }
        }
        let content: u64 = counts.content_by_status.values().sum();
        let published = counts
            .content_by_status
            .get("published")
            .copied()
            .unwrap_or(0);

        let now = core.now();
        // Credits are the account's: a key restricted to one site reads its site's pipeline
        // here, not the account's spending.
        let (credits_by_operation, credits_by_day) = if scope.site().is_some() {
            (None, None)
        } else {
            let usage = core.credits().usage_totals(scope, 30).await?;
            let by_operation: BTreeMap<String, i64> = usage
                .operations
                .into_iter()
                .map(|o| (o.operation, o.credits))
                .collect();
            let by_day = usage
                .days
                .into_iter()
                .filter(|d| d.calls > 0 || d.credits != 0)
                .map(|d| DailyCredits {
                    day: d.day,
                    credits: d.credits,
                })
                .collect();
            (Some(by_operation), Some(by_day))
        };

        let mut page = PageRequest::new(1, FAILED_SHOWN);
        page.with_total = false;
        let week_ago = now - chrono::Duration::days(7);
        let failed = core
            .jobs()
            .list(
                scope,
                &JobFilter {
                    status: Some(JobStatus::Failed),
                    site_id: filter.site_id,
                    ..JobFilter::default()
                },
                &page,
            )
            .await?
            .items
            .into_iter()
            .filter(|j| j.finished_at.is_some_and(|f| f >= week_ago))
            .map(|j| FailedJob {
                id: j.id,
                kind: j.kind,
                error: j.error,
                finished_at: j.finished_at,
            })
            .collect();

        Ok(Dashboard {
            keywords: keywords.clone(),
            clusters: counts.clusters,
            clusters_with_ideas: counts.clusters_with_ideas,
            clusters_without_ideas: counts.clusters.saturating_sub(counts.clusters_with_ideas),
            funnel: Funnel {
                keywords: keywords.total,
                clusters: counts.clusters,
                ideas: counts.ideas,
                tasks: counts.tasks,
                content,
                published,
            },
            content_by_status: counts.content_by_status,
            credits_by_operation,
            credits_by_day,
            failed_jobs: failed,
        })
    }
}
