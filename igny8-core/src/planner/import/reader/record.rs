//! CSV records with a size cap.
//!
//! `csv::Reader` grows its record buffer for as long as a record goes on, so one unterminated
//! quote in an upload would hold the rest of the file in memory. This reader drives `csv_core`
//! (the parser `csv` is built on) with the same settings, but stops keeping a record's bytes
//! once it has consumed [`MAX_RECORD`] bytes of input: the rest of that record is read and
//! dropped, and the caller gets [`Next::TooLong`] for it.

use std::io::{self, BufRead};

/// Most input bytes one record (one row, quoted line breaks included) may take.
pub const MAX_RECORD: usize = 64 * 1024;

/// What [`Records::read`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// A record; read its cells with [`Records::get`].
    Record,
    /// A record longer than [`MAX_RECORD`] bytes; it was skipped.
    TooLong,
    /// The end of the input.
    End,
}

/// Reads records one at a time from `input`.
pub(crate) struct Records<R> {
    core: csv_core::Reader,
    input: R,
    fields: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    start_line: u64,
}

impl<R: BufRead> Records<R> {
    /// A reader splitting cells at `delimiter` and records at `\n` (quotes as in RFC 4180).
    pub(crate) fn new(input: R, delimiter: u8) -> Self {
        let core = csv_core::ReaderBuilder::new()
            .delimiter(delimiter)
            .terminator(csv_core::Terminator::Any(b'\n'))
            .build();
        Records {
            core,
            input,
            fields: vec![0; 1024],
            ends: vec![0; 32],
            len: 0,
            start_line: 1,
        }
    }

    /// Reads the next record. An I/O error ends the input.
    pub(crate) fn read(&mut self) -> io::Result<Next> {
        use csv_core::ReadRecordResult as R;
        self.len = 0;
        // The parser skips empty lines before a record: they move its first line down.
        self.start_line = self.core.line();
        let mut started = false;
        let (mut out, mut end, mut consumed) = (0usize, 0usize, 0usize);
        let mut too_long = false;
        loop {
            let input = self.input.fill_buf()?;
            let (result, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.fields[out..], &mut self.ends[end..]);
            if !started {
                for &b in &input[..nin] {
                    if b != b'\n' {
                        started = true;
                        break;
                    }
                    self.start_line += 1;
                }
            }
            self.input.consume(nin);
            consumed += nin;
            out += nout;
            end += nend;
            if consumed > MAX_RECORD {
                too_long = true;
            }
            match result {
                R::InputEmpty => {}
                // Past the cap, the buffers are reused instead of grown.
                R::OutputFull if too_long => out = 0,
                R::OutputEndsFull if too_long => end = 0,
                R::OutputFull => {
                    let n = self.fields.len() * 2;
                    self.fields.resize(n, 0);
                }
                R::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                R::Record if too_long => return Ok(Next::TooLong),
                R::Record => {
                    self.len = end;
                    return Ok(Next::Record);
                }
                R::End => return Ok(Next::End),
            }
        }
    }

    /// How many cells the record has.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Cell `i` of the record.
    pub(crate) fn get(&self, i: usize) -> Option<&[u8]> {
        if i >= self.len {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.fields[start..self.ends[i]])
    }

    /// The cells in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len).filter_map(|i| self.get(i))
    }

    /// The line (1-based, of the parser's input) where the record just read starts.
    pub(crate) fn start_line(&self) -> u64 {
        self.start_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(r: &Records<&[u8]>) -> Vec<String> {
        r.iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect()
    }

    #[test]
    fn reads_quoted_cells_and_skips_a_record_past_the_cap() {
        let mut file = b"a,\"b,\"\"c\"\"\nd\"\n".to_vec();
        file.extend_from_slice(b"\"");
        file.extend(std::iter::repeat_n(b'x', MAX_RECORD * 3));
        file.extend_from_slice(b"\",y\nlast,1\n");
        let mut r = Records::new(&file[..], b',');
        assert_eq!(r.read().unwrap(), Next::Record);
        assert_eq!(cells(&r), ["a", "b,\"c\"\nd"]);
        assert_eq!(r.start_line(), 1);
        assert_eq!(r.read().unwrap(), Next::TooLong);
        assert!(r.fields.len() <= 2 * MAX_RECORD, "{}", r.fields.len());
        assert_eq!(r.read().unwrap(), Next::Record);
        assert_eq!(cells(&r), ["last", "1"]);
        assert_eq!(r.start_line(), 4);
        assert_eq!(r.read().unwrap(), Next::End);
    }
}
