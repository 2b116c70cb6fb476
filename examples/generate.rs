//! The AI pipeline from Rust against a real model: keywords → Auto Cluster → ideas → writer
//! queue → an article → its image prompts (→ images with `IMAGES=1`), each run as a job by an
//! in-process worker, printing progress, the article, the credits and the US dollars spent.
//!
//! ```text
//! OPENAI_API_KEY=sk-… cargo run --example generate
//! OPENAI_BASE_URL=http://127.0.0.1:11434/v1 OPENAI_MODEL=llama3.1 cargo run --example generate   # Ollama
//! WORDS=1800 IMAGES=1 OPENAI_API_KEY=sk-… cargo run --example generate -- my-keywords.csv
//! ```
//!
//! `IGNY8_*` variables (e.g. `IGNY8_OPENAI_MODEL`, `IGNY8_IMAGE_PROVIDER`,
//! `IGNY8_RUNWARE_API_KEY`) are honoured as the server honours them.

use std::process::ExitCode;
use std::time::Duration;

use igny8_core::ai::AiConfig;
use igny8_core::credits::UsageFilter;
use igny8_core::jobs::{Job, JobKind, JobStatus, Worker};
use igny8_core::list::PageRequest;
use igny8_core::planner::{ClusterFilter, ClusterSort, QueueDefaults};
use igny8_core::tenancy::{NewAccount, NewSector, NewSite, Operator, Scope};
use igny8_core::writer::{ContentFilter, ContentSort};
use igny8_core::{CoreConfig, Igny8, JobId};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

const SAMPLE: &str = "keyword,volume\nhow to grow tomatoes,22000\ngrowing tomatoes in pots,5400\n\
best tomato fertilizer,4400\nwhen to plant tomatoes,18000\ntomato plant spacing,2900\n\
raised garden bed,33000\nraised bed soil mix,3600\nhow to build a raised garden bed,8100\n\
cedar raised garden bed,2400\ncompost bin,27000\nhow to start composting,6600\n\
compost tumbler,9900\n";

/// The AI settings from the environment: `OPENAI_*` for convenience, then `IGNY8_*` over them,
/// through the same loader as the server's.
fn ai_config() -> Result<Option<AiConfig>, String> {
    let mut vars = std::collections::BTreeMap::new();
    for name in ["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"] {
        if let Ok(v) = std::env::var(name) {
            vars.insert(format!("IGNY8_{name}"), v);
        }
    }
    vars.extend(std::env::vars().filter(|(name, _)| name.starts_with("IGNY8_")));
    let configured = vars.keys().any(|name| name.starts_with("IGNY8_OPENAI_"));
    // The server's other variables may be set too: they are not this example's business.
    let config = AiConfig::from_vars(vars, |_| true).map_err(|e| e.to_string())?;
    let hosted = config.openai_base_url.contains("api.openai.com");
    Ok((configured && !(hosted && config.openai_api_key.is_none())).then_some(config))
}

async fn run_job(
    core: &Igny8,
    scope: &Scope,
    kind: JobKind,
    payload: Value,
) -> Result<Job, String> {
    let (job, estimate) = core
        .ai()
        .start(scope, kind, payload)
        .await
        .map_err(|e| format!("{kind}: {e}"))?;
    println!(
        "\n{kind}: job {} queued, {} credits held",
        job.id.get(),
        estimate.credits
    );
    wait(core, scope, job.id).await
}

/// Prints the job's progress until it ends.
async fn wait(core: &Igny8, scope: &Scope, id: JobId) -> Result<Job, String> {
    let mut last = String::new();
    loop {
        let job = core
            .jobs()
            .get(scope, id)
            .await
            .map_err(|e| e.to_string())?;
        let line = format!("  {:>3}% {:<8} {}", job.progress, job.phase, job.message);
        if line != last {
            println!("{line}");
            last = line;
        }
        match job.status {
            JobStatus::Succeeded => return Ok(job),
            JobStatus::Failed | JobStatus::Cancelled => {
                return Err(format!(
                    "{} {}: {}",
                    job.kind,
                    job.status,
                    job.error.unwrap_or_default()
                ));
            }
            _ => tokio::time::sleep(Duration::from_millis(300)).await,
        }
    }
}

fn ids_of(job: &Job, field: &str) -> Vec<i64> {
    let items = job.result.as_ref().and_then(|r| r.get("items"));
    items
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i["result"].get(field))
        .flat_map(|v| match v {
            Value::Array(a) => a.iter().filter_map(Value::as_i64).collect(),
            other => other.as_i64().into_iter().collect::<Vec<_>>(),
        })
        .collect()
}

async fn pipeline(core: &Igny8, keywords: String) -> Result<(), String> {
    let e = |e: igny8_core::Error| e.to_string();
    let account = core
        .tenancy()
        .create_account(
            &Operator::embedder(),
            NewAccount {
                name: "Example".into(),
                plan_id: None,
                initial_credits: Some(10_000),
            },
        )
        .await
        .map_err(e)?;
    let scope = Scope::system(account.id);
    let site = core
        .tenancy()
        .create_site(
            &scope,
            NewSite {
                name: "Green Thumb".into(),
                url: Some("https://example.com".into()),
                ..Default::default()
            },
        )
        .await
        .map_err(e)?;
    let sector = core
        .tenancy()
        .create_sector(
            &scope,
            NewSector {
                site_id: site.id,
                name: "Vegetable gardening".into(),
                description: None,
                is_active: None,
            },
        )
        .await
        .map_err(e)?;
    let report = core
        .keywords()
        .import(
            &scope,
            sector.id,
            std::io::Cursor::new(keywords.into_bytes()),
        )
        .await
        .map_err(e)?;
    println!("imported {} keywords ({})", report.imported, report.format);

    run_job(
        core,
        &scope,
        JobKind::AutoCluster,
        json!({"sector_id": sector.id.get()}),
    )
    .await?;
    let clusters = core
        .clusters()
        .list(
            &scope,
            &ClusterFilter::default(),
            &ClusterSort::default(),
            &PageRequest::new(1, 100),
        )
        .await
        .map_err(e)?
        .items;
    for c in &clusters {
        println!(
            "  cluster {:<40} {:>3} keywords {:>7} volume",
            c.name, c.keyword_count, c.total_volume
        );
    }
    let biggest = clusters
        .iter()
        .max_by_key(|c| c.total_volume)
        .ok_or("the model made no clusters")?;

    let ideas = run_job(
        core,
        &scope,
        JobKind::GenerateIdeas,
        json!({"ids": [biggest.id.get()], "ideas_per_cluster": 2}),
    )
    .await?;
    let idea_ids: Vec<igny8_core::IdeaId> = ids_of(&ideas, "idea_ids")
        .into_iter()
        .map(igny8_core::IdeaId)
        .collect();
    let words: i64 = std::env::var("WORDS")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or(900);
    let tasks = core
        .ideas()
        .queue_to_writer(
            &scope,
            &idea_ids[..1],
            QueueDefaults {
                target_word_count: Some(words),
                ..QueueDefaults::default()
            },
        )
        .await
        .map_err(e)?
        .tasks;
    let task = tasks.first().ok_or("the idea could not be queued")?;
    println!(
        "\nqueued \"{}\" ({} words)",
        task.title, task.target_word_count
    );

    run_job(
        core,
        &scope,
        JobKind::GenerateContent,
        json!({"ids": [task.id.get()], "word_count": words}),
    )
    .await?;
    let content = core
        .contents()
        .list(
            &scope,
            &ContentFilter::default(),
            &ContentSort::default(),
            &PageRequest::new(1, 1),
        )
        .await
        .map_err(e)?
        .items
        .into_iter()
        .next()
        .ok_or("no content was written")?;
    println!(
        "\n# {}\n{} words (target {words}) · meta: {:?}\ntags: {:?} · categories: {:?}\n\n{}…",
        content.title,
        content.word_count,
        content.meta_description.as_deref().unwrap_or(""),
        content.tags,
        content.categories,
        content.html.chars().take(800).collect::<String>()
    );

    let prompts = run_job(
        core,
        &scope,
        JobKind::GenerateImagePrompts,
        json!({"ids": [content.id.get()], "in_article": 1}),
    )
    .await?;
    let images = ids_of(&prompts, "image_ids");
    if std::env::var("IMAGES").is_ok_and(|v| v == "1") {
        let made = run_job(
            core,
            &scope,
            JobKind::GenerateImages,
            json!({"ids": images}),
        )
        .await?;
        for item in made
            .result
            .as_ref()
            .and_then(|r| r["items"].as_array())
            .into_iter()
            .flatten()
        {
            println!(
                "  image: {}",
                item["result"]["url"]
                    .as_str()
                    .or(item["result"]["file_path"].as_str())
                    .unwrap_or("?")
            );
        }
    } else {
        println!(
            "  {} image prompts saved; IMAGES=1 makes the images too",
            images.len()
        );
    }

    let usage = core
        .credits()
        .usage(&scope, &UsageFilter::default(), &PageRequest::new(1, 1000))
        .await
        .map_err(e)?
        .items;
    let usd: f64 = usage.iter().map(|u| u.cost_usd()).sum();
    let tokens: i64 = usage.iter().map(|u| u.input_tokens + u.output_tokens).sum();
    let balance = core.credits().balance(&scope).await.map_err(e)?;
    println!(
        "\n{} model calls, {tokens} tokens, ${usd:.4} at list prices; {} credits used",
        usage.len(),
        10_000 - balance
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match ai_config() {
        Ok(Some(c)) => c,
        Ok(None) => {
            eprintln!(
                "No AI provider is configured, so there is nothing to generate with.\n\n\
                 Set OPENAI_API_KEY to use OpenAI, or point OPENAI_BASE_URL (and OPENAI_MODEL) at any\n\
                 OpenAI-compatible server, e.g. a local Ollama:\n\n  \
                 OPENAI_API_KEY=sk-… cargo run --example generate\n  \
                 OPENAI_BASE_URL=http://127.0.0.1:11434/v1 OPENAI_MODEL=llama3.1 cargo run --example generate"
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("bad AI settings: {e}");
            return ExitCode::from(2);
        }
    };
    println!(
        "text model {} at {}",
        config.openai_model, config.openai_base_url
    );
    let keywords = match std::env::args().nth(1) {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("can't read {path}: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => SAMPLE.to_owned(),
    };
    let core = match Igny8::open(CoreConfig::new("sqlite::memory:")).await {
        Ok(core) => core.with_ai(config),
        Err(e) => {
            eprintln!("can't open the database: {e}");
            return ExitCode::FAILURE;
        }
    };
    // A worker in this process runs the jobs, as `igny8-server worker` would.
    let stop = CancellationToken::new();
    let worker = Worker::new(core.clone()).idle(Duration::from_millis(100));
    let running = tokio::spawn({
        let stop = stop.clone();
        async move { worker.run(stop).await }
    });
    let outcome = pipeline(&core, keywords).await;
    stop.cancel();
    let _ = running.await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nstopped: {e}");
            ExitCode::FAILURE
        }
    }
}
