//! Provider integrations: OpenAI-compatible text, OpenAI images, Runware images. Secrets are
//! encrypted at rest and never returned, only a masked hint.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::error::Result;
use crate::ids::*;
use crate::validate::Check;

string_enum! {
    /// A provider the account can connect.
    pub enum IntegrationProvider {
        /// Any OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM, llama.cpp, OpenRouter).
        OpenAi => "openai",
        /// OpenAI image generation.
        OpenAiImages => "openai_images",
        /// Runware image inference.
        Runware => "runware",
    }
}

impl IntegrationProvider {
    /// The provider's name for people: `OpenAI` (text and images), `Runware`.
    pub fn label(self) -> &'static str {
        match self {
            Self::OpenAi | Self::OpenAiImages => "OpenAI",
            Self::Runware => "Runware",
        }
    }
}

/// Non-secret settings of an integration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IntegrationConfig {
    /// Base URL of the API, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`.
    pub base_url: Option<String>,
    /// Model name, up to 128 characters.
    pub model: Option<String>,
    /// Sampling temperature, 0–2.
    pub temperature: Option<f64>,
    /// Largest completion, in tokens (1–1,000,000).
    pub max_tokens: Option<i64>,
    /// Image size, e.g. `1024x1024` (64–4096 pixels a side).
    pub size: Option<String>,
}

impl IntegrationConfig {
    pub(crate) fn check(&mut self, check: &mut Check) {
        self.base_url = check.url("config.base_url", self.base_url.as_deref());
        self.model = check.opt_text("config.model", self.model.as_deref(), 128);
        if let Some(t) = self.temperature
            && !(0.0..=2.0).contains(&t)
        {
            check.fail("config.temperature", "must be between 0 and 2");
        }
        if let Some(m) = self.max_tokens {
            check.range("config.max_tokens", m, 1, 1_000_000);
        }
        crate::writer::check_size_field(check, "config.size", &self.size);
    }
}

/// An integration as shown: the secret is never included, only a masked hint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Integration {
    /// The integration's id.
    pub id: IntegrationId,
    /// The account that owns the integration.
    pub account_id: AccountId,
    /// The provider; an account has at most one integration per provider.
    pub provider: IntegrationProvider,
    /// Settings that are not secret; each `None` falls back to the deployment's.
    pub config: IntegrationConfig,
    /// Whether a key is stored (sealed with the deployment's secret key).
    pub has_secret: bool,
    /// A masked hint of the key, e.g. `••••3xYz`.
    pub secret_hint: Option<String>,
    /// Whether AI calls use it; inactive, the deployment's provider settings apply.
    pub is_active: bool,
    /// When the integration was created.
    pub created_at: DateTime<Utc>,
    /// When the integration last changed.
    pub updated_at: DateTime<Utc>,
}

/// Input to create or change an integration.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct IntegrationInput {
    /// New settings (replace the old ones).
    pub config: Option<IntegrationConfig>,
    /// New API key (at most 4096 printable characters); `Some("")` removes it, `None` keeps it.
    pub api_key: Option<String>,
    /// Use it (`true`) or fall back to the deployment's provider (`false`).
    pub is_active: Option<bool>,
}

impl std::fmt::Debug for IntegrationInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntegrationInput")
            .field("config", &self.config)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("is_active", &self.is_active)
            .finish()
    }
}

impl IntegrationInput {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        if let Some(c) = &mut self.config {
            c.check(&mut check);
        }
        if let Some(k) = &self.api_key
            && (k.len() > 4096 || k.chars().any(char::is_control))
        {
            check.fail("api_key", "must be at most 4096 printable characters");
        }
        check.finish()?;
        Ok(self)
    }
}

/// An integration ready to store: the key already sealed.
#[derive(Debug, Clone)]
pub struct IntegrationRecord {
    /// Provider.
    pub provider: IntegrationProvider,
    /// Settings, when they change.
    pub config: Option<IntegrationConfig>,
    /// The sealed key and its hint: `Some(None)` removes the key.
    pub secret: Option<Option<(String, String)>>,
    /// In use.
    pub is_active: Option<bool>,
}
