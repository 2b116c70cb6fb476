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
