//! The account's jobs (`/jobs`): every AI run, publish and automation run with its live
//! progress, the error its provider gave when it failed, what it made when it succeeded, and
//! cancel. The API's twins are `system/jobs/…`.
//!
//! Live progress: a page that shows unfinished jobs opens one event stream,
//! `GET /jobs/events?ids=…`, authenticated by the session cookie. It sends an event named
//! `job-<id>` with the job's part of the page rendered again (the same template the page drew
//! it with) each time the job changes, and `end` when every job has finished; htmx's SSE
//! extension swaps each part in place and closes the stream on `end`. The watching itself is
//! the API's ([`crate::events::JobEvents`]): one query per poll for the whole process, one
//! stream per page counted against the person's cap, ended when the session ends.

use askama::Template;
use futures_util::StreamExt;
use igny8_core::jobs::{Job, JobKind, JobStatus};
use igny8_core::list::PageRequest;
use igny8_core::{Error, JobId};
use poem::http::StatusCode;
use poem::web::sse::{Event, SSE};
use poem::web::{Data, Path};
use poem::{IntoResponse, Request, Response, handler};
use serde_json::Value;

use crate::auth::Recheck;
use crate::events::{KEEP_ALIVE, MAX_FOLLOWED};
use crate::query::{JobQuery, id_list};
use crate::state::AppState;
use crate::web::forms::Fields;
use crate::web::render::{Chrome, WebError, page, redirect};
use crate::web::session::{WebUser, session_token};
use crate::web::table::{Bulk, Cell, Choice, Column, Filter, ListState, Pager, Row, Table, label};

use super::common::{ListPage, Places, local_back, on_ticked, with_done};

const PATH: &str = "/jobs";

const COLUMNS: &[Column] = &[
    Column::new("Job"),
    Column::new("Progress"),
    Column::new("Site").minor(),
    Column::new("Queued").minor(),
];

const SHOWN: &[&str] = &["kind", "status", "site_id"];

/// A time as the pages show it: "6 Dec 2026, 14:03:22 UTC".
pub(crate) fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %b %Y, %H:%M:%S UTC").to_string()
}

/// A duration in words: "under a second", "12 s", "3 min 4 s", "2 h 5 min".
pub(crate) fn took(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0 => "under a second".to_owned(),
        1..=59 => format!("{s} s"),
        60..=3599 if s % 60 == 0 => format!("{} min", s / 60),
        60..=3599 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// Where a job stands, as its row's progress cell and its page's heading show it.
#[derive(Debug, Clone)]
pub(crate) struct Progress {
    id: i64,
    /// The status value (a CSS class).
    status: &'static str,
    /// The status for people.
    status_label: String,
    /// 0–100.
    percent: i64,
    /// Still to finish: the bar is drawn.
    unfinished: bool,
    /// One line: what it does now, or why it stopped.
    line: String,
}

impl Progress {
    pub(crate) fn of(job: &Job, now: chrono::DateTime<chrono::Utc>) -> Self {
        let cancelling = job.cancel_requested && !job.status.is_finished();
        let line = match job.status {
            JobStatus::Failed => first_line(
                job.error
                    .as_deref()
                    .unwrap_or("It stopped without saying why."),
            ),
            JobStatus::Cancelled => "Cancelled.".to_owned(),
            _ if cancelling => "Stopping at its next step…".to_owned(),
            JobStatus::Queued if job.run_after > now => {
                format!("Waits until {}.", when(job.run_after))
            }
            JobStatus::Queued => "Waiting for a worker.".to_owned(),
            _ if !job.message.trim().is_empty() => job.message.trim().to_owned(),
            _ => label(&job.phase),
        };
        // How long a finished job took, in its line (the cell is what changes live).
        let line = match job.started_at.zip(job.finished_at) {
            Some((start, end)) if job.status == JobStatus::Succeeded => {
                format!(
                    "{} · took {}",
                    line.trim_end_matches('.'),
                    took(end - start)
                )
            }
            _ => line,
        };
        Self {
            id: job.id.get(),
            status: job.status.as_str(),
            status_label: if cancelling {
                "Cancelling".to_owned()
            } else {
                label(job.status.as_str())
            },
            percent: job.progress.clamp(0, 100),
            unfinished: !job.status.is_finished(),
            line,
        }
    }
}

/// The first line of an error, shortened for a table cell (the job's page shows it whole).
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let mut out: String = line.chars().take(160).collect();
    if out.len() < line.len() {
        out.push('…');
    }
    out
}

/// Lines of (name, value) for a definition list.
type Facts = Vec<(String, String)>;

/// Units of an AI job listed one by one on its page; the rest are counted.
const MAX_UNITS_SHOWN: usize = 20;

/// What an AI function's job did: how many of its units (batches, clusters, tasks…) were
/// done, the credits, and each unit's summary as a fact — and the units that failed, with
/// their errors. `None` when the result isn't an AI function's (the generic [`facts`] then).
fn ai_result(v: &Value) -> Option<(Facts, Facts)> {
    let done = v.get("done")?.as_i64()?;
    let failed = v.get("failed")?.as_i64()?;
    let charged = v.get("credits_charged")?.as_i64()?;
    let unit = |item: &Value| {
        let kind = item.get("object").and_then(Value::as_str).unwrap_or("item");
        match item.get("id").and_then(Value::as_i64) {
            Some(id) => format!("{} #{id}", label(kind)),
            None => label(kind),
        }
    };
    let mut out = vec![
        ("Done".to_owned(), format!("{done} of {}", done + failed)),
        (
            "Credits charged".to_owned(),
            crate::web::table::number(charged),
        ),
    ];
    let items = v
        .get("items")
        .and_then(Value::as_array)
        .map_or(&[][..], |a| a);
    for item in items.iter().take(MAX_UNITS_SHOWN) {
        // The counts that say something: lists of records and zeros are left out.
        let summary = match item.get("result") {
            Some(Value::Object(map)) => map
                .iter()
                .filter(|(_, v)| !matches!(v, Value::Array(a) if a.iter().any(Value::is_object)))
                .filter(|(_, v)| v.as_i64() != Some(0))
                .map(|(k, v)| format!("{}: {}", label(k), words(v)))
                .collect::<Vec<_>>()
                .join(", "),
            Some(other) => words(other),
            None => String::new(),
        };
        out.push((unit(item), summary));
    }
    if items.len() > MAX_UNITS_SHOWN {
        out.push((
            "And".to_owned(),
            format!(
                "{} more",
                crate::web::table::number((items.len() - MAX_UNITS_SHOWN) as i64)
            ),
        ));
    }
    let errors = v
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| {
            let text = e.get("error").and_then(Value::as_str).unwrap_or("");
            (unit(e), text.to_owned())
        })
        .collect();
    Some((out, errors))
}

/// A JSON value in words: numbers with separators, lists of up to ten values, long text
/// shortened.
fn words(v: &Value) -> String {
    match v {
        Value::Null => "—".to_owned(),
        Value::Bool(true) => "Yes".to_owned(),
        Value::Bool(false) => "No".to_owned(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => crate::web::table::number(i),
            None => n.to_string(),
        },
        Value::String(s) => {
            let mut out: String = s.chars().take(400).collect();
            if out.len() < s.len() {
                out.push('…');
            }
            out
        }
        Value::Array(items) if items.is_empty() => "none".to_owned(),
        Value::Array(items) if items.iter().all(|i| !i.is_array() && !i.is_object()) => {
            let mut shown: Vec<String> = items.iter().take(10).map(words).collect();
            if items.len() > 10 {
                shown.push(format!("and {} more", items.len() - 10));
            }
            shown.join(", ")
        }
        Value::Array(items) => format!("{} items", items.len()),
        Value::Object(map) => format!("{} fields", map.len()),
    }
}

/// A JSON value (a job's input or result) as lines of facts: each field with its value in
/// words, nested fields as "Parent › field".
fn facts(value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::Object(inner) if !inner.is_empty() => {
                        for (k, iv) in inner {
                            out.push((format!("{} › {}", label(key), label(k)), words(iv)));
                        }
                    }
                    _ => out.push((label(key), words(v))),
                }
            }
        }
        Value::Null => {}
        other => out.push(("Value".to_owned(), words(other))),
    }
    out
}

/// A job as its page shows it.
#[derive(Debug, Clone)]
pub(crate) struct JobView {
    id: i64,
    kind: &'static str,
    progress: Progress,
    phase: String,
    site: String,
    error: Option<String>,
    result: Vec<(String, String)>,
    /// Parts that failed in a job that went on without them: what, and why.
    partial_errors: Vec<(String, String)>,
    /// What an AI job did, in one sentence (the core's [`Job::outcome`]).
    summary: Option<String>,
    /// The page that takes the pipeline on: its button's label and address.
    next: Option<(&'static str, &'static str)>,
    asked: Vec<(String, String)>,
    attempts: String,
    queued_at: String,
    started_at: Option<String>,
    finished_at: Option<String>,
    took: Option<String>,
    can_cancel: bool,
    /// A page with the whole outcome (an import's report with every line left out).
    report: Option<String>,
}

/// What an import job did, in words (its lines left out are on the import page).
fn import_result(v: &Value) -> Vec<(String, String)> {
    let n = |key: &str| crate::web::table::number(v[key].as_i64().unwrap_or(0));
    vec![
        (
            "The file".to_owned(),
            v["format_label"]
                .as_str()
                .unwrap_or("a keyword list")
                .to_owned(),
        ),
        ("Keywords added".to_owned(), n("imported")),
        ("Merged into existing ones".to_owned(), n("merged")),
        ("Lines left out".to_owned(), n("rejected")),
    ]
}

impl JobView {
    fn of(job: &Job, site: &str, now: chrono::DateTime<chrono::Utc>) -> Self {
        let (result, partial_errors) = match (&job.result, job.status) {
            (Some(r), JobStatus::Succeeded) if job.kind == JobKind::ImportKeywords => {
                (import_result(r), Vec::new())
            }
            (Some(r), JobStatus::Succeeded) => {
                ai_result(r).unwrap_or_else(|| (facts(r), Vec::new()))
            }
            _ => (Vec::new(), Vec::new()),
        };
        let report = (job.kind == JobKind::ImportKeywords && job.status == JobStatus::Succeeded)
            .then(|| format!("/planner/keywords/import?job={}", job.id.get()));
        let outcome = job.outcome();
        Self {
            summary: outcome.as_ref().map(|o| o.summary.clone()),
            next: outcome
                .and_then(|o| o.next)
                .map(|step| (step.label(), next_page(step))),
            id: job.id.get(),
            kind: job.kind.label(),
            progress: Progress::of(job, now),
            phase: label(&job.phase),
            site: site.to_owned(),
            error: job
                .error
                .clone()
                .filter(|_| job.status == JobStatus::Failed),
            result,
            partial_errors,
            asked: facts(&job.payload),
            attempts: format!("{} of {}", job.attempts, job.max_attempts),
            queued_at: when(job.created_at),
            started_at: job.started_at.map(when),
            finished_at: job.finished_at.map(when),
            took: job
                .started_at
                .zip(job.finished_at)
                .map(|(start, end)| took(end - start)),
            can_cancel: !job.status.is_finished() && !job.cancel_requested,
            report,
        }
    }
}

/// The page where the pipeline's `step` is taken.
fn next_page(step: igny8_core::jobs::NextStep) -> &'static str {
    use igny8_core::jobs::NextStep::*;
    match step {
        GenerateIdeas => "/planner/clusters",
        QueueIdeas => "/planner/ideas",
        WriteImagePrompts | GenerateImages | Publish => "/writer/content",
    }
}

/// A job's progress cell, alone: the list draws it, and its event stream sends it again.
#[derive(Template)]
#[template(path = "jobs/progress.html")]
pub(crate) struct ProgressCell {
    pub(crate) p: Progress,
}

/// The changing part of a job's page, alone: the page draws it, and its event stream sends it
/// again.
#[derive(Template)]
#[template(path = "jobs/status.html")]
struct StatusPart {
    job: JobView,
    csrf: String,
    can_write: bool,
}

pub(crate) fn render_part(t: &impl Template) -> Result<String, WebError> {
    t.render().map_err(|e| {
        tracing::error!(error = %e, "a job's part of a page failed to render");
        WebError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The page failed to render. It has been logged; try again later.",
        )
    })
}

fn job_row(
    job: &Job,
    places: &Places,
    can_write: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Row, WebError> {
    let cell = render_part(&ProgressCell {
        p: Progress::of(job, now),
    })?;
    let live = (!job.status.is_finished()).then(|| format!("job-{}", job.id.get()));
    let site = job.site_id.map(|s| places.site_name(s)).unwrap_or("—");
    Ok(Row {
        id: job.id.get(),
        dom_id: format!("job-{}", job.id.get()),
        label: format!("{} #{}", job.kind.label(), job.id.get()),
        cells: vec![
            Cell::link(
                format!("{} #{}", job.kind.label(), job.id.get()),
                format!("{PATH}/{}", job.id.get()),
            ),
            Cell::fragment(cell, live),
            Cell::text(site).minor(),
            Cell::text(when(job.created_at)).minor(),
        ],
        select_form: can_write.then(|| "jobs-bulk".to_owned()),
        edit: None,
        inline: false,
    })
}

/// The event stream address of the unfinished jobs among `jobs`, if any.
fn live_address(jobs: &[Job], view: &str) -> Option<String> {
    let ids: Vec<String> = jobs
        .iter()
        .filter(|j| !j.status.is_finished())
        .take(MAX_FOLLOWED)
        .map(|j| j.id.get().to_string())
        .collect();
    (!ids.is_empty()).then(|| format!("{PATH}/events?view={view}&ids={}", ids.join(",")))
}

async fn render(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    list: &ListState,
    problem: Option<(StatusCode, String)>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let filter = list.filters::<JobQuery>()?.filter()?;
    let jobs = state
        .core
        .jobs()
        .list(&scope, &filter, &list.page_request())
        .await?;
    let places = Places::load(state, &scope).await?;
    let chrome = Chrome::new(req, "Jobs", "jobs");
    let can_write = chrome.can_write;
    let now = state.core.now();
    let mut table = Table::new("jobs", PATH, "Jobs", COLUMNS, list, "-id");
    table.rows = jobs
        .items
        .iter()
        .map(|j| job_row(j, &places, can_write, now))
        .collect::<Result<_, _>>()?;
    table.pager = Pager::of(list, &jobs, ("job", "jobs"));
    table.live = live_address(&jobs.items, "row");
    table.filters = vec![
        Filter::select(list, "kind", "What", |c| {
            let mut out = vec![Choice::new("", "Every kind", c.or(Some("")))];
            out.extend(
                <igny8_core::jobs::JobKind as igny8_core::enums::StringEnum>::VALUES
                    .iter()
                    .map(|k| Choice::new(k.as_str(), k.label(), c)),
            );
            out
        }),
        Filter::status::<JobStatus>(list),
        Filter::select(list, "site_id", "Site", |c| {
            places.site_choices("All sites", c)
        }),
    ];
    table.hidden = list.hidden(SHOWN);
    table.empty = if filter == igny8_core::jobs::JobFilter::default() {
        "No jobs yet. AI runs, publishing and automation runs appear here with their progress."
            .to_owned()
    } else {
        "No job matches these filters.".to_owned()
    };
    if can_write {
        table.bulk_path = "/jobs/cancel";
        table.bulk = vec![
            Bulk::new("/jobs/cancel", "cancel", "Cancel").confirm(
                "Cancel the selected jobs? Queued ones never start; running ones stop at their next step. Finished ones stay as they are.",
            ),
        ];
    }
    ListPage::respond(
        chrome,
        (
            "Jobs",
            "Every AI run, publish and automation run of the account. Progress updates by itself while a job runs.",
        ),
        table,
        problem,
    )
}

/// `GET /jobs`.
#[handler]
pub(crate) async fn list_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let list = ListState::from_query(PATH, req.uri().query());
    render(req, &state, &user, &list, None).await
}

/// `POST /jobs/cancel`: cancels the selected jobs that haven't finished (queued ones at once,
/// running ones at their next step); finished ones are left as they are.
#[handler]
pub(crate) async fn cancel_selected(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let jobs = state.core.jobs();
    let mut cancelled = 0;
    let response = on_ticked(
        req,
        &fields,
        PATH,
        JobId,
        "jobs-cancelled",
        async |ids| {
            cancelled = jobs.cancel_many(&scope, &ids).await?;
            Ok(cancelled)
        },
        async |list, problem| render(req, &state, &user, &list, Some(problem)).await,
    )
    .await?;
    // None cancelled: every selected job had already finished; say that instead.
    if cancelled == 0 && response.status() == StatusCode::SEE_OTHER {
        let back = local_back(fields.get("back"), PATH);
        return Ok(redirect(req, &with_done(&back, "jobs-finished", Some(0))));
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "jobs/show.html")]
struct ShowPage {
    chrome: Chrome,
    job: JobView,
    csrf: String,
    can_write: bool,
    live: Option<String>,
}

/// `GET /jobs/:id`.
#[handler]
pub(crate) async fn show(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let job = state.core.jobs().get(&scope, JobId(id)).await?;
    let places = Places::load(&state, &scope).await?;
    let site = job.site_id.map(|s| places.site_name(s)).unwrap_or("—");
    let chrome = Chrome::new(req, format!("{} #{}", job.kind.label(), id), "jobs");
    page(&ShowPage {
        csrf: chrome.csrf.clone(),
        can_write: chrome.can_write,
        live: live_address(std::slice::from_ref(&job), "detail"),
        job: JobView::of(&job, site, state.core.now()),
        chrome,
    })
}

/// `POST /jobs/:id/cancel`: cancels one job (the API's `system/jobs/{id}/cancel/`).
#[handler]
pub(crate) async fn cancel(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let target = format!("{PATH}/{id}");
    match state.core.jobs().cancel(&scope, JobId(id)).await {
        Ok(_) => Ok(redirect(req, &with_done(&target, "job-cancelled", None))),
        // Finished before the click arrived: the page shows how.
        Err(Error::Conflict(_)) => Ok(redirect(req, &with_done(&target, "job-finished", None))),
        Err(e) => Err(e.into()),
    }
}

/// The query of the event stream.
#[derive(Debug, serde::Deserialize)]
struct EventsQuery {
    #[serde(default)]
    ids: Option<String>,
    #[serde(default)]
    view: Option<String>,
}

/// `GET /jobs/events?ids=1,2&view=row|detail`: the jobs' parts of the page each time one
/// changes (event `job-<id>`), then `end` once all have finished (or the stream must end:
/// the session ended, was signed out or the person lost access).
#[handler]
pub(crate) async fn events(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let q: EventsQuery = serde_urlencoded::from_str(req.uri().query().unwrap_or(""))
        .map_err(|_| bad_stream_address())?;
    let detail = match q.view.as_deref() {
        None | Some("row") => false,
        Some("detail") => true,
        Some(_) => return Err(bad_stream_address()),
    };
    let ids: Vec<JobId> = id_list(q.ids)
        .map_err(|_| bad_stream_address())?
        .unwrap_or_default()
        .into_iter()
        .map(JobId)
        .collect();
    if ids.is_empty() || ids.len() > MAX_FOLLOWED {
        return Err(bad_stream_address());
    }
    let found = state
        .core
        .jobs()
        .list(
            &scope,
            &igny8_core::jobs::JobFilter {
                ids: Some(ids),
                ..Default::default()
            },
            &PageRequest {
                with_total: false,
                ..PageRequest::new(1, MAX_FOLLOWED as u64)
            },
        )
        .await?
        .items;
    // A job that ended between the page being drawn and this stream starting gets its last
    // part at once: the page would otherwise wait on it forever.
    let (finished, unfinished): (Vec<Job>, Vec<Job>) =
        found.into_iter().partition(|j| j.status.is_finished());
    let token = session_token(req, &state).unwrap_or_default();
    let credential = Recheck::WebSession {
        token: token.into(),
        idle: chrono::Duration::minutes(state.settings.web_session_idle_minutes),
    };
    let site_names = if detail {
        let places = Places::load(&state, &scope).await?;
        places
            .sites
            .iter()
            .map(|s| (s.id, s.name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let csrf = user.csrf.clone();
    let can_write = scope
        .require(igny8_core::tenancy::Permission::Write)
        .is_ok();
    let jobs = state
        .job_events
        .stream_many(&scope, unfinished, Some(user.expires_at), credential)
        .map_err(WebError::from)?;
    let core = state.core.clone();
    let jobs = futures_util::stream::iter(finished).chain(jobs);
    let parts = jobs.filter_map(move |job| {
        let now = core.now();
        let html = if detail {
            let site = job
                .site_id
                .and_then(|id| site_names.iter().find(|(s, _)| *s == id))
                .map_or("—", |(_, name)| name.as_str());
            render_part(&StatusPart {
                job: JobView::of(&job, site, now),
                csrf: csrf.clone(),
                can_write,
            })
        } else {
            render_part(&ProgressCell {
                p: Progress::of(&job, now),
            })
        };
        let event = html
            .ok()
            .map(|html| Event::message(html).event_type(format!("job-{}", job.id.get())));
        std::future::ready(event)
    });
    // (An event with no data is never dispatched by EventSource: `end` carries a word.)
    let end = futures_util::stream::once(async { Event::message("end").event_type("end") });
    Ok(SSE::new(parts.chain(end))
        .keep_alive(KEEP_ALIVE)
        .into_response())
}

fn bad_stream_address() -> WebError {
    WebError::new(
        StatusCode::BAD_REQUEST,
        format!(
            "This progress stream's address is not one the job pages make: it takes `ids`, 1 to {MAX_FOLLOWED} job ids separated by commas. Reload the page."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_words() {
        let s = chrono::Duration::seconds;
        assert_eq!(took(s(0)), "under a second");
        assert_eq!(took(s(12)), "12 s");
        assert_eq!(took(s(180)), "3 min");
        assert_eq!(took(s(184)), "3 min 4 s");
        assert_eq!(took(s(7500)), "2 h 5 min");
    }

    #[test]
    fn results_read_as_facts() {
        let v = serde_json::json!({
            "clusters_created": 1200,
            "keyword_ids": [1, 2, 3],
            "usage": {"input_tokens": 10, "model": "gpt-4o"},
            "items": [{"a": 1}, {"a": 2}],
            "note": null,
        });
        let f = facts(&v);
        assert!(f.contains(&("Clusters created".into(), "1,200".into())));
        assert!(f.contains(&("Keyword ids".into(), "1, 2, 3".into())));
        assert!(f.contains(&("Usage › Model".into(), "gpt-4o".into())));
        assert!(f.contains(&("Items".into(), "2 items".into())));
        assert!(f.contains(&("Note".into(), "—".into())));
        let many: Vec<i64> = (0..25).collect();
        let f = facts(&serde_json::json!({ "ids": many }));
        assert!(f[0].1.ends_with("and 15 more"), "{}", f[0].1);
    }

    #[test]
    fn an_ai_result_reads_unit_by_unit() {
        let v = serde_json::json!({
            "done": 1, "failed": 1, "credits_reserved": 3, "credits_charged": 2,
            "items": [{"object": "keyword_batch", "id": 7, "credits": 2,
                       "result": {"clusters_created": 2, "clusters_reused": 0,
                                  "keywords_assigned": 40, "clusters": [{"id": 1}]}}],
            "errors": [{"object": "keyword_batch", "id": 9, "error": "the model's answer was cut off"}],
        });
        let (f, errors) = ai_result(&v).unwrap();
        assert_eq!(f[0], ("Done".into(), "1 of 2".into()));
        assert_eq!(f[1], ("Credits charged".into(), "2".into()));
        assert_eq!(
            f[2],
            (
                "Keyword batch #7".into(),
                "Clusters created: 2, Keywords assigned: 40".into()
            )
        );
        assert_eq!(
            errors,
            [(
                "Keyword batch #9".to_owned(),
                "the model's answer was cut off".to_owned()
            )]
        );
        assert!(ai_result(&serde_json::json!({"post_id": 4})).is_none());
    }

    #[test]
    fn long_errors_are_shortened_in_the_list() {
        let long = "x".repeat(500) + "\nsecond line";
        let line = first_line(&long);
        assert_eq!(line.chars().count(), 161);
        assert!(line.ends_with('…'));
        assert_eq!(
            first_line("Provider said: quota exceeded"),
            "Provider said: quota exceeded"
        );
    }
}
