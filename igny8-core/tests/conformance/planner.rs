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

pub(crate) async fn the_dashboard_counts_what_is_there(core: igny8_core::Igny8) {
    use igny8_core::planner::{DashboardFilter, NewCluster, NewIdea};
    use igny8_core::tenancy::NewSector;
    use igny8_core::writer::{ContentPatch, ContentStatus, NewContent};
    let t = crate::support::tenant(&core, "Dashboard", 100).await;
    let other = crate::support::tenant(&core, "Other", 100).await;
    crate::support::import(&core, &other, "keyword,volume\nnot mine,999\n").await;
    let second = core
        .tenancy()
        .create_sector(
            &t.scope,
            NewSector {
                site_id: t.site,
                name: "Second".into(),
                description: None,
                is_active: None,
            },
        )
        .await
        .unwrap();
    let report = crate::support::import(
        &core,
        &t,
        "keyword,volume,intent\nhose,100,commercial\nhose reel,50,commercial\nwhat is a hose,10,informational\ndrip kit,40,\n",
    )
    .await;
    assert_eq!(report.imported, 4);
    core.keywords()
        .import(
            &t.scope,
            second.id,
            std::io::Cursor::new(b"keyword,volume\nelsewhere,7\n".to_vec()),
        )
        .await
        .unwrap();
    let dash = |f: DashboardFilter| {
        let core = core.clone();
        let scope = t.scope;
        async move { core.keywords().dashboard(&scope, f).await.unwrap() }
    };
    let all = dash(DashboardFilter::default()).await;
    assert_eq!(all.keywords.total, 5);
    assert_eq!(all.keywords.total_volume, 207);
    assert_eq!(all.keywords.by_intent.get("commercial"), Some(&2));
    assert_eq!(all.keywords.by_intent.get("unknown"), Some(&2));
    assert_eq!(all.keywords.by_status.get("pending"), Some(&5));
    assert_eq!(all.keywords.clustered_volume, 0);

    // Cluster the first sector locally; one cluster gets an idea; content, one published.
    core.clusters()
        .cluster_locally(&t.scope, t.sector, &Default::default())
        .await
        .unwrap();
    let extra = core
        .clusters()
        .create(
            &t.scope,
            NewCluster {
                sector_id: t.sector,
                name: "Empty".into(),
                description: None,
            },
        )
        .await
        .unwrap();
    core.ideas()
        .create(
            &t.scope,
            NewIdea {
                sector_id: t.sector,
                cluster_id: Some(extra.id),
                title: "An idea".into(),
                description: None,
                outline: vec![],
                content_type: None,
                content_structure: None,
                target_keywords: vec![],
                estimated_word_count: None,
            },
        )
        .await
        .unwrap();
    for (title, publish) in [("Draft", false), ("Live", true)] {
        let c = core
            .contents()
            .create(
                &t.scope,
                NewContent {
                    sector_id: t.sector,
                    task_id: None,
                    title: title.into(),
                    html: "<p>x</p>".into(),
                    meta_title: None,
                    meta_description: None,
                    primary_keyword: None,
                    secondary_keywords: vec![],
                    tags: vec![],
                    categories: vec![],
                    faq: None,
                },
            )
            .await
            .unwrap();
        if publish {
            core.contents()
                .update(
                    &t.scope,
                    c.id,
                    ContentPatch {
                        status: Some(ContentStatus::Published),
                        ..ContentPatch::default()
                    },
                )
                .await
                .unwrap();
        }
    }
    let all = dash(DashboardFilter::default()).await;
    let clusters = core
        .clusters()
        .list(
            &t.scope,
            &Default::default(),
            &Default::default(),
            &igny8_core::list::PageRequest::new(1, 100),
        )
        .await
        .unwrap();
    assert_eq!(all.clusters, clusters.total.unwrap());
    assert_eq!(all.clusters_with_ideas, 1);
    assert_eq!(all.clusters_without_ideas, all.clusters - 1);
    assert_eq!(
        all.keywords.by_status.get("clustered"),
        Some(&4),
        "the cache followed the change"
    );
    assert_eq!(all.keywords.clustered_volume, 200);
    assert_eq!(
        (
            all.funnel.keywords,
            all.funnel.ideas,
            all.funnel.content,
            all.funnel.published
        ),
        (5, 1, 2, 1)
    );
    assert_eq!(all.content_by_status.get("draft"), Some(&1));

    // One sector only.
    let only = dash(DashboardFilter {
        site_id: None,
        sector_id: Some(second.id),
    })
    .await;
    assert_eq!((only.keywords.total, only.keywords.total_volume), (1, 7));
    assert_eq!((only.clusters, only.funnel.content), (0, 0));
    // Another account's site or sector is not found.
    let err = core
        .keywords()
        .dashboard(
            &t.scope,
            DashboardFilter {
                site_id: Some(other.site),
                sector_id: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), igny8_core::ErrorCode::NotFound);
}

/// The dashboard's keyword figures recomputed from the keyword rows themselves.
async fn keyword_stats_from_rows(
    core: &igny8_core::Igny8,
    t: &crate::support::Tenant,
    sector: Option<igny8_core::SectorId>,
) -> igny8_core::planner::KeywordStats {
    use igny8_core::planner::{KeywordFilter, KeywordSort, KeywordSortField};
    let mut stats = igny8_core::planner::KeywordStats::default();
    let mut page = 1;
    loop {
        let rows = core
            .keywords()
            .list(
                &t.scope,
                &KeywordFilter {
                    sector_id: sector,
                    ..Default::default()
                },
                &KeywordSort {
                    field: KeywordSortField::Id,
                    descending: false,
                },
                &igny8_core::list::PageRequest::new(page, 1000),
            )
            .await
            .unwrap();
        for k in &rows.items {
            let volume = k.volume.unwrap_or(0);
            stats.total += 1;
            stats.total_volume += volume;
            *stats.by_status.entry(k.status.to_string()).or_default() += 1;
            *stats
                .by_intent
                .entry(k.intent.map_or("unknown".into(), |i| i.to_string()))
                .or_default() += 1;
            if k.status.as_str() == "clustered" {
                stats.clustered_volume += volume;
            }
        }
        if rows.items.len() < 1000 {
            return stats;
        }
        page += 1;
    }
}

/// Every kind of keyword write keeps the dashboard's figures equal to the rows: import (new
/// and merged), create, update, bulk update, clustering, deleting a cluster, deleting
/// keywords and deleting a sector.
pub(crate) async fn keyword_figures_follow_every_write(core: igny8_core::Igny8) {
    use igny8_core::planner::{
        ClusterFilter, ClusterSort, ClusterSortField, DashboardFilter, Intent, KeywordDraft,
        KeywordMetrics, KeywordPatch, KeywordStatus,
    };
    use igny8_core::tenancy::NewSector;
    let t = crate::support::tenant(&core, "Figures", 0).await;
    let other = crate::support::tenant(&core, "Elsewhere", 0).await;
    crate::support::import(&core, &other, "keyword,volume\nnot ours,777\n").await;
    let second = core
        .tenancy()
        .create_sector(
            &t.scope,
            NewSector {
                site_id: t.site,
                name: "Second".into(),
                description: None,
                is_active: None,
            },
        )
        .await
        .unwrap();
    let check = |what: &'static str| {
        let core = core.clone();
        async move {
            let second_left = core.tenancy().sector(&t.scope, second.id).await.is_ok();
            let sectors = [None, Some(t.sector)]
                .into_iter()
                .chain(second_left.then_some(Some(second.id)));
            for sector in sectors {
                let shown = core
                    .keywords()
                    .dashboard(
                        &t.scope,
                        DashboardFilter {
                            site_id: None,
                            sector_id: sector,
                        },
                    )
                    .await
                    .unwrap()
                    .keywords;
                let rows = keyword_stats_from_rows(&core, &t, sector).await;
                assert_eq!(shown, rows, "after {what}, sector {sector:?}");
            }
        }
    };
    check("nothing").await;
    crate::support::import(
        &core,
        &t,
        "keyword,volume,intent\nhose,100,commercial\nhose reel,50,commercial\nwhat is a hose,10,informational\ndrip kit,,\nsoaker hose,30,\n",
    )
    .await;
    check("an import").await;
    // The same keywords again with new volumes: merged, not added.
    crate::support::import(&core, &t, "keyword,volume\nhose,400\ndrip kit,20\n").await;
    check("a merging import").await;
    let made = core
        .keywords()
        .create(
            &t.scope,
            second.id,
            KeywordDraft {
                keyword: "garden hose".into(),
                metrics: KeywordMetrics {
                    volume: Some(70),
                    intent: Some(Intent::Transactional),
                    ..Default::default()
                },
            },
        )
        .await
        .unwrap();
    check("a create").await;
    core.keywords()
        .update(
            &t.scope,
            made.id,
            KeywordPatch {
                volume: Some(Some(90)),
                intent: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    check("an update").await;
    core.clusters()
        .cluster_locally(
            &t.scope,
            t.sector,
            &igny8_core::planner::clustering::LocalClusterOptions::default(),
        )
        .await
        .unwrap();
    check("clustering").await;
    let all: Vec<_> = core
        .keywords()
        .list(
            &t.scope,
            &Default::default(),
            &igny8_core::planner::KeywordSort {
                field: igny8_core::planner::KeywordSortField::Id,
                descending: false,
            },
            &igny8_core::list::PageRequest::new(1, 100),
        )
        .await
        .unwrap()
        .items
        .iter()
        .map(|k| k.id)
        .collect();
    core.keywords()
        .bulk_update(
            &t.scope,
            &all[..2],
            KeywordPatch {
                status: Some(KeywordStatus::Archived),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    check("a bulk update").await;
    let clusters = core
        .clusters()
        .list(
            &t.scope,
            &ClusterFilter::default(),
            &ClusterSort {
                field: ClusterSortField::Id,
                descending: false,
            },
            &igny8_core::list::PageRequest::new(1, 10),
        )
        .await
        .unwrap()
        .items;
    if let Some(c) = clusters.first() {
        core.clusters().delete(&t.scope, &[c.id]).await.unwrap();
        check("deleting a cluster").await;
    }
    core.keywords().delete(&t.scope, &all[2..4]).await.unwrap();
    check("a delete").await;
    core.tenancy()
        .delete_sectors(&t.scope, &[second.id])
        .await
        .unwrap();
    check("deleting a sector").await;
    // The other account's keyword was never counted here, and is still counted there.
    let theirs = core
        .keywords()
        .dashboard(&other.scope, DashboardFilter::default())
        .await
        .unwrap()
        .keywords;
    assert_eq!((theirs.total, theirs.total_volume), (1, 777));
}

pub(crate) async fn clusters_merge_with_their_keywords_ideas_and_tasks(core: igny8_core::Igny8) {
    use igny8_core::ErrorCode;
    use igny8_core::planner::{ClusterFilter, ClusterSort, KeywordFilter, NewCluster, NewIdea};
    use igny8_core::tenancy::NewSector;
    use igny8_core::writer::NewTask;
    let t = crate::support::tenant(&core, "Merge", 100).await;
    let other = crate::support::tenant(&core, "Other", 100).await;
    crate::support::import(
        &core,
        &t,
        "keyword\nhose\nhose reel\ngarden hose\ndrip kit\n",
    )
    .await;
    let cluster = |name: &'static str, sector| {
        let core = core.clone();
        let scope = t.scope;
        async move {
            core.clusters()
                .create(
                    &scope,
                    NewCluster {
                        sector_id: sector,
                        name: name.into(),
                        description: None,
                    },
                )
                .await
                .unwrap()
        }
    };
    let hoses = cluster("Hoses", t.sector).await;
    let reels = cluster("Hose reels", t.sector).await;
    let garden = cluster("Garden hoses", t.sector).await;
    let keywords = core
        .keywords()
        .list(
            &t.scope,
            &KeywordFilter::default(),
            &Default::default(),
            &Default::default(),
        )
        .await
        .unwrap()
        .items;
    for (k, c) in keywords.iter().zip([hoses.id, reels.id, garden.id]) {
        core.keywords()
            .update(
                &t.scope,
                k.id,
                igny8_core::planner::KeywordPatch {
                    cluster_id: Some(Some(c)),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    let idea = core
        .ideas()
        .create(
            &t.scope,
            NewIdea {
                sector_id: t.sector,
                cluster_id: Some(reels.id),
                title: "Choosing a reel".into(),
                description: None,
                outline: vec![],
                content_type: None,
                content_structure: None,
                target_keywords: vec![],
                estimated_word_count: None,
            },
        )
        .await
        .unwrap();
    let task = core
        .tasks()
        .create(
            &t.scope,
            NewTask {
                sector_id: t.sector,
                idea_id: None,
                cluster_id: Some(garden.id),
                title: "Garden hoses compared".into(),
                brief: None,
                keywords: vec![],
                content_type: None,
                content_structure: None,
                target_word_count: None,
                author_profile_id: None,
                strategy_id: None,
                scheduled_at: None,
            },
        )
        .await
        .unwrap();

    // Nothing to do: only the target, or ids that aren't the tenant's (ignored, as in bulk
    // operations). Refused: a cluster of another sector; another tenant's target.
    let nothing = core
        .clusters()
        .merge(&t.scope, hoses.id, &[hoses.id])
        .await
        .unwrap();
    assert_eq!(nothing, Default::default());
    let elsewhere = core
        .tenancy()
        .create_sector(
            &t.scope,
            NewSector {
                site_id: t.site,
                name: "Elsewhere".into(),
                description: None,
                is_active: None,
            },
        )
        .await
        .unwrap();
    let far = cluster("Far", elsewhere.id).await;
    let refused = core
        .clusters()
        .merge(&t.scope, hoses.id, &[reels.id, far.id])
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("another sector"), "{refused}");
    let theirs = core
        .clusters()
        .merge(&other.scope, hoses.id, &[reels.id])
        .await
        .unwrap_err();
    assert_eq!(theirs.code(), ErrorCode::NotFound);
    let unknown = core
        .clusters()
        .merge(
            &t.scope,
            hoses.id,
            &[igny8_core::ClusterId(far.id.get() + 1000)],
        )
        .await
        .unwrap();
    assert_eq!(unknown.merged, 0);
    let count = |c: igny8_core::ClusterId| {
        let core = core.clone();
        let scope = t.scope;
        async move {
            core.clusters()
                .get(&scope, c)
                .await
                .map(|c| c.keyword_count)
        }
    };
    assert_eq!(
        count(reels.id).await.unwrap(),
        1,
        "nothing moved when refused"
    );

    // Merged: everything moves to the target, the others are gone.
    let report = core
        .clusters()
        .merge(&t.scope, hoses.id, &[reels.id, garden.id, reels.id])
        .await
        .unwrap();
    assert_eq!(
        (report.merged, report.keywords, report.ideas, report.tasks),
        (2, 2, 1, 1)
    );
    assert_eq!(count(hoses.id).await.unwrap(), 3);
    assert_eq!(
        count(reels.id).await.unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        core.ideas()
            .get(&t.scope, idea.id)
            .await
            .unwrap()
            .cluster_id,
        Some(hoses.id)
    );
    assert_eq!(
        core.tasks()
            .get(&t.scope, task.id)
            .await
            .unwrap()
            .cluster_id,
        Some(hoses.id)
    );
    let left = core
        .clusters()
        .list(
            &t.scope,
            &ClusterFilter {
                sector_id: Some(t.sector),
                ..Default::default()
            },
            &ClusterSort::default(),
            &Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(left.items.len(), 1);
    // A viewer may not merge.
    let viewer = igny8_core::tenancy::Scope::user(
        t.scope.account(),
        igny8_core::UserId(1),
        igny8_core::tenancy::Role::Viewer,
    );
    assert_eq!(
        core.clusters()
            .merge(&viewer, hoses.id, &[far.id])
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
}
