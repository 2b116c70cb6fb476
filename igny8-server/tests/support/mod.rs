//! A server over a fresh test database, and a client that speaks its envelope.

#![allow(dead_code, unreachable_pub)]

use igny8_core::Backend;
use igny8_core::testing::TestDatabase;
use igny8_server::{AppState, Settings, app};
use poem::EndpointExt;
use poem::endpoint::BoxEndpoint;
use poem::test::{TestClient, TestResponse};
use serde_json::Value;

pub struct Server {
    pub client: TestClient<BoxEndpoint<'static, poem::Response>>,
    pub state: AppState,
    db: Option<TestDatabase>,
}

pub async fn server(backend: Backend, configure: impl FnOnce(&mut Settings)) -> Option<Server> {
    let db = TestDatabase::create(backend)
        .await
        .expect("test database")?;
    let mut settings = Settings {
        database_url: db.url.clone(),
        secret_key: Some(igny8_core::crypto::SecretBox::generate_key()),
        jwt_secret: Some("a test secret that is long enough for hs256".into()),
        worker: false,
        ..Settings::default()
    };
    settings.rate_limits.auth = 10_000;
    settings.rate_limits.read = 100_000;
    settings.rate_limits.write = 100_000;
    configure(&mut settings);
    let state = AppState::open(settings).await.expect("state");
    let endpoint = app(state.clone()).map_to_response().boxed();
    Some(Server {
        client: TestClient::new(endpoint),
        state,
        db: Some(db),
    })
}

impl Server {
    pub async fn close(mut self) {
        self.state.core.store().close().await;
        if let Some(db) = self.db.take() {
            db.drop_database().await.expect("drop");
        }
    }

    /// Signs up an account; its owner's access token.
    pub async fn register(&self, email: &str, account: &str) -> String {
        let resp = self
            .client
            .post("/api/v1/auth/register/")
            .body_json(&serde_json::json!({"email": email, "password": "password123", "account_name": account}))
            .send()
            .await;
        resp.assert_status(poem::http::StatusCode::CREATED);
        let body = json(resp).await;
        body["data"]["access"]
            .as_str()
            .expect("access token")
            .to_owned()
    }

    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let resp = self
            .client
            .get(path)
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await;
        split(resp).await
    }

    pub async fn send(&self, method: &str, token: &str, path: &str, body: Value) -> (u16, Value) {
        let req = match method {
            "POST" => self.client.post(path),
            "PATCH" => self.client.patch(path),
            "PUT" => self.client.put(path),
            "DELETE" => self.client.delete(path),
            _ => self.client.get(path),
        };
        let resp = req
            .header("authorization", format!("Bearer {token}"))
            .body_json(&body)
            .send()
            .await;
        split(resp).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> (u16, Value) {
        let resp = self
            .client
            .delete(path)
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await;
        split(resp).await
    }
}

pub async fn json(resp: TestResponse) -> Value {
    let text = resp.0.into_body().into_string().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

pub async fn split(resp: TestResponse) -> (u16, Value) {
    let status = resp.0.status().as_u16();
    let body = json(resp).await;
    // Every answer is the envelope.
    for key in ["success", "data", "message", "errors", "request_id"] {
        assert!(body.get(key).is_some(), "{key} missing from {body}");
    }
    assert_eq!(
        body["success"].as_bool(),
        Some(status < 400),
        "{status}: {body}"
    );
    (status, body)
}
