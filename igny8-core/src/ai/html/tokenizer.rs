//! Splitting HTML into tokens, following the HTML5 tokenization rules where it matters.

use super::rules::is_raw_text;

#[derive(Debug)]
pub(super) enum Token<'a> {
    Text(&'a str),
    Start {
        name: String,
        attrs: Vec<Attr<'a>>,
        self_closing: bool,
    },
    End {
        name: String,
    },
    /// A raw-text element (`script`, `style`, …), read whole with its content and end tag.
    Raw,
    /// A comment, doctype, CDATA section, processing instruction, or a tag cut off by the end
    /// of the input.
    Other,
}

#[derive(Debug)]
pub(super) struct Attr<'a> {
    /// Lower case.
    pub(super) name: String,
    /// Undecoded; `None` when the attribute has no `=`.
    pub(super) value: Option<&'a str>,
}

pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C')
}

pub(super) fn find_byte(hay: &[u8], from: usize, byte: u8) -> Option<usize> {
    hay.get(from..)?
        .iter()
        .position(|&b| b == byte)
        .map(|i| i + from)
}

pub(super) fn find_bytes(hay: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|i| i + from)
}

/// Splits HTML into tokens. Every position it slices at is next to an ASCII byte, so slices
/// always fall on character boundaries.
pub(super) struct Tokenizer<'a> {
    pub(super) src: &'a str,
    pub(super) pos: usize,
}

impl<'a> Tokenizer<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Self { src, pos: 0 }
    }

    /// The end of a tag name starting at `i`.
    pub(super) fn name_end(&self, mut i: usize) -> usize {
        let b = self.src.as_bytes();
        while i < b.len() && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
            i += 1;
        }
        i
    }

    /// Reads attributes from `i` to the end of the tag: the attributes, whether the tag ends
    /// with `/>`, and the position after `>`. `None` when the input ends inside the tag.
    pub(super) fn attributes(&self, mut i: usize) -> Option<(Vec<Attr<'a>>, bool, usize)> {
        let b = self.src.as_bytes();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            match b.get(i)? {
                b'>' => return Some((attrs, false, i + 1)),
                b'/' => {
                    i += 1;
                    if b.get(i) == Some(&b'>') {
                        return Some((attrs, true, i + 1));
                    }
                    continue;
                }
                _ => {}
            }
            // The first character may be anything, `=` included; the rest stops at `=`.
            let start = i;
            i += 1;
            while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
                i += 1;
            }
            let name = self.src[start..i].to_ascii_lowercase();
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            let mut value = None;
            if b.get(i) == Some(&b'=') {
                i += 1;
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                match *b.get(i)? {
                    quote @ (b'"' | b'\'') => {
                        let end = find_byte(b, i + 1, quote)?;
                        value = Some(&self.src[i + 1..end]);
                        i = end + 1;
                    }
                    b'>' => value = Some(""),
                    _ => {
                        let start = i;
                        while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                            i += 1;
                        }
                        value = Some(&self.src[start..i]);
                    }
                }
            }
            attrs.push(Attr { name, value });
        }
    }

    pub(super) fn start_tag(&mut self) -> Token<'a> {
        let name_start = self.pos + 1;
        let name_end = self.name_end(name_start);
        let name = self.src[name_start..name_end].to_ascii_lowercase();
        let Some((attrs, self_closing, end)) = self.attributes(name_end) else {
            self.pos = self.src.len();
            return Token::Other;
        };
        self.pos = end;
        if is_raw_text(&name) {
            self.skip_raw_text(&name);
            return Token::Raw;
        }
        Token::Start {
            name,
            attrs,
            self_closing,
        }
    }

    /// Skips raw text up to and including the end tag of `name` (or to the end of input).
    pub(super) fn skip_raw_text(&mut self, name: &str) {
        let b = self.src.as_bytes();
        if name != "plaintext" {
            let mut from = self.pos;
            while let Some(lt) = find_bytes(b, from, b"</") {
                let name_end = lt + 2 + name.len();
                let matches = b
                    .get(lt + 2..name_end)
                    .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
                    && b.get(name_end)
                        .is_some_and(|&c| is_space(c) || c == b'/' || c == b'>');
                if matches {
                    self.pos = match self.attributes(name_end) {
                        Some((_, _, end)) => end,
                        None => b.len(),
                    };
                    return;
                }
                from = lt + 2;
            }
        }
        self.pos = b.len();
    }

    pub(super) fn end_tag(&mut self) -> Token<'a> {
        let name_start = self.pos + 2;
        let name_end = self.name_end(name_start);
        let name = self.src[name_start..name_end].to_ascii_lowercase();
        match self.attributes(name_end) {
            Some((_, _, end)) => {
                self.pos = end;
                Token::End { name }
            }
            None => {
                self.pos = self.src.len();
                Token::Other
            }
        }
    }

    /// A comment starting at `<!--`: ends at `-->` or `--!>` (`<!-->` and `<!--->` are
    /// empty comments), or at the end of input.
    pub(super) fn comment(&mut self) -> Token<'a> {
        let b = self.src.as_bytes();
        let body = self.pos + 4;
        self.pos = if b[body..].starts_with(b">") {
            body + 1
        } else if b[body..].starts_with(b"->") {
            body + 2
        } else {
            let mut from = body;
            loop {
                let Some(dashes) = find_bytes(b, from, b"--") else {
                    break b.len();
                };
                if b.get(dashes + 2) == Some(&b'>') {
                    break dashes + 3;
                }
                if b.get(dashes + 2..dashes + 4) == Some(b"!>") {
                    break dashes + 4;
                }
                from = dashes + 1;
            }
        };
        Token::Other
    }

    /// Skips to just after `pat` (or to the end of input).
    pub(super) fn skip_past(&mut self, from: usize, pat: &[u8]) -> Token<'a> {
        let b = self.src.as_bytes();
        self.pos = find_bytes(b, from, pat).map_or(b.len(), |i| i + pat.len());
        Token::Other
    }
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let b = self.src.as_bytes();
        let pos = self.pos;
        if pos >= b.len() {
            return None;
        }
        if b[pos] != b'<' {
            let end = find_byte(b, pos, b'<').unwrap_or(b.len());
            self.pos = end;
            return Some(Token::Text(&self.src[pos..end]));
        }
        let token = match b.get(pos + 1) {
            Some(c) if c.is_ascii_alphabetic() => self.start_tag(),
            Some(b'/') => match b.get(pos + 2) {
                Some(c) if c.is_ascii_alphabetic() => self.end_tag(),
                Some(b'>') => {
                    self.pos = pos + 3;
                    Token::Other
                }
                Some(_) => self.skip_past(pos + 2, b">"),
                None => {
                    self.pos = b.len();
                    Token::Text(&self.src[pos..])
                }
            },
            Some(b'!') if b[pos..].starts_with(b"<!--") => self.comment(),
            Some(b'!') if b[pos..].starts_with(b"<![CDATA[") => self.skip_past(pos + 9, b"]]>"),
            Some(b'!' | b'?') => self.skip_past(pos + 2, b">"),
            _ => {
                self.pos = pos + 1;
                Token::Text(&self.src[pos..pos + 1])
            }
        };
        Some(token)
    }
}
