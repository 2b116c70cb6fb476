//! The planner's keyword list: filters, search, ordering, numbered and cursor paging, bulk
//! status, cluster and delete, in-place edits, adding one keyword and the CSV download of the
//! filtered list. Each write is the API's (`planner/keywords/…`) through the same core call.

use std::collections::HashMap;

use askama::Template;
use igny8_core::list::{PageRequest, Sort};
use igny8_core::planner::{self as p, Keyword};
use igny8_core::{ClusterId, Error, FieldError, KeywordId, SectorId};
use poem::http::{StatusCode, header};
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use crate::query::KeywordQuery;
use crate::state::AppState;
use crate::web::forms::{Fields, FormErrors};
use crate::web::render::{Chrome, WebError, page, redirect, with_status};

use super::common::{Places, local_back, refusal, ticked, with_done};
use crate::web::session::WebUser;
use crate::web::table::{Bulk, Cell, Choice, Column, Filter, ListState, Pager, Row, Table, label};

const PATH: &str = "/planner/keywords";

const COLUMNS: &[Column] = &[
    Column::new("Keyword").sort("keyword"),
    Column::new("Volume").sort("volume").numeric(),
    Column::new("Difficulty")
        .sort("difficulty")
        .numeric()
        .minor(),
    Column::new("CPC").sort("cpc").numeric().minor(),
    Column::new("Intent").minor(),
    Column::new("Status"),
    Column::new("Cluster"),
    Column::new("Sector").minor(),
];

/// The filters the form shows (others in the address, such as `cluster_id`, are kept hidden).
const SHOWN: &[&str] = &[
    "search",
    "site_id",
    "sector_id",
    "status",
    "intent",
    "has_cluster",
    "min_volume",
    "max_volume",
    "min_difficulty",
    "max_difficulty",
];

/// What the in-place row needs besides the keyword.
struct RowContext<'a> {
    places: &'a Places,
    clusters: &'a HashMap<ClusterId, String>,
    can_write: bool,
    back: &'a str,
}

fn keyword_row(k: &Keyword, cx: &RowContext<'_>) -> Row {
    let cluster = match k.cluster_id {
        Some(id) => Cell::link(
            cx.clusters
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("Cluster {}", id.get())),
            format!("{PATH}?cluster_id={}", id.get()),
        ),
        None => Cell::text("—"),
    };
    let back = form_urlencoded::byte_serialize(cx.back.as_bytes()).collect::<String>();
    Row {
        id: k.id.get(),
        dom_id: format!("keyword-{}", k.id.get()),
        label: k.keyword.clone(),
        cells: vec![
            Cell::text(k.keyword.clone()),
            Cell::number(k.volume),
            Cell::number(k.difficulty).minor(),
            Cell {
                class: "num".into(),
                ..Cell::text(
                    k.cpc
                        .map(|c| format!("{c:.2}"))
                        .unwrap_or_else(|| "—".into()),
                )
            }
            .minor(),
            Cell::text(
                k.intent
                    .map(|i| label(i.as_str()))
                    .unwrap_or_else(|| "—".into()),
            )
            .minor(),
            Cell::badge(k.status.as_str()),
            cluster,
            Cell::text(cx.places.sector_name(k.sector_id)).minor(),
        ],
        select_form: cx.can_write.then(|| "keywords-bulk".to_owned()),
        edit: cx
            .can_write
            .then(|| format!("{PATH}/{}/edit?back={back}", k.id.get())),
        inline: true,
    }
}

/// Names of the clusters `keywords` are in.
async fn cluster_names(
    state: &AppState,
    scope: &igny8_core::tenancy::Scope,
    keywords: &[Keyword],
) -> Result<HashMap<ClusterId, String>, WebError> {
    let mut ids: Vec<ClusterId> = keywords.iter().filter_map(|k| k.cluster_id).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let page = state
        .core
        .clusters()
        .list(
            scope,
            &p::ClusterFilter {
                ids: Some(ids.clone()),
                ..Default::default()
            },
            &p::ClusterSort::default(),
            &PageRequest {
                with_total: false,
                ..PageRequest::new(1, ids.len() as u64)
            },
        )
        .await?;
    Ok(page.items.into_iter().map(|c| (c.id, c.name)).collect())
}

/// The add form's values, kept when it is sent back.
#[derive(Debug, Default, Clone)]
struct AddForm {
    sector_id: String,
    keyword: String,
    volume: String,
    difficulty: String,
}

/// What a write sends back to the list page when it was refused: its status, the add form
/// as typed with its problems, or a sentence about a bulk action.
struct Sent {
    status: StatusCode,
    add: AddForm,
    errors: FormErrors,
    problem: Option<String>,
}

impl Default for Sent {
    fn default() -> Self {
        Self {
            status: StatusCode::OK,
            add: AddForm::default(),
            errors: FormErrors::none(),
            problem: None,
        }
    }
}

impl Sent {
    fn problem(status: StatusCode, problem: String) -> Self {
        Self {
            status,
            problem: Some(problem),
            ..Self::default()
        }
    }
}

#[derive(Template)]
#[template(path = "planner/keywords.html")]
struct KeywordsPage {
    chrome: Chrome,
    table: Table,
    sector_choices: Vec<Choice>,
    add: AddForm,
    errors: FormErrors,
    no_sectors: bool,
    open_add: bool,
    problem: Option<String>,
    /// The sector the list shows, for the import link.
    import_sector: Option<i64>,
}

/// `GET /planner/keywords`.
#[handler]
pub(crate) async fn list_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let list = ListState::from_query(PATH, req.uri().query());
    render_list(req, &state, &user, &list, Sent::default()).await
}

async fn render_list(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    list: &ListState,
    sent: Sent,
) -> Result<Response, WebError> {
    let Sent {
        status,
        add,
        errors,
        problem,
    } = sent;
    let scope = user.scope()?;
    let query: KeywordQuery = list.filters()?;
    let filter = query.filter()?;
    let order: p::KeywordSort = list.sort()?;
    let page = state
        .core
        .keywords()
        .list(&scope, &filter, &order, &list.page_request())
        .await?;
    let places = Places::load(state, &scope).await?;
    let clusters = cluster_names(state, &scope, &page.items).await?;
    let chrome = Chrome::new(req, "Keywords", "keywords");
    let can_write = chrome.can_write;

    let mut table = Table::new("keywords", PATH, "Keywords", COLUMNS, list, "-id");
    let cx = RowContext {
        places: &places,
        clusters: &clusters,
        can_write,
        back: &table.back,
    };
    table.rows = page.items.iter().map(|k| keyword_row(k, &cx)).collect();
    table.pager = Pager::of(list, &page, ("keyword", "keywords"));
    if can_write {
        table.offer_matching(page.total, ("keyword", "keywords"));
    }
    table.filters = vec![
        Filter::search(list, "search", "Search"),
        places.sector_filter(list),
        Filter::status::<p::KeywordStatus>(list),
        Filter::select(list, "intent", "Intent", |c| {
            Choice::any_of::<p::Intent>("Any intent", c)
        }),
        Filter::select(list, "has_cluster", "Cluster", |c| {
            vec![
                Choice::new("", "Any", c.or(Some(""))),
                Choice::new("true", "In a cluster", c),
                Choice::new("false", "Not in a cluster", c),
            ]
        }),
        Filter::number(list, "min_volume", "Volume from"),
        Filter::number(list, "max_volume", "Volume to"),
        Filter::number(list, "min_difficulty", "Difficulty from"),
        Filter::number(list, "max_difficulty", "Difficulty to"),
    ];
    if places.sites.len() > 1 {
        let sites = places
            .sites
            .iter()
            .map(|s| (s.id.get().to_string(), s.name.clone()))
            .collect::<Vec<_>>();
        table.filters.insert(
            1,
            Filter::select(list, "site_id", "Site", |c| {
                let mut out = vec![Choice::new("", "All sites", c.or(Some("")))];
                out.extend(
                    sites
                        .iter()
                        .map(|(id, name)| Choice::new(id.clone(), name.clone(), c)),
                );
                out
            }),
        );
    }
    table.hidden = list.hidden(SHOWN);
    if let Some(id) = filter.cluster_id {
        let cluster = state.core.clusters().get(&scope, id).await?;
        table.note = Some(format!("Keywords of the cluster “{}”.", cluster.name));
    }
    table.export = Some(list.with_path("/planner/keywords/export", false));
    table.empty = if filter == p::KeywordFilter::default() {
        "No keywords yet. Import a keyword export (the button above), or add one below.".to_owned()
    } else {
        "No keyword matches these filters.".to_owned()
    };
    if can_write {
        table.bulk_path = "/planner/keywords/bulk-update";
        table.bulk = vec![
            Bulk::new(
                "/planner/keywords/auto-cluster",
                "auto",
                "Auto Cluster with AI",
            ),
            Bulk::new("/planner/keywords/bulk-update", "archive", "Archive"),
            Bulk::new("/planner/keywords/bulk-update", "restore", "Bring back"),
            Bulk::new(
                "/planner/keywords/bulk-update",
                "uncluster",
                "Take out of cluster",
            ),
        ];
        // Keywords move only into a cluster of their own sector: offered when the list shows one.
        match filter.sector_id {
            Some(sector) => {
                let clusters = state
                    .core
                    .clusters()
                    .list(
                        &scope,
                        &p::ClusterFilter {
                            sector_id: Some(sector),
                            ..Default::default()
                        },
                        &Sort::parse("name").map_err(WebError::from)?,
                        &PageRequest {
                            with_total: false,
                            ..PageRequest::new(1, igny8_core::list::MAX_PAGE_SIZE)
                        },
                    )
                    .await?
                    .items;
                if !clusters.is_empty() {
                    let choices = clusters
                        .into_iter()
                        .map(|c| Choice::new(c.id.get().to_string(), c.name, None))
                        .collect();
                    table.bulk.push(
                        Bulk::new("/planner/keywords/bulk-update", "move", "Move").choice(
                            "cluster_id",
                            "to cluster",
                            choices,
                        ),
                    );
                }
            }
            None => {
                table.bulk_hint =
                    Some("Choose a sector above to move keywords into one of its clusters.");
            }
        }
        table.bulk.push(
            Bulk::new("/planner/keywords/bulk-delete", "delete", "Delete")
                .confirm("Delete the selected keywords? This can't be undone."),
        );
    }
    let open_add = errors.any() || (page.items.is_empty() && filter == p::KeywordFilter::default());
    let sector_choices = places.sector_choices("Choose a sector", Some(add.sector_id.as_str()));
    with_status(
        status,
        &KeywordsPage {
            chrome,
            no_sectors: places.sectors.is_empty(),
            table,
            sector_choices,
            add,
            errors,
            open_add,
            problem,
            import_sector: filter.sector_id.map(|s| s.get()),
        },
    )
}

/// Where to go back to after a write: the list as it was (any local path the form names).
fn back_to(fields: &Fields) -> String {
    local_back(fields.get("back"), PATH)
}

/// The list `back` shows.
fn list_of(back: &str) -> ListState {
    ListState::from_query(PATH, back.split_once('?').map(|(_, q)| q))
}

/// An optional whole number from a form; blank is none.
fn whole(fields: &Fields, name: &str, problems: &mut Vec<FieldError>) -> Option<i64> {
    let text = fields.get(name).trim().replace([',', '_', ' '], "");
    if text.is_empty() {
        return None;
    }
    match text.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            problems.push(FieldError::new(name, "must be a whole number, like 1200"));
            None
        }
    }
}

/// `POST /planner/keywords`: adds one keyword to a sector, then shows the list newest first
/// (the new keyword on top).
#[handler]
pub(crate) async fn add_keyword(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = back_to(&fields);
    let form = AddForm {
        sector_id: fields.get("sector_id").to_owned(),
        keyword: fields.get("keyword").to_owned(),
        volume: fields.get("volume").to_owned(),
        difficulty: fields.get("difficulty").to_owned(),
    };
    let mut problems = Vec::new();
    let sector = match form.sector_id.parse::<i64>() {
        Ok(id) => Some(SectorId(id)),
        Err(_) => {
            problems.push(FieldError::new("sector_id", "must be chosen"));
            None
        }
    };
    let draft = p::KeywordDraft {
        keyword: form.keyword.clone(),
        metrics: p::KeywordMetrics {
            volume: whole(&fields, "volume", &mut problems),
            difficulty: whole(&fields, "difficulty", &mut problems),
            ..Default::default()
        },
    };
    let result = match (sector, problems.is_empty()) {
        (Some(sector), true) => state.core.keywords().create(&scope, sector, draft).await,
        _ => Err(Error::fields(problems)),
    };
    match result {
        Ok(_) => Ok(redirect(req, &with_done(&back, "keyword-added", None))),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            render_list(
                req,
                &state,
                &user,
                &list_of(&back),
                Sent {
                    status,
                    add: form,
                    errors,
                    problem: None,
                },
            )
            .await
        }
    }
}

/// `POST /planner/keywords/bulk-update`: archive, bring back, take out of a cluster or move
/// into one, for every selected keyword at once (all or none).
#[handler]
pub(crate) async fn bulk_update(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = back_to(&fields);
    let selection = Selection::of(&fields, &back)?;
    if selection.is_empty() {
        return Ok(redirect(req, &with_done(&back, "none-selected", None)));
    }
    let patch = match fields.get("action") {
        "archive" => p::KeywordPatch {
            status: Some(p::KeywordStatus::Archived),
            ..Default::default()
        },
        "restore" => p::KeywordPatch {
            status: Some(p::KeywordStatus::Pending),
            ..Default::default()
        },
        "uncluster" => p::KeywordPatch {
            cluster_id: Some(None),
            ..Default::default()
        },
        "move" => match fields.get("cluster_id").parse::<i64>() {
            Ok(id) => p::KeywordPatch {
                cluster_id: Some(Some(ClusterId(id))),
                ..Default::default()
            },
            Err(_) => {
                let problem = "Choose the cluster to move the selected keywords to.".to_owned();
                return render_list(
                    req,
                    &state,
                    &user,
                    &list_of(&back),
                    Sent::problem(StatusCode::UNPROCESSABLE_ENTITY, problem),
                )
                .await;
            }
        },
        _ => {
            return Err(WebError::new(
                StatusCode::BAD_REQUEST,
                "Choose what to do with the selected keywords, with one of the buttons above the list.",
            ));
        }
    };
    let keywords = state.core.keywords();
    let changed = match &selection {
        Selection::Ticked(ids) => keywords.bulk_update(&scope, ids, patch).await,
        Selection::Matching(filter, expected) => {
            keywords
                .update_matching(&scope, filter, patch, Some(*expected))
                .await
        }
    };
    match changed {
        Ok(n) => Ok(redirect(
            req,
            &with_done(&back, "keywords-changed", Some(n)),
        )),
        Err(e) => bulk_refused(req, &state, &user, &back, e).await,
    }
}

/// The list again, saying why the bulk action was refused (nothing was changed).
async fn bulk_refused(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    back: &str,
    e: Error,
) -> Result<Response, WebError> {
    let (status, problem) = refusal(e)?;
    render_list(
        req,
        state,
        user,
        &list_of(back),
        Sent::problem(status, problem),
    )
    .await
}

/// `POST /planner/keywords/bulk-delete`: deletes the selected keywords (or all matching).
#[handler]
pub(crate) async fn bulk_delete(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = back_to(&fields);
    let selection = Selection::of(&fields, &back)?;
    if selection.is_empty() {
        return Ok(redirect(req, &with_done(&back, "none-selected", None)));
    }
    let keywords = state.core.keywords();
    let deleted = match &selection {
        Selection::Ticked(ids) => keywords.delete(&scope, ids).await,
        Selection::Matching(filter, expected) => {
            keywords
                .delete_matching(&scope, filter, Some(*expected))
                .await
        }
    };
    match deleted {
        Ok(n) => Ok(redirect(
            req,
            &with_done(&back, "keywords-deleted", Some(n)),
        )),
        Err(e) => bulk_refused(req, &state, &user, &back, e).await,
    }
}

/// The keywords a bulk action reaches: those ticked, or every keyword the list's filters
/// match ("all N matching", with the N the person saw).
enum Selection {
    Ticked(Vec<KeywordId>),
    Matching(p::KeywordFilter, u64),
}

impl Selection {
    fn of(fields: &Fields, back: &str) -> Result<Self, WebError> {
        let matching = fields.get("matching").trim();
        if matching.is_empty() {
            return Ok(Self::Ticked(ticked(fields, KeywordId)?));
        }
        let expected = matching.parse().map_err(|_| {
            WebError::new(
                StatusCode::BAD_REQUEST,
                "The number of matching keywords was not sent as a number. Reload the list and try again.",
            )
        })?;
        let query: KeywordQuery = list_of(back).filters()?;
        Ok(Self::Matching(query.filter()?, expected))
    }

    fn is_empty(&self) -> bool {
        matches!(self, Self::Ticked(ids) if ids.is_empty())
    }
}

/// The edit form's values.
#[derive(Debug, Default, Clone)]
struct EditForm {
    keyword: String,
    volume: String,
    difficulty: String,
    cpc: String,
    intent: String,
}

impl EditForm {
    fn of(k: &Keyword) -> Self {
        Self {
            keyword: k.keyword.clone(),
            volume: k.volume.map(|v| v.to_string()).unwrap_or_default(),
            difficulty: k.difficulty.map(|v| v.to_string()).unwrap_or_default(),
            cpc: k.cpc.map(|v| v.to_string()).unwrap_or_default(),
            intent: k.intent.map(|i| i.as_str().to_owned()).unwrap_or_default(),
        }
    }

    fn read(fields: &Fields) -> Self {
        Self {
            keyword: fields.get("keyword").to_owned(),
            volume: fields.get("volume").to_owned(),
            difficulty: fields.get("difficulty").to_owned(),
            cpc: fields.get("cpc").to_owned(),
            intent: fields.get("intent").to_owned(),
        }
    }

    /// The change to `current` this form asks for; words where numbers go are field errors.
    fn patch(&self, fields: &Fields, current: &Keyword) -> Result<p::KeywordPatch, Error> {
        let mut problems = Vec::new();
        let volume = whole(fields, "volume", &mut problems);
        let difficulty = whole(fields, "difficulty", &mut problems);
        let cpc = match self.cpc.trim() {
            "" => None,
            text => match text
                .trim_start_matches(['$', '€', '£'])
                .replace(',', ".")
                .parse::<f64>()
            {
                Ok(c) => Some(c),
                Err(_) => {
                    problems.push(FieldError::new("cpc", "must be a number, like 1.25"));
                    None
                }
            },
        };
        let intent = match self.intent.trim() {
            "" => None,
            text => match text.parse::<p::Intent>() {
                Ok(i) => Some(i),
                Err(e) => {
                    problems.push(FieldError::new("intent", e));
                    None
                }
            },
        };
        if !problems.is_empty() {
            return Err(Error::fields(problems));
        }
        // A field the form doesn't send is left as it is; a blank one is cleared.
        let sent = |name: &str| fields.has(name);
        Ok(p::KeywordPatch {
            keyword: (sent("keyword") && self.keyword.trim() != current.keyword)
                .then(|| self.keyword.clone()),
            volume: sent("volume").then_some(volume),
            difficulty: sent("difficulty").then_some(difficulty),
            cpc: sent("cpc").then_some(cpc),
            intent: sent("intent").then_some(intent),
            ..Default::default()
        })
    }
}

#[derive(Template)]
#[template(path = "planner/keyword_edit_row.html")]
struct EditRow {
    id: i64,
    prefix: String,
    width: usize,
    form: EditForm,
    errors: FormErrors,
    intents: Vec<Choice>,
    csrf: String,
    back: String,
}

#[derive(Template)]
#[template(path = "planner/keyword_edit.html")]
struct EditPage {
    chrome: Chrome,
    id: i64,
    prefix: String,
    form: EditForm,
    errors: FormErrors,
    intents: Vec<Choice>,
    back: String,
}

#[derive(Template)]
#[template(path = "components/row.html")]
struct RowFragment {
    row: Row,
}

/// Whether the request wants a piece of a page (an htmx swap) rather than a page.
fn wants_fragment(req: &Request) -> bool {
    req.headers().contains_key("hx-request") && !req.headers().contains_key("hx-boosted")
}

fn intents(current: &str) -> Vec<Choice> {
    Choice::any_of::<p::Intent>("Unknown", Some(current))
}

/// Width of the keyword table for someone who may write (selection, columns, actions).
fn width() -> usize {
    COLUMNS.len() + 2
}

/// The edit form (`status` 422 when it comes back with problems), as a table row for htmx or
/// as a page.
fn edit_form(
    req: &Request,
    user: &WebUser,
    status: StatusCode,
    id: i64,
    form: EditForm,
    errors: FormErrors,
    back: String,
) -> Result<Response, WebError> {
    let intents = intents(&form.intent);
    if wants_fragment(req) {
        with_status(
            status,
            &EditRow {
                id,
                prefix: format!("edit-{id}"),
                width: width(),
                form,
                errors,
                intents,
                csrf: user.csrf.clone(),
                back,
            },
        )
    } else {
        with_status(
            status,
            &EditPage {
                chrome: Chrome::new(req, "Edit keyword", "keywords"),
                id,
                prefix: "edit".to_owned(),
                form,
                errors,
                intents,
                back,
            },
        )
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct BackQuery {
    back: String,
}

/// `GET /planner/keywords/:id/edit`.
#[handler]
pub(crate) async fn edit_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    poem::web::Query(q): poem::web::Query<BackQuery>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let k = state.core.keywords().get(&scope, KeywordId(id)).await?;
    // Only someone who may change it gets the form (the save would be refused anyway).
    scope
        .require(igny8_core::tenancy::Permission::Write)
        .map_err(WebError::from)?;
    let back = local_back(&q.back, PATH);
    edit_form(
        req,
        &user,
        StatusCode::OK,
        id,
        EditForm::of(&k),
        FormErrors::none(),
        back,
    )
}

/// `GET /planner/keywords/:id/row`: the keyword's row as the list shows it (to put back after
/// an edit is cancelled); a page request goes to the list.
#[handler]
pub(crate) async fn row_fragment(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    poem::web::Query(q): poem::web::Query<BackQuery>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let k = state.core.keywords().get(&scope, KeywordId(id)).await?;
    let back = local_back(&q.back, PATH);
    if !wants_fragment(req) {
        return Ok(redirect(req, &back));
    }
    row_response(req, &state, &user, &k, &back).await
}

async fn row_response(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    k: &Keyword,
    back: &str,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let places = Places::load(state, &scope).await?;
    let clusters = cluster_names(state, &scope, std::slice::from_ref(k)).await?;
    let can_write = Chrome::new(req, "", "").can_write;
    let cx = RowContext {
        places: &places,
        clusters: &clusters,
        can_write,
        back,
    };
    page(&RowFragment {
        row: keyword_row(k, &cx),
    })
}

/// `POST /planner/keywords/:id`: saves the edit form (the API's `PATCH planner/keywords/{id}/`).
#[handler]
pub(crate) async fn save_keyword(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let current = state.core.keywords().get(&scope, KeywordId(id)).await?;
    let form = EditForm::read(&fields);
    let back = back_to(&fields);
    let result = match form.patch(&fields, &current) {
        Ok(patch) => {
            state
                .core
                .keywords()
                .update(&scope, KeywordId(id), patch)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(k) if wants_fragment(req) => row_response(req, &state, &user, &k, &back).await,
        Ok(_) => Ok(redirect(req, &with_done(&back, "keyword-saved", None))),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            edit_form(req, &user, status, id, form, errors, back)
        }
    }
}

/// `GET /planner/keywords/export`: the filtered list as CSV (the API's `planner/keywords/export/`).
#[handler]
pub(crate) async fn export_csv(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let list = ListState::from_query(PATH, req.uri().query());
    let filter = list.filters::<KeywordQuery>()?.filter()?;
    let body = crate::downloads::keywords_csv(&state.core, scope, filter).await?;
    Ok(Response::builder()
        .content_type("text/csv; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"keywords.csv\"",
        )
        .body(body))
}

/// Auto Cluster of `ids` (the unclustered ones among them): the payload the API's
/// `planner/keywords/auto_cluster/` builds from the same request.
fn auto_payload(ids: &[KeywordId]) -> serde_json::Value {
    crate::dto::ai::AutoClusterRequest {
        ids: ids.iter().map(|k| k.get()).collect(),
        sector_id: None,
        mode: None,
        batch_size: None,
        language: None,
        min_cluster_size: None,
    }
    .payload()
}

fn auto_fields(ids: &[KeywordId], back: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = ids
        .iter()
        .map(|k| ("ids".to_owned(), k.get().to_string()))
        .collect();
    out.push(("back".into(), back.to_owned()));
    out
}

/// `POST /planner/keywords/auto-cluster`: what Auto Cluster of the selected keywords would
/// cost (the API's `billing/estimate/`), on a page with the button that starts it.
#[handler]
pub(crate) async fn auto_estimate(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = local_back(fields.get("back"), PATH);
    if !fields.get("matching").trim().is_empty() {
        let problem = "Nothing was started. Auto Cluster takes the keywords ticked on this page: untick “all matching”, tick the keywords to group (or show more per page) and try again.".to_owned();
        return render_list(
            req,
            &state,
            &user,
            &list_of(&back),
            Sent::problem(StatusCode::UNPROCESSABLE_ENTITY, problem),
        )
        .await;
    }
    let ids = ticked(&fields, KeywordId)?;
    if ids.is_empty() {
        return Ok(redirect(req, &with_done(&back, "none-selected", None)));
    }
    let outcome = state
        .core
        .ai()
        .estimate(
            &scope,
            igny8_core::jobs::JobKind::AutoCluster,
            &auto_payload(&ids),
        )
        .await
        .map(|e| {
            super::ai::Cost::of(
                &e,
                format!(
                    "Auto Cluster of {} selected keywords (those in no cluster yet)",
                    ids.len()
                ),
                ("model call", "model calls"),
                ("/planner/keywords/auto-cluster/start", "Start Auto Cluster"),
                auto_fields(&ids, &back),
                back.clone(),
            )
        });
    super::ai::confirm(req, "Auto Cluster with AI", outcome, back, None)
}

/// `POST /planner/keywords/auto-cluster/start`: starts Auto Cluster of the selected keywords
/// (the API's `planner/keywords/auto_cluster/`) and goes to its job.
#[handler]
pub(crate) async fn auto_start(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = local_back(fields.get("back"), PATH);
    let ids = ticked(&fields, KeywordId)?;
    let kind = igny8_core::jobs::JobKind::AutoCluster;
    match super::ai::start(req, &state, &scope, kind, auto_payload(&ids)).await {
        Ok(to_job) => Ok(to_job),
        Err(e) => super::ai::confirm(req, "Auto Cluster with AI", Err(e), back, None),
    }
}
