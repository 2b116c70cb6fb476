//! Sites and their sectors.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::ids::{AccountId, SectorId, SiteId};
use crate::validate::Check;

/// A website of the account; keywords and content live in its sectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    /// Id.
    pub id: SiteId,
    /// The account.
    pub account_id: AccountId,
    /// Display name (unique in the account).
    pub name: String,
    /// Public URL.
    pub url: Option<String>,
    /// Industry, free text.
    pub industry: Option<String>,
    /// Whether work runs for this site.
    pub is_active: bool,
    /// WordPress connection, without its secret.
    pub wordpress: Option<WordPressConnection>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
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
    /// Display name.
    pub name: String,
    /// Public URL.
    pub url: Option<String>,
    /// Industry.
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
    /// Id.
    pub id: SectorId,
    /// The account.
    pub account_id: AccountId,
    /// The site.
    pub site_id: SiteId,
    /// Name (unique in the site).
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Whether work runs for this sector.
    pub is_active: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// Input for a new sector.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewSector {
    /// The site it belongs to.
    pub site_id: SiteId,
    /// Name.
    pub name: String,
    /// Description.
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
