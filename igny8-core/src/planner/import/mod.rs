//! Keyword CSV import: format detection, streamed parsing, validation, and batched writes.
//!
//! The file is parsed on a blocking thread while the store writes the previous batch, so
//! parsing and writing overlap; a bounded channel between them keeps memory flat whatever the
//! file's size. Every row that can't be kept is reported with its line number and reason; the
//! good rows are kept. A file whose format can't be recognised is refused before anything is
//! written, and an import either completes or writes nothing (one transaction).

mod background;
pub mod reader;

use serde::{Deserialize, Serialize};
use tokio::io::AsyncRead;
use tokio::sync::mpsc;

pub use background::ImportJobPayload;
pub(crate) use background::{enqueue as enqueue_background, run as run_background};
pub use reader::SourceFormat;
use reader::{KeywordFileReader, ReadError, RowOutcome};

use super::keyword::{KeywordDraft, KeywordMetrics, ValidKeyword};
use crate::error::{Error, Result};

/// Rows written per batch.
pub const BATCH_SIZE: usize = 1000;
/// Row errors kept in a report (the count covers all of them).
pub const MAX_REPORTED_ERRORS: usize = 1000;
/// Batches parsed ahead of the writer.
const QUEUE_DEPTH: usize = 4;

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowIssue {
    /// 1-based line in the file.
    pub line: u64,
    /// Why the row was not imported, in words.
    pub message: String,
}

/// One valid row and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRecord {
    /// 1-based line in the file.
    pub line: u64,
    /// The keyword.
    pub keyword: ValidKeyword,
}

/// Valid rows handed to the store together.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportBatch {
    /// The rows, in file order.
    pub records: Vec<ImportRecord>,
}

/// What the store wrote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportTotals {
    /// New keywords.
    pub imported: u64,
    /// Rows merged into a keyword that already existed (in the sector, or earlier in the file).
    pub merged: u64,
    /// Rows the store refused (e.g. over the plan's keyword limit).
    pub rejected: Vec<RowIssue>,
}

/// The outcome of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// The layout recognised, e.g. `semrush`.
    pub format: String,
    /// New keywords.
    pub imported: u64,
    /// Rows merged into an existing keyword.
    pub merged: u64,
    /// Rows not imported: invalid, or refused by the store (past the plan's keyword limit).
    pub rejected: u64,
    /// Why (the first [`MAX_REPORTED_ERRORS`] rows), by line.
    pub errors: Vec<RowIssue>,
}

impl ImportReport {
    /// The recognised layout as people call it ("Semrush Keyword Magic Tool").
    pub fn format_label(&self) -> &str {
        reader::SourceFormat::from_id(&self.format)
            .map(|f| f.label())
            .unwrap_or(&self.format)
    }
}

/// What the parsing thread found.
struct ParseOutcome {
    rejected: u64,
    errors: Vec<RowIssue>,
}

fn note(outcome: &mut ParseOutcome, line: u64, message: String) {
    outcome.rejected += 1;
    if outcome.errors.len() < MAX_REPORTED_ERRORS {
        outcome.errors.push(RowIssue { line, message });
    }
}

fn read_error(e: ReadError) -> Error {
    match e {
        ReadError::Io(io) => Error::Io(io),
        other => Error::field("file", other.to_string()),
    }
}

/// Parses `source` and feeds `write` with validated batches. `write` runs the store's import;
/// it is only called once the file's format was recognised.
pub(crate) async fn run<R, W, F>(source: R, write: W) -> Result<ImportReport>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: FnOnce(mpsc::Receiver<Result<ImportBatch>>) -> F,
    F: std::future::Future<Output = Result<ImportTotals>>,
{
    let (opened_tx, opened_rx) = tokio::sync::oneshot::channel::<Result<SourceFormat>>();
    let (batch_tx, batch_rx) = mpsc::channel::<Result<ImportBatch>>(QUEUE_DEPTH);
    let handle = tokio::runtime::Handle::current();
    let parser = tokio::task::spawn_blocking(move || {
        let bridge = tokio_util::io::SyncIoBridge::new_with_handle(source, handle);
        let reader =
            match KeywordFileReader::open(std::io::BufReader::with_capacity(256 * 1024, bridge)) {
                Ok(r) => r,
                Err(e) => {
                    let _ = opened_tx.send(Err(read_error(e)));
                    return None;
                }
            };
        let _ = opened_tx.send(Ok(reader.format()));
        let mut outcome = ParseOutcome {
            rejected: 0,
            errors: Vec::new(),
        };
        let mut batch = ImportBatch::default();
        for item in reader {
            match item {
                Err(e) => {
                    // A failure to read mid-file aborts the import: the store rolls back.
                    let _ = batch_tx.blocking_send(Err(read_error(e)));
                    return Some(outcome);
                }
                Ok(RowOutcome::Rejected(r)) => note(&mut outcome, r.line, r.message),
                Ok(RowOutcome::Row(row)) => {
                    let draft = KeywordDraft {
                        keyword: row.keyword,
                        metrics: KeywordMetrics {
                            volume: row.volume,
                            difficulty: row.difficulty,
                            cpc: row.cpc,
                            intent: row.intent,
                        },
                    };
                    match draft.validate() {
                        Ok(keyword) => batch.records.push(ImportRecord {
                            line: row.line,
                            keyword,
                        }),
                        Err(problems) => {
                            let message = problems
                                .iter()
                                .map(|p| {
                                    if p.message == "no keyword" {
                                        p.message.clone()
                                    } else {
                                        format!("{}: {}", p.field, p.message)
                                    }
                                })
                                .collect::<Vec<_>>()
                                .join("; ");
                            note(&mut outcome, row.line, message);
                        }
                    }
                    if batch.records.len() >= BATCH_SIZE
                        && batch_tx
                            .blocking_send(Ok(std::mem::take(&mut batch)))
                            .is_err()
                    {
                        // The writer stopped (it failed); its error is reported.
                        return Some(outcome);
                    }
                }
            }
        }
        if !batch.records.is_empty() {
            let _ = batch_tx.blocking_send(Ok(batch));
        }
        Some(outcome)
    });
    let format = match opened_rx.await {
        Ok(Ok(format)) => format,
        Ok(Err(e)) => return Err(e),
        Err(_) => return Err(Error::Internal("the import parser stopped".into())),
    };
    let written = write(batch_rx).await;
    let parsed = parser
        .await
        .map_err(|e| Error::Internal(format!("the import parser failed: {e}")))?;
    let totals = written?;
    let mut parsed = parsed.ok_or_else(|| Error::Internal("the import parser stopped".into()))?;
    for issue in totals.rejected.iter().cloned() {
        note(&mut parsed, issue.line, issue.message);
    }
    parsed.errors.sort_by_key(|e| e.line);
    Ok(ImportReport {
        format: format.as_str().to_owned(),
        imported: totals.imported,
        merged: totals.merged,
        rejected: parsed.rejected,
        errors: parsed.errors,
    })
}
