//! One automation run: the rule's stages in order. Each AI stage picks its items, fits them
//! to what is left of the budgets, queues the AI function's own job and runs it in this
//! worker (or waits for the worker that took it), keeping the run's lease alive meanwhile.
//! The run's checkpoint (stages done, stage jobs in flight) is kept in its job row, so a
//! worker that takes the run over goes on where it stopped.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::schedule::{month_start, next_slots};
use super::*;
use crate::Igny8;
use crate::ai::functions::run_job;
use crate::error::{Error, Result};
use crate::jobs::{JobKind, JobStatus, Outcome, Progress};
use crate::list::PageRequest;
use crate::planner::{
    ClusterFilter, ClusterSort, ClusterSortField, IdeaFilter, IdeaSort, IdeaSortField, IdeaStatus,
    KeywordFilter, KeywordSort, KeywordSortField, QueueDefaults,
};
use crate::publish::{PostStatus, PublishInput};
use crate::store::Store;
use crate::tenancy::Scope;
use crate::writer::{
    ContentFilter, ContentSort, ContentSortField, ContentStatus, ImageFilter, ImageStatus,
    TaskFilter, TaskSort, TaskSortField, TaskStatus,
};

/// Candidates read per page when a stage looks for items that a filter can't express alone.
const SCAN_PAGE: u64 = 100;
/// Pages a stage reads at most looking for such items.
const SCAN_PAGES: u64 = 10;

#[derive(Debug, Deserialize)]
struct Payload {
    rule_id: i64,
    run_id: i64,
}

/// What a run has done so far, kept in its job's `result`.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Checkpoint {
    #[serde(default)]
    stages: Vec<StageReport>,
    /// The stage whose jobs are queued or running.
    #[serde(default)]
    current: Option<InFlight>,
}

impl Checkpoint {
    fn credits(&self) -> i64 {
        self.stages.iter().map(|s| s.credits).sum()
    }

    fn result(&self) -> Value {
        json!({
            "stages": self.stages,
            "credits": self.credits(),
            "items": self.stages.iter().map(|s| s.items).sum::<u64>(),
        })
    }
}

/// A stage whose jobs were queued: enough to finish it after a takeover.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct InFlight {
    stage: Stage,
    jobs: Vec<JobId>,
    message: String,
    #[serde(default)]
    detail: Value,
}

/// Why a run stops before its end.
enum Halt {
    /// Another worker has the run now.
    LeaseLost,
    /// Someone cancelled it.
    Cancelled,
    /// Something that may work on a later attempt (the database, a provider outage).
    Failed(Error),
}

impl From<Error> for Halt {
    fn from(e: Error) -> Self {
        if matches!(e, Error::LeaseLost(_)) {
            Halt::LeaseLost
        } else {
            Halt::Failed(e)
        }
    }
}

struct Ctx<'a, S> {
    core: &'a Igny8<S>,
    scope: Scope,
    job: &'a Job,
    worker: &'a str,
    lease: Duration,
    rule: AutomationRule,
    run: AutomationRunId,
    /// The account's `images.enabled`: off, the image stages are skipped and drafts are
    /// published without waiting for their images.
    images: bool,
}

fn report(stage: Stage, status: &str, message: impl Into<String>) -> StageReport {
    StageReport {
        stage,
        status: status.into(),
        items: 0,
        credits: 0,
        job_id: None,
        message: message.into(),
        detail: Value::Null,
    }
}

/// Runs an `automation_run` job to its outcome (`None`: another worker took it over).
///
/// Boxed, because a run runs its stages' jobs through [`run_job`], which runs this.
pub fn run_automation<'a, S: Store>(
    core: &'a Igny8<S>,
    job: &'a Job,
    worker: &'a str,
    lease: Duration,
) -> Pin<Box<dyn Future<Output = Option<Outcome>> + Send + 'a>> {
    Box::pin(run(core, job, worker, lease))
}

async fn run<S: Store>(
    core: &Igny8<S>,
    job: &Job,
    worker: &str,
    lease: Duration,
) -> Option<Outcome> {
    let failed = |error: String, retry: Option<i64>| Outcome::Failed {
        error,
        retry_after_secs: retry,
    };
    let payload: Payload = match serde_json::from_value(job.payload.clone()) {
        Ok(p) => p,
        Err(e) => return Some(failed(format!("not an automation run: {e}"), None)),
    };
    let scope = Scope::system(job.account_id);
    let rule = match core
        .store()
        .get_rule(&scope, AutomationRuleId(payload.rule_id))
        .await
    {
        Ok(r) => r,
        Err(Error::NotFound { .. }) => {
            return Some(failed("its automation rule was deleted".into(), None));
        }
        Err(e) => return Some(failed(e.to_string(), Some(30))),
    };
    let images = match core.system().defaults(&scope).await {
        Ok(d) => d.images_enabled,
        Err(e) => return Some(failed(e.to_string(), Some(30))),
    };
    let mut checkpoint: Checkpoint = job
        .result
        .as_ref()
        .and_then(|r| serde_json::from_value(r.clone()).ok())
        .unwrap_or_default();
    let ctx = Ctx {
        core,
        scope,
        job,
        worker,
        lease,
        rule,
        run: AutomationRunId(payload.run_id),
        images,
    };
    match ctx.stages(&mut checkpoint).await {
        Ok(()) => Some(Outcome::Succeeded(checkpoint.result())),
        Err(Halt::LeaseLost) => None,
        Err(Halt::Cancelled) => Some(Outcome::Cancelled),
        Err(Halt::Failed(e)) => Some(failed(e.to_string(), Some(30))),
    }
}

impl<S: Store> Ctx<'_, S> {
    /// Reports progress on the run (keeping its lease); `Halt::Cancelled` when asked to stop.
    async fn progress(
        &self,
        percent: i64,
        phase: &str,
        message: String,
        checkpoint: Option<&Checkpoint>,
    ) -> Result<(), Halt> {
        let mut p = Progress::new(percent, phase, message);
        p.checkpoint = checkpoint.and_then(|c| serde_json::to_value(c).ok());
        match self
            .core
            .jobs()
            .report(self.job.id, self.worker, &p, self.lease)
            .await
        {
            Ok(false) => Ok(()),
            Ok(true) => Err(Halt::Cancelled),
            Err(e) => Err(e.into()),
        }
    }

    async fn stages(&self, checkpoint: &mut Checkpoint) -> Result<(), Halt> {
        let total = self.rule.settings.stages.len().max(1) as i64;
        for (i, stage) in self.rule.settings.stages.iter().copied().enumerate() {
            if checkpoint.stages.iter().any(|r| r.stage == stage) {
                continue;
            }
            let percent = 2 + 96 * i as i64 / total;
            self.progress(
                percent,
                stage.as_str(),
                format!("{stage}: starting"),
                Some(checkpoint),
            )
            .await?;
            let done = match checkpoint.current.clone() {
                Some(flight) if flight.stage == stage => self.finish(flight).await?,
                _ if !self.images && matches!(stage, Stage::ImagePrompts | Stage::Images) => {
                    report(
                        stage,
                        "skipped",
                        "skipped: images are turned off in the account's settings",
                    )
                }
                _ => self.stage(stage, checkpoint).await?,
            };
            tracing::info!(run = self.run.get(), %stage, status = %done.status, items = done.items, credits = done.credits, "automation stage");
            checkpoint.current = None;
            checkpoint.stages.push(done);
            self.core
                .store()
                .set_run_credits(&self.scope, self.run, checkpoint.credits())
                .await?;
            let percent = 2 + 96 * (i as i64 + 1) / total;
            self.progress(
                percent,
                stage.as_str(),
                format!("{stage}: finished"),
                Some(checkpoint),
            )
            .await?;
        }
        Ok(())
    }

    async fn stage(&self, stage: Stage, checkpoint: &mut Checkpoint) -> Result<StageReport, Halt> {
        match stage {
            Stage::Queue => self.queue().await,
            Stage::Publish => self.publish(checkpoint).await,
            _ => self.ai_stage(stage, checkpoint).await,
        }
    }

    fn site_scope(&self) -> (Option<SiteId>, Option<SectorId>) {
        (
            Some(self.rule.settings.site_id),
            self.rule.settings.sector_id,
        )
    }

    /// The credits left of the run's and the month's budgets, whichever is less, with which.
    async fn left(&self, checkpoint: &Checkpoint) -> Result<Option<(i64, &'static str)>> {
        let mut left: Option<(i64, &'static str)> = None;
        if let Some(b) = self.rule.settings.budget_per_run {
            left = Some((b - checkpoint.credits(), "the run's budget"));
        }
        if let Some(b) = self.rule.settings.budget_per_month {
            let tz = self.rule.settings.timezone;
            let since = month_start(self.core.now(), tz);
            let used = self
                .core
                .store()
                .rule_credits_since(&self.scope, self.rule.id, since)
                .await?;
            let month = b - used;
            if left.is_none_or(|(l, _)| month < l) {
                left = Some((month, "this month's budget"));
            }
        }
        Ok(left.map(|(l, which)| (l.max(0), which)))
    }

    /// The items of an AI stage, best first, and the options of its function.
    async fn pick(&self, stage: Stage) -> Result<(JobKind, Vec<i64>, Value)> {
        let core = self.core;
        let scope = &self.scope;
        let (site_id, sector_id) = self.site_scope();
        let n = self.rule.settings.items_per_run as u64;
        Ok(match stage {
            Stage::Cluster => {
                let filter = KeywordFilter {
                    site_id,
                    sector_id,
                    has_cluster: Some(false),
                    ..Default::default()
                };
                let sort = KeywordSort {
                    field: KeywordSortField::Volume,
                    descending: true,
                };
                let page = core
                    .keywords()
                    .list(
                        scope,
                        &filter,
                        &sort,
                        &PageRequest::new(1, self.rule.settings.keywords_per_run as u64),
                    )
                    .await?;
                (
                    JobKind::AutoCluster,
                    page.items.iter().map(|k| k.id.get()).collect(),
                    json!({ "mode": self.rule.settings.cluster_mode }),
                )
            }
            Stage::Ideas => {
                // Clusters without ideas, the largest search volume first.
                let filter = ClusterFilter {
                    site_id,
                    sector_id,
                    has_ideas: Some(false),
                    ..Default::default()
                };
                let sort = ClusterSort {
                    field: ClusterSortField::Id,
                    descending: false,
                };
                let mut clusters = core
                    .clusters()
                    .list(scope, &filter, &sort, &PageRequest::new(1, SCAN_PAGE * 5))
                    .await?
                    .items;
                clusters.sort_by_key(|c| (std::cmp::Reverse(c.total_volume), c.id));
                let mut options = json!({});
                if let Some(i) = self.rule.settings.ideas_per_cluster {
                    options["ideas_per_cluster"] = i.into();
                }
                (
                    JobKind::GenerateIdeas,
                    clusters
                        .iter()
                        .take(n as usize)
                        .map(|c| c.id.get())
                        .collect(),
                    options,
                )
            }
            Stage::Content => {
                let filter = TaskFilter {
                    site_id,
                    sector_id,
                    status: Some(TaskStatus::Queued),
                    ..Default::default()
                };
                let sort = TaskSort {
                    field: TaskSortField::Id,
                    descending: false,
                };
                let page = core
                    .tasks()
                    .list(scope, &filter, &sort, &PageRequest::new(1, n))
                    .await?;
                let mut options = json!({});
                if let Some(w) = self.rule.settings.word_count {
                    options["word_count"] = w.into();
                }
                (
                    JobKind::GenerateContent,
                    page.items.iter().map(|t| t.id.get()).collect(),
                    options,
                )
            }
            Stage::ImagePrompts => {
                // Drafts that have no images planned yet.
                let mut ids = Vec::new();
                self.scan_content(|c, images| {
                    if images == 0 {
                        ids.push(c);
                    }
                    ids.len() as u64 >= n
                })
                .await?;
                (JobKind::GenerateImagePrompts, ids, json!({}))
            }
            Stage::Images => {
                let filter = ImageFilter {
                    site_id,
                    sector_id,
                    status: Some(ImageStatus::Pending),
                    ..Default::default()
                };
                // The pending images of up to `n` drafts (an item is an article here too, so
                // images keep pace with the articles written).
                let page = core
                    .images()
                    .list(scope, &filter, &PageRequest::new(1, SCAN_PAGE * 10))
                    .await?;
                let mut drafts = Vec::new();
                let mut ids = Vec::new();
                for image in &page.items {
                    let owner = image.content_id.map(|c| c.get());
                    if !drafts.contains(&owner) {
                        if drafts.len() as u64 >= n {
                            continue;
                        }
                        drafts.push(owner);
                    }
                    ids.push(image.id.get());
                }
                (JobKind::GenerateImages, ids, json!({}))
            }
            Stage::Queue | Stage::Publish => unreachable!("not an AI stage"),
        })
    }

    /// Walks the rule's unpublished drafts, oldest first, telling `take` each one's id and how
    /// many of its images are planned; stops when `take` says so.
    async fn scan_content(&self, mut take: impl FnMut(i64, usize) -> bool) -> Result<()> {
        self.scan_drafts(|c, images| take(c.id.get(), images.len()))
            .await
    }

    async fn scan_drafts(
        &self,
        mut take: impl FnMut(&crate::writer::Content, &[crate::writer::Image]) -> bool,
    ) -> Result<()> {
        let (site_id, sector_id) = self.site_scope();
        let filter = ContentFilter {
            site_id,
            sector_id,
            status: Some(ContentStatus::Draft),
            ..Default::default()
        };
        let sort = ContentSort {
            field: ContentSortField::Id,
            descending: false,
        };
        for page in 1..=SCAN_PAGES {
            let contents = self
                .core
                .contents()
                .list(
                    &self.scope,
                    &filter,
                    &sort,
                    &PageRequest::new(page, SCAN_PAGE),
                )
                .await?;
            for c in contents.items.iter().filter(|c| c.wp_post_id.is_none()) {
                let images = crate::ai::functions::images_of(self.core, &self.scope, c.id).await?;
                if take(c, &images) {
                    return Ok(());
                }
            }
            if !contents.has_more() && contents.items.len() < SCAN_PAGE as usize {
                break;
            }
        }
        Ok(())
    }

    /// Fits `ids` to the budgets: all of them, fewer (with a note), or none (skipped).
    async fn fit(
        &self,
        kind: JobKind,
        mut ids: Vec<i64>,
        options: &Value,
        left: Option<(i64, &'static str)>,
    ) -> Result<std::result::Result<(Vec<i64>, String), String>> {
        let payload = |ids: &[i64]| {
            let mut p = options.clone();
            p["ids"] = json!(ids);
            p
        };
        let ai = self.core.ai();
        let mut estimate = ai.estimate(&self.scope, kind, &payload(&ids)).await?;
        let Some((left, which)) = left else {
            return Ok(Ok((ids, String::new())));
        };
        let wanted = ids.len();
        while estimate.credits > left && ids.len() > 1 {
            let share = (ids.len() as i64 * left / estimate.credits.max(1)) as usize;
            ids.truncate(share.clamp(1, ids.len() - 1));
            estimate = ai.estimate(&self.scope, kind, &payload(&ids)).await?;
        }
        if estimate.credits > left {
            return Ok(Err(format!(
                "skipped: it needs {} credits and {left} are left of {which}",
                estimate.credits
            )));
        }
        let note = if ids.len() < wanted {
            format!(
                "limited to {} of {wanted} items by {which} ({left} credits left)",
                ids.len()
            )
        } else {
            String::new()
        };
        Ok(Ok((ids, note)))
    }

    async fn ai_stage(
        &self,
        stage: Stage,
        checkpoint: &mut Checkpoint,
    ) -> Result<StageReport, Halt> {
        let (kind, ids, options) = self.pick(stage).await?;
        if ids.is_empty() {
            return Ok(report(stage, "nothing_to_do", "nothing to do"));
        }
        let left = self.left(checkpoint).await?;
        let (ids, note) = match self.fit(kind, ids, &options, left).await {
            Ok(Ok(fitted)) => fitted,
            Ok(Err(skipped)) => return Ok(report(stage, "skipped", skipped)),
            Err(e) if e.code().is_user_error() => {
                return Ok(report(stage, "failed", e.to_string()));
            }
            Err(e) => return Err(e.into()),
        };
        let mut payload = options;
        payload["ids"] = json!(ids);
        let child = match self.core.ai().start(&self.scope, kind, payload).await {
            Ok((job, _)) => job,
            Err(e) if e.code().is_user_error() => {
                return Ok(report(stage, "failed", e.to_string()));
            }
            Err(e) => return Err(e.into()),
        };
        let flight = InFlight {
            stage,
            jobs: vec![child.id],
            message: note,
            detail: Value::Null,
        };
        checkpoint.current = Some(flight.clone());
        self.progress(
            self.job.progress,
            stage.as_str(),
            format!("{stage}: {} items", ids.len()),
            Some(checkpoint),
        )
        .await?;
        self.finish(flight).await
    }

    /// Runs (or waits for) a stage's jobs and reports what they did.
    async fn finish(&self, flight: InFlight) -> Result<StageReport, Halt> {
        let mut done = report(flight.stage, "done", flight.message.clone());
        done.detail = flight.detail.clone();
        done.job_id = flight.jobs.first().copied();
        let (mut ok, mut failed, mut cancelled) = (0, Vec::new(), false);
        for id in &flight.jobs {
            let job = self.drive(*id).await?;
            let result = job.result.clone().unwrap_or(Value::Null);
            done.credits += result
                .get("credits_charged")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            done.items += result.get("done").and_then(Value::as_u64).unwrap_or(
                // The free local clustering reports its own counts.
                u64::from(job.status == JobStatus::Succeeded),
            );
            match job.status {
                JobStatus::Succeeded => ok += 1,
                JobStatus::Cancelled => cancelled = true,
                _ => failed.push(job.error.unwrap_or_else(|| "failed".into())),
            }
            if flight.jobs.len() == 1 {
                done.detail = result;
            }
        }
        if cancelled {
            return Err(Halt::Cancelled);
        }
        if !failed.is_empty() {
            done.status = if ok == 0 { "failed" } else { "partial" }.into();
            let errors = failed.join("; ");
            done.message = if done.message.is_empty() {
                errors
            } else {
                format!("{}; {errors}", done.message)
            };
        }
        Ok(done)
    }

    /// Runs job `id` in this worker if it is due, else waits for whoever has it; keeps the
    /// run's lease meanwhile and passes a cancel on. The job, finished.
    async fn drive(&self, id: JobId) -> Result<Job, Halt> {
        let beat = (self.lease / 3).max(Duration::from_millis(500));
        let mut cancel_sent = false;
        let mut lost = false;
        loop {
            let job = self.core.jobs().get(&self.scope, id).await?;
            if job.status.is_finished() {
                return if lost { Err(Halt::LeaseLost) } else { Ok(job) };
            }
            let work = async {
                match self.core.jobs().claim_id(id, self.worker, self.lease).await {
                    Ok(Some(claimed)) => {
                        // In a task of its own (stopped if this run stops waiting for it): a
                        // stage's job polled inside the run's future nests deeper than a debug
                        // build's worker stack holds.
                        let (core, worker, lease) =
                            (self.core.clone(), self.worker.to_owned(), self.lease);
                        let stage =
                            tokio_util::task::AbortOnDropHandle::new(tokio::spawn(async move {
                                run_job(&core, &claimed, &worker, lease).await
                            }));
                        match stage.await {
                            Ok(Some(outcome)) => {
                                if let Err(e) =
                                    self.core.jobs().finish(id, self.worker, &outcome).await
                                {
                                    tracing::warn!(job = id.get(), error = %e, "could not finish a stage job");
                                }
                            }
                            Ok(None) => {}
                            Err(e) => {
                                tracing::warn!(job = id.get(), error = %e, "a stage job's task failed");
                            }
                        }
                    }
                    Ok(None) => tokio::time::sleep(beat).await,
                    Err(e) => {
                        tracing::warn!(job = id.get(), error = %e, "could not claim a stage job");
                        tokio::time::sleep(beat).await;
                    }
                }
            };
            tokio::pin!(work);
            let mut ticks = tokio::time::interval(beat);
            ticks.tick().await;
            loop {
                tokio::select! {
                    _ = &mut work => break,
                    _ = ticks.tick() => {
                        if lost {
                            continue;
                        }
                        let p = Progress::new(self.job.progress.max(1), "waiting", format!("job {id} is running"));
                        match self.core.jobs().report(self.job.id, self.worker, &p, self.lease).await {
                            Ok(true) if !cancel_sent => {
                                cancel_sent = true;
                                let _ = self.core.jobs().cancel(&self.scope, id).await;
                            }
                            Ok(_) => {}
                            Err(Error::LeaseLost(_)) => lost = true,
                            Err(e) => tracing::warn!(run = self.job.id.get(), error = %e, "could not report on the run"),
                        }
                    }
                }
            }
            // A cancel that arrived while nothing was running is passed on too.
            if !cancel_sent && !lost {
                let p = Progress::new(self.job.progress.max(1), "waiting", format!("job {id}"));
                match self
                    .core
                    .jobs()
                    .report(self.job.id, self.worker, &p, self.lease)
                    .await
                {
                    Ok(true) => {
                        cancel_sent = true;
                        let _ = self.core.jobs().cancel(&self.scope, id).await;
                    }
                    Ok(false) => {}
                    Err(Error::LeaseLost(_)) => lost = true,
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }

    /// Queues the best new ideas: those of the clusters with the most search volume.
    async fn queue(&self) -> Result<StageReport, Halt> {
        let (site_id, sector_id) = self.site_scope();
        let filter = IdeaFilter {
            site_id,
            sector_id,
            status: Some(IdeaStatus::New),
            ..Default::default()
        };
        let sort = IdeaSort {
            field: IdeaSortField::Id,
            descending: false,
        };
        let ideas = self
            .core
            .ideas()
            .list(
                &self.scope,
                &filter,
                &sort,
                &PageRequest::new(1, SCAN_PAGE * 5),
            )
            .await?
            .items;
        if ideas.is_empty() {
            return Ok(report(Stage::Queue, "nothing_to_do", "nothing to do"));
        }
        let mut cluster_ids: Vec<_> = ideas.iter().filter_map(|i| i.cluster_id).collect();
        cluster_ids.sort();
        cluster_ids.dedup();
        let volume: HashMap<_, i64> = if cluster_ids.is_empty() {
            HashMap::new()
        } else {
            let filter = ClusterFilter {
                ids: Some(cluster_ids.clone()),
                ..Default::default()
            };
            let sort = ClusterSort {
                field: ClusterSortField::Id,
                descending: false,
            };
            self.core
                .clusters()
                .list(
                    &self.scope,
                    &filter,
                    &sort,
                    &PageRequest::new(1, cluster_ids.len() as u64),
                )
                .await?
                .items
                .into_iter()
                .map(|c| (c.id, c.total_volume))
                .collect()
        };
        let mut ranked = ideas;
        ranked.sort_by_key(|i| {
            (
                std::cmp::Reverse(
                    i.cluster_id
                        .and_then(|c| volume.get(&c).copied())
                        .unwrap_or(0),
                ),
                i.id,
            )
        });
        let ids: Vec<_> = ranked
            .iter()
            .take(self.rule.settings.items_per_run as usize)
            .map(|i| i.id)
            .collect();
        let defaults = QueueDefaults {
            target_word_count: self.rule.settings.word_count,
            ..Default::default()
        };
        match self
            .core
            .ideas()
            .queue_to_writer(&self.scope, &ids, defaults)
            .await
        {
            Ok(queued) => {
                let mut done = report(Stage::Queue, "done", "");
                done.items = queued.tasks.len() as u64;
                done.detail = json!({
                    "tasks": queued.tasks.iter().map(|t| t.id.get()).collect::<Vec<_>>(),
                    "conflicts": queued.conflicts,
                });
                Ok(done)
            }
            Err(e) if e.code().is_user_error() => Ok(report(Stage::Queue, "failed", e.to_string())),
            Err(e) => Err(e.into()),
        }
    }

    /// Publishes finished drafts (every image generated or failed; any draft when the
    /// account's images are turned off) as drafts, or schedules them into the next free
    /// slots.
    async fn publish(&self, checkpoint: &mut Checkpoint) -> Result<StageReport, Halt> {
        let site = self
            .core
            .store()
            .get_site(&self.scope, self.rule.settings.site_id)
            .await?;
        if site.wordpress.is_none() {
            return Ok(report(
                Stage::Publish,
                "skipped",
                "skipped: the site is not connected to WordPress",
            ));
        }
        let n = self.rule.settings.items_per_run as usize;
        let mut ready = Vec::new();
        self.scan_drafts(|c, images| {
            if !self.images
                || images
                    .iter()
                    .all(|i| matches!(i.status, ImageStatus::Generated | ImageStatus::Failed))
            {
                ready.push(c.id);
            }
            ready.len() >= n
        })
        .await?;
        if ready.is_empty() {
            return Ok(report(Stage::Publish, "nothing_to_do", "nothing to do"));
        }
        let wordpress = self.core.wordpress();
        let mut jobs = Vec::new();
        let mut detail = json!({});
        let mut message = String::new();
        match self.rule.settings.publish_mode {
            PublishMode::Draft => {
                let input = PublishInput {
                    ids: ready,
                    status: Some(PostStatus::Draft),
                    date: None,
                    recreate: false,
                };
                match wordpress.start(&self.scope, input).await {
                    Ok(job) => jobs.push(job.id),
                    Err(e) if e.code().is_user_error() => {
                        return Ok(report(Stage::Publish, "failed", e.to_string()));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            PublishMode::Schedule => {
                let tz = self.rule.settings.timezone;
                let now = self.core.now();
                let after = self.rule.last_slot_at.map_or(now, |l| l.max(now));
                let slots = next_slots(&self.rule.settings.publish_slots, tz, after, ready.len());
                if slots.len() < ready.len() {
                    message = format!("{} of {} drafts got a slot", slots.len(), ready.len());
                }
                let mut given = Vec::new();
                let mut last = None;
                for (content, at) in ready.iter().zip(&slots) {
                    let input = PublishInput {
                        ids: vec![*content],
                        status: Some(PostStatus::Future),
                        date: Some(*at),
                        recreate: false,
                    };
                    match wordpress.start(&self.scope, input).await {
                        Ok(job) => {
                            jobs.push(job.id);
                            last = Some(*at);
                            given.push(json!({ "content": content.get(), "at": at }));
                        }
                        Err(e) if e.code().is_user_error() => {
                            given.push(json!({ "content": content.get(), "error": e.to_string() }));
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                if let Some(last) = last {
                    self.core
                        .store()
                        .set_last_slot(&self.scope, self.rule.id, last)
                        .await?;
                }
                detail = json!({ "slots": given });
            }
        }
        if jobs.is_empty() {
            let mut r = report(Stage::Publish, "failed", "no post could be queued");
            r.detail = detail;
            return Ok(r);
        }
        let flight = InFlight {
            stage: Stage::Publish,
            jobs,
            message,
            detail,
        };
        checkpoint.current = Some(flight.clone());
        self.progress(
            self.job.progress,
            "publish",
            "publish: sending posts".into(),
            Some(checkpoint),
        )
        .await?;
        let mut done = self.finish(flight.clone()).await?;
        if self.rule.settings.publish_mode == PublishMode::Schedule {
            done.detail = flight.detail;
        }
        Ok(done)
    }
}
