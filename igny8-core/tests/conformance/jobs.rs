use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use igny8_core::jobs::*;
use igny8_core::list::PageRequest;
use igny8_core::{Error, ErrorCode, Igny8};

use crate::support::tenant;

fn job(kind: JobKind) -> NewJob {
    NewJob {
        kind,
        site_id: None,
        payload: serde_json::json!({"ids": [1, 2]}),
        max_attempts: Some(2),
        run_after: None,
    }
}

pub(crate) async fn concurrent_workers_never_share_a_job(core: Igny8) {
    let t = tenant(&core, "Jobs", 0).await;
    let mut ids = HashSet::new();
    for _ in 0..30 {
        ids.insert(
            core.jobs()
                .enqueue(&t.scope, job(JobKind::GenerateContent))
                .await
                .unwrap()
                .id,
        );
    }
    let core = Arc::new(core);
    let mut workers = Vec::new();
    for w in 0..6 {
        let core = core.clone();
        workers.push(tokio::spawn(async move {
            let name = format!("worker-{w}");
            let mut mine = Vec::new();
            while let Some(j) = core
                .jobs()
                .claim(&name, &[], Duration::from_secs(60))
                .await
                .unwrap()
            {
                assert_eq!(j.status, JobStatus::Running);
                assert_eq!(j.lease_owner.as_deref(), Some(name.as_str()));
                core.jobs()
                    .finish(
                        j.id,
                        &name,
                        &Outcome::Succeeded(serde_json::json!({"ok": true})),
                    )
                    .await
                    .unwrap();
                mine.push(j.id);
            }
            mine
        }));
    }
    let mut claimed = Vec::new();
    for w in workers {
        claimed.extend(w.await.unwrap());
    }
    assert_eq!(claimed.len(), 30, "every job ran exactly once");
    assert_eq!(claimed.iter().copied().collect::<HashSet<_>>(), ids);
    let done = core
        .jobs()
        .list(
            &t.scope,
            &JobFilter {
                status: Some(JobStatus::Succeeded),
                ..Default::default()
            },
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(done.total, Some(30));
    assert!(
        done.items
            .iter()
            .all(|j| j.attempts == 1 && j.progress == 100 && j.finished_at.is_some())
    );
}

pub(crate) async fn expired_leases_are_taken_over(core: Igny8) {
    let t = tenant(&core, "Lease", 0).await;
    let (core, clock) = crate::support::on_clock(&core, chrono::Utc::now()).await;
    let j = core
        .jobs()
        .enqueue(&t.scope, job(JobKind::GenerateIdeas))
        .await
        .unwrap();
    let lease = Duration::from_secs(30);
    let first = core
        .jobs()
        .claim("a", &[JobKind::GenerateIdeas], lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.id, j.id);
    // Not claimable while the lease holds; other kinds don't match.
    assert!(core.jobs().claim("b", &[], lease).await.unwrap().is_none());
    let p = Progress::new(40, "call", "asking the model");
    assert!(!core.jobs().report(j.id, "a", &p, lease).await.unwrap());
    clock.advance(chrono::Duration::seconds(29));
    assert!(
        core.jobs().claim("b", &[], lease).await.unwrap().is_none(),
        "the report extended the lease"
    );
    // Worker a dies; after the lease b takes over, and a learns it lost the job.
    clock.advance(chrono::Duration::seconds(31));
    let second = core.jobs().claim("b", &[], lease).await.unwrap().unwrap();
    assert_eq!((second.id, second.attempts), (j.id, 2));
    let lost = core.jobs().report(j.id, "a", &p, lease).await.unwrap_err();
    assert!(matches!(lost, Error::LeaseLost(id) if id == j.id), "{lost}");
    assert_eq!(lost.code(), ErrorCode::Conflict, "answered as a conflict");
    assert!(matches!(
        core.jobs()
            .finish(j.id, "a", &Outcome::Cancelled)
            .await
            .unwrap_err(),
        Error::LeaseLost(_)
    ));
    // b dies too: out of attempts, the job fails for good on the next claim.
    clock.advance(chrono::Duration::seconds(61));
    assert!(core.jobs().claim("c", &[], lease).await.unwrap().is_none());
    let failed = core.jobs().get(&t.scope, j.id).await.unwrap();
    assert_eq!(failed.status, JobStatus::Failed);
    assert!(failed.error.unwrap().contains("stopped responding"));
}

pub(crate) async fn retries_and_cancellation(core: Igny8) {
    let t = tenant(&core, "Retry", 0).await;
    let (core, clock) = crate::support::on_clock(&core, chrono::Utc::now()).await;
    let lease = Duration::from_secs(30);
    let j = core
        .jobs()
        .enqueue(&t.scope, job(JobKind::GenerateImages))
        .await
        .unwrap();
    core.jobs().claim("w", &[], lease).await.unwrap().unwrap();
    let retried = core
        .jobs()
        .finish(
            j.id,
            "w",
            &Outcome::Failed {
                error: "429 Too Many Requests".into(),
                retry_after_secs: Some(10),
            },
        )
        .await
        .unwrap();
    assert_eq!(retried.status, JobStatus::Queued);
    assert!(
        core.jobs().claim("w", &[], lease).await.unwrap().is_none(),
        "not before run_after"
    );
    clock.advance(chrono::Duration::seconds(11));
    core.jobs().claim("w", &[], lease).await.unwrap().unwrap();
    let failed = core
        .jobs()
        .finish(
            j.id,
            "w",
            &Outcome::Failed {
                error: "still 429".into(),
                retry_after_secs: Some(10),
            },
        )
        .await
        .unwrap();
    assert_eq!(failed.status, JobStatus::Failed, "no attempts left");
    assert_eq!(failed.error.as_deref(), Some("still 429"));

    // Cancelling a queued job is immediate; a running job is asked to stop.
    let q = core
        .jobs()
        .enqueue(&t.scope, job(JobKind::AutoCluster))
        .await
        .unwrap();
    assert_eq!(
        core.jobs().cancel(&t.scope, q.id).await.unwrap().status,
        JobStatus::Cancelled
    );
    let r = core
        .jobs()
        .enqueue(&t.scope, job(JobKind::AutoCluster))
        .await
        .unwrap();
    core.jobs().claim("w", &[], lease).await.unwrap().unwrap();
    let asked = core.jobs().cancel(&t.scope, r.id).await.unwrap();
    assert_eq!(
        (asked.status, asked.cancel_requested),
        (JobStatus::Running, true)
    );
    let p = Progress::new(10, "call", "");
    assert!(
        core.jobs().report(r.id, "w", &p, lease).await.unwrap(),
        "the worker is told to stop"
    );
    let done = core
        .jobs()
        .finish(r.id, "w", &Outcome::Cancelled)
        .await
        .unwrap();
    assert_eq!(done.status, JobStatus::Cancelled);
    // Finished jobs can't be cancelled; other tenants can't see or cancel them.
    assert_eq!(
        core.jobs().cancel(&t.scope, j.id).await.unwrap_err().code(),
        ErrorCode::Conflict
    );
    let other = tenant(&core, "Other", 0).await;
    assert_eq!(
        core.jobs()
            .cancel(&other.scope, r.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert!(
        core.jobs()
            .enqueue(
                &t.scope,
                NewJob {
                    payload: serde_json::json!([1]),
                    ..job(JobKind::Publish)
                }
            )
            .await
            .is_err()
    );
}

pub(crate) async fn operators_see_every_accounts_jobs(core: Igny8) {
    let a = tenant(&core, "Ja", 0).await;
    let b = tenant(&core, "Jb", 0).await;
    let ja = core
        .jobs()
        .enqueue(&a.scope, job(JobKind::GenerateContent))
        .await
        .unwrap();
    let jb = core
        .jobs()
        .enqueue(&b.scope, job(JobKind::AutoCluster))
        .await
        .unwrap();
    core.jobs().cancel(&b.scope, jb.id).await.unwrap();
    let operator = igny8_core::tenancy::Operator::embedder();
    let ids = |account, filter: JobFilter| {
        let core = &core;
        async move {
            core.jobs()
                .all(&operator, account, &filter, &PageRequest::new(1, 50))
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|j| (j.id, j.account_id))
                .collect::<Vec<_>>()
        }
    };
    // Newest first, across accounts; a tenant still sees only its own.
    assert_eq!(
        ids(None, JobFilter::default()).await,
        [(jb.id, b.scope.account()), (ja.id, a.scope.account())]
    );
    assert_eq!(
        ids(Some(a.scope.account()), JobFilter::default()).await,
        [(ja.id, a.scope.account())]
    );
    let cancelled = JobFilter {
        status: Some(JobStatus::Cancelled),
        ..Default::default()
    };
    assert_eq!(
        ids(None, cancelled.clone()).await,
        [(jb.id, b.scope.account())]
    );
    assert!(ids(Some(a.scope.account()), cancelled).await.is_empty());
    let mine = core
        .jobs()
        .list(&a.scope, &JobFilter::default(), &PageRequest::new(1, 50))
        .await
        .unwrap();
    assert_eq!(mine.items.len(), 1);
}
