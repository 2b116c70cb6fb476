//! The operations behind the methods of `Igny8\Igny8`, one module per area: each parses its
//! input, calls one core service and shapes the result.

pub(crate) mod account;
pub(crate) mod ai;
pub(crate) mod planner;
pub(crate) mod writer;
