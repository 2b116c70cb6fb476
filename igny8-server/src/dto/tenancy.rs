//! Accounts, users, sites, sectors, sessions and API keys on the wire.

use igny8_core::tenancy as t;
use igny8_core::{SectorId, SiteId};
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;

use super::{E, Time, patch};

/// A plan's limits (null: unlimited).
#[derive(Debug, Clone, Object)]
pub struct PlanLimits {
    /// The most sites the account may have, or null for no limit. Creating one more is refused with
    /// `limit_reached`.
    #[oai(nullable)]
    pub max_sites: Option<i64>,
    /// The most sectors one site may have, or null for no limit.
    #[oai(nullable)]
    pub max_sectors_per_site: Option<i64>,
    /// The most users the account may have, or null for no limit.
    #[oai(nullable)]
    pub max_users: Option<i64>,
    /// The most keywords the account may hold across all its sites, or null for no limit; an import
    /// rejects the rows past it.
    #[oai(nullable)]
    pub max_keywords: Option<i64>,
}

/// A plan.
#[derive(Debug, Object)]
pub struct Plan {
    /// The plan's id (plan id space).
    pub id: i64,
    /// A stable short name, e.g. `free`: 1–64 lowercase letters, digits, `-` or `_`.
    pub slug: String,
    /// The name shown to users (1–255 characters).
    pub name: String,
    /// Credits granted to each account on the plan every month.
    pub monthly_credits: i64,
    /// What an account on this plan may hold.
    pub limits: PlanLimits,
    /// Whether accounts created without a plan get this one; setting it on a plan clears it on the
    /// previous default.
    pub is_default: bool,
    /// When the plan was created.
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
    /// A stable short name: 1–64 lowercase letters, digits, `-` or `_` (lowercased for you). Must
    /// be unique.
    pub slug: String,
    /// The name shown to users: 1–255 characters.
    pub name: String,
    /// Credits granted each month, 0 or more.
    pub monthly_credits: i64,
    /// What an account on this plan may hold; each limit 0 or more, or null for no limit.
    pub limits: PlanLimits,
    /// Make it the plan of new accounts (the previous default stops being one). There is
    /// always a default: `false` on the default plan is refused (400); make another plan the
    /// default instead.
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
    /// The account's id (account id space); every other object belongs to one account.
    pub id: i64,
    /// The account's display name (1–255 characters).
    pub name: String,
    /// The plan the account is on (plan id space).
    pub plan_id: i64,
    /// Credits available now; what running jobs have reserved is already taken off.
    pub credits: i64,
    /// `active`; `suspended` by an operator (data can be read, not changed); or `cancelled`.
    pub status: E<t::AccountStatus>,
    /// When the account was created.
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
    /// New display name (1–255 characters).
    #[oai(nullable)]
    pub name: Option<String>,
    /// Move the account to this plan (plan id space); its limits apply to later creations.
    #[oai(nullable)]
    pub plan_id: Option<i64>,
    /// New status: `active`, `suspended` (read only) or `cancelled`.
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
    /// The user's id (user id space).
    pub id: i64,
    /// The account the user belongs to; null only for a platform operator created without one.
    #[oai(nullable)]
    pub account_id: Option<i64>,
    /// The email address, lowercased; unique across the whole platform.
    pub email: String,
    /// The display name (1–255 characters).
    pub name: String,
    /// The role in the account: `owner`, `admin`, `editor` or `viewer`.
    pub role: E<t::Role>,
    /// Whether the user is a platform operator, who may act on every account.
    pub is_superuser: bool,
    /// Whether the user may sign in; false also stops the API keys they made.
    pub is_active: bool,
    /// When the user last signed in with a password, or null if never.
    #[oai(nullable)]
    pub last_login_at: Option<Time>,
    /// When the user was created.
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
    /// The email address: trimmed, lowercased, at most 254 characters; unique across the platform.
    pub email: String,
    /// Password (8–1024 characters).
    #[oai(write_only)]
    pub password: String,
    /// The display name (1–255 characters); null uses the part of the email before `@`.
    #[oai(nullable)]
    pub name: Option<String>,
    /// The role in the account (default `viewer`); never above your own.
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
    /// New display name (1–255 characters). Users may rename themselves; everything else needs an
    /// admin.
    #[oai(nullable)]
    pub name: Option<String>,
    /// New role: never above your own, and not for a user ranked above you; the last active owner
    /// can't be demoted.
    #[oai(nullable)]
    pub role: Option<E<t::Role>>,
    /// False stops the user signing in (the last active owner can't be disabled); true enables them
    /// again.
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
    /// The owner's email address: trimmed, lowercased, at most 254 characters; unique across the
    /// platform.
    pub email: String,
    /// The owner's password: 8–1024 characters.
    #[oai(write_only)]
    pub password: String,
    /// The new account's name: 1–255 characters. The account gets the default plan.
    pub account_name: String,
    /// The owner's display name (1–255 characters); null uses the part of the email before `@`.
    #[oai(nullable)]
    pub name: Option<String>,
}

/// Sign-in.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct Login {
    /// The email address you signed up with (not case-sensitive).
    pub email: String,
    /// Your password.
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
    /// When the access token stops working; exchange the refresh token before then.
    pub access_expires_at: Time,
    /// Refresh token: exchange it at `auth/refresh/` for new tokens (it works once).
    pub refresh: String,
    /// When the refresh token stops working; after that, sign in again.
    pub refresh_expires_at: Time,
    /// The signed-in user.
    pub user: User,
}

/// A password change.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PasswordChange {
    /// Your password now.
    #[oai(write_only)]
    pub current_password: String,
    /// The new password (8–1024 characters). Changing it signs out every session of yours.
    #[oai(write_only)]
    pub new_password: String,
}

/// A site.
#[derive(Debug, Object)]
pub struct Site {
    /// The site's id (site id space).
    pub id: i64,
    /// The display name (1–255 characters), unique in the account.
    pub name: String,
    /// The site's public address (http or https, at most 2048 characters, no trailing `/`), or
    /// null.
    #[oai(nullable)]
    pub url: Option<String>,
    /// The site's industry, free text up to 255 characters, or null.
    #[oai(nullable)]
    pub industry: Option<String>,
    /// A flag for your own use; nothing skips an inactive site yet.
    pub is_active: bool,
    /// The connected WordPress site's base URL, or null when not connected.
    #[oai(nullable)]
    pub wordpress_url: Option<String>,
    /// The WordPress user IGNY8 publishes as, or null when not connected.
    #[oai(nullable)]
    pub wordpress_username: Option<String>,
    /// A masked hint of the application password, e.g. `••••abcd` (the password itself is never
    /// returned), or null.
    #[oai(nullable)]
    pub wordpress_password_hint: Option<String>,
    /// When the site was created.
    pub created_at: Time,
    /// When the site last changed.
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
    /// The display name: 1–255 characters, unique in the account.
    pub name: String,
    /// The site's public address: http or https, at most 2048 characters; or null.
    #[oai(nullable)]
    pub url: Option<String>,
    /// The site's industry, free text up to 255 characters; or null.
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
    /// New display name (1–255 characters, unique in the account).
    #[oai(nullable)]
    pub name: Option<String>,
    /// New public address (http or https), or null to remove it.
    #[oai(nullable)]
    pub url: MaybeUndefined<String>,
    /// New industry (up to 255 characters), or null to remove it.
    #[oai(nullable)]
    pub industry: MaybeUndefined<String>,
    /// Set or clear the active flag.
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
    /// The sector's id (sector id space).
    pub id: i64,
    /// The site the sector belongs to.
    pub site_id: i64,
    /// The display name (1–255 characters).
    pub name: String,
    /// What the sector covers (up to 10,000 characters), or null.
    #[oai(nullable)]
    pub description: Option<String>,
    /// A flag for your own use; nothing skips an inactive sector yet.
    pub is_active: bool,
    /// When the sector was created.
    pub created_at: Time,
    /// When the sector last changed.
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
    /// The site to add the sector to; counts against the plan's `max_sectors_per_site`.
    pub site_id: i64,
    /// The display name: 1–255 characters.
    pub name: String,
    /// What the sector covers, up to 10,000 characters; or null.
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
    /// New display name (1–255 characters).
    #[oai(nullable)]
    pub name: Option<String>,
    /// New description (up to 10,000 characters), or null to remove it.
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    /// Set or clear the active flag.
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
    /// The key's id (API key id space), used to rename or revoke it.
    pub id: i64,
    /// A name to recognise the key by (1–255 characters).
    pub name: String,
    /// The secret's first 10 characters (`igny8_` and four more), to tell keys apart.
    pub prefix: String,
    /// The role the key acts with, never above its creator's.
    pub role: E<t::Role>,
    /// The only site the key may touch, or null for every site of the account.
    #[oai(nullable)]
    pub site_id: Option<i64>,
    /// When the key was last used (to the minute), or null if never.
    #[oai(nullable)]
    pub last_used_at: Option<Time>,
    /// When the key stops working, or null for never.
    #[oai(nullable)]
    pub expires_at: Option<Time>,
    /// When the key was revoked, or null while it works.
    #[oai(nullable)]
    pub revoked_at: Option<Time>,
    /// When the key was created.
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
    /// A name to recognise the key by: 1–255 characters.
    pub name: String,
    /// The role the key acts with (default `editor`); never above your own.
    #[oai(nullable)]
    pub role: Option<E<t::Role>>,
    /// Restrict the key to this site, or null for every site of the account.
    #[oai(nullable)]
    pub site_id: Option<i64>,
    /// When the key stops working (must be in the future), or null for never.
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
    /// The key as it is listed from now on (without its secret).
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
    /// The site the install chose (a site of the account the key may see): used instead of
    /// finding the site by `url`, and never made. Omit it to find (or make) the site by `url`.
    #[oai(nullable)]
    pub site_id: Option<i64>,
    /// The sector new work goes to: one of that site's sectors. Omit it for the site's first
    /// active sector.
    #[oai(nullable)]
    pub sector_id: Option<i64>,
}

impl From<ConnectSite> for t::ConnectSite {
    fn from(c: ConnectSite) -> Self {
        Self {
            name: c.name,
            url: c.url,
            site: c.site_id.map(SiteId),
            sector: c.sector_id.map(SectorId),
        }
    }
}

/// The site a WordPress install works on and the sector its new work goes to.
#[derive(Debug, Object)]
pub struct ConnectedSite {
    /// The account the site belongs to: with the service's address, what names where a
    /// WordPress post came from (the plugin keeps both on every post it makes).
    pub account_id: i64,
    /// The site.
    pub site: Site,
    /// Its first active sector, or the `General` sector made for it.
    pub sector: Sector,
    /// Whether this request made the site.
    pub created: bool,
    /// The caller's role (`owner`, `admin`, `editor`, `viewer`): what the install may do with
    /// this credential (a viewer only reads), so it can offer only what will work.
    pub role: String,
    /// Whether the credential is restricted to this one site (it then always gets this site,
    /// whatever URL the install gave).
    pub site_restricted: bool,
}

impl ConnectedSite {
    /// The answer to `scope`'s connect.
    pub fn new(c: t::ConnectedSite, scope: &t::Scope) -> Self {
        Self {
            account_id: c.site.account_id.0,
            site: c.site.into(),
            sector: c.sector.into(),
            created: c.created,
            role: scope.role().as_str().to_owned(),
            site_restricted: scope.site().is_some(),
        }
    }
}

/// Changes to an API key.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ApiKeyPatch {
    /// New name (1–255 characters); absent or null keeps it. The key's role and site can't change:
    /// make a new key instead.
    pub name: Option<String>,
    /// New expiry (RFC 3339, must be in the future), or `null` for never; absent keeps it.
    pub expires_at: poem_openapi::types::MaybeUndefined<chrono::DateTime<chrono::Utc>>,
}

/// Bulk changes to users.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct UserBulkUpdate {
    /// The users to change: 1–10,000 ids; ids of no user of the account are skipped. The rules for
    /// one user are checked for every user first: all change or none.
    pub ids: Vec<i64>,
    /// New role for all of them: never above your own; the last active owner stays an owner.
    #[oai(nullable)]
    pub role: Option<crate::dto::E<t::Role>>,
    /// False stops them signing in (and their API keys); true enables them again.
    #[oai(nullable)]
    pub is_active: Option<bool>,
}

/// Bulk changes to sites.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct SiteBulkUpdate {
    /// The sites to change: 1–10,000 ids; ids of no site of the account are skipped.
    pub ids: Vec<i64>,
    /// Set or clear the active flag (a flag for your own use).
    #[oai(nullable)]
    pub is_active: Option<bool>,
    /// New industry for all of them (up to 255 characters); absent or null keeps it.
    #[oai(nullable)]
    pub industry: Option<String>,
}

/// Bulk changes to sectors.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct SectorBulkUpdate {
    /// The sectors to change: 1–10,000 ids; ids of no sector of the account are skipped.
    pub ids: Vec<i64>,
    /// Set or clear the active flag (a flag for your own use).
    #[oai(nullable)]
    pub is_active: Option<bool>,
}
