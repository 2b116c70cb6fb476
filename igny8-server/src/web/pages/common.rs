//! What several pages share: the account's sites and sectors for menus and names, the
//! address to come back to after a write, and the rows ticked in a list.

use igny8_core::SectorId;
use igny8_core::list::PageRequest;
use igny8_core::tenancy::{Scope, Sector, SectorFilter, Site};
use poem::http::StatusCode;

use crate::state::AppState;
use crate::web::forms::{Fields, FormErrors};
use crate::web::render::{WebError, local_path, sentence};
use crate::web::table::{Choice, label};

/// Sites and sectors of the account, for filters, names and forms.
pub(crate) struct Places {
    pub(crate) sites: Vec<Site>,
    pub(crate) sectors: Vec<Sector>,
}

impl Places {
    /// Every site and sector the scope sees (up to the largest page; accounts have few).
    pub(crate) async fn load(state: &AppState, scope: &Scope) -> Result<Self, WebError> {
        let all = PageRequest {
            with_total: false,
            ..PageRequest::new(1, igny8_core::list::MAX_PAGE_SIZE)
        };
        let tenancy = state.core.tenancy();
        let sites = tenancy.sites(scope, &all).await?.items;
        let sectors = tenancy
            .sectors(scope, &SectorFilter::default(), &all)
            .await?
            .items;
        Ok(Self { sites, sectors })
    }

    /// The site's name ("" when it isn't one of the account's).
    pub(crate) fn site_name(&self, id: igny8_core::SiteId) -> &str {
        self.sites
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.as_str())
            .unwrap_or("")
    }

    /// "Site › Sector" (just the sector's name when there is one site).
    pub(crate) fn sector_name(&self, id: SectorId) -> String {
        match self.sectors.iter().find(|s| s.id == id) {
            Some(s) if self.sites.len() > 1 => {
                format!("{} › {}", self.site_name(s.site_id), s.name)
            }
            Some(s) => s.name.clone(),
            None => String::new(),
        }
    }

    /// The sector filter of a list: "All sectors", then every sector.
    pub(crate) fn sector_filter(
        &self,
        list: &crate::web::table::ListState,
    ) -> crate::web::table::Filter {
        crate::web::table::Filter::select(list, "sector_id", "Sector", |c| {
            self.sector_choices("All sectors", c)
        })
    }

    /// `first` (no site), then every site, `current` selected.
    pub(crate) fn site_choices(&self, first: &str, current: Option<&str>) -> Vec<Choice> {
        let mut out = vec![Choice::new("", first, current.or(Some("")))];
        out.extend(
            self.sites
                .iter()
                .map(|s| Choice::new(s.id.get().to_string(), s.name.clone(), current)),
        );
        out
    }

    /// `first` (no sector), then every sector, `current` selected.
    pub(crate) fn sector_choices(&self, first: &str, current: Option<&str>) -> Vec<Choice> {
        let mut out = vec![Choice::new("", first, current.or(Some("")))];
        out.extend(
            self.sectors
                .iter()
                .map(|s| Choice::new(s.id.get().to_string(), self.sector_name(s.id), current)),
        );
        out
    }
}

/// `back` with a message to show once (`done`, and a count).
pub(crate) fn with_done(back: &str, done: &str, n: Option<u64>) -> String {
    let joiner = if back.contains('?') { '&' } else { '?' };
    match n {
        Some(n) => format!("{back}{joiner}done={done}&n={n}"),
        None => format!("{back}{joiner}done={done}"),
    }
}

/// A local path to come back to; `default` when none (or a foreign one) is given.
pub(crate) fn local_back(back: &str, default: &str) -> String {
    if back.is_empty() {
        return default.to_owned();
    }
    let back = local_path(Some(back));
    if back == "/dashboard" {
        default.to_owned()
    } else {
        back
    }
}

/// The ids ticked in a list (`ids`, repeated); none is an empty list, not an error.
pub(crate) fn ticked<T>(fields: &Fields, id: fn(i64) -> T) -> Result<Vec<T>, WebError> {
    fields
        .all("ids")
        .map(|v| v.trim().parse().map(id))
        .collect::<Result<_, _>>()
        .map_err(|_| {
            WebError::new(
                StatusCode::BAD_REQUEST,
                "The selection is not a list of ids. Reload the page and select again.",
            )
        })
}

/// Why the core refused an action on the selected rows, as one sentence for above the list
/// ("Nothing was changed. Cluster id is not in the keywords' sector."), with the status to
/// send; failures of the server itself become an error page.
pub(crate) fn refusal(e: igny8_core::Error) -> Result<(StatusCode, String), WebError> {
    let (status, form) = FormErrors::from_error(e)?;
    let mut problem = String::from("Nothing was changed.");
    if let Some(summary) = form.summary.as_deref().filter(|_| !form.any_field()) {
        problem.push(' ');
        problem.push_str(summary);
    }
    for (field, messages) in form.fields() {
        problem.push(' ');
        problem.push_str(&sentence(&format!(
            "{} {}",
            label(field),
            messages.join("; ")
        )));
    }
    Ok((status, problem))
}

/// A page that is a list and little else (jobs, ideas, tasks, articles):
/// `templates/components/list_page.html`.
#[derive(askama::Template)]
#[template(path = "components/list_page.html")]
pub(crate) struct ListPage {
    pub(crate) chrome: crate::web::render::Chrome,
    /// The page's heading.
    pub(crate) heading: &'static str,
    /// The sentence under it.
    pub(crate) lead: &'static str,
    /// A link after that sentence: where to, and its words.
    pub(crate) aside: Option<(&'static str, &'static str)>,
    /// Why the last action changed nothing, above the list.
    pub(crate) problem: Option<String>,
    pub(crate) table: crate::web::table::Table,
}

impl ListPage {
    /// The page as a response: with the refusal's status when there is one.
    pub(crate) fn respond(
        chrome: crate::web::render::Chrome,
        (heading, lead): (&'static str, &'static str),
        table: crate::web::table::Table,
        problem: Option<(StatusCode, String)>,
    ) -> Result<poem::Response, WebError> {
        Self::respond_with_aside(chrome, (heading, lead, None), table, problem)
    }

    /// [`ListPage::respond`] with a link after the sentence under the heading.
    pub(crate) fn respond_with_aside(
        chrome: crate::web::render::Chrome,
        (heading, lead, aside): (
            &'static str,
            &'static str,
            Option<(&'static str, &'static str)>,
        ),
        table: crate::web::table::Table,
        problem: Option<(StatusCode, String)>,
    ) -> Result<poem::Response, WebError> {
        crate::web::render::with_status(
            problem.as_ref().map_or(StatusCode::OK, |(s, _)| *s),
            &Self {
                chrome,
                heading,
                lead,
                aside,
                problem: problem.map(|(_, p)| p),
                table,
            },
        )
    }
}

/// An action on the rows ticked in a list (`ids`), the same way on every list: nothing ticked
/// says so; done, back to the list (`back`, or `path`) saying what `done` names with the count
/// `act` returns; refused, the list again (drawn by `list`) saying why nothing changed.
pub(crate) async fn on_ticked<Id>(
    req: &poem::Request,
    fields: &Fields,
    path: &str,
    id: fn(i64) -> Id,
    done: &str,
    act: impl AsyncFnOnce(Vec<Id>) -> Result<u64, igny8_core::Error>,
    list: impl AsyncFnOnce(
        crate::web::table::ListState,
        (StatusCode, String),
    ) -> Result<poem::Response, WebError>,
) -> Result<poem::Response, WebError> {
    on_ticked_then(
        req,
        fields,
        path,
        id,
        async move |ids| {
            Ok(Then {
                done: done.to_owned(),
                n: act(ids).await?,
                to: None,
            })
        },
        list,
    )
    .await
}

/// Where [`on_ticked_then`] goes once done: the flash `done` with the count `n`, on the local
/// page `to` (else back to the list).
pub(crate) struct Then {
    pub done: String,
    pub n: u64,
    pub to: Option<String>,
}

/// [`on_ticked`] whose action also says where to go next.
pub(crate) async fn on_ticked_then<Id>(
    req: &poem::Request,
    fields: &Fields,
    path: &str,
    id: fn(i64) -> Id,
    act: impl AsyncFnOnce(Vec<Id>) -> Result<Then, igny8_core::Error>,
    list: impl AsyncFnOnce(
        crate::web::table::ListState,
        (StatusCode, String),
    ) -> Result<poem::Response, WebError>,
) -> Result<poem::Response, WebError> {
    let back = local_back(fields.get("back"), path);
    let ids = ticked(fields, id)?;
    if ids.is_empty() {
        return Ok(crate::web::render::redirect(
            req,
            &with_done(&back, "none-selected", None),
        ));
    }
    match act(ids).await {
        Ok(then) => Ok(crate::web::render::redirect(
            req,
            &with_done(
                then.to.as_deref().unwrap_or(&back),
                &then.done,
                Some(then.n),
            ),
        )),
        Err(e) => {
            let state = crate::web::table::ListState::from_query(
                path,
                back.split_once('?').map(|(_, q)| q),
            );
            list(state, refusal(e)?).await
        }
    }
}
