//! Sites and their sectors: the list of sites, a site's page (its details, its WordPress
//! connection with "Test connection", its sectors) and the forms that add, change and delete
//! them. The API's twins are `auth/sites/…`, `auth/sectors/…` and `auth/sites/{id}/wordpress/`;
//! admins and owners may change them (the core says who), everyone else reads.

use askama::Template;
use igny8_core::publish::{ConnectionCheck, WordPressCredentials};
use igny8_core::tenancy::{
    NewSector, NewSite, Permission, Scope, Sector, SectorFilter, SectorPatch, Site, SitePatch,
};
use igny8_core::{Error, ErrorCode, SectorId, SiteId};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use crate::state::AppState;
use crate::web::forms::{Fields, FormErrors};
use crate::web::render::{Chrome, WebError, page, redirect, sentence, with_status};
use crate::web::session::WebUser;
use crate::web::table::{Bulk, Cell, Column, ListState, Pager, Row, Table};

use super::common::{local_back, ticked, with_done};

const SITES: &str = "/sites";

const SITE_COLUMNS: &[Column] = &[
    Column::new("Site"),
    Column::new("Address").minor(),
    Column::new("Industry").minor(),
    Column::new("WordPress"),
    Column::new("Active").minor(),
];

const SECTOR_COLUMNS: &[Column] = &[
    Column::new("Sector"),
    Column::new("Description").minor(),
    Column::new("Active").minor(),
    Column::new("Keywords"),
];

/// Whether the signed-in person may change sites and sectors (account-wide for new sites).
fn may_manage(scope: &Scope) -> bool {
    scope.require(Permission::Manage).is_ok()
}

fn yes_no(value: bool) -> Cell {
    Cell::text(if value { "Yes" } else { "No" }).minor()
}

/// A site's form, as typed.
#[derive(Debug, Default, Clone)]
struct SiteForm {
    name: String,
    url: String,
    industry: String,
    active: bool,
}

impl SiteForm {
    fn of(site: &Site) -> Self {
        Self {
            name: site.name.clone(),
            url: site.url.clone().unwrap_or_default(),
            industry: site.industry.clone().unwrap_or_default(),
            active: site.is_active,
        }
    }

    fn read(fields: &Fields) -> Self {
        Self {
            name: fields.get("name").to_owned(),
            url: fields.get("url").to_owned(),
            industry: fields.get("industry").to_owned(),
            active: fields.get("is_active") == "on",
        }
    }
}

/// Blank is none.
fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

#[derive(Template)]
#[template(path = "sites/index.html")]
struct SitesPage {
    chrome: Chrome,
    table: Table,
    can_add: bool,
    form: SiteForm,
    errors: FormErrors,
}

async fn sites_page(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    form: SiteForm,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let list = ListState::from_query(SITES, req.uri().query());
    let page = state
        .core
        .tenancy()
        .sites(&scope, &list.page_request())
        .await?;
    let can_manage = may_manage(&scope);
    let mut table = Table::new("sites", SITES, "Sites", SITE_COLUMNS, &list, "");
    table.rows = page
        .items
        .iter()
        .map(|s| Row {
            id: s.id.get(),
            dom_id: format!("site-{}", s.id.get()),
            label: s.name.clone(),
            cells: vec![
                Cell::link(s.name.clone(), format!("{SITES}/{}", s.id.get())),
                Cell::text(s.url.clone().unwrap_or_else(|| "—".into())).minor(),
                Cell::text(s.industry.clone().unwrap_or_else(|| "—".into())).minor(),
                Cell::text(match &s.wordpress {
                    Some(wp) => format!("Connected as {}", wp.username),
                    None => "Not connected".to_owned(),
                }),
                yes_no(s.is_active),
            ],
            select_form: can_manage.then(|| "sites-bulk".to_owned()),
            edit: None,
            inline: false,
        })
        .collect();
    table.pager = Pager::of(&list, &page, ("site", "sites"));
    table.empty = "No sites yet. Add your first site below: it holds the sectors your keywords \
                   belong to, and the WordPress your articles go to."
        .to_owned();
    if can_manage {
        table.bulk_path = "/sites/bulk-delete";
        table.bulk = vec![
            Bulk::new("/sites/bulk-delete", "delete", "Delete").confirm(
                "Delete the selected sites with their sectors, keywords, clusters, ideas and articles? This can't be undone.",
            ),
        ];
    }
    let open = errors.any() || page.items.is_empty();
    with_status(
        status,
        &SitesPage {
            chrome: Chrome::new(req, "Sites", "sites"),
            table,
            can_add: scope.require_account_wide(Permission::Manage).is_ok(),
            form: SiteForm {
                active: true,
                ..form
            },
            errors: if open { errors } else { FormErrors::none() },
        },
    )
}

/// `GET /sites`.
#[handler]
pub(crate) async fn list_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    sites_page(
        req,
        &state,
        &user,
        StatusCode::OK,
        SiteForm::default(),
        FormErrors::none(),
    )
    .await
}

/// `POST /sites`: adds a site and opens it (to add its sectors).
#[handler]
pub(crate) async fn add_site(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let form = SiteForm::read(&fields);
    let site = NewSite {
        name: form.name.clone(),
        url: optional(&form.url),
        industry: optional(&form.industry),
        is_active: Some(true),
    };
    match state.core.tenancy().create_site(&scope, site).await {
        Ok(site) => Ok(redirect(
            req,
            &format!("{SITES}/{}?done=site-added", site.id.get()),
        )),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            sites_page(req, &state, &user, status, form, errors).await
        }
    }
}

/// `POST /sites/bulk-delete`: deletes the selected sites with everything in them.
#[handler]
pub(crate) async fn delete_sites(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let ids = ticked(&fields, SiteId)?;
    if ids.is_empty() {
        return Ok(redirect(req, "/sites?done=none-selected"));
    }
    let n = state.core.tenancy().delete_sites(&scope, &ids).await?;
    Ok(redirect(req, &format!("/sites?done=sites-deleted&n={n}")))
}

/// The WordPress form, as typed (the password is never shown back).
#[derive(Debug, Default, Clone)]
struct WordPressForm {
    url: String,
    username: String,
}

/// What "Test connection" found.
enum Checked {
    Fine(ConnectionCheck),
    Failed(String),
}

#[derive(Template)]
#[template(path = "sites/show.html")]
struct SitePage {
    chrome: Chrome,
    site: Site,
    can_manage: bool,
    form: SiteForm,
    errors: FormErrors,
    wordpress: WordPressForm,
    wordpress_errors: FormErrors,
    check: Option<ConnectionCheck>,
    check_failed: Option<String>,
    table: Table,
    sector_name: String,
    sector_description: String,
    sector_errors: FormErrors,
    /// The link inventory: WordPress pages known, and when last synced.
    links: u64,
    links_synced: Option<String>,
}

/// What a refused form on the site page sends back.
#[derive(Default)]
struct SiteSent {
    status: Option<StatusCode>,
    form: Option<SiteForm>,
    errors: FormErrors,
    wordpress: Option<WordPressForm>,
    wordpress_errors: FormErrors,
    checked: Option<Checked>,
    sector: Option<(String, String)>,
    sector_errors: FormErrors,
}

async fn site_page(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    id: i64,
    sent: SiteSent,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let site = state.core.tenancy().site(&scope, SiteId(id)).await?;
    let path = format!("{SITES}/{id}");
    let list = ListState::from_query(path.clone(), req.uri().query());
    let sectors = state
        .core
        .tenancy()
        .sectors(
            &scope,
            &SectorFilter {
                site_id: Some(site.id),
            },
            &list.page_request(),
        )
        .await?;
    let can_manage = may_manage(&scope);
    let mut table = Table::new(
        "sectors",
        path.clone(),
        "Sectors",
        SECTOR_COLUMNS,
        &list,
        "",
    );
    table.rows = sectors
        .items
        .iter()
        .map(|s: &Sector| Row {
            id: s.id.get(),
            dom_id: format!("sector-{}", s.id.get()),
            label: s.name.clone(),
            cells: vec![
                Cell::text(s.name.clone()),
                Cell::text(s.description.clone().unwrap_or_else(|| "—".into())).minor(),
                yes_no(s.is_active),
                Cell::link(
                    "Keywords",
                    format!("/planner/keywords?sector_id={}", s.id.get()),
                ),
            ],
            select_form: can_manage.then(|| "sectors-bulk".to_owned()),
            edit: can_manage.then(|| format!("{path}/sectors/{}/edit", s.id.get())),
            inline: false,
        })
        .collect();
    table.pager = Pager::of(&list, &sectors, ("sector", "sectors"));
    table.empty =
        "No sectors yet. A sector is a topic of the site (\"Coffee\", \"Espresso machines\"); \
         keywords, clusters and articles belong to one."
            .to_owned();
    if can_manage {
        table.bulk_path = "/sites/sectors/bulk-delete";
        table.bulk = vec![
            Bulk::new("/sites/sectors/bulk-delete", "delete", "Delete").confirm(
                "Delete the selected sectors with their keywords, clusters, ideas and articles? This can't be undone.",
            ),
        ];
    }
    let wordpress = sent.wordpress.unwrap_or_else(|| WordPressForm {
        url: site
            .wordpress
            .as_ref()
            .map(|w| w.url.clone())
            .or_else(|| site.url.clone())
            .unwrap_or_default(),
        username: site
            .wordpress
            .as_ref()
            .map(|w| w.username.clone())
            .unwrap_or_default(),
    });
    let (sector_name, sector_description) = sent.sector.unwrap_or_default();
    let (known_links, links_synced) = state.core.inventory().status(&scope, site.id).await?;
    with_status(
        sent.status.unwrap_or(StatusCode::OK),
        &SitePage {
            chrome: Chrome::new(req, site.name.clone(), "sites"),
            form: sent.form.unwrap_or_else(|| SiteForm::of(&site)),
            site,
            can_manage,
            errors: sent.errors,
            wordpress,
            wordpress_errors: sent.wordpress_errors,
            check: match &sent.checked {
                Some(Checked::Fine(c)) => Some(c.clone()),
                _ => None,
            },
            check_failed: match sent.checked {
                Some(Checked::Failed(why)) => Some(why),
                _ => None,
            },
            table,
            sector_name,
            sector_description,
            sector_errors: sent.sector_errors,
            links: known_links,
            links_synced: links_synced.map(super::jobs::when),
        },
    )
}

/// `GET /sites/:id`.
#[handler]
pub(crate) async fn show(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    site_page(req, &state, &user, id, SiteSent::default()).await
}

/// `POST /sites/:id`: saves the site's details.
#[handler]
pub(crate) async fn save_site(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let form = SiteForm::read(&fields);
    let patch = SitePatch {
        name: Some(form.name.clone()),
        url: Some(optional(&form.url)),
        industry: Some(optional(&form.industry)),
        is_active: Some(form.active),
    };
    match state
        .core
        .tenancy()
        .update_site(&scope, SiteId(id), patch)
        .await
    {
        Ok(_) => Ok(redirect(req, &format!("{SITES}/{id}?done=site-saved"))),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            let sent = SiteSent {
                status: Some(status),
                form: Some(form),
                errors,
                ..SiteSent::default()
            };
            site_page(req, &state, &user, id, sent).await
        }
    }
}

/// `POST /sites/:id/wordpress`: connects the site to WordPress (the API's
/// `PUT auth/sites/{id}/wordpress/`); the password is sealed and never shown again.
#[handler]
pub(crate) async fn connect_wordpress(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let form = WordPressForm {
        url: fields.get("url").trim().to_owned(),
        username: fields.get("username").trim().to_owned(),
    };
    let credentials = WordPressCredentials {
        url: form.url.clone(),
        username: form.username.clone(),
        application_password: fields.get("application_password").to_owned(),
    };
    match state
        .core
        .wordpress()
        .connect(&scope, SiteId(id), credentials)
        .await
    {
        Ok(_) => Ok(redirect(
            req,
            &format!("{SITES}/{id}?done=wordpress-connected"),
        )),
        Err(e) => {
            let (status, wordpress_errors) = FormErrors::from_error(e)?;
            let sent = SiteSent {
                status: Some(status),
                wordpress: Some(form),
                wordpress_errors,
                ..SiteSent::default()
            };
            site_page(req, &state, &user, id, sent).await
        }
    }
}

/// `POST /sites/:id/wordpress/disconnect`: forgets the credentials (the API's
/// `DELETE auth/sites/{id}/wordpress/`).
#[handler]
pub(crate) async fn disconnect_wordpress(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    state
        .core
        .wordpress()
        .disconnect(&scope, SiteId(id))
        .await?;
    Ok(redirect(
        req,
        &format!("{SITES}/{id}?done=wordpress-disconnected"),
    ))
}

/// `POST /sites/:id/test-connection`: signs in to the site's WordPress and shows what it
/// found — the version and the user's rights — or, in words, why it couldn't.
#[handler]
pub(crate) async fn test_connection(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let checked = match state
        .core
        .wordpress()
        .test_connection(&scope, SiteId(id))
        .await
    {
        Ok(check) => Checked::Fine(check),
        // Not found and not allowed are pages like anywhere else; every other failure is
        // what the person came to learn.
        Err(e) if matches!(e.code(), ErrorCode::NotFound | ErrorCode::Forbidden) => {
            return Err(e.into());
        }
        Err(e) if e.code().is_user_error() || is_remote(&e) => {
            Checked::Failed(sentence(&e.to_string()))
        }
        Err(e) => return Err(e.into()),
    };
    let sent = SiteSent {
        checked: Some(checked),
        ..SiteSent::default()
    };
    site_page(req, &state, &user, id, sent).await
}

/// An error that comes from the other end (WordPress, the network), not from us.
fn is_remote(e: &Error) -> bool {
    matches!(
        e.code(),
        ErrorCode::Provider | ErrorCode::ProviderUnavailable
    )
}

/// `POST /sites/:id/sectors`: adds a sector to the site.
#[handler]
pub(crate) async fn add_sector(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let name = fields.get("name").to_owned();
    let description = fields.get("description").to_owned();
    let sector = NewSector {
        site_id: SiteId(id),
        name: name.clone(),
        description: optional(&description),
        is_active: Some(true),
    };
    match state.core.tenancy().create_sector(&scope, sector).await {
        Ok(_) => Ok(redirect(req, &format!("{SITES}/{id}?done=sector-added"))),
        Err(e) => {
            let (status, sector_errors) = FormErrors::from_error(e)?;
            let sent = SiteSent {
                status: Some(status),
                sector: Some((name, description)),
                sector_errors,
                ..SiteSent::default()
            };
            site_page(req, &state, &user, id, sent).await
        }
    }
}

/// `POST /sites/sectors/bulk-delete`: deletes the selected sectors, back to their site.
#[handler]
pub(crate) async fn delete_sectors(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = local_back(fields.get("back"), SITES);
    let ids = ticked(&fields, SectorId)?;
    if ids.is_empty() {
        return Ok(redirect(req, &with_done(&back, "none-selected", None)));
    }
    let n = state.core.tenancy().delete_sectors(&scope, &ids).await?;
    Ok(redirect(req, &with_done(&back, "sectors-deleted", Some(n))))
}

#[derive(Template)]
#[template(path = "sites/sector_edit.html")]
struct SectorPage {
    chrome: Chrome,
    site: Site,
    sector: Sector,
    typed_name: String,
    typed_description: String,
    active: bool,
    errors: FormErrors,
}

/// `GET /sites/:site/sectors/:id/edit`.
#[handler]
pub(crate) async fn edit_sector(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path((site, id)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let (site, sector) = site_and_sector(&state, &scope, site, id).await?;
    scope.require(Permission::Manage).map_err(WebError::from)?;
    page(&SectorPage {
        chrome: Chrome::new(req, format!("Edit {}", sector.name), "sites"),
        typed_name: sector.name.clone(),
        typed_description: sector.description.clone().unwrap_or_default(),
        active: sector.is_active,
        site,
        sector,
        errors: FormErrors::none(),
    })
}

/// The sector `id` of the site `site` (a sector of another site is not found there).
async fn site_and_sector(
    state: &AppState,
    scope: &Scope,
    site: i64,
    id: i64,
) -> Result<(Site, Sector), WebError> {
    let site = state.core.tenancy().site(scope, SiteId(site)).await?;
    let sector = state.core.tenancy().sector(scope, SectorId(id)).await?;
    if sector.site_id != site.id {
        return Err(SectorId(id).not_found().into());
    }
    Ok((site, sector))
}

/// `POST /sites/:site/sectors/:id`: saves a sector.
#[handler]
pub(crate) async fn save_sector(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path((site, id)): Path<(i64, i64)>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let (site, sector) = site_and_sector(&state, &scope, site, id).await?;
    let name = fields.get("name").to_owned();
    let description = fields.get("description").to_owned();
    let active = fields.get("is_active") == "on";
    let patch = SectorPatch {
        name: Some(name.clone()),
        description: Some(optional(&description)),
        is_active: Some(active),
    };
    match state
        .core
        .tenancy()
        .update_sector(&scope, sector.id, patch)
        .await
    {
        Ok(_) => Ok(redirect(
            req,
            &format!("{SITES}/{}?done=sector-saved", site.id.get()),
        )),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            with_status(
                status,
                &SectorPage {
                    chrome: Chrome::new(req, format!("Edit {}", sector.name), "sites"),
                    site,
                    sector,
                    typed_name: name,
                    typed_description: description,
                    active,
                    errors,
                },
            )
        }
    }
}

const LINK_COLUMNS: &[Column] = &[
    Column::new("Page"),
    Column::new("Kind"),
    Column::new("Keywords").minor(),
    Column::new("Last changed").minor(),
];

#[derive(Template)]
#[template(path = "sites/links.html")]
struct LinksPage {
    chrome: Chrome,
    site: Site,
    can_sync: bool,
    synced: Option<String>,
    table: Table,
}

/// `GET /sites/:id/links`: the site's link inventory — the WordPress posts, pages and
/// categories internal links may point to (the API's `auth/sites/{id}/links/`) — with
/// "Sync now".
#[handler]
pub(crate) async fn link_inventory(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    use crate::web::table::{Choice, Filter};
    use igny8_core::inventory::{LinkKind, LinkPageFilter};

    let scope = user.scope()?;
    let site = state.core.tenancy().site(&scope, SiteId(id)).await?;
    let path = format!("{SITES}/{id}/links");
    let list = ListState::from_query(path.clone(), req.uri().query());
    let kind = match list.get("kind") {
        Some(k) => Some(k.parse::<LinkKind>().map_err(|e| Error::field("kind", e))?),
        None => None,
    };
    let filter = LinkPageFilter {
        site_id: Some(site.id),
        kind,
        search: list.get("search").map(str::to_owned),
    };
    let found = state
        .core
        .inventory()
        .list(&scope, &filter, &list.page_request())
        .await?;
    let (_, synced) = state.core.inventory().status(&scope, site.id).await?;
    let mut table = Table::new("links", path, "WordPress pages", LINK_COLUMNS, &list, "");
    table.filters = vec![
        Filter::search(&list, "search", "Title contains"),
        Filter::select(&list, "kind", "Kind", |c| {
            let mut all = vec![Choice::new("", "Any kind", c)];
            all.extend(
                [
                    (LinkKind::Post, "Posts"),
                    (LinkKind::Page, "Pages"),
                    (LinkKind::Category, "Categories"),
                ]
                .map(|(k, label)| Choice::new(k.as_str(), label, c)),
            );
            all
        }),
    ];
    table.fill(&list, &found, ("page", "pages"), |p| Row {
        id: p.id.get(),
        dom_id: format!("link-{}", p.id.get()),
        label: p.title.clone(),
        cells: vec![
            if p.url.starts_with("https://") || p.url.starts_with("http://") {
                Cell::link(p.title.clone(), p.url.clone())
            } else {
                Cell::text(p.title.clone())
            },
            Cell::text(crate::web::table::label(p.kind.as_str())),
            Cell::text(if p.keywords.is_empty() {
                "—".to_owned()
            } else {
                p.keywords.join(", ")
            })
            .minor(),
            Cell::text(
                p.modified_at
                    .map_or_else(|| "—".to_owned(), super::jobs::when),
            )
            .minor(),
        ],
        select_form: None,
        edit: None,
        inline: false,
    });
    table.empty = if filter.kind.is_some() || filter.search.is_some() {
        "No page of the site matches these filters.".to_owned()
    } else if site.wordpress.is_some() {
        "No WordPress page known yet: sync now to read the site's posts, pages and categories."
            .to_owned()
    } else {
        "Connect the site's WordPress first (on the site's page); then its posts, pages and \
         categories are read here."
            .to_owned()
    };
    page(&LinksPage {
        chrome: Chrome::new(req, format!("Link inventory · {}", site.name), "sites"),
        can_sync: scope.require(Permission::Write).is_ok() && site.wordpress.is_some(),
        site,
        synced: synced.map(super::jobs::when),
        table,
    })
}

/// `POST /sites/:id/links/sync`: syncs the site's link inventory from its WordPress as a job
/// (the API's `auth/sites/{id}/links/sync/`) and goes to the job.
#[handler]
pub(crate) async fn sync_links(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let job = state
        .core
        .inventory()
        .start_sync(
            &scope,
            igny8_core::inventory::SyncInput {
                site_id: SiteId(id),
                full: false,
            },
        )
        .await?;
    Ok(redirect(
        req,
        &format!("/jobs/{}?done=job-started", job.id.get()),
    ))
}
