//! Which elements and attributes are kept, and how attribute values are cleaned.

use super::entities::decode_entities;

/// The output name of an allowed element (`h1` is written as `h2`).
pub(super) fn allowed(name: &str) -> Option<&'static str> {
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

pub(super) fn is_void(name: &str) -> bool {
    matches!(name, "br" | "hr" | "img")
}

/// Allowed phrasing elements that may hold text but not blocks of their own.
pub(super) fn is_inline(name: &str) -> bool {
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

pub(super) fn is_heading(name: &str) -> bool {
    matches!(name, "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Elements whose start tag closes an open `p` (as in HTML5).
pub(super) fn closes_p(name: &str) -> bool {
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

pub(super) fn is_table_part(name: &str) -> bool {
    matches!(
        name,
        "table" | "caption" | "thead" | "tbody" | "tfoot" | "tr" | "td" | "th"
    )
}

/// Elements that hold table rows or sections, where content needs a cell around it.
pub(super) fn is_table_body(name: &str) -> bool {
    matches!(name, "table" | "thead" | "tbody" | "tfoot")
}

/// Where searches for an open element stop (HTML5 "scope" boundaries).
pub(super) fn is_scope_boundary(name: &str) -> bool {
    matches!(name, "table" | "td" | "th" | "caption")
}

/// Elements removed together with everything in them.
pub(super) fn is_dropped(name: &str) -> bool {
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
pub(super) fn is_void_dropped(name: &str) -> bool {
    matches!(name, "embed" | "input" | "base" | "link" | "meta" | "frame")
}

/// Elements whose content the tokenizer reads as raw text up to their end tag.
pub(super) fn is_raw_text(name: &str) -> bool {
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
pub(super) fn is_head_content(name: &str) -> bool {
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
pub(super) fn is_container(name: &str) -> bool {
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
pub(super) fn allowed_attribute(element: &str, name: &str) -> Option<&'static str> {
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
pub(super) type CleanAttr = (&'static str, Option<String>);

/// The value to write for an allowed attribute, from its raw (undecoded) value; `None` when
/// the value is refused. The inner `None` marks a boolean attribute, written without value.
pub(super) fn clean_value(attribute: &str, raw: &str) -> Option<Option<String>> {
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
pub(super) fn clean_url(value: &str, allow_mailto: bool) -> Option<String> {
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
pub(super) fn clean_text_attribute(value: &str) -> String {
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
pub(super) fn clean_rel(value: &str, blank: bool) -> String {
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
