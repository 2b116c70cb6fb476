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
    /// Sites in the account.
    pub max_sites: Option<i64>,
    /// Sectors in one site.
    pub max_sectors_per_site: Option<i64>,
    /// Users in the account.
    pub max_users: Option<i64>,
    /// Keywords in the account.
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
    /// Id.
    pub id: PlanId,
    /// Stable short name, e.g. `free`.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Credits granted each month.
    pub monthly_credits: i64,
    /// Limits.
    pub limits: PlanLimits,
    /// Whether new accounts get this plan.
    pub is_default: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// Input for a new or replaced plan.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PlanInput {
    /// Stable short name: lowercase letters, digits, `-`, `_`.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Credits granted each month.
    pub monthly_credits: i64,
    /// Limits.
    pub limits: PlanLimits,
    /// Make this the plan of new accounts (the previous default stops being one).
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
    /// Id.
    pub id: AccountId,
    /// Display name.
    pub name: String,
    /// The plan.
    pub plan_id: PlanId,
    /// Credits available now (what is reserved for running jobs is already taken off).
    pub credits: i64,
    /// Status.
    pub status: AccountStatus,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// Input for a new account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewAccount {
    /// Display name.
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

/// Changes to an account (operators only).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AccountPatch {
    /// New display name.
    pub name: Option<String>,
    /// New plan.
    pub plan_id: Option<PlanId>,
    /// New status.
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
