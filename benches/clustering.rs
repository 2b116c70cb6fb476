//! Local clustering of 100,000 long-tail keywords: the planning step alone, and the whole
//! operation on SQLite (read the unclustered keywords, plan, create clusters, assign).

use std::time::{Duration, Instant};

use benches::{csv, discard, fresh, keyword, runtime, scaled};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use igny8_core::Backend;
use igny8_core::planner::clustering::{ClusterInput, LocalClusterOptions, plan_clusters};

fn clustering(c: &mut Criterion) {
    let n = scaled(100_000, 2_000);
    let texts: Vec<String> = (0..n).map(keyword).collect();
    let inputs: Vec<ClusterInput<'_>> = texts
        .iter()
        .enumerate()
        .map(|(i, k)| ClusterInput {
            id: i as i64,
            keyword: k,
            volume: ((i * 7919) % 100_000) as i64,
        })
        .collect();
    let options = LocalClusterOptions::default();
    let mut group = c.benchmark_group("local_clustering");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(n as u64));
    group.bench_function(format!("plan/{n}"), |b| {
        b.iter(|| plan_clusters(&inputs, &[], &options))
    });

    let rt = runtime();
    let file = csv(n);
    group.bench_function(format!("sqlite/{n}"), |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (db, core, t) = fresh(Backend::Sqlite).await.expect("SQLite");
                    let input = std::io::Cursor::new(file.clone());
                    core.keywords()
                        .import(&t.scope, t.sector, input)
                        .await
                        .unwrap();
                    let start = Instant::now();
                    let report = core
                        .clusters()
                        .cluster_locally(&t.scope, t.sector, &options)
                        .await
                        .unwrap();
                    total += start.elapsed();
                    assert_eq!(report.keywords_assigned, n as u64);
                    discard(db, core).await;
                }
                total
            })
        })
    });
    group.finish();
}

criterion_group!(benches, clustering);
criterion_main!(benches);
