//! Reading a list's query string: the ordering and id lists that every list operation takes,
//! shared by whichever transport parses them.

use igny8_core::list::Sort;

use crate::envelope::ApiError;

/// The ordering asked for (`-volume`, `title`), or `default` when none (or a blank one) is.
pub fn sort<F: std::str::FromStr<Err = String>>(
    ordering: Option<String>,
    default: Sort<F>,
) -> Result<Sort<F>, ApiError> {
    match ordering.filter(|o| !o.trim().is_empty()) {
        Some(o) => Ok(Sort::parse(&o)?),
        None => Ok(default),
    }
}

/// Parses `1,2,3`; none (or a blank value) is no id filter.
pub fn id_list(value: Option<String>) -> Result<Option<Vec<i64>>, ApiError> {
    match value.filter(|v| !v.trim().is_empty()) {
        None => Ok(None),
        Some(v) => v
            .split(',')
            .map(|s| s.trim().parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
            .map_err(|_| ApiError::field("ids", "must be comma-separated ids")),
    }
}
