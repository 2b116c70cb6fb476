//! Automation rules and runs on SQL. Starting a run moves the rule's schedule, queues the
//! run's job and records the run in one transaction, conditional on the schedule being the
//! one the worker read: the one start two workers can't both make.

use std::collections::HashMap;

use sea_query::{Expr, ExprTrait, Query, SimpleExpr};

use super::db::DbRow;
use super::list::{SortSpec, narrow};
use super::{Entity, SqlStore, T, to_json};
use crate::automation::schedule;
use crate::automation::*;
use crate::error::{Error, Result};
use crate::ids::*;
use crate::jobs::Job;
use crate::list::{CursorValue, Page, PageRequest};
use crate::store::{AutomationStore, RunStart};
use crate::tenancy::Scope;

row!(AutomationRule: AutomationRuleId in AutomationRules, site_scoped {
    id, account_id,
    settings: (rule_settings, "site_id", "sector_id", "name", "is_active", "stages",
        "items_per_run", "keywords_per_run", "cluster_mode", "ideas_per_cluster", "word_count",
        "cron", "every_hours", "timezone", "budget_per_run", "budget_per_month", "publish_mode",
        "publish_slots"),
    next_run_at, last_run_at, last_slot_at, created_at, updated_at,
});

/// Reads a rule's settings leniently where a newer build may read stricter than an older one
/// wrote: a cron expression or time zone it can't read leaves the rule without a schedule (see
/// [`AutomationRule`]), a publish slot it can't read is left out; each is logged as a warning
/// rather than failing every list that includes the rule.
fn rule_settings(r: &DbRow<'_>) -> Result<RuleSettings> {
    let id: i64 = r.get("id")?;
    let unreadable = |column: &str, error: &str| {
        tracing::warn!(
            rule = id,
            column,
            error,
            "automation rule holds a value this build can't read; treating it as having no \
             schedule (slots: leaving it out) until it is edited"
        );
    };
    let mut cron = match r.get::<Option<String>>("cron")? {
        Some(text) => match text.parse::<Cron>() {
            Ok(cron) => Some(cron),
            Err(e) => {
                unreadable("cron", &e);
                None
            }
        },
        None => None,
    };
    let mut every_hours: Option<i64> = r.get("every_hours")?;
    let timezone = match schedule::parse_timezone(&r.get::<String>("timezone")?) {
        Ok(tz) => tz,
        Err(e) => {
            unreadable("timezone", &e);
            // Times read in the wrong zone would run at the wrong hours: no schedule.
            cron = None;
            every_hours = None;
            chrono_tz::Tz::UTC
        }
    };
    let publish_slots = r
        .json::<Vec<String>>("publish_slots")?
        .into_iter()
        .filter_map(|text| match text.parse::<Slot>() {
            Ok(slot) => Some(slot),
            Err(e) => {
                unreadable("publish_slots", &e);
                None
            }
        })
        .collect();
    Ok(RuleSettings {
        site_id: SiteId(r.get("site_id")?),
        sector_id: r.get::<Option<i64>>("sector_id")?.map(SectorId),
        name: r.get("name")?,
        is_active: r.get("is_active")?,
        stages: r.json("stages")?,
        items_per_run: r.get("items_per_run")?,
        keywords_per_run: r.get("keywords_per_run")?,
        cluster_mode: r.parse("cluster_mode")?,
        ideas_per_cluster: r.get("ideas_per_cluster")?,
        word_count: r.get("word_count")?,
        cron,
        every_hours,
        timezone,
        budget_per_run: r.get("budget_per_run")?,
        budget_per_month: r.get("budget_per_month")?,
        publish_mode: r.parse("publish_mode")?,
        publish_slots,
    })
}

/// A run's own row, before its job is attached.
struct RunRow {
    id: i64,
    account_id: i64,
    site_id: i64,
    rule_id: i64,
    job_id: i64,
    trigger: RunTrigger,
    scheduled_for: chrono::DateTime<chrono::Utc>,
    credits: i64,
    created_at: chrono::DateTime<chrono::Utc>,
}

row!(RunRow: AutomationRunId in AutomationRuns, site_scoped {
    id, account_id, site_id, rule_id, job_id, trigger: "run_trigger", scheduled_for, credits,
    created_at,
});

impl RunRow {
    fn with(self, job: Job) -> AutomationRun {
        AutomationRun {
            id: AutomationRunId(self.id),
            account_id: AccountId(self.account_id),
            site_id: SiteId(self.site_id),
            rule_id: AutomationRuleId(self.rule_id),
            trigger: self.trigger,
            scheduled_for: self.scheduled_for,
            credits: self.credits,
            created_at: self.created_at,
            job,
        }
    }
}

fn ms(t: Option<chrono::DateTime<chrono::Utc>>) -> SimpleExpr {
    t.map(|t| t.timestamp_millis()).into()
}

/// The stored columns of a rule's settings and next run (without ids and times of
/// creation): the typed values written in the text forms they are read back from.
fn rule_values(
    rule: &RuleSettings,
    next_run_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Vec<(&'static str, SimpleExpr)> {
    let slots: Vec<String> = rule.publish_slots.iter().map(Slot::to_string).collect();
    vec![
        ("site_id", rule.site_id.get().into()),
        ("sector_id", rule.sector_id.map(|s| s.get()).into()),
        ("name", rule.name.clone().into()),
        ("is_active", rule.is_active.into()),
        ("stages", to_json(&rule.stages).into()),
        ("items_per_run", rule.items_per_run.into()),
        ("keywords_per_run", rule.keywords_per_run.into()),
        ("cluster_mode", rule.cluster_mode.as_str().into()),
        ("ideas_per_cluster", rule.ideas_per_cluster.into()),
        ("word_count", rule.word_count.into()),
        ("cron", rule.cron.as_ref().map(Cron::to_string).into()),
        ("every_hours", rule.every_hours.into()),
        ("timezone", rule.timezone.name().into()),
        ("budget_per_run", rule.budget_per_run.into()),
        ("budget_per_month", rule.budget_per_month.into()),
        ("publish_mode", rule.publish_mode.as_str().into()),
        ("publish_slots", to_json(&slots).into()),
        ("next_run_at", ms(next_run_at)),
    ]
}

impl SqlStore {
    /// Checks the rule's site and sector are the scope's (and the sector the site's).
    async fn check_rule_refs(&self, scope: &Scope, rule: &RuleSettings) -> Result<()> {
        scope.check_site(rule.site_id)?;
        self.check_ref(T::Sites, scope, rule.site_id.get(), None, "site_id", "site")
            .await?;
        if let Some(sector) = rule.sector_id {
            let mut q = Query::select();
            q.expr(Expr::val(1i64))
                .from(self.t(T::Sectors))
                .and_where(Expr::col("id").eq(sector.get()))
                .and_where(Expr::col("account_id").eq(scope.account().get()))
                .and_where(Expr::col("site_id").eq(rule.site_id.get()));
            let found: Option<i64> = self.db.conn().await?.optional(&q).await?;
            if found.is_none() {
                return Err(Error::field(
                    "sector_id",
                    format!("sector {sector} is not a sector of site {}", rule.site_id),
                ));
            }
        }
        Ok(())
    }

    /// The jobs of `rows`, attached.
    async fn attach_jobs(&self, rows: Vec<RunRow>) -> Result<Vec<AutomationRun>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let q = Query::select()
            .columns(Job::COLUMNS.iter().copied())
            .from(self.t(T::Jobs))
            .and_where(Expr::col("id").is_in(rows.iter().map(|r| r.job_id)))
            .to_owned();
        let jobs: Vec<Job> = self.db.conn().await?.all(&q).await?;
        let mut by_id: HashMap<i64, Job> = jobs.into_iter().map(|j| (j.id.get(), j)).collect();
        rows.into_iter()
            .map(|r| {
                let job = by_id.remove(&r.job_id).ok_or_else(|| {
                    Error::Internal(format!("the job of automation run {} is gone", r.id))
                })?;
                Ok(r.with(job))
            })
            .collect()
    }
}

impl AutomationStore for SqlStore {
    async fn create_rule(
        &self,
        scope: &Scope,
        settings: &RuleSettings,
        next_run_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<AutomationRule> {
        self.check_rule_refs(scope, settings).await?;
        let now = self.now_ms();
        let mut values = rule_values(settings, next_run_at);
        values.extend([
            ("account_id", scope.account().get().into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ]);
        let id = self
            .insert_row(T::AutomationRules, values, "this automation rule")
            .await?;
        self.get_rule(scope, AutomationRuleId(id)).await
    }

    async fn get_rule(&self, scope: &Scope, id: AutomationRuleId) -> Result<AutomationRule> {
        self.fetch_scoped(scope, id.get()).await
    }

    async fn list_rules(
        &self,
        scope: &Scope,
        f: &RuleFilter,
        page: &PageRequest,
    ) -> Result<Page<AutomationRule>> {
        let t = self.t(T::AutomationRules);
        let mut q = self.scoped::<AutomationRule>(scope);
        narrow(&mut q, &t)
            .eq("site_id", f.site_id)
            .eq("is_active", f.is_active);
        let spec = SortSpec::new(
            "id",
            false,
            |r: &AutomationRule| CursorValue::Int(r.id.get()),
            |r| r.id.get(),
        );
        self.list_page(q, t, &spec, page).await
    }

    async fn update_rule(
        &self,
        scope: &Scope,
        id: AutomationRuleId,
        settings: &RuleSettings,
        next_run_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<AutomationRule> {
        self.check_rule_refs(scope, settings).await?;
        let n = self
            .update_rows::<AutomationRule>(
                scope,
                &[id.get()],
                rule_values(settings, next_run_at),
                None,
                "this automation rule",
            )
            .await?;
        if n == 0 {
            return Err(id.not_found());
        }
        self.get_rule(scope, id).await
    }

    async fn delete_rules(&self, scope: &Scope, ids: &[AutomationRuleId]) -> Result<u64> {
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.delete_scoped::<AutomationRule>(scope, &ids).await
    }

    async fn due_rules(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        limit: u64,
    ) -> Result<Vec<AutomationRule>> {
        let q = Query::select()
            .columns(AutomationRule::COLUMNS.iter().copied())
            .from(self.t(T::AutomationRules))
            .and_where(Expr::col("is_active").eq(true))
            .and_where(Expr::col("next_run_at").lte(now.timestamp_millis()))
            .order_by("next_run_at", sea_query::Order::Asc)
            .limit(limit.clamp(1, 1000))
            .to_owned();
        self.db.conn().await?.all(&q).await
    }

    async fn start_run(
        &self,
        scope: &Scope,
        start: &RunStart<'_>,
    ) -> Result<Option<AutomationRun>> {
        let now = self.now_ms();
        let rule = start.rule;
        let mut tx = self.db.begin().await?;
        let mut touch = Query::update();
        touch
            .table(self.t(T::AutomationRules))
            .value("last_run_at", now)
            .and_where(Expr::col("id").eq(rule.id.get()))
            .and_where(Expr::col("account_id").eq(scope.account().get()));
        if let Some((seen, next)) = start.advance {
            touch
                .value("next_run_at", ms(next))
                .and_where(Expr::col("next_run_at").eq(seen.timestamp_millis()));
        }
        if tx.execute(&touch).await? == 0 {
            return if start.advance.is_some() {
                Ok(None)
            } else {
                Err(rule.id.not_found())
            };
        }
        let (cols, vals): (Vec<_>, Vec<SimpleExpr>) =
            Self::job_row(scope, start.job, now).into_iter().unzip();
        let job_id = tx
            .insert(
                &Query::insert()
                    .into_table(self.t(T::Jobs))
                    .columns(cols)
                    .values_panic(vals)
                    .to_owned(),
            )
            .await?;
        let (cols, vals): (Vec<_>, Vec<SimpleExpr>) = [
            ("account_id", scope.account().get().into()),
            ("site_id", rule.settings.site_id.get().into()),
            ("rule_id", rule.id.get().into()),
            ("job_id", job_id.into()),
            ("run_trigger", start.trigger.as_str().into()),
            (
                "scheduled_for",
                start.scheduled_for.timestamp_millis().into(),
            ),
            ("credits", 0i64.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ]
        .into_iter()
        .unzip();
        let run_id = tx
            .insert(
                &Query::insert()
                    .into_table(self.t(T::AutomationRuns))
                    .columns(cols)
                    .values_panic(vals)
                    .to_owned(),
            )
            .await?;
        // The run's job finds its run by the id in its payload.
        let mut payload = start.job.payload.clone();
        if let Some(o) = payload.as_object_mut() {
            o.insert("run_id".into(), run_id.into());
        }
        tx.execute(
            &Query::update()
                .table(self.t(T::Jobs))
                .value("payload", to_json(&payload))
                .and_where(Expr::col("id").eq(job_id))
                .to_owned(),
        )
        .await?;
        tx.commit().await?;
        self.get_run(scope, AutomationRunId(run_id)).await.map(Some)
    }

    async fn get_run(&self, scope: &Scope, id: AutomationRunId) -> Result<AutomationRun> {
        let row: RunRow = self.fetch_scoped(scope, id.get()).await?;
        let mut runs = self.attach_jobs(vec![row]).await?;
        runs.pop().ok_or_else(|| id.not_found())
    }

    async fn list_runs(
        &self,
        scope: &Scope,
        f: &RunFilter,
        page: &PageRequest,
    ) -> Result<Page<AutomationRun>> {
        let t = self.t(T::AutomationRuns);
        let mut q = self.scoped::<RunRow>(scope);
        narrow(&mut q, &t)
            .eq("rule_id", f.rule_id)
            .eq("site_id", f.site_id);
        let spec = SortSpec::new("id", true, |r: &RunRow| CursorValue::Int(r.id), |r| r.id);
        let rows = self.list_page(q, t, &spec, page).await?;
        let Page {
            items,
            total,
            page,
            page_size,
            next_cursor,
        } = rows;
        Ok(Page {
            items: self.attach_jobs(items).await?,
            total,
            page,
            page_size,
            next_cursor,
        })
    }

    async fn set_run_credits(
        &self,
        scope: &Scope,
        id: AutomationRunId,
        credits: i64,
    ) -> Result<()> {
        self.update_rows::<RunRow>(
            scope,
            &[id.get()],
            vec![("credits", credits.into())],
            None,
            "this automation run",
        )
        .await?;
        Ok(())
    }

    async fn rule_credits_since(
        &self,
        scope: &Scope,
        id: AutomationRuleId,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<i64> {
        let q = Query::select()
            .expr(Expr::cust(format!(
                "CAST(COALESCE(SUM(credits), 0) AS {})",
                self.int_type()
            )))
            .from(self.t(T::AutomationRuns))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("rule_id").eq(id.get()))
            .and_where(Expr::col("created_at").gte(since.timestamp_millis()))
            .to_owned();
        let sum: i64 = self.db.conn().await?.one(&q).await?;
        Ok(sum)
    }

    async fn set_last_slot(
        &self,
        scope: &Scope,
        id: AutomationRuleId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        let q = Query::update()
            .table(self.t(T::AutomationRules))
            .value("last_slot_at", at.timestamp_millis())
            .and_where(Expr::col("id").eq(id.get()))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .to_owned();
        self.db.conn().await?.execute(&q).await?;
        Ok(())
    }
}
