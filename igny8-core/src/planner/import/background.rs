//! Imports too large to wait for: the file is kept in the database in parts
//! ([`UploadStore`]), an `import_keywords` job reads it back part by part into the same
//! streamed import, reporting how far it has read, and deletes it once the import is done.
//! The job's result is the [`ImportReport`]. Any worker process can run it, and cancelling it
//! (or a worker dying) rolls the import back whole: the import writes in one transaction.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::ImportReport;
use crate::Igny8;
use crate::error::{Error, Result};
use crate::ids::{SectorId, UploadId};
use crate::jobs::{Job, JobKind, NewJob, Outcome, Progress};
use crate::store::Store;
use crate::tenancy::{Permission, Scope};

/// The largest part of a kept file (under every backend's packet limit).
const PART: usize = 1024 * 1024;

/// How often a running import says how far it has read.
const REPORT_EVERY: Duration = Duration::from_secs(1);

/// What an `import_keywords` job is asked to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportJobPayload {
    /// The kept file.
    pub upload_id: i64,
    /// The sector the keywords go into.
    pub sector_id: i64,
    /// The file's size, for the progress.
    pub bytes: u64,
}

/// Keeps `source` in parts and queues its import into `sector`; the queued job. The sector
/// and the permission are checked before anything is kept.
pub(crate) async fn enqueue<S, R>(
    core: &Igny8<S>,
    scope: &Scope,
    sector: SectorId,
    mut source: R,
) -> Result<Job>
where
    S: Store,
    R: AsyncRead + Unpin + Send,
{
    scope.require(Permission::Write)?;
    let site = core.store.get_sector(scope, sector).await?.site_id;
    let upload = core.store.create_upload(scope).await?;
    let kept = async {
        let mut bytes = 0u64;
        let mut seq = 0;
        let mut part = vec![0u8; PART];
        loop {
            let mut filled = 0;
            while filled < PART {
                let n = source.read(&mut part[filled..]).await?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            if filled == 0 {
                break;
            }
            core.store
                .append_upload(scope, upload, seq, &part[..filled])
                .await?;
            bytes += filled as u64;
            seq += 1;
            if filled < PART {
                break;
            }
        }
        if bytes == 0 {
            return Err(Error::field(
                "file",
                "is empty: choose a keyword export to import",
            ));
        }
        let payload = ImportJobPayload {
            upload_id: upload.get(),
            sector_id: sector.get(),
            bytes,
        };
        core.jobs()
            .enqueue(
                scope,
                NewJob {
                    kind: JobKind::ImportKeywords,
                    site_id: Some(site),
                    payload: serde_json::to_value(payload)
                        .map_err(|e| Error::Internal(e.to_string()))?,
                    max_attempts: None,
                    run_after: None,
                },
            )
            .await
    }
    .await;
    if kept.is_err() {
        // Nothing is left behind by a refused or broken upload.
        let _ = core.store.delete_upload(scope.account(), upload).await;
    }
    kept
}

/// Runs an `import_keywords` job: the kept file, read part by part, into the import.
pub(crate) async fn run<S: Store>(
    core: &Igny8<S>,
    job: &Job,
    worker: &str,
    lease: Duration,
) -> Outcome {
    let payload: ImportJobPayload = match serde_json::from_value(job.payload.clone()) {
        Ok(p) => p,
        Err(e) => {
            return Outcome::Failed {
                error: format!("the import job's request is not valid: {e}"),
                retry_after_secs: None,
            };
        }
    };
    let scope = Scope::system(job.account_id);
    let upload = UploadId(payload.upload_id);
    let read = Arc::new(AtomicU64::new(0));
    let source = parts(core.store.clone(), job.account_id, upload, read.clone());
    let keywords = core.keywords();
    let import = keywords.import(&scope, SectorId(payload.sector_id), source);
    tokio::pin!(import);
    let mut tick = tokio::time::interval(REPORT_EVERY);
    let jobs = core.jobs();
    // The import keeps being polled while its progress is written: on SQLite the import holds
    // the one write lock until it commits, so a report waits for it (up to the busy timeout)
    // and must not stop it from getting there.
    let outcome = 'import: loop {
        tokio::select! {
            result = &mut import => break 'import result,
            _ = tick.tick() => {
                let done = read.load(Ordering::Relaxed);
                let percent = (done * 95 / payload.bytes.max(1)).min(95) as i64;
                let message = format!(
                    "read {} of {} KB",
                    done / 1024,
                    payload.bytes.div_ceil(1024)
                );
                let progress = Progress::new(percent, "import", message);
                let report = jobs.report(job.id, worker, &progress, lease);
                tokio::pin!(report);
                let cancelled = tokio::select! {
                    result = &mut import => break 'import result,
                    reported = &mut report => matches!(reported, Ok(true)),
                };
                if cancelled {
                    // Dropping the import rolls its transaction back: nothing was written.
                    let _ = core.store.delete_upload(job.account_id, upload).await;
                    return Outcome::Cancelled;
                }
            }
        }
    };
    let last_attempt = job.attempts >= job.max_attempts;
    match outcome {
        Ok(report) => {
            let _ = core.store.delete_upload(job.account_id, upload).await;
            Outcome::Succeeded(report_value(&report))
        }
        Err(e) if e.code().is_user_error() || last_attempt => {
            let _ = core.store.delete_upload(job.account_id, upload).await;
            Outcome::Failed {
                error: e.to_string(),
                retry_after_secs: None,
            }
        }
        Err(e) => Outcome::Failed {
            error: e.to_string(),
            retry_after_secs: Some(30),
        },
    }
}

fn report_value(report: &ImportReport) -> serde_json::Value {
    let mut v = serde_json::to_value(report).unwrap_or_default();
    if let Some(map) = v.as_object_mut() {
        map.insert("format_label".into(), report.format_label().into());
    }
    v
}

/// The kept file as one stream, read a part at a time; `read` counts the bytes handed out.
fn parts<S: Store>(
    store: S,
    account: crate::ids::AccountId,
    upload: UploadId,
    read: Arc<AtomicU64>,
) -> impl AsyncRead + Unpin + Send + 'static {
    let stream = futures_util::stream::try_unfold(0i64, move |seq| {
        let store = store.clone();
        let read = read.clone();
        async move {
            match store.upload_part(account, upload, seq).await {
                Ok(Some(data)) => {
                    read.fetch_add(data.len() as u64, Ordering::Relaxed);
                    Ok(Some((std::io::Cursor::new(data), seq + 1)))
                }
                Ok(None) => Ok(None),
                Err(e) => Err(std::io::Error::other(e.to_string())),
            }
        }
    });
    tokio_util::io::StreamReader::new(Box::pin(stream))
}
