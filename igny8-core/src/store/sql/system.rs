//! Settings and integrations on SQL.

use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};

use super::db::{Backend, DbRow, FromDbRow};
use super::{SqlStore, T, to_json};
use crate::error::Result;
use crate::ids::*;
use crate::store::SystemStore;
use crate::system::*;
use crate::tenancy::Scope;

impl FromDbRow for StoredSetting {
    fn from_row(r: &DbRow<'_>) -> Result<Self> {
        let user: i64 = r.get("user_id")?;
        Ok(StoredSetting {
            user_id: (user != 0).then_some(UserId(user)),
            key: r.get("name")?,
            value: r.json("value")?,
            updated_at: r.time("updated_at")?,
        })
    }
}

// Never `secret_enc`: the sealed secret is read by `integration_secret` only.
row!(Integration: IntegrationId in Integrations {
    id, account_id, provider, config: json, has_secret: (has_secret),
    secret_hint, is_active, created_at, updated_at,
});

fn has_secret(r: &DbRow<'_>) -> Result<bool> {
    Ok(r.get::<Option<String>>("secret_hint")?.is_some())
}

impl SqlStore {
    pub(crate) fn excluded(&self, col: &str) -> sea_query::SimpleExpr {
        match self.backend() {
            Backend::MySql => Expr::cust(format!("VALUES({col})")),
            _ => Expr::cust(format!("excluded.{col}")),
        }
    }
}

impl SystemStore for SqlStore {
    async fn list_settings(
        &self,
        scope: &Scope,
        user: Option<UserId>,
    ) -> Result<Vec<StoredSetting>> {
        let q = Query::select()
            .columns(["user_id", "name", "value", "updated_at"])
            .from(self.t(T::Settings))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("user_id").eq(user.map_or(0, |u| u.get())))
            .order_by("name", Order::Asc)
            .to_owned();
        self.db.conn().await?.all(&q).await
    }

    async fn put_setting(
        &self,
        scope: &Scope,
        user: Option<UserId>,
        key: &str,
        value: &serde_json::Value,
    ) -> Result<()> {
        let now = self.now_ms();
        let mut q = Query::insert();
        q.into_table(self.t(T::Settings))
            .columns([
                "account_id",
                "user_id",
                "name",
                "value",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                scope.account().get().into(),
                user.map_or(0, |u| u.get()).into(),
                key.into(),
                to_json(value).into(),
                now.into(),
                now.into(),
            ])
            .on_conflict(
                OnConflict::columns(["account_id", "user_id", "name"])
                    .values([
                        ("value", self.excluded("value")),
                        ("updated_at", self.excluded("updated_at")),
                    ])
                    .to_owned(),
            );
        self.db.conn().await?.execute(&q).await?;
        Ok(())
    }

    async fn delete_setting(&self, scope: &Scope, user: Option<UserId>, key: &str) -> Result<bool> {
        let q = Query::delete()
            .from_table(self.t(T::Settings))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("user_id").eq(user.map_or(0, |u| u.get())))
            .and_where(Expr::col("name").eq(key))
            .to_owned();
        Ok(self.db.conn().await?.execute(&q).await? > 0)
    }

    async fn list_integrations(&self, scope: &Scope) -> Result<Vec<Integration>> {
        let mut q = self.scoped::<Integration>(scope);
        q.order_by("provider", Order::Asc);
        self.db.conn().await?.all(&q).await
    }

    async fn put_integration(&self, scope: &Scope, r: &IntegrationRecord) -> Result<Integration> {
        let now = self.now_ms();
        let mut tx = self.db.begin().await?;
        let existing = {
            let mut q = self.scoped::<Integration>(scope);
            q.and_where(Expr::col("provider").eq(r.provider.as_str()));
            tx.optional::<Integration>(&q).await?
        };
        match existing {
            Some(found) => {
                let mut q = Query::update();
                q.table(self.t(T::Integrations))
                    .value("updated_at", now)
                    .and_where(Expr::col("id").eq(found.id.get()))
                    .and_where(Expr::col("account_id").eq(scope.account().get()));
                if let Some(c) = &r.config {
                    q.value("config", to_json(c));
                }
                if let Some(secret) = &r.secret {
                    q.value("secret_enc", secret.as_ref().map(|s| s.0.clone()))
                        .value("secret_hint", secret.as_ref().map(|s| s.1.clone()));
                }
                if let Some(a) = r.is_active {
                    q.value("is_active", a);
                }
                tx.execute(&q).await?;
            }
            None => {
                let secret = r.secret.clone().flatten();
                let q = Query::insert()
                    .into_table(self.t(T::Integrations))
                    .columns([
                        "account_id",
                        "provider",
                        "config",
                        "secret_enc",
                        "secret_hint",
                        "is_active",
                        "created_at",
                        "updated_at",
                    ])
                    .values_panic([
                        scope.account().get().into(),
                        r.provider.as_str().into(),
                        to_json(&r.config.clone().unwrap_or_default()).into(),
                        secret.as_ref().map(|s| s.0.clone()).into(),
                        secret.as_ref().map(|s| s.1.clone()).into(),
                        r.is_active.unwrap_or(true).into(),
                        now.into(),
                        now.into(),
                    ])
                    .to_owned();
                tx.insert(&q).await?;
            }
        }
        let mut q = self.scoped::<Integration>(scope);
        q.and_where(Expr::col("provider").eq(r.provider.as_str()));
        let out = tx.one(&q).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn delete_integration(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
    ) -> Result<bool> {
        let q = Query::delete()
            .from_table(self.t(T::Integrations))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("provider").eq(provider.as_str()))
            .to_owned();
        Ok(self.db.conn().await?.execute(&q).await? > 0)
    }

    async fn integration_secret(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
    ) -> Result<Option<String>> {
        let q = Query::select()
            .column("secret_enc")
            .from(self.t(T::Integrations))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("provider").eq(provider.as_str()))
            .to_owned();
        let found: Option<Option<String>> = self.db.conn().await?.optional(&q).await?;
        Ok(found.flatten())
    }

    async fn reseal_integration_secret(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
        old: &str,
        new: &str,
    ) -> Result<()> {
        let q = Query::update()
            .table(self.t(T::Integrations))
            .value("secret_enc", new)
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("provider").eq(provider.as_str()))
            .and_where(Expr::col("secret_enc").eq(old))
            .to_owned();
        self.db.conn().await?.execute(&q).await?;
        Ok(())
    }
}
