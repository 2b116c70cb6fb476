//! Starting AI functions as jobs, estimating them, and running them in a worker.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::*;
use crate::Igny8;
use crate::error::{Error, Result};
use crate::ids::{KeywordId, SectorId, SiteId};
use crate::jobs::{Job, JobKind, NewJob, Outcome, Progress};
use crate::planner::clustering::{Language, LocalClusterOptions};
use crate::store::Store;
use crate::tenancy::{Permission, Scope};

/// What an AI operation will cost, before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    /// The job kind it runs as.
    pub kind: JobKind,
    /// Units of work (clusters, tasks, images, keyword batches…).
    pub units: u64,
    /// Credits held when it starts; it is charged for what it does, never more.
    pub credits: i64,
    /// The account's credits now; `None` for a key restricted to one site, which doesn't see
    /// the account's balance (`enough` still says whether it covers the work).
    pub balance: Option<i64>,
    /// Whether the balance covers it.
    pub enough: bool,
}

/// The AI functions of an account: estimate, start, test an image.
#[derive(Debug)]
pub struct Ai<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Igny8<S> {
    /// The AI functions.
    pub fn ai(&self) -> Ai<'_, S> {
        Ai { core: self }
    }
}

/// The payload of a local clustering job.
#[derive(Debug, Deserialize)]
struct LocalClusterPayload {
    sector_id: i64,
    #[serde(default)]
    min_cluster_size: Option<usize>,
    #[serde(default)]
    language: Option<String>,
}

fn input<T: serde::de::DeserializeOwned>(kind: JobKind, payload: &Value) -> Result<T> {
    serde_json::from_value(payload.clone())
        .map_err(|e| Error::field("payload", format!("is not a valid {kind} request: {e}")))
}

async fn units_and_credits<S: Store, F: AiFunction>(
    core: &Igny8<S>,
    scope: &Scope,
    function: &F,
    payload: &Value,
) -> Result<(u64, i64)> {
    let input: F::Input = input(function.kind(), payload)?;
    let units = function.validate(core, scope, &input).await?;
    let prices = &core.ai_config().credit_prices;
    Ok((
        units.len() as u64,
        units.iter().map(|u| prices.credits(u.estimate)).sum(),
    ))
}

fn to_payload<T: Serialize>(input: &T) -> Result<Value> {
    serde_json::to_value(input).map_err(|e| Error::Internal(e.to_string()))
}

impl<S: Store> Ai<'_, S> {
    /// What running `kind` on `payload` would cost, checking the payload as the job will
    /// (ids exist and are the account's, options in range) without calling any model. Options
    /// the payload leaves out are the account's settings, as [`start`](Self::start) fills
    /// them in.
    pub async fn estimate(
        &self,
        scope: &Scope,
        kind: JobKind,
        payload: &Value,
    ) -> Result<Estimate> {
        scope.require(Permission::Read)?;
        let payload = self.with_defaults(scope, kind, payload).await?;
        self.estimate_filled(scope, kind, &payload).await
    }

    /// `payload` with the options it leaves out (absent or `null`; a blank style too) taken
    /// from the account's settings ([`Defaults`](crate::system::Defaults)), so that a queued
    /// job carries every value it runs with and its estimate prices exactly that: Generate
    /// Ideas' `ideas_per_cluster` (`ideas.per_cluster`); Generate Image Prompts' `in_article`,
    /// `style` and `size` (`images.in_article_count`, `images.style`, `images.size`); Generate
    /// Images' `style` (`images.style`). Options given are kept, and a payload that doesn't
    /// parse is returned as it is, for validation to refuse. Other kinds are unchanged.
    async fn with_defaults(&self, scope: &Scope, kind: JobKind, payload: &Value) -> Result<Value> {
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        let system = self.core.system();
        match kind {
            JobKind::GenerateIdeas => {
                let Ok(mut i) = input::<GenerateIdeasInput>(kind, payload) else {
                    return Ok(payload.clone());
                };
                if i.ideas_per_cluster.is_some() {
                    return Ok(payload.clone());
                }
                i.ideas_per_cluster = Some(system.defaults(scope).await?.ideas_per_cluster);
                to_payload(&i)
            }
            JobKind::GenerateImagePrompts => {
                let Ok(mut i) = input::<GenerateImagePromptsInput>(kind, payload) else {
                    return Ok(payload.clone());
                };
                if i.in_article.is_some()
                    && !blank(&i.style)
                    && i.size.is_some()
                    && i.featured_size.is_some()
                {
                    return Ok(payload.clone());
                }
                let d = system.defaults(scope).await?;
                i.in_article.get_or_insert(d.in_article);
                if blank(&i.style) {
                    i.style = Some(d.image_style);
                }
                i.size.get_or_insert(d.image_size);
                i.featured_size.get_or_insert(d.featured_image_size);
                to_payload(&i)
            }
            JobKind::GenerateImages => {
                let Ok(mut i) = input::<GenerateImagesInput>(kind, payload) else {
                    return Ok(payload.clone());
                };
                if !blank(&i.style) {
                    return Ok(payload.clone());
                }
                i.style = Some(system.defaults(scope).await?.image_style);
                to_payload(&i)
            }
            _ => Ok(payload.clone()),
        }
    }

    /// [`estimate`](Self::estimate) of a payload [`with_defaults`](Self::with_defaults) has
    /// filled in.
    async fn estimate_filled(
        &self,
        scope: &Scope,
        kind: JobKind,
        payload: &Value,
    ) -> Result<Estimate> {
        let core = self.core;
        let mut runs_as = kind;
        let (units, credits) = match kind {
            JobKind::AutoCluster => {
                let i: AutoClusterInput = input(kind, payload)?;
                if i.mode == ClusterMode::Local {
                    let payload = self.local_payload(scope, &i).await?;
                    let _: LocalClusterPayload = input(JobKind::LocalCluster, &payload)?;
                    runs_as = JobKind::LocalCluster;
                    (1, 0)
                } else {
                    units_and_credits(core, scope, &AutoCluster, payload).await?
                }
            }
            JobKind::LocalCluster => {
                let p: LocalClusterPayload = input(kind, payload)?;
                core.tenancy().sector(scope, SectorId(p.sector_id)).await?;
                (1, 0)
            }
            JobKind::GenerateIdeas => {
                units_and_credits(core, scope, &GenerateIdeas, payload).await?
            }
            JobKind::GenerateContent => {
                units_and_credits(core, scope, &GenerateContent, payload).await?
            }
            JobKind::GenerateImagePrompts => {
                units_and_credits(core, scope, &GenerateImagePrompts, payload).await?
            }
            JobKind::GenerateImages => {
                units_and_credits(core, scope, &GenerateImages, payload).await?
            }
            other => {
                return Err(Error::field(
                    "operation",
                    format!("{other} is not an AI function"),
                ));
            }
        };
        let balance = core.store().credit_balance(scope).await?;
        Ok(Estimate {
            kind: runs_as,
            units,
            credits,
            balance: scope.site().is_none().then_some(balance),
            enough: balance >= credits,
        })
    }

    /// The local clustering payload for an Auto Cluster request in local mode: its sector, or
    /// the sector of its first keyword (local clustering takes a whole sector).
    async fn local_payload(&self, scope: &Scope, i: &AutoClusterInput) -> Result<Value> {
        let sector = match (i.sector_id, i.ids.first()) {
            (Some(s), _) => s,
            (None, Some(k)) => self.core.keywords().get(scope, *k).await?.sector_id,
            (None, None) => {
                return Err(Error::field(
                    "ids",
                    "name the keywords to cluster, or give a sector_id",
                ));
            }
        };
        self.core.tenancy().sector(scope, sector).await?;
        Ok(json!({
            "sector_id": sector.get(),
            "min_cluster_size": i.min_cluster_size,
            "language": i.language,
        }))
    }

    /// Checks `payload`, makes sure the account can afford it (insufficient credits fail here,
    /// before any model call), and queues the job. Auto Cluster in local mode queues the free
    /// local clustering. Options the payload leaves out are filled in from the account's
    /// settings first, so the queued job names every value it runs with.
    pub async fn start(
        &self,
        scope: &Scope,
        kind: JobKind,
        payload: Value,
    ) -> Result<(Job, Estimate)> {
        scope.require(Permission::Write)?;
        let payload = self.with_defaults(scope, kind, &payload).await?;
        let estimate = self.estimate_filled(scope, kind, &payload).await?;
        if !estimate.enough {
            return Err(Error::InsufficientCredits {
                needed: estimate.credits,
                available: estimate.balance,
            });
        }
        let (kind, payload) = match input::<AutoClusterInput>(kind, &payload) {
            Ok(i) if kind == JobKind::AutoCluster && i.mode == ClusterMode::Local => {
                (JobKind::LocalCluster, self.local_payload(scope, &i).await?)
            }
            _ => (kind, payload),
        };
        // A job that could only fail for want of a provider is refused now, with the fix.
        match kind {
            JobKind::LocalCluster => {}
            JobKind::GenerateImages => {
                self.core.image_provider(scope).await?;
            }
            _ => {
                self.core.text_provider(scope).await?;
            }
        }
        let site = self.site_of(scope, kind, &payload).await;
        let job = self
            .core
            .jobs()
            .enqueue(
                scope,
                NewJob {
                    kind,
                    site_id: site,
                    payload,
                    max_attempts: None,
                    run_after: None,
                },
            )
            .await?;
        Ok((job, estimate))
    }

    /// The site a job works on, for filtering the job list (the first object's site).
    async fn site_of(&self, scope: &Scope, kind: JobKind, payload: &Value) -> Option<SiteId> {
        let core = self.core;
        let first = payload
            .get("ids")
            .and_then(|ids| ids.get(0))
            .and_then(Value::as_i64);
        let sector = payload.get("sector_id").and_then(Value::as_i64);
        match (kind, first, sector) {
            (_, _, Some(s)) if matches!(kind, JobKind::AutoCluster | JobKind::LocalCluster) => core
                .tenancy()
                .sector(scope, SectorId(s))
                .await
                .ok()
                .map(|s| s.site_id),
            (JobKind::AutoCluster, Some(id), _) => core
                .keywords()
                .get(scope, KeywordId(id))
                .await
                .ok()
                .map(|k| k.site_id),
            (JobKind::GenerateIdeas, Some(id), _) => core
                .clusters()
                .get(scope, crate::ids::ClusterId(id))
                .await
                .ok()
                .map(|c| c.site_id),
            (JobKind::GenerateContent, Some(id), _) => core
                .tasks()
                .get(scope, crate::ids::TaskId(id))
                .await
                .ok()
                .map(|t| t.site_id),
            (JobKind::GenerateImagePrompts, Some(id), _) => core
                .contents()
                .get(scope, crate::ids::ContentId(id))
                .await
                .ok()
                .map(|c| c.site_id),
            (JobKind::GenerateImages, Some(id), _) => core
                .images()
                .get(scope, crate::ids::ImageId(id))
                .await
                .ok()
                .map(|i| i.site_id),
            _ => None,
        }
    }
}

impl<S: Store> Ai<'_, S> {
    /// Settles the holds of jobs that ended without their worker settling them (it died on
    /// the job's last attempt): the credits of the units the job finished are charged, the
    /// rest released. System-wide; workers call it from time to time. The holds settled.
    pub async fn settle_abandoned(&self, limit: u64) -> Result<u64> {
        let core = self.core;
        let mut settled = 0;
        for hold in core.store().abandoned_job_holds(limit).await? {
            let Some(job_ref) = hold.reference.as_ref() else {
                continue;
            };
            let scope = Scope::system(hold.account_id);
            let job = core
                .jobs()
                .get(&scope, crate::ids::JobId(job_ref.id))
                .await?;
            // The checkpoint of a job that died (`done`: the finished units), or the result of
            // one that ended without settling (`items`).
            let units = job.result.as_ref().and_then(|r| {
                r.get("done")
                    .and_then(Value::as_array)
                    .or_else(|| r.get("items").and_then(Value::as_array))
            });
            let done = units
                .map(|d| {
                    d.iter()
                        .filter_map(|u| u.get("credits").and_then(Value::as_i64))
                        .sum::<i64>()
                })
                .unwrap_or(0)
                .clamp(0, hold.amount);
            if done > 0 {
                core.credits().charge(&scope, hold.id, done).await?;
            } else {
                core.credits().release(&scope, hold.id).await?;
            }
            tracing::info!(
                job = job.id.get(),
                charged = done,
                "settled an abandoned job's hold"
            );
            settled += 1;
        }
        Ok(settled)
    }
}

/// The job kinds [`run_job`] knows.
pub const RUNNABLE: &[JobKind] = &[
    JobKind::LocalCluster,
    JobKind::AutoCluster,
    JobKind::GenerateIdeas,
    JobKind::GenerateContent,
    JobKind::GenerateImagePrompts,
    JobKind::GenerateImages,
    JobKind::Publish,
    JobKind::AutomationRun,
    JobKind::ImportKeywords,
    JobKind::SyncLinks,
];

/// Runs a claimed job to its outcome (`None`: the lease was lost, leave the job alone),
/// renewing its lease every third of `lease` meanwhile, so a long model call doesn't let
/// another worker take the job over (see [`run_job_renewing`]).
pub async fn run_job<S: Store>(
    core: &Igny8<S>,
    job: &Job,
    worker: &str,
    lease: Duration,
) -> Option<Outcome> {
    run_job_renewing(core, job, worker, lease, lease / 3).await
}

/// [`run_job`], renewing the lease every `renew_every`. Should a renewal find that another
/// worker has taken the job over (this worker stalled past its lease), the run stops at once,
/// in the middle of whatever call it was making, and `None` is returned.
pub async fn run_job_renewing<S: Store>(
    core: &Igny8<S>,
    job: &Job,
    worker: &str,
    lease: Duration,
    renew_every: Duration,
) -> Option<Outcome> {
    // On the heap: the futures of every job kind are large, and an automation run nests them.
    let work = Box::pin(dispatch(core, job, worker, lease));
    crate::jobs::holding_lease(core, job.id, worker, lease, renew_every, work).await
}

async fn dispatch<S: Store>(
    core: &Igny8<S>,
    job: &Job,
    worker: &str,
    lease: Duration,
) -> Option<Outcome> {
    match job.kind {
        JobKind::LocalCluster => Some(run_local_cluster(core, job, worker, lease).await),
        JobKind::AutoCluster => run_ai_job(core, &AutoCluster, job, worker, lease).await,
        JobKind::GenerateIdeas => run_ai_job(core, &GenerateIdeas, job, worker, lease).await,
        JobKind::GenerateContent => run_ai_job(core, &GenerateContent, job, worker, lease).await,
        JobKind::GenerateImagePrompts => {
            run_ai_job(core, &GenerateImagePrompts, job, worker, lease).await
        }
        JobKind::GenerateImages => run_ai_job(core, &GenerateImages, job, worker, lease).await,
        JobKind::Publish => {
            run_ai_job(core, &crate::publish::PublishContent, job, worker, lease).await
        }
        JobKind::AutomationRun => crate::automation::run_automation(core, job, worker, lease).await,
        JobKind::ImportKeywords => {
            Some(crate::planner::import::run_background(core, job, worker, lease).await)
        }
        JobKind::SyncLinks => crate::inventory::run_sync_job(core, job, worker, lease).await,
    }
}

async fn run_local_cluster<S: Store>(
    core: &Igny8<S>,
    job: &Job,
    worker: &str,
    lease: Duration,
) -> Outcome {
    let scope = Scope::system(job.account_id);
    let payload: LocalClusterPayload = match input(job.kind, &job.payload) {
        Ok(p) => p,
        Err(e) => {
            return Outcome::Failed {
                error: e.to_string(),
                retry_after_secs: None,
            };
        }
    };
    let mut options = LocalClusterOptions::default();
    if let Some(size) = payload.min_cluster_size {
        options.min_cluster_size = size.max(1);
    }
    if let Some(code) = payload.language.as_deref() {
        options.language = Language::from_code(code).unwrap_or_default();
    }
    let progress = Progress::new(10, "prepare", "grouping keywords");
    if let Ok(true) = core.jobs().report(job.id, worker, &progress, lease).await {
        return Outcome::Cancelled;
    }
    match core
        .clusters()
        .cluster_locally(&scope, SectorId(payload.sector_id), &options)
        .await
    {
        Ok(report) => Outcome::Succeeded(serde_json::to_value(&report).unwrap_or_default()),
        Err(e) if e.code().is_user_error() => Outcome::Failed {
            error: e.to_string(),
            retry_after_secs: None,
        },
        Err(e) => Outcome::Failed {
            error: e.to_string(),
            retry_after_secs: Some(30),
        },
    }
}
