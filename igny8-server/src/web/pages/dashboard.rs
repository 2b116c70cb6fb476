//! The dashboard: the account's pipeline at a glance (the API's `planner/dashboard`), its
//! credit balance, and the jobs that failed this week with their errors.

use askama::Template;
use igny8_core::planner::DashboardFilter;
use poem::web::Data;
use poem::{Request, Response, handler};

use crate::state::AppState;
use crate::web::render::{Chrome, WebError, page};
use crate::web::session::WebUser;

/// One step of the pipeline.
struct Step {
    label: &'static str,
    count: u64,
}

/// A failed job, for people.
struct Failure {
    id: i64,
    what: &'static str,
    error: String,
    when: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    balance: Option<i64>,
    funnel: Vec<Step>,
    keywords_total: u64,
    total_volume: i64,
    clustered_volume: i64,
    failures: Vec<Failure>,
}

impl DashboardPage {
    /// Whether nothing has been done yet (the first steps are shown instead of zeros).
    fn empty(&self) -> bool {
        self.funnel.iter().all(|s| s.count == 0)
    }
}

/// `GET /dashboard`.
#[handler]
pub(crate) async fn dashboard(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let d = state
        .core
        .keywords()
        .dashboard(&scope, DashboardFilter::default())
        .await?;
    // The balance is the account's: a user restricted to one site doesn't see it.
    let balance = state.core.credits().balance(&scope).await.ok();
    let f = &d.funnel;
    let funnel = vec![
        Step {
            label: "Keywords",
            count: f.keywords,
        },
        Step {
            label: "Clusters",
            count: f.clusters,
        },
        Step {
            label: "Ideas",
            count: f.ideas,
        },
        Step {
            label: "Tasks",
            count: f.tasks,
        },
        Step {
            label: "Articles",
            count: f.content,
        },
        Step {
            label: "Published",
            count: f.published,
        },
    ];
    let failures = d
        .failed_jobs
        .iter()
        .map(|j| Failure {
            id: j.id.get(),
            what: j.kind.label(),
            error: j
                .error
                .clone()
                .unwrap_or_else(|| "It stopped without saying why.".to_owned()),
            when: j
                .finished_at
                .map(|t| t.format("%-d %b, %H:%M UTC").to_string())
                .unwrap_or_default(),
        })
        .collect();
    page(&DashboardPage {
        chrome: Chrome::new(req, "Dashboard", "dashboard"),
        balance,
        funnel,
        keywords_total: d.keywords.total,
        total_volume: d.keywords.total_volume,
        clustered_volume: d.keywords.clustered_volume,
        failures,
    })
}
