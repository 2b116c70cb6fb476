use std::sync::Arc;

use igny8_core::credits::*;
use igny8_core::list::PageRequest;
use igny8_core::{ErrorCode, Igny8};

use crate::support::tenant;

fn reserve(amount: i64, key: Option<String>) -> ReserveRequest {
    ReserveRequest {
        amount,
        operation: "generate_content".into(),
        reference: Some(Reference::new("job", 1)),
        idempotency_key: key,
    }
}

pub(crate) async fn two_hundred_reservations_against_fifty(core: Igny8) {
    let t = tenant(&core, "Race", 50).await;
    let core = Arc::new(core);
    let mut tasks = Vec::new();
    for i in 0..200 {
        let core = core.clone();
        let scope = t.scope;
        tasks.push(tokio::spawn(async move {
            core.credits()
                .reserve(&scope, reserve(1, Some(format!("race-{i}"))))
                .await
        }));
    }
    let mut ok = 0;
    let mut insufficient = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) if e.code() == ErrorCode::InsufficientCredits => insufficient += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!((ok, insufficient), (50, 150));
    let (balance, sum) = core.credits().audit(&t.scope).await.unwrap();
    assert_eq!((balance, sum), (0, 0));
    let holds = core
        .credits()
        .transactions(
            &t.scope,
            &TransactionFilter {
                kind: Some(TransactionKind::Hold),
                ..Default::default()
            },
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(holds.total, Some(50));
}

pub(crate) async fn idempotency_keys_charge_once(core: Igny8) {
    let t = tenant(&core, "Idem", 100).await;
    let c = core.credits();
    let first = c
        .reserve(&t.scope, reserve(30, Some("job-7".into())))
        .await
        .unwrap();
    let again = c
        .reserve(&t.scope, reserve(30, Some("job-7".into())))
        .await
        .unwrap();
    assert_eq!(first.id, again.id);
    assert_eq!(c.balance(&t.scope).await.unwrap(), 70);
    let other_amount = c
        .reserve(&t.scope, reserve(31, Some("job-7".into())))
        .await
        .unwrap_err();
    assert_eq!(other_amount.code(), ErrorCode::Conflict);
    c.charge(&t.scope, first.id, 30).await.unwrap();
    c.charge(&t.scope, first.id, 30).await.unwrap();
    assert_eq!(c.balance(&t.scope).await.unwrap(), 70);

    let grant = LedgerEntry {
        kind: TransactionKind::Purchase,
        amount: 500,
        reason: "Pack of 500".into(),
        reference: None,
        idempotency_key: Some("stripe:pi_123".into()),
    };
    let a = c.post(&t.scope, grant.clone()).await.unwrap();
    let b = c.post(&t.scope, grant).await.unwrap();
    assert_eq!(a.id, b.id);
    assert_eq!(c.balance(&t.scope).await.unwrap(), 570);
    // Concurrent replays of one key post once.
    let core = Arc::new(core.clone());
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let core = core.clone();
        let scope = t.scope;
        tasks.push(tokio::spawn(async move {
            core.credits()
                .reserve(&scope, reserve(5, Some("same-key".into())))
                .await
                .map(|r| r.id)
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1);
    assert_eq!(core.credits().balance(&t.scope).await.unwrap(), 565);
    let (balance, sum) = core.credits().audit(&t.scope).await.unwrap();
    assert_eq!(balance, sum);
}

pub(crate) async fn charge_and_release(core: Igny8) {
    let t = tenant(&core, "Settle", 100).await;
    let c = core.credits();
    let r = c.reserve(&t.scope, reserve(40, None)).await.unwrap();
    assert_eq!(r.status, ReservationStatus::Held);
    assert_eq!(c.balance(&t.scope).await.unwrap(), 60);
    // Charging more than held is refused and changes nothing.
    assert!(c.charge(&t.scope, r.id, 41).await.is_err());
    let charged = c.charge(&t.scope, r.id, 25).await.unwrap();
    assert_eq!(
        (charged.status, charged.charged),
        (ReservationStatus::Charged, Some(25))
    );
    assert_eq!(c.balance(&t.scope).await.unwrap(), 75);
    assert_eq!(
        c.release(&t.scope, r.id).await.unwrap_err().code(),
        ErrorCode::Conflict
    );

    let r2 = c.reserve(&t.scope, reserve(75, None)).await.unwrap();
    assert_eq!(c.balance(&t.scope).await.unwrap(), 0);
    let err = c.reserve(&t.scope, reserve(1, None)).await.unwrap_err();
    assert!(matches!(
        err,
        igny8_core::Error::InsufficientCredits {
            needed: 1,
            available: None
        }
    ));
    let released = c.release(&t.scope, r2.id).await.unwrap();
    assert_eq!(released.status, ReservationStatus::Released);
    c.release(&t.scope, r2.id).await.unwrap();
    assert_eq!(c.balance(&t.scope).await.unwrap(), 75);
    assert_eq!(
        c.charge(&t.scope, r2.id, 1).await.unwrap_err().code(),
        ErrorCode::Conflict
    );

    let ledger = c
        .transactions(
            &t.scope,
            &TransactionFilter::default(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    let kinds: Vec<_> = ledger
        .items
        .iter()
        .rev()
        .map(|x| (x.kind, x.amount, x.balance_after))
        .collect();
    use TransactionKind::*;
    assert_eq!(
        kinds,
        [
            (Grant, 100, 100),
            (Hold, -40, 60),
            (Release, 15, 75),
            (Hold, -75, 0),
            (Release, 75, 75)
        ]
    );
    let (balance, sum) = c.audit(&t.scope).await.unwrap();
    assert_eq!(balance, sum);
    // Entries are validated.
    let bad = c
        .post(
            &t.scope,
            LedgerEntry {
                kind: Deduction,
                amount: 5,
                reason: "x".into(),
                reference: None,
                idempotency_key: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(bad.field_errors()[0].field, "amount");
    let overdraw = c
        .post(
            &t.scope,
            LedgerEntry {
                kind: Adjustment,
                amount: -76,
                reason: "x".into(),
                reference: None,
                idempotency_key: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(overdraw.code(), ErrorCode::InsufficientCredits);
    assert_eq!(c.balance(&t.scope).await.unwrap(), 75);
}

pub(crate) async fn balance_never_negative_in_the_database(core: Igny8) {
    let t = tenant(&core, "Check", 5).await;
    // Even a raw statement that skips the code's checks is refused by the database.
    let err = core
        .store()
        .execute_unchecked(&format!(
            "UPDATE {}accounts SET credits = -1 WHERE id = {}",
            core.store().prefix(),
            t.scope.account()
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert_eq!(core.credits().balance(&t.scope).await.unwrap(), 5);
}

pub(crate) async fn usage_log_and_summary(core: Igny8) {
    // On a clock that stands at noon: the calls' day is known, and no run straddles midnight.
    let noon = chrono::DateTime::parse_from_rfc3339("2026-03-02T12:00:00Z")
        .unwrap()
        .to_utc();
    let (core, _clock) = crate::support::on_clock(&core, noon).await;
    let t = tenant(&core, "Usage", 0).await;
    let c = core.credits();
    for (op, tokens) in [
        ("generate_content", 1000),
        ("generate_content", 500),
        ("auto_cluster", 200),
    ] {
        c.record_usage(
            &t.scope,
            NewUsage {
                operation: op.into(),
                provider: "openai".into(),
                model: "gpt-4o-mini".into(),
                input_tokens: tokens,
                output_tokens: tokens / 2,
                cost_micros: tokens * 3,
                credits: 2,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let page = c
        .usage(&t.scope, &UsageFilter::default(), &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.total, Some(3));
    assert_eq!(page.items[0].operation, "auto_cluster");
    let summary = c
        .usage_summary(&t.scope, &UsageFilter::default())
        .await
        .unwrap();
    assert_eq!(summary.len(), 2);
    let content = summary
        .iter()
        .find(|r| r.operation == "generate_content")
        .unwrap();
    assert_eq!(
        (
            content.calls,
            content.input_tokens,
            content.output_tokens,
            content.cost_micros,
            content.credits
        ),
        (2, 1500, 750, 4500, 4)
    );
    assert_eq!(content.day, noon.date_naive());
    assert!(c.record_usage(&t.scope, NewUsage::default()).await.is_err());
}
