//! Automation: rules that run the pipeline on a schedule (`/automation`), each with its
//! stages, limits, schedule in its time zone, budgets and publish slots — and a preview of
//! its next five runs and slots — run now, paused, deleted; and the runs with what each
//! stage did (`/automation/runs/{id}`), cancelled while they run. The API's twins are
//! `automation/rules/…` and `automation/runs/…`; every field is checked by the core.

use askama::Template;
use chrono::{DateTime, Utc};
use igny8_core::automation::{
    AutomationRule, AutomationRun, PublishMode, RuleFilter, RuleInput, RunFilter, Stage,
    StageReport,
};
use igny8_core::tenancy::{Permission, Scope};
use igny8_core::{AutomationRuleId, AutomationRunId, SectorId, SiteId};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use crate::state::AppState;
use crate::web::forms::{Fields, FormErrors, submit};
use crate::web::render::{Chrome, WebError, redirect, with_status};
use crate::web::session::WebUser;
use crate::web::table::{Bulk, Cell, Choice, Column, ListState, Row, Table, label, number};

use super::common::{Places, on_ticked};
use super::jobs::when;

const PATH: &str = "/automation";

/// What each stage does, in the order they run.
const STAGES: &[(Stage, &str, &str)] = &[
    (
        Stage::Cluster,
        "Cluster",
        "groups new keywords into clusters",
    ),
    (
        Stage::Ideas,
        "Ideas",
        "turns clusters without ideas into ideas",
    ),
    (Stage::Queue, "Queue", "queues new ideas to the writer"),
    (Stage::Content, "Write", "writes queued tasks into articles"),
    (
        Stage::ImagePrompts,
        "Image prompts",
        "describes each new article's images",
    ),
    (Stage::Images, "Images", "draws the images"),
    (
        Stage::Publish,
        "Publish",
        "sends finished articles to WordPress",
    ),
];

fn stage_name(stage: Stage) -> &'static str {
    STAGES
        .iter()
        .find(|(s, _, _)| *s == stage)
        .map_or("", |(_, name, _)| name)
}

fn may_manage(scope: &Scope) -> bool {
    scope.require_account_wide(Permission::Manage).is_ok()
}

/// A time in a rule's time zone: "Mon 7 Dec 2026, 09:00 CET".
fn local<Z: chrono::TimeZone>(t: DateTime<Utc>, tz: Z) -> String
where
    Z::Offset: std::fmt::Display,
{
    t.with_timezone(&tz)
        .format("%a %-d %b %Y, %H:%M %Z")
        .to_string()
}

/// A rule's schedule in words.
fn schedule_words(rule: &AutomationRule) -> String {
    let s = &rule.settings;
    match (&s.cron, s.every_hours) {
        (Some(cron), _) => format!("cron “{cron}”, {}", s.timezone.name()),
        (None, Some(1)) => "every hour".to_owned(),
        (None, Some(h)) => format!("every {h} hours"),
        (None, None) => "no schedule: run it by hand".to_owned(),
    }
}

const RULE_COLUMNS: &[Column] = &[
    Column::new("Rule"),
    Column::new("Site").minor(),
    Column::new("Stages").minor(),
    Column::new("Schedule"),
    Column::new("Next run"),
];

fn rule_row(r: &AutomationRule, places: &Places, manage: bool) -> Row {
    let s = &r.settings;
    let site = match s.sector_id {
        Some(sector) => places.sector_name(sector),
        None => places.site_name(s.site_id).to_owned(),
    };
    Row {
        id: r.id.get(),
        dom_id: format!("rule-{}", r.id.get()),
        label: s.name.clone(),
        cells: vec![
            Cell::link(s.name.clone(), format!("{PATH}/rules/{}", r.id.get())),
            Cell::text(site).minor(),
            Cell::text(
                s.stages
                    .iter()
                    .map(|st| stage_name(*st))
                    .collect::<Vec<_>>()
                    .join(" → "),
            )
            .minor(),
            Cell::text(schedule_words(r)),
            Cell::text(match (s.is_active, r.next_run_at) {
                (false, _) => "Paused".to_owned(),
                (true, Some(t)) => local(t, s.timezone),
                (true, None) => "—".to_owned(),
            }),
        ],
        select_form: manage.then(|| "rules-bulk".to_owned()),
        edit: None,
        inline: false,
    }
}

const RUN_COLUMNS: &[Column] = &[
    Column::new("Run"),
    Column::new("Rule").minor(),
    Column::new("How"),
    Column::new("State"),
    Column::new("Credits").numeric(),
];

fn run_row(r: &AutomationRun, rule_name: &str) -> Row {
    Row {
        id: r.id.get(),
        dom_id: format!("run-{}", r.id.get()),
        label: format!("Run {}", r.id.get()),
        cells: vec![
            Cell::link(when(r.created_at), format!("{PATH}/runs/{}", r.id.get())),
            Cell::text(rule_name.to_owned()).minor(),
            Cell::text(match r.trigger {
                igny8_core::automation::RunTrigger::Schedule => "On schedule",
                igny8_core::automation::RunTrigger::Manual => "By hand",
            }),
            Cell::badge(r.job.status.as_str()),
            Cell::number(Some(r.credits)),
        ],
        select_form: None,
        edit: None,
        inline: false,
    }
}

#[derive(Template)]
#[template(path = "automation/index.html")]
struct IndexPage {
    chrome: Chrome,
    can_manage: bool,
    problem: Option<String>,
    table: Table,
    runs: Table,
}

async fn index(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    problem: Option<(StatusCode, String)>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let manage = may_manage(&scope);
    let list = ListState::from_query(PATH, req.uri().query());
    let rules = state
        .core
        .automation()
        .list(&scope, &RuleFilter::default(), &list.page_request())
        .await?;
    let places = Places::load(state, &scope).await?;
    let mut table = Table::new("rules", PATH, "Rules", RULE_COLUMNS, &list, "");
    table.fill(&list, &rules, ("rule", "rules"), |r| {
        rule_row(r, &places, manage)
    });
    table.empty = "No rules yet. A rule runs the pipeline for a site on a schedule: clusters new keywords, writes ideas and articles, draws their images and publishes them.".to_owned();
    if manage {
        table.bulk_path = "/automation/rules/pause";
        table.bulk = vec![
            Bulk::new("/automation/rules/pause", "pause", "Pause"),
            Bulk::new("/automation/rules/pause", "resume", "Resume"),
            Bulk::new("/automation/rules/bulk-delete", "delete", "Delete")
                .confirm("Delete the selected rules and their run records? What they made stays."),
        ];
    }
    let latest = state
        .core
        .automation()
        .runs(
            &scope,
            &RunFilter::default(),
            &igny8_core::list::PageRequest::new(1, 10),
        )
        .await?;
    let runs = runs_table(&latest.items, &rules.items, "/automation", "Latest runs");
    let (status, problem) = match problem {
        Some((s, p)) => (s, Some(p)),
        None => (StatusCode::OK, None),
    };
    with_status(
        status,
        &IndexPage {
            chrome: Chrome::new(req, "Automation", "automation"),
            can_manage: manage,
            problem,
            table,
            runs,
        },
    )
}

fn runs_table(
    runs: &[AutomationRun],
    rules: &[AutomationRule],
    path: &str,
    caption: &'static str,
) -> Table {
    let list = ListState::from_query(path.to_owned(), None);
    let mut table = Table::new("runs", path.to_owned(), caption, RUN_COLUMNS, &list, "");
    table.rows = runs
        .iter()
        .map(|r| {
            let name = rules
                .iter()
                .find(|x| x.id == r.rule_id)
                .map_or("", |x| x.settings.name.as_str());
            run_row(r, name)
        })
        .collect();
    table.pager.summary = match runs.len() {
        0 => String::new(),
        1 => "The latest run".to_owned(),
        n => format!("The latest {n} runs"),
    };
    table.empty = "No runs yet.".to_owned();
    table
}

/// `GET /automation`.
#[handler]
pub(crate) async fn index_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    index(req, &state, &user, None).await
}

/// `POST /automation/rules/pause`: pauses or resumes the selected rules (the API's `PATCH
/// automation/rules/{id}/` with `is_active`, for each).
#[handler]
pub(crate) async fn pause(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let (active, done) = match fields.get("action") {
        "resume" => (true, "rules-resumed"),
        _ => (false, "rules-paused"),
    };
    on_ticked(
        req,
        &fields,
        PATH,
        AutomationRuleId,
        done,
        async |ids| {
            let input = RuleInput {
                is_active: Some(active),
                ..RuleInput::default()
            };
            let automation = state.core.automation();
            // Each exists and is the account's before any changes.
            for id in &ids {
                automation.get(&scope, *id).await?;
            }
            for id in &ids {
                automation.update(&scope, *id, input.clone()).await?;
            }
            Ok(ids.len() as u64)
        },
        async |_, problem| index(req, &state, &user, Some(problem)).await,
    )
    .await
}

/// `POST /automation/rules/bulk-delete`.
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
        PATH,
        AutomationRuleId,
        "rules-deleted",
        async |ids| state.core.automation().delete(&scope, &ids).await,
        async |_, problem| index(req, &state, &user, Some(problem)).await,
    )
    .await
}

/// A rule's form, as typed.
#[derive(Default, Clone)]
struct RuleForm {
    name: String,
    site: String,
    sector: String,
    stages: Vec<String>,
    items_per_run: String,
    keywords_per_run: String,
    cluster_mode: String,
    ideas_per_cluster: String,
    word_count: String,
    /// `cron` or `every`.
    schedule: String,
    cron: String,
    every_hours: String,
    timezone: String,
    budget_per_run: String,
    budget_per_month: String,
    publish_mode: String,
    slots: String,
    active: bool,
}

fn text_of(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

impl RuleForm {
    fn new_rule() -> Self {
        Self {
            stages: STAGES
                .iter()
                .map(|(s, _, _)| s.as_str().to_owned())
                .collect(),
            items_per_run: "5".into(),
            keywords_per_run: "500".into(),
            cluster_mode: "local".into(),
            schedule: "cron".into(),
            cron: "0 9 * * mon-fri".into(),
            every_hours: "24".into(),
            timezone: "UTC".into(),
            publish_mode: "draft".into(),
            active: true,
            ..Self::default()
        }
    }

    fn of(r: &AutomationRule) -> Self {
        let s = &r.settings;
        Self {
            name: s.name.clone(),
            site: s.site_id.get().to_string(),
            sector: s.sector_id.map(|x| x.get().to_string()).unwrap_or_default(),
            stages: s.stages.iter().map(|x| x.as_str().to_owned()).collect(),
            items_per_run: s.items_per_run.to_string(),
            keywords_per_run: s.keywords_per_run.to_string(),
            cluster_mode: s.cluster_mode.as_str().to_owned(),
            ideas_per_cluster: text_of(s.ideas_per_cluster),
            word_count: text_of(s.word_count),
            schedule: if s.cron.is_some() || s.every_hours.is_none() {
                "cron".into()
            } else {
                "every".into()
            },
            cron: s.cron.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            every_hours: text_of(s.every_hours),
            timezone: s.timezone.name().to_owned(),
            budget_per_run: text_of(s.budget_per_run),
            budget_per_month: text_of(s.budget_per_month),
            publish_mode: s.publish_mode.as_str().to_owned(),
            slots: s
                .publish_slots
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
            active: s.is_active,
        }
    }

    fn from(f: &Fields) -> Self {
        Self {
            name: f.get("name").to_owned(),
            site: f.get("site_id").to_owned(),
            sector: f.get("sector_id").to_owned(),
            stages: f.all("stages").map(str::to_owned).collect(),
            items_per_run: f.get("items_per_run").to_owned(),
            keywords_per_run: f.get("keywords_per_run").to_owned(),
            cluster_mode: f.get("cluster_mode").to_owned(),
            ideas_per_cluster: f.get("ideas_per_cluster").to_owned(),
            word_count: f.get("word_count").to_owned(),
            schedule: f.get("schedule").to_owned(),
            cron: f.get("cron").to_owned(),
            every_hours: f.get("every_hours").to_owned(),
            timezone: f.get("timezone").to_owned(),
            budget_per_run: f.get("budget_per_run").to_owned(),
            budget_per_month: f.get("budget_per_month").to_owned(),
            publish_mode: f.get("publish_mode").to_owned(),
            slots: f.get("slots").to_owned(),
            active: f.has("is_active"),
        }
    }

    fn has_stage(&self, stage: &str) -> bool {
        self.stages.iter().any(|s| s == stage)
    }

    /// The core's input; numbers that aren't are said beside their field (with the core's
    /// own problems, all at once).
    fn input(&self) -> Result<RuleInput, FormErrors> {
        let mut errors = FormErrors::none();
        let mut whole = |field: &str, text: &str| -> Option<Option<i64>> {
            let t = text.trim().replace([',', ' '], "");
            if t.is_empty() {
                return Some(None);
            }
            match t.parse::<i64>() {
                Ok(n) => Some(Some(n)),
                Err(_) => {
                    errors =
                        std::mem::take(&mut errors).with_field(field, "must be a whole number");
                    None
                }
            }
        };
        let items = whole("items_per_run", &self.items_per_run);
        let keywords = whole("keywords_per_run", &self.keywords_per_run);
        let ideas = whole("ideas_per_cluster", &self.ideas_per_cluster);
        let words = whole("word_count", &self.word_count);
        let every = whole("every_hours", &self.every_hours);
        let per_run = whole("budget_per_run", &self.budget_per_run);
        let per_month = whole("budget_per_month", &self.budget_per_month);
        let mut stages = Vec::new();
        for s in &self.stages {
            match s.parse::<Stage>() {
                Ok(stage) => stages.push(stage),
                Err(_) => errors = errors.with_field("stages", "must be stages of the list"),
            }
        }
        let site = match self.site.trim() {
            // The core says a new rule needs one.
            "" => None,
            s => match s.parse::<i64>() {
                Ok(id) => Some(SiteId(id)),
                Err(_) => {
                    errors = errors.with_field("site_id", "must be one of the account's sites");
                    None
                }
            },
        };
        let sector = match self.sector.trim() {
            "" => Some(None),
            s => match s.parse::<i64>() {
                Ok(id) => Some(Some(SectorId(id))),
                Err(_) => {
                    errors = errors.with_field("sector_id", "must be one of the site's sectors");
                    None
                }
            },
        };
        let publish_mode = match self.publish_mode.parse::<PublishMode>() {
            Ok(m) => Some(m),
            Err(_) if self.publish_mode.is_empty() => None,
            Err(_) => {
                errors = errors.with_field("publish_mode", "must be draft or schedule");
                None
            }
        };
        if errors.any() {
            errors.summary = Some("Please correct the fields marked below.".into());
            return Err(errors);
        }
        let by_cron = self.schedule != "every";
        let cron = self.cron.trim();
        Ok(RuleInput {
            site_id: site,
            sector_id: sector,
            name: Some(self.name.clone()),
            is_active: Some(self.active),
            stages: Some(stages),
            items_per_run: items.flatten(),
            keywords_per_run: keywords.flatten(),
            cluster_mode: Some(self.cluster_mode.clone()),
            ideas_per_cluster: ideas,
            word_count: words,
            cron: Some((by_cron && !cron.is_empty()).then(|| cron.to_owned())),
            every_hours: if by_cron { Some(None) } else { every },
            timezone: Some(self.timezone.trim().to_owned()),
            budget_per_run: per_run,
            budget_per_month: per_month,
            publish_mode,
            publish_slots: Some(
                self.slots
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
        })
    }
}

#[derive(Template)]
#[template(path = "automation/rule.html")]
struct RulePage {
    chrome: Chrome,
    /// The rule, once it exists.
    rule: Option<AutomationRule>,
    can_manage: bool,
    form: RuleForm,
    sites: Vec<Choice>,
    sectors: Vec<Choice>,
    stages: &'static [(Stage, &'static str, &'static str)],
    errors: FormErrors,
    next_runs: Vec<String>,
    next_slots: Vec<String>,
    runs: Option<Table>,
}

impl RulePage {
    fn action(&self) -> String {
        match &self.rule {
            Some(r) => format!("{PATH}/rules/{}", r.id.get()),
            None => format!("{PATH}/rules"),
        }
    }
}

async fn rule_page(
    req: &Request,
    state: &AppState,
    user: &WebUser,
    rule: Option<AutomationRule>,
    form: RuleForm,
    (status, errors): (StatusCode, FormErrors),
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let places = Places::load(state, &scope).await?;
    let now = state.core.now();
    let (next_runs, next_slots, runs) = match &rule {
        Some(r) => {
            let tz = r.settings.timezone;
            let runs = state
                .core
                .automation()
                .runs(
                    &scope,
                    &RunFilter {
                        rule_id: Some(r.id),
                        ..RunFilter::default()
                    },
                    &igny8_core::list::PageRequest::new(1, 20),
                )
                .await?;
            (
                r.next_runs(now, 5)
                    .into_iter()
                    .map(|t| local(t, tz))
                    .collect(),
                igny8_core::automation::schedule::next_slots(&r.settings.publish_slots, tz, now, 5)
                    .into_iter()
                    .map(|t| local(t, tz))
                    .collect(),
                Some(runs_table(
                    &runs.items,
                    std::slice::from_ref(r),
                    &format!("{PATH}/rules/{}", r.id.get()),
                    "Runs",
                )),
            )
        }
        None => (Vec::new(), Vec::new(), None),
    };
    let title = rule
        .as_ref()
        .map_or_else(|| "New rule".to_owned(), |r| r.settings.name.clone());
    with_status(
        status,
        &RulePage {
            chrome: Chrome::new(req, title, "automation"),
            can_manage: may_manage(&scope),
            sites: places.site_choices("Choose a site", Some(form.site.as_str())),
            sectors: places.sector_choices("All its sectors", Some(form.sector.as_str())),
            stages: STAGES,
            rule,
            form,
            errors,
            next_runs,
            next_slots,
            runs,
        },
    )
}

/// `GET /automation/rules/new`.
#[handler]
pub(crate) async fn new_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
) -> Result<Response, WebError> {
    rule_page(
        req,
        &state,
        &user,
        None,
        RuleForm::new_rule(),
        (StatusCode::OK, FormErrors::none()),
    )
    .await
}

/// The core names a rule's list of slots `publish_slots`; the form's field is `slots`.
fn placed(errors: FormErrors) -> FormErrors {
    let mut out = FormErrors::none();
    out.summary = errors.summary.clone();
    for (field, messages) in errors.fields() {
        let field = match field {
            f if f.starts_with("publish_slots") => "slots",
            f => f,
        };
        for m in messages {
            out = out.with_field(field, m.clone());
        }
    }
    out.shown_in(&[
        "name",
        "site_id",
        "sector_id",
        "stages",
        "items_per_run",
        "keywords_per_run",
        "cluster_mode",
        "ideas_per_cluster",
        "word_count",
        "cron",
        "every_hours",
        "timezone",
        "budget_per_run",
        "budget_per_month",
        "publish_mode",
        "slots",
    ])
}

/// `POST /automation/rules`: makes a rule (the API's `POST automation/rules/`).
#[handler]
pub(crate) async fn create(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let form = RuleForm::from(&fields);
    let automation = state.core.automation();
    match submit(form.input(), async |input| {
        automation.create(&scope, input).await
    })
    .await?
    {
        Ok(rule) => Ok(redirect(
            req,
            &format!("{PATH}/rules/{}?done=rule-added", rule.id.get()),
        )),
        Err((status, errors)) => {
            rule_page(req, &state, &user, None, form, (status, placed(errors))).await
        }
    }
}

/// `GET /automation/rules/:id`: the rule, its next runs and slots, and its runs.
#[handler]
pub(crate) async fn show(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let rule = state
        .core
        .automation()
        .get(&scope, AutomationRuleId(id))
        .await?;
    let form = RuleForm::of(&rule);
    rule_page(
        req,
        &state,
        &user,
        Some(rule),
        form,
        (StatusCode::OK, FormErrors::none()),
    )
    .await
}

/// `POST /automation/rules/:id`: saves a rule (the API's `PATCH automation/rules/{id}/`).
#[handler]
pub(crate) async fn save(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let form = RuleForm::from(&fields);
    let automation = state.core.automation();
    let saved = submit(form.input(), async |mut input| {
        // The site is fixed once the rule exists.
        input.site_id = None;
        automation.update(&scope, AutomationRuleId(id), input).await
    })
    .await?;
    match saved {
        Ok(_) => Ok(redirect(req, &format!("{PATH}/rules/{id}?done=rule-saved"))),
        Err((status, errors)) => {
            let rule = state
                .core
                .automation()
                .get(&scope, AutomationRuleId(id))
                .await?;
            rule_page(
                req,
                &state,
                &user,
                Some(rule),
                form,
                (status, placed(errors)),
            )
            .await
        }
    }
}

/// `POST /automation/rules/:id/run`: runs the rule now and goes to the run (the API's
/// `POST automation/rules/{id}/run/`).
#[handler]
pub(crate) async fn run_now(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    match state
        .core
        .automation()
        .run_now(&scope, AutomationRuleId(id))
        .await
    {
        Ok(run) => Ok(redirect(
            req,
            &format!("{PATH}/runs/{}?done=run-started", run.id.get()),
        )),
        Err(e) => {
            let (status, errors) = FormErrors::from_error(e)?;
            let rule = state
                .core
                .automation()
                .get(&scope, AutomationRuleId(id))
                .await?;
            let form = RuleForm::of(&rule);
            rule_page(req, &state, &user, Some(rule), form, (status, errors)).await
        }
    }
}

/// A stage's report as the run's page shows it.
struct StageLine {
    name: &'static str,
    status: String,
    status_class: String,
    items: String,
    credits: String,
    job: Option<i64>,
    message: String,
}

#[derive(Template)]
#[template(path = "automation/run.html")]
struct RunPage {
    chrome: Chrome,
    run: AutomationRun,
    rule: Option<AutomationRule>,
    started: String,
    state_label: String,
    stages: Vec<StageLine>,
    can_cancel: bool,
}

/// `GET /automation/runs/:id`: what each stage of a run did.
#[handler]
pub(crate) async fn run_page(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let run = state
        .core
        .automation()
        .run(&scope, AutomationRunId(id))
        .await?;
    let rule = state.core.automation().get(&scope, run.rule_id).await.ok();
    let reports: Vec<StageReport> = run
        .job
        .result
        .as_ref()
        .and_then(|r| r.get("stages"))
        .and_then(|s| serde_json::from_value(s.clone()).ok())
        .unwrap_or_default();
    let stages = reports
        .into_iter()
        .map(|r| StageLine {
            name: stage_name(r.stage),
            status: label(&r.status),
            status_class: r.status.clone(),
            items: number(r.items as i64),
            credits: number(r.credits),
            job: r.job_id.map(|j| j.get()),
            message: r.message,
        })
        .collect();
    let chrome = Chrome::new(req, format!("Run {id}"), "automation");
    let can_cancel = chrome.can_write && !run.job.status.is_finished();
    with_status(
        StatusCode::OK,
        &RunPage {
            chrome,
            started: when(run.created_at),
            state_label: label(run.job.status.as_str()),
            rule,
            run,
            stages,
            can_cancel,
        },
    )
}

/// `POST /automation/runs/:id/cancel`: cancels a run (the API's `POST
/// automation/runs/{id}/cancel/`).
#[handler]
pub(crate) async fn cancel_run(
    req: &Request,
    state: Data<&AppState>,
    user: Data<&WebUser>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = user.scope()?;
    let run = state
        .core
        .automation()
        .run(&scope, AutomationRunId(id))
        .await?;
    let target = format!("{PATH}/runs/{id}");
    match state.core.jobs().cancel(&scope, run.job.id).await {
        Ok(_) => Ok(redirect(req, &format!("{target}?done=run-cancelled"))),
        // Finished before the click arrived: the page shows how.
        Err(igny8_core::Error::Conflict(_)) => {
            Ok(redirect(req, &format!("{target}?done=run-finished")))
        }
        Err(e) => Err(e.into()),
    }
}
