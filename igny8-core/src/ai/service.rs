//! The providers of an account, resolved from its integrations and the deployment's defaults.

use std::sync::Arc;

use super::config::{self, AccountProvider, AiConfig, ImageBackend};
use super::openai::ApiKey;
use super::provider::{ImageProvider, ProviderError, TextProvider};
use crate::Igny8;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::system::IntegrationProvider;
use crate::tenancy::Permission;
use crate::tenancy::Scope;

impl<S: Store> Igny8<S> {
    /// The deployment's AI settings.
    pub fn ai_config(&self) -> &AiConfig {
        &self.ai
    }

    /// The account's integrations of `providers`, in that order, with their keys opened
    /// (one read of the integrations; a key only for an active one).
    async fn account_providers<const N: usize>(
        &self,
        scope: &Scope,
        providers: [IntegrationProvider; N],
    ) -> Result<[Option<AccountProvider>; N]> {
        let integrations = self.store().list_integrations(scope).await?;
        let mut found: [Option<AccountProvider>; N] = std::array::from_fn(|_| None);
        for (slot, provider) in found.iter_mut().zip(providers) {
            let Some(integration) = integrations.iter().find(|i| i.provider == provider) else {
                continue;
            };
            let api_key = if integration.has_secret && integration.is_active {
                self.system()
                    .integration_key(scope, provider)
                    .await?
                    .map(ApiKey::new)
            } else {
                None
            };
            *slot = Some(AccountProvider {
                integration: integration.clone(),
                api_key,
            });
        }
        Ok(found)
    }

    /// The account's `runware`, `openai_images` and `openai` integrations, in that order: what
    /// choosing an image model reads.
    async fn image_and_text_providers(
        &self,
        scope: &Scope,
    ) -> Result<[Option<AccountProvider>; 3]> {
        self.account_providers(
            scope,
            [
                IntegrationProvider::Runware,
                IntegrationProvider::OpenAiImages,
                IntegrationProvider::OpenAi,
            ],
        )
        .await
    }

    /// The text model the account's AI calls go to: its active `openai` integration (base
    /// URL, model and key, each falling back to the deployment's), else the deployment's.
    pub async fn text_provider(&self, scope: &Scope) -> Result<Arc<dyn TextProvider>> {
        let [own] = self
            .account_providers(scope, [IntegrationProvider::OpenAi])
            .await?;
        config::text_provider(&self.ai, self.outbound, own.as_ref())
    }

    /// The image model the account's AI calls go to: its active `runware` or
    /// `openai_images` integration (the one its `images.provider` setting names when both are
    /// active), else the deployment's image provider — for OpenAI images with the key of the
    /// account's `openai` integration when it has one (see [`config::image_provider`]).
    pub async fn image_provider(&self, scope: &Scope) -> Result<Arc<dyn ImageProvider>> {
        let [runware, images, text] = self.image_and_text_providers(scope).await?;
        // The setting is read only when it decides something.
        let prefer = if config::is_active(runware.as_ref()) && config::is_active(images.as_ref()) {
            self.system().defaults(scope).await?.image_provider
        } else {
            ImageBackend::default()
        };
        config::image_provider(
            &self.ai,
            self.outbound,
            runware.as_ref(),
            images.as_ref(),
            text.as_ref(),
            prefer,
        )
    }

    /// What a "Test key" button shows for an account's `provider`: resolved as its AI calls
    /// resolve it (its own integration, else the deployment's settings), then one call that
    /// costs nothing — the model list of an OpenAI-compatible API, Runware's authentication
    /// task. Never retried. Account-wide admins only (it calls out with the account's key).
    pub async fn check_provider(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
    ) -> Result<ProviderCheck> {
        scope.require_account_wide(Permission::Manage)?;
        let [runware, images, text] = self.image_and_text_providers(scope).await?;
        let resolved = match provider {
            IntegrationProvider::OpenAi => {
                config::text_provider(&self.ai, self.outbound, text.as_ref())
                    .map(|p| (p.model().to_owned(), Checked::Text(p)))
            }
            IntegrationProvider::OpenAiImages | IntegrationProvider::Runware => {
                let backend = if provider == IntegrationProvider::Runware {
                    ImageBackend::Runware
                } else {
                    ImageBackend::OpenAi
                };
                config::image_provider_of(
                    &self.ai,
                    self.outbound,
                    backend,
                    runware.as_ref(),
                    images.as_ref(),
                    text.as_ref(),
                )
                .map(|p| (p.model().to_owned(), Checked::Image(p)))
            }
        };
        let (model, checked) = match resolved {
            Ok(found) => found,
            // No key, or an address the guard refuses: said as the verdict, not as a failure.
            Err(e @ (Error::NotConfigured(_) | Error::Validation { .. })) => {
                return Ok(ProviderCheck {
                    provider,
                    model: None,
                    ok: false,
                    message: e.to_string(),
                });
            }
            Err(e) => return Err(e),
        };
        let outcome = match &checked {
            Checked::Text(p) => p.check().await,
            Checked::Image(p) => p.check().await,
        };
        Ok(ProviderCheck {
            provider,
            message: match &outcome {
                Ok(()) => format!("The key works: {} answered.", provider.label()),
                Err(e) => verdict(provider, e),
            },
            ok: outcome.is_ok(),
            model: Some(model),
        })
    }
}

enum Checked {
    Text(Arc<dyn TextProvider>),
    Image(Arc<dyn ImageProvider>),
}

/// The verdict of a "Test key" button (see [`Igny8::check_provider`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderCheck {
    /// The provider tested.
    pub provider: IntegrationProvider,
    /// The model its calls would use; `None` when it could not even be set up.
    pub model: Option<String>,
    /// Whether the provider answered and took the key.
    pub ok: bool,
    /// The verdict in plain words, with what to do when it failed.
    pub message: String,
}

/// A failed check in plain words, with the fix: what a person can change is the key or the
/// base URL, so each failure points at one of them.
fn verdict(provider: IntegrationProvider, error: &ProviderError) -> String {
    let name = provider.label();
    match error {
        ProviderError::Status {
            status: 401 | 403,
            message,
            ..
        } => format!(
            "{name} refused the key ({message}). Check that the whole key was copied and that it \
             is still active in your {name} account, then save it again."
        ),
        ProviderError::Status { status: 404, .. } => format!(
            "There is no {name} API at that address (HTTP 404). Check the base URL — for an \
             OpenAI-compatible server it usually ends in /v1 — or leave it empty."
        ),
        ProviderError::Status {
            status: 429,
            message,
            ..
        } => format!(
            "{name} took the key but refuses work right now ({message}). Check the plan and \
             billing of your {name} account, or try again in a minute."
        ),
        ProviderError::Status {
            status, message, ..
        } => format!("{name} answered with an error (HTTP {status}: {message}). Try again later."),
        ProviderError::Timeout { .. } => {
            format!("{name} did not answer in time. Try again in a minute.")
        }
        ProviderError::Connect { .. } => format!(
            "{name} could not be reached at its base URL. Check the address (or leave it empty \
             for {name}'s own), and that this server may connect to it."
        ),
        ProviderError::Refused { message, .. } => {
            format!("That base URL may not be called: {message}. Use a public address.")
        }
        ProviderError::Malformed { .. } | ProviderError::Output(_) => format!(
            "The base URL answered, but not as the {name} API does. Check the address — for an \
             OpenAI-compatible server it usually ends in /v1."
        ),
    }
}
