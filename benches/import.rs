//! CSV import of 1,000,000 keywords (a Semrush-style export) into an empty sector, on SQLite
//! and — when `IGNY8_TEST_POSTGRES_URL` is set — PostgreSQL. Each sample gets a fresh database;
//! only the import is timed.

use std::time::{Duration, Instant};

use benches::{csv, runtime, scaled};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use igny8_core::tenancy::{NewAccount, NewSector, NewSite, Scope};
use igny8_core::testing::TestDatabase;
use igny8_core::{Backend, CoreConfig, Igny8};

async fn one_import(backend: Backend, file: &[u8]) -> Option<Duration> {
    let db = TestDatabase::create(backend)
        .await
        .expect("test database")?;
    let core = Igny8::open(CoreConfig::new(db.url.clone()))
        .await
        .expect("open");
    let account = core
        .tenancy()
        .create_account(NewAccount {
            name: "Bench".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let scope = Scope::system(account.id);
    let site = core
        .tenancy()
        .create_site(
            &scope,
            NewSite {
                name: "S".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let sector = core
        .tenancy()
        .create_sector(
            &scope,
            NewSector {
                site_id: site.id,
                name: "X".into(),
                description: None,
                is_active: None,
            },
        )
        .await
        .unwrap();
    let input = std::io::Cursor::new(file.to_vec());
    let start = Instant::now();
    let report = core
        .keywords()
        .import(&scope, sector.id, input)
        .await
        .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(report.rejected, 0);
    core.store().close().await;
    db.drop_database().await.unwrap();
    Some(elapsed)
}

fn import(c: &mut Criterion) {
    let rows = scaled(1_000_000, 2_000);
    let file = csv(rows);
    let rt = runtime();
    let mut group = c.benchmark_group("import");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(rows as u64));
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if backend != Backend::Sqlite && std::env::var("IGNY8_TEST_POSTGRES_URL").is_err() {
            continue;
        }
        group.bench_function(format!("{}/{rows}", backend.as_str()), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        total += one_import(backend, &file)
                            .await
                            .expect("backend configured");
                    }
                    total
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
