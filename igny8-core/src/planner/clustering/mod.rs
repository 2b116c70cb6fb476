//! TEMPORARY stand-in until the local clustering lands.
#![allow(missing_docs, dead_code)]
pub struct ClusterInput<'a> {
    pub id: i64,
    pub keyword: &'a str,
    pub volume: i64,
}
pub struct ExistingCluster<'a> {
    pub id: i64,
    pub name: &'a str,
}
#[derive(Default)]
pub struct LocalClusterOptions {
    pub min_cluster_size: usize,
}
pub enum ClusterTarget {
    Existing(i64),
    New { name: String },
}
pub struct PlannedCluster {
    pub target: ClusterTarget,
    pub signature: Vec<String>,
    pub keyword_ids: Vec<i64>,
    pub total_volume: i64,
}
pub struct ClusterPlan {
    pub clusters: Vec<PlannedCluster>,
}
pub fn plan_clusters(
    keywords: &[ClusterInput<'_>],
    _existing: &[ExistingCluster<'_>],
    _o: &LocalClusterOptions,
) -> ClusterPlan {
    ClusterPlan {
        clusters: keywords
            .iter()
            .map(|k| PlannedCluster {
                target: ClusterTarget::New {
                    name: k.keyword.to_lowercase(),
                },
                signature: vec![],
                keyword_ids: vec![k.id],
                total_volume: k.volume,
            })
            .collect(),
    }
}
