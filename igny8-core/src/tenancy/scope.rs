//! Who is acting, in which tenant, and what they may do.

use crate::enums::string_enum;
use crate::error::{Error, Result};
use crate::ids::{AccountId, ApiKeyId, SiteId, UserId};

string_enum! {
    /// A user's role inside their account.
    pub enum Role {
        /// Everything, including billing.
        Owner => "owner",
        /// Everything but billing: sites, sectors, users, integrations, prompts.
        Admin => "admin",
        /// Planner and writer data, and running the AI functions.
        Editor => "editor",
        /// Reads only.
        Viewer => "viewer",
    }
}

string_enum! {
    /// What an action needs.
    pub enum Permission {
        /// Read the account's data.
        Read => "read",
        /// Create, edit and delete planner and writer data; run AI functions.
        Write => "write",
        /// Manage sites, sectors, users, integrations, prompts, author profiles, strategies and settings.
        Manage => "manage",
        /// Billing: purchases, plan changes.
        Billing => "billing",
    }
}

impl Role {
    /// Whether this role grants `permission` (the permission matrix).
    pub fn allows(self, permission: Permission) -> bool {
        match permission {
            Permission::Read => true,
            Permission::Write => matches!(self, Role::Owner | Role::Admin | Role::Editor),
            Permission::Manage => matches!(self, Role::Owner | Role::Admin),
            Permission::Billing => matches!(self, Role::Owner),
        }
    }

    /// Roles ranked from most to least powerful; a user may only grant roles at or below their own.
    pub fn rank(self) -> u8 {
        match self {
            Role::Owner => 3,
            Role::Admin => 2,
            Role::Editor => 1,
            Role::Viewer => 0,
        }
    }
}

/// Who performs an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in user of the account.
    User {
        /// The user.
        id: UserId,
        /// Their role.
        role: Role,
    },
    /// A machine using an API key, with the role the key was issued with.
    ApiKey {
        /// The key's id.
        id: ApiKeyId,
        /// The role granted to the key.
        role: Role,
    },
    /// The system itself (background jobs, an embedding application): all permissions.
    System,
}

/// A platform operator at work: what the operations above any one account take instead of a
/// [`Scope`] — every account, changing or deleting an account, creating accounts and plans.
///
/// Only two ways lead to one: [`Auth::operator`](crate::tenancy::Auth::operator), which
/// checks that a user is an active superuser (what a server does for a request), and
/// [`Operator::embedder`], for the application that embeds the library and so operates its
/// own install (a command-line tool, the PHP extension setting up its account, a test).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator {
    user: Option<UserId>,
}

impl Operator {
    /// The embedding application, acting as its own install's operator. A server answering
    /// a request uses [`Auth::operator`](crate::tenancy::Auth::operator) instead.
    pub fn embedder() -> Self {
        Self { user: None }
    }

    /// A superuser checked by [`Auth::operator`](crate::tenancy::Auth::operator).
    pub(crate) fn superuser(user: UserId) -> Self {
        Self { user: Some(user) }
    }

    /// The superuser who acts; `None` for the embedding application.
    pub fn user(&self) -> Option<UserId> {
        self.user
    }

    /// The scope of operator work inside `account` (posting credits to it): the system's.
    pub fn scope_of(&self, account: AccountId) -> Scope {
        Scope::system(account)
    }
}

/// The tenant scope every operation on tenant data carries.
///
/// Every query the store runs for a scope is filtered by its account (and by its site when the
/// scope is restricted to one); objects of other accounts are reported as not found.
///
/// Two rules narrow what a scope may do beyond its role, both written here once:
/// * a scope **restricted to one site** (a site-restricted API key) acts on that site's data
///   only: account-wide operations — users, API keys, integrations, settings, prompts, author
///   profiles, strategies, billing — refuse it ([`Scope::require_account_wide`]);
/// * a scope of a **suspended** account may read but not change anything
///   ([`Scope::require`] refuses every permission but [`Permission::Read`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    account: AccountId,
    actor: Actor,
    site: Option<SiteId>,
    read_only: bool,
}

impl Scope {
    /// The system acting for `account` with every permission: for an embedding application or
    /// a background job. Authenticate users and use [`Scope::user`] for anything a user asked.
    pub fn system(account: AccountId) -> Self {
        Self {
            account,
            actor: Actor::System,
            site: None,
            read_only: false,
        }
    }

    /// A user of `account` acting with `role`.
    pub fn user(account: AccountId, user: UserId, role: Role) -> Self {
        Self {
            account,
            actor: Actor::User { id: user, role },
            site: None,
            read_only: false,
        }
    }

    /// A machine acting with an API key.
    pub fn api_key(account: AccountId, key_id: ApiKeyId, role: Role) -> Self {
        Self {
            account,
            actor: Actor::ApiKey { id: key_id, role },
            site: None,
            read_only: false,
        }
    }

    /// The same scope narrowed to one site: objects of other sites become not found.
    pub fn restricted_to_site(mut self, site: SiteId) -> Self {
        self.site = Some(site);
        self
    }

    /// The same scope for an account that is suspended: it may read, nothing else.
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Whether the scope may only read (its account is suspended).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The tenant.
    pub fn account(&self) -> AccountId {
        self.account
    }

    /// Who acts.
    pub fn actor(&self) -> Actor {
        self.actor
    }

    /// The site the scope is restricted to, if any.
    pub fn site(&self) -> Option<SiteId> {
        self.site
    }

    /// The acting user, if a user acts.
    pub fn user_id(&self) -> Option<UserId> {
        match self.actor {
            Actor::User { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The actor's role (the system counts as owner).
    pub fn role(&self) -> Role {
        match self.actor {
            Actor::User { role, .. } | Actor::ApiKey { role, .. } => role,
            Actor::System => Role::Owner,
        }
    }

    /// Fails with [`Error::Forbidden`] unless the actor may do `permission`: its role allows
    /// it, and — for anything but reading — its account is not suspended.
    pub fn require(&self, permission: Permission) -> Result<()> {
        self.require_role(permission)?;
        if self.read_only && permission != Permission::Read {
            return Err(Error::Forbidden(
                "the account is suspended: its data can be read but not changed, no AI \
                 functions run and nothing is published; the account's owner can contact the \
                 operator to lift the suspension"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Fails with [`Error::Forbidden`] unless the actor's role allows `permission`, whatever
    /// the account's state: for *reading* what only some roles see (the account's API keys),
    /// which a suspended account may still read.
    pub fn require_role(&self, permission: Permission) -> Result<()> {
        if !self.role().allows(permission) {
            return Err(Error::Forbidden(format!(
                "the {} role may not {}",
                self.role(),
                match permission {
                    Permission::Read => "read this account's data",
                    Permission::Write => "change planner or writer data or run AI functions",
                    Permission::Manage =>
                        "manage sites, sectors, users, integrations, prompts or settings",
                    Permission::Billing => "manage billing",
                }
            )));
        }
        Ok(())
    }

    /// [`require`](Self::require) for an account-wide operation — users, API keys,
    /// integrations, settings, prompts, author profiles, strategies, billing — which a scope
    /// restricted to one site may not do, not even read.
    pub fn require_account_wide(&self, permission: Permission) -> Result<()> {
        self.require(permission)?;
        match self.site {
            Some(site) => Err(Error::Forbidden(format!(
                "this API key is restricted to site {}: account-wide users, API keys, \
                 integrations, settings, prompts, author profiles, strategies and billing are \
                 out of its reach; use a key without a site restriction, or sign in",
                site.get()
            ))),
            None => Ok(()),
        }
    }

    /// Fails with [`Error::Forbidden`] unless a signed-in user (or the system) acts: API keys
    /// may not make, change or revoke API keys, so one leaked key can't become lasting access.
    pub fn require_not_api_key(&self, what: &str) -> Result<()> {
        match self.actor {
            Actor::ApiKey { .. } => Err(Error::Forbidden(format!(
                "an API key may not {what}; sign in as a user of the account to do it"
            ))),
            _ => Ok(()),
        }
    }

    /// Fails with not-found when the scope is restricted to another site than `site`.
    pub fn check_site(&self, site: SiteId) -> Result<()> {
        match self.site {
            Some(only) if only != site => Err(site.not_found()),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_matrix() {
        use Permission::*;
        use Role::*;
        let expected = [
            (Owner, [true, true, true, true]),
            (Admin, [true, true, true, false]),
            (Editor, [true, true, false, false]),
            (Viewer, [true, false, false, false]),
        ];
        for (role, allowed) in expected {
            for (perm, want) in [Read, Write, Manage, Billing].into_iter().zip(allowed) {
                assert_eq!(role.allows(perm), want, "{role} {perm}");
                let scope = Scope::user(AccountId(1), UserId(1), role);
                assert_eq!(scope.require(perm).is_ok(), want);
            }
        }
        assert!(Scope::system(AccountId(1)).require(Billing).is_ok());
    }

    #[test]
    fn a_suspended_account_reads_only_and_a_site_key_stays_on_its_site() {
        use Permission::*;
        let suspended = Scope::user(AccountId(1), UserId(1), Role::Owner).read_only();
        assert!(suspended.require(Read).is_ok());
        for p in [Write, Manage, Billing] {
            let err = suspended.require(p).unwrap_err();
            assert!(err.to_string().contains("suspended"), "{err}");
        }
        let key =
            Scope::api_key(AccountId(1), ApiKeyId(9), Role::Admin).restricted_to_site(SiteId(4));
        assert!(key.require(Manage).is_ok());
        for p in [Read, Write, Manage] {
            let err = key.require_account_wide(p).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::Forbidden);
            assert!(err.to_string().contains("restricted to site 4"), "{err}");
        }
        // Reading what only admins see stays open to a suspended account's admins.
        let admin = Scope::user(AccountId(1), UserId(2), Role::Admin).read_only();
        assert!(admin.require_role(Manage).is_ok());
        assert!(admin.require(Manage).is_err());
        let unrestricted = Scope::api_key(AccountId(1), ApiKeyId(9), Role::Admin);
        assert!(unrestricted.require_account_wide(Manage).is_ok());
        assert!(unrestricted.require_not_api_key("make API keys").is_err());
        assert!(Scope::system(AccountId(1)).require_not_api_key("x").is_ok());
    }

    #[test]
    fn site_restriction_hides_other_sites() {
        let scope = Scope::system(AccountId(1)).restricted_to_site(SiteId(4));
        assert!(scope.check_site(SiteId(4)).is_ok());
        assert_eq!(
            scope.check_site(SiteId(5)).unwrap_err().code(),
            crate::ErrorCode::NotFound
        );
    }
}
