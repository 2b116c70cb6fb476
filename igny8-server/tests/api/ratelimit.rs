//! Rate limits in Redis, shared by two servers.

use igny8_core::Backend;
use serde_json::json;

use crate::support::server;

/// The same limits counted in Redis (`IGNY8_TEST_REDIS_URL`), shared by two servers over one
/// database, as two processes would be.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_in_redis_hold_across_servers() {
    let Ok(redis) = std::env::var("IGNY8_TEST_REDIS_URL") else {
        let required = std::env::var("IGNY8_TEST_REQUIRE")
            .is_ok_and(|v| v.split(',').any(|b| b.trim() == "redis"));
        assert!(
            !required,
            "IGNY8_TEST_REDIS_URL is not set, but IGNY8_TEST_REQUIRE asks for redis"
        );
        return;
    };
    let Some(a) = server(Backend::Sqlite, |s| {
        s.redis_url = Some(redis.clone().into());
        s.rate_limits.read = 4;
    })
    .await
    else {
        return;
    };
    let token = a.register("redis@example.com", "Redis").await;
    // Counters live in Redis across test runs and processes: a user's bucket (`user:1` in
    // every fresh database) would be shared with them, a new key's is this run's alone.
    let (status, key) = a
        .send(
            "POST",
            &token,
            "/api/v1/auth/api-keys/",
            json!({"name": "redis", "role": "viewer"}),
        )
        .await;
    assert_eq!(status, 201, "{key}");
    let secret = key["data"]["secret"].as_str().unwrap().to_owned();
    let mut settings = (*a.state.settings).clone();
    settings.redis_url = Some(redis.clone().into());
    let b_state = igny8_server::AppState::open_with_clock(settings, Some(a.clock.clone()))
        .await
        .unwrap();
    let b = poem::test::TestClient::new(poem::EndpointExt::boxed(
        poem::EndpointExt::map_to_response(igny8_server::app(b_state.clone())),
    ));
    let mut statuses = Vec::new();
    for i in 0..6 {
        let client = if i % 2 == 0 { &a.client } else { &b };
        let resp = client
            .get("/api/v1/auth/sites/")
            .header("authorization", format!("Api-Key {secret}"))
            .send()
            .await;
        statuses.push(resp.0.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 200, 429, 429]);
    b_state.core.store().close().await;
    a.close().await;
}
