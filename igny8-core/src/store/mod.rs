//! Storage: one trait per aggregate (one file each, mirroring `sql/`), joined in [`Store`],
//! and their implementation on SQL databases ([`SqlStore`]).
//!
//! Every method on tenant data takes the [`Scope`](crate::tenancy::Scope): the store filters
//! every query by its account (and site, when the scope is narrowed to one) and checks that
//! every id a caller passes in — a sector, a cluster — belongs to the same account. An object of another account
//! is reported as not found, exactly like one that does not exist.
//!
//! The traits hold no business rules beyond what must be atomic with the write (plan limits
//! counted in the inserting transaction, a balance that can't go below zero); validation and
//! permissions live in the services ([`crate::Igny8`]).

mod auth;
mod automation;
mod clusters;
mod credits;
mod ideas;
mod inventory;
mod jobs;
mod keywords;
pub(crate) mod sql;
mod system;
mod tenancy;
mod thinker;
mod uploads;
mod writer;

pub use auth::{AuthStore, RateLimitStore};
pub use automation::{AutomationStore, RunStart};
pub use clusters::ClusterStore;
pub use credits::CreditStore;
pub use ideas::IdeaStore;
pub use inventory::{InventoryStore, SyncMarks};
pub use jobs::JobStore;
pub use keywords::KeywordStore;
pub use sql::migrate::SCHEMA_VERSION;
pub use sql::{Backend, SqlStore, StoreOptions, redact_url};
pub use system::SystemStore;
pub use tenancy::{SiteWordPress, TenancyStore};
pub use thinker::ThinkerStore;
pub use uploads::UploadStore;
pub use writer::WriterStore;

/// Everything the services need from storage.
pub trait Store:
    TenancyStore
    + KeywordStore
    + ClusterStore
    + IdeaStore
    + WriterStore
    + ThinkerStore
    + SystemStore
    + CreditStore
    + JobStore
    + AutomationStore
    + AuthStore
    + RateLimitStore
    + UploadStore
    + InventoryStore
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> Store for S where
    S: TenancyStore
        + KeywordStore
        + ClusterStore
        + IdeaStore
        + WriterStore
        + ThinkerStore
        + SystemStore
        + CreditStore
        + JobStore
        + AutomationStore
        + AuthStore
        + RateLimitStore
        + UploadStore
        + InventoryStore
        + Clone
        + Send
        + Sync
        + 'static
{
}
