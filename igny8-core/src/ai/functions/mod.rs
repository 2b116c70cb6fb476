//! The five AI functions and the one driver that runs them as durable jobs.
//!
//! Every function implements [`AiFunction`]: it **validates** its input into units of work
//! (one cluster, one task, one image…) with what each costs, **prepares** a unit (loads what
//! the prompt needs), builds the **prompt**, makes the model **call**, **parses** the answer
//! and **saves** the result. The driver ([`run_ai_job`]) reports each phase as job progress,
//! holds credits before the first model call, logs a usage row per model call, checkpoints
//! each finished unit in the job row (a resumed job skips them), and settles the hold once:
//! the credits of the units done are charged, the rest released.
//!
//! Failures of one unit that retrying can't fix (the provider refused, the answer was
//! unusable, the object is gone) are reported in the result and the other units go on; a job
//! where nothing could be done fails with the provider's own message. A transient failure
//! (the provider is down after the client's own retries, the database is unreachable) puts the
//! job back in the queue while attempts remain, keeping its hold and its finished units.

mod cluster;
mod content;
mod ideas;
mod image_prompts;
mod images;
mod prompts;
mod service;

pub use cluster::{
    AutoCluster, AutoClusterInput, Batch, ClusterDraft, ClusterMode, DEFAULT_BATCH, MAX_BATCH,
    PreparedBatch,
};
pub use content::{
    Article, ArticlePrompt, DEFAULT_LANGUAGE, DEFAULT_TONE, GenerateContent, GenerateContentInput,
    LONG_ARTICLE_WORDS, PreparedTask, WORD_TOLERANCE,
};
pub use ideas::{DEFAULT_IDEAS, GenerateIdeas, GenerateIdeasInput, MAX_IDEAS, PreparedCluster};
pub(crate) use image_prompts::images_of;
pub use image_prompts::{
    DEFAULT_IN_ARTICLE, GenerateImagePrompts, GenerateImagePromptsInput, ImagePlan, MAX_IN_ARTICLE,
    PlannedImage, PreparedContent,
};
pub use images::{
    DEFAULT_FEATURED_SIZE, DEFAULT_SIZE, DEFAULT_STYLE, GenerateImages, GenerateImagesInput,
    ImageTest, ImageTestResult, PreparedImage,
};
pub use prompts::{default_prompt, render};
pub use service::{Ai, Estimate, RUNNABLE, run_job, run_job_renewing};

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::pricing::{PriceTable, Work};
use super::provider::{ChatRequest, ImageProvider, ImageReply, ImageRequest, TextProvider};
use super::structured::{ModelCall, chat_json};
use crate::Igny8;
use crate::credits::{NewUsage, Reference, ReservationStatus, ReserveRequest};
use crate::error::{Error, Result};
use crate::jobs::{Job, JobKind, Outcome, Progress};
use crate::store::Store;
use crate::system::Defaults;
use crate::tenancy::Scope;

/// Times a chat model is asked for usable data before a unit fails.
const ANSWER_ATTEMPTS: u32 = 3;
/// Units whose full result is kept in the job's result (the others keep object and credits).
const MAX_SUMMARIES: usize = 200;
/// Seconds before a job that hit a transient failure is tried again.
const RETRY_SECS: i64 = 30;

/// One unit of work of a function, as validated: what it is and what it will cost.
#[derive(Debug, Clone)]
pub struct Unit<T> {
    /// The object it works on, e.g. (`task`, 7); finished units are remembered by it.
    pub object: Reference,
    /// A name for progress messages, e.g. the task's title.
    pub label: String,
    /// The work it is estimated to be, for the hold.
    pub estimate: Work,
    /// What the function needs to carry from validation to preparation.
    pub data: T,
}

/// What saving a unit produced.
#[derive(Debug, Clone)]
pub struct Saved {
    /// A summary for the job's result (ids made, counts…).
    pub summary: Value,
    /// The work actually done, for the charge.
    pub work: Work,
}

/// One AI function: validate → prepare → prompt → call → parse → save.
///
/// The driver calls [`validate`](Self::validate) once, then the other phases once per unit, and
/// reports progress between them. Implementations never touch credits or the job row.
pub trait AiFunction: Send + Sync {
    /// The job's payload.
    type Input: DeserializeOwned + Serialize + Send + Sync;
    /// What validation hands to preparation for one unit.
    type Data: Send + Sync;
    /// One prepared unit.
    type Prepared: Send + Sync;
    /// What the model is asked.
    type Prompt: Send + Sync;
    /// What the model answered.
    type Answer: Send + Sync;
    /// The answer, parsed and checked.
    type Draft: Send + Sync;

    /// The job kind it runs as.
    fn kind(&self) -> JobKind;

    /// What the call phase is called in progress messages.
    fn calling(&self) -> &'static str {
        "asking the model"
    }

    /// Checks the input and splits it into units, without any model call.
    fn validate<S: Store>(
        &self,
        core: &Igny8<S>,
        scope: &Scope,
        input: &Self::Input,
    ) -> impl Future<Output = Result<Vec<Unit<Self::Data>>>> + Send;

    /// Loads what the prompt of one unit needs.
    fn prepare<S: Store>(
        &self,
        run: &Run<'_, S>,
        input: &Self::Input,
        unit: &Unit<Self::Data>,
    ) -> impl Future<Output = Result<Self::Prepared>> + Send;

    /// Builds the prompt (the account's template or the shipped default).
    fn prompt<S: Store>(
        &self,
        run: &Run<'_, S>,
        prepared: &Self::Prepared,
    ) -> impl Future<Output = Result<Self::Prompt>> + Send;

    /// Calls the model (through [`Run::chat`] / [`Run::draw`], which log usage).
    fn call<S: Store>(
        &self,
        run: &Run<'_, S>,
        prepared: &Self::Prepared,
        prompt: Self::Prompt,
    ) -> impl Future<Output = Result<Self::Answer>> + Send;

    /// Turns the answer into what will be saved, checking it.
    fn parse(&self, prepared: &Self::Prepared, answer: Self::Answer) -> Result<Self::Draft>;

    /// Saves the result.
    fn save<S: Store>(
        &self,
        run: &Run<'_, S>,
        prepared: Self::Prepared,
        draft: Self::Draft,
    ) -> impl Future<Output = Result<Saved>> + Send;

    /// Called when a unit failed for good (e.g. to mark a task failed). Default: nothing.
    fn failed<S: Store>(
        &self,
        run: &Run<'_, S>,
        unit: &Unit<Self::Data>,
        error: &Error,
    ) -> impl Future<Output = ()> + Send {
        let _ = (run, unit, error);
        async {}
    }
}

/// Why a run stopped early.
#[derive(Debug)]
pub enum Stop {
    /// Someone cancelled the job.
    Cancelled,
    /// Another worker holds the job now.
    LeaseLost,
    /// A failure.
    Failed(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        match e {
            Error::LeaseLost(_) => Stop::LeaseLost,
            Error::Cancelled(_) => Stop::Cancelled,
            e => Stop::Failed(e),
        }
    }
}

impl Stop {
    /// The stop as an error a phase can return with `?`; [`Stop::from`] reads it back.
    fn into_error(self, job: &Job) -> Error {
        match self {
            Stop::Failed(e) => e,
            Stop::Cancelled => Error::Cancelled(job.id),
            Stop::LeaseLost => Error::LeaseLost(job.id),
        }
    }
}

/// One run of a job: the tenant, the worker's lease, the providers and the usage log.
pub struct Run<'a, S> {
    /// The core.
    pub core: &'a Igny8<S>,
    /// The job's account, acting as the system.
    pub scope: Scope,
    /// The job.
    pub job: &'a Job,
    worker: &'a str,
    lease: Duration,
    prices: PriceTable,
    text: Mutex<Option<Arc<dyn TextProvider>>>,
    image: Mutex<Option<Arc<dyn ImageProvider>>>,
    defaults: Mutex<Option<Defaults>>,
    /// Usage rows of the unit being worked on, written when it ends.
    calls: Mutex<Vec<NewUsage>>,
    object: std::sync::Mutex<Option<Reference>>,
    /// Progress range of the unit being worked on.
    span: std::sync::Mutex<(f64, f64, String)>,
}

impl<S> std::fmt::Debug for Run<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("job", &self.job.id)
            .field("worker", &self.worker)
            .finish_non_exhaustive()
    }
}

impl<'a, S: Store> Run<'a, S> {
    fn new(core: &'a Igny8<S>, job: &'a Job, worker: &'a str, lease: Duration) -> Self {
        Self {
            core,
            scope: Scope::system(job.account_id),
            job,
            worker,
            lease,
            prices: core.ai_config().price_table(),
            text: Mutex::new(None),
            image: Mutex::new(None),
            defaults: Mutex::new(None),
            calls: Mutex::new(Vec::new()),
            object: std::sync::Mutex::new(None),
            span: std::sync::Mutex::new((0.0, 100.0, String::new())),
        }
    }

    /// Reports progress at `fraction` (0–1) of the current unit; stops when the job was
    /// cancelled or taken over.
    pub async fn phase(&self, phase: &str, fraction: f64, message: &str) -> Result<(), Stop> {
        let (start, end, label) = self.span.lock().map(|s| s.clone()).unwrap_or_default();
        let percent = (start + (end - start) * fraction.clamp(0.0, 1.0)).round() as i64;
        let message = if label.is_empty() {
            message.to_owned()
        } else {
            format!("{label}: {message}")
        };
        self.report(percent, phase, &message, None).await
    }

    /// [`phase`](Self::phase) for use inside a phase: a cancel or a lost lease comes back as
    /// an error that ends the unit and the run.
    pub async fn step(&self, phase: &str, fraction: f64, message: &str) -> Result<()> {
        self.phase(phase, fraction, message)
            .await
            .map_err(|stop| stop.into_error(self.job))
    }

    async fn report(
        &self,
        percent: i64,
        phase: &str,
        message: &str,
        checkpoint: Option<Value>,
    ) -> Result<(), Stop> {
        let progress = Progress {
            percent,
            phase: phase.to_owned(),
            message: message.to_owned(),
            checkpoint,
        };
        match self
            .core
            .jobs()
            .report(self.job.id, self.worker, &progress, self.lease)
            .await
        {
            Ok(true) => Err(Stop::Cancelled),
            Ok(false) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    async fn text_provider(&self) -> Result<Arc<dyn TextProvider>> {
        let mut slot = self.text.lock().await;
        if let Some(p) = slot.as_ref() {
            return Ok(p.clone());
        }
        let p = self.core.text_provider(&self.scope).await?;
        *slot = Some(p.clone());
        Ok(p)
    }

    async fn image_provider(&self) -> Result<Arc<dyn ImageProvider>> {
        let mut slot = self.image.lock().await;
        if let Some(p) = slot.as_ref() {
            return Ok(p.clone());
        }
        let p = self.core.image_provider(&self.scope).await?;
        *slot = Some(p.clone());
        Ok(p)
    }

    /// The account's settings (read once per run), for what neither the job's input nor the
    /// unit's object says.
    pub async fn defaults(&self) -> Result<Defaults> {
        let mut slot = self.defaults.lock().await;
        if let Some(d) = slot.as_ref() {
            return Ok(d.clone());
        }
        let d = self.core.system().defaults(&self.scope).await?;
        *slot = Some(d.clone());
        Ok(d)
    }

    fn current_object(&self) -> Option<Reference> {
        self.object.lock().ok().and_then(|o| o.clone())
    }

    /// Asks the account's chat model for data of `request.schema`'s shape (repaired, checked,
    /// asked again when unusable); every call is logged against the current unit.
    pub async fn chat(&self, request: &ChatRequest) -> Result<Value> {
        let provider = self.text_provider().await?;
        let outcome = chat_json(provider.as_ref(), request, ANSWER_ATTEMPTS).await;
        let (calls, result): (Vec<ModelCall>, Result<Value>) = match outcome {
            Ok(answer) => (answer.calls, Ok(answer.value)),
            Err(failure) => (failure.calls, Err(failure.error.into())),
        };
        let rows = self.prices.usage_rows(
            &calls,
            self.job.kind,
            provider.name(),
            Some(self.job.id),
            self.current_object(),
        );
        self.calls.lock().await.extend(rows);
        result
    }

    /// Makes one image with the account's image model; the call is logged against the current
    /// unit.
    pub async fn draw(&self, request: &ImageRequest) -> Result<ImageReply> {
        let provider = self.image_provider().await?;
        let reply = provider.generate(request).await?;
        let model = reply.model.clone();
        let cost_micros = match reply.cost_usd {
            Some(usd) => (usd * 1e6).round() as i64,
            None => self
                .prices
                .cost_micros(&model, super::provider::TokenUsage::default(), 1),
        };
        self.calls.lock().await.push(NewUsage {
            job_id: Some(self.job.id),
            operation: self.job.kind.as_str().to_owned(),
            provider: provider.name().to_owned(),
            model,
            images: 1,
            cost_micros,
            object: self.current_object(),
            ..NewUsage::default()
        });
        Ok(reply)
    }

    /// Writes the usage rows of the unit that just ended; the first carries its credits.
    async fn log_usage(&self, credits: i64) -> Result<()> {
        let rows = std::mem::take(&mut *self.calls.lock().await);
        let mut credits = Some(credits);
        for mut row in rows {
            row.credits = credits.take().unwrap_or(0);
            self.core.credits().record_usage(&self.scope, row).await?;
        }
        Ok(())
    }
}

/// A unit that finished, as remembered in the job row while it runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct DoneUnit {
    object: Reference,
    credits: i64,
    summary: Value,
}

/// A unit that failed for good.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct FailedUnit {
    object: Reference,
    error: String,
}

/// What a run has done so far; kept in the job's `result` while it runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Checkpoint {
    #[serde(default)]
    done: Vec<DoneUnit>,
    #[serde(default)]
    failed: Vec<FailedUnit>,
}

impl Checkpoint {
    fn credits(&self) -> i64 {
        self.done.iter().map(|d| d.credits).sum()
    }

    fn result(&self, reserved: i64, charged: i64) -> Value {
        json!({
            "done": self.done.len(),
            "failed": self.failed.len(),
            "credits_reserved": reserved,
            "credits_charged": charged,
            "items": self.done.iter().map(|d| json!({
                "object": d.object.kind, "id": d.object.id,
                "credits": d.credits, "result": d.summary,
            })).collect::<Vec<_>>(),
            "errors": self.failed.iter().map(|f| json!({
                "object": f.object.kind, "id": f.object.id, "error": f.error,
            })).collect::<Vec<_>>(),
        })
    }
}

/// Ids read per query when a job's objects are loaded.
const LOAD_CHUNK: usize = 1000;

/// Loads the objects named by `ids` a thousand per query (`page` reads one chunk), in the
/// order of `ids` without repeats; an id that isn't the account's is `missing(id)`.
pub(crate) async fn load_all<T, Id, F, Fut>(
    ids: &[Id],
    id_of: impl Fn(&T) -> Id,
    missing: impl Fn(Id) -> Error,
    mut page: F,
) -> Result<Vec<T>>
where
    Id: Copy + Eq + std::hash::Hash,
    F: FnMut(Vec<Id>) -> Fut,
    Fut: Future<Output = Result<Vec<T>>>,
{
    let ids = ideas::dedup(ids);
    let mut found: std::collections::HashMap<Id, T> =
        std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(LOAD_CHUNK) {
        for item in page(chunk.to_vec()).await? {
            found.insert(id_of(&item), item);
        }
    }
    ids.into_iter()
        .map(|id| found.remove(&id).ok_or_else(|| missing(id)))
        .collect()
}

/// One page of at most [`LOAD_CHUNK`] rows, without a total.
pub(crate) fn chunk_page() -> crate::list::PageRequest {
    let mut page = crate::list::PageRequest::new(1, LOAD_CHUNK as u64);
    page.with_total = false;
    page
}

/// Whether an error is worth another attempt of the whole job.
fn is_transient(e: &Error) -> bool {
    matches!(
        e,
        Error::Database(_) | Error::Io(_) | Error::ProviderUnavailable(_)
    )
}

/// The idempotency key of a job's hold: one per job, so a retried or resumed job reuses it.
pub(crate) fn hold_key(job: &Job) -> String {
    format!("job:{}", job.id.get())
}

/// Runs `job` (an AI job of `function`'s kind) to its outcome. `None`: the worker lost the
/// job to another one and must not finish it.
pub async fn run_ai_job<S: Store, F: AiFunction>(
    core: &Igny8<S>,
    function: &F,
    job: &Job,
    worker: &str,
    lease: Duration,
) -> Option<Outcome> {
    let run = Run::new(core, job, worker, lease);
    match drive(&run, function).await {
        Ok(outcome) => Some(outcome),
        Err(Stop::LeaseLost) => None,
        Err(Stop::Cancelled) => Some(Outcome::Cancelled),
        Err(Stop::Failed(e)) => Some(Outcome::Failed {
            error: e.to_string(),
            retry_after_secs: None,
        }),
    }
}

async fn drive<S: Store, F: AiFunction>(run: &Run<'_, S>, function: &F) -> Result<Outcome, Stop> {
    let core = run.core;
    let job = run.job;
    let prices = &core.ai_config().credit_prices;
    run.report(1, "validate", "checking the input", None)
        .await?;
    let input: F::Input = serde_json::from_value(job.payload.clone())
        .map_err(|e| Error::field("payload", format!("is not a valid {} input: {e}", job.kind)))?;
    let mut checkpoint: Checkpoint = job
        .result
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let units = match function.validate(core, &run.scope, &input).await {
        Ok(units) => units,
        Err(e) if is_transient(&e) => return Ok(retry(job, e)),
        // Taken over after its last unit was saved (e.g. no keyword is left unclustered): it
        // is done. Its hold is settled by the workers' sweep, from the result's items.
        Err(_) if !checkpoint.done.is_empty() => {
            return Ok(Outcome::Succeeded(checkpoint.result(0, 0)));
        }
        Err(e) => return Err(Stop::Failed(e)),
    };
    let todo: Vec<&Unit<F::Data>> = units
        .iter()
        .filter(|u| !checkpoint.done.iter().any(|d| d.object == u.object))
        .collect();
    let estimate: i64 = units.iter().map(|u| prices.credits(u.estimate)).sum();

    // Hold the credits before any model call. A resumed job finds its own hold.
    let reservation = if estimate > 0 {
        let request = ReserveRequest {
            amount: estimate,
            operation: job.kind.as_str().to_owned(),
            reference: Some(Reference::new("job", job.id.get())),
            idempotency_key: Some(hold_key(job)),
        };
        match core.credits().reserve(&run.scope, request).await {
            Ok(r) => Some(r),
            Err(e) if is_transient(&e) => return Ok(retry(job, e)),
            Err(e) => return Err(Stop::Failed(e)),
        }
    } else {
        None
    };
    if let Some(r) = &reservation
        && r.status != ReservationStatus::Held
    {
        // Settled by an earlier attempt that died before finishing the job.
        let charged = r.charged.unwrap_or(0);
        return Ok(Outcome::Succeeded(checkpoint.result(r.amount, charged)));
    }
    let reserved = reservation.as_ref().map_or(0, |r| r.amount);
    run.report(
        5,
        "prepare",
        &format!(
            "{} of {} to do, {reserved} credits held",
            todo.len(),
            units.len()
        ),
        None,
    )
    .await?;

    let total = todo.len().max(1) as f64;
    let mut stopped: Option<Stop> = None;
    for (i, unit) in todo.iter().enumerate() {
        if let Ok(mut span) = run.span.lock() {
            *span = (
                5.0 + 90.0 * i as f64 / total,
                5.0 + 90.0 * (i + 1) as f64 / total,
                unit.label.clone(),
            );
        }
        if let Ok(mut o) = run.object.lock() {
            *o = Some(unit.object.clone());
        }
        // Boxed: a unit's future (prepare, prompt, call, save) is large in a debug build, and
        // an automation run awaits several functions' jobs inside its own future; on the
        // heap, it can't overflow a worker thread's stack however large a function grows.
        match Box::pin(run_unit(run, function, &input, unit)).await {
            Ok(saved) => {
                let credits = prices.credits(saved.work);
                let logged = run.log_usage(credits).await;
                // Results of the first units are kept in full; beyond that only what the
                // charge and a resumed attempt need, so the row stays small on large jobs.
                let summary = if checkpoint.done.len() < MAX_SUMMARIES {
                    saved.summary
                } else {
                    Value::Null
                };
                checkpoint.done.push(DoneUnit {
                    object: unit.object.clone(),
                    credits,
                    summary,
                });
                let at = (5.0 + 90.0 * (i + 1) as f64 / total).round() as i64;
                let note = format!("{} of {} done", i + 1, todo.len());
                let reported = run
                    .report(at, "save", &note, serde_json::to_value(&checkpoint).ok())
                    .await;
                if let Err(e) = logged {
                    stopped = Some(Stop::Failed(e));
                    break;
                }
                if let Err(stop) = reported {
                    stopped = Some(stop);
                    break;
                }
            }
            Err(Stop::Failed(e)) if !is_transient(&e) => {
                tracing::warn!(job = job.id.get(), object = ?unit.object, error = %e, "unit failed");
                function.failed(run, unit, &e).await;
                let _ = run.log_usage(0).await;
                checkpoint.failed.push(FailedUnit {
                    object: unit.object.clone(),
                    error: e.to_string(),
                });
            }
            Err(stop) => {
                let _ = run.log_usage(0).await;
                stopped = Some(stop);
                break;
            }
        }
    }

    let attempts_left = job.attempts < job.max_attempts;
    match stopped {
        Some(Stop::LeaseLost) => return Err(Stop::LeaseLost),
        Some(Stop::Failed(e)) if is_transient(&e) && attempts_left => {
            // The hold stays, and the finished units are in the job row already: the next
            // attempt goes on from there.
            return Ok(retry(job, e));
        }
        _ => {}
    }
    let charged = settle(run, reservation.as_ref(), &checkpoint).await?;
    Ok(match stopped {
        Some(Stop::Cancelled) => Outcome::Cancelled,
        Some(Stop::Failed(e)) => Outcome::Failed {
            error: e.to_string(),
            retry_after_secs: None,
        },
        _ if checkpoint.done.is_empty() && !checkpoint.failed.is_empty() => Outcome::Failed {
            error: checkpoint.failed[0].error.clone(),
            retry_after_secs: None,
        },
        _ => Outcome::Succeeded(checkpoint.result(reserved, charged)),
    })
}

fn retry(job: &Job, e: Error) -> Outcome {
    tracing::warn!(job = job.id.get(), error = %e, "job will be tried again");
    Outcome::Failed {
        error: e.to_string(),
        retry_after_secs: Some(RETRY_SECS),
    }
}

/// Charges the credits of the units done (never more than held) and releases the rest, once.
async fn settle<S: Store>(
    run: &Run<'_, S>,
    reservation: Option<&crate::credits::Reservation>,
    checkpoint: &Checkpoint,
) -> Result<i64, Stop> {
    let Some(r) = reservation else {
        return Ok(0);
    };
    let used = checkpoint.credits().min(r.amount);
    let credits = run.core.credits();
    let settled = if used > 0 {
        credits.charge(&run.scope, r.id, used).await?
    } else {
        credits.release(&run.scope, r.id).await?
    };
    Ok(settled.charged.unwrap_or(0))
}

async fn run_unit<S: Store, F: AiFunction>(
    run: &Run<'_, S>,
    function: &F,
    input: &F::Input,
    unit: &Unit<F::Data>,
) -> Result<Saved, Stop> {
    run.phase("prepare", 0.0, "loading").await?;
    let prepared = function.prepare(run, input, unit).await?;
    run.phase("prompt", 0.05, "building the prompt").await?;
    let prompt = function.prompt(run, &prepared).await?;
    run.phase("call", 0.1, function.calling()).await?;
    let answer = function.call(run, &prepared, prompt).await?;
    run.phase("parse", 0.85, "reading the answer").await?;
    let draft = function.parse(&prepared, answer)?;
    run.phase("save", 0.9, "saving").await?;
    Ok(function.save(run, prepared, draft).await?)
}
