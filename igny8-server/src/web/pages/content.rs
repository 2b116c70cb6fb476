//! The writer's articles (`/writer/content`): the list with filters and delete, and each
//! article's page — how it shows in search results, the article itself as readers will see
//! it, and its form (title, meta title and description, keywords, tags, categories, body).
//! The API's twins are `writer/content/…`.
//!
//! The article is shown as HTML: the core sanitises the body on every write (no scripts, no
//! event handlers, well formed), and the page's Content-Security-Policy refuses scripts and
//! outside images anyway.

use askama::Template;
use igny8_core::ContentId;
use igny8_core::writer::{self as w, Content};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use crate::query::ContentQuery;
use crate::state::AppState;
use crate::web::forms::{Fields, FormErrors, submit};
use crate::web::render::{Chrome, WebError, redirect, with_status};
use crate::web::session::WebUser;
use crate::web::table::{Bulk, Cell, Choice, Column, Filter, ListState, Pager, Row, Table, number};

use super::common::{ListPage, Places, on_ticked};

/// The page's heading and the sentence under it.
const HEADING: &str = "Articles";
const LEAD: &str = "What the writer wrote: read each article as your readers will, see how it shows in search results, and edit it.";

const PATH: &str = "/writer/content";

const COLUMNS: &[Column] = &[
    Column::new("Article").sort("title"),
    Column::new("Words").numeric().sort("word_count"),
    Column::new("SEO score").numeric(),
    Column::new("Status"),
    Column::new("On the site").minor(),
    Column::new("Sector").minor(),
];

const SHOWN: &[&str] = &["search", "sector_id", "status"];

/// The published post's address, when it is a web address (never a `javascript:` one).
fn web_address(c: &Content) -> Option<String> {
    c.wp_url
        .as_deref()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_owned)
}

/// The colour band of an SEO score, as the article's page draws it.
fn band(score: u8) -> &'static str {
    match score {
        80.. => "good",
        50.. => "fair",
        _ => "poor",
    }
}

fn content_row(c: &Content, seo: &w::seo::SeoReport, places: &Places, can_write: bool) -> Row {
    let mut score = Cell::number(Some(i64::from(seo.score)));
    score.class = format!("num seo-{}", band(seo.score));
    Row {
        id: c.id.get(),
        dom_id: format!("content-{}", c.id.get()),
        label: c.title.clone(),
        cells: vec![
            Cell::link(c.title.clone(), format!("{PATH}/{}", c.id.get())),
            Cell::number(Some(c.word_count)),
            score,
            Cell::badge(c.status.as_str()),
            match web_address(c) {
                Some(url) => Cell::link("View the post", url),
                None => Cell::text("—"),
            }
            .minor(),
            Cell::text(places.sector_name(c.sector_id)).minor(),
        ],
        select_form: can_write.then(|| "content-bulk".to_owned()),
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
    let filter = list.filters::<ContentQuery>()?.filter();
    let order: w::ContentSort = list.sort()?;
    let items = state
        .core
        .contents()
        .list(&scope, &filter, &order, &list.page_request())
        .await?;
    let places = Places::load(state, &scope).await?;
    let chrome = Chrome::new(req, "Articles", "content");
    let can_write = chrome.can_write;
    let mut table = Table::new("content", PATH, "Articles", COLUMNS, list, "-id");
    let reports = state.core.contents().checks(&scope, &items.items).await?;
    table.rows = items
        .items
        .iter()
        .zip(&reports)
        .map(|(c, seo)| content_row(c, seo, &places, can_write))
        .collect();
    table.pager = Pager::of(list, &items, ("article", "articles"));
    table.filters = vec![
        Filter::search(list, "search", "Search"),
        places.sector_filter(list),
        Filter::status::<w::ContentStatus>(list),
    ];
    table.hidden = list.hidden(SHOWN);
    table.empty = if filter == w::ContentFilter::default() {
        "No articles yet. Write the writer's tasks with AI; each article appears here.".to_owned()
    } else {
        "No article matches these filters.".to_owned()
    };
    if can_write {
        table.bulk_path = "/writer/content/prompts";
        table.bulk = vec![
            Bulk::new("/writer/content/prompts", "prompts", "Write image prompts"),
            Bulk::new("/writer/content/bulk-delete", "delete", "Delete")
                .confirm("Delete the selected articles? Posts already on WordPress stay there."),
        ];
    }
    ListPage::respond(chrome, (HEADING, LEAD), table, problem)
}

/// `GET /writer/content`.
#[handler]
pub(crate) async fn list_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let list = ListState::from_query(PATH, req.uri().query());
    render(req, &state, &user, &list, None).await
}

/// `POST /writer/content/bulk-delete`: deletes the selected articles.
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
        ContentId,
        "content-deleted",
        async |ids| state.core.contents().delete(&scope, &ids).await,
        async |list, problem| render(req, &state, &user, &list, Some(problem)).await,
    )
    .await
}

/// The article form as typed.
struct Typed {
    title: String,
    meta_title: String,
    meta_description: String,
    primary_keyword: String,
    secondary_keywords: String,
    tags: String,
    categories: String,
    html: String,
    /// The FAQ's heading.
    faq_heading: String,
    /// The FAQ as text: each question on a line, its answer on the lines under it, a blank
    /// line between questions.
    faq: String,
    /// Whether the form sent the FAQ (a form without it leaves the FAQ as it is).
    faq_sent: bool,
}

/// The default heading of a FAQ written by hand.
const FAQ_HEADING: &str = "Frequently asked questions";

/// A FAQ as the form shows it ([`Typed::faq`]).
fn faq_text(faq: &w::Faq) -> String {
    faq.questions
        .iter()
        .map(|q| format!("{}\n{}", q.question, q.answer))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The FAQ typed in the form: `None` when empty; a question without an answer is refused
/// with its number.
fn faq_of(heading: &str, text: &str) -> Result<Option<w::Faq>, String> {
    let text = text.replace("\r\n", "\n");
    let mut questions = Vec::new();
    for (i, block) in text
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .enumerate()
    {
        let mut lines = block.lines().map(str::trim).filter(|l| !l.is_empty());
        let question = lines.next().unwrap_or_default().to_owned();
        let answer = lines.collect::<Vec<_>>().join(" ");
        if answer.is_empty() {
            return Err(format!(
                "need an answer each: question {} (“{question}”) has none. Write it on the \
                 lines under the question, and leave a blank line before the next question.",
                i + 1
            ));
        }
        questions.push(w::FaqEntry { question, answer });
    }
    Ok((!questions.is_empty()).then(|| w::Faq {
        heading: heading.trim().to_owned(),
        questions,
    }))
}

/// The core's errors on the FAQ's parts (`faq.questions.2.answer`) as the form's fields
/// (`faq`, `faq_heading`), numbered as the questions are typed.
fn faq_fields(err: igny8_core::Error) -> igny8_core::Error {
    if !err
        .field_errors()
        .iter()
        .any(|e| e.field.starts_with("faq."))
    {
        return err;
    }
    let errors = err
        .field_errors()
        .iter()
        .map(|e| {
            let mut parts = e.field.split('.');
            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some("faq"), Some("heading"), ..) => {
                    igny8_core::FieldError::new("faq_heading", e.message.clone())
                }
                (Some("faq"), Some("questions"), Some(n), Some(part)) => {
                    igny8_core::FieldError::new("faq", format!("— {part} {n}: {}", e.message))
                }
                (Some("faq"), ..) => igny8_core::FieldError::new("faq", e.message.clone()),
                _ => e.clone(),
            }
        })
        .collect();
    igny8_core::Error::fields(errors)
}

/// A comma-separated list as its items.
fn items(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

impl Typed {
    fn of(c: &Content) -> Self {
        Self {
            title: c.title.clone(),
            meta_title: c.meta_title.clone().unwrap_or_default(),
            meta_description: c.meta_description.clone().unwrap_or_default(),
            primary_keyword: c.primary_keyword.clone().unwrap_or_default(),
            secondary_keywords: c.secondary_keywords.join(", "),
            tags: c.tags.join(", "),
            categories: c.categories.join(", "),
            html: c.html.clone(),
            faq_heading: c
                .faq
                .as_ref()
                .map_or(FAQ_HEADING.to_owned(), |f| f.heading.clone()),
            faq: c.faq.as_ref().map(faq_text).unwrap_or_default(),
            faq_sent: true,
        }
    }

    fn from(f: &Fields) -> Self {
        Self {
            title: f.get("title").to_owned(),
            meta_title: f.get("meta_title").to_owned(),
            meta_description: f.get("meta_description").to_owned(),
            primary_keyword: f.get("primary_keyword").to_owned(),
            secondary_keywords: f.get("secondary_keywords").to_owned(),
            tags: f.get("tags").to_owned(),
            categories: f.get("categories").to_owned(),
            html: f.get("html").to_owned(),
            faq_heading: f.get("faq_heading").to_owned(),
            faq: f.get("faq").to_owned(),
            faq_sent: f.has("faq"),
        }
    }

    /// The change the form asks for; refused (with the message) when the FAQ can't be read.
    fn patch(&self) -> Result<w::ContentPatch, igny8_core::Error> {
        let faq = if self.faq_sent {
            Some(
                faq_of(&self.faq_heading, &self.faq)
                    .map_err(|m| igny8_core::Error::field("faq", m))?,
            )
        } else {
            None
        };
        Ok(w::ContentPatch {
            faq,
            title: Some(self.title.clone()),
            html: Some(self.html.clone()),
            meta_title: Some(optional(&self.meta_title)),
            meta_description: Some(optional(&self.meta_description)),
            primary_keyword: Some(optional(&self.primary_keyword)),
            secondary_keywords: Some(items(&self.secondary_keywords)),
            tags: Some(items(&self.tags)),
            categories: Some(items(&self.categories)),
            ..Default::default()
        })
    }
}

/// A meta field's length and the core's verdict on it, in words.
fn length_note(text: &str, range: (usize, usize)) -> (usize, &'static str) {
    let (n, verdict) = w::MetaLength::of(text, range);
    let words = match verdict {
        w::MetaLength::Missing => "missing",
        w::MetaLength::Short => "short",
        w::MetaLength::Good => "good",
        w::MetaLength::TooLong => "too long: cut off in results",
    };
    (n, words)
}

#[derive(Template)]
#[template(path = "writer/content.html")]
struct ContentPage {
    chrome: Chrome,
    content: Content,
    post_url: Option<String>,
    sector: String,
    words: String,
    /// What a search result shows: title, address, description.
    snippet_title: String,
    snippet_url: String,
    snippet_description: String,
    meta_title_length: (usize, &'static str),
    meta_description_length: (usize, &'static str),
    typed: Typed,
    errors: FormErrors,
    publish: PublishForm,
    /// The article's images: id, picture (when drawn to a file), alt text, state.
    images: Vec<ArticleImage>,
    /// Images not drawn yet (or whose drawing failed), to draw at once.
    undrawn: Vec<i64>,
    /// The SEO checks and score.
    seo: w::seo::SeoReport,
    /// Pages of the site that could link to it (once published).
    links_back: Vec<LinkBackView>,
    /// What it competes with on its site.
    competing: Vec<super::overlaps::Pair>,
}

/// A suggested link back, as the article's page shows it.
struct LinkBackView {
    title: String,
    url: String,
    kind: String,
    anchor: String,
    /// Where IGNY8 would put it, for its own articles.
    paragraph: Option<String>,
    /// The IGNY8 article to insert it into.
    content_id: Option<i64>,
}

/// How many links back the article's page suggests.
const LINKS_BACK_SHOWN: usize = 8;

impl ContentPage {
    fn check_label<'a>(&self, id: &'a str) -> &'a str {
        w::seo::check_label(id)
    }

    /// The score's band, for its colour: good (80+), fair (50+), poor.
    fn score_band(&self) -> &'static str {
        band(self.seo.score)
    }

    fn checks_failed(&self) -> usize {
        self.seo.checks.iter().filter(|c| !c.passed).count()
    }
}

/// One of an article's images, as its page shows it.
struct ArticleImage {
    id: i64,
    picture: Option<String>,
    alt: String,
    kind: &'static str,
    status: String,
}

/// The publish form as typed, with its problems.
#[derive(Default)]
struct PublishForm {
    status: String,
    date: String,
    errors: FormErrors,
}

impl PublishForm {
    fn choices(&self) -> Vec<Choice> {
        let current = if self.status.is_empty() {
            "publish"
        } else {
            self.status.as_str()
        };
        [
            ("publish", "Publish now"),
            ("future", "Schedule (date below)"),
            ("draft", "Save as a draft in WordPress"),
            ("pending", "Send for review in WordPress"),
            ("private", "Publish privately"),
        ]
        .into_iter()
        .map(|(v, l)| Choice::new(v, l, Some(current)))
        .collect()
    }
}

/// The article's forms as they are shown: the edit form as typed with its problems, and the
/// publish form.
struct Forms {
    typed: Typed,
    errors: FormErrors,
    publish: PublishForm,
}

async fn content_page(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    content: Content,
    forms: Forms,
    status: StatusCode,
) -> Result<Response, WebError> {
    let Forms {
        typed,
        errors,
        mut publish,
    } = forms;
    let scope = user.scope()?;
    if publish.status.is_empty() && content.status == w::ContentStatus::Published {
        // A live post stays live when it is updated, whatever new posts are sent as: taking it
        // down is a choice someone makes, never a default.
        publish.status = "publish".to_owned();
    } else if publish.status.is_empty() {
        // The account's "Send to WordPress as" setting is chosen until someone chooses.
        publish.status = state
            .core
            .system()
            .defaults(&scope)
            .await?
            .publish_status
            .as_str()
            .to_owned();
    }
    let places = Places::load(state, &scope).await?;
    let site = places.sites.iter().find(|s| s.id == content.site_id);
    let slug = igny8_core::publish::slugify(&content.title);
    let snippet_url = match (web_address(&content), site.and_then(|s| s.url.as_deref())) {
        (Some(url), _) => url,
        (None, Some(base)) => format!("{}/{slug}/", base.trim_end_matches('/')),
        (None, None) => format!("/{slug}/"),
    };
    let meta_title = content.meta_title.clone().unwrap_or_default();
    let meta_description = content.meta_description.clone().unwrap_or_default();
    let found = state
        .core
        .images()
        .list(
            &scope,
            &w::ImageFilter {
                content_id: Some(content.id),
                ..w::ImageFilter::default()
            },
            &igny8_core::list::PageRequest::new(1, 50),
        )
        .await?
        .items;
    let undrawn = found
        .iter()
        .filter(|i| matches!(i.status, w::ImageStatus::Pending | w::ImageStatus::Failed))
        .map(|i| i.id.get())
        .collect();
    let images = found
        .iter()
        .map(|i| ArticleImage {
            id: i.id.get(),
            picture: super::images::picture(i),
            alt: i.alt_text.clone().unwrap_or_default(),
            kind: match i.kind {
                w::ImageKind::Featured => "Featured",
                w::ImageKind::InArticle => "In the article",
            },
            status: crate::web::table::label(i.status.as_str()),
        })
        .collect();
    let seo = state
        .core
        .contents()
        .checks(&scope, std::slice::from_ref(&content))
        .await?
        .pop()
        .unwrap_or_default();
    let competing = state
        .core
        .contents()
        .conflicts(&scope, &content)
        .await?
        .into_iter()
        .map(super::overlaps::pair)
        .collect();
    let links_back = if content.wp_url.is_some() {
        state
            .core
            .inventory()
            .links_back(&scope, content.id, LINKS_BACK_SHOWN)
            .await?
            .into_iter()
            .map(|b| LinkBackView {
                kind: match b.from.kind {
                    igny8_core::inventory::LinkKind::Content => "IGNY8 article".to_owned(),
                    other => crate::web::table::label(other.as_str()),
                },
                title: b.from.title,
                url: b.from.url,
                anchor: b.anchor,
                paragraph: b.paragraph,
                content_id: b.from.content_id.map(|c| c.get()),
            })
            .collect()
    } else {
        Vec::new()
    };
    with_status(
        status,
        &ContentPage {
            chrome: Chrome::new(req, content.title.clone(), "content"),
            sector: places.sector_name(content.sector_id),
            words: number(content.word_count),
            snippet_title: if meta_title.is_empty() {
                content.title.clone()
            } else {
                meta_title.clone()
            },
            snippet_url,
            snippet_description: meta_description.clone(),
            meta_title_length: length_note(&meta_title, w::META_TITLE_CHARS),
            meta_description_length: length_note(&meta_description, w::META_DESCRIPTION_CHARS),
            post_url: web_address(&content),
            content,
            typed,
            errors,
            publish,
            images,
            undrawn,
            seo,
            links_back,
            competing,
        },
    )
}

/// `GET /writer/content/:id`: the article as readers and search engines will see it, and its
/// form.
#[handler]
pub(crate) async fn show(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let content = state.core.contents().get(&scope, ContentId(id)).await?;
    let typed = Typed::of(&content);
    let forms = Forms {
        typed,
        errors: FormErrors::none(),
        publish: PublishForm::default(),
    };
    content_page(req, &state, &user, content, forms, StatusCode::OK).await
}

/// `POST /writer/content/:id`: saves an article (the API's `PATCH writer/content/{id}/`); the
/// body is sanitised by the core as every write is. The form comes back as typed when
/// something is refused.
#[handler]
pub(crate) async fn save(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let content = state.core.contents().get(&scope, ContentId(id)).await?;
    let typed = Typed::from(&fields);
    let contents = state.core.contents();
    let saved = match typed.patch() {
        Ok(patch) => contents
            .update(&scope, content.id, patch)
            .await
            .map_err(faq_fields),
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(redirect(req, &format!("{PATH}/{id}?done=content-saved"))),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            let forms = Forms {
                typed,
                errors,
                publish: PublishForm::default(),
            };
            content_page(req, &state, &user, content, forms, status).await
        }
    }
}

/// `POST /writer/content/:id/publish`: publishes the article to its site's WordPress as a
/// job (the API's `writer/content/{id}/publish/`) — now, at a date (UTC), or as a draft,
/// pending or private post — and goes to the job, which shows the post's link when done.
#[handler]
pub(crate) async fn publish_post(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let content = state.core.contents().get(&scope, ContentId(id)).await?;
    let form = PublishForm {
        status: fields.get("status").to_owned(),
        date: fields.get("date").to_owned(),
        errors: FormErrors::none(),
    };
    let input = read_publish(&form).map(|(status, date)| igny8_core::publish::PublishInput {
        ids: vec![content.id],
        status,
        date,
        recreate: fields.has("recreate"),
    });
    let wordpress = state.core.wordpress();
    match submit(input, async |input| wordpress.start(&scope, input).await).await? {
        Ok(job) => Ok(redirect(
            req,
            &format!("/jobs/{}?done=job-started", job.id.get()),
        )),
        Err((status, errors)) => {
            let typed = Typed::of(&content);
            let publish = PublishForm {
                errors: errors.shown_in(&["status", "date"]),
                ..form
            };
            let forms = Forms {
                typed,
                errors: FormErrors::none(),
                publish,
            };
            content_page(req, &state, &user, content, forms, status).await
        }
    }
}

/// The post status and date a publish form asks for; the date is a `datetime-local` value,
/// read as UTC.
fn read_publish(
    form: &PublishForm,
) -> Result<
    (
        Option<igny8_core::publish::PostStatus>,
        Option<chrono::DateTime<chrono::Utc>>,
    ),
    FormErrors,
> {
    let status = match form.status.as_str() {
        "" => None,
        s => Some(s.parse().map_err(|_| {
            FormErrors::summary("Please correct the fields marked below.")
                .with_field("status", "must be one of the list")
        })?),
    };
    let date = match form.date.trim() {
        "" => None,
        d => Some(
            chrono::NaiveDateTime::parse_from_str(d, "%Y-%m-%dT%H:%M")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(d, "%Y-%m-%dT%H:%M:%S"))
                .map(|t| t.and_utc())
                .map_err(|_| {
                    FormErrors::summary("Please correct the fields marked below.")
                        .with_field("date", "must be a date and time, like 2026-12-24T09:00")
                })?,
        ),
    };
    Ok((status, date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_meta_verdicts_read_in_words() {
        assert_eq!(
            length_note(&"é".repeat(161), w::META_DESCRIPTION_CHARS),
            (161, "too long: cut off in results")
        );
        assert_eq!(items(" a, ,b ,"), ["a", "b"]);
    }

    #[test]
    fn a_publish_form_reads_its_status_and_utc_date() {
        let form = |status: &str, date: &str| PublishForm {
            status: status.into(),
            date: date.into(),
            errors: FormErrors::none(),
        };
        let (status, date) = read_publish(&form("future", "2026-12-24T09:00")).unwrap();
        assert_eq!(status, Some(igny8_core::publish::PostStatus::Future));
        assert_eq!(date.unwrap().to_rfc3339(), "2026-12-24T09:00:00+00:00");
        assert_eq!(
            read_publish(&form("", "")).unwrap().0,
            None,
            "no choice: the account's setting"
        );
        assert!(
            read_publish(&form("future", "tomorrow"))
                .unwrap_err()
                .has("date")
        );
        assert!(read_publish(&form("shout", "")).unwrap_err().has("status"));
    }
}

/// `POST /writer/content/:id/links-back`: links the article named by the form's `content_id`
/// to this one (the API's `POST writer/content/{id}/links_back/`) and goes to it, where the
/// link shows; publishing it again puts the link in WordPress.
#[handler]
pub(crate) async fn insert_link_back(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    // The core checks the role first; a form without an article names none (not found).
    let from = fields.get("content_id").trim().parse::<i64>().unwrap_or(0);
    state
        .core
        .inventory()
        .insert_link_back(&scope, ContentId(from), ContentId(id))
        .await?;
    Ok(redirect(req, &format!("{PATH}/{from}?done=link-inserted")))
}
