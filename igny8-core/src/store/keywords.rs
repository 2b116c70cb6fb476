//! The store for keywords.

use std::future::Future;

use crate::error::Result;
use crate::ids::*;
use crate::list::{Page, PageRequest};
use crate::planner::{
    ExportRow, ImportBatch, ImportTotals, Keyword, KeywordFilter, KeywordSort, UnclusteredKeyword,
};
use crate::planner::{KeywordSource, ValidKeyword};
use crate::tenancy::Scope;

/// Keywords, one by one and in bulk.
pub trait KeywordStore: Send + Sync {
    /// Creates a keyword in a sector of the account, within the plan's `max_keywords`; a
    /// keyword with the same normalised text in the sector is a conflict.
    fn create_keyword(
        &self,
        scope: &Scope,
        sector: SectorId,
        keyword: &ValidKeyword,
        source: KeywordSource,
    ) -> impl Future<Output = Result<Keyword>> + Send;
    /// One keyword; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_keyword(
        &self,
        scope: &Scope,
        id: KeywordId,
    ) -> impl Future<Output = Result<Keyword>> + Send;
    /// A filtered, ordered page.
    fn list_keywords(
        &self,
        scope: &Scope,
        filter: &KeywordFilter,
        sort: &KeywordSort,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Keyword>>> + Send;
    /// Applies a validated patch to the scope's keywords matching `selection` (the list's
    /// filter; its `ids` for keywords chosen one by one); the number changed. With `expected`,
    /// only when exactly that many match: otherwise [`Conflict`](crate::Error::Conflict) and
    /// nothing changes.
    fn update_keywords(
        &self,
        scope: &Scope,
        selection: &KeywordFilter,
        patch: &crate::planner::ValidKeywordPatch,
        expected: Option<u64>,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes the scope's keywords matching `selection`; the number deleted. `expected` as for
    /// [`KeywordStore::update_keywords`].
    fn delete_keywords(
        &self,
        scope: &Scope,
        selection: &KeywordFilter,
        expected: Option<u64>,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Writes an import's batches in one transaction, merging keywords that already exist.
    fn import_keywords(
        &self,
        scope: &Scope,
        sector: SectorId,
        batches: tokio::sync::mpsc::Receiver<Result<ImportBatch>>,
    ) -> impl Future<Output = Result<ImportTotals>> + Send;
    /// Up to `limit` keywords matching `filter` with id greater than `after`, in id order, with
    /// their cluster's name (for streamed exports).
    fn export_keywords(
        &self,
        scope: &Scope,
        filter: &KeywordFilter,
        after: Option<KeywordId>,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<ExportRow>>> + Send;
    /// The dashboard's counts: keywords per status and intent (kept until the account's
    /// keywords change), clusters, clusters with ideas, ideas, tasks, content per status.
    fn pipeline_counts(
        &self,
        scope: &Scope,
        filter: &crate::planner::DashboardFilter,
    ) -> impl Future<Output = Result<crate::planner::PipelineCounts>> + Send;
    /// Keywords of a sector that are in no cluster and not archived.
    fn unclustered_keywords(
        &self,
        scope: &Scope,
        sector: SectorId,
    ) -> impl Future<Output = Result<Vec<UnclusteredKeyword>>> + Send;
}
