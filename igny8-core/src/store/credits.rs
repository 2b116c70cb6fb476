//! The store for the credit ledger, reservations and usage.

use std::future::Future;

use crate::credits::{
    CreditTransaction, LedgerEntry, NewUsage, Reservation, ReserveRequest, TransactionFilter,
    UsageFilter, UsageLog, UsageSummaryRow,
};
use crate::error::Result;
use crate::ids::*;
use crate::list::{Page, PageRequest};
use crate::tenancy::Scope;

/// The credit ledger, reservations and the usage log.
pub trait CreditStore: Send + Sync {
    /// The account's available credits.
    fn credit_balance(&self, scope: &Scope) -> impl Future<Output = Result<i64>> + Send;
    /// The sum of the account's ledger (equals the balance).
    fn ledger_sum(&self, scope: &Scope) -> impl Future<Output = Result<i64>> + Send;
    /// Posts an entry; with a known idempotency key, returns the earlier entry instead.
    fn post_credits(
        &self,
        scope: &Scope,
        entry: &LedgerEntry,
    ) -> impl Future<Output = Result<CreditTransaction>> + Send;
    /// Holds credits, or fails with insufficient credits and changes nothing; with a known
    /// idempotency key, returns the earlier reservation instead.
    fn reserve_credits(
        &self,
        scope: &Scope,
        request: &ReserveRequest,
    ) -> impl Future<Output = Result<Reservation>> + Send;
    /// Keeps `used` (≤ held) credits of a held reservation and releases the rest. Charging a
    /// charged reservation again returns it unchanged.
    fn charge_reservation(
        &self,
        scope: &Scope,
        id: ReservationId,
        used: i64,
    ) -> impl Future<Output = Result<Reservation>> + Send;
    /// Gives a held reservation's credits back. Releasing twice returns it unchanged.
    fn release_reservation(
        &self,
        scope: &Scope,
        id: ReservationId,
    ) -> impl Future<Output = Result<Reservation>> + Send;
    /// One reservation; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_reservation(
        &self,
        scope: &Scope,
        id: ReservationId,
    ) -> impl Future<Output = Result<Reservation>> + Send;
    /// System-wide: held reservations of jobs that have finished, oldest first — left by a
    /// worker that died on the job's last attempt. Their credits must still be settled.
    fn abandoned_job_holds(
        &self,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<Reservation>>> + Send;
    /// A filtered page of the ledger, newest first.
    fn list_transactions(
        &self,
        scope: &Scope,
        filter: &TransactionFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<CreditTransaction>>> + Send;
    /// Logs one model call.
    fn record_usage(
        &self,
        scope: &Scope,
        usage: &NewUsage,
    ) -> impl Future<Output = Result<UsageLog>> + Send;
    /// A filtered page of the usage log, newest first.
    fn list_usage(
        &self,
        scope: &Scope,
        filter: &UsageFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<UsageLog>>> + Send;
    /// Usage summed per UTC day and operation.
    fn usage_summary(
        &self,
        scope: &Scope,
        filter: &UsageFilter,
    ) -> impl Future<Output = Result<Vec<UsageSummaryRow>>> + Send;
}
