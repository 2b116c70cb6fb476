//! Keywords, clusters and ideas on the wire.

use igny8_core::planner as p;
use igny8_core::{ClusterId, SectorId};
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;

use super::tenancy::patch;
use super::{E, Time};

/// A keyword.
#[derive(Debug, Object)]
pub struct Keyword {
    /// Id.
    pub id: i64,
    /// Site.
    pub site_id: i64,
    /// Sector.
    pub sector_id: i64,
    /// The keyword.
    pub keyword: String,
    /// Monthly searches (null: unknown).
    #[oai(nullable)]
    pub volume: Option<i64>,
    /// Difficulty 0–100.
    #[oai(nullable)]
    pub difficulty: Option<i64>,
    /// Cost per click.
    #[oai(nullable)]
    pub cpc: Option<f64>,
    /// Search intent.
    #[oai(nullable)]
    pub intent: Option<E<p::Intent>>,
    /// Status.
    pub status: E<p::KeywordStatus>,
    /// Cluster.
    #[oai(nullable)]
    pub cluster_id: Option<i64>,
    /// Origin.
    pub source: E<p::KeywordSource>,
    /// Created.
    pub created_at: Time,
    /// Changed.
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
    /// The keyword (1–255 characters).
    pub keyword: String,
    /// Monthly searches.
    #[oai(nullable)]
    pub volume: Option<i64>,
    /// Difficulty 0–100.
    #[oai(nullable)]
    pub difficulty: Option<i64>,
    /// Cost per click.
    #[oai(nullable)]
    pub cpc: Option<f64>,
    /// Search intent.
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
    /// New text (single updates only).
    #[oai(nullable)]
    pub keyword: Option<String>,
    /// New volume, or null.
    #[oai(nullable)]
    pub volume: MaybeUndefined<i64>,
    /// New difficulty, or null.
    #[oai(nullable)]
    pub difficulty: MaybeUndefined<i64>,
    /// New CPC, or null.
    #[oai(nullable)]
    pub cpc: MaybeUndefined<f64>,
    /// New intent, or null.
    #[oai(nullable)]
    pub intent: MaybeUndefined<E<p::Intent>>,
    /// `archived` or `pending`.
    #[oai(nullable)]
    pub status: Option<E<p::KeywordStatus>>,
    /// A cluster of the same sector, or null.
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
    /// The keywords (at most 10,000).
    pub ids: Vec<i64>,
    /// New volume, or null.
    #[oai(nullable)]
    pub volume: MaybeUndefined<i64>,
    /// New difficulty, or null.
    #[oai(nullable)]
    pub difficulty: MaybeUndefined<i64>,
    /// New CPC, or null.
    #[oai(nullable)]
    pub cpc: MaybeUndefined<f64>,
    /// New intent, or null.
    #[oai(nullable)]
    pub intent: MaybeUndefined<E<p::Intent>>,
    /// `archived` or `pending`.
    #[oai(nullable)]
    pub status: Option<E<p::KeywordStatus>>,
    /// A cluster of the keywords' sector, or null.
    #[oai(nullable)]
    pub cluster_id: MaybeUndefined<i64>,
}

impl KeywordBulkUpdate {
    /// The ids and the core's patch.
    pub fn into_parts(self) -> (Vec<igny8_core::KeywordId>, p::KeywordPatch) {
        (
            self.ids.into_iter().map(igny8_core::KeywordId).collect(),
            p::KeywordPatch {
                keyword: None,
                volume: patch(self.volume, |v| v),
                difficulty: patch(self.difficulty, |v| v),
                cpc: patch(self.cpc, |v| v),
                intent: patch(self.intent, |v| v.0),
                status: self.status.map(|s| s.0),
                cluster_id: patch(self.cluster_id, ClusterId),
            },
        )
    }
}

/// Ids to act on.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct Ids {
    /// The ids (at most 10,000); ids of other accounts are ignored.
    pub ids: Vec<i64>,
}

/// How many rows an operation changed.
#[derive(Debug, Object)]
pub struct Affected {
    /// Rows changed.
    pub affected: u64,
}

/// A row that was not imported.
#[derive(Debug, Object)]
pub struct RowError {
    /// 1-based line in the file.
    pub line: u64,
    /// Why.
    pub message: String,
}

/// The outcome of an import.
#[derive(Debug, Object)]
pub struct ImportResult {
    /// The layout recognised (`semrush`, `google_keyword_planner`…).
    pub format: String,
    /// New keywords.
    pub imported: u64,
    /// Rows merged into existing keywords.
    pub merged: u64,
    /// Rows not imported.
    pub rejected: u64,
    /// Why (the first 1,000), by line.
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
    /// Id.
    pub id: i64,
    /// Site.
    pub site_id: i64,
    /// Sector.
    pub sector_id: i64,
    /// Name.
    pub name: String,
    /// Description.
    #[oai(nullable)]
    pub description: Option<String>,
    /// Status.
    pub status: E<p::ClusterStatus>,
    /// Keywords in it.
    pub keyword_count: i64,
    /// Their volume.
    pub total_volume: i64,
    /// Ideas made from it.
    pub idea_count: i64,
    /// Created.
    pub created_at: Time,
    /// Changed.
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
    /// Sector.
    pub sector_id: i64,
    /// Name.
    pub name: String,
    /// Description.
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
    /// New name (single updates only).
    #[oai(nullable)]
    pub name: Option<String>,
    /// New description, or null.
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    /// New status.
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
    /// The clusters.
    pub ids: Vec<i64>,
    /// New description, or null.
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    /// New status.
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
    /// The cluster.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Whether the run created it.
    pub created: bool,
    /// Keywords it took.
    pub keywords: u64,
}

/// What a clustering run did.
#[derive(Debug, Object)]
pub struct ClusteringReport {
    /// Keywords that were waiting.
    pub keywords_considered: u64,
    /// Keywords put into a cluster.
    pub keywords_assigned: u64,
    /// New clusters.
    pub clusters_created: u64,
    /// Existing clusters reused.
    pub clusters_reused: u64,
    /// The clusters.
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
    /// Heading.
    pub heading: String,
    /// What it covers.
    #[oai(default)]
    pub notes: String,
    /// Sub-headings.
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
    /// Id.
    pub id: i64,
    /// Site.
    pub site_id: i64,
    /// Sector.
    pub sector_id: i64,
    /// Cluster.
    #[oai(nullable)]
    pub cluster_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Description.
    #[oai(nullable)]
    pub description: Option<String>,
    /// Outline.
    pub outline: Vec<OutlineSection>,
    /// Page kind.
    pub content_type: E<p::ContentType>,
    /// Structure.
    pub content_structure: E<p::ContentStructure>,
    /// Keywords to target.
    pub target_keywords: Vec<String>,
    /// Estimated words.
    #[oai(nullable)]
    pub estimated_word_count: Option<i64>,
    /// Status.
    pub status: E<p::IdeaStatus>,
    /// Created.
    pub created_at: Time,
    /// Changed.
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
    /// Sector.
    pub sector_id: i64,
    /// Cluster (same sector).
    #[oai(nullable)]
    pub cluster_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Description.
    #[oai(nullable)]
    pub description: Option<String>,
    /// Outline.
    #[oai(default)]
    pub outline: Vec<OutlineSection>,
    /// Page kind (default post).
    #[oai(nullable)]
    pub content_type: Option<E<p::ContentType>>,
    /// Structure (default article).
    #[oai(nullable)]
    pub content_structure: Option<E<p::ContentStructure>>,
    /// Keywords to target.
    #[oai(default)]
    pub target_keywords: Vec<String>,
    /// Estimated words.
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
    /// New title.
    #[oai(nullable)]
    pub title: Option<String>,
    /// New description, or null.
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    /// New outline.
    #[oai(nullable)]
    pub outline: Option<Vec<OutlineSection>>,
    /// New page kind.
    #[oai(nullable)]
    pub content_type: Option<E<p::ContentType>>,
    /// New structure.
    #[oai(nullable)]
    pub content_structure: Option<E<p::ContentStructure>>,
    /// New keywords.
    #[oai(nullable)]
    pub target_keywords: Option<Vec<String>>,
    /// New estimate, or null.
    #[oai(nullable)]
    pub estimated_word_count: MaybeUndefined<i64>,
    /// New cluster, or null.
    #[oai(nullable)]
    pub cluster_id: MaybeUndefined<i64>,
    /// New status.
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
    /// The ideas.
    pub ids: Vec<i64>,
    /// Target length for ideas without an estimate.
    #[oai(nullable)]
    pub target_word_count: Option<i64>,
    /// Author profile for the tasks.
    #[oai(nullable)]
    pub author_profile_id: Option<i64>,
    /// Strategy for the tasks.
    #[oai(nullable)]
    pub strategy_id: Option<i64>,
}

/// Idea changes for many ideas.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct IdeaBulkUpdate {
    /// The ideas.
    pub ids: Vec<i64>,
    /// New page kind.
    #[oai(nullable)]
    pub content_type: Option<E<p::ContentType>>,
    /// New structure.
    #[oai(nullable)]
    pub content_structure: Option<E<p::ContentStructure>>,
    /// New cluster, or null.
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
