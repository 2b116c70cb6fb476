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

/// A WordPress post, page or category of a site's link inventory, as last synced.
#[derive(Debug, Object)]
pub struct LinkPage {
    /// Its id in IGNY8.
    pub id: i64,
    /// The site.
    pub site_id: i64,
    /// `post`, `page` or `category`.
    pub kind: E<igny8_core::inventory::LinkKind>,
    /// Its id in WordPress.
    pub wp_id: i64,
    /// Its address.
    pub url: String,
    /// Its title (a category's name), plain text.
    pub title: String,
    /// A post's categories and tags.
    pub keywords: Vec<String>,
    /// When it was last changed in WordPress (none for categories).
    #[oai(nullable)]
    pub modified_at: Option<DateTime<Utc>>,
    /// The last sync that found it.
    pub seen_at: DateTime<Utc>,
}

impl From<igny8_core::inventory::LinkPage> for LinkPage {
    fn from(p: igny8_core::inventory::LinkPage) -> Self {
        Self {
            id: p.id.get(),
            site_id: p.site_id.get(),
            kind: E(p.kind),
            wp_id: p.wp_id,
            url: p.url,
            title: p.title,
            keywords: p.keywords,
            modified_at: p.modified_at,
            seen_at: p.seen_at,
        }
    }
}

/// A page of the site an article may link to: a synced WordPress object or a published
/// IGNY8 article.
#[derive(Debug, Object)]
pub struct LinkEntry {
    /// `post`, `page`, `category` or `content` (IGNY8's own article).
    pub kind: E<igny8_core::inventory::LinkKind>,
    /// Its address.
    pub url: String,
    /// Its title.
    pub title: String,
    /// The keywords it serves.
    pub keywords: Vec<String>,
    /// Its cluster (IGNY8 articles made from a cluster's idea).
    #[oai(nullable)]
    pub cluster: Option<String>,
    /// Its WordPress id, when known.
    #[oai(nullable)]
    pub wp_id: Option<i64>,
    /// The IGNY8 content it is.
    #[oai(nullable)]
    pub content_id: Option<i64>,
    /// When it was last changed (published, for IGNY8 articles).
    #[oai(nullable)]
    pub modified_at: Option<DateTime<Utc>>,
}

impl From<igny8_core::inventory::LinkEntry> for LinkEntry {
    fn from(e: igny8_core::inventory::LinkEntry) -> Self {
        Self {
            kind: E(e.kind),
            url: e.url,
            title: e.title,
            keywords: e.keywords,
            cluster: e.cluster,
            wp_id: e.wp_id,
            content_id: e.content_id.map(|c| c.get()),
            modified_at: e.modified_at,
        }
    }
}

/// How to sync.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct LinkSync {
    /// Read everything again, not only what changed since the last sync (default false).
    pub full: Option<bool>,
}

/// One WordPress object read by the caller itself.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct RecordedPage {
    /// `post`, `page` or `category`.
    pub kind: E<igny8_core::inventory::LinkKind>,
    /// Its id in WordPress (positive).
    pub wp_id: i64,
    /// Its address (http or https, at most 2,048 characters).
    pub url: String,
    /// Its title, plain text.
    pub title: String,
    /// Tags, categories or other phrases it serves (at most 50 kept).
    pub keywords: Option<Vec<String>>,
    /// When it was last changed in WordPress.
    pub modified_at: Option<DateTime<Utc>>,
}

/// WordPress objects of a site, read by the caller (e.g. the WordPress plugin from its own
/// database).
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct LinkRecord {
    /// At most 5,000 objects.
    pub pages: Vec<RecordedPage>,
    /// This is the last call of a whole site's objects: every WordPress object of the site
    /// not sent since `since` (or in this call, without `since`) is taken out of the
    /// inventory (default false).
    pub complete: Option<bool>,
    /// With `complete`: the `seen_at` of the first call of this sync (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Objects deleted or unpublished in WordPress since they were sent: taken out (at most
    /// 5,000).
    pub gone: Option<Vec<GoneObject>>,
}

/// A WordPress object that is no more (or no longer published).
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct GoneObject {
    /// `post`, `page` or `category`.
    pub kind: E<igny8_core::inventory::LinkKind>,
    /// Its id in WordPress.
    pub wp_id: i64,
}

/// What recording did.
#[derive(Debug, Object)]
pub struct LinkRecorded {
    /// Objects recorded.
    pub recorded: u64,
    /// Objects taken out (`gone`, and with `complete` those not sent).
    pub removed: u64,
    /// When they were recorded: the `since` of the last call of a sync sent in several.
    pub seen_at: DateTime<Utc>,
}

/// A suggested link from an older page of the site to an article.
#[derive(Debug, Object)]
pub struct LinkBack {
    /// The page the link would be in.
    pub from: LinkEntry,
    /// The word stems they share.
    pub shared: Vec<String>,
    /// The anchor text: the article's primary keyword (or title).
    pub anchor: String,
    /// For an IGNY8 article: the paragraph where IGNY8 would insert the link (`POST` to this
    /// address with its `content_id`). None: write the link by hand.
    #[oai(nullable)]
    pub paragraph: Option<String>,
}

impl From<igny8_core::inventory::LinkBack> for LinkBack {
    fn from(b: igny8_core::inventory::LinkBack) -> Self {
        Self {
            from: b.from.into(),
            shared: b.shared,
            anchor: b.anchor,
            paragraph: b.paragraph,
        }
    }
}

/// A suggested link from the article being edited to another page of its site.
#[derive(Debug, Object)]
pub struct LinkOut {
    /// The page to link to.
    pub to: LinkEntry,
    /// The word stems they share.
    pub shared: Vec<String>,
    /// The words of the article to make the link, as the article writes them: they stand as
    /// whole words in its running text (a paragraph or list item, outside links and headings).
    pub anchor: String,
    /// The text of the paragraph the anchor is first in.
    pub paragraph: String,
}

impl From<igny8_core::inventory::LinkOut> for LinkOut {
    fn from(o: igny8_core::inventory::LinkOut) -> Self {
        Self {
            to: o.to.into(),
            shared: o.shared,
            anchor: o.anchor,
            paragraph: o.paragraph,
        }
    }
}

/// The body to suggest links for.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct LinksOutRequest {
    /// The body as the editor holds it now (HTML; block comments are fine); without it, the
    /// stored body.
    pub html: Option<String>,
    /// At most this many suggestions (1–50, default 10).
    pub limit: Option<u64>,
}

/// Which article gets the link back.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct LinkBackInsert {
    /// The IGNY8 content (another article of the same site) to insert the link into.
    pub content_id: i64,
}
