//! The store for tasks, contents and images.

use std::future::Future;

use crate::error::Result;
use crate::ids::*;
use crate::list::{Page, PageRequest};
use crate::tenancy::Scope;
use crate::writer::{
    Content, ContentFilter, ContentPatch, ContentSort, Image, ImageFilter, ImagePatch, NewContent,
    NewImage, NewTask, Task, TaskFilter, TaskPatch, TaskSort,
};

/// Writer tasks, content and images.
pub trait WriterStore: Send + Sync {
    /// Creates a task (its idea, cluster, author profile and strategy must be the account's).
    fn create_task(
        &self,
        scope: &Scope,
        task: &NewTask,
    ) -> impl Future<Output = Result<Task>> + Send;
    /// One task; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_task(&self, scope: &Scope, id: TaskId) -> impl Future<Output = Result<Task>> + Send;
    /// A filtered, ordered page.
    fn list_tasks(
        &self,
        scope: &Scope,
        filter: &TaskFilter,
        sort: &TaskSort,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Task>>> + Send;
    /// Changes tasks (status changes only where allowed); the number changed.
    fn update_tasks(
        &self,
        scope: &Scope,
        ids: &[TaskId],
        patch: &TaskPatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes tasks; the number deleted.
    fn delete_tasks(
        &self,
        scope: &Scope,
        ids: &[TaskId],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Creates content.
    fn create_content(
        &self,
        scope: &Scope,
        content: &NewContent,
    ) -> impl Future<Output = Result<Content>> + Send;
    /// One piece of content; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_content(
        &self,
        scope: &Scope,
        id: ContentId,
    ) -> impl Future<Output = Result<Content>> + Send;
    /// A filtered, ordered page.
    fn list_contents(
        &self,
        scope: &Scope,
        filter: &ContentFilter,
        sort: &ContentSort,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Content>>> + Send;
    /// Changes content (status changes only where allowed); the number changed.
    fn update_contents(
        &self,
        scope: &Scope,
        ids: &[ContentId],
        patch: &ContentPatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// The WordPress post IGNY8's publisher made (or found by its marker) for the content, as
    /// recorded by [`WriterStore::set_owned_post`].
    fn owned_post(
        &self,
        scope: &Scope,
        id: ContentId,
    ) -> impl Future<Output = Result<Option<i64>>> + Send;
    /// Records the WordPress post the publisher made (or found by its marker) for the content.
    /// Only publishing calls this; no patch reaches it.
    fn set_owned_post(
        &self,
        scope: &Scope,
        id: ContentId,
        post: i64,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Marks the content as being published by `job`, unless another publish job that is still
    /// queued or running marked it first: `None` when the mark is `job`'s (now or already),
    /// else the job that holds it. Atomic: of two jobs claiming at once, one gets it.
    fn claim_publishing(
        &self,
        scope: &Scope,
        id: ContentId,
        job: JobId,
    ) -> impl Future<Output = Result<Option<JobId>>> + Send;
    /// Deletes content (and its images); the number deleted.
    fn delete_contents(
        &self,
        scope: &Scope,
        ids: &[ContentId],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Creates an image.
    fn create_image(
        &self,
        scope: &Scope,
        image: &NewImage,
    ) -> impl Future<Output = Result<Image>> + Send;
    /// One image; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_image(&self, scope: &Scope, id: ImageId) -> impl Future<Output = Result<Image>> + Send;
    /// A filtered page, by content then position.
    fn list_images(
        &self,
        scope: &Scope,
        filter: &ImageFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Image>>> + Send;
    /// Changes images (status changes only where allowed); the number changed.
    fn update_images(
        &self,
        scope: &Scope,
        ids: &[ImageId],
        patch: &ImagePatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes images; the number deleted.
    fn delete_images(
        &self,
        scope: &Scope,
        ids: &[ImageId],
    ) -> impl Future<Output = Result<u64>> + Send;
}
