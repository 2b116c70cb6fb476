//! Streaming, format-detecting reader of keyword export files.
//!
//! [`KeywordFileReader::open`] sniffs the encoding (UTF-8, UTF-16LE/BE), the
//! delimiter (`,` `;` tab), any preamble lines and the header from the first
//! 64 KiB, then yields one [`RowOutcome`] per data row without buffering the
//! file. Values are typed but not range-checked; see `docs/keyword-import.md` for
//! the recognised layouts and the rules used to read numbers. A record longer than
//! [`MAX_RECORD`] bytes, or a keyword cell longer than [`MAX_KEYWORD_CELL`] characters, is a
//! row error, so one malformed row can't make the reader hold the file in memory.

mod numbers;
mod record;
mod sniff;
mod stream;
mod utf16;

use std::fmt;
use std::io::{self, BufReader, Read};

use numbers::{NumberError, NumberStyle};
pub use record::MAX_RECORD;
use record::{Next, Records};
use sniff::{Columns, Source};
use stream::TextStream;

/// Buffer of the CSV parser.
const CSV_BUFFER: usize = 64 * 1024;
/// Longest keyword cell read, in characters (longer ones are row errors; the keyword rules
/// then allow fewer still).
pub const MAX_KEYWORD_CELL: usize = 1000;
/// Longest cell value quoted in an error message.
const MAX_QUOTED_VALUE: usize = 60;

pub use crate::planner::Intent;

/// Which tool's layout the file was recognised as (for reporting only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// Google Keyword Planner ("Avg. monthly searches").
    GoogleKeywordPlanner,
    /// Ahrefs Keywords Explorer (`#` first column, "Parent Keyword").
    Ahrefs,
    /// Semrush Keyword Magic Tool ("Trend", "Keyword Difficulty").
    Semrush,
    /// Ubersuggest (`No` first column, "SEO Difficulty").
    Ubersuggest,
    /// Moz Keyword Explorer ("Min Volume").
    Moz,
    /// Google Search Console ("Top queries").
    SearchConsole,
    /// One keyword per line.
    PlainList,
    /// Any other table with a keyword column.
    GenericCsv,
}

impl SourceFormat {
    /// Stable identifier of the format, e.g. `"google_keyword_planner"` or `"csv"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            SourceFormat::GoogleKeywordPlanner => "google_keyword_planner",
            SourceFormat::Ahrefs => "ahrefs",
            SourceFormat::Semrush => "semrush",
            SourceFormat::Ubersuggest => "ubersuggest",
            SourceFormat::Moz => "moz",
            SourceFormat::SearchConsole => "search_console",
            SourceFormat::PlainList => "plain_list",
            SourceFormat::GenericCsv => "csv",
        }
    }

    /// What people call the format: "Google Keyword Planner", "a plain list of keywords".
    pub fn label(&self) -> &'static str {
        match self {
            SourceFormat::GoogleKeywordPlanner => "Google Keyword Planner",
            SourceFormat::Ahrefs => "Ahrefs Keywords Explorer",
            SourceFormat::Semrush => "Semrush Keyword Magic Tool",
            SourceFormat::Ubersuggest => "Ubersuggest",
            SourceFormat::Moz => "Moz Keyword Explorer",
            SourceFormat::SearchConsole => "Google Search Console",
            SourceFormat::PlainList => "a plain list of keywords",
            SourceFormat::GenericCsv => "a table with a keyword column",
        }
    }

    /// The format with the identifier [`SourceFormat::as_str`] gives.
    pub fn from_id(id: &str) -> Option<Self> {
        use SourceFormat::*;
        [
            GoogleKeywordPlanner,
            Ahrefs,
            Semrush,
            Ubersuggest,
            Moz,
            SearchConsole,
            PlainList,
            GenericCsv,
        ]
        .into_iter()
        .find(|f| f.as_str() == id)
    }
}

/// Text encoding of the file, detected from its byte-order mark or zero bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8, with or without BOM.
    Utf8,
    /// UTF-16 little-endian (Google Keyword Planner).
    Utf16Le,
    /// UTF-16 big-endian.
    Utf16Be,
}

impl TextEncoding {
    /// The usual name of the encoding, e.g. `"UTF-16LE"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
        }
    }
}

/// One data row, typed but NOT range-validated (negative volume, difficulty
/// outside 0–100 or an over-long keyword are for the caller to reject).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// 1-based physical line where the record starts, counting preamble and header lines.
    pub line: u64,
    /// The keyword cell as read (not trimmed); never empty after trimming.
    pub keyword: String,
    /// Monthly search volume; ranges are read as their midpoint.
    pub volume: Option<i64>,
    /// Keyword difficulty, rounded to an integer.
    pub difficulty: Option<i64>,
    /// Cost per click in the file's currency.
    pub cpc: Option<f64>,
    /// The first search intent named in the intent cell.
    pub intent: Option<Intent>,
}

/// A row that could not be read; the rest of the file goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// What is wrong, e.g. `volume: "lots" is not a number` or `no keyword`.
    pub message: String,
}

/// The result of reading one data row.
#[derive(Debug, Clone, PartialEq)]
pub enum RowOutcome {
    /// The row was read.
    Row(ImportRow),
    /// The row was refused; the reader goes on with the next one.
    Rejected(RowError),
}

impl RowOutcome {
    /// The line where the row starts.
    pub fn line(&self) -> u64 {
        match self {
            RowOutcome::Row(row) => row.line,
            RowOutcome::Rejected(error) => error.line,
        }
    }
}

/// Why a whole file was refused (nothing should be imported then).
#[derive(Debug)]
pub enum ReadError {
    /// The file has no content (or only blank lines).
    Empty,
    /// The header line is longer than [`MAX_RECORD`] bytes.
    HeaderTooLong,
    /// The file is a table but no header cell names a keyword column.
    NoKeywordColumn {
        /// The header cells found (or the first multi-cell line).
        headers: Vec<String>,
    },
    /// Reading the underlying stream failed.
    Io(io::Error),
}

impl ReadError {
    /// The header names accepted for the keyword column.
    pub fn accepted_keyword_columns() -> &'static [&'static str] {
        &sniff::KEYWORD_NAMES
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Empty => write!(f, "the file is empty"),
            ReadError::HeaderTooLong => write!(
                f,
                "the header line is longer than {} KiB",
                MAX_RECORD / 1024
            ),
            ReadError::NoKeywordColumn { headers } => write!(
                f,
                "no keyword column found (columns: {}); name the keyword column one of: {}",
                headers.join(", "),
                sniff::KEYWORD_NAMES.join(", ")
            ),
            ReadError::Io(e) => write!(f, "could not read the file: {e}"),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Streaming reader of a keyword export; iterate it for the rows.
pub struct KeywordFileReader<R: Read> {
    csv: Records<BufReader<TextStream<R>>>,
    /// What the last read found.
    last: Next,
    columns: Columns,
    mapped: Vec<(&'static str, String)>,
    format: SourceFormat,
    delimiter: u8,
    encoding: TextEncoding,
    style: NumberStyle,
    line_offset: u64,
    done: bool,
}

impl<R: Read> KeywordFileReader<R> {
    /// Sniffs encoding, delimiter, preamble and header from the start of the
    /// stream (at most 64 KiB, kept and replayed), then reads lazily.
    ///
    /// # Errors
    ///
    /// [`ReadError::Empty`] for a file without content, [`ReadError::NoKeywordColumn`]
    /// for a table without a recognisable keyword column, [`ReadError::Io`] if
    /// reading the start of the stream fails.
    pub fn open(reader: R) -> Result<Self, ReadError> {
        let mut stream = TextStream::open(reader)?.ok_or(ReadError::Empty)?;
        let layout =
            sniff::sniff_layout(stream.head(), stream.head_is_whole()).map_err(|e| match e {
                sniff::SniffError::Empty => ReadError::Empty,
                sniff::SniffError::NoKeywordColumn(headers) => {
                    ReadError::NoKeywordColumn { headers }
                }
            })?;
        stream.start_at(layout.start);
        let encoding = stream.encoding();
        let mut csv = Records::new(
            BufReader::with_capacity(CSV_BUFFER, stream),
            layout.delimiter,
        );

        let (columns, mapped, format) = if layout.header {
            if csv.read()? == Next::TooLong {
                return Err(ReadError::HeaderTooLong);
            }
            let headers: Vec<String> = (0..csv.len())
                .map(|i| {
                    sniff::clean_header(&String::from_utf8_lossy(cell(&csv, i).unwrap_or_default()))
                        .to_owned()
                })
                .collect();
            let Some((columns, mapped)) = sniff::map_columns(&headers) else {
                return Err(ReadError::NoKeywordColumn { headers });
            };
            (
                columns,
                mapped,
                sniff::detect_format(&headers, layout.plain_list),
            )
        } else {
            let columns = Columns {
                keyword: 0,
                volume: None,
                difficulty: None,
                cpc: None,
                intent: None,
            };
            (columns, Vec::new(), SourceFormat::PlainList)
        };

        Ok(KeywordFileReader {
            csv,
            last: Next::End,
            columns,
            mapped,
            format,
            delimiter: if layout.plain_list {
                b'\n'
            } else {
                layout.delimiter
            },
            encoding,
            style: NumberStyle {
                decimal_comma: layout.delimiter == b';',
            },
            line_offset: layout.line_offset,
            done: false,
        })
    }

    /// Which tool's layout the file was recognised as.
    pub fn format(&self) -> SourceFormat {
        self.format
    }

    /// The delimiter detected: `b','`, `b';'` or `b'\t'`; `b'\n'` for a plain list.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The text encoding detected.
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// The header cells that were mapped, e.g.
    /// `[("keyword", "Keyword"), ("volume", "Avg. monthly searches")]`; a value
    /// read from two columns (Moz Min/Max Volume, Keyword Planner bids) lists
    /// both. Empty for a plain list without header.
    pub fn mapped_columns(&self) -> Vec<(&'static str, String)> {
        self.mapped.clone()
    }

    /// Line where the record just read starts, counting the lines skipped before the parser's
    /// input began.
    fn record_line(&self) -> u64 {
        self.line_offset + self.csv.start_line()
    }

    /// Reads the current record into a row or a row error.
    fn convert(&self, line: u64) -> RowOutcome {
        let reject = |message: String| RowOutcome::Rejected(RowError { line, message });
        if self.last == Next::TooLong {
            return reject(format!(
                "the row is longer than {} KiB (is a quote left open?)",
                MAX_RECORD / 1024
            ));
        }
        if self
            .csv
            .iter()
            .any(|field| std::str::from_utf8(field).is_err())
        {
            return reject(format!("not valid {} text", self.encoding.as_str()));
        }
        match self.text(self.columns.keyword) {
            Some(k) if k.chars().nth(MAX_KEYWORD_CELL).is_some() => reject(format!(
                "keyword: longer than {MAX_KEYWORD_CELL} characters"
            )),
            Some(k) if !k.trim().is_empty() => {
                self.values(line, k).map_or_else(reject, RowOutcome::Row)
            }
            _ => reject("no keyword".to_owned()),
        }
    }

    /// Cell `i` of the current record as text (`None` if missing or not UTF-8), without the
    /// `'` our export puts before a cell that a spreadsheet would run as a formula.
    fn text(&self, i: usize) -> Option<&str> {
        cell(&self.csv, i)
            .and_then(|c| std::str::from_utf8(c).ok())
            .map(crate::planner::formula::unescape)
    }

    /// A number from cell `i`; the error names the column and the value.
    fn number<T>(
        &self,
        column: &str,
        i: usize,
        parse: fn(&str, NumberStyle) -> Result<Option<T>, NumberError>,
    ) -> Result<Option<T>, String> {
        let value = self.text(i).unwrap_or("");
        parse(value, self.style).map_err(|e| value_error(column, value, e))
    }

    /// The typed values of the current record.
    fn values(&self, line: u64, keyword: &str) -> Result<ImportRow, String> {
        let volume = |i| self.number("volume", i, numbers::parse_volume);
        let cpc = |i| self.number("cpc", i, numbers::parse_cpc);
        Ok(ImportRow {
            line,
            keyword: keyword.to_owned(),
            volume: match self.columns.volume {
                None => None,
                Some(Source::One(i)) => volume(i)?,
                Some(Source::Two(i, j)) => numbers::midpoint(volume(i)?, volume(j)?),
            },
            difficulty: match self.columns.difficulty {
                None => None,
                Some(i) => self.number("difficulty", i, numbers::parse_difficulty)?,
            },
            cpc: match self.columns.cpc {
                None => None,
                Some(Source::One(i)) => cpc(i)?,
                Some(Source::Two(i, j)) => match (cpc(i)?, cpc(j)?) {
                    (Some(low), Some(high)) => Some((low + high) / 2.0),
                    (low, high) => low.or(high),
                },
            },
            intent: self
                .columns
                .intent
                .and_then(|i| self.text(i))
                .and_then(numbers::parse_intent),
        })
    }
}

impl<R: Read> Iterator for KeywordFileReader<R> {
    type Item = Result<RowOutcome, ReadError>;

    /// The next data row; blank lines are skipped. `Err` only for an I/O
    /// failure, after which the iterator ends.
    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.csv.read() {
                Ok(Next::Record) if is_blank_record(&self.csv) => continue,
                Ok(next @ (Next::Record | Next::TooLong)) => {
                    self.last = next;
                    return Some(Ok(self.convert(self.record_line())));
                }
                Ok(Next::End) => self.done = true,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e.into()));
                }
            }
        }
        None
    }
}

/// Field `i` of a record, without the `\r` of a CRLF line ending on the last field.
fn cell<R: io::BufRead>(record: &Records<R>, i: usize) -> Option<&[u8]> {
    let field = record.get(i)?;
    Some(if i + 1 == record.len() {
        field.strip_suffix(b"\r").unwrap_or(field)
    } else {
        field
    })
}

/// A record of only whitespace and delimiters (e.g. `,,,` or a blank CRLF line).
fn is_blank_record<R: io::BufRead>(record: &Records<R>) -> bool {
    record.iter().all(sniff::is_blank)
}

/// `volume: "lots" is not a number`
fn value_error(column: &str, value: &str, error: NumberError) -> String {
    let shown: String = value.chars().take(MAX_QUOTED_VALUE).collect();
    let ellipsis = if shown.len() < value.len() { "…" } else { "" };
    match error {
        NumberError::NotANumber => format!("{column}: {shown:?}{ellipsis} is not a number"),
        NumberError::TooLarge => format!("{column}: {shown:?}{ellipsis} is too large"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_a_name_for_people_and_round_trips_its_id() {
        let all = [
            SourceFormat::GoogleKeywordPlanner,
            SourceFormat::Ahrefs,
            SourceFormat::Semrush,
            SourceFormat::Ubersuggest,
            SourceFormat::Moz,
            SourceFormat::SearchConsole,
            SourceFormat::PlainList,
            SourceFormat::GenericCsv,
        ];
        for f in all {
            assert_eq!(SourceFormat::from_id(f.as_str()), Some(f));
            assert!(!f.label().contains('_'), "{}", f.label());
        }
        assert_eq!(SourceFormat::from_id("excel"), None);
        assert_eq!(SourceFormat::Semrush.label(), "Semrush Keyword Magic Tool");
    }

    fn open(bytes: &[u8]) -> KeywordFileReader<&[u8]> {
        KeywordFileReader::open(bytes).expect("file should open")
    }

    fn outcomes(bytes: &[u8]) -> Vec<RowOutcome> {
        open(bytes).map(|r| r.expect("no I/O error")).collect()
    }

    fn rows(bytes: &[u8]) -> Vec<ImportRow> {
        outcomes(bytes)
            .into_iter()
            .map(|o| match o {
                RowOutcome::Row(row) => row,
                RowOutcome::Rejected(e) => panic!("unexpected rejection {e:?}"),
            })
            .collect()
    }

    fn lines_and_keywords(bytes: &[u8]) -> Vec<(u64, String)> {
        rows(bytes)
            .into_iter()
            .map(|r| (r.line, r.keyword))
            .collect()
    }

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let bom = if bom { &[0xFF, 0xFE][..] } else { &[] };
        bom.iter()
            .copied()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect()
    }

    fn row(line: u64, keyword: &str) -> ImportRow {
        ImportRow {
            line,
            keyword: keyword.into(),
            volume: None,
            difficulty: None,
            cpc: None,
            intent: None,
        }
    }

    #[test]
    fn utf16le_with_preamble_counts_physical_lines() {
        let text = "Keyword Stats 2026-02-25\r\nAll locations\r\nKeyword\tCurrency\tAvg. monthly searches\t\
                    Top of page bid (low range)\tTop of page bid (high range)\r\n\
                    kitchen faucet\tUSD\t49500\t1.00\t4.00\r\n\r\nbad\tUSD\tmany\t\t\r\nłódź 🦀\tUSD\t10\t\t2.5\r\n";
        let file = utf16le(text, true);
        let mut reader = KeywordFileReader::open(&file[..]).unwrap();
        assert_eq!(reader.encoding(), TextEncoding::Utf16Le);
        assert_eq!(reader.format(), SourceFormat::GoogleKeywordPlanner);
        assert_eq!(reader.delimiter(), b'\t');
        let all: Vec<_> = reader.by_ref().map(Result::unwrap).collect();
        let faucet = ImportRow {
            volume: Some(49500),
            cpc: Some(2.5),
            ..row(4, "kitchen faucet")
        };
        assert_eq!(all[0], RowOutcome::Row(faucet));
        let message = "volume: \"many\" is not a number".to_owned();
        assert_eq!(all[1], RowOutcome::Rejected(RowError { line: 6, message }));
        assert_eq!(
            all[2],
            RowOutcome::Row(ImportRow {
                volume: Some(10),
                cpc: Some(2.5),
                ..row(7, "łódź 🦀")
            })
        );
        assert_eq!(all.len(), 3);
        let bomless = utf16le("keyword,volume\r\nshoes,5\r\n", false);
        assert_eq!(
            rows(&bomless),
            vec![ImportRow {
                volume: Some(5),
                ..row(2, "shoes")
            }]
        );
        let be: Vec<u8> = "\u{feff}keyword\nboots\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(lines_and_keywords(&be), vec![(2, "boots".into())]);
    }

    #[test]
    fn unpaired_surrogate_rejects_only_its_row() {
        let mut raw = utf16le("keyword\r\nok one\r\nbad ", true);
        raw.extend_from_slice(&0xD800u16.to_le_bytes());
        raw.extend_from_slice(&utf16le("\r\nok two\r\n", false));
        let got = outcomes(&raw);
        assert_eq!(got.len(), 3);
        let message = "not valid UTF-16LE text".to_owned();
        assert_eq!(got[1], RowOutcome::Rejected(RowError { line: 3, message }));
        assert_eq!(got[2], RowOutcome::Row(row(4, "ok two")));
    }

    #[test]
    fn crlf_bom_and_our_own_export() {
        let file = b"\xEF\xBB\xBFkeyword,volume,difficulty,cpc,intent,status,cluster\r\n\
                     red shoes,1300,37,1.25,transactional,new,shoes\r\n,,,,,,\r\n\r\n  \r\nblue shoes,,,,,,\r\n";
        let mut reader = open(file);
        assert_eq!(reader.format(), SourceFormat::GenericCsv);
        assert_eq!(reader.format().as_str(), "csv");
        let names = reader.mapped_columns();
        assert_eq!(names[0], ("keyword", "keyword".to_owned()));
        assert_eq!(names.len(), 5);
        let got: Vec<_> = reader.by_ref().map(Result::unwrap).collect();
        let red = ImportRow {
            volume: Some(1300),
            difficulty: Some(37),
            cpc: Some(1.25),
            intent: Some(Intent::Transactional),
            ..row(2, "red shoes")
        };
        assert_eq!(
            got,
            vec![RowOutcome::Row(red), RowOutcome::Row(row(6, "blue shoes"))]
        );
        // The keyword as the last cell of a CRLF line carries no '\r'.
        assert_eq!(
            lines_and_keywords(b"volume,keyword\r\n1,a\r\n2,b"),
            vec![(2, "a".into()), (3, "b".into())]
        );
    }

    #[test]
    fn semicolons_with_decimal_commas() {
        let file = "Keyword;Search Volume;KD %;CPC (EUR);Intent\n\
                    \"cheap; fast\";1.300;37,5;0,45 €;C\n\
                    b;1 300;12;1.234,56;Informational\n";
        let mut reader = open(file.as_bytes());
        assert_eq!(reader.delimiter(), b';');
        let got: Vec<_> = reader.by_ref().map(|r| r.unwrap()).collect();
        let first = ImportRow {
            volume: Some(1300),
            difficulty: Some(38),
            cpc: Some(0.45),
            intent: Some(Intent::Commercial),
            ..row(2, "cheap; fast")
        };
        assert_eq!(got[0], RowOutcome::Row(first));
        let RowOutcome::Row(second) = &got[1] else {
            panic!("{:?}", got[1])
        };
        assert_eq!((second.volume, second.cpc), (Some(1300), Some(1234.56)));
    }

    #[test]
    fn quoted_newlines_report_the_starting_line() {
        let file = b"Keyword,Volume\n\"multi\nline, \"\"quoted\"\"\",10\nnext,20\n\n\"a\r\nb\",30\r\nlast,\"1,000\"";
        let got: Vec<_> = rows(file)
            .into_iter()
            .map(|r| (r.line, r.keyword, r.volume))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "multi\nline, \"quoted\"".into(), Some(10)),
                (4, "next".into(), Some(20)),
                (6, "a\r\nb".into(), Some(30)),
                (8, "last".into(), Some(1000)),
            ]
        );
    }

    #[test]
    fn invalid_utf8_in_one_row_of_ten_keeps_nine() {
        let mut file = b"keyword,volume\n".to_vec();
        for i in 0..10 {
            if i == 4 {
                file.extend_from_slice(b"caf\xE9 cr\xE8me,10\n"); // Windows-1252
            } else {
                file.extend_from_slice(format!("kw {i},{i}\n").as_bytes());
            }
        }
        let got = outcomes(&file);
        assert_eq!(got.len(), 10);
        let message = "not valid UTF-8 text".to_owned();
        assert_eq!(got[4], RowOutcome::Rejected(RowError { line: 6, message }));
        assert_eq!(
            got.iter()
                .filter(|o| matches!(o, RowOutcome::Row(_)))
                .count(),
            9
        );
        assert_eq!(got[9].line(), 11);
    }

    #[test]
    fn empty_files_and_header_only_files() {
        for empty in [
            &b""[..],
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"\n\r\n  \n",
            b",,,\n;;\n",
        ] {
            assert!(
                matches!(KeywordFileReader::open(empty), Err(ReadError::Empty)),
                "{empty:?}"
            );
        }
        assert_eq!(ReadError::Empty.to_string(), "the file is empty");
        let mut reader = open(b"Keyword,Volume,CPC");
        assert_eq!(reader.format(), SourceFormat::GenericCsv);
        assert!(reader.next().is_none());
        assert!(open(b"Keyword,Volume\r\n\r\n").next().is_none());
    }

    #[test]
    fn plain_lists() {
        let mut reader = open(b"running shoes");
        assert_eq!(
            (reader.format(), reader.delimiter()),
            (SourceFormat::PlainList, b'\n')
        );
        assert!(reader.mapped_columns().is_empty());
        assert_eq!(
            reader.next().unwrap().unwrap(),
            RowOutcome::Row(row(1, "running shoes"))
        );
        assert!(reader.next().is_none());
        let file = b"Keywords\r\n  red  shoes \r\n\r\n6\" pipe\r\n\"a, b\"\r\n";
        let reader = open(file);
        assert_eq!(reader.format(), SourceFormat::PlainList);
        assert_eq!(
            reader.mapped_columns(),
            vec![("keyword", "Keywords".to_owned())]
        );
        let got: Vec<_> = reader.map(|r| r.unwrap().line()).collect();
        assert_eq!(got, vec![2, 4, 5]);
        assert_eq!(lines_and_keywords(file)[2].1, "a, b");
        // A lone CR inside an LF/CRLF file is text, not a line break.
        assert_eq!(
            lines_and_keywords(b"a\r\nb\rc\r"),
            vec![(1, "a".into()), (2, "b\rc".into())]
        );
        assert_eq!(
            lines_and_keywords(b"old mac\rlist\r"),
            vec![(1, "old mac".into()), (2, "list".into())]
        );
    }

    #[test]
    fn row_errors() {
        let file = b"Keyword,Volume,Difficulty,CPC\n,10,,\n  ,,,\nok,lots,,\nok,,hard,\nok,,,free\nok,99999999999999999999,,\n";
        let got: Vec<_> = outcomes(file)
            .into_iter()
            .map(|o| match o {
                RowOutcome::Rejected(e) => (e.line, e.message),
                RowOutcome::Row(r) => panic!("{r:?}"),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "no keyword".to_owned()),
                (4, "volume: \"lots\" is not a number".to_owned()),
                (5, "difficulty: \"hard\" is not a number".to_owned()),
                (6, "cpc: \"free\" is not a number".to_owned()),
                (
                    7,
                    "volume: \"99999999999999999999\" is too large".to_owned()
                ),
            ]
        );
        let long = format!("Keyword,Volume\nk,{}\n", "x".repeat(500));
        let RowOutcome::Rejected(e) = &outcomes(long.as_bytes())[0] else {
            panic!()
        };
        assert!(
            e.message.len() < 100 && e.message.ends_with("… is not a number"),
            "{}",
            e.message
        );
    }

    #[test]
    fn oversize_rows_are_row_errors_and_the_rest_is_read() {
        let mut file = b"keyword,volume\nfirst,1\n".to_vec();
        // An unclosed quote would swallow the rest of the file into one record.
        file.extend_from_slice(b"\"open quote,2\n");
        for i in 0..(MAX_RECORD / 8) {
            file.extend_from_slice(format!("k{i:05},3\n").as_bytes());
        }
        let got = outcomes(&file);
        assert_eq!(got.len(), 2, "{:?}", &got[..2.min(got.len())]);
        assert_eq!(
            got[0],
            RowOutcome::Row(ImportRow {
                volume: Some(1),
                ..row(2, "first")
            })
        );
        let RowOutcome::Rejected(e) = &got[1] else {
            panic!("{:?}", got[1])
        };
        assert_eq!(e.line, 3);
        assert_eq!(
            e.message,
            "the row is longer than 64 KiB (is a quote left open?)"
        );

        let long = "x".repeat(MAX_KEYWORD_CELL + 1);
        let file = format!("keyword,volume\n{long},1\nnext,2\n");
        let got = outcomes(file.as_bytes());
        assert_eq!(
            got[0],
            RowOutcome::Rejected(RowError {
                line: 2,
                message: "keyword: longer than 1000 characters".into()
            })
        );
        assert_eq!(
            got[1],
            RowOutcome::Row(ImportRow {
                volume: Some(2),
                ..row(3, "next")
            })
        );

        let header = format!("keyword,{}\nk\n", "h".repeat(MAX_RECORD + 1));
        let err = KeywordFileReader::open(header.as_bytes()).err().unwrap();
        assert!(matches!(err, ReadError::HeaderTooLong), "{err:?}");
        assert_eq!(err.to_string(), "the header line is longer than 64 KiB");
    }

    #[test]
    fn the_exports_formula_quote_is_removed() {
        let file = b"keyword,volume,cpc\n'=SUM(A1),'-5,'-0.5\n'plain,1,\n\"'-5 tips\",,\n";
        let got = rows(file);
        assert_eq!(got[0].keyword, "=SUM(A1)");
        assert_eq!((got[0].volume, got[0].cpc), (Some(-5), Some(-0.5)));
        assert_eq!(got[1].keyword, "'plain");
        assert_eq!(got[2].keyword, "-5 tips");
    }

    #[test]
    fn negative_values_keep_their_sign() {
        let got = rows(b"keyword,volume,kd,cpc\na,-10,-5,-0.5\n");
        assert_eq!(
            got[0],
            ImportRow {
                volume: Some(-10),
                difficulty: Some(-5),
                cpc: Some(-0.5),
                ..row(2, "a")
            }
        );
    }

    #[test]
    fn ragged_rows_and_missing_keyword_cells() {
        let got = outcomes(b"No,Volume,Keyword,Intent\n1,10,a\n2,20\n3,30,b,I,extra,cells\n");
        assert_eq!(
            got[0],
            RowOutcome::Row(ImportRow {
                volume: Some(10),
                ..row(2, "a")
            })
        );
        assert_eq!(
            got[1],
            RowOutcome::Rejected(RowError {
                line: 3,
                message: "no keyword".into()
            })
        );
        let b = ImportRow {
            volume: Some(30),
            intent: Some(Intent::Informational),
            ..row(4, "b")
        };
        assert_eq!(got[2], RowOutcome::Row(b));
    }

    #[test]
    fn refuses_tables_without_keyword_column() {
        let err = KeywordFileReader::open(&b"Name,Volume\nshoes,10\n"[..])
            .err()
            .unwrap();
        let ReadError::NoKeywordColumn { headers } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(headers, &["Name", "Volume"]);
        let message = err.to_string();
        assert!(
            message.contains("Name, Volume") && message.contains("search term"),
            "{message}"
        );
        assert!(ReadError::accepted_keyword_columns().contains(&"top queries"));
    }

    #[test]
    fn prefix_beyond_the_sniff_window_is_not_lost() {
        let mut file = b"# export\nkeyword\tvolume\n".to_vec();
        for i in 0..20_000 {
            file.extend_from_slice(format!("keyword number {i}\t{i}\n").as_bytes());
        }
        assert!(file.len() > 4 * 64 * 1024, "longer than the sniffed head");
        let got = rows(&file);
        assert_eq!(got.len(), 20_000);
        for (i, r) in got.iter().enumerate() {
            assert_eq!((r.line, r.volume), (i as u64 + 3, Some(i as i64)));
        }
        let utf16 = utf16le(std::str::from_utf8(&file).unwrap(), true);
        assert_eq!(rows(&utf16), got);
        let trickle = Trickle {
            data: &utf16,
            at: 0,
        };
        let trickled: Vec<_> = KeywordFileReader::open(trickle)
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(trickled.len(), 20_000);
    }

    /// Reads one byte at a time.
    struct Trickle<'a> {
        data: &'a [u8],
        at: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(1).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    /// An endless file: opening it and reading rows must not try to buffer it.
    struct Endless(u64);

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let line = if self.0 == 0 {
                "keyword,volume\n".to_owned()
            } else {
                format!("kw{},{}\n", self.0, self.0)
            };
            self.0 += 1;
            let n = line.len().min(buf.len());
            buf[..n].copy_from_slice(&line.as_bytes()[..n]);
            Ok(n)
        }
    }

    #[test]
    fn streams_an_endless_file() {
        let reader = KeywordFileReader::open(Endless(0)).unwrap();
        let last = reader.take(300_000).last().unwrap().unwrap();
        assert_eq!(last.line(), 300_001);
    }

    /// Fails after a given number of bytes.
    struct Failing<'a>(&'a [u8]);

    impl Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::other("disk on fire"));
            }
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn io_errors() {
        let err = KeywordFileReader::open(Failing(b"")).err().unwrap();
        assert!(matches!(err, ReadError::Io(_)) && err.to_string().contains("disk on fire"));
        let mut file = b"keyword\n".to_vec();
        file.extend(std::iter::repeat_n(b"kw\n", 40_000).flatten());
        let mut reader = KeywordFileReader::open(Failing(&file)).unwrap();
        let results: Vec<_> = reader.by_ref().collect();
        assert!(results.iter().take(40_000).all(Result::is_ok));
        assert!(matches!(results.last(), Some(Err(ReadError::Io(_)))));
        assert!(reader.next().is_none());
    }

    #[test]
    fn never_panics_on_random_or_mangled_input() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet =
            b",;\t\n\r\" #-.%$0123456789kKmMaA\xEF\xBB\xBF\xFF\xFE\x00\xC3\xA9\xE2\x80\x93";
        let base = b"Keyword,Volume,KD,CPC,Intent\nshoes,1.5K,37.5,$1,I\n\"a\nb\",1K - 10K,,,\n";
        for round in 0..3000 {
            let len = (next() % 300) as usize;
            let mut data: Vec<u8> = if round % 2 == 0 {
                (0..len)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect()
            } else {
                base.to_vec()
            };
            if round % 2 == 1 {
                for _ in 0..(next() % 6) {
                    let at = (next() % data.len() as u64) as usize;
                    data[at] = alphabet[(next() % alphabet.len() as u64) as usize];
                }
            }
            if let Ok(reader) = KeywordFileReader::open(&data[..]) {
                let _ = reader.mapped_columns();
                for outcome in reader {
                    if let Ok(RowOutcome::Row(r)) = outcome {
                        assert!(!r.keyword.trim().is_empty());
                    }
                }
            }
        }
    }
}
