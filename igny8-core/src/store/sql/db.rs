//! The connection pool of one of the three backends, and the few ways queries are run on it.
//!
//! Queries are built once with sea-query; [`Db`] and [`Tx`] render them with the backend's
//! query builder and run them with sqlx. Rows are read through [`DbRow`], so each entity's
//! mapping is written once for all backends.

use std::str::FromStr;
use std::time::Duration;

use sea_query::{InsertStatement, MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder};
use sea_query_sqlx::SqlxBinder;
use sqlx::mysql::{MySql, MySqlConnectOptions, MySqlPool, MySqlPoolOptions, MySqlRow};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow, Postgres};
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Decode, Row as _, Type};

use crate::error::{Error, Result};

/// The database engine behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// SQLite: the embedded default.
    Sqlite,
    /// PostgreSQL: the hosted service.
    Postgres,
    /// MySQL or MariaDB: inside WordPress.
    MySql,
}

impl Backend {
    /// The backend a database URL names, from its scheme.
    pub fn from_url(url: &str) -> Result<Self> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or_default();
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            "mysql" | "mariadb" => Ok(Self::MySql),
            _ => Err(Error::Config(format!(
                "unsupported database URL scheme {scheme:?}: use sqlite://, postgres:// or mysql://"
            ))),
        }
    }

    /// A short name: `sqlite`, `postgres`, `mysql`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::MySql => "mysql",
        }
    }
}

/// How to connect.
#[derive(Clone)]
pub(crate) struct ConnectOptions {
    pub(crate) url: String,
    pub(crate) max_connections: u32,
}

/// A pool on one backend.
#[derive(Clone, Debug)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    MySql(MySqlPool),
}

/// A connection taken from the pool (returned to it when dropped).
pub(crate) enum Conn {
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Postgres(sqlx::pool::PoolConnection<Postgres>),
    MySql(sqlx::pool::PoolConnection<MySql>),
}

/// An open transaction on one backend.
pub(crate) enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
    MySql(sqlx::Transaction<'static, MySql>),
}

fn config_err(e: sqlx::Error) -> Error {
    Error::Config(format!("bad database URL: {e}"))
}

impl Db {
    pub(crate) async fn connect(opts: &ConnectOptions) -> Result<Self> {
        let max = opts.max_connections.max(1);
        let acquire = Duration::from_secs(30);
        Ok(match Backend::from_url(&opts.url)? {
            Backend::Sqlite => {
                let url = opts.url.replacen("sqlite:///", "sqlite:/", 1);
                let options = SqliteConnectOptions::from_str(&url)
                    .map_err(config_err)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(60))
                    .pragma("cache_size", "-65536")
                    .pragma("threads", "2");
                let in_memory = url.contains(":memory:") || url.contains("mode=memory");
                let pool = SqlitePoolOptions::new()
                    // An in-memory database lives in one connection.
                    .max_connections(if in_memory { 1 } else { max })
                    .min_connections(if in_memory { 1 } else { 0 })
                    .idle_timeout(if in_memory {
                        None
                    } else {
                        Some(Duration::from_secs(600))
                    })
                    .max_lifetime(if in_memory {
                        None
                    } else {
                        Some(Duration::from_secs(1800))
                    })
                    .acquire_timeout(Duration::from_secs(120))
                    .connect_with(options)
                    .await?;
                Db::Sqlite(pool)
            }
            Backend::Postgres => {
                let options = PgConnectOptions::from_str(&opts.url).map_err(config_err)?;
                let pool = PgPoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(acquire)
                    .connect_with(options)
                    .await?;
                Db::Postgres(pool)
            }
            Backend::MySql => {
                let url = opts.url.replacen("mariadb://", "mysql://", 1);
                let options = MySqlConnectOptions::from_str(&url)
                    .map_err(config_err)?
                    .charset("utf8mb4");
                let pool = MySqlPoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(acquire)
                    .connect_with(options)
                    .await?;
                Db::MySql(pool)
            }
        })
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
            Db::MySql(_) => Backend::MySql,
        }
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// two writers queue on the busy timeout instead of failing on a lock upgrade.
    pub(crate) async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
            Db::MySql(p) => Tx::MySql(p.begin().await?),
        })
    }

    /// Takes a connection from the pool.
    pub(crate) async fn conn(&self) -> Result<Conn> {
        Ok(match self {
            Db::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Db::Postgres(p) => Conn::Postgres(p.acquire().await?),
            Db::MySql(p) => Conn::MySql(p.acquire().await?),
        })
    }

    pub(crate) async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
            Db::MySql(p) => p.close().await,
        }
    }
}

impl Tx {
    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
            Tx::MySql(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// A row of any backend, read by column name.
pub(crate) enum DbRow<'r> {
    Sqlite(&'r SqliteRow),
    Postgres(&'r PgRow),
    MySql(&'r MySqlRow),
}

/// A Rust type every backend can decode.
pub(crate) trait Col:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + for<'r> Decode<'r, MySql>
    + Type<MySql>
{
}

impl<T> Col for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + for<'r> Decode<'r, MySql>
        + Type<MySql>
{
}

impl DbRow<'_> {
    /// The value of column `name`.
    pub(crate) fn get<T: Col>(&self, name: &str) -> Result<T> {
        Ok(match self {
            DbRow::Sqlite(r) => r.try_get(name)?,
            DbRow::Postgres(r) => r.try_get(name)?,
            DbRow::MySql(r) => r.try_get(name)?,
        })
    }

    /// The value of column `index`.
    pub(crate) fn at<T: Col>(&self, index: usize) -> Result<T> {
        Ok(match self {
            DbRow::Sqlite(r) => r.try_get(index)?,
            DbRow::Postgres(r) => r.try_get(index)?,
            DbRow::MySql(r) => r.try_get(index)?,
        })
    }

    /// A timestamp column (milliseconds since the epoch).
    pub(crate) fn time(&self, name: &str) -> Result<chrono::DateTime<chrono::Utc>> {
        Ok(crate::clock::from_millis(self.get(name)?))
    }

    /// A nullable timestamp column.
    pub(crate) fn opt_time(&self, name: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        Ok(self
            .get::<Option<i64>>(name)?
            .map(crate::clock::from_millis))
    }

    /// A string-enum column.
    pub(crate) fn parse<T: FromStr<Err = String>>(&self, name: &str) -> Result<T> {
        let text: String = self.get(name)?;
        text.parse()
            .map_err(|e| Error::Internal(format!("column {name}: {e}")))
    }

    /// A nullable string-enum column.
    pub(crate) fn opt_parse<T: FromStr<Err = String>>(&self, name: &str) -> Result<Option<T>> {
        match self.get::<Option<String>>(name)? {
            None => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|e| Error::Internal(format!("column {name}: {e}"))),
        }
    }

    /// A JSON column (stored as text on every backend).
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T> {
        let text: String = self.get(name)?;
        serde_json::from_str(&text)
            .map_err(|e| Error::Internal(format!("column {name} holds bad JSON: {e}")))
    }

    /// A nullable JSON column.
    pub(crate) fn opt_json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        match self.get::<Option<String>>(name)? {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| Error::Internal(format!("column {name} holds bad JSON: {e}"))),
        }
    }
}

/// Something built from a row.
pub(crate) trait FromDbRow: Sized + Send + Unpin {
    fn from_row(row: &DbRow<'_>) -> Result<Self>;
}

/// A field read from the column of the same name, chosen by the field's type: plain values
/// as the driver decodes them, timestamps from epoch milliseconds, string enums by their
/// stored text, ids from their integer. [`row!`](crate::store::sql::row) builds a
/// [`FromDbRow`] from a list of such fields, so a row's mapping is written once.
pub(crate) trait FromColumn: Sized {
    fn read(row: &DbRow<'_>, name: &str) -> Result<Self>;
}

macro_rules! decoded_columns {
    ($($t:ty),*) => {$(
        impl FromColumn for $t {
            fn read(row: &DbRow<'_>, name: &str) -> Result<Self> {
                row.get(name)
            }
        }
    )*};
}
decoded_columns!(
    i64,
    Option<i64>,
    String,
    Option<String>,
    bool,
    f64,
    Option<f64>
);

impl FromColumn for chrono::DateTime<chrono::Utc> {
    fn read(row: &DbRow<'_>, name: &str) -> Result<Self> {
        row.time(name)
    }
}

impl FromColumn for Option<chrono::DateTime<chrono::Utc>> {
    fn read(row: &DbRow<'_>, name: &str) -> Result<Self> {
        row.opt_time(name)
    }
}

impl<E: crate::enums::StringEnum> FromColumn for E {
    fn read(row: &DbRow<'_>, name: &str) -> Result<Self> {
        row.parse(name)
    }
}

impl<E: crate::enums::StringEnum> FromColumn for Option<E> {
    fn read(row: &DbRow<'_>, name: &str) -> Result<Self> {
        row.opt_parse(name)
    }
}

/// A JSON-text column, for [`row!`](crate::store::sql::row)'s `field: json`.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(row: &DbRow<'_>, name: &str) -> Result<T> {
    row.json(name)
}

macro_rules! scalar_from_row {
    ($($t:ty),*) => {$(
        impl FromDbRow for $t {
            fn from_row(row: &DbRow<'_>) -> Result<Self> {
                row.at(0)
            }
        }
    )*};
}
scalar_from_row!(i64, Option<i64>, String, Option<String>, bool, f64, Vec<u8>);

macro_rules! runner {
    ($ty:ident, $exec:ident) => {
        impl $ty {
            /// All rows of a query.
            pub(crate) async fn all<T: FromDbRow>(
                &mut self,
                stmt: &impl SqlxBinder,
            ) -> Result<Vec<T>> {
                match self {
                    $ty::Sqlite(x) => {
                        let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
                        let rows = sqlx::query_with(AssertSqlSafe(sql), values)
                            .fetch_all($exec!(x))
                            .await?;
                        rows.iter()
                            .map(|r| T::from_row(&DbRow::Sqlite(r)))
                            .collect()
                    }
                    $ty::Postgres(x) => {
                        let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
                        let rows = sqlx::query_with(AssertSqlSafe(sql), values)
                            .fetch_all($exec!(x))
                            .await?;
                        rows.iter()
                            .map(|r| T::from_row(&DbRow::Postgres(r)))
                            .collect()
                    }
                    $ty::MySql(x) => {
                        let (sql, values) = stmt.build_sqlx(MysqlQueryBuilder);
                        let rows = sqlx::query_with(AssertSqlSafe(sql), values)
                            .fetch_all($exec!(x))
                            .await?;
                        rows.iter().map(|r| T::from_row(&DbRow::MySql(r))).collect()
                    }
                }
            }

            /// At most one row.
            pub(crate) async fn optional<T: FromDbRow>(
                &mut self,
                stmt: &impl SqlxBinder,
            ) -> Result<Option<T>> {
                match self {
                    $ty::Sqlite(x) => {
                        let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
                        let row = sqlx::query_with(AssertSqlSafe(sql), values)
                            .fetch_optional($exec!(x))
                            .await?;
                        row.as_ref()
                            .map(|r| T::from_row(&DbRow::Sqlite(r)))
                            .transpose()
                    }
                    $ty::Postgres(x) => {
                        let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
                        let row = sqlx::query_with(AssertSqlSafe(sql), values)
                            .fetch_optional($exec!(x))
                            .await?;
                        row.as_ref()
                            .map(|r| T::from_row(&DbRow::Postgres(r)))
                            .transpose()
                    }
                    $ty::MySql(x) => {
                        let (sql, values) = stmt.build_sqlx(MysqlQueryBuilder);
                        let row = sqlx::query_with(AssertSqlSafe(sql), values)
                            .fetch_optional($exec!(x))
                            .await?;
                        row.as_ref()
                            .map(|r| T::from_row(&DbRow::MySql(r)))
                            .transpose()
                    }
                }
            }

            /// Exactly one row.
            pub(crate) async fn one<T: FromDbRow>(&mut self, stmt: &impl SqlxBinder) -> Result<T> {
                self.optional(stmt).await?.ok_or_else(|| {
                    Error::Internal("a query that returns one row returned none".into())
                })
            }

            /// Runs a statement; the number of rows it changed.
            pub(crate) async fn execute(&mut self, stmt: &impl SqlxBinder) -> Result<u64> {
                Ok(match self {
                    $ty::Sqlite(x) => {
                        let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
                        sqlx::query_with(AssertSqlSafe(sql), values)
                            .execute($exec!(x))
                            .await?
                            .rows_affected()
                    }
                    $ty::Postgres(x) => {
                        let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
                        sqlx::query_with(AssertSqlSafe(sql), values)
                            .execute($exec!(x))
                            .await?
                            .rows_affected()
                    }
                    $ty::MySql(x) => {
                        let (sql, values) = stmt.build_sqlx(MysqlQueryBuilder);
                        sqlx::query_with(AssertSqlSafe(sql), values)
                            .execute($exec!(x))
                            .await?
                            .rows_affected()
                    }
                })
            }

            /// Inserts one row; its new id (`RETURNING id`, or MySQL's last insert id).
            pub(crate) async fn insert(&mut self, stmt: &InsertStatement) -> Result<i64> {
                match self {
                    $ty::Sqlite(x) => {
                        let mut stmt = stmt.clone();
                        stmt.returning_col("id");
                        let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
                        let row = sqlx::query_with(AssertSqlSafe(sql), values)
                            .fetch_one($exec!(x))
                            .await?;
                        Ok(row.try_get(0)?)
                    }
                    $ty::Postgres(x) => {
                        let mut stmt = stmt.clone();
                        stmt.returning_col("id");
                        let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
                        let row = sqlx::query_with(AssertSqlSafe(sql), values)
                            .fetch_one($exec!(x))
                            .await?;
                        Ok(row.try_get(0)?)
                    }
                    $ty::MySql(x) => {
                        let (sql, values) = stmt.build_sqlx(MysqlQueryBuilder);
                        let done = sqlx::query_with(AssertSqlSafe(sql), values)
                            .execute($exec!(x))
                            .await?;
                        i64::try_from(done.last_insert_id())
                            .map_err(|_| Error::Internal("insert id out of range".into()))
                    }
                }
            }

            /// Runs raw SQL with no parameters (DDL, pragmas).
            #[allow(dead_code)]
            pub(crate) async fn raw(&mut self, sql: String) -> Result<()> {
                match self {
                    $ty::Sqlite(x) => {
                        sqlx::raw_sql(AssertSqlSafe(sql)).execute($exec!(x)).await?;
                    }
                    $ty::Postgres(x) => {
                        sqlx::raw_sql(AssertSqlSafe(sql)).execute($exec!(x)).await?;
                    }
                    $ty::MySql(x) => {
                        sqlx::raw_sql(AssertSqlSafe(sql)).execute($exec!(x)).await?;
                    }
                }
                Ok(())
            }
        }
    };
}

macro_rules! conn_exec {
    ($x:ident) => {
        &mut **$x
    };
}

runner!(Conn, conn_exec);
runner!(Tx, conn_exec);
