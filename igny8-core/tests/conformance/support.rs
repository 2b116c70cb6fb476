//! Shared set-up for the conformance cases.

use igny8_core::Igny8;

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
