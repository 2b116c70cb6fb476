//! Prompts, author profiles, strategies, settings, integrations, jobs, credits and usage on the
//! wire.

use std::collections::BTreeMap;

use igny8_core::credits as c;
use igny8_core::jobs as j;
use igny8_core::system as s;
use igny8_core::thinker as th;
use poem_openapi::Object;
use poem_openapi::types::{Any, MaybeUndefined};

use super::tenancy::patch;
use super::{E, Time};

/// An account's override of a prompt.
#[derive(Debug, Object)]
pub struct Prompt {
    /// Id.
    pub id: i64,
    /// Which prompt.
    pub prompt_type: E<th::PromptType>,
    /// The template; `{{variable}}` marks a value.
    pub template: String,
    /// Changed.
    pub updated_at: Time,
}

impl From<th::Prompt> for Prompt {
    fn from(p: th::Prompt) -> Self {
        Self {
            id: p.id.get(),
            prompt_type: E(p.prompt_type),
            template: p.template,
            updated_at: p.updated_at,
        }
    }
}

/// A prompt override to save.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PromptInput {
    /// Which prompt.
    pub prompt_type: E<th::PromptType>,
    /// The template; only the prompt type's variables may be used.
    pub template: String,
}

/// An author profile.
#[derive(Debug, Object)]
pub struct AuthorProfile {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Who the author is.
    #[oai(nullable)]
    pub description: Option<String>,
    /// Tone.
    #[oai(nullable)]
    pub tone: Option<String>,
    /// Language.
    #[oai(nullable)]
    pub language: Option<String>,
    /// Style.
    #[oai(nullable)]
    pub style: Option<String>,
    /// Structure every article follows.
    #[oai(nullable)]
    pub structure_template: Option<String>,
    /// In use.
    pub is_active: bool,
    /// Created.
    pub created_at: Time,
    /// Changed.
    pub updated_at: Time,
}

impl From<th::AuthorProfile> for AuthorProfile {
    fn from(a: th::AuthorProfile) -> Self {
        Self {
            id: a.id.get(),
            name: a.name,
            description: a.description,
            tone: a.tone,
            language: a.language,
            style: a.style,
            structure_template: a.structure_template,
            is_active: a.is_active,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// An author profile's fields (all for a new one; the ones to change otherwise).
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct AuthorProfileInput {
    /// Name.
    #[oai(nullable)]
    pub name: Option<String>,
    /// Who the author is, or null.
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    /// Tone, or null.
    #[oai(nullable)]
    pub tone: MaybeUndefined<String>,
    /// Language, or null.
    #[oai(nullable)]
    pub language: MaybeUndefined<String>,
    /// Style, or null.
    #[oai(nullable)]
    pub style: MaybeUndefined<String>,
    /// Structure template, or null.
    #[oai(nullable)]
    pub structure_template: MaybeUndefined<String>,
    /// In use.
    #[oai(nullable)]
    pub is_active: Option<bool>,
}

impl From<AuthorProfileInput> for th::AuthorProfileInput {
    fn from(a: AuthorProfileInput) -> Self {
        Self {
            name: a.name,
            description: patch(a.description, |v| v),
            tone: patch(a.tone, |v| v),
            language: patch(a.language, |v| v),
            style: patch(a.style, |v| v),
            structure_template: patch(a.structure_template, |v| v),
            is_active: a.is_active,
        }
    }
}

/// A strategy.
#[derive(Debug, Object)]
pub struct Strategy {
    /// Id.
    pub id: i64,
    /// Sector (all sectors when null).
    #[oai(nullable)]
    pub sector_id: Option<i64>,
    /// Name.
    pub name: String,
    /// Guidance.
    #[oai(nullable)]
    pub guidance: Option<String>,
    /// Sections every article has.
    pub section_structure: Vec<String>,
    /// Extra instructions per prompt type.
    pub prompt_customisations: BTreeMap<String, String>,
    /// In use.
    pub is_active: bool,
    /// Created.
    pub created_at: Time,
    /// Changed.
    pub updated_at: Time,
}

impl From<th::Strategy> for Strategy {
    fn from(s: th::Strategy) -> Self {
        Self {
            id: s.id.get(),
            sector_id: s.sector_id.map(|v| v.get()),
            name: s.name,
            guidance: s.guidance,
            section_structure: s.section_structure,
            prompt_customisations: s.prompt_customisations,
            is_active: s.is_active,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A strategy's fields (name required for a new one).
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct StrategyInput {
    /// Sector, or null for all sectors.
    #[oai(nullable)]
    pub sector_id: MaybeUndefined<i64>,
    /// Name.
    #[oai(nullable)]
    pub name: Option<String>,
    /// Guidance, or null.
    #[oai(nullable)]
    pub guidance: MaybeUndefined<String>,
    /// Section structure.
    #[oai(nullable)]
    pub section_structure: Option<Vec<String>>,
    /// Extra instructions per prompt type.
    #[oai(nullable)]
    pub prompt_customisations: Option<BTreeMap<String, String>>,
    /// In use.
    #[oai(nullable)]
    pub is_active: Option<bool>,
}

impl From<StrategyInput> for th::StrategyInput {
    fn from(s: StrategyInput) -> Self {
        Self {
            sector_id: patch(s.sector_id, igny8_core::SectorId),
            name: s.name,
            guidance: patch(s.guidance, |v| v),
            section_structure: s.section_structure,
            prompt_customisations: s.prompt_customisations,
            is_active: s.is_active,
        }
    }
}

/// A setting and its effective value.
#[derive(Debug, Object)]
pub struct Setting {
    /// Key.
    pub key: String,
    /// Value (the default when not set).
    pub value: Any<serde_json::Value>,
    /// `account` or `user`.
    pub level: String,
    /// Whether it was set.
    pub is_set: bool,
    /// When it was set.
    #[oai(nullable)]
    pub updated_at: Option<Time>,
}

impl From<s::Setting> for Setting {
    fn from(v: s::Setting) -> Self {
        Self {
            key: v.key,
            value: Any(v.value),
            level: match v.level {
                s::SettingLevel::Account => "account".into(),
                s::SettingLevel::User => "user".into(),
            },
            is_set: v.is_set,
            updated_at: v.updated_at,
        }
    }
}

/// A setting to set.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct SettingInput {
    /// Key.
    pub key: String,
    /// Value of the setting's type.
    pub value: Any<serde_json::Value>,
}

/// Non-secret settings of an integration.
#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct IntegrationConfig {
    /// Base URL, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`.
    #[oai(nullable)]
    pub base_url: Option<String>,
    /// Model.
    #[oai(nullable)]
    pub model: Option<String>,
    /// Temperature 0–2.
    #[oai(nullable)]
    pub temperature: Option<f64>,
    /// Largest completion in tokens.
    #[oai(nullable)]
    pub max_tokens: Option<i64>,
    /// Image size.
    #[oai(nullable)]
    pub size: Option<String>,
}

impl From<IntegrationConfig> for s::IntegrationConfig {
    fn from(c: IntegrationConfig) -> Self {
        Self {
            base_url: c.base_url,
            model: c.model,
            temperature: c.temperature,
            max_tokens: c.max_tokens,
            size: c.size,
        }
    }
}

impl From<s::IntegrationConfig> for IntegrationConfig {
    fn from(c: s::IntegrationConfig) -> Self {
        Self {
            base_url: c.base_url,
            model: c.model,
            temperature: c.temperature,
            max_tokens: c.max_tokens,
            size: c.size,
        }
    }
}

/// An integration (its key is never shown, only a hint).
#[derive(Debug, Object)]
pub struct Integration {
    /// Id.
    pub id: i64,
    /// Provider.
    pub provider: E<s::IntegrationProvider>,
    /// Settings.
    pub config: IntegrationConfig,
    /// Whether a key is stored.
    pub has_secret: bool,
    /// Masked hint of the key.
    #[oai(nullable)]
    pub secret_hint: Option<String>,
    /// In use.
    pub is_active: bool,
    /// Changed.
    pub updated_at: Time,
}

impl From<s::Integration> for Integration {
    fn from(i: s::Integration) -> Self {
        Self {
            id: i.id.get(),
            provider: E(i.provider),
            config: i.config.into(),
            has_secret: i.has_secret,
            secret_hint: i.secret_hint,
            is_active: i.is_active,
            updated_at: i.updated_at,
        }
    }
}

/// An integration to create or change.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct IntegrationInput {
    /// Provider.
    pub provider: E<s::IntegrationProvider>,
    /// New settings.
    #[oai(nullable)]
    pub config: Option<IntegrationConfig>,
    /// New API key (empty removes it; absent keeps it). Never shown again.
    #[oai(write_only, nullable)]
    pub api_key: Option<String>,
    /// In use.
    #[oai(nullable)]
    pub is_active: Option<bool>,
}

/// A job.
#[derive(Debug, Object)]
pub struct Job {
    /// Id.
    pub id: i64,
    /// Site.
    #[oai(nullable)]
    pub site_id: Option<i64>,
    /// What it does.
    pub kind: E<j::JobKind>,
    /// Status.
    pub status: E<j::JobStatus>,
    /// 0–100.
    pub progress: i64,
    /// Phase.
    pub phase: String,
    /// Message.
    pub message: String,
    /// Result.
    #[oai(nullable)]
    pub result: Option<Any<serde_json::Value>>,
    /// Error.
    #[oai(nullable)]
    pub error: Option<String>,
    /// Attempts.
    pub attempts: i64,
    /// Cancel requested.
    pub cancel_requested: bool,
    /// Created.
    pub created_at: Time,
    /// Started.
    #[oai(nullable)]
    pub started_at: Option<Time>,
    /// Finished.
    #[oai(nullable)]
    pub finished_at: Option<Time>,
}

impl From<j::Job> for Job {
    fn from(v: j::Job) -> Self {
        Self {
            id: v.id.get(),
            site_id: v.site_id.map(|s| s.get()),
            kind: E(v.kind),
            status: E(v.status),
            progress: v.progress,
            phase: v.phase,
            message: v.message,
            result: v.result.map(Any),
            error: v.error,
            attempts: v.attempts,
            cancel_requested: v.cancel_requested,
            created_at: v.created_at,
            started_at: v.started_at,
            finished_at: v.finished_at,
        }
    }
}

/// The credit balance.
#[derive(Debug, Object)]
pub struct Balance {
    /// Credits available.
    pub credits: i64,
    /// The account's plan.
    pub plan_id: i64,
}

/// A ledger entry.
#[derive(Debug, Object)]
pub struct Transaction {
    /// Id.
    pub id: i64,
    /// Kind.
    pub kind: E<c::TransactionKind>,
    /// Credits in (+) or out (−).
    pub amount: i64,
    /// Balance after it.
    pub balance_after: i64,
    /// Why.
    pub reason: String,
    /// The AI operation.
    #[oai(nullable)]
    pub operation: Option<String>,
    /// Kind of object it refers to.
    #[oai(nullable)]
    pub reference_type: Option<String>,
    /// Id of that object.
    #[oai(nullable)]
    pub reference_id: Option<i64>,
    /// When.
    pub created_at: Time,
}

impl From<c::CreditTransaction> for Transaction {
    fn from(t: c::CreditTransaction) -> Self {
        Self {
            id: t.id.get(),
            kind: E(t.kind),
            amount: t.amount,
            balance_after: t.balance_after,
            reason: t.reason,
            operation: t.operation,
            reference_type: t.reference.as_ref().map(|r| r.kind.clone()),
            reference_id: t.reference.map(|r| r.id),
            created_at: t.created_at,
        }
    }
}

/// A credit entry posted by an operator.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct CreditAdjustment {
    /// `grant`, `purchase`, `adjustment`, `deduction` or `refund`.
    pub kind: E<c::TransactionKind>,
    /// Credits (signed for adjustments).
    pub amount: i64,
    /// Why.
    pub reason: String,
    /// Posting twice with the same key posts once.
    #[oai(nullable)]
    pub idempotency_key: Option<String>,
}

/// One model call.
#[derive(Debug, Object)]
pub struct Usage {
    /// Id.
    pub id: i64,
    /// Job.
    #[oai(nullable)]
    pub job_id: Option<i64>,
    /// Operation.
    pub operation: String,
    /// Provider.
    pub provider: String,
    /// Model.
    pub model: String,
    /// Prompt tokens.
    pub input_tokens: i64,
    /// Completion tokens.
    pub output_tokens: i64,
    /// Images.
    pub images: i64,
    /// Cost in US dollars.
    pub cost_usd: f64,
    /// Credits.
    pub credits: i64,
    /// When.
    pub created_at: Time,
}

impl From<c::UsageLog> for Usage {
    fn from(u: c::UsageLog) -> Self {
        Self {
            id: u.id.get(),
            job_id: u.job_id.map(|j| j.get()),
            cost_usd: u.cost_usd(),
            operation: u.operation,
            provider: u.provider,
            model: u.model,
            input_tokens: u.input_tokens,
            output_tokens: u.output_tokens,
            images: u.images,
            credits: u.credits,
            created_at: u.created_at,
        }
    }
}

/// Usage summed for a day and operation.
#[derive(Debug, Object)]
pub struct UsageSummary {
    /// Day (UTC), `YYYY-MM-DD`.
    pub day: String,
    /// Operation.
    pub operation: String,
    /// Model calls.
    pub calls: i64,
    /// Prompt tokens.
    pub input_tokens: i64,
    /// Completion tokens.
    pub output_tokens: i64,
    /// Cost in US dollars.
    pub cost_usd: f64,
    /// Credits.
    pub credits: i64,
}

impl From<c::UsageSummaryRow> for UsageSummary {
    fn from(r: c::UsageSummaryRow) -> Self {
        Self {
            day: r.day.to_string(),
            operation: r.operation,
            calls: r.calls,
            input_tokens: r.input_tokens,
            output_tokens: r.output_tokens,
            cost_usd: r.cost_micros as f64 / 1_000_000.0,
            credits: r.credits,
        }
    }
}
