//! The bulk path of keyword imports.
//!
//! Every backend stages the file's valid rows in a temporary table first — with `COPY` on
//! PostgreSQL, multi-row inserts elsewhere — and then merges the stage into the keywords with
//! one `INSERT … SELECT … ORDER BY normalized` upsert. Inserting in key order keeps the unique
//! index's writes sequential, which is what makes a million-row import fast; staging keeps the
//! process's memory flat (the rows wait in the database, not in memory) and lets the plan's
//! keyword limit be applied to exactly the keywords that are new.
//!
//! Merge rule: the first occurrence of a keyword (in the sector, or in the file) keeps its text;
//! later occurrences update volume, difficulty, CPC and intent where they have a value.

use sea_query::{Expr, ExprTrait, Query};
use sqlx::AssertSqlSafe;
use tokio::sync::mpsc::Receiver;

use super::db::{Backend, Tx};
use super::{SqlStore, T};
use crate::error::{Error, PlanLimit, Result};
use crate::ids::{AccountId, SectorId, SiteId};
use crate::planner::{ImportBatch, ImportTotals, KeywordSource, KeywordStatus, RowIssue};
use crate::tenancy::{Plan, Scope};

/// Rows per staging INSERT (7 parameters each: well under every backend's limit).
const ROWS_PER_STATEMENT: usize = 1000;
/// New keywords after which an import refreshes the table's statistics.
const ANALYZE_AFTER: u64 = 10_000;
/// Bytes of rows per `COPY` on PostgreSQL.
const COPY_BYTES: usize = 4 * 1024 * 1024;
/// The staging table (temporary, per connection).
const STAGE: &str = "igny8_import_stage";

fn limit_issue(plan: &Plan, line: u64) -> RowIssue {
    let max = plan.limits.max_keywords.unwrap_or_default();
    RowIssue {
        line,
        message: Error::LimitReached {
            limit: PlanLimit::Keywords,
            max,
            plan: plan.name.clone(),
        }
        .to_string(),
    }
}

struct Target {
    account: AccountId,
    site: SiteId,
    sector: SectorId,
    now: i64,
}

struct NewKey {
    normalized: String,
}

impl super::db::FromDbRow for NewKey {
    fn from_row(row: &super::db::DbRow<'_>) -> Result<Self> {
        Ok(NewKey {
            normalized: row.get("normalized")?,
        })
    }
}

impl SqlStore {
    pub(crate) async fn import(
        &self,
        scope: &Scope,
        sector: SectorId,
        batches: Receiver<Result<ImportBatch>>,
    ) -> Result<ImportTotals> {
        let site = self.sector_site(scope, sector).await?;
        let target = Target {
            account: scope.account(),
            site,
            sector,
            now: self.now_ms(),
        };
        let mut tx = self.db.begin().await?;
        let plan = self.lock_account_plan(&mut tx, scope.account()).await?;
        let capacity = match plan.limits.max_keywords {
            Some(max) => {
                let count = self
                    .count_where(
                        &mut tx,
                        T::Keywords,
                        Expr::col("account_id").eq(scope.account().get()),
                    )
                    .await?;
                Some(std::cmp::max(max - count, 0))
            }
            None => None,
        };
        self.create_stage(&mut tx).await?;
        let mut staged = self.fill_stage(&mut tx, batches).await?;
        let mut totals = ImportTotals::default();
        if staged > 0 {
            if let Some(capacity) = capacity {
                totals.rejected = self.limit_stage(&mut tx, &target, &plan, capacity).await?;
                staged -= totals.rejected.len() as u64;
            }
            // New keywords = the sector's keywords after the merge minus before (the account
            // is locked, so nobody else writes into the sector meanwhile).
            let before = self.sector_count(&mut tx, &target).await?;
            self.merge_stage(&mut tx, &target).await?;
            totals.imported = self
                .sector_count(&mut tx, &target)
                .await?
                .saturating_sub(before);
            totals.merged = staged - totals.imported;
        }
        if self.backend() == Backend::MySql {
            tx.raw(format!("DROP TEMPORARY TABLE IF EXISTS {STAGE}"))
                .await?;
        }
        if staged > 0 {
            tx.execute(&self.touch(scope.account(), T::Keywords))
                .await?;
        }
        tx.commit().await?;
        if totals.imported >= ANALYZE_AFTER {
            // Fresh statistics, so the planner keeps choosing the right index for lists.
            self.analyze(T::Keywords).await;
        }
        Ok(totals)
    }

    /// Refreshes the planner's statistics of a table (a failure is logged, not returned).
    pub(crate) async fn analyze(&self, table: T) {
        let name = format!("{}{}", self.prefix(), table.name());
        let sql = match self.backend() {
            Backend::Sqlite => format!("PRAGMA analysis_limit = 1000; ANALYZE {name}"),
            // VACUUM also sets the visibility map, so counts and deep pages can read the
            // index alone.
            Backend::Postgres => format!("VACUUM (ANALYZE) {name}"),
            Backend::MySql => format!("ANALYZE TABLE {name}"),
        };
        let outcome = async { self.db.conn().await?.raw(sql).await }.await;
        if let Err(e) = outcome {
            tracing::warn!(table = %name, error = %e, "could not refresh table statistics");
        }
    }

    async fn create_stage(&self, tx: &mut Tx) -> Result<()> {
        let (drop, create) = match self.backend() {
            Backend::Postgres => (
                format!("DROP TABLE IF EXISTS pg_temp.{STAGE}"),
                format!(
                    "CREATE TEMPORARY TABLE {STAGE} (line BIGINT NOT NULL, keyword TEXT NOT NULL, \
                     normalized TEXT COLLATE \"C\" NOT NULL, volume BIGINT, difficulty BIGINT, cpc DOUBLE PRECISION, \
                     intent TEXT) ON COMMIT DROP"
                ),
            ),
            Backend::MySql => (
                format!("DROP TEMPORARY TABLE IF EXISTS {STAGE}"),
                format!(
                    "CREATE TEMPORARY TABLE {STAGE} (line BIGINT NOT NULL, keyword VARCHAR(255) NOT NULL, \
                     normalized VARCHAR(320) NOT NULL, volume BIGINT, difficulty BIGINT, cpc DOUBLE, intent VARCHAR(16)) \
                     ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
                ),
            ),
            Backend::Sqlite => (
                format!("DROP TABLE IF EXISTS temp.{STAGE}"),
                format!(
                    "CREATE TEMP TABLE {STAGE} (line INTEGER NOT NULL, keyword TEXT NOT NULL, normalized TEXT NOT NULL, \
                     volume INTEGER, difficulty INTEGER, cpc REAL, intent TEXT)"
                ),
            ),
        };
        tx.raw(drop).await?;
        tx.raw(create).await
    }

    /// Writes every batch into the stage; the number of rows staged.
    async fn fill_stage(
        &self,
        tx: &mut Tx,
        mut batches: Receiver<Result<ImportBatch>>,
    ) -> Result<u64> {
        let mut staged = 0;
        let mut copy_buffer = String::new();
        while let Some(batch) = batches.recv().await {
            let batch = batch?;
            staged += batch.records.len() as u64;
            if let Tx::Postgres(pg) = tx {
                for r in &batch.records {
                    let m = &r.keyword.metrics;
                    use std::fmt::Write as _;
                    let _ = writeln!(
                        copy_buffer,
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        r.line,
                        copy_text(&r.keyword.keyword),
                        copy_text(&r.keyword.normalized),
                        m.volume.map_or("\\N".to_owned(), |v| v.to_string()),
                        m.difficulty.map_or("\\N".to_owned(), |v| v.to_string()),
                        m.cpc.map_or("\\N".to_owned(), |v| v.to_string()),
                        m.intent.map_or("\\N", |i| i.as_str()),
                    );
                }
                // Few large COPYs: each one costs round trips.
                if copy_buffer.len() >= COPY_BYTES {
                    copy_stage(pg, &copy_buffer).await?;
                    copy_buffer.clear();
                }
                continue;
            }
            for chunk in batch.records.chunks(ROWS_PER_STATEMENT) {
                let mut q = Query::insert();
                q.into_table(sea_query::DynIden::from(STAGE)).columns([
                    "line",
                    "keyword",
                    "normalized",
                    "volume",
                    "difficulty",
                    "cpc",
                    "intent",
                ]);
                for r in chunk {
                    let m = &r.keyword.metrics;
                    q.values_panic([
                        (r.line as i64).into(),
                        r.keyword.keyword.as_str().into(),
                        r.keyword.normalized.as_str().into(),
                        m.volume.into(),
                        m.difficulty.into(),
                        m.cpc.into(),
                        m.intent.map(|i| i.as_str()).into(),
                    ]);
                }
                tx.execute(&q).await?;
            }
        }
        if let Tx::Postgres(pg) = tx
            && !copy_buffer.is_empty()
        {
            copy_stage(pg, &copy_buffer).await?;
        }
        Ok(staged)
    }

    /// `NOT EXISTS` a stored keyword of the sector with the staged row's key.
    fn not_stored(&self, target: &Target) -> sea_query::SimpleExpr {
        let stored = Query::select()
            .expr(Expr::val(1i64))
            .from(self.t(T::Keywords))
            .and_where(Expr::col((self.t(T::Keywords), "sector_id")).eq(target.sector.get()))
            .and_where(
                Expr::col((self.t(T::Keywords), "normalized"))
                    .equals((sea_query::DynIden::from(STAGE), "normalized")),
            )
            .to_owned();
        Expr::exists(stored).not()
    }

    /// Drops the staged rows of new keywords past the plan's limit (in file order); their lines.
    async fn limit_stage(
        &self,
        tx: &mut Tx,
        target: &Target,
        plan: &Plan,
        capacity: i64,
    ) -> Result<Vec<RowIssue>> {
        let new: Vec<NewKey> = tx
            .all(
                &Query::select()
                    .column("normalized")
                    .from(sea_query::DynIden::from(STAGE))
                    .and_where(self.not_stored(target))
                    .group_by_col("normalized")
                    .order_by_expr(Expr::cust("MIN(line)"), sea_query::Order::Asc)
                    .to_owned(),
            )
            .await?;
        let over: Vec<String> = new
            .into_iter()
            .skip(capacity as usize)
            .map(|k| k.normalized)
            .collect();
        let mut lines: Vec<i64> = Vec::new();
        for chunk in over.chunks(ROWS_PER_STATEMENT) {
            let pick = Query::select()
                .column("line")
                .from(sea_query::DynIden::from(STAGE))
                .and_where(Expr::col("normalized").is_in(chunk.iter().cloned()))
                .to_owned();
            lines.extend(tx.all::<i64>(&pick).await?);
            let delete = Query::delete()
                .from_table(sea_query::DynIden::from(STAGE))
                .and_where(Expr::col("normalized").is_in(chunk.iter().cloned()))
                .to_owned();
            tx.execute(&delete).await?;
        }
        lines.sort_unstable();
        Ok(lines
            .into_iter()
            .map(|l| limit_issue(plan, l as u64))
            .collect())
    }

    /// Keywords in the sector.
    async fn sector_count(&self, tx: &mut Tx, target: &Target) -> Result<u64> {
        let n = self
            .count_where(
                tx,
                T::Keywords,
                Expr::col("sector_id").eq(target.sector.get()),
            )
            .await?;
        Ok(std::cmp::max(n, 0) as u64)
    }

    /// Upserts the stage into the keywords, in key order.
    async fn merge_stage(&self, tx: &mut Tx, target: &Target) -> Result<()> {
        let keywords = format!("{}keywords", self.prefix());
        let columns = "account_id, site_id, sector_id, keyword, normalized, volume, difficulty, cpc, intent, status, source, \
                       created_at, updated_at";
        let fixed = "?, ?, ?";
        let sql = match self.backend() {
            // One statement may not update a row twice on PostgreSQL: duplicates of the file are
            // folded first (latest known value wins), then inserted in key order.
            Backend::Postgres => format!(
                "INSERT INTO {keywords} AS k ({columns}) \
                 SELECT $1, $2, $3, keyword, normalized, volume, difficulty, cpc, intent, $4, $5, $6, $7 FROM ( \
                   SELECT normalized, \
                     (array_agg(keyword ORDER BY line))[1] AS keyword, \
                     (array_agg(volume ORDER BY line DESC) FILTER (WHERE volume IS NOT NULL))[1] AS volume, \
                     (array_agg(difficulty ORDER BY line DESC) FILTER (WHERE difficulty IS NOT NULL))[1] AS difficulty, \
                     (array_agg(cpc ORDER BY line DESC) FILTER (WHERE cpc IS NOT NULL))[1] AS cpc, \
                     (array_agg(intent ORDER BY line DESC) FILTER (WHERE intent IS NOT NULL))[1] AS intent \
                   FROM {STAGE} GROUP BY normalized) s \
                 ORDER BY normalized \
                 ON CONFLICT (sector_id, normalized) DO UPDATE SET \
                   volume = COALESCE(EXCLUDED.volume, k.volume), difficulty = COALESCE(EXCLUDED.difficulty, k.difficulty), \
                   cpc = COALESCE(EXCLUDED.cpc, k.cpc), intent = COALESCE(EXCLUDED.intent, k.intent), \
                   updated_at = EXCLUDED.updated_at"
            ),
            // Rows are upserted one after another in (key, line) order, so a later duplicate
            // merges into the earlier one exactly as into a stored keyword.
            Backend::Sqlite => format!(
                "INSERT INTO {keywords} ({columns}) \
                 SELECT {fixed}, keyword, normalized, volume, difficulty, cpc, intent, ?, ?, ?, ? FROM {STAGE} \
                 WHERE true ORDER BY normalized, line \
                 ON CONFLICT (sector_id, normalized) DO UPDATE SET \
                   volume = COALESCE(excluded.volume, {keywords}.volume), \
                   difficulty = COALESCE(excluded.difficulty, {keywords}.difficulty), \
                   cpc = COALESCE(excluded.cpc, {keywords}.cpc), intent = COALESCE(excluded.intent, {keywords}.intent), \
                   updated_at = excluded.updated_at"
            ),
            Backend::MySql => format!(
                "INSERT INTO {keywords} ({columns}) \
                 SELECT {fixed}, keyword, normalized, volume, difficulty, cpc, intent, ?, ?, ?, ? FROM {STAGE} \
                 ORDER BY normalized, line \
                 ON DUPLICATE KEY UPDATE \
                   volume = COALESCE(VALUES(volume), {keywords}.volume), \
                   difficulty = COALESCE(VALUES(difficulty), {keywords}.difficulty), \
                   cpc = COALESCE(VALUES(cpc), {keywords}.cpc), intent = COALESCE(VALUES(intent), {keywords}.intent), \
                   updated_at = VALUES(updated_at)"
            ),
        };
        let (status, source) = (
            KeywordStatus::Pending.as_str(),
            KeywordSource::Import.as_str(),
        );
        macro_rules! merge {
            ($conn:expr) => {
                sqlx::query(AssertSqlSafe(sql))
                    .bind(target.account.get())
                    .bind(target.site.get())
                    .bind(target.sector.get())
                    .bind(status)
                    .bind(source)
                    .bind(target.now)
                    .bind(target.now)
                    .execute($conn)
                    .await
                    .map(|_| ())?
            };
        }
        match tx {
            Tx::Postgres(t) => merge!(&mut **t),
            Tx::Sqlite(t) => merge!(&mut **t),
            Tx::MySql(t) => merge!(&mut **t),
        };
        Ok(())
    }
}

/// Sends rows in `COPY` text format into the stage.
async fn copy_stage(pg: &mut sqlx::Transaction<'static, sqlx::Postgres>, rows: &str) -> Result<()> {
    let conn: &mut sqlx::PgConnection = pg;
    let mut copy = conn
        .copy_in_raw(&format!(
            "COPY {STAGE} (line, keyword, normalized, volume, difficulty, cpc, intent) FROM STDIN"
        ))
        .await?;
    copy.send(rows.as_bytes()).await?;
    copy.finish().await?;
    Ok(())
}

/// Escapes a value for `COPY … FROM STDIN` text format.
fn copy_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['\\', '\t', '\n', '\r']) {
        let mut out = String::with_capacity(s.len() + 4);
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
        }
        out.into()
    } else {
        s.into()
    }
}
