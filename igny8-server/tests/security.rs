//! The security review's holes, sent as an attacker would send them: over real HTTP to the
//! server on a TCP socket, on SQLite and (with `IGNY8_TEST_POSTGRES_URL`) PostgreSQL. Time
//! comes from a clock the tests move, so no test waits for a minute to turn.

#[macro_use]
mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use igny8_core::Backend;
use serde_json::{Value, json};
use support::{Live, live};

on_backends!(
    path_spellings_share_one_sign_in_bucket,
    header_spellings_and_new_tokens_share_one_bucket,
    forwarded_for_counts_only_from_trusted_proxies,
    failed_sign_ins_back_off_per_account,
    a_restricted_key_stays_on_its_site,
    api_keys_cannot_mint_keys,
    revocation_takes_effect_on_the_next_request,
    a_suspended_account_reads_but_changes_nothing,
    the_deployment_key_never_reaches_an_account_url,
    event_streams_are_capped_and_end_with_their_token,
);

fn retry_after(a: &support::Answer) -> u64 {
    a.headers
        .get("retry-after")
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn failed_login(s: &Live, path: &str, email: &str, headers: &[(&str, &str)]) -> u16 {
    s.call(
        "POST",
        path,
        None,
        Some(json!({"email": email, "password": "not-the-password"})),
        headers,
    )
    .await
    .status
}

async fn failed_login_with(s: &Live, email: &str, password: &str) -> u16 {
    s.call(
        "POST",
        "/api/v1/auth/login/",
        None,
        Some(json!({"email": email, "password": password})),
        &[],
    )
    .await
    .status
}

/// Hole 2: `/api//v1/auth/login/` and friends reach sign-in, so they count against it.
async fn path_spellings_share_one_sign_in_bucket(backend: Backend) {
    let Some(s) = live(backend, |settings| settings.rate_limits.auth = 3).await else {
        return;
    };
    // Different addresses each time: the per-account throttle is not what stops this.
    for (i, path) in [
        "/api/v1/auth/login/",
        "/api//v1/auth/login/",
        "/api/v1/auth/login",
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(
            failed_login(&s, path, &format!("a{i}@example.com"), &[]).await,
            401,
            "{path}"
        );
    }
    let over = s
        .call(
            "POST",
            "/api/v1//auth//login/",
            None,
            Some(json!({"email": "a9@example.com", "password": "not-the-password"})),
            &[],
        )
        .await;
    assert_eq!(over.status, 429, "{}", over.body);
    assert_eq!(over.body["code"], "rate_limited");
    assert!((1..=60).contains(&retry_after(&over)));
    // Sign-up shares the sign-in class.
    let register = s
        .call(
            "POST",
            "/api/v1/auth/register/",
            None,
            Some(json!({"email": "new@example.com", "password": "password123", "account_name": "New"})),
            &[],
        )
        .await;
    assert_eq!(register.status, 429);
    // A forged X-Forwarded-For is not a new client: no proxy is trusted.
    assert_eq!(
        failed_login(
            &s,
            "/api/v1/auth/login/",
            "a10@example.com",
            &[("x-forwarded-for", "198.51.100.7")]
        )
        .await,
        429
    );
    // Health is never limited; the next minute starts afresh.
    assert_eq!(
        s.call("GET", "/api/v1/health/", None, None, &[])
            .await
            .status,
        200
    );
    s.clock.advance(chrono::Duration::seconds(60));
    assert_eq!(
        failed_login(&s, "/api/v1/auth/login/", "a11@example.com", &[]).await,
        401
    );
    s.close().await;
}

/// Hole 2: `bEaRer`, extra spaces or a second token of the same user are the same caller.
async fn header_spellings_and_new_tokens_share_one_bucket(backend: Backend) {
    let Some(s) = live(backend, |settings| settings.rate_limits.read = 4).await else {
        return;
    };
    let token = s.register("reader@example.com", "Reader").await;
    let again = s.sign_in("reader@example.com", "password123").await;
    let spellings = [
        format!("Bearer {token}"),
        format!("bEaRer {token}"),
        format!("Bearer    {token}"),
        format!("Bearer {again}"),
    ];
    for header in &spellings {
        let a = s
            .call("GET", "/api/v1/auth/me/", Some(header), None, &[])
            .await;
        assert_eq!(a.status, 200, "{header}: {}", a.body);
    }
    let a = s
        .call(
            "GET",
            "/api/v1/auth/me/",
            Some(&format!("BEARER\t{token}")),
            None,
            &[],
        )
        .await;
    assert_eq!(a.status, 429, "{}", a.body);
    // Another user of the same address is not affected.
    let other = s.register("other@example.com", "Other").await;
    assert_eq!(
        s.as_user("GET", "/api/v1/auth/me/", &other, None)
            .await
            .status,
        200
    );
    // An API key counts per key, however its header is spelled.
    let key = s
        .as_user(
            "POST",
            "/api/v1/auth/api-keys/",
            &other,
            Some(json!({"name": "k", "role": "viewer"})),
        )
        .await;
    let secret = key.body["data"]["secret"].as_str().unwrap().to_owned();
    let mut statuses = Vec::new();
    for header in [
        format!("Api-Key {secret}"),
        format!("api-key {secret}"),
        format!("API-KEY   {secret}"),
    ] {
        statuses.push(
            s.call("GET", "/api/v1/auth/sites/", Some(&header), None, &[])
                .await
                .status,
        );
    }
    assert_eq!(statuses, [200, 200, 200]);
    assert_eq!(
        s.as_key("GET", "/api/v1/auth/sites/", &secret, None)
            .await
            .status,
        200
    );
    assert_eq!(
        s.as_key("GET", "/api/v1/auth/sites/", &secret, None)
            .await
            .status,
        429
    );
    s.clock.advance(chrono::Duration::seconds(60));
    assert_eq!(
        s.as_user("GET", "/api/v1/auth/me/", &token, None)
            .await
            .status,
        200
    );
    s.close().await;
}

/// Hole 2: behind a trusted proxy the client is the address it forwards; IPv6 counts per /64.
async fn forwarded_for_counts_only_from_trusted_proxies(backend: Backend) {
    let Some(s) = live(backend, |settings| {
        settings.rate_limits.auth = 2;
        settings.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await
    else {
        return;
    };
    let from = |ip: &'static str| [("x-forwarded-for", ip)];
    let path = "/api/v1/auth/login/";
    assert_eq!(
        failed_login(&s, path, "b1@example.com", &from("203.0.113.5")).await,
        401
    );
    assert_eq!(
        failed_login(&s, path, "b2@example.com", &from("203.0.113.5")).await,
        401
    );
    assert_eq!(
        failed_login(&s, path, "b3@example.com", &from("203.0.113.5")).await,
        429
    );
    assert_eq!(
        failed_login(&s, path, "b4@example.com", &from("203.0.113.6")).await,
        401
    );
    // The client's own claim before the proxy's is not believed: the proxy appends.
    assert_eq!(
        failed_login(&s, path, "b5@example.com", &from("10.1.1.1, 203.0.113.5")).await,
        429
    );
    assert_eq!(
        failed_login(&s, path, "b6@example.com", &from("2001:db8:1:2::1")).await,
        401
    );
    assert_eq!(
        failed_login(&s, path, "b7@example.com", &from("2001:db8:1:2::ffff")).await,
        401
    );
    assert_eq!(
        failed_login(&s, path, "b8@example.com", &from("2001:db8:1:2:aa::9")).await,
        429
    );
    assert_eq!(
        failed_login(&s, path, "b9@example.com", &from("2001:db8:1:3::1")).await,
        401
    );
    s.close().await;
}

/// Hole 2: guessing one account's password from many addresses meets a growing wait.
async fn failed_sign_ins_back_off_per_account(backend: Backend) {
    let Some(s) = live(backend, |settings| {
        settings.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await
    else {
        return;
    };
    s.register("victim@example.com", "Victim").await;
    let path = "/api/v1/auth/login/";
    for i in 0..5 {
        let ip = format!("198.51.100.{i}");
        assert_eq!(
            failed_login(&s, path, "victim@example.com", &[("x-forwarded-for", &ip)]).await,
            401
        );
    }
    let guess = |password: &'static str| {
        s.call(
            "POST",
            path,
            None,
            Some(json!({"email": "Victim@Example.com ", "password": password})),
            &[("x-forwarded-for", "198.51.100.99")],
        )
    };
    // Even the right password waits: the answer must not tell a guesser it was right.
    let held = guess("password123").await;
    assert_eq!(held.status, 429, "{}", held.body);
    assert_eq!(retry_after(&held), 2);
    assert!(
        held.body["message"]
            .as_str()
            .unwrap()
            .contains("try again in 2 s")
    );
    s.clock.advance(chrono::Duration::seconds(2));
    assert_eq!(guess("wrong-again").await.status, 401);
    let held = guess("password123").await;
    assert_eq!((held.status, retry_after(&held)), (429, 4));
    // An unknown address is throttled the same way (the throttle reveals nobody).
    for _ in 0..5 {
        assert_eq!(failed_login(&s, path, "nobody@example.com", &[]).await, 401);
    }
    assert_eq!(failed_login(&s, path, "nobody@example.com", &[]).await, 429);
    // Waiting it out and signing in clears the count.
    s.clock.advance(chrono::Duration::seconds(4));
    assert_eq!(guess("password123").await.status, 200);
    assert_eq!(guess("wrong-again").await.status, 401);
    assert_eq!(guess("password123").await.status, 200);
    s.close().await;
}

/// The principals of the matrix: signed-in users of each role, and API keys.
struct Principals {
    by_name: BTreeMap<&'static str, String>,
    site_a: i64,
    sector_a: i64,
    site_b: i64,
    sector_b: i64,
}

async fn principals(s: &Live) -> Principals {
    let owner = s.register("owner@example.com", "Matrix").await;
    let mut by_name = BTreeMap::new();
    let site = |name: &'static str| {
        let owner = owner.clone();
        async move {
            let a = s
                .as_user(
                    "POST",
                    "/api/v1/auth/sites/",
                    &owner,
                    Some(json!({"name": name})),
                )
                .await;
            assert_eq!(a.status, 201, "{}", a.body);
            let site = a.body["data"]["id"].as_i64().unwrap();
            let a = s
                .as_user(
                    "POST",
                    "/api/v1/auth/sectors/",
                    &owner,
                    Some(json!({"name": "General", "site_id": site})),
                )
                .await;
            assert_eq!(a.status, 201, "{}", a.body);
            (site, a.body["data"]["id"].as_i64().unwrap())
        }
    };
    let (site_a, sector_a) = site("Site A").await;
    let (site_b, sector_b) = site("Site B").await;
    for role in ["admin", "editor", "viewer"] {
        let email = format!("{role}@example.com");
        let a = s
            .as_user(
                "POST",
                "/api/v1/auth/users/",
                &owner,
                Some(json!({"email": email, "password": "password123", "role": role})),
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.body);
        by_name.insert(
            role,
            format!("Bearer {}", s.sign_in(&email, "password123").await),
        );
    }
    let keys = [
        ("admin key", "admin", None),
        ("editor key", "editor", None),
        ("admin key on site A", "admin", Some(site_a)),
        ("editor key on site A", "editor", Some(site_a)),
    ];
    for (name, role, site_id) in keys {
        let a = s
            .as_user(
                "POST",
                "/api/v1/auth/api-keys/",
                &owner,
                Some(json!({"name": name, "role": role, "site_id": site_id})),
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.body);
        by_name.insert(
            name,
            format!("Api-Key {}", a.body["data"]["secret"].as_str().unwrap()),
        );
    }
    by_name.insert("owner", format!("Bearer {owner}"));
    Principals {
        by_name,
        site_a,
        sector_a,
        site_b,
        sector_b,
    }
}

/// Hole 3: a key restricted to one site acts on that site's data only. What each role and
/// each key may do, operation by operation, is `permission_matrix.rs` (every operation of the
/// document, every kind of caller, all on the key's own site); this is what it doesn't
/// cover: another site of the same account is out of a restricted key's reach, its list of
/// sites is its own, and its dashboard shows no credits.
async fn a_restricted_key_stays_on_its_site(backend: Backend) {
    let Some(s) = live(backend, |_| {}).await else {
        return;
    };
    let p = principals(&s).await;
    let site_a = p.site_a;
    let rank = |role: &str| {
        ["viewer", "editor", "admin", "owner"]
            .iter()
            .position(|r| *r == role)
            .unwrap()
    };
    let mut wrong = Vec::new();
    for (name, header) in &p.by_name {
        let role = name.split(' ').next().unwrap();
        let restricted = name.ends_with("on site A");
        // Another site's data is out of reach of a restricted key.
        let a = s
            .call(
                "POST",
                "/api/v1/planner/keywords/",
                Some(header),
                Some(json!({"sector_id": p.sector_b, "keyword": format!("elsewhere {name}")})),
                &[],
            )
            .await;
        let expected = if restricted {
            vec![403, 404]
        } else if rank(role) >= rank("editor") {
            vec![201]
        } else {
            vec![403]
        };
        if !expected.contains(&a.status) {
            wrong.push(format!(
                "{name} / add a keyword to site B: {} {}",
                a.status, a.body["message"]
            ));
        }
        // Nor can it read the other site.
        let path = format!("/api/v1/auth/sites/{}/", p.site_b);
        let a = s.call("GET", &path, Some(header), None, &[]).await;
        if a.status != if restricted { 404 } else { 200 } {
            wrong.push(format!(
                "{name} / read site B: {} {}",
                a.status, a.body["message"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // What a restricted key sees of the sites: its own.
    let a = s
        .call(
            "GET",
            "/api/v1/auth/sites/",
            Some(&p.by_name["admin key on site A"]),
            None,
            &[],
        )
        .await;
    let ids: Vec<i64> = a.body["data"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [site_a]);
    // Its dashboard shows its site's pipeline, not the account's spending.
    let board = |name: &str| {
        s.call(
            "GET",
            "/api/v1/planner/dashboard/",
            Some(&p.by_name[name]),
            None,
            &[],
        )
    };
    let restricted = board("admin key on site A").await;
    assert_eq!(restricted.status, 200, "{}", restricted.body);
    assert!(restricted.body["data"]["credits_by_operation"].is_null());
    assert!(restricted.body["data"]["credits_by_day"].is_null());
    let whole = board("admin key").await;
    assert!(
        whole.body["data"]["credits_by_operation"].is_object(),
        "{}",
        whole.body
    );
    assert!(
        whole.body["data"]["credits_by_day"].is_array(),
        "{}",
        whole.body
    );
    // Its estimates say whether the account's credits cover the work, not how many it has.
    let made = s
        .call(
            "POST",
            "/api/v1/planner/keywords/",
            Some(&p.by_name["owner"]),
            Some(json!({"sector_id": p.sector_a, "keyword": "kitchen faucet"})),
            &[],
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let estimate = |name: &str| {
        s.call(
            "POST",
            "/api/v1/billing/estimate/",
            Some(&p.by_name[name]),
            Some(json!({"operation": "auto_cluster", "options": {"sector_id": p.sector_a}})),
            &[],
        )
    };
    let restricted = estimate("editor key on site A").await;
    assert_eq!(restricted.status, 200, "{}", restricted.body);
    assert!(
        restricted.body["data"]["balance"].is_null(),
        "{}",
        restricted.body
    );
    assert!(
        restricted.body["data"]["enough"].is_boolean(),
        "{}",
        restricted.body
    );
    let whole = estimate("editor key").await;
    assert_eq!(whole.status, 200, "{}", whole.body);
    assert!(whole.body["data"]["balance"].is_i64(), "{}", whole.body);
    s.close().await;
}

/// Hole 9: one leaked key must not become lasting access by minting more.
async fn api_keys_cannot_mint_keys(backend: Backend) {
    let Some(s) = live(backend, |_| {}).await else {
        return;
    };
    let owner = s.register("keys@example.com", "Keys").await;
    let a = s
        .as_user(
            "POST",
            "/api/v1/auth/api-keys/",
            &owner,
            Some(json!({"name": "leaked", "role": "admin"})),
        )
        .await;
    let leaked = a.body["data"]["secret"].as_str().unwrap().to_owned();
    let id = a.body["data"]["key"]["id"].as_i64().unwrap();
    let minted = s
        .as_key(
            "POST",
            "/api/v1/auth/api-keys/",
            &leaked,
            Some(json!({"name": "child", "role": "viewer"})),
        )
        .await;
    assert_eq!(minted.status, 403, "{}", minted.body);
    assert!(minted.body["message"].as_str().unwrap().contains("sign in"));
    // Nor renew or revoke keys.
    let patched = s
        .as_key(
            "PATCH",
            &format!("/api/v1/auth/api-keys/{id}/"),
            &leaked,
            Some(json!({"expires_at": null})),
        )
        .await;
    assert_eq!(patched.status, 403, "{}", patched.body);
    let listed = s
        .as_user("GET", "/api/v1/auth/api-keys/", &owner, None)
        .await;
    assert_eq!(listed.body["data"]["count"], 1);
    // Revoked, it stops.
    assert_eq!(
        s.as_user(
            "DELETE",
            &format!("/api/v1/auth/api-keys/{id}/"),
            &owner,
            None
        )
        .await
        .status,
        200
    );
    assert_eq!(
        s.as_key("GET", "/api/v1/auth/sites/", &leaked, None)
            .await
            .status,
        401
    );
    s.close().await;
}

/// Hole 6: deactivating or removing a user, or lowering their role, takes effect on their
/// very next request, for their tokens and the keys they made.
async fn revocation_takes_effect_on_the_next_request(backend: Backend) {
    let Some(s) = live(backend, |_| {}).await else {
        return;
    };
    let owner = s.register("boss@example.com", "Revocation").await;
    let mut users = BTreeMap::new();
    for (name, role) in [
        ("leaver", "admin"),
        ("removed", "admin"),
        ("demoted", "admin"),
    ] {
        let email = format!("{name}@example.com");
        let a = s
            .as_user(
                "POST",
                "/api/v1/auth/users/",
                &owner,
                Some(json!({"email": email, "password": "password123", "role": role})),
            )
            .await;
        let id = a.body["data"]["id"].as_i64().unwrap();
        let token = s.sign_in(&email, "password123").await;
        let key = s
            .as_user(
                "POST",
                "/api/v1/auth/api-keys/",
                &token,
                Some(json!({"name": format!("{name}'s key"), "role": role})),
            )
            .await;
        assert_eq!(key.status, 201, "{}", key.body);
        let key = key.body["data"]["secret"].as_str().unwrap().to_owned();
        assert_eq!(
            s.as_user("GET", "/api/v1/auth/me/", &token, None)
                .await
                .status,
            200
        );
        assert_eq!(
            s.as_key("GET", "/api/v1/auth/sites/", &key, None)
                .await
                .status,
            200
        );
        users.insert(name, (id, token, key));
    }
    let (leaver, removed, demoted) = (&users["leaver"], &users["removed"], &users["demoted"]);
    let a = s
        .as_user(
            "PATCH",
            &format!("/api/v1/auth/users/{}/", leaver.0),
            &owner,
            Some(json!({"is_active": false})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        s.as_user(
            "DELETE",
            &format!("/api/v1/auth/users/{}/", removed.0),
            &owner,
            None
        )
        .await
        .status,
        200
    );
    let a = s
        .as_user(
            "PATCH",
            &format!("/api/v1/auth/users/{}/", demoted.0),
            &owner,
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    for (name, (_, token, key)) in [("leaver", leaver), ("removed", removed)] {
        assert_eq!(
            s.as_user("GET", "/api/v1/auth/me/", token, None)
                .await
                .status,
            401,
            "{name}'s token"
        );
        assert_eq!(
            s.as_key("GET", "/api/v1/auth/sites/", key, None)
                .await
                .status,
            401,
            "{name}'s key"
        );
    }
    // Nor can the deactivated user sign in again.
    assert_eq!(
        failed_login_with(&s, "leaver@example.com", "password123").await,
        401
    );
    let site = s
        .as_user(
            "POST",
            "/api/v1/auth/sites/",
            &owner,
            Some(json!({"name": "S"})),
        )
        .await;
    let site = site.body["data"]["id"].as_i64().unwrap();
    let (_, token, key) = demoted;
    assert_eq!(
        s.as_user("GET", "/api/v1/auth/sites/", token, None)
            .await
            .status,
        200
    );
    for (who, a) in [
        (
            "token",
            s.as_user(
                "PATCH",
                &format!("/api/v1/auth/sites/{site}/"),
                token,
                Some(json!({"name": "T"})),
            )
            .await,
        ),
        (
            "key",
            s.as_key(
                "PATCH",
                &format!("/api/v1/auth/sites/{site}/"),
                key,
                Some(json!({"name": "T"})),
            )
            .await,
        ),
    ] {
        assert_eq!(a.status, 403, "the demoted user's {who}: {}", a.body);
    }
    s.close().await;
}

/// Hole 6: a suspended account can read but not write, run AI, publish or add users; a
/// cancelled one can do nothing.
async fn a_suspended_account_reads_but_changes_nothing(backend: Backend) {
    let Some(s) = live(backend, |_| {}).await else {
        return;
    };
    let owner = s.register("late@example.com", "Late payer").await;
    let site = s
        .as_user(
            "POST",
            "/api/v1/auth/sites/",
            &owner,
            Some(json!({"name": "S"})),
        )
        .await;
    let site = site.body["data"]["id"].as_i64().unwrap();
    let sector = s
        .as_user(
            "POST",
            "/api/v1/auth/sectors/",
            &owner,
            Some(json!({"name": "General", "site_id": site})),
        )
        .await;
    let sector = sector.body["data"]["id"].as_i64().unwrap();
    let key = s
        .as_user(
            "POST",
            "/api/v1/auth/api-keys/",
            &owner,
            Some(json!({"name": "k", "role": "admin"})),
        )
        .await;
    let key = key.body["data"]["secret"].as_str().unwrap().to_owned();
    s.state
        .core
        .tenancy()
        .create_superuser(
            &igny8_core::tenancy::Operator::embedder(),
            "ops@example.com",
            "password123",
            None,
        )
        .await
        .unwrap();
    let ops = s.sign_in("ops@example.com", "password123").await;
    // The account's owner, and its admin key, are no operators.
    for refused in [
        s.as_user("GET", "/api/v1/operator/accounts/", &owner, None)
            .await,
        s.as_key("GET", "/api/v1/operator/accounts/", &key, None)
            .await,
    ] {
        assert_eq!(refused.status, 403, "{}", refused.body);
        assert!(
            refused.body["message"]
                .as_str()
                .unwrap()
                .contains("operators only"),
            "{}",
            refused.body
        );
    }
    let accounts = s
        .as_user("GET", "/api/v1/operator/accounts/", &ops, None)
        .await;
    let account = accounts.body["data"]["results"][0]["id"].as_i64().unwrap();
    set_status(&s, &ops, account, "suspended").await;
    assert_eq!(
        s.as_user("GET", "/api/v1/planner/keywords/", &owner, None)
            .await
            .status,
        200
    );
    assert_eq!(
        s.as_key("GET", "/api/v1/auth/sites/", &key, None)
            .await
            .status,
        200
    );
    let writes = [
        (
            "POST",
            "/api/v1/planner/keywords/".to_owned(),
            json!({"sector_id": sector, "keyword": "k"}),
        ),
        (
            "POST",
            "/api/v1/auth/users/".to_owned(),
            json!({"email": "x@example.com", "password": "password123", "role": "viewer"}),
        ),
        (
            "PATCH",
            format!("/api/v1/auth/sites/{site}/"),
            json!({"name": "renamed"}),
        ),
        (
            "POST",
            "/api/v1/thinker/image_testing/".to_owned(),
            json!({"prompt": "a cat"}),
        ),
        (
            "POST",
            "/api/v1/planner/keywords/auto_cluster/".to_owned(),
            json!({"sector_id": sector, "mode": "local"}),
        ),
    ];
    for (method, path, body) in &writes {
        let a = s.as_user(method, path, &owner, Some(body.clone())).await;
        assert_eq!(a.status, 403, "{method} {path}: {}", a.body);
        assert!(
            a.body["message"].as_str().unwrap().contains("suspended"),
            "{method} {path}: {}",
            a.body
        );
        assert_eq!(
            s.as_key(method, path, &key, Some(body.clone()))
                .await
                .status,
            403
        );
    }
    let keywords = s
        .as_user("GET", "/api/v1/planner/keywords/", &owner, None)
        .await;
    assert_eq!(keywords.body["data"]["count"], 0);
    set_status(&s, &ops, account, "active").await;
    let a = s
        .as_user(
            "POST",
            "/api/v1/planner/keywords/",
            &owner,
            Some(json!({"sector_id": sector, "keyword": "k"})),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    set_status(&s, &ops, account, "cancelled").await;
    assert!(
        [401, 403].contains(
            &s.as_user("GET", "/api/v1/planner/keywords/", &owner, None)
                .await
                .status
        )
    );
    assert!(
        [401, 403].contains(
            &s.as_key("GET", "/api/v1/auth/sites/", &key, None)
                .await
                .status
        )
    );
    s.close().await;
}

async fn set_status(s: &Live, ops: &str, account: i64, status: &str) {
    let a = s
        .as_user(
            "PATCH",
            &format!("/api/v1/operator/accounts/{account}/"),
            ops,
            Some(json!({"status": status})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
}

/// A plain HTTP server that records what reaches it and answers like a model provider would
/// not: every request gets a 500, and the test then looks at what arrived.
async fn catcher() -> (String, Arc<Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut got = Vec::new();
                // Headers are all a leak needs; read what arrives in the first moments.
                while let Ok(Ok(n)) =
                    tokio::time::timeout(std::time::Duration::from_millis(200), conn.read(&mut buf))
                        .await
                {
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..n]);
                }
                log.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&got).into_owned());
                let _ = conn
                    .write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                    .await;
            });
        }
    });
    (format!("http://{addr}/v1"), seen)
}

/// Hole 1: the deployment's provider key goes only to the deployment's provider. An account
/// URL needs the account's own key; a private address is refused unless the operator allows
/// private targets, and then only the account's key travels.
async fn the_deployment_key_never_reaches_an_account_url(backend: Backend) {
    const DEPLOYMENT_KEY: &str = "sk-deployment-secret-never-leaves";
    let (catch_url, seen) = catcher().await;
    for allow_private in [false, true] {
        let Some(s) = live(backend, |settings| {
            settings.ai.openai_api_key = Some(DEPLOYMENT_KEY.into());
            settings.ai.openai_base_url = "http://127.0.0.1:9/v1".into();
            settings.ai.runware_api_key = Some(DEPLOYMENT_KEY.into());
            settings.outbound.allow_private = allow_private;
            settings.ai.max_attempts = 1;
        })
        .await
        else {
            return;
        };
        let owner = s.register("probe@example.com", "Probe").await;
        // Without its own key, the account's URL is refused before anything is sent.
        let a = s
            .as_user(
                "POST",
                "/api/v1/system/integrations/",
                &owner,
                Some(json!({"provider": "openai_images", "config": {"base_url": catch_url}})),
            )
            .await;
        if allow_private {
            assert_eq!(a.status, 400, "{}", a.body);
            assert!(
                a.body["message"].as_str().unwrap().contains("key"),
                "{}",
                a.body
            );
        } else {
            assert_eq!(a.status, 403, "{}", a.body);
        }
        let a = s
            .as_user(
                "POST",
                "/api/v1/system/integrations/",
                &owner,
                Some(json!({"provider": "openai_images", "config": {"base_url": catch_url}, "api_key": "sk-the-accounts-own"})),
            )
            .await;
        if allow_private {
            assert!([200, 201].contains(&a.status), "{}", a.body);
            let tried = s
                .as_user(
                    "POST",
                    "/api/v1/thinker/image_testing/",
                    &owner,
                    Some(json!({"prompt": "a cat"})),
                )
                .await;
            assert!(tried.status >= 400, "{}", tried.body);
            let text = tried.body.to_string();
            assert!(
                !text.contains("127.0.0.1"),
                "the answer names an address: {text}"
            );
        } else {
            // The hosted default: a loopback URL is refused when saved, in plain words.
            assert_eq!(a.status, 403, "{}", a.body);
            assert!(
                a.body["message"].as_str().unwrap().contains("private"),
                "{}",
                a.body
            );
        }
        s.close().await;
    }
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.len(),
        1,
        "exactly the allowed request arrives: {seen:?}"
    );
    assert!(seen[0].contains("sk-the-accounts-own"), "{}", seen[0]);
    assert!(seen.iter().all(|r| !r.contains(DEPLOYMENT_KEY)), "{seen:?}");
}

/// Polls (10 ms apart, at most 30 s) until `ready` holds.
async fn wait_until(what: &str, ready: impl Fn() -> bool) {
    for _ in 0..3000 {
        if ready() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("gave up waiting until {what}");
}

async fn event_streams_are_capped_and_end_with_their_token(backend: Backend) {
    use igny8_core::jobs::{JobKind, NewJob};
    let Some(s) = live(backend, |c| c.event_streams_per_caller = 2).await else {
        return;
    };
    let token = s.register("streams@example.com", "Streams").await;
    let claims = s
        .state
        .signer
        .verify(&token, s.state.core.now().timestamp())
        .unwrap();
    let scope = igny8_core::tenancy::Scope::system(igny8_core::AccountId(claims.acc.unwrap()));
    // A queued job that no worker runs: its stream stays open until something ends it.
    let job = s
        .state
        .core
        .jobs()
        .enqueue(
            &scope,
            NewJob {
                kind: JobKind::Publish,
                site_id: None,
                payload: json!({"ids": [1]}),
                max_attempts: None,
                run_after: None,
            },
        )
        .await
        .unwrap();
    let path = format!("{}/api/v1/system/jobs/{}/events/", s.base, job.id.get());
    let open = |token: String| {
        s.http
            .get(&path)
            .header("authorization", format!("Bearer {token}"))
            .send()
    };
    let user = igny8_core::tenancy::Scope::user(
        igny8_core::AccountId(claims.acc.unwrap()),
        igny8_core::UserId(claims.sub),
        igny8_core::tenancy::Role::Owner,
    );
    let open_now = || s.state.job_events.open_streams(&user);

    // Two streams are allowed; the third is refused in words, and nothing is left counted.
    let mut first = open(token.clone()).await.unwrap();
    assert_eq!(first.status(), 200);
    let event = String::from_utf8_lossy(&first.chunk().await.unwrap().unwrap()).into_owned();
    assert!(event.contains("event: progress"), "{event}");
    let second = open(token.clone()).await.unwrap();
    assert_eq!(second.status(), 200);
    let third = open(token.clone()).await.unwrap();
    assert_eq!(third.status(), 429);
    let refused: Value = third.json().await.unwrap();
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("event streams open")),
        "{refused}"
    );
    assert_eq!(open_now(), 2);
    // Closing one frees its place.
    drop(first);
    drop(second);
    wait_until("the closed streams are no longer counted", || {
        open_now() == 0
    })
    .await;
    let again = open(token.clone()).await.unwrap();
    assert_eq!(again.status(), 200);
    drop(again);
    wait_until("that stream is closed too", || open_now() == 0).await;

    // A stream ends when the token that opened it expires (a second from now).
    s.clock
        .advance(chrono::Duration::minutes(15) - chrono::Duration::seconds(1));
    let mut last = open(token.clone()).await.unwrap();
    assert_eq!(last.status(), 200, "the token still works");
    let ended = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while last.chunk().await.unwrap().is_some() {}
    })
    .await;
    assert!(ended.is_ok(), "the stream ended with its token");
    wait_until("the ended stream is no longer counted", || open_now() == 0).await;

    // A stream opened with an API key (which has no expiry) ends soon after the key is revoked.
    let token = s.sign_in("streams@example.com", "password123").await;
    let made = s
        .as_user(
            "POST",
            "/api/v1/auth/api-keys/",
            &token,
            Some(json!({"name": "watcher", "role": "viewer"})),
        )
        .await;
    let secret = made.body["data"]["secret"].as_str().unwrap().to_owned();
    let key_id = made.body["data"]["key"]["id"].as_i64().unwrap();
    let mut watching = s
        .http
        .get(&path)
        .header("authorization", format!("Api-Key {secret}"))
        .send()
        .await
        .unwrap();
    assert_eq!(watching.status(), 200);
    assert!(watching.chunk().await.unwrap().is_some(), "the job now");
    let revoked = s
        .as_user(
            "DELETE",
            &format!("/api/v1/auth/api-keys/{key_id}/"),
            &token,
            None,
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let ended = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        while watching.chunk().await.unwrap().is_some() {}
    })
    .await;
    assert!(ended.is_ok(), "the stream ended with its key");
    s.close().await;
}
