//! TEMPORARY stand-in until the format-detecting reader lands.
#![allow(missing_docs, dead_code)]
pub use crate::planner::Intent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    GoogleKeywordPlanner,
    Ahrefs,
    Semrush,
    Ubersuggest,
    Moz,
    SearchConsole,
    PlainList,
    GenericCsv,
}
impl SourceFormat {
    pub fn as_str(&self) -> &'static str {
        "csv"
    }
}
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub line: u64,
    pub keyword: String,
    pub volume: Option<i64>,
    pub difficulty: Option<i64>,
    pub cpc: Option<f64>,
    pub intent: Option<Intent>,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub message: String,
}
pub enum RowOutcome {
    Row(ImportRow),
    Rejected(RowError),
}
#[derive(Debug)]
pub enum ReadError {
    Empty,
    NoKeywordColumn { headers: Vec<String> },
    Io(std::io::Error),
}
impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}
pub struct KeywordFileReader<R: std::io::Read> {
    lines: std::io::Lines<std::io::BufReader<R>>,
    line: u64,
}
impl<R: std::io::Read> KeywordFileReader<R> {
    pub fn open(reader: R) -> Result<Self, ReadError> {
        use std::io::BufRead;
        Ok(Self {
            lines: std::io::BufReader::new(reader).lines(),
            line: 0,
        })
    }
    pub fn format(&self) -> SourceFormat {
        SourceFormat::PlainList
    }
}
impl<R: std::io::Read> Iterator for KeywordFileReader<R> {
    type Item = Result<RowOutcome, ReadError>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let l = self.lines.next()?;
            self.line += 1;
            match l {
                Err(e) => return Some(Err(ReadError::Io(e))),
                Ok(l) if l.trim().is_empty() => continue,
                Ok(l) => {
                    return Some(Ok(RowOutcome::Row(ImportRow {
                        line: self.line,
                        keyword: l,
                        volume: None,
                        difficulty: None,
                        cpc: None,
                        intent: None,
                    })));
                }
            }
        }
    }
}
