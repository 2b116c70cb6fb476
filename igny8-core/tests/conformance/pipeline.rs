//! The AI pipeline end to end against the fake provider: import → auto cluster → ideas →
//! queue to writer → content → image prompts → images, with credits and usage checked; and a
//! worker that dies mid-job, whose job another worker finishes once and charges once.

use std::collections::HashSet;
use std::time::Duration;

use igny8_core::ai::functions::WORD_TOLERANCE;
use igny8_core::credits::{TransactionFilter, TransactionKind, UsageFilter};
use igny8_core::jobs::{Job, JobKind, JobStatus, Worker};
use igny8_core::list::PageRequest;
use igny8_core::planner::{ClusterFilter, ClusterSort, KeywordFilter, KeywordSort, QueueDefaults};
use igny8_core::testing::Tenant;
use igny8_core::testing::fake_ai::{FakeAi, FakeReply, Gate};
use igny8_core::writer::{ContentFilter, ContentSort, ImageFilter, ImageKind, ImageStatus};
use igny8_core::{Igny8, ManualClock, SqlStore, TaskId};
use serde_json::{Value, json};

use crate::support::{import, on_clock, tenant, with_fake};

const CHAT: &str = "/v1/chat/completions";
const IMAGES: &str = "/v1/images/generations";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\nfake image bytes";

/// `n` words of prose in paragraphs of 40.
fn prose(n: usize, seed: &str) -> String {
    let words: Vec<String> = (0..n).map(|i| format!("{seed}{}", i % 97)).collect();
    words
        .chunks(40)
        .map(|c| format!("<p>{}</p>", c.join(" ")))
        .collect()
}

fn words_of(html: &str) -> i64 {
    igny8_core::writer::count_words(html)
}

async fn run_one(worker: &Worker<SqlStore>) -> Job {
    worker
        .run_once()
        .await
        .expect("worker")
        .expect("a job was due")
}

async fn balance(core: &Igny8, t: &Tenant) -> i64 {
    core.credits().balance(&t.scope).await.unwrap()
}

/// Every ledger entry of the account's jobs: (kind, amount).
async fn ledger(core: &Igny8, t: &Tenant) -> Vec<(TransactionKind, i64)> {
    let page = core
        .credits()
        .transactions(
            &t.scope,
            &TransactionFilter::default(),
            &PageRequest::new(1, 1000),
        )
        .await
        .unwrap();
    page.items
        .into_iter()
        .filter(|e| e.operation.is_some())
        .map(|e| (e.kind, e.amount))
        .collect()
}

async fn usage_credits(core: &Igny8, t: &Tenant, job: &Job) -> (usize, i64) {
    let filter = UsageFilter {
        job_id: Some(job.id),
        ..UsageFilter::default()
    };
    let rows = core
        .credits()
        .usage(&t.scope, &filter, &PageRequest::new(1, 1000))
        .await
        .unwrap()
        .items;
    assert!(
        rows.iter()
            .all(|r| r.model == "fake-model" || r.images == 1),
        "usage rows name the model: {rows:?}"
    );
    (rows.len(), rows.iter().map(|r| r.credits).sum())
}

/// The tenant's content, newest first (at most 10).
async fn contents_of(core: &Igny8, t: &Tenant) -> Vec<igny8_core::writer::Content> {
    core.contents()
        .list(
            &t.scope,
            &ContentFilter::default(),
            &ContentSort::default(),
            &PageRequest::new(1, 10),
        )
        .await
        .unwrap()
        .items
}

fn charged(job: &Job) -> i64 {
    job.result
        .as_ref()
        .and_then(|r| r.get("credits_charged"))
        .and_then(Value::as_i64)
        .unwrap_or(-1)
}

pub(crate) async fn the_whole_pipeline_runs_and_is_charged_once(core: Igny8) {
    let fake = FakeAi::start().await;
    let media = std::env::temp_dir().join(format!("igny8-media-{}", rand_suffix()));
    let core = with_fake(&core, &fake, &media);
    let t = tenant(&core, "Pipeline", 500).await;
    let worker = Worker::new(core.clone()).idle(Duration::from_millis(10));
    let start_balance = balance(&core, &t).await;

    // Import twelve keywords.
    let list = "keyword,volume\ngarden hose,9000\nbest garden hose,4000\nexpandable garden hose,3000\n\
        garden hose reel,2500\nhose reel cart,900\nwall mounted hose reel,700\n\
        drip irrigation kit,5000\ndrip irrigation system,3000\nsoaker hose,2000\n\
        irrigation timer,1500\nhose splitter,300\nhose washer,100\n";
    assert_eq!(import(&core, &t, list).await.imported, 12);

    // Auto Cluster: the model places ten keywords in two clusters and forgets two; those are
    // placed by the local clustering. Every keyword ends up in a cluster.
    fake.push(
        CHAT,
        FakeReply::chat_data(&json!({"clusters": [
            {"name": "Garden hoses", "description": "Choosing a garden hose.", "existing_cluster_id": null,
             "keywords": [1, 2, 3, 4, 5, 6]},
            {"name": "Drip irrigation", "description": "Watering with drip systems.", "existing_cluster_id": null,
             "keywords": [7, 8, 9, 10, 99]},
        ]})),
    );
    let (job, estimate) = core
        .ai()
        .start(
            &t.scope,
            JobKind::AutoCluster,
            json!({"sector_id": t.sector.get()}),
        )
        .await
        .unwrap();
    assert_eq!((estimate.units, estimate.credits), (1, 1));
    let done = run_one(&worker).await;
    assert_eq!(done.id, job.id);
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    assert_eq!(charged(&done), 1);
    let prompt = fake.requests()[0].body.to_string();
    for k in ["garden hose reel", "hose washer", "drip irrigation kit"] {
        assert!(prompt.contains(k), "the prompt lists {k}");
    }
    assert!(
        prompt.contains("json_schema"),
        "the schema goes in response_format"
    );
    let unclustered = KeywordFilter {
        has_cluster: Some(false),
        ..KeywordFilter::default()
    };
    let left = core
        .keywords()
        .list(
            &t.scope,
            &unclustered,
            &KeywordSort::default(),
            &PageRequest::new(1, 100),
        )
        .await
        .unwrap();
    assert_eq!(left.total, Some(0), "every keyword is in a cluster");
    let clusters = core
        .clusters()
        .list(
            &t.scope,
            &ClusterFilter::default(),
            &ClusterSort::default(),
            &PageRequest::new(1, 100),
        )
        .await
        .unwrap()
        .items;
    let hoses = clusters.iter().find(|c| c.name == "Garden hoses").unwrap();
    assert!(
        hoses.keyword_count >= 6,
        "the model's six, and leftovers that fit"
    );
    assert_eq!(clusters.iter().map(|c| c.keyword_count).sum::<i64>(), 12);
    assert_eq!(
        hoses.description.as_deref(),
        Some("Choosing a garden hose.")
    );
    assert!(clusters.iter().any(|c| c.name == "Drip irrigation"));

    // Generate Ideas for the hose cluster: two ideas with outlines.
    let outline = json!([
        {"heading": "What makes a good hose", "notes": "materials", "subsections": []},
        {"heading": "Our picks", "notes": "", "subsections": ["Budget", "Premium"]},
    ]);
    fake.push(
        CHAT,
        FakeReply::chat_data(&json!({"ideas": [
            {"title": "The best garden hoses of 2026", "description": "A tested guide.", "content_type": "post",
             "content_structure": "review", "target_keywords": ["best garden hose", "garden hose"],
             "estimated_word_count": 2000, "outline": outline},
            {"title": "How to store a garden hose", "description": "Reels and carts.", "content_type": "post",
             "content_structure": "how_to", "target_keywords": ["garden hose reel"],
             "estimated_word_count": 600, "outline": []},
        ]})),
    );
    let (_, estimate) = core
        .ai()
        .start(
            &t.scope,
            JobKind::GenerateIdeas,
            json!({"ids": [hoses.id.get()], "ideas_per_cluster": 2}),
        )
        .await
        .unwrap();
    assert_eq!(estimate.credits, 4);
    let done = run_one(&worker).await;
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    assert_eq!(charged(&done), 4);
    let ideas = core
        .ideas()
        .list(
            &t.scope,
            &Default::default(),
            &Default::default(),
            &PageRequest::new(1, 10),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(ideas.len(), 2);
    let review = ideas.iter().find(|i| i.title.contains("best")).unwrap();
    assert_eq!(review.outline.len(), 2);
    assert_eq!(review.cluster_id, Some(hoses.id));

    // Generating again: an idea for the same main keyword as one the site has ("Best garden
    // hoses" is "best garden hose"), and one whose title says the same as another's, are not
    // made — the result names what each duplicates; the new one is made, and only it is
    // charged.
    let store_idea = ideas.iter().find(|i| i.title.contains("store")).unwrap();
    fake.push(
        CHAT,
        FakeReply::chat_data(&json!({"ideas": [
            {"title": "Garden hoses worth buying", "description": "Again.", "content_type": "post",
             "content_structure": "review", "target_keywords": ["Best garden hoses"],
             "estimated_word_count": 1200, "outline": []},
            {"title": "How to Store a Garden Hose", "description": "Again.", "content_type": "post",
             "content_structure": "how_to", "target_keywords": ["hose storage"],
             "estimated_word_count": 600, "outline": []},
            {"title": "Fixing a leaking hose connector", "description": "New.", "content_type": "post",
             "content_structure": "how_to", "target_keywords": ["hose connector leak"],
             "estimated_word_count": 600, "outline": []},
        ]})),
    );
    core.ai()
        .start(
            &t.scope,
            JobKind::GenerateIdeas,
            json!({"ids": [hoses.id.get()], "ideas_per_cluster": 3}),
        )
        .await
        .unwrap();
    let again = run_one(&worker).await;
    assert_eq!(again.status, JobStatus::Succeeded, "{:?}", again.error);
    assert_eq!(charged(&again), 2, "one idea made, one charged");
    let result = &again.result.as_ref().unwrap()["items"][0]["result"];
    assert_eq!(result["idea_ids"].as_array().unwrap().len(), 1, "{result}");
    assert_eq!(
        result["skipped"],
        json!([
            {"title": "Garden hoses worth buying", "reason": "same_primary_keyword",
             "duplicates": {"kind": "idea", "id": review.id.get(), "title": review.title}},
            {"title": "How to Store a Garden Hose", "reason": "similar_title",
             "duplicates": {"kind": "idea", "id": store_idea.id.get(), "title": store_idea.title}},
        ])
    );
    let ideas = core
        .ideas()
        .list(
            &t.scope,
            &Default::default(),
            &Default::default(),
            &PageRequest::new(1, 10),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(ideas.len(), 3);
    assert!(
        core.ideas()
            .overlaps(&t.scope, t.site)
            .await
            .unwrap()
            .is_empty(),
        "the ideas made don't compete"
    );
    let ideas: Vec<_> = ideas
        .into_iter()
        .filter(|i| !i.title.contains("connector"))
        .collect();
    assert_eq!(ideas.len(), 2);

    // Queue to the writer: a long article (2000 words) and a short one (600), with an author
    // profile and a strategy whose voice and guidance must reach the content prompts.
    let author = core
        .thinker()
        .create_author(
            &t.scope,
            igny8_core::thinker::AuthorProfileInput {
                name: Some("Sam Gardener".into()),
                tone: Some(Some("wry and precise".into())),
                style: Some(Some("short sentences".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let strategy = core
        .thinker()
        .create_strategy(
            &t.scope,
            igny8_core::thinker::StrategyInput {
                name: Some("Buyers".into()),
                guidance: Some(Some("Always compare prices.".into())),
                prompt_customisations: Some(
                    [("content".to_owned(), "End with a checklist.".to_owned())].into(),
                ),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for (idea, words) in [
        (review.id, 2000),
        (ideas.iter().find(|i| i.id != review.id).unwrap().id, 600),
    ] {
        let made = core
            .ideas()
            .queue_to_writer(
                &t.scope,
                &[idea],
                QueueDefaults {
                    target_word_count: Some(words),
                    author_profile_id: Some(author.id),
                    strategy_id: Some(strategy.id),
                },
            )
            .await
            .unwrap()
            .tasks;
        tasks.push(made[0].clone());
    }

    // Generate Content. The long one: a plan, then four sections of 460 words (one comes back
    // far too short and is asked for again; one carries a script and an event handler).
    let meta = |title: &str| {
        json!({"title": title, "meta_title": format!("{title} | Test"),
               "meta_description": "What to buy and why.", "tags": ["hoses", "garden"],
               "categories": ["Reviews"]})
    };
    // Its plan's introduction doesn't use the keyword: the plan is asked for once more.
    let mut plan = meta("The best garden hoses of 2026");
    plan["intro_html"] = json!(prose(160, "intro"));
    plan["sections"] = json!([
        {"heading": "What makes a good hose", "notes": "", "words": 460},
        {"heading": "Our picks", "notes": "", "words": 460},
        {"heading": "Care", "notes": "", "words": 460},
        {"heading": "Verdict", "notes": "", "words": 460},
    ]);
    fake.push(CHAT, FakeReply::chat_data(&plan));
    plan["intro_html"] = json!(format!(
        "<p>Choosing the best garden hose starts here.</p>{}",
        prose(153, "intro")
    ));
    fake.push(CHAT, FakeReply::chat_data(&plan));
    fake.push(
        CHAT,
        FakeReply::chat_data(&json!({"html": format!(
            "<h2>What makes a good hose</h2><script>alert(1)</script><p onclick=\"steal()\">Rubber lasts.</p>{}",
            prose(450, "good"))})),
    );
    fake.push(
        CHAT,
        FakeReply::chat_data(&json!({"html": format!("<h2>Our picks</h2>{}", prose(60, "short"))})),
    );
    fake.push(
        CHAT,
        FakeReply::chat_data(
            &json!({"html": format!("<h2>Our picks</h2>{}", prose(455, "picks"))}),
        ),
    );
    fake.push(
        CHAT,
        FakeReply::chat_data(&json!({"html": format!("<h2>Care</h2>{}", prose(458, "care"))})),
    );
    fake.push(
        CHAT,
        FakeReply::chat_data(
            &json!({"html": format!("<h2>Verdict</h2>{}", prose(462, "verdict"))}),
        ),
    );
    // The short one: one call.
    let mut short = meta("How to store a garden hose");
    short["html"] = json!(format!(
        "<h2>Garden hose reel basics</h2>{}",
        prose(587, "store")
    ));
    fake.push(CHAT, FakeReply::chat_data(&short));

    let ids: Vec<i64> = tasks.iter().map(|t| t.id.get()).collect();
    let (_, estimate) = core
        .ai()
        .start(&t.scope, JobKind::GenerateContent, json!({"ids": ids}))
        .await
        .unwrap();
    assert_eq!(estimate.credits, 23 + 7, "2300 and 690 words at most");
    let done = run_one(&worker).await;
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    assert_eq!(fake.pending(), 0, "every scripted answer was used");
    let contents = contents_of(&core, &t).await;
    assert_eq!(contents.len(), 2);
    let long = contents
        .iter()
        .find(|c| c.task_id == Some(tasks[0].id))
        .unwrap();
    let tolerance = |target: f64| {
        (target * (1.0 - WORD_TOLERANCE)) as i64..=(target * (1.0 + WORD_TOLERANCE)) as i64
    };
    assert!(
        tolerance(2000.0).contains(&long.word_count),
        "{} words",
        long.word_count
    );
    assert_eq!(long.word_count, words_of(&long.html));
    assert!(!long.html.contains("<script") && !long.html.contains("onclick"));
    assert!(
        long.html.contains("Rubber lasts."),
        "the text survives cleaning"
    );
    assert!(
        !long.html.contains("short1 "),
        "the short section was replaced"
    );
    assert_eq!(
        long.meta_title.as_deref(),
        Some("The best garden hoses of 2026 | Test")
    );
    assert_eq!(long.tags, vec!["hoses", "garden"]);
    assert_eq!(long.primary_keyword.as_deref(), Some("best garden hose"));
    assert!(
        long.html
            .starts_with("<p>Choosing the best garden hose starts here.</p>"),
        "the introduction asked for again: {}",
        &long.html[..200]
    );
    assert!(
        fake.requests().iter().any(|r| r
            .body
            .to_string()
            .contains("Rewrite the introduction (intro_html) so it uses")),
        "asked again, naming the keyword"
    );
    let short_content = contents
        .iter()
        .find(|c| c.task_id == Some(tasks[1].id))
        .unwrap();
    assert!(tolerance(600.0).contains(&short_content.word_count));
    let words_charged = (long.word_count as f64 / 100.0).ceil() as i64
        + (short_content.word_count as f64 / 100.0).ceil() as i64;
    assert_eq!(charged(&done), words_charged);
    for task in &tasks {
        let task = core.tasks().get(&t.scope, task.id).await.unwrap();
        assert_eq!(task.status, igny8_core::writer::TaskStatus::Done);
    }
    let sections_asked = fake
        .requests()
        .iter()
        .filter(|r| r.body.to_string().contains("article_section"))
        .count();
    assert_eq!(sections_asked, 5, "four sections, one asked for twice");
    let content_prompts: Vec<String> = fake
        .requests()
        .iter()
        .map(|r| r.body.to_string())
        .filter(|b| b.contains(r#""name":"article"#))
        .collect();
    assert_eq!(
        content_prompts.len(),
        8,
        "a plan twice, five sections, a short article"
    );
    for body in &content_prompts {
        for wanted in [
            "wry and precise",
            "short sentences",
            "Sam Gardener",
            "Always compare prices.",
            "End with a checklist.",
        ] {
            assert!(
                body.contains(wanted),
                "{wanted} is missing from a content prompt"
            );
        }
    }

    // Generate Image Prompts for the long article, then the images.
    fake.push(
        CHAT,
        FakeReply::chat_data(&json!({
            "featured": {"prompt": "A coiled green garden hose on a lawn at dawn", "alt_text": "A green hose on grass"},
            "in_article": [
                {"prompt": "Close-up of a brass hose connector", "alt_text": "Brass connector"},
                {"prompt": "A hose reel cart beside a shed", "alt_text": "Hose reel cart"},
            ],
        })),
    );
    core.ai()
        .start(
            &t.scope,
            JobKind::GenerateImagePrompts,
            json!({"ids": [long.id.get()], "in_article": 2}),
        )
        .await
        .unwrap();
    let done = run_one(&worker).await;
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    assert_eq!(charged(&done), 1);
    let filter = ImageFilter {
        content_id: Some(long.id),
        ..ImageFilter::default()
    };
    let images = core
        .images()
        .list(&t.scope, &filter, &PageRequest::new(1, 10))
        .await
        .unwrap()
        .items;
    assert_eq!(images.len(), 3);
    assert_eq!(
        images
            .iter()
            .filter(|i| i.kind == ImageKind::Featured)
            .count(),
        1
    );
    assert!(images.iter().all(|i| i.status == ImageStatus::Pending
        && i.alt_text.is_some()
        && i.negative_prompt.is_some()));

    for _ in 0..3 {
        fake.push(IMAGES, FakeReply::openai_image(PNG));
    }
    let ids: Vec<i64> = images.iter().map(|i| i.id.get()).collect();
    let (_, estimate) = core
        .ai()
        .start(&t.scope, JobKind::GenerateImages, json!({"ids": ids}))
        .await
        .unwrap();
    assert_eq!(estimate.credits, 15);
    let done = run_one(&worker).await;
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    assert_eq!(charged(&done), 15);
    let summary = serde_json::to_string(&done.result).unwrap();
    assert!(!summary.contains(media.to_str().unwrap()), "{summary}");
    let images = core
        .images()
        .list(&t.scope, &filter, &PageRequest::new(1, 10))
        .await
        .unwrap()
        .items;
    for image in &images {
        assert_eq!(image.status, ImageStatus::Generated);
        let path = image.file_path.as_deref().expect("stored as a file");
        // Relative to the media directory: results don't show the server's directories.
        assert_eq!(
            path,
            format!("{}/image-{}.png", image.account_id.get(), image.id.get())
        );
        assert_eq!(std::fs::read(media.join(path)).unwrap(), PNG);
        assert_eq!(image.model.as_deref(), Some("gpt-image-1"));
    }
    let featured = images
        .iter()
        .find(|i| i.kind == ImageKind::Featured)
        .unwrap();
    assert_eq!(featured.alt_text.as_deref(), Some("A green hose on grass"));
    let image_call = fake
        .requests()
        .into_iter()
        .find(|r| r.path == IMAGES)
        .unwrap();
    let sent = image_call.body["prompt"].as_str().unwrap().to_owned();
    assert!(sent.contains("A coiled green garden hose") && sent.contains("photorealistic"));

    // Credits: what was held for each job was charged for the work done, the rest released;
    // the ledger sums to the balance; one usage row per model call, with the credits.
    let spent = 1 + 4 + 2 + words_charged + 1 + 15;
    assert_eq!(balance(&core, &t).await, start_balance - spent);
    let (bal, sum) = core.credits().audit(&t.scope).await.unwrap();
    assert_eq!(bal, sum);
    let entries = ledger(&core, &t).await;
    assert_eq!(
        entries
            .iter()
            .filter(|(k, _)| *k == TransactionKind::Hold)
            .count(),
        6,
        "one hold per job: {entries:?}"
    );
    let jobs = core
        .jobs()
        .list(&t.scope, &Default::default(), &PageRequest::new(1, 10))
        .await
        .unwrap()
        .items;
    let mut calls = 0;
    for job in &jobs {
        let (rows, credits) = usage_credits(&core, &t, job).await;
        assert_eq!(credits, charged(job), "usage credits of {}", job.kind);
        calls += rows;
    }
    assert_eq!(calls, fake.requests().len(), "one usage row per model call");
    let _ = std::fs::remove_dir_all(&media);
}

pub(crate) async fn insufficient_credits_fail_before_any_model_call(core: Igny8) {
    let fake = FakeAi::start().await;
    let media = std::env::temp_dir();
    let core = with_fake(&core, &fake, &media);
    let t = tenant(&core, "Poor", 3).await;
    let task = new_task(&core, &t, "A long article", &[], 3000, None).await;
    let payload = json!({"ids": [task.id.get()]});
    let estimate = core
        .ai()
        .estimate(&t.scope, JobKind::GenerateContent, &payload)
        .await
        .unwrap();
    assert_eq!(
        (estimate.credits, estimate.balance, estimate.enough),
        (35, Some(3), false)
    );
    let err = core
        .ai()
        .start(&t.scope, JobKind::GenerateContent, payload.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code(), igny8_core::ErrorCode::InsufficientCredits);
    assert!(err.to_string().contains("35 needed, 3 available"), "{err}");
    let queued = core
        .jobs()
        .list(&t.scope, &Default::default(), &PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(queued.total, Some(0), "nothing was queued");

    // A job queued while the balance sufficed, run after it dropped: it fails at the hold.
    let job = core
        .jobs()
        .enqueue(
            &t.scope,
            igny8_core::jobs::NewJob {
                kind: JobKind::GenerateContent,
                site_id: None,
                payload,
                max_attempts: None,
                run_after: None,
            },
        )
        .await
        .unwrap();
    let worker = Worker::new(core.clone());
    let done = run_one(&worker).await;
    assert_eq!(done.id, job.id);
    assert_eq!(done.status, JobStatus::Failed);
    assert!(done.error.unwrap().contains("insufficient credits"));
    assert!(fake.requests().is_empty(), "no model was called");
    assert_eq!(balance(&core, &t).await, 3);
    // Bad input: a clear error, nothing queued.
    let err = core
        .ai()
        .start(
            &t.scope,
            JobKind::GenerateContent,
            json!({"ids": [], "tone": 1}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), igny8_core::ErrorCode::Validation);
    let err = core
        .ai()
        .start(&t.scope, JobKind::GenerateContent, json!({"ids": [999999]}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), igny8_core::ErrorCode::NotFound);
}

/// A core on a manual clock over `core`'s database, talking to `fake`, with an account of 100
/// credits and three writer tasks of 300 words.
async fn three_tasks(core: &Igny8, fake: &FakeAi) -> (Igny8, ManualClock, Tenant, Vec<TaskId>) {
    let (core, clock) = on_clock(core, chrono::Utc::now()).await;
    let core = with_fake(&core, fake, &std::env::temp_dir());
    let t = tenant(&core, "Resume", 100).await;
    let mut ids = Vec::new();
    for title in ["First", "Second", "Third"] {
        let task = new_task(&core, &t, title, &[], 300, None).await;
        ids.push(task.id);
    }
    (core, clock, t, ids)
}

fn article(title: &str) -> FakeReply {
    let mut a = json!({"title": title, "meta_title": title, "meta_description": "d",
                       "tags": [], "categories": []});
    a["html"] = json!(prose(300, "w"));
    FakeReply::chat_data(&a)
}

/// Waits (polling, up to a minute however slow the machine) until `done`.
async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited a minute for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Runs a worker until it has asked for the second article (which hangs), then kills it.
async fn kill_at_the_second_article(core: &Igny8, fake: &FakeAi) {
    let doomed = Worker::new(core.clone()).lease(Duration::from_secs(60));
    let running = tokio::spawn(async move { doomed.run_once().await });
    wait_until("the worker to ask for the second article", || {
        fake.requests().len() == 2
    })
    .await;
    running.abort();
    let _ = running.await;
}

/// A writer task in `t`'s sector: its title, keywords (the primary first), length and cluster.
async fn new_task(
    core: &Igny8,
    t: &Tenant,
    title: &str,
    keywords: &[&str],
    words: i64,
    cluster: Option<igny8_core::ClusterId>,
) -> igny8_core::writer::Task {
    core.tasks()
        .create(
            &t.scope,
            igny8_core::writer::NewTask {
                sector_id: t.sector,
                idea_id: None,
                cluster_id: cluster,
                title: title.into(),
                brief: None,
                keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
                content_type: None,
                content_structure: None,
                target_word_count: Some(words),
                author_profile_id: None,
                strategy_id: None,
                scheduled_at: None,
            },
        )
        .await
        .unwrap()
}

/// Generate Content for `task`, run to success by a worker: the finished job.
async fn write(core: &Igny8, t: &Tenant, task: TaskId) -> Job {
    core.ai()
        .start(&t.scope, JobKind::GenerateContent, ids_payload(&[task]))
        .await
        .unwrap();
    let done = run_one(&Worker::new(core.clone())).await;
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    done
}

/// The content written for `task`.
async fn content_of(core: &Igny8, t: &Tenant, task: TaskId) -> igny8_core::writer::Content {
    let filter = ContentFilter {
        task_id: Some(task),
        ..Default::default()
    };
    core.contents()
        .list(
            &t.scope,
            &filter,
            &ContentSort::default(),
            &PageRequest::new(1, 1),
        )
        .await
        .unwrap()
        .items
        .remove(0)
}

fn ids_payload(ids: &[TaskId]) -> Value {
    json!({"ids": ids.iter().map(|i| i.get()).collect::<Vec<_>>()})
}

pub(crate) async fn a_dead_workers_job_is_finished_once_and_charged_once(core: Igny8) {
    let fake = FakeAi::start().await;
    let (core, clock, t, ids) = three_tasks(&core, &fake).await;
    // The first article comes at once; the second never does (its gate stays shut): the
    // worker dies waiting for it.
    let never = Gate::default();
    fake.push(CHAT, article("First"));
    fake.push(CHAT, article("Second").held_by(&never));
    let (job, estimate) = core
        .ai()
        .start(&t.scope, JobKind::GenerateContent, ids_payload(&ids))
        .await
        .unwrap();
    assert_eq!(estimate.credits, 12);
    kill_at_the_second_article(&core, &fake).await;
    let mid = core.jobs().get(&t.scope, job.id).await.unwrap();
    assert_eq!(mid.status, JobStatus::Running);

    // Another worker takes the job over once the lease has run out, and skips the first task.
    fake.push(CHAT, article("Second"));
    fake.push(CHAT, article("Third"));
    let rescuer = Worker::new(core.clone()).lease(Duration::from_secs(60));
    assert!(
        rescuer.run_once().await.unwrap().is_none(),
        "not while the lease holds"
    );
    clock.advance(chrono::Duration::seconds(61));
    let done = run_one(&rescuer).await;
    assert_eq!(done.id, job.id);
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    assert_eq!(done.attempts, 2);
    assert_eq!(
        fake.requests().len(),
        4,
        "the first article was not written again"
    );

    let contents = contents_of(&core, &t).await;
    assert_eq!(contents.len(), 3, "one content per task");
    let tasks: HashSet<Option<TaskId>> = contents.iter().map(|c| c.task_id).collect();
    assert_eq!(tasks.len(), 3);
    assert_eq!(
        ledger(&core, &t).await,
        vec![(TransactionKind::Release, 3), (TransactionKind::Hold, -12)],
        "one hold, settled once (newest first)"
    );
    assert_eq!(balance(&core, &t).await, 100 - 9);
    assert_eq!(charged(&done), 9);
    let (bal, sum) = core.credits().audit(&t.scope).await.unwrap();
    assert_eq!(bal, sum);
    assert_eq!(
        core.ai().settle_abandoned(10).await.unwrap(),
        0,
        "nothing left held"
    );
}

/// Waits (up to 20 s of real time, polling) until `ready` holds; panics with `what` if not.
async fn wait_for<F: std::future::Future<Output = bool>>(what: &str, mut ready: impl FnMut() -> F) {
    for _ in 0..2000 {
        if ready().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("gave up waiting until {what}");
}

pub(crate) async fn a_reply_slower_than_the_lease_is_asked_for_and_paid_for_once(core: Igny8) {
    let fake = FakeAi::start().await;
    let (core, clock, t, ids) = three_tasks(&core, &fake).await;
    let gate = Gate::default();
    fake.push(CHAT, article("First").held_by(&gate));
    let (job, estimate) = core
        .ai()
        .start(&t.scope, JobKind::GenerateContent, ids_payload(&ids[..1]))
        .await
        .unwrap();
    let lease = Duration::from_secs(60);
    let slow = Worker::new(core.clone())
        .lease(lease)
        .renew_every(Duration::from_millis(20));
    let running = tokio::spawn(async move { slow.run_once().await });
    wait_for("the model call is in flight", || async {
        fake.requests().len() == 1
    })
    .await;

    // The model takes longer than the lease: the busy worker's renewals keep the job its own.
    clock.advance(chrono::Duration::seconds(61));
    wait_for("the lease is renewed past the new time", || async {
        let j = core.jobs().get(&t.scope, job.id).await.unwrap();
        j.lease_expires_at.is_some_and(|end| end > core.now())
    })
    .await;
    let other = Worker::new(core.clone()).lease(lease);
    assert!(
        other.run_once().await.unwrap().is_none(),
        "a healthy worker's job is not taken over while its model call runs"
    );

    gate.open();
    let done = running
        .await
        .unwrap()
        .unwrap()
        .expect("the slow worker finished its job");
    assert_eq!(done.id, job.id);
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    assert_eq!(done.attempts, 1, "one attempt");
    assert_eq!(fake.requests().len(), 1, "the model was asked once");
    assert_eq!(contents_of(&core, &t).await.len(), 1, "one article");
    let ledger = ledger(&core, &t).await;
    assert_eq!(
        ledger,
        vec![
            (TransactionKind::Release, estimate.credits - charged(&done)),
            (TransactionKind::Hold, -estimate.credits)
        ],
        "one hold, settled once (newest first)"
    );
    assert_eq!(balance(&core, &t).await, 100 - charged(&done));
}

pub(crate) async fn a_hold_left_by_a_worker_dying_on_the_last_attempt_is_settled(core: Igny8) {
    let fake = FakeAi::start().await;
    let (core, clock, t, ids) = three_tasks(&core, &fake).await;
    let never = Gate::default();
    fake.push(CHAT, article("First"));
    fake.push(CHAT, article("Second").held_by(&never));
    let job = core
        .jobs()
        .enqueue(
            &t.scope,
            igny8_core::jobs::NewJob {
                kind: JobKind::GenerateContent,
                site_id: None,
                payload: ids_payload(&ids),
                max_attempts: Some(1),
                run_after: None,
            },
        )
        .await
        .unwrap();
    kill_at_the_second_article(&core, &fake).await;
    clock.advance(chrono::Duration::seconds(61));
    // The next claim gives the job up: it had one attempt.
    let worker = Worker::new(core.clone());
    assert!(worker.run_once().await.unwrap().is_none());
    let failed = core.jobs().get(&t.scope, job.id).await.unwrap();
    assert_eq!(failed.status, JobStatus::Failed);
    assert_eq!(balance(&core, &t).await, 88, "still held");
    // Settling charges the article that was written and gives the rest back, once.
    assert_eq!(core.ai().settle_abandoned(10).await.unwrap(), 1);
    assert_eq!(core.ai().settle_abandoned(10).await.unwrap(), 0);
    assert_eq!(
        ledger(&core, &t).await,
        vec![(TransactionKind::Release, 9), (TransactionKind::Hold, -12)]
    );
    assert_eq!(balance(&core, &t).await, 97);
    let (bal, sum) = core.credits().audit(&t.scope).await.unwrap();
    assert_eq!(bal, sum);
}

pub(crate) async fn a_cancelled_job_is_charged_for_what_it_finished(core: Igny8) {
    let fake = FakeAi::start().await;
    let (core, _clock, t, ids) = three_tasks(&core, &fake).await;
    fake.push(CHAT, article("First"));
    // The second article is written only once the job has been asked to stop.
    let gate = Gate::default();
    fake.push(CHAT, article("Second").held_by(&gate));
    let (job, _) = core
        .ai()
        .start(&t.scope, JobKind::GenerateContent, ids_payload(&ids))
        .await
        .unwrap();
    let worker = Worker::new(core.clone());
    let running = tokio::spawn(async move { worker.run_once().await });
    wait_until("the worker to ask for the second article", || {
        fake.requests().len() == 2
    })
    .await;
    // Asked to stop while the second article is being written: the worker stops at its next
    // report, the second article is not saved, and only the first is charged.
    let asked = core.jobs().cancel(&t.scope, job.id).await.unwrap();
    assert!(asked.cancel_requested);
    gate.open();
    let done = running.await.unwrap().unwrap().expect("finished");
    assert_eq!(done.status, JobStatus::Cancelled);
    assert_eq!(
        fake.requests().len(),
        2,
        "the third article was never asked for"
    );
    let contents = contents_of(&core, &t).await;
    assert_eq!(contents.len(), 1);
    assert_eq!(
        ledger(&core, &t).await,
        vec![(TransactionKind::Release, 9), (TransactionKind::Hold, -12)]
    );
    // Both model calls are in the usage log; only the first carries credits.
    let (rows, credits) = usage_credits(&core, &t, &done).await;
    assert_eq!((rows, credits), (2, 3));
}

pub(crate) async fn a_refused_unit_fails_alone(core: Igny8) {
    let fake = FakeAi::start().await;
    let (core, _clock, t, ids) = three_tasks(&core, &fake).await;
    // The provider refuses the first article outright (no retry), writes the other two.
    fake.push(
        CHAT,
        FakeReply::json(
            400,
            json!({"error": {"message": "This request violates our usage policies", "code": "content_policy"}}),
        ),
    );
    fake.push(CHAT, article("Second"));
    fake.push(CHAT, article("Third"));
    let (job, _) = core
        .ai()
        .start(&t.scope, JobKind::GenerateContent, ids_payload(&ids))
        .await
        .unwrap();
    let done = run_one(&Worker::new(core.clone())).await;
    assert_eq!(done.id, job.id);
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    let result = done.result.clone().unwrap();
    assert_eq!(
        (result["done"].as_u64(), result["failed"].as_u64()),
        (Some(2), Some(1))
    );
    let error = result["errors"][0]["error"].as_str().unwrap();
    assert!(error.contains("violates our usage policies"), "{error}");
    assert_eq!(result["errors"][0]["id"].as_i64(), Some(ids[0].get()));
    let first = core.tasks().get(&t.scope, ids[0]).await.unwrap();
    assert_eq!(first.status, igny8_core::writer::TaskStatus::Failed);
    assert_eq!(charged(&done), 6);
    assert_eq!(balance(&core, &t).await, 94);

    // When every unit is refused, the job fails with the provider's message and nothing is
    // charged.
    fake.push(
        CHAT,
        FakeReply::json(
            400,
            json!({"error": {"message": "Invalid model", "code": "model_not_found"}}),
        ),
    );
    core.ai()
        .start(&t.scope, JobKind::GenerateContent, ids_payload(&ids[..1]))
        .await
        .unwrap();
    let failed = run_one(&Worker::new(core.clone())).await;
    assert_eq!(failed.status, JobStatus::Failed);
    assert!(
        failed.error.as_deref().unwrap().contains("Invalid model"),
        "{:?}",
        failed.error
    );
    assert_eq!(balance(&core, &t).await, 94);
}

pub(crate) async fn a_provider_outage_requeues_the_job_and_it_is_charged_once(core: Igny8) {
    let fake = FakeAi::start().await;
    let (core, clock, t, ids) = three_tasks(&core, &fake).await;
    // The first article is written; then the provider answers 503 to every try (two, as
    // configured): the job goes back to the queue with its hold and its finished article.
    fake.push(CHAT, article("First"));
    fake.push(CHAT, FakeReply::status(503));
    fake.push(CHAT, FakeReply::status(503));
    let (job, _) = core
        .ai()
        .start(&t.scope, JobKind::GenerateContent, ids_payload(&ids))
        .await
        .unwrap();
    let worker = Worker::new(core.clone());
    let first = run_one(&worker).await;
    assert_eq!(first.id, job.id);
    assert_eq!(first.status, JobStatus::Queued, "{:?}", first.error);
    assert!(
        first.error.as_deref().unwrap().contains("503"),
        "{:?}",
        first.error
    );
    assert_eq!(
        balance(&core, &t).await,
        88,
        "the hold stays for the next attempt"
    );
    assert!(
        worker.run_once().await.unwrap().is_none(),
        "not before its retry time"
    );

    // The provider is back: the model answers in a code fence, cut off once (asked again).
    fake.push(
        CHAT,
        FakeReply::chat_with("```json\n{\"title\": \"Sec", "length", 10, 5),
    );
    let mut second = json!({"title": "Second", "meta_title": "Second", "meta_description": "d",
                            "tags": [], "categories": []});
    second["html"] = json!(prose(300, "w"));
    fake.push(
        CHAT,
        FakeReply::chat(&format!("Here it is:\n```json\n{second}\n```")),
    );
    fake.push(CHAT, article("Third"));
    clock.advance(chrono::Duration::seconds(31));
    let done = run_one(&worker).await;
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    assert_eq!(done.attempts, 2);
    let first_again = fake
        .requests()
        .iter()
        .filter(|r| r.body.to_string().contains("First"))
        .count();
    assert_eq!(first_again, 1, "the first article was asked for once");
    assert_eq!(charged(&done), 9);
    assert_eq!(
        ledger(&core, &t).await,
        vec![(TransactionKind::Release, 3), (TransactionKind::Hold, -12)]
    );
    let (rows, credits) = usage_credits(&core, &t, &done).await;
    assert_eq!(
        (rows, credits),
        (4, 9),
        "three articles and the cut-off answer"
    );
}

pub(crate) async fn a_job_taken_over_after_its_last_unit_succeeds_and_is_charged(core: Igny8) {
    let fake = FakeAi::start().await;
    let (core, clock, t, _) = three_tasks(&core, &fake).await;
    import(&core, &t, "keyword\nhose reel\nhose cart\nsoaker hose\n").await;
    let (job, _) = core
        .ai()
        .start(
            &t.scope,
            JobKind::AutoCluster,
            json!({"sector_id": t.sector.get()}),
        )
        .await
        .unwrap();
    // What a worker leaves when it dies right after saving its only batch: the job running
    // under its lease, its hold, the keywords clustered, the batch in the checkpoint.
    let lease = Duration::from_secs(60);
    let claimed = core
        .jobs()
        .claim("ghost", &[JobKind::AutoCluster], lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, job.id);
    core.credits()
        .reserve(
            &t.scope,
            igny8_core::credits::ReserveRequest {
                amount: 1,
                operation: "auto_cluster".into(),
                reference: Some(igny8_core::credits::Reference::new("job", job.id.get())),
                idempotency_key: Some(format!("job:{}", job.id.get())),
            },
        )
        .await
        .unwrap();
    core.clusters()
        .cluster_locally(&t.scope, t.sector, &Default::default())
        .await
        .unwrap();
    let mut progress = igny8_core::jobs::Progress::new(95, "save", "1 of 1 done");
    progress.checkpoint = Some(json!({"done": [
        {"object": {"kind": "keyword_batch", "id": 1}, "credits": 1, "summary": null}
    ]}));
    core.jobs()
        .report(job.id, "ghost", &progress, lease)
        .await
        .unwrap();
    assert_eq!(balance(&core, &t).await, 99);

    // Taken over: nothing is left to cluster, which means it is done, not failed.
    clock.advance(chrono::Duration::seconds(61));
    let done = run_one(&Worker::new(core.clone())).await;
    assert_eq!(done.id, job.id);
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    assert!(fake.requests().is_empty(), "no model was asked");
    // Its hold is charged for the batch by the sweep, once.
    assert_eq!(core.ai().settle_abandoned(10).await.unwrap(), 1);
    assert_eq!(core.ai().settle_abandoned(10).await.unwrap(), 0);
    assert_eq!(balance(&core, &t).await, 99);
    assert_eq!(
        ledger(&core, &t).await,
        vec![(TransactionKind::Hold, -1)],
        "charged in full: nothing to release"
    );
    let hold = core
        .credits()
        .transactions(
            &t.scope,
            &TransactionFilter::default(),
            &PageRequest::new(1, 10),
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|e| e.kind == TransactionKind::Hold)
        .unwrap();
    let reservation = core
        .credits()
        .reservation(&t.scope, hold.reservation_id.unwrap())
        .await
        .unwrap();
    assert_eq!(reservation.charged, Some(1));
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

pub(crate) async fn a_models_markup_in_text_fields_is_stripped(core: Igny8) {
    let fake = FakeAi::start().await;
    let (core, _clock, t, ids) = three_tasks(&core, &fake).await;
    // Escaped markup in the model's text fields must not come back to life by decoding.
    let mut a = json!({
        "title": "&lt;img src=x onerror=alert(1)&gt;Garden <b>hoses</b> &amp; reels",
        "meta_title": "&#60;script&#62;alert(1)&#60;/script&#62;Hoses",
        "meta_description": "<i>Pick</i> a hose &lt;svg onload=alert(1)&gt; that fits; 5 &lt; 6",
        "tags": ["&lt;b&gt;hoses&lt;/b&gt;"],
        "categories": ["Garden"],
    });
    a["html"] = json!(format!(
        "{}<p>&lt;img src=x onerror=alert(1)&gt;</p><script>alert(1)</script>",
        prose(300, "w")
    ));
    fake.push(CHAT, FakeReply::chat_data(&a));
    core.ai()
        .start(&t.scope, JobKind::GenerateContent, ids_payload(&ids[..1]))
        .await
        .unwrap();
    let done = run_one(&Worker::new(core.clone())).await;
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.result);
    let content = contents_of(&core, &t).await.remove(0);
    assert_eq!(content.title, "Garden hoses & reels");
    assert_eq!(content.meta_title.as_deref(), Some("alert(1)Hoses"));
    assert_eq!(
        content.meta_description.as_deref(),
        Some("Pick a hose that fits; 5 < 6")
    );
    assert_eq!(content.tags, ["hoses"]);
    for text in [
        &content.title,
        content.meta_title.as_ref().unwrap(),
        content.meta_description.as_ref().unwrap(),
    ] {
        assert_eq!(igny8_core::markup_in(text), None, "{text}");
    }
    // The body keeps the escaped text as text; the script is gone.
    assert!(
        content
            .html
            .contains("<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
        "{}",
        content.html
    );
    assert!(!content.html.contains("<script"), "{}", content.html);
}

/// Generate Content keeps internal links only to pages the site has: the site's published
/// articles are offered in the prompt; a link to one stays, an invented one and a second link
/// with the same anchor lose their link (the words stay), links to other sites stay; the job
/// result says which.
pub(crate) async fn generated_articles_link_only_to_pages_that_exist(core: Igny8) {
    let fake = FakeAi::start().await;
    let (core, _clock, t, ids) = three_tasks(&core, &fake).await;
    core.tenancy()
        .update_site(
            &t.scope,
            t.site,
            igny8_core::tenancy::SitePatch {
                url: Some(Some("https://garden.example".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let published = core
        .contents()
        .create(
            &t.scope,
            igny8_core::writer::NewContent {
                sector_id: t.sector,
                task_id: None,
                title: "Hose reels compared".into(),
                html: "<p>Reels.</p>".into(),
                meta_title: None,
                meta_description: None,
                primary_keyword: Some("hose reel".into()),
                secondary_keywords: vec![],
                tags: vec![],
                categories: vec![],
                faq: None,
            },
        )
        .await
        .unwrap();
    core.contents()
        .update(
            &t.scope,
            published.id,
            igny8_core::writer::ContentPatch {
                status: Some(igny8_core::writer::ContentStatus::Published),
                wp_url: Some(Some("https://garden.example/hose-reels/".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut answer = json!({"title": "First", "meta_title": "First", "meta_description": "d",
                            "tags": [], "categories": []});
    answer["html"] = json!(format!(
        "<p>Store it on <a href=\"https://garden.example/hose-reels\">a hose reel</a>, not \
         <a href=\"/guides/hose-mistakes/\">like this</a>; see \
         <a href=\"https://www.garden.example/hose-reels/#top\">a hose reel</a> and \
         <a href=\"https://extension.example.edu/watering\">a study</a>.</p>{}",
        prose(300, "w")
    ));
    fake.push(CHAT, FakeReply::chat_data(&answer));
    core.ai()
        .start(&t.scope, JobKind::GenerateContent, ids_payload(&ids[..1]))
        .await
        .unwrap();
    let done = run_one(&Worker::new(core.clone())).await;
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    let prompt = fake.requests()[0].body.to_string();
    assert!(
        prompt.contains("Internal links:")
            && prompt.contains("Hose reels compared: https://garden.example/hose-reels/"),
        "the prompt offers the site's published pages: {prompt}"
    );
    let content = core
        .contents()
        .list(
            &t.scope,
            &igny8_core::writer::ContentFilter {
                task_id: Some(ids[0]),
                ..Default::default()
            },
            &Default::default(),
            &PageRequest::new(1, 1),
        )
        .await
        .unwrap()
        .items
        .remove(0);
    assert!(
        content.html.starts_with(
            "<p>Store it on <a href=\"https://garden.example/hose-reels\">a hose reel</a>, not \
             like this; see a hose reel and \
             <a href=\"https://extension.example.edu/watering\">a study</a>.</p>"
        ),
        "{}",
        content.html
    );
    let links = &done.result.as_ref().unwrap()["items"][0]["result"]["links"];
    assert_eq!(
        links,
        &json!({
            "kept": [{"url": "https://garden.example/hose-reels", "anchor": "a hose reel"}],
            "removed": [
                {"url": "/guides/hose-mistakes/", "anchor": "like this",
                 "why": "not a page of the site IGNY8 knows"},
                {"url": "https://www.garden.example/hose-reels/#top", "anchor": "a hose reel",
                 "why": "the same anchor text as an earlier link"},
            ],
        })
    );
}

/// WordPress posts recorded in the link inventory are offered to the model, most related
/// first, and kept as link targets (a plain-permalink `?p=` address is told apart from an
/// invented one); a related older IGNY8 article gets a suggested and inserted link back.
pub(crate) async fn synced_wordpress_pages_are_link_targets_and_linked_back(core: Igny8) {
    use igny8_core::inventory::{LinkKind, SyncedPage};
    let fake = FakeAi::start().await;
    let (core, _clock, t, _ids) = three_tasks(&core, &fake).await;
    core.tenancy()
        .update_site(
            &t.scope,
            t.site,
            igny8_core::tenancy::SitePatch {
                url: Some(Some("http://garden.example".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let page = |id: i64, title: &str, tags: &[&str]| SyncedPage {
        kind: LinkKind::Post,
        wp_id: id,
        url: format!("http://garden.example/?p={id}"),
        title: title.into(),
        keywords: tags.iter().map(|t| t.to_string()).collect(),
        modified_at: None,
    };
    core.inventory()
        .record(
            &t.scope,
            t.site,
            vec![
                page(7, "Pruning roses in spring", &["roses"]),
                page(12, "How to store a garden hose", &["hoses", "storage"]),
                page(15, "Compost basics", &[]),
                page(16, "Hose reels", &[]),
            ],
            true,
            None,
        )
        .await
        .unwrap();
    // An older IGNY8 article about hoses, published, that mentions the new one's keyword.
    let older = core
        .contents()
        .create(
            &t.scope,
            igny8_core::writer::NewContent {
                sector_id: t.sector,
                task_id: None,
                title: "Garden hose storage ideas".into(),
                html: "<h2>Hose reel</h2><p>Before you buy a hose reel, measure the hose.</p>"
                    .into(),
                meta_title: None,
                meta_description: None,
                primary_keyword: Some("garden hose storage".into()),
                secondary_keywords: vec![],
                tags: vec![],
                categories: vec![],
                faq: None,
            },
        )
        .await
        .unwrap();
    core.contents()
        .update(
            &t.scope,
            older.id,
            igny8_core::writer::ContentPatch {
                status: Some(igny8_core::writer::ContentStatus::Published),
                wp_url: Some(Some("http://garden.example/?p=30".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let task = new_task(
        &core,
        &t,
        "Choosing a garden hose reel",
        &["hose reel", "garden hose"],
        300,
        None,
    )
    .await;
    let mut answer = json!({"title": "Choosing a garden hose reel", "meta_title": "Hose reels",
                            "meta_description": "d", "tags": [], "categories": []});
    answer["html"] = json!(format!(
        "<p>A hose reel for your garden hose: see <a href=\"http://garden.example/?p=12\">how \
         to store a hose</a> and <a href=\"http://garden.example/?p=99\">our reel test</a>.</p>{}",
        prose(290, "w")
    ));
    fake.push(CHAT, FakeReply::chat_data(&answer));
    let done = write(&core, &t, task.id).await;
    let prompt = fake.requests()[0].body.to_string();
    let offered = |title: &str| {
        prompt
            .find(title)
            .unwrap_or_else(|| panic!("{title} offered: {prompt}"))
    };
    assert!(
        offered("How to store a garden hose: http://garden.example/?p=12")
            < offered("Pruning roses in spring: http://garden.example/?p=7"),
        "the most related page is offered first"
    );
    let links = &done.result.as_ref().unwrap()["items"][0]["result"]["links"];
    assert_eq!(links["kept"][0]["url"], "http://garden.example/?p=12");
    assert_eq!(links["removed"][0]["url"], "http://garden.example/?p=99");
    assert_eq!(
        links["removed"][0]["why"],
        "not a page of the site IGNY8 knows"
    );
    // The site's post "Hose reels" is written for the article's keyword: the result says so.
    let conflicts = &done.result.as_ref().unwrap()["items"][0]["result"]["conflicts"];
    assert_eq!(conflicts.as_array().map(Vec::len), Some(1), "{conflicts}");
    assert_eq!(conflicts[0]["b"]["kind"], "post");
    assert_eq!(conflicts[0]["b"]["id"], 16);
    assert_eq!(conflicts[0]["reason"], "same_primary_keyword");
    assert_eq!(conflicts[0]["action"], "retarget");

    // Published, the new article gets links back from the related pages: the older IGNY8
    // article (where IGNY8 can insert it) and the hose post (by hand); not the roses.
    let new = content_of(&core, &t, task.id).await;
    core.contents()
        .update(
            &t.scope,
            new.id,
            igny8_core::writer::ContentPatch {
                status: Some(igny8_core::writer::ContentStatus::Published),
                primary_keyword: Some(Some("hose reel".into())),
                wp_url: Some(Some("http://garden.example/?p=40".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let back = core
        .inventory()
        .links_back(&t.scope, new.id, 10)
        .await
        .unwrap();
    let from: Vec<&str> = back.iter().map(|b| b.from.url.as_str()).collect();
    assert!(from.contains(&"http://garden.example/?p=30"), "{back:?}");
    assert!(!from.contains(&"http://garden.example/?p=7"), "{back:?}");
    let igny8 = back
        .iter()
        .find(|b| b.from.content_id == Some(older.id))
        .unwrap();
    assert_eq!(igny8.anchor, "hose reel");
    assert_eq!(
        igny8.paragraph.as_deref(),
        Some("Before you buy a hose reel, measure the hose.")
    );
    let linked = core
        .inventory()
        .insert_link_back(&t.scope, older.id, new.id)
        .await
        .unwrap();
    assert_eq!(
        linked.html,
        "<h2>Hose reel</h2><p>Before you buy a \
         <a href=\"http://garden.example/?p=40\">hose reel</a>, measure the hose.</p>"
    );
    // Once linked, it is neither suggested nor inserted again.
    let back = core
        .inventory()
        .links_back(&t.scope, new.id, 10)
        .await
        .unwrap();
    assert!(back.iter().all(|b| b.from.content_id != Some(older.id)));
    let again = core
        .inventory()
        .insert_link_back(&t.scope, older.id, new.id)
        .await
        .unwrap_err();
    assert_eq!(again.code(), igny8_core::ErrorCode::Conflict);

    // Links out, for an editor: pages whose keywords or title the body (as the editor holds
    // it, block comments and all) uses as whole words; not the article itself, not pages it
    // already links to, not unrelated ones.
    let editing = "<!-- wp:paragraph --><p>Hose reels keep a garden hose tidy, and garden hose \
                   storage matters.</p><!-- /wp:paragraph -->";
    let out = core
        .inventory()
        .links_out(&t.scope, new.id, Some(editing), 10)
        .await
        .unwrap();
    let anchor = |url: &str| {
        out.iter()
            .find(|o| o.to.url == url)
            .map(|o| (o.anchor.as_str(), o.paragraph.as_str()))
    };
    assert_eq!(
        anchor("http://garden.example/?p=16"),
        Some((
            "Hose reels",
            "Hose reels keep a garden hose tidy, and garden hose storage matters."
        )),
        "{out:?}"
    );
    assert_eq!(
        anchor("http://garden.example/?p=30").map(|a| a.0),
        Some("garden hose storage"),
        "{out:?}"
    );
    for absent in ["http://garden.example/?p=7", "http://garden.example/?p=40"] {
        assert!(anchor(absent).is_none(), "{absent}: {out:?}");
    }
    let linked = editing.replace(
        "Hose reels",
        "<a href=\"http://garden.example/?p=16\">Hose reels</a>",
    );
    let out = core
        .inventory()
        .links_out(&t.scope, new.id, Some(&linked), 10)
        .await
        .unwrap();
    assert!(
        out.iter()
            .all(|o| o.to.url != "http://garden.example/?p=16"),
        "already linked: {out:?}"
    );

    // The checks of the article as the editor holds it: nothing given is the stored article;
    // a title or slug without the keyword fails its check; nothing is saved.
    let contents = core.contents();
    let same = contents
        .check_draft(&t.scope, new.id, igny8_core::writer::Draft::default())
        .await
        .unwrap();
    let passed = |r: &igny8_core::writer::seo::SeoReport, id: &str| {
        r.checks.iter().find(|c| c.id == id).unwrap().passed
    };
    let new = content_of(&core, &t, task.id).await;
    assert_eq!(
        same,
        contents
            .checks(&t.scope, std::slice::from_ref(&new))
            .await
            .unwrap()
            .pop()
            .unwrap()
    );
    let draft = |title: &str, slug: &str| igny8_core::writer::Draft {
        title: Some(title.into()),
        slug: Some(slug.into()),
        ..Default::default()
    };
    let elsewhere = contents
        .check_draft(&t.scope, new.id, draft("Watering cans", "watering-cans"))
        .await
        .unwrap();
    assert!(!passed(&elsewhere, "keyword_in_title"));
    assert!(!passed(&elsewhere, "keyword_in_slug"));
    assert!(elsewhere.score < same.score);
    let on_topic = contents
        .check_draft(
            &t.scope,
            new.id,
            draft("The hose reel guide", "hose-reel-guide"),
        )
        .await
        .unwrap();
    assert!(passed(&on_topic, "keyword_in_title"));
    assert!(passed(&on_topic, "keyword_in_slug"));
    assert_eq!(
        content_of(&core, &t, task.id).await.title,
        new.title,
        "nothing saved"
    );
    let huge = igny8_core::writer::Draft {
        html: Some("x".repeat(igny8_core::writer::MAX_HTML_BYTES + 1)),
        ..Default::default()
    };
    let refused = contents
        .check_draft(&t.scope, new.id, huge)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), igny8_core::ErrorCode::Validation);
}

/// An article whose first 100 words don't use the task's primary keyword is asked for once
/// more, naming the keyword; the answer that uses it is saved, and the result says it asked.
pub(crate) async fn an_article_without_its_keyword_up_front_is_asked_for_again(core: Igny8) {
    let fake = FakeAi::start().await;
    let (core, _clock, t, _ids) = three_tasks(&core, &fake).await;
    let task = new_task(
        &core,
        &t,
        "Choosing a garden hose",
        &["garden hose"],
        300,
        None,
    )
    .await;
    let reply = |intro: &str| {
        let mut a = json!({"title": "Choosing a garden hose", "meta_title": "Garden hoses",
                           "meta_description": "d", "tags": [], "categories": []});
        a["html"] = json!(format!("<p>{intro}</p>{}", prose(296, "w")));
        FakeReply::chat_data(&a)
    };
    fake.push(CHAT, reply("Watering made simple today."));
    fake.push(CHAT, reply("A garden hose, chosen well."));
    let done = write(&core, &t, task.id).await;
    let requests = fake.requests();
    assert_eq!(requests.len(), 2, "asked once more");
    let asked = requests[1].body["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(asked.contains("\"garden hose\""), "{asked}");
    let result = &done.result.as_ref().unwrap()["items"][0]["result"];
    assert_eq!(result["reasked_for_keyword"], true, "{result}");
    let content = core
        .contents()
        .get(
            &t.scope,
            igny8_core::ContentId(result["content_id"].as_i64().unwrap()),
        )
        .await
        .unwrap();
    assert!(
        content
            .html
            .starts_with("<p>A garden hose, chosen well.</p>"),
        "{}",
        content.html
    );
}

/// With `content.faq_questions` set, an article answers its cluster's question keywords
/// (most searched first) after the article; what the model sends is cleaned and cut to the
/// number asked for, kept as data, and published as headings and paragraphs with the
/// questions in the post meta.
pub(crate) async fn an_article_answers_its_clusters_questions(core: Igny8) {
    use igny8_core::planner::{KeywordDraft, KeywordMetrics, KeywordPatch, NewCluster};
    let fake = FakeAi::start().await;
    let (core, _clock, t, _ids) = three_tasks(&core, &fake).await;
    core.system()
        .set_setting(&t.scope, "content.faq_questions", &json!(2))
        .await
        .unwrap();
    let cluster = core
        .clusters()
        .create(
            &t.scope,
            NewCluster {
                sector_id: t.sector,
                name: "Kettle care".into(),
                description: None,
            },
        )
        .await
        .unwrap();
    for (keyword, volume) in [
        ("descale kettle", 9000),
        ("how often should you descale a kettle", 700),
        ("can you descale a kettle with vinegar", 1500),
        ("why does my kettle have white flakes?", 90),
    ] {
        let k = core
            .keywords()
            .create(
                &t.scope,
                t.sector,
                KeywordDraft {
                    keyword: keyword.into(),
                    metrics: KeywordMetrics {
                        volume: Some(volume),
                        difficulty: None,
                        cpc: None,
                        intent: None,
                    },
                },
            )
            .await
            .unwrap();
        core.keywords()
            .update(
                &t.scope,
                k.id,
                KeywordPatch {
                    cluster_id: Some(Some(cluster.id)),
                    ..KeywordPatch::default()
                },
            )
            .await
            .unwrap();
    }
    let task = new_task(
        &core,
        &t,
        "Descaling a kettle",
        &["descale kettle"],
        300,
        Some(cluster.id),
    )
    .await;
    let mut answer = json!({"title": "Descaling a kettle", "meta_title": "Descaling a kettle",
                            "meta_description": "d", "tags": [], "categories": []});
    answer["html"] = json!(format!(
        "<p>To descale kettle scale, boil.</p>{}",
        prose(290, "w")
    ));
    answer["faq"] = json!({"heading": "Questions about descaling", "questions": [
        {"question": "Can you descale a kettle with <b>vinegar</b>?", "answer": "Yes: half water, half vinegar."},
        {"question": "How often should you descale a kettle?", "answer": "Monthly in hard-water areas."},
        {"question": "A third one nobody asked for?", "answer": "Dropped."},
    ]});
    fake.push(CHAT, FakeReply::chat_data(&answer));
    write(&core, &t, task.id).await;
    // Asked for two, the cluster's questions by volume first, and for a `faq` in the answer.
    let prompt = fake.requests()[0].body.to_string();
    let at = |q: &str| {
        prompt
            .find(q)
            .unwrap_or_else(|| panic!("{q} asked: {prompt}"))
    };
    assert!(prompt.contains("After the article, answer 2 questions readers ask about"));
    assert!(at("- can you descale a kettle with vinegar") < at("- how often should you descale"));
    assert!(!prompt.contains("- why does my kettle"), "two at most");
    assert!(!prompt.contains("- descale kettle"), "not a question");
    assert!(
        prompt.contains(r#"\"faq\""#),
        "the schema asks for it: {prompt}"
    );

    let content = content_of(&core, &t, task.id).await;
    let faq = content.faq.clone().expect("the questions are kept");
    assert_eq!(faq.heading, "Questions about descaling");
    let questions: Vec<&str> = faq.questions.iter().map(|q| q.question.as_str()).collect();
    assert_eq!(
        questions,
        [
            "Can you descale a kettle with vinegar?",
            "How often should you descale a kettle?"
        ]
    );
    assert!(
        !content.html.contains("Questions about descaling"),
        "the body is the article"
    );

    // Published: a heading, and a subheading and paragraph per question, after the article.
    let post = igny8_core::publish::render_post(
        &content,
        &[],
        &[],
        igny8_core::publish::PostFormat::Blocks,
    );
    let heading = post
        .content
        .find("<h2 class=\"wp-block-heading\">Questions about descaling</h2>")
        .unwrap_or_else(|| panic!("{}", post.content));
    assert!(post.content.find("boil.").unwrap() < heading);
    assert!(
        post.content.contains(
            "<!-- wp:heading {\"level\":3} -->\n<h3 class=\"wp-block-heading\">How often should you descale a kettle?</h3>"
        ),
        "{}",
        post.content
    );
    assert!(post.content.contains("<p>Monthly in hard-water areas.</p>"));
    let meta: Value = serde_json::from_str(&post.meta[igny8_core::publish::FAQ_META]).unwrap();
    assert_eq!(meta[1]["answer"], "Monthly in hard-water areas.");
}
