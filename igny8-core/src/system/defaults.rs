//! An account's settings, typed: what the product takes when a request leaves something out.
//!
//! Everywhere a default applies, the order is the same: the value the request gives, then the
//! object's own (the task's author profile, the image's size, the idea's length), then the
//! account's setting read here, then the built-in default (each setting's own default, which
//! [`Defaults::default`] mirrors).

use serde_json::Value;

use super::settings::{SETTINGS, SettingLevel, StoredSetting};
use crate::ai::ImageBackend;
use crate::ai::functions::{
    DEFAULT_FEATURED_SIZE, DEFAULT_IDEAS, DEFAULT_IN_ARTICLE, DEFAULT_LANGUAGE, DEFAULT_SIZE,
    DEFAULT_STYLE, DEFAULT_TONE,
};
use crate::ids::AuthorProfileId;
use crate::planner::{ContentStructure, ContentType};
use crate::publish::{CategoryPolicy, PostFormat, PostStatus};
use crate::writer::DEFAULT_WORD_COUNT;

/// The effective account settings (`content.*`, `ideas.*`, `images.*`, `publish.*`), typed;
/// read with [`System::defaults`](super::System::defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct Defaults {
    /// `content.word_count`: target words of a new writer task when neither the request nor
    /// its idea gives a length.
    pub word_count: i64,
    /// `content.tone`: the tone Generate Content writes in when neither the request nor the
    /// task's author profile sets one.
    pub tone: String,
    /// `content.language`: the language Generate Content writes in when neither the request
    /// nor the task's author profile sets one; it goes into the prompt as written.
    pub language: String,
    /// `content.structure`: the structure of an idea or task created without one.
    pub structure: ContentStructure,
    /// `content.type`: the page kind of an idea or task created without one.
    pub content_type: ContentType,
    /// `content.author_profile_id`: the author profile Generate Content writes as when the
    /// task names none (`None` for the stored 0). It may name a profile deleted since, which
    /// is then ignored.
    pub author_profile_id: Option<AuthorProfileId>,
    /// `content.internal_links`: the most internal links Generate Content keeps per article.
    pub internal_links: u32,
    /// `content.faq_questions`: how many questions Generate Content answers after an article
    /// (0: none).
    pub faq_questions: u32,
    /// `ideas.per_cluster`: ideas per cluster when a Generate Ideas request doesn't say.
    pub ideas_per_cluster: u32,
    /// `images.enabled`: whether automation rules run their image stages.
    pub images_enabled: bool,
    /// `images.in_article_count`: in-article images per article when a Generate Image Prompts
    /// request doesn't say.
    pub in_article: u32,
    /// `images.provider`: the image provider used when the account has both a Runware and an
    /// OpenAI Images integration active.
    pub image_provider: ImageBackend,
    /// `images.size`: `WIDTHxHEIGHT` of in-article images when neither the request nor the
    /// image says.
    pub image_size: String,
    /// `images.featured_size`: `WIDTHxHEIGHT` of featured images when the request doesn't say
    /// (landscape by default).
    pub featured_image_size: String,
    /// `images.style`: the look of images when a request names none.
    pub image_style: String,
    /// `publish.status`: the status of WordPress posts when publishing doesn't name one
    /// (never `future`, which needs a date).
    pub publish_status: PostStatus,
    /// `publish.format`: how the body of a WordPress post is written.
    pub post_format: PostFormat,
    /// `publish.categories`: whether articles may make new WordPress categories.
    pub categories: CategoryPolicy,
}

impl Default for Defaults {
    /// The built-in defaults: what an account that set nothing gets (each setting's default).
    fn default() -> Self {
        Self {
            word_count: DEFAULT_WORD_COUNT,
            tone: DEFAULT_TONE.to_owned(),
            language: DEFAULT_LANGUAGE.to_owned(),
            structure: ContentStructure::Article,
            content_type: ContentType::Post,
            author_profile_id: None,
            internal_links: 3,
            faq_questions: 0,
            ideas_per_cluster: DEFAULT_IDEAS,
            images_enabled: true,
            in_article: DEFAULT_IN_ARTICLE,
            image_provider: ImageBackend::Runware,
            image_size: format!("{}x{}", DEFAULT_SIZE.0, DEFAULT_SIZE.1),
            featured_image_size: format!("{}x{}", DEFAULT_FEATURED_SIZE.0, DEFAULT_FEATURED_SIZE.1),
            image_style: DEFAULT_STYLE.to_owned(),
            publish_status: PostStatus::Draft,
            post_format: PostFormat::Blocks,
            categories: CategoryPolicy::Match,
        }
    }
}

impl Defaults {
    /// The defaults of an account whose stored account settings are `stored`: each setting's
    /// stored value when it passes the setting's check, else its default (and should even
    /// that not read as the field's type, the built-in one).
    pub(crate) fn from_stored(stored: &[StoredSetting]) -> Self {
        let value = |key: &str| -> Option<Value> {
            let def = SETTINGS
                .iter()
                .find(|d| d.key == key && d.level == SettingLevel::Account)?;
            let found = stored.iter().find(|s| s.key == key && s.user_id.is_none());
            Some(def.effective(found.map(|s| &s.value)))
        };
        let int = |key: &str| value(key).and_then(|v| v.as_i64());
        let text = |key: &str| value(key).and_then(|v| v.as_str().map(str::to_owned));
        let count = |key: &str| int(key).and_then(|n| u32::try_from(n).ok());
        let builtin = Self::default();
        Self {
            word_count: int("content.word_count").unwrap_or(builtin.word_count),
            tone: text("content.tone").unwrap_or(builtin.tone),
            language: text("content.language").unwrap_or(builtin.language),
            structure: text("content.structure")
                .and_then(|s| s.parse().ok())
                .unwrap_or(builtin.structure),
            content_type: text("content.type")
                .and_then(|s| s.parse().ok())
                .unwrap_or(builtin.content_type),
            author_profile_id: match int("content.author_profile_id") {
                Some(id) if id > 0 => Some(AuthorProfileId(id)),
                Some(_) => None,
                None => builtin.author_profile_id,
            },
            internal_links: count("content.internal_links").unwrap_or(builtin.internal_links),
            faq_questions: count("content.faq_questions").unwrap_or(builtin.faq_questions),
            ideas_per_cluster: count("ideas.per_cluster").unwrap_or(builtin.ideas_per_cluster),
            images_enabled: value("images.enabled")
                .and_then(|v| v.as_bool())
                .unwrap_or(builtin.images_enabled),
            in_article: count("images.in_article_count").unwrap_or(builtin.in_article),
            image_provider: match text("images.provider").as_deref() {
                Some("openai") => ImageBackend::OpenAi,
                Some("runware") => ImageBackend::Runware,
                _ => builtin.image_provider,
            },
            image_size: text("images.size").unwrap_or(builtin.image_size),
            featured_image_size: text("images.featured_size")
                .unwrap_or(builtin.featured_image_size),
            image_style: text("images.style").unwrap_or(builtin.image_style),
            publish_status: text("publish.status")
                .and_then(|s| s.parse().ok())
                .filter(|s| *s != PostStatus::Future)
                .unwrap_or(builtin.publish_status),
            post_format: text("publish.format")
                .and_then(|s| s.parse().ok())
                .unwrap_or(builtin.post_format),
            categories: text("publish.categories")
                .and_then(|s| s.parse().ok())
                .unwrap_or(builtin.categories),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;

    use super::*;

    fn stored(key: &str, value: Value) -> StoredSetting {
        StoredSetting {
            user_id: None,
            key: key.into(),
            value,
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn nothing_stored_reads_as_each_settings_default() {
        // The settings' defaults and the built-in ones are the same values.
        let mut read = Defaults::from_stored(&[]);
        assert_eq!(read, Defaults::default());
        // And each default reads as itself, not as the built-in fallback.
        let all: Vec<StoredSetting> = SETTINGS
            .iter()
            .filter(|d| d.level == SettingLevel::Account)
            .map(|d| stored(d.key, (d.default)()))
            .collect();
        read = Defaults::from_stored(&all);
        assert_eq!(read, Defaults::default());
    }

    #[test]
    fn stored_values_are_typed_and_bad_ones_fall_back() {
        let d = Defaults::from_stored(&[
            stored("content.word_count", json!(2200)),
            stored("content.tone", json!("playful")),
            stored("content.structure", json!("how_to")),
            stored("content.type", json!("page")),
            stored("content.author_profile_id", json!(7)),
            stored("ideas.per_cluster", json!(5)),
            stored("images.enabled", json!(false)),
            stored("images.provider", json!("openai")),
            stored("images.size", json!("1536x1024")),
            stored("publish.status", json!("pending")),
        ]);
        assert_eq!(d.word_count, 2200);
        assert_eq!(d.tone, "playful");
        assert_eq!(d.structure, ContentStructure::HowTo);
        assert_eq!(d.content_type, ContentType::Page);
        assert_eq!(d.author_profile_id, Some(AuthorProfileId(7)));
        assert_eq!(d.ideas_per_cluster, 5);
        assert!(!d.images_enabled);
        assert_eq!(d.image_provider, ImageBackend::OpenAi);
        assert_eq!(d.image_size, "1536x1024");
        assert_eq!(d.publish_status, PostStatus::Pending);

        // Values the settings no longer accept (a wider range, a dropped choice, a wrong
        // type) read as the default.
        let d = Defaults::from_stored(&[
            stored("ideas.per_cluster", json!(20)),
            stored("publish.status", json!("future")),
            stored("images.size", json!("huge")),
            stored("images.enabled", json!("yes")),
            stored("content.author_profile_id", json!(0)),
        ]);
        assert_eq!(d.ideas_per_cluster, DEFAULT_IDEAS);
        assert_eq!(d.publish_status, PostStatus::Draft);
        assert_eq!(d.image_size, "1024x1024");
        assert!(d.images_enabled);
        assert_eq!(d.author_profile_id, None);
    }
}
