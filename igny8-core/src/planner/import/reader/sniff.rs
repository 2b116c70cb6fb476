//! Recognising a file's encoding, delimiter, preamble, header and columns from
//! the first bytes of the stream.
//!
//! Ours: which SEO tool wrote an export (Keyword Planner's title lines above the header and
//! its low/high bid columns, Search Console's `Top queries`, each tool's column names) is knowledge of those tools, not
//! something a CSV crate knows; the rows themselves are then read by the `csv` crate.

use super::{SourceFormat, TextEncoding};

/// Accepted names of the keyword column, in order of preference.
pub(crate) const KEYWORD_NAMES: [&str; 10] = [
    "keyword",
    "keywords",
    "keyword phrase",
    "query",
    "queries",
    "top queries",
    "search query",
    "search term",
    "search terms",
    "term",
];
const VOLUME_NAMES: [&str; 7] = [
    "volume",
    "search volume",
    "avg. monthly searches",
    "avg monthly searches",
    "monthly searches",
    "monthly volume",
    "sv",
];
const DIFFICULTY_NAMES: [&str; 7] = [
    "difficulty",
    "keyword difficulty",
    "kd",
    "kd %",
    "kd%",
    "seo difficulty",
    "keyword difficulty index",
];
const CPC_NAMES: [&str; 4] = ["cpc", "cost per click", "avg. cpc", "avg cpc"];
const INTENT_NAMES: [&str; 3] = ["intent", "intents", "search intent"];

/// Delimiters tried, in order of preference when the evidence is equal.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];
/// How many non-blank lines are searched for the header.
const HEADER_SEARCH_LINES: usize = 50;
/// How many lines after the header are used to check a delimiter.
const CONSISTENCY_LINES: usize = 20;
/// Delimiter given to the CSV parser for one-keyword-per-line lists (never in text).
pub(crate) const PLAIN_LIST_DELIMITER: u8 = 0x1F;

/// Encoding from the byte-order mark, else from the pattern of zero bytes.
/// Returns the encoding and the length of the BOM to skip.
pub(crate) fn detect_encoding(prefix: &[u8]) -> (TextEncoding, usize) {
    if prefix.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return (TextEncoding::Utf8, 3);
    }
    if prefix.starts_with(&[0xFF, 0xFE]) {
        return (TextEncoding::Utf16Le, 2);
    }
    if prefix.starts_with(&[0xFE, 0xFF]) {
        return (TextEncoding::Utf16Be, 2);
    }
    // ASCII text in UTF-16 has a zero in every other byte.
    let pairs = prefix.len() / 2;
    let zeros_at = |parity: usize| {
        prefix
            .iter()
            .skip(parity)
            .step_by(2)
            .take(pairs)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    let mostly = |zeros: usize| pairs >= 2 && zeros * 10 >= pairs * 4;
    let rarely = |zeros: usize| zeros * 10 <= pairs;
    if mostly(odd) && rarely(even) {
        (TextEncoding::Utf16Le, 0)
    } else if mostly(even) && rarely(odd) {
        (TextEncoding::Utf16Be, 0)
    } else {
        (TextEncoding::Utf8, 0)
    }
}

/// True for old Mac files whose lines end in a lone CR (the reader then maps CR to LF).
pub(crate) fn is_cr_only(head: &[u8]) -> bool {
    !head.contains(&b'\n') && head.windows(2).any(|w| w[0] == b'\r' && w[1] != b'\n')
}

/// Where and how the CSV parser starts reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Byte given to the CSV parser as delimiter.
    pub delimiter: u8,
    /// One keyword per line.
    pub plain_list: bool,
    /// The first record read is a header.
    pub header: bool,
    /// Byte offset in the sniffed prefix where parsing starts.
    pub start: usize,
    /// Physical lines before `start`.
    pub line_offset: u64,
}

/// Why the sniffed prefix cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SniffError {
    Empty,
    NoKeywordColumn(Vec<String>),
}

/// One physical line of the prefix, without its line terminator.
struct Line<'a> {
    text: &'a [u8],
    start: usize,
    number: u64,
}

/// Finds the header line and delimiter, or decides the file is a plain list.
pub(crate) fn sniff_layout(head: &[u8], at_eof: bool) -> Result<Layout, SniffError> {
    let lines = sample_lines(head, at_eof);
    let first = lines.first().ok_or(SniffError::Empty)?;
    for (i, line) in lines.iter().enumerate() {
        if let Some(delimiter) = header_delimiter(line.text, &lines[i + 1..]) {
            return Ok(Layout::table(delimiter, line));
        }
    }
    let first_cells = split_cells(first.text, b',');
    let single_header =
        is_single_field(first.text) && is_keyword_name(&normalize_header(&first_cells[0]));
    let data = if single_header {
        &lines[1..]
    } else {
        &lines[..]
    };
    if data.iter().all(|line| is_single_field(line.text)) {
        return Ok(Layout {
            delimiter: PLAIN_LIST_DELIMITER,
            plain_list: true,
            header: single_header,
            start: first.start,
            line_offset: first.number,
        });
    }
    let delimiter = data_delimiter(data);
    if single_header {
        return Ok(Layout::table(delimiter, first));
    }
    let headers = lines
        .iter()
        .map(|line| split_cells(line.text, delimiter))
        .find(|cells| cells.len() > 1)
        .unwrap_or_default();
    Err(SniffError::NoKeywordColumn(
        headers.iter().map(|h| clean_header(h).to_owned()).collect(),
    ))
}

impl Layout {
    fn table(delimiter: u8, header: &Line) -> Self {
        Layout {
            delimiter,
            plain_list: false,
            header: true,
            start: header.start,
            line_offset: header.number,
        }
    }
}

/// The first non-blank complete lines of the prefix (a last line cut by the
/// prefix limit is left out unless it is the only one).
fn sample_lines(head: &[u8], at_eof: bool) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut number = 0;
    while start < head.len() && lines.len() < HEADER_SEARCH_LINES {
        let end = head[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| start + p);
        if end.is_none() && !at_eof && !lines.is_empty() {
            break;
        }
        let stop = end.unwrap_or(head.len());
        let text = &head[start..stop];
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if !is_blank(text) {
            lines.push(Line {
                text,
                start,
                number,
            });
        }
        start = stop + 1;
        number += 1;
    }
    lines
}

/// Blank: only whitespace and delimiters.
pub(crate) fn is_blank(text: &[u8]) -> bool {
    text.iter()
        .all(|&b| b.is_ascii_whitespace() || DELIMITERS.contains(&b))
}

fn is_single_field(text: &[u8]) -> bool {
    DELIMITERS.iter().all(|&d| split_cells(text, d).len() == 1)
}

/// The delimiter that makes `line` a header with a keyword column and more than
/// one cell; if several do, the one whose cell count the next lines repeat most.
fn header_delimiter(line: &[u8], following: &[Line]) -> Option<u8> {
    let mut best: Option<(usize, usize, u8)> = None;
    for &delimiter in &DELIMITERS {
        let cells = split_cells(line, delimiter);
        let has_keyword = cells.iter().any(|c| is_keyword_name(&normalize_header(c)));
        if cells.len() < 2 || !has_keyword {
            continue;
        }
        let consistent = following
            .iter()
            .take(CONSISTENCY_LINES)
            .filter(|l| split_cells(l.text, delimiter).len() == cells.len())
            .count();
        if best.is_none_or(|(c, n, _)| (consistent, cells.len()) > (c, n)) {
            best = Some((consistent, cells.len(), delimiter));
        }
    }
    best.map(|(_, _, delimiter)| delimiter)
}

/// For headerless data: the delimiter that splits the most lines.
fn data_delimiter(lines: &[Line]) -> u8 {
    let mut best = (0, DELIMITERS[0]);
    for &delimiter in &DELIMITERS {
        let split = lines
            .iter()
            .filter(|l| split_cells(l.text, delimiter).len() > 1)
            .count();
        if split > best.0 {
            best = (split, delimiter);
        }
    }
    best.1
}

/// Splits one line into cells the way the CSV parser does (a `"` opening a
/// cell quotes it, `""` inside quotes is a quote).
fn split_cells(line: &[u8], delimiter: u8) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = Vec::new();
    let (mut in_quotes, mut at_start) = (false, true);
    let mut bytes = line.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if in_quotes {
            if b != b'"' {
                cell.push(b);
            } else if bytes.next_if_eq(&b'"').is_some() {
                cell.push(b'"');
            } else {
                in_quotes = false;
            }
        } else if b == delimiter {
            cells.push(String::from_utf8_lossy(&cell).into_owned());
            cell.clear();
            at_start = true;
            continue;
        } else if b == b'"' && at_start {
            in_quotes = true;
        } else {
            cell.push(b);
        }
        at_start = false;
    }
    cells.push(String::from_utf8_lossy(&cell).into_owned());
    cells
}

/// A header cell as shown to users: trimmed, without BOM.
pub(crate) fn clean_header(cell: &str) -> &str {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// A header cell for matching: lower case, trimmed, inner whitespace collapsed, BOM removed.
pub(crate) fn normalize_header(cell: &str) -> String {
    let words = cell
        .split(|c: char| c.is_whitespace() || c == '\u{feff}')
        .filter(|w| !w.is_empty());
    words.collect::<Vec<_>>().join(" ").to_lowercase()
}

fn is_keyword_name(normalized: &str) -> bool {
    KEYWORD_NAMES.contains(&normalized)
}

/// Where a value comes from: one column, or two averaged (a Min/Max range, or
/// Google Keyword Planner's low/high bids).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    One(usize),
    Two(usize, usize),
}

/// Column indices of the values the reader extracts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Columns {
    pub keyword: usize,
    pub volume: Option<Source>,
    pub difficulty: Option<usize>,
    pub cpc: Option<Source>,
    pub intent: Option<usize>,
}

/// Finds the columns in the (raw) header cells; `None` without a keyword column.
/// Also returns the mapped `(field, header)` pairs for display.
pub(crate) fn map_columns(headers: &[String]) -> Option<(Columns, Vec<(&'static str, String)>)> {
    let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let find = |names: &[&str]| best_match(&normalized, |h| names.iter().position(|n| *n == h));
    let pair = |a: &str, b: &str| {
        let one = |name: &str| normalized.iter().position(|h| h == name);
        match (one(a), one(b)) {
            (Some(x), Some(y)) => Some(Source::Two(x, y)),
            (x, y) => x.or(y).map(Source::One),
        }
    };
    let cpc_rank = |h: &str| {
        CPC_NAMES.iter().position(|n| *n == h).or_else(|| {
            let currency = h
                .strip_prefix("cpc")?
                .trim_start()
                .strip_prefix('(')?
                .strip_suffix(')')?;
            (!currency.is_empty()).then_some(CPC_NAMES.len())
        })
    };
    let columns = Columns {
        keyword: find(&KEYWORD_NAMES)?,
        volume: find(&VOLUME_NAMES)
            .map(Source::One)
            .or_else(|| pair("min volume", "max volume")),
        difficulty: find(&DIFFICULTY_NAMES),
        cpc: best_match(&normalized, cpc_rank)
            .map(Source::One)
            .or_else(|| {
                pair(
                    "top of page bid (low range)",
                    "top of page bid (high range)",
                )
            }),
        intent: find(&INTENT_NAMES),
    };
    let mut mapped = vec![("keyword", columns.keyword)];
    for (field, source) in [("volume", columns.volume), ("cpc", columns.cpc)] {
        match source {
            Some(Source::One(i)) => mapped.push((field, i)),
            Some(Source::Two(i, j)) => mapped.extend([(field, i), (field, j)]),
            None => {}
        }
    }
    mapped.extend(columns.difficulty.map(|i| ("difficulty", i)));
    mapped.extend(columns.intent.map(|i| ("intent", i)));
    let order = ["keyword", "volume", "difficulty", "cpc", "intent"];
    mapped.sort_by_key(|&(field, i)| (order.iter().position(|f| *f == field), i));
    let mapped = mapped
        .into_iter()
        .map(|(field, i)| (field, clean_header(&headers[i]).to_owned()))
        .collect();
    Some((columns, mapped))
}

/// The column with the best (lowest) rank; the leftmost among equals.
fn best_match(normalized: &[String], rank: impl Fn(&str) -> Option<usize>) -> Option<usize> {
    normalized
        .iter()
        .enumerate()
        .filter_map(|(i, h)| rank(h).map(|r| (r, i)))
        .min()
        .map(|(_, i)| i)
}

/// Which tool's layout the header looks like (for reporting only).
pub(crate) fn detect_format(headers: &[String], plain_list: bool) -> SourceFormat {
    let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let has = |name: &str| normalized.iter().any(|h| h == name);
    let first = normalized.first().map_or("", String::as_str);
    if has("avg. monthly searches") {
        SourceFormat::GoogleKeywordPlanner
    } else if first == "#" && (has("parent keyword") || has("traffic potential")) {
        SourceFormat::Ahrefs
    } else if has("trend") && has("keyword difficulty") {
        SourceFormat::Semrush
    } else if first == "no" && has("seo difficulty") {
        SourceFormat::Ubersuggest
    } else if has("min volume") {
        SourceFormat::Moz
    } else if has("top queries") {
        SourceFormat::SearchConsole
    } else if plain_list {
        SourceFormat::PlainList
    } else {
        SourceFormat::GenericCsv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(text: &str) -> Result<Layout, SniffError> {
        sniff_layout(text.as_bytes(), true)
    }

    #[test]
    fn encodings() {
        assert_eq!(detect_encoding(b"\xEF\xBB\xBFa"), (TextEncoding::Utf8, 3));
        assert_eq!(detect_encoding(b"\xFF\xFEa\0"), (TextEncoding::Utf16Le, 2));
        assert_eq!(detect_encoding(b"\xFE\xFF\0a"), (TextEncoding::Utf16Be, 2));
        assert_eq!(
            detect_encoding(b"k\0e\0y\0\n\0"),
            (TextEncoding::Utf16Le, 0)
        );
        assert_eq!(
            detect_encoding(b"\0k\0e\0y\0\n"),
            (TextEncoding::Utf16Be, 0)
        );
        assert_eq!(detect_encoding(b"keyword\n"), (TextEncoding::Utf8, 0));
        assert_eq!(detect_encoding(b"k\0"), (TextEncoding::Utf8, 0));
        assert_eq!(detect_encoding(b""), (TextEncoding::Utf8, 0));
    }

    #[test]
    fn preamble_and_delimiters() {
        let gkp = "Keyword Stats 2026\r\nAll locations\r\nKeyword\tCurrency\tAvg. monthly searches\r\na\tUSD\t10\r\n";
        let l = layout(gkp).unwrap();
        assert_eq!(
            (l.delimiter, l.line_offset, l.start, l.header),
            (b'\t', 2, 35, true)
        );
        let ahrefs = "#,Keyword,Volume\n1,a,10\n";
        assert_eq!(layout(ahrefs).unwrap().delimiter, b',');
        let semi = "\n\nKeyword;Volume;CPC\n\"a, b\";1.300;0,45\n";
        let l = layout(semi).unwrap();
        assert_eq!((l.delimiter, l.line_offset, l.start), (b';', 2, 2));
        // Both ',' and ';' give a keyword cell here; the data lines decide.
        let mixed = "keyword,vol;x;keyword\na;1;b\nc;2;d\n";
        assert_eq!(layout(mixed).unwrap().delimiter, b';');
    }

    #[test]
    fn plain_lists() {
        let l = layout("red shoes\n\nblue shoes").unwrap();
        assert_eq!((l.plain_list, l.header, l.line_offset), (true, false, 0));
        let l = layout("\nKeywords\nred shoes\n").unwrap();
        assert_eq!(
            (l.plain_list, l.header, l.line_offset, l.start),
            (true, true, 1, 1)
        );
        // A lone keyword-like line after the first is data, not a header.
        let l = layout("red shoes\nquery\n").unwrap();
        assert_eq!((l.plain_list, l.header), (true, false));
        let l = layout("keyword\nred,1\nblue,2\n").unwrap();
        assert_eq!((l.plain_list, l.header, l.delimiter), (false, true, b','));
    }

    #[test]
    fn refusals() {
        assert_eq!(layout(""), Err(SniffError::Empty));
        assert_eq!(layout("\n \r\n,,;\n"), Err(SniffError::Empty));
        assert_eq!(
            layout("# meta\nName,Volume\nshoes,10\n"),
            Err(SniffError::NoKeywordColumn(vec![
                "Name".into(),
                "Volume".into()
            ]))
        );
    }

    #[test]
    fn column_mapping() {
        let h = |s: &str| s.split(',').map(String::from).collect::<Vec<_>>();
        let (c, mapped) = map_columns(&h("\u{feff}No,KEYWORD ,Global volume,Volume,Paid Difficulty,SEO  Difficulty,CPC (EUR),Intents")).unwrap();
        assert_eq!(
            c,
            Columns {
                keyword: 1,
                volume: Some(Source::One(3)),
                difficulty: Some(5),
                cpc: Some(Source::One(6)),
                intent: Some(7)
            }
        );
        assert_eq!(mapped[0], ("keyword", "KEYWORD".to_owned()));
        let (c, _) = map_columns(&h("Keyword,Max Volume,Min Volume")).unwrap();
        assert_eq!(c.volume, Some(Source::Two(2, 1)));
        let (c, mapped) = map_columns(&h(
            "Keyword,Top of page bid (high range),Top of page bid (low range)",
        ))
        .unwrap();
        assert_eq!(c.cpc, Some(Source::Two(2, 1)));
        assert_eq!(mapped.len(), 3);
        let (c, _) = map_columns(&h("Top queries,Clicks,Impressions,CTR,Position")).unwrap();
        assert_eq!((c.keyword, c.volume), (0, None));
        assert!(map_columns(&h("Parent Keyword,Volume")).is_none());
    }
}
