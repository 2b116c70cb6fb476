//! Competing pages (`/planner/overlaps`): a site's new ideas and articles that compete for the
//! same searches, each pair with why and what to do — the API's `planner/overlaps/`.

use askama::Template;
use igny8_core::SiteId;
use igny8_core::planner::overlap::{Overlap, OverlapReason, TargetKind};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Request, Response, handler};

use crate::web::render::{Chrome, WebError, with_status};
use crate::web::session::WebUser;
use crate::web::table::Choice;

use super::common::Places;

#[derive(Template)]
#[template(path = "planner/overlaps.html")]
struct OverlapsPage {
    chrome: Chrome,
    /// The sites to choose from; the chosen one selected.
    sites: Vec<Choice>,
    /// The chosen site's name ("" when the account has no site).
    site: String,
    pairs: Vec<Pair>,
}

/// One competing pair as the page shows it.
struct Pair {
    reason: &'static str,
    a: (String, String, &'static str),
    b: (String, String, &'static str),
    shared: String,
    action: String,
    suggestion: String,
}

/// A target's link, title and kind in words.
fn target(t: &igny8_core::planner::overlap::Target) -> (String, String, &'static str) {
    match t.kind {
        TargetKind::Idea => (format!("/planner/ideas/{}", t.id), t.title.clone(), "Idea"),
        TargetKind::Content => (
            format!("/writer/content/{}", t.id),
            t.title.clone(),
            "Article",
        ),
    }
}

fn pair(o: Overlap) -> Pair {
    Pair {
        reason: match o.reason {
            OverlapReason::SamePrimaryKeyword => "Same main keyword",
            OverlapReason::KeywordOverlap => "Most keywords shared",
            OverlapReason::SimilarTitle => "Nearly the same title",
        },
        a: target(&o.a),
        b: target(&o.b),
        shared: o.shared_keywords.join(", "),
        action: crate::web::table::label(o.action.as_str()),
        suggestion: o.suggestion,
    }
}

/// `GET /planner/overlaps?site_id=`: the chosen site's competing pages (the first site when
/// none is chosen).
#[handler]
pub(crate) async fn page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let places = Places::load(&state, &scope).await?;
    let asked = req
        .uri()
        .query()
        .into_iter()
        .flat_map(|q| form_urlencoded::parse(q.as_bytes()))
        .find(|(k, _)| k == "site_id")
        .and_then(|(_, v)| v.parse::<i64>().ok());
    let chosen = match asked {
        Some(id) => places.sites.iter().find(|s| s.id.get() == id),
        None => places.sites.first(),
    };
    let Some(site) = chosen else {
        // No site (or not one of the account's): say so rather than show an empty report.
        let status = if asked.is_some() {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        };
        return with_status(
            status,
            &OverlapsPage {
                chrome: Chrome::new(req, "Competing pages", "ideas"),
                sites: Vec::new(),
                site: String::new(),
                pairs: Vec::new(),
            },
        );
    };
    let current = site.id.get().to_string();
    let found = state
        .core
        .ideas()
        .overlaps(&scope, SiteId(site.id.get()))
        .await?;
    with_status(
        StatusCode::OK,
        &OverlapsPage {
            chrome: Chrome::new(req, "Competing pages", "ideas"),
            sites: places
                .sites
                .iter()
                .map(|s| Choice::new(s.id.get().to_string(), s.name.clone(), Some(&current)))
                .collect(),
            site: site.name.clone(),
            pairs: found.into_iter().map(pair).collect(),
        },
    )
}

use crate::state::AppState;
