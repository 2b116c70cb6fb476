//! Writer operations: tasks, content and images, with their status rules.

use crate::Igny8;
use crate::error::{Error, Result};
use crate::ids::*;
use crate::list::{Page, PageRequest};
use crate::planner::check_ids;
use crate::store::Store;
use crate::tenancy::{Permission, Scope};
use crate::writer::seo::SeoReport;
use crate::writer::*;

fn bad_status(what: &str, from: impl std::fmt::Display, to: impl std::fmt::Display) -> Error {
    Error::field("status", format!("a {what} can't go from {from} to {to}"))
}

/// Task operations.
#[derive(Debug)]
pub struct Tasks<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Tasks<'_, S> {
    fn store(&self) -> &S {
        &self.core.store
    }

    /// Creates a task. A target length, page kind or structure it leaves out is the
    /// account's (`content.word_count`, `content.type`, `content.structure`).
    pub async fn create(&self, scope: &Scope, mut task: NewTask) -> Result<Task> {
        scope.require(Permission::Write)?;
        if task.target_word_count.is_none()
            || task.content_type.is_none()
            || task.content_structure.is_none()
        {
            let d = self.core.system().defaults(scope).await?;
            task.target_word_count.get_or_insert(d.word_count);
            task.content_type.get_or_insert(d.content_type);
            task.content_structure.get_or_insert(d.structure);
        }
        self.store().create_task(scope, &task.validate()?).await
    }

    /// One task (any role); [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    pub async fn get(&self, scope: &Scope, id: TaskId) -> Result<Task> {
        scope.require(Permission::Read)?;
        self.store().get_task(scope, id).await
    }

    /// A filtered, ordered page of tasks.
    pub async fn list(
        &self,
        scope: &Scope,
        filter: &TaskFilter,
        sort: &TaskSort,
        page: &PageRequest,
    ) -> Result<Page<Task>> {
        scope.require(Permission::Read)?;
        self.store().list_tasks(scope, filter, sort, page).await
    }

    /// Changes one task (status changes: queued → in progress → done / failed; back to queued).
    pub async fn update(&self, scope: &Scope, id: TaskId, patch: TaskPatch) -> Result<Task> {
        scope.require(Permission::Write)?;
        let patch = patch.validate()?;
        if self.store().update_tasks(scope, &[id], &patch).await? == 0 {
            let current = self.store().get_task(scope, id).await?;
            if let Some(next) = patch.status {
                return Err(bad_status("task", current.status, next));
            }
        }
        self.store().get_task(scope, id).await
    }

    /// Changes many tasks; the number changed.
    pub async fn bulk_update(
        &self,
        scope: &Scope,
        ids: &[TaskId],
        patch: TaskPatch,
    ) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_ids(ids)?;
        self.store()
            .update_tasks(scope, ids, &patch.validate()?)
            .await
    }

    /// Deletes tasks; the number deleted.
    pub async fn delete(&self, scope: &Scope, ids: &[TaskId]) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_ids(ids)?;
        self.store().delete_tasks(scope, ids).await
    }
}

/// Content operations.
#[derive(Debug)]
pub struct Contents<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Contents<'_, S> {
    fn store(&self) -> &S {
        &self.core.store
    }

    /// Creates content (a draft).
    pub async fn create(&self, scope: &Scope, content: NewContent) -> Result<Content> {
        scope.require(Permission::Write)?;
        self.store()
            .create_content(scope, &content.validate()?)
            .await
    }

    /// One piece of content (any role); [`NotFound`](crate::Error::NotFound) when it doesn't exist
    /// or lies outside the scope.
    pub async fn get(&self, scope: &Scope, id: ContentId) -> Result<Content> {
        scope.require(Permission::Read)?;
        self.store().get_content(scope, id).await
    }

    /// A filtered, ordered page of content.
    pub async fn list(
        &self,
        scope: &Scope,
        filter: &ContentFilter,
        sort: &ContentSort,
        page: &PageRequest,
    ) -> Result<Page<Content>> {
        scope.require(Permission::Read)?;
        self.store().list_contents(scope, filter, sort, page).await
    }

    /// What `content` competes with on its site, strongest first
    /// ([`conflicts`](crate::planner::overlap::conflicts)): the site's other articles, its
    /// ideas not written yet and its WordPress posts and pages (its own post aside); `a` of
    /// each pair is the content.
    /// Reported when content is created or written, and on its page.
    pub async fn conflicts(
        &self,
        scope: &Scope,
        content: &Content,
    ) -> Result<Vec<crate::planner::overlap::Overlap>> {
        scope.require(Permission::Read)?;
        let site = content.site_id;
        let target = crate::planner::service::content_target(content.clone());
        crate::planner::service::conflicts(self.core, scope, site, &[target]).await
    }

    /// The SEO checks and score of each content ([`seo::check`](super::seo::check)), in
    /// order: its primary keyword, its task's target length (at least 300 words for content
    /// without a task), the account's `content.language`, and the site's WordPress address
    /// (else the site's own) to tell internal links from external ones. The slug checked is
    /// the one publishing makes from the title.
    pub async fn checks(&self, scope: &Scope, contents: &[Content]) -> Result<Vec<SeoReport>> {
        let slugs = vec![None; contents.len()];
        self.checks_with(scope, contents, &slugs).await
    }

    /// The SEO checks of content `id` as an editor holds it now, nothing saved: the fields
    /// `draft` gives replace the stored ones (a WordPress post's title, body, slug and SEO
    /// fields while it is being edited); the rest is as [`checks`](Self::checks) takes it.
    pub async fn check_draft(
        &self,
        scope: &Scope,
        id: ContentId,
        draft: Draft,
    ) -> Result<SeoReport> {
        if draft
            .html
            .as_ref()
            .is_some_and(|h| h.len() > MAX_HTML_BYTES)
        {
            return Err(Error::field(
                "html",
                format!("is longer than {MAX_HTML_BYTES} bytes: check a shorter article"),
            ));
        }
        let mut content = self.get(scope, id).await?;
        if let Some(title) = draft.title {
            content.title = title;
        }
        if let Some(html) = draft.html {
            content.html = html;
        }
        if let Some(meta_title) = draft.meta_title {
            content.meta_title = Some(meta_title);
        }
        if let Some(meta_description) = draft.meta_description {
            content.meta_description = Some(meta_description);
        }
        let slug = draft.slug.filter(|s| !s.trim().is_empty());
        Ok(self
            .checks_with(scope, std::slice::from_ref(&content), &[slug])
            .await?
            .pop()
            .unwrap_or_default())
    }

    async fn checks_with(
        &self,
        scope: &Scope,
        contents: &[Content],
        slugs: &[Option<String>],
    ) -> Result<Vec<SeoReport>> {
        scope.require(Permission::Read)?;
        if contents.is_empty() {
            return Ok(Vec::new());
        }
        let language = self.core.system().defaults(scope).await?.language;
        let mut sites: Vec<(SiteId, Option<String>)> = Vec::new();
        for c in contents {
            if !sites.iter().any(|(id, _)| *id == c.site_id) {
                let site = self.store().get_site(scope, c.site_id).await?;
                let url = site.wordpress.map(|w| w.url).or(site.url);
                sites.push((c.site_id, url));
            }
        }
        let mut task_ids: Vec<TaskId> = contents.iter().filter_map(|c| c.task_id).collect();
        task_ids.sort();
        task_ids.dedup();
        let mut targets: Vec<(TaskId, i64)> = Vec::with_capacity(task_ids.len());
        for chunk in task_ids.chunks(crate::list::MAX_PAGE_SIZE as usize) {
            let filter = TaskFilter {
                ids: Some(chunk.to_vec()),
                ..TaskFilter::default()
            };
            let mut page = PageRequest::new(1, crate::list::MAX_PAGE_SIZE);
            page.with_total = false;
            let found = self
                .store()
                .list_tasks(scope, &filter, &TaskSort::default(), &page)
                .await?;
            targets.extend(found.items.iter().map(|t| (t.id, t.target_word_count)));
        }
        Ok(contents
            .iter()
            .zip(slugs)
            .map(|(c, slug)| {
                let site_url = sites
                    .iter()
                    .find(|(id, _)| *id == c.site_id)
                    .and_then(|(_, url)| url.as_deref());
                let target_words = c
                    .task_id
                    .and_then(|t| targets.iter().find(|(id, _)| *id == t))
                    .map(|(_, words)| *words);
                super::seo::check(&super::seo::SeoInput {
                    title: &c.title,
                    html: &c.html,
                    meta_title: c.meta_title.as_deref(),
                    meta_description: c.meta_description.as_deref(),
                    slug: slug.as_deref(),
                    primary_keyword: c.primary_keyword.as_deref(),
                    target_words,
                    language: &language,
                    site_url,
                })
            })
            .collect())
    }

    /// Changes one piece of content (status changes: draft ⇄ review → published → draft).
    pub async fn update(
        &self,
        scope: &Scope,
        id: ContentId,
        patch: ContentPatch,
    ) -> Result<Content> {
        scope.require(Permission::Write)?;
        let patch = patch.validate()?;
        if self.store().update_contents(scope, &[id], &patch).await? == 0 {
            let current = self.store().get_content(scope, id).await?;
            if let Some(next) = patch.status {
                return Err(bad_status("content", current.status, next));
            }
        }
        self.store().get_content(scope, id).await
    }

    /// Changes many pieces of content; the number changed.
    pub async fn bulk_update(
        &self,
        scope: &Scope,
        ids: &[ContentId],
        patch: ContentPatch,
    ) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_ids(ids)?;
        if patch.title.is_some() || patch.html.is_some() {
            return Err(Error::field(
                "title",
                "title and html can't be changed in bulk",
            ));
        }
        self.store()
            .update_contents(scope, ids, &patch.validate()?)
            .await
    }

    /// Deletes content and its images; the number deleted.
    pub async fn delete(&self, scope: &Scope, ids: &[ContentId]) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_ids(ids)?;
        self.store().delete_contents(scope, ids).await
    }
}

/// Image operations.
#[derive(Debug)]
pub struct Images<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Images<'_, S> {
    fn store(&self) -> &S {
        &self.core.store
    }

    /// Creates an image (pending, with its prompt).
    pub async fn create(&self, scope: &Scope, image: NewImage) -> Result<Image> {
        scope.require(Permission::Write)?;
        self.store().create_image(scope, &image.validate()?).await
    }

    /// One image (any role); [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    pub async fn get(&self, scope: &Scope, id: ImageId) -> Result<Image> {
        scope.require(Permission::Read)?;
        self.store().get_image(scope, id).await
    }

    /// A filtered page of images.
    pub async fn list(
        &self,
        scope: &Scope,
        filter: &ImageFilter,
        page: &PageRequest,
    ) -> Result<Page<Image>> {
        scope.require(Permission::Read)?;
        self.store().list_images(scope, filter, page).await
    }

    /// Changes one image.
    pub async fn update(&self, scope: &Scope, id: ImageId, patch: ImagePatch) -> Result<Image> {
        scope.require(Permission::Write)?;
        let patch = patch.validate()?;
        if self.store().update_images(scope, &[id], &patch).await? == 0 {
            let current = self.store().get_image(scope, id).await?;
            if let Some(next) = patch.status {
                return Err(bad_status("image", current.status, next));
            }
        }
        self.store().get_image(scope, id).await
    }

    /// Changes many images; the number changed.
    pub async fn bulk_update(
        &self,
        scope: &Scope,
        ids: &[ImageId],
        patch: ImagePatch,
    ) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_ids(ids)?;
        self.store()
            .update_images(scope, ids, &patch.validate()?)
            .await
    }

    /// The bytes of an image stored as a file, with their media type (`image/png`,
    /// `image/jpeg` or `image/webp`). Only files under the media directory are read, whatever
    /// the row says; [`NotFound`](crate::Error::NotFound) when the image has no such file (it
    /// is known by URL only, isn't drawn yet, or lies outside the scope).
    pub async fn file(&self, scope: &Scope, id: ImageId) -> Result<ImageBytes> {
        let image = self.get(scope, id).await?;
        let gone = || crate::Error::NotFound {
            entity: "image file",
            id: id.get(),
        };
        let stored = image.file_path.ok_or_else(gone)?;
        let file = self
            .core
            .ai_config()
            .media_file(&stored)
            .await
            .ok_or_else(gone)?;
        let bytes = tokio::fs::read(&file).await.map_err(|_| gone())?;
        let ext = file
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let content_type = match ext.as_str() {
            "jpg" | "jpeg" => "image/jpeg",
            "webp" => "image/webp",
            _ => "image/png",
        };
        Ok(ImageBytes {
            bytes,
            content_type,
        })
    }

    /// Deletes images; the number deleted.
    pub async fn delete(&self, scope: &Scope, ids: &[ImageId]) -> Result<u64> {
        scope.require(Permission::Write)?;
        check_ids(ids)?;
        self.store().delete_images(scope, ids).await
    }
}
