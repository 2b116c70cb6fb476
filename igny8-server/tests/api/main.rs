//! The API in process (poem's TestClient) on SQLite, and on PostgreSQL when
//! `IGNY8_TEST_POSTGRES_URL` is set.

#[macro_use]
#[path = "../support/mod.rs"]
mod support;

mod ai;
mod auth;
mod automation;
mod envelope;
mod operator;
mod planner;
mod publish;
mod ratelimit;
mod tenancy;
mod web;

use serde_json::json;

pub(crate) async fn site_and_sector(s: &support::Server, token: &str) -> (i64, i64) {
    let (status, site) = s
        .send(
            "POST",
            token,
            "/api/v1/auth/sites/",
            json!({"name": "Blog", "url": "https://example.com"}),
        )
        .await;
    assert_eq!(status, 201, "{site}");
    let site = site["data"]["id"].as_i64().unwrap();
    let (status, sector) = s
        .send(
            "POST",
            token,
            "/api/v1/auth/sectors/",
            json!({"site_id": site, "name": "Kitchen"}),
        )
        .await;
    assert_eq!(status, 201, "{sector}");
    (site, sector["data"]["id"].as_i64().unwrap())
}

pub(crate) fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}
