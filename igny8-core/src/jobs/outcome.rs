//! What a finished job did, in one sentence, and the step that follows it in the pipeline —
//! read from the job's stored result, so every face (the API's `summary` and `next_step`, the
//! web app's job page, the plugin's progress box) says the same thing and none of them parses
//! result fields of its own.

use serde::Serialize;
use serde_json::Value;

use super::{Job, JobKind, JobStatus};
use crate::words::count;

/// The pipeline step to offer after a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NextStep {
    /// Generate ideas for the clusters.
    GenerateIdeas,
    /// Queue the ideas worth writing to the writer.
    QueueIdeas,
    /// Write image prompts for the articles.
    WriteImagePrompts,
    /// Generate the images from their prompts.
    GenerateImages,
    /// Send or publish the articles to WordPress.
    Publish,
}

impl NextStep {
    /// A stable name (`generate_ideas`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GenerateIdeas => "generate_ideas",
            Self::QueueIdeas => "queue_ideas",
            Self::WriteImagePrompts => "write_image_prompts",
            Self::GenerateImages => "generate_images",
            Self::Publish => "publish",
        }
    }

    /// The step as a button or link says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::GenerateIdeas => "Generate ideas",
            Self::QueueIdeas => "Queue ideas to the writer",
            Self::WriteImagePrompts => "Write image prompts",
            Self::GenerateImages => "Generate the images",
            Self::Publish => "Send to WordPress",
        }
    }
}

/// A finished job's outcome for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobOutcome {
    /// One sentence: what was made, what failed, what it cost ("Grouped 6 keywords into 3
    /// clusters (2 new). 2 credits used.").
    pub summary: String,
    /// The step that follows, when the job made something to go on with.
    pub next: Option<NextStep>,
}

impl Job {
    /// What the job did and what comes next, once it succeeded; `None` while it runs, when it
    /// failed or was cancelled (its `error` says why), and for kinds whose result pages say it
    /// themselves (imports, publishing, automation runs, link syncs).
    pub fn outcome(&self) -> Option<JobOutcome> {
        if self.status != JobStatus::Succeeded {
            return None;
        }
        outcome(self.kind, self.result.as_ref()?)
    }
}

/// The outcome of a succeeded job of `kind` from its `result` (see [`Job::outcome`]).
pub fn outcome(kind: JobKind, result: &Value) -> Option<JobOutcome> {
    let items: Vec<&Value> = result
        .get("items")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(|i| i.get("result")).collect())
        .unwrap_or_default();
    let sum = |field: &str| -> u64 { items.iter().map(|i| number(i, field)).sum() };
    let listed = |field: &str| -> u64 {
        items
            .iter()
            .map(|i| {
                i.get(field)
                    .and_then(Value::as_array)
                    .map_or(0, |a| a.len() as u64)
            })
            .sum()
    };
    let done = number(result, "done");
    let (mut summary, next) = match kind {
        JobKind::AutoCluster | JobKind::LocalCluster => {
            let (assigned, created, reused) = if kind == JobKind::LocalCluster {
                (
                    number(result, "keywords_assigned"),
                    number(result, "clusters_created"),
                    number(result, "clusters_reused"),
                )
            } else {
                (
                    sum("keywords_assigned"),
                    sum("clusters_created"),
                    sum("clusters_reused"),
                )
            };
            let clusters = created + reused;
            if assigned == 0 {
                ("No keyword was grouped.".to_owned(), None)
            } else {
                (
                    format!(
                        "Grouped {} into {} ({} new).",
                        count(assigned, "keyword"),
                        count(clusters, "cluster"),
                        created
                    ),
                    Some(NextStep::GenerateIdeas),
                )
            }
        }
        JobKind::GenerateIdeas => {
            let ideas = listed("idea_ids");
            (
                format!(
                    "Proposed {} for {}.",
                    count(ideas, "idea"),
                    count(done, "cluster")
                ),
                (ideas > 0).then_some(NextStep::QueueIdeas),
            )
        }
        JobKind::GenerateContent => {
            let words = sum("word_count");
            let rewritten = items
                .iter()
                .filter(|i| i.get("rewritten").and_then(Value::as_bool) == Some(true))
                .count() as u64;
            let verb = if rewritten == done && done > 0 {
                "Rewrote"
            } else {
                "Wrote"
            };
            (
                format!(
                    "{verb} {} ({}).",
                    count(done, "article"),
                    count(words, "word")
                ),
                (done > 0).then_some(NextStep::WriteImagePrompts),
            )
        }
        JobKind::GenerateImagePrompts => {
            let prompts = listed("image_ids");
            (
                format!(
                    "Wrote {} for {}.",
                    count(prompts, "image prompt"),
                    count(done, "article")
                ),
                (prompts > 0).then_some(NextStep::GenerateImages),
            )
        }
        JobKind::GenerateImages => (
            format!("Generated {}.", count(done, "image")),
            (done > 0).then_some(NextStep::Publish),
        ),
        JobKind::Publish
        | JobKind::ImportKeywords
        | JobKind::AutomationRun
        | JobKind::SyncLinks => return None,
    };
    let failed = number(result, "failed");
    if failed > 0 {
        summary.push_str(&format!(" {failed} failed: see the errors."));
    }
    let credits = number(result, "credits_charged");
    if credits > 0 {
        summary.push_str(&format!(" {} used.", count(credits, "credit")));
    }
    Some(JobOutcome { summary, next })
}

fn number(value: &Value, field: &str) -> u64 {
    value.get(field).and_then(Value::as_u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_function_says_what_it_made_and_what_comes_next() {
        let clustered = json!({"done": 1, "failed": 0, "credits_charged": 2, "items": [
            {"object": "sector", "id": 1, "credits": 2, "result":
                {"keywords_assigned": 6, "clusters_created": 2, "clusters_reused": 1}}]});
        assert_eq!(
            outcome(JobKind::AutoCluster, &clustered),
            Some(JobOutcome {
                summary: "Grouped 6 keywords into 3 clusters (2 new). 2 credits used.".into(),
                next: Some(NextStep::GenerateIdeas),
            })
        );
        let local = json!({"keywords_assigned": 0, "clusters_created": 0, "clusters_reused": 0});
        assert_eq!(
            outcome(JobKind::LocalCluster, &local).unwrap(),
            JobOutcome {
                summary: "No keyword was grouped.".into(),
                next: None
            }
        );
        let ideas = json!({"done": 2, "failed": 1, "credits_charged": 1, "items": [
            {"result": {"idea_ids": [1, 2, 3]}}, {"result": {"idea_ids": [4]}}]});
        assert_eq!(
            outcome(JobKind::GenerateIdeas, &ideas).unwrap().summary,
            "Proposed 4 ideas for 2 clusters. 1 failed: see the errors. 1 credit used."
        );
        let written =
            json!({"done": 1, "items": [{"result": {"word_count": 1520, "rewritten": false}}]});
        let written = outcome(JobKind::GenerateContent, &written).unwrap();
        assert_eq!(written.summary, "Wrote 1 article (1,520 words).");
        assert_eq!(written.next, Some(NextStep::WriteImagePrompts));
        let prompts = json!({"done": 1, "items": [{"result": {"image_ids": [7, 8, 9]}}]});
        assert_eq!(
            outcome(JobKind::GenerateImagePrompts, &prompts)
                .unwrap()
                .summary,
            "Wrote 3 image prompts for 1 article."
        );
        let images = json!({"done": 3, "items": []});
        let images = outcome(JobKind::GenerateImages, &images).unwrap();
        assert_eq!(images.summary, "Generated 3 images.");
        assert_eq!(images.next.map(NextStep::label), Some("Send to WordPress"));
        assert_eq!(outcome(JobKind::Publish, &json!({})), None);
    }
}
