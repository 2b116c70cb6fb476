//! The shipped prompt templates, and how a function's prompt is put together: the account's
//! override (or the default), rendered with the unit's variables, plus the active strategy's
//! customisation for that prompt type.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::Igny8;
use crate::ai::provider::{ChatMessage, ChatRequest, OutputSchema};
use crate::error::Result;
use crate::store::Store;
use crate::tenancy::Scope;
use crate::thinker::{PromptType, Strategy, render_template};

/// What every text call is told first.
const SYSTEM: &str = "You are IGNY8, an expert SEO strategist and editor. You write for people \
first and search engines second: accurate, specific, free of filler and of claims you cannot \
support. You always answer with one JSON object of exactly the requested shape and nothing else.";

const CLUSTERING: &str = "Group these search keywords of the {{sector}} sector (site: {{site}}) \
into topic clusters. A cluster is a set of keywords one page can rank for: the same search \
intent and the same topic, not merely a shared word.

Rules:
- Assign every keyword to exactly one cluster, by its number.
- Reuse an existing cluster when the keywords fit it: give its id in existing_cluster_id and its \
name; otherwise existing_cluster_id is null.
- Name new clusters with a short, natural phrase (2–5 words) a reader would search for.
- Make at most {{max_clusters}} clusters; a keyword that fits nowhere forms a cluster of its own.
- The description says in one sentence what the cluster's page is about.

Existing clusters:
{{existing_clusters}}

Keywords (number. keyword — monthly volume):
{{keywords}}";

const IDEAS: &str = "Propose {{count}} content ideas for the topic cluster \"{{cluster}}\" \
of the {{sector}} sector (site: {{site}}).
Cluster description: {{description}}

Keywords of the cluster (keyword — monthly volume):
{{keywords}}

For each idea give: a compelling title; a two-sentence description of the angle and the reader \
it serves; the content type (one of {{content_types}}); the structure (article, guide, listicle, \
how_to, comparison, review, cluster_hub or faq); the target keywords taken from the list above \
(the main one first); an estimated word count; and an outline of 4–10 sections, each with a \
heading, notes on what it covers and optional sub-headings. The ideas must not overlap: each \
answers a different search intent of the cluster.";

const CONTENT: &str = "Write a {{content_structure}} ({{content_type}}) titled \"{{title}}\" \
for {{site}} ({{sector}}).

Brief: {{brief}}
Primary keyword: {{primary_keyword}}
Other keywords to cover naturally: {{keywords}}
Length: about {{word_count}} words.
Tone: {{tone}}. Language: {{language}}.
Style: {{style}}
Author: {{author}}
Structure to follow: {{structure_template}}
Strategy: {{strategy}}

Outline:
{{outline}}

Write HTML for the body only: <h2>/<h3> headings, <p>, <ul>/<ol>, <table> where a comparison \
helps, <blockquote> for quotes; no <h1>, no <html>/<body>, no scripts, no inline styles. Use the \
primary keyword in the first paragraph and in at least one heading, never stuffed. Give a meta \
title (at most 60 characters) and a meta description (at most 155 characters) that make people \
click, 3–8 tags and 1–3 categories.";

const IMAGE_PROMPT_EXTRACTION: &str = "Read this article and write prompts for an image \
model: one featured image that sums up the article, and {{count}} in-article images that \
illustrate its key sections. Style: {{style}}.

Each prompt describes a concrete scene (subject, setting, composition, light) in one or two \
sentences, with no text, letters or logos in the image. Give each image an alt text of at most \
125 characters that describes it for people who cannot see it.

Title: {{title}}

Article:
{{content}}";

const IMAGE_PROMPT_TEMPLATE: &str = "{{prompt}}. Style: {{style}}. High quality, sharp focus, \
natural colours, no text, no watermark.";

const NEGATIVE_PROMPT: &str = "text, letters, watermark, logo, signature, blurry, low quality, \
distorted, deformed hands, extra fingers, cropped, jpeg artifacts";

/// The template IGNY8 ships for `prompt_type`; an account's override replaces it.
pub fn default_prompt(prompt_type: PromptType) -> &'static str {
    match prompt_type {
        PromptType::Clustering => CLUSTERING,
        PromptType::Ideas => IDEAS,
        PromptType::Content => CONTENT,
        PromptType::ImagePromptExtraction => IMAGE_PROMPT_EXTRACTION,
        PromptType::ImagePromptTemplate => IMAGE_PROMPT_TEMPLATE,
        PromptType::NegativePrompt => NEGATIVE_PROMPT,
    }
}

/// Renders `template` with `vars`; a variable without a value becomes "(none)" so the model
/// never sees a raw `{{name}}`.
pub fn render(template: &str, vars: &BTreeMap<&str, String>) -> String {
    render_template(template, |name| {
        Some(match vars.get(name) {
            Some(v) if !v.trim().is_empty() => v.clone(),
            _ => "(none)".to_owned(),
        })
    })
}

/// The account's template for `prompt_type` (its override, else the default).
pub(crate) async fn template<S: Store>(
    core: &Igny8<S>,
    scope: &Scope,
    prompt_type: PromptType,
) -> Result<String> {
    // Read for the job: a site-restricted key runs AI functions with the account's prompts.
    let overrides = core.store().list_prompts(scope).await?;
    Ok(overrides
        .into_iter()
        .find(|p| p.prompt_type == prompt_type)
        .map(|p| p.template)
        .unwrap_or_else(|| default_prompt(prompt_type).to_owned()))
}

/// A chat request for data of `schema`'s shape: the system message, the rendered template,
/// the strategy's customisation for this prompt type, and the shape spelled out for models
/// that ignore `response_format`.
pub(crate) async fn chat_request<S: Store>(
    core: &Igny8<S>,
    scope: &Scope,
    prompt_type: PromptType,
    vars: &BTreeMap<&str, String>,
    strategy: Option<&Strategy>,
    schema_name: &str,
    schema: Value,
) -> Result<ChatRequest> {
    let template = template(core, scope, prompt_type).await?;
    let mut user = render(&template, vars);
    if let Some(extra) = strategy.and_then(|s| s.prompt_customisations.get(prompt_type.as_str())) {
        user.push_str("\n\nAdditional instructions: ");
        user.push_str(extra);
    }
    Ok(data_request(user, schema_name, schema))
}

/// A chat request for data: the system message, `user`, and the schema.
pub(crate) fn data_request(user: String, schema_name: &str, schema: Value) -> ChatRequest {
    let shape = format!(
        "\n\nAnswer with JSON matching this JSON Schema:\n{}",
        serde_json::to_string(&schema).unwrap_or_default()
    );
    ChatRequest {
        messages: vec![
            ChatMessage::system(SYSTEM),
            ChatMessage::user(user + &shape),
        ],
        schema: Some(OutputSchema {
            name: schema_name.to_owned(),
            schema,
        }),
        temperature: Some(0.4),
        max_tokens: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thinker::check_template;

    #[test]
    fn every_default_passes_the_override_check() {
        for t in PromptType::ALL {
            check_template(*t, default_prompt(*t)).unwrap_or_else(|e| panic!("{t}: {e}"));
        }
    }

    #[test]
    fn missing_values_never_reach_the_model_raw() {
        let vars = BTreeMap::from([("title", "Hoses".to_owned()), ("style", " ".to_owned())]);
        let out = render("{{title}} / {{style}} / {{prompt}}", &vars);
        assert_eq!(out, "Hoses / (none) / (none)");
    }
}
