//! Internal links an article may keep: only to pages that exist.
//!
//! Models invent links — a plausible `/guides/best-hoses/` that was never published, a
//! mistyped slug, the article linking to itself. [`verify_links`] checks every link of an
//! article against the site's pages it knows (the *link inventory*, [`crate::inventory`]: the
//! site's WordPress posts, pages and categories and IGNY8's own published articles) and unlinks, keeping the words, every internal link
//!
//! - to an address that is not a page of the inventory,
//! - to the article itself,
//! - whose anchor text was used by an earlier link (one anchor, one target),
//! - past the most internal links an article may have (`content.internal_links`).
//!
//! A link is internal when it is relative (`/guides/`) or its host is the site's (with or
//! without `www.`); addresses are compared without scheme, `www.`, fragment, trailing slash and
//! query parameters other than WordPress's own (`?p=12`), case-insensitively. Links to other sites are left as they are.

use serde::Serialize;

use crate::ai::html::{Element, Node};

/// A page of the site a link may point to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTarget {
    /// Its address.
    pub url: String,
    /// Its title.
    pub title: String,
}

/// One internal link, kept or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedLink {
    /// Where it pointed.
    pub url: String,
    /// Its anchor text.
    pub anchor: String,
    /// Why it was removed (empty when kept).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub why: String,
}

/// What [`verify_links`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkReport {
    /// Internal links kept.
    pub kept: Vec<CheckedLink>,
    /// Internal links unlinked (their words kept).
    pub removed: Vec<CheckedLink>,
}

/// The query parameters WordPress addresses objects by without pretty permalinks
/// (`/?p=12`, `/?page_id=3`, `/?cat=2`): kept when addresses are compared, every other one
/// (`?ref=`, `utm_…`) dropped.
const ADDRESSING: [&str; 8] = [
    "p",
    "page_id",
    "cat",
    "tag",
    "name",
    "pagename",
    "category_name",
    "attachment_id",
];

/// An address without scheme, `www.`, fragment, trailing slash and query parameters other
/// than WordPress's addressing ones, lower case.
pub(crate) fn normal(url: &str) -> String {
    let url = url.trim();
    let rest = url
        .split_once("://")
        .map_or(url, |(_, r)| r)
        .trim_start_matches("//");
    let rest = rest.split('#').next().unwrap_or_default();
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let path = path.strip_prefix("www.").unwrap_or(path);
    let mut out = path.trim_end_matches('/').to_lowercase();
    let kept: Vec<String> = query
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            ADDRESSING.contains(&key) && pair.len() > key.len() + 1
        })
        .map(str::to_lowercase)
        .collect();
    if !kept.is_empty() {
        out.push_str("/?");
        out.push_str(&kept.join("&"));
    }
    out
}

/// The host of `url` (lower case, without `www.`), if it has one.
fn host(url: &str) -> Option<String> {
    let n = normal(url);
    let host = n.split('/').next()?;
    (!host.is_empty() && (url.contains("://") || url.trim_start().starts_with("//")))
        .then(|| host.to_owned())
}

/// `href` as a full normalised address on the site (relative ones joined to the site's host),
/// or `None` when it is not internal.
fn internal(href: &str, site_host: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.starts_with('#') || href.starts_with("mailto:") || href.starts_with("tel:") {
        return None;
    }
    match host(href) {
        Some(h) => (Some(h.as_str()) == site_host).then(|| normal(href)),
        None if href.starts_with('/') => {
            let path = normal(href);
            Some(format!("{}{}", site_host.unwrap_or_default(), path))
        }
        // A bare relative path ("guides/x") is relative to the article: unknown, so internal.
        None => Some(format!(
            "{}/{}",
            site_host.unwrap_or_default(),
            normal(href)
        )),
    }
}

/// The article `html` with every internal link that may not stay unlinked, and what was kept
/// and removed. `site_url` is the site's address; `own_url` the article's, when published;
/// `max` the most internal links kept.
pub fn verify_links(
    html: &str,
    site_url: Option<&str>,
    inventory: &[LinkTarget],
    own_url: Option<&str>,
    max: usize,
) -> (String, LinkReport) {
    let site_host = site_url.and_then(host);
    let known: Vec<String> = inventory.iter().map(|t| normal(&t.url)).collect();
    let own = own_url.map(normal);
    let mut report = LinkReport::default();
    let mut anchors: Vec<String> = Vec::new();
    let mut nodes = Node::parse(html);
    let mut state = Walk {
        site_host: site_host.as_deref(),
        known: &known,
        own: own.as_deref(),
        max,
        report: &mut report,
        anchors: &mut anchors,
    };
    state.walk(&mut nodes);
    let mut out = String::with_capacity(html.len());
    nodes.iter().for_each(|n| n.write(&mut out));
    (out, report)
}

struct Walk<'a> {
    site_host: Option<&'a str>,
    known: &'a [String],
    own: Option<&'a str>,
    max: usize,
    report: &'a mut LinkReport,
    anchors: &'a mut Vec<String>,
}

impl Walk<'_> {
    fn walk(&mut self, nodes: &mut Vec<Node>) {
        let mut i = 0;
        while i < nodes.len() {
            let unlink = match &mut nodes[i] {
                Node::Element(e) if e.name == "a" => self.judge(e),
                Node::Element(e) => {
                    self.walk(&mut e.children);
                    false
                }
                Node::Text(_) => false,
            };
            if unlink {
                let Node::Element(a) = nodes.remove(i) else {
                    unreachable!("judged an element")
                };
                let n = a.children.len();
                for (k, child) in a.children.into_iter().enumerate() {
                    nodes.insert(i + k, child);
                }
                i += n;
            } else {
                i += 1;
            }
        }
    }

    /// Whether link `a` is to be unlinked (recording it either way, when internal).
    fn judge(&mut self, a: &mut Element) -> bool {
        let Some(href) = a.attr("href").map(str::to_owned) else {
            return false;
        };
        let Some(target) = internal(&href, self.site_host) else {
            return false;
        };
        let anchor = crate::collapse_whitespace(&a.text());
        let why = if self.own.is_some_and(|own| own == target) {
            "links to the article itself"
        } else if !self.known.contains(&target) {
            "not a page of the site IGNY8 knows"
        } else if self
            .anchors
            .iter()
            .any(|used| used.eq_ignore_ascii_case(&anchor))
        {
            "the same anchor text as an earlier link"
        } else if self.report.kept.len() >= self.max {
            "more internal links than the article may have"
        } else {
            ""
        };
        let link = CheckedLink {
            url: href,
            anchor: anchor.clone(),
            why: why.to_owned(),
        };
        if why.is_empty() {
            self.anchors.push(anchor);
            self.report.kept.push(link);
            false
        } else {
            self.report.removed.push(link);
            true
        }
    }
}

/// Where `anchor` first stands as whole words (case-insensitive) in the running text of
/// `html` — a paragraph or list item, outside links, headings, captions and code — linked to
/// `url`: the new `html` and the text of the paragraph that got the link; `None` when the
/// words aren't there.
pub fn insert_link(html: &str, anchor: &str, url: &str) -> Option<(String, String)> {
    let anchor = crate::collapse_whitespace(anchor);
    if anchor.is_empty() {
        return None;
    }
    let mut nodes = Node::parse(html);
    let paragraph = link_first(&mut nodes, &anchor, url, false)?;
    let mut out = String::with_capacity(html.len() + url.len() + 16);
    nodes.iter().for_each(|n| n.write(&mut out));
    Some((out, paragraph))
}

/// Links the first whole-word `anchor` in `nodes`; the text of the paragraph it is in.
fn link_first(nodes: &mut Vec<Node>, anchor: &str, url: &str, in_text: bool) -> Option<String> {
    for i in 0..nodes.len() {
        match &mut nodes[i] {
            Node::Element(e) => {
                if matches!(
                    e.name.as_str(),
                    "a" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "code" | "pre" | "figcaption"
                ) {
                    continue;
                }
                let text_block = in_text || matches!(e.name.as_str(), "p" | "li");
                if let Some(found) = link_first(&mut e.children, anchor, url, text_block) {
                    // The paragraph's own text, once the innermost paragraph has it.
                    return Some(
                        if found.is_empty() && matches!(e.name.as_str(), "p" | "li") {
                            crate::collapse_whitespace(&e.text())
                        } else {
                            found
                        },
                    );
                }
            }
            Node::Text(t) if in_text => {
                let Some((start, end)) = find_words(t, anchor) else {
                    continue;
                };
                let before = t[..start].to_owned();
                let words = t[start..end].to_owned();
                let after = t[end..].to_owned();
                let link = Element {
                    name: "a".into(),
                    attrs: vec![("href".into(), Some(url.to_owned()))],
                    children: vec![Node::Text(words)],
                };
                let mut replaced = Vec::with_capacity(3);
                if !before.is_empty() {
                    replaced.push(Node::Text(before));
                }
                replaced.push(Node::Element(link));
                if !after.is_empty() {
                    replaced.push(Node::Text(after));
                }
                nodes.splice(i..=i, replaced);
                return Some(String::new());
            }
            Node::Text(_) => {}
        }
    }
    None
}

/// The byte range of the first case-insensitive, whole-word `needle` in `hay`.
fn find_words(hay: &str, needle: &str) -> Option<(usize, usize)> {
    let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    let starts: Vec<usize> = hay.char_indices().map(|(i, _)| i).collect();
    for &start in &starts {
        let before_ok = hay[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if !before_ok {
            continue;
        }
        let mut rest = hay[start..].char_indices();
        let mut k = 0;
        let mut end = start;
        while k < needle.len() {
            let Some((off, c)) = rest.next() else { break };
            let lower: Vec<char> = c.to_lowercase().collect();
            if needle[k..].starts_with(&lower) {
                k += lower.len();
                end = start + off + c.len_utf8();
            } else {
                break;
            }
        }
        if k == needle.len()
            && hay[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
        {
            return Some((start, end));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str) -> LinkTarget {
        LinkTarget {
            url: url.into(),
            title: "t".into(),
        }
    }

    #[test]
    fn only_links_to_known_pages_stay() {
        let html = "<p>See <a href=\"https://www.example.com/hose-reels/\">hose reels</a>, \
                    <a href=\"/guides/best-hoses/\">our guide</a> and \
                    <a href=\"https://other.org/x\">a study</a>.</p>\
                    <p><a href=\"/this-article/\">this</a> and \
                    <a href=\"http://example.com/Hose-Reels?ref=1#top\">Hose reels</a> again, \
                    <a href=\"/watering/\">watering <em>tips</em></a>.</p>";
        let inventory = [
            page("https://example.com/hose-reels"),
            page("https://example.com/watering/"),
            page("https://example.com/this-article/"),
        ];
        let (out, report) = verify_links(
            html,
            Some("https://example.com"),
            &inventory,
            Some("https://example.com/this-article/"),
            5,
        );
        assert_eq!(
            out,
            "<p>See <a href=\"https://www.example.com/hose-reels/\">hose reels</a>, \
             our guide and <a href=\"https://other.org/x\">a study</a>.</p>\
             <p>this and Hose reels again, \
             <a href=\"/watering/\">watering <em>tips</em></a>.</p>"
        );
        let kept: Vec<&str> = report.kept.iter().map(|l| l.anchor.as_str()).collect();
        assert_eq!(kept, ["hose reels", "watering tips"]);
        let removed: Vec<(&str, &str)> = report
            .removed
            .iter()
            .map(|l| (l.anchor.as_str(), l.why.as_str()))
            .collect();
        assert_eq!(
            removed,
            [
                ("our guide", "not a page of the site IGNY8 knows"),
                ("this", "links to the article itself"),
                ("Hose reels", "the same anchor text as an earlier link"),
            ]
        );
    }

    #[test]
    fn at_most_max_internal_links() {
        let html = "<p><a href=\"/a\">a</a> <a href=\"/b\">b</a> <a href=\"/c\">c</a></p>";
        let inventory = [
            page("https://example.com/a"),
            page("https://example.com/b"),
            page("https://example.com/c"),
        ];
        let (out, report) = verify_links(html, Some("https://example.com"), &inventory, None, 2);
        assert_eq!(out, "<p><a href=\"/a\">a</a> <a href=\"/b\">b</a> c</p>");
        assert_eq!(
            report.removed[0].why,
            "more internal links than the article may have"
        );
        // No internal links at all may stay when the limit is 0; external ones do.
        let (out, _) = verify_links(
            "<p><a href=\"/a\">a</a> <a href=\"https://x.org/\">x</a></p>",
            Some("https://example.com"),
            &inventory,
            None,
            0,
        );
        assert_eq!(out, "<p>a <a href=\"https://x.org/\">x</a></p>");
    }

    #[test]
    fn plain_permalinks_are_told_apart() {
        // A site without pretty permalinks addresses posts by query: `?p=12` is not `?p=13`,
        // nor the home page; other parameters don't matter.
        assert_eq!(normal("http://Example.com/?p=12"), "example.com/?p=12");
        assert_eq!(
            normal("http://example.com?p=12&utm_source=x"),
            "example.com/?p=12"
        );
        assert_eq!(
            normal("https://example.com/?page_id=3#top"),
            "example.com/?page_id=3"
        );
        assert_eq!(normal("https://example.com/a/?ref=1"), "example.com/a");
        let inventory = [page("http://example.com/?p=12")];
        let (out, report) = verify_links(
            "<p><a href=\"http://example.com/?p=12\">known</a> <a href=\"/?p=13\">made up</a></p>",
            Some("http://example.com"),
            &inventory,
            None,
            3,
        );
        assert_eq!(
            out,
            "<p><a href=\"http://example.com/?p=12\">known</a> made up</p>"
        );
        assert_eq!(report.kept.len(), 1);
    }

    #[test]
    fn a_link_is_inserted_at_the_first_whole_words_in_running_text() {
        let html = "<h2>Tea kettles</h2><p>Our <a href=\"/x\">tea kettle</a> guide.</p>\
                    <p>Steeped tea, kettles and more: a <strong>Tea Kettle</strong> matters.</p>";
        let (out, paragraph) = insert_link(html, "tea kettle", "https://example.com/k/").unwrap();
        assert_eq!(
            out,
            "<h2>Tea kettles</h2><p>Our <a href=\"/x\">tea kettle</a> guide.</p>\
             <p>Steeped tea, kettles and more: a <strong><a href=\"https://example.com/k/\">Tea \
             Kettle</a></strong> matters.</p>"
        );
        assert_eq!(
            paragraph,
            "Steeped tea, kettles and more: a Tea Kettle matters."
        );
        // Not inside a word, not when absent.
        assert_eq!(insert_link("<p>teakettles</p>", "tea kettle", "/k"), None);
        assert_eq!(insert_link("<p>kettles</p>", "kettle", "/k"), None);
        assert_eq!(
            insert_link("<ul><li>A kettle.</li></ul>", "Kettle", "/k").map(|(h, _)| h),
            Some("<ul><li>A <a href=\"/k\">kettle</a>.</li></ul>".to_owned())
        );
    }
}
