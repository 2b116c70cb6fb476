//! The writer: tasks (the writing queue), content, and images.

mod content;
mod image;
pub mod links;
pub mod repair;
pub mod seo;
mod service;
mod task;

pub use content::{
    Content, ContentFilter, ContentPatch, ContentSort, ContentSortField, ContentStatus, Draft, Faq,
    FaqEntry, MAX_FAQ_QUESTIONS, MAX_HTML_BYTES, META_DESCRIPTION_CHARS, META_TITLE_CHARS,
    MetaLength, NewContent, count_words,
};
pub use image::{Image, ImageBytes, ImageFilter, ImageKind, ImagePatch, ImageStatus, NewImage};
pub(crate) use image::{SIZE_RULE, check_size_field, parse_size};
pub use service::{Contents, Images, Tasks};
pub use task::{
    DEFAULT_WORD_COUNT, MAX_WORD_COUNT, MIN_WORD_COUNT, NewTask, Task, TaskFilter, TaskPatch,
    TaskSort, TaskSortField, TaskStatus,
};
