//! Sessions, API keys and rate-limit counters on SQL.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, LockType, OnConflict, Query};

use super::db::{Backend, DbRow, FromDbRow};
use super::list::SortSpec;
use super::{Entity, SqlStore, T};
use crate::error::Result;
use crate::ids::*;
use crate::list::{CursorValue, Page, PageRequest};
use crate::store::{AuthStore, RateLimitStore};
use crate::tenancy::Scope;
use crate::tenancy::auth::{ApiKey, ApiKeyHolder, ApiKeyRecord, Rotation};
use crate::tenancy::{AccountStatus, User};

row!(ApiKey: ApiKeyId in ApiKeys, site_scoped {
    id, account_id, site_id, name, prefix, role, created_by, last_used_at, expires_at,
    revoked_at, created_at,
});

impl FromDbRow for ApiKeyHolder {
    fn from_row(r: &DbRow<'_>) -> Result<Self> {
        let creator_role: Option<String> = r.get("creator_role")?;
        let account_status: Option<String> = r.get("account_status")?;
        Ok(ApiKeyHolder {
            key: ApiKey::from_row(r)?,
            creator_active: r.get("creator_active")?,
            creator_role: creator_role.and_then(|s| s.parse().ok()),
            account_status: account_status.and_then(|s| s.parse().ok()),
        })
    }
}

/// A failure count and when the last failure happened (milliseconds).
struct FailureRow(i64, i64);

impl FromDbRow for FailureRow {
    fn from_row(r: &DbRow<'_>) -> Result<Self> {
        Ok(FailureRow(r.get("hits")?, r.get("window_start")?))
    }
}

/// A user and their account's status.
struct Principal(User, Option<AccountStatus>);

impl FromDbRow for Principal {
    fn from_row(r: &DbRow<'_>) -> Result<Self> {
        let status: Option<String> = r.get("account_status")?;
        Ok(Principal(
            User::from_row(r)?,
            status.and_then(|s| s.parse().ok()),
        ))
    }
}

struct TokenRow {
    id: i64,
    user_id: i64,
    family: String,
    expires_at: i64,
    rotated_at: Option<i64>,
    revoked_at: Option<i64>,
}

row!(TokenRow {
    id,
    user_id,
    family,
    expires_at,
    rotated_at,
    revoked_at
});

/// The `kind` of a refresh-token row: a session of the API (rotated for access tokens) or of
/// the web app (a browser's cookie, never rotated).
const API_SESSION: &str = "api";
const WEB_SESSION: &str = "web";

/// How often a browser session's `last_seen_at` is written, at most (milliseconds): often
/// enough for an idle timeout counted in hours, rarely enough not to write on every request.
const TOUCH_EVERY_MS: i64 = 60_000;

struct WebSessionRow {
    id: i64,
    user_id: i64,
    expires_at: i64,
    last_seen_at: i64,
}

row!(WebSessionRow {
    id,
    user_id,
    expires_at,
    last_seen_at
});

impl SqlStore {
    /// A new session row of `kind`, last seen now.
    async fn insert_token(
        &self,
        user: UserId,
        family: &str,
        hash: &str,
        expires_at: DateTime<Utc>,
        kind: &str,
    ) -> Result<()> {
        let now = self.now_ms();
        self.insert_row(
            T::RefreshTokens,
            vec![
                ("user_id", user.get().into()),
                ("family", family.into()),
                ("token_hash", hash.into()),
                ("kind", kind.into()),
                ("expires_at", expires_at.timestamp_millis().into()),
                ("last_seen_at", now.into()),
                ("created_at", now.into()),
            ],
            "this session",
        )
        .await?;
        Ok(())
    }

    fn revoke_family(&self, family: &str, now: i64) -> sea_query::UpdateStatement {
        Query::update()
            .table(self.t(T::RefreshTokens))
            .value("revoked_at", now)
            .and_where(Expr::col("family").eq(family))
            .and_where(Expr::col("revoked_at").is_null())
            .to_owned()
    }
}

impl AuthStore for SqlStore {
    async fn insert_refresh_token(
        &self,
        user: UserId,
        family: &str,
        hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        self.insert_token(user, family, hash, expires_at, API_SESSION)
            .await
    }

    async fn rotate_refresh_token(
        &self,
        hash: &str,
        next_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<Rotation> {
        let now = self.now_ms();
        let mut tx = self.db.begin().await?;
        let q = Query::select()
            .columns([
                "id",
                "user_id",
                "family",
                "expires_at",
                "rotated_at",
                "revoked_at",
            ])
            .from(self.t(T::RefreshTokens))
            .and_where(Expr::col("token_hash").eq(hash))
            .and_where(Expr::col("kind").eq(API_SESSION))
            .lock(LockType::Update)
            .to_owned();
        let Some(row) = tx.optional::<TokenRow>(&q).await? else {
            return Ok(Rotation::Invalid);
        };
        if row.revoked_at.is_some() || row.expires_at <= now {
            return Ok(Rotation::Invalid);
        }
        let rotate = Query::update()
            .table(self.t(T::RefreshTokens))
            .value("rotated_at", now)
            .and_where(Expr::col("id").eq(row.id))
            .and_where(Expr::col("rotated_at").is_null())
            .to_owned();
        if row.rotated_at.is_some() || tx.execute(&rotate).await? == 0 {
            // A rotated token came back: someone else has a copy. End the whole family.
            tx.execute(&self.revoke_family(&row.family, now)).await?;
            tx.commit().await?;
            return Ok(Rotation::Reused);
        }
        let insert = Query::insert()
            .into_table(self.t(T::RefreshTokens))
            .columns([
                "user_id",
                "family",
                "token_hash",
                "expires_at",
                "created_at",
            ])
            .values_panic([
                row.user_id.into(),
                row.family.clone().into(),
                next_hash.into(),
                expires_at.timestamp_millis().into(),
                now.into(),
            ])
            .to_owned();
        tx.execute(&insert).await?;
        tx.commit().await?;
        Ok(Rotation::Rotated(UserId(row.user_id)))
    }

    async fn insert_web_session(
        &self,
        user: UserId,
        family: &str,
        hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        self.insert_token(user, family, hash, expires_at, WEB_SESSION)
            .await
    }

    async fn touch_web_session(
        &self,
        hash: &str,
        idle_since: DateTime<Utc>,
    ) -> Result<Option<(UserId, DateTime<Utc>)>> {
        let now = self.now_ms();
        let q = Query::select()
            .columns(["id", "user_id", "expires_at", "last_seen_at"])
            .from(self.t(T::RefreshTokens))
            .and_where(Expr::col("token_hash").eq(hash))
            .and_where(Expr::col("kind").eq(WEB_SESSION))
            .and_where(Expr::col("revoked_at").is_null())
            .and_where(Expr::col("expires_at").gt(now))
            .and_where(Expr::col("last_seen_at").gte(idle_since.timestamp_millis()))
            .to_owned();
        let mut conn = self.db.conn().await?;
        let Some(row) = conn.optional::<WebSessionRow>(&q).await? else {
            return Ok(None);
        };
        if now - row.last_seen_at >= TOUCH_EVERY_MS {
            let touch = Query::update()
                .table(self.t(T::RefreshTokens))
                .value("last_seen_at", now)
                .and_where(Expr::col("id").eq(row.id))
                .to_owned();
            conn.execute(&touch).await?;
        }
        Ok(Some((
            UserId(row.user_id),
            crate::clock::from_millis(row.expires_at),
        )))
    }

    async fn revoke_token_family(&self, hash: &str) -> Result<()> {
        let q = Query::select()
            .column("family")
            .from(self.t(T::RefreshTokens))
            .and_where(Expr::col("token_hash").eq(hash))
            .to_owned();
        let mut conn = self.db.conn().await?;
        if let Some(family) = conn.optional::<String>(&q).await? {
            conn.execute(&self.revoke_family(&family, self.now_ms()))
                .await?;
        }
        Ok(())
    }

    async fn revoke_user_tokens(&self, user: UserId) -> Result<()> {
        let q = Query::update()
            .table(self.t(T::RefreshTokens))
            .value("revoked_at", self.now_ms())
            .and_where(Expr::col("user_id").eq(user.get()))
            .and_where(Expr::col("revoked_at").is_null())
            .to_owned();
        self.db.conn().await?.execute(&q).await?;
        Ok(())
    }

    async fn create_api_key(&self, scope: &Scope, k: &ApiKeyRecord) -> Result<ApiKey> {
        let id = self
            .insert_row(
                T::ApiKeys,
                vec![
                    ("account_id", scope.account().get().into()),
                    ("site_id", k.site_id.map(|s| s.get()).into()),
                    ("name", k.name.clone().into()),
                    ("prefix", k.prefix.clone().into()),
                    ("key_hash", k.key_hash.clone().into()),
                    ("role", k.role.as_str().into()),
                    ("created_by", k.created_by.map(|u| u.get()).into()),
                    (
                        "expires_at",
                        k.expires_at.map(|t| t.timestamp_millis()).into(),
                    ),
                    ("created_at", self.now_ms().into()),
                ],
                "this API key",
            )
            .await?;
        self.fetch_scoped(scope, id).await
    }

    async fn list_api_keys(&self, scope: &Scope, page: &PageRequest) -> Result<Page<ApiKey>> {
        let spec = SortSpec::new(
            "id",
            true,
            |k: &ApiKey| CursorValue::Int(k.id.get()),
            |k| k.id.get(),
        );
        self.list_page(
            self.scoped::<ApiKey>(scope),
            self.t(T::ApiKeys),
            &spec,
            page,
        )
        .await
    }

    async fn revoke_api_key(&self, scope: &Scope, id: ApiKeyId) -> Result<ApiKey> {
        let mut q = Query::update();
        q.table(self.t(T::ApiKeys))
            .value("revoked_at", self.now_ms())
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("id").eq(id.get()))
            .and_where(Expr::col("revoked_at").is_null());
        if let Some(site) = scope.site() {
            q.and_where(Expr::col("site_id").eq(site.get()));
        }
        self.db.conn().await?.execute(&q).await?;
        self.fetch_scoped(scope, id.get()).await
    }

    async fn get_api_key(&self, scope: &Scope, id: ApiKeyId) -> Result<ApiKey> {
        self.fetch_scoped(scope, id.get()).await
    }

    async fn update_api_key(
        &self,
        scope: &Scope,
        id: ApiKeyId,
        name: Option<&str>,
        expires_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
    ) -> Result<ApiKey> {
        let current: ApiKey = self.fetch_scoped(scope, id.get()).await?;
        let mut q = Query::update();
        q.table(self.t(T::ApiKeys))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("id").eq(current.id.get()));
        let mut any = false;
        if let Some(n) = name {
            q.value("name", n);
            any = true;
        }
        if let Some(e) = expires_at {
            q.value("expires_at", e.map(|t| t.timestamp_millis()));
            any = true;
        }
        if any {
            self.db.conn().await?.execute(&q).await?;
        }
        self.fetch_scoped(scope, id.get()).await
    }

    async fn find_api_key(&self, hash: &str) -> Result<Option<ApiKeyHolder>> {
        let t = self.t(T::ApiKeys);
        let keys = format!("{}api_keys", self.prefix());
        let users = format!("{}users", self.prefix());
        let accounts = format!("{}accounts", self.prefix());
        let q = Query::select()
            .columns(ApiKey::COLUMNS.iter().map(|c| (t.clone(), *c)))
            .expr_as(
                Expr::cust(format!(
                    "(SELECT u.is_active FROM {users} u WHERE u.id = {keys}.created_by)"
                )),
                "creator_active",
            )
            .expr_as(
                Expr::cust(format!(
                    "(SELECT u.role FROM {users} u WHERE u.id = {keys}.created_by)"
                )),
                "creator_role",
            )
            .expr_as(
                Expr::cust(format!(
                    "(SELECT a.status FROM {accounts} a WHERE a.id = {keys}.account_id)"
                )),
                "account_status",
            )
            .from(t)
            .and_where(Expr::col("key_hash").eq(hash))
            .to_owned();
        self.db.conn().await?.optional(&q).await
    }

    async fn find_principal(&self, user: UserId) -> Result<Option<(User, Option<AccountStatus>)>> {
        let table = self.t(T::Users);
        let users = format!("{}users", self.prefix());
        let accounts = format!("{}accounts", self.prefix());
        let q = Query::select()
            .columns(User::COLUMNS.iter().map(|c| (table.clone(), *c)))
            .expr_as(
                Expr::cust(format!(
                    "(SELECT a.status FROM {accounts} a WHERE a.id = {users}.account_id)"
                )),
                "account_status",
            )
            .from(table)
            .and_where(Expr::col("id").eq(user.get()))
            .to_owned();
        let found: Option<Principal> = self.db.conn().await?.optional(&q).await?;
        Ok(found.map(|p| (p.0, p.1)))
    }

    async fn touch_api_key(&self, id: ApiKeyId) -> Result<()> {
        let q = Query::update()
            .table(self.t(T::ApiKeys))
            .value("last_used_at", self.now_ms())
            .and_where(Expr::col("id").eq(id.get()))
            .to_owned();
        self.db.conn().await?.execute(&q).await?;
        Ok(())
    }
}

impl RateLimitStore for SqlStore {
    async fn hit(&self, bucket: &str, window: std::time::Duration) -> Result<(u64, DateTime<Utc>)> {
        let now = self.now_ms();
        let window = std::cmp::max(i64::try_from(window.as_millis()).unwrap_or(i64::MAX / 2), 1);
        let start = now - now.rem_euclid(window);
        let table = format!("{}rate_limits", self.prefix());
        let (hits, window_start) = match self.backend() {
            // Assignments run left to right on MySQL: `hits` sees the old window.
            Backend::MySql => (
                Expr::cust("IF(window_start = VALUES(window_start), hits + 1, 1)"),
                Expr::cust("VALUES(window_start)"),
            ),
            _ => (
                Expr::cust(format!(
                    "CASE WHEN {table}.window_start = excluded.window_start THEN {table}.hits + 1 ELSE 1 END"
                )),
                Expr::cust("excluded.window_start"),
            ),
        };
        let upsert = Query::insert()
            .into_table(self.t(T::RateLimits))
            .columns(["bucket", "window_start", "hits"])
            .values_panic([bucket.into(), start.into(), 1i64.into()])
            .on_conflict(
                OnConflict::column("bucket")
                    .values([("hits", hits), ("window_start", window_start)])
                    .to_owned(),
            )
            .to_owned();
        let count: i64 = match self.backend() {
            Backend::Sqlite => {
                let mut upsert = upsert;
                let _one_writer = self.sqlite_writer.lock().await;
                self.db
                    .conn()
                    .await?
                    .one(upsert.returning_col("hits"))
                    .await?
            }
            // Every request of a user counts in one row: waiting for the log flush while
            // holding its lock would queue the user's requests one flush apart. A counter lost
            // in a crash is harmless.
            Backend::Postgres => {
                let mut upsert = upsert;
                let mut tx = self.db.begin().await?;
                tx.raw("SET LOCAL synchronous_commit = off".into()).await?;
                let count = tx.one(upsert.returning_col("hits")).await?;
                tx.commit().await?;
                count
            }
            Backend::MySql => {
                let read = Query::select()
                    .column("hits")
                    .from(self.t(T::RateLimits))
                    .and_where(Expr::col("bucket").eq(bucket))
                    .to_owned();
                let mut tx = self.db.begin().await?;
                tx.execute(&upsert).await?;
                let count = tx.one(&read).await?;
                tx.commit().await?;
                count
            }
        };
        Ok((
            std::cmp::max(count, 0) as u64,
            crate::clock::from_millis(start + window),
        ))
    }

    async fn failures(&self, key: &str) -> Result<Option<(u64, DateTime<Utc>)>> {
        let q = Query::select()
            .columns(["hits", "window_start"])
            .from(self.t(T::RateLimits))
            .and_where(Expr::col("bucket").eq(key))
            .to_owned();
        let row: Option<FailureRow> = self.db.conn().await?.optional(&q).await?;
        Ok(row.map(|FailureRow(hits, last)| {
            (
                std::cmp::max(hits, 0) as u64,
                crate::clock::from_millis(last),
            )
        }))
    }

    async fn record_failure(&self, key: &str, forget_before: DateTime<Utc>) -> Result<()> {
        let now = self.now_ms();
        let cutoff = forget_before.timestamp_millis();
        let table = format!("{}rate_limits", self.prefix());
        let (hits, last) = match self.backend() {
            // Assignments run left to right on MySQL: `hits` sees the old time.
            Backend::MySql => (
                Expr::cust(format!("IF(window_start < {cutoff}, 1, hits + 1)")),
                Expr::cust("VALUES(window_start)"),
            ),
            _ => (
                Expr::cust(format!(
                    "CASE WHEN {table}.window_start < {cutoff} THEN 1 ELSE {table}.hits + 1 END"
                )),
                Expr::cust("excluded.window_start"),
            ),
        };
        let upsert = Query::insert()
            .into_table(self.t(T::RateLimits))
            .columns(["bucket", "window_start", "hits"])
            .values_panic([key.into(), now.into(), 1i64.into()])
            .on_conflict(
                OnConflict::column("bucket")
                    .values([("hits", hits), ("window_start", last)])
                    .to_owned(),
            )
            .to_owned();
        let _one_writer = match self.backend() {
            Backend::Sqlite => Some(self.sqlite_writer.lock().await),
            _ => None,
        };
        self.db.conn().await?.execute(&upsert).await?;
        Ok(())
    }

    async fn clear_failures(&self, key: &str) -> Result<()> {
        let q = Query::delete()
            .from_table(self.t(T::RateLimits))
            .and_where(Expr::col("bucket").eq(key))
            .to_owned();
        let _one_writer = match self.backend() {
            Backend::Sqlite => Some(self.sqlite_writer.lock().await),
            _ => None,
        };
        self.db.conn().await?.execute(&q).await?;
        Ok(())
    }

    async fn prune_counters(&self, before: DateTime<Utc>) -> Result<u64> {
        let q = Query::delete()
            .from_table(self.t(T::RateLimits))
            .and_where(Expr::col("window_start").lt(before.timestamp_millis()))
            .to_owned();
        let _one_writer = match self.backend() {
            Backend::Sqlite => Some(self.sqlite_writer.lock().await),
            _ => None,
        };
        self.db.conn().await?.execute(&q).await
    }
}
