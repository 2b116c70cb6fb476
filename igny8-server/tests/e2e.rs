//! The built binary, end to end over real HTTP on 127.0.0.1:0: SQLite always, PostgreSQL when
//! `IGNY8_TEST_POSTGRES_URL` is set and MySQL/MariaDB when `IGNY8_TEST_MYSQL_URL` is set.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use igny8_core::Backend;
use igny8_core::testing::TestDatabase;
use serde_json::{Value, json};

struct Running {
    child: Child,
    addr: String,
}

/// The binary running `command` on `db_url` with `extra` environment variables.
fn spawn(command: &str, db_url: &str, extra: &[(&str, String)]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_igny8-server"));
    cmd.arg(command);
    if command == "serve" {
        cmd.args(["--bind", "127.0.0.1:0"]);
    }
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("IGNY8_DATABASE_URL", db_url)
        .env(
            "IGNY8_JWT_SECRET",
            "an end-to-end test secret of enough length",
        )
        .env("IGNY8_SECRET_KEY", SECRET_KEY)
        .env("IGNY8_LOG_LEVEL", "warn")
        .envs(extra.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts")
}

/// The deployment key of these tests' processes (they share one database).
const SECRET_KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

fn start(db_url: &str) -> Running {
    start_with(db_url, &[])
}

fn start_with(db_url: &str, extra: &[(&str, String)]) -> Running {
    let mut child = spawn("serve", db_url, extra);
    // Log lines (a slow statement on a busy database, say) may come before the address.
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    let addr = loop {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            panic!("the server stopped before saying where it listens; it printed {seen:?}");
        }
        if let Some(addr) = line.trim().strip_prefix("listening on http://") {
            break addr.to_owned();
        }
        seen.push_str(&line);
    };
    Running { child, addr }
}

/// One HTTP/1.1 request; the status and the JSON body.
fn call(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        req.push_str("Content-Type: application/json\r\n");
    }
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(&body);
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, rest) = raw.split_once("\r\n\r\n").unwrap();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let text = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    )
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

fn run(backend: Backend) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(TestDatabase::create(backend)).unwrap() else {
        return;
    };
    let mut server = start(&db.url);
    let addr = server.addr.clone();
    let (status, health) = call(&addr, "GET", "/api/v1/health/ready/", None, None);
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["data"]["database"], backend.as_str());
    let (status, reg) = call(
        &addr,
        "POST",
        "/api/v1/auth/register/",
        None,
        Some(json!({"email": "e2e@example.com", "password": "password123", "account_name": "E2E"})),
    );
    assert_eq!(status, 201, "{reg}");
    let token = reg["data"]["access"].as_str().unwrap().to_owned();
    let (status, site) = call(
        &addr,
        "POST",
        "/api/v1/auth/sites/",
        Some(&token),
        Some(json!({"name": "Blog"})),
    );
    assert_eq!(status, 201, "{site}");
    let (status, sites) = call(&addr, "GET", "/api/v1/auth/sites/", Some(&token), None);
    assert_eq!((status, sites["data"]["count"].as_u64()), (200, Some(1)));
    let (status, _) = call(&addr, "GET", "/api/v1/nope/", Some(&token), None);
    assert_eq!(status, 404);

    // SIGTERM: the server stops gracefully and exits cleanly.
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = server.child.wait().unwrap();
    assert!(status.success(), "exit status {status}");
    rt.block_on(db.drop_database()).unwrap();
}

/// Waits up to `secs` for `done`.
fn wait_for(secs: u64, mut done: impl FnMut() -> bool) -> bool {
    let until = std::time::Instant::now() + Duration::from_secs(secs);
    while std::time::Instant::now() < until {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    done()
}

/// A worker process is killed (SIGKILL) in the middle of a Generate Content job; a second
/// worker process takes the job over when the lease ends, writes only what was left, and the
/// job is charged once.
fn killed_worker(backend: Backend) {
    use igny8_core::testing::fake_ai::{FakeAi, FakeReply};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(TestDatabase::create(backend)).unwrap() else {
        return;
    };
    let fake = rt.block_on(FakeAi::start());
    let env = [
        ("IGNY8_WORKER", "false".to_owned()),
        ("IGNY8_WORKER_LEASE_SECS", "2".to_owned()),
        ("IGNY8_SIGNUP_CREDITS", "100".to_owned()),
        ("IGNY8_OPENAI_BASE_URL", fake.base_url()),
        ("IGNY8_OPENAI_API_KEY", "sk-test".to_owned()),
        ("IGNY8_AI_MAX_ATTEMPTS", "1".to_owned()),
    ];
    let mut server = start_with(&db.url, &env);
    let addr = server.addr.clone();
    let (status, reg) = call(
        &addr,
        "POST",
        "/api/v1/auth/register/",
        None,
        Some(
            json!({"email": "kill@example.com", "password": "password123", "account_name": "Kill"}),
        ),
    );
    assert_eq!(status, 201, "{reg}");
    let token = reg["data"]["access"].as_str().unwrap().to_owned();
    let post = |path: &str, body: Value| call(&addr, "POST", path, Some(&token), Some(body));
    let (_, site) = post("/api/v1/auth/sites/", json!({"name": "Blog"}));
    let (_, sector) = post(
        "/api/v1/auth/sectors/",
        json!({"site_id": site["data"]["id"], "name": "Main"}),
    );
    let mut tasks = Vec::new();
    for title in ["First", "Second", "Third"] {
        let (status, task) = post(
            "/api/v1/writer/tasks/",
            json!({"sector_id": sector["data"]["id"], "title": title, "target_word_count": 300}),
        );
        assert_eq!(status, 201, "{task}");
        tasks.push(task["data"]["id"].as_i64().unwrap());
    }
    let article = |title: &str| {
        let words = (0..300)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        FakeReply::chat_data(
            &json!({"title": title, "meta_title": title, "meta_description": "d",
            "tags": [], "categories": [], "html": format!("<p>{words}</p>")}),
        )
    };
    const CHAT: &str = "/v1/chat/completions";
    fake.push(CHAT, article("First"));
    fake.push(CHAT, article("Second").after(Duration::from_secs(120)));
    let (status, started) = post(
        "/api/v1/writer/tasks/generate_content/",
        json!({"ids": tasks}),
    );
    assert_eq!(status, 202, "{started}");
    assert_eq!(started["data"]["estimate"]["credits"], 12);
    let job = started["data"]["job"]["id"].as_i64().unwrap();

    // The first worker writes the first article, asks for the second, and is killed.
    let mut doomed = spawn("worker", &db.url, &env);
    assert!(
        wait_for(30, || fake.requests().len() == 2),
        "the worker got to the second article"
    );
    doomed.kill().unwrap();
    doomed.wait().unwrap();
    let (_, mid) = call(
        &addr,
        "GET",
        &format!("/api/v1/system/jobs/{job}/"),
        Some(&token),
        None,
    );
    assert_eq!(mid["data"]["status"], "running", "{mid}");

    // A second worker takes it over once the lease has run out.
    fake.push(CHAT, article("Second"));
    fake.push(CHAT, article("Third"));
    let mut rescuer = spawn("worker", &db.url, &env);
    let mut last = Value::Null;
    let finished = wait_for(60, || {
        last = call(
            &addr,
            "GET",
            &format!("/api/v1/system/jobs/{job}/"),
            Some(&token),
            None,
        )
        .1;
        last["data"]["status"] == "succeeded" || last["data"]["status"] == "failed"
    });
    assert!(finished, "the job finished: {last}");
    assert_eq!(last["data"]["status"], "succeeded", "{last}");
    assert_eq!(last["data"]["attempts"], 2);
    assert_eq!(last["data"]["result"]["credits_charged"], 9);
    assert_eq!(
        fake.requests().len(),
        4,
        "the first article was not written again"
    );

    let (_, contents) = call(&addr, "GET", "/api/v1/writer/content/", Some(&token), None);
    assert_eq!(
        contents["data"]["count"], 3,
        "one content per task: {contents}"
    );
    let (_, ledger) = call(
        &addr,
        "GET",
        "/api/v1/billing/transactions/",
        Some(&token),
        None,
    );
    let kinds: Vec<(String, i64)> = ledger["data"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["operation"] == "generate_content")
        .map(|t| {
            (
                t["kind"].as_str().unwrap().to_owned(),
                t["amount"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![("release".to_owned(), 3), ("hold".to_owned(), -12)],
        "held once, settled once"
    );
    let (_, balance) = call(&addr, "GET", "/api/v1/billing/balance/", Some(&token), None);
    assert_eq!(balance["data"]["credits"], 91);

    for child in [&mut rescuer, &mut server.child] {
        let pid = child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(child.wait().unwrap().success());
    }
    rt.block_on(db.drop_database()).unwrap();
}

#[test]
fn killed_worker_on_sqlite() {
    killed_worker(Backend::Sqlite);
}

#[test]
fn killed_worker_on_postgres() {
    killed_worker(Backend::Postgres);
}

#[test]
fn killed_worker_on_mysql() {
    killed_worker(Backend::MySql);
}

#[test]
fn binary_serves_on_sqlite() {
    run(Backend::Sqlite);
}

#[test]
fn binary_serves_on_postgres() {
    run(Backend::Postgres);
}

#[test]
fn binary_serves_on_mysql() {
    run(Backend::MySql);
}
