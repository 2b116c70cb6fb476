//! Content: written articles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ai::html;
use crate::enums::string_enum;
use crate::error::Result;
use crate::ids::*;
use crate::list::Sort;
use crate::validate::Check;

string_enum! {
    /// Where a piece of content stands.
    pub enum ContentStatus {
        /// Written, not reviewed.
        Draft => "draft",
        /// Waiting for review.
        Review => "review",
        /// Published on the site.
        Published => "published",
    }
}

impl ContentStatus {
    /// Allowed changes: draft ⇄ review, draft or review → published, published → draft (unpublished).
    pub fn can_become(self, next: ContentStatus) -> bool {
        use ContentStatus::*;
        self == next
            || matches!(
                (self, next),
                (Draft, Review)
                    | (Review, Draft)
                    | (Draft, Published)
                    | (Review, Published)
                    | (Published, Draft)
            )
    }
}

/// A written piece.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Content {
    /// The content's id.
    pub id: ContentId,
    /// The account that owns the content; every query is filtered by it.
    pub account_id: AccountId,
    /// The site, taken from the sector.
    pub site_id: SiteId,
    /// The sector the content belongs to.
    pub sector_id: SectorId,
    /// The writer task it was written for; `None` for content created directly.
    pub task_id: Option<TaskId>,
    /// Title (plain text: never holds markup).
    pub title: String,
    /// HTML body (sanitised on every write).
    pub html: String,
    /// SEO title (plain text).
    pub meta_title: Option<String>,
    /// SEO description (plain text).
    pub meta_description: Option<String>,
    /// The main keyword, at most 255 characters.
    pub primary_keyword: Option<String>,
    /// Further keywords: at most 100, each at most 200 characters, no duplicates ignoring case.
    pub secondary_keywords: Vec<String>,
    /// WordPress tags to publish with: plain text, at most 50, each at most 200 characters.
    pub tags: Vec<String>,
    /// WordPress categories to publish with: plain text, at most 20, each at most 200 characters.
    pub categories: Vec<String>,
    /// Questions readers ask, answered after the article ([`Faq`]); `None` without one.
    pub faq: Option<Faq>,
    /// Words in the body ([`count_words`]), recounted by the store on every write of the body.
    pub word_count: i64,
    /// Where it stands; changes follow [`ContentStatus::can_become`].
    pub status: ContentStatus,
    /// The WordPress post, once published. Publishing updates it only if IGNY8 made it for
    /// this content (or it carries this content's marker).
    pub wp_post_id: Option<i64>,
    /// The post's URL.
    pub wp_url: Option<String>,
    /// When it was (or is scheduled to be) published.
    pub published_at: Option<DateTime<Utc>>,
    /// When the content was created.
    pub created_at: DateTime<Utc>,
    /// When the content last changed.
    pub updated_at: DateTime<Utc>,
}

/// A section of questions and answers after the article: written by Generate Content from the
/// cluster's question keywords when `content.faq_questions` asks for it, published as a
/// heading with a subheading and a paragraph per question, and kept here as data so that a
/// schema plugin (or the post meta `_igny8_faq`) can mark it up as an `FAQPage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faq {
    /// The section's heading ("Frequently asked questions", in the article's language).
    pub heading: String,
    /// The questions, in order.
    pub questions: Vec<FaqEntry>,
}

/// One question of a [`Faq`], with its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaqEntry {
    /// The question: plain text, 1–300 characters.
    pub question: String,
    /// The answer: plain text, 1–2000 characters.
    pub answer: String,
}

/// Most questions a [`Faq`] holds.
pub const MAX_FAQ_QUESTIONS: usize = 10;

impl Faq {
    /// Checks a FAQ given as input: plain text within the lengths, at most
    /// [`MAX_FAQ_QUESTIONS`]; an empty one (no question) is none.
    pub(crate) fn checked(self, check: &mut Check) -> Option<Faq> {
        if self.questions.is_empty() {
            return None;
        }
        let heading = check.name("faq.heading", &self.heading, 200);
        check.plain("faq.heading", &heading);
        if self.questions.len() > MAX_FAQ_QUESTIONS {
            check.fail(
                "faq.questions",
                format!("may hold at most {MAX_FAQ_QUESTIONS} questions"),
            );
        }
        let questions = self
            .questions
            .into_iter()
            .enumerate()
            .map(|(i, q)| {
                let n = i + 1;
                let question = check.name(&format!("faq.questions.{n}.question"), &q.question, 300);
                check.plain(&format!("faq.questions.{n}.question"), &question);
                let answer = crate::validate::collapse_whitespace(&q.answer);
                let field = format!("faq.questions.{n}.answer");
                if answer.is_empty() {
                    check.fail(&field, "is required");
                } else if answer.chars().count() > 2000 {
                    check.fail(&field, "must be at most 2000 characters");
                }
                check.plain(&field, &answer);
                FaqEntry { question, answer }
            })
            .collect();
        Some(Faq { heading, questions })
    }

    /// The section as HTML: the heading, then each question as a subheading with its answer
    /// as a paragraph (text escaped).
    pub fn html(&self) -> String {
        let mut out = format!("<h2>{}</h2>", html::escape(&self.heading));
        for q in &self.questions {
            out.push_str(&format!(
                "<h3>{}</h3><p>{}</p>",
                html::escape(&q.question),
                html::escape(&q.answer)
            ));
        }
        out
    }
}

impl Content {
    /// What it is written for: the primary keyword first, then the secondary ones.
    pub fn keywords(&self) -> Vec<String> {
        self.primary_keyword
            .iter()
            .chain(&self.secondary_keywords)
            .cloned()
            .collect()
    }
}

/// The characters of a meta title search results show; longer ones are cut off.
pub const META_TITLE_CHARS: (usize, usize) = (30, 60);
/// The characters a meta description reads best in.
pub const META_DESCRIPTION_CHARS: (usize, usize) = (120, 160);

/// How a meta field's length compares with what search results show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetaLength {
    /// Not set: search engines pick something themselves.
    Missing,
    /// Shorter than the range: room left unused.
    Short,
    /// Within the range.
    Good,
    /// Longer than the range: cut off in results.
    TooLong,
}

impl MetaLength {
    /// The length of `text` in characters, judged against `range` (one of
    /// [`META_TITLE_CHARS`], [`META_DESCRIPTION_CHARS`]).
    pub fn of(text: &str, range: (usize, usize)) -> (usize, Self) {
        let n = text.trim().chars().count();
        let verdict = if n == 0 {
            Self::Missing
        } else if n < range.0 {
            Self::Short
        } else if n > range.1 {
            Self::TooLong
        } else {
            Self::Good
        };
        (n, verdict)
    }
}

/// Counts the words of an HTML body (text outside tags, entities as one character).
pub fn count_words(html: &str) -> i64 {
    let mut words = 0;
    let mut in_tag = false;
    let mut in_word = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                in_word = false;
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c if c.is_alphanumeric() => {
                if !in_word {
                    words += 1;
                    in_word = true;
                }
            }
            '\'' | '’' | '-' if in_word => {}
            _ => in_word = false,
        }
    }
    words
}

fn check_list(check: &mut Check, field: &str, items: &mut Vec<String>, max_items: usize) {
    items
        .iter_mut()
        .for_each(|t| *t = crate::validate::collapse_whitespace(t));
    items.retain(|t| !t.is_empty());
    let mut seen = std::collections::HashSet::new();
    items.retain(|t| seen.insert(t.to_lowercase()));
    if items.len() > max_items {
        check.fail(field, format!("may hold at most {max_items} entries"));
    }
    if items.iter().any(|t| t.chars().count() > 200) {
        check.fail(field, "has an entry over 200 characters");
    }
}

/// Tags and categories: a list as [`check_list`] checks it, each entry plain text (they
/// become WordPress terms, shown as text).
fn check_terms(check: &mut Check, field: &str, items: &mut Vec<String>, max_items: usize) {
    check_list(check, field, items, max_items);
    check.plain_all(field, items);
}

/// Plain text in an optional text field.
fn plain_opt(check: &mut Check, field: &str, value: &Option<String>) {
    if let Some(v) = value {
        check.plain(field, v);
    }
}

/// Input for new content. Text fields must be plain text; the HTML body is sanitised (the
/// same allow-list as generated articles) before it is stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewContent {
    /// The sector to put the content in; the site follows from it.
    pub sector_id: SectorId,
    /// The task (same sector).
    pub task_id: Option<TaskId>,
    /// The title: plain text, 1–500 characters after collapsing whitespace.
    pub title: String,
    /// The HTML body, at most [`MAX_HTML_BYTES`]; sanitised by validation.
    #[serde(default)]
    pub html: String,
    /// The SEO title: plain text, at most 300 characters.
    pub meta_title: Option<String>,
    /// The SEO description: plain text, at most 1000 characters.
    pub meta_description: Option<String>,
    /// The main keyword, at most 255 characters.
    pub primary_keyword: Option<String>,
    /// Further keywords: at most 100, each at most 200 characters; blanks and duplicates dropped.
    #[serde(default)]
    pub secondary_keywords: Vec<String>,
    /// WordPress tags: plain text, at most 50, each at most 200 characters; blanks and duplicates
    /// dropped.
    #[serde(default)]
    pub tags: Vec<String>,
    /// WordPress categories: plain text, at most 20, each at most 200 characters; blanks and
    /// duplicates dropped.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Questions and answers after the article (at most [`MAX_FAQ_QUESTIONS`]); none when
    /// `None` or without questions.
    #[serde(default)]
    pub faq: Option<Faq>,
}

/// Longest HTML body (bytes).
pub const MAX_HTML_BYTES: usize = 2 * 1024 * 1024;

impl NewContent {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        self.title = check.name("title", &self.title, 500);
        check.plain("title", &self.title);
        if self.html.len() > MAX_HTML_BYTES {
            check.fail("html", "is larger than 2 MiB");
        }
        self.meta_title = check.opt_text("meta_title", self.meta_title.as_deref(), 300);
        plain_opt(&mut check, "meta_title", &self.meta_title);
        self.meta_description =
            check.opt_text("meta_description", self.meta_description.as_deref(), 1000);
        plain_opt(&mut check, "meta_description", &self.meta_description);
        self.primary_keyword =
            check.opt_text("primary_keyword", self.primary_keyword.as_deref(), 255);
        check_list(
            &mut check,
            "secondary_keywords",
            &mut self.secondary_keywords,
            100,
        );
        check_terms(&mut check, "tags", &mut self.tags, 50);
        check_terms(&mut check, "categories", &mut self.categories, 20);
        self.faq = self.faq.and_then(|f| f.checked(&mut check));
        check.finish()?;
        self.html = html::sanitize_html(&self.html);
        Ok(self)
    }
}

/// A content as an editor holds it now, for checks that save nothing
/// ([`Contents::check_draft`](super::Contents::check_draft)): each field given replaces the
/// stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    /// The title.
    pub title: Option<String>,
    /// The body (HTML; block comments are fine), at most [`MAX_HTML_BYTES`].
    pub html: Option<String>,
    /// The SEO title.
    pub meta_title: Option<String>,
    /// The SEO description.
    pub meta_description: Option<String>,
    /// The post's slug; without it, the one publishing makes from the title.
    pub slug: Option<String>,
}

/// Changes to content: text fields must be plain text, a new body is sanitised.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ContentPatch {
    /// New title (plain text, 1–500 characters); refused in a bulk update.
    pub title: Option<String>,
    /// New HTML body (at most [`MAX_HTML_BYTES`], sanitised); refused in a bulk update.
    pub html: Option<String>,
    /// New SEO title, or clear it.
    pub meta_title: Option<Option<String>>,
    /// New SEO description, or clear it.
    pub meta_description: Option<Option<String>>,
    /// New main keyword, or clear it.
    pub primary_keyword: Option<Option<String>>,
    /// New further keywords, replacing the old list.
    pub secondary_keywords: Option<Vec<String>>,
    /// New tags, replacing the old list.
    pub tags: Option<Vec<String>>,
    /// New categories, replacing the old list.
    pub categories: Option<Vec<String>>,
    /// New questions and answers, replacing the old ones; `Some(None)` (or no questions)
    /// removes them.
    #[serde(default)]
    pub faq: Option<Option<Faq>>,
    /// New status (allowed changes only).
    pub status: Option<ContentStatus>,
    /// The WordPress post it was published as (set by publishing).
    #[serde(default)]
    pub wp_post_id: Option<Option<i64>>,
    /// The post's URL (set by publishing).
    #[serde(default)]
    pub wp_url: Option<Option<String>>,
    /// When it was (or will be) published (set by publishing).
    #[serde(default)]
    pub published_at: Option<Option<DateTime<Utc>>>,
}

impl ContentPatch {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        if let Some(t) = &self.title {
            let t = check.name("title", t, 500);
            check.plain("title", &t);
            self.title = Some(t);
        }
        if self.html.as_ref().is_some_and(|h| h.len() > MAX_HTML_BYTES) {
            check.fail("html", "is larger than 2 MiB");
        }
        if let Some(v) = &self.meta_title {
            let v = check.opt_text("meta_title", v.as_deref(), 300);
            plain_opt(&mut check, "meta_title", &v);
            self.meta_title = Some(v);
        }
        if let Some(v) = &self.meta_description {
            let v = check.opt_text("meta_description", v.as_deref(), 1000);
            plain_opt(&mut check, "meta_description", &v);
            self.meta_description = Some(v);
        }
        if let Some(v) = &self.primary_keyword {
            self.primary_keyword = Some(check.opt_text("primary_keyword", v.as_deref(), 255));
        }
        if let Some(v) = &mut self.secondary_keywords {
            check_list(&mut check, "secondary_keywords", v, 100);
        }
        if let Some(v) = &mut self.tags {
            check_terms(&mut check, "tags", v, 50);
        }
        if let Some(v) = &mut self.categories {
            check_terms(&mut check, "categories", v, 20);
        }
        if let Some(faq) = self.faq.take() {
            self.faq = Some(faq.and_then(|f| f.checked(&mut check)));
        }
        if let Some(Some(id)) = self.wp_post_id
            && id <= 0
        {
            check.fail(
                "wp_post_id",
                "must be a WordPress post id (a positive number)",
            );
        }
        if let Some(Some(url)) = &self.wp_url
            && (url.len() > 2000 || !(url.starts_with("https://") || url.starts_with("http://")))
        {
            check.fail(
                "wp_url",
                "must be an http(s) URL of at most 2000 characters",
            );
        }
        check.finish()?;
        self.html = self.html.map(|h| html::sanitize_html(&h));
        Ok(self)
    }
}

/// Filters of the content list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContentFilter {
    /// Only this site.
    pub site_id: Option<SiteId>,
    /// Only this sector.
    pub sector_id: Option<SectorId>,
    /// Only this status.
    pub status: Option<ContentStatus>,
    /// Only this task.
    pub task_id: Option<TaskId>,
    /// Titles containing this text.
    pub search: Option<String>,
    /// Only these ids.
    pub ids: Option<Vec<ContentId>>,
}

string_enum! {
    /// Fields the content list can be ordered by.
    pub enum ContentSortField {
        /// Creation order.
        Id => "id",
        /// Title.
        Title => "title",
        /// Length.
        WordCount => "word_count",
        /// Creation time.
        CreatedAt => "created_at",
        /// Last change.
        UpdatedAt => "updated_at",
    }
}

/// The content list's ordering.
pub type ContentSort = Sort<ContentSortField>;

impl Default for ContentSort {
    fn default() -> Self {
        Sort {
            field: ContentSortField::Id,
            descending: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_outside_tags() {
        assert_eq!(
            count_words("<h2 class=\"x\">Hello world</h2><p>It's a well-known fact.</p>"),
            6
        );
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("<p>café crème</p>"), 2);
    }

    #[test]
    fn status_changes() {
        use ContentStatus::*;
        assert!(Draft.can_become(Published));
        assert!(!Published.can_become(Review));
    }
}

#[cfg(test)]
mod meta_tests {
    use super::*;

    #[test]
    fn meta_lengths_are_judged_in_characters() {
        assert_eq!(
            MetaLength::of("", META_DESCRIPTION_CHARS),
            (0, MetaLength::Missing)
        );
        assert_eq!(
            MetaLength::of(&"a".repeat(90), META_DESCRIPTION_CHARS).1,
            MetaLength::Short
        );
        assert_eq!(
            MetaLength::of(&"a".repeat(150), META_DESCRIPTION_CHARS).1,
            MetaLength::Good
        );
        assert_eq!(
            MetaLength::of(&"é".repeat(61), META_TITLE_CHARS),
            (61, MetaLength::TooLong)
        );
    }
}
