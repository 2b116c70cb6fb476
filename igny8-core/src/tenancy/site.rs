//! Sites and their sectors.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::ids::{AccountId, SectorId, SiteId};
use crate::validate::Check;

/// A website of the account; keywords and content live in its sectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    /// The site's id.
    pub id: SiteId,
    /// The account that owns the site; every query is filtered by it.
    pub account_id: AccountId,
    /// Display name, 1–255 characters, unique in the account.
    pub name: String,
    /// Public URL (http or https, at most 2048 characters, trailing `/` removed).
    pub url: Option<String>,
    /// Industry, free text up to 255 characters.
    pub industry: Option<String>,
    /// A flag kept for the user; nothing in the core skips an inactive site.
    pub is_active: bool,
    /// WordPress connection, without its secret.
    pub wordpress: Option<WordPressConnection>,
    /// When the site was created.
    pub created_at: DateTime<Utc>,
    /// When the site last changed.
    pub updated_at: DateTime<Utc>,
}

/// A site's WordPress connection as it may be shown: the application password is never
/// returned, only a masked hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordPressConnection {
    /// The WordPress site's base URL.
    pub url: String,
    /// The WordPress user name.
    pub username: String,
    /// A masked hint of the application password, e.g. `••••abcd`.
    pub password_hint: Option<String>,
}

/// Input for a new site.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewSite {
    /// Display name, 1–255 characters, unique in the account.
    pub name: String,
    /// Public URL: http or https, at most 2048 characters.
    pub url: Option<String>,
    /// Industry, free text up to 255 characters.
    pub industry: Option<String>,
    /// Active (default true).
    pub is_active: Option<bool>,
}

impl NewSite {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        self.name = check.name("name", &self.name, 255);
        self.url = check.url("url", self.url.as_deref());
        self.industry = check.opt_text("industry", self.industry.as_deref(), 255);
        check.finish()?;
        Ok(self)
    }
}

/// Changes to a site. `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SitePatch {
    /// New name.
    pub name: Option<String>,
    /// New URL, or clear it.
    pub url: Option<Option<String>>,
    /// New industry, or clear it.
    pub industry: Option<Option<String>>,
    /// Activate or deactivate.
    pub is_active: Option<bool>,
}

impl SitePatch {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        if let Some(name) = &self.name {
            self.name = Some(check.name("name", name, 255));
        }
        if let Some(url) = &self.url {
            self.url = Some(check.url("url", url.as_deref()));
        }
        if let Some(industry) = &self.industry {
            self.industry = Some(check.opt_text("industry", industry.as_deref(), 255));
        }
        check.finish()?;
        Ok(self)
    }
}

/// A niche inside a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sector {
    /// The sector's id.
    pub id: SectorId,
    /// The account that owns the sector.
    pub account_id: AccountId,
    /// The site the sector belongs to.
    pub site_id: SiteId,
    /// Display name, 1–255 characters.
    pub name: String,
    /// What the sector covers, up to 10,000 characters.
    pub description: Option<String>,
    /// A flag kept for the user; nothing in the core skips an inactive sector.
    pub is_active: bool,
    /// When the sector was created.
    pub created_at: DateTime<Utc>,
    /// When the sector last changed.
    pub updated_at: DateTime<Utc>,
}

/// Input for a new sector.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewSector {
    /// The site; the plan's `max_sectors_per_site` counts its sectors.
    pub site_id: SiteId,
    /// Display name, 1–255 characters.
    pub name: String,
    /// What the sector covers, up to 10,000 characters.
    pub description: Option<String>,
    /// Active (default true).
    pub is_active: Option<bool>,
}

impl NewSector {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        self.name = check.name("name", &self.name, 255);
        self.description = check.opt_text("description", self.description.as_deref(), 10_000);
        check.finish()?;
        Ok(self)
    }
}

/// Changes to a sector.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SectorPatch {
    /// New name.
    pub name: Option<String>,
    /// New description, or clear it.
    pub description: Option<Option<String>>,
    /// Activate or deactivate.
    pub is_active: Option<bool>,
}

impl SectorPatch {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        if let Some(name) = &self.name {
            self.name = Some(check.name("name", name, 255));
        }
        if let Some(d) = &self.description {
            self.description = Some(check.opt_text("description", d.as_deref(), 10_000));
        }
        check.finish()?;
        Ok(self)
    }
}
