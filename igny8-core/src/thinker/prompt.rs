//! Prompt templates: a shipped default for every AI function, and per-account overrides whose
//! variables are checked when saved.
//!
//! Templates name variables as `{{name}}`. A variable the prompt type doesn't offer is an error
//! when the override is saved, not when a job runs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::error::{Error, FieldError, Result};
use crate::ids::*;

string_enum! {
    /// Which prompt of the AI functions.
    pub enum PromptType {
        /// Auto Cluster: groups keywords.
        Clustering => "clustering",
        /// Generate Ideas: ideas for a cluster.
        Ideas => "ideas",
        /// Generate Content: an article for a task.
        Content => "content",
        /// Generate Image Prompts: prompts from an article.
        ImagePromptExtraction => "image_prompt_extraction",
        /// The wrapper every image prompt goes through.
        ImagePromptTemplate => "image_prompt_template",
        /// What image models should avoid.
        NegativePrompt => "negative_prompt",
    }
}

impl PromptType {
    /// The variables a template of this type may use.
    pub fn variables(self) -> &'static [&'static str] {
        match self {
            PromptType::Clustering => &[
                "keywords",
                "sector",
                "site",
                "existing_clusters",
                "max_clusters",
            ],
            PromptType::Ideas => &[
                "cluster",
                "description",
                "keywords",
                "sector",
                "site",
                "count",
                "content_types",
            ],
            PromptType::Content => &[
                "title",
                "brief",
                "keywords",
                "primary_keyword",
                "outline",
                "word_count",
                "content_type",
                "content_structure",
                "tone",
                "language",
                "style",
                "author",
                "structure_template",
                "strategy",
                "site",
                "sector",
            ],
            PromptType::ImagePromptExtraction => &["title", "content", "count", "style"],
            PromptType::ImagePromptTemplate => &["prompt", "title", "style"],
            PromptType::NegativePrompt => &[],
        }
    }
}

/// The `{{variables}}` a template names, in order of first use.
pub fn template_variables(template: &str) -> std::result::Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| "a '{{' is never closed with '}}'".to_owned())?;
        let name = after[..end].trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("{{{{{}}}}} is not a variable name", &after[..end]));
        }
        if !out.iter().any(|v| v == name) {
            out.push(name.to_owned());
        }
        rest = &after[end + 2..];
    }
    Ok(out)
}

/// Fills a template's variables; unknown variables are left as they are.
pub fn render_template(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = after[..end].trim();
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Checks a template for `prompt_type`: 1–50,000 characters, only the type's variables.
pub fn check_template(prompt_type: PromptType, template: &str) -> Result<()> {
    let bad = |m: String| Error::Validation {
        message: format!("template: {m}"),
        errors: vec![FieldError::new("template", m)],
    };
    if template.trim().is_empty() {
        return Err(bad("is required".into()));
    }
    if template.chars().count() > 50_000 {
        return Err(bad("must be at most 50000 characters".into()));
    }
    let allowed = prompt_type.variables();
    let unknown: Vec<String> = template_variables(template)
        .map_err(bad)?
        .into_iter()
        .filter(|v| !allowed.contains(&v.as_str()))
        .collect();
    if !unknown.is_empty() {
        return Err(bad(format!(
            "uses {} {} for {prompt_type} prompts; available: {}",
            if unknown.len() > 1 {
                "unknown variables"
            } else {
                "an unknown variable"
            },
            unknown
                .iter()
                .map(|v| format!("{{{{{v}}}}}"))
                .collect::<Vec<_>>()
                .join(", "),
            if allowed.is_empty() {
                "none".to_owned()
            } else {
                allowed
                    .iter()
                    .map(|v| format!("{{{{{v}}}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        )));
    }
    Ok(())
}

/// An account's override of one prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prompt {
    /// Id.
    pub id: PromptId,
    /// The account.
    pub account_id: AccountId,
    /// Which prompt.
    pub prompt_type: PromptType,
    /// The template.
    pub template: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_checked() {
        assert!(check_template(PromptType::Content, "Write {{title}} in {{ language }}.").is_ok());
        let err = check_template(
            PromptType::Content,
            "Write {{title}} for {{audience}} {{x}}",
        )
        .unwrap_err();
        assert!(err.to_string().contains("{{audience}}, {{x}}"), "{err}");
        assert!(check_template(PromptType::Ideas, "{{cluster").is_err());
        assert!(check_template(PromptType::NegativePrompt, "blurry, {{title}}").is_err());
        assert!(check_template(PromptType::NegativePrompt, "blurry, watermark").is_ok());
        assert!(check_template(PromptType::Ideas, "  ").is_err());
        assert!(
            check_template(
                PromptType::Ideas,
                "JSON like {\"a\": 1} is fine: {{cluster}}"
            )
            .is_ok()
        );
    }

    #[test]
    fn templates_render() {
        let out = render_template("Hi {{name}}, {{unknown}} {{ name }}", |v| {
            (v == "name").then(|| "Ann".into())
        });
        assert_eq!(out, "Hi Ann, {{unknown}} Ann");
    }
}
