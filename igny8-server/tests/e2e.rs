//! The built binary, end to end over real HTTP on 127.0.0.1:0: SQLite always, PostgreSQL when
//! `IGNY8_TEST_POSTGRES_URL` is set.

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

fn start(db_url: &str) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_igny8-server"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("IGNY8_DATABASE_URL", db_url)
        .env(
            "IGNY8_JWT_SECRET",
            "an end-to-end test secret of enough length",
        )
        .env(
            "IGNY8_SECRET_KEY",
            igny8_core::crypto::SecretBox::generate_key(),
        )
        .env("IGNY8_LOG_LEVEL", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
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

#[test]
fn binary_serves_on_sqlite() {
    run(Backend::Sqlite);
}

#[test]
fn binary_serves_on_postgres() {
    run(Backend::Postgres);
}
