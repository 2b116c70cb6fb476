//! Generate Image Prompts: content → a featured-image prompt and in-article prompts, each
//! with alt text, saved as pending images of the content. Images already generated are kept;
//! prompts not yet turned into images are replaced.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::prompts::{chat_request, template};
use super::{AiFunction, Run, Saved, Unit};
use crate::Igny8;
use crate::ai::html;
use crate::ai::pricing::Work;
use crate::ai::provider::ChatRequest;
use crate::credits::Reference;
use crate::error::{Error, Result};
use crate::ids::*;
use crate::jobs::JobKind;
use crate::list::PageRequest;
use crate::planner::check_ids;
use crate::store::Store;
use crate::tenancy::Scope;
use crate::thinker::PromptType;
use crate::validate::Check;
use crate::writer::*;

/// In-article images when neither the input nor the account's `images.in_article_count`
/// setting says otherwise.
pub const DEFAULT_IN_ARTICLE: u32 = 3;
/// Most in-article images.
pub const MAX_IN_ARTICLE: u32 = 10;
/// Characters of the article shown to the model.
const ARTICLE_CHARS: usize = 6000;

/// The input of Generate Image Prompts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerateImagePromptsInput {
    /// The content.
    pub ids: Vec<ContentId>,
    /// In-article images per content (0–10). [`Ai::start`](super::Ai::start) fills this and
    /// the other options in from the account's `images.*` settings when absent.
    #[serde(default)]
    pub in_article: Option<u32>,
    /// The look, e.g. "photorealistic" or "flat illustration".
    #[serde(default)]
    pub style: Option<String>,
    /// Size of the in-article images, e.g. 1024x1024.
    #[serde(default)]
    pub size: Option<String>,
    /// Size of the featured image, e.g. 1536x1024 (else `size`).
    #[serde(default)]
    pub featured_size: Option<String>,
}

impl GenerateImagePromptsInput {
    fn count(&self) -> u32 {
        self.in_article.unwrap_or(DEFAULT_IN_ARTICLE)
    }

    fn style(&self) -> String {
        self.style
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| super::DEFAULT_STYLE.to_owned())
    }
}

/// Generate Image Prompts.
#[derive(Debug, Clone, Copy, Default)]
pub struct GenerateImagePrompts;

/// Content ready for the prompt.
#[derive(Debug)]
pub struct PreparedContent {
    content: Content,
    images: Vec<Image>,
    count: u32,
    style: String,
    size: Option<String>,
    featured_size: Option<String>,
    negative: String,
}

/// One image to make.
#[derive(Debug, Clone, Deserialize)]
pub struct PlannedImage {
    prompt: String,
    alt_text: String,
}

/// The prompts of one content.
#[derive(Debug, Clone, Deserialize)]
pub struct ImagePlan {
    featured: PlannedImage,
    #[serde(default)]
    in_article: Vec<PlannedImage>,
}

fn schema(count: u32) -> Value {
    let image = json!({"type": "object", "additionalProperties": false,
        "required": ["prompt", "alt_text"],
        "properties": {"prompt": {"type": "string", "minLength": 10},
                       "alt_text": {"type": "string"}}});
    json!({"type": "object", "additionalProperties": false,
        "required": ["featured", "in_article"],
        "properties": {"featured": image,
            "in_article": {"type": "array", "maxItems": count, "items": image}}})
}

/// The content's images, all of them.
pub(crate) async fn images_of<S: Store>(
    core: &Igny8<S>,
    scope: &Scope,
    content: ContentId,
) -> Result<Vec<Image>> {
    let filter = ImageFilter {
        content_id: Some(content),
        ..ImageFilter::default()
    };
    let mut page = PageRequest::new(1, crate::list::MAX_PAGE_SIZE);
    page.with_total = false;
    Ok(core.images().list(scope, &filter, &page).await?.items)
}

impl AiFunction for GenerateImagePrompts {
    type Input = GenerateImagePromptsInput;
    type Data = ();
    type Prepared = PreparedContent;
    type Prompt = ChatRequest;
    type Answer = Value;
    type Draft = ImagePlan;

    fn kind(&self) -> JobKind {
        JobKind::GenerateImagePrompts
    }

    async fn validate<S: Store>(
        &self,
        core: &Igny8<S>,
        scope: &Scope,
        input: &GenerateImagePromptsInput,
    ) -> Result<Vec<Unit<()>>> {
        check_ids(&input.ids)?;
        let mut check = Check::new();
        check.range(
            "in_article",
            i64::from(input.count()),
            0,
            i64::from(MAX_IN_ARTICLE),
        );
        check_size_field(&mut check, "size", &input.size);
        check_size_field(&mut check, "featured_size", &input.featured_size);
        check.finish()?;
        let contents = super::load_all(
            &input.ids,
            |c: &Content| c.id,
            ContentId::not_found,
            |ids| async {
                let filter = ContentFilter {
                    ids: Some(ids),
                    ..ContentFilter::default()
                };
                let page = core
                    .contents()
                    .list(
                        scope,
                        &filter,
                        &ContentSort::default(),
                        &super::chunk_page(),
                    )
                    .await?;
                Ok(page.items)
            },
        )
        .await?;
        Ok(contents
            .into_iter()
            .map(|content| Unit {
                object: Reference::new("content", content.id.get()),
                label: content.title,
                estimate: Work::ImagePromptSets(1),
                data: (),
            })
            .collect())
    }

    async fn prepare<S: Store>(
        &self,
        run: &Run<'_, S>,
        input: &GenerateImagePromptsInput,
        unit: &Unit<()>,
    ) -> Result<PreparedContent> {
        let core = run.core;
        let content = core
            .contents()
            .get(&run.scope, ContentId(unit.object.id))
            .await?;
        let images = images_of(core, &run.scope, content.id).await?;
        let negative = template(core, &run.scope, PromptType::NegativePrompt).await?;
        Ok(PreparedContent {
            content,
            images,
            count: input.count(),
            style: input.style(),
            size: input.size.clone(),
            featured_size: input.featured_size.clone().or_else(|| input.size.clone()),
            negative,
        })
    }

    async fn prompt<S: Store>(&self, run: &Run<'_, S>, p: &PreparedContent) -> Result<ChatRequest> {
        let text: String = html::text_of(&p.content.html)
            .chars()
            .take(ARTICLE_CHARS)
            .collect();
        let vars = BTreeMap::from([
            ("title", p.content.title.clone()),
            ("content", text),
            ("count", p.count.to_string()),
            ("style", p.style.clone()),
        ]);
        chat_request(
            run.core,
            &run.scope,
            PromptType::ImagePromptExtraction,
            &vars,
            None,
            "image_prompts",
            schema(p.count),
        )
        .await
    }

    async fn call<S: Store>(
        &self,
        run: &Run<'_, S>,
        _: &PreparedContent,
        prompt: ChatRequest,
    ) -> Result<Value> {
        run.chat(&prompt).await
    }

    fn parse(&self, p: &PreparedContent, answer: Value) -> Result<ImagePlan> {
        let mut plan: ImagePlan = serde_json::from_value(answer)
            .map_err(|e| Error::Provider(format!("the model's image prompts are unusable: {e}")))?;
        plan.in_article.truncate(p.count as usize);
        Ok(plan)
    }

    async fn save<S: Store>(
        &self,
        run: &Run<'_, S>,
        p: PreparedContent,
        plan: ImagePlan,
    ) -> Result<Saved> {
        let core = run.core;
        let scope = &run.scope;
        let (kept, replaced): (Vec<&Image>, Vec<&Image>) = p
            .images
            .iter()
            .partition(|i| i.status == ImageStatus::Generated);
        if !replaced.is_empty() {
            let ids: Vec<ImageId> = replaced.iter().map(|i| i.id).collect();
            core.images().delete(scope, &ids).await?;
        }
        let has_featured = kept.iter().any(|i| i.kind == ImageKind::Featured);
        let mut position = kept.iter().map(|i| i.position).max().unwrap_or(0);
        let negative = Some(p.negative.trim().to_owned()).filter(|n| !n.is_empty());
        let mut made = Vec::new();
        let planned = (!has_featured)
            .then_some((ImageKind::Featured, plan.featured))
            .into_iter()
            .chain(
                plan.in_article
                    .into_iter()
                    .map(|i| (ImageKind::InArticle, i)),
            );
        for (kind, image) in planned {
            let at = if kind == ImageKind::Featured {
                0
            } else {
                position += 1;
                position
            };
            let alt = html::text_of(&image.alt_text);
            let new = NewImage {
                sector_id: p.content.sector_id,
                content_id: Some(p.content.id),
                task_id: p.content.task_id,
                kind,
                position: at.min(100),
                prompt: html::text_of(&image.prompt).chars().take(4000).collect(),
                negative_prompt: negative.clone(),
                size: if kind == ImageKind::Featured {
                    p.featured_size.clone()
                } else {
                    p.size.clone()
                },
                alt_text: (!alt.is_empty()).then(|| alt.chars().take(500).collect()),
            };
            made.push(core.images().create(scope, new).await?.id.get());
        }
        Ok(Saved {
            summary: json!({
                "content_id": p.content.id.get(),
                "image_ids": made,
                "replaced": replaced.len(),
                "kept": kept.len(),
                "style": p.style,
            }),
            work: Work::ImagePromptSets(1),
        })
    }
}
