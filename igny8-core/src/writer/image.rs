//! Images of content: featured and in-article.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::error::Result;
use crate::ids::*;
use crate::validate::Check;

string_enum! {
    /// Where an image goes.
    pub enum ImageKind {
        /// The post's featured image.
        Featured => "featured",
        /// An image inside the article.
        InArticle => "in_article",
    }
}

string_enum! {
    /// Where an image stands.
    pub enum ImageStatus {
        /// Has a prompt, not rendered yet.
        Pending => "pending",
        /// Being rendered.
        Generating => "generating",
        /// Rendered.
        Generated => "generated",
        /// Rendering failed.
        Failed => "failed",
    }
}

impl ImageStatus {
    /// Allowed changes: pending → generating → generated or failed; failed or generated → pending.
    pub fn can_become(self, next: ImageStatus) -> bool {
        use ImageStatus::*;
        self == next
            || matches!(
                (self, next),
                (Pending, Generating)
                    | (Generating, Generated)
                    | (Generating, Failed)
                    | (Generating, Pending)
                    | (Failed, Pending)
                    | (Generated, Pending)
            )
    }
}

/// An image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// The image's id.
    pub id: ImageId,
    /// The account that owns the image; every query is filtered by it.
    pub account_id: AccountId,
    /// The site, taken from the sector.
    pub site_id: SiteId,
    /// The sector the image belongs to.
    pub sector_id: SectorId,
    /// The content it illustrates, if any.
    pub content_id: Option<ContentId>,
    /// The writer task it was made for, if any.
    pub task_id: Option<TaskId>,
    /// Featured or in-article.
    pub kind: ImageKind,
    /// Order among the in-article images (0 for featured).
    pub position: i64,
    /// The prompt it is rendered from, at most 4000 characters.
    pub prompt: String,
    /// What the image should not show, at most 2000 characters.
    pub negative_prompt: Option<String>,
    /// The provider that rendered it (`openai`, `runware`, …); `None` until rendered.
    pub provider: Option<String>,
    /// The model that rendered it; `None` until rendered.
    pub model: Option<String>,
    /// Size, e.g. `1024x1024`.
    pub size: Option<String>,
    /// Where it can be fetched on the web (http or https): a rendered image that arrived as a URL,
    /// or one of the user's own; `None` for an image stored as a file.
    pub url: Option<String>,
    /// The rendered file as `{account}/{image}.{ext}`, relative to the media directory (images that
    /// arrive as bytes); `None` for an image known by URL only.
    pub file_path: Option<String>,
    /// Alt text: plain text, at most 500 characters.
    pub alt_text: Option<String>,
    /// Where it stands; changes follow [`ImageStatus::can_become`].
    pub status: ImageStatus,
    /// Why rendering failed, set together with [`ImageStatus::Failed`].
    pub error: Option<String>,
    /// When the image was created.
    pub created_at: DateTime<Utc>,
    /// When the image last changed.
    pub updated_at: DateTime<Utc>,
}

/// Checks an image size like `1024x1024`.
pub(crate) fn check_size(check: &mut Check, size: &Option<String>) {
    check_size_field(check, "size", size)
}

/// Width and height of an image size like `1024x1024`, each 64–4096 pixels; `None` for
/// anything else.
pub(crate) fn parse_size(size: &str) -> Option<(u32, u32)> {
    size.split_once('x')
        .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
        .filter(|(w, h)| (64..=4096).contains(w) && (64..=4096).contains(h))
}

/// What a size that [`parse_size`] refuses must look like.
pub(crate) const SIZE_RULE: &str = "must look like 1024x1024 (64–4096 pixels a side)";

/// Checks an image size like `1024x1024` under the name `field`.
pub(crate) fn check_size_field(check: &mut Check, field: &str, size: &Option<String>) {
    if let Some(s) = size
        && parse_size(s).is_none()
    {
        check.fail(field, SIZE_RULE);
    }
}

/// Input for a new image.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewImage {
    /// The sector to put the image in; the site follows from it.
    pub sector_id: SectorId,
    /// The content (same sector).
    pub content_id: Option<ContentId>,
    /// The task (same sector).
    pub task_id: Option<TaskId>,
    /// Featured or in-article.
    pub kind: ImageKind,
    /// Order among the in-article images, 0–100 (default 0).
    #[serde(default)]
    pub position: i64,
    /// The prompt to render from, at most 4000 characters.
    pub prompt: String,
    /// What the image should not show, at most 2000 characters.
    pub negative_prompt: Option<String>,
    /// `WIDTHxHEIGHT` in pixels, 64–4096 a side; `None` for the provider's default.
    pub size: Option<String>,
    /// Alt text: plain text, at most 500 characters.
    pub alt_text: Option<String>,
}

impl NewImage {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        self.prompt = check.text("prompt", &self.prompt, 4000);
        self.negative_prompt =
            check.opt_text("negative_prompt", self.negative_prompt.as_deref(), 2000);
        self.alt_text = check.opt_text("alt_text", self.alt_text.as_deref(), 500);
        if let Some(alt) = &self.alt_text {
            check.plain("alt_text", alt);
        }
        check.range("position", self.position, 0, 100);
        check_size(&mut check, &self.size);
        check.finish()?;
        Ok(self)
    }
}

/// Changes to an image.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImagePatch {
    /// New prompt, at most 4000 characters.
    pub prompt: Option<String>,
    /// New negative prompt, or clear it.
    pub negative_prompt: Option<Option<String>>,
    /// New size, or clear it.
    pub size: Option<Option<String>>,
    /// New alt text, or clear it.
    pub alt_text: Option<Option<String>>,
    /// New order among the in-article images, 0–100.
    pub position: Option<i64>,
    /// New status (allowed changes only).
    pub status: Option<ImageStatus>,
    /// Where the image is on the web, or clear it.
    #[serde(default)]
    pub url: Option<Option<String>>,
    /// Where the image file is on this machine, or clear it.
    #[serde(default)]
    pub file_path: Option<Option<String>>,
    /// The provider that rendered it (set by the image job), at most 64 characters.
    #[serde(default)]
    pub provider: Option<Option<String>>,
    /// The model that rendered it (set by the image job), at most 128 characters.
    #[serde(default)]
    pub model: Option<Option<String>>,
    /// Why making it failed, or clear it.
    #[serde(default)]
    pub error: Option<Option<String>>,
}

impl ImagePatch {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        if let Some(p) = &self.prompt {
            self.prompt = Some(check.text("prompt", p, 4000));
        }
        if let Some(v) = &self.negative_prompt {
            self.negative_prompt = Some(check.opt_text("negative_prompt", v.as_deref(), 2000));
        }
        if let Some(v) = &self.alt_text {
            let alt = check.opt_text("alt_text", v.as_deref(), 500);
            if let Some(alt) = &alt {
                check.plain("alt_text", alt);
            }
            self.alt_text = Some(alt);
        }
        if let Some(p) = self.position {
            check.range("position", p, 0, 100);
        }
        if let Some(s) = &self.size {
            check_size(&mut check, s);
        }
        for (field, value, max) in [
            ("url", &mut self.url, 2000),
            ("file_path", &mut self.file_path, 1000),
            ("provider", &mut self.provider, 64),
            ("model", &mut self.model, 128),
            ("error", &mut self.error, 4000),
        ] {
            if let Some(v) = value {
                *v = check.opt_text(field, v.as_deref(), max);
            }
        }
        if let Some(Some(u)) = &self.url
            && !(u.starts_with("https://") || u.starts_with("http://"))
        {
            check.fail("url", "must be an http(s) URL");
        }
        check.finish()?;
        Ok(self)
    }
}

/// An image file's bytes, as [`Images::file`](crate::writer::Images::file) reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageBytes {
    /// The file.
    pub bytes: Vec<u8>,
    /// Its media type: `image/png`, `image/jpeg` or `image/webp`.
    pub content_type: &'static str,
}

/// Filters of the image list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageFilter {
    /// Only this site.
    pub site_id: Option<SiteId>,
    /// Only this sector.
    pub sector_id: Option<SectorId>,
    /// Only this content.
    pub content_id: Option<ContentId>,
    /// Only this kind.
    pub kind: Option<ImageKind>,
    /// Only this status.
    pub status: Option<ImageStatus>,
    /// Only these ids.
    pub ids: Option<Vec<ImageId>>,
}
