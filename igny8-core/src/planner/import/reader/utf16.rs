//! A streaming UTF-16 → UTF-8 transcoder.
//!
//! Ours rather than `encoding_rs`'s decoder: that one replaces an unpaired surrogate with
//! U+FFFD, which would import a silently changed keyword. Here the bad unit becomes a byte
//! that is never valid UTF-8, so only its row is rejected (and reported with its line) while
//! the rest of the file imports.

use std::io::{self, Read};

/// Written in place of an unpaired surrogate or a dangling odd byte. `0xFF`
/// never occurs in UTF-8, so the row holding it fails UTF-8 validation and is
/// rejected on its own, while the rest of the stream goes on.
const INVALID: u8 = 0xFF;

/// Size of the raw input buffer.
const RAW_CAPACITY: usize = 16 * 1024;

/// Reads UTF-16 code units (little- or big-endian, BOM already removed) from
/// `inner` and yields UTF-8 bytes, holding at most 16 KiB of input.
pub(crate) struct Utf16ToUtf8<R> {
    inner: R,
    big_endian: bool,
    raw: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
    /// Encoded bytes of one character that did not fit the caller's buffer.
    pending: [u8; 4],
    pending_start: usize,
    pending_end: usize,
}

/// One decoded unit of text.
enum Decoded {
    Char(char),
    Invalid,
}

impl<R: Read> Utf16ToUtf8<R> {
    /// Wraps `inner`, reading code units in the given byte order.
    pub(crate) fn new(inner: R, big_endian: bool) -> Self {
        Utf16ToUtf8 {
            inner,
            big_endian,
            raw: vec![0; RAW_CAPACITY].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            pending: [0; 4],
            pending_start: 0,
            pending_end: 0,
        }
    }

    fn unit(&self, at: usize) -> u16 {
        let pair = [self.raw[at], self.raw[at + 1]];
        if self.big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    }

    /// Moves the unread bytes to the front and reads more; sets `eof` at the end.
    fn refill(&mut self) -> io::Result<()> {
        self.raw.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        loop {
            match self.inner.read(&mut self.raw[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Decodes the next character; `None` at the end of the input.
    fn next_decoded(&mut self) -> io::Result<Option<Decoded>> {
        while self.end - self.start < 4 && !self.eof {
            self.refill()?;
        }
        let available = self.end - self.start;
        if available < 2 {
            // Nothing left, or one dangling byte of an odd-length input.
            self.start = self.end;
            return Ok((available == 1).then_some(Decoded::Invalid));
        }
        let first = self.unit(self.start);
        let (decoded, used) = match first {
            0xD800..=0xDBFF if available >= 4 => {
                let second = self.unit(self.start + 2);
                if (0xDC00..=0xDFFF).contains(&second) {
                    let code = 0x10000
                        + ((u32::from(first) - 0xD800) << 10)
                        + (u32::from(second) - 0xDC00);
                    (
                        char::from_u32(code).map_or(Decoded::Invalid, Decoded::Char),
                        4,
                    )
                } else {
                    (Decoded::Invalid, 2)
                }
            }
            0xD800..=0xDFFF => (Decoded::Invalid, 2),
            _ => (
                char::from_u32(u32::from(first)).map_or(Decoded::Invalid, Decoded::Char),
                2,
            ),
        };
        self.start += used;
        Ok(Some(decoded))
    }
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut written = 0;
        if self.pending_start < self.pending_end {
            let n = (self.pending_end - self.pending_start).min(out.len());
            out[..n].copy_from_slice(&self.pending[self.pending_start..self.pending_start + n]);
            self.pending_start += n;
            return Ok(n);
        }
        while written < out.len() {
            // Fast path: ASCII units straight into the output.
            while written < out.len() && self.end - self.start >= 2 {
                let unit = self.unit(self.start);
                if unit >= 0x80 {
                    break;
                }
                out[written] = unit as u8;
                written += 1;
                self.start += 2;
            }
            if written == out.len() {
                break;
            }
            let mut encoded = [0u8; 4];
            let bytes: &[u8] = match self.next_decoded()? {
                None => break,
                Some(Decoded::Invalid) => &[INVALID],
                Some(Decoded::Char(c)) => c.encode_utf8(&mut encoded).as_bytes(),
            };
            let n = bytes.len().min(out.len() - written);
            out[written..written + n].copy_from_slice(&bytes[..n]);
            written += n;
            if n < bytes.len() {
                self.pending[..bytes.len() - n].copy_from_slice(&bytes[n..]);
                self.pending_start = 0;
                self.pending_end = bytes.len() - n;
                break;
            }
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn decode(raw: &[u8], big_endian: bool, chunk: usize) -> Vec<u8> {
        let mut reader = Utf16ToUtf8::new(raw, big_endian);
        let mut out = Vec::new();
        let mut buf = vec![0; chunk];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn round_trips_in_any_chunk_size() {
        let text = "Keyword\tVolume\r\nłódź 🦀 café\r\n".repeat(2000);
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for chunk in [1, 2, 3, 5, 4096, 70_000] {
            assert_eq!(decode(&le(&text), false, chunk), text.as_bytes());
            assert_eq!(decode(&be, true, chunk), text.as_bytes());
        }
    }

    #[test]
    fn bad_units_become_invalid_bytes() {
        let mut raw = le("a");
        raw.extend_from_slice(&0xD800u16.to_le_bytes()); // lone high surrogate
        raw.extend_from_slice(&le("b"));
        raw.extend_from_slice(&0xDC00u16.to_le_bytes()); // lone low surrogate
        raw.push(b'c'); // odd trailing byte
        assert_eq!(decode(&raw, false, 7), b"a\xFFb\xFF\xFF");
        let mut high_at_end = le("x");
        high_at_end.extend_from_slice(&0xDBFFu16.to_le_bytes());
        assert_eq!(decode(&high_at_end, false, 1), b"x\xFF");
    }
}
