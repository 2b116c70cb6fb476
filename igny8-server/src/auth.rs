//! Who calls: `Authorization: Bearer <access token>` for people, `Authorization: Api-Key <key>`
//! for machines. Both resolve to the core's tenant scope.

use igny8_core::tenancy::{Operator, Scope};
use igny8_core::{ErrorCode, UserId};
use poem::Request;
use poem::http::StatusCode;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::ApiKey;

use crate::envelope::ApiError;
use crate::state::AppState;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The user, when a person calls.
    pub user: Option<UserId>,
    /// The account and role, when the caller acts in one.
    pub scope: Option<Scope>,
    /// When the credential stops working: the access token's expiry (API keys: none).
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The credential, to ask again later whether it still works (long-lived streams).
    pub credential: Recheck,
}

/// A credential kept to be checked again: the user of an access token, or an API key.
#[derive(Clone)]
pub enum Recheck {
    /// A signed-in user: still there, active, in an open account.
    User(UserId),
    /// An API key: not revoked or expired, its maker still active, its account open.
    ApiKey(std::sync::Arc<str>),
    /// A web app session (its cookie's token): not signed out, idle or expired, its user
    /// still active, its account open. Asking counts as activity of the session, as a page
    /// watching a job is someone at work.
    WebSession {
        /// The session token.
        token: std::sync::Arc<str>,
        /// How long the session may stay unused.
        idle: chrono::Duration,
    },
}

impl std::fmt::Debug for Recheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::User(id) => f.debug_tuple("User").field(id).finish(),
            Self::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
            Self::WebSession { .. } => f.write_str("WebSession(<redacted>)"),
        }
    }
}

impl Recheck {
    /// Whether the credential still works, by the same rules as a new request.
    pub async fn still_valid(&self, core: &igny8_core::Igny8) -> bool {
        match self {
            Self::User(id) => core.auth().caller(*id).await.is_ok(),
            Self::ApiKey(secret) => core.auth().authenticate_api_key(secret).await.is_ok(),
            Self::WebSession { token, idle } => core.auth().web_session(token, *idle).await.is_ok(),
        }
    }
}

impl Principal {
    /// The tenant scope, or 403 for an operator without an account.
    pub fn scope(&self) -> Result<Scope, ApiError> {
        self.scope.ok_or_else(|| {
            ApiError::with_status(
                StatusCode::FORBIDDEN,
                "forbidden",
                "this user belongs to no account",
            )
        })
    }

    /// The caller as a platform operator, checked by the core (an active superuser signed
    /// in as a person); 403 for anyone else, API keys included.
    pub async fn operator(&self, core: &igny8_core::Igny8) -> Result<Operator, ApiError> {
        match self.user {
            Some(user) => Ok(core.auth().operator(user).await?),
            None => Err(igny8_core::Error::Forbidden(
                "operators only: sign in as a platform operator; API keys can't act as one".into(),
            )
            .into()),
        }
    }
}

/// `Authorization: Bearer <access token>` or `Authorization: Api-Key <key>`.
#[derive(SecurityScheme)]
#[oai(
    rename = "Authorization",
    ty = "api_key",
    key_name = "Authorization",
    key_in = "header",
    checker = "check"
)]
pub struct Auth(pub Principal);

/// The two ways to authenticate, as parsed from an `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential<'a> {
    /// `Bearer <access token>`.
    Bearer(&'a str),
    /// `Api-Key <key>`.
    ApiKey(&'a str),
}

/// Parses an `Authorization` header value the one way every part of the server reads it: the
/// scheme in any letter case, any whitespace around and between the parts.
pub fn parse_authorization(value: &str) -> Option<Credential<'_>> {
    let value = value.trim();
    let split = value.find(char::is_whitespace).unwrap_or(value.len());
    let (scheme, credential) = value.split_at(split);
    let credential = credential.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        Some(Credential::Bearer(credential))
    } else if scheme.eq_ignore_ascii_case("api-key") {
        Some(Credential::ApiKey(credential))
    } else {
        None
    }
}

fn unauthorized(message: &str) -> poem::Error {
    poem::Error::from_string(message, StatusCode::UNAUTHORIZED)
}

async fn check(req: &Request, header: ApiKey) -> poem::Result<Principal> {
    let state = req
        .data::<AppState>()
        .ok_or_else(|| poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR))?;
    match parse_authorization(&header.key) {
        Some(Credential::Bearer(credential)) => {
            let now = state.core.now().timestamp();
            let claims = state.signer.verify(credential, now).map_err(|_| {
                unauthorized("the access token is invalid or has expired; refresh it or sign in")
            })?;
            // The token says who; the core says whether they may still act, and as what: a
            // removed or deactivated user, or a closed account, stops here at once, and a
            // changed role or a suspension applies to tokens issued before it.
            let caller = state
                .core
                .auth()
                .caller(UserId(claims.sub))
                .await
                .map_err(|e| match e.code() {
                    ErrorCode::Unauthenticated => unauthorized(&e.to_string()),
                    _ => poem::Error::from(crate::envelope::ApiError::from(e)),
                })?;
            if claims.acc != caller.scope.map(|s| s.account().get()) {
                return Err(unauthorized(
                    "the access token is for another account; sign in again",
                ));
            }
            Ok(Principal {
                user: Some(UserId(claims.sub)),
                scope: caller.scope,
                expires_at: chrono::DateTime::from_timestamp(claims.exp, 0),
                credential: Recheck::User(UserId(claims.sub)),
            })
        }
        Some(Credential::ApiKey(credential)) => {
            let scope = state
                .core
                .auth()
                .authenticate_api_key(credential)
                .await
                .map_err(|e| match e.code() {
                    ErrorCode::Unauthenticated => unauthorized(&e.to_string()),
                    _ => poem::Error::from(crate::envelope::ApiError::from(e)),
                })?;
            Ok(Principal {
                user: None,
                scope: Some(scope),
                expires_at: None,
                credential: Recheck::ApiKey(credential.into()),
            })
        }
        None => Err(unauthorized(
            "use `Authorization: Bearer <access token>` or `Authorization: Api-Key <key>`",
        )),
    }
}
