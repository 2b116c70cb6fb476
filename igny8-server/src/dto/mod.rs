//! The API's request and response types (the transport's own; domain types stay plain).

pub mod ai;
pub mod automation;
pub mod dashboard;
mod enums;
pub mod planner;
pub mod publish;
pub mod system;
pub mod tenancy;
pub mod thinker;
pub mod writer;

pub use enums::{E, Ordering};

use chrono::{DateTime, Utc};
use poem_openapi::types::MaybeUndefined;

/// RFC 3339 time.
pub type Time = DateTime<Utc>;

/// Turns `MaybeUndefined` (absent / null / value) into the core's `Option<Option<T>>`.
pub fn patch<T, U>(value: MaybeUndefined<T>, f: impl FnOnce(T) -> U) -> Option<Option<U>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(f(v))),
    }
}
