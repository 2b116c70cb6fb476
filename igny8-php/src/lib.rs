//! IGNY8 inside WordPress: the PHP extension (ext-php-rs) that embeds igny8-core, and the
//! WordPress plugin that uses it. Not built yet: it is the subject of its own issue. The crate
//! is outside the workspace's default members, so `cargo build` and `cargo test` need no PHP
//! headers.
