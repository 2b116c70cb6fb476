//! Thinker operations: prompt overrides (checked when saved), author profiles and strategies.

use crate::Igny8;
use crate::error::{Error, Result};
use crate::ids::*;
use crate::list::{Page, PageRequest};
use crate::planner::check_ids;
use crate::store::Store;
use crate::tenancy::{Permission, Scope};
use crate::thinker::*;

/// Prompts, author profiles and strategies.
#[derive(Debug)]
pub struct Thinker<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Thinker<'_, S> {
    fn store(&self) -> &S {
        &self.core.store
    }

    /// The account's prompt overrides.
    pub async fn prompts(&self, scope: &Scope) -> Result<Vec<Prompt>> {
        scope.require_account_wide(Permission::Read)?;
        self.store().list_prompts(scope).await
    }

    /// Saves an override of one prompt; a variable the prompt type doesn't offer is refused.
    pub async fn set_prompt(
        &self,
        scope: &Scope,
        prompt_type: PromptType,
        template: &str,
    ) -> Result<Prompt> {
        scope.require_account_wide(Permission::Manage)?;
        check_template(prompt_type, template)?;
        self.store().put_prompt(scope, prompt_type, template).await
    }

    /// Removes an override (the shipped default applies again); whether there was one.
    pub async fn reset_prompt(&self, scope: &Scope, prompt_type: PromptType) -> Result<bool> {
        scope.require_account_wide(Permission::Manage)?;
        self.store().delete_prompt(scope, prompt_type).await
    }

    /// Removes the overrides among `ids` (1 to [`MAX_BULK_IDS`](crate::planner::MAX_BULK_IDS);
    /// other accounts' ids are skipped); how many there were.
    pub async fn reset_prompts(&self, scope: &Scope, ids: &[PromptId]) -> Result<u64> {
        scope.require_account_wide(Permission::Manage)?;
        check_ids(ids)?;
        let mut affected = 0;
        for p in self.prompts(scope).await? {
            if ids.contains(&p.id) && self.reset_prompt(scope, p.prompt_type).await? {
                affected += 1;
            }
        }
        Ok(affected)
    }

    /// Creates an author profile.
    pub async fn create_author(
        &self,
        scope: &Scope,
        input: AuthorProfileInput,
    ) -> Result<AuthorProfile> {
        scope.require_account_wide(Permission::Manage)?;
        self.store()
            .create_author(scope, &input.validate(true)?)
            .await
    }

    /// One author profile (any role, a scope not narrowed to one site);
    /// [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies outside the scope.
    pub async fn author(&self, scope: &Scope, id: AuthorProfileId) -> Result<AuthorProfile> {
        scope.require_account_wide(Permission::Read)?;
        self.store().get_author(scope, id).await
    }

    /// The account's author profiles.
    pub async fn authors(&self, scope: &Scope, page: &PageRequest) -> Result<Page<AuthorProfile>> {
        scope.require_account_wide(Permission::Read)?;
        self.store().list_authors(scope, page).await
    }

    /// Changes one author profile.
    pub async fn update_author(
        &self,
        scope: &Scope,
        id: AuthorProfileId,
        input: AuthorProfileInput,
    ) -> Result<AuthorProfile> {
        scope.require_account_wide(Permission::Manage)?;
        if self
            .store()
            .update_authors(scope, &[id], &input.validate(false)?)
            .await?
            == 0
        {
            return Err(id.not_found());
        }
        self.store().get_author(scope, id).await
    }

    /// Changes many author profiles (not their names); the number changed.
    pub async fn bulk_update_authors(
        &self,
        scope: &Scope,
        ids: &[AuthorProfileId],
        input: AuthorProfileInput,
    ) -> Result<u64> {
        scope.require_account_wide(Permission::Manage)?;
        check_ids(ids)?;
        if input.name.is_some() {
            return Err(Error::field("name", "can't be changed in bulk"));
        }
        self.store()
            .update_authors(scope, ids, &input.validate(false)?)
            .await
    }

    /// Deletes author profiles; the number deleted.
    pub async fn delete_authors(&self, scope: &Scope, ids: &[AuthorProfileId]) -> Result<u64> {
        scope.require_account_wide(Permission::Manage)?;
        check_ids(ids)?;
        self.store().delete_authors(scope, ids).await
    }

    /// Creates a strategy.
    pub async fn create_strategy(&self, scope: &Scope, input: StrategyInput) -> Result<Strategy> {
        scope.require_account_wide(Permission::Manage)?;
        self.store()
            .create_strategy(scope, &input.validate(true)?)
            .await
    }

    /// One strategy (any role, a scope not narrowed to one site);
    /// [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies outside the scope.
    pub async fn strategy(&self, scope: &Scope, id: StrategyId) -> Result<Strategy> {
        scope.require_account_wide(Permission::Read)?;
        self.store().get_strategy(scope, id).await
    }

    /// The account's strategies, optionally of one sector.
    pub async fn strategies(
        &self,
        scope: &Scope,
        sector: Option<SectorId>,
        page: &PageRequest,
    ) -> Result<Page<Strategy>> {
        scope.require_account_wide(Permission::Read)?;
        self.store().list_strategies(scope, sector, page).await
    }

    /// Changes one strategy.
    pub async fn update_strategy(
        &self,
        scope: &Scope,
        id: StrategyId,
        input: StrategyInput,
    ) -> Result<Strategy> {
        scope.require_account_wide(Permission::Manage)?;
        if self
            .store()
            .update_strategies(scope, &[id], &input.validate(false)?)
            .await?
            == 0
        {
            return Err(id.not_found());
        }
        self.store().get_strategy(scope, id).await
    }

    /// Changes many strategies; the number changed.
    pub async fn bulk_update_strategies(
        &self,
        scope: &Scope,
        ids: &[StrategyId],
        input: StrategyInput,
    ) -> Result<u64> {
        scope.require_account_wide(Permission::Manage)?;
        check_ids(ids)?;
        self.store()
            .update_strategies(scope, ids, &input.validate(false)?)
            .await
    }

    /// Deletes strategies; the number deleted.
    pub async fn delete_strategies(&self, scope: &Scope, ids: &[StrategyId]) -> Result<u64> {
        scope.require_account_wide(Permission::Manage)?;
        check_ids(ids)?;
        self.store().delete_strategies(scope, ids).await
    }
}
