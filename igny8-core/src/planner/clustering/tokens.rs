//! Tokenizing, classifying and stemming keyword text.
//!
//! A [`Normalizer`] turns a keyword into tokens (lowercase runs of word
//! characters), classifies each as a stopword, a modifier or a *term*, and
//! stems terms with the language's Snowball stemmer. Terms are interned to
//! `u32` ids; the result for each distinct surface word is cached, so every
//! distinct word is stemmed once per plan.

use std::panic::{AssertUnwindSafe, catch_unwind};

use rust_stemmers::Stemmer;
use rustc_hash::FxHashMap;

use super::language::{CLITICS, Language, fold, fold_into, in_list};

/// At most this many tokens of a keyword are read; the rest is ignored.
pub(super) const MAX_TOKENS: usize = 64;
/// A token keeps at most this many characters; longer runs are cut.
pub(super) const MAX_TOKEN_CHARS: usize = 48;
/// The whole-text fallback signature keeps at most this many characters.
const MAX_FALLBACK_CHARS: usize = 200;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Class {
    /// A function word ("the", "how", "for"), or a contraction ending.
    Stop,
    /// A generic modifier ("best", "free", "2024").
    Modifier,
    /// A topical word, with the id of its (folded) stem.
    Term(u32),
}

/// One token as seen by a callback of [`Normalizer::for_each_token`].
#[derive(Clone, Copy, Debug)]
pub(super) struct Token<'t> {
    /// The lowercase token text (not folded).
    pub surface: &'t str,
    /// Its class.
    pub class: Class,
    /// Byte offset of its first character in the original text.
    pub start: usize,
    /// Byte offset just past its last character in the original text.
    pub end: usize,
}

/// Is `c` part of a word? Letters and digits of any script, plus combining
/// marks (so decomposed accents and Indic vowel signs do not split words).
pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

/// Common combining-mark ranges (std has no general-category lookup).
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{05BF}' | '\u{05C1}' | '\u{05C2}' | '\u{05C4}' | '\u{05C5}' | '\u{05C7}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}'
        | '\u{06E7}' | '\u{06E8}'
        | '\u{06EA}'..='\u{06ED}'
        | '\u{0900}'..='\u{0963}'
        | '\u{0966}'..='\u{0DFF}'
        | '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{200C}' | '\u{200D}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{3099}' | '\u{309A}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`')
}

/// A 4-digit year 1900–2099.
fn is_year(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 4
        && b.iter().all(u8::is_ascii_digit)
        && ((b[0] == b'1' && b[1] == b'9') || (b[0] == b'2' && b[1] == b'0'))
}

/// Stems one lowercase word. The stemmer is third-party code doing byte-offset
/// arithmetic; should it ever panic on odd input, the word is kept unstemmed
/// (defence in depth — a fuzz test finds no such input).
fn stem_word(stemmer: &Stemmer, word: &str) -> String {
    catch_unwind(AssertUnwindSafe(|| stemmer.stem(word).into_owned()))
        .unwrap_or_else(|_| word.to_owned())
}

/// A token found by [`scan`], before classification.
#[derive(Clone, Copy, Debug)]
struct RawToken {
    /// Byte range in the original text.
    start: usize,
    end: usize,
    /// Byte range of its lowercase surface in the arena.
    s_start: usize,
    s_end: usize,
    /// It follows an in-word apostrophe ("s" in "men's").
    clitic: bool,
}

/// Splits `text` into at most [`MAX_TOKENS`] lowercase tokens, written to
/// `arena` and described by `out`. Returns `true` when tokens were left unread.
fn scan(text: &str, arena: &mut String, out: &mut Vec<RawToken>) -> bool {
    let mut cur: Option<RawToken> = None;
    let mut tok_chars = 0usize;
    let mut prev_word = false;
    let mut after_apostrophe = false;
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            let tok = match cur.as_mut() {
                Some(t) => t,
                None => {
                    if out.len() >= MAX_TOKENS {
                        return true;
                    }
                    tok_chars = 0;
                    cur.insert(RawToken {
                        start: i,
                        end: i,
                        s_start: arena.len(),
                        s_end: arena.len(),
                        clitic: after_apostrophe,
                    })
                }
            };
            if tok_chars < MAX_TOKEN_CHARS {
                arena.extend(c.to_lowercase());
                tok_chars += 1;
            }
            tok.end = i + c.len_utf8();
            tok.s_end = arena.len();
            prev_word = true;
            after_apostrophe = false;
        } else {
            if let Some(t) = cur.take() {
                out.push(t);
            }
            after_apostrophe = prev_word && is_apostrophe(c);
            prev_word = false;
        }
    }
    if let Some(t) = cur.take() {
        out.push(t);
    }
    false
}

/// Reusable buffers of [`Normalizer::for_each_token`].
#[derive(Default)]
struct Scratch {
    arena: String,
    raw: Vec<RawToken>,
    classes: Vec<Option<Class>>,
}

/// Tokenizer, classifier, stemmer and term interner for one language.
pub(super) struct Normalizer {
    stemmer: Stemmer,
    stop: &'static [&'static str],
    modifiers: &'static [&'static str],
    protected: &'static [(&'static str, &'static str)],
    /// Surface word → class (terms carry their interned id).
    cache: FxHashMap<Box<str>, Class>,
    /// Term text → id.
    vocab: FxHashMap<Box<str>, u32>,
    /// Id → term text.
    terms: Vec<Box<str>>,
    fold_buf: String,
    scratch: Scratch,
}

impl Normalizer {
    /// A normalizer for `language`.
    pub(super) fn new(language: Language) -> Self {
        Normalizer {
            stemmer: Stemmer::create(language.algorithm()),
            stop: language.stopwords(),
            modifiers: language.modifiers(),
            protected: language.protected_pairs(),
            cache: FxHashMap::default(),
            vocab: FxHashMap::default(),
            terms: Vec::new(),
            fold_buf: String::new(),
            scratch: Scratch::default(),
        }
    }

    /// The text of every interned term, indexed by id.
    pub(super) fn terms(&self) -> &[Box<str>] {
        &self.terms
    }

    /// The id of `term`, interning it if new.
    fn intern(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.vocab.get(term) {
            return id;
        }
        let id = u32::try_from(self.terms.len()).unwrap_or(u32::MAX);
        self.terms.push(term.into());
        self.vocab.insert(term.into(), id);
        id
    }

    /// The term id of a word regardless of the stopword and modifier lists:
    /// its folded stem (or, with a digit, its folded form).
    fn term_of(&mut self, surface: &str, folded: &str) -> u32 {
        if surface.chars().any(char::is_numeric) {
            // "mp3", "4k", "rtx4090": stemming would mangle them.
            return self.intern(folded);
        }
        let stem = fold(&stem_word(&self.stemmer, surface));
        if stem.is_empty() {
            self.intern(folded)
        } else {
            self.intern(&stem)
        }
    }

    /// Classifies a word out of context (cached by the caller). `None` for a
    /// token that folds to nothing (a lone combining mark).
    fn classify_word(&mut self, surface: &str) -> Option<Class> {
        let mut folded = std::mem::take(&mut self.fold_buf);
        fold_into(surface, &mut folded);
        let class = if folded.is_empty() {
            None
        } else if in_list(self.stop, &folded) {
            Some(Class::Stop)
        } else if in_list(self.modifiers, &folded) {
            Some(Class::Modifier)
        } else {
            Some(Class::Term(self.term_of(surface, &folded)))
        };
        self.fold_buf = folded;
        class
    }

    /// Classifies one token out of context.
    fn classify(&mut self, surface: &str, clitic: bool) -> Option<Class> {
        if clitic && in_list(CLITICS, surface) {
            return Some(Class::Stop);
        }
        if surface.bytes().all(|b| b.is_ascii_digit()) {
            // Years are modifiers; other numbers are terms ("iphone 15").
            if is_year(surface) {
                return Some(Class::Modifier);
            }
            return Some(Class::Term(self.intern(surface)));
        }
        if let Some(&class) = self.cache.get(surface) {
            return Some(class);
        }
        let class = self.classify_word(surface)?;
        self.cache.insert(surface.into(), class);
        Some(class)
    }

    /// Is `(a, b)` a protected pair (compared folded)?
    fn is_protected(&self, a: &str, b: &str) -> bool {
        if self.protected.is_empty() {
            return false;
        }
        let (fa, fb) = (fold(a), fold(b));
        self.protected
            .binary_search(&(fa.as_str(), fb.as_str()))
            .is_ok()
    }

    /// Calls `f` for each of the first [`MAX_TOKENS`] tokens of `text`, in
    /// order. Returns `true` when tokens were left unread.
    ///
    /// Context rules applied after classifying each token on its own:
    /// a modifier forming a *protected pair* with its neighbour ("new york",
    /// "gluten free", "tank top") is a term; a number right after a modifier
    /// ("top 10", "best 5") is a modifier.
    pub(super) fn for_each_token(&mut self, text: &str, mut f: impl FnMut(Token<'_>)) -> bool {
        let mut sc = std::mem::take(&mut self.scratch);
        sc.arena.clear();
        sc.raw.clear();
        sc.classes.clear();
        let truncated = scan(text, &mut sc.arena, &mut sc.raw);
        let surface = |arena: &str, r: &RawToken| -> String {
            arena.get(r.s_start..r.s_end).unwrap_or_default().to_owned()
        };
        for r in &sc.raw {
            let s = sc.arena.get(r.s_start..r.s_end).unwrap_or_default();
            let class = if s.is_empty() {
                None
            } else {
                self.classify(s, r.clitic)
            };
            sc.classes.push(class);
        }
        // Protected pairs: adjacent tokens, one of them a modifier.
        for i in 1..sc.raw.len() {
            let (pa, pb) = (sc.classes[i - 1], sc.classes[i]);
            let any_modifier = pa == Some(Class::Modifier) || pb == Some(Class::Modifier);
            if !any_modifier || pa.is_none() || pb.is_none() {
                continue;
            }
            let (a, b) = (
                surface(&sc.arena, &sc.raw[i - 1]),
                surface(&sc.arena, &sc.raw[i]),
            );
            if self.is_protected(&a, &b) {
                for (j, w) in [(i - 1, a), (i, b)] {
                    if sc.classes[j] == Some(Class::Modifier) {
                        sc.classes[j] = Some(Class::Term(self.term_of(&w, &fold(&w))));
                    }
                }
            }
        }
        // Numbers right after a modifier.
        let mut after_modifier = false;
        for (r, class) in sc.raw.iter().zip(sc.classes.iter_mut()) {
            let Some(c) = *class else { continue };
            let s = sc.arena.get(r.s_start..r.s_end).unwrap_or_default();
            if after_modifier && s.bytes().all(|b| b.is_ascii_digit()) {
                *class = Some(Class::Modifier);
            } else {
                after_modifier = c == Class::Modifier;
            }
        }
        for (r, class) in sc.raw.iter().zip(&sc.classes) {
            if let Some(class) = *class {
                let s = sc.arena.get(r.s_start..r.s_end).unwrap_or_default();
                f(Token {
                    surface: s,
                    class,
                    start: r.start,
                    end: r.end,
                });
            }
        }
        self.scratch = sc;
        truncated
    }

    /// Analyses a keyword: writes its distinct term ids (first `max_terms`, in
    /// order of appearance) to `out` and returns whether the keyword is
    /// *clean*: made of exactly those terms, each once, with no stopword or
    /// modifier. A keyword with no term gets one whole-text term instead (see
    /// [`Normalizer::fallback_text`]) and counts as clean.
    pub(super) fn analyze(&mut self, text: &str, max_terms: usize, out: &mut Vec<u32>) -> bool {
        out.clear();
        let mut clean = true;
        let truncated = self.for_each_token(text, |t| match t.class {
            Class::Term(id) if !out.contains(&id) && out.len() < max_terms => out.push(id),
            _ => clean = false,
        });
        if out.is_empty() {
            let whole = self.fallback_text(text);
            out.push(self.intern(&whole));
            return true;
        }
        clean && !truncated
    }

    /// The signature text of a keyword without any term: its tokens (folded,
    /// joined by single spaces), or, with no token at all, its trimmed
    /// lowercase text with runs of whitespace collapsed. At most 200 chars.
    fn fallback_text(&mut self, text: &str) -> String {
        let mut joined = String::new();
        self.for_each_token(text, |t| {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(t.surface);
        });
        if joined.is_empty() {
            joined = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
        }
        let joined = fold(&joined);
        match joined.char_indices().nth(MAX_FALLBACK_CHARS) {
            Some((cut, _)) => joined.get(..cut).unwrap_or_default().trim_end().to_owned(),
            None => joined,
        }
    }

    /// The sorted, distinct term strings of `text` (the public signature).
    pub(super) fn signature(&mut self, text: &str, max_terms: usize) -> Vec<String> {
        let mut ids = Vec::new();
        self.analyze(text, max_terms, &mut ids);
        let mut out: Vec<String> = ids
            .iter()
            .filter_map(|&id| self.terms.get(id as usize))
            .map(|t| t.to_string())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(text: &str) -> Vec<String> {
        Normalizer::new(Language::English).signature(text, 8)
    }

    fn sig_in(text: &str, lang: Language) -> Vec<String> {
        Normalizer::new(lang).signature(text, 8)
    }

    fn classes(text: &str) -> Vec<(String, char)> {
        let mut n = Normalizer::new(Language::English);
        let mut v = Vec::new();
        n.for_each_token(text, |t| {
            let k = match t.class {
                Class::Stop => 's',
                Class::Modifier => 'm',
                Class::Term(_) => 't',
            };
            v.push((t.surface.to_owned(), k));
        });
        v
    }

    #[test]
    fn stopwords_modifiers_and_years_are_dropped() {
        assert_eq!(
            sig("How to replace a Kitchen Faucet"),
            ["faucet", "kitchen", "replac"]
        );
        assert_eq!(sig("best kitchen faucet 2024"), ["faucet", "kitchen"]);
        assert_eq!(sig("cheap laptops near me"), ["laptop"]);
        assert_eq!(sig("top 10 ai tools"), ["ai", "tool"]);
        assert_eq!(sig("iphone 15 review"), ["15", "iphon"]);
    }

    #[test]
    fn protected_pairs_keep_names_and_fixed_terms() {
        assert_eq!(sig("new york hotels"), ["hotel", "new", "york"]);
        assert_eq!(sig("hotels in New York"), sig("new york hotels"));
        assert_eq!(sig("new laptop"), ["laptop"]);
        assert_eq!(sig("gluten free bread"), ["bread", "free", "gluten"]);
        assert_eq!(sig("free bread"), ["bread"]);
        assert_eq!(sig("tank top"), ["tank", "top"]);
        assert_eq!(sig("best buy hours"), ["best", "buy", "hour"]);
        assert_eq!(
            sig_in("hoteles en nueva york", Language::Spanish),
            ["hotel", "nuev", "york"]
        );
        // A number after a protected modifier stays a term.
        assert_eq!(sig("top gun 2"), ["2", "gun", "top"]);
        assert_eq!(sig("top 10 movies"), ["movi"]);
    }

    #[test]
    fn word_order_and_plurals_do_not_matter() {
        assert_eq!(sig("coffee grinder"), sig("grinders for coffee"));
        assert_eq!(sig("coffee grinder"), sig("Best Coffee Grinders 2024"));
    }

    #[test]
    fn punctuation_hyphens_and_apostrophes() {
        assert_eq!(sig("e-bike"), ["bike", "e"]);
        assert_eq!(sig("men's shoes"), sig("mens shoes"));
        assert_eq!(sig("don't"), ["don t"]);
        assert_eq!(sig("vitamin d"), ["d", "vitamin"]);
        assert_eq!(sig("node.js / react!!"), ["js", "node", "react"]);
        let c = classes("it's men's");
        assert_eq!(
            c,
            [
                ("it".into(), 's'),
                ("s".into(), 's'),
                ("men".into(), 't'),
                ("s".into(), 's')
            ]
        );
    }

    #[test]
    fn accents_are_folded_after_stemming() {
        assert_eq!(sig("café au lait"), sig("cafe au lait"));
        assert_eq!(
            sig_in("canción de cuna", Language::Spanish),
            sig_in("cancion cuna", Language::Spanish)
        );
        // Decomposed é (e + U+0301) stays one word.
        assert_eq!(sig("cafe\u{301}"), ["cafe"]);
        assert_eq!(
            sig_in("für hunde", Language::German),
            sig_in("hund", Language::German)
        );
    }

    #[test]
    fn other_scripts() {
        assert_eq!(sig("wordpress новости"), sig("новости wordpress"));
        assert_eq!(
            sig_in("лучшие новости", Language::Russian),
            sig_in("новость", Language::Russian)
        );
        assert_eq!(sig("हिन्दी समाचार").len(), 2);
        assert_eq!(sig("咖啡机"), ["咖啡机"]);
    }

    #[test]
    fn stopword_only_keywords_use_their_whole_text() {
        assert_eq!(sig("How to"), ["how to"]);
        assert_eq!(sig("best 2024"), ["best 2024"]);
        assert_eq!(sig("  !!!  ?? "), ["!!! ??"]);
        assert_eq!(sig(""), [""]);
    }

    #[test]
    fn caps_bound_the_work() {
        let many = (0..100)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            Normalizer::new(Language::English).signature(&many, 8).len(),
            8
        );
        let long = "x".repeat(10_000);
        let s = sig(&long);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].chars().count(), MAX_TOKEN_CHARS);
        let mut n = Normalizer::new(Language::English);
        let mut ids = Vec::new();
        let stops = "the ".repeat(1_000);
        n.analyze(&stops, 8, &mut ids);
        let whole = &n.terms()[ids[0] as usize];
        assert!(whole.starts_with("the the") && whole.chars().count() <= MAX_FALLBACK_CHARS);
    }

    #[test]
    fn clean_flag() {
        let mut n = Normalizer::new(Language::English);
        let mut ids = Vec::new();
        assert!(n.analyze("kitchen faucet", 8, &mut ids));
        assert!(!n.analyze("best kitchen faucet", 8, &mut ids));
        assert!(!n.analyze("faucet kitchen faucet", 8, &mut ids));
        assert!(n.analyze("how to", 8, &mut ids));
    }

    #[test]
    fn token_offsets_point_into_the_original_text() {
        let text = "Best  CAFÉ-au-lait!";
        let mut n = Normalizer::new(Language::French);
        let mut spans = Vec::new();
        n.for_each_token(text, |t| spans.push(&text[t.start..t.end]));
        assert_eq!(spans, ["Best", "CAFÉ", "au", "lait"]);
    }

    /// The stemmers must survive arbitrary words in every language.
    #[test]
    fn stemmers_survive_random_words() {
        let pool: Vec<char> = "abcdeiouyzßàáâãäåæçèéêëìíîïñòóôõöøùúûüýþÿœşğıаеёиоуыэюяйклмнпрстъь'’-0129αβγ中ا\u{301}\u{94d}\u{200d}"
            .chars()
            .collect();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        for lang in Language::ALL {
            let mut n = Normalizer::new(lang);
            let mut ids = Vec::new();
            for _ in 0..4_000 {
                let len = 1 + next() % 14;
                let w: String = (0..len).map(|_| pool[next() % pool.len()]).collect();
                n.analyze(&w, 8, &mut ids);
                assert!(!ids.is_empty());
            }
        }
    }
}
