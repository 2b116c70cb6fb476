//! Settings (typed, with defaults) and integrations (secrets sealed with the deployment key).

use serde_json::Value;

use crate::Igny8;
use crate::crypto::mask_secret;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::system::*;
use crate::tenancy::{Permission, Scope};

/// Settings and integrations.
#[derive(Debug)]
pub struct System<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> System<'_, S> {
    fn store(&self) -> &S {
        &self.core.store
    }

    fn owner(scope: &Scope, level: SettingLevel) -> Result<Option<crate::ids::UserId>> {
        match level {
            SettingLevel::Account => Ok(None),
            SettingLevel::User => scope
                .user_id()
                .map(Some)
                .ok_or_else(|| Error::Forbidden("user settings belong to a signed-in user".into())),
        }
    }

    /// Every setting of `level` with its effective value (account settings, or the acting
    /// user's own).
    pub async fn settings(&self, scope: &Scope, level: SettingLevel) -> Result<Vec<Setting>> {
        match level {
            SettingLevel::Account => scope.require_account_wide(Permission::Read)?,
            SettingLevel::User => scope.require(Permission::Read)?,
        }
        let user = Self::owner(scope, level)?;
        let stored = self.store().list_settings(scope, user).await?;
        Ok(SETTINGS
            .iter()
            .filter(|d| d.level == level)
            .map(|d| {
                // A stored value the setting no longer accepts doesn't take effect: shown as
                // the default, not set.
                let found = stored
                    .iter()
                    .find(|s| s.key == d.key)
                    .filter(|s| d.check(&s.value).is_ok());
                Setting {
                    key: d.key.to_owned(),
                    value: d.effective(found.map(|s| &s.value)),
                    level,
                    is_set: found.is_some(),
                    updated_at: found.map(|s| s.updated_at),
                }
            })
            .collect())
    }

    /// The account's settings, typed, as every part of the product applies them when a
    /// request leaves something out (see [`Defaults`]): one read of the store.
    ///
    /// Needs only [`Permission::Read`], not an account-wide scope: the jobs and requests of a
    /// key restricted to one site get their account's defaults too (the values are no secret;
    /// [`settings`](Self::settings), which lists them for changing, stays account-wide).
    pub async fn defaults(&self, scope: &Scope) -> Result<Defaults> {
        scope.require(Permission::Read)?;
        let stored = self.store().list_settings(scope, None).await?;
        Ok(Defaults::from_stored(&stored))
    }

    /// The effective value of one setting.
    pub async fn setting(&self, scope: &Scope, key: &str) -> Result<Value> {
        let def = setting_def(key)?;
        let all = self.settings(scope, def.level).await?;
        Ok(all
            .into_iter()
            .find(|s| s.key == key)
            .map(|s| s.value)
            .unwrap_or_else(def.default))
    }

    /// Sets a setting: an account setting needs the manage permission, a user setting is the
    /// acting user's own. The value is checked against the setting's type.
    pub async fn set_setting(&self, scope: &Scope, key: &str, value: &Value) -> Result<Setting> {
        let def = setting_def(key)?;
        if def.level == SettingLevel::Account {
            scope.require_account_wide(Permission::Manage)?;
        } else {
            scope.require(Permission::Read)?;
        }
        let user = Self::owner(scope, def.level)?;
        let value = def.check(value)?;
        self.store().put_setting(scope, user, key, &value).await?;
        let all = self.settings(scope, def.level).await?;
        all.into_iter()
            .find(|s| s.key == key)
            .ok_or_else(|| Error::Internal("a setting vanished".into()))
    }

    /// Puts a setting back to its default; whether it was set.
    pub async fn reset_setting(&self, scope: &Scope, key: &str) -> Result<bool> {
        let def = setting_def(key)?;
        if def.level == SettingLevel::Account {
            scope.require_account_wide(Permission::Manage)?;
        } else {
            scope.require(Permission::Read)?;
        }
        let user = Self::owner(scope, def.level)?;
        self.store().delete_setting(scope, user, key).await
    }

    /// Changes several settings of `level` at once, as a settings form does: `None` puts a
    /// setting back to its default. Every value is checked first and a bad one changes
    /// nothing: the error names each bad setting by its key. Account settings need the manage
    /// permission (even when nothing changes); user settings are the acting user's own. The
    /// settings of `level` as they are now.
    pub async fn set_settings(
        &self,
        scope: &Scope,
        level: SettingLevel,
        changes: &[(&str, Option<Value>)],
    ) -> Result<Vec<Setting>> {
        match level {
            SettingLevel::Account => scope.require_account_wide(Permission::Manage)?,
            SettingLevel::User => scope.require(Permission::Read)?,
        }
        let user = Self::owner(scope, level)?;
        let mut check = crate::validate::Check::new();
        let mut checked = Vec::with_capacity(changes.len());
        for (key, value) in changes {
            let def = setting_def(key)?;
            if def.level != level {
                let other = match def.level {
                    SettingLevel::Account => "is the account's, not a user's",
                    SettingLevel::User => "is each user's own, not the account's",
                };
                check.fail(key, other);
                continue;
            }
            match value.as_ref().map(|v| def.checked(v)) {
                Some(Err(why)) => check.fail(key, why),
                Some(Ok(v)) => checked.push((def.key, Some(v))),
                None => checked.push((def.key, None)),
            }
        }
        check.finish()?;
        for (key, value) in checked {
            match value {
                Some(v) => self.store().put_setting(scope, user, key, &v).await?,
                None => {
                    self.store().delete_setting(scope, user, key).await?;
                }
            }
        }
        self.settings(scope, level).await
    }

    /// The account's integrations (keys masked).
    pub async fn integrations(&self, scope: &Scope) -> Result<Vec<Integration>> {
        scope.require_account_wide(Permission::Read)?;
        self.store().list_integrations(scope).await
    }

    /// Creates or changes the integration of a provider; a new key is sealed with the
    /// deployment key before it is stored and only its masked hint is ever shown.
    pub async fn set_integration(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
        input: IntegrationInput,
    ) -> Result<Integration> {
        scope.require_account_wide(Permission::Manage)?;
        let input = input.validate()?;
        self.check_own_endpoint(scope, provider, &input).await?;
        let secret = match input.api_key.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(key) => Some(Some((
                self.core
                    .secrets()?
                    .seal(key, &integration_secret_context(scope, provider))?,
                mask_secret(key),
            ))),
        };
        let record = IntegrationRecord {
            provider,
            config: input.config,
            secret,
            is_active: input.is_active,
        };
        self.store().put_integration(scope, &record).await
    }

    /// An integration that points at a base URL of its own: the URL must pass the outbound
    /// guard, and the integration must carry its own key (the deployment's key is only ever
    /// sent to the deployment's URL).
    async fn check_own_endpoint(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
        input: &IntegrationInput,
    ) -> Result<()> {
        let stored = match &input.config {
            Some(_) if input.api_key.is_some() => None,
            _ => self
                .store()
                .list_integrations(scope)
                .await?
                .into_iter()
                .find(|i| i.provider == provider),
        };
        let config = input.config.as_ref().or(stored.as_ref().map(|i| &i.config));
        let Some(url) = config.and_then(|c| c.base_url.as_deref()) else {
            return Ok(());
        };
        let ai = self.core.ai_config();
        let deployment = match provider {
            IntegrationProvider::Runware => &ai.runware_base_url,
            IntegrationProvider::OpenAi | IntegrationProvider::OpenAiImages => &ai.openai_base_url,
        };
        if url
            .trim_end_matches('/')
            .eq_ignore_ascii_case(deployment.trim_end_matches('/'))
        {
            return Ok(());
        }
        crate::outbound::check_url(
            url,
            self.core.outbound_config(),
            "config.base_url",
            "the integration's base URL",
        )?;
        let has_key = match input.api_key.as_deref().map(str::trim) {
            Some("") => false,
            Some(_) => true,
            None => stored.is_some_and(|i| i.has_secret),
        };
        if !has_key {
            return Err(Error::field(
                "api_key",
                "is required with a base URL of your own: this server's key is only sent to \
                 its own provider, so give the key of the provider at config.base_url",
            ));
        }
        Ok(())
    }

    /// Removes a provider's integration; whether there was one.
    pub async fn remove_integration(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
    ) -> Result<bool> {
        scope.require_account_wide(Permission::Manage)?;
        self.store().delete_integration(scope, provider).await
    }

    /// The provider's API key in clear, for calling the provider (never for showing).
    pub async fn integration_key(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
    ) -> Result<Option<String>> {
        let Some(sealed) = self.store().integration_secret(scope, provider).await? else {
            return Ok(None);
        };
        let opened = self
            .core
            .secrets()?
            .open(&sealed, &integration_secret_context(scope, provider))?;
        if let Some(resealed) = &opened.resealed {
            // Sealed with the previous key (or before rows were bound): store it re-sealed.
            self.store()
                .reseal_integration_secret(scope, provider, &sealed, resealed)
                .await?;
        }
        Ok(Some(opened.plain))
    }
}

/// The row identity an integration's key is sealed with: a sealed value copied to another
/// provider or account does not open there.
fn integration_secret_context(scope: &Scope, provider: IntegrationProvider) -> String {
    format!(
        "integration:{}:{}",
        scope.account().get(),
        provider.as_str()
    )
}
