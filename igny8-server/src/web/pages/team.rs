//! The team: the account's people and their roles (`/team`), and its API keys (`/team/keys`:
//! made with a role, an optional site and expiry; the secret shown once, with a copy button;
//! revoked at once). The API's twins are `auth/users/…` and `auth/api-keys/…`; who may do what
//! (nobody grants a role above their own, the last owner stays) is the core's.

use askama::Template;
use chrono::{NaiveDate, NaiveTime};
use igny8_core::tenancy::{ApiKey, NewApiKey, NewUser, Permission, Role, Scope, User, UserPatch};
use igny8_core::{ApiKeyId, SiteId, UserId};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Request, Response, handler};

use crate::state::AppState;
use crate::web::forms::{Fields, FormErrors};
use crate::web::render::{Chrome, WebError, redirect, with_status};
use crate::web::session::WebUser;
use crate::web::table::{Bulk, Cell, Choice, Column, ListState, Row, Table, label};

use super::common::{Places, on_ticked};
use super::jobs::when;

const PEOPLE: &str = "/team";
const KEYS: &str = "/team/keys";

const PEOPLE_COLUMNS: &[Column] = &[
    Column::new("Name"),
    Column::new("Email").minor(),
    Column::new("Role"),
    Column::new("Active"),
    Column::new("Last sign-in").minor(),
];

const KEY_COLUMNS: &[Column] = &[
    Column::new("Name"),
    Column::new("Starts with").minor(),
    Column::new("Role"),
    Column::new("Site").minor(),
    Column::new("State"),
    Column::new("Last used").minor(),
];

/// The roles, highest first, as choices (`current` chosen).
fn roles(current: Option<&str>) -> Vec<Choice> {
    [Role::Owner, Role::Admin, Role::Editor, Role::Viewer]
        .iter()
        .map(|r| Choice::new(r.as_str(), label(r.as_str()), current))
        .collect()
}

/// What each role may do, in a sentence.
const ROLES_HELP: &str = "Owner: everything, billing included. Admin: everything but billing — sites, people, keys, providers. Editor: keywords, clusters, ideas, articles and the AI functions. Viewer: reads only.";

fn may_manage(scope: &Scope) -> bool {
    scope.require_account_wide(Permission::Manage).is_ok()
}

fn person_row(u: &User, me: UserId, manage: bool) -> Row {
    let name = if u.name.trim().is_empty() {
        u.email.clone()
    } else {
        u.name.clone()
    };
    let name = if u.id == me {
        format!("{name} (you)")
    } else {
        name
    };
    Row {
        id: u.id.get(),
        dom_id: format!("user-{}", u.id.get()),
        label: u.email.clone(),
        cells: vec![
            Cell::text(name),
            Cell::text(u.email.clone()).minor(),
            Cell::badge(u.role.as_str()),
            Cell::text(if u.is_active {
                "Yes"
            } else {
                "No: can't sign in"
            }),
            Cell::text(u.last_login_at.map(when).unwrap_or_else(|| "Never".into())).minor(),
        ],
        select_form: manage.then(|| "people-bulk".to_owned()),
        edit: None,
        inline: false,
    }
}

/// The form adding a person, as typed.
#[derive(Default)]
struct PersonForm {
    email: String,
    name: String,
    role: String,
}

#[derive(Template)]
#[template(path = "team/people.html")]
struct PeoplePage {
    chrome: Chrome,
    can_manage: bool,
    problem: Option<String>,
    table: Table,
    form: PersonForm,
    roles: Vec<Choice>,
    roles_help: &'static str,
    errors: FormErrors,
}

/// What a form sent back brings to the people page.
#[derive(Default)]
struct PeopleSent {
    status: Option<StatusCode>,
    problem: Option<String>,
    form: Option<(PersonForm, FormErrors)>,
}

async fn people(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    list: &ListState,
    sent: PeopleSent,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let manage = may_manage(&scope);
    let found = state
        .core
        .tenancy()
        .users(&scope, &list.page_request())
        .await?;
    let mut table = Table::new("people", PEOPLE, "People", PEOPLE_COLUMNS, list, "");
    table.fill(list, &found, ("person", "people"), |u| {
        person_row(u, user.user.id, manage)
    });
    if manage {
        table.bulk_path = "/team/bulk-update";
        table.bulk = vec![
            Bulk::new("/team/bulk-update", "role", "Set").choice(
                "role",
                "as their role",
                roles(Some("editor")),
            ),
            Bulk::new("/team/bulk-update", "deactivate", "Deactivate"),
            Bulk::new("/team/bulk-update", "activate", "Activate"),
            Bulk::new("/team/bulk-delete", "delete", "Remove").confirm(
                "Remove the selected people from the account? API keys they made stop working.",
            ),
        ];
    }
    let (form, errors) = sent
        .form
        .unwrap_or_else(|| (PersonForm::default(), FormErrors::none()));
    let role = if form.role.is_empty() {
        "editor".to_owned()
    } else {
        form.role.clone()
    };
    let page = PeoplePage {
        chrome: Chrome::new(req, "Team", "team"),
        can_manage: manage,
        problem: sent.problem,
        table,
        roles: roles(Some(&role)),
        form,
        roles_help: ROLES_HELP,
        errors,
    };
    with_status(sent.status.unwrap_or(StatusCode::OK), &page)
}

/// `GET /team`.
#[handler]
pub(crate) async fn people_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let list = ListState::from_query(PEOPLE, req.uri().query());
    people(req, &state, &user, &list, PeopleSent::default()).await
}

/// `POST /team`: adds a person with a first password they change on their account page (the
/// API's `POST auth/users/`).
#[handler]
pub(crate) async fn add_person(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let form = PersonForm {
        email: fields.get("email").trim().to_owned(),
        name: fields.get("name").trim().to_owned(),
        role: fields.get("role").to_owned(),
    };
    let role = match form.role.parse::<Role>() {
        Ok(r) => Some(r),
        Err(_) if form.role.is_empty() => None,
        Err(_) => {
            let errors = FormErrors::summary("Please correct the fields marked below.")
                .with_field("role", "must be one of the roles listed");
            return people(
                req,
                &state,
                &user,
                &ListState::from_query(PEOPLE, None),
                PeopleSent {
                    status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                    form: Some((form, errors)),
                    ..PeopleSent::default()
                },
            )
            .await;
        }
    };
    let new = NewUser {
        email: form.email.clone(),
        password: fields.get("password").to_owned(),
        name: (!form.name.is_empty()).then(|| form.name.clone()),
        role,
    };
    match state.core.tenancy().create_user(&scope, new).await {
        Ok(_) => Ok(redirect(req, &format!("{PEOPLE}?done=person-added"))),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            people(
                req,
                &state,
                &user,
                &ListState::from_query(PEOPLE, None),
                PeopleSent {
                    status: Some(status),
                    form: Some((
                        form,
                        errors.shown_in(&["email", "name", "role", "password"]),
                    )),
                    ..PeopleSent::default()
                },
            )
            .await
        }
    }
}

/// `POST /team/bulk-update`: a new role, deactivation or activation for the selected people
/// (the API's `auth/users/bulk_update/`).
#[handler]
pub(crate) async fn bulk_update(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let patch = match fields.get("action") {
        "role" => match fields.get("role").parse::<Role>() {
            Ok(role) => UserPatch {
                role: Some(role),
                ..UserPatch::default()
            },
            Err(_) => {
                return Err(WebError::new(
                    StatusCode::BAD_REQUEST,
                    "Choose the role beside the Set button.",
                ));
            }
        },
        "deactivate" => UserPatch {
            is_active: Some(false),
            ..UserPatch::default()
        },
        "activate" => UserPatch {
            is_active: Some(true),
            ..UserPatch::default()
        },
        _ => {
            return Err(WebError::new(
                StatusCode::BAD_REQUEST,
                "Choose what to do with the selected people, with one of the buttons above the list.",
            ));
        }
    };
    on_ticked(
        req,
        &fields,
        PEOPLE,
        UserId,
        "people-changed",
        async |ids| {
            state
                .core
                .tenancy()
                .bulk_update_users(&scope, &ids, patch)
                .await
        },
        async |list, (status, problem)| {
            let sent = PeopleSent {
                status: Some(status),
                problem: Some(problem),
                ..PeopleSent::default()
            };
            people(req, &state, &user, &list, sent).await
        },
    )
    .await
}

/// `POST /team/bulk-delete`: removes the selected people (the API's `auth/users/bulk_delete/`).
#[handler]
pub(crate) async fn bulk_delete(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    on_ticked(
        req,
        &fields,
        PEOPLE,
        UserId,
        "people-removed",
        async |ids| state.core.tenancy().bulk_delete_users(&scope, &ids).await,
        async |list, (status, problem)| {
            let sent = PeopleSent {
                status: Some(status),
                problem: Some(problem),
                ..PeopleSent::default()
            };
            people(req, &state, &user, &list, sent).await
        },
    )
    .await
}

/// The form making a key, as typed.
#[derive(Default)]
struct KeyForm {
    name: String,
    role: String,
    site: String,
    expires: String,
}

/// A key just made: its secret, shown on this page only.
struct Made {
    name: String,
    secret: String,
}

#[derive(Template)]
#[template(path = "team/keys.html")]
struct KeysPage {
    chrome: Chrome,
    made: Option<Made>,
    problem: Option<String>,
    table: Table,
    form: KeyForm,
    roles: Vec<Choice>,
    sites: Vec<Choice>,
    roles_help: &'static str,
    errors: FormErrors,
}

#[derive(Default)]
struct KeysSent {
    status: Option<StatusCode>,
    made: Option<Made>,
    problem: Option<String>,
    form: Option<(KeyForm, FormErrors)>,
}

fn key_row(k: &ApiKey, places: &Places, now: chrono::DateTime<chrono::Utc>) -> Row {
    let state = match (k.revoked_at, k.expires_at) {
        (Some(t), _) => Cell::text(format!("Revoked {}", when(t))),
        (None, Some(t)) if t <= now => Cell::text(format!("Expired {}", when(t))),
        (None, Some(t)) => Cell::text(format!("Works until {}", when(t))),
        (None, None) => Cell::text("Works"),
    };
    Row {
        id: k.id.get(),
        dom_id: format!("key-{}", k.id.get()),
        label: k.name.clone(),
        cells: vec![
            Cell::text(k.name.clone()),
            Cell::text(format!("{}…", k.prefix)).minor(),
            Cell::badge(k.role.as_str()),
            Cell::text(match k.site_id {
                Some(site) => places.site_name(site).to_owned(),
                None => "All sites".to_owned(),
            })
            .minor(),
            state,
            Cell::text(k.last_used_at.map(when).unwrap_or_else(|| "Never".into())).minor(),
        ],
        select_form: k.revoked_at.is_none().then(|| "keys-bulk".to_owned()),
        edit: None,
        inline: false,
    }
}

async fn keys(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    list: &ListState,
    sent: KeysSent,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let found = match state
        .core
        .auth()
        .api_keys(&scope, &list.page_request())
        .await
    {
        Ok(found) => found,
        Err(e) if e.code() == igny8_core::ErrorCode::Forbidden => {
            return Err(WebError::new(
                StatusCode::FORBIDDEN,
                "Only the account's admins and owners see its API keys. Ask one of them for a key.",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let places = Places::load(state, &scope).await?;
    let now = state.core.now();
    let mut table = Table::new("keys", KEYS, "API keys", KEY_COLUMNS, list, "");
    table.fill(list, &found, ("key", "keys"), |k| key_row(k, &places, now));
    table.bulk_path = "/team/keys/revoke";
    table.bulk = vec![
        Bulk::new("/team/keys/revoke", "revoke", "Revoke")
            .confirm("Revoke the selected keys? Programs using them are refused from now on."),
    ];
    table.empty = "No API keys yet. Make one below for a program that uses the API, such as the WordPress plugin in remote mode.".to_owned();
    let (form, errors) = sent
        .form
        .unwrap_or_else(|| (KeyForm::default(), FormErrors::none()));
    let role = if form.role.is_empty() {
        "editor"
    } else {
        form.role.as_str()
    };
    let page = KeysPage {
        chrome: Chrome::new(req, "API keys", "team"),
        made: sent.made,
        problem: sent.problem,
        table,
        roles: roles(Some(role)),
        sites: places.site_choices("All sites", Some(form.site.as_str())),
        form,
        roles_help: ROLES_HELP,
        errors,
    };
    with_status(sent.status.unwrap_or(StatusCode::OK), &page)
}

/// `GET /team/keys` (admins and owners).
#[handler]
pub(crate) async fn keys_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let list = ListState::from_query(KEYS, req.uri().query());
    keys(req, &state, &user, &list, KeysSent::default()).await
}

/// `POST /team/keys`: makes a key and shows its secret on the answer, once (the API's
/// `POST auth/api-keys/`). An expiry date means the key stops working at 00:00 UTC that day.
#[handler]
pub(crate) async fn make_key(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let form = KeyForm {
        name: fields.get("name").trim().to_owned(),
        role: fields.get("role").to_owned(),
        site: fields.get("site_id").to_owned(),
        expires: fields.get("expires").trim().to_owned(),
    };
    let mut errors = FormErrors::none();
    let role = form.role.parse::<Role>().ok();
    if role.is_none() && !form.role.is_empty() {
        errors = errors.with_field("role", "must be one of the roles listed");
    }
    let site = match form.site.parse::<i64>() {
        Ok(id) => Some(SiteId(id)),
        Err(_) if form.site.is_empty() => None,
        Err(_) => {
            errors = errors.with_field("site_id", "must be one of the account's sites");
            None
        }
    };
    let expires_at = match NaiveDate::parse_from_str(&form.expires, "%Y-%m-%d") {
        Ok(day) => Some(day.and_time(NaiveTime::MIN).and_utc()),
        Err(_) if form.expires.is_empty() => None,
        Err(_) => {
            errors = errors.with_field("expires", "must be a date, such as 2027-01-31");
            None
        }
    };
    let back = |status, errors: FormErrors, form| KeysSent {
        status: Some(status),
        form: Some((form, errors)),
        ..KeysSent::default()
    };
    if errors.any() {
        errors.summary = Some("Please correct the fields marked below.".into());
        let sent = back(StatusCode::UNPROCESSABLE_ENTITY, errors, form);
        return keys(req, &state, &user, &ListState::from_query(KEYS, None), sent).await;
    }
    let input = NewApiKey {
        name: form.name.clone(),
        role,
        site_id: site,
        expires_at,
    };
    match state.core.auth().create_api_key(&scope, input).await {
        Ok(made) => {
            let sent = KeysSent {
                status: Some(StatusCode::CREATED),
                made: Some(Made {
                    name: made.key.name,
                    secret: made.secret,
                }),
                ..KeysSent::default()
            };
            keys(req, &state, &user, &ListState::from_query(KEYS, None), sent).await
        }
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            let errors = renamed(errors).shown_in(&["name", "role", "site_id", "expires"]);
            let sent = back(status, errors, form);
            keys(req, &state, &user, &ListState::from_query(KEYS, None), sent).await
        }
    }
}

/// The core calls the expiry `expires_at`; the form's field is `expires`.
fn renamed(errors: FormErrors) -> FormErrors {
    let mut out = FormErrors::none();
    out.summary = errors.summary.clone();
    for (field, messages) in errors.fields() {
        let field = if field == "expires_at" {
            "expires"
        } else {
            field
        };
        for m in messages {
            out = out.with_field(field, m.clone());
        }
    }
    out
}

/// `POST /team/keys/revoke`: revokes the selected keys (the API's `DELETE auth/api-keys/{id}/`,
/// for each, all or none); they stop working at once and stay listed.
#[handler]
pub(crate) async fn revoke_keys(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    on_ticked(
        req,
        &fields,
        KEYS,
        ApiKeyId,
        "keys-revoked",
        async |ids| state.core.auth().revoke_api_keys(&scope, &ids).await,
        async |list, (status, problem)| {
            let sent = KeysSent {
                status: Some(status),
                problem: Some(problem),
                ..KeysSent::default()
            };
            keys(req, &state, &user, &list, sent).await
        },
    )
    .await
}
