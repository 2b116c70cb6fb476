//! The job worker: claims due jobs, runs the kinds this build knows, reports progress, and
//! finishes them exactly once. Runs inside the server or as `igny8-server worker`.

use std::time::Duration;

use igny8_core::jobs::{Job, JobKind, Outcome, Progress};
use igny8_core::planner::clustering::{Language, LocalClusterOptions};
use igny8_core::tenancy::Scope;
use igny8_core::{Igny8, SectorId};
use serde::Deserialize;
use tokio::sync::watch;

/// How long a claim holds before another worker may take the job over.
pub const LEASE: Duration = Duration::from_secs(60);
/// The job kinds this build runs.
pub const KINDS: &[JobKind] = &[JobKind::LocalCluster];

/// A unique name for this worker: host, process and a random suffix.
pub fn worker_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    format!(
        "{}-{}-{:04x}",
        host.trim(),
        std::process::id(),
        rand::random::<u16>()
    )
}

#[derive(Debug, Deserialize)]
struct LocalClusterPayload {
    sector_id: i64,
    #[serde(default)]
    min_cluster_size: Option<usize>,
    #[serde(default)]
    language: Option<String>,
}

async fn run(core: &Igny8, worker: &str, job: &Job) -> Outcome {
    let scope = Scope::system(job.account_id);
    match job.kind {
        JobKind::LocalCluster => {
            let payload: LocalClusterPayload = match serde_json::from_value(job.payload.clone()) {
                Ok(p) => p,
                Err(e) => {
                    return Outcome::Failed {
                        error: format!("bad payload: {e}"),
                        retry_after_secs: None,
                    };
                }
            };
            let mut options = LocalClusterOptions::default();
            if let Some(size) = payload.min_cluster_size {
                options.min_cluster_size = size;
            }
            if let Some(code) = payload.language.as_deref() {
                options.language = Language::from_code(code).unwrap_or_default();
            }
            let progress = Progress {
                percent: 10,
                phase: "prepare".into(),
                message: "grouping keywords".into(),
            };
            if let Ok(true) = core.jobs().report(job.id, worker, &progress, LEASE).await {
                return Outcome::Cancelled;
            }
            match core
                .clusters()
                .cluster_locally(&scope, SectorId(payload.sector_id), &options)
                .await
            {
                Ok(report) => Outcome::Succeeded(serde_json::to_value(&report).unwrap_or_default()),
                Err(e) if e.code().is_user_error() => Outcome::Failed {
                    error: e.to_string(),
                    retry_after_secs: None,
                },
                Err(e) => Outcome::Failed {
                    error: e.to_string(),
                    retry_after_secs: Some(30),
                },
            }
        }
        other => Outcome::Failed {
            error: format!("this server can't run {other} jobs yet"),
            retry_after_secs: None,
        },
    }
}

/// Claims and runs jobs until `stop` turns true; a job being run when asked to stop finishes
/// first (or is left to be taken over after its lease).
pub async fn work(core: Igny8, mut stop: watch::Receiver<bool>) {
    let name = worker_name();
    tracing::info!(worker = %name, "job worker started");
    loop {
        if *stop.borrow() {
            break;
        }
        match core.jobs().claim(&name, KINDS, LEASE).await {
            Ok(Some(job)) => {
                tracing::info!(job = job.id.get(), kind = %job.kind, "running job");
                let outcome = run(&core, &name, &job).await;
                if let Err(e) = core.jobs().finish(job.id, &name, &outcome).await {
                    tracing::warn!(job = job.id.get(), error = %e, "could not finish job");
                }
            }
            Ok(None) => {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                    _ = stop.changed() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not claim a job");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
    tracing::info!(worker = %name, "job worker stopped");
}
