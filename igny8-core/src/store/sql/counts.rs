//! Totals of long lists, kept until the rows they count change.
//!
//! The total of a filtered list of a million keywords costs a read of up to a million index
//! entries — tens of milliseconds — while the page itself costs well under one. Someone paging
//! through a list asks for the same total on every page. So each account has a change counter
//! per entity, in the database, which every statement that adds, removes or alters the
//! entity's rows advances (in the same transaction, or right after a single statement). A
//! total is kept in memory with the counter it was read under and reused while the counter
//! hasn't moved; reading the counter is one primary-key lookup. The counter lives in the
//! database, so a total cached by one process is dropped when another process changes the rows.
//!
//! The counter is read before the total is counted, so a change that lands in between at
//! worst makes the next request count again; it can never leave a stale total in place.
//! Requests that find no total for the same query while one of them counts wait for that
//! count rather than each counting the same million rows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sea_query::{Expr, ExprTrait, InsertStatement, OnConflict, Query, SelectStatement};

use super::db::{Backend, Conn};
use super::{SqlStore, T};
use crate::error::Result;
use crate::ids::AccountId;

/// Totals kept per process; when full, the cache starts over.
const CAPACITY: usize = 4096;

/// The keyword groups of one dashboard query.
type Groups = Arc<Vec<crate::planner::KeywordGroup>>;

/// What a total is kept under: the account, the entity and the counting query's SQL.
type Key = (i64, T, String);

/// The cached totals: key → (counter, total); and, per key being counted, the lock that
/// makes the requests which find no total wait for one count instead of each counting.
#[derive(Default)]
pub(crate) struct CountCache {
    entries: Mutex<HashMap<Key, (i64, u64)>>,
    counting: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
    /// Grouped figures (the dashboard's keyword groups), kept the same way as totals.
    groups: Mutex<HashMap<Key, (i64, Groups)>>,
}

impl CountCache {
    fn get(&self, key: &Key, version: i64) -> Option<u64> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(key) {
            Some((v, total)) if *v == version => Some(*total),
            _ => None,
        }
    }

    /// The lock of `key`'s count.
    fn counting(&self, key: &Key) -> Arc<tokio::sync::Mutex<()>> {
        let mut counting = self.counting.lock().unwrap_or_else(|e| e.into_inner());
        if counting.len() >= CAPACITY {
            // Only locks nobody holds or waits for are dropped.
            counting.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        counting.entry(key.clone()).or_default().clone()
    }

    fn get_groups(&self, key: &Key, version: i64) -> Option<Groups> {
        let groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        match groups.get(key) {
            Some((v, rows)) if *v == version => Some(rows.clone()),
            _ => None,
        }
    }

    fn put_groups(&self, key: Key, version: i64, rows: Groups) {
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        if groups.len() >= CAPACITY && !groups.contains_key(&key) {
            groups.clear();
        }
        groups.insert(key, (version, rows));
    }

    fn put(&self, key: Key, version: i64, total: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (version, total));
    }
}

impl SqlStore {
    /// The statement that advances `account`'s counter of `entity`. A new counter starts at
    /// the current time in milliseconds, so one that was removed and re-created never
    /// repeats a value an old cache entry was stored under.
    pub(crate) fn touch(&self, account: AccountId, entity: T) -> InsertStatement {
        let table = format!("{}change_counters", self.prefix());
        let next = match self.backend() {
            Backend::MySql => Expr::cust("version + 1"),
            _ => Expr::cust(format!("{table}.version + 1")),
        };
        Query::insert()
            .into_table(self.t(T::ChangeCounters))
            .columns(["account_id", "entity", "version"])
            .values_panic([
                account.get().into(),
                entity.name().into(),
                self.now_ms().into(),
            ])
            .on_conflict(
                OnConflict::columns(["account_id", "entity"])
                    .value("version", next)
                    .to_owned(),
            )
            .to_owned()
    }

    /// The keyword groups of `query` (of `account`'s keywords), from the cache while the
    /// account's keywords haven't changed since they were read.
    pub(crate) async fn cached_keyword_groups(
        &self,
        conn: &mut Conn,
        account: AccountId,
        query: &SelectStatement,
    ) -> Result<Groups> {
        let version = self.change_version(conn, account, T::Keywords).await?;
        let key = (
            account.get(),
            T::Keywords,
            query.to_string(sea_query::SqliteQueryBuilder),
        );
        if let Some(rows) = self.counts.get_groups(&key, version) {
            return Ok(rows);
        }
        let lock = self.counts.counting(&key);
        let _reading = lock.lock().await;
        if let Some(rows) = self.counts.get_groups(&key, version) {
            return Ok(rows);
        }
        let rows: Vec<GroupRow> = conn.all(query).await?;
        let rows = Arc::new(rows.into_iter().map(|r| r.0).collect::<Vec<_>>());
        self.counts.put_groups(key, version, rows.clone());
        Ok(rows)
    }

    async fn change_version(&self, conn: &mut Conn, account: AccountId, entity: T) -> Result<i64> {
        let version_q = Query::select()
            .column("version")
            .from(self.t(T::ChangeCounters))
            .and_where(Expr::col("account_id").eq(account.get()))
            .and_where(Expr::col("entity").eq(entity.name()))
            .to_owned();
        Ok(conn.optional::<i64>(&version_q).await?.unwrap_or(0))
    }

    /// The total of `count` (a `SELECT COUNT(*)` of `account`'s rows of `entity`), from the
    /// cache when the rows haven't changed since it was counted.
    pub(crate) async fn cached_total(
        &self,
        conn: &mut Conn,
        account: AccountId,
        entity: T,
        count: &SelectStatement,
    ) -> Result<u64> {
        let version = self.change_version(conn, account, entity).await?;
        let key = (
            account.get(),
            entity,
            count.to_string(sea_query::SqliteQueryBuilder),
        );
        if let Some(total) = self.counts.get(&key, version) {
            return Ok(total);
        }
        // One count per key at a time: those who arrive meanwhile wait, then find its total.
        let lock = self.counts.counting(&key);
        let _counting = lock.lock().await;
        if let Some(total) = self.counts.get(&key, version) {
            return Ok(total);
        }
        let total = std::cmp::max(conn.one::<i64>(count).await?, 0) as u64;
        self.counts.put(key, version, total);
        Ok(total)
    }
}

/// One row of the keyword groups query.
pub(crate) struct GroupRow(pub(crate) crate::planner::KeywordGroup);

impl super::db::FromDbRow for GroupRow {
    fn from_row(r: &super::db::DbRow<'_>) -> Result<Self> {
        let n: i64 = r.get("n")?;
        Ok(GroupRow(crate::planner::KeywordGroup {
            status: r.get("status")?,
            intent: r.get("intent")?,
            keywords: Ord::max(n, 0) as u64,
            volume: r.get("v")?,
        }))
    }
}
