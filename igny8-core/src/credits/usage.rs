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

/// What one AI operation (or all of them) used over a span of days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationTotal {
    /// The operation (`generate_content`…); empty for the sum of all of them.
    pub operation: String,
    /// Model calls.
    pub calls: i64,
    /// Tokens sent.
    pub input_tokens: i64,
    /// Tokens received.
    pub output_tokens: i64,
    /// What the provider charges, in millionths of a US dollar.
    pub cost_micros: i64,
    /// Credits charged.
    pub credits: i64,
}

impl OperationTotal {
    fn add(&mut self, row: &UsageSummaryRow) {
        self.calls += row.calls;
        self.input_tokens += row.input_tokens;
        self.output_tokens += row.output_tokens;
        self.cost_micros += row.cost_micros;
        self.credits += row.credits;
    }
}

/// What one day (UTC) used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayTotal {
    /// The day.
    pub day: NaiveDate,
    /// Model calls.
    pub calls: i64,
    /// Credits charged.
    pub credits: i64,
    /// What the provider charges, in millionths of a US dollar.
    pub cost_micros: i64,
}

/// Usage over a span of days, summed for reading: every day of the span (idle days too, so
/// a chart has no gaps), every operation (most credits first) and the whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageTotals {
    /// The first day of the span.
    pub from: NaiveDate,
    /// The last day of the span.
    pub to: NaiveDate,
    /// Each day from `from` to `to`, in order.
    pub days: Vec<DayTotal>,
    /// Each operation that was used, most credits first.
    pub operations: Vec<OperationTotal>,
    /// All operations together.
    pub total: OperationTotal,
}

impl UsageTotals {
    /// Sums `rows` over the days `from..=to` (rows outside them are left out).
    pub fn of(rows: &[UsageSummaryRow], from: NaiveDate, to: NaiveDate) -> Self {
        let mut days: Vec<DayTotal> = from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(|day| DayTotal {
                day,
                calls: 0,
                credits: 0,
                cost_micros: 0,
            })
            .collect();
        let mut operations: Vec<OperationTotal> = Vec::new();
        let mut total = OperationTotal::default();
        for row in rows.iter().filter(|r| r.day >= from && r.day <= to) {
            if let Some(d) = days.iter_mut().find(|d| d.day == row.day) {
                d.calls += row.calls;
                d.credits += row.credits;
                d.cost_micros += row.cost_micros;
            }
            match operations.iter_mut().find(|o| o.operation == row.operation) {
                Some(o) => o.add(row),
                None => {
                    let mut o = OperationTotal {
                        operation: row.operation.clone(),
                        ..OperationTotal::default()
                    };
                    o.add(row);
                    operations.push(o);
                }
            }
            total.add(row);
        }
        operations.sort_by(|a, b| {
            b.credits
                .cmp(&a.credits)
                .then_with(|| a.operation.cmp(&b.operation))
        });
        Self {
            from,
            to,
            days,
            operations,
            total,
        }
    }
}

#[cfg(test)]
mod totals_tests {
    use super::*;

    fn row(day: u32, operation: &str, calls: i64, credits: i64) -> UsageSummaryRow {
        UsageSummaryRow {
            day: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
            operation: operation.to_owned(),
            calls,
            input_tokens: calls * 100,
            output_tokens: calls * 10,
            cost_micros: credits * 1000,
            credits,
        }
    }

    #[test]
    fn every_day_of_the_span_is_there_and_operations_are_summed_most_first() {
        let rows = [
            row(1, "generate_ideas", 1, 2),
            row(3, "generate_content", 2, 40),
            row(3, "generate_ideas", 1, 3),
            row(9, "generate_content", 5, 100), // after the span
        ];
        let from = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let to = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        let t = UsageTotals::of(&rows, from, to);
        let days: Vec<(u32, i64)> = t
            .days
            .iter()
            .map(|d| (chrono::Datelike::day(&d.day), d.credits))
            .collect();
        assert_eq!(days, vec![(1, 2), (2, 0), (3, 43), (4, 0)]);
        let ops: Vec<(&str, i64, i64)> = t
            .operations
            .iter()
            .map(|o| (o.operation.as_str(), o.calls, o.credits))
            .collect();
        assert_eq!(
            ops,
            vec![("generate_content", 2, 40), ("generate_ideas", 2, 5)]
        );
        assert_eq!((t.total.calls, t.total.credits), (4, 45));
        assert_eq!(t.total.input_tokens, 400);
        assert_eq!(t.total.cost_micros, 45_000);
    }
}
