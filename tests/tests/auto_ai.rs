//! The whole AI pipeline on SQLite against the fake provider's auto-responder, with nothing
//! scripted: keywords → Auto Cluster → ideas → writer → a short and a long article → image
//! prompts → images from OpenAI and from Runware. And the `igny8-fake-ai` binary, spawned as
//! the WordPress and browser tests spawn it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use igny8_core::ai::{AiConfig, ImageBackend};
use igny8_core::jobs::{Job, JobKind, JobStatus, Worker};
use igny8_core::list::PageRequest;
use igny8_core::planner::{
    ClusterFilter, ClusterSort, IdeaFilter, KeywordFilter, KeywordSort, QueueDefaults,
};
use igny8_core::testing::auto_ai::{AutoFunction, recognise};
use igny8_core::testing::fake_ai::FakeAi;
use igny8_core::writer::{
    Content, ContentFilter, ContentSort, Image, ImageFilter, ImageKind, ImageStatus, TaskPatch,
};
use igny8_core::{Backend, ContentId, Igny8, SqlStore};
use serde_json::{Value, json};

const KEYWORDS: &str = "Keyword,Volume\nhow to grow tomatoes,22000\ngrowing tomatoes in pots,5400\n\
    best tomato fertilizer,4400\nwhen to plant tomatoes,18000\ntomato plant spacing,2900\n\
    raised garden bed,33000\nraised bed soil mix,3600\nhow to build a raised garden bed,8100\n\
    cedar raised garden bed,2400\ncompost bin,27000\nhow to start composting,6600\n\
    compost tumbler,9900\nkitchen compost bin,5400\n";

fn ai_config(fake: &FakeAi, media: &std::path::Path) -> AiConfig {
    AiConfig {
        openai_base_url: fake.base_url(),
        openai_api_key: Some("sk-test".into()),
        openai_model: "gpt-4o-mini".into(),
        runware_base_url: fake.runware_url(),
        runware_api_key: Some("rw-test".into()),
        timeout_secs: 10,
        max_attempts: 1,
        media_dir: media.to_string_lossy().into_owned(),
        ..AiConfig::default()
    }
}

/// Starts a job and runs it to its end with `worker`.
async fn run_job(
    core: &Igny8<SqlStore>,
    worker: &Worker<SqlStore>,
    scope: &igny8_core::tenancy::Scope,
    kind: JobKind,
    input: Value,
) -> Job {
    let (job, _) = core.ai().start(scope, kind, input).await.unwrap();
    let done = worker.run_once().await.unwrap().expect("a job was due");
    assert_eq!(done.id, job.id);
    assert_eq!(
        done.status,
        JobStatus::Succeeded,
        "{kind}: {:?}",
        done.error
    );
    let result = done.result.clone().unwrap_or_default();
    assert_eq!(result["failed"], 0, "{kind}: {result}");
    done
}

/// How many requests the fake took for `function`.
fn calls(fake: &FakeAi, function: AutoFunction) -> usize {
    fake.requests()
        .iter()
        .filter(|r| recognise(&r.path, &r.body) == Some(function))
        .count()
}

async fn images_of(
    core: &Igny8<SqlStore>,
    scope: &igny8_core::tenancy::Scope,
    content: ContentId,
) -> Vec<Image> {
    let filter = ImageFilter {
        content_id: Some(content),
        ..ImageFilter::default()
    };
    core.images()
        .list(scope, &filter, &PageRequest::new(1, 50))
        .await
        .unwrap()
        .items
}

/// One HTTP/1.1 exchange over a fresh connection: (status, body).
fn http(origin: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Vec<u8>) {
    let host = origin.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // The fake closes the connection once the peer has nothing more to send.
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete answer");
    let head = String::from_utf8_lossy(&answer[..split]);
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, answer[split + 4..].to_vec())
}

fn words_in(range_of: i64, words: i64) -> bool {
    let t = range_of as f64;
    (words as f64) >= t * 0.9 && (words as f64) <= t * 1.1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_pipeline_runs_against_the_auto_responder() {
    igny8_core::testing::run(Backend::Sqlite, |core| async move {
        let fake = FakeAi::start_auto().await;
        let media = std::env::temp_dir().join(format!("igny8-auto-ai-{}", std::process::id()));
        let core = core.with_ai(ai_config(&fake, &media));
        let t = igny8_core::testing::tenant(&core, "Auto", 10_000)
            .await
            .unwrap();
        let scope = &t.scope;
        let worker = Worker::new(core.clone()).idle(Duration::from_millis(10));

        // Import.
        let report = core
            .keywords()
            .import(scope, t.sector, std::io::Cursor::new(KEYWORDS.as_bytes()))
            .await
            .unwrap();
        assert_eq!(report.imported, 13, "{report:?}");

        // Auto Cluster: the "model" places every keyword itself, in a few named clusters.
        let done = run_job(
            &core,
            &worker,
            scope,
            JobKind::AutoCluster,
            json!({"sector_id": t.sector.get()}),
        )
        .await;
        let summary = &done.result.as_ref().unwrap()["items"][0]["result"];
        assert_eq!(summary["placed_locally"], 0, "{summary}");
        let clusters = core
            .clusters()
            .list(
                scope,
                &ClusterFilter::default(),
                &ClusterSort::default(),
                &PageRequest::new(1, 100),
            )
            .await
            .unwrap()
            .items;
        assert!((3..=7).contains(&clusters.len()), "{clusters:?}");
        assert_eq!(clusters.iter().map(|c| c.keyword_count).sum::<i64>(), 13);
        for topic in ["tomato", "raised", "compost"] {
            let named: Vec<_> = clusters
                .iter()
                .filter(|c| c.name.to_lowercase().contains(topic))
                .collect();
            assert_eq!(named.len(), 1, "one {topic} cluster: {clusters:?}");
            assert!(named[0].keyword_count >= 3, "{:?}", named[0]);
        }
        let unclustered = KeywordFilter {
            has_cluster: Some(false),
            ..KeywordFilter::default()
        };
        let left = core
            .keywords()
            .list(
                scope,
                &unclustered,
                &KeywordSort::default(),
                &PageRequest::new(1, 10),
            )
            .await
            .unwrap();
        assert_eq!(left.total, Some(0), "every keyword is in a cluster");
        assert!(clusters.iter().all(|c| c.description.is_some()));

        // Generate Ideas: two per cluster, each on the cluster's keywords, with an outline.
        let ids: Vec<i64> = clusters.iter().map(|c| c.id.get()).collect();
        run_job(
            &core,
            &worker,
            scope,
            JobKind::GenerateIdeas,
            json!({"ids": ids, "ideas_per_cluster": 2}),
        )
        .await;
        for cluster in &clusters {
            let filter = IdeaFilter {
                cluster_id: Some(cluster.id),
                ..IdeaFilter::default()
            };
            let ideas = core
                .ideas()
                .list(
                    scope,
                    &filter,
                    &Default::default(),
                    &PageRequest::new(1, 10),
                )
                .await
                .unwrap()
                .items;
            assert_eq!(ideas.len(), 2, "{}", cluster.name);
            assert_ne!(ideas[0].title, ideas[1].title);
            let members = core
                .keywords()
                .list(
                    scope,
                    &KeywordFilter {
                        cluster_id: Some(cluster.id),
                        ..KeywordFilter::default()
                    },
                    &KeywordSort::default(),
                    &PageRequest::new(1, 50),
                )
                .await
                .unwrap()
                .items;
            for idea in &ideas {
                assert!(idea.outline.len() >= 4, "{idea:?}");
                let main = &idea.target_keywords[0];
                assert!(
                    members.iter().any(|k| &k.keyword == main),
                    "{main} is a keyword of {}",
                    cluster.name
                );
            }
        }

        // Queue two ideas to the writer: one short article, one long enough to be written
        // section by section.
        let compost = clusters
            .iter()
            .find(|c| c.name.to_lowercase().contains("compost"))
            .unwrap();
        let ideas = core
            .ideas()
            .list(
                scope,
                &IdeaFilter {
                    cluster_id: Some(compost.id),
                    ..IdeaFilter::default()
                },
                &Default::default(),
                &PageRequest::new(1, 10),
            )
            .await
            .unwrap()
            .items;
        let mut tasks = Vec::new();
        for (idea, words) in ideas.iter().zip([900, 2000]) {
            let made = core
                .ideas()
                .queue_to_writer(scope, &[idea.id], QueueDefaults::default())
                .await
                .unwrap()
                .tasks;
            // The idea's own estimate is the task's target; the user sets another.
            let length = TaskPatch {
                target_word_count: Some(words),
                ..TaskPatch::default()
            };
            core.tasks()
                .update(scope, made[0].id, length)
                .await
                .unwrap();
            tasks.push((made[0].id, words));
        }
        let ids: Vec<i64> = tasks.iter().map(|(id, _)| id.get()).collect();
        run_job(
            &core,
            &worker,
            scope,
            JobKind::GenerateContent,
            json!({"ids": ids}),
        )
        .await;
        let contents: Vec<Content> = core
            .contents()
            .list(
                scope,
                &ContentFilter::default(),
                &ContentSort::default(),
                &PageRequest::new(1, 10),
            )
            .await
            .unwrap()
            .items;
        assert_eq!(contents.len(), 2);
        let of = |task| contents.iter().find(|c| c.task_id == Some(task)).unwrap();
        let (short, long) = (of(tasks[0].0), of(tasks[1].0));
        for (content, words) in [(short, 900), (long, 2000)] {
            assert!(
                words_in(words, content.word_count),
                "{} words for {words}",
                content.word_count
            );
            assert!(content.html.contains("<h2>") && content.html.contains("<ul>"));
            assert!(content.meta_title.as_deref().is_some_and(|m| m.len() <= 60));
            assert!(content.tags.len() >= 3);
        }
        let first_paragraph = short.html.split("</p>").next().unwrap();
        let primary = short.primary_keyword.clone().unwrap();
        assert!(first_paragraph.contains(&primary), "{first_paragraph}");
        // The long one: a plan, then one call per section, none asked for twice.
        assert_eq!(calls(&fake, AutoFunction::GenerateContent), 1);
        assert_eq!(calls(&fake, AutoFunction::ContentPlan), 1);
        let sections = calls(&fake, AutoFunction::ContentSection);
        assert_eq!(sections, 8, "2000 words are planned in eight sections");
        assert_eq!(long.html.matches("<h2>").count(), sections);

        // Image prompts for the long article: a featured image and two in the article.
        run_job(
            &core,
            &worker,
            scope,
            JobKind::GenerateImagePrompts,
            json!({"ids": [long.id.get(), short.id.get()], "in_article": 2}),
        )
        .await;
        let images = images_of(&core, scope, long.id).await;
        assert_eq!(images.len(), 3);
        assert_eq!(
            images
                .iter()
                .filter(|i| i.kind == ImageKind::Featured)
                .count(),
            1
        );
        assert!(images.iter().all(|i| i.status == ImageStatus::Pending
            && i.alt_text.as_ref().is_some_and(|a| !a.is_empty())
            && i.prompt.len() > 20));

        // Images from OpenAI land as PNG files under the media directory.
        let ids: Vec<i64> = images.iter().map(|i| i.id.get()).collect();
        run_job(
            &core,
            &worker,
            scope,
            JobKind::GenerateImages,
            json!({"ids": ids}),
        )
        .await;
        for image in images_of(&core, scope, long.id).await {
            assert_eq!(image.status, ImageStatus::Generated);
            let path = image.file_path.expect("written as a file");
            assert!(path.ends_with(".png") && !path.starts_with('/'), "{path}");
            let bytes = std::fs::read(media.join(&path)).unwrap();
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        }

        // Images from Runware are URLs on the fake, which serves them.
        let mut config = ai_config(&fake, &media);
        config.image_provider = ImageBackend::Runware;
        let runware_core = core.clone().with_ai(config);
        let runware_worker = Worker::new(runware_core.clone());
        let images = images_of(&core, scope, short.id).await;
        let ids: Vec<i64> = images.iter().map(|i| i.id.get()).collect();
        run_job(
            &runware_core,
            &runware_worker,
            scope,
            JobKind::GenerateImages,
            json!({"ids": ids}),
        )
        .await;
        let images = images_of(&core, scope, short.id).await;
        assert_eq!(images.len(), 3);
        for image in &images {
            assert_eq!(image.status, ImageStatus::Generated);
            let url = image.url.as_deref().expect("a URL");
            let origin = fake.base_url().trim_end_matches("/v1").to_owned();
            let path = url.strip_prefix(&origin).expect("on the fake");
            let (status, png) = tokio::task::spawn_blocking({
                let (origin, path) = (origin.clone(), path.to_owned());
                move || http(&origin, "GET", &path, None)
            })
            .await
            .unwrap();
            assert_eq!(status, 200);
            assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        }
        assert_eq!(calls(&fake, AutoFunction::RunwareImage), 3);

        // Every chat answer carried its token counts into the usage log.
        let usage = core
            .credits()
            .usage(scope, &Default::default(), &PageRequest::new(1, 1000))
            .await
            .unwrap()
            .items;
        let chats: Vec<_> = usage.iter().filter(|u| u.images == 0).collect();
        assert_eq!(chats.len(), 1 + clusters.len() + 1 + 1 + sections + 2);
        assert!(
            chats
                .iter()
                .all(|u| u.input_tokens > 0 && u.output_tokens > 0)
        );
        let _ = std::fs::remove_dir_all(&media);
    })
    .await;
}

/// Kills the spawned fake when the test ends, also when it fails.
struct Spawned(Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_binary_answers_a_chat_request_and_logs_it() {
    let log = std::env::temp_dir().join(format!("igny8-fake-ai-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let child = Command::new(env!("CARGO_BIN_EXE_igny8-fake-ai"))
        .args(["--bind", "127.0.0.1:0", "--delay-ms", "300", "--log"])
        .arg(&log)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut fake = Spawned(child);
    let mut line = String::new();
    BufReader::new(fake.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let origin = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_owned();
    assert!(origin.starts_with("http://127.0.0.1:"), "{origin}");

    let prompt = "Group these search keywords of the Garden sector (site: Test) into topic clusters.\n\
        - Make at most 2 clusters.\n\nExisting clusters:\n(none yet)\n\n\
        Keywords (number. keyword — monthly volume):\n1. compost bin — 900\n2. kitchen compost bin — 400\n\
        3. raised garden bed — 800\n4. cedar raised garden bed — 300";
    let request = json!({
        "model": "gpt-4o-mini",
        "messages": [{"role": "system", "content": "You are IGNY8."}, {"role": "user", "content": prompt}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "keyword_clusters", "schema": {}, "strict": true}},
    });
    let started = Instant::now();
    let (status, body) = http(&origin, "POST", "/v1/chat/completions", Some(&request));
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "the delay applies"
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let reply: Value = serde_json::from_slice(&body).unwrap();
    assert!(reply["usage"]["total_tokens"].as_u64().unwrap() > 0);
    let answer: Value =
        serde_json::from_str(reply["choices"][0]["message"]["content"].as_str().unwrap()).unwrap();
    let mut groups: Vec<Vec<i64>> = answer["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| serde_json::from_value(c["keywords"].clone()).unwrap())
        .collect();
    groups.sort();
    assert_eq!(groups, [vec![1, 2], vec![3, 4]], "{answer}");

    let (status, body) = http(
        &origin,
        "POST",
        "/v1/embeddings",
        Some(&json!({"input": "x"})),
    );
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("no route /v1/embeddings"));

    let logged: Vec<Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        logged,
        [
            json!({"path": "/v1/chat/completions", "function": "auto_cluster", "status": 200}),
            json!({"path": "/v1/embeddings", "function": null, "status": 400}),
        ]
    );
    let _ = std::fs::remove_file(&log);
}
