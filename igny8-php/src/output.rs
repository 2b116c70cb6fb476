//! Core results as the REST API's JSON (then PHP arrays): serde's form of the core types,
//! without the `account_id` the API never shows (the whole extension is one account).

use igny8_core::list::Page;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::error::Failure;

/// One object.
pub(crate) fn one<T: Serialize>(item: &T) -> Result<Value, Failure> {
    let mut value = serde_json::to_value(item)
        .map_err(|e| Failure::internal(format!("cannot serialise a result: {e}")))?;
    if let Value::Object(map) = &mut value {
        map.remove("account_id");
    }
    Ok(value)
}

/// A list of objects.
pub(crate) fn many<T: Serialize>(items: &[T]) -> Result<Value, Failure> {
    items
        .iter()
        .map(one)
        .collect::<Result<_, _>>()
        .map(Value::Array)
}

/// A page: `['count' => int|null, 'results' => [...], 'page', 'page_size', 'next_cursor']`.
pub(crate) fn page<T: Serialize>(page: &Page<T>) -> Result<Value, Failure> {
    Ok(json!({
        "count": page.total,
        "results": many(&page.items)?,
        "page": page.page,
        "page_size": page.page_size,
        "next_cursor": page.next_cursor,
    }))
}

/// A page whose rows are rewritten by `f`.
pub(crate) fn page_with<T: Serialize>(
    p: &Page<T>,
    f: impl Fn(&mut Map<String, Value>),
) -> Result<Value, Failure> {
    let mut value = page(p)?;
    if let Some(Value::Array(rows)) = value.get_mut("results") {
        for row in rows {
            if let Value::Object(map) = row {
                f(map);
            }
        }
    }
    Ok(value)
}

/// Job fields the hosted API doesn't show: the queue's own bookkeeping and the job's input.
const JOB_INTERNALS: &[&str] = &[
    "payload",
    "lease_owner",
    "lease_expires_at",
    "max_attempts",
    "run_after",
    "updated_at",
];

/// A job as the hosted API shows it.
pub(crate) fn job(job: &igny8_core::jobs::Job) -> Result<Value, Failure> {
    let mut value = one(job)?;
    if let Value::Object(map) = &mut value {
        for field in JOB_INTERNALS {
            map.remove(*field);
        }
    }
    Ok(value)
}

/// A page of jobs as the hosted API shows them.
pub(crate) fn job_page(p: &Page<igny8_core::jobs::Job>) -> Result<Value, Failure> {
    page_with(p, |row| {
        for field in JOB_INTERNALS {
            row.remove(*field);
        }
    })
}

/// Ledger-entry fields the hosted API doesn't show: what the ledger keeps for itself.
const TRANSACTION_INTERNALS: &[&str] = &["idempotency_key", "reservation_id", "reference"];

/// A ledger entry as the hosted API shows it.
pub(crate) fn transaction<T: Serialize>(entry: &T) -> Result<Value, Failure> {
    let mut value = one(entry)?;
    if let Value::Object(map) = &mut value {
        for field in TRANSACTION_INTERNALS {
            map.remove(*field);
        }
    }
    Ok(value)
}

/// A page of ledger entries as the hosted API shows them.
pub(crate) fn transaction_page<T: Serialize>(p: &Page<T>) -> Result<Value, Failure> {
    page_with(p, |row| {
        for field in TRANSACTION_INTERNALS {
            row.remove(*field);
        }
    })
}

/// A page of usage rows as the hosted API shows them: the cost in US dollars (`cost_usd`),
/// not millionths, and without the object the row was charged for.
pub(crate) fn usage_page<T: Serialize>(p: &Page<T>) -> Result<Value, Failure> {
    page_with(p, |row| {
        let micros = row
            .remove("cost_micros")
            .and_then(|v| v.as_i64())
            .unwrap_or(0);
        row.insert("cost_usd".into(), json!(micros as f64 / 1_000_000.0));
        row.remove("object");
    })
}
