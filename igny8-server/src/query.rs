//! Reading a list's query string: the ordering and id lists that every list operation takes,
//! shared by whichever transport parses them.

use igny8_core::list::Sort;
use igny8_core::planner as p;
use igny8_core::{ClusterId, IdeaId, JobId, KeywordId, SectorId, SiteId};

use crate::envelope::ApiError;

/// The ordering asked for (`-volume`, `title`), or `default` when none (or a blank one) is.
pub fn sort<F: std::str::FromStr<Err = String>>(
    ordering: Option<String>,
    default: Sort<F>,
) -> Result<Sort<F>, ApiError> {
    match ordering.filter(|o| !o.trim().is_empty()) {
        Some(o) => Ok(Sort::parse(&o)?),
        None => Ok(default),
    }
}

/// Parses `1,2,3`; none (or a blank value) is no id filter.
pub fn id_list(value: Option<String>) -> Result<Option<Vec<i64>>, ApiError> {
    match value.filter(|v| !v.trim().is_empty()) {
        None => Ok(None),
        Some(v) => v
            .split(',')
            .map(|s| s.trim().parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
            .map_err(|_| ApiError::field("ids", "must be comma-separated ids")),
    }
}

/// The keyword list's filters as a query string names them (`?status=new&min_volume=100&ids=1,2`);
/// the list and its CSV export take the same ones.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct KeywordQuery {
    /// Only this site.
    pub site_id: Option<i64>,
    /// Only this sector.
    pub sector_id: Option<i64>,
    /// Only this status.
    pub status: Option<p::KeywordStatus>,
    /// Only this intent.
    pub intent: Option<p::Intent>,
    /// Only this cluster.
    pub cluster_id: Option<i64>,
    /// Only keywords with (true) or without (false) a cluster.
    pub has_cluster: Option<bool>,
    /// Volume at least.
    pub min_volume: Option<i64>,
    /// Volume at most.
    pub max_volume: Option<i64>,
    /// Difficulty at least.
    pub min_difficulty: Option<i64>,
    /// Difficulty at most.
    pub max_difficulty: Option<i64>,
    /// Keywords containing this text.
    pub search: Option<String>,
    /// Only these ids, comma-separated.
    pub ids: Option<String>,
}

impl KeywordQuery {
    /// The core's filter; a bad id list is a field error.
    pub fn filter(self) -> Result<p::KeywordFilter, ApiError> {
        Ok(p::KeywordFilter {
            site_id: self.site_id.map(SiteId),
            sector_id: self.sector_id.map(SectorId),
            status: self.status,
            intent: self.intent,
            cluster_id: self.cluster_id.map(ClusterId),
            has_cluster: self.has_cluster,
            min_volume: self.min_volume,
            max_volume: self.max_volume,
            min_difficulty: self.min_difficulty,
            max_difficulty: self.max_difficulty,
            search: self.search,
            ids: id_list(self.ids)?.map(|v| v.into_iter().map(KeywordId).collect()),
        })
    }
}

/// The cluster list's filters as a query string names them (`?status=active&has_ideas=false`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ClusterQuery {
    /// Only this site.
    pub site_id: Option<i64>,
    /// Only this sector.
    pub sector_id: Option<i64>,
    /// Only this status.
    pub status: Option<p::ClusterStatus>,
    /// Only clusters with (true) or without (false) ideas.
    pub has_ideas: Option<bool>,
    /// Names containing this text.
    pub search: Option<String>,
    /// Only these ids, comma-separated.
    pub ids: Option<String>,
}

impl ClusterQuery {
    /// The core's filter; a bad id list is a field error.
    pub fn filter(self) -> Result<p::ClusterFilter, ApiError> {
        Ok(p::ClusterFilter {
            site_id: self.site_id.map(SiteId),
            sector_id: self.sector_id.map(SectorId),
            status: self.status,
            has_ideas: self.has_ideas,
            search: self.search,
            ids: id_list(self.ids)?.map(|v| v.into_iter().map(ClusterId).collect()),
        })
    }
}

/// The idea list's filters as a query string names them (`?status=new&cluster_id=4`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct IdeaQuery {
    /// Only this site.
    pub site_id: Option<i64>,
    /// Only this sector.
    pub sector_id: Option<i64>,
    /// Only this cluster's.
    pub cluster_id: Option<i64>,
    /// Only this status.
    pub status: Option<p::IdeaStatus>,
    /// Only this content type.
    pub content_type: Option<p::ContentType>,
    /// Titles containing this text.
    pub search: Option<String>,
    /// Only these ids, comma-separated.
    pub ids: Option<String>,
}

impl IdeaQuery {
    /// The core's filter; a bad id list is a field error.
    pub fn filter(self) -> Result<p::IdeaFilter, ApiError> {
        Ok(p::IdeaFilter {
            site_id: self.site_id.map(SiteId),
            sector_id: self.sector_id.map(SectorId),
            cluster_id: self.cluster_id.map(ClusterId),
            status: self.status,
            content_type: self.content_type,
            search: self.search,
            ids: id_list(self.ids)?.map(|v| v.into_iter().map(IdeaId).collect()),
        })
    }
}

/// The writer's task list's filters as a query string names them (`?status=queued`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TaskQuery {
    /// Only this site.
    pub site_id: Option<i64>,
    /// Only this sector.
    pub sector_id: Option<i64>,
    /// Only this status.
    pub status: Option<igny8_core::writer::TaskStatus>,
    /// Only this cluster's.
    pub cluster_id: Option<i64>,
    /// Only this idea's.
    pub idea_id: Option<i64>,
    /// Titles containing this text.
    pub search: Option<String>,
}

impl TaskQuery {
    /// The core's filter.
    pub fn filter(self) -> igny8_core::writer::TaskFilter {
        igny8_core::writer::TaskFilter {
            site_id: self.site_id.map(SiteId),
            sector_id: self.sector_id.map(SectorId),
            status: self.status,
            cluster_id: self.cluster_id.map(ClusterId),
            idea_id: self.idea_id.map(IdeaId),
            search: self.search,
            ids: None,
        }
    }
}

/// The content list's filters as a query string names them (`?status=draft`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ContentQuery {
    /// Only this site.
    pub site_id: Option<i64>,
    /// Only this sector.
    pub sector_id: Option<i64>,
    /// Only this status.
    pub status: Option<igny8_core::writer::ContentStatus>,
    /// Only this task's.
    pub task_id: Option<i64>,
    /// Titles containing this text.
    pub search: Option<String>,
}

impl ContentQuery {
    /// The core's filter.
    pub fn filter(self) -> igny8_core::writer::ContentFilter {
        igny8_core::writer::ContentFilter {
            site_id: self.site_id.map(SiteId),
            sector_id: self.sector_id.map(SectorId),
            status: self.status,
            task_id: self.task_id.map(igny8_core::TaskId),
            search: self.search,
            ids: None,
        }
    }
}

/// The job list's filters as a query string names them (`?status=running&kind=publish`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct JobQuery {
    /// Only this kind.
    pub kind: Option<igny8_core::jobs::JobKind>,
    /// Only this status.
    pub status: Option<igny8_core::jobs::JobStatus>,
    /// Only this site.
    pub site_id: Option<i64>,
    /// Only these ids, comma-separated.
    pub ids: Option<String>,
}

impl JobQuery {
    /// The core's filter; a bad id list is a field error.
    pub fn filter(self) -> Result<igny8_core::jobs::JobFilter, ApiError> {
        Ok(igny8_core::jobs::JobFilter {
            kind: self.kind,
            status: self.status,
            site_id: self.site_id.map(SiteId),
            ids: id_list(self.ids)?.map(|v| v.into_iter().map(JobId).collect()),
        })
    }
}

/// The options of a local clustering run: the smallest cluster and the keywords' language
/// (an ISO 639-1 code such as `en` or `pt-BR`); the defaults where none is given.
pub fn local_cluster_options(
    min_cluster_size: Option<u32>,
    language: Option<&str>,
) -> Result<p::clustering::LocalClusterOptions, ApiError> {
    let mut options = p::clustering::LocalClusterOptions::default();
    if let Some(size) = min_cluster_size {
        options.min_cluster_size = size as usize;
    }
    if let Some(code) = language.filter(|c| !c.trim().is_empty()) {
        options.language = p::clustering::Language::from_code(code).ok_or_else(|| {
            ApiError::field("language", format!("{code:?} is not a supported language"))
        })?;
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use poem::FromRequest;
    use poem::web::Query;

    use super::*;

    async fn read(query: &str) -> KeywordQuery {
        let request = poem::Request::builder()
            .uri(format!("/planner/keywords?{query}").parse().unwrap())
            .finish();
        let Query(q) = Query::<KeywordQuery>::from_request_without_body(&request)
            .await
            .expect("a keyword query");
        q
    }

    #[tokio::test]
    async fn a_query_string_reads_as_the_keyword_filter() {
        let f = read("status=archived&intent=commercial&min_volume=100&has_cluster=false&search=burr%20grinder&ids=3,%204")
            .await
            .filter()
            .unwrap();
        assert_eq!(f.status, Some(p::KeywordStatus::Archived));
        assert_eq!(f.intent, Some(p::Intent::Commercial));
        assert_eq!((f.min_volume, f.max_volume), (Some(100), None));
        assert_eq!(f.has_cluster, Some(false));
        assert_eq!(f.search.as_deref(), Some("burr grinder"));
        assert_eq!(f.ids, Some(vec![KeywordId(3), KeywordId(4)]));
        // Nothing asked for: no filter at all.
        assert_eq!(
            read("").await.filter().unwrap(),
            p::KeywordFilter::default()
        );
        // A bad id list names the field.
        let bad = read("ids=3,x").await.filter().unwrap_err();
        assert!(format!("{bad:?}").contains("ids"), "{bad:?}");
    }
}

/// The credit ledger's filters as a query string names them (`?kind=grant`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TransactionQuery {
    /// Only this kind of entry.
    pub kind: Option<igny8_core::credits::TransactionKind>,
    /// Only this AI operation's.
    pub operation: Option<String>,
}

impl TransactionQuery {
    /// The core's filter, for entries posted in `since..until`.
    pub fn filter(
        self,
        since: Option<chrono::DateTime<chrono::Utc>>,
        until: Option<chrono::DateTime<chrono::Utc>>,
    ) -> igny8_core::credits::TransactionFilter {
        igny8_core::credits::TransactionFilter {
            kind: self.kind,
            operation: self.operation,
            since,
            until,
        }
    }
}

/// The usage log's filters as a query string names them (`?operation=generate_content`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct UsageQuery {
    /// Only this AI operation's calls.
    pub operation: Option<String>,
    /// Only this model's calls.
    pub model: Option<String>,
}

impl UsageQuery {
    /// The core's filter, for calls made in `since..until`.
    pub fn filter(
        self,
        since: Option<chrono::DateTime<chrono::Utc>>,
        until: Option<chrono::DateTime<chrono::Utc>>,
    ) -> igny8_core::credits::UsageFilter {
        igny8_core::credits::UsageFilter {
            operation: self.operation,
            model: self.model,
            job_id: None,
            since,
            until,
        }
    }
}
