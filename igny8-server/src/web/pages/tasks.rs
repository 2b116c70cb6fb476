//! The writer's queue (`/writer/tasks`): the tasks ideas became, with filters; on the selected
//! tasks, write them with AI (Generate Content: its cost first, then the job's live progress)
//! or delete them. Each task's page (`/writer/tasks/{id}`) edits its brief, keywords, kind,
//! length, and the author profile and strategy it is written with, and links the idea it came
//! from and the article written from it. The API's twins are `writer/tasks/…`,
//! `billing/estimate/` and `writer/tasks/generate_content/`.

use igny8_core::TaskId;
use igny8_core::jobs::JobKind;
use igny8_core::writer::{self as w, Task};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Request, Response, handler};

use crate::dto::ai::GenerateContentRequest;
use crate::query::TaskQuery;
use crate::state::AppState;
use crate::web::forms::{Fields, FormErrors, submit};
use crate::web::render::{Chrome, WebError, redirect};
use crate::web::session::WebUser;
use crate::web::table::{Bulk, Cell, Choice, Column, Filter, ListState, Pager, Row, Table, label};

use super::ai::{self, Cost};
use super::common::{ListPage, Places, local_back, on_ticked, ticked, with_done};

/// The page's heading and the sentence under it.
const HEADING: &str = "Writer";
const LEAD: &str = "The writing queue: each task is an article to write. Select tasks and write them with AI; progress shows on the job's page.";

const PATH: &str = "/writer/tasks";

const COLUMNS: &[Column] = &[
    Column::new("Task").sort("title"),
    Column::new("Type").minor(),
    Column::new("Words").numeric().sort("target_word_count"),
    Column::new("Status"),
    Column::new("Sector").minor(),
];

const SHOWN: &[&str] = &["search", "sector_id", "status"];

fn task_row(t: &Task, places: &Places, can_write: bool) -> Row {
    Row {
        id: t.id.get(),
        dom_id: format!("task-{}", t.id.get()),
        label: t.title.clone(),
        cells: vec![
            Cell::link(t.title.clone(), format!("{PATH}/{}", t.id.get())),
            Cell::text(format!(
                "{} · {}",
                label(t.content_type.as_str()),
                label(t.content_structure.as_str()).to_lowercase()
            ))
            .minor(),
            Cell::number(Some(t.target_word_count)),
            Cell::badge(t.status.as_str()),
            Cell::text(places.sector_name(t.sector_id)).minor(),
        ],
        select_form: can_write.then(|| "tasks-bulk".to_owned()),
        edit: None,
        inline: false,
    }
}

async fn render(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    list: &ListState,
    problem: Option<(StatusCode, String)>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let filter = list.filters::<TaskQuery>()?.filter();
    let order: w::TaskSort = list.sort()?;
    let tasks = state
        .core
        .tasks()
        .list(&scope, &filter, &order, &list.page_request())
        .await?;
    let places = Places::load(state, &scope).await?;
    let chrome = Chrome::new(req, "Writer", "tasks");
    let can_write = chrome.can_write;
    let mut table = Table::new("tasks", PATH, "Tasks", COLUMNS, list, "-id");
    table.rows = tasks
        .items
        .iter()
        .map(|t| task_row(t, &places, can_write))
        .collect();
    table.pager = Pager::of(list, &tasks, ("task", "tasks"));
    table.filters = vec![
        Filter::search(list, "search", "Search"),
        places.sector_filter(list),
        Filter::status::<w::TaskStatus>(list),
    ];
    table.hidden = list.hidden(SHOWN);
    table.empty = if filter == w::TaskFilter::default() {
        "The writer's queue is empty. Queue ideas to the writer from the ideas list; each becomes a task here."
            .to_owned()
    } else {
        "No task matches these filters.".to_owned()
    };
    if can_write {
        table.bulk_path = "/writer/tasks/write";
        table.bulk = vec![
            Bulk::new("/writer/tasks/write", "write", "Write with AI"),
            Bulk::new("/writer/tasks/bulk-delete", "delete", "Delete")
                .confirm("Delete the selected tasks? Articles already written from them stay."),
        ];
    }
    ListPage::respond(chrome, (HEADING, LEAD), table, problem)
}

/// `GET /writer/tasks`.
#[handler]
pub(crate) async fn list_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let list = ListState::from_query(PATH, req.uri().query());
    render(req, &state, &user, &list, None).await
}

/// `POST /writer/tasks/bulk-delete`: deletes the selected tasks.
#[handler]
pub(crate) async fn bulk_delete(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    on_ticked(
        req,
        &fields,
        PATH,
        TaskId,
        "tasks-deleted",
        async |ids| state.core.tasks().delete(&scope, &ids).await,
        async |list, problem| render(req, &state, &user, &list, Some(problem)).await,
    )
    .await
}

/// Generate Content for `ids`: the payload the API's `writer/tasks/generate_content/` builds.
fn write_payload(ids: &[TaskId]) -> serde_json::Value {
    GenerateContentRequest {
        ids: ids.iter().map(|t| t.get()).collect(),
        word_count: None,
        tone: None,
        language: None,
    }
    .payload()
}

fn write_fields(ids: &[TaskId], back: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = ids
        .iter()
        .map(|t| ("ids".to_owned(), t.get().to_string()))
        .collect();
    out.push(("back".into(), back.to_owned()));
    out
}

/// `POST /writer/tasks/write`: what writing the selected tasks with AI would cost (the API's
/// `billing/estimate/`), on a page with the button that starts it.
#[handler]
pub(crate) async fn write_estimate(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = local_back(fields.get("back"), PATH);
    let ids = ticked(&fields, TaskId)?;
    if ids.is_empty() {
        return Ok(redirect(req, &with_done(&back, "none-selected", None)));
    }
    let outcome = state
        .core
        .ai()
        .estimate(&scope, JobKind::GenerateContent, &write_payload(&ids))
        .await
        .map(|e| {
            let what = if ids.len() == 1 {
                "The article of the task".to_owned()
            } else {
                format!("The articles of {} tasks", ids.len())
            };
            Cost::of(
                &e,
                what,
                ("article", "articles"),
                ("/writer/tasks/write/start", "Write the articles"),
                write_fields(&ids, &back),
                back.clone(),
            )
        });
    ai::confirm(req, "Write with AI", outcome, back, None)
}

/// `POST /writer/tasks/write/start`: starts Generate Content (the API's
/// `writer/tasks/generate_content/`) and goes to its job.
#[handler]
pub(crate) async fn write_start(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = local_back(fields.get("back"), PATH);
    let ids = ticked(&fields, TaskId)?;
    match ai::start(
        req,
        &state,
        &scope,
        JobKind::GenerateContent,
        write_payload(&ids),
    )
    .await
    {
        Ok(to_job) => Ok(to_job),
        Err(e) => ai::confirm(req, "Write with AI", Err(e), back, None),
    }
}

/// A task's form, as typed.
struct TaskForm {
    title: String,
    brief: String,
    keywords: String,
    content_type: String,
    structure: String,
    words: String,
    author: String,
    strategy: String,
}

impl TaskForm {
    fn of(t: &Task) -> Self {
        Self {
            title: t.title.clone(),
            brief: t.brief.clone().unwrap_or_default(),
            keywords: t.keywords.join(", "),
            content_type: t.content_type.as_str().to_owned(),
            structure: t.content_structure.as_str().to_owned(),
            words: t.target_word_count.to_string(),
            author: t
                .author_profile_id
                .map(|a| a.get().to_string())
                .unwrap_or_default(),
            strategy: t
                .strategy_id
                .map(|s| s.get().to_string())
                .unwrap_or_default(),
        }
    }

    fn from(f: &Fields) -> Self {
        Self {
            title: f.get("title").to_owned(),
            brief: f.get("brief").to_owned(),
            keywords: f.get("keywords").to_owned(),
            content_type: f.get("content_type").to_owned(),
            structure: f.get("content_structure").to_owned(),
            words: f.get("target_word_count").to_owned(),
            author: f.get("author_profile_id").to_owned(),
            strategy: f.get("strategy_id").to_owned(),
        }
    }

    /// The core's patch; a choice or number that isn't one is said beside its field.
    fn patch(&self) -> Result<w::TaskPatch, FormErrors> {
        let mut errors = FormErrors::none();
        let mut id = |field: &str, text: &str| -> Option<Option<i64>> {
            match text.trim() {
                "" => Some(None),
                t => match t.parse() {
                    Ok(n) => Some(Some(n)),
                    Err(_) => {
                        errors = std::mem::take(&mut errors)
                            .with_field(field, "must be one of the list");
                        None
                    }
                },
            }
        };
        let author = id("author_profile_id", &self.author);
        let strategy = id("strategy_id", &self.strategy);
        // An empty field leaves the task's value as it is.
        let words = match self.words.trim().replace([',', ' '], "") {
            w if w.is_empty() => None,
            w => match w.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors =
                        errors.with_field("target_word_count", "must be a whole number of words");
                    None
                }
            },
        };
        let content_type = match self.content_type.as_str() {
            "" => None,
            t => t.parse().ok().or_else(|| {
                errors = std::mem::take(&mut errors)
                    .with_field("content_type", "must be one of the list");
                None
            }),
        };
        let structure = match self.structure.as_str() {
            "" => None,
            t => t.parse().ok().or_else(|| {
                errors = std::mem::take(&mut errors)
                    .with_field("content_structure", "must be one of the list");
                None
            }),
        };
        if errors.any() {
            errors.summary = Some("Please correct the fields marked below.".into());
            return Err(errors);
        }
        let brief = self.brief.trim();
        Ok(w::TaskPatch {
            title: Some(self.title.clone()),
            brief: Some((!brief.is_empty()).then(|| brief.to_owned())),
            keywords: Some(
                self.keywords
                    .split(',')
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
            content_type,
            content_structure: structure,
            target_word_count: words,
            author_profile_id: author.map(|a| a.map(igny8_core::AuthorProfileId)),
            strategy_id: strategy.map(|s| s.map(igny8_core::StrategyId)),
            ..Default::default()
        })
    }
}

#[derive(askama::Template)]
#[template(path = "writer/task.html")]
struct TaskPage {
    chrome: crate::web::render::Chrome,
    task: Task,
    sector: String,
    idea: Option<(i64, String)>,
    article: Option<(i64, String)>,
    form: TaskForm,
    types: Vec<Choice>,
    structures: Vec<Choice>,
    authors: Vec<Choice>,
    strategies: Vec<Choice>,
    errors: FormErrors,
}

async fn task_page(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    task: Task,
    form: TaskForm,
    (status, errors): (StatusCode, FormErrors),
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let places = Places::load(state, &scope).await?;
    let all = igny8_core::list::PageRequest {
        with_total: false,
        ..igny8_core::list::PageRequest::new(1, igny8_core::list::MAX_PAGE_SIZE)
    };
    let mut authors = vec![Choice::new(
        "",
        "The account's default (Settings)",
        Some(form.author.as_str()),
    )];
    authors.extend(
        state
            .core
            .thinker()
            .authors(&scope, &all)
            .await?
            .items
            .into_iter()
            .map(|a| Choice::new(a.id.get().to_string(), a.name, Some(form.author.as_str()))),
    );
    let mut strategies = vec![Choice::new("", "None", Some(form.strategy.as_str()))];
    strategies.extend(
        state
            .core
            .thinker()
            .strategies(&scope, None, &all)
            .await?
            .items
            .into_iter()
            .filter(|s| s.sector_id.is_none_or(|x| x == task.sector_id))
            .map(|s| Choice::new(s.id.get().to_string(), s.name, Some(form.strategy.as_str()))),
    );
    let idea = match task.idea_id {
        Some(id) => state
            .core
            .ideas()
            .get(&scope, id)
            .await
            .ok()
            .map(|i| (i.id.get(), i.title)),
        None => None,
    };
    let mut one = igny8_core::list::PageRequest::new(1, 1);
    one.with_total = false;
    let article = state
        .core
        .contents()
        .list(
            &scope,
            &w::ContentFilter {
                task_id: Some(task.id),
                ..w::ContentFilter::default()
            },
            &w::ContentSort::default(),
            &one,
        )
        .await?
        .items
        .into_iter()
        .next()
        .map(|c| (c.id.get(), c.title));
    crate::web::render::with_status(
        status,
        &TaskPage {
            chrome: crate::web::render::Chrome::new(req, task.title.clone(), "tasks"),
            sector: places.sector_name(task.sector_id),
            types: Choice::all_of::<igny8_core::planner::ContentType>(&form.content_type),
            structures: Choice::all_of::<igny8_core::planner::ContentStructure>(&form.structure),
            authors,
            strategies,
            idea,
            article,
            task,
            form,
            errors,
        },
    )
}

/// `GET /writer/tasks/:id`.
#[handler]
pub(crate) async fn show(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    poem::web::Path(id): poem::web::Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let task = state.core.tasks().get(&scope, TaskId(id)).await?;
    let form = TaskForm::of(&task);
    task_page(
        req,
        &state,
        &user,
        task,
        form,
        (StatusCode::OK, FormErrors::none()),
    )
    .await
}

/// `POST /writer/tasks/:id`: saves a task (the API's `PATCH writer/tasks/{id}/`).
#[handler]
pub(crate) async fn save(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    poem::web::Path(id): poem::web::Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let form = TaskForm::from(&fields);
    let tasks = state.core.tasks();
    match submit(form.patch(), async |patch| {
        tasks.update(&scope, TaskId(id), patch).await
    })
    .await?
    {
        Ok(_) => Ok(redirect(req, &format!("{PATH}/{id}?done=task-saved"))),
        Err((status, errors)) => {
            let task = tasks.get(&scope, TaskId(id)).await?;
            let errors = errors.shown_in(&[
                "title",
                "brief",
                "keywords",
                "content_type",
                "content_structure",
                "target_word_count",
                "author_profile_id",
                "strategy_id",
            ]);
            task_page(req, &state, &user, task, form, (status, errors)).await
        }
    }
}
