//! Publishing to the test WordPress (`tests/wordpress/site.sh up`).

use igny8_core::Backend;
use serde_json::{Value, json};

use crate::support::server;
use crate::{rand_suffix, site_and_sector};

/// Publishing over HTTP to the test WordPress (`tests/wordpress/site.sh up`); skipped when
/// there is none unless `IGNY8_TEST_REQUIRE` names `wordpress`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wordpress_publishing_over_http() {
    let var = |n: &str| std::env::var(format!("IGNY8_TEST_WORDPRESS_{n}")).ok();
    let (Some(url), Some(user), Some(password)) = (var("URL"), var("USER"), var("PASSWORD")) else {
        assert!(
            !std::env::var("IGNY8_TEST_REQUIRE").is_ok_and(|r| r.contains("wordpress")),
            "IGNY8_TEST_WORDPRESS_* are required"
        );
        return;
    };
    let Some(s) = server(Backend::Sqlite, |settings| {
        settings.outbound.allow_private = true;
    })
    .await
    else {
        return;
    };
    let token = s.register("wp@example.com", "WP").await;
    let (site, sector) = site_and_sector(&s, &token).await;

    // Not connected yet: publishing says what to do, and queues nothing.
    let (status, content) = s
        .send("POST", &token, "/api/v1/writer/content/", json!({"sector_id": sector,
            "title": format!("From the API {}", rand_suffix()), "html": "<h2>One</h2><p>Hello <script>x()</script>world.</p>",
            "tags": ["api"], "meta_title": "From the API", "meta_description": "Sent over HTTP."}))
        .await;
    assert_eq!(status, 201, "{content}");
    let content = content["data"]["id"].as_i64().unwrap();
    let (status, body) = s
        .send(
            "POST",
            &token,
            &format!("/api/v1/writer/content/{content}/publish/"),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("not_configured")),
        "{body}"
    );

    // Connect: the password is never shown back; the check reports the version and rights.
    let (status, body) = s
        .send(
            "PUT",
            &token,
            &format!("/api/v1/auth/sites/{site}/wordpress/"),
            json!({"url": url, "username": user, "application_password": password}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        !body.to_string().contains(&password),
        "the password is never returned"
    );
    assert!(
        body["data"]["wordpress_password_hint"]
            .as_str()
            .unwrap()
            .starts_with("••••")
    );
    let (status, check) = s
        .send(
            "POST",
            &token,
            &format!("/api/v1/auth/sites/{site}/test_connection/"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{check}");
    assert_eq!(
        (
            check["data"]["can_publish"].as_bool(),
            check["data"]["can_upload"].as_bool()
        ),
        (Some(true), Some(true))
    );
    assert!(check["data"]["wordpress_version"].is_string(), "{check}");

    // Publish: 202 with the job; the worker sends it; the content knows its post.
    let (status, started) = s
        .send(
            "POST",
            &token,
            &format!("/api/v1/writer/content/{content}/publish/"),
            json!({"status": "publish"}),
        )
        .await;
    assert_eq!(status, 202, "{started}");
    assert_eq!(started["data"]["kind"], "publish");
    let worker = igny8_core::jobs::Worker::new(s.state.core.clone());
    let job = worker.run_once().await.unwrap().unwrap();
    assert_eq!(
        job.status,
        igny8_core::jobs::JobStatus::Succeeded,
        "{:?}",
        job.error
    );
    let (_, c) = s
        .get(&token, &format!("/api/v1/writer/content/{content}/"))
        .await;
    assert_eq!(c["data"]["status"], "published");
    let post_id = c["data"]["wp_post_id"].as_i64().expect("wp_post_id");
    let link = c["data"]["wp_url"].as_str().expect("wp_url").to_owned();
    // Read it back from WordPress.
    let wp: Value = reqwest::Client::new()
        .get(format!(
            "{url}/?rest_route=/wp/v2/posts/{post_id}&context=edit"
        ))
        .basic_auth(&user, Some(&password))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(wp["link"].as_str(), Some(link.as_str()));
    assert_eq!(wp["status"], "publish");
    let raw = wp["content"]["raw"].as_str().unwrap();
    assert!(
        raw.contains("Hello") && !raw.contains("<script"),
        "sanitised on the way: {raw}"
    );
    assert_eq!(wp["meta"]["_yoast_wpseo_metadesc"], "Sent over HTTP.");

    // The bulk form, and bad input.
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/content/publish/",
            json!({"ids": [content], "status": "future"}),
        )
        .await;
    assert_eq!(
        (status, body["errors"]["date"].is_array()),
        (400, true),
        "{body}"
    );
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/content/publish/",
            json!({"ids": [content]}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let job = worker.run_once().await.unwrap().unwrap();
    assert_eq!(
        job.result.unwrap()["items"][0]["result"]["post_id"],
        post_id,
        "the same post"
    );

    // Disconnect: the credentials are gone.
    let (status, body) = s
        .send(
            "DELETE",
            &token,
            &format!("/api/v1/auth/sites/{site}/wordpress/"),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, body["data"]["wordpress_url"].is_null()),
        (200, true),
        "{body}"
    );
    s.close().await;
}

/// The post a content becomes, rendered for a client that writes posts itself (the plugin):
/// blocks with the media items it names, the account's format, bad media refused in words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rendering_a_post_for_wordpress() {
    let Some(s) = server(Backend::Sqlite, |_| {}).await else {
        return;
    };
    let token = s.register("render@example.com", "Render").await;
    let (_site, sector) = site_and_sector(&s, &token).await;
    let (status, content) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/content/",
            json!({"sector_id": sector,
            "title": "Tom & Jerry's hoses: 5 < 6",
            "html": "<p>Intro.</p><h2>One</h2><p>a</p><h2>Two</h2><ul><li>x</li></ul>",
            "tags": ["hoses", "Hoses", " "], "categories": ["Garden"],
            "meta_description": "All about hoses."}),
        )
        .await;
    assert_eq!(status, 201, "{content}");
    // The content comes with its SEO checks: without a primary keyword the keyword checks
    // fail and say what to do; with one, the title check passes.
    let checks = &content["data"]["checks"];
    assert_eq!(checks.as_array().unwrap().len(), 14, "{content}");
    assert_eq!(checks[0]["id"], "keyword_in_title");
    assert_eq!(checks[0]["passed"], false);
    assert!(
        checks[0]["hint"]
            .as_str()
            .unwrap()
            .contains("primary keyword"),
        "{checks}"
    );
    let before = content["data"]["score"].as_i64().unwrap();
    assert!((0..=100).contains(&before), "{content}");
    let content = content["data"]["id"].as_i64().unwrap();
    let (status, patched) = s
        .send(
            "PATCH",
            &token,
            &format!("/api/v1/writer/content/{content}/"),
            json!({"primary_keyword": "hoses"}),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["data"]["checks"][0]["passed"], true, "{patched}");
    assert_eq!(patched["data"]["checks"][0]["hint"], "");
    assert!(patched["data"]["score"].as_i64().unwrap() > before);
    let (status, listed) = s.get(&token, "/api/v1/writer/content/").await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(
        listed["data"]["results"][0]["score"], patched["data"]["score"],
        "{listed}"
    );
    let mut images = Vec::new();
    for (kind, position) in [("featured", 0), ("in_article", 1)] {
        let (status, image) = s
            .send(
                "POST",
                &token,
                "/api/v1/writer/images/",
                json!({"sector_id": sector,
                "content_id": content, "kind": kind, "position": position,
                "prompt": "a hose", "alt_text": format!("{kind} hose")}),
            )
            .await;
        assert_eq!(status, 201, "{image}");
        let id = image["data"]["id"].as_i64().unwrap();
        for patch in [
            json!({"status": "generating"}),
            json!({"status": "generated", "url": format!("https://images.example/{id}.png")}),
        ] {
            let (status, body) = s
                .send(
                    "PATCH",
                    &token,
                    &format!("/api/v1/writer/images/{id}/"),
                    patch,
                )
                .await;
            assert_eq!(status, 200, "{body}");
        }
        images.push(id);
    }
    let path = format!("/api/v1/writer/content/{content}/render/");
    let (status, body) = s
        .send("POST", &token, &path, json!({"media": [
            {"image_id": images[0], "attachment_id": 41, "url": "https://wp.example/f.png"},
            {"image_id": images[1], "attachment_id": 42, "url": "https://wp.example/i.png", "size": "full"},
        ]}))
        .await;
    assert_eq!(status, 200, "{body}");
    let post = &body["data"];
    assert_eq!(post["title"], "Tom &amp; Jerry's hoses: 5 &lt; 6");
    assert_eq!(post["slug"], "tom-jerry-s-hoses-5-6");
    assert_eq!(post["excerpt"], "All about hoses.");
    assert_eq!(post["format"], "blocks");
    assert_eq!(post["featured_media"], 41);
    assert_eq!(post["media"], json!([41, 42]));
    assert_eq!(post["tags"], json!(["hoses"]));
    assert_eq!(post["categories"], json!(["Garden"]));
    assert_eq!(post["meta"]["_yoast_wpseo_metadesc"], "All about hoses.");
    // The primary keyword is the SEO plugins' focus keyword.
    assert_eq!(post["meta"]["_yoast_wpseo_focuskw"], "hoses");
    assert_eq!(post["meta"]["rank_math_focus_keyword"], "hoses");
    let body_html = post["content"].as_str().unwrap();
    assert!(
        body_html.starts_with("<!-- wp:paragraph {\"metadata\":{\"igny8Marker\":\"igny8:content="),
        "{body_html}"
    );
    let image = body_html
        .find("<!-- wp:image {\"id\":42,")
        .expect(body_html);
    assert!(
        body_html.find(">One</h2>").unwrap() < image
            && image < body_html.find(">Two</h2>").unwrap()
    );
    assert!(body_html.contains("class=\"wp-block-image size-full\"><img src=\"https://wp.example/i.png\" alt=\"in_article hose\" class=\"wp-image-42\"/>"), "{body_html}");
    assert!(body_html.contains("<!-- wp:list -->"), "{body_html}");

    // Without media: no images in the post. Classic when the account says so.
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/system/settings/",
            json!({"key": "publish.format", "value": "classic"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = s.send("POST", &token, &path, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["format"], "classic");
    assert_eq!(body["data"]["featured_media"], Value::Null);
    let html = body["data"]["content"].as_str().unwrap();
    assert!(
        html.starts_with("<!-- igny8:content=")
            && html.contains("<h2>One</h2>")
            && !html.contains("wp-image"),
        "{html}"
    );

    // Media that isn't this content's, or isn't a media item: refused, in words.
    for (media, field) in [
        (
            json!({"image_id": 999_999, "attachment_id": 1, "url": "https://wp.example/x.png"}),
            "media[0].image_id",
        ),
        (
            json!({"image_id": images[0], "attachment_id": 0, "url": "https://wp.example/x.png"}),
            "media[0].attachment_id",
        ),
        (
            json!({"image_id": images[0], "attachment_id": 3, "url": "javascript:alert(1)"}),
            "media[0].url",
        ),
    ] {
        let (status, body) = s
            .send("POST", &token, &path, json!({"media": [media]}))
            .await;
        assert_eq!(status, 400, "{body}");
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    // Another account's content is not found.
    let other = s.register("render-other@example.com", "Other").await;
    let (status, _) = s.send("POST", &other, &path, json!({})).await;
    assert_eq!(status, 404);
}

/// The link inventory over HTTP: objects recorded (as the plugin does), listed, ranked,
/// scoped to the account; links back suggested and inserted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_inventory_over_http() {
    let Some(s) = server(Backend::Sqlite, |_| {}).await else {
        return;
    };
    let token = s.register("links@example.com", "Links").await;
    let (site, sector) = site_and_sector(&s, &token).await;
    let links = format!("/api/v1/auth/sites/{site}/links/");
    let page = |kind: &str, id: i64, title: &str, keywords: Value| {
        json!({"kind": kind, "wp_id": id, "url": format!("https://garden.example/?p={id}"),
               "title": title, "keywords": keywords})
    };
    let (status, body) = s
        .send(
            "PUT",
            &token,
            &links,
            json!({"complete": true, "pages": [
                page("post", 12, "How to store a garden hose", json!(["hoses"])),
                page("post", 13, "Pruning roses", json!([])),
                page("category", 4, "Watering", json!([])),
            ]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (
            body["data"]["recorded"].as_u64(),
            body["data"]["removed"].as_u64()
        ),
        (Some(3), Some(0))
    );
    assert!(body["data"]["seen_at"].is_string(), "{body}");

    // Bad objects: each problem named, nothing recorded.
    let (status, body) = s
        .send(
            "PUT",
            &token,
            &links,
            json!({"pages": [
                page("post", 20, "Fine", json!([])),
                {"kind": "content", "wp_id": -1, "url": "ftp://x", "title": "Bad"},
            ]}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let text = body.to_string();
    for field in ["pages[1].kind", "pages[1].wp_id", "pages[1].url"] {
        assert!(text.contains(field), "{text}");
    }
    // A post deleted in WordPress: taken out (twice is fine).
    for removed in [1, 0] {
        let (status, body) = s
            .send(
                "PUT",
                &token,
                &links,
                json!({"pages": [],
                "gone": [{"kind": "post", "wp_id": 13}]}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["removed"], removed, "{body}");
    }
    let (status, listed) = s.get(&token, &links).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["data"]["count"], 2, "{listed}");
    let (_, posts) = s
        .get(&token, &format!("{links}?kind=post&search=hose"))
        .await;
    assert_eq!(
        posts["data"]["results"].as_array().unwrap().len(),
        1,
        "{posts}"
    );
    assert_eq!(posts["data"]["results"][0]["keywords"], json!(["hoses"]));

    // What Generate Content would be offered for a garden hose reel article.
    let (status, related) = s
        .get(
            &token,
            &format!("{links}related/?q=garden%20hose%20reel&limit=2"),
        )
        .await;
    assert_eq!(status, 200, "{related}");
    assert_eq!(related["data"].as_array().unwrap().len(), 2);
    assert_eq!(related["data"][0]["url"], "https://garden.example/?p=12");
    let (status, body) = s.get(&token, &format!("{links}related/")).await;
    assert_eq!(status, 400, "{body}");

    // Syncing needs the WordPress connection; another account sees nothing.
    let (status, body) = s
        .send("POST", &token, &format!("{links}sync/"), json!({}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("not_configured")),
        "{body}"
    );
    let stranger = s.register("stranger@example.com", "Stranger").await;
    let (status, _) = s.get(&stranger, &links).await;
    assert_eq!(status, 404);
    let (status, _) = s
        .send(
            "PUT",
            &stranger,
            &links,
            json!({"pages": [page("post", 1, "Mine", json!([]))]}),
        )
        .await;
    assert_eq!(status, 404);

    // Links back: an older article that mentions the new one's keyword gets the link.
    let create = |title: &str, html: &str| {
        json!({"sector_id": sector, "title": title, "html": html,
               "primary_keyword": "garden hose storage"})
    };
    let (_, older) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/content/",
            create(
                "Hose reel storage ideas",
                "<p>Before you buy a hose reel, measure it.</p>",
            ),
        )
        .await;
    let older = older["data"]["id"].as_i64().unwrap();
    let (_, new) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/content/",
            create("Choosing a hose reel", "<p>Reels.</p>"),
        )
        .await;
    let new = new["data"]["id"].as_i64().unwrap();
    let back = format!("/api/v1/writer/content/{new}/links_back/");
    let (status, body) = s
        .send("POST", &token, &back, json!({"content_id": older}))
        .await;
    assert_eq!(status, 400, "not published yet: {body}");
    for (id, url) in [
        (older, "https://garden.example/?p=30"),
        (new, "https://garden.example/?p=40"),
    ] {
        let (status, body) = s
            .send("PATCH", &token, &format!("/api/v1/writer/content/{id}/"),
                json!({"status": "published", "wp_url": url, "primary_keyword": if id == new { "hose reel" } else { "garden hose storage" }}))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, suggested) = s.get(&token, &back).await;
    assert_eq!(status, 200, "{suggested}");
    let from_older = suggested["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["from"]["content_id"] == older)
        .unwrap_or_else(|| panic!("{suggested}"));
    assert_eq!(from_older["anchor"], "hose reel");
    assert_eq!(
        from_older["paragraph"],
        "Before you buy a hose reel, measure it."
    );
    let (status, changed) = s
        .send("POST", &token, &back, json!({"content_id": older}))
        .await;
    assert_eq!(status, 200, "{changed}");
    assert!(
        changed["data"]["html"]
            .as_str()
            .unwrap()
            .contains("<a href=\"https://garden.example/?p=40\">hose reel</a>"),
        "{changed}"
    );
    let (status, body) = s
        .send("POST", &token, &back, json!({"content_id": older}))
        .await;
    assert_eq!(status, 409, "{body}");
    let (status, _) = s
        .send("POST", &stranger, &back, json!({"content_id": older}))
        .await;
    assert_eq!(status, 404);

    // Links out, for an editor: the body as the editor holds it uses "garden hose storage"
    // (the older article's keyword) and a tag of post 12; nothing else of the site.
    let out = format!("/api/v1/writer/content/{new}/links_out/");
    let html = "<!-- wp:paragraph --><p>Good garden hose storage starts with hoses that \
                drain.</p><!-- /wp:paragraph -->";
    let (status, found) = s
        .send("POST", &token, &out, json!({"html": html, "limit": 5}))
        .await;
    assert_eq!(status, 200, "{found}");
    let to: Vec<(&str, &str)> = found["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["to"]["url"].as_str().unwrap(),
                o["anchor"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        to.contains(&("https://garden.example/?p=30", "garden hose storage")),
        "{found}"
    );
    assert!(
        to.iter()
            .all(|(url, _)| *url != "https://garden.example/?p=13"),
        "{found}"
    );
    assert_eq!(
        found["data"][0]["paragraph"],
        "Good garden hose storage starts with hoses that drain."
    );
    let (status, body) = s
        .send("POST", &token, &out, json!({"html": html, "limt": 5}))
        .await;
    assert_eq!(status, 400, "unknown field: {body}");
    let (status, _) = s.send("POST", &stranger, &out, json!({})).await;
    assert_eq!(status, 404);

    // The checks of the draft in the editor: another title fails the title check; nothing
    // is saved.
    let check = format!("/api/v1/writer/content/{new}/check/");
    let (status, report) = s
        .send(
            "POST",
            &token,
            &check,
            json!({"title": "Watering cans", "slug": "cans"}),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    let verdict = |r: &Value, id: &str| {
        r["data"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["passed"].clone())
    };
    assert_eq!(verdict(&report, "keyword_in_title"), Some(json!(false)));
    assert_eq!(verdict(&report, "keyword_in_slug"), Some(json!(false)));
    let (status, report) = s
        .send(
            "POST",
            &token,
            &check,
            json!({"title": "A hose reel for every yard"}),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(verdict(&report, "keyword_in_title"), Some(json!(true)));
    let (_, stored) = s
        .get(&token, &format!("/api/v1/writer/content/{new}/"))
        .await;
    assert_eq!(
        stored["data"]["title"], "Choosing a hose reel",
        "nothing saved"
    );
    let (status, _) = s.send("POST", &stranger, &check, json!({})).await;
    assert_eq!(status, 404);
}
