//! The bulk path of keyword imports: multi-row upserts in one transaction, and `COPY` into a
//! staging table on PostgreSQL.

use std::collections::{HashMap, HashSet};

use sea_query::{Expr, ExprTrait, OnConflict, Query, SimpleExpr};
use sqlx::{AssertSqlSafe, Row as _};
use tokio::sync::mpsc::Receiver;

use super::db::{Backend, Tx};
use super::{SqlStore, T};
use crate::error::{Error, PlanLimit, Result};
use crate::ids::{AccountId, SectorId, SiteId};
use crate::planner::{
    ImportBatch, ImportRecord, ImportTotals, KeywordSource, KeywordStatus, RowIssue,
};
use crate::tenancy::{Plan, Scope};

/// Rows per INSERT statement (13 parameters each: well under every backend's limit).
const ROWS_PER_STATEMENT: usize = 1000;

/// Merges `b`'s known values into `a` (a later row's values win where it has them).
fn merge_into(a: &mut ImportRecord, b: ImportRecord) {
    let (m, n) = (&mut a.keyword.metrics, b.keyword.metrics);
    m.volume = n.volume.or(m.volume);
    m.difficulty = n.difficulty.or(m.difficulty);
    m.cpc = n.cpc.or(m.cpc);
    m.intent = n.intent.or(m.intent);
}

fn limit_issue(plan: &Plan, line: u64) -> RowIssue {
    let max = plan.limits.max_keywords.unwrap_or_default();
    RowIssue {
        line,
        message: format!(
            "{}",
            Error::LimitReached {
                limit: PlanLimit::Keywords,
                max,
                plan: plan.name.clone()
            }
        ),
    }
}

struct Target {
    account: AccountId,
    site: SiteId,
    sector: SectorId,
    now: i64,
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
        let totals = if self.backend() == Backend::Postgres {
            self.import_copy(&mut tx, &target, &plan, capacity, batches)
                .await?
        } else {
            self.import_upserts(&mut tx, &target, &plan, capacity, batches)
                .await?
        };
        tx.commit().await?;
        Ok(totals)
    }

    /// SQLite and MySQL: per batch, find which keywords exist, then one multi-row upsert.
    async fn import_upserts(
        &self,
        tx: &mut Tx,
        target: &Target,
        plan: &Plan,
        mut capacity: Option<i64>,
        mut batches: Receiver<Result<ImportBatch>>,
    ) -> Result<ImportTotals> {
        let mut totals = ImportTotals::default();
        while let Some(batch) = batches.recv().await {
            let batch = batch?;
            // Duplicates inside the batch merge into their first row.
            let mut rows: Vec<ImportRecord> = Vec::with_capacity(batch.records.len());
            let mut seen: HashMap<String, usize> = HashMap::with_capacity(batch.records.len());
            for record in batch.records {
                match seen.get(&record.keyword.normalized) {
                    Some(&i) => {
                        merge_into(&mut rows[i], record);
                        totals.merged += 1;
                    }
                    None => {
                        seen.insert(record.keyword.normalized.clone(), rows.len());
                        rows.push(record);
                    }
                }
            }
            let existing_q = Query::select()
                .column("normalized")
                .from(self.t(T::Keywords))
                .and_where(Expr::col("sector_id").eq(target.sector.get()))
                .and_where(
                    Expr::col("normalized")
                        .is_in(rows.iter().map(|r| r.keyword.normalized.clone())),
                )
                .to_owned();
            let existing: HashSet<String> =
                tx.all::<String>(&existing_q).await?.into_iter().collect();
            let mut accepted = Vec::with_capacity(rows.len());
            for row in rows {
                if existing.contains(&row.keyword.normalized) {
                    totals.merged += 1;
                } else {
                    match &mut capacity {
                        Some(0) => {
                            totals.rejected.push(limit_issue(plan, row.line));
                            continue;
                        }
                        Some(left) => *left -= 1,
                        None => {}
                    }
                    totals.imported += 1;
                }
                accepted.push(row);
            }
            for chunk in accepted.chunks(ROWS_PER_STATEMENT) {
                let stmt = self.upsert_statement(target, chunk);
                tx.execute(&stmt).await?;
            }
        }
        Ok(totals)
    }

    fn upsert_statement(
        &self,
        target: &Target,
        rows: &[ImportRecord],
    ) -> sea_query::InsertStatement {
        let table = format!("{}{}", self.prefix(), "keywords");
        let mut q = Query::insert();
        q.into_table(self.t(T::Keywords)).columns([
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
        ]);
        for r in rows {
            let m = &r.keyword.metrics;
            q.values_panic([
                target.account.get().into(),
                target.site.get().into(),
                target.sector.get().into(),
                r.keyword.keyword.clone().into(),
                r.keyword.normalized.clone().into(),
                m.volume.into(),
                m.difficulty.into(),
                m.cpc.into(),
                m.intent.map(|i| i.as_str()).into(),
                KeywordStatus::Pending.as_str().into(),
                KeywordSource::Import.as_str().into(),
                target.now.into(),
                target.now.into(),
            ]);
        }
        let mysql = self.backend() == Backend::MySql;
        let merged = |col: &str| -> SimpleExpr {
            if mysql {
                Expr::cust(format!("COALESCE(VALUES({col}), {col})"))
            } else {
                Expr::cust(format!("COALESCE(excluded.{col}, {table}.{col})"))
            }
        };
        let updated: SimpleExpr = if mysql {
            Expr::cust("VALUES(updated_at)")
        } else {
            Expr::cust("excluded.updated_at")
        };
        q.on_conflict(
            OnConflict::columns(["sector_id", "normalized"])
                .values([
                    ("volume", merged("volume")),
                    ("difficulty", merged("difficulty")),
                    ("cpc", merged("cpc")),
                    ("intent", merged("intent")),
                    ("updated_at", updated),
                ])
                .to_owned(),
        );
        q
    }

    /// PostgreSQL: `COPY` every batch into a temporary table, then one `INSERT … SELECT …
    /// ON CONFLICT` merges them.
    async fn import_copy(
        &self,
        tx: &mut Tx,
        target: &Target,
        plan: &Plan,
        capacity: Option<i64>,
        mut batches: Receiver<Result<ImportBatch>>,
    ) -> Result<ImportTotals> {
        let Tx::Postgres(pg) = tx else {
            return Err(Error::Internal(
                "COPY import on a non-PostgreSQL backend".into(),
            ));
        };
        let conn: &mut sqlx::PgConnection = pg;
        sqlx::raw_sql(
            "CREATE TEMPORARY TABLE igny8_import_stage (line BIGINT NOT NULL, keyword TEXT NOT NULL, \
             normalized TEXT NOT NULL, volume BIGINT, difficulty BIGINT, cpc DOUBLE PRECISION, intent TEXT) \
             ON COMMIT DROP",
        )
        .execute(&mut *conn)
        .await?;
        let mut staged: u64 = 0;
        let mut buffer = String::with_capacity(128 * 1024);
        while let Some(batch) = batches.recv().await {
            let batch = batch?;
            buffer.clear();
            for r in &batch.records {
                let m = &r.keyword.metrics;
                use std::fmt::Write as _;
                let _ = writeln!(
                    buffer,
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
            staged += batch.records.len() as u64;
            let mut copy = conn
                .copy_in_raw("COPY igny8_import_stage (line, keyword, normalized, volume, difficulty, cpc, intent) FROM STDIN")
                .await?;
            copy.send(buffer.as_bytes()).await?;
            copy.finish().await?;
        }
        let mut totals = ImportTotals::default();
        if staged == 0 {
            return Ok(totals);
        }
        let table = format!("{}keywords", self.prefix());
        if let Some(capacity) = capacity {
            // New keywords in file order; those past the plan's limit are dropped and reported.
            let new: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT s.normalized FROM igny8_import_stage s \
                 WHERE NOT EXISTS (SELECT 1 FROM {table} k WHERE k.sector_id = $1 AND k.normalized = s.normalized) \
                 GROUP BY s.normalized ORDER BY MIN(s.line)"
            )))
            .bind(target.sector.get())
            .fetch_all(&mut *conn)
            .await?;
            let over: Vec<String> = new.into_iter().skip(capacity as usize).collect();
            if !over.is_empty() {
                let lines: Vec<i64> = sqlx::query_scalar(
                    "DELETE FROM igny8_import_stage WHERE normalized = ANY($1) RETURNING line",
                )
                .bind(&over)
                .fetch_all(&mut *conn)
                .await?;
                staged -= lines.len() as u64;
                let mut lines = lines;
                lines.sort_unstable();
                totals.rejected = lines
                    .into_iter()
                    .map(|l| limit_issue(plan, l as u64))
                    .collect();
            }
        }
        let sql = format!(
            "WITH src AS ( \
               SELECT normalized, \
                 (array_agg(keyword ORDER BY line))[1] AS keyword, \
                 (array_agg(volume ORDER BY line DESC) FILTER (WHERE volume IS NOT NULL))[1] AS volume, \
                 (array_agg(difficulty ORDER BY line DESC) FILTER (WHERE difficulty IS NOT NULL))[1] AS difficulty, \
                 (array_agg(cpc ORDER BY line DESC) FILTER (WHERE cpc IS NOT NULL))[1] AS cpc, \
                 (array_agg(intent ORDER BY line DESC) FILTER (WHERE intent IS NOT NULL))[1] AS intent \
               FROM igny8_import_stage GROUP BY normalized \
             ), ins AS ( \
               INSERT INTO {table} AS k (account_id, site_id, sector_id, keyword, normalized, volume, difficulty, cpc, \
                 intent, status, source, created_at, updated_at) \
               SELECT $1, $2, $3, keyword, normalized, volume, difficulty, cpc, intent, $4, $5, $6, $6 FROM src \
               ON CONFLICT (sector_id, normalized) DO UPDATE SET \
                 volume = COALESCE(EXCLUDED.volume, k.volume), \
                 difficulty = COALESCE(EXCLUDED.difficulty, k.difficulty), \
                 cpc = COALESCE(EXCLUDED.cpc, k.cpc), \
                 intent = COALESCE(EXCLUDED.intent, k.intent), \
                 updated_at = EXCLUDED.updated_at \
               RETURNING (xmax = 0) AS inserted \
             ) SELECT COUNT(*) FILTER (WHERE inserted) FROM ins"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(target.account.get())
            .bind(target.site.get())
            .bind(target.sector.get())
            .bind(KeywordStatus::Pending.as_str())
            .bind(KeywordSource::Import.as_str())
            .bind(target.now)
            .fetch_one(&mut *conn)
            .await?;
        let inserted: i64 = row.try_get(0)?;
        totals.imported = inserted as u64;
        totals.merged = staged - totals.imported;
        Ok(totals)
    }
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
