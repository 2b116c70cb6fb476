//! The job worker of the server: the core's [`Worker`] running every job kind this build knows,
//! inside the server process or as `igny8-server worker`.

use std::time::Duration;

use igny8_core::Igny8;
use igny8_core::jobs::Worker;
use tokio_util::sync::CancellationToken;

use crate::config::Settings;

/// Starts a worker that runs until `stop` is cancelled (finishing the job in hand first).
pub fn spawn(
    core: Igny8,
    settings: &Settings,
    stop: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let worker = Worker::new(core).lease(Duration::from_secs(settings.worker_lease_secs));
    tokio::spawn(async move { worker.run(stop).await })
}
