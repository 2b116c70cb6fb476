//! The store for the link inventory's synced WordPress objects.

use std::future::Future;

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::ids::{AccountId, SiteId};
use crate::inventory::{LinkKind, LinkPage, LinkPageFilter, SyncedPage};
use crate::list::{Page, PageRequest};
use crate::tenancy::Scope;

/// Where a site's link inventory stands: the latest modification time among its objects of
/// one kind (where an incremental sync resumes), and the latest sync that found anything.
pub type SyncMarks = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// A site's WordPress posts, pages and categories, as last synced.
pub trait InventoryStore: Send + Sync {
    /// Records `pages` of the scope's `site` (a site of another account is not found), as
    /// found by the sync at `seen_at`: new ones added, known ones (same kind and WordPress
    /// id) replaced.
    fn put_link_pages(
        &self,
        scope: &Scope,
        site: SiteId,
        pages: &[SyncedPage],
        seen_at: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Marks the site's objects of `kind` among `wp_ids` as found by the sync at `seen_at`.
    fn mark_link_pages_seen(
        &self,
        scope: &Scope,
        site: SiteId,
        kind: LinkKind,
        wp_ids: &[i64],
        seen_at: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Deletes the site's objects of `kind` no sync has found since `since`; how many.
    fn sweep_link_pages(
        &self,
        scope: &Scope,
        site: SiteId,
        kind: LinkKind,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes one object of the site; whether there was one.
    fn delete_link_page(
        &self,
        scope: &Scope,
        site: SiteId,
        kind: LinkKind,
        wp_id: i64,
    ) -> impl Future<Output = Result<bool>> + Send;
    /// A page of the site's synced objects (`filter.site_id` is required), oldest first.
    fn list_link_pages(
        &self,
        scope: &Scope,
        filter: &LinkPageFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<LinkPage>>> + Send;
    /// The latest modification time among the site's objects of `kind` (where an
    /// incremental sync resumes), and the latest sync that found any object of the site.
    fn link_sync_marks(
        &self,
        scope: &Scope,
        site: SiteId,
        kind: LinkKind,
    ) -> impl Future<Output = Result<SyncMarks>> + Send;
    /// Sites of active accounts, connected to WordPress, that no sync has found anything of
    /// since `before` and that no sync job was queued for since then: at most `limit`, across
    /// accounts (for the worker that keeps inventories fresh).
    fn stale_link_sites(
        &self,
        before: DateTime<Utc>,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<(AccountId, SiteId)>>> + Send;
}
