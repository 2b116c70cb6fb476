//! This install's tenant: one WordPress site (one store under one table prefix) is one IGNY8
//! account with one site and a default sector, found or made by `Igny8::open()`.
//!
//! First opens may race (two PHP processes serving the first requests). The plan
//! `wordpress` is the lock: its slug is unique, so exactly one opener creates it and then the
//! account; the others wait for that account to appear (and make it themselves only if it
//! never does — the winner died). Whatever happens, the account in use is the one with the
//! lowest id: an opener that made a second one deletes its own. The site and its default
//! sector come from the core's rule for connecting an install, which handles the same race.

use std::time::Duration;

use igny8_core::list::PageRequest;
use igny8_core::tenancy::{
    ConnectSite, NewAccount, Operator, PlanInput, PlanLimits, Scope, SitePatch,
};
use igny8_core::{AccountId, Error, Igny8, SectorId, SiteId, SqlStore};

use crate::error::Failure;

/// Slug of the plan of WordPress installs (also the first-open lock).
const PLAN_SLUG: &str = "wordpress";
/// Credits granted to a new install (a ledger entry) and the plan's monthly credits.
pub(crate) const STARTING_CREDITS: i64 = 100_000;
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
///
/// The account is the install's own (see the module comment); the site and its sector come
/// from the core's one rule for connecting an install ([`Tenancy::connect_site`]), scoped to
/// the install's first site once it has one, so a moved WordPress keeps its site.
///
/// [`Tenancy::connect_site`]: igny8_core::tenancy::Tenancy::connect_site
pub(crate) async fn bootstrap(
    core: &Igny8<SqlStore>,
    site_name: &str,
    site_url: Option<&str>,
) -> Result<Tenant, Failure> {
    let account = account(core).await?;
    let mut scope = Scope::system(account);
    let first = core
        .tenancy()
        .sites(&scope, &PageRequest::new(1, 1))
        .await?;
    if let Some(site) = first.items.first() {
        scope = scope.restricted_to_site(site.id);
    }
    let connected = core
        .tenancy()
        .connect_site(
            &scope,
            ConnectSite {
                name: site_name.to_owned(),
                url: site_url.map(str::to_owned),
                ..ConnectSite::default()
            },
        )
        .await?;
    Ok(Tenant {
        account,
        site: connected.site.id,
        sector: connected.sector.id,
        site_name: connected.site.name,
        site_url: connected.site.url,
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
        .accounts(
            &Operator::embedder(),
            &igny8_core::tenancy::AccountFilter::default(),
            &PageRequest::new(1, 1),
        )
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
