//! The link inventory's storage: WordPress objects recorded, replaced, swept and scoped.

use igny8_core::inventory::{LinkKind, LinkPageFilter, SyncedPage};
use igny8_core::list::PageRequest;
use igny8_core::tenancy::NewSite;
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
