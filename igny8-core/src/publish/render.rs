//! A content as the post WordPress receives: the one place that decides what a post holds.
//!
//! [`render_post`] is used by the publish job (over WordPress's REST API), by the PHP
//! extension's `renderPost` and by the API's `POST writer/content/{id}/render/` (the plugin,
//! which writes the post with WordPress's own functions, in either mode). It needs the media
//! items the content's images became in WordPress, as only WordPress knows their ids and
//! addresses; whoever uploads them passes them in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::blocks::{BodyImage, body_blocks, body_classic};
use super::{content_marker, slugify};
use crate::ai::html;
use crate::enums::string_enum;
use crate::error::{Error, Result};
use crate::ids::ImageId;
use crate::writer::{Content, Image, ImageKind, ImageStatus};

string_enum! {
    /// How a post's body is written.
    pub enum PostFormat {
        /// WordPress blocks: the post opens in the block editor block by block (the default).
        Blocks => "blocks",
        /// One piece of HTML, for sites that use the classic editor.
        Classic => "classic",
    }
}

/// The size of a media item shown in the body when the caller doesn't say.
pub const DEFAULT_MEDIA_SIZE: &str = "large";

/// A media item in WordPress made from one of the content's images.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostMedia {
    /// The IGNY8 image.
    pub image_id: ImageId,
    /// The media item (attachment) id in WordPress.
    pub attachment_id: i64,
    /// The address of the size shown in the body (WordPress's `large` size where there is one).
    pub url: String,
    /// That size's name (`large`, `full`…): the image's `size-…` class.
    #[serde(default = "default_size")]
    pub size: String,
}

fn default_size() -> String {
    DEFAULT_MEDIA_SIZE.to_owned()
}

/// A content as the post WordPress receives. Text fields are written as WordPress stores
/// them: the title and the excerpt are HTML (the content's plain text, escaped), the body is
/// blocks or HTML, the SEO fields are plain text (the SEO plugins escape them when they
/// print them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordPressPost {
    /// The post title.
    pub title: String,
    /// The URL slug, from the title (empty when the title has no letters or digits:
    /// WordPress then makes one).
    pub slug: String,
    /// The excerpt: the meta description, else the body's first 55 words.
    pub excerpt: String,
    /// The body, with the in-article images placed and the content's marker.
    pub content: String,
    /// How the body is written (the account's `publish.format`).
    pub format: PostFormat,
    /// The marker that names the content in the post (`igny8:content=ID@MILLIS;`): on the
    /// first block's `metadata` (blocks) or in a comment at the top (classic).
    pub marker: String,
    /// The featured image's media item.
    pub featured_media: Option<i64>,
    /// Every media item the post uses, featured first.
    pub media: Vec<i64>,
    /// Category names (made when missing).
    pub categories: Vec<String>,
    /// Tag names (made when missing).
    pub tags: Vec<String>,
    /// Post meta: the SEO title and description for Yoast SEO and Rank Math.
    pub meta: BTreeMap<String, String>,
}

/// The excerpt of a content (plain): its meta description, else its first 55 words.
pub fn excerpt_of(content: &Content) -> String {
    match content.meta_description.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => d.to_owned(),
        _ => html::text_of(&content.html)
            .split_whitespace()
            .take(55)
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The post meta holding an article's questions and answers as JSON
/// (`[{"question": …, "answer": …}]`), when it has them.
pub const FAQ_META: &str = "_igny8_faq";

/// The content's images as a post uses them: generated ones, featured first, then by
/// position.
pub fn post_images(mut images: Vec<Image>) -> Vec<Image> {
    images.retain(|i| i.status == ImageStatus::Generated);
    images.sort_by_key(|i| (i.kind != ImageKind::Featured, i.position, i.id));
    images
}

/// Checks media items against the content's images: each names one of them, once, with an
/// attachment id and an http(s) address.
pub fn check_media(images: &[Image], media: &[PostMedia]) -> Result<()> {
    for (i, m) in media.iter().enumerate() {
        if !images.iter().any(|img| img.id == m.image_id) {
            return Err(Error::field(
                format!("media[{i}].image_id"),
                format!(
                    "image {} is not a generated image of this content",
                    m.image_id.get()
                ),
            ));
        }
        if media[..i].iter().any(|o| o.image_id == m.image_id) {
            return Err(Error::field(
                format!("media[{i}].image_id"),
                "names an image a second time",
            ));
        }
        if m.attachment_id <= 0 {
            return Err(Error::field(
                format!("media[{i}].attachment_id"),
                "must be a WordPress media id (a positive number)",
            ));
        }
        let url = m.url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2048 {
            return Err(Error::field(
                format!("media[{i}].url"),
                "must be the media item's http or https address, at most 2048 characters",
            ));
        }
        if m.size.is_empty()
            || m.size.len() > 64
            || !m
                .size
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(Error::field(
                format!("media[{i}].size"),
                "must be a WordPress image size name such as large or full",
            ));
        }
    }
    Ok(())
}

/// The post of `content`: `images` are its images (any order, any status: only generated
/// ones with a media item are used), `media` the media items they became in WordPress.
pub fn render_post(
    content: &Content,
    images: &[Image],
    media: &[PostMedia],
    format: PostFormat,
) -> WordPressPost {
    let item = |image: &Image| media.iter().find(|m| m.image_id == image.id);
    let images = post_images(images.to_vec());
    let mut featured_media = None;
    let mut in_body = Vec::new();
    let mut used = Vec::new();
    for image in &images {
        let Some(m) = item(image) else { continue };
        used.push(m.attachment_id);
        if image.kind == ImageKind::Featured && featured_media.is_none() {
            featured_media = Some(m.attachment_id);
        } else {
            in_body.push(BodyImage {
                attachment_id: m.attachment_id,
                url: m.url.trim().to_owned(),
                alt: image.alt_text.clone().unwrap_or_default(),
                size: m.size.clone(),
            });
        }
    }
    let marker = content_marker(content);
    // The questions and answers follow the article, as its last section.
    let mut clean = html::sanitize_html(&content.html);
    if let Some(faq) = &content.faq {
        clean.push_str(&faq.html());
    }
    let body = match format {
        PostFormat::Blocks => body_blocks(&clean, &in_body, &marker),
        PostFormat::Classic => body_classic(&clean, &in_body, &marker),
    };
    let excerpt = excerpt_of(content);
    let seo_title = content
        .meta_title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(&content.title)
        .to_owned();
    let mut meta = BTreeMap::from([
        ("_yoast_wpseo_title".to_owned(), seo_title.clone()),
        ("_yoast_wpseo_metadesc".to_owned(), excerpt.clone()),
        ("rank_math_title".to_owned(), seo_title),
        ("rank_math_description".to_owned(), excerpt.clone()),
    ]);
    // The primary keyword as the SEO plugins' focus keyword, which their own checks read.
    if let Some(keyword) = content
        .primary_keyword
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        meta.insert("_yoast_wpseo_focuskw".to_owned(), keyword.to_owned());
        meta.insert("rank_math_focus_keyword".to_owned(), keyword.to_owned());
    }
    // The questions as data, for a schema plugin (or a theme) to mark up as an FAQPage.
    if let Some(faq) = &content.faq {
        meta.insert(
            FAQ_META.to_owned(),
            serde_json::to_string(&faq.questions).unwrap_or_default(),
        );
    }
    let names = |list: &[String]| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for name in list.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(name)) {
                out.push(name.to_owned());
            }
        }
        out
    };
    WordPressPost {
        title: html::escape(&content.title),
        slug: slugify(&content.title),
        excerpt: html::escape(&excerpt),
        content: body,
        format,
        marker,
        featured_media,
        media: used,
        categories: names(&content.categories),
        tags: names(&content.tags),
        meta,
    }
}

/// Whether a post's raw body carries `content`'s marker as IGNY8 writes it: in a comment
/// of its own, or in a block comment's attributes. Only these count: the sanitiser keeps
/// comments out of a body and escapes `<` and `>` in its text, so no content can write
/// another's marker into its own post.
pub fn carries_marker(raw: &str, content: &Content) -> bool {
    let marker = content_marker(content);
    if raw.contains(&format!("<!-- {marker} -->")) {
        return true;
    }
    let needle = format!("\"{}\":\"{marker}\"", super::blocks::MARKER_KEY);
    raw.match_indices(&needle).any(|(at, _)| {
        // Inside a block comment: `<!-- wp:` before it with no `>` between (the attributes'
        // JSON writes `>` as \u003e).
        raw[..at]
            .rfind("<!-- wp:")
            .is_some_and(|start| !raw[start..at].contains('>'))
    })
}
