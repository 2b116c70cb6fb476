//! Embeds igny8-core on SQLite: creates an account, a site and a sector, imports a keyword
//! export, clusters it locally (no AI, no credits), and prints the clusters and the balance.
//!
//! ```text
//! cargo run --example quickstart                 # the bundled Google Keyword Planner sample
//! cargo run --example quickstart -- my-export.csv
//! ```

use igny8_core::list::PageRequest;
use igny8_core::planner::clustering::LocalClusterOptions;
use igny8_core::planner::{ClusterFilter, ClusterSort, KeywordFilter, KeywordSort};
use igny8_core::tenancy::{NewAccount, NewSector, NewSite, Operator, Scope};
use igny8_core::{CoreConfig, Igny8};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/keyword-exports/google-keyword-planner.csv"
        )
        .to_owned()
    });

    // An in-memory SQLite database, created and migrated on open.
    let core = Igny8::open(CoreConfig::new("sqlite::memory:")).await?;
    let tenancy = core.tenancy();
    let account = tenancy
        .create_account(
            &Operator::embedder(),
            NewAccount {
                name: "Quickstart".into(),
                plan_id: None,
                initial_credits: Some(500),
            },
        )
        .await?;
    // The embedding application acts as the system inside its account.
    let scope = Scope::system(account.id);
    let site = tenancy
        .create_site(
            &scope,
            NewSite {
                name: "Home & Garden".into(),
                url: Some("https://example.com".into()),
                ..Default::default()
            },
        )
        .await?;
    let sector = tenancy
        .create_sector(
            &scope,
            NewSector {
                site_id: site.id,
                name: "Kitchen".into(),
                description: None,
                is_active: None,
            },
        )
        .await?;

    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| format!("{path}: {e}"))?;
    let report = core.keywords().import(&scope, sector.id, file).await?;
    println!(
        "Imported {path}\n  format {}: {} new, {} merged, {} rejected",
        report.format, report.imported, report.merged, report.rejected
    );
    for e in &report.errors {
        println!("  line {}: {}", e.line, e.message);
    }

    let clustering = core
        .clusters()
        .cluster_locally(&scope, sector.id, &LocalClusterOptions::default())
        .await?;
    println!(
        "\nClustered {} keywords into {} clusters (local, free):",
        clustering.keywords_assigned, clustering.clusters_created
    );
    let clusters = core
        .clusters()
        .list(
            &scope,
            &ClusterFilter {
                sector_id: Some(sector.id),
                ..Default::default()
            },
            &ClusterSort::default(),
            &PageRequest::new(1, 100),
        )
        .await?;
    let mut clusters = clusters.items;
    clusters.sort_by(|a, b| {
        b.total_volume
            .cmp(&a.total_volume)
            .then(a.name.cmp(&b.name))
    });
    for c in &clusters {
        println!(
            "\n  {} — {} keyword{}, {} searches/month",
            c.name,
            c.keyword_count,
            if c.keyword_count == 1 { "" } else { "s" },
            c.total_volume
        );
        let members = core
            .keywords()
            .list(
                &scope,
                &KeywordFilter {
                    cluster_id: Some(c.id),
                    ..Default::default()
                },
                &KeywordSort::parse("-volume")?,
                &PageRequest::new(1, 20),
            )
            .await?;
        for k in members.items {
            let volume = k.volume.map_or("—".to_owned(), |v| v.to_string());
            println!("    {:<40} {volume:>8}", k.keyword);
        }
    }
    println!(
        "\nCredit balance: {}",
        core.credits().balance(&scope).await?
    );
    Ok(())
}
