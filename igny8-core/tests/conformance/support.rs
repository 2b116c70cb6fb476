//! Shared set-up for the conformance cases.

use igny8_core::tenancy::{NewAccount, NewSector, NewSite, Scope};
use igny8_core::{Igny8, SectorId, SiteId};

/// An account with a site and a sector, acting as the system.
pub(crate) struct Tenant {
    pub(crate) scope: Scope,
    pub(crate) site: SiteId,
    pub(crate) sector: SectorId,
}

pub(crate) async fn tenant(core: &Igny8, name: &str, credits: i64) -> Tenant {
    let account = core
        .tenancy()
        .create_account(NewAccount {
            name: name.into(),
            plan_id: None,
            initial_credits: Some(credits),
        })
        .await
        .expect("account");
    let scope = Scope::system(account.id);
    let site = core
        .tenancy()
        .create_site(
            &scope,
            NewSite {
                name: format!("{name} site"),
                url: Some("https://example.com".into()),
                ..Default::default()
            },
        )
        .await
        .expect("site");
    let sector = core
        .tenancy()
        .create_sector(
            &scope,
            NewSector {
                site_id: site.id,
                name: "Main".into(),
                description: None,
                is_active: None,
            },
        )
        .await
        .expect("sector");
    Tenant {
        scope,
        site: site.id,
        sector: sector.id,
    }
}

/// Imports `text` as a file into the tenant's sector.
pub(crate) async fn import(
    core: &Igny8,
    t: &Tenant,
    text: &str,
) -> igny8_core::planner::ImportReport {
    core.keywords()
        .import(
            &t.scope,
            t.sector,
            std::io::Cursor::new(text.as_bytes().to_vec()),
        )
        .await
        .expect("import")
}
