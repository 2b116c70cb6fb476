//! Operators: accounts and credits.

use igny8_core::Backend;
use serde_json::json;

use crate::support::{server, split};

on_backends!(operators_manage_accounts_and_credits,);

async fn operators_manage_accounts_and_credits(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let customer = s.register("c@example.com", "Customer").await;
    s.state
        .core
        .tenancy()
        .create_superuser(
            &igny8_core::tenancy::Operator::embedder(),
            "ops@example.com",
            "password123",
            None,
        )
        .await
        .unwrap();
    let (_, login) = split(
        s.client
            .post("/api/v1/auth/login/")
            .body_json(&json!({"email": "ops@example.com", "password": "password123"}))
            .send()
            .await,
    )
    .await;
    let ops = login["data"]["access"].as_str().unwrap().to_owned();
    let (status, accounts) = s.get(&ops, "/api/v1/operator/accounts/").await;
    assert_eq!(status, 200);
    let account = accounts["data"]["results"][0]["id"].as_i64().unwrap();
    // Every account's jobs, and one account's.
    let scope = igny8_core::tenancy::Scope::system(igny8_core::AccountId(account));
    let job = s
        .state
        .core
        .jobs()
        .enqueue(
            &scope,
            igny8_core::jobs::NewJob {
                kind: igny8_core::jobs::JobKind::GenerateContent,
                site_id: None,
                payload: json!({"ids": [1]}),
                max_attempts: None,
                run_after: None,
            },
        )
        .await
        .unwrap();
    let (status, jobs) = s
        .get(
            &ops,
            &format!("/api/v1/operator/jobs/?account_id={account}&status=queued"),
        )
        .await;
    assert_eq!(status, 200, "{jobs}");
    assert_eq!(jobs["data"]["results"][0]["id"], job.id.get());
    assert_eq!(jobs["data"]["results"][0]["account_id"], account);
    let (_, none) = s
        .get(
            &ops,
            &format!("/api/v1/operator/jobs/?account_id={}", account + 1000),
        )
        .await;
    assert_eq!(none["data"]["count"], 0);
    let (status, _) = s.get(&customer, "/api/v1/operator/jobs/").await;
    assert_eq!(status, 403);
    let (status, t) = s
        .send("POST", &ops, &format!("/api/v1/operator/accounts/{account}/credits/"), json!({"kind": "purchase", "amount": 500, "reason": "Pack", "idempotency_key": "order-1"}))
        .await;
    assert_eq!(status, 201, "{t}");
    s.send(
        "POST",
        &ops,
        &format!("/api/v1/operator/accounts/{account}/credits/"),
        json!({"kind": "purchase", "amount": 500, "reason": "Pack", "idempotency_key": "order-1"}),
    )
    .await;
    let (_, balance) = s.get(&customer, "/api/v1/billing/balance/").await;
    let initial = 100; // the seeded default plan's monthly credits
    assert_eq!(balance["data"]["credits"], initial + 500);
    let (_, ledger) = s.get(&customer, "/api/v1/billing/transactions/").await;
    assert_eq!(ledger["data"]["count"], 2);
    let (status, plan) = s
        .send("POST", &ops, "/api/v1/operator/plans/", json!({"slug": "pro", "name": "Pro", "monthly_credits": 5000, "limits": {"max_sites": 10, "max_sectors_per_site": null, "max_users": 5, "max_keywords": 1000000}}))
        .await;
    assert_eq!(status, 201, "{plan}");
    let (status, changed) = s
        .send(
            "PATCH",
            &ops,
            &format!("/api/v1/operator/accounts/{account}/"),
            json!({"plan_id": plan["data"]["id"], "status": "suspended"}),
        )
        .await;
    assert_eq!(
        (status, changed["data"]["status"].as_str()),
        (200, Some("suspended"))
    );
    s.close().await;
}
