//! Requests and answers of the AI functions, estimates and Image Testing.

use igny8_core::ai::functions as f;
use igny8_core::jobs as j;
use igny8_core::planner as p;
use poem_openapi::Object;
use serde_json::{Map, Value, json};

use super::E;
use super::system::Job;

/// Drops the null members of an object, so that absent options take the core's defaults.
pub fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

/// Auto Cluster.
#[derive(Debug, Object)]
pub struct AutoClusterRequest {
    /// Keywords to cluster (the unclustered ones among them). Empty: every unclustered keyword
    /// of `sector_id`.
    #[oai(default)]
    pub ids: Vec<i64>,
    /// The sector, when `ids` is empty.
    pub sector_id: Option<i64>,
    /// `ai` (default; costs credits) or `local` (free, deterministic; a whole sector).
    pub mode: Option<String>,
    /// Keywords per model call (1–300, default 100).
    pub batch_size: Option<u32>,
    /// Language of the keywords (ISO code, default `en`), for the local placement.
    pub language: Option<String>,
    /// Local mode only: how many keywords must share a two- or three-word head to form a cluster
    /// (default 2; values below 2 count as 2).
    pub min_cluster_size: Option<u32>,
}

impl AutoClusterRequest {
    /// The job's payload.
    pub fn payload(&self) -> Value {
        without_nulls(json!({
            "ids": self.ids,
            "sector_id": self.sector_id,
            "mode": self.mode,
            "batch_size": self.batch_size,
            "language": self.language,
            "min_cluster_size": self.min_cluster_size,
        }))
    }
}

/// Generate Ideas.
#[derive(Debug, Object)]
pub struct GenerateIdeasRequest {
    /// The clusters to make ideas for (cluster id space).
    pub ids: Vec<i64>,
    /// Ideas per cluster (1–10; default: the account's `ideas.per_cluster` setting).
    pub ideas_per_cluster: Option<u32>,
    /// Content types to choose from (default post and page).
    pub content_types: Option<Vec<E<p::ContentType>>>,
}

impl GenerateIdeasRequest {
    /// The job's payload.
    pub fn payload(&self) -> Value {
        let types: Option<Vec<&str>> = self
            .content_types
            .as_ref()
            .map(|t| t.iter().map(|e| e.0.as_str()).collect());
        without_nulls(json!({
            "ids": self.ids,
            "ideas_per_cluster": self.ideas_per_cluster,
            "content_types": types,
        }))
    }
}

/// Generate Content.
#[derive(Debug, Object)]
pub struct GenerateContentRequest {
    /// The writer tasks to write (task id space); the article is saved as the task's content,
    /// written again in place when it already has some.
    pub ids: Vec<i64>,
    /// Words, instead of each task's target (100–20000).
    pub word_count: Option<i64>,
    /// Tone, instead of the author profile's (which falls back to the account's
    /// `content.tone` setting).
    pub tone: Option<String>,
    /// Language, instead of the author profile's (which falls back to the account's
    /// `content.language` setting).
    pub language: Option<String>,
}

impl GenerateContentRequest {
    /// The job's payload.
    pub fn payload(&self) -> Value {
        without_nulls(json!({
            "ids": self.ids,
            "word_count": self.word_count,
            "tone": self.tone,
            "language": self.language,
        }))
    }
}

/// Generate Image Prompts.
#[derive(Debug, Object)]
pub struct GenerateImagePromptsRequest {
    /// The content to plan images for (content id space).
    pub ids: Vec<i64>,
    /// In-article images per content (0–10; default: the account's `images.in_article_count`
    /// setting).
    pub in_article: Option<u32>,
    /// The look, e.g. `photorealistic` or `flat illustration` (default: the account's
    /// `images.style` setting).
    pub style: Option<String>,
    /// Size of the in-article images, e.g. `1024x1024` (default: the account's `images.size`
    /// setting).
    pub size: Option<String>,
    /// Size of the featured image, e.g. `1536x1024` (default: the account's
    /// `images.featured_size` setting, landscape unless changed).
    pub featured_size: Option<String>,
}

impl GenerateImagePromptsRequest {
    /// The job's payload.
    pub fn payload(&self) -> Value {
        without_nulls(json!({
            "ids": self.ids,
            "in_article": self.in_article,
            "style": self.style,
            "size": self.size,
            "featured_size": self.featured_size,
        }))
    }
}

/// Generate Images.
#[derive(Debug, Object)]
pub struct GenerateImagesRequest {
    /// The images (their prompts made by Generate Image Prompts or written by hand).
    pub ids: Vec<i64>,
    /// The look given to the image prompt template (default: the account's `images.style`
    /// setting).
    pub style: Option<String>,
    /// Render images that are already `generated` again (default false: naming only generated
    /// images is a validation error).
    pub regenerate: Option<bool>,
}

impl GenerateImagesRequest {
    /// The job's payload.
    pub fn payload(&self) -> Value {
        without_nulls(json!({
            "ids": self.ids,
            "style": self.style,
            "regenerate": self.regenerate,
        }))
    }
}

/// What an operation will cost.
#[derive(Debug, Object)]
pub struct Estimate {
    /// The job kind it runs as (`local_cluster` for Auto Cluster in local mode).
    pub operation: E<j::JobKind>,
    /// Units of work: keyword batches, clusters, tasks, contents or images.
    pub units: u64,
    /// Credits held when it starts; it is charged for the work done, never more.
    pub credits: i64,
    /// The account's credits now; `null` for a key restricted to one site, which doesn't see
    /// the account's balance (`enough` still says whether it covers the work).
    #[oai(nullable)]
    pub balance: Option<i64>,
    /// Whether the balance covers it.
    pub enough: bool,
}

impl From<f::Estimate> for Estimate {
    fn from(e: f::Estimate) -> Self {
        Self {
            operation: E(e.kind),
            units: e.units,
            credits: e.credits,
            balance: e.balance,
            enough: e.enough,
        }
    }
}

/// A job started: follow it at `system/jobs/{id}/` or `system/jobs/{id}/events/`.
#[derive(Debug, Object)]
pub struct JobStarted {
    /// The job, queued.
    pub job: Job,
    /// What it was estimated to cost.
    pub estimate: Estimate,
}

/// What to estimate.
#[derive(Debug, Object)]
pub struct EstimateRequest {
    /// `auto_cluster`, `generate_ideas`, `generate_content`, `generate_image_prompts` or
    /// `generate_images`.
    pub operation: E<j::JobKind>,
    /// The objects, as for the operation itself.
    #[oai(default)]
    pub ids: Vec<i64>,
    /// The operation's other options, as for the operation itself (e.g. `{"word_count": 2000}`).
    pub options: Option<poem_openapi::types::Any<Value>>,
}

impl EstimateRequest {
    /// The payload the operation would get.
    pub fn payload(&self) -> Value {
        let mut payload = match self.options.as_ref().map(|o| o.0.clone()) {
            Some(Value::Object(map)) => Value::Object(map),
            _ => json!({}),
        };
        if !self.ids.is_empty() || payload.get("ids").is_none() {
            payload["ids"] = json!(self.ids);
        }
        without_nulls(payload)
    }
}

/// Image Testing: one prompt rendered with the account's image model, attached to nothing.
#[derive(Debug, Object)]
pub struct ImageTestRequest {
    /// What to draw.
    pub prompt: String,
    /// What to avoid (default: the account's negative prompt).
    pub negative_prompt: Option<String>,
    /// The look (default: the account's `images.style` setting).
    pub style: Option<String>,
    /// e.g. `1024x1024` (default: the account's `images.size` setting).
    pub size: Option<String>,
}

/// The image Image Testing made.
#[derive(Debug, Object)]
pub struct ImageTestResult {
    /// The prompt as sent (the account's image prompt template around the input).
    pub prompt: String,
    /// The negative prompt as sent.
    #[oai(nullable)]
    pub negative_prompt: Option<String>,
    /// The image: its URL, or a `data:` URL when the model sent the bytes.
    pub url: String,
    /// The provider that rendered it, e.g. `openai` or `runware`.
    pub provider: String,
    /// The model that rendered it.
    pub model: String,
    /// The prompt as the model rewrote it, when it says.
    #[oai(nullable)]
    pub revised_prompt: Option<String>,
    /// Credits charged.
    pub credits: i64,
}

impl From<f::ImageTestResult> for ImageTestResult {
    fn from(r: f::ImageTestResult) -> Self {
        Self {
            prompt: r.prompt,
            negative_prompt: r.negative_prompt,
            url: r.url,
            provider: r.provider,
            model: r.model,
            revised_prompt: r.revised_prompt,
            credits: r.credits,
        }
    }
}
