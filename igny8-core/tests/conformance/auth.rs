use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use igny8_core::list::PageRequest;
use igny8_core::store::RateLimitStore;
use igny8_core::tenancy::auth::token_hash;
use igny8_core::tenancy::{
    NewApiKey, NewSite, NewUser, Registration, Role, Scope, UserPatch, WebSession,
};
use igny8_core::{ErrorCode, Igny8, ManualClock, SqlStore, StoreOptions};

pub(crate) async fn refresh_tokens_rotate_and_reuse_revokes(core: Igny8) {
    let (_, owner) = core
        .tenancy()
        .register(
            Registration {
                email: "s@example.com".into(),
                password: "password123".into(),
                account_name: "S".into(),
                name: None,
            },
            None,
        )
        .await
        .unwrap();
    let auth = core.auth();
    let ttl = Duration::days(30);
    let first = auth.start_session(owner.clone(), ttl).await.unwrap();
    assert!(!format!("{first:?}").contains(&first.refresh_token));
    let second = auth.refresh(&first.refresh_token, ttl).await.unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(second.user.id, owner.id);
    // The old token replayed: refused, and the family it belongs to is revoked.
    assert_eq!(
        auth.refresh(&first.refresh_token, ttl)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Unauthenticated
    );
    assert_eq!(
        auth.refresh(&second.refresh_token, ttl)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Unauthenticated
    );
    // Sign-out ends a session; other sessions live on.
    let a = auth.start_session(owner.clone(), ttl).await.unwrap();
    let b = auth.start_session(owner.clone(), ttl).await.unwrap();
    auth.end_session(&a.refresh_token).await.unwrap();
    assert!(auth.refresh(&a.refresh_token, ttl).await.is_err());
    let b2 = auth.refresh(&b.refresh_token, ttl).await.unwrap();
    // Ending all sessions (a password change) ends that one too; garbage is refused.
    auth.end_all_sessions(owner.id).await.unwrap();
    assert!(auth.refresh(&b2.refresh_token, ttl).await.is_err());
    assert!(auth.refresh("not-a-token", ttl).await.is_err());
    // Expired tokens are refused.
    let short = auth
        .start_session(owner.clone(), Duration::milliseconds(-1))
        .await
        .unwrap();
    assert!(auth.refresh(&short.refresh_token, ttl).await.is_err());
}

pub(crate) async fn web_sessions_end_when_signed_out_unused_or_expired(core: Igny8) {
    let (_, owner) = core
        .tenancy()
        .register(
            Registration {
                email: "w@example.com".into(),
                password: "password123".into(),
                account_name: "W".into(),
                name: None,
            },
            None,
        )
        .await
        .unwrap();
    let (core, clock) = crate::support::on_clock(&core, chrono::Utc::now()).await;
    let auth = core.auth();
    let (ttl, idle) = (Duration::days(14), Duration::hours(12));
    let unauthenticated = |r: igny8_core::Result<WebSession>| r.unwrap_err().code();

    // A browser session acts as its user, with the user's scope.
    let web = auth.start_web_session(owner.clone(), ttl).await.unwrap();
    assert!(!format!("{web:?}").contains(&web.refresh_token));
    let session = auth.web_session(&web.refresh_token, idle).await.unwrap();
    assert_eq!(session.caller.user.as_ref().map(|u| u.id), Some(owner.id));
    assert_eq!(
        session.caller.scope.as_ref().map(Scope::role),
        Some(Role::Owner)
    );
    assert_eq!(session.expires_at, web.refresh_expires_at);
    assert_eq!(session.token_hash, token_hash(&web.refresh_token));

    // Its token can't be exchanged for API tokens (and trying doesn't end it); an API
    // session's token is no browser session.
    assert_eq!(
        auth.refresh(&web.refresh_token, ttl)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Unauthenticated
    );
    assert!(auth.web_session(&web.refresh_token, idle).await.is_ok());
    let api = auth.start_session(owner.clone(), ttl).await.unwrap();
    assert_eq!(
        unauthenticated(auth.web_session(&api.refresh_token, idle).await),
        ErrorCode::Unauthenticated
    );
    assert_eq!(
        unauthenticated(auth.web_session("not-a-token", idle).await),
        ErrorCode::Unauthenticated
    );

    // Used within the idle time it lives on; unused for longer it has ended.
    clock.advance(Duration::hours(11));
    assert!(auth.web_session(&web.refresh_token, idle).await.is_ok());
    clock.advance(Duration::hours(11));
    assert!(auth.web_session(&web.refresh_token, idle).await.is_ok());
    clock.advance(Duration::hours(13));
    assert_eq!(
        unauthenticated(auth.web_session(&web.refresh_token, idle).await),
        ErrorCode::Unauthenticated
    );

    // However often it is used, it ends with its lifetime.
    let day = auth
        .start_web_session(owner.clone(), Duration::days(1))
        .await
        .unwrap();
    for _ in 0..23 {
        clock.advance(Duration::hours(1));
        assert!(auth.web_session(&day.refresh_token, idle).await.is_ok());
    }
    clock.advance(Duration::hours(1));
    assert!(auth.web_session(&day.refresh_token, idle).await.is_err());

    // Signing out ends this browser's session and no other; ending all of the user's
    // sessions (a password change) ends the rest.
    let a = auth.start_web_session(owner.clone(), ttl).await.unwrap();
    let b = auth.start_web_session(owner.clone(), ttl).await.unwrap();
    auth.end_session(&a.refresh_token).await.unwrap();
    assert!(auth.web_session(&a.refresh_token, idle).await.is_err());
    assert!(auth.web_session(&b.refresh_token, idle).await.is_ok());
    auth.end_all_sessions(owner.id).await.unwrap();
    assert!(auth.web_session(&b.refresh_token, idle).await.is_err());

    // A deactivated user's session is refused, and stays ended when the user is enabled again.
    let scope = session.caller.scope.unwrap();
    let editor = core
        .tenancy()
        .create_user(
            &scope,
            NewUser {
                email: "w2@example.com".into(),
                password: "password123".into(),
                name: None,
                role: Some(Role::Editor),
            },
        )
        .await
        .unwrap();
    let theirs = auth.start_web_session(editor.clone(), ttl).await.unwrap();
    assert!(auth.web_session(&theirs.refresh_token, idle).await.is_ok());
    let active = |is_active| UserPatch {
        is_active: Some(is_active),
        ..UserPatch::default()
    };
    core.tenancy()
        .update_user(&scope, editor.id, active(false))
        .await
        .unwrap();
    assert_eq!(
        unauthenticated(auth.web_session(&theirs.refresh_token, idle).await),
        ErrorCode::Unauthenticated
    );
    core.tenancy()
        .update_user(&scope, editor.id, active(true))
        .await
        .unwrap();
    assert!(auth.web_session(&theirs.refresh_token, idle).await.is_err());
}

pub(crate) async fn api_keys_act_with_their_role_and_site(core: Igny8) {
    let (account, owner) = core
        .tenancy()
        .register(
            Registration {
                email: "k@example.com".into(),
                password: "password123".into(),
                account_name: "K".into(),
                name: None,
            },
            None,
        )
        .await
        .unwrap();
    let owner_scope = Scope::user(account.id, owner.id, Role::Owner);
    let site = core
        .tenancy()
        .create_site(
            &owner_scope,
            NewSite {
                name: "Blog".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let auth = core.auth();
    let created = auth
        .create_api_key(
            &owner_scope,
            NewApiKey {
                name: "WordPress".into(),
                role: None,
                site_id: Some(site.id),
                expires_at: None,
            },
        )
        .await
        .unwrap();
    assert!(created.secret.starts_with("igny8_"));
    assert!(created.secret.starts_with(&created.key.prefix));
    assert_eq!(created.key.role, Role::Editor);
    let scope = auth
        .authenticate_api_key(&format!(" {} ", created.secret))
        .await
        .unwrap();
    assert_eq!(
        (scope.account(), scope.role(), scope.site()),
        (account.id, Role::Editor, Some(site.id))
    );
    let listed = auth
        .api_keys(&owner_scope, &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert!(listed.items[0].last_used_at.is_some());
    assert!(
        !serde_json::to_string(&listed)
            .unwrap()
            .contains(&created.secret)
    );
    // An admin can't mint an owner key; an editor can't mint keys at all.
    let admin = core
        .tenancy()
        .create_user(
            &owner_scope,
            NewUser {
                email: "a@example.com".into(),
                password: "password123".into(),
                name: None,
                role: Some(Role::Admin),
            },
        )
        .await
        .unwrap();
    let admin_scope = Scope::user(account.id, admin.id, Role::Admin);
    let err = auth
        .create_api_key(
            &admin_scope,
            NewApiKey {
                name: "x".into(),
                role: Some(Role::Owner),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    assert_eq!(
        auth.create_api_key(
            &scope,
            NewApiKey {
                name: "x".into(),
                ..Default::default()
            }
        )
        .await
        .unwrap_err()
        .code(),
        ErrorCode::Forbidden
    );
    // Revoked and expired keys stop working; garbage is refused.
    auth.revoke_api_key(&owner_scope, created.key.id)
        .await
        .unwrap();
    assert_eq!(
        auth.authenticate_api_key(&created.secret)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Unauthenticated
    );
    assert!(auth.authenticate_api_key("igny8_nope").await.is_err());
    assert!(auth.authenticate_api_key("Bearer x").await.is_err());
    let past = auth
        .create_api_key(
            &owner_scope,
            NewApiKey {
                name: "old".into(),
                expires_at: Some(core.now() - Duration::days(1)),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(past.field_errors()[0].field, "expires_at");
    // Another account can't revoke or see the key.
    let other = crate::support::tenant(&core, "Other", 0).await;
    assert_eq!(
        auth.revoke_api_key(&other.scope, created.key.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert!(
        auth.api_keys(&other.scope, &PageRequest::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

pub(crate) async fn rate_limit_counters_are_shared(core: Igny8) {
    // Two stores over one database stand for two server processes.
    let clock = ManualClock::new(chrono::Utc::now());
    let open = || async {
        let mut options = StoreOptions::new(core.store().database_url());
        options.migrate = false;
        SqlStore::open(&options)
            .await
            .unwrap()
            .with_clock(Arc::new(clock.clone()))
    };
    let (a, b) = (open().await, open().await);
    let window = StdDuration::from_secs(60);
    let mut counts = Vec::new();
    for i in 0..6 {
        let store = if i % 2 == 0 { &a } else { &b };
        counts.push(store.hit("auth:1.2.3.4", window).await.unwrap().0);
    }
    assert_eq!(counts, [1, 2, 3, 4, 5, 6]);
    assert_eq!(
        a.hit("read:user:9", window).await.unwrap().0,
        1,
        "buckets are separate"
    );
    clock.advance(Duration::seconds(61));
    let (count, resets) = b.hit("auth:1.2.3.4", window).await.unwrap();
    assert_eq!(count, 1, "a new window starts over");
    assert!(resets > clock_now(&clock));
}

fn clock_now(clock: &ManualClock) -> chrono::DateTime<chrono::Utc> {
    use igny8_core::Clock;
    clock.now()
}
