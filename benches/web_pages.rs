//! The web app's heaviest pages as a person gets them: the keyword list and the dashboard of an
//! account holding 1,000,000 keywords (4 sectors of 250,000), rendered by the whole server in
//! process — session cookie, rate limit, the core's queries, the template — on SQLite, and on
//! PostgreSQL when `IGNY8_TEST_POSTGRES_URL` is set.
//!
//! Besides criterion's figures, each page's server time at the 50th and 95th percentile over
//! 200 requests is printed (issue 14's aim: under 30 ms at the 95th), and the bytes of script
//! and style a first visit loads (aim: under 100 KB). `*_after_change` pages follow a change to
//! one keyword, so that the list's total and the dashboard's figures are counted afresh.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use benches::{csv, runtime, scaled};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use igny8_core::planner::KeywordPatch;
use igny8_core::tenancy::{NewSector, NewSite, Scope};
use igny8_core::testing::TestDatabase;
use igny8_core::{Backend, KeywordId, SectorId};
use igny8_server::{AppState, Settings, app};
use poem::endpoint::BoxEndpoint;
use poem::http::{Method, header};
use poem::{Endpoint, EndpointExt, Request};

const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "a bench passphrase";

/// The server in process, signed in as the account's owner.
struct Web {
    app: BoxEndpoint<'static, poem::Response>,
    state: AppState,
    cookies: RefCell<Vec<(String, String)>>,
    csrf: RefCell<String>,
    scope: Scope,
    sector: SectorId,
    changed: KeywordId,
    db: TestDatabase,
}

impl Web {
    fn cookie(&self) -> String {
        self.cookies
            .borrow()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&self, req: Request) -> (u16, String) {
        let resp = self.app.get_response(req).await;
        let status = resp.status().as_u16();
        for value in resp.headers().get_all(header::SET_COOKIE) {
            let value = value.to_str().expect("ascii cookie");
            let pair = value.split(';').next().unwrap_or_default();
            if let Some((name, v)) = pair.split_once('=') {
                let mut cookies = self.cookies.borrow_mut();
                cookies.retain(|(k, _)| k != name);
                cookies.push((name.to_owned(), v.to_owned()));
            }
        }
        let body = resp.into_body().into_string().await.expect("a text body");
        if let Some(at) = body.find(r#"name="csrf_token" value=""#) {
            let rest = &body[at + r#"name="csrf_token" value=""#.len()..];
            *self.csrf.borrow_mut() = rest[..rest.find('"').unwrap_or(0)].to_owned();
        }
        (status, body)
    }

    async fn get(&self, path: &str) -> (u16, String) {
        let req = Request::builder()
            .uri_str(path)
            .header(header::COOKIE, self.cookie())
            .finish();
        self.send(req).await
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let csrf = self.csrf.borrow().clone();
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                fields
                    .iter()
                    .copied()
                    .chain([("csrf_token", csrf.as_str())]),
            )
            .finish();
        let req = Request::builder()
            .method(Method::POST)
            .uri_str(path)
            .header(header::COOKIE, self.cookie())
            .content_type("application/x-www-form-urlencoded")
            .body(body);
        self.send(req).await
    }

    /// A page that must answer 200; its body.
    async fn page(&self, path: &str) -> String {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }
}

/// A server over a fresh database of `backend`, an account signed up through the web, and
/// `total` keywords imported into it.
async fn fixture(backend: Backend, total: usize) -> Option<Web> {
    let db = TestDatabase::create(backend)
        .await
        .expect("test database")?;
    let mut settings = Settings {
        database_url: db.url.clone().into(),
        secret_key: Some(igny8_core::crypto::SecretBox::generate_key().into()),
        jwt_secret: Some("a bench secret that is long enough for hs256".into()),
        worker: false,
        ..Settings::default()
    };
    settings.rate_limits.read = 1_000_000;
    settings.rate_limits.write = 1_000_000;
    settings.rate_limits.auth = 1_000;
    let state = AppState::open(settings).await.expect("server state");
    let mut web = Web {
        app: app(state.clone()).map_to_response().boxed(),
        state,
        cookies: RefCell::new(Vec::new()),
        csrf: RefCell::new(String::new()),
        scope: Scope::system(igny8_core::AccountId(0)),
        sector: SectorId(0),
        changed: KeywordId(0),
        db,
    };
    web.get("/sign-up").await;
    let (status, body) = web
        .post(
            "/sign-up",
            &[
                ("account_name", "Bench"),
                ("name", "Ada"),
                ("email", EMAIL),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 303, "sign-up: {body}");
    let core = web.state.core.clone();
    let user = core
        .tenancy()
        .authenticate(EMAIL, PASSWORD)
        .await
        .expect("the new owner");
    web.scope = Scope::system(user.account_id.expect("an account"));
    let site = core
        .tenancy()
        .create_site(
            &web.scope,
            NewSite {
                name: "Bench site".into(),
                url: None,
                industry: None,
                is_active: None,
            },
        )
        .await
        .expect("site");
    let file = csv(total / 4);
    for i in 0..4 {
        let sector = core
            .tenancy()
            .create_sector(
                &web.scope,
                NewSector {
                    site_id: site.id,
                    name: format!("Sector {i}"),
                    description: None,
                    is_active: None,
                },
            )
            .await
            .expect("sector");
        if i == 0 {
            web.sector = sector.id;
        }
        core.keywords()
            .import(&web.scope, sector.id, std::io::Cursor::new(file.clone()))
            .await
            .expect("import");
    }
    web.changed = core
        .keywords()
        .list(
            &web.scope,
            &Default::default(),
            &Default::default(),
            &igny8_core::list::PageRequest::new(1, 1),
        )
        .await
        .expect("a keyword")
        .items[0]
        .id;
    Some(web)
}

/// Changes one keyword, so that kept totals and figures are counted again.
async fn touch(web: &Web, difficulty: &mut i64) {
    *difficulty = (*difficulty + 1) % 100;
    let patch = KeywordPatch {
        difficulty: Some(Some(*difficulty)),
        ..KeywordPatch::default()
    };
    web.state
        .core
        .keywords()
        .update(&web.scope, web.changed, patch)
        .await
        .expect("update");
}

/// Server time of `n` requests of `path` (after a warm-up), sorted.
async fn timings(web: &Web, path: &str, n: usize, change_first: bool) -> Vec<Duration> {
    let mut difficulty = 0;
    web.page(path).await;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        if change_first {
            touch(web, &mut difficulty).await;
        }
        let start = Instant::now();
        web.page(path).await;
        out.push(start.elapsed());
    }
    out.sort_unstable();
    out
}

fn at(sorted: &[Duration], percentile: usize) -> f64 {
    let i = (sorted.len() * percentile / 100).min(sorted.len() - 1);
    sorted[i].as_secs_f64() * 1000.0
}

/// The bytes of script and style the page at `path` loads (its `/static/` files).
async fn asset_bytes(web: &Web, path: &str) -> (usize, Vec<String>) {
    let html = web.page(path).await;
    let mut files = Vec::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find("\"/static/") {
        let tail = &rest[at + 1..];
        let end = tail.find('"').unwrap_or(tail.len());
        let file = &tail[..end];
        if (file.ends_with(".js") || file.ends_with(".css")) && !files.iter().any(|f| f == file) {
            files.push(file.to_owned());
        }
        rest = &tail[end..];
    }
    let mut total = 0;
    for file in &files {
        total += web.page(file).await.len();
    }
    (total, files)
}

fn web_pages(c: &mut Criterion) {
    let total = scaled(1_000_000, 2_000);
    let samples = scaled(200, 20);
    let rt = runtime();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if backend != Backend::Sqlite && std::env::var("IGNY8_TEST_POSTGRES_URL").is_err() {
            continue;
        }
        let web = rt
            .block_on(fixture(backend, total))
            .expect("backend configured");
        let filtered = format!(
            "/planner/keywords?sector_id={}&status=pending&order=-volume",
            web.sector.get()
        );
        let pages = [
            ("keywords", "/planner/keywords".to_owned()),
            ("keywords_filtered", filtered),
            ("dashboard", "/dashboard".to_owned()),
        ];
        let (bytes, files) = rt.block_on(asset_bytes(&web, "/planner/keywords"));
        println!(
            "web_page/{}: a first visit loads {:.1} KB of script and style ({})",
            backend.as_str(),
            bytes as f64 / 1024.0,
            files.join(", ")
        );
        for (name, path) in &pages {
            for after_change in [false, true] {
                let t = rt.block_on(timings(&web, path, samples, after_change));
                println!(
                    "web_page/{}/{name}{}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms over {} requests ({} keywords)",
                    backend.as_str(),
                    if after_change { "_after_change" } else { "" },
                    at(&t, 50),
                    at(&t, 95),
                    at(&t, 100),
                    t.len(),
                    total,
                );
            }
        }
        let mut group = c.benchmark_group(format!("web_page/{}", backend.as_str()));
        group.sample_size(20);
        for (name, path) in &pages {
            group.bench_function(*name, |b| {
                b.iter(|| rt.block_on(web.page(path)));
            });
            let mut difficulty = 0;
            group.bench_function(format!("{name}_after_change"), |b| {
                b.iter_batched(
                    || rt.block_on(touch(&web, &mut difficulty)),
                    |()| rt.block_on(web.page(path)),
                    BatchSize::PerIteration,
                );
            });
        }
        group.finish();
        rt.block_on(async {
            web.state.core.store().close().await;
            web.db
                .drop_database()
                .await
                .expect("drop the bench database");
        });
    }
}

criterion_group!(benches, web_pages);
criterion_main!(benches);
