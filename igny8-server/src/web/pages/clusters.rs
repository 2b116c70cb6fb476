//! The planner's clusters (`/planner/clusters`): the list with its keyword counts and volume,
//! filters, archive / make active / delete on the selected clusters, adding one, renaming one,
//! grouping a sector's unclustered keywords without AI (the free local clustering) with its
//! report, and Auto Cluster with AI — its cost first, then the job's live progress. The API's
//! twins are `planner/clusters/…`, `planner/keywords/cluster_locally/`, `billing/estimate/`
//! and `planner/keywords/auto_cluster/`.

use askama::Template;
use igny8_core::jobs::JobKind;
use igny8_core::list::{PageRequest, Sort};
use igny8_core::planner::clustering::Language;
use igny8_core::planner::{self as p, Cluster, ClusteringReport};
use igny8_core::{ClusterId, Error, SectorId};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use crate::dto::ai::{AutoClusterRequest, GenerateIdeasRequest};
use crate::query::{ClusterQuery, local_cluster_options};
use crate::state::AppState;
use crate::web::forms::{Fields, FormErrors};
use crate::web::render::{Chrome, WebError, page, redirect, with_status};
use crate::web::session::WebUser;
use crate::web::table::{Bulk, Cell, Choice, Column, Filter, ListState, Pager, Row, Table, number};

use super::ai::{self, Cost};
use super::common::{Places, local_back, refusal, ticked, with_done};

const PATH: &str = "/planner/clusters";

const COLUMNS: &[Column] = &[
    Column::new("Cluster").sort("name"),
    Column::new("Keywords").numeric(),
    Column::new("Volume").numeric(),
    Column::new("Ideas").numeric().minor(),
    Column::new("Status"),
    Column::new("Sector").minor(),
];

const SHOWN: &[&str] = &["search", "sector_id", "status", "has_ideas"];

fn cluster_row(c: &Cluster, places: &Places, can_write: bool) -> Row {
    Row {
        id: c.id.get(),
        dom_id: format!("cluster-{}", c.id.get()),
        label: c.name.clone(),
        cells: vec![
            Cell::link(c.name.clone(), format!("{PATH}/{}", c.id.get())),
            Cell::number(Some(c.keyword_count)),
            Cell::number(Some(c.total_volume)),
            Cell::number(Some(c.idea_count)).minor(),
            Cell::badge(c.status.as_str()),
            Cell::text(places.sector_name(c.sector_id)).minor(),
        ],
        select_form: can_write.then(|| "clusters-bulk".to_owned()),
        edit: can_write.then(|| format!("{PATH}/{}/edit", c.id.get())),
        inline: false,
    }
}

/// What the local clustering run did, for people.
struct Grouped {
    considered: String,
    assigned: String,
    created: u64,
    reused: u64,
    clusters: Vec<(String, String, bool, String)>,
}

impl Grouped {
    fn of(r: &ClusteringReport) -> Self {
        Self {
            considered: number(r.keywords_considered as i64),
            assigned: number(r.keywords_assigned as i64),
            created: r.clusters_created,
            reused: r.clusters_reused,
            clusters: r
                .clusters
                .iter()
                .map(|c| {
                    (
                        c.name.clone(),
                        format!("/planner/keywords?cluster_id={}", c.id.get()),
                        c.created,
                        number(c.keywords as i64),
                    )
                })
                .collect(),
        }
    }
}

/// Auto Cluster of every keyword of `sector` that is in no cluster yet: the payload the
/// API's `planner/keywords/auto_cluster/` builds from the same request.
fn auto_payload(sector: i64) -> serde_json::Value {
    AutoClusterRequest {
        ids: Vec::new(),
        sector_id: Some(sector),
        mode: None,
        batch_size: None,
        language: None,
        min_cluster_size: None,
    }
    .payload()
}

/// The forms of the page as typed, with their problems.
#[derive(Default)]
struct Forms {
    auto_sector: String,
    auto_errors: FormErrors,
    cost: Option<Cost>,
    status: Option<StatusCode>,
    add_sector: String,
    add_name: String,
    add_errors: FormErrors,
    group_sector: String,
    group_language: String,
    group_errors: FormErrors,
    grouped: Option<Grouped>,
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "planner/clusters.html")]
struct ClustersPage {
    chrome: Chrome,
    table: Table,
    auto_sectors: Vec<Choice>,
    add_sectors: Vec<Choice>,
    group_sectors: Vec<Choice>,
    languages: Vec<Choice>,
    forms: Forms,
}

async fn render(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    list: &ListState,
    forms: Forms,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let filter = list.filters::<ClusterQuery>()?.filter()?;
    let order: p::ClusterSort = list.sort()?;
    let page = state
        .core
        .clusters()
        .list(&scope, &filter, &order, &list.page_request())
        .await?;
    let places = Places::load(state, &scope).await?;
    let chrome = Chrome::new(req, "Clusters", "clusters");
    let can_write = chrome.can_write;
    let mut table = Table::new("clusters", PATH, "Clusters", COLUMNS, list, "-id");
    table.rows = page
        .items
        .iter()
        .map(|c| cluster_row(c, &places, can_write))
        .collect();
    table.pager = Pager::of(list, &page, ("cluster", "clusters"));
    table.filters = vec![
        Filter::search(list, "search", "Search"),
        places.sector_filter(list),
        Filter::status::<p::ClusterStatus>(list),
        Filter::select(list, "has_ideas", "Ideas", |c| {
            vec![
                Choice::new("", "Any", c.or(Some(""))),
                Choice::new("true", "With ideas", c),
                Choice::new("false", "Without ideas", c),
            ]
        }),
    ];
    table.hidden = list.hidden(SHOWN);
    table.empty = if filter == p::ClusterFilter::default() {
        "No clusters yet. Group a sector's keywords below — without AI, free — or add a cluster by hand."
            .to_owned()
    } else {
        "No cluster matches these filters.".to_owned()
    };
    if can_write {
        table.bulk_path = "/planner/clusters/bulk-update";
        table.bulk = vec![
            Bulk::new("/planner/clusters/ideas", "ideas", "Generate ideas"),
            Bulk::new("/planner/clusters/bulk-update", "archive", "Archive"),
            Bulk::new("/planner/clusters/bulk-update", "activate", "Make active"),
            Bulk::new("/planner/clusters/bulk-delete", "delete", "Delete").confirm(
                "Delete the selected clusters? Their keywords stay, waiting for a cluster again.",
            ),
        ];
        // Merging is within a sector: offered once the list shows one.
        match filter.sector_id {
            Some(sector) => {
                let all = state
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
                if all.len() > 1 {
                    let choices = all
                        .into_iter()
                        .map(|c| Choice::new(c.id.get().to_string(), c.name, None))
                        .collect();
                    table.bulk.insert(
                        3,
                        Bulk::new("/planner/clusters/merge", "merge", "Merge").choice(
                            "into",
                            "into cluster",
                            choices,
                        ),
                    );
                }
            }
            None => {
                table.bulk_hint = Some("Choose a sector above to merge its clusters.");
            }
        }
    }
    let languages = Language::ALL
        .iter()
        .map(|l| {
            let current = if forms.group_language.is_empty() {
                "en"
            } else {
                forms.group_language.as_str()
            };
            Choice::new(l.code(), l.name(), Some(current))
        })
        .collect();
    with_status(
        forms.status.unwrap_or(StatusCode::OK),
        &ClustersPage {
            chrome,
            table,
            auto_sectors: places.sector_choices("Choose a sector", Some(&forms.auto_sector)),
            add_sectors: places.sector_choices("Choose a sector", Some(&forms.add_sector)),
            group_sectors: places.sector_choices("Choose a sector", Some(&forms.group_sector)),
            languages,
            forms,
        },
    )
}

/// `GET /planner/clusters`.
#[handler]
pub(crate) async fn list_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let list = ListState::from_query(PATH, req.uri().query());
    render(req, &state, &user, &list, Forms::default()).await
}

fn list_of(back: &str) -> ListState {
    ListState::from_query(PATH, back.split_once('?').map(|(_, q)| q))
}

/// `POST /planner/clusters/group`: groups a sector's unclustered keywords without AI and
/// shows what it did (the API's `planner/keywords/cluster_locally/`).
#[handler]
pub(crate) async fn group(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let sector = fields.get("sector_id").to_owned();
    let language = fields.get("language").to_owned();
    let result = match sector.parse::<i64>() {
        Err(_) => Err(Error::field("sector_id", "must be chosen")),
        Ok(id) => match local_cluster_options(None, Some(&language)) {
            Err(_) => Err(Error::field("language", "is not one the grouping knows")),
            Ok(options) => {
                state
                    .core
                    .clusters()
                    .cluster_locally(&scope, SectorId(id), &options)
                    .await
            }
        },
    };
    let mut forms = Forms {
        group_sector: sector.clone(),
        group_language: language,
        ..Forms::default()
    };
    let list = match result {
        Ok(report) => {
            forms.grouped = Some(Grouped::of(&report));
            ListState::from_query(PATH, Some(&format!("sector_id={sector}")))
        }
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            forms.status = Some(status);
            forms.group_errors = errors;
            ListState::from_query(PATH, None)
        }
    };
    render(req, &state, &user, &list, forms).await
}

/// The sector an Auto Cluster form names, or why it names none.
fn auto_sector(fields: &Fields) -> Result<i64, Error> {
    fields
        .get("sector_id")
        .parse::<i64>()
        .map_err(|_| Error::field("sector_id", "must be chosen"))
}

/// The clusters page with the Auto Cluster form sent back with `e`.
async fn auto_refused(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    sector: &str,
    e: Error,
) -> Result<Response, WebError> {
    let (status, errors) = FormErrors::from_error(e)?;
    let forms = Forms {
        status: Some(status),
        auto_sector: sector.to_owned(),
        auto_errors: errors.shown_in(&["sector_id"]),
        ..Forms::default()
    };
    render(req, state, user, &ListState::from_query(PATH, None), forms).await
}

/// `POST /planner/clusters/auto/estimate`: what Auto Cluster of a sector would cost, checked
/// as starting it would check it (the API's `billing/estimate/`), shown with the button
/// that starts it.
#[handler]
pub(crate) async fn auto_estimate(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let sector = fields.get("sector_id").to_owned();
    let estimate = match auto_sector(&fields) {
        Ok(id) => state
            .core
            .ai()
            .estimate(&scope, JobKind::AutoCluster, &auto_payload(id))
            .await
            .map(|e| (id, e)),
        Err(e) => Err(e),
    };
    match estimate {
        Ok((id, e)) => {
            let places = Places::load(&state, &scope).await?;
            let cost = Cost::of(
                &e,
                places.sector_name(SectorId(id)),
                ("model call", "model calls"),
                ("/planner/clusters/auto", "Start Auto Cluster"),
                vec![("sector_id".into(), id.to_string())],
                PATH,
            );
            let forms = Forms {
                auto_sector: sector,
                cost: Some(cost),
                ..Forms::default()
            };
            render(
                req,
                &state,
                &user,
                &ListState::from_query(PATH, None),
                forms,
            )
            .await
        }
        Err(e) => auto_refused(req, &state, &user, &sector, e).await,
    }
}

/// `POST /planner/clusters/auto`: starts Auto Cluster of a sector's unclustered keywords
/// (the API's `planner/keywords/auto_cluster/`) and goes to the job, which shows its progress.
#[handler]
pub(crate) async fn auto_start(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let sector = fields.get("sector_id").to_owned();
    let started = match auto_sector(&fields) {
        Ok(id) => ai::start(req, &state, &scope, JobKind::AutoCluster, auto_payload(id)).await,
        Err(e) => Err(e),
    };
    match started {
        Ok(to_job) => Ok(to_job),
        Err(e) => auto_refused(req, &state, &user, &sector, e).await,
    }
}

/// Ideas per cluster a person can ask for (the API's 1–10).
const IDEAS_PER_CLUSTER: std::ops::RangeInclusive<u32> = 1..=igny8_core::ai::functions::MAX_IDEAS;

/// Generate Ideas for `ids`, `n` per cluster: the payload the API's
/// `planner/clusters/generate_ideas/` builds from the same request.
fn ideas_payload(ids: &[ClusterId], n: u32) -> serde_json::Value {
    GenerateIdeasRequest {
        ids: ids.iter().map(|c| c.get()).collect(),
        ideas_per_cluster: Some(n),
        content_types: None,
    }
    .payload()
}

/// The selected clusters and ideas per cluster of a Generate Ideas form (`default`, the
/// account's setting, when the form doesn't say).
fn ideas_form(fields: &Fields, default: u32) -> Result<(Vec<ClusterId>, u32, String), WebError> {
    let ids = ticked(fields, ClusterId)?;
    let n = match fields.get("ideas_per_cluster") {
        "" => default,
        v => v
            .parse()
            .ok()
            .filter(|n| IDEAS_PER_CLUSTER.contains(n))
            .ok_or_else(|| {
                WebError::new(
                    StatusCode::BAD_REQUEST,
                    "Ideas per cluster must be a number from 1 to 10.",
                )
            })?,
    };
    Ok((ids, n, local_back(fields.get("back"), PATH)))
}

fn ideas_fields(ids: &[ClusterId], back: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = ids
        .iter()
        .map(|c| ("ids".to_owned(), c.get().to_string()))
        .collect();
    out.push(("back".into(), back.to_owned()));
    out
}

/// `POST /planner/clusters/ideas`: what Generate Ideas for the selected clusters would cost
/// (the API's `billing/estimate/`), on a page with the button that starts it and a choice of
/// ideas per cluster.
#[handler]
pub(crate) async fn ideas_estimate(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let default = state
        .core
        .system()
        .defaults(&scope)
        .await?
        .ideas_per_cluster;
    let (ids, n, back) = ideas_form(&fields, default)?;
    if ids.is_empty() {
        return Ok(redirect(req, &with_done(&back, "none-selected", None)));
    }
    let outcome = state
        .core
        .ai()
        .estimate(&scope, JobKind::GenerateIdeas, &ideas_payload(&ids, n))
        .await
        .map(|e| {
            let mut start_fields = ideas_fields(&ids, &back);
            start_fields.push(("ideas_per_cluster".into(), n.to_string()));
            let what = if ids.len() == 1 {
                format!("{n} ideas for the cluster")
            } else {
                format!("{n} ideas for each of {} clusters", ids.len())
            };
            Cost::of(
                &e,
                what,
                ("cluster", "clusters"),
                ("/planner/clusters/ideas/start", "Generate the ideas"),
                start_fields,
                back.clone(),
            )
        });
    let again = ai::Again {
        path: "/planner/clusters/ideas",
        name: "ideas_per_cluster",
        label: "Ideas per cluster",
        choices: IDEAS_PER_CLUSTER.map(|k| (k.to_string(), k == n)).collect(),
        fields: ideas_fields(&ids, &back),
    };
    ai::confirm(req, "Generate ideas", outcome, back, Some(again))
}

/// `POST /planner/clusters/ideas/start`: starts Generate Ideas (the API's
/// `planner/clusters/generate_ideas/`) and goes to its job.
#[handler]
pub(crate) async fn ideas_start(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let default = state
        .core
        .system()
        .defaults(&scope)
        .await?
        .ideas_per_cluster;
    let (ids, n, back) = ideas_form(&fields, default)?;
    match ai::start(
        req,
        &state,
        &scope,
        JobKind::GenerateIdeas,
        ideas_payload(&ids, n),
    )
    .await
    {
        Ok(to_job) => Ok(to_job),
        Err(e) => ai::confirm(req, "Generate ideas", Err(e), back, None),
    }
}

/// `POST /planner/clusters`: adds a cluster to a sector.
#[handler]
pub(crate) async fn add_cluster(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let sector = fields.get("sector_id").to_owned();
    let name = fields.get("name").to_owned();
    let result = match sector.parse::<i64>() {
        Err(_) => Err(Error::field("sector_id", "must be chosen")),
        Ok(id) => {
            state
                .core
                .clusters()
                .create(
                    &scope,
                    p::NewCluster {
                        sector_id: SectorId(id),
                        name: name.clone(),
                        description: None,
                    },
                )
                .await
        }
    };
    match result {
        Ok(_) => Ok(redirect(req, &format!("{PATH}?done=cluster-added"))),
        Err(e) => {
            let (status, add_errors) = FormErrors::from_error(e)?;
            let forms = Forms {
                status: Some(status),
                add_sector: sector,
                add_name: name,
                add_errors,
                ..Forms::default()
            };
            render(
                req,
                &state,
                &user,
                &ListState::from_query(PATH, None),
                forms,
            )
            .await
        }
    }
}

/// `POST /planner/clusters/bulk-update`: archive or make active the selected clusters.
#[handler]
pub(crate) async fn bulk_update(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = local_back(fields.get("back"), PATH);
    let ids = ticked(&fields, ClusterId)?;
    if ids.is_empty() {
        return Ok(redirect(req, &with_done(&back, "none-selected", None)));
    }
    let status = match fields.get("action") {
        "archive" => p::ClusterStatus::Archived,
        "activate" => p::ClusterStatus::Active,
        _ => {
            return Err(WebError::new(
                StatusCode::BAD_REQUEST,
                "Choose what to do with the selected clusters, with one of the buttons above the list.",
            ));
        }
    };
    let patch = p::ClusterPatch {
        status: Some(status),
        ..Default::default()
    };
    match state.core.clusters().bulk_update(&scope, &ids, patch).await {
        Ok(n) => Ok(redirect(
            req,
            &with_done(&back, "clusters-changed", Some(n)),
        )),
        Err(e) => refused(req, &state, &user, &back, e).await,
    }
}

/// The list again, saying why nothing was changed.
async fn refused(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    back: &str,
    e: Error,
) -> Result<Response, WebError> {
    let (status, problem) = refusal(e)?;
    let forms = Forms {
        status: Some(status),
        problem: Some(problem),
        ..Forms::default()
    };
    render(req, state, user, &list_of(back), forms).await
}

/// `POST /planner/clusters/merge`: merges the selected clusters into the one chosen (the
/// API's `planner/clusters/{id}/merge/`): their keywords, ideas and tasks move there.
#[handler]
pub(crate) async fn merge(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = local_back(fields.get("back"), PATH);
    let ids = ticked(&fields, ClusterId)?;
    if ids.is_empty() {
        return Ok(redirect(req, &with_done(&back, "none-selected", None)));
    }
    let Ok(into) = fields.get("into").parse::<i64>().map(ClusterId) else {
        return Err(WebError::new(
            StatusCode::BAD_REQUEST,
            "Choose the cluster to merge into, beside the Merge button.",
        ));
    };
    match state.core.clusters().merge(&scope, into, &ids).await {
        Ok(report) => Ok(redirect(
            req,
            &with_done(&back, "clusters-merged", Some(report.merged)),
        )),
        Err(e) => refused(req, &state, &user, &back, e).await,
    }
}

/// `POST /planner/clusters/bulk-delete`: deletes the selected clusters; their keywords wait
/// for a cluster again.
#[handler]
pub(crate) async fn bulk_delete(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = local_back(fields.get("back"), PATH);
    let ids = ticked(&fields, ClusterId)?;
    if ids.is_empty() {
        return Ok(redirect(req, &with_done(&back, "none-selected", None)));
    }
    match state.core.clusters().delete(&scope, &ids).await {
        Ok(n) => Ok(redirect(
            req,
            &with_done(&back, "clusters-deleted", Some(n)),
        )),
        Err(e) => refused(req, &state, &user, &back, e).await,
    }
}

/// Keywords and ideas a cluster's page shows (the keyword list shows them all).
const SHOWN_ON_CLUSTER: u64 = 50;

/// A keyword on its cluster's page.
struct ClusterKeyword {
    keyword: String,
    volume: String,
    difficulty: String,
    intent: String,
    status: &'static str,
}

/// An idea on its cluster's page, with its outline.
struct ClusterIdea {
    id: i64,
    title: String,
    kind: String,
    status: &'static str,
    words: Option<String>,
    outline: Vec<(String, Vec<String>)>,
}

#[derive(Template)]
#[template(path = "planner/cluster.html")]
struct ClusterPage {
    chrome: Chrome,
    cluster: Cluster,
    sector: String,
    keyword_count: String,
    volume: String,
    keywords: Vec<ClusterKeyword>,
    ideas: Vec<ClusterIdea>,
    idea_count: String,
}

/// `GET /planner/clusters/:id`: a cluster with its keywords (the largest first) and its ideas
/// with their outlines.
#[handler]
pub(crate) async fn show(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let cluster = state.core.clusters().get(&scope, ClusterId(id)).await?;
    let first = PageRequest {
        with_total: false,
        ..PageRequest::new(1, SHOWN_ON_CLUSTER)
    };
    let keywords = state
        .core
        .keywords()
        .list(
            &scope,
            &p::KeywordFilter {
                cluster_id: Some(cluster.id),
                ..Default::default()
            },
            &Sort::parse("-volume").map_err(WebError::from)?,
            &first,
        )
        .await?
        .items
        .into_iter()
        .map(|k| ClusterKeyword {
            keyword: k.keyword,
            volume: k.volume.map(number).unwrap_or_else(|| "—".into()),
            difficulty: k
                .difficulty
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into()),
            intent: k
                .intent
                .map(|i| crate::web::table::label(i.as_str()))
                .unwrap_or_else(|| "—".into()),
            status: k.status.as_str(),
        })
        .collect();
    let ideas = state
        .core
        .ideas()
        .list(
            &scope,
            &p::IdeaFilter {
                cluster_id: Some(cluster.id),
                ..Default::default()
            },
            &p::IdeaSort::default(),
            &first,
        )
        .await?
        .items
        .into_iter()
        .map(|i| ClusterIdea {
            id: i.id.get(),
            title: i.title,
            kind: format!(
                "{} · {}",
                crate::web::table::label(i.content_type.as_str()),
                crate::web::table::label(i.content_structure.as_str()).to_lowercase()
            ),
            status: i.status.as_str(),
            words: i
                .estimated_word_count
                .map(|w| format!("about {} words", number(w))),
            outline: i
                .outline
                .into_iter()
                .map(|s| (s.heading, s.subsections))
                .collect(),
        })
        .collect();
    let places = Places::load(&state, &scope).await?;
    page(&ClusterPage {
        chrome: Chrome::new(req, cluster.name.clone(), "clusters"),
        sector: places.sector_name(cluster.sector_id),
        keyword_count: number(cluster.keyword_count),
        volume: number(cluster.total_volume),
        idea_count: number(cluster.idea_count),
        keywords,
        ideas,
        cluster,
    })
}

#[derive(Template)]
#[template(path = "planner/cluster_edit.html")]
struct EditPage {
    chrome: Chrome,
    cluster: Cluster,
    typed_name: String,
    typed_description: String,
    errors: FormErrors,
}

/// `GET /planner/clusters/:id/edit`.
#[handler]
pub(crate) async fn edit_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let cluster = state.core.clusters().get(&scope, ClusterId(id)).await?;
    scope
        .require(igny8_core::tenancy::Permission::Write)
        .map_err(WebError::from)?;
    page(&EditPage {
        chrome: Chrome::new(req, format!("Edit {}", cluster.name), "clusters"),
        typed_name: cluster.name.clone(),
        typed_description: cluster.description.clone().unwrap_or_default(),
        cluster,
        errors: FormErrors::none(),
    })
}

/// `POST /planner/clusters/:id`: renames a cluster and changes its description.
#[handler]
pub(crate) async fn save_cluster(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let cluster = state.core.clusters().get(&scope, ClusterId(id)).await?;
    let name = fields.get("name").to_owned();
    let description = fields.get("description").to_owned();
    let patch = p::ClusterPatch {
        name: (name.trim() != cluster.name).then(|| name.clone()),
        description: Some(Some(description.trim().to_owned()).filter(|d| !d.is_empty())),
        status: None,
    };
    match state
        .core
        .clusters()
        .update(&scope, cluster.id, patch)
        .await
    {
        Ok(_) => Ok(redirect(req, &format!("{PATH}?done=cluster-saved"))),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            with_status(
                status,
                &EditPage {
                    chrome: Chrome::new(req, format!("Edit {}", cluster.name), "clusters"),
                    cluster,
                    typed_name: name,
                    typed_description: description,
                    errors,
                },
            )
        }
    }
}
