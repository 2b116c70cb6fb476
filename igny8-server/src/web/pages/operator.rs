//! The operator console (`/operator`), for the platform's operators (superusers): every
//! account, found by name or state, with its plan, credits and people; an account's page
//! changes its name, plan and state (suspend, reactivate, close), posts credits with a reason
//! and shows its ledger, and deletes it; plans (`/operator/plans`) are made and changed. The
//! API's twins are `operator/…`; the core decides who is an operator (an active superuser) on
//! every request, whatever the page shows.

use askama::Template;
use igny8_core::credits::{LedgerEntry, TransactionKind};
use igny8_core::jobs::{JobFilter, JobKind, JobStatus};
use igny8_core::tenancy::{
    Account, AccountFilter, AccountPatch, AccountStatus, Operator, Plan, PlanInput, PlanLimits,
};
use igny8_core::{AccountId, PlanId};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use crate::state::AppState;
use crate::web::forms::{Fields, FormErrors, submit};
use crate::web::render::{Chrome, WebError, redirect, with_status};
use crate::web::session::WebUser;
use crate::web::table::{Cell, Choice, Column, Filter, ListState, Row, Table, label, number};

use super::jobs::{Progress, ProgressCell, render_part, when};

const PATH: &str = "/operator";

/// The signed-in person as an operator, as the core sees them now; a 403 page for anyone else.
async fn operator(state: &AppState, user: &WebUser) -> Result<Operator, WebError> {
    Ok(state.core.auth().operator(user.user.id).await?)
}

/// The accounts list's filters as its address names them.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct AccountQuery {
    search: Option<String>,
    status: Option<AccountStatus>,
}

const ACCOUNT_COLUMNS: &[Column] = &[
    Column::new("Account"),
    Column::new("Plan").minor(),
    Column::new("Credits").numeric(),
    Column::new("State"),
    Column::new("Since").minor(),
];

fn plan_name(plans: &[Plan], id: PlanId) -> String {
    plans
        .iter()
        .find(|p| p.id == id)
        .map_or_else(|| format!("Plan {}", id.get()), |p| p.name.clone())
}

#[derive(Template)]
#[template(path = "operator/accounts.html")]
struct AccountsPage {
    chrome: Chrome,
    table: Table,
}

/// `GET /operator`: the accounts.
#[handler]
pub(crate) async fn accounts_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let op = operator(&state, &user).await?;
    let list = ListState::from_query(PATH, req.uri().query());
    let q = list.filters::<AccountQuery>()?;
    let filter = AccountFilter {
        search: q.search,
        status: q.status,
        ids: None,
    };
    let found = state
        .core
        .tenancy()
        .accounts(&op, &filter, &list.page_request())
        .await?;
    let plans = state.core.tenancy().plans().await?;
    let mut table = Table::new("accounts", PATH, "Accounts", ACCOUNT_COLUMNS, &list, "");
    table.fill(&list, &found, ("account", "accounts"), |a: &Account| Row {
        id: a.id.get(),
        dom_id: format!("account-{}", a.id.get()),
        label: a.name.clone(),
        cells: vec![
            Cell::link(a.name.clone(), format!("{PATH}/accounts/{}", a.id.get())),
            Cell::text(plan_name(&plans, a.plan_id)).minor(),
            Cell::number(Some(a.credits)),
            Cell::badge(a.status.as_str()),
            Cell::text(a.created_at.format("%-d %b %Y").to_string()).minor(),
        ],
        select_form: None,
        edit: None,
        inline: false,
    });
    table.filters = vec![
        Filter::search(&list, "search", "Name"),
        Filter::select(&list, "status", "State", |c| {
            Choice::any_of::<AccountStatus>("Any state", c)
        }),
    ];
    table.hidden = list.hidden(&["search", "status"]);
    table.empty = if filter == AccountFilter::default() {
        "No accounts yet.".to_owned()
    } else {
        "No account matches these filters.".to_owned()
    };
    with_status(
        StatusCode::OK,
        &AccountsPage {
            chrome: Chrome::new(req, "Accounts", "operator"),
            table,
        },
    )
}

/// The jobs list's filters as its address names them.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct JobsQuery {
    account_id: Option<i64>,
    kind: Option<JobKind>,
    status: Option<JobStatus>,
}

const JOB_COLUMNS: &[Column] = &[
    Column::new("Job"),
    Column::new("Account"),
    Column::new("Progress"),
    Column::new("Attempts").numeric().minor(),
    Column::new("Queued").minor(),
];

#[derive(Template)]
#[template(path = "operator/jobs.html")]
struct JobsPage {
    chrome: Chrome,
    table: Table,
}

/// `GET /operator/jobs`: every account's jobs, newest first, by state and kind (or one
/// account's, from its page); a failed job's row says why.
#[handler]
pub(crate) async fn jobs_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let op = operator(&state, &user).await?;
    let path = format!("{PATH}/jobs");
    let list = ListState::from_query(&path, req.uri().query());
    let q = list.filters::<JobsQuery>()?;
    let account = q.account_id.map(AccountId);
    let filter = JobFilter {
        kind: q.kind,
        status: q.status,
        ..JobFilter::default()
    };
    let jobs = state
        .core
        .jobs()
        .all(&op, account, &filter, &list.page_request())
        .await?;
    // The accounts the rows name, in one query.
    let mut ids: Vec<AccountId> = jobs.items.iter().map(|j| j.account_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names: std::collections::HashMap<AccountId, String> = if ids.is_empty() {
        Default::default()
    } else {
        let size = ids.len() as u64;
        state
            .core
            .tenancy()
            .accounts(
                &op,
                &AccountFilter {
                    ids: Some(ids),
                    ..AccountFilter::default()
                },
                &igny8_core::list::PageRequest {
                    with_total: false,
                    ..igny8_core::list::PageRequest::new(1, size)
                },
            )
            .await?
            .items
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect()
    };
    let now = state.core.now();
    let mut table = Table::new("operator-jobs", &path, "Jobs", JOB_COLUMNS, &list, "");
    table.rows = jobs
        .items
        .iter()
        .map(|j| {
            let account = names
                .get(&j.account_id)
                .cloned()
                .unwrap_or_else(|| format!("Account {}", j.account_id.get()));
            Ok(Row {
                id: j.id.get(),
                dom_id: format!("job-{}", j.id.get()),
                label: format!("{} #{}", j.kind.label(), j.id.get()),
                cells: vec![
                    Cell::text(format!("{} #{}", j.kind.label(), j.id.get())),
                    Cell::link(account, format!("{PATH}/accounts/{}", j.account_id.get())),
                    Cell::fragment(
                        render_part(&ProgressCell {
                            p: Progress::of(j, now),
                        })?,
                        None,
                    ),
                    Cell::text(format!("{} of {}", j.attempts, j.max_attempts)).minor(),
                    Cell::text(when(j.created_at)).minor(),
                ],
                select_form: None,
                edit: None,
                inline: false,
            })
        })
        .collect::<Result<_, WebError>>()?;
    table.pager = crate::web::table::Pager::of(&list, &jobs, ("job", "jobs"));
    table.filters = vec![
        Filter::select(&list, "status", "State", |c| {
            Choice::any_of::<JobStatus>("Any state", c)
        }),
        Filter::select(&list, "kind", "What", |c| {
            let mut out = vec![Choice::new("", "Every kind", c.or(Some("")))];
            out.extend(
                <JobKind as igny8_core::enums::StringEnum>::VALUES
                    .iter()
                    .map(|k| Choice::new(k.as_str(), k.label(), c)),
            );
            out
        }),
    ];
    table.hidden = list.hidden(&["status", "kind"]);
    if let Some(id) = account {
        let name = state.core.tenancy().account_by_id(&op, id).await?.name;
        table.note = Some(format!("Jobs of the account “{name}”."));
    }
    table.empty = if filter == JobFilter::default() && account.is_none() {
        "No jobs yet on this platform.".to_owned()
    } else {
        "No job matches these filters.".to_owned()
    };
    with_status(
        StatusCode::OK,
        &JobsPage {
            chrome: Chrome::new(req, "Jobs", "operator"),
            table,
        },
    )
}

const LEDGER_COLUMNS: &[Column] = &[
    Column::new("When"),
    Column::new("Entry"),
    Column::new("Why"),
    Column::new("Credits").numeric(),
    Column::new("Balance after").numeric().minor(),
];

/// The kinds of entry an operator posts (holds and releases are the AI functions' own).
const POSTED: &[TransactionKind] = &[
    TransactionKind::Grant,
    TransactionKind::Purchase,
    TransactionKind::Adjustment,
    TransactionKind::Refund,
    TransactionKind::Deduction,
];

/// The account form and the credits form, as typed.
#[derive(Default)]
struct Typed {
    name: String,
    plan: String,
    status: String,
    kind: String,
    amount: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "operator/account.html")]
struct AccountPage {
    chrome: Chrome,
    account: Account,
    plan: String,
    people: Vec<(String, String, String)>,
    typed: Typed,
    plans: Vec<Choice>,
    states: Vec<Choice>,
    kinds: Vec<Choice>,
    account_errors: FormErrors,
    credit_errors: FormErrors,
    delete_errors: FormErrors,
    table: Table,
}

/// What a form sent back brings to the account's page.
#[derive(Default)]
struct Sent {
    status: Option<StatusCode>,
    typed: Option<Typed>,
    account_errors: FormErrors,
    credit_errors: FormErrors,
    delete_errors: FormErrors,
}

async fn account_page(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    id: i64,
    sent: Sent,
) -> Result<Response, WebError> {
    let op = operator(state, user).await?;
    let account = state
        .core
        .tenancy()
        .account_by_id(&op, AccountId(id))
        .await?;
    let scope = op.scope_of(account.id);
    let plans = state.core.tenancy().plans().await?;
    let people = state
        .core
        .tenancy()
        .users(&scope, &igny8_core::list::PageRequest::new(1, 50))
        .await?
        .items
        .into_iter()
        .map(|u| {
            (
                u.email,
                label(u.role.as_str()),
                u.last_login_at.map(when).unwrap_or_else(|| "never".into()),
            )
        })
        .collect();
    let path = format!("{PATH}/accounts/{id}");
    let list = ListState::from_query(path.clone(), req.uri().query());
    let entries = state
        .core
        .credits()
        .transactions(&scope, &Default::default(), &list.page_request())
        .await?;
    let mut table = Table::new("ledger", path, "Credit ledger", LEDGER_COLUMNS, &list, "");
    table.fill(&list, &entries, ("entry", "entries"), |t| Row {
        id: t.id.get(),
        dom_id: format!("transaction-{}", t.id.get()),
        label: t.reason.clone(),
        cells: vec![
            Cell::text(when(t.created_at)),
            Cell::badge(t.kind.as_str()),
            Cell::text(t.reason.clone()),
            Cell::number(Some(t.amount)),
            Cell::number(Some(t.balance_after)).minor(),
        ],
        select_form: None,
        edit: None,
        inline: false,
    });
    table.empty = "No entries.".to_owned();
    let typed = sent.typed.unwrap_or_else(|| Typed {
        name: account.name.clone(),
        plan: account.plan_id.get().to_string(),
        status: account.status.as_str().to_owned(),
        kind: "grant".into(),
        ..Typed::default()
    });
    with_status(
        sent.status.unwrap_or(StatusCode::OK),
        &AccountPage {
            chrome: Chrome::new(req, account.name.clone(), "operator"),
            plan: plan_name(&plans, account.plan_id),
            people,
            plans: plans
                .iter()
                .map(|p| Choice::new(p.id.get().to_string(), p.name.clone(), Some(&typed.plan)))
                .collect(),
            states: [
                ("active", "Active"),
                ("suspended", "Suspended: its people only read"),
                ("cancelled", "Closed: nobody signs in"),
            ]
            .into_iter()
            .map(|(v, l)| Choice::new(v, l, Some(&typed.status)))
            .collect(),
            kinds: POSTED
                .iter()
                .map(|k| Choice::new(k.as_str(), label(k.as_str()), Some(&typed.kind)))
                .collect(),
            account,
            typed,
            account_errors: sent.account_errors,
            credit_errors: sent.credit_errors,
            delete_errors: sent.delete_errors,
            table,
        },
    )
}

/// `GET /operator/accounts/:id`.
#[handler]
pub(crate) async fn account_show(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    account_page(req, &state, &user, id, Sent::default()).await
}

fn typed_of(fields: &Fields) -> Typed {
    Typed {
        name: fields.get("name").to_owned(),
        plan: fields.get("plan_id").to_owned(),
        status: fields.get("status").to_owned(),
        kind: fields.get("kind").to_owned(),
        amount: fields.get("amount").to_owned(),
        reason: fields.get("reason").to_owned(),
    }
}

/// `POST /operator/accounts/:id`: a new name, plan or state (the API's `PATCH
/// operator/accounts/{id}/`).
#[handler]
pub(crate) async fn account_save(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let op = operator(&state, &user).await?;
    let typed = typed_of(&fields);
    let bad = |field: &str, why: &str| {
        FormErrors::summary("Please correct the fields marked below.").with_field(field, why)
    };
    let patch = match (
        typed.plan.parse::<i64>(),
        typed.status.parse::<AccountStatus>(),
    ) {
        (Ok(plan), Ok(status)) => Ok(AccountPatch {
            name: Some(typed.name.clone()),
            plan_id: Some(PlanId(plan)),
            status: Some(status),
        }),
        (Err(_), _) => Err(bad("plan_id", "must be one of the plans")),
        (_, Err(_)) => Err(bad("status", "must be one of the states")),
    };
    let tenancy = state.core.tenancy();
    let saved = submit(patch, async |patch| {
        tenancy.update_account(&op, AccountId(id), patch).await
    })
    .await?;
    match saved {
        Ok(_) => Ok(redirect(
            req,
            &format!("{PATH}/accounts/{id}?done=account-saved"),
        )),
        Err((status, errors)) => {
            let sent = Sent {
                status: Some(status),
                typed: Some(typed),
                account_errors: errors,
                ..Sent::default()
            };
            account_page(req, &state, &user, id, sent).await
        }
    }
}

/// The entry a credits form posts; a kind or amount that isn't one is said beside it.
fn ledger_entry(typed: &Typed) -> Result<LedgerEntry, FormErrors> {
    let mut errors = FormErrors::none();
    let kind = typed.kind.parse::<TransactionKind>().ok();
    if kind.is_none() {
        errors = errors.with_field("kind", "must be one of the kinds listed");
    }
    let amount = typed
        .amount
        .trim()
        .replace([',', ' '], "")
        .parse::<i64>()
        .ok();
    if amount.is_none() {
        errors = errors.with_field("amount", "must be a whole number of credits");
    }
    match (kind, amount) {
        (Some(kind), Some(amount)) => Ok(LedgerEntry {
            kind,
            amount,
            reason: typed.reason.clone(),
            reference: None,
            idempotency_key: None,
        }),
        _ => {
            errors.summary = Some("Please correct the fields marked below.".into());
            Err(errors)
        }
    }
}

/// `POST /operator/accounts/:id/credits`: posts credits with a reason (the API's `POST
/// operator/accounts/{id}/credits/`).
#[handler]
pub(crate) async fn credits(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let op = operator(&state, &user).await?;
    let account = state
        .core
        .tenancy()
        .account_by_id(&op, AccountId(id))
        .await?;
    let typed = typed_of(&fields);
    let entry = ledger_entry(&typed);
    let credits = state.core.credits();
    let scope = op.scope_of(account.id);
    let outcome = submit(entry, async |entry| credits.post(&scope, entry).await).await?;
    match outcome {
        Ok(_) => Ok(redirect(
            req,
            &format!("{PATH}/accounts/{id}?done=credits-posted"),
        )),
        Err((status, errors)) => {
            let mut typed = typed;
            typed.name = account.name.clone();
            typed.plan = account.plan_id.get().to_string();
            typed.status = account.status.as_str().to_owned();
            let sent = Sent {
                status: Some(status),
                typed: Some(typed),
                credit_errors: errors.shown_in(&["kind", "amount", "reason"]),
                ..Sent::default()
            };
            account_page(req, &state, &user, id, sent).await
        }
    }
}

/// `POST /operator/accounts/:id/delete`: deletes the account and everything in it (the
/// API's `DELETE operator/accounts/{id}/`), once its name is typed to confirm.
#[handler]
pub(crate) async fn delete(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let op = operator(&state, &user).await?;
    let account = state
        .core
        .tenancy()
        .account_by_id(&op, AccountId(id))
        .await?;
    if fields.get("confirm_name").trim() != account.name {
        let sent = Sent {
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            delete_errors: FormErrors::summary("Nothing was deleted.").with_field(
                "confirm_name",
                "must be the account's name exactly, to be sure it is the one to delete",
            ),
            ..Sent::default()
        };
        return account_page(req, &state, &user, id, sent).await;
    }
    state.core.tenancy().delete_account(&op, account.id).await?;
    Ok(redirect(req, &format!("{PATH}?done=account-deleted")))
}

/// A plan's form, as typed.
#[derive(Default)]
struct PlanForm {
    slug: String,
    name: String,
    monthly_credits: String,
    max_sites: String,
    max_sectors_per_site: String,
    max_users: String,
    max_keywords: String,
    is_default: bool,
}

fn opt_text(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

impl PlanForm {
    fn of(p: &Plan) -> Self {
        Self {
            slug: p.slug.clone(),
            name: p.name.clone(),
            monthly_credits: p.monthly_credits.to_string(),
            max_sites: opt_text(p.limits.max_sites),
            max_sectors_per_site: opt_text(p.limits.max_sectors_per_site),
            max_users: opt_text(p.limits.max_users),
            max_keywords: opt_text(p.limits.max_keywords),
            is_default: p.is_default,
        }
    }

    fn from(f: &Fields) -> Self {
        Self {
            slug: f.get("slug").to_owned(),
            name: f.get("name").to_owned(),
            monthly_credits: f.get("monthly_credits").to_owned(),
            max_sites: f.get("max_sites").to_owned(),
            max_sectors_per_site: f.get("max_sectors_per_site").to_owned(),
            max_users: f.get("max_users").to_owned(),
            max_keywords: f.get("max_keywords").to_owned(),
            is_default: f.has("is_default"),
        }
    }

    /// The core's input; a number that isn't one is said beside its field.
    fn input(&self) -> Result<PlanInput, FormErrors> {
        let mut errors = FormErrors::none();
        let mut number = |field: &str, text: &str, required: bool| -> Option<i64> {
            let t = text.trim().replace([',', ' '], "");
            if t.is_empty() && !required {
                return None;
            }
            match t.parse() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors =
                        std::mem::take(&mut errors).with_field(field, "must be a whole number");
                    None
                }
            }
        };
        let monthly = number("monthly_credits", &self.monthly_credits, true);
        let limits = PlanLimits {
            max_sites: number("limits.max_sites", &self.max_sites, false),
            max_sectors_per_site: number(
                "limits.max_sectors_per_site",
                &self.max_sectors_per_site,
                false,
            ),
            max_users: number("limits.max_users", &self.max_users, false),
            max_keywords: number("limits.max_keywords", &self.max_keywords, false),
        };
        if errors.any() {
            errors.summary = Some("Please correct the fields marked below.".into());
            return Err(errors);
        }
        Ok(PlanInput {
            slug: self.slug.clone(),
            name: self.name.clone(),
            monthly_credits: monthly.unwrap_or(0),
            limits,
            is_default: self.is_default,
        })
    }
}

const PLAN_COLUMNS: &[Column] = &[
    Column::new("Plan"),
    Column::new("Credits a month").numeric(),
    Column::new("Sites").numeric().minor(),
    Column::new("Users").numeric().minor(),
    Column::new("Keywords").numeric().minor(),
    Column::new("For new accounts"),
];

#[derive(Template)]
#[template(path = "operator/plans.html")]
struct PlansPage {
    chrome: Chrome,
    table: Table,
    form: PlanForm,
    errors: FormErrors,
}

async fn plans(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    (status, form, errors): (StatusCode, PlanForm, FormErrors),
) -> Result<Response, WebError> {
    operator(state, user).await?;
    let plans = state.core.tenancy().plans().await?;
    let list = ListState::from_query("/operator/plans", None);
    let mut table = Table::new("plans", "/operator/plans", "Plans", PLAN_COLUMNS, &list, "");
    let limit = |n: Option<i64>| Cell::text(n.map_or_else(|| "no limit".to_owned(), number));
    table.rows = plans
        .iter()
        .map(|p| Row {
            id: p.id.get(),
            dom_id: format!("plan-{}", p.id.get()),
            label: p.name.clone(),
            cells: vec![
                Cell::link(p.name.clone(), format!("/operator/plans/{}", p.id.get())),
                Cell::number(Some(p.monthly_credits)),
                limit(p.limits.max_sites).minor(),
                limit(p.limits.max_users).minor(),
                limit(p.limits.max_keywords).minor(),
                Cell::text(if p.is_default { "Yes" } else { "" }),
            ],
            select_form: None,
            edit: None,
            inline: false,
        })
        .collect();
    table.pager.summary = format!("{} plans", plans.len());
    with_status(
        status,
        &PlansPage {
            chrome: Chrome::new(req, "Plans", "operator"),
            table,
            form,
            errors,
        },
    )
}

/// `GET /operator/plans`.
#[handler]
pub(crate) async fn plans_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    plans(
        req,
        &state,
        &user,
        (StatusCode::OK, PlanForm::default(), FormErrors::none()),
    )
    .await
}

/// `POST /operator/plans`: makes a plan (the API's `POST operator/plans/`).
#[handler]
pub(crate) async fn plan_add(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let op = operator(&state, &user).await?;
    let form = PlanForm::from(&fields);
    let tenancy = state.core.tenancy();
    match submit(form.input(), async |input| {
        tenancy.create_plan(&op, input).await
    })
    .await?
    {
        Ok(_) => Ok(redirect(req, "/operator/plans?done=plan-saved")),
        Err((status, errors)) => plans(req, &state, &user, (status, form, errors)).await,
    }
}

#[derive(Template)]
#[template(path = "operator/plan.html")]
struct PlanPage {
    chrome: Chrome,
    id: i64,
    form: PlanForm,
    errors: FormErrors,
}

/// `GET /operator/plans/:id`.
#[handler]
pub(crate) async fn plan_show(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    operator(&state, &user).await?;
    let plan = state.core.tenancy().plan(PlanId(id)).await?;
    with_status(
        StatusCode::OK,
        &PlanPage {
            chrome: Chrome::new(req, plan.name.clone(), "operator"),
            id,
            form: PlanForm::of(&plan),
            errors: FormErrors::none(),
        },
    )
}

/// `POST /operator/plans/:id`: replaces a plan (the API's `PUT operator/plans/{id}/`).
#[handler]
pub(crate) async fn plan_save(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let op = operator(&state, &user).await?;
    let form = PlanForm::from(&fields);
    let tenancy = state.core.tenancy();
    let saved = submit(form.input(), async |input| {
        tenancy.update_plan(&op, PlanId(id), input).await
    })
    .await?;
    match saved {
        Ok(_) => Ok(redirect(
            req,
            &format!("/operator/plans/{id}?done=plan-saved"),
        )),
        Err((status, errors)) => with_status(
            status,
            &PlanPage {
                chrome: Chrome::new(req, "Plan", "operator"),
                id,
                form,
                errors,
            },
        ),
    }
}

/// One line of the health page.
struct Check {
    what: &'static str,
    ok: bool,
    said: String,
}

#[derive(Template)]
#[template(path = "operator/health.html")]
struct HealthPage {
    chrome: Chrome,
    version: &'static str,
    checks: Vec<Check>,
}

/// `GET /operator/health`: whether this server's database answers, and how it is set up — the
/// API's `health/ready/` with the settings an operator checks a deployment by.
#[handler]
pub(crate) async fn health_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    operator(&state, &user).await?;
    let started = std::time::Instant::now();
    let ping = state.core.store().ping().await;
    let took = started.elapsed();
    let settings = &state.settings;
    let checks = vec![
        Check {
            what: "Database",
            ok: ping.is_ok(),
            said: match &ping {
                Ok(()) => format!(
                    "{} answers ({} ms); schema version {}",
                    state.core.store().backend().as_str(),
                    took.as_millis(),
                    igny8_core::store::SCHEMA_VERSION
                ),
                Err(_) => format!(
                    "{} does not answer: see the server's log",
                    state.core.store().backend().as_str()
                ),
            },
        },
        Check {
            what: "Jobs",
            ok: true,
            said: if settings.worker {
                "this server runs a worker too".to_owned()
            } else {
                "this server runs no worker: run `igny8-server worker` beside it".to_owned()
            },
        },
        Check {
            what: "Rate limits",
            ok: true,
            said: if settings.redis_url.is_some() {
                "counted in Redis, shared by every server".to_owned()
            } else {
                "counted in the database, shared by every server".to_owned()
            },
        },
        Check {
            what: "Sign-up",
            ok: true,
            said: if settings.allow_registration {
                "open to anyone".to_owned()
            } else {
                "closed: operators make accounts".to_owned()
            },
        },
        Check {
            what: "Outbound addresses",
            ok: !settings.outbound.allow_private,
            said: if settings.outbound.allow_private {
                "private and local addresses allowed (IGNY8_ALLOW_PRIVATE_TARGETS): only for a single trusted tenant".to_owned()
            } else {
                "public addresses only: tenants can't reach this network".to_owned()
            },
        },
        Check {
            what: "Session cookies",
            ok: settings.cookie_secure != crate::config::CookieSecure::Never,
            said: match settings.cookie_secure {
                crate::config::CookieSecure::Auto => "Secure when the request came over https",
                crate::config::CookieSecure::Always => "always Secure",
                crate::config::CookieSecure::Never => {
                    "never Secure (IGNY8_COOKIE_SECURE=never): for plain-http development only"
                }
            }
            .to_owned(),
        },
    ];
    with_status(
        if ping.is_ok() {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        &HealthPage {
            chrome: Chrome::new(req, "Health", "operator"),
            version: env!("CARGO_PKG_VERSION"),
            checks,
        },
    )
}
