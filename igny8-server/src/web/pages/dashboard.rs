//! The dashboard: the account's pipeline at a glance (the API's `planner/dashboard`), its
//! credit balance, and the jobs that failed this week with their errors.

use askama::Template;
use igny8_core::planner::DashboardFilter;
use poem::web::Data;
use poem::{Request, Response, handler};

use crate::state::AppState;
use crate::web::charts::{self, Chart};
use crate::web::render::{Chrome, WebError, page};
use crate::web::session::WebUser;
use crate::web::table::{label, number};

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
    funnel_chart: Chart,
    charts: Vec<Chart>,
    balance: Option<String>,
    funnel: Vec<Step>,
    keywords_total: String,
    total_volume: String,
    clustered_volume: String,
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
    if user.scope.is_none() && user.superuser {
        // An operator without an account of their own has the console instead.
        return Ok(crate::web::render::redirect(req, "/operator"));
    }
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
    let funnel_chart = charts::bars(
        "funnel",
        "From keywords to published articles",
        "How many keywords, clusters, ideas, tasks, articles and published articles the account has.",
        &funnel
            .iter()
            .map(|s| (s.label.to_owned(), s.count as i64))
            .collect::<Vec<_>>(),
    );
    let mut charts = Vec::new();
    let groups = |map: &std::collections::BTreeMap<String, u64>| {
        map.iter()
            .map(|(k, v)| (label(k), *v as i64))
            .collect::<Vec<_>>()
    };
    if d.keywords.total > 0 {
        charts.push(charts::bars(
            "by-status",
            "Keywords by status",
            "How many keywords wait for a cluster, are in one, or are archived.",
            &groups(&d.keywords.by_status),
        ));
        charts.push(charts::bars(
            "by-intent",
            "Keywords by search intent",
            "How many keywords have each search intent.",
            &groups(&d.keywords.by_intent),
        ));
    }
    if let Some(days) = d
        .credits_by_day
        .as_ref()
        .filter(|days| days.iter().any(|c| c.credits != 0))
    {
        charts.push(charts::columns(
            "credits",
            "Credits spent per day",
            "Credits the account's AI work used each day of the last 30 days.",
            &days
                .iter()
                .map(|c| (c.day.format("%-d %b").to_string(), c.credits))
                .collect::<Vec<_>>(),
        ));
    }
    page(&DashboardPage {
        funnel_chart,
        charts,
        chrome: Chrome::new(req, "Dashboard", "dashboard"),
        balance: balance.map(number),
        funnel,
        keywords_total: number(d.keywords.total as i64),
        total_volume: number(d.keywords.total_volume),
        clustered_volume: number(d.keywords.clustered_volume),
        failures,
    })
}
