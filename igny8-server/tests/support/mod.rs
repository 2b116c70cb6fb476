//! A server over a fresh test database, and a client that speaks its envelope.

#![allow(dead_code, unreachable_pub)]

pub mod operations;

use igny8_core::Backend;
use igny8_core::testing::TestDatabase;
use igny8_server::{AppState, Settings, app};
use poem::EndpointExt;
use poem::endpoint::BoxEndpoint;
use poem::test::{TestClient, TestResponse};
use serde_json::Value;

/// The app in process over a fresh database, with time from a clock the test moves (it
/// stands still otherwise: nothing a test checks depends on when it runs).
pub struct Server {
    pub client: TestClient<BoxEndpoint<'static, poem::Response>>,
    pub state: AppState,
    pub clock: std::sync::Arc<igny8_core::ManualClock>,
    db: Option<TestDatabase>,
}

/// Where every test server's clock starts: the start of a minute (rate-limit windows are whole
/// minutes, so a test never straddles one by accident).
pub fn start_of_test() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
        .unwrap()
        .to_utc()
}

/// Settings over `db` with fresh secrets and limits no test reaches unless it sets them.
fn settings_for(db: &TestDatabase, configure: impl FnOnce(&mut Settings)) -> Settings {
    let mut settings = Settings {
        database_url: db.url.clone().into(),
        secret_key: Some(igny8_core::crypto::SecretBox::generate_key().into()),
        jwt_secret: Some("a test secret that is long enough for hs256".into()),
        worker: false,
        ..Settings::default()
    };
    settings.rate_limits.auth = 10_000;
    settings.rate_limits.read = 100_000;
    settings.rate_limits.write = 100_000;
    configure(&mut settings);
    settings
}

/// Runs each named `async fn(Backend)` as a test on SQLite, PostgreSQL and MySQL/MariaDB (the
/// last two skipped unless their test URL is set, see `igny8_core::testing`).
#[macro_export]
macro_rules! on_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case(igny8_core::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case(igny8_core::Backend::Postgres).await })*
        }
        mod mysql {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case(igny8_core::Backend::MySql).await })*
        }
    };
}

pub async fn server(backend: Backend, configure: impl FnOnce(&mut Settings)) -> Option<Server> {
    let db = TestDatabase::create(backend)
        .await
        .expect("test database")?;
    let settings = settings_for(&db, configure);
    let clock = std::sync::Arc::new(igny8_core::ManualClock::new(start_of_test()));
    let state = AppState::open_with_clock(settings, Some(clock.clone()))
        .await
        .expect("state");
    let endpoint = app(state.clone()).map_to_response().boxed();
    Some(Server {
        client: TestClient::new(endpoint),
        state,
        clock,
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

/// The app on a real TCP socket (127.0.0.1, a free port) with time from a clock the test
/// moves, spoken to with a real HTTP client: what an attacker on the network sees.
pub struct Live {
    pub base: String,
    pub http: reqwest::Client,
    pub state: AppState,
    pub clock: std::sync::Arc<igny8_core::ManualClock>,
    task: tokio::task::JoinHandle<()>,
    db: Option<TestDatabase>,
}

/// What a [`Live`] server answered.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

/// Starts a [`Live`] server on `backend`, its clock at [`start_of_test`].
pub async fn live(backend: Backend, configure: impl FnOnce(&mut Settings)) -> Option<Live> {
    use poem::listener::{Acceptor, Listener, TcpListener};
    let db = TestDatabase::create(backend)
        .await
        .expect("test database")?;
    let settings = settings_for(&db, configure);
    let clock = std::sync::Arc::new(igny8_core::ManualClock::new(start_of_test()));
    let state = AppState::open_with_clock(settings, Some(clock.clone()))
        .await
        .expect("state");
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .expect("a free port");
    let addr = acceptor.local_addr()[0]
        .as_socket_addr()
        .copied()
        .expect("a TCP address");
    let endpoint = app(state.clone());
    let task = tokio::spawn(async move {
        poem::Server::new_with_acceptor(acceptor)
            .run(endpoint)
            .await
            .expect("the server runs");
    });
    Some(Live {
        base: format!("http://{addr}"),
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
        state,
        clock,
        task,
        db: Some(db),
    })
}

impl Live {
    pub async fn close(mut self) {
        self.task.abort();
        self.state.core.store().close().await;
        if let Some(db) = self.db.take() {
            db.drop_database().await.expect("drop");
        }
    }

    /// One request: `authorization` is the whole header value, sent as given.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(a) = authorization {
            req = req.header("authorization", a);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("the server answers");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("a body");
        let body: Value =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
        for key in ["success", "data", "message", "errors", "request_id"] {
            assert!(body.get(key).is_some(), "{key} missing from {body}");
        }
        Answer {
            status,
            headers,
            body,
        }
    }

    /// With `Bearer {token}`.
    pub async fn as_user(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Answer {
        self.call(method, path, Some(&format!("Bearer {token}")), body, &[])
            .await
    }

    /// With `Api-Key {key}`.
    pub async fn as_key(&self, method: &str, path: &str, key: &str, body: Option<Value>) -> Answer {
        self.call(method, path, Some(&format!("Api-Key {key}")), body, &[])
            .await
    }

    /// Signs in; the access token.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let a = self
            .call(
                "POST",
                "/api/v1/auth/login/",
                None,
                Some(serde_json::json!({"email": email, "password": password})),
                &[],
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.body["data"]["access"].as_str().unwrap().to_owned()
    }

    /// Signs up an account; its owner's access token.
    pub async fn register(&self, email: &str, account: &str) -> String {
        let a = self
            .call(
                "POST",
                "/api/v1/auth/register/",
                None,
                Some(serde_json::json!({"email": email, "password": "password123", "account_name": account})),
                &[],
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.body);
        a.body["data"]["access"].as_str().unwrap().to_owned()
    }
}
