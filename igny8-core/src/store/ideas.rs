//! The store for content ideas.

use std::future::Future;

use crate::error::Result;
use crate::ids::*;
use crate::list::{Page, PageRequest};
use crate::planner::{ContentIdea, IdeaFilter, IdeaPatch, IdeaSort, NewIdea, QueueDefaults};
use crate::tenancy::Scope;
use crate::writer::Task;

/// Content ideas.
pub trait IdeaStore: Send + Sync {
    /// Creates an idea in a sector (its cluster, if any, in the same sector).
    fn create_idea(
        &self,
        scope: &Scope,
        idea: &NewIdea,
    ) -> impl Future<Output = Result<ContentIdea>> + Send;
    /// One idea; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_idea(
        &self,
        scope: &Scope,
        id: IdeaId,
    ) -> impl Future<Output = Result<ContentIdea>> + Send;
    /// A filtered, ordered page.
    fn list_ideas(
        &self,
        scope: &Scope,
        filter: &IdeaFilter,
        sort: &IdeaSort,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<ContentIdea>>> + Send;
    /// Changes the scope's ideas among `ids`; a status change only applies to ideas allowed to
    /// make it. The number changed.
    fn update_ideas(
        &self,
        scope: &Scope,
        ids: &[IdeaId],
        patch: &IdeaPatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes ideas; the number deleted.
    fn delete_ideas(
        &self,
        scope: &Scope,
        ids: &[IdeaId],
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Turns the ideas that may be queued into writer tasks and marks them queued; each idea is
    /// claimed before its task is made, so concurrent calls never make two tasks of one idea.
    /// The tasks made (ideas already queued, or of other accounts, are skipped).
    fn queue_ideas(
        &self,
        scope: &Scope,
        ids: &[IdeaId],
        defaults: &QueueDefaults,
    ) -> impl Future<Output = Result<Vec<Task>>> + Send;
}
