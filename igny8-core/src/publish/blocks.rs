//! An article body as WordPress blocks: what the block editor itself would save.
//!
//! Each top-level element of the sanitised body becomes the core block that represents it,
//! written exactly as the block's own `save()` writes it, so that the editor opens the post
//! with no "This block contains unexpected or invalid content" warning and no Classic block:
//!
//! | HTML | block |
//! |---|---|
//! | `p`, and text or inline elements between blocks | `core/paragraph` |
//! | `h2`–`h6` | `core/heading` (`level` when not 2) |
//! | `ul`, `ol` (with `start`, `reversed`) | `core/list` of `core/list-item`s, nested lists as inner blocks |
//! | `figure` with one `img` (and a `figcaption`), or a bare `img` | `core/image` |
//! | `table` (or a `figure` around one), its `caption` | `core/table` with a caption |
//! | `blockquote` of paragraphs, with a `cite` | `core/quote` |
//! | `pre` with one `code` | `core/code`; other `pre`: `core/preformatted` |
//! | `hr` | `core/separator` |
//! | anything else, or any of these with what its block can't hold | `core/html` |
//!
//! The last resort keeps the markup unchanged: a list item holding a table, a table cell
//! spanning columns (`colspan`, `rowspan`: WordPress 6.1's table block drops them), a
//! definition list. Paragraphs inside a list item are joined with line breaks.
//!
//! Markup is written for the block editor of WordPress 6.1 and later: classes a newer
//! version adds (`wp-block-heading`, `wp-block-list`) are written too, and an older editor
//! keeps them as the block's own class; quotes use the paragraph markup of 6.1, which newer
//! editors move into inner blocks silently; tables say `"hasFixedLayout":false`, as the
//! default changed. Attributes in the block comments are JSON escaped as WordPress escapes
//! them (`serialize_block_attributes`), so `parse_blocks()` then `serialize_blocks()` gives
//! the body back unchanged.

use serde_json::{Map, Value, json};

use crate::ai::html::{Element, Node, escape};

/// An image placed in the article body: a media item in WordPress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyImage {
    /// The media item's id.
    pub attachment_id: i64,
    /// The address of the size shown.
    pub url: String,
    /// Alternative text (plain).
    pub alt: String,
    /// The size shown (`large`, `full`), its class `size-…`.
    pub size: String,
}

/// The attribute key of the first block's `metadata` that carries the content's marker.
pub(crate) const MARKER_KEY: &str = "igny8Marker";

/// A block, ready to write.
struct Block {
    name: &'static str,
    attrs: Map<String, Value>,
    /// Inner HTML and inner blocks, in order.
    inner: Vec<Piece>,
}

enum Piece {
    Html(String),
    Block(Block),
}

impl Block {
    fn new(name: &'static str, html: String) -> Self {
        Self {
            name,
            attrs: Map::new(),
            inner: vec![Piece::Html(html)],
        }
    }

    fn attr(mut self, key: &str, value: Value) -> Self {
        self.attrs.insert(key.to_owned(), value);
        self
    }

    fn write(&self, out: &mut String) {
        out.push_str("<!-- wp:");
        out.push_str(self.name);
        out.push(' ');
        if !self.attrs.is_empty() {
            out.push_str(&attributes_json(&self.attrs));
            out.push(' ');
        }
        out.push_str("-->\n");
        let mut previous_block = false;
        for piece in &self.inner {
            match piece {
                Piece::Html(h) => {
                    out.push_str(h);
                    previous_block = false;
                }
                Piece::Block(b) => {
                    if previous_block {
                        out.push_str("\n\n");
                    }
                    b.write(out);
                    previous_block = true;
                }
            }
        }
        out.push_str("\n<!-- /wp:");
        out.push_str(self.name);
        out.push_str(" -->");
    }
}

/// Block attributes as WordPress writes them into a block comment: JSON with `--`, `<`, `>`,
/// `&` and escaped quotes written as `\u` escapes (`serialize_block_attributes`).
fn attributes_json(attrs: &Map<String, Value>) -> String {
    let json = serde_json::to_string(attrs).unwrap_or_else(|_| "{}".into());
    json.replace("--", "\\u002d\\u002d")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace("\\\"", "\\u0022")
}

/// The body as blocks: the sanitised `html` with `images` placed (the first before the
/// second `h2`, the next before the third…, the rest at the end), the first block carrying
/// `marker` in its `metadata`.
pub fn body_blocks(html: &str, images: &[BodyImage], marker: &str) -> String {
    let nodes = Node::parse(html);
    let mut blocks = Vec::new();
    let mut loose: Vec<&Node> = Vec::new();
    let mut sections = 0;
    let mut queue = images.iter();
    for node in &nodes {
        match node {
            Node::Element(e) if !is_inline(&e.name) => {
                flush_paragraph(&mut loose, &mut blocks);
                if e.name == "h2" {
                    sections += 1;
                    if sections > 1
                        && let Some(image) = queue.next()
                    {
                        blocks.push(image_block(image));
                    }
                }
                blocks.push(block_of(e));
            }
            _ => loose.push(node),
        }
    }
    flush_paragraph(&mut loose, &mut blocks);
    blocks.extend(queue.map(image_block));
    if let Some(first) = blocks.first_mut() {
        first
            .attrs
            .insert("metadata".into(), json!({ MARKER_KEY: marker }));
    }
    let mut out = String::with_capacity(html.len() * 2);
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        block.write(&mut out);
    }
    out
}

/// The body as classic HTML: the marker comment, then the sanitised `html` with `images`
/// placed as [`body_blocks`] places them, in the figures the image block writes.
pub fn body_classic(html: &str, images: &[BodyImage], marker: &str) -> String {
    let nodes = Node::parse(html);
    let mut out = format!("<!-- {marker} -->\n");
    let mut sections = 0;
    let mut queue = images.iter();
    for node in &nodes {
        if let Node::Element(e) = node
            && e.name == "h2"
        {
            sections += 1;
            if sections > 1
                && let Some(image) = queue.next()
            {
                out.push_str(&image_figure(image));
                out.push('\n');
            }
        }
        node.write(&mut out);
    }
    for image in queue {
        out.push('\n');
        out.push_str(&image_figure(image));
    }
    out
}

fn is_inline(name: &str) -> bool {
    crate::ai::html::is_inline_element(name) || name == "br"
}

fn flush_paragraph(loose: &mut Vec<&Node>, blocks: &mut Vec<Block>) {
    if loose.iter().all(|n| n.is_blank()) {
        loose.clear();
        return;
    }
    let mut inner = String::new();
    for node in loose.drain(..) {
        node.write(&mut inner);
    }
    blocks.push(Block::new(
        "paragraph",
        format!("<p>{}</p>", trim_breaks(inner.trim())),
    ));
}

/// `html` without line breaks at its start and end (they would show as empty lines).
fn trim_breaks(mut html: &str) -> &str {
    loop {
        let before = html;
        html = html.trim();
        html = html.strip_prefix("<br>").unwrap_or(html);
        html = html.strip_suffix("<br>").unwrap_or(html);
        if html == before {
            return html;
        }
    }
}

/// The block of a top-level element; `core/html` when no other block holds it as it is.
fn block_of(e: &Element) -> Block {
    let block = match e.name.as_str() {
        "p" => Some(Block::new(
            "paragraph",
            format!("<p>{}</p>", e.inner_html()),
        )),
        "h2" | "h3" | "h4" | "h5" | "h6" => Some(heading(e)),
        "ul" | "ol" => list(e),
        "hr" => Some(Block::new(
            "separator",
            "<hr class=\"wp-block-separator has-alpha-channel-opacity\"/>".into(),
        )),
        "pre" => Some(preformatted(e)),
        "blockquote" => quote(e),
        "table" => table(e, None),
        "img" => image_of(e, None),
        "figure" => figure(e),
        _ => None,
    };
    block.unwrap_or_else(|| {
        let mut html = String::new();
        write_as_parsed(e, &mut html);
        Block::new("html", html)
    })
}

/// `e` as a browser parses and writes it back: the custom HTML block compares its markup with
/// what the browser made of it, and a browser puts the rows of a table in a `tbody`.
fn write_as_parsed(e: &Element, out: &mut String) {
    let children = |e: &Element, out: &mut String| {
        for child in &e.children {
            match child {
                Node::Element(c) => write_as_parsed(c, out),
                text => text.write(out),
            }
        }
    };
    if e.name != "table" || !e.children.iter().any(|c| is_element(c, "tr")) {
        e.write_start(out);
        if !crate::ai::html::is_void_element(&e.name) {
            children(e, out);
            out.push_str(&format!("</{}>", e.name));
        }
        return;
    }
    e.write_start(out);
    let mut in_body = false;
    for child in &e.children {
        let row = is_element(child, "tr");
        if row && !in_body {
            out.push_str("<tbody>");
            in_body = true;
        } else if !row && in_body && !child.is_blank() {
            out.push_str("</tbody>");
            in_body = false;
        }
        match child {
            Node::Element(c) => write_as_parsed(c, out),
            text => text.write(out),
        }
    }
    if in_body {
        out.push_str("</tbody>");
    }
    out.push_str("</table>");
}

fn is_element(node: &Node, name: &str) -> bool {
    node.element().is_some_and(|e| e.name == name)
}

fn heading(e: &Element) -> Block {
    let level: u8 = e.name[1..].parse().unwrap_or(2);
    let block = Block::new(
        "heading",
        format!(
            "<{0} class=\"wp-block-heading\">{1}</{0}>",
            e.name,
            e.inner_html()
        ),
    );
    if level == 2 {
        block
    } else {
        block.attr("level", json!(level))
    }
}

/// A list, or `None` when an item holds what a list item can't (a table, a quote, …).
fn list(e: &Element) -> Option<Block> {
    let ordered = e.name == "ol";
    let mut start_tag = format!("<{}", e.name);
    let mut block = Block {
        name: "list",
        attrs: Map::new(),
        inner: Vec::new(),
    };
    if ordered {
        block.attrs.insert("ordered".into(), json!(true));
        if let Some(start) = e.attr("start").and_then(|s| s.trim().parse::<i64>().ok()) {
            block.attrs.insert("start".into(), json!(start));
            start_tag.push_str(&format!(" start=\"{start}\""));
        }
        if e.attr("reversed").is_some() {
            block.attrs.insert("reversed".into(), json!(true));
            start_tag.push_str(" reversed");
        }
    }
    start_tag.push_str(" class=\"wp-block-list\">");
    block.inner.push(Piece::Html(start_tag));
    for item in e.child_elements()? {
        if item.name != "li" {
            return None;
        }
        block.inner.push(Piece::Block(list_item(item)?));
    }
    block.inner.push(Piece::Html(format!("</{}>", e.name)));
    Some(block)
}

fn list_item(li: &Element) -> Option<Block> {
    let mut text = String::new();
    let mut nested = Vec::new();
    for child in &li.children {
        match child {
            Node::Element(c) if c.name == "ul" || c.name == "ol" => nested.push(list(c)?),
            Node::Element(c) if c.name == "p" => {
                let inner = c.inner_html();
                if !text.trim().is_empty() && !inner.trim().is_empty() {
                    text.push_str("<br>");
                }
                text.push_str(&inner);
            }
            Node::Element(c) if !is_inline(&c.name) && c.name != "img" => return None,
            other if nested.is_empty() => other.write(&mut text),
            // Text after a nested list can't stay in its place.
            other if other.is_blank() => {}
            _ => return None,
        }
    }
    let mut block = Block {
        name: "list-item",
        attrs: Map::new(),
        inner: vec![Piece::Html(format!("<li>{}", text.trim()))],
    };
    block.inner.extend(nested.into_iter().map(Piece::Block));
    block.inner.push(Piece::Html("</li>".into()));
    Some(block)
}

fn preformatted(e: &Element) -> Block {
    match e.child_elements().as_deref() {
        Some([code]) if code.name == "code" && code.attrs.is_empty() => Block::new(
            "code",
            format!(
                "<pre class=\"wp-block-code\"><code>{}</code></pre>",
                escape_code(&code.inner_html())
            ),
        ),
        _ => Block::new(
            "preformatted",
            format!(
                "<pre class=\"wp-block-preformatted\">{}</pre>",
                e.inner_html()
            ),
        ),
    }
}

/// The escaping the code block applies when it saves: `[` (shortcodes) and the `//` of a URL
/// alone on its line (auto-embeds).
fn escape_code(code: &str) -> String {
    let code = code.replace('[', "&#91;");
    let mut out = String::with_capacity(code.len());
    let mut done = false;
    for line in code.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let lead = body.len() - body.trim_start().len();
        let rest = &body[lead..];
        let scheme = ["https://", "http://"]
            .into_iter()
            .find(|s| rest.starts_with(s));
        if let (false, Some(scheme)) = (done, scheme) {
            let tail = rest[scheme.len()..].trim_end();
            if !tail.is_empty() && !tail.contains(|c: char| c.is_whitespace() || "<>\"".contains(c))
            {
                out.push_str(&body[..lead]);
                out.push_str(&scheme[..scheme.len() - 2]);
                out.push_str("&#47;&#47;");
                out.push_str(&rest[scheme.len()..]);
                out.push_str(&line[body.len()..]);
                done = true;
                continue;
            }
        }
        out.push_str(line);
    }
    out
}

/// A quote of paragraphs (text directly inside becomes one) with an optional citation: a
/// trailing `cite`, or a last paragraph holding only one.
fn quote(e: &Element) -> Option<Block> {
    if !e.attrs.is_empty() {
        return None;
    }
    let mut paragraphs: Vec<String> = Vec::new();
    let mut loose = String::new();
    let mut citation = None;
    let flush = |loose: &mut String, paragraphs: &mut Vec<String>| {
        if !loose.trim().is_empty() {
            paragraphs.push(trim_breaks(loose.trim()).to_owned());
        }
        loose.clear();
    };
    let children: Vec<&Node> = e.children.iter().collect();
    for (i, child) in children.iter().enumerate() {
        let last = children[i + 1..].iter().all(|n| n.is_blank());
        match child {
            Node::Element(c) if c.name == "cite" && last => citation = Some(c.inner_html()),
            Node::Element(c) if c.name == "p" => {
                flush(&mut loose, &mut paragraphs);
                match c.child_elements().as_deref() {
                    Some([only]) if only.name == "cite" && last => {
                        citation = Some(only.inner_html());
                    }
                    _ => paragraphs.push(c.inner_html()),
                }
            }
            Node::Element(c) if !is_inline(&c.name) => return None,
            other => other.write(&mut loose),
        }
    }
    flush(&mut loose, &mut paragraphs);
    let mut html = String::from("<blockquote class=\"wp-block-quote\">");
    for p in &paragraphs {
        html.push_str(&format!("<p>{p}</p>"));
    }
    if let Some(cite) = citation.filter(|c| !c.trim().is_empty()) {
        html.push_str(&format!("<cite>{cite}</cite>"));
    }
    html.push_str("</blockquote>");
    Some(Block::new("quote", html))
}

/// A table with its caption (its own `caption`, else the figure's `figcaption`); `None` when
/// a cell spans rows or columns or holds blocks, or the table has more than one body.
fn table(e: &Element, figcaption: Option<&Element>) -> Option<Block> {
    let mut caption = figcaption.map(Element::inner_html);
    let mut sections: [Vec<&Element>; 3] = Default::default();
    let mut bodies = 0;
    for part in e.child_elements()? {
        match part.name.as_str() {
            "caption" => caption = Some(part.inner_html()),
            "thead" | "tbody" | "tfoot" => {
                let at = ["thead", "tbody", "tfoot"]
                    .iter()
                    .position(|n| *n == part.name)?;
                bodies += usize::from(at == 1);
                if !sections[at].is_empty() && at != 1 {
                    return None;
                }
                sections[at].extend(part.child_elements()?);
            }
            "tr" => sections[1].push(part),
            _ => return None,
        }
    }
    if bodies > 1 {
        return None;
    }
    let mut html = String::from("<figure class=\"wp-block-table\"><table>");
    for (tag, rows) in ["thead", "tbody", "tfoot"].iter().zip(&sections) {
        if rows.is_empty() {
            continue;
        }
        html.push_str(&format!("<{tag}>"));
        for row in rows {
            if row.name != "tr" {
                return None;
            }
            html.push_str("<tr>");
            for cell in row.child_elements()? {
                if !matches!(cell.name.as_str(), "td" | "th") {
                    return None;
                }
                let mut start = format!("<{}", cell.name);
                for (name, value) in &cell.attrs {
                    match (name.as_str(), value.as_deref()) {
                        ("scope", Some(v)) if cell.name == "th" => {
                            start.push_str(&format!(" scope=\"{}\"", escape(v)));
                        }
                        _ => return None,
                    }
                }
                if cell
                    .children
                    .iter()
                    .any(|n| n.element().is_some_and(|c| !is_inline(&c.name)))
                {
                    return None;
                }
                html.push_str(&format!("{start}>{}</{}>", cell.inner_html(), cell.name));
            }
            html.push_str("</tr>");
        }
        html.push_str(&format!("</{tag}>"));
    }
    html.push_str("</table>");
    if let Some(caption) = caption.filter(|c| !c.trim().is_empty()) {
        html.push_str(&format!(
            "<figcaption class=\"wp-element-caption\">{caption}</figcaption>"
        ));
    }
    html.push_str("</figure>");
    Some(Block::new("table", html).attr("hasFixedLayout", json!(false)))
}

/// A figure of one image or one table, with an optional `figcaption`.
fn figure(e: &Element) -> Option<Block> {
    let children = e.child_elements()?;
    let (captions, content): (Vec<&Element>, Vec<&Element>) =
        children.into_iter().partition(|c| c.name == "figcaption");
    if captions.len() > 1 || content.len() != 1 {
        return None;
    }
    let caption = captions.first().copied();
    match content[0].name.as_str() {
        "img" => image_of(content[0], caption),
        "table" => table(content[0], caption),
        _ => None,
    }
}

/// An image the article itself holds (not one of its generated images).
fn image_of(img: &Element, caption: Option<&Element>) -> Option<Block> {
    let src = img.attr("src")?;
    let mut tag = format!(
        "<img src=\"{}\" alt=\"{}\"",
        escape(src),
        escape(img.attr("alt").unwrap_or_default())
    );
    if let Some(title) = img.attr("title") {
        tag.push_str(&format!(" title=\"{}\"", escape(title)));
    }
    tag.push_str("/>");
    let caption = caption
        .map(Element::inner_html)
        .filter(|c| !c.trim().is_empty())
        .map(|c| format!("<figcaption class=\"wp-element-caption\">{c}</figcaption>"))
        .unwrap_or_default();
    Some(Block::new(
        "image",
        format!("<figure class=\"wp-block-image\">{tag}{caption}</figure>"),
    ))
}

fn image_figure(image: &BodyImage) -> String {
    format!(
        "<figure class=\"wp-block-image size-{size}\"><img src=\"{src}\" alt=\"{alt}\" \
         class=\"wp-image-{id}\"/></figure>",
        size = escape(&image.size),
        src = escape(&image.url),
        alt = escape(&image.alt),
        id = image.attachment_id,
    )
}

fn image_block(image: &BodyImage) -> Block {
    Block::new("image", image_figure(image))
        .attr("id", json!(image.attachment_id))
        .attr("sizeSlug", json!(image.size))
        .attr("linkDestination", json!("none"))
}

#[cfg(test)]
mod tests;
