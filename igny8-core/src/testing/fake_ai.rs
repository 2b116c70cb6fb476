//! A fake AI provider for tests: a real HTTP server on 127.0.0.1 that speaks the OpenAI
//! (chat completions, image generations) and Runware wire formats, answering each request with
//! the next reply scripted for its path, and recording what it was sent.
//!
//! ```no_run
//! # async fn demo() {
//! use igny8_core::testing::fake_ai::{FakeAi, FakeReply};
//! let fake = FakeAi::start().await;
//! fake.push("/v1/chat/completions", FakeReply::status(429).header("Retry-After", "1"));
//! fake.push("/v1/chat/completions", FakeReply::chat(r#"{"ok": true}"#));
//! // … point a client at fake.base_url() …
//! assert_eq!(fake.requests().len(), 2);
//! # }
//! ```
//!
//! A path with nothing scripted answers 500 with a message saying so, so a test that makes
//! more calls than it expects fails loudly — unless the fake runs in auto mode
//! ([`FakeAi::start_auto`], [`FakeAiOptions::auto`]), where the
//! [auto-responder](super::auto_ai) answers any request of IGNY8's AI functions by itself
//! (scripted replies still come first).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use poem::listener::{Acceptor as _, Listener as _, TcpListener};
use serde_json::{Value, json};

use super::auto_ai::{self, AutoFunction};

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct FakeReply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
    gate: Option<Gate>,
}

/// A latch that replies made with [`FakeReply::held_by`] wait on: a test holds a model call in
/// flight for as long as it needs (to move a clock, to start a second worker), then opens it.
#[derive(Debug, Clone)]
pub struct Gate(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Gate {
    fn default() -> Self {
        Self(Arc::new(tokio::sync::watch::Sender::new(false)))
    }
}

impl Gate {
    /// Lets every held reply (and any held later) go.
    pub fn open(&self) {
        self.0.send_replace(true);
    }

    async fn passed(&self) {
        let mut open = self.0.subscribe();
        // The sender lives in `self`, so waiting ends only when the gate opens.
        let _ = open.wait_for(|open| *open).await;
    }
}

/// Stands for the `taskUUID` of the request's first task in a Runware reply.
const TASK_UUID: &str = "{{taskUUID}}";

impl FakeReply {
    /// An answer of `status` with a JSON body.
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
            delay: Duration::ZERO,
            gate: None,
        }
    }

    /// An error status with an OpenAI-style error body.
    pub fn status(status: u16) -> Self {
        Self::json(
            status,
            json!({"error": {"message": format!("fake provider error {status}"), "type": "fake", "code": format!("fake_{status}")}}),
        )
    }

    /// A chat completion whose message is `content` (10 prompt and 20 completion tokens).
    pub fn chat(content: &str) -> Self {
        Self::chat_with(content, "stop", 10, 20)
    }

    /// A chat completion whose message is `data` as JSON text.
    pub fn chat_data(data: &Value) -> Self {
        Self::chat(&data.to_string())
    }

    /// A chat completion with its finish reason and token counts.
    pub fn chat_with(content: &str, finish_reason: &str, input: u64, output: u64) -> Self {
        Self::json(
            200,
            json!({
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": 1_764_000_000,
                "model": "fake-model",
                "choices": [{
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish_reason,
                }],
                "usage": {"prompt_tokens": input, "completion_tokens": output, "total_tokens": input + output},
            }),
        )
    }

    /// An OpenAI image answer carrying `image` as base64.
    pub fn openai_image(image: &[u8]) -> Self {
        let b64 = base64::engine::general_purpose::STANDARD.encode(image);
        Self::json(
            200,
            json!({"created": 1_764_000_000, "data": [{"b64_json": b64, "revised_prompt": "a revised prompt"}]}),
        )
    }

    /// A Runware answer with an image at `url` for the request's task.
    pub fn runware_image(url: &str, cost: f64) -> Self {
        Self::json(
            200,
            json!({"data": [{
                "taskType": "imageInference",
                "taskUUID": TASK_UUID,
                "imageUUID": "5d7e5b73-2a9c-4a8e-9a57-0d6f5c3e2b11",
                "imageURL": url,
                "cost": cost,
            }]}),
        )
    }

    /// An answer of `status` with a body of `content_type` (e.g. an image).
    pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
            delay: Duration::ZERO,
            gate: None,
        }
    }

    /// Its status.
    pub fn status_code(&self) -> u16 {
        self.status
    }

    /// Its body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Answers only after `delay` (to trip the client's timeouts).
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Answers only once `gate` is open (a model call that takes as long as the test wants).
    pub fn held_by(mut self, gate: &Gate) -> Self {
        self.gate = Some(gate.clone());
        self
    }
}

/// A request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The path, e.g. `/v1/chat/completions`.
    pub path: String,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body as JSON (`Null` when it wasn't JSON).
    pub body: Value,
}

impl Recorded {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the fake did with one request, as an [`Observer`] sees it.
#[derive(Debug, Clone, Copy)]
pub struct Served<'a> {
    /// The request.
    pub request: &'a Recorded,
    /// The AI function the auto-responder took it for (also for scripted answers).
    pub function: Option<AutoFunction>,
    /// Whether a scripted reply answered it.
    pub scripted: bool,
    /// The status answered.
    pub status: u16,
}

/// Called for every request just before its answer is sent, e.g. to log it.
pub type Observer = Arc<dyn Fn(&Served<'_>) + Send + Sync>;

/// How to start a [`FakeAi`].
#[derive(Clone)]
pub struct FakeAiOptions {
    /// The address to listen on (default `127.0.0.1:0`, a free port).
    pub bind: SocketAddr,
    /// Answer what nothing is scripted for with the auto-responder instead of a 500.
    pub auto: bool,
    /// How long the auto-responder waits before each chat answer (to watch progress).
    pub chat_delay: Duration,
    /// Keep every request for [`FakeAi::requests`] (default true; a long-running fake may
    /// turn it off).
    pub record: bool,
    /// Told about every request.
    pub observer: Option<Observer>,
}

impl Default for FakeAiOptions {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            auto: false,
            chat_delay: Duration::ZERO,
            record: true,
            observer: None,
        }
    }
}

impl std::fmt::Debug for FakeAiOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeAiOptions")
            .field("bind", &self.bind)
            .field("auto", &self.auto)
            .field("chat_delay", &self.chat_delay)
            .field("record", &self.record)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

#[derive(Default)]
struct State {
    scripts: HashMap<String, VecDeque<FakeReply>>,
    requests: Vec<Recorded>,
}

/// The fake provider; it stops when dropped.
pub struct FakeAi {
    port: u16,
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    server: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeAi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeAi").field("addr", &self.addr).finish()
    }
}

impl Drop for FakeAi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeAi {
    /// Starts on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        Self::start_with(FakeAiOptions::default())
            .await
            .expect("bind")
    }

    /// Starts on a free port of 127.0.0.1 in auto mode: what nothing is scripted for is
    /// answered by the [auto-responder](super::auto_ai).
    pub async fn start_auto() -> Self {
        let options = FakeAiOptions {
            auto: true,
            ..FakeAiOptions::default()
        };
        Self::start_with(options).await.expect("bind")
    }

    /// Starts with `options`; fails when the address cannot be bound.
    pub async fn start_with(options: FakeAiOptions) -> std::io::Result<Self> {
        let acceptor = TcpListener::bind(options.bind).into_acceptor().await?;
        let addr = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .ok_or_else(|| std::io::Error::other("the listener has no socket address"))?;
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let options = Arc::new(options);
        let endpoint =
            poem::endpoint::make(move |request| answer(request, shared.clone(), options.clone()));
        let server = tokio::spawn(async move {
            let _ = poem::Server::new_with_acceptor(acceptor)
                .run(endpoint)
                .await;
        });
        Ok(Self {
            port: addr.port(),
            addr,
            state,
            server,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:{port}`: where it is reached (its own address when bound to one
    /// other than 0.0.0.0 or ::).
    pub fn origin(&self) -> String {
        if self.addr.ip().is_unspecified() {
            format!("http://127.0.0.1:{}", self.port)
        } else {
            format!("http://{}", self.addr)
        }
    }

    /// `http://127.0.0.1:{port}/v1`: the base URL of the OpenAI-style API.
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.origin())
    }

    /// `http://127.0.0.1:{port}/runware`: the Runware endpoint.
    pub fn runware_url(&self) -> String {
        format!("{}/runware", self.origin())
    }

    /// Queues `reply` as the next answer on `path`.
    pub fn push(&self, path: &str, reply: FakeReply) {
        self.lock()
            .scripts
            .entry(path.to_owned())
            .or_default()
            .push_back(reply);
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().requests.clone()
    }

    /// Replies scripted and not yet used, over all paths.
    pub fn pending(&self) -> usize {
        self.lock().scripts.values().map(VecDeque::len).sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Answers one request: the next reply scripted for its path, else the auto-responder's (in
/// auto mode), else a 500 that says nothing was scripted.
async fn answer(
    mut request: poem::Request,
    state: Arc<Mutex<State>>,
    options: Arc<FakeAiOptions>,
) -> poem::Response {
    let path = request.uri().path().to_owned();
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    let body = request.take_body().into_vec().await.unwrap_or_default();
    let json_body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let recorded = Recorded {
        path: path.clone(),
        headers,
        body: json_body.clone(),
    };
    let scripted = {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        if options.record {
            state.requests.push(recorded.clone());
        }
        state.scripts.get_mut(&path).and_then(VecDeque::pop_front)
    };
    let was_scripted = scripted.is_some();
    let (function, reply) = match scripted {
        Some(reply) => (auto_ai::recognise(&path, &json_body), reply),
        None if options.auto => {
            let (function, mut reply) = auto_ai::respond(&recorded);
            if function.is_some_and(AutoFunction::is_chat) {
                reply.delay = options.chat_delay;
            }
            (function, reply)
        }
        None => (
            None,
            FakeReply::json(
                500,
                json!({"error": {"message": format!("the fake provider has no reply scripted for {path}")}}),
            ),
        ),
    };
    tokio::time::sleep(reply.delay).await;
    if let Some(gate) = &reply.gate {
        gate.passed().await;
    }
    if let Some(observer) = &options.observer {
        observer(&Served {
            request: &recorded,
            function,
            scripted: was_scripted,
            status: reply.status,
        });
    }
    let mut body = reply.body;
    if let Some(uuid) = json_body
        .get(0)
        .and_then(|t| t.get("taskUUID"))
        .and_then(Value::as_str)
    {
        let text = String::from_utf8_lossy(&body).replace(TASK_UUID, uuid);
        body = text.into_bytes();
    }
    let status = poem::http::StatusCode::from_u16(reply.status)
        .unwrap_or(poem::http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = poem::Response::builder().status(status);
    for (name, value) in &reply.headers {
        response = response.header(name.as_str(), value.as_str());
    }
    response.body(body)
}
