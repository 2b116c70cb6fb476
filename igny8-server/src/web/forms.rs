//! The core's answer to a form, for the person who filled it in: the problems with each field
//! beside that field, anything else above the form. The rules are the core's; this only
//! places its messages.

use std::collections::BTreeMap;

use igny8_core::{Error, ErrorCode};
use poem::http::StatusCode;
use poem::{FromRequest, Request, RequestBody};

use super::render::{WebError, sentence};

/// What was wrong with a form that was sent back.
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    /// A sentence above the form.
    pub summary: Option<String>,
    fields: BTreeMap<String, Vec<String>>,
}

impl FormErrors {
    /// No errors (a form shown for the first time).
    pub fn none() -> Self {
        Self::default()
    }

    /// One problem above the form.
    pub fn summary(message: impl Into<String>) -> Self {
        Self {
            summary: Some(message.into()),
            fields: BTreeMap::new(),
        }
    }

    /// A problem with one field (`message` completes "`<label>` …", like the core's).
    pub fn with_field(mut self, field: &str, message: impl Into<String>) -> Self {
        self.fields
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
        self
    }

    /// The core's refusal of a form, with the status to send the form back with; errors that
    /// aren't about what the person entered (the server failed) become an error page.
    pub fn from_error(err: Error) -> Result<(StatusCode, Self), WebError> {
        let code = err.code();
        let status = crate::envelope::status_of(code);
        let shown_in_form = matches!(
            code,
            ErrorCode::Validation
                | ErrorCode::Unauthenticated
                | ErrorCode::RateLimited
                | ErrorCode::Conflict
                | ErrorCode::Forbidden
                | ErrorCode::LimitReached
                | ErrorCode::InsufficientCredits
                | ErrorCode::NotConfigured
        );
        if !shown_in_form {
            return Err(err.into());
        }
        let mut form = Self::default();
        for e in err.field_errors() {
            form = form.with_field(&e.field, e.message.clone());
        }
        form.summary = Some(if form.fields.is_empty() {
            sentence(&super::render::plain(&err))
        } else {
            "Please correct the fields marked below.".to_owned()
        });
        let status = if code == ErrorCode::Validation {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            status
        };
        Ok((status, form))
    }

    /// The same, with problems of fields the form doesn't have (`ids` for a form that names
    /// a sector) said above the form instead, where they are seen.
    pub fn shown_in(mut self, form_fields: &[&str]) -> Self {
        let (kept, above): (BTreeMap<_, _>, BTreeMap<_, _>) = std::mem::take(&mut self.fields)
            .into_iter()
            .partition(|(field, _)| form_fields.contains(&field.as_str()));
        if !above.is_empty() {
            let said: Vec<String> = above.values().flatten().map(|m| sentence(m)).collect();
            self.summary = Some(said.join(" "));
            if !kept.is_empty() {
                self.summary = self
                    .summary
                    .map(|s| format!("{s} Please also correct the fields marked below."));
            }
        }
        self.fields = kept;
        self
    }

    /// Whether anything is wrong.
    pub fn any(&self) -> bool {
        self.summary.is_some() || !self.fields.is_empty()
    }

    /// What is wrong with `field`, as a sentence starting with its `label`.
    pub fn field(&self, field: &str, label: &str) -> Option<String> {
        let messages = self.fields.get(field)?;
        Some(
            messages
                .iter()
                .map(|m| sentence(&format!("{label} {m}")))
                .collect::<Vec<_>>()
                .join(" "),
        )
    }

    /// Every field with a problem, with its messages.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.fields.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Whether some field has a problem.
    pub fn any_field(&self) -> bool {
        !self.fields.is_empty()
    }

    /// Whether `field` has a problem (for `aria-invalid`).
    pub fn has(&self, field: &str) -> bool {
        self.fields.contains_key(field)
    }
}

/// Sends a form to the core: what the form's own reading let through (`parsed`) goes to
/// `call`. `Ok(Ok(_))` when the core did it; `Ok(Err((status, errors)))` when the form's
/// reading or the core refused it, to show beside the fields; `Err` when the server itself
/// failed (an error page).
pub async fn submit<I, T>(
    parsed: Result<I, FormErrors>,
    call: impl AsyncFnOnce(I) -> igny8_core::Result<T>,
) -> Result<Result<T, (StatusCode, FormErrors)>, WebError> {
    match parsed {
        Ok(input) => match call(input).await {
            Ok(done) => Ok(Ok(done)),
            Err(e) => FormErrors::from_error(e).map(Err),
        },
        Err(errors) => Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, errors))),
    }
}

/// A posted form as its fields in order, repeated names kept (`ids=1&ids=2` from a list's
/// checkboxes, which poem's `Form` can't read into a struct). Only URL-encoded forms are read.
#[derive(Debug, Default, Clone)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, or `""` when the form has none.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Whether the form has `name` at all (an empty field is there; a missing one isn't).
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// Every value of `name`, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl<'a> FromRequest<'a> for Fields {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let form = req
            .content_type()
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        if !form {
            return Err(super::render::WebError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "This address takes the page's own form. Go back and use its buttons.",
            )
            .into());
        }
        let bytes = body.take()?.into_bytes().await?;
        Ok(Self(form_urlencoded::parse(&bytes).into_owned().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_problems_go_beside_their_field_and_server_failures_to_a_page() {
        let (status, form) = FormErrors::from_error(Error::field("email", "is taken")).unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            form.field("email", "Email").as_deref(),
            Some("Email is taken.")
        );
        assert!(form.has("email") && !form.has("password"));
        let (status, form) =
            FormErrors::from_error(Error::Unauthenticated("wrong email or password".into()))
                .unwrap();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(form.summary.as_deref(), Some("Wrong email or password."));
        assert!(FormErrors::from_error(Error::Config("db down".into())).is_err());
    }
}
