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
pub(crate) const JOB_INTERNALS: &[&str] = &[
    "payload",
    "lease_owner",
    "lease_expires_at",
    "max_attempts",
    "run_after",
    "updated_at",
];

/// One object without `fields`: what the hosted API doesn't show of it.
pub(crate) fn one_without<T: Serialize>(item: &T, fields: &[&str]) -> Result<Value, Failure> {
    let mut value = one(item)?;
    if let Value::Object(map) = &mut value {
        for field in fields {
            map.remove(*field);
        }
    }
    Ok(value)
}

/// A page whose rows go without `fields`.
pub(crate) fn page_without<T: Serialize>(p: &Page<T>, fields: &[&str]) -> Result<Value, Failure> {
    page_with(p, |row| {
        for field in fields {
            row.remove(*field);
        }
    })
}

/// Ledger-entry fields the hosted API doesn't show: what the ledger keeps for itself.
pub(crate) const TRANSACTION_INTERNALS: &[&str] =
    &["idempotency_key", "reservation_id", "reference"];

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
