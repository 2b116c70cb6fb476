//! `writer/`: tasks, content and images.

use igny8_core::writer as w;
use igny8_core::{ContentId, ImageId, SectorId, SiteId, TaskId};
use poem::Request;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Json};

use super::Tag;
use crate::auth::Auth;
use crate::dto::patch;
use crate::dto::planner::{Affected, Ids};
use crate::dto::writer::*;
use crate::dto::{E, Ordering};
use crate::envelope::{ApiError, ApiResult, CreatedResult, created, ok};
use crate::pagination::{ListPage, list_page, page_of};
use crate::query::{ContentQuery, TaskQuery, sort};
use crate::state::AppState;

/// Tasks, content, images.
pub struct WriterApi;

/// A content as the API shows it: with its SEO checks and score.
pub(crate) async fn checked(
    state: &AppState,
    scope: &igny8_core::tenancy::Scope,
    content: w::Content,
) -> Result<Content, ApiError> {
    let report = state
        .core
        .contents()
        .checks(scope, std::slice::from_ref(&content))
        .await?
        .pop()
        .unwrap_or_default();
    Ok(Content::from((content, report)))
}

#[OpenApi(prefix_path = "/writer", tag = "Tag::Writer")]
impl WriterApi {
    /// The writing queue.
    #[oai(path = "/tasks/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list_tasks(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        site_id: Query<Option<i64>>,
        sector_id: Query<Option<i64>>,
        status: Query<Option<E<w::TaskStatus>>>,
        cluster_id: Query<Option<i64>>,
        idea_id: Query<Option<i64>>,
        search: Query<Option<String>>,
        ordering: Query<Option<Ordering<w::TaskSortField>>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<Task>> {
        let scope = auth.0.scope()?;
        let filter = TaskQuery {
            site_id: site_id.0,
            sector_id: sector_id.0,
            status: status.0.map(|s| s.0),
            cluster_id: cluster_id.0,
            idea_id: idea_id.0,
            search: search.0,
        }
        .filter();
        let sort = sort(ordering.0.map(Ordering::into_inner), w::TaskSort::default())?;
        let p = state
            .core
            .tasks()
            .list(
                &scope,
                &filter,
                &sort,
                &page_of(page.0, page_size.0, cursor.0),
            )
            .await?;
        Ok(ok(list_page(req, p, Into::into)))
    }

    /// Creates a task.
    #[oai(path = "/tasks/", method = "post")]
    async fn create_task(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<NewTask>,
    ) -> CreatedResult<Task> {
        let scope = auth.0.scope()?;
        Ok(created(
            state
                .core
                .tasks()
                .create(&scope, body.0.into())
                .await?
                .into(),
        ))
    }

    /// One task.
    #[oai(path = "/tasks/:id/", method = "get")]
    async fn get_task(&self, state: Data<&AppState>, auth: Auth, id: Path<i64>) -> ApiResult<Task> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .tasks()
            .get(&scope, TaskId(id.0))
            .await?
            .into()))
    }

    /// Changes a task.
    #[oai(path = "/tasks/:id/", method = "patch")]
    async fn update_task(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<TaskPatch>,
    ) -> ApiResult<Task> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .tasks()
            .update(&scope, TaskId(id.0), body.0.into())
            .await?
            .into()))
    }

    /// Deletes a task.
    #[oai(path = "/tasks/:id/", method = "delete")]
    async fn delete_task(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        match state.core.tasks().delete(&scope, &[TaskId(id.0)]).await? {
            0 => Err(TaskId(id.0).not_found().into()),
            affected => Ok(ok(Affected { affected })),
        }
    }

    /// Deletes several tasks.
    #[oai(path = "/tasks/bulk_delete/", method = "post")]
    async fn bulk_delete_tasks(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<Ids>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<TaskId> = body.0.ids.into_iter().map(TaskId).collect();
        Ok(ok(Affected {
            affected: state.core.tasks().delete(&scope, &ids).await?,
        }))
    }

    /// Changes several tasks.
    #[oai(path = "/tasks/bulk_update/", method = "post")]
    async fn bulk_update_tasks(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<TaskBulkUpdate>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let b = body.0;
        let ids: Vec<TaskId> = b.ids.into_iter().map(TaskId).collect();
        let p = w::TaskPatch {
            status: b.status.map(|s| s.0),
            target_word_count: b.target_word_count,
            author_profile_id: patch(b.author_profile_id, igny8_core::AuthorProfileId),
            strategy_id: patch(b.strategy_id, igny8_core::StrategyId),
            ..Default::default()
        };
        Ok(ok(Affected {
            affected: state.core.tasks().bulk_update(&scope, &ids, p).await?,
        }))
    }

    /// Content.
    #[oai(path = "/content/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list_content(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        site_id: Query<Option<i64>>,
        sector_id: Query<Option<i64>>,
        status: Query<Option<E<w::ContentStatus>>>,
        task_id: Query<Option<i64>>,
        search: Query<Option<String>>,
        ordering: Query<Option<Ordering<w::ContentSortField>>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<Content>> {
        let scope = auth.0.scope()?;
        let filter = ContentQuery {
            site_id: site_id.0,
            sector_id: sector_id.0,
            status: status.0.map(|s| s.0),
            task_id: task_id.0,
            search: search.0,
        }
        .filter();
        let sort = sort(
            ordering.0.map(Ordering::into_inner),
            w::ContentSort::default(),
        )?;
        let p = state
            .core
            .contents()
            .list(
                &scope,
                &filter,
                &sort,
                &page_of(page.0, page_size.0, cursor.0),
            )
            .await?;
        let mut reports = state
            .core
            .contents()
            .checks(&scope, &p.items)
            .await?
            .into_iter();
        Ok(ok(list_page(req, p, |c| {
            Content::from((c, reports.next().unwrap_or_default()))
        })))
    }

    /// Creates content (a draft), and reports what it competes with on its site.
    #[oai(path = "/content/", method = "post")]
    async fn create_content(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<NewContent>,
    ) -> CreatedResult<CreatedContent> {
        let scope = auth.0.scope()?;
        let content = state.core.contents().create(&scope, body.0.into()).await?;
        let conflicts = state.core.contents().conflicts(&scope, &content).await?;
        Ok(created(CreatedContent {
            content: checked(&state, &scope, content).await?,
            conflicts: conflicts.into_iter().map(Into::into).collect(),
        }))
    }

    /// One piece of content.
    #[oai(path = "/content/:id/", method = "get")]
    async fn get_content(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Content> {
        let scope = auth.0.scope()?;
        let content = state.core.contents().get(&scope, ContentId(id.0)).await?;
        Ok(ok(checked(&state, &scope, content).await?))
    }

    /// Changes content.
    /// The SEO checks of this content as an editor holds it now, nothing saved: the fields
    /// given replace the stored ones (a WordPress post's title, body, slug and SEO fields while
    /// it is edited).
    #[oai(path = "/content/:id/check/", method = "post")]
    async fn check_content_draft(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<ContentDraft>,
    ) -> ApiResult<SeoReport> {
        let scope = auth.0.scope()?;
        let report = state
            .core
            .contents()
            .check_draft(&scope, ContentId(id.0), body.0.into())
            .await?;
        Ok(ok(report.into()))
    }

    #[oai(path = "/content/:id/", method = "patch")]
    async fn update_content(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<ContentPatch>,
    ) -> ApiResult<Content> {
        let scope = auth.0.scope()?;
        let content = state
            .core
            .contents()
            .update(&scope, ContentId(id.0), body.0.into())
            .await?;
        Ok(ok(checked(&state, &scope, content).await?))
    }

    /// Deletes content and its images.
    #[oai(path = "/content/:id/", method = "delete")]
    async fn delete_content(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        match state
            .core
            .contents()
            .delete(&scope, &[ContentId(id.0)])
            .await?
        {
            0 => Err(ContentId(id.0).not_found().into()),
            affected => Ok(ok(Affected { affected })),
        }
    }

    /// Deletes several pieces of content.
    #[oai(path = "/content/bulk_delete/", method = "post")]
    async fn bulk_delete_content(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<Ids>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<ContentId> = body.0.ids.into_iter().map(ContentId).collect();
        Ok(ok(Affected {
            affected: state.core.contents().delete(&scope, &ids).await?,
        }))
    }

    /// Changes several pieces of content.
    #[oai(path = "/content/bulk_update/", method = "post")]
    async fn bulk_update_content(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<ContentBulkUpdate>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let b = body.0;
        let ids: Vec<ContentId> = b.ids.into_iter().map(ContentId).collect();
        let p = w::ContentPatch {
            status: b.status.map(|s| s.0),
            tags: b.tags,
            categories: b.categories,
            ..Default::default()
        };
        Ok(ok(Affected {
            affected: state.core.contents().bulk_update(&scope, &ids, p).await?,
        }))
    }

    /// Images.
    #[oai(path = "/images/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list_images(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        site_id: Query<Option<i64>>,
        sector_id: Query<Option<i64>>,
        content_id: Query<Option<i64>>,
        kind: Query<Option<E<w::ImageKind>>>,
        status: Query<Option<E<w::ImageStatus>>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<Image>> {
        let scope = auth.0.scope()?;
        let filter = w::ImageFilter {
            site_id: site_id.0.map(SiteId),
            sector_id: sector_id.0.map(SectorId),
            content_id: content_id.0.map(ContentId),
            kind: kind.0.map(|k| k.0),
            status: status.0.map(|s| s.0),
            ids: None,
        };
        let p = state
            .core
            .images()
            .list(&scope, &filter, &page_of(page.0, page_size.0, cursor.0))
            .await?;
        Ok(ok(list_page(req, p, Into::into)))
    }

    /// Creates an image (pending, with its prompt).
    #[oai(path = "/images/", method = "post")]
    async fn create_image(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<NewImage>,
    ) -> CreatedResult<Image> {
        let scope = auth.0.scope()?;
        Ok(created(
            state
                .core
                .images()
                .create(&scope, body.0.into())
                .await?
                .into(),
        ))
    }

    /// One image.
    #[oai(path = "/images/:id/", method = "get")]
    async fn get_image(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Image> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .images()
            .get(&scope, ImageId(id.0))
            .await?
            .into()))
    }

    /// The bytes of an image stored as a file (generated images are, unless the provider gave
    /// a URL): `image/png`, `image/jpeg` or `image/webp`. 404 when it has no file.
    #[oai(path = "/images/:id/file/", method = "get")]
    async fn image_file(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Result<ImageFile, ApiError> {
        let scope = auth.0.scope()?;
        let file = state.core.images().file(&scope, ImageId(id.0)).await?;
        Ok(match file.content_type {
            "image/jpeg" => ImageFile::Jpeg(Binary(file.bytes)),
            "image/webp" => ImageFile::Webp(Binary(file.bytes)),
            _ => ImageFile::Png(Binary(file.bytes)),
        })
    }

    /// Changes an image.
    #[oai(path = "/images/:id/", method = "patch")]
    async fn update_image(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<ImagePatch>,
    ) -> ApiResult<Image> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .images()
            .update(&scope, ImageId(id.0), body.0.into())
            .await?
            .into()))
    }

    /// Deletes an image.
    #[oai(path = "/images/:id/", method = "delete")]
    async fn delete_image(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        match state.core.images().delete(&scope, &[ImageId(id.0)]).await? {
            0 => Err(ImageId(id.0).not_found().into()),
            affected => Ok(ok(Affected { affected })),
        }
    }

    /// Deletes several images.
    #[oai(path = "/images/bulk_delete/", method = "post")]
    async fn bulk_delete_images(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<Ids>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<ImageId> = body.0.ids.into_iter().map(ImageId).collect();
        Ok(ok(Affected {
            affected: state.core.images().delete(&scope, &ids).await?,
        }))
    }

    /// Changes several images.
    #[oai(path = "/images/bulk_update/", method = "post")]
    async fn bulk_update_images(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<ImageBulkUpdate>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let b = body.0;
        let ids: Vec<ImageId> = b.ids.into_iter().map(ImageId).collect();
        let p = w::ImagePatch {
            status: b.status.map(|s| s.0),
            size: patch(b.size, |v| v),
            ..Default::default()
        };
        Ok(ok(Affected {
            affected: state.core.images().bulk_update(&scope, &ids, p).await?,
        }))
    }
}
