//! Test helpers (feature `testing`): a fresh database per test on every backend, dropped
//! afterwards.
//!
//! SQLite always runs (a temporary file). PostgreSQL runs when `IGNY8_TEST_POSTGRES_URL` is set
//! and MySQL/MariaDB when `IGNY8_TEST_MYSQL_URL` is set: each names a server and a database the
//! tests may connect to in order to create and drop their own databases, e.g.
//! `postgres://postgres@127.0.0.1:5432/test` and `mysql://root@127.0.0.1:3306/test`.
//! With `IGNY8_TEST_REQUIRE=postgres,mysql` (as CI sets it), a missing URL fails the tests
//! instead of skipping those backends.

pub mod auto_ai;
pub mod fake_ai;

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{AssertSqlSafe, Connection};

use crate::error::{Error, Result};
use crate::store::{Backend, SqlStore, StoreOptions};
use crate::{CoreConfig, Igny8};

/// A database made for one test.
#[derive(Debug)]
pub struct TestDatabase {
    /// Its engine.
    pub backend: Backend,
    /// The URL to open it with.
    pub url: String,
    admin_url: Option<String>,
    name: String,
}

fn env_name(backend: Backend) -> Option<&'static str> {
    match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some("IGNY8_TEST_POSTGRES_URL"),
        Backend::MySql => Some("IGNY8_TEST_MYSQL_URL"),
    }
}

/// Whether CI demands this backend (`IGNY8_TEST_REQUIRE`).
fn required(backend: Backend) -> bool {
    std::env::var("IGNY8_TEST_REQUIRE")
        .map(|v| {
            v.split(',')
                .any(|b| b.trim().eq_ignore_ascii_case(backend.as_str()))
        })
        .unwrap_or(false)
}

fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "igny8_test_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// `url` with its database (path) replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| scheme_end + i)
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TestDatabase {
    /// Creates a fresh database; `None` when the backend is not configured (and not required).
    pub async fn create(backend: Backend) -> Result<Option<Self>> {
        let name = unique_name();
        let Some(var) = env_name(backend) else {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            return Ok(Some(Self {
                backend,
                url: format!("sqlite://{}", path.display()),
                admin_url: None,
                name: path.display().to_string(),
            }));
        };
        let admin_url = match std::env::var(var) {
            Ok(url) if !url.trim().is_empty() => url,
            _ if required(backend) => {
                return Err(Error::Config(format!(
                    "{var} is not set, but IGNY8_TEST_REQUIRE asks for {}",
                    backend.as_str()
                )));
            }
            _ => return Ok(None),
        };
        match backend {
            Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&admin_url).await?;
                sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut c)
                    .await?;
                c.close().await?;
            }
            Backend::MySql => {
                let mut c = sqlx::MySqlConnection::connect(&admin_url).await?;
                sqlx::raw_sql(AssertSqlSafe(format!(
                    "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                )))
                .execute(&mut c)
                .await?;
                c.close().await?;
            }
            Backend::Sqlite => unreachable!("handled above"),
        }
        Ok(Some(Self {
            backend,
            url: with_database(&admin_url, &name),
            admin_url: Some(admin_url),
            name,
        }))
    }

    /// Drops the database (close every pool on it first).
    pub async fn drop_database(self) -> Result<()> {
        match (self.backend, &self.admin_url) {
            (Backend::Sqlite, _) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.name));
                }
            }
            (Backend::Postgres, Some(admin)) => {
                let mut c = sqlx::PgConnection::connect(admin).await?;
                sqlx::raw_sql(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                )))
                .execute(&mut c)
                .await?;
                c.close().await?;
            }
            (Backend::MySql, Some(admin)) => {
                let mut c = sqlx::MySqlConnection::connect(admin).await?;
                sqlx::raw_sql(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {}",
                    self.name
                )))
                .execute(&mut c)
                .await?;
                c.close().await?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Store options for this database.
    pub fn options(&self) -> StoreOptions {
        StoreOptions::new(self.url.clone())
    }
}

/// An account with one site and one sector, and the system scope acting in it.
#[derive(Debug, Clone, Copy)]
pub struct Tenant {
    /// The system acting in the account.
    pub scope: crate::tenancy::Scope,
    /// The site.
    pub site: crate::SiteId,
    /// The sector (named `Main`).
    pub sector: crate::SectorId,
}

/// Creates an account named `name` with `credits` credits, a site and a sector.
pub async fn tenant<S: crate::Store>(core: &Igny8<S>, name: &str, credits: i64) -> Result<Tenant> {
    use crate::tenancy::{NewAccount, NewSector, NewSite, Operator, Scope};
    let account = core
        .tenancy()
        .create_account(
            &Operator::embedder(),
            NewAccount {
                name: name.into(),
                plan_id: None,
                initial_credits: Some(credits),
            },
        )
        .await?;
    let scope = Scope::system(account.id);
    let site = core
        .tenancy()
        .create_site(
            &scope,
            NewSite {
                name: format!("{name} site"),
                url: Some("https://example.com".into()),
                ..Default::default()
            },
        )
        .await?;
    let sector = core
        .tenancy()
        .create_sector(
            &scope,
            NewSector {
                site_id: site.id,
                name: "Main".into(),
                description: None,
                is_active: None,
            },
        )
        .await?;
    Ok(Tenant {
        scope,
        site: site.id,
        sector: sector.id,
    })
}

/// Runs `test` against a fresh, migrated database of `backend` (skipped when that backend is
/// not configured), then drops the database — also when the test panics, whose panic is then
/// passed on.
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Igny8<SqlStore>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_with(backend, |_| {}, test).await
}

/// Like [`run`], with a chance to adjust the core's configuration first.
pub async fn run_with<C, F, Fut>(backend: Backend, configure: C, test: F)
where
    C: FnOnce(&mut CoreConfig),
    F: FnOnce(Igny8<SqlStore>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let db = match TestDatabase::create(backend).await {
        Ok(Some(db)) => db,
        Ok(None) => {
            eprintln!(
                "skipped on {}: no test database configured",
                backend.as_str()
            );
            return;
        }
        Err(e) => panic!("could not create a {} test database: {e}", backend.as_str()),
    };
    let mut config = CoreConfig::new(db.url.clone());
    config.secret_key = Some(crate::crypto::SecretBox::generate_key());
    configure(&mut config);
    let core = match Igny8::open(config).await {
        Ok(core) => core,
        Err(e) => {
            let _ = db.drop_database().await;
            panic!("could not open the {} test database: {e}", backend.as_str());
        }
    };
    let store = core.store.clone();
    let outcome = tokio::spawn(test(core)).await;
    store.close().await;
    if let Err(e) = db.drop_database().await {
        eprintln!("could not drop a {} test database: {e}", backend.as_str());
    }
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("test task failed: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_is_swapped_in_the_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306/test?ssl-mode=disabled", "x"),
            "mysql://root@127.0.0.1:3306/x?ssl-mode=disabled"
        );
        assert_eq!(
            with_database("mysql://root@localhost", "x"),
            "mysql://root@localhost/x"
        );
    }
}
