use std::collections::BTreeMap;

use igny8_core::list::PageRequest;
use igny8_core::planner::*;
use igny8_core::system::{IntegrationConfig, IntegrationInput, IntegrationProvider, SettingLevel};
use igny8_core::tenancy::{NewUser, Role, Scope};
use igny8_core::thinker::{AuthorProfileInput, PromptType, StrategyInput};
use igny8_core::writer::*;
use igny8_core::{ErrorCode, Igny8};

use crate::support::tenant;

fn idea(sector: igny8_core::SectorId, title: &str) -> NewIdea {
    NewIdea {
        sector_id: sector,
        cluster_id: None,
        title: title.into(),
        description: Some("Why and how".into()),
        outline: vec![OutlineSection {
            heading: "Intro".into(),
            notes: String::new(),
            subsections: vec!["Hook".into()],
        }],
        content_type: None,
        content_structure: Some(ContentStructure::HowTo),
        target_keywords: vec!["kitchen faucet".into(), " replace  faucet ".into()],
        estimated_word_count: Some(1800),
    }
}

pub(crate) async fn ideas_queue_to_writer_once(core: Igny8) {
    let t = tenant(&core, "Ideas", 0).await;
    let a = core
        .ideas()
        .create(&t.scope, idea(t.sector, "How to replace a kitchen faucet"))
        .await
        .unwrap();
    let b = core
        .ideas()
        .create(&t.scope, idea(t.sector, "Best kitchen faucets"))
        .await
        .unwrap();
    assert_eq!(a.status, IdeaStatus::New);
    assert_eq!(a.content_type, ContentType::Post);
    assert_eq!(a.target_keywords, ["kitchen faucet", "replace faucet"]);
    assert_eq!(a.outline[0].subsections, ["Hook"]);
    let author = core
        .thinker()
        .create_author(
            &t.scope,
            AuthorProfileInput {
                name: Some("Ann".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let tasks = core
        .ideas()
        .queue_to_writer(
            &t.scope,
            &[a.id, b.id],
            QueueDefaults {
                author_profile_id: Some(author.id),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .tasks;
    assert_eq!(tasks.len(), 2);
    let task = tasks.iter().find(|x| x.idea_id == Some(a.id)).unwrap();
    assert_eq!(task.title, a.title);
    assert_eq!(task.target_word_count, 1800);
    assert_eq!(task.content_structure, ContentStructure::HowTo);
    assert_eq!(task.author_profile_id, Some(author.id));
    assert_eq!(task.status, TaskStatus::Queued);
    assert!(task.brief.as_deref().unwrap().contains("- Intro"));
    assert_eq!(
        core.ideas().get(&t.scope, a.id).await.unwrap().status,
        IdeaStatus::Queued
    );
    // Queuing again makes no second task.
    let again = core
        .ideas()
        .queue_to_writer(&t.scope, &[a.id, b.id], QueueDefaults::default())
        .await
        .unwrap()
        .tasks;
    assert!(again.is_empty());
    let all = core
        .tasks()
        .list(
            &t.scope,
            &TaskFilter::default(),
            &TaskSort::default(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(all.total, Some(2));
    // Status rules: queued → done is not a move the idea may make directly from new.
    let c = core
        .ideas()
        .create(&t.scope, idea(t.sector, "Faucet aerators"))
        .await
        .unwrap();
    let err = core
        .ideas()
        .update(
            &t.scope,
            c.id,
            IdeaPatch {
                status: Some(IdeaStatus::Done),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "status");
    // A foreign author profile is refused.
    let other = tenant(&core, "Other", 0).await;
    let err = core
        .ideas()
        .queue_to_writer(
            &other.scope,
            &[c.id],
            QueueDefaults {
                author_profile_id: Some(author.id),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "author_profile_id");
}

pub(crate) async fn tasks_content_and_images(core: Igny8) {
    let t = tenant(&core, "Writer", 0).await;
    let task = core
        .tasks()
        .create(
            &t.scope,
            NewTask {
                sector_id: t.sector,
                idea_id: None,
                cluster_id: None,
                title: "Guide to hoses".into(),
                brief: None,
                keywords: vec!["garden hose".into()],
                content_type: None,
                content_structure: None,
                target_word_count: None,
                author_profile_id: None,
                strategy_id: None,
                scheduled_at: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(task.target_word_count, DEFAULT_WORD_COUNT);
    let err = core
        .tasks()
        .update(
            &t.scope,
            task.id,
            TaskPatch {
                status: Some(TaskStatus::Done),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "status");
    for next in [TaskStatus::InProgress, TaskStatus::Done] {
        let t2 = core
            .tasks()
            .update(
                &t.scope,
                task.id,
                TaskPatch {
                    status: Some(next),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(t2.status, next);
    }
    let bad = core
        .tasks()
        .update(
            &t.scope,
            task.id,
            TaskPatch {
                target_word_count: Some(50),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(bad.field_errors()[0].field, "target_word_count");

    let content = core
        .contents()
        .create(
            &t.scope,
            NewContent {
                sector_id: t.sector,
                task_id: Some(task.id),
                title: "Garden hoses".into(),
                html: "<h2>Choosing</h2><p>Pick a hose that's long enough.</p>".into(),
                meta_title: Some("Garden hoses".into()),
                meta_description: None,
                primary_keyword: Some("garden hose".into()),
                secondary_keywords: vec![],
                tags: vec!["hoses".into(), "Hoses".into(), "garden".into()],
                categories: vec!["Garden".into()],
                faq: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(content.word_count, 7);
    assert_eq!(content.tags, ["hoses", "garden"]);
    assert_eq!(content.status, ContentStatus::Draft);
    let published = core
        .contents()
        .update(
            &t.scope,
            content.id,
            ContentPatch {
                status: Some(ContentStatus::Published),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(published.status, ContentStatus::Published);
    let err = core
        .contents()
        .update(
            &t.scope,
            content.id,
            ContentPatch {
                status: Some(ContentStatus::Review),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "status");

    let image = core
        .images()
        .create(
            &t.scope,
            NewImage {
                sector_id: t.sector,
                content_id: Some(content.id),
                task_id: None,
                kind: ImageKind::Featured,
                position: 0,
                prompt: "A green hose on a lawn".into(),
                negative_prompt: None,
                size: Some("1024x768".into()),
                alt_text: Some("Green garden hose".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(image.status, ImageStatus::Pending);
    let bad_size = core
        .images()
        .update(
            &t.scope,
            image.id,
            ImagePatch {
                size: Some(Some("huge".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(bad_size.field_errors()[0].field, "size");
    // A content of another sector can't be referenced.
    let other = tenant(&core, "W2", 0).await;
    let err = core
        .images()
        .create(
            &other.scope,
            NewImage {
                sector_id: other.sector,
                content_id: Some(content.id),
                task_id: None,
                kind: ImageKind::InArticle,
                position: 1,
                prompt: "x".into(),
                negative_prompt: None,
                size: None,
                alt_text: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "content_id");
    // Deleting content deletes its images.
    core.contents()
        .delete(&t.scope, &[content.id])
        .await
        .unwrap();
    assert_eq!(
        core.images()
            .get(&t.scope, image.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

pub(crate) async fn prompts_authors_and_strategies(core: Igny8) {
    let t = tenant(&core, "Thinker", 0).await;
    let th = core.thinker();
    let err = th
        .set_prompt(
            &t.scope,
            PromptType::Content,
            "Write {{title}} for {{audience}}",
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("{{audience}}"), "{err}");
    assert!(th.prompts(&t.scope).await.unwrap().is_empty());
    th.set_prompt(&t.scope, PromptType::Content, "Write {{title}}")
        .await
        .unwrap();
    let p = th
        .set_prompt(
            &t.scope,
            PromptType::Content,
            "Write {{title}} in {{language}}",
        )
        .await
        .unwrap();
    assert_eq!(p.template, "Write {{title}} in {{language}}");
    assert_eq!(th.prompts(&t.scope).await.unwrap().len(), 1);
    assert!(
        th.reset_prompt(&t.scope, PromptType::Content)
            .await
            .unwrap()
    );
    assert!(
        !th.reset_prompt(&t.scope, PromptType::Content)
            .await
            .unwrap()
    );

    let a = th
        .create_author(
            &t.scope,
            AuthorProfileInput {
                name: Some("Expert".into()),
                tone: Some(Some("confident".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(a.is_active);
    let dup = th
        .create_author(
            &t.scope,
            AuthorProfileInput {
                name: Some("Expert".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(dup.code(), ErrorCode::Conflict);
    assert!(
        th.create_author(&t.scope, AuthorProfileInput::default())
            .await
            .is_err()
    );

    let mut custom = BTreeMap::new();
    custom.insert("content".to_owned(), "Always add a FAQ.".to_owned());
    let s = th
        .create_strategy(
            &t.scope,
            StrategyInput {
                sector_id: Some(Some(t.sector)),
                name: Some("Evergreen".into()),
                section_structure: Some(vec!["Intro".into(), "Steps".into(), "FAQ".into()]),
                prompt_customisations: Some(custom),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(s.section_structure.len(), 3);
    let mut bad = BTreeMap::new();
    bad.insert("poetry".to_owned(), "x".to_owned());
    let err = th
        .update_strategy(
            &t.scope,
            s.id,
            StrategyInput {
                prompt_customisations: Some(bad),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "prompt_customisations");
    // Editors may not manage prompts.
    let editor = core
        .tenancy()
        .create_user(
            &t.scope,
            NewUser {
                email: "ed@example.com".into(),
                password: "password123".into(),
                name: None,
                role: Some(Role::Editor),
            },
        )
        .await
        .unwrap();
    let ed = Scope::user(t.scope.account(), editor.id, Role::Editor);
    assert_eq!(
        th.set_prompt(&ed, PromptType::Ideas, "{{cluster}}")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
}

pub(crate) async fn typed_settings_and_sealed_integrations(core: Igny8) {
    let t = tenant(&core, "System", 0).await;
    let sys = core.system();
    assert_eq!(
        sys.setting(&t.scope, "content.word_count").await.unwrap(),
        1500
    );
    let set = sys
        .set_setting(&t.scope, "content.word_count", &serde_json::json!("2200"))
        .await
        .unwrap();
    assert_eq!(
        (set.value.clone(), set.is_set),
        (serde_json::json!(2200), true)
    );
    for (key, value) in [
        ("content.word_count", serde_json::json!(5)),
        ("images.enabled", serde_json::json!("yes")),
        ("content.structure", serde_json::json!("poem")),
        ("no.such.key", serde_json::json!(1)),
    ] {
        assert_eq!(
            sys.set_setting(&t.scope, key, &value)
                .await
                .unwrap_err()
                .code(),
            ErrorCode::Validation,
            "{key}"
        );
    }
    assert_eq!(
        sys.setting(&t.scope, "content.word_count").await.unwrap(),
        2200
    );
    let user = core
        .tenancy()
        .create_user(
            &t.scope,
            NewUser {
                email: "u@example.com".into(),
                password: "password123".into(),
                name: None,
                role: Some(Role::Viewer),
            },
        )
        .await
        .unwrap();
    let viewer = Scope::user(t.scope.account(), user.id, Role::Viewer);
    // A viewer sets their own theme but not the account's settings.
    sys.set_setting(&viewer, "ui.theme", &serde_json::json!("dark"))
        .await
        .unwrap();
    assert_eq!(
        sys.set_setting(&viewer, "content.tone", &serde_json::json!("x"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    let mine = sys.settings(&viewer, SettingLevel::User).await.unwrap();
    assert_eq!(
        mine.iter().find(|s| s.key == "ui.theme").unwrap().value,
        "dark"
    );
    assert!(
        sys.reset_setting(&t.scope, "content.word_count")
            .await
            .unwrap()
    );
    assert_eq!(
        sys.setting(&t.scope, "content.word_count").await.unwrap(),
        1500
    );

    let key = "sk-live-abcdefghijklmnop1234";
    let i = sys
        .set_integration(
            &t.scope,
            IntegrationProvider::OpenAi,
            IntegrationInput {
                config: Some(IntegrationConfig {
                    base_url: Some("https://llm.example.com/v1/".into()),
                    model: Some("llama3.1".into()),
                    temperature: Some(0.7),
                    max_tokens: Some(4000),
                    size: None,
                }),
                api_key: Some(key.into()),
                is_active: None,
            },
        )
        .await
        .unwrap();
    assert!(i.has_secret);
    assert_eq!(i.secret_hint.as_deref(), Some("••••1234"));
    assert_eq!(
        i.config.base_url.as_deref(),
        Some("https://llm.example.com/v1")
    );
    assert!(!format!("{i:?}").contains(key));
    assert_eq!(
        sys.integration_key(&t.scope, IntegrationProvider::OpenAi)
            .await
            .unwrap()
            .as_deref(),
        Some(key)
    );
    // The stored secret is not the key.
    let listed = sys.integrations(&t.scope).await.unwrap();
    assert!(!serde_json::to_string(&listed).unwrap().contains(key));
    // Changing the model keeps the key; an empty key removes it.
    let i = sys
        .set_integration(
            &t.scope,
            IntegrationProvider::OpenAi,
            IntegrationInput {
                config: Some(IntegrationConfig {
                    model: Some("gpt-4o-mini".into()),
                    ..Default::default()
                }),
                api_key: None,
                is_active: None,
            },
        )
        .await
        .unwrap();
    assert!(i.has_secret);
    let i = sys
        .set_integration(
            &t.scope,
            IntegrationProvider::OpenAi,
            IntegrationInput {
                api_key: Some(String::new()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!i.has_secret);
    assert_eq!(
        sys.integration_key(&t.scope, IntegrationProvider::OpenAi)
            .await
            .unwrap(),
        None
    );
    let bad = sys
        .set_integration(
            &t.scope,
            IntegrationProvider::Runware,
            IntegrationInput {
                config: Some(IntegrationConfig {
                    base_url: Some("ftp://x".into()),
                    temperature: Some(3.0),
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    let fields: Vec<_> = bad
        .field_errors()
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(fields, ["config.base_url", "config.temperature"]);
    // Another tenant sees nothing.
    let other = tenant(&core, "Sys2", 0).await;
    assert!(sys.integrations(&other.scope).await.unwrap().is_empty());
}

/// The validation error of `result`: its field and message.
fn refused<T: std::fmt::Debug>(result: igny8_core::Result<T>) -> (String, String) {
    let err = result.expect_err("refused");
    assert_eq!(err.code(), ErrorCode::Validation, "{err}");
    let field = &err.field_errors()[0];
    (field.field.clone(), field.message.clone())
}

pub(crate) async fn text_fields_are_plain_and_html_is_sanitised(core: Igny8) {
    let t = tenant(&core, "Plain", 0).await;
    let new = |title: &str, html: &str| NewContent {
        sector_id: t.sector,
        task_id: None,
        title: title.into(),
        html: html.into(),
        meta_title: None,
        meta_description: None,
        primary_keyword: None,
        secondary_keywords: vec![],
        tags: vec![],
        categories: vec![],
        faq: None,
    };
    // A `<` that starts no tag is text; so are `&` and `>`.
    let content = core
        .contents()
        .create(&t.scope, new("Fish & chips: 5 < 6 > 4, <3", "<p>Body</p>"))
        .await
        .unwrap();
    assert_eq!(content.title, "Fish & chips: 5 < 6 > 4, <3");

    // Markup in a text field is refused with its name, and nothing changes.
    let (field, message) = refused(
        core.contents()
            .update(
                &t.scope,
                content.id,
                ContentPatch {
                    title: Some("Hoses<script>alert(1)</script>".into()),
                    html: Some("<p>New body</p>".into()),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(field, "title");
    assert_eq!(message, "must be plain text: remove the <script> tag");
    let unchanged = core.contents().get(&t.scope, content.id).await.unwrap();
    assert_eq!(unchanged.title, content.title);
    assert_eq!(unchanged.html, "<p>Body</p>");
    for patch in [
        ContentPatch {
            meta_title: Some(Some("<b>SEO</b>".into())),
            ..Default::default()
        },
        ContentPatch {
            meta_description: Some(Some("x <img src=x onerror=alert(1)>".into())),
            ..Default::default()
        },
        ContentPatch {
            tags: Some(vec!["ok".into(), "<!-- x -->".into()]),
            ..Default::default()
        },
        ContentPatch {
            categories: Some(vec!["</p>".into()]),
            ..Default::default()
        },
    ] {
        let (field, message) = refused(
            core.contents()
                .update(&t.scope, content.id, patch.clone())
                .await,
        );
        assert!(
            message.starts_with("must be plain text"),
            "{field}: {message}"
        );
        // Bulk changes are held to the same rule.
        let (bulk_field, _) = refused(
            core.contents()
                .bulk_update(&t.scope, &[content.id], patch)
                .await,
        );
        assert_eq!(bulk_field, field);
    }
    let (field, _) = refused(
        core.contents()
            .create(&t.scope, new("<img src=x onerror=alert(1)>", "<p>x</p>"))
            .await,
    );
    assert_eq!(field, "title");
    let (field, _) = refused(
        core.tasks()
            .create(
                &t.scope,
                NewTask {
                    sector_id: t.sector,
                    idea_id: None,
                    cluster_id: None,
                    title: "Hoses</title><script>x</script>".into(),
                    brief: None,
                    keywords: vec![],
                    content_type: None,
                    content_structure: None,
                    target_word_count: None,
                    author_profile_id: None,
                    strategy_id: None,
                    scheduled_at: None,
                },
            )
            .await,
    );
    assert_eq!(field, "title");
    let (field, _) = refused(
        core.ideas()
            .create(&t.scope, idea(t.sector, "<svg onload=alert(1)>"))
            .await,
    );
    assert_eq!(field, "title");
    let after = core.contents().get(&t.scope, content.id).await.unwrap();
    assert_eq!(after, unchanged, "no refused change was stored");

    // HTML is sanitised on every write, with the generator's sanitiser.
    let dirty = "<p onclick=\"alert(1)\">Hi <a href=\"javascript:alert(1)\">there</a></p>\
                 <script>alert(1)</script><img src=x onerror=alert(1)>";
    let patched = core
        .contents()
        .update(
            &t.scope,
            content.id,
            ContentPatch {
                html: Some(dirty.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(patched.html, igny8_core::ai::html::sanitize_html(dirty));
    assert_eq!(patched.html, "<p>Hi <a>there</a></p><img src=\"x\">");
    assert_eq!(patched.word_count, 2);
    let made = core
        .contents()
        .create(&t.scope, new("Made", dirty))
        .await
        .unwrap();
    assert_eq!(made.html, patched.html);
    for html in [&patched.html, &made.html] {
        let lower = html.to_lowercase();
        assert!(
            !lower.contains("<script")
                && !lower.contains("onerror")
                && !lower.contains("javascript:"),
            "{html}"
        );
    }
}

fn faq(questions: &[(&str, &str)]) -> Faq {
    Faq {
        heading: "Frequently asked questions".into(),
        questions: questions
            .iter()
            .map(|(q, a)| FaqEntry {
                question: (*q).into(),
                answer: (*a).into(),
            })
            .collect(),
    }
}

pub(crate) async fn an_articles_questions_are_kept_checked_and_removed(core: Igny8) {
    let t = tenant(&core, "Questions", 0).await;
    let mut new = NewContent {
        sector_id: t.sector,
        task_id: None,
        title: "Descaling a kettle".into(),
        html: "<p>Vinegar works.</p>".into(),
        meta_title: None,
        meta_description: None,
        primary_keyword: Some("descale kettle".into()),
        secondary_keywords: vec![],
        tags: vec![],
        categories: vec![],
        faq: Some(faq(&[
            (
                "How often should I descale?",
                "  Every  month in hard-water areas. ",
            ),
            (
                "Does lemon juice work?",
                "Yes, citric acid dissolves scale.",
            ),
        ])),
    };
    let made = core.contents().create(&t.scope, new.clone()).await.unwrap();
    let kept = made.faq.clone().expect("kept");
    assert_eq!(kept.questions.len(), 2);
    assert_eq!(
        kept.questions[0].answer, "Every month in hard-water areas.",
        "whitespace collapsed"
    );
    assert_eq!(
        core.contents().get(&t.scope, made.id).await.unwrap().faq,
        Some(kept.clone()),
        "read back as written"
    );

    // Markup, blanks and too many questions are refused by name; nothing is stored.
    new.faq = Some(faq(&[("Why <b>descale</b>?", "Scale slows heating.")]));
    let (field, message) = refused(core.contents().create(&t.scope, new.clone()).await);
    assert_eq!(field, "faq.questions.1.question");
    assert!(message.contains("plain text"), "{message}");
    let eleven: Vec<(&str, &str)> = (0..11).map(|_| ("Why?", "Because.")).collect();
    let (field, _) = refused(
        core.contents()
            .update(
                &t.scope,
                made.id,
                ContentPatch {
                    faq: Some(Some(faq(&eleven))),
                    ..ContentPatch::default()
                },
            )
            .await,
    );
    assert_eq!(field, "faq.questions");
    let (field, _) = refused(
        core.contents()
            .update(
                &t.scope,
                made.id,
                ContentPatch {
                    faq: Some(Some(faq(&[("Why?", " ")]))),
                    ..ContentPatch::default()
                },
            )
            .await,
    );
    assert_eq!(field, "faq.questions.1.answer");
    assert_eq!(
        core.contents().get(&t.scope, made.id).await.unwrap().faq,
        Some(kept),
        "a refused change changes nothing"
    );

    // Other changes keep them; replacing and removing them works.
    let renamed = core
        .contents()
        .update(
            &t.scope,
            made.id,
            ContentPatch {
                title: Some("Descaling any kettle".into()),
                ..ContentPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.faq.as_ref().map(|f| f.questions.len()), Some(2));
    let one = core
        .contents()
        .update(
            &t.scope,
            made.id,
            ContentPatch {
                faq: Some(Some(faq(&[("Is vinegar safe?", "Rinse twice after.")]))),
                ..ContentPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(one.faq.unwrap().questions[0].question, "Is vinegar safe?");
    let gone = core
        .contents()
        .update(
            &t.scope,
            made.id,
            ContentPatch {
                faq: Some(None),
                ..ContentPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(gone.faq, None);
    // An empty list of questions is no section either.
    let empty = core
        .contents()
        .update(
            &t.scope,
            made.id,
            ContentPatch {
                faq: Some(Some(faq(&[]))),
                ..ContentPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(empty.faq, None);
}
