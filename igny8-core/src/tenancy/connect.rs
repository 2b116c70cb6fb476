//! Connecting an install to its site: the one rule every face uses to find (or make) the site
//! a WordPress install works on and the sector new work goes to.
//!
//! The WordPress extension (one install, its own store) and the plugin in remote mode (one
//! WordPress of a hosted account, through `POST /api/v1/auth/sites/connect/`) both call
//! [`Tenancy::connect_site`], so a site is recognised, named and given its default sector the
//! same way whichever face made it.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{SectorId, SiteId};
use crate::list::{MAX_PAGE_SIZE, PageRequest};
use crate::store::Store;
use crate::tenancy::{NewSector, NewSite, Permission, Scope, Sector, SectorFilter, Site, Tenancy};
use crate::validate::Check;

/// Name of the sector made for a site that has no active sector.
pub const DEFAULT_SECTOR: &str = "General";

/// What an install says about itself when it connects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectSite {
    /// The site's display name (WordPress's site title), 1–255 characters after collapsing
    /// whitespace. Used only when the site has to be made.
    pub name: String,
    /// The site's public address (WordPress's home URL), `http://` or `https://`. The site is
    /// recognised by it, ignoring the scheme, letter case and a trailing slash; without one it
    /// is recognised by its name.
    pub url: Option<String>,
    /// The site the install chose (Settings' site picker): used instead of finding the site by
    /// its address, and never made. It must be a site of the account the caller may see.
    pub site: Option<SiteId>,
    /// The sector the install chose for new work: a sector of that site (found or chosen).
    /// Without it, the site's first active sector.
    pub sector: Option<SectorId>,
}

/// The site an install works on and the sector new work goes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectedSite {
    /// The site.
    pub site: Site,
    /// Its first active sector, or the `General` sector made for it.
    pub sector: Sector,
    /// Whether this call made the site.
    pub created: bool,
}

/// The part of a URL that identifies a site: no scheme, lowercase, no trailing slash.
fn site_key(url: &str) -> String {
    let url = url.trim().to_ascii_lowercase();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(&url);
    rest.trim_end_matches('/').to_owned()
}

/// The host of a site key, for telling two sites of the same name apart.
fn host(key: &str) -> &str {
    key.split('/').next().unwrap_or(key)
}

impl<S: Store> Tenancy<'_, S> {
    /// Finds the site an install works on, making it (and its sector) on first connect.
    ///
    /// - A scope restricted to one site (a site-restricted API key, or the extension once
    ///   its site exists) always gets that site, whatever the URL says: the site may have
    ///   moved.
    /// - Otherwise the site whose URL matches `url` (ignoring scheme, case and a trailing
    ///   slash), or — without a URL — the site named `name`.
    /// - No such site: it is made with `name` and `url`, which takes an admin (`Manage`, not
    ///   restricted to a site). When another site already has that name, the new one is
    ///   named `name (host)`. Two installs connecting at once get the same site.
    ///
    /// - A chosen `site` is that site (read through the scope: another account's site, or
    ///   another site than a restricted scope's own, is refused).
    ///
    /// The sector is the chosen `sector` (it must be a sector of that site), else the site's
    /// first active sector; a site with none gets (or reuses) one named [`DEFAULT_SECTOR`].
    ///
    /// Errors: invalid name or URL, a chosen sector of another site ([`Error::Validation`],
    /// nothing made), a chosen site the caller cannot see ([`Error::NotFound`]), a caller who may
    /// not make the site ([`Error::Forbidden`], in words that say who can), a suspended
    /// account when something would have to be made, the plan's site limit.
    pub async fn connect_site(&self, scope: &Scope, install: ConnectSite) -> Result<ConnectedSite> {
        scope.require(Permission::Read)?;
        let mut check = Check::new();
        let name = check.name("name", &install.name, 255);
        let url = check.url("url", install.url.as_deref());
        check.finish()?;

        let (site, created) = match (install.site, scope.site()) {
            (Some(chosen), Some(only)) if chosen != only => {
                return Err(Error::Forbidden(format!(
                    "this API key is restricted to site {only}, so it cannot connect to site \
                     {chosen}: choose site {only}, or connect with a key that is not \
                     restricted to one site"
                )));
            }
            (Some(chosen), _) => (self.site(scope, chosen).await?, false),
            (None, Some(only)) => (self.site(scope, only).await?, false),
            (None, None) => match self.find_site(scope, &name, url.as_deref()).await? {
                Some(site) => (site, false),
                None => self.make_site(scope, &name, url.as_deref()).await?,
            },
        };
        let sector = match install.sector {
            Some(chosen) => {
                let sector = self.sector(scope, chosen).await?;
                if sector.site_id != site.id {
                    return Err(Error::field(
                        "sector",
                        format!(
                            "sector {chosen} ({}) belongs to another site than {} (site {}): \
                             choose one of that site's sectors",
                            sector.name, site.name, site.id
                        ),
                    ));
                }
                sector
            }
            None => self.working_sector(scope, site.id).await?,
        };
        Ok(ConnectedSite {
            site,
            sector,
            created,
        })
    }

    /// The site with this URL, or (without a URL) this name.
    async fn find_site(
        &self,
        scope: &Scope,
        name: &str,
        url: Option<&str>,
    ) -> Result<Option<Site>> {
        let key = url.map(site_key);
        let mut page = 1;
        loop {
            let sites = self
                .sites(scope, &PageRequest::new(page, MAX_PAGE_SIZE))
                .await?
                .items;
            let last = (sites.len() as u64) < MAX_PAGE_SIZE;
            let found = sites.into_iter().find(|s| match &key {
                Some(key) => s.url.as_deref().map(site_key).as_ref() == Some(key),
                None => s.name.eq_ignore_ascii_case(name),
            });
            if found.is_some() || last {
                return Ok(found);
            }
            page += 1;
        }
    }

    /// Makes the site; `(site, true)`, or the one a concurrent connect made first.
    async fn make_site(
        &self,
        scope: &Scope,
        name: &str,
        url: Option<&str>,
    ) -> Result<(Site, bool)> {
        if !scope.role().allows(Permission::Manage) {
            return Err(Error::Forbidden(format!(
                "{} is not a site of this IGNY8 account yet, and adding a site takes an admin: \
                 ask an admin of the account to add it under Sites, or connect with an admin's \
                 API key",
                url.unwrap_or(name)
            )));
        }
        let mut names = vec![name.to_owned()];
        if let Some(url) = url {
            let key = site_key(url);
            names.push(format!("{name} ({})", host(&key)));
            names.push(format!("{name} ({key})"));
        }
        for candidate in names {
            let made = self
                .create_site(
                    scope,
                    NewSite {
                        name: candidate,
                        url: url.map(str::to_owned),
                        ..NewSite::default()
                    },
                )
                .await;
            match made {
                Ok(site) => return Ok((site, true)),
                // The name is taken: by a concurrent connect of this install (then it is
                // found now), or by another site (then try the next name).
                Err(Error::Duplicate(_)) => {
                    if let Some(site) = self.find_site(scope, name, url).await? {
                        return Ok((site, false));
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::Conflict(format!(
            "every name tried for {} is taken by another site of the account: rename one of \
             them, or add the site under Sites with a name of your choice",
            url.unwrap_or(name)
        )))
    }

    /// The site's first active sector, else its `General` sector, made if need be.
    async fn working_sector(&self, scope: &Scope, site: SiteId) -> Result<Sector> {
        for attempt in 0..2 {
            let filter = SectorFilter {
                site_id: Some(site),
            };
            let sectors = self
                .sectors(scope, &filter, &PageRequest::new(1, MAX_PAGE_SIZE))
                .await?
                .items;
            if let Some(sector) = sectors.iter().find(|s| s.is_active) {
                return Ok(sector.clone());
            }
            if let Some(general) = sectors.into_iter().find(|s| s.name == DEFAULT_SECTOR) {
                return Ok(general);
            }
            let made = self
                .create_sector(
                    scope,
                    NewSector {
                        site_id: site,
                        name: DEFAULT_SECTOR.into(),
                        description: None,
                        is_active: None,
                    },
                )
                .await;
            match made {
                Ok(sector) => return Ok(sector),
                // A concurrent connect made it: read it on the next round.
                Err(Error::Duplicate(_)) if attempt == 0 => {}
                Err(e) => return Err(e),
            }
        }
        Err(Error::Internal(
            "the default sector was made by another request but cannot be read".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_keys_ignore_scheme_case_and_trailing_slash() {
        assert_eq!(site_key("https://Example.com/"), "example.com");
        assert_eq!(site_key("http://example.com"), "example.com");
        assert_eq!(site_key(" https://example.com/blog/ "), "example.com/blog");
        assert_ne!(
            site_key("https://example.com/blog"),
            site_key("https://example.com")
        );
        assert_eq!(host("example.com/blog"), "example.com");
    }
}
