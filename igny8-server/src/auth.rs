//! Who calls: `Authorization: Bearer <access token>` for people, `Authorization: Api-Key <key>`
//! for machines. Both resolve to the core's tenant scope.

use igny8_core::tenancy::{Role, Scope};
use igny8_core::{AccountId, UserId};
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
    /// A platform operator.
    pub superuser: bool,
    /// The account and role, when the caller acts in one.
    pub scope: Option<Scope>,
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

    /// 403 unless the caller is a platform operator.
    pub fn require_superuser(&self) -> Result<(), ApiError> {
        if self.superuser {
            Ok(())
        } else {
            Err(ApiError::with_status(
                StatusCode::FORBIDDEN,
                "forbidden",
                "operators only",
            ))
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

fn unauthorized(message: &str) -> poem::Error {
    poem::Error::from_string(message, StatusCode::UNAUTHORIZED)
}

async fn check(req: &Request, header: ApiKey) -> poem::Result<Principal> {
    let state = req
        .data::<AppState>()
        .ok_or_else(|| poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR))?;
    let value = header.key.trim();
    let (scheme, credential) = value.split_once(' ').unwrap_or((value, ""));
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => {
            let now = state.core.now().timestamp();
            let claims = state.signer.verify(credential.trim(), now).map_err(|_| {
                unauthorized("the access token is invalid or has expired; refresh it or sign in")
            })?;
            let scope = match claims.acc {
                Some(account) => {
                    let role: Role = claims
                        .role
                        .parse()
                        .map_err(|_| unauthorized("the access token is invalid"))?;
                    Some(Scope::user(AccountId(account), UserId(claims.sub), role))
                }
                None => None,
            };
            Ok(Principal {
                user: Some(UserId(claims.sub)),
                superuser: claims.su,
                scope,
            })
        }
        "api-key" => {
            let scope = state
                .core
                .auth()
                .authenticate_api_key(credential)
                .await
                .map_err(|_| unauthorized("the API key is not valid"))?;
            Ok(Principal {
                user: None,
                superuser: false,
                scope: Some(scope),
            })
        }
        _ => Err(unauthorized(
            "use `Authorization: Bearer <access token>` or `Authorization: Api-Key <key>`",
        )),
    }
}
