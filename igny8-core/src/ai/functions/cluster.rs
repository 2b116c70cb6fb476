//! Auto Cluster: a sector's unclustered keywords → clusters, in batches, reusing existing
//! clusters where the model says they fit. Keywords the model leaves out are placed by the
//! local clustering, so every keyword ends up in a cluster.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::prompts::chat_request;
use super::{AiFunction, Run, Saved, Unit};
use crate::Igny8;
use crate::ai::pricing::Work;
use crate::ai::provider::ChatRequest;
use crate::credits::Reference;
use crate::enums::string_enum;
use crate::error::{Error, Result};
use crate::ids::*;
use crate::jobs::JobKind;
use crate::list::{MAX_PAGE_SIZE, PageRequest};
use crate::planner::clustering::{
    self, ClusterInput, ClusterTarget, ExistingCluster, Language, LocalClusterOptions,
};
use crate::planner::*;
use crate::store::Store;
use crate::tenancy::Scope;
use crate::thinker::PromptType;

/// Keywords per model call unless the input says otherwise.
pub const DEFAULT_BATCH: usize = 100;
/// Most keywords per model call.
pub const MAX_BATCH: usize = 300;
/// Most existing clusters shown to the model.
const MAX_EXISTING_SHOWN: usize = 300;

string_enum! {
    /// How to cluster: what Auto Cluster's `mode` and an automation rule's `cluster_mode`
    /// hold.
    #[derive(Default)]
    pub enum ClusterMode {
        /// With the account's AI model (costs credits).
        #[default]
        Ai => "ai",
        /// With the free, deterministic local clustering.
        Local => "local",
    }
}

/// The input of Auto Cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoClusterInput {
    /// These keywords (the unclustered ones among them); or, when empty, every unclustered
    /// keyword of `sector_id`.
    #[serde(default)]
    pub ids: Vec<KeywordId>,
    /// The sector, when `ids` is empty.
    #[serde(default)]
    pub sector_id: Option<SectorId>,
    /// AI (default) or local.
    #[serde(default)]
    pub mode: ClusterMode,
    /// Keywords per model call (1–300, default 100).
    #[serde(default)]
    pub batch_size: Option<usize>,
    /// Language of the keywords for the local placement of leftovers (ISO code, default en).
    #[serde(default)]
    pub language: Option<String>,
    /// Smallest cluster of the local mode.
    #[serde(default)]
    pub min_cluster_size: Option<usize>,
}

/// Auto Cluster with an AI model.
#[derive(Debug, Clone, Copy, Default)]
pub struct AutoCluster;

/// A batch: its sector and keywords.
#[derive(Debug, Clone)]
pub struct Batch {
    sector: SectorId,
    keywords: Vec<UnclusteredKeyword>,
}

/// A batch ready for the prompt.
#[derive(Debug)]
pub struct PreparedBatch {
    sector: SectorId,
    sector_name: String,
    site_name: String,
    keywords: Vec<UnclusteredKeyword>,
    existing: Vec<(ClusterId, String)>,
    language: Language,
}

/// The model's clusters, checked: where each keyword goes, and new clusters' descriptions.
#[derive(Debug)]
pub struct ClusterDraft {
    assignments: Vec<ClusterAssignment>,
    descriptions: HashMap<String, String>,
    placed_locally: u64,
}

/// The unclustered, not archived keywords among `ids`, grouped by sector. When `strict`, an
/// id that isn't the account's keyword is an error.
async fn unclustered_of<S: Store>(
    core: &Igny8<S>,
    scope: &Scope,
    ids: &[KeywordId],
    strict: bool,
) -> Result<BTreeMap<SectorId, Vec<UnclusteredKeyword>>> {
    let mut by_sector: BTreeMap<SectorId, Vec<UnclusteredKeyword>> = BTreeMap::new();
    for chunk in ids.chunks(MAX_PAGE_SIZE as usize) {
        let filter = KeywordFilter {
            ids: Some(chunk.to_vec()),
            ..KeywordFilter::default()
        };
        let mut page = PageRequest::new(1, MAX_PAGE_SIZE);
        page.with_total = false;
        let found = core
            .keywords()
            .list(scope, &filter, &KeywordSort::default(), &page)
            .await?;
        // An id that isn't the account's is "not found", as everywhere.
        if strict
            && let Some(missing) = chunk
                .iter()
                .find(|id| !found.items.iter().any(|k| k.id == **id))
        {
            return Err(missing.not_found());
        }
        for k in found.items {
            if k.status == KeywordStatus::Archived || k.cluster_id.is_some() {
                continue;
            }
            by_sector
                .entry(k.sector_id)
                .or_default()
                .push(UnclusteredKeyword {
                    id: k.id,
                    keyword: k.keyword,
                    volume: k.volume.unwrap_or(0),
                });
        }
    }
    Ok(by_sector)
}

/// The sector's clusters, id and name, oldest first.
pub(crate) async fn clusters_of<S: Store>(
    core: &Igny8<S>,
    scope: &Scope,
    sector: SectorId,
    max: usize,
) -> Result<Vec<(ClusterId, String)>> {
    let filter = ClusterFilter {
        sector_id: Some(sector),
        ..ClusterFilter::default()
    };
    let mut out = Vec::new();
    let mut page = PageRequest::new(1, MAX_PAGE_SIZE);
    page.with_total = false;
    loop {
        let clusters = core
            .clusters()
            .list(scope, &filter, &ClusterSort::default(), &page)
            .await?;
        out.extend(clusters.items.into_iter().map(|c| (c.id, c.name)));
        match clusters.next_cursor {
            Some(c) if out.len() < max => page = PageRequest::after(c, MAX_PAGE_SIZE),
            _ => break,
        }
    }
    out.truncate(max);
    out.reverse();
    Ok(out)
}

fn schema() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["clusters"],
        "properties": {"clusters": {"type": "array", "items": {
            "type": "object", "additionalProperties": false,
            "required": ["name", "description", "existing_cluster_id", "keywords"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "description": {"type": "string"},
                "existing_cluster_id": {"type": ["integer", "null"]},
                "keywords": {"type": "array", "items": {"type": "integer"}},
            },
        }}},
    })
}

#[derive(Debug, Deserialize)]
struct Answer {
    clusters: Vec<AnswerCluster>,
}

#[derive(Debug, Deserialize)]
struct AnswerCluster {
    name: String,
    #[serde(default)]
    description: String,
    existing_cluster_id: Option<i64>,
    keywords: Vec<i64>,
}

fn clean_name(name: &str) -> String {
    let name = crate::validate::collapse_whitespace(name);
    name.chars().take(255).collect()
}

impl AiFunction for AutoCluster {
    type Input = AutoClusterInput;
    type Data = Batch;
    type Prepared = PreparedBatch;
    type Prompt = ChatRequest;
    type Answer = Value;
    type Draft = ClusterDraft;

    fn kind(&self) -> JobKind {
        JobKind::AutoCluster
    }

    async fn validate<S: Store>(
        &self,
        core: &Igny8<S>,
        scope: &Scope,
        input: &AutoClusterInput,
    ) -> Result<Vec<Unit<Batch>>> {
        let batch = input.batch_size.unwrap_or(DEFAULT_BATCH);
        if !(1..=MAX_BATCH).contains(&batch) {
            return Err(Error::field(
                "batch_size",
                format!("must be 1–{MAX_BATCH} keywords"),
            ));
        }
        // A sector given is the account's, also when `ids` make it unused: another
        // account's id is "not found", never silently kept in the job.
        if let Some(sector) = input.sector_id {
            core.tenancy().sector(scope, sector).await?;
        }
        let by_sector = if input.ids.is_empty() {
            let Some(sector) = input.sector_id else {
                return Err(Error::field(
                    "ids",
                    "name the keywords to cluster, or give a sector_id to cluster all of its unclustered keywords",
                ));
            };
            let keywords = core.store().unclustered_keywords(scope, sector).await?;
            BTreeMap::from([(sector, keywords)])
        } else {
            check_ids(&input.ids)?;
            unclustered_of(core, scope, &input.ids, true).await?
        };
        let mut units = Vec::new();
        for (sector, keywords) in by_sector {
            for chunk in keywords.chunks(batch) {
                let first = chunk[0].id.get();
                units.push(Unit {
                    object: Reference::new("keyword_batch", first),
                    label: format!("{} keywords from \"{}\"", chunk.len(), chunk[0].keyword),
                    estimate: Work::ClusterKeywords(chunk.len() as u64),
                    data: Batch {
                        sector,
                        keywords: chunk.to_vec(),
                    },
                });
            }
        }
        if units.is_empty() {
            return Err(Error::field(
                "ids",
                "there are no unclustered keywords to cluster",
            ));
        }
        Ok(units)
    }

    async fn prepare<S: Store>(
        &self,
        run: &Run<'_, S>,
        input: &AutoClusterInput,
        unit: &Unit<Batch>,
    ) -> Result<PreparedBatch> {
        let core = run.core;
        let sector = core.tenancy().sector(&run.scope, unit.data.sector).await?;
        let site = core.tenancy().site(&run.scope, sector.site_id).await?;
        // Keywords clustered since validation (by another run) are left alone.
        let ids: Vec<KeywordId> = unit.data.keywords.iter().map(|k| k.id).collect();
        let still = unclustered_of(core, &run.scope, &ids, false).await?;
        let keywords = still.into_values().flatten().collect::<Vec<_>>();
        let existing = clusters_of(core, &run.scope, sector.id, MAX_EXISTING_SHOWN).await?;
        Ok(PreparedBatch {
            sector: sector.id,
            sector_name: sector.name,
            site_name: site.name,
            keywords,
            existing,
            language: input
                .language
                .as_deref()
                .and_then(Language::from_code)
                .unwrap_or_default(),
        })
    }

    async fn prompt<S: Store>(&self, run: &Run<'_, S>, p: &PreparedBatch) -> Result<ChatRequest> {
        let keywords = p
            .keywords
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{}. {} — {}", i + 1, k.keyword, k.volume))
            .collect::<Vec<_>>()
            .join("\n");
        let existing = if p.existing.is_empty() {
            "(none yet)".to_owned()
        } else {
            p.existing
                .iter()
                .map(|(id, name)| format!("- id {}: {name}", id.get()))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let vars = BTreeMap::from([
            ("keywords", keywords),
            ("existing_clusters", existing),
            ("sector", p.sector_name.clone()),
            ("site", p.site_name.clone()),
            (
                "max_clusters",
                p.keywords.len().div_ceil(2).max(1).to_string(),
            ),
        ]);
        chat_request(
            run.core,
            &run.scope,
            PromptType::Clustering,
            &vars,
            None,
            "keyword_clusters",
            schema(),
        )
        .await
    }

    async fn call<S: Store>(
        &self,
        run: &Run<'_, S>,
        p: &PreparedBatch,
        prompt: ChatRequest,
    ) -> Result<Value> {
        if p.keywords.is_empty() {
            return Ok(json!({"clusters": []}));
        }
        run.chat(&prompt).await
    }

    fn parse(&self, p: &PreparedBatch, answer: Value) -> Result<ClusterDraft> {
        let answer: Answer = serde_json::from_value(answer)
            .map_err(|e| Error::Provider(format!("the model's clusters are unusable: {e}")))?;
        let existing_by_name: HashMap<String, ClusterId> = p
            .existing
            .iter()
            .map(|(id, n)| (n.to_lowercase(), *id))
            .collect();
        // Targets in the model's order, merged by existing id or by name.
        let mut targets: Vec<(AssignmentTarget, Vec<KeywordId>)> = Vec::new();
        let mut descriptions = HashMap::new();
        let mut taken = vec![false; p.keywords.len()];
        for c in answer.clusters {
            let name = clean_name(&c.name);
            let target = match c
                .existing_cluster_id
                .and_then(|id| p.existing.iter().find(|(e, _)| e.get() == id))
            {
                Some((id, _)) => AssignmentTarget::Existing(*id),
                None => match existing_by_name.get(&name.to_lowercase()) {
                    Some(id) => AssignmentTarget::Existing(*id),
                    None if name.is_empty() => continue,
                    None => AssignmentTarget::New(name.clone()),
                },
            };
            let slot = match targets.iter().position(|(t, _)| match (t, &target) {
                (AssignmentTarget::New(a), AssignmentTarget::New(b)) => {
                    a.to_lowercase() == b.to_lowercase()
                }
                (a, b) => a == b,
            }) {
                Some(i) => i,
                None => {
                    targets.push((target.clone(), Vec::new()));
                    targets.len() - 1
                }
            };
            for n in c.keywords {
                let Some(i) = usize::try_from(n).ok().and_then(|n| n.checked_sub(1)) else {
                    continue;
                };
                if i < taken.len() && !taken[i] {
                    taken[i] = true;
                    targets[slot].1.push(p.keywords[i].id);
                }
            }
            if let AssignmentTarget::New(n) = &target
                && !c.description.trim().is_empty()
            {
                descriptions
                    .entry(n.to_lowercase())
                    .or_insert_with(|| c.description.trim().chars().take(2000).collect());
            }
        }
        targets.retain(|(_, ids)| !ids.is_empty());

        // Keywords the model left out: placed by the local clustering among the existing
        // clusters and the model's new ones (negative ids stand for those).
        let leftovers: Vec<&UnclusteredKeyword> = p
            .keywords
            .iter()
            .zip(&taken)
            .filter(|(_, t)| !**t)
            .map(|(k, _)| k)
            .collect();
        let placed_locally = leftovers.len() as u64;
        if !leftovers.is_empty() {
            let inputs: Vec<ClusterInput<'_>> = leftovers
                .iter()
                .map(|k| ClusterInput {
                    id: k.id.get(),
                    keyword: &k.keyword,
                    volume: k.volume,
                })
                .collect();
            let names: Vec<(i64, String)> = targets
                .iter()
                .enumerate()
                .filter_map(|(i, (t, _))| match t {
                    AssignmentTarget::New(n) => Some((-(i as i64) - 1, n.clone())),
                    AssignmentTarget::Existing(_) => None,
                })
                .chain(p.existing.iter().map(|(id, n)| (id.get(), n.clone())))
                .collect();
            let known: Vec<ExistingCluster<'_>> = names
                .iter()
                .map(|(id, name)| ExistingCluster { id: *id, name })
                .collect();
            let options = LocalClusterOptions {
                min_cluster_size: 1,
                language: p.language,
                ..LocalClusterOptions::default()
            };
            for planned in clustering::plan_clusters(&inputs, &known, &options).clusters {
                let ids = planned.keyword_ids.into_iter().map(KeywordId);
                match planned.target {
                    ClusterTarget::Existing(id) if id < 0 => {
                        targets[(-id - 1) as usize].1.extend(ids);
                    }
                    ClusterTarget::Existing(id) => {
                        targets.push((AssignmentTarget::Existing(ClusterId(id)), ids.collect()));
                    }
                    ClusterTarget::New { name } => {
                        targets.push((AssignmentTarget::New(clean_name(&name)), ids.collect()));
                    }
                }
            }
        }
        Ok(ClusterDraft {
            assignments: targets
                .into_iter()
                .map(|(target, keyword_ids)| ClusterAssignment {
                    target,
                    keyword_ids,
                })
                .collect(),
            descriptions,
            placed_locally,
        })
    }

    async fn save<S: Store>(
        &self,
        run: &Run<'_, S>,
        p: PreparedBatch,
        draft: ClusterDraft,
    ) -> Result<Saved> {
        let core = run.core;
        let applied = core
            .store()
            .apply_clustering(&run.scope, p.sector, &draft.assignments)
            .await?;
        let mut assigned = 0;
        let mut created = 0;
        let mut reused = 0;
        let mut clusters = Vec::new();
        for (a, (id, n)) in draft.assignments.iter().zip(applied) {
            assigned += n;
            let (name, new) = match &a.target {
                AssignmentTarget::New(name) => (name.clone(), true),
                AssignmentTarget::Existing(id) => (
                    p.existing
                        .iter()
                        .find(|(e, _)| e == id)
                        .map(|(_, n)| n.clone())
                        .unwrap_or_default(),
                    false,
                ),
            };
            if new {
                created += 1;
                if let Some(d) = draft.descriptions.get(&name.to_lowercase()) {
                    let patch = ClusterPatch {
                        description: Some(Some(d.clone())),
                        ..ClusterPatch::default()
                    };
                    core.clusters().update(&run.scope, id, patch).await?;
                }
            } else {
                reused += 1;
            }
            clusters.push(json!({"id": id.get(), "name": name, "created": new, "keywords": n}));
        }
        Ok(Saved {
            summary: json!({
                "keywords_considered": p.keywords.len(),
                "keywords_assigned": assigned,
                "placed_locally": draft.placed_locally,
                "clusters_created": created,
                "clusters_reused": reused,
                "clusters": clusters,
            }),
            work: Work::ClusterKeywords(assigned),
        })
    }
}
