//! Which provider an account's AI calls go to: the deployment's defaults, overridden by the
//! account's own integrations.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::http::{HttpOptions, RetryPolicy};
use super::openai::{ApiKey, Endpoint, OpenAiChat, OpenAiImages};
use super::pricing::{CreditPrices, ModelPrice, PriceTable};
use super::provider::{ImageProvider, TextProvider};
use super::runware::Runware;
use crate::error::{Error, Result};
use crate::outbound::OutboundConfig;
use crate::settings::{Expect, ExposeSecret, Loader, SecretString, Section, SettingsError, Var};
use crate::system::Integration;

/// Where images are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageBackend {
    /// OpenAI image generation.
    #[default]
    OpenAi,
    /// Runware image inference.
    Runware,
}

/// The deployment's AI settings: the providers every account uses unless it connects its own.
/// The keys are [`SecretString`]s: `Debug` shows them redacted.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AiConfig {
    /// Base URL of the OpenAI-compatible text API (`IGNY8_OPENAI_BASE_URL`).
    pub openai_base_url: String,
    /// Its key (`IGNY8_OPENAI_API_KEY`); a local server may need none.
    #[serde(serialize_with = "crate::settings::expose_option")]
    pub openai_api_key: Option<SecretString>,
    /// The text model (`IGNY8_OPENAI_MODEL`).
    pub openai_model: String,
    /// The OpenAI image model (`IGNY8_OPENAI_IMAGE_MODEL`).
    pub openai_image_model: String,
    /// `openai` or `runware` (`IGNY8_IMAGE_PROVIDER`).
    pub image_provider: ImageBackend,
    /// Runware's endpoint (`IGNY8_RUNWARE_BASE_URL`).
    pub runware_base_url: String,
    /// Runware's key (`IGNY8_RUNWARE_API_KEY`).
    #[serde(serialize_with = "crate::settings::expose_option")]
    pub runware_api_key: Option<SecretString>,
    /// The Runware model (`IGNY8_RUNWARE_MODEL`).
    pub runware_model: String,
    /// The longest a model call may take, in seconds (`IGNY8_AI_TIMEOUT_SECS`).
    pub timeout_secs: u64,
    /// Calls in all when a provider fails transiently (`IGNY8_AI_MAX_ATTEMPTS`).
    pub max_attempts: u32,
    /// Credit prices of the operations (`IGNY8_CREDITS_*`).
    pub credit_prices: CreditPrices,
    /// Model prices in US dollars laid over the shipped table (settings file only).
    pub model_prices: BTreeMap<String, ModelPrice>,
    /// Where generated images that arrive as bytes are written, as
    /// `{media_dir}/{account}/{image}.{ext}` (`IGNY8_MEDIA_DIR`); the image's `file_path` is
    /// the part after `{media_dir}/`, so no result shows where the directory is. Images that
    /// arrive as a URL are stored as that URL.
    pub media_dir: String,
}

impl Default for AiConfig {
    fn default() -> Self {
        Self {
            openai_base_url: "https://api.openai.com/v1".into(),
            openai_api_key: None,
            openai_model: "gpt-4o-mini".into(),
            openai_image_model: "gpt-image-1".into(),
            image_provider: ImageBackend::OpenAi,
            runware_base_url: "https://api.runware.ai/v1".into(),
            runware_api_key: None,
            runware_model: "runware:101@1".into(),
            timeout_secs: 300,
            max_attempts: 4,
            credit_prices: CreditPrices::default(),
            model_prices: BTreeMap::new(),
            media_dir: "media".into(),
        }
    }
}

impl AiConfig {
    /// The `IGNY8_*` variables of these settings (the credit prices' among them).
    pub const VARS: &'static [Var] = &[
        Var::new("OPENAI_BASE_URL", "openai_base_url", Expect::Text),
        Var::new("OPENAI_API_KEY", "openai_api_key", Expect::Secret),
        Var::new("OPENAI_MODEL", "openai_model", Expect::Text),
        Var::new("OPENAI_IMAGE_MODEL", "openai_image_model", Expect::Text),
        Var::new(
            "IMAGE_PROVIDER",
            "image_provider",
            Expect::OneOf(&["openai", "runware"]),
        ),
        Var::new("RUNWARE_BASE_URL", "runware_base_url", Expect::Text),
        Var::new("RUNWARE_API_KEY", "runware_api_key", Expect::Secret),
        Var::new("RUNWARE_MODEL", "runware_model", Expect::Text),
        Var::new("MEDIA_DIR", "media_dir", Expect::Text),
        Var::new("AI_TIMEOUT_SECS", "timeout_secs", Expect::Positive),
        Var::new("AI_MAX_ATTEMPTS", "max_attempts", Expect::Positive),
        Var::new(
            "CREDITS_KEYWORDS_PER_CLUSTER_CREDIT",
            "credit_prices.keywords_per_cluster_credit",
            Expect::Positive,
        ),
        Var::new("CREDITS_PER_IDEA", "credit_prices.per_idea", Expect::Whole),
        Var::new(
            "CREDITS_PER_100_WORDS",
            "credit_prices.per_100_words",
            Expect::Whole,
        ),
        Var::new(
            "CREDITS_PER_IMAGE_PROMPT_SET",
            "credit_prices.per_image_prompt_set",
            Expect::Whole,
        ),
        Var::new(
            "CREDITS_PER_IMAGE",
            "credit_prices.per_image",
            Expect::Whole,
        ),
    ];

    /// The file on disk of an image's stored `file_path`, if it lies under [`media_dir`]:
    /// a stored path is relative to the media directory (`{account}/image-{id}.png`); an
    /// absolute one (rows written before paths were stored relative) is taken as it is. `None`
    /// when there is no such file or it is outside the media directory, whatever the row says.
    ///
    /// [`media_dir`]: AiConfig::media_dir
    pub async fn media_file(&self, stored: &str) -> Option<std::path::PathBuf> {
        let media = tokio::fs::canonicalize(&self.media_dir).await.ok()?;
        let file = tokio::fs::canonicalize(std::path::Path::new(&self.media_dir).join(stored))
            .await
            .ok()?;
        file.starts_with(&media).then_some(file)
    }

    /// The defaults with the AI variables among `vars` (`IGNY8_OPENAI_MODEL`, …; see
    /// [`AiConfig::VARS`]) laid over them, checked. Another `IGNY8_*` name is an error unless
    /// `ignore` accepts it (named without the prefix); names without the prefix are skipped.
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
        ignore: impl Fn(&str) -> bool,
    ) -> std::result::Result<Self, SettingsError> {
        let config: Self = Loader::new(&Self::default())
            .env(&[Section::new("", Self::VARS)], vars, ignore)?
            .extract()?;
        config.check().map_err(SettingsError)?;
        Ok(config)
    }

    /// The model price table: the shipped prices with `model_prices` over them.
    pub fn price_table(&self) -> PriceTable {
        PriceTable::with(&self.model_prices)
    }

    /// Checks the URLs and models.
    pub fn check(&self) -> std::result::Result<(), String> {
        for (name, url) in [
            ("openai_base_url", &self.openai_base_url),
            ("runware_base_url", &self.runware_base_url),
        ] {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!("{name} {url:?} is not an http(s) URL"));
            }
        }
        if let Some((model, _)) = self.model_prices.iter().find(|(_, p)| {
            [p.input_per_million, p.output_per_million, p.per_image]
                .iter()
                .any(|v| !v.is_finite() || *v < 0.0)
        }) {
            return Err(format!("model_prices.{model}: prices must be 0 or more"));
        }
        if self.credit_prices.keywords_per_cluster_credit == 0 {
            return Err("credit_prices.keywords_per_cluster_credit must be at least 1".into());
        }
        for (name, model) in [
            ("openai_model", &self.openai_model),
            ("openai_image_model", &self.openai_image_model),
            ("runware_model", &self.runware_model),
        ] {
            if model.trim().is_empty() {
                return Err(format!("{name} is empty"));
            }
        }
        Ok(())
    }

    fn http(&self) -> HttpOptions {
        let total = Duration::from_secs(self.timeout_secs.max(1));
        HttpOptions {
            read_timeout: total.min(HttpOptions::default().read_timeout),
            request_timeout: total,
            retry: RetryPolicy {
                // At most 20 calls, whatever the settings say.
                max_attempts: self.max_attempts.clamp(1, 20),
                ..RetryPolicy::default()
            },
            ..HttpOptions::default()
        }
    }
}

/// An account's integration of one provider with its key in clear (for calling, never for
/// showing).
#[derive(Debug, Clone)]
pub struct AccountProvider {
    /// The stored integration.
    pub integration: Integration,
    /// Its key.
    pub api_key: Option<ApiKey>,
}

/// Whether two base URLs name the same endpoint (a trailing slash and letter case aside).
fn same_url(a: &str, b: &str) -> bool {
    a.trim()
        .trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim().trim_end_matches('/'))
}

/// The endpoint for a provider: the account's active integration over the deployment's
/// defaults, field by field — except that the deployment's key only ever goes to the
/// deployment's own URL. An integration with a base URL of its own must bring its own key,
/// and that URL passes the outbound guard (no private or local addresses unless the operator
/// allows them).
fn endpoint(
    config: &AiConfig,
    outbound: OutboundConfig,
    default: (&str, &Option<SecretString>, &str),
    account: Option<&AccountProvider>,
    what: &str,
) -> Result<Endpoint> {
    let own = account.filter(|a| a.integration.is_active);
    let own_key = own
        .and_then(|a| a.api_key.clone())
        .filter(|k| !k.expose().is_empty());
    let own_url = own
        .and_then(|a| a.integration.config.base_url.clone())
        .filter(|url| !same_url(url, default.0));
    let model = own
        .and_then(|a| a.integration.config.model.clone())
        .unwrap_or_else(|| default.2.to_owned());
    let (base_url, api_key, guard) = match own_url {
        Some(url) => {
            let key = own_key.ok_or_else(|| {
                Error::NotConfigured(format!(
                    "the account's integration for the {what} has its own base URL but no API \
                     key of its own: add the key of that provider to the integration (this \
                     server's own key is only ever sent to this server's provider)"
                ))
            })?;
            (url, key, Some(outbound))
        }
        None => {
            let key = own_key
                .or_else(|| {
                    default
                        .1
                        .as_ref()
                        .map(|k| ApiKey::new(k.expose_secret().to_owned()))
                })
                .unwrap_or_default();
            (default.0.to_owned(), key, None)
        }
    };
    let hosted = ["https://api.openai.com/", "https://api.runware.ai/"]
        .iter()
        .any(|h| base_url.starts_with(h));
    if hosted && api_key.expose().is_empty() {
        return Err(Error::NotConfigured(format!(
            "there is no API key for the {what}: an admin of the account adds one under \
             Settings › AI providers (in the API: system/integrations/)"
        )));
    }
    Ok(Endpoint {
        base_url,
        api_key,
        model,
        http: config.http(),
        guard,
    })
}

/// The text model for an account: its `openai` integration, else the deployment's.
pub fn text_provider(
    config: &AiConfig,
    outbound: OutboundConfig,
    account: Option<&AccountProvider>,
) -> Result<Arc<dyn TextProvider>> {
    let defaults = (
        config.openai_base_url.as_str(),
        &config.openai_api_key,
        config.openai_model.as_str(),
    );
    let endpoint = endpoint(config, outbound, defaults, account, "text model")?;
    Ok(Arc::new(OpenAiChat::new(endpoint)?))
}

/// The image model for an account: its active `runware` or `openai_images` integration —
/// `prefer` (the account's `images.provider` setting) when both are active — else the
/// deployment's image provider. OpenAI images without an active `openai_images` integration
/// go with the account's active `openai` (text) integration when it has one: its key and base
/// URL, the deployment's image model — someone who entered only an OpenAI key gets images too.
pub fn image_provider(
    config: &AiConfig,
    outbound: OutboundConfig,
    runware: Option<&AccountProvider>,
    openai_images: Option<&AccountProvider>,
    openai_text: Option<&AccountProvider>,
    prefer: ImageBackend,
) -> Result<Arc<dyn ImageProvider>> {
    let backend = match (is_active(runware), is_active(openai_images)) {
        (true, true) => prefer,
        (true, false) => ImageBackend::Runware,
        (false, true) => ImageBackend::OpenAi,
        (false, false) => config.image_provider,
    };
    image_provider_of(
        config,
        outbound,
        backend,
        runware,
        openai_images,
        openai_text,
    )
}

/// The image model of `backend` for an account, whichever one its settings would choose: its
/// own integration of that provider, else the deployment's (for OpenAI, see
/// [`image_provider`] on the text integration's key).
pub fn image_provider_of(
    config: &AiConfig,
    outbound: OutboundConfig,
    backend: ImageBackend,
    runware: Option<&AccountProvider>,
    openai_images: Option<&AccountProvider>,
    openai_text: Option<&AccountProvider>,
) -> Result<Arc<dyn ImageProvider>> {
    Ok(match backend {
        ImageBackend::Runware => {
            let defaults = (
                config.runware_base_url.as_str(),
                &config.runware_api_key,
                config.runware_model.as_str(),
            );
            Arc::new(Runware::new(endpoint(
                config,
                outbound,
                defaults,
                runware,
                "image model (Runware)",
            )?)?)
        }
        ImageBackend::OpenAi => {
            let defaults = (
                config.openai_base_url.as_str(),
                &config.openai_api_key,
                config.openai_image_model.as_str(),
            );
            // The text integration's model is a chat model: images keep the deployment's.
            let from_text = openai_text.filter(|t| is_active(Some(t))).map(|t| {
                let mut images = t.clone();
                images.integration.config.model = None;
                images
            });
            let own = if is_active(openai_images) {
                openai_images
            } else {
                from_text.as_ref()
            };
            Arc::new(OpenAiImages::new(endpoint(
                config,
                outbound,
                defaults,
                own,
                "image model (OpenAI)",
            )?)?)
        }
    })
}

/// Whether an account has this integration switched on.
pub(crate) fn is_active(integration: Option<&AccountProvider>) -> bool {
    integration.is_some_and(|a| a.integration.is_active)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn variables_set_the_config_and_bad_values_are_named() {
        let c = AiConfig::from_vars(
            vars(&[
                ("IGNY8_OPENAI_BASE_URL", " http://127.0.0.1:11434/v1 "),
                ("IGNY8_OPENAI_MODEL", "llama3.2"),
                ("IGNY8_IMAGE_PROVIDER", "Runware"),
                ("IGNY8_AI_MAX_ATTEMPTS", "2"),
                ("IGNY8_OPENAI_API_KEY", ""),
                ("IGNY8_CREDITS_PER_IDEA", "3"),
                ("IGNY8_RUNWARE_API_KEY", "rw-secret"),
                ("IGNY8_DATABASE_URL", "x"),
            ]),
            |name| name == "DATABASE_URL",
        )
        .unwrap();
        assert_eq!(c.credit_prices.per_idea, 3);
        assert_eq!(c.openai_base_url, "http://127.0.0.1:11434/v1");
        assert_eq!(c.openai_model, "llama3.2");
        assert_eq!(c.image_provider, ImageBackend::Runware);
        assert_eq!(c.max_attempts, 2);
        assert!(c.openai_api_key.is_none());
        assert!(!format!("{c:?}").contains("rw-secret"));
        let err = |pairs: &[(&str, &str)]| {
            AiConfig::from_vars(vars(pairs), |_| false)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(&[("IGNY8_IMAGE_PROVIDER", "midjourney")]),
            r#"IGNY8_IMAGE_PROVIDER must be openai or runware, got "midjourney""#
        );
        assert_eq!(
            err(&[("IGNY8_AI_TIMEOUT_SECS", "0")]),
            r#"IGNY8_AI_TIMEOUT_SECS must be a whole number of 1 or more, got "0""#
        );
        assert_eq!(
            err(&[("IGNY8_DATABASE_URL", "x")]),
            "unknown setting IGNY8_DATABASE_URL"
        );
        assert!(err(&[("IGNY8_OPENAI_BASE_URL", "ftp://x")]).contains("openai_base_url"));
    }

    #[test]
    fn hosted_providers_need_a_key_local_ones_do_not() {
        let config = AiConfig::default();
        let err = text_provider(&config, OutboundConfig::default(), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no API key for the text model"), "{err}");
        let local = AiConfig {
            openai_base_url: "http://127.0.0.1:11434/v1".into(),
            ..AiConfig::default()
        };
        assert_eq!(
            text_provider(&local, OutboundConfig::default(), None)
                .unwrap()
                .model(),
            "gpt-4o-mini"
        );
    }
}
