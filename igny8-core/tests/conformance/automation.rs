//! Automation on a manual clock: a rule runs once per scheduled time, once after an outage
//! however long, never twice for two workers; budgets stop stages; rules are checked and
//! scoped to their tenant.

use chrono::{DateTime, Duration, Utc};
use igny8_core::automation::{AutomationRule, RuleFilter, RuleInput, RunFilter, Stage};
use igny8_core::jobs::{JobKind, JobStatus, Worker};
use igny8_core::list::PageRequest;
use igny8_core::planner::clustering::LocalClusterOptions;
use igny8_core::testing::Tenant;
use igny8_core::{ErrorCode, Igny8, SqlStore};
use serde_json::Value;

use crate::support::{import, on_clock, tenant, with_fake};

const KEYWORDS: &str = "keyword,volume\ngarden hose,9000\nbest garden hose,4000\n\
    expandable garden hose,3000\ngarden hose reel,2500\nhose reel cart,900\n\
    drip irrigation kit,5000\ndrip irrigation system,3000\nsoaker hose,2000\n";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn rule(core: &Igny8, t: &Tenant, input: RuleInput) -> AutomationRule {
    core.automation()
        .create(
            &t.scope,
            RuleInput {
                site_id: Some(t.site),
                ..input
            },
        )
        .await
        .expect("rule")
}

async fn runs(core: &Igny8, t: &Tenant) -> Vec<igny8_core::automation::AutomationRun> {
    core.automation()
        .runs(&t.scope, &RunFilter::default(), &PageRequest::new(1, 100))
        .await
        .unwrap()
        .items
}

/// Every job the worker can run now, run; how many automation runs finished.
async fn drain(worker: &Worker<SqlStore>) -> usize {
    let mut runs = 0;
    while let Some(job) = worker.run_once().await.expect("worker") {
        if job.kind == JobKind::AutomationRun {
            assert_eq!(job.status, JobStatus::Succeeded, "{job:?}");
            runs += 1;
        }
    }
    runs
}

fn stage<'a>(run: &'a igny8_core::automation::AutomationRun, name: &str) -> &'a Value {
    run.job.result.as_ref().expect("result")["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == name)
        .unwrap_or_else(|| panic!("no {name} stage in {:?}", run.job.result))
}

pub(crate) async fn an_hourly_rule_runs_once_per_hour_and_once_after_an_outage(core: Igny8) {
    // Monday 30 November 2026, 10:00 UTC (11:00 in Berlin).
    let (core, clock) = on_clock(&core, at("2026-11-30T10:00:00Z")).await;
    let t = tenant(&core, "Hourly", 100).await;
    import(&core, &t, KEYWORDS).await;
    let r = rule(
        &core,
        &t,
        RuleInput {
            name: Some("Cluster hourly".into()),
            stages: Some(vec![Stage::Cluster]),
            cluster_mode: Some("local".into()),
            cron: Some(Some("0 * * * *".into())),
            timezone: Some("Europe/Berlin".into()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(r.next_run_at, Some(at("2026-11-30T11:00:00Z")));
    let worker = Worker::new(core.clone()).idle(std::time::Duration::ZERO);

    assert_eq!(drain(&worker).await, 0, "nothing is due before 11:00");
    clock.set(at("2026-11-30T11:00:00Z"));
    assert_eq!(drain(&worker).await, 1, "the 11:00 run");
    assert_eq!(drain(&worker).await, 0, "and only once");
    let first = &runs(&core, &t).await[0];
    assert_eq!(first.scheduled_for, at("2026-11-30T11:00:00Z"));
    let cluster = stage(first, "cluster");
    assert_eq!(cluster["status"], "done", "{cluster}");
    assert_eq!(cluster["credits"], 0, "local clustering is free");
    let unclustered = core
        .keywords()
        .list(
            &t.scope,
            &igny8_core::planner::KeywordFilter {
                has_cluster: Some(false),
                ..Default::default()
            },
            &Default::default(),
            &PageRequest::new(1, 10),
        )
        .await
        .unwrap();
    assert!(unclustered.items.len() < 8, "the run clustered keywords");

    clock.advance(Duration::minutes(30));
    assert_eq!(drain(&worker).await, 0, "11:30: not due");
    clock.advance(Duration::minutes(30));
    assert_eq!(drain(&worker).await, 1, "12:00");
    let second = &runs(&core, &t).await[0];
    assert_eq!(stage(second, "cluster")["status"], "nothing_to_do");

    // Every worker down from 12:00 to 17:20: one catch-up run, then the 18:00 one.
    clock.set(at("2026-11-30T17:20:00Z"));
    assert_eq!(drain(&worker).await, 1, "one run for five missed hours");
    assert_eq!(drain(&worker).await, 0);
    let r = core.automation().get(&t.scope, r.id).await.unwrap();
    assert_eq!(r.next_run_at, Some(at("2026-11-30T18:00:00Z")));
    assert_eq!(runs(&core, &t).await.len(), 3);
    assert_eq!(
        runs(&core, &t).await[0].scheduled_for,
        at("2026-11-30T13:00:00Z"),
        "the catch-up run stands for the first missed time"
    );

    // Two workers looking at once start the 18:00 run once.
    clock.set(at("2026-11-30T18:00:05Z"));
    let other = Igny8::with_store(core.store().clone());
    let (mine, theirs) = (core.automation(), other.automation());
    let (a, b) = tokio::join!(mine.schedule_due(10), theirs.schedule_due(10));
    assert_eq!(a.unwrap().len() + b.unwrap().len(), 1);
    assert_eq!(drain(&worker).await, 1);
    assert_eq!(runs(&core, &t).await.len(), 4);

    // Paused: no more scheduled runs; run now still works.
    let paused = core
        .automation()
        .update(
            &t.scope,
            r.id,
            RuleInput {
                is_active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(paused.next_run_at, None);
    clock.advance(Duration::hours(3));
    assert_eq!(drain(&worker).await, 0);
    let manual = core.automation().run_now(&t.scope, r.id).await.unwrap();
    assert_eq!(manual.trigger.as_str(), "manual");
    assert_eq!(drain(&worker).await, 1);
    let resumed = core
        .automation()
        .update(
            &t.scope,
            r.id,
            RuleInput {
                is_active: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(resumed.next_run_at, Some(at("2026-11-30T22:00:00Z")));
}

pub(crate) async fn every_n_hours_and_the_budget_stops_a_stage(core: Igny8) {
    let (core, clock) = on_clock(&core, at("2026-11-30T10:00:00Z")).await;
    let t = tenant(&core, "Budget", 500).await;
    import(&core, &t, KEYWORDS).await;
    core.clusters()
        .cluster_locally(&t.scope, t.sector, &LocalClusterOptions::default())
        .await
        .unwrap();
    let balance = core.credits().balance(&t.scope).await.unwrap();
    let r = rule(
        &core,
        &t,
        RuleInput {
            name: Some("Ideas on a shoestring".into()),
            stages: Some(vec![Stage::Queue, Stage::Ideas]),
            every_hours: Some(Some(6)),
            budget_per_run: Some(Some(0)),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        r.settings.stages,
        vec![Stage::Ideas, Stage::Queue],
        "kept in pipeline order"
    );
    assert_eq!(r.next_run_at, Some(at("2026-11-30T16:00:00Z")));
    let worker = Worker::new(core.clone());
    clock.set(at("2026-11-30T16:00:00Z"));
    assert_eq!(drain(&worker).await, 1);
    let run = &runs(&core, &t).await[0];
    let ideas = stage(run, "ideas");
    assert_eq!(ideas["status"], "skipped", "{ideas}");
    let message = ideas["message"].as_str().unwrap();
    assert!(message.contains("the run's budget"), "{message}");
    assert_eq!(stage(run, "queue")["status"], "nothing_to_do");
    assert_eq!(run.credits, 0);
    assert_eq!(core.credits().balance(&t.scope).await.unwrap(), balance);
    assert!(
        core.jobs()
            .list(
                &t.scope,
                &igny8_core::jobs::JobFilter {
                    kind: Some(JobKind::GenerateIdeas),
                    ..Default::default()
                },
                &PageRequest::new(1, 10),
            )
            .await
            .unwrap()
            .items
            .is_empty(),
        "no ideas job was queued"
    );

    // The month's budget is the rule's too.
    core.automation()
        .update(
            &t.scope,
            r.id,
            RuleInput {
                budget_per_run: Some(None),
                budget_per_month: Some(Some(0)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    core.automation().run_now(&t.scope, r.id).await.unwrap();
    assert_eq!(drain(&worker).await, 1);
    let run = &runs(&core, &t).await[0];
    let message = stage(run, "ideas")["message"].as_str().unwrap().to_owned();
    assert!(message.contains("this month's budget"), "{message}");
}

pub(crate) async fn rules_are_checked_and_scoped(core: Igny8) {
    let t = tenant(&core, "Rules", 0).await;
    let bad = core
        .automation()
        .create(
            &t.scope,
            RuleInput {
                site_id: Some(t.site),
                name: Some("Bad".into()),
                cron: Some(Some("0 25 * * *".into())),
                every_hours: Some(Some(2)),
                timezone: Some("Mars/Olympus".into()),
                items_per_run: Some(0),
                publish_mode: Some(igny8_core::automation::PublishMode::Schedule),
                publish_slots: Some(vec!["someday 9am".into()]),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(bad.code(), ErrorCode::Validation);
    let fields: Vec<&str> = bad
        .field_errors()
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    for f in ["cron", "timezone", "items_per_run", "publish_slots"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let none = core
        .automation()
        .create(
            &t.scope,
            RuleInput {
                site_id: Some(t.site),
                name: Some("No schedule".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(none.to_string().contains("schedule"), "{none}");
    let listed = core
        .automation()
        .list(&t.scope, &RuleFilter::default(), &PageRequest::new(1, 10))
        .await
        .unwrap();
    assert!(listed.items.is_empty(), "nothing was stored");

    let good = rule(
        &core,
        &t,
        RuleInput {
            name: Some("  Weekdays   at nine ".into()),
            cron: Some(Some("0 9 * * mon-fri".into())),
            timezone: Some("America/New_York".into()),
            publish_mode: Some(igny8_core::automation::PublishMode::Schedule),
            publish_slots: Some(vec!["Friday 09:00".into(), "mon 9:00".into()]),
            stages: Some(vec![Stage::Publish]),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(good.settings.name, "Weekdays at nine");
    let slots: Vec<String> = good
        .settings
        .publish_slots
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(slots, vec!["mon 09:00", "fri 09:00"]);
    let next = good.next_run_at.unwrap();
    assert!(next > core.now());
    // Switching to every 2 hours replaces the cron expression.
    let changed = core
        .automation()
        .update(
            &t.scope,
            good.id,
            RuleInput {
                every_hours: Some(Some(2)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.settings.cron, None);
    assert_eq!(changed.settings.every_hours, Some(2));
    assert!(changed.next_run_at.unwrap() <= core.now() + Duration::hours(2));

    // Another tenant sees nothing of it.
    let other = tenant(&core, "Other", 0).await;
    let e = core
        .automation()
        .get(&other.scope, good.id)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    let e = core
        .automation()
        .run_now(&other.scope, good.id)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    let e = core
        .automation()
        .create(
            &other.scope,
            RuleInput {
                site_id: Some(t.site),
                name: Some("Theirs".into()),
                every_hours: Some(Some(1)),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e.code(), ErrorCode::NotFound | ErrorCode::Validation),
        "{e}"
    );
    assert_eq!(
        core.automation()
            .delete(&other.scope, &[good.id])
            .await
            .unwrap(),
        0
    );
    // A publish stage without a WordPress connection is skipped, and says why.
    core.automation().run_now(&t.scope, good.id).await.unwrap();
    let worker = Worker::new(core.clone());
    assert_eq!(drain(&worker).await, 1);
    let run = &runs(&core, &t).await[0];
    let publish = stage(run, "publish");
    assert_eq!(publish["status"], "skipped");
    assert!(
        publish["message"]
            .as_str()
            .unwrap()
            .contains("not connected"),
        "{publish}"
    );
    assert_eq!(
        core.automation()
            .delete(&t.scope, &[good.id])
            .await
            .unwrap(),
        1
    );
    assert!(
        runs(&core, &t).await.is_empty(),
        "its run records went with it"
    );
}

pub(crate) async fn a_rule_takes_keywords_to_illustrated_drafts_within_its_budget(core: Igny8) {
    use igny8_core::testing::fake_ai::FakeAi;
    use igny8_core::writer::{ContentFilter, ContentSort, ContentSortField};

    let fake = FakeAi::start_auto().await;
    let media = std::env::temp_dir().join(format!(
        "igny8-automation-{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or(0)
    ));
    let (core, _clock) = on_clock(&core, at("2026-11-30T10:00:00Z")).await;
    let core = with_fake(&core, &fake, &media);
    let t = tenant(&core, "Autopilot", 1000).await;
    import(&core, &t, KEYWORDS).await;
    let r = rule(
        &core,
        &t,
        RuleInput {
            name: Some("Everything but publishing".into()),
            items_per_run: Some(2),
            ideas_per_cluster: Some(Some(2)),
            word_count: Some(Some(300)),
            every_hours: Some(Some(24)),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        r.settings.stages.len(),
        6,
        "every stage but publish by default"
    );
    let worker = Worker::new(core.clone());
    core.automation().run_now(&t.scope, r.id).await.unwrap();
    assert_eq!(drain(&worker).await, 1);
    let run = &runs(&core, &t).await[0];
    for name in [
        "cluster",
        "ideas",
        "queue",
        "content",
        "image_prompts",
        "images",
    ] {
        assert_eq!(
            stage(run, name)["status"],
            "done",
            "{name}: {:?}",
            run.job.result
        );
    }
    assert_eq!(stage(run, "ideas")["items"], 2, "two clusters per run");
    assert_eq!(stage(run, "queue")["items"], 2);
    assert_eq!(stage(run, "content")["items"], 2);
    let stage_credits: i64 = run.job.result.as_ref().unwrap()["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["credits"].as_i64().unwrap())
        .sum();
    assert!(stage_credits > 0);
    assert_eq!(run.credits, stage_credits);
    assert_eq!(
        core.credits().balance(&t.scope).await.unwrap(),
        1000 - stage_credits,
        "charged what its stages were charged, once"
    );
    let drafts = core
        .contents()
        .list(
            &t.scope,
            &ContentFilter::default(),
            &ContentSort {
                field: ContentSortField::Id,
                descending: false,
            },
            &PageRequest::new(1, 10),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(drafts.len(), 2);
    for d in &drafts {
        let images = core
            .images()
            .list(
                &t.scope,
                &igny8_core::writer::ImageFilter {
                    content_id: Some(d.id),
                    ..Default::default()
                },
                &PageRequest::new(1, 10),
            )
            .await
            .unwrap()
            .items;
        assert!(!images.is_empty(), "{} has images", d.title);
        assert!(
            images.iter().all(|i| i
                .file_path
                .as_deref()
                .is_some_and(|p| !p.starts_with('/') && media.join(p).exists())),
            "{images:?}"
        );
    }

    // A budget that covers one article: the content stage takes one of the two queued tasks.
    core.automation()
        .update(
            &t.scope,
            r.id,
            RuleInput {
                stages: Some(vec![Stage::Queue]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    core.automation().run_now(&t.scope, r.id).await.unwrap();
    assert_eq!(drain(&worker).await, 1);
    let queued = &runs(&core, &t).await[0];
    let tasks: Vec<i64> = stage(queued, "queue")["detail"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(tasks.len(), 2, "{:?}", queued.job.result);
    let one = core
        .ai()
        .estimate(
            &t.scope,
            JobKind::GenerateContent,
            &serde_json::json!({"ids": [tasks[0]], "word_count": 300}),
        )
        .await
        .unwrap()
        .credits;
    core.automation()
        .update(
            &t.scope,
            r.id,
            RuleInput {
                stages: Some(vec![Stage::Content]),
                budget_per_run: Some(Some(one)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    core.automation().run_now(&t.scope, r.id).await.unwrap();
    assert_eq!(drain(&worker).await, 1);
    let limited = &runs(&core, &t).await[0];
    let content = stage(limited, "content");
    assert_eq!(content["status"], "done", "{content}");
    assert_eq!(content["items"], 1, "{content}");
    assert!(
        content["message"]
            .as_str()
            .unwrap()
            .contains("limited to 1 of 2 items by the run's budget"),
        "{content}"
    );
    assert!(limited.credits <= one);
    let _ = std::fs::remove_dir_all(&media);
}

pub(crate) async fn an_unreadable_stored_schedule_lists_as_none_and_pauses(core: Igny8) {
    let (core, clock) = on_clock(&core, at("2026-11-30T10:00:00Z")).await;
    let t = tenant(&core, "Old rows", 0).await;
    let make = |name: &str| RuleInput {
        name: Some(name.into()),
        stages: Some(vec![Stage::Cluster]),
        cluster_mode: Some("local".into()),
        cron: Some(Some("0 * * * *".into())),
        timezone: Some("Europe/Berlin".into()),
        ..Default::default()
    };
    let bad_cron = rule(&core, &t, make("Old cron")).await;
    let bad_zone = rule(&core, &t, make("Old zone")).await;
    // Rows as an older build might have left them: values this build can't read.
    let table = format!("{}automation_rules", core.store().prefix());
    for (id, column, value) in [
        (bad_cron.id, "cron", "0 * * * * *"),
        (bad_zone.id, "timezone", "Mars/Olympus_Mons"),
    ] {
        core.store()
            .execute_unchecked(&format!(
                "UPDATE {table} SET {column} = '{value}' WHERE id = {id}"
            ))
            .await
            .unwrap();
    }

    // Listing still works: each rule shows without a schedule.
    let listed = core
        .automation()
        .list(&t.scope, &RuleFilter::default(), &PageRequest::new(1, 10))
        .await
        .expect("an unreadable row doesn't break the list");
    assert_eq!(listed.items.len(), 2);
    for r in &listed.items {
        assert_eq!(r.settings.cron, None, "{}", r.settings.name);
        assert_eq!(r.settings.every_hours, None, "{}", r.settings.name);
        assert!(r.schedule().is_none(), "{}", r.settings.name);
    }
    assert_eq!(listed.items[1].settings.timezone.name(), "UTC");

    // At their due time the scheduler runs them once and pauses them rather than spin.
    clock.set(at("2026-11-30T11:00:00Z"));
    assert_eq!(core.automation().schedule_due(10).await.unwrap().len(), 2);
    assert!(core.automation().schedule_due(10).await.unwrap().is_empty());
    for id in [bad_cron.id, bad_zone.id] {
        let r = core.automation().get(&t.scope, id).await.unwrap();
        assert_eq!(r.next_run_at, None, "paused");
    }

    // A new schedule repairs the rule.
    let fixed = core
        .automation()
        .update(
            &t.scope,
            bad_zone.id,
            RuleInput {
                cron: Some(Some("0 9 * * *".into())),
                timezone: Some("Europe/Berlin".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(fixed.next_run_at, Some(at("2026-12-01T08:00:00Z")));
}

/// With the account's `images.enabled` off, a rule writes its articles but skips its image
/// stages, saying why; turned on again, the same drafts get their images.
pub(crate) async fn with_images_off_a_rule_skips_its_image_stages(core: Igny8) {
    use igny8_core::testing::fake_ai::FakeAi;
    use igny8_core::writer::{ContentFilter, ContentSort, ImageFilter, NewTask};

    let fake = FakeAi::start_auto().await;
    let media = std::env::temp_dir().join(format!(
        "igny8-automation-images-{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or(0)
    ));
    let (core, _clock) = on_clock(&core, at("2026-11-30T10:00:00Z")).await;
    let core = with_fake(&core, &fake, &media);
    let t = tenant(&core, "No pictures", 1000).await;
    core.tasks()
        .create(
            &t.scope,
            NewTask {
                sector_id: t.sector,
                idea_id: None,
                cluster_id: None,
                title: "Storing a garden hose".into(),
                brief: None,
                keywords: vec!["garden hose reel".into()],
                content_type: None,
                content_structure: None,
                target_word_count: Some(300),
                author_profile_id: None,
                strategy_id: None,
                scheduled_at: None,
            },
        )
        .await
        .unwrap();
    core.system()
        .set_setting(&t.scope, "images.enabled", &serde_json::json!(false))
        .await
        .unwrap();
    let r = rule(
        &core,
        &t,
        RuleInput {
            name: Some("Write and illustrate".into()),
            stages: Some(vec![Stage::Content, Stage::ImagePrompts, Stage::Images]),
            every_hours: Some(Some(24)),
            ..Default::default()
        },
    )
    .await;
    let worker = Worker::new(core.clone());
    core.automation().run_now(&t.scope, r.id).await.unwrap();
    assert_eq!(drain(&worker).await, 1);
    let run = &runs(&core, &t).await[0];
    assert_eq!(stage(run, "content")["status"], "done");
    for name in ["image_prompts", "images"] {
        let s = stage(run, name);
        assert_eq!(s["status"], "skipped", "{s}");
        assert!(
            s["message"]
                .as_str()
                .is_some_and(|m| m.contains("images are turned off")),
            "{s}"
        );
    }
    let drafts = core
        .contents()
        .list(
            &t.scope,
            &ContentFilter::default(),
            &ContentSort::default(),
            &PageRequest::new(1, 10),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(drafts.len(), 1);
    let images = |core: Igny8| async move {
        core.images()
            .list(&t.scope, &ImageFilter::default(), &PageRequest::new(1, 10))
            .await
            .unwrap()
            .items
    };
    assert!(images(core.clone()).await.is_empty());
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.path != "/v1/images/generations"),
        "no image was drawn"
    );

    // Back on: the next run illustrates the draft.
    core.system()
        .set_setting(&t.scope, "images.enabled", &serde_json::json!(true))
        .await
        .unwrap();
    core.automation().run_now(&t.scope, r.id).await.unwrap();
    assert_eq!(drain(&worker).await, 1);
    let run = &runs(&core, &t).await[0];
    assert_eq!(stage(run, "image_prompts")["status"], "done", "{run:?}");
    assert_eq!(stage(run, "images")["status"], "done", "{run:?}");
    assert!(!images(core.clone()).await.is_empty());
}
