//! Sessions (rotating refresh tokens) and API keys.
//!
//! * A sign-in starts a session: an opaque refresh token (32 random bytes) of which only the
//!   SHA-256 is stored. Exchanging it ([`Auth::refresh`]) rotates it: the old token stops
//!   working and a new one of the same *family* is issued. Presenting an already-rotated
//!   token again means it was stolen or replayed: the whole family is revoked. Signing out
//!   revokes the family; changing the password revokes every session of the user.
//! * An API key (`igny8_…`, shown once) is stored as its SHA-256 with a short prefix for
//!   recognition; it acts in one account with the role it was issued with (never above its
//!   creator's), optionally restricted to one site, until it expires or is revoked.
//!
//! * A browser session (the web app's) is a refresh-token row of its own kind: the cookie
//!   holds the token, it is never rotated nor exchanged for access tokens, and it ends after
//!   a time unused as well as at the end of its lifetime. Signing out, a password change and
//!   deactivation end it like any session.
//!
//! Short-lived access tokens (JWT) are the transport's business: the server signs them.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{AccountStatus, Operator, Permission, Role, Scope, User};
use crate::Igny8;
use crate::error::{Error, Result};
use crate::ids::{AccountId, ApiKeyId, SiteId, UserId};
use crate::list::{Page, PageRequest};
use crate::store::Store;
use crate::validate::Check;

/// The prefix of every API key.
pub const API_KEY_PREFIX: &str = "igny8_";

/// A fresh secret: 32 random bytes, base64url.
fn secret() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// The stored form of a token or key: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A signed-in user's session: the refresh token is shown once, here.
#[derive(Clone, Serialize, Deserialize)]
pub struct Session {
    /// The user.
    pub user: User,
    /// The refresh token (store it; it is not kept in clear anywhere).
    pub refresh_token: String,
    /// When the refresh token stops working.
    pub refresh_expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.user.id)
            .field("refresh_token", &"<redacted>")
            .field("refresh_expires_at", &self.refresh_expires_at)
            .finish()
    }
}

/// What exchanging a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was current: it is rotated now; the user it belongs to.
    Rotated(UserId),
    /// The token had been rotated already: its family is revoked now.
    Reused,
    /// Unknown, expired or revoked.
    Invalid,
}

/// An API key as shown (never with its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    /// The key's id: what the API's `/api-keys/{id}` paths name it by.
    pub id: ApiKeyId,
    /// The account it acts in.
    pub account_id: AccountId,
    /// The only site it may touch, if restricted.
    pub site_id: Option<SiteId>,
    /// A name to recognise it by, 1–255 characters.
    pub name: String,
    /// Its first characters, e.g. `igny8_Ab3d`.
    pub prefix: String,
    /// The role it acts with; capped at its creator's current role when used.
    pub role: Role,
    /// Who made it; `None` for a key made by the system. The key stops working when that user is
    /// removed or deactivated.
    pub created_by: Option<UserId>,
    /// Last use (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it stops working.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the key was created.
    pub created_at: DateTime<Utc>,
}

/// An API key found by its secret, with what decides whether it still works.
#[derive(Debug, Clone)]
pub struct ApiKeyHolder {
    /// The key.
    pub key: ApiKey,
    /// Whether the user who made it is active; `None` when nobody made it (the system) or
    /// that user no longer exists.
    pub creator_active: Option<bool>,
    /// That user's role now.
    pub creator_role: Option<Role>,
    /// Its account's status (`None` when the account is gone).
    pub account_status: Option<AccountStatus>,
}

/// Who a request acts as, after checking the user (or key) and the account as they are now.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The signed-in user (`None` for an API key).
    pub user: Option<User>,
    /// A platform operator.
    pub superuser: bool,
    /// The account, role and restrictions the request acts with; `None` for an operator
    /// without an account.
    pub scope: Option<Scope>,
}

/// A browser session in use: who it acts as, and until when at the latest.
#[derive(Debug, Clone)]
pub struct WebSession {
    /// The user, their scope and whether they operate the platform, checked now.
    pub caller: Caller,
    /// When the session ends however it is used (sign in again after).
    pub expires_at: DateTime<Utc>,
    /// The stored form of the session's token: the same for every request of the session and
    /// different for every session, e.g. to bind a form token to the session.
    pub token_hash: String,
}

/// Input for a new API key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewApiKey {
    /// A name to recognise it by, 1–255 characters.
    pub name: String,
    /// Role (default editor; never above the creator's).
    pub role: Option<Role>,
    /// Restrict it to one site of the account; `None` for every site.
    pub site_id: Option<SiteId>,
    /// When it stops working (must be in the future); `None` for never.
    pub expires_at: Option<DateTime<Utc>>,
}

/// An API key ready to store.
#[derive(Debug, Clone)]
pub struct ApiKeyRecord {
    /// Name.
    pub name: String,
    /// Shown prefix.
    pub prefix: String,
    /// SHA-256 of the key.
    pub key_hash: String,
    /// Role.
    pub role: Role,
    /// Site restriction.
    pub site_id: Option<SiteId>,
    /// Creator.
    pub created_by: Option<UserId>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A new key and its secret (shown once).
#[derive(Clone, Serialize, Deserialize)]
pub struct CreatedApiKey {
    /// The key.
    pub key: ApiKey,
    /// The secret to send as `Authorization: Api-Key <secret>`.
    pub secret: String,
}

impl std::fmt::Debug for CreatedApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApiKey")
            .field("key", &self.key)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Sessions and API keys.
#[derive(Debug)]
pub struct Auth<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

fn denied() -> Error {
    Error::Unauthenticated("the session has expired or was signed out; sign in again".into())
}

impl<S: Store> Auth<'_, S> {
    fn store(&self) -> &S {
        &self.core.store
    }

    /// Starts a session for `user` whose refresh token lives `ttl`.
    pub async fn start_session(&self, user: User, ttl: Duration) -> Result<Session> {
        let token = secret();
        let expires = self.core.now() + ttl;
        self.store()
            .insert_refresh_token(user.id, &secret(), &token_hash(&token), expires)
            .await?;
        Ok(Session {
            user,
            refresh_token: token,
            refresh_expires_at: expires,
        })
    }

    /// Exchanges a refresh token for a new one (rotation). A token used twice revokes its
    /// whole family; an unknown, expired or revoked token is refused. Disabled users are refused.
    pub async fn refresh(&self, token: &str, ttl: Duration) -> Result<Session> {
        let next = secret();
        let expires = self.core.now() + ttl;
        match self
            .store()
            .rotate_refresh_token(&token_hash(token.trim()), &token_hash(&next), expires)
            .await?
        {
            Rotation::Rotated(user_id) => {
                let user = self.store().find_user(user_id).await?.ok_or_else(denied)?;
                if !user.is_active {
                    self.store().revoke_user_tokens(user_id).await?;
                    return Err(denied());
                }
                Ok(Session {
                    user,
                    refresh_token: next,
                    refresh_expires_at: expires,
                })
            }
            Rotation::Reused | Rotation::Invalid => Err(denied()),
        }
    }

    /// Starts a browser session for `user` (the web app's sign-in): the returned token goes in
    /// the session cookie, of which only the hash is stored. It lives at most `ttl`, ends
    /// sooner when unused (see [`Auth::web_session`]), and can't be exchanged for API tokens
    /// ([`Auth::refresh`] refuses it). [`Auth::end_session`] signs it out;
    /// [`Auth::end_all_sessions`] ends it with the user's other sessions.
    pub async fn start_web_session(&self, user: User, ttl: Duration) -> Result<Session> {
        let token = secret();
        let expires = self.core.now() + ttl;
        self.store()
            // A family of its own: signing out ends this browser's session and no other.
            .insert_web_session(user.id, &secret(), &token_hash(&token), expires)
            .await?;
        Ok(Session {
            user,
            refresh_token: token,
            refresh_expires_at: expires,
        })
    }

    /// Who a browser session acts as, for each request of the web app: the session must be
    /// one [`Auth::start_web_session`] made, not signed out or ended, within its lifetime and
    /// used within the last `idle`; then the same checks as [`Auth::caller`] (the user still
    /// active, the account not closed, the user's current role, read-only when suspended).
    pub async fn web_session(&self, token: &str, idle: Duration) -> Result<WebSession> {
        let hash = token_hash(token.trim());
        let (user, expires_at) = self
            .store()
            .touch_web_session(&hash, self.core.now() - idle)
            .await?
            .ok_or_else(denied)?;
        let caller = match self.caller(user).await {
            Ok(caller) => caller,
            Err(e @ Error::Unauthenticated(_)) => {
                // Deactivated, removed or closed: the user's sessions end now, as a refresh
                // does, so enabling the user again doesn't bring this browser back signed in.
                self.store().revoke_user_tokens(user).await?;
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        Ok(WebSession {
            caller,
            expires_at,
            token_hash: hash,
        })
    }

    /// Signs out: the token's whole family stops working. Unknown tokens are ignored.
    pub async fn end_session(&self, token: &str) -> Result<()> {
        self.store()
            .revoke_token_family(&token_hash(token.trim()))
            .await
    }

    /// Ends every session of a user (after a password change, or when disabled).
    pub async fn end_all_sessions(&self, user: UserId) -> Result<()> {
        self.store().revoke_user_tokens(user).await
    }

    /// Creates an API key (admins). Its role is at most the creator's.
    pub async fn create_api_key(&self, scope: &Scope, input: NewApiKey) -> Result<CreatedApiKey> {
        scope.require_account_wide(Permission::Manage)?;
        scope.require_not_api_key("make API keys")?;
        let mut check = Check::new();
        let name = check.name("name", &input.name, 255);
        if input.expires_at.is_some_and(|t| t <= self.core.now()) {
            check.fail("expires_at", "must be in the future");
        }
        check.finish()?;
        let role = input.role.unwrap_or(Role::Editor);
        if role.rank() > scope.role().rank() {
            return Err(Error::Forbidden(format!(
                "the {} role may not grant the {role} role",
                scope.role()
            )));
        }
        let site = match (scope.site(), input.site_id) {
            (Some(only), Some(asked)) if only != asked => return Err(asked.not_found()),
            (Some(only), _) => Some(only),
            (None, asked) => asked,
        };
        if let Some(site) = site {
            self.store().get_site(scope, site).await?;
        }
        let secret = format!("{API_KEY_PREFIX}{}", secret());
        let record = ApiKeyRecord {
            name,
            prefix: secret.chars().take(API_KEY_PREFIX.len() + 4).collect(),
            key_hash: token_hash(&secret),
            role,
            site_id: site,
            created_by: scope.user_id(),
            expires_at: input.expires_at,
        };
        let key = self.store().create_api_key(scope, &record).await?;
        Ok(CreatedApiKey { key, secret })
    }

    /// The account's API keys (never their secrets).
    /// Admins only: who holds machine access is management information.
    pub async fn api_keys(&self, scope: &Scope, page: &PageRequest) -> Result<Page<ApiKey>> {
        // Admins read them, in a suspended account too.
        scope.require_role(Permission::Manage)?;
        scope.require_account_wide(Permission::Read)?;
        self.store().list_api_keys(scope, page).await
    }

    /// One API key (never its secret).
    pub async fn api_key(&self, scope: &Scope, id: ApiKeyId) -> Result<ApiKey> {
        // Admins read them, in a suspended account too.
        scope.require_role(Permission::Manage)?;
        scope.require_account_wide(Permission::Read)?;
        self.store().get_api_key(scope, id).await
    }

    /// Renames an API key or changes when it expires (admins). Its role and site stay: make a
    /// new key for other rights. A revoked key can't be changed.
    pub async fn update_api_key(
        &self,
        scope: &Scope,
        id: ApiKeyId,
        name: Option<String>,
        expires_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
    ) -> Result<ApiKey> {
        scope.require_account_wide(Permission::Manage)?;
        scope.require_not_api_key("change API keys")?;
        let mut check = Check::new();
        let name = name.map(|n| check.name("name", &n, 255));
        if let Some(Some(t)) = expires_at
            && t <= self.core.now()
        {
            check.fail("expires_at", "must be in the future");
        }
        check.finish()?;
        let key = self.store().get_api_key(scope, id).await?;
        if key.revoked_at.is_some() {
            return Err(Error::Conflict(format!("API key {id} is revoked")));
        }
        self.store()
            .update_api_key(scope, id, name.as_deref(), expires_at)
            .await
    }

    /// Revokes an API key (admins).
    pub async fn revoke_api_key(&self, scope: &Scope, id: ApiKeyId) -> Result<ApiKey> {
        scope.require_account_wide(Permission::Manage)?;
        scope.require_not_api_key("revoke API keys")?;
        self.store().revoke_api_key(scope, id).await
    }

    /// Revokes several API keys (admins): every id must be one of the account's keys, or none
    /// is revoked. Keys already revoked stay as they were. How many were revoked now.
    pub async fn revoke_api_keys(&self, scope: &Scope, ids: &[ApiKeyId]) -> Result<u64> {
        scope.require_account_wide(Permission::Manage)?;
        scope.require_not_api_key("revoke API keys")?;
        let mut live = Vec::with_capacity(ids.len());
        for id in ids {
            let key = self.store().get_api_key(scope, *id).await?;
            if key.revoked_at.is_none() && !live.contains(id) {
                live.push(*id);
            }
        }
        for id in &live {
            self.store().revoke_api_key(scope, *id).await?;
        }
        Ok(live.len() as u64)
    }

    /// Who a signed-in user acts as now (for each request of an access token): the user must
    /// still exist and be active, their account must not be closed; the role is the user's
    /// current one (not the one the token was issued with); a suspended account's scope may
    /// only read.
    pub async fn caller(&self, user: UserId) -> Result<Caller> {
        let (user, status) = self.store().find_principal(user).await?.ok_or_else(|| {
            Error::Unauthenticated("this user no longer exists; sign in again".into())
        })?;
        if !user.is_active {
            return Err(Error::Unauthenticated(
                "this user was deactivated; an admin of the account can enable it again".into(),
            ));
        }
        let scope = match user.account_id {
            Some(account) => {
                let scope = Scope::user(account, user.id, user.role);
                Some(match status {
                    Some(AccountStatus::Active) => scope,
                    Some(AccountStatus::Suspended) => scope.read_only(),
                    Some(AccountStatus::Cancelled) | None => {
                        return Err(Error::Unauthenticated("the account is closed".into()));
                    }
                })
            }
            None => None,
        };
        Ok(Caller {
            superuser: user.is_superuser,
            user: Some(user),
            scope,
        })
    }

    /// `user` acting as a platform operator: an active superuser (the same checks as
    /// [`Auth::caller`]); forbidden for anyone else.
    pub async fn operator(&self, user: UserId) -> Result<Operator> {
        let caller = self.caller(user).await?;
        if !caller.superuser {
            return Err(Error::Forbidden(
                "operators only: this is for the platform's operators (superusers)".into(),
            ));
        }
        Ok(Operator::superuser(user))
    }

    /// The scope an API key acts in, or unauthenticated: unknown, revoked or expired; made by
    /// a user who has since been removed or deactivated; or of a closed account. It acts with
    /// its own role, capped at its creator's current role; a suspended account's key may only
    /// read.
    pub async fn authenticate_api_key(&self, secret: &str) -> Result<Scope> {
        let bad = || Error::Unauthenticated("the API key is not valid".into());
        let secret = secret.trim();
        if !secret.starts_with(API_KEY_PREFIX) || secret.len() > 200 {
            return Err(bad());
        }
        let found = self
            .store()
            .find_api_key(&token_hash(secret))
            .await?
            .ok_or_else(bad)?;
        let key = &found.key;
        let now = self.core.now();
        if key.revoked_at.is_some() || key.expires_at.is_some_and(|t| t <= now) {
            return Err(bad());
        }
        let mut role = key.role;
        if key.created_by.is_some() {
            if found.creator_active != Some(true) {
                return Err(Error::Unauthenticated(
                    "the API key stopped working: the user who made it was removed or \
                     deactivated; make a new key"
                        .into(),
                ));
            }
            if let Some(creator) = found.creator_role
                && creator.rank() < role.rank()
            {
                role = creator;
            }
        }
        let read_only = match found.account_status {
            Some(AccountStatus::Active) => false,
            Some(AccountStatus::Suspended) => true,
            Some(AccountStatus::Cancelled) | None => return Err(bad()),
        };
        if key
            .last_used_at
            .is_none_or(|t| now - t > Duration::minutes(1))
        {
            self.store().touch_api_key(key.id).await?;
        }
        let mut scope = Scope::api_key(key.account_id, key.id, role);
        if let Some(site) = key.site_id {
            scope = scope.restricted_to_site(site);
        }
        if read_only {
            scope = scope.read_only();
        }
        Ok(scope)
    }
}
