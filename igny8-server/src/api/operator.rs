//! `operator/`: what platform operators (superusers) manage: accounts, plans, credits.

use igny8_core::credits::LedgerEntry;
use igny8_core::{AccountId, PlanId};
use poem::Request;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;

use super::Tag;
use crate::auth::Auth;
use crate::dto::planner::Affected;
use crate::dto::system::{CreditAdjustment, Transaction};
use crate::dto::tenancy::*;
use crate::envelope::{ApiResult, CreatedResult, created, ok};
use crate::pagination::{ListPage, Paging, list_page};
use crate::state::AppState;

/// Accounts, plans, credit adjustments (operators only).
pub struct OperatorApi;

#[OpenApi(prefix_path = "/operator", tag = "Tag::Operator")]
impl OperatorApi {
    /// Every account, oldest first; `search` finds accounts by name, `status` by state.
    #[oai(path = "/accounts/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list_accounts(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        search: Query<Option<String>>,
        status: Query<Option<crate::dto::E<igny8_core::tenancy::AccountStatus>>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<Account>> {
        let operator = auth.0.operator(&state.core).await?;
        let p = state
            .core
            .tenancy()
            .accounts(
                &operator,
                &igny8_core::tenancy::AccountFilter {
                    search: search.0,
                    status: status.0.map(|s| s.0),
                    ids: None,
                },
                &Paging {
                    page: page.0,
                    page_size: page_size.0,
                    cursor: cursor.0,
                }
                .request(),
            )
            .await?;
        Ok(ok(list_page(req, p, Into::into)))
    }

    /// Every account's jobs, newest first, each with its `account_id`: `account_id` for one
    /// account's, `status` and `kind` to narrow (the failed ones: `status=failed`).
    #[oai(path = "/jobs/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list_jobs(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        account_id: Query<Option<i64>>,
        kind: Query<Option<crate::dto::E<igny8_core::jobs::JobKind>>>,
        status: Query<Option<crate::dto::E<igny8_core::jobs::JobStatus>>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<crate::dto::system::OperatorJob>> {
        let operator = auth.0.operator(&state.core).await?;
        let p = state
            .core
            .jobs()
            .all(
                &operator,
                account_id.0.map(AccountId),
                &igny8_core::jobs::JobFilter {
                    kind: kind.0.map(|k| k.0),
                    status: status.0.map(|s| s.0),
                    ..Default::default()
                },
                &Paging {
                    page: page.0,
                    page_size: page_size.0,
                    cursor: cursor.0,
                }
                .request(),
            )
            .await?;
        Ok(ok(list_page(req, p, Into::into)))
    }

    /// One account.
    #[oai(path = "/accounts/:id/", method = "get")]
    async fn get_account(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Account> {
        let operator = auth.0.operator(&state.core).await?;
        Ok(ok(state
            .core
            .tenancy()
            .account_by_id(&operator, AccountId(id.0))
            .await?
            .into()))
    }

    /// Changes an account: name, plan, status.
    #[oai(path = "/accounts/:id/", method = "patch")]
    async fn update_account(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<AccountPatch>,
    ) -> ApiResult<Account> {
        let operator = auth.0.operator(&state.core).await?;
        Ok(ok(state
            .core
            .tenancy()
            .update_account(&operator, AccountId(id.0), body.0.into())
            .await?
            .into()))
    }

    /// Deletes an account and everything in it.
    #[oai(path = "/accounts/:id/", method = "delete")]
    async fn delete_account(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let operator = auth.0.operator(&state.core).await?;
        state
            .core
            .tenancy()
            .delete_account(&operator, AccountId(id.0))
            .await?;
        Ok(ok(Affected { affected: 1 }))
    }

    /// Posts credits to an account: a grant, purchase, refund, deduction or adjustment.
    #[oai(path = "/accounts/:id/credits/", method = "post")]
    async fn adjust_credits(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<CreditAdjustment>,
    ) -> CreatedResult<Transaction> {
        let operator = auth.0.operator(&state.core).await?;
        let account = state
            .core
            .tenancy()
            .account_by_id(&operator, AccountId(id.0))
            .await?;
        let b = body.0;
        let entry = LedgerEntry {
            kind: b.kind.0,
            amount: b.amount,
            reason: b.reason,
            reference: None,
            idempotency_key: b.idempotency_key,
        };
        let posted = state
            .core
            .credits()
            .post(&operator.scope_of(account.id), entry)
            .await?;
        Ok(created(posted.into()))
    }

    /// Every plan.
    #[oai(path = "/plans/", method = "get")]
    async fn list_plans(&self, state: Data<&AppState>, auth: Auth) -> ApiResult<Vec<Plan>> {
        // Plans are the public catalogue; their operator pages are still for operators.
        auth.0.operator(&state.core).await?;
        Ok(ok(state
            .core
            .tenancy()
            .plans()
            .await?
            .into_iter()
            .map(Into::into)
            .collect()))
    }

    /// Creates a plan.
    #[oai(path = "/plans/", method = "post")]
    async fn create_plan(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<PlanInput>,
    ) -> CreatedResult<Plan> {
        let operator = auth.0.operator(&state.core).await?;
        Ok(created(
            state
                .core
                .tenancy()
                .create_plan(&operator, body.0.into())
                .await?
                .into(),
        ))
    }

    /// One plan.
    #[oai(path = "/plans/:id/", method = "get")]
    async fn get_plan(&self, state: Data<&AppState>, auth: Auth, id: Path<i64>) -> ApiResult<Plan> {
        // Plans are the public catalogue; their operator pages are still for operators.
        auth.0.operator(&state.core).await?;
        Ok(ok(state.core.tenancy().plan(PlanId(id.0)).await?.into()))
    }

    /// Replaces a plan.
    #[oai(path = "/plans/:id/", method = "put")]
    async fn update_plan(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<PlanInput>,
    ) -> ApiResult<Plan> {
        let operator = auth.0.operator(&state.core).await?;
        Ok(ok(state
            .core
            .tenancy()
            .update_plan(&operator, PlanId(id.0), body.0.into())
            .await?
            .into()))
    }
}
