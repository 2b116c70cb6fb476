use igny8_core::list::PageRequest;
use igny8_core::planner::clustering::LocalClusterOptions;
use igny8_core::planner::*;
use igny8_core::tenancy::{NewAccount, NewSector, NewSite, Operator, PlanInput, PlanLimits, Scope};
use igny8_core::{ErrorCode, Igny8, KeywordId};

use crate::support::{import, tenant};

fn draft(text: &str, volume: Option<i64>, difficulty: Option<i64>) -> KeywordDraft {
    KeywordDraft {
        keyword: text.into(),
        metrics: KeywordMetrics {
            volume,
            difficulty,
            cpc: None,
            intent: None,
        },
    }
}

async fn all(core: &Igny8, scope: &Scope, filter: &KeywordFilter, sort: &str) -> Vec<Keyword> {
    core.keywords()
        .list(
            scope,
            filter,
            &KeywordSort::parse(sort).unwrap(),
            &PageRequest::new(1, 1000),
        )
        .await
        .unwrap()
        .items
}

pub(crate) async fn crud_and_normalised_uniqueness(core: Igny8) {
    let t = tenant(&core, "K", 0).await;
    let k = core.keywords();
    let created = k
        .create(
            &t.scope,
            t.sector,
            KeywordDraft {
                keyword: "  Garden   Hose Reel ".into(),
                metrics: KeywordMetrics {
                    volume: Some(1300),
                    difficulty: Some(35),
                    cpc: Some(0.45),
                    intent: Some(Intent::Commercial),
                },
            },
        )
        .await
        .unwrap();
    assert_eq!(created.keyword, "Garden Hose Reel");
    assert_eq!(created.volume, Some(1300));
    assert_eq!(created.cpc, Some(0.45));
    assert_eq!(created.status, KeywordStatus::Pending);
    assert_eq!(created.source, KeywordSource::Manual);
    assert_eq!(created.site_id, t.site);
    // The same keyword in other case and spacing is a conflict; nothing is stored twice.
    let dup = k
        .create(&t.scope, t.sector, KeywordDraft::new("garden hose  REEL"))
        .await
        .unwrap_err();
    assert_eq!(dup.code(), ErrorCode::Conflict);
    // Injection strings and non-ASCII are stored verbatim.
    let odd = k
        .create(
            &t.scope,
            t.sector,
            KeywordDraft::new("'; DROP TABLE keywords; -- <script>ñ</script>"),
        )
        .await
        .unwrap();
    assert_eq!(odd.keyword, "'; DROP TABLE keywords; -- <script>ñ</script>");
    // Bad values are named and nothing is written.
    let err = k
        .create(&t.scope, t.sector, draft("x", Some(-5), Some(101)))
        .await
        .unwrap_err();
    let fields: Vec<_> = err
        .field_errors()
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(fields, ["volume", "difficulty"]);
    assert_eq!(
        all(&core, &t.scope, &KeywordFilter::default(), "id")
            .await
            .len(),
        2
    );

    let updated = k
        .update(
            &t.scope,
            created.id,
            KeywordPatch {
                keyword: Some("garden hose reels".into()),
                difficulty: Some(None),
                status: Some(KeywordStatus::Archived),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.keyword, "garden hose reels");
    assert_eq!(updated.difficulty, None);
    assert_eq!(updated.volume, Some(1300));
    assert_eq!(updated.status, KeywordStatus::Archived);
    let clash = k
        .update(
            &t.scope,
            odd.id,
            KeywordPatch {
                keyword: Some("Garden Hose Reels".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(clash.code(), ErrorCode::Conflict);
    assert_eq!(
        k.delete(&t.scope, &[created.id, odd.id, KeywordId(999_999)])
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        k.get(&t.scope, created.id).await.unwrap_err().code(),
        ErrorCode::NotFound
    );
}

async fn seed(core: &Igny8, scope: &Scope, sector: igny8_core::SectorId) -> Vec<Keyword> {
    let mut out = Vec::new();
    for i in 0..40i64 {
        let volume = if i % 7 == 0 {
            None
        } else {
            Some((i * 37) % 500)
        };
        let difficulty = if i % 5 == 0 {
            None
        } else {
            Some((i * 13) % 101)
        };
        let mut d = draft(&format!("keyword {i:02}"), volume, difficulty);
        d.metrics.intent = Some(if i % 2 == 0 {
            Intent::Informational
        } else {
            Intent::Transactional
        });
        out.push(core.keywords().create(scope, sector, d).await.unwrap());
    }
    out
}

pub(crate) async fn filters_ordering_and_pages(core: Igny8) {
    let t = tenant(&core, "F", 0).await;
    let seeded = seed(&core, &t.scope, t.sector).await;
    let f = KeywordFilter {
        min_volume: Some(100),
        max_volume: Some(400),
        intent: Some(Intent::Transactional),
        ..Default::default()
    };
    let got = all(&core, &t.scope, &f, "-volume").await;
    let mut want: Vec<_> = seeded
        .iter()
        .filter(|k| {
            matches!(k.volume, Some(v) if (100..=400).contains(&v))
                && k.intent == Some(Intent::Transactional)
        })
        .cloned()
        .collect();
    want.sort_by(|a, b| b.volume.cmp(&a.volume).then(b.id.cmp(&a.id)));
    assert_eq!(got, want);
    assert!(!got.is_empty());

    // Unknown values sort lowest in both directions, on every backend.
    let asc = all(&core, &t.scope, &KeywordFilter::default(), "difficulty").await;
    assert!(asc[0].difficulty.is_none());
    assert!(asc.last().unwrap().difficulty.is_some());
    let desc = all(&core, &t.scope, &KeywordFilter::default(), "-difficulty").await;
    assert!(desc[0].difficulty.is_some());
    assert!(desc.last().unwrap().difficulty.is_none());
    let by_text = all(&core, &t.scope, &KeywordFilter::default(), "keyword").await;
    assert_eq!(by_text[0].keyword, "keyword 00");
    assert_eq!(by_text[39].keyword, "keyword 39");

    // Search is case-insensitive and treats LIKE wildcards literally.
    let s = |q: &str| KeywordFilter {
        search: Some(q.into()),
        ..Default::default()
    };
    assert_eq!(all(&core, &t.scope, &s("WORD 1"), "id").await.len(), 10);
    assert_eq!(all(&core, &t.scope, &s("%"), "id").await.len(), 0);
    assert_eq!(all(&core, &t.scope, &s("_"), "id").await.len(), 0);

    // Numbered pages with a total.
    let page = core
        .keywords()
        .list(
            &t.scope,
            &KeywordFilter::default(),
            &KeywordSort::parse("-id").unwrap(),
            &PageRequest::new(3, 15),
        )
        .await
        .unwrap();
    assert_eq!(page.total, Some(40));
    assert_eq!(page.items.len(), 10);
    assert_eq!(page.items[0].id, seeded[9].id);
    assert!(page.next_cursor.is_none());
    // Bad requests are named.
    let err = core
        .keywords()
        .list(
            &t.scope,
            &KeywordFilter::default(),
            &KeywordSort::default(),
            &PageRequest::new(1, 5000),
        )
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "page_size");
    assert_eq!(
        KeywordSort::parse("-bogus").unwrap_err().field_errors()[0].field,
        "ordering"
    );
    let inverted = KeywordFilter {
        min_volume: Some(5),
        max_volume: Some(1),
        ..Default::default()
    };
    assert!(
        core.keywords()
            .list(
                &t.scope,
                &inverted,
                &KeywordSort::default(),
                &PageRequest::default()
            )
            .await
            .is_err()
    );
}

pub(crate) async fn cursor_pages_walk_the_whole_list(core: Igny8) {
    let t = tenant(&core, "C", 0).await;
    seed(&core, &t.scope, t.sector).await;
    for sort in [
        "id",
        "-id",
        "volume",
        "-volume",
        "difficulty",
        "-difficulty",
        "keyword",
        "-keyword",
        "-cpc",
        "created_at",
    ] {
        let sort = KeywordSort::parse(sort).unwrap();
        let whole = core
            .keywords()
            .list(
                &t.scope,
                &KeywordFilter::default(),
                &sort,
                &PageRequest::new(1, 1000),
            )
            .await
            .unwrap()
            .items;
        let mut walked = Vec::new();
        let mut page = PageRequest::new(1, 7);
        loop {
            let p = core
                .keywords()
                .list(&t.scope, &KeywordFilter::default(), &sort, &page)
                .await
                .unwrap();
            assert!(p.items.len() <= 7);
            walked.extend(p.items);
            match p.next_cursor {
                Some(c) => page = PageRequest::after(c, 7),
                None => break,
            }
        }
        assert_eq!(walked, whole, "cursor walk differs for {sort:?}");
    }
    // A cursor is bound to its ordering.
    let p = core
        .keywords()
        .list(
            &t.scope,
            &KeywordFilter::default(),
            &KeywordSort::parse("-volume").unwrap(),
            &PageRequest::new(1, 5),
        )
        .await
        .unwrap();
    let err = core
        .keywords()
        .list(
            &t.scope,
            &KeywordFilter::default(),
            &KeywordSort::parse("volume").unwrap(),
            &PageRequest::after(p.next_cursor.unwrap(), 5),
        )
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "cursor");
}

pub(crate) async fn bulk_update_and_delete_stay_in_the_tenant(core: Igny8) {
    let a = tenant(&core, "A", 0).await;
    let b = tenant(&core, "B", 0).await;
    let mine = seed(&core, &a.scope, a.sector).await;
    let theirs = core
        .keywords()
        .create(&b.scope, b.sector, draft("theirs", Some(5), None))
        .await
        .unwrap();
    let ids: Vec<_> = mine
        .iter()
        .take(10)
        .map(|k| k.id)
        .chain([theirs.id])
        .collect();
    let n = core
        .keywords()
        .bulk_update(
            &a.scope,
            &ids,
            KeywordPatch {
                intent: Some(Some(Intent::Navigational)),
                volume: Some(Some(77)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(n, 10);
    let nav = KeywordFilter {
        intent: Some(Intent::Navigational),
        ..Default::default()
    };
    assert_eq!(all(&core, &a.scope, &nav, "id").await.len(), 10);
    assert_eq!(
        core.keywords().get(&b.scope, theirs.id).await.unwrap(),
        theirs
    );
    // Text can't change in bulk; an empty patch is refused.
    assert!(
        core.keywords()
            .bulk_update(
                &a.scope,
                &ids,
                KeywordPatch {
                    keyword: Some("x".into()),
                    ..Default::default()
                }
            )
            .await
            .is_err()
    );
    assert!(
        core.keywords()
            .bulk_update(&a.scope, &ids, KeywordPatch::default())
            .await
            .is_err()
    );
    assert!(core.keywords().delete(&a.scope, &[]).await.is_err());
    assert_eq!(core.keywords().delete(&a.scope, &ids).await.unwrap(), 10);
    assert_eq!(
        all(&core, &a.scope, &KeywordFilter::default(), "id")
            .await
            .len(),
        30
    );
    assert!(core.keywords().get(&b.scope, theirs.id).await.is_ok());
}

pub(crate) async fn changes_by_filter_reach_every_match_and_no_other(core: Igny8) {
    let a = tenant(&core, "M", 0).await;
    let b = tenant(&core, "N", 0).await;
    let mine = seed(&core, &a.scope, a.sector).await;
    let theirs = seed(&core, &b.scope, b.sector).await;
    let f = KeywordFilter {
        intent: Some(Intent::Transactional),
        min_volume: Some(100),
        ..Default::default()
    };
    let matching: Vec<_> = mine
        .iter()
        .filter(|k| k.intent == Some(Intent::Transactional) && k.volume.is_some_and(|v| v >= 100))
        .map(|k| k.id)
        .collect();
    let n = matching.len() as u64;
    assert!(n > 5, "the seed gives a real selection: {n}");
    let archive = || KeywordPatch {
        status: Some(KeywordStatus::Archived),
        ..Default::default()
    };
    // Another number than the person saw: refused, nothing changed.
    let err = core
        .keywords()
        .update_matching(&a.scope, &f, archive(), Some(n + 1))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(
        err.to_string().contains(&format!("{n} keywords match now")),
        "{err}"
    );
    let archived = KeywordFilter {
        status: Some(KeywordStatus::Archived),
        ..Default::default()
    };
    assert!(all(&core, &a.scope, &archived, "id").await.is_empty());
    // The right number: every match changes, in this account only.
    assert_eq!(
        core.keywords()
            .update_matching(&a.scope, &f, archive(), Some(n))
            .await
            .unwrap(),
        n
    );
    let got: Vec<_> = all(&core, &a.scope, &archived, "id")
        .await
        .iter()
        .map(|k| k.id)
        .collect();
    assert_eq!(got, matching);
    assert!(all(&core, &b.scope, &archived, "id").await.is_empty());
    assert_eq!(all(&core, &b.scope, &f, "id").await.len() as u64, n);
    // Text never changes in bulk; bad ranges are named.
    let err = core
        .keywords()
        .update_matching(
            &a.scope,
            &f,
            KeywordPatch {
                keyword: Some("x".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "keyword");
    let bad = KeywordFilter {
        min_volume: Some(10),
        max_volume: Some(1),
        ..Default::default()
    };
    let err = core
        .keywords()
        .delete_matching(&a.scope, &bad, None)
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "min_volume");
    // Delete by search: "keyword 1" is keywords 10–19.
    let search = KeywordFilter {
        search: Some("KEYWORD  1".into()),
        ..Default::default()
    };
    assert!(
        core.keywords()
            .delete_matching(&a.scope, &search, Some(9))
            .await
            .is_err()
    );
    assert_eq!(
        all(&core, &a.scope, &KeywordFilter::default(), "id")
            .await
            .len(),
        40
    );
    assert_eq!(
        core.keywords()
            .delete_matching(&a.scope, &search, Some(10))
            .await
            .unwrap(),
        10
    );
    // No filter: every keyword of the account, and none of another's.
    assert_eq!(
        core.keywords()
            .delete_matching(&a.scope, &KeywordFilter::default(), None)
            .await
            .unwrap(),
        30
    );
    assert!(
        all(&core, &a.scope, &KeywordFilter::default(), "id")
            .await
            .is_empty()
    );
    assert_eq!(
        all(&core, &b.scope, &KeywordFilter::default(), "id")
            .await
            .len(),
        theirs.len()
    );
}

pub(crate) async fn a_large_file_imports_as_a_job_that_reports_and_cleans_up(core: Igny8) {
    use igny8_core::jobs::{JobKind, JobStatus, Worker};
    use igny8_core::store::UploadStore;
    let t = tenant(&core, "Big", 0).await;
    let other = tenant(&core, "Other", 0).await;
    // Over 1 MiB, so the file is kept in more than one part; one bad line.
    let mut file = String::from("keyword,volume\n");
    let rows = 40_000;
    for i in 0..rows {
        file.push_str(&format!(
            "background import keyword number {i:05},{}\n",
            i % 1000
        ));
    }
    file.push_str("bad volume keyword,-5\n");
    assert!(file.len() > 1024 * 1024);
    let bytes = file.len() as u64;

    // Checked before anything is kept: another account's sector, an empty file.
    let err = core
        .keywords()
        .import_in_background(
            &t.scope,
            other.sector,
            std::io::Cursor::new(file.clone().into_bytes()),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    let err = core
        .keywords()
        .import_in_background(&t.scope, t.sector, std::io::Cursor::new(Vec::new()))
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "file");

    let job = core
        .keywords()
        .import_in_background(&t.scope, t.sector, std::io::Cursor::new(file.into_bytes()))
        .await
        .unwrap();
    assert_eq!(
        (job.kind, job.status),
        (JobKind::ImportKeywords, JobStatus::Queued)
    );
    assert_eq!(job.payload["bytes"], bytes);
    let upload = igny8_core::UploadId(job.payload["upload_id"].as_i64().unwrap());
    assert!(
        core.store()
            .upload_part(t.scope.account(), upload, 1)
            .await
            .unwrap()
            .is_some(),
        "kept in parts"
    );
    assert!(
        core.store()
            .upload_part(other.scope.account(), upload, 0)
            .await
            .unwrap()
            .is_none(),
        "only its account reads it"
    );
    // Nothing is imported until a worker runs the job.
    assert!(
        all(&core, &t.scope, &KeywordFilter::default(), "id")
            .await
            .is_empty()
    );
    let done = Worker::new(core.clone())
        .kinds(&[JobKind::ImportKeywords])
        .run_once()
        .await
        .unwrap()
        .expect("the job ran");
    assert_eq!(done.status, JobStatus::Succeeded, "{:?}", done.error);
    let report = done.result.unwrap();
    assert_eq!(report["imported"], rows);
    assert_eq!(report["rejected"], 1);
    assert_eq!(report["errors"][0]["line"], rows + 2);
    assert!(report["format_label"].is_string());
    let total = core
        .keywords()
        .list(
            &t.scope,
            &KeywordFilter::default(),
            &KeywordSort::default(),
            &PageRequest::new(1, 1),
        )
        .await
        .unwrap()
        .total;
    assert_eq!(total, Some(rows));
    // The kept file is gone once read.
    assert!(
        core.store()
            .upload_part(t.scope.account(), upload, 0)
            .await
            .unwrap()
            .is_none()
    );
}

pub(crate) async fn list_totals_match_the_rows_after_every_write(core: Igny8) {
    let t = tenant(&core, "Totals", 0).await;
    let other = tenant(&core, "Others", 0).await;
    let mine = seed(&core, &t.scope, t.sector).await;
    seed(&core, &other.scope, other.sector).await;
    let filters = [
        KeywordFilter::default(),
        KeywordFilter {
            status: Some(KeywordStatus::Archived),
            ..Default::default()
        },
        KeywordFilter {
            intent: Some(Intent::Transactional),
            sector_id: Some(t.sector),
            ..Default::default()
        },
        KeywordFilter {
            site_id: Some(t.site),
            status: Some(KeywordStatus::Pending),
            intent: Some(Intent::Informational),
            ..Default::default()
        },
        KeywordFilter {
            min_volume: Some(100),
            ..Default::default()
        },
    ];
    let check = |when: &'static str| {
        let core = &core;
        let scope = t.scope;
        let filters = filters.clone();
        async move {
            for f in &filters {
                let total = core
                    .keywords()
                    .list(&scope, f, &KeywordSort::default(), &PageRequest::new(1, 5))
                    .await
                    .unwrap()
                    .total
                    .unwrap();
                let rows = all(core, &scope, f, "id").await.len() as u64;
                assert_eq!(total, rows, "{when}: {f:?}");
            }
        }
    };
    check("seeded").await;
    let archive = KeywordPatch {
        status: Some(KeywordStatus::Archived),
        ..Default::default()
    };
    let some: Vec<_> = mine.iter().take(7).map(|k| k.id).collect();
    core.keywords()
        .bulk_update(&t.scope, &some, archive.clone())
        .await
        .unwrap();
    check("after archiving").await;
    core.keywords()
        .update(
            &t.scope,
            mine[20].id,
            KeywordPatch {
                intent: Some(Some(Intent::Transactional)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    check("after an intent changed").await;
    core.keywords()
        .delete_matching(
            &t.scope,
            &KeywordFilter {
                search: Some("keyword 3".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    check("after deleting").await;
    import(&core, &t, "keyword\nnew one\nnew two\n").await;
    check("after an import").await;
}

pub(crate) async fn plain_list_import_merges_duplicates(core: Igny8) {
    let t = tenant(&core, "I", 0).await;
    core.keywords()
        .create(
            &t.scope,
            t.sector,
            draft("Expandable Garden Hose", Some(900), Some(20)),
        )
        .await
        .unwrap();
    let report = import(
        &core,
        &t,
        "garden hose reel\ngarden hose reel wall mounted\nexpandable garden hose\n  Garden   Hose Reel \n\nbest garden hose\n",
    )
    .await;
    assert_eq!(report.imported, 3, "{report:?}");
    assert_eq!(report.merged, 2, "{report:?}");
    assert_eq!(report.rejected, 0);
    let kws = all(&core, &t.scope, &KeywordFilter::default(), "keyword").await;
    let texts: Vec<_> = kws.iter().map(|k| k.keyword.as_str()).collect();
    assert_eq!(
        texts,
        [
            "best garden hose",
            "Expandable Garden Hose",
            "garden hose reel",
            "garden hose reel wall mounted"
        ]
    );
    // A merge keeps what the file doesn't know.
    let expandable = kws
        .iter()
        .find(|k| k.keyword == "Expandable Garden Hose")
        .unwrap();
    assert_eq!(expandable.volume, Some(900));
    assert_eq!(expandable.difficulty, Some(20));
    assert!(
        kws.iter()
            .filter(|k| k.keyword != "Expandable Garden Hose")
            .all(|k| k.source == KeywordSource::Import)
    );
    // Importing the same file again only merges.
    let again = import(&core, &t, "garden hose reel\nbest garden hose\n").await;
    assert_eq!((again.imported, again.merged), (0, 2));
    // Bad rows are reported by line, good rows kept.
    let long = "x".repeat(256);
    let report = import(&core, &t, &format!("hose nozzle\n{long}\nhose splitter\n")).await;
    assert_eq!(report.imported, 2);
    assert_eq!(report.rejected, 1);
    assert_eq!(report.errors[0].line, 2);
    assert!(
        report.errors[0].message.contains("255"),
        "{:?}",
        report.errors
    );
}

pub(crate) async fn keyword_limit_applies_to_imports(core: Igny8) {
    let plan = core
        .tenancy()
        .create_plan(
            &Operator::embedder(),
            PlanInput {
                slug: "five".into(),
                name: "Five".into(),
                monthly_credits: 0,
                limits: PlanLimits {
                    max_keywords: Some(5),
                    ..Default::default()
                },
                is_default: false,
            },
        )
        .await
        .unwrap();
    let account = core
        .tenancy()
        .create_account(
            &Operator::embedder(),
            NewAccount {
                name: "Limited".into(),
                plan_id: Some(plan.id),
                initial_credits: None,
            },
        )
        .await
        .unwrap();
    let scope = Scope::system(account.id);
    let site = core
        .tenancy()
        .create_site(
            &scope,
            NewSite {
                name: "S".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let sector = core
        .tenancy()
        .create_sector(
            &scope,
            NewSector {
                site_id: site.id,
                name: "X".into(),
                description: None,
                is_active: None,
            },
        )
        .await
        .unwrap();
    core.keywords()
        .create(&scope, sector.id, KeywordDraft::new("k1"))
        .await
        .unwrap();
    let text = "k1\nk2\nk3\nk4\nk5\nk6\nk7\nk2\n";
    let report = core
        .keywords()
        .import(
            &scope,
            sector.id,
            std::io::Cursor::new(text.as_bytes().to_vec()),
        )
        .await
        .unwrap();
    assert_eq!(report.imported, 4, "{report:?}");
    assert_eq!(report.merged, 2, "{report:?}");
    assert_eq!(report.rejected, 2, "{report:?}");
    assert_eq!(
        report.errors.iter().map(|e| e.line).collect::<Vec<_>>(),
        [6, 7]
    );
    assert!(
        report.errors[0].message.contains("max_keywords"),
        "{:?}",
        report.errors
    );
}

/// A keyword's text and values.
type Values = (
    String,
    Option<i64>,
    Option<i64>,
    Option<f64>,
    Option<Intent>,
);

pub(crate) async fn export_reads_back_to_the_same_data(core: Igny8) {
    let t = tenant(&core, "E", 0).await;
    let seeded = seed(&core, &t.scope, t.sector).await;
    core.keywords()
        .create(
            &t.scope,
            t.sector,
            KeywordDraft {
                keyword: "comma, \"quoted\" keyword".into(),
                metrics: KeywordMetrics {
                    volume: Some(10),
                    difficulty: Some(3),
                    cpc: Some(1.25),
                    intent: Some(Intent::Commercial),
                },
            },
        )
        .await
        .unwrap();
    // Cells a spreadsheet would run as formulas.
    for keyword in ["=HYPERLINK(\"http://x\")", "-5 tips", "'@home"] {
        let draft = KeywordDraft {
            keyword: keyword.into(),
            metrics: KeywordMetrics::default(),
        };
        core.keywords()
            .create(&t.scope, t.sector, draft)
            .await
            .unwrap();
    }
    let mut out = Vec::new();
    let n = core
        .keywords()
        .export(&t.scope, &KeywordFilter::default(), &mut out)
        .await
        .unwrap();
    assert_eq!(n, seeded.len() as u64 + 4);
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.starts_with("keyword,volume,difficulty,cpc,intent,status,cluster\n"));
    for line in [
        "\n\"'=HYPERLINK(\"\"http://x\"\")\",",
        "\n'-5 tips,",
        "\n''@home,",
    ] {
        assert!(text.contains(line), "{line:?} in {text}");
    }
    assert!(!text.contains("\n=") && !text.contains("\n\"="), "{text}");

    let other = tenant(&core, "E2", 0).await;
    let report = core
        .keywords()
        .import(&other.scope, other.sector, std::io::Cursor::new(out))
        .await
        .unwrap();
    assert_eq!(report.imported, n, "{report:?}");
    assert_eq!(report.rejected, 0, "{report:?}");
    let strip = |ks: Vec<Keyword>| -> Vec<Values> {
        ks.into_iter()
            .map(|k| (k.keyword, k.volume, k.difficulty, k.cpc, k.intent))
            .collect()
    };
    assert_eq!(
        strip(all(&core, &t.scope, &KeywordFilter::default(), "keyword").await),
        strip(all(&core, &other.scope, &KeywordFilter::default(), "keyword").await)
    );
}

pub(crate) async fn unreadable_file_writes_nothing(core: Igny8) {
    let t = tenant(&core, "U", 0).await;
    let err = core
        .keywords()
        .import(
            &t.scope,
            t.sector,
            std::io::Cursor::new(b"Clicks,Impressions,CTR\n12,400,3%\n7,100,7%\n".to_vec()),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(err.to_string().to_lowercase().contains("keyword"), "{err}");
    assert!(
        all(&core, &t.scope, &KeywordFilter::default(), "id")
            .await
            .is_empty()
    );
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../tests/fixtures/keyword-exports/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub(crate) async fn every_export_format_imports(core: Igny8) {
    let t = tenant(&core, "Formats", 0).await;
    // (file, format, new keywords, merged rows)
    let cases = [
        ("ahrefs_matching-terms.csv", "ahrefs", 25, 0),
        (
            "google-keyword-planner.csv",
            "google_keyword_planner",
            10,
            0,
        ),
        ("moz_keyword-explorer.csv", "moz", 6, 0),
        ("plain-list.txt", "plain_list", 5, 1),
        ("search-console_queries.csv", "search_console", 5, 0),
        ("semrush_broad-match.csv", "semrush", 23, 0),
        ("ubersuggest.csv", "ubersuggest", 20, 0),
    ];
    for (i, (file, format, imported, merged)) in cases.into_iter().enumerate() {
        let sector = core
            .tenancy()
            .create_sector(
                &t.scope,
                NewSector {
                    site_id: t.site,
                    name: format!("S{i}"),
                    description: None,
                    is_active: None,
                },
            )
            .await
            .unwrap();
        let report = core
            .keywords()
            .import(&t.scope, sector.id, std::io::Cursor::new(fixture(file)))
            .await
            .unwrap();
        assert_eq!(report.format, format, "{file}");
        assert_eq!(
            (report.imported, report.merged, report.rejected),
            (imported, merged, 0),
            "{file}: {report:?}"
        );
    }
    let find = |text: &'static str| {
        let core = core.clone();
        let scope = t.scope;
        async move {
            let f = KeywordFilter {
                search: Some(text.into()),
                ..Default::default()
            };
            core.keywords()
                .list(
                    &scope,
                    &f,
                    &KeywordSort::parse("keyword").unwrap(),
                    &PageRequest::default(),
                )
                .await
                .unwrap()
                .items
                .into_iter()
                .find(|k| k.keyword == text)
                .unwrap_or_else(|| panic!("{text} was not imported"))
        }
    };
    let faucet = find("kitchen faucet").await;
    assert_eq!(
        (faucet.volume, faucet.cpc),
        (Some(49500), Some((1.12 + 4.05) / 2.0))
    );
    let grinder = find("coffee grinder").await;
    assert_eq!(
        (grinder.volume, grinder.difficulty),
        (Some(20901), Some(62))
    );
    let semrush = find("wordpress seo services").await;
    assert_eq!(
        (semrush.volume, semrush.difficulty, semrush.intent),
        (Some(3600), Some(16), Some(Intent::Commercial))
    );
    let uber = find("traffic challan").await;
    assert_eq!((uber.volume, uber.difficulty), (Some(165000), Some(37)));
    let ahrefs = find("ai writing tools").await;
    assert_eq!(
        (ahrefs.volume, ahrefs.difficulty, ahrefs.intent),
        (Some(7900), Some(58), Some(Intent::Informational))
    );
    let gsc = find("sourdough starter").await;
    assert_eq!(gsc.volume, None, "Search Console has no search volume");
}

pub(crate) async fn bad_rows_are_reported_by_line(core: Igny8) {
    let t = tenant(&core, "Bad", 0).await;
    let long = "y".repeat(256);
    let mut file = format!(
        "Keyword;Volume;KD;CPC\r\nfine one;1.300;12;0,45\r\n;50;10;1\r\nnegative;-5;10;1\r\nhard;10;101;1\r\n{long};1;1;1\r\nlots;lots;1;1\r\n"
    )
    .into_bytes();
    file.extend_from_slice(b"caf\xe9 latin1;5;5;5\r\nlast good;2;3;4\r\n");
    let report = core
        .keywords()
        .import(&t.scope, t.sector, std::io::Cursor::new(file))
        .await
        .unwrap();
    assert_eq!((report.imported, report.rejected), (2, 6), "{report:?}");
    let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 8]);
    let messages: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages[0], "no keyword");
    assert!(messages[1].contains("volume"), "{messages:?}");
    assert!(messages[2].contains("difficulty"), "{messages:?}");
    assert!(messages[3].contains("255"), "{messages:?}");
    assert!(messages[4].contains("lots"), "{messages:?}");
    assert!(messages[5].contains("UTF-8"), "{messages:?}");
    let fine = all(&core, &t.scope, &KeywordFilter::default(), "keyword").await;
    assert_eq!(
        fine.iter()
            .map(|k| (k.keyword.as_str(), k.volume, k.cpc))
            .collect::<Vec<_>>(),
        [
            ("fine one", Some(1300), Some(0.45)),
            ("last good", Some(2), Some(4.0))
        ]
    );
}

/// The total of a filtered list (kept between requests while the rows don't change) follows
/// every kind of change, including one made through another store on the same database.
pub(crate) async fn list_totals_follow_every_change(core: Igny8) {
    let t = tenant(&core, "Totals", 0).await;
    let k = core.keywords();
    let total = |filter: KeywordFilter| {
        let k = core.keywords();
        let scope = t.scope;
        async move {
            k.list(
                &scope,
                &filter,
                &KeywordSort::parse("-volume").unwrap(),
                &PageRequest::new(1, 2),
            )
            .await
            .unwrap()
            .total
            .unwrap()
        }
    };
    let in_sector = || KeywordFilter {
        sector_id: Some(t.sector),
        ..KeywordFilter::default()
    };
    let commercial = || KeywordFilter {
        intent: Some(Intent::Commercial),
        ..in_sector()
    };
    let unclustered = || KeywordFilter {
        has_cluster: Some(false),
        ..in_sector()
    };
    import(
        &core,
        &t,
        "keyword,volume\nhose reel,10\nhose reel cart,20\nhose pipe,30\n",
    )
    .await;
    assert_eq!(total(in_sector()).await, 3);
    assert_eq!(total(in_sector()).await, 3, "asked twice, same answer");
    assert_eq!(total(commercial()).await, 0);

    // A single create.
    let one = k
        .create(&t.scope, t.sector, KeywordDraft::new("watering can"))
        .await
        .unwrap();
    assert_eq!(total(in_sector()).await, 4);

    // Updates: one keyword, then many.
    let patch = |intent| KeywordPatch {
        intent: Some(Some(intent)),
        ..KeywordPatch::default()
    };
    k.update(&t.scope, one.id, patch(Intent::Commercial))
        .await
        .unwrap();
    assert_eq!(total(commercial()).await, 1);
    let ids: Vec<KeywordId> = all(&core, &t.scope, &in_sector(), "id")
        .await
        .iter()
        .map(|k| k.id)
        .collect();
    k.bulk_update(&t.scope, &ids, patch(Intent::Commercial))
        .await
        .unwrap();
    assert_eq!(total(commercial()).await, 4);

    // Clustering, then deleting the clusters.
    assert_eq!(total(unclustered()).await, 4);
    core.clusters()
        .cluster_locally(&t.scope, t.sector, &LocalClusterOptions::default())
        .await
        .unwrap();
    assert_eq!(total(unclustered()).await, 0);
    let clusters: Vec<_> = core
        .clusters()
        .list(
            &t.scope,
            &ClusterFilter::default(),
            &ClusterSort::default(),
            &PageRequest::new(1, 100),
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.id)
        .collect();
    core.clusters().delete(&t.scope, &clusters).await.unwrap();
    assert_eq!(total(unclustered()).await, 4);

    // A change through a second store (another process, in production) on the same database.
    {
        let options = igny8_core::store::StoreOptions::new(core.store().database_url());
        let second = igny8_core::store::SqlStore::open(&options).await.unwrap();
        let other = Igny8::with_store(second.clone());
        other
            .keywords()
            .create(&t.scope, t.sector, KeywordDraft::new("rain barrel"))
            .await
            .unwrap();
        assert_eq!(total(in_sector()).await, 5);
        other.keywords().delete(&t.scope, &[one.id]).await.unwrap();
        second.close().await;
    }
    assert_eq!(total(in_sector()).await, 4);
    assert_eq!(total(commercial()).await, 3);

    // Another import merges (no new rows, same total) and adds.
    import(&core, &t, "keyword\nhose reel\ngarden fork\n").await;
    assert_eq!(total(in_sector()).await, 5);

    // Another account's changes don't disturb this account's totals, nor leak into them.
    let other = tenant(&core, "Other", 0).await;
    import(&core, &other, "keyword\nx\ny\n").await;
    assert_eq!(total(in_sector()).await, 5);

    // Deleting the sector deletes its keywords.
    core.tenancy()
        .delete_sectors(&t.scope, &[t.sector])
        .await
        .unwrap();
    assert_eq!(total(KeywordFilter::default()).await, 0);
}
