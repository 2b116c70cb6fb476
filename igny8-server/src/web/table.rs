//! One table component for every list page: a page describes its columns, filters and bulk
//! actions, hands over the rows of one core `list` call, and `templates/components/table.html`
//! draws the filter form, the sortable headers, the selection with its bulk actions, the rows
//! and the pager — the same way on every list.
//!
//! The list's state lives in its address (`?status=pending&order=-volume&page=3`, or
//! `&cursor=…` past the numbered pages), so a reload or a shared link shows the same view, and
//! everything works as plain links and forms; htmx only swaps the list in place.

use igny8_core::list::{Page, PageRequest};
use serde::de::DeserializeOwned;

use super::render::WebError;

/// Rows per page a person can choose; the first is the default.
pub const PAGE_SIZES: [u64; 4] = [50, 25, 100, 200];

/// Pages reachable by number; past this, "Next" follows the list's cursor, which costs the
/// same at any depth (a numbered page deep in a million rows makes the database skip them all).
pub const NUMBERED_PAGES: u64 = 100;

/// Query parameters that are the table's own, not filters.
const OWN: [&str; 4] = ["order", "page", "page_size", "cursor"];

/// A column of a list.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its heading.
    pub label: &'static str,
    /// The ordering it sorts by (the core's sort field), if it sorts.
    pub sort: Option<&'static str>,
    /// Numbers: right-aligned, and sorted largest first on the first click.
    pub numeric: bool,
    /// Hidden on narrow screens.
    pub minor: bool,
}

impl Column {
    /// A column headed `label`.
    pub const fn new(label: &'static str) -> Self {
        Self {
            label,
            sort: None,
            numeric: false,
            minor: false,
        }
    }

    /// Sortable by the core's sort field `field`.
    pub const fn sort(mut self, field: &'static str) -> Self {
        self.sort = Some(field);
        self
    }

    /// A column of numbers.
    pub const fn numeric(mut self) -> Self {
        self.numeric = true;
        self
    }

    /// Hidden on narrow screens.
    pub const fn minor(mut self) -> Self {
        self.minor = true;
        self
    }
}

/// The list's state as its address gives it: filters (blank ones dropped), ordering and page.
#[derive(Debug, Clone)]
pub struct ListState {
    path: String,
    params: Vec<(String, String)>,
}

impl ListState {
    /// The state of the list at `path` from the request's query string.
    pub fn from_query(path: impl Into<String>, query: Option<&str>) -> Self {
        let params = form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .filter(|(k, v)| !v.trim().is_empty() && k != "csrf_token" && k != "done" && k != "n")
            .map(|(k, v)| (k.into_owned(), v.trim().to_owned()))
            .collect();
        Self {
            path: path.into(),
            params,
        }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The filters as a typed query (`KeywordQuery`…); a value of the wrong kind (a word where
    /// a number goes, an unknown status) is a 400 page saying which.
    pub fn filters<T: DeserializeOwned>(&self) -> Result<T, WebError> {
        let filters: Vec<&(String, String)> = self
            .params
            .iter()
            .filter(|(k, _)| !OWN.contains(&k.as_str()))
            .collect();
        let text = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(filters)
            .finish();
        serde_urlencoded::from_str(&text).map_err(|e| {
            WebError::new(
                poem::http::StatusCode::BAD_REQUEST,
                format!(
                    "This list's address has a filter it can't read ({e}). Clear the filters and choose them again."
                ),
            )
        })
    }

    /// The ordering asked for, if any.
    pub fn order(&self) -> Option<String> {
        self.get("order").map(str::to_owned)
    }

    /// The ordering asked for as the core's sort, or the list's default; one the list can't
    /// sort by is a 400 page saying so.
    pub fn sort<F>(&self) -> Result<igny8_core::list::Sort<F>, WebError>
    where
        F: std::str::FromStr<Err = String>,
        igny8_core::list::Sort<F>: Default,
    {
        match self.get("order") {
            Some(o) => igny8_core::list::Sort::parse(o).map_err(WebError::from),
            None => Ok(Default::default()),
        }
    }

    /// Rows per page: one of [`PAGE_SIZES`].
    pub fn page_size(&self) -> u64 {
        self.get("page_size")
            .and_then(|s| s.parse().ok())
            .filter(|s| PAGE_SIZES.contains(s))
            .unwrap_or(PAGE_SIZES[0])
    }

    /// The page to read: after the cursor when there is one, else by number (1 when the
    /// number is missing or not one).
    pub fn page_request(&self) -> PageRequest {
        let size = self.page_size();
        match self.get("cursor") {
            Some(cursor) => PageRequest::after(cursor, size),
            None => {
                let page = self
                    .get("page")
                    .and_then(|p| p.parse::<u64>().ok())
                    .unwrap_or(1)
                    .clamp(1, NUMBERED_PAGES);
                PageRequest::new(page, size)
            }
        }
    }

    /// This list's address with `changes` made (`None` removes a parameter). Changing a filter,
    /// the ordering or the page size starts again at the first page.
    pub fn href(&self, changes: &[(&str, Option<&str>)]) -> String {
        let restart = changes.iter().any(|(k, _)| *k != "page" && *k != "cursor");
        let mut pairs: Vec<(&str, &str)> = self
            .params
            .iter()
            .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
            .filter(|(k, _)| !(restart && (k == "page" || k == "cursor")))
            .filter(|(k, _)| !(changes.iter().any(|(c, _)| *c == "page") && k == "cursor"))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.extend(changes.iter().filter_map(|(k, v)| v.map(|v| (*k, v))));
        if pairs.is_empty() {
            return self.path.clone();
        }
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{}?{query}", self.path)
    }

    /// This list's address as it is.
    pub fn current(&self) -> String {
        self.href(&[])
    }

    /// The address with only the table's own parameters kept (no filters).
    pub fn unfiltered(&self) -> Option<String> {
        let filtered = self.params.iter().any(|(k, _)| !OWN.contains(&k.as_str()));
        filtered.then(|| {
            let kept = ListState {
                path: self.path.clone(),
                params: self
                    .params
                    .iter()
                    .filter(|(k, _)| k == "order" || k == "page_size")
                    .cloned()
                    .collect(),
            };
            kept.current()
        })
    }

    /// The filters' parameters, for a link elsewhere that takes the same ones (the CSV export).
    pub fn with_path(&self, path: &str, keep_own: bool) -> String {
        ListState {
            path: path.to_owned(),
            params: self
                .params
                .iter()
                .filter(|(k, _)| keep_own || !OWN.contains(&k.as_str()))
                .cloned()
                .collect(),
        }
        .current()
    }

    /// Parameters the filter form doesn't show but must keep (`cluster_id` from a link, the
    /// ordering, the page size).
    pub fn hidden(&self, shown: &[&str]) -> Vec<(String, String)> {
        self.params
            .iter()
            .filter(|(k, _)| k != "page" && k != "cursor" && !shown.contains(&k.as_str()))
            .cloned()
            .collect()
    }
}

/// A choice of a select (a filter's or a bulk action's).
#[derive(Debug, Clone)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What a person reads.
    pub label: String,
    /// Chosen now.
    pub selected: bool,
}

impl Choice {
    /// `value` shown as `label`, selected when it equals `current`.
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: Option<&str>) -> Self {
        let value = value.into();
        let selected = current == Some(value.as_str());
        Self {
            value,
            label: label.into(),
            selected,
        }
    }

    /// "Any" (no filter), then every value of a core enum with a readable label.
    pub fn any_of<E: igny8_core::enums::StringEnum>(any: &str, current: Option<&str>) -> Vec<Self> {
        let mut out = vec![Self::new("", any, current.or(Some("")))];
        out.extend(
            E::VALUES
                .iter()
                .map(|v| Self::new(v.as_str(), label(v.as_str()), current)),
        );
        out
    }

    /// Every value of a core enum with a readable label, `current` chosen (a form's select).
    pub fn all_of<E: igny8_core::enums::StringEnum>(current: &str) -> Vec<Self> {
        E::VALUES
            .iter()
            .map(|v| Self::new(v.as_str(), label(v.as_str()), Some(current)))
            .collect()
    }
}

/// A value such as `in_article` as people write it: "In article".
pub fn label(value: &str) -> String {
    super::render::sentence(&value.replace('_', " "))
        .trim_end_matches('.')
        .to_owned()
}

/// A number with thousands separators: 12,300.
pub use igny8_core::words::thousands as number;

/// One filter of the filter form.
#[derive(Debug, Clone)]
pub struct Filter {
    /// Its query parameter.
    pub key: &'static str,
    /// Its label.
    pub label: &'static str,
    /// `search`, `number` or `select`.
    pub kind: &'static str,
    /// Its value now.
    pub value: String,
    /// A select's choices.
    pub choices: Vec<Choice>,
}

impl Filter {
    /// A text search.
    pub fn search(state: &ListState, key: &'static str, label: &'static str) -> Self {
        Self {
            key,
            label,
            kind: "search",
            value: state.get(key).unwrap_or_default().to_owned(),
            choices: Vec::new(),
        }
    }

    /// A whole number (bounds of a range).
    pub fn number(state: &ListState, key: &'static str, label: &'static str) -> Self {
        Self {
            kind: "number",
            ..Self::search(state, key, label)
        }
    }

    /// The status filter: "Any status", then every status of `E`.
    pub fn status<E: igny8_core::enums::StringEnum>(state: &ListState) -> Self {
        Self::select(state, "status", "Status", |c| {
            Choice::any_of::<E>("Any status", c)
        })
    }

    /// One of `choices`.
    pub fn select(
        state: &ListState,
        key: &'static str,
        label: &'static str,
        choices: impl FnOnce(Option<&str>) -> Vec<Choice>,
    ) -> Self {
        let current = state.get(key);
        Self {
            key,
            label,
            kind: "select",
            value: current.unwrap_or_default().to_owned(),
            choices: choices(current),
        }
    }
}

/// A heading of the table.
#[derive(Debug, Clone)]
pub struct Header {
    /// Its text.
    pub label: &'static str,
    /// Where clicking it sorts (by it, or the other way round).
    pub href: Option<String>,
    /// `ascending` or `descending` when the list is sorted by it.
    pub aria_sort: Option<&'static str>,
    /// CSS classes.
    pub class: &'static str,
}

/// A cell of a row.
#[derive(Debug, Clone)]
pub struct Cell {
    /// What it says.
    pub text: String,
    /// A link, when it leads somewhere.
    pub href: Option<String>,
    /// CSS classes (`num`, `badge pending`…).
    pub class: String,
    /// Markup this app's templates rendered (a job's progress), shown instead of the text.
    pub html: Option<String>,
    /// The name of the live event that replaces the cell's content (`job-12`), when the list
    /// follows one (see [`Table::live`]).
    pub live: Option<String>,
    /// A picture shown in the cell: its address (one of this app's) and alt text.
    pub picture: Option<(String, String)>,
}

impl Cell {
    /// Plain text.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            href: None,
            class: String::new(),
            html: None,
            live: None,
            picture: None,
        }
    }

    /// A number, or a dash when unknown.
    pub fn number(n: Option<i64>) -> Self {
        Self {
            text: n.map(number).unwrap_or_else(|| "—".to_owned()),
            href: None,
            class: "num".to_owned(),
            html: None,
            live: None,
            picture: None,
        }
    }

    /// A status-like value as a badge (`badge archived`).
    pub fn badge(value: &str) -> Self {
        Self {
            text: label(value),
            href: None,
            class: format!("badge {value}"),
            html: None,
            live: None,
            picture: None,
        }
    }

    /// A link, or a dash when there is nothing to link.
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            href: Some(href.into()),
            class: String::new(),
            html: None,
            live: None,
            picture: None,
        }
    }

    /// Markup rendered by one of this app's templates (never text someone typed), replaced
    /// in place by the live event `live` when there is one.
    pub fn fragment(html: String, live: Option<String>) -> Self {
        Self {
            text: String::new(),
            href: None,
            class: "fragment".to_owned(),
            html: Some(html),
            live,
            picture: None,
        }
    }

    /// A small picture from `src` (an address of this app) described by `alt`, linking to
    /// `href`.
    pub fn picture(src: String, alt: String, href: String) -> Self {
        Self {
            href: Some(href),
            class: "picture".to_owned(),
            picture: Some((src, alt)),
            ..Self::text("")
        }
    }

    /// Hidden on narrow screens (matches its column's `minor`).
    pub fn minor(mut self) -> Self {
        if !self.class.is_empty() {
            self.class.push(' ');
        }
        self.class.push_str("minor");
        self
    }
}

/// A row of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// The id of what it shows.
    pub id: i64,
    /// Its DOM id (`keyword-12`), which in-place edits replace.
    pub dom_id: String,
    /// How a screen reader names it ("Select burr grinder").
    pub label: String,
    /// Its cells, one per column.
    pub cells: Vec<Cell>,
    /// The bulk form its checkbox belongs to, when it can be selected.
    pub select_form: Option<String>,
    /// Where its edit form is, when it can be edited.
    pub edit: Option<String>,
    /// The edit form replaces the row in place (htmx), rather than opening as a page.
    pub inline: bool,
}

/// An action on the selected rows: a button of the bulk form.
#[derive(Debug, Clone)]
pub struct Bulk {
    /// Where it posts (the bulk form's action, or another route for deletes).
    pub path: &'static str,
    /// The `action` value it sends.
    pub action: &'static str,
    /// The button's text.
    pub label: &'static str,
    /// A question asked first (deletes).
    pub confirm: Option<&'static str>,
    /// A choice sent with it (the cluster to move to), as `choice_name`.
    pub choices: Vec<Choice>,
    /// The name of the choice's select.
    pub choice_name: &'static str,
    /// The choice's label.
    pub choice_label: &'static str,
    /// Destructive: drawn as such.
    pub danger: bool,
}

impl Bulk {
    /// A button posting `action` to `path`.
    pub fn new(path: &'static str, action: &'static str, label: &'static str) -> Self {
        Self {
            path,
            action,
            label,
            confirm: None,
            choices: Vec::new(),
            choice_name: "",
            choice_label: "",
            danger: false,
        }
    }

    /// Asks `question` first and is drawn as destructive.
    pub fn confirm(mut self, question: &'static str) -> Self {
        self.confirm = Some(question);
        self.danger = true;
        self
    }

    /// Sends a choice along (a select labelled `label`, named `name`).
    pub fn choice(mut self, name: &'static str, label: &'static str, choices: Vec<Choice>) -> Self {
        self.choice_name = name;
        self.choice_label = label;
        self.choices = choices;
        self
    }
}

/// The choice of acting on every row the filters match, not only the ticked ones.
#[derive(Debug, Clone)]
pub struct Matching {
    /// How many rows match (sent back, so that the core can refuse if it has changed).
    pub total: u64,
    /// "all 12,345 keywords matching the filters".
    pub label: String,
}

/// A link of the pager.
#[derive(Debug, Clone)]
pub struct PageLink {
    /// The page number, or 0 for a gap ("…").
    pub number: u64,
    /// Where it goes.
    pub href: String,
    /// The page shown now.
    pub current: bool,
}

/// The pager: where the rows shown sit in the list, and links to the others.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    /// "1–50 of 1,234 keywords".
    pub summary: String,
    /// The previous page.
    pub prev: Option<String>,
    /// The next page (by number, or by cursor past the numbered pages).
    pub next: Option<String>,
    /// Back to the first page (from cursor pages).
    pub first: Option<String>,
    /// Numbered pages around this one.
    pub pages: Vec<PageLink>,
    /// Page sizes to choose from: size, link, chosen.
    pub sizes: Vec<(u64, String, bool)>,
}

impl Pager {
    /// The pager of `page`, read with `state`, counting `nouns` (`("keyword", "keywords")`).
    pub fn of<T>(state: &ListState, page: &Page<T>, nouns: (&str, &str)) -> Self {
        let (one, noun) = nouns;
        let size = page.page_size;
        let shown = page.items.len() as u64;
        let cursor = state.get("cursor").is_some();
        let sizes = {
            let mut sizes = PAGE_SIZES.to_vec();
            sizes.sort_unstable();
            sizes
                .into_iter()
                .map(|s| {
                    let v = s.to_string();
                    (s, state.href(&[("page_size", Some(&v))]), s == size)
                })
                .collect()
        };
        let next_by_cursor = |c: &String| state.href(&[("cursor", Some(c)), ("page", None)]);
        if cursor {
            return Self {
                summary: match (shown, page.total) {
                    (0, _) => format!("No more {noun}."),
                    (n, Some(total)) => format!(
                        "{} {noun}, further down the list of {}",
                        number(n as i64),
                        number(total as i64)
                    ),
                    (n, None) => format!("{} {noun}, further down the list", number(n as i64)),
                },
                prev: None,
                next: page.next_cursor.as_ref().map(next_by_cursor),
                first: Some(state.href(&[("cursor", None), ("page", None)])),
                pages: Vec::new(),
                sizes,
            };
        }
        let current = page.page;
        let from = (current - 1) * size + 1;
        let to = from + shown.saturating_sub(1);
        let summary = match (shown, page.total) {
            (0, Some(0)) | (0, None) if current == 1 => format!("No {noun}."),
            (0, _) => format!("No {noun} on page {current}."),
            (n, Some(total)) if current == 1 && n == total => {
                format!("{} {}", number(n as i64), if n == 1 { one } else { noun })
            }
            (_, Some(total)) => format!(
                "{}–{} of {} {noun}",
                number(from as i64),
                number(to as i64),
                number(total as i64)
            ),
            (_, None) => format!("{}–{} {noun}", number(from as i64), number(to as i64)),
        };
        let last = page
            .total
            .map(|t| t.div_ceil(size).max(1))
            .unwrap_or(current + u64::from(page.has_more()));
        let reachable = last.min(NUMBERED_PAGES);
        let page_href = |n: u64| {
            if n == 1 {
                state.href(&[("page", None)])
            } else {
                state.href(&[("page", Some(&n.to_string()))])
            }
        };
        let mut pages = Vec::new();
        if reachable > 1 {
            let mut wanted: Vec<u64> = vec![1, reachable];
            wanted.extend(current.saturating_sub(2).max(1)..=(current + 2).min(reachable));
            wanted.sort_unstable();
            wanted.dedup();
            let mut previous = 0;
            for n in wanted {
                if n > previous + 1 {
                    pages.push(PageLink {
                        number: 0,
                        href: String::new(),
                        current: false,
                    });
                }
                pages.push(PageLink {
                    number: n,
                    href: page_href(n),
                    current: n == current,
                });
                previous = n;
            }
        }
        let next = if !page.has_more() {
            None
        } else if current < NUMBERED_PAGES {
            Some(page_href(current + 1))
        } else {
            page.next_cursor.as_ref().map(next_by_cursor)
        };
        Self {
            summary,
            prev: (current > 1).then(|| page_href(current - 1)),
            next,
            first: None,
            pages,
            sizes,
        }
    }
}

/// Everything the table template draws.
#[derive(Debug, Clone)]
pub struct Table {
    /// Its name: DOM ids and the bulk form's id derive from it (`keywords`).
    pub id: &'static str,
    /// The list's path (`/planner/keywords`).
    pub path: String,
    /// Its caption, for screen readers ("Keywords").
    pub caption: &'static str,
    /// The headings.
    pub headers: Vec<Header>,
    /// The rows.
    pub rows: Vec<Row>,
    /// The filter form's fields.
    pub filters: Vec<Filter>,
    /// Parameters the filter form keeps without showing.
    pub hidden: Vec<(String, String)>,
    /// "Clear filters", when some are set.
    pub reset: Option<String>,
    /// Actions on the selected rows (only for people who may write).
    pub bulk: Vec<Bulk>,
    /// Where the bulk form posts by default.
    pub bulk_path: &'static str,
    /// A hint beside the bulk actions (why one is missing).
    pub bulk_hint: Option<&'static str>,
    /// "All N matching": the bulk actions may reach every row the filters match, on every page.
    pub matching: Option<Matching>,
    /// The list's address now, to come back to after a bulk action.
    pub back: String,
    /// The pager.
    pub pager: Pager,
    /// What an empty list says.
    pub empty: String,
    /// A download of the whole filtered list.
    pub export: Option<String>,
    /// A sentence about a filter the form doesn't show ("Keywords of the cluster …").
    pub note: Option<String>,
    /// The event stream that keeps cells up to date (`/jobs/events?ids=…`): cells with a
    /// `live` name take the events of that name; the stream closes on the event `end`.
    pub live: Option<String>,
}

impl Table {
    /// The table `id` at `path` with `columns`, sorted as `state` says (or by `default_order`).
    pub fn new(
        id: &'static str,
        path: impl Into<String>,
        caption: &'static str,
        columns: &[Column],
        state: &ListState,
        default_order: &str,
    ) -> Self {
        let order = state.order();
        let order = order.as_deref().unwrap_or(default_order);
        let headers = columns
            .iter()
            .map(|c| {
                let (href, aria_sort) = match c.sort {
                    None => (None, None),
                    Some(field) => {
                        let descending = format!("-{field}");
                        let (next, now) = if order == field {
                            (descending.clone(), Some("ascending"))
                        } else if order == descending {
                            (field.to_owned(), Some("descending"))
                        } else if c.numeric {
                            (descending.clone(), None)
                        } else {
                            (field.to_owned(), None)
                        };
                        (Some(state.href(&[("order", Some(&next))])), now)
                    }
                };
                Header {
                    label: c.label,
                    href,
                    aria_sort,
                    class: match (c.numeric, c.minor) {
                        (true, true) => "num minor",
                        (true, false) => "num",
                        (false, true) => "minor",
                        (false, false) => "",
                    },
                }
            })
            .collect();
        Self {
            id,
            path: path.into(),
            caption,
            headers,
            rows: Vec::new(),
            filters: Vec::new(),
            hidden: Vec::new(),
            reset: state.unfiltered(),
            bulk: Vec::new(),
            bulk_path: "",
            bulk_hint: None,
            matching: None,
            back: state.current(),
            pager: Pager::default(),
            empty: String::new(),
            export: None,
            note: None,
            live: None,
        }
    }

    /// The rows of `page`, each drawn by `row`, with its pager (`nouns`: "1 entry", "2 entries").
    pub fn fill<T>(
        &mut self,
        state: &ListState,
        page: &Page<T>,
        nouns: (&str, &str),
        row: impl FnMut(&T) -> Row,
    ) {
        self.rows = page.items.iter().map(row).collect();
        self.pager = Pager::of(state, page, nouns);
    }

    /// Lets the bulk actions reach all `total` rows the filters match (nouns: "keyword",
    /// "keywords"), when there are more than the page shows. The form then sends
    /// `matching=<total>`, which the action hands the core as the number the person saw.
    pub fn offer_matching(&mut self, total: Option<u64>, nouns: (&str, &str)) {
        self.matching = total
            .filter(|&t| t > self.rows.len() as u64)
            .map(|total| Matching {
                total,
                label: format!(
                    "all {} {} matching the filters",
                    number(total as i64),
                    if total == 1 { nouns.0 } else { nouns.1 }
                ),
            });
    }

    /// The bulk form's DOM id.
    pub fn bulk_form(&self) -> String {
        format!("{}-bulk", self.id)
    }

    /// Whether rows can be selected (someone who may write, and actions to take).
    pub fn selectable(&self) -> bool {
        !self.bulk.is_empty()
    }

    /// Columns in all, with the selection and actions columns.
    pub fn width(&self) -> usize {
        self.headers.len() + 1 + usize::from(self.selectable())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(q: &str) -> ListState {
        ListState::from_query("/planner/keywords", Some(q))
    }

    #[test]
    fn addresses_keep_the_filters_and_restart_paging_when_they_change() {
        let s = state("status=pending&search=&page=3&order=-volume&csrf_token=x");
        assert_eq!(s.get("search"), None, "blank values are no filter");
        assert_eq!(s.get("csrf_token"), None);
        assert_eq!(
            s.href(&[("page", Some("4"))]),
            "/planner/keywords?status=pending&order=-volume&page=4"
        );
        // A new ordering starts at page one.
        assert_eq!(
            s.href(&[("order", Some("keyword"))]),
            "/planner/keywords?status=pending&order=keyword"
        );
        assert_eq!(
            s.unfiltered().as_deref(),
            Some("/planner/keywords?order=-volume")
        );
        assert_eq!(state("order=-volume").unfiltered(), None);
        assert_eq!(
            s.with_path("/planner/keywords/export", false),
            "/planner/keywords/export?status=pending"
        );
        // Text is encoded, so a filter can't add parameters.
        assert_eq!(
            state("").href(&[("search", Some("a&b=c"))]),
            "/planner/keywords?search=a%26b%3Dc"
        );
    }

    #[test]
    fn paging_reads_numbers_and_cursors_and_refuses_nonsense_quietly() {
        assert_eq!(
            state("page=2&page_size=100").page_request(),
            PageRequest::new(2, 100)
        );
        assert_eq!(
            state("page=x&page_size=7").page_request(),
            PageRequest::new(1, 50)
        );
        assert_eq!(
            state("page=100000").page_request().page,
            NUMBERED_PAGES,
            "deep pages go by cursor"
        );
        let c = state("cursor=abc").page_request();
        assert_eq!(c.cursor.as_deref(), Some("abc"));
    }

    #[test]
    fn the_pager_numbers_pages_then_follows_the_cursor() {
        let s = state("page=3");
        let page = Page {
            items: vec![(); 50],
            total: Some(1000),
            page: 3,
            page_size: 50,
            next_cursor: Some("c".into()),
        };
        let p = Pager::of(&s, &page, ("keyword", "keywords"));
        assert_eq!(p.summary, "101–150 of 1,000 keywords");
        assert_eq!(p.prev.as_deref(), Some("/planner/keywords?page=2"));
        assert_eq!(p.next.as_deref(), Some("/planner/keywords?page=4"));
        let numbers: Vec<u64> = p.pages.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 0, 20]);
        // At the last numbered page, "Next" goes on by cursor.
        let deep = Page {
            page: NUMBERED_PAGES,
            total: Some(1_000_000),
            ..page.clone()
        };
        let p = Pager::of(&state("page=100"), &deep, ("keyword", "keywords"));
        assert_eq!(p.next.as_deref(), Some("/planner/keywords?cursor=c"));
        assert_eq!(p.pages.last().unwrap().number, NUMBERED_PAGES);
        let p = Pager::of(&state("cursor=c"), &page, ("keyword", "keywords"));
        assert_eq!(p.first.as_deref(), Some("/planner/keywords"));
        assert!(p.prev.is_none());
    }

    #[test]
    fn headers_sort_both_ways_and_say_how() {
        let cols = [
            Column::new("Keyword").sort("keyword"),
            Column::new("Volume").sort("volume").numeric(),
            Column::new("Cluster"),
        ];
        let t = Table::new(
            "keywords",
            "/planner/keywords",
            "Keywords",
            &cols,
            &state("order=keyword"),
            "-id",
        );
        assert_eq!(t.headers[0].aria_sort, Some("ascending"));
        assert_eq!(
            t.headers[0].href.as_deref(),
            Some("/planner/keywords?order=-keyword")
        );
        assert_eq!(
            t.headers[1].href.as_deref(),
            Some("/planner/keywords?order=-volume")
        );
        assert!(t.headers[2].href.is_none());
    }

    #[test]
    fn numbers_and_labels_read_well() {
        assert_eq!(number(0), "0");
        assert_eq!(number(1234567), "1,234,567");
        assert_eq!(number(-1000), "-1,000");
        assert_eq!(label("in_article"), "In article");
    }
}
