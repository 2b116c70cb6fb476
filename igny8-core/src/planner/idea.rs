//! Content ideas: what to write for a cluster.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::error::Result;
use crate::ids::{AccountId, ClusterId, IdeaId, SectorId, SiteId};
use crate::list::Sort;
use crate::validate::Check;

string_enum! {
    /// What kind of page a piece of content becomes.
    pub enum ContentType {
        /// A blog post.
        Post => "post",
        /// A static page.
        Page => "page",
        /// A product page.
        Product => "product",
        /// A service page.
        Service => "service",
        /// A category or archive page.
        Category => "category",
        /// A landing page.
        Landing => "landing",
    }
}

string_enum! {
    /// How a piece of content is built.
    pub enum ContentStructure {
        /// A general article.
        Article => "article",
        /// An in-depth guide.
        Guide => "guide",
        /// A numbered list.
        Listicle => "listicle",
        /// Step-by-step instructions.
        HowTo => "how_to",
        /// A comparison of options.
        Comparison => "comparison",
        /// A review.
        Review => "review",
        /// The hub page of a cluster.
        ClusterHub => "cluster_hub",
        /// Questions and answers.
        Faq => "faq",
    }
}

string_enum! {
    /// Where an idea stands.
    pub enum IdeaStatus {
        /// Not queued for writing.
        New => "new",
        /// Queued to the writer as a task.
        Queued => "queued",
        /// Written.
        Done => "done",
    }
}

impl IdeaStatus {
    /// Allowed status changes: new → queued → done; queued → new (unqueued); done → queued (rewrite).
    pub fn can_become(self, next: IdeaStatus) -> bool {
        use IdeaStatus::*;
        self == next
            || matches!(
                (self, next),
                (New, Queued) | (Queued, New) | (Queued, Done) | (Done, Queued)
            )
    }
}

/// One section of an outline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineSection {
    /// The section's heading.
    pub heading: String,
    /// What the section covers.
    #[serde(default)]
    pub notes: String,
    /// Headings of its sub-sections, in order.
    #[serde(default)]
    pub subsections: Vec<String>,
}

/// A content idea.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentIdea {
    /// The idea's id.
    pub id: IdeaId,
    /// The account that owns the idea; every query is filtered by it.
    pub account_id: AccountId,
    /// The site, taken from the sector.
    pub site_id: SiteId,
    /// The sector the idea belongs to.
    pub sector_id: SectorId,
    /// The cluster the idea was made from (same sector), if any.
    pub cluster_id: Option<ClusterId>,
    /// Working title: plain text, 1–500 characters.
    pub title: String,
    /// What the piece should say, up to 20,000 characters.
    pub description: Option<String>,
    /// Structured outline, at most 100 sections.
    pub outline: Vec<OutlineSection>,
    /// The kind of page; copied to the task when the idea is queued.
    pub content_type: ContentType,
    /// The article's shape; copied to the task when the idea is queued.
    pub content_structure: ContentStructure,
    /// Keywords to target: at most 200, each at most [`MAX_KEYWORD_LEN`](super::MAX_KEYWORD_LEN)
    /// characters.
    pub target_keywords: Vec<String>,
    /// Estimated length in words, 1–100,000.
    pub estimated_word_count: Option<i64>,
    /// Where it stands; changes follow [`IdeaStatus::can_become`].
    pub status: IdeaStatus,
    /// When the idea was created.
    pub created_at: DateTime<Utc>,
    /// When the idea last changed.
    pub updated_at: DateTime<Utc>,
}

/// Input for a new idea.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewIdea {
    /// The sector; the site follows from it.
    pub sector_id: SectorId,
    /// The cluster (same sector).
    pub cluster_id: Option<ClusterId>,
    /// Working title: plain text, 1–500 characters after collapsing whitespace.
    pub title: String,
    /// What the piece should say, up to 20,000 characters.
    pub description: Option<String>,
    /// Outline, at most 100 sections (headings 1–500, notes up to 10,000 characters).
    #[serde(default)]
    pub outline: Vec<OutlineSection>,
    /// Page kind (default: the account's `content.type`).
    pub content_type: Option<ContentType>,
    /// Structure (default: the account's `content.structure`).
    pub content_structure: Option<ContentStructure>,
    /// Keywords to target: at most 200, each at most 255 characters; blanks dropped.
    #[serde(default)]
    pub target_keywords: Vec<String>,
    /// Estimated length in words, 1–100,000.
    pub estimated_word_count: Option<i64>,
}

pub(crate) fn check_outline(check: &mut Check, outline: &mut [OutlineSection]) {
    if outline.len() > 100 {
        check.fail("outline", "may have at most 100 sections");
    }
    for (i, s) in outline.iter_mut().enumerate() {
        s.heading = check.name(&format!("outline[{i}].heading"), &s.heading, 500);
        s.notes = check.text(&format!("outline[{i}].notes"), &s.notes, 10_000);
    }
}

pub(crate) fn check_keywords(check: &mut Check, field: &str, keywords: &mut Vec<String>) {
    keywords
        .iter_mut()
        .for_each(|k| *k = crate::validate::collapse_whitespace(k));
    keywords.retain(|k| !k.is_empty());
    if keywords.len() > 200 {
        check.fail(field, "may hold at most 200 keywords");
    }
    if keywords
        .iter()
        .any(|k| k.chars().count() > super::MAX_KEYWORD_LEN)
    {
        check.fail(field, "has a keyword over 255 characters");
    }
}

impl NewIdea {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        self.title = check.name("title", &self.title, 500);
        check.plain("title", &self.title);
        self.description = check.opt_text("description", self.description.as_deref(), 20_000);
        check_outline(&mut check, &mut self.outline);
        check_keywords(&mut check, "target_keywords", &mut self.target_keywords);
        if let Some(w) = self.estimated_word_count {
            check.range("estimated_word_count", w, 1, 100_000);
        }
        check.finish()?;
        Ok(self)
    }
}

/// Changes to an idea.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdeaPatch {
    /// New working title (plain text, 1–500 characters).
    pub title: Option<String>,
    /// New description, or clear it.
    pub description: Option<Option<String>>,
    /// New outline, replacing the old one (at most 100 sections).
    pub outline: Option<Vec<OutlineSection>>,
    /// New kind of page.
    pub content_type: Option<ContentType>,
    /// New article shape.
    pub content_structure: Option<ContentStructure>,
    /// New target keywords, replacing the old list.
    pub target_keywords: Option<Vec<String>>,
    /// New estimate, or clear it.
    pub estimated_word_count: Option<Option<i64>>,
    /// New cluster, or none.
    pub cluster_id: Option<Option<ClusterId>>,
    /// New status (allowed changes only).
    pub status: Option<IdeaStatus>,
}

impl IdeaPatch {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        if let Some(t) = &self.title {
            let t = check.name("title", t, 500);
            check.plain("title", &t);
            self.title = Some(t);
        }
        if let Some(d) = &self.description {
            self.description = Some(check.opt_text("description", d.as_deref(), 20_000));
        }
        if let Some(o) = &mut self.outline {
            check_outline(&mut check, o);
        }
        if let Some(k) = &mut self.target_keywords {
            check_keywords(&mut check, "target_keywords", k);
        }
        if let Some(Some(w)) = self.estimated_word_count {
            check.range("estimated_word_count", w, 1, 100_000);
        }
        check.finish()?;
        Ok(self)
    }
}

/// Filters of the idea list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IdeaFilter {
    /// Only this site.
    pub site_id: Option<SiteId>,
    /// Only this sector.
    pub sector_id: Option<SectorId>,
    /// Only this cluster.
    pub cluster_id: Option<ClusterId>,
    /// Only this status.
    pub status: Option<IdeaStatus>,
    /// Only this page kind.
    pub content_type: Option<ContentType>,
    /// Titles containing this text.
    pub search: Option<String>,
    /// Only these ids.
    pub ids: Option<Vec<IdeaId>>,
}

string_enum! {
    /// Fields the idea list can be ordered by.
    pub enum IdeaSortField {
        /// Creation order.
        Id => "id",
        /// Title.
        Title => "title",
        /// Creation time.
        CreatedAt => "created_at",
    }
}

/// The idea list's ordering.
pub type IdeaSort = Sort<IdeaSortField>;

impl Default for IdeaSort {
    fn default() -> Self {
        Sort {
            field: IdeaSortField::Id,
            descending: true,
        }
    }
}

/// What tasks made from ideas get, beyond what the idea says.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueDefaults {
    /// Target length when the idea has no estimate (default: the account's
    /// `content.word_count`).
    pub target_word_count: Option<i64>,
    /// Author profile for the tasks.
    pub author_profile_id: Option<crate::ids::AuthorProfileId>,
    /// Strategy for the tasks.
    pub strategy_id: Option<crate::ids::StrategyId>,
}
