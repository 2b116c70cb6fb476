//! Local keyword clustering: a deterministic, AI-free first pass that groups
//! SEO keywords by the words they share.
//!
//! Each keyword is reduced to a *signature*: its topical words, lowercased,
//! stemmed with the language's Snowball stemmer, without stopwords ("how",
//! "to", "for") or generic modifiers ("best", "free", "2024"). Every subset of
//! one to three signature terms is counted over all keywords; a keyword's
//! *head* is its most specific subset that enough keywords share. Keywords with
//! the same head form a cluster, named with the most common readable phrase of
//! the head words among its members ("kitchen faucet"). A cluster whose head
//! matches the signature of an existing cluster's name is merged into that
//! cluster instead.
//!
//! ```
//! use igny8_core::planner::clustering::{plan_clusters, ClusterInput, ClusterTarget, LocalClusterOptions};
//!
//! let words = ["kitchen faucet", "best kitchen faucets", "faucets for the kitchen", "sofa bed"];
//! let input: Vec<ClusterInput> = words
//!     .iter()
//!     .enumerate()
//!     .map(|(i, k)| ClusterInput { id: i as i64, keyword: k, volume: 100 - i as i64 })
//!     .collect();
//! let plan = plan_clusters(&input, &[], &LocalClusterOptions::default());
//! assert_eq!(plan.clusters[0].target, ClusterTarget::New { name: "kitchen faucet".into() });
//! assert_eq!(plan.clusters[0].keyword_ids, [0, 1, 2]);
//! assert_eq!(plan.clusters[1].name, "sofa bed");
//! ```
//!
//! The method, its limits and its speed are described for users in
//! `docs/local-clustering.md`.

mod language;
mod plan;
mod tokens;

pub use language::Language;

/// One keyword to cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClusterInput<'a> {
    /// The caller's id for the keyword; returned in [`PlannedCluster::keyword_ids`].
    pub id: i64,
    /// The keyword text, as the user entered or imported it.
    pub keyword: &'a str,
    /// Monthly search volume. Orders keywords and clusters; a negative volume
    /// counts as 0.
    pub volume: i64,
}

/// An existing cluster the new keywords may join.
///
/// It is reused when its name has the same [`signature`] as a chosen cluster
/// head (or as a keyword left on its own). A name of one to three terms is
/// also offered as a head to every keyword containing those terms, even when
/// no other new keyword shares them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExistingCluster<'a> {
    /// The caller's id for the cluster; returned in [`ClusterTarget::Existing`].
    pub id: i64,
    /// The cluster's name, e.g. "Kitchen Faucets".
    pub name: &'a str,
}

/// Tunables for [`plan_clusters`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LocalClusterOptions {
    /// How many keywords must share a two- or three-term head for it to form a
    /// cluster. Default 2; values below 2 are treated as 2.
    pub min_cluster_size: usize,
    /// How many keywords must share a one-term head ("tool") for it to form a
    /// cluster; the larger of this and `min_cluster_size` applies. Default 3, so
    /// "tool box" and "power tool" alone do not merge on "tool".
    pub min_unigram_support: usize,
    /// How many distinct terms of a keyword are used, in order of appearance.
    /// Default 8; clamped to 1..=16. Bounds the work per keyword
    /// (8 terms → at most 92 subsets).
    pub max_terms_per_keyword: usize,
    /// The keywords' language: chooses the stemmer, stopwords and modifiers.
    /// Default [`Language::English`].
    pub language: Language,
}

impl Default for LocalClusterOptions {
    fn default() -> Self {
        LocalClusterOptions {
            min_cluster_size: 2,
            min_unigram_support: 3,
            max_terms_per_keyword: 8,
            language: Language::English,
        }
    }
}

/// Where a planned cluster's keywords go.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ClusterTarget {
    /// Into the existing cluster with this id.
    Existing(i64),
    /// Into a new cluster with this name (unique within the plan, and distinct
    /// from every existing cluster's name, ignoring case).
    New {
        /// The new cluster's name.
        name: String,
    },
}

/// One cluster of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PlannedCluster {
    /// Existing cluster to reuse, or new cluster to create.
    pub target: ClusterTarget,
    /// Display name: the new cluster's name, or the existing cluster's name
    /// (whitespace collapsed).
    pub name: String,
    /// The head's stems, sorted (for a keyword left on its own, its whole
    /// signature).
    pub signature: Vec<String>,
    /// The member keywords' ids, by volume descending, then id.
    pub keyword_ids: Vec<i64>,
    /// Sum of the members' volumes (negative volumes count as 0; saturating).
    pub total_volume: i64,
}

/// The result of [`plan_clusters`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ClusterPlan {
    /// Every cluster, by total volume descending, then name, then signature.
    /// Every input keyword is in exactly one cluster.
    pub clusters: Vec<PlannedCluster>,
}

impl ClusterPlan {
    /// Number of clusters.
    pub fn len(&self) -> usize {
        self.clusters.len()
    }

    /// `true` when the plan has no cluster (only for an empty input).
    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    /// Number of keywords across all clusters.
    pub fn keyword_count(&self) -> usize {
        self.clusters.iter().map(|c| c.keyword_ids.len()).sum()
    }
}

/// Clusters `keywords`, reusing `existing` clusters where their name matches a
/// cluster head. Deterministic: the same keywords (in any order) and the same
/// existing clusters give the same plan. Never panics; runs in time roughly
/// linear in the number of keywords.
pub fn plan_clusters(
    keywords: &[ClusterInput<'_>],
    existing: &[ExistingCluster<'_>],
    options: &LocalClusterOptions,
) -> ClusterPlan {
    plan::plan(keywords, existing, options)
}

/// The normalised, stemmed token signature of a text: its distinct topical
/// stems (first 8), sorted. Used to match cluster names.
///
/// A text without a topical word ("how to", "best 2024") gets its whole
/// normalised text as a single element, so it still has a signature.
///
/// ```
/// use igny8_core::planner::clustering::{signature, Language};
/// assert_eq!(signature("Best Kitchen Faucets 2024", Language::English), ["faucet", "kitchen"]);
/// assert_eq!(signature("faucet for the kitchen", Language::English), ["faucet", "kitchen"]);
/// assert_eq!(signature("how to", Language::English), ["how to"]);
/// ```
pub fn signature(text: &str, language: Language) -> Vec<String> {
    let max_terms = LocalClusterOptions::default().max_terms_per_keyword;
    tokens::Normalizer::new(language).signature(text, max_terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(words: &[&'a str]) -> Vec<ClusterInput<'a>> {
        words
            .iter()
            .enumerate()
            .map(|(i, k)| ClusterInput {
                id: i as i64 + 1,
                keyword: k,
                volume: 10,
            })
            .collect()
    }

    #[test]
    fn options_below_minimum_are_clamped() {
        let words = input(&["kitchen faucet", "kitchen faucets", "sofa"]);
        let loose = LocalClusterOptions {
            min_cluster_size: 0,
            max_terms_per_keyword: 0,
            ..Default::default()
        };
        let plan = plan_clusters(&words, &[], &loose);
        assert_eq!(plan.keyword_count(), 3);
        assert_eq!(plan.len(), 2);
    }

    #[test]
    fn larger_min_cluster_size_keeps_small_groups_apart_but_grouped_by_signature() {
        let words = input(&["kitchen faucet", "kitchen faucets", "sofa bed", "sofa beds"]);
        let strict = LocalClusterOptions {
            min_cluster_size: 3,
            ..Default::default()
        };
        let plan = plan_clusters(&words, &[], &strict);
        // No head reaches 3 keywords, but identical signatures stay together.
        assert_eq!(plan.len(), 2);
        assert_eq!(plan.keyword_count(), 4);
    }

    #[test]
    fn negative_and_huge_volumes_do_not_overflow() {
        let words = [
            ClusterInput {
                id: 1,
                keyword: "a b",
                volume: i64::MAX,
            },
            ClusterInput {
                id: 2,
                keyword: "a b c",
                volume: i64::MAX,
            },
            ClusterInput {
                id: 3,
                keyword: "b a",
                volume: -5,
            },
        ];
        let plan = plan_clusters(&words, &[], &LocalClusterOptions::default());
        assert_eq!(plan.len(), 1);
        assert_eq!(plan.clusters[0].total_volume, i64::MAX);
        assert_eq!(plan.clusters[0].keyword_ids, [1, 2, 3]);
    }

    #[test]
    fn names_are_unique_and_avoid_existing_names() {
        // "" and "   " have no text and are named "untitled", like the keyword
        // "untitled" itself; an unrelated existing cluster is called "Untitled (2)".
        let words = input(&["", "untitled", "   ", "zzz qqq"]);
        let existing = [
            ExistingCluster {
                id: 7,
                name: "ZZZ  qqq",
            },
            ExistingCluster {
                id: 8,
                name: "Untitled (2)",
            },
        ];
        let plan = plan_clusters(&words, &existing, &LocalClusterOptions::default());
        let mut names: Vec<&str> = plan.clusters.iter().map(|c| c.name.as_str()).collect();
        names.sort();
        assert_eq!(names, ["ZZZ qqq", "untitled", "untitled (3)"]);
        // "zzz qqq" has the same signature as the existing name: it is reused.
        let reused = plan
            .clusters
            .iter()
            .find(|c| c.target == ClusterTarget::Existing(7));
        assert_eq!(reused.map(|c| c.keyword_ids.clone()), Some(vec![4]));
    }
}
