//! Benchmarks live in this folder (`cargo bench -p benches`).
