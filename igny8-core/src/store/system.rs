//! The store for settings and integrations.

use std::future::Future;

use crate::error::Result;
use crate::ids::*;
use crate::system::{Integration, IntegrationProvider, IntegrationRecord, StoredSetting};
use crate::tenancy::Scope;

/// Settings and integrations.
pub trait SystemStore: Send + Sync {
    /// Stored settings of the account (`user: None`) or of one user.
    fn list_settings(
        &self,
        scope: &Scope,
        user: Option<UserId>,
    ) -> impl Future<Output = Result<Vec<StoredSetting>>> + Send;
    /// Stores a setting (the value already checked).
    fn put_setting(
        &self,
        scope: &Scope,
        user: Option<UserId>,
        key: &str,
        value: &serde_json::Value,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Removes a setting (back to its default); whether it was set.
    fn delete_setting(
        &self,
        scope: &Scope,
        user: Option<UserId>,
        key: &str,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// The account's integrations (secrets masked).
    fn list_integrations(
        &self,
        scope: &Scope,
    ) -> impl Future<Output = Result<Vec<Integration>>> + Send;
    /// Creates or changes the integration of a provider.
    fn put_integration(
        &self,
        scope: &Scope,
        record: &IntegrationRecord,
    ) -> impl Future<Output = Result<Integration>> + Send;
    /// Removes an integration; whether there was one.
    fn delete_integration(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
    ) -> impl Future<Output = Result<bool>> + Send;
    /// The sealed secret of a provider's integration, for the core to open.
    fn integration_secret(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
    ) -> impl Future<Output = Result<Option<String>>> + Send;
    /// Replaces the sealed secret `old` with `new` (the same secret sealed again after a key
    /// rotation); nothing changes if the stored value is no longer `old`.
    fn reseal_integration_secret(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
        old: &str,
        new: &str,
    ) -> impl Future<Output = Result<()>> + Send;
}
