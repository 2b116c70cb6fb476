//! Plans and accounts (tenants).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::error::{PlanLimit, Result};
use crate::ids::{AccountId, PlanId};
use crate::validate::Check;

/// The limits a plan puts on an account; `None` means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlanLimits {
    /// The most sites in the account; creating one more fails with [`crate::Error::LimitReached`].
    pub max_sites: Option<i64>,
    /// The most sectors in one site.
    pub max_sectors_per_site: Option<i64>,
    /// The most users in the account.
    pub max_users: Option<i64>,
    /// The most keywords in the account, across all its sites.
    pub max_keywords: Option<i64>,
}

impl PlanLimits {
    /// The value of one limit.
    pub fn get(&self, limit: PlanLimit) -> Option<i64> {
        match limit {
            PlanLimit::Sites => self.max_sites,
            PlanLimit::SectorsPerSite => self.max_sectors_per_site,
            PlanLimit::Users => self.max_users,
            PlanLimit::Keywords => self.max_keywords,
        }
    }

    fn check(&self, check: &mut Check) {
        for limit in [
            PlanLimit::Sites,
            PlanLimit::SectorsPerSite,
            PlanLimit::Users,
            PlanLimit::Keywords,
        ] {
            if let Some(v) = self.get(limit) {
                check.range(limit.as_str(), v, 0, i64::MAX);
            }
        }
    }
}

/// A subscription plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The plan's id.
    pub id: PlanId,
    /// Stable short name, e.g. `free`.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Credits granted to each account on the plan every month.
    pub monthly_credits: i64,
    /// What an account on this plan may hold, counted by the store inside the inserting
    /// transaction.
    pub limits: PlanLimits,
    /// Whether new accounts get this plan.
    pub is_default: bool,
    /// When the plan was created.
    pub created_at: DateTime<Utc>,
}

/// Input for a new or replaced plan.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PlanInput {
    /// Stable short name: 1–64 lowercase letters, digits, `-`, `_` (lowercased by validation).
    pub slug: String,
    /// Display name, 1–255 characters.
    pub name: String,
    /// Credits granted each month, `0..=i64::MAX / 4`.
    pub monthly_credits: i64,
    /// Limits, each 0 or more or `None` for unlimited.
    pub limits: PlanLimits,
    /// Make this the plan of new accounts (the previous default stops being one). There is
    /// always a default: `false` on the default plan is refused; make another plan the
    /// default instead.
    pub is_default: bool,
}

impl PlanInput {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        self.slug = self.slug.trim().to_ascii_lowercase();
        if self.slug.is_empty()
            || self.slug.len() > 64
            || !self
                .slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            check.fail("slug", "must be 1–64 lowercase letters, digits, '-' or '_'");
        }
        self.name = check.name("name", &self.name, 255);
        check.range("monthly_credits", self.monthly_credits, 0, i64::MAX / 4);
        self.limits.check(&mut check);
        check.finish()?;
        Ok(self)
    }
}

string_enum! {
    /// Whether an account may be used.
    pub enum AccountStatus {
        /// In use.
        Active => "active",
        /// Blocked by an operator (e.g. unpaid); reads only.
        Suspended => "suspended",
        /// Closed by its owner.
        Cancelled => "cancelled",
    }
}

/// A tenant: everything else belongs to one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// The account's id; every tenant-owned row carries it.
    pub id: AccountId,
    /// Display name, 1–255 characters.
    pub name: String,
    /// The plan whose limits and monthly credits apply.
    pub plan_id: PlanId,
    /// Credits available now (what is reserved for running jobs is already taken off).
    pub credits: i64,
    /// Whether the account may be used; a suspended account's scopes may only read.
    pub status: AccountStatus,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When the account last changed.
    pub updated_at: DateTime<Utc>,
}

/// Input for a new account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewAccount {
    /// Display name, 1–255 characters (reported as `account_name` when invalid).
    pub name: String,
    /// The plan; the default plan when `None`.
    pub plan_id: Option<PlanId>,
    /// Credits granted on creation as a ledger entry; the plan's monthly credits when `None`.
    pub initial_credits: Option<i64>,
}

impl NewAccount {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        self.name = check.name("account_name", &self.name, 255);
        if let Some(c) = self.initial_credits {
            check.range("initial_credits", c, 0, i64::MAX / 4);
        }
        check.finish()?;
        Ok(self)
    }
}

/// Filters of the operators' account list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFilter {
    /// Accounts whose name contains this text (any case).
    pub search: Option<String>,
    /// Only accounts in this state.
    pub status: Option<AccountStatus>,
    /// Only these accounts (a page naming the accounts of the rows it shows).
    pub ids: Option<Vec<AccountId>>,
}

/// Changes to an account (operators only).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AccountPatch {
    /// New display name, 1–255 characters.
    pub name: Option<String>,
    /// Move the account to this plan; its limits apply to later inserts.
    pub plan_id: Option<PlanId>,
    /// New status; suspending leaves the account's scopes read-only.
    pub status: Option<AccountStatus>,
}

impl AccountPatch {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        if let Some(name) = &self.name {
            self.name = Some(check.name("name", name, 255));
        }
        check.finish()?;
        Ok(self)
    }
}
