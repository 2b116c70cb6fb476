//! Tenancy: plans, accounts, users and roles, sites and sectors, and the scope every
//! operation on tenant data carries.

mod account;
pub mod auth;
mod connect;
mod scope;
mod service;
mod site;
pub(crate) mod user;

pub use account::{
    Account, AccountFilter, AccountPatch, AccountStatus, NewAccount, Plan, PlanInput, PlanLimits,
};
pub use auth::{ApiKey, ApiKeyHolder, Auth, Caller, CreatedApiKey, NewApiKey, Session, WebSession};
pub use connect::{ConnectSite, ConnectedSite, DEFAULT_SECTOR};
pub use scope::{Actor, Operator, Permission, Role, Scope};
pub use service::{Tenancy, sign_in_wait};
pub use site::{NewSector, NewSite, Sector, SectorPatch, Site, SitePatch, WordPressConnection};
pub use user::{MAX_PASSWORD_LEN, MIN_PASSWORD_LEN, NewUser, Registration, User, UserPatch};

use crate::ids::{PlanId, SiteId};

/// A user ready to be stored: validated, password already hashed.
#[derive(Clone)]
pub struct UserRecord {
    /// Email, trimmed and lowercased; unique across the platform.
    pub email: String,
    /// Display name, 1–255 characters.
    pub name: String,
    /// Argon2id PHC hash.
    pub password_hash: String,
    /// Role in the account.
    pub role: Role,
    /// A platform operator.
    pub is_superuser: bool,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("email", &self.email)
            .field("role", &self.role)
            .field("is_superuser", &self.is_superuser)
            .finish_non_exhaustive()
    }
}

/// An account ready to be stored, with its first credits and (optionally) its owner.
#[derive(Debug, Clone)]
pub struct AccountRecord {
    /// Display name, 1–255 characters.
    pub name: String,
    /// The plan whose limits and monthly credits apply.
    pub plan_id: PlanId,
    /// Credits granted now, as a `grant` ledger entry.
    pub initial_credits: i64,
    /// The owner, created in the same transaction.
    pub owner: Option<UserRecord>,
}

/// Filters of the sector list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SectorFilter {
    /// Only sectors of this site.
    pub site_id: Option<SiteId>,
}
