//! Generate Ideas: a cluster → content ideas with an outline, a content type and structure,
//! target keywords and a length.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::prompts::chat_request;
use super::{AiFunction, Run, Saved, Unit};
use crate::Igny8;
use crate::ai::html;
use crate::ai::pricing::Work;
use crate::ai::provider::ChatRequest;
use crate::credits::Reference;
use crate::error::{Error, Result};
use crate::ids::*;
use crate::jobs::JobKind;
use crate::list::PageRequest;
use crate::planner::*;
use crate::planner::{clustering, overlap};
use crate::store::Store;
use crate::tenancy::Scope;
use crate::thinker::PromptType;

/// Ideas per cluster when neither the input nor the account's `ideas.per_cluster` setting
/// says otherwise.
pub const DEFAULT_IDEAS: u32 = 3;
/// Most ideas per cluster.
pub const MAX_IDEAS: u32 = 10;
/// Keywords of a cluster shown to the model (the largest by volume).
const KEYWORDS_SHOWN: u64 = 60;

/// The input of Generate Ideas.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerateIdeasInput {
    /// The clusters.
    pub ids: Vec<ClusterId>,
    /// Ideas per cluster (1–10; [`Ai::start`](super::Ai::start) fills in the account's
    /// `ideas.per_cluster` when absent).
    #[serde(default)]
    pub ideas_per_cluster: Option<u32>,
    /// The content types to choose from (default: post and page).
    #[serde(default)]
    pub content_types: Vec<ContentType>,
}

impl GenerateIdeasInput {
    fn count(&self) -> u32 {
        self.ideas_per_cluster.unwrap_or(DEFAULT_IDEAS)
    }
}

/// Generate Ideas.
#[derive(Debug, Clone, Copy, Default)]
pub struct GenerateIdeas;

/// A cluster ready for the prompt.
#[derive(Debug)]
pub struct PreparedCluster {
    cluster: Cluster,
    keywords: Vec<(String, i64)>,
    sector: String,
    site: String,
    count: u32,
    types: Vec<ContentType>,
    /// What the site targets already (new ideas, articles), to keep duplicates out.
    existing: Vec<(overlap::Target, overlap::Profile)>,
    language: clustering::Language,
}

fn schema(count: u32, types: &[ContentType]) -> Value {
    let types: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    let structures: Vec<&str> = ContentStructure::ALL.iter().map(|s| s.as_str()).collect();
    json!({
        "type": "object", "additionalProperties": false, "required": ["ideas"],
        "properties": {"ideas": {"type": "array", "minItems": 1, "maxItems": count, "items": {
            "type": "object", "additionalProperties": false,
            "required": ["title", "description", "content_type", "content_structure",
                         "target_keywords", "estimated_word_count", "outline"],
            "properties": {
                "title": {"type": "string", "minLength": 3},
                "description": {"type": "string"},
                "content_type": {"type": "string", "enum": types},
                "content_structure": {"type": "string", "enum": structures},
                "target_keywords": {"type": "array", "items": {"type": "string"}},
                "estimated_word_count": {"type": "integer"},
                "outline": {"type": "array", "items": {
                    "type": "object", "additionalProperties": false,
                    "required": ["heading", "notes", "subsections"],
                    "properties": {
                        "heading": {"type": "string", "minLength": 1},
                        "notes": {"type": "string"},
                        "subsections": {"type": "array", "items": {"type": "string"}},
                    },
                }},
            },
        }}},
    })
}

#[derive(Debug, Deserialize)]
struct Answer {
    ideas: Vec<AnswerIdea>,
}

#[derive(Debug, Deserialize)]
struct AnswerIdea {
    title: String,
    #[serde(default)]
    description: String,
    content_type: ContentType,
    content_structure: ContentStructure,
    #[serde(default)]
    target_keywords: Vec<String>,
    #[serde(default)]
    estimated_word_count: Option<i64>,
    #[serde(default)]
    outline: Vec<OutlineSection>,
}

impl AiFunction for GenerateIdeas {
    type Input = GenerateIdeasInput;
    type Data = ();
    type Prepared = PreparedCluster;
    type Prompt = ChatRequest;
    type Answer = Value;
    type Draft = Vec<NewIdea>;

    fn kind(&self) -> JobKind {
        JobKind::GenerateIdeas
    }

    async fn validate<S: Store>(
        &self,
        core: &Igny8<S>,
        scope: &Scope,
        input: &GenerateIdeasInput,
    ) -> Result<Vec<Unit<()>>> {
        check_ids(&input.ids)?;
        if !(1..=MAX_IDEAS).contains(&input.count()) {
            return Err(Error::field(
                "ideas_per_cluster",
                format!("must be 1–{MAX_IDEAS}"),
            ));
        }
        let clusters = super::load_all(
            &input.ids,
            |c: &Cluster| c.id,
            ClusterId::not_found,
            |ids| async {
                let filter = ClusterFilter {
                    ids: Some(ids),
                    ..ClusterFilter::default()
                };
                let page = core
                    .clusters()
                    .list(
                        scope,
                        &filter,
                        &ClusterSort::default(),
                        &super::chunk_page(),
                    )
                    .await?;
                Ok(page.items)
            },
        )
        .await?;
        Ok(clusters
            .into_iter()
            .map(|cluster| Unit {
                object: Reference::new("cluster", cluster.id.get()),
                label: cluster.name,
                estimate: Work::Ideas(u64::from(input.count())),
                data: (),
            })
            .collect())
    }

    async fn prepare<S: Store>(
        &self,
        run: &Run<'_, S>,
        input: &GenerateIdeasInput,
        unit: &Unit<()>,
    ) -> Result<PreparedCluster> {
        let core = run.core;
        let cluster = core
            .clusters()
            .get(&run.scope, ClusterId(unit.object.id))
            .await?;
        let sector = core.tenancy().sector(&run.scope, cluster.sector_id).await?;
        let site = core.tenancy().site(&run.scope, cluster.site_id).await?;
        let filter = KeywordFilter {
            cluster_id: Some(cluster.id),
            ..KeywordFilter::default()
        };
        let sort = KeywordSort {
            field: KeywordSortField::Volume,
            descending: true,
        };
        let mut page = PageRequest::new(1, KEYWORDS_SHOWN);
        page.with_total = false;
        let keywords = core
            .keywords()
            .list(&run.scope, &filter, &sort, &page)
            .await?
            .items
            .into_iter()
            .map(|k| (k.keyword, k.volume.unwrap_or(0)))
            .collect();
        let types = if input.content_types.is_empty() {
            vec![ContentType::Post, ContentType::Page]
        } else {
            input.content_types.clone()
        };
        let (targets, language) = Box::pin(crate::planner::service::site_targets(
            core,
            &run.scope,
            cluster.site_id,
        ))
        .await?;
        let existing = targets
            .into_iter()
            .map(|t| {
                let profile = overlap::Profile::of(&t, language);
                (t, profile)
            })
            .collect();
        Ok(PreparedCluster {
            cluster,
            keywords,
            sector: sector.name,
            site: site.name,
            count: input.count(),
            types,
            existing,
            language,
        })
    }

    async fn prompt<S: Store>(&self, run: &Run<'_, S>, p: &PreparedCluster) -> Result<ChatRequest> {
        let keywords = p
            .keywords
            .iter()
            .map(|(k, v)| format!("- {k} — {v}"))
            .collect::<Vec<_>>()
            .join("\n");
        let vars = BTreeMap::from([
            ("cluster", p.cluster.name.clone()),
            (
                "description",
                p.cluster.description.clone().unwrap_or_default(),
            ),
            ("keywords", keywords),
            ("sector", p.sector.clone()),
            ("site", p.site.clone()),
            ("count", p.count.to_string()),
            (
                "content_types",
                p.types
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ]);
        chat_request(
            run.core,
            &run.scope,
            PromptType::Ideas,
            &vars,
            None,
            "content_ideas",
            schema(p.count, &p.types),
        )
        .await
    }

    async fn call<S: Store>(
        &self,
        run: &Run<'_, S>,
        _: &PreparedCluster,
        prompt: ChatRequest,
    ) -> Result<Value> {
        run.chat(&prompt).await
    }

    fn parse(&self, p: &PreparedCluster, answer: Value) -> Result<Vec<NewIdea>> {
        let answer: Answer = serde_json::from_value(answer)
            .map_err(|e| Error::Provider(format!("the model's ideas are unusable: {e}")))?;
        let ideas: Vec<NewIdea> = answer
            .ideas
            .into_iter()
            .take(p.count as usize)
            .map(|i| {
                let mut keywords = i.target_keywords;
                keywords.truncate(50);
                let mut outline = i.outline;
                outline.truncate(30);
                NewIdea {
                    sector_id: p.cluster.sector_id,
                    cluster_id: Some(p.cluster.id),
                    // Model text is cleaned, not refused: no markup, references decoded.
                    title: html::text_of(&i.title).chars().take(500).collect(),
                    description: Some(i.description.chars().take(20_000).collect()),
                    outline,
                    content_type: Some(i.content_type),
                    content_structure: Some(i.content_structure),
                    target_keywords: keywords,
                    estimated_word_count: i
                        .estimated_word_count
                        .map(|w| w.clamp(crate::writer::MIN_WORD_COUNT, 10_000)),
                }
            })
            .collect();
        if ideas.is_empty() {
            return Err(Error::Provider("the model proposed no ideas".into()));
        }
        Ok(ideas)
    }

    async fn save<S: Store>(
        &self,
        run: &Run<'_, S>,
        p: PreparedCluster,
        draft: Vec<NewIdea>,
    ) -> Result<Saved> {
        let mut ids = Vec::with_capacity(draft.len());
        let mut skipped = Vec::new();
        let mut known = p.existing;
        for idea in draft {
            // An idea for the same main keyword, or with a title of the same topical words, as
            // an idea or article
            // the site has (or one made just now) would compete with it: it is not made.
            let mut target = overlap::Target {
                kind: overlap::TargetKind::Idea,
                id: 0,
                title: idea.title.clone(),
                keywords: idea.target_keywords.clone(),
                url: None,
            };
            let profile = overlap::Profile::of(&target, p.language);
            let duplicate = known.iter().find_map(|(t, other)| {
                overlap::compare(&profile, other)
                    .filter(|(reason, strength)| match reason {
                        overlap::OverlapReason::SamePrimaryKeyword => true,
                        // The same topical words: a title that only shares most is reported
                        // (planner/overlaps/), not refused.
                        overlap::OverlapReason::SimilarTitle => *strength >= 1.0,
                        overlap::OverlapReason::KeywordOverlap => false,
                    })
                    .map(|(reason, _)| (t, reason))
            });
            if let Some((t, reason)) = duplicate {
                let mut duplicates = json!({"kind": t.kind.as_str(), "id": t.id, "title": t.title});
                if let Some(url) = &t.url {
                    duplicates["url"] = json!(url);
                }
                skipped.push(json!({
                    "title": idea.title,
                    "reason": reason.as_str(),
                    "duplicates": duplicates,
                }));
                continue;
            }
            let made = run.core.ideas().create(&run.scope, idea).await?;
            ids.push(made.id.get());
            target.id = made.id.get();
            known.push((target, profile));
        }
        Ok(Saved {
            summary: json!({"cluster_id": p.cluster.id.get(), "idea_ids": ids, "skipped": skipped}),
            work: Work::Ideas(ids.len() as u64),
        })
    }
}

/// `ids` without repeats, in order.
pub(crate) fn dedup<T: Copy + Eq + std::hash::Hash>(ids: &[T]) -> Vec<T> {
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}
