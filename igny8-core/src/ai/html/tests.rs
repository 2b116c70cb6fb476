//! The sanitiser's tests, including the fuzz-style ones.

use super::entities::*;
use super::rules::*;
use super::tokenizer::*;
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
