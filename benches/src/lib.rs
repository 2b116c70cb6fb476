//! Shared set-up of IGNY8's benchmarks (`cargo bench -p benches`).
//!
//! Sizes follow `IGNY8_BENCH_SCALE`: unset or `full` for the figures in docs/performance.md
//! (1,000,000 keywords), `ci` for a quick run that only proves the benchmarks work.

use std::fmt::Write as _;

/// Whether the benchmarks run at full size.
pub fn full_scale() -> bool {
    !matches!(std::env::var("IGNY8_BENCH_SCALE").as_deref(), Ok("ci"))
}

/// `full` at full scale, else `ci`.
pub fn scaled(full: usize, ci: usize) -> usize {
    if full_scale() { full } else { ci }
}

const HEADS: &[&str] = &[
    "faucet",
    "sink",
    "shower",
    "toilet",
    "bathtub",
    "tile",
    "grout",
    "cabinet",
    "countertop",
    "backsplash",
    "dishwasher",
    "oven",
    "fridge",
    "microwave",
    "blender",
    "kettle",
    "toaster",
    "coffee maker",
    "espresso machine",
    "grinder",
    "knife",
    "cutting board",
    "pan",
    "skillet",
    "wok",
    "pot",
    "dutch oven",
    "mixer",
    "scale",
    "thermometer",
    "hose",
    "sprinkler",
    "lawn mower",
    "trimmer",
    "leaf blower",
    "shovel",
    "rake",
    "wheelbarrow",
    "planter",
    "compost bin",
    "drill",
    "saw",
    "hammer",
    "screwdriver",
    "wrench",
    "ladder",
    "paint",
    "brush",
    "roller",
    "sander",
];
const MODIFIERS: &[&str] = &[
    "best",
    "cheap",
    "stainless steel",
    "black",
    "white",
    "small",
    "large",
    "portable",
    "electric",
    "cordless",
    "commercial",
    "outdoor",
    "indoor",
    "modern",
    "vintage",
    "smart",
    "quiet",
    "heavy duty",
    "compact",
    "professional",
];
const TAILS: &[&str] = &[
    "",
    "for sale",
    "reviews",
    "near me",
    "replacement",
    "parts",
    "repair",
    "installation",
    "how to clean",
    "vs",
    "price",
    "brands",
    "under 100",
    "for beginners",
    "2025",
    "with warranty",
    "set",
    "kit",
    "ideas",
    "guide",
];
const INTENTS: &[&str] = &[
    "Informational",
    "Commercial",
    "Transactional",
    "Navigational",
];

/// The `i`-th of a deterministic set of realistic long-tail keywords (unique for
/// `i < 50 × 20 × 20 × 1000`).
pub fn keyword(i: usize) -> String {
    let head = HEADS[i % HEADS.len()];
    let modifier = MODIFIERS[(i / HEADS.len()) % MODIFIERS.len()];
    let tail = TAILS[(i / (HEADS.len() * MODIFIERS.len())) % TAILS.len()];
    let n = i / (HEADS.len() * MODIFIERS.len() * TAILS.len());
    let mut k = format!("{modifier} {head}");
    if !tail.is_empty() {
        k.push(' ');
        k.push_str(tail);
    }
    if n > 0 {
        let _ = write!(k, " {n}");
    }
    k
}

/// A Semrush-style export of `n` keywords.
pub fn csv(n: usize) -> Vec<u8> {
    let mut out = String::with_capacity(n * 64);
    out.push_str("Keyword,Intent,Volume,Keyword Difficulty,CPC (USD)\n");
    for i in 0..n {
        let volume = (i * 7919) % 100_000;
        let _ = writeln!(
            out,
            "{},{},{},{},{}.{:02}",
            keyword(i),
            INTENTS[i % 4],
            volume,
            (i * 31) % 101,
            (i * 13) % 20,
            i % 100
        );
    }
    out.into_bytes()
}

/// A tokio runtime for the async benchmarks.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A fresh database of `backend` with one tenant (`None` when the backend isn't configured).
pub async fn fresh(
    backend: igny8_core::Backend,
) -> Option<(
    igny8_core::testing::TestDatabase,
    igny8_core::Igny8,
    igny8_core::testing::Tenant,
)> {
    let db = igny8_core::testing::TestDatabase::create(backend)
        .await
        .expect("test database")?;
    let core = igny8_core::Igny8::open(igny8_core::CoreConfig::new(db.url.clone()))
        .await
        .expect("open");
    let tenant = igny8_core::testing::tenant(&core, "Bench", 0)
        .await
        .expect("tenant");
    Some((db, core, tenant))
}

/// Closes the core and drops its database.
pub async fn discard(db: igny8_core::testing::TestDatabase, core: igny8_core::Igny8) {
    core.store().close().await;
    db.drop_database().await.expect("drop the bench database");
}
