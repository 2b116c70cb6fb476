//! Reading, syncing and ranking a site's link inventory.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{LinkEntry, LinkKind, LinkPage, LinkPageFilter, SyncReport, SyncedPage};
use crate::Igny8;
use crate::error::{Error, Result};
use crate::ids::{ContentId, SiteId};
use crate::jobs::{Job, JobFilter, JobKind, JobStatus, NewJob, Outcome};
use crate::list::{MAX_PAGE_SIZE, Page, PageRequest};
use crate::planner::clustering::{Language, signature};
use crate::planner::service::every_page;
use crate::store::Store;
use crate::tenancy::{Permission, Scope};
use crate::writer::links::normal;
use crate::writer::{ContentFilter, ContentSort, ContentStatus, TaskFilter, TaskSort};

/// What a `sync_links` job is asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncInput {
    /// The site (connected to WordPress).
    pub site_id: SiteId,
    /// Read everything again, not only what changed since the last sync.
    #[serde(default)]
    pub full: bool,
}

/// What [`Inventory::record`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// Objects recorded.
    pub recorded: u64,
    /// Objects taken out (with `complete`).
    pub removed: u64,
    /// When they were recorded: the `since` of the calls that follow in one sync.
    pub seen_at: chrono::DateTime<chrono::Utc>,
}

/// A suggested link from an older page of the site to a new article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkBack {
    /// The page the link would be in.
    pub from: LinkEntry,
    /// The words they share (stems), most telling first.
    pub shared: Vec<String>,
    /// The anchor text to link: the new article's primary keyword (or title).
    pub anchor: String,
    /// For an IGNY8 article: the paragraph of its text where IGNY8 would insert the link
    /// ([`Inventory::insert_link_back`]). `None`: the anchor's words are not in its text, or
    /// it is not IGNY8's — the link has to be written by hand.
    pub paragraph: Option<String>,
}

/// A suggested link from an article being edited to another page of its site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkOut {
    /// The page to link to.
    pub to: LinkEntry,
    /// The words they share (stems), most telling first.
    pub shared: Vec<String>,
    /// The words of the article to make the link: one of the page's keywords, its title or
    /// its cluster, as the article writes them, standing as whole words in its running text
    /// (a paragraph or list item, outside links, headings, captions and code).
    pub anchor: String,
    /// The text of the paragraph the anchor is first in.
    pub paragraph: String,
}

/// The link inventory of a site.
#[derive(Debug)]
pub struct Inventory<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Igny8<S> {
    /// The link inventory: the pages of a site that internal links may point to.
    pub fn inventory(&self) -> Inventory<'_, S> {
        Inventory { core: self }
    }
}

/// How old a site's inventory may get before the worker syncs it again.
pub const REFRESH_EVERY: Duration = Duration::from_secs(24 * 3600);

/// The most objects one [`Inventory::record`] call takes.
pub const MAX_RECORDED: usize = 5_000;

impl<S: Store> Inventory<'_, S> {
    /// A page of the site's synced WordPress objects (`filter.site_id` is required).
    pub async fn list(
        &self,
        scope: &Scope,
        filter: &LinkPageFilter,
        page: &PageRequest,
    ) -> Result<Page<LinkPage>> {
        scope.require(Permission::Read)?;
        let Some(site) = filter.site_id else {
            return Err(Error::field("site_id", "is required"));
        };
        self.core.store().get_site(scope, site).await?;
        self.core.store().list_link_pages(scope, filter, page).await
    }

    /// How many WordPress objects of the site are in the inventory, and when a sync (or the
    /// plugin) last found any.
    pub async fn status(
        &self,
        scope: &Scope,
        site: SiteId,
    ) -> Result<(u64, Option<chrono::DateTime<chrono::Utc>>)> {
        let count = self.count(scope, site).await?;
        let (_, synced) = self
            .core
            .store()
            .link_sync_marks(scope, site, LinkKind::Post)
            .await?;
        Ok((count, synced))
    }

    /// How many WordPress objects of the site are in the inventory.
    pub async fn count(&self, scope: &Scope, site: SiteId) -> Result<u64> {
        let filter = LinkPageFilter {
            site_id: Some(site),
            ..LinkPageFilter::default()
        };
        let mut page = PageRequest::new(1, 1);
        page.with_total = true;
        let found = self.list(scope, &filter, &page).await?;
        Ok(found.total.unwrap_or(found.items.len() as u64))
    }

    /// The whole inventory of the site: its synced WordPress objects and its published IGNY8
    /// articles (which stand for the WordPress post they became: one entry per address).
    pub async fn entries(&self, scope: &Scope, site: SiteId) -> Result<Vec<LinkEntry>> {
        scope.require(Permission::Read)?;
        // Another account's site (or one outside a restricted scope) is not found, not empty.
        self.core.store().get_site(scope, site).await?;
        let core = self.core;
        let contents = core.contents();
        let contents = &contents;
        let published_filter = &ContentFilter {
            site_id: Some(site),
            status: Some(ContentStatus::Published),
            ..ContentFilter::default()
        };
        // Each part boxed: Generate Content awaits this inside an automation run's future,
        // and a debug build's stack is small for futures nested that deep.
        let published = Box::pin(every_page(|page| async move {
            contents
                .list(scope, published_filter, &ContentSort::default(), &page)
                .await
        }))
        .await?;
        let clusters = Box::pin(self.cluster_names(scope, site)).await?;
        let mut entries: Vec<LinkEntry> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for c in published {
            let Some(url) = c.wp_url.clone() else {
                continue;
            };
            if !seen.insert(normal(&url)) {
                continue;
            }
            entries.push(LinkEntry {
                kind: LinkKind::Content,
                url,
                keywords: c.keywords(),
                title: c.title,
                cluster: c.task_id.and_then(|t| clusters.get(&t).cloned()),
                wp_id: c.wp_post_id,
                content_id: Some(c.id),
                modified_at: c.published_at,
            });
        }
        let store = core.store();
        let pages_filter = &LinkPageFilter {
            site_id: Some(site),
            ..LinkPageFilter::default()
        };
        let synced = Box::pin(every_page(|page| async move {
            store.list_link_pages(scope, pages_filter, &page).await
        }))
        .await?;
        for p in synced {
            if seen.insert(normal(&p.url)) {
                entries.push(p.into());
            }
        }
        Ok(entries)
    }

    /// The cluster each of the site's tasks was made for, by name.
    async fn cluster_names(
        &self,
        scope: &Scope,
        site: SiteId,
    ) -> Result<HashMap<crate::ids::TaskId, String>> {
        let tasks = self.core.tasks();
        let tasks = &tasks;
        let filter = &TaskFilter {
            site_id: Some(site),
            ..TaskFilter::default()
        };
        let tasks = Box::pin(every_page(|page| async move {
            tasks.list(scope, filter, &TaskSort::default(), &page).await
        }))
        .await?;
        let mut wanted: Vec<_> = tasks.iter().filter_map(|t| t.cluster_id).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut names = HashMap::new();
        for chunk in wanted.chunks(MAX_PAGE_SIZE as usize) {
            let filter = crate::planner::ClusterFilter {
                ids: Some(chunk.to_vec()),
                ..Default::default()
            };
            let found = Box::pin(self.core.clusters().list(
                scope,
                &filter,
                &Default::default(),
                &PageRequest::new(1, MAX_PAGE_SIZE),
            ))
            .await?;
            names.extend(found.items.into_iter().map(|c| (c.id, c.name)));
        }
        Ok(tasks
            .into_iter()
            .filter_map(|t| Some((t.id, names.get(&t.cluster_id?)?.clone())))
            .collect())
    }

    /// The inventory of the site, most related to `phrases` first (by the stems they share,
    /// in the account's language), without `exclude` (the article itself).
    pub async fn related(
        &self,
        scope: &Scope,
        site: SiteId,
        phrases: &[&str],
        exclude: Option<ContentId>,
    ) -> Result<Vec<LinkEntry>> {
        let language = Box::pin(self.language(scope)).await?;
        let entries = Box::pin(self.entries(scope, site)).await?;
        Ok(rank(entries, phrases, language, exclude)
            .into_iter()
            .map(|(entry, _)| entry)
            .collect())
    }

    async fn language(&self, scope: &Scope) -> Result<Language> {
        Ok(
            Language::from_setting(&self.core.system().defaults(scope).await?.language)
                .unwrap_or_default(),
        )
    }

    /// The site's inventory ranked for `article` (by its keywords and title, the article
    /// itself left out) with the stems each entry shares, and the article's own address,
    /// normalised, when it has one.
    async fn ranked_for(
        &self,
        scope: &Scope,
        article: &crate::writer::Content,
    ) -> Result<(Vec<(LinkEntry, Vec<String>)>, Option<String>)> {
        let language = Box::pin(self.language(scope)).await?;
        let phrases: Vec<&str> = article
            .primary_keyword
            .iter()
            .chain(&article.secondary_keywords)
            .map(String::as_str)
            .chain(std::iter::once(article.title.as_str()))
            .collect();
        let entries = Box::pin(self.entries(scope, article.site_id)).await?;
        Ok((
            rank(entries, &phrases, language, Some(article.id)),
            article.wp_url.as_deref().map(normal),
        ))
    }

    /// Pages of the site that could link to `content` (a published or draft article): those
    /// sharing at least two stems with its keywords and title, most related first, at most
    /// `limit`. IGNY8 articles that already link to it are left out.
    pub async fn links_back(
        &self,
        scope: &Scope,
        content: ContentId,
        limit: usize,
    ) -> Result<Vec<LinkBack>> {
        let target = self.core.contents().get(scope, content).await?;
        let anchor = target
            .primary_keyword
            .clone()
            .filter(|k| !k.trim().is_empty())
            .unwrap_or_else(|| target.title.clone());
        let (ranked, own) = Box::pin(self.ranked_for(scope, &target)).await?;
        let mut out = Vec::new();
        for (entry, shared) in ranked {
            if shared.len() < 2 || own.as_deref() == Some(normal(&entry.url).as_str()) {
                continue;
            }
            let mut paragraph = None;
            if let Some(id) = entry.content_id {
                let older = self.core.contents().get(scope, id).await?;
                if let Some(url) = &target.wp_url
                    && links_to(&older.html, url)
                {
                    continue;
                }
                paragraph = target.wp_url.as_deref().and_then(|url| {
                    crate::writer::links::insert_link(&older.html, &anchor, url).map(|(_, p)| p)
                });
            }
            out.push(LinkBack {
                from: entry,
                shared,
                anchor: anchor.clone(),
                paragraph,
            });
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// Pages of the site that article `content` could link to, most related first, at most
    /// `limit`: each with words of the article to make the link. `html` is the body as an
    /// editor holds it now (block comments and all; the stored body without it). Pages the
    /// body already links to, the article's own address and pages whose words the body doesn't
    /// use are left out; a page's keywords are tried before its title and cluster.
    pub async fn links_out(
        &self,
        scope: &Scope,
        content: ContentId,
        html: Option<&str>,
        limit: usize,
    ) -> Result<Vec<LinkOut>> {
        let article = self.core.contents().get(scope, content).await?;
        let html = html.unwrap_or(&article.html);
        let (ranked, own) = Box::pin(self.ranked_for(scope, &article)).await?;
        let mut out = Vec::new();
        for (entry, shared) in ranked {
            if out.len() >= limit || shared.is_empty() {
                break;
            }
            if own.as_deref() == Some(normal(&entry.url).as_str()) || links_to(html, &entry.url) {
                continue;
            }
            let candidates = entry
                .keywords
                .iter()
                .map(String::as_str)
                .chain(std::iter::once(entry.title.as_str()))
                .chain(entry.cluster.as_deref());
            let found = candidates.filter(|p| !p.trim().is_empty()).find_map(|p| {
                crate::writer::links::insert_link(html, p, &entry.url).map(|(linked, paragraph)| {
                    (anchor_as_written(&linked, &entry.url, p), paragraph)
                })
            });
            if let Some((anchor, paragraph)) = found {
                out.push(LinkOut {
                    to: entry,
                    shared,
                    anchor,
                    paragraph,
                });
            }
        }
        Ok(out)
    }

    /// Links IGNY8 article `from` to the published article `to`: the first whole-word
    /// appearance of `to`'s primary keyword (or title) in `from`'s running text becomes a link
    /// to `to`'s address. The changed `from`; to show it in WordPress, publish it again.
    /// Refused when `to` isn't published, the words aren't in `from`, or `from` already links
    /// to `to`.
    pub async fn insert_link_back(
        &self,
        scope: &Scope,
        from: ContentId,
        to: ContentId,
    ) -> Result<crate::writer::Content> {
        scope.require(Permission::Write)?;
        if from == to {
            return Err(Error::field(
                "content_id",
                "must be another article than the one linked to",
            ));
        }
        let target = self.core.contents().get(scope, to).await?;
        let older = self.core.contents().get(scope, from).await?;
        let Some(url) = target.wp_url.clone() else {
            return Err(Error::field(
                "id",
                format!(
                    "content {} is not published yet: publish it first, then link to it",
                    to.get()
                ),
            ));
        };
        if older.site_id != target.site_id {
            return Err(Error::field(
                "content_id",
                "must be an article of the same site",
            ));
        }
        if links_to(&older.html, &url) {
            return Err(Error::Conflict(format!(
                "content {} already links to content {} (link_exists)",
                from.get(),
                to.get()
            )));
        }
        let anchor = target
            .primary_keyword
            .clone()
            .filter(|k| !k.trim().is_empty())
            .unwrap_or_else(|| target.title.clone());
        let Some((html, _)) = crate::writer::links::insert_link(&older.html, &anchor, &url) else {
            return Err(Error::field(
                "content_id",
                format!(
                    "the words \"{anchor}\" are not in the running text of content {}; add \
                     the link by hand",
                    from.get()
                ),
            ));
        };
        self.core
            .contents()
            .update(
                scope,
                from,
                crate::writer::ContentPatch {
                    html: Some(html),
                    ..Default::default()
                },
            )
            .await
    }

    /// Records WordPress objects of the site read by the caller itself (the WordPress plugin,
    /// from its own database), as found at this moment.
    ///
    /// A whole site is sent in calls of at most [`MAX_RECORDED`]: the first call's `seen_at`
    /// is where the sync started; the last one says `complete` with that `since`, and every
    /// WordPress object of the site not sent since then (deleted, unpublished) is taken out.
    /// `complete` without `since`: this call holds the whole site.
    pub async fn record(
        &self,
        scope: &Scope,
        site: SiteId,
        pages: Vec<SyncedPage>,
        complete: bool,
        since: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Recorded> {
        scope.require(Permission::Write)?;
        if pages.len() > MAX_RECORDED {
            return Err(Error::field(
                "pages",
                format!("at most {MAX_RECORDED} at a time; send the rest in another call"),
            ));
        }
        let pages = check_pages(pages)?;
        self.core.store().get_site(scope, site).await?;
        let now = self.core.now();
        self.core
            .store()
            .put_link_pages(scope, site, &pages, now)
            .await?;
        let mut removed = 0;
        if complete {
            let since = since.unwrap_or(now).min(now);
            for kind in [LinkKind::Post, LinkKind::Page, LinkKind::Category] {
                removed += self
                    .core
                    .store()
                    .sweep_link_pages(scope, site, kind, since)
                    .await?;
            }
        }
        Ok(Recorded {
            recorded: pages.len() as u64,
            removed,
            seen_at: now,
        })
    }

    /// Takes one WordPress object out of the site's inventory (deleted or unpublished there);
    /// whether it was in.
    pub async fn forget(
        &self,
        scope: &Scope,
        site: SiteId,
        kind: LinkKind,
        wp_id: i64,
    ) -> Result<bool> {
        scope.require(Permission::Write)?;
        self.core.store().get_site(scope, site).await?;
        self.core
            .store()
            .delete_link_page(scope, site, kind, wp_id)
            .await
    }

    /// Queues a sync of the site's inventory from its WordPress (which must be connected); a
    /// sync of the site already queued or running is returned instead of a second one.
    pub async fn start_sync(&self, scope: &Scope, input: SyncInput) -> Result<Job> {
        scope.require(Permission::Write)?;
        let site = self.core.store().get_site(scope, input.site_id).await?;
        if site.wordpress.is_none() {
            return Err(Error::NotConfigured(format!(
                "site {} is not connected to WordPress: set its URL, user and application \
                 password first",
                site.id.get()
            )));
        }
        for status in [JobStatus::Running, JobStatus::Queued] {
            let filter = JobFilter {
                kind: Some(JobKind::SyncLinks),
                status: Some(status),
                site_id: Some(site.id),
                ..JobFilter::default()
            };
            let active = self
                .core
                .jobs()
                .list(scope, &filter, &PageRequest::new(1, 1))
                .await?;
            if let Some(job) = active.items.into_iter().next() {
                return Ok(job);
            }
        }
        self.core
            .jobs()
            .enqueue(
                scope,
                NewJob {
                    kind: JobKind::SyncLinks,
                    site_id: Some(site.id),
                    payload: serde_json::to_value(&input)
                        .map_err(|e| Error::Internal(e.to_string()))?,
                    max_attempts: Some(3),
                    run_after: None,
                },
            )
            .await
    }

    /// Queues a sync for up to `limit` sites (of any account) connected to WordPress whose
    /// inventory is older than [`REFRESH_EVERY`] and that no sync was queued for since; the
    /// jobs queued. The worker calls it every minute, so inventories stay fresh by themselves.
    pub async fn refresh_stale(&self, limit: u64) -> Result<Vec<Job>> {
        let before = self.core.now()
            - chrono::Duration::from_std(REFRESH_EVERY).unwrap_or(chrono::Duration::days(1));
        let mut queued = Vec::new();
        for (account, site) in self.core.store().stale_link_sites(before, limit).await? {
            let scope = Scope::system(account);
            match self
                .start_sync(
                    &scope,
                    SyncInput {
                        site_id: site,
                        full: false,
                    },
                )
                .await
            {
                Ok(job) => queued.push(job),
                Err(e) => {
                    tracing::warn!(site = site.get(), error = %e, "could not queue a link sync");
                }
            }
        }
        Ok(queued)
    }

    /// Syncs the site's inventory from WordPress now, in the caller's task (what the
    /// `sync_links` job runs).
    pub async fn sync(&self, scope: &Scope, input: &SyncInput) -> Result<SyncReport> {
        scope.require(Permission::Write)?;
        let report = super::sync::run(self.core, scope, input.site_id, input.full, None).await?;
        report.ok_or_else(|| Error::Internal("the sync stopped".into()))
    }
}

/// Checks and tidies objects handed over by a caller.
fn check_pages(pages: Vec<SyncedPage>) -> Result<Vec<SyncedPage>> {
    let mut check = crate::validate::Check::new();
    let mut out = Vec::with_capacity(pages.len());
    for (i, mut p) in pages.into_iter().enumerate() {
        let field = |name: &str| format!("pages[{i}].{name}");
        if p.kind == LinkKind::Content {
            check.fail(
                &field("kind"),
                "must be post, page or category (IGNY8's own articles are added by themselves)",
            );
        }
        if p.wp_id <= 0 {
            check.fail(&field("wp_id"), "must be a WordPress id (positive)");
        }
        let url = p.url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() > 2048 {
            check.fail(
                &field("url"),
                "must be an http(s) address of at most 2,048 characters",
            );
        }
        p.url = url.to_owned();
        p.title = crate::collapse_whitespace(&crate::strip_markup(&p.title))
            .chars()
            .take(500)
            .collect();
        p.keywords = p
            .keywords
            .iter()
            .map(|k| crate::collapse_whitespace(&crate::strip_markup(k)))
            .filter(|k| !k.is_empty())
            .map(|k| k.chars().take(200).collect())
            .take(50)
            .collect();
        out.push(p);
    }
    check.finish()?;
    Ok(out)
}

/// Whether `html` has a link to `url`.
/// The text of the link to `url` in `html` (the anchor as the article writes it, letter case
/// and all); `phrase` when there is none.
fn anchor_as_written(html: &str, url: &str, phrase: &str) -> String {
    fn find(node: &crate::ai::html::Node, url: &str) -> Option<String> {
        match node {
            crate::ai::html::Node::Element(e) if e.name == "a" && e.attr("href") == Some(url) => {
                Some(crate::collapse_whitespace(&e.text()))
            }
            crate::ai::html::Node::Element(e) => e.children.iter().find_map(|c| find(c, url)),
            crate::ai::html::Node::Text(_) => None,
        }
    }
    crate::ai::html::Node::parse(html)
        .iter()
        .find_map(|n| find(n, url))
        .unwrap_or_else(|| phrase.to_owned())
}

fn links_to(html: &str, url: &str) -> bool {
    let wanted = normal(url);
    crate::ai::html::Node::parse(html)
        .iter()
        .any(|n| has_link(n, &wanted))
}

fn has_link(node: &crate::ai::html::Node, wanted: &str) -> bool {
    match node {
        crate::ai::html::Node::Element(e) => {
            (e.name == "a" && e.attr("href").is_some_and(|h| normal(h) == wanted))
                || e.children.iter().any(|c| has_link(c, wanted))
        }
        crate::ai::html::Node::Text(_) => false,
    }
}

/// `entries` most related to `phrases` first, each with the stems they share; ties keep
/// IGNY8's articles, then posts, pages and categories, newest first.
pub(crate) fn rank(
    entries: Vec<LinkEntry>,
    phrases: &[&str],
    language: Language,
    exclude: Option<ContentId>,
) -> Vec<(LinkEntry, Vec<String>)> {
    let mut wanted: Vec<String> = Vec::new();
    for stem in phrases.iter().flat_map(|p| signature(p, language)) {
        if !wanted.contains(&stem) {
            wanted.push(stem);
        }
    }
    let mut scored: Vec<(LinkEntry, Vec<String>)> = entries
        .into_iter()
        .filter(|e| exclude.is_none() || e.content_id != exclude)
        .map(|e| {
            let stems: HashSet<String> = e.phrases().flat_map(|p| signature(p, language)).collect();
            let shared = wanted
                .iter()
                .filter(|s| stems.contains(*s))
                .cloned()
                .collect();
            (e, shared)
        })
        .collect();
    // On a tie: IGNY8's articles, then posts, pages and categories.
    let rank = |k: LinkKind| match k {
        LinkKind::Content => 0,
        LinkKind::Post => 1,
        LinkKind::Page => 2,
        LinkKind::Category => 3,
    };
    scored.sort_by(|(a, sa), (b, sb)| {
        sb.len()
            .cmp(&sa.len())
            .then(rank(a.kind).cmp(&rank(b.kind)))
            .then(b.modified_at.cmp(&a.modified_at))
    });
    scored
}

/// Runs a `sync_links` job.
pub(crate) async fn run_sync_job<S: Store>(
    core: &Igny8<S>,
    job: &Job,
    worker: &str,
    lease: Duration,
) -> Option<Outcome> {
    let scope = Scope::system(job.account_id);
    let input: SyncInput = match serde_json::from_value(job.payload.clone()) {
        Ok(i) => i,
        Err(e) => {
            return Some(Outcome::Failed {
                error: format!("the job's input is not a link sync: {e}"),
                retry_after_secs: None,
            });
        }
    };
    let report = super::sync::run(
        core,
        &scope,
        input.site_id,
        input.full,
        Some((job.id, worker, lease)),
    )
    .await;
    Some(match report {
        Ok(Some(report)) => Outcome::Succeeded(serde_json::to_value(&report).unwrap_or_default()),
        Ok(None) => Outcome::Cancelled,
        // Another worker has the job now.
        Err(Error::LeaseLost(_)) => return None,
        Err(e) if e.code().is_user_error() => Outcome::Failed {
            error: e.to_string(),
            retry_after_secs: None,
        },
        Err(e) => Outcome::Failed {
            error: e.to_string(),
            retry_after_secs: Some(60),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: LinkKind, title: &str, keywords: &[&str]) -> LinkEntry {
        LinkEntry {
            kind,
            url: format!("https://example.com/{}", title.replace(' ', "-")),
            title: title.into(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            cluster: None,
            wp_id: None,
            content_id: None,
            modified_at: None,
        }
    }

    #[test]
    fn the_most_related_come_first_then_articles_posts_pages_categories() {
        let ranked = rank(
            vec![
                entry(LinkKind::Category, "Hoses", &[]),
                entry(LinkKind::Page, "Hoses", &[]),
                entry(LinkKind::Post, "Roses", &["pruning"]),
                entry(LinkKind::Post, "Hose storage", &["garden hoses"]),
                entry(LinkKind::Content, "Hose", &[]),
            ],
            &["garden hose reel"],
            Language::default(),
            None,
        );
        let order: Vec<(&str, LinkKind, usize)> = ranked
            .iter()
            .map(|(e, shared)| (e.title.as_str(), e.kind, shared.len()))
            .collect();
        assert_eq!(
            order,
            [
                ("Hose storage", LinkKind::Post, 2),
                ("Hose", LinkKind::Content, 1),
                ("Hoses", LinkKind::Page, 1),
                ("Hoses", LinkKind::Category, 1),
                ("Roses", LinkKind::Post, 0),
            ]
        );
    }
}
