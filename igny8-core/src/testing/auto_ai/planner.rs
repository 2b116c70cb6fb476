//! Auto Cluster and Generate Ideas: clusters by shared words, ideas on a cluster's keywords.

use serde_json::{Value, json};

use super::{between, capitalise, number_after, title_case};
use crate::planner::clustering::{
    ClusterInput, ClusterTarget, ExistingCluster, Language, LocalClusterOptions, plan_clusters,
    signature,
};

/// The numbered keywords of a clustering prompt: (number, keyword, volume).
fn numbered_keywords(prompt: &str) -> Vec<(i64, String, i64)> {
    prompt
        .lines()
        .filter_map(|line| {
            let (n, rest) = line.split_once(". ")?;
            let n: i64 = n.trim().parse().ok()?;
            let (keyword, volume) = rest.rsplit_once(" — ")?;
            Some((n, keyword.trim().to_owned(), volume.trim().parse().ok()?))
        })
        .collect()
}

/// The existing clusters of a clustering prompt (`- id 7: Name`).
fn existing_clusters(prompt: &str) -> Vec<(i64, String)> {
    prompt
        .lines()
        .filter_map(|line| {
            let (id, name) = line.strip_prefix("- id ")?.split_once(": ")?;
            Some((id.trim().parse().ok()?, name.trim().to_owned()))
        })
        .collect()
}

struct Group {
    target: ClusterTarget,
    name: String,
    signature: Vec<String>,
    numbers: Vec<i64>,
}

/// The answer to a clustering prompt.
pub(super) fn clusters(prompt: &str) -> Value {
    let keywords = numbered_keywords(prompt);
    let existing = existing_clusters(prompt);
    let max = number_after(prompt, "Make at most ", " clusters")
        .unwrap_or((keywords.len() as i64 + 1) / 2)
        .max(1) as usize;
    let sector = between(prompt, "keywords of the ", " sector").unwrap_or_default();
    let inputs: Vec<ClusterInput<'_>> = keywords
        .iter()
        .map(|(n, k, v)| ClusterInput {
            id: *n,
            keyword: k,
            volume: *v,
        })
        .collect();
    let known: Vec<ExistingCluster<'_>> = existing
        .iter()
        .map(|(id, name)| ExistingCluster { id: *id, name })
        .collect();
    let plan = plan_clusters(&inputs, &known, &LocalClusterOptions::default());
    let groups: Vec<Group> = plan
        .clusters
        .into_iter()
        .map(|c| Group {
            target: c.target,
            name: c.name,
            signature: c.signature,
            numbers: c.keyword_ids,
        })
        .collect();
    // A model groups by topic: new clusters whose commonest word is the same ("grow
    // tomatoes", "plant tomatoes", "tomato fertilizer") become one.
    let mut frequency: std::collections::HashMap<String, usize> = Default::default();
    for (_, k, _) in &keywords {
        for stem in signature(k, Language::English) {
            *frequency.entry(stem).or_default() += 1;
        }
    }
    let topic = |g: &Group| {
        g.signature
            .iter()
            .max_by_key(|s| {
                (
                    frequency.get(*s).copied().unwrap_or(0),
                    std::cmp::Reverse(*s),
                )
            })
            .cloned()
    };
    let mut merged: Vec<(Option<String>, Group)> = Vec::new();
    for g in groups {
        let new = matches!(g.target, ClusterTarget::New { .. });
        let word = topic(&g).filter(|_| new);
        match merged
            .iter()
            .position(|(w, _)| word.is_some() && *w == word)
        {
            Some(i) => {
                merged[i].1.numbers.extend(g.numbers);
                merged[i].1.signature.extend(g.signature);
            }
            None => merged.push((word, g)),
        }
    }
    let mut groups: Vec<Group> = merged.into_iter().map(|(_, g)| g).collect();
    // At most `max` clusters: the smallest joins the one it shares most words with.
    while groups.len() > max && groups.len() > 1 {
        let small = (0..groups.len())
            .rev()
            .min_by_key(|&i| groups[i].numbers.len())
            .unwrap_or(groups.len() - 1);
        let gone = groups.remove(small);
        let into = (0..groups.len())
            .max_by_key(|&i| {
                let shared = gone
                    .signature
                    .iter()
                    .filter(|s| groups[i].signature.contains(s))
                    .count();
                (shared, groups[i].numbers.len(), std::cmp::Reverse(i))
            })
            .unwrap_or(0);
        groups[into].numbers.extend(gone.numbers);
        groups[into].signature.extend(gone.signature);
    }
    let keyword_of = |n: i64| {
        keywords
            .iter()
            .find(|(k, _, _)| *k == n)
            .map(|(_, k, _)| k.as_str())
            .unwrap_or_default()
    };
    let clusters: Vec<Value> = groups
        .iter()
        .map(|g| {
            let (name, existing_id) = match &g.target {
                ClusterTarget::Existing(id) => (g.name.clone(), json!(id)),
                ClusterTarget::New { name } => (capitalise(name), Value::Null),
            };
            let examples: Vec<&str> = g.numbers.iter().take(3).map(|n| keyword_of(*n)).collect();
            let sector = if sector.is_empty() || sector == "(none)" {
                String::new()
            } else {
                format!(" in {sector}")
            };
            let description = format!(
                "Everything a reader needs to know about {}{sector}: {}.",
                name.to_lowercase(),
                examples.join(", ")
            );
            json!({"name": name, "description": description, "existing_cluster_id": existing_id,
                   "keywords": g.numbers})
        })
        .collect();
    json!({"clusters": clusters})
}

/// The structures ideas are proposed in, in order, with a title, a length and an outline.
const ANGLES: &[(&str, &str, i64, &[&str])] = &[
    (
        "guide",
        "The Complete Guide to {K}",
        2000,
        &[
            "What {k} is and why it matters",
            "How to choose the right {k}",
            "Getting started step by step",
            "Mistakes to avoid",
            "Frequently asked questions",
        ],
    ),
    (
        "how_to",
        "How to Get the Most Out of {K}",
        1200,
        &[
            "What you need before you start",
            "Step 1: Plan",
            "Step 2: Set up {k}",
            "Step 3: Check and adjust",
            "Troubleshooting",
        ],
    ),
    (
        "listicle",
        "7 Things to Know About {K}",
        1000,
        &[
            "The basics",
            "What experts look for",
            "Hidden costs",
            "Quick wins",
        ],
    ),
    (
        "comparison",
        "{K}: Comparing Your Options",
        1500,
        &[
            "The options at a glance",
            "Price and value",
            "Ease of use",
            "Which one to pick",
        ],
    ),
    (
        "review",
        "The Best {K} Options, Reviewed",
        1800,
        &[
            "How we tested",
            "Our top picks",
            "What the others miss",
            "Verdict",
        ],
    ),
    (
        "faq",
        "{K}: Your Questions Answered",
        900,
        &[
            "The questions we hear most",
            "Costs and timing",
            "Care and upkeep",
            "Where to learn more",
        ],
    ),
    (
        "article",
        "Why {K} Matters More Than You Think",
        1000,
        &[
            "The short answer",
            "What the numbers say",
            "What it means for you",
            "Next steps",
        ],
    ),
    (
        "cluster_hub",
        "{K}: Everything in One Place",
        2500,
        &[
            "Start here",
            "Choosing well",
            "Getting it done",
            "Going further",
        ],
    ),
];

fn enum_of(schema: &Value, field: &str) -> Vec<String> {
    schema
        .pointer(&format!("/properties/ideas/items/properties/{field}/enum"))
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The answer to an ideas prompt asking for ideas of `schema`.
/// Words that make a keyword's long-tail variants.
const LONG_TAIL: [&str; 8] = [
    "maintenance",
    "costs",
    "alternatives",
    "problems",
    "brands",
    "sizes",
    "accessories",
    "repair",
];

pub(super) fn ideas(prompt: &str, schema: &Value) -> Value {
    let count = schema
        .pointer("/properties/ideas/maxItems")
        .and_then(Value::as_i64)
        .or_else(|| number_after(prompt, "Propose ", " content ideas"))
        .unwrap_or(3)
        .clamp(1, 10) as usize;
    let cluster = between(prompt, "topic cluster \"", "\"").unwrap_or_default();
    let mut keywords: Vec<String> = prompt
        .lines()
        .filter_map(|l| l.strip_prefix("- ")?.rsplit_once(" — "))
        .filter(|(_, v)| v.trim().parse::<i64>().is_ok())
        .map(|(k, _)| k.trim().to_owned())
        .collect();
    if keywords.is_empty() {
        keywords.push(if cluster.is_empty() {
            "this topic".to_owned()
        } else {
            cluster.to_lowercase()
        });
    }
    // Main keywords that are different searches ("best garden hose" is "garden hose").
    let mut mains: Vec<String> = Vec::new();
    let mut seen: Vec<Vec<String>> = Vec::new();
    for k in &keywords {
        let sig =
            crate::planner::clustering::signature(k, crate::planner::clustering::Language::English);
        if !seen.contains(&sig) {
            seen.push(sig);
            mains.push(k.clone());
        }
    }
    let types = enum_of(schema, "content_type");
    let structures = enum_of(schema, "content_structure");
    let angles: Vec<_> = ANGLES
        .iter()
        .filter(|(s, ..)| structures.is_empty() || structures.iter().any(|x| x == s))
        .collect();
    let angles = if angles.is_empty() {
        ANGLES.iter().collect()
    } else {
        angles
    };
    let mut titles: Vec<String> = Vec::new();
    let ideas: Vec<Value> = (0..count)
        .map(|i| {
            let (structure, title, words, outline) = angles[i % angles.len()];
            // Each idea its own main keyword, as IGNY8 asks (two ideas for one keyword would
            // compete): past the cluster's keywords, a long-tail variant of one.
            let main = &if i < mains.len() {
                mains[i].clone()
            } else {
                let round = i / mains.len() - 1;
                format!(
                    "{} {}",
                    mains[i % mains.len()],
                    LONG_TAIL[round % LONG_TAIL.len()]
                )
            };
            let fill = |t: &str| t.replace("{K}", &title_case(main)).replace("{k}", main);
            let mut title = fill(title);
            if titles.contains(&title) {
                title = format!("{title}, Part {}", i / angles.len() + 1);
            }
            titles.push(title.clone());
            let mut targets = vec![main.clone()];
            let words_of_main: Vec<&str> = main.split_whitespace().collect();
            for k in keywords.iter().filter(|k| *k != main) {
                if targets.len() < 4 && k.split_whitespace().any(|w| words_of_main.contains(&w)) {
                    targets.push(k.clone());
                }
            }
            let content_type = match (structure, types.first()) {
                (&"cluster_hub", _) if types.iter().any(|t| t == "page") => "page".to_owned(),
                (_, Some(t)) => t.clone(),
                _ => "post".to_owned(),
            };
            let outline: Vec<Value> = outline
                .iter()
                .enumerate()
                .map(|(j, h)| {
                    let heading = capitalise(&fill(h));
                    let subsections: Vec<String> = if j == 1 {
                        targets.iter().skip(1).map(|k| capitalise(k)).collect()
                    } else {
                        Vec::new()
                    };
                    let notes = format!(
                        "{}, with the specifics someone searching for {main} needs",
                        heading.to_lowercase()
                    );
                    json!({"heading": heading, "notes": notes, "subsections": subsections})
                })
                .collect();
            let reader = if cluster.is_empty() {
                String::new()
            } else {
                format!(" within {cluster}")
            };
            json!({
                "title": title,
                "description": format!(
                    "A {} on {main}{reader}. It serves readers who want a clear, practical answer they can act on.",
                    structure.replace('_', " ")
                ),
                "content_type": content_type,
                "content_structure": structure,
                "target_keywords": targets,
                "estimated_word_count": words,
                "outline": outline,
            })
        })
        .collect();
    json!({"ideas": ideas})
}
