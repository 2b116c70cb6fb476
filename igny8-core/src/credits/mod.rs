//! Credits: an append-only ledger, reservations taken before a model is called, and the usage
//! log of every model call.
//!
//! The account's `credits` column is the available balance. Every change to it is one ledger
//! entry carrying the balance after it, so the ledger's sum always equals the balance:
//!
//! * `grant`, `purchase`, `refund`: credits in; `adjustment`: an operator's correction (±);
//!   `deduction`: credits out without a reservation.
//! * [`reserve`](crate::store::CreditStore::reserve_credits) writes a `hold` (−amount);
//!   charging keeps what was used and writes a `release` for any unused part; releasing writes a
//!   `release` of the whole hold.
//!
//! The database refuses a negative balance (a `CHECK` constraint) and the code takes credits
//! with one conditional update, so concurrent reservations can never overdraw an account.
//! Idempotency keys make every entry and reservation safe to retry.

mod service;
mod usage;

pub use service::Credits;
pub use usage::{
    DayTotal, NewUsage, OperationTotal, UsageFilter, UsageLog, UsageSummaryRow, UsageTotals,
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::error::Result;
use crate::ids::{AccountId, ReservationId, TransactionId};
use crate::validate::Check;

/// The operation Image Testing records its model calls under (it is not a job of its own).
pub const IMAGE_TESTING: &str = "image_testing";

/// The operations AI work is recorded under in the usage log and named by in the ledger, in
/// pipeline order: the AI functions' job kinds, then Image Testing.
pub const AI_OPERATIONS: &[&str] = &[
    "auto_cluster",
    "generate_ideas",
    "generate_content",
    "generate_image_prompts",
    "generate_images",
    IMAGE_TESTING,
];

/// An operation's name for people, as the ledger's reasons and the billing pages show it:
/// "Generate content" for `generate_content`; an operation that isn't a job kind reads as its
/// words ("Image testing").
pub fn operation_label(operation: &str) -> String {
    match operation.parse::<crate::jobs::JobKind>() {
        Ok(kind) => kind.label().to_owned(),
        Err(_) => {
            let words = operation.replace('_', " ");
            let mut chars = words.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => words,
            }
        }
    }
}

string_enum! {
    /// The kind of a ledger entry.
    pub enum TransactionKind {
        /// Credits from a plan (monthly or at sign-up).
        Grant => "grant",
        /// Credits bought.
        Purchase => "purchase",
        /// An operator's correction, either sign.
        Adjustment => "adjustment",
        /// Credits taken without a reservation.
        Deduction => "deduction",
        /// Credits given back for a failed or disputed operation.
        Refund => "refund",
        /// Credits set aside before a model call.
        Hold => "hold",
        /// Held credits given back (unused part, or a failed operation).
        Release => "release",
    }
}

/// What a ledger entry or reservation refers to, e.g. job 12.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The kind of object: `job`, `content`, `task`…
    pub kind: String,
    /// Its id.
    pub id: i64,
}

impl Reference {
    /// A reference to `kind` `id`.
    pub fn new(kind: impl Into<String>, id: i64) -> Self {
        Self {
            kind: kind.into(),
            id,
        }
    }
}

/// One ledger entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditTransaction {
    /// The entry's id.
    pub id: TransactionId,
    /// The account whose balance it changed.
    pub account_id: AccountId,
    /// What kind of entry it is; see [`TransactionKind`].
    pub kind: TransactionKind,
    /// Credits in (positive) or out (negative).
    pub amount: i64,
    /// The balance right after this entry.
    pub balance_after: i64,
    /// Why, in words (1–255 characters).
    pub reason: String,
    /// The AI operation, for holds and releases.
    pub operation: Option<String>,
    /// The object it concerns, e.g. job 12.
    pub reference: Option<Reference>,
    /// The reservation a `hold` or `release` belongs to.
    pub reservation_id: Option<ReservationId>,
    /// The caller's key: a second post with it returns this entry instead of posting again.
    pub idempotency_key: Option<String>,
    /// When the entry was posted.
    pub created_at: DateTime<Utc>,
}

/// A ledger entry to post (not a hold or release: those come from reservations).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// `grant`, `purchase`, `adjustment`, `deduction` or `refund`.
    pub kind: TransactionKind,
    /// Credits: positive for grants, purchases and refunds, negative for deductions, either for adjustments.
    pub amount: i64,
    /// Why, in words: 1–255 characters.
    pub reason: String,
    /// The object it concerns, if any.
    pub reference: Option<Reference>,
    /// 1–191 characters; posting twice with the same key posts once.
    pub idempotency_key: Option<String>,
}

pub(crate) fn check_key(check: &mut Check, key: &Option<String>) {
    if let Some(k) = key
        && (k.trim().is_empty() || k.len() > 191)
    {
        check.fail("idempotency_key", "must be 1–191 characters");
    }
}

impl LedgerEntry {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        use TransactionKind::*;
        match self.kind {
            Grant | Purchase | Refund if self.amount <= 0 => {
                check.fail("amount", format!("a {} must be positive", self.kind))
            }
            Deduction if self.amount >= 0 => check.fail("amount", "a deduction must be negative"),
            Adjustment if self.amount == 0 => check.fail("amount", "an adjustment must not be zero"),
            Hold | Release => check.fail(
                "kind",
                "holds and releases come from reservations; post grant, purchase, adjustment, deduction or refund",
            ),
            _ => {}
        }
        if self.amount.unsigned_abs() > (i64::MAX / 4) as u64 {
            check.fail("amount", "is too large");
        }
        self.reason = check.name("reason", &self.reason, 255);
        check_key(&mut check, &self.idempotency_key);
        check.finish()?;
        Ok(self)
    }
}

string_enum! {
    /// Where a reservation stands.
    pub enum ReservationStatus {
        /// Credits set aside, the operation running.
        Held => "held",
        /// The operation succeeded; the used credits are kept.
        Charged => "charged",
        /// The operation failed or was cancelled; the credits went back.
        Released => "released",
    }
}

/// Credits set aside for one operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reservation {
    /// The reservation's id.
    pub id: ReservationId,
    /// The account whose credits are held.
    pub account_id: AccountId,
    /// Credits held.
    pub amount: i64,
    /// Credits finally kept, at most `amount` (set when charged).
    pub charged: Option<i64>,
    /// Held, then charged or released exactly once.
    pub status: ReservationStatus,
    /// The AI operation, e.g. `generate_content`.
    pub operation: String,
    /// The object it is for, e.g. job 12.
    pub reference: Option<Reference>,
    /// The caller's key: reserving again with it returns this reservation.
    pub idempotency_key: Option<String>,
    /// When the credits were held.
    pub created_at: DateTime<Utc>,
    /// When it was charged or released.
    pub settled_at: Option<DateTime<Utc>>,
}

/// A reservation to make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReserveRequest {
    /// Credits to hold, at least 1; more than the balance fails with insufficient credits.
    pub amount: i64,
    /// The AI operation, e.g. `generate_content` (1–64 characters).
    pub operation: String,
    /// The object it is for, e.g. job 12.
    pub reference: Option<Reference>,
    /// Reserving twice with the same key reserves once (e.g. `job:12:attempt`).
    pub idempotency_key: Option<String>,
}

impl ReserveRequest {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        check.range("amount", self.amount, 1, i64::MAX / 4);
        self.operation = check.name("operation", &self.operation, 64);
        check_key(&mut check, &self.idempotency_key);
        check.finish()?;
        Ok(self)
    }
}

/// Filters of the transaction list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransactionFilter {
    /// Only this kind.
    pub kind: Option<TransactionKind>,
    /// Only this operation.
    pub operation: Option<String>,
    /// From this time on.
    pub since: Option<DateTime<Utc>>,
    /// Before this time.
    pub until: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_read_as_words() {
        assert_eq!(operation_label("generate_content"), "Generate content");
        assert_eq!(operation_label("auto_cluster"), "Auto Cluster");
        assert_eq!(operation_label(IMAGE_TESTING), "Image testing");
        assert_eq!(operation_label(""), "");
        // Every operation the billing pages offer has a name for people.
        for op in AI_OPERATIONS {
            assert!(!operation_label(op).contains('_'), "{op}");
        }
    }
}
