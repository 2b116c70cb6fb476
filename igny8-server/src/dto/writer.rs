//! Tasks, content and images on the wire.

use igny8_core::writer as w;
use igny8_core::{AuthorProfileId, ClusterId, ContentId, IdeaId, SectorId, StrategyId, TaskId};
use poem_openapi::Object;
use poem_openapi::payload::Binary;
use poem_openapi::types::MaybeUndefined;

use super::patch;
use super::{E, Time};
use igny8_core::planner as p;

/// A writer task.
#[derive(Debug, Object)]
pub struct Task {
    /// The task's id (task id space).
    pub id: i64,
    /// The site the task belongs to, taken from its sector.
    pub site_id: i64,
    /// The sector the task belongs to.
    pub sector_id: i64,
    /// The idea the task was made from, or null for a task created directly.
    #[oai(nullable)]
    pub idea_id: Option<i64>,
    /// The keyword cluster the task serves, or null.
    #[oai(nullable)]
    pub cluster_id: Option<i64>,
    /// The working title (plain text, 1–500 characters).
    pub title: String,
    /// Instructions for the writer (up to 20,000 characters), or null.
    #[oai(nullable)]
    pub brief: Option<String>,
    /// Keywords the article should target (at most 200, each at most 255 characters).
    pub keywords: Vec<String>,
    /// The kind of page to write (post, page, product, …).
    pub content_type: E<p::ContentType>,
    /// The article's shape (article, guide, listicle, …).
    pub content_structure: E<p::ContentStructure>,
    /// The length to aim for, in words (100–20,000).
    pub target_word_count: i64,
    /// The author profile whose voice the writer uses, or null for none.
    #[oai(nullable)]
    pub author_profile_id: Option<i64>,
    /// The content strategy the writer follows, or null for none.
    #[oai(nullable)]
    pub strategy_id: Option<i64>,
    /// `queued` → `in_progress` → `done` or `failed`; `in_progress`, `done` and `failed` can go
    /// back to `queued`.
    pub status: E<w::TaskStatus>,
    /// When you want the result published. Stored for your own planning; IGNY8 does not publish on
    /// this time by itself. Null: not scheduled.
    #[oai(nullable)]
    pub scheduled_at: Option<Time>,
    /// When the task was created.
    pub created_at: Time,
    /// When the task last changed.
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
    /// The sector to put the task in (its site follows from it).
    pub sector_id: i64,
    /// The idea the task comes from (must be in the same sector), or null.
    #[oai(nullable)]
    pub idea_id: Option<i64>,
    /// The cluster the task serves (must be in the same sector), or null.
    #[oai(nullable)]
    pub cluster_id: Option<i64>,
    /// The working title: plain text, 1–500 characters after trimming and collapsing whitespace.
    pub title: String,
    /// Instructions for the writer, at most 20,000 characters; empty or null stores none.
    #[oai(nullable)]
    pub brief: Option<String>,
    /// Keywords to target: at most 200, each at most 255 characters; blank entries are dropped.
    #[oai(default)]
    pub keywords: Vec<String>,
    /// The kind of page; null means the account's `content.type` setting.
    #[oai(nullable)]
    pub content_type: Option<E<p::ContentType>>,
    /// The article's shape; null means the account's `content.structure` setting.
    #[oai(nullable)]
    pub content_structure: Option<E<p::ContentStructure>>,
    /// Target words (100–20,000; default: the account's `content.word_count` setting).
    #[oai(nullable)]
    pub target_word_count: Option<i64>,
    /// An author profile of this account to write as, or null.
    #[oai(nullable)]
    pub author_profile_id: Option<i64>,
    /// A strategy of this account to follow, or null.
    #[oai(nullable)]
    pub strategy_id: Option<i64>,
    /// When you want the result published (stored only; nothing publishes on it), or null.
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
    /// New working title (plain text, 1–500 characters); absent or null keeps it.
    #[oai(nullable)]
    pub title: Option<String>,
    /// New brief (at most 20,000 characters); null removes it, absent keeps it.
    #[oai(nullable)]
    pub brief: MaybeUndefined<String>,
    /// New keyword list, replacing the old one (at most 200, each at most 255 characters).
    #[oai(nullable)]
    pub keywords: Option<Vec<String>>,
    /// New page kind; absent or null keeps it.
    #[oai(nullable)]
    pub content_type: Option<E<p::ContentType>>,
    /// New article shape; absent or null keeps it.
    #[oai(nullable)]
    pub content_structure: Option<E<p::ContentStructure>>,
    /// New target length in words (100–20,000).
    #[oai(nullable)]
    pub target_word_count: Option<i64>,
    /// New author profile; null removes it, absent keeps it.
    #[oai(nullable)]
    pub author_profile_id: MaybeUndefined<i64>,
    /// New strategy; null removes it, absent keeps it.
    #[oai(nullable)]
    pub strategy_id: MaybeUndefined<i64>,
    /// New status; only the changes listed on `Task.status` are allowed, others are a validation
    /// error on `status`.
    #[oai(nullable)]
    pub status: Option<E<w::TaskStatus>>,
    /// New publish time; null removes it, absent keeps it.
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
    /// The content's id (content id space).
    pub id: i64,
    /// The site the content belongs to.
    pub site_id: i64,
    /// The sector the content belongs to.
    pub sector_id: i64,
    /// The writer task it was written for, or null for content created directly.
    #[oai(nullable)]
    pub task_id: Option<i64>,
    /// The title (plain text, never markup; 1–500 characters).
    pub title: String,
    /// The HTML body, sanitised on every write (allow-listed elements and attributes, http(s)
    /// or relative URLs only); at most 2 MiB.
    pub html: String,
    /// The SEO title (plain text, at most 300 characters), or null.
    #[oai(nullable)]
    pub meta_title: Option<String>,
    /// The SEO description (plain text, at most 1000 characters), or null.
    #[oai(nullable)]
    pub meta_description: Option<String>,
    /// The main keyword (at most 255 characters), or null.
    #[oai(nullable)]
    pub primary_keyword: Option<String>,
    /// Further keywords (at most 100, each at most 200 characters, no duplicates ignoring case).
    pub secondary_keywords: Vec<String>,
    /// WordPress tags to publish with (plain text; at most 50, each at most 200 characters).
    pub tags: Vec<String>,
    /// WordPress categories to publish with (plain text; at most 20, each at most 200 characters).
    pub categories: Vec<String>,
    /// Questions readers ask, answered after the article (published as a heading with a
    /// subheading and paragraph per question, and as the post meta `_igny8_faq`), or null.
    #[oai(nullable)]
    pub faq: Option<Faq>,
    /// Words in the body, counted from the HTML's text on every write.
    pub word_count: i64,
    /// `draft` ⇄ `review`; `draft` or `review` → `published`; `published` → `draft` (unpublished).
    pub status: E<w::ContentStatus>,
    /// The WordPress post this content was published as, or null while it has none.
    #[oai(nullable)]
    pub wp_post_id: Option<i64>,
    /// That post's URL, or null.
    #[oai(nullable)]
    pub wp_url: Option<String>,
    /// When it was (or is scheduled to be) published, or null.
    #[oai(nullable)]
    pub published_at: Option<Time>,
    /// When the content was created.
    pub created_at: Time,
    /// When the content last changed.
    pub updated_at: Time,
    /// The SEO score, 0–100: the weights of the checks it passes.
    pub score: i64,
    /// The SEO checks (docs/content-quality.md): keyword placement, meta lengths, keyword
    /// density, headings, length, readability, alt text, links.
    pub checks: Vec<SeoCheck>,
}

/// One SEO check of a content.
#[derive(Debug, Object)]
pub struct SeoCheck {
    /// Which check: `keyword_in_title`, `keyword_in_introduction`, `keyword_in_subheading`,
    /// `keyword_in_slug`, `meta_title_length`, `meta_description_length`, `keyword_density`,
    /// `heading_levels`, `unique_subheadings`, `length`, `readability`, `image_alt_text`,
    /// `internal_links`, `external_links`.
    pub id: String,
    /// Whether the content passes it.
    pub passed: bool,
    /// What was measured, in words (e.g. `72 characters`, `1.3%`).
    pub value: String,
    /// What to change, in plain words (empty when it passed).
    pub hint: String,
    /// What it adds to the score when it passes.
    pub weight: i64,
}

/// A content as an editor holds it now, to check without saving: each field given replaces
/// the stored one.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ContentDraft {
    /// The title.
    pub title: Option<String>,
    /// The body (HTML; WordPress block comments are fine), at most 2 MiB.
    pub html: Option<String>,
    /// The SEO title.
    pub meta_title: Option<String>,
    /// The SEO description.
    pub meta_description: Option<String>,
    /// The post's slug; without it, the one publishing makes from the title.
    pub slug: Option<String>,
}

impl From<ContentDraft> for w::Draft {
    fn from(d: ContentDraft) -> Self {
        Self {
            title: d.title,
            html: d.html,
            meta_title: d.meta_title,
            meta_description: d.meta_description,
            slug: d.slug,
        }
    }
}

/// The SEO checks of a draft.
#[derive(Debug, Object)]
pub struct SeoReport {
    /// The SEO score, 0–100: the weights of the checks it passes.
    pub score: i64,
    /// The checks, as a content's `checks`.
    pub checks: Vec<SeoCheck>,
}

impl From<w::seo::SeoReport> for SeoReport {
    fn from(report: w::seo::SeoReport) -> Self {
        Self {
            score: i64::from(report.score),
            checks: report.checks.into_iter().map(SeoCheck::from).collect(),
        }
    }
}

impl From<w::seo::SeoCheck> for SeoCheck {
    fn from(k: w::seo::SeoCheck) -> Self {
        Self {
            id: k.id,
            passed: k.passed,
            value: k.value,
            hint: k.hint,
            weight: i64::from(k.weight),
        }
    }
}

impl From<(w::Content, w::seo::SeoReport)> for Content {
    fn from((c, report): (w::Content, w::seo::SeoReport)) -> Self {
        Self {
            score: i64::from(report.score),
            checks: report.checks.into_iter().map(SeoCheck::from).collect(),
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
            faq: c.faq.map(Into::into),
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
    /// The sector to put the content in (its site follows from it).
    pub sector_id: i64,
    /// The writer task it belongs to (same sector), or null.
    #[oai(nullable)]
    pub task_id: Option<i64>,
    /// The title: plain text, 1–500 characters after trimming and collapsing whitespace.
    pub title: String,
    /// The HTML body, at most 2 MiB; sanitised before it is stored, and its words counted. New
    /// content starts as a `draft`.
    #[oai(default)]
    pub html: String,
    /// The SEO title: plain text, at most 300 characters; empty or null stores none.
    #[oai(nullable)]
    pub meta_title: Option<String>,
    /// The SEO description: plain text, at most 1000 characters; empty or null stores none.
    #[oai(nullable)]
    pub meta_description: Option<String>,
    /// The main keyword, at most 255 characters; empty or null stores none.
    #[oai(nullable)]
    pub primary_keyword: Option<String>,
    /// Further keywords: at most 100, each at most 200 characters; blanks and duplicates (ignoring
    /// case) are dropped.
    #[oai(default)]
    pub secondary_keywords: Vec<String>,
    /// WordPress tags: plain text, at most 50, each at most 200 characters; blanks and duplicates
    /// are dropped.
    #[oai(default)]
    pub tags: Vec<String>,
    /// WordPress categories: plain text, at most 20, each at most 200 characters; blanks and
    /// duplicates are dropped.
    #[oai(default)]
    pub categories: Vec<String>,
    /// Questions and answers after the article (at most 10), or null for none.
    #[oai(nullable)]
    pub faq: Option<Faq>,
}

/// Questions readers ask, answered after the article.
#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct Faq {
    /// The section's heading (plain text, 1–200 characters), e.g. "Frequently asked
    /// questions" in the article's language.
    pub heading: String,
    /// The questions in order: at most 10; none removes the section.
    pub questions: Vec<FaqEntry>,
}

/// A question and its answer.
#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct FaqEntry {
    /// The question (plain text, 1–300 characters).
    pub question: String,
    /// The answer (plain text, 1–2000 characters).
    pub answer: String,
}

impl From<w::Faq> for Faq {
    fn from(f: w::Faq) -> Self {
        Self {
            heading: f.heading,
            questions: f
                .questions
                .into_iter()
                .map(|q| FaqEntry {
                    question: q.question,
                    answer: q.answer,
                })
                .collect(),
        }
    }
}

impl From<Faq> for w::Faq {
    fn from(f: Faq) -> Self {
        Self {
            heading: f.heading,
            questions: f
                .questions
                .into_iter()
                .map(|q| w::FaqEntry {
                    question: q.question,
                    answer: q.answer,
                })
                .collect(),
        }
    }
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
            faq: c.faq.map(Into::into),
        }
    }
}

/// Changes to content.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ContentPatch {
    /// New title (plain text, 1–500 characters); can't be changed in a bulk update.
    #[oai(nullable)]
    pub title: Option<String>,
    /// New HTML body (at most 2 MiB, sanitised, words recounted); can't be changed in a bulk
    /// update.
    #[oai(nullable)]
    pub html: Option<String>,
    /// New SEO title (plain text, at most 300 characters); null removes it, absent keeps it.
    #[oai(nullable)]
    pub meta_title: MaybeUndefined<String>,
    /// New SEO description (plain text, at most 1000 characters); null removes it, absent keeps it.
    #[oai(nullable)]
    pub meta_description: MaybeUndefined<String>,
    /// New main keyword (at most 255 characters); null removes it, absent keeps it.
    #[oai(nullable)]
    pub primary_keyword: MaybeUndefined<String>,
    /// New further keywords, replacing the old list (at most 100, each at most 200 characters).
    #[oai(nullable)]
    pub secondary_keywords: Option<Vec<String>>,
    /// New tags, replacing the old list (plain text; at most 50, each at most 200 characters).
    #[oai(nullable)]
    pub tags: Option<Vec<String>>,
    /// New categories, replacing the old list (plain text; at most 20, each at most 200
    /// characters).
    #[oai(nullable)]
    pub categories: Option<Vec<String>>,
    /// New questions and answers, replacing the old ones; null (or no questions) removes them,
    /// absent keeps them.
    #[oai(nullable)]
    pub faq: MaybeUndefined<Faq>,
    /// New status; only the changes listed on `Content.status` are allowed, others are a validation
    /// error on `status`.
    #[oai(nullable)]
    pub status: Option<E<w::ContentStatus>>,
    /// The WordPress post it lives in (a positive number), when it was sent there by other means
    /// than `publish/` (e.g. by the WordPress plugin), or null to forget it.
    #[oai(nullable)]
    pub wp_post_id: MaybeUndefined<i64>,
    /// That post's URL (http or https, at most 2000 characters), or null.
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
            faq: patch(c.faq, Into::into),
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
    /// The image's id (image id space).
    pub id: i64,
    /// The site the image belongs to.
    pub site_id: i64,
    /// The sector the image belongs to.
    pub sector_id: i64,
    /// The content it illustrates, or null.
    #[oai(nullable)]
    pub content_id: Option<i64>,
    /// The writer task it was made for, or null.
    #[oai(nullable)]
    pub task_id: Option<i64>,
    /// Featured or in-article.
    pub kind: E<w::ImageKind>,
    /// Its place among the article's in-article images, 0–100 (0 for a featured image).
    pub position: i64,
    /// The prompt the image is (or will be) rendered from (at most 4000 characters).
    pub prompt: String,
    /// What the image should not show (at most 2000 characters), or null.
    #[oai(nullable)]
    pub negative_prompt: Option<String>,
    /// The AI provider that rendered it (e.g. `openai`, `runware`), or null before rendering or for
    /// your own image.
    #[oai(nullable)]
    pub provider: Option<String>,
    /// The model that rendered it, or null.
    #[oai(nullable)]
    pub model: Option<String>,
    /// The size as `WIDTHxHEIGHT` in pixels (64–4096 a side), or null for the provider's default.
    #[oai(nullable)]
    pub size: Option<String>,
    /// URL (null for an image stored as a file: read it at `writer/images/{id}/file/`).
    #[oai(nullable)]
    pub url: Option<String>,
    /// Whether the image is stored as a file, served at `writer/images/{id}/file/`.
    pub has_file: bool,
    /// Alt text (plain text, at most 500 characters), or null.
    #[oai(nullable)]
    pub alt_text: Option<String>,
    /// `pending` → `generating` → `generated` or `failed`; `generating`, `generated` and `failed`
    /// can go back to `pending`.
    pub status: E<w::ImageStatus>,
    /// Why rendering failed (set with `failed`), or null.
    #[oai(nullable)]
    pub error: Option<String>,
    /// When the image was created.
    pub created_at: Time,
    /// When the image last changed.
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
    /// The sector to put the image in (its site follows from it).
    pub sector_id: i64,
    /// The content it illustrates (same sector), or null.
    #[oai(nullable)]
    pub content_id: Option<i64>,
    /// The writer task it belongs to (same sector), or null.
    #[oai(nullable)]
    pub task_id: Option<i64>,
    /// Featured or in-article.
    pub kind: E<w::ImageKind>,
    /// Its place among the in-article images, 0–100 (default 0).
    #[oai(default)]
    pub position: i64,
    /// The prompt to render from, at most 4000 characters. New images start `pending`.
    pub prompt: String,
    /// What the image should not show, at most 2000 characters, or null.
    #[oai(nullable)]
    pub negative_prompt: Option<String>,
    /// The size as `WIDTHxHEIGHT`, e.g. `1024x1024` (64–4096 pixels a side), or null for the
    /// provider's default.
    #[oai(nullable)]
    pub size: Option<String>,
    /// Alt text: plain text, at most 500 characters, or null.
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
    /// New prompt (at most 4000 characters).
    #[oai(nullable)]
    pub prompt: Option<String>,
    /// New negative prompt (at most 2000 characters); null removes it, absent keeps it.
    #[oai(nullable)]
    pub negative_prompt: MaybeUndefined<String>,
    /// New size as `WIDTHxHEIGHT` (64–4096 pixels a side); null removes it, absent keeps it.
    #[oai(nullable)]
    pub size: MaybeUndefined<String>,
    /// New alt text (plain text, at most 500 characters); null removes it, absent keeps it.
    #[oai(nullable)]
    pub alt_text: MaybeUndefined<String>,
    /// New place among the in-article images, 0–100.
    #[oai(nullable)]
    pub position: Option<i64>,
    /// New status; only the changes listed on `Image.status` are allowed, others are a validation
    /// error on `status`.
    #[oai(nullable)]
    pub status: Option<E<w::ImageStatus>>,
    /// An image of your own on the web (http or https, at most 2000 characters), or null to clear
    /// it.
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

/// An image file.
#[derive(poem_openapi::ApiResponse)]
pub enum ImageFile {
    /// A PNG.
    #[oai(status = 200, content_type = "image/png")]
    Png(Binary<Vec<u8>>),
    /// A JPEG.
    #[oai(status = 200, content_type = "image/jpeg")]
    Jpeg(Binary<Vec<u8>>),
    /// A WebP.
    #[oai(status = 200, content_type = "image/webp")]
    Webp(Binary<Vec<u8>>),
}

/// Task changes for many tasks.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct TaskBulkUpdate {
    /// The tasks to change: 1–10,000 ids; ids of other accounts are ignored.
    pub ids: Vec<i64>,
    /// New status (tasks that can't make the change are skipped).
    #[oai(nullable)]
    pub status: Option<E<w::TaskStatus>>,
    /// New target length in words (100–20,000).
    #[oai(nullable)]
    pub target_word_count: Option<i64>,
    /// New author profile; null removes it, absent keeps it.
    #[oai(nullable)]
    pub author_profile_id: MaybeUndefined<i64>,
    /// New strategy; null removes it, absent keeps it.
    #[oai(nullable)]
    pub strategy_id: MaybeUndefined<i64>,
}

/// Content changes for many pieces.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ContentBulkUpdate {
    /// The content to change: 1–10,000 ids; ids of other accounts are ignored.
    pub ids: Vec<i64>,
    /// New status (content that can't make the change is skipped).
    #[oai(nullable)]
    pub status: Option<E<w::ContentStatus>>,
    /// New tags for all of them, replacing the old lists (plain text; at most 50, each at most 200
    /// characters).
    #[oai(nullable)]
    pub tags: Option<Vec<String>>,
    /// New categories for all of them, replacing the old lists (plain text; at most 20, each at
    /// most 200 characters).
    #[oai(nullable)]
    pub categories: Option<Vec<String>>,
}

/// Image changes for many images.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ImageBulkUpdate {
    /// The images to change: 1–10,000 ids; ids of other accounts are ignored.
    pub ids: Vec<i64>,
    /// New status (images that can't make the change are skipped).
    #[oai(nullable)]
    pub status: Option<E<w::ImageStatus>>,
    /// New size as `WIDTHxHEIGHT` (64–4096 pixels a side); null removes it, absent keeps it.
    #[oai(nullable)]
    pub size: MaybeUndefined<String>,
}

/// Content just created, with what it competes with on its site.
#[derive(Debug, Object)]
pub struct CreatedContent {
    /// The content.
    #[oai(flatten)]
    pub content: Content,
    /// What it competes with on its site (docs/content-quality.md, "No cannibalisation"): the
    /// site's other articles, new ideas, and WordPress posts and pages; `a` of each pair is
    /// this content. Reported, not refused; empty when nothing competes.
    pub conflicts: Vec<super::planner::Overlap>,
}
