use igny8_core::list::PageRequest;
use igny8_core::planner::clustering::LocalClusterOptions;
use igny8_core::planner::*;
use igny8_core::{ErrorCode, Igny8};

use crate::support::{import, tenant};

pub(crate) async fn clusters_crud_and_aggregates(core: Igny8) {
    let t = tenant(&core, "Cl", 0).await;
    let c = core.clusters();
    let cluster = c
        .create(
            &t.scope,
            NewCluster {
                sector_id: t.sector,
                name: "Garden hoses".into(),
                description: Some("All about hoses".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (
            cluster.keyword_count,
            cluster.total_volume,
            cluster.idea_count
        ),
        (0, 0, 0)
    );
    let dup = c
        .create(
            &t.scope,
            NewCluster {
                sector_id: t.sector,
                name: "Garden hoses".into(),
                description: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(dup.code(), ErrorCode::Conflict);
    let mut ids = Vec::new();
    for (text, volume) in [
        ("hose reel", Some(100)),
        ("hose nozzle", Some(250)),
        ("hose", None),
    ] {
        let kw = core
            .keywords()
            .create(
                &t.scope,
                t.sector,
                KeywordDraft {
                    keyword: text.into(),
                    metrics: KeywordMetrics {
                        volume,
                        ..Default::default()
                    },
                },
            )
            .await
            .unwrap();
        ids.push(kw.id);
    }
    core.keywords()
        .bulk_update(
            &t.scope,
            &ids,
            KeywordPatch {
                cluster_id: Some(Some(cluster.id)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let got = c.get(&t.scope, cluster.id).await.unwrap();
    assert_eq!((got.keyword_count, got.total_volume), (3, 350));
    let kw = core.keywords().get(&t.scope, ids[0]).await.unwrap();
    assert_eq!(kw.status, KeywordStatus::Clustered);
    assert_eq!(kw.cluster_id, Some(cluster.id));

    let listed = c
        .list(
            &t.scope,
            &ClusterFilter {
                search: Some("GARDEN".into()),
                ..Default::default()
            },
            &ClusterSort::default(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(listed.items, vec![got.clone()]);
    let renamed = c
        .update(
            &t.scope,
            cluster.id,
            ClusterPatch {
                name: Some("Hoses".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.name, "Hoses");

    // Deleting the cluster puts its keywords back to pending.
    assert_eq!(c.delete(&t.scope, &[cluster.id]).await.unwrap(), 1);
    let kw = core.keywords().get(&t.scope, ids[0]).await.unwrap();
    assert_eq!((kw.cluster_id, kw.status), (None, KeywordStatus::Pending));
}

pub(crate) async fn local_clustering_assigns_every_keyword(core: Igny8) {
    let t = tenant(&core, "LC", 0).await;
    let words = [
        "kitchen faucet",
        "touchless kitchen faucet",
        "kitchen faucet with sprayer",
        "how to replace a kitchen faucet",
        "best kitchen faucet",
        "kitchen faucet leaking",
        "pull down kitchen faucet",
        "bathroom faucet",
        "waterfall bathroom faucet",
        "faucet aerator",
    ];
    import(&core, &t, &words.join("\n")).await;
    let archived = core
        .keywords()
        .create(&t.scope, t.sector, KeywordDraft::new("archived faucet"))
        .await
        .unwrap();
    core.keywords()
        .update(
            &t.scope,
            archived.id,
            KeywordPatch {
                status: Some(KeywordStatus::Archived),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let report = core
        .clusters()
        .cluster_locally(&t.scope, t.sector, &LocalClusterOptions::default())
        .await
        .unwrap();
    assert_eq!(report.keywords_considered, 10);
    assert_eq!(report.keywords_assigned, 10);
    let pending = KeywordFilter {
        status: Some(KeywordStatus::Pending),
        ..Default::default()
    };
    let left = core
        .keywords()
        .list(
            &t.scope,
            &pending,
            &KeywordSort::default(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(left.total, Some(0), "every keyword is clustered");
    let archived = core.keywords().get(&t.scope, archived.id).await.unwrap();
    assert_eq!(
        archived.cluster_id, None,
        "archived keywords are left alone"
    );
    // A second run finds nothing to do and changes nothing.
    let again = core
        .clusters()
        .cluster_locally(&t.scope, t.sector, &LocalClusterOptions::default())
        .await
        .unwrap();
    assert_eq!((again.keywords_considered, again.clusters_created), (0, 0));
}
