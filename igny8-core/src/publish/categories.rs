//! Which WordPress categories an article goes into: the names the model chose, matched to the
//! site's existing categories first, so that every article doesn't add "Espresso Machines"
//! beside the site's "Espresso machine".
//!
//! Two names match when their topical words are the same after stemming, in any order, with
//! modifiers and stopwords left out — the signature local clustering and the cannibalisation
//! check use ([`signature`]). Nothing looser: "Coffee gear" is not "Coffee equipment", and
//! a wrong category is worse than a new one the site owner can merge.

use crate::enums::string_enum;
use crate::planner::clustering::{Language, signature};

string_enum! {
    /// What happens to a category the site doesn't have (`publish.categories`).
    pub enum CategoryPolicy {
        /// Use the site's category of the same words; make the ones it has none of.
        Match => "match",
        /// Use only the site's existing categories; leave the others out.
        Existing => "existing",
    }
}

/// The categories for a post: each of `wanted` as the name of the site's `existing` category
/// that matches it; one without a match kept as it is (`Match`) or left out (`Existing`).
/// Duplicates (two names matching the same category) are dropped; the order is kept.
pub fn choose_categories(
    wanted: &[String],
    existing: &[String],
    language: Language,
    policy: CategoryPolicy,
) -> Vec<String> {
    let existing: Vec<(Vec<String>, &String)> = existing
        .iter()
        .map(|name| (signature(name, language), name))
        .collect();
    let mut chosen: Vec<String> = Vec::new();
    for name in wanted {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        let wanted_signature = signature(name, language);
        let matched = existing
            .iter()
            .find(|(sig, existing_name)| {
                existing_name.eq_ignore_ascii_case(name)
                    || (!sig.is_empty() && *sig == wanted_signature)
            })
            .map(|(_, existing_name)| existing_name.to_string());
        let pick = match (matched, policy) {
            (Some(found), _) => found,
            (None, CategoryPolicy::Match) => name.to_owned(),
            (None, CategoryPolicy::Existing) => continue,
        };
        if !chosen
            .iter()
            .any(|c| c.to_lowercase() == pick.to_lowercase())
        {
            chosen.push(pick);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_sites_own_categories_are_used_first() {
        let site = names(&["Espresso machine", "Grinders", "Coffee equipment"]);
        let wanted = names(&["Espresso Machines", "Best Grinders 2024", "Coffee Gear"]);
        assert_eq!(
            choose_categories(&wanted, &site, Language::English, CategoryPolicy::Match),
            names(&["Espresso machine", "Grinders", "Coffee Gear"]),
            "plurals, case and modifiers match; other words make a new category"
        );
        assert_eq!(
            choose_categories(&wanted, &site, Language::English, CategoryPolicy::Existing),
            names(&["Espresso machine", "Grinders"]),
            "only existing ones"
        );
    }

    #[test]
    fn duplicates_and_blanks_are_dropped() {
        let site = names(&["Espresso machine"]);
        let wanted = names(&["espresso machines", " ", "Espresso Machine", "Milk"]);
        assert_eq!(
            choose_categories(&wanted, &site, Language::English, CategoryPolicy::Match),
            names(&["Espresso machine", "Milk"])
        );
        assert!(
            choose_categories(&wanted, &[], Language::English, CategoryPolicy::Existing).is_empty(),
            "a site without categories gets none: WordPress files the post under its default"
        );
    }
}
