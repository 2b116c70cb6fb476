//! A page of keywords in an account of 1,000,000 keywords (4 sectors of 250,000), ordered by
//! volume: the first page, a page half-way down by number (offset) and by cursor, account-wide
//! and filtered to one sector. SQLite, and PostgreSQL when `IGNY8_TEST_POSTGRES_URL` is set.
//! A total is counted once and kept while the keywords don't change: `first_page` reads it
//! from the cache, `first_page_after_change` counts afresh (a keyword changed just before).
//! The planner dashboard the same way: `dashboard` (keyword figures kept) and
//! `dashboard_after_change` (a keyword changed just before, so they are read again).

use benches::{csv, discard, fresh, runtime, scaled};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use igny8_core::list::PageRequest;
use igny8_core::planner::{DashboardFilter, KeywordFilter, KeywordPatch, KeywordSort};
use igny8_core::tenancy::{NewSector, Scope};
use igny8_core::testing::TestDatabase;
use igny8_core::{Backend, Igny8, SectorId};

const PAGE: u64 = 50;

struct Fixture {
    core: Igny8,
    scope: Scope,
    sector: SectorId,
    db: TestDatabase,
}

async fn fixture(backend: Backend, total: usize) -> Option<Fixture> {
    let (db, core, t) = fresh(backend).await?;
    let file = csv(total / 4);
    let input = std::io::Cursor::new(file.clone());
    core.keywords()
        .import(&t.scope, t.sector, input)
        .await
        .unwrap();
    for i in 1..4 {
        let new = NewSector {
            site_id: t.site,
            name: format!("S{i}"),
            description: None,
            is_active: None,
        };
        let sector = core.tenancy().create_sector(&t.scope, new).await.unwrap();
        let input = std::io::Cursor::new(file.clone());
        core.keywords()
            .import(&t.scope, sector.id, input)
            .await
            .unwrap();
    }
    Some(Fixture {
        core,
        scope: t.scope,
        sector: t.sector,
        db,
    })
}

/// Changes one keyword (its difficulty), so that kept totals and figures are read again.
fn touch(
    rt: &tokio::runtime::Runtime,
    f: &Fixture,
    id: igny8_core::KeywordId,
    difficulty: &mut i64,
) {
    *difficulty = (*difficulty + 1) % 100;
    let patch = KeywordPatch {
        difficulty: Some(Some(*difficulty)),
        ..KeywordPatch::default()
    };
    rt.block_on(f.core.keywords().update(&f.scope, id, patch))
        .unwrap();
}

/// The cursor of the page `depth` rows down, found by walking.
async fn cursor_at(f: &Fixture, filter: &KeywordFilter, sort: &KeywordSort, depth: u64) -> String {
    let step = depth.clamp(1, 1000);
    let mut page = PageRequest {
        with_total: false,
        ..PageRequest::new(1, step)
    };
    let mut seen = 0;
    loop {
        let p = f
            .core
            .keywords()
            .list(&f.scope, filter, sort, &page)
            .await
            .unwrap();
        seen += p.items.len() as u64;
        let next = p.next_cursor.expect("deep enough");
        if seen >= depth {
            return next;
        }
        page = PageRequest::after(next, step);
    }
}

fn pages(c: &mut Criterion) {
    let total = scaled(1_000_000, 4_000);
    let rt = runtime();
    let sort = KeywordSort::parse("-volume").unwrap();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if backend != Backend::Sqlite && std::env::var("IGNY8_TEST_POSTGRES_URL").is_err() {
            continue;
        }
        let f = rt
            .block_on(fixture(backend, total))
            .expect("backend configured");
        let mut group = c.benchmark_group(format!("keyword_page/{}", backend.as_str()));
        group.sample_size(30);
        let scopes = [
            ("account", KeywordFilter::default(), total as u64),
            (
                "sector",
                KeywordFilter {
                    sector_id: Some(f.sector),
                    ..Default::default()
                },
                total as u64 / 4,
            ),
        ];
        for (name, filter, rows) in scopes {
            let deep = rows / 2 / PAGE;
            group.bench_function(format!("{name}/first_page"), |b| {
                b.iter(|| {
                    rt.block_on(f.core.keywords().list(
                        &f.scope,
                        &filter,
                        &sort,
                        &PageRequest::new(1, PAGE),
                    ))
                    .unwrap()
                })
            });
            let changed = rt
                .block_on(
                    f.core
                        .keywords()
                        .list(&f.scope, &filter, &sort, &PageRequest::new(1, 1)),
                )
                .unwrap()
                .items[0]
                .id;
            let mut difficulty = 0;
            group.bench_function(format!("{name}/first_page_after_change"), |b| {
                b.iter_batched(
                    || touch(&rt, &f, changed, &mut difficulty),
                    |()| {
                        rt.block_on(f.core.keywords().list(
                            &f.scope,
                            &filter,
                            &sort,
                            &PageRequest::new(1, PAGE),
                        ))
                        .unwrap()
                    },
                    BatchSize::PerIteration,
                )
            });
            let dash = DashboardFilter {
                site_id: None,
                sector_id: filter.sector_id,
            };
            group.bench_function(format!("{name}/dashboard"), |b| {
                b.iter(|| {
                    rt.block_on(f.core.keywords().dashboard(&f.scope, dash))
                        .unwrap()
                })
            });
            group.bench_function(format!("{name}/dashboard_after_change"), |b| {
                b.iter_batched(
                    || touch(&rt, &f, changed, &mut difficulty),
                    |()| {
                        rt.block_on(f.core.keywords().dashboard(&f.scope, dash))
                            .unwrap()
                    },
                    BatchSize::PerIteration,
                )
            });
            group.bench_function(format!("{name}/first_page_no_total"), |b| {
                let req = PageRequest {
                    with_total: false,
                    ..PageRequest::new(1, PAGE)
                };
                b.iter(|| {
                    rt.block_on(f.core.keywords().list(&f.scope, &filter, &sort, &req))
                        .unwrap()
                })
            });
            group.bench_function(format!("{name}/offset_page_{deep}"), |b| {
                let req = PageRequest {
                    with_total: false,
                    ..PageRequest::new(deep, PAGE)
                };
                b.iter(|| {
                    rt.block_on(f.core.keywords().list(&f.scope, &filter, &sort, &req))
                        .unwrap()
                })
            });
            let cursor = rt.block_on(cursor_at(&f, &filter, &sort, deep * PAGE));
            group.bench_function(format!("{name}/cursor_at_{}", deep * PAGE), |b| {
                let req = PageRequest::after(cursor.clone(), PAGE);
                b.iter(|| {
                    rt.block_on(f.core.keywords().list(&f.scope, &filter, &sort, &req))
                        .unwrap()
                })
            });
        }
        group.finish();
        rt.block_on(discard(f.db, f.core));
    }
}

criterion_group!(benches, pages);
criterion_main!(benches);
