//! A sanitised fragment as a tree, for the code that turns an article into other shapes
//! (WordPress blocks, SEO checks).
//!
//! Only for what [`sanitize`](super::sanitize) wrote: every element there is closed, nested
//! properly and written by the sanitiser, so a stack is all the parsing it takes; anything
//! else is sanitised first ([`Node::parse`] does it).

use super::entities::decode_entities;
use super::rules::is_void;
use super::tokenizer::{Token, Tokenizer};

/// One node of a sanitised fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Text as the fragment writes it: character references kept, `&`, `<` and `>` escaped.
    Text(String),
    /// An element.
    Element(Element),
}

/// An element of a sanitised fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Its name, lower case.
    pub name: String,
    /// Its attributes in order, values decoded (`None` for a bare attribute such as `reversed`).
    pub attrs: Vec<(String, Option<String>)>,
    /// What it holds (nothing for `br`, `hr`, `img`).
    pub children: Vec<Node>,
}

impl Node {
    /// The nodes of `html`, sanitised first.
    pub fn parse(html: &str) -> Vec<Node> {
        Self::parse_clean(&super::sanitize_html(html))
    }

    /// The nodes of a fragment the sanitiser wrote.
    pub(crate) fn parse_clean(clean: &str) -> Vec<Node> {
        let mut stack: Vec<Element> = vec![Element::new("#root")];
        for token in Tokenizer::new(clean) {
            match token {
                Token::Text(t) => push(&mut stack, Node::Text(t.to_owned())),
                Token::Start { name, attrs, .. } => {
                    let element = Element {
                        attrs: attrs
                            .iter()
                            .map(|a| (a.name.clone(), a.value.map(decode_entities)))
                            .collect(),
                        children: Vec::new(),
                        name,
                    };
                    if is_void(&element.name) {
                        push(&mut stack, Node::Element(element));
                    } else {
                        stack.push(element);
                    }
                }
                Token::End { name } => {
                    if stack.len() > 1 && stack.last().is_some_and(|e| e.name == name) {
                        let done = stack.pop().expect("checked above");
                        push(&mut stack, Node::Element(done));
                    }
                }
                Token::Raw | Token::Other => {}
            }
        }
        while stack.len() > 1 {
            let done = stack.pop().expect("more than one");
            push(&mut stack, Node::Element(done));
        }
        stack.pop().map(|root| root.children).unwrap_or_default()
    }

    /// The element, if this is one.
    pub fn element(&self) -> Option<&Element> {
        match self {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        }
    }

    /// Whether this is text of white space only.
    pub fn is_blank(&self) -> bool {
        matches!(self, Node::Text(t) if t.trim().is_empty())
    }

    /// The node as HTML, as the sanitiser writes it.
    pub fn write(&self, out: &mut String) {
        match self {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => e.write(out),
        }
    }

    /// The plain text of the node (tags removed, entities decoded, not collapsed).
    pub fn text(&self, out: &mut String) {
        match self {
            Node::Text(t) => out.push_str(&decode_entities(t)),
            Node::Element(e) if e.name == "br" => out.push(' '),
            Node::Element(e) => e.children.iter().for_each(|c| c.text(out)),
        }
    }
}

fn push(stack: &mut [Element], node: Node) {
    if let Some(top) = stack.last_mut() {
        top.children.push(node);
    }
}

impl Element {
    fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The value of attribute `name` (`Some("")` for a bare one).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    /// The element as HTML.
    pub fn write(&self, out: &mut String) {
        self.write_start(out);
        if !is_void(&self.name) {
            self.write_inner(out);
            out.push_str("</");
            out.push_str(&self.name);
            out.push('>');
        }
    }

    /// The start tag, attributes escaped and double-quoted.
    pub fn write_start(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (name, value) in &self.attrs {
            out.push(' ');
            out.push_str(name);
            if let Some(value) = value {
                out.push_str("=\"");
                out.push_str(&super::escape(value));
                out.push('"');
            }
        }
        out.push('>');
    }

    /// What the element holds, as HTML.
    pub fn write_inner(&self, out: &mut String) {
        for child in &self.children {
            child.write(out);
        }
    }

    /// [`Element::write_inner`] as a string.
    pub fn inner_html(&self) -> String {
        let mut out = String::new();
        self.write_inner(&mut out);
        out
    }

    /// The elements among the children (text of white space only skipped); `None` when there
    /// is other text.
    pub fn child_elements(&self) -> Option<Vec<&Element>> {
        let mut out = Vec::new();
        for child in &self.children {
            match child {
                Node::Element(e) => out.push(e),
                t if t.is_blank() => {}
                Node::Text(_) => return None,
            }
        }
        Some(out)
    }

    /// The plain text of the element.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.children.iter().for_each(|c| c.text(&mut out));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_write_back_what_the_sanitiser_wrote() {
        let html = "<h2>Tom &amp; Jerry</h2><p>a <a href=\"https://x.test/?a=1&amp;b=2\">link</a>\
                    <br>b</p><ol start=\"3\" reversed><li>x<ul><li>y</li></ul></li></ol>\
                    <figure><img src=\"/a.png\" alt=\"say &quot;hi&quot;\"></figure>";
        let clean = crate::ai::html::sanitize_html(html);
        let nodes = Node::parse_clean(&clean);
        let mut out = String::new();
        nodes.iter().for_each(|n| n.write(&mut out));
        assert_eq!(out, clean);
        let ol = nodes[2].element().unwrap();
        assert_eq!(ol.attr("start"), Some("3"));
        assert_eq!(ol.attr("reversed"), Some(""));
        assert_eq!(nodes[0].element().unwrap().text(), "Tom & Jerry");
        let img = &nodes[3].element().unwrap().children[0];
        assert_eq!(img.element().unwrap().attr("alt"), Some("say \"hi\""));
    }
}
