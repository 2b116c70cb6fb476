//! This install's tenant: one WordPress site (one store under one table prefix) is one IGNY8
//! account with one site and a default sector, found or made by `Igny8::open()`.
//!
//! First opens may race (two PHP processes serving the first requests). The plan
//! `wordpress` is the lock: its slug is unique, so exactly one opener creates it and then the
//! account; the others wait for that account to appear (and make it themselves only if it
//! never does — the winner died). Whatever happens, the account in use is the one with the
//! lowest id: an opener that made a second one deletes its own. Sites and sectors are unique
//! by name, so two openers making the same one get a conflict and read the winner's.

use std::time::Duration;

use igny8_core::list::PageRequest;
use igny8_core::tenancy::{
    NewAccount, NewSector, NewSite, Operator, PlanInput, PlanLimits, Scope, SectorFilter, SitePatch,
};
use igny8_core::{AccountId, Error, Igny8, SectorId, SiteId, SqlStore};

use crate::error::Failure;

/// Slug of the plan of WordPress installs (also the first-open lock).
const PLAN_SLUG: &str = "wordpress";
/// Credits granted to a new install (a ledger entry) and the plan's monthly credits.
pub(crate) const STARTING_CREDITS: i64 = 100_000;
/// Name of the default sector.
const DEFAULT_SECTOR: &str = "General";
/// How long a losing opener waits for the winner's account.
const WAIT_FOR_ACCOUNT: Duration = Duration::from_secs(10);

/// The account, site and default sector every call is scoped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tenant {
    pub(crate) account: AccountId,
    pub(crate) site: SiteId,
    pub(crate) sector: SectorId,
    pub(crate) site_name: String,
    pub(crate) site_url: Option<String>,
}

impl Tenant {
    /// The scope of every call: the whole account, restricted to this site.
    pub(crate) fn scope(&self) -> Scope {
        Scope::system(self.account).restricted_to_site(self.site)
    }
}

/// Finds or makes the tenant, and brings the site's name and URL up to date.
pub(crate) async fn bootstrap(
    core: &Igny8<SqlStore>,
    site_name: &str,
    site_url: Option<&str>,
) -> Result<Tenant, Failure> {
    let account = account(core).await?;
    let scope = Scope::system(account);
    let site = site(core, &scope, site_name, site_url).await?;
    let scope = scope.restricted_to_site(site.id);
    let sector = sector(core, &scope, site.id).await?;
    Ok(Tenant {
        account,
        site: site.id,
        sector,
        site_name: site.name,
        site_url: site.url,
    })
}

/// Renames the site / changes its URL when WordPress's (those given) changed.
pub(crate) async fn refresh(
    core: &Igny8<SqlStore>,
    tenant: &mut Tenant,
    site_name: Option<&str>,
    site_url: Option<&str>,
) -> Result<(), Failure> {
    let name = site_name.filter(|n| *n != tenant.site_name);
    let url = site_url.filter(|u| tenant.site_url.as_deref() != Some(*u));
    if name.is_none() && url.is_none() {
        return Ok(());
    }
    let site = core
        .tenancy()
        .update_site(
            &tenant.scope(),
            tenant.site,
            SitePatch {
                name: name.map(str::to_owned),
                url: url.map(|u| Some(u.to_owned())),
                ..SitePatch::default()
            },
        )
        .await?;
    tenant.site_name = site.name;
    tenant.site_url = site.url;
    Ok(())
}

async fn first_account(core: &Igny8<SqlStore>) -> Result<Option<AccountId>, Failure> {
    let page = core
        .tenancy()
        .accounts(&Operator::embedder(), &PageRequest::new(1, 1))
        .await?;
    Ok(page.items.first().map(|a| a.id))
}

async fn account(core: &Igny8<SqlStore>) -> Result<AccountId, Failure> {
    if let Some(id) = first_account(core).await? {
        return Ok(id);
    }
    let tenancy = core.tenancy();
    let plan = tenancy
        .create_plan(
            &Operator::embedder(),
            PlanInput {
                slug: PLAN_SLUG.into(),
                name: "WordPress".into(),
                monthly_credits: STARTING_CREDITS,
                limits: PlanLimits::default(),
                is_default: false,
            },
        )
        .await;
    let plan = match plan {
        Ok(plan) => plan,
        Err(Error::Duplicate(_)) => {
            // Another opener holds the lock: wait for its account.
            let deadline = tokio::time::Instant::now() + WAIT_FOR_ACCOUNT;
            while tokio::time::Instant::now() < deadline {
                if let Some(id) = first_account(core).await? {
                    return Ok(id);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            tenancy
                .plans()
                .await?
                .into_iter()
                .find(|p| p.slug == PLAN_SLUG)
                .ok_or_else(|| Failure::internal("the wordpress plan vanished"))?
        }
        Err(e) => return Err(e.into()),
    };
    let mine = tenancy
        .create_account(
            &Operator::embedder(),
            NewAccount {
                name: "WordPress".into(),
                plan_id: Some(plan.id),
                initial_credits: Some(STARTING_CREDITS),
            },
        )
        .await?
        .id;
    let winner = first_account(core).await?.unwrap_or(mine);
    if winner != mine {
        tenancy.delete_account(&Operator::embedder(), mine).await?;
    }
    Ok(winner)
}

async fn site(
    core: &Igny8<SqlStore>,
    scope: &Scope,
    name: &str,
    url: Option<&str>,
) -> Result<igny8_core::tenancy::Site, Failure> {
    let tenancy = core.tenancy();
    let first = PageRequest::new(1, 1);
    if let Some(site) = tenancy.sites(scope, &first).await?.items.into_iter().next() {
        return Ok(site);
    }
    let made = tenancy
        .create_site(
            scope,
            NewSite {
                name: name.to_owned(),
                url: url.map(str::to_owned),
                ..NewSite::default()
            },
        )
        .await;
    match made {
        Ok(_) | Err(Error::Duplicate(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let sites = tenancy.sites(scope, &PageRequest::new(1, 100)).await?.items;
    let winner = sites
        .first()
        .cloned()
        .ok_or_else(|| Failure::internal("the site was not created"))?;
    let extra: Vec<SiteId> = sites.iter().skip(1).map(|s| s.id).collect();
    if !extra.is_empty() {
        tenancy.delete_sites(scope, &extra).await?;
    }
    Ok(winner)
}

async fn sector(core: &Igny8<SqlStore>, scope: &Scope, site: SiteId) -> Result<SectorId, Failure> {
    let tenancy = core.tenancy();
    let filter = SectorFilter {
        site_id: Some(site),
    };
    let first = PageRequest::new(1, 1);
    if let Some(s) = tenancy.sectors(scope, &filter, &first).await?.items.first() {
        return Ok(s.id);
    }
    let made = tenancy
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
        Ok(s) => Ok(s.id),
        Err(Error::Duplicate(_)) => tenancy
            .sectors(scope, &filter, &first)
            .await?
            .items
            .first()
            .map(|s| s.id)
            .ok_or_else(|| Failure::internal("the default sector was not created")),
        Err(e) => Err(e.into()),
    }
}
