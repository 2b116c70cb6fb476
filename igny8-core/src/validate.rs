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
