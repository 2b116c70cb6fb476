//! Publishing to WordPress over its REST API, as a job.
//!
//! A site stores its WordPress URL, user and application password (sealed with the deployment
//! key, never returned). [`Publishing::test_connection`] checks them; a publish job sends each
//! content as a post. What the post holds — title, slug, excerpt, the body as WordPress blocks
//! (or classic HTML, per the account's `publish.format`) with its in-article images placed,
//! featured image, categories and tags by name, the Yoast SEO and Rank Math fields — is
//! decided by [`render_post`], which the WordPress plugin uses too ([`Publishing::render`]);
//! the body's blocks are those the block editor itself saves ([`body_blocks`]).
//!
//! Publishing is idempotent: a content that has a post updates it; a content without one is
//! first looked for by the marker IGNY8 writes into every post it makes
//! (`igny8:content=ID@CREATED;`, in the first block's `metadata`, or a comment on top of a
//! classic body), so a retry after a timeout finds the post the first try made instead of
//! making a second. Media are found the same way (`igny8:image=ID@…;` in their description).
//! A post deleted in WordPress is reported, not silently made again.
//!
//! The post a content names (`wp_post_id`, which a user may edit) is updated only if it is the
//! post the publisher itself made or found for this content (recorded apart, never by a
//! patch) or it carries this content's marker ([`carries_marker`]); any other post is refused,
//! untouched.
//!
//! Titles, excerpts and the media title are plain text in IGNY8 and go out HTML-escaped, as
//! WordPress renders those fields as HTML; the body is sanitised again on the way out.
//!
//! Site URLs and image URLs pass the outbound guard ([`crate::outbound`]): a host that is or
//! resolves to a loopback, private or link-local address is refused unless the operator
//! allows private targets.

mod blocks;
mod categories;
mod client;
mod job;
mod render;
mod service;

pub use blocks::{BodyImage, body_blocks, body_classic};
pub use categories::{CategoryPolicy, choose_categories};
pub use client::{WordPress, WpError};
pub use job::{PublishContent, PublishInput};
pub use render::{
    DEFAULT_MEDIA_SIZE, FAQ_META, PostFormat, PostMedia, WordPressPost, carries_marker,
    check_media, excerpt_of, post_images, render_post,
};
pub use service::{ConnectionCheck, Publishing, WordPressCredentials};

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::enums::string_enum;

string_enum! {
    /// The status a post gets.
    pub enum PostStatus {
        /// A draft (the default).
        Draft => "draft",
        /// Published now (or at `date` when it is in the future).
        Publish => "publish",
        /// Scheduled for `date`.
        Future => "future",
        /// Waiting for review.
        Pending => "pending",
        /// Published, visible to editors only.
        Private => "private",
    }
}

/// The deployment's publishing settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PublishConfig {
    /// The longest one WordPress request may take, in seconds (`IGNY8_WORDPRESS_TIMEOUT_SECS`).
    pub timeout_secs: u64,
}

impl Default for PublishConfig {
    fn default() -> Self {
        Self { timeout_secs: 60 }
    }
}

impl PublishConfig {
    /// The `IGNY8_*` variables of these settings.
    pub const VARS: &'static [crate::settings::Var] = &[crate::settings::Var::new(
        "WORDPRESS_TIMEOUT_SECS",
        "timeout_secs",
        crate::settings::Expect::Positive,
    )];

    pub(crate) fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.max(1))
    }
}

/// The marker IGNY8 writes into a post made from `content`: its id and the millisecond it was
/// made, so that two IGNY8 installations (or accounts) publishing to one WordPress never take
/// each other's posts for their own.
pub fn content_marker(content: &crate::writer::Content) -> String {
    format!(
        "igny8:content={}@{};",
        content.id.get(),
        content.created_at.timestamp_millis()
    )
}

/// The marker IGNY8 writes into the description of a media item made from `image`.
pub fn image_marker(image: &crate::writer::Image) -> String {
    format!(
        "igny8:image={}@{};",
        image.id.get(),
        image.created_at.timestamp_millis()
    )
}

/// A URL slug from a title: lower case ASCII letters and digits joined by hyphens (accents
/// folded where simple), at most 190 characters.
pub fn slugify(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut dash = false;
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            'ß' => 's',
            other => other,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    let mut slug: String = out.trim_end_matches('-').chars().take(190).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("The Best Garden Hoses of 2026!"),
            "the-best-garden-hoses-of-2026"
        );
        assert_eq!(slugify("  Crème brûlée — how to  "), "creme-brulee-how-to");
        assert_eq!(slugify("???"), "");
    }
}
