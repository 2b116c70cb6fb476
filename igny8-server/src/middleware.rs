//! What wraps every request: its id, body-size limits, rate limits, and the envelope for
//! errors no operation answered itself.

use std::sync::Arc;

use poem::http::{HeaderValue, Method, StatusCode};
use poem::{Body, Endpoint, IntoResponse, Request, Response};
use sha2::{Digest, Sha256};

use crate::envelope::{REQUEST_ID, REQUEST_URI, error_response};
use crate::ratelimit::Verdict;
use crate::state::AppState;

/// The path that takes keyword files (larger bodies, streamed).
pub const UPLOAD_PATH: &str = "/api/v1/planner/keywords/import/";

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
    let mut resp = REQUEST_ID
        .scope(
            id.clone(),
            REQUEST_URI.scope(uri, async move {
                match ep.call(req).await {
                    Ok(resp) => resp.into_response(),
                    Err(err) if err.is_from_response() => err.into_response(),
                    Err(err) => {
                        if err.status().is_server_error() {
                            tracing::error!(error = %err, "request failed");
                        }
                        error_response(&err)
                    }
                }
            }),
        )
        .await;
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
    let upload = req.uri().path().trim_end_matches('/') == UPLOAD_PATH.trim_end_matches('/');
    let limit = if upload {
        state.settings.max_upload_bytes
    } else {
        state.settings.max_body_bytes
    };
    let too_large = || {
        envelope_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the body is larger than {limit} bytes"),
        )
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
    /// Sign-up, sign-in, refresh.
    Auth,
    /// Reads.
    Read,
    /// Writes.
    Write,
    /// AI operations.
    Ai,
}

const AI_ACTIONS: &[&str] = &[
    "auto_cluster",
    "generate_ideas",
    "generate_content",
    "generate_image_prompts",
    "generate_images",
    "image_testing",
    // automation/rules/{id}/run/
    "run",
];

/// The class of a request, or `None` when it isn't limited (health, docs).
pub fn classify(method: &Method, path: &str) -> Option<Class> {
    let rest = path.strip_prefix("/api/v1/")?;
    if rest.starts_with("health") {
        return None;
    }
    let last = rest
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    if rest.starts_with("auth/") && matches!(last, "login" | "register" | "refresh") {
        return Some(Class::Auth);
    }
    if AI_ACTIONS.contains(&last) {
        return Some(Class::Ai);
    }
    Some(
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            Class::Read
        } else {
            Class::Write
        },
    )
}

/// Counts the request against its class's limit: per client address for sign-in, per
/// credential otherwise. Over the limit: 429 with `Retry-After`.
pub async fn rate_limit<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let (Some(state), Some(class)) = (
        req.data::<AppState>().cloned(),
        classify(req.method(), req.uri().path()),
    ) else {
        return ep.call(req).await.map(IntoResponse::into_response);
    };
    let limits = &state.settings.rate_limits;
    let (name, limit) = match class {
        Class::Auth => ("auth", limits.auth),
        Class::Read => ("read", limits.read),
        Class::Write => ("write", limits.write),
        Class::Ai => ("ai", limits.ai),
    };
    let caller = match (
        class,
        req.headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok()),
    ) {
        (Class::Auth, _) | (_, None) => format!("ip:{}", req.remote_addr()),
        (_, Some(credential)) => {
            let digest = Sha256::digest(credential.trim().as_bytes());
            format!(
                "cred:{}",
                digest[..12]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            )
        }
    };
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

    #[test]
    fn requests_are_classified() {
        assert_eq!(
            classify(&Method::POST, "/api/v1/auth/login/"),
            Some(Class::Auth)
        );
        assert_eq!(
            classify(&Method::GET, "/api/v1/auth/me/"),
            Some(Class::Read)
        );
        assert_eq!(
            classify(&Method::POST, "/api/v1/planner/keywords/auto_cluster/"),
            Some(Class::Ai)
        );
        assert_eq!(
            classify(&Method::PATCH, "/api/v1/planner/keywords/3/"),
            Some(Class::Write)
        );
        assert_eq!(classify(&Method::GET, "/api/v1/health/"), None);
        assert_eq!(classify(&Method::GET, "/api/docs/"), None);
    }
}
