//! IGNY8's hosted API server (poem + poem-openapi) over igny8-core.
//!
//! Not built yet: the REST API under `/api/v1/` is the subject of its own issue. Until then this
//! binary only says so, so that the workspace layout is in place.

fn main() {
    eprintln!(
        "igny8-server: the hosted API is not built yet; see `cargo run --example quickstart`"
    );
    std::process::exit(2);
}
