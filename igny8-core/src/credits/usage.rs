//! The usage log: one row per model call, with tokens and cost.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::ids::{AccountId, JobId, UsageId};
use crate::validate::Check;

/// One model call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageLog {
    /// The entry's id.
    pub id: UsageId,
    /// The account the call was made for.
    pub account_id: AccountId,
    /// The job it ran in, if any.
    pub job_id: Option<JobId>,
    /// The AI operation, e.g. `generate_content`.
    pub operation: String,
    /// The provider, e.g. `openai`.
    pub provider: String,
    /// The model that answered.
    pub model: String,
    /// Tokens sent (the prompt).
    pub input_tokens: i64,
    /// Tokens received (the completion).
    pub output_tokens: i64,
    /// Images made.
    pub images: i64,
    /// Cost in millionths of a US dollar.
    pub cost_micros: i64,
    /// Credits charged for it.
    pub credits: i64,
    /// The object it worked on, e.g. (`content`, 7).
    pub object: Option<super::Reference>,
    /// When the call was logged.
    pub created_at: DateTime<Utc>,
}

impl UsageLog {
    /// Cost in US dollars.
    pub fn cost_usd(&self) -> f64 {
        self.cost_micros as f64 / 1_000_000.0
    }
}

/// A model call to log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewUsage {
    /// The job it ran in, if any.
    pub job_id: Option<JobId>,
    /// The AI operation, 1–64 characters.
    pub operation: String,
    /// The provider, 1–64 characters.
    pub provider: String,
    /// The model, 1–128 characters.
    pub model: String,
    /// Prompt tokens, 0 or more.
    pub input_tokens: i64,
    /// Completion tokens, 0 or more.
    pub output_tokens: i64,
    /// Images made, 0 or more.
    pub images: i64,
    /// Cost in millionths of a US dollar, 0 or more.
    pub cost_micros: i64,
    /// Credits charged, 0 or more.
    pub credits: i64,
    /// The object it worked on, e.g. (`content`, 7).
    pub object: Option<super::Reference>,
}

impl NewUsage {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        self.operation = check.name("operation", &self.operation, 64);
        self.provider = check.name("provider", &self.provider, 64);
        self.model = check.name("model", &self.model, 128);
        for (field, v) in [
            ("input_tokens", self.input_tokens),
            ("output_tokens", self.output_tokens),
            ("images", self.images),
            ("cost_micros", self.cost_micros),
            ("credits", self.credits),
        ] {
            check.range(field, v, 0, i64::MAX / 4);
        }
        check.finish()?;
        Ok(self)
    }
}

/// Filters of the usage list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageFilter {
    /// Only this operation.
    pub operation: Option<String>,
    /// Only this model.
    pub model: Option<String>,
    /// Only this job.
    pub job_id: Option<JobId>,
    /// From this time on.
    pub since: Option<DateTime<Utc>>,
    /// Before this time.
    pub until: Option<DateTime<Utc>>,
}

/// Usage summed per day (UTC) and operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageSummaryRow {
    /// The day, in UTC.
    pub day: NaiveDate,
    /// The AI operation.
    pub operation: String,
    /// Model calls that day.
    pub calls: i64,
    /// Tokens sent.
    pub input_tokens: i64,
    /// Tokens received.
    pub output_tokens: i64,
    /// Cost in millionths of a US dollar.
    pub cost_micros: i64,
    /// Credits charged.
    pub credits: i64,
}
