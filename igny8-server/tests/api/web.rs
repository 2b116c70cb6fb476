//! The web app over poem's TestClient: sessions, form tokens, escaping, redirects, error pages
//! and static files, as a browser (or an attacker's page) meets them. The pages themselves
//! are looked at in a real browser by `tests/web/`.

use std::collections::BTreeMap;

use igny8_core::Backend;
use serde_json::json;

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
