use super::*;

const MARK: &str = "igny8:content=7@1767323045678;";

fn blocks(html: &str) -> String {
    body_blocks(html, &[], MARK)
}

/// The blocks without the marker (on the first block).
fn plain(html: &str) -> String {
    let meta = format!("\"metadata\":{{\"{MARKER_KEY}\":\"{MARK}\"}}");
    blocks(html)
        .replacen(&format!(" {{{meta}}}"), "", 1)
        .replacen(&format!("{meta},"), "", 1)
        .replacen(&format!(",{meta}"), "", 1)
}

#[test]
fn paragraphs_and_headings() {
    assert_eq!(
        blocks("<p>Hello <strong>world</strong></p><h2>Why</h2><h3>How &amp; when</h3>"),
        "<!-- wp:paragraph {\"metadata\":{\"igny8Marker\":\"igny8:content=7@1767323045678;\"}} -->\n\
         <p>Hello <strong>world</strong></p>\n<!-- /wp:paragraph -->\n\n\
         <!-- wp:heading -->\n<h2 class=\"wp-block-heading\">Why</h2>\n<!-- /wp:heading -->\n\n\
         <!-- wp:heading {\"level\":3} -->\n<h3 class=\"wp-block-heading\">How &amp; when</h3>\n\
         <!-- /wp:heading -->"
    );
    // Loose text and inline elements between blocks become paragraphs; <h1> a section.
    assert_eq!(
        plain("Intro <em>text</em><br><h1>T</h1>tail"),
        "<!-- wp:paragraph -->\n<p>Intro <em>text</em></p>\n<!-- /wp:paragraph -->\n\n\
         <!-- wp:heading -->\n<h2 class=\"wp-block-heading\">T</h2>\n<!-- /wp:heading -->\n\n\
         <!-- wp:paragraph -->\n<p>tail</p>\n<!-- /wp:paragraph -->"
    );
}

#[test]
fn lists_nest_as_inner_blocks() {
    assert_eq!(
        plain(
            "<ol start=\"3\" reversed><li>One<ul><li>a</li></ul></li><li><p>Two</p><p>more</p></li></ol>"
        ),
        "<!-- wp:list {\"ordered\":true,\"reversed\":true,\"start\":3} -->\n\
         <ol start=\"3\" reversed class=\"wp-block-list\"><!-- wp:list-item -->\n\
         <li>One<!-- wp:list -->\n<ul class=\"wp-block-list\"><!-- wp:list-item -->\n<li>a</li>\n\
         <!-- /wp:list-item --></ul>\n<!-- /wp:list --></li>\n<!-- /wp:list-item -->\n\n\
         <!-- wp:list-item -->\n<li>Two<br>more</li>\n<!-- /wp:list-item --></ol>\n<!-- /wp:list -->"
    );
    // A list item holding a table stays HTML, whole.
    let out = plain("<ul><li>x<table><tr><td>1</td></tr></table></li></ul>");
    assert!(
        out.starts_with("<!-- wp:html -->\n<ul><li>x<table>"),
        "{out}"
    );
}

#[test]
fn tables_quotes_code_and_rules() {
    assert_eq!(
        plain(
            "<table><caption>Prices</caption><thead><tr><th scope=\"col\">A</th></tr></thead>\
             <tbody><tr><td><strong>1</strong></td></tr></tbody></table>"
        ),
        "<!-- wp:table {\"hasFixedLayout\":false} -->\n<figure class=\"wp-block-table\"><table>\
         <thead><tr><th scope=\"col\">A</th></tr></thead><tbody><tr><td><strong>1</strong></td>\
         </tr></tbody></table><figcaption class=\"wp-element-caption\">Prices</figcaption>\
         </figure>\n<!-- /wp:table -->"
    );
    // A spanning cell: HTML, with the rows in a tbody as a browser parses them (the custom
    // HTML block compares its markup with the browser's).
    assert_eq!(
        plain("<table><tr><td colspan=\"2\">1</td></tr></table>"),
        "<!-- wp:html -->\n<table><tbody><tr><td colspan=\"2\">1</td></tr></tbody></table>\n\
         <!-- /wp:html -->"
    );
    assert_eq!(
        plain("<blockquote><p>Less is more.</p><cite>Mies</cite></blockquote>"),
        "<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><p>Less is more.</p>\
         <cite>Mies</cite></blockquote>\n<!-- /wp:quote -->"
    );
    assert_eq!(
        plain("<blockquote>Bare words</blockquote>"),
        "<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><p>Bare words</p>\
         </blockquote>\n<!-- /wp:quote -->"
    );
    assert_eq!(
        plain("<pre><code>let a = [1];\nhttps://x.test/y\n</code></pre><hr>"),
        "<!-- wp:code -->\n<pre class=\"wp-block-code\"><code>let a = &#91;1];\n\
         https:&#47;&#47;x.test/y\n</code></pre>\n<!-- /wp:code -->\n\n\
         <!-- wp:separator -->\n<hr class=\"wp-block-separator has-alpha-channel-opacity\"/>\n\
         <!-- /wp:separator -->"
    );
    let dl = plain("<dl><dt>a</dt><dd>b</dd></dl>");
    assert_eq!(
        dl,
        "<!-- wp:html -->\n<dl><dt>a</dt><dd>b</dd></dl>\n<!-- /wp:html -->"
    );
}

#[test]
fn images_go_before_the_next_sections() {
    let images = [
        BodyImage {
            attachment_id: 11,
            url: "https://wp.test/a-1024x1024.png".into(),
            alt: "A \"hose\"".into(),
            size: "large".into(),
        },
        BodyImage {
            attachment_id: 12,
            url: "https://wp.test/b.png".into(),
            alt: String::new(),
            size: "full".into(),
        },
    ];
    let out = body_blocks(
        "<p>i</p><h2>A</h2><p>a</p><h2>B</h2><p>b</p>",
        &images,
        MARK,
    );
    let one = out.find("wp-image-11").unwrap();
    let b = out.find("<h2 class=\"wp-block-heading\">B").unwrap();
    let two = out.find("wp-image-12").unwrap();
    assert!(one < b && b < two, "{out}");
    assert!(out.contains(
        "<!-- wp:image {\"id\":11,\"linkDestination\":\"none\",\"sizeSlug\":\"large\"} -->\n\
         <figure class=\"wp-block-image size-large\"><img src=\"https://wp.test/a-1024x1024.png\" \
         alt=\"A &quot;hose&quot;\" class=\"wp-image-11\"/></figure>\n<!-- /wp:image -->"
    ));
    // The article's own images and figures.
    assert_eq!(
        plain(
            "<figure><img src=\"/x.png\" alt=\"x\" width=\"3\"><figcaption>Cap</figcaption></figure>"
        ),
        "<!-- wp:image -->\n<figure class=\"wp-block-image\"><img src=\"/x.png\" alt=\"x\"/>\
         <figcaption class=\"wp-element-caption\">Cap</figcaption></figure>\n<!-- /wp:image -->"
    );
    let classic = body_classic("<p>i</p><h2>A</h2><h2>B</h2>", &images, MARK);
    assert!(classic.starts_with(&format!("<!-- {MARK} -->\n<p>i</p><h2>A</h2><figure")));
    assert!(
        classic.ends_with("class=\"wp-image-12\"/></figure>"),
        "{classic}"
    );
}

#[test]
fn attributes_are_escaped_as_wordpress_escapes_them() {
    let mut attrs = Map::new();
    attrs.insert("a".into(), json!("x--y <b> & \"q\""));
    assert_eq!(
        attributes_json(&attrs),
        "{\"a\":\"x\\u002d\\u002dy \\u003cb\\u003e \\u0026 \\u0022q\\u0022\"}"
    );
}
