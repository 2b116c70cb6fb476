//! The thinker: what the AI is told. Prompts (`/thinker/prompts`: each AI function's shipped
//! prompt beside the account's own, whose variables the core checks on save), author profiles
//! (`/thinker/authors`: a voice — tone, language, style, structure — an article can be written
//! in) and strategies (`/thinker/strategies`: guidance, a section structure and extra
//! instructions per prompt, for a sector or all). Admins change them; everyone reads them. The
//! API's twins are `thinker/…`.

use std::collections::BTreeMap;

use askama::Template;
use igny8_core::tenancy::{Permission, Scope};
use igny8_core::thinker::{AuthorProfile, AuthorProfileInput, PromptType, Strategy, StrategyInput};
use igny8_core::{AuthorProfileId, SectorId, StrategyId};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use crate::state::AppState;
use crate::web::forms::{Fields, FormErrors, submit};
use crate::web::render::{Chrome, WebError, redirect, with_status};
use crate::web::session::WebUser;
use crate::web::table::{Bulk, Cell, Column, ListState, Row, Table, number};

use super::common::{Places, on_ticked};

fn may_manage(scope: &Scope) -> bool {
    scope.require_account_wide(Permission::Manage).is_ok()
}

/// A prompt type's name and what it is for.
fn prompt_name(t: PromptType) -> (&'static str, &'static str) {
    match t {
        PromptType::Clustering => (
            "Auto Cluster",
            "Groups a sector's keywords into clusters of one search intent.",
        ),
        PromptType::Ideas => (
            "Generate Ideas",
            "Turns a cluster into article ideas with outlines.",
        ),
        PromptType::Content => ("Generate Content", "Writes an article from a task."),
        PromptType::ImagePromptExtraction => (
            "Image prompts",
            "Reads an article and describes its featured and in-article images.",
        ),
        PromptType::ImagePromptTemplate => (
            "Image prompt wrapper",
            "Wraps every image prompt before it goes to the image model.",
        ),
        PromptType::NegativePrompt => (
            "What images avoid",
            "Sent with every image as what it must not show.",
        ),
    }
}

fn prompt_type(name: &str) -> Result<PromptType, WebError> {
    name.parse().map_err(|_| {
        WebError::new(
            StatusCode::NOT_FOUND,
            "There is no such prompt. Go back to Prompts and choose one there.",
        )
    })
}

/// The tabs of the thinker's pages.
#[derive(Template)]
#[template(path = "thinker/prompts.html")]
struct PromptsPage {
    chrome: Chrome,
    table: Table,
}

const PROMPT_COLUMNS: &[Column] = &[
    Column::new("Prompt"),
    Column::new("For").minor(),
    Column::new("In use"),
];

/// `GET /thinker/prompts`: every prompt, and whether the account's own is in use.
#[handler]
pub(crate) async fn prompts_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let own = state.core.thinker().prompts(&scope).await?;
    let list = ListState::from_query("/thinker/prompts", None);
    let mut table = Table::new(
        "prompts",
        "/thinker/prompts",
        "Prompts",
        PROMPT_COLUMNS,
        &list,
        "",
    );
    table.rows = PromptType::ALL
        .iter()
        .enumerate()
        .map(|(n, t)| {
            let (name, what) = prompt_name(*t);
            let mine = own.iter().any(|p| p.prompt_type == *t);
            Row {
                id: n as i64,
                dom_id: format!("prompt-{}", t.as_str()),
                label: name.to_owned(),
                cells: vec![
                    Cell::link(name, format!("/thinker/prompts/{}", t.as_str())),
                    Cell::text(what).minor(),
                    Cell::text(if mine { "Yours" } else { "The shipped one" }),
                ],
                select_form: None,
                edit: None,
                inline: false,
            }
        })
        .collect();
    with_status(
        StatusCode::OK,
        &PromptsPage {
            chrome: Chrome::new(req, "Prompts", "thinker"),
            table,
        },
    )
}

#[derive(Template)]
#[template(path = "thinker/prompt.html")]
struct PromptPage {
    chrome: Chrome,
    key: &'static str,
    name: &'static str,
    what: &'static str,
    shipped: &'static str,
    /// The variables it may use, as written in a prompt (`{{keywords}}`).
    variables: Vec<String>,
    /// The account's own template, when it has one.
    own: bool,
    typed: String,
    can_manage: bool,
    errors: FormErrors,
}

async fn prompt_page(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    t: PromptType,
    typed: Option<String>,
    (status, errors): (StatusCode, FormErrors),
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let own = state
        .core
        .thinker()
        .prompts(&scope)
        .await?
        .into_iter()
        .find(|p| p.prompt_type == t);
    let shipped = igny8_core::ai::functions::default_prompt(t);
    let (name, what) = prompt_name(t);
    with_status(
        status,
        &PromptPage {
            chrome: Chrome::new(req, name, "thinker"),
            key: t.as_str(),
            name,
            what,
            shipped,
            variables: t
                .variables()
                .iter()
                .map(|v| format!("{{{{{v}}}}}"))
                .collect(),
            typed: typed.unwrap_or_else(|| {
                own.as_ref()
                    .map_or_else(|| shipped.to_owned(), |p| p.template.clone())
            }),
            own: own.is_some(),
            can_manage: may_manage(&scope),
            errors,
        },
    )
}

/// `GET /thinker/prompts/:type`: the shipped prompt beside the account's.
#[handler]
pub(crate) async fn prompt_show(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    let t = prompt_type(&name)?;
    prompt_page(
        req,
        &state,
        &user,
        t,
        None,
        (StatusCode::OK, FormErrors::none()),
    )
    .await
}

/// `POST /thinker/prompts/:type`: saves the account's prompt (the API's `POST
/// thinker/prompts/`); a variable the prompt doesn't offer is refused beside the field.
#[handler]
pub(crate) async fn prompt_save(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(name): Path<String>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let t = prompt_type(&name)?;
    let template = fields.get("template").replace("\r\n", "\n");
    match state.core.thinker().set_prompt(&scope, t, &template).await {
        Ok(_) => Ok(redirect(
            req,
            &format!("/thinker/prompts/{name}?done=prompt-saved"),
        )),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            prompt_page(req, &state, &user, t, Some(template), (status, errors)).await
        }
    }
}

/// `POST /thinker/prompts/:type/reset`: the shipped prompt applies again (the API's
/// `DELETE thinker/prompts/{id}/`).
#[handler]
pub(crate) async fn prompt_reset(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let t = prompt_type(&name)?;
    state.core.thinker().reset_prompt(&scope, t).await?;
    Ok(redirect(
        req,
        &format!("/thinker/prompts/{name}?done=prompt-reset"),
    ))
}

/// Every author profile and strategy of the account (accounts have few).
fn all() -> igny8_core::list::PageRequest {
    igny8_core::list::PageRequest {
        with_total: false,
        ..igny8_core::list::PageRequest::new(1, igny8_core::list::MAX_PAGE_SIZE)
    }
}

/// An empty text is none.
fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// An author profile's form, as typed.
#[derive(Default)]
struct AuthorForm {
    name: String,
    description: String,
    tone: String,
    language: String,
    style: String,
    structure_template: String,
    active: bool,
}

impl AuthorForm {
    fn of(a: &AuthorProfile) -> Self {
        Self {
            name: a.name.clone(),
            description: a.description.clone().unwrap_or_default(),
            tone: a.tone.clone().unwrap_or_default(),
            language: a.language.clone().unwrap_or_default(),
            style: a.style.clone().unwrap_or_default(),
            structure_template: a.structure_template.clone().unwrap_or_default(),
            active: a.is_active,
        }
    }

    fn from(f: &Fields) -> Self {
        Self {
            name: f.get("name").to_owned(),
            description: f.get("description").to_owned(),
            tone: f.get("tone").to_owned(),
            language: f.get("language").to_owned(),
            style: f.get("style").to_owned(),
            structure_template: f.get("structure_template").to_owned(),
            active: f.has("is_active"),
        }
    }

    fn input(&self) -> AuthorProfileInput {
        AuthorProfileInput {
            name: Some(self.name.clone()),
            description: Some(optional(&self.description)),
            tone: Some(optional(&self.tone)),
            language: Some(optional(&self.language)),
            style: Some(optional(&self.style)),
            structure_template: Some(optional(&self.structure_template)),
            is_active: Some(self.active),
        }
    }
}

const AUTHOR_COLUMNS: &[Column] = &[
    Column::new("Author profile"),
    Column::new("Tone").minor(),
    Column::new("Language").minor(),
    Column::new("In use"),
];

fn yes_no(value: bool) -> Cell {
    Cell::text(if value { "Yes" } else { "No" })
}

#[derive(Template)]
#[template(path = "thinker/authors.html")]
struct AuthorsPage {
    chrome: Chrome,
    can_manage: bool,
    problem: Option<String>,
    table: Table,
    form: AuthorForm,
    errors: FormErrors,
}

async fn authors(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    problem: Option<String>,
    form: Option<(AuthorForm, FormErrors)>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let manage = may_manage(&scope);
    let found = state.core.thinker().authors(&scope, &all()).await?;
    let list = ListState::from_query("/thinker/authors", None);
    let mut table = Table::new(
        "authors",
        "/thinker/authors",
        "Author profiles",
        AUTHOR_COLUMNS,
        &list,
        "",
    );
    table.rows = found
        .items
        .iter()
        .map(|a| Row {
            id: a.id.get(),
            dom_id: format!("author-{}", a.id.get()),
            label: a.name.clone(),
            cells: vec![
                Cell::link(a.name.clone(), format!("/thinker/authors/{}", a.id.get())),
                Cell::text(a.tone.clone().unwrap_or_else(|| "—".into())).minor(),
                Cell::text(a.language.clone().unwrap_or_else(|| "—".into())).minor(),
                yes_no(a.is_active),
            ],
            select_form: manage.then(|| "authors-bulk".to_owned()),
            edit: None,
            inline: false,
        })
        .collect();
    table.pager.summary = format!("{} author profiles", number(found.items.len() as i64));
    table.empty = "No author profiles yet. Add one to give articles a voice: a task (or the account's defaults in Settings) names the profile to write in.".to_owned();
    if manage {
        table.bulk_path = "/thinker/authors/bulk-delete";
        table.bulk = vec![
            Bulk::new("/thinker/authors/bulk-delete", "delete", "Delete")
                .confirm("Delete the selected author profiles? Tasks that named them are written without one."),
        ];
    }
    let (form, errors) = form.unwrap_or_else(|| {
        (
            AuthorForm {
                active: true,
                ..AuthorForm::default()
            },
            FormErrors::none(),
        )
    });
    with_status(
        status,
        &AuthorsPage {
            chrome: Chrome::new(req, "Author profiles", "thinker"),
            can_manage: manage,
            problem,
            table,
            form,
            errors,
        },
    )
}

/// `GET /thinker/authors`.
#[handler]
pub(crate) async fn authors_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    authors(req, &state, &user, StatusCode::OK, None, None).await
}

/// `POST /thinker/authors`: adds an author profile (the API's `POST thinker/author-profiles/`).
#[handler]
pub(crate) async fn author_add(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let form = AuthorForm::from(&fields);
    match state
        .core
        .thinker()
        .create_author(&scope, form.input())
        .await
    {
        Ok(a) => Ok(redirect(
            req,
            &format!("/thinker/authors/{}?done=author-added", a.id.get()),
        )),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            authors(req, &state, &user, status, None, Some((form, errors))).await
        }
    }
}

/// `POST /thinker/authors/bulk-delete`.
#[handler]
pub(crate) async fn authors_delete(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    on_ticked(
        req,
        &fields,
        "/thinker/authors",
        AuthorProfileId,
        "authors-deleted",
        async |ids| state.core.thinker().delete_authors(&scope, &ids).await,
        async |_, (status, problem)| authors(req, &state, &user, status, Some(problem), None).await,
    )
    .await
}

#[derive(Template)]
#[template(path = "thinker/author.html")]
struct AuthorPage {
    chrome: Chrome,
    id: i64,
    can_manage: bool,
    form: AuthorForm,
    errors: FormErrors,
}

/// `GET /thinker/authors/:id`.
#[handler]
pub(crate) async fn author_show(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let a = state
        .core
        .thinker()
        .author(&scope, AuthorProfileId(id))
        .await?;
    with_status(
        StatusCode::OK,
        &AuthorPage {
            chrome: Chrome::new(req, a.name.clone(), "thinker"),
            id,
            can_manage: may_manage(&scope),
            form: AuthorForm::of(&a),
            errors: FormErrors::none(),
        },
    )
}

/// `POST /thinker/authors/:id`: saves an author profile (the API's `PATCH
/// thinker/author-profiles/{id}/`).
#[handler]
pub(crate) async fn author_save(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let form = AuthorForm::from(&fields);
    match state
        .core
        .thinker()
        .update_author(&scope, AuthorProfileId(id), form.input())
        .await
    {
        Ok(_) => Ok(redirect(
            req,
            &format!("/thinker/authors/{id}?done=author-saved"),
        )),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            with_status(
                status,
                &AuthorPage {
                    chrome: Chrome::new(req, "Author profile", "thinker"),
                    id,
                    can_manage: may_manage(&scope),
                    form,
                    errors,
                },
            )
        }
    }
}

/// A strategy's form, as typed.
#[derive(Default)]
struct StrategyForm {
    name: String,
    sector: String,
    guidance: String,
    /// One section per line.
    sections: String,
    /// Extra instructions per prompt type.
    extra: BTreeMap<String, String>,
    active: bool,
}

/// The prompts a strategy can add instructions to: (field, prompt type key, label).
fn extras() -> Vec<(&'static str, &'static str)> {
    PromptType::ALL
        .iter()
        .filter(|t| !matches!(t, PromptType::NegativePrompt))
        .map(|t| (t.as_str(), prompt_name(*t).0))
        .collect()
}

impl StrategyForm {
    fn of(s: &Strategy) -> Self {
        Self {
            name: s.name.clone(),
            sector: s.sector_id.map(|x| x.get().to_string()).unwrap_or_default(),
            guidance: s.guidance.clone().unwrap_or_default(),
            sections: s.section_structure.join("\n"),
            extra: s.prompt_customisations.clone(),
            active: s.is_active,
        }
    }

    fn from(f: &Fields) -> Self {
        Self {
            name: f.get("name").to_owned(),
            sector: f.get("sector_id").to_owned(),
            guidance: f.get("guidance").to_owned(),
            sections: f.get("sections").to_owned(),
            extra: extras()
                .into_iter()
                .map(|(key, _)| (key.to_owned(), f.get(&format!("extra_{key}")).to_owned()))
                .filter(|(_, v)| !v.trim().is_empty())
                .collect(),
            active: f.has("is_active"),
        }
    }

    fn extra(&self, key: &str) -> &str {
        self.extra.get(key).map(String::as_str).unwrap_or("")
    }

    fn input(&self) -> Result<StrategyInput, FormErrors> {
        let sector = match self.sector.trim() {
            "" => None,
            s => Some(SectorId(s.parse().map_err(|_| {
                FormErrors::summary("Please correct the fields marked below.")
                    .with_field("sector_id", "must be one of the account's sectors")
            })?)),
        };
        Ok(StrategyInput {
            sector_id: Some(sector),
            name: Some(self.name.clone()),
            guidance: Some(optional(&self.guidance)),
            section_structure: Some(self.sections.lines().map(str::to_owned).collect()),
            prompt_customisations: Some(
                self.extra
                    .iter()
                    .map(|(k, v)| (k.clone(), v.trim().to_owned()))
                    .collect(),
            ),
            is_active: Some(self.active),
        })
    }
}

const STRATEGY_COLUMNS: &[Column] = &[
    Column::new("Strategy"),
    Column::new("Sector").minor(),
    Column::new("Sections").numeric().minor(),
    Column::new("In use"),
];

#[derive(Template)]
#[template(path = "thinker/strategies.html")]
struct StrategiesPage {
    chrome: Chrome,
    can_manage: bool,
    problem: Option<String>,
    table: Table,
    form: StrategyForm,
    sectors: Vec<crate::web::table::Choice>,
    extras: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

async fn strategies(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    problem: Option<String>,
    form: Option<(StrategyForm, FormErrors)>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let manage = may_manage(&scope);
    let found = state
        .core
        .thinker()
        .strategies(&scope, None, &all())
        .await?;
    let places = Places::load(state, &scope).await?;
    let list = ListState::from_query("/thinker/strategies", None);
    let mut table = Table::new(
        "strategies",
        "/thinker/strategies",
        "Strategies",
        STRATEGY_COLUMNS,
        &list,
        "",
    );
    table.rows = found
        .items
        .iter()
        .map(|s| Row {
            id: s.id.get(),
            dom_id: format!("strategy-{}", s.id.get()),
            label: s.name.clone(),
            cells: vec![
                Cell::link(
                    s.name.clone(),
                    format!("/thinker/strategies/{}", s.id.get()),
                ),
                Cell::text(match s.sector_id {
                    Some(x) => places.sector_name(x),
                    None => "All sectors".to_owned(),
                })
                .minor(),
                Cell::number(Some(s.section_structure.len() as i64)).minor(),
                yes_no(s.is_active),
            ],
            select_form: manage.then(|| "strategies-bulk".to_owned()),
            edit: None,
            inline: false,
        })
        .collect();
    table.pager.summary = format!("{} strategies", number(found.items.len() as i64));
    table.empty = "No strategies yet. A strategy gives the AI guidance, a section structure and extra instructions, for one sector or all; a task names the strategy to follow.".to_owned();
    if manage {
        table.bulk_path = "/thinker/strategies/bulk-delete";
        table.bulk = vec![
            Bulk::new("/thinker/strategies/bulk-delete", "delete", "Delete").confirm(
                "Delete the selected strategies? Tasks that named them are written without one.",
            ),
        ];
    }
    let (form, errors) = form.unwrap_or_else(|| {
        (
            StrategyForm {
                active: true,
                ..StrategyForm::default()
            },
            FormErrors::none(),
        )
    });
    with_status(
        status,
        &StrategiesPage {
            chrome: Chrome::new(req, "Strategies", "thinker"),
            can_manage: manage,
            problem,
            table,
            sectors: places.sector_choices("All sectors", Some(form.sector.as_str())),
            form,
            extras: extras(),
            errors,
        },
    )
}

/// `GET /thinker/strategies`.
#[handler]
pub(crate) async fn strategies_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    strategies(req, &state, &user, StatusCode::OK, None, None).await
}

/// `POST /thinker/strategies`: adds a strategy (the API's `POST thinker/strategies/`).
#[handler]
pub(crate) async fn strategy_add(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let form = StrategyForm::from(&fields);
    let thinker = state.core.thinker();
    match submit(form.input(), async |input| {
        thinker.create_strategy(&scope, input).await
    })
    .await?
    {
        Ok(s) => Ok(redirect(
            req,
            &format!("/thinker/strategies/{}?done=strategy-added", s.id.get()),
        )),
        Err((status, errors)) => {
            strategies(req, &state, &user, status, None, Some((form, errors))).await
        }
    }
}

/// `POST /thinker/strategies/bulk-delete`.
#[handler]
pub(crate) async fn strategies_delete(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    on_ticked(
        req,
        &fields,
        "/thinker/strategies",
        StrategyId,
        "strategies-deleted",
        async |ids| state.core.thinker().delete_strategies(&scope, &ids).await,
        async |_, (status, problem)| {
            strategies(req, &state, &user, status, Some(problem), None).await
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "thinker/strategy.html")]
struct StrategyPage {
    chrome: Chrome,
    id: i64,
    can_manage: bool,
    form: StrategyForm,
    sectors: Vec<crate::web::table::Choice>,
    extras: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

async fn strategy_page(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    id: i64,
    form: StrategyForm,
    (status, errors): (StatusCode, FormErrors),
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let places = Places::load(state, &scope).await?;
    with_status(
        status,
        &StrategyPage {
            chrome: Chrome::new(req, "Strategy", "thinker"),
            id,
            can_manage: may_manage(&scope),
            sectors: places.sector_choices("All sectors", Some(form.sector.as_str())),
            form,
            extras: extras(),
            errors,
        },
    )
}

/// `GET /thinker/strategies/:id`.
#[handler]
pub(crate) async fn strategy_show(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let s = state
        .core
        .thinker()
        .strategy(&scope, StrategyId(id))
        .await?;
    let form = StrategyForm::of(&s);
    strategy_page(
        req,
        &state,
        &user,
        id,
        form,
        (StatusCode::OK, FormErrors::none()),
    )
    .await
}

/// `POST /thinker/strategies/:id`: saves a strategy (the API's `PATCH
/// thinker/strategies/{id}/`).
#[handler]
pub(crate) async fn strategy_save(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let form = StrategyForm::from(&fields);
    let thinker = state.core.thinker();
    let saved = submit(form.input(), async |input| {
        thinker.update_strategy(&scope, StrategyId(id), input).await
    })
    .await?;
    match saved {
        Ok(_) => Ok(redirect(
            req,
            &format!("/thinker/strategies/{id}?done=strategy-saved"),
        )),
        Err(sent) => strategy_page(req, &state, &user, id, form, sent).await,
    }
}

/// The Image Testing form, as typed.
#[derive(Default)]
struct TestForm {
    prompt: String,
    negative_prompt: String,
    style: String,
    size: String,
}

#[derive(Template)]
#[template(path = "thinker/image_testing.html")]
struct ImageTestingPage {
    chrome: Chrome,
    /// What one test costs.
    credits: String,
    form: TestForm,
    errors: FormErrors,
    result: Option<igny8_core::ai::functions::ImageTestResult>,
    /// The picture when it can be shown here (data the provider sent, not an outside URL).
    picture: Option<String>,
}

fn testing_page(
    req: &Request,
    state: &AppState,
    form: TestForm,
    (status, errors): (StatusCode, FormErrors),
    result: Option<igny8_core::ai::functions::ImageTestResult>,
) -> Result<Response, WebError> {
    let credits = state
        .core
        .ai_config()
        .credit_prices
        .credits(igny8_core::ai::Work::Images(1));
    let picture = result
        .as_ref()
        .map(|r| r.url.clone())
        .filter(|u| u.starts_with("data:image/"));
    with_status(
        status,
        &ImageTestingPage {
            chrome: Chrome::new(req, "Image testing", "thinker"),
            credits: format!(
                "{} credit{}",
                number(credits),
                if credits == 1 { "" } else { "s" }
            ),
            form,
            errors,
            result,
            picture,
        },
    )
}

/// `GET /thinker/image-testing`.
#[handler]
pub(crate) async fn image_testing_page(
    req: &Request,
    state: Data<&AppState>,
) -> Result<Response, WebError> {
    testing_page(
        req,
        &state,
        TestForm::default(),
        (StatusCode::OK, FormErrors::none()),
        None,
    )
}

/// `POST /thinker/image-testing`: draws one prompt with the account's image model and
/// template (the API's `POST thinker/image_testing/`), and shows the picture without saving it.
#[handler]
pub(crate) async fn image_test(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let form = TestForm {
        prompt: fields.get("prompt").to_owned(),
        negative_prompt: fields.get("negative_prompt").to_owned(),
        style: fields.get("style").to_owned(),
        size: fields.get("size").to_owned(),
    };
    let test = igny8_core::ai::functions::ImageTest {
        prompt: form.prompt.clone(),
        negative_prompt: optional(&form.negative_prompt),
        style: optional(&form.style),
        size: optional(&form.size),
    };
    let ai = state.core.ai();
    match submit(Ok(test), async |test| ai.test_image(&scope, test).await).await? {
        Ok(result) => testing_page(
            req,
            &state,
            form,
            (StatusCode::OK, FormErrors::none()),
            Some(result),
        ),
        Err((status, errors)) => {
            let errors = errors.shown_in(&["prompt", "negative_prompt", "style", "size"]);
            testing_page(req, &state, form, (status, errors), None)
        }
    }
}
