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
