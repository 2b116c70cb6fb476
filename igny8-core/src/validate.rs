//! Small helpers that collect field errors, so one bad request reports every bad field at once.

use crate::error::{Error, FieldError, Result};

/// Collects field errors while an input is checked.
#[derive(Debug, Default)]
pub(crate) struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Records an error on `field`.
    pub(crate) fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// A required single-line text: trimmed, inner whitespace collapsed, 1..=max characters.
    pub(crate) fn name(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = collapse_whitespace(value);
        if value.is_empty() {
            self.fail(field, "is required");
        } else if value.chars().count() > max {
            self.fail(field, format!("must be at most {max} characters"));
        }
        value
    }

    /// An optional free text (kept verbatim apart from trimming), at most `max` characters.
    pub(crate) fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim().to_owned();
        if value.chars().count() > max {
            self.fail(field, format!("must be at most {max} characters"));
        }
        value
    }

    /// An optional text; empty becomes `None`.
    pub(crate) fn opt_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        let value = self.text(field, value?, max);
        (!value.is_empty()).then_some(value)
    }

    /// Refuses markup in a text that is shown as text (titles, meta fields, tags, alt text):
    /// WordPress and the pages render some of these as HTML, so a `<` that starts a tag,
    /// comment or instruction is an error naming it, never stored.
    pub(crate) fn plain(&mut self, field: &str, value: &str) {
        if let Some(tag) = markup_in(value) {
            self.fail(field, format!("must be plain text: remove the {tag}"));
        }
    }

    /// [`Check::plain`] for each entry of a list.
    pub(crate) fn plain_all(&mut self, field: &str, values: &[String]) {
        if let Some(tag) = values.iter().find_map(|v| markup_in(v)) {
            self.fail(field, format!("must be plain text: remove the {tag}"));
        }
    }

    /// An integer inside `min..=max`.
    pub(crate) fn range(&mut self, field: &str, value: i64, min: i64, max: i64) {
        if value < min || value > max {
            self.fail(field, format!("must be between {min} and {max}"));
        }
    }

    /// An optional http(s) URL.
    pub(crate) fn url(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        let lower = value.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        match rest {
            Some(host)
                if !host.is_empty()
                    && !host.starts_with('/')
                    && !value.contains(char::is_whitespace) =>
            {
                if value.len() > 2048 {
                    self.fail(field, "must be at most 2048 characters");
                }
                Some(value.trim_end_matches('/').to_owned())
            }
            _ => {
                self.fail(field, "must be an http:// or https:// URL");
                None
            }
        }
    }

    /// Ends the check: an error naming every bad field, or `Ok`.
    pub(crate) fn finish(self) -> Result<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::fields(self.errors))
        }
    }
}

/// Trims and collapses every run of whitespace into one space.
pub fn collapse_whitespace(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for word in value.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether `c`, right after a `<`, makes it the start of markup: a tag (`<a`), an end tag
/// (`</`), a comment or declaration (`<!`) or a processing instruction (`<?`) — the cases
/// where an HTML parser leaves the text state.
fn starts_markup(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?')
}

/// The first markup in `text`, described for an error message (`<img> tag`, `</b> tag`,
/// `<!…> markup`), or `None` when the text is plain: a `<` followed by a space, a digit or
/// `=` (`5 < 6`, `<3`, `<=`) is text.
pub fn markup_in(text: &str) -> Option<String> {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '<' {
            continue;
        }
        let Some(&next) = chars.peek() else { break };
        if !starts_markup(next) {
            continue;
        }
        let name: String = chars
            .clone()
            .skip(usize::from(next == '/'))
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(20)
            .collect::<String>()
            .to_ascii_lowercase();
        return Some(match next {
            '!' | '?' => format!("<{next}…> markup"),
            '/' => format!("</{name}> tag"),
            _ => format!("<{name}> tag"),
        });
    }
    None
}

/// `text` with every tag, comment and instruction removed (from its `<` through the next `>`;
/// without a `>`, just the `<`), so that the result holds no markup at all — not even where a
/// removal brings a `<` next to a letter. Nothing is decoded: `&lt;` stays as written. For
/// text from a model, which is cleaned rather than refused.
pub fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The byte index of the next `>` at or after the current one (`usize::MAX`: none left).
    let mut next_gt: Option<usize> = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if !(starts_markup(c) && out.ends_with('<')) {
            out.push(c);
            continue;
        }
        let gt = match next_gt {
            Some(g) if g >= i => g,
            _ => {
                let g = text[i..].find('>').map_or(usize::MAX, |p| i + p);
                next_gt = Some(g);
                g
            }
        };
        if gt == usize::MAX {
            // No `>` follows: the `<`s go, the text stays.
            while out.ends_with('<') {
                out.pop();
            }
            out.push(c);
        } else {
            out.pop();
            for (j, _) in chars.by_ref() {
                if j == gt {
                    break;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_found_and_named() {
        assert_eq!(markup_in("Fish & chips: 5 < 6, <3, a <= b"), None);
        assert_eq!(
            markup_in("x <img src=x onerror=alert(1)>").as_deref(),
            Some("<img> tag")
        );
        assert_eq!(markup_in("a </B> b").as_deref(), Some("</b> tag"));
        assert_eq!(markup_in("<!-- c -->").as_deref(), Some("<!…> markup"));
        assert_eq!(markup_in("<?php").as_deref(), Some("<?…> markup"));
        assert_eq!(markup_in("<script"), Some("<script> tag".into()));
    }

    #[test]
    fn stripping_leaves_no_markup() {
        assert_eq!(strip_markup("a <b>bold</b> move"), "a bold move");
        assert_eq!(strip_markup("5 < 6 > 4"), "5 < 6 > 4");
        assert_eq!(strip_markup("<img src=x onerror=alert(1)>Title"), "Title");
        assert_eq!(strip_markup("&lt;img&gt;"), "&lt;img&gt;");
        assert_eq!(strip_markup("<<x>b"), "b");
        assert_eq!(strip_markup("<<x>>b"), "<>b");
        assert_eq!(strip_markup("a <b c"), "a b c");
        assert_eq!(strip_markup("<<<a"), "a");
        assert_eq!(strip_markup("<<x>script>alert(1)"), "alert(1)");
        for nasty in ["<", "<<", "<<a<b>>", "<a<<b>c>", "<<<x>>x>", "é<é<!é>é"] {
            let out = strip_markup(nasty);
            assert_eq!(markup_in(&out), None, "{nasty:?} → {out:?}");
        }
    }
}
