//! Typed settings, per account and per user: every key is known, with a type and a default.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ids::*;

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
    /// The type its values must have; setting another is a validation error.
    pub kind: SettingType,
    /// Whether the account shares one value or each user has their own.
    pub level: SettingLevel,
    /// Its value when not set.
    pub default: fn() -> Value,
    /// What it does, in a sentence.
    pub description: &'static str,
}

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
const TYPES: &[&str] = &["post", "page", "product", "service", "category", "landing"];

/// Every setting there is.
pub const SETTINGS: &[SettingDef] = &[
    SettingDef {
        key: "content.word_count",
        kind: SettingType::Int {
            min: 100,
            max: 20_000,
        },
        level: SettingLevel::Account,
        default: || Value::from(1500),
        description: "Target length of new articles, in words.",
    },
    SettingDef {
        key: "content.tone",
        kind: SettingType::Text { max: 255 },
        level: SettingLevel::Account,
        default: || Value::from("professional"),
        description: "Tone of new articles when no author profile is chosen.",
    },
    SettingDef {
        key: "content.language",
        kind: SettingType::Text { max: 64 },
        level: SettingLevel::Account,
        default: || Value::from("en"),
        description: "Language of new articles.",
    },
    SettingDef {
        key: "content.structure",
        kind: SettingType::Choice(STRUCTURES),
        level: SettingLevel::Account,
        default: || Value::from("article"),
        description: "Default structure of new articles.",
    },
    SettingDef {
        key: "content.type",
        kind: SettingType::Choice(TYPES),
        level: SettingLevel::Account,
        default: || Value::from("post"),
        description: "Default page kind of new content.",
    },
    SettingDef {
        key: "content.author_profile_id",
        kind: SettingType::Int {
            min: 0,
            max: i64::MAX,
        },
        level: SettingLevel::Account,
        default: || Value::from(0),
        description: "Author profile used when a task names none (0: none).",
    },
    SettingDef {
        key: "ideas.per_cluster",
        kind: SettingType::Int { min: 1, max: 20 },
        level: SettingLevel::Account,
        default: || Value::from(3),
        description: "Ideas Generate Ideas makes per cluster.",
    },
    SettingDef {
        key: "images.enabled",
        kind: SettingType::Bool,
        level: SettingLevel::Account,
        default: || Value::from(true),
        description: "Whether articles get images.",
    },
    SettingDef {
        key: "images.in_article_count",
        kind: SettingType::Int { min: 0, max: 10 },
        level: SettingLevel::Account,
        default: || Value::from(2),
        description: "In-article images per article.",
    },
    SettingDef {
        key: "images.provider",
        kind: SettingType::Choice(&["openai", "runware"]),
        level: SettingLevel::Account,
        default: || Value::from("openai"),
        description: "Which provider renders images.",
    },
    SettingDef {
        key: "images.size",
        kind: SettingType::Text { max: 16 },
        level: SettingLevel::Account,
        default: || Value::from("1024x1024"),
        description: "Image size, e.g. 1024x1024.",
    },
    SettingDef {
        key: "images.style",
        kind: SettingType::Text { max: 500 },
        level: SettingLevel::Account,
        default: || Value::from("photorealistic"),
        description: "Style added to every image prompt.",
    },
    SettingDef {
        key: "publish.status",
        kind: SettingType::Choice(&["draft", "publish", "future"]),
        level: SettingLevel::Account,
        default: || Value::from("draft"),
        description: "How content is sent to WordPress.",
    },
    SettingDef {
        key: "ui.page_size",
        kind: SettingType::Int { min: 1, max: 1000 },
        level: SettingLevel::User,
        default: || Value::from(50),
        description: "Rows per page in lists.",
    },
    SettingDef {
        key: "ui.theme",
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
        }
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
