//! Importing a keyword export into a sector (`/planner/keywords/import`): the file is sent
//! as a plain form upload and streamed into the core's import, which recognises the layout
//! (Google Keyword Planner, Semrush, Ahrefs…) from the file itself. The page then shows what
//! was read — the layout, how many keywords were added and merged — and every line that
//! wasn't imported, with the reason. The API's twin is `POST planner/keywords/import/`.
//!
//! A file larger than [`BACKGROUND_FROM`] isn't imported while the page waits: the core keeps
//! it and imports it as a job (the API's `import_in_background/`), the browser goes to the
//! job's page, which follows it live and links back here (`?job=ID`) for the same report.

use askama::Template;
use igny8_core::SectorId;
use igny8_core::planner::{ImportReport, RowIssue};
use igny8_core::tenancy::Permission;
use poem::http::StatusCode;
use poem::web::{Data, Multipart};
use poem::{Request, Response, handler};

use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::render::{Chrome, WebError, size_in_words, with_status};
use crate::web::session::WebUser;
use crate::web::table::{Choice, number};

use super::common::Places;

/// Files larger than this (2 MiB, some 50,000 keywords) are imported as a job: the page
/// doesn't wait for them, and they can be left and come back to.
pub(crate) const BACKGROUND_FROM: u64 = 2 * 1024 * 1024;

/// What the page shows after an import.
struct Outcome {
    format: String,
    imported_n: u64,
    imported: String,
    merged: String,
    rejected: u64,
    rejected_text: String,
    lines: Vec<RowIssue>,
    unlisted: u64,
    sector_id: i64,
}

impl Outcome {
    fn of(report: &ImportReport, sector: SectorId) -> Self {
        Self {
            format: report.format_label().to_owned(),
            imported_n: report.imported,
            imported: number(report.imported as i64),
            merged: number(report.merged as i64),
            rejected: report.rejected,
            rejected_text: number(report.rejected as i64),
            lines: report.errors.clone(),
            unlisted: report.rejected.saturating_sub(report.errors.len() as u64),
            sector_id: sector.get(),
        }
    }
}

#[derive(Template)]
#[template(path = "planner/import.html")]
struct ImportPage {
    chrome: Chrome,
    sectors: Vec<Choice>,
    errors: FormErrors,
    outcome: Option<Outcome>,
    limit: String,
}

async fn render(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    chosen: Option<&str>,
    errors: FormErrors,
    outcome: Option<Outcome>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let places = Places::load(state, &scope).await?;
    let choices = places.sector_choices("Choose a sector", chosen);
    let bytes = state.settings.max_upload_bytes;
    with_status(
        status,
        &ImportPage {
            chrome: Chrome::new(req, "Import keywords", "keywords"),
            sectors: choices,
            errors,
            outcome,
            limit: size_in_words(bytes),
        },
    )
}

/// `GET /planner/keywords/import`.
#[handler]
pub(crate) async fn import_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let param = |name: &str| {
        req.uri()
            .query()
            .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == name))
            .map(|(_, v)| v.into_owned())
    };
    let chosen = param("sector_id");
    let scope = user.scope()?;
    if let Some(job) = param("job") {
        return job_report(req, &state, &user, &job).await;
    }
    // Only someone who may add keywords gets the form.
    scope.require(Permission::Write).map_err(WebError::from)?;
    render(
        req,
        &state,
        &user,
        StatusCode::OK,
        chosen.as_deref(),
        FormErrors::none(),
        None,
    )
    .await
}

/// The report of a background import (`?job=ID`), as the page shows one it made itself; its
/// job's page while it hasn't finished.
async fn job_report(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    job: &str,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let not_found = || WebError::new(StatusCode::NOT_FOUND, "There is no such import.");
    let id = job
        .parse()
        .map(igny8_core::JobId)
        .map_err(|_| not_found())?;
    let job = state.core.jobs().get(&scope, id).await?;
    if job.kind != igny8_core::jobs::JobKind::ImportKeywords {
        return Err(not_found());
    }
    let report = job
        .result
        .clone()
        .filter(|_| job.status == igny8_core::jobs::JobStatus::Succeeded)
        .and_then(|r| serde_json::from_value::<ImportReport>(r).ok());
    let Some(report) = report else {
        return Ok(crate::web::render::redirect(
            req,
            &format!("/jobs/{}", id.get()),
        ));
    };
    let sector = SectorId(job.payload["sector_id"].as_i64().unwrap_or_default());
    let outcome = Outcome::of(&report, sector);
    let chosen = sector.get().to_string();
    render(
        req,
        state,
        user,
        StatusCode::OK,
        Some(&chosen),
        FormErrors::none(),
        Some(outcome),
    )
    .await
}

/// `POST /planner/keywords/import`: a form upload of `sector_id` then `file` (in that order,
/// so the sector is checked before the file is read); the file streams into the core.
#[handler]
pub(crate) async fn import(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    mut form: Multipart,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let unreadable = || {
        WebError::new(
            StatusCode::BAD_REQUEST,
            "The upload could not be read. Go back, choose the file again and send it.",
        )
    };
    // The form's size stands for the file's (the sector field is a few bytes).
    let large = req
        .headers()
        .get(poem::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        .is_some_and(|n| n > BACKGROUND_FROM);
    let mut sector: Option<String> = None;
    let mut result = None;
    while let Some(field) = form.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("sector_id") => sector = Some(field.text().await.map_err(|_| unreadable())?),
            Some("file") => {
                let chosen_file = field.file_name().is_some_and(|n| !n.is_empty());
                let id = match sector.as_deref().map(str::parse::<i64>) {
                    Some(Ok(id)) => SectorId(id),
                    _ => {
                        result = Some(Err(igny8_core::Error::field("sector_id", "must be chosen")));
                        break;
                    }
                };
                if !chosen_file {
                    result = Some(Err(igny8_core::Error::field(
                        "file",
                        "must be chosen: pick the CSV or text file your keyword tool exported",
                    )));
                    break;
                }
                if large {
                    let job = state
                        .core
                        .keywords()
                        .import_in_background(&scope, id, field.into_async_read())
                        .await;
                    match job {
                        Ok(job) => {
                            let to = format!("/jobs/{}?done=job-started", job.id.get());
                            return Ok(crate::web::render::redirect(req, &to));
                        }
                        Err(e) => {
                            result = Some(Err(e));
                            break;
                        }
                    }
                }
                let outcome = state
                    .core
                    .keywords()
                    .import(&scope, id, field.into_async_read())
                    .await
                    .map(|report| Outcome::of(&report, id));
                result = Some(outcome);
                break;
            }
            _ => {}
        }
    }
    let result = result.unwrap_or_else(|| {
        Err(igny8_core::Error::field(
            "file",
            "must be chosen: pick the CSV or text file your keyword tool exported",
        ))
    });
    match result {
        Ok(outcome) => {
            let chosen = outcome.sector_id.to_string();
            render(
                req,
                &state,
                &user,
                StatusCode::OK,
                Some(&chosen),
                FormErrors::none(),
                Some(outcome),
            )
            .await
        }
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            render(req, &state, &user, status, sector.as_deref(), errors, None).await
        }
    }
}
