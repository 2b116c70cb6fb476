//! `automation/`: rule sets per site (CRUD), "run now", and the runs with what each stage did.
//! The server's job worker runs the scheduler.

use igny8_core::automation::{RuleFilter, RunFilter};
use igny8_core::{AutomationRuleId, AutomationRunId, SiteId};
use poem::Request;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;

use super::Tag;
use crate::auth::Auth;
use crate::dto::automation::*;
use crate::dto::planner::Affected;
use crate::envelope::{Accepted, AcceptedResult, ApiResult, CreatedResult, created, ok};
use crate::pagination::{ListPage, list_page, page_of};
use crate::state::AppState;

/// The `automation/` endpoints: rules and runs. Each handler parses, calls the core's
/// [`igny8_core::automation::Automation`] service, and maps the result.
pub struct AutomationApi;

#[OpenApi(tag = "Tag::Automation")]
impl AutomationApi {
    /// The account's rules, oldest first; filter by site and by active or paused.
    #[oai(path = "/automation/rules/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list_rules(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        site_id: Query<Option<i64>>,
        is_active: Query<Option<bool>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<AutomationRule>> {
        let scope = auth.0.scope()?;
        let filter = RuleFilter {
            site_id: site_id.0.map(SiteId),
            is_active: is_active.0,
        };
        let p = state
            .core
            .automation()
            .list(&scope, &filter, &page_of(page.0, page_size.0, cursor.0))
            .await?;
        Ok(ok(list_page(req, p, Into::into)))
    }

    /// Creates a rule (owners and admins). Its first scheduled run is the schedule's first
    /// time after now.
    #[oai(path = "/automation/rules/", method = "post")]
    async fn create_rule(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<RuleInput>,
    ) -> CreatedResult<AutomationRule> {
        let scope = auth.0.scope()?;
        Ok(created(
            state
                .core
                .automation()
                .create(&scope, body.0.into())
                .await?
                .into(),
        ))
    }

    /// One rule, with when it runs next.
    #[oai(path = "/automation/rules/:id/", method = "get")]
    async fn get_rule(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<AutomationRule> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .automation()
            .get(&scope, AutomationRuleId(id.0))
            .await?
            .into()))
    }

    /// Changes the fields given. A changed schedule, or resuming a paused rule, starts from
    /// now; pausing (`is_active: false`) stops scheduled runs.
    #[oai(path = "/automation/rules/:id/", method = "patch")]
    async fn update_rule(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<RuleInput>,
    ) -> ApiResult<AutomationRule> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .automation()
            .update(&scope, AutomationRuleId(id.0), body.0.into())
            .await?
            .into()))
    }

    /// Deletes a rule and its run records (the runs' jobs stay in `system/jobs/`).
    #[oai(path = "/automation/rules/:id/", method = "delete")]
    async fn delete_rule(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        match state
            .core
            .automation()
            .delete(&scope, &[AutomationRuleId(id.0)])
            .await?
        {
            0 => Err(AutomationRuleId(id.0).not_found().into()),
            affected => Ok(ok(Affected { affected })),
        }
    }

    /// Runs a rule now, paused or not, leaving its schedule as it is. Answers 202 with the
    /// run; follow it at `automation/runs/{id}/` or `system/jobs/{job.id}/events/`.
    #[oai(path = "/automation/rules/:id/run/", method = "post", tag = "Tag::Ai")]
    async fn run_rule(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> AcceptedResult<AutomationRun> {
        let scope = auth.0.scope()?;
        let run = state
            .core
            .automation()
            .run_now(&scope, AutomationRuleId(id.0))
            .await?;
        Ok(Accepted::Accepted(ok(run.into())))
    }

    /// Runs, newest first, with their jobs; filter by rule or site.
    #[oai(path = "/automation/runs/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list_runs(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        rule_id: Query<Option<i64>>,
        site_id: Query<Option<i64>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<AutomationRun>> {
        let scope = auth.0.scope()?;
        let filter = RunFilter {
            rule_id: rule_id.0.map(AutomationRuleId),
            site_id: site_id.0.map(SiteId),
        };
        let p = state
            .core
            .automation()
            .runs(&scope, &filter, &page_of(page.0, page_size.0, cursor.0))
            .await?;
        Ok(ok(list_page(req, p, Into::into)))
    }

    /// One run: its job's status and progress, and per stage what it did.
    #[oai(path = "/automation/runs/:id/", method = "get")]
    async fn get_run(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<AutomationRun> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .automation()
            .run(&scope, AutomationRunId(id.0))
            .await?
            .into()))
    }

    /// Cancels a run: at once if it hasn't started, else at its next step (the stage job in
    /// flight is asked to stop too, and charged for what it finished).
    #[oai(path = "/automation/runs/:id/cancel/", method = "post")]
    async fn cancel_run(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<AutomationRun> {
        let scope = auth.0.scope()?;
        let automation = state.core.automation();
        let run = automation.run(&scope, AutomationRunId(id.0)).await?;
        state.core.jobs().cancel(&scope, run.job.id).await?;
        Ok(ok(automation.run(&scope, run.id).await?.into()))
    }
}
