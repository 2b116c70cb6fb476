//! The publish API's request and response bodies.

use chrono::{DateTime, Utc};
use igny8_core::publish as p;
use poem_openapi::Object;

use super::E;

/// A site's WordPress credentials.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct WordPressConnect {
    /// The WordPress site's address, e.g. `https://example.com` (http or https, at most 2048
    /// characters). Private and local addresses are refused unless the operator allows them.
    pub url: String,
    /// The WordPress user to publish as (1–255 characters).
    pub username: String,
    /// An application password of that user, at most 255 characters (WordPress: Users → Profile →
    /// Application Passwords). Stored sealed; never returned.
    pub application_password: String,
}

/// What the connection check found.
#[derive(Debug, Object)]
pub struct ConnectionCheck {
    /// The site's address.
    pub url: String,
    /// WordPress's version, when the site says.
    #[oai(nullable)]
    pub wordpress_version: Option<String>,
    /// The WordPress user the credentials signed in as.
    pub user: String,
    /// That user's WordPress roles, e.g. `editor`.
    pub roles: Vec<String>,
    /// Whether that user may publish posts.
    pub can_publish: bool,
    /// Whether that user may upload media (needed for images).
    pub can_upload: bool,
    /// It may create categories and tags (else only existing ones can be used).
    pub can_manage_categories: bool,
}

/// How to publish.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PublishOptions {
    /// `draft`, `publish`, `future` (needs `date`), `pending` or `private` (default: the
    /// account's `publish.status` setting, `draft` unless changed).
    pub status: Option<E<p::PostStatus>>,
    /// When to publish (RFC 3339); required for `future`.
    pub date: Option<DateTime<Utc>>,
    /// Make a new post when the content's post was deleted in WordPress.
    pub recreate: Option<bool>,
}

/// Content to publish, and how.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PublishMany {
    /// The content to publish: 1–10,000 ids, all of one site.
    pub ids: Vec<i64>,
    /// `draft`, `publish`, `future` (needs `date`), `pending` or `private` (default: the
    /// account's `publish.status` setting, `draft` unless changed).
    pub status: Option<E<p::PostStatus>>,
    /// When to publish (RFC 3339); required for `future`.
    pub date: Option<DateTime<Utc>>,
    /// Make new posts for content whose post was deleted in WordPress.
    pub recreate: Option<bool>,
}

/// A media item in WordPress made from one of the content's images.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PostMedia {
    /// The IGNY8 image (a generated image of this content).
    pub image_id: i64,
    /// Its media item (attachment) id in WordPress.
    pub attachment_id: i64,
    /// The http(s) address of the size the body shows.
    pub url: String,
    /// That size's name, e.g. `large` (the default) or `full`.
    pub size: Option<String>,
}

/// What to render a post with.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PostRender {
    /// The media items the content's generated images became in WordPress; images without
    /// one are left out of the post.
    #[oai(default)]
    pub media: Vec<PostMedia>,
}

/// A content as the post WordPress receives, field by field as WordPress stores it.
#[derive(Debug, Object)]
pub struct WordPressPost {
    /// The post title: the content's title, HTML-escaped.
    pub title: String,
    /// The URL slug (empty: let WordPress make one).
    pub slug: String,
    /// The excerpt (HTML-escaped): the meta description, else the body's first 55 words.
    pub excerpt: String,
    /// The body: WordPress blocks (or one piece of HTML when the account's `publish.format`
    /// is `classic`), the in-article images placed, the content's marker included.
    pub content: String,
    /// `blocks` or `classic`.
    pub format: E<p::PostFormat>,
    /// The marker naming the content in the post, e.g. `igny8:content=12@1767323045678;`.
    pub marker: String,
    /// The featured image's media item.
    #[oai(nullable)]
    pub featured_media: Option<i64>,
    /// Every media item the post uses, featured first.
    pub media: Vec<i64>,
    /// Category names, made when missing.
    pub categories: Vec<String>,
    /// Tag names, made when missing.
    pub tags: Vec<String>,
    /// Post meta to set: the SEO title and description for Yoast SEO and Rank Math.
    pub meta: std::collections::BTreeMap<String, String>,
}

impl From<p::WordPressPost> for WordPressPost {
    fn from(w: p::WordPressPost) -> Self {
        Self {
            title: w.title,
            slug: w.slug,
            excerpt: w.excerpt,
            content: w.content,
            format: E(w.format),
            marker: w.marker,
            featured_media: w.featured_media,
            media: w.media,
            categories: w.categories,
            tags: w.tags,
            meta: w.meta,
        }
    }
}
