//! From templates to responses: the layout every page shares ([`Chrome`]), HTML error pages
//! ([`WebError`]), redirects that also work for htmx requests, and the security headers of
//! every page outside `/api/`.

use askama::Template;
use igny8_core::ErrorCode;
use igny8_core::tenancy::Permission;
use poem::http::{HeaderValue, StatusCode, header};
use poem::{IntoResponse, Request, Response};

use super::session::{PreSessionToken, WebUser};

/// The parts of the layout a page fills in: its title, who is signed in, the form token, the
/// current section of the menu and a message to show once.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    /// The page's title (before "· IGNY8").
    pub title: String,
    /// The signed-in person's name or email, when someone is.
    pub user: Option<String>,
    /// The form token to send with every write (hidden field and `X-CSRF-Token`).
    pub csrf: String,
    /// The menu entry to mark as current (`dashboard`, `account`…).
    pub section: &'static str,
    /// Whether the person may change things in the account (write controls are shown).
    pub can_write: bool,
    /// A message to show at the top, once (after a redirect; see [`flash`]).
    pub flash: Option<String>,
    /// A platform operator is signed in: the menu offers the operator console (the core
    /// checks on every request of it).
    pub operator: bool,
    /// The signed-in person belongs to an account (operators may not).
    pub member: bool,
}

/// The menu of a signed-in person: key, label, link. Only pages that exist are listed.
pub const MENU: &[(&str, &str, &str)] = &[
    ("dashboard", "Dashboard", "/dashboard"),
    ("sites", "Sites", "/sites"),
    ("keywords", "Keywords", "/planner/keywords"),
    ("clusters", "Clusters", "/planner/clusters"),
    ("ideas", "Ideas", "/planner/ideas"),
    ("tasks", "Writer", "/writer/tasks"),
    ("content", "Articles", "/writer/content"),
    ("images", "Images", "/writer/images"),
    ("jobs", "Jobs", "/jobs"),
    ("thinker", "Thinker", "/thinker/prompts"),
    ("automation", "Automation", "/automation"),
];

/// The account's own pages, in the menu under the signed-in person's name.
pub const ACCOUNT_MENU: &[(&str, &str, &str)] = &[
    ("account", "Account", "/account"),
    ("team", "Team", "/team"),
    ("billing", "Billing", "/billing"),
    ("settings", "Settings", "/settings"),
];

impl Chrome {
    /// The layout for the request `req`, titled `title`, in the menu section `section`.
    pub fn new(req: &Request, title: impl Into<String>, section: &'static str) -> Self {
        let user = req.data::<WebUser>();
        let csrf = match user {
            Some(u) => u.csrf.clone(),
            None => req
                .data::<PreSessionToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
        };
        Self {
            title: title.into(),
            user: user.map(|u| {
                if u.user.name.trim().is_empty() {
                    u.user.email.clone()
                } else {
                    u.user.name.clone()
                }
            }),
            csrf,
            section,
            can_write: user
                .and_then(|u| u.scope)
                .is_some_and(|s| s.require(Permission::Write).is_ok()),
            flash: flash(req),
            operator: user.is_some_and(|u| u.superuser),
            member: user.is_some_and(|u| u.scope.is_some()),
        }
    }

    /// The URL of an embedded file (templates: `{{ chrome.asset("app.css") }}`).
    pub fn asset(&self, name: &str) -> String {
        super::assets::url(name)
    }

    /// The menu, for templates: none for an operator without an account of their own.
    pub fn menu(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        if self.member { MENU } else { &[] }
    }

    /// The account's menu, for templates (just Account for an operator without an account).
    pub fn account_menu(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        if self.member {
            ACCOUNT_MENU
        } else {
            &ACCOUNT_MENU[..1]
        }
    }

    /// Whether the page is one of the account menu's (its summary is marked).
    pub fn in_account_menu(&self) -> bool {
        self.section == "operator" || ACCOUNT_MENU.iter().any(|(key, _, _)| *key == self.section)
    }
}

/// The message to show once after a redirect, named by the address's `done` (with a count in
/// `n`): fixed texts, so a link can't make a page say anything else.
pub fn flash(req: &Request) -> Option<String> {
    let mut done = None;
    let mut n = 0;
    for (key, value) in form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes()) {
        match &*key {
            "done" => done = Some(value.into_owned()),
            "n" => n = value.parse::<i64>().unwrap_or(0),
            _ => {}
        }
    }
    let count = |one: &str, many: &str, what: &str| {
        let noun = if n == 1 { one } else { many };
        format!("{} {noun} {what}.", super::table::number(n))
    };
    Some(match done?.as_str() {
        "signed-out" => "You have signed out.".to_owned(),
        "password" => "Your password was changed. Every other browser and app signed in as you was signed out.".to_owned(),
        "welcome" => "Welcome! Your account is ready.".to_owned(),
        "keyword-added" => "Keyword added.".to_owned(),
        "keyword-saved" => "Keyword saved.".to_owned(),
        "keywords-changed" => count("keyword", "keywords", "changed"),
        "keywords-deleted" => count("keyword", "keywords", "deleted"),
        "none-selected" => "Nothing was selected: tick the box of each row first.".to_owned(),
        "cluster-added" => "Cluster added.".to_owned(),
        "cluster-saved" => "Cluster saved.".to_owned(),
        "clusters-changed" => count("cluster", "clusters", "changed"),
        "clusters-deleted" => count("cluster", "clusters", "deleted"),
        "clusters-merged" => format!(
            "{} Their keywords, ideas and tasks moved to the cluster you chose.",
            count("cluster", "clusters", "merged")
        ),
        "site-added" => "Site added. Now add its sectors, and connect its WordPress.".to_owned(),
        "site-saved" => "Site saved.".to_owned(),
        "sites-deleted" => count("site", "sites", "deleted"),
        "sector-added" => "Sector added.".to_owned(),
        "sector-saved" => "Sector saved.".to_owned(),
        "sectors-deleted" => count("sector", "sectors", "deleted"),
        "wordpress-connected" => "WordPress connected. Test the connection to see what IGNY8 may do there.".to_owned(),
        "job-started" => "Started. Its progress shows below as it runs; you can leave this page, the job goes on.".to_owned(),
        "ideas-queued" => format!(
            "{} The writer's tasks are made from them.",
            count("idea", "ideas", "queued to the writer")
        ),
        "ideas-queued-competing" => format!(
            "{} Pages of the site already target the same searches: the pairs are below, with \
             what to do. The writer's tasks are made all the same.",
            count("idea", "ideas", "queued to the writer")
        ),
        "ideas-deleted" => count("idea", "ideas", "deleted"),
        "idea-saved" => "Idea saved.".to_owned(),
        "task-saved" => "Task saved. Writing it uses what it says now.".to_owned(),
        "tasks-deleted" => count("task", "tasks", "deleted"),
        "content-deleted" => count("article", "articles", "deleted"),
        "content-saved" => "Article saved.".to_owned(),
        "link-inserted" => "Link inserted: it is in the article below. Publish the article again to put the link in WordPress.".to_owned(),
        "jobs-cancelled" => format!(
            "{} Queued ones won't start; running ones stop at their next step.",
            count("job", "jobs", "cancelled")
        ),
        "jobs-finished" => "The selected jobs had already finished; nothing was cancelled.".to_owned(),
        "job-cancelled" => "Job cancelled. If it was running, it stops at its next step; what it finished stays.".to_owned(),
        "job-finished" => "The job had already finished, so it couldn't be cancelled.".to_owned(),
        "wordpress-disconnected" => "WordPress disconnected; its application password is forgotten.".to_owned(),
        "person-added" => "Added. Give them the email and first password; they change the password on their Account page.".to_owned(),
        "people-changed" => count("person", "people", "changed"),
        "people-removed" => count("person", "people", "removed from the account"),
        "keys-revoked" => count("key", "keys", "revoked: programs using them are refused from now on"),
        "images-deleted" => count("image", "images", "deleted"),
        "image-saved" => "Image saved.".to_owned(),
        "prompt-saved" => "Prompt saved. The AI functions use it from their next run.".to_owned(),
        "prompt-reset" => "The shipped prompt is in use again.".to_owned(),
        "author-added" => "Author profile added.".to_owned(),
        "author-saved" => "Author profile saved.".to_owned(),
        "authors-deleted" => count("author profile", "author profiles", "deleted"),
        "strategy-added" => "Strategy added.".to_owned(),
        "strategy-saved" => "Strategy saved.".to_owned(),
        "strategies-deleted" => count("strategy", "strategies", "deleted"),
        "rule-added" => "Rule made. Its next runs are listed; run it now to see what it does.".to_owned(),
        "rule-saved" => "Rule saved.".to_owned(),
        "rules-paused" => count("rule", "rules", "paused: their schedules don't run them"),
        "rules-resumed" => count("rule", "rules", "resumed: they run from their next time"),
        "rules-deleted" => count("rule", "rules", "deleted"),
        "run-started" => "The run started. Each stage's outcome shows here when it is done; its job shows the live progress.".to_owned(),
        "run-finished" => "The run had already finished, so it couldn't be cancelled.".to_owned(),
        "run-cancelled" => "The run is cancelled. The stage working now stops at its next step; what it finished stays.".to_owned(),
        "account-saved" => "Account saved.".to_owned(),
        "credits-posted" => "Credits posted: the balance and the ledger below show them.".to_owned(),
        "account-deleted" => "The account and everything in it were deleted.".to_owned(),
        "plan-saved" => "Plan saved.".to_owned(),
        "defaults-saved" => "Defaults saved. New work uses them from now on; jobs already queued keep what they were started with.".to_owned(),
        "provider-saved" => "Provider saved. The status above says whether AI can run.".to_owned(),
        "provider-removed" => "Provider disconnected; its key is deleted.".to_owned(),
        _ => return None,
    })
}

/// A page as a response (`200 OK`).
pub fn page(template: &impl Template) -> Result<Response, WebError> {
    with_status(StatusCode::OK, template)
}

/// A page as a response with `status` (422 for a form sent back with its errors).
pub fn with_status(status: StatusCode, template: &impl Template) -> Result<Response, WebError> {
    let html = template.render().map_err(|e| {
        tracing::error!(error = %e, "a page failed to render");
        WebError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The page failed to render. It has been logged; try again later.",
        )
    })?;
    Ok(Response::builder()
        .status(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// Go to `target` (a local path): `303 See Other`, or for an htmx request `HX-Redirect` so
/// the whole page changes.
pub fn redirect(req: &Request, target: &str) -> Response {
    let value = HeaderValue::from_str(target).unwrap_or(HeaderValue::from_static("/"));
    if req.headers().contains_key("hx-request") {
        Response::builder()
            .status(StatusCode::NO_CONTENT)
            .header("hx-redirect", value)
            .finish()
    } else {
        Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, value)
            .finish()
    }
}

/// `next` if it is a path on this site (`/planner?x=1`), else `/dashboard`: a sign-in link
/// can't send anyone elsewhere (`//evil.example`, `/\evil.example`, `https://…`).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control()) =>
        {
            n.to_owned()
        }
        _ => "/dashboard".to_owned(),
    }
}

/// An error shown as a page, in plain words.
#[derive(Debug, Clone)]
pub struct WebError {
    status: StatusCode,
    message: String,
    retry_after: Option<u64>,
}

impl WebError {
    /// An error page with `status` saying `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// With `Retry-After`.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WebError {}

impl From<igny8_core::Error> for WebError {
    fn from(err: igny8_core::Error) -> Self {
        let code = err.code();
        let status = crate::envelope::status_of(code);
        let provider = matches!(code, ErrorCode::Provider | ErrorCode::ProviderUnavailable);
        let message = if code.is_user_error() || provider {
            sentence(&plain(&err))
        } else {
            tracing::error!(request_id = %crate::envelope::request_id(), error = %err, "request failed");
            "Something went wrong on our side. It has been logged; try again in a moment."
                .to_owned()
        };
        let retry_after = match err {
            igny8_core::Error::RateLimited {
                retry_after_secs, ..
            } => Some(retry_after_secs.max(1)),
            _ => None,
        };
        Self {
            status,
            message,
            retry_after,
        }
    }
}

impl From<crate::envelope::ApiError> for WebError {
    fn from(err: crate::envelope::ApiError) -> Self {
        use crate::envelope::ApiError as A;
        let (status, body) = match err {
            A::BadRequest(b) => (StatusCode::BAD_REQUEST, b),
            A::Unauthorized(b) => (StatusCode::UNAUTHORIZED, b),
            A::PaymentRequired(b) => (StatusCode::PAYMENT_REQUIRED, b),
            A::Forbidden(b) => (StatusCode::FORBIDDEN, b),
            A::NotFound(b) => (StatusCode::NOT_FOUND, b),
            A::Conflict(b) => (StatusCode::CONFLICT, b),
            A::TooLarge(b) => (StatusCode::PAYLOAD_TOO_LARGE, b),
            A::UnsupportedMediaType(b) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, b),
            A::TooManyRequests(b, _) => (StatusCode::TOO_MANY_REQUESTS, b),
            A::Internal(b) => (StatusCode::INTERNAL_SERVER_ERROR, b),
            A::BadGateway(b) => (StatusCode::BAD_GATEWAY, b),
            A::Unavailable(b) => (StatusCode::SERVICE_UNAVAILABLE, b),
        };
        Self::new(status, sentence(&body.0.message))
    }
}

/// The core's message for a person: a refusal without its "forbidden:" label (the page's
/// heading already says "Not allowed").
pub fn plain(err: &igny8_core::Error) -> String {
    match err {
        igny8_core::Error::Forbidden(message) => message.clone(),
        other => other.to_string(),
    }
}

/// A size limit as people read it: "200 MB", "64 KB".
pub fn size_in_words(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// A message as a sentence: capital first letter, full stop at the end.
pub fn sentence(message: &str) -> String {
    let message = message.trim();
    let mut chars = message.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

impl poem::error::ResponseError for WebError {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn as_response(&self) -> Response {
        let mut resp = error_page(self.status, &self.message);
        if let Some(seconds) = self.retry_after {
            resp.headers_mut()
                .insert("retry-after", HeaderValue::from(seconds));
        }
        resp
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        poem::error::ResponseError::as_response(&self)
    }
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    status: u16,
    heading: &'a str,
    message: &'a str,
}

/// A page saying what went wrong, with `status`.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let heading = match status.as_u16() {
        400 | 422 => "That didn't work",
        401 => "Please sign in",
        402 => "Not enough credits",
        403 => "Not allowed",
        404 => "Page not found",
        405 => "Not allowed here",
        409 => "Already changed",
        413 => "Too large",
        429 => "Slow down",
        s if s >= 500 => "Something went wrong",
        _ => "That didn't work",
    };
    let message = match status.as_u16() {
        404 if message.is_empty() || message == "not found" => {
            "There is no page at this address. It may have moved, or the link may be wrong."
        }
        405 => "This page can't be used that way. Go back and use the page's own buttons.",
        s if s >= 500 && message.is_empty() => {
            "Something went wrong on our side. It has been logged; try again in a moment."
        }
        _ => message,
    };
    let page = ErrorPage {
        chrome: Chrome {
            title: heading.to_owned(),
            ..Chrome::default()
        },
        status: status.as_u16(),
        heading,
        message,
    };
    let body = page.render().unwrap_or_else(|_| message.to_owned());
    Response::builder()
        .status(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// The page for an error that no web handler turned into a page (an unknown path, a body
/// over the limit, a request that couldn't be read). Internal details stay in the log.
pub fn page_for(err: &poem::Error) -> Response {
    let status = err.status();
    let message = match status.as_u16() {
        404 | 405 => String::new(),
        s if s >= 500 => String::new(),
        _ => sentence(&err.to_string()),
    };
    error_page(status, &message)
}

/// The strict Content-Security-Policy of the web app's pages: only our own scripts, styles
/// and images (htmx is configured to need neither `eval` nor inline styles).
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'; object-src 'none'";

/// Adds the security headers of a web page (outside `/api/`) that it didn't set itself:
/// the CSP, no sniffing, no framing, referrers only to ourselves, and no caching of pages
/// (they show account data; the static files set their own long caching).
pub fn security_headers(resp: &mut Response) {
    let headers = resp.headers_mut();
    let defaults = [
        ("content-security-policy", CSP),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cache-control", "no-store"),
    ];
    for (name, value) in defaults {
        if !headers.contains_key(name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(local_path(Some("/planner?x=1")), "/planner?x=1");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "/a\nb",
        ] {
            assert_eq!(local_path(Some(bad)), "/dashboard", "{bad:?}");
        }
        assert_eq!(local_path(None), "/dashboard");
    }

    #[test]
    fn sizes_read_in_words() {
        assert_eq!(size_in_words(200 * 1024 * 1024), "200 MB");
        assert_eq!(size_in_words(1000), "1 KB");
    }

    #[test]
    fn messages_read_as_sentences() {
        assert_eq!(sentence("keyword 4 not found"), "Keyword 4 not found.");
        assert_eq!(sentence("Done!"), "Done!");
        assert_eq!(sentence(""), "");
    }
}
