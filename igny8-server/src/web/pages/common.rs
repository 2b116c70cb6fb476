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
