//! Durable jobs on SQL: claims with `FOR UPDATE SKIP LOCKED` (PostgreSQL, MySQL 8/MariaDB
//! 10.6) or SQLite's write lock, leases, and writes conditional on holding the lease.

use sea_query::{Cond, Expr, ExprTrait, LockBehavior, LockType, Order, Query};

use super::db::{DbRow, Tx};
use super::list::{SortSpec, narrow};
use super::{Entity, SqlStore, T, to_json};
use crate::error::{Error, Result};
use crate::ids::*;
use crate::jobs::*;
use crate::list::{CursorValue, Page, PageRequest};
use crate::store::JobStore;
use crate::tenancy::Scope;

row!(Job: JobId in Jobs, site_scoped {
    id, account_id, site_id, kind, status, progress, phase, message, payload: json,
    result: (opt_json_result, "result"), error, attempts, max_attempts, lease_owner,
    lease_expires_at, run_after, cancel_requested, created_at, started_at, finished_at,
    updated_at,
});

fn opt_json_result(r: &DbRow<'_>) -> Result<Option<serde_json::Value>> {
    r.opt_json("result")
}

struct Candidate {
    id: i64,
    status: String,
    attempts: i64,
    max_attempts: i64,
}

row!(Candidate {
    id,
    status,
    attempts,
    max_attempts
});

fn lease_lost(id: JobId) -> Error {
    Error::LeaseLost(id)
}

/// Due jobs a claim tries to lock, in order, before it gives up (all taken by other workers).
const CLAIM_CANDIDATES: u64 = 16;

fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2)
}

impl SqlStore {
    fn job_by_id(&self, id: i64) -> sea_query::SelectStatement {
        let t = self.t(T::Jobs);
        Query::select()
            .columns(Job::COLUMNS.iter().map(|c| (t.clone(), *c)))
            .from(t)
            .and_where(Expr::col("id").eq(id))
            .to_owned()
    }

    /// Claimable now: queued and due, or running with an expired lease.
    fn claimable(&self, now: i64, kinds: &[JobKind]) -> Cond {
        let mut c = Cond::all().add(
            Cond::any()
                .add(
                    Cond::all()
                        .add(Expr::col("status").eq(JobStatus::Queued.as_str()))
                        .add(Expr::col("run_after").lte(now)),
                )
                .add(
                    Cond::all()
                        .add(Expr::col("status").eq(JobStatus::Running.as_str()))
                        .add(Expr::col("lease_expires_at").lt(now)),
                ),
        );
        if !kinds.is_empty() {
            c = c.add(Expr::col("kind").is_in(kinds.iter().map(|k| k.as_str())));
        }
        c
    }

    async fn claim_in(
        &self,
        tx: &mut Tx,
        worker: &str,
        kinds: &[JobKind],
        only: Option<JobId>,
        lease: i64,
    ) -> Result<Option<Job>> {
        let now = self.now_ms();
        loop {
            // The due jobs first, without locks; then each is locked by its primary key,
            // skipping one another worker has locked. A single ordered `FOR UPDATE SKIP LOCKED …
            // LIMIT 1` would do on PostgreSQL, but InnoDB locks every row it sorts, so a second
            // worker claiming at the same moment would find every due job locked and none to run.
            let mut due = Query::select();
            due.column("id")
                .from(self.t(T::Jobs))
                .cond_where(self.claimable(now, kinds));
            if let Some(id) = only {
                due.and_where(Expr::col("id").eq(id.get()));
            }
            due.order_by("run_after", Order::Asc)
                .order_by("id", Order::Asc)
                .limit(CLAIM_CANDIDATES);
            let mut found = None;
            for id in tx.all::<i64>(&due).await? {
                let lock = Query::select()
                    .columns(["id", "status", "attempts", "max_attempts"])
                    .from(self.t(T::Jobs))
                    .and_where(Expr::col("id").eq(id))
                    .cond_where(self.claimable(now, kinds))
                    .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
                    .to_owned();
                if let Some(c) = tx.optional::<Candidate>(&lock).await? {
                    found = Some(c);
                    break;
                }
            }
            let Some(c) = found else {
                return Ok(None);
            };
            if c.status == JobStatus::Running.as_str() && c.attempts >= c.max_attempts {
                // Its worker died on the last attempt: the job fails for good.
                let fail = Query::update()
                    .table(self.t(T::Jobs))
                    .value("status", JobStatus::Failed.as_str())
                    .value(
                        "error",
                        format!(
                            "the worker running it stopped responding; gave up after {} attempts",
                            c.attempts
                        ),
                    )
                    .value("lease_owner", Option::<String>::None)
                    .value("lease_expires_at", Option::<i64>::None)
                    .value("finished_at", now)
                    .value("updated_at", now)
                    .and_where(Expr::col("id").eq(c.id))
                    .to_owned();
                tx.execute(&fail).await?;
                continue;
            }
            let take = Query::update()
                .table(self.t(T::Jobs))
                .value("status", JobStatus::Running.as_str())
                .value("lease_owner", worker)
                .value("lease_expires_at", now + lease)
                .value("attempts", Expr::col("attempts").add(1))
                .value(
                    "started_at",
                    Expr::cust(format!("COALESCE(started_at, {now})")),
                )
                .value("phase", "starting")
                .value("updated_at", now)
                .and_where(Expr::col("id").eq(c.id))
                .cond_where(self.claimable(now, &[]))
                .to_owned();
            if tx.execute(&take).await? == 0 {
                continue;
            }
            return tx.optional(&self.job_by_id(c.id)).await;
        }
    }
}

impl SqlStore {
    /// The columns of a new job's row.
    pub(crate) fn job_row(
        scope: &Scope,
        job: &NewJob,
        now: i64,
    ) -> Vec<(&'static str, sea_query::SimpleExpr)> {
        vec![
            ("account_id", scope.account().get().into()),
            // A job queued by a user restricted to one site is that site's (never account-wide).
            (
                "site_id",
                job.site_id.or(scope.site()).map(|s| s.get()).into(),
            ),
            ("kind", job.kind.as_str().into()),
            ("status", JobStatus::Queued.as_str().into()),
            ("progress", 0i64.into()),
            ("phase", "queued".into()),
            ("message", "".into()),
            ("payload", to_json(&job.payload).into()),
            ("attempts", 0i64.into()),
            (
                "max_attempts",
                job.max_attempts.unwrap_or(3).clamp(1, 100).into(),
            ),
            (
                "run_after",
                job.run_after.map_or(now, |t| t.timestamp_millis()).into(),
            ),
            ("cancel_requested", false.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ]
    }
}

impl SqlStore {
    /// Claims the next due job of `kinds` (or job `only`), retrying serialisation failures.
    async fn claim(
        &self,
        worker: &str,
        kinds: &[JobKind],
        only: Option<JobId>,
        lease: std::time::Duration,
    ) -> Result<Option<Job>> {
        let mut attempt = 0;
        loop {
            let mut tx = self.db.begin().await?;
            match self
                .claim_in(&mut tx, worker, kinds, only, millis(lease))
                .await
            {
                Ok(job) => {
                    tx.commit().await?;
                    return Ok(job);
                }
                Err(e) if e.is_retryable() && attempt < 5 => {
                    attempt += 1;
                    drop(tx);
                    tokio::time::sleep(std::time::Duration::from_millis(10 << attempt)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl SqlStore {
    /// A page of the jobs `q` selects, narrowed by `f`, newest first.
    async fn jobs_page(
        &self,
        mut q: sea_query::SelectStatement,
        f: &JobFilter,
        page: &PageRequest,
    ) -> Result<Page<Job>> {
        let t = self.t(T::Jobs);
        narrow(&mut q, &t)
            .eq("kind", f.kind)
            .eq("status", f.status)
            .eq("site_id", f.site_id)
            .any("id", &f.ids);
        let spec = SortSpec::new(
            "id",
            true,
            |j: &Job| CursorValue::Int(j.id.get()),
            |j| j.id.get(),
        );
        self.list_page(q, t, &spec, page).await
    }
}

impl JobStore for SqlStore {
    async fn enqueue_job(&self, scope: &Scope, job: &NewJob) -> Result<Job> {
        if let Some(site) = job.site_id {
            scope.check_site(site)?;
            self.check_ref(T::Sites, scope, site.get(), None, "site_id", "site")
                .await?;
        }
        let now = self.now_ms();
        let id = self
            .insert_row(T::Jobs, Self::job_row(scope, job, now), "this job")
            .await?;
        self.get_job(scope, JobId(id)).await
    }

    async fn get_job(&self, scope: &Scope, id: JobId) -> Result<Job> {
        self.fetch_scoped(scope, id.get()).await
    }

    async fn list_jobs(
        &self,
        scope: &Scope,
        f: &JobFilter,
        page: &PageRequest,
    ) -> Result<Page<Job>> {
        let q = self.scoped::<Job>(scope);
        self.jobs_page(q, f, page).await
    }

    async fn list_all_jobs(
        &self,
        account: Option<AccountId>,
        f: &JobFilter,
        page: &PageRequest,
    ) -> Result<Page<Job>> {
        let t = self.t(T::Jobs);
        let mut q = Query::select();
        q.columns(Job::COLUMNS.iter().map(|c| (t.clone(), *c)))
            .from(t.clone());
        narrow(&mut q, &t).eq("account_id", account);
        self.jobs_page(q, f, page).await
    }

    async fn cancel_job(&self, scope: &Scope, id: JobId) -> Result<Job> {
        let now = self.now_ms();
        let scoped = |q: &mut sea_query::UpdateStatement| {
            q.and_where(Expr::col("account_id").eq(scope.account().get()))
                .and_where(Expr::col("id").eq(id.get()));
            if let Some(site) = scope.site() {
                q.and_where(Expr::col("site_id").eq(site.get()));
            }
        };
        let mut queued = Query::update();
        queued
            .table(self.t(T::Jobs))
            .value("status", JobStatus::Cancelled.as_str())
            .value("cancel_requested", true)
            .value("finished_at", now)
            .value("updated_at", now)
            .and_where(Expr::col("status").eq(JobStatus::Queued.as_str()));
        scoped(&mut queued);
        let mut running = Query::update();
        running
            .table(self.t(T::Jobs))
            .value("cancel_requested", true)
            .value("updated_at", now)
            .and_where(Expr::col("status").eq(JobStatus::Running.as_str()));
        scoped(&mut running);
        let mut conn = self.db.conn().await?;
        if conn.execute(&queued).await? == 0 {
            conn.execute(&running).await?;
        }
        drop(conn);
        let job = self.get_job(scope, id).await?;
        match job.status {
            JobStatus::Succeeded | JobStatus::Failed => Err(Error::Conflict(format!(
                "job {id} has already {}",
                job.status
            ))),
            _ => Ok(job),
        }
    }

    async fn claim_job(
        &self,
        worker: &str,
        kinds: &[JobKind],
        lease: std::time::Duration,
    ) -> Result<Option<Job>> {
        self.claim(worker, kinds, None, lease).await
    }

    async fn claim_job_id(
        &self,
        id: JobId,
        worker: &str,
        lease: std::time::Duration,
    ) -> Result<Option<Job>> {
        self.claim(worker, &[], Some(id), lease).await
    }

    async fn report_progress(
        &self,
        id: JobId,
        worker: &str,
        p: &Progress,
        lease: std::time::Duration,
    ) -> Result<bool> {
        let now = self.now_ms();
        let mut q = Query::update()
            .table(self.t(T::Jobs))
            .value("progress", p.percent.clamp(0, 100))
            .value("phase", p.phase.chars().take(64).collect::<String>())
            .value("message", p.message.chars().take(2000).collect::<String>())
            .value("lease_expires_at", now + millis(lease))
            .value("updated_at", now)
            .and_where(Expr::col("id").eq(id.get()))
            .and_where(Expr::col("lease_owner").eq(worker))
            .and_where(Expr::col("status").eq(JobStatus::Running.as_str()))
            .to_owned();
        if let Some(checkpoint) = &p.checkpoint {
            q.value("result", to_json(checkpoint));
        }
        let mut conn = self.db.conn().await?;
        if conn.execute(&q).await? == 0 {
            return Err(lease_lost(id));
        }
        let cancel = Query::select()
            .column("cancel_requested")
            .from(self.t(T::Jobs))
            .and_where(Expr::col("id").eq(id.get()))
            .to_owned();
        conn.one::<bool>(&cancel).await
    }

    async fn jobs_by_id(&self, ids: &[JobId]) -> Result<Vec<Job>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let t = self.t(T::Jobs);
        let q = Query::select()
            .columns(Job::COLUMNS.iter().map(|c| (t.clone(), *c)))
            .from(t)
            .and_where(Expr::col("id").is_in(ids.iter().map(|i| i.get())))
            .to_owned();
        self.db.conn().await?.all(&q).await
    }

    async fn renew_lease(&self, id: JobId, worker: &str, lease: std::time::Duration) -> Result<()> {
        let mut renew = Query::update();
        renew
            .table(self.t(T::Jobs))
            .value("lease_expires_at", self.now_ms() + millis(lease))
            .and_where(Expr::col("id").eq(id.get()))
            .and_where(Expr::col("lease_owner").eq(worker))
            .and_where(Expr::col("status").eq(JobStatus::Running.as_str()));
        let mut conn = self.db.conn().await?;
        if conn.execute(&renew).await? == 0 {
            return Err(lease_lost(id));
        }
        Ok(())
    }

    async fn finish_job(&self, id: JobId, worker: &str, outcome: &Outcome) -> Result<Job> {
        let now = self.now_ms();
        let mut q = Query::update();
        q.table(self.t(T::Jobs))
            .value("lease_owner", Option::<String>::None)
            .value("lease_expires_at", Option::<i64>::None)
            .value("updated_at", now)
            .and_where(Expr::col("id").eq(id.get()))
            .and_where(Expr::col("lease_owner").eq(worker))
            .and_where(Expr::col("status").eq(JobStatus::Running.as_str()));
        match outcome {
            Outcome::Succeeded(result) => {
                q.value("status", JobStatus::Succeeded.as_str())
                    .value("progress", 100)
                    .value("phase", "done")
                    .value("result", to_json(result))
                    .value("error", Option::<String>::None)
                    .value("finished_at", now);
            }
            Outcome::Cancelled => {
                q.value("status", JobStatus::Cancelled.as_str())
                    .value("phase", "cancelled")
                    .value("finished_at", now);
            }
            Outcome::Failed {
                error,
                retry_after_secs,
            } => {
                let error: String = error.chars().take(4000).collect();
                match retry_after_secs {
                    Some(secs) => {
                        // Back to the queue while attempts remain, else failed for good.
                        let retry = Expr::col("attempts").lt(Expr::col("max_attempts"));
                        q.value(
                            "status",
                            Expr::case(retry.clone(), JobStatus::Queued.as_str())
                                .finally(JobStatus::Failed.as_str()),
                        )
                        .value("run_after", now + std::cmp::max(*secs, 0) * 1000)
                        .value(
                            "phase",
                            Expr::case(retry.clone(), "retrying").finally("failed"),
                        )
                        .value(
                            "finished_at",
                            Expr::case(retry, Option::<i64>::None).finally(now),
                        )
                        .value("error", error);
                    }
                    None => {
                        q.value("status", JobStatus::Failed.as_str())
                            .value("phase", "failed")
                            .value("error", error)
                            .value("finished_at", now);
                    }
                }
            }
        }
        let mut conn = self.db.conn().await?;
        if conn.execute(&q).await? == 0 {
            return Err(lease_lost(id));
        }
        conn.one(&self.job_by_id(id.get())).await
    }
}
