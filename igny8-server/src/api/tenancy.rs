//! `auth/users/`, `auth/sites/`, `auth/sectors/`, `auth/api-keys/`: the account's users, sites,
//! sectors and API keys (the core's `tenancy` module). They share the `auth/` prefix and the
//! Auth tag with sign-in ([`super::auth`]), as the original platform's API did.

use igny8_core::tenancy::{self as t, Scope, SectorFilter};
use igny8_core::{ApiKeyId, SectorId, SiteId, UserId};
use poem::Request;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;

use super::Tag;
use crate::auth::Auth;
use crate::dto::patch;
use crate::dto::planner::{Affected, Ids};
use crate::dto::tenancy::*;
use crate::envelope::{ApiResult, CreatedResult, created, ok};
use crate::pagination::{ListPage, list_page, page_of};
use crate::state::AppState;

/// Users, sites, sectors and API keys of the account.
pub struct TenancyApi;

#[OpenApi(prefix_path = "/auth", tag = "Tag::Auth")]
impl TenancyApi {
    /// The account's users.
    #[oai(path = "/users/", method = "get")]
    async fn list_users(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<User>> {
        let scope = auth.0.scope()?;
        let p = state
            .core
            .tenancy()
            .users(&scope, &page_of(page.0, page_size.0, cursor.0))
            .await?;
        Ok(ok(list_page(req, p, Into::into)))
    }

    /// Adds a user to the account (admins; never above your own role).
    #[oai(path = "/users/", method = "post")]
    async fn create_user(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<NewUser>,
    ) -> CreatedResult<User> {
        let scope = auth.0.scope()?;
        let user = state
            .core
            .tenancy()
            .create_user(&scope, body.0.into())
            .await?;
        Ok(created(user.into()))
    }

    /// One user.
    #[oai(path = "/users/:id/", method = "get")]
    async fn get_user(&self, state: Data<&AppState>, auth: Auth, id: Path<i64>) -> ApiResult<User> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .tenancy()
            .user(&scope, UserId(id.0))
            .await?
            .into()))
    }

    /// Changes a user.
    ///
    /// Users may rename themselves; anything else needs an admin. Nobody grants a role above
    /// their own or changes a user ranked above them, and the last active owner stays an
    /// active owner.
    #[oai(path = "/users/:id/", method = "patch")]
    async fn update_user(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<UserPatch>,
    ) -> ApiResult<User> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .tenancy()
            .update_user(&scope, UserId(id.0), body.0.into())
            .await?
            .into()))
    }

    /// Removes a user.
    ///
    /// Admins; not a user ranked above you, and never the last owner. API keys the user made
    /// stop working.
    #[oai(path = "/users/:id/", method = "delete")]
    async fn delete_user(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        state
            .core
            .tenancy()
            .delete_user(&scope, UserId(id.0))
            .await?;
        Ok(ok(Affected { affected: 1 }))
    }

    /// Removes several users (each by the same rules as one).
    #[oai(path = "/users/bulk_delete/", method = "post")]
    async fn bulk_delete_users(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<Ids>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<UserId> = body.ids.iter().copied().map(UserId).collect();
        Ok(ok(Affected {
            affected: state.core.tenancy().bulk_delete_users(&scope, &ids).await?,
        }))
    }

    /// Changes several users.
    #[oai(path = "/users/bulk_update/", method = "post")]
    async fn bulk_update_users(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<UserBulkUpdate>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<UserId> = body.ids.iter().copied().map(UserId).collect();
        let patch = t::UserPatch {
            name: None,
            role: body.role.map(|r| r.0),
            is_active: body.is_active,
        };
        Ok(ok(Affected {
            affected: state
                .core
                .tenancy()
                .bulk_update_users(&scope, &ids, patch)
                .await?,
        }))
    }

    /// The account's sites.
    #[oai(path = "/sites/", method = "get")]
    async fn list_sites(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<Site>> {
        let scope = auth.0.scope()?;
        let p = state
            .core
            .tenancy()
            .sites(&scope, &page_of(page.0, page_size.0, cursor.0))
            .await?;
        Ok(ok(list_page(req, p, Into::into)))
    }

    /// Creates a site (admins; within the plan's `max_sites`).
    #[oai(path = "/sites/", method = "post")]
    async fn create_site(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<NewSite>,
    ) -> CreatedResult<Site> {
        let scope = auth.0.scope()?;
        Ok(created(
            state
                .core
                .tenancy()
                .create_site(&scope, body.0.into())
                .await?
                .into(),
        ))
    }

    /// Connects a WordPress install to its site: the site whose URL matches `url` (ignoring
    /// scheme, case and a trailing slash; by `name` when there is no URL), made on first
    /// connect, and the sector new work goes to (its first active sector, or `General`, made
    /// if need be). A site-restricted key always gets its own site. Making a site takes an
    /// admin; an editor's or viewer's key gets 403 for a site that doesn't exist yet.
    #[oai(path = "/sites/connect/", method = "post")]
    async fn connect_site(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<ConnectSite>,
    ) -> ApiResult<ConnectedSite> {
        let scope = auth.0.scope()?;
        let connected = state
            .core
            .tenancy()
            .connect_site(&scope, body.0.into())
            .await?;
        Ok(ok(ConnectedSite::new(connected, &scope)))
    }

    /// One site.
    #[oai(path = "/sites/:id/", method = "get")]
    async fn get_site(&self, state: Data<&AppState>, auth: Auth, id: Path<i64>) -> ApiResult<Site> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .tenancy()
            .site(&scope, SiteId(id.0))
            .await?
            .into()))
    }

    /// Changes a site.
    #[oai(path = "/sites/:id/", method = "patch")]
    async fn update_site(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<SitePatch>,
    ) -> ApiResult<Site> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .tenancy()
            .update_site(&scope, SiteId(id.0), body.0.into())
            .await?
            .into()))
    }

    /// Deletes a site and everything in it.
    #[oai(path = "/sites/:id/", method = "delete")]
    async fn delete_site(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        match state
            .core
            .tenancy()
            .delete_sites(&scope, &[SiteId(id.0)])
            .await?
        {
            0 => Err(SiteId(id.0).not_found().into()),
            affected => Ok(ok(Affected { affected })),
        }
    }

    /// Deletes several sites.
    ///
    /// Admins. Everything in the sites (their sectors and all that lies in them) is deleted
    /// too.
    #[oai(path = "/sites/bulk_delete/", method = "post")]
    async fn bulk_delete_sites(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<Ids>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<SiteId> = body.ids.iter().copied().map(SiteId).collect();
        Ok(ok(Affected {
            affected: state.core.tenancy().delete_sites(&scope, &ids).await?,
        }))
    }

    /// Changes several sites.
    #[oai(path = "/sites/bulk_update/", method = "post")]
    async fn bulk_update_sites(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<SiteBulkUpdate>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<SiteId> = body.ids.iter().copied().map(SiteId).collect();
        let patch = t::SitePatch {
            is_active: body.is_active,
            industry: body.industry.clone().map(Some),
            ..Default::default()
        };
        Ok(ok(Affected {
            affected: state
                .core
                .tenancy()
                .bulk_update_sites(&scope, &ids, patch)
                .await?,
        }))
    }

    /// The account's sectors, optionally of one site.
    #[oai(path = "/sectors/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list_sectors(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        site_id: Query<Option<i64>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<Sector>> {
        let scope = auth.0.scope()?;
        let filter = SectorFilter {
            site_id: site_id.0.map(SiteId),
        };
        let p = state
            .core
            .tenancy()
            .sectors(&scope, &filter, &page_of(page.0, page_size.0, cursor.0))
            .await?;
        Ok(ok(list_page(req, p, Into::into)))
    }

    /// Creates a sector (admins; within the plan's `max_sectors_per_site`).
    #[oai(path = "/sectors/", method = "post")]
    async fn create_sector(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<NewSector>,
    ) -> CreatedResult<Sector> {
        let scope = auth.0.scope()?;
        Ok(created(
            state
                .core
                .tenancy()
                .create_sector(&scope, body.0.into())
                .await?
                .into(),
        ))
    }

    /// One sector.
    #[oai(path = "/sectors/:id/", method = "get")]
    async fn get_sector(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Sector> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .tenancy()
            .sector(&scope, SectorId(id.0))
            .await?
            .into()))
    }

    /// Changes a sector.
    #[oai(path = "/sectors/:id/", method = "patch")]
    async fn update_sector(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<SectorPatch>,
    ) -> ApiResult<Sector> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .tenancy()
            .update_sector(&scope, SectorId(id.0), body.0.into())
            .await?
            .into()))
    }

    /// Deletes a sector and everything in it.
    #[oai(path = "/sectors/:id/", method = "delete")]
    async fn delete_sector(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        match state
            .core
            .tenancy()
            .delete_sectors(&scope, &[SectorId(id.0)])
            .await?
        {
            0 => Err(SectorId(id.0).not_found().into()),
            affected => Ok(ok(Affected { affected })),
        }
    }

    /// Deletes several sectors.
    ///
    /// Admins. Everything in the sectors is deleted too.
    #[oai(path = "/sectors/bulk_delete/", method = "post")]
    async fn bulk_delete_sectors(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<Ids>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<SectorId> = body.ids.iter().copied().map(SectorId).collect();
        Ok(ok(Affected {
            affected: state.core.tenancy().delete_sectors(&scope, &ids).await?,
        }))
    }

    /// Changes several sectors.
    #[oai(path = "/sectors/bulk_update/", method = "post")]
    async fn bulk_update_sectors(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<SectorBulkUpdate>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<SectorId> = body.ids.iter().copied().map(SectorId).collect();
        let patch = t::SectorPatch {
            is_active: body.is_active,
            ..Default::default()
        };
        Ok(ok(Affected {
            affected: state
                .core
                .tenancy()
                .bulk_update_sectors(&scope, &ids, patch)
                .await?,
        }))
    }

    /// The account's API keys (never their secrets).
    #[oai(path = "/api-keys/", method = "get")]
    async fn list_api_keys(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<ApiKey>> {
        let scope = auth.0.scope()?;
        let p = state
            .core
            .auth()
            .api_keys(&scope, &page_of(page.0, page_size.0, cursor.0))
            .await?;
        Ok(ok(list_page(req, p, Into::into)))
    }

    /// Creates an API key (admins); its secret is in this answer only.
    #[oai(path = "/api-keys/", method = "post")]
    async fn create_api_key(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<NewApiKey>,
    ) -> CreatedResult<CreatedApiKey> {
        let scope = auth.0.scope()?;
        let made = state
            .core
            .auth()
            .create_api_key(&scope, body.0.into())
            .await?;
        Ok(created(CreatedApiKey {
            key: made.key.into(),
            secret: made.secret,
        }))
    }

    /// One API key (never its secret).
    #[oai(path = "/api-keys/:id/", method = "get")]
    async fn get_api_key(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<ApiKey> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .auth()
            .api_key(&scope, ApiKeyId(id.0))
            .await?
            .into()))
    }

    /// Renames an API key or changes when it expires (`null`: never). Its role and site stay;
    /// make a new key for other rights.
    #[oai(path = "/api-keys/:id/", method = "patch")]
    async fn update_api_key(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<ApiKeyPatch>,
    ) -> ApiResult<ApiKey> {
        let scope = auth.0.scope()?;
        let b = body.0;
        let key = state
            .core
            .auth()
            .update_api_key(&scope, ApiKeyId(id.0), b.name, patch(b.expires_at, |v| v))
            .await?;
        Ok(ok(key.into()))
    }

    /// Revokes an API key.
    ///
    /// Admins. The key stops working at once; it stays listed with its `revoked_at`.
    #[oai(path = "/api-keys/:id/", method = "delete")]
    async fn revoke_api_key(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<ApiKey> {
        let scope: Scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .auth()
            .revoke_api_key(&scope, ApiKeyId(id.0))
            .await?
            .into()))
    }
}
