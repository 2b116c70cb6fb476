//! The writer's queue (`/writer/tasks`): the tasks ideas became, with filters; on the selected
//! tasks, write them with AI (Generate Content: its cost first, then the job's live progress)
//! or delete them. The API's twins are `writer/tasks/…`, `billing/estimate/` and
//! `writer/tasks/generate_content/`.

use igny8_core::TaskId;
use igny8_core::jobs::JobKind;
use igny8_core::writer::{self as w, Task};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Request, Response, handler};

use crate::dto::ai::GenerateContentRequest;
use crate::query::TaskQuery;
use crate::state::AppState;
use crate::web::forms::Fields;
use crate::web::render::{Chrome, WebError, redirect};
use crate::web::session::WebUser;
use crate::web::table::{Bulk, Cell, Column, Filter, ListState, Pager, Row, Table, label};

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
            Cell::text(t.title.clone()),
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
