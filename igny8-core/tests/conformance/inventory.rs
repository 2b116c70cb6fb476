//! The link inventory's storage: WordPress objects recorded, replaced, swept and scoped.

use igny8_core::inventory::{LinkKind, LinkPageFilter, SyncedPage};
use igny8_core::list::PageRequest;
use igny8_core::tenancy::NewSite;
use igny8_core::writer::NewContent as Article;
use igny8_core::{ErrorCode, Igny8};

use crate::support::tenant;

fn post(kind: LinkKind, id: i64, title: &str) -> SyncedPage {
    SyncedPage {
        kind,
        wp_id: id,
        url: format!("https://garden.example/?p={id}"),
        title: title.into(),
        keywords: vec!["Watering".into()],
        modified_at: Some(chrono::Utc::now()),
    }
}

fn titles(pages: &[igny8_core::inventory::LinkPage]) -> Vec<String> {
    let mut t: Vec<String> = pages.iter().map(|p| p.title.clone()).collect();
    t.sort();
    t
}

pub(crate) async fn recorded_pages_are_replaced_swept_and_scoped(core: Igny8) {
    let a = tenant(&core, "Inventory A", 0).await;
    let b = tenant(&core, "Inventory B", 0).await;
    let inventory = core.inventory();
    let filter = LinkPageFilter {
        site_id: Some(a.site),
        ..Default::default()
    };
    let page = PageRequest::new(1, 100);

    inventory
        .record(
            &a.scope,
            a.site,
            vec![
                post(LinkKind::Post, 12, "Hose reels <b>compared</b>"),
                post(LinkKind::Post, 13, "Drip irrigation"),
                post(LinkKind::Page, 2, "About us"),
                post(LinkKind::Category, 5, "Watering"),
            ],
            false,
            None,
        )
        .await
        .unwrap();
    let listed = inventory.list(&a.scope, &filter, &page).await.unwrap();
    assert_eq!(
        titles(&listed.items),
        [
            "About us",
            "Drip irrigation",
            "Hose reels compared",
            "Watering"
        ],
        "titles are kept as plain text"
    );
    assert_eq!(inventory.count(&a.scope, a.site).await.unwrap(), 4);

    // A whole site sent in two calls: the same object again replaces it; what neither call
    // sent is taken out at the end, whatever its kind.
    let first = inventory
        .record(
            &a.scope,
            a.site,
            vec![post(LinkKind::Post, 12, "Hose reels, compared again")],
            false,
            None,
        )
        .await
        .unwrap();
    assert_eq!((first.recorded, first.removed), (1, 0));
    let last = inventory
        .record(
            &a.scope,
            a.site,
            vec![
                post(LinkKind::Page, 2, "About us"),
                post(LinkKind::Category, 5, "Watering"),
            ],
            true,
            Some(first.seen_at),
        )
        .await
        .unwrap();
    assert_eq!(last.removed, 1, "the post neither call sent");
    let listed = inventory.list(&a.scope, &filter, &page).await.unwrap();
    assert_eq!(
        titles(&listed.items),
        ["About us", "Hose reels, compared again", "Watering"]
    );
    let posts = inventory
        .list(
            &a.scope,
            &LinkPageFilter {
                kind: Some(LinkKind::Post),
                ..filter.clone()
            },
            &page,
        )
        .await
        .unwrap();
    assert_eq!(posts.items.len(), 1);
    assert_eq!(posts.items[0].keywords, ["Watering"]);
    assert!(
        inventory
            .forget(&a.scope, a.site, LinkKind::Page, 2)
            .await
            .unwrap()
    );
    assert!(
        !inventory
            .forget(&a.scope, a.site, LinkKind::Page, 2)
            .await
            .unwrap()
    );

    // Bad objects are refused whole, naming each problem; nothing is written.
    let mut bad = post(LinkKind::Content, 0, "x");
    bad.url = "javascript:alert(1)".into();
    let err = inventory
        .record(
            &a.scope,
            a.site,
            vec![post(LinkKind::Post, 40, "Fine"), bad],
            false,
            None,
        )
        .await
        .unwrap_err();
    let text = err.to_string();
    for field in ["pages[1].kind", "pages[1].wp_id", "pages[1].url"] {
        assert!(text.contains(field), "{text}");
    }
    assert_eq!(inventory.count(&a.scope, a.site).await.unwrap(), 2);

    // Another account sees nothing of the site and can't write to it.
    let err = inventory.list(&b.scope, &filter, &page).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    let err = inventory
        .record(
            &b.scope,
            a.site,
            vec![post(LinkKind::Post, 1, "Mine")],
            true,
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(
        inventory
            .entries(&b.scope, b.site)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(inventory.count(&a.scope, a.site).await.unwrap(), 2);

    // A user restricted to another site of the account doesn't see it either.
    let other = core
        .tenancy()
        .create_site(
            &a.scope,
            NewSite {
                name: "Other".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let narrowed = a.scope.restricted_to_site(other.id);
    assert!(inventory.list(&narrowed, &filter, &page).await.is_err());

    // Deleting the site deletes its inventory.
    core.tenancy()
        .delete_sites(&a.scope, &[a.site])
        .await
        .unwrap();
    let err = inventory.list(&a.scope, &filter, &page).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}

/// The worker's refresh: connected sites whose inventory is older than a day get one sync
/// queued (not another while it waits, none for sites without WordPress or recently synced).
pub(crate) async fn stale_inventories_get_one_sync_queued(core: Igny8) {
    use igny8_core::jobs::JobKind;
    use igny8_core::publish::WordPressCredentials;

    let (core, clock) = crate::support::on_clock(&core, chrono::Utc::now()).await;
    let core = core.with_secrets(
        igny8_core::crypto::SecretBox::from_base64(&igny8_core::crypto::SecretBox::generate_key())
            .unwrap(),
    );
    let connected = tenant(&core, "Stale A", 0).await;
    let unconnected = tenant(&core, "Stale B", 0).await;
    let fresh = tenant(&core, "Stale C", 0).await;
    for t in [&connected, &fresh] {
        core.wordpress()
            .connect(
                &t.scope,
                t.site,
                WordPressCredentials {
                    url: "https://blog.example".into(),
                    username: "editor".into(),
                    application_password: "abcd efgh ijkl mnop".into(),
                },
            )
            .await
            .unwrap();
    }
    core.inventory()
        .record(
            &fresh.scope,
            fresh.site,
            vec![post(LinkKind::Post, 1, "Recent")],
            true,
            None,
        )
        .await
        .unwrap();
    let queued = core.inventory().refresh_stale(10).await.unwrap();
    let sites: Vec<_> = queued.iter().map(|j| (j.kind, j.site_id)).collect();
    assert_eq!(sites, [(JobKind::SyncLinks, Some(connected.site))]);
    assert!(core.inventory().refresh_stale(10).await.unwrap().is_empty());
    let _ = unconnected;

    // A day later both connected sites are due; the waiting job is reused, not doubled.
    clock.advance(chrono::Duration::hours(25));
    let queued = core.inventory().refresh_stale(10).await.unwrap();
    let mut sites: Vec<_> = queued.iter().map(|j| j.site_id.unwrap()).collect();
    sites.sort();
    assert_eq!(sites, [connected.site, fresh.site]);
    let jobs = core
        .jobs()
        .list(
            &connected.scope,
            &igny8_core::jobs::JobFilter {
                kind: Some(JobKind::SyncLinks),
                ..Default::default()
            },
            &PageRequest::new(1, 10),
        )
        .await
        .unwrap();
    assert_eq!(jobs.items.len(), 1, "one sync waits for the site, not two");
}

fn idea(
    t: &crate::support::Tenant,
    title: &str,
    keywords: &[&str],
) -> igny8_core::planner::NewIdea {
    igny8_core::planner::NewIdea {
        sector_id: t.sector,
        cluster_id: None,
        title: title.into(),
        description: None,
        outline: Vec::new(),
        content_type: None,
        content_structure: None,
        target_keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        estimated_word_count: None,
    }
}

/// (kind, id) of each side of each pair.
fn pairs(found: &[&igny8_core::planner::overlap::Overlap]) -> Vec<(String, String)> {
    let side = |t: &igny8_core::planner::overlap::Target| format!("{} {}", t.kind.as_str(), t.id);
    found.iter().map(|o| (side(&o.a), side(&o.b))).collect()
}

pub(crate) async fn queued_and_written_pages_report_what_they_compete_with(core: Igny8) {
    use igny8_core::planner::QueueDefaults;
    use igny8_core::planner::overlap::{OverlapAction, OverlapReason, TargetKind};
    use igny8_core::writer::{ContentPatch, NewContent};
    let t = tenant(&core, "Conflicts", 0).await;
    let other = tenant(&core, "Conflicts elsewhere", 0).await;
    // The site's WordPress: a post on garden hoses, an unrelated post, a page, a category.
    let mut hoses = post(LinkKind::Post, 12, "The best garden hoses");
    hoses.url = "https://garden.example/best-garden-hoses/".into();
    core.inventory()
        .record(
            &t.scope,
            t.site,
            vec![
                hoses,
                post(LinkKind::Post, 13, "Drip irrigation kits"),
                post(LinkKind::Page, 2, "About us"),
                post(LinkKind::Category, 5, "Garden hoses"),
            ],
            true,
            None,
        )
        .await
        .unwrap();
    // Another account's idea for the same keyword competes with nothing here.
    core.ideas()
        .create(
            &other.scope,
            idea(&other, "Garden hose guide", &["garden hose"]),
        )
        .await
        .unwrap();
    let ideas = core.ideas();
    let buy = ideas
        .create(
            &t.scope,
            idea(
                &t,
                "Which garden hose to buy",
                &["garden hoses", "hose length"],
            ),
        )
        .await
        .unwrap();
    let reels = ideas
        .create(&t.scope, idea(&t, "Garden hose reels", &["hose reel"]))
        .await
        .unwrap();
    let twin = ideas
        .create(
            &t.scope,
            idea(&t, "Hose reels compared", &["hose reels", "reel cart"]),
        )
        .await
        .unwrap();

    // Queued: each new idea's conflicts come with its task — the WordPress post on its keyword,
    // the new idea on the same keyword as another; none from the other account or the category.
    let queued = ideas
        .queue_to_writer(&t.scope, &[buy.id, reels.id], QueueDefaults::default())
        .await
        .unwrap();
    assert_eq!(queued.tasks.len(), 2);
    let task_of = |idea: igny8_core::IdeaId| {
        queued
            .tasks
            .iter()
            .find(|x| x.idea_id == Some(idea))
            .unwrap()
    };
    let of_buy = queued.conflicts_of(task_of(buy.id));
    assert_eq!(
        pairs(&of_buy),
        [(format!("idea {}", buy.id.get()), "post 12".into())]
    );
    let o = of_buy[0];
    assert_eq!(o.reason, OverlapReason::SamePrimaryKeyword);
    assert_eq!(o.action, OverlapAction::Merge);
    assert_eq!(
        o.b.url.as_deref(),
        Some("https://garden.example/best-garden-hoses/")
    );
    assert!(
        o.suggestion
            .contains("WordPress post “The best garden hoses”"),
        "{}",
        o.suggestion
    );
    let of_reels = queued.conflicts_of(task_of(reels.id));
    assert_eq!(
        pairs(&of_reels),
        [(
            format!("idea {}", reels.id.get()),
            format!("idea {}", twin.id.get())
        )]
    );
    assert_eq!(queued.conflicts.len(), 2, "{:#?}", queued.conflicts);
    // Queued again: nothing new is queued, nothing reported.
    let again = ideas
        .queue_to_writer(&t.scope, &[buy.id], QueueDefaults::default())
        .await
        .unwrap();
    assert!(again.tasks.is_empty() && again.conflicts.is_empty());

    // The site's report keeps the queued ideas (not written yet) in view.
    let report = ideas.overlaps(&t.scope, t.site).await.unwrap();
    let all: Vec<_> = report.iter().collect();
    let mut found = pairs(&all);
    found.sort();
    let mut expected = vec![
        (format!("idea {}", buy.id.get()), "post 12".to_owned()),
        (
            format!("idea {}", reels.id.get()),
            format!("idea {}", twin.id.get()),
        ),
    ];
    expected.sort();
    assert_eq!(found, expected);

    // The reels task written: the article competes with the new idea; the queued idea it was
    // written from is the article now, not a page of its own.
    let task = queued
        .tasks
        .iter()
        .find(|x| x.idea_id == Some(reels.id))
        .unwrap();
    let article = core
        .contents()
        .create(
            &t.scope,
            NewContent {
                sector_id: t.sector,
                task_id: Some(task.id),
                title: "Garden hose reels".into(),
                html: "<p>Reels.</p>".into(),
                meta_title: None,
                meta_description: None,
                primary_keyword: Some("hose reel".into()),
                secondary_keywords: Vec::new(),
                tags: Vec::new(),
                categories: Vec::new(),
                faq: None,
            },
        )
        .await
        .unwrap();
    let conflicts = core.contents().conflicts(&t.scope, &article).await.unwrap();
    let all: Vec<_> = conflicts.iter().collect();
    assert_eq!(
        pairs(&all),
        [(
            format!("content {}", article.id.get()),
            format!("idea {}", twin.id.get())
        )]
    );
    assert_eq!(conflicts[0].action, OverlapAction::Merge);

    // Published as WordPress post 40, and that post synced: still one page, not two.
    let url = "https://garden.example/garden-hose-reels/";
    core.contents()
        .update(
            &t.scope,
            article.id,
            ContentPatch {
                wp_post_id: Some(Some(40)),
                wp_url: Some(Some(url.into())),
                ..ContentPatch::default()
            },
        )
        .await
        .unwrap();
    let mut ours = post(LinkKind::Post, 40, "Garden hose reels");
    ours.url = url.into();
    core.inventory()
        .record(&t.scope, t.site, vec![ours], false, None)
        .await
        .unwrap();
    let article = core.contents().get(&t.scope, article.id).await.unwrap();
    let conflicts = core.contents().conflicts(&t.scope, &article).await.unwrap();
    assert!(
        conflicts.iter().all(|o| o.b.kind != TargetKind::Post),
        "{conflicts:#?}"
    );
    assert_eq!(conflicts.len(), 1);
    // Another account can't read the article's conflicts.
    assert!(
        core.contents()
            .conflicts(&other.scope, &article)
            .await
            .is_err()
    );
}

/// The categories an article goes into are the site's own where the words match
/// (`publish.categories` = `match`, the default), made only where none does; with `existing`
/// only the site's own. The renderer the plugin and the hosted publisher share says so.
pub(crate) async fn articles_go_into_the_sites_own_categories(core: Igny8) {
    let t = tenant(&core, "Categories", 0).await;
    core.inventory()
        .record(
            &t.scope,
            t.site,
            vec![
                post(LinkKind::Category, 3, "Espresso machine"),
                post(LinkKind::Category, 4, "Grinders"),
                post(LinkKind::Post, 9, "Coffee gear we love"),
            ],
            false,
            None,
        )
        .await
        .unwrap();
    let article = core
        .contents()
        .create(
            &t.scope,
            Article {
                sector_id: t.sector,
                task_id: None,
                title: "Choosing an espresso machine".into(),
                html: "<p>Machines.</p>".into(),
                meta_title: None,
                meta_description: None,
                primary_keyword: Some("espresso machine".into()),
                secondary_keywords: Vec::new(),
                tags: Vec::new(),
                categories: vec![
                    "Espresso Machines".into(),
                    "Best Grinders".into(),
                    "Coffee Gear".into(),
                ],
                faq: None,
            },
        )
        .await
        .unwrap();
    let publishing = core.wordpress();
    let render = || publishing.render(&t.scope, article.id, &[]);
    assert_eq!(
        render().await.unwrap().categories,
        ["Espresso machine", "Grinders", "Coffee Gear"],
        "matched to the site's categories; a post's title is not a category"
    );
    core.system()
        .set_setting(
            &t.scope,
            "publish.categories",
            &serde_json::json!("existing"),
        )
        .await
        .unwrap();
    assert_eq!(
        render().await.unwrap().categories,
        ["Espresso machine", "Grinders"]
    );
    let err = core
        .system()
        .set_setting(&t.scope, "publish.categories", &serde_json::json!("any"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation, "{err}");
    // The stored content keeps the names the model chose.
    let stored = core.contents().get(&t.scope, article.id).await.unwrap();
    assert_eq!(stored.categories.len(), 3);
}
