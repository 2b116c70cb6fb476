//! The store for prompts, author profiles and strategies.

use std::future::Future;

use crate::error::Result;
use crate::ids::*;
use crate::list::{Page, PageRequest};
use crate::tenancy::Scope;
use crate::thinker::{
    AuthorProfile, AuthorProfileInput, Prompt, PromptType, Strategy, StrategyInput,
};

/// Prompt overrides, author profiles and strategies.
pub trait ThinkerStore: Send + Sync {
    /// The account's prompt overrides.
    fn list_prompts(&self, scope: &Scope) -> impl Future<Output = Result<Vec<Prompt>>> + Send;
    /// Creates or replaces the override of one prompt (the template already checked).
    fn put_prompt(
        &self,
        scope: &Scope,
        prompt_type: PromptType,
        template: &str,
    ) -> impl Future<Output = Result<Prompt>> + Send;
    /// Removes an override (back to the default); whether there was one.
    fn delete_prompt(
        &self,
        scope: &Scope,
        prompt_type: PromptType,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Creates an author profile.
    fn create_author(
        &self,
        scope: &Scope,
        input: &AuthorProfileInput,
    ) -> impl Future<Output = Result<AuthorProfile>> + Send;
    /// One author profile; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_author(
        &self,
        scope: &Scope,
        id: AuthorProfileId,
    ) -> impl Future<Output = Result<AuthorProfile>> + Send;
    /// The account's author profiles.
    fn list_authors(
        &self,
        scope: &Scope,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<AuthorProfile>>> + Send;
    /// Changes author profiles; the number changed.
    fn update_authors(
        &self,
        scope: &Scope,
        ids: &[AuthorProfileId],
        input: &AuthorProfileInput,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes author profiles; the number deleted.
    fn delete_authors(
        &self,
        scope: &Scope,
        ids: &[AuthorProfileId],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Creates a strategy.
    fn create_strategy(
        &self,
        scope: &Scope,
        input: &StrategyInput,
    ) -> impl Future<Output = Result<Strategy>> + Send;
    /// One strategy; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_strategy(
        &self,
        scope: &Scope,
        id: StrategyId,
    ) -> impl Future<Output = Result<Strategy>> + Send;
    /// The account's strategies, optionally of one sector.
    fn list_strategies(
        &self,
        scope: &Scope,
        sector: Option<SectorId>,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Strategy>>> + Send;
    /// Changes strategies; the number changed.
    fn update_strategies(
        &self,
        scope: &Scope,
        ids: &[StrategyId],
        input: &StrategyInput,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes strategies; the number deleted.
    fn delete_strategies(
        &self,
        scope: &Scope,
        ids: &[StrategyId],
    ) -> impl Future<Output = Result<u64>> + Send;
}
