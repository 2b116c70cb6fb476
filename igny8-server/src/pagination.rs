//! Lists: `page` / `page_size` (with `count`), or `cursor` for deep scans; `next` and
//! `previous` are ready-to-follow URLs relative to the server (path and query). They never
//! carry a host: one taken from the request's `Host` header would let whoever sends the
//! request choose where a client following the link goes next.

use igny8_core::list::{DEFAULT_PAGE_SIZE, Page, PageRequest};
use poem::Request;
use poem_openapi::Object;
use poem_openapi::types::{ParseFromJSON, ToJSON};

/// One page of a list.
#[derive(Debug, Object)]
pub struct ListPage<T: ParseFromJSON + ToJSON + Send + Sync> {
    /// All matching rows (null on cursor pages, which don't count).
    #[oai(nullable)]
    pub count: Option<u64>,
    /// The next page, as a path and query on this server (no scheme or host), e.g.
    /// `/api/v1/planner/keywords/?page=3&page_size=50`; every other query parameter is kept.
    #[oai(nullable)]
    pub next: Option<String>,
    /// The previous page (numbered pages only), as a path and query like `next`.
    #[oai(nullable)]
    pub previous: Option<String>,
    /// The rows.
    pub results: Vec<T>,
}

/// Query parameters common to every list.
#[derive(Debug, Clone, Default)]
pub struct Paging {
    /// 1-based page.
    pub page: Option<u64>,
    /// Rows per page (1–1000).
    pub page_size: Option<u64>,
    /// A cursor from `next`.
    pub cursor: Option<String>,
}

impl Paging {
    /// The core's page request. `page` is checked whatever else is given: after a cursor it
    /// is ignored, but one out of range (0, or past the last page any list can have) is
    /// refused like anywhere else rather than passed over.
    pub fn request(&self) -> PageRequest {
        let size = self.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        let page = self.page.unwrap_or(1);
        match &self.cursor {
            Some(c) if !c.is_empty() => PageRequest {
                page,
                ..PageRequest::after(c.clone(), size)
            },
            // `cursor=` (empty) starts a cursor scan at `page` (the first unless given): no
            // count, `next` carries cursors.
            Some(_) => PageRequest {
                with_total: false,
                ..PageRequest::new(page, size)
            },
            None => PageRequest::new(page, size),
        }
    }
}

/// The core's page request for a list's `page`, `page_size` and `cursor` parameters.
pub fn page_of(page: Option<u64>, page_size: Option<u64>, cursor: Option<String>) -> PageRequest {
    Paging {
        page,
        page_size,
        cursor,
    }
    .request()
}

/// The URI the client sent (routing rewrites the request's own).
fn client_uri(req: &Request) -> poem::http::Uri {
    crate::envelope::REQUEST_URI
        .try_with(Clone::clone)
        .unwrap_or_else(|_| req.uri().clone())
}

/// The client's path and query with `key=value` set (or removed), e.g. `/api/v1/x/?page=2`.
fn with_param(req: &Request, changes: &[(&str, Option<String>)]) -> String {
    let uri = client_uri(req);
    let uri = &uri;
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            form_pairs(q)
                .into_iter()
                .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
                .collect()
        })
        .unwrap_or_default();
    for (k, v) in changes {
        if let Some(v) = v {
            pairs.push(((*k).to_owned(), v.clone()));
        }
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let path = uri.path();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

fn form_pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// The API page of a core page.
pub fn list_page<T, U>(req: &Request, page: Page<U>, map: impl FnMut(U) -> T) -> ListPage<T>
where
    T: ParseFromJSON + ToJSON + Send + Sync,
{
    let cursor_mode = client_uri(req)
        .query()
        .is_some_and(|q| form_pairs(q).iter().any(|(k, _)| k == "cursor"));
    let next = match &page.next_cursor {
        Some(cursor) if cursor_mode => Some(with_param(
            req,
            &[("cursor", Some(cursor.clone())), ("page", None)],
        )),
        Some(_) => Some(with_param(
            req,
            &[
                ("page", Some((page.page + 1).to_string())),
                ("cursor", None),
            ],
        )),
        None => None,
    };
    let previous = (!cursor_mode && page.page > 1).then(|| {
        let prev = if page.page == 2 {
            None
        } else {
            Some((page.page - 1).to_string())
        };
        with_param(req, &[("page", prev), ("cursor", None)])
    });
    ListPage {
        count: page.total,
        next,
        previous,
        results: page.items.into_iter().map(map).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_other_parameters_and_replace_the_page() {
        let req = Request::builder()
            .uri(poem::http::Uri::from_static(
                "/api/v1/planner/keywords/?search=caf%C3%A9+grinder&page=3&ordering=-volume&x",
            ))
            .finish();
        let link = with_param(&req, &[("page", Some("4".into())), ("cursor", None)]);
        assert_eq!(
            link,
            "/api/v1/planner/keywords/?search=caf%C3%A9+grinder&ordering=-volume&x=&page=4"
        );
        let pairs = form_pairs(link.split_once('?').unwrap().1);
        assert_eq!(pairs[0], ("search".into(), "café grinder".into()));
        assert_eq!(
            form_pairs("q=100%25&bad=%zz"),
            [("q".into(), "100%".into()), ("bad".into(), "%zz".into())]
        );
    }
}
