//! What wraps every request: its id, body-size limits, rate limits, and the envelope for
//! errors no operation answered itself.

use std::net::IpAddr;
use std::sync::Arc;

use poem::http::{HeaderValue, Method, StatusCode};
use poem::{Body, Endpoint, IntoResponse, Request, Response};
use sha2::{Digest, Sha256};

use crate::auth::{Credential, parse_authorization};
use crate::envelope::{REQUEST_ID, REQUEST_URI, error_response};
use crate::ratelimit::Verdict;
use crate::state::AppState;

/// The path that takes keyword files (larger bodies, streamed).
pub const UPLOAD_PATH: &str = "/api/v1/planner/keywords/import/";
/// The path that keeps a keyword file for a background import (larger bodies too).
pub const BACKGROUND_UPLOAD_PATH: &str = "/api/v1/planner/keywords/import_in_background/";
/// The web app's twin of [`UPLOAD_PATH`] (the keyword import page's form).
pub const WEB_UPLOAD_PATH: &str = "/planner/keywords/import";

fn valid_request_id(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?.trim();
    (!s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic()))
        .then(|| s.to_owned())
}

fn new_request_id() -> String {
    let bytes: [u8; 12] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn envelope_error(status: StatusCode, message: &str) -> Response {
    error_response(&poem::Error::from_string(message, status))
}

/// Whether `path` is the API's (`/api` and below) rather than the web app's.
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// The outermost layer: gives the request an id (keeping a valid client-sent `X-Request-ID`),
/// renders errors in the envelope, and logs the request.
pub async fn outer<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(valid_request_id)
        .unwrap_or_else(new_request_id);
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = std::time::Instant::now();
    let uri = req.uri().clone();
    // Outside `/api/` is the web app: errors are pages, and pages carry its security headers.
    let web = !is_api_path(&path);
    let mut resp = REQUEST_ID
        .scope(
            id.clone(),
            REQUEST_URI.scope(uri, async move {
                match ep.call(req).await {
                    Ok(resp) => resp.into_response(),
                    Err(err) if err.is_from_response() => err.into_response(),
                    Err(err)
                        if web && err.downcast_ref::<crate::web::render::WebError>().is_some() =>
                    {
                        err.into_response()
                    }
                    Err(err) => {
                        if err.status().is_server_error() {
                            tracing::error!(error = %err, "request failed");
                        }
                        if web {
                            crate::web::render::page_for(&err)
                        } else {
                            error_response(&err)
                        }
                    }
                }
            }),
        )
        .await;
    if web {
        crate::web::render::security_headers(&mut resp);
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", value);
    }
    tracing::info!(
        request_id = %id,
        %method,
        path,
        status = resp.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    Ok(resp)
}

/// Refuses bodies over the limit with 413, before they are read.
pub async fn body_limit<E: Endpoint>(ep: Arc<E>, mut req: Request) -> poem::Result<Response> {
    let Some(state) = req.data::<AppState>().cloned() else {
        return ep.call(req).await.map(IntoResponse::into_response);
    };
    let path = req.uri().path().trim_end_matches('/');
    let upload = path == UPLOAD_PATH.trim_end_matches('/')
        || path == BACKGROUND_UPLOAD_PATH.trim_end_matches('/')
        || path == WEB_UPLOAD_PATH;
    let web = !is_api_path(path);
    let limit = if upload {
        state.settings.max_upload_bytes
    } else {
        state.settings.max_body_bytes
    };
    let too_large = || {
        if web {
            crate::web::render::error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!(
                    "The file is larger than this server accepts ({}). Split it into smaller files and import each.",
                    crate::web::render::size_in_words(limit)
                ),
            )
        } else {
            envelope_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("the body is larger than {limit} bytes"),
            )
        }
    };
    let declared = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > limit as u64 => return Ok(too_large()),
        Some(_) => {}
        // A body of unknown length: JSON is read here up to the limit; uploads are counted as
        // they stream.
        None if !matches!(*req.method(), Method::GET | Method::HEAD | Method::DELETE) => {
            let body = req.take_body();
            if upload {
                req.set_body(limited_stream(body, limit));
            } else {
                match read_limited(body, limit).await {
                    Ok(Some(bytes)) => req.set_body(bytes),
                    Ok(None) => return Ok(too_large()),
                    Err(e) => {
                        return Ok(envelope_error(
                            StatusCode::BAD_REQUEST,
                            &format!("the body could not be read: {e}"),
                        ));
                    }
                }
            }
        }
        None => {}
    }
    ep.call(req).await.map(IntoResponse::into_response)
}

async fn read_limited(body: Body, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    use futures_util::StreamExt as _;
    let mut stream = body.into_bytes_stream();
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if out.len() + chunk.len() > limit {
            return Ok(None);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(Some(out))
}

fn limited_stream(body: Body, limit: usize) -> Body {
    use futures_util::StreamExt as _;
    let mut seen = 0usize;
    let stream = body.into_bytes_stream().map(move |chunk| {
        let chunk = chunk?;
        seen += chunk.len();
        if seen > limit {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("the upload is larger than {limit} bytes"),
            ))
        } else {
            Ok(chunk)
        }
    });
    Body::from_bytes_stream(stream)
}

/// What a request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Operations that take no credentials (sign-up, sign-in, refresh): per client address.
    Auth,
    /// Reads.
    Read,
    /// Writes.
    Write,
    /// Operations that call an AI model (tagged `AI` in the API document).
    Ai,
}

/// One operation of the route table: its method, its path's segments (`None` for a
/// parameter) and what it counts against (`None`: not limited).
#[derive(Debug, Clone)]
struct Operation {
    method: Method,
    segments: Vec<Option<String>>,
    class: Option<Class>,
    /// The schema of its JSON body, when it takes one.
    body: Option<serde_json::Value>,
}

/// The rate class of every operation, read from the route table itself — the OpenAPI
/// document generated from the operations' declarations — so that a new operation is
/// classified without anyone keeping a second list: operations without a security
/// requirement count as [`Class::Auth`] (per client address), operations tagged `AI` as
/// [`Class::Ai`], health checks not at all, the rest as reads or writes by method.
#[derive(Debug, Clone, Default)]
pub struct RateClasses {
    prefix: String,
    operations: Vec<Operation>,
    /// The document's component schemas, for the JSON bodies' `$ref`s.
    schemas: serde_json::Value,
}

/// The tag of the operations that call an AI model.
pub const AI_TAG: &str = "AI";

impl RateClasses {
    /// The classes of the operations of `spec`, an OpenAPI document served under `prefix`
    /// (`/api/v1`).
    pub fn from_spec(spec: &serde_json::Value, prefix: &str) -> Self {
        let mut operations = Vec::new();
        for (path, item) in spec["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let Ok(method) = Method::from_bytes(method.to_ascii_uppercase().as_bytes()) else {
                    continue;
                };
                let tags: Vec<&str> = op["tags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.as_str())
                    .collect();
                let open = op["security"].as_array().is_none_or(|s| s.is_empty());
                let class = if tags.contains(&"Health") {
                    None
                } else if open {
                    Some(Class::Auth)
                } else if tags.contains(&AI_TAG) {
                    Some(Class::Ai)
                } else {
                    Some(by_method(&method))
                };
                let segments = path
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                    .collect();
                let body =
                    op["requestBody"]["content"]["application/json; charset=utf-8"]["schema"]
                        .as_object()
                        .or(op["requestBody"]["content"]["application/json"]["schema"].as_object())
                        .map(|s| serde_json::Value::Object(s.clone()));
                operations.push(Operation {
                    method,
                    segments,
                    class,
                    body,
                });
            }
        }
        Self {
            prefix: prefix.trim_end_matches('/').to_owned(),
            operations,
            schemas: spec["components"]["schemas"].clone(),
        }
    }

    /// The class of a request to `path` (as the router sees it: slashes merged, no trailing
    /// one), or `None` when it isn't limited (health, the documentation). A path under the
    /// prefix that names no operation still counts, as a read or a write.
    pub fn classify(&self, method: &Method, path: &str) -> Option<Class> {
        let rest = path.strip_prefix(&self.prefix)?;
        if !(rest.is_empty() || rest.starts_with('/')) {
            return None;
        }
        let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        let method = if *method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        let best = self
            .operations
            .iter()
            .filter(|op| op.method == *method && op.segments.len() == segments.len())
            .filter(|op| {
                op.segments
                    .iter()
                    .zip(&segments)
                    .all(|(want, got)| want.as_deref().is_none_or(|w| w == *got))
            })
            // A literal segment wins over a parameter (`keywords/import` over `keywords/{id}`).
            .max_by_key(|op| op.segments.iter().filter(|s| s.is_some()).count());
        match best {
            Some(op) => op.class,
            None => Some(by_method(method)),
        }
    }
}

impl RateClasses {
    /// The operation a request to `path` reaches (literal segments win over parameters).
    fn operation(&self, method: &Method, path: &str) -> Option<&Operation> {
        let rest = path.strip_prefix(&self.prefix)?;
        let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        self.operations
            .iter()
            .filter(|op| op.method == *method && op.segments.len() == segments.len())
            .filter(|op| {
                op.segments
                    .iter()
                    .zip(&segments)
                    .all(|(want, got)| want.as_deref().is_none_or(|w| w == *got))
            })
            .max_by_key(|op| op.segments.iter().filter(|s| s.is_some()).count())
    }

    /// The methods the route table has for `path` (as the router sees it), `None` when no
    /// operation matches it. Like the router, a literal segment wins over a parameter:
    /// `keywords/import` has only `POST`, though `keywords/{id}` has more.
    pub fn allowed_methods(&self, path: &str) -> Option<Vec<Method>> {
        let rest = path.strip_prefix(&self.prefix)?;
        let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        let matching: Vec<&Operation> = self
            .operations
            .iter()
            .filter(|op| op.segments.len() == segments.len())
            .filter(|op| {
                op.segments
                    .iter()
                    .zip(&segments)
                    .all(|(want, got)| want.as_deref().is_none_or(|w| w == *got))
            })
            .collect();
        let literal = |op: &Operation| op.segments.iter().filter(|s| s.is_some()).count();
        let best = matching.iter().map(|op| literal(op)).max()?;
        let mut methods: Vec<Method> = matching
            .into_iter()
            .filter(|op| literal(op) == best)
            .map(|op| op.method.clone())
            .collect();
        if methods.contains(&Method::GET) {
            methods.push(Method::HEAD);
        }
        methods.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        methods.dedup();
        Some(methods)
    }
}

/// Answers a method the path doesn't take with `405` in the envelope and an `Allow` header
/// listing the methods it does take (RFC 9110), read from the route table.
pub async fn allow<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let classes = req.data::<Arc<RateClasses>>().cloned();
    let path = req.uri().path().to_owned();
    if !is_api_path(&path) {
        // The web app's 405 is a page (see `outer`).
        return ep.call(req).await.map(IntoResponse::into_response);
    }
    let resp = match ep.call(req).await {
        Ok(resp) => resp.into_response(),
        Err(err) if err.status() == StatusCode::METHOD_NOT_ALLOWED => error_response(&err),
        Err(err) => return Err(err),
    };
    if resp.status() != StatusCode::METHOD_NOT_ALLOWED {
        return Ok(resp);
    }
    let mut resp = resp;
    if let Some(methods) = classes.and_then(|c| c.allowed_methods(&path)) {
        let list = methods
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        if let Ok(value) = HeaderValue::from_str(&list) {
            resp.headers_mut().insert("allow", value);
        }
    }
    Ok(resp)
}

/// Refuses a JSON body whose strings aren't strings. poem-openapi reads `false` or `3` where
/// the document says string as `"false"` or `"3"`; the document promises a string, so anything
/// else is a validation error naming the field, as the core names its fields.
pub async fn strict_json<E: Endpoint>(ep: Arc<E>, mut req: Request) -> poem::Result<Response> {
    let is_json = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    let classes = req.data::<Arc<RateClasses>>().cloned();
    let schema = classes
        .as_ref()
        .filter(|_| is_json)
        .and_then(|c| c.operation(req.method(), req.uri().path()))
        .and_then(|op| op.body.clone());
    let (Some(classes), Some(schema)) = (classes, schema) else {
        return ep.call(req).await.map(IntoResponse::into_response);
    };
    let bytes = req.take_body().into_bytes().await?;
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) {
        let mut errors = std::collections::BTreeMap::new();
        crate::contract::string_errors(&classes.schemas, &schema, &value, "", &mut errors);
        if !errors.is_empty() {
            let message = errors
                .iter()
                .map(|(field, m): (&String, &Vec<String>)| format!("{field}: {}", m.join("; ")))
                .collect::<Vec<_>>()
                .join("; ");
            let body = crate::envelope::ErrorEnvelope::new("validation", message, Some(errors));
            let body = serde_json::to_string(&poem_openapi::types::ToJSON::to_json(&body))
                .unwrap_or_default();
            return Ok(Response::builder()
                .status(StatusCode::BAD_REQUEST)
                .content_type("application/json; charset=utf-8")
                .body(body));
        }
    }
    req.set_body(bytes);
    ep.call(req).await.map(IntoResponse::into_response)
}

fn by_method(method: &Method) -> Class {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        Class::Read
    } else {
        Class::Write
    }
}

/// The address a request comes from: the peer's, or — when the peer is one of the trusted
/// proxies — the last address in `X-Forwarded-For` that isn't a trusted proxy. Never the port.
pub fn client_ip(req: &Request, trusted: &[ipnet::IpNet]) -> Option<IpAddr> {
    let canonical = |ip: IpAddr| match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    };
    let peer = canonical(req.remote_addr().as_socket_addr()?.ip());
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    for part in forwarded.join(",").rsplit(',') {
        let Ok(ip) = part.trim().parse::<IpAddr>().map(canonical) else {
            // Something unreadable: whoever wrote it is not a proxy we trust.
            return Some(peer);
        };
        if !is_trusted(&ip) {
            return Some(ip);
        }
    }
    Some(peer)
}

/// The bucket of a client address: the address itself, or for IPv6 its /64 (one host
/// usually has a whole /64 to pick addresses from).
pub(crate) fn ip_bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("ip6:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// Whom a request counts against: the client address for operations without credentials
/// (and for credentials that are not valid); the user for an access token (however many
/// tokens they hold); the key for an API key (however its header is spelled).
fn caller_bucket(state: &AppState, req: &Request, class: Class) -> String {
    let by_address = || {
        client_ip(req, &state.settings.trusted_proxies)
            .map(ip_bucket)
            .unwrap_or_else(|| "ip:unknown".to_owned())
    };
    if class == Class::Auth {
        return by_address();
    }
    let header = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    match header.and_then(parse_authorization) {
        Some(Credential::Bearer(token)) => {
            match state.signer.verify(token, state.core.now().timestamp()) {
                Ok(claims) => format!("user:{}", claims.sub),
                Err(_) => by_address(),
            }
        }
        Some(Credential::ApiKey(key)) => {
            let digest = Sha256::digest(key.as_bytes());
            let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
            format!("key:{hex}")
        }
        None => by_address(),
    }
}

/// Counts the request against its class's limit and caller (see [`RateClasses`] and
/// `caller_bucket`). Runs after the path is normalised, so every spelling of a path that
/// reaches an operation counts against that operation. Over the limit: 429 with
/// `Retry-After`.
pub async fn rate_limit<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let (Some(state), Some(classes)) = (
        req.data::<AppState>().cloned(),
        req.data::<Arc<RateClasses>>().cloned(),
    ) else {
        return ep.call(req).await.map(IntoResponse::into_response);
    };
    let Some(class) = classes.classify(req.method(), req.uri().path()) else {
        return ep.call(req).await.map(IntoResponse::into_response);
    };
    let limits = &state.settings.rate_limits;
    let (name, limit) = match class {
        Class::Auth => ("auth", limits.auth),
        Class::Read => ("read", limits.read),
        Class::Write => ("write", limits.write),
        Class::Ai => ("ai", limits.ai),
    };
    let caller = caller_bucket(&state, &req, class);
    if let Verdict::Deny(retry_after) = state
        .limiter
        .check(&format!("{name}:{caller}"), limit)
        .await
    {
        let mut resp = envelope_error(
            StatusCode::TOO_MANY_REQUESTS,
            &format!(
                "too many {name} requests: at most {limit} a minute; retry in {retry_after} s"
            ),
        );
        resp.headers_mut()
            .insert("retry-after", HeaderValue::from(retry_after));
        return Ok(resp);
    }
    ep.call(req).await.map(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> RateClasses {
        let spec: serde_json::Value =
            serde_json::from_str(&crate::openapi_json()).expect("the document is JSON");
        RateClasses::from_spec(&spec, "/api/v1")
    }

    #[test]
    fn requests_are_classified_from_the_route_table() {
        let c = classes();
        let cases = [
            (Method::POST, "/api/v1/auth/login", Some(Class::Auth)),
            (Method::POST, "/api/v1/auth/register", Some(Class::Auth)),
            (Method::POST, "/api/v1/auth/refresh", Some(Class::Auth)),
            (Method::GET, "/api/v1/auth/me", Some(Class::Read)),
            (
                Method::POST,
                "/api/v1/planner/keywords/auto_cluster",
                Some(Class::Ai),
            ),
            (
                Method::POST,
                "/api/v1/writer/tasks/generate_content",
                Some(Class::Ai),
            ),
            (
                Method::POST,
                "/api/v1/thinker/image_testing",
                Some(Class::Ai),
            ),
            (
                Method::POST,
                "/api/v1/automation/rules/7/run",
                Some(Class::Ai),
            ),
            (
                Method::PATCH,
                "/api/v1/planner/keywords/3",
                Some(Class::Write),
            ),
            (
                Method::POST,
                "/api/v1/planner/keywords/import",
                Some(Class::Write),
            ),
            (Method::GET, "/api/v1/planner/keywords", Some(Class::Read)),
            (Method::HEAD, "/api/v1/planner/keywords", Some(Class::Read)),
            (Method::GET, "/api/v1/health", None),
            (Method::GET, "/api/v1/health/ready", None),
            (Method::GET, "/api/docs", None),
            (Method::GET, "/api/v1x/auth/login", None),
            // No such operation: still counted.
            (Method::DELETE, "/api/v1/nope/1", Some(Class::Write)),
            (Method::GET, "/api/v1/nope", Some(Class::Read)),
        ];
        for (method, path, want) in cases {
            assert_eq!(c.classify(&method, path), want, "{method} {path}");
        }
        // Every operation that takes no credentials is a sign-in-class one, or a health check.
        let spec: serde_json::Value = serde_json::from_str(&crate::openapi_json()).unwrap();
        let open = spec["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .filter(|op| op["security"].as_array().is_none_or(|s| s.is_empty()))
            .count();
        assert_eq!(
            open, 5,
            "sign-up, sign-in, refresh and the two health checks"
        );
    }

    #[test]
    fn allowed_methods_come_from_the_route_table() {
        let c = classes();
        let names = |path: &str| {
            c.allowed_methods(path)
                .map(|m| m.iter().map(|m| m.as_str().to_owned()).collect::<Vec<_>>())
        };
        assert_eq!(
            names("/api/v1/planner/keywords/3"),
            Some(vec![
                "DELETE".into(),
                "GET".into(),
                "HEAD".into(),
                "PATCH".into()
            ])
        );
        assert_eq!(
            names("/api/v1/planner/keywords/import"),
            Some(vec!["POST".into()])
        );
        assert_eq!(names("/api/v1/nope/1/2/3"), None);
    }

    #[test]
    fn authorization_headers_are_read_one_way() {
        use crate::auth::{Credential, parse_authorization};
        for value in ["Bearer abc", "bearer abc", "bEaRer   abc ", "  BEARER\tabc"] {
            assert_eq!(
                parse_authorization(value),
                Some(Credential::Bearer("abc")),
                "{value:?}"
            );
        }
        assert_eq!(
            parse_authorization("api-key igny8_x"),
            Some(Credential::ApiKey("igny8_x"))
        );
        assert_eq!(parse_authorization("Basic eDp5"), None);
    }

    #[test]
    fn ipv6_clients_count_per_64() {
        assert_eq!(
            ip_bucket("2001:db8:1:2:aaaa::1".parse().unwrap()),
            ip_bucket("2001:db8:1:2:bbbb::9".parse().unwrap())
        );
        assert_ne!(
            ip_bucket("2001:db8:1:2::1".parse().unwrap()),
            ip_bucket("2001:db8:1:3::1".parse().unwrap())
        );
        assert_eq!(ip_bucket("10.0.0.1".parse().unwrap()), "ip:10.0.0.1");
    }
}
