//! Versioned schema migrations, one SQL file per backend and version, applied on open.
//!
//! The files live in `igny8-core/migrations/{sqlite,postgres,mysql}/`; `{p}` in them stands for
//! the table prefix. Applied versions are recorded in `{prefix}schema_migrations` with a
//! checksum: a file changed after it was applied is refused rather than silently skipped.
//! Concurrent openers serialise on a lock (PostgreSQL advisory lock, MySQL `GET_LOCK`, SQLite's
//! write lock), so N processes starting together migrate once.

use sea_query::{Expr, Query};

use super::SqlStore;
use super::db::{Backend, Conn};
use crate::error::{Error, Result};

/// One schema version.
struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
    mysql: &'static str,
}

macro_rules! migration {
    ($version:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../../../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../../../migrations/postgres/", $name, ".sql")),
            mysql: include_str!(concat!("../../../migrations/mysql/", $name, ".sql")),
        }
    };
}

const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_initial"),
    migration!(2, "0002_auth"),
    migration!(3, "0003_change_counters"),
    migration!(4, "0004_automation"),
    migration!(5, "0005_keyword_stats"),
    migration!(6, "0006_owned_post"),
    migration!(7, "0007_publishing_job"),
    migration!(8, "0008_web_sessions"),
    migration!(9, "0009_uploads"),
    migration!(10, "0010_link_pages"),
    migration!(11, "0011_faq"),
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = 11;

impl Migration {
    fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
            Backend::MySql => self.mysql,
        }
    }
}

/// FNV-1a: a stable checksum of a migration's text.
fn checksum(text: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 1) as i64
}

/// Splits a migration file into statements: each ends with `;` at the end of a line, except
/// inside a `$$`-quoted body (PostgreSQL functions) or a `CREATE TRIGGER … BEGIN … END;` block
/// (SQLite), which end at their own close.
fn statements(sql: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_dollars = false;
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.matches("$$").count() % 2 == 1 {
            in_dollars = !in_dollars;
        }
        let in_trigger_block = current.trim_start().starts_with("CREATE TRIGGER")
            && current.contains("\nBEGIN")
            && trimmed != "END;";
        if trimmed.ends_with(';') && !in_dollars && !in_trigger_block {
            out.push(current.trim().trim_end_matches(';').replace("{p}", prefix));
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().replace("{p}", prefix));
    }
    out
}

impl SqlStore {
    /// Applies every migration not applied yet. Returns the versions applied now.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        self.migrate_to(SCHEMA_VERSION).await
    }

    /// Applies the migrations not applied yet up to and including `target` (for staged
    /// upgrades and for tests of upgrading an older schema). Returns the versions applied now.
    pub async fn migrate_to(&self, target: i64) -> Result<Vec<i64>> {
        let backend = self.backend();
        let mut conn = self.db.conn().await?;
        let lock_name = format!("igny8_migrate_{}", self.prefix());
        // Take the lock that makes concurrent openers wait for each other.
        match backend {
            Backend::Postgres => {
                conn.raw(format!("SELECT pg_advisory_lock({})", checksum(&lock_name)))
                    .await?
            }
            Backend::MySql => {
                let lock = Query::select()
                    .expr(Expr::cust_with_values(
                        "GET_LOCK(?, 600)",
                        [lock_name.clone()],
                    ))
                    .to_owned();
                let got: Option<i64> = conn.one(&lock).await?;
                if got != Some(1) {
                    return Err(Error::Internal("could not take the migration lock".into()));
                }
            }
            // The write lock, held for the whole run: SQLite's DDL is transactional.
            Backend::Sqlite => conn.raw("BEGIN IMMEDIATE".into()).await?,
        }
        let result = self.migrate_locked(&mut conn, backend, target).await;
        let release = match backend {
            Backend::Postgres => format!("SELECT pg_advisory_unlock({})", checksum(&lock_name)),
            Backend::MySql => format!("DO RELEASE_LOCK('{lock_name}')"),
            Backend::Sqlite if result.is_ok() => "COMMIT".to_owned(),
            Backend::Sqlite => "ROLLBACK".to_owned(),
        };
        conn.raw(release).await?;
        result
    }

    async fn migrate_locked(
        &self,
        conn: &mut Conn,
        backend: Backend,
        target: i64,
    ) -> Result<Vec<i64>> {
        let table = format!("{}schema_migrations", self.prefix());
        let suffix = if backend == Backend::MySql {
            " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
        } else {
            ""
        };
        conn.raw(format!(
            "CREATE TABLE IF NOT EXISTS {table} (version BIGINT NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, checksum BIGINT NOT NULL, applied_at BIGINT NOT NULL){suffix}"
        ))
        .await?;
        let applied: Vec<VersionRow> = conn
            .all(
                &Query::select()
                    .columns(["version", "checksum"])
                    .from(sea_query::DynIden::from(table.clone()))
                    .to_owned(),
            )
            .await?;
        let mut done = Vec::new();
        for m in MIGRATIONS.iter().take_while(|m| m.version <= target) {
            let sql = m.sql(backend);
            let sum = checksum(sql);
            if let Some(recorded) = applied.iter().find(|r| r.0 == m.version) {
                if recorded.1 != sum {
                    return Err(Error::Internal(format!(
                        "migration {} ({}) differs from the one applied to this database",
                        m.version, m.name
                    )));
                }
                continue;
            }
            let record = Query::insert()
                .into_table(sea_query::DynIden::from(table.clone()))
                .columns(["version", "name", "checksum", "applied_at"])
                .values_panic([
                    m.version.into(),
                    m.name.into(),
                    sum.into(),
                    self.now_ms().into(),
                ])
                .to_owned();
            // PostgreSQL applies each version in its own transaction; MySQL commits each DDL
            // statement by itself; SQLite is inside the run's transaction already.
            let own_tx = backend == Backend::Postgres;
            if own_tx {
                conn.raw("BEGIN".into()).await?;
            }
            let outcome = apply(conn, statements(sql, self.prefix()), &record).await;
            if own_tx {
                let end = if outcome.is_ok() {
                    "COMMIT"
                } else {
                    "ROLLBACK"
                };
                conn.raw(end.into()).await?;
            }
            outcome?;
            tracing::info!(
                version = m.version,
                name = m.name,
                backend = backend.as_str(),
                "applied migration"
            );
            done.push(m.version);
        }
        Ok(done)
    }
}

async fn apply(
    conn: &mut Conn,
    statements: Vec<String>,
    record: &sea_query::InsertStatement,
) -> Result<()> {
    for stmt in statements {
        conn.raw(stmt).await?;
    }
    conn.execute(record).await?;
    Ok(())
}

struct VersionRow(i64, i64);

impl super::db::FromDbRow for VersionRow {
    fn from_row(row: &super::db::DbRow<'_>) -> Result<Self> {
        Ok(Self(row.get("version")?, row.get("checksum")?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_split_and_prefixed() {
        let s = statements(
            "-- c\nCREATE TABLE {p}a (\n x INT\n);\nCREATE INDEX i ON {p}a (x);\n",
            "wp_igny8_",
        );
        assert_eq!(
            s,
            [
                "CREATE TABLE wp_igny8_a (\n x INT\n)",
                "CREATE INDEX i ON wp_igny8_a (x)"
            ]
        );
    }

    #[test]
    fn triggers_and_functions_stay_whole() {
        let s = statements(
            "CREATE TRIGGER t AFTER INSERT ON {p}a\nBEGIN\n  UPDATE b SET n = n + 1;\n  DELETE FROM b WHERE n = 0;\nEND;\n\
             CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN NULL;\nEND\n$$;\n\
             CREATE INDEX i ON {p}a (x);\n",
            "p_",
        );
        assert_eq!(s.len(), 3, "{s:#?}");
        assert!(s[0].starts_with("CREATE TRIGGER t AFTER INSERT ON p_a") && s[0].ends_with("END"));
        assert!(s[1].contains("RETURN NULL;") && s[1].ends_with("$$"));
    }

    #[test]
    fn every_backend_has_every_migration() {
        for m in MIGRATIONS {
            // v5 keeps keyword counts with triggers, which MySQL doesn't get (see the file).
            if m.version == 5 {
                continue;
            }
            for b in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
                let n = statements(m.sql(b), "x_").len();
                assert_eq!(n, statements(m.sqlite, "x_").len(), "{} on {b:?}", m.name);
            }
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }
}
