//! Publishing to WordPress: a site's connection (set, check, remove) and publish jobs.

use igny8_core::publish::{self as p, PublishInput, WordPressCredentials};
use igny8_core::{ContentId, SiteId};
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;

use super::Tag;
use crate::auth::Auth;
use crate::dto::publish::*;
use crate::dto::system::Job;
use crate::dto::tenancy::Site;
use crate::envelope::{Accepted, AcceptedResult, ApiResult, ok};
use crate::state::AppState;

/// Publishing to WordPress.
pub struct PublishApi;

impl From<p::ConnectionCheck> for ConnectionCheck {
    fn from(c: p::ConnectionCheck) -> Self {
        Self {
            url: c.url,
            wordpress_version: c.wordpress_version,
            user: c.user,
            roles: c.roles,
            can_publish: c.can_publish,
            can_upload: c.can_upload,
            can_manage_categories: c.can_manage_categories,
        }
    }
}

async fn start(state: &AppState, auth: Auth, input: PublishInput) -> AcceptedResult<Job> {
    let scope = auth.0.scope()?;
    let job = state.core.wordpress().start(&scope, input).await?;
    Ok(Accepted::Accepted(ok(job.into())))
}

#[OpenApi]
impl PublishApi {
    /// Connects the site to WordPress: its address, a user and an application password
    /// (sealed; only a masked hint is ever shown). Addresses that resolve to private or local
    /// networks are refused unless the operator allows them.
    #[oai(path = "/auth/sites/:id/wordpress/", method = "put", tag = "Tag::Auth")]
    async fn connect(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<WordPressConnect>,
    ) -> ApiResult<Site> {
        let scope = auth.0.scope()?;
        let b = body.0;
        let credentials = WordPressCredentials {
            url: b.url,
            username: b.username,
            application_password: b.application_password,
        };
        let site = state
            .core
            .wordpress()
            .connect(&scope, SiteId(id.0), credentials)
            .await?;
        Ok(ok(site.into()))
    }

    /// Disconnects the site from WordPress (its credentials are forgotten).
    #[oai(
        path = "/auth/sites/:id/wordpress/",
        method = "delete",
        tag = "Tag::Auth"
    )]
    async fn disconnect(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Site> {
        let scope = auth.0.scope()?;
        let site = state
            .core
            .wordpress()
            .disconnect(&scope, SiteId(id.0))
            .await?;
        Ok(ok(site.into()))
    }

    /// Signs in to the site's WordPress with its credentials and reports the WordPress
    /// version and whether the user may publish and upload media.
    #[oai(
        path = "/auth/sites/:id/test_connection/",
        method = "post",
        tag = "Tag::Auth"
    )]
    async fn test_connection(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<ConnectionCheck> {
        let scope = auth.0.scope()?;
        let check = state
            .core
            .wordpress()
            .test_connection(&scope, SiteId(id.0))
            .await?;
        Ok(ok(check.into()))
    }

    /// Publishes one content to its site's WordPress as a job (202): a new post, or an update
    /// of the post it was published as.
    #[oai(
        path = "/writer/content/:id/publish/",
        method = "post",
        tag = "Tag::Writer"
    )]
    async fn publish_one(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<PublishOptions>,
    ) -> AcceptedResult<Job> {
        let b = body.0;
        let input = PublishInput {
            ids: vec![ContentId(id.0)],
            status: b.status.map(|s| s.0),
            date: b.date,
            recreate: b.recreate.unwrap_or(false),
        };
        start(&state, auth, input).await
    }

    /// The post WordPress would receive for the content, without sending it: title, slug,
    /// excerpt, body (blocks, or HTML when the account's `publish.format` is `classic`) with
    /// the in-article images placed, featured image, terms and SEO fields. For clients that
    /// write posts themselves, such as the WordPress plugin: they upload the generated images
    /// first and pass the media items they became. Changes nothing.
    #[oai(
        path = "/writer/content/:id/render/",
        method = "post",
        tag = "Tag::Writer"
    )]
    async fn render(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<PostRender>,
    ) -> ApiResult<WordPressPost> {
        let scope = auth.0.scope()?;
        let media: Vec<p::PostMedia> = body
            .0
            .media
            .into_iter()
            .map(|m| p::PostMedia {
                image_id: igny8_core::ImageId(m.image_id),
                attachment_id: m.attachment_id,
                url: m.url,
                size: m.size.unwrap_or_else(|| p::DEFAULT_MEDIA_SIZE.to_owned()),
            })
            .collect();
        let post = state
            .core
            .wordpress()
            .render(&scope, ContentId(id.0), &media)
            .await?;
        Ok(ok(post.into()))
    }

    /// Publishes several contents of one site as one job (202).
    #[oai(
        path = "/writer/content/publish/",
        method = "post",
        tag = "Tag::Writer"
    )]
    async fn publish_many(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<PublishMany>,
    ) -> AcceptedResult<Job> {
        let b = body.0;
        let input = PublishInput {
            ids: b.ids.into_iter().map(ContentId).collect(),
            status: b.status.map(|s| s.0),
            date: b.date,
            recreate: b.recreate.unwrap_or(false),
        };
        start(&state, auth, input).await
    }
}
