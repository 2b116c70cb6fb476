//! The core as an embedding application uses it: a SQLite file, the planner pipeline from an
//! export to writer tasks, and the data still there after the process reopens the file.

use igny8_core::list::PageRequest;
use igny8_core::planner::clustering::LocalClusterOptions;
use igny8_core::planner::{
    ClusterFilter, ClusterSort, IdeaStatus, KeywordFilter, KeywordSort, NewIdea, QueueDefaults,
};
use igny8_core::writer::{TaskFilter, TaskSort};
use igny8_core::{CoreConfig, Igny8};

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/keyword-exports")
        .join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planner_pipeline_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("igny8-embedding-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("app.db").display());

    let (scope, sector, clusters) = {
        let core = Igny8::open(CoreConfig::new(url.clone())).await.unwrap();
        let t = igny8_core::testing::tenant(&core, "Embedded", 42)
            .await
            .unwrap();
        let (scope, sector) = (t.scope, t.sector);
        for file in ["moz_keyword-explorer.csv", "semrush_broad-match.csv"] {
            let f = tokio::fs::File::open(fixture(file)).await.unwrap();
            let report = core.keywords().import(&scope, sector, f).await.unwrap();
            assert_eq!(report.rejected, 0, "{file}: {report:?}");
        }
        let report = core
            .clusters()
            .cluster_locally(&scope, sector, &LocalClusterOptions::default())
            .await
            .unwrap();
        assert_eq!(report.keywords_assigned, 6 + 23);
        let clusters = core
            .clusters()
            .list(
                &scope,
                &ClusterFilter::default(),
                &ClusterSort::default(),
                &PageRequest::new(1, 100),
            )
            .await
            .unwrap();
        // The coffee grinder keywords share a cluster.
        let grinder = clusters
            .items
            .iter()
            .find(|c| c.name == "coffee grinder")
            .expect("a coffee grinder cluster");
        assert!(grinder.keyword_count >= 5, "{grinder:?}");
        let idea = core
            .ideas()
            .create(
                &scope,
                NewIdea {
                    sector_id: sector,
                    cluster_id: Some(grinder.id),
                    title: "The best coffee grinders".into(),
                    description: None,
                    outline: vec![],
                    content_type: None,
                    content_structure: None,
                    target_keywords: vec!["best coffee grinder".into()],
                    estimated_word_count: None,
                },
            )
            .await
            .unwrap();
        let tasks = core
            .ideas()
            .queue_to_writer(&scope, &[idea.id], QueueDefaults::default())
            .await
            .unwrap()
            .tasks;
        assert_eq!(tasks.len(), 1);
        core.store().close().await;
        (scope, sector, clusters.total)
    };

    // A new process opens the same file: everything is there, and migrations don't run again.
    let core = Igny8::open(CoreConfig::new(url)).await.unwrap();
    let keywords = core
        .keywords()
        .list(
            &scope,
            &KeywordFilter {
                sector_id: Some(sector),
                ..Default::default()
            },
            &KeywordSort::default(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(keywords.total, Some(29));
    assert!(keywords.items.iter().all(|k| k.cluster_id.is_some()));
    let again = core
        .clusters()
        .list(
            &scope,
            &ClusterFilter::default(),
            &ClusterSort::default(),
            &PageRequest::new(1, 100),
        )
        .await
        .unwrap();
    assert_eq!(again.total, clusters);
    let tasks = core
        .tasks()
        .list(
            &scope,
            &TaskFilter::default(),
            &TaskSort::default(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(tasks.total, Some(1));
    let idea = core
        .ideas()
        .get(&scope, tasks.items[0].idea_id.unwrap())
        .await
        .unwrap();
    assert_eq!(idea.status, IdeaStatus::Queued);
    assert_eq!(core.credits().balance(&scope).await.unwrap(), 42);
    core.store().close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
