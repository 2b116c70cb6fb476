//! Sign-up, sign-in, sign-out and the signed-in person's account page (password change).
//! The API's twins are `auth/register`, `auth/login`, `auth/logout` and `auth/me/password`;
//! both go through the same core calls and the same sign-up gate ([`AppState::sign_up`]).

use std::sync::Arc;

use askama::Template;
use igny8_core::tenancy::{Registration, User};
use poem::http::{HeaderValue, header};
use poem::web::{Data, Form, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::render::{Chrome, WebError, local_path, page, redirect, with_status};
use crate::web::session::{Cookies, WebUser, session_token};

/// The query of the sign-in page: where to go after.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PageQuery {
    pub(crate) next: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    email: String,
    next: String,
    errors: FormErrors,
    sign_up_open: bool,
}

/// `GET /`: the dashboard for someone signed in, else the sign-in page.
#[handler]
pub(crate) fn home(req: &Request) -> Response {
    if let Some(user) = req.data::<WebUser>() {
        // An operator without an account of their own starts at the console.
        if user.scope.is_none() && user.superuser {
            redirect(req, "/operator")
        } else {
            redirect(req, "/dashboard")
        }
    } else {
        redirect(req, "/sign-in")
    }
}

/// `GET /sign-in`.
#[handler]
pub(crate) fn sign_in_page(
    req: &Request,
    state: Data<&AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    if req.data::<WebUser>().is_some() {
        return Ok(redirect(req, &local_path(q.next.as_deref())));
    }
    page(&SignInPage {
        chrome: Chrome::new(req, "Sign in", ""),
        email: String::new(),
        next: q.next.unwrap_or_default(),
        errors: FormErrors::none(),
        sign_up_open: state.settings.allow_registration,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SignInForm {
    email: String,
    password: String,
    next: String,
}

/// `POST /sign-in`: checks the password (with the core's per-email throttle), starts a new
/// browser session (a session cookie sent before is ended, not reused) and goes to `next`.
#[handler]
pub(crate) async fn sign_in(
    req: &Request,
    state: Data<&AppState>,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let user = match state
        .core
        .tenancy()
        .authenticate(&form.email, &form.password)
        .await
    {
        Ok(user) => user,
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            return with_status(
                status,
                &SignInPage {
                    chrome: Chrome::new(req, "Sign in", ""),
                    email: form.email,
                    next: form.next,
                    errors,
                    sign_up_open: state.settings.allow_registration,
                },
            );
        }
    };
    let target = local_path(
        Some(&form.next)
            .filter(|n| !n.is_empty())
            .map(|n| n.as_str()),
    );
    start_session(req, &state, user, &target).await
}

/// Ends the browser's current session (if any), starts one for `user` and goes to `target`.
async fn start_session(
    req: &Request,
    state: &AppState,
    user: User,
    target: &str,
) -> Result<Response, WebError> {
    if let Some(old) = session_token(req, state) {
        state.core.auth().end_session(&old).await?;
    }
    let lifetime = chrono::Duration::days(state.settings.web_session_days);
    let session = state.core.auth().start_web_session(user, lifetime).await?;
    let cookies = cookies(req, state);
    let mut resp = redirect(req, target);
    let value = cookies.set(
        &cookies.session(),
        &session.refresh_token,
        lifetime.num_seconds(),
        "Lax",
    );
    if let Ok(value) = HeaderValue::from_str(&value) {
        resp.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(resp)
}

fn cookies(req: &Request, state: &AppState) -> Arc<Cookies> {
    req.data::<Arc<Cookies>>()
        .cloned()
        .unwrap_or_else(|| Arc::new(Cookies::of(req, state)))
}

#[derive(Template)]
#[template(path = "auth/sign_up.html")]
struct SignUpPage {
    chrome: Chrome,
    form: SignUpForm,
    errors: FormErrors,
    open: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SignUpForm {
    account_name: String,
    name: String,
    email: String,
    password: String,
}

/// `GET /sign-up`.
#[handler]
pub(crate) fn sign_up_page(req: &Request, state: Data<&AppState>) -> Result<Response, WebError> {
    if req.data::<WebUser>().is_some() {
        return Ok(redirect(req, "/dashboard"));
    }
    page(&SignUpPage {
        chrome: Chrome::new(req, "Create your account", ""),
        form: SignUpForm::default(),
        errors: FormErrors::none(),
        open: state.settings.allow_registration,
    })
}

/// `POST /sign-up`: makes the account and its owner (through the server's sign-up gate), and
/// signs the owner in.
#[handler]
pub(crate) async fn sign_up(
    req: &Request,
    state: Data<&AppState>,
    Form(form): Form<SignUpForm>,
) -> Result<Response, WebError> {
    let registration = Registration {
        email: form.email.clone(),
        password: form.password.clone(),
        account_name: form.account_name.clone(),
        name: Some(form.name.clone()).filter(|n| !n.trim().is_empty()),
    };
    match state.sign_up(registration).await {
        Ok((_, owner)) => start_session(req, &state, owner, "/dashboard?done=welcome").await,
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            with_status(
                status,
                &SignUpPage {
                    chrome: Chrome::new(req, "Create your account", ""),
                    form: SignUpForm {
                        password: String::new(),
                        ..form
                    },
                    errors,
                    open: state.settings.allow_registration,
                },
            )
        }
    }
}

/// `POST /sign-out`: ends this browser's session and forgets the cookie.
#[handler]
pub(crate) async fn sign_out(req: &Request, state: Data<&AppState>) -> Result<Response, WebError> {
    if let Some(token) = session_token(req, &state) {
        state.core.auth().end_session(&token).await?;
    }
    let cookies = cookies(req, &state);
    let mut resp = redirect(req, "/sign-in?done=signed-out");
    if let Ok(value) = HeaderValue::from_str(&cookies.set(&cookies.session(), "", 0, "Lax")) {
        resp.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(resp)
}

#[derive(Template)]
#[template(path = "account/index.html")]
struct AccountPage {
    chrome: Chrome,
    name: String,
    email: String,
    role: String,
    account: Option<String>,
    session_ends: String,
    errors: FormErrors,
}

impl AccountPage {
    async fn new(
        req: &Request,
        state: &AppState,
        user: &WebUser,
        errors: FormErrors,
    ) -> Result<Self, WebError> {
        let account = match user.scope {
            Some(scope) => match state.core.tenancy().account(&scope).await {
                Ok(account) => Some(account.name),
                // A user restricted to one site doesn't see the account record.
                Err(e) if e.code() == igny8_core::ErrorCode::Forbidden => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        Ok(Self {
            chrome: Chrome::new(req, "Your account", "account"),
            name: user.user.name.clone(),
            email: user.user.email.clone(),
            role: if user.superuser {
                format!("{} · platform operator", user.user.role.as_str())
            } else {
                user.user.role.as_str().to_owned()
            },
            account,
            session_ends: user.expires_at.format("%-d %B %Y, %H:%M UTC").to_string(),
            errors,
        })
    }
}

/// `GET /account`: who you are, and the password form.
#[handler]
pub(crate) async fn account_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let account = AccountPage::new(req, &state, &user, FormErrors::none()).await?;
    page(&account)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

/// `POST /account/password`: changes the password (the core checks the current one and the
/// new one's rules), ends every session of the user, and keeps this browser signed in with a
/// new session.
#[handler]
pub(crate) async fn change_password(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let result = if form.new_password != form.confirm_password {
        Err(igny8_core::Error::field(
            "confirm_password",
            "doesn't match the new password; type the same password twice",
        ))
    } else {
        state
            .core
            .tenancy()
            .change_password(&scope, &form.current_password, &form.new_password)
            .await
    };
    if let Err(e) = result {
        let (status, errors) = FormErrors::from_error(e)?;
        let account = AccountPage::new(req, &state, &user, errors).await?;
        return with_status(status, &account);
    }
    state.core.auth().end_all_sessions(user.user.id).await?;
    start_session(req, &state, user.0.user.clone(), "/account?done=password").await
}
