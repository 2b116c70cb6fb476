//! The planner: keywords, clusters and content ideas; CSV import and export; local clustering.

mod cluster;
pub mod clustering;
mod dashboard;
pub(crate) mod formula;
mod idea;
pub mod import;
mod keyword;
pub mod overlap;
pub(crate) mod service;

pub use cluster::{
    Cluster, ClusterFilter, ClusterPatch, ClusterSort, ClusterSortField, ClusterStatus, NewCluster,
};
pub use dashboard::{
    DailyCredits, Dashboard, DashboardFilter, FailedJob, Funnel, KeywordGroup, KeywordStats,
    PipelineCounts,
};
pub(crate) use idea::check_keywords;
pub use idea::{
    ContentIdea, ContentStructure, ContentType, IdeaFilter, IdeaPatch, IdeaSort, IdeaSortField,
    IdeaStatus, NewIdea, OutlineSection, QueueDefaults,
};
pub use import::{ImportBatch, ImportRecord, ImportReport, ImportTotals, RowIssue};
pub use keyword::{
    Intent, Keyword, KeywordDraft, KeywordFilter, KeywordMetrics, KeywordPatch, KeywordSort,
    KeywordSortField, KeywordSource, KeywordStatus, MAX_KEYWORD_LEN, ValidKeyword,
    ValidKeywordPatch, normalize_keyword,
};
pub(crate) use service::check_ids;
pub use service::{
    ClusterOutcome, ClusteringReport, Clusters, Ideas, Keywords, MAX_BULK_IDS, MergeReport, Queued,
};

use crate::ids::{ClusterId, KeywordId};

/// A keyword with its cluster's name, as exported.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    /// The keyword with all its values.
    pub keyword: Keyword,
    /// Its cluster's name.
    pub cluster: Option<String>,
}

/// A keyword waiting for a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnclusteredKeyword {
    /// The keyword's id.
    pub id: KeywordId,
    /// The keyword as shown.
    pub keyword: String,
    /// Monthly search volume, 0 when unknown (clustering orders members by it).
    pub volume: i64,
}

/// Where a group of keywords goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignmentTarget {
    /// An existing cluster of the sector.
    Existing(ClusterId),
    /// A new cluster with this name.
    New(String),
}

/// A group of keywords and the cluster they join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterAssignment {
    /// The cluster they join: an existing one of the sector, or a new one to create.
    pub target: AssignmentTarget,
    /// The keywords that join it (all of the cluster's sector).
    pub keyword_ids: Vec<KeywordId>,
}
