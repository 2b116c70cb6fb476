//! Rebuilding the allowed elements from tokens on a bounded stack of open elements.

use super::entities::{decode_entities, push_attribute_value, push_text};
use super::rules::{
    CleanAttr, allowed, allowed_attribute, clean_rel, clean_value, closes_p, is_container,
    is_dropped, is_head_content, is_heading, is_inline, is_scope_boundary, is_table_body,
    is_table_part, is_void, is_void_dropped,
};
use super::tokenizer::{Attr, Token, is_space};
use super::{MAX_DEPTH, Sanitized, strip_fences};

/// An element open in the output.
pub(super) struct Open {
    pub(super) name: &'static str,
    /// Where its start tag begins in the output (to take back an empty paragraph).
    pub(super) start: usize,
    /// Whether it holds an element or text other than white space.
    pub(super) content: bool,
}

#[derive(Default)]
pub(super) struct Builder {
    pub(super) out: String,
    pub(super) stack: Vec<Open>,
    pub(super) removed_elements: usize,
    pub(super) removed_attributes: usize,
    /// Inside a removed element: its name and how many of them are open.
    pub(super) skip: Option<(String, usize)>,
    /// Inside `<head>`.
    pub(super) in_head: bool,
}

impl Builder {
    pub(super) fn token(&mut self, token: &Token<'_>) {
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

    pub(super) fn finish(mut self) -> Sanitized {
        while !self.stack.is_empty() {
            self.pop();
        }
        Sanitized {
            html: strip_fences(&self.out).to_owned(),
            removed_elements: self.removed_elements,
            removed_attributes: self.removed_attributes,
        }
    }

    pub(super) fn top(&self) -> Option<&'static str> {
        self.stack.last().map(|open| open.name)
    }

    pub(super) fn mark_content(&mut self) {
        if let Some(open) = self.stack.last_mut() {
            open.content = true;
        }
    }

    /// Writes a start tag, and opens the element unless it is void.
    pub(super) fn open(&mut self, name: &'static str, attrs: &[CleanAttr]) {
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
    pub(super) fn pop(&mut self) {
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
    pub(super) fn pop_to(&mut self, index: usize) {
        while self.stack.len() > index {
            self.pop();
        }
    }

    /// The innermost open element matching `want`, searching no further than `stop`.
    pub(super) fn find(
        &self,
        want: impl Fn(&str) -> bool,
        stop: impl Fn(&str) -> bool,
    ) -> Option<usize> {
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

    pub(super) fn in_scope(&self, want: impl Fn(&str) -> bool) -> Option<usize> {
        self.find(want, is_scope_boundary)
    }

    pub(super) fn close_p(&mut self) {
        if let Some(i) = self.in_scope(|n| n == "p") {
            self.pop_to(i);
        }
    }

    /// Closes an open list item (`li`, or `dt`/`dd`) unless a block lies in between.
    pub(super) fn close_item(&mut self, items: &[&str]) {
        if let Some(i) = self.find(|n| items.contains(&n), |n| !(is_inline(n) || n == "p")) {
            self.pop_to(i);
        }
    }

    /// A line break where an unwrapped block container was, unless white space is there.
    pub(super) fn separate(&mut self) {
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
    pub(super) fn ensure_cell(&mut self, own: usize) -> bool {
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

    pub(super) fn text(&mut self, raw: &str) {
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
    pub(super) fn clean_attrs(
        &mut self,
        element: &str,
        attrs: &[Attr<'_>],
    ) -> Option<Vec<CleanAttr>> {
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

    pub(super) fn start(&mut self, name: &str, attrs: &[Attr<'_>], self_closing: bool) {
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
    pub(super) fn start_table_part(
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
    pub(super) fn start_flow(&mut self, element: &'static str, attrs: &[CleanAttr]) -> bool {
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

    pub(super) fn end(&mut self, name: &str) {
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
