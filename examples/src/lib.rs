//! Examples of embedding igny8-core live beside this crate (`cargo run --example quickstart`).
