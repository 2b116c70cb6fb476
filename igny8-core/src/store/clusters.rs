//! The store for clusters.

use std::future::Future;

use crate::error::Result;
use crate::ids::*;
use crate::list::{Page, PageRequest};
use crate::planner::{Cluster, ClusterFilter, ClusterPatch, ClusterSort, NewCluster};
use crate::planner::{ClusterAssignment, MergeReport};
use crate::tenancy::Scope;

/// Clusters.
pub trait ClusterStore: Send + Sync {
    /// Creates a cluster in a sector of the account; a duplicate name in the sector is a conflict.
    fn create_cluster(
        &self,
        scope: &Scope,
        cluster: &NewCluster,
    ) -> impl Future<Output = Result<Cluster>> + Send;
    /// One cluster with its aggregates; [`NotFound`](crate::Error::NotFound) when it doesn't
    /// exist or lies outside the scope.
    fn get_cluster(
        &self,
        scope: &Scope,
        id: ClusterId,
    ) -> impl Future<Output = Result<Cluster>> + Send;
    /// A filtered, ordered page.
    fn list_clusters(
        &self,
        scope: &Scope,
        filter: &ClusterFilter,
        sort: &ClusterSort,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Cluster>>> + Send;
    /// Changes the scope's clusters among `ids` (a name only for a single id); the number changed.
    fn update_clusters(
        &self,
        scope: &Scope,
        ids: &[ClusterId],
        patch: &ClusterPatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes clusters; their keywords become pending again. The number deleted.
    fn delete_clusters(
        &self,
        scope: &Scope,
        ids: &[ClusterId],
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Moves the keywords, ideas and tasks of the clusters `from` to `into` and deletes
    /// `from`, in one transaction (the service has checked that all are the scope's, in one
    /// sector).
    fn merge_clusters(
        &self,
        scope: &Scope,
        into: ClusterId,
        from: &[ClusterId],
    ) -> impl Future<Output = Result<MergeReport>> + Send;
    /// Creates the planned clusters and assigns their keywords, in one transaction.
    /// Keywords that changed meanwhile (deleted, archived or clustered) are skipped.
    fn apply_clustering(
        &self,
        scope: &Scope,
        sector: SectorId,
        assignments: &[ClusterAssignment],
    ) -> impl Future<Output = Result<Vec<(ClusterId, u64)>>> + Send;
}
