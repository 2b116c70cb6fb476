//! Keeps exported cells from running as spreadsheet formulas ("CSV injection").
//!
//! A cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
//! spreadsheets skip before looking for one of those) is a formula to Excel, LibreOffice and
//! Google Sheets: `=HYPERLINK("http://…")` in a keyword would become a live link in the sheet of
//! whoever opens the export. As OWASP recommends, such a cell is written with a `'` in front,
//! which spreadsheets show as text. The import takes that one `'` off again, so an export reads
//! back to the same values.

use std::borrow::Cow;

/// The first characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn is_trigger(c: Option<char>) -> bool {
    c.is_some_and(|c| TRIGGERS.contains(&c))
}

/// Whether `cell` is quotes (none or more) then a formula character.
fn looks_like_formula(cell: &str) -> bool {
    is_trigger(cell.trim_start_matches('\'').chars().next())
}

/// `cell` as it is safe to write into a CSV file: with a `'` in front if it starts like a
/// formula. A cell that already starts with `'` before a formula character gets one more, so
/// the `'` the import removes is always ours.
pub(crate) fn escape(cell: &str) -> Cow<'_, str> {
    if looks_like_formula(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The cell [`escape`] was given: one leading `'` is removed when formula character follows
/// (after any further quotes).
pub(crate) fn unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_a_quote_that_reading_removes() {
        for cell in [
            "=1+1", "+1", "-5 tips", "@SUM(A1)", "\tx", "\rx", "'=x", "'''-x",
        ] {
            let escaped = escape(cell);
            assert_ne!(escaped, cell, "{cell:?}");
            assert!(escaped.starts_with('\''));
            assert_eq!(unescape(&escaped), cell);
        }
        for cell in ["shoes", "", "'quoted'", "'x", "a=b", "1.5"] {
            assert_eq!(escape(cell), cell);
            assert_eq!(unescape(cell), cell);
        }
    }
}
