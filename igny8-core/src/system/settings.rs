//! Typed settings, per account and per user: every key is known, with a type and a default.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ai::functions::{
    DEFAULT_FEATURED_SIZE, DEFAULT_IDEAS, DEFAULT_IN_ARTICLE, DEFAULT_LANGUAGE, DEFAULT_SIZE,
    DEFAULT_STYLE, DEFAULT_TONE, MAX_IDEAS, MAX_IN_ARTICLE,
};
use crate::error::{Error, Result};
use crate::ids::*;
use crate::writer::{DEFAULT_WORD_COUNT, MAX_WORD_COUNT, MIN_WORD_COUNT};

/// The type of a setting's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SettingType {
    /// `true` or `false`.
    Bool,
    /// An integer in `min..=max`.
    Int {
        /// Smallest.
        min: i64,
        /// Largest.
        max: i64,
    },
    /// Text up to a length.
    Text {
        /// Longest, in characters.
        max: usize,
    },
    /// One of a list.
    Choice(&'static [&'static str]),
    /// An image size, `WIDTHxHEIGHT` in pixels, 64–4096 a side (e.g. `1024x1024`).
    Size,
}

/// Who a setting belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingLevel {
    /// The whole account (admins change it).
    Account,
    /// Each user for themselves.
    User,
}

/// A known setting.
#[derive(Debug, Clone, Copy)]
pub struct SettingDef {
    /// Its key, e.g. `content.word_count`.
    pub key: &'static str,
    /// Its name on a settings page ("Article length, in words").
    pub label: &'static str,
    /// The part of a settings page it belongs in ("Articles", "Images").
    pub group: &'static str,
    /// The type its values must have; setting another is a validation error.
    pub kind: SettingType,
    /// Whether the account shares one value or each user has their own.
    pub level: SettingLevel,
    /// Its value when not set.
    pub default: fn() -> Value,
    /// What it does, in a sentence.
    pub description: &'static str,
}

/// The values of `content.structure`: every [`ContentStructure`](crate::planner::ContentStructure).
const STRUCTURES: &[&str] = &[
    "article",
    "guide",
    "listicle",
    "how_to",
    "comparison",
    "review",
    "cluster_hub",
    "faq",
];
/// The values of `content.type`: every [`ContentType`](crate::planner::ContentType).
const TYPES: &[&str] = &["post", "page", "product", "service", "category", "landing"];
/// The values of `publish.status`: the [`PostStatus`](crate::publish::PostStatus)es that need
/// no date (`future` does, so it is asked for per post, never by default).
const POST_STATUSES: &[&str] = &["draft", "publish", "pending", "private"];
/// The values of `publish.format`: the [`PostFormat`](crate::publish::PostFormat)s.
const POST_FORMATS: &[&str] = &["blocks", "classic"];
/// The values of `publish.categories`: the [`CategoryPolicy`](crate::publish::CategoryPolicy)s.
const CATEGORY_POLICIES: &[&str] = &["match", "existing"];
/// The values of `images.provider`: the [`ImageBackend`](crate::ai::ImageBackend)s.
const IMAGE_PROVIDERS: &[&str] = &["openai", "runware"];

/// Every setting there is. Each account setting is read, typed, by
/// [`System::defaults`](crate::system::System::defaults); its description is the sentence a
/// customer reads on the settings page, and says exactly what it changes.
pub const SETTINGS: &[SettingDef] = &[
    SettingDef {
        key: "content.word_count",
        label: "Article length, in words",
        group: "Articles",
        kind: SettingType::Int {
            min: MIN_WORD_COUNT,
            max: MAX_WORD_COUNT,
        },
        level: SettingLevel::Account,
        default: || Value::from(DEFAULT_WORD_COUNT),
        description: "Target length, in words, of new writer tasks when neither the request \
                      nor the idea they come from gives one.",
    },
    SettingDef {
        key: "content.tone",
        label: "Tone",
        group: "Articles",
        kind: SettingType::Text { max: 255 },
        level: SettingLevel::Account,
        default: || Value::from(DEFAULT_TONE),
        description: "Tone Generate Content writes in when neither the request nor the task's \
                      author profile sets one.",
    },
    SettingDef {
        key: "content.language",
        label: "Language",
        group: "Articles",
        kind: SettingType::Text { max: 64 },
        level: SettingLevel::Account,
        default: || Value::from(DEFAULT_LANGUAGE),
        description: "Language Generate Content writes in when neither the request nor the \
                      task's author profile sets one, named as the model should read it \
                      (e.g. English, Deutsch).",
    },
    SettingDef {
        key: "content.structure",
        label: "Structure",
        group: "Articles",
        kind: SettingType::Choice(STRUCTURES),
        level: SettingLevel::Account,
        default: || Value::from("article"),
        description: "Structure of ideas and writer tasks created without one (Generate \
                      Ideas lets the model choose each idea's structure).",
    },
    SettingDef {
        key: "content.type",
        label: "Kind of page",
        group: "Articles",
        kind: SettingType::Choice(TYPES),
        level: SettingLevel::Account,
        default: || Value::from("post"),
        description: "Page kind of ideas and writer tasks created without one (Generate Ideas \
                      lets the model choose among the kinds the request names, post and page \
                      unless it names others).",
    },
    SettingDef {
        key: "content.author_profile_id",
        label: "Author profile",
        group: "Articles",
        kind: SettingType::Int {
            min: 0,
            max: i64::MAX,
        },
        level: SettingLevel::Account,
        default: || Value::from(0),
        description: "Author profile Generate Content writes as when the task names none \
                      (0: none; a profile that was deleted is ignored).",
    },
    SettingDef {
        key: "content.internal_links",
        label: "Internal links per article",
        group: "Articles",
        kind: SettingType::Int { min: 0, max: 10 },
        level: SettingLevel::Account,
        default: || Value::from(3),
        description: "The most links to the site's own pages Generate Content keeps in an \
                      article (0: none). Only links to pages the site has are kept; invented \
                      ones lose their link and keep their words.",
    },
    SettingDef {
        key: "content.faq_questions",
        label: "FAQ questions per article",
        group: "Articles",
        kind: SettingType::Int {
            min: 0,
            max: crate::writer::MAX_FAQ_QUESTIONS as i64,
        },
        level: SettingLevel::Account,
        default: || Value::from(0),
        description: "How many questions Generate Content answers in a section after the \
                      article — the questions of the task's cluster first (0: no such \
                      section). Published as a heading per question, and kept as data for \
                      FAQ schema.",
    },
    SettingDef {
        key: "ideas.per_cluster",
        label: "Ideas per cluster",
        group: "Ideas",
        kind: SettingType::Int {
            min: 1,
            max: MAX_IDEAS as i64,
        },
        level: SettingLevel::Account,
        default: || Value::from(DEFAULT_IDEAS),
        description: "Ideas Generate Ideas makes per cluster when the request (or the \
                      automation rule) doesn't say.",
    },
    SettingDef {
        key: "images.enabled",
        label: "Illustrate articles",
        group: "Images",
        kind: SettingType::Bool,
        level: SettingLevel::Account,
        default: || Value::from(true),
        description: "Whether automation rules run their image stages; when off, they skip \
                      image prompts and images and publish articles without waiting for \
                      images (Generate Image Prompts and Generate Images still run when asked \
                      for directly).",
    },
    SettingDef {
        key: "images.in_article_count",
        label: "Images inside each article",
        group: "Images",
        kind: SettingType::Int {
            min: 0,
            max: MAX_IN_ARTICLE as i64,
        },
        level: SettingLevel::Account,
        default: || Value::from(DEFAULT_IN_ARTICLE),
        description: "In-article images Generate Image Prompts plans per article (besides the \
                      featured image) when the request doesn't say.",
    },
    SettingDef {
        key: "images.provider",
        label: "Image provider",
        group: "Images",
        kind: SettingType::Choice(IMAGE_PROVIDERS),
        level: SettingLevel::Account,
        default: || Value::from("runware"),
        description: "Which image integration renders images when both an OpenAI Images and \
                      a Runware integration are active; with only one active, that one renders \
                      them, and with neither, the service's own provider does.",
    },
    SettingDef {
        key: "images.size",
        label: "Image size",
        group: "Images",
        kind: SettingType::Size,
        level: SettingLevel::Account,
        default: || Value::from(format!("{}x{}", DEFAULT_SIZE.0, DEFAULT_SIZE.1)),
        description: "Size of in-article images, WIDTHxHEIGHT in pixels (e.g. 1024x1024), \
                      when neither the request nor the image gives one.",
    },
    SettingDef {
        key: "images.featured_size",
        label: "Featured image size",
        group: "Images",
        kind: SettingType::Size,
        level: SettingLevel::Account,
        default: || {
            Value::from(format!(
                "{}x{}",
                DEFAULT_FEATURED_SIZE.0, DEFAULT_FEATURED_SIZE.1
            ))
        },
        description: "Size of each article's featured image, WIDTHxHEIGHT in pixels, when the \
                      request doesn't give one: landscape by default (1536x1024), as themes \
                      and social cards show it wide.",
    },
    SettingDef {
        key: "images.style",
        label: "Image style",
        group: "Images",
        kind: SettingType::Text { max: 500 },
        level: SettingLevel::Account,
        default: || Value::from(DEFAULT_STYLE),
        description: "The look of images (e.g. photorealistic, flat illustration), given to \
                      Generate Image Prompts, Generate Images and Image Testing when the \
                      request names none.",
    },
    SettingDef {
        key: "publish.status",
        label: "Send to WordPress as",
        group: "Publishing",
        kind: SettingType::Choice(POST_STATUSES),
        level: SettingLevel::Account,
        default: || Value::from("draft"),
        description: "Status of WordPress posts when publishing doesn't name one: draft, \
                      publish (live now), pending (awaiting review) or private. Scheduling \
                      (future) needs a date, so it is chosen per post; automation rules use \
                      their own publish mode.",
    },
    SettingDef {
        key: "publish.format",
        label: "Post body",
        group: "Publishing",
        kind: SettingType::Choice(POST_FORMATS),
        level: SettingLevel::Account,
        default: || Value::from("blocks"),
        description: "How the body of a WordPress post is written: blocks (each heading, \
                      paragraph, list, table and image its own block in the block editor) or \
                      classic (one piece of HTML, for sites that use the classic editor).",
    },
    SettingDef {
        key: "publish.categories",
        label: "Categories",
        group: "Publishing",
        kind: SettingType::Choice(CATEGORY_POLICIES),
        level: SettingLevel::Account,
        default: || Value::from("match"),
        description: "Which WordPress categories an article goes into. match: each category \
                      the article names becomes the site's existing category of the same \
                      words (\"Espresso machine\" for \"Espresso Machines\"), and one the site \
                      doesn't have is made. existing: only the site's existing categories are \
                      used; a name without one is left out (WordPress then files the post under \
                      its default category).",
    },
    SettingDef {
        key: "ui.page_size",
        label: "Rows per page",
        group: "Lists",
        kind: SettingType::Int { min: 1, max: 1000 },
        level: SettingLevel::User,
        default: || Value::from(50),
        description: "Rows per page in lists.",
    },
    SettingDef {
        key: "ui.theme",
        label: "Colour theme",
        group: "Appearance",
        kind: SettingType::Choice(&["system", "light", "dark"]),
        level: SettingLevel::User,
        default: || Value::from("system"),
        description: "Colour theme.",
    },
];

/// The definition of `key`, or a validation error naming the known keys.
pub fn setting_def(key: &str) -> Result<&'static SettingDef> {
    SETTINGS.iter().find(|d| d.key == key).ok_or_else(|| {
        Error::field(
            "key",
            format!(
                "unknown setting {key:?}; known: {}",
                SETTINGS
                    .iter()
                    .map(|d| d.key)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

impl SettingDef {
    /// Checks a value against the type (normalising numbers given as strings).
    pub fn check(&self, value: &Value) -> Result<Value> {
        self.checked(value)
            .map_err(|m| Error::field("value", format!("{}: {m}", self.key)))
    }

    /// [`SettingDef::check`], with what is wrong as a phrase ("must be between 1 and 10").
    pub fn checked(&self, value: &Value) -> std::result::Result<Value, String> {
        let bad = |m: String| m;
        match self.kind {
            SettingType::Bool => value
                .as_bool()
                .map(Value::from)
                .ok_or_else(|| bad("must be true or false".into())),
            SettingType::Int { min, max } => {
                let n = value
                    .as_i64()
                    .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
                    .ok_or_else(|| bad("must be a whole number".into()))?;
                if (min..=max).contains(&n) {
                    Ok(Value::from(n))
                } else {
                    Err(bad(format!("must be between {min} and {max}")))
                }
            }
            SettingType::Text { max } => {
                let s = value
                    .as_str()
                    .ok_or_else(|| bad("must be text".into()))?
                    .trim();
                if s.chars().count() > max {
                    Err(bad(format!("must be at most {max} characters")))
                } else {
                    Ok(Value::from(s))
                }
            }
            SettingType::Choice(options) => match value.as_str() {
                Some(s) if options.contains(&s) => Ok(Value::from(s)),
                _ => Err(bad(format!("must be one of {}", options.join(", ")))),
            },
            SettingType::Size => value
                .as_str()
                .and_then(crate::writer::parse_size)
                .map(|(w, h)| Value::from(format!("{w}x{h}")))
                .ok_or_else(|| bad(crate::writer::SIZE_RULE.into())),
        }
    }

    /// The value that takes effect: the stored one when it still passes [`check`](Self::check)
    /// (a value stored before the setting's type changed may not), else the default.
    pub fn effective(&self, stored: Option<&Value>) -> Value {
        stored
            .and_then(|v| self.check(v).ok())
            .unwrap_or_else(self.default)
    }
}

/// A setting's effective value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Setting {
    /// The key of one of [`SETTINGS`], e.g. `content.word_count`.
    pub key: String,
    /// Value (the default when not set).
    pub value: Value,
    /// Whether the account shares one value (admins set it) or each user has their own.
    pub level: SettingLevel,
    /// Whether it was set (false: the default).
    pub is_set: bool,
    /// When it was last set; `None` while the default applies.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A stored setting row.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSetting {
    /// The user for user-level settings.
    pub user_id: Option<UserId>,
    /// The key of one of [`SETTINGS`].
    pub key: String,
    /// The value, already checked against the setting's [`SettingType`].
    pub value: Value,
    /// When it was set.
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::enums::StringEnum;

    fn values<T: StringEnum>() -> Vec<&'static str> {
        T::VALUES.iter().map(|v| v.as_str()).collect()
    }

    #[test]
    fn every_default_passes_its_own_check() {
        for def in SETTINGS {
            let default = (def.default)();
            assert_eq!(def.check(&default).ok(), Some(default), "{}", def.key);
        }
    }

    #[test]
    fn choices_are_the_values_the_product_takes() {
        use crate::planner::{ContentStructure, ContentType};
        use crate::publish::PostStatus;
        assert_eq!(STRUCTURES, values::<ContentStructure>());
        assert_eq!(TYPES, values::<ContentType>());
        for status in POST_STATUSES {
            assert!(
                status
                    .parse::<PostStatus>()
                    .is_ok_and(|s| s != PostStatus::Future)
            );
        }
        for provider in IMAGE_PROVIDERS {
            let backend: crate::ai::ImageBackend = serde_json::from_value(json!(provider)).unwrap();
            assert_eq!(serde_json::to_value(backend).unwrap(), json!(provider));
        }
    }

    #[test]
    fn limits_are_the_functions_limits() {
        let range = |key| match setting_def(key).unwrap().kind {
            SettingType::Int { min, max } => (min, max),
            other => panic!("{key} is {other:?}"),
        };
        assert_eq!(range("ideas.per_cluster"), (1, i64::from(MAX_IDEAS)));
        assert_eq!(
            range("images.in_article_count"),
            (0, i64::from(MAX_IN_ARTICLE))
        );
        assert_eq!(
            range("content.word_count"),
            (MIN_WORD_COUNT, MAX_WORD_COUNT)
        );
    }

    #[test]
    fn sizes_are_checked_and_normalised() {
        let def = setting_def("images.size").unwrap();
        assert_eq!(def.check(&json!("+0512x768")).unwrap(), json!("512x768"));
        for bad in [
            json!("huge"),
            json!("32x32"),
            json!("1024 x 1024"),
            json!(1024),
        ] {
            assert!(def.check(&bad).is_err(), "{bad}");
        }
        assert_eq!(def.effective(Some(&json!("huge"))), json!("1024x1024"));
    }
}
