//! Streamed downloads that both transports offer (the API's `planner/keywords/export/` and the
//! web app's "Download CSV"): checked before the first byte, then written as the core reads.

use igny8_core::Igny8;
use igny8_core::list::PageRequest;
use igny8_core::planner::{KeywordFilter, KeywordSort};
use igny8_core::tenancy::Scope;

/// The keywords matching `filter` as CSV. Refusals (role, bad filter) come back as an error
/// before anything is sent; a failure part-way is logged and ends the download early.
pub async fn keywords_csv(
    core: &Igny8,
    scope: Scope,
    filter: KeywordFilter,
) -> igny8_core::Result<poem::Body> {
    let probe = PageRequest {
        with_total: false,
        ..PageRequest::new(1, 1)
    };
    core.keywords()
        .list(&scope, &filter, &KeywordSort::default(), &probe)
        .await?;
    let (writer, reader) = tokio::io::duplex(256 * 1024);
    let core = core.clone();
    tokio::spawn(async move {
        let mut writer = writer;
        if let Err(e) = core.keywords().export(&scope, &filter, &mut writer).await {
            tracing::error!(error = %e, "keyword export failed part-way");
        }
    });
    Ok(poem::Body::from_async_read(reader))
}
