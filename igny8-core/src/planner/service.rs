//! Planner operations: keywords (one by one, in bulk, import, export) and clusters (CRUD and
//! the free local clustering).

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

use super::clustering::{self, ClusterInput, ClusterTarget, ExistingCluster, LocalClusterOptions};
use super::*;
use crate::Igny8;
use crate::error::{Error, Result};
use crate::ids::*;
use crate::list::{Page, PageRequest};
use crate::store::Store;
use crate::tenancy::{Permission, Scope};

/// Rows read per query while exporting.
const EXPORT_BATCH: u64 = 5000;
/// Largest number of ids one bulk call may name.
pub const MAX_BULK_IDS: usize = 10_000;

pub(crate) fn check_ids<T>(ids: &[T]) -> Result<()> {
    if ids.is_empty() {
        return Err(Error::field("ids", "must name at least one id"));
    }
    if ids.len() > MAX_BULK_IDS {
        return Err(Error::field(
            "ids",
            format!("may name at most {MAX_BULK_IDS} ids"),
        ));
    }
    Ok(())
}

/// Keyword operations.
#[derive(Debug)]
pub struct Keywords<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Keywords<'_, S> {
    fn store(&self) -> &S {
        &self.core.store
    }

    /// Adds one keyword to a sector.
    pub async fn create(
        &self,
        scope: &Scope,
        sector: SectorId,
        draft: KeywordDraft,
    ) -> Result<Keyword> {
        scope.require(Permission::Write)?;
        let valid = draft.validate().map_err(Error::fields)?;
        self.store()
            .create_keyword(scope, sector, &valid, KeywordSource::Manual)
            .await
    }

    /// One keyword (any role); [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    pub async fn get(&self, scope: &Scope, id: KeywordId) -> Result<Keyword> {
        scope.require(Permission::Read)?;
        self.store().get_keyword(scope, id).await
    }

    /// A filtered, ordered page of keywords.
    pub async fn list(
        &self,
        scope: &Scope,
        filter: &KeywordFilter,
        sort: &KeywordSort,
        page: &PageRequest,
    ) -> Result<Page<Keyword>> {
        scope.require(Permission::Read)?;
        check_ranges(filter)?;
        self.store().list_keywords(scope, filter, sort, page).await
    }

    /// Changes one keyword.
    pub async fn update(
        &self,
        scope: &Scope,
        id: KeywordId,
        patch: KeywordPatch,
    ) -> Result<Keyword> {
        scope.require(Permission::Write)?;
        let patch = patch.validate()?;
        if self
            .store()
            .update_keywords(scope, &KeywordFilter::only(&[id]), &patch, None)
            .await?
            == 0
        {
            return Err(id.not_found());
        }
        self.store().get_keyword(scope, id).await
    }

    /// Changes many keywords at once (not their text); the number changed.
    pub async fn bulk_update(
        &self,
        scope: &Scope,
        ids: &[KeywordId],
        patch: KeywordPatch,
    ) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_ids(ids)?;
        self.update_matching(scope, &KeywordFilter::only(ids), patch, None)
            .await
    }

    /// Changes every keyword matching `filter` (the list's filters: "select all N matching"),
    /// however many, in one statement; the number changed. `expected` is the number the person
    /// was shown: when another number matches now (keywords were added or changed meanwhile),
    /// nothing changes and the [`Conflict`](crate::Error::Conflict) says how many match.
    pub async fn update_matching(
        &self,
        scope: &Scope,
        filter: &KeywordFilter,
        patch: KeywordPatch,
        expected: Option<u64>,
    ) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_selection(filter)?;
        if patch.keyword.is_some() {
            return Err(Error::field("keyword", "can't be changed in bulk"));
        }
        let patch = patch.validate()?;
        if patch.is_empty() {
            return Err(Error::invalid("nothing to change: name at least one field"));
        }
        self.store()
            .update_keywords(scope, filter, &patch, expected)
            .await
    }

    /// Deletes keywords; the number deleted (ids of other accounts are ignored).
    pub async fn delete(&self, scope: &Scope, ids: &[KeywordId]) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_ids(ids)?;
        self.store()
            .delete_keywords(scope, &KeywordFilter::only(ids), None)
            .await
    }

    /// Deletes every keyword matching `filter`; the number deleted. `expected` as for
    /// [`Keywords::update_matching`].
    pub async fn delete_matching(
        &self,
        scope: &Scope,
        filter: &KeywordFilter,
        expected: Option<u64>,
    ) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_selection(filter)?;
        self.store().delete_keywords(scope, filter, expected).await
    }

    /// Imports a keyword export (any supported layout, recognised from its content) into a
    /// sector. Duplicates merge; bad rows are reported by line and the rest kept. See
    /// `docs/keyword-import.md`.
    pub async fn import<R>(
        &self,
        scope: &Scope,
        sector: SectorId,
        source: R,
    ) -> Result<ImportReport>
    where
        R: AsyncRead + Unpin + Send + 'static,
    {
        scope.require(Permission::Write)?;
        // A foreign or unknown sector fails before the file is read.
        self.store().get_sector(scope, sector).await?;
        let store = self.store().clone();
        let scope = *scope;
        import::run(source, move |batches| async move {
            store.import_keywords(&scope, sector, batches).await
        })
        .await
    }

    /// Keeps the file and imports it into the sector as a job (`import_keywords`), for files
    /// too large to wait for: the job reports how far it has read, can be cancelled (nothing
    /// is written then) and ends with the [`ImportReport`] as its result. The sector and the
    /// permission are checked before the file is kept; an empty file is refused.
    pub async fn import_in_background<R>(
        &self,
        scope: &Scope,
        sector: SectorId,
        source: R,
    ) -> Result<crate::jobs::Job>
    where
        R: AsyncRead + Unpin + Send,
    {
        import::enqueue_background(self.core, scope, sector, source).await
    }

    /// Writes the keywords matching `filter` as CSV (`keyword,volume,difficulty,cpc,intent,status,cluster`),
    /// streamed in batches; [`Keywords::import`] reads the file back to the same data. A cell
    /// that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
    /// carriage return) is written with a `'` in front, which the import removes again. The
    /// number of keywords written.
    pub async fn export<W>(&self, scope: &Scope, filter: &KeywordFilter, out: &mut W) -> Result<u64>
    where
        W: AsyncWrite + Unpin + Send,
    {
        scope.require(Permission::Read)?;
        check_ranges(filter)?;
        let mut buffer = Vec::with_capacity(256 * 1024);
        {
            let mut w = csv::Writer::from_writer(&mut buffer);
            w.write_record([
                "keyword",
                "volume",
                "difficulty",
                "cpc",
                "intent",
                "status",
                "cluster",
            ])
            .map_err(csv_error)?;
            w.flush()?;
        }
        out.write_all(&buffer).await?;
        let mut after = None;
        let mut written = 0;
        loop {
            let rows = self
                .store()
                .export_keywords(scope, filter, after, EXPORT_BATCH)
                .await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.keyword.id);
            buffer.clear();
            {
                let mut w = csv::Writer::from_writer(&mut buffer);
                for row in &rows {
                    let k = &row.keyword;
                    let cells = [
                        k.keyword.as_str(),
                        &k.volume.map(|v| v.to_string()).unwrap_or_default(),
                        &k.difficulty.map(|v| v.to_string()).unwrap_or_default(),
                        &k.cpc.map(|v| v.to_string()).unwrap_or_default(),
                        k.intent.map(|i| i.as_str()).unwrap_or_default(),
                        k.status.as_str(),
                        row.cluster.as_deref().unwrap_or_default(),
                    ];
                    w.write_record(cells.map(formula::escape).iter().map(|c| c.as_bytes()))
                        .map_err(csv_error)?;
                }
                w.flush()?;
            }
            out.write_all(&buffer).await?;
            written += rows.len() as u64;
            if (rows.len() as u64) < EXPORT_BATCH {
                break;
            }
        }
        out.flush().await?;
        Ok(written)
    }
}

fn csv_error(e: csv::Error) -> Error {
    Error::Internal(format!("writing CSV failed: {e}"))
}

/// A bulk action's filter: its ranges, and its ids within the bulk limits.
fn check_selection(f: &KeywordFilter) -> Result<()> {
    if let Some(ids) = &f.ids {
        check_ids(ids)?;
    }
    check_ranges(f)
}

fn check_ranges(f: &KeywordFilter) -> Result<()> {
    if let (Some(lo), Some(hi)) = (f.min_volume, f.max_volume)
        && lo > hi
    {
        return Err(Error::field("min_volume", "is above max_volume"));
    }
    if let (Some(lo), Some(hi)) = (f.min_difficulty, f.max_difficulty)
        && lo > hi
    {
        return Err(Error::field("min_difficulty", "is above max_difficulty"));
    }
    Ok(())
}

/// What merging clusters did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeReport {
    /// Clusters merged in (and deleted).
    pub merged: u64,
    /// Keywords that moved to the cluster merged into.
    pub keywords: u64,
    /// Ideas that moved.
    pub ideas: u64,
    /// Writer tasks that moved.
    pub tasks: u64,
}

/// What a clustering run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusteringReport {
    /// Keywords that were waiting for a cluster.
    pub keywords_considered: u64,
    /// Keywords put into a cluster.
    pub keywords_assigned: u64,
    /// New clusters.
    pub clusters_created: u64,
    /// Existing clusters that took keywords.
    pub clusters_reused: u64,
    /// Each cluster that took keywords, with how many.
    pub clusters: Vec<ClusterOutcome>,
}

/// One cluster of a clustering run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterOutcome {
    /// The cluster.
    pub id: ClusterId,
    /// Its name.
    pub name: String,
    /// Whether the run created it.
    pub created: bool,
    /// Keywords it took.
    pub keywords: u64,
}

/// Cluster operations.
#[derive(Debug)]
pub struct Clusters<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Clusters<'_, S> {
    fn store(&self) -> &S {
        &self.core.store
    }

    /// Creates a cluster.
    pub async fn create(&self, scope: &Scope, cluster: NewCluster) -> Result<Cluster> {
        scope.require(Permission::Write)?;
        self.store()
            .create_cluster(scope, &cluster.validate()?)
            .await
    }

    /// One cluster with its keyword count, volume and idea count.
    pub async fn get(&self, scope: &Scope, id: ClusterId) -> Result<Cluster> {
        scope.require(Permission::Read)?;
        self.store().get_cluster(scope, id).await
    }

    /// A filtered, ordered page of clusters.
    pub async fn list(
        &self,
        scope: &Scope,
        filter: &ClusterFilter,
        sort: &ClusterSort,
        page: &PageRequest,
    ) -> Result<Page<Cluster>> {
        scope.require(Permission::Read)?;
        self.store().list_clusters(scope, filter, sort, page).await
    }

    /// Changes one cluster.
    pub async fn update(
        &self,
        scope: &Scope,
        id: ClusterId,
        patch: ClusterPatch,
    ) -> Result<Cluster> {
        scope.require(Permission::Write)?;
        if self
            .store()
            .update_clusters(scope, &[id], &patch.validate()?)
            .await?
            == 0
        {
            return Err(id.not_found());
        }
        self.store().get_cluster(scope, id).await
    }

    /// Changes many clusters (not their names); the number changed.
    pub async fn bulk_update(
        &self,
        scope: &Scope,
        ids: &[ClusterId],
        patch: ClusterPatch,
    ) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_ids(ids)?;
        if patch.name.is_some() {
            return Err(Error::field("name", "can't be changed in bulk"));
        }
        self.store()
            .update_clusters(scope, ids, &patch.validate()?)
            .await
    }

    /// Deletes clusters; their keywords go back to pending. The number deleted.
    pub async fn delete(&self, scope: &Scope, ids: &[ClusterId]) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_ids(ids)?;
        self.store().delete_clusters(scope, ids).await
    }

    /// Merges the clusters `from` into `into`: their keywords, ideas and writer tasks move to
    /// `into`, then they are deleted — in one transaction. `into` must be the scope's
    /// ([`NotFound`](crate::Error::NotFound) otherwise) and every cluster merged in must be
    /// in its sector (a field error on `ids` names one that isn't); as in the other bulk
    /// operations, ids that aren't the scope's clusters, and `into` itself, are ignored.
    pub async fn merge(
        &self,
        scope: &Scope,
        into: ClusterId,
        from: &[ClusterId],
    ) -> Result<MergeReport> {
        scope.require(Permission::Write)?;
        check_ids(from)?;
        let target = self.store().get_cluster(scope, into).await?;
        let mut from: Vec<ClusterId> = from.iter().copied().filter(|id| *id != into).collect();
        from.sort_unstable();
        from.dedup();
        if from.is_empty() {
            return Ok(MergeReport::default());
        }
        let filter = ClusterFilter {
            ids: Some(from),
            ..ClusterFilter::default()
        };
        let page = PageRequest {
            with_total: false,
            ..PageRequest::new(1, crate::list::MAX_PAGE_SIZE)
        };
        let found = self
            .store()
            .list_clusters(scope, &filter, &ClusterSort::default(), &page)
            .await?
            .items;
        if let Some(other) = found.iter().find(|c| c.sector_id != target.sector_id) {
            return Err(Error::field(
                "ids",
                format!(
                    "include \"{}\", which is in another sector than \"{}\"; clusters merge only within a sector",
                    other.name, target.name
                ),
            ));
        }
        if found.is_empty() {
            return Ok(MergeReport::default());
        }
        let from: Vec<ClusterId> = found.iter().map(|c| c.id).collect();
        self.store().merge_clusters(scope, into, &from).await
    }

    /// Groups the sector's unclustered keywords without any AI call (free and deterministic;
    /// see `docs/local-clustering.md`): existing clusters are reused where their name fits,
    /// and every keyword ends up in a cluster.
    pub async fn cluster_locally(
        &self,
        scope: &Scope,
        sector: SectorId,
        options: &LocalClusterOptions,
    ) -> Result<ClusteringReport> {
        scope.require(Permission::Write)?;
        let keywords = self.store().unclustered_keywords(scope, sector).await?;
        let mut existing = Vec::new();
        let filter = ClusterFilter {
            sector_id: Some(sector),
            ..ClusterFilter::default()
        };
        let mut page = PageRequest::new(1, crate::list::MAX_PAGE_SIZE);
        page.with_total = false;
        loop {
            let clusters = self
                .store()
                .list_clusters(scope, &filter, &ClusterSort::default(), &page)
                .await?;
            existing.extend(clusters.items.into_iter().map(|c| (c.id, c.name)));
            match clusters.next_cursor {
                Some(c) => page = PageRequest::after(c, crate::list::MAX_PAGE_SIZE),
                None => break,
            }
        }
        let inputs: Vec<ClusterInput<'_>> = keywords
            .iter()
            .map(|k| ClusterInput {
                id: k.id.get(),
                keyword: &k.keyword,
                volume: k.volume,
            })
            .collect();
        let existing_in: Vec<ExistingCluster<'_>> = existing
            .iter()
            .map(|(id, name)| ExistingCluster { id: id.get(), name })
            .collect();
        let plan = clustering::plan_clusters(&inputs, &existing_in, options);
        let mut names = Vec::with_capacity(plan.clusters.len());
        let assignments: Vec<ClusterAssignment> = plan
            .clusters
            .into_iter()
            .map(|c| {
                let target = match c.target {
                    ClusterTarget::Existing(id) => {
                        let name = existing
                            .iter()
                            .find(|(e, _)| e.get() == id)
                            .map(|(_, n)| n.clone())
                            .unwrap_or_default();
                        names.push((name, false));
                        AssignmentTarget::Existing(ClusterId(id))
                    }
                    ClusterTarget::New { name } => {
                        names.push((name.clone(), true));
                        AssignmentTarget::New(name)
                    }
                };
                ClusterAssignment {
                    target,
                    keyword_ids: c.keyword_ids.into_iter().map(KeywordId).collect(),
                }
            })
            .collect();
        let applied = self
            .store()
            .apply_clustering(scope, sector, &assignments)
            .await?;
        let mut report = ClusteringReport {
            keywords_considered: keywords.len() as u64,
            keywords_assigned: 0,
            clusters_created: 0,
            clusters_reused: 0,
            clusters: Vec::with_capacity(applied.len()),
        };
        for ((id, assigned), (name, created)) in applied.into_iter().zip(names) {
            report.keywords_assigned += assigned;
            if created {
                report.clusters_created += 1;
            } else {
                report.clusters_reused += 1;
            }
            report.clusters.push(ClusterOutcome {
                id,
                name,
                created,
                keywords: assigned,
            });
        }
        Ok(report)
    }
}

/// Content idea operations.
#[derive(Debug)]
pub struct Ideas<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Ideas<'_, S> {
    fn store(&self) -> &S {
        &self.core.store
    }

    /// The site's ideas and articles that compete for the same searches
    /// ([`overlap::report`]), strongest first: new ideas (not queued yet) and every article
    /// of the site, read in the language of the account's `content.language` (English when
    /// the clustering doesn't know it).
    pub async fn overlaps(&self, scope: &Scope, site: SiteId) -> Result<Vec<overlap::Overlap>> {
        scope.require(Permission::Read)?;
        self.core.tenancy().site(scope, site).await?;
        let (targets, language) = site_targets(self.core, scope, site).await?;
        Ok(overlap::report(&targets, language))
    }

    /// Creates an idea. A page kind or structure it leaves out is the account's
    /// (`content.type`, `content.structure`).
    pub async fn create(&self, scope: &Scope, mut idea: NewIdea) -> Result<ContentIdea> {
        scope.require(Permission::Write)?;
        if idea.content_type.is_none() || idea.content_structure.is_none() {
            let d = self.core.system().defaults(scope).await?;
            idea.content_type.get_or_insert(d.content_type);
            idea.content_structure.get_or_insert(d.structure);
        }
        self.store().create_idea(scope, &idea.validate()?).await
    }

    /// One idea (any role); [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    pub async fn get(&self, scope: &Scope, id: IdeaId) -> Result<ContentIdea> {
        scope.require(Permission::Read)?;
        self.store().get_idea(scope, id).await
    }

    /// A filtered, ordered page of ideas.
    pub async fn list(
        &self,
        scope: &Scope,
        filter: &IdeaFilter,
        sort: &IdeaSort,
        page: &PageRequest,
    ) -> Result<Page<ContentIdea>> {
        scope.require(Permission::Read)?;
        self.store().list_ideas(scope, filter, sort, page).await
    }

    /// Changes one idea; a status change must be allowed (new → queued → done…).
    pub async fn update(&self, scope: &Scope, id: IdeaId, patch: IdeaPatch) -> Result<ContentIdea> {
        scope.require(Permission::Write)?;
        let patch = patch.validate()?;
        if self.store().update_ideas(scope, &[id], &patch).await? == 0 {
            let current = self.store().get_idea(scope, id).await?;
            if let Some(next) = patch.status {
                return Err(Error::field(
                    "status",
                    format!("an idea can't go from {} to {next}", current.status),
                ));
            }
        }
        self.store().get_idea(scope, id).await
    }

    /// Changes many ideas; the number changed (a status change skips ideas that can't make it).
    pub async fn bulk_update(
        &self,
        scope: &Scope,
        ids: &[IdeaId],
        patch: IdeaPatch,
    ) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_ids(ids)?;
        if patch.title.is_some() {
            return Err(Error::field("title", "can't be changed in bulk"));
        }
        self.store()
            .update_ideas(scope, ids, &patch.validate()?)
            .await
    }

    /// Deletes ideas; the number deleted.
    pub async fn delete(&self, scope: &Scope, ids: &[IdeaId]) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_ids(ids)?;
        self.store().delete_ideas(scope, ids).await
    }

    /// Queues ideas to the writer: each new (or done) idea becomes a task and is marked queued.
    /// A task's length is its idea's estimate, else `defaults.target_word_count`, else the
    /// account's `content.word_count`.
    ///
    /// Each new idea queued is checked against its site ([`Queued::conflicts`]): the other ideas
    /// queued with it, the site's new ideas, articles and WordPress posts and pages. A conflict
    /// is reported, not refused: the person queueing decides.
    pub async fn queue_to_writer(
        &self,
        scope: &Scope,
        ids: &[IdeaId],
        mut defaults: QueueDefaults,
    ) -> Result<Queued> {
        scope.require(Permission::Write)?;
        check_ids(ids)?;
        match defaults.target_word_count {
            Some(w) => {
                let mut check = crate::validate::Check::new();
                check.range(
                    "target_word_count",
                    w,
                    crate::writer::MIN_WORD_COUNT,
                    crate::writer::MAX_WORD_COUNT,
                );
                check.finish()?;
            }
            None => {
                let words = self.core.system().defaults(scope).await?.word_count;
                defaults.target_word_count = Some(words);
            }
        }
        // The new ideas among those named, read before they are queued.
        let filter = IdeaFilter {
            ids: Some(ids.to_vec()),
            status: Some(IdeaStatus::New),
            ..IdeaFilter::default()
        };
        let mut fresh = Vec::new();
        for chunk in ids.chunks(crate::list::MAX_PAGE_SIZE as usize) {
            let filter = IdeaFilter {
                ids: Some(chunk.to_vec()),
                ..filter.clone()
            };
            let page = PageRequest::new(1, crate::list::MAX_PAGE_SIZE);
            fresh.extend(
                self.store()
                    .list_ideas(scope, &filter, &IdeaSort::default(), &page)
                    .await?
                    .items,
            );
        }
        let tasks = self.store().queue_ideas(scope, ids, &defaults).await?;
        let mut by_site: std::collections::BTreeMap<SiteId, Vec<overlap::Target>> =
            Default::default();
        for idea in fresh {
            by_site
                .entry(idea.site_id)
                .or_default()
                .push(overlap::Target {
                    kind: overlap::TargetKind::Idea,
                    id: idea.id.get(),
                    title: idea.title,
                    keywords: idea.target_keywords,
                    url: None,
                });
        }
        let mut conflicts = Vec::new();
        for (site, candidates) in by_site {
            conflicts.extend(self::conflicts(self.core, scope, site, &candidates).await?);
        }
        Ok(Queued { tasks, conflicts })
    }
}

/// Ideas queued to the writer ([`Ideas::queue_to_writer`]).
#[derive(Debug, Clone)]
pub struct Queued {
    /// The tasks made, one per idea queued.
    pub tasks: Vec<crate::writer::Task>,
    /// What the newly queued ideas compete with, strongest first; `a` of each pair is a queued
    /// idea.
    pub conflicts: Vec<overlap::Overlap>,
}

impl Queued {
    /// What the idea of `task` competes with (it is `a` of the pair, or `b` when two ideas
    /// queued together compete); none for a task without an idea.
    pub fn conflicts_of(&self, task: &crate::writer::Task) -> Vec<&overlap::Overlap> {
        let Some(idea) = task.idea_id else {
            return Vec::new();
        };
        let is = |t: &overlap::Target| t.kind == overlap::TargetKind::Idea && t.id == idea.get();
        self.conflicts
            .iter()
            .filter(|o| is(&o.a) || is(&o.b))
            .collect()
    }
}

/// Every row a paged read gives, page after page until one comes back short.
pub(crate) async fn every_page<T, F, Fut>(mut read: F) -> Result<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>>>,
{
    use crate::list::MAX_PAGE_SIZE;
    let mut page = PageRequest::new(1, MAX_PAGE_SIZE);
    page.with_total = false;
    let mut out = Vec::new();
    loop {
        let found = read(page.clone()).await?.items;
        let done = found.len() < MAX_PAGE_SIZE as usize;
        out.extend(found);
        if done {
            return Ok(out);
        }
        page.page += 1;
    }
}

/// What a site targets, for [`overlap`]: its ideas not written yet (new, or queued with no
/// article from their task yet), all its articles, and the posts and pages of its WordPress
/// that IGNY8 didn't publish (its link inventory), read page by page, and the language to read
/// them in.
pub(crate) async fn site_targets<S: Store>(
    core: &Igny8<S>,
    scope: &Scope,
    site: SiteId,
) -> Result<(Vec<overlap::Target>, clustering::Language)> {
    use crate::writer::{ContentFilter, ContentSort, TaskFilter, TaskSort};
    let language =
        clustering::Language::from_setting(&core.system().defaults(scope).await?.language)
            .unwrap_or_default();
    let site_ideas = &IdeaFilter {
        site_id: Some(site),
        ..IdeaFilter::default()
    };
    let articles = &ContentFilter {
        site_id: Some(site),
        ..ContentFilter::default()
    };
    let tasks = &TaskFilter {
        site_id: Some(site),
        ..TaskFilter::default()
    };
    let store = core.store();
    let ideas = Box::pin(every_page(|page| async move {
        store
            .list_ideas(scope, site_ideas, &IdeaSort::default(), &page)
            .await
    }))
    .await?;
    let contents = Box::pin(every_page(|page| async move {
        store
            .list_contents(scope, articles, &ContentSort::default(), &page)
            .await
    }))
    .await?;
    // A queued idea whose task has an article is that article.
    let ideas = if ideas.iter().any(|i| i.status == IdeaStatus::Queued) {
        let tasks = Box::pin(every_page(|page| async move {
            store
                .list_tasks(scope, tasks, &TaskSort::default(), &page)
                .await
        }))
        .await?;
        let written: std::collections::HashSet<_> =
            contents.iter().filter_map(|c| c.task_id).collect();
        let written: std::collections::HashSet<IdeaId> = tasks
            .into_iter()
            .filter(|t| written.contains(&t.id))
            .filter_map(|t| t.idea_id)
            .collect();
        ideas
            .into_iter()
            .filter(|i| {
                i.status == IdeaStatus::New
                    || (i.status == IdeaStatus::Queued && !written.contains(&i.id))
            })
            .collect()
    } else {
        ideas
            .into_iter()
            .filter(|i| i.status == IdeaStatus::New)
            .collect::<Vec<_>>()
    };
    let wordpress = &crate::inventory::LinkPageFilter {
        site_id: Some(site),
        ..Default::default()
    };
    let synced = Box::pin(every_page(|page| async move {
        store.list_link_pages(scope, wordpress, &page).await
    }))
    .await?;
    // A post IGNY8 published is its article, not a page of its own.
    let ours: std::collections::HashSet<String> = contents
        .iter()
        .filter_map(|c| c.wp_url.as_deref())
        .map(crate::writer::links::normal)
        .collect();
    let our_ids: std::collections::HashSet<i64> =
        contents.iter().filter_map(|c| c.wp_post_id).collect();
    let pages = synced.into_iter().filter_map(|p| {
        let kind = match p.kind {
            crate::inventory::LinkKind::Post => overlap::TargetKind::Post,
            crate::inventory::LinkKind::Page => overlap::TargetKind::Page,
            _ => return None,
        };
        if our_ids.contains(&p.wp_id) || ours.contains(&crate::writer::links::normal(&p.url)) {
            return None;
        }
        Some(overlap::Target {
            kind,
            id: p.wp_id,
            title: p.title,
            keywords: Vec::new(),
            url: Some(p.url),
        })
    });
    let targets = ideas
        .into_iter()
        .map(|i| overlap::Target {
            kind: overlap::TargetKind::Idea,
            id: i.id.get(),
            title: i.title,
            keywords: i.target_keywords,
            url: None,
        })
        .chain(contents.into_iter().map(content_target))
        .chain(pages)
        .collect();
    Ok((targets, language))
}

/// An article as a target: its primary keyword, then its secondary ones.
pub(crate) fn content_target(c: crate::writer::Content) -> overlap::Target {
    overlap::Target {
        kind: overlap::TargetKind::Content,
        id: c.id.get(),
        keywords: c.keywords(),
        title: c.title,
        url: None,
    }
}

/// What `candidates` of `site` (just queued or written) compete with: each other, and the
/// site's new ideas, articles and WordPress posts and pages ([`overlap::conflicts`]).
pub(crate) async fn conflicts<S: Store>(
    core: &Igny8<S>,
    scope: &Scope,
    site: SiteId,
    candidates: &[overlap::Target],
) -> Result<Vec<overlap::Overlap>> {
    // Another account's site (or one outside a restricted scope) is not found, not empty.
    core.tenancy().site(scope, site).await?;
    let (existing, language) = Box::pin(site_targets(core, scope, site)).await?;
    Ok(overlap::conflicts(candidates, &existing, language))
}
