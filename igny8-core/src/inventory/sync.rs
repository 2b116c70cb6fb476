//! Reading a site's posts, pages and categories from WordPress's REST API.
//!
//! One sync:
//!
//! 1. categories: every non-empty category, in pages of 100 (WordPress keeps no modification
//!    time for terms; sites have few);
//! 2. posts and pages, most recently changed first, in pages of 100, down to the newest
//!    change already known — everything on the first sync or when asked for a full one. (Read
//!    newest first and compared with `modified_gmt` rather than asked for with
//!    `modified_after`, which WordPress compares in the site's own time zone.) A post's tags
//!    are looked up by id, its categories from step 1;
//! 3. the ids of every published post and page (`_fields=id`, small pages), so that what was
//!    deleted, unpublished or made private in WordPress is swept out of the inventory.
//!
//! At most [`MAX_PAGES`] pages of 100 are read per kind, so a huge site cannot keep a worker
//! busy for hours; the report says when that cut the sync short (objects past the cut are not
//! swept).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{LinkKind, SyncedPage};
use crate::Igny8;
use crate::ai::html;
use crate::error::Result;
use crate::ids::{JobId, SiteId};
use crate::jobs::Progress;
use crate::publish::WordPress;
use crate::store::Store;
use crate::tenancy::Scope;

/// Objects asked for per request.
const PER_PAGE: usize = 100;
/// The most pages of [`PER_PAGE`] read per kind and sync (50,000 objects).
pub(crate) const MAX_PAGES: usize = 500;

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Whether everything was read (`false`: only what changed since the last sync).
    pub full: bool,
    /// Posts read (new or changed).
    pub posts: u64,
    /// Pages read (new or changed).
    pub pages: u64,
    /// Categories read.
    pub categories: u64,
    /// Objects taken out: deleted, unpublished or made private in WordPress.
    pub removed: u64,
    /// Objects of the site in the inventory after the sync (IGNY8's own articles not counted).
    pub total: u64,
    /// The sync stopped at the most objects read per kind; run it again to go on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// `modified_gmt` (`2026-12-07T10:00:00`, UTC without offset).
fn gmt(v: &Value) -> Option<DateTime<Utc>> {
    let text = v.as_str()?;
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|t| t.and_utc())
}

/// A rendered title as plain text.
fn plain(v: Option<&Value>) -> String {
    let text = match v {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => other.get("rendered").and_then(Value::as_str).unwrap_or(""),
        None => "",
    };
    html::text_of(text).chars().take(500).collect()
}

/// An object's `link`, when it is an http(s) address of at most 2,048 characters (anything
/// else a site answers is left out: it is shown as a link and offered to the model).
fn web_url(v: Option<&Value>) -> Option<String> {
    let url = v?.as_str()?.trim();
    let scheme = url.split_once("://")?.0.to_ascii_lowercase();
    (matches!(scheme.as_str(), "http" | "https") && url.len() <= 2048).then(|| url.to_owned())
}

fn ids(v: Option<&Value>) -> Vec<i64> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

/// Reads the pages of a collection until `each` says it has enough (`false`) or the last
/// page; `false` when [`MAX_PAGES`] cut it short.
async fn pages_of(
    wp: &WordPress,
    route: &str,
    query: &[(&str, &str)],
    mut each: impl FnMut(Vec<Value>) -> bool,
) -> Result<bool> {
    let per_page = PER_PAGE.to_string();
    for page in 1..=MAX_PAGES {
        let number = page.to_string();
        let mut q: Vec<(&str, &str)> = query.to_vec();
        q.push(("per_page", &per_page));
        q.push(("page", &number));
        let answer = match wp.call(Method::GET, route, &q, None).await {
            Ok(a) => a,
            // Past the last page, WordPress answers 400 rather than an empty list.
            Err(e) if e.code == "rest_post_invalid_page_number" => return Ok(true),
            Err(e) => return Err(e.into()),
        };
        let items = match answer {
            Value::Array(items) => items,
            _ => {
                return Err(crate::Error::Provider(format!(
                    "WordPress: {route} did not answer with a list; is this the WordPress \
                     REST API?"
                )));
            }
        };
        let last = items.len() < PER_PAGE;
        if !each(items) || last {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The job a sync runs as, told how far it got: its id, the worker and the lease.
pub(crate) type JobReport<'a> = Option<(JobId, &'a str, std::time::Duration)>;

/// Tells the job (if any) how far the sync got; whether it was cancelled.
async fn tell<S: Store>(core: &Igny8<S>, job: JobReport<'_>, progress: Progress) -> Result<bool> {
    match job {
        Some((id, worker, lease)) => core.jobs().report(id, worker, &progress, lease).await,
        None => Ok(false),
    }
}

/// Syncs the site's inventory from WordPress; `None` when the job was cancelled.
pub(crate) async fn run<S: Store>(
    core: &Igny8<S>,
    scope: &Scope,
    site: SiteId,
    full: bool,
    job: JobReport<'_>,
) -> Result<Option<SyncReport>> {
    let wp = core.wordpress().client(scope, site).await?;
    let store = core.store();
    let started = core.now();
    let mut report = SyncReport {
        full,
        ..SyncReport::default()
    };

    // 1. Categories, all of them.
    let mut categories: Vec<SyncedPage> = Vec::new();
    let complete = pages_of(
        &wp,
        "/wp/v2/categories",
        &[
            ("hide_empty", "true"),
            ("_fields", "id,link,name,description"),
        ],
        |items| {
            categories.extend(items.iter().filter_map(|c| {
                Some(SyncedPage {
                    kind: LinkKind::Category,
                    wp_id: c.get("id")?.as_i64()?,
                    url: web_url(c.get("link"))?,
                    title: plain(c.get("name")),
                    keywords: Vec::new(),
                    modified_at: None,
                })
            }));
            true
        },
    )
    .await?;
    report.truncated |= !complete;
    let category_names: HashMap<i64, String> = categories
        .iter()
        .map(|c| (c.wp_id, c.title.clone()))
        .collect();
    report.categories = categories.len() as u64;
    store
        .put_link_pages(scope, site, &categories, started)
        .await?;
    if tell(
        core,
        job,
        Progress::new(20, "categories", "categories read"),
    )
    .await?
    {
        return Ok(None);
    }

    // 2. Posts and pages changed since the last sync.
    for (kind, route, percent) in [
        (LinkKind::Post, "/wp/v2/posts", 50),
        (LinkKind::Page, "/wp/v2/pages", 70),
    ] {
        let (newest, _) = store.link_sync_marks(scope, site, kind).await?;
        // Down to the newest change known (changes in that same second read again).
        let since = if full { None } else { newest };
        if since.is_none() {
            report.full = true;
        }
        let query = [
            ("status", "publish"),
            ("orderby", "modified"),
            ("order", "desc"),
            ("_fields", "id,link,title,modified_gmt,categories,tags"),
        ];
        let mut read: Vec<(SyncedPage, Vec<i64>)> = Vec::new();
        let complete = pages_of(&wp, route, &query, |items| {
            let before = read.len();
            read.extend(items.iter().filter_map(|p| {
                let tags = ids(p.get("tags"));
                let page = SyncedPage {
                    kind,
                    wp_id: p.get("id")?.as_i64()?,
                    url: web_url(p.get("link"))?,
                    title: plain(p.get("title")),
                    keywords: ids(p.get("categories"))
                        .iter()
                        .filter_map(|c| category_names.get(c).cloned())
                        .filter(|name| !name.eq_ignore_ascii_case("uncategorized"))
                        .collect(),
                    modified_at: p.get("modified_gmt").and_then(gmt),
                };
                Some((page, tags))
            }));
            let Some(since) = since else { return true };
            // Older than what is known: this page is the last one needed.
            let older = read[before..]
                .iter()
                .any(|(p, _)| p.modified_at.is_some_and(|m| m < since));
            read.retain(|(p, _)| p.modified_at.is_none_or(|m| m >= since));
            !older
        })
        .await?;
        report.truncated |= !complete;
        let tag_ids: Vec<i64> = {
            let mut all: Vec<i64> = read.iter().flat_map(|(_, t)| t.clone()).collect();
            all.sort_unstable();
            all.dedup();
            all
        };
        let tags = tag_names(&wp, &tag_ids).await?;
        let pages: Vec<SyncedPage> = read
            .into_iter()
            .map(|(mut page, tag_ids)| {
                page.keywords
                    .extend(tag_ids.iter().filter_map(|t| tags.get(t).cloned()));
                page.keywords.truncate(50);
                page
            })
            .collect();
        match kind {
            LinkKind::Post => report.posts = pages.len() as u64,
            _ => report.pages = pages.len() as u64,
        }
        store.put_link_pages(scope, site, &pages, started).await?;
        if tell(
            core,
            job,
            Progress::new(percent, "read", format!("{kind}s read")),
        )
        .await?
        {
            return Ok(None);
        }
    }

    // 3. What is still published; the rest goes.
    for (kind, route) in [
        (LinkKind::Post, "/wp/v2/posts"),
        (LinkKind::Page, "/wp/v2/pages"),
    ] {
        let mut live: Vec<i64> = Vec::new();
        let complete = pages_of(
            &wp,
            route,
            &[("status", "publish"), ("_fields", "id")],
            |items| {
                live.extend(items.iter().filter_map(|p| p.get("id")?.as_i64()));
                true
            },
        )
        .await?;
        store
            .mark_link_pages_seen(scope, site, kind, &live, started)
            .await?;
        if complete {
            report.removed += store.sweep_link_pages(scope, site, kind, started).await?;
        } else {
            report.truncated = true;
        }
    }
    if !report.truncated {
        report.removed += store
            .sweep_link_pages(scope, site, LinkKind::Category, started)
            .await?;
    }
    report.total = core.inventory().count(scope, site).await?;
    Ok(Some(report))
}

/// The names of tags `ids`, looked up 100 at a time.
async fn tag_names(wp: &WordPress, ids: &[i64]) -> Result<HashMap<i64, String>> {
    let mut names = HashMap::new();
    for chunk in ids.chunks(PER_PAGE) {
        let include = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let per_page = PER_PAGE.to_string();
        let answer = wp
            .call(
                Method::GET,
                "/wp/v2/tags",
                &[
                    ("include", &include),
                    ("per_page", &per_page),
                    ("_fields", "id,name"),
                ],
                None,
            )
            .await?;
        for tag in answer.as_array().into_iter().flatten() {
            if let Some(id) = tag.get("id").and_then(Value::as_i64) {
                names.insert(id, plain(tag.get("name")));
            }
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordpress_fields_are_read_as_plain_text_and_utc() {
        let post = serde_json::json!({
            "title": {"rendered": "Tea &amp; <em>kettles</em> &#8211; a guide"},
            "modified_gmt": "2026-12-07T10:30:00",
            "tags": [3, 4],
        });
        assert_eq!(plain(post.get("title")), "Tea & kettles – a guide");
        assert_eq!(
            post.get("modified_gmt")
                .and_then(gmt)
                .map(|t| t.to_rfc3339()),
            Some("2026-12-07T10:30:00+00:00".to_owned())
        );
        assert_eq!(ids(post.get("tags")), [3, 4]);
        assert_eq!(plain(Some(&serde_json::json!("Q&amp;A"))), "Q&A");
        let link = |v: &str| web_url(Some(&serde_json::json!(v)));
        assert_eq!(
            link(" https://example.com/?p=1 ").as_deref(),
            Some("https://example.com/?p=1")
        );
        assert_eq!(link("javascript:alert(1)//x"), None);
        assert_eq!(link("ftp://example.com/"), None);
    }
}
