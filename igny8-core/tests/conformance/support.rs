//! Shared set-up for the conformance cases.

use std::sync::Arc;

use igny8_core::ai::AiConfig;
use igny8_core::testing::fake_ai::FakeAi;
use igny8_core::{Igny8, ManualClock, SqlStore, StoreOptions};

pub(crate) use igny8_core::testing::Tenant;

pub(crate) async fn tenant(core: &Igny8, name: &str, credits: i64) -> Tenant {
    igny8_core::testing::tenant(core, name, credits)
        .await
        .expect("tenant")
}

/// Imports `text` as a file into the tenant's sector.
pub(crate) async fn import(
    core: &Igny8,
    t: &Tenant,
    text: &str,
) -> igny8_core::planner::ImportReport {
    core.keywords()
        .import(
            &t.scope,
            t.sector,
            std::io::Cursor::new(text.as_bytes().to_vec()),
        )
        .await
        .expect("import")
}

/// A second core over `core`'s database, on a clock the test moves, showing `start`.
pub(crate) async fn on_clock(
    core: &Igny8,
    start: chrono::DateTime<chrono::Utc>,
) -> (Igny8, ManualClock) {
    let clock = ManualClock::new(start);
    let mut options = StoreOptions::new(core.store().database_url());
    options.migrate = false;
    let store = SqlStore::open(&options)
        .await
        .unwrap()
        .with_clock(Arc::new(clock.clone()));
    (Igny8::with_store(store), clock)
}

/// The core with its AI calls going to `fake` and images written under `media`.
pub(crate) fn with_fake(core: &Igny8, fake: &FakeAi, media: &std::path::Path) -> Igny8 {
    core.clone().with_ai(AiConfig {
        openai_base_url: fake.base_url(),
        openai_api_key: Some("sk-test".into()),
        openai_model: "gpt-4o-mini".into(),
        timeout_secs: 10,
        max_attempts: 2,
        media_dir: media.to_string_lossy().into_owned(),
        ..AiConfig::default()
    })
}
