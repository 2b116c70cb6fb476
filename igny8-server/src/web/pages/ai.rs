//! Starting an AI function from a page, the same way everywhere: the cost first (the core's
//! estimate, checked as the run itself will check it — the API's `billing/estimate/`), then a
//! button that starts it, then the job's page with its live progress. A page shows the cost
//! inline ([`Cost`] with `components/cost.html`) or, for an action on selected rows, on a page
//! of its own ([`confirm`]).
//!
//! The payloads are the API's: each is built by the API request type of the operation
//! (`AutoClusterRequest`, `GenerateIdeasRequest`…), so a page can't start something the API
//! would read differently.

use askama::Template;
use igny8_core::Error;
use igny8_core::ai::functions::Estimate;
use igny8_core::jobs::JobKind;
use igny8_core::tenancy::Scope;
use poem::http::StatusCode;
use poem::{Request, Response};
use serde_json::Value;

use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::render::{Chrome, WebError, redirect, with_status};
use crate::web::table::number;

/// An AI run about to start: what it does, what it would cost, and the form that starts it.
#[derive(Debug, Clone)]
pub(crate) struct Cost {
    /// What it does, as a sentence's subject ("Auto Cluster of Coffee").
    pub what: String,
    /// Its units of work ("2 model calls", "3 clusters").
    pub units: String,
    /// "up to 4 credits".
    pub credits: String,
    /// The account's balance, when the person may see it.
    pub balance: Option<String>,
    /// Whether the balance covers it.
    pub enough: bool,
    /// Where the start form posts.
    pub start: &'static str,
    /// The start button's text ("Start Auto Cluster").
    pub button: &'static str,
    /// The fields the start form sends (the same the estimate was made with).
    pub fields: Vec<(String, String)>,
    /// Where "Not now" goes.
    pub back: String,
}

impl Cost {
    /// The cost of `estimate`, counting its units as `nouns` ("model call", "model calls"),
    /// started by the button `(path, text)` sending `fields`.
    pub(crate) fn of(
        estimate: &Estimate,
        what: impl Into<String>,
        nouns: (&str, &str),
        (start, button): (&'static str, &'static str),
        fields: Vec<(String, String)>,
        back: impl Into<String>,
    ) -> Self {
        let plural = |n: i64, one: &str, many: &str| {
            format!("{} {}", number(n), if n == 1 { one } else { many })
        };
        Self {
            what: what.into(),
            units: plural(estimate.units as i64, nouns.0, nouns.1),
            credits: plural(estimate.credits, "credit", "credits"),
            balance: estimate.balance.map(number),
            enough: estimate.enough,
            start,
            button,
            fields,
            back: back.into(),
        }
    }
}

/// Starts an AI run and goes to its job's page; the core's refusal otherwise.
pub(crate) async fn start(
    req: &Request,
    state: &AppState,
    scope: &Scope,
    kind: JobKind,
    payload: Value,
) -> Result<Response, Error> {
    let (job, _) = state.core.ai().start(scope, kind, payload).await?;
    Ok(redirect(
        req,
        &format!("/jobs/{}?done=job-started", job.id.get()),
    ))
}

#[derive(Template)]
#[template(path = "ai/confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    heading: String,
    cost: Option<Cost>,
    errors: FormErrors,
    back: String,
    /// A form to change an option and see the cost again (its fields, posted to `again`).
    again: Option<Again>,
    /// The AI can't run for want of a provider: the settings page fixes it.
    needs_provider: bool,
}

/// A choice that changes the cost (ideas per cluster), shown above it.
#[derive(Debug, Clone)]
pub(crate) struct Again {
    /// Where it posts (the estimate's route).
    pub path: &'static str,
    /// The select's name and label.
    pub name: &'static str,
    pub label: &'static str,
    /// The choices: value, selected.
    pub choices: Vec<(String, bool)>,
    /// Other fields it sends along (the selected ids).
    pub fields: Vec<(String, String)>,
}

/// The page that asks before an AI run on selected rows: its cost and a start button, or why
/// it can't run (with the status to send).
pub(crate) fn confirm(
    req: &Request,
    heading: impl Into<String>,
    outcome: Result<Cost, Error>,
    back: String,
    again: Option<Again>,
) -> Result<Response, WebError> {
    let heading = heading.into();
    let needs_provider =
        matches!(&outcome, Err(e) if e.code() == igny8_core::ErrorCode::NotConfigured);
    let (status, cost, errors) = match outcome {
        Ok(cost) => (StatusCode::OK, Some(cost), FormErrors::none()),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            (status, None, errors.shown_in(&[]))
        }
    };
    with_status(
        status,
        &ConfirmPage {
            chrome: Chrome::new(req, heading.clone(), section_of(&back)),
            heading,
            cost,
            errors,
            back,
            again,
            needs_provider,
        },
    )
}

/// The menu entry of the page a confirmation came from.
fn section_of(back: &str) -> &'static str {
    crate::web::render::MENU
        .iter()
        .chain(crate::web::render::ACCOUNT_MENU)
        .find(|(_, _, href)| back.starts_with(href))
        .map_or("", |(key, _, _)| key)
}
