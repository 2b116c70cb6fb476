use igny8_core::list::PageRequest;
use igny8_core::planner::{KeywordDraft, KeywordFilter, KeywordPatch, KeywordSort, NewCluster};
use igny8_core::tenancy::*;
use igny8_core::{ErrorCode, Igny8, PlanLimit, SqlStore, StoreOptions, UserId};

use crate::support::tenant;

pub(crate) async fn registration_and_login(core: Igny8) {
    let t = core.tenancy();
    let (account, owner) = t
        .register(
            Registration {
                email: "  Owner@Example.COM ".into(),
                password: "correct horse battery".into(),
                account_name: "Acme".into(),
                name: None,
            },
            Some(250),
        )
        .await
        .unwrap();
    assert_eq!(owner.email, "owner@example.com");
    assert_eq!(owner.role, Role::Owner);
    assert_eq!(owner.account_id, Some(account.id));
    assert_eq!(account.credits, 250);
    // The grant is in the ledger.
    let scope = Scope::user(account.id, owner.id, Role::Owner);
    assert_eq!(core.credits().audit(&scope).await.unwrap(), (250, 250));

    let user = t
        .authenticate("OWNER@example.com", "correct horse battery")
        .await
        .unwrap();
    assert_eq!(user.id, owner.id);
    assert!(
        t.find_user(owner.id)
            .await
            .unwrap()
            .unwrap()
            .last_login_at
            .is_some()
    );
    for (email, password) in [
        ("owner@example.com", "wrong password"),
        ("nobody@example.com", "correct horse battery"),
    ] {
        let err = t.authenticate(email, password).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Unauthenticated);
        assert_eq!(err.to_string(), "wrong email or password");
    }
    // The same email can't register twice; bad input names its fields and creates nothing.
    let dup = t
        .register(
            Registration {
                email: "owner@example.com".into(),
                password: "another password".into(),
                account_name: "Other".into(),
                name: None,
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(dup.field_errors()[0].field, "email");
    let bad = t
        .register(
            Registration {
                email: "not-an-email".into(),
                password: "short".into(),
                account_name: " ".into(),
                name: None,
            },
            None,
        )
        .await
        .unwrap_err();
    let fields: Vec<_> = bad
        .field_errors()
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(fields, ["email", "password", "account_name"]);
    assert_eq!(
        t.accounts(
            &Operator::embedder(),
            &AccountFilter::default(),
            &PageRequest::default()
        )
        .await
        .unwrap()
        .total,
        Some(1)
    );
    // Operators find accounts by name, in any case, and by state.
    t.register(
        Registration {
            email: "other@example.com".into(),
            password: "correct horse battery".into(),
            account_name: "Brewers 100%".into(),
            name: None,
        },
        None,
    )
    .await
    .unwrap();
    let names = |filter: AccountFilter| {
        let t = core.tenancy();
        async move {
            t.accounts(&Operator::embedder(), &filter, &PageRequest::default())
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|a| a.name)
                .collect::<Vec<_>>()
        }
    };
    let search = |s: &str| AccountFilter {
        search: Some(s.into()),
        ..AccountFilter::default()
    };
    assert_eq!(names(search("BREW")).await, ["Brewers 100%"]);
    assert_eq!(names(search("100%")).await, ["Brewers 100%"]);
    assert_eq!(
        names(search("1_0")).await,
        Vec::<String>::new(),
        "no wildcards"
    );
    assert_eq!(
        names(AccountFilter::default()).await,
        ["Acme", "Brewers 100%"]
    );
    assert_eq!(
        names(AccountFilter {
            status: Some(AccountStatus::Suspended),
            ..AccountFilter::default()
        })
        .await,
        Vec::<String>::new()
    );

    // Password change checks the current one.
    let wrong = t
        .change_password(&scope, "nope", "a new password")
        .await
        .unwrap_err();
    assert_eq!(wrong.field_errors()[0].field, "current_password");
    t.change_password(&scope, "correct horse battery", "a new password")
        .await
        .unwrap();
    assert!(
        t.authenticate("owner@example.com", "a new password")
            .await
            .is_ok()
    );
}

pub(crate) async fn plan_limits_name_the_limit(core: Igny8) {
    let t = core.tenancy();
    let plan = t
        .create_plan(
            &Operator::embedder(),
            PlanInput {
                slug: "tiny".into(),
                name: "Tiny".into(),
                monthly_credits: 10,
                limits: PlanLimits {
                    max_sites: Some(1),
                    max_sectors_per_site: Some(2),
                    max_users: Some(1),
                    max_keywords: Some(3),
                },
                is_default: false,
            },
        )
        .await
        .unwrap();
    let account = t
        .create_account(
            &Operator::embedder(),
            NewAccount {
                name: "Small".into(),
                plan_id: Some(plan.id),
                initial_credits: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        account.credits, 10,
        "the plan's monthly credits are granted"
    );
    let scope = Scope::system(account.id);
    let site = t
        .create_site(
            &scope,
            NewSite {
                name: "One".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let err = t
        .create_site(
            &scope,
            NewSite {
                name: "Two".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::LimitReached);
    assert!(matches!(
        err,
        igny8_core::Error::LimitReached {
            limit: PlanLimit::Sites,
            max: 1,
            ..
        }
    ));
    assert!(err.to_string().contains("max_sites"), "{err}");

    let sector = |name: &str| NewSector {
        site_id: site.id,
        name: name.into(),
        description: None,
        is_active: None,
    };
    let s1 = t.create_sector(&scope, sector("A")).await.unwrap();
    t.create_sector(&scope, sector("B")).await.unwrap();
    let err = t.create_sector(&scope, sector("C")).await.unwrap_err();
    assert!(err.to_string().contains("max_sectors_per_site"), "{err}");

    let user = |email: &str| NewUser {
        email: email.into(),
        password: "password123".into(),
        name: None,
        role: Some(Role::Editor),
    };
    t.create_user(&scope, user("a@example.com")).await.unwrap();
    let err = t
        .create_user(&scope, user("b@example.com"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("max_users"), "{err}");

    for k in ["one", "two", "three"] {
        core.keywords()
            .create(&scope, s1.id, KeywordDraft::new(k))
            .await
            .unwrap();
    }
    let err = core
        .keywords()
        .create(&scope, s1.id, KeywordDraft::new("four"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("max_keywords"), "{err}");
    let page = core
        .keywords()
        .list(
            &scope,
            &KeywordFilter::default(),
            &KeywordSort::default(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        page.total,
        Some(3),
        "nothing was written by the refused call"
    );
}

pub(crate) async fn other_tenants_objects_are_not_found(core: Igny8) {
    let a = tenant(&core, "A", 0).await;
    let b = tenant(&core, "B", 0).await;
    let kw = core
        .keywords()
        .create(&a.scope, a.sector, KeywordDraft::new("secret keyword"))
        .await
        .unwrap();
    let cluster = core
        .clusters()
        .create(
            &a.scope,
            NewCluster {
                sector_id: a.sector,
                name: "Secret".into(),
                description: None,
            },
        )
        .await
        .unwrap();
    let not_found = |e: igny8_core::Error| assert_eq!(e.code(), ErrorCode::NotFound, "{e}");

    not_found(core.keywords().get(&b.scope, kw.id).await.unwrap_err());
    not_found(core.clusters().get(&b.scope, cluster.id).await.unwrap_err());
    not_found(core.tenancy().site(&b.scope, a.site).await.unwrap_err());
    not_found(core.tenancy().sector(&b.scope, a.sector).await.unwrap_err());
    not_found(
        core.keywords()
            .update(
                &b.scope,
                kw.id,
                KeywordPatch {
                    volume: Some(Some(1)),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err(),
    );
    not_found(
        core.tenancy()
            .update_site(
                &b.scope,
                a.site,
                SitePatch {
                    name: Some("x".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err(),
    );
    // Writing into another tenant's sector, or pointing at its cluster, fails.
    not_found(
        core.keywords()
            .create(&b.scope, a.sector, KeywordDraft::new("intruder"))
            .await
            .unwrap_err(),
    );
    not_found(
        core.clusters()
            .create(
                &b.scope,
                NewCluster {
                    sector_id: a.sector,
                    name: "x".into(),
                    description: None,
                },
            )
            .await
            .unwrap_err(),
    );
    let own = core
        .keywords()
        .create(&b.scope, b.sector, KeywordDraft::new("mine"))
        .await
        .unwrap();
    let err = core
        .keywords()
        .update(
            &b.scope,
            own.id,
            KeywordPatch {
                cluster_id: Some(Some(cluster.id)),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "cluster_id");
    not_found(
        core.keywords()
            .import(&b.scope, a.sector, std::io::Cursor::new(b"x\n".to_vec()))
            .await
            .unwrap_err(),
    );
    // Bulk operations and id filters silently skip foreign ids.
    assert_eq!(core.keywords().delete(&b.scope, &[kw.id]).await.unwrap(), 0);
    assert_eq!(
        core.keywords()
            .bulk_update(
                &b.scope,
                &[kw.id],
                KeywordPatch {
                    volume: Some(Some(9)),
                    ..Default::default()
                }
            )
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        core.tenancy()
            .delete_sites(&b.scope, &[a.site])
            .await
            .unwrap(),
        0
    );
    let smuggled = KeywordFilter {
        ids: Some(vec![kw.id]),
        sector_id: Some(a.sector),
        ..Default::default()
    };
    let page = core
        .keywords()
        .list(
            &b.scope,
            &smuggled,
            &KeywordSort::default(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert!(page.items.is_empty());
    assert_eq!(page.total, Some(0));
    // A's data is intact.
    let kw_after = core.keywords().get(&a.scope, kw.id).await.unwrap();
    assert_eq!(kw_after, kw);
    // A site-restricted scope sees its site only.
    let other_site = core
        .tenancy()
        .create_site(
            &a.scope,
            NewSite {
                name: "Second".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let narrowed = a.scope.restricted_to_site(other_site.id);
    not_found(core.keywords().get(&narrowed, kw.id).await.unwrap_err());
    // Deleting another site's cluster changes nothing, its keywords included.
    core.keywords()
        .update(
            &a.scope,
            kw.id,
            KeywordPatch {
                cluster_id: Some(Some(cluster.id)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        core.clusters()
            .delete(&narrowed, &[cluster.id])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        core.keywords()
            .get(&a.scope, kw.id)
            .await
            .unwrap()
            .cluster_id,
        Some(cluster.id)
    );
    // Another site's cluster is "not found" to a restricted user, not "in another sector".
    let own_sector = core
        .tenancy()
        .create_sector(
            &a.scope,
            NewSector {
                site_id: other_site.id,
                name: "Own".into(),
                description: None,
                is_active: None,
            },
        )
        .await
        .unwrap();
    let own_kw = core
        .keywords()
        .create(&narrowed, own_sector.id, KeywordDraft::new("own"))
        .await
        .unwrap();
    let probe = core
        .keywords()
        .update(
            &narrowed,
            own_kw.id,
            KeywordPatch {
                cluster_id: Some(Some(cluster.id)),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        probe.field_errors()[0].message,
        format!("cluster {} not found", cluster.id),
        "{probe}"
    );
    // A job a restricted user queues is its site's.
    let job = core
        .jobs()
        .enqueue(
            &narrowed,
            igny8_core::jobs::NewJob {
                kind: igny8_core::jobs::JobKind::LocalCluster,
                site_id: None,
                payload: serde_json::json!({}),
                max_attempts: None,
                run_after: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(job.site_id, Some(other_site.id));
    not_found(
        core.tenancy()
            .sector(&narrowed, a.sector)
            .await
            .unwrap_err(),
    );
    let sites = core
        .tenancy()
        .sites(&narrowed, &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        sites.items.iter().map(|s| s.id).collect::<Vec<_>>(),
        [other_site.id]
    );
}

pub(crate) async fn roles_and_owners(core: Igny8) {
    let t = core.tenancy();
    let (account, owner) = t
        .register(
            Registration {
                email: "boss@example.com".into(),
                password: "password123".into(),
                account_name: "Roles".into(),
                name: Some("Boss".into()),
            },
            None,
        )
        .await
        .unwrap();
    let owner_scope = Scope::user(account.id, owner.id, Role::Owner);
    let admin = t
        .create_user(
            &owner_scope,
            NewUser {
                email: "admin@example.com".into(),
                password: "password123".into(),
                name: None,
                role: Some(Role::Admin),
            },
        )
        .await
        .unwrap();
    let admin_scope = Scope::user(account.id, admin.id, Role::Admin);
    // An admin can't mint owners, nor touch the owner.
    let err = t
        .create_user(
            &admin_scope,
            NewUser {
                email: "o2@example.com".into(),
                password: "password123".into(),
                name: None,
                role: Some(Role::Owner),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    assert_eq!(
        t.delete_user(&admin_scope, owner.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    // A viewer reads but can't write.
    let viewer = t
        .create_user(
            &admin_scope,
            NewUser {
                email: "viewer@example.com".into(),
                password: "password123".into(),
                name: None,
                role: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(viewer.role, Role::Viewer);
    let viewer_scope = Scope::user(account.id, viewer.id, Role::Viewer);
    assert!(
        t.users(&viewer_scope, &PageRequest::default())
            .await
            .is_ok()
    );
    let err = t
        .create_site(
            &viewer_scope,
            NewSite {
                name: "x".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    // Users may rename themselves, not promote themselves.
    t.update_user(
        &viewer_scope,
        viewer.id,
        UserPatch {
            name: Some("Vee".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let err = t
        .update_user(
            &viewer_scope,
            viewer.id,
            UserPatch {
                role: Some(Role::Admin),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    // The last owner stays.
    let err = t
        .update_user(
            &owner_scope,
            owner.id,
            UserPatch {
                role: Some(Role::Admin),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(
        t.delete_user(&owner_scope, owner.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );
    // A disabled user can't sign in.
    t.update_user(
        &owner_scope,
        viewer.id,
        UserPatch {
            is_active: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(
        t.authenticate("viewer@example.com", "password123")
            .await
            .is_err()
    );
    // Operators.
    let su = t
        .create_superuser(
            &Operator::embedder(),
            "ops@example.com",
            "password123",
            None,
        )
        .await
        .unwrap();
    assert!(su.is_superuser);
    assert_eq!(su.account_id, None);
    // Only an active superuser acts as one: the account's owner is no operator.
    let auth = core.auth();
    let operator = auth.operator(su.id).await.unwrap();
    assert_eq!(operator.user(), Some(su.id));
    let not = auth.operator(owner.id).await.unwrap_err();
    assert_eq!(not.code(), ErrorCode::Forbidden, "{not}");
    assert!(
        t.accounts(
            &operator,
            &AccountFilter::default(),
            &PageRequest::default()
        )
        .await
        .is_ok()
    );
    t.update_user(
        &Scope::system(account.id),
        viewer.id,
        UserPatch {
            is_active: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        auth.operator(viewer.id).await.unwrap_err().code(),
        ErrorCode::Forbidden
    );
}

pub(crate) async fn bulk_changes_are_all_or_nothing(core: Igny8) {
    let t = core.tenancy();
    let (account, owner) = t
        .register(
            Registration {
                email: "bulk@example.com".into(),
                password: "password123".into(),
                account_name: "Bulk".into(),
                name: None,
            },
            None,
        )
        .await
        .unwrap();
    let owner_scope = Scope::user(account.id, owner.id, Role::Owner);
    let user = |email: &str, role: Role| NewUser {
        email: email.into(),
        password: "password123".into(),
        name: None,
        role: Some(role),
    };
    let admin = t
        .create_user(&owner_scope, user("admin@bulk.example", Role::Admin))
        .await
        .unwrap();
    let editor = t
        .create_user(&owner_scope, user("editor@bulk.example", Role::Editor))
        .await
        .unwrap();
    let admin_scope = Scope::user(account.id, admin.id, Role::Admin);
    let role_of = |id| {
        let t = core.tenancy();
        async move {
            t.users(&owner_scope, &PageRequest::default())
                .await
                .unwrap()
                .items
                .into_iter()
                .find(|u| u.id == id)
                .map(|u| (u.role, u.is_active))
        }
    };
    let deactivate = UserPatch {
        is_active: Some(false),
        ..Default::default()
    };

    // One user the admin may not touch refuses the whole call: the editor stays active.
    let err = t
        .bulk_update_users(&admin_scope, &[editor.id, owner.id], deactivate.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");
    assert!(
        err.to_string()
            .contains(&format!("user {}", owner.id.get())),
        "{err}"
    );
    assert_eq!(role_of(editor.id).await, Some((Role::Editor, true)));
    let err = t
        .bulk_delete_users(&admin_scope, &[editor.id, owner.id])
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");
    assert!(role_of(editor.id).await.is_some(), "nobody was removed");

    // The account keeps an active owner, whichever users a call names.
    let err = t
        .bulk_update_users(&owner_scope, &[editor.id, owner.id], deactivate.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert_eq!(role_of(editor.id).await, Some((Role::Editor, true)));

    // Too many ids, or none, is an error naming `ids`; other accounts' ids are skipped.
    let many: Vec<igny8_core::UserId> = (1..=10_001).map(igny8_core::UserId).collect();
    for ids in [&many[..], &[]] {
        let err = t
            .bulk_update_users(&owner_scope, ids, deactivate.clone())
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation, "{err}");
    }
    let other = tenant(&core, "Other bulk", 0).await;
    let changed = t
        .bulk_update_users(
            &owner_scope,
            &[editor.id, admin.id, igny8_core::UserId(999_999)],
            deactivate.clone(),
        )
        .await
        .unwrap();
    assert_eq!(changed, 2);
    assert_eq!(role_of(editor.id).await, Some((Role::Editor, false)));
    assert_eq!(
        t.bulk_delete_users(&owner_scope, &[editor.id])
            .await
            .unwrap(),
        1
    );

    // Sites: a change that would break a rule for one of them changes none.
    let site = |name: &str| NewSite {
        name: name.into(),
        ..Default::default()
    };
    let a = t.create_site(&owner_scope, site("Site A")).await.unwrap();
    let b = t.create_site(&owner_scope, site("Site B")).await.unwrap();
    let err = t
        .bulk_update_sites(
            &owner_scope,
            &[a.id, b.id],
            SitePatch {
                name: Some("Same name".into()),
                is_active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    for id in [a.id, b.id] {
        assert!(
            t.site(&owner_scope, id).await.unwrap().is_active,
            "unchanged"
        );
    }
    let changed = t
        .bulk_update_sites(
            &owner_scope,
            &[a.id, b.id, other.site],
            SitePatch {
                is_active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed, 2, "the other account's site is not counted");
    assert!(t.site(&other.scope, other.site).await.unwrap().is_active);
    let changed = t
        .bulk_update_sectors(
            &other.scope,
            &[other.sector],
            SectorPatch {
                is_active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed, 1);
}

pub(crate) async fn reopening_migrates_nothing(core: Igny8) {
    let store = core.store();
    // The schema is at the newest version; applying again does nothing.
    assert!(store.migrate().await.unwrap().is_empty());
    let plans = core.tenancy().plans().await.unwrap();
    assert_eq!(plans.len(), 1, "the default plan is seeded once");
    assert!(plans[0].is_default);
    // A second store with another table prefix lives beside the first in the same database.
    let mut options = StoreOptions::new(store_url(&core).await);
    options.table_prefix = "wp_igny8_".into();
    {
        let second = SqlStore::open(&options).await.unwrap();
        let other = Igny8::with_store(second.clone());
        assert_eq!(other.tenancy().plans().await.unwrap().len(), 1);
        second.close().await;
    }
}

async fn store_url(core: &Igny8) -> String {
    core.store().database_url().to_owned()
}

/// A database made by an older release (schema v2) upgrades in place when opened, and the
/// features of the newer schema work on it.
pub(crate) async fn upgrading_an_older_schema(core: Igny8) {
    let mut options = StoreOptions::new(store_url(&core).await);
    options.table_prefix = "old_".into();
    options.migrate = false;
    let old = SqlStore::open(&options).await.unwrap();
    assert_eq!(old.migrate_to(2).await.unwrap(), vec![1, 2]);
    assert!(old.migrate_to(2).await.unwrap().is_empty());
    old.close().await;

    options.migrate = true;
    let upgraded = SqlStore::open(&options).await.unwrap();
    assert!(
        upgraded.migrate().await.unwrap().is_empty(),
        "opening upgraded it"
    );
    let core = Igny8::with_store(upgraded.clone());
    let t = tenant(&core, "Upgraded", 0).await;
    crate::support::import(&core, &t, "keyword,volume\nrain barrel,40\nrain chain,10\n").await;
    let page = core
        .keywords()
        .list(
            &t.scope,
            &KeywordFilter::default(),
            &KeywordSort::parse("-volume").unwrap(),
            &PageRequest::new(1, 1),
        )
        .await
        .unwrap();
    assert_eq!(page.total, Some(2));
    assert_eq!(page.items[0].keyword, "rain barrel");
    upgraded.close().await;
}

/// Every face connects an install to its site through one rule: the site is recognised by
/// its URL (scheme, case and trailing slash aside), made once with a working sector, a
/// restricted scope keeps its own site, and only admins make sites.
pub(crate) async fn installs_connect_to_one_site(core: Igny8) {
    let a = tenant(&core, "Connect", 0).await;
    let t = core.tenancy();
    let connect = |name: &str, url: Option<&str>| ConnectSite {
        name: name.into(),
        url: url.map(str::to_owned),
        ..ConnectSite::default()
    };

    // The tenant's site (https://example.com, sector "Main") is found by its URL in another
    // spelling, and keeps its name and sector.
    let found = t
        .connect_site(&a.scope, connect("Ignored", Some("HTTP://Example.com/")))
        .await
        .unwrap();
    assert_eq!(
        (found.site.id, found.sector.id, found.created),
        (a.site, a.sector, false)
    );
    assert_eq!(found.site.name, "Connect site");

    // A new URL makes a site with a `General` sector, once: connecting again finds it.
    let made = t
        .connect_site(
            &a.scope,
            connect("  My   Blog ", Some("https://blog.example.org")),
        )
        .await
        .unwrap();
    assert!(made.created);
    assert_eq!(made.site.name, "My Blog");
    assert_eq!(made.site.url.as_deref(), Some("https://blog.example.org"));
    assert_eq!(made.sector.name, DEFAULT_SECTOR);
    assert!(made.sector.is_active);
    let again = t
        .connect_site(
            &a.scope,
            connect("My Blog", Some("https://blog.example.org/")),
        )
        .await
        .unwrap();
    assert_eq!(
        (again.site.id, again.sector.id, again.created),
        (made.site.id, made.sector.id, false)
    );

    // Another WordPress with the same title gets its host in the name.
    let twin = t
        .connect_site(
            &a.scope,
            connect("My Blog", Some("https://other.example.net/")),
        )
        .await
        .unwrap();
    assert!(twin.created);
    assert_eq!(twin.site.name, "My Blog (other.example.net)");
    assert_ne!(twin.site.id, made.site.id);

    // Without a URL the site is recognised by its name.
    let by_name = t
        .connect_site(&a.scope, connect("my blog", None))
        .await
        .unwrap();
    assert_eq!(by_name.site.id, made.site.id);

    // A site whose sectors are all inactive gets a General sector, made once.
    t.update_sector(
        &a.scope,
        a.sector,
        SectorPatch {
            is_active: Some(false),
            ..SectorPatch::default()
        },
    )
    .await
    .unwrap();
    let general = t
        .connect_site(&a.scope, connect("x", Some("https://example.com")))
        .await
        .unwrap();
    assert_eq!(general.sector.name, DEFAULT_SECTOR);
    assert_ne!(general.sector.id, a.sector);
    let general_again = t
        .connect_site(&a.scope, connect("x", Some("https://example.com")))
        .await
        .unwrap();
    assert_eq!(general_again.sector.id, general.sector.id);

    // A restricted scope gets its own site, whatever URL it names (the site may have moved).
    let restricted = a.scope.restricted_to_site(made.site.id);
    let moved = t
        .connect_site(
            &restricted,
            connect("My Blog", Some("https://moved.example.org")),
        )
        .await
        .unwrap();
    assert_eq!((moved.site.id, moved.created), (made.site.id, false));

    // The install may choose the site and sector (Settings' picker): an address that matches
    // no site then makes nothing, and the chosen sector is used even when it is not the first.
    let second = t
        .create_sector(
            &a.scope,
            NewSector {
                site_id: made.site.id,
                name: "Second".into(),
                description: None,
                is_active: None,
            },
        )
        .await
        .unwrap();
    let chosen = t
        .connect_site(
            &a.scope,
            ConnectSite {
                site: Some(made.site.id),
                sector: Some(second.id),
                ..connect("Elsewhere", Some("https://unlisted.example.org"))
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (chosen.site.id, chosen.sector.id, chosen.created),
        (made.site.id, second.id, false)
    );
    // A sector of another site, another account's site, or (for a restricted scope) another
    // site of the account is refused, in words that say what to choose.
    let wrong_sector = t
        .connect_site(
            &a.scope,
            ConnectSite {
                site: Some(made.site.id),
                sector: Some(a.sector),
                ..connect("x", None)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(wrong_sector.code(), ErrorCode::Validation);
    assert!(
        wrong_sector
            .to_string()
            .contains("choose one of that site's sectors"),
        "{wrong_sector}"
    );
    let other = tenant(&core, "Connect other", 1).await;
    let foreign = t
        .connect_site(
            &a.scope,
            ConnectSite {
                site: Some(other.site),
                ..connect("x", None)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(foreign.code(), ErrorCode::NotFound);
    let beyond = t
        .connect_site(
            &restricted,
            ConnectSite {
                site: Some(a.site),
                ..connect("x", None)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(beyond.code(), ErrorCode::Forbidden);
    assert!(
        beyond.to_string().contains("restricted to site"),
        "{beyond}"
    );

    // An editor finds existing sites but may not make one; nothing is made.
    let editor = Scope::user(a.scope.account(), UserId(1), Role::Editor);
    let seen = t
        .connect_site(
            &editor,
            connect("My Blog", Some("https://blog.example.org")),
        )
        .await
        .unwrap();
    assert_eq!(seen.site.id, made.site.id);
    let refused = t
        .connect_site(&editor, connect("New", Some("https://new.example.org")))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert!(refused.to_string().contains("takes an admin"), "{refused}");

    // Bad input is refused and changes nothing.
    let bad = t
        .connect_site(&a.scope, connect(" ", Some("ftp://x")))
        .await
        .unwrap_err();
    assert_eq!(bad.code(), ErrorCode::Validation);
    let sites = t.sites(&a.scope, &PageRequest::new(1, 100)).await.unwrap();
    assert_eq!(sites.items.len(), 3);
}

pub(crate) async fn the_default_plan_moves_but_never_disappears(core: Igny8) {
    let t = core.tenancy();
    let operator = Operator::embedder();
    let default = t
        .plans()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.is_default)
        .expect("a default plan");
    let input = |slug: &str, is_default| PlanInput {
        slug: slug.into(),
        name: slug.into(),
        monthly_credits: 100,
        limits: default.limits,
        is_default,
    };
    let sign_up = |email: &str| {
        let t = core.tenancy();
        let email = email.to_owned();
        async move {
            t.register(
                Registration {
                    email,
                    password: "password123".into(),
                    account_name: "Plan test".into(),
                    name: None,
                },
                None,
            )
            .await
        }
    };

    // Clearing the default's flag is refused, says how to move it, and changes nothing.
    let err = t
        .update_plan(&operator, default.id, input(&default.slug, false))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation, "{err}");
    assert!(
        format!("{err}").contains("another plan is made the default"),
        "{err}"
    );
    let still = t.plans().await.unwrap();
    assert!(
        still
            .iter()
            .any(|p| p.id == default.id && p.is_default && p.name == default.name)
    );
    let (account, _) = sign_up("first@plans.example").await.unwrap();
    assert_eq!(account.plan_id, default.id);

    // Making another plan the default moves the flag: then the old one may be changed freely,
    // and new accounts land on the new default.
    let pro = t.create_plan(&operator, input("pro", true)).await.unwrap();
    let defaults: Vec<_> = t
        .plans()
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.is_default)
        .map(|p| p.id)
        .collect();
    assert_eq!(defaults, [pro.id]);
    t.update_plan(&operator, default.id, input(&default.slug, false))
        .await
        .unwrap();
    let (account, _) = sign_up("second@plans.example").await.unwrap();
    assert_eq!(account.plan_id, pro.id);
}
