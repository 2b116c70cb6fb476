//! Sign-up, sign-in, token refresh and sign-out.

use igny8_core::Backend;
use serde_json::json;

use crate::support::{server, split};

on_backends!(
    sign_up_sign_in_refresh_and_sign_out,
    a_closed_sign_up_makes_no_account,
);

async fn sign_up_sign_in_refresh_and_sign_out(backend: Backend) {
    let Some(s) = server(backend, |settings| settings.signup_credits = Some(75)).await else {
        return;
    };
    let token = s.register("Owner@Example.com", "Acme").await;
    let (status, me) = s.get(&token, "/api/v1/auth/me/").await;
    assert_eq!(status, 200);
    assert_eq!(me["data"]["email"], "owner@example.com");
    assert_eq!(me["data"]["role"], "owner");
    let (_, balance) = s.get(&token, "/api/v1/billing/balance/").await;
    assert_eq!(balance["data"]["credits"], 75);

    let (status, body) = split(
        s.client
            .post("/api/v1/auth/login/")
            .body_json(&json!({"email": "owner@example.com", "password": "wrong"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (401, Some("wrong email or password"))
    );
    let (status, login) = split(
        s.client
            .post("/api/v1/auth/login/")
            .body_json(&json!({"email": "owner@example.com", "password": "password123"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let refresh = login["data"]["refresh"].as_str().unwrap().to_owned();
    let (status, renewed) = split(
        s.client
            .post("/api/v1/auth/refresh/")
            .body_json(&json!({"refresh": refresh}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let refresh2 = renewed["data"]["refresh"].as_str().unwrap().to_owned();
    // A refresh token works once; replaying it ends the session.
    let (status, _) = split(
        s.client
            .post("/api/v1/auth/refresh/")
            .body_json(&json!({"refresh": refresh}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = split(
        s.client
            .post("/api/v1/auth/refresh/")
            .body_json(&json!({"refresh": refresh2}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 401);
    // Sign-out.
    let (_, fresh) = split(
        s.client
            .post("/api/v1/auth/login/")
            .body_json(&json!({"email": "owner@example.com", "password": "password123"}))
            .send()
            .await,
    )
    .await;
    let access = fresh["data"]["access"].as_str().unwrap();
    let r = fresh["data"]["refresh"].as_str().unwrap();
    let (status, _) = s
        .send(
            "POST",
            access,
            "/api/v1/auth/logout/",
            json!({"refresh": r}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = split(
        s.client
            .post("/api/v1/auth/refresh/")
            .body_json(&json!({"refresh": r}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 401);
    // A forged token is refused.
    let (status, _) = s
        .get("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2ln", "/api/v1/auth/me/")
        .await;
    assert_eq!(status, 401);
    // Bad sign-ups name their fields.
    let (status, body) = split(
        s.client
            .post("/api/v1/auth/register/")
            .body_json(&json!({"email": "nope", "password": "x", "account_name": ""}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["errors"]["email"].is_array() && body["errors"]["password"].is_array(),
        "{body}"
    );
    s.close().await;
}

async fn a_closed_sign_up_makes_no_account(backend: Backend) {
    let Some(s) = server(backend, |settings| settings.allow_registration = false).await else {
        return;
    };
    let (status, body) = split(
        s.client
            .post("/api/v1/auth/register/")
            .body_json(&json!({
                "email": "new@example.com",
                "password": "password123",
                "account_name": "New"
            }))
            .send()
            .await,
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (403, Some("forbidden: sign-up is closed on this server"))
    );
    // Nothing was made: the address can't sign in.
    let (status, _) = split(
        s.client
            .post("/api/v1/auth/login/")
            .body_json(&json!({"email": "new@example.com", "password": "password123"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 401);
    s.close().await;
}
