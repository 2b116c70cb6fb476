//! Publishing to WordPress: a site's connection (set, check, remove) and publish jobs.

use igny8_core::inventory::{LinkKind, LinkPageFilter, SyncInput, SyncedPage};
use igny8_core::publish::{self as p, PublishInput, WordPressCredentials};
use igny8_core::{ContentId, SiteId};
use poem::Request;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;

use super::Tag;
use crate::auth::Auth;
use crate::dto::E;
use crate::dto::publish::*;
use crate::dto::system::Job;
use crate::dto::tenancy::Site;
use crate::dto::writer::Content;
use crate::envelope::{Accepted, AcceptedResult, ApiResult, ok};
use crate::pagination::{ListPage, list_page, page_of};
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

    /// The site's link inventory: its WordPress posts, pages and categories as last synced
    /// (IGNY8's own published articles are in it too, as content). Filter by `kind`, search
    /// titles with `search`.
    #[oai(path = "/auth/sites/:id/links/", method = "get", tag = "Tag::Auth")]
    #[allow(clippy::too_many_arguments)]
    async fn links(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        id: Path<i64>,
        kind: Query<Option<E<LinkKind>>>,
        search: Query<Option<String>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<LinkPage>> {
        let scope = auth.0.scope()?;
        let filter = LinkPageFilter {
            site_id: Some(SiteId(id.0)),
            kind: kind.0.map(|k| k.0),
            search: search.0,
        };
        let found = state
            .core
            .inventory()
            .list(&scope, &filter, &page_of(page.0, page_size.0, cursor.0))
            .await?;
        Ok(ok(list_page(req, found, Into::into)))
    }

    /// The pages of the site most related to `q` (keywords or a title; repeat `q` for
    /// several), as Generate Content is offered them: synced WordPress objects and published
    /// IGNY8 articles, at most `limit` (default 10, at most 100).
    #[oai(
        path = "/auth/sites/:id/links/related/",
        method = "get",
        tag = "Tag::Auth"
    )]
    async fn related_links(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        q: Query<Vec<String>>,
        limit: Query<Option<u64>>,
    ) -> ApiResult<Vec<LinkEntry>> {
        let scope = auth.0.scope()?;
        let phrases: Vec<&str> = q.0.iter().map(String::as_str).collect();
        if phrases.iter().all(|p| p.trim().is_empty()) {
            return Err(igny8_core::Error::field("q", "is required: keywords or a title").into());
        }
        let limit = limit.0.unwrap_or(10).clamp(1, 100) as usize;
        let found = state
            .core
            .inventory()
            .related(&scope, SiteId(id.0), &phrases, None)
            .await?;
        Ok(ok(found.into_iter().take(limit).map(Into::into).collect()))
    }

    /// Syncs the site's link inventory from its WordPress as a job (202): posts and pages
    /// changed since the last sync (everything with `full`), every non-empty category, and
    /// what was deleted or unpublished taken out. A sync already queued or running is
    /// returned instead of a second one.
    #[oai(
        path = "/auth/sites/:id/links/sync/",
        method = "post",
        tag = "Tag::Auth"
    )]
    async fn sync_links(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<LinkSync>,
    ) -> AcceptedResult<Job> {
        let scope = auth.0.scope()?;
        let job = state
            .core
            .inventory()
            .start_sync(
                &scope,
                SyncInput {
                    site_id: SiteId(id.0),
                    full: body.0.full.unwrap_or(false),
                },
            )
            .await?;
        Ok(Accepted::Accepted(ok(job.into())))
    }

    /// Records WordPress objects of the site that the caller read itself (the WordPress
    /// plugin reads its own database): new ones added, known ones replaced. A whole site goes
    /// in calls of at most 5,000; the last says `complete` with the first call's `seen_at` as
    /// `since`, and what wasn't sent since then is taken out. Objects deleted or unpublished
    /// in between go in `gone`.
    #[oai(path = "/auth/sites/:id/links/", method = "put", tag = "Tag::Auth")]
    async fn record_links(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<LinkRecord>,
    ) -> ApiResult<LinkRecorded> {
        let scope = auth.0.scope()?;
        let pages: Vec<SyncedPage> = body
            .0
            .pages
            .into_iter()
            .map(|p| SyncedPage {
                kind: p.kind.0,
                wp_id: p.wp_id,
                url: p.url,
                title: p.title,
                keywords: p.keywords.unwrap_or_default(),
                modified_at: p.modified_at,
            })
            .collect();
        let gone = body.0.gone.unwrap_or_default();
        if gone.len() > igny8_core::inventory::MAX_RECORDED {
            return Err(igny8_core::Error::field(
                "gone",
                "at most 5000 at a time; send the rest in another call",
            )
            .into());
        }
        let inventory = state.core.inventory();
        let done = inventory
            .record(
                &scope,
                SiteId(id.0),
                pages,
                body.0.complete.unwrap_or(false),
                body.0.since,
            )
            .await?;
        let mut removed = done.removed;
        for g in gone {
            removed += u64::from(
                inventory
                    .forget(&scope, SiteId(id.0), g.kind.0, g.wp_id)
                    .await?,
            );
        }
        Ok(ok(LinkRecorded {
            recorded: done.recorded,
            removed,
            seen_at: done.seen_at,
        }))
    }

    /// Pages of the site that could link to this article, most related first (at most
    /// `limit`, default 10): IGNY8 articles with the paragraph where IGNY8 can insert the
    /// link, other pages for a link by hand. Articles that already link to it are left out.
    #[oai(
        path = "/writer/content/:id/links_back/",
        method = "get",
        tag = "Tag::Writer"
    )]
    async fn links_back(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        limit: Query<Option<u64>>,
    ) -> ApiResult<Vec<LinkBack>> {
        let scope = auth.0.scope()?;
        let limit = limit.0.unwrap_or(10).clamp(1, 100) as usize;
        let found = state
            .core
            .inventory()
            .links_back(&scope, ContentId(id.0), limit)
            .await?;
        Ok(ok(found.into_iter().map(Into::into).collect()))
    }

    /// Pages of the site this article could link to, most related first (at most `limit`,
    /// default 10), each with the words of the article to make the link: for an editor
    /// inserting internal links. `html` is the body as the editor holds it (the stored one
    /// without it); pages it already links to are left out. Nothing is saved.
    #[oai(
        path = "/writer/content/:id/links_out/",
        method = "post",
        tag = "Tag::Writer"
    )]
    async fn links_out(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<LinksOutRequest>,
    ) -> ApiResult<Vec<LinkOut>> {
        let scope = auth.0.scope()?;
        let body = body.0;
        if body
            .html
            .as_ref()
            .is_some_and(|h| h.len() > igny8_core::writer::MAX_HTML_BYTES)
        {
            return Err(igny8_core::Error::field("html", "is longer than 2 MiB").into());
        }
        let limit = body.limit.unwrap_or(10).clamp(1, 50) as usize;
        let found = state
            .core
            .inventory()
            .links_out(&scope, ContentId(id.0), body.html.as_deref(), limit)
            .await?;
        Ok(ok(found.into_iter().map(Into::into).collect()))
    }

    /// Links IGNY8 article `content_id` to this (published) article: the first appearance of
    /// this article's primary keyword in the other's running text becomes the link. Answers
    /// with the changed article; publish it again to show the link in WordPress.
    #[oai(
        path = "/writer/content/:id/links_back/",
        method = "post",
        tag = "Tag::Writer"
    )]
    async fn insert_link_back(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<LinkBackInsert>,
    ) -> ApiResult<Content> {
        let scope = auth.0.scope()?;
        let changed = state
            .core
            .inventory()
            .insert_link_back(&scope, ContentId(body.0.content_id), ContentId(id.0))
            .await?;
        Ok(ok(
            crate::api::writer::checked(&state, &scope, changed).await?
        ))
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
