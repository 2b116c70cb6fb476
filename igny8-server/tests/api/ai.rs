//! The five AI functions over HTTP, and what an account without a provider is told.

use igny8_core::Backend;
use serde_json::{Value, json};

use crate::support::{self, server, split};
use crate::{rand_suffix, site_and_sector};

on_backends!(
    ai_functions_over_http,
    ai_without_a_provider_says_how_to_connect_one,
);

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
    // What it did in words, and the step that follows.
    assert_eq!(
        job["summary"], "Grouped 4 keywords into 2 clusters (2 new). 1 credit used.",
        "{job}"
    );
    assert_eq!(job["next_step"], "generate_ideas", "{job}");

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
        "html": format!("<h2>Kitchen faucet finishes</h2><p><img src=x onerror=alert(1)>{body}</p>"),
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
        !html.contains("onerror") && html.contains("<h2>Kitchen faucet finishes</h2>"),
        "{html}"
    );
    assert_eq!(c["data"]["word_count"], 403);

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
