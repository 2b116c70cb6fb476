//! Pages, ordering and cursors shared by every list.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Largest page a caller may ask for.
pub const MAX_PAGE_SIZE: u64 = 1000;
/// Highest page number a caller may ask for (so that no page's offset overflows, whatever its
/// size).
pub const MAX_PAGE: u64 = i64::MAX as u64 / MAX_PAGE_SIZE;
/// Page size when none is given.
pub const DEFAULT_PAGE_SIZE: u64 = 50;

/// Which page of a list to read.
///
/// Either by number (`page`, 1-based; fine for the first pages, costs grow with depth) or by
/// `cursor` (the `next_cursor` of the previous page; the same cost at any depth).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// 1-based page number (ignored when `cursor` is set).
    pub page: u64,
    /// Rows per page, 1..=[`MAX_PAGE_SIZE`].
    pub page_size: u64,
    /// Opaque cursor from a previous page.
    pub cursor: Option<String>,
    /// Whether to count the matching rows (costs a second query on large lists).
    pub with_total: bool,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
            cursor: None,
            with_total: true,
        }
    }
}

impl PageRequest {
    /// Page `page` of `page_size` rows.
    pub fn new(page: u64, page_size: u64) -> Self {
        Self {
            page,
            page_size,
            ..Self::default()
        }
    }

    /// The page after `cursor`.
    pub fn after(cursor: impl Into<String>, page_size: u64) -> Self {
        Self {
            cursor: Some(cursor.into()),
            page_size,
            with_total: false,
            ..Self::default()
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if self.page == 0 {
            return Err(Error::field("page", "must be 1 or more"));
        }
        if self.page_size == 0 || self.page_size > MAX_PAGE_SIZE {
            return Err(Error::field(
                "page_size",
                format!("must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        if self.page > MAX_PAGE {
            return Err(Error::field("page", format!("must be at most {MAX_PAGE}")));
        }
        Ok(())
    }

    /// Rows to skip for a numbered page.
    pub(crate) fn offset(&self) -> u64 {
        (self.page - 1) * self.page_size
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// All matching rows, when asked for.
    pub total: Option<u64>,
    /// The page number (1 for cursor pages).
    pub page: u64,
    /// The page size.
    pub page_size: u64,
    /// Cursor of the next page, when there is one.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Whether another page follows.
    pub fn has_more(&self) -> bool {
        self.next_cursor.is_some()
    }

    /// Applies `f` to every row.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            page_size: self.page_size,
            next_cursor: self.next_cursor,
        }
    }
}

/// A list's ordering: a field and a direction. Parsed from `volume` / `-volume`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort<F> {
    /// The field.
    pub field: F,
    /// Largest first.
    pub descending: bool,
}

impl<F: std::str::FromStr<Err = String>> Sort<F> {
    /// Parses `field` (ascending) or `-field` (descending).
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        let (descending, name) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let field = name
            .parse()
            .map_err(|e: String| Error::field("ordering", e))?;
        Ok(Self { field, descending })
    }
}

/// The sort value of the last row of a page, with its id: where the next page starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Cursor {
    /// The sort field's name and direction, e.g. `-volume`; a cursor is only valid for it.
    pub(crate) sort: String,
    /// The last row's sort value.
    pub(crate) value: CursorValue,
    /// The last row's id.
    pub(crate) id: i64,
}

/// A sort value inside a cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum CursorValue {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
}

impl Cursor {
    pub(crate) fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    pub(crate) fn decode(token: &str, expected_sort: &str) -> Result<Self> {
        let bad = || Error::field("cursor", "is not a cursor returned by this list");
        let bytes = URL_SAFE_NO_PAD.decode(token.trim()).map_err(|_| bad())?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if cursor.sort != expected_sort {
            return Err(Error::field(
                "cursor",
                format!(
                    "was made for ordering {:?}, not {:?}",
                    cursor.sort, expected_sort
                ),
            ));
        }
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip_and_mismatch() {
        let c = Cursor {
            sort: "-volume".into(),
            value: CursorValue::Int(300),
            id: 9,
        };
        let token = c.encode();
        assert_eq!(Cursor::decode(&token, "-volume").unwrap(), c);
        assert!(Cursor::decode(&token, "volume").is_err());
        assert!(Cursor::decode("garbage!", "volume").is_err());
    }

    #[test]
    fn page_limits() {
        assert!(PageRequest::new(1, 1000).validate().is_ok());
        assert!(PageRequest::new(1, 1001).validate().is_err());
        assert!(PageRequest::new(0, 10).validate().is_err());
    }
}
