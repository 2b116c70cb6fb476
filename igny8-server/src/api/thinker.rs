//! `thinker/`: prompt overrides, author profiles and strategies.

use igny8_core::{AuthorProfileId, PromptId, SectorId, StrategyId};
use poem::Request;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;

use super::Tag;
use crate::auth::Auth;
use crate::dto::planner::{Affected, Ids};
use crate::dto::system::*;
use crate::dto::thinker::*;
use crate::envelope::{ApiResult, CreatedResult, created, ok};
use crate::pagination::{ListPage, list_page, page_of};
use crate::state::AppState;

/// Prompts, author profiles, strategies.
pub struct ThinkerApi;

async fn prompt_by_id(
    state: &AppState,
    scope: &igny8_core::tenancy::Scope,
    id: i64,
) -> Result<igny8_core::thinker::Prompt, crate::envelope::ApiError> {
    state
        .core
        .thinker()
        .prompts(scope)
        .await?
        .into_iter()
        .find(|p| p.id.get() == id)
        .ok_or_else(|| igny8_core::PromptId(id).not_found().into())
}

#[OpenApi(prefix_path = "/thinker", tag = "Tag::Thinker")]
impl ThinkerApi {
    /// The account's prompt overrides (prompts without one use the shipped default).
    #[oai(path = "/prompts/", method = "get")]
    async fn list_prompts(&self, state: Data<&AppState>, auth: Auth) -> ApiResult<Vec<Prompt>> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .thinker()
            .prompts(&scope)
            .await?
            .into_iter()
            .map(Into::into)
            .collect()))
    }

    /// The shipped template of every prompt type, with the variables it may use and whether
    /// the account overrides it: the starting point for writing an override.
    #[oai(path = "/prompts/defaults/", method = "get")]
    async fn prompt_defaults(
        &self,
        state: Data<&AppState>,
        auth: Auth,
    ) -> ApiResult<Vec<PromptDefault>> {
        let scope = auth.0.scope()?;
        let overrides = state.core.thinker().prompts(&scope).await?;
        Ok(ok(igny8_core::thinker::PromptType::ALL
            .iter()
            .map(|t| PromptDefault {
                prompt_type: crate::dto::E(*t),
                template: igny8_core::ai::functions::default_prompt(*t).to_owned(),
                variables: t.variables().iter().map(|v| (*v).to_owned()).collect(),
                overridden: overrides.iter().any(|o| o.prompt_type == *t),
            })
            .collect()))
    }

    /// Saves the override of a prompt (replacing an earlier one). A variable the prompt type
    /// doesn't offer is refused.
    #[oai(path = "/prompts/", method = "post")]
    async fn set_prompt(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<PromptInput>,
    ) -> CreatedResult<Prompt> {
        let scope = auth.0.scope()?;
        Ok(created(
            state
                .core
                .thinker()
                .set_prompt(&scope, body.prompt_type.0, &body.template)
                .await?
                .into(),
        ))
    }

    /// One override.
    #[oai(path = "/prompts/:id/", method = "get")]
    async fn get_prompt(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Prompt> {
        let scope = auth.0.scope()?;
        Ok(ok(prompt_by_id(&state, &scope, id.0).await?.into()))
    }

    /// Changes an override's template.
    #[oai(path = "/prompts/:id/", method = "patch")]
    async fn update_prompt(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<PromptPatch>,
    ) -> ApiResult<Prompt> {
        let scope = auth.0.scope()?;
        let current = prompt_by_id(&state, &scope, id.0).await?;
        Ok(ok(state
            .core
            .thinker()
            .set_prompt(&scope, current.prompt_type, &body.template)
            .await?
            .into()))
    }

    /// Removes an override: the shipped default applies again.
    #[oai(path = "/prompts/:id/", method = "delete")]
    async fn delete_prompt(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let current = prompt_by_id(&state, &scope, id.0).await?;
        state
            .core
            .thinker()
            .reset_prompt(&scope, current.prompt_type)
            .await?;
        Ok(ok(Affected { affected: 1 }))
    }

    /// Removes several overrides.
    #[oai(path = "/prompts/bulk_delete/", method = "post")]
    async fn bulk_delete_prompts(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<Ids>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<PromptId> = body.0.ids.into_iter().map(PromptId).collect();
        Ok(ok(Affected {
            affected: state.core.thinker().reset_prompts(&scope, &ids).await?,
        }))
    }

    /// Author profiles.
    #[oai(path = "/author-profiles/", method = "get")]
    async fn list_authors(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<AuthorProfile>> {
        let scope = auth.0.scope()?;
        let p = state
            .core
            .thinker()
            .authors(&scope, &page_of(page.0, page_size.0, cursor.0))
            .await?;
        Ok(ok(list_page(req, p, Into::into)))
    }

    /// Creates an author profile.
    #[oai(path = "/author-profiles/", method = "post")]
    async fn create_author(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<AuthorProfileInput>,
    ) -> CreatedResult<AuthorProfile> {
        let scope = auth.0.scope()?;
        Ok(created(
            state
                .core
                .thinker()
                .create_author(&scope, body.0.into())
                .await?
                .into(),
        ))
    }

    /// One author profile.
    #[oai(path = "/author-profiles/:id/", method = "get")]
    async fn get_author(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<AuthorProfile> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .thinker()
            .author(&scope, AuthorProfileId(id.0))
            .await?
            .into()))
    }

    /// Changes an author profile.
    #[oai(path = "/author-profiles/:id/", method = "patch")]
    async fn update_author(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<AuthorProfileInput>,
    ) -> ApiResult<AuthorProfile> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .thinker()
            .update_author(&scope, AuthorProfileId(id.0), body.0.into())
            .await?
            .into()))
    }

    /// Deletes an author profile.
    #[oai(path = "/author-profiles/:id/", method = "delete")]
    async fn delete_author(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        match state
            .core
            .thinker()
            .delete_authors(&scope, &[AuthorProfileId(id.0)])
            .await?
        {
            0 => Err(AuthorProfileId(id.0).not_found().into()),
            affected => Ok(ok(Affected { affected })),
        }
    }

    /// Deletes several author profiles.
    #[oai(path = "/author-profiles/bulk_delete/", method = "post")]
    async fn bulk_delete_authors(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<Ids>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<AuthorProfileId> = body.0.ids.into_iter().map(AuthorProfileId).collect();
        Ok(ok(Affected {
            affected: state.core.thinker().delete_authors(&scope, &ids).await?,
        }))
    }

    /// Activates or deactivates several author profiles.
    #[oai(path = "/author-profiles/bulk_update/", method = "post")]
    async fn bulk_update_authors(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<ActiveBulkUpdate>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<AuthorProfileId> = body.ids.iter().copied().map(AuthorProfileId).collect();
        let input = igny8_core::thinker::AuthorProfileInput {
            is_active: Some(body.is_active),
            ..Default::default()
        };
        Ok(ok(Affected {
            affected: state
                .core
                .thinker()
                .bulk_update_authors(&scope, &ids, input)
                .await?,
        }))
    }

    /// Strategies, optionally of one sector.
    #[oai(path = "/strategies/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list_strategies(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        sector_id: Query<Option<i64>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<Strategy>> {
        let scope = auth.0.scope()?;
        let p = state
            .core
            .thinker()
            .strategies(
                &scope,
                sector_id.0.map(SectorId),
                &page_of(page.0, page_size.0, cursor.0),
            )
            .await?;
        Ok(ok(list_page(req, p, Into::into)))
    }

    /// Creates a strategy.
    #[oai(path = "/strategies/", method = "post")]
    async fn create_strategy(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<StrategyInput>,
    ) -> CreatedResult<Strategy> {
        let scope = auth.0.scope()?;
        Ok(created(
            state
                .core
                .thinker()
                .create_strategy(&scope, body.0.into())
                .await?
                .into(),
        ))
    }

    /// One strategy.
    #[oai(path = "/strategies/:id/", method = "get")]
    async fn get_strategy(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Strategy> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .thinker()
            .strategy(&scope, StrategyId(id.0))
            .await?
            .into()))
    }

    /// Changes a strategy.
    #[oai(path = "/strategies/:id/", method = "patch")]
    async fn update_strategy(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<StrategyInput>,
    ) -> ApiResult<Strategy> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .thinker()
            .update_strategy(&scope, StrategyId(id.0), body.0.into())
            .await?
            .into()))
    }

    /// Deletes a strategy.
    #[oai(path = "/strategies/:id/", method = "delete")]
    async fn delete_strategy(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        match state
            .core
            .thinker()
            .delete_strategies(&scope, &[StrategyId(id.0)])
            .await?
        {
            0 => Err(StrategyId(id.0).not_found().into()),
            affected => Ok(ok(Affected { affected })),
        }
    }

    /// Deletes several strategies.
    #[oai(path = "/strategies/bulk_delete/", method = "post")]
    async fn bulk_delete_strategies(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<Ids>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<StrategyId> = body.0.ids.into_iter().map(StrategyId).collect();
        Ok(ok(Affected {
            affected: state.core.thinker().delete_strategies(&scope, &ids).await?,
        }))
    }

    /// Activates or deactivates several strategies.
    #[oai(path = "/strategies/bulk_update/", method = "post")]
    async fn bulk_update_strategies(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<ActiveBulkUpdate>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<StrategyId> = body.ids.iter().copied().map(StrategyId).collect();
        let input = igny8_core::thinker::StrategyInput {
            is_active: Some(body.is_active),
            ..Default::default()
        };
        Ok(ok(Affected {
            affected: state
                .core
                .thinker()
                .bulk_update_strategies(&scope, &ids, input)
                .await?,
        }))
    }
}
