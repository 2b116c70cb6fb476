//! Tenants and roles: another account's ids are never found; roles hold.

use igny8_core::Backend;
use serde_json::{Value, json};

use crate::site_and_sector;
use crate::support::{server, split};

on_backends!(
    other_tenants_ids_are_always_not_found,
    roles_are_enforced,
    connecting_says_the_role_and_finds_the_site_by_any_scheme,
);

/// Every resource of account A, probed by account B: reads, changes, deletes, bulk operations
/// and ids smuggled into filters and bodies. Nothing of A is ever seen or changed.
async fn other_tenants_ids_are_always_not_found(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let a = s.register("a@example.com", "A").await;
    let b = s.register("b@example.com", "B").await;
    let (site, sector) = site_and_sector(&s, &a).await;
    let (_, b_sector) = site_and_sector(&s, &b).await;
    let mk = |path: &'static str, body: Value| {
        let s = &s;
        let a = a.clone();
        async move {
            let (status, v) = s.send("POST", &a, path, body).await;
            assert!(status == 201 || status == 200, "{path}: {v}");
            v["data"]["id"].as_i64().unwrap()
        }
    };
    let keyword = mk(
        "/api/v1/planner/keywords/",
        json!({"sector_id": sector, "keyword": "secret"}),
    )
    .await;
    let cluster = mk(
        "/api/v1/planner/clusters/",
        json!({"sector_id": sector, "name": "Secret"}),
    )
    .await;
    let idea = mk(
        "/api/v1/planner/ideas/",
        json!({"sector_id": sector, "title": "Secret idea"}),
    )
    .await;
    let task = mk(
        "/api/v1/writer/tasks/",
        json!({"sector_id": sector, "title": "Secret task"}),
    )
    .await;
    let content = mk(
        "/api/v1/writer/content/",
        json!({"sector_id": sector, "title": "Secret content", "html": "<p>x</p>"}),
    )
    .await;
    let image = mk(
        "/api/v1/writer/images/",
        json!({"sector_id": sector, "kind": "featured", "prompt": "x"}),
    )
    .await;
    let author = mk(
        "/api/v1/thinker/author-profiles/",
        json!({"name": "Secret author"}),
    )
    .await;
    let strategy = mk(
        "/api/v1/thinker/strategies/",
        json!({"name": "Secret strategy"}),
    )
    .await;
    let prompt = mk(
        "/api/v1/thinker/prompts/",
        json!({"prompt_type": "ideas", "template": "{{cluster}}"}),
    )
    .await;
    let (_, users) = s.get(&a, "/api/v1/auth/users/").await;
    let user = users["data"]["results"][0]["id"].as_i64().unwrap();
    let (_, key) = s
        .send("POST", &a, "/api/v1/auth/api-keys/", json!({"name": "k"}))
        .await;
    let api_key = key["data"]["key"]["id"].as_i64().unwrap();

    let resources: Vec<(String, i64, Value)> = vec![
        ("auth/users".into(), user, json!({"name": "hacked"})),
        ("auth/sites".into(), site, json!({"name": "hacked"})),
        ("auth/sectors".into(), sector, json!({"name": "hacked"})),
        ("planner/keywords".into(), keyword, json!({"volume": 1})),
        (
            "planner/clusters".into(),
            cluster,
            json!({"description": "hacked"}),
        ),
        ("planner/ideas".into(), idea, json!({"title": "hacked"})),
        ("writer/tasks".into(), task, json!({"title": "hacked"})),
        ("writer/content".into(), content, json!({"title": "hacked"})),
        ("writer/images".into(), image, json!({"prompt": "hacked"})),
        (
            "thinker/author-profiles".into(),
            author,
            json!({"tone": "hacked"}),
        ),
        (
            "thinker/strategies".into(),
            strategy,
            json!({"guidance": "hacked"}),
        ),
        (
            "thinker/prompts".into(),
            prompt,
            json!({"template": "{{cluster}} hacked"}),
        ),
    ];
    for (path, id, patch) in &resources {
        let one = format!("/api/v1/{path}/{id}/");
        assert_eq!(s.get(&b, &one).await.0, 404, "GET {one}");
        assert_eq!(
            s.send("PATCH", &b, &one, patch.clone()).await.0,
            404,
            "PATCH {one}"
        );
        assert_eq!(s.delete(&b, &one).await.0, 404, "DELETE {one}");
        let (status, body) = s
            .send(
                "POST",
                &b,
                &format!("/api/v1/{path}/bulk_delete/"),
                json!({"ids": [id]}),
            )
            .await;
        assert!(
            status == 200 && body["data"]["affected"] == 0 || status == 404,
            "bulk_delete {path}: {body}"
        );
        let (_, list) = s.get(&b, &format!("/api/v1/{path}/?ids={id}")).await;
        let leaked = list["data"]["results"]
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x["id"] == *id))
            || list["data"]
                .as_array()
                .is_some_and(|r| r.iter().any(|x| x["id"] == *id));
        assert!(!leaked, "{path} list leaks {id}: {list}");
    }
    assert_eq!(
        s.delete(&b, &format!("/api/v1/auth/api-keys/{api_key}/"))
            .await
            .0,
        404
    );
    let one_key = format!("/api/v1/auth/api-keys/{api_key}/");
    assert_eq!(s.get(&b, &one_key).await.0, 404);
    assert_eq!(
        s.send("PATCH", &b, &one_key, json!({"name": "hacked"}))
            .await
            .0,
        404
    );
    // The owner reads, renames, sets and clears the expiry; never sees the secret again.
    let (status, k) = s.get(&a, &one_key).await;
    assert_eq!(
        (status, k["data"]["name"].as_str()),
        (200, Some("k")),
        "{k}"
    );
    assert!(k["data"].get("secret").is_none());
    // Dates relative to the server's clock, not to the day the test runs.
    use igny8_core::Clock;
    let soon = (s.clock.now() + chrono::Duration::days(30)).to_rfc3339();
    let (status, k) = s
        .send(
            "PATCH",
            &a,
            &one_key,
            json!({"name": "ci key", "expires_at": soon}),
        )
        .await;
    assert_eq!(
        (status, k["data"]["name"].as_str()),
        (200, Some("ci key")),
        "{k}"
    );
    assert!(k["data"]["expires_at"].is_string());
    let (status, k) = s
        .send("PATCH", &a, &one_key, json!({"expires_at": null}))
        .await;
    assert_eq!(
        (status, k["data"]["expires_at"].is_null()),
        (200, true),
        "{k}"
    );
    let past = (s.clock.now() - chrono::Duration::days(1)).to_rfc3339();
    let (status, k) = s
        .send("PATCH", &a, &one_key, json!({"expires_at": past}))
        .await;
    assert_eq!(
        (status, k["errors"]["expires_at"].is_array()),
        (400, true),
        "{k}"
    );
    // Smuggled into filters and bodies.
    let (_, list) = s
        .get(
            &b,
            &format!("/api/v1/planner/keywords/?sector_id={sector}&cluster_id={cluster}"),
        )
        .await;
    assert_eq!(list["data"]["count"], 0);
    let (status, _) = s
        .send(
            "POST",
            &b,
            "/api/v1/planner/keywords/",
            json!({"sector_id": sector, "keyword": "intruder"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = s
        .send(
            "POST",
            &b,
            "/api/v1/planner/keywords/",
            json!({"sector_id": b_sector, "keyword": "mine"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = s
        .send(
            "POST",
            &b,
            "/api/v1/planner/keywords/bulk_update/",
            json!({"ids": [keyword], "volume": 5}),
        )
        .await;
    assert_eq!((status, body["data"]["affected"].as_u64()), (200, Some(0)));
    let (status, _) = s
        .send(
            "POST",
            &b,
            "/api/v1/writer/tasks/",
            json!({"sector_id": b_sector, "title": "t", "author_profile_id": author}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = s
        .send(
            "POST",
            &b,
            "/api/v1/planner/ideas/queue_to_writer/",
            json!({"ids": [idea]}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = s
        .send(
            "POST",
            &b,
            "/api/v1/planner/keywords/cluster_locally/",
            json!({"sector_id": sector}),
        )
        .await;
    assert_eq!(status, 404);
    let resp = s
        .client
        .post(format!(
            "/api/v1/planner/keywords/import/?sector_id={sector}"
        ))
        .header("authorization", format!("Bearer {b}"))
        .content_type("text/csv")
        .body("intruder\n")
        .send()
        .await;
    assert_eq!(split(resp).await.0, 404);
    // The AI functions, estimates and job streams don't reach A's objects either.
    for (path, body) in [
        ("planner/keywords/auto_cluster", json!({"ids": [keyword]})),
        (
            "planner/keywords/auto_cluster",
            json!({"sector_id": sector}),
        ),
        (
            "planner/keywords/auto_cluster",
            json!({"sector_id": sector, "mode": "local"}),
        ),
        ("planner/clusters/generate_ideas", json!({"ids": [cluster]})),
        ("writer/tasks/generate_content", json!({"ids": [task]})),
        (
            "writer/content/generate_image_prompts",
            json!({"ids": [content]}),
        ),
        ("writer/images/generate_images", json!({"ids": [image]})),
        (
            "billing/estimate",
            json!({"operation": "generate_content", "ids": [task]}),
        ),
    ] {
        let (status, v) = s.send("POST", &b, &format!("/api/v1/{path}/"), body).await;
        assert_eq!(status, 404, "{path}: {v}");
    }
    for (method, path, body) in [
        (
            "PUT",
            format!("auth/sites/{site}/wordpress"),
            json!({"url": "https://example.com", "username": "u", "application_password": "p"}),
        ),
        ("DELETE", format!("auth/sites/{site}/wordpress"), json!({})),
        (
            "POST",
            format!("auth/sites/{site}/test_connection"),
            json!({}),
        ),
        (
            "POST",
            format!("writer/content/{content}/publish"),
            json!({}),
        ),
        (
            "POST",
            "writer/content/publish".to_owned(),
            json!({"ids": [content]}),
        ),
    ] {
        let (status, v) = s.send(method, &b, &format!("/api/v1/{path}/"), body).await;
        assert_eq!(status, 404, "{method} {path}: {v}");
    }
    let (_, a_jobs) = s.get(&a, "/api/v1/system/jobs/").await;
    assert_eq!(a_jobs["data"]["count"], 0, "nothing was queued for anyone");
    let (status, job) = s
        .send(
            "POST",
            &a,
            "/api/v1/planner/keywords/auto_cluster/",
            json!({"sector_id": sector, "mode": "local"}),
        )
        .await;
    assert_eq!(status, 202, "{job}");
    let job = job["data"]["job"]["id"].as_i64().unwrap();
    assert_eq!(
        s.get(&b, &format!("/api/v1/system/jobs/{job}/")).await.0,
        404
    );
    let resp = s
        .client
        .get(format!("/api/v1/system/jobs/{job}/events/"))
        .header("authorization", format!("Bearer {b}"))
        .send()
        .await;
    assert_eq!(split(resp).await.0, 404);
    // A's data is untouched.
    let (status, kw) = s
        .get(&a, &format!("/api/v1/planner/keywords/{keyword}/"))
        .await;
    assert_eq!((status, kw["data"]["volume"].is_null()), (200, true));
    let (_, idea_now) = s.get(&a, &format!("/api/v1/planner/ideas/{idea}/")).await;
    assert_eq!(idea_now["data"]["status"], "new");
    let (_, tasks) = s.get(&a, "/api/v1/writer/tasks/").await;
    assert_eq!(tasks["data"]["count"], 1);
    s.close().await;
}

async fn roles_are_enforced(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let owner = s.register("o@example.com", "Roles").await;
    let (_, sector) = site_and_sector(&s, &owner).await;
    let mut tokens = std::collections::HashMap::new();
    for role in ["admin", "editor", "viewer"] {
        let email = format!("{role}@example.com");
        let (status, _) = s
            .send(
                "POST",
                &owner,
                "/api/v1/auth/users/",
                json!({"email": email, "password": "password123", "role": role}),
            )
            .await;
        assert_eq!(status, 201);
        let (_, login) = split(
            s.client
                .post("/api/v1/auth/login/")
                .body_json(&json!({"email": email, "password": "password123"}))
                .send()
                .await,
        )
        .await;
        tokens.insert(role, login["data"]["access"].as_str().unwrap().to_owned());
    }
    tokens.insert("owner", owner.clone());
    // (role, read, write planner, manage sites, billing-free operator endpoint)
    let matrix = [
        ("owner", true, true, true),
        ("admin", true, true, true),
        ("editor", true, true, false),
        ("viewer", true, false, false),
    ];
    for (role, read, write, manage) in matrix {
        let t = &tokens[role];
        let expect = |allowed: bool, ok: u16| if allowed { ok } else { 403 };
        assert_eq!(
            s.get(t, "/api/v1/planner/keywords/").await.0,
            expect(read, 200),
            "{role} read"
        );
        let (status, _) = s
            .send(
                "POST",
                t,
                "/api/v1/planner/keywords/",
                json!({"sector_id": sector, "keyword": format!("kw {role}")}),
            )
            .await;
        assert_eq!(status, expect(write, 201), "{role} write");
        let (status, _) = s
            .send(
                "POST",
                t,
                "/api/v1/auth/sites/",
                json!({"name": format!("site {role}")}),
            )
            .await;
        assert_eq!(status, expect(manage, 201), "{role} manage");
        let (status, _) = s
            .send(
                "POST",
                t,
                "/api/v1/thinker/prompts/",
                json!({"prompt_type": "ideas", "template": "{{cluster}}"}),
            )
            .await;
        assert_eq!(status, expect(manage, 201), "{role} prompts");
        assert_eq!(
            s.get(t, "/api/v1/operator/accounts/").await.0,
            403,
            "{role} operator"
        );
    }
    // API keys act with their role.
    let (_, key) = s
        .send(
            "POST",
            &owner,
            "/api/v1/auth/api-keys/",
            json!({"name": "viewer key", "role": "viewer"}),
        )
        .await;
    let secret = key["data"]["secret"].as_str().unwrap();
    let resp = s
        .client
        .get("/api/v1/planner/keywords/")
        .header("authorization", format!("Api-Key {secret}"))
        .send()
        .await;
    assert_eq!(split(resp).await.0, 200);
    let resp = s
        .client
        .post("/api/v1/planner/keywords/")
        .header("authorization", format!("Api-Key {secret}"))
        .body_json(&json!({"sector_id": sector, "keyword": "by key"}))
        .send()
        .await;
    assert_eq!(split(resp).await.0, 403);
    s.close().await;
}

/// `auth/sites/connect/` as the WordPress plugin uses it: the site is found again whatever the
/// scheme, case or trailing slash of its address, and the answer says what the key may do
/// (its role, and whether it is held to one site) so the plugin offers only what will work.
async fn connecting_says_the_role_and_finds_the_site_by_any_scheme(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let owner = s.register("connect@example.com", "Connect").await;
    let key = |role: &'static str, site: Option<i64>| {
        let s = &s;
        let owner = owner.clone();
        async move {
            let (status, made) = s
                .send(
                    "POST",
                    &owner,
                    "/api/v1/auth/api-keys/",
                    json!({"name": role, "role": role, "site_id": site}),
                )
                .await;
            assert_eq!(status, 201, "{made}");
            made["data"]["secret"].as_str().unwrap().to_owned()
        }
    };
    let connect_with = |secret: String, body: Value| {
        let s = &s;
        async move {
            split(
                s.client
                    .post("/api/v1/auth/sites/connect/")
                    .header("authorization", format!("Api-Key {secret}"))
                    .body_json(&body)
                    .send()
                    .await,
            )
            .await
        }
    };
    let connect = |secret: String, url: &'static str| {
        connect_with(secret, json!({"name": "My blog", "url": url}))
    };

    let (status, made) = connect(key("admin", None).await, "https://blog.example/").await;
    assert_eq!(status, 200, "{made}");
    let site = made["data"]["site"]["id"].as_i64().unwrap();
    assert_eq!(made["data"]["created"], true);
    assert_eq!(made["data"]["role"], "admin");
    assert_eq!(made["data"]["site_restricted"], false);

    // A viewer's key, the address written another way: the same site, nothing made.
    let (status, found) = connect(key("viewer", None).await, "http://BLOG.example").await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["data"]["site"]["id"].as_i64(), Some(site));
    assert_eq!(found["data"]["created"], false);
    assert_eq!(found["data"]["role"], "viewer");

    // A key held to the site gets it whatever address it gives, and says so.
    let (status, held) = connect(key("editor", Some(site)).await, "https://moved.example/").await;
    assert_eq!(status, 200, "{held}");
    assert_eq!(held["data"]["site"]["id"].as_i64(), Some(site));
    assert_eq!(held["data"]["role"], "editor");
    assert_eq!(held["data"]["site_restricted"], true);

    // The install chooses another site of the account and one of its sectors: that one, even
    // though the address matches the first site; nothing is made.
    let (status, other) = s
        .send(
            "POST",
            &owner,
            "/api/v1/auth/sites/",
            json!({"name": "Shop", "url": "https://shop.example"}),
        )
        .await;
    assert_eq!(status, 201, "{other}");
    let other = other["data"]["id"].as_i64().unwrap();
    let (status, sector) = s
        .send(
            "POST",
            &owner,
            "/api/v1/auth/sectors/",
            json!({"site_id": other, "name": "Garden tools"}),
        )
        .await;
    assert_eq!(status, 201, "{sector}");
    let sector = sector["data"]["id"].as_i64().unwrap();
    let body = json!({"name": "My blog", "url": "https://blog.example/", "site_id": other,
        "sector_id": sector});
    let (status, chosen) = connect_with(key("editor", None).await, body).await;
    assert_eq!(status, 200, "{chosen}");
    assert_eq!(chosen["data"]["site"]["id"].as_i64(), Some(other));
    assert_eq!(chosen["data"]["sector"]["id"].as_i64(), Some(sector));
    assert_eq!(chosen["data"]["created"], false);

    // A sector of another site is a plain 400 naming the field; a key held to one site
    // cannot choose another.
    let body = json!({"name": "My blog", "site_id": site, "sector_id": sector});
    let (status, wrong) = connect_with(key("admin", None).await, body).await;
    assert_eq!(status, 400, "{wrong}");
    assert!(wrong.to_string().contains("sector"), "{wrong}");
    let body = json!({"name": "My blog", "site_id": other});
    let (status, held) = connect_with(key("editor", Some(site)).await, body).await;
    assert_eq!(status, 403, "{held}");
    s.close().await;
}
