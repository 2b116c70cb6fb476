//! Cleaning the HTML a model writes for an article body.
//!
//! [`sanitize`] turns model output into a well-formed fragment of allow-listed elements and
//! attributes with safe URLs only; [`text_of`] gives the plain text of a fragment (for meta
//! descriptions, alt text, excerpts).
//!
//! The input is read by a small tokenizer that follows the HTML5 tokenization rules where it
//! matters (raw-text elements such as `script`, comments, quoted and unquoted attributes,
//! character references), and the elements are rebuilt on a stack of at most 100 open
//! elements, so the work is linear in the input and never recursive. Every tag in the
//! output is written by the sanitiser itself, every text and attribute value is escaped, and
//! the output is a fixed point: sanitising it again changes nothing.
//!
//! - A markdown code fence around the output (```` ```html … ``` ````) is removed; of a full
//!   document only the content of `<body>` is kept, and `<head>` is dropped.
//! - Allowed elements: `p`, `h2`–`h6` (`h1` becomes `h2`: the post title is the page's
//!   `h1`), lists, tables, quotes, code, figures, inline formatting, `a`, `img`, `br`, `hr`.
//!   Containers such as `div`, `section` and `article` are unwrapped (their content is kept,
//!   with a line break in place of the tag so that words do not run together); so is every
//!   other unknown element. Scripting, embedding, form and metadata elements (`script`,
//!   `style`, `iframe`, `svg`, `form`, `head`, …) are removed with their content.
//! - Allowed attributes: `a` `href` `title` `rel` `target` (`_blank` only, and then `rel`
//!   gets `noopener noreferrer`); `img` `src` `alt` `title` `width` `height`; `td`/`th`
//!   `colspan` `rowspan`; `th` `scope`; `ol` `start` `reversed`; `abbr` `title`;
//!   `q`/`blockquote` `cite`. URLs must be relative or use `http`/`https` (`mailto` too for
//!   `href`), checked after decoding character references and removing control characters.
//!   An `a` with a refused `href` keeps its text; an `img` without a usable `src` is removed.
//! - Text keeps its character references as written (`&amp;`, `&eacute;`, `&#8212;`); a bare
//!   `&`, `<` and `>` are escaped. Attribute values are decoded and written again with `&`,
//!   `<`, `>` and `"` escaped, always double-quoted.
//! - Paragraphs with nothing but white space in them (`&nbsp;` included) are removed.

use crate::collapse_whitespace;

/// The most elements open at once; deeper elements are unwrapped.
const MAX_DEPTH: usize = 100;

/// What the sanitiser changed, for logs and job results.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Sanitized {
    /// The clean HTML fragment.
    pub html: String,
    /// Elements removed (with their content) or unwrapped (content kept, tag dropped),
    /// including empty paragraphs and images without a usable `src`.
    pub removed_elements: usize,
    /// Attributes dropped from the elements that were kept.
    pub removed_attributes: usize,
}

/// Cleans model-written HTML: allow-listed tags and attributes only, safe URLs only, well formed.
pub fn sanitize(input: &str) -> Sanitized {
    let input = strip_fences(input);
    let tokens: Vec<Token<'_>> = Tokenizer::new(input).collect();
    let mut builder = Builder::default();
    for token in body_tokens(&tokens) {
        builder.token(token);
    }
    builder.finish()
}

/// Same as `sanitize(input).html`.
pub fn sanitize_html(input: &str) -> String {
    sanitize(input).html
}

/// The text of an HTML fragment (tags removed, entities decoded, whitespace collapsed) — for
/// meta descriptions, alt text, excerpts, and any text a model writes.
///
/// The fragment is sanitised first, so the content of `script`, `style`, `head` and the like
/// never shows up; block elements and line breaks separate words. The result is plain text
/// that can never become markup: what decoding turns into a tag (`&lt;img …&gt;` becomes
/// `<img …>`) is removed afterwards ([`crate::strip_markup`]), so a `<` is left only where it
/// can't start a tag (`5 < 6`). Put into HTML, the text must still be escaped ([`escape`]).
pub fn text_of(html: &str) -> String {
    let clean = sanitize_html(html);
    let mut text = String::with_capacity(clean.len());
    for token in Tokenizer::new(&clean) {
        match token {
            Token::Text(t) => text.extend(
                decode_entities(t)
                    .chars()
                    .filter(|c| c.is_whitespace() || !c.is_control()),
            ),
            Token::Start { name, .. } | Token::End { name } if !is_inline(&name) => {
                text.push(' ');
            }
            _ => {}
        }
    }
    collapse_whitespace(&crate::strip_markup(&text))
}

/// `text` escaped for HTML text and double-quoted attribute values (`&`, `<`, `>`, `"`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Element and attribute tables.

/// The output name of an allowed element (`h1` is written as `h2`).
fn allowed(name: &str) -> Option<&'static str> {
    const ALLOWED: &[&str] = &[
        "p",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "s",
        "a",
        "blockquote",
        "q",
        "cite",
        "code",
        "pre",
        "br",
        "hr",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
        "figure",
        "figcaption",
        "img",
        "dl",
        "dt",
        "dd",
        "sup",
        "sub",
        "mark",
        "abbr",
        "small",
        "span",
    ];
    if name == "h1" {
        return Some("h2");
    }
    ALLOWED.iter().copied().find(|a| *a == name)
}

fn is_void(name: &str) -> bool {
    matches!(name, "br" | "hr" | "img")
}

/// Allowed phrasing elements that may hold text but not blocks of their own.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "strong"
            | "em"
            | "b"
            | "i"
            | "u"
            | "s"
            | "a"
            | "q"
            | "cite"
            | "code"
            | "sup"
            | "sub"
            | "mark"
            | "abbr"
            | "small"
            | "span"
    )
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Elements whose start tag closes an open `p` (as in HTML5).
fn closes_p(name: &str) -> bool {
    is_heading(name)
        || matches!(
            name,
            "p" | "ul"
                | "ol"
                | "li"
                | "dl"
                | "dt"
                | "dd"
                | "blockquote"
                | "pre"
                | "hr"
                | "table"
                | "figure"
                | "figcaption"
        )
}

fn is_table_part(name: &str) -> bool {
    matches!(
        name,
        "table" | "caption" | "thead" | "tbody" | "tfoot" | "tr" | "td" | "th"
    )
}

/// Elements that hold table rows or sections, where content needs a cell around it.
fn is_table_body(name: &str) -> bool {
    matches!(name, "table" | "thead" | "tbody" | "tfoot")
}

/// Where searches for an open element stop (HTML5 "scope" boundaries).
fn is_scope_boundary(name: &str) -> bool {
    matches!(name, "table" | "td" | "th" | "caption")
}

/// Elements removed together with everything in them.
fn is_dropped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "iframe"
            | "object"
            | "embed"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "form"
            | "input"
            | "button"
            | "select"
            | "textarea"
            | "frame"
            | "frameset"
            | "applet"
            | "base"
            | "link"
            | "meta"
            | "title"
            | "head"
            | "xmp"
            | "noembed"
            | "noframes"
            | "plaintext"
            | "audio"
            | "video"
            | "canvas"
    )
}

/// Removed elements that never have content.
fn is_void_dropped(name: &str) -> bool {
    matches!(name, "embed" | "input" | "base" | "link" | "meta" | "frame")
}

/// Elements whose content the tokenizer reads as raw text up to their end tag.
fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "textarea"
            | "title"
            | "plaintext"
    )
}

/// Elements that may appear in `<head>` without ending it.
fn is_head_content(name: &str) -> bool {
    matches!(
        name,
        "head"
            | "title"
            | "meta"
            | "link"
            | "base"
            | "style"
            | "script"
            | "noscript"
            | "template"
            | "basefont"
            | "bgsound"
    )
}

/// Block containers that are unwrapped, with a line break in place of their tags.
fn is_container(name: &str) -> bool {
    matches!(
        name,
        "div"
            | "section"
            | "article"
            | "aside"
            | "header"
            | "footer"
            | "main"
            | "nav"
            | "address"
            | "center"
            | "details"
            | "summary"
            | "hgroup"
            | "fieldset"
            | "legend"
            | "dialog"
            | "search"
            | "menu"
            | "dir"
            | "listing"
    )
}

/// The output name of an attribute allowed on `element`.
fn allowed_attribute(element: &str, name: &str) -> Option<&'static str> {
    let list: &[&'static str] = match element {
        "a" => &["href", "title", "rel", "target"],
        "img" => &["src", "alt", "title", "width", "height"],
        "td" => &["colspan", "rowspan"],
        "th" => &["colspan", "rowspan", "scope"],
        "ol" => &["start", "reversed"],
        "abbr" => &["title"],
        "q" | "blockquote" => &["cite"],
        _ => &[],
    };
    list.iter().copied().find(|a| *a == name)
}

/// A cleaned attribute: its name and its value (`None` for a boolean attribute).
type CleanAttr = (&'static str, Option<String>);

/// The value to write for an allowed attribute, from its raw (undecoded) value; `None` when
/// the value is refused. The inner `None` marks a boolean attribute, written without value.
fn clean_value(attribute: &str, raw: &str) -> Option<Option<String>> {
    let value = decode_entities(raw);
    let trimmed = value.trim_matches(|c: char| c.is_ascii_whitespace());
    let digits = |max: usize| {
        (!trimmed.is_empty() && trimmed.len() <= max && trimmed.bytes().all(|b| b.is_ascii_digit()))
            .then_some(trimmed)
    };
    match attribute {
        "href" => clean_url(&value, true).map(Some),
        "src" | "cite" => clean_url(&value, false).map(Some),
        "title" | "alt" => Some(Some(clean_text_attribute(&value))),
        "width" | "height" => digits(5).map(|v| Some(v.to_owned())),
        "colspan" | "rowspan" => {
            let n: u32 = digits(3)?.parse().ok()?;
            (1..=100).contains(&n).then(|| Some(n.to_string()))
        }
        "scope" => {
            let v = trimmed.to_ascii_lowercase();
            matches!(v.as_str(), "row" | "col" | "rowgroup" | "colgroup").then_some(Some(v))
        }
        "start" => {
            let (negative, rest) = match trimmed.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, trimmed),
            };
            if rest.is_empty() || rest.len() > 9 || !rest.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let n: i64 = rest.parse().ok()?;
            Some(Some(if negative { -n } else { n }.to_string()))
        }
        "reversed" => Some(None),
        "rel" => Some(Some(clean_rel(&value, false))),
        "target" => trimmed
            .eq_ignore_ascii_case("_blank")
            .then(|| Some("_blank".to_owned())),
        _ => None,
    }
}

/// A URL that is relative or uses an allowed scheme, with control characters removed and
/// surrounding spaces trimmed; `None` when refused.
fn clean_url(value: &str, allow_mailto: bool) -> Option<String> {
    let url: String = value.chars().filter(|c| !c.is_ascii_control()).collect();
    let url = url.trim_matches(' ');
    if url.is_empty() {
        return None;
    }
    if let Some(i) = url.find([':', '/', '?', '#'])
        && url.as_bytes()[i] == b':'
    {
        let scheme = url[..i].to_ascii_lowercase();
        let allowed =
            matches!(scheme.as_str(), "http" | "https") || (allow_mailto && scheme == "mailto");
        if !allowed {
            return None;
        }
    }
    Some(url.to_owned())
}

/// A free-text attribute (`title`, `alt`): line breaks and tabs become spaces, other control
/// characters are removed.
fn clean_text_attribute(value: &str) -> String {
    value
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' | '\x0C' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// `rel` tokens: lower case, `[a-z0-9_-]` only, no repeats, at most 10; with `blank`,
/// `noopener` and `noreferrer` are added when missing.
fn clean_rel(value: &str, blank: bool) -> String {
    let mut tokens: Vec<String> = Vec::new();
    for token in value.split_ascii_whitespace() {
        if tokens.len() == 10 {
            break;
        }
        let token = token.to_ascii_lowercase();
        let valid = token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if valid && !tokens.contains(&token) {
            tokens.push(token);
        }
    }
    if blank {
        for needed in ["noopener", "noreferrer"] {
            if !tokens.iter().any(|t| t == needed) {
                tokens.push(needed.to_owned());
            }
        }
    }
    tokens.join(" ")
}

// ---------------------------------------------------------------------------------------
// Code fences and documents.

/// Removes markdown code fences around the whole text (repeatedly) and surrounding white space.
fn strip_fences(mut s: &str) -> &str {
    loop {
        s = s.trim();
        if let Some(rest) = leading_fence(s).or_else(|| trailing_fence(s)) {
            s = rest;
        } else {
            return s;
        }
    }
}

/// The text after an opening fence line (```` ```html ````), if `s` starts with one.
fn leading_fence(s: &str) -> Option<&str> {
    let ticks = s.bytes().take_while(|&b| b == b'`').count();
    if ticks < 3 {
        return None;
    }
    let rest = &s[ticks..];
    let info = rest
        .bytes()
        .take_while(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'.'))
        .count();
    let rest = rest[info..].trim_start_matches([' ', '\t']);
    if rest.is_empty() || rest.starts_with('<') {
        return Some(rest);
    }
    rest.strip_prefix('\n').or_else(|| rest.strip_prefix('\r'))
}

/// The text before a closing fence, if `s` ends with one on its own line or after a tag.
fn trailing_fence(s: &str) -> Option<&str> {
    let ticks = s.bytes().rev().take_while(|&b| b == b'`').count();
    if ticks < 3 {
        return None;
    }
    let rest = &s[..s.len() - ticks];
    let before = rest.trim_end_matches([' ', '\t']);
    (before.is_empty() || before.ends_with(['\n', '\r', '>'])).then_some(rest)
}

/// The tokens inside `<body>…</body>` when there is a body tag, else all of them.
fn body_tokens<'t, 'a>(tokens: &'t [Token<'a>]) -> &'t [Token<'a>] {
    let is_body = |t: &Token<'_>| matches!(t, Token::Start { name, .. } if name == "body");
    let Some(start) = tokens.iter().position(is_body) else {
        return tokens;
    };
    let rest = &tokens[start + 1..];
    let end = rest
        .iter()
        .rposition(|t| matches!(t, Token::End { name } if name == "body"))
        .unwrap_or(rest.len());
    &rest[..end]
}

// ---------------------------------------------------------------------------------------
// Character references.

/// A character reference at the start of a string.
enum Reference<'a> {
    /// `&name;` (the name without `&` and `;`).
    Named(&'a str),
    /// `&#…;` or `&#x…;`; `digits_end` is where the digits end, relative to the `&`.
    Numeric { value: u32, digits_end: usize },
}

/// Parses the character reference `s` starts with (`s` starts with `&`), returning it and its
/// length. Named references need their `;`; numeric ones do not (as in HTML5).
fn parse_reference(s: &str) -> Option<(Reference<'_>, usize)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let hex = matches!(b.get(2), Some(b'x' | b'X'));
        let (start, radix) = if hex { (3, 16) } else { (2, 10) };
        let mut i = start;
        let mut value: u32 = 0;
        while let Some(d) = b.get(i).and_then(|&c| char::from(c).to_digit(radix)) {
            value = value.saturating_mul(radix).saturating_add(d).min(0x11_0000);
            i += 1;
        }
        if i == start {
            return None;
        }
        let semicolon = usize::from(b.get(i) == Some(&b';'));
        return Some((
            Reference::Numeric {
                value,
                digits_end: i,
            },
            i + semicolon,
        ));
    }
    if !b.get(1).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let mut i = 2;
    while i < b.len() && i <= 33 && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    (b.get(i) == Some(&b';')).then(|| (Reference::Named(&s[1..i]), i + 1))
}

/// The character a numeric reference stands for (as an HTML5 parser reads it).
fn numeric_char(value: u32) -> char {
    const WINDOWS_1252: [u32; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    let value = match value {
        0 => 0xFFFD,
        0x80..=0x9F => WINDOWS_1252[(value - 0x80) as usize],
        v => v,
    };
    char::from_u32(value).unwrap_or('\u{FFFD}')
}

/// The character of a named reference, for the names models and editors commonly write.
/// Unknown names are left as they are.
fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "zwnj" => '\u{200C}',
        "zwj" => '\u{200D}',
        "lrm" => '\u{200E}',
        "rlm" => '\u{200F}',
        "shy" => '\u{AD}',
        "Tab" => '\t',
        "NewLine" => '\n',
        "excl" => '!',
        "num" => '#',
        "dollar" => '$',
        "percnt" => '%',
        "lpar" => '(',
        "rpar" => ')',
        "ast" | "midast" => '*',
        "plus" => '+',
        "comma" => ',',
        "period" => '.',
        "sol" => '/',
        "colon" => ':',
        "semi" => ';',
        "equals" => '=',
        "quest" => '?',
        "commat" => '@',
        "lsqb" | "lbrack" => '[',
        "bsol" => '\\',
        "rsqb" | "rbrack" => ']',
        "Hat" => '^',
        "lowbar" | "UnderBar" => '_',
        "grave" | "DiacriticalGrave" => '`',
        "lcub" | "lbrace" => '{',
        "verbar" | "vert" | "VerticalLine" => '|',
        "rcub" | "rbrace" => '}',
        "iexcl" => '¡',
        "cent" => '¢',
        "pound" => '£',
        "curren" => '¤',
        "yen" => '¥',
        "brvbar" => '¦',
        "sect" => '§',
        "uml" => '¨',
        "copy" | "COPY" => '©',
        "ordf" => 'ª',
        "laquo" => '«',
        "not" => '¬',
        "reg" | "REG" => '®',
        "macr" => '¯',
        "deg" => '°',
        "plusmn" => '±',
        "sup1" => '¹',
        "sup2" => '²',
        "sup3" => '³',
        "acute" => '´',
        "micro" => 'µ',
        "para" => '¶',
        "middot" => '·',
        "cedil" => '¸',
        "ordm" => 'º',
        "raquo" => '»',
        "frac14" => '¼',
        "frac12" | "half" => '½',
        "frac34" => '¾',
        "iquest" => '¿',
        "times" => '×',
        "divide" => '÷',
        "Agrave" => 'À',
        "Aacute" => 'Á',
        "Acirc" => 'Â',
        "Atilde" => 'Ã',
        "Auml" => 'Ä',
        "Aring" => 'Å',
        "AElig" => 'Æ',
        "Ccedil" => 'Ç',
        "Egrave" => 'È',
        "Eacute" => 'É',
        "Ecirc" => 'Ê',
        "Euml" => 'Ë',
        "Igrave" => 'Ì',
        "Iacute" => 'Í',
        "Icirc" => 'Î',
        "Iuml" => 'Ï',
        "ETH" => 'Ð',
        "Ntilde" => 'Ñ',
        "Ograve" => 'Ò',
        "Oacute" => 'Ó',
        "Ocirc" => 'Ô',
        "Otilde" => 'Õ',
        "Ouml" => 'Ö',
        "Oslash" => 'Ø',
        "Ugrave" => 'Ù',
        "Uacute" => 'Ú',
        "Ucirc" => 'Û',
        "Uuml" => 'Ü',
        "Yacute" => 'Ý',
        "THORN" => 'Þ',
        "szlig" => 'ß',
        "agrave" => 'à',
        "aacute" => 'á',
        "acirc" => 'â',
        "atilde" => 'ã',
        "auml" => 'ä',
        "aring" => 'å',
        "aelig" => 'æ',
        "ccedil" => 'ç',
        "egrave" => 'è',
        "eacute" => 'é',
        "ecirc" => 'ê',
        "euml" => 'ë',
        "igrave" => 'ì',
        "iacute" => 'í',
        "icirc" => 'î',
        "iuml" => 'ï',
        "eth" => 'ð',
        "ntilde" => 'ñ',
        "ograve" => 'ò',
        "oacute" => 'ó',
        "ocirc" => 'ô',
        "otilde" => 'õ',
        "ouml" => 'ö',
        "oslash" => 'ø',
        "ugrave" => 'ù',
        "uacute" => 'ú',
        "ucirc" => 'û',
        "uuml" => 'ü',
        "yacute" => 'ý',
        "thorn" => 'þ',
        "yuml" => 'ÿ',
        "OElig" => 'Œ',
        "oelig" => 'œ',
        "Scaron" => 'Š',
        "scaron" => 'š',
        "Yuml" => 'Ÿ',
        "fnof" => 'ƒ',
        "circ" => 'ˆ',
        "tilde" => '˜',
        "ndash" => '–',
        "mdash" => '—',
        "horbar" => '―',
        "lsquo" => '‘',
        "rsquo" | "rsquor" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" | "rdquor" => '”',
        "bdquo" => '„',
        "dagger" => '†',
        "Dagger" => '‡',
        "bull" | "bullet" => '•',
        "hellip" | "mldr" => '…',
        "permil" => '‰',
        "prime" => '′',
        "Prime" => '″',
        "lsaquo" => '‹',
        "rsaquo" => '›',
        "oline" => '‾',
        "frasl" => '⁄',
        "euro" => '€',
        "trade" | "TRADE" => '™',
        "larr" => '←',
        "uarr" => '↑',
        "rarr" => '→',
        "darr" => '↓',
        "harr" => '↔',
        "lArr" => '⇐',
        "rArr" => '⇒',
        "hArr" => '⇔',
        "minus" => '−',
        "radic" => '√',
        "infin" => '∞',
        "asymp" => '≈',
        "ne" => '≠',
        "le" => '≤',
        "ge" => '≥',
        "check" | "checkmark" => '✓',
        "cross" => '✗',
        "star" => '☆',
        "starf" | "bigstar" => '★',
        "spades" => '♠',
        "clubs" => '♣',
        "hearts" => '♥',
        "diams" => '♦',
        "alpha" => 'α',
        "beta" => 'β',
        "gamma" => 'γ',
        "delta" => 'δ',
        "pi" => 'π',
        "mu" => 'μ',
        "sigma" => 'σ',
        "omega" => 'ω',
        "Delta" => 'Δ',
        "Omega" => 'Ω',
        _ => return None,
    })
}

/// `s` with its character references decoded (unknown named references are kept as written).
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        match parse_reference(tail) {
            Some((Reference::Named(name), len)) => {
                match named_entity(name) {
                    Some(c) => out.push(c),
                    None => out.push_str(&tail[..len]),
                }
                rest = &tail[len..];
            }
            Some((Reference::Numeric { value, .. }, len)) => {
                out.push(numeric_char(value));
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Appends text, escaping `<`, `>` and every `&` that does not start a character reference;
/// references are kept as written (numeric ones get their `;`), control characters other
/// than tab and line breaks are removed.
fn push_text(out: &mut String, s: &str) {
    let mut skip_to = 0;
    for (i, c) in s.char_indices() {
        if i < skip_to {
            continue;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => match parse_reference(&s[i..]) {
                Some((Reference::Named(_), len)) => {
                    out.push_str(&s[i..i + len]);
                    skip_to = i + len;
                }
                Some((Reference::Numeric { digits_end, .. }, len)) => {
                    out.push_str(&s[i..i + digits_end]);
                    out.push(';');
                    skip_to = i + len;
                }
                None => out.push_str("&amp;"),
            },
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// Appends an attribute value, escaped for a double-quoted attribute.
fn push_attribute_value(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Tokenizer.

#[derive(Debug)]
enum Token<'a> {
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
struct Attr<'a> {
    /// Lower case.
    name: String,
    /// Undecoded; `None` when the attribute has no `=`.
    value: Option<&'a str>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C')
}

fn find_byte(hay: &[u8], from: usize, byte: u8) -> Option<usize> {
    hay.get(from..)?
        .iter()
        .position(|&b| b == byte)
        .map(|i| i + from)
}

fn find_bytes(hay: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|i| i + from)
}

/// Splits HTML into tokens. Every position it slices at is next to an ASCII byte, so slices
/// always fall on character boundaries.
struct Tokenizer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Tokenizer<'a> {
    fn new(src: &'a str) -> Self {
        Self { src, pos: 0 }
    }

    /// The end of a tag name starting at `i`.
    fn name_end(&self, mut i: usize) -> usize {
        let b = self.src.as_bytes();
        while i < b.len() && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
            i += 1;
        }
        i
    }

    /// Reads attributes from `i` to the end of the tag: the attributes, whether the tag ends
    /// with `/>`, and the position after `>`. `None` when the input ends inside the tag.
    fn attributes(&self, mut i: usize) -> Option<(Vec<Attr<'a>>, bool, usize)> {
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

    fn start_tag(&mut self) -> Token<'a> {
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
    fn skip_raw_text(&mut self, name: &str) {
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

    fn end_tag(&mut self) -> Token<'a> {
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
    fn comment(&mut self) -> Token<'a> {
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
    fn skip_past(&mut self, from: usize, pat: &[u8]) -> Token<'a> {
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

// ---------------------------------------------------------------------------------------
// Tree builder.

/// An element open in the output.
struct Open {
    name: &'static str,
    /// Where its start tag begins in the output (to take back an empty paragraph).
    start: usize,
    /// Whether it holds an element or text other than white space.
    content: bool,
}

#[derive(Default)]
struct Builder {
    out: String,
    stack: Vec<Open>,
    removed_elements: usize,
    removed_attributes: usize,
    /// Inside a removed element: its name and how many of them are open.
    skip: Option<(String, usize)>,
    /// Inside `<head>`.
    in_head: bool,
}

impl Builder {
    fn token(&mut self, token: &Token<'_>) {
        if let Some((skipped, depth)) = self.skip.as_mut() {
            match token {
                Token::Start {
                    name,
                    self_closing: false,
                    ..
                } if name == skipped => *depth += 1,
                Token::End { name } if name == skipped => *depth -= 1,
                _ => {}
            }
            if *depth == 0 {
                self.skip = None;
            }
            return;
        }
        if self.in_head {
            match token {
                Token::End { name } if name == "head" => {
                    self.in_head = false;
                    return;
                }
                Token::Start { name, .. } if !is_head_content(name) => self.in_head = false,
                Token::Text(t) if !t.bytes().all(is_space) => self.in_head = false,
                Token::Text(_) | Token::End { .. } => return,
                _ => {}
            }
        }
        match token {
            Token::Text(t) => self.text(t),
            Token::Start {
                name,
                attrs,
                self_closing,
            } => self.start(name, attrs, *self_closing),
            Token::End { name } => self.end(name),
            Token::Raw => self.removed_elements += 1,
            Token::Other => {}
        }
    }

    fn finish(mut self) -> Sanitized {
        while !self.stack.is_empty() {
            self.pop();
        }
        Sanitized {
            html: strip_fences(&self.out).to_owned(),
            removed_elements: self.removed_elements,
            removed_attributes: self.removed_attributes,
        }
    }

    fn top(&self) -> Option<&'static str> {
        self.stack.last().map(|open| open.name)
    }

    fn mark_content(&mut self) {
        if let Some(open) = self.stack.last_mut() {
            open.content = true;
        }
    }

    /// Writes a start tag, and opens the element unless it is void.
    fn open(&mut self, name: &'static str, attrs: &[CleanAttr]) {
        self.mark_content();
        let start = self.out.len();
        self.out.push('<');
        self.out.push_str(name);
        for (attr, value) in attrs {
            self.out.push(' ');
            self.out.push_str(attr);
            if let Some(value) = value {
                self.out.push_str("=\"");
                push_attribute_value(&mut self.out, value);
                self.out.push('"');
            }
        }
        self.out.push('>');
        if !is_void(name) {
            self.stack.push(Open {
                name,
                start,
                content: false,
            });
        }
    }

    /// Closes the innermost open element; an empty paragraph is taken back instead.
    fn pop(&mut self) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        if open.name == "p" && !open.content {
            self.out.truncate(open.start);
            self.removed_elements += 1;
        } else {
            self.out.push_str("</");
            self.out.push_str(open.name);
            self.out.push('>');
        }
    }

    /// Closes open elements down to and including the one at `index`.
    fn pop_to(&mut self, index: usize) {
        while self.stack.len() > index {
            self.pop();
        }
    }

    /// The innermost open element matching `want`, searching no further than `stop`.
    fn find(&self, want: impl Fn(&str) -> bool, stop: impl Fn(&str) -> bool) -> Option<usize> {
        for (i, open) in self.stack.iter().enumerate().rev() {
            if want(open.name) {
                return Some(i);
            }
            if stop(open.name) {
                return None;
            }
        }
        None
    }

    fn in_scope(&self, want: impl Fn(&str) -> bool) -> Option<usize> {
        self.find(want, is_scope_boundary)
    }

    fn close_p(&mut self) {
        if let Some(i) = self.in_scope(|n| n == "p") {
            self.pop_to(i);
        }
    }

    /// Closes an open list item (`li`, or `dt`/`dd`) unless a block lies in between.
    fn close_item(&mut self, items: &[&str]) {
        if let Some(i) = self.find(|n| items.contains(&n), |n| !(is_inline(n) || n == "p")) {
            self.pop_to(i);
        }
    }

    /// A line break where an unwrapped block container was, unless white space is there.
    fn separate(&mut self) {
        if self
            .out
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_whitespace())
        {
            self.out.push('\n');
        }
    }

    /// Makes room for content when a table, table section or row is the current element, by
    /// opening a row and a cell as needed. `own` is how many elements the content opens
    /// itself; false when that would go deeper than [`MAX_DEPTH`].
    fn ensure_cell(&mut self, own: usize) -> bool {
        let wrappers = match self.top() {
            Some("tr") => 1,
            Some(top) if is_table_body(top) => 2,
            _ => 0,
        };
        if self.stack.len() + wrappers + own > MAX_DEPTH {
            return false;
        }
        if wrappers == 2 {
            self.open("tr", &[]);
        }
        if wrappers >= 1 {
            self.open("td", &[]);
        }
        true
    }

    fn text(&mut self, raw: &str) {
        let mut text = String::with_capacity(raw.len());
        push_text(&mut text, raw);
        if text.is_empty() {
            return;
        }
        let decoded = decode_entities(&text);
        if !decoded.bytes().all(is_space) && !self.ensure_cell(0) {
            return;
        }
        if !decoded.chars().all(char::is_whitespace) {
            self.mark_content();
        }
        self.out.push_str(&text);
    }

    /// The allowed attributes of `element`, cleaned; `None` for an image without a usable
    /// `src`, which is removed.
    fn clean_attrs(&mut self, element: &str, attrs: &[Attr<'_>]) -> Option<Vec<CleanAttr>> {
        let mut kept: Vec<CleanAttr> = Vec::new();
        let mut seen: Vec<&'static str> = Vec::new();
        for attr in attrs {
            // The first of repeated attributes counts, as in browsers.
            let Some(name) = allowed_attribute(element, &attr.name).filter(|n| !seen.contains(n))
            else {
                self.removed_attributes += 1;
                continue;
            };
            seen.push(name);
            match clean_value(name, attr.value.unwrap_or("")) {
                Some(value) => kept.push((name, value)),
                None => self.removed_attributes += 1,
            }
        }
        if element == "a" {
            let blank = kept.iter().any(|(n, _)| *n == "target");
            match kept.iter().position(|(n, _)| *n == "rel") {
                Some(i) => {
                    let rel = clean_rel(kept[i].1.as_deref().unwrap_or(""), blank);
                    if rel.is_empty() {
                        kept.remove(i);
                        self.removed_attributes += 1;
                    } else {
                        kept[i].1 = Some(rel);
                    }
                }
                None if blank => kept.push(("rel", Some(clean_rel("", true)))),
                None => {}
            }
        }
        if element == "img" && !kept.iter().any(|(n, _)| *n == "src") {
            return None;
        }
        Some(kept)
    }

    fn start(&mut self, name: &str, attrs: &[Attr<'_>], self_closing: bool) {
        if is_dropped(name) {
            self.removed_elements += 1;
            if name == "head" {
                self.in_head = true;
            } else if !self_closing && !is_void_dropped(name) {
                self.skip = Some((name.to_owned(), 1));
            }
            return;
        }
        let Some(element) = allowed(name) else {
            self.removed_elements += 1;
            if is_container(name) {
                self.close_p();
                self.separate();
            }
            return;
        };
        let Some(attrs) = self.clean_attrs(element, attrs) else {
            self.removed_elements += 1;
            return;
        };
        let opened = match element {
            "td" | "th" => {
                self.start_table_part(element, &attrs, &["tr", "table", "thead", "tbody", "tfoot"])
            }
            "tr" => self.start_table_part(element, &attrs, &["table", "thead", "tbody", "tfoot"]),
            "thead" | "tbody" | "tfoot" | "caption" => {
                self.start_table_part(element, &attrs, &["table"])
            }
            _ => self.start_flow(element, &attrs),
        };
        if !opened {
            self.removed_elements += 1;
        }
    }

    /// Opens a table part (cell, row, section, caption): closes what is open in the
    /// innermost table down to its nearest possible `parent`, opening a row first for a cell
    /// outside one. False (the tag is unwrapped) outside a table or too deep.
    fn start_table_part(
        &mut self,
        element: &'static str,
        attrs: &[CleanAttr],
        parents: &[&str],
    ) -> bool {
        let Some(context) = self.find(is_table_part, |_| false) else {
            return false;
        };
        let Some(parent) = self.stack[..=context]
            .iter()
            .rposition(|open| parents.contains(&open.name))
        else {
            return false;
        };
        self.pop_to(parent + 1);
        let row = matches!(element, "td" | "th") && self.stack[parent].name != "tr";
        if self.stack.len() + 1 + usize::from(row) > MAX_DEPTH {
            return false;
        }
        if row {
            self.open("tr", &[]);
        }
        self.open(element, attrs);
        true
    }

    /// Opens any element but a table part. False (the tag is unwrapped) when too deep.
    fn start_flow(&mut self, element: &'static str, attrs: &[CleanAttr]) -> bool {
        if closes_p(element) {
            self.close_p();
        }
        match element {
            "li" => self.close_item(&["li"]),
            "dt" | "dd" => self.close_item(&["dt", "dd"]),
            "a" => {
                if let Some(i) = self.in_scope(|n| n == "a") {
                    self.pop_to(i);
                }
            }
            // A heading directly inside a heading closes it, as in HTML5.
            _ if is_heading(element) && self.top().is_some_and(is_heading) => self.pop(),
            _ => {}
        }
        if !self.ensure_cell(usize::from(!is_void(element))) {
            return false;
        }
        self.open(element, attrs);
        true
    }

    fn end(&mut self, name: &str) {
        if is_container(name) {
            self.close_p();
            self.separate();
            return;
        }
        let Some(element) = allowed(name) else {
            return;
        };
        let found = if is_void(element) {
            None
        } else if is_heading(element) {
            self.in_scope(is_heading)
        } else if element == "li" {
            self.find(
                |n| n == "li",
                |n| is_scope_boundary(n) || matches!(n, "ul" | "ol"),
            )
        } else if element == "table" {
            self.find(|n| n == "table", |_| false)
        } else if is_table_part(element) {
            self.find(|n| n == element, |n| n == "table")
        } else {
            self.in_scope(|n| n == element)
        };
        if let Some(i) = found {
            self.pop_to(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(input: &str) -> String {
        sanitize_html(input)
    }

    /// Checks the output's shape: only allowed tags and attributes, safe URLs, every tag
    /// balanced, nothing but text between tags, every `&` a character reference.
    fn assert_well_formed(html: &str) {
        let mut stack: Vec<String> = Vec::new();
        for token in Tokenizer::new(html) {
            match token {
                Token::Start { name, attrs, .. } => {
                    assert_eq!(
                        allowed(&name),
                        Some(name.as_str()),
                        "tag {name} in {html:?}"
                    );
                    for attr in &attrs {
                        assert!(
                            allowed_attribute(&name, &attr.name).is_some(),
                            "attribute {} on {name} in {html:?}",
                            attr.name
                        );
                        assert!(!attr.name.starts_with("on"), "{html:?}");
                        let value = decode_entities(attr.value.unwrap_or(""));
                        if matches!(attr.name.as_str(), "href" | "src" | "cite") {
                            let url: String = value
                                .chars()
                                .filter(|c| !c.is_ascii_control())
                                .collect::<String>()
                                .trim()
                                .to_ascii_lowercase();
                            assert!(!url.starts_with("javascript:"), "{html:?}");
                            assert!(!url.starts_with("data:"), "{html:?}");
                            if let Some(i) = url.find([':', '/', '?', '#'])
                                && url.as_bytes()[i] == b':'
                            {
                                let scheme = &url[..i];
                                assert!(
                                    ["http", "https", "mailto"].contains(&scheme),
                                    "scheme {scheme} in {html:?}"
                                );
                            }
                        }
                    }
                    if !is_void(&name) {
                        stack.push(name);
                    }
                }
                Token::End { name } => {
                    assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "in {html:?}");
                }
                Token::Text(text) => {
                    assert!(!text.contains('>'), "raw > in {html:?}");
                    for (i, _) in text.match_indices('&') {
                        let reference = parse_reference(&text[i..]);
                        let terminated =
                            reference.is_some_and(|(_, len)| text[..i + len].ends_with(';'));
                        assert!(terminated, "bare & in {html:?}");
                    }
                }
                Token::Raw | Token::Other => panic!("comment or raw text in {html:?}"),
            }
        }
        assert!(stack.is_empty(), "unclosed {stack:?} in {html:?}");
        assert!(stack.len() <= MAX_DEPTH);
        assert!(!html.to_ascii_lowercase().contains("<script"), "{html:?}");
    }

    fn assert_stable(input: &str) {
        let once = clean(input);
        assert_well_formed(&once);
        let twice = clean(&once);
        assert_eq!(once, twice, "not idempotent for {input:?}");
    }

    #[test]
    fn good_html_is_unchanged() {
        let good =
            "<h2>Title</h2><p>Hello <strong>world</strong> &amp; friends.</p><ul><li>a</li></ul>";
        assert_eq!(clean(good), good);
        let good = "<h2>Intro</h2>\n<p>Caf&eacute; &#8212; <em>caf\u{e9}</em> &lt;tag&gt; 5 &gt; 3</p>\n\
                    <ol start=\"3\" reversed><li><a href=\"https://example.com/a?b=1&amp;c=2\" title=\"T\">x</a></li></ol>\n\
                    <table><thead><tr><th scope=\"col\">A</th></tr></thead><tbody><tr><td colspan=\"2\">1</td></tr></tbody></table>\n\
                    <figure><img src=\"/i.png\" alt=\"An image\" width=\"640\" height=\"480\"><figcaption>Cap</figcaption></figure>\n\
                    <blockquote cite=\"https://example.com\"><p>Quote</p></blockquote><pre><code>let x = 1;</code></pre>";
        assert_eq!(clean(good), good);
        let result = sanitize(good);
        assert_eq!((result.removed_elements, result.removed_attributes), (0, 0));
    }

    #[test]
    fn script_tags_in_every_case_are_removed_with_content() {
        for input in [
            "<script>alert(1)</script><p>ok</p>",
            "<SCRIPT>alert(1)</SCRIPT><p>ok</p>",
            "<ScRiPt>alert(1)</sCrIpT><p>ok</p>",
            "<script type=\"text/javascript\">if (a < b) { x = '</p>'; }</script ><p>ok</p>",
            "<script\n>alert(1)</script\t><p>ok</p>",
            "<script/src=//evil.js></script><p>ok</p>",
            "<script>document.write('<p>no</p>')</script><p>ok</p>",
        ] {
            let result = sanitize(input);
            assert_eq!(result.html, "<p>ok</p>", "{input}");
            assert_eq!(result.removed_elements, 1, "{input}");
        }
        assert_eq!(clean("<p>a</p><script>alert(1)"), "<p>a</p>");
        assert_eq!(clean("<p>a<script"), "<p>a</p>");
    }

    #[test]
    fn event_handlers_and_other_attributes_are_dropped() {
        let result = sanitize("<img src=x onerror=alert(1)>");
        assert_eq!(result.html, "<img src=\"x\">");
        assert_eq!(result.removed_attributes, 1);
        assert_eq!(
            clean("<p style=\"color:red\" class=a id=b onclick=\"x()\" data-x=1>t</p>"),
            "<p>t</p>"
        );
        assert_eq!(
            clean("<a href=/a ONMOUSEOVER='alert(1)' formaction=x>t</a>"),
            "<a href=\"/a\">t</a>"
        );
        assert_eq!(
            clean("<svg onload=alert(1)><circle/></svg><p>x</p>"),
            "<p>x</p>"
        );
        assert_eq!(clean("<svg/onload=alert(1)><p>x</p>"), "");
        assert_eq!(
            clean("<math><mi xlink:href=javascript:alert(1)>x</mi></math>y"),
            "y"
        );
        assert_eq!(
            clean("<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>ok"),
            "ok"
        );
        assert_eq!(clean("<iframe src=javascript:alert(1)>"), "");
        assert_eq!(
            clean("<style>p{background:url(javascript:alert(1))}</style>ok"),
            "ok"
        );
        assert_eq!(
            clean("<object data=x.swf><embed src=x.swf></object>ok"),
            "ok"
        );
        assert_eq!(
            clean("<form><button formaction=javascript:alert(1)>b</button></form>ok"),
            "ok"
        );
        assert_eq!(clean("<b onclick=alert(1)>x</b>"), "<b>x</b>");
    }

    #[test]
    fn dangerous_urls_are_refused() {
        for href in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "  javascript:alert(1)",
            "java&#x09;script:alert(1)",
            "java&#9;script:alert(1)",
            "java&Tab;script:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "&#106;avascript:alert(1)",
            "&#106avascript:alert(1)",
            "&#x6A;avascript:alert(1)",
            "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
            "javascript&colon;alert(1)",
            "&#x01;javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "DATA:text/html,x",
            "\u{a0}javascript:alert(1)",
            "",
            "   ",
        ] {
            for quoted in [format!("\"{href}\""), format!("'{href}'")] {
                let input = format!("<a href={quoted} title=t>click</a>");
                let result = sanitize(&input);
                assert_eq!(result.html, "<a title=\"t\">click</a>", "{input:?}");
                assert_eq!(result.removed_attributes, 1, "{input:?}");
            }
        }
        assert_eq!(clean("<a href=javascript:alert(1)>x</a>"), "<a>x</a>");
        assert_eq!(clean("<a href>x</a>"), "<a>x</a>");
        // Images without a usable source are removed.
        for input in [
            "<img src=\"javascript:alert(1)\">",
            "<img src=\"data:image/png;base64,AAAA\">",
            "<img src=\"mailto:a@b.c\">",
            "<img>",
            "<img src>",
            "<img alt=\"x\" src=\" \">",
        ] {
            let result = sanitize(input);
            assert_eq!(result.html, "", "{input}");
            assert_eq!(result.removed_elements, 1, "{input}");
        }
        assert_eq!(clean("<q cite=\"javascript:x\">q</q>"), "<q>q</q>");
        assert_eq!(
            clean("<blockquote cite=\"mailto:a@b.c\">q</blockquote>"),
            "<blockquote>q</blockquote>"
        );
    }

    #[test]
    fn safe_urls_are_kept() {
        for (href, out) in [
            ("https://example.com/", "https://example.com/"),
            ("HTTP://example.com/", "HTTP://example.com/"),
            ("mailto:hello@example.com", "mailto:hello@example.com"),
            ("/path/to", "/path/to"),
            ("#frag", "#frag"),
            ("page.html", "page.html"),
            ("?q=1&amp;r=2", "?q=1&amp;r=2"),
            ("?q=1&r=2", "?q=1&amp;r=2"),
            ("//cdn.example.com/x", "//cdn.example.com/x"),
            ("/a:b", "/a:b"),
            (" https://example.com/\n", "https://example.com/"),
            (
                "https://example.com/?\"x\"",
                "https://example.com/?&quot;x&quot;",
            ),
        ] {
            assert_eq!(
                clean(&format!("<a href='{href}'>x</a>")),
                format!("<a href=\"{out}\">x</a>")
            );
        }
        assert_eq!(
            clean("<img src=https://example.com/a.png>"),
            "<img src=\"https://example.com/a.png\">"
        );
    }

    #[test]
    fn attribute_quoting_styles() {
        assert_eq!(
            clean("<a href=/x title=hello>t</a>"),
            "<a href=\"/x\" title=\"hello\">t</a>"
        );
        assert_eq!(
            clean("<a href='/x' title='say \"hi\"'>t</a>"),
            "<a href=\"/x\" title=\"say &quot;hi&quot;\">t</a>"
        );
        assert_eq!(clean("<a title>t</a>"), "<a title=\"\">t</a>");
        assert_eq!(
            clean("<a title = 'a<b>c' >t</a>"),
            "<a title=\"a&lt;b&gt;c\">t</a>"
        );
        assert_eq!(
            clean("<a href=\"/x\"title=y>t</a>"),
            "<a href=\"/x\" title=\"y\">t</a>"
        );
        assert_eq!(
            clean("<a href=\"/first\" href=\"javascript:x\">t</a>"),
            "<a href=\"/first\">t</a>"
        );
        assert_eq!(
            clean("<ol reversed=reversed start=' 05 '><li>x</li></ol>"),
            "<ol reversed start=\"5\"><li>x</li></ol>"
        );
        assert_eq!(clean("<ol start=x><li>x</li></ol>"), "<ol><li>x</li></ol>");
        assert_eq!(
            clean("<img src=a.png width=100px height=\"50\">"),
            "<img src=\"a.png\" height=\"50\">"
        );
        assert_eq!(
            clean(
                "<table><tr><td colspan=0 rowspan=3>a</td><th colspan=101 scope=ROW>b</th></tr></table>"
            ),
            "<table><tr><td rowspan=\"3\">a</td><th scope=\"row\">b</th></tr></table>"
        );
        assert_eq!(
            clean("<abbr title=\"HyperText\" class=x>HTML</abbr>"),
            "<abbr title=\"HyperText\">HTML</abbr>"
        );
        assert_eq!(
            clean("<img src=a alt=\"line\nbreak\">"),
            "<img src=\"a\" alt=\"line break\">"
        );
        // A quote that never closes takes the rest of the input with it, as in browsers.
        assert_eq!(clean("<p>a</p><a href=\"/x>t</a><p>b</p>"), "<p>a</p>");
    }

    #[test]
    fn target_blank_gets_noopener() {
        assert_eq!(
            clean("<a href=\"https://x.com\" target=\"_blank\">x</a>"),
            "<a href=\"https://x.com\" target=\"_blank\" rel=\"noopener noreferrer\">x</a>"
        );
        assert_eq!(
            clean("<a rel=\"NoFollow nofollow bad!token\" target=_BLANK href=/x>x</a>"),
            "<a rel=\"nofollow noopener noreferrer\" target=\"_blank\" href=\"/x\">x</a>"
        );
        assert_eq!(
            clean("<a href=/x target=_top>x</a>"),
            "<a href=\"/x\">x</a>"
        );
        assert_eq!(clean("<a href=/x rel=\"\">x</a>"), "<a href=\"/x\">x</a>");
        assert_eq!(
            clean("<a href=/x rel=\"sponsored\">x</a>"),
            "<a href=\"/x\" rel=\"sponsored\">x</a>"
        );
    }

    #[test]
    fn tokenizer_tricks() {
        // `scr<script` is one (unknown) tag name, as in browsers.
        assert_eq!(
            clean("<scr<script>ipt>alert(1)</script>"),
            "ipt&gt;alert(1)"
        );
        assert_eq!(
            clean("<scr<script>ipt>alert(1)</script>x"),
            "ipt&gt;alert(1)x"
        );
        assert_eq!(clean("<scr<b>ipt>alert(1)</b>"), "ipt&gt;alert(1)");
        assert_eq!(clean("<<script>script>alert(1)</script>"), "&lt;");
        assert_eq!(clean("<<b>x</b>"), "&lt;<b>x</b>");
        assert_eq!(clean("<!-- <script>alert(1)</script> -->ok"), "ok");
        assert_eq!(clean("<!--> <b>x</b>"), "<b>x</b>");
        assert_eq!(clean("<!--x--!><b>y</b>"), "<b>y</b>");
        assert_eq!(clean("<!--unterminated <b>x</b>"), "");
        assert_eq!(clean("<![CDATA[<script>alert(1)</script>]]>ok"), "ok");
        assert_eq!(clean("<?xml version=\"1.0\"?>ok"), "ok");
        assert_eq!(clean("<!DOCTYPE html>ok"), "ok");
        assert_eq!(clean("a < b > c & d"), "a &lt; b &gt; c &amp; d");
        assert_eq!(clean("a</>b</ x>c<3"), "abc&lt;3");
        assert_eq!(clean("x</"), "x&lt;/");
        assert_eq!(clean("<b>x</b"), "<b>x</b>");
        assert_eq!(clean("<p>x</p foo=\">\">y"), "<p>x</p>y");
        assert_eq!(
            clean("<textarea><script>alert(1)</script></textarea>ok"),
            "ok"
        );
        assert_eq!(clean("<title></title><script>alert(1)</script>ok"), "ok");
        assert_eq!(
            clean("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>"),
            "<img src=\"x\">\"&gt;"
        );
        assert_eq!(clean("<p>\u{0}nul\u{7}</p>"), "<p>nul</p>");
        assert_eq!(clean("<img src=x onerror=alert(1)//"), "");
    }

    #[test]
    fn entities_in_text() {
        assert_eq!(
            clean("&amp; &lt; &gt; &quot; &nbsp; &eacute; &Alpha; &#169; &#xA9;"),
            "&amp; &lt; &gt; &quot; &nbsp; &eacute; &Alpha; &#169; &#xA9;"
        );
        assert_eq!(
            clean("AT&T &amp &#169 &# &x;"),
            "AT&amp;T &amp;amp &#169; &amp;# &x;"
        );
        assert_eq!(clean("&#60;script&#62;"), "&#60;script&#62;");
    }

    #[test]
    fn unclosed_and_stray_tags() {
        assert_eq!(
            clean("<p>Hello <strong>world"),
            "<p>Hello <strong>world</strong></p>"
        );
        assert_eq!(clean("</p></div></strong>text</em>"), "text");
        assert_eq!(clean("<b><i>x</b>y</i>"), "<b><i>x</i></b>y");
        assert_eq!(
            clean("<ul><li>a<li>b</ul>"),
            "<ul><li>a</li><li>b</li></ul>"
        );
        assert_eq!(
            clean("<dl><dt>t<dd>d<dt>u</dl>"),
            "<dl><dt>t</dt><dd>d</dd><dt>u</dt></dl>"
        );
        assert_eq!(clean("<h2>Title</h3><p>text"), "<h2>Title</h2><p>text</p>");
        assert_eq!(clean("<h2>a<h3>b"), "<h2>a</h2><h3>b</h3>");
        assert_eq!(clean("<br/><br></br><hr/>"), "<br><br><hr>");
        assert_eq!(
            clean("<a href=/1>one<a href=/2>two</a>"),
            "<a href=\"/1\">one</a><a href=\"/2\">two</a>"
        );
    }

    #[test]
    fn paragraphs() {
        assert_eq!(clean("<p>one<p>two"), "<p>one</p><p>two</p>");
        assert_eq!(clean("<p>a<b>b<p>c"), "<p>a<b>b</b></p><p>c</p>");
        assert_eq!(
            clean("<p>text<ul><li>x</li></ul>more</p>"),
            "<p>text</p><ul><li>x</li></ul>more"
        );
        assert_eq!(clean("<p>a<h2>b</h2>"), "<p>a</p><h2>b</h2>");
        assert_eq!(
            clean("<p>a<table><tr><td>b</td></tr></table>"),
            "<p>a</p><table><tr><td>b</td></tr></table>"
        );
        assert_eq!(clean("<p>a<hr>b"), "<p>a</p><hr>b");
        let result = sanitize("<p></p><p> \n </p><p>&nbsp;</p><p>x</p><p><br></p>");
        assert_eq!(result.html, "<p>x</p><p><br></p>");
        assert_eq!(result.removed_elements, 3);
        assert_eq!(clean("<p><img src=javascript:x></p>"), "");
        assert_eq!(clean("<p>a<div>b</div>c</p>"), "<p>a</p>\nb\nc");
        assert_eq!(clean("<div>Hello</div><div>World</div>"), "Hello\nWorld");
        assert_eq!(
            clean("<section><p>a</p></section><article><p>b</p></article>"),
            "<p>a</p>\n<p>b</p>"
        );
    }

    #[test]
    fn nested_lists() {
        let good = "<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li><li>d</li></ul>";
        assert_eq!(clean(good), good);
        assert_eq!(
            clean("<ul><li>a<ul><li>b</ul><li>c</ul>"),
            "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>"
        );
        assert_eq!(
            clean("<ul><li>a<ol></li>x</ol></ul>"),
            "<ul><li>a<ol>x</ol></li></ul>"
        );
    }

    #[test]
    fn tables() {
        assert_eq!(
            clean("<table><tr><td>a<td>b<tr><td>c</table>"),
            "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
        );
        assert_eq!(
            clean("<table><td>a</td></table>"),
            "<table><tr><td>a</td></tr></table>"
        );
        assert_eq!(
            clean("<table>text</table>"),
            "<table><tr><td>text</td></tr></table>"
        );
        assert_eq!(
            clean("<table>\n<tr>\n<td>a</td>\n</tr>\n</table>"),
            "<table>\n<tr>\n<td>a</td>\n</tr>\n</table>"
        );
        assert_eq!(
            clean("<table><caption>C<tr><td>a</td></tr><tbody><tr><td>b</table>"),
            "<table><caption>C</caption><tr><td>a</td></tr><tbody><tr><td>b</td></tr></tbody></table>"
        );
        assert_eq!(clean("<td>a</td><tr>b</tr>"), "ab");
        assert_eq!(
            clean("<table><tr><td><table><tr><td>in</td></tr></table>out</td></tr></table>"),
            "<table><tr><td><table><tr><td>in</td></tr></table>out</td></tr></table>"
        );
        assert_eq!(
            clean("<table><tr><td><p>a</td><td>b</td></tr></table>"),
            "<table><tr><td><p>a</p></td><td>b</td></tr></table>"
        );
        assert_eq!(
            clean("<table><p>x</p></table>"),
            "<table><tr><td><p>x</p></td></tr></table>"
        );
        assert_eq!(
            clean("<table><tr><td>a</td></tr></p></table>"),
            "<table><tr><td>a</td></tr></table>"
        );
    }

    #[test]
    fn code_fences() {
        assert_eq!(clean("```html\n<p>x</p>\n```"), "<p>x</p>");
        assert_eq!(clean("  ```HTML  \r\n<p>x\n```\n"), "<p>x</p>");
        assert_eq!(clean("```\n<p>x</p>```"), "<p>x</p>");
        assert_eq!(clean("```html<p>x</p>```"), "<p>x</p>");
        assert_eq!(clean("```html\n```html\n<p>x</p>\n```\n```"), "<p>x</p>");
        assert_eq!(clean("<!-- -->```html\n<p>x</p>\n```"), "<p>x</p>");
        assert_eq!(
            clean("<p>Use ```code``` here</p>"),
            "<p>Use ```code``` here</p>"
        );
        assert_eq!(
            clean("<pre><code>```\nx\n```</code></pre>"),
            "<pre><code>```\nx\n```</code></pre>"
        );
    }

    #[test]
    fn full_documents() {
        let doc = "```html\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
                   <title>My post</title>\n<style>body { color: red }</style>\n\
                   <script>alert(1)</script>\n</head>\n<body class=\"post\" onload=\"alert(1)\">\n\
                   <h1>Title</h1>\n<p>Body text.</p>\n</body>\n</html>\n```";
        assert_eq!(clean(doc), "<h2>Title</h2>\n<p>Body text.</p>");
        assert_eq!(
            clean("<html><head><title>T</title></head><p>x</p></html>"),
            "<p>x</p>"
        );
        assert_eq!(clean("<html><head><title>T</title><p>x</p>"), "<p>x</p>");
        assert_eq!(clean("<head><meta name=x>text"), "text");
        assert_eq!(clean("<body><p>x</p></body><p>after</p>"), "<p>x</p>");
    }

    #[test]
    fn h1_becomes_h2() {
        assert_eq!(
            clean("<h1 class=t>Title</h1><p>x</p>"),
            "<h2>Title</h2><p>x</p>"
        );
        assert_eq!(clean("<H1>Title</H1>"), "<h2>Title</h2>");
    }

    #[test]
    fn deep_nesting_is_capped() {
        let n = 5_000;
        let input = format!("{}x{}", "<b>".repeat(n), "</b>".repeat(n));
        let out = clean(&input);
        assert_eq!(out.matches("<b>").count(), MAX_DEPTH);
        assert_stable(&input);
        let input = "<div><ul><li><table><tr><td>".repeat(n);
        assert_stable(&input);
        let input = "<table>".repeat(n) + "x";
        assert_stable(&input);
        assert_stable(&"<p><span>".repeat(n));
        assert_stable(&"<svg>".repeat(n));
    }

    #[test]
    fn large_input_is_linear() {
        // Patterns that would be quadratic with naive rescanning.
        let inputs = [
            "<a ".repeat(50_000),
            "<p a a a a a a a a a a ".repeat(20_000),
            "<!--".repeat(50_000),
            "&#".repeat(100_000),
            "<script>".to_owned() + &"</scrip".repeat(50_000),
            "<a rel=\"".to_owned() + &"x ".repeat(100_000) + "\">",
            "</li><li>".repeat(50_000),
            "<td>".repeat(50_000),
        ];
        let start = std::time::Instant::now();
        for input in &inputs {
            assert_stable(input);
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }

    const NASTY: &[&str] = &[
        "",
        "   ",
        "```",
        "``````",
        "```html",
        "``\n```\n`",
        "`<!---->``html\n<p>x</p>",
        "<p>",
        "<p></p>",
        "<p> </p>x",
        "&amp<p></p>;",
        "&#<p></p>60;",
        "<table>",
        "<table> <!--x-->x",
        "<table><caption><td>x",
        "<table><tr><th>a<td>b<caption>c",
        "<td><tr><th>",
        "<ul><li><p>a<li>b",
        "<dl><dd><dt><dd>",
        "<a href=x><p><a href=y>z",
        "<h1><h2><h3>",
        "<h2><b><h3>x</h2>",
        "<pre>\n\ncode</pre>",
        "<b><p>x</b>y</p>",
        "<p>a<div>b</div>c",
        "<div>```</div>",
        "x<div>```html\n<p>y</p>",
        "<em></em><p><strong></strong></p>",
        "<a target=_blank rel='a b c d e f g h i j k'>x</a>",
        "<a target=_blank rel='a b c d e f g h i noopener'>x</a>",
        "<img src=x alt='&amp;amp;' title='&bogus;'>",
        "<a title='&amp;name;'>x</a>",
        "<head><p>",
        "<body><body></body>",
        "</body>x<body>",
        "<svg><p>x</svg>y",
        "<form/><p>kept</p>",
        "<p>&#0; &#xD800; &#x110000; &#150;</p>",
        "<p>\u{a0}</p>",
        "<p>&#32;</p><table>&#32;</table><table>&nbsp;</table>",
        "<q cite='//x'>q</q><blockquote cite=x>b</blockquote>",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "<a href=\" javascript:alert(1)\">x</a>",
        "<a href=&#106;avascript:alert(1)>x</a>",
        "<IMG SRC=\"jav\tascript:alert('XSS');\">",
        "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
        "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">",
        "<BODY ONLOAD=alert('XSS')>",
        "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
        "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
        "<a href=\"javascript&colon;alert(1)\">x</a>",
        "<img src=\"x\" onerror=\"alert(1)\"/>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<a href='jav&#x0A;ascript:alert(1)'>x</a>",
        "<a href='&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)'>x</a>",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "<p>a</p\n><p\n>b",
        "<p =x>y</p>",
        "<p/x/y/z>w",
    ];

    #[test]
    fn idempotent_on_nasty_inputs() {
        for input in NASTY {
            assert_stable(input);
        }
    }

    /// A tiny deterministic xorshift generator.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn fuzz_is_safe_well_formed_and_idempotent() {
        const ALPHABET: &[&str] = &[
            "<",
            ">",
            "</",
            "/>",
            "p",
            "a href=",
            "img src=",
            " onerror=",
            "\"",
            "'",
            "=",
            "javascript:",
            "JaVaScript:",
            "java\tscript:",
            "&#106;",
            "&#x6A",
            "&",
            "&amp;",
            "&lt;",
            "&nbsp;",
            "#",
            ";",
            "/",
            "script",
            "style",
            "svg",
            " ",
            "\n",
            "x",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "<!",
            "<?",
            "table",
            "tr",
            "td",
            "th",
            "li",
            "ul",
            "h1",
            "h3",
            "div",
            "b",
            "em",
            "```",
            "html",
            "head",
            "body",
            "target=_blank",
            " rel=",
            "title=",
            "data:",
            "mailto:",
            "https://x.com",
            "\u{e9}",
            "\u{0}",
            "`",
        ];
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        for _ in 0..5_000 {
            let len = rng.below(40);
            let input: String = (0..len)
                .map(|_| ALPHABET[rng.below(ALPHABET.len())])
                .collect();
            assert_stable(&input);
        }
    }

    #[test]
    fn fuzz_with_whole_tags_is_well_formed_and_idempotent() {
        // Whole tags exercise the tree builder (implicit closes, tables, lists, removals).
        const TAGS: &[&str] = &[
            "<p>",
            "</p>",
            "<table>",
            "</table>",
            "<tr>",
            "</tr>",
            "<td>",
            "</td>",
            "<th>",
            "<caption>",
            "</caption>",
            "<tbody>",
            "</tbody>",
            "<thead>",
            "<ul>",
            "</ul>",
            "<ol>",
            "</ol>",
            "<li>",
            "</li>",
            "<dl>",
            "<dt>",
            "<dd>",
            "</dl>",
            "<h1>",
            "</h1>",
            "<h2>",
            "</h3>",
            "<b>",
            "</b>",
            "<i>",
            "</i>",
            "<a href=/x>",
            "<a target=_blank>",
            "</a>",
            "<div>",
            "</div>",
            "<section>",
            "<br>",
            "<hr>",
            "<img src=x>",
            "<img>",
            "<pre>",
            "</pre>",
            "<blockquote>",
            "</blockquote>",
            "<figure>",
            "<figcaption>",
            "<span>",
            "<script>",
            "</script>",
            "<svg>",
            "</svg>",
            "<head>",
            "</head>",
            "<body>",
            "</body>",
            "<!--",
            "-->",
            "x",
            " ",
            "\n",
            "&nbsp;",
            "&amp",
            "&#32;",
            "```",
            "```html\n",
            "<",
            ">",
            "</",
            "<code>",
            "</code>",
            "<em>",
            "<form>",
            "</form>",
            "<p/>",
            "<title>",
        ];
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3_000 {
            let len = rng.below(60);
            let input: String = (0..len).map(|_| TAGS[rng.below(TAGS.len())]).collect();
            assert_stable(&input);
        }
    }

    #[test]
    fn text_of_extracts_text() {
        assert_eq!(
            text_of("<h2>Title</h2><p>Hello <strong>wor</strong>ld &amp; friends.</p>"),
            "Title Hello world & friends."
        );
        assert_eq!(
            text_of("<ul><li>a</li><li>b</li></ul>line<br>break"),
            "a b line break"
        );
        assert_eq!(text_of("<script>alert(1)</script><style>p{}</style>x"), "x");
        assert_eq!(
            text_of("Caf&eacute; &mdash; &#8220;quoted&#8221;&nbsp;text &unknown;"),
            "Café — “quoted” text &unknown;"
        );
        assert_eq!(
            text_of(
                "```html\n<html><head><title>T</title></head><body><p>  a \n\n b </p></body></html>\n```"
            ),
            "a b"
        );
        assert_eq!(text_of("5 &lt; 6 &gt; 4 &#0;"), "5 < 6 > 4 \u{FFFD}");
        assert_eq!(text_of(""), "");
        assert_eq!(text_of("<div>one</div><div>two</div>"), "one two");
        assert_eq!(text_of("plain text"), "plain text");
        // Decoded references never become markup.
        assert_eq!(text_of("&lt;img src=x onerror=alert(1)&gt;"), "");
        assert_eq!(
            text_of("<p>Use &lt;b&gt;bold&lt;/b&gt; &amp; more</p>"),
            "Use bold & more"
        );
        assert_eq!(text_of("&amp;lt;script&amp;gt;"), "&lt;script&gt;");
        assert_eq!(text_of("&#60;script&#62;x"), "x");
    }
}
