//! Account settings take effect: what a request leaves out comes from the account's settings,
//! below what the request and the object itself say, for every scope of the account — a key
//! restricted to one site included.

use std::time::Duration;

use igny8_core::ai::{AiConfig, Work};
use igny8_core::jobs::{Job, JobKind, JobStatus, Worker};
use igny8_core::list::PageRequest;
use igny8_core::outbound::OutboundConfig;
use igny8_core::planner::*;
use igny8_core::publish::{PostStatus, PublishInput, WordPressCredentials};
use igny8_core::system::{IntegrationConfig, IntegrationInput, IntegrationProvider, SettingLevel};
use igny8_core::tenancy::{NewApiKey, Scope};
use igny8_core::testing::Tenant;
use igny8_core::testing::fake_ai::FakeAi;
use igny8_core::thinker::AuthorProfileInput;
use igny8_core::writer::*;
use igny8_core::{ErrorCode, Igny8, SqlStore, TaskId};
use serde_json::{Value, json};

use crate::support::{tenant, with_fake};

const CHAT: &str = "/v1/chat/completions";
const IMAGES: &str = "/v1/images/generations";

async fn set(core: &Igny8, t: &Tenant, key: &str, value: Value) {
    core.system()
        .set_setting(&t.scope, key, &value)
        .await
        .unwrap_or_else(|e| panic!("{key} = {value}: {e}"));
}

async fn run_one(worker: &Worker<SqlStore>) -> Job {
    let job = worker
        .run_once()
        .await
        .expect("worker")
        .expect("a job was due");
    assert_eq!(job.status, JobStatus::Succeeded, "{:?}", job.error);
    job
}

/// The scope of a new API key of the account restricted to its site.
async fn site_key(core: &Igny8, t: &Tenant) -> Scope {
    let key = core
        .auth()
        .create_api_key(
            &t.scope,
            NewApiKey {
                name: "One site".into(),
                role: None,
                site_id: Some(t.site),
                expires_at: None,
            },
        )
        .await
        .unwrap();
    let scope = core.auth().authenticate_api_key(&key.secret).await.unwrap();
    assert_eq!(scope.site(), Some(t.site));
    scope
}

fn task(t: &Tenant, title: &str) -> NewTask {
    NewTask {
        sector_id: t.sector,
        idea_id: None,
        cluster_id: None,
        title: title.into(),
        brief: None,
        keywords: vec!["garden hose".into()],
        content_type: None,
        content_structure: None,
        target_word_count: None,
        author_profile_id: None,
        strategy_id: None,
        scheduled_at: None,
    }
}

fn idea(t: &Tenant, title: &str) -> NewIdea {
    NewIdea {
        sector_id: t.sector,
        cluster_id: None,
        title: title.into(),
        description: None,
        outline: Vec::new(),
        content_type: None,
        content_structure: None,
        target_keywords: Vec::new(),
        estimated_word_count: None,
    }
}

async fn draft(core: &Igny8, t: &Tenant, title: &str) -> Content {
    let words: Vec<String> = (0..120).map(|i| format!("hose{i}")).collect();
    core.contents()
        .create(
            &t.scope,
            NewContent {
                sector_id: t.sector,
                task_id: None,
                title: title.into(),
                html: format!("<h2>Hoses</h2><p>{}</p>", words.join(" ")),
                meta_title: None,
                meta_description: None,
                primary_keyword: None,
                secondary_keywords: Vec::new(),
                tags: Vec::new(),
                categories: Vec::new(),
                faq: None,
            },
        )
        .await
        .unwrap()
}

fn media_dir(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "igny8-settings-{name}-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
    ))
}

/// Generate Ideas and Generate Image Prompts / Images: an option the request leaves out is
/// the account's setting — in the estimate, in the queued job and in what runs — and one the
/// request gives wins.
pub(crate) async fn ai_requests_take_what_they_leave_out_from_the_settings(core: Igny8) {
    let fake = FakeAi::start_auto().await;
    let core = with_fake(&core, &fake, &media_dir("ai"));
    let t = tenant(&core, "Defaults", 1000).await;
    let worker = Worker::new(core.clone()).idle(Duration::from_millis(10));
    let price = |ideas| core.ai_config().credit_prices.credits(Work::Ideas(ideas));
    let mut clusters = Vec::new();
    for name in ["Garden hoses", "Drip irrigation"] {
        let made = core
            .clusters()
            .create(
                &t.scope,
                NewCluster {
                    sector_id: t.sector,
                    name: name.into(),
                    description: None,
                },
            )
            .await
            .unwrap();
        clusters.push(made.id);
    }
    let ids: Vec<i64> = clusters.iter().map(|c| c.get()).collect();
    let ideas_of = |cluster| {
        let core = core.clone();
        async move {
            let filter = IdeaFilter {
                cluster_id: Some(cluster),
                ..IdeaFilter::default()
            };
            core.ideas()
                .list(
                    &t.scope,
                    &filter,
                    &IdeaSort::default(),
                    &PageRequest::new(1, 50),
                )
                .await
                .unwrap()
                .items
                .len()
        }
    };

    // Nothing set: three per cluster.
    let estimate = core
        .ai()
        .estimate(&t.scope, JobKind::GenerateIdeas, &json!({ "ids": ids }))
        .await
        .unwrap();
    assert_eq!(estimate.credits, 2 * price(3));

    // Five per cluster, for the account's admin and for a key restricted to its site, which
    // may not read the settings page but gets the account's defaults.
    set(&core, &t, "ideas.per_cluster", json!(5)).await;
    let estimate = core
        .ai()
        .estimate(&t.scope, JobKind::GenerateIdeas, &json!({ "ids": ids }))
        .await
        .unwrap();
    assert_eq!((estimate.units, estimate.credits), (2, 2 * price(5)));
    let key = site_key(&core, &t).await;
    assert_eq!(
        core.system()
            .settings(&key, SettingLevel::Account)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    let (job, estimate) = core
        .ai()
        .start(&key, JobKind::GenerateIdeas, json!({ "ids": ids }))
        .await
        .unwrap();
    assert_eq!(
        job.payload["ideas_per_cluster"], 5,
        "the job names its count"
    );
    assert_eq!(estimate.credits, 2 * price(5));
    run_one(&worker).await;
    assert_eq!(ideas_of(clusters[0]).await, 5);
    assert_eq!(ideas_of(clusters[1]).await, 5);

    // The request's own count wins; the setting can't exceed what the function makes.
    let (job, estimate) = core
        .ai()
        .start(
            &t.scope,
            JobKind::GenerateIdeas,
            json!({"ids": [ids[0]], "ideas_per_cluster": 2}),
        )
        .await
        .unwrap();
    assert_eq!(job.payload["ideas_per_cluster"], 2);
    assert_eq!(estimate.credits, price(2));
    let done = run_one(&worker).await;
    // Two proposed: made, or skipped when they repeat one of the five (same main keyword).
    let result = &done.result.as_ref().unwrap()["items"][0]["result"];
    let made = result["idea_ids"].as_array().unwrap().len();
    let skipped = result["skipped"].as_array().unwrap().len();
    assert_eq!(made + skipped, 2, "{result}");
    assert_eq!(ideas_of(clusters[0]).await, 5 + made);
    let too_many = core
        .system()
        .set_setting(&t.scope, "ideas.per_cluster", &json!(11))
        .await
        .unwrap_err();
    assert_eq!(too_many.code(), ErrorCode::Validation);

    // Image prompts: one in-article image, a watercolour look, a size for the images in the
    // article and another for the featured image.
    set(&core, &t, "images.in_article_count", json!(1)).await;
    set(&core, &t, "images.style", json!("loose watercolour sketch")).await;
    set(&core, &t, "images.size", json!("1024x768")).await;
    set(&core, &t, "images.featured_size", json!("1792x1024")).await;
    let content = draft(&core, &t, "Choosing a garden hose").await;
    let (job, _) = core
        .ai()
        .start(
            &t.scope,
            JobKind::GenerateImagePrompts,
            json!({"ids": [content.id.get()]}),
        )
        .await
        .unwrap();
    assert_eq!(job.payload["in_article"], 1);
    assert_eq!(job.payload["style"], "loose watercolour sketch");
    assert_eq!(job.payload["size"], "1024x768");
    assert_eq!(job.payload["featured_size"], "1792x1024");
    let asked = fake.requests().len();
    run_one(&worker).await;
    let prompt = fake.requests()[asked].body.to_string();
    assert!(prompt.contains("loose watercolour sketch"), "{prompt}");
    let filter = ImageFilter {
        content_id: Some(content.id),
        ..ImageFilter::default()
    };
    let images = core
        .images()
        .list(&t.scope, &filter, &PageRequest::new(1, 20))
        .await
        .unwrap()
        .items;
    assert_eq!(images.len(), 2, "the featured image and one in the article");
    let size_of = |kind: ImageKind| {
        images
            .iter()
            .find(|i| i.kind == kind)
            .and_then(|i| i.size.clone())
    };
    assert_eq!(size_of(ImageKind::Featured).as_deref(), Some("1792x1024"));
    assert_eq!(size_of(ImageKind::InArticle).as_deref(), Some("1024x768"));

    // Images: the look reaches the image model; an image of its own size keeps it, one
    // without takes the account's size for its kind.
    let image_ids: Vec<i64> = images.iter().map(|i| i.id.get()).collect();
    let featured = images
        .iter()
        .find(|i| i.kind == ImageKind::Featured)
        .unwrap();
    core.images()
        .update(
            &t.scope,
            featured.id,
            ImagePatch {
                size: Some(None),
                ..ImagePatch::default()
            },
        )
        .await
        .unwrap();
    set(&core, &t, "images.size", json!("768x512")).await;
    set(&core, &t, "images.featured_size", json!("1536x1024")).await;
    let (job, _) = core
        .ai()
        .start(
            &t.scope,
            JobKind::GenerateImages,
            json!({ "ids": image_ids }),
        )
        .await
        .unwrap();
    assert_eq!(job.payload["style"], "loose watercolour sketch");
    let asked = fake.requests().len();
    run_one(&worker).await;
    let drawn: Vec<Value> = fake.requests()[asked..]
        .iter()
        .filter(|r| r.path == IMAGES)
        .map(|r| r.body.clone())
        .collect();
    assert_eq!(drawn.len(), 2);
    assert!(
        drawn.iter().all(|b| b["prompt"]
            .as_str()
            .is_some_and(|p| p.contains("loose watercolour sketch"))),
        "{drawn:?}"
    );
    let mut sizes: Vec<&str> = drawn.iter().filter_map(|b| b["size"].as_str()).collect();
    sizes.sort();
    assert_eq!(sizes, ["1024x768", "1536x1024"]);

    // The request's own options win.
    let (job, _) = core
        .ai()
        .start(
            &t.scope,
            JobKind::GenerateImagePrompts,
            json!({"ids": [content.id.get()], "in_article": 0, "style": "flat illustration"}),
        )
        .await
        .unwrap();
    assert_eq!(job.payload["in_article"], 0);
    assert_eq!(job.payload["style"], "flat illustration");
    assert_eq!(job.payload["size"], "768x512");
    let bad_size = core
        .system()
        .set_setting(&t.scope, "images.size", &json!("huge"))
        .await
        .unwrap_err();
    assert_eq!(bad_size.code(), ErrorCode::Validation);
    let bad_size = core
        .system()
        .set_setting(&t.scope, "images.featured_size", &json!("wide"))
        .await
        .unwrap_err();
    assert_eq!(bad_size.code(), ErrorCode::Validation);
}

/// The content prompt of each article written since `from` requests were recorded.
fn content_prompts(fake: &FakeAi, from: usize) -> Vec<String> {
    fake.requests()[from..]
        .iter()
        .filter(|r| r.path == CHAT)
        .map(|r| r.body.to_string())
        .filter(|b| b.contains(r#""name":"article"#))
        .collect()
}

/// Writes `task` with Generate Content and `options`; the content prompt it was written from.
async fn write(
    core: &Igny8,
    worker: &Worker<SqlStore>,
    fake: &FakeAi,
    t: &Tenant,
    task: TaskId,
    options: Value,
) -> String {
    let mut payload = options;
    payload["ids"] = json!([task.get()]);
    let from = fake.requests().len();
    core.ai()
        .start(&t.scope, JobKind::GenerateContent, payload)
        .await
        .unwrap();
    run_one(worker).await;
    let prompts = content_prompts(fake, from);
    assert_eq!(prompts.len(), 1, "a short article is one call");
    prompts.into_iter().next().unwrap()
}

/// Generate Content: tone and language are the request's, else the author profile's, else the
/// account's; the author profile is the task's, else the account's (one deleted since is
/// ignored).
pub(crate) async fn articles_take_tone_language_and_author_from_the_settings(core: Igny8) {
    let fake = FakeAi::start_auto().await;
    let core = with_fake(&core, &fake, &media_dir("content"));
    let t = tenant(&core, "Voice", 1000).await;
    let worker = Worker::new(core.clone()).idle(Duration::from_millis(10));
    let write = |task, options| write(&core, &worker, &fake, &t, task, options);
    let short = |title: &str| NewTask {
        target_word_count: Some(300),
        ..task(&t, title)
    };
    let plain = core
        .tasks()
        .create(&t.scope, short("Hose basics"))
        .await
        .unwrap();

    // Nothing set: the built-in tone, English.
    let prompt = write(plain.id, json!({})).await;
    assert!(
        prompt.contains("Tone: clear, friendly and expert. Language: English."),
        "{prompt}"
    );

    set(&core, &t, "content.tone", json!("playful and bold")).await;
    set(&core, &t, "content.language", json!("Deutsch")).await;
    let prompt = write(plain.id, json!({})).await;
    assert!(
        prompt.contains("Tone: playful and bold. Language: Deutsch."),
        "{prompt}"
    );
    let prompt = write(plain.id, json!({"tone": "urgent"})).await;
    assert!(
        prompt.contains("Tone: urgent. Language: Deutsch."),
        "{prompt}"
    );

    // The account's author profile, for tasks that name none: its tone, the account's
    // language (the profile sets none).
    let author = |name: &str, tone: &str| {
        let core = core.clone();
        let input = AuthorProfileInput {
            name: Some(name.into()),
            tone: Some(Some(tone.into())),
            ..Default::default()
        };
        async move {
            core.thinker()
                .create_author(&t.scope, input)
                .await
                .unwrap()
                .id
        }
    };
    let ann = author("Ann Author", "wry and precise").await;
    let bob = author("Bob Writer", "calm").await;
    set(&core, &t, "content.author_profile_id", json!(ann.get())).await;
    let prompt = write(plain.id, json!({})).await;
    assert!(
        prompt.contains("Tone: wry and precise. Language: Deutsch.")
            && prompt.contains("Ann Author"),
        "{prompt}"
    );
    // A task's own profile wins.
    let bobs = core
        .tasks()
        .create(
            &t.scope,
            NewTask {
                author_profile_id: Some(bob),
                ..short("Hose reels")
            },
        )
        .await
        .unwrap();
    let prompt = write(bobs.id, json!({})).await;
    assert!(
        prompt.contains("Tone: calm.") && prompt.contains("Bob Writer") && !prompt.contains("Ann"),
        "{prompt}"
    );
    // A default profile deleted since is ignored, not an error.
    core.thinker()
        .delete_authors(&t.scope, &[ann])
        .await
        .unwrap();
    let prompt = write(plain.id, json!({})).await;
    assert!(
        prompt.contains("Tone: playful and bold. Language: Deutsch.") && !prompt.contains("Ann"),
        "{prompt}"
    );
}

/// New tasks and ideas: length, page kind and structure left out are the account's; the
/// request's and the idea's own win. A key restricted to one site gets the same.
pub(crate) async fn new_tasks_and_ideas_take_length_kind_and_structure(core: Igny8) {
    let t = tenant(&core, "Writer defaults", 0).await;
    let made = core
        .tasks()
        .create(&t.scope, task(&t, "Built in"))
        .await
        .unwrap();
    assert_eq!(
        (
            made.target_word_count,
            made.content_type,
            made.content_structure
        ),
        (1500, ContentType::Post, ContentStructure::Article)
    );

    set(&core, &t, "content.word_count", json!(2200)).await;
    set(&core, &t, "content.type", json!("page")).await;
    set(&core, &t, "content.structure", json!("guide")).await;
    let key = site_key(&core, &t).await;
    for scope in [t.scope, key] {
        let made = core
            .tasks()
            .create(&scope, task(&t, "From the settings"))
            .await
            .unwrap();
        assert_eq!(
            (
                made.target_word_count,
                made.content_type,
                made.content_structure
            ),
            (2200, ContentType::Page, ContentStructure::Guide)
        );
    }
    let made = core
        .tasks()
        .create(
            &t.scope,
            NewTask {
                target_word_count: Some(900),
                content_type: Some(ContentType::Product),
                ..task(&t, "Its own")
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (
            made.target_word_count,
            made.content_type,
            made.content_structure
        ),
        (900, ContentType::Product, ContentStructure::Guide)
    );

    let plain = core
        .ideas()
        .create(&t.scope, idea(&t, "Plain idea"))
        .await
        .unwrap();
    assert_eq!(
        (plain.content_type, plain.content_structure),
        (ContentType::Page, ContentStructure::Guide)
    );
    let how_to = core
        .ideas()
        .create(
            &t.scope,
            NewIdea {
                content_structure: Some(ContentStructure::HowTo),
                estimated_word_count: Some(1800),
                ..idea(&t, "How to coil a hose")
            },
        )
        .await
        .unwrap();
    assert_eq!(how_to.content_structure, ContentStructure::HowTo);
    let short = core
        .ideas()
        .create(&t.scope, idea(&t, "Short idea"))
        .await
        .unwrap();

    // Queued: the idea's estimate, else the request's length, else the account's.
    let tasks = core
        .ideas()
        .queue_to_writer(&t.scope, &[plain.id, how_to.id], QueueDefaults::default())
        .await
        .unwrap()
        .tasks;
    let words = |id| {
        tasks
            .iter()
            .find(|x| x.idea_id == Some(id))
            .unwrap()
            .target_word_count
    };
    assert_eq!((words(plain.id), words(how_to.id)), (2200, 1800));
    let tasks = core
        .ideas()
        .queue_to_writer(
            &t.scope,
            &[short.id],
            QueueDefaults {
                target_word_count: Some(700),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .tasks;
    assert_eq!(tasks[0].target_word_count, 700);

    let too_short = core
        .system()
        .set_setting(&t.scope, "content.word_count", &json!(50))
        .await
        .unwrap_err();
    assert_eq!(too_short.code(), ErrorCode::Validation);
}

/// Publishing without a status uses `publish.status` (never `future`, which needs a date);
/// with both image integrations active, `images.provider` picks the one that draws.
pub(crate) async fn publish_status_and_image_provider_follow_the_settings(core: Igny8) {
    let t = tenant(&core, "Publisher", 0).await;
    core.wordpress()
        .connect(
            &t.scope,
            t.site,
            WordPressCredentials {
                url: "https://blog.example.com".into(),
                username: "editor".into(),
                application_password: "abcd efgh ijkl mnop".into(),
            },
        )
        .await
        .unwrap();
    let content = draft(&core, &t, "Ready to go").await;
    let publish = |status: Option<PostStatus>| {
        let core = core.clone();
        async move {
            let input = PublishInput {
                ids: vec![content.id],
                status,
                date: None,
                recreate: false,
            };
            let job = core.wordpress().start(&t.scope, input).await.unwrap();
            // Nothing is sent: the job is only queued, then let go.
            core.jobs().cancel(&t.scope, job.id).await.unwrap();
            job.payload["status"].clone()
        }
    };
    assert_eq!(publish(None).await, "draft");
    set(&core, &t, "publish.status", json!("pending")).await;
    assert_eq!(publish(None).await, "pending");
    assert_eq!(publish(Some(PostStatus::Publish)).await, "publish");
    let future = core
        .system()
        .set_setting(&t.scope, "publish.status", &json!("future"))
        .await
        .unwrap_err();
    assert_eq!(future.code(), ErrorCode::Validation);

    // Both image integrations active: Runware unless the setting says OpenAI.
    let runware = FakeAi::start().await;
    let openai = FakeAi::start().await;
    let core = core
        .with_ai(AiConfig::default())
        .with_outbound(OutboundConfig {
            allow_private: true,
        });
    for (provider, url) in [
        (IntegrationProvider::Runware, runware.runware_url()),
        (IntegrationProvider::OpenAiImages, openai.base_url()),
    ] {
        core.system()
            .set_integration(
                &t.scope,
                provider,
                IntegrationInput {
                    config: Some(IntegrationConfig {
                        base_url: Some(url),
                        ..IntegrationConfig::default()
                    }),
                    api_key: Some("account-key".into()),
                    is_active: Some(true),
                },
            )
            .await
            .unwrap();
    }
    let drawn_by = |scope: Scope| {
        let core = core.clone();
        async move { core.image_provider(&scope).await.unwrap().name().to_owned() }
    };
    assert_eq!(drawn_by(t.scope).await, "runware");
    set(&core, &t, "images.provider", json!("openai")).await;
    assert_eq!(drawn_by(t.scope).await, "openai");
    assert_eq!(drawn_by(site_key(&core, &t).await).await, "openai");
    // With only one active, that one, whatever the setting.
    core.system()
        .set_integration(
            &t.scope,
            IntegrationProvider::OpenAiImages,
            IntegrationInput {
                is_active: Some(false),
                ..IntegrationInput::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(drawn_by(t.scope).await, "runware");
}
