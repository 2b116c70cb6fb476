//! Plans, accounts, users, sites and sectors on SQL.

use sea_query::{Expr, ExprTrait, LockType, Query, SimpleExpr};

use super::db::{DbRow, FromDbRow, Tx};
use super::list::SortSpec;
use super::{Entity, SqlStore, T};
use crate::credits::TransactionKind;
use crate::error::{Error, PlanLimit, Result};
use crate::ids::*;
use crate::list::{CursorValue, Page, PageRequest};
use crate::store::TenancyStore;
use crate::tenancy::*;

row!(Plan: PlanId in Plans {
    id, slug, name, monthly_credits,
    limits: (plan_limits, "max_sites", "max_sectors_per_site", "max_users", "max_keywords"),
    is_default, created_at,
});

fn plan_limits(r: &DbRow<'_>) -> Result<PlanLimits> {
    Ok(PlanLimits {
        max_sites: r.get("max_sites")?,
        max_sectors_per_site: r.get("max_sectors_per_site")?,
        max_users: r.get("max_users")?,
        max_keywords: r.get("max_keywords")?,
    })
}

row!(Account: AccountId in Accounts {
    id, name, plan_id, credits, status, created_at, updated_at,
});

row!(User: UserId in Users {
    id, account_id, email, name, role, is_superuser, is_active, last_login_at, created_at,
    updated_at,
});

struct Login(User, String);

impl FromDbRow for Login {
    fn from_row(r: &DbRow<'_>) -> Result<Self> {
        Ok(Login(User::from_row(r)?, r.get("password_hash")?))
    }
}

// A site-restricted scope sees its own site only: the site's id is its `site_id`, so the
// table is not `site_scoped`.
row!(Site: SiteId in Sites {
    id, account_id, name, url, industry, is_active,
    wordpress: (wordpress, "wp_url", "wp_username", "wp_password_hint"),
    created_at, updated_at,
});

fn wordpress(r: &DbRow<'_>) -> Result<Option<WordPressConnection>> {
    let wp_url: Option<String> = r.get("wp_url")?;
    let wp_username: Option<String> = r.get("wp_username")?;
    Ok(match (wp_url, wp_username) {
        (Some(url), Some(username)) => Some(WordPressConnection {
            url,
            username,
            password_hint: r.get("wp_password_hint")?,
        }),
        _ => None,
    })
}

row!(Sector: SectorId in Sectors, site_scoped {
    id, account_id, site_id, name, description, is_active, created_at, updated_at,
});

/// Says what collided in a unique violation.
pub(crate) fn unique(what: &'static str) -> impl Fn(Error) -> Error {
    move |e| match e {
        Error::Duplicate(_) => Error::Duplicate(format!("{what} already exists")),
        other => other,
    }
}

impl SqlStore {
    /// Locks the account row for the rest of the transaction (a no-op on SQLite, whose
    /// transactions already hold the write lock), so that writers of one account queue instead
    /// of deadlocking; its plan's id.
    pub(crate) async fn lock_account(&self, tx: &mut Tx, account: AccountId) -> Result<PlanId> {
        let lock = Query::select()
            .column("plan_id")
            .from(self.t(T::Accounts))
            .and_where(Expr::col("id").eq(account.get()))
            .lock(LockType::Update)
            .to_owned();
        let plan_id: Option<i64> = tx.optional(&lock).await?;
        plan_id.map(PlanId).ok_or_else(|| account.not_found())
    }

    /// Locks the account row (see [`SqlStore::lock_account`]) and returns its plan.
    pub(crate) async fn lock_account_plan(&self, tx: &mut Tx, account: AccountId) -> Result<Plan> {
        let plan_id = self.lock_account(tx, account).await?;
        let q = Query::select()
            .columns(Plan::COLUMNS.iter().copied())
            .from(self.t(T::Plans))
            .and_where(Expr::col("id").eq(plan_id.get()))
            .to_owned();
        tx.one(&q).await
    }

    /// Fails with the limit's error when `current + adding` would exceed it.
    pub(crate) fn check_limit(
        plan: &Plan,
        limit: PlanLimit,
        current: i64,
        adding: i64,
    ) -> Result<()> {
        match plan.limits.get(limit) {
            Some(max) if current + adding > max => Err(Error::LimitReached {
                limit,
                max,
                plan: plan.name.clone(),
            }),
            _ => Ok(()),
        }
    }

    pub(crate) async fn count_where(&self, tx: &mut Tx, table: T, cond: SimpleExpr) -> Result<i64> {
        let q = Query::select()
            .expr(Expr::col(sea_query::Asterisk).count())
            .from(self.t(table))
            .and_where(cond)
            .to_owned();
        tx.one(&q).await
    }

    async fn write_plan(&self, tx: &mut Tx, id: Option<PlanId>, p: &PlanInput) -> Result<PlanId> {
        let now = self.now_ms();
        if let (Some(id), false) = (id, p.is_default) {
            // New accounts are made on the default plan: there is always one. The flag moves
            // by making another plan the default, never by clearing it.
            let is_default = Expr::col("id")
                .eq(id.get())
                .and(Expr::col("is_default").eq(true));
            if self.count_where(tx, T::Plans, is_default).await? > 0 {
                return Err(Error::field(
                    "is_default",
                    "this is the plan new accounts get, so it stays the default until another \
                     plan is made the default (set is_default: true on that plan)",
                ));
            }
        }
        if p.is_default {
            let clear = Query::update()
                .table(self.t(T::Plans))
                .value("is_default", false)
                .and_where(Expr::col("is_default").eq(true))
                .to_owned();
            tx.execute(&clear).await?;
        }
        let values: Vec<(&str, SimpleExpr)> = vec![
            ("slug", p.slug.clone().into()),
            ("name", p.name.clone().into()),
            ("monthly_credits", p.monthly_credits.into()),
            ("max_sites", p.limits.max_sites.into()),
            ("max_sectors_per_site", p.limits.max_sectors_per_site.into()),
            ("max_users", p.limits.max_users.into()),
            ("max_keywords", p.limits.max_keywords.into()),
            ("is_default", p.is_default.into()),
            ("updated_at", now.into()),
        ];
        match id {
            Some(id) => {
                let q = Query::update()
                    .table(self.t(T::Plans))
                    .values(values)
                    .and_where(Expr::col("id").eq(id.get()))
                    .to_owned();
                if tx
                    .execute(&q)
                    .await
                    .map_err(unique("a plan with this slug"))?
                    == 0
                {
                    return Err(id.not_found());
                }
                Ok(id)
            }
            None => {
                let mut cols: Vec<&str> = values.iter().map(|(c, _)| *c).collect();
                let mut vals: Vec<SimpleExpr> = values.into_iter().map(|(_, v)| v).collect();
                cols.push("created_at");
                vals.push(now.into());
                let q = Query::insert()
                    .into_table(self.t(T::Plans))
                    .columns(cols)
                    .values_panic(vals)
                    .to_owned();
                Ok(PlanId(
                    tx.insert(&q)
                        .await
                        .map_err(unique("a plan with this slug"))?,
                ))
            }
        }
    }

    async fn plan_by(&self, cond: SimpleExpr) -> Result<Option<Plan>> {
        let q = Query::select()
            .columns(Plan::COLUMNS.iter().copied())
            .from(self.t(T::Plans))
            .and_where(cond)
            .order_by("id", sea_query::Order::Asc)
            .limit(1)
            .to_owned();
        self.db.conn().await?.optional(&q).await
    }

    async fn insert_user(
        &self,
        tx: &mut Tx,
        account: Option<AccountId>,
        u: &UserRecord,
    ) -> Result<UserId> {
        let now = self.now_ms();
        let q = Query::insert()
            .into_table(self.t(T::Users))
            .columns([
                "account_id",
                "email",
                "name",
                "password_hash",
                "role",
                "is_superuser",
                "is_active",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                account.map(|a| a.get()).into(),
                u.email.clone().into(),
                u.name.clone().into(),
                u.password_hash.clone().into(),
                u.role.as_str().into(),
                u.is_superuser.into(),
                true.into(),
                now.into(),
                now.into(),
            ])
            .to_owned();
        Ok(UserId(
            tx.insert(&q)
                .await
                .map_err(unique("a user with this email"))?,
        ))
    }

    async fn user_in_tx(&self, tx: &mut Tx, id: UserId) -> Result<User> {
        let table = self.t(T::Users);
        let q = Query::select()
            .columns(User::COLUMNS.iter().map(|c| (table.clone(), *c)))
            .from(table)
            .and_where(Expr::col("id").eq(id.get()))
            .to_owned();
        tx.optional(&q).await?.ok_or_else(|| id.not_found())
    }

    /// Appends a ledger entry and moves the balance, inside `tx`. Fails with insufficient
    /// credits (changing nothing) when the balance would go below zero.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn post_in_tx(
        &self,
        tx: &mut Tx,
        account: AccountId,
        kind: TransactionKind,
        amount: i64,
        reason: &str,
        operation: Option<&str>,
        reference: Option<&crate::credits::Reference>,
        reservation: Option<ReservationId>,
        idempotency_key: Option<&str>,
    ) -> Result<TransactionId> {
        let now = self.now_ms();
        let mut update = Query::update();
        update
            .table(self.t(T::Accounts))
            .value("credits", Expr::col("credits").add(amount))
            .value("updated_at", now)
            .and_where(Expr::col("id").eq(account.get()));
        if amount < 0 {
            update.and_where(Expr::col("credits").gte(-amount));
        }
        if tx.execute(&update).await? == 0 {
            let balance_q = Query::select()
                .column("credits")
                .from(self.t(T::Accounts))
                .and_where(Expr::col("id").eq(account.get()))
                .to_owned();
            // The balance itself stays out of the error: a job's error is read by everyone
            // who reads the job, site-restricted keys included.
            let balance: Option<i64> = tx.optional(&balance_q).await?;
            return Err(match balance {
                None => account.not_found(),
                Some(_) => Error::InsufficientCredits {
                    needed: -amount,
                    available: None,
                },
            });
        }
        let balance_q = Query::select()
            .column("credits")
            .from(self.t(T::Accounts))
            .and_where(Expr::col("id").eq(account.get()))
            .to_owned();
        let balance_after: i64 = tx.one(&balance_q).await?;
        let q = Query::insert()
            .into_table(self.t(T::Transactions))
            .columns([
                "account_id",
                "kind",
                "amount",
                "balance_after",
                "reason",
                "operation",
                "reference_type",
                "reference_id",
                "reservation_id",
                "idempotency_key",
                "created_at",
            ])
            .values_panic([
                account.get().into(),
                kind.as_str().into(),
                amount.into(),
                balance_after.into(),
                reason.into(),
                operation.map(str::to_owned).into(),
                reference.map(|r| r.kind.clone()).into(),
                reference.map(|r| r.id).into(),
                reservation.map(|r| r.get()).into(),
                idempotency_key.map(str::to_owned).into(),
                now.into(),
            ])
            .to_owned();
        Ok(TransactionId(tx.insert(&q).await?))
    }
}

fn account_select(store: &SqlStore) -> sea_query::SelectStatement {
    Query::select()
        .columns(Account::COLUMNS.iter().copied())
        .from(store.t(T::Accounts))
        .to_owned()
}

impl TenancyStore for SqlStore {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    async fn create_plan(&self, plan: &PlanInput) -> Result<Plan> {
        let mut tx = self.db.begin().await?;
        let id = self.write_plan(&mut tx, None, plan).await?;
        tx.commit().await?;
        self.get_plan(id).await
    }

    async fn update_plan(&self, id: PlanId, plan: &PlanInput) -> Result<Plan> {
        let mut tx = self.db.begin().await?;
        self.write_plan(&mut tx, Some(id), plan).await?;
        tx.commit().await?;
        self.get_plan(id).await
    }

    async fn get_plan(&self, id: PlanId) -> Result<Plan> {
        self.plan_by(Expr::col("id").eq(id.get()))
            .await?
            .ok_or_else(|| id.not_found())
    }

    async fn list_plans(&self) -> Result<Vec<Plan>> {
        let q = Query::select()
            .columns(Plan::COLUMNS.iter().copied())
            .from(self.t(T::Plans))
            .order_by("id", sea_query::Order::Asc)
            .to_owned();
        self.db.conn().await?.all(&q).await
    }

    async fn default_plan(&self) -> Result<Plan> {
        self.plan_by(Expr::col("is_default").eq(true))
            .await?
            .ok_or_else(|| Error::Config("no default plan is configured".into()))
    }

    async fn create_account(&self, a: &AccountRecord) -> Result<(Account, Option<User>)> {
        let now = self.now_ms();
        let mut tx = self.db.begin().await?;
        // The plan must exist.
        let plan_q = Query::select()
            .column("id")
            .from(self.t(T::Plans))
            .and_where(Expr::col("id").eq(a.plan_id.get()))
            .to_owned();
        if tx.optional::<i64>(&plan_q).await?.is_none() {
            return Err(Error::field(
                "plan_id",
                format!("plan {} does not exist", a.plan_id),
            ));
        }
        let q = Query::insert()
            .into_table(self.t(T::Accounts))
            .columns([
                "name",
                "plan_id",
                "credits",
                "status",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                a.name.clone().into(),
                a.plan_id.get().into(),
                0i64.into(),
                AccountStatus::Active.as_str().into(),
                now.into(),
                now.into(),
            ])
            .to_owned();
        let account = AccountId(tx.insert(&q).await?);
        let owner = match &a.owner {
            Some(u) => Some(self.insert_user(&mut tx, Some(account), u).await?),
            None => None,
        };
        if a.initial_credits > 0 {
            self.post_in_tx(
                &mut tx,
                account,
                TransactionKind::Grant,
                a.initial_credits,
                "Credits of the plan at sign-up",
                None,
                None,
                None,
                Some("signup"),
            )
            .await?;
        }
        let owner = match owner {
            Some(id) => Some(self.user_in_tx(&mut tx, id).await?),
            None => None,
        };
        tx.commit().await?;
        Ok((self.get_account(account).await?, owner))
    }

    async fn get_account(&self, id: AccountId) -> Result<Account> {
        let q = account_select(self)
            .and_where(Expr::col("id").eq(id.get()))
            .to_owned();
        self.db
            .conn()
            .await?
            .optional(&q)
            .await?
            .ok_or_else(|| id.not_found())
    }

    async fn list_accounts(
        &self,
        filter: &crate::tenancy::AccountFilter,
        page: &PageRequest,
    ) -> Result<Page<Account>> {
        let spec = SortSpec::new(
            "id",
            false,
            |a: &Account| CursorValue::Int(a.id.get()),
            |a| a.id.get(),
        );
        let t = self.t(T::Accounts);
        let mut q = account_select(self);
        super::list::narrow(&mut q, &t)
            .eq("status", filter.status)
            .contains("name", &filter.search)
            .any("id", &filter.ids);
        self.list_page(q, t, &spec, page).await
    }

    async fn update_account(&self, id: AccountId, patch: &AccountPatch) -> Result<Account> {
        let mut q = Query::update();
        q.table(self.t(T::Accounts))
            .value("updated_at", self.now_ms())
            .and_where(Expr::col("id").eq(id.get()));
        if let Some(name) = &patch.name {
            q.value("name", name.clone());
        }
        if let Some(plan) = patch.plan_id {
            self.get_plan(plan)
                .await
                .map_err(|_| Error::field("plan_id", format!("plan {plan} does not exist")))?;
            q.value("plan_id", plan.get());
        }
        if let Some(status) = patch.status {
            q.value("status", status.as_str());
        }
        if self.db.conn().await?.execute(&q).await? == 0 {
            return Err(id.not_found());
        }
        self.get_account(id).await
    }

    async fn delete_account(&self, id: AccountId) -> Result<()> {
        let q = Query::delete()
            .from_table(self.t(T::Accounts))
            .and_where(Expr::col("id").eq(id.get()))
            .to_owned();
        match self.db.conn().await?.execute(&q).await? {
            0 => Err(id.not_found()),
            _ => Ok(()),
        }
    }

    async fn create_user(&self, scope: &Scope, user: &UserRecord) -> Result<User> {
        let mut tx = self.db.begin().await?;
        let plan = self.lock_account_plan(&mut tx, scope.account()).await?;
        let count = self
            .count_where(
                &mut tx,
                T::Users,
                Expr::col("account_id").eq(scope.account().get()),
            )
            .await?;
        Self::check_limit(&plan, PlanLimit::Users, count, 1)?;
        let id = self
            .insert_user(&mut tx, Some(scope.account()), user)
            .await?;
        let user = self.user_in_tx(&mut tx, id).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn create_superuser(&self, user: &UserRecord) -> Result<User> {
        let mut tx = self.db.begin().await?;
        let id = self.insert_user(&mut tx, None, user).await?;
        let user = self.user_in_tx(&mut tx, id).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn get_user(&self, scope: &Scope, id: UserId) -> Result<User> {
        self.fetch_scoped(scope, id.get()).await
    }

    async fn list_users(&self, scope: &Scope, page: &PageRequest) -> Result<Page<User>> {
        let spec = SortSpec::new(
            "id",
            false,
            |u: &User| CursorValue::Int(u.id.get()),
            |u| u.id.get(),
        );
        self.list_page(self.scoped::<User>(scope), self.t(T::Users), &spec, page)
            .await
    }

    async fn update_user(&self, scope: &Scope, id: UserId, patch: &UserPatch) -> Result<User> {
        if self.update_users(scope, &[id], patch).await? == 0 {
            return Err(id.not_found());
        }
        self.get_user(scope, id).await
    }

    async fn update_users(&self, scope: &Scope, ids: &[UserId], patch: &UserPatch) -> Result<u64> {
        let mut values: Vec<(&'static str, SimpleExpr)> = Vec::new();
        if let Some(name) = &patch.name {
            values.push(("name", name.clone().into()));
        }
        if let Some(role) = patch.role {
            values.push(("role", role.as_str().into()));
        }
        if let Some(active) = patch.is_active {
            values.push(("is_active", active.into()));
        }
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.update_rows::<User>(scope, &ids, values, None, "this user")
            .await
    }

    async fn delete_users(&self, scope: &Scope, ids: &[UserId]) -> Result<u64> {
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.delete_scoped::<User>(scope, &ids).await
    }

    async fn delete_user(&self, scope: &Scope, id: UserId) -> Result<()> {
        match self.delete_scoped::<User>(scope, &[id.get()]).await? {
            0 => Err(id.not_found()),
            _ => Ok(()),
        }
    }

    async fn find_login(&self, email: &str) -> Result<Option<(User, String)>> {
        let table = self.t(T::Users);
        let q = Query::select()
            .columns(User::COLUMNS.iter().map(|c| (table.clone(), *c)))
            .column("password_hash")
            .from(table)
            .and_where(Expr::col("email").eq(email.trim().to_lowercase()))
            .to_owned();
        let login: Option<Login> = self.db.conn().await?.optional(&q).await?;
        Ok(login.map(|Login(u, h)| (u, h)))
    }

    async fn find_user(&self, id: UserId) -> Result<Option<User>> {
        let table = self.t(T::Users);
        let q = Query::select()
            .columns(User::COLUMNS.iter().map(|c| (table.clone(), *c)))
            .from(table)
            .and_where(Expr::col("id").eq(id.get()))
            .to_owned();
        self.db.conn().await?.optional(&q).await
    }

    async fn record_login(&self, id: UserId) -> Result<()> {
        let q = Query::update()
            .table(self.t(T::Users))
            .value("last_login_at", self.now_ms())
            .and_where(Expr::col("id").eq(id.get()))
            .to_owned();
        self.db.conn().await?.execute(&q).await?;
        Ok(())
    }

    async fn set_password_hash(&self, id: UserId, hash: &str) -> Result<()> {
        let q = Query::update()
            .table(self.t(T::Users))
            .value("password_hash", hash)
            .value("updated_at", self.now_ms())
            .and_where(Expr::col("id").eq(id.get()))
            .to_owned();
        match self.db.conn().await?.execute(&q).await? {
            0 => Err(id.not_found()),
            _ => Ok(()),
        }
    }

    async fn create_site(&self, scope: &Scope, site: &NewSite) -> Result<Site> {
        if scope.site().is_some() {
            return Err(Error::Forbidden(
                "a site-restricted key cannot create sites".into(),
            ));
        }
        let now = self.now_ms();
        let mut tx = self.db.begin().await?;
        let plan = self.lock_account_plan(&mut tx, scope.account()).await?;
        let count = self
            .count_where(
                &mut tx,
                T::Sites,
                Expr::col("account_id").eq(scope.account().get()),
            )
            .await?;
        Self::check_limit(&plan, PlanLimit::Sites, count, 1)?;
        let q = Query::insert()
            .into_table(self.t(T::Sites))
            .columns([
                "account_id",
                "name",
                "url",
                "industry",
                "is_active",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                scope.account().get().into(),
                site.name.clone().into(),
                site.url.clone().into(),
                site.industry.clone().into(),
                site.is_active.unwrap_or(true).into(),
                now.into(),
                now.into(),
            ])
            .to_owned();
        let id = tx
            .insert(&q)
            .await
            .map_err(unique("a site with this name"))?;
        tx.commit().await?;
        self.get_site(scope, SiteId(id)).await
    }

    async fn get_site(&self, scope: &Scope, id: SiteId) -> Result<Site> {
        scope.check_site(id)?;
        self.fetch_scoped(scope, id.get()).await
    }

    async fn list_sites(&self, scope: &Scope, page: &PageRequest) -> Result<Page<Site>> {
        let mut q = self.scoped::<Site>(scope);
        if let Some(site) = scope.site() {
            q.and_where(Expr::col((self.t(T::Sites), "id")).eq(site.get()));
        }
        let spec = SortSpec::new(
            "id",
            false,
            |s: &Site| CursorValue::Int(s.id.get()),
            |s| s.id.get(),
        );
        self.list_page(q, self.t(T::Sites), &spec, page).await
    }

    async fn set_site_wordpress(
        &self,
        scope: &Scope,
        id: SiteId,
        c: Option<&crate::store::SiteWordPress>,
    ) -> Result<Site> {
        scope.check_site(id)?;
        let q = Query::update()
            .table(self.t(T::Sites))
            .value("updated_at", self.now_ms())
            .value("wp_url", c.map(|c| c.url.clone()))
            .value("wp_username", c.map(|c| c.username.clone()))
            .value("wp_password_enc", c.map(|c| c.password_sealed.clone()))
            .value("wp_password_hint", c.map(|c| c.password_hint.clone()))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("id").eq(id.get()))
            .to_owned();
        if self.db.conn().await?.execute(&q).await? == 0 {
            return Err(id.not_found());
        }
        self.get_site(scope, id).await
    }

    async fn site_wordpress_secret(&self, scope: &Scope, id: SiteId) -> Result<Option<String>> {
        scope.check_site(id)?;
        let q = Query::select()
            .column("wp_password_enc")
            .from(self.t(T::Sites))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("id").eq(id.get()))
            .to_owned();
        let found: Option<Option<String>> = self.db.conn().await?.optional(&q).await?;
        match found {
            None => Err(id.not_found()),
            Some(secret) => Ok(secret),
        }
    }

    async fn reseal_site_wordpress_secret(
        &self,
        scope: &Scope,
        id: SiteId,
        old: &str,
        new: &str,
    ) -> Result<()> {
        scope.check_site(id)?;
        let q = Query::update()
            .table(self.t(T::Sites))
            .value("wp_password_enc", new)
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("id").eq(id.get()))
            .and_where(Expr::col("wp_password_enc").eq(old))
            .to_owned();
        self.db.conn().await?.execute(&q).await?;
        Ok(())
    }

    async fn update_site(&self, scope: &Scope, id: SiteId, patch: &SitePatch) -> Result<Site> {
        scope.check_site(id)?;
        if self.update_sites(scope, &[id], patch).await? == 0 {
            return Err(id.not_found());
        }
        self.get_site(scope, id).await
    }

    async fn update_sites(&self, scope: &Scope, ids: &[SiteId], patch: &SitePatch) -> Result<u64> {
        let mut values: Vec<(&'static str, SimpleExpr)> = Vec::new();
        if let Some(v) = &patch.name {
            values.push(("name", v.clone().into()));
        }
        if let Some(v) = &patch.url {
            values.push(("url", v.clone().into()));
        }
        if let Some(v) = &patch.industry {
            values.push(("industry", v.clone().into()));
        }
        if let Some(v) = patch.is_active {
            values.push(("is_active", v.into()));
        }
        // A site-restricted scope reaches its own site only.
        let ids: Vec<i64> = ids
            .iter()
            .filter(|id| scope.check_site(**id).is_ok())
            .map(|id| id.get())
            .collect();
        self.update_rows::<Site>(scope, &ids, values, None, "a site with this name")
            .await
    }

    async fn delete_sites(&self, scope: &Scope, ids: &[SiteId]) -> Result<u64> {
        let ids: Vec<i64> = ids
            .iter()
            .filter(|id| scope.check_site(**id).is_ok())
            .map(|id| id.get())
            .collect();
        self.delete_scoped::<Site>(scope, &ids).await
    }

    async fn create_sector(&self, scope: &Scope, sector: &NewSector) -> Result<Sector> {
        scope.check_site(sector.site_id)?;
        let now = self.now_ms();
        let mut tx = self.db.begin().await?;
        let plan = self.lock_account_plan(&mut tx, scope.account()).await?;
        let site_q = Query::select()
            .column("id")
            .from(self.t(T::Sites))
            .and_where(Expr::col("id").eq(sector.site_id.get()))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .to_owned();
        if tx.optional::<i64>(&site_q).await?.is_none() {
            return Err(sector.site_id.not_found());
        }
        let count = self
            .count_where(
                &mut tx,
                T::Sectors,
                Expr::col("site_id").eq(sector.site_id.get()),
            )
            .await?;
        Self::check_limit(&plan, PlanLimit::SectorsPerSite, count, 1)?;
        let q = Query::insert()
            .into_table(self.t(T::Sectors))
            .columns([
                "account_id",
                "site_id",
                "name",
                "description",
                "is_active",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                scope.account().get().into(),
                sector.site_id.get().into(),
                sector.name.clone().into(),
                sector.description.clone().into(),
                sector.is_active.unwrap_or(true).into(),
                now.into(),
                now.into(),
            ])
            .to_owned();
        let id = tx
            .insert(&q)
            .await
            .map_err(unique("a sector with this name in the site"))?;
        tx.commit().await?;
        self.get_sector(scope, SectorId(id)).await
    }

    async fn get_sector(&self, scope: &Scope, id: SectorId) -> Result<Sector> {
        self.fetch_scoped(scope, id.get()).await
    }

    async fn list_sectors(
        &self,
        scope: &Scope,
        filter: &SectorFilter,
        page: &PageRequest,
    ) -> Result<Page<Sector>> {
        let mut q = self.scoped::<Sector>(scope);
        if let Some(site) = filter.site_id {
            q.and_where(Expr::col((self.t(T::Sectors), "site_id")).eq(site.get()));
        }
        let spec = SortSpec::new(
            "id",
            false,
            |s: &Sector| CursorValue::Int(s.id.get()),
            |s| s.id.get(),
        );
        self.list_page(q, self.t(T::Sectors), &spec, page).await
    }

    async fn update_sector(
        &self,
        scope: &Scope,
        id: SectorId,
        patch: &SectorPatch,
    ) -> Result<Sector> {
        if self.update_sectors(scope, &[id], patch).await? == 0 {
            return Err(id.not_found());
        }
        self.get_sector(scope, id).await
    }

    async fn update_sectors(
        &self,
        scope: &Scope,
        ids: &[SectorId],
        patch: &SectorPatch,
    ) -> Result<u64> {
        let mut values: Vec<(&'static str, SimpleExpr)> = Vec::new();
        if let Some(v) = &patch.name {
            values.push(("name", v.clone().into()));
        }
        if let Some(v) = &patch.description {
            values.push(("description", v.clone().into()));
        }
        if let Some(v) = patch.is_active {
            values.push(("is_active", v.into()));
        }
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.update_rows::<Sector>(
            scope,
            &ids,
            values,
            None,
            "a sector with this name in the site",
        )
        .await
    }

    async fn delete_sectors(&self, scope: &Scope, ids: &[SectorId]) -> Result<u64> {
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.delete_scoped::<Sector>(scope, &ids).await
    }
}
