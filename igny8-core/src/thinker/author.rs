//! Author profiles and strategies: the voice and the plan the content prompts follow.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::ids::*;
use crate::validate::Check;

/// How an author writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorProfile {
    /// The profile's id.
    pub id: AuthorProfileId,
    /// The account that owns the profile; every query is filtered by it.
    pub account_id: AccountId,
    /// Name (unique in the account).
    pub name: String,
    /// Who the author is, up to 5000 characters; given to the content prompt.
    pub description: Option<String>,
    /// Tone, e.g. `friendly, expert`; up to 255 characters.
    pub tone: Option<String>,
    /// Language, e.g. `en` or `English (UK)`; up to 64 characters.
    pub language: Option<String>,
    /// Style notes, up to 5000 characters.
    pub style: Option<String>,
    /// A structure every article follows, up to 20,000 characters.
    pub structure_template: Option<String>,
    /// A flag kept for the user (default true); nothing refuses an inactive profile.
    pub is_active: bool,
    /// When the profile was created.
    pub created_at: DateTime<Utc>,
    /// When the profile last changed.
    pub updated_at: DateTime<Utc>,
}

/// An author profile's fields, for create (all) and update (the ones given).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuthorProfileInput {
    /// Name, 1–255 characters, unique in the account; required on create.
    pub name: Option<String>,
    /// Who the author is, or clear it.
    pub description: Option<Option<String>>,
    /// Tone, or clear it.
    pub tone: Option<Option<String>>,
    /// Language, or clear it.
    pub language: Option<Option<String>>,
    /// Style notes, or clear them.
    pub style: Option<Option<String>>,
    /// Structure template, or clear it.
    pub structure_template: Option<Option<String>>,
    /// Set or clear the flag (default true on create).
    pub is_active: Option<bool>,
}

impl AuthorProfileInput {
    pub(crate) fn validate(mut self, creating: bool) -> Result<Self> {
        let mut check = Check::new();
        match &self.name {
            Some(n) => self.name = Some(check.name("name", n, 255)),
            None if creating => check.fail("name", "is required"),
            None => {}
        }
        for (field, value, max) in [
            ("description", &mut self.description, 5000),
            ("tone", &mut self.tone, 255),
            ("language", &mut self.language, 64),
            ("style", &mut self.style, 5000),
            ("structure_template", &mut self.structure_template, 20_000),
        ] {
            if let Some(v) = value {
                *v = check.opt_text(field, v.as_deref(), max);
            }
        }
        check.finish()?;
        Ok(self)
    }
}

/// How content for a sector is planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Strategy {
    /// The strategy's id.
    pub id: StrategyId,
    /// The account that owns the strategy; every query is filtered by it.
    pub account_id: AccountId,
    /// The sector it applies to (all sectors when `None`).
    pub sector_id: Option<SectorId>,
    /// Name, 1–255 characters.
    pub name: String,
    /// Guidance for the writer, up to 20,000 characters.
    pub guidance: Option<String>,
    /// Sections every article has, in order: at most 50, each at most 500 characters.
    pub section_structure: Vec<String>,
    /// Extra instructions keyed by [`super::PromptType`] name (`content`, `ideas`…), each at most
    /// 10,000 characters.
    pub prompt_customisations: BTreeMap<String, String>,
    /// A flag kept for the user (default true); nothing refuses an inactive strategy.
    pub is_active: bool,
    /// When the strategy was created.
    pub created_at: DateTime<Utc>,
    /// When the strategy last changed.
    pub updated_at: DateTime<Utc>,
}

/// A strategy's fields, for create (name required) and update (the ones given).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StrategyInput {
    /// The sector, or all sectors.
    pub sector_id: Option<Option<SectorId>>,
    /// Name, 1–255 characters; required on create.
    pub name: Option<String>,
    /// Guidance, or clear it.
    pub guidance: Option<Option<String>>,
    /// Section structure, replacing the old one (blanks dropped).
    pub section_structure: Option<Vec<String>>,
    /// Prompt customisations, replacing the old map; every key must name a prompt type.
    pub prompt_customisations: Option<BTreeMap<String, String>>,
    /// Set or clear the flag (default true on create).
    pub is_active: Option<bool>,
}

impl StrategyInput {
    pub(crate) fn validate(mut self, creating: bool) -> Result<Self> {
        let mut check = Check::new();
        match &self.name {
            Some(n) => self.name = Some(check.name("name", n, 255)),
            None if creating => check.fail("name", "is required"),
            None => {}
        }
        if let Some(g) = &self.guidance {
            self.guidance = Some(check.opt_text("guidance", g.as_deref(), 20_000));
        }
        if let Some(s) = &mut self.section_structure {
            s.iter_mut()
                .for_each(|x| *x = crate::validate::collapse_whitespace(x));
            s.retain(|x| !x.is_empty());
            if s.len() > 50 || s.iter().any(|x| x.chars().count() > 500) {
                check.fail(
                    "section_structure",
                    "may hold at most 50 sections of 500 characters",
                );
            }
        }
        if let Some(p) = &self.prompt_customisations {
            for (k, v) in p {
                if k.parse::<super::PromptType>().is_err() {
                    check.fail(
                        "prompt_customisations",
                        format!(
                            "{k:?} is not a prompt type ({})",
                            super::PromptType::ALL
                                .iter()
                                .map(|t| t.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                } else if v.chars().count() > 10_000 {
                    check.fail(
                        "prompt_customisations",
                        format!("{k}: at most 10000 characters"),
                    );
                }
            }
        }
        check.finish()?;
        Ok(self)
    }
}
