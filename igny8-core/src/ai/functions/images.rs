//! Generate Images: an image's prompt → a picture from the account's image model, stored as a
//! file under the media directory (when the model sends bytes) or as the model's URL, with
//! alt text. And the Image Testing call: one prompt rendered without attaching it to anything.

use std::collections::BTreeMap;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::prompts::{render, template};
use super::{AiFunction, Run, Saved, Unit};
use crate::Igny8;
use crate::ai::html;
use crate::ai::pricing::Work;
use crate::ai::provider::{ImageData, ImageReply, ImageRequest};
use crate::credits::Reference;
use crate::error::{Error, Result};
use crate::ids::*;
use crate::jobs::JobKind;
use crate::planner::check_ids;
use crate::store::Store;
use crate::tenancy::Scope;
use crate::thinker::PromptType;
use crate::validate::Check;
use crate::writer::*;

/// The size of an image when neither it, the request nor the account's `images.size` setting
/// names one.
pub const DEFAULT_SIZE: (u32, u32) = (1024, 1024);

/// The featured image's size when neither the request nor the account's
/// `images.featured_size` says: landscape, as themes and social cards show it.
pub const DEFAULT_FEATURED_SIZE: (u32, u32) = (1536, 1024);
/// The look of images when neither the request nor the account's `images.style` setting names
/// one.
pub const DEFAULT_STYLE: &str = "photorealistic";

/// The input of Generate Images.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerateImagesInput {
    /// The images (their prompts are made by Generate Image Prompts or written by hand).
    pub ids: Vec<ImageId>,
    /// The look the image prompt template gets as `{{style}}` ([`Ai::start`](super::Ai::start)
    /// fills in the account's `images.style` when absent).
    #[serde(default)]
    pub style: Option<String>,
    /// Make images that were already made again.
    #[serde(default)]
    pub regenerate: bool,
}

/// Generate Images.
#[derive(Debug, Clone, Copy, Default)]
pub struct GenerateImages;

/// An image ready for the model.
#[derive(Debug)]
pub struct PreparedImage {
    image: Image,
    title: String,
    style: String,
    /// The image's own size, else the account's `images.size`.
    size: String,
}

fn size_of(size: Option<&str>) -> (u32, u32) {
    size.and_then(|s| s.split_once('x'))
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .unwrap_or(DEFAULT_SIZE)
}

/// The request for `prompt`: the account's image prompt template around it, and its
/// negative prompt.
async fn image_request<S: Store>(
    core: &Igny8<S>,
    scope: &Scope,
    prompt: &str,
    title: &str,
    style: &str,
    negative: Option<String>,
    size: Option<&str>,
) -> Result<ImageRequest> {
    let wrap = template(core, scope, PromptType::ImagePromptTemplate).await?;
    let vars = BTreeMap::from([
        ("prompt", prompt.trim_end_matches('.').to_owned()),
        ("title", title.to_owned()),
        ("style", style.to_owned()),
    ]);
    let negative = match negative {
        Some(n) => Some(n),
        None => Some(template(core, scope, PromptType::NegativePrompt).await?),
    }
    .map(|n| n.trim().to_owned())
    .filter(|n| !n.is_empty());
    let (width, height) = size_of(size);
    Ok(ImageRequest {
        prompt: render(&wrap, &vars),
        negative_prompt: negative,
        width,
        height,
    })
}

/// Writes `data` as `{media_dir}/{account}/{name}.{ext}`; the path written, relative to the
/// media directory (`{account}/{name}.{ext}`): results never show the server's directories.
async fn store_file(
    media_dir: &str,
    account: AccountId,
    name: &str,
    data: &[u8],
    mime: &str,
) -> Result<String> {
    let ext = match mime {
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        "image/gif" => "gif",
        _ => "png",
    };
    let dir = std::path::Path::new(media_dir).join(account.get().to_string());
    tokio::fs::create_dir_all(&dir).await?;
    let path = dir.join(format!("{name}.{ext}"));
    // Write then rename, so a reader never sees half a file.
    let partial = dir.join(format!(".{name}.{ext}.part"));
    tokio::fs::write(&partial, data).await?;
    tokio::fs::rename(&partial, &path).await?;
    Ok(format!("{}/{name}.{ext}", account.get()))
}

impl AiFunction for GenerateImages {
    type Input = GenerateImagesInput;
    type Data = ();
    type Prepared = PreparedImage;
    type Prompt = ImageRequest;
    type Answer = ImageReply;
    type Draft = ImageReply;

    fn kind(&self) -> JobKind {
        JobKind::GenerateImages
    }

    async fn validate<S: Store>(
        &self,
        core: &Igny8<S>,
        scope: &Scope,
        input: &GenerateImagesInput,
    ) -> Result<Vec<Unit<()>>> {
        check_ids(&input.ids)?;
        let images = super::load_all(
            &input.ids,
            |i: &Image| i.id,
            ImageId::not_found,
            |ids| async {
                let filter = ImageFilter {
                    ids: Some(ids),
                    ..ImageFilter::default()
                };
                Ok(core
                    .images()
                    .list(scope, &filter, &super::chunk_page())
                    .await?
                    .items)
            },
        )
        .await?;
        let mut units = Vec::new();
        for image in images {
            let id = image.id;
            if image.status == ImageStatus::Generated && !input.regenerate {
                continue;
            }
            units.push(Unit {
                object: Reference::new("image", id.get()),
                label: format!(
                    "{} image {}",
                    image.kind.as_str().replace('_', "-"),
                    id.get()
                ),
                estimate: Work::Images(1),
                data: (),
            });
        }
        if units.is_empty() {
            return Err(Error::field(
                "ids",
                "every image named is already generated (set regenerate to make them again)",
            ));
        }
        Ok(units)
    }

    async fn prepare<S: Store>(
        &self,
        run: &Run<'_, S>,
        input: &GenerateImagesInput,
        unit: &Unit<()>,
    ) -> Result<PreparedImage> {
        let core = run.core;
        let image = core
            .images()
            .get(&run.scope, ImageId(unit.object.id))
            .await?;
        let title = match image.content_id {
            Some(id) => core.contents().get(&run.scope, id).await?.title,
            None => String::new(),
        };
        let mut patch = ImagePatch::default();
        if image.status != ImageStatus::Pending {
            patch.status = Some(ImageStatus::Pending);
            patch.error = Some(None);
            core.images().update(&run.scope, image.id, patch).await?;
        }
        let generating = ImagePatch {
            status: Some(ImageStatus::Generating),
            ..ImagePatch::default()
        };
        let image = core
            .images()
            .update(&run.scope, image.id, generating)
            .await?;
        let size = match &image.size {
            Some(size) => size.clone(),
            None if image.kind == ImageKind::Featured => run.defaults().await?.featured_image_size,
            None => run.defaults().await?.image_size,
        };
        Ok(PreparedImage {
            image,
            title,
            style: input
                .style
                .clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_STYLE.to_owned()),
            size,
        })
    }

    async fn prompt<S: Store>(&self, run: &Run<'_, S>, p: &PreparedImage) -> Result<ImageRequest> {
        image_request(
            run.core,
            &run.scope,
            &p.image.prompt,
            &p.title,
            &p.style,
            p.image.negative_prompt.clone(),
            Some(p.size.as_str()),
        )
        .await
    }

    async fn call<S: Store>(
        &self,
        run: &Run<'_, S>,
        _: &PreparedImage,
        prompt: ImageRequest,
    ) -> Result<ImageReply> {
        run.draw(&prompt).await
    }

    fn parse(&self, _: &PreparedImage, reply: ImageReply) -> Result<ImageReply> {
        match &reply.image {
            ImageData::Bytes { data, .. } if data.is_empty() => Err(Error::Provider(
                "the image model sent an empty image".into(),
            )),
            ImageData::Url(u) if !(u.starts_with("https://") || u.starts_with("http://")) => Err(
                Error::Provider("the image model sent no usable image URL".into()),
            ),
            _ => Ok(reply),
        }
    }

    async fn save<S: Store>(
        &self,
        run: &Run<'_, S>,
        p: PreparedImage,
        reply: ImageReply,
    ) -> Result<Saved> {
        let core = run.core;
        let image = &p.image;
        let (url, file_path) = match &reply.image {
            ImageData::Url(u) => (Some(u.clone()), None),
            ImageData::Bytes { data, mime } => {
                let path = store_file(
                    &core.ai_config().media_dir,
                    image.account_id,
                    &format!("image-{}", image.id.get()),
                    data,
                    mime,
                )
                .await?;
                (None, Some(path))
            }
        };
        let alt = image
            .alt_text
            .clone()
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| html::text_of(&image.prompt).chars().take(125).collect());
        let (w, h) = size_of(Some(p.size.as_str()));
        let patch = ImagePatch {
            status: Some(ImageStatus::Generated),
            url: Some(url.clone()),
            file_path: Some(file_path.clone()),
            provider: Some(run.image_provider().await.ok().map(|p| p.name().to_owned())),
            model: Some(Some(reply.model.clone())),
            alt_text: Some(Some(alt.clone())),
            size: Some(Some(format!("{w}x{h}"))),
            error: Some(None),
            ..ImagePatch::default()
        };
        core.images().update(&run.scope, image.id, patch).await?;
        Ok(Saved {
            summary: json!({
                "image_id": image.id.get(),
                "url": url,
                "file_path": file_path,
                "alt_text": alt,
                "model": reply.model,
            }),
            work: Work::Images(1),
        })
    }

    async fn failed<S: Store>(&self, run: &Run<'_, S>, unit: &Unit<()>, error: &Error) {
        let patch = ImagePatch {
            status: Some(ImageStatus::Failed),
            error: Some(Some(error.to_string().chars().take(4000).collect())),
            ..ImagePatch::default()
        };
        if let Err(e) = run
            .core
            .images()
            .update(&run.scope, ImageId(unit.object.id), patch)
            .await
        {
            tracing::warn!(image = unit.object.id, error = %e, "could not mark the image failed");
        }
    }
}

/// An Image Testing request: one prompt, rendered without attaching it to any content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageTest {
    /// What to draw: 1–4000 characters.
    pub prompt: String,
    /// What to avoid, at most 2000 characters (default: the account's negative prompt).
    #[serde(default)]
    pub negative_prompt: Option<String>,
    /// The look (default: the account's `images.style`).
    #[serde(default)]
    pub style: Option<String>,
    /// e.g. 1024x1024 (default: the account's `images.size`).
    #[serde(default)]
    pub size: Option<String>,
}

/// What Image Testing made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageTestResult {
    /// The prompt as sent (the account's image prompt template around the input).
    pub prompt: String,
    /// The negative prompt as sent.
    pub negative_prompt: Option<String>,
    /// The image: its URL, or a `data:` URL when the model sent bytes.
    pub url: String,
    /// The provider that rendered it (`openai`, `runware`).
    pub provider: String,
    /// The model that rendered it.
    pub model: String,
    /// The prompt as the model rewrote it, when it says.
    pub revised_prompt: Option<String>,
    /// Credits charged for the image.
    pub credits: i64,
}

impl<S: Store> super::Ai<'_, S> {
    /// Image Testing: renders one prompt with the account's image model and template, charges
    /// one image, and returns the picture without saving it anywhere.
    pub async fn test_image(&self, scope: &Scope, test: ImageTest) -> Result<ImageTestResult> {
        scope.require(crate::tenancy::Permission::Write)?;
        let core = self.core;
        let mut check = Check::new();
        let prompt = check.text("prompt", &test.prompt, 4000);
        if prompt.is_empty() {
            check.fail("prompt", "is required");
        }
        let negative = check.opt_text("negative_prompt", test.negative_prompt.as_deref(), 2000);
        check_size_field(&mut check, "size", &test.size);
        check.finish()?;
        let style = test.style.filter(|s| !s.trim().is_empty());
        let (style, size) = match (style, test.size) {
            (Some(style), Some(size)) => (style, size),
            (style, size) => {
                let defaults = core.system().defaults(scope).await?;
                (
                    style.unwrap_or(defaults.image_style),
                    size.unwrap_or(defaults.image_size),
                )
            }
        };
        let request = image_request(
            core,
            scope,
            &prompt,
            "",
            &style,
            negative,
            Some(size.as_str()),
        )
        .await?;
        let provider = core.image_provider(scope).await?;
        let credits = core.ai_config().credit_prices.credits(Work::Images(1));
        let reservation = if credits > 0 {
            Some(
                core.credits()
                    .reserve(
                        scope,
                        crate::credits::ReserveRequest {
                            amount: credits,
                            operation: crate::credits::IMAGE_TESTING.into(),
                            reference: None,
                            idempotency_key: None,
                        },
                    )
                    .await?,
            )
        } else {
            None
        };
        let reply = match provider.generate(&request).await {
            Ok(r) => r,
            Err(e) => {
                if let Some(r) = &reservation {
                    core.credits().release(scope, r.id).await?;
                }
                return Err(e.into());
            }
        };
        let prices = core.ai_config().price_table();
        let cost_micros = match reply.cost_usd {
            Some(usd) => (usd * 1e6).round() as i64,
            None => prices.cost_micros(&reply.model, Default::default(), 1),
        };
        core.credits()
            .record_usage(
                scope,
                crate::credits::NewUsage {
                    operation: crate::credits::IMAGE_TESTING.into(),
                    provider: provider.name().to_owned(),
                    model: reply.model.clone(),
                    images: 1,
                    cost_micros,
                    credits,
                    ..Default::default()
                },
            )
            .await?;
        if let Some(r) = &reservation {
            core.credits().charge(scope, r.id, credits).await?;
        }
        let url = match &reply.image {
            ImageData::Url(u) => u.clone(),
            ImageData::Bytes { data, mime } => format!(
                "data:{mime};base64,{}",
                base64::engine::general_purpose::STANDARD.encode(data)
            ),
        };
        Ok(ImageTestResult {
            prompt: request.prompt,
            negative_prompt: request.negative_prompt,
            url,
            provider: provider.name().to_owned(),
            model: reply.model,
            revised_prompt: reply.revised_prompt,
            credits,
        })
    }
}
