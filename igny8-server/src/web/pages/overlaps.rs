//! Competing pages (`/planner/overlaps`): a site's ideas not written yet, articles and
//! WordPress posts and pages that compete for the same searches, each pair with why and what
//! to do — the API's `planner/overlaps/`. Also draws the conflicts of one article on its page.

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
pub(crate) struct Pair {
    pub reason: &'static str,
    pub a: Side,
    pub b: Side,
    pub shared: String,
    pub action: String,
    pub suggestion: String,
}

/// One of a pair: its link, title and kind in words; `external` for a page of the site's
/// WordPress (a full page load, not the app's).
pub(crate) struct Side {
    pub href: String,
    pub title: String,
    pub kind: &'static str,
    pub external: bool,
}

fn side(t: &igny8_core::planner::overlap::Target) -> Side {
    let (href, kind) = match t.kind {
        TargetKind::Idea => (format!("/planner/ideas/{}", t.id), "Idea"),
        TargetKind::Content => (format!("/writer/content/{}", t.id), "Article"),
        TargetKind::Post => (t.url.clone().unwrap_or_default(), "WordPress post"),
        TargetKind::Page => (t.url.clone().unwrap_or_default(), "WordPress page"),
    };
    Side {
        href,
        title: t.title.clone(),
        kind,
        external: t.kind.is_wordpress(),
    }
}

pub(crate) fn pair(o: Overlap) -> Pair {
    Pair {
        reason: match o.reason {
            OverlapReason::SamePrimaryKeyword => "Same main keyword",
            OverlapReason::KeywordOverlap => "Most keywords shared",
            OverlapReason::SimilarTitle => "Nearly the same title",
        },
        a: side(&o.a),
        b: side(&o.b),
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
