//! Accounts, users, sites, sectors, sessions and API keys on the wire.

use igny8_core::tenancy as t;
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;

use super::{E, Time};

/// Turns `MaybeUndefined` (absent / null / value) into the core's `Option<Option<T>>`.
pub fn patch<T, U>(value: MaybeUndefined<T>, f: impl FnOnce(T) -> U) -> Option<Option<U>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(f(v))),
    }
}

/// A plan's limits (null: unlimited).
#[derive(Debug, Clone, Object)]
pub struct PlanLimits {
    /// Sites in the account.
    #[oai(nullable)]
    pub max_sites: Option<i64>,
    /// Sectors in one site.
    #[oai(nullable)]
    pub max_sectors_per_site: Option<i64>,
    /// Users in the account.
    #[oai(nullable)]
    pub max_users: Option<i64>,
    /// Keywords in the account.
    #[oai(nullable)]
    pub max_keywords: Option<i64>,
}

/// A plan.
#[derive(Debug, Object)]
pub struct Plan {
    /// Id.
    pub id: i64,
    /// Short name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Credits each month.
    pub monthly_credits: i64,
    /// Limits.
    pub limits: PlanLimits,
    /// The plan of new accounts.
    pub is_default: bool,
    /// Created.
    pub created_at: Time,
}

impl From<t::Plan> for Plan {
    fn from(p: t::Plan) -> Self {
        Self {
            id: p.id.get(),
            slug: p.slug,
            name: p.name,
            monthly_credits: p.monthly_credits,
            limits: PlanLimits {
                max_sites: p.limits.max_sites,
                max_sectors_per_site: p.limits.max_sectors_per_site,
                max_users: p.limits.max_users,
                max_keywords: p.limits.max_keywords,
            },
            is_default: p.is_default,
            created_at: p.created_at,
        }
    }
}

/// A plan to create or replace (operators).
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PlanInput {
    /// Short name: lowercase letters, digits, `-`, `_`.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Credits each month.
    pub monthly_credits: i64,
    /// Limits.
    pub limits: PlanLimits,
    /// Make it the plan of new accounts.
    #[oai(default)]
    pub is_default: bool,
}

impl From<PlanInput> for t::PlanInput {
    fn from(p: PlanInput) -> Self {
        Self {
            slug: p.slug,
            name: p.name,
            monthly_credits: p.monthly_credits,
            limits: t::PlanLimits {
                max_sites: p.limits.max_sites,
                max_sectors_per_site: p.limits.max_sectors_per_site,
                max_users: p.limits.max_users,
                max_keywords: p.limits.max_keywords,
            },
            is_default: p.is_default,
        }
    }
}

/// An account.
#[derive(Debug, Object)]
pub struct Account {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Plan.
    pub plan_id: i64,
    /// Credits available.
    pub credits: i64,
    /// Status.
    pub status: E<t::AccountStatus>,
    /// Created.
    pub created_at: Time,
}

impl From<t::Account> for Account {
    fn from(a: t::Account) -> Self {
        Self {
            id: a.id.get(),
            name: a.name,
            plan_id: a.plan_id.get(),
            credits: a.credits,
            status: E(a.status),
            created_at: a.created_at,
        }
    }
}

/// Changes to an account (operators).
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct AccountPatch {
    /// New name.
    #[oai(nullable)]
    pub name: Option<String>,
    /// New plan.
    #[oai(nullable)]
    pub plan_id: Option<i64>,
    /// New status.
    #[oai(nullable)]
    pub status: Option<E<t::AccountStatus>>,
}

impl From<AccountPatch> for t::AccountPatch {
    fn from(p: AccountPatch) -> Self {
        Self {
            name: p.name,
            plan_id: p.plan_id.map(igny8_core::PlanId),
            status: p.status.map(|s| s.0),
        }
    }
}

/// A user.
#[derive(Debug, Object)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Account.
    #[oai(nullable)]
    pub account_id: Option<i64>,
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: E<t::Role>,
    /// Platform operator.
    pub is_superuser: bool,
    /// May sign in.
    pub is_active: bool,
    /// Last sign-in.
    #[oai(nullable)]
    pub last_login_at: Option<Time>,
    /// Created.
    pub created_at: Time,
}

impl From<t::User> for User {
    fn from(u: t::User) -> Self {
        Self {
            id: u.id.get(),
            account_id: u.account_id.map(|a| a.get()),
            email: u.email,
            name: u.name,
            role: E(u.role),
            is_superuser: u.is_superuser,
            is_active: u.is_active,
            last_login_at: u.last_login_at,
            created_at: u.created_at,
        }
    }
}

/// A new user of the account.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewUser {
    /// Email.
    pub email: String,
    /// Password (8–1024 characters).
    #[oai(write_only)]
    pub password: String,
    /// Name.
    #[oai(nullable)]
    pub name: Option<String>,
    /// Role (default viewer).
    #[oai(nullable)]
    pub role: Option<E<t::Role>>,
}

impl From<NewUser> for t::NewUser {
    fn from(u: NewUser) -> Self {
        Self {
            email: u.email,
            password: u.password,
            name: u.name,
            role: u.role.map(|r| r.0),
        }
    }
}

/// Changes to a user.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct UserPatch {
    /// New name.
    #[oai(nullable)]
    pub name: Option<String>,
    /// New role.
    #[oai(nullable)]
    pub role: Option<E<t::Role>>,
    /// Enable or disable.
    #[oai(nullable)]
    pub is_active: Option<bool>,
}

impl From<UserPatch> for t::UserPatch {
    fn from(u: UserPatch) -> Self {
        Self {
            name: u.name,
            role: u.role.map(|r| r.0),
            is_active: u.is_active,
        }
    }
}

/// Sign-up.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct Register {
    /// Owner's email.
    pub email: String,
    /// Owner's password (8–1024 characters).
    #[oai(write_only)]
    pub password: String,
    /// The new account's name.
    pub account_name: String,
    /// Owner's name.
    #[oai(nullable)]
    pub name: Option<String>,
}

/// Sign-in.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct Login {
    /// Email.
    pub email: String,
    /// Password.
    #[oai(write_only)]
    pub password: String,
}

/// A refresh token to exchange or end.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token.
    pub refresh: String,
}

/// Tokens of a signed-in user.
#[derive(Debug, Object)]
pub struct Tokens {
    /// Access token: `Authorization: Bearer <access>`.
    pub access: String,
    /// When the access token expires.
    pub access_expires_at: Time,
    /// Refresh token: exchange it at `auth/refresh/` for new tokens (it works once).
    pub refresh: String,
    /// When the refresh token expires.
    pub refresh_expires_at: Time,
    /// The user.
    pub user: User,
}

/// A password change.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    #[oai(write_only)]
    pub current_password: String,
    /// The new password.
    #[oai(write_only)]
    pub new_password: String,
}

/// A site.
#[derive(Debug, Object)]
pub struct Site {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Public URL.
    #[oai(nullable)]
    pub url: Option<String>,
    /// Industry.
    #[oai(nullable)]
    pub industry: Option<String>,
    /// Active.
    pub is_active: bool,
    /// WordPress URL, when connected.
    #[oai(nullable)]
    pub wordpress_url: Option<String>,
    /// WordPress user, when connected.
    #[oai(nullable)]
    pub wordpress_username: Option<String>,
    /// Masked hint of the application password.
    #[oai(nullable)]
    pub wordpress_password_hint: Option<String>,
    /// Created.
    pub created_at: Time,
    /// Changed.
    pub updated_at: Time,
}

impl From<t::Site> for Site {
    fn from(s: t::Site) -> Self {
        let wp = s.wordpress;
        Self {
            id: s.id.get(),
            name: s.name,
            url: s.url,
            industry: s.industry,
            is_active: s.is_active,
            wordpress_url: wp.as_ref().map(|w| w.url.clone()),
            wordpress_username: wp.as_ref().map(|w| w.username.clone()),
            wordpress_password_hint: wp.and_then(|w| w.password_hint),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A new site.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewSite {
    /// Name.
    pub name: String,
    /// Public URL.
    #[oai(nullable)]
    pub url: Option<String>,
    /// Industry.
    #[oai(nullable)]
    pub industry: Option<String>,
    /// Active (default true).
    #[oai(nullable)]
    pub is_active: Option<bool>,
}

impl From<NewSite> for t::NewSite {
    fn from(s: NewSite) -> Self {
        Self {
            name: s.name,
            url: s.url,
            industry: s.industry,
            is_active: s.is_active,
        }
    }
}

/// Changes to a site (null clears a field).
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct SitePatch {
    /// New name.
    #[oai(nullable)]
    pub name: Option<String>,
    /// New URL, or null.
    #[oai(nullable)]
    pub url: MaybeUndefined<String>,
    /// New industry, or null.
    #[oai(nullable)]
    pub industry: MaybeUndefined<String>,
    /// Active.
    #[oai(nullable)]
    pub is_active: Option<bool>,
}

impl From<SitePatch> for t::SitePatch {
    fn from(s: SitePatch) -> Self {
        Self {
            name: s.name,
            url: patch(s.url, |v| v),
            industry: patch(s.industry, |v| v),
            is_active: s.is_active,
        }
    }
}

/// A sector.
#[derive(Debug, Object)]
pub struct Sector {
    /// Id.
    pub id: i64,
    /// Site.
    pub site_id: i64,
    /// Name.
    pub name: String,
    /// Description.
    #[oai(nullable)]
    pub description: Option<String>,
    /// Active.
    pub is_active: bool,
    /// Created.
    pub created_at: Time,
    /// Changed.
    pub updated_at: Time,
}

impl From<t::Sector> for Sector {
    fn from(s: t::Sector) -> Self {
        Self {
            id: s.id.get(),
            site_id: s.site_id.get(),
            name: s.name,
            description: s.description,
            is_active: s.is_active,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A new sector.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewSector {
    /// The site.
    pub site_id: i64,
    /// Name.
    pub name: String,
    /// Description.
    #[oai(nullable)]
    pub description: Option<String>,
    /// Active (default true).
    #[oai(nullable)]
    pub is_active: Option<bool>,
}

impl From<NewSector> for t::NewSector {
    fn from(s: NewSector) -> Self {
        Self {
            site_id: igny8_core::SiteId(s.site_id),
            name: s.name,
            description: s.description,
            is_active: s.is_active,
        }
    }
}

/// Changes to a sector.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct SectorPatch {
    /// New name.
    #[oai(nullable)]
    pub name: Option<String>,
    /// New description, or null.
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    /// Active.
    #[oai(nullable)]
    pub is_active: Option<bool>,
}

impl From<SectorPatch> for t::SectorPatch {
    fn from(s: SectorPatch) -> Self {
        Self {
            name: s.name,
            description: patch(s.description, |v| v),
            is_active: s.is_active,
        }
    }
}

/// An API key (its secret is shown only when created).
#[derive(Debug, Object)]
pub struct ApiKey {
    /// The key's id, as in `/api-keys/{id}/`.
    pub id: i64,
    /// Name.
    pub name: String,
    /// First characters, to recognise it.
    pub prefix: String,
    /// Role it acts with.
    pub role: E<t::Role>,
    /// The only site it may touch.
    #[oai(nullable)]
    pub site_id: Option<i64>,
    /// Last use.
    #[oai(nullable)]
    pub last_used_at: Option<Time>,
    /// Expiry.
    #[oai(nullable)]
    pub expires_at: Option<Time>,
    /// Revoked.
    #[oai(nullable)]
    pub revoked_at: Option<Time>,
    /// Created.
    pub created_at: Time,
}

impl From<t::ApiKey> for ApiKey {
    fn from(k: t::ApiKey) -> Self {
        Self {
            id: k.id.get(),
            name: k.name,
            prefix: k.prefix,
            role: E(k.role),
            site_id: k.site_id.map(|s| s.get()),
            last_used_at: k.last_used_at,
            expires_at: k.expires_at,
            revoked_at: k.revoked_at,
            created_at: k.created_at,
        }
    }
}

/// A new API key.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewApiKey {
    /// Name.
    pub name: String,
    /// Role (default editor; at most yours).
    #[oai(nullable)]
    pub role: Option<E<t::Role>>,
    /// Restrict it to one site.
    #[oai(nullable)]
    pub site_id: Option<i64>,
    /// Expiry.
    #[oai(nullable)]
    pub expires_at: Option<Time>,
}

impl From<NewApiKey> for t::NewApiKey {
    fn from(k: NewApiKey) -> Self {
        Self {
            name: k.name,
            role: k.role.map(|r| r.0),
            site_id: k.site_id.map(igny8_core::SiteId),
            expires_at: k.expires_at,
        }
    }
}

/// A new API key with its secret (shown once).
#[derive(Debug, Object)]
pub struct CreatedApiKey {
    /// The key.
    pub key: ApiKey,
    /// The secret: `Authorization: Api-Key <secret>`.
    pub secret: String,
}

/// What a WordPress install says about itself when it connects.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ConnectSite {
    /// The site's title, 1–255 characters; the name of the site if it has to be made (with
    /// the host added when another site already has that name).
    pub name: String,
    /// The site's public address (`http://` or `https://`, at most 2048 characters), by which
    /// the site is recognised; without it the site is recognised by its name.
    #[oai(nullable)]
    pub url: Option<String>,
}

impl From<ConnectSite> for t::ConnectSite {
    fn from(c: ConnectSite) -> Self {
        Self {
            name: c.name,
            url: c.url,
        }
    }
}

/// The site a WordPress install works on and the sector its new work goes to.
#[derive(Debug, Object)]
pub struct ConnectedSite {
    /// The site.
    pub site: Site,
    /// Its first active sector, or the `General` sector made for it.
    pub sector: Sector,
    /// Whether this request made the site.
    pub created: bool,
}

impl From<t::ConnectedSite> for ConnectedSite {
    fn from(c: t::ConnectedSite) -> Self {
        Self {
            site: c.site.into(),
            sector: c.sector.into(),
            created: c.created,
        }
    }
}
