//! The thinker API's request and response bodies.

use poem_openapi::Object;

/// A new template for an existing override.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PromptPatch {
    /// The new template: 1–50,000 characters, naming only the prompt type's `{{variables}}`.
    pub template: String,
}

/// A prompt type's shipped template: what applies while the account has no override.
#[derive(Debug, Object)]
pub struct PromptDefault {
    /// The prompt type.
    pub prompt_type: crate::dto::E<igny8_core::thinker::PromptType>,
    /// The template IGNY8 ships.
    pub template: String,
    /// The variables its templates may use, as `{{name}}`.
    pub variables: Vec<String>,
    /// Whether the account overrides it.
    pub overridden: bool,
}

/// Bulk changes to author profiles.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ActiveBulkUpdate {
    /// The objects to change: 1–10,000 ids; ids of other accounts are ignored.
    pub ids: Vec<i64>,
    /// Set or clear the active flag on all of them.
    pub is_active: bool,
}
