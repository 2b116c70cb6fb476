//! Clusters on SQL, with their aggregates computed from the keywords and ideas that point at them.

use sea_query::{Expr, ExprTrait, Query, SelectStatement};

use super::db::{Backend, DbRow, FromDbRow};
use super::list::{SortSpec, narrow};
use super::tenancy::unique;
use super::{SqlStore, T};
use crate::error::{Error, Result};
use crate::ids::*;
use crate::list::{CursorValue, Page, PageRequest};
use crate::planner::*;
use crate::store::ClusterStore;
use crate::tenancy::Scope;

row!(Cluster: ClusterId in Clusters, site_scoped {
    id, account_id, site_id, sector_id, name, description, status,
    keyword_count: derived, total_volume: derived, idea_count: derived,
    created_at, updated_at,
});

impl SqlStore {
    /// The SQL type a `CAST` to a 64-bit integer names on this backend.
    pub(crate) fn int_type(&self) -> &'static str {
        match self.backend() {
            Backend::Postgres => "BIGINT",
            Backend::MySql => "SIGNED",
            Backend::Sqlite => "INTEGER",
        }
    }

    /// The cluster select with its aggregates.
    fn cluster_select(&self, scope: &Scope) -> SelectStatement {
        let c = format!("{}clusters", self.prefix());
        let k = format!("{}keywords", self.prefix());
        let i = format!("{}content_ideas", self.prefix());
        let int = self.int_type();
        let mut q = self.scoped::<Cluster>(scope);
        q.expr_as(
            Expr::cust(format!("(SELECT COUNT(*) FROM {k} WHERE {k}.cluster_id = {c}.id)")),
            "keyword_count",
        )
        .expr_as(
            Expr::cust(format!(
                "(SELECT CAST(COALESCE(SUM({k}.volume), 0) AS {int}) FROM {k} WHERE {k}.cluster_id = {c}.id)"
            )),
            "total_volume",
        )
        .expr_as(
            Expr::cust(format!("(SELECT COUNT(*) FROM {i} WHERE {i}.cluster_id = {c}.id)")),
            "idea_count",
        );
        q
    }

    /// Inserts a cluster inside a transaction; its id.
    async fn insert_cluster(
        &self,
        tx: &mut super::db::Tx,
        scope: &Scope,
        site: SiteId,
        sector: SectorId,
        name: &str,
        description: Option<&str>,
    ) -> Result<ClusterId> {
        let now = self.now_ms();
        let q = Query::insert()
            .into_table(self.t(T::Clusters))
            .columns([
                "account_id",
                "site_id",
                "sector_id",
                "name",
                "description",
                "status",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                scope.account().get().into(),
                site.get().into(),
                sector.get().into(),
                name.into(),
                description.map(str::to_owned).into(),
                ClusterStatus::Active.as_str().into(),
                now.into(),
                now.into(),
            ])
            .to_owned();
        Ok(ClusterId(tx.insert(&q).await.map_err(unique(
            "a cluster with this name in the sector",
        ))?))
    }
}

fn cluster_sort(sort: &ClusterSort) -> SortSpec<Cluster> {
    use ClusterSortField as F;
    let id = |c: &Cluster| c.id.get();
    let d = sort.descending;
    match sort.field {
        F::Id => SortSpec::new("id", d, |c| CursorValue::Int(c.id.get()), id),
        F::Name => SortSpec::new("name", d, |c| CursorValue::Text(c.name.clone()), id),
        F::CreatedAt => SortSpec::new(
            "created_at",
            d,
            |c| CursorValue::Int(c.created_at.timestamp_millis()),
            id,
        ),
        F::UpdatedAt => SortSpec::new(
            "updated_at",
            d,
            |c| CursorValue::Int(c.updated_at.timestamp_millis()),
            id,
        ),
    }
}

impl ClusterStore for SqlStore {
    async fn create_cluster(&self, scope: &Scope, cluster: &NewCluster) -> Result<Cluster> {
        let site = self.sector_site(scope, cluster.sector_id).await?;
        let mut tx = self.db.begin().await?;
        let id = self
            .insert_cluster(
                &mut tx,
                scope,
                site,
                cluster.sector_id,
                &cluster.name,
                cluster.description.as_deref(),
            )
            .await?;
        tx.commit().await?;
        self.get_cluster(scope, id).await
    }

    async fn get_cluster(&self, scope: &Scope, id: ClusterId) -> Result<Cluster> {
        let mut q = self.cluster_select(scope);
        q.and_where(Expr::col((self.t(T::Clusters), "id")).eq(id.get()));
        self.db
            .conn()
            .await?
            .optional(&q)
            .await?
            .ok_or_else(|| id.not_found())
    }

    async fn list_clusters(
        &self,
        scope: &Scope,
        f: &ClusterFilter,
        sort: &ClusterSort,
        page: &PageRequest,
    ) -> Result<Page<Cluster>> {
        let t = self.t(T::Clusters);
        let mut q = self.cluster_select(scope);
        narrow(&mut q, &t)
            .eq("site_id", f.site_id)
            .eq("sector_id", f.sector_id)
            .eq("status", f.status);
        if let Some(has) = f.has_ideas {
            let i = format!("{}content_ideas", self.prefix());
            let c = format!("{}clusters", self.prefix());
            let exists = format!("EXISTS (SELECT 1 FROM {i} WHERE {i}.cluster_id = {c}.id)");
            q.and_where(if has {
                Expr::cust(exists)
            } else {
                Expr::cust(format!("NOT {exists}"))
            });
        }
        narrow(&mut q, &t)
            .contains("name", &f.search)
            .any("id", &f.ids);
        self.list_page(q, t.clone(), &cluster_sort(sort), page)
            .await
    }

    async fn update_clusters(
        &self,
        scope: &Scope,
        ids: &[ClusterId],
        patch: &ClusterPatch,
    ) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        if patch.name.is_some() && ids.len() > 1 {
            return Err(Error::field(
                "name",
                "can only be changed one cluster at a time",
            ));
        }
        let mut q = Query::update();
        q.table(self.t(T::Clusters))
            .value("updated_at", self.now_ms())
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("id").is_in(ids.iter().map(|i| i.get())));
        if let Some(site) = scope.site() {
            q.and_where(Expr::col("site_id").eq(site.get()));
        }
        if let Some(v) = &patch.name {
            q.value("name", v.clone());
        }
        if let Some(v) = &patch.description {
            q.value("description", v.clone());
        }
        if let Some(v) = patch.status {
            q.value("status", v.as_str());
        }
        self.db
            .conn()
            .await?
            .execute(&q)
            .await
            .map_err(unique("a cluster with this name in the sector"))
    }

    async fn delete_clusters(&self, scope: &Scope, ids: &[ClusterId]) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        let mut tx = self.db.begin().await?;
        // The keywords go back to pending (the foreign key would only clear cluster_id).
        let mut release = Query::update()
            .table(self.t(T::Keywords))
            .value("cluster_id", Option::<i64>::None)
            .value(
                "status",
                Expr::case(
                    Expr::col("status").eq(KeywordStatus::Archived.as_str()),
                    KeywordStatus::Archived.as_str(),
                )
                .finally(KeywordStatus::Pending.as_str()),
            )
            .value("updated_at", self.now_ms())
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("cluster_id").is_in(ids.iter().copied()))
            .to_owned();
        // A user restricted to one site leaves other sites' clusters as they are.
        if let Some(site) = scope.site() {
            release.and_where(Expr::col("site_id").eq(site.get()));
        }
        tx.execute(&release).await?;
        let mut del = Query::delete();
        del.from_table(self.t(T::Clusters))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("id").is_in(ids.iter().copied()));
        if let Some(site) = scope.site() {
            del.and_where(Expr::col("site_id").eq(site.get()));
        }
        let n = tx.execute(&del).await?;
        tx.execute(&self.touch(scope.account(), T::Keywords))
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn merge_clusters(
        &self,
        scope: &Scope,
        into: ClusterId,
        from: &[ClusterId],
    ) -> Result<MergeReport> {
        let from: Vec<i64> = from.iter().map(|i| i.get()).collect();
        let now = self.now_ms();
        let mut tx = self.db.begin().await?;
        let mut moved = [0u64; 3];
        for (n, table) in [T::Keywords, T::Ideas, T::Tasks].into_iter().enumerate() {
            let mut q = Query::update();
            q.table(self.t(table))
                .value("cluster_id", into.get())
                .value("updated_at", now)
                .and_where(Expr::col("account_id").eq(scope.account().get()))
                .and_where(Expr::col("cluster_id").is_in(from.iter().copied()));
            if let Some(site) = scope.site() {
                q.and_where(Expr::col("site_id").eq(site.get()));
            }
            moved[n] = tx.execute(&q).await?;
        }
        let mut del = Query::delete();
        del.from_table(self.t(T::Clusters))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("id").is_in(from.iter().copied()));
        if let Some(site) = scope.site() {
            del.and_where(Expr::col("site_id").eq(site.get()));
        }
        let merged = tx.execute(&del).await?;
        tx.execute(&self.touch(scope.account(), T::Keywords))
            .await?;
        tx.commit().await?;
        Ok(MergeReport {
            merged,
            keywords: moved[0],
            ideas: moved[1],
            tasks: moved[2],
        })
    }

    async fn apply_clustering(
        &self,
        scope: &Scope,
        sector: SectorId,
        assignments: &[ClusterAssignment],
    ) -> Result<Vec<(ClusterId, u64)>> {
        let site = self.sector_site(scope, sector).await?;
        let now = self.now_ms();
        let account = scope.account().get();
        let mut tx = self.db.begin().await?;
        self.lock_account(&mut tx, scope.account()).await?;

        // Existing targets must be clusters of this sector.
        let existing: Vec<i64> = assignments
            .iter()
            .filter_map(|a| match a.target {
                AssignmentTarget::Existing(id) => Some(id.get()),
                AssignmentTarget::New(_) => None,
            })
            .collect();
        let mut found = std::collections::HashSet::new();
        for chunk in existing.chunks(CHUNK) {
            let q = Query::select()
                .column("id")
                .from(self.t(T::Clusters))
                .and_where(Expr::col("account_id").eq(account))
                .and_where(Expr::col("sector_id").eq(sector.get()))
                .and_where(Expr::col("id").is_in(chunk.iter().copied()))
                .to_owned();
            found.extend(tx.all::<i64>(&q).await?);
        }
        if let Some(missing) = existing.iter().find(|id| !found.contains(*id)) {
            return Err(Error::field(
                "cluster_id",
                format!("cluster {missing} is not in sector {sector}"),
            ));
        }

        // New targets: join a cluster of that name if the sector has one, else create it.
        let names: Vec<String> = assignments
            .iter()
            .filter_map(|a| match &a.target {
                AssignmentTarget::New(name) => Some(name.clone()),
                AssignmentTarget::Existing(_) => None,
            })
            .collect();
        let mut by_name = self
            .cluster_ids_by_name(&mut tx, account, sector, &names)
            .await?;
        let missing: Vec<&String> = names.iter().filter(|n| !by_name.contains_key(*n)).collect();
        for chunk in missing.chunks(CHUNK / 4) {
            let mut q = Query::insert();
            q.into_table(self.t(T::Clusters)).columns([
                "account_id",
                "site_id",
                "sector_id",
                "name",
                "status",
                "created_at",
                "updated_at",
            ]);
            for name in chunk {
                q.values_panic([
                    account.into(),
                    site.get().into(),
                    sector.get().into(),
                    (*name).clone().into(),
                    ClusterStatus::Active.as_str().into(),
                    now.into(),
                    now.into(),
                ]);
            }
            tx.execute(&q)
                .await
                .map_err(unique("a cluster with this name in the sector"))?;
        }
        if !missing.is_empty() {
            by_name = self
                .cluster_ids_by_name(&mut tx, account, sector, &names)
                .await?;
        }

        // Each keyword to its cluster: only keywords still waiting (in the sector, in no
        // cluster, not archived) move; one statement per chunk.
        let mut targets = Vec::with_capacity(assignments.len());
        let mut pairs: Vec<(i64, i64)> = Vec::new();
        for a in assignments {
            let cluster = match &a.target {
                AssignmentTarget::Existing(id) => id.get(),
                AssignmentTarget::New(name) => *by_name
                    .get(name)
                    .ok_or_else(|| Error::Internal(format!("cluster {name:?} vanished")))?,
            };
            targets.push(cluster);
            pairs.extend(a.keyword_ids.iter().map(|k| (k.get(), cluster)));
        }
        let mut assigned: std::collections::HashMap<i64, u64> = std::collections::HashMap::new();
        for chunk in pairs.chunks(CHUNK) {
            let eligible_q = Query::select()
                .column("id")
                .from(self.t(T::Keywords))
                .and_where(Expr::col("id").is_in(chunk.iter().map(|(k, _)| *k)))
                .and_where(Expr::col("account_id").eq(account))
                .and_where(Expr::col("sector_id").eq(sector.get()))
                .and_where(Expr::col("cluster_id").is_null())
                .and_where(Expr::col("status").ne(KeywordStatus::Archived.as_str()))
                .to_owned();
            let eligible: std::collections::HashSet<i64> =
                tx.all::<i64>(&eligible_q).await?.into_iter().collect();
            let moving: Vec<(i64, i64)> = chunk
                .iter()
                .copied()
                .filter(|(k, _)| eligible.contains(k))
                .collect();
            let Some(((first_k, first_c), rest)) = moving.split_first() else {
                continue;
            };
            let mut case = Expr::case(Expr::col("id").eq(*first_k), *first_c);
            for (k, c) in rest {
                case = case.case(Expr::col("id").eq(*k), *c);
            }
            let update = Query::update()
                .table(self.t(T::Keywords))
                .value("cluster_id", case.finally(Option::<i64>::None))
                .value("status", KeywordStatus::Clustered.as_str())
                .value("updated_at", now)
                .and_where(Expr::col("id").is_in(moving.iter().map(|(k, _)| *k)))
                .and_where(Expr::col("account_id").eq(account))
                .to_owned();
            tx.execute(&update).await?;
            for (_, c) in moving {
                *assigned.entry(c).or_default() += 1;
            }
        }
        if !assigned.is_empty() {
            tx.execute(&self.touch(AccountId(account), T::Keywords))
                .await?;
        }
        tx.commit().await?;
        Ok(targets
            .into_iter()
            .map(|c| (ClusterId(c), assigned.get(&c).copied().unwrap_or(0)))
            .collect())
    }
}

/// Ids per statement in bulk cluster writes.
const CHUNK: usize = 1000;

impl SqlStore {
    async fn cluster_ids_by_name(
        &self,
        tx: &mut super::db::Tx,
        account: i64,
        sector: SectorId,
        names: &[String],
    ) -> Result<std::collections::HashMap<String, i64>> {
        let mut out = std::collections::HashMap::new();
        for chunk in names.chunks(CHUNK) {
            let q = Query::select()
                .columns(["id", "name"])
                .from(self.t(T::Clusters))
                .and_where(Expr::col("account_id").eq(account))
                .and_where(Expr::col("sector_id").eq(sector.get()))
                .and_where(Expr::col("name").is_in(chunk.iter().cloned()))
                .to_owned();
            for row in tx.all::<IdName>(&q).await? {
                out.insert(row.1, row.0);
            }
        }
        Ok(out)
    }
}

struct IdName(i64, String);

impl FromDbRow for IdName {
    fn from_row(r: &DbRow<'_>) -> Result<Self> {
        Ok(IdName(r.get("id")?, r.get("name")?))
    }
}
