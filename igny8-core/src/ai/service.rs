//! The providers of an account, resolved from its integrations and the deployment's defaults.

use std::sync::Arc;

use super::config::{self, AccountProvider, AiConfig, ImageBackend};
use super::openai::ApiKey;
use super::provider::{ImageProvider, TextProvider};
use crate::Igny8;
use crate::error::Result;
use crate::store::Store;
use crate::system::IntegrationProvider;
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
    /// active), else the deployment's image provider.
    pub async fn image_provider(&self, scope: &Scope) -> Result<Arc<dyn ImageProvider>> {
        let [runware, images] = self
            .account_providers(
                scope,
                [
                    IntegrationProvider::Runware,
                    IntegrationProvider::OpenAiImages,
                ],
            )
            .await?;
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
            prefer,
        )
    }
}
