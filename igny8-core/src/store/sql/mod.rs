//! The store on SQL databases: SQLite, PostgreSQL and MySQL/MariaDB, queries written once with
//! sea-query.

/// How a type is read from a row, written once as the list of its fields.
///
/// `row!(Keyword { id, keyword, intent, … })` reads each field from the column of the same
/// name, by the field's type ([`db::FromColumn`]). A field may say otherwise:
///
/// - `outline: json` — JSON text;
/// - `trigger: "run_trigger"` — a column of another name;
/// - `keyword_count: derived` — a value the query computes, not a column of the table;
/// - `reference: (reference, "reference_type", "reference_id")` — built by a function of the
///   row from the columns named (none: from columns other fields name).
///
/// `row!(Keyword: KeywordId in Keywords, site_scoped { … })` also makes the type an
/// [`Entity`] of that table whose column list is the same list (`derived` fields left out),
/// so what is selected and what is read cannot drift apart.
macro_rules! row {
    ($ty:ident { $($fields:tt)* }) => {
        impl $crate::store::sql::db::FromDbRow for $ty {
            fn from_row(r: &$crate::store::sql::db::DbRow<'_>) -> $crate::Result<Self> {
                Ok(row!(@read r, $ty, [] $($fields)* ,))
            }
        }
    };
    ($ty:ident: $id:ident in $table:ident $(, $scoped:ident)? { $($fields:tt)* }) => {
        row!($ty { $($fields)* });
        impl $crate::store::sql::Entity for $ty {
            const TABLE: $crate::store::sql::T = $crate::store::sql::T::$table;
            const ENTITY: &'static str = $id::ENTITY;
            const COLUMNS: &'static [&'static str] = row!(@cols [] $($fields)* ,);
            const SITE_SCOPED: bool = row!(@scoped $($scoped)?);
        }
    };

    // The struct literal, one field at a time.
    (@read $r:ident, $ty:ident, [$($done:tt)*] $(,)?) => { $ty { $($done)* } };
    (@read $r:ident, $ty:ident, [$($done:tt)*] $f:ident : json, $($rest:tt)*) => {
        row!(@read $r, $ty, [$($done)* $f: $crate::store::sql::db::read_json($r, stringify!($f))?,] $($rest)*)
    };
    (@read $r:ident, $ty:ident, [$($done:tt)*] $f:ident : derived, $($rest:tt)*) => {
        row!(@read $r, $ty, [$($done)* $f: $crate::store::sql::db::FromColumn::read($r, stringify!($f))?,] $($rest)*)
    };
    (@read $r:ident, $ty:ident, [$($done:tt)*] $f:ident : $col:literal, $($rest:tt)*) => {
        row!(@read $r, $ty, [$($done)* $f: $crate::store::sql::db::FromColumn::read($r, $col)?,] $($rest)*)
    };
    (@read $r:ident, $ty:ident, [$($done:tt)*] $f:ident : ($with:path $(, $c:literal)*), $($rest:tt)*) => {
        row!(@read $r, $ty, [$($done)* $f: $with($r)?,] $($rest)*)
    };
    (@read $r:ident, $ty:ident, [$($done:tt)*] $f:ident, $($rest:tt)*) => {
        row!(@read $r, $ty, [$($done)* $f: $crate::store::sql::db::FromColumn::read($r, stringify!($f))?,] $($rest)*)
    };

    // The column list, one field at a time.
    (@cols [$($done:expr,)*] $(,)?) => { &[$($done),*] };
    (@cols [$($done:expr,)*] $f:ident : json, $($rest:tt)*) => {
        row!(@cols [$($done,)* stringify!($f),] $($rest)*)
    };
    (@cols [$($done:expr,)*] $f:ident : derived, $($rest:tt)*) => {
        row!(@cols [$($done,)*] $($rest)*)
    };
    (@cols [$($done:expr,)*] $f:ident : $col:literal, $($rest:tt)*) => {
        row!(@cols [$($done,)* $col,] $($rest)*)
    };
    (@cols [$($done:expr,)*] $f:ident : ($with:path $(, $c:literal)*), $($rest:tt)*) => {
        row!(@cols [$($done,)* $($c,)*] $($rest)*)
    };
    (@cols [$($done:expr,)*] $f:ident, $($rest:tt)*) => {
        row!(@cols [$($done,)* stringify!($f),] $($rest)*)
    };

    (@scoped) => { false };
    (@scoped site_scoped) => { true };
}

mod auth;
mod automation;
mod clusters;
mod counts;
mod credits;
pub(crate) mod db;
mod ideas;
mod import;
mod inventory;
mod jobs;
mod keywords;
pub(crate) mod list;
pub(crate) mod migrate;
mod system;
mod tenancy;
mod thinker;
mod uploads;
mod writer;

use std::sync::Arc;

use sea_query::{DynIden, Expr, ExprTrait, Query, SelectStatement};

pub use db::Backend;
use db::{ConnectOptions, Db, FromDbRow};

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::tenancy::Scope;

/// The tables of the schema (their names get the configured prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum T {
    Plans,
    Accounts,
    Users,
    Sites,
    Sectors,
    Keywords,
    Clusters,
    Ideas,
    Tasks,
    Contents,
    Images,
    Prompts,
    AuthorProfiles,
    Strategies,
    Settings,
    Integrations,
    Reservations,
    Transactions,
    Usage,
    Jobs,
    RefreshTokens,
    ApiKeys,
    RateLimits,
    ChangeCounters,
    AutomationRules,
    AutomationRuns,
    KeywordStats,
    Uploads,
    UploadParts,
    LinkPages,
}

impl T {
    pub(crate) fn name(self) -> &'static str {
        match self {
            T::Plans => "plans",
            T::Accounts => "accounts",
            T::Users => "users",
            T::Sites => "sites",
            T::Sectors => "sectors",
            T::Keywords => "keywords",
            T::Clusters => "clusters",
            T::Ideas => "content_ideas",
            T::Tasks => "tasks",
            T::Contents => "contents",
            T::Images => "images",
            T::Prompts => "prompts",
            T::AuthorProfiles => "author_profiles",
            T::Strategies => "strategies",
            T::Settings => "settings",
            T::Integrations => "integrations",
            T::Reservations => "credit_reservations",
            T::Transactions => "credit_transactions",
            T::Usage => "usage_logs",
            T::Jobs => "jobs",
            T::RefreshTokens => "refresh_tokens",
            T::ApiKeys => "api_keys",
            T::RateLimits => "rate_limits",
            T::ChangeCounters => "change_counters",
            T::AutomationRules => "automation_rules",
            T::AutomationRuns => "automation_runs",
            T::KeywordStats => "keyword_stats",
            T::Uploads => "uploads",
            T::UploadParts => "upload_parts",
            T::LinkPages => "link_pages",
        }
    }
}

/// How to open a [`SqlStore`].
#[derive(Clone)]
pub struct StoreOptions {
    /// `sqlite://path.db`, `sqlite::memory:`, `postgres://…` or `mysql://…`.
    pub database_url: String,
    /// Prefix of every table name, e.g. `wp_igny8_` inside WordPress. Letters, digits and `_`.
    pub table_prefix: String,
    /// Largest number of pooled connections.
    pub max_connections: u32,
    /// Apply pending migrations on open (default true).
    pub migrate: bool,
}

impl std::fmt::Debug for StoreOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreOptions")
            .field("database_url", &redact_url(&self.database_url))
            .field("table_prefix", &self.table_prefix)
            .field("max_connections", &self.max_connections)
            .field("migrate", &self.migrate)
            .finish()
    }
}

/// A database URL with its password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            if userinfo.contains(':') {
                format!("{scheme}://{user}:***@{host}{path}")
            } else {
                url.to_owned()
            }
        }
        None => url.to_owned(),
    }
}

impl StoreOptions {
    /// Options for `database_url` with the default prefix `igny8_`.
    pub fn new(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            table_prefix: "igny8_".into(),
            max_connections: 10,
            migrate: true,
        }
    }
}

/// The store on a SQL database. Cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct SqlStore {
    db: Db,
    url: Arc<str>,
    prefix: Arc<str>,
    clock: Arc<dyn Clock>,
    counts: Arc<counts::CountCache>,
    /// Taken by the hot single-statement writes on SQLite (rate-limit hits), which would
    /// otherwise collide on the database's one write lock and back off in sleeps.
    sqlite_writer: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("backend", &self.backend())
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl SqlStore {
    /// Connects (creating a SQLite file when missing) and, unless told not to, migrates.
    pub async fn open(options: &StoreOptions) -> Result<Self> {
        let prefix = options.table_prefix.as_str();
        if prefix.len() > 32
            || !prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(Error::Config(format!(
                "table prefix {prefix:?} may only hold letters, digits and '_' (at most 32)"
            )));
        }
        let db = Db::connect(&ConnectOptions {
            url: options.database_url.clone(),
            max_connections: options.max_connections,
        })
        .await?;
        let store = Self {
            db,
            url: options.database_url.as_str().into(),
            prefix: prefix.into(),
            clock: Arc::new(SystemClock),
            counts: Arc::default(),
            sqlite_writer: Arc::default(),
        };
        if options.migrate {
            store.migrate().await?;
        }
        Ok(store)
    }

    /// The same store reading time from `clock` (for tests of schedules and leases).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The database engine.
    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// The database URL it was opened with.
    pub fn database_url(&self) -> &str {
        &self.url
    }

    /// The table prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Closes the pool; pending operations finish first.
    pub async fn close(&self) {
        self.db.close().await;
    }

    /// Checks that the database answers (for readiness probes).
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.db.conn().await?;
        let one: i64 = conn
            .one(&Query::select().expr(Expr::val(1i64)).to_owned())
            .await?;
        if one == 1 {
            Ok(())
        } else {
            Err(Error::Internal(
                "the database answered a ping wrongly".into(),
            ))
        }
    }

    /// Runs a statement as given, bypassing every check of the code (tests use it to show
    /// that the database itself refuses what the code would never send).
    #[cfg(feature = "testing")]
    pub async fn execute_unchecked(&self, sql: &str) -> Result<()> {
        self.db.conn().await?.raw(sql.to_owned()).await
    }

    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    /// The prefixed name of a table.
    pub(crate) fn t(&self, table: T) -> DynIden {
        DynIden::from(format!("{}{}", self.prefix, table.name()))
    }

    /// `SELECT columns FROM table WHERE account_id = scope` (and `site_id` when the scope is
    /// restricted to a site and the table has one).
    pub(crate) fn scoped<E: Entity>(&self, scope: &Scope) -> SelectStatement {
        let table = self.t(E::TABLE);
        let mut q = Query::select();
        q.columns(E::COLUMNS.iter().map(|c| (table.clone(), *c)))
            .from(table.clone())
            .and_where(Expr::col((table.clone(), "account_id")).eq(scope.account().get()));
        if E::SITE_SCOPED
            && let Some(site) = scope.site()
        {
            q.and_where(Expr::col((table, "site_id")).eq(site.get()));
        }
        q
    }

    /// One entity by id inside the scope, or not found.
    pub(crate) async fn fetch_scoped<E: Entity>(&self, scope: &Scope, id: i64) -> Result<E> {
        let mut q = self.scoped::<E>(scope);
        q.and_where(Expr::col((self.t(E::TABLE), "id")).eq(id));
        let mut conn = self.db.conn().await?;
        conn.optional(&q).await?.ok_or(Error::NotFound {
            entity: E::ENTITY,
            id,
        })
    }

    /// Deletes the scope's rows among `ids`; the number deleted.
    pub(crate) async fn delete_scoped<E: Entity>(&self, scope: &Scope, ids: &[i64]) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut q = Query::delete();
        q.from_table(self.t(E::TABLE))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("id").is_in(ids.iter().copied()));
        if E::SITE_SCOPED
            && let Some(site) = scope.site()
        {
            q.and_where(Expr::col("site_id").eq(site.get()));
        }
        let mut conn = self.db.conn().await?;
        let n = conn.execute(&q).await?;
        // Deleting a site or a sector deletes its keywords.
        if n > 0 && matches!(E::TABLE, T::Keywords | T::Sites | T::Sectors) {
            conn.execute(&self.touch(scope.account(), T::Keywords))
                .await?;
        }
        Ok(n)
    }
}

impl SqlStore {
    /// Inserts one row of `(column, value)` pairs; its id.
    pub(crate) async fn insert_row(
        &self,
        table: T,
        values: Vec<(&'static str, sea_query::SimpleExpr)>,
        what: &'static str,
    ) -> Result<i64> {
        let (cols, vals): (Vec<_>, Vec<_>) = values.into_iter().unzip();
        let q = Query::insert()
            .into_table(self.t(table))
            .columns(cols)
            .values_panic(vals)
            .to_owned();
        self.db
            .conn()
            .await?
            .insert(&q)
            .await
            .map_err(tenancy::unique(what))
    }

    /// Updates the scope's rows among `ids` (and matching `only`, when given); the number
    /// changed. `updated_at` is set too.
    pub(crate) async fn update_rows<E: Entity>(
        &self,
        scope: &Scope,
        ids: &[i64],
        mut values: Vec<(&'static str, sea_query::SimpleExpr)>,
        only: Option<sea_query::SimpleExpr>,
        what: &'static str,
    ) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        values.push(("updated_at", self.now_ms().into()));
        let mut q = Query::update();
        q.table(self.t(E::TABLE))
            .values(values)
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("id").is_in(ids.iter().copied()));
        if E::SITE_SCOPED
            && let Some(site) = scope.site()
        {
            q.and_where(Expr::col("site_id").eq(site.get()));
        }
        if let Some(cond) = only {
            q.and_where(cond);
        }
        self.db
            .conn()
            .await?
            .execute(&q)
            .await
            .map_err(tenancy::unique(what))
    }

    /// Checks that row `id` of `table` is the scope's (and in `sector`, when given); `field`
    /// names the reference in the error.
    pub(crate) async fn check_ref(
        &self,
        table: T,
        scope: &Scope,
        id: i64,
        sector: Option<crate::ids::SectorId>,
        field: &str,
        entity: &str,
    ) -> Result<()> {
        let mut q = Query::select();
        q.expr(Expr::val(1i64))
            .from(self.t(table))
            .and_where(Expr::col("id").eq(id))
            .and_where(Expr::col("account_id").eq(scope.account().get()));
        if let Some(sector) = sector {
            q.and_where(Expr::col("sector_id").eq(sector.get()));
        }
        let found: Option<i64> = self.db.conn().await?.optional(&q).await?;
        match found {
            Some(_) => Ok(()),
            None if sector.is_some() => Err(Error::field(
                field,
                format!("{entity} {id} is not in this sector"),
            )),
            None => Err(Error::field(field, format!("{entity} {id} not found"))),
        }
    }
}

/// A domain type stored in one table (the mapping is private to the store).
pub(crate) trait Entity: FromDbRow {
    const TABLE: T;
    const ENTITY: &'static str;
    const COLUMNS: &'static [&'static str];
    /// Whether the table has a `site_id` column that a site-restricted scope narrows.
    const SITE_SCOPED: bool;
}

/// A JSON value as stored (text on every backend).
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}
