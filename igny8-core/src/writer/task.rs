//! Writer tasks: the writing queue.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::error::Result;
use crate::ids::*;
use crate::list::Sort;
use crate::planner::{ContentStructure, ContentType};
use crate::validate::Check;

/// Target length when neither the request, the idea nor the account's `content.word_count`
/// setting gives one.
pub const DEFAULT_WORD_COUNT: i64 = 1500;
/// Shortest target length.
pub const MIN_WORD_COUNT: i64 = 100;
/// Longest target length.
pub const MAX_WORD_COUNT: i64 = 20_000;

string_enum! {
    /// Where a task stands.
    pub enum TaskStatus {
        /// Waiting to be written.
        Queued => "queued",
        /// Being written.
        InProgress => "in_progress",
        /// Written.
        Done => "done",
        /// Writing failed.
        Failed => "failed",
    }
}

impl TaskStatus {
    /// Allowed changes: queued → in progress → done or failed; in progress, failed or done →
    /// queued (retry, rewrite).
    pub fn can_become(self, next: TaskStatus) -> bool {
        use TaskStatus::*;
        self == next
            || matches!(
                (self, next),
                (Queued, InProgress)
                    | (InProgress, Done)
                    | (InProgress, Failed)
                    | (InProgress, Queued)
                    | (Failed, Queued)
                    | (Done, Queued)
            )
    }
}

/// A task of the writing queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The task's id.
    pub id: TaskId,
    /// The account that owns the task; every query is filtered by it.
    pub account_id: AccountId,
    /// The site, taken from the sector.
    pub site_id: SiteId,
    /// The sector the task belongs to.
    pub sector_id: SectorId,
    /// The idea the task was made from; `None` for a task created directly.
    pub idea_id: Option<IdeaId>,
    /// The keyword cluster the task serves, if any.
    pub cluster_id: Option<ClusterId>,
    /// The working title: plain text, 1–500 characters.
    pub title: String,
    /// Instructions for the writer, at most 20,000 characters.
    pub brief: Option<String>,
    /// Keywords to target: at most 200, each at most 255 characters.
    pub keywords: Vec<String>,
    /// The kind of page to write.
    pub content_type: ContentType,
    /// The article's shape, which picks the writing prompt's outline.
    pub content_structure: ContentStructure,
    /// Target length in words, [`MIN_WORD_COUNT`]`..=`[`MAX_WORD_COUNT`].
    pub target_word_count: i64,
    /// Author profile to write as.
    pub author_profile_id: Option<AuthorProfileId>,
    /// The content strategy to follow, if any.
    pub strategy_id: Option<StrategyId>,
    /// Where it stands; changes follow [`TaskStatus::can_become`].
    pub status: TaskStatus,
    /// When the user wants the result published. Stored only: nothing in the core publishes on it.
    pub scheduled_at: Option<DateTime<Utc>>,
    /// When the task was created (the store's clock).
    pub created_at: DateTime<Utc>,
    /// When the task last changed.
    pub updated_at: DateTime<Utc>,
}

/// Input for a new task.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewTask {
    /// The sector to put the task in; the site follows from it.
    pub sector_id: SectorId,
    /// The idea (same sector).
    pub idea_id: Option<IdeaId>,
    /// The cluster (same sector).
    pub cluster_id: Option<ClusterId>,
    /// The working title: plain text, 1–500 characters after collapsing whitespace.
    pub title: String,
    /// Instructions for the writer, at most 20,000 characters; empty stores `None`.
    pub brief: Option<String>,
    /// Keywords to target: at most 200, each at most 255 characters; blanks are dropped.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Page kind (default: the account's `content.type`).
    pub content_type: Option<ContentType>,
    /// Structure (default: the account's `content.structure`).
    pub content_structure: Option<ContentStructure>,
    /// Target length (default: the account's `content.word_count`).
    pub target_word_count: Option<i64>,
    /// An author profile of the account to write as.
    pub author_profile_id: Option<AuthorProfileId>,
    /// A strategy of the account to follow.
    pub strategy_id: Option<StrategyId>,
    /// When the user wants the result published (stored only).
    pub scheduled_at: Option<DateTime<Utc>>,
}

impl NewTask {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        self.title = check.name("title", &self.title, 500);
        check.plain("title", &self.title);
        self.brief = check.opt_text("brief", self.brief.as_deref(), 20_000);
        crate::planner::check_keywords(&mut check, "keywords", &mut self.keywords);
        let words = self.target_word_count.unwrap_or(DEFAULT_WORD_COUNT);
        check.range("target_word_count", words, MIN_WORD_COUNT, MAX_WORD_COUNT);
        self.target_word_count = Some(words);
        check.finish()?;
        Ok(self)
    }
}

/// Changes to a task.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TaskPatch {
    /// New working title (plain text, 1–500 characters).
    pub title: Option<String>,
    /// New brief, or clear it.
    pub brief: Option<Option<String>>,
    /// New keyword list, replacing the old one (at most 200, each at most 255 characters).
    pub keywords: Option<Vec<String>>,
    /// New kind of page.
    pub content_type: Option<ContentType>,
    /// New article shape.
    pub content_structure: Option<ContentStructure>,
    /// New target length in words ([`MIN_WORD_COUNT`]`..=`[`MAX_WORD_COUNT`]).
    pub target_word_count: Option<i64>,
    /// New author profile, or none.
    pub author_profile_id: Option<Option<AuthorProfileId>>,
    /// New strategy, or none.
    pub strategy_id: Option<Option<StrategyId>>,
    /// New status (allowed changes only).
    pub status: Option<TaskStatus>,
    /// New publish time, or none.
    pub scheduled_at: Option<Option<DateTime<Utc>>>,
}

impl TaskPatch {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        if let Some(t) = &self.title {
            let t = check.name("title", t, 500);
            check.plain("title", &t);
            self.title = Some(t);
        }
        if let Some(b) = &self.brief {
            self.brief = Some(check.opt_text("brief", b.as_deref(), 20_000));
        }
        if let Some(k) = &mut self.keywords {
            crate::planner::check_keywords(&mut check, "keywords", k);
        }
        if let Some(w) = self.target_word_count {
            check.range("target_word_count", w, MIN_WORD_COUNT, MAX_WORD_COUNT);
        }
        check.finish()?;
        Ok(self)
    }
}

/// Filters of the task list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskFilter {
    /// Only this site.
    pub site_id: Option<SiteId>,
    /// Only this sector.
    pub sector_id: Option<SectorId>,
    /// Only this status.
    pub status: Option<TaskStatus>,
    /// Only this cluster.
    pub cluster_id: Option<ClusterId>,
    /// Only this idea.
    pub idea_id: Option<IdeaId>,
    /// Titles containing this text.
    pub search: Option<String>,
    /// Only these ids.
    pub ids: Option<Vec<TaskId>>,
}

string_enum! {
    /// Fields the task list can be ordered by.
    pub enum TaskSortField {
        /// Creation order.
        Id => "id",
        /// Title.
        Title => "title",
        /// Target length.
        TargetWordCount => "target_word_count",
        /// Creation time.
        CreatedAt => "created_at",
    }
}

/// The task list's ordering.
pub type TaskSort = Sort<TaskSortField>;

impl Default for TaskSort {
    fn default() -> Self {
        Sort {
            field: TaskSortField::Id,
            descending: true,
        }
    }
}
