//! # igny8-server
//!
//! The hosted IGNY8 API: a thin poem + poem-openapi layer over `igny8-core`. Handlers parse the
//! request, call one core service and map the result; the rules live in the core.
//!
//! * `/api/v1/…` — the operations (see [`api`]); every answer is the envelope
//!   `{success, data, message, errors, request_id}`.
//! * `/api/schema/` — the OpenAPI 3 document; `/api/docs/` — Swagger UI; `/api/redoc/` — ReDoc.

pub mod api;
pub mod auth;
pub mod config;
pub mod contract;
pub mod downloads;
pub mod dto;
pub mod envelope;
pub mod events;
pub mod jwt;
pub mod middleware;
pub mod pagination;
pub mod query;
pub mod ratelimit;
pub mod state;
pub mod web;
pub mod worker;

use poem::middleware::{NormalizePath, TrailingSlash};
use poem::{Endpoint, EndpointExt, Response, Route, endpoint::make_sync};

pub use config::Settings;
pub use state::AppState;

/// The OpenAPI document, as served at `/api/schema/` (and committed as `docs/openapi.json`):
/// poem-openapi's, made to declare what the server enforces ([`contract`]).
pub fn openapi_json() -> String {
    contract::document(&api::service().spec())
}

fn page(content_type: &'static str, body: String) -> impl Endpoint + 'static {
    make_sync(move |_| {
        Response::builder()
            .content_type(content_type)
            .body(body.clone())
    })
}

/// The whole HTTP application over `state`.
pub fn app(state: AppState) -> impl Endpoint {
    let service = api::service();
    let raw = service.spec();
    let spec = openapi_json();
    let swagger = service.swagger_ui_html().replace(&raw, &spec);
    let redoc = service.redoc_html().replace(&raw, &spec);
    let classes: serde_json::Value = serde_json::from_str(&spec).unwrap_or_default();
    let classes = std::sync::Arc::new(middleware::RateClasses::from_spec(&classes, "/api/v1"));
    let routes = Route::new()
        .nest("/api/v1", service)
        .at("/api/schema", page("application/json", spec))
        .at("/api/docs", page("text/html; charset=utf-8", swagger))
        .at("/api/redoc", page("text/html; charset=utf-8", redoc));
    let routes = web::mount(routes, &classes);
    // Paths are normalised (slashes merged, the trailing one dropped) before anything looks
    // at them, so the limits and the router see the same path.
    routes
        .around(middleware::strict_json)
        .around(middleware::allow)
        .around(middleware::rate_limit)
        .around(middleware::body_limit)
        .with(NormalizePath::new(TrailingSlash::Trim))
        .data(classes)
        .data(state)
        .around(middleware::outer)
}
