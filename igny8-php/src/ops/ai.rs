//! AI functions, jobs and the in-process worker.

use std::time::{Duration, Instant};

use igny8_core::JobId;
use igny8_core::jobs::{JobFilter, JobKind, Worker};
use serde_json::{Map, Value, json};

use crate::context::Ctx;
use crate::error::Failure;
use crate::input::{ListQuery, parse};
use crate::output::{JOB_INTERNALS, one, one_without, page_without};

type Out = Result<Value, Failure>;

/// The five AI functions by their REST names.
fn kind(function: &str) -> Result<JobKind, Failure> {
    match function {
        "auto_cluster" => Ok(JobKind::AutoCluster),
        "generate_ideas" => Ok(JobKind::GenerateIdeas),
        "generate_content" => Ok(JobKind::GenerateContent),
        "generate_image_prompts" => Ok(JobKind::GenerateImagePrompts),
        "generate_images" => Ok(JobKind::GenerateImages),
        other => Err(Failure::field(
            "function",
            format!(
                "unknown AI function {other:?}; expected one of: auto_cluster, generate_ideas, \
                 generate_content, generate_image_prompts, generate_images"
            ),
        )),
    }
}

/// The REST body: nulls left out.
fn payload(map: Map<String, Value>) -> Value {
    Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect())
}

fn estimate_out(e: &igny8_core::ai::functions::Estimate) -> Out {
    let mut value = one(e)?;
    if let Value::Object(map) = &mut value
        && let Some(kind) = map.remove("kind")
    {
        map.insert("operation".into(), kind);
    }
    Ok(value)
}

/// Image Testing: one prompt drawn with the account's image model, charged, saved nowhere.
pub(crate) async fn test_image(c: &Ctx, input: Map<String, Value>) -> Out {
    let test: igny8_core::ai::functions::ImageTest = parse(input)?;
    one(&c.core.ai().test_image(&c.scope(), test).await?)
}

pub(crate) async fn estimate(c: &Ctx, function: &str, input: Map<String, Value>) -> Out {
    let kind = kind(function)?;
    let e = c
        .core
        .ai()
        .estimate(&c.scope(), kind, &payload(input))
        .await?;
    estimate_out(&e)
}

pub(crate) async fn start(c: &Ctx, function: &str, input: Map<String, Value>) -> Out {
    let kind = kind(function)?;
    let (job, e) = c.core.ai().start(&c.scope(), kind, payload(input)).await?;
    Ok(json!({ "job": one_without(&job, JOB_INTERNALS)?, "estimate": estimate_out(&e)? }))
}

pub(crate) async fn job(c: &Ctx, id: i64) -> Out {
    let job = c.core.jobs().get(&c.scope(), JobId(id)).await?;
    let mut out = one_without(&job, JOB_INTERNALS)?;
    with_outcome(&mut out, &job);
    Ok(out)
}

/// Adds what a finished job did, in words, and the step after it (`summary`, `next_step`).
fn with_outcome(out: &mut Value, job: &igny8_core::jobs::Job) {
    let outcome = job.outcome();
    out["summary"] = json!(outcome.as_ref().map(|o| o.summary.clone()));
    out["next_step"] = json!(outcome.and_then(|o| o.next).map(|n| n.as_str()));
}

pub(crate) async fn jobs(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let q = ListQuery::take(&mut map)?;
    map.remove("site_id");
    let filter: JobFilter = parse(map)?;
    let page = c.core.jobs().list(&c.scope(), &filter, &q.page).await?;
    let mut out = page_without(&page, JOB_INTERNALS)?;
    if let Some(rows) = out["results"].as_array_mut() {
        for (row, job) in rows.iter_mut().zip(&page.items) {
            with_outcome(row, job);
        }
    }
    Ok(out)
}

pub(crate) async fn cancel_job(c: &Ctx, id: i64) -> Out {
    one_without(
        &c.core.jobs().cancel(&c.scope(), JobId(id)).await?,
        JOB_INTERNALS,
    )
}

/// Runs due jobs until none is due or `max_seconds` passed; never starts one after that.
pub(crate) async fn run_jobs(c: &Ctx, max_seconds: f64) -> Out {
    if !max_seconds.is_finite() || max_seconds < 0.0 {
        return Err(Failure::field("maxSeconds", "must be 0 or more seconds"));
    }
    let deadline = Instant::now() + Duration::from_secs_f64(max_seconds.min(86_400.0));
    let worker = Worker::new(c.core.clone());
    let mut ran = Vec::new();
    while Instant::now() < deadline {
        match worker.run_once().await? {
            Some(job) => ran.push(job.id.get()),
            None => break,
        }
    }
    Ok(json!({ "ran": ran.len(), "jobs": ran }))
}
