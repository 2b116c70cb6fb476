//! The planner's ideas (`/planner/ideas`): the list with filters, queue to writer and delete
//! on the selected ideas, and each idea's page with its outline, where it is edited —
//! title, description, type, structure, length, target keywords and the outline itself, as
//! plain text. The API's twins are `planner/ideas/…`.

use askama::Template;
use igny8_core::list::PageRequest;
use igny8_core::planner::{self as p, ContentIdea, OutlineSection};
use igny8_core::{ClusterId, IdeaId};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use crate::query::IdeaQuery;
use crate::state::AppState;
use crate::web::forms::{Fields, FormErrors, submit};
use crate::web::render::{Chrome, WebError, redirect, with_status};
use crate::web::session::WebUser;
use crate::web::table::{
    Bulk, Cell, Choice, Column, Filter, ListState, Pager, Row, Table, label, number,
};

use super::common::{ListPage, Places, Then, on_ticked, on_ticked_then};

/// The page's heading and the sentence under it.
const HEADING: &str = "Ideas";
const LEAD: &str = "Article ideas with their outlines. Queue the good ones to the writer: each becomes a task to write.";

const PATH: &str = "/planner/ideas";

const COLUMNS: &[Column] = &[
    Column::new("Idea").sort("title"),
    Column::new("Cluster"),
    Column::new("Type").minor(),
    Column::new("Words").numeric().minor(),
    Column::new("Status"),
    Column::new("Sector").minor(),
];

const SHOWN: &[&str] = &["search", "sector_id", "status", "content_type"];

/// An outline as people type it: a heading per line, its sub-points as `- …` lines and its
/// notes as `> …` lines beneath it.
pub(crate) fn outline_text(outline: &[OutlineSection]) -> String {
    let mut out = String::new();
    for section in outline {
        out.push_str(section.heading.trim());
        out.push('\n');
        for note in section.notes.lines().filter(|l| !l.trim().is_empty()) {
            out.push_str("> ");
            out.push_str(note.trim());
            out.push('\n');
        }
        for sub in &section.subsections {
            out.push_str("- ");
            out.push_str(sub.trim());
            out.push('\n');
        }
    }
    out
}

/// Reads [`outline_text`]'s form back; a sub-point or note before any heading is refused with
/// its line number.
pub(crate) fn parse_outline(text: &str) -> Result<Vec<OutlineSection>, String> {
    let mut out: Vec<OutlineSection> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (sub, note) = (line.strip_prefix('-'), line.strip_prefix('>'));
        match (sub.or(note), out.last_mut()) {
            (Some(_), None) => {
                return Err(format!(
                    "line {} is a sub-point or note before any heading; start with a heading",
                    n + 1
                ));
            }
            (Some(rest), Some(section)) => {
                let rest = rest.trim();
                if rest.is_empty() {
                    continue;
                }
                if sub.is_some() {
                    section.subsections.push(rest.to_owned());
                } else {
                    if !section.notes.is_empty() {
                        section.notes.push('\n');
                    }
                    section.notes.push_str(rest);
                }
            }
            (None, _) => out.push(OutlineSection {
                heading: line.to_owned(),
                notes: String::new(),
                subsections: Vec::new(),
            }),
        }
    }
    Ok(out)
}

/// An idea's type and structure in words: "Post · how to".
fn kind_of(i: &ContentIdea) -> String {
    format!(
        "{} · {}",
        label(i.content_type.as_str()),
        label(i.content_structure.as_str()).to_lowercase()
    )
}

fn idea_row(
    i: &ContentIdea,
    places: &Places,
    clusters: &[(ClusterId, String)],
    can_write: bool,
) -> Row {
    let cluster = i
        .cluster_id
        .and_then(|c| clusters.iter().find(|(id, _)| *id == c))
        .map(|(id, name)| Cell::link(name.clone(), format!("/planner/clusters/{}", id.get())))
        .unwrap_or_else(|| Cell::text("—"));
    Row {
        id: i.id.get(),
        dom_id: format!("idea-{}", i.id.get()),
        label: i.title.clone(),
        cells: vec![
            Cell::link(i.title.clone(), format!("{PATH}/{}", i.id.get())),
            cluster,
            Cell::text(kind_of(i)).minor(),
            Cell::number(i.estimated_word_count).minor(),
            Cell::badge(i.status.as_str()),
            Cell::text(places.sector_name(i.sector_id)).minor(),
        ],
        select_form: can_write.then(|| "ideas-bulk".to_owned()),
        edit: can_write.then(|| format!("{PATH}/{}", i.id.get())),
        inline: false,
    }
}

/// The names of the clusters some ideas belong to.
async fn cluster_names(
    state: &AppState,
    scope: &igny8_core::tenancy::Scope,
    ideas: &[ContentIdea],
) -> Result<Vec<(ClusterId, String)>, WebError> {
    let mut ids: Vec<ClusterId> = ideas.iter().filter_map(|i| i.cluster_id).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let page = PageRequest {
        with_total: false,
        ..PageRequest::new(1, ids.len() as u64)
    };
    Ok(state
        .core
        .clusters()
        .list(
            scope,
            &p::ClusterFilter {
                ids: Some(ids),
                ..Default::default()
            },
            &p::ClusterSort::default(),
            &page,
        )
        .await?
        .items
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

async fn render(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    list: &ListState,
    problem: Option<(StatusCode, String)>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let filter = list.filters::<IdeaQuery>()?.filter()?;
    let order: p::IdeaSort = list.sort()?;
    let ideas = state
        .core
        .ideas()
        .list(&scope, &filter, &order, &list.page_request())
        .await?;
    let places = Places::load(state, &scope).await?;
    let clusters = cluster_names(state, &scope, &ideas.items).await?;
    let chrome = Chrome::new(req, "Ideas", "ideas");
    let can_write = chrome.can_write;
    let mut table = Table::new("ideas", PATH, "Ideas", COLUMNS, list, "-id");
    table.rows = ideas
        .items
        .iter()
        .map(|i| idea_row(i, &places, &clusters, can_write))
        .collect();
    table.pager = Pager::of(list, &ideas, ("idea", "ideas"));
    table.filters = vec![
        Filter::search(list, "search", "Search"),
        places.sector_filter(list),
        Filter::status::<p::IdeaStatus>(list),
        Filter::select(list, "content_type", "Type", |c| {
            Choice::any_of::<p::ContentType>("Any type", c)
        }),
    ];
    table.hidden = list.hidden(SHOWN);
    if let Some(cluster) = filter.cluster_id {
        let name = state.core.clusters().get(&scope, cluster).await?.name;
        table.note = Some(format!("Ideas of the cluster “{name}”."));
    }
    table.empty = if filter == p::IdeaFilter::default() {
        "No ideas yet. Generate them with AI from the clusters — select some clusters, then Generate ideas."
            .to_owned()
    } else {
        "No idea matches these filters.".to_owned()
    };
    if can_write {
        table.bulk_path = "/planner/ideas/queue";
        table.bulk = vec![
            Bulk::new("/planner/ideas/queue", "queue", "Queue to writer"),
            Bulk::new("/planner/ideas/bulk-delete", "delete", "Delete")
                .confirm("Delete the selected ideas? Tasks already made from them stay."),
        ];
    }
    ListPage::respond_with_aside(
        chrome,
        (
            HEADING,
            LEAD,
            Some(("/planner/overlaps", "Ideas and articles that compete")),
        ),
        table,
        problem,
    )
}

/// `GET /planner/ideas`.
#[handler]
pub(crate) async fn list_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let list = ListState::from_query(PATH, req.uri().query());
    render(req, &state, &user, &list, None).await
}

/// `POST /planner/ideas/queue`: queues the selected ideas to the writer (the API's
/// `planner/ideas/queue_to_writer/`): each new idea becomes a task; queued ones are skipped.
#[handler]
pub(crate) async fn queue(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let ideas = state.core.ideas();
    on_ticked_then(
        req,
        &fields,
        PATH,
        IdeaId,
        async |ids| {
            let queued = ideas
                .queue_to_writer(&scope, &ids, p::QueueDefaults::default())
                .await?;
            let n = queued.tasks.len() as u64;
            // Queued ideas that compete with pages of their site: to the site's report, which
            // shows them, rather than back to the list.
            let competing = queued.conflicts.first().and_then(|o| {
                let idea = IdeaId(o.a.id);
                queued.tasks.iter().find(|t| t.idea_id == Some(idea))
            });
            Ok(match competing {
                Some(task) => Then {
                    done: "ideas-queued-competing".into(),
                    n,
                    to: Some(format!("/planner/overlaps?site_id={}", task.site_id.get())),
                },
                None => Then {
                    done: "ideas-queued".into(),
                    n,
                    to: None,
                },
            })
        },
        async |list, problem| render(req, &state, &user, &list, Some(problem)).await,
    )
    .await
}

/// `POST /planner/ideas/bulk-delete`: deletes the selected ideas.
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
        IdeaId,
        "ideas-deleted",
        async |ids| state.core.ideas().delete(&scope, &ids).await,
        async |list, problem| render(req, &state, &user, &list, Some(problem)).await,
    )
    .await
}

/// The idea form as typed.
struct Typed {
    title: String,
    description: String,
    words: String,
    keywords: String,
    outline: String,
    content_type: String,
    structure: String,
}

impl Typed {
    fn of(i: &ContentIdea) -> Self {
        Self {
            title: i.title.clone(),
            description: i.description.clone().unwrap_or_default(),
            words: i
                .estimated_word_count
                .map(|w| w.to_string())
                .unwrap_or_default(),
            keywords: i.target_keywords.join(", "),
            outline: outline_text(&i.outline),
            content_type: i.content_type.as_str().to_owned(),
            structure: i.content_structure.as_str().to_owned(),
        }
    }

    fn from(fields: &Fields) -> Self {
        Self {
            title: fields.get("title").to_owned(),
            description: fields.get("description").to_owned(),
            words: fields.get("estimated_word_count").to_owned(),
            keywords: fields.get("target_keywords").to_owned(),
            outline: fields.get("outline").to_owned(),
            content_type: fields.get("content_type").to_owned(),
            structure: fields.get("content_structure").to_owned(),
        }
    }

    /// The change it asks for; what can't be read is a problem beside its field.
    fn patch(&self) -> Result<p::IdeaPatch, FormErrors> {
        let mut errors = FormErrors::none();
        let words = match self.words.replace(',', "").trim() {
            "" => None,
            w => match w.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors = errors
                        .with_field("estimated_word_count", "must be a whole number, like 1500");
                    None
                }
            },
        };
        let outline = parse_outline(&self.outline).unwrap_or_else(|e| {
            errors = std::mem::take(&mut errors).with_field("outline", e);
            Vec::new()
        });
        let content_type = self.content_type.parse::<p::ContentType>().ok();
        if content_type.is_none() {
            errors = errors.with_field("content_type", "must be one of the list");
        }
        let structure = self.structure.parse::<p::ContentStructure>().ok();
        if structure.is_none() {
            errors = errors.with_field("content_structure", "must be one of the list");
        }
        if errors.any() {
            errors.summary = Some("Please correct the fields marked below.".to_owned());
            return Err(errors);
        }
        Ok(p::IdeaPatch {
            title: Some(self.title.clone()),
            description: Some(Some(self.description.trim().to_owned()).filter(|d| !d.is_empty())),
            outline: Some(outline),
            content_type,
            content_structure: structure,
            target_keywords: Some(
                self.keywords
                    .split(',')
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
            estimated_word_count: Some(words),
            cluster_id: None,
            status: None,
        })
    }
}

#[derive(Template)]
#[template(path = "planner/idea.html")]
struct IdeaPage {
    chrome: Chrome,
    idea: ContentIdea,
    cluster: Option<(ClusterId, String)>,
    sector: String,
    /// "Post · how to".
    kind: String,
    words: Option<String>,
    typed: Typed,
    types: Vec<Choice>,
    structures: Vec<Choice>,
    errors: FormErrors,
}

async fn idea_page(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    idea: ContentIdea,
    typed: Typed,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let places = Places::load(state, &scope).await?;
    let cluster = cluster_names(state, &scope, std::slice::from_ref(&idea))
        .await?
        .into_iter()
        .next();
    let types = Choice::all_of::<p::ContentType>(&typed.content_type);
    let structures = Choice::all_of::<p::ContentStructure>(&typed.structure);
    with_status(
        status,
        &IdeaPage {
            chrome: Chrome::new(req, idea.title.clone(), "ideas"),
            sector: places.sector_name(idea.sector_id),
            words: idea.estimated_word_count.map(number),
            kind: kind_of(&idea),
            cluster,
            idea,
            typed,
            types,
            structures,
            errors,
        },
    )
}

/// `GET /planner/ideas/:id`: an idea with its outline, and its form.
#[handler]
pub(crate) async fn show(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let idea = state.core.ideas().get(&scope, IdeaId(id)).await?;
    let typed = Typed::of(&idea);
    idea_page(
        req,
        &state,
        &user,
        idea,
        typed,
        FormErrors::none(),
        StatusCode::OK,
    )
    .await
}

/// `POST /planner/ideas/:id`: saves an idea (the API's `PATCH planner/ideas/{id}/`); the
/// form comes back as typed, with its problems, when something is wrong.
#[handler]
pub(crate) async fn save(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let idea = state.core.ideas().get(&scope, IdeaId(id)).await?;
    let typed = Typed::from(&fields);
    let ideas = state.core.ideas();
    match submit(typed.patch(), async |patch| {
        ideas.update(&scope, idea.id, patch).await
    })
    .await?
    {
        Ok(_) => Ok(redirect(req, &format!("{PATH}/{id}?done=idea-saved"))),
        Err((status, errors)) => idea_page(req, &state, &user, idea, typed, errors, status).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outline_reads_back_as_it_was_written() {
        let outline = vec![
            OutlineSection {
                heading: "Burr or blade".into(),
                notes: "Say why burrs win.\nKeep it short.".into(),
                subsections: vec!["Consistency".into(), "Heat".into()],
            },
            OutlineSection {
                heading: "Prices".into(),
                notes: String::new(),
                subsections: vec![],
            },
        ];
        let text = outline_text(&outline);
        assert_eq!(
            text,
            "Burr or blade\n> Say why burrs win.\n> Keep it short.\n- Consistency\n- Heat\nPrices\n"
        );
        assert_eq!(parse_outline(&text).unwrap(), outline);
        // Spacing and blank lines don't matter.
        assert_eq!(
            parse_outline("\n  Burr or blade \n>Say why burrs win.\n  > Keep it short.\n-Consistency\n - Heat\n\nPrices\n-\n").unwrap(),
            outline
        );
        assert_eq!(
            parse_outline("- orphan\nHeading").unwrap_err(),
            "line 1 is a sub-point or note before any heading; start with a heading"
        );
    }
}
