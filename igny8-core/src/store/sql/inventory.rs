//! The link inventory's synced WordPress objects, on SQL: one row per object, replaced by
//! `(site, kind, WordPress id)`; a sync marks what it found and sweeps the rest.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, OnConflict, Query};

use super::list::{SortSpec, narrow};
use super::{SqlStore, T, to_json};
use crate::error::Result;
use crate::ids::{AccountId, LinkPageId, SiteId};
use crate::inventory::{LinkKind, LinkPage, LinkPageFilter, SyncedPage};
use crate::list::{CursorValue, Page, PageRequest};
use crate::store::InventoryStore;
use crate::tenancy::Scope;

row!(LinkPage: LinkPageId in LinkPages, site_scoped {
    id, site_id, kind, wp_id, url, title, keywords: json, modified_at, seen_at,
});

/// A site and its account.
struct SiteRef {
    account_id: AccountId,
    id: SiteId,
}

row!(SiteRef { account_id, id });

/// Rows written per statement (well under every backend's parameter limit).
const BATCH: usize = 200;

impl SqlStore {
    async fn check_site(&self, scope: &Scope, site: SiteId) -> Result<()> {
        scope.check_site(site)?;
        let q = Query::select()
            .expr(Expr::val(1i64))
            .from(self.t(T::Sites))
            .and_where(Expr::col("id").eq(site.get()))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .to_owned();
        let found: Option<i64> = self.db.conn().await?.optional(&q).await?;
        found.map(|_| ()).ok_or_else(|| site.not_found())
    }

    fn of_site(&self, q: &mut impl sea_query::ConditionalStatement, scope: &Scope, site: SiteId) {
        q.and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("site_id").eq(site.get()));
    }
}

impl InventoryStore for SqlStore {
    async fn put_link_pages(
        &self,
        scope: &Scope,
        site: SiteId,
        pages: &[SyncedPage],
        seen_at: DateTime<Utc>,
    ) -> Result<()> {
        self.check_site(scope, site).await?;
        let seen = seen_at.timestamp_millis();
        let mut tx = self.db.begin().await?;
        for chunk in pages.chunks(BATCH) {
            let mut q = Query::insert();
            q.into_table(self.t(T::LinkPages)).columns([
                "account_id",
                "site_id",
                "kind",
                "wp_id",
                "url",
                "title",
                "keywords",
                "modified_at",
                "seen_at",
            ]);
            for p in chunk {
                q.values_panic([
                    scope.account().get().into(),
                    site.get().into(),
                    p.kind.as_str().into(),
                    p.wp_id.into(),
                    p.url.clone().into(),
                    p.title.clone().into(),
                    to_json(&p.keywords).into(),
                    p.modified_at.map(|t| t.timestamp_millis()).into(),
                    seen.into(),
                ]);
            }
            q.on_conflict(
                OnConflict::columns(["site_id", "kind", "wp_id"])
                    .values(
                        ["url", "title", "keywords", "modified_at", "seen_at"]
                            .map(|c| (c, self.excluded(c))),
                    )
                    .to_owned(),
            );
            tx.execute(&q).await?;
        }
        tx.commit().await
    }

    async fn mark_link_pages_seen(
        &self,
        scope: &Scope,
        site: SiteId,
        kind: LinkKind,
        wp_ids: &[i64],
        seen_at: DateTime<Utc>,
    ) -> Result<()> {
        let mut conn = self.db.conn().await?;
        for chunk in wp_ids.chunks(BATCH * 2) {
            let mut q = Query::update();
            q.table(self.t(T::LinkPages))
                .value("seen_at", seen_at.timestamp_millis())
                .and_where(Expr::col("kind").eq(kind.as_str()))
                .and_where(Expr::col("wp_id").is_in(chunk.iter().copied()));
            self.of_site(&mut q, scope, site);
            conn.execute(&q).await?;
        }
        Ok(())
    }

    async fn sweep_link_pages(
        &self,
        scope: &Scope,
        site: SiteId,
        kind: LinkKind,
        since: DateTime<Utc>,
    ) -> Result<u64> {
        let mut q = Query::delete();
        q.from_table(self.t(T::LinkPages))
            .and_where(Expr::col("kind").eq(kind.as_str()))
            .and_where(Expr::col("seen_at").lt(since.timestamp_millis()));
        self.of_site(&mut q, scope, site);
        self.db.conn().await?.execute(&q).await
    }

    async fn delete_link_page(
        &self,
        scope: &Scope,
        site: SiteId,
        kind: LinkKind,
        wp_id: i64,
    ) -> Result<bool> {
        scope.check_site(site)?;
        let mut q = Query::delete();
        q.from_table(self.t(T::LinkPages))
            .and_where(Expr::col("kind").eq(kind.as_str()))
            .and_where(Expr::col("wp_id").eq(wp_id));
        self.of_site(&mut q, scope, site);
        Ok(self.db.conn().await?.execute(&q).await? > 0)
    }

    async fn list_link_pages(
        &self,
        scope: &Scope,
        filter: &LinkPageFilter,
        page: &PageRequest,
    ) -> Result<Page<LinkPage>> {
        let table = self.t(T::LinkPages);
        let mut q = self.scoped::<LinkPage>(scope);
        narrow(&mut q, &table)
            .eq("site_id", filter.site_id)
            .eq("kind", filter.kind)
            .contains("title", &filter.search);
        let spec = SortSpec::new(
            "id",
            false,
            |x: &LinkPage| CursorValue::Int(x.id.get()),
            |x| x.id.get(),
        );
        self.list_page(q, table, &spec, page).await
    }

    async fn link_sync_marks(
        &self,
        scope: &Scope,
        site: SiteId,
        kind: LinkKind,
    ) -> Result<crate::store::SyncMarks> {
        let mut newest = Query::select();
        newest
            .expr(Func::max(Expr::col("modified_at")))
            .from(self.t(T::LinkPages))
            .and_where(Expr::col("kind").eq(kind.as_str()));
        self.of_site(&mut newest, scope, site);
        let mut synced = Query::select();
        synced
            .expr(Func::max(Expr::col("seen_at")))
            .from(self.t(T::LinkPages));
        self.of_site(&mut synced, scope, site);
        let mut conn = self.db.conn().await?;
        let newest: Option<i64> = conn.one(&newest).await?;
        let synced: Option<i64> = conn.one(&synced).await?;
        Ok((
            newest.map(crate::clock::from_millis),
            synced.map(crate::clock::from_millis),
        ))
    }

    async fn stale_link_sites(
        &self,
        before: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<(AccountId, SiteId)>> {
        let (s, a, l, j) = (
            self.t(T::Sites),
            self.t(T::Accounts),
            self.t(T::LinkPages),
            self.t(T::Jobs),
        );
        let at = before.timestamp_millis();
        let synced = Query::select()
            .expr(Expr::val(1i64))
            .from(l.clone())
            .and_where(Expr::col((l.clone(), "site_id")).equals((s.clone(), "id")))
            .and_where(Expr::col((l, "seen_at")).gte(at))
            .to_owned();
        let queued = Query::select()
            .expr(Expr::val(1i64))
            .from(j.clone())
            .and_where(Expr::col((j.clone(), "account_id")).equals((s.clone(), "account_id")))
            .and_where(Expr::col((j.clone(), "site_id")).equals((s.clone(), "id")))
            .and_where(Expr::col((j.clone(), "kind")).eq(crate::jobs::JobKind::SyncLinks.as_str()))
            .and_where(Expr::col((j, "created_at")).gte(at))
            .to_owned();
        let q = Query::select()
            .column((s.clone(), "account_id"))
            .column((s.clone(), "id"))
            .from(s.clone())
            .inner_join(
                a.clone(),
                Expr::col((a.clone(), "id")).equals((s.clone(), "account_id")),
            )
            .and_where(Expr::col((a, "status")).eq("active"))
            .and_where(Expr::col((s.clone(), "is_active")).eq(true))
            .and_where(Expr::col((s.clone(), "wp_url")).is_not_null())
            .and_where(Expr::exists(synced).not())
            .and_where(Expr::exists(queued).not())
            .order_by((s, "id"), sea_query::Order::Asc)
            .limit(limit)
            .to_owned();
        let rows: Vec<SiteRef> = self.db.conn().await?.all(&q).await?;
        Ok(rows.into_iter().map(|r| (r.account_id, r.id)).collect())
    }
}
