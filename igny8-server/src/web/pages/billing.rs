//! Billing: the balance, the plan and its limits, what the last 30 days of AI work used (per
//! day and per operation, in credits, tokens and the provider's US dollars), the credit
//! ledger (`/billing`) and every model call (`/billing/usage`). The API's twins are
//! `billing/balance/`, `billing/transactions/`, `billing/usage/` and `billing/usage/summary/`;
//! all are the whole account's, so a person restricted to one site is told to ask an admin.

use askama::Template;
use igny8_core::credits::{CreditTransaction, TransactionKind, UsageLog, UsageTotals};
use igny8_core::list::PageRequest;
use igny8_core::tenancy::{Permission, Plan, Scope};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Request, Response, handler};

use crate::query::{TransactionQuery, UsageQuery};
use crate::state::AppState;
use crate::web::charts::{self, Chart};
use crate::web::render::{Chrome, WebError, page};
use crate::web::session::WebUser;
use crate::web::table::{Cell, Choice, Column, Filter, ListState, Row, Table, number};

use super::common::ListPage;
use super::jobs::when;

const PATH: &str = "/billing";
const USAGE: &str = "/billing/usage";

/// The days the usage summary covers.
const DAYS: u32 = 30;

const LEDGER_COLUMNS: &[Column] = &[
    Column::new("When"),
    Column::new("Entry"),
    Column::new("What"),
    Column::new("Credits").numeric(),
    Column::new("Balance after").numeric().minor(),
];

const USAGE_COLUMNS: &[Column] = &[
    Column::new("When"),
    Column::new("Operation"),
    Column::new("Model").minor(),
    Column::new("Tokens in").numeric().minor(),
    Column::new("Tokens out").numeric().minor(),
    Column::new("Images").numeric().minor(),
    Column::new("US dollars").numeric(),
    Column::new("Credits").numeric(),
];

/// The operations that call models, as the usage log names them.
/// An AI operation's name for people ("Generate content").
fn operation(name: &str) -> String {
    igny8_core::credits::operation_label(name)
}

/// Millionths of a dollar as dollars: "$0.0123" below a cent, else "$1.23".
fn dollars(micros: i64) -> String {
    let d = micros as f64 / 1_000_000.0;
    if micros != 0 && micros.abs() < 10_000 {
        format!("${d:.4}")
    } else {
        format!("${d:.2}")
    }
}

/// A signed credit amount: "+1,000", "−40".
fn signed(n: i64) -> String {
    match n {
        n if n > 0 => format!("+{}", number(n)),
        n if n < 0 => format!("−{}", number(-n)),
        _ => "0".to_owned(),
    }
}

/// A link to what an entry or call was for, when the pages show it.
fn reference_href(kind: &str, id: i64) -> Option<String> {
    match kind {
        "job" => Some(format!("/jobs/{id}")),
        "content" => Some(format!("/writer/content/{id}")),
        "cluster" => Some(format!("/planner/clusters/{id}")),
        "idea" => Some(format!("/planner/ideas/{id}")),
        _ => None,
    }
}

fn ledger_row(t: &CreditTransaction) -> Row {
    let what = match t.operation.as_deref() {
        Some(op) => operation(op),
        None => t.reason.clone(),
    };
    let what = match t
        .reference
        .as_ref()
        .and_then(|r| reference_href(&r.kind, r.id).map(|h| (r, h)))
    {
        Some((r, href)) => Cell::link(format!("{what} ({} {})", r.kind, r.id), href),
        None => Cell::text(what),
    };
    Row {
        id: t.id.get(),
        dom_id: format!("transaction-{}", t.id.get()),
        label: t.reason.clone(),
        cells: vec![
            Cell::text(when(t.created_at)),
            Cell::badge(t.kind.as_str()),
            what,
            Cell {
                class: "num".to_owned(),
                ..Cell::text(signed(t.amount))
            },
            Cell::number(Some(t.balance_after)).minor(),
        ],
        select_form: None,
        edit: None,
        inline: false,
    }
}

fn usage_row(u: &UsageLog) -> Row {
    let what = match u.job_id {
        Some(job) => Cell::link(operation(&u.operation), format!("/jobs/{}", job.get())),
        None => Cell::text(operation(&u.operation)),
    };
    Row {
        id: u.id.get(),
        dom_id: format!("usage-{}", u.id.get()),
        label: u.operation.clone(),
        cells: vec![
            Cell::text(when(u.created_at)),
            what,
            Cell::text(format!("{} · {}", u.provider, u.model)).minor(),
            Cell::number(Some(u.input_tokens)).minor(),
            Cell::number(Some(u.output_tokens)).minor(),
            Cell::number(Some(u.images)).minor(),
            Cell {
                class: "num".to_owned(),
                ..Cell::text(dollars(u.cost_micros))
            },
            Cell::number(Some(u.credits)),
        ],
        select_form: None,
        edit: None,
        inline: false,
    }
}

/// A plan's limit as the page says it.
struct Limit {
    what: &'static str,
    used: Option<String>,
    most: String,
}

#[derive(Template)]
#[template(path = "billing/index.html")]
struct BillingPage {
    chrome: Chrome,
    balance: String,
    plan: Plan,
    limits: Vec<Limit>,
    totals: UsageTotals,
    chart: Chart,
    table: Table,
}

impl BillingPage {
    fn dollars(&self, micros: &i64) -> String {
        dollars(*micros)
    }
    fn operation(&self, name: &str) -> String {
        operation(name)
    }
    fn number(&self, n: &i64) -> String {
        number(*n)
    }
}

/// The whole account's billing, or a 403 page for a person restricted to one site.
fn account_wide(scope: &Scope) -> Result<(), WebError> {
    scope
        .require_account_wide(Permission::Read)
        .map_err(|_| {
            WebError::new(
                StatusCode::FORBIDDEN,
                "Billing belongs to the whole account, and your access is limited to one site. An admin of the account can show it to you.",
            )
        })
}

/// How many of `what` the account has (a count, not the rows).
fn total<T>(page: igny8_core::list::Page<T>) -> Option<String> {
    page.total.map(|n| number(n as i64))
}

fn counted() -> PageRequest {
    PageRequest::new(1, 1)
}

/// `GET /billing`.
#[handler]
pub(crate) async fn billing_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    account_wide(&scope)?;
    let list = ListState::from_query(PATH, req.uri().query());
    let core = &state.core;
    let account = core.tenancy().account(&scope).await?;
    let plan = core.tenancy().plan(account.plan_id).await?;
    let sites = core.tenancy().sites(&scope, &counted()).await?;
    let users = core.tenancy().users(&scope, &counted()).await?;
    let keywords = core
        .keywords()
        .list(&scope, &Default::default(), &Default::default(), &counted())
        .await?;
    let most = |n: Option<i64>| n.map_or_else(|| "no limit".to_owned(), number);
    let limits = vec![
        Limit {
            what: "Sites",
            used: total(sites),
            most: most(plan.limits.max_sites),
        },
        Limit {
            what: "Sectors in a site",
            used: None,
            most: most(plan.limits.max_sectors_per_site),
        },
        Limit {
            what: "Users",
            used: total(users),
            most: most(plan.limits.max_users),
        },
        Limit {
            what: "Keywords",
            used: total(keywords),
            most: most(plan.limits.max_keywords),
        },
    ];
    let totals = core.credits().usage_totals(&scope, DAYS).await?;
    let chart = charts::columns(
        "credits-per-day",
        "Credits used per day",
        "Credits the account's AI work used each day of the last 30 days (UTC).",
        &totals
            .days
            .iter()
            .map(|d| (d.day.format("%-d %b").to_string(), d.credits))
            .collect::<Vec<_>>(),
    );
    let filter = list.filters::<TransactionQuery>()?.filter(None, None);
    let entries = core
        .credits()
        .transactions(&scope, &filter, &list.page_request())
        .await?;
    let mut table = Table::new("ledger", PATH, "Credit ledger", LEDGER_COLUMNS, &list, "");
    table.fill(&list, &entries, ("entry", "entries"), ledger_row);
    table.filters = vec![Filter::select(&list, "kind", "Entry", |c| {
        Choice::any_of::<TransactionKind>("Every kind", c)
    })];
    table.hidden = list.hidden(&["kind"]);
    table.empty = if filter.kind.is_some() {
        "No entry of this kind.".to_owned()
    } else {
        "No entries yet.".to_owned()
    };
    page(&BillingPage {
        chrome: Chrome::new(req, "Billing", "billing"),
        balance: number(account.credits),
        plan,
        limits,
        totals,
        chart,
        table,
    })
}

/// `GET /billing/usage`: every model call, newest first.
#[handler]
pub(crate) async fn usage_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    account_wide(&scope)?;
    let list = ListState::from_query(USAGE, req.uri().query());
    let filter = list.filters::<UsageQuery>()?.filter(None, None);
    let calls = state
        .core
        .credits()
        .usage(&scope, &filter, &list.page_request())
        .await?;
    let mut table = Table::new("usage", USAGE, "Model calls", USAGE_COLUMNS, &list, "");
    table.fill(&list, &calls, ("call", "calls"), usage_row);
    table.filters = vec![Filter::select(&list, "operation", "Operation", |c| {
        let mut out = vec![Choice::new("", "Every operation", c.or(Some("")))];
        out.extend(
            igny8_core::credits::AI_OPERATIONS
                .iter()
                .map(|op| Choice::new(*op, operation(op), c)),
        );
        out
    })];
    table.hidden = list.hidden(&["operation"]);
    table.empty = if filter == Default::default() {
        "No model calls yet. Each call an AI function makes is listed here with its tokens and cost.".to_owned()
    } else {
        "No call matches these filters.".to_owned()
    };
    ListPage::respond(
        Chrome::new(req, "Model calls", "billing"),
        (
            "Model calls",
            "Every call the account's AI work made to a model, newest first: tokens, what the provider charges in US dollars, and the credits charged.",
        ),
        table,
        None,
    )
}
