//! `planner/dashboard/`: the pipeline of a site or sector at a glance.

use igny8_core::planner::{self as p, DashboardFilter};
use igny8_core::{SectorId, SiteId};
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::Query;

use super::Tag;
use crate::auth::Auth;
use crate::dto::E;
use crate::dto::dashboard::*;
use crate::envelope::{ApiResult, ok};
use crate::state::AppState;

/// The dashboard.
pub struct DashboardApi;

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
