//! Job operations for tenants (queue, read, cancel) and for workers (claim, report, finish).

use std::time::Duration;

use crate::Igny8;
use crate::error::{Error, Result};
use crate::ids::{AccountId, JobId};
use crate::jobs::*;
use crate::list::{Page, PageRequest};
use crate::store::Store;
use crate::tenancy::{Operator, Permission, Scope};

/// Job operations.
#[derive(Debug)]
pub struct Jobs<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Jobs<'_, S> {
    fn store(&self) -> &S {
        &self.core.store
    }

    /// Queues a job.
    pub async fn enqueue(&self, scope: &Scope, job: NewJob) -> Result<Job> {
        scope.require(Permission::Write)?;
        if !job.payload.is_object() {
            return Err(Error::field("payload", "must be a JSON object"));
        }
        self.store().enqueue_job(scope, &job).await
    }

    /// One job (any role); [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    pub async fn get(&self, scope: &Scope, id: JobId) -> Result<Job> {
        scope.require(Permission::Read)?;
        self.store().get_job(scope, id).await
    }

    /// The account's jobs, newest first.
    pub async fn list(
        &self,
        scope: &Scope,
        filter: &JobFilter,
        page: &PageRequest,
    ) -> Result<Page<Job>> {
        scope.require(Permission::Read)?;
        self.store().list_jobs(scope, filter, page).await
    }

    /// Every account's jobs, or `account`'s, newest first (operators only: what runs, what
    /// waits and what failed across the install).
    pub async fn all(
        &self,
        _operator: &Operator,
        account: Option<AccountId>,
        filter: &JobFilter,
        page: &PageRequest,
    ) -> Result<Page<Job>> {
        self.store().list_all_jobs(account, filter, page).await
    }

    /// Cancels a queued job at once, or asks a running one to stop.
    pub async fn cancel(&self, scope: &Scope, id: JobId) -> Result<Job> {
        scope.require(Permission::Write)?;
        self.store().cancel_job(scope, id).await
    }

    /// Cancels several jobs: those that haven't finished (queued ones at once, running ones
    /// at their next step); finished ones are left as they are. Every id must be a job the
    /// scope sees ([`NotFound`](crate::Error::NotFound) for the first that isn't, and then
    /// nothing is cancelled); at most [`crate::list::MAX_PAGE_SIZE`] at once. Returns how many
    /// were cancelled.
    pub async fn cancel_many(&self, scope: &Scope, ids: &[JobId]) -> Result<u64> {
        scope.require(Permission::Write)?;
        if ids.len() as u64 > crate::list::MAX_PAGE_SIZE {
            return Err(Error::field(
                "ids",
                format!("at most {} jobs at once", crate::list::MAX_PAGE_SIZE),
            ));
        }
        let filter = JobFilter {
            ids: Some(ids.to_vec()),
            ..JobFilter::default()
        };
        let page = PageRequest {
            with_total: false,
            ..PageRequest::new(1, crate::list::MAX_PAGE_SIZE)
        };
        let found = self.store().list_jobs(scope, &filter, &page).await?.items;
        if let Some(missing) = ids.iter().find(|id| !found.iter().any(|j| j.id == **id)) {
            return Err(Error::NotFound {
                entity: "job",
                id: missing.get(),
            });
        }
        let mut cancelled = 0;
        for job in found.iter().filter(|j| !j.status.is_finished()) {
            match self.store().cancel_job(scope, job.id).await {
                Ok(_) => cancelled += 1,
                // It finished in the meantime.
                Err(Error::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(cancelled)
    }

    /// The jobs with these ids, of any account, without a tenant check: for a process that
    /// follows jobs its callers were already allowed to read (event streams watch them all
    /// in one query). Never hand its result to a caller who wasn't.
    pub async fn watched(&self, ids: &[JobId]) -> Result<Vec<Job>> {
        self.store().jobs_by_id(ids).await
    }

    /// Worker: takes the next due job of `kinds` (all kinds when empty) with a lease.
    pub async fn claim(
        &self,
        worker: &str,
        kinds: &[JobKind],
        lease: Duration,
    ) -> Result<Option<Job>> {
        self.store().claim_job(worker, kinds, lease).await
    }

    /// Worker: takes job `id` with a lease if it is due (queued, or its lease expired); `None`
    /// when it isn't (another worker holds it, it is finished, or it waits for a retry).
    pub async fn claim_id(&self, id: JobId, worker: &str, lease: Duration) -> Result<Option<Job>> {
        self.store().claim_job_id(id, worker, lease).await
    }

    /// Worker: reports progress and extends the lease. `Ok(true)` asks the worker to stop
    /// (cancel requested); [`Error::LeaseLost`] means another worker
    /// has the job now.
    pub async fn report(
        &self,
        id: JobId,
        worker: &str,
        progress: &Progress,
        lease: Duration,
    ) -> Result<bool> {
        self.store()
            .report_progress(id, worker, progress, lease)
            .await
    }

    /// Worker: extends the lease of a job it holds, leaving its progress alone (the
    /// heartbeat of [`crate::jobs::Worker`] while a job is in one long step); [`Error::LeaseLost`] means another worker
    /// has the job now.
    pub async fn renew(&self, id: JobId, worker: &str, lease: Duration) -> Result<()> {
        self.store().renew_lease(id, worker, lease).await
    }

    /// Worker: ends a run.
    pub async fn finish(&self, id: JobId, worker: &str, outcome: &Outcome) -> Result<Job> {
        self.store().finish_job(id, worker, outcome).await
    }
}
