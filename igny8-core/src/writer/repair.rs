//! Repairs Generate Content makes before an article is saved, without asking the model again:
//! a meta title or description longer than search results show is shortened.
//!
//! Shortening keeps whole words: a meta title keeps the part before a separator (`Title |
//! Brand`, `Title — subtitle`, `Title: subtitle`) when that part alone says enough (at least
//! 30 characters), else the longest run of whole words that fits; a description ends at the
//! last full sentence that fits when that keeps at least 120 characters, else at the last
//! whole word, followed by `…`. Trailing separators and commas are dropped.

use super::content::{META_DESCRIPTION_CHARS, META_TITLE_CHARS};

/// What a repair changed, for the job's result: `{field, before, after}` in characters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Repair {
    /// The field repaired (`meta_title`, `meta_description`).
    pub field: &'static str,
    /// Its length before, in characters.
    pub before: usize,
    /// Its length after.
    pub after: usize,
}

/// `title` fitted to the characters a result shows ([`META_TITLE_CHARS`]); `None` when it
/// fits already.
pub fn fit_meta_title(title: &str) -> Option<String> {
    let max = META_TITLE_CHARS.1;
    let title = title.trim();
    if title.chars().count() <= max {
        return None;
    }
    for separator in [" | ", " — ", " – ", " - ", ": "] {
        if let Some(at) = title.find(separator) {
            let head = trim_tail(&title[..at]);
            let n = head.chars().count();
            if (META_TITLE_CHARS.0..=max).contains(&n) {
                return Some(head.to_owned());
            }
        }
    }
    Some(whole_words(title, max).to_owned())
}

/// `description` fitted to [`META_DESCRIPTION_CHARS`]; `None` when it fits already.
pub fn fit_meta_description(description: &str) -> Option<String> {
    let (least, max) = META_DESCRIPTION_CHARS;
    let description = description.trim();
    if description.chars().count() <= max {
        return None;
    }
    let within: String = description.chars().take(max).collect();
    // The last sentence end that fits, if what it keeps is long enough.
    let sentence_end = within
        .char_indices()
        .rev()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?')
                && description[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map(|(i, c)| i + c.len_utf8());
    if let Some(end) = sentence_end
        && within[..end].chars().count() >= least
    {
        return Some(within[..end].to_owned());
    }
    Some(format!("{}…", whole_words(description, max - 1)))
}

/// The longest start of `text` of whole words within `max` characters, trailing separators
/// dropped (a single word longer than `max` is cut).
fn whole_words(text: &str, max: usize) -> &str {
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if text[..i].chars().count() >= max {
            break;
        }
        if c.is_whitespace() {
            end = i;
        }
    }
    if end == 0 {
        let cut = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
        return trim_tail(&text[..cut]);
    }
    // `text[..end]` ends before a space at or under `max` characters; the word after it may
    // end exactly at the limit.
    let next_space = text[end + 1..]
        .find(char::is_whitespace)
        .map_or(text.len(), |j| end + 1 + j);
    if text[..next_space].chars().count() <= max {
        end = next_space;
    }
    trim_tail(&text[..end])
}

fn trim_tail(text: &str) -> &str {
    text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '|' | '-' | '–' | '—' | ':' | ',' | ';' | '(' | '/')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_titles_keep_their_head_or_whole_words() {
        assert_eq!(fit_meta_title("Short enough | Brand"), None);
        // The part before the separator says enough.
        assert_eq!(
            fit_meta_title(
                "How to Choose a Garden Hose That Lasts | The Complete Buyer's Guide for 2026"
            )
            .as_deref(),
            Some("How to Choose a Garden Hose That Lasts")
        );
        // No separator: whole words up to 60 characters, no dangling dash.
        let long = "Garden hoses compared for every yard and budget and climate — tested";
        let fitted = fit_meta_title(long).unwrap();
        assert_eq!(
            fitted,
            "Garden hoses compared for every yard and budget and climate"
        );
        assert_eq!(fitted.chars().count(), 59);
        // One word longer than the limit is cut.
        assert_eq!(fit_meta_title(&"x".repeat(70)).unwrap().chars().count(), 60);
    }

    #[test]
    fn descriptions_end_at_a_sentence_or_a_word() {
        // 134 characters, then a second sentence: the first is kept whole.
        let first = "A garden hose that kinks is a garden hose you replace, so we tested twenty \
                     of them on real lawns in three climates for a whole summer.";
        let two = format!("{first} Here is what held up, what leaked, and what we'd buy again.");
        assert_eq!(first.chars().count(), 134);
        assert_eq!(fit_meta_description(&two).as_deref(), Some(first));
        // A first sentence too short to stand alone (116 characters): cut at a word, with …
        let short = "A garden hose that kinks is a garden hose you replace, so we tested twenty \
                     of them on real lawns for a whole summer.";
        let fitted =
            fit_meta_description(&format!("{short} {}", "And more words ".repeat(5))).unwrap();
        assert!(
            fitted.starts_with(short) && fitted.ends_with('…'),
            "{fitted}"
        );
        assert!(fitted.chars().count() <= 160, "{fitted}");
        let one = "word ".repeat(40);
        let fitted = fit_meta_description(&one).unwrap();
        assert!(fitted.ends_with("word…"), "{fitted}");
        assert!(fitted.chars().count() <= 160, "{fitted}");
        assert_eq!(fit_meta_description("Fits."), None);
    }
}
