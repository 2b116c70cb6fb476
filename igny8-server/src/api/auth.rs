//! `auth/`: sign-up, sign-in, tokens and the signed-in user. The account's users, sites,
//! sectors and API keys, also under `auth/`, are in [`super::tenancy`].

use igny8_core::tenancy::{self as t};
use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::payload::Json;

use super::Tag;
use crate::auth::Auth;
use crate::dto::planner::Affected;
use crate::dto::tenancy::*;
use crate::envelope::{ApiError, ApiResult, CreatedResult, created, ok};
use crate::jwt::Claims;
use crate::state::AppState;

/// Sign-up, sign-in, tokens, the signed-in user.
pub struct AuthApi;

/// The tokens of a session.
fn tokens(state: &AppState, session: t::Session) -> Tokens {
    let now = state.core.now();
    let expires = now + state.access_ttl();
    let user = &session.user;
    let claims = Claims {
        sub: user.id.get(),
        acc: user.account_id.map(|a| a.get()),
        role: user.role.as_str().to_owned(),
        su: user.is_superuser,
        iat: now.timestamp(),
        exp: expires.timestamp(),
    };
    Tokens {
        access: state.signer.sign(&claims),
        access_expires_at: expires,
        refresh: session.refresh_token,
        refresh_expires_at: session.refresh_expires_at,
        user: session.user.into(),
    }
}

#[OpenApi(prefix_path = "/auth", tag = "Tag::Auth")]
impl AuthApi {
    /// Signs up: creates an account (on the default plan, with its sign-up credits) and its
    /// owner, and signs the owner in.
    #[oai(path = "/register/", method = "post")]
    async fn register(
        &self,
        state: Data<&AppState>,
        body: Json<Register>,
    ) -> CreatedResult<Tokens> {
        let b = body.0;
        let (_, owner) = state
            .sign_up(t::Registration {
                email: b.email,
                password: b.password,
                account_name: b.account_name,
                name: b.name,
            })
            .await?;
        let session = state
            .core
            .auth()
            .start_session(owner, state.refresh_ttl())
            .await?;
        Ok(created(tokens(&state, session)))
    }

    /// Signs in with email and password.
    #[oai(path = "/login/", method = "post")]
    async fn login(&self, state: Data<&AppState>, body: Json<Login>) -> ApiResult<Tokens> {
        let user = state
            .core
            .tenancy()
            .authenticate(&body.email, &body.password)
            .await?;
        let session = state
            .core
            .auth()
            .start_session(user, state.refresh_ttl())
            .await?;
        Ok(ok(tokens(&state, session)))
    }

    /// Exchanges a refresh token for new tokens. Each refresh token works once; using one
    /// twice ends the session.
    #[oai(path = "/refresh/", method = "post")]
    async fn refresh(
        &self,
        state: Data<&AppState>,
        body: Json<RefreshRequest>,
    ) -> ApiResult<Tokens> {
        let session = state
            .core
            .auth()
            .refresh(&body.refresh, state.refresh_ttl())
            .await?;
        Ok(ok(tokens(&state, session)))
    }

    /// Signs out: the refresh token (and every token refreshed from it) stops working.
    #[oai(path = "/logout/", method = "post")]
    async fn logout(
        &self,
        state: Data<&AppState>,
        _auth: Auth,
        body: Json<RefreshRequest>,
    ) -> ApiResult<Affected> {
        state.core.auth().end_session(&body.refresh).await?;
        Ok(ok(Affected { affected: 1 }))
    }

    /// The signed-in user.
    #[oai(path = "/me/", method = "get")]
    async fn me(&self, state: Data<&AppState>, auth: Auth) -> ApiResult<User> {
        let id = auth.0.user.ok_or_else(|| {
            ApiError::with_status(StatusCode::FORBIDDEN, "forbidden", "API keys have no user")
        })?;
        let user = state
            .core
            .tenancy()
            .find_user(id)
            .await?
            .ok_or_else(|| id.not_found())?;
        Ok(ok(user.into()))
    }

    /// Changes the signed-in user's password; every session of the user ends.
    #[oai(path = "/me/password/", method = "post")]
    async fn change_password(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<PasswordChange>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        state
            .core
            .tenancy()
            .change_password(&scope, &body.current_password, &body.new_password)
            .await?;
        if let Some(user) = auth.0.user {
            state.core.auth().end_all_sessions(user).await?;
        }
        Ok(ok(Affected { affected: 1 }))
    }
}
