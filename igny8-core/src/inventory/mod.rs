//! The link inventory: the pages of a site that internal links may point to.
//!
//! A site's inventory is
//!
//! - its WordPress posts, pages and category archives as last read from WordPress
//!   ([`LinkPage`]): by the hosted service over the REST API (a `sync_links` job, paged,
//!   incremental by modification time, objects gone from WordPress swept out —
//!   [`Inventory::start_sync`]), or by the WordPress plugin from its own database
//!   ([`Inventory::record`]);
//! - IGNY8's own published articles of the site (read from the content itself, so an article
//!   is in the inventory the moment it is published), with the keywords and cluster each
//!   serves.
//!
//! Generate Content is offered the entries most related to the article
//! ([`Inventory::related`], by stem overlap with the local clustering's language tools), and
//! every internal link the model writes is checked against the whole inventory
//! ([`crate::writer::links::verify_links`]). [`Inventory::links_back`] suggests links from
//! older pages to a new article.

mod service;
mod sync;

pub(crate) use service::run_sync_job;
pub use service::{Inventory, LinkBack, LinkOut, MAX_RECORDED, REFRESH_EVERY, Recorded, SyncInput};
pub use sync::SyncReport;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::ids::{ContentId, LinkPageId, SiteId};

string_enum! {
    /// What a page of the inventory is.
    pub enum LinkKind {
        /// A WordPress post.
        Post => "post",
        /// A WordPress page.
        Page => "page",
        /// A WordPress category archive.
        Category => "category",
        /// An article IGNY8 generated and published.
        Content => "content",
    }
}

/// A WordPress object of a site, as last synced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkPage {
    /// Its id in IGNY8.
    pub id: LinkPageId,
    /// The site.
    pub site_id: SiteId,
    /// Post, page or category.
    pub kind: LinkKind,
    /// Its id in WordPress.
    pub wp_id: i64,
    /// Its address.
    pub url: String,
    /// Its title (a category's name), plain text.
    pub title: String,
    /// What it is about besides its title: a post's tags and categories.
    pub keywords: Vec<String>,
    /// When it was last changed in WordPress (none for categories).
    pub modified_at: Option<DateTime<Utc>>,
    /// The sync that last found it.
    pub seen_at: DateTime<Utc>,
}

/// One WordPress object as read from WordPress (or handed over by the plugin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncedPage {
    /// Post, page or category (not content).
    pub kind: LinkKind,
    /// Its id in WordPress (positive).
    pub wp_id: i64,
    /// Its address (http or https, at most 2,048 characters).
    pub url: String,
    /// Its title, plain text (at most 500 characters are kept).
    pub title: String,
    /// Tags, categories or other phrases it serves (at most 50 are kept).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// When it was last changed in WordPress.
    #[serde(default)]
    pub modified_at: Option<DateTime<Utc>>,
}

/// One place an article may link to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkEntry {
    /// Post, page, category or content.
    pub kind: LinkKind,
    /// Its address.
    pub url: String,
    /// Its title.
    pub title: String,
    /// The keywords it serves (an article's primary and secondary keywords; a post's tags and
    /// categories).
    pub keywords: Vec<String>,
    /// Its cluster, for IGNY8 content made from a cluster's idea.
    pub cluster: Option<String>,
    /// Its WordPress id, when known.
    pub wp_id: Option<i64>,
    /// The IGNY8 content it is, when it is one.
    pub content_id: Option<ContentId>,
    /// When it was last changed in WordPress (published, for content).
    pub modified_at: Option<DateTime<Utc>>,
}

impl LinkEntry {
    /// The phrases the entry is matched on: title, keywords and cluster.
    pub(crate) fn phrases(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.title.as_str())
            .chain(self.keywords.iter().map(String::as_str))
            .chain(self.cluster.as_deref())
    }
}

impl From<LinkPage> for LinkEntry {
    fn from(p: LinkPage) -> Self {
        Self {
            kind: p.kind,
            url: p.url,
            title: p.title,
            keywords: p.keywords,
            cluster: None,
            wp_id: Some(p.wp_id),
            content_id: None,
            modified_at: p.modified_at,
        }
    }
}

/// Which synced pages to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkPageFilter {
    /// The site (required).
    pub site_id: Option<SiteId>,
    /// Only this kind.
    pub kind: Option<LinkKind>,
    /// Title contains (case-insensitive).
    pub search: Option<String>,
}
