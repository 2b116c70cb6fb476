//! SEO checks of an article: deterministic, local, no model call.
//!
//! [`check`] measures an article (title, sanitised HTML body, meta fields, slug, primary
//! keyword) against fourteen rules. Each [`SeoCheck`] says whether it passed, what was
//! measured ("72 characters", "1.3%") and, when it failed, how to fix it in plain words. The
//! score is the sum of the weights of the passed checks ([`CHECK_WEIGHTS`], 100 in all). The
//! HTML is read with [`Node::parse`]; every block element (`p`, `li`, `h2`, `td`…) ends a
//! stretch of text, so words never run together across blocks.
//!
//! Where the thresholds come from:
//!
//! - **Readability (English)**: Flesch reading ease (R. Flesch, "A new readability
//!   yardstick", *Journal of Applied Psychology* 32(3), 1948):
//!   206.835 − 1.015 × words per sentence − 84.6 × syllables per word. Flesch's table puts
//!   50–60 at "fairly difficult" and below 50 at "difficult", so 50 is the pass mark.
//!   Syllables are counted by a heuristic, not a dictionary — each group of vowels is one, a
//!   silent trailing "e" is not, every word has at least one — so a score can be a few
//!   points off a hand count. The formula's constants are fitted to English; other
//!   languages are held to an average sentence length of at most 20 words, the upper end of
//!   the 15–20 words plain-language guides recommend (M. Cutts, *Oxford Guide to Plain
//!   English*).
//! - **Meta title ≤ 60 and description 120–160 characters**: Google sets no character limit;
//!   it cuts titles and snippets off to fit the width of the results page, which shows about
//!   50–60 characters of a title and about 150–160 of a description. The numbers are the
//!   common approximations of that width ([`META_TITLE_CHARS`], [`META_DESCRIPTION_CHARS`]).
//! - **Keyword density 0.5–2.5%**: an SEO convention, not a ranking factor Google states;
//!   Google's spam policies name keyword stuffing, so the upper bound matters more than the
//!   lower one.
//!
//! Keywords are matched case-insensitively, with white space collapsed, as whole words
//! ("garden hose" is not found in "garden hoses"); accents are compared as written ("café" is
//! not "cafe").

use reqwest::Url;
use serde::{Deserialize, Serialize};

use super::content::{META_DESCRIPTION_CHARS, META_TITLE_CHARS, MetaLength, count_words};
use crate::ai::html::{Node, is_inline_element};
use crate::collapse_whitespace;
use crate::publish::slugify;

/// The checks [`check`] runs, in the order it reports them, with their weights (100 in all).
pub const CHECK_WEIGHTS: [(&str, u32); 14] = [
    ("keyword_in_title", 12),
    ("keyword_in_introduction", 10),
    ("keyword_in_subheading", 8),
    ("keyword_in_slug", 6),
    ("meta_title_length", 8),
    ("meta_description_length", 8),
    ("keyword_density", 8),
    ("heading_levels", 6),
    ("unique_subheadings", 4),
    ("length", 10),
    ("readability", 8),
    ("image_alt_text", 6),
    ("internal_links", 4),
    ("external_links", 2),
];

/// The name of check `id` on a page ("Keyword in the title"); the id itself when unknown.
pub fn check_label(id: &str) -> &str {
    match id {
        "keyword_in_title" => "Keyword in the title",
        "keyword_in_introduction" => "Keyword in the first 100 words",
        "keyword_in_subheading" => "Keyword in a subheading",
        "keyword_in_slug" => "Keyword in the address",
        "meta_title_length" => "Meta title length",
        "meta_description_length" => "Meta description length",
        "keyword_density" => "Keyword density",
        "heading_levels" => "Heading levels",
        "unique_subheadings" => "Different subheadings",
        "length" => "Length",
        "readability" => "Readability",
        "image_alt_text" => "Alt text of images",
        "internal_links" => "Links to the site",
        "external_links" => "Links to other sites",
        other => other,
    }
}

/// How many words from the start of the body count as the introduction.
const INTRODUCTION_WORDS: usize = 100;
/// Keyword density within which `keyword_density` passes, in percent (inclusive).
const DENSITY_PERCENT: (f64, f64) = (0.5, 2.5);
/// The length check passes at this share of the target, in percent.
const TARGET_SHARE_PERCENT: i64 = 90;
/// The least words an article needs when it has no target.
const MIN_WORDS: i64 = 300;
/// The lowest Flesch reading ease that passes (English).
const MIN_FLESCH: i64 = 50;
/// The longest average sentence that passes, in words (other languages).
const MAX_AVERAGE_SENTENCE: f64 = 20.0;

/// What [`check`] looks at: an article as it is stored, plus what it is measured against.
#[derive(Debug, Clone, Copy, Default)]
pub struct SeoInput<'a> {
    /// The post title (plain text).
    pub title: &'a str,
    /// The body: sanitised HTML, as a content stores it (anything else is sanitised first).
    pub html: &'a str,
    /// The SEO title; `None` or blank: the title is what search results show.
    pub meta_title: Option<&'a str>,
    /// The SEO description.
    pub meta_description: Option<&'a str>,
    /// The post's slug; `None`: the one publishing makes from the title ([`slugify`]).
    pub slug: Option<&'a str>,
    /// The keyword the article should rank for; `None` or blank fails the keyword checks.
    pub primary_keyword: Option<&'a str>,
    /// The words the article was asked for; `None`: at least 300.
    pub target_words: Option<i64>,
    /// The article's language as written in settings ("English", "Deutsch"). English — when
    /// it starts with "en" in any case — is measured by Flesch reading ease, other languages
    /// by average sentence length.
    pub language: &'a str,
    /// The site's address, to tell links to the site from links elsewhere; `None`: every
    /// absolute link counts as external.
    pub site_url: Option<&'a str>,
}

/// One check of a [`SeoReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeoCheck {
    /// Which check: one of the names in [`CHECK_WEIGHTS`].
    pub id: String,
    /// Whether the article passes it.
    pub passed: bool,
    /// What was measured, in words ("72 characters", "1.3%", "2 of 3 images have alt text").
    pub value: String,
    /// How to fix it, in plain words; empty when it passed.
    pub hint: String,
    /// What it adds to the score when passed.
    pub weight: u32,
}

/// The checks of one article and its score.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeoReport {
    /// 0–100: the sum of the weights of the passed checks.
    pub score: u8,
    /// Every check, in the order of [`CHECK_WEIGHTS`].
    pub checks: Vec<SeoCheck>,
}

/// Whether `keyword` is in the first 100 words of the body `html` (the
/// `keyword_in_introduction` check alone); `true` for an empty keyword.
pub fn keyword_in_first_words(html: &str, keyword: &str) -> bool {
    let written = collapse_whitespace(keyword);
    if written.is_empty() {
        return true;
    }
    let k = Keyword {
        needle: written.to_lowercase(),
        words: words(&written).len().max(1),
        written,
    };
    keyword_in_introduction(&k, &Body::read(html)).passed
}

/// Runs every check on `input`.
pub fn check(input: &SeoInput) -> SeoReport {
    let body = Body::read(input.html);
    let keyword = input
        .primary_keyword
        .map(collapse_whitespace)
        .filter(|k| !k.is_empty())
        .map(|written| Keyword {
            needle: written.to_lowercase(),
            words: words(&written).len().max(1),
            written,
        });
    let slug = match input.slug {
        Some(s) => s.trim().to_lowercase(),
        None => slugify(input.title),
    };
    let keyword_check =
        |f: &dyn Fn(&Keyword) -> Outcome| keyword.as_ref().map_or_else(no_keyword, f);
    let outcomes = [
        keyword_check(&|k| keyword_in_title(k, input.title)),
        keyword_check(&|k| keyword_in_introduction(k, &body)),
        keyword_check(&|k| keyword_in_subheading(k, &body)),
        keyword_check(&|k| keyword_in_slug(k, &slug, input.slug.is_some())),
        meta_title_length(input.meta_title, input.title),
        meta_description_length(input.meta_description),
        keyword_check(&|k| keyword_density(k, &body)),
        heading_levels(&body),
        unique_subheadings(&body),
        length(count_words(input.html), input.target_words),
        readability(&body, is_english(input.language)),
        image_alt_text(&body),
        internal_links(&body, input.site_url),
        external_links(&body, input.site_url),
    ];
    let checks: Vec<SeoCheck> = CHECK_WEIGHTS
        .into_iter()
        .zip(outcomes)
        .map(|((id, weight), o)| SeoCheck {
            id: id.to_owned(),
            passed: o.passed,
            value: o.value,
            hint: o.hint,
            weight,
        })
        .collect();
    let score: u32 = checks.iter().filter(|c| c.passed).map(|c| c.weight).sum();
    SeoReport {
        score: u8::try_from(score.min(100)).unwrap_or(100),
        checks,
    }
}

/// The primary keyword: as written (white space collapsed), lower-cased for matching, and
/// its number of words.
struct Keyword {
    written: String,
    needle: String,
    words: usize,
}

/// A check's result before its id and weight are attached.
struct Outcome {
    passed: bool,
    value: String,
    hint: String,
}

fn pass(value: impl Into<String>) -> Outcome {
    Outcome {
        passed: true,
        value: value.into(),
        hint: String::new(),
    }
}

fn fail(value: impl Into<String>, hint: impl Into<String>) -> Outcome {
    Outcome {
        passed: false,
        value: value.into(),
        hint: hint.into(),
    }
}

fn no_keyword() -> Outcome {
    fail(
        "no primary keyword",
        "Set a primary keyword for this article: the keyword checks need one.",
    )
}

/// `n` and the noun, singular or plural ("1 word", "3 words").
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

// ---------------------------------------------------------------------------------------
// The body as text.

/// What the checks need from the body, read in one walk of its tree.
#[derive(Default)]
struct Body {
    /// The text of each block, white space collapsed, in reading order.
    blocks: Vec<String>,
    /// Text of the block being read.
    current: String,
    /// `h2`–`h6` in document order: level and text (white space collapsed).
    headings: Vec<(u8, String)>,
    /// Images, and how many of them have non-blank alt text.
    images: usize,
    images_with_alt: usize,
    /// The `href` of every link.
    hrefs: Vec<String>,
}

impl Body {
    fn read(html: &str) -> Self {
        let mut body = Self::default();
        Node::parse(html).iter().for_each(|n| body.node(n));
        body.end_block();
        body
    }

    fn node(&mut self, node: &Node) {
        let Node::Element(e) = node else {
            node.text(&mut self.current);
            return;
        };
        match e.name.as_str() {
            "br" => self.current.push(' '),
            "img" => {
                self.images += 1;
                if e.attr("alt").is_some_and(|alt| !alt.trim().is_empty()) {
                    self.images_with_alt += 1;
                }
            }
            name if is_inline_element(name) => {
                if let Some(href) = e.attr("href").filter(|_| name == "a") {
                    self.hrefs.push(href.to_owned());
                }
                e.children.iter().for_each(|c| self.node(c));
            }
            name => {
                self.end_block();
                if let Some(level) = heading_level(name) {
                    self.headings.push((level, collapse_whitespace(&e.text())));
                }
                e.children.iter().for_each(|c| self.node(c));
                self.end_block();
            }
        }
    }

    fn end_block(&mut self) {
        let text = collapse_whitespace(&self.current);
        self.current.clear();
        if !text.is_empty() {
            self.blocks.push(text);
        }
    }

    /// The text of the `h2` subheadings.
    fn h2s(&self) -> impl Iterator<Item = &str> {
        self.headings
            .iter()
            .filter(|(level, _)| *level == 2)
            .map(|(_, text)| text.as_str())
    }

    fn word_count(&self) -> usize {
        self.blocks.iter().map(|b| words(b).len()).sum()
    }
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

/// The byte ranges of the words of `text`, by [`count_words`]'s rule: a word is a run of
/// letters and digits, with apostrophes and hyphens inside it ("don't", "well-known").
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            end = i + c.len_utf8();
        } else if let Some(s) = start.filter(|_| !matches!(c, '\'' | '’' | '-')) {
            out.push((s, end));
            start = None;
        }
    }
    if let Some(s) = start {
        out.push((s, end));
    }
    out
}

/// Non-overlapping occurrences of `needle` in `haystack` (both lower-cased) as whole words:
/// where the needle starts or ends with a letter or digit, the text next to it must not be one.
fn occurrences(haystack: &str, needle: &str) -> usize {
    if needle.is_empty() {
        return 0;
    }
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let starts_word = alnum(needle.chars().next());
    let ends_word = alnum(needle.chars().next_back());
    let mut found = 0;
    let mut from = 0;
    while let Some(i) = haystack[from..].find(needle) {
        let start = from + i;
        let end = start + needle.len();
        let before = !starts_word || !alnum(haystack[..start].chars().next_back());
        let after = !ends_word || !alnum(haystack[end..].chars().next());
        if before && after {
            found += 1;
            from = end;
        } else {
            from = start + haystack[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    found
}

fn contains_keyword(text: &str, keyword: &Keyword) -> bool {
    occurrences(&collapse_whitespace(&text.to_lowercase()), &keyword.needle) > 0
}

// ---------------------------------------------------------------------------------------
// Keyword checks.

fn keyword_in_title(k: &Keyword, title: &str) -> Outcome {
    if contains_keyword(title, k) {
        pass("found in the title")
    } else {
        fail(
            "not in the title",
            format!(
                "Put \"{}\" in the title, near the start if it reads naturally: searchers \
                 look for their own words there.",
                k.written
            ),
        )
    }
}

fn keyword_in_introduction(k: &Keyword, body: &Body) -> Outcome {
    let mut left = INTRODUCTION_WORDS;
    let mut found = false;
    for block in &body.blocks {
        if left == 0 {
            break;
        }
        let spans = words(block);
        let text = if spans.len() > left {
            &block[..spans[left - 1].1]
        } else {
            block.as_str()
        };
        left = left.saturating_sub(spans.len());
        if contains_keyword(text, k) {
            found = true;
            break;
        }
    }
    let value = format!(
        "{} the first {INTRODUCTION_WORDS} words",
        if found { "in" } else { "not in" }
    );
    if found {
        pass(value)
    } else {
        fail(
            value,
            format!(
                "Use \"{}\" in the first {INTRODUCTION_WORDS} words, so readers see at once that \
                 the article answers their search.",
                k.written
            ),
        )
    }
}

fn keyword_in_subheading(k: &Keyword, body: &Body) -> Outcome {
    let h2s = body.h2s().count();
    let with = body.h2s().filter(|h| contains_keyword(h, k)).count();
    if h2s == 0 {
        return fail(
            "no h2 subheadings",
            format!(
                "Split the article into sections with h2 subheadings, and use \"{}\" in at \
                 least one of them.",
                k.written
            ),
        );
    }
    let value = format!(
        "in {with} of {}",
        count(h2s, "h2 subheading", "h2 subheadings")
    );
    if with > 0 {
        pass(value)
    } else {
        fail(
            value,
            format!(
                "Use \"{}\" in at least one h2 subheading: subheadings tell readers and search \
                 engines what each section covers.",
                k.written
            ),
        )
    }
}

/// The keyword as slug words must appear in the slug between hyphens (or at its ends), so
/// "garden-hose" is in "best-garden-hose-2026" but not in "best-garden-hoses". A keyword
/// with nothing [`slugify`] keeps (a non-Latin script) is compared as its lower-cased words
/// joined by hyphens.
fn keyword_in_slug(k: &Keyword, slug: &str, slug_given: bool) -> Outcome {
    let mut wanted = slugify(&k.written);
    if wanted.is_empty() {
        wanted = words(&k.needle)
            .into_iter()
            .map(|(s, e)| &k.needle[s..e])
            .collect::<Vec<_>>()
            .join("-");
    }
    if slug.is_empty() {
        return fail(
            "no slug",
            format!("Give the post a slug with \"{wanted}\" in it: it shows in the page address."),
        );
    }
    let value = format!("slug \"{slug}\"");
    if !wanted.is_empty() && format!("-{slug}-").contains(&format!("-{wanted}-")) {
        pass(value)
    } else if slug_given {
        fail(
            value,
            format!("Change the slug to include \"{wanted}\": it shows in the page address."),
        )
    } else {
        fail(
            value,
            format!(
                "Put \"{}\" in the title: the slug, which shows in the page address, is made \
                 from it.",
                k.written
            ),
        )
    }
}

fn keyword_density(k: &Keyword, body: &Body) -> Outcome {
    let total = body.word_count();
    if total == 0 {
        return fail("0%", "Write the article body first.");
    }
    let found: usize = body
        .blocks
        .iter()
        .map(|b| occurrences(&b.to_lowercase(), &k.needle))
        .sum();
    let percent = (found * k.words * 100) as f64 / total as f64;
    let value = format!("{percent:.1}%");
    let (low, high) = DENSITY_PERCENT;
    if percent < low {
        fail(
            value,
            format!(
                "Use \"{}\" a few more times where it fits naturally: {} in {} \
                 is below the 0.5–2.5% most SEO guides suggest.",
                k.written,
                count(found, "use", "uses"),
                count(total, "word", "words")
            ),
        )
    } else if percent > high {
        fail(
            value,
            format!(
                "Use \"{}\" less often and vary the wording: repeating it this much reads as \
                 keyword stuffing, to readers and to search engines.",
                k.written
            ),
        )
    } else {
        pass(value)
    }
}

// ---------------------------------------------------------------------------------------
// Meta fields.

fn meta_title_length(meta_title: Option<&str>, title: &str) -> Outcome {
    let meta = meta_title.filter(|t| !t.trim().is_empty());
    let (n, verdict) = MetaLength::of(meta.unwrap_or(title), META_TITLE_CHARS);
    let max = META_TITLE_CHARS.1;
    let mut value = count(n, "character", "characters");
    if meta.is_none() {
        value.push_str(" (the title: no meta title set)");
    }
    match verdict {
        MetaLength::Short | MetaLength::Good => pass(value),
        MetaLength::Missing => fail(
            value,
            format!(
                "Write a meta title of up to {max} characters: search results show it as the link."
            ),
        ),
        MetaLength::TooLong => fail(
            value,
            format!(
                "Shorten the {} to {max} characters or fewer: search results cut off the rest.",
                if meta.is_some() {
                    "meta title"
                } else {
                    "title, or set a shorter meta title"
                }
            ),
        ),
    }
}

fn meta_description_length(description: Option<&str>) -> Outcome {
    let (min, max) = META_DESCRIPTION_CHARS;
    let (n, verdict) = MetaLength::of(description.unwrap_or(""), META_DESCRIPTION_CHARS);
    let value = count(n, "character", "characters");
    match verdict {
        MetaLength::Good => pass(value),
        MetaLength::Missing => fail(
            "no meta description",
            format!(
                "Write a meta description of {min}–{max} characters: without one, search \
                 engines pick a passage of the page themselves."
            ),
        ),
        MetaLength::Short => fail(
            value,
            format!(
                "Lengthen the meta description to at least {min} characters: say what the \
                 reader will get from the article."
            ),
        ),
        MetaLength::TooLong => fail(
            value,
            format!(
                "Shorten the meta description to {max} characters or fewer: search results \
                 cut off the rest."
            ),
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Structure.

/// Headings must go one level deeper at a time, starting below the post title's `h1`.
fn heading_levels(body: &Body) -> Outcome {
    let mut previous = 1;
    for (level, text) in &body.headings {
        if *level > previous + 1 {
            let expected = previous + 1;
            return if previous == 1 {
                fail(
                    format!("first subheading is h{level}"),
                    format!(
                        "Make \"{text}\" an h2: the post title is the page's h1, so the \
                         article's subheadings start at h2."
                    ),
                )
            } else {
                fail(
                    format!("h{level} \"{text}\" follows an h{previous}"),
                    format!(
                        "Make \"{text}\" an h{expected}, or put an h{expected} before it: \
                         headings go one level deeper at a time, so readers and screen \
                         readers can follow the outline."
                    ),
                )
            };
        }
        previous = *level;
    }
    match body.headings.len() {
        0 => pass("no subheadings"),
        n => pass(format!(
            "{}, no level skipped",
            count(n, "subheading", "subheadings")
        )),
    }
}

fn unique_subheadings(body: &Body) -> Outcome {
    let keys: Vec<String> = body.h2s().map(str::to_lowercase).collect();
    for (i, key) in keys.iter().enumerate() {
        if keys[..i].contains(key) {
            let times = keys.iter().filter(|k| *k == key).count();
            let first = keys.iter().position(|k| k == key).unwrap_or(i);
            let text = body.h2s().nth(first).unwrap_or_default();
            return fail(
                format!("\"{text}\" used {times} times"),
                "Give each h2 subheading its own wording: readers scan subheadings to find \
                 the section they want.",
            );
        }
    }
    match keys.len() {
        0 => pass("no h2 subheadings"),
        n => pass(format!(
            "{}, all different",
            count(n, "h2 subheading", "h2 subheadings")
        )),
    }
}

// ---------------------------------------------------------------------------------------
// Length and readability.

fn length(words: i64, target: Option<i64>) -> Outcome {
    let value = count(usize::try_from(words).unwrap_or(0), "word", "words");
    match target {
        Some(target) => {
            let value = format!("{value} (target {target})");
            if words * 100 >= target * TARGET_SHARE_PERCENT {
                pass(value)
            } else {
                let needed = (target * TARGET_SHARE_PERCENT + 99) / 100 - words;
                fail(
                    value,
                    format!(
                        "Add about {}: the article should reach at least \
                         {TARGET_SHARE_PERCENT}% of its {target}-word target.",
                        count(usize::try_from(needed).unwrap_or(0), "word", "words")
                    ),
                )
            }
        }
        None if words >= MIN_WORDS => pass(value),
        None => fail(
            value,
            format!(
                "Expand the article to at least {MIN_WORDS} words: very short pages seldom \
                 cover a topic well enough to rank."
            ),
        ),
    }
}

/// English when it starts with "en" in any case ("English", "en-GB").
fn is_english(language: &str) -> bool {
    let language = language.trim().to_lowercase();
    language.starts_with("en")
}

/// Sentences end at `.`, `!` or `?` followed (after any closing quotes or brackets) by white
/// space or the end of the block, and at the end of every block.
fn sentences(block: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = block.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        while chars
            .peek()
            .is_some_and(|&(_, c)| matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»'))
        {
            chars.next();
        }
        match chars.peek() {
            Some(&(i, c)) if c.is_whitespace() => {
                out.push(&block[start..i]);
                start = i;
            }
            None => {
                out.push(&block[start..]);
                start = block.len();
            }
            Some(_) => {}
        }
    }
    if start < block.len() {
        out.push(&block[start..]);
    }
    out
}

/// Syllables in an English word, by a heuristic: each group of consecutive vowels
/// (`a e i o u y`, accented ones too) is one syllable; a trailing silent `e` takes one away
/// ("make"), except in "-le" after a consonant ("table") and "-ee" ("agree"); every word has
/// at least one.
fn syllables(word: &str) -> usize {
    let word = word.to_lowercase();
    let is_vowel = |c: char| "aeiouyàáâäèéêëìíîïòóôöùúûü".contains(c);
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    let mut groups = 0;
    let mut in_group = false;
    for &c in &letters {
        let vowel = is_vowel(c);
        if vowel && !in_group {
            groups += 1;
        }
        in_group = vowel;
    }
    let n = letters.len();
    let silent_e = n >= 2
        && letters[n - 1] == 'e'
        && letters[n - 2] != 'e'
        && !(n >= 3 && letters[n - 2] == 'l' && !is_vowel(letters[n - 3]));
    if silent_e && groups > 1 {
        groups -= 1;
    }
    groups.max(1)
}

fn readability(body: &Body, english: bool) -> Outcome {
    let mut sentence_count = 0usize;
    let mut word_count = 0usize;
    let mut syllable_count = 0usize;
    for sentence in body.blocks.iter().flat_map(|b| sentences(b)) {
        let spans = words(sentence);
        if spans.is_empty() {
            continue;
        }
        sentence_count += 1;
        word_count += spans.len();
        if english {
            syllable_count += spans
                .iter()
                .map(|&(s, e)| syllables(&sentence[s..e]))
                .sum::<usize>();
        }
    }
    if word_count == 0 {
        return fail("no text to measure", "Write the article body first.");
    }
    let words_per_sentence = word_count as f64 / sentence_count as f64;
    if english {
        let ease = 206.835
            - 1.015 * words_per_sentence
            - 84.6 * (syllable_count as f64 / word_count as f64);
        let ease = ease.round() as i64;
        let value = format!("Flesch reading ease {ease}");
        if ease >= MIN_FLESCH {
            pass(value)
        } else {
            fail(
                value,
                format!(
                    "Use shorter sentences and simpler words: a score of {MIN_FLESCH} or more \
                     is easy for most adults to read."
                ),
            )
        }
    } else {
        let average = (words_per_sentence * 10.0).round() / 10.0;
        let value = format!("average sentence {average:.1} words");
        if average <= MAX_AVERAGE_SENTENCE {
            pass(value)
        } else {
            fail(
                value,
                format!(
                    "Split long sentences: aim for {MAX_AVERAGE_SENTENCE:.0} words or fewer on \
                     average, so the text is easy to follow."
                ),
            )
        }
    }
}

// ---------------------------------------------------------------------------------------
// Images and links.

fn image_alt_text(body: &Body) -> Outcome {
    if body.images == 0 {
        return pass("no images");
    }
    let value = format!(
        "{} of {} {} alt text",
        body.images_with_alt,
        count(body.images, "image", "images"),
        if body.images == 1 { "has" } else { "have" }
    );
    let missing = body.images - body.images_with_alt;
    if missing == 0 {
        pass(value)
    } else {
        fail(
            value,
            format!(
                "Describe each image in its alt text ({} without): screen readers read it \
                 aloud, and search engines use it to understand the image.",
                count(missing, "image", "images")
            ),
        )
    }
}

#[derive(PartialEq, Eq)]
enum LinkKind {
    Internal,
    External,
    /// Neither: a link within the page (`#…`), an e-mail address, something unreadable.
    Other,
}

/// The host of a URL, lower case, without a leading `www.`; a URL without a scheme
/// ("example.com") is read as `https://…`.
fn host_of(url: &str) -> Option<String> {
    let url = url.trim();
    let parsed = Url::parse(url)
        .ok()
        .filter(|u| u.has_host())
        .or_else(|| Url::parse(&format!("https://{url}")).ok())?;
    let host = parsed.host_str()?.to_lowercase();
    Some(host.strip_prefix("www.").map(str::to_owned).unwrap_or(host))
}

/// A relative link, or one to the site's host (ignoring `www.`), is internal; an `http` or
/// `https` link to any other host (a subdomain included) is external.
fn link_kind(href: &str, site_host: Option<&str>) -> LinkKind {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return LinkKind::Other;
    }
    let absolute = if href.starts_with("//") {
        Url::parse(&format!("https:{href}"))
    } else {
        Url::parse(href)
    };
    match absolute {
        Ok(url) if matches!(url.scheme(), "http" | "https") => match host_of(url.as_str()) {
            Some(host) if Some(host.as_str()) == site_host => LinkKind::Internal,
            Some(_) => LinkKind::External,
            None => LinkKind::Other,
        },
        Ok(_) => LinkKind::Other,
        Err(_) if href.contains("://") => LinkKind::Other,
        Err(_) => LinkKind::Internal,
    }
}

fn links(body: &Body, site_url: Option<&str>, kind: LinkKind) -> usize {
    let site_host = site_url.and_then(host_of);
    body.hrefs
        .iter()
        .filter(|h| link_kind(h, site_host.as_deref()) == kind)
        .count()
}

fn internal_links(body: &Body, site_url: Option<&str>) -> Outcome {
    let n = links(body, site_url, LinkKind::Internal);
    let value = count(n, "internal link", "internal links");
    if n > 0 {
        pass(value)
    } else {
        fail(
            value,
            "Link to at least one related page on your own site: it helps readers, and search \
             engines, find more of your articles.",
        )
    }
}

fn external_links(body: &Body, site_url: Option<&str>) -> Outcome {
    let n = links(body, site_url, LinkKind::External);
    let value = count(n, "external link", "external links");
    if n > 0 {
        pass(value)
    } else {
        fail(
            value,
            "Link to at least one trustworthy source on another site that backs up what the \
             article says.",
        )
    }
}

#[cfg(test)]
mod tests;
