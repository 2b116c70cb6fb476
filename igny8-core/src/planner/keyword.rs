//! Keywords: the planner's raw material.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::error::{FieldError, Result};
use crate::ids::{AccountId, ClusterId, KeywordId, SectorId, SiteId};
use crate::list::Sort;
use crate::validate::{Check, collapse_whitespace};

/// Longest keyword, in characters.
pub const MAX_KEYWORD_LEN: usize = 255;

string_enum! {
    /// Search intent.
    pub enum Intent {
        /// Wants to know something.
        Informational => "informational",
        /// Wants a particular site or page.
        Navigational => "navigational",
        /// Researches before buying.
        Commercial => "commercial",
        /// Wants to buy or act now.
        Transactional => "transactional",
    }
}

string_enum! {
    /// Where a keyword stands in the pipeline.
    pub enum KeywordStatus {
        /// Not in a cluster yet.
        Pending => "pending",
        /// In a cluster.
        Clustered => "clustered",
        /// Put aside by the user; kept, but skipped by clustering.
        Archived => "archived",
    }
}

string_enum! {
    /// Where a keyword came from.
    pub enum KeywordSource {
        /// Typed in or created through the API.
        Manual => "manual",
        /// A CSV import.
        Import => "import",
        /// Suggested by an AI function.
        Ai => "ai",
    }
}

/// A keyword of a sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Keyword {
    /// The keyword's id.
    pub id: KeywordId,
    /// The account that owns the keyword; every query is filtered by it.
    pub account_id: AccountId,
    /// The site, taken from the sector.
    pub site_id: SiteId,
    /// The sector; the keyword's [`normalize_keyword`] form is unique in it.
    pub sector_id: SectorId,
    /// The keyword as shown (trimmed, whitespace collapsed, case kept).
    pub keyword: String,
    /// Monthly search volume (`None` when unknown; sorts lowest).
    pub volume: Option<i64>,
    /// Ranking difficulty, 0–100.
    pub difficulty: Option<i64>,
    /// Cost per click, in the export's currency.
    pub cpc: Option<f64>,
    /// Search intent, if known.
    pub intent: Option<Intent>,
    /// Where it stands; `Clustered` exactly when `cluster_id` is set, unless archived.
    pub status: KeywordStatus,
    /// The cluster it belongs to (same sector).
    pub cluster_id: Option<ClusterId>,
    /// Where it came from; kept from the first time the keyword was stored.
    pub source: KeywordSource,
    /// When the keyword was created.
    pub created_at: DateTime<Utc>,
    /// When the keyword last changed.
    pub updated_at: DateTime<Utc>,
}

/// The uniqueness key of a keyword text inside a sector: trimmed, whitespace collapsed and
/// case-folded, so `"  Garden   Hose"` and `"garden hose"` are the same keyword.
pub fn normalize_keyword(text: &str) -> String {
    collapse_whitespace(text).to_lowercase()
}

/// A keyword's measured values, validated.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct KeywordMetrics {
    /// Monthly search volume; `None` when unknown (a merge keeps what is stored).
    pub volume: Option<i64>,
    /// Difficulty, 0–100.
    pub difficulty: Option<i64>,
    /// Cost per click, finite and 0 or more, in the export's currency.
    pub cpc: Option<f64>,
    /// Search intent, if known.
    pub intent: Option<Intent>,
}

impl KeywordMetrics {
    /// Field errors for values out of range.
    pub(crate) fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        if let Some(v) = self.volume
            && v < 0
        {
            out.push(FieldError::new(
                "volume",
                format!("must not be negative (got {v})"),
            ));
        }
        if let Some(d) = self.difficulty
            && !(0..=100).contains(&d)
        {
            out.push(FieldError::new(
                "difficulty",
                format!("must be between 0 and 100 (got {d})"),
            ));
        }
        if let Some(c) = self.cpc
            && (!c.is_finite() || c < 0.0)
        {
            out.push(FieldError::new(
                "cpc",
                format!("must be a non-negative number (got {c})"),
            ));
        }
        out
    }
}

/// A keyword to create. A single create refuses text the sector already has
/// ([`crate::Error::Duplicate`]); an import merges it into that keyword instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeywordDraft {
    /// The keyword text as given.
    pub keyword: String,
    /// Its values, checked by [`KeywordDraft::validate`].
    #[serde(flatten)]
    pub metrics: KeywordMetrics,
}

/// A validated keyword ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidKeyword {
    /// The display text: trimmed, whitespace collapsed, case kept.
    pub keyword: String,
    /// The uniqueness key in the sector ([`normalize_keyword`]).
    pub normalized: String,
    /// The validated values.
    pub metrics: KeywordMetrics,
}

impl KeywordDraft {
    /// A draft with just the text.
    pub fn new(keyword: impl Into<String>) -> Self {
        Self {
            keyword: keyword.into(),
            metrics: KeywordMetrics::default(),
        }
    }

    /// Checks the draft: a keyword of 1–255 characters, volume ≥ 0, difficulty 0–100, cpc ≥ 0.
    pub fn validate(&self) -> std::result::Result<ValidKeyword, Vec<FieldError>> {
        let mut problems = Vec::new();
        let keyword = collapse_whitespace(&self.keyword);
        if keyword.is_empty() {
            problems.push(FieldError::new("keyword", "no keyword"));
        } else if keyword.chars().count() > MAX_KEYWORD_LEN {
            problems.push(FieldError::new(
                "keyword",
                format!(
                    "is {} characters long; the maximum is {MAX_KEYWORD_LEN}",
                    keyword.chars().count()
                ),
            ));
        } else if keyword.chars().any(char::is_control) {
            problems.push(FieldError::new("keyword", "contains control characters"));
        }
        problems.extend(self.metrics.problems());
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(ValidKeyword {
            normalized: keyword.to_lowercase(),
            keyword,
            metrics: self.metrics.clone(),
        })
    }
}

/// Changes to a keyword (or, in bulk, to many). `Some(None)` clears an optional value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KeywordPatch {
    /// New text (single updates only; merged keywords are not allowed to collide).
    pub keyword: Option<String>,
    /// New volume, or clear it.
    pub volume: Option<Option<i64>>,
    /// New difficulty, or clear it.
    pub difficulty: Option<Option<i64>>,
    /// New CPC, or clear it.
    pub cpc: Option<Option<f64>>,
    /// New intent, or clear it.
    pub intent: Option<Option<Intent>>,
    /// Archive (`archived`) or bring back (`pending`); `clustered` follows the cluster.
    pub status: Option<KeywordStatus>,
    /// Put into a cluster of the same sector, or take out of it.
    pub cluster_id: Option<Option<ClusterId>>,
}

/// A validated keyword patch, as the store applies it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValidKeywordPatch {
    /// New display text and its normalised key.
    pub keyword: Option<(String, String)>,
    /// New volume, or clear it.
    pub volume: Option<Option<i64>>,
    /// New difficulty, or clear it.
    pub difficulty: Option<Option<i64>>,
    /// New CPC, or clear it.
    pub cpc: Option<Option<f64>>,
    /// New intent, or clear it.
    pub intent: Option<Option<Intent>>,
    /// Archive (`true`) or un-archive (`false`).
    pub archive: Option<bool>,
    /// New cluster (same sector), or none.
    pub cluster_id: Option<Option<ClusterId>>,
}

impl ValidKeywordPatch {
    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl KeywordPatch {
    /// Checks the patch.
    pub fn validate(&self) -> Result<ValidKeywordPatch> {
        let mut check = Check::new();
        let mut out = ValidKeywordPatch::default();
        if let Some(text) = &self.keyword {
            match KeywordDraft::new(text.clone()).validate() {
                Ok(v) => out.keyword = Some((v.keyword, v.normalized)),
                Err(problems) => {
                    for p in problems {
                        check.fail(&p.field, p.message);
                    }
                }
            }
        }
        let metrics = KeywordMetrics {
            volume: self.volume.flatten(),
            difficulty: self.difficulty.flatten(),
            cpc: self.cpc.flatten(),
            intent: None,
        };
        for p in metrics.problems() {
            check.fail(&p.field, p.message);
        }
        out.volume = self.volume;
        out.difficulty = self.difficulty;
        out.cpc = self.cpc;
        out.intent = self.intent;
        out.cluster_id = self.cluster_id;
        match self.status {
            Some(KeywordStatus::Archived) => out.archive = Some(true),
            Some(KeywordStatus::Pending) => out.archive = Some(false),
            Some(KeywordStatus::Clustered) if !matches!(self.cluster_id, Some(Some(_))) => check.fail(
                "status",
                "a keyword becomes clustered by setting cluster_id; status accepts pending or archived",
            ),
            Some(KeywordStatus::Clustered) | None => {}
        }
        check.finish()?;
        Ok(out)
    }
}

/// Filters of the keyword list; every set field narrows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KeywordFilter {
    /// Only this site.
    pub site_id: Option<SiteId>,
    /// Only this sector.
    pub sector_id: Option<SectorId>,
    /// Only this status.
    pub status: Option<KeywordStatus>,
    /// Only this intent.
    pub intent: Option<Intent>,
    /// Only keywords of this cluster.
    pub cluster_id: Option<ClusterId>,
    /// `Some(false)`: only keywords without a cluster; `Some(true)`: only with one.
    pub has_cluster: Option<bool>,
    /// Volume at least.
    pub min_volume: Option<i64>,
    /// Volume at most.
    pub max_volume: Option<i64>,
    /// Difficulty at least.
    pub min_difficulty: Option<i64>,
    /// Difficulty at most.
    pub max_difficulty: Option<i64>,
    /// Keywords containing this text (case-insensitive).
    pub search: Option<String>,
    /// Only these ids.
    pub ids: Option<Vec<KeywordId>>,
}

impl KeywordFilter {
    /// Only the keywords `ids` (a bulk action on keywords chosen one by one).
    pub fn only(ids: &[KeywordId]) -> Self {
        Self {
            ids: Some(ids.to_vec()),
            ..Self::default()
        }
    }
}

string_enum! {
    /// Fields the keyword list can be ordered by.
    pub enum KeywordSortField {
        /// Creation order.
        Id => "id",
        /// The keyword text.
        Keyword => "keyword",
        /// Search volume (unknown sorts lowest).
        Volume => "volume",
        /// Difficulty (unknown sorts lowest).
        Difficulty => "difficulty",
        /// Cost per click (unknown sorts lowest).
        Cpc => "cpc",
        /// Creation time.
        CreatedAt => "created_at",
        /// Last change.
        UpdatedAt => "updated_at",
    }
}

/// The keyword list's ordering.
pub type KeywordSort = Sort<KeywordSortField>;

impl Default for KeywordSort {
    fn default() -> Self {
        Sort {
            field: KeywordSortField::Id,
            descending: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_merges_case_and_spaces() {
        assert_eq!(
            normalize_keyword("  Garden   Hose Reel "),
            "garden hose reel"
        );
        let v = KeywordDraft::new("  Garden\tHose ").validate().unwrap();
        assert_eq!(v.keyword, "Garden Hose");
        assert_eq!(v.normalized, "garden hose");
    }

    #[test]
    fn bad_values_are_named() {
        let mut d = KeywordDraft::new("x".repeat(256));
        d.metrics.volume = Some(-1);
        d.metrics.difficulty = Some(101);
        let errs = d.validate().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["keyword", "volume", "difficulty"]);
        assert_eq!(
            KeywordDraft::new("   ").validate().unwrap_err()[0].message,
            "no keyword"
        );
        assert!(KeywordDraft::new("é".repeat(255)).validate().is_ok());
    }
}
