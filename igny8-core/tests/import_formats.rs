//! Reads every sample in the shared keyword-export fixtures and checks the exact rows.
//!
//! The folder defaults to the repository's `tests/fixtures/keyword-exports`; set
//! `KEYWORD_EXPORT_FIXTURES` to read it from elsewhere.

use std::fs::File;
use std::path::PathBuf;

use igny8_core::planner::Intent;
use igny8_core::planner::import::reader::{
    ImportRow, KeywordFileReader, RowOutcome, SourceFormat, TextEncoding,
};

fn fixture(name: &str) -> PathBuf {
    let dir = std::env::var_os("KEYWORD_EXPORT_FIXTURES").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../tests/fixtures/keyword-exports"
            ))
        },
        PathBuf::from,
    );
    dir.join(name)
}

struct Read {
    format: SourceFormat,
    delimiter: u8,
    encoding: TextEncoding,
    mapped: Vec<(&'static str, String)>,
    rows: Vec<ImportRow>,
}

/// Opens a fixture as a stream and reads all rows, failing on any rejected row.
fn read(name: &str) -> Read {
    let file = File::open(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut reader = KeywordFileReader::open(file).unwrap_or_else(|e| panic!("{name}: {e}"));
    let (format, delimiter, encoding, mapped) = (
        reader.format(),
        reader.delimiter(),
        reader.encoding(),
        reader.mapped_columns(),
    );
    let rows = reader
        .by_ref()
        .map(
            |outcome| match outcome.unwrap_or_else(|e| panic!("{name}: {e}")) {
                RowOutcome::Row(row) => row,
                RowOutcome::Rejected(e) => panic!("{name}: rejected {e:?}"),
            },
        )
        .collect();
    Read {
        format,
        delimiter,
        encoding,
        mapped,
        rows,
    }
}

fn find<'a>(rows: &'a [ImportRow], keyword: &str) -> &'a ImportRow {
    rows.iter()
        .find(|r| r.keyword == keyword)
        .unwrap_or_else(|| panic!("no row {keyword:?}"))
}

fn row(
    line: u64,
    keyword: &str,
    volume: Option<i64>,
    difficulty: Option<i64>,
    cpc: Option<f64>,
    intent: Option<Intent>,
) -> ImportRow {
    ImportRow {
        line,
        keyword: keyword.to_owned(),
        volume,
        difficulty,
        cpc,
        intent,
    }
}

fn mapped(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().map(|&(f, h)| (f, h.to_owned())).collect()
}

fn assert_close(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("a cpc");
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}

#[test]
fn ahrefs_matching_terms() {
    let r = read("ahrefs_matching-terms.csv");
    assert_eq!(
        (r.format, r.delimiter, r.encoding),
        (SourceFormat::Ahrefs, b',', TextEncoding::Utf8)
    );
    assert_eq!(
        r.mapped,
        mapped(&[
            ("keyword", "Keyword"),
            ("volume", "Volume"),
            ("difficulty", "Difficulty"),
            ("cpc", "CPC"),
            ("intent", "Intents")
        ])
    );
    assert_eq!(r.rows.len(), 25);
    let informational = Some(Intent::Informational);
    assert_eq!(
        r.rows[0],
        row(
            2,
            "ai tools",
            Some(30000),
            Some(79),
            Some(1.6),
            informational
        )
    );
    assert_eq!(
        r.rows[1],
        row(
            3,
            "ai writing tools",
            Some(7900),
            Some(58),
            Some(1.0),
            informational
        )
    );
    assert_eq!(
        *find(&r.rows, "free ai video generation tools"),
        row(
            9,
            "free ai video generation tools",
            Some(1800),
            None,
            None,
            None
        )
    );
    assert_eq!(
        *find(&r.rows, "ai tools like chatgpt"),
        row(
            18,
            "ai tools like chatgpt",
            Some(1500),
            Some(28),
            Some(1.4),
            informational
        )
    );
    assert_eq!(
        r.rows[24],
        row(
            26,
            "ai coding tools",
            Some(1100),
            Some(91),
            Some(2.0),
            informational
        )
    );
}

#[test]
fn google_keyword_planner_utf16() {
    let r = read("google-keyword-planner.csv");
    assert_eq!(
        (r.format, r.delimiter, r.encoding),
        (
            SourceFormat::GoogleKeywordPlanner,
            b'\t',
            TextEncoding::Utf16Le
        )
    );
    assert_eq!(
        r.mapped,
        mapped(&[
            ("keyword", "Keyword"),
            ("volume", "Avg. monthly searches"),
            ("cpc", "Top of page bid (low range)"),
            ("cpc", "Top of page bid (high range)"),
        ])
    );
    assert_eq!(r.rows.len(), 10);
    let lines: Vec<u64> = r.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, (4..=13).collect::<Vec<_>>());
    let first = &r.rows[0];
    assert_eq!(
        (
            first.keyword.as_str(),
            first.volume,
            first.difficulty,
            first.intent
        ),
        ("kitchen faucet", Some(49500), None, None)
    );
    assert_close(first.cpc, (1.12 + 4.05) / 2.0);
    let replace = find(&r.rows, "how to replace a kitchen faucet");
    assert_eq!((replace.line, replace.volume), (7, Some(6600)));
    assert_close(replace.cpc, 1.305);
    let last = &r.rows[9];
    assert_eq!(
        (last.line, last.keyword.as_str(), last.volume),
        (13, "faucet aerator", Some(4400))
    );
    assert_close(last.cpc, 0.765);
}

#[test]
fn moz_keyword_explorer() {
    let r = read("moz_keyword-explorer.csv");
    assert_eq!((r.format, r.delimiter), (SourceFormat::Moz, b','));
    assert_eq!(
        r.mapped,
        mapped(&[
            ("keyword", "Keyword"),
            ("volume", "Min Volume"),
            ("volume", "Max Volume"),
            ("difficulty", "Difficulty")
        ])
    );
    assert_eq!(r.rows.len(), 6);
    assert_eq!(
        r.rows[0],
        row(7, "coffee grinder", Some(20901), Some(62), None, None)
    );
    assert_eq!(
        r.rows[1],
        row(8, "burr coffee grinder", Some(7901), Some(55), None, None)
    );
    assert_eq!(
        r.rows[4],
        row(
            11,
            "how to clean a coffee grinder",
            Some(1276),
            Some(31),
            None,
            None
        )
    );
    assert_eq!(
        r.rows[5],
        row(
            12,
            "coffee grinder for espresso",
            Some(2301),
            Some(49),
            None,
            None
        )
    );
}

#[test]
fn plain_list() {
    let r = read("plain-list.txt");
    assert_eq!((r.format, r.delimiter), (SourceFormat::PlainList, b'\n'));
    assert!(r.mapped.is_empty());
    let got: Vec<(u64, &str)> = r
        .rows
        .iter()
        .map(|r| (r.line, r.keyword.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "garden hose reel"),
            (2, "garden hose reel wall mounted"),
            (3, "expandable garden hose"),
            (4, "  Garden   Hose Reel "),
            (5, "best garden hose"),
            (7, "hose nozzle"),
        ]
    );
    assert!(
        r.rows
            .iter()
            .all(|r| r.volume.is_none() && r.difficulty.is_none() && r.cpc.is_none())
    );
}

#[test]
fn search_console_queries() {
    let r = read("search-console_queries.csv");
    assert_eq!((r.format, r.delimiter), (SourceFormat::SearchConsole, b','));
    assert_eq!(r.mapped, mapped(&[("keyword", "Top queries")]));
    assert_eq!(r.rows.len(), 5);
    assert_eq!(
        r.rows[0],
        row(2, "sourdough starter", None, None, None, None)
    );
    assert_eq!(
        r.rows[4],
        row(6, "sourdough discard recipes", None, None, None, None)
    );
}

#[test]
fn semrush_broad_match() {
    let r = read("semrush_broad-match.csv");
    assert_eq!((r.format, r.delimiter), (SourceFormat::Semrush, b','));
    assert_eq!(
        r.mapped,
        mapped(&[
            ("keyword", "Keyword"),
            ("volume", "Volume"),
            ("difficulty", "Keyword Difficulty"),
            ("cpc", "CPC (USD)"),
            ("intent", "Intent")
        ])
    );
    assert_eq!(r.rows.len(), 23);
    let informational = Some(Intent::Informational);
    assert_eq!(
        r.rows[0],
        row(
            2,
            "wordpress news",
            Some(40500),
            Some(40),
            Some(3.01),
            informational
        )
    );
    assert_eq!(
        r.rows[4],
        row(
            6,
            "wordpress seo services",
            Some(3600),
            Some(16),
            Some(8.01),
            Some(Intent::Commercial)
        )
    );
    assert_eq!(
        *find(&r.rows, "wordpress.com vs wordpress.org"),
        row(
            10,
            "wordpress.com vs wordpress.org",
            Some(2900),
            Some(26),
            Some(2.96),
            informational
        )
    );
    assert_eq!(
        *find(&r.rows, "błąd 404 wordpress"),
        row(
            18,
            "błąd 404 wordpress",
            Some(1600),
            Some(20),
            Some(0.0),
            informational
        )
    );
    assert_eq!(
        *find(&r.rows, "godaddy managed wordpress"),
        row(
            20,
            "godaddy managed wordpress",
            Some(1600),
            Some(40),
            Some(8.37),
            Some(Intent::Navigational)
        )
    );
    assert_eq!(
        r.rows[22],
        row(
            24,
            "wordpress child theme",
            Some(1000),
            Some(25),
            Some(0.0),
            informational
        )
    );
}

#[test]
fn ubersuggest() {
    let r = read("ubersuggest.csv");
    assert_eq!(
        (r.format, r.delimiter, r.encoding),
        (SourceFormat::Ubersuggest, b',', TextEncoding::Utf8)
    );
    assert_eq!(
        r.mapped,
        mapped(&[
            ("keyword", "Keyword"),
            ("volume", "Volume"),
            ("difficulty", "SEO Difficulty"),
            ("cpc", "CPC")
        ])
    );
    assert_eq!(r.rows.len(), 20);
    assert_eq!(
        r.rows[0],
        row(
            2,
            "traffic challan",
            Some(165000),
            Some(37),
            Some(2.38492375),
            None
        )
    );
    assert_eq!(
        r.rows[1],
        row(
            3,
            "e challan ts",
            Some(246000),
            Some(19),
            Some(3.33889325),
            None
        )
    );
    assert_eq!(
        *find(&r.rows, "traffic challan lok adalat"),
        row(
            12,
            "traffic challan lok adalat",
            Some(1900),
            Some(19),
            Some(0.0),
            None
        )
    );
    assert_eq!(
        r.rows[19],
        row(
            21,
            "traffic challan odisha",
            Some(1000),
            Some(18),
            Some(5.723817),
            None
        )
    );
}

#[test]
fn every_fixture_is_covered() {
    let dir = fixture("");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    names.sort();
    let covered = [
        "ahrefs_matching-terms.csv",
        "google-keyword-planner.csv",
        "moz_keyword-explorer.csv",
        "plain-list.txt",
        "search-console_queries.csv",
        "semrush_broad-match.csv",
        "ubersuggest.csv",
    ];
    assert_eq!(names, covered, "a new fixture needs a test");
}
