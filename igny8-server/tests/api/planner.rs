//! Keywords: import, list, change, export.

use igny8_core::Backend;
use serde_json::json;

use crate::site_and_sector;
use crate::support::{server, split};

on_backends!(keywords_end_to_end, competing_pages_are_reported,);

async fn keywords_end_to_end(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let token = s.register("k@example.com", "K").await;
    let (_, sector) = site_and_sector(&s, &token).await;
    // Raw CSV body.
    let csv = "Keyword,Volume,KD,Intent\nkitchen faucet,49500,40,Commercial\nbest kitchen faucet,5400,35,Commercial\n,10,1,\nkitchen sink,-5,3,\n";
    let resp = s
        .client
        .post(format!(
            "/api/v1/planner/keywords/import/?sector_id={sector}"
        ))
        .header("authorization", format!("Bearer {token}"))
        .content_type("text/csv")
        .body(csv)
        .send()
        .await;
    let (status, body) = split(resp).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (
            body["data"]["imported"].as_u64(),
            body["data"]["rejected"].as_u64()
        ),
        (Some(2), Some(2))
    );
    assert_eq!(body["data"]["errors"][0]["line"], 4);
    // Multipart upload of a real export.
    let gkp = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/keyword-exports/google-keyword-planner.csv"
    ))
    .unwrap();
    let boundary = "XyZboundary";
    let mut form = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"gkp.csv\"\r\nContent-Type: text/csv\r\n\r\n").into_bytes();
    form.extend_from_slice(&gkp);
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let resp = s
        .client
        .post(format!(
            "/api/v1/planner/keywords/import/?sector_id={sector}"
        ))
        .header("authorization", format!("Bearer {token}"))
        .content_type(format!("multipart/form-data; boundary={boundary}"))
        .body(form)
        .send()
        .await;
    let (status, body) = split(resp).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["format"], "google_keyword_planner");
    assert_eq!(
        (
            body["data"]["imported"].as_u64(),
            body["data"]["merged"].as_u64()
        ),
        (Some(8), Some(2))
    );

    // Filters, ordering, pages with next links, cursors.
    let (status, page) = s.get(&token, &format!("/api/v1/planner/keywords/?sector_id={sector}&ordering=-volume&page_size=4&min_volume=1000")).await;
    assert_eq!(status, 200);
    let results = page["data"]["results"].as_array().unwrap();
    assert_eq!(results[0]["keyword"], "kitchen faucet");
    assert_eq!(results[0]["volume"], 49500);
    assert!(page["data"]["count"].as_u64().unwrap() > 4);
    let next = page["data"]["next"].as_str().unwrap();
    assert_eq!(
        next,
        format!(
            "/api/v1/planner/keywords/?sector_id={sector}&ordering=-volume&page_size=4&min_volume=1000&page=2"
        )
    );
    let (status, page2) = s.get(&token, next).await;
    assert_eq!(status, 200, "{next}: {page2}");
    assert_eq!(
        page2["data"]["previous"],
        format!(
            "/api/v1/planner/keywords/?sector_id={sector}&ordering=-volume&page_size=4&min_volume=1000"
        )
    );
    // Links are relative: a forged Host header can't send the client elsewhere.
    let resp = s
        .client
        .get(format!(
            "/api/v1/planner/keywords/?sector_id={sector}&page_size=2&page=2"
        ))
        .header("authorization", format!("Bearer {token}"))
        .header("host", "evil.example")
        .send()
        .await;
    let (status, page) = split(resp).await;
    assert_eq!(status, 200, "{page}");
    for link in ["next", "previous"] {
        let url = page["data"][link].as_str().unwrap();
        assert!(
            url.starts_with("/api/v1/planner/keywords/?"),
            "{link}: {url}"
        );
        assert!(
            !url.contains("evil") && !url.contains("://"),
            "{link}: {url}"
        );
    }
    let (status, body) = s
        .get(&token, "/api/v1/planner/keywords/?ordering=-nope")
        .await;
    assert_eq!(status, 400);
    assert!(body["errors"]["ordering"].is_array());
    let (status, _) = s
        .get(&token, "/api/v1/planner/keywords/?page_size=5000")
        .await;
    assert_eq!(status, 400);

    // CRUD and bulk.
    let (status, created) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/",
            json!({"sector_id": sector, "keyword": "Faucet  Cartridge", "volume": 900}),
        )
        .await;
    assert_eq!(status, 201);
    let id = created["data"]["id"].as_i64().unwrap();
    assert_eq!(created["data"]["keyword"], "Faucet Cartridge");
    let (status, dup) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/",
            json!({"sector_id": sector, "keyword": "faucet cartridge"}),
        )
        .await;
    assert_eq!((status, dup["code"].as_str()), (409, Some("conflict")));
    let (status, patched) = s
        .send(
            "PATCH",
            &token,
            &format!("/api/v1/planner/keywords/{id}/"),
            json!({"difficulty": 12, "volume": null}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            patched["data"]["difficulty"].as_i64(),
            patched["data"]["volume"].is_null()
        ),
        (Some(12), true)
    );
    let (status, body) = s
        .send(
            "PATCH",
            &token,
            &format!("/api/v1/planner/keywords/{id}/"),
            json!({"difficulty": 101}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body["errors"]["difficulty"].is_array());
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/bulk_update/",
            json!({"ids": [id], "intent": "transactional"}),
        )
        .await;
    assert_eq!((status, body["data"]["affected"].as_u64()), (200, Some(1)));

    // Local clustering, then the clusters.
    let (status, report) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/cluster_locally/",
            json!({"sector_id": sector}),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["data"]["keywords_assigned"], 11);
    let (_, clusters) = s
        .get(&token, "/api/v1/planner/clusters/?search=kitchen")
        .await;
    assert!(
        clusters["data"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "kitchen faucet")
    );

    // Export streams CSV that reads back.
    let resp = s
        .client
        .get(format!(
            "/api/v1/planner/keywords/export/?sector_id={sector}"
        ))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await;
    resp.assert_status_is_ok();
    resp.assert_header("content-type", "text/csv; charset=utf-8");
    let text = resp.0.into_body().into_string().await.unwrap();
    assert!(text.starts_with("keyword,volume,difficulty,cpc,intent,status,cluster\n"));
    assert_eq!(text.lines().count(), 12);
    assert!(text.contains("kitchen faucet,49500,"));

    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/bulk_delete/",
            json!({"ids": [id]}),
        )
        .await;
    assert_eq!((status, body["data"]["affected"].as_u64()), (200, Some(1)));
    let (status, _) = s
        .get(&token, &format!("/api/v1/planner/keywords/{id}/"))
        .await;
    assert_eq!(status, 404);

    // Every keyword matching a filter, with the count the client saw: another count is a 409
    // that changes nothing; the right one changes them all.
    let (_, before) = s
        .get(
            &token,
            "/api/v1/planner/keywords/?search=faucet&page_size=1",
        )
        .await;
    let n = before["data"]["count"].as_u64().unwrap();
    assert!(n >= 2, "{before}");
    let body = |expected: u64| json!({"filter": {"search": "faucet"}, "expected": expected, "changes": {"status": "archived"}});
    let (status, conflict) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/update_matching/",
            body(n + 5),
        )
        .await;
    assert_eq!(status, 409, "{conflict}");
    let (_, archived) = s
        .get(&token, "/api/v1/planner/keywords/?status=archived")
        .await;
    assert_eq!(archived["data"]["count"], 0);
    let (status, changed) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/update_matching/",
            body(n),
        )
        .await;
    assert_eq!(
        (status, changed["data"]["affected"].as_u64()),
        (200, Some(n))
    );
    let (_, archived) = s
        .get(
            &token,
            "/api/v1/planner/keywords/?status=archived&search=faucet",
        )
        .await;
    assert_eq!(archived["data"]["count"].as_u64(), Some(n));
    // An unknown filter field is refused rather than ignored (it would widen the selection).
    let (status, _) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/delete_matching/",
            json!({"filter": {"serach": "faucet"}}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, deleted) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/delete_matching/",
            json!({"filter": {"status": "archived"}, "expected": n}),
        )
        .await;
    assert_eq!(
        (status, deleted["data"]["affected"].as_u64()),
        (200, Some(n))
    );
    let (_, rest) = s
        .get(&token, "/api/v1/planner/keywords/?search=faucet")
        .await;
    assert_eq!(rest["data"]["count"], 0);

    // A file too large to wait for: kept, imported by a job, its report in the job's result.
    let resp = s
        .client
        .post(format!(
            "/api/v1/planner/keywords/import_in_background/?sector_id={sector}"
        ))
        .header("authorization", format!("Bearer {token}"))
        .content_type("text/csv")
        .body("keyword,volume\nbackground faucet,10\nbackground sink,-1\n")
        .send()
        .await;
    let (status, started) = split(resp).await;
    assert_eq!(status, 202, "{started}");
    assert_eq!(started["data"]["kind"], "import_keywords");
    let job = started["data"]["id"].as_i64().unwrap();
    let (_, none) = s
        .get(&token, "/api/v1/planner/keywords/?search=background")
        .await;
    assert_eq!(none["data"]["count"], 0, "nothing until a worker runs it");
    igny8_core::jobs::Worker::new(s.state.core.clone())
        .run_once()
        .await
        .unwrap()
        .expect("the import ran");
    let (_, done) = s.get(&token, &format!("/api/v1/system/jobs/{job}/")).await;
    assert_eq!(done["data"]["status"], "succeeded", "{done}");
    assert_eq!(done["data"]["result"]["imported"], 1);
    assert_eq!(done["data"]["result"]["errors"][0]["line"], 3);
    // Another account's sector is not found, and nothing is queued.
    let stranger = s.register("stranger@example.com", "Stranger").await;
    let resp = s
        .client
        .post(format!(
            "/api/v1/planner/keywords/import_in_background/?sector_id={sector}"
        ))
        .header("authorization", format!("Bearer {stranger}"))
        .content_type("text/csv")
        .body("keyword\nx\n")
        .send()
        .await;
    assert_eq!(split(resp).await.0, 404);
    s.close().await;
}

/// Cannibalisation: the site's ideas and articles that compete for the same searches, each
/// pair with what to do; another site's, and another account's, are not in the report.
async fn competing_pages_are_reported(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let token = s.register("overlaps@example.com", "Overlaps").await;
    let (site, sector) = site_and_sector(&s, &token).await;
    let post = |path: &'static str, body: serde_json::Value| {
        let s = &s;
        let token = token.clone();
        async move {
            let (status, made) = s.send("POST", &token, path, body).await;
            assert_eq!(status, 201, "{made}");
            made["data"]["id"].as_i64().unwrap()
        }
    };
    let first = post(
        "/api/v1/writer/content/",
        json!({"sector_id": sector,
        "title": "Garden hoses tested", "html": "<p>Text</p>", "primary_keyword": "garden hoses"}),
    )
    .await;
    // Created, the second article says what it competes with: the first, on its keyword.
    let (status, made) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/content/",
            json!({"sector_id": sector, "title": "Watering tools we like", "html": "<p>Text</p>",
                   "primary_keyword": "Garden hose"}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let second = made["data"]["id"].as_i64().unwrap();
    assert!(
        made["data"]["score"].is_i64(),
        "the content's own fields: {made}"
    );
    let conflicts = made["data"]["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{made}");
    assert_eq!(conflicts[0]["a"]["id"], second);
    assert_eq!(conflicts[0]["b"]["id"], first);
    assert_eq!(conflicts[0]["b"]["kind"], "content");
    assert_eq!(conflicts[0]["action"], "retarget");
    let idea = post(
        "/api/v1/planner/ideas/",
        json!({"sector_id": sector,
        "title": "Garden Hoses Tested", "target_keywords": ["hose tests"]}),
    )
    .await;
    let roses = post(
        "/api/v1/planner/ideas/",
        json!({"sector_id": sector,
        "title": "Pruning roses in spring", "target_keywords": ["prune roses"]}),
    )
    .await;

    let (status, body) = s
        .get(&token, &format!("/api/v1/planner/overlaps/?site_id={site}"))
        .await;
    assert_eq!(status, 200, "{body}");
    let found = body["data"].as_array().unwrap();
    assert_eq!(found.len(), 2, "{body}");
    // Both strongest (1.0): the two articles for one keyword, the idea titled as an article.
    let pairs: Vec<(&str, i64, i64, &str, &str)> = found
        .iter()
        .map(|o| {
            (
                o["reason"].as_str().unwrap(),
                o["a"]["id"].as_i64().unwrap(),
                o["b"]["id"].as_i64().unwrap(),
                o["action"].as_str().unwrap(),
                o["a"]["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        pairs.contains(&("same_primary_keyword", first, second, "retarget", "content")),
        "{body}"
    );
    assert!(
        pairs.iter().any(|p| p.0 == "similar_title"
            && [p.1, p.2].contains(&idea)
            && [p.1, p.2].contains(&first)
            && p.3 == "merge"),
        "{body}"
    );
    assert!(
        found
            .iter()
            .all(|o| !o["suggestion"].as_str().unwrap().is_empty())
    );

    // The site's WordPress has a post on pruning roses: queueing the roses idea says so, with
    // the post's address, and queues it all the same.
    let (status, body) = s
        .send(
            "PUT",
            &token,
            &format!("/api/v1/auth/sites/{site}/links/"),
            json!({"complete": true, "pages": [
                {"kind": "post", "wp_id": 7, "url": "https://garden.example/pruning-roses/",
                 "title": "How to prune roses", "keywords": ["Roses"]},
                {"kind": "post", "wp_id": 8, "url": "https://garden.example/compost/",
                 "title": "Making compost", "keywords": ["Roses"]},
            ]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/ideas/queue_to_writer/",
            json!({"ids": [roses]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let tasks = body["data"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{body}");
    assert_eq!(tasks[0]["idea_id"], roses, "the task's own fields: {body}");
    let conflicts = tasks[0]["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{body}");
    assert_eq!(conflicts[0]["b"]["kind"], "post");
    assert_eq!(conflicts[0]["b"]["id"], 7);
    assert_eq!(
        conflicts[0]["b"]["url"],
        "https://garden.example/pruning-roses/"
    );
    assert_eq!(conflicts[0]["reason"], "same_primary_keyword");
    assert_eq!(conflicts[0]["action"], "merge");
    assert_eq!(conflicts[0]["a"]["url"], serde_json::Value::Null);

    // A site that isn't the account's is not found; another account sees nothing of these.
    let (status, _) = s
        .get(&token, "/api/v1/planner/overlaps/?site_id=999999")
        .await;
    assert_eq!(status, 404);
    let other = s.register("overlaps-other@example.com", "Other").await;
    let (status, _) = s
        .get(&other, &format!("/api/v1/planner/overlaps/?site_id={site}"))
        .await;
    assert_eq!(status, 404);
}
