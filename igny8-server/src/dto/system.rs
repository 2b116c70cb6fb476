//! Prompts, author profiles, strategies, settings, integrations, jobs, credits and usage on the
//! wire.

use std::collections::BTreeMap;

use igny8_core::credits as c;
use igny8_core::jobs as j;
use igny8_core::system as s;
use igny8_core::thinker as th;
use poem_openapi::Object;
use poem_openapi::types::{Any, MaybeUndefined};

use super::patch;
use super::{E, Time};

/// An account's override of a prompt.
#[derive(Debug, Object)]
pub struct Prompt {
    /// The override's id (prompt id space).
    pub id: i64,
    /// Which AI function's prompt this replaces for the account; there is at most one override per
    /// type.
    pub prompt_type: E<th::PromptType>,
    /// The template (1–50,000 characters); `{{variable}}` marks a value filled in at run time.
    pub template: String,
    /// When the override was first saved.
    pub created_at: Time,
    /// When the override was last saved.
    pub updated_at: Time,
}

impl From<th::Prompt> for Prompt {
    fn from(p: th::Prompt) -> Self {
        Self {
            id: p.id.get(),
            prompt_type: E(p.prompt_type),
            template: p.template,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A prompt override to save.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PromptInput {
    /// Which prompt to replace; saving a type that has an override replaces it.
    pub prompt_type: E<th::PromptType>,
    /// The template: 1–50,000 characters, naming only the prompt type's `{{variables}}` (any other
    /// is a validation error).
    pub template: String,
}

/// An author profile.
#[derive(Debug, Object)]
pub struct AuthorProfile {
    /// The profile's id (author profile id space).
    pub id: i64,
    /// The name (1–255 characters), unique in the account.
    pub name: String,
    /// Who the author is (up to 5000 characters), or null.
    #[oai(nullable)]
    pub description: Option<String>,
    /// The tone, e.g. `friendly, expert` (up to 255 characters), or null.
    #[oai(nullable)]
    pub tone: Option<String>,
    /// The language to write in, e.g. `en` or `English (UK)` (up to 64 characters), or null.
    #[oai(nullable)]
    pub language: Option<String>,
    /// Style notes (up to 5000 characters), or null.
    #[oai(nullable)]
    pub style: Option<String>,
    /// A structure every article follows (up to 20,000 characters), or null.
    #[oai(nullable)]
    pub structure_template: Option<String>,
    /// A flag for your own use; an inactive profile can still be given to a task.
    pub is_active: bool,
    /// When the profile was created.
    pub created_at: Time,
    /// When the profile last changed.
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
    /// The name: 1–255 characters, unique in the account; required for a new profile.
    #[oai(nullable)]
    pub name: Option<String>,
    /// Who the author is (up to 5000 characters); null removes it, absent keeps it.
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    /// The tone (up to 255 characters); null removes it, absent keeps it.
    #[oai(nullable)]
    pub tone: MaybeUndefined<String>,
    /// The language (up to 64 characters); null removes it, absent keeps it.
    #[oai(nullable)]
    pub language: MaybeUndefined<String>,
    /// Style notes (up to 5000 characters); null removes them, absent keeps them.
    #[oai(nullable)]
    pub style: MaybeUndefined<String>,
    /// A structure every article follows (up to 20,000 characters); null removes it, absent keeps
    /// it.
    #[oai(nullable)]
    pub structure_template: MaybeUndefined<String>,
    /// Set or clear the active flag (default true for a new profile).
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
    /// The strategy's id (strategy id space).
    pub id: i64,
    /// The sector it is meant for, or null for every sector.
    #[oai(nullable)]
    pub sector_id: Option<i64>,
    /// The name (1–255 characters).
    pub name: String,
    /// Guidance for the writer (up to 20,000 characters), or null.
    #[oai(nullable)]
    pub guidance: Option<String>,
    /// Sections every article has, in order (at most 50, each at most 500 characters).
    pub section_structure: Vec<String>,
    /// Extra instructions added to a prompt, keyed by prompt type (`content`, `ideas`, …; each at
    /// most 10,000 characters).
    pub prompt_customisations: BTreeMap<String, String>,
    /// A flag for your own use; an inactive strategy can still be given to a task.
    pub is_active: bool,
    /// When the strategy was created.
    pub created_at: Time,
    /// When the strategy last changed.
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
    /// The sector it is meant for; null for every sector, absent keeps it.
    #[oai(nullable)]
    pub sector_id: MaybeUndefined<i64>,
    /// The name: 1–255 characters; required for a new strategy.
    #[oai(nullable)]
    pub name: Option<String>,
    /// Guidance for the writer (up to 20,000 characters); null removes it, absent keeps it.
    #[oai(nullable)]
    pub guidance: MaybeUndefined<String>,
    /// Sections every article has, in order, replacing the old list (at most 50, each at most 500
    /// characters; blanks dropped).
    #[oai(nullable)]
    pub section_structure: Option<Vec<String>>,
    /// Extra instructions by prompt type, replacing the old map; keys must be prompt types, values
    /// at most 10,000 characters.
    #[oai(nullable)]
    pub prompt_customisations: Option<BTreeMap<String, String>>,
    /// Set or clear the active flag (default true for a new strategy).
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
    /// The setting's key, e.g. `content.word_count`; `system/settings/` lists every known key.
    pub key: String,
    /// The effective value: what was set, or the default.
    pub value: Any<serde_json::Value>,
    /// `account` (one value for the account; admins change it) or `user` (each user their own).
    pub level: String,
    /// Whether a value was set (false: `value` is the default).
    pub is_set: bool,
    /// When the value was set, or null while the default applies.
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
    /// A known setting's key; an unknown key is a validation error.
    pub key: String,
    /// A value of the setting's type (boolean, integer in its range, text up to its length, or one
    /// of its choices).
    pub value: Any<serde_json::Value>,
}

/// Non-secret settings of an integration.
#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct IntegrationConfig {
    /// The API's base URL (http or https), e.g. `https://api.openai.com/v1` or
    /// `http://localhost:11434/v1`; null uses the deployment's. A URL of your own needs a key of
    /// your own, and private or local addresses are refused unless the operator allows them.
    #[oai(nullable)]
    pub base_url: Option<String>,
    /// The model name (up to 128 characters); null uses the deployment's default.
    #[oai(nullable)]
    pub model: Option<String>,
    /// Sampling temperature, 0–2; null uses the default.
    #[oai(nullable)]
    pub temperature: Option<f64>,
    /// The longest completion, in tokens (1–1,000,000); null uses the default.
    #[oai(nullable)]
    pub max_tokens: Option<i64>,
    /// Image size as `WIDTHxHEIGHT` (64–4096 pixels a side); null uses the default.
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

/// The verdict of testing a provider's key: one call that costs nothing (the model list of an
/// OpenAI-compatible API, Runware's authentication task), never retried.
#[derive(Debug, Object)]
pub struct ProviderCheck {
    /// The provider tested.
    pub provider: E<s::IntegrationProvider>,
    /// The model the account's calls would use, or null when the provider could not even be
    /// set up (no key, an address that may not be called).
    #[oai(nullable)]
    pub model: Option<String>,
    /// Whether the provider answered and took the key.
    pub ok: bool,
    /// The verdict in plain words; when `ok` is false, what to change (the key or the base URL).
    pub message: String,
}

impl From<igny8_core::ai::ProviderCheck> for ProviderCheck {
    fn from(c: igny8_core::ai::ProviderCheck) -> Self {
        Self {
            provider: E(c.provider),
            model: c.model,
            ok: c.ok,
            message: c.message,
        }
    }
}

/// An integration (its key is never shown, only a hint).
#[derive(Debug, Object)]
pub struct Integration {
    /// The integration's id (integration id space).
    pub id: i64,
    /// The provider: `openai` (any OpenAI-compatible chat endpoint), `openai_images` or `runware`.
    /// One integration per provider.
    pub provider: E<s::IntegrationProvider>,
    /// The settings that are not secret.
    pub config: IntegrationConfig,
    /// Whether an API key is stored (keys are encrypted at rest and never returned).
    pub has_secret: bool,
    /// A masked hint of the key, e.g. `••••3xYz`, or null when none is stored.
    #[oai(nullable)]
    pub secret_hint: Option<String>,
    /// Whether AI functions use this integration; when false, the deployment's own provider
    /// settings apply.
    pub is_active: bool,
    /// When the integration was first saved.
    pub created_at: Time,
    /// When the integration last changed.
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
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

/// An integration to create or change.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct IntegrationInput {
    /// The provider to configure; saving one that exists changes it.
    pub provider: E<s::IntegrationProvider>,
    /// New settings, replacing the old ones; absent keeps them.
    #[oai(nullable)]
    pub config: Option<IntegrationConfig>,
    /// New API key (at most 4096 printable characters); empty removes it, absent keeps it. Never
    /// shown again.
    #[oai(write_only, nullable)]
    pub api_key: Option<String>,
    /// Use the integration (true) or fall back to the deployment's provider (false).
    #[oai(nullable)]
    pub is_active: Option<bool>,
}

/// A job.
#[derive(Debug, Object)]
pub struct Job {
    /// The job's id (job id space).
    pub id: i64,
    /// The site the job works on, or null for account-wide work.
    #[oai(nullable)]
    pub site_id: Option<i64>,
    /// What the job does.
    pub kind: E<j::JobKind>,
    /// `queued` → `running` → `succeeded`, `failed` or `cancelled`; a running job whose worker
    /// stopped is `queued` again; a queued job can be `cancelled`.
    pub status: E<j::JobStatus>,
    /// How far it got, 0–100.
    pub progress: i64,
    /// The step it is in (`validate`, `prepare`, `prompt`, `call`, `parse`, `save`, …).
    pub phase: String,
    /// A line for people about what it is doing.
    pub message: String,
    /// What it produced, once it succeeded (its shape depends on `kind`), or null.
    #[oai(nullable)]
    pub result: Option<Any<serde_json::Value>>,
    /// Why it failed, or null.
    #[oai(nullable)]
    pub error: Option<String>,
    /// Once an AI job succeeded: what it did, in one sentence ("Grouped 6 keywords into 3
    /// clusters (2 new). 2 credits used."); null otherwise.
    #[oai(nullable)]
    pub summary: Option<String>,
    /// Once an AI job succeeded with something to go on with: the pipeline step that follows
    /// (`generate_ideas`, `queue_ideas`, `write_image_prompts`, `generate_images`, `publish`);
    /// null otherwise.
    #[oai(nullable)]
    pub next_step: Option<String>,
    /// How many times a worker took it (a job whose worker died is retried up to a limit).
    pub attempts: i64,
    /// Whether someone asked it to stop; a running job stops at its next progress report.
    pub cancel_requested: bool,
    /// When the job was queued.
    pub created_at: Time,
    /// When a worker first took it, or null while it waits.
    #[oai(nullable)]
    pub started_at: Option<Time>,
    /// When it ended (succeeded, failed or cancelled), or null while it is not over.
    #[oai(nullable)]
    pub finished_at: Option<Time>,
}

/// A job as operators see it: with the account it runs for (a tenant never sees that field;
/// its jobs are all its own).
#[derive(Debug, Object)]
pub struct OperatorJob {
    /// The account the job runs for (and whose credits it spends).
    pub account_id: i64,
    /// The job.
    #[oai(flatten)]
    pub job: Job,
}

impl From<j::Job> for OperatorJob {
    fn from(v: j::Job) -> Self {
        Self {
            account_id: v.account_id.get(),
            job: v.into(),
        }
    }
}

impl From<j::Job> for Job {
    fn from(v: j::Job) -> Self {
        let outcome = v.outcome();
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
            summary: outcome.as_ref().map(|o| o.summary.clone()),
            next_step: outcome.and_then(|o| o.next).map(|n| n.as_str().to_owned()),
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
    /// Credits available now; credits reserved by running jobs are already taken off.
    pub credits: i64,
    /// The account's plan (plan id space).
    pub plan_id: i64,
}

/// A ledger entry.
#[derive(Debug, Object)]
pub struct Transaction {
    /// The entry's id (ledger id space).
    pub id: i64,
    /// `grant`, `purchase`, `adjustment`, `deduction`, `refund`, or `hold` / `release` around an AI
    /// operation.
    pub kind: E<c::TransactionKind>,
    /// Credits in (positive) or out (negative).
    pub amount: i64,
    /// The account's balance right after this entry.
    pub balance_after: i64,
    /// Why, in words.
    pub reason: String,
    /// The AI operation (e.g. `generate_content`) for holds and releases, or null.
    #[oai(nullable)]
    pub operation: Option<String>,
    /// The kind of object it refers to (`job`, `content`, `task`, …), or null.
    #[oai(nullable)]
    pub reference_type: Option<String>,
    /// The id of that object, in that kind's id space, or null.
    #[oai(nullable)]
    pub reference_id: Option<i64>,
    /// When the entry was posted.
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
    /// `grant`, `purchase`, `adjustment`, `deduction` or `refund` (holds and releases come from AI
    /// operations only).
    pub kind: E<c::TransactionKind>,
    /// Credits: positive for a grant, purchase or refund, negative for a deduction, either sign
    /// (not 0) for an adjustment. A balance can't go below zero.
    pub amount: i64,
    /// Why, in words: 1–255 characters.
    pub reason: String,
    /// Posting twice with the same key (1–191 characters) posts once.
    #[oai(nullable)]
    pub idempotency_key: Option<String>,
}

/// One model call.
#[derive(Debug, Object)]
pub struct Usage {
    /// The entry's id (usage log id space).
    pub id: i64,
    /// The job that made the call, or null.
    #[oai(nullable)]
    pub job_id: Option<i64>,
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
    /// Images made by the call.
    pub images: i64,
    /// What the call cost at the model's price, in US dollars (kept to the millionth).
    pub cost_usd: f64,
    /// Credits charged for the call.
    pub credits: i64,
    /// When the call was made.
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
    /// The AI operation.
    pub operation: String,
    /// Model calls made.
    pub calls: i64,
    /// Tokens sent.
    pub input_tokens: i64,
    /// Tokens received.
    pub output_tokens: i64,
    /// What the calls cost, in US dollars.
    pub cost_usd: f64,
    /// Credits charged.
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

/// Changes to an integration.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct IntegrationPatch {
    /// New settings, replacing the old ones; absent or null keeps them.
    #[oai(nullable)]
    pub config: Option<IntegrationConfig>,
    /// New API key (at most 4096 printable characters); empty removes it, absent or null keeps it.
    /// Never shown again.
    #[oai(write_only, nullable)]
    pub api_key: Option<String>,
    /// Use the integration (true) or fall back to the deployment's provider (false); absent or null
    /// keeps it.
    #[oai(nullable)]
    pub is_active: Option<bool>,
}
