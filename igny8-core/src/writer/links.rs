//! Internal links an article may keep: only to pages that exist.
//!
//! Models invent links — a plausible `/guides/best-hoses/` that was never published, a
//! mistyped slug, the article linking to itself. [`verify_links`] checks every link of an
//! article against the site's pages it knows (the *inventory*: for now IGNY8's own published
//! articles of the site) and unlinks, keeping the words, every internal link
//!
//! - to an address that is not a page of the inventory,
//! - to the article itself,
//! - whose anchor text was used by an earlier link (one anchor, one target),
//! - past the most internal links an article may have (`content.internal_links`).
//!
//! A link is internal when it is relative (`/guides/`) or its host is the site's (with or
//! without `www.`); addresses are compared without scheme, `www.`, query, fragment and
//! trailing slash, case-insensitively. Links to other sites are left as they are.

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

/// An address without scheme, `www.`, query, fragment and trailing slash, lower case.
fn normal(url: &str) -> String {
    let url = url.trim();
    let rest = url
        .split_once("://")
        .map_or(url, |(_, r)| r)
        .trim_start_matches("//");
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    rest.trim_end_matches('/').to_lowercase()
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
}
