//! Automation rules and runs.

use igny8_core::Backend;
use serde_json::json;

use crate::site_and_sector;
use crate::support::server;

on_backends!(automation_over_http,);

async fn automation_over_http(backend: Backend) {
    let Some(s) = server(backend, |settings| settings.signup_credits = Some(100)).await else {
        return;
    };
    let token = s.register("auto@example.com", "Autopilot").await;
    let (site, sector) = site_and_sector(&s, &token).await;
    for (keyword, volume) in [
        ("kettle descaler", 900),
        ("descale kettle", 400),
        ("kettle", 5000),
    ] {
        let (status, body) = s
            .send(
                "POST",
                &token,
                "/api/v1/planner/keywords/",
                json!({"sector_id": sector, "keyword": keyword, "volume": volume}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }

    // Bad input: every problem named, nothing stored.
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/automation/rules/",
            json!({"site_id": site, "name": "Bad", "cron": "0 9 * *", "timezone": "Nowhere/City",
                   "publish_mode": "schedule"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    for field in ["cron", "timezone", "publish_slots"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/automation/rules/",
            json!({"site_id": site, "name": "Bad", "every_hours": 1, "stages": ["writing"]}),
        )
        .await;
    assert_eq!(status, 400, "{body}");

    let (status, rule) = s
        .send(
            "POST",
            &token,
            "/api/v1/automation/rules/",
            json!({"site_id": site, "sector_id": sector, "name": "Morning clustering",
                   "stages": ["cluster"], "cluster_mode": "local", "cron": "0 9 * * *",
                   "timezone": "Europe/Berlin", "budget_per_month": 50}),
        )
        .await;
    assert_eq!(status, 201, "{rule}");
    let rule = rule["data"].clone();
    assert!(rule["next_run_at"].is_string(), "{rule}");
    assert_eq!(rule["stages"], json!(["cluster"]));
    let id = rule["id"].as_i64().unwrap();
    let (_, list) = s.get(&token, "/api/v1/automation/rules/").await;
    assert_eq!(list["data"]["count"], 1, "{list}");

    let (status, paused) = s
        .send(
            "PATCH",
            &token,
            &format!("/api/v1/automation/rules/{id}/"),
            json!({"is_active": false, "budget_per_month": null}),
        )
        .await;
    assert_eq!(status, 200, "{paused}");
    assert!(paused["data"]["next_run_at"].is_null(), "{paused}");
    assert!(paused["data"]["budget_per_month"].is_null(), "{paused}");

    // Run now: 202 with the run; a worker runs it; the run says what its stage did.
    let (status, started) = s
        .send(
            "POST",
            &token,
            &format!("/api/v1/automation/rules/{id}/run/"),
            json!({}),
        )
        .await;
    assert_eq!(status, 202, "{started}");
    assert_eq!(started["data"]["trigger"], "manual");
    let run_id = started["data"]["id"].as_i64().unwrap();
    let worker = igny8_core::jobs::Worker::new(s.state.core.clone());
    let job = worker.run_once().await.unwrap().expect("the run was due");
    assert_eq!(job.kind.as_str(), "automation_run");
    let (status, run) = s
        .get(&token, &format!("/api/v1/automation/runs/{run_id}/"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(run["data"]["job"]["status"], "succeeded", "{run}");
    let stage = &run["data"]["job"]["result"]["stages"][0];
    assert_eq!(
        (stage["stage"].as_str(), stage["status"].as_str()),
        (Some("cluster"), Some("done")),
        "{run}"
    );
    let (_, clusters) = s.get(&token, "/api/v1/planner/clusters/").await;
    assert!(
        clusters["data"]["count"].as_i64().unwrap() >= 1,
        "{clusters}"
    );

    // A queued run is cancelled at once.
    let (_, queued) = s
        .send(
            "POST",
            &token,
            &format!("/api/v1/automation/rules/{id}/run/"),
            json!({}),
        )
        .await;
    let queued = queued["data"]["id"].as_i64().unwrap();
    let (status, cancelled) = s
        .send(
            "POST",
            &token,
            &format!("/api/v1/automation/runs/{queued}/cancel/"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["data"]["job"]["status"], "cancelled");
    let (_, runs) = s
        .get(&token, &format!("/api/v1/automation/runs/?rule_id={id}"))
        .await;
    assert_eq!(runs["data"]["count"], 2, "{runs}");

    // Another tenant sees none of it.
    let other = s.register("other-auto@example.com", "Other").await;
    for path in [
        format!("/api/v1/automation/rules/{id}/"),
        format!("/api/v1/automation/runs/{run_id}/"),
    ] {
        let (status, _) = s.get(&other, &path).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) = s
        .send(
            "POST",
            &other,
            &format!("/api/v1/automation/rules/{id}/run/"),
            json!({}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = s
        .send(
            "POST",
            &other,
            "/api/v1/automation/rules/",
            json!({"site_id": site, "name": "Mine", "every_hours": 2}),
        )
        .await;
    assert!(status == 404 || status == 400, "{status}");
    let (_, theirs) = s.get(&other, "/api/v1/automation/runs/").await;
    assert_eq!(theirs["data"]["count"], 0);

    let (status, _) = s
        .send(
            "DELETE",
            &token,
            &format!("/api/v1/automation/rules/{id}/"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = s
        .get(&token, &format!("/api/v1/automation/rules/{id}/"))
        .await;
    assert_eq!(status, 404);
    s.close().await;
}
