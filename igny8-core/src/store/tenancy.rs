//! The store for plans, accounts, users, sites and sectors.

use std::future::Future;

use crate::error::Result;
use crate::ids::*;
use crate::list::{Page, PageRequest};
use crate::tenancy::{
    Account, AccountPatch, AccountRecord, NewSector, NewSite, Plan, PlanInput, Scope, Sector,
    SectorFilter, SectorPatch, Site, SitePatch, User, UserPatch, UserRecord,
};

/// A site's WordPress connection as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteWordPress {
    /// The WordPress site's base URL (http or https).
    pub url: String,
    /// The WordPress user that publishes, with the application password below.
    pub username: String,
    /// The application password, sealed with the deployment key.
    pub password_sealed: String,
    /// A masked hint of the password, e.g. `••••abcd`: all that is ever shown of it.
    pub password_hint: String,
}

/// Plans, accounts, users, sites and sectors.
pub trait TenancyStore: Send + Sync {
    /// The store's current time (its clock may be a test's).
    fn now(&self) -> chrono::DateTime<chrono::Utc>;

    /// Creates a plan (and makes it the only default when it says so).
    fn create_plan(&self, plan: &PlanInput) -> impl Future<Output = Result<Plan>> + Send;
    /// Replaces a plan's fields.
    fn update_plan(
        &self,
        id: PlanId,
        plan: &PlanInput,
    ) -> impl Future<Output = Result<Plan>> + Send;
    /// One plan; [`NotFound`](crate::Error::NotFound) when there is none with this id.
    fn get_plan(&self, id: PlanId) -> impl Future<Output = Result<Plan>> + Send;
    /// Every plan.
    fn list_plans(&self) -> impl Future<Output = Result<Vec<Plan>>> + Send;
    /// The plan of new accounts (the one with `is_default`).
    fn default_plan(&self) -> impl Future<Output = Result<Plan>> + Send;

    /// Creates an account, its first credits and optionally its owner, in one transaction.
    fn create_account(
        &self,
        account: &AccountRecord,
    ) -> impl Future<Output = Result<(Account, Option<User>)>> + Send;
    /// One account (operators, or the account's own scope).
    fn get_account(&self, id: AccountId) -> impl Future<Output = Result<Account>> + Send;
    /// Accounts, oldest first, filtered (operators).
    fn list_accounts(
        &self,
        filter: &crate::tenancy::AccountFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Account>>> + Send;
    /// Changes an account (operators).
    fn update_account(
        &self,
        id: AccountId,
        patch: &AccountPatch,
    ) -> impl Future<Output = Result<Account>> + Send;
    /// Deletes an account and everything in it.
    fn delete_account(&self, id: AccountId) -> impl Future<Output = Result<()>> + Send;

    /// Creates a user in the scope's account, within the plan's `max_users`.
    fn create_user(
        &self,
        scope: &Scope,
        user: &UserRecord,
    ) -> impl Future<Output = Result<User>> + Send;
    /// Creates a platform operator with no account.
    fn create_superuser(&self, user: &UserRecord) -> impl Future<Output = Result<User>> + Send;
    /// One user of the account; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_user(&self, scope: &Scope, id: UserId) -> impl Future<Output = Result<User>> + Send;
    /// The account's users.
    fn list_users(
        &self,
        scope: &Scope,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<User>>> + Send;
    /// Changes a user of the account.
    fn update_user(
        &self,
        scope: &Scope,
        id: UserId,
        patch: &UserPatch,
    ) -> impl Future<Output = Result<User>> + Send;
    /// Deletes a user of the account.
    fn delete_user(&self, scope: &Scope, id: UserId) -> impl Future<Output = Result<()>> + Send;
    /// Changes users of the account in one statement; the number changed.
    fn update_users(
        &self,
        scope: &Scope,
        ids: &[UserId],
        patch: &UserPatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes users of the account in one statement; the number deleted.
    fn delete_users(
        &self,
        scope: &Scope,
        ids: &[UserId],
    ) -> impl Future<Output = Result<u64>> + Send;
    /// A user by email with their password hash, for sign-in (not scoped: the email is the key).
    fn find_login(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<Option<(User, String)>>> + Send;
    /// Any user by id (not scoped: for token validation).
    fn find_user(&self, id: UserId) -> impl Future<Output = Result<Option<User>>> + Send;
    /// Records a successful sign-in.
    fn record_login(&self, id: UserId) -> impl Future<Output = Result<()>> + Send;
    /// Replaces a user's password hash.
    fn set_password_hash(&self, id: UserId, hash: &str) -> impl Future<Output = Result<()>> + Send;

    /// Creates a site, within the plan's `max_sites`.
    fn create_site(
        &self,
        scope: &Scope,
        site: &NewSite,
    ) -> impl Future<Output = Result<Site>> + Send;
    /// One site; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_site(&self, scope: &Scope, id: SiteId) -> impl Future<Output = Result<Site>> + Send;
    /// The account's sites.
    fn list_sites(
        &self,
        scope: &Scope,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Site>>> + Send;
    /// Stores (or with `None` removes) a site's WordPress connection: URL, user, the sealed
    /// application password and its masked hint.
    fn set_site_wordpress(
        &self,
        scope: &Scope,
        id: SiteId,
        connection: Option<&SiteWordPress>,
    ) -> impl Future<Output = Result<Site>> + Send;
    /// The sealed application password of a site's WordPress connection.
    fn site_wordpress_secret(
        &self,
        scope: &Scope,
        id: SiteId,
    ) -> impl Future<Output = Result<Option<String>>> + Send;
    /// Replaces the sealed application password `old` with `new` (the same password sealed
    /// again after a key rotation); nothing changes if the stored value is no longer `old`.
    fn reseal_site_wordpress_secret(
        &self,
        scope: &Scope,
        id: SiteId,
        old: &str,
        new: &str,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Changes a site.
    fn update_site(
        &self,
        scope: &Scope,
        id: SiteId,
        patch: &SitePatch,
    ) -> impl Future<Output = Result<Site>> + Send;
    /// Changes sites in one statement; the number changed.
    fn update_sites(
        &self,
        scope: &Scope,
        ids: &[SiteId],
        patch: &SitePatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes sites and everything in them; the number deleted.
    fn delete_sites(
        &self,
        scope: &Scope,
        ids: &[SiteId],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Creates a sector in a site of the account, within the plan's `max_sectors_per_site`.
    fn create_sector(
        &self,
        scope: &Scope,
        sector: &NewSector,
    ) -> impl Future<Output = Result<Sector>> + Send;
    /// One sector; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_sector(
        &self,
        scope: &Scope,
        id: SectorId,
    ) -> impl Future<Output = Result<Sector>> + Send;
    /// The account's sectors.
    fn list_sectors(
        &self,
        scope: &Scope,
        filter: &SectorFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Sector>>> + Send;
    /// Changes sectors in one statement; the number changed.
    fn update_sectors(
        &self,
        scope: &Scope,
        ids: &[SectorId],
        patch: &SectorPatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Changes a sector.
    fn update_sector(
        &self,
        scope: &Scope,
        id: SectorId,
        patch: &SectorPatch,
    ) -> impl Future<Output = Result<Sector>> + Send;
    /// Deletes sectors and everything in them; the number deleted.
    fn delete_sectors(
        &self,
        scope: &Scope,
        ids: &[SectorId],
    ) -> impl Future<Output = Result<u64>> + Send;
}
