//! `planner/dashboard/`: the pipeline of a site or sector at a glance.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use igny8_core::planner::{self as p, DashboardFilter};
use igny8_core::{SectorId, SiteId};
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::{Object, OpenApi};

use super::Tag;
use crate::auth::Auth;
use crate::dto::E;
use crate::envelope::{ApiResult, ok};
use crate::state::AppState;

/// The dashboard.
pub struct DashboardApi;

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

impl From<p::Dashboard> for Dashboard {
    fn from(d: p::Dashboard) -> Self {
        Self {
            keywords: KeywordStats {
                total: d.keywords.total,
                by_status: d.keywords.by_status,
                by_intent: d.keywords.by_intent,
                total_volume: d.keywords.total_volume,
                clustered_volume: d.keywords.clustered_volume,
            },
            clusters: d.clusters,
            clusters_with_ideas: d.clusters_with_ideas,
            clusters_without_ideas: d.clusters_without_ideas,
            funnel: Funnel {
                keywords: d.funnel.keywords,
                clusters: d.funnel.clusters,
                ideas: d.funnel.ideas,
                tasks: d.funnel.tasks,
                content: d.funnel.content,
                published: d.funnel.published,
            },
            content_by_status: d.content_by_status,
            credits_by_operation: d.credits_by_operation,
            credits_by_day: d.credits_by_day.map(|days| {
                days.into_iter()
                    .map(|c| DailyCredits {
                        day: c.day,
                        credits: c.credits,
                    })
                    .collect()
            }),
            failed_jobs: d
                .failed_jobs
                .into_iter()
                .map(|j| FailedJob {
                    id: j.id.get(),
                    kind: E(j.kind),
                    error: j.error,
                    finished_at: j.finished_at,
                })
                .collect(),
        }
    }
}

#[OpenApi(prefix_path = "/planner", tag = "Tag::Planner")]
impl DashboardApi {
    /// The pipeline of the account, a site or a sector: keywords by status and intent with
    /// their volume, clusters with and without ideas, the funnel from keywords to published
    /// content, content by status, credits per operation and per day (30 days), and the jobs
    /// that failed in the last 7 days. Keyword figures are kept until the keywords change.
    #[oai(path = "/dashboard/", method = "get")]
    async fn dashboard(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        site_id: Query<Option<i64>>,
        sector_id: Query<Option<i64>>,
    ) -> ApiResult<Dashboard> {
        let scope = auth.0.scope()?;
        let filter = DashboardFilter {
            site_id: site_id.0.map(SiteId),
            sector_id: sector_id.0.map(SectorId),
        };
        let d = state.core.keywords().dashboard(&scope, filter).await?;
        Ok(ok(d.into()))
    }
}
