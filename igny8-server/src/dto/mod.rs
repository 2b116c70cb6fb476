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

/// RFC 3339 time.
pub type Time = DateTime<Utc>;
