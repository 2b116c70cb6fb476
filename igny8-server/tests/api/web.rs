//! The web app over poem's TestClient: sessions, form tokens, escaping, redirects, error pages
//! and static files, as a browser (or an attacker's page) meets them. The pages themselves
//! are looked at in a real browser by `tests/web/`.

use std::collections::BTreeMap;

use igny8_core::Backend;
use serde_json::{Value, json};

use crate::support::{Server, server};

on_backends!(
    signing_up_signs_in_and_signing_out_ends_the_session,
    writes_need_the_form_token_of_this_session_and_site,
    what_people_type_comes_back_escaped,
    sign_in_only_follows_local_links,
    a_wrong_password_keeps_the_email_and_says_why,
    a_password_change_signs_out_everywhere_else,
    an_idle_session_ends,
    the_web_and_the_api_share_rate_limits,
    pages_have_security_headers_and_errors_are_pages,
    the_keyword_list_filters_sorts_pages_and_downloads,
    bulk_actions_and_edits_change_only_what_was_asked,
    all_matching_keywords_change_on_every_page_as_counted,
    a_viewer_sees_keywords_without_write_controls_and_cannot_write,
    sites_and_sectors_are_made_changed_and_deleted,
    a_viewer_is_refused_every_write_route,
    a_keyword_export_is_imported_with_a_report_of_every_bad_line,
    a_large_keyword_file_imports_in_the_background,
    keywords_are_grouped_into_clusters_without_ai_and_clusters_managed,
    jobs_show_live_progress_errors_and_results_and_cancel,
    auto_cluster_shows_its_cost_first_then_its_job,
    clusters_of_a_sector_merge_into_one,
    ideas_are_edited_with_their_outline_and_queued_to_the_writer,
    articles_read_as_published_and_are_edited,
    competing_pages_are_shown_with_what_to_do,
    the_link_inventory_is_shown_and_links_back_are_inserted,
    providers_are_connected_and_defaults_saved_all_or_nothing,
    a_provider_key_is_tested_and_the_verdict_says_what_to_fix,
    billing_shows_the_balance_the_plan_what_ai_used_and_the_ledger,
    people_are_added_changed_and_removed_and_keys_shown_once,
    images_are_shown_to_their_account_edited_and_drawn_cost_first,
    prompts_authors_and_strategies_are_written_and_checked,
    automation_rules_preview_their_runs_and_runs_show_their_stages,
    operators_manage_accounts_credits_and_plans_and_nobody_else_does,
    a_task_is_given_its_author_and_strategy_and_links_its_article,
);

/// A browser: keeps cookies, reads the form token from the last page.
struct Browser<'a> {
    s: &'a Server,
    cookies: BTreeMap<String, String>,
    token: String,
}

/// What came back: status, headers, body.
struct Page {
    status: u16,
    headers: poem::http::HeaderMap,
    body: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }
}

impl<'a> Browser<'a> {
    fn new(s: &'a Server) -> Self {
        Self {
            s,
            cookies: BTreeMap::new(),
            token: String::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, resp: poem::test::TestResponse) -> Page {
        let status = resp.0.status().as_u16();
        let headers = resp.0.headers().clone();
        let body = resp.0.into_body().into_string().await.unwrap();
        for value in headers.get_all("set-cookie") {
            let value = value.to_str().unwrap();
            let (pair, _) = value.split_once(';').unwrap_or((value, ""));
            let (name, v) = pair.split_once('=').unwrap();
            if value.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), v.to_owned());
            }
        }
        if let Some(token) = form_token(&body) {
            self.token = token;
        }
        Page {
            status,
            headers,
            body,
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let resp = self
            .s
            .client
            .get(path)
            .header("cookie", self.cookie_header())
            .send()
            .await;
        self.finish(resp).await
    }

    /// Posts a form with this browser's token (added unless `fields` has one).
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_with(path, fields, &[]).await
    }

    async fn post_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token = self.token.clone();
        if !fields.iter().any(|(k, _)| *k == "csrf_token") {
            all.push(("csrf_token", &token));
        }
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(all)
            .finish();
        let mut req = self
            .s
            .client
            .post(path)
            .header("cookie", self.cookie_header())
            .content_type("application/x-www-form-urlencoded");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.body(body).send().await;
        self.finish(resp).await
    }

    /// Posts a file upload (`multipart/form-data`) with `parts` in order: (name, file name
    /// for a file, content). The form token is not added: the caller places it.
    async fn upload(&mut self, path: &str, parts: &[(&str, Option<&str>, &str)]) -> Page {
        let boundary = "----igny8test7MA4YWxkTrZu0gW";
        let mut body = String::new();
        for (name, file, content) in parts {
            body.push_str(&format!("--{boundary}\r\n"));
            match file {
                Some(file) => body.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: text/csv\r\n\r\n"
                )),
                None => body.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                )),
            }
            body.push_str(content);
            body.push_str("\r\n");
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let resp = self
            .s
            .client
            .post(path)
            .header("cookie", self.cookie_header())
            .content_type(format!("multipart/form-data; boundary={boundary}"))
            .header("content-length", body.len().to_string())
            .body(body)
            .send()
            .await;
        self.finish(resp).await
    }

    async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        self.get("/sign-in").await;
        self.post("/sign-in", &[("email", email), ("password", password)])
            .await
    }

    async fn sign_up(&mut self, email: &str, account: &str) -> Page {
        self.get("/sign-up").await;
        self.post(
            "/sign-up",
            &[
                ("account_name", account),
                ("name", "Ada"),
                ("email", email),
                ("password", "password123"),
            ],
        )
        .await
    }
}

fn form_token(html: &str) -> Option<String> {
    let at = html.find(r#"name="csrf_token" value=""#)?;
    let rest = &html[at + r#"name="csrf_token" value=""#.len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

async fn signing_up_signs_in_and_signing_out_ends_the_session(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    // A visitor is sent to sign in, to come back after.
    let first = b.get("/dashboard").await;
    assert_eq!(
        (first.status, first.location()),
        (303, "/sign-in?next=%2Fdashboard")
    );
    let home = b.get("/").await;
    assert_eq!((home.status, home.location()), (303, "/sign-in"));

    let signed_up = b.sign_up("ada@example.com", "Ada's blog").await;
    assert_eq!(
        (signed_up.status, signed_up.location()),
        (303, "/dashboard?done=welcome"),
        "{}",
        signed_up.body
    );
    let cookie = signed_up
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("igny8_session="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=1209600"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    // Plain http here: no `Secure` (and so no `__Host-` prefix).
    assert!(!cookie.contains("Secure"), "{cookie}");

    let dashboard = b.get("/dashboard?done=welcome").await;
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.body.contains("Welcome! Your account is ready."));
    assert!(
        dashboard.body.contains("Ada"),
        "the menu names who is signed in"
    );
    // The sign-up credits are shown, as the API counts them.
    let login = s
        .client
        .post("/api/v1/auth/login/")
        .body_json(&json!({"email": "ada@example.com", "password": "password123"}))
        .send()
        .await;
    let token = crate::support::json(login).await["data"]["access"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, balance) = s.get(&token, "/api/v1/billing/balance/").await;
    let balance = balance["data"]["credits"].as_i64().unwrap();
    assert!(
        dashboard.body.contains(&format!(">{balance}<")),
        "balance {balance} shown"
    );

    // Signed in, the sign-in page goes on to the dashboard.
    let again = b.get("/sign-in").await;
    assert_eq!((again.status, again.location()), (303, "/dashboard"));

    let out = b.post("/sign-out", &[]).await;
    assert_eq!(
        (out.status, out.location()),
        (303, "/sign-in?done=signed-out")
    );
    let after = b.get("/dashboard").await;
    assert_eq!(after.status, 303, "signed out: {}", after.body);

    // The cookie itself no longer works either (not only forgotten by this browser).
    let mut stolen = Browser::new(&s);
    stolen.cookies.insert(
        "igny8_session".into(),
        cookie.split(';').next().unwrap()["igny8_session=".len()..].to_owned(),
    );
    let page = stolen.get("/dashboard").await;
    assert_eq!(page.status, 303);
    s.close().await;
}

async fn writes_need_the_form_token_of_this_session_and_site(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    // Without a token nothing is made.
    let mut b = Browser::new(&s);
    b.get("/sign-up").await;
    let forged = b
        .post(
            "/sign-up",
            &[
                ("account_name", "X"),
                ("email", "x@example.com"),
                ("password", "password123"),
                ("csrf_token", "made-up"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(
        forged.body.contains("This form has expired"),
        "{}",
        forged.body
    );
    let login = s
        .client
        .post("/api/v1/auth/login/")
        .body_json(&json!({"email": "x@example.com", "password": "password123"}))
        .send()
        .await;
    assert_eq!(login.0.status().as_u16(), 401, "no account was made");

    // Two people: one's token doesn't work in the other's session.
    let mut ada = Browser::new(&s);
    ada.sign_up("ada@example.com", "Ada").await;
    ada.get("/account").await;
    let mut bob = Browser::new(&s);
    bob.sign_up("bob@example.com", "Bob").await;
    bob.get("/account").await;
    let change = |token: String| {
        vec![
            ("current_password".to_owned(), "password123".to_owned()),
            ("new_password".to_owned(), "a new password".to_owned()),
            ("confirm_password".to_owned(), "a new password".to_owned()),
            ("csrf_token".to_owned(), token),
        ]
    };
    let fields = change(ada.token.clone());
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let cross = bob.post("/account/password", &fields).await;
    assert_eq!(cross.status, 403, "Ada's token in Bob's session");

    // A page on another site can't post with the right token either.
    let fields = change(bob.token.clone());
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    for headers in [
        vec![("origin", "https://evil.example")],
        vec![("sec-fetch-site", "cross-site")],
        vec![("origin", "null")],
    ] {
        let page = bob.post_with("/account/password", &fields, &headers).await;
        assert_eq!(page.status, 403, "{headers:?}");
        assert!(page.body.contains("another site"), "{}", page.body);
    }
    // Bob's password is unchanged, so the API still signs him in with it.
    let login = s
        .client
        .post("/api/v1/auth/login/")
        .body_json(&json!({"email": "bob@example.com", "password": "password123"}))
        .send()
        .await;
    assert_eq!(login.0.status().as_u16(), 200);

    // The right token, from the same site, as htmx sends it (a header).
    let page = bob
        .post_with(
            "/account/password",
            &fields[..3],
            &[
                ("x-csrf-token", &bob.token.clone()),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(
        (page.status, page.location()),
        (303, "/account?done=password"),
        "{}",
        page.body
    );
    s.close().await;
}

async fn what_people_type_comes_back_escaped(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    b.get("/sign-up").await;
    let page = b
        .post(
            "/sign-up",
            &[
                ("account_name", "<script>alert(1)</script>"),
                ("name", "<img src=x onerror=alert(2)>"),
                ("email", "ada@example.com"),
                ("password", "password123"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let account = b.get("/account").await;
    assert!(
        !account.body.contains("<script>alert(1)"),
        "{}",
        account.body
    );
    assert!(!account.body.contains("<img src=x"));
    assert!(
        account
            .body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || account.body.contains("&lt;script&gt;"),
        "{}",
        account.body
    );

    // A form sent back keeps what was typed, escaped, and never the password.
    let mut c = Browser::new(&s);
    c.get("/sign-up").await;
    let back = c
        .post(
            "/sign-up",
            &[
                ("account_name", "\"><b>bold</b>"),
                ("email", "not an email"),
                ("password", "secret-typed-here"),
            ],
        )
        .await;
    assert_eq!(back.status, 422, "{}", back.body);
    assert!(!back.body.contains("\"><b>bold"));
    assert!(!back.body.contains("secret-typed-here"));
    assert!(back.body.contains("aria-invalid=\"true\""));
    s.close().await;
}

async fn sign_in_only_follows_local_links(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    b.sign_up("ada@example.com", "Ada").await;
    b.post("/sign-out", &[]).await;
    for (next, expected) in [
        ("/account", "/account"),
        ("//evil.example/x", "/dashboard"),
        ("https://evil.example", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
    ] {
        b.get("/sign-in").await;
        let page = b
            .post(
                "/sign-in",
                &[
                    ("email", "ada@example.com"),
                    ("password", "password123"),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!((page.status, page.location()), (303, expected), "{next}");
        b.post("/sign-out", &[]).await;
    }
    s.close().await;
}

async fn a_wrong_password_keeps_the_email_and_says_why(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    b.sign_up("ada@example.com", "Ada").await;
    b.post("/sign-out", &[]).await;
    b.get("/sign-in").await;
    let page = b
        .post(
            "/sign-in",
            &[("email", "ada@example.com"), ("password", "wrong-password")],
        )
        .await;
    assert_eq!(page.status, 401);
    assert!(
        page.body.contains("Wrong email or password."),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"value="ada@example.com""#));
    assert!(!page.body.contains("wrong-password"));
    assert!(!b.cookies.contains_key("igny8_session"));
    s.close().await;
}

async fn a_password_change_signs_out_everywhere_else(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut here = Browser::new(&s);
    here.sign_up("ada@example.com", "Ada").await;
    let mut elsewhere = Browser::new(&s);
    elsewhere.get("/sign-in").await;
    elsewhere
        .post(
            "/sign-in",
            &[("email", "ada@example.com"), ("password", "password123")],
        )
        .await;
    assert_eq!(elsewhere.get("/account").await.status, 200);
    let login = s
        .client
        .post("/api/v1/auth/login/")
        .body_json(&json!({"email": "ada@example.com", "password": "password123"}))
        .send()
        .await;
    let tokens = crate::support::json(login).await;
    let refresh = tokens["data"]["refresh"].as_str().unwrap().to_owned();

    here.get("/account").await;
    // The two new passwords must match; nothing changes otherwise.
    let mismatch = here
        .post(
            "/account/password",
            &[
                ("current_password", "password123"),
                ("new_password", "a new password"),
                ("confirm_password", "another one"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, 422);
    assert!(
        mismatch.body.contains("New password again doesn"),
        "{}",
        mismatch.body
    );
    let wrong = here
        .post(
            "/account/password",
            &[
                ("current_password", "not it"),
                ("new_password", "a new password"),
                ("confirm_password", "a new password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(
        wrong.body.contains("Current password is wrong."),
        "{}",
        wrong.body
    );
    assert_eq!(
        elsewhere.get("/account").await.status,
        200,
        "nothing ended yet"
    );

    let done = here
        .post(
            "/account/password",
            &[
                ("current_password", "password123"),
                ("new_password", "a new password"),
                ("confirm_password", "a new password"),
            ],
        )
        .await;
    assert_eq!(
        (done.status, done.location()),
        (303, "/account?done=password")
    );
    let page = here.get("/account?done=password").await;
    assert_eq!(page.status, 200, "this browser stays signed in");
    assert!(page.body.contains("Your password was changed"));
    assert_eq!(
        elsewhere.get("/account").await.status,
        303,
        "the other browser is out"
    );
    let refreshed = s
        .client
        .post("/api/v1/auth/refresh/")
        .body_json(&json!({ "refresh": refresh }))
        .send()
        .await;
    assert_eq!(refreshed.0.status().as_u16(), 401, "API sessions end too");
    s.close().await;
}

async fn an_idle_session_ends(backend: Backend) {
    let Some(s) = server(backend, |settings| settings.web_session_idle_minutes = 30).await else {
        return;
    };
    let mut b = Browser::new(&s);
    b.sign_up("ada@example.com", "Ada").await;
    s.clock.advance(chrono::Duration::minutes(20));
    assert_eq!(b.get("/account").await.status, 200);
    s.clock.advance(chrono::Duration::minutes(20));
    assert_eq!(b.get("/account").await.status, 200, "used 20 minutes ago");
    s.clock.advance(chrono::Duration::minutes(31));
    let page = b.get("/account").await;
    assert_eq!(
        (page.status, page.location()),
        (303, "/sign-in?next=%2Faccount")
    );
    assert!(
        page.set_cookies()
            .iter()
            .any(|c| c.starts_with("igny8_session=;") && c.contains("Max-Age=0")),
        "the dead cookie is forgotten"
    );
    s.close().await;
}

async fn the_web_and_the_api_share_rate_limits(backend: Backend) {
    let Some(s) = server(backend, |settings| settings.rate_limits.auth = 3).await else {
        return;
    };
    for _ in 0..3 {
        s.client
            .post("/api/v1/auth/login/")
            .body_json(&json!({"email": "nobody@example.com", "password": "x"}))
            .send()
            .await;
    }
    let mut b = Browser::new(&s);
    b.get("/sign-in").await;
    let page = b
        .post(
            "/sign-in",
            &[("email", "nobody@example.com"), ("password", "x")],
        )
        .await;
    assert_eq!(page.status, 429, "{}", page.body);
    assert!(page.headers.contains_key("retry-after"));
    assert!(page.body.contains("Too many requests"), "{}", page.body);
    s.close().await;
}

async fn pages_have_security_headers_and_errors_are_pages(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let page = b.get("/sign-in").await;
    assert_eq!(page.status, 200);
    let header = |p: &Page, name: &str| {
        p.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    assert!(header(&page, "content-security-policy").contains("script-src 'self'"));
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    assert_eq!(header(&page, "cache-control"), "no-store");
    assert!(header(&page, "content-type").starts_with("text/html"));

    // Every file the page links to is served, cached for good, with its type.
    let mut linked = 0;
    for (attr, kind) in [
        ("href=\"/static/", "text/css"),
        ("src=\"/static/", "text/javascript"),
    ] {
        for part in page.body.split(attr).skip(1) {
            let path = format!("/static/{}", &part[..part.find('"').unwrap()]);
            let file = b.get(&path).await;
            assert_eq!(file.status, 200, "{path}");
            assert!(
                header(&file, "cache-control").contains("immutable"),
                "{path}"
            );
            if path.ends_with(".css") || path.ends_with(".js") {
                assert!(
                    header(&file, "content-type").starts_with(kind) || path.ends_with(".svg"),
                    "{path}"
                );
            }
            linked += 1;
        }
    }
    assert!(linked >= 4, "css, favicon, htmx, app.js: {linked}");
    assert_eq!(b.get("/static/app.0000000000000000.css").await.status, 404);

    // An unknown page is a page; the API's errors stay JSON.
    let missing = b.get("/no/such/page").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Page not found"), "{}", missing.body);
    assert!(header(&missing, "content-type").starts_with("text/html"));
    let api = b.get("/api/v1/no/such").await;
    assert_eq!(api.status, 404);
    assert!(api.body.starts_with('{'), "{}", api.body);
    assert!(header(&api, "content-security-policy").is_empty());
    // A method a page doesn't take.
    let wrong = b.post("/dashboard", &[]).await;
    assert_eq!(wrong.status, 405);
    assert!(wrong.body.contains("Not allowed here"), "{}", wrong.body);
    s.close().await;
}

/// Signs `b` up and returns an API token for the same account, with a site and a sector
/// holding `csv`'s keywords.
async fn account_with_keywords(
    s: &Server,
    b: &mut Browser<'_>,
    email: &str,
    csv: &str,
) -> (String, i64) {
    b.sign_up(email, "Keywords").await;
    let token = api_token(s, email).await;
    let (_, sector) = crate::site_and_sector(s, &token).await;
    let resp = s
        .client
        .post(format!(
            "/api/v1/planner/keywords/import/?sector_id={sector}"
        ))
        .header("authorization", format!("Bearer {token}"))
        .content_type("text/csv")
        .body(csv.to_owned())
        .send()
        .await;
    assert_eq!(resp.0.status().as_u16(), 200);
    (token, sector)
}

/// An API access token for `email` (password `password123`).
async fn api_token(s: &Server, email: &str) -> String {
    let login = s
        .client
        .post("/api/v1/auth/login/")
        .body_json(&json!({"email": email, "password": "password123"}))
        .send()
        .await;
    crate::support::json(login).await["data"]["access"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Adds `email` (password `password123`) to the account of `token` with `role`.
async fn add_member(s: &Server, token: &str, email: &str, role: &str) {
    let (status, body) = s
        .send(
            "POST",
            token,
            "/api/v1/auth/users/",
            json!({"email": email, "password": "password123", "role": role}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

/// `n` keywords "coffee grinder k" with volume k*10.
fn grinders(n: u32) -> String {
    let mut csv = String::from("keyword,volume,difficulty\n");
    for k in 1..=n {
        csv.push_str(&format!("coffee grinder {k},{},{}\n", k * 10, k % 100));
    }
    csv
}

/// The keyword ids of a page, in the order shown.
fn shown(body: &str) -> Vec<i64> {
    body.match_indices("<tr id=\"keyword-")
        .map(|(at, m)| {
            let rest = &body[at + m.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

async fn keyword_ids(s: &Server, token: &str, query: &str) -> Vec<(i64, String, Value)> {
    let (_, page) = s
        .get(
            token,
            &format!("/api/v1/planner/keywords/?page_size=1000&{query}"),
        )
        .await;
    page["data"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["id"].as_i64().unwrap(),
                k["keyword"].as_str().unwrap().to_owned(),
                k.clone(),
            )
        })
        .collect()
}

async fn the_keyword_list_filters_sorts_pages_and_downloads(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let mut csv = grinders(60);
    csv.push_str("espresso machine,5000,40\n");
    let (token, _) = account_with_keywords(&s, &mut b, "kw@example.com", &csv).await;

    let first = b.get("/planner/keywords").await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains("1–50 of 61 keywords"), "{}", first.body);
    assert_eq!(shown(&first.body).len(), 50);
    assert!(first.body.contains(r#"href="/planner/keywords?page=2""#));
    assert!(
        first.body.contains(r#"aria-current="page">Keywords<"#),
        "the menu marks the page"
    );

    let second = b.get("/planner/keywords?page=2").await;
    assert!(
        second.body.contains("51–61 of 61 keywords"),
        "{}",
        second.body
    );
    assert_eq!(shown(&second.body).len(), 11);

    // Largest volume first: the espresso machine (5000), then grinder 60 (600).
    let by_volume = b.get("/planner/keywords?order=-volume").await;
    let ids = shown(&by_volume.body);
    let all = keyword_ids(&s, &token, "").await;
    let id_of = |name: &str| all.iter().find(|(_, k, _)| k == name).unwrap().0;
    assert_eq!(
        ids[..2],
        [id_of("espresso machine"), id_of("coffee grinder 60")]
    );
    assert!(by_volume.body.contains(r#"aria-sort="descending""#));

    // Filters narrow; the filter form keeps what was chosen.
    let search = b.get("/planner/keywords?search=espresso&status=").await;
    assert_eq!(shown(&search.body), [id_of("espresso machine")]);
    assert!(search.body.contains(r#"type="search" value="espresso""#));
    let range = b
        .get("/planner/keywords?min_volume=100&max_volume=150")
        .await;
    assert_eq!(shown(&range.body).len(), 6, "grinders 10 to 15");
    let none = b.get("/planner/keywords?status=archived").await;
    assert!(none.body.contains("No keyword matches these filters."));
    assert!(none.body.contains("Clear filters"));
    // A filter it can't read is a page that says so, not a crash.
    let bad = b.get("/planner/keywords?min_volume=lots").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Clear the filters"), "{}", bad.body);
    let bad_order = b.get("/planner/keywords?order=colour").await;
    assert_eq!(bad_order.status, 400, "{}", bad_order.body);
    assert!(
        bad_order
            .body
            .contains("expected one of: id, keyword, volume")
    );

    // Past the numbered pages the list goes on by cursor, as the API's does.
    let (_, api_page) = s
        .get(&token, "/api/v1/planner/keywords/?page_size=50&cursor=")
        .await;
    let next = api_page["data"]["next"].as_str().unwrap();
    let cursor = &next[next.find("cursor=").unwrap()..];
    let cursor = cursor.split('&').next().unwrap();
    let deep = b.get(&format!("/planner/keywords?{cursor}")).await;
    assert_eq!(shown(&deep.body).len(), 11, "{}", deep.body);
    assert!(deep.body.contains("First page"));

    // `page` is checked beside a cursor too, and `cursor=&page=2` starts the scan on page 2.
    let (status, body) = s
        .get(
            &token,
            "/api/v1/planner/keywords/?cursor=&page=136277715282311776",
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = s
        .get(
            &token,
            &format!("/api/v1/planner/keywords/?{cursor}&page=0"),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = s
        .get(
            &token,
            &format!("/api/v1/planner/keywords/?{cursor}&page=3"),
        )
        .await;
    assert_eq!(
        status, 200,
        "a page number beside a cursor is ignored: {body}"
    );
    let (_, second) = s
        .get(&token, "/api/v1/planner/keywords/?page_size=50&page=2")
        .await;
    let (_, scan) = s
        .get(
            &token,
            "/api/v1/planner/keywords/?page_size=50&page=2&cursor=",
        )
        .await;
    assert_eq!(
        scan["data"]["results"][0]["id"],
        second["data"]["results"][0]["id"]
    );
    assert!(scan["data"]["count"].is_null(), "{scan}");

    // The dashboard draws the keywords as charts, each with its numbers as a table.
    let dashboard = b.get("/dashboard").await;
    for title in [
        "From keywords to published articles",
        "Keywords by status",
        "Keywords by search intent",
    ] {
        assert!(
            dashboard.body.contains(&format!(">{title}</title>")),
            "{title}: {}",
            dashboard.body
        );
    }
    assert!(dashboard.body.contains(r#"role="img""#));
    assert!(
        dashboard
            .body
            .contains("<td>Pending</td><td class=\"num\">61</td>"),
        "{}",
        dashboard.body
    );
    assert!(
        !dashboard.body.contains("style="),
        "no inline styles (the CSP forbids them)"
    );

    // The download holds exactly the filtered list.
    let csv = b
        .get("/planner/keywords/export?search=grinder+1&order=-volume")
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "keyword,volume,difficulty,cpc,intent,status,cluster"
    );
    // grinder 1, 10–19
    assert_eq!(lines.len() - 1, 11, "{}", csv.body);
    assert!(lines[1..].iter().all(|l| l.starts_with("coffee grinder 1")));
    s.close().await;
}

async fn bulk_actions_and_edits_change_only_what_was_asked(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, _) = account_with_keywords(&s, &mut b, "bulk@example.com", &grinders(5)).await;
    let all = keyword_ids(&s, &token, "ordering=id").await;
    let ids: Vec<String> = all.iter().map(|(id, _, _)| id.to_string()).collect();
    b.get("/planner/keywords").await;

    // Archive two, from a filtered list, and come back to it.
    let back = "/planner/keywords?search=grinder";
    let done = b
        .post(
            "/planner/keywords/bulk-update",
            &[
                ("action", "archive"),
                ("ids", &ids[0]),
                ("ids", &ids[1]),
                ("back", back),
            ],
        )
        .await;
    assert_eq!(
        (done.status, done.location()),
        (
            303,
            "/planner/keywords?search=grinder&done=keywords-changed&n=2"
        )
    );
    let page = b.get(done.location()).await;
    assert!(page.body.contains("2 keywords changed."), "{}", page.body);
    let archived = keyword_ids(&s, &token, "status=archived").await;
    assert_eq!(archived.len(), 2);

    // Nothing selected: a message, nothing changed.
    let none = b
        .post(
            "/planner/keywords/bulk-update",
            &[("action", "archive"), ("back", back)],
        )
        .await;
    let page = b.get(none.location()).await;
    assert!(
        page.body
            .contains("Nothing was selected: tick the box of each row first."),
        "{}",
        page.body
    );

    // A bulk action the core refuses changes nothing and says why, on the list.
    let refused = b
        .post(
            "/planner/keywords/bulk-update",
            &[
                ("action", "move"),
                ("cluster_id", "999999"),
                ("ids", &ids[2]),
                ("back", back),
            ],
        )
        .await;
    assert_eq!(refused.status / 100, 4, "{}", refused.body);
    assert!(
        refused.body.contains("Nothing was changed."),
        "{}",
        refused.body
    );
    assert_eq!(keyword_ids(&s, &token, "has_cluster=true").await.len(), 0);

    // Moving into a cluster is offered once the list shows one sector (clusters are per sector).
    let sector = all[0].2["sector_id"].to_string();
    let (status, cluster) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/clusters/",
            json!({"sector_id": all[0].2["sector_id"], "name": "Grinders"}),
        )
        .await;
    assert_eq!(status, 201, "{cluster}");
    let cluster = cluster["data"]["id"].to_string();
    assert!(!b.get("/planner/keywords").await.body.contains("to cluster"));
    let in_sector = format!("/planner/keywords?sector_id={sector}");
    let page = b.get(&in_sector).await;
    assert!(
        page.body
            .contains(&format!(r#"<option value="{cluster}">Grinders</option>"#)),
        "{}",
        page.body
    );
    let moved = b
        .post(
            "/planner/keywords/bulk-update",
            &[
                ("action", "move"),
                ("cluster_id", &cluster),
                ("ids", &ids[2]),
                ("ids", &ids[3]),
                ("back", &in_sector),
            ],
        )
        .await;
    assert!(
        moved.location().ends_with("done=keywords-changed&n=2"),
        "{}",
        moved.location()
    );
    let clustered = keyword_ids(&s, &token, "has_cluster=true").await;
    assert_eq!(clustered.len(), 2);
    assert!(clustered.iter().all(|k| k.2["status"] == "clustered"));
    let page = b.get(moved.location()).await;
    assert!(
        page.body.contains(&format!(
            r#"<a href="/planner/keywords?cluster_id={cluster}" hx-boost="false">Grinders</a>"#
        )),
        "the cluster is named and leads to its keywords"
    );
    b.post(
        "/planner/keywords/bulk-update",
        &[("action", "uncluster"), ("ids", &ids[2]), ("ids", &ids[3])],
    )
    .await;
    assert_eq!(keyword_ids(&s, &token, "has_cluster=true").await.len(), 0);

    // Delete, with the selection.
    let deleted = b
        .post(
            "/planner/keywords/bulk-delete",
            &[("action", "delete"), ("ids", &ids[4]), ("back", back)],
        )
        .await;
    assert!(
        deleted.location().ends_with("done=keywords-deleted&n=1"),
        "{}",
        deleted.location()
    );
    assert_eq!(keyword_ids(&s, &token, "").await.len(), 4);

    // Edit: a word where a number goes is sent back beside its field, and nothing is saved.
    let id = &ids[2];
    let edit = b
        .get(&format!(
            "/planner/keywords/{id}/edit?back=%2Fplanner%2Fkeywords"
        ))
        .await;
    assert_eq!(edit.status, 200);
    assert!(
        edit.body.contains(r#"value="coffee grinder 3""#),
        "{}",
        edit.body
    );
    let wrong = b
        .post(
            &format!("/planner/keywords/{id}"),
            &[
                ("keyword", "coffee grinder 3"),
                ("volume", "lots"),
                ("difficulty", "7"),
                ("cpc", ""),
                ("intent", ""),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(
        wrong
            .body
            .contains("Monthly volume must be a whole number, like 1200."),
        "{}",
        wrong.body
    );
    assert!(
        wrong.body.contains(r#"value="lots""#),
        "what was typed is kept"
    );
    let (_, k) = s
        .get(&token, &format!("/api/v1/planner/keywords/{id}/"))
        .await;
    assert_eq!(k["data"]["volume"], 30);

    // The same edit in place (htmx): the row comes back, not a page.
    let saved = b
        .post_with(
            &format!("/planner/keywords/{id}"),
            &[
                ("keyword", "Burr grinder"),
                ("volume", "1,200"),
                ("difficulty", ""),
                ("cpc", "0.75"),
                ("intent", "commercial"),
            ],
            &[("hx-request", "true")],
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(
        saved.body.starts_with(&format!("<tr id=\"keyword-{id}\"")),
        "{}",
        saved.body
    );
    assert!(saved.body.contains("Burr grinder") && saved.body.contains("1,200"));
    let (_, k) = s
        .get(&token, &format!("/api/v1/planner/keywords/{id}/"))
        .await;
    assert_eq!(
        (
            &k["data"]["keyword"],
            &k["data"]["volume"],
            &k["data"]["difficulty"],
            &k["data"]["intent"]
        ),
        (
            &json!("Burr grinder"),
            &json!(1200),
            &Value::Null,
            &json!("commercial")
        )
    );

    // Adding: a missing sector and text are named beside their fields.
    let add = b
        .post("/planner/keywords", &[("sector_id", ""), ("keyword", "")])
        .await;
    assert_eq!(add.status, 422);
    assert!(add.body.contains("Sector must be chosen."), "{}", add.body);
    let add = b
        .post(
            "/planner/keywords",
            &[
                ("sector_id", &sector),
                ("keyword", "hand grinder"),
                ("volume", "90"),
            ],
        )
        .await;
    assert_eq!(
        (add.status, add.location()),
        (303, "/planner/keywords?done=keyword-added")
    );
    assert_eq!(keyword_ids(&s, &token, "search=hand").await.len(), 1);

    // Another account's keyword: not found, whatever the route.
    let mut eve = Browser::new(&s);
    eve.sign_up("eve@example.com", "Eve").await;
    eve.get("/planner/keywords").await;
    assert_eq!(
        eve.get(&format!("/planner/keywords/{id}/edit"))
            .await
            .status,
        404
    );
    let forged = eve
        .post(
            &format!("/planner/keywords/{id}"),
            &[("keyword", "mine now"), ("volume", "1")],
        )
        .await;
    assert_eq!(forged.status, 404);
    let bulk = eve
        .post(
            "/planner/keywords/bulk-delete",
            &[("action", "delete"), ("ids", id)],
        )
        .await;
    assert!(bulk.location().ends_with("n=0"), "{}", bulk.location());
    let (status, _) = s
        .get(&token, &format!("/api/v1/planner/keywords/{id}/"))
        .await;
    assert_eq!(status, 200, "still there");
    s.close().await;
}

async fn all_matching_keywords_change_on_every_page_as_counted(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, _) = account_with_keywords(&s, &mut b, "matching@example.com", &grinders(60)).await;
    // Volume 300 and up: grinders 30–60, 31 keywords, more than a page of 25.
    let list = "/planner/keywords?min_volume=300&page_size=25";
    let page = b.get(list).await;
    assert!(
        page.body.contains(r#"name="matching" value="31""#)
            && page.body.contains("all 31 keywords matching the filters"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(
            r#"data-confirm-matching="Delete all 31 keywords matching the filters? This can't be undone.""#
        ),
        "deleting all asks with the number: {}",
        page.body
    );
    // When the page shows every match, ticking them all is enough: no extra choice.
    let whole = b.get("/planner/keywords?min_volume=300").await;
    assert!(!whole.body.contains(r#"name="matching""#), "{}", whole.body);

    // Another number than matches now (someone imported meanwhile): refused, nothing changed.
    let stale = b
        .post(
            "/planner/keywords/bulk-update",
            &[("action", "archive"), ("matching", "30"), ("back", list)],
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(
        stale.body.contains("Nothing was changed.")
            && stale
                .body
                .contains("31 keywords match now, not the 30 you saw"),
        "{}",
        stale.body
    );
    assert!(keyword_ids(&s, &token, "status=archived").await.is_empty());

    // The number shown: every match changes, on every page, and nothing else.
    let done = b
        .post(
            "/planner/keywords/bulk-update",
            &[("action", "archive"), ("matching", "31"), ("back", list)],
        )
        .await;
    assert!(
        done.location().ends_with("done=keywords-changed&n=31"),
        "{} {}",
        done.status,
        done.location()
    );
    let archived = keyword_ids(&s, &token, "status=archived").await;
    assert_eq!(archived.len(), 31);
    assert!(
        archived
            .iter()
            .all(|k| k.2["volume"].as_i64().unwrap() >= 300)
    );
    assert_eq!(keyword_ids(&s, &token, "status=pending").await.len(), 29);

    // Auto Cluster works on ticked keywords only, and says so.
    let auto = b
        .post(
            "/planner/keywords/auto-cluster",
            &[("action", "auto"), ("matching", "31"), ("back", list)],
        )
        .await;
    assert_eq!(auto.status, 422, "{}", auto.body);
    assert!(
        auto.body.contains("Auto Cluster takes the keywords ticked"),
        "{}",
        auto.body
    );

    // Delete all matching a filter; the others stay.
    let archived_list = "/planner/keywords?status=archived&page_size=25";
    let deleted = b
        .post(
            "/planner/keywords/bulk-delete",
            &[
                ("action", "delete"),
                ("matching", "31"),
                ("back", archived_list),
            ],
        )
        .await;
    assert!(
        deleted.location().ends_with("done=keywords-deleted&n=31"),
        "{} {}",
        deleted.status,
        deleted.body
    );
    assert_eq!(keyword_ids(&s, &token, "").await.len(), 29);
    // A number that isn't one is a plain error, not a change.
    let bad = b
        .post(
            "/planner/keywords/bulk-delete",
            &[
                ("action", "delete"),
                ("matching", "all"),
                ("back", "/planner/keywords"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(keyword_ids(&s, &token, "").await.len(), 29);
    s.close().await;
}

async fn a_viewer_sees_keywords_without_write_controls_and_cannot_write(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut owner = Browser::new(&s);
    let (token, sector) =
        account_with_keywords(&s, &mut owner, "owner@example.com", "keyword\nplain\n").await;
    let (status, body) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/",
            json!({"sector_id": sector, "keyword": "<script>alert(1)</script>"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let owner_page = owner.get("/planner/keywords").await;
    assert!(owner_page.body.contains(r#"name="ids""#) && owner_page.body.contains("Add a keyword"));
    // What was typed comes back as text.
    assert!(
        owner_page
            .body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{}",
        owner_page.body
    );
    assert!(!owner_page.body.contains("<script>alert(1)"));
    let searched = owner
        .get("/planner/keywords?search=%22%3E%3Cscript%3Ex")
        .await;
    assert!(!searched.body.contains("\"><script>x"), "{}", searched.body);

    add_member(&s, &token, "viewer@example.com", "viewer").await;
    let mut viewer = Browser::new(&s);
    viewer.sign_in("viewer@example.com", "password123").await;
    let page = viewer.get("/planner/keywords").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("&#60;script&#62;"),
        "the viewer reads the list"
    );
    for control in [r#"name="ids""#, "Add a keyword", ">Edit<", "bulk-delete"] {
        assert!(!page.body.contains(control), "a viewer sees {control}");
    }
    let id = keyword_ids(&s, &token, "").await[0].0.to_string();
    assert_eq!(
        viewer
            .get(&format!("/planner/keywords/{id}/edit"))
            .await
            .status,
        403
    );
    for (path, fields) in [
        (
            "/planner/keywords/bulk-delete".to_owned(),
            vec![("action", "delete"), ("ids", id.as_str())],
        ),
        (
            "/planner/keywords/bulk-update".to_owned(),
            vec![("action", "archive"), ("ids", id.as_str())],
        ),
        (
            format!("/planner/keywords/{id}"),
            vec![("keyword", "changed")],
        ),
        (
            "/planner/keywords".to_owned(),
            vec![("keyword", "new"), ("sector_id", "1")],
        ),
    ] {
        let forged = viewer.post(&path, &fields).await;
        assert_eq!(forged.status, 403, "{path}: {}", forged.body);
    }
    let left = keyword_ids(&s, &token, "").await;
    assert_eq!(left.len(), 2);
    assert!(left.iter().all(|k| k.2["status"] == "pending"));
    s.close().await;
}

/// The id at the end of a `/sites/{id}?…` redirect.
fn site_id_in(location: &str) -> String {
    location
        .trim_start_matches("/sites/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

async fn sites_and_sectors_are_made_changed_and_deleted(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    b.sign_up("sites@example.com", "Sites").await;
    let token = api_token(&s, "sites@example.com").await;
    let empty = b.get("/sites").await;
    assert!(empty.body.contains("No sites yet."), "{}", empty.body);

    // Problems beside their fields; nothing made.
    let bad = b
        .post(
            "/sites",
            &[("name", " "), ("url", "not an address"), ("industry", "")],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains(r#"id="add-e-name""#) && bad.body.contains(r#"id="add-e-url""#));
    assert!(
        bad.body.contains(r#"value="not an address""#),
        "what was typed is kept"
    );
    let (_, sites) = s.get(&token, "/api/v1/auth/sites/").await;
    assert_eq!(sites["data"]["count"], 0);

    let made = b
        .post(
            "/sites",
            &[
                ("name", "Kitchen blog"),
                ("url", "https://kitchen.example"),
                ("industry", "Food"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let site = site_id_in(made.location());
    let page = b.get(made.location()).await;
    assert!(page.body.contains("Site added."), "{}", page.body);
    assert!(page.body.contains("No sectors yet."));

    // Sectors: add, rename, delete.
    let added = b
        .post(
            &format!("/sites/{site}/sectors"),
            &[("name", "Coffee"), ("description", "")],
        )
        .await;
    assert_eq!(added.location(), format!("/sites/{site}?done=sector-added"));
    let (_, sectors) = s
        .get(&token, &format!("/api/v1/auth/sectors/?site_id={site}"))
        .await;
    let sector = sectors["data"]["results"][0]["id"].to_string();
    let page = b.get(&format!("/sites/{site}")).await;
    assert!(
        page.body
            .contains(&format!(r#"href="/planner/keywords?sector_id={sector}""#))
    );
    let edit = b.get(&format!("/sites/{site}/sectors/{sector}/edit")).await;
    assert!(edit.body.contains(r#"value="Coffee""#), "{}", edit.body);
    let saved = b
        .post(
            &format!("/sites/{site}/sectors/{sector}"),
            &[
                ("name", "Espresso"),
                ("description", "Machines"),
                ("is_active", "on"),
            ],
        )
        .await;
    assert_eq!(saved.location(), format!("/sites/{site}?done=sector-saved"));
    let (_, got) = s
        .get(&token, &format!("/api/v1/auth/sectors/{sector}/"))
        .await;
    assert_eq!(
        (&got["data"]["name"], &got["data"]["description"]),
        (&json!("Espresso"), &json!("Machines"))
    );

    // The site's details; an unticked box is "no".
    let saved = b
        .post(
            &format!("/sites/{site}"),
            &[("name", "Kitchen"), ("url", ""), ("industry", "Food")],
        )
        .await;
    assert_eq!(saved.location(), format!("/sites/{site}?done=site-saved"));
    let (_, got) = s.get(&token, &format!("/api/v1/auth/sites/{site}/")).await;
    assert_eq!(
        (
            &got["data"]["name"],
            &got["data"]["url"],
            &got["data"]["is_active"]
        ),
        (&json!("Kitchen"), &Value::Null, &json!(false))
    );

    // WordPress: a private address is refused in words; the password is never shown back.
    let refused = b
        .post(
            &format!("/sites/{site}/wordpress"),
            &[
                ("url", "http://127.0.0.1:9/"),
                ("username", "editor"),
                ("application_password", "abcd efgh ijkl"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(
        refused.body.contains("private or local address"),
        "{}",
        refused.body
    );
    assert!(
        !refused.body.contains("Forbidden:"),
        "the page's heading says it; the sentence doesn't repeat the label"
    );
    assert!(
        !refused.body.contains("abcd efgh"),
        "the password isn't echoed"
    );
    let connected = b
        .post(
            &format!("/sites/{site}/wordpress"),
            &[
                ("url", "https://wordpress.invalid"),
                ("username", "editor"),
                ("application_password", "abcd efgh ijkl mnop"),
            ],
        )
        .await;
    assert_eq!(
        connected.location(),
        format!("/sites/{site}?done=wordpress-connected")
    );
    let page = b.get(connected.location()).await;
    assert!(page.body.contains("https://wordpress.invalid") && page.body.contains("••••"));
    assert!(
        !page.body.contains("abcd efgh"),
        "the password is never shown again"
    );
    // A connection that can't be made is explained on the page, not as an error page.
    let tested = b.post(&format!("/sites/{site}/test-connection"), &[]).await;
    assert_eq!(tested.status, 200, "{}", tested.body);
    assert!(
        tested.body.contains("The connection didn't work."),
        "{}",
        tested.body
    );
    assert!(
        tested.body.contains("couldn&#39;t be reached"),
        "{}",
        tested.body
    );
    for internal in [
        "os error",
        "tcp connect",
        "dns error",
        "/work/",
        "src/",
        "(http_",
    ] {
        assert!(
            !tested.body.contains(internal),
            "{internal} in {}",
            tested.body
        );
    }
    let gone = b
        .post(&format!("/sites/{site}/wordpress/disconnect"), &[])
        .await;
    assert_eq!(
        gone.location(),
        format!("/sites/{site}?done=wordpress-disconnected")
    );
    let (_, got) = s.get(&token, &format!("/api/v1/auth/sites/{site}/")).await;
    assert!(got["data"]["wordpress_url"].is_null(), "{got}");

    // Someone who may write but not manage (an editor) reads the site and changes nothing.
    add_member(&s, &token, "ed@example.com", "editor").await;
    let mut ed = Browser::new(&s);
    ed.sign_in("ed@example.com", "password123").await;
    let page = ed.get(&format!("/sites/{site}")).await;
    assert_eq!(page.status, 200);
    for control in [
        "Add a sector",
        "Connect WordPress",
        "Delete site",
        r#"name="ids""#,
        "Add a site",
    ] {
        assert!(!page.body.contains(control), "an editor sees {control}");
    }
    assert!(!ed.get("/sites").await.body.contains("Add a site"));
    let forged = ed
        .post(&format!("/sites/{site}/sectors"), &[("name", "Mine")])
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    let forged = ed.post("/sites/bulk-delete", &[("ids", &site)]).await;
    assert_eq!(forged.status, 403, "{}", forged.body);

    // Another account finds nothing.
    let mut eve = Browser::new(&s);
    eve.sign_up("eve-sites@example.com", "Eve").await;
    assert_eq!(eve.get(&format!("/sites/{site}")).await.status, 404);
    eve.get("/sites").await;
    assert_eq!(
        eve.get(&format!("/sites/{site}/sectors/{sector}/edit"))
            .await
            .status,
        404
    );
    let forged = eve
        .post(
            &format!("/sites/{site}/sectors/{sector}"),
            &[("name", "Eve's")],
        )
        .await;
    assert_eq!(forged.status, 404);

    // Delete the sector, then the site.
    let deleted = b
        .post(
            "/sites/sectors/bulk-delete",
            &[("ids", &sector), ("back", &format!("/sites/{site}"))],
        )
        .await;
    assert_eq!(
        deleted.location(),
        format!("/sites/{site}?done=sectors-deleted&n=1")
    );
    let deleted = b.post("/sites/bulk-delete", &[("ids", &site)]).await;
    assert_eq!(deleted.location(), "/sites?done=sites-deleted&n=1");
    assert!(
        b.get(deleted.location())
            .await
            .body
            .contains("1 site deleted.")
    );
    s.close().await;
}

/// Every write route of the web app, tried by a viewer with a valid form token: each is
/// refused (403) and nothing changes. New routes are covered as they are added to the table.
async fn a_viewer_is_refused_every_write_route(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut owner = Browser::new(&s);
    let (token, sector) =
        account_with_keywords(&s, &mut owner, "matrix@example.com", &grinders(2)).await;
    let keyword = keyword_ids(&s, &token, "").await[0].0.to_string();
    let (_, got) = s
        .get(&token, &format!("/api/v1/auth/sectors/{sector}/"))
        .await;
    let site = got["data"]["site_id"].to_string();
    let (status, cluster) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/clusters/",
            json!({"sector_id": sector, "name": "Grinders"}),
        )
        .await;
    assert_eq!(status, 201, "{cluster}");
    let cluster = cluster["data"]["id"].to_string();
    let (status, idea) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/ideas/",
            json!({"sector_id": sector, "title": "An idea"}),
        )
        .await;
    assert_eq!(status, 201, "{idea}");
    let idea = idea["data"]["id"].to_string();
    let (status, article) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/content/",
            json!({"sector_id": sector, "title": "An article", "html": "<p>Text</p>"}),
        )
        .await;
    assert_eq!(status, 201, "{article}");
    let article = article["data"]["id"].to_string();
    let (status, image) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/images/",
            json!({"sector_id": sector, "kind": "featured", "position": 0, "prompt": "A kettle"}),
        )
        .await;
    assert_eq!(status, 201, "{image}");
    let image = image["data"]["id"].to_string();
    let (status, task) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/tasks/",
            json!({"sector_id": sector, "title": "A task"}),
        )
        .await;
    assert_eq!(status, 201, "{task}");
    let task = task["data"]["id"].to_string();
    let (status, rule) = s
        .send(
            "POST",
            &token,
            "/api/v1/automation/rules/",
            json!({"site_id": got["data"]["site_id"], "name": "Nightly", "stages": ["cluster"],
                   "cluster_mode": "local", "every_hours": 24, "timezone": "UTC"}),
        )
        .await;
    assert_eq!(status, 201, "{rule}");
    let rule = rule["data"]["id"].to_string();
    let (status, run) = s
        .send(
            "POST",
            &token,
            &format!("/api/v1/automation/rules/{rule}/run/"),
            json!({}),
        )
        .await;
    assert_eq!(status, 202, "{run}");
    let run = run["data"]["id"].to_string();
    let sector = sector.to_string();
    add_member(&s, &token, "v@example.com", "viewer").await;
    let mut viewer = Browser::new(&s);
    viewer.sign_in("v@example.com", "password123").await;
    viewer.get("/dashboard").await;

    let before = (
        s.get(&token, "/api/v1/planner/keywords/").await.1["data"].clone(),
        s.get(&token, "/api/v1/auth/sectors/").await.1["data"].clone(),
        s.get(&token, "/api/v1/auth/sites/").await.1["data"].clone(),
        s.get(&token, "/api/v1/planner/clusters/").await.1["data"].clone(),
        s.get(&token, "/api/v1/planner/ideas/").await.1["data"].clone(),
        s.get(&token, "/api/v1/writer/content/").await.1["data"].clone(),
        s.get(&token, "/api/v1/writer/images/").await.1["data"].clone(),
        s.get(&token, "/api/v1/automation/rules/").await.1["data"].clone(),
        s.get(&token, "/api/v1/automation/runs/").await.1["data"]["count"].clone(),
        s.get(&token, "/api/v1/writer/tasks/").await.1["data"].clone(),
    );
    let mut tried = 0;
    for route in igny8_server::web::routes() {
        // A viewer may change their own password, test a site's WordPress connection and
        // see what an AI run would cost (they read; the core allows every role), as through
        // the API.
        let own = matches!(route.mirror, igny8_server::web::Mirror::Api(_, path)
            if path.starts_with("/auth/me/") || path.ends_with("/test_connection/")
                || path == "/billing/estimate/");
        if route.method != poem::http::Method::POST
            || route.access != igny8_server::web::session::Access::SignedIn
            || own
        {
            continue;
        }
        // The id a path takes: what the route is about.
        let id = if route.path.contains("sectors") {
            &sector
        } else if route.path.starts_with("/sites") {
            &site
        } else if route.path.starts_with("/planner/clusters") {
            &cluster
        } else if route.path.starts_with("/planner/ideas") {
            &idea
        } else if route.path.starts_with("/writer/content") {
            &article
        } else if route.path.starts_with("/writer/images") {
            &image
        } else if route.path.starts_with("/writer/tasks") {
            &task
        } else if route.path.starts_with("/automation/rules") {
            &rule
        } else if route.path.starts_with("/automation/runs") {
            &run
        } else {
            &keyword
        };
        let path = route
            .path
            .replace(":site", &site)
            .replace(":id", id)
            .replace(":provider", "openai")
            .replace(":type", "content");
        // The action a route takes (people are deactivated, not archived).
        let action = if path.starts_with("/team") {
            "deactivate"
        } else {
            "archive"
        };
        let fields = [
            ("ids", id.as_str()),
            ("action", action),
            ("into", id.as_str()),
            ("title", "Changed"),
            ("content_type", "post"),
            ("content_structure", "article"),
            ("name", "Changed"),
            ("keyword", "changed"),
            ("sector_id", sector.as_str()),
            ("volume", "1"),
            ("url", "https://example.com"),
            ("username", "u"),
            ("application_password", "p"),
            ("is_active", "on"),
        ];
        // The upload takes a file form; the rest take plain forms.
        let page = if path == "/planner/keywords/import" {
            let csrf = viewer.token.clone();
            viewer
                .upload(
                    &path,
                    &[
                        ("csrf_token", None, &csrf),
                        ("sector_id", None, &sector),
                        ("file", Some("k.csv"), "keyword\nfrom a viewer\n"),
                    ],
                )
                .await
        } else {
            viewer.post(&path, &fields).await
        };
        assert_eq!(page.status, 403, "a viewer's POST {path}: {}", page.body);
        tried += 1;
    }
    assert!(tried >= 10, "only {tried} write routes tried");
    let after = (
        s.get(&token, "/api/v1/planner/keywords/").await.1["data"].clone(),
        s.get(&token, "/api/v1/auth/sectors/").await.1["data"].clone(),
        s.get(&token, "/api/v1/auth/sites/").await.1["data"].clone(),
        s.get(&token, "/api/v1/planner/clusters/").await.1["data"].clone(),
        s.get(&token, "/api/v1/planner/ideas/").await.1["data"].clone(),
        s.get(&token, "/api/v1/writer/content/").await.1["data"].clone(),
        s.get(&token, "/api/v1/writer/images/").await.1["data"].clone(),
        s.get(&token, "/api/v1/automation/rules/").await.1["data"].clone(),
        s.get(&token, "/api/v1/automation/runs/").await.1["data"]["count"].clone(),
        s.get(&token, "/api/v1/writer/tasks/").await.1["data"].clone(),
    );
    assert_eq!(before, after, "nothing changed");
    s.close().await;
}

async fn a_large_keyword_file_imports_in_the_background(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, sector) =
        account_with_keywords(&s, &mut b, "large@example.com", "keyword\nburr grinder\n").await;
    let sector = sector.to_string();
    // Over 2 MB: some 70,000 keywords and one bad line.
    let mut file = String::from("keyword,volume\n");
    let rows = 70_000;
    for i in 0..rows {
        file.push_str(&format!("large import keyword {i:06},{}\n", i % 5000));
    }
    file.push_str("bad volume keyword,-5\n");
    assert!(file.len() > 2 * 1024 * 1024);
    b.get("/planner/keywords/import").await;
    let token_field = b.token.clone();
    let sent = b
        .upload(
            "/planner/keywords/import",
            &[
                ("csrf_token", None, &token_field),
                ("sector_id", None, &sector),
                ("file", Some("big.csv"), &file),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let to = sent.location().to_owned();
    assert!(
        to.starts_with("/jobs/") && to.ends_with("?done=job-started"),
        "{to}"
    );
    let job = to["/jobs/".len()..to.find('?').unwrap()].to_owned();
    // The page doesn't wait: the job is queued and nothing is imported yet.
    let waiting = b.get(&format!("/jobs/{job}")).await;
    assert!(waiting.body.contains("Import keywords"), "{}", waiting.body);
    assert!(
        waiting.body.contains("Waiting for a worker"),
        "{}",
        waiting.body
    );
    assert_eq!(keyword_ids(&s, &token, "search=large").await.len(), 0);
    let report_path = format!("/planner/keywords/import?job={job}");
    assert_eq!(
        b.get(&report_path).await.location(),
        format!("/jobs/{job}"),
        "no report before it ends: its job instead"
    );

    igny8_core::jobs::Worker::new(s.state.core.clone())
        .run_once()
        .await
        .unwrap()
        .expect("the import ran");
    let done = b.get(&format!("/jobs/{job}")).await;
    assert!(
        done.body.contains("Keywords added") && done.body.contains("70,000"),
        "{}",
        done.body
    );
    assert!(
        done.body.contains(&format!(r#"href="{report_path}""#)),
        "{}",
        done.body
    );
    let report = b.get(&report_path).await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert!(report.body.contains("70,000"), "{}", report.body);
    assert!(
        report.body.contains("70002"),
        "the bad line is listed: {}",
        report.body
    );
    let (_, counted) = s
        .get(
            &token,
            "/api/v1/planner/keywords/?search=large+import&page_size=1",
        )
        .await;
    assert_eq!(counted["data"]["count"], rows);
    // Another account's import, or no import at all, is not found.
    let mut other = Browser::new(&s);
    other.sign_up("other-import@example.com", "Other").await;
    assert_eq!(other.get(&report_path).await.status, 404);
    assert_eq!(
        b.get("/planner/keywords/import?job=999999").await.status,
        404
    );
    s.close().await;
}

async fn a_keyword_export_is_imported_with_a_report_of_every_bad_line(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, sector) =
        account_with_keywords(&s, &mut b, "import@example.com", "keyword\nburr grinder\n").await;
    let sector = sector.to_string();
    let form = b
        .get(&format!("/planner/keywords/import?sector_id={sector}"))
        .await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.body
            .contains(&format!(r#"<option value="{sector}" selected>"#)),
        "{}",
        form.body
    );
    let file = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/keyword-exports/semrush_broad-match.csv"
    ))
    .unwrap();
    let bad = format!(
        "{file}Burr Grinder,Commercial,900,\"0.5\",20,1.00,\nbroken row,Commercial,-5,\"0.1\",30,1.00,\n"
    );
    let token_field = b.token.clone();

    // Without the token, or with it anywhere but first, nothing is read.
    let forged = b
        .upload(
            "/planner/keywords/import",
            &[("sector_id", None, &sector), ("file", Some("k.csv"), &bad)],
        )
        .await;
    assert_eq!(forged.status, 403);
    let late = b
        .upload(
            "/planner/keywords/import",
            &[
                ("sector_id", None, &sector),
                ("csrf_token", None, &token_field),
                ("file", Some("k.csv"), &bad),
            ],
        )
        .await;
    assert_eq!(late.status, 403);
    assert_eq!(keyword_ids(&s, &token, "").await.len(), 1);

    // No sector, no file: said beside the field.
    let none = b
        .upload(
            "/planner/keywords/import",
            &[
                ("csrf_token", None, &token_field),
                ("sector_id", None, ""),
                ("file", Some("k.csv"), &bad),
            ],
        )
        .await;
    assert_eq!(none.status, 422);
    assert!(
        none.body.contains("Sector must be chosen."),
        "{}",
        none.body
    );
    let no_file = b
        .upload(
            "/planner/keywords/import",
            &[
                ("csrf_token", None, &token_field),
                ("sector_id", None, &sector),
                ("file", Some(""), ""),
            ],
        )
        .await;
    assert_eq!(no_file.status, 422);
    assert!(
        no_file.body.contains("The file must be chosen"),
        "{}",
        no_file.body
    );

    let done = b
        .upload(
            "/planner/keywords/import",
            &[
                ("csrf_token", None, &token_field),
                ("sector_id", None, &sector),
                ("file", Some("semrush.csv"), &bad),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(
        done.body
            .contains("Imported from Semrush Keyword Magic Tool"),
        "{}",
        done.body
    );
    let (_, api) = s
        .get(
            &token,
            &format!("/api/v1/planner/keywords/?sector_id={sector}&page_size=1"),
        )
        .await;
    let total = api["data"]["count"].as_u64().unwrap();
    assert!(total > 1, "{api}");
    assert!(
        done.body.contains(&format!(
            r#"<span class="count">{}</span> new keywords"#,
            total - 1
        )) && done.body.contains(r#"<span class="count">1</span> merged"#),
        "{}",
        done.body
    );
    // The bad line is listed with its number and reason.
    let line = bad.lines().count();
    assert!(
        done.body
            .contains(&format!(r#"<td class="num">{line}</td>"#)),
        "{}",
        done.body
    );
    assert!(
        done.body.contains("olume"),
        "the reason names the volume: {}",
        done.body
    );

    // Another account's sector is not found; a viewer may not import.
    let mut eve = Browser::new(&s);
    eve.sign_up("eve-import@example.com", "Eve").await;
    eve.get("/planner/keywords/import").await;
    let eve_token = eve.token.clone();
    let foreign = eve
        .upload(
            "/planner/keywords/import",
            &[
                ("csrf_token", None, &eve_token),
                ("sector_id", None, &sector),
                ("file", Some("k.csv"), "keyword\nx\n"),
            ],
        )
        .await;
    assert_eq!(foreign.status, 404, "{}", foreign.body);
    add_member(&s, &token, "vi@example.com", "viewer").await;
    let mut viewer = Browser::new(&s);
    viewer.sign_in("vi@example.com", "password123").await;
    assert_eq!(viewer.get("/planner/keywords/import").await.status, 403);
    assert!(
        !viewer
            .get("/planner/keywords")
            .await
            .body
            .contains("Import a keyword export")
    );
    let v_token = viewer.token.clone();
    let refused = viewer
        .upload(
            "/planner/keywords/import",
            &[
                ("csrf_token", None, &v_token),
                ("sector_id", None, &sector),
                ("file", Some("k.csv"), "keyword\nviewer was here\n"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(keyword_ids(&s, &token, "search=viewer").await.len(), 0);
    s.close().await;
}

async fn keywords_are_grouped_into_clusters_without_ai_and_clusters_managed(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let csv = "keyword\nburr coffee grinder\nbest burr coffee grinder\nburr coffee grinder review\nespresso machine\nbest espresso machine\nespresso machine for home\n";
    let (token, sector) = account_with_keywords(&s, &mut b, "clusters@example.com", csv).await;
    let sector = sector.to_string();
    let empty = b.get("/planner/clusters").await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(empty.body.contains("No clusters yet."), "{}", empty.body);

    // Grouping needs a sector; then it groups every waiting keyword and says how.
    let none = b
        .post(
            "/planner/clusters/group",
            &[("sector_id", ""), ("language", "en")],
        )
        .await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("Sector must be chosen."));
    let grouped = b
        .post(
            "/planner/clusters/group",
            &[("sector_id", &sector), ("language", "en")],
        )
        .await;
    assert_eq!(grouped.status, 200, "{}", grouped.body);
    assert!(
        grouped.body.contains("Grouped without AI"),
        "{}",
        grouped.body
    );
    assert!(
        grouped.body.contains("of 6 keywords grouped"),
        "{}",
        grouped.body
    );
    let (_, clusters) = s.get(&token, "/api/v1/planner/clusters/").await;
    let clusters = clusters["data"]["results"].as_array().unwrap().clone();
    assert!(clusters.len() >= 2, "{clusters:?}");
    assert_eq!(keyword_ids(&s, &token, "has_cluster=false").await.len(), 0);
    let first = &clusters[0];
    let id = first["id"].to_string();
    let name = first["name"].as_str().unwrap();
    assert!(
        grouped
            .body
            .contains(&format!(r#"<a href="/planner/keywords?cluster_id={id}">"#))
    );

    // The list counts each cluster's keywords; a cluster's link shows its keywords, named.
    let list = b.get("/planner/clusters?order=name").await;
    assert!(
        list.body.contains(&format!(r#"id="cluster-{id}""#)),
        "{}",
        list.body
    );
    let of_cluster = b.get(&format!("/planner/keywords?cluster_id={id}")).await;
    assert!(
        of_cluster
            .body
            .contains(&format!("Keywords of the cluster “{name}”.")),
        "{}",
        of_cluster.body
    );
    assert_eq!(
        shown(&of_cluster.body).len() as i64,
        first["keyword_count"].as_i64().unwrap()
    );

    // Rename: a clash with another cluster's name is refused beside the field.
    let other = clusters[1]["name"].as_str().unwrap().to_owned();
    let clash = b
        .post(
            &format!("/planner/clusters/{id}"),
            &[("name", &other), ("description", "")],
        )
        .await;
    assert_eq!(clash.status / 100, 4, "{}", clash.body);
    let renamed = b
        .post(
            &format!("/planner/clusters/{id}"),
            &[
                ("name", "Burr grinders"),
                ("description", "Hand and electric"),
            ],
        )
        .await;
    assert_eq!(renamed.location(), "/planner/clusters?done=cluster-saved");
    let (_, got) = s
        .get(&token, &format!("/api/v1/planner/clusters/{id}/"))
        .await;
    assert_eq!(got["data"]["name"], "Burr grinders");

    // Archive, then delete: the keywords stay, waiting for a cluster again.
    let archived = b
        .post(
            "/planner/clusters/bulk-update",
            &[("action", "archive"), ("ids", &id)],
        )
        .await;
    assert!(
        archived.location().ends_with("done=clusters-changed&n=1"),
        "{}",
        archived.location()
    );
    let (_, got) = s
        .get(&token, &format!("/api/v1/planner/clusters/{id}/"))
        .await;
    assert_eq!(got["data"]["status"], "archived");
    let kept = got["data"]["keyword_count"].as_u64().unwrap();
    let deleted = b
        .post(
            "/planner/clusters/bulk-delete",
            &[("action", "delete"), ("ids", &id)],
        )
        .await;
    assert!(deleted.location().ends_with("done=clusters-deleted&n=1"));
    assert_eq!(
        keyword_ids(&s, &token, "").await.len(),
        6,
        "no keyword deleted"
    );
    assert_eq!(
        keyword_ids(&s, &token, "has_cluster=false").await.len() as u64,
        kept
    );

    // Add one by hand; its name comes back escaped.
    let added = b
        .post(
            "/planner/clusters",
            &[("sector_id", &sector), ("name", "<b>Kettles</b>")],
        )
        .await;
    assert_eq!(added.location(), "/planner/clusters?done=cluster-added");
    let page = b.get(added.location()).await;
    assert!(
        page.body.contains("&#60;b&#62;Kettles&#60;/b&#62;") && !page.body.contains("<b>Kettles")
    );

    // Another account sees none of it.
    let mut eve = Browser::new(&s);
    eve.sign_up("eve-clusters@example.com", "Eve").await;
    let theirs = clusters[1]["id"].to_string();
    assert_eq!(
        eve.get(&format!("/planner/clusters/{theirs}/edit"))
            .await
            .status,
        404
    );
    assert!(
        !eve.get("/planner/clusters")
            .await
            .body
            .contains(&format!(r#"id="cluster-{theirs}""#))
    );
    s.close().await;
}

/// The `event:` names of an event stream's text, in order, each with its data.
fn events_of(text: &str) -> Vec<(String, String)> {
    text.split("\n\n")
        .filter_map(|block| {
            let name = block.lines().find_map(|l| l.strip_prefix("event: "))?;
            let data: Vec<&str> = block
                .lines()
                .filter_map(|l| l.strip_prefix("data: ").or(l.strip_prefix("data:")))
                .collect();
            Some((name.to_owned(), data.join("\n")))
        })
        .collect()
}

async fn jobs_show_live_progress_errors_and_results_and_cancel(backend: Backend) {
    use futures_util::StreamExt;
    use igny8_core::testing::fake_ai::{FakeAi, FakeReply, Gate};
    const CHAT: &str = "/v1/chat/completions";
    let fake = FakeAi::start().await;
    let base = fake.base_url();
    let Some(s) = server(backend, move |settings| {
        settings.signup_credits = Some(200);
        settings.ai.openai_base_url = base;
        settings.ai.openai_api_key = Some("sk-test".into());
        settings.ai.max_attempts = 1;
    })
    .await
    else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, kitchen) = account_with_keywords(
        &s,
        &mut b,
        "jobs@example.com",
        "keyword\nkitchen faucet\nbest kitchen faucet\nkitchen sink\nfarmhouse sink\n",
    )
    .await;
    let (_, site) = s
        .get(&token, &format!("/api/v1/auth/sectors/{kitchen}/"))
        .await;
    let (status, bath) = s
        .send(
            "POST",
            &token,
            "/api/v1/auth/sectors/",
            json!({"site_id": site["data"]["site_id"], "name": "Bath"}),
        )
        .await;
    assert_eq!(status, 201, "{bath}");
    let bath = bath["data"]["id"].as_i64().unwrap();
    let resp = s
        .client
        .post(format!("/api/v1/planner/keywords/import/?sector_id={bath}"))
        .header("authorization", format!("Bearer {token}"))
        .content_type("text/csv")
        .body("keyword\nbath towel\nbest bath towel\n")
        .send()
        .await;
    assert_eq!(resp.0.status().as_u16(), 200);
    let empty = b.get("/jobs").await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(empty.body.contains("No jobs yet."), "{}", empty.body);
    assert!(!empty.body.contains("sse-connect"), "nothing to follow");

    // Three Auto Cluster runs: one that succeeds (the model answers once the test has seen it
    // running), one the provider refuses, one that waits and is cancelled.
    let gate = Gate::default();
    fake.push(
        CHAT,
        FakeReply::chat_data(&json!({"clusters": [
            {"name": "Kitchen faucets", "description": "Faucets.", "existing_cluster_id": null, "keywords": [1, 2]},
            {"name": "Kitchen sinks", "description": "Sinks.", "existing_cluster_id": null, "keywords": [3, 4]},
        ]}))
        .held_by(&gate),
    );
    fake.push(
        CHAT,
        FakeReply::json(
            401,
            json!({"error": {"message": "Incorrect API key provided: sk-test. You can find your API key at the provider's site.", "type": "invalid_request_error"}}),
        ),
    );
    let mut started = Vec::new();
    for sector in [kitchen, bath, bath] {
        let (status, job) = s
            .send(
                "POST",
                &token,
                "/api/v1/planner/keywords/auto_cluster/",
                json!({"sector_id": sector}),
            )
            .await;
        assert_eq!(status, 202, "{job}");
        started.push(job["data"]["job"]["id"].as_i64().unwrap());
    }
    let [good, refused, waiting] = started[..] else {
        unreachable!()
    };

    let list = b.get("/jobs").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(
        list.body.matches("Waiting for a worker.").count(),
        3,
        "{}",
        list.body
    );
    assert!(list.body.contains(&format!(r#"href="/jobs/{good}""#)));
    let live = format!(r#"sse-connect="/jobs/events?view=row&#38;ids={waiting},{refused},{good}""#);
    assert!(list.body.contains(&live), "{}", list.body);
    assert!(list.body.contains(&format!(r#"sse-swap="job-{good}""#)));

    // Another account sees none of it, and can't cancel it.
    let mut other = Browser::new(&s);
    other.sign_up("other@example.com", "Other").await;
    for path in [format!("/jobs/{good}"), format!("/jobs/{good}/cancel")] {
        let page = if path.ends_with("cancel") {
            other.post(&path, &[]).await
        } else {
            other.get(&path).await
        };
        assert_eq!(page.status, 404, "{path}: {}", page.body);
    }
    let refused_other = other
        .post(
            "/jobs/cancel",
            &[("ids", &waiting.to_string()), ("action", "cancel")],
        )
        .await;
    assert_eq!(refused_other.status, 404, "{}", refused_other.body);
    assert!(
        refused_other
            .body
            .contains(&format!("Job {waiting} not found.")),
        "{}",
        refused_other.body
    );
    let (_, job) = s
        .get(&token, &format!("/api/v1/system/jobs/{waiting}/"))
        .await;
    assert_eq!(job["data"]["status"], "queued");
    let theirs = s
        .client
        .get(format!("/jobs/events?ids={good},{waiting}"))
        .header("cookie", other.cookie_header())
        .send()
        .await;
    assert_eq!(theirs.0.status().as_u16(), 200);
    let text = theirs.0.into_body().into_string().await.unwrap();
    assert_eq!(
        events_of(&text),
        [("end".to_owned(), "end".to_owned())],
        "{text}"
    );
    // An address the pages don't make.
    for bad in [
        "/jobs/events",
        "/jobs/events?ids=x",
        "/jobs/events?ids=1&view=table",
    ] {
        assert_eq!(b.get(bad).await.status, 400, "{bad}");
    }

    // The list's stream follows the jobs as a worker runs two of them; the third is
    // cancelled from the list; then the stream ends.
    let resp = s
        .client
        .get(format!(
            "/jobs/events?view=row&ids={waiting},{refused},{good}"
        ))
        .header("cookie", b.cookie_header())
        .send()
        .await;
    assert_eq!(resp.0.status().as_u16(), 200);
    assert_eq!(
        resp.0.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    let watcher = async {
        let mut body = resp.0.into_body().into_bytes_stream();
        let mut text = String::new();
        let mut cancelled = false;
        while let Some(chunk) = body.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            let events = events_of(&text);
            let seen = |id: i64, what: &str| {
                events
                    .iter()
                    .any(|(name, data)| *name == format!("job-{id}") && data.contains(what))
            };
            if seen(good, ">Running<") {
                gate.open();
            }
            if !cancelled && seen(good, ">Succeeded<") && seen(refused, ">Failed<") {
                cancelled = true;
                let page = b
                    .post(
                        "/jobs/cancel",
                        &[
                            ("ids", &waiting.to_string()),
                            ("ids", &good.to_string()),
                            ("action", "cancel"),
                            ("back", "/jobs?status=queued"),
                        ],
                    )
                    .await;
                assert_eq!(page.status, 303, "{}", page.body);
                assert_eq!(
                    page.location(),
                    "/jobs?status=queued&done=jobs-cancelled&n=1"
                );
            }
        }
        text
    };
    let worker = async {
        let worker = igny8_core::jobs::Worker::new(s.state.core.clone());
        for expected in [good, refused] {
            let job = worker.run_once().await.unwrap().expect("a job was due");
            assert_eq!(job.id.get(), expected);
        }
    };
    let (text, ()) = tokio::time::timeout(std::time::Duration::from_secs(120), async {
        tokio::join!(watcher, worker)
    })
    .await
    .expect("the jobs and their stream end");
    let events = events_of(&text);
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.last(), Some(&"end"), "{text}");
    let of = |id: i64| -> Vec<&str> {
        events
            .iter()
            .filter(|(n, _)| *n == format!("job-{id}"))
            .map(|(_, d)| d.as_str())
            .collect()
    };
    // Each job's cell as it changed: what it shows first is what the page showed.
    assert!(of(good)[0].contains("Waiting for a worker."), "{text}");
    assert!(of(good).iter().any(|d| d.contains("<progress")), "{text}");
    assert!(of(good).last().unwrap().contains(">Succeeded<"), "{text}");
    assert!(
        of(refused)
            .last()
            .unwrap()
            .contains("Incorrect API key provided"),
        "{text}"
    );
    assert!(
        of(waiting).last().unwrap().contains(">Cancelled<"),
        "{text}"
    );

    // The pages of the finished jobs: what each did, why one failed, no stream left open.
    let done = b.get(&format!("/jobs/{good}")).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("What it did"), "{}", done.body);
    assert!(done.body.contains("Credits charged"), "{}", done.body);
    assert!(!done.body.contains("sse-connect"), "{}", done.body);
    assert!(!done.body.contains("Cancel job"), "{}", done.body);
    let failed = b.get(&format!("/jobs/{refused}")).await;
    assert!(failed.body.contains("Why it failed"), "{}", failed.body);
    assert!(
        failed.body.contains("Incorrect API key provided: sk-test. You can find your API key at the provider&#39;s site."),
        "the provider's own words: {}",
        failed.body
    );
    let list = b.get("/jobs?status=failed").await;
    assert!(
        list.body.contains(&format!(r#"<tr id="job-{refused}""#)),
        "{}",
        list.body
    );
    assert_eq!(
        list.body.matches("<tr id=\"job-").count(),
        1,
        "{}",
        list.body
    );
    let cancelled = b.get(&format!("/jobs/{waiting}")).await;
    assert!(cancelled.body.contains(">Cancelled<"), "{}", cancelled.body);
    let again = b.post(&format!("/jobs/{good}/cancel"), &[]).await;
    assert_eq!(again.location(), format!("/jobs/{good}?done=job-finished"));
    let (_, job) = s.get(&token, &format!("/api/v1/system/jobs/{good}/")).await;
    assert_eq!(
        job["data"]["status"], "succeeded",
        "a finished job stays as it is"
    );

    // A queued job's page follows it, and its own Cancel button stops it.
    let (_, next) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/keywords/auto_cluster/",
            json!({"sector_id": bath}),
        )
        .await;
    let next = next["data"]["job"]["id"].as_i64().unwrap();
    let page = b.get(&format!("/jobs/{next}")).await;
    assert!(
        page.body.contains(&format!(
            r#"sse-connect="/jobs/events?view=detail&#38;ids={next}""#
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains("Cancel job"), "{}", page.body);
    let stopped = b.post(&format!("/jobs/{next}/cancel"), &[]).await;
    assert_eq!(
        stopped.location(),
        format!("/jobs/{next}?done=job-cancelled")
    );
    let page = b.get(&format!("/jobs/{next}?done=job-cancelled")).await;
    assert!(page.body.contains("Job cancelled."), "{}", page.body);
    assert!(!page.body.contains("Cancel job"), "{}", page.body);
    // A page drawn while the job ran, whose stream starts after it ended, still learns the
    // end: the stream sends the job's last part, then `end`.
    let late = s
        .client
        .get(format!("/jobs/events?view=detail&ids={next}"))
        .header("cookie", b.cookie_header())
        .send()
        .await;
    let text = late.0.into_body().into_string().await.unwrap();
    let events = events_of(&text);
    assert_eq!(events.len(), 2, "{text}");
    assert_eq!(events[0].0, format!("job-{next}"), "{text}");
    assert!(events[0].1.contains("Cancelled"), "{text}");
    assert_eq!(events[1].0, "end", "{text}");
    s.close().await;
}

async fn auto_cluster_shows_its_cost_first_then_its_job(backend: Backend) {
    use igny8_core::testing::fake_ai::{FakeAi, FakeReply};
    let fake = FakeAi::start().await;
    let base = fake.base_url();
    let Some(s) = server(backend, move |settings| {
        settings.signup_credits = Some(200);
        settings.ai.openai_base_url = base;
        settings.ai.openai_api_key = Some("sk-test".into());
        settings.ai.max_attempts = 1;
    })
    .await
    else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, sector) = account_with_keywords(
        &s,
        &mut b,
        "auto@example.com",
        "keyword\nkitchen faucet\nbest kitchen faucet\nkitchen sink\nfarmhouse sink\n",
    )
    .await;
    let sector = sector.to_string();
    let page = b.get("/planner/clusters").await;
    assert!(page.body.contains("Auto Cluster with AI"), "{}", page.body);
    assert!(page.body.contains("See the cost"), "{}", page.body);

    // A sector must be chosen; then the cost is shown with the button that starts it, and
    // nothing has started yet.
    let none = b
        .post("/planner/clusters/auto/estimate", &[("sector_id", "")])
        .await;
    assert_eq!(none.status, 422);
    assert!(
        none.body.contains("Sector must be chosen."),
        "{}",
        none.body
    );
    let cost = b
        .post("/planner/clusters/auto/estimate", &[("sector_id", &sector)])
        .await;
    assert_eq!(cost.status, 200, "{}", cost.body);
    assert!(
        cost.body
            .contains("1 model call, up to <strong>1 credit</strong>. The account has 200."),
        "{}",
        cost.body
    );
    assert!(cost.body.contains("Start Auto Cluster"), "{}", cost.body);
    let (_, jobs) = s.get(&token, "/api/v1/system/jobs/").await;
    assert_eq!(
        jobs["data"]["count"], 0,
        "an estimate starts nothing: {jobs}"
    );

    // Started: the job's page follows it.
    let started = b
        .post("/planner/clusters/auto", &[("sector_id", &sector)])
        .await;
    assert_eq!(started.status, 303, "{}", started.body);
    let job: i64 = started
        .location()
        .strip_prefix("/jobs/")
        .and_then(|rest| rest.strip_suffix("?done=job-started"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{}", started.location()));
    let page = b.get(started.location()).await;
    assert!(
        page.body.contains("Started. Its progress shows below"),
        "{}",
        page.body
    );
    assert!(page.body.contains("sse-connect="), "{}", page.body);
    assert!(page.body.contains("Auto Cluster"), "{}", page.body);
    fake.push(
        "/v1/chat/completions",
        FakeReply::chat_data(&json!({"clusters": [
            {"name": "Kitchen faucets", "description": "Faucets.", "existing_cluster_id": null, "keywords": [1, 2]},
            {"name": "Kitchen sinks", "description": "Sinks.", "existing_cluster_id": null, "keywords": [3, 4]},
        ]})),
    );
    let worker = igny8_core::jobs::Worker::new(s.state.core.clone());
    let ran = worker
        .run_once()
        .await
        .unwrap()
        .expect("the job was queued");
    assert_eq!(ran.id.get(), job);
    let page = b.get(&format!("/jobs/{job}")).await;
    assert!(page.body.contains(">Succeeded<"), "{}", page.body);
    let list = b.get("/planner/clusters").await;
    assert!(list.body.contains("Kitchen faucets"), "{}", list.body);
    assert!(list.body.contains("Kitchen sinks"), "{}", list.body);

    // Generate Ideas for a cluster: the cost on its own page, with a choice of how many.
    let (_, clusters) = s
        .get(&token, "/api/v1/planner/clusters/?ordering=name")
        .await;
    let faucets = clusters["data"]["results"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let back = format!("/planner/clusters/{faucets}");
    let cost = b
        .post(
            "/planner/clusters/ideas",
            &[("ids", &faucets), ("back", &back)],
        )
        .await;
    assert_eq!(cost.status, 200, "{}", cost.body);
    assert!(
        cost.body
            .contains("<strong>3 ideas for the cluster</strong>: 1 cluster, up to <strong>"),
        "{}",
        cost.body
    );
    assert!(
        cost.body
            .contains(r#"<option value="3" selected>3</option>"#),
        "{}",
        cost.body
    );
    let five = b
        .post(
            "/planner/clusters/ideas",
            &[
                ("ids", &faucets),
                ("back", &back),
                ("ideas_per_cluster", "5"),
            ],
        )
        .await;
    assert!(
        five.body
            .contains("<strong>5 ideas for the cluster</strong>"),
        "{}",
        five.body
    );
    let eleven = b
        .post(
            "/planner/clusters/ideas",
            &[("ids", &faucets), ("ideas_per_cluster", "11")],
        )
        .await;
    assert_eq!(eleven.status, 400);
    assert!(eleven.body.contains("from 1 to 10"), "{}", eleven.body);
    let (_, jobs) = s.get(&token, "/api/v1/system/jobs/").await;
    assert_eq!(jobs["data"]["count"], 1, "a cost starts nothing: {jobs}");
    let started = b
        .post(
            "/planner/clusters/ideas/start",
            &[
                ("ids", &faucets),
                ("back", &back),
                ("ideas_per_cluster", "1"),
            ],
        )
        .await;
    assert_eq!(started.status, 303, "{}", started.body);
    assert!(
        started.location().ends_with("?done=job-started"),
        "{}",
        started.location()
    );
    fake.push(
        "/v1/chat/completions",
        FakeReply::chat_data(&json!({"ideas": [
            {"title": "How to choose a kitchen faucet", "description": "d", "content_type": "post",
             "content_structure": "guide", "target_keywords": ["kitchen faucet"], "estimated_word_count": 1200,
             "outline": [{"heading": "Finishes that last", "notes": "", "subsections": ["Brushed nickel"]}]},
        ]})),
    );
    worker.run_once().await.unwrap().expect("the ideas job");
    let page = b.get(&back).await;
    assert!(
        page.body.contains("How to choose a kitchen faucet"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<li>Finishes that last<ul><li>Brushed nickel</li></ul></li>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("about 1,200 words"), "{}", page.body);

    // Nothing left to group: said above the form, in words.
    let again = b
        .post("/planner/clusters/auto/estimate", &[("sector_id", &sector)])
        .await;
    assert_eq!(again.status, 422, "{}", again.body);
    assert!(
        again
            .body
            .contains("There are no unclustered keywords to cluster."),
        "{}",
        again.body
    );

    // From the keyword list: the selected keywords. All clustered: the page says so.
    let keywords = keyword_ids(&s, &token, "").await;
    let first = keywords[0].0.to_string();
    let none_left = b
        .post(
            "/planner/keywords/auto-cluster",
            &[("ids", &first), ("back", "/planner/keywords")],
        )
        .await;
    assert_eq!(none_left.status, 422, "{}", none_left.body);
    assert!(
        none_left
            .body
            .contains("There are no unclustered keywords to cluster."),
        "{}",
        none_left.body
    );
    let resp = s
        .client
        .post(format!(
            "/api/v1/planner/keywords/import/?sector_id={sector}"
        ))
        .header("authorization", format!("Bearer {token}"))
        .content_type("text/csv")
        .body("keyword\nbath faucet\nshower faucet\n")
        .send()
        .await;
    assert_eq!(resp.0.status().as_u16(), 200);
    let fresh: Vec<String> = keyword_ids(&s, &token, "has_cluster=false")
        .await
        .iter()
        .map(|k| k.0.to_string())
        .collect();
    assert_eq!(fresh.len(), 2);
    let cost = b
        .post(
            "/planner/keywords/auto-cluster",
            &[
                ("ids", &fresh[0]),
                ("ids", &fresh[1]),
                ("back", "/planner/keywords"),
            ],
        )
        .await;
    assert_eq!(cost.status, 200, "{}", cost.body);
    assert!(
        cost.body.contains("Auto Cluster of 2 selected keywords"),
        "{}",
        cost.body
    );
    let started = b
        .post(
            "/planner/keywords/auto-cluster/start",
            &[
                ("ids", &fresh[0]),
                ("ids", &fresh[1]),
                ("back", "/planner/keywords"),
            ],
        )
        .await;
    assert_eq!(started.status, 303, "{}", started.body);
    let job: i64 = started
        .location()
        .trim_start_matches("/jobs/")
        .trim_end_matches("?done=job-started")
        .parse()
        .unwrap();
    let (_, got) = s.get(&token, &format!("/api/v1/system/jobs/{job}/")).await;
    assert_eq!(got["data"]["kind"], "auto_cluster", "{got}");
    let page = b.get(&format!("/jobs/{job}")).await;
    let asked = format!("<dt>Ids</dt><dd>{}, {}</dd>", fresh[0], fresh[1]);
    assert!(page.body.contains(&asked), "{}", page.body);
    s.close().await;
}

async fn clusters_of_a_sector_merge_into_one(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, sector) =
        account_with_keywords(&s, &mut b, "merge@example.com", &grinders(3)).await;
    let mut clusters = Vec::new();
    for name in ["Grinders", "Burr grinders", "Hand grinders"] {
        let (status, c) = s
            .send(
                "POST",
                &token,
                "/api/v1/planner/clusters/",
                json!({"sector_id": sector, "name": name}),
            )
            .await;
        assert_eq!(status, 201, "{c}");
        clusters.push(c["data"]["id"].as_i64().unwrap());
    }
    let keywords = keyword_ids(&s, &token, "").await;
    for ((k, _, _), c) in keywords.iter().zip(&clusters) {
        let (status, body) = s
            .send(
                "PATCH",
                &token,
                &format!("/api/v1/planner/keywords/{k}/"),
                json!({"cluster_id": c}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let [grinders, burr, hand] = clusters[..] else {
        unreachable!()
    };

    // Merging is offered within a sector.
    let all = b.get("/planner/clusters").await;
    assert!(
        all.body
            .contains("Choose a sector above to merge its clusters."),
        "{}",
        all.body
    );
    assert!(!all.body.contains(r#"value="merge""#));
    let path = format!("/planner/clusters?sector_id={sector}");
    let one = b.get(&path).await;
    assert!(one.body.contains(r#"value="merge""#), "{}", one.body);
    assert!(
        one.body
            .contains(&format!(r#"<option value="{grinders}">Grinders</option>"#)),
        "{}",
        one.body
    );

    let merged = b
        .post(
            "/planner/clusters/merge",
            &[
                ("ids", &burr.to_string()),
                ("ids", &hand.to_string()),
                ("into", &grinders.to_string()),
                ("action", "merge"),
                ("back", &path),
            ],
        )
        .await;
    assert_eq!(merged.status, 303, "{}", merged.body);
    assert_eq!(
        merged.location(),
        format!("{path}&done=clusters-merged&n=2")
    );
    let page = b.get(merged.location()).await;
    assert!(page.body.contains("2 clusters merged."), "{}", page.body);
    let (_, c) = s
        .get(&token, &format!("/api/v1/planner/clusters/{grinders}/"))
        .await;
    assert_eq!(c["data"]["keyword_count"], 3, "{c}");
    let (status, _) = s
        .get(&token, &format!("/api/v1/planner/clusters/{burr}/"))
        .await;
    assert_eq!(status, 404, "merged clusters are gone");

    // The cluster's page: its keywords, the most searched first, and its ideas' outlines.
    let (status, idea) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/ideas/",
            json!({"sector_id": sector, "cluster_id": grinders, "title": "Choosing a grinder",
                   "outline": [{"heading": "Burr or blade", "notes": "", "subsections": ["Consistency"]}]}),
        )
        .await;
    assert_eq!(status, 201, "{idea}");
    let page = b.get(&format!("/planner/clusters/{grinders}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let at = |text: &str| {
        page.body
            .find(text)
            .unwrap_or_else(|| panic!("{text}: {}", page.body))
    };
    assert!(
        at("coffee grinder 3") < at("coffee grinder 1"),
        "largest volume first"
    );
    assert!(page.body.contains("Choosing a grinder"), "{}", page.body);
    assert!(
        page.body
            .contains("<li>Burr or blade<ul><li>Consistency</li></ul></li>"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!(
        r#"href="/planner/keywords?cluster_id={grinders}""#
    )));
    let list = b.get(&path).await;
    assert!(
        list.body.contains(&format!(
            r#"<a href="/planner/clusters/{grinders}" hx-boost="false">Grinders</a>"#
        )),
        "{}",
        list.body
    );
    let mut other = Browser::new(&s);
    other.sign_up("nosy@example.com", "Nosy").await;
    assert_eq!(
        other
            .get(&format!("/planner/clusters/{grinders}"))
            .await
            .status,
        404
    );

    // Over the API, a cluster of another sector is refused by name, and nothing changes.
    let (_, site) = s
        .get(&token, &format!("/api/v1/auth/sectors/{sector}/"))
        .await;
    let (_, other) = s
        .send(
            "POST",
            &token,
            "/api/v1/auth/sectors/",
            json!({"site_id": site["data"]["site_id"], "name": "Kettles"}),
        )
        .await;
    let (_, far) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/clusters/",
            json!({"sector_id": other["data"]["id"], "name": "Kettles"}),
        )
        .await;
    let far = far["data"]["id"].as_i64().unwrap();
    let (status, body) = s
        .send(
            "POST",
            &token,
            &format!("/api/v1/planner/clusters/{grinders}/merge/"),
            json!({"ids": [far]}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["errors"]["ids"][0]
            .as_str()
            .unwrap()
            .contains("\"Kettles\""),
        "{body}"
    );
    let (status, _) = s
        .get(&token, &format!("/api/v1/planner/clusters/{far}/"))
        .await;
    assert_eq!(status, 200);
    // The same through the page: the list says why, and nothing changed.
    let refused = b
        .post(
            "/planner/clusters/merge",
            &[
                ("ids", &far.to_string()),
                ("into", &grinders.to_string()),
                ("back", &path),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("Nothing was changed."),
        "{}",
        refused.body
    );
    s.close().await;
}

async fn ideas_are_edited_with_their_outline_and_queued_to_the_writer(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, sector) =
        account_with_keywords(&s, &mut b, "ideas@example.com", &grinders(2)).await;
    let empty = b.get("/planner/ideas").await;
    assert!(empty.body.contains("No ideas yet."), "{}", empty.body);
    let mut ids = Vec::new();
    for (title, outline) in [
        (
            "Choosing a grinder",
            json!([{"heading": "Burr or blade", "notes": "Say why burrs win.", "subsections": ["Consistency"]}]),
        ),
        ("Grinder care", json!([])),
    ] {
        let (status, idea) = s
            .send(
                "POST",
                &token,
                "/api/v1/planner/ideas/",
                json!({"sector_id": sector, "title": title, "outline": outline, "content_structure": "guide"}),
            )
            .await;
        assert_eq!(status, 201, "{idea}");
        ids.push(idea["data"]["id"].as_i64().unwrap().to_string());
    }
    let list = b.get("/planner/ideas").await;
    assert!(list.body.contains("2 ideas"), "{}", list.body);
    assert!(
        list.body.contains(&format!(
            r#"<a href="/planner/ideas/{}" hx-boost="false">Choosing a grinder</a>"#,
            ids[0]
        )),
        "{}",
        list.body
    );

    // The idea's page: its outline, and the same outline as text to edit.
    let path = format!("/planner/ideas/{}", ids[0]);
    let page = b.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("<strong>Burr or blade</strong>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Burr or blade\n&#62; Say why burrs win.\n- Consistency\n</textarea>"),
        "{}",
        page.body
    );

    // Mistakes come back beside their fields, as typed; nothing is saved.
    let bad = b
        .post(
            &path,
            &[
                ("title", "Choosing a burr grinder"),
                ("content_type", "post"),
                ("content_structure", "guide"),
                ("estimated_word_count", "lots"),
                ("outline", "- an orphan point\nA heading"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body
            .contains("Words must be a whole number, like 1500."),
        "{}",
        bad.body
    );
    assert!(
        bad.body
            .contains("Outline line 1 is a sub-point or note before any heading"),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains(r#"value="Choosing a burr grinder""#),
        "the title as typed"
    );
    assert!(
        bad.body.contains("- an orphan point\nA heading</textarea>"),
        "the outline as typed"
    );
    let (_, idea) = s
        .get(&token, &format!("/api/v1/planner/ideas/{}/", ids[0]))
        .await;
    assert_eq!(idea["data"]["title"], "Choosing a grinder");

    let saved = b
        .post(
            &path,
            &[
                ("title", "Choosing a burr grinder"),
                ("description", "For espresso at home."),
                ("content_type", "post"),
                ("content_structure", "comparison"),
                ("estimated_word_count", "1,800"),
                ("target_keywords", "burr grinder, best burr grinder"),
                (
                    "outline",
                    "Burr or blade\n> Say why burrs win.\n- Consistency\n- Heat\nPrices\n",
                ),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let (_, idea) = s
        .get(&token, &format!("/api/v1/planner/ideas/{}/", ids[0]))
        .await;
    let d = &idea["data"];
    assert_eq!(d["title"], "Choosing a burr grinder");
    assert_eq!(d["content_structure"], "comparison");
    assert_eq!(d["estimated_word_count"], 1800);
    assert_eq!(
        d["target_keywords"],
        json!(["burr grinder", "best burr grinder"])
    );
    assert_eq!(
        d["outline"],
        json!([
            {"heading": "Burr or blade", "notes": "Say why burrs win.", "subsections": ["Consistency", "Heat"]},
            {"heading": "Prices", "notes": "", "subsections": []},
        ])
    );

    // Queued to the writer: each becomes a task.
    let queued = b
        .post(
            "/planner/ideas/queue",
            &[
                ("ids", &ids[0]),
                ("ids", &ids[1]),
                ("back", "/planner/ideas?status=new"),
            ],
        )
        .await;
    assert_eq!(queued.status, 303, "{}", queued.body);
    assert_eq!(
        queued.location(),
        "/planner/ideas?status=new&done=ideas-queued&n=2"
    );
    let page = b.get(queued.location()).await;
    assert!(
        page.body.contains("2 ideas queued to the writer."),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("No idea matches these filters."),
        "{}",
        page.body
    );
    let (_, tasks) = s.get(&token, "/api/v1/writer/tasks/").await;
    assert_eq!(tasks["data"]["count"], 2, "{tasks}");

    // The writer's queue shows them; writing them shows the cost first, and without an AI
    // provider connected the start says how to connect one, and starts nothing.
    let queue = b.get("/writer/tasks").await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert!(queue.body.contains("2 tasks"), "{}", queue.body);
    assert!(
        queue.body.contains("Choosing a burr grinder"),
        "{}",
        queue.body
    );
    let task_ids: Vec<String> = tasks["data"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].to_string())
        .collect();
    let cost = b
        .post(
            "/writer/tasks/write",
            &[
                ("ids", &task_ids[0]),
                ("ids", &task_ids[1]),
                ("back", "/writer/tasks"),
            ],
        )
        .await;
    assert_eq!(cost.status, 200, "{}", cost.body);
    assert!(
        cost.body
            .contains("<strong>The articles of 2 tasks</strong>: 2 articles, up to"),
        "{}",
        cost.body
    );
    let refused = b
        .post(
            "/writer/tasks/write/start",
            &[
                ("ids", &task_ids[0]),
                ("ids", &task_ids[1]),
                ("back", "/writer/tasks"),
            ],
        )
        .await;
    assert_ne!(refused.status, 303, "{}", refused.body);
    assert!(refused.body.contains("role=\"alert\""), "{}", refused.body);
    assert!(
        refused
            .body
            .contains("There is no API key for the text model: an admin of the account adds one under Settings › AI providers"),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains(r#"href="/settings#providers">Connect a provider in Settings</a>"#),
        "{}",
        refused.body
    );
    let (_, jobs) = s.get(&token, "/api/v1/system/jobs/").await;
    assert_eq!(jobs["data"]["count"], 0, "{jobs}");

    let mut other = Browser::new(&s);
    other.sign_up("peek@example.com", "Peek").await;
    assert_eq!(other.get(&path).await.status, 404);
    s.close().await;
}

async fn articles_read_as_published_and_are_edited(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, sector) =
        account_with_keywords(&s, &mut b, "articles@example.com", &grinders(1)).await;
    let empty = b.get("/writer/content").await;
    assert!(empty.body.contains("No articles yet."), "{}", empty.body);
    let (status, made) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/content/",
            json!({"sector_id": sector, "title": "Burr grinders, compared",
                   "html": "<h2>Why burrs</h2><p onclick=\"steal()\">Even grounds.</p><script>steal()</script>",
                   "meta_title": "Burr grinders compared", "primary_keyword": "burr grinder",
                   "tags": ["grinders"]}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let id = made["data"]["id"].as_i64().unwrap();
    let score = made["data"]["score"].as_i64().unwrap();
    let list = b.get("/writer/content").await;
    assert!(
        list.body.contains(&format!(
            r#"<a href="/writer/content/{id}" hx-boost="false">Burr grinders, compared</a>"#
        )),
        "{}",
        list.body
    );
    // Each article's SEO score is in the list, coloured by its band, as its page shows it.
    let band = match score {
        80.. => "good",
        50.. => "fair",
        _ => "poor",
    };
    assert!(
        list.body
            .contains(&format!(r#"<td class="num seo-{band}">{score}</td>"#)),
        "{}",
        list.body
    );
    assert!(list.body.contains("SEO score"), "{}", list.body);

    // The article as readers see it (sanitised), and as a search result.
    let path = format!("/writer/content/{id}");
    let page = b.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    // Publishing starts from the account's setting (a draft) …
    assert!(
        page.body.contains(r#"<option value="draft" selected>"#),
        "{}",
        page.body
    );
    assert!(page.body.contains("<h2>Why burrs</h2>"), "{}", page.body);
    assert!(
        !page.body.contains("steal()</script>") && !page.body.contains("onclick"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"<p class="serp-title">Burr grinders compared</p>"#),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("https://example.com/burr-grinders-compared/"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Meta description: 0 characters, missing"),
        "{}",
        page.body
    );
    // Its SEO checks: the score, what passed, what to fix and how.
    let seo = &page.body[page.body.find("id=\"seo-heading\"").expect("an SEO card")..];
    let seo = &seo[..seo.find("</section>").unwrap()];
    assert!(seo.contains("<span class=\"score poor\">32<"), "{seo}");
    assert!(seo.contains("9 of 14 checks to fix"), "{seo}");
    assert!(
        seo.contains(
            "<span class=\"verdict\">To fix</span> <strong>Keyword in the title</strong>: not \
             in the title<span class=\"check-hint\">Put &#34;burr grinder&#34; in the title"
        ),
        "{seo}"
    );
    assert!(
        seo.contains(
            "<span class=\"verdict\">Passed</span> <strong>Meta title length</strong>: 22 \
             characters</li>"
        ),
        "{seo}"
    );

    // Edited: what is saved reads back, the body sanitised again.
    let saved = b
        .post(
            &path,
            &[
                ("title", "Burr grinders, compared"),
                ("meta_title", "Burr grinders compared"),
                ("meta_description", "Conical or flat burrs? What each does to your coffee, how long they last and which one to buy for espresso or filter at home."),
                ("primary_keyword", "burr grinder"),
                ("secondary_keywords", "conical burr grinder, flat burr grinder"),
                ("tags", "grinders, espresso"),
                ("categories", "Guides"),
                ("html", "<h2>Why burrs</h2><p>Even grounds.</p><img src=x onerror=alert(1)>"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let (_, got) = s
        .get(&token, &format!("/api/v1/writer/content/{id}/"))
        .await;
    let d = &got["data"];
    assert_eq!(d["tags"], json!(["grinders", "espresso"]));
    assert_eq!(
        d["secondary_keywords"],
        json!(["conical burr grinder", "flat burr grinder"])
    );
    assert!(!d["html"].as_str().unwrap().contains("onerror"), "{d}");
    let page = b.get(&format!("{path}?done=content-saved")).await;
    assert!(page.body.contains("Article saved."), "{}", page.body);
    assert!(
        page.body.contains("characters, good (120 to 160 is best)"),
        "{}",
        page.body
    );

    // Questions and answers typed as text: kept as data, shown after the article.
    let mut fields: Vec<(&str, &str)> = vec![
        ("title", "Burr grinders, compared"),
        ("html", "<h2>Why burrs</h2><p>Even grounds.</p>"),
        ("faq_heading", "Grinder questions"),
    ];
    fields.push((
        "faq",
        "Do burrs wear out?\r\nYes, after years of daily use.\r\n\r\nFlat or conical?\r\nConical for espresso,\r\nflat for filter.",
    ));
    let saved = b.post(&path, &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let (_, got) = s
        .get(&token, &format!("/api/v1/writer/content/{id}/"))
        .await;
    assert_eq!(
        got["data"]["faq"],
        json!({"heading": "Grinder questions", "questions": [
            {"question": "Do burrs wear out?", "answer": "Yes, after years of daily use."},
            {"question": "Flat or conical?", "answer": "Conical for espresso, flat for filter."},
        ]})
    );
    let page = b.get(&path).await;
    assert!(
        page.body.contains(r#"<div class="faq"><h2>Grinder questions</h2><h3>Do burrs wear out?</h3><p>Yes, after years of daily use.</p>"#),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Do burrs wear out?\nYes, after years of daily use.\n\nFlat or conical?"),
        "the form shows them as typed"
    );
    // A question without an answer, or with markup, is refused beside the field; nothing
    // changes and the text stays as typed.
    let lone = b
        .post(
            &path,
            &[
                ("title", "Burr grinders, compared"),
                ("faq_heading", "Q"),
                ("faq", "Do burrs wear out?\n\nWhy?\nBecause."),
            ],
        )
        .await;
    assert_eq!(lone.status, 422, "{}", lone.body);
    assert!(
        lone.body
            .contains("Questions need an answer each: question 1 (“Do burrs wear out?”) has none."),
        "{}",
        lone.body
    );
    let marked = b
        .post(
            &path,
            &[
                ("title", "Burr grinders, compared"),
                ("faq_heading", "Q"),
                ("faq", "Why <b>burrs</b>?\nEven grounds."),
            ],
        )
        .await;
    assert_eq!(marked.status, 422, "{}", marked.body);
    assert!(
        marked
            .body
            .contains("Questions — question 1: must be plain text"),
        "{}",
        marked.body
    );
    assert!(
        marked
            .body
            .contains("Why &#60;b&#62;burrs&#60;/b&#62;?\nEven grounds.</textarea>"),
        "{}",
        marked.body
    );
    let (_, still) = s
        .get(&token, &format!("/api/v1/writer/content/{id}/"))
        .await;
    assert_eq!(
        still["data"]["faq"]["heading"], "Grinder questions",
        "nothing changed"
    );
    // Emptied, the section is gone.
    let cleared = b
        .post(
            &path,
            &[
                ("title", "Burr grinders, compared"),
                ("html", "<h2>Why burrs</h2><p>Even grounds.</p>"),
                ("faq_heading", "Grinder questions"),
                ("faq", ""),
            ],
        )
        .await;
    assert_eq!(cleared.status, 303, "{}", cleared.body);
    let (_, got) = s
        .get(&token, &format!("/api/v1/writer/content/{id}/"))
        .await;
    assert_eq!(got["data"]["faq"], Value::Null);

    // Publishing: a date that isn't one is named; without WordPress connected the page says
    // to connect it, and nothing is queued.
    let publish = format!("{path}/publish");
    let bad_date = b
        .post(&publish, &[("status", "future"), ("date", "next week")])
        .await;
    assert_eq!(bad_date.status, 422, "{}", bad_date.body);
    assert!(
        bad_date.body.contains(
            "Date and time (UTC), to schedule must be a date and time, like 2026-12-24T09:00."
        ),
        "{}",
        bad_date.body
    );
    assert!(
        bad_date.body.contains(r#"value="next week""#),
        "kept as typed"
    );
    let unconnected = b.post(&publish, &[("status", "publish")]).await;
    assert_eq!(unconnected.status, 400, "{}", unconnected.body);
    assert!(
        unconnected.body.contains("WordPress"),
        "{}",
        unconnected.body
    );
    let (_, jobs) = s.get(&token, "/api/v1/system/jobs/").await;
    assert_eq!(jobs["data"]["count"], 0, "{jobs}");

    // An empty title is refused beside its field, the form kept as typed.
    let bad = b
        .post(&path, &[("title", ""), ("html", "<p>Kept as typed</p>")])
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body
            .contains("&#60;p&#62;Kept as typed&#60;/p&#62;</textarea>"),
        "{}",
        bad.body
    );

    // A post address that isn't a web address is refused (and the page would not link one).
    let (status, _) = s
        .send(
            "PATCH",
            &token,
            &format!("/api/v1/writer/content/{id}/"),
            json!({"wp_url": "javascript:alert(1)"}),
        )
        .await;
    assert_eq!(status, 400, "refused by the core");
    let page = b.get(&path).await;
    assert!(!page.body.contains("javascript:alert"), "{}", page.body);
    assert!(!page.body.contains("View the post"), "{}", page.body);
    // … but a live post is updated live unless someone chooses otherwise.
    let (status, live) = s
        .send(
            "PATCH",
            &token,
            &format!("/api/v1/writer/content/{id}/"),
            json!({"status": "published"}),
        )
        .await;
    assert_eq!(status, 200, "{live}");
    let page = b.get(&path).await;
    assert!(
        page.body.contains(r#"<option value="publish" selected>"#)
            && !page.body.contains(r#"<option value="draft" selected>"#),
        "{}",
        page.body
    );
    let mut other = Browser::new(&s);
    other.sign_up("snoop@example.com", "Snoop").await;
    assert_eq!(other.get(&path).await.status, 404);
    s.close().await;
}

async fn a_provider_key_is_tested_and_the_verdict_says_what_to_fix(backend: Backend) {
    use igny8_core::testing::fake_ai::{FakeAi, FakeReply};
    let fake = FakeAi::start().await;
    let base = fake.base_url();
    let Some(s) = server(backend, move |settings| {
        settings.ai.openai_base_url = base;
    })
    .await
    else {
        return;
    };
    let mut b = Browser::new(&s);
    b.sign_up("tester@example.com", "Tester").await;
    let token = api_token(&s, "tester@example.com").await;
    let page = b.get("/settings").await;
    assert!(
        page.body
            .contains(r#"action="/settings/providers/openai/test""#),
        "every provider has a Test key button: {}",
        page.body
    );
    let saved = b
        .post(
            "/settings/providers/openai",
            &[
                ("api_key", "sk-good-key-0001"),
                ("model", ""),
                ("base_url", ""),
                ("is_active", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    // A good key: one model list, with the account's key, and a verdict on the card.
    fake.push(
        "/v1/models",
        FakeReply::json(200, json!({"object": "list", "data": []})),
    );
    let tested = b.post("/settings/providers/openai/test", &[]).await;
    assert_eq!(tested.status, 200, "{}", tested.body);
    assert!(
        tested
            .body
            .contains(r#"<p class="verdict ok" role="status" id="provider-openai-verdict">✓ The key works: OpenAI answered."#),
        "{}",
        tested.body
    );
    let sent = fake.requests().pop().unwrap();
    assert_eq!(sent.path, "/v1/models");
    assert_eq!(
        sent.header("authorization"),
        Some("Bearer sk-good-key-0001")
    );

    // A refused key, through the API: the verdict says what to fix, and the provider's words
    // come back escaped on the page.
    fake.push(
        "/v1/models",
        FakeReply::json(
            401,
            json!({"error": {"message": "Incorrect <b>API</b> key provided."}}),
        ),
    );
    let (status, verdict) = s
        .send(
            "POST",
            &token,
            "/api/v1/system/integrations/openai/test/",
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{verdict}");
    assert_eq!(verdict["data"]["ok"], false, "{verdict}");
    assert!(
        verdict["data"]["message"]
            .as_str()
            .unwrap()
            .starts_with("OpenAI refused the key (Incorrect <b>API</b> key provided.)"),
        "{verdict}"
    );
    fake.push(
        "/v1/models",
        FakeReply::json(
            401,
            json!({"error": {"message": "Incorrect <b>API</b> key."}}),
        ),
    );
    let refused = b.post("/settings/providers/openai/test", &[]).await;
    assert!(
        refused.body.contains("class=\"verdict warn\"")
            && refused
                .body
                .contains("Incorrect &#60;b&#62;API&#60;/b&#62; key.")
            && !refused.body.contains("<b>API</b>"),
        "{}",
        refused.body
    );
    assert_eq!(fake.pending(), 0);
    s.close().await;
}

async fn providers_are_connected_and_defaults_saved_all_or_nothing(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    b.sign_up("settings@example.com", "Settings").await;
    let token = api_token(&s, "settings@example.com").await;
    let page = b.get("/settings").await;
    assert_eq!(page.status, 200, "{}", page.body);
    for part in [
        "AI providers",
        "Text: OpenAI or compatible",
        "Images: Runware",
        "Defaults for new work",
        "Ideas per cluster",
    ] {
        assert!(page.body.contains(part), "{part}: {}", page.body);
    }

    // A key is stored and never shown again: only its hint.
    let key = "sk-test-abcdefghijklmnop1234";
    let saved = b
        .post(
            "/settings/providers/openai",
            &[
                ("api_key", key),
                ("model", "gpt-4o-mini"),
                ("base_url", ""),
                ("is_active", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        saved.location(),
        "/settings?done=provider-saved#provider-openai"
    );
    let page = b.get(saved.location()).await;
    assert!(page.body.contains("Provider saved."), "{}", page.body);
    assert!(page.body.contains("gpt-4o-mini"), "{}", page.body);
    assert!(!page.body.contains(key), "the key is echoed: {}", page.body);
    assert!(page.body.contains("(never shown again)"), "{}", page.body);
    let (_, got) = s.get(&token, "/api/v1/system/integrations/").await;
    assert_eq!(got["data"][0]["provider"], "openai", "{got}");
    assert_eq!(got["data"][0]["has_secret"], true, "{got}");
    assert_eq!(got["data"][0]["config"]["model"], "gpt-4o-mini", "{got}");

    // A base URL of the operator's private network is refused above the form, and the
    // stored connection is unchanged; the key typed is not sent back into the form.
    let refused = b
        .post(
            "/settings/providers/openai",
            &[
                ("api_key", "sk-other-key-999"),
                ("model", "llama3"),
                ("base_url", "http://127.0.0.1:11434/v1"),
                ("is_active", "on"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("base URL points at a private or local address"),
        "{}",
        refused.body
    );
    assert!(
        !refused.body.contains("sk-other-key-999"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(r#"value="llama3""#),
        "what was typed stays: {}",
        refused.body
    );
    let (_, after) = s.get(&token, "/api/v1/system/integrations/").await;
    assert_eq!(after["data"], got["data"], "nothing changed");

    // Defaults: one bad value saves nothing, and says which.
    let bad = b
        .post(
            "/settings/defaults",
            &[
                ("content.word_count", "lots"),
                ("ideas.per_cluster", "5"),
                ("images.enabled", "on"),
                ("content.tone", "warm"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("Nothing was saved."), "{}", bad.body);
    assert!(
        bad.body.contains(r#"id="s-e-content.word_count""#),
        "the error is beside the word count: {}",
        bad.body
    );
    assert!(bad.body.contains(r#"value="lots""#), "{}", bad.body);
    let (_, settings) = s.get(&token, "/api/v1/system/settings/").await;
    let value = |settings: &Value, key: &str| {
        settings["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        value(&settings, "ideas.per_cluster")["is_set"],
        false,
        "{settings}"
    );
    assert_eq!(
        value(&settings, "content.tone")["is_set"],
        false,
        "{settings}"
    );

    // Good values are saved; an unticked box is a "no"; an emptied field is the default again.
    let good = b
        .post(
            "/settings/defaults",
            &[
                ("content.word_count", "2,000"),
                ("ideas.per_cluster", "5"),
                ("content.tone", "warm"),
            ],
        )
        .await;
    assert_eq!(good.status, 303, "{}", good.body);
    let (_, settings) = s.get(&token, "/api/v1/system/settings/").await;
    assert_eq!(
        value(&settings, "content.word_count")["value"],
        2000,
        "{settings}"
    );
    assert_eq!(
        value(&settings, "ideas.per_cluster")["value"],
        5,
        "{settings}"
    );
    assert_eq!(
        value(&settings, "content.tone")["value"],
        "warm",
        "{settings}"
    );
    assert_eq!(
        value(&settings, "images.enabled")["value"],
        false,
        "{settings}"
    );
    // Generate Ideas from the web asks for the account's number unless told otherwise.
    let (_, sector) = crate::site_and_sector(&s, &token).await;
    let (status, cluster) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/clusters/",
            json!({"sector_id": sector, "name": "Grinders"}),
        )
        .await;
    assert_eq!(status, 201, "{cluster}");
    let cost = b
        .post(
            "/planner/clusters/ideas",
            &[
                ("ids", &cluster["data"]["id"].to_string()),
                ("back", "/planner/clusters"),
            ],
        )
        .await;
    assert!(
        cost.body.contains("5 ideas for the cluster"),
        "{}",
        cost.body
    );
    let page = b.get(good.location()).await;
    assert!(page.body.contains("Defaults saved."), "{}", page.body);
    assert!(page.body.contains(r#"value="warm""#), "{}", page.body);
    let reset = b
        .post(
            "/settings/defaults",
            &[
                ("content.word_count", ""),
                ("ideas.per_cluster", "5"),
                ("content.tone", "warm"),
                ("images.enabled", "on"),
            ],
        )
        .await;
    assert_eq!(reset.status, 303, "{}", reset.body);
    let (_, settings) = s.get(&token, "/api/v1/system/settings/").await;
    assert_eq!(
        value(&settings, "content.word_count")["is_set"],
        false,
        "{settings}"
    );
    assert_eq!(
        value(&settings, "images.enabled")["value"],
        true,
        "{settings}"
    );

    // A viewer reads the defaults and the providers, and changes neither.
    add_member(&s, &token, "settings-viewer@example.com", "viewer").await;
    let mut viewer = Browser::new(&s);
    viewer
        .sign_in("settings-viewer@example.com", "password123")
        .await;
    let page = viewer.get("/settings").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Admins of the account change them."),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(r#"action="/settings/defaults""#),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(r#"action="/settings/providers/"#),
        "{}",
        page.body
    );
    assert!(page.body.contains("gpt-4o-mini"), "{}", page.body);
    let refused = viewer
        .post("/settings/defaults", &[("ideas.per_cluster", "7")])
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let refused = viewer
        .post("/settings/providers/openai/disconnect", &[])
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);

    // Disconnecting deletes the key.
    let gone = b.post("/settings/providers/openai/disconnect", &[]).await;
    assert_eq!(gone.status, 303, "{}", gone.body);
    let (_, after) = s.get(&token, "/api/v1/system/integrations/").await;
    assert_eq!(after["data"], json!([]), "{after}");
    let unknown = b
        .post("/settings/providers/nonsense", &[("api_key", "x")])
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    s.close().await;
}

async fn billing_shows_the_balance_the_plan_what_ai_used_and_the_ledger(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    b.sign_up("billing@example.com", "Billing").await;
    let token = api_token(&s, "billing@example.com").await;
    let (_, me) = s.get(&token, "/api/v1/auth/me/").await;
    let account = igny8_core::AccountId(me["data"]["account_id"].as_i64().unwrap());
    let (_, balance) = s.get(&token, "/api/v1/billing/balance/").await;
    let credits = balance["data"]["credits"].as_i64().unwrap();
    assert!(credits > 0, "{balance}");

    // Nothing used yet: the ledger has the sign-up grant, the usage says so.
    let page = b.get("/billing").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let shown = igny8_server::web::table::number(credits);
    assert!(
        page.body
            .contains(&format!(r#"<p class="big">{shown}</p>"#)),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("No AI work in the last 30 days."),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"class="badge grant""#),
        "{}",
        page.body
    );
    assert!(page.body.contains("Plan limits"), "{}", page.body);

    // Two model calls today: summed per operation, in dollars and credits, and listed.
    let scope = igny8_core::tenancy::Scope::system(account);
    for (input, cost, credits) in [(1200, 2_340, 5), (800, 1_000, 3)] {
        s.state
            .core
            .credits()
            .record_usage(
                &scope,
                igny8_core::credits::NewUsage {
                    operation: "generate_content".into(),
                    provider: "openai".into(),
                    model: "gpt-4o-mini".into(),
                    input_tokens: input,
                    output_tokens: 500,
                    cost_micros: cost,
                    credits,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    let page = b.get("/billing").await;
    assert!(
        page.body.contains(r#"<a href="/billing/usage?operation=generate_content">Generate content</a></td><td class="num">2</td><td class="num minor">2,000</td><td class="num minor">1,000</td><td class="num">$0.0033</td><td class="num">8</td>"#),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("credits used in 2 model calls"),
        "{}",
        page.body
    );
    let usage = b.get("/billing/usage").await;
    assert_eq!(usage.status, 200, "{}", usage.body);
    assert!(
        usage.body.contains("openai · gpt-4o-mini"),
        "{}",
        usage.body
    );
    assert!(usage.body.contains("1,200"), "{}", usage.body);
    assert!(usage.body.contains("$0.0023"), "{}", usage.body);
    let none = b.get("/billing/usage?operation=generate_ideas").await;
    assert!(
        none.body.contains("No call matches these filters."),
        "{}",
        none.body
    );
    let holds = b.get("/billing?kind=hold").await;
    assert!(
        holds.body.contains("No entry of this kind."),
        "{}",
        holds.body
    );
    let bad = b.get("/billing?kind=free-money").await;
    assert_eq!(bad.status, 400, "{}", bad.body);

    // Another account sees its own billing only.
    let mut other = Browser::new(&s);
    other.sign_up("billing-other@example.com", "Other").await;
    let theirs = other.get("/billing").await;
    assert!(
        theirs.body.contains("No AI work in the last 30 days."),
        "{}",
        theirs.body
    );
    let theirs = other.get("/billing/usage").await;
    assert!(!theirs.body.contains("gpt-4o-mini"), "{}", theirs.body);
    s.close().await;
}

async fn people_are_added_changed_and_removed_and_keys_shown_once(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    b.sign_up("team-owner@example.com", "Team").await;
    let token = api_token(&s, "team-owner@example.com").await;
    let page = b.get("/team").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Ada (you)"), "{}", page.body);
    assert!(
        page.body.contains(r#"class="badge owner""#),
        "{}",
        page.body
    );

    // Adding a person: a bad email is said beside the field and adds nobody.
    let bad = b
        .post(
            "/team",
            &[
                ("email", "not-an-email"),
                ("name", "Bo"),
                ("role", "editor"),
                ("password", "password123"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains(r#"id="person-e-email""#), "{}", bad.body);
    assert!(
        bad.body.contains(r#"value="Bo""#),
        "what was typed stays: {}",
        bad.body
    );
    let added = b
        .post(
            "/team",
            &[
                ("email", "bo@example.com"),
                ("name", "Bo"),
                ("role", "editor"),
                ("password", "password123"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let page = b.get(added.location()).await;
    assert!(page.body.contains("Added."), "{}", page.body);
    let (_, users) = s.get(&token, "/api/v1/auth/users/").await;
    let bo = users["data"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "bo@example.com")
        .cloned()
        .unwrap();
    assert_eq!(bo["role"], "editor", "{users}");
    let bo_id = bo["id"].to_string();
    let mut bo_browser = Browser::new(&s);
    let signed = bo_browser.sign_in("bo@example.com", "password123").await;
    assert_eq!(signed.status, 303, "{}", signed.body);

    // A new role for the selected; the last owner can't be removed.
    let changed = b
        .post(
            "/team/bulk-update",
            &[
                ("ids", &bo_id),
                ("action", "role"),
                ("role", "viewer"),
                ("back", "/team"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(changed.location(), "/team?done=people-changed&n=1");
    let (_, got) = s.get(&token, &format!("/api/v1/auth/users/{bo_id}/")).await;
    assert_eq!(got["data"]["role"], "viewer", "{got}");
    let (_, me) = s.get(&token, "/api/v1/auth/me/").await;
    let me_id = me["data"]["id"].to_string();
    let refused = b
        .post("/team/bulk-delete", &[("ids", &me_id), ("back", "/team")])
        .await;
    assert!(refused.status >= 400, "{}", refused.body);
    assert!(
        refused.body.contains("Nothing was changed."),
        "{}",
        refused.body
    );
    let (_, users) = s.get(&token, "/api/v1/auth/users/").await;
    assert_eq!(users["data"]["count"], 2, "{users}");

    // A viewer reads the team, sees no write controls and no keys.
    let page = bo_browser.get("/team").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains("Add a person"), "{}", page.body);
    let keys = bo_browser.get("/team/keys").await;
    assert_eq!(keys.status, 403, "{}", keys.body);
    assert!(
        keys.body
            .contains("Only the account&#39;s admins and owners see its API keys."),
        "{}",
        keys.body
    );

    // Deactivated, Bo can't sign in.
    let off = b
        .post(
            "/team/bulk-update",
            &[("ids", &bo_id), ("action", "deactivate")],
        )
        .await;
    assert_eq!(off.status, 303, "{}", off.body);
    let mut again = Browser::new(&s);
    let refused = again.sign_in("bo@example.com", "password123").await;
    assert_ne!(refused.status, 303, "{}", refused.body);

    // Keys: an expiry in the past is refused beside the field; a good key's secret is shown
    // once, works with the API, and stops working when revoked.
    let empty = b.get("/team/keys").await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(empty.body.contains("No API keys yet."), "{}", empty.body);
    let past = b
        .post(
            "/team/keys",
            &[
                ("name", "CI"),
                ("role", "editor"),
                ("site_id", ""),
                ("expires", "2001-01-01"),
            ],
        )
        .await;
    assert_eq!(past.status, 422, "{}", past.body);
    assert!(past.body.contains(r#"id="key-e-expires""#), "{}", past.body);
    let made = b
        .post(
            "/team/keys",
            &[
                ("name", "CI"),
                ("role", "editor"),
                ("site_id", ""),
                ("expires", ""),
            ],
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let at = made
        .body
        .find(r#"<code id="secret">"#)
        .expect("the secret is shown")
        + r#"<code id="secret">"#.len();
    let secret = made.body[at..].split('<').next().unwrap().to_owned();
    assert!(secret.len() > 20, "{secret}");
    assert!(
        made.body.contains(r##"data-copy="#secret""##),
        "{}",
        made.body
    );
    let with_key = async |secret: &str| {
        s.client
            .get("/api/v1/auth/sites/")
            .header("authorization", format!("Api-Key {secret}"))
            .send()
            .await
            .0
            .status()
            .as_u16()
    };
    assert_eq!(with_key(&secret).await, 200, "the key works");
    let list = b.get("/team/keys").await;
    assert!(
        !list.body.contains(&secret),
        "the secret is shown once: {}",
        list.body
    );
    assert!(list.body.contains("Works"), "{}", list.body);
    let (_, keys) = s.get(&token, "/api/v1/auth/api-keys/").await;
    let key_id = keys["data"]["results"][0]["id"].to_string();
    let revoked = b
        .post(
            "/team/keys/revoke",
            &[("ids", &key_id), ("back", "/team/keys")],
        )
        .await;
    assert_eq!(revoked.status, 303, "{}", revoked.body);
    assert_eq!(with_key(&secret).await, 401, "a revoked key is refused");
    let list = b.get("/team/keys").await;
    assert!(list.body.contains("Revoked "), "{}", list.body);

    // Another account's key ids are not found, and nothing changes.
    let mut other = Browser::new(&s);
    other.sign_up("team-other@example.com", "Other").await;
    other.get("/team/keys").await;
    let foreign = other
        .post(
            "/team/keys/revoke",
            &[("ids", &key_id), ("back", "/team/keys")],
        )
        .await;
    assert_eq!(foreign.status, 404, "{}", foreign.body);
    s.close().await;
}

async fn images_are_shown_to_their_account_edited_and_drawn_cost_first(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, sector) =
        account_with_keywords(&s, &mut b, "images@example.com", &grinders(1)).await;
    let (status, article) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/content/",
            json!({"sector_id": sector, "title": "Burr grinders", "html": "<p>Text</p>"}),
        )
        .await;
    assert_eq!(status, 201, "{article}");
    let article = article["data"]["id"].as_i64().unwrap();
    let page = b.get(&format!("/writer/content/{article}")).await;
    assert!(page.body.contains("No images yet."), "{}", page.body);
    assert!(page.body.contains("Write image prompts"), "{}", page.body);

    // Writing the prompts shows its cost first.
    let cost = b
        .post(
            "/writer/content/prompts",
            &[
                ("ids", &article.to_string()),
                ("back", &format!("/writer/content/{article}")),
            ],
        )
        .await;
    assert_eq!(cost.status, 200, "{}", cost.body);
    assert!(
        cost.body.contains("The image prompts of the article"),
        "{}",
        cost.body
    );
    assert!(cost.body.contains("Write the prompts"), "{}", cost.body);

    // Two images: one drawn to a file, one waiting.
    let mut ids = Vec::new();
    for (kind, prompt) in [
        ("featured", "A burr grinder on a <b>kitchen</b> counter"),
        ("in_article", "Coffee grounds, close up"),
    ] {
        let (status, image) = s
            .send(
                "POST",
                &token,
                "/api/v1/writer/images/",
                json!({"sector_id": sector, "content_id": article, "kind": kind, "position": 0, "prompt": prompt}),
            )
            .await;
        assert_eq!(status, 201, "{image}");
        ids.push(image["data"]["id"].as_i64().unwrap());
    }
    let (_, me) = s.get(&token, "/api/v1/auth/me/").await;
    let account = igny8_core::AccountId(me["data"]["account_id"].as_i64().unwrap());
    let scope = igny8_core::tenancy::Scope::system(account);
    let media = std::path::PathBuf::from(&s.state.core.ai_config().media_dir);
    let stored = format!("{}/image-{}.png", account.get(), ids[0]);
    std::fs::create_dir_all(media.join(account.get().to_string())).unwrap();
    let png = b"\x89PNG\r\n\x1a\nnot really a picture";
    std::fs::write(media.join(&stored), png).unwrap();
    for status in [
        igny8_core::writer::ImageStatus::Generating,
        igny8_core::writer::ImageStatus::Generated,
    ] {
        s.state
            .core
            .images()
            .update(
                &scope,
                igny8_core::ImageId(ids[0]),
                igny8_core::writer::ImagePatch {
                    status: Some(status),
                    file_path: Some(Some(stored.clone())),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }

    let list = b.get("/writer/images").await;
    assert_eq!(list.status, 200, "{}", list.body);
    let src = format!(r#"<img src="/writer/images/{}/file""#, ids[0]);
    assert!(list.body.contains(&src), "{}", list.body);
    assert!(list.body.contains("Not drawn yet"), "{}", list.body);
    assert!(
        list.body
            .contains("A burr grinder on a &#60;b&#62;kitchen&#60;/b&#62; counter"),
        "a prompt is text: {}",
        list.body
    );
    let file = s
        .client
        .get(format!("/writer/images/{}/file", ids[0]))
        .header("cookie", b.cookie_header())
        .send()
        .await;
    assert_eq!(file.0.status().as_u16(), 200);
    assert_eq!(
        file.0
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap(),
        "image/png"
    );
    assert_eq!(file.0.into_body().into_vec().await.unwrap(), png);
    let page = b.get(&format!("/writer/content/{article}")).await;
    assert!(page.body.contains(&src), "{}", page.body);
    assert!(page.body.contains("Draw 1 with AI"), "{}", page.body);

    // The alt text is edited on the image's page; markup is refused and changes nothing.
    let refused = b
        .post(
            &format!("/writer/images/{}", ids[0]),
            &[
                ("prompt", "A burr grinder"),
                ("negative_prompt", ""),
                ("alt_text", "<script>x</script>"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains(r#"id="image-e-alt_text""#),
        "{}",
        refused.body
    );
    let saved = b
        .post(
            &format!("/writer/images/{}", ids[0]),
            &[
                ("prompt", "A burr grinder, morning light"),
                ("negative_prompt", "text, logos"),
                ("alt_text", "A steel burr grinder"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let (_, got) = s
        .get(&token, &format!("/api/v1/writer/images/{}/", ids[0]))
        .await;
    assert_eq!(got["data"]["alt_text"], "A steel burr grinder", "{got}");
    assert_eq!(got["data"]["negative_prompt"], "text, logos", "{got}");

    // Drawing the waiting one shows its cost first; without a provider the start says how to
    // connect one.
    let cost = b
        .post(
            "/writer/images/draw",
            &[("ids", &ids[1].to_string()), ("action", "draw")],
        )
        .await;
    assert_eq!(cost.status, 200, "{}", cost.body);
    assert!(cost.body.contains("The image</strong>"), "{}", cost.body);
    let start = b
        .post(
            "/writer/images/draw/start",
            &[("ids", &ids[1].to_string()), ("action", "draw")],
        )
        .await;
    assert_ne!(start.status, 303, "{}", start.body);
    assert!(
        start.body.contains("Connect a provider in Settings"),
        "{}",
        start.body
    );

    // Another account sees neither the images nor their pictures.
    let mut other = Browser::new(&s);
    other.sign_up("images-other@example.com", "Other").await;
    let theirs = other.get(&format!("/writer/images/{}/file", ids[0])).await;
    assert_eq!(theirs.status, 404, "{}", theirs.body);
    let theirs = other.get(&format!("/writer/images/{}", ids[0])).await;
    assert_eq!(theirs.status, 404, "{}", theirs.body);
    let theirs = other.get("/writer/images").await;
    assert!(!theirs.body.contains("burr grinder"), "{}", theirs.body);
    s.close().await;
}

async fn prompts_authors_and_strategies_are_written_and_checked(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, sector) =
        account_with_keywords(&s, &mut b, "thinker@example.com", &grinders(1)).await;

    // Prompts: the shipped one beside the account's; a variable the prompt doesn't offer is
    // refused beside the field and saves nothing.
    let list = b.get("/thinker/prompts").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(
        list.body.matches("The shipped one").count(),
        6,
        "{}",
        list.body
    );
    let page = b.get("/thinker/prompts/content").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("<code>{{primary_keyword}}</code>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"<pre class="prompt">"#),
        "{}",
        page.body
    );
    let bad = b
        .post(
            "/thinker/prompts/content",
            &[("template", "Write about {{title}} for {{reader_age}}.")],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body.contains(r#"id="prompt-e-template""#),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("reader_age"), "{}", bad.body);
    assert!(
        bad.body
            .contains("Write about {{title}} for {{reader_age}}."),
        "what was typed stays: {}",
        bad.body
    );
    let (_, prompts) = s.get(&token, "/api/v1/thinker/prompts/").await;
    assert_eq!(prompts["data"], json!([]), "{prompts}");
    let saved = b
        .post(
            "/thinker/prompts/content",
            &[(
                "template",
                "Write about {{title}} in {{language}}.\r\nBe brief.",
            )],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let (_, prompts) = s.get(&token, "/api/v1/thinker/prompts/").await;
    assert_eq!(
        prompts["data"][0]["template"], "Write about {{title}} in {{language}}.\nBe brief.",
        "{prompts}"
    );
    let list = b.get("/thinker/prompts").await;
    assert_eq!(
        list.body.matches("The shipped one").count(),
        5,
        "{}",
        list.body
    );
    let reset = b.post("/thinker/prompts/content/reset", &[]).await;
    assert_eq!(reset.status, 303, "{}", reset.body);
    let (_, prompts) = s.get(&token, "/api/v1/thinker/prompts/").await;
    assert_eq!(prompts["data"], json!([]), "{prompts}");
    let unknown = b.get("/thinker/prompts/poetry").await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);

    // Image testing: its cost first; a prompt is required; without an image provider it says
    // how to connect one, and charges nothing.
    let page = b.get("/thinker/image-testing").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Each test costs"), "{}", page.body);
    let empty = b
        .post("/thinker/image-testing", &[("prompt", " "), ("size", "")])
        .await;
    assert_eq!(empty.status, 422, "{}", empty.body);
    assert!(
        empty.body.contains(r#"id="test-e-prompt""#),
        "{}",
        empty.body
    );
    let (_, before) = s.get(&token, "/api/v1/billing/balance/").await;
    let refused = b
        .post(
            "/thinker/image-testing",
            &[("prompt", "A burr grinder"), ("size", "")],
        )
        .await;
    assert_ne!(refused.status, 200, "{}", refused.body);
    assert!(
        refused.body.contains("Settings › AI providers"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("A burr grinder"),
        "what was typed stays: {}",
        refused.body
    );
    let (_, after) = s.get(&token, "/api/v1/billing/balance/").await;
    assert_eq!(before["data"]["credits"], after["data"]["credits"]);

    // Author profiles: a name is required; a profile made is offered in the settings.
    let empty = b.get("/thinker/authors").await;
    assert!(
        empty.body.contains("No author profiles yet."),
        "{}",
        empty.body
    );
    let bad = b
        .post(
            "/thinker/authors",
            &[("name", "  "), ("tone", "warm"), ("is_active", "on")],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains(r#"id="author-e-name""#), "{}", bad.body);
    assert!(bad.body.contains(r#"value="warm""#), "{}", bad.body);
    let made = b
        .post(
            "/thinker/authors",
            &[
                ("name", "Barista Bea"),
                ("tone", "warm and practical"),
                ("language", "English"),
                ("description", "A barista of ten years."),
                ("is_active", "on"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let author = made
        .location()
        .split('/')
        .nth(3)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let (_, got) = s
        .get(
            &token,
            &format!("/api/v1/thinker/author-profiles/{author}/"),
        )
        .await;
    assert_eq!(got["data"]["tone"], "warm and practical", "{got}");
    let settings = b.get("/settings").await;
    assert!(
        settings
            .body
            .contains(&format!(r#"<option value="{author}">Barista Bea</option>"#)),
        "{}",
        settings.body
    );
    let saved = b
        .post(
            &format!("/thinker/authors/{author}"),
            &[("name", "Barista Bea"), ("tone", "dry"), ("language", "")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let (_, got) = s
        .get(
            &token,
            &format!("/api/v1/thinker/author-profiles/{author}/"),
        )
        .await;
    assert_eq!(
        (
            got["data"]["tone"].as_str(),
            got["data"]["language"].as_str(),
            got["data"]["is_active"].as_bool()
        ),
        (Some("dry"), None, Some(false)),
        "{got}"
    );

    // Strategies: sections one a line, extra instructions per prompt, for a sector.
    let made = b
        .post(
            "/thinker/strategies",
            &[
                ("name", "Buying guides"),
                ("sector_id", &sector.to_string()),
                ("guidance", "Readers are about to buy."),
                (
                    "sections",
                    "Introduction\r\n\r\nWhat to look for\r\nOur picks\r\n",
                ),
                ("extra_content", "End with a short checklist."),
                ("is_active", "on"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let (_, got) = s.get(&token, "/api/v1/thinker/strategies/").await;
    let strategy = &got["data"]["results"][0];
    assert_eq!(
        strategy["section_structure"],
        json!(["Introduction", "What to look for", "Our picks"]),
        "{got}"
    );
    assert_eq!(
        strategy["prompt_customisations"],
        json!({"content": "End with a short checklist."}),
        "{got}"
    );
    assert_eq!(strategy["sector_id"], sector, "{got}");
    let page = b
        .get(&format!("/thinker/strategies/{}", strategy["id"]))
        .await;
    assert!(
        page.body.contains("End with a short checklist."),
        "{}",
        page.body
    );

    // Another account can't see them; deleting the profile empties the list.
    let mut other = Browser::new(&s);
    other.sign_up("thinker-other@example.com", "Other").await;
    let theirs = other.get(&format!("/thinker/authors/{author}")).await;
    assert_eq!(theirs.status, 404, "{}", theirs.body);
    let theirs = other
        .get(&format!("/thinker/strategies/{}", strategy["id"]))
        .await;
    assert_eq!(theirs.status, 404, "{}", theirs.body);
    let gone = b
        .post("/thinker/authors/bulk-delete", &[("ids", &author)])
        .await;
    assert_eq!(gone.status, 303, "{}", gone.body);
    let (_, got) = s.get(&token, "/api/v1/thinker/author-profiles/").await;
    assert_eq!(got["data"]["count"], 0, "{got}");
    s.close().await;
}

async fn automation_rules_preview_their_runs_and_runs_show_their_stages(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, sector) =
        account_with_keywords(&s, &mut b, "automation@example.com", &grinders(3)).await;
    let (_, got) = s
        .get(&token, &format!("/api/v1/auth/sectors/{sector}/"))
        .await;
    let site = got["data"]["site_id"].to_string();
    let empty = b.get("/automation").await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(empty.body.contains("No rules yet."), "{}", empty.body);
    let form = b.get("/automation/rules/new").await;
    assert_eq!(form.status, 200, "{}", form.body);

    // Every problem beside its field; nothing made.
    let bad = b
        .post(
            "/automation/rules",
            &[
                ("name", "Mornings"),
                ("site_id", &site),
                ("sector_id", ""),
                ("stages", "cluster"),
                ("items_per_run", "5"),
                ("keywords_per_run", "lots"),
                ("cluster_mode", "local"),
                ("schedule", "cron"),
                ("cron", "0 9 * *"),
                ("timezone", "Mars/Olympus"),
                ("publish_mode", "draft"),
                ("slots", ""),
                ("is_active", "on"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body.contains(r#"id="rule-e-keywords_per_run""#),
        "{}",
        bad.body
    );
    let bad = b
        .post(
            "/automation/rules",
            &[
                ("name", "Mornings"),
                ("site_id", &site),
                ("sector_id", ""),
                ("stages", "cluster"),
                ("items_per_run", "5"),
                ("keywords_per_run", "100"),
                ("cluster_mode", "local"),
                ("schedule", "cron"),
                ("cron", "0 9 * *"),
                ("timezone", "Mars/Olympus"),
                ("publish_mode", "schedule"),
                ("slots", "someday"),
                ("is_active", "on"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    for field in ["cron", "timezone", "slots"] {
        assert!(
            bad.body.contains(&format!(r#"id="rule-e-{field}""#)),
            "{field}: {}",
            bad.body
        );
    }
    assert!(bad.body.contains(r#"value="Mars/Olympus""#), "{}", bad.body);
    let (_, rules) = s.get(&token, "/api/v1/automation/rules/").await;
    assert_eq!(rules["data"]["count"], 0, "{rules}");

    // A good rule: its next five runs and slots in its own time zone.
    let made = b
        .post(
            "/automation/rules",
            &[
                ("name", "Weekday mornings"),
                ("site_id", &site),
                ("sector_id", &sector.to_string()),
                ("stages", "cluster"),
                ("stages", "ideas"),
                ("items_per_run", "5"),
                ("keywords_per_run", "100"),
                ("cluster_mode", "local"),
                ("ideas_per_cluster", ""),
                ("schedule", "cron"),
                ("cron", "0 9 * * mon-fri"),
                ("timezone", "Europe/Berlin"),
                ("budget_per_month", "50"),
                ("publish_mode", "schedule"),
                ("slots", "mon 09:00\r\nfri 17:30\r\n"),
                ("is_active", "on"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let page = b.get(made.location()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let times = page
        .body
        .split(r#"<ol class="times">"#)
        .nth(1)
        .unwrap()
        .split("</ol>")
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(times.matches("<li>").count(), 5, "{times}");
    assert!(
        times.contains("09:00 CET") || times.contains("09:00 CEST"),
        "{times}"
    );
    assert!(
        !times.contains("Sat") && !times.contains("Sun"),
        "weekdays only: {times}"
    );
    assert!(page.body.contains("17:30"), "{}", page.body);
    let (_, rules) = s.get(&token, "/api/v1/automation/rules/").await;
    let rule = &rules["data"]["results"][0];
    assert_eq!(rule["stages"], json!(["cluster", "ideas"]), "{rules}");
    assert_eq!(
        rule["publish_slots"],
        json!(["mon 09:00", "fri 17:30"]),
        "{rules}"
    );
    assert_eq!(rule["ideas_per_cluster"], Value::Null, "{rules}");
    let id = rule["id"].to_string();

    // Paused, it has no next runs; run by hand, its run shows.
    let paused = b
        .post(
            "/automation/rules/pause",
            &[("ids", &id), ("action", "pause")],
        )
        .await;
    assert_eq!(paused.status, 303, "{}", paused.body);
    let page = b.get(&format!("/automation/rules/{id}")).await;
    assert!(
        page.body.contains("Paused: the schedule doesn't run it."),
        "{}",
        page.body
    );
    let list = b.get("/automation").await;
    assert!(list.body.contains("Paused"), "{}", list.body);
    let run = b.post(&format!("/automation/rules/{id}/run"), &[]).await;
    assert_eq!(run.status, 303, "{}", run.body);
    assert!(
        run.location().starts_with("/automation/runs/"),
        "{}",
        run.location()
    );
    let page = b.get(run.location()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Weekday mornings"), "{}", page.body);
    let run_id = run
        .location()
        .split('/')
        .nth(3)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let cancelled = b
        .post(&format!("/automation/runs/{run_id}/cancel"), &[])
        .await;
    assert_eq!(cancelled.status, 303, "{}", cancelled.body);
    let (_, got) = s
        .get(&token, &format!("/api/v1/automation/runs/{run_id}/"))
        .await;
    assert_eq!(got["data"]["job"]["status"], "cancelled", "{got}");

    // Another account finds neither.
    let mut other = Browser::new(&s);
    other.sign_up("automation-other@example.com", "Other").await;
    assert_eq!(
        other.get(&format!("/automation/rules/{id}")).await.status,
        404
    );
    assert_eq!(
        other
            .get(&format!("/automation/runs/{run_id}"))
            .await
            .status,
        404
    );
    let refused = other
        .post(&format!("/automation/rules/{id}/run"), &[])
        .await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    s.close().await;
}

async fn operators_manage_accounts_credits_and_plans_and_nobody_else_does(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut customer = Browser::new(&s);
    customer
        .sign_up("customer@example.com", "Acme Coffee")
        .await;
    let token = api_token(&s, "customer@example.com").await;
    let (_, me) = s.get(&token, "/api/v1/auth/me/").await;
    let account = me["data"]["account_id"].to_string();
    let page = customer.get("/operator").await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(
        !customer
            .get("/dashboard")
            .await
            .body
            .contains("Operator console")
    );
    let refused = customer
        .post(
            &format!("/operator/accounts/{account}/credits"),
            &[("kind", "grant"), ("amount", "1000000"), ("reason", "me")],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);

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
    let mut ops = Browser::new(&s);
    let signed = ops.sign_in("ops@example.com", "password123").await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let home = ops.get("/").await;
    assert_eq!(home.location(), "/operator");
    let list = ops.get("/operator").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("Acme Coffee"), "{}", list.body);
    assert!(list.body.contains("Operator console"), "{}", list.body);
    assert!(
        ops.get("/operator?search=ACME")
            .await
            .body
            .contains("Acme Coffee")
    );
    let none = ops.get("/operator?search=tea").await;
    assert!(
        none.body.contains("No account matches these filters."),
        "{}",
        none.body
    );

    // Credits: a bad amount is said beside it; a grant shows in the balance and the ledger.
    let path = format!("/operator/accounts/{account}");
    let (_, before) = s.get(&token, "/api/v1/billing/balance/").await;
    let before = before["data"]["credits"].as_i64().unwrap();
    let bad = ops
        .post(
            &format!("{path}/credits"),
            &[
                ("kind", "grant"),
                ("amount", "lots"),
                ("reason", "Goodwill"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body.contains(r#"id="credits-e-amount""#),
        "{}",
        bad.body
    );
    let posted = ops
        .post(
            &format!("{path}/credits"),
            &[
                ("kind", "grant"),
                ("amount", "1,000"),
                ("reason", "Goodwill for the outage"),
            ],
        )
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let (_, after) = s.get(&token, "/api/v1/billing/balance/").await;
    assert_eq!(after["data"]["credits"].as_i64().unwrap(), before + 1000);
    let page = ops.get(&path).await;
    assert!(
        page.body.contains("Goodwill for the outage"),
        "{}",
        page.body
    );
    assert!(page.body.contains("customer@example.com"), "{}", page.body);
    assert!(
        page.body
            .contains(&format!(r#"href="/operator/jobs?account_id={account}""#)),
        "{}",
        page.body
    );

    // Jobs across accounts: a failed one says why; the customer can't look.
    let jobs = s.state.core.jobs();
    let customer_scope =
        igny8_core::tenancy::Scope::system(igny8_core::AccountId(account.parse().unwrap()));
    let new_job = |kind| igny8_core::jobs::NewJob {
        kind,
        site_id: None,
        payload: json!({"ids": [1]}),
        max_attempts: Some(1),
        run_after: None,
    };
    jobs.enqueue(
        &customer_scope,
        new_job(igny8_core::jobs::JobKind::GenerateContent),
    )
    .await
    .unwrap();
    let claimed = jobs
        .claim("test-worker", &[], std::time::Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    jobs.finish(
        claimed.id,
        "test-worker",
        &igny8_core::jobs::Outcome::Failed {
            error: "The provider refused the key: quota exceeded.".into(),
            retry_after_secs: None,
        },
    )
    .await
    .unwrap();
    jobs.enqueue(
        &customer_scope,
        new_job(igny8_core::jobs::JobKind::AutoCluster),
    )
    .await
    .unwrap();
    let all = ops.get("/operator/jobs").await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert!(
        all.body.contains("quota exceeded") && all.body.contains("Acme Coffee"),
        "{}",
        all.body
    );
    let failed = ops.get("/operator/jobs?status=failed").await;
    assert!(failed.body.contains("quota exceeded"), "{}", failed.body);
    assert!(
        !failed.body.contains("Waiting for a worker"),
        "{}",
        failed.body
    );
    let theirs = ops
        .get(&format!(
            "/operator/jobs?account_id={account}&status=queued"
        ))
        .await;
    assert!(
        theirs.body.contains("Jobs of the account “Acme Coffee”.")
            && theirs.body.contains("Waiting for a worker"),
        "{}",
        theirs.body
    );
    assert_eq!(customer.get("/operator/jobs").await.status, 403);
    let (status, _) = s.get(&token, "/api/v1/operator/jobs/").await;
    assert_eq!(status, 403);

    // Suspended, the customer reads but writes nothing.
    let plan = me["data"]["plan_id"].to_string();
    let plan = if plan == "null" {
        let (_, b) = s.get(&token, "/api/v1/billing/balance/").await;
        b["data"]["plan_id"].to_string()
    } else {
        plan
    };
    let suspended = ops
        .post(
            &path,
            &[
                ("name", "Acme Coffee"),
                ("plan_id", &plan),
                ("status", "suspended"),
            ],
        )
        .await;
    assert_eq!(suspended.status, 303, "{}", suspended.body);
    let (status, _) = s
        .send(
            "POST",
            &token,
            "/api/v1/auth/sites/",
            json!({"name": "Blog", "url": "https://example.com"}),
        )
        .await;
    assert_eq!(status, 403, "a suspended account writes nothing");
    assert_eq!(
        customer.get("/dashboard").await.status,
        200,
        "and still reads"
    );

    // Plans: made, listed, changed.
    let made = ops
        .post(
            "/operator/plans",
            &[
                ("name", "Pro"),
                ("slug", "pro"),
                ("monthly_credits", "5000"),
                ("limits.max_sites", "10"),
                ("limits.max_users", ""),
                ("limits.max_sectors_per_site", ""),
                ("limits.max_keywords", ""),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let plans = ops.get("/operator/plans").await;
    assert!(plans.body.contains(">Pro</a>"), "{}", plans.body);
    let bad = ops
        .post(
            "/operator/plans",
            &[
                ("name", "Team"),
                ("slug", "Team Plan!"),
                ("monthly_credits", "x"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body.contains(r#"id="plan-e-monthly_credits""#),
        "{}",
        bad.body
    );

    let health = ops.get("/operator/health").await;
    assert_eq!(health.status, 200, "{}", health.body);
    assert!(health.body.contains("answers ("), "{}", health.body);
    assert_eq!(customer.get("/operator/health").await.status, 403);

    // Deleting asks for the account's name.
    let kept = ops
        .post(&format!("{path}/delete"), &[("confirm_name", "Acme")])
        .await;
    assert_eq!(kept.status, 422, "{}", kept.body);
    assert_eq!(ops.get(&path).await.status, 200, "still there");
    let gone = ops
        .post(
            &format!("{path}/delete"),
            &[("confirm_name", "Acme Coffee")],
        )
        .await;
    assert_eq!(gone.status, 303, "{}", gone.body);
    assert_eq!(ops.get(&path).await.status, 404);
    s.close().await;
}

async fn a_task_is_given_its_author_and_strategy_and_links_its_article(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, sector) =
        account_with_keywords(&s, &mut b, "tasks@example.com", &grinders(1)).await;
    let (_, author) = s
        .send(
            "POST",
            &token,
            "/api/v1/thinker/author-profiles/",
            json!({"name": "Barista Bea"}),
        )
        .await;
    let author = author["data"]["id"].to_string();
    let (_, strategy) = s
        .send(
            "POST",
            &token,
            "/api/v1/thinker/strategies/",
            json!({"name": "Guides", "sector_id": sector}),
        )
        .await;
    let strategy = strategy["data"]["id"].to_string();
    let (_, other_sector) = s
        .send("POST", &token, "/api/v1/auth/sectors/", json!({"site_id": s.get(&token, &format!("/api/v1/auth/sectors/{sector}/")).await.1["data"]["site_id"], "name": "Tea"}))
        .await;
    s.send(
        "POST",
        &token,
        "/api/v1/thinker/strategies/",
        json!({"name": "Tea only", "sector_id": other_sector["data"]["id"]}),
    )
    .await;
    let (status, task) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/tasks/",
            json!({"sector_id": sector, "title": "Burr grinders"}),
        )
        .await;
    assert_eq!(status, 201, "{task}");
    let id = task["data"]["id"].to_string();
    let list = b.get("/writer/tasks").await;
    assert!(
        list.body.contains(&format!(
            r#"<a href="/writer/tasks/{id}" hx-boost="false">Burr grinders</a>"#
        )),
        "{}",
        list.body
    );
    let page = b.get(&format!("/writer/tasks/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(">Barista Bea</option>"), "{}", page.body);
    assert!(page.body.contains(">Guides</option>"), "{}", page.body);
    assert!(
        !page.body.contains(">Tea only</option>"),
        "another sector's strategy: {}",
        page.body
    );

    // A bad length is said beside it and changes nothing.
    let fields = |words: &str| {
        vec![
            ("title", "Burr grinders, compared".to_owned()),
            ("brief", "For beginners.".to_owned()),
            ("keywords", "burr grinder, conical burr".to_owned()),
            ("content_type", "post".to_owned()),
            ("content_structure", "comparison".to_owned()),
            ("target_word_count", words.to_owned()),
            ("author_profile_id", author.clone()),
            ("strategy_id", strategy.clone()),
        ]
    };
    let bad = fields("a lot");
    let bad = b.post(&format!("/writer/tasks/{id}"), &refs(&bad)).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body.contains(r#"id="task-e-target_word_count""#),
        "{}",
        bad.body
    );
    let (_, got) = s.get(&token, &format!("/api/v1/writer/tasks/{id}/")).await;
    assert_eq!(got["data"]["title"], "Burr grinders", "{got}");
    let good = fields("1,200");
    let saved = b.post(&format!("/writer/tasks/{id}"), &refs(&good)).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let (_, got) = s.get(&token, &format!("/api/v1/writer/tasks/{id}/")).await;
    let t = &got["data"];
    assert_eq!(t["title"], "Burr grinders, compared", "{got}");
    assert_eq!(t["target_word_count"], 1200, "{got}");
    assert_eq!(
        t["keywords"],
        json!(["burr grinder", "conical burr"]),
        "{got}"
    );
    assert_eq!(t["content_structure"], "comparison", "{got}");
    assert_eq!(t["author_profile_id"].to_string(), author, "{got}");
    assert_eq!(t["strategy_id"].to_string(), strategy, "{got}");

    // Its article, once written, is linked.
    let (status, article) = s
        .send(
            "POST",
            &token,
            "/api/v1/writer/content/",
            json!({"sector_id": sector, "task_id": task["data"]["id"], "title": "Burr grinders, compared", "html": "<p>Text</p>"}),
        )
        .await;
    assert_eq!(status, 201, "{article}");
    let page = b.get(&format!("/writer/tasks/{id}")).await;
    assert!(
        page.body.contains(&format!(
            r#"<a href="/writer/content/{}">"#,
            article["data"]["id"]
        )),
        "{}",
        page.body
    );
    let mut other = Browser::new(&s);
    other.sign_up("tasks-other@example.com", "Other").await;
    assert_eq!(other.get(&format!("/writer/tasks/{id}")).await.status, 404);
    s.close().await;
}

/// Form fields built at run time, as `post` takes them.
fn refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn competing_pages_are_shown_with_what_to_do(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, sector) =
        account_with_keywords(&s, &mut b, "overlaps@example.com", &grinders(1)).await;
    let empty = b.get("/planner/overlaps").await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(empty.body.contains("Nothing on "), "{}", empty.body);
    let mut ids = Vec::new();
    for (title, keyword) in [
        ("Burr grinders, compared", "burr grinders"),
        ("Our grinder picks", "Burr grinder"),
    ] {
        let (status, made) = s
            .send(
                "POST",
                &token,
                "/api/v1/writer/content/",
                json!({"sector_id": sector, "title": title, "html": "<p>Text</p>",
                       "primary_keyword": keyword}),
            )
            .await;
        assert_eq!(status, 201, "{made}");
        ids.push(made["data"]["id"].as_i64().unwrap());
    }
    let ideas = b.get("/planner/ideas").await;
    assert!(
        ideas
            .body
            .contains(r#"<a href="/planner/overlaps">Ideas and articles that compete</a>"#),
        "{}",
        ideas.body
    );
    let page = b.get("/planner/overlaps").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("1 pair on "), "{}", page.body);
    assert!(
        page.body
            .contains("<strong>Same main keyword</strong> · suggested: Retarget"),
        "{}",
        page.body
    );
    for id in &ids {
        assert!(
            page.body
                .contains(&format!("<a href=\"/writer/content/{id}\">")),
            "{}",
            page.body
        );
    }
    assert!(
        page.body.contains("Shared keywords: burr grinders"),
        "{}",
        page.body
    );
    // An article's page says what it competes with.
    let article = b.get(&format!("/writer/content/{}", ids[1])).await;
    assert_eq!(article.status, 200, "{}", article.body);
    assert!(
        article
            .body
            .contains("<h2 id=\"competing-heading\">Competing pages</h2>")
            && article
                .body
                .contains(&format!("<a href=\"/writer/content/{}\">", ids[0])),
        "{}",
        article.body
    );
    // An idea for what a post of the site's WordPress covers: queued all the same, then the
    // site's report, which names the post and links it.
    let (_, sites) = s.get(&token, "/api/v1/auth/sites/").await;
    let site = sites["data"]["results"][0]["id"].as_i64().unwrap();
    let (status, body) = s
        .send(
            "PUT",
            &token,
            &format!("/api/v1/auth/sites/{site}/links/"),
            json!({"pages": [{"kind": "post", "wp_id": 31, "url": "https://cafe.example/hand-grinders/",
                              "title": "The best hand grinders", "keywords": []}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, idea) = s
        .send(
            "POST",
            &token,
            "/api/v1/planner/ideas/",
            json!({"sector_id": sector, "title": "Hand grinders for travel",
                   "target_keywords": ["hand grinder"]}),
        )
        .await;
    assert_eq!(status, 201, "{idea}");
    let idea = idea["data"]["id"].as_i64().unwrap().to_string();
    let queued = b
        .post(
            "/planner/ideas/queue",
            &[("ids", idea.as_str()), ("back", "/planner/ideas")],
        )
        .await;
    assert_eq!(queued.status, 303, "{}", queued.body);
    assert_eq!(
        queued.location(),
        format!("/planner/overlaps?site_id={site}&done=ideas-queued-competing&n=1")
    );
    let report = b.get(queued.location()).await;
    assert!(
        report.body.contains(
            "1 idea queued to the writer. Pages of the site already target the same searches"
        ),
        "{}",
        report.body
    );
    assert!(
        report.body.contains(
            "<span class=\"hint\">WordPress post</span> <a href=\"https://cafe.example/hand-grinders/\" hx-boost=\"false\">The best hand grinders</a>"
        ),
        "{}",
        report.body
    );
    let (_, tasks) = s.get(&token, "/api/v1/writer/tasks/").await;
    assert_eq!(tasks["data"]["count"], 1, "queued all the same: {tasks}");

    // A site that isn't the account's: not found, nothing shown.
    let other = b.get("/planner/overlaps?site_id=999999").await;
    assert_eq!(other.status, 404, "{}", other.body);
    assert!(!other.body.contains("Burr grinders, compared"));
}

async fn the_link_inventory_is_shown_and_links_back_are_inserted(backend: Backend) {
    let Some(s) = server(backend, |_| {}).await else {
        return;
    };
    let mut b = Browser::new(&s);
    let (token, sector) =
        account_with_keywords(&s, &mut b, "inventory@example.com", &grinders(1)).await;
    let (_, sites) = s.get(&token, "/api/v1/auth/sites/").await;
    let site = sites["data"]["results"][0]["id"].as_i64().unwrap();
    // Nothing known, not connected: the page says what to do, and offers no sync.
    let empty = b.get(&format!("/sites/{site}/links")).await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(
        empty
            .body
            .contains("Connect the site&#39;s WordPress first"),
        "{}",
        empty.body
    );
    assert!(!empty.body.contains("Sync now"), "{}", empty.body);
    let (status, body) = s
        .send(
            "PUT",
            &token,
            &format!("/api/v1/auth/sites/{site}/links/"),
            json!({"pages": [
                {"kind": "post", "wp_id": 12, "url": "https://example.com/burr-grinders/",
                 "title": "Burr grinders for <espresso>", "keywords": ["grinders"]},
                {"kind": "category", "wp_id": 3, "url": "https://example.com/category/coffee/",
                 "title": "Coffee"},
            ]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let shown = b.get(&format!("/sites/{site}/links")).await;
    assert!(shown.body.contains("2 pages"), "{}", shown.body);
    // Titles are plain text: markup in one is dropped, never run.
    assert!(
        shown.body.contains(
            r#"<a href="https://example.com/burr-grinders/" hx-boost="false">Burr grinders for</a>"#
        ),
        "{}",
        shown.body
    );
    let posts = b.get(&format!("/sites/{site}/links?kind=category")).await;
    assert!(
        posts.body.contains("Coffee") && !posts.body.contains("burr-grinders"),
        "{}",
        posts.body
    );
    let bad = b.get(&format!("/sites/{site}/links?kind=video")).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    let site_page = b.get(&format!("/sites/{site}")).await;
    assert!(
        site_page
            .body
            .contains("Link inventory: 2 pages of WordPress known"),
        "{}",
        site_page.body
    );
    // Another account's site: not found.
    let mut eve = Browser::new(&s);
    eve.sign_up("eve-inventory@example.com", "Eve").await;
    assert_eq!(eve.get(&format!("/sites/{site}/links")).await.status, 404);

    // An older article that uses the new one's keyword gets a link back, on request.
    let mut ids = Vec::new();
    for (title, html, keyword, url) in [
        (
            "Grinder settings for burr grinders",
            "<p>Every burr grinder needs care.</p>",
            "grinder settings",
            "https://example.com/settings/",
        ),
        (
            "Choosing a burr grinder",
            "<p>Burrs.</p>",
            "burr grinder",
            "https://example.com/choosing/",
        ),
    ] {
        let (status, made) = s
            .send("POST", &token, "/api/v1/writer/content/",
                json!({"sector_id": sector, "title": title, "html": html, "primary_keyword": keyword}))
            .await;
        assert_eq!(status, 201, "{made}");
        let id = made["data"]["id"].as_i64().unwrap();
        let (status, body) = s
            .send(
                "PATCH",
                &token,
                &format!("/api/v1/writer/content/{id}/"),
                json!({"status": "published", "wp_url": url}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        ids.push(id);
    }
    let page = b.get(&format!("/writer/content/{}", ids[1])).await;
    assert!(page.body.contains("Links to this article"), "{}", page.body);
    assert!(
        page.body.contains("Every burr grinder needs care."),
        "{}",
        page.body
    );
    let inserted = b
        .post(
            &format!("/writer/content/{}/links-back", ids[1]),
            &[("content_id", &ids[0].to_string())],
        )
        .await;
    assert_eq!(inserted.status, 303, "{}", inserted.body);
    assert_eq!(
        inserted.location(),
        format!("/writer/content/{}?done=link-inserted", ids[0])
    );
    let older = b.get(inserted.location()).await;
    assert!(
        older.body.contains(
            r#"Every <a href="https://example.com/choosing/">burr grinder</a> needs care."#
        ),
        "{}",
        older.body
    );
    assert!(
        older.body.contains("Publish the article again"),
        "{}",
        older.body
    );
    // Again: refused in words, nothing changed.
    let again = b
        .post(
            &format!("/writer/content/{}/links-back", ids[1]),
            &[("content_id", &ids[0].to_string())],
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("already links"), "{}", again.body);
}
