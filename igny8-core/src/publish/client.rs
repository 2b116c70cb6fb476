//! A WordPress REST API client: Basic auth with an application password, `?rest_route=` URLs
//! (they work with or without pretty permalinks), timeouts, and WordPress's own error codes.

use std::time::Duration;

use reqwest::{Method, Url};
use serde_json::Value;

use crate::outbound::{self, ClientOptions, OutboundConfig, ReadError};

/// The largest answer read from WordPress (a page of posts or media with every field).
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// A failure talking to WordPress: its own `code` and `message` where it answered.
#[derive(Debug, Clone, PartialEq)]
pub struct WpError {
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// WordPress's error code (`rest_cannot_create`, `term_exists`…), or `http_timeout`,
    /// `http_connect`, `http_status_502`… when it didn't give one.
    pub code: String,
    /// WordPress's message.
    pub message: String,
    /// WordPress's `data` (e.g. `term_id` for `term_exists`).
    pub data: Value,
    /// Trying again may work (timeouts, refused connections, 408/429/5xx). A timeout after the
    /// request was sent is also ambiguous: WordPress may have done it.
    pub transient: bool,
}

/// Codes this client makes up when WordPress gave none: not worth showing people.
const OWN_CODES: [&str; 5] = [
    "http_timeout",
    "http_connect",
    "http_error",
    "address_refused",
    "answer_too_large",
];

impl std::fmt::Display for WpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // WordPress's own codes (`rest_cannot_create`) help whoever reads its logs; ours don't.
        if OWN_CODES.contains(&self.code.as_str()) {
            write!(f, "WordPress: {}", self.message)
        } else {
            write!(f, "WordPress: {} ({})", self.message, self.code)
        }
    }
}

impl From<WpError> for crate::Error {
    fn from(e: WpError) -> Self {
        if e.transient {
            crate::Error::ProviderUnavailable(e.to_string())
        } else {
            crate::Error::Provider(e.to_string())
        }
    }
}

/// One WordPress site, as one user.
#[derive(Clone)]
pub struct WordPress {
    base: Url,
    username: String,
    password: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for WordPress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordPress")
            .field("base", &self.base.as_str())
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl WordPress {
    /// A client for the site at `url`, through the outbound guard: unless `outbound` allows
    /// private targets, a host that is or resolves to a loopback, private or link-local address
    /// is refused — checked by the client's own resolver, so the connection goes to the
    /// checked addresses — and redirects are not followed.
    pub fn connect(
        url: &str,
        username: &str,
        password: &str,
        timeout: Duration,
        outbound: OutboundConfig,
    ) -> crate::Result<Self> {
        let base = outbound::check_url(url, outbound, "wordpress_url", "the WordPress URL")?;
        let http = outbound::client(
            outbound,
            ClientOptions {
                connect_timeout: timeout.min(Duration::from_secs(10)),
                read_timeout: timeout,
                timeout,
                guarded: true,
            },
        )?;
        Ok(Self {
            base,
            username: username.to_owned(),
            password: password.to_owned(),
            http,
        })
    }

    /// The site's base URL.
    pub fn base(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// The URL of REST `route` with `query`.
    fn url(&self, route: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.base.clone();
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("rest_route", route);
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        url
    }

    fn transport(e: &reqwest::Error) -> WpError {
        if let Some(refused) = outbound::refusal_of(e) {
            return WpError {
                status: None,
                code: "address_refused".into(),
                message: format!(
                    "the site's address {refused}; this server may only publish to public \
                     addresses (an operator can allow private ones with \
                     IGNY8_ALLOW_PRIVATE_TARGETS)"
                ),
                data: Value::Null,
                transient: false,
            };
        }
        let code = if e.is_timeout() {
            "http_timeout"
        } else if e.is_connect() {
            "http_connect"
        } else {
            "http_error"
        };
        WpError {
            status: None,
            code: code.into(),
            message: if e.is_timeout() {
                "the site did not answer in time".to_owned()
            } else {
                format!("the site couldn't be reached: {}", outbound::describe(e))
            },
            data: Value::Null,
            transient: true,
        }
    }

    async fn read(response: reqwest::Response) -> Result<Vec<u8>, WpError> {
        let status = response.status().as_u16();
        outbound::read_capped(response, MAX_ANSWER_BYTES)
            .await
            .map_err(|e| match e {
                ReadError::TooLarge(too) => WpError {
                    status: Some(status),
                    code: "answer_too_large".into(),
                    message: format!("the site's answer was refused: {too}"),
                    data: Value::Null,
                    transient: false,
                },
                ReadError::Transport(e) => Self::transport(&e),
            })
    }

    async fn answer(response: reqwest::Response) -> Result<Value, WpError> {
        let status = response.status().as_u16();
        let bytes = Self::read(response).await?;
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            if body.is_null() && !bytes.is_empty() {
                return Err(WpError {
                    status: Some(status),
                    code: "invalid_json".into(),
                    message: "the answer is not JSON; is this the WordPress REST API?".into(),
                    data: Value::Null,
                    transient: false,
                });
            }
            return Ok(body);
        }
        let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
        let redirect = (300..400).contains(&status);
        Err(WpError {
            status: Some(status),
            code: text("code").unwrap_or_else(|| format!("http_status_{status}")),
            message: text("message").unwrap_or_else(|| {
                if redirect {
                    "the site redirects; use its final address (e.g. https://)".to_owned()
                } else {
                    String::from_utf8_lossy(&bytes).chars().take(200).collect()
                }
            }),
            data: body.get("data").cloned().unwrap_or(Value::Null),
            transient: matches!(status, 408 | 429 | 500..=599),
        })
    }

    /// A JSON request to REST `route`.
    pub async fn call(
        &self,
        method: Method,
        route: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value, WpError> {
        let mut request = self
            .http
            .request(method, self.url(route, query))
            .basic_auth(&self.username, Some(&self.password));
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| Self::transport(&e))?;
        Self::answer(response).await
    }

    /// Uploads a file to the media library, with the item's fields (`alt_text`, `title`,
    /// `description`…) in the same request, so a retry can find it.
    pub async fn upload(
        &self,
        filename: &str,
        mime: &str,
        data: Vec<u8>,
        fields: &[(&str, &str)],
    ) -> Result<Value, WpError> {
        let safe: String = filename
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .collect();
        let response = self
            .http
            .post(self.url("/wp/v2/media", fields))
            .basic_auth(&self.username, Some(&self.password))
            .header("Content-Type", mime)
            .header(
                "Content-Disposition",
                format!("attachment; filename=\"{safe}\""),
            )
            .body(data)
            .send()
            .await
            .map_err(|e| Self::transport(&e))?;
        Self::answer(response).await
    }

    /// A plain GET of a page of the site (not the REST API), e.g. the feed.
    pub async fn page(&self, query: &[(&str, &str)]) -> Result<String, WpError> {
        let mut url = self.base.clone();
        url.query_pairs_mut().extend_pairs(query);
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| Self::transport(&e))?;
        let status = response.status().as_u16();
        let bytes = Self::read(response).await?;
        if (200..300).contains(&status) {
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        } else {
            Err(WpError {
                status: Some(status),
                code: format!("http_status_{status}"),
                message: "the page could not be read".into(),
                data: Value::Null,
                transient: status >= 500,
            })
        }
    }
}
