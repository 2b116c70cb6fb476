//! Clusters: groups of keywords that one piece of content can target.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::error::Result;
use crate::ids::{AccountId, ClusterId, SectorId, SiteId};
use crate::list::Sort;
use crate::validate::Check;

string_enum! {
    /// A cluster's status.
    pub enum ClusterStatus {
        /// In use.
        Active => "active",
        /// Put aside.
        Archived => "archived",
    }
}

/// A cluster with its live aggregates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// The cluster's id.
    pub id: ClusterId,
    /// The account that owns the cluster; every query is filtered by it.
    pub account_id: AccountId,
    /// The site, taken from the sector.
    pub site_id: SiteId,
    /// The sector the cluster belongs to.
    pub sector_id: SectorId,
    /// Name (unique in the sector).
    pub name: String,
    /// What the cluster is about, up to 10,000 characters.
    pub description: Option<String>,
    /// Active, or archived (put aside).
    pub status: ClusterStatus,
    /// Keywords in the cluster, counted when it is read.
    pub keyword_count: i64,
    /// Their summed monthly search volume (unknown volumes add nothing), counted when it is read.
    pub total_volume: i64,
    /// Content ideas made from it, counted when it is read.
    pub idea_count: i64,
    /// When the cluster was created.
    pub created_at: DateTime<Utc>,
    /// When the cluster last changed.
    pub updated_at: DateTime<Utc>,
}

/// Input for a new cluster.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewCluster {
    /// The sector (its site follows).
    pub sector_id: SectorId,
    /// Name, 1–255 characters, unique in the sector.
    pub name: String,
    /// What the cluster is about, up to 10,000 characters.
    pub description: Option<String>,
}

impl NewCluster {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        self.name = check.name("name", &self.name, 255);
        self.description = check.opt_text("description", self.description.as_deref(), 10_000);
        check.finish()?;
        Ok(self)
    }
}

/// Changes to a cluster.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ClusterPatch {
    /// New name, 1–255 characters (single updates only).
    pub name: Option<String>,
    /// New description, or clear it.
    pub description: Option<Option<String>>,
    /// New status.
    pub status: Option<ClusterStatus>,
}

impl ClusterPatch {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        if let Some(name) = &self.name {
            self.name = Some(check.name("name", name, 255));
        }
        if let Some(d) = &self.description {
            self.description = Some(check.opt_text("description", d.as_deref(), 10_000));
        }
        check.finish()?;
        Ok(self)
    }
}

/// Filters of the cluster list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterFilter {
    /// Only this site.
    pub site_id: Option<SiteId>,
    /// Only this sector.
    pub sector_id: Option<SectorId>,
    /// Only this status.
    pub status: Option<ClusterStatus>,
    /// `Some(false)`: only clusters without ideas; `Some(true)`: only with.
    pub has_ideas: Option<bool>,
    /// Names containing this text (case-insensitive).
    pub search: Option<String>,
    /// Only these ids.
    pub ids: Option<Vec<ClusterId>>,
}

string_enum! {
    /// Fields the cluster list can be ordered by.
    pub enum ClusterSortField {
        /// Creation order.
        Id => "id",
        /// Name.
        Name => "name",
        /// Creation time.
        CreatedAt => "created_at",
        /// Last change.
        UpdatedAt => "updated_at",
    }
}

/// The cluster list's ordering.
pub type ClusterSort = Sort<ClusterSortField>;

impl Default for ClusterSort {
    fn default() -> Self {
        Sort {
            field: ClusterSortField::Id,
            descending: true,
        }
    }
}
