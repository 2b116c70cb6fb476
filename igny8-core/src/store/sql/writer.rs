//! Writer tasks, content and images on SQL.

use sea_query::{Expr, ExprTrait, SimpleExpr};

use super::ideas::may_become;
use super::list::{SortSpec, narrow};
use super::{SqlStore, T, to_json};
use crate::error::Result;
use crate::ids::*;
use crate::list::{CursorValue, Page, PageRequest};
use crate::planner::{ContentStructure, ContentType};
use crate::store::WriterStore;
use crate::tenancy::Scope;
use crate::writer::*;

row!(Task: TaskId in Tasks, site_scoped {
    id, account_id, site_id, sector_id, idea_id, cluster_id, title, brief, keywords: json,
    content_type, content_structure, target_word_count, author_profile_id, strategy_id, status,
    scheduled_at, created_at, updated_at,
});

row!(Content: ContentId in Contents, site_scoped {
    id, account_id, site_id, sector_id, task_id, title, html, meta_title, meta_description,
    primary_keyword, secondary_keywords: json, tags: json, categories: json,
    faq: (read_faq, "faq"), word_count, status, wp_post_id, wp_url, published_at, created_at,
    updated_at,
});

/// An article's questions and answers: NULL when it has none.
fn read_faq(r: &super::db::DbRow<'_>) -> Result<Option<Faq>> {
    r.opt_json("faq")
}

row!(Image: ImageId in Images, site_scoped {
    id, account_id, site_id, sector_id, content_id, task_id, kind, position, prompt,
    negative_prompt, provider, model, size, url, file_path, alt_text, status, error, created_at,
    updated_at,
});

impl WriterStore for SqlStore {
    async fn create_task(&self, scope: &Scope, t: &NewTask) -> Result<Task> {
        let site = self.sector_site(scope, t.sector_id).await?;
        if let Some(id) = t.idea_id {
            self.check_ref(
                T::Ideas,
                scope,
                id.get(),
                Some(t.sector_id),
                "idea_id",
                "idea",
            )
            .await?;
        }
        if let Some(id) = t.cluster_id {
            self.check_ref(
                T::Clusters,
                scope,
                id.get(),
                Some(t.sector_id),
                "cluster_id",
                "cluster",
            )
            .await?;
        }
        if let Some(id) = t.author_profile_id {
            self.check_ref(
                T::AuthorProfiles,
                scope,
                id.get(),
                None,
                "author_profile_id",
                "author profile",
            )
            .await?;
        }
        if let Some(id) = t.strategy_id {
            self.check_ref(
                T::Strategies,
                scope,
                id.get(),
                None,
                "strategy_id",
                "strategy",
            )
            .await?;
        }
        let now = self.now_ms();
        let id = self
            .insert_row(
                T::Tasks,
                vec![
                    ("account_id", scope.account().get().into()),
                    ("site_id", site.get().into()),
                    ("sector_id", t.sector_id.get().into()),
                    ("idea_id", t.idea_id.map(|i| i.get()).into()),
                    ("cluster_id", t.cluster_id.map(|i| i.get()).into()),
                    ("title", t.title.clone().into()),
                    ("brief", t.brief.clone().into()),
                    ("keywords", to_json(&t.keywords).into()),
                    (
                        "content_type",
                        t.content_type.unwrap_or(ContentType::Post).as_str().into(),
                    ),
                    (
                        "content_structure",
                        t.content_structure
                            .unwrap_or(ContentStructure::Article)
                            .as_str()
                            .into(),
                    ),
                    (
                        "target_word_count",
                        t.target_word_count.unwrap_or(DEFAULT_WORD_COUNT).into(),
                    ),
                    (
                        "author_profile_id",
                        t.author_profile_id.map(|i| i.get()).into(),
                    ),
                    ("strategy_id", t.strategy_id.map(|i| i.get()).into()),
                    ("status", TaskStatus::Queued.as_str().into()),
                    (
                        "scheduled_at",
                        t.scheduled_at.map(|d| d.timestamp_millis()).into(),
                    ),
                    ("created_at", now.into()),
                    ("updated_at", now.into()),
                ],
                "this task",
            )
            .await?;
        self.get_task(scope, TaskId(id)).await
    }

    async fn get_task(&self, scope: &Scope, id: TaskId) -> Result<Task> {
        self.fetch_scoped(scope, id.get()).await
    }

    async fn list_tasks(
        &self,
        scope: &Scope,
        f: &TaskFilter,
        sort: &TaskSort,
        page: &PageRequest,
    ) -> Result<Page<Task>> {
        let t = self.t(T::Tasks);
        let mut q = self.scoped::<Task>(scope);
        narrow(&mut q, &t)
            .eq("site_id", f.site_id)
            .eq("sector_id", f.sector_id)
            .eq("status", f.status)
            .eq("cluster_id", f.cluster_id)
            .eq("idea_id", f.idea_id)
            .contains("title", &f.search)
            .any("id", &f.ids);
        let id = |x: &Task| x.id.get();
        let d = sort.descending;
        let spec = match sort.field {
            TaskSortField::Id => {
                SortSpec::new("id", d, |x: &Task| CursorValue::Int(x.id.get()), id)
            }
            TaskSortField::Title => {
                SortSpec::new("title", d, |x| CursorValue::Text(x.title.clone()), id)
            }
            TaskSortField::TargetWordCount => SortSpec::new(
                "target_word_count",
                d,
                |x| CursorValue::Int(x.target_word_count),
                id,
            ),
            TaskSortField::CreatedAt => SortSpec::new(
                "created_at",
                d,
                |x| CursorValue::Int(x.created_at.timestamp_millis()),
                id,
            ),
        };
        self.list_page(q, t.clone(), &spec, page).await
    }

    async fn update_tasks(&self, scope: &Scope, ids: &[TaskId], p: &TaskPatch) -> Result<u64> {
        if let Some(Some(id)) = p.author_profile_id {
            self.check_ref(
                T::AuthorProfiles,
                scope,
                id.get(),
                None,
                "author_profile_id",
                "author profile",
            )
            .await?;
        }
        if let Some(Some(id)) = p.strategy_id {
            self.check_ref(
                T::Strategies,
                scope,
                id.get(),
                None,
                "strategy_id",
                "strategy",
            )
            .await?;
        }
        let mut v: Vec<(&'static str, SimpleExpr)> = Vec::new();
        if let Some(x) = &p.title {
            v.push(("title", x.clone().into()));
        }
        if let Some(x) = &p.brief {
            v.push(("brief", x.clone().into()));
        }
        if let Some(x) = &p.keywords {
            v.push(("keywords", to_json(x).into()));
        }
        if let Some(x) = p.content_type {
            v.push(("content_type", x.as_str().into()));
        }
        if let Some(x) = p.content_structure {
            v.push(("content_structure", x.as_str().into()));
        }
        if let Some(x) = p.target_word_count {
            v.push(("target_word_count", x.into()));
        }
        if let Some(x) = p.author_profile_id {
            v.push(("author_profile_id", x.map(|i| i.get()).into()));
        }
        if let Some(x) = p.strategy_id {
            v.push(("strategy_id", x.map(|i| i.get()).into()));
        }
        if let Some(x) = p.scheduled_at {
            v.push(("scheduled_at", x.map(|d| d.timestamp_millis()).into()));
        }
        let only = p.status.map(|next| {
            v.push(("status", next.as_str().into()));
            may_become(
                TaskStatus::ALL,
                next,
                TaskStatus::can_become,
                TaskStatus::as_str,
            )
        });
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.update_rows::<Task>(scope, &ids, v, only, "this task")
            .await
    }

    async fn delete_tasks(&self, scope: &Scope, ids: &[TaskId]) -> Result<u64> {
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.delete_scoped::<Task>(scope, &ids).await
    }

    async fn create_content(&self, scope: &Scope, c: &NewContent) -> Result<Content> {
        let site = self.sector_site(scope, c.sector_id).await?;
        if let Some(id) = c.task_id {
            self.check_ref(
                T::Tasks,
                scope,
                id.get(),
                Some(c.sector_id),
                "task_id",
                "task",
            )
            .await?;
        }
        let now = self.now_ms();
        let id = self
            .insert_row(
                T::Contents,
                vec![
                    ("account_id", scope.account().get().into()),
                    ("site_id", site.get().into()),
                    ("sector_id", c.sector_id.get().into()),
                    ("task_id", c.task_id.map(|i| i.get()).into()),
                    ("title", c.title.clone().into()),
                    ("html", c.html.clone().into()),
                    ("meta_title", c.meta_title.clone().into()),
                    ("meta_description", c.meta_description.clone().into()),
                    ("primary_keyword", c.primary_keyword.clone().into()),
                    ("secondary_keywords", to_json(&c.secondary_keywords).into()),
                    ("tags", to_json(&c.tags).into()),
                    ("categories", to_json(&c.categories).into()),
                    ("faq", c.faq.as_ref().map(to_json).into()),
                    ("word_count", count_words(&c.html).into()),
                    ("status", ContentStatus::Draft.as_str().into()),
                    ("created_at", now.into()),
                    ("updated_at", now.into()),
                ],
                "this content",
            )
            .await?;
        self.get_content(scope, ContentId(id)).await
    }

    async fn get_content(&self, scope: &Scope, id: ContentId) -> Result<Content> {
        self.fetch_scoped(scope, id.get()).await
    }

    async fn list_contents(
        &self,
        scope: &Scope,
        f: &ContentFilter,
        sort: &ContentSort,
        page: &PageRequest,
    ) -> Result<Page<Content>> {
        let t = self.t(T::Contents);
        let mut q = self.scoped::<Content>(scope);
        narrow(&mut q, &t)
            .eq("site_id", f.site_id)
            .eq("sector_id", f.sector_id)
            .eq("status", f.status)
            .eq("task_id", f.task_id)
            .contains("title", &f.search)
            .any("id", &f.ids);
        let id = |x: &Content| x.id.get();
        let d = sort.descending;
        let spec = match sort.field {
            ContentSortField::Id => {
                SortSpec::new("id", d, |x: &Content| CursorValue::Int(x.id.get()), id)
            }
            ContentSortField::Title => {
                SortSpec::new("title", d, |x| CursorValue::Text(x.title.clone()), id)
            }
            ContentSortField::WordCount => {
                SortSpec::new("word_count", d, |x| CursorValue::Int(x.word_count), id)
            }
            ContentSortField::CreatedAt => SortSpec::new(
                "created_at",
                d,
                |x| CursorValue::Int(x.created_at.timestamp_millis()),
                id,
            ),
            ContentSortField::UpdatedAt => SortSpec::new(
                "updated_at",
                d,
                |x| CursorValue::Int(x.updated_at.timestamp_millis()),
                id,
            ),
        };
        self.list_page(q, t.clone(), &spec, page).await
    }

    async fn update_contents(
        &self,
        scope: &Scope,
        ids: &[ContentId],
        p: &ContentPatch,
    ) -> Result<u64> {
        let mut v: Vec<(&'static str, SimpleExpr)> = Vec::new();
        if let Some(x) = &p.title {
            v.push(("title", x.clone().into()));
        }
        if let Some(x) = &p.html {
            v.push(("html", x.clone().into()));
            v.push(("word_count", count_words(x).into()));
        }
        if let Some(x) = &p.meta_title {
            v.push(("meta_title", x.clone().into()));
        }
        if let Some(x) = &p.meta_description {
            v.push(("meta_description", x.clone().into()));
        }
        if let Some(x) = &p.primary_keyword {
            v.push(("primary_keyword", x.clone().into()));
        }
        if let Some(x) = &p.secondary_keywords {
            v.push(("secondary_keywords", to_json(x).into()));
        }
        if let Some(x) = &p.tags {
            v.push(("tags", to_json(x).into()));
        }
        if let Some(x) = &p.categories {
            v.push(("categories", to_json(x).into()));
        }
        if let Some(x) = &p.faq {
            v.push(("faq", x.as_ref().map(to_json).into()));
        }
        if let Some(x) = p.wp_post_id {
            v.push(("wp_post_id", x.into()));
        }
        if let Some(x) = &p.wp_url {
            v.push(("wp_url", x.clone().into()));
        }
        if let Some(x) = p.published_at {
            v.push(("published_at", x.map(|t| t.timestamp_millis()).into()));
        }
        let only = p.status.map(|next| {
            v.push(("status", next.as_str().into()));
            may_become(
                ContentStatus::ALL,
                next,
                ContentStatus::can_become,
                ContentStatus::as_str,
            )
        });
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.update_rows::<Content>(scope, &ids, v, only, "this content")
            .await
    }

    async fn owned_post(&self, scope: &Scope, id: ContentId) -> Result<Option<i64>> {
        let t = self.t(T::Contents);
        let mut q = sea_query::Query::select();
        q.column((t.clone(), "wp_owned_post_id"))
            .from(t.clone())
            .and_where(Expr::col((t.clone(), "account_id")).eq(scope.account().get()))
            .and_where(Expr::col((t.clone(), "id")).eq(id.get()));
        if let Some(site) = scope.site() {
            q.and_where(Expr::col((t, "site_id")).eq(site.get()));
        }
        let found: Option<Option<i64>> = self.db.conn().await?.optional(&q).await?;
        found.ok_or(crate::Error::NotFound {
            entity: ContentId::ENTITY,
            id: id.get(),
        })
    }

    async fn set_owned_post(&self, scope: &Scope, id: ContentId, post: i64) -> Result<()> {
        // No row counted is not an error: MySQL counts only rows whose values changed.
        self.update_rows::<Content>(
            scope,
            &[id.get()],
            vec![("wp_owned_post_id", post.into())],
            None,
            "this content",
        )
        .await?;
        Ok(())
    }

    async fn claim_publishing(
        &self,
        scope: &Scope,
        id: ContentId,
        job: JobId,
    ) -> Result<Option<JobId>> {
        let t = self.t(T::Contents);
        let mut live = sea_query::Query::select();
        live.column("id")
            .from(self.t(T::Jobs))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("status").is_in([
                crate::jobs::JobStatus::Queued.as_str(),
                crate::jobs::JobStatus::Running.as_str(),
            ]));
        let mut claim = sea_query::Query::update();
        claim
            .table(t.clone())
            .value("publishing_job", job.get())
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("id").eq(id.get()))
            .cond_where(
                sea_query::Cond::any()
                    .add(Expr::col("publishing_job").is_null())
                    .add(Expr::col("publishing_job").eq(job.get()))
                    .add(Expr::col("publishing_job").not_in_subquery(live)),
            );
        let mut mark = sea_query::Query::select();
        mark.column("publishing_job")
            .from(t)
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("id").eq(id.get()));
        if let Some(site) = scope.site() {
            claim.and_where(Expr::col("site_id").eq(site.get()));
            mark.and_where(Expr::col("site_id").eq(site.get()));
        }
        let mut tx = self.db.begin().await?;
        tx.execute(&claim).await?;
        // Whichever job holds the mark now: this one, or the one to name in the error.
        let holder: Option<Option<i64>> = tx.optional(&mark).await?;
        tx.commit().await?;
        match holder {
            None => Err(crate::Error::NotFound {
                entity: ContentId::ENTITY,
                id: id.get(),
            }),
            Some(Some(holder)) if holder != job.get() => Ok(Some(JobId(holder))),
            Some(_) => Ok(None),
        }
    }

    async fn delete_contents(&self, scope: &Scope, ids: &[ContentId]) -> Result<u64> {
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.delete_scoped::<Content>(scope, &ids).await
    }

    async fn create_image(&self, scope: &Scope, i: &NewImage) -> Result<Image> {
        let site = self.sector_site(scope, i.sector_id).await?;
        if let Some(id) = i.content_id {
            self.check_ref(
                T::Contents,
                scope,
                id.get(),
                Some(i.sector_id),
                "content_id",
                "content",
            )
            .await?;
        }
        if let Some(id) = i.task_id {
            self.check_ref(
                T::Tasks,
                scope,
                id.get(),
                Some(i.sector_id),
                "task_id",
                "task",
            )
            .await?;
        }
        let now = self.now_ms();
        let id = self
            .insert_row(
                T::Images,
                vec![
                    ("account_id", scope.account().get().into()),
                    ("site_id", site.get().into()),
                    ("sector_id", i.sector_id.get().into()),
                    ("content_id", i.content_id.map(|x| x.get()).into()),
                    ("task_id", i.task_id.map(|x| x.get()).into()),
                    ("kind", i.kind.as_str().into()),
                    ("position", i.position.into()),
                    ("prompt", i.prompt.clone().into()),
                    ("negative_prompt", i.negative_prompt.clone().into()),
                    ("size", i.size.clone().into()),
                    ("alt_text", i.alt_text.clone().into()),
                    ("status", ImageStatus::Pending.as_str().into()),
                    ("created_at", now.into()),
                    ("updated_at", now.into()),
                ],
                "this image",
            )
            .await?;
        self.get_image(scope, ImageId(id)).await
    }

    async fn get_image(&self, scope: &Scope, id: ImageId) -> Result<Image> {
        self.fetch_scoped(scope, id.get()).await
    }

    async fn list_images(
        &self,
        scope: &Scope,
        f: &ImageFilter,
        page: &PageRequest,
    ) -> Result<Page<Image>> {
        let t = self.t(T::Images);
        let mut q = self.scoped::<Image>(scope);
        narrow(&mut q, &t)
            .eq("site_id", f.site_id)
            .eq("sector_id", f.sector_id)
            .eq("content_id", f.content_id)
            .eq("kind", f.kind)
            .eq("status", f.status)
            .any("id", &f.ids);
        let spec = SortSpec::new(
            "id",
            false,
            |x: &Image| CursorValue::Int(x.id.get()),
            |x| x.id.get(),
        );
        self.list_page(q, t.clone(), &spec, page).await
    }

    async fn update_images(&self, scope: &Scope, ids: &[ImageId], p: &ImagePatch) -> Result<u64> {
        let mut v: Vec<(&'static str, SimpleExpr)> = Vec::new();
        if let Some(x) = &p.prompt {
            v.push(("prompt", x.clone().into()));
        }
        if let Some(x) = &p.negative_prompt {
            v.push(("negative_prompt", x.clone().into()));
        }
        if let Some(x) = &p.size {
            v.push(("size", x.clone().into()));
        }
        if let Some(x) = &p.alt_text {
            v.push(("alt_text", x.clone().into()));
        }
        if let Some(x) = p.position {
            v.push(("position", x.into()));
        }
        for (column, value) in [
            ("url", &p.url),
            ("file_path", &p.file_path),
            ("provider", &p.provider),
            ("model", &p.model),
            ("error", &p.error),
        ] {
            if let Some(x) = value {
                v.push((column, x.clone().into()));
            }
        }
        let only = p.status.map(|next| {
            v.push(("status", next.as_str().into()));
            may_become(
                ImageStatus::ALL,
                next,
                ImageStatus::can_become,
                ImageStatus::as_str,
            )
        });
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.update_rows::<Image>(scope, &ids, v, only, "this image")
            .await
    }

    async fn delete_images(&self, scope: &Scope, ids: &[ImageId]) -> Result<u64> {
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.delete_scoped::<Image>(scope, &ids).await
    }
}
