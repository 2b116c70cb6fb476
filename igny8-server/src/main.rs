//! `igny8-server`: the hosted IGNY8 API.
//!
//! ```text
//! igny8-server [serve] [--bind ADDR:PORT] [--config FILE]   serve the API (the default)
//! igny8-server migrate [--config FILE]                      apply database migrations
//! igny8-server worker [--config FILE]                       run a job worker process
//! igny8-server create-superuser [--email E] [--password P]  create a platform operator
//! igny8-server print-config                                 print an example config file
//! igny8-server openapi                                      print the OpenAPI document
//! ```
//!
//! Settings come from defaults, then the TOML file (`--config`, `IGNY8_CONFIG`, or
//! `./igny8.toml`), then `IGNY8_*` environment variables.

use std::path::PathBuf;
use std::process::ExitCode;

use igny8_server::{AppState, Settings, app, worker};
use poem::listener::Acceptor as _;
use tokio_util::sync::CancellationToken;

const USAGE: &str = "usage: igny8-server [serve|migrate|worker|create-superuser|print-config|openapi] \
[--bind ADDR:PORT] [--config FILE] [--email EMAIL] [--password PASSWORD]";

struct Args {
    command: String,
    bind: Option<String>,
    config: Option<PathBuf>,
    email: Option<String>,
    password: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        command: "serve".into(),
        bind: None,
        config: None,
        email: None,
        password: None,
    };
    let mut it = std::env::args().skip(1);
    let mut first = true;
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--bind" => args.bind = Some(value("--bind")?),
            "--config" => args.config = Some(PathBuf::from(value("--config")?)),
            "--email" => args.email = Some(value("--email")?),
            "--password" => args.password = Some(value("--password")?),
            "-h" | "--help" | "help" => return Err(USAGE.into()),
            cmd if first && !cmd.starts_with('-') => args.command = cmd.to_owned(),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
        first = false;
    }
    Ok(args)
}

fn init_logging(level: &str) {
    let level = level.parse().unwrap_or(tracing::Level::INFO);
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_target(false)
        .init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn serve(settings: Settings) -> Result<(), String> {
    let state = AppState::open(settings).await?;
    let bind = state.settings.bind.clone();
    let stop = CancellationToken::new();
    let worker = state
        .settings
        .worker
        .then(|| worker::spawn(state.core.clone(), &state.settings, stop.clone()));
    let listener = poem::listener::TcpListener::bind(bind.clone());
    let acceptor = poem::listener::Listener::into_acceptor(listener)
        .await
        .map_err(|e| format!("can't listen on {bind}: {e}"))?;
    let local = acceptor
        .local_addr()
        .into_iter()
        .next()
        .map(|a| a.to_string())
        .unwrap_or(bind);
    // Tests and scripts read this line to learn the port (with --bind 127.0.0.1:0).
    println!(
        "listening on http://{}",
        local.trim_start_matches("socket://")
    );
    tracing::info!(address = %local, database = state.core.store().backend().as_str(), "serving the IGNY8 API");
    let core = state.core.clone();
    poem::Server::new_with_acceptor(acceptor)
        .run_with_graceful_shutdown(
            app(state),
            shutdown_signal(),
            Some(std::time::Duration::from_secs(30)),
        )
        .await
        .map_err(|e| e.to_string())?;
    stop.cancel();
    if let Some(w) = worker {
        finish_worker(w).await;
    }
    core.store().close().await;
    Ok(())
}

/// How long a stopping process waits for its worker to finish the step it is on.
const WORKER_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// Waits for a stopped worker, at most [`WORKER_GRACE`]: a job still running then (a model
/// call that doesn't answer) is left to its lease, and another worker takes it up when the
/// lease ends — jobs are durable, so the process need not hang on one.
async fn finish_worker(handle: tokio::task::JoinHandle<()>) {
    if tokio::time::timeout(WORKER_GRACE, handle).await.is_err() {
        tracing::warn!(
            grace_secs = WORKER_GRACE.as_secs(),
            "the worker did not stop in time; its job is taken up again when its lease ends"
        );
    }
}

async fn run(args: Args) -> Result<(), String> {
    match args.command.as_str() {
        "print-config" => {
            print!("{}", Settings::example());
            return Ok(());
        }
        "openapi" => {
            println!("{}", igny8_server::openapi_json());
            return Ok(());
        }
        _ => {}
    }
    let config = args
        .config
        .or_else(|| std::env::var_os("IGNY8_CONFIG").map(PathBuf::from));
    let mut settings = Settings::load(config.as_deref(), std::env::vars())?;
    if let Some(bind) = args.bind {
        settings.bind = bind;
    }
    init_logging(&settings.log_level);
    match args.command.as_str() {
        "serve" => serve(settings).await,
        "migrate" => {
            let state = AppState::open(settings).await?;
            println!(
                "database at schema version {}",
                igny8_core::store::SCHEMA_VERSION
            );
            state.core.store().close().await;
            Ok(())
        }
        "worker" => {
            let state = AppState::open(settings).await?;
            let stop = CancellationToken::new();
            let handle = worker::spawn(state.core.clone(), &state.settings, stop.clone());
            shutdown_signal().await;
            stop.cancel();
            finish_worker(handle).await;
            state.core.store().close().await;
            Ok(())
        }
        "create-superuser" => {
            let email = args
                .email
                .or_else(|| std::env::var("IGNY8_SUPERUSER_EMAIL").ok())
                .ok_or("give --email or IGNY8_SUPERUSER_EMAIL")?;
            let password = args
                .password
                .or_else(|| std::env::var("IGNY8_SUPERUSER_PASSWORD").ok())
                .ok_or("give --password or IGNY8_SUPERUSER_PASSWORD")?;
            let state = AppState::open(settings).await?;
            let user = state
                .core
                .tenancy()
                .create_superuser(
                    &igny8_core::tenancy::Operator::embedder(),
                    &email,
                    &password,
                    None,
                )
                .await
                .map_err(|e| e.to_string())?;
            println!("created operator {} (user {})", user.email, user.id);
            state.core.store().close().await;
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n{USAGE}")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("igny8-server: {e}");
            ExitCode::FAILURE
        }
    }
}
