//! Keywords on SQL.

use sea_query::{ConditionalStatement, Expr, ExprTrait, Order, Query, SelectStatement};

use super::db::{DbRow, FromDbRow};
use super::list::{SortSpec, narrow};
use super::tenancy::unique;
use super::{Backend, SqlStore, T};
use crate::error::{Error, PlanLimit, Result};
use crate::ids::*;
use crate::list::{CursorValue, Page, PageRequest};
use crate::planner::*;
use crate::store::KeywordStore;
use crate::tenancy::Scope;

row!(Keyword: KeywordId in Keywords, site_scoped {
    id, account_id, site_id, sector_id, keyword, volume, difficulty, cpc, intent, status,
    cluster_id, source, created_at, updated_at,
});

impl FromDbRow for ExportRow {
    fn from_row(r: &DbRow<'_>) -> Result<Self> {
        Ok(ExportRow {
            keyword: Keyword::from_row(r)?,
            cluster: r.get("cluster_name")?,
        })
    }
}

impl FromDbRow for UnclusteredKeyword {
    fn from_row(r: &DbRow<'_>) -> Result<Self> {
        Ok(UnclusteredKeyword {
            id: KeywordId(r.get("id")?),
            keyword: r.get("keyword")?,
            volume: r.get::<Option<i64>>("volume")?.unwrap_or(0),
        })
    }
}

/// Refuses a bulk change that reached another number of keywords than the person saw (the
/// caller's transaction then rolls back, so nothing changes).
fn check_expected(n: u64, expected: Option<u64>) -> Result<()> {
    match expected {
        Some(e) if e != n => Err(Error::Conflict(format!(
            "{n} keywords match now, not the {e} you saw: the list changed meanwhile. Look at it again and repeat the action."
        ))),
        _ => Ok(()),
    }
}

impl SqlStore {
    /// Adds the keyword filter's conditions to `q` (columns qualified with the keyword table).
    fn keyword_filter<Q: ConditionalStatement>(&self, q: &mut Q, f: &KeywordFilter) {
        let t = self.t(T::Keywords);
        narrow(q, &t)
            .eq("site_id", f.site_id)
            .eq("sector_id", f.sector_id)
            .eq("status", f.status)
            .eq("intent", f.intent)
            .eq("cluster_id", f.cluster_id)
            .present("cluster_id", f.has_cluster)
            .at_least("volume", f.min_volume)
            .at_most("volume", f.max_volume)
            .at_least("difficulty", f.min_difficulty)
            .at_most("difficulty", f.max_difficulty)
            .normalized_contains("normalized", &f.search)
            .any("id", &f.ids);
    }

    /// How many keywords match `f`, read from the counts the keyword triggers keep per sector,
    /// status and intent (SQLite and PostgreSQL; MySQL keeps none) — when `f` narrows by
    /// nothing else. `None` when the keywords must be counted.
    fn kept_keyword_total(
        &self,
        scope: &Scope,
        f: &KeywordFilter,
    ) -> Option<sea_query::SelectStatement> {
        let other = KeywordFilter {
            site_id: None,
            sector_id: None,
            status: None,
            intent: None,
            ..f.clone()
        };
        if self.backend() == Backend::MySql || other != KeywordFilter::default() {
            return None;
        }
        let int = self.int_type();
        let t = self.t(T::KeywordStats);
        let mut q = Query::select();
        q.expr(Expr::cust(format!("CAST(COALESCE(SUM(n), 0) AS {int})")))
            .from(t.clone())
            .and_where(Expr::col("account_id").eq(scope.account().get()));
        if let Some(site) = scope.site() {
            q.and_where(Expr::col("site_id").eq(site.get()));
        }
        narrow(&mut q, &t)
            .eq("site_id", f.site_id)
            .eq("sector_id", f.sector_id)
            .eq("status", f.status)
            .eq("intent", f.intent);
        Some(q)
    }

    /// Checks that a sector belongs to the scope; its site.
    pub(crate) async fn sector_site(&self, scope: &Scope, sector: SectorId) -> Result<SiteId> {
        let mut q = Query::select();
        q.column("site_id")
            .from(self.t(T::Sectors))
            .and_where(Expr::col("id").eq(sector.get()))
            .and_where(Expr::col("account_id").eq(scope.account().get()));
        if let Some(site) = scope.site() {
            q.and_where(Expr::col("site_id").eq(site.get()));
        }
        let site: Option<i64> = self.db.conn().await?.optional(&q).await?;
        site.map(SiteId).ok_or_else(|| sector.not_found())
    }

    /// Checks that a cluster belongs to the scope and to `sector`.
    pub(crate) async fn check_cluster_in_sector(
        &self,
        scope: &Scope,
        cluster: ClusterId,
        sector: Option<SectorId>,
    ) -> Result<SectorId> {
        let mut q = Query::select()
            .column("sector_id")
            .from(self.t(T::Clusters))
            .and_where(Expr::col("id").eq(cluster.get()))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .to_owned();
        // Another site's cluster is "not found" for a user restricted to one site, as it is
        // everywhere else (not "in another sector", which would say it exists).
        if let Some(site) = scope.site() {
            q.and_where(Expr::col("site_id").eq(site.get()));
        }
        let found: Option<i64> = self.db.conn().await?.optional(&q).await?;
        match found.map(SectorId) {
            None => Err(Error::field(
                "cluster_id",
                format!("cluster {cluster} not found"),
            )),
            Some(s) if sector.is_some_and(|want| want != s) => Err(Error::field(
                "cluster_id",
                format!("cluster {cluster} belongs to another sector"),
            )),
            Some(s) => Ok(s),
        }
    }
}

fn keyword_sort(sort: &KeywordSort) -> SortSpec<Keyword> {
    use KeywordSortField as F;
    let id = |k: &Keyword| k.id.get();
    let d = sort.descending;
    match sort.field {
        F::Id => SortSpec::new("id", d, |k| CursorValue::Int(k.id.get()), id),
        F::Keyword => SortSpec::new(
            "normalized",
            d,
            |k| CursorValue::Text(k.keyword.to_lowercase()),
            id,
        ),
        F::Volume => SortSpec::new(
            "volume",
            d,
            |k| k.volume.map_or(CursorValue::Null, CursorValue::Int),
            id,
        )
        .nullable(),
        F::Difficulty => SortSpec::new(
            "difficulty",
            d,
            |k| k.difficulty.map_or(CursorValue::Null, CursorValue::Int),
            id,
        )
        .nullable(),
        F::Cpc => SortSpec::new(
            "cpc",
            d,
            |k| k.cpc.map_or(CursorValue::Null, CursorValue::Float),
            id,
        )
        .nullable(),
        F::CreatedAt => SortSpec::new(
            "created_at",
            d,
            |k| CursorValue::Int(k.created_at.timestamp_millis()),
            id,
        ),
        F::UpdatedAt => SortSpec::new(
            "updated_at",
            d,
            |k| CursorValue::Int(k.updated_at.timestamp_millis()),
            id,
        ),
    }
    .keyed(sort)
}

impl<E> SortSpec<E> {
    /// Uses the public field name (`keyword`, not the `normalized` column) as the cursor key.
    fn keyed(mut self, sort: &KeywordSort) -> Self {
        self.key = format!("{}{}", if sort.descending { "-" } else { "" }, sort.field);
        self
    }
}

impl KeywordStore for SqlStore {
    async fn create_keyword(
        &self,
        scope: &Scope,
        sector: SectorId,
        kw: &ValidKeyword,
        source: KeywordSource,
    ) -> Result<Keyword> {
        let site = self.sector_site(scope, sector).await?;
        let now = self.now_ms();
        let mut tx = self.db.begin().await?;
        let plan = self.lock_account_plan(&mut tx, scope.account()).await?;
        if plan.limits.max_keywords.is_some() {
            let count = self
                .count_where(
                    &mut tx,
                    T::Keywords,
                    Expr::col("account_id").eq(scope.account().get()),
                )
                .await?;
            Self::check_limit(&plan, PlanLimit::Keywords, count, 1)?;
        }
        let q = Query::insert()
            .into_table(self.t(T::Keywords))
            .columns([
                "account_id",
                "site_id",
                "sector_id",
                "keyword",
                "normalized",
                "volume",
                "difficulty",
                "cpc",
                "intent",
                "status",
                "source",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                scope.account().get().into(),
                site.get().into(),
                sector.get().into(),
                kw.keyword.clone().into(),
                kw.normalized.clone().into(),
                kw.metrics.volume.into(),
                kw.metrics.difficulty.into(),
                kw.metrics.cpc.into(),
                kw.metrics.intent.map(|i| i.as_str()).into(),
                KeywordStatus::Pending.as_str().into(),
                source.as_str().into(),
                now.into(),
                now.into(),
            ])
            .to_owned();
        let id = tx
            .insert(&q)
            .await
            .map_err(unique("this keyword in the sector"))?;
        tx.execute(&self.touch(scope.account(), T::Keywords))
            .await?;
        tx.commit().await?;
        self.get_keyword(scope, KeywordId(id)).await
    }

    async fn get_keyword(&self, scope: &Scope, id: KeywordId) -> Result<Keyword> {
        self.fetch_scoped(scope, id.get()).await
    }

    async fn list_keywords(
        &self,
        scope: &Scope,
        filter: &KeywordFilter,
        sort: &KeywordSort,
        page: &PageRequest,
    ) -> Result<Page<Keyword>> {
        let mut q = self.scoped::<Keyword>(scope);
        self.keyword_filter(&mut q, filter);
        if page.with_total
            && let Some(kept) = self.kept_keyword_total(scope, filter)
        {
            // The total the keyword triggers keep (a few rows), not a count of every keyword.
            let rows = PageRequest {
                with_total: false,
                ..page.clone()
            };
            let mut found = self
                .list_page_with(q, self.t(T::Keywords), &keyword_sort(sort), &rows, None)
                .await?;
            let total: i64 = self.db.conn().await?.one(&kept).await?;
            found.total = Some(Ord::max(total, 0) as u64);
            return Ok(found);
        }
        let counted = Some((scope.account(), T::Keywords));
        self.list_page_with(q, self.t(T::Keywords), &keyword_sort(sort), page, counted)
            .await
    }

    async fn update_keywords(
        &self,
        scope: &Scope,
        selection: &KeywordFilter,
        p: &ValidKeywordPatch,
        expected: Option<u64>,
    ) -> Result<u64> {
        if selection.ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok(0);
        }
        if p.keyword.is_some() && selection.ids.as_ref().is_none_or(|ids| ids.len() != 1) {
            return Err(Error::field(
                "keyword",
                "can only be changed one keyword at a time",
            ));
        }
        if let Some(Some(cluster)) = p.cluster_id {
            // The cluster must be the account's, and in the keywords' sector.
            let cluster_sector = self.check_cluster_in_sector(scope, cluster, None).await?;
            let mut other = self.scoped::<Keyword>(scope);
            other
                .clear_selects()
                .expr(Expr::col(sea_query::Asterisk).count())
                .and_where(Expr::col("sector_id").ne(cluster_sector.get()));
            self.keyword_filter(&mut other, selection);
            let foreign: i64 = self.db.conn().await?.one(&other).await?;
            if foreign > 0 {
                return Err(Error::field(
                    "cluster_id",
                    format!("cluster {cluster} belongs to another sector than these keywords"),
                ));
            }
        }
        let mut q = Query::update();
        q.table(self.t(T::Keywords))
            .value("updated_at", self.now_ms())
            .and_where(Expr::col("account_id").eq(scope.account().get()));
        if let Some(site) = scope.site() {
            q.and_where(Expr::col("site_id").eq(site.get()));
        }
        self.keyword_filter(&mut q, selection);
        if let Some((text, normalized)) = &p.keyword {
            q.value("keyword", text.clone())
                .value("normalized", normalized.clone());
        }
        if let Some(v) = p.volume {
            q.value("volume", v);
        }
        if let Some(v) = p.difficulty {
            q.value("difficulty", v);
        }
        if let Some(v) = p.cpc {
            q.value("cpc", v);
        }
        if let Some(v) = p.intent {
            q.value("intent", v.map(|i| i.as_str()));
        }
        if let Some(cluster) = p.cluster_id {
            q.value("cluster_id", cluster.map(|c| c.get()));
        }
        // The status follows the archive flag and the cluster.
        let clustered = match p.cluster_id {
            Some(Some(_)) => Expr::val(KeywordStatus::Clustered.as_str()),
            Some(None) => Expr::val(KeywordStatus::Pending.as_str()),
            None => Expr::case(
                Expr::col("cluster_id").is_not_null(),
                KeywordStatus::Clustered.as_str(),
            )
            .finally(KeywordStatus::Pending.as_str())
            .into(),
        };
        match p.archive {
            Some(true) => {
                q.value("status", KeywordStatus::Archived.as_str());
            }
            Some(false) => {
                q.value("status", clustered);
            }
            None if p.cluster_id.is_some() => {
                // A cluster change moves a keyword unless it is archived.
                q.value(
                    "status",
                    Expr::case(
                        Expr::col("status").eq(KeywordStatus::Archived.as_str()),
                        KeywordStatus::Archived.as_str(),
                    )
                    .finally(clustered),
                );
            }
            None => {}
        }
        let mut tx = self.db.begin().await?;
        // Rows matched, on every backend (sqlx asks MySQL for found rows, not changed ones).
        let n = tx
            .execute(&q)
            .await
            .map_err(unique("this keyword in the sector"))?;
        check_expected(n, expected)?;
        if n > 0 {
            tx.execute(&self.touch(scope.account(), T::Keywords))
                .await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    async fn delete_keywords(
        &self,
        scope: &Scope,
        selection: &KeywordFilter,
        expected: Option<u64>,
    ) -> Result<u64> {
        if selection.ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok(0);
        }
        let mut q = Query::delete();
        q.from_table(self.t(T::Keywords))
            .and_where(Expr::col("account_id").eq(scope.account().get()));
        if let Some(site) = scope.site() {
            q.and_where(Expr::col("site_id").eq(site.get()));
        }
        self.keyword_filter(&mut q, selection);
        let mut tx = self.db.begin().await?;
        let n = tx.execute(&q).await?;
        check_expected(n, expected)?;
        if n > 0 {
            tx.execute(&self.touch(scope.account(), T::Keywords))
                .await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    async fn import_keywords(
        &self,
        scope: &Scope,
        sector: SectorId,
        batches: tokio::sync::mpsc::Receiver<Result<ImportBatch>>,
    ) -> Result<ImportTotals> {
        self.import(scope, sector, batches).await
    }

    async fn export_keywords(
        &self,
        scope: &Scope,
        filter: &KeywordFilter,
        after: Option<KeywordId>,
        limit: u64,
    ) -> Result<Vec<ExportRow>> {
        let k = self.t(T::Keywords);
        let c = self.t(T::Clusters);
        let mut q = self.scoped::<Keyword>(scope);
        q.expr_as(Expr::col((c.clone(), "name")), "cluster_name")
            .left_join(
                c.clone(),
                Expr::col((c.clone(), "id")).equals((k.clone(), "cluster_id")),
            );
        self.keyword_filter(&mut q, filter);
        if let Some(after) = after {
            q.and_where(Expr::col((k.clone(), "id")).gt(after.get()));
        }
        q.order_by((k, "id"), Order::Asc).limit(limit);
        self.db.conn().await?.all(&q).await
    }

    async fn pipeline_counts(
        &self,
        scope: &Scope,
        f: &crate::planner::DashboardFilter,
    ) -> Result<crate::planner::PipelineCounts> {
        let int = self.int_type();
        let narrow = |q: &mut SelectStatement, sector_column: bool| {
            q.and_where(Expr::col("account_id").eq(scope.account().get()));
            // The filter's site and the scope's restriction both apply (a filter can't widen
            // a restricted scope, whatever the service checked).
            for s in [f.site_id, scope.site()].into_iter().flatten() {
                q.and_where(Expr::col("site_id").eq(s.get()));
            }
            if sector_column && let Some(s) = f.sector_id {
                q.and_where(Expr::col("sector_id").eq(s.get()));
            }
        };
        let mut groups = Query::select();
        groups
            .column("status")
            .column("intent")
            .expr_as(Expr::cust(format!("CAST(COUNT(*) AS {int})")), "n")
            .expr_as(
                Expr::cust(format!("CAST(COALESCE(SUM(volume), 0) AS {int})")),
                "v",
            )
            .from(self.t(T::Keywords))
            .group_by_col("status")
            .group_by_col("intent");
        narrow(&mut groups, true);
        let count = |table: T| {
            let mut q = Query::select();
            q.expr(Expr::cust(format!("CAST(COUNT(*) AS {int})")))
                .from(self.t(table));
            narrow(&mut q, true);
            q
        };
        let mut with_ideas = Query::select();
        with_ideas
            .expr(Expr::cust(format!(
                "CAST(COUNT(DISTINCT cluster_id) AS {int})"
            )))
            .from(self.t(T::Ideas))
            .and_where(Expr::col("cluster_id").is_not_null());
        narrow(&mut with_ideas, true);
        let mut content = Query::select();
        content
            .column("status")
            .expr_as(Expr::cust(format!("CAST(COUNT(*) AS {int})")), "n")
            .from(self.t(T::Contents))
            .group_by_col("status");
        narrow(&mut content, true);

        let mut conn = self.db.conn().await?;
        let keyword_groups = if self.backend() == Backend::MySql {
            // No trigger-kept counts on MySQL (schema v5): group, and keep the result until
            // the keywords change.
            self.cached_keyword_groups(&mut conn, scope.account(), &groups)
                .await?
        } else {
            // The counts the keyword triggers keep: a few rows per sector.
            let mut kept = Query::select();
            kept.column("status")
                .expr_as(Expr::cust("NULLIF(intent, '')"), "intent")
                .expr_as(Expr::cust(format!("CAST(SUM(n) AS {int})")), "n")
                .expr_as(Expr::cust(format!("CAST(SUM(volume) AS {int})")), "v")
                .from(self.t(T::KeywordStats))
                .and_where(Expr::col("n").gt(0))
                .group_by_col("status")
                .group_by_col("intent");
            narrow(&mut kept, true);
            let rows: Vec<super::counts::GroupRow> = conn.all(&kept).await?;
            std::sync::Arc::new(rows.into_iter().map(|r| r.0).collect())
        };
        let clusters: i64 = conn.one(&count(T::Clusters)).await?;
        let clusters_with_ideas: i64 = conn.one(&with_ideas).await?;
        let ideas: i64 = conn.one(&count(T::Ideas)).await?;
        let tasks: i64 = conn.one(&count(T::Tasks)).await?;
        let by_status: Vec<StatusCount> = conn.all(&content).await?;
        Ok(crate::planner::PipelineCounts {
            keyword_groups: keyword_groups.as_ref().clone(),
            clusters: Ord::max(clusters, 0) as u64,
            clusters_with_ideas: Ord::max(clusters_with_ideas, 0) as u64,
            ideas: Ord::max(ideas, 0) as u64,
            tasks: Ord::max(tasks, 0) as u64,
            content_by_status: by_status.into_iter().map(|s| (s.0, s.1)).collect(),
        })
    }

    async fn unclustered_keywords(
        &self,
        scope: &Scope,
        sector: SectorId,
    ) -> Result<Vec<UnclusteredKeyword>> {
        self.sector_site(scope, sector).await?;
        let q = Query::select()
            .columns(["id", "keyword", "volume"])
            .from(self.t(T::Keywords))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("sector_id").eq(sector.get()))
            .and_where(Expr::col("cluster_id").is_null())
            .and_where(Expr::col("status").ne(KeywordStatus::Archived.as_str()))
            .order_by("id", Order::Asc)
            .to_owned();
        self.db.conn().await?.all(&q).await
    }
}

/// A status and its count.
struct StatusCount(String, u64);

impl super::db::FromDbRow for StatusCount {
    fn from_row(r: &super::db::DbRow<'_>) -> Result<Self> {
        let n: i64 = r.get("n")?;
        Ok(StatusCount(r.get("status")?, Ord::max(n, 0) as u64))
    }
}
