//! Publishing to a real WordPress (`tests/wordpress/site.sh up` makes one): connection checks,
//! posts with images, terms and SEO fields read back through WordPress's REST API, publishing
//! again, scheduling, a timeout followed by a retry, a post deleted in WordPress, and a user
//! without the rights. Needs `IGNY8_TEST_WORDPRESS_URL` and the users' application passwords
//! (the script prints them); skipped without them unless `IGNY8_TEST_REQUIRE` names
//! `wordpress`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use base64::Engine;
use igny8_core::jobs::{Job, JobStatus, Worker};
use igny8_core::outbound::OutboundConfig;
use igny8_core::publish::{PostStatus, PublishConfig, PublishInput, WordPressCredentials};
use igny8_core::testing::Tenant;
use igny8_core::writer::{
    ContentPatch, ContentStatus, ImageKind, ImagePatch, ImageStatus, NewContent, NewImage,
};
use igny8_core::{Backend, ContentId, ErrorCode, Igny8, ManualClock, SqlStore, StoreOptions};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

#[derive(Clone)]
struct Site {
    url: String,
    admin: (String, String),
    author: (String, String),
    contributor: (String, String),
}

fn site() -> Option<Site> {
    let var = |n: &str| std::env::var(format!("IGNY8_TEST_WORDPRESS_{n}")).ok();
    let found = (|| {
        Some(Site {
            url: var("URL")?,
            admin: (var("USER")?, var("PASSWORD")?),
            author: (var("AUTHOR_USER")?, var("AUTHOR_PASSWORD")?),
            contributor: (var("CONTRIBUTOR_USER")?, var("CONTRIBUTOR_PASSWORD")?),
        })
    })();
    if found.is_none() {
        let required = std::env::var("IGNY8_TEST_REQUIRE")
            .is_ok_and(|r| r.split(',').any(|b| b.trim() == "wordpress"));
        assert!(
            !required,
            "IGNY8_TEST_REQUIRE names wordpress but IGNY8_TEST_WORDPRESS_* are not set \
             (run tests/wordpress/site.sh up)"
        );
        eprintln!("skipped: no test WordPress (tests/wordpress/site.sh up)");
    }
    found
}

/// The text of a post body outside its top-level blocks, white space dropped: what the block
/// editor would put into a Classic block.
fn outside_blocks(raw: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut rest = raw;
    while let Some(at) = rest.find("<!-- ") {
        if depth == 0 {
            out.push_str(&rest[..at]);
        }
        let end = rest[at..].find("-->").map_or(rest.len(), |e| at + e + 3);
        let comment = &rest[at..end];
        if comment.starts_with("<!-- /wp:") {
            depth = depth.saturating_sub(1);
        } else if comment.starts_with("<!-- wp:") && !comment.ends_with("/-->") {
            depth += 1;
        } else if depth == 0 {
            out.push_str(comment);
        }
        rest = &rest[end..];
    }
    if depth == 0 {
        out.push_str(rest);
    }
    out.split_whitespace().collect()
}

/// WordPress's REST API, directly, as admin: to read back what IGNY8 wrote.
struct Rest {
    site: Site,
    http: reqwest::Client,
}

impl Rest {
    async fn call(
        &self,
        method: reqwest::Method,
        route: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut url = reqwest::Url::parse(&format!("{}/", self.site.url)).unwrap();
        url.query_pairs_mut()
            .append_pair("rest_route", route)
            .extend_pairs(query);
        let mut req = self
            .http
            .request(method, url)
            .basic_auth(&self.site.admin.0, Some(&self.site.admin.1));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, route: &str) -> Value {
        let (status, v) = self
            .call(reqwest::Method::GET, route, &[("context", "edit")], None)
            .await;
        assert_eq!(status, 200, "{route}: {v}");
        v
    }

    async fn term_names(&self, taxonomy: &str, ids: &Value) -> Vec<String> {
        let mut names = Vec::new();
        for id in ids.as_array().unwrap() {
            let t = self.get(&format!("/wp/v2/{taxonomy}/{id}")).await;
            names.push(t["name"].as_str().unwrap().to_owned());
        }
        names.sort();
        names
    }
}

/// A TCP proxy in front of WordPress that, when armed, lets the next post-creating request
/// through but swallows its answer: WordPress makes the post, the client times out.
struct Proxy {
    addr: String,
    armed: Arc<AtomicBool>,
}

impl Proxy {
    async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let armed = Arc::new(AtomicBool::new(false));
        let shared = armed.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let target = target.clone();
                let armed = shared.clone();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let (mut cr, mut cw) = client.into_split();
                    let (mut sr, mut sw) = server.into_split();
                    let swallow = Arc::new(AtomicBool::new(false));
                    let s2 = swallow.clone();
                    let up = tokio::spawn(async move {
                        let mut buf = vec![0u8; 65536];
                        while let Ok(n) = cr.read(&mut buf).await {
                            if n == 0 {
                                break;
                            }
                            if buf[..n]
                                .starts_with(b"POST /?rest_route=%2Fwp%2Fv2%2Fposts HTTP/1.1")
                                && armed.swap(false, Ordering::SeqCst)
                            {
                                s2.store(true, Ordering::SeqCst);
                            }
                            if sw.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                    });
                    let mut buf = vec![0u8; 65536];
                    while let Ok(n) = sr.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        if swallow.load(Ordering::SeqCst) {
                            continue;
                        }
                        if cw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    if swallow.load(Ordering::SeqCst) {
                        // Hold the client's connection open: it waits until it times out.
                        tokio::time::sleep(Duration::from_secs(60)).await;
                    }
                    drop(cw);
                    up.abort();
                });
            }
        });
        Self { addr, armed }
    }
}

async fn core_with_clock(core: &Igny8, timeout_secs: u64) -> (Igny8, ManualClock) {
    let clock = ManualClock::new(chrono::Utc::now());
    let mut options = StoreOptions::new(core.store().database_url());
    options.migrate = false;
    let store = SqlStore::open(&options)
        .await
        .unwrap()
        .with_clock(Arc::new(clock.clone()));
    let core = Igny8::with_store(store)
        .with_secrets(igny8_core::crypto::SecretBox::from_base64(KEY).unwrap())
        .with_publish(PublishConfig { timeout_secs })
        .with_ai(igny8_core::ai::AiConfig {
            media_dir: std::env::temp_dir()
                .join(format!("igny8-wp-test-{}", std::process::id()))
                .to_string_lossy()
                .into_owned(),
            ..igny8_core::ai::AiConfig::default()
        })
        .with_outbound(OutboundConfig {
            allow_private: true,
        });
    (core, clock)
}

async fn connect(core: &Igny8, t: &Tenant, url: &str, user: &(String, String)) {
    core.wordpress()
        .connect(
            &t.scope,
            t.site,
            WordPressCredentials {
                url: url.to_owned(),
                username: user.0.clone(),
                application_password: user.1.clone(),
            },
        )
        .await
        .unwrap();
}

/// Content with a featured and an in-article image (generated, as files).
async fn content(
    core: &Igny8,
    t: &Tenant,
    title: &str,
    categories: &[&str],
    tags: &[&str],
) -> ContentId {
    let html = format!(
        "<h2>First part</h2><p>{title} begins here.</p><h2>Second part</h2><p>And goes on.</p>"
    );
    let c = core
        .contents()
        .create(
            &t.scope,
            NewContent {
                sector_id: t.sector,
                task_id: None,
                title: title.into(),
                html,
                meta_title: Some(format!("{title} | SEO")),
                meta_description: Some(format!("All about {title}.")),
                primary_keyword: Some("garden hose".into()),
                secondary_keywords: vec![],
                tags: tags.iter().map(|s| (*s).to_owned()).collect(),
                categories: categories.iter().map(|s| (*s).to_owned()).collect(),
                faq: None,
            },
        )
        .await
        .unwrap();
    let dir = std::path::PathBuf::from(&core.ai_config().media_dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (kind, position, alt) in [
        (ImageKind::Featured, 0, "A featured picture"),
        (ImageKind::InArticle, 1, "An in-article picture"),
    ] {
        let image = core
            .images()
            .create(
                &t.scope,
                NewImage {
                    sector_id: t.sector,
                    content_id: Some(c.id),
                    task_id: None,
                    kind,
                    position,
                    prompt: "a picture".into(),
                    negative_prompt: None,
                    size: None,
                    alt_text: Some(alt.into()),
                },
            )
            .await
            .unwrap();
        // Stored relative to the media directory, as generated images are.
        let name = format!("{}-{}.png", c.id.get(), image.id.get());
        let path = dir.join(&name);
        std::fs::write(
            &path,
            base64::engine::general_purpose::STANDARD
                .decode(PNG)
                .unwrap(),
        )
        .unwrap();
        for status in [ImageStatus::Generating, ImageStatus::Generated] {
            core.images()
                .update(
                    &t.scope,
                    image.id,
                    ImagePatch {
                        status: Some(status),
                        file_path: Some(Some(name.clone())),
                        ..ImagePatch::default()
                    },
                )
                .await
                .unwrap();
        }
    }
    c.id
}

async fn publish(core: &Igny8, t: &Tenant, input: PublishInput) -> Job {
    let job = core.wordpress().start(&t.scope, input).await.unwrap();
    let done = Worker::new(core.clone())
        .run_once()
        .await
        .unwrap()
        .expect("the job was due");
    assert_eq!(done.id, job.id);
    done
}

fn post_of(job: &Job) -> i64 {
    job.result.as_ref().unwrap()["items"][0]["result"]["post_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no post in {:?}", job.result))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn publishing_to_a_real_wordpress() {
    let Some(site) = site() else {
        return;
    };
    igny8_core::testing::run_with(
        Backend::Sqlite,
        |c| c.secret_key = Some(KEY.into()),
        move |core| scenario(core, site),
    )
    .await;
}

async fn scenario(core: Igny8, site: Site) {
    let rest = Rest {
        site: site.clone(),
        http: reqwest::Client::new(),
    };
    let (core, clock) = core_with_clock(&core, 5).await;
    let t = igny8_core::testing::tenant(&core, "WordPress", 0)
        .await
        .unwrap();

    // The SSRF guard: a local address is refused unless the operator allows it.
    let guarded = core.clone().with_outbound(OutboundConfig::default());
    let err = guarded
        .wordpress()
        .connect(
            &t.scope,
            t.site,
            WordPressCredentials {
                url: site.url.clone(),
                username: site.admin.0.clone(),
                application_password: site.admin.1.clone(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");

    // Connection checks: a wrong password, then each user's rights.
    connect(
        &core,
        &t,
        &site.url,
        &(site.admin.0.clone(), "wrong pass word 1234".into()),
    )
    .await;
    let err = core
        .wordpress()
        .test_connection(&t.scope, t.site)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("WordPress:"), "{err}");
    assert!(
        err.to_string().contains("rest_not_logged_in")
            || err.to_string().contains("incorrect_password"),
        "{err}"
    );
    connect(&core, &t, &site.url, &site.contributor).await;
    let check = core
        .wordpress()
        .test_connection(&t.scope, t.site)
        .await
        .unwrap();
    assert!(
        !check.can_publish && !check.can_manage_categories,
        "{check:?}"
    );
    connect(&core, &t, &site.url, &site.author).await;
    let check = core
        .wordpress()
        .test_connection(&t.scope, t.site)
        .await
        .unwrap();
    assert!(
        check.can_publish && check.can_upload && !check.can_manage_categories,
        "{check:?}"
    );
    connect(&core, &t, &site.url, &site.admin).await;
    let check = core
        .wordpress()
        .test_connection(&t.scope, t.site)
        .await
        .unwrap();
    assert!(
        check.can_publish && check.can_upload && check.can_manage_categories,
        "{check:?}"
    );
    assert!(
        check
            .wordpress_version
            .as_deref()
            .is_some_and(|v| v.starts_with(['5', '6', '7'])),
        "{check:?}"
    );
    assert_eq!(check.user, site.admin.0);
    let shown = core
        .tenancy()
        .site(&t.scope, t.site)
        .await
        .unwrap()
        .wordpress
        .unwrap();
    assert!(shown.password_hint.unwrap().starts_with("••••"));

    // A category that already exists in WordPress is reused, not duplicated.
    let stamp = chrono::Utc::now().timestamp_millis();
    let reviews = format!("Reviews {stamp}");
    let (status, made) = rest
        .call(
            reqwest::Method::POST,
            "/wp/v2/categories",
            &[],
            Some(json!({"name": reviews})),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let reviews_id = made["id"].as_i64().unwrap();

    // Publish as a draft: title, body with the in-article image, excerpt, slug, terms, the
    // featured image with alt text, the SEO fields.
    let title = format!("Garden hoses tested {stamp}");
    let tips = format!("Garden Tips {stamp}");
    let id = content(
        &core,
        &t,
        &title,
        &[&reviews, &tips],
        &["hoses", "watering"],
    )
    .await;
    let done = publish(
        &core,
        &t,
        PublishInput {
            ids: vec![id],
            ..PublishInput::default()
        },
    )
    .await;
    assert_eq!(
        done.status,
        JobStatus::Succeeded,
        "{:?} {:?}",
        done.error,
        done.result
    );
    let post_id = post_of(&done);
    let post = rest.get(&format!("/wp/v2/posts/{post_id}")).await;
    assert_eq!(post["title"]["raw"], title.as_str());
    assert_eq!(post["status"], "draft");
    assert_eq!(post["slug"], format!("garden-hoses-tested-{stamp}"));
    assert_eq!(post["excerpt"]["raw"], format!("All about {title}."));
    let raw = post["content"]["raw"].as_str().unwrap();
    assert!(
        raw.contains("begins here") && raw.contains("igny8:content="),
        "{raw}"
    );
    assert!(
        raw.contains("An in-article picture") && raw.contains("wp-image-"),
        "{raw}"
    );
    let image_pos = raw.find("wp-image-").unwrap();
    assert!(
        raw.find("First part").unwrap() < image_pos && image_pos < raw.find("Second part").unwrap()
    );
    // Blocks, each of the editor's own kind, nothing left over for a Classic block.
    assert!(raw.starts_with("<!-- wp:"), "{raw}");
    assert_eq!(outside_blocks(raw), "", "{raw}");
    assert!(raw.contains("<!-- wp:image {\"id\":"), "{raw}");
    assert!(raw.contains("<!-- wp:heading -->"), "{raw}");
    let mut want = vec![reviews.clone(), tips.clone()];
    want.sort();
    assert_eq!(
        rest.term_names("categories", &post["categories"]).await,
        want
    );
    assert!(
        post["categories"]
            .as_array()
            .unwrap()
            .contains(&json!(reviews_id))
    );
    assert_eq!(
        rest.term_names("tags", &post["tags"]).await,
        vec!["hoses", "watering"]
    );
    let featured = rest
        .get(&format!("/wp/v2/media/{}", post["featured_media"]))
        .await;
    assert_eq!(featured["alt_text"], "A featured picture");
    assert_eq!(featured["mime_type"], "image/png");
    assert_eq!(post["meta"]["_yoast_wpseo_title"], format!("{title} | SEO"));
    assert_eq!(
        post["meta"]["_yoast_wpseo_metadesc"],
        format!("All about {title}.")
    );
    assert_eq!(post["meta"]["rank_math_title"], format!("{title} | SEO"));
    assert_eq!(
        post["meta"]["rank_math_description"],
        format!("All about {title}.")
    );
    assert_eq!(post["meta"]["_yoast_wpseo_focuskw"], "garden hose");
    assert_eq!(post["meta"]["rank_math_focus_keyword"], "garden hose");
    let saved = core.contents().get(&t.scope, id).await.unwrap();
    assert_eq!(saved.wp_post_id, Some(post_id));
    assert_eq!(saved.status, ContentStatus::Draft);

    // Publish again, now live: the same post, the same media, the content marked published.
    let again = publish(
        &core,
        &t,
        PublishInput {
            ids: vec![id],
            status: Some(PostStatus::Publish),
            ..PublishInput::default()
        },
    )
    .await;
    assert_eq!(again.status, JobStatus::Succeeded, "{:?}", again.error);
    assert_eq!(post_of(&again), post_id);
    assert_eq!(
        again.result.as_ref().unwrap()["items"][0]["result"]["created"],
        false
    );
    assert_eq!(
        again.result.as_ref().unwrap()["items"][0]["result"]["media_ids"],
        done.result.as_ref().unwrap()["items"][0]["result"]["media_ids"],
        "no media uploaded twice"
    );
    let post = rest.get(&format!("/wp/v2/posts/{post_id}")).await;
    assert_eq!(post["status"], "publish");
    let saved = core.contents().get(&t.scope, id).await.unwrap();
    assert_eq!(saved.status, ContentStatus::Published);
    assert_eq!(saved.wp_url.as_deref(), post["link"].as_str());
    assert!(saved.published_at.is_some());

    // Classic HTML when the account asks for it: one piece of HTML with the marker comment
    // on top; still the same post, found again once the blocks come back.
    for (format, first) in [("classic", "<!-- igny8:content="), ("blocks", "<!-- wp:")] {
        core.system()
            .set_setting(&t.scope, "publish.format", &json!(format))
            .await
            .unwrap();
        let sent = publish(
            &core,
            &t,
            PublishInput {
                ids: vec![id],
                status: Some(PostStatus::Publish),
                ..PublishInput::default()
            },
        )
        .await;
        assert_eq!(sent.status, JobStatus::Succeeded, "{:?}", sent.error);
        assert_eq!(post_of(&sent), post_id);
        let post = rest.get(&format!("/wp/v2/posts/{post_id}")).await;
        let raw = post["content"]["raw"].as_str().unwrap();
        assert!(raw.starts_with(first), "{format}: {raw}");
        assert_eq!(raw.contains("<!-- wp:"), format == "blocks", "{raw}");
        assert!(raw.contains("First part</h2>"), "{raw}");
    }

    // Text goes out as text: WordPress renders the title and the excerpt as HTML, so they
    // arrive escaped; the SEO fields are text to the SEO plugins and arrive as they are.
    let fish = format!("Fish & chips: 5 < 6 > 4 {stamp}");
    let textual = core
        .contents()
        .create(
            &t.scope,
            NewContent {
                sector_id: t.sector,
                task_id: None,
                title: fish.clone(),
                html: "<p>&lt;img src=x onerror=alert(1)&gt; Crisp &amp; hot.</p>".into(),
                meta_title: None,
                meta_description: None,
                primary_keyword: None,
                secondary_keywords: vec![],
                tags: vec![],
                categories: vec![],
                faq: None,
            },
        )
        .await
        .unwrap();
    let sent = publish(
        &core,
        &t,
        PublishInput {
            ids: vec![textual.id],
            ..PublishInput::default()
        },
    )
    .await;
    assert_eq!(sent.status, JobStatus::Succeeded, "{:?}", sent.error);
    let post = rest.get(&format!("/wp/v2/posts/{}", post_of(&sent))).await;
    assert_eq!(
        post["title"]["raw"],
        format!("Fish &amp; chips: 5 &lt; 6 &gt; 4 {stamp}")
    );
    let rendered = post["title"]["rendered"].as_str().unwrap();
    assert!(!rendered.contains('<'), "{rendered}");
    let excerpt = post["excerpt"]["raw"].as_str().unwrap();
    assert_eq!(excerpt, "Crisp &amp; hot.");
    assert!(
        !post["excerpt"]["rendered"]
            .as_str()
            .unwrap()
            .contains("<img"),
        "{post}"
    );
    assert_eq!(post["meta"]["_yoast_wpseo_title"], fish.as_str());
    let raw = post["content"]["raw"].as_str().unwrap();
    assert!(
        raw.contains("<p>&lt;img src=x onerror=alert(1)&gt; Crisp &amp; hot.</p>"),
        "{raw}"
    );

    // A post IGNY8 did not make for this content is never updated, whatever wp_post_id says:
    // neither a post someone wrote by hand nor the post of another content.
    let (status, foreign) = rest
        .call(
            reqwest::Method::POST,
            "/wp/v2/posts",
            &[],
            Some(json!({"title": format!("Written by hand {stamp}"),
                        "content": "<p>Not IGNY8's.</p>", "status": "publish"})),
        )
        .await;
    assert_eq!(status, 201, "{foreign}");
    let foreign_id = foreign["id"].as_i64().unwrap();
    let foreign_before = rest.get(&format!("/wp/v2/posts/{foreign_id}")).await;
    for target in [foreign_id, post_of(&sent)] {
        let before = rest.get(&format!("/wp/v2/posts/{target}")).await;
        core.contents()
            .update(
                &t.scope,
                id,
                ContentPatch {
                    wp_post_id: Some(Some(target)),
                    ..ContentPatch::default()
                },
            )
            .await
            .unwrap();
        let hijack = publish(
            &core,
            &t,
            PublishInput {
                ids: vec![id],
                status: Some(PostStatus::Publish),
                ..PublishInput::default()
            },
        )
        .await;
        assert_eq!(hijack.status, JobStatus::Failed, "{:?}", hijack.result);
        let error = hijack.error.as_deref().unwrap();
        assert!(
            error.contains(&format!(
                "WordPress post {target} was not created by IGNY8 for this content; clear the \
                 WordPress post link or pick the post IGNY8 created"
            )),
            "{error}"
        );
        let after = rest.get(&format!("/wp/v2/posts/{target}")).await;
        for field in ["title", "content", "excerpt", "status", "modified_gmt"] {
            assert_eq!(
                after[field], before[field],
                "post {target}: {field} unchanged"
            );
        }
    }
    assert_eq!(
        rest.get(&format!("/wp/v2/posts/{foreign_id}")).await["content"]["raw"],
        foreign_before["content"]["raw"]
    );
    // Linked back to its own post, the content updates it again.
    core.contents()
        .update(
            &t.scope,
            id,
            ContentPatch {
                wp_post_id: Some(Some(post_id)),
                ..ContentPatch::default()
            },
        )
        .await
        .unwrap();
    let relinked = publish(
        &core,
        &t,
        PublishInput {
            ids: vec![id],
            status: Some(PostStatus::Publish),
            ..PublishInput::default()
        },
    )
    .await;
    assert_eq!(
        relinked.status,
        JobStatus::Succeeded,
        "{:?}",
        relinked.error
    );
    assert_eq!(post_of(&relinked), post_id);

    // Scheduled: status future at the date asked for.
    let when = (chrono::Utc::now() + chrono::Duration::days(3)).with_nanosecond_zero();
    let later = content(&core, &t, &format!("Later {stamp}"), &[], &[]).await;
    let bad = core
        .wordpress()
        .start(
            &t.scope,
            PublishInput {
                ids: vec![later],
                status: Some(PostStatus::Future),
                ..PublishInput::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(bad.code(), ErrorCode::Validation, "a schedule needs a date");
    let scheduled = publish(
        &core,
        &t,
        PublishInput {
            ids: vec![later],
            status: Some(PostStatus::Future),
            date: Some(when),
            ..PublishInput::default()
        },
    )
    .await;
    assert_eq!(
        scheduled.status,
        JobStatus::Succeeded,
        "{:?}",
        scheduled.error
    );
    let post = rest
        .get(&format!("/wp/v2/posts/{}", post_of(&scheduled)))
        .await;
    assert_eq!(post["status"], "future");
    assert_eq!(
        post["date_gmt"],
        when.format("%Y-%m-%dT%H:%M:%S").to_string()
    );

    // A timeout after WordPress made the post, then a retry: still one post.
    let proxy = Proxy::start(site.url.trim_start_matches("http://").to_owned()).await;
    connect(&core, &t, &proxy.addr, &site.admin).await;
    let flaky = content(&core, &t, &format!("Flaky {stamp}"), &[], &[]).await;
    proxy.armed.store(true, Ordering::SeqCst);
    let first = publish(
        &core,
        &t,
        PublishInput {
            ids: vec![flaky],
            ..PublishInput::default()
        },
    )
    .await;
    assert_eq!(
        first.status,
        JobStatus::Queued,
        "retried later: {:?}",
        first.error
    );
    assert!(
        first
            .error
            .as_deref()
            .unwrap()
            .contains("did not answer in time"),
        "{:?}",
        first.error
    );
    assert!(
        !proxy.armed.load(Ordering::SeqCst),
        "the create request went through"
    );
    clock.advance(chrono::Duration::seconds(31));
    let done = Worker::new(core.clone()).run_once().await.unwrap().unwrap();
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    assert_eq!(
        done.result.as_ref().unwrap()["items"][0]["result"]["created"],
        false,
        "found, not made again"
    );
    let (_, found) = rest
        .call(
            reqwest::Method::GET,
            "/wp/v2/posts",
            &[
                ("search", &format!("Flaky {stamp}")),
                ("status", "draft,publish"),
                ("context", "edit"),
            ],
            None,
        )
        .await;
    assert_eq!(found.as_array().unwrap().len(), 1, "one post: {found}");
    connect(&core, &t, &site.url, &site.admin).await;

    // Deleted in WordPress: reported, not made again; made again only when asked.
    let (status, _) = rest
        .call(
            reqwest::Method::DELETE,
            &format!("/wp/v2/posts/{post_id}"),
            &[("force", "true")],
            None,
        )
        .await;
    assert_eq!(status, 200);
    let gone = publish(
        &core,
        &t,
        PublishInput {
            ids: vec![id],
            ..PublishInput::default()
        },
    )
    .await;
    assert_eq!(gone.status, JobStatus::Failed);
    assert!(
        gone.error
            .as_deref()
            .unwrap()
            .contains("deleted in WordPress"),
        "{:?}",
        gone.error
    );
    let back = publish(
        &core,
        &t,
        PublishInput {
            ids: vec![id],
            recreate: true,
            ..PublishInput::default()
        },
    )
    .await;
    assert_eq!(back.status, JobStatus::Succeeded, "{:?}", back.error);
    assert_ne!(post_of(&back), post_id);

    // An author may publish but not create categories: WordPress's own code comes back.
    connect(&core, &t, &site.url, &site.author).await;
    let refused = content(
        &core,
        &t,
        &format!("By an author {stamp}"),
        &[&format!("New {stamp}")],
        &[],
    )
    .await;
    let job = publish(
        &core,
        &t,
        PublishInput {
            ids: vec![refused],
            ..PublishInput::default()
        },
    )
    .await;
    assert_eq!(job.status, JobStatus::Failed);
    assert!(
        job.error.as_deref().unwrap().contains("rest_cannot_create"),
        "{:?}",
        job.error
    );
}

trait NoNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl NoNanos for chrono::DateTime<chrono::Utc> {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_publishes_of_one_content_make_one_post() {
    let Some(site) = site() else {
        return;
    };
    for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
        let site = site.clone();
        igny8_core::testing::run_with(
            backend,
            |c| c.secret_key = Some(KEY.into()),
            move |core| twins_scenario(core, site),
        )
        .await;
    }
}

async fn twins_scenario(core: Igny8, site: Site) {
    use igny8_core::jobs::{JobKind, NewJob};

    let rest = Rest {
        site: site.clone(),
        http: reqwest::Client::new(),
    };
    let (core, _clock) = core_with_clock(&core, 30).await;
    let t = igny8_core::testing::tenant(&core, "Twins", 0)
        .await
        .unwrap();
    connect(&core, &t, &site.url, &site.admin).await;
    let id = content(&core, &t, "Published by two at once", &[], &[]).await;
    let input = PublishInput {
        ids: vec![id],
        ..PublishInput::default()
    };

    // A second publish of content that is being published is refused, naming the job.
    let first = core
        .wordpress()
        .start(&t.scope, input.clone())
        .await
        .unwrap();
    let err = core
        .wordpress()
        .start(&t.scope, input.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert!(
        err.to_string()
            .contains(&format!("being published by job {}", first.id.get())),
        "{err}"
    );

    // Two requests that raced past that check (or an automation run and a person at once):
    // both jobs are queued and two workers run them side by side.
    let twin = core
        .jobs()
        .enqueue(
            &t.scope,
            NewJob {
                kind: JobKind::Publish,
                site_id: Some(t.site),
                payload: serde_json::to_value(&input).unwrap(),
                max_attempts: Some(5),
                run_after: None,
            },
        )
        .await
        .unwrap();
    let (one, two) = (Worker::new(core.clone()), Worker::new(core.clone()));
    let (a, b) = tokio::join!(one.run_once(), two.run_once());
    let done = [
        a.unwrap().expect("a job ran"),
        b.unwrap().expect("a job ran"),
    ];
    let mut ran: Vec<_> = done.iter().map(|j| j.id).collect();
    ran.sort();
    assert_eq!(ran, vec![first.id, twin.id]);

    let stored = core.contents().get(&t.scope, id).await.unwrap();
    let needle = igny8_core::publish::content_marker(&stored);
    let posts_with_marker = || async {
        let (status, posts) = rest
            .call(
                reqwest::Method::GET,
                "/wp/v2/posts",
                &[
                    ("search", needle.as_str()),
                    ("status", "draft,publish,future,pending,private"),
                    ("context", "edit"),
                    ("per_page", "100"),
                ],
                None,
            )
            .await;
        assert_eq!(status, 200, "{posts}");
        posts
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| {
                p["content"]["raw"]
                    .as_str()
                    .is_some_and(|r| igny8_core::publish::carries_marker(r, &stored))
            })
            .map(|p| p["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    let posts = posts_with_marker().await;
    assert_eq!(posts.len(), 1, "one post for one content, not {posts:?}");
    assert_eq!(stored.wp_post_id, Some(posts[0]));
    // Each job either made (or updated) that post, or said plainly why it sent nothing.
    for job in &done {
        match job.status {
            JobStatus::Succeeded => assert_eq!(post_of(job), posts[0]),
            JobStatus::Failed => {
                let error = job.error.clone().unwrap_or_default();
                assert!(error.contains("is being published by job"), "{error}");
            }
            other => panic!("job {} ended {other:?}: {:?}", job.id.get(), job.error),
        }
    }
    assert!(
        done.iter().any(|j| j.status == JobStatus::Succeeded),
        "one of them published"
    );

    // Once both are over the content is free again: publishing updates the same post.
    let again = publish(&core, &t, input).await;
    assert_eq!(again.status, JobStatus::Succeeded, "{:?}", again.error);
    assert_eq!(post_of(&again), posts[0]);
    assert_eq!(posts_with_marker().await, posts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn automation_schedules_posts_into_publish_slots() {
    let Some(site) = site() else {
        return;
    };
    igny8_core::testing::run_with(
        Backend::Sqlite,
        |c| c.secret_key = Some(KEY.into()),
        move |core| slots_scenario(core, site),
    )
    .await;
}

async fn slots_scenario(core: Igny8, site: Site) {
    use chrono::{Datelike, Timelike};
    use igny8_core::automation::{PublishMode, RuleInput, RunFilter, Stage};

    let rest = Rest {
        site: site.clone(),
        http: reqwest::Client::new(),
    };
    let (core, clock) = core_with_clock(&core, 10).await;
    // Content made at another millisecond than the other scenario's, which runs at the same
    // time against the same WordPress (markers are id@millisecond).
    clock.advance(chrono::Duration::milliseconds(
        1 + i64::from(chrono::Utc::now().timestamp_subsec_nanos() % 3_600_000),
    ));
    let t = igny8_core::testing::tenant(&core, "Slots", 0)
        .await
        .unwrap();
    connect(&core, &t, &site.url, &site.admin).await;
    let stamp = chrono::Utc::now().timestamp_millis();
    let mut ready = Vec::new();
    for n in 1..=3 {
        ready.push(
            content(
                &core,
                &t,
                &format!("Slotted {n} {stamp}"),
                &["Autopilot"],
                &[],
            )
            .await,
        );
    }
    // A draft whose image is still to be generated is not ready to go out.
    let unfinished = content(&core, &t, &format!("Unfinished {stamp}"), &[], &[]).await;
    let pending = core
        .images()
        .list(
            &t.scope,
            &igny8_core::writer::ImageFilter {
                content_id: Some(unfinished),
                ..Default::default()
            },
            &igny8_core::list::PageRequest::new(1, 10),
        )
        .await
        .unwrap()
        .items;
    core.images()
        .update(
            &t.scope,
            pending[1].id,
            ImagePatch {
                status: Some(ImageStatus::Pending),
                ..ImagePatch::default()
            },
        )
        .await
        .unwrap();

    let rule = core
        .automation()
        .create(
            &t.scope,
            RuleInput {
                site_id: Some(t.site),
                name: Some("Three a week".into()),
                stages: Some(vec![Stage::Publish]),
                every_hours: Some(Some(24)),
                items_per_run: Some(2),
                publish_mode: Some(PublishMode::Schedule),
                publish_slots: Some(vec![
                    "mon 09:00".into(),
                    "wed 09:00".into(),
                    "fri 09:00".into(),
                ]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let worker = Worker::new(core.clone());
    let mut dates = Vec::new();
    for expected in [2, 1] {
        let run = core.automation().run_now(&t.scope, rule.id).await.unwrap();
        let done = worker.run_once().await.unwrap().expect("the run was due");
        assert_eq!(done.id, run.job.id);
        assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
        let stage = &done.result.as_ref().unwrap()["stages"][0];
        assert_eq!(stage["status"], "done", "{stage}");
        assert_eq!(stage["items"], expected, "{stage}");
        let slots = stage["detail"]["slots"].as_array().unwrap();
        assert_eq!(slots.len(), expected as usize, "{stage}");
        for slot in slots {
            dates.push((
                slot["content"].as_i64().unwrap(),
                slot["at"].as_str().unwrap().to_owned(),
            ));
        }
    }
    // Each ready draft got its own slot, in order; the unfinished one none.
    let ids: Vec<i64> = dates.iter().map(|(c, _)| *c).collect();
    assert_eq!(ids, ready.iter().map(|c| c.get()).collect::<Vec<_>>());
    let mut previous = chrono::Utc::now();
    for (content, at) in &dates {
        let at = chrono::DateTime::parse_from_rfc3339(at)
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert!(at > previous, "slots go forward: {dates:?}");
        previous = at;
        assert!(
            matches!(
                at.weekday(),
                chrono::Weekday::Mon | chrono::Weekday::Wed | chrono::Weekday::Fri
            ) && (at.hour(), at.minute(), at.second()) == (9, 0, 0),
            "{at} is not a slot"
        );
        // WordPress has the post, scheduled at that time.
        let saved = core
            .contents()
            .get(&t.scope, ContentId(*content))
            .await
            .unwrap();
        let post = rest
            .get(&format!(
                "/wp/v2/posts/{}",
                saved.wp_post_id.expect("linked")
            ))
            .await;
        assert_eq!(post["status"], "future", "{post}");
        assert_eq!(post["date_gmt"], at.format("%Y-%m-%dT%H:%M:%S").to_string());
    }
    let unfinished = core.contents().get(&t.scope, unfinished).await.unwrap();
    assert_eq!(
        unfinished.wp_post_id, None,
        "a draft with a pending image waits"
    );
    let rule = core.automation().get(&t.scope, rule.id).await.unwrap();
    assert_eq!(
        rule.last_slot_at.map(|l| l.to_rfc3339()),
        Some(previous.to_rfc3339())
    );
    let runs = core
        .automation()
        .runs(
            &t.scope,
            &RunFilter::default(),
            &igny8_core::list::PageRequest::new(1, 10),
        )
        .await
        .unwrap();
    assert_eq!(runs.items.len(), 2);
    // A third run has nothing ready.
    core.automation().run_now(&t.scope, rule.id).await.unwrap();
    let done = worker.run_once().await.unwrap().unwrap();
    assert_eq!(
        done.result.as_ref().unwrap()["stages"][0]["status"],
        "nothing_to_do"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_link_inventory_follows_wordpress_and_links_resolve() {
    let Some(site) = site() else {
        return;
    };
    igny8_core::testing::run_with(
        Backend::Sqlite,
        |c| c.secret_key = Some(KEY.into()),
        move |core| inventory_scenario(core, site),
    )
    .await;
}

/// A dozen posts, a page, a category and tags made in WordPress; a draft that must stay out.
/// The inventory syncs them (as the author, who can't see drafts of others anyway), follows
/// an edit, a deletion and an unpublished post incrementally, and an article generated with
/// it links only to posts that open.
async fn inventory_scenario(core: Igny8, site: Site) {
    use igny8_core::inventory::{LinkKind, LinkPageFilter, SyncInput};
    use igny8_core::jobs::JobKind;
    use igny8_core::testing::fake_ai::{FakeAi, FakeReply};

    let rest = Rest {
        site: site.clone(),
        http: reqwest::Client::new(),
    };
    let (core, clock) = core_with_clock(&core, 10).await;
    let fake = FakeAi::start().await;
    let core = core.with_ai(igny8_core::ai::AiConfig {
        openai_base_url: fake.base_url(),
        openai_api_key: Some("sk-test".into()),
        openai_model: "gpt-4o-mini".into(),
        timeout_secs: 10,
        max_attempts: 1,
        media_dir: std::env::temp_dir().to_string_lossy().into_owned(),
        ..igny8_core::ai::AiConfig::default()
    });
    let t = igny8_core::testing::tenant(&core, "Inventory", 100)
        .await
        .unwrap();
    let run = std::process::id();
    let create = |route: &'static str, body: Value| {
        let rest = &rest;
        async move {
            let (status, v) = rest
                .call(reqwest::Method::POST, route, &[], Some(body))
                .await;
            assert!(status == 201 || status == 200, "{route}: {status} {v}");
            v
        }
    };
    let category = create(
        "/wp/v2/categories",
        json!({"name": format!("Hose care {run}")}),
    )
    .await;
    let tag = create("/wp/v2/tags", json!({"name": format!("hose reel {run}")})).await;
    let topics = [
        "How to store a garden hose",
        "Fixing a leaking hose connector",
        "Drip irrigation for beginners",
        "Watering tomatoes in summer",
        "Choosing a sprinkler",
        "Rain barrels explained",
        "Mulch and moisture",
        "Pruning roses in spring",
        "Composting kitchen scraps",
        "Raised bed soil mixes",
        "Winterising outdoor taps",
        "Soaker hoses versus drip lines",
    ];
    let mut posts: Vec<(i64, String, String)> = Vec::new();
    for (i, topic) in topics.iter().enumerate() {
        let title = format!("{topic} ({run})");
        let mut body = json!({"title": title, "status": "publish",
                              "content": format!("<p>{topic}.</p>")});
        if i < 3 {
            body["categories"] = json!([category["id"]]);
            body["tags"] = json!([tag["id"]]);
        }
        let made = create("/wp/v2/posts", body).await;
        posts.push((
            made["id"].as_i64().unwrap(),
            title,
            made["link"].as_str().unwrap().to_owned(),
        ));
    }
    let about = create(
        "/wp/v2/pages",
        json!({"title": format!("About our garden ({run})"), "status": "publish"}),
    )
    .await;
    let draft = create(
        "/wp/v2/posts",
        json!({"title": format!("Unfinished draft ({run})"), "status": "draft"}),
    )
    .await;

    // Not connected yet: said so, nothing queued.
    let err = core
        .inventory()
        .start_sync(
            &t.scope,
            SyncInput {
                site_id: t.site,
                full: false,
            },
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("not connected to WordPress"),
        "{err}"
    );
    connect(&core, &t, &site.url, &site.author).await;

    let sync = |full: bool| {
        let core = core.clone();
        async move {
            let job = core
                .inventory()
                .start_sync(
                    &t.scope,
                    SyncInput {
                        site_id: t.site,
                        full,
                    },
                )
                .await
                .unwrap();
            assert_eq!(job.kind, JobKind::SyncLinks);
            let done = Worker::new(core.clone())
                .kinds(&[JobKind::SyncLinks])
                .run_once()
                .await
                .unwrap()
                .expect("the sync was due");
            assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
            done.result.unwrap()
        }
    };
    let first = sync(false).await;
    assert_eq!(
        first["full"], true,
        "the first sync reads everything: {first}"
    );
    assert!(first["posts"].as_u64().unwrap() >= 12, "{first}");
    assert!(first["pages"].as_u64().unwrap() >= 1, "{first}");

    let listed = |kind: LinkKind| {
        let core = core.clone();
        async move {
            core.inventory()
                .list(
                    &t.scope,
                    &LinkPageFilter {
                        site_id: Some(t.site),
                        kind: Some(kind),
                        search: Some(format!("({run})")),
                    },
                    &igny8_core::list::PageRequest::new(1, 100),
                )
                .await
                .unwrap()
                .items
        }
    };
    let synced = listed(LinkKind::Post).await;
    assert_eq!(
        synced.len(),
        12,
        "the dozen posts, not the draft: {synced:?}"
    );
    for (id, title, link) in &posts {
        let p = synced.iter().find(|p| p.wp_id == *id).unwrap();
        assert_eq!((&p.title, &p.url), (title, link));
        assert!(p.modified_at.is_some());
    }
    let tagged = synced.iter().find(|p| p.wp_id == posts[0].0).unwrap();
    assert_eq!(
        tagged.keywords,
        [format!("Hose care {run}"), format!("hose reel {run}")],
        "a post's categories and tags are its keywords"
    );
    assert!(!synced.iter().any(|p| Some(p.wp_id) == draft["id"].as_i64()));
    let pages = listed(LinkKind::Page).await;
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].wp_id, about["id"].as_i64().unwrap());
    let categories = core
        .inventory()
        .list(
            &t.scope,
            &LinkPageFilter {
                site_id: Some(t.site),
                kind: Some(LinkKind::Category),
                search: Some(format!("Hose care {run}")),
            },
            &igny8_core::list::PageRequest::new(1, 10),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(categories.len(), 1);
    assert_eq!(categories[0].url, category["link"].as_str().unwrap());

    // WordPress changes: a title edited, a post deleted, one unpublished. The next sync
    // reads only what changed and sweeps what is gone.
    let (status, _) = rest
        .call(
            reqwest::Method::POST,
            &format!("/wp/v2/posts/{}", posts[1].0),
            &[],
            Some(json!({"title": format!("Fixing any hose connector ({run})")})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = rest
        .call(
            reqwest::Method::DELETE,
            &format!("/wp/v2/posts/{}", posts[10].0),
            &[("force", "true")],
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = rest
        .call(
            reqwest::Method::POST,
            &format!("/wp/v2/posts/{}", posts[11].0),
            &[],
            Some(json!({"status": "draft"})),
        )
        .await;
    assert_eq!(status, 200);
    clock.advance(chrono::Duration::minutes(10));
    let second = sync(false).await;
    assert_eq!(second["full"], false, "{second}");
    assert!(second["removed"].as_u64().unwrap() >= 2, "{second}");
    assert!(
        second["posts"].as_u64().unwrap() < first["posts"].as_u64().unwrap(),
        "only what changed lately is read again: {second}"
    );
    let synced = listed(LinkKind::Post).await;
    assert_eq!(synced.len(), 10, "{synced:?}");
    assert!(
        synced
            .iter()
            .any(|p| p.title == format!("Fixing any hose connector ({run})"))
    );

    // An article that links to a synced post and to a made-up address: published, its only
    // internal link opens a post of the site.
    let task = core
        .tasks()
        .create(
            &t.scope,
            igny8_core::writer::NewTask {
                sector_id: t.sector,
                idea_id: None,
                cluster_id: None,
                title: "Choosing a garden hose reel".into(),
                brief: None,
                keywords: vec!["garden hose reel".into()],
                content_type: None,
                content_structure: None,
                target_word_count: Some(120),
                author_profile_id: None,
                strategy_id: None,
                scheduled_at: None,
            },
        )
        .await
        .unwrap();
    let invented = format!("{}/?p=987654", site.url);
    let words = "Water reaches every bed when the hose is stored well. ".repeat(12);
    let mut answer = json!({"title": "Choosing a garden hose reel",
                            "meta_title": "Choosing a garden hose reel",
                            "meta_description": "What to look for in a garden hose reel.",
                            "tags": [], "categories": []});
    answer["html"] = json!(format!(
        "<p>A garden hose reel keeps the hose tidy: see <a href=\"{}\">storing a hose</a> and \
         <a href=\"{invented}\">our reel test</a>.</p><p>{words}</p>",
        posts[0].2
    ));
    fake.push("/v1/chat/completions", FakeReply::chat_data(&answer));
    core.ai()
        .start(
            &t.scope,
            JobKind::GenerateContent,
            json!({"ids": [task.id.get()]}),
        )
        .await
        .unwrap();
    let made = Worker::new(core.clone()).run_once().await.unwrap().unwrap();
    assert_eq!(made.status, JobStatus::Succeeded, "{:?}", made.error);
    let prompt = fake.requests()[0].body.to_string();
    assert!(
        prompt.contains(&format!("{}: {}", posts[0].1, posts[0].2)),
        "the related synced post is offered: {prompt}"
    );
    let content = made.result.as_ref().unwrap()["items"][0]["result"]["content_id"]
        .as_i64()
        .unwrap();
    let job = publish(
        &core,
        &t,
        PublishInput {
            ids: vec![ContentId(content)],
            status: Some(PostStatus::Publish),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(job.status, JobStatus::Succeeded, "{:?}", job.error);
    let post = rest.get(&format!("/wp/v2/posts/{}", post_of(&job))).await;
    let body = post["content"]["raw"].as_str().unwrap();
    let hrefs: Vec<&str> = body
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let internal: Vec<&str> = hrefs
        .iter()
        .copied()
        .filter(|h| h.starts_with(&site.url))
        .collect();
    assert_eq!(internal, [posts[0].2.as_str()], "{body}");
    for href in internal {
        let resp = reqwest::get(href).await.unwrap();
        assert_eq!(resp.status(), 200, "{href} opens");
        let page = resp.text().await.unwrap();
        assert!(page.contains(&posts[0].1), "{href} is the post");
    }
}
