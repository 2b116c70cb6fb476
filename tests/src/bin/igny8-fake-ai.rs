//! `igny8-fake-ai`: a fake AI provider as a process of its own, for the tests of the WordPress
//! plugin, the PHP extension and the browser. It speaks the OpenAI (chat completions, image
//! generations) and Runware wire formats and answers every request of IGNY8's five AI
//! functions by itself (see `igny8_core::testing::auto_ai`), with no scripting.
//!
//! ```text
//! igny8-fake-ai [--bind 127.0.0.1:0] [--delay-ms N] [--log FILE]
//! ```
//!
//! Its first line on stdout is `listening on http://127.0.0.1:PORT`; the OpenAI base URL is
//! that plus `/v1`, Runware's plus `/runware`. It serves until killed.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use igny8_core::testing::fake_ai::{FakeAi, FakeAiOptions, Served};
use serde_json::json;

const USAGE: &str = "usage: igny8-fake-ai [--bind ADDR] [--delay-ms N] [--log FILE]

  --bind ADDR     the address to listen on (default 127.0.0.1:0, a free port)
  --delay-ms N    wait N milliseconds before each chat answer (default 0)
  --log FILE      append one JSON line per request: path, function, status

Prints `listening on http://HOST:PORT` first; OpenAI base URL http://HOST:PORT/v1,
Runware http://HOST:PORT/runware.";

#[derive(Debug)]
struct Args {
    bind: SocketAddr,
    delay: Duration,
    log: Option<String>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        delay: Duration::ZERO,
        log: None,
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (arg, None),
        };
        if name == "--help" || name == "-h" {
            return Err(String::new());
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--bind" => {
                let v = value()?;
                parsed.bind = v
                    .parse()
                    .map_err(|_| format!("--bind wants an address such as 127.0.0.1:0, not {v}"))?;
            }
            "--delay-ms" => {
                let v = value()?;
                let ms: u64 = v
                    .parse()
                    .map_err(|_| format!("--delay-ms wants milliseconds, not {v}"))?;
                parsed.delay = Duration::from_millis(ms);
            }
            "--log" => parsed.log = Some(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(parsed)
}

/// An observer appending one JSON line per request to `path`.
fn logger(path: &str) -> std::io::Result<impl Fn(&Served<'_>) + Send + Sync + 'static> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let file = Mutex::new(file);
    Ok(move |served: &Served<'_>| {
        let line = json!({
            "path": served.request.path,
            "function": served.function.map(|f| f.as_str()),
            "status": served.status,
        });
        let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = writeln!(file, "{line}").and_then(|()| file.flush()) {
            eprintln!("igny8-fake-ai: could not write the log: {e}");
        }
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("igny8-fake-ai: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut options = FakeAiOptions {
        bind: args.bind,
        auto: true,
        chat_delay: args.delay,
        // It may run for a whole test suite: nothing reads the requests back.
        record: false,
        observer: None,
    };
    if let Some(path) = &args.log {
        match logger(path) {
            Ok(log) => options.observer = Some(Arc::new(log)),
            Err(e) => {
                eprintln!("igny8-fake-ai: could not open {path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let fake = match FakeAi::start_with(options).await {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("igny8-fake-ai: could not listen on {}: {e}", args.bind);
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "listening on {}", fake.origin())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(out);
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args, String> {
        parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments_are_read() {
        let a = args(&[
            "--bind",
            "0.0.0.0:8089",
            "--delay-ms=250",
            "--log",
            "x.jsonl",
        ])
        .unwrap();
        assert_eq!(a.bind, "0.0.0.0:8089".parse().unwrap());
        assert_eq!(a.delay, Duration::from_millis(250));
        assert_eq!(a.log.as_deref(), Some("x.jsonl"));
        assert!(
            args(&["--delay-ms", "soon"])
                .unwrap_err()
                .contains("milliseconds")
        );
        assert!(args(&["--bind"]).unwrap_err().contains("needs a value"));
        assert!(
            args(&["--port", "1"])
                .unwrap_err()
                .contains("unknown argument")
        );
    }
}
