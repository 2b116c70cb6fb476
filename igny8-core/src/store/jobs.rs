//! The store for the durable job queue.

use std::future::Future;

use crate::error::Result;
use crate::ids::*;
use crate::jobs::{Job, JobFilter, JobKind, NewJob, Outcome, Progress};
use crate::list::{Page, PageRequest};
use crate::tenancy::Scope;

/// Durable jobs.
pub trait JobStore: Send + Sync {
    /// Queues a job.
    fn enqueue_job(&self, scope: &Scope, job: &NewJob) -> impl Future<Output = Result<Job>> + Send;
    /// One job; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_job(&self, scope: &Scope, id: JobId) -> impl Future<Output = Result<Job>> + Send;
    /// The account's jobs, newest first.
    fn list_jobs(
        &self,
        scope: &Scope,
        filter: &JobFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Job>>> + Send;
    /// Every account's jobs (or one account's), newest first: the operators' view.
    fn list_all_jobs(
        &self,
        account: Option<AccountId>,
        filter: &JobFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Job>>> + Send;
    /// Cancels a queued job, or asks a running one to stop.
    fn cancel_job(&self, scope: &Scope, id: JobId) -> impl Future<Output = Result<Job>> + Send;
    /// Takes the next due job of `kinds` (any account) for `worker` with a lease: a queued job,
    /// or a running one whose lease expired. Jobs out of attempts are failed instead.
    fn claim_job(
        &self,
        worker: &str,
        kinds: &[JobKind],
        lease: std::time::Duration,
    ) -> impl Future<Output = Result<Option<Job>>> + Send;
    /// Takes job `id` for `worker` if it is due (queued, or its lease expired), like
    /// [`claim_job`](Self::claim_job).
    fn claim_job_id(
        &self,
        id: JobId,
        worker: &str,
        lease: std::time::Duration,
    ) -> impl Future<Output = Result<Option<Job>>> + Send;
    /// Records progress and extends the lease; [`Error::LeaseLost`](crate::Error::LeaseLost)
    /// when the worker no longer holds the job. Returns whether a cancel was requested.
    fn report_progress(
        &self,
        id: JobId,
        worker: &str,
        progress: &Progress,
        lease: std::time::Duration,
    ) -> impl Future<Output = Result<bool>> + Send;
    /// The jobs with these ids, of any account: for a process's event streams, which look at
    /// every job they follow in one query. Callers check access to each job first.
    fn jobs_by_id(&self, ids: &[JobId]) -> impl Future<Output = Result<Vec<Job>>> + Send;
    /// Extends the lease of a job the worker holds without touching its progress (the
    /// heartbeat of a worker busy in one long step);
    /// [`Error::LeaseLost`](crate::Error::LeaseLost) when the worker no longer holds the job.
    fn renew_lease(
        &self,
        id: JobId,
        worker: &str,
        lease: std::time::Duration,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Ends a run the worker holds.
    fn finish_job(
        &self,
        id: JobId,
        worker: &str,
        outcome: &Outcome,
    ) -> impl Future<Output = Result<Job>> + Send;
}
