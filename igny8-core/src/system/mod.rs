//! The system module: typed settings and provider integrations.

mod defaults;
mod integration;
mod service;
mod settings;

pub use defaults::Defaults;
pub use integration::{
    Integration, IntegrationConfig, IntegrationInput, IntegrationProvider, IntegrationRecord,
};
pub use service::System;
pub use settings::{
    SETTINGS, Setting, SettingDef, SettingLevel, SettingType, StoredSetting, setting_def,
};
