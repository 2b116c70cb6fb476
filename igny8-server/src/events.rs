//! Job progress for event streams (`GET /api/v1/system/jobs/{id}/events/`, and the web app's
//! `GET /jobs/events`).
//!
//! * One watcher per process: every job some stream follows is read in one query each
//!   [`POLL`], and each stream is woken through a [`tokio::sync::watch`] channel when its job
//!   changed — not a query per stream. Reading the database (rather than an in-process signal)
//!   keeps it right whichever process runs the job.
//! * A cap on the streams one caller (a user, or an API key) keeps open at once
//!   (`IGNY8_EVENT_STREAMS_PER_CALLER`); one more is refused with 429 until one closes.
//! * One stream may follow several jobs (a page of the web app's job list): it counts once.
//! * A stream opened with an access token ends when the token expires: the caller reconnects
//!   with a fresh token, so a stream never outlives the credential that opened it. Every
//!   [`RECHECK`] the stream also asks again whether its credential still works (a user removed
//!   or deactivated, an API key revoked or expired, the account closed) and ends if not.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use igny8_core::Igny8;
use igny8_core::jobs::{Job, JobStatus};
use igny8_core::tenancy::{Actor, Scope};
use igny8_core::{AccountId, ApiKeyId, JobId, UserId};
use poem::http::StatusCode;
use tokio::sync::watch;

use crate::auth::Recheck;
use crate::envelope::ApiError;

/// How often the watcher reads the jobs that streams follow.
pub const POLL: Duration = Duration::from_millis(400);

/// How often an open stream checks its credential again.
pub const RECHECK: Duration = Duration::from_secs(15);

/// The most jobs one stream follows: the largest page of the web app's job list.
pub const MAX_FOLLOWED: usize = 200;

/// How often an idle stream sends a comment: it keeps proxies from closing the connection,
/// and it is how the server learns that a client went away (its slot is freed then).
pub const KEEP_ALIVE: Duration = Duration::from_secs(5);

/// Who a stream counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Caller {
    User(UserId),
    Key(ApiKeyId),
    System(AccountId),
}

impl Caller {
    fn of(scope: &Scope) -> Self {
        match scope.actor() {
            Actor::User { id, .. } => Self::User(id),
            Actor::ApiKey { id, .. } => Self::Key(id),
            _ => Self::System(scope.account()),
        }
    }
}

struct Inner {
    core: Igny8,
    per_caller: usize,
    watched: Mutex<HashMap<JobId, watch::Sender<Job>>>,
    open: Mutex<HashMap<Caller, usize>>,
    started: std::sync::Once,
}

/// The process's job watcher and stream counts (cheap to clone).
#[derive(Clone)]
pub struct JobEvents(Arc<Inner>);

impl std::fmt::Debug for JobEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobEvents")
            .field("per_caller", &self.0.per_caller)
            .finish_non_exhaustive()
    }
}

/// One open stream of a caller; the count goes down when it is dropped.
struct Slot {
    inner: Arc<Inner>,
    caller: Caller,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = lock(&self.inner.open);
        if let Some(n) = open.get_mut(&self.caller) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.caller);
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a stream compares: a change of any of these is an event.
type JobKey = (JobStatus, i64, String, String, bool);

fn key(j: &Job) -> JobKey {
    (
        j.status,
        j.progress,
        j.phase.clone(),
        j.message.clone(),
        j.cancel_requested,
    )
}

impl JobEvents {
    /// The watcher of `core`'s jobs, allowing `per_caller` open streams per caller.
    pub fn new(core: Igny8, per_caller: usize) -> Self {
        Self(Arc::new(Inner {
            core,
            per_caller: per_caller.max(1),
            watched: Mutex::new(HashMap::new()),
            open: Mutex::new(HashMap::new()),
            started: std::sync::Once::new(),
        }))
    }

    /// The streams `scope`'s caller has open now.
    pub fn open_streams(&self, scope: &Scope) -> usize {
        lock(&self.0.open)
            .get(&Caller::of(scope))
            .copied()
            .unwrap_or(0)
    }

    /// A stream of `first` (which `scope` was allowed to read), then of the job each time it
    /// changes, ending when it has finished, when `until` passes (the access token's expiry),
    /// when `credential` stops working, or when the client goes away. 429 when the caller has too many streams open.
    pub fn stream(
        &self,
        scope: &Scope,
        first: Job,
        until: Option<chrono::DateTime<chrono::Utc>>,
        credential: Recheck,
    ) -> Result<BoxStream<'static, Job>, ApiError> {
        self.stream_many(scope, vec![first], until, credential)
    }

    /// One stream of several jobs (a page of the job list): each job as it is now and each
    /// time it changes, until every one has finished — or, as with [`Self::stream`], until
    /// `until` passes, `credential` stops working or the client goes away. It counts as one
    /// stream of the caller. At most [`MAX_FOLLOWED`] jobs (400 beyond).
    pub fn stream_many(
        &self,
        scope: &Scope,
        jobs: Vec<Job>,
        until: Option<chrono::DateTime<chrono::Utc>>,
        credential: Recheck,
    ) -> Result<BoxStream<'static, Job>, ApiError> {
        if jobs.len() > MAX_FOLLOWED {
            return Err(ApiError::field(
                "ids",
                format!("follows at most {MAX_FOLLOWED} jobs at once"),
            ));
        }
        let slot = self.take_slot(scope)?;
        let deadline = until.map(|end| {
            let left = (end - self.0.core.now()).to_std().unwrap_or(Duration::ZERO);
            tokio::time::Instant::now() + left
        });
        let ends = stream_ends(self.0.core.clone(), deadline, credential);
        let each = jobs.into_iter().map(|job| self.changes(job, ends.clone()));
        Ok(futures_util::stream::select_all(each)
            .map(move |job| {
                // The slot is freed when the stream is dropped.
                let _open = &slot;
                job
            })
            .boxed())
    }

    /// `first`, then the job each time it changes, until it has finished or `ends` does.
    fn changes(&self, first: Job, ends: Ends) -> BoxStream<'static, Job> {
        let updates = self.follow(&first);
        // (the job to send next, the receiver, the last key sent, whether the last was final)
        let state = (Some(first), updates, None::<JobKey>, false);
        futures_util::stream::unfold(state, move |(mut next, mut rx, last, over)| {
            let ends = ends.clone();
            async move {
                if over {
                    return None;
                }
                loop {
                    let job = match next.take() {
                        Some(job) => job,
                        None => {
                            tokio::select! {
                                r = rx.changed() => r.ok()?,
                                () = ends.clone() => return None,
                            }
                            rx.borrow_and_update().clone()
                        }
                    };
                    let k = key(&job);
                    if last.as_ref() != Some(&k) {
                        let finished = job.status.is_finished();
                        return Some((job, (None, rx, Some(k), finished)));
                    }
                }
            }
        })
        .boxed()
    }

    fn take_slot(&self, scope: &Scope) -> Result<Slot, ApiError> {
        let caller = Caller::of(scope);
        let mut open = lock(&self.0.open);
        let n = open.entry(caller).or_insert(0);
        if *n >= self.0.per_caller {
            return Err(ApiError::with_status(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!(
                    "you have {} job event streams open, the most allowed at once; close one \
                     (or follow the job with GET /system/jobs/{{id}}/) and try again",
                    self.0.per_caller
                ),
            ));
        }
        *n += 1;
        Ok(Slot {
            inner: self.0.clone(),
            caller,
        })
    }

    /// A receiver of `job`'s changes, starting the watcher on first use.
    fn follow(&self, job: &Job) -> watch::Receiver<Job> {
        self.0.started.call_once(|| {
            tokio::spawn(watch_jobs(Arc::downgrade(&self.0)));
        });
        let mut watched = lock(&self.0.watched);
        match watched.get(&job.id) {
            Some(tx) => tx.subscribe(),
            None => {
                let (tx, rx) = watch::channel(job.clone());
                watched.insert(job.id, tx);
                rx
            }
        }
    }
}

/// A future that completes when the streams it was made for must end.
type Ends = futures_util::future::Shared<futures_util::future::BoxFuture<'static, ()>>;

/// Ends when a stream must: at `deadline` (the access token's expiry), or at the first
/// [`RECHECK`] that finds the credential no longer works.
fn stream_ends(core: Igny8, deadline: Option<tokio::time::Instant>, credential: Recheck) -> Ends {
    use futures_util::FutureExt;
    async move {
        let expired = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        let revoked = async {
            let start = tokio::time::Instant::now() + RECHECK;
            let mut tick = tokio::time::interval_at(start, RECHECK);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if !credential.still_valid(&core).await {
                    return;
                }
            }
        };
        tokio::select! {
            () = expired => {}
            () = revoked => {}
        }
    }
    .boxed()
    .shared()
}

/// The watcher: every [`POLL`], reads the jobs some stream follows in one query and wakes the
/// streams of those that changed; forgets jobs nobody follows. Ends with the server.
async fn watch_jobs(inner: Weak<Inner>) {
    loop {
        tokio::time::sleep(POLL).await;
        let Some(inner) = inner.upgrade() else {
            return;
        };
        let ids: Vec<JobId> = {
            let mut watched = lock(&inner.watched);
            watched.retain(|_, tx| tx.receiver_count() > 0);
            watched.keys().copied().collect()
        };
        if ids.is_empty() {
            continue;
        }
        let jobs = match inner.core.jobs().watched(&ids).await {
            Ok(jobs) => jobs,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the jobs that event streams follow");
                continue;
            }
        };
        let mut watched = lock(&inner.watched);
        // A job that is gone (its account deleted) ends its streams.
        watched.retain(|id, _| jobs.iter().any(|j| j.id == *id) || !ids.contains(id));
        for job in jobs {
            if let Some(tx) = watched.get(&job.id) {
                tx.send_if_modified(|seen| {
                    let changed = key(seen) != key(&job);
                    *seen = job;
                    changed
                });
            }
        }
    }
}
