//! The store for API keys, refresh tokens, principals and rate-limit counters.

use std::future::Future;

use crate::error::Result;
use crate::ids::*;
use crate::list::{Page, PageRequest};
use crate::tenancy::Scope;
use crate::tenancy::auth::{ApiKey, ApiKeyRecord, Rotation};

/// Sessions and API keys.
pub trait AuthStore: Send + Sync {
    /// Stores a new refresh token (its hash) of a session family.
    fn insert_refresh_token(
        &self,
        user: UserId,
        family: &str,
        token_hash: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Rotates a current API refresh token to `next_hash` (same family), atomically; a token
    /// rotated before revokes its family. A browser session's token is `Invalid` here.
    fn rotate_refresh_token(
        &self,
        token_hash: &str,
        next_hash: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<Rotation>> + Send;
    /// Stores a browser session: a refresh-token row of kind `web` alone in its `family`,
    /// which [`AuthStore::rotate_refresh_token`] never rotates.
    fn insert_web_session(
        &self,
        user: UserId,
        family: &str,
        token_hash: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The user of a current browser session and when it ends: not revoked, not expired, and
    /// used at or after `idle_since`; marks it used now (at most once a minute). `None` for
    /// anything else, API refresh tokens included.
    fn touch_web_session(
        &self,
        token_hash: &str,
        idle_since: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<Option<(UserId, chrono::DateTime<chrono::Utc>)>>> + Send;
    /// Revokes the family of a token (sign-out).
    fn revoke_token_family(&self, token_hash: &str) -> impl Future<Output = Result<()>> + Send;
    /// Revokes every refresh token of a user.
    fn revoke_user_tokens(&self, user: UserId) -> impl Future<Output = Result<()>> + Send;
    /// Stores a new API key.
    fn create_api_key(
        &self,
        scope: &Scope,
        key: &ApiKeyRecord,
    ) -> impl Future<Output = Result<ApiKey>> + Send;
    /// The account's API keys.
    fn list_api_keys(
        &self,
        scope: &Scope,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<ApiKey>>> + Send;
    /// Revokes one of the account's API keys.
    fn revoke_api_key(
        &self,
        scope: &Scope,
        id: ApiKeyId,
    ) -> impl Future<Output = Result<ApiKey>> + Send;
    /// One of the account's API keys.
    fn get_api_key(
        &self,
        scope: &Scope,
        id: ApiKeyId,
    ) -> impl Future<Output = Result<ApiKey>> + Send;
    /// Renames an API key and/or changes when it expires (`Some(None)`: never).
    fn update_api_key(
        &self,
        scope: &Scope,
        id: ApiKeyId,
        name: Option<&str>,
        expires_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
    ) -> impl Future<Output = Result<ApiKey>> + Send;
    /// An API key by the hash of its secret (any account), with what decides whether it
    /// still works: its creator's state and its account's status.
    fn find_api_key(
        &self,
        key_hash: &str,
    ) -> impl Future<Output = Result<Option<crate::tenancy::auth::ApiKeyHolder>>> + Send;
    /// A user with their account's status (none for operators without an account): what
    /// decides, at every request, whether their access token is still honoured.
    fn find_principal(
        &self,
        user: UserId,
    ) -> impl Future<
        Output = Result<Option<(crate::tenancy::User, Option<crate::tenancy::AccountStatus>)>>,
    > + Send;
    /// Records that an API key was used now.
    fn touch_api_key(&self, id: ApiKeyId) -> impl Future<Output = Result<()>> + Send;
}

/// Counters shared by every process (rate limits).
pub trait RateLimitStore: Send + Sync {
    /// Counts one hit in `bucket`'s fixed window of `window`; the hits in the window so far
    /// (this one included) and when the window ends.
    fn hit(
        &self,
        bucket: &str,
        window: std::time::Duration,
    ) -> impl Future<Output = Result<(u64, chrono::DateTime<chrono::Utc>)>> + Send;
    /// The failures counted against `key` and when the last one happened, if any.
    fn failures(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<Option<(u64, chrono::DateTime<chrono::Utc>)>>> + Send;
    /// Counts a failure against `key` now; a count whose last failure is before `forget_before`
    /// starts again at one.
    fn record_failure(
        &self,
        key: &str,
        forget_before: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Forgets the failures counted against `key` (after a success).
    fn clear_failures(&self, key: &str) -> impl Future<Output = Result<()>> + Send;
    /// Deletes counters (rate-limit windows and failure counts) last touched before `before`;
    /// how many.
    fn prune_counters(
        &self,
        before: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<u64>> + Send;
}
