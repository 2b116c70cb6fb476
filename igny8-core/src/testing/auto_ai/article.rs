//! Articles written to length: a whole article, the plan of a long one, and one section of
//! it, each read from the brief Generate Content sends and counted with the same word count
//! the writer stores, so the length lands on the budget.

use serde_json::{Value, json};

use super::{capitalise, escape, line_after, number_after, seed_of};
use crate::writer::count_words;

/// What the content prompt says about the article.
#[derive(Debug, Clone, Default)]
pub(super) struct Brief {
    title: String,
    primary: String,
    keywords: Vec<String>,
    outline: Vec<(String, String)>,
    structure: String,
    sector: String,
}

impl Brief {
    /// Reads the rendered content prompt (the default template's wording, with fallbacks for
    /// an account's own template).
    pub(super) fn read(prompt: &str) -> Self {
        let title = prompt
            .split_once("titled \"")
            .and_then(|(_, rest)| rest.split_once("\" for ").or_else(|| rest.split_once('"')))
            .map(|(t, _)| t.trim().to_owned())
            .unwrap_or_default();
        let primary = line_after(prompt, "Primary keyword:")
            .filter(|k| !k.is_empty() && k != "(none)")
            .unwrap_or_else(|| title.to_lowercase());
        let keywords = line_after(prompt, "Other keywords to cover naturally:")
            .filter(|k| k != "(none)")
            .map(|k| {
                k.split(", ")
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty() && *s != primary)
                    .collect()
            })
            .unwrap_or_default();
        let structure = prompt
            .strip_prefix("Write a ")
            .and_then(|rest| rest.split_once(" ("))
            .map(|(s, _)| s.trim().to_owned())
            .unwrap_or_else(|| "article".to_owned());
        let sector = prompt
            .lines()
            .next()
            .and_then(|l| l.rsplit_once(" ("))
            .and_then(|(_, s)| s.split_once(')'))
            .map(|(s, _)| s.trim().to_owned())
            .filter(|s| !s.is_empty() && s != "(none")
            .unwrap_or_default();
        let title = if title.is_empty() || title == "(none)" {
            capitalise(&primary)
        } else {
            title
        };
        Self {
            outline: outline_of(prompt),
            title,
            primary,
            keywords,
            structure,
            sector,
        }
    }

    fn keyword(&self, i: usize) -> &str {
        if self.keywords.is_empty() {
            &self.primary
        } else {
            &self.keywords[i % self.keywords.len()]
        }
    }

    /// Headings for `n` sections: the outline's, then generic ones; the last is a conclusion.
    fn headings(&self, n: usize) -> Vec<(String, String)> {
        let topic = &self.primary;
        let generic = [
            format!("Why {topic} matters"),
            format!("What to look for in {topic}"),
            "How to get started".to_owned(),
            "Common mistakes to avoid".to_owned(),
            format!("Getting more from {topic}"),
            "Tips from experience".to_owned(),
            "Questions readers ask".to_owned(),
            "Costs and value".to_owned(),
            "Looking after it over time".to_owned(),
        ];
        let mut out: Vec<(String, String)> = self
            .outline
            .iter()
            .filter(|(h, _)| !is_conclusion(h))
            .take(n.saturating_sub(1))
            .cloned()
            .collect();
        let mut more = generic.iter().cycle().enumerate();
        while out.len() + 1 < n {
            let Some((i, h)) = more.next() else { break };
            let h = if i >= generic.len() {
                format!("{h}, part {}", i / generic.len() + 1)
            } else {
                h.clone()
            };
            if !out.iter().any(|(o, _)| o.eq_ignore_ascii_case(&h)) {
                out.push((h, String::new()));
            }
        }
        out.push((format!("Final thoughts on {topic}"), String::new()));
        out.into_iter()
            .map(|(h, notes)| (capitalise(&h), notes))
            .collect()
    }

    fn meta(&self) -> Value {
        // Longer than search results show (as models often write it): Generate Content
        // shortens it before saving.
        let meta_title = clip_words(
            &format!(
                "{} | The complete guide, with expert tips, tested picks and the mistakes to avoid",
                self.title
            ),
            90,
        );
        let description = clip_words(
            &format!(
                "{}: what it is, what to look for and how to get it right, with practical tips.",
                capitalise(&self.primary)
            ),
            155,
        );
        let mut tags = vec![self.primary.clone()];
        for k in &self.keywords {
            if tags.len() < 6 && !tags.contains(k) {
                tags.push(k.clone());
            }
        }
        for word in self.primary.split_whitespace() {
            if tags.len() < 3 && word.len() > 3 && !tags.iter().any(|t| t == word) {
                tags.push(word.to_owned());
            }
        }
        while tags.len() < 3 {
            tags.push(["tips", "guide"][tags.len() - 1].to_owned());
        }
        let category = if self.sector.is_empty() {
            "Guides".to_owned()
        } else {
            capitalise(&self.sector)
        };
        json!({"title": self.title, "meta_title": meta_title, "meta_description": description,
               "tags": tags, "categories": [category]})
    }
}

/// Links as models write them, into an article's `html` (`answer["html"]`), without changing
/// its words: the primary keyword's second use links to a page that was never published
/// (`/guides/…-mistakes/`, a model's invention), its third to the first page the prompt lists
/// (`pages`: title and address of the site's pages it may link to), when there is one.
pub(super) fn add_links(answer: &mut Value, prompt: &str, pages: &[(String, String)]) {
    let brief = Brief::read(prompt);
    let Some(html) = answer.get("html").and_then(Value::as_str) else {
        return;
    };
    let primary = escape(&brief.primary);
    if primary.is_empty() {
        return;
    }
    let slug = crate::publish::slugify(&brief.primary);
    let mut links = vec![format!("/guides/{slug}-mistakes/")];
    if let Some((_, url)) = pages.first() {
        links.push(url.clone());
    }
    let mut out = String::with_capacity(html.len() + 200);
    let mut rest = html;
    let mut seen = 0;
    while let Some(at) = rest.find(primary.as_str()) {
        out.push_str(&rest[..at]);
        seen += 1;
        let word = &rest[at..at + primary.len()];
        // Only in text: not inside a tag or an earlier link.
        let inside_tag = out.rfind('<') > out.rfind('>');
        let inside_link = out.rfind("<a ") > out.rfind("</a>");
        match (seen >= 2 && !inside_tag && !inside_link)
            .then(|| (seen - 2 < links.len()).then(|| &links[seen - 2]))
            .flatten()
        {
            Some(href) => out.push_str(&format!("<a href=\"{href}\">{word}</a>")),
            None => out.push_str(word),
        }
        rest = &rest[at + primary.len()..];
    }
    out.push_str(rest);
    answer["html"] = Value::String(out);
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn is_conclusion(heading: &str) -> bool {
    let h = heading.to_lowercase();
    h.contains("conclusion") || h.contains("final thoughts") || h.contains("verdict")
}

/// The numbered outline under "Outline:" (`1. Heading — notes`).
fn outline_of(prompt: &str) -> Vec<(String, String)> {
    let Some((_, rest)) = prompt.split_once("\nOutline:\n") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in rest.lines() {
        if line.trim().is_empty() && !out.is_empty() {
            break;
        }
        let Some((n, text)) = line.split_once(". ") else {
            continue;
        };
        if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let (heading, notes) = text.split_once(" — ").unwrap_or((text, ""));
        out.push((heading.trim().to_owned(), notes.trim().to_owned()));
    }
    out
}

/// `text` cut at a word boundary to at most `max` characters.
fn clip_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Sentences of plain, plausible prose about a topic; `{t}` is the topic, `{k}` a keyword,
/// `{h}` the section's heading.
const SENTENCES: &[&str] = &[
    "{h} matters because it shapes how well {t} works for you from day to day.",
    "Start by deciding what you need from {t}, then compare every option against that list.",
    "Most people who search for {k} want a clear answer rather than a sales pitch, so we keep to what holds up in practice.",
    "A small test before you commit saves time and money later.",
    "Look at the details that are easy to miss: fit, upkeep and how long the result lasts.",
    "If you are unsure, begin with the simplest approach and build on it once you see what works.",
    "People with years of experience of {t} agree on a few basics, and those basics are worth getting right first.",
    "Write down what you tried and what changed, so that the next decision is easier.",
    "Prices vary widely, yet the most expensive choice is rarely the best value.",
    "Keep {k} in mind here, since it often decides which option suits you.",
    "Read the maker's guidance as well, because it reflects conditions you may not have met yet.",
    "Above all, choose what fits your situation rather than what looks impressive.",
    "Small, regular checks catch most problems long before they become expensive.",
    "When two options look equal, pick the one that is easier to maintain.",
    "Ask someone who has done it before; ten minutes of advice can spare you a weekend of rework.",
    "Seasons, space and budget all change the answer, so revisit your choice once a year.",
];

const CLOSING: &[&str] = &[
    "To sum up, {t} rewards a little planning and a lot of consistency.",
    "Your next step is simple: pick one idea from this article and try it this week.",
    "Come back to this checklist whenever your needs change.",
];

/// Short sentences of exactly 1, 2, … 12 words, to land a paragraph on its budget.
const FITTED: &[&str] = &[
    "Really.",
    "It works.",
    "Plan ahead carefully.",
    "Small steps add up.",
    "Start small and keep going.",
    "Good habits make the difference here.",
    "A little patience goes a long way.",
    "Take your time and check each step twice.",
    "Keep notes as you go, and review them monthly.",
    "It is worth doing properly, because shortcuts rarely save time.",
    "Ask for help when you need it; most people will help.",
    "None of this is complicated, but it does reward a steady approach.",
];

const LIST_ITEMS: &[&str] = &[
    "Know what you need {t} to do",
    "Compare at least three options side by side",
    "Check the upkeep each option asks of you",
    "Try it on a small scale first",
    "Review the result after a few weeks",
];

/// Prose of exactly `words` words (as the writer counts them), in paragraphs.
struct Prose<'a> {
    brief: &'a Brief,
    heading: String,
    next: usize,
}

impl<'a> Prose<'a> {
    fn new(brief: &'a Brief, heading: &str) -> Self {
        Self {
            brief,
            heading: heading.to_owned(),
            next: seed_of(heading) % SENTENCES.len(),
        }
    }

    /// `template` filled in, escaped for HTML (and counted as such).
    fn fill(&self, template: &str, i: usize) -> String {
        escape(
            &template
                .replace("{h}", &capitalise(&self.heading))
                .replace("{t}", &self.brief.primary)
                .replace("{k}", self.brief.keyword(i)),
        )
    }

    /// The next sentence of `bank` that fits in `left` words, else a fitted one.
    fn sentence(&mut self, bank: &[&str], left: i64) -> String {
        for _ in 0..bank.len() {
            let s = self.fill(bank[self.next % bank.len()], self.next);
            self.next += 1;
            if count_words(&s) <= left {
                return s;
            }
        }
        let i = (left.clamp(1, FITTED.len() as i64) - 1) as usize;
        FITTED[i].to_owned()
    }

    /// Paragraphs of `words` words, starting with `first` (escaped) when it fits.
    fn paragraphs(&mut self, words: i64, first: Option<String>, bank: &[&str]) -> String {
        let mut out = String::new();
        let mut left = words;
        let mut paragraph: Vec<String> = Vec::new();
        let mut pending = first.filter(|f| count_words(f) <= words);
        while left > 0 {
            let sentence = match pending.take() {
                Some(s) => s,
                None => self.sentence(bank, left),
            };
            let n = count_words(&sentence);
            if n == 0 || n > left {
                break;
            }
            left -= n;
            paragraph.push(sentence);
            if paragraph.len() == 4 || left <= 0 {
                out.push_str(&format!("<p>{}</p>\n", paragraph.join(" ")));
                paragraph.clear();
            }
        }
        if !paragraph.is_empty() {
            out.push_str(&format!("<p>{}</p>\n", paragraph.join(" ")));
        }
        out
    }

    fn list(&self, max_words: i64) -> String {
        let mut items = String::new();
        let mut used = 0;
        for (i, item) in LIST_ITEMS.iter().enumerate() {
            let item = self.fill(item, i);
            let n = count_words(&item);
            if used + n > max_words {
                break;
            }
            used += n;
            items.push_str(&format!("<li>{item}</li>"));
        }
        if items.is_empty() {
            String::new()
        } else {
            format!("<ul>{items}</ul>\n")
        }
    }
}

/// One section: its heading, prose and, when asked, a list — `words` words in all.
fn section_html(
    brief: &Brief,
    heading: &str,
    notes: &str,
    words: i64,
    list: bool,
    closing: bool,
) -> String {
    let heading_html = escape(heading);
    let mut html = format!("<h2>{heading_html}</h2>\n");
    let mut left = words - count_words(&heading_html);
    let mut prose = Prose::new(brief, heading);
    let first = (!notes.is_empty() && notes != "(as the heading says)").then(|| {
        escape(&format!(
            "This part covers {}.",
            lower_first(notes.trim_end_matches('.'))
        ))
    });
    if closing {
        let part = (left / 3).min(40);
        html.push_str(&prose.paragraphs(part, first, CLOSING));
        left -= part;
        if list && left > 30 {
            let items = prose.list(left / 3);
            left -= count_words(&items);
            html.push_str(&items);
        }
        html.push_str(&prose.paragraphs(left, None, SENTENCES));
        return html;
    }
    let lead = if list { left / 2 } else { left };
    html.push_str(&prose.paragraphs(lead, first, SENTENCES));
    left -= lead;
    if list {
        let items = prose.list(left / 2);
        left -= count_words(&items);
        html.push_str(&items);
        html.push_str(&prose.paragraphs(left, None, SENTENCES));
    }
    html
}

/// Splits `total` into `n` near-equal parts.
fn shares(total: i64, n: usize) -> Vec<i64> {
    let n = n.max(1) as i64;
    (0..n)
        .map(|i| total / n + i64::from(i < total % n))
        .collect()
}

/// The introduction: the primary keyword in its first sentence.
fn intro_html(brief: &Brief, words: i64) -> String {
    let kind = match brief.structure.as_str() {
        "how to" => "how-to guide",
        "faq" => "FAQ",
        "cluster hub" => "overview",
        "listicle" => "list",
        other => other,
    };
    let first = escape(&format!(
        "This {kind} is about {}: what it is, what to look for and how to get it right.",
        brief.primary
    ));
    Prose::new(brief, &brief.primary).paragraphs(words, Some(first), SENTENCES)
}

/// A whole article of `words` words, in the `article` shape.
pub(super) fn whole(prompt: &str, words: i64) -> Value {
    let brief = Brief::read(prompt);
    let words = words.max(1);
    let sections = (words / 220).clamp(2, 6) as usize + 1;
    let intro = (words / 10).clamp(1, 150);
    let headings = brief.headings(sections);
    let mut html = intro_html(&brief, intro);
    let budgets = shares(words - count_words(&html), headings.len());
    for (i, ((heading, notes), budget)) in headings.iter().zip(budgets).enumerate() {
        let closing = i + 1 == headings.len();
        html.push_str(&section_html(
            &brief,
            heading,
            notes,
            budget,
            i == 1 || closing,
            closing,
        ));
    }
    let mut article = brief.meta();
    article["html"] = json!(html);
    article
}

/// The questions and answers after an article, when the prompt asks for them ("answer N
/// questions readers ask about \"…\"", then the questions as `- ` lines): the listed ones
/// first, then made-up ones about the keyword, each answered in about fifty words.
pub(super) fn add_faq(answer: &mut Value, prompt: &str) {
    let Some(at) = prompt.find("After the article, answer ") else {
        return;
    };
    let ask = &prompt[at..];
    let count: usize = ask["After the article, answer ".len()..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let topic = ask
        .split("questions readers ask about \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("this")
        .to_owned();
    let mut questions: Vec<String> = ask
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .map(|q| {
            let q = q.trim();
            let mut q = lower_first(q);
            if let Some(first) = q.get(..1) {
                q = first.to_uppercase() + &q[1..];
            }
            if q.ends_with('?') { q } else { format!("{q}?") }
        })
        .take(count)
        .collect();
    let more = [
        format!("What should I know first about {topic}?"),
        "What does it cost?".to_owned(),
        "How long does it take?".to_owned(),
        "What are the common mistakes?".to_owned(),
        "Do I need special tools?".to_owned(),
    ];
    for q in more {
        if questions.len() >= count {
            break;
        }
        questions.push(q);
    }
    let faq: Vec<Value> = questions
        .iter()
        .map(|q| {
            let answer = format!(
                "In short, it depends on how you use it. For most readers the answer to “{}” \
                 comes down to three things: what you need it to do every day, how much care \
                 you are willing to give it, and your budget. Start with the basics, then \
                 compare the details that matter most to you.",
                q.trim_end_matches('?')
            );
            json!({"question": q, "answer": answer})
        })
        .collect();
    answer["faq"] = json!({"heading": "Frequently asked questions", "questions": faq});
}

/// The plan of a long article, in the `article_plan` shape.
pub(super) fn plan(prompt: &str) -> Value {
    let brief = Brief::read(prompt);
    let n = number_after(prompt, "and ", " sections")
        .unwrap_or(4)
        .clamp(2, 30) as usize;
    let intro = number_after(prompt, "intro_html, about ", " words").unwrap_or(120);
    let rest = number_after(prompt, "share of the ", " remaining words").unwrap_or(1500);
    let sections: Vec<Value> = brief
        .headings(n)
        .into_iter()
        .zip(shares(rest, n))
        .map(|((heading, notes), words)| {
            let notes = if notes.is_empty() {
                format!(
                    "What a reader needs to know about {}",
                    heading.to_lowercase()
                )
            } else {
                notes
            };
            json!({"heading": heading, "notes": notes, "words": words})
        })
        .collect();
    let mut plan = brief.meta();
    plan["intro_html"] = json!(intro_html(&brief, intro));
    plan["sections"] = json!(sections);
    plan
}

/// One section of a long article, in the `article_section` shape; `words` overrides the
/// length the prompt asks for.
pub(super) fn section(prompt: &str, words: Option<i64>) -> Value {
    let brief = Brief::read(prompt);
    let heading = prompt
        .split_once(" now: \"")
        .and_then(|(_, rest)| rest.split_once("\". What it covers:"))
        .map(|(h, _)| h.to_owned())
        .unwrap_or_else(|| capitalise(&brief.primary));
    let notes = line_after(prompt, "What it covers:").unwrap_or_default();
    let k = number_after(prompt, "Write section ", " of").unwrap_or(1);
    let budget = words
        .or_else(|| number_after(prompt, "Length: about ", " words"))
        .unwrap_or(300);
    let closing = prompt.contains("this is the conclusion");
    let html = section_html(
        &brief,
        &heading,
        &notes,
        budget,
        k % 2 == 0 || closing,
        closing,
    );
    json!({"html": html})
}

#[cfg(test)]
mod tests {
    use super::*;

    const BRIEF: &str = "Write a how to (post) titled \"How to store a garden hose\" for Hose Shop site (Garden).\n\n\
        Brief: (none)\nPrimary keyword: garden hose reel\nOther keywords to cover naturally: garden hose reel, hose reel cart, a/b tests\n\
        Length: about 600 words.\n\nOutline:\n1. Reels — wall or cart\n   - Budget\n2. Winter storage\n\nWrite HTML for the body only";

    #[test]
    fn the_brief_is_read() {
        let b = Brief::read(BRIEF);
        assert_eq!(b.title, "How to store a garden hose");
        assert_eq!(b.primary, "garden hose reel");
        assert_eq!(b.keywords, ["hose reel cart", "a/b tests"]);
        assert_eq!(b.structure, "how to");
        assert_eq!(b.sector, "Garden");
        assert_eq!(
            b.outline,
            [
                ("Reels".to_owned(), "wall or cart".to_owned()),
                ("Winter storage".to_owned(), String::new())
            ]
        );
    }

    #[test]
    fn fitted_sentences_have_their_length() {
        for (i, s) in FITTED.iter().enumerate() {
            assert_eq!(count_words(s), i as i64 + 1, "{s}");
        }
    }

    #[test]
    fn articles_link_like_models_do() {
        let mut a = whole(BRIEF, 600);
        let before = count_words(a["html"].as_str().unwrap());
        let pages = [(
            "Hose reels".to_owned(),
            "https://example.com/reels/".to_owned(),
        )];
        add_links(&mut a, BRIEF, &pages);
        let html = a["html"].as_str().unwrap();
        assert!(
            html.contains("<a href=\"/guides/garden-hose-reel-mistakes/\">garden hose reel</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://example.com/reels/\">garden hose reel</a>"),
            "{html}"
        );
        assert_eq!(count_words(html), before, "the words stay the same");
        assert_eq!(
            crate::ai::html::sanitize_html(html),
            html.trim_end(),
            "well formed"
        );
    }

    #[test]
    fn articles_have_the_length_asked_for() {
        for words in [100, 333, 600, 1200] {
            let a = whole(BRIEF, words);
            let html = a["html"].as_str().unwrap();
            assert_eq!(count_words(html), words, "{html}");
            assert!(
                !html.contains(" and.") && !html.contains("<p></p>"),
                "{html}"
            );
            assert!(html.contains("<h2>Reels</h2>"), "{html}");
            assert!(words < 300 || html.contains("<ul>"), "{html}");
            assert!(html.contains("garden hose reel"));
            let meta_title = a["meta_title"].as_str().unwrap().chars().count();
            assert!((61..=90).contains(&meta_title), "{meta_title}");
        }
        let s = section(
            "Primary keyword: hoses\nWrite section 2 of 4 now: \"Our picks\". What it covers: x\nLength: about 460 words (between 391 and 529).",
            None,
        );
        let html = s["html"].as_str().unwrap();
        assert!(html.starts_with("<h2>Our picks</h2>"));
        assert_eq!(count_words(html), 460);
    }
}
