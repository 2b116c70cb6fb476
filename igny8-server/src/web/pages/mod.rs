//! The pages, one module per part of the product. A handler parses the request, makes one
//! core call (the API handler's), and renders; the rules stay in the core.

mod ai;
pub(crate) mod auth;
pub(crate) mod automation;
pub(crate) mod billing;
pub(crate) mod clusters;
mod common;
pub(crate) mod content;
pub(crate) mod dashboard;
pub(crate) mod ideas;
pub(crate) mod images;
pub(crate) mod import;
pub(crate) mod jobs;
pub(crate) mod keywords;
pub(crate) mod operator;
pub(crate) mod overlaps;
pub(crate) mod settings;
pub(crate) mod sites;
pub(crate) mod tasks;
pub(crate) mod team;
pub(crate) mod thinker;
