//! The system module: typed settings and provider integrations.

mod integration;
mod service;
mod settings;

pub use integration::{
    Integration, IntegrationConfig, IntegrationInput, IntegrationProvider, IntegrationRecord,
};
pub use service::System;
pub use settings::{
    SETTINGS, Setting, SettingDef, SettingLevel, SettingType, StoredSetting, setting_def,
};
