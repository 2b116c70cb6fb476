//! The work around a model call that IGNY8 does itself, per article: sanitising the model's
//! HTML, counting its words, reading its text, and placing images before publishing. A
//! 3000-word article with markup a model might write (and some it shouldn't).

use benches::scaled;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use igny8_core::ai::html;
use igny8_core::writer::count_words;

/// An article of about `words` words in sections of four paragraphs, with lists, a table,
/// links, entities, and a few things that must go (a script, an event handler, a style).
fn article(words: usize) -> String {
    let mut out = String::from("```html\n<h1>The best garden hoses</h1>\n");
    let mut written = 0;
    let mut section = 0;
    while written < words {
        section += 1;
        out.push_str(&format!(
            "<h2 class=\"x\" style=\"color:red\">Section {section}</h2>\n"
        ));
        for p in 0..4 {
            let text: Vec<String> = (0..40).map(|i| format!("word{}", (i + p) % 37)).collect();
            out.push_str(&format!(
                "<p onclick=\"track()\">{} &amp; <a href=\"https://example.com/{section}\">a link</a> <strong>bold</strong></p>\n",
                text.join(" ")
            ));
            written += 44;
        }
        out.push_str("<ul><li>one</li><li>two<li>three</ul>\n");
        if section % 3 == 0 {
            out.push_str("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table><script>alert(1)</script>\n");
        }
    }
    out.push_str("```");
    out
}

fn generation(c: &mut Criterion) {
    let words = scaled(3000, 300);
    let raw = article(words);
    let clean = html::sanitize_html(&raw);
    let mut group = c.benchmark_group("article");
    group.throughput(Throughput::Bytes(raw.len() as u64));
    group.bench_function(format!("sanitize/{words}_words"), |b| {
        b.iter(|| html::sanitize(&raw))
    });
    group.bench_function(format!("count_words/{words}_words"), |b| {
        b.iter(|| count_words(&clean))
    });
    group.bench_function(format!("text_of/{words}_words"), |b| {
        b.iter(|| html::text_of(&clean))
    });
    group.finish();
}

criterion_group!(benches, generation);
criterion_main!(benches);
