//! Cannibalisation: two pages of one site competing for the same searches.
//!
//! Ideas, articles and the site's WordPress posts and pages (its [link
//! inventory](crate::inventory)) are compared by what they target, read with the local clustering's
//! language tools ([`signature`]: normalised, stemmed topical words, so "garden hoses" and
//! "Garden hose" are the same target):
//!
//! - **same primary keyword**: the first target keyword of each (an idea's first target
//!   keyword, an article's primary keyword) has the same signature;
//! - **keyword overlap**: at least two keywords in common and at least half of the smaller
//!   set of keywords (by signature);
//! - **similar titles**: titles of at least two topical words, at least 80% of them shared
//!   (Jaccard similarity of their signatures).
//!
//! A WordPress post or page has no keywords of its own (its categories and tags group it, they
//! don't say what it is written for): its title stands for its main keyword, so an idea for
//! "garden hose" competes with the site's post "The best garden hoses". Two WordPress posts are
//! not compared with each other: the report is about what IGNY8 plans and writes.
//!
//! Each conflict comes with a suggestion: **merge** two ideas (one page instead of two), or an
//! idea into the article that already covers it; **retarget** one of two articles to another
//! keyword when they share their primary keyword; **link** them to each other when they only
//! overlap in part.

use serde::{Deserialize, Serialize};

use super::clustering::{Language, signature};
use crate::enums::string_enum;

string_enum! {
    /// What a target is.
    pub enum TargetKind {
        /// An idea (planned, not written).
        Idea => "idea",
        /// An article (written content).
        Content => "content",
        /// A post of the site's WordPress (from the link inventory), not made by IGNY8.
        Post => "post",
        /// A page of the site's WordPress (from the link inventory), not made by IGNY8.
        Page => "page",
    }
}

string_enum! {
    /// Why two targets compete.
    pub enum OverlapReason {
        /// Both are written for the same main keyword.
        SamePrimaryKeyword => "same_primary_keyword",
        /// They share most of their keywords.
        KeywordOverlap => "keyword_overlap",
        /// Their titles say nearly the same.
        SimilarTitle => "similar_title",
    }
}

string_enum! {
    /// What to do about two competing targets.
    pub enum OverlapAction {
        /// Make one page of the two.
        Merge => "merge",
        /// Point one of them at another keyword.
        Retarget => "retarget",
        /// Keep both, and link them to each other.
        Link => "link",
    }
}

impl TargetKind {
    /// A post or page of the site's WordPress, not an IGNY8 idea or article.
    pub fn is_wordpress(self) -> bool {
        matches!(self, Self::Post | Self::Page)
    }
}

/// Something on a site that targets searches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// An idea, an article, or a WordPress post or page.
    pub kind: TargetKind,
    /// Its id: the IGNY8 id of an idea or article, the WordPress id of a post or page.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its keywords, the main one first (none for a WordPress post or page).
    pub keywords: Vec<String>,
    /// Its address, for a WordPress post or page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A target read for comparing: signatures of its main keyword, keywords and title.
#[derive(Debug, Clone)]
pub struct Profile {
    primary: Option<Vec<String>>,
    keywords: Vec<Vec<String>>,
    title: Vec<String>,
}

impl Profile {
    /// The signatures of `target` in `language`. A WordPress post's or page's title is its
    /// main keyword.
    pub fn of(target: &Target, language: Language) -> Self {
        let title = signature(&target.title, language);
        if target.kind.is_wordpress() {
            return Self {
                primary: Some(title.clone()).filter(|t| !t.is_empty()),
                keywords: Vec::new(),
                title,
            };
        }
        let mut keywords: Vec<Vec<String>> = target
            .keywords
            .iter()
            .map(|k| signature(k, language))
            .filter(|s| !s.is_empty())
            .collect();
        let primary = keywords.first().cloned();
        keywords.sort();
        keywords.dedup();
        Self {
            primary,
            keywords,
            title,
        }
    }
}

/// Two competing targets, why, and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overlap {
    /// One of them: in the site's report, the idea of an idea and an article, else the older;
    /// among [`conflicts`], the one just queued or written.
    pub a: Target,
    /// The other.
    pub b: Target,
    /// The strongest reason they compete.
    pub reason: OverlapReason,
    /// How much they share, 0–1: 1 for the same primary keyword, else the share of keywords
    /// or of title words.
    pub strength: f64,
    /// The keywords (as written in `a`) they share.
    pub shared_keywords: Vec<String>,
    /// What to do.
    pub action: OverlapAction,
    /// The suggestion in words.
    pub suggestion: String,
}

/// Share of the smaller keyword set in common above which two targets overlap.
const KEYWORD_SHARE: f64 = 0.5;
/// Title similarity (Jaccard) at and above which two titles say the same.
const TITLE_SIMILARITY: f64 = 0.8;

/// Why `a` and `b` compete, and how strongly; `None` when they don't.
pub fn compare(a: &Profile, b: &Profile) -> Option<(OverlapReason, f64)> {
    if let (Some(x), Some(y)) = (&a.primary, &b.primary)
        && x == y
    {
        return Some((OverlapReason::SamePrimaryKeyword, 1.0));
    }
    let shared = a.keywords.iter().filter(|k| b.keywords.contains(k)).count();
    let smaller = a.keywords.len().min(b.keywords.len());
    if shared >= 2 && smaller > 0 {
        let share = shared as f64 / smaller as f64;
        if share >= KEYWORD_SHARE {
            return Some((OverlapReason::KeywordOverlap, share));
        }
    }
    if a.title.len() >= 2 && b.title.len() >= 2 {
        let common = a.title.iter().filter(|w| b.title.contains(w)).count();
        let union = a.title.len() + b.title.len() - common;
        let similarity = common as f64 / union as f64;
        if similarity >= TITLE_SIMILARITY {
            return Some((OverlapReason::SimilarTitle, similarity));
        }
    }
    None
}

/// The keywords of `a` (as written) whose signature `b` has too.
fn shared_keywords(a: &Target, b: &Profile, language: Language) -> Vec<String> {
    a.keywords
        .iter()
        .filter(|k| b.keywords.contains(&signature(k, language)))
        .cloned()
        .collect()
}

fn suggest(a: &Target, b: &Target, reason: OverlapReason) -> (OverlapAction, String) {
    use OverlapReason::*;
    use TargetKind::*;
    let name = |t: &Target| match t.kind {
        Idea => format!("the idea “{}”", t.title),
        Content => format!("the article “{}”", t.title),
        Post | Page => format!("the WordPress {} “{}”", t.kind.as_str(), t.title),
    };
    match (a.kind, b.kind, reason) {
        (Idea, Idea, _) => (
            OverlapAction::Merge,
            format!(
                "Keep one of the two ideas — “{}” and “{}” — and delete the other (or fold its \
                 outline into the one you keep): two articles would compete for the same searches.",
                a.title, b.title
            ),
        ),
        (_, Idea, _) | (Idea, _, _) => {
            let (page, idea) = if a.kind == Idea { (b, a) } else { (a, b) };
            let noun = match page.kind {
                Post => "post",
                Page => "page",
                _ => "article",
            };
            (
                OverlapAction::Merge,
                format!(
                    "{} already covers what {} would: update that {noun} instead of writing the \
                     idea, or give the idea another keyword.",
                    capitalised(&name(page)),
                    name(idea)
                ),
            )
        }
        (_, _, SamePrimaryKeyword) => (
            OverlapAction::Retarget,
            format!(
                "{} and {} are written for the same main keyword: give one of them another \
                 keyword, or merge them into one article and redirect the other's address.",
                capitalised(&name(a)),
                name(b)
            ),
        ),
        _ => (
            OverlapAction::Link,
            format!(
                "{} and {} overlap: link each to the other with anchor text naming what it \
                 covers, so search engines can tell which page answers which search.",
                capitalised(&name(a)),
                name(b)
            ),
        ),
    }
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The overlap of `a` and `b`, when they compete.
pub fn overlap(
    a: (&Target, &Profile),
    b: (&Target, &Profile),
    language: Language,
) -> Option<Overlap> {
    let (reason, strength) = compare(a.1, b.1)?;
    let (action, suggestion) = suggest(a.0, b.0, reason);
    Some(Overlap {
        a: a.0.clone(),
        b: b.0.clone(),
        reason,
        strength: (strength * 100.0).round() / 100.0,
        shared_keywords: shared_keywords(a.0, b.1, language),
        action,
        suggestion,
    })
}

/// Every competing pair among `targets`, strongest first (two WordPress posts or pages are not
/// compared). Quadratic in the number of targets: meant for one site's ideas and articles.
pub fn report(targets: &[Target], language: Language) -> Vec<Overlap> {
    // Ideas before articles before WordPress posts, older before newer: `a` of a pair is the
    // first of these.
    let mut targets = targets.to_vec();
    targets.sort_by_key(|t| (t.kind, t.id));
    let profiles: Vec<Profile> = targets.iter().map(|t| Profile::of(t, language)).collect();
    let mut out = Vec::new();
    for i in 0..targets.len() {
        for j in i + 1..targets.len() {
            if targets[i].kind.is_wordpress() && targets[j].kind.is_wordpress() {
                continue;
            }
            if let Some(o) = overlap(
                (&targets[i], &profiles[i]),
                (&targets[j], &profiles[j]),
                language,
            ) {
                out.push(o);
            }
        }
    }
    strongest_first(&mut out);
    out
}

/// What each of `candidates` (just queued or written) competes with: the other candidates and
/// `existing` (the site's targets; a candidate among them is compared once, as a candidate).
/// `a` of each pair is the candidate; strongest first.
pub fn conflicts(candidates: &[Target], existing: &[Target], language: Language) -> Vec<Overlap> {
    let profiled = |t: &Target| (t.clone(), Profile::of(t, language));
    let candidates: Vec<(Target, Profile)> = candidates.iter().map(profiled).collect();
    let existing: Vec<(Target, Profile)> = existing
        .iter()
        .filter(|t| {
            !candidates
                .iter()
                .any(|(c, _)| (c.kind, c.id) == (t.kind, t.id))
        })
        .map(profiled)
        .collect();
    let mut out = Vec::new();
    for (i, (c, cp)) in candidates.iter().enumerate() {
        for (t, tp) in candidates[i + 1..].iter().chain(&existing) {
            if let Some(o) = overlap((c, cp), (t, tp), language) {
                out.push(o);
            }
        }
    }
    strongest_first(&mut out);
    out
}

fn strongest_first(pairs: &mut [Overlap]) {
    pairs.sort_by(|x, y| {
        y.strength
            .total_cmp(&x.strength)
            .then((x.a.kind, x.a.id, x.b.kind, x.b.id).cmp(&(y.a.kind, y.a.id, y.b.kind, y.b.id)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(kind: TargetKind, id: i64, title: &str, keywords: &[&str]) -> Target {
        Target {
            kind,
            id,
            title: title.into(),
            keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
            url: kind
                .is_wordpress()
                .then(|| format!("https://example.com/?p={id}")),
        }
    }

    #[test]
    fn the_same_main_keyword_is_found_through_plurals_and_case() {
        let a = t(
            TargetKind::Content,
            1,
            "Garden hoses tested",
            &["Garden Hoses"],
        );
        let b = t(
            TargetKind::Content,
            2,
            "Our favourite watering tools",
            &["garden hose", "reel"],
        );
        let found = report(&[a, b], Language::English);
        assert_eq!(found.len(), 1);
        let o = &found[0];
        assert_eq!(o.reason, OverlapReason::SamePrimaryKeyword);
        assert_eq!(o.action, OverlapAction::Retarget);
        assert_eq!(o.strength, 1.0);
        assert_eq!(o.shared_keywords, ["Garden Hoses"]);
        assert!(
            o.suggestion
                .starts_with("The article “Garden hoses tested” and the article “Our"),
            "{}",
            o.suggestion
        );
    }

    #[test]
    fn keyword_overlap_titles_and_unrelated_pages() {
        let idea = t(
            TargetKind::Idea,
            7,
            "Choosing a hose reel",
            &["hose reel", "hose reel cart", "wall mounted hose reel"],
        );
        let article = t(
            TargetKind::Content,
            3,
            "Hose reels, carts and hangers",
            &["hose hanger", "hose reel cart", "wall mounted hose reel"],
        );
        let other = t(
            TargetKind::Idea,
            8,
            "Watering a lawn in a drought",
            &["drought lawn care"],
        );
        let title_twin = t(
            TargetKind::Idea,
            9,
            "Choosing a Hose Reel",
            &["reel buying guide"],
        );
        let found = report(
            &[idea.clone(), article, other, title_twin],
            Language::English,
        );
        // 2 of 3 keywords shared; the same title (stems) as idea 9; idea 8 competes with none.
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].reason, OverlapReason::SimilarTitle);
        assert_eq!(found[0].action, OverlapAction::Merge);
        assert_eq!((found[0].a.id, found[0].b.id), (7, 9));
        assert_eq!(found[1].reason, OverlapReason::KeywordOverlap);
        assert_eq!(found[1].strength, 0.67);
        assert_eq!(
            found[1].shared_keywords,
            ["hose reel cart", "wall mounted hose reel"]
        );
        assert_eq!(found[1].action, OverlapAction::Merge);
        assert!(
            found[1]
                .suggestion
                .starts_with("The article “Hose reels, carts and hangers” already covers"),
            "{}",
            found[1].suggestion
        );
        // One shared keyword is not an overlap.
        let one = t(
            TargetKind::Content,
            4,
            "Hose hangers",
            &["hose hanger", "garage storage"],
        );
        let two = t(
            TargetKind::Content,
            5,
            "Garage storage ideas",
            &["garage storage", "shelving"],
        );
        assert!(report(&[one, two], Language::English).is_empty());
    }

    #[test]
    fn a_wordpress_post_competes_by_its_title_and_posts_are_not_paired() {
        let idea = t(
            TargetKind::Idea,
            4,
            "Which garden hose to buy",
            &["garden hose", "hose length"],
        );
        let post = t(TargetKind::Post, 120, "The best garden hoses", &[]);
        let page = t(TargetKind::Page, 2, "Best Garden Hoses!", &[]);
        let unrelated = t(TargetKind::Post, 121, "Pruning roses in spring", &[]);
        let found = report(
            &[post.clone(), idea.clone(), page, unrelated],
            Language::English,
        );
        // The idea competes with the post and the page (their titles are its main keyword,
        // "best" aside); the post and the page, both WordPress's, are not paired.
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found.iter().all(|o| o.a.kind == TargetKind::Idea));
        assert_eq!(found[0].reason, OverlapReason::SamePrimaryKeyword);
        assert_eq!(found[0].b.kind, TargetKind::Post);
        assert_eq!(found[0].action, OverlapAction::Merge);
        assert_eq!(
            found[0].suggestion,
            "The WordPress post “The best garden hoses” already covers what the idea “Which \
             garden hose to buy” would: update that post instead of writing the idea, or give \
             the idea another keyword."
        );
        assert_eq!(
            found[0].b.url.as_deref(),
            Some("https://example.com/?p=120")
        );
        // An article written for it: retarget (or merge) the article.
        let article = t(
            TargetKind::Content,
            9,
            "Hoses for small gardens",
            &["Garden Hose"],
        );
        let found = report(&[article, post], Language::English);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].action, OverlapAction::Retarget);
    }

    #[test]
    fn conflicts_are_those_of_the_candidates() {
        let queued = t(TargetKind::Idea, 10, "Hose reels compared", &["hose reel"]);
        let twin = t(
            TargetKind::Idea,
            11,
            "Hose reel buying guide",
            &["hose reels"],
        );
        let article = t(TargetKind::Content, 3, "Hose reels", &["hose reel", "reel"]);
        let other_idea = t(
            TargetKind::Idea,
            12,
            "Storing a hose in winter",
            &["hose storage"],
        );
        let other_article = t(
            TargetKind::Content,
            4,
            "Winter hose storage",
            &["hose storage"],
        );
        // The existing targets include a candidate (it is compared once, as a candidate) and two
        // that compete with each other but with no candidate: not reported here.
        let found = conflicts(
            &[queued.clone(), twin.clone()],
            &[queued, twin, article, other_idea, other_article],
            Language::English,
        );
        let pairs: Vec<_> = found
            .iter()
            .map(|o| ((o.a.kind, o.a.id), (o.b.kind, o.b.id)))
            .collect();
        assert_eq!(
            pairs,
            [
                ((TargetKind::Idea, 10), (TargetKind::Idea, 11)),
                ((TargetKind::Idea, 10), (TargetKind::Content, 3)),
                ((TargetKind::Idea, 11), (TargetKind::Content, 3)),
            ]
        );
        assert!(
            found
                .iter()
                .all(|o| o.reason == OverlapReason::SamePrimaryKeyword)
        );
    }

    #[test]
    fn settings_name_languages() {
        assert_eq!(Language::from_setting("English"), Some(Language::English));
        assert_eq!(Language::from_setting(" deutsch "), Some(Language::German));
        assert_eq!(Language::from_setting("pt-BR"), Some(Language::Portuguese));
        assert_eq!(Language::from_setting("Klingon"), None);
    }
}
