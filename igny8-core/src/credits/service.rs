//! Credit operations: the balance, the ledger, reservations and usage.

use crate::Igny8;
use crate::credits::*;
use crate::error::Result;
use crate::ids::ReservationId;
use crate::list::{Page, PageRequest};
use crate::store::Store;
use crate::tenancy::{Permission, Scope};

/// Credits and usage.
#[derive(Debug)]
pub struct Credits<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Credits<'_, S> {
    fn store(&self) -> &S {
        &self.core.store
    }

    /// Credits available now.
    pub async fn balance(&self, scope: &Scope) -> Result<i64> {
        scope.require_account_wide(Permission::Read)?;
        self.store().credit_balance(scope).await
    }

    /// The ledger, newest first.
    pub async fn transactions(
        &self,
        scope: &Scope,
        filter: &TransactionFilter,
        page: &PageRequest,
    ) -> Result<Page<CreditTransaction>> {
        scope.require_account_wide(Permission::Read)?;
        self.store().list_transactions(scope, filter, page).await
    }

    /// Posts a grant, purchase, refund, deduction or adjustment (billing permission; operators
    /// act through [`Scope::system`]). Idempotent with a key.
    pub async fn post(&self, scope: &Scope, entry: LedgerEntry) -> Result<CreditTransaction> {
        scope.require_account_wide(Permission::Billing)?;
        self.store().post_credits(scope, &entry.validate()?).await
    }

    /// Holds credits before an operation; fails with insufficient credits and holds nothing
    /// when the balance is too low. Idempotent with a key.
    pub async fn reserve(&self, scope: &Scope, request: ReserveRequest) -> Result<Reservation> {
        scope.require(Permission::Write)?;
        self.store()
            .reserve_credits(scope, &request.validate()?)
            .await
    }

    /// Keeps `used` of a reservation's credits and gives the rest back (once).
    pub async fn charge(&self, scope: &Scope, id: ReservationId, used: i64) -> Result<Reservation> {
        scope.require(Permission::Write)?;
        self.store().charge_reservation(scope, id, used).await
    }

    /// Gives a reservation's credits back (once).
    pub async fn release(&self, scope: &Scope, id: ReservationId) -> Result<Reservation> {
        scope.require(Permission::Write)?;
        self.store().release_reservation(scope, id).await
    }

    /// One reservation.
    pub async fn reservation(&self, scope: &Scope, id: ReservationId) -> Result<Reservation> {
        scope.require(Permission::Read)?;
        self.store().get_reservation(scope, id).await
    }

    /// Logs a model call.
    pub async fn record_usage(&self, scope: &Scope, usage: NewUsage) -> Result<UsageLog> {
        scope.require(Permission::Write)?;
        self.store().record_usage(scope, &usage.validate()?).await
    }

    /// The usage log, newest first.
    pub async fn usage(
        &self,
        scope: &Scope,
        filter: &UsageFilter,
        page: &PageRequest,
    ) -> Result<Page<UsageLog>> {
        scope.require_account_wide(Permission::Read)?;
        self.store().list_usage(scope, filter, page).await
    }

    /// Usage per UTC day and operation.
    pub async fn usage_summary(
        &self,
        scope: &Scope,
        filter: &UsageFilter,
    ) -> Result<Vec<UsageSummaryRow>> {
        scope.require_account_wide(Permission::Read)?;
        self.store().usage_summary(scope, filter).await
    }

    /// The account's usage over the last `days` days (UTC, today included), summed per day
    /// and per operation.
    pub async fn usage_totals(&self, scope: &Scope, days: u32) -> Result<UsageTotals> {
        let to = self.core.now().date_naive();
        let from = to - chrono::Days::new(u64::from(days.max(1) - 1));
        let rows = self
            .usage_summary(
                scope,
                &UsageFilter {
                    since: Some(from.and_time(chrono::NaiveTime::MIN).and_utc()),
                    ..UsageFilter::default()
                },
            )
            .await?;
        Ok(UsageTotals::of(&rows, from, to))
    }

    /// Checks the ledger's invariant: its sum equals the balance. Returns `(balance, sum)`.
    pub async fn audit(&self, scope: &Scope) -> Result<(i64, i64)> {
        scope.require_account_wide(Permission::Read)?;
        let balance = self.store().credit_balance(scope).await?;
        let sum = self.store().ledger_sum(scope).await?;
        Ok((balance, sum))
    }
}
