//! Tenancy operations with their rules: validation, roles, and who may grant what.

use std::collections::HashSet;

use crate::Igny8;
use crate::crypto::{hash_password, verify_password};
use crate::error::{Error, Result};
use crate::ids::*;
use crate::list::{Page, PageRequest};
use crate::store::Store;
use crate::tenancy::*;
use crate::validate::Check;

/// A hash to verify against when the email is unknown, so a wrong email costs as long as a
/// wrong password (no user enumeration by timing).
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// Argon2id hashing on the blocking pool: it takes tens of milliseconds of CPU, which must not
/// stall the async threads that serve other requests.
async fn hash_off_thread(password: &str) -> Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::Internal(format!("password hashing stopped: {e}")))?
}

/// [`verify_password`] on the blocking pool (see [`hash_off_thread`]).
async fn verify_off_thread(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// Failed sign-ins of one email address that are let through before each further attempt has
/// to wait.
const FREE_SIGN_IN_FAILURES: u64 = 5;

/// The longest wait between sign-in attempts of one email address.
const MAX_SIGN_IN_WAIT: chrono::Duration = chrono::Duration::minutes(15);

/// Failures of an email address older than this are forgotten.
const FORGET_SIGN_IN_FAILURES: chrono::Duration = chrono::Duration::hours(24);

/// How long after its last failure an address must wait, with `failures` counted: nothing
/// for the first few, then 2 s, 4 s, 8 s… up to 15 minutes.
pub fn sign_in_wait(failures: u64) -> chrono::Duration {
    if failures < FREE_SIGN_IN_FAILURES {
        return chrono::Duration::zero();
    }
    let exponent = (failures - FREE_SIGN_IN_FAILURES + 1).min(20) as u32;
    chrono::Duration::seconds(1i64 << exponent).min(MAX_SIGN_IN_WAIT)
}

/// The counter of failed sign-ins of an email address (the same whether or not it is
/// registered, so the throttle tells nothing about which addresses exist).
fn sign_in_key(email: &str) -> String {
    format!(
        "signin:{}",
        &crate::tenancy::auth::token_hash(&email.trim().to_lowercase())[..40]
    )
}

/// Plans, accounts, users, sites and sectors.
#[derive(Debug)]
pub struct Tenancy<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Tenancy<'_, S> {
    fn store(&self) -> &S {
        &self.core.store
    }

    /// Creates a plan.
    pub async fn create_plan(&self, operator: &Operator, plan: PlanInput) -> Result<Plan> {
        let plan = self.store().create_plan(&plan.validate()?).await?;
        tracing::info!(operator = ?operator.user(), plan = plan.id.get(), "plan created");
        Ok(plan)
    }

    /// Replaces a plan.
    pub async fn update_plan(
        &self,
        operator: &Operator,
        id: PlanId,
        plan: PlanInput,
    ) -> Result<Plan> {
        let plan = self.store().update_plan(id, &plan.validate()?).await?;
        tracing::info!(operator = ?operator.user(), plan = id.get(), "plan replaced");
        Ok(plan)
    }

    /// Every plan (the catalogue: no account's data, so anyone may read it).
    pub async fn plans(&self) -> Result<Vec<Plan>> {
        self.store().list_plans().await
    }

    /// One plan.
    pub async fn plan(&self, id: PlanId) -> Result<Plan> {
        self.store().get_plan(id).await
    }

    /// Creates an account without users. Its plan's monthly credits (or `initial_credits`)
    /// are granted as a ledger entry.
    pub async fn create_account(
        &self,
        operator: &Operator,
        account: NewAccount,
    ) -> Result<Account> {
        let account = account.validate()?;
        let record = self.account_record(&account, None).await?;
        let account = self.store().create_account(&record).await?.0;
        tracing::info!(operator = ?operator.user(), account = account.id.get(), "account created");
        Ok(account)
    }

    async fn account_record(
        &self,
        account: &NewAccount,
        owner: Option<UserRecord>,
    ) -> Result<AccountRecord> {
        let plan = match account.plan_id {
            Some(id) => self
                .store()
                .get_plan(id)
                .await
                .map_err(|_| Error::field("plan_id", format!("plan {id} does not exist")))?,
            None => self.store().default_plan().await?,
        };
        Ok(AccountRecord {
            name: account.name.clone(),
            plan_id: plan.id,
            initial_credits: account.initial_credits.unwrap_or(plan.monthly_credits),
            owner,
        })
    }

    /// Signs up: a new account on the default plan (credited with `initial_credits`, or the
    /// plan's monthly credits) and its owner.
    pub async fn register(
        &self,
        registration: Registration,
        initial_credits: Option<i64>,
    ) -> Result<(Account, User)> {
        let mut check = Check::new();
        let email = user::check_email(&mut check, "email", &registration.email);
        user::check_password(&mut check, "password", &registration.password);
        let account = NewAccount {
            name: check.name("account_name", &registration.account_name, 255),
            plan_id: None,
            initial_credits,
        };
        let name = registration
            .name
            .as_deref()
            .map(|n| check.name("name", n, 255))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
        check.finish()?;
        let owner = UserRecord {
            email,
            name,
            password_hash: hash_off_thread(&registration.password).await?,
            role: Role::Owner,
            is_superuser: false,
        };
        let record = self
            .account_record(&account.validate()?, Some(owner))
            .await?;
        let (account, owner) = self
            .store()
            .create_account(&record)
            .await
            .map_err(|e| match e {
                Error::Duplicate(_) => Error::field("email", "is already registered"),
                other => other,
            })?;
        let owner = owner.ok_or_else(|| Error::Internal("the owner was not created".into()))?;
        Ok((account, owner))
    }

    /// Checks an email and password. The same error, after the same work, whether the email
    /// is unknown, the password wrong or the user disabled.
    ///
    /// Failed attempts are counted per email address: after a few, each further attempt must
    /// wait (2 s, 4 s, 8 s… up to 15 minutes after the last failure) and is refused with
    /// [`Error::RateLimited`] before the password is looked at, however many addresses the
    /// attempts come from. A successful sign-in clears the count; a day without failures
    /// forgets it.
    pub async fn authenticate(&self, email: &str, password: &str) -> Result<User> {
        let denied = || Error::Unauthenticated("wrong email or password".into());
        let key = sign_in_key(email);
        let now = self.core.now();
        let failures = self.store().failures(&key).await?;
        if let Some((count, last)) = failures
            && last > now - FORGET_SIGN_IN_FAILURES
        {
            let until = last + sign_in_wait(count);
            if until > now {
                let secs = (until - now).num_milliseconds().max(0) as u64;
                let secs = secs.div_ceil(1000).max(1);
                return Err(Error::RateLimited {
                    message: format!(
                        "too many failed sign-ins for this email address: try again in {secs} s \
                         (each further failure doubles the wait, up to 15 minutes)"
                    ),
                    retry_after_secs: secs,
                });
            }
        }
        let fail = || async {
            self.store()
                .record_failure(&key, now - FORGET_SIGN_IN_FAILURES)
                .await?;
            Err(denied())
        };
        if password.len() > 4 * MAX_PASSWORD_LEN {
            return fail().await;
        }
        let found = self.store().find_login(email).await?;
        let (user, hash) = match found {
            Some(found) => found,
            None => {
                let _ = verify_off_thread(password, dummy_hash()).await;
                return fail().await;
            }
        };
        if !verify_off_thread(password, &hash).await || !user.is_active {
            return fail().await;
        }
        if failures.is_some() {
            self.store().clear_failures(&key).await?;
        }
        self.store().record_login(user.id).await?;
        Ok(user)
    }

    /// Changes the acting user's own password after checking the current one.
    pub async fn change_password(&self, scope: &Scope, current: &str, new: &str) -> Result<()> {
        let user_id = scope.user_id().ok_or_else(|| {
            Error::Forbidden("only a signed-in user can change their password".into())
        })?;
        let user = self.store().get_user(scope, user_id).await?;
        let (_, hash) = self
            .store()
            .find_login(&user.email)
            .await?
            .ok_or_else(|| user_id.not_found())?;
        if !verify_off_thread(current, &hash).await {
            return Err(Error::field("current_password", "is wrong"));
        }
        let mut check = Check::new();
        user::check_password(&mut check, "new_password", new);
        check.finish()?;
        self.store()
            .set_password_hash(user_id, &hash_off_thread(new).await?)
            .await
    }

    /// Creates a platform operator (no account).
    pub async fn create_superuser(
        &self,
        operator: &Operator,
        email: &str,
        password: &str,
        name: Option<&str>,
    ) -> Result<User> {
        let new = NewUser {
            email: email.into(),
            password: password.into(),
            name: name.map(str::to_owned),
            role: Some(Role::Owner),
        }
        .validate()?;
        let record = UserRecord {
            password_hash: hash_off_thread(&new.password).await?,
            email: new.email,
            name: new.name.unwrap_or_default(),
            role: Role::Owner,
            is_superuser: true,
        };
        let user = self
            .store()
            .create_superuser(&record)
            .await
            .map_err(|e| match e {
                Error::Duplicate(_) => Error::field("email", "is already registered"),
                other => other,
            })?;
        tracing::info!(operator = ?operator.user(), user = user.id.get(), "operator created");
        Ok(user)
    }

    /// The scope's account.
    pub async fn account(&self, scope: &Scope) -> Result<Account> {
        scope.require_account_wide(Permission::Read)?;
        self.store().get_account(scope.account()).await
    }

    /// Any account.
    pub async fn account_by_id(&self, _operator: &Operator, id: AccountId) -> Result<Account> {
        self.store().get_account(id).await
    }

    /// The accounts `filter` names (every account by default), oldest first.
    pub async fn accounts(
        &self,
        _operator: &Operator,
        filter: &AccountFilter,
        page: &PageRequest,
    ) -> Result<Page<Account>> {
        self.store().list_accounts(filter, page).await
    }

    /// Changes an account: its name, plan or status (suspending makes it read-only, cancelling
    /// closes it).
    pub async fn update_account(
        &self,
        operator: &Operator,
        id: AccountId,
        patch: AccountPatch,
    ) -> Result<Account> {
        let account = self.store().update_account(id, &patch.validate()?).await?;
        tracing::info!(
            operator = ?operator.user(),
            account = id.get(),
            status = account.status.as_str(),
            "account changed"
        );
        Ok(account)
    }

    /// Deletes an account and all its data.
    pub async fn delete_account(&self, operator: &Operator, id: AccountId) -> Result<()> {
        self.store().delete_account(id).await?;
        tracing::info!(operator = ?operator.user(), account = id.get(), "account deleted");
        Ok(())
    }

    /// Adds a user to the scope's account (admins). Nobody grants a role above their own.
    pub async fn create_user(&self, scope: &Scope, user: NewUser) -> Result<User> {
        scope.require_account_wide(Permission::Manage)?;
        let user = user.validate()?;
        let role = user.role.unwrap_or(Role::Viewer);
        if role.rank() > scope.role().rank() {
            return Err(Error::Forbidden(format!(
                "the {} role may not grant the {role} role",
                scope.role()
            )));
        }
        let record = UserRecord {
            password_hash: hash_off_thread(&user.password).await?,
            email: user.email,
            name: user.name.unwrap_or_default(),
            role,
            is_superuser: false,
        };
        self.store()
            .create_user(scope, &record)
            .await
            .map_err(|e| match e {
                Error::Duplicate(_) => Error::field("email", "is already registered"),
                other => other,
            })
    }

    /// One user of the account (any role, a scope not narrowed to one site);
    /// [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies outside the scope.
    pub async fn user(&self, scope: &Scope, id: UserId) -> Result<User> {
        scope.require_account_wide(Permission::Read)?;
        self.store().get_user(scope, id).await
    }

    /// Any user by id, unscoped (for validating tokens).
    pub async fn find_user(&self, id: UserId) -> Result<Option<User>> {
        self.store().find_user(id).await
    }

    /// The account's users.
    pub async fn users(&self, scope: &Scope, page: &PageRequest) -> Result<Page<User>> {
        scope.require_account_wide(Permission::Read)?;
        self.store().list_users(scope, page).await
    }

    /// Changes a user (admins; users may rename themselves). Nobody grants a role above their
    /// own or changes someone ranked above them, and the last active owner stays an owner.
    pub async fn update_user(&self, scope: &Scope, id: UserId, patch: UserPatch) -> Result<User> {
        let patch = patch.validate()?;
        let own = scope.user_id() == Some(id);
        let only_name = patch.role.is_none() && patch.is_active.is_none();
        if !(own && only_name) {
            scope.require_account_wide(Permission::Manage)?;
        }
        let target = self.store().get_user(scope, id).await?;
        if target.role.rank() > scope.role().rank() {
            return Err(Error::Forbidden(format!(
                "the {} role may not change an {}",
                scope.role(),
                target.role
            )));
        }
        if let Some(role) = patch.role
            && role.rank() > scope.role().rank()
        {
            return Err(Error::Forbidden(format!(
                "the {} role may not grant the {role} role",
                scope.role()
            )));
        }
        let demotes_owner = target.role == Role::Owner
            && (patch.role.is_some_and(|r| r != Role::Owner) || patch.is_active == Some(false));
        if demotes_owner {
            self.ensure_another_owner(scope, id).await?;
        }
        self.store().update_user(scope, id, &patch).await
    }

    /// Removes a user (admins). The last owner can't be removed.
    pub async fn delete_user(&self, scope: &Scope, id: UserId) -> Result<()> {
        scope.require_account_wide(Permission::Manage)?;
        let target = self.store().get_user(scope, id).await?;
        if target.role.rank() > scope.role().rank() {
            return Err(Error::Forbidden(format!(
                "the {} role may not remove an {}",
                scope.role(),
                target.role
            )));
        }
        if target.role == Role::Owner {
            self.ensure_another_owner(scope, id).await?;
        }
        self.store().delete_user(scope, id).await
    }

    async fn ensure_another_owner(&self, scope: &Scope, except: UserId) -> Result<()> {
        let users = self.all_users(scope).await?;
        keeps_an_owner(&users, &HashSet::from([except]))
    }

    /// Every user of the account (accounts have few: the plan caps them).
    async fn all_users(&self, scope: &Scope) -> Result<Vec<User>> {
        let mut page = PageRequest::new(1, crate::list::MAX_PAGE_SIZE);
        page.with_total = false;
        let mut all = Vec::new();
        loop {
            let users = self.store().list_users(scope, &page).await?;
            all.extend(users.items);
            match users.next_cursor {
                Some(c) => page = PageRequest::after(c, crate::list::MAX_PAGE_SIZE),
                None => return Ok(all),
            }
        }
    }

    /// The users of the account among `ids` that the caller may change or remove (each by the
    /// rules for one user, checked for all before anything changes); `removing` says which
    /// verb the refusal uses. Ids of no user of the account are left out.
    async fn bulk_targets(
        &self,
        scope: &Scope,
        ids: &[UserId],
        removing: bool,
        demotes: bool,
    ) -> Result<Vec<UserId>> {
        crate::planner::check_ids(ids)?;
        scope.require_account_wide(Permission::Manage)?;
        let wanted: HashSet<UserId> = ids.iter().copied().collect();
        let users = self.all_users(scope).await?;
        let targets: Vec<&User> = users.iter().filter(|u| wanted.contains(&u.id)).collect();
        if let Some(over) = targets.iter().find(|t| t.role.rank() > scope.role().rank()) {
            return Err(Error::Forbidden(format!(
                "the {} role may not {} an {} (user {}); nothing was changed",
                scope.role(),
                if removing { "remove" } else { "change" },
                over.role,
                over.id.get()
            )));
        }
        if demotes && targets.iter().any(|t| t.role == Role::Owner) {
            keeps_an_owner(&users, &wanted)?;
        }
        Ok(targets.iter().map(|t| t.id).collect())
    }

    /// Changes several users at once (admins) by the rules for one, checked for every user
    /// before any changes, in one statement: all of them change or none. Ids of no user of
    /// the account are skipped; the number changed.
    pub async fn bulk_update_users(
        &self,
        scope: &Scope,
        ids: &[UserId],
        patch: UserPatch,
    ) -> Result<u64> {
        let patch = patch.validate()?;
        if let Some(role) = patch.role
            && role.rank() > scope.role().rank()
        {
            return Err(Error::Forbidden(format!(
                "the {} role may not grant the {role} role",
                scope.role()
            )));
        }
        let demotes =
            patch.role.is_some_and(|r| r != Role::Owner) || patch.is_active == Some(false);
        let targets = self.bulk_targets(scope, ids, false, demotes).await?;
        self.store().update_users(scope, &targets, &patch).await
    }

    /// Removes several users at once (admins) by the rules for one, checked for every user
    /// before any is removed, in one statement. Ids of no user of the account are skipped; the
    /// number removed.
    pub async fn bulk_delete_users(&self, scope: &Scope, ids: &[UserId]) -> Result<u64> {
        let targets = self.bulk_targets(scope, ids, true, true).await?;
        self.store().delete_users(scope, &targets).await
    }

    /// Changes several sites at once (admins), in one statement: all or none. Ids of no site
    /// of the account are skipped; the number changed.
    pub async fn bulk_update_sites(
        &self,
        scope: &Scope,
        ids: &[SiteId],
        patch: SitePatch,
    ) -> Result<u64> {
        crate::planner::check_ids(ids)?;
        scope.require(Permission::Manage)?;
        self.store()
            .update_sites(scope, ids, &patch.validate()?)
            .await
    }

    /// Changes several sectors at once (admins), in one statement: all or none. Ids of no
    /// sector of the account are skipped; the number changed.
    pub async fn bulk_update_sectors(
        &self,
        scope: &Scope,
        ids: &[SectorId],
        patch: SectorPatch,
    ) -> Result<u64> {
        crate::planner::check_ids(ids)?;
        scope.require(Permission::Manage)?;
        self.store()
            .update_sectors(scope, ids, &patch.validate()?)
            .await
    }

    /// Creates a site (admins).
    pub async fn create_site(&self, scope: &Scope, site: NewSite) -> Result<Site> {
        scope.require_account_wide(Permission::Manage)?;
        self.store().create_site(scope, &site.validate()?).await
    }

    /// One site (any role); [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    pub async fn site(&self, scope: &Scope, id: SiteId) -> Result<Site> {
        scope.require(Permission::Read)?;
        self.store().get_site(scope, id).await
    }

    /// The account's sites.
    pub async fn sites(&self, scope: &Scope, page: &PageRequest) -> Result<Page<Site>> {
        scope.require(Permission::Read)?;
        self.store().list_sites(scope, page).await
    }

    /// Changes a site (admins).
    pub async fn update_site(&self, scope: &Scope, id: SiteId, patch: SitePatch) -> Result<Site> {
        scope.require(Permission::Manage)?;
        self.store()
            .update_site(scope, id, &patch.validate()?)
            .await
    }

    /// Deletes sites and everything in them (admins); the number deleted.
    pub async fn delete_sites(&self, scope: &Scope, ids: &[SiteId]) -> Result<u64> {
        crate::planner::check_ids(ids)?;
        scope.require_account_wide(Permission::Manage)?;
        self.store().delete_sites(scope, ids).await
    }

    /// Creates a sector (admins).
    pub async fn create_sector(&self, scope: &Scope, sector: NewSector) -> Result<Sector> {
        scope.require(Permission::Manage)?;
        self.store().create_sector(scope, &sector.validate()?).await
    }

    /// One sector (any role); [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    pub async fn sector(&self, scope: &Scope, id: SectorId) -> Result<Sector> {
        scope.require(Permission::Read)?;
        self.store().get_sector(scope, id).await
    }

    /// The account's sectors, optionally of one site.
    pub async fn sectors(
        &self,
        scope: &Scope,
        filter: &SectorFilter,
        page: &PageRequest,
    ) -> Result<Page<Sector>> {
        scope.require(Permission::Read)?;
        self.store().list_sectors(scope, filter, page).await
    }

    /// Changes a sector (admins).
    pub async fn update_sector(
        &self,
        scope: &Scope,
        id: SectorId,
        patch: SectorPatch,
    ) -> Result<Sector> {
        scope.require(Permission::Manage)?;
        self.store()
            .update_sector(scope, id, &patch.validate()?)
            .await
    }

    /// Deletes sectors and everything in them (admins); the number deleted.
    pub async fn delete_sectors(&self, scope: &Scope, ids: &[SectorId]) -> Result<u64> {
        crate::planner::check_ids(ids)?;
        scope.require(Permission::Manage)?;
        self.store().delete_sectors(scope, ids).await
    }
}

/// Whether some active owner of `users` is outside `leaving`: an account keeps one.
fn keeps_an_owner(users: &[User], leaving: &HashSet<UserId>) -> Result<()> {
    if users
        .iter()
        .any(|u| !leaving.contains(&u.id) && u.role == Role::Owner && u.is_active)
    {
        Ok(())
    } else {
        Err(Error::Conflict(
            "an account keeps at least one active owner".into(),
        ))
    }
}
