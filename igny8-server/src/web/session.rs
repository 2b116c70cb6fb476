//! Who a browser request is, and whether its form may change anything.
//!
//! * **Session**: the `__Host-igny8_session` cookie (`igny8_session` over plain http, where the
//!   `__Host-` prefix can't be used) holds a web session token from
//!   [`igny8_core::tenancy::Auth::start_web_session`]; each request asks the core who it acts as
//!   ([`igny8_core::tenancy::Auth::web_session`]), so a signed-out, idle, deactivated or closed
//!   session stops at once, and roles and suspensions apply as they are now.
//! * **CSRF**: every POST carries a token (the hidden `csrf_token` field, or the `X-CSRF-Token`
//!   header htmx sends): an HMAC of the session's stored hash under the server's key, so it
//!   is the same for every form of a session, differs between sessions and needs no storage.
//!   Before sign-in (the sign-in and sign-up forms) it is the HMAC of a random `igny8_csrf`
//!   cookie (double submit). Also, a browser that says the request comes from another site
//!   (`Sec-Fetch-Site`, `Origin`) is refused whatever it carries.
//!
//! Ours rather than poem's `cookie`/`session`/`csrf` features: those bring a second set of
//! crypto crates (see `docs/design/web-app.md`), poem's sessions can't be revoked server-side
//! across processes, and its CSRF token isn't tied to the session.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use igny8_core::tenancy::{Scope, User};
use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::web::headers::{self, HeaderMapExt};
use poem::{Endpoint, IntoResponse, Request, Response};

use crate::config::CookieSecure;
use crate::middleware::{Class, client_ip, ip_bucket};
use crate::ratelimit::Verdict;
use crate::state::AppState;

use super::render::WebError;

/// The signed-in person of a web request, as the core checked them for this request.
#[derive(Debug, Clone)]
pub struct WebUser {
    /// The user.
    pub user: User,
    /// Their account, role and restrictions now (`None` for an operator without an account).
    pub scope: Option<Scope>,
    /// A platform operator.
    pub superuser: bool,
    /// When the session ends however it is used.
    pub expires_at: DateTime<Utc>,
    /// The form token of this session.
    pub csrf: String,
}

impl WebUser {
    /// The account scope, or a plain 403 for an operator without an account.
    pub fn scope(&self) -> Result<Scope, WebError> {
        self.scope.ok_or_else(|| {
            WebError::new(
                StatusCode::FORBIDDEN,
                "This page is for members of an account; your user belongs to none.",
            )
        })
    }
}

/// The form token of a request that has no session: set on the sign-in and sign-up pages.
#[derive(Debug, Clone)]
pub struct PreSessionToken(pub String);

/// What a route needs from whoever asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (sign-in, sign-up, the error pages).
    Public,
    /// A signed-in user; others are sent to sign in first.
    SignedIn,
}

/// Purposes of the server key's tags (so a tag made for one can't pass as another).
const CSRF_SESSION: &str = "igny8-web-csrf";
const CSRF_PRESESSION: &str = "igny8-web-csrf-presession";

/// The cookie names of a request: with the `__Host-` prefix when the cookie is `Secure`.
pub(crate) struct Cookies {
    secure: bool,
}

impl Cookies {
    pub(crate) fn of(req: &Request, state: &AppState) -> Self {
        let secure = match state.settings.cookie_secure {
            CookieSecure::Always => true,
            CookieSecure::Never => false,
            CookieSecure::Auto => {
                req.uri().scheme_str() == Some("https")
                    || (from_trusted_proxy(req, state)
                        && req
                            .headers()
                            .get("x-forwarded-proto")
                            .and_then(|v| v.to_str().ok())
                            .is_some_and(|v| {
                                v.split(',')
                                    .next()
                                    .unwrap_or("")
                                    .trim()
                                    .eq_ignore_ascii_case("https")
                            }))
            }
        };
        Self { secure }
    }

    fn name(&self, base: &str) -> String {
        if self.secure {
            format!("__Host-{base}")
        } else {
            base.to_owned()
        }
    }

    /// The session cookie's name.
    pub(crate) fn session(&self) -> String {
        self.name("igny8_session")
    }

    fn presession(&self) -> String {
        self.name("igny8_csrf")
    }

    /// A `Set-Cookie` value: `HttpOnly`, `Path=/`, `Secure` when it should be; `max_age`
    /// seconds (0 deletes it).
    pub(crate) fn set(&self, name: &str, value: &str, max_age: i64, same_site: &str) -> String {
        format!(
            "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite={same_site}{}",
            if self.secure { "; Secure" } else { "" }
        )
    }
}

fn from_trusted_proxy(req: &Request, state: &AppState) -> bool {
    req.remote_addr()
        .as_socket_addr()
        .map(|a| a.ip())
        .is_some_and(|ip| {
            state
                .settings
                .trusted_proxies
                .iter()
                .any(|n| n.contains(&ip))
        })
}

fn cookie(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .typed_get::<headers::Cookie>()
        .and_then(|c| c.get(name).map(str::to_owned))
}

/// The session token the browser sent, if any.
pub(crate) fn session_token(req: &Request, state: &AppState) -> Option<String> {
    cookie(req, &Cookies::of(req, state).session())
}

/// A fresh random token (32 bytes, URL-safe base64).
fn random_token() -> String {
    use base64::Engine as _;
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Wraps one web route: finds the session, checks the form token and the origin of writes,
/// counts the request against the caller's rate limit (the API's buckets), and sends
/// visitors without a session to sign in.
pub(crate) struct Guard<E> {
    pub(crate) inner: E,
    pub(crate) access: Access,
    /// What the request counts against (the class of the API operation it mirrors).
    pub(crate) class: Class,
}

impl<E: Endpoint> Endpoint for Guard<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        let state = req
            .data::<AppState>()
            .cloned()
            .ok_or_else(|| poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR))?;
        let cookies = Cookies::of(&req, &state);
        let mut set_cookies = Vec::new();

        // Who it is.
        let mut signed_in = None;
        if let Some(token) = cookie(&req, &cookies.session()) {
            let idle = chrono::Duration::minutes(state.settings.web_session_idle_minutes);
            match state.core.auth().web_session(&token, idle).await {
                Ok(session) => {
                    if let Some(user) = session.caller.user {
                        signed_in = Some(WebUser {
                            user,
                            scope: session.caller.scope,
                            superuser: session.caller.superuser,
                            expires_at: session.expires_at,
                            csrf: state
                                .signer
                                .tag(CSRF_SESSION, session.token_hash.as_bytes()),
                        });
                    }
                }
                Err(e) if e.code() == igny8_core::ErrorCode::Unauthenticated => {
                    // Ended, idle or refused: forget the cookie.
                    set_cookies.push(cookies.set(&cookies.session(), "", 0, "Lax"));
                }
                Err(e) => return Err(WebError::from(e).into()),
            }
        }

        // A token for the forms of visitors without a session.
        let presession = match cookie(&req, &cookies.presession()) {
            Some(value) if value.len() >= 32 => value,
            _ => {
                let value = random_token();
                set_cookies.push(cookies.set(&cookies.presession(), &value, 3600, "Strict"));
                value
            }
        };
        let presession_token = state.signer.tag(CSRF_PRESESSION, presession.as_bytes());

        // Writes: from our own pages, with a valid form token.
        if !matches!(*req.method(), Method::GET | Method::HEAD) {
            if let Err(e) = same_origin(&req) {
                return Ok(finish(e.into_response(), &set_cookies));
            }
            let sent = form_token(&mut req).await?;
            let expected = signed_in
                .as_ref()
                .map(|u| u.csrf.clone())
                .into_iter()
                .chain(std::iter::once(presession_token.clone()));
            let valid = sent
                .as_deref()
                .is_some_and(|s| expected.into_iter().any(|e| constant_time_eq(&e, s)));
            if !valid {
                let e = WebError::new(
                    StatusCode::FORBIDDEN,
                    "This form has expired or didn't come from this site. Reload the page and try again.",
                );
                return Ok(finish(e.into_response(), &set_cookies));
            }
        }

        // The rate limit: the same buckets and limits as the API.
        if let Err(e) = rate_limit(&state, &req, self.class, signed_in.as_ref()).await {
            return Ok(finish(e.into_response(), &set_cookies));
        }

        if self.access == Access::SignedIn && signed_in.is_none() {
            let resp = to_sign_in(&req);
            return Ok(finish(resp, &set_cookies));
        }
        if let Some(user) = signed_in {
            req.extensions_mut().insert(user);
        }
        req.extensions_mut()
            .insert(PreSessionToken(presession_token));
        req.extensions_mut().insert(Arc::new(cookies));
        let resp = self.inner.call(req).await?.into_response();
        Ok(finish(resp, &set_cookies))
    }
}

fn finish(mut resp: Response, set_cookies: &[String]) -> Response {
    for value in set_cookies {
        if let Ok(value) = HeaderValue::from_str(value) {
            resp.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    resp
}

/// Sends a visitor without a session to the sign-in page, to come back here after.
fn to_sign_in(req: &Request) -> Response {
    let here = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let target = if *req.method() == Method::GET && here != "/" {
        let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
        format!("/sign-in?next={next}")
    } else {
        "/sign-in".to_owned()
    };
    super::render::redirect(req, &target)
}

/// Refuses a write that the browser says comes from another site.
fn same_origin(req: &Request) -> Result<(), WebError> {
    let refuse = || {
        WebError::new(
            StatusCode::FORBIDDEN,
            "This request came from another site, so it was refused. Use the form on this site.",
        )
    };
    if let Some(site) = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Err(refuse());
    }
    if let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        if origin == "null" || !origin_host.eq_ignore_ascii_case(host) {
            return Err(refuse());
        }
    }
    Ok(())
}

/// The form token a write carries: the `X-CSRF-Token` header, or the `csrf_token` field of a
/// URL-encoded form (the body is read and put back for the handler).
async fn form_token(req: &mut Request) -> poem::Result<Option<String>> {
    if let Some(v) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return Ok(Some(v.to_owned()));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if content_type.starts_with("multipart/form-data") {
        return multipart_token(req, &content_type).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok(None);
    }
    // The body's size was limited before (`middleware::body_limit`).
    let bytes = req.take_body().into_bytes().await?;
    let token = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v.into_owned());
    req.set_body(bytes);
    Ok(token)
}

/// Most of a multipart body read to find its token: the token must be the form's first field
/// (the templates put it first), so an upload is checked before its file is read.
const MULTIPART_PEEK: usize = 8 * 1024;

/// The `csrf_token` of a file upload (`multipart/form-data`, sent by a form without
/// JavaScript): read from the first part only, then the body is put back, whole and still
/// streaming, for the handler. Reading the whole upload to find the token would buffer files.
async fn multipart_token(req: &mut Request, content_type: &str) -> poem::Result<Option<String>> {
    use tokio::io::AsyncReadExt;
    let Some(boundary) = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .map(|b| b.trim_matches('"').to_owned())
    else {
        return Ok(None);
    };
    let mut reader = req.take_body().into_async_read();
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let end = format!("\r\n--{boundary}");
    while head.len() < MULTIPART_PEEK {
        let n = reader
            .read(&mut chunk)
            .await
            .map_err(poem::error::ReadBodyError::Io)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
        // The first part is complete once its closing boundary is in.
        if head
            .windows(end.len())
            .skip(boundary.len() + 2)
            .any(|w| w == end.as_bytes())
        {
            break;
        }
    }
    let token = first_part_token(&head, &boundary);
    let rest = std::io::Cursor::new(head).chain(reader);
    req.set_body(poem::Body::from_async_read(rest));
    Ok(token)
}

/// The value of the first part of a multipart body, when that part is `csrf_token`.
fn first_part_token(body: &[u8], boundary: &str) -> Option<String> {
    let text = std::str::from_utf8(body.get(..body.len().min(MULTIPART_PEEK))?)
        .or_else(|e| std::str::from_utf8(&body[..e.valid_up_to()]))
        .ok()?;
    let rest = text.strip_prefix(&format!("--{boundary}\r\n"))?;
    let (headers, after) = rest.split_once("\r\n\r\n")?;
    let named = headers.lines().any(|h| {
        h.to_ascii_lowercase().starts_with("content-disposition:")
            && h.contains("name=\"csrf_token\"")
    });
    if !named {
        return None;
    }
    let (value, _) = after.split_once(&format!("\r\n--{boundary}"))?;
    Some(value.to_owned())
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Counts a web request as the API counts its twin: sign-in and sign-up per client address,
/// the rest per user (the same bucket as the user's access tokens).
async fn rate_limit(
    state: &AppState,
    req: &Request,
    class: Class,
    user: Option<&WebUser>,
) -> Result<(), WebError> {
    let limits = &state.settings.rate_limits;
    let (name, limit) = match class {
        Class::Auth => ("auth", limits.auth),
        Class::Read => ("read", limits.read),
        Class::Write => ("write", limits.write),
        Class::Ai => ("ai", limits.ai),
    };
    let caller = match user {
        Some(u) if class != Class::Auth => format!("user:{}", u.user.id.get()),
        _ => client_ip(req, &state.settings.trusted_proxies)
            .map(ip_bucket)
            .unwrap_or_else(|| "ip:unknown".to_owned()),
    };
    match state
        .limiter
        .check(&format!("{name}:{caller}"), limit)
        .await
    {
        Verdict::Allow => Ok(()),
        Verdict::Deny(retry_after) => Err(WebError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many requests: at most {limit} a minute. Wait {retry_after} seconds and try again."
            ),
        )
        .retry_after(retry_after)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_s_token_is_its_first_part() {
        let b = "XyZ";
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc.def\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"k.csv\"\r\n\r\nkeyword\r\n--XyZ--\r\n";
        assert_eq!(
            first_part_token(body.as_bytes(), b).as_deref(),
            Some("abc.def")
        );
        // Anywhere but first, or cut short, it isn't found.
        let later = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--XyZ--";
        assert_eq!(first_part_token(later.as_bytes(), b), None);
        assert_eq!(first_part_token(&body.as_bytes()[..60], b), None);
    }
}
