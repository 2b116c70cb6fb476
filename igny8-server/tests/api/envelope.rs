//! Health, the API documents and the error envelope.

use igny8_core::Backend;
use serde_json::json;

use crate::support::{json, server, split};

on_backends!(health_docs_and_envelope_errors,);

async fn health_docs_and_envelope_errors(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let (status, body) = split(s.client.get("/api/v1/health/").send().await).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["status"], "ok");
    let (status, _) = split(s.client.get("/api/v1/health/ready/").send().await).await;
    assert_eq!(status, 200);
    let schema = s.client.get("/api/schema/").send().await;
    schema.assert_status_is_ok();
    let schema = json(schema).await;
    assert!(schema["paths"]["/planner/keywords/"].is_object());
    s.client
        .get("/api/docs/")
        .send()
        .await
        .assert_status_is_ok();
    s.client
        .get("/api/redoc/")
        .send()
        .await
        .assert_status_is_ok();

    // Unknown routes, malformed JSON, missing credentials, oversized bodies: the envelope.
    let (status, body) = split(s.client.get("/api/v1/nope/").send().await).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let resp = s
        .client
        .post("/api/v1/auth/login/")
        .header("x-request-id", "req-123")
        .content_type("application/json")
        .body("{\"email\": ")
        .send()
        .await;
    assert_eq!(resp.0.headers().get("x-request-id").unwrap(), "req-123");
    let (status, body) = split(resp).await;
    assert_eq!(status, 400);
    assert_eq!(body["request_id"], "req-123");
    let (status, _) = split(s.client.get("/api/v1/planner/keywords/").send().await).await;
    assert_eq!(status, 401);
    let big = "x".repeat(2 * 1024 * 1024);
    let resp = s
        .client
        .post("/api/v1/auth/login/")
        .content_type("application/json")
        .body(format!("{{\"email\": \"{big}\", \"password\": \"x\"}}"))
        .send()
        .await;
    let (status, body) = split(resp).await;
    assert_eq!((status, body["code"].as_str()), (413, Some("too_large")));
    // Unknown fields are refused, naming the problem.
    let (status, _) = split(
        s.client
            .post("/api/v1/auth/login/")
            .body_json(&json!({"email": "a@b.c", "password": "x", "admin": true}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 400);
    // A method the path doesn't take: 405 in the envelope, with the methods it does take.
    let resp = s.client.put("/api/v1/planner/keywords/").send().await;
    resp.assert_status(poem::http::StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.0.headers().get("allow").unwrap(), "GET, HEAD, POST");
    let (_, body) = split(resp).await;
    assert_eq!(body["code"], "method_not_allowed");
    let resp = s
        .client
        .delete("/api/v1/planner/keywords/import/")
        .send()
        .await;
    assert_eq!(resp.0.headers().get("allow").unwrap(), "POST");
    // A string field given another type is named, not read as "false".
    let (status, body) = split(
        s.client
            .post("/api/v1/auth/register/")
            .body_json(&json!({"email": "a@example.com", "password": false, "account_name": 3}))
            .send()
            .await,
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (400, Some("validation")));
    assert!(
        body["errors"]["password"].is_array() && body["errors"]["account_name"].is_array(),
        "{body}"
    );
    s.close().await;
}
