//! Tasks, content and images on the wire.

use igny8_core::writer as w;
use igny8_core::{AuthorProfileId, ClusterId, ContentId, IdeaId, SectorId, StrategyId, TaskId};
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;

use super::tenancy::patch;
use super::{E, Time};
use igny8_core::planner as p;

/// A writer task.
#[derive(Debug, Object)]
pub struct Task {
    /// Id.
    pub id: i64,
    /// Site.
    pub site_id: i64,
    /// Sector.
    pub sector_id: i64,
    /// Idea.
    #[oai(nullable)]
    pub idea_id: Option<i64>,
    /// Cluster.
    #[oai(nullable)]
    pub cluster_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Brief.
    #[oai(nullable)]
    pub brief: Option<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Page kind.
    pub content_type: E<p::ContentType>,
    /// Structure.
    pub content_structure: E<p::ContentStructure>,
    /// Target words.
    pub target_word_count: i64,
    /// Author profile.
    #[oai(nullable)]
    pub author_profile_id: Option<i64>,
    /// Strategy.
    #[oai(nullable)]
    pub strategy_id: Option<i64>,
    /// Status.
    pub status: E<w::TaskStatus>,
    /// Publish time.
    #[oai(nullable)]
    pub scheduled_at: Option<Time>,
    /// Created.
    pub created_at: Time,
    /// Changed.
    pub updated_at: Time,
}

impl From<w::Task> for Task {
    fn from(t: w::Task) -> Self {
        Self {
            id: t.id.get(),
            site_id: t.site_id.get(),
            sector_id: t.sector_id.get(),
            idea_id: t.idea_id.map(|v| v.get()),
            cluster_id: t.cluster_id.map(|v| v.get()),
            title: t.title,
            brief: t.brief,
            keywords: t.keywords,
            content_type: E(t.content_type),
            content_structure: E(t.content_structure),
            target_word_count: t.target_word_count,
            author_profile_id: t.author_profile_id.map(|v| v.get()),
            strategy_id: t.strategy_id.map(|v| v.get()),
            status: E(t.status),
            scheduled_at: t.scheduled_at,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A new task.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewTask {
    /// Sector.
    pub sector_id: i64,
    /// Idea.
    #[oai(nullable)]
    pub idea_id: Option<i64>,
    /// Cluster.
    #[oai(nullable)]
    pub cluster_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Brief.
    #[oai(nullable)]
    pub brief: Option<String>,
    /// Keywords.
    #[oai(default)]
    pub keywords: Vec<String>,
    /// Page kind.
    #[oai(nullable)]
    pub content_type: Option<E<p::ContentType>>,
    /// Structure.
    #[oai(nullable)]
    pub content_structure: Option<E<p::ContentStructure>>,
    /// Target words (100–20,000; default 1500).
    #[oai(nullable)]
    pub target_word_count: Option<i64>,
    /// Author profile.
    #[oai(nullable)]
    pub author_profile_id: Option<i64>,
    /// Strategy.
    #[oai(nullable)]
    pub strategy_id: Option<i64>,
    /// Publish time.
    #[oai(nullable)]
    pub scheduled_at: Option<Time>,
}

impl From<NewTask> for w::NewTask {
    fn from(t: NewTask) -> Self {
        Self {
            sector_id: SectorId(t.sector_id),
            idea_id: t.idea_id.map(IdeaId),
            cluster_id: t.cluster_id.map(ClusterId),
            title: t.title,
            brief: t.brief,
            keywords: t.keywords,
            content_type: t.content_type.map(|v| v.0),
            content_structure: t.content_structure.map(|v| v.0),
            target_word_count: t.target_word_count,
            author_profile_id: t.author_profile_id.map(AuthorProfileId),
            strategy_id: t.strategy_id.map(StrategyId),
            scheduled_at: t.scheduled_at,
        }
    }
}

/// Changes to a task.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct TaskPatch {
    /// New title.
    #[oai(nullable)]
    pub title: Option<String>,
    /// New brief, or null.
    #[oai(nullable)]
    pub brief: MaybeUndefined<String>,
    /// New keywords.
    #[oai(nullable)]
    pub keywords: Option<Vec<String>>,
    /// New page kind.
    #[oai(nullable)]
    pub content_type: Option<E<p::ContentType>>,
    /// New structure.
    #[oai(nullable)]
    pub content_structure: Option<E<p::ContentStructure>>,
    /// New target words.
    #[oai(nullable)]
    pub target_word_count: Option<i64>,
    /// New author profile, or null.
    #[oai(nullable)]
    pub author_profile_id: MaybeUndefined<i64>,
    /// New strategy, or null.
    #[oai(nullable)]
    pub strategy_id: MaybeUndefined<i64>,
    /// New status.
    #[oai(nullable)]
    pub status: Option<E<w::TaskStatus>>,
    /// New publish time, or null.
    #[oai(nullable)]
    pub scheduled_at: MaybeUndefined<Time>,
}

impl From<TaskPatch> for w::TaskPatch {
    fn from(t: TaskPatch) -> Self {
        Self {
            title: t.title,
            brief: patch(t.brief, |v| v),
            keywords: t.keywords,
            content_type: t.content_type.map(|v| v.0),
            content_structure: t.content_structure.map(|v| v.0),
            target_word_count: t.target_word_count,
            author_profile_id: patch(t.author_profile_id, AuthorProfileId),
            strategy_id: patch(t.strategy_id, StrategyId),
            status: t.status.map(|v| v.0),
            scheduled_at: patch(t.scheduled_at, |v| v),
        }
    }
}

/// A written piece.
#[derive(Debug, Object)]
pub struct Content {
    /// Id.
    pub id: i64,
    /// Site.
    pub site_id: i64,
    /// Sector.
    pub sector_id: i64,
    /// Task.
    #[oai(nullable)]
    pub task_id: Option<i64>,
    /// Title.
    pub title: String,
    /// HTML body.
    pub html: String,
    /// SEO title.
    #[oai(nullable)]
    pub meta_title: Option<String>,
    /// SEO description.
    #[oai(nullable)]
    pub meta_description: Option<String>,
    /// Main keyword.
    #[oai(nullable)]
    pub primary_keyword: Option<String>,
    /// Other keywords.
    pub secondary_keywords: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Categories.
    pub categories: Vec<String>,
    /// Words.
    pub word_count: i64,
    /// Status.
    pub status: E<w::ContentStatus>,
    /// WordPress post id.
    #[oai(nullable)]
    pub wp_post_id: Option<i64>,
    /// WordPress URL.
    #[oai(nullable)]
    pub wp_url: Option<String>,
    /// Published.
    #[oai(nullable)]
    pub published_at: Option<Time>,
    /// Created.
    pub created_at: Time,
    /// Changed.
    pub updated_at: Time,
}

impl From<w::Content> for Content {
    fn from(c: w::Content) -> Self {
        Self {
            id: c.id.get(),
            site_id: c.site_id.get(),
            sector_id: c.sector_id.get(),
            task_id: c.task_id.map(|v| v.get()),
            title: c.title,
            html: c.html,
            meta_title: c.meta_title,
            meta_description: c.meta_description,
            primary_keyword: c.primary_keyword,
            secondary_keywords: c.secondary_keywords,
            tags: c.tags,
            categories: c.categories,
            word_count: c.word_count,
            status: E(c.status),
            wp_post_id: c.wp_post_id,
            wp_url: c.wp_url,
            published_at: c.published_at,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// New content.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewContent {
    /// Sector.
    pub sector_id: i64,
    /// Task.
    #[oai(nullable)]
    pub task_id: Option<i64>,
    /// Title.
    pub title: String,
    /// HTML body.
    #[oai(default)]
    pub html: String,
    /// SEO title.
    #[oai(nullable)]
    pub meta_title: Option<String>,
    /// SEO description.
    #[oai(nullable)]
    pub meta_description: Option<String>,
    /// Main keyword.
    #[oai(nullable)]
    pub primary_keyword: Option<String>,
    /// Other keywords.
    #[oai(default)]
    pub secondary_keywords: Vec<String>,
    /// Tags.
    #[oai(default)]
    pub tags: Vec<String>,
    /// Categories.
    #[oai(default)]
    pub categories: Vec<String>,
}

impl From<NewContent> for w::NewContent {
    fn from(c: NewContent) -> Self {
        Self {
            sector_id: SectorId(c.sector_id),
            task_id: c.task_id.map(TaskId),
            title: c.title,
            html: c.html,
            meta_title: c.meta_title,
            meta_description: c.meta_description,
            primary_keyword: c.primary_keyword,
            secondary_keywords: c.secondary_keywords,
            tags: c.tags,
            categories: c.categories,
        }
    }
}

/// Changes to content.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ContentPatch {
    /// New title.
    #[oai(nullable)]
    pub title: Option<String>,
    /// New body.
    #[oai(nullable)]
    pub html: Option<String>,
    /// New SEO title, or null.
    #[oai(nullable)]
    pub meta_title: MaybeUndefined<String>,
    /// New SEO description, or null.
    #[oai(nullable)]
    pub meta_description: MaybeUndefined<String>,
    /// New main keyword, or null.
    #[oai(nullable)]
    pub primary_keyword: MaybeUndefined<String>,
    /// New other keywords.
    #[oai(nullable)]
    pub secondary_keywords: Option<Vec<String>>,
    /// New tags.
    #[oai(nullable)]
    pub tags: Option<Vec<String>>,
    /// New categories.
    #[oai(nullable)]
    pub categories: Option<Vec<String>>,
    /// New status.
    #[oai(nullable)]
    pub status: Option<E<w::ContentStatus>>,
    /// The WordPress post it lives in, when it was sent there by other means than
    /// `publish/` (e.g. by the WordPress plugin), or null.
    #[oai(nullable)]
    pub wp_post_id: MaybeUndefined<i64>,
    /// That post's URL, or null.
    #[oai(nullable)]
    pub wp_url: MaybeUndefined<String>,
    /// When it was (or will be) published, or null.
    #[oai(nullable)]
    pub published_at: MaybeUndefined<Time>,
}

impl From<ContentPatch> for w::ContentPatch {
    fn from(c: ContentPatch) -> Self {
        Self {
            title: c.title,
            html: c.html,
            meta_title: patch(c.meta_title, |v| v),
            meta_description: patch(c.meta_description, |v| v),
            primary_keyword: patch(c.primary_keyword, |v| v),
            secondary_keywords: c.secondary_keywords,
            tags: c.tags,
            categories: c.categories,
            status: c.status.map(|v| v.0),
            wp_post_id: patch(c.wp_post_id, |v| v),
            wp_url: patch(c.wp_url, |v| v),
            published_at: patch(c.published_at, |v| v),
        }
    }
}

/// An image.
#[derive(Debug, Object)]
pub struct Image {
    /// Id.
    pub id: i64,
    /// Site.
    pub site_id: i64,
    /// Sector.
    pub sector_id: i64,
    /// Content.
    #[oai(nullable)]
    pub content_id: Option<i64>,
    /// Task.
    #[oai(nullable)]
    pub task_id: Option<i64>,
    /// Featured or in-article.
    pub kind: E<w::ImageKind>,
    /// Order.
    pub position: i64,
    /// Prompt.
    pub prompt: String,
    /// Negative prompt.
    #[oai(nullable)]
    pub negative_prompt: Option<String>,
    /// Provider.
    #[oai(nullable)]
    pub provider: Option<String>,
    /// Model.
    #[oai(nullable)]
    pub model: Option<String>,
    /// Size.
    #[oai(nullable)]
    pub size: Option<String>,
    /// URL (null for an image stored as a file: read it at `writer/images/{id}/file/`).
    #[oai(nullable)]
    pub url: Option<String>,
    /// Whether the image is stored as a file, served at `writer/images/{id}/file/`.
    pub has_file: bool,
    /// Alt text.
    #[oai(nullable)]
    pub alt_text: Option<String>,
    /// Status.
    pub status: E<w::ImageStatus>,
    /// Why rendering failed.
    #[oai(nullable)]
    pub error: Option<String>,
    /// Created.
    pub created_at: Time,
    /// Changed.
    pub updated_at: Time,
}

impl From<w::Image> for Image {
    fn from(i: w::Image) -> Self {
        Self {
            id: i.id.get(),
            site_id: i.site_id.get(),
            sector_id: i.sector_id.get(),
            content_id: i.content_id.map(|v| v.get()),
            task_id: i.task_id.map(|v| v.get()),
            kind: E(i.kind),
            position: i.position,
            prompt: i.prompt,
            negative_prompt: i.negative_prompt,
            provider: i.provider,
            model: i.model,
            size: i.size,
            url: i.url,
            has_file: i.file_path.is_some(),
            alt_text: i.alt_text,
            status: E(i.status),
            error: i.error,
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

/// A new image.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewImage {
    /// Sector.
    pub sector_id: i64,
    /// Content.
    #[oai(nullable)]
    pub content_id: Option<i64>,
    /// Task.
    #[oai(nullable)]
    pub task_id: Option<i64>,
    /// Featured or in-article.
    pub kind: E<w::ImageKind>,
    /// Order.
    #[oai(default)]
    pub position: i64,
    /// Prompt.
    pub prompt: String,
    /// Negative prompt.
    #[oai(nullable)]
    pub negative_prompt: Option<String>,
    /// Size, e.g. 1024x1024.
    #[oai(nullable)]
    pub size: Option<String>,
    /// Alt text.
    #[oai(nullable)]
    pub alt_text: Option<String>,
}

impl From<NewImage> for w::NewImage {
    fn from(i: NewImage) -> Self {
        Self {
            sector_id: SectorId(i.sector_id),
            content_id: i.content_id.map(ContentId),
            task_id: i.task_id.map(TaskId),
            kind: i.kind.0,
            position: i.position,
            prompt: i.prompt,
            negative_prompt: i.negative_prompt,
            size: i.size,
            alt_text: i.alt_text,
        }
    }
}

/// Changes to an image.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ImagePatch {
    /// New prompt.
    #[oai(nullable)]
    pub prompt: Option<String>,
    /// New negative prompt, or null.
    #[oai(nullable)]
    pub negative_prompt: MaybeUndefined<String>,
    /// New size, or null.
    #[oai(nullable)]
    pub size: MaybeUndefined<String>,
    /// New alt text, or null.
    #[oai(nullable)]
    pub alt_text: MaybeUndefined<String>,
    /// New order.
    #[oai(nullable)]
    pub position: Option<i64>,
    /// New status.
    #[oai(nullable)]
    pub status: Option<E<w::ImageStatus>>,
    /// An image of your own on the web (http or https), or null to clear it.
    pub url: MaybeUndefined<String>,
}

impl From<ImagePatch> for w::ImagePatch {
    fn from(i: ImagePatch) -> Self {
        Self {
            prompt: i.prompt,
            negative_prompt: patch(i.negative_prompt, |v| v),
            size: patch(i.size, |v| v),
            alt_text: patch(i.alt_text, |v| v),
            position: i.position,
            status: i.status.map(|v| v.0),
            url: patch(i.url, |v| v),
            ..Self::default()
        }
    }
}
