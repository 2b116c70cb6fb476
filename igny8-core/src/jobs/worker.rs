//! A job worker: claims due jobs, runs them, finishes them exactly once. The server runs one
//! in process or as `igny8-server worker`; an embedding application (or WP-Cron through the
//! PHP extension) can call [`Worker::run_once`] from its own scheduler.

use std::future::Future;
use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use crate::Igny8;
use crate::ai::functions::{RUNNABLE, run_job_renewing};
use crate::error::{Error, Result};
use crate::ids::JobId;
use crate::jobs::{Job, JobKind, Outcome};
use crate::store::Store;

/// How often a running worker settles the credit holds of jobs whose worker died on their
/// last attempt.
const SWEEP: Duration = Duration::from_secs(60);

/// Due automation rules looked at per scheduling pass.
const SCHEDULE_BATCH: u64 = 50;

/// How long a claim holds unless the worker is told otherwise.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

/// A job worker.
#[derive(Debug, Clone)]
pub struct Worker<S> {
    core: Igny8<S>,
    name: String,
    lease: Duration,
    renew_every: Option<Duration>,
    kinds: Vec<JobKind>,
    idle: Duration,
}

/// A unique name for a worker of this process: host, process id and a random suffix.
pub fn worker_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    format!(
        "{}-{}-{:04x}",
        host.trim(),
        std::process::id(),
        rand::random::<u16>()
    )
}

impl<S: Store + Clone> Worker<S> {
    /// A worker for every kind this build runs, with the default lease.
    pub fn new(core: Igny8<S>) -> Self {
        Self {
            core,
            name: worker_name(),
            lease: DEFAULT_LEASE,
            renew_every: None,
            kinds: RUNNABLE.to_vec(),
            idle: Duration::from_millis(500),
        }
    }

    /// How long a claim holds before another worker may take the job over (a running job
    /// extends it at every progress report).
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease.max(Duration::from_secs(1));
        self
    }

    /// How often the lease of a running job is renewed while the job is busy (in a model call
    /// that takes longer than the lease, say); a third of the lease unless set. Renewing more
    /// often than the lease runs out is what keeps a slow job from being run twice.
    pub fn renew_every(mut self, every: Duration) -> Self {
        self.renew_every = Some(every.max(Duration::from_millis(10)));
        self
    }

    /// Only these kinds.
    pub fn kinds(mut self, kinds: &[JobKind]) -> Self {
        self.kinds = kinds.to_vec();
        self
    }

    /// How long to wait when no job is due.
    pub fn idle(mut self, idle: Duration) -> Self {
        self.idle = idle;
        self
    }

    /// Its name, as job rows show it while it holds them.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Starts the automation runs that are due (see [`crate::automation`]), then claims one
    /// due job and runs it; the job as finished, or `None` when none was due (or the worker
    /// lost the job to another one midway).
    pub async fn run_once(&self) -> Result<Option<Job>> {
        if self.kinds.contains(&JobKind::AutomationRun) {
            self.core.automation().schedule_due(SCHEDULE_BATCH).await?;
        }
        let Some(job) = self
            .core
            .jobs()
            .claim(&self.name, &self.kinds, self.lease)
            .await?
        else {
            return Ok(None);
        };
        tracing::info!(job = job.id.get(), kind = %job.kind, attempt = job.attempts, "running job");
        let renew_every = self.renew_every.unwrap_or(self.lease / 3);
        match run_job_renewing(&self.core, &job, &self.name, self.lease, renew_every).await {
            Some(outcome) => Ok(Some(
                self.core
                    .jobs()
                    .finish(job.id, &self.name, &outcome)
                    .await?,
            )),
            None => {
                tracing::warn!(job = job.id.get(), "another worker took the job over");
                Ok(None)
            }
        }
    }

    /// Runs jobs until `stop` is cancelled; a job being run then finishes first (or, if the
    /// process dies, is taken over by another worker when its lease ends).
    pub async fn run(&self, stop: CancellationToken) {
        tracing::info!(worker = %self.name, "job worker started");
        let mut next_sweep = tokio::time::Instant::now();
        while !stop.is_cancelled() {
            if tokio::time::Instant::now() >= next_sweep {
                next_sweep += SWEEP;
                if let Err(e) = self.core.ai().settle_abandoned(100).await {
                    tracing::warn!(error = %e, "could not settle abandoned holds");
                }
                // Rate-limit windows and sign-in failure counts untouched for a day are dead.
                let stale = self.core.now() - chrono::Duration::hours(24);
                if let Err(e) = self.core.store().prune_counters(stale).await {
                    tracing::warn!(error = %e, "could not prune rate-limit counters");
                }
                // Link inventories older than a day are synced again.
                if self.kinds.contains(&JobKind::SyncLinks)
                    && let Err(e) = self.core.inventory().refresh_stale(SCHEDULE_BATCH).await
                {
                    tracing::warn!(error = %e, "could not queue link inventory syncs");
                }
            }
            match self.run_once().await {
                Ok(Some(_)) => {}
                Ok(None) => {
                    tokio::select! {
                        _ = tokio::time::sleep(self.idle) => {}
                        _ = stop.cancelled() => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "job worker: could not claim or finish a job");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                        _ = stop.cancelled() => {}
                    }
                }
            }
        }
        tracing::info!(worker = %self.name, "job worker stopped");
    }
}

/// Runs `work` (a claimed job) while renewing the job's lease every `every`. The renewals only
/// move the lease's end; progress and checkpoints stay the job's own reports. Should a renewal
/// find the job taken over by another worker, `work` is dropped where it stands (an in-flight
/// model call is abandoned, its transaction rolled back) and `None` returned, as when a report
/// finds the lease lost. A renewal that fails for another reason (the database briefly down)
/// is tried again at the next tick.
pub(crate) async fn holding_lease<S: Store>(
    core: &Igny8<S>,
    job: JobId,
    worker: &str,
    lease: Duration,
    every: Duration,
    work: impl Future<Output = Option<Outcome>>,
) -> Option<Outcome> {
    let every = every.max(Duration::from_millis(10));
    let renewing = async {
        let mut tick = tokio::time::interval_at(Instant::now() + every, every);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match core.jobs().renew(job, worker, lease).await {
                Ok(()) => {}
                Err(Error::LeaseLost(_)) => return,
                Err(e) => {
                    tracing::warn!(job = job.get(), error = %e, "could not renew a job's lease");
                }
            }
        }
    };
    tokio::pin!(work);
    tokio::select! {
        biased;
        outcome = &mut work => outcome,
        () = renewing => {
            tracing::warn!(job = job.get(), "another worker took the job over; stopping it here");
            None
        }
    }
}
