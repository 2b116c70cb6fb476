//! Generate Content: a writer task → an article (HTML body, meta title and description, tags,
//! categories), saved as the task's content (written again in place when the task already has
//! one, never duplicated).
//!
//! Articles up to [`LONG_ARTICLE_WORDS`] are written in one call. Longer ones are planned
//! first (title, meta, introduction and sections with a word budget each), then written
//! section by section, so the final length lands within ±[`WORD_TOLERANCE`] of the target:
//! a piece that comes back far from its budget is asked for once more with its count named.
//! The HTML is sanitised before it is saved (no scripts, no event handlers, well formed).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::prompts::{chat_request, data_request};
use super::{AiFunction, Run, Saved, Unit};
use crate::Igny8;
use crate::ai::html;
use crate::ai::pricing::Work;
use crate::ai::provider::{ChatMessage, ChatRequest};
use crate::credits::Reference;
use crate::error::{Error, Result};
use crate::ids::*;
use crate::jobs::JobKind;
use crate::list::PageRequest;
use crate::planner::{ContentIdea, check_ids};
use crate::store::Store;
use crate::tenancy::Scope;
use crate::thinker::{AuthorProfile, PromptType, Strategy};
use crate::writer::*;

/// The tone of an article when neither the request, the task's author profile nor the
/// account's `content.tone` setting sets one.
pub const DEFAULT_TONE: &str = "clear, friendly and expert";
/// The language of an article when neither the request, the task's author profile nor the
/// account's `content.language` setting sets one; it goes into the prompt as written.
pub const DEFAULT_LANGUAGE: &str = "English";
/// Targets above this many words are written section by section.
pub const LONG_ARTICLE_WORDS: i64 = 1200;
/// How far the final word count may be from the target: 0.15 is ±15%.
pub const WORD_TOLERANCE: f64 = 0.15;
/// A section (or short article) further than this from its budget is asked for again.
const REDO_TOLERANCE: f64 = 0.3;

/// The input of Generate Content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerateContentInput {
    /// The tasks.
    pub ids: Vec<TaskId>,
    /// Words, instead of each task's target.
    #[serde(default)]
    pub word_count: Option<i64>,
    /// Tone, instead of the author profile's (default: the account's `content.tone`).
    #[serde(default)]
    pub tone: Option<String>,
    /// Language, instead of the author profile's (default: the account's
    /// `content.language`, English unless changed).
    #[serde(default)]
    pub language: Option<String>,
}

/// Generate Content.
#[derive(Debug, Clone, Copy, Default)]
pub struct GenerateContent;

/// A task ready for the prompt.
#[derive(Debug)]
pub struct PreparedTask {
    task: Task,
    idea: Option<ContentIdea>,
    author: Option<AuthorProfile>,
    strategy: Option<Strategy>,
    site: String,
    sector: String,
    words: i64,
    tone: String,
    language: String,
    existing: Option<ContentId>,
    /// The site's address, to tell its links from other sites'.
    site_url: Option<String>,
    /// The site's pages an internal link may point to (its published articles), the most
    /// related to the task first.
    inventory: Vec<links::LinkTarget>,
    /// The article's own address, when it is rewritten after publishing.
    own_url: Option<String>,
    /// The most internal links kept (`content.internal_links`).
    max_links: usize,
    /// The questions to answer after the article, when `content.faq_questions` asks for them.
    faq: Option<FaqAsk>,
}

/// What the FAQ after an article is written from.
#[derive(Debug, Clone)]
struct FaqAsk {
    /// How many questions in all (`content.faq_questions`).
    count: usize,
    /// The question keywords of the task's cluster (at most `count`), most searched first.
    questions: Vec<String>,
}

/// What the model is asked: the whole article, or a plan and then its sections.
#[derive(Debug)]
pub enum ArticlePrompt {
    /// One call.
    Whole(ChatRequest),
    /// The plan call; the brief is the rendered content prompt the sections are written from.
    Sections {
        /// The plan request.
        plan: ChatRequest,
        /// The rendered content prompt.
        brief: String,
    },
}

/// The article as written.
#[derive(Debug, Clone, Deserialize)]
pub struct Article {
    title: String,
    meta_title: String,
    meta_description: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    html: String,
    /// The questions and answers after the article, when they were asked for.
    #[serde(default)]
    faq: Option<Faq>,
    /// The model was asked again to use the primary keyword early (not part of its answer).
    #[serde(skip)]
    reasked_for_keyword: bool,
}

fn meta_properties() -> serde_json::Map<String, Value> {
    let strings = json!({"type": "array", "items": {"type": "string"}});
    let mut m = serde_json::Map::new();
    m.insert("title".into(), json!({"type": "string", "minLength": 3}));
    m.insert("meta_title".into(), json!({"type": "string"}));
    m.insert("meta_description".into(), json!({"type": "string"}));
    m.insert("tags".into(), strings.clone());
    m.insert("categories".into(), strings);
    m
}

/// The `faq` of an answer: a heading and the questions with their answers.
fn faq_schema() -> Value {
    json!({"type": "object", "additionalProperties": false, "required": ["heading", "questions"],
    "properties": {
        "heading": {"type": "string", "minLength": 1},
        "questions": {"type": "array", "items": {
            "type": "object", "additionalProperties": false,
            "required": ["question", "answer"],
            "properties": {
                "question": {"type": "string", "minLength": 1},
                "answer": {"type": "string", "minLength": 1},
            },
        }},
    }})
}

/// `schema` (an object schema) with a required `faq` when questions are asked for.
fn with_faq(mut schema: Value, faq: bool) -> Value {
    if faq {
        schema["properties"]["faq"] = faq_schema();
        if let Some(required) = schema["required"].as_array_mut() {
            required.push(json!("faq"));
        }
    }
    schema
}

fn whole_schema(faq: bool) -> Value {
    let mut props = meta_properties();
    props.insert("html".into(), json!({"type": "string", "minLength": 1}));
    with_faq(
        json!({"type": "object", "additionalProperties": false,
            "required": ["title", "meta_title", "meta_description", "tags", "categories", "html"],
            "properties": props}),
        faq,
    )
}

/// What the model is told about the questions to answer after the article.
fn faq_instruction(ask: &FaqAsk, primary: &str, language: &str) -> String {
    let mut out = format!(
        "After the article, answer {} questions readers ask about \"{primary}\", in `faq`: a \
         heading for the section in {language} (such as \"Frequently asked questions\"), and \
         each question with a direct answer of 40 to 80 words in plain text (no HTML, no \
         links). Don't repeat the questions in `html`.",
        ask.count
    );
    if ask.questions.is_empty() {
        out.push_str(" Choose the questions people search for most.");
    } else {
        out.push_str(" Answer these questions people search for, in this order");
        if ask.questions.len() < ask.count {
            out.push_str(", then add the most searched others");
        }
        out.push_str(":\n");
        for q in &ask.questions {
            out.push_str(&format!("- {q}\n"));
        }
    }
    out
}

fn plan_schema(faq: bool) -> Value {
    let mut props = meta_properties();
    props.insert("intro_html".into(), json!({"type": "string"}));
    props.insert(
        "sections".into(),
        json!({"type": "array", "minItems": 2, "items": {
            "type": "object", "additionalProperties": false,
            "required": ["heading", "notes", "words"],
            "properties": {
                "heading": {"type": "string", "minLength": 1},
                "notes": {"type": "string"},
                "words": {"type": "integer"},
            },
        }}),
    );
    with_faq(
        json!({"type": "object", "additionalProperties": false,
            "required": ["title", "meta_title", "meta_description", "tags", "categories",
                         "intro_html", "sections"],
            "properties": props}),
        faq,
    )
}

fn section_schema() -> Value {
    json!({"type": "object", "additionalProperties": false, "required": ["html"],
        "properties": {"html": {"type": "string", "minLength": 1}}})
}

#[derive(Debug, Deserialize)]
struct Plan {
    title: String,
    meta_title: String,
    meta_description: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    intro_html: String,
    sections: Vec<PlannedSection>,
    #[serde(default)]
    faq: Option<Faq>,
}

#[derive(Debug, Deserialize)]
struct PlannedSection {
    heading: String,
    #[serde(default)]
    notes: String,
    words: i64,
}

fn outline_text(idea: Option<&ContentIdea>) -> String {
    let Some(idea) = idea.filter(|i| !i.outline.is_empty()) else {
        return "(choose the sections yourself)".to_owned();
    };
    let mut out = String::new();
    for (i, s) in idea.outline.iter().enumerate() {
        out.push_str(&format!("{}. {}", i + 1, s.heading));
        if !s.notes.is_empty() {
            out.push_str(&format!(" — {}", s.notes));
        }
        out.push('\n');
        for sub in &s.subsections {
            out.push_str(&format!("   - {sub}\n"));
        }
    }
    out
}

/// Whether `words` is within `tolerance` of `target`.
fn within(words: i64, target: i64, tolerance: f64) -> bool {
    let t = target as f64;
    (words as f64) >= t * (1.0 - tolerance) && (words as f64) <= t * (1.0 + tolerance)
}

fn distance(words: i64, target: i64) -> i64 {
    (words - target).abs()
}

/// Moves the task to `in_progress` (through `queued` from `done` or `failed`).
async fn start_task<S: Store>(core: &Igny8<S>, scope: &Scope, task: &Task) -> Result<()> {
    let set = |status| TaskPatch {
        status: Some(status),
        ..TaskPatch::default()
    };
    if matches!(task.status, TaskStatus::Done | TaskStatus::Failed) {
        core.tasks()
            .update(scope, task.id, set(TaskStatus::Queued))
            .await?;
    }
    if task.status != TaskStatus::InProgress {
        core.tasks()
            .update(scope, task.id, set(TaskStatus::InProgress))
            .await?;
    }
    Ok(())
}

impl GenerateContent {
    /// Asks once more when `words` is far from `target`, with the count named; keeps the
    /// answer closer to the target. `count` reads the words of an answer.
    async fn closer<S: Store>(
        run: &Run<'_, S>,
        request: &ChatRequest,
        first: Value,
        target: i64,
        count: impl Fn(&Value) -> i64,
    ) -> Result<Value> {
        let words = count(&first);
        if within(words, target, REDO_TOLERANCE) {
            return Ok(first);
        }
        let lo = (target as f64 * (1.0 - WORD_TOLERANCE)).round() as i64;
        let hi = (target as f64 * (1.0 + WORD_TOLERANCE)).round() as i64;
        let mut again = request.clone();
        again.messages.push(ChatMessage::assistant(
            serde_json::to_string(&first).unwrap_or_default(),
        ));
        again.messages.push(ChatMessage::user(format!(
            "That has {words} words; it must have {lo}–{hi} words (about {target}). {} \
             Answer again in the same JSON shape.",
            if words < target {
                "Expand it with substance: examples, specifics, steps — no padding."
            } else {
                "Tighten it: cut repetition and filler, keep every point."
            }
        )));
        let second = run.chat(&again).await?;
        Ok(
            if distance(count(&second), target) < distance(words, target) {
                second
            } else {
                first
            },
        )
    }
}

impl GenerateContent {
    /// An answer whose first 100 words (of its `field`: the whole article's `html`, a long
    /// article's plan's `intro_html`) don't use the primary keyword is asked for once more,
    /// naming the keyword; the second answer is kept when it does. Whether it asked.
    async fn keyword_up_front<S: Store>(
        run: &Run<'_, S>,
        request: &ChatRequest,
        answer: Value,
        keyword: Option<&String>,
        field: &str,
    ) -> Result<(Value, bool)> {
        let Some(keyword) = keyword.filter(|k| !k.trim().is_empty()) else {
            return Ok((answer, false));
        };
        let has = |v: &Value| {
            seo::keyword_in_first_words(
                v.get(field).and_then(Value::as_str).unwrap_or_default(),
                keyword,
            )
        };
        if has(&answer) {
            return Ok((answer, false));
        }
        let mut again = request.clone();
        again.messages.push(ChatMessage::assistant(
            serde_json::to_string(&answer).unwrap_or_default(),
        ));
        let rest = if field == "html" {
            "the rest of the article"
        } else {
            "the rest of the plan"
        };
        again.messages.push(ChatMessage::user(format!(
            "The first 100 words don't use the primary keyword \"{keyword}\". Rewrite the \
             introduction ({field}) so it uses \"{keyword}\" naturally in its first sentences, \
             and keep {rest} as it is. Answer again in the same JSON shape."
        )));
        let second = run.chat(&again).await?;
        Ok((if has(&second) { second } else { answer }, true))
    }
}

fn html_words(v: &Value, field: &str) -> i64 {
    v.get(field)
        .and_then(Value::as_str)
        .map(count_words)
        .unwrap_or(0)
}

/// An article ready to save, and what was repaired on the way (listed in the job's result).
#[derive(Debug)]
pub struct ArticleDraft {
    content: NewContent,
    repairs: Vec<repair::Repair>,
    links: links::LinkReport,
    reasked_for_keyword: bool,
}

impl AiFunction for GenerateContent {
    type Input = GenerateContentInput;
    type Data = i64;
    type Prepared = PreparedTask;
    type Prompt = ArticlePrompt;
    type Answer = Article;
    type Draft = ArticleDraft;

    fn kind(&self) -> JobKind {
        JobKind::GenerateContent
    }

    async fn validate<S: Store>(
        &self,
        core: &Igny8<S>,
        scope: &Scope,
        input: &GenerateContentInput,
    ) -> Result<Vec<Unit<i64>>> {
        check_ids(&input.ids)?;
        if let Some(w) = input.word_count
            && !(MIN_WORD_COUNT..=MAX_WORD_COUNT).contains(&w)
        {
            return Err(Error::field(
                "word_count",
                format!("must be {MIN_WORD_COUNT}–{MAX_WORD_COUNT} words"),
            ));
        }
        let tasks = super::load_all(
            &input.ids,
            |t: &Task| t.id,
            TaskId::not_found,
            |ids| async {
                let filter = TaskFilter {
                    ids: Some(ids),
                    ..TaskFilter::default()
                };
                let page = core
                    .tasks()
                    .list(scope, &filter, &TaskSort::default(), &super::chunk_page())
                    .await?;
                Ok(page.items)
            },
        )
        .await?;
        let mut units = Vec::with_capacity(tasks.len());
        for task in tasks {
            let id = task.id;
            let words = input.word_count.unwrap_or(task.target_word_count);
            let most = (words as f64 * (1.0 + WORD_TOLERANCE)).ceil() as u64;
            units.push(Unit {
                object: Reference::new("task", id.get()),
                label: task.title,
                estimate: Work::Words(most),
                data: words,
            });
        }
        Ok(units)
    }

    async fn prepare<S: Store>(
        &self,
        run: &Run<'_, S>,
        input: &GenerateContentInput,
        unit: &Unit<i64>,
    ) -> Result<PreparedTask> {
        let core = run.core;
        let scope = &run.scope;
        let task = core.tasks().get(scope, TaskId(unit.object.id)).await?;
        let idea = match task.idea_id {
            Some(id) => core.ideas().get(scope, id).await.ok(),
            None => None,
        };
        let defaults = run.defaults().await?;
        // Account-wide objects, read for the job (a site-restricted key may use them).
        let author = match (task.author_profile_id, defaults.author_profile_id) {
            (Some(id), _) => Some(core.store().get_author(scope, id).await?),
            // The account's default profile, unless it was deleted since.
            (None, Some(id)) => match core.store().get_author(scope, id).await {
                Ok(author) => Some(author),
                Err(Error::NotFound { .. }) => None,
                Err(e) => return Err(e),
            },
            (None, None) => None,
        };
        let strategy = match task.strategy_id {
            Some(id) => Some(core.store().get_strategy(scope, id).await?),
            None => None,
        };
        let sector = core.tenancy().sector(scope, task.sector_id).await?;
        let site = core.tenancy().site(scope, task.site_id).await?;
        let filter = ContentFilter {
            task_id: Some(task.id),
            ..ContentFilter::default()
        };
        let mut page = PageRequest::new(1, 1);
        page.with_total = false;
        let found = core
            .contents()
            .list(scope, &filter, &ContentSort::default(), &page)
            .await?
            .items;
        let existing = found.first().map(|c| c.id);
        let own_url = found.first().and_then(|c| c.wp_url.clone());
        // In a task of its own: reading the inventory awaits many store calls, and an
        // automation run awaits this several job futures deep — a debug build's worker stack
        // doesn't hold that nesting. (Read-only: if the job stops meanwhile, it just ends.)
        let inventory = {
            let (core, scope, task) = (core.clone(), *scope, task.clone());
            tokio::spawn(async move { link_inventory(&core, &scope, &task, existing).await })
                .await
                .map_err(|e| Error::Internal(format!("reading the link inventory failed: {e}")))??
        };
        let site_url = site
            .wordpress
            .as_ref()
            .map(|w| w.url.clone())
            .or_else(|| site.url.clone());
        start_task(core, scope, &task).await?;
        let tone = input
            .tone
            .clone()
            .or_else(|| author.as_ref().and_then(|a| a.tone.clone()))
            .unwrap_or(defaults.tone);
        let language = input
            .language
            .clone()
            .or_else(|| author.as_ref().and_then(|a| a.language.clone()))
            .unwrap_or(defaults.language);
        let faq = match usize::try_from(defaults.faq_questions).unwrap_or(0) {
            0 => None,
            count => Some(FaqAsk {
                count,
                questions: Box::pin(question_keywords(core, scope, &task, &language, count))
                    .await?,
            }),
        };
        Ok(PreparedTask {
            site_url,
            inventory,
            own_url,
            faq,
            max_links: usize::try_from(defaults.internal_links).unwrap_or(0),
            words: unit.data,
            task,
            idea,
            author,
            strategy,
            site: site.name,
            sector: sector.name,
            tone,
            language,
            existing,
        })
    }

    async fn prompt<S: Store>(&self, run: &Run<'_, S>, p: &PreparedTask) -> Result<ArticlePrompt> {
        let task = &p.task;
        let primary = task
            .keywords
            .first()
            .cloned()
            .unwrap_or_else(|| task.title.clone());
        let faq = p
            .faq
            .as_ref()
            .map(|ask| faq_instruction(ask, &primary, &p.language));
        let author = p.author.as_ref();
        let structure = author
            .and_then(|a| a.structure_template.clone())
            .or_else(|| {
                p.strategy
                    .as_ref()
                    .filter(|s| !s.section_structure.is_empty())
                    .map(|s| s.section_structure.join(" → "))
            })
            .unwrap_or_default();
        let vars = BTreeMap::from([
            ("title", task.title.clone()),
            ("brief", task.brief.clone().unwrap_or_default()),
            ("keywords", task.keywords.join(", ")),
            ("primary_keyword", primary),
            ("outline", outline_text(p.idea.as_ref())),
            ("word_count", p.words.to_string()),
            ("content_type", task.content_type.as_str().to_owned()),
            (
                "content_structure",
                task.content_structure.as_str().replace('_', " "),
            ),
            ("tone", p.tone.clone()),
            ("language", p.language.clone()),
            (
                "style",
                author.and_then(|a| a.style.clone()).unwrap_or_default(),
            ),
            (
                "author",
                author
                    .map(|a| match &a.description {
                        Some(d) => format!("{} — {d}", a.name),
                        None => a.name.clone(),
                    })
                    .unwrap_or_default(),
            ),
            ("structure_template", structure),
            (
                "strategy",
                p.strategy
                    .as_ref()
                    .and_then(|s| s.guidance.clone())
                    .unwrap_or_default(),
            ),
            ("site", p.site.clone()),
            ("sector", p.sector.clone()),
        ]);
        let links = links_instruction(p);
        if p.words <= LONG_ARTICLE_WORDS {
            let mut request = chat_request(
                run.core,
                &run.scope,
                PromptType::Content,
                &vars,
                p.strategy.as_ref(),
                "article",
                whole_schema(faq.is_some()),
            )
            .await?;
            if let Some(links) = &links {
                request.messages.push(ChatMessage::user(links.clone()));
            }
            if let Some(faq) = faq {
                request.messages.push(ChatMessage::user(faq));
            }
            return Ok(ArticlePrompt::Whole(request));
        }
        // The brief each part is written from: the whole article's length must not be read
        // as the part's.
        let mut vars = vars;
        vars.insert(
            "word_count",
            format!(
                "{} in all, written in parts (each part is given its own length)",
                p.words
            ),
        );
        let whole = chat_request(
            run.core,
            &run.scope,
            PromptType::Content,
            &vars,
            p.strategy.as_ref(),
            "article",
            whole_schema(false),
        )
        .await?;
        let brief = whole
            .messages
            .get(1)
            .map(|m| {
                m.content
                    .split("\n\nAnswer with JSON matching")
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .unwrap_or_default();
        let brief = match &links {
            Some(links) => format!("{brief}\n\n{links}"),
            None => brief,
        };
        let sections = (p.words / 250).clamp(4, 16);
        let plan = data_request(
            format!(
                "{brief}\n\nThis article is long, so it is written in parts. First plan it: the \
                 title, meta title, meta description, tags and categories; the introduction \
                 (intro_html, about {intro} words, HTML paragraphs without a heading); and \
                 {sections} sections (the last one a conclusion), each with its heading, notes \
                 on what it covers and its share of the {rest} remaining words. Follow the \
                 outline when there is one.{faq}",
                intro = intro_words(p.words),
                rest = p.words - intro_words(p.words),
                faq = faq.map(|f| format!("\n\n{f}")).unwrap_or_default(),
            ),
            "article_plan",
            plan_schema(p.faq.is_some()),
        );
        Ok(ArticlePrompt::Sections { plan, brief })
    }

    async fn call<S: Store>(
        &self,
        run: &Run<'_, S>,
        p: &PreparedTask,
        prompt: ArticlePrompt,
    ) -> Result<Article> {
        match prompt {
            ArticlePrompt::Whole(request) => {
                let first = run.chat(&request).await?;
                let value =
                    Self::closer(run, &request, first, p.words, |v| html_words(v, "html")).await?;
                let (value, reasked) = Box::pin(Self::keyword_up_front(
                    run,
                    &request,
                    value,
                    p.task.keywords.first(),
                    "html",
                ))
                .await?;
                let mut article: Article = serde_json::from_value(value).map_err(|e| {
                    Error::Provider(format!("the model's article is unusable: {e}"))
                })?;
                article.reasked_for_keyword = reasked;
                Ok(article)
            }
            ArticlePrompt::Sections { plan, brief } => {
                // The introduction is the plan's: it is where the keyword must come early.
                let first = run.chat(&plan).await?;
                let (value, reasked) = Box::pin(Self::keyword_up_front(
                    run,
                    &plan,
                    first,
                    p.task.keywords.first(),
                    "intro_html",
                ))
                .await?;
                let plan: Plan = serde_json::from_value(value)
                    .map_err(|e| Error::Provider(format!("the model's plan is unusable: {e}")))?;
                let mut article = Box::pin(write_sections(run, p, plan, &brief)).await?;
                article.reasked_for_keyword = reasked;
                Ok(article)
            }
        }
    }

    fn parse(&self, p: &PreparedTask, article: Article) -> Result<ArticleDraft> {
        // Internal links only to pages the site has (writer::links): invented ones, links to
        // the article itself, repeated anchors and those past the limit lose their link.
        let (cleaned, links) = links::verify_links(
            &html::sanitize_html(&article.html),
            p.site_url.as_deref(),
            &p.inventory,
            p.own_url.as_deref(),
            p.max_links,
        );
        if count_words(&cleaned) == 0 {
            return Err(Error::Provider(
                "the model's article has no text once cleaned".into(),
            ));
        }
        let clip = |s: &str, n: usize| -> Option<String> {
            let t = html::text_of(s);
            (!t.is_empty()).then(|| t.chars().take(n).collect())
        };
        let mut tags = article.tags;
        tags.truncate(50);
        let mut categories = article.categories;
        categories.truncate(20);
        let mut content = NewContent {
            sector_id: p.task.sector_id,
            task_id: Some(p.task.id),
            title: clip(&article.title, 500).unwrap_or_else(|| crate::strip_markup(&p.task.title)),
            html: cleaned,
            meta_title: clip(&article.meta_title, 300),
            meta_description: clip(&article.meta_description, 1000),
            primary_keyword: p.task.keywords.first().cloned(),
            secondary_keywords: p.task.keywords.iter().skip(1).take(100).cloned().collect(),
            tags: tags.iter().filter_map(|t| clip(t, 200)).collect(),
            categories: categories.iter().filter_map(|t| clip(t, 200)).collect(),
            faq: p.faq.as_ref().and_then(|ask| {
                let faq = article.faq?;
                let questions: Vec<FaqEntry> = faq
                    .questions
                    .iter()
                    .filter_map(|q| {
                        Some(FaqEntry {
                            question: clip(&q.question, 300)?,
                            answer: clip(&q.answer, 2000)?,
                        })
                    })
                    .take(ask.count)
                    .collect();
                (!questions.is_empty()).then(|| Faq {
                    heading: clip(&faq.heading, 200)
                        .unwrap_or_else(|| "Frequently asked questions".to_owned()),
                    questions,
                })
            }),
        };
        // What search results would cut off is shortened now (writer::repair).
        let mut repairs = Vec::new();
        for (field, value, fit) in [
            (
                "meta_title",
                &mut content.meta_title,
                repair::fit_meta_title as fn(&str) -> Option<String>,
            ),
            (
                "meta_description",
                &mut content.meta_description,
                repair::fit_meta_description,
            ),
        ] {
            if let Some(old) = value.as_deref()
                && let Some(fitted) = fit(old)
            {
                repairs.push(repair::Repair {
                    field,
                    before: old.chars().count(),
                    after: fitted.chars().count(),
                });
                *value = Some(fitted);
            }
        }
        Ok(ArticleDraft {
            content,
            repairs,
            links,
            reasked_for_keyword: article.reasked_for_keyword,
        })
    }

    async fn save<S: Store>(
        &self,
        run: &Run<'_, S>,
        p: PreparedTask,
        draft: ArticleDraft,
    ) -> Result<Saved> {
        let core = run.core;
        let scope = &run.scope;
        let ArticleDraft {
            content: draft,
            repairs,
            links,
            reasked_for_keyword,
        } = draft;
        let content = match p.existing {
            Some(id) => {
                let patch = ContentPatch {
                    title: Some(draft.title),
                    html: Some(draft.html),
                    meta_title: Some(draft.meta_title),
                    meta_description: Some(draft.meta_description),
                    primary_keyword: Some(draft.primary_keyword),
                    secondary_keywords: Some(draft.secondary_keywords),
                    tags: Some(draft.tags),
                    categories: Some(draft.categories),
                    ..ContentPatch::default()
                };
                core.contents().update(scope, id, patch).await?
            }
            None => core.contents().create(scope, draft).await?,
        };
        core.tasks()
            .update(
                scope,
                p.task.id,
                TaskPatch {
                    status: Some(TaskStatus::Done),
                    ..TaskPatch::default()
                },
            )
            .await?;
        // What the article competes with on its site, reported with the result (boxed: this
        // runs inside an automation run's future too).
        let conflicts = Box::pin(core.contents().conflicts(scope, &content)).await?;
        let words = content.word_count;
        Ok(Saved {
            summary: json!({
                "task_id": p.task.id.get(),
                "content_id": content.id.get(),
                "rewritten": p.existing.is_some(),
                "word_count": words,
                "target_word_count": p.words,
                "within_tolerance": within(words, p.words, WORD_TOLERANCE),
                "repairs": repairs,
                "reasked_for_keyword": reasked_for_keyword,
                "links": links,
                "conflicts": conflicts,
            }),
            work: Work::Words(u64::try_from(words).unwrap_or(0)),
        })
    }

    async fn failed<S: Store>(&self, run: &Run<'_, S>, unit: &Unit<i64>, error: &Error) {
        let patch = TaskPatch {
            status: Some(TaskStatus::Failed),
            ..TaskPatch::default()
        };
        if let Err(e) = run
            .core
            .tasks()
            .update(&run.scope, TaskId(unit.object.id), patch)
            .await
        {
            tracing::warn!(task = unit.object.id, error = %e, cause = %error, "could not mark the task failed");
        }
    }
}

/// Words of the introduction of a long article.
fn intro_words(total: i64) -> i64 {
    (total as f64 * 0.08).round().clamp(80.0, 220.0) as i64
}

/// Writes a planned long article section by section, each with its word budget.
async fn write_sections<S: Store>(
    run: &Run<'_, S>,
    p: &PreparedTask,
    plan: Plan,
    brief: &str,
) -> Result<Article> {
    let mut sections = plan.sections;
    sections.truncate(30);
    let intro = intro_words(p.words);
    let rest = (p.words - intro).max(100);
    let asked: i64 = sections.iter().map(|s| s.words.max(50)).sum::<i64>().max(1);
    let headings: Vec<String> = sections.iter().map(|s| s.heading.clone()).collect();
    let mut body = html::sanitize_html(&plan.intro_html);
    let n = sections.len();
    for (i, section) in sections.into_iter().enumerate() {
        let budget = (rest * section.words.max(50) / asked).max(60);
        run.step(
            "call",
            0.15 + 0.7 * i as f64 / n as f64,
            &format!("writing section {} of {n}: {}", i + 1, section.heading),
        )
        .await?;
        let request = data_request(
            format!(
                "{brief}\n\nThe article is written in parts. Its sections are:\n{list}\n\n\
                 Write section {k} of {n} now: \"{heading}\". What it covers: {notes}\n\
                 Length: about {budget} words (between {lo} and {hi}). Start with \
                 <h2>{heading}</h2>; use <h3> for sub-points, lists or a table where they help. \
                 Do not repeat what other sections cover{closing}. Answer with the section's \
                 HTML in \"html\".",
                list = headings
                    .iter()
                    .enumerate()
                    .map(|(j, h)| format!("{}. {h}", j + 1))
                    .collect::<Vec<_>>()
                    .join("\n"),
                k = i + 1,
                heading = section.heading,
                notes = if section.notes.is_empty() {
                    "(as the heading says)"
                } else {
                    &section.notes
                },
                lo = (budget as f64 * (1.0 - WORD_TOLERANCE)).round(),
                hi = (budget as f64 * (1.0 + WORD_TOLERANCE)).round(),
                closing = if i + 1 == n {
                    "; this is the conclusion: sum up and tell the reader what to do next"
                } else {
                    "; no introduction or conclusion of the whole article"
                },
            ),
            "article_section",
            section_schema(),
        );
        let first = run.chat(&request).await?;
        let value =
            GenerateContent::closer(run, &request, first, budget, |v| html_words(v, "html"))
                .await?;
        let html = value
            .get("html")
            .and_then(Value::as_str)
            .unwrap_or_default();
        body.push('\n');
        body.push_str(&html::sanitize_html(html));
    }
    Ok(Article {
        title: plan.title,
        meta_title: plan.meta_title,
        meta_description: plan.meta_description,
        tags: plan.tags,
        categories: plan.categories,
        html: body,
        faq: plan.faq,
        reasked_for_keyword: false,
    })
}

/// The question keywords of the task's cluster
/// ([`is_question`](crate::planner::clustering::Language::is_question)), most searched
/// first: at most `count`. None without a cluster.
async fn question_keywords<S: Store>(
    core: &Igny8<S>,
    scope: &Scope,
    task: &Task,
    language: &str,
    count: usize,
) -> Result<Vec<String>> {
    use crate::planner::{KeywordFilter, KeywordSort, KeywordSortField, clustering::Language};
    let Some(cluster) = task.cluster_id else {
        return Ok(Vec::new());
    };
    let language = Language::from_setting(language).unwrap_or_default();
    let filter = KeywordFilter {
        cluster_id: Some(cluster),
        ..KeywordFilter::default()
    };
    let sort = KeywordSort {
        field: KeywordSortField::Volume,
        descending: true,
    };
    let mut page = PageRequest::new(1, crate::list::MAX_PAGE_SIZE);
    page.with_total = false;
    let keywords = core.keywords().list(scope, &filter, &sort, &page).await?;
    Ok(keywords
        .items
        .into_iter()
        .map(|k| k.keyword)
        .filter(|k| language.is_question(k))
        .take(count)
        .collect())
}

/// The site's link inventory ([`crate::inventory`]), most related to the task first, without
/// the article itself.
async fn link_inventory<S: Store>(
    core: &Igny8<S>,
    scope: &Scope,
    task: &Task,
    existing: Option<ContentId>,
) -> Result<Vec<links::LinkTarget>> {
    let phrases: Vec<&str> = task
        .keywords
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(task.title.as_str()))
        .collect();
    Ok(core
        .inventory()
        .related(scope, task.site_id, &phrases, existing)
        .await?
        .into_iter()
        .map(|e| links::LinkTarget {
            url: e.url,
            title: e.title,
        })
        .collect())
}

/// The most related pages shown to the model.
const LINKS_SHOWN: usize = 10;

/// What the model is told about internal links: the site's pages it may link to (the most
/// related ten), or nothing when there are none or none may be kept.
fn links_instruction(p: &PreparedTask) -> Option<String> {
    if p.inventory.is_empty() || p.max_links == 0 {
        return None;
    }
    let pages: Vec<String> = p
        .inventory
        .iter()
        .take(LINKS_SHOWN)
        .map(|t| format!("- {}: {}", t.title, t.url))
        .collect();
    Some(format!(
        "Internal links: where it helps the reader, link to at most {max} of these pages of \
         the site, with anchor text that says what the linked page covers, each page and each \
         anchor at most once. Link to no other page of the site.\n{}",
        pages.join("\n"),
        max = p.max_links
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance() {
        assert!(within(1150, 1000, WORD_TOLERANCE));
        assert!(within(850, 1000, WORD_TOLERANCE));
        assert!(!within(849, 1000, WORD_TOLERANCE));
        assert!(!within(1151, 1000, WORD_TOLERANCE));
        assert_eq!(intro_words(3000), 220);
        assert_eq!(intro_words(1500), 120);
    }
}
