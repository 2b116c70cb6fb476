//! The decoded text stream the CSV parser reads.

use std::io::{self, Chain, Cursor, Read};

use super::TextEncoding;
use super::sniff;
use super::utf16::Utf16ToUtf8;

/// How many raw bytes are examined to detect the encoding.
const ENCODING_PROBE: usize = 1024;
/// How many decoded bytes are kept for sniffing the delimiter and header.
const HEAD_LIMIT: usize = 64 * 1024;

/// The raw bytes: the probed prefix (from after the BOM), then the rest of the input.
type RawStream<R> = Chain<Cursor<Vec<u8>>, R>;

/// The input as UTF-8 bytes.
enum Decoded<R> {
    Utf8(RawStream<R>),
    Utf16(Utf16ToUtf8<RawStream<R>>),
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoded::Utf8(r) => r.read(buf),
            Decoded::Utf16(r) => r.read(buf),
        }
    }
}

/// UTF-8 text: the sniffed head (replayed from the chosen start), the rest of
/// the decoded input, then one extra `\n` so that every record ends with a newline.
pub(crate) struct TextStream<R> {
    head: Cursor<Vec<u8>>,
    head_is_whole: bool,
    rest: Decoded<R>,
    encoding: TextEncoding,
    cr_to_lf: bool,
    final_newline_sent: bool,
}

impl<R: Read> TextStream<R> {
    /// Detects the encoding and reads the head (up to 64 KiB of text);
    /// `None` for an input without a single byte.
    pub(crate) fn open(mut reader: R) -> io::Result<Option<Self>> {
        let mut probe = Vec::with_capacity(ENCODING_PROBE);
        (&mut reader)
            .take(ENCODING_PROBE as u64)
            .read_to_end(&mut probe)?;
        if probe.is_empty() {
            return Ok(None);
        }
        let (encoding, bom_len) = sniff::detect_encoding(&probe);
        let mut raw = Cursor::new(probe);
        raw.set_position(bom_len as u64);
        let raw = raw.chain(reader);
        let mut rest = match encoding {
            TextEncoding::Utf8 => Decoded::Utf8(raw),
            TextEncoding::Utf16Le => Decoded::Utf16(Utf16ToUtf8::new(raw, false)),
            TextEncoding::Utf16Be => Decoded::Utf16(Utf16ToUtf8::new(raw, true)),
        };
        let mut head = Vec::with_capacity(HEAD_LIMIT);
        (&mut rest).take(HEAD_LIMIT as u64).read_to_end(&mut head)?;
        // Old Mac files end lines with a lone CR: read every CR as a line feed.
        let cr_to_lf = sniff::is_cr_only(&head);
        if cr_to_lf {
            lf_for_cr(&mut head);
        }
        Ok(Some(TextStream {
            head_is_whole: head.len() < HEAD_LIMIT,
            head: Cursor::new(head),
            rest,
            encoding,
            cr_to_lf,
            final_newline_sent: false,
        }))
    }

    /// The start of the text, for sniffing.
    pub(crate) fn head(&self) -> &[u8] {
        self.head.get_ref()
    }

    /// True when the head is the whole text (its last line is complete).
    pub(crate) fn head_is_whole(&self) -> bool {
        self.head_is_whole
    }

    /// The encoding detected.
    pub(crate) fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// Makes reading start at byte `offset` of the head.
    pub(crate) fn start_at(&mut self, offset: usize) {
        self.head.set_position(offset as u64);
    }
}

fn lf_for_cr(bytes: &mut [u8]) {
    bytes
        .iter_mut()
        .filter(|b| **b == b'\r')
        .for_each(|b| *b = b'\n');
}

impl<R: Read> Read for TextStream<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = self.head.read(buf)?;
        if n == 0 {
            n = self.rest.read(buf)?;
        }
        if n == 0 && !self.final_newline_sent && !buf.is_empty() {
            self.final_newline_sent = true;
            buf[0] = b'\n';
            return Ok(1);
        }
        if self.cr_to_lf {
            lf_for_cr(&mut buf[..n]);
        }
        Ok(n)
    }
}
