//! Keywords, clusters and ideas on the wire.

use igny8_core::planner as p;
use igny8_core::{ClusterId, SectorId};
use poem_openapi::payload::Binary;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiRequest, ApiResponse, Multipart, Object};

use super::patch;
use super::{E, Time};

/// A keyword.
#[derive(Debug, Object)]
pub struct Keyword {
    /// The keyword's id (keyword id space).
    pub id: i64,
    /// The site the keyword belongs to, taken from its sector.
    pub site_id: i64,
    /// The sector the keyword belongs to; a keyword's text is unique in its sector.
    pub sector_id: i64,
    /// The keyword as shown: trimmed, whitespace collapsed, case kept (1–255 characters). Two
    /// keywords that differ only in case or spacing are the same keyword.
    pub keyword: String,
    /// Monthly search volume, 0 or more; null when unknown (sorts lowest).
    #[oai(nullable)]
    pub volume: Option<i64>,
    /// Ranking difficulty, 0–100; null when unknown.
    #[oai(nullable)]
    pub difficulty: Option<i64>,
    /// Cost per click, 0 or more, in the currency of the export it came from; null when unknown.
    #[oai(nullable)]
    pub cpc: Option<f64>,
    /// Search intent (`informational`, `navigational`, `commercial`, `transactional`), or null when
    /// unknown.
    #[oai(nullable)]
    pub intent: Option<E<p::Intent>>,
    /// `pending` (not in a cluster), `clustered` (follows `cluster_id`) or `archived` (kept, but
    /// skipped by clustering).
    pub status: E<p::KeywordStatus>,
    /// The cluster the keyword is in (same sector), or null.
    #[oai(nullable)]
    pub cluster_id: Option<i64>,
    /// Where it came from: `manual` (typed in or sent to the API), `import` (a CSV file) or `ai`.
    pub source: E<p::KeywordSource>,
    /// When the keyword was created.
    pub created_at: Time,
    /// When the keyword last changed.
    pub updated_at: Time,
}

impl From<p::Keyword> for Keyword {
    fn from(k: p::Keyword) -> Self {
        Self {
            id: k.id.get(),
            site_id: k.site_id.get(),
            sector_id: k.sector_id.get(),
            keyword: k.keyword,
            volume: k.volume,
            difficulty: k.difficulty,
            cpc: k.cpc,
            intent: k.intent.map(E),
            status: E(k.status),
            cluster_id: k.cluster_id.map(|c| c.get()),
            source: E(k.source),
            created_at: k.created_at,
            updated_at: k.updated_at,
        }
    }
}

/// A new keyword.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewKeyword {
    /// The sector it belongs to.
    pub sector_id: i64,
    /// The keyword: 1–255 characters after trimming and collapsing whitespace, no control
    /// characters. A keyword the sector already has (ignoring case and spacing) is refused with
    /// `conflict`; an import merges it instead.
    pub keyword: String,
    /// Monthly search volume, 0 or more; null when unknown.
    #[oai(nullable)]
    pub volume: Option<i64>,
    /// Ranking difficulty, 0–100; null when unknown.
    #[oai(nullable)]
    pub difficulty: Option<i64>,
    /// Cost per click, 0 or more; null when unknown.
    #[oai(nullable)]
    pub cpc: Option<f64>,
    /// Search intent, or null when unknown.
    #[oai(nullable)]
    pub intent: Option<E<p::Intent>>,
}

impl NewKeyword {
    /// The sector and the core's draft.
    pub fn into_parts(self) -> (SectorId, p::KeywordDraft) {
        (
            SectorId(self.sector_id),
            p::KeywordDraft {
                keyword: self.keyword,
                metrics: p::KeywordMetrics {
                    volume: self.volume,
                    difficulty: self.difficulty,
                    cpc: self.cpc,
                    intent: self.intent.map(|i| i.0),
                },
            },
        )
    }
}

/// Changes to a keyword (null clears a value).
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct KeywordPatch {
    /// New text (1–255 characters); only when changing one keyword, and refused if another keyword
    /// of the sector already has it.
    #[oai(nullable)]
    pub keyword: Option<String>,
    /// New monthly search volume (0 or more); null clears it, absent keeps it.
    #[oai(nullable)]
    pub volume: MaybeUndefined<i64>,
    /// New difficulty (0–100); null clears it, absent keeps it.
    #[oai(nullable)]
    pub difficulty: MaybeUndefined<i64>,
    /// New cost per click (0 or more); null clears it, absent keeps it.
    #[oai(nullable)]
    pub cpc: MaybeUndefined<f64>,
    /// New search intent; null clears it, absent keeps it.
    #[oai(nullable)]
    pub intent: MaybeUndefined<E<p::Intent>>,
    /// `archived` puts the keyword aside, `pending` brings it back; `clustered` is only accepted
    /// together with a `cluster_id`.
    #[oai(nullable)]
    pub status: Option<E<p::KeywordStatus>>,
    /// Put the keyword in this cluster (same sector), or null to take it out.
    #[oai(nullable)]
    pub cluster_id: MaybeUndefined<i64>,
}

impl From<KeywordPatch> for p::KeywordPatch {
    fn from(k: KeywordPatch) -> Self {
        Self {
            keyword: k.keyword,
            volume: patch(k.volume, |v| v),
            difficulty: patch(k.difficulty, |v| v),
            cpc: patch(k.cpc, |v| v),
            intent: patch(k.intent, |v| v.0),
            status: k.status.map(|s| s.0),
            cluster_id: patch(k.cluster_id, ClusterId),
        }
    }
}

/// Keyword changes for many keywords.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct KeywordBulkUpdate {
    /// The keywords to change: 1–10,000 ids; ids of other accounts are ignored.
    pub ids: Vec<i64>,
    /// New monthly search volume (0 or more); null clears it, absent keeps it.
    #[oai(nullable)]
    pub volume: MaybeUndefined<i64>,
    /// New difficulty (0–100); null clears it, absent keeps it.
    #[oai(nullable)]
    pub difficulty: MaybeUndefined<i64>,
    /// New cost per click (0 or more); null clears it, absent keeps it.
    #[oai(nullable)]
    pub cpc: MaybeUndefined<f64>,
    /// New search intent; null clears it, absent keeps it.
    #[oai(nullable)]
    pub intent: MaybeUndefined<E<p::Intent>>,
    /// `archived` puts the keywords aside, `pending` brings them back.
    #[oai(nullable)]
    pub status: Option<E<p::KeywordStatus>>,
    /// A cluster of the keywords' sector, or null to take them out of their clusters.
    #[oai(nullable)]
    pub cluster_id: MaybeUndefined<i64>,
}

impl KeywordBulkUpdate {
    /// The ids and the core's patch.
    pub fn into_parts(self) -> (Vec<igny8_core::KeywordId>, p::KeywordPatch) {
        let changes = KeywordChanges {
            volume: self.volume,
            difficulty: self.difficulty,
            cpc: self.cpc,
            intent: self.intent,
            status: self.status,
            cluster_id: self.cluster_id,
        };
        (
            self.ids.into_iter().map(igny8_core::KeywordId).collect(),
            changes.into_patch(),
        )
    }
}

/// What to change on every keyword a bulk action reaches (not the keyword's text).
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct KeywordChanges {
    /// New monthly search volume (0 or more); null clears it, absent keeps it.
    #[oai(nullable)]
    pub volume: MaybeUndefined<i64>,
    /// New difficulty (0–100); null clears it, absent keeps it.
    #[oai(nullable)]
    pub difficulty: MaybeUndefined<i64>,
    /// New cost per click (0 or more); null clears it, absent keeps it.
    #[oai(nullable)]
    pub cpc: MaybeUndefined<f64>,
    /// New search intent; null clears it, absent keeps it.
    #[oai(nullable)]
    pub intent: MaybeUndefined<E<p::Intent>>,
    /// `archived` puts the keywords aside, `pending` brings them back.
    #[oai(nullable)]
    pub status: Option<E<p::KeywordStatus>>,
    /// A cluster of the keywords' sector, or null to take them out of their clusters.
    #[oai(nullable)]
    pub cluster_id: MaybeUndefined<i64>,
}

impl KeywordChanges {
    /// The core's patch.
    pub fn into_patch(self) -> p::KeywordPatch {
        p::KeywordPatch {
            keyword: None,
            volume: patch(self.volume, |v| v),
            difficulty: patch(self.difficulty, |v| v),
            cpc: patch(self.cpc, |v| v),
            intent: patch(self.intent, |v| v.0),
            status: self.status.map(|s| s.0),
            cluster_id: patch(self.cluster_id, ClusterId),
        }
    }
}

/// The keywords a "select all matching" action reaches: the keyword list's filters, as
/// `GET planner/keywords/` takes them (null is the same as leaving a filter out). No filter
/// at all means every keyword you can see.
#[derive(Debug, Default, Object)]
#[oai(deny_unknown_fields)]
pub struct KeywordSelection {
    /// Only this site.
    #[oai(nullable)]
    pub site_id: Option<i64>,
    /// Only this sector.
    #[oai(nullable)]
    pub sector_id: Option<i64>,
    /// Only this status.
    #[oai(nullable)]
    pub status: Option<E<p::KeywordStatus>>,
    /// Only this intent.
    #[oai(nullable)]
    pub intent: Option<E<p::Intent>>,
    /// Only this cluster's keywords.
    #[oai(nullable)]
    pub cluster_id: Option<i64>,
    /// Only keywords with (true) or without (false) a cluster.
    #[oai(nullable)]
    pub has_cluster: Option<bool>,
    /// Volume at least.
    #[oai(nullable)]
    pub min_volume: Option<i64>,
    /// Volume at most.
    #[oai(nullable)]
    pub max_volume: Option<i64>,
    /// Difficulty at least.
    #[oai(nullable)]
    pub min_difficulty: Option<i64>,
    /// Difficulty at most.
    #[oai(nullable)]
    pub max_difficulty: Option<i64>,
    /// Keywords containing this text (case and spacing ignored).
    #[oai(nullable)]
    pub search: Option<String>,
    /// Only these keywords (with the other filters): 1–10,000 ids.
    #[oai(nullable)]
    pub ids: Option<Vec<i64>>,
}

impl KeywordSelection {
    /// The core's filter.
    pub fn into_filter(self) -> p::KeywordFilter {
        p::KeywordFilter {
            site_id: self.site_id.map(igny8_core::SiteId),
            sector_id: self.sector_id.map(SectorId),
            status: self.status.map(|s| s.0),
            intent: self.intent.map(|s| s.0),
            cluster_id: self.cluster_id.map(ClusterId),
            has_cluster: self.has_cluster,
            min_volume: self.min_volume,
            max_volume: self.max_volume,
            min_difficulty: self.min_difficulty,
            max_difficulty: self.max_difficulty,
            search: self.search,
            ids: self
                .ids
                .map(|ids| ids.into_iter().map(igny8_core::KeywordId).collect()),
        }
    }
}

/// Changes every keyword matching a filter.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct KeywordUpdateMatching {
    /// Which keywords: the list's filters (`{}` for all).
    pub filter: KeywordSelection,
    /// How many keywords you expect to change (the list's `count`): when another number
    /// matches now, nothing changes and the answer is 409 with the number that matches.
    /// Leave it out to change whatever matches.
    #[oai(nullable)]
    pub expected: Option<u64>,
    /// What to change.
    pub changes: KeywordChanges,
}

/// Deletes every keyword matching a filter.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct KeywordDeleteMatching {
    /// Which keywords: the list's filters (`{}` for all).
    pub filter: KeywordSelection,
    /// How many keywords you expect to delete (the list's `count`): when another number
    /// matches now, nothing is deleted and the answer is 409 with the number that matches.
    /// Leave it out to delete whatever matches.
    #[oai(nullable)]
    pub expected: Option<u64>,
}

/// Ids to act on.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct Ids {
    /// The ids: 1–10,000; ids of other accounts are ignored.
    pub ids: Vec<i64>,
}

/// How many rows an operation changed.
#[derive(Debug, Object)]
pub struct Affected {
    /// How many rows the operation changed (ids that didn't exist or weren't yours are not
    /// counted).
    pub affected: u64,
}

/// A row that was not imported.
#[derive(Debug, Object)]
pub struct RowError {
    /// The line of the file, counting from 1.
    pub line: u64,
    /// Why the row was not imported, e.g. which field is out of range.
    pub message: String,
}

/// The outcome of an import.
#[derive(Debug, Object)]
pub struct ImportResult {
    /// The layout recognised (`semrush`, `google_keyword_planner`, …).
    pub format: String,
    /// Keywords the import created.
    pub imported: u64,
    /// Rows merged into a keyword that already existed, in the sector or earlier in the file: known
    /// values replace stored ones, unknown ones leave them.
    pub merged: u64,
    /// Rows not imported: invalid, or past the plan's keyword limit.
    pub rejected: u64,
    /// Why rows were rejected, by line (the first 1,000).
    pub errors: Vec<RowError>,
}

impl From<p::ImportReport> for ImportResult {
    fn from(r: p::ImportReport) -> Self {
        Self {
            format: r.format,
            imported: r.imported,
            merged: r.merged,
            rejected: r.rejected,
            errors: r
                .errors
                .into_iter()
                .map(|e| RowError {
                    line: e.line,
                    message: e.message,
                })
                .collect(),
        }
    }
}

/// A cluster.
#[derive(Debug, Object)]
pub struct Cluster {
    /// The cluster's id (cluster id space).
    pub id: i64,
    /// The site the cluster belongs to, taken from its sector.
    pub site_id: i64,
    /// The sector the cluster belongs to.
    pub sector_id: i64,
    /// The name (1–255 characters), unique in the sector.
    pub name: String,
    /// What the cluster is about (up to 10,000 characters), or null.
    #[oai(nullable)]
    pub description: Option<String>,
    /// `active`, or `archived` (put aside).
    pub status: E<p::ClusterStatus>,
    /// Keywords in the cluster now.
    pub keyword_count: i64,
    /// Their monthly search volumes added up (unknown volumes count as 0).
    pub total_volume: i64,
    /// Content ideas made from the cluster.
    pub idea_count: i64,
    /// When the cluster was created.
    pub created_at: Time,
    /// When the cluster last changed.
    pub updated_at: Time,
}

impl From<p::Cluster> for Cluster {
    fn from(c: p::Cluster) -> Self {
        Self {
            id: c.id.get(),
            site_id: c.site_id.get(),
            sector_id: c.sector_id.get(),
            name: c.name,
            description: c.description,
            status: E(c.status),
            keyword_count: c.keyword_count,
            total_volume: c.total_volume,
            idea_count: c.idea_count,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A new cluster.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewCluster {
    /// The sector to put the cluster in (its site follows from it).
    pub sector_id: i64,
    /// The name: 1–255 characters, unique in the sector.
    pub name: String,
    /// What the cluster is about, up to 10,000 characters; or null.
    #[oai(nullable)]
    pub description: Option<String>,
}

impl From<NewCluster> for p::NewCluster {
    fn from(c: NewCluster) -> Self {
        Self {
            sector_id: SectorId(c.sector_id),
            name: c.name,
            description: c.description,
        }
    }
}

/// Changes to a cluster.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ClusterPatch {
    /// New name (1–255 characters, unique in the sector); only when changing one cluster.
    #[oai(nullable)]
    pub name: Option<String>,
    /// New description (up to 10,000 characters); null removes it, absent keeps it.
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    /// `active` or `archived`.
    #[oai(nullable)]
    pub status: Option<E<p::ClusterStatus>>,
}

impl From<ClusterPatch> for p::ClusterPatch {
    fn from(c: ClusterPatch) -> Self {
        Self {
            name: c.name,
            description: patch(c.description, |v| v),
            status: c.status.map(|s| s.0),
        }
    }
}

/// Cluster changes for many clusters.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ClusterBulkUpdate {
    /// The clusters to change: 1–10,000 ids; ids of other accounts are ignored.
    pub ids: Vec<i64>,
    /// New description (up to 10,000 characters); null removes it, absent keeps it.
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    /// `active` or `archived`.
    #[oai(nullable)]
    pub status: Option<E<p::ClusterStatus>>,
}

/// What to cluster locally.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct LocalClusterRequest {
    /// The sector whose unclustered keywords are grouped.
    pub sector_id: i64,
    /// Smallest group that becomes its own cluster (default 2).
    #[oai(nullable)]
    pub min_cluster_size: Option<u32>,
    /// Stemming language (`en`, `es`, `fr`, `de`, `pt`, `it`, `nl`, …; default `en`).
    #[oai(nullable)]
    pub language: Option<String>,
}

/// One cluster of a clustering run.
#[derive(Debug, Object)]
pub struct ClusterOutcome {
    /// The cluster's id (cluster id space).
    pub id: i64,
    /// The cluster's name.
    pub name: String,
    /// True when this run created the cluster, false when it reused an existing one whose name
    /// matched.
    pub created: bool,
    /// How many keywords this run put into it.
    pub keywords: u64,
}

/// Clusters to merge into another.
#[derive(Debug, Object)]
pub struct MergeClusters {
    /// The clusters to merge in (and delete): clusters of the same sector as the one merged
    /// into; 1–10,000 ids, those that aren't yours ignored.
    pub ids: Vec<i64>,
}

/// What merging clusters did.
#[derive(Debug, Object)]
pub struct MergeReport {
    /// Clusters merged in, and deleted.
    pub merged: u64,
    /// Keywords that moved to the cluster merged into.
    pub keywords: u64,
    /// Content ideas that moved.
    pub ideas: u64,
    /// Writer tasks that moved.
    pub tasks: u64,
}

impl From<p::MergeReport> for MergeReport {
    fn from(r: p::MergeReport) -> Self {
        Self {
            merged: r.merged,
            keywords: r.keywords,
            ideas: r.ideas,
            tasks: r.tasks,
        }
    }
}

/// What a clustering run did.
#[derive(Debug, Object)]
pub struct ClusteringReport {
    /// Pending keywords of the sector that were looked at.
    pub keywords_considered: u64,
    /// Keywords this run put into a cluster; the rest stay pending.
    pub keywords_assigned: u64,
    /// Clusters this run created.
    pub clusters_created: u64,
    /// Existing clusters (matched by name) this run added keywords to.
    pub clusters_reused: u64,
    /// Every cluster the run touched.
    pub clusters: Vec<ClusterOutcome>,
}

impl From<p::ClusteringReport> for ClusteringReport {
    fn from(r: p::ClusteringReport) -> Self {
        Self {
            keywords_considered: r.keywords_considered,
            keywords_assigned: r.keywords_assigned,
            clusters_created: r.clusters_created,
            clusters_reused: r.clusters_reused,
            clusters: r
                .clusters
                .into_iter()
                .map(|c| ClusterOutcome {
                    id: c.id.get(),
                    name: c.name,
                    created: c.created,
                    keywords: c.keywords,
                })
                .collect(),
        }
    }
}

/// A section of an idea's outline.
#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct OutlineSection {
    /// The section's heading: 1–500 characters.
    pub heading: String,
    /// What the section covers, up to 10,000 characters.
    #[oai(default)]
    pub notes: String,
    /// Headings of its sub-sections, in order.
    #[oai(default)]
    pub subsections: Vec<String>,
}

impl From<OutlineSection> for p::OutlineSection {
    fn from(s: OutlineSection) -> Self {
        Self {
            heading: s.heading,
            notes: s.notes,
            subsections: s.subsections,
        }
    }
}

impl From<p::OutlineSection> for OutlineSection {
    fn from(s: p::OutlineSection) -> Self {
        Self {
            heading: s.heading,
            notes: s.notes,
            subsections: s.subsections,
        }
    }
}

/// A content idea.
#[derive(Debug, Object)]
pub struct Idea {
    /// The idea's id (idea id space).
    pub id: i64,
    /// The site the idea belongs to, taken from its sector.
    pub site_id: i64,
    /// The sector the idea belongs to.
    pub sector_id: i64,
    /// The cluster the idea was made from (same sector), or null.
    #[oai(nullable)]
    pub cluster_id: Option<i64>,
    /// The proposed title (plain text, 1–500 characters).
    pub title: String,
    /// What the piece should say (up to 20,000 characters), or null.
    #[oai(nullable)]
    pub description: Option<String>,
    /// The proposed sections, at most 100.
    pub outline: Vec<OutlineSection>,
    /// The kind of page the idea is for.
    pub content_type: E<p::ContentType>,
    /// The shape the article should take.
    pub content_structure: E<p::ContentStructure>,
    /// Keywords the piece should target (at most 200, each at most 255 characters).
    pub target_keywords: Vec<String>,
    /// The expected length in words (1–100,000), or null.
    #[oai(nullable)]
    pub estimated_word_count: Option<i64>,
    /// `new` → `queued` (a writer task was made from it) → `done`; `queued` → `new`; `done` →
    /// `queued` to write it again.
    pub status: E<p::IdeaStatus>,
    /// When the idea was created.
    pub created_at: Time,
    /// When the idea last changed.
    pub updated_at: Time,
}

impl From<p::ContentIdea> for Idea {
    fn from(i: p::ContentIdea) -> Self {
        Self {
            id: i.id.get(),
            site_id: i.site_id.get(),
            sector_id: i.sector_id.get(),
            cluster_id: i.cluster_id.map(|c| c.get()),
            title: i.title,
            description: i.description,
            outline: i.outline.into_iter().map(Into::into).collect(),
            content_type: E(i.content_type),
            content_structure: E(i.content_structure),
            target_keywords: i.target_keywords,
            estimated_word_count: i.estimated_word_count,
            status: E(i.status),
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

/// A new idea.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewIdea {
    /// The sector to put the idea in (its site follows from it).
    pub sector_id: i64,
    /// Cluster (same sector).
    #[oai(nullable)]
    pub cluster_id: Option<i64>,
    /// The proposed title: plain text, 1–500 characters.
    pub title: String,
    /// What the piece should say, up to 20,000 characters; or null.
    #[oai(nullable)]
    pub description: Option<String>,
    /// The proposed sections, at most 100.
    #[oai(default)]
    pub outline: Vec<OutlineSection>,
    /// Page kind (default: the account's `content.type` setting).
    #[oai(nullable)]
    pub content_type: Option<E<p::ContentType>>,
    /// Structure (default: the account's `content.structure` setting).
    #[oai(nullable)]
    pub content_structure: Option<E<p::ContentStructure>>,
    /// Keywords to target: at most 200, each at most 255 characters; blanks are dropped.
    #[oai(default)]
    pub target_keywords: Vec<String>,
    /// The expected length in words (1–100,000), or null.
    #[oai(nullable)]
    pub estimated_word_count: Option<i64>,
}

impl From<NewIdea> for p::NewIdea {
    fn from(i: NewIdea) -> Self {
        Self {
            sector_id: SectorId(i.sector_id),
            cluster_id: i.cluster_id.map(ClusterId),
            title: i.title,
            description: i.description,
            outline: i.outline.into_iter().map(Into::into).collect(),
            content_type: i.content_type.map(|v| v.0),
            content_structure: i.content_structure.map(|v| v.0),
            target_keywords: i.target_keywords,
            estimated_word_count: i.estimated_word_count,
        }
    }
}

/// Changes to an idea.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct IdeaPatch {
    /// New title (plain text, 1–500 characters).
    #[oai(nullable)]
    pub title: Option<String>,
    /// New description (up to 20,000 characters); null removes it, absent keeps it.
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    /// New outline, replacing the old one (at most 100 sections).
    #[oai(nullable)]
    pub outline: Option<Vec<OutlineSection>>,
    /// New page kind.
    #[oai(nullable)]
    pub content_type: Option<E<p::ContentType>>,
    /// New article shape.
    #[oai(nullable)]
    pub content_structure: Option<E<p::ContentStructure>>,
    /// New keyword list, replacing the old one (at most 200, each at most 255 characters).
    #[oai(nullable)]
    pub target_keywords: Option<Vec<String>>,
    /// New expected length in words (1–100,000); null removes it, absent keeps it.
    #[oai(nullable)]
    pub estimated_word_count: MaybeUndefined<i64>,
    /// New cluster (same sector); null removes it, absent keeps it.
    #[oai(nullable)]
    pub cluster_id: MaybeUndefined<i64>,
    /// New status; only the changes listed on `Idea.status` are allowed.
    #[oai(nullable)]
    pub status: Option<E<p::IdeaStatus>>,
}

impl From<IdeaPatch> for p::IdeaPatch {
    fn from(i: IdeaPatch) -> Self {
        Self {
            title: i.title,
            description: patch(i.description, |v| v),
            outline: i.outline.map(|o| o.into_iter().map(Into::into).collect()),
            content_type: i.content_type.map(|v| v.0),
            content_structure: i.content_structure.map(|v| v.0),
            target_keywords: i.target_keywords,
            estimated_word_count: patch(i.estimated_word_count, |v| v),
            cluster_id: patch(i.cluster_id, ClusterId),
            status: i.status.map(|v| v.0),
        }
    }
}

/// Ideas to queue to the writer.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct QueueIdeas {
    /// The ideas to queue: 1–10,000 ids. Each `new` or `done` idea becomes a writer task and is
    /// marked `queued`.
    pub ids: Vec<i64>,
    /// Target length in words (100–20,000) for ideas without an estimate (default: the
    /// account's `content.word_count` setting).
    #[oai(nullable)]
    pub target_word_count: Option<i64>,
    /// The author profile the tasks are written as, or null.
    #[oai(nullable)]
    pub author_profile_id: Option<i64>,
    /// The strategy the tasks follow, or null.
    #[oai(nullable)]
    pub strategy_id: Option<i64>,
}

/// Idea changes for many ideas.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct IdeaBulkUpdate {
    /// The ideas to change: 1–10,000 ids; ids of other accounts are ignored.
    pub ids: Vec<i64>,
    /// New page kind.
    #[oai(nullable)]
    pub content_type: Option<E<p::ContentType>>,
    /// New article shape.
    #[oai(nullable)]
    pub content_structure: Option<E<p::ContentStructure>>,
    /// New cluster (the ideas' sector); null removes it, absent keeps it.
    #[oai(nullable)]
    pub cluster_id: MaybeUndefined<i64>,
    /// New status (ideas that can't make the change are skipped).
    #[oai(nullable)]
    pub status: Option<E<p::IdeaStatus>>,
}

impl IdeaBulkUpdate {
    /// The ids and the core's patch.
    pub fn into_parts(self) -> (Vec<igny8_core::IdeaId>, p::IdeaPatch) {
        (
            self.ids.into_iter().map(igny8_core::IdeaId).collect(),
            p::IdeaPatch {
                content_type: self.content_type.map(|v| v.0),
                content_structure: self.content_structure.map(|v| v.0),
                cluster_id: patch(self.cluster_id, ClusterId),
                status: self.status.map(|v| v.0),
                ..Default::default()
            },
        )
    }
}

/// A keyword file as a form upload.
#[derive(Debug, Multipart)]
pub struct KeywordFile {
    /// The export (CSV/TSV, UTF-8 or UTF-16, any supported tool's layout).
    pub file: Upload,
}

/// A keyword file: a form upload (field `file`) or the raw file as the body.
#[derive(Debug, ApiRequest)]
pub enum ImportBody {
    /// `multipart/form-data` with the file in field `file`.
    Form(KeywordFile),
    /// The file itself (`text/csv`).
    #[oai(content_type = "text/csv")]
    Csv(Binary<poem::Body>),
    /// The file itself (`text/plain`, e.g. one keyword per line).
    #[oai(content_type = "text/plain")]
    Text(Binary<poem::Body>),
}

/// A CSV download.
#[derive(ApiResponse)]
pub enum CsvFile {
    /// The keywords as CSV (`keyword,volume,difficulty,cpc,intent,status,cluster`).
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Csv(
        Binary<poem::Body>,
        #[oai(header = "Content-Disposition")] String,
    ),
}

/// An idea, article, or WordPress post or page in a competing pair.
#[derive(Debug, Object)]
pub struct OverlapTarget {
    /// `idea`, `content`, or `post` / `page` for a post or page of the site's WordPress (from
    /// its link inventory) that IGNY8 didn't write.
    pub kind: E<p::overlap::TargetKind>,
    /// Its id: IGNY8's for an idea or content, WordPress's for a post or page.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its keywords, the main one first (none for a WordPress post or page: its title stands
    /// for its main keyword).
    pub keywords: Vec<String>,
    /// The address of a WordPress post or page; null for an idea or content.
    #[oai(nullable)]
    pub url: Option<String>,
}

impl From<p::overlap::Target> for OverlapTarget {
    fn from(t: p::overlap::Target) -> Self {
        Self {
            kind: E(t.kind),
            id: t.id,
            title: t.title,
            keywords: t.keywords,
            url: t.url,
        }
    }
}

/// Two pages of a site that compete for the same searches, and what to do about it.
#[derive(Debug, Object)]
pub struct Overlap {
    /// One of them.
    pub a: OverlapTarget,
    /// The other.
    pub b: OverlapTarget,
    /// `same_primary_keyword`, `keyword_overlap` or `similar_title`.
    pub reason: E<p::overlap::OverlapReason>,
    /// How much they share, 0–1.
    pub strength: f64,
    /// The keywords (as `a` writes them) they share.
    pub shared_keywords: Vec<String>,
    /// `merge`, `retarget` or `link`.
    pub action: E<p::overlap::OverlapAction>,
    /// The suggestion in words.
    pub suggestion: String,
}

impl From<p::overlap::Overlap> for Overlap {
    fn from(o: p::overlap::Overlap) -> Self {
        Self {
            a: o.a.into(),
            b: o.b.into(),
            reason: E(o.reason),
            strength: o.strength,
            shared_keywords: o.shared_keywords,
            action: E(o.action),
            suggestion: o.suggestion,
        }
    }
}

/// A task made from an idea queued to the writer, with what the idea competes with.
#[derive(Debug, Object)]
pub struct QueuedTask {
    /// The task.
    #[oai(flatten)]
    pub task: super::writer::Task,
    /// What its idea competes with on the site (docs/content-quality.md, "No
    /// cannibalisation"): ideas queued with it, new ideas, articles, and WordPress posts and
    /// pages. Reported, not refused; empty when nothing competes (and for an idea queued
    /// again).
    pub conflicts: Vec<Overlap>,
}
