//! The API in process (poem's TestClient) on SQLite, and on PostgreSQL when
//! `IGNY8_TEST_POSTGRES_URL` is set.

#[macro_use]
mod support;

use igny8_core::Backend;
use serde_json::{Value, json};
use support::{json, server, split};

on_backends!(
    health_docs_and_envelope_errors,
    sign_up_sign_in_refresh_and_sign_out,
    keywords_end_to_end,
    ai_functions_over_http,
    ai_without_a_provider_says_how_to_connect_one,
    other_tenants_ids_are_always_not_found,
    roles_are_enforced,
    operators_manage_accounts_and_credits,
    automation_over_http,
);

async fn health_docs_and_envelope_errors(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let (status, body) = split(s.client.get("/api/v1/health/").send().await).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["status"], "ok");
    let (status, _) = split(s.client.get("/api/v1/health/ready/").send().await).await;
    assert_eq!(status, 200);
    let schema = s.client.get("/api/schema/").send().await;
    schema.assert_status_is_ok();
    let schema = json(schema).await;
    assert!(schema["paths"]["/planner/keywords/"].is_object());
    s.client
        .get("/api/docs/")
        .send()
        .await
        .assert_status_is_ok();
    s.client
        .get("/api/redoc/")
        .send()
        .await
        .assert_status_is_ok();

    // Unknown routes, malformed JSON, missing credentials, oversized bodies: the envelope.
    let (status, body) = split(s.client.get("/api/v1/nope/").send().await).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let resp = s
        .client
        .post("/api/v1/auth/login/")
        .header("x-request-id", "req-123")
        .content_type("application/json")
        .body("{\"email\": ")
        .send()
        .await;
    assert_eq!(resp.0.headers().get("x-request-id").unwrap(), "req-123");
    let (status, body) = split(resp).await;
    assert_eq!(status, 400);
    assert_eq!(body["request_id"], "req-123");
    let (status, _) = split(s.client.get("/api/v1/planner/keywords/").send().await).await;
    assert_eq!(status, 401);
    let big = "x".repeat(2 * 1024 * 1024);
    let resp = s
        .client
        .post("/api/v1/auth/login/")
        .content_type("application/json")
        .body(format!("{{\"email\": \"{big}\", \"password\": \"x\"}}"))
        .send()
        .await;
    let (status, body) = split(resp).await;
    assert_eq!((status, body["code"].as_str()), (413, Some("too_large")));
    // Unknown fields are refused, naming the problem.
    let (status, _) = split(
        s.client
            .post("/api/v1/auth/login/")
            .body_json(&json!({"email": "a@b.c", "password": "x", "admin": true}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 400);
    // A method the path doesn't take: 405 in the envelope, with the methods it does take.
    let resp = s.client.put("/api/v1/planner/keywords/").send().await;
    resp.assert_status(poem::http::StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.0.headers().get("allow").unwrap(), "GET, HEAD, POST");
    let (_, body) = split(resp).await;
    assert_eq!(body["code"], "method_not_allowed");
    let resp = s
        .client
        .delete("/api/v1/planner/keywords/import/")
        .send()
        .await;
    assert_eq!(resp.0.headers().get("allow").unwrap(), "POST");
    // A string field given another type is named, not read as "false".
    let (status, body) = split(
        s.client
            .post("/api/v1/auth/register/")
            .body_json(&json!({"email": "a@example.com", "password": false, "account_name": 3}))
            .send()
            .await,
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (400, Some("validation")));
    assert!(
        body["errors"]["password"].is_array() && body["errors"]["account_name"].is_array(),
        "{body}"
    );
    s.close().await;
}

async fn sign_up_sign_in_refresh_and_sign_out(backend: Backend) {
    let Some(s) = server(backend, |settings| settings.signup_credits = Some(75)).await else {
        return;
    };
    let token = s.register("Owner@Example.com", "Acme").await;
    let (status, me) = s.get(&token, "/api/v1/auth/me/").await;
    assert_eq!(status, 200);
    assert_eq!(me["data"]["email"], "owner@example.com");
    assert_eq!(me["data"]["role"], "owner");
    let (_, balance) = s.get(&token, "/api/v1/billing/balance/").await;
    assert_eq!(balance["data"]["credits"], 75);

    let (status, body) = split(
        s.client
            .post("/api/v1/auth/login/")
            .body_json(&json!({"email": "owner@example.com", "password": "wrong"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (401, Some("wrong email or password"))
    );
    let (status, login) = split(
        s.client
            .post("/api/v1/auth/login/")
            .body_json(&json!({"email": "owner@example.com", "password": "password123"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let refresh = login["data"]["refresh"].as_str().unwrap().to_owned();
    let (status, renewed) = split(
        s.client
            .post("/api/v1/auth/refresh/")
            .body_json(&json!({"refresh": refresh}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let refresh2 = renewed["data"]["refresh"].as_str().unwrap().to_owned();
    // A refresh token works once; replaying it ends the session.
    let (status, _) = split(
        s.client
            .post("/api/v1/auth/refresh/")
            .body_json(&json!({"refresh": refresh}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = split(
        s.client
            .post("/api/v1/auth/refresh/")
            .body_json(&json!({"refresh": refresh2}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 401);
    // Sign-out.
    let (_, fresh) = split(
        s.client
            .post("/api/v1/auth/login/")
            .body_json(&json!({"email": "owner@example.com", "password": "password123"}))
            .send()
            .await,
    )
    .await;
    let access = fresh["data"]["access"].as_str().unwrap();
    let r = fresh["data"]["refresh"].as_str().unwrap();
    let (status, _) = s
        .send(
            "POST",
            access,
            "/api/v1/auth/logout/",
            json!({"refresh": r}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = split(
        s.client
            .post("/api/v1/auth/refresh/")
            .body_json(&json!({"refresh": r}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 401);
    // A forged token is refused.
    let (status, _) = s
        .get("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2ln", "/api/v1/auth/me/")
        .await;
    assert_eq!(status, 401);
    // Bad sign-ups name their fields.
    let (status, body) = split(
        s.client
            .post("/api/v1/auth/register/")
            .body_json(&json!({"email": "nope", "password": "x", "account_name": ""}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["errors"]["email"].is_array() && body["errors"]["password"].is_array(),
        "{body}"
    );
    s.close().await;
}

async fn site_and_sector(s: &support::Server, token: &str) -> (i64, i64) {
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

/// The job a `202 Accepted` answer started, run by an in-process worker; the job as finished.
async fn run_started(s: &support::Server, token: &str, started: &Value) -> Value {
    let id = started["data"]["job"]["id"].as_i64().expect("job id");
    assert_eq!(started["data"]["job"]["status"], "queued", "{started}");
    let worker = igny8_core::jobs::Worker::new(s.state.core.clone());
    let finished = worker.run_once().await.unwrap().expect("a job was due");
    assert_eq!(finished.id.get(), id);
    let (status, job) = s.get(token, &format!("/api/v1/system/jobs/{id}/")).await;
    assert_eq!(status, 200);
    job["data"].clone()
}

async fn ai_functions_over_http(backend: Backend) {
    use futures_util::StreamExt;
    use igny8_core::testing::fake_ai::{FakeAi, FakeReply, Gate};
    let fake = FakeAi::start().await;
    let media = std::env::temp_dir().join(format!("igny8-api-media-{}", rand_suffix()));
    let (base, media_dir) = (fake.base_url(), media.to_string_lossy().into_owned());
    let Some(s) = server(backend, move |settings| {
        settings.signup_credits = Some(200);
        settings.ai.openai_base_url = base;
        settings.ai.openai_api_key = Some("sk-test".into());
        settings.ai.max_attempts = 1;
        settings.ai.media_dir = media_dir;
    })
    .await
    else {
        return;
    };
    const CHAT: &str = "/v1/chat/completions";
    let token = s.register("ai@example.com", "AI").await;
    let (_, sector) = site_and_sector(&s, &token).await;
    let resp = s
        .client
        .post(format!(
            "/api/v1/planner/keywords/import/?sector_id={sector}"
        ))
        .header("authorization", format!("Bearer {token}"))
        .content_type("text/csv")
        .body("keyword\nkitchen faucet\nbest kitchen faucet\nkitchen sink\nfarmhouse sink\n")
        .send()
        .await;
    assert_eq!(split(resp).await.0, 200);

    // Bad input: a clear 400, nothing queued.
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/auto_cluster/",
            json!({"batch_size": 5000}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/auto_cluster/",
            json!({"sector_id": sector, "batch_size": 5000}),
        )
        .await;
    assert_eq!(
        (status, body["errors"]["batch_size"].is_array()),
        (400, true),
        "{body}"
    );

    // Estimate, then Auto Cluster: 202 with the job and its estimate.
    let (status, est) = s
        .send(
            "POST",
            &token,
            "/api/v1/billing/estimate/",
            json!({"operation": "auto_cluster", "options": {"sector_id": sector}}),
        )
        .await;
    assert_eq!(status, 200, "{est}");
    assert_eq!(
        (
            est["data"]["credits"].as_i64(),
            est["data"]["balance"].as_i64()
        ),
        (Some(1), Some(200))
    );
    fake.push(CHAT, FakeReply::chat_data(&json!({"clusters": [
        {"name": "Kitchen faucets", "description": "Faucets.", "existing_cluster_id": null, "keywords": [1, 2]},
        {"name": "Kitchen sinks", "description": "Sinks.", "existing_cluster_id": null, "keywords": [3, 4]},
    ]})));
    let (status, started) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/auto_cluster/",
            json!({"sector_id": sector}),
        )
        .await;
    assert_eq!(status, 202, "{started}");
    assert_eq!(started["data"]["estimate"]["credits"], 1);
    let job = run_started(&s, &token, &started).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["progress"], 100);
    assert_eq!(job["result"]["credits_charged"], 1);

    // The finished job's event stream: one `done` event with the job, then the end.
    let job_id = job["id"].as_i64().unwrap();
    let resp = s
        .client
        .get(format!("/api/v1/system/jobs/{job_id}/events/"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await;
    resp.assert_status_is_ok();
    resp.assert_header("content-type", "text/event-stream");
    let text = resp.0.into_body().into_string().await.unwrap();
    assert!(text.contains("event: done"), "{text}");
    let data = text.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
    let event: Value = serde_json::from_str(data).unwrap();
    assert_eq!(
        (event["id"].as_i64(), event["status"].as_str()),
        (Some(job_id), Some("succeeded"))
    );

    // A running job's stream follows its progress to the end.
    let (_, clusters) = s
        .get(&token, "/api/v1/planner/clusters/?ordering=name")
        .await;
    let faucets = clusters["data"]["results"][0]["id"].as_i64().unwrap();
    // The model answers only when the test has seen the job waiting for it.
    let gate = Gate::default();
    fake.push(CHAT, FakeReply::chat_data(&json!({"ideas": [
        {"title": "How to choose a kitchen faucet", "description": "d", "content_type": "post",
         "content_structure": "guide", "target_keywords": ["kitchen faucet"], "estimated_word_count": 400,
         "outline": [{"heading": "Finishes", "notes": "", "subsections": []}]},
    ]})).held_by(&gate));
    let (status, started) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/clusters/generate_ideas/",
            json!({"ids": [faucets], "ideas_per_cluster": 1}),
        )
        .await;
    assert_eq!(status, 202, "{started}");
    let job_id = started["data"]["job"]["id"].as_i64().unwrap();
    let watcher = async {
        let resp = s
            .client
            .get(format!("/api/v1/system/jobs/{job_id}/events/"))
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await;
        let mut body = resp.0.into_body().into_bytes_stream();
        let mut text = String::new();
        while let Some(chunk) = body.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            let waiting = text
                .lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .filter_map(|d| serde_json::from_str::<Value>(d).ok())
                .any(|p| p["phase"] == "call");
            if waiting {
                gate.open();
            }
        }
        text
    };
    let (events, job) = tokio::time::timeout(std::time::Duration::from_secs(120), async {
        tokio::join!(watcher, run_started(&s, &token, &started))
    })
    .await
    .expect("the job and its event stream end");
    assert_eq!(job["status"], "succeeded", "{job}");
    let phases: Vec<Value> = events
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    // The model answered only once the stream had shown the job asking it.
    assert!(phases.len() >= 2, "progress…, done: {events}");
    assert!(phases.iter().any(|p| p["phase"] == "call"), "{events}");
    assert_eq!(phases.last().unwrap()["status"], "succeeded");
    let progress: Vec<i64> = phases
        .iter()
        .map(|p| p["progress"].as_i64().unwrap())
        .collect();
    assert!(
        progress.windows(2).all(|w| w[0] <= w[1]),
        "progress only grows: {progress:?}"
    );

    // Queue to the writer, write the article, make its image prompts and images.
    let (_, ideas) = s.get(&token, "/api/v1/planner/ideas/").await;
    let idea = ideas["data"]["results"][0]["id"].as_i64().unwrap();
    let (status, tasks) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/ideas/queue_to_writer/",
            json!({"ids": [idea]}),
        )
        .await;
    assert_eq!(status, 200, "{tasks}");
    let task = tasks["data"][0]["id"].as_i64().unwrap();
    // The shipped prompts, then an override of the content prompt that the next run uses.
    let (status, defaults) = s.get(&token, "/api/v1/thinker/prompts/defaults/").await;
    assert_eq!(status, 200, "{defaults}");
    let content_default = defaults["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["prompt_type"] == "content")
        .unwrap()
        .clone();
    assert_eq!(defaults["data"].as_array().unwrap().len(), 6);
    assert!(
        content_default["template"]
            .as_str()
            .unwrap()
            .contains("{{title}}")
    );
    assert!(
        content_default["variables"]
            .as_array()
            .unwrap()
            .contains(&json!("word_count"))
    );
    assert_eq!(content_default["overridden"], false);
    let (status, saved) = s
        .send("POST", &token, "/api/v1/thinker/prompts/", json!({"prompt_type": "content",
            "template": "HOUSE STYLE: write {{title}} for {{site}} in about {{word_count}} words."}))
        .await;
    assert_eq!(status, 201, "{saved}");
    let body = (0..400)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    fake.push(CHAT, FakeReply::chat_data(&json!({
        "title": "How to choose a kitchen faucet", "meta_title": "Kitchen faucets", "meta_description": "Pick well.",
        "tags": ["faucets"], "categories": ["Guides"],
        "html": format!("<h2>Finishes</h2><p><img src=x onerror=alert(1)>{body}</p>"),
    })));
    let (status, started) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/tasks/generate_content/",
            json!({"ids": [task]}),
        )
        .await;
    assert_eq!(status, 202, "{started}");
    let job = run_started(&s, &token, &started).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    let content = job["result"]["items"][0]["result"]["content_id"]
        .as_i64()
        .unwrap();
    let (_, c) = s
        .get(&token, &format!("/api/v1/writer/content/{content}/"))
        .await;
    let html = c["data"]["html"].as_str().unwrap();
    assert!(
        !html.contains("onerror") && html.contains("<h2>Finishes</h2>"),
        "{html}"
    );
    assert_eq!(c["data"]["word_count"], 401);

    fake.push(CHAT, FakeReply::chat_data(&json!({
        "featured": {"prompt": "A chrome faucet over a white sink", "alt_text": "Chrome faucet"},
        "in_article": [],
    })));
    let (status, started) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/content/generate_image_prompts/",
            json!({"ids": [content], "in_article": 0}),
        )
        .await;
    assert_eq!(status, 202, "{started}");
    assert_eq!(
        run_started(&s, &token, &started).await["status"],
        "succeeded"
    );
    let (_, images) = s
        .get(
            &token,
            &format!("/api/v1/writer/images/?content_id={content}"),
        )
        .await;
    let image = images["data"]["results"][0]["id"].as_i64().unwrap();
    assert_eq!(images["data"]["results"][0]["alt_text"], "Chrome faucet");
    fake.push(
        "/v1/images/generations",
        FakeReply::openai_image(b"\x89PNG\r\n\x1a\nfake"),
    );
    let (status, started) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/images/generate_images/",
            json!({"ids": [image]}),
        )
        .await;
    assert_eq!(status, 202, "{started}");
    let job = run_started(&s, &token, &started).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    let (_, img) = s
        .get(&token, &format!("/api/v1/writer/images/{image}/"))
        .await;
    assert_eq!(img["data"]["status"], "generated", "{img}");
    assert_eq!(img["data"]["has_file"], true, "{img}");
    // No answer of the flow says where the server keeps its files.
    let (_, images) = s
        .get(
            &token,
            &format!("/api/v1/writer/images/?content_id={content}"),
        )
        .await;
    let (_, jobs) = s.get(&token, "/api/v1/system/jobs/").await;
    for answer in [&started, &job, &img, &images, &jobs] {
        let text = answer.to_string();
        assert!(!text.contains(media.to_str().unwrap()), "{text}");
        assert!(
            !text.contains(&std::env::temp_dir().to_string_lossy().to_string()),
            "{text}"
        );
    }
    assert!(
        job.to_string().contains(&format!("image-{image}.png")),
        "{job}"
    );
    // The file itself, to its owner only.
    let resp = s
        .client
        .get(format!("/api/v1/writer/images/{image}/file/"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await;
    resp.assert_status_is_ok();
    resp.assert_header("content-type", "image/png");
    resp.assert_bytes(b"\x89PNG\r\n\x1a\nfake").await;
    let stranger = s.register("stranger@example.com", "Stranger").await;
    let (status, _) = s
        .get(&stranger, &format!("/api/v1/writer/images/{image}/file/"))
        .await;
    assert_eq!(status, 404);

    // Content sent to WordPress by someone else (the plugin) is linked to its post.
    let (status, linked) = s
        .send(
            "PATCH",
            &token,
            &format!("/api/v1/writer/content/{content}/"),
            json!({"wp_post_id": 42, "wp_url": "https://blog.example.com/?p=42",
                   "published_at": "2026-12-01T09:00:00Z"}),
        )
        .await;
    assert_eq!(status, 200, "{linked}");
    assert_eq!(linked["data"]["wp_post_id"], 42);
    assert_eq!(linked["data"]["wp_url"], "https://blog.example.com/?p=42");
    let (status, bad) = s
        .send(
            "PATCH",
            &token,
            &format!("/api/v1/writer/content/{content}/"),
            json!({"wp_post_id": -1, "wp_url": "javascript:alert(1)"}),
        )
        .await;
    assert_eq!(status, 400, "{bad}");
    assert!(
        bad["errors"]["wp_post_id"].is_array() && bad["errors"]["wp_url"].is_array(),
        "{bad}"
    );
    let (_, unchanged) = s
        .get(&token, &format!("/api/v1/writer/content/{content}/"))
        .await;
    assert_eq!(unchanged["data"]["wp_post_id"], 42, "nothing changed");

    // Image Testing: one picture now, attached to nothing; a provider error is a 502 with
    // the provider's own message, and nothing is charged for it.
    fake.push(
        "/v1/images/generations",
        FakeReply::openai_image(b"\x89PNG\r\n\x1a\ntest"),
    );
    let (status, tested) = s
        .send(
            "POST",
            &token,
            "/api/v1/thinker/image_testing/",
            json!({"prompt": "A red kettle"}),
        )
        .await;
    assert_eq!(status, 200, "{tested}");
    assert!(
        tested["data"]["url"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,")
    );
    assert!(
        tested["data"]["prompt"]
            .as_str()
            .unwrap()
            .contains("A red kettle")
    );
    let (_, before) = s.get(&token, "/api/v1/billing/balance/").await;
    fake.push("/v1/images/generations", FakeReply::json(400, json!({"error": {"message": "Your prompt was rejected by the safety system", "code": "content_policy_violation"}})));
    let (status, failed) = s
        .send(
            "POST",
            &token,
            "/api/v1/thinker/image_testing/",
            json!({"prompt": "Something"}),
        )
        .await;
    assert_eq!(status, 502, "{failed}");
    assert!(
        failed["message"]
            .as_str()
            .unwrap()
            .contains("rejected by the safety system"),
        "{failed}"
    );
    let (_, after) = s.get(&token, "/api/v1/billing/balance/").await;
    assert_eq!(before["data"]["credits"], after["data"]["credits"]);

    // Not enough credits: 402 before anything is queued or any model called.
    let calls = fake.requests().len();
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/tasks/generate_content/",
            json!({"ids": [task], "word_count": 20000}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (402, Some("insufficient_credits")),
        "{body}"
    );
    assert_eq!(fake.requests().len(), calls);

    // The dashboard shows the pipeline and what it cost.
    let (status, dash) = s.get(&token, "/api/v1/planner/dashboard/").await;
    assert_eq!(status, 200, "{dash}");
    let d = &dash["data"];
    assert_eq!(
        [
            &d["funnel"]["keywords"],
            &d["funnel"]["clusters"],
            &d["funnel"]["ideas"],
            &d["funnel"]["tasks"],
            &d["funnel"]["content"]
        ],
        [&json!(4), &json!(2), &json!(1), &json!(1), &json!(1)],
        "{dash}"
    );
    assert_eq!(d["keywords"]["by_status"]["clustered"], 4);
    assert_eq!(d["clusters_with_ideas"], 1);
    assert_eq!(d["credits_by_operation"]["auto_cluster"], 1);
    assert_eq!(d["credits_by_operation"]["generate_content"], 5);
    assert_eq!(d["credits_by_operation"]["generate_images"], 5);
    let per_day: i64 = d["credits_by_day"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["credits"].as_i64().unwrap())
        .sum();
    assert_eq!(
        per_day,
        1 + 2 + 5 + 1 + 5 + 5,
        "auto cluster, an idea, 401 words, prompts, an image, image testing"
    );
    let (status, _) = s
        .get(&token, "/api/v1/planner/dashboard/?sector_id=999999")
        .await;
    assert_eq!(status, 404);

    // Every call is in the usage log, and the ledger adds up.
    let (_, usage) = s.get(&token, "/api/v1/billing/usage/").await;
    assert_eq!(
        usage["data"]["count"].as_u64(),
        Some(fake.requests().len() as u64 - 1),
        "the refused test image is logged nowhere: {usage}"
    );
    s.close().await;
    let _ = std::fs::remove_dir_all(&media);
}

async fn ai_without_a_provider_says_how_to_connect_one(backend: Backend) {
    // The default settings: OpenAI's hosted API, no key.
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let token = s.register("nokey@example.com", "No key").await;
    let (_, sector) = site_and_sector(&s, &token).await;
    let (status, task) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/tasks/",
            json!({"sector_id": sector, "title": "An article"}),
        )
        .await;
    assert_eq!(status, 201, "{task}");
    let task = task["data"]["id"].as_i64().unwrap();
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/tasks/generate_content/",
            json!({"ids": [task]}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("not_configured")),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("integrations"),
        "{body}"
    );
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/thinker/image_testing/",
            json!({"prompt": "A kettle"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("not_configured")),
        "{body}"
    );
    let (_, jobs) = s.get(&token, "/api/v1/system/jobs/").await;
    assert_eq!(jobs["data"]["count"], 0, "nothing was queued");
    // The estimate still answers, and the free local clustering still runs.
    let (status, est) = s
        .send(
            "POST",
            &token,
            "/api/v1/billing/estimate/",
            json!({"operation": "generate_content", "ids": [task]}),
        )
        .await;
    assert_eq!(
        (status, est["data"]["credits"].as_i64()),
        (200, Some(18)),
        "{est}"
    );
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/auto_cluster/",
            json!({"sector_id": sector, "mode": "local"}),
        )
        .await;
    assert_eq!(
        (status, body["data"]["job"]["kind"].as_str()),
        (202, Some("local_cluster")),
        "{body}"
    );
    s.close().await;
}

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

/// Publishing over HTTP to the test WordPress (`tests/wordpress/site.sh up`); skipped when
/// there is none unless `IGNY8_TEST_REQUIRE` names `wordpress`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wordpress_publishing_over_http() {
    let var = |n: &str| std::env::var(format!("IGNY8_TEST_WORDPRESS_{n}")).ok();
    let (Some(url), Some(user), Some(password)) = (var("URL"), var("USER"), var("PASSWORD")) else {
        assert!(
            !std::env::var("IGNY8_TEST_REQUIRE").is_ok_and(|r| r.contains("wordpress")),
            "IGNY8_TEST_WORDPRESS_* are required"
        );
        return;
    };
    let Some(s) = server(Backend::Sqlite, |settings| {
        settings.outbound.allow_private = true;
    })
    .await
    else {
        return;
    };
    let token = s.register("wp@example.com", "WP").await;
    let (site, sector) = site_and_sector(&s, &token).await;

    // Not connected yet: publishing says what to do, and queues nothing.
    let (status, content) = s
        .send("POST", &token, "/api/v1/writer/content/", json!({"sector_id": sector,
            "title": format!("From the API {}", rand_suffix()), "html": "<h2>One</h2><p>Hello <script>x()</script>world.</p>",
            "tags": ["api"], "meta_title": "From the API", "meta_description": "Sent over HTTP."}))
        .await;
    assert_eq!(status, 201, "{content}");
    let content = content["data"]["id"].as_i64().unwrap();
    let (status, body) = s
        .send(
            "POST",
            &token,
            &format!("/api/v1/writer/content/{content}/publish/"),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("not_configured")),
        "{body}"
    );

    // Connect: the password is never shown back; the check reports the version and rights.
    let (status, body) = s
        .send(
            "PUT",
            &token,
            &format!("/api/v1/auth/sites/{site}/wordpress/"),
            json!({"url": url, "username": user, "application_password": password}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        !body.to_string().contains(&password),
        "the password is never returned"
    );
    assert!(
        body["data"]["wordpress_password_hint"]
            .as_str()
            .unwrap()
            .starts_with("••••")
    );
    let (status, check) = s
        .send(
            "POST",
            &token,
            &format!("/api/v1/auth/sites/{site}/test_connection/"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{check}");
    assert_eq!(
        (
            check["data"]["can_publish"].as_bool(),
            check["data"]["can_upload"].as_bool()
        ),
        (Some(true), Some(true))
    );
    assert!(check["data"]["wordpress_version"].is_string(), "{check}");

    // Publish: 202 with the job; the worker sends it; the content knows its post.
    let (status, started) = s
        .send(
            "POST",
            &token,
            &format!("/api/v1/writer/content/{content}/publish/"),
            json!({"status": "publish"}),
        )
        .await;
    assert_eq!(status, 202, "{started}");
    assert_eq!(started["data"]["kind"], "publish");
    let worker = igny8_core::jobs::Worker::new(s.state.core.clone());
    let job = worker.run_once().await.unwrap().unwrap();
    assert_eq!(
        job.status,
        igny8_core::jobs::JobStatus::Succeeded,
        "{:?}",
        job.error
    );
    let (_, c) = s
        .get(&token, &format!("/api/v1/writer/content/{content}/"))
        .await;
    assert_eq!(c["data"]["status"], "published");
    let post_id = c["data"]["wp_post_id"].as_i64().expect("wp_post_id");
    let link = c["data"]["wp_url"].as_str().expect("wp_url").to_owned();
    // Read it back from WordPress.
    let wp: Value = reqwest::Client::new()
        .get(format!(
            "{url}/?rest_route=/wp/v2/posts/{post_id}&context=edit"
        ))
        .basic_auth(&user, Some(&password))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(wp["link"].as_str(), Some(link.as_str()));
    assert_eq!(wp["status"], "publish");
    let raw = wp["content"]["raw"].as_str().unwrap();
    assert!(
        raw.contains("Hello") && !raw.contains("<script"),
        "sanitised on the way: {raw}"
    );
    assert_eq!(wp["meta"]["_yoast_wpseo_metadesc"], "Sent over HTTP.");

    // The bulk form, and bad input.
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/content/publish/",
            json!({"ids": [content], "status": "future"}),
        )
        .await;
    assert_eq!(
        (status, body["errors"]["date"].is_array()),
        (400, true),
        "{body}"
    );
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/content/publish/",
            json!({"ids": [content]}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let job = worker.run_once().await.unwrap().unwrap();
    assert_eq!(
        job.result.unwrap()["items"][0]["result"]["post_id"],
        post_id,
        "the same post"
    );

    // Disconnect: the credentials are gone.
    let (status, body) = s
        .send(
            "DELETE",
            &token,
            &format!("/api/v1/auth/sites/{site}/wordpress/"),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, body["data"]["wordpress_url"].is_null()),
        (200, true),
        "{body}"
    );
    s.close().await;
}

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
    s.close().await;
}

/// Every resource of account A, probed by account B: reads, changes, deletes, bulk operations
/// and ids smuggled into filters and bodies. Nothing of A is ever seen or changed.
async fn other_tenants_ids_are_always_not_found(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let a = s.register("a@example.com", "A").await;
    let b = s.register("b@example.com", "B").await;
    let (site, sector) = site_and_sector(&s, &a).await;
    let (_, b_sector) = site_and_sector(&s, &b).await;
    let mk = |path: &'static str, body: Value| {
        let s = &s;
        let a = a.clone();
        async move {
            let (status, v) = s.send("POST", &a, path, body).await;
            assert!(status == 201 || status == 200, "{path}: {v}");
            v["data"]["id"].as_i64().unwrap()
        }
    };
    let keyword = mk(
        "/api/v1/planner/keywords/",
        json!({"sector_id": sector, "keyword": "secret"}),
    )
    .await;
    let cluster = mk(
        "/api/v1/planner/clusters/",
        json!({"sector_id": sector, "name": "Secret"}),
    )
    .await;
    let idea = mk(
        "/api/v1/planner/ideas/",
        json!({"sector_id": sector, "title": "Secret idea"}),
    )
    .await;
    let task = mk(
        "/api/v1/writer/tasks/",
        json!({"sector_id": sector, "title": "Secret task"}),
    )
    .await;
    let content = mk(
        "/api/v1/writer/content/",
        json!({"sector_id": sector, "title": "Secret content", "html": "<p>x</p>"}),
    )
    .await;
    let image = mk(
        "/api/v1/writer/images/",
        json!({"sector_id": sector, "kind": "featured", "prompt": "x"}),
    )
    .await;
    let author = mk(
        "/api/v1/thinker/author-profiles/",
        json!({"name": "Secret author"}),
    )
    .await;
    let strategy = mk(
        "/api/v1/thinker/strategies/",
        json!({"name": "Secret strategy"}),
    )
    .await;
    let prompt = mk(
        "/api/v1/thinker/prompts/",
        json!({"prompt_type": "ideas", "template": "{{cluster}}"}),
    )
    .await;
    let (_, users) = s.get(&a, "/api/v1/auth/users/").await;
    let user = users["data"]["results"][0]["id"].as_i64().unwrap();
    let (_, key) = s
        .send("POST", &a, "/api/v1/auth/api-keys/", json!({"name": "k"}))
        .await;
    let api_key = key["data"]["key"]["id"].as_i64().unwrap();

    let resources: Vec<(String, i64, Value)> = vec![
        ("auth/users".into(), user, json!({"name": "hacked"})),
        ("auth/sites".into(), site, json!({"name": "hacked"})),
        ("auth/sectors".into(), sector, json!({"name": "hacked"})),
        ("planner/keywords".into(), keyword, json!({"volume": 1})),
        (
            "planner/clusters".into(),
            cluster,
            json!({"description": "hacked"}),
        ),
        ("planner/ideas".into(), idea, json!({"title": "hacked"})),
        ("writer/tasks".into(), task, json!({"title": "hacked"})),
        ("writer/content".into(), content, json!({"title": "hacked"})),
        ("writer/images".into(), image, json!({"prompt": "hacked"})),
        (
            "thinker/author-profiles".into(),
            author,
            json!({"tone": "hacked"}),
        ),
        (
            "thinker/strategies".into(),
            strategy,
            json!({"guidance": "hacked"}),
        ),
        (
            "thinker/prompts".into(),
            prompt,
            json!({"template": "{{cluster}} hacked"}),
        ),
    ];
    for (path, id, patch) in &resources {
        let one = format!("/api/v1/{path}/{id}/");
        assert_eq!(s.get(&b, &one).await.0, 404, "GET {one}");
        assert_eq!(
            s.send("PATCH", &b, &one, patch.clone()).await.0,
            404,
            "PATCH {one}"
        );
        assert_eq!(s.delete(&b, &one).await.0, 404, "DELETE {one}");
        let (status, body) = s
            .send(
                "POST",
                &b,
                &format!("/api/v1/{path}/bulk_delete/"),
                json!({"ids": [id]}),
            )
            .await;
        assert!(
            status == 200 && body["data"]["affected"] == 0 || status == 404,
            "bulk_delete {path}: {body}"
        );
        let (_, list) = s.get(&b, &format!("/api/v1/{path}/?ids={id}")).await;
        let leaked = list["data"]["results"]
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x["id"] == *id))
            || list["data"]
                .as_array()
                .is_some_and(|r| r.iter().any(|x| x["id"] == *id));
        assert!(!leaked, "{path} list leaks {id}: {list}");
    }
    assert_eq!(
        s.delete(&b, &format!("/api/v1/auth/api-keys/{api_key}/"))
            .await
            .0,
        404
    );
    let one_key = format!("/api/v1/auth/api-keys/{api_key}/");
    assert_eq!(s.get(&b, &one_key).await.0, 404);
    assert_eq!(
        s.send("PATCH", &b, &one_key, json!({"name": "hacked"}))
            .await
            .0,
        404
    );
    // The owner reads, renames, sets and clears the expiry; never sees the secret again.
    let (status, k) = s.get(&a, &one_key).await;
    assert_eq!(
        (status, k["data"]["name"].as_str()),
        (200, Some("k")),
        "{k}"
    );
    assert!(k["data"].get("secret").is_none());
    // Dates relative to the server's clock, not to the day the test runs.
    use igny8_core::Clock;
    let soon = (s.clock.now() + chrono::Duration::days(30)).to_rfc3339();
    let (status, k) = s
        .send(
            "PATCH",
            &a,
            &one_key,
            json!({"name": "ci key", "expires_at": soon}),
        )
        .await;
    assert_eq!(
        (status, k["data"]["name"].as_str()),
        (200, Some("ci key")),
        "{k}"
    );
    assert!(k["data"]["expires_at"].is_string());
    let (status, k) = s
        .send("PATCH", &a, &one_key, json!({"expires_at": null}))
        .await;
    assert_eq!(
        (status, k["data"]["expires_at"].is_null()),
        (200, true),
        "{k}"
    );
    let past = (s.clock.now() - chrono::Duration::days(1)).to_rfc3339();
    let (status, k) = s
        .send("PATCH", &a, &one_key, json!({"expires_at": past}))
        .await;
    assert_eq!(
        (status, k["errors"]["expires_at"].is_array()),
        (400, true),
        "{k}"
    );
    // Smuggled into filters and bodies.
    let (_, list) = s
        .get(
            &b,
            &format!("/api/v1/planner/keywords/?sector_id={sector}&cluster_id={cluster}"),
        )
        .await;
    assert_eq!(list["data"]["count"], 0);
    let (status, _) = s
        .send(
            "POST",
            &b,
            "/api/v1/planner/keywords/",
            json!({"sector_id": sector, "keyword": "intruder"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = s
        .send(
            "POST",
            &b,
            "/api/v1/planner/keywords/",
            json!({"sector_id": b_sector, "keyword": "mine"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = s
        .send(
            "POST",
            &b,
            "/api/v1/planner/keywords/bulk_update/",
            json!({"ids": [keyword], "volume": 5}),
        )
        .await;
    assert_eq!((status, body["data"]["affected"].as_u64()), (200, Some(0)));
    let (status, _) = s
        .send(
            "POST",
            &b,
            "/api/v1/writer/tasks/",
            json!({"sector_id": b_sector, "title": "t", "author_profile_id": author}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = s
        .send(
            "POST",
            &b,
            "/api/v1/planner/ideas/queue_to_writer/",
            json!({"ids": [idea]}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = s
        .send(
            "POST",
            &b,
            "/api/v1/planner/keywords/cluster_locally/",
            json!({"sector_id": sector}),
        )
        .await;
    assert_eq!(status, 404);
    let resp = s
        .client
        .post(format!(
            "/api/v1/planner/keywords/import/?sector_id={sector}"
        ))
        .header("authorization", format!("Bearer {b}"))
        .content_type("text/csv")
        .body("intruder\n")
        .send()
        .await;
    assert_eq!(split(resp).await.0, 404);
    // The AI functions, estimates and job streams don't reach A's objects either.
    for (path, body) in [
        ("planner/keywords/auto_cluster", json!({"ids": [keyword]})),
        (
            "planner/keywords/auto_cluster",
            json!({"sector_id": sector}),
        ),
        (
            "planner/keywords/auto_cluster",
            json!({"sector_id": sector, "mode": "local"}),
        ),
        ("planner/clusters/generate_ideas", json!({"ids": [cluster]})),
        ("writer/tasks/generate_content", json!({"ids": [task]})),
        (
            "writer/content/generate_image_prompts",
            json!({"ids": [content]}),
        ),
        ("writer/images/generate_images", json!({"ids": [image]})),
        (
            "billing/estimate",
            json!({"operation": "generate_content", "ids": [task]}),
        ),
    ] {
        let (status, v) = s.send("POST", &b, &format!("/api/v1/{path}/"), body).await;
        assert_eq!(status, 404, "{path}: {v}");
    }
    for (method, path, body) in [
        (
            "PUT",
            format!("auth/sites/{site}/wordpress"),
            json!({"url": "https://example.com", "username": "u", "application_password": "p"}),
        ),
        ("DELETE", format!("auth/sites/{site}/wordpress"), json!({})),
        (
            "POST",
            format!("auth/sites/{site}/test_connection"),
            json!({}),
        ),
        (
            "POST",
            format!("writer/content/{content}/publish"),
            json!({}),
        ),
        (
            "POST",
            "writer/content/publish".to_owned(),
            json!({"ids": [content]}),
        ),
    ] {
        let (status, v) = s.send(method, &b, &format!("/api/v1/{path}/"), body).await;
        assert_eq!(status, 404, "{method} {path}: {v}");
    }
    let (_, a_jobs) = s.get(&a, "/api/v1/system/jobs/").await;
    assert_eq!(a_jobs["data"]["count"], 0, "nothing was queued for anyone");
    let (status, job) = s
        .send(
            "POST",
            &a,
            "/api/v1/planner/keywords/auto_cluster/",
            json!({"sector_id": sector, "mode": "local"}),
        )
        .await;
    assert_eq!(status, 202, "{job}");
    let job = job["data"]["job"]["id"].as_i64().unwrap();
    assert_eq!(
        s.get(&b, &format!("/api/v1/system/jobs/{job}/")).await.0,
        404
    );
    let resp = s
        .client
        .get(format!("/api/v1/system/jobs/{job}/events/"))
        .header("authorization", format!("Bearer {b}"))
        .send()
        .await;
    assert_eq!(split(resp).await.0, 404);
    // A's data is untouched.
    let (status, kw) = s
        .get(&a, &format!("/api/v1/planner/keywords/{keyword}/"))
        .await;
    assert_eq!((status, kw["data"]["volume"].is_null()), (200, true));
    let (_, idea_now) = s.get(&a, &format!("/api/v1/planner/ideas/{idea}/")).await;
    assert_eq!(idea_now["data"]["status"], "new");
    let (_, tasks) = s.get(&a, "/api/v1/writer/tasks/").await;
    assert_eq!(tasks["data"]["count"], 1);
    s.close().await;
}

async fn roles_are_enforced(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let owner = s.register("o@example.com", "Roles").await;
    let (_, sector) = site_and_sector(&s, &owner).await;
    let mut tokens = std::collections::HashMap::new();
    for role in ["admin", "editor", "viewer"] {
        let email = format!("{role}@example.com");
        let (status, _) = s
            .send(
                "POST",
                &owner,
                "/api/v1/auth/users/",
                json!({"email": email, "password": "password123", "role": role}),
            )
            .await;
        assert_eq!(status, 201);
        let (_, login) = split(
            s.client
                .post("/api/v1/auth/login/")
                .body_json(&json!({"email": email, "password": "password123"}))
                .send()
                .await,
        )
        .await;
        tokens.insert(role, login["data"]["access"].as_str().unwrap().to_owned());
    }
    tokens.insert("owner", owner.clone());
    // (role, read, write planner, manage sites, billing-free operator endpoint)
    let matrix = [
        ("owner", true, true, true),
        ("admin", true, true, true),
        ("editor", true, true, false),
        ("viewer", true, false, false),
    ];
    for (role, read, write, manage) in matrix {
        let t = &tokens[role];
        let expect = |allowed: bool, ok: u16| if allowed { ok } else { 403 };
        assert_eq!(
            s.get(t, "/api/v1/planner/keywords/").await.0,
            expect(read, 200),
            "{role} read"
        );
        let (status, _) = s
            .send(
                "POST",
                t,
                "/api/v1/planner/keywords/",
                json!({"sector_id": sector, "keyword": format!("kw {role}")}),
            )
            .await;
        assert_eq!(status, expect(write, 201), "{role} write");
        let (status, _) = s
            .send(
                "POST",
                t,
                "/api/v1/auth/sites/",
                json!({"name": format!("site {role}")}),
            )
            .await;
        assert_eq!(status, expect(manage, 201), "{role} manage");
        let (status, _) = s
            .send(
                "POST",
                t,
                "/api/v1/thinker/prompts/",
                json!({"prompt_type": "ideas", "template": "{{cluster}}"}),
            )
            .await;
        assert_eq!(status, expect(manage, 201), "{role} prompts");
        assert_eq!(
            s.get(t, "/api/v1/operator/accounts/").await.0,
            403,
            "{role} operator"
        );
    }
    // API keys act with their role.
    let (_, key) = s
        .send(
            "POST",
            &owner,
            "/api/v1/auth/api-keys/",
            json!({"name": "viewer key", "role": "viewer"}),
        )
        .await;
    let secret = key["data"]["secret"].as_str().unwrap();
    let resp = s
        .client
        .get("/api/v1/planner/keywords/")
        .header("authorization", format!("Api-Key {secret}"))
        .send()
        .await;
    assert_eq!(split(resp).await.0, 200);
    let resp = s
        .client
        .post("/api/v1/planner/keywords/")
        .header("authorization", format!("Api-Key {secret}"))
        .body_json(&json!({"sector_id": sector, "keyword": "by key"}))
        .send()
        .await;
    assert_eq!(split(resp).await.0, 403);
    s.close().await;
}

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

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}
