//! CSV import of 1,000,000 keywords (a Semrush-style export) into an empty sector, on SQLite
//! and — when `IGNY8_TEST_POSTGRES_URL` is set — PostgreSQL. Each sample gets a fresh database;
//! only the import is timed.

use std::time::{Duration, Instant};

use benches::{csv, discard, fresh, runtime, scaled};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use igny8_core::Backend;

async fn one_import(backend: Backend, file: &[u8]) -> Option<Duration> {
    let (db, core, t) = fresh(backend).await?;
    let input = std::io::Cursor::new(file.to_vec());
    let start = Instant::now();
    let report = core
        .keywords()
        .import(&t.scope, t.sector, input)
        .await
        .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(report.rejected, 0);
    discard(db, core).await;
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
