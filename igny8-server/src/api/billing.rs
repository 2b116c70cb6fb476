//! `billing/`: balance, the ledger and usage.

use igny8_core::credits::TransactionKind;
use poem::Request;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::Query;

use super::Tag;
use crate::auth::Auth;
use crate::dto::E;
use crate::dto::system::*;
use crate::envelope::{ApiResult, ok};
use crate::pagination::{ListPage, Paging, list_page};
use crate::query::{TransactionQuery, UsageQuery};
use crate::state::AppState;

/// Credits, transactions, usage.
pub struct BillingApi;

#[OpenApi(prefix_path = "/billing", tag = "Tag::Billing")]
impl BillingApi {
    /// Credits available now.
    #[oai(path = "/balance/", method = "get")]
    async fn balance(&self, state: Data<&AppState>, auth: Auth) -> ApiResult<Balance> {
        let scope = auth.0.scope()?;
        let account = state.core.tenancy().account(&scope).await?;
        Ok(ok(Balance {
            credits: account.credits,
            plan_id: account.plan_id.get(),
        }))
    }

    /// The credit ledger, newest first.
    #[oai(path = "/transactions/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn transactions(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        kind: Query<Option<E<TransactionKind>>>,
        operation: Query<Option<String>>,
        since: Query<Option<crate::dto::Time>>,
        until: Query<Option<crate::dto::Time>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<Transaction>> {
        let scope = auth.0.scope()?;
        let filter = TransactionQuery {
            kind: kind.0.map(|k| k.0),
            operation: operation.0,
        }
        .filter(since.0, until.0);
        let p = state
            .core
            .credits()
            .transactions(
                &scope,
                &filter,
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

    /// Model calls with tokens and cost, newest first.
    #[oai(path = "/usage/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn usage(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        operation: Query<Option<String>>,
        model: Query<Option<String>>,
        since: Query<Option<crate::dto::Time>>,
        until: Query<Option<crate::dto::Time>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<Usage>> {
        let scope = auth.0.scope()?;
        let filter = UsageQuery {
            operation: operation.0,
            model: model.0,
        }
        .filter(since.0, until.0);
        let p = state
            .core
            .credits()
            .usage(
                &scope,
                &filter,
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

    /// Usage summed per day (UTC) and operation.
    #[oai(path = "/usage/summary/", method = "get")]
    async fn usage_summary(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        operation: Query<Option<String>>,
        since: Query<Option<crate::dto::Time>>,
        until: Query<Option<crate::dto::Time>>,
    ) -> ApiResult<Vec<UsageSummary>> {
        let scope = auth.0.scope()?;
        let filter = UsageQuery {
            operation: operation.0,
            model: None,
        }
        .filter(since.0, until.0);
        Ok(ok(state
            .core
            .credits()
            .usage_summary(&scope, &filter)
            .await?
            .into_iter()
            .map(Into::into)
            .collect()))
    }
}
