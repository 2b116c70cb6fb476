//! The one response shape: `{success, data, message, errors, request_id}`, and the mapping of
//! the core's error codes to HTTP statuses (in one table, [`status_of`]).

use std::collections::BTreeMap;

use igny8_core::{Error, ErrorCode};
use poem::http::StatusCode;
use poem_openapi::payload::Json;
use poem_openapi::types::{ParseFromJSON, ToJSON};
use poem_openapi::{ApiResponse, Object};

tokio::task_local! {
    /// The id of the request being served (set by the outer middleware).
    pub static REQUEST_ID: String;
    /// The path and query the client sent (before routing rewrote them).
    pub static REQUEST_URI: poem::http::Uri;
}

/// The current request's id (empty outside a request).
pub fn request_id() -> String {
    REQUEST_ID.try_with(Clone::clone).unwrap_or_default()
}

/// A successful response.
#[derive(Debug, Object)]
pub struct Envelope<T: ParseFromJSON + ToJSON + Send + Sync> {
    /// Always `true` here.
    pub success: bool,
    /// The result.
    #[oai(nullable)]
    pub data: Option<T>,
    /// A sentence for people, when there is something to say.
    #[oai(nullable)]
    pub message: Option<String>,
    /// Always empty on success.
    #[oai(nullable)]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
    /// The request's id, also in the `X-Request-ID` header.
    pub request_id: String,
}

/// `200 OK` with `data`.
pub fn ok<T: ParseFromJSON + ToJSON + Send + Sync>(data: T) -> Json<Envelope<T>> {
    Json(Envelope {
        success: true,
        data: Some(data),
        message: None,
        errors: None,
        request_id: request_id(),
    })
}

/// `200 OK` with `data` and a message.
pub fn ok_with<T: ParseFromJSON + ToJSON + Send + Sync>(
    data: T,
    message: impl Into<String>,
) -> Json<Envelope<T>> {
    let mut e = ok(data);
    e.0.message = Some(message.into());
    e
}

/// `201 Created`.
#[derive(ApiResponse)]
pub enum Created<T: ParseFromJSON + ToJSON + Send + Sync> {
    /// Created.
    #[oai(status = 201)]
    Created(Json<Envelope<T>>),
}

/// `202 Accepted`: work queued as a job.
#[derive(ApiResponse)]
pub enum Accepted<T: ParseFromJSON + ToJSON + Send + Sync> {
    /// Accepted.
    #[oai(status = 202)]
    Accepted(Json<Envelope<T>>),
}

/// `201 Created` with `data`.
pub fn created<T: ParseFromJSON + ToJSON + Send + Sync>(data: T) -> Created<T> {
    Created::Created(ok(data))
}

/// The `data` of an error response: always null.
#[derive(Debug, Object)]
pub struct Nothing {}

/// A failed response.
#[derive(Debug, Object)]
pub struct ErrorEnvelope {
    /// Always `false`.
    pub success: bool,
    /// Always null.
    #[oai(nullable)]
    pub data: Option<Nothing>,
    /// What went wrong, for people.
    pub message: String,
    /// Field-level problems: field name → messages.
    #[oai(nullable)]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
    /// A stable machine code (`validation`, `not_found`, `insufficient_credits`…).
    pub code: String,
    /// The request's id.
    pub request_id: String,
}

impl ErrorEnvelope {
    /// An error body.
    pub fn new(
        code: &str,
        message: impl Into<String>,
        errors: Option<BTreeMap<String, Vec<String>>>,
    ) -> Self {
        Self {
            success: false,
            data: None,
            message: message.into(),
            errors,
            code: code.to_owned(),
            request_id: request_id(),
        }
    }
}

/// Every error an operation may answer. (Requests that can't even be parsed — bad JSON, wrong
/// types, bad credentials — are answered in the same shape by the error middleware.)
#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// The request is malformed or a value is invalid (`errors` names the fields).
    #[oai(status = 400)]
    BadRequest(Json<ErrorEnvelope>),
    /// Missing or invalid credentials.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorEnvelope>),
    /// Not enough credits.
    #[oai(status = 402)]
    PaymentRequired(Json<ErrorEnvelope>),
    /// The role may not do this, or a plan limit was reached.
    #[oai(status = 403)]
    Forbidden(Json<ErrorEnvelope>),
    /// No such object in this account.
    #[oai(status = 404)]
    NotFound(Json<ErrorEnvelope>),
    /// It already exists, or changed meanwhile.
    #[oai(status = 409)]
    Conflict(Json<ErrorEnvelope>),
    /// The body is too large.
    #[oai(status = 413)]
    TooLarge(Json<ErrorEnvelope>),
    /// The body's content type is not one this operation takes.
    #[oai(status = 415)]
    UnsupportedMediaType(Json<ErrorEnvelope>),
    /// Too many requests; retry after the given seconds.
    #[oai(status = 429)]
    TooManyRequests(Json<ErrorEnvelope>, #[oai(header = "Retry-After")] u64),
    /// The server failed.
    #[oai(status = 500)]
    Internal(Json<ErrorEnvelope>),
    /// The AI provider refused the request or answered unusably (its own message is given).
    #[oai(status = 502)]
    BadGateway(Json<ErrorEnvelope>),
    /// A dependency is down.
    #[oai(status = 503)]
    Unavailable(Json<ErrorEnvelope>),
}

/// The HTTP status of a core error code (the core's one table, [`ErrorCode::http_status`]).
pub fn status_of(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl ApiError {
    /// An error of `status` with a code and message.
    pub fn with_status(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self::from_body(status, ErrorEnvelope::new(code, message, None))
    }

    fn from_body(status: StatusCode, body: ErrorEnvelope) -> Self {
        let body = Json(body);
        match status.as_u16() {
            400 => Self::BadRequest(body),
            401 => Self::Unauthorized(body),
            402 => Self::PaymentRequired(body),
            403 => Self::Forbidden(body),
            404 | 405 => Self::NotFound(body),
            409 => Self::Conflict(body),
            413 => Self::TooLarge(body),
            415 => Self::UnsupportedMediaType(body),
            429 => Self::TooManyRequests(body, 1),
            502 => Self::BadGateway(body),
            503 => Self::Unavailable(body),
            _ => Self::Internal(body),
        }
    }

    /// A validation error about one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Error::field(field, message).into()
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        let code = err.code();
        let status = status_of(code);
        let provider = matches!(code, ErrorCode::Provider | ErrorCode::ProviderUnavailable);
        let message = if code.is_user_error() || provider {
            // A provider's own message (its URL and key never appear in it) helps the user.
            err.to_string()
        } else {
            // Internal details go to the log, not to the client.
            tracing::error!(request_id = %request_id(), error = %err, "request failed");
            "the server failed to handle the request; it has been logged".to_owned()
        };
        let errors = (!err.field_errors().is_empty()).then(|| {
            let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for e in err.field_errors() {
                map.entry(e.field.clone())
                    .or_default()
                    .push(e.message.clone());
            }
            map
        });
        let body = ErrorEnvelope::new(code.as_str(), message, errors);
        match err {
            Error::RateLimited {
                retry_after_secs, ..
            } => Self::TooManyRequests(Json(body), retry_after_secs.max(1)),
            _ => Self::from_body(status, body),
        }
    }
}

/// The envelope of a `poem::Error` that no operation turned into a response: a request that
/// could not be parsed, an unknown route, a body over the limit.
pub fn error_response(err: &poem::Error) -> poem::Response {
    let status = err.status();
    let code = match status.as_u16() {
        400 => "bad_request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "too_large",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        s if s >= 500 => "internal",
        _ => "bad_request",
    };
    let message = match status.as_u16() {
        404 => "no such endpoint".to_owned(),
        405 => "this endpoint does not take that method".to_owned(),
        s if s >= 500 => "the server failed to handle the request; it has been logged".to_owned(),
        _ => err.to_string(),
    };
    let body = serde_json::json!({
        "success": false,
        "data": null,
        "message": message,
        "errors": null,
        "code": code,
        "request_id": request_id(),
    });
    poem::Response::builder()
        .status(status)
        .content_type("application/json; charset=utf-8")
        .body(body.to_string())
}

/// The result of an operation.
pub type ApiResult<T> = Result<Json<Envelope<T>>, ApiError>;

/// The result of a create operation.
pub type CreatedResult<T> = Result<Created<T>, ApiError>;

/// The result of an operation that queues a job.
pub type AcceptedResult<T> = Result<Accepted<T>, ApiError>;
