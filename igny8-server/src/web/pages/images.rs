//! The articles' images (`/writer/images`): every image with its picture, prompt and state;
//! drawing the selected ones with AI (Generate Images: the cost first, then the job), drawing
//! drawn ones again, and deleting. Each image's page shows it large with its prompt, what not
//! to show and its alt text, to edit. The pictures are served from here with the session's
//! access checks (`/writer/images/{id}/file`), never from a guessable public path.
//!
//! Writing an article's image prompts (Generate Image Prompts) starts from the article's
//! page or the article list. The API's twins are `writer/images/…`,
//! `writer/images/generate_images/` and `writer/content/generate_image_prompts/`.

use askama::Template;
use igny8_core::jobs::JobKind;
use igny8_core::writer::{self as w, Image, ImageFilter, ImageKind, ImageStatus};
use igny8_core::{ContentId, ImageId};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use crate::dto::ai::{GenerateImagePromptsRequest, GenerateImagesRequest};
use crate::state::AppState;
use crate::web::forms::{Fields, FormErrors};
use crate::web::render::{Chrome, WebError, redirect, with_status};
use crate::web::session::WebUser;
use crate::web::table::{Bulk, Cell, Choice, Column, Filter, ListState, Row, Table, label};

use super::ai::{self, Cost};
use super::common::{ListPage, Places, local_back, on_ticked, ticked, with_done};

const PATH: &str = "/writer/images";

const HEADING: &str = "Images";
const LEAD: &str = "The articles' featured and in-article images. Select images to draw them with AI; write an article's image prompts from its page.";

const COLUMNS: &[Column] = &[
    Column::new("Picture"),
    Column::new("Prompt"),
    Column::new("Kind").minor(),
    Column::new("State"),
    Column::new("Article").minor(),
];

const SHOWN: &[&str] = &["sector_id", "status", "kind"];

/// The list's filters as its address names them.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct ImageQuery {
    sector_id: Option<i64>,
    content_id: Option<i64>,
    kind: Option<ImageKind>,
    status: Option<ImageStatus>,
}

impl ImageQuery {
    fn filter(self) -> ImageFilter {
        ImageFilter {
            sector_id: self.sector_id.map(igny8_core::SectorId),
            content_id: self.content_id.map(ContentId),
            kind: self.kind,
            status: self.status,
            ..ImageFilter::default()
        }
    }
}

/// Where an image's picture is, when there is one to show: its file through this app, or its
/// own web address (shown as a link: the page's policy loads no outside images).
pub(crate) fn picture(i: &Image) -> Option<String> {
    i.file_path
        .as_ref()
        .map(|_| format!("{PATH}/{}/file", i.id.get()))
}

/// The image's description for people who can't see it.
fn alt(i: &Image) -> String {
    i.alt_text
        .clone()
        .unwrap_or_else(|| shorten(&i.prompt, 120))
}

fn shorten(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(most).collect();
        format!("{}…", cut.trim_end())
    }
}

fn kind_label(kind: ImageKind) -> &'static str {
    match kind {
        ImageKind::Featured => "Featured",
        ImageKind::InArticle => "In the article",
    }
}

/// The titles of the articles the images of a page belong to (one query).
type Titles = std::collections::HashMap<i64, String>;

fn image_row(i: &Image, titles: &Titles, can_write: bool) -> Row {
    let href = format!("{PATH}/{}", i.id.get());
    let first = match picture(i) {
        Some(src) => Cell::picture(src, alt(i), href.clone()),
        None => Cell::link(
            if i.url.is_some() {
                "On the web"
            } else {
                "Not drawn yet"
            },
            href.clone(),
        ),
    };
    Row {
        id: i.id.get(),
        dom_id: format!("image-{}", i.id.get()),
        label: shorten(&i.prompt, 60),
        cells: vec![
            first,
            Cell::link(shorten(&i.prompt, 140), href),
            Cell::text(kind_label(i.kind)).minor(),
            Cell::badge(i.status.as_str()),
            match i.content_id {
                Some(c) => Cell::link(
                    titles
                        .get(&c.get())
                        .cloned()
                        .unwrap_or_else(|| format!("Article {}", c.get())),
                    format!("/writer/content/{}", c.get()),
                ),
                None => Cell::text("—"),
            }
            .minor(),
        ],
        select_form: can_write.then(|| "images-bulk".to_owned()),
        edit: None,
        inline: false,
    }
}

/// The titles of the articles `images` belong to, in one query.
async fn titles(
    state: &AppState,
    scope: &igny8_core::tenancy::Scope,
    images: &[Image],
) -> Result<Titles, WebError> {
    let mut articles: Vec<ContentId> = images.iter().filter_map(|i| i.content_id).collect();
    articles.sort_unstable_by_key(|c| c.get());
    articles.dedup();
    if articles.is_empty() {
        return Ok(Titles::new());
    }
    let page = igny8_core::list::PageRequest {
        with_total: false,
        ..igny8_core::list::PageRequest::new(1, articles.len() as u64)
    };
    let filter = w::ContentFilter {
        ids: Some(articles),
        ..w::ContentFilter::default()
    };
    Ok(state
        .core
        .contents()
        .list(scope, &filter, &w::ContentSort::default(), &page)
        .await?
        .items
        .into_iter()
        .map(|c| (c.id.get(), c.title))
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
    let filter = list.filters::<ImageQuery>()?.filter();
    let found = state
        .core
        .images()
        .list(&scope, &filter, &list.page_request())
        .await?;
    let places = Places::load(state, &scope).await?;
    let titles = titles(state, &scope, &found.items).await?;
    let chrome = Chrome::new(req, HEADING, "images");
    let can_write = chrome.can_write;
    let mut table = Table::new("images", PATH, "Images", COLUMNS, list, "");
    table.fill(list, &found, ("image", "images"), |i| {
        image_row(i, &titles, can_write)
    });
    table.filters = vec![
        places.sector_filter(list),
        Filter::status::<ImageStatus>(list),
        Filter::select(list, "kind", "Kind", |c| {
            vec![
                Choice::new("", "Any kind", c.or(Some(""))),
                Choice::new("featured", "Featured", c),
                Choice::new("in_article", "In the article", c),
            ]
        }),
    ];
    table.hidden = list.hidden(SHOWN);
    if let Some(content) = filter.content_id {
        table.note = Some(match state.core.contents().get(&scope, content).await {
            Ok(c) => format!("The images of “{}”.", c.title),
            Err(_) => "The images of an article that no longer exists.".to_owned(),
        });
    }
    table.empty = if filter == ImageFilter::default() {
        "No images yet. Open an article and write its image prompts; each prompt becomes an image here to draw.".to_owned()
    } else {
        "No image matches these filters.".to_owned()
    };
    if can_write {
        table.bulk_path = "/writer/images/draw";
        table.bulk = vec![
            Bulk::new("/writer/images/draw", "draw", "Draw with AI"),
            Bulk::new("/writer/images/draw", "redraw", "Draw again"),
            Bulk::new("/writer/images/bulk-delete", "delete", "Delete").confirm(
                "Delete the selected images? Images already in WordPress posts stay there.",
            ),
        ];
        table.bulk_hint = Some(
            "Draw with AI draws images not drawn yet (or whose drawing failed); Draw again replaces drawn ones.",
        );
    }
    ListPage::respond(chrome, (HEADING, LEAD), table, problem)
}

/// `GET /writer/images`.
#[handler]
pub(crate) async fn list_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let list = ListState::from_query(PATH, req.uri().query());
    render(req, &state, &user, &list, None).await
}

/// `POST /writer/images/bulk-delete`.
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
        ImageId,
        "images-deleted",
        async |ids| state.core.images().delete(&scope, &ids).await,
        async |list, problem| render(req, &state, &user, &list, Some(problem)).await,
    )
    .await
}

/// Generate Images for `ids`: the payload the API's `writer/images/generate_images/` builds.
fn draw_payload(ids: &[ImageId], again: bool) -> serde_json::Value {
    GenerateImagesRequest {
        ids: ids.iter().map(|i| i.get()).collect(),
        style: None,
        regenerate: again.then_some(true),
    }
    .payload()
}

/// The fields that carry `ids` (and what else) from a cost page to its start button.
fn carried(name: &str, ids: &[i64], more: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = ids
        .iter()
        .map(|i| (name.to_owned(), i.to_string()))
        .collect();
    out.extend(more.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    out
}

/// `POST /writer/images/draw`: what drawing the selected images would cost (the API's
/// `billing/estimate/`), with the button that starts it.
#[handler]
pub(crate) async fn draw_estimate(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = local_back(fields.get("back"), PATH);
    let ids = ticked(&fields, ImageId)?;
    if ids.is_empty() {
        return Ok(redirect(req, &with_done(&back, "none-selected", None)));
    }
    let again = fields.get("action") == "redraw";
    let outcome = state
        .core
        .ai()
        .estimate(&scope, JobKind::GenerateImages, &draw_payload(&ids, again))
        .await
        .map(|e| {
            let what = match ids.len() {
                1 => "The image".to_owned(),
                n => format!("{n} images"),
            };
            let raw: Vec<i64> = ids.iter().map(|i| i.get()).collect();
            let action = if again { "redraw" } else { "draw" };
            Cost::of(
                &e,
                what,
                ("image", "images"),
                ("/writer/images/draw/start", "Draw the images"),
                carried("ids", &raw, &[("action", action), ("back", &back)]),
                back.clone(),
            )
        });
    let heading = if again { "Draw again" } else { "Draw with AI" };
    ai::confirm(req, heading, outcome, back, None)
}

/// `POST /writer/images/draw/start`: starts Generate Images and goes to its job.
#[handler]
pub(crate) async fn draw_start(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = local_back(fields.get("back"), PATH);
    let ids = ticked(&fields, ImageId)?;
    let again = fields.get("action") == "redraw";
    let payload = draw_payload(&ids, again);
    match ai::start(req, &state, &scope, JobKind::GenerateImages, payload).await {
        Ok(to_job) => Ok(to_job),
        Err(e) => ai::confirm(req, "Draw with AI", Err(e), back, None),
    }
}

/// Generate Image Prompts for the articles `ids`: the API's payload.
fn prompts_payload(ids: &[ContentId]) -> serde_json::Value {
    GenerateImagePromptsRequest {
        ids: ids.iter().map(|c| c.get()).collect(),
        in_article: None,
        style: None,
        size: None,
        featured_size: None,
    }
    .payload()
}

/// `POST /writer/content/prompts`: what writing the image prompts of the selected articles
/// would cost, with the button that starts it.
#[handler]
pub(crate) async fn prompts_estimate(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = local_back(fields.get("back"), "/writer/content");
    let ids = ticked(&fields, ContentId)?;
    if ids.is_empty() {
        return Ok(redirect(req, &with_done(&back, "none-selected", None)));
    }
    let outcome = state
        .core
        .ai()
        .estimate(
            &scope,
            JobKind::GenerateImagePrompts,
            &prompts_payload(&ids),
        )
        .await
        .map(|e| {
            let what = match ids.len() {
                1 => "The image prompts of the article".to_owned(),
                n => format!("The image prompts of {n} articles"),
            };
            let raw: Vec<i64> = ids.iter().map(|i| i.get()).collect();
            Cost::of(
                &e,
                what,
                ("article", "articles"),
                ("/writer/content/prompts/start", "Write the prompts"),
                carried("ids", &raw, &[("back", &back)]),
                back.clone(),
            )
        });
    ai::confirm(req, "Write image prompts", outcome, back, None)
}

/// `POST /writer/content/prompts/start`: starts Generate Image Prompts and goes to its job.
#[handler]
pub(crate) async fn prompts_start(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let back = local_back(fields.get("back"), "/writer/content");
    let ids = ticked(&fields, ContentId)?;
    let payload = prompts_payload(&ids);
    match ai::start(req, &state, &scope, JobKind::GenerateImagePrompts, payload).await {
        Ok(to_job) => Ok(to_job),
        Err(e) => ai::confirm(req, "Write image prompts", Err(e), back, None),
    }
}

/// The image form as typed.
struct Typed {
    prompt: String,
    negative_prompt: String,
    alt_text: String,
}

impl Typed {
    fn of(i: &Image) -> Self {
        Self {
            prompt: i.prompt.clone(),
            negative_prompt: i.negative_prompt.clone().unwrap_or_default(),
            alt_text: i.alt_text.clone().unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "writer/image.html")]
struct ImagePage {
    chrome: Chrome,
    image: Image,
    picture: Option<String>,
    /// The image's own web address (provider URLs), shown as a link.
    web: Option<String>,
    alt: String,
    kind: &'static str,
    article: Option<(i64, String)>,
    typed: Typed,
    errors: FormErrors,
}

impl ImagePage {
    fn state(&self) -> String {
        label(self.image.status.as_str())
    }
    fn drawn(&self) -> bool {
        self.image.status == ImageStatus::Generated
    }
}

async fn image_page(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    image: Image,
    typed: Typed,
    (status, errors): (StatusCode, FormErrors),
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let article = match image.content_id {
        Some(c) => state
            .core
            .contents()
            .get(&scope, c)
            .await
            .ok()
            .map(|c| (c.id.get(), c.title)),
        None => None,
    };
    let web = image
        .url
        .clone()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    with_status(
        status,
        &ImagePage {
            chrome: Chrome::new(req, "Image", "images"),
            picture: picture(&image),
            web,
            alt: alt(&image),
            kind: kind_label(image.kind),
            article,
            image,
            typed,
            errors,
        },
    )
}

/// `GET /writer/images/:id`.
#[handler]
pub(crate) async fn show(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let image = state.core.images().get(&scope, ImageId(id)).await?;
    let typed = Typed::of(&image);
    image_page(
        req,
        &state,
        &user,
        image,
        typed,
        (StatusCode::OK, FormErrors::none()),
    )
    .await
}

/// `POST /writer/images/:id`: saves the prompt, what not to show and the alt text (the API's
/// `PATCH writer/images/{id}/`).
#[handler]
pub(crate) async fn save(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let typed = Typed {
        prompt: fields.get("prompt").to_owned(),
        negative_prompt: fields.get("negative_prompt").to_owned(),
        alt_text: fields.get("alt_text").to_owned(),
    };
    let optional = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
    let patch = w::ImagePatch {
        prompt: Some(typed.prompt.trim().to_owned()),
        negative_prompt: Some(optional(&typed.negative_prompt)),
        alt_text: Some(optional(&typed.alt_text)),
        ..Default::default()
    };
    match state.core.images().update(&scope, ImageId(id), patch).await {
        Ok(_) => Ok(redirect(req, &format!("{PATH}/{id}?done=image-saved"))),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            let image = state.core.images().get(&scope, ImageId(id)).await?;
            let errors = errors.shown_in(&["prompt", "negative_prompt", "alt_text"]);
            image_page(req, &state, &user, image, typed, (status, errors)).await
        }
    }
}

/// `GET /writer/images/:id/file`: the picture, for this account's people only.
#[handler]
pub(crate) async fn file(
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let file = state.core.images().file(&scope, ImageId(id)).await?;
    Ok(Response::builder()
        .content_type(file.content_type)
        .header("cache-control", "private, max-age=300")
        .body(file.bytes))
}
