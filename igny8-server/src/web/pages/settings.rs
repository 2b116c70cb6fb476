//! The settings page (`/settings`): the account's AI providers (keys masked, never shown
//! again, with whether writing and images can run now) and the account's defaults for new
//! work (typed settings; admins change them, everyone else reads them). The API's twins are `system/integrations/…` and
//! `system/settings/`; the forms go through the same core calls, and a form with one bad value
//! changes nothing ([`igny8_core::system::System::set_settings`]).

use askama::Template;
use igny8_core::system::{
    Integration, IntegrationConfig, IntegrationInput, IntegrationProvider, SETTINGS, Setting,
    SettingDef, SettingLevel, SettingType,
};
use igny8_core::tenancy::{Permission, Scope};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};
use serde_json::Value;

use crate::state::AppState;
use crate::web::forms::{Fields, FormErrors};
use crate::web::render::{Chrome, WebError, plain, redirect, sentence, with_status};
use crate::web::session::WebUser;
use crate::web::table::{Choice, label, number};

const PATH: &str = "/settings";

/// Settings the page doesn't offer: the user-level ones (`ui.*`), which the web app doesn't
/// read yet — lists take their page size from the address.
const NOT_SHOWN: &[&str] = &["ui.page_size", "ui.theme"];

/// How one setting is entered.
enum Input {
    Text { value: String, max: usize },
    Number { value: String, min: i64, max: i64 },
    Select { choices: Vec<Choice> },
    Check { checked: bool },
}

/// One setting's field.
struct SettingField {
    key: &'static str,
    name: String,
    hint: String,
    input: Input,
    /// Shown as text to people who can't change it.
    shown: String,
}

impl SettingField {
    fn is_text(&self) -> bool {
        matches!(self.input, Input::Text { .. })
    }
    fn is_number(&self) -> bool {
        matches!(self.input, Input::Number { .. })
    }
    fn is_check(&self) -> bool {
        matches!(self.input, Input::Check { .. })
    }
    fn value(&self) -> &str {
        match &self.input {
            Input::Text { value, .. } | Input::Number { value, .. } => value,
            _ => "",
        }
    }
    fn checked(&self) -> bool {
        matches!(self.input, Input::Check { checked: true })
    }
    fn choices(&self) -> &[Choice] {
        match &self.input {
            Input::Select { choices } => choices,
            _ => &[],
        }
    }
    fn limits(&self) -> String {
        match &self.input {
            Input::Number { min, max, .. } => format!("min=\"{min}\" max=\"{max}\""),
            Input::Text { max, .. } => format!("maxlength=\"{max}\""),
            _ => String::new(),
        }
    }
}

/// A part of a settings form ("Articles", "Images"…).
struct Group {
    name: &'static str,
    fields: Vec<SettingField>,
}

/// A setting's choice for people: names keep their capitals ("OpenAI", "FAQ").
fn choice_label(value: &str) -> String {
    match value {
        "openai" => "OpenAI".to_owned(),
        "runware" => "Runware".to_owned(),
        "faq" => "FAQ".to_owned(),
        other => label(other),
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Author profiles as choices for `content.author_profile_id`.
type Authors = Vec<(i64, String)>;

/// The fields of `settings`, with what was typed (`typed`) in place of the stored values
/// when a form comes back.
fn groups(settings: &[Setting], typed: Option<&Fields>, authors: &Authors) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for s in settings {
        if NOT_SHOWN.contains(&s.key.as_str()) {
            continue;
        }
        let Some(def) = SETTINGS.iter().find(|d| d.key == s.key) else {
            continue;
        };
        let (group, name) = (def.group, def.label.to_owned());
        let field = field(def, s, name, typed, authors);
        match out.iter_mut().find(|g| g.name == group) {
            Some(g) => g.fields.push(field),
            None => out.push(Group {
                name: group,
                fields: vec![field],
            }),
        }
    }
    out
}

fn field(
    def: &'static SettingDef,
    s: &Setting,
    name: String,
    typed: Option<&Fields>,
    authors: &Authors,
) -> SettingField {
    let stored = text_of(&s.value);
    let default = text_of(&(def.default)());
    let value = match typed {
        Some(f) if def.kind == SettingType::Bool => {
            if f.has(def.key) {
                "true".to_owned()
            } else {
                "false".to_owned()
            }
        }
        Some(f) => f.get(def.key).to_owned(),
        None => stored.clone(),
    };
    let (input, shown, default_shown) = if def.key == "content.author_profile_id" {
        let mut choices = vec![Choice::new("0", "None", Some(value.as_str()))];
        choices.extend(
            authors
                .iter()
                .map(|(id, n)| Choice::new(id.to_string(), n.clone(), Some(value.as_str()))),
        );
        let shown = authors
            .iter()
            .find(|(id, _)| id.to_string() == stored)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| "None".to_owned());
        (Input::Select { choices }, shown, "none".to_owned())
    } else {
        match def.kind {
            SettingType::Bool => (
                Input::Check {
                    checked: value == "true",
                },
                if stored == "true" { "Yes" } else { "No" }.to_owned(),
                if default == "true" { "yes" } else { "no" }.to_owned(),
            ),
            SettingType::Int { min, max } => (
                Input::Number { value, min, max },
                stored.parse().map(number).unwrap_or(stored.clone()),
                default.parse().map(number).unwrap_or(default.clone()),
            ),
            SettingType::Text { max } => {
                (Input::Text { value, max }, stored.clone(), default.clone())
            }
            SettingType::Size => (
                Input::Text { value, max: 11 },
                stored.clone(),
                default.clone(),
            ),
            SettingType::Choice(options) => (
                Input::Select {
                    choices: options
                        .iter()
                        .map(|o| Choice::new(*o, choice_label(o), Some(value.as_str())))
                        .collect(),
                },
                choice_label(&stored),
                choice_label(&default),
            ),
        }
    };
    let mut hint = def.description.to_owned();
    if !matches!(def.kind, SettingType::Bool) {
        hint.push_str(&format!(" Default: {default_shown}."));
    }
    if matches!(
        def.kind,
        SettingType::Int { .. } | SettingType::Text { .. } | SettingType::Size
    ) && def.key != "content.author_profile_id"
    {
        hint.push_str(" Leave it empty for the default.");
    }
    SettingField {
        key: def.key,
        name,
        hint,
        input,
        shown,
    }
}

/// A provider as the page shows it.
struct ProviderCard {
    provider: &'static str,
    title: &'static str,
    what: &'static str,
    key_help: &'static str,
    integration: Option<Integration>,
    /// Typed values when the form comes back.
    model: String,
    base_url: String,
    errors: FormErrors,
    /// The verdict of "Test key", right after it was pressed.
    tested: Option<igny8_core::ai::ProviderCheck>,
}

impl ProviderCard {
    fn connected(&self) -> bool {
        self.integration.as_ref().is_some_and(|i| i.has_secret)
    }
    fn active(&self) -> bool {
        self.integration.as_ref().is_none_or(|i| i.is_active)
    }
    fn hint(&self) -> &str {
        self.integration
            .as_ref()
            .and_then(|i| i.secret_hint.as_deref())
            .unwrap_or("stored")
    }
    fn open(&self) -> bool {
        self.errors.any()
    }
}

const PROVIDERS: &[(IntegrationProvider, &str, &str, &str)] = &[
    (
        IntegrationProvider::OpenAi,
        "Text: OpenAI or compatible",
        "Writes clusters, ideas, articles and image prompts. Any OpenAI-compatible service works: OpenAI, OpenRouter, or your own Ollama or vLLM at a base URL of your own.",
        "Create one at platform.openai.com › API keys (or your provider's equivalent).",
    ),
    (
        IntegrationProvider::OpenAiImages,
        "Images: OpenAI",
        "Draws the articles' images with OpenAI's image models.",
        "The same kind of key as for text; it may be the same key.",
    ),
    (
        IntegrationProvider::Runware,
        "Images: Runware",
        "Draws the articles' images with Runware's models.",
        "Create one at runware.ai › API keys.",
    ),
];

/// Whether the account's AI can run now, in words.
struct Readiness {
    text: Result<(), String>,
    images: Result<(), String>,
}

#[derive(Template)]
#[template(path = "settings/index.html")]
struct SettingsPage {
    chrome: Chrome,
    can_manage: bool,
    providers: Vec<ProviderCard>,
    ready: Readiness,
    defaults: Vec<Group>,
    defaults_errors: FormErrors,
}

/// What a form sent back brings to the page.
#[derive(Default)]
struct Sent {
    status: Option<StatusCode>,
    provider: Option<(IntegrationProvider, Fields, FormErrors)>,
    defaults: Option<(Fields, FormErrors)>,
    tested: Option<igny8_core::ai::ProviderCheck>,
}

fn may_manage(scope: &Scope) -> bool {
    scope.require_account_wide(Permission::Manage).is_ok()
}

async fn authors(state: &AppState, scope: &Scope) -> Result<Authors, WebError> {
    let all = igny8_core::list::PageRequest {
        with_total: false,
        ..igny8_core::list::PageRequest::new(1, igny8_core::list::MAX_PAGE_SIZE)
    };
    Ok(state
        .core
        .thinker()
        .authors(scope, &all)
        .await?
        .items
        .into_iter()
        .map(|a| (a.id.get(), a.name))
        .collect())
}

/// Why a provider can't be used, in words (`Ok` when it can).
fn usable<T>(result: igny8_core::Result<T>) -> Result<Result<(), String>, WebError> {
    match result {
        Ok(_) => Ok(Ok(())),
        Err(e) if e.code() == igny8_core::ErrorCode::NotConfigured => Ok(Err(sentence(&plain(&e)))),
        Err(e) if e.code() == igny8_core::ErrorCode::Validation => Ok(Err(sentence(&plain(&e)))),
        Err(e) => Err(e.into()),
    }
}

async fn render(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    sent: Sent,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let chrome = Chrome::new(req, "Settings", "settings");
    let account_wide = scope.site().is_none();
    let can_manage = may_manage(&scope);
    let integrations = if account_wide {
        state.core.system().integrations(&scope).await?
    } else {
        Vec::new()
    };
    let providers = PROVIDERS
        .iter()
        .filter(|_| account_wide)
        .map(|(provider, title, what, key_help)| {
            let integration = integrations
                .iter()
                .find(|i| i.provider == *provider)
                .cloned();
            let (model, base_url, errors) = match &sent.provider {
                Some((p, fields, errors)) if p == provider => (
                    fields.get("model").to_owned(),
                    fields.get("base_url").to_owned(),
                    errors.clone(),
                ),
                _ => (
                    integration
                        .as_ref()
                        .and_then(|i| i.config.model.clone())
                        .unwrap_or_default(),
                    integration
                        .as_ref()
                        .and_then(|i| i.config.base_url.clone())
                        .unwrap_or_default(),
                    FormErrors::none(),
                ),
            };
            ProviderCard {
                provider: provider.as_str(),
                title,
                what,
                key_help,
                integration,
                model,
                base_url,
                errors,
                tested: sent.tested.clone().filter(|t| t.provider == *provider),
            }
        })
        .collect();
    let ready = Readiness {
        text: usable(state.core.text_provider(&scope).await)?,
        images: usable(state.core.image_provider(&scope).await)?,
    };
    let authors = if account_wide {
        authors(state, &scope).await?
    } else {
        Vec::new()
    };
    let account = if account_wide {
        state
            .core
            .system()
            .settings(&scope, SettingLevel::Account)
            .await?
    } else {
        Vec::new()
    };
    let (defaults_typed, defaults_errors) = match sent.defaults {
        Some((f, e)) => (Some(f), e),
        None => (None, FormErrors::none()),
    };
    let page = SettingsPage {
        chrome,
        can_manage,
        providers,
        ready,
        defaults: groups(&account, defaults_typed.as_ref(), &authors),
        defaults_errors,
    };
    with_status(sent.status.unwrap_or(StatusCode::OK), &page)
}

/// `GET /settings`.
#[handler]
pub(crate) async fn settings_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    render(req, &state, &user, Sent::default()).await
}

/// The changes a settings form makes to the settings of `level`: every shown setting, `None`
/// (back to the default) when left empty; only those that differ from what is stored.
fn changes(fields: &Fields, current: &[Setting]) -> Vec<(&'static str, Option<Value>)> {
    let mut out = Vec::new();
    for s in current {
        let Some(def) = SETTINGS.iter().find(|d| d.key == s.key) else {
            continue;
        };
        if NOT_SHOWN.contains(&def.key) {
            continue;
        }
        let typed = fields.get(def.key).trim();
        let value = match def.kind {
            SettingType::Bool => Some(Value::Bool(fields.has(def.key))),
            _ if typed.is_empty() => None,
            SettingType::Int { .. } => Some(
                typed
                    .replace([',', ' '], "")
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::from(typed)),
            ),
            _ => Some(Value::from(typed)),
        };
        let unchanged = match &value {
            None => !s.is_set,
            Some(v) => s.is_set && *v == s.value,
        };
        if !unchanged {
            out.push((def.key, value));
        }
    }
    out
}

/// `POST /settings/defaults`: the account's defaults (the API's `POST system/settings/`, once
/// per changed setting, all or nothing).
#[handler]
pub(crate) async fn save_defaults(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let current = state
        .core
        .system()
        .settings(&scope, SettingLevel::Account)
        .await?;
    let changes = changes(&fields, &current);
    match state
        .core
        .system()
        .set_settings(&scope, SettingLevel::Account, &changes)
        .await
    {
        Ok(_) => Ok(redirect(req, &format!("{PATH}?done=defaults-saved"))),
        Err(e) => {
            let (status, mut errors) = FormErrors::from_error(e)?;
            if errors.any_field() {
                errors.summary =
                    Some("Nothing was saved. Please correct the settings marked below.".into());
            }
            let sent = Sent {
                status: Some(status),
                defaults: Some((fields, errors)),
                ..Sent::default()
            };
            render(req, &state, &user, sent).await
        }
    }
}

fn provider_of(name: &str) -> Result<IntegrationProvider, WebError> {
    name.parse().map_err(|_| {
        WebError::new(
            StatusCode::NOT_FOUND,
            "There is no such provider. Go back to Settings and choose one there.",
        )
    })
}

/// `POST /settings/providers/:provider`: connects a provider or changes its connection (the
/// API's `POST system/integrations/`). An empty key field keeps the stored key; the fields the
/// form doesn't show (temperature, largest answer) keep their stored values.
#[handler]
pub(crate) async fn save_provider(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(name): Path<String>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let provider = provider_of(&name)?;
    let stored = state
        .core
        .system()
        .integrations(&scope)
        .await?
        .into_iter()
        .find(|i| i.provider == provider);
    let blank = |v: &str| {
        let v = v.trim();
        (!v.is_empty()).then(|| v.to_owned())
    };
    let config = IntegrationConfig {
        base_url: blank(fields.get("base_url")),
        model: blank(fields.get("model")),
        ..stored.map(|i| i.config).unwrap_or_default()
    };
    let key = fields.get("api_key").trim();
    let input = IntegrationInput {
        config: Some(config),
        api_key: (!key.is_empty()).then(|| key.to_owned()),
        is_active: Some(fields.has("is_active")),
    };
    match state
        .core
        .system()
        .set_integration(&scope, provider, input)
        .await
    {
        Ok(_) => Ok(redirect(
            req,
            &format!("{PATH}?done=provider-saved#provider-{}", provider.as_str()),
        )),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            let errors = renamed(errors);
            let sent = Sent {
                status: Some(status),
                provider: Some((provider, fields, errors)),
                ..Sent::default()
            };
            render(req, &state, &user, sent).await
        }
    }
}

/// `POST /settings/providers/:provider/test`: "Test key" — one call to the provider that costs
/// nothing, with the key the account's AI calls would use; the page comes back with the
/// verdict on the provider's card (the API's `POST system/integrations/{provider}/test/`).
#[handler]
pub(crate) async fn test_provider(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let provider = provider_of(&name)?;
    let check = state.core.check_provider(&scope, provider).await?;
    let sent = Sent {
        tested: Some(check),
        ..Sent::default()
    };
    render(req, &state, &user, sent).await
}

/// The core names the integration's fields `config.base_url`…; the form's are `base_url`.
fn renamed(errors: FormErrors) -> FormErrors {
    let mut out = FormErrors::none();
    out.summary = errors.summary.clone();
    for (field, messages) in errors.fields() {
        let field = field.strip_prefix("config.").unwrap_or(field);
        for m in messages {
            out = out.with_field(field, m.clone());
        }
    }
    out.shown_in(&["api_key", "base_url", "model"])
}

/// `POST /settings/providers/:provider/disconnect`: removes the provider's integration and
/// its key (the API's `DELETE system/integrations/{provider}/`).
#[handler]
pub(crate) async fn disconnect_provider(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let provider = provider_of(&name)?;
    state
        .core
        .system()
        .remove_integration(&scope, provider)
        .await?;
    Ok(redirect(req, &format!("{PATH}?done=provider-removed")))
}
