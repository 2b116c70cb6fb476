use super::*;

fn english(html: &str) -> SeoInput<'_> {
    SeoInput {
        title: "Title",
        html,
        language: "English",
        ..SeoInput::default()
    }
}

fn run<'a>(id: &str, input: &SeoInput<'a>) -> SeoCheck {
    check(input)
        .checks
        .into_iter()
        .find(|c| c.id == id)
        .expect("every check is reported")
}

fn assert_check(check: &SeoCheck, passed: bool, value: &str) {
    assert_eq!(
        (check.passed, check.value.as_str()),
        (passed, value),
        "{}: {}",
        check.id,
        check.hint
    );
    assert_eq!(
        check.hint.is_empty(),
        passed,
        "{}: {}",
        check.id,
        check.hint
    );
}

/// `n` copies of a word, as paragraph text.
fn filler(n: usize) -> String {
    vec!["word"; n].join(" ")
}

#[test]
fn weights_sum_to_100_and_match_the_report() {
    assert_eq!(CHECK_WEIGHTS.iter().map(|(_, w)| w).sum::<u32>(), 100);
    let report = check(&english("<p>Hi.</p>"));
    let reported: Vec<(&str, u32)> = report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.weight))
        .collect();
    assert_eq!(reported, CHECK_WEIGHTS);
}

#[test]
fn syllable_heuristic() {
    let cases = [
        ("the", 1),
        ("water", 2),
        ("early", 2),
        ("make", 1),
        ("table", 2),
        ("agree", 2),
        ("before", 2),
        ("arrives", 3), // really 2: the heuristic doesn't know "-es" after "v" is silent
        ("2026", 1),
        ("considerable", 5),
    ];
    for (word, n) in cases {
        assert_eq!(syllables(word), n, "{word}");
    }
}

#[test]
fn flesch_reading_ease_of_a_short_paragraph() {
    // Sentence 1: Water(2) your(1) garden(2) early(2) = 4 words, 7 syllables.
    // Sentence 2: Morning(2) water(2) reaches(2) the(1) roots(1) before(2) the(1)
    // heat(1) arrives(3) = 9 words, 15 syllables.
    // 13 words, 2 sentences, 22 syllables:
    // 206.835 − 1.015 × 13/2 − 84.6 × 22/13 = 206.835 − 6.5975 − 143.1692 = 57.07 → 57.
    let html = "<p>Water your garden early. Morning water reaches the roots before the \
                heat arrives!</p>";
    assert_check(
        &run("readability", &english(html)),
        true,
        "Flesch reading ease 57",
    );
    // 7 words, 1 sentence, 4+5+4+4+5+5+3 = 30 syllables:
    // 206.835 − 1.015 × 7 − 84.6 × 30/7 = 206.835 − 7.105 − 362.571 = −162.84 → −163.
    let hard = "<p>Comprehensive agricultural irrigation infrastructure necessitates \
                considerable investment.</p>";
    let check = run("readability", &english(hard));
    assert_check(&check, false, "Flesch reading ease -163");
    assert!(check.hint.starts_with("Use shorter sentences"));
}

#[test]
fn blocks_end_sentences() {
    // Without a full stop, the heading and both list items are still sentences of their
    // own: 1 + 3 + 3 words in 3 sentences, every word one syllable:
    // 206.835 − 1.015 × 7/3 − 84.6 × 7/7 = 119.87 → 120.
    let html = "<h2>Dogs</h2><ul><li>Feed the dog</li><li>Walk the dog</li></ul>";
    assert_check(
        &run("readability", &english(html)),
        true,
        "Flesch reading ease 120",
    );
    assert_eq!(
        sentences("He said \"Stop.\" Then he left... Why? 3.5 is a number"),
        vec![
            "He said \"Stop.\"",
            " Then he left...",
            " Why?",
            " 3.5 is a number"
        ]
    );
}

#[test]
fn other_languages_use_average_sentence_length() {
    let german = SeoInput {
        language: "Deutsch",
        ..english("<p>Der Hund schläft. Die Katze spielt im Garten.</p>")
    };
    assert_check(
        &run("readability", &german),
        true,
        "average sentence 4.0 words",
    );
    let long = format!("<p>{}.</p><p>Kurz.</p>", filler(41));
    let german = SeoInput {
        language: "Deutsch",
        ..english(&long)
    };
    // 42 words in 2 sentences.
    assert_check(
        &run("readability", &german),
        false,
        "average sentence 21.0 words",
    );
    assert!(is_english("en-GB") && is_english("ENGLISH") && !is_english("Deutsch"));
}

#[test]
fn keyword_is_matched_case_insensitively_as_whole_words() {
    let input = SeoInput {
        title: "The best GARDEN   hose for 2026",
        primary_keyword: Some(" Garden  Hose "),
        ..english("<p>x</p>")
    };
    assert_check(&run("keyword_in_title", &input), true, "found in the title");
    let plural = SeoInput {
        title: "Garden hoses compared",
        ..input
    };
    assert_check(&run("keyword_in_title", &plural), false, "not in the title");
    let accents = SeoInput {
        title: "Best cafe in town",
        primary_keyword: Some("café"),
        ..input
    };
    assert_check(
        &run("keyword_in_title", &accents),
        false,
        "not in the title",
    );
    assert_eq!(occurrences("c++ tips and c++", "c++"), 2);
}

#[test]
fn introduction_is_the_first_100_words() {
    // The keyword's last word is word 100: found. One word later: not.
    let at_100 = format!("<h2>{}</h2><p>{} garden hose</p>", filler(8), filler(90));
    let at_101 = format!("<h2>{}</h2><p>{} garden hose</p>", filler(8), filler(91));
    for (html, found) in [(&at_100, true), (&at_101, false)] {
        let input = SeoInput {
            primary_keyword: Some("garden hose"),
            ..english(html)
        };
        let value = if found {
            "in the first 100 words"
        } else {
            "not in the first 100 words"
        };
        assert_check(&run("keyword_in_introduction", &input), found, value);
    }
}

#[test]
fn keyword_in_h2_and_slug() {
    let html = "<h2>Why water</h2><h3>Garden hose sizes</h3><h2>Buying a garden hose</h2>";
    let input = SeoInput {
        title: "Best garden hoses",
        primary_keyword: Some("garden hose"),
        ..english(html)
    };
    assert_check(
        &run("keyword_in_subheading", &input),
        true,
        "in 1 of 2 h2 subheadings",
    );
    let check = run("keyword_in_slug", &input);
    assert_check(&check, false, "slug \"best-garden-hoses\"");
    assert!(check.hint.contains("in the title"), "{}", check.hint);
    let given = SeoInput {
        slug: Some("Best-Garden-Hose-2026"),
        ..input
    };
    assert_check(
        &run("keyword_in_slug", &given),
        true,
        "slug \"best-garden-hose-2026\"",
    );
    // A keyword slugify keeps nothing of is compared as its words joined by hyphens.
    let japanese = SeoInput {
        slug: Some("日本-ガイド-2026"),
        primary_keyword: Some("日本 ガイド"),
        ..input
    };
    assert_check(
        &run("keyword_in_slug", &japanese),
        true,
        "slug \"日本-ガイド-2026\"",
    );
    let none = SeoInput {
        html: "<p>No sections</p>",
        ..input
    };
    assert_check(
        &run("keyword_in_subheading", &none),
        false,
        "no h2 subheadings",
    );
}

#[test]
fn keyword_density_is_exact() {
    // 2 uses × 2 words / 200 words = 2.0%.
    let html = format!(
        "<p>garden hose {}</p><p>{} garden hose</p>",
        filler(98),
        filler(98)
    );
    let input = SeoInput {
        primary_keyword: Some("garden hose"),
        ..english(&html)
    };
    assert_check(&run("keyword_density", &input), true, "2.0%");
    // The bounds are inclusive: 1 × 2 / 400 = 0.5% and 5 × 2 / 400 = 2.5% pass,
    // 1 × 2 / 402 = 0.497…% and 5 × 2 / 398 = 2.51…% don't.
    for (uses, total, passed, value) in [
        (1, 400, true, "0.5%"),
        (5, 400, true, "2.5%"),
        (1, 402, false, "0.5%"),
        (5, 398, false, "2.5%"),
    ] {
        let html = format!(
            "<p>{}{}</p>",
            "garden hose ".repeat(uses),
            filler(total - 2 * uses)
        );
        let input = SeoInput {
            primary_keyword: Some("Garden Hose"),
            ..english(&html)
        };
        assert_check(&run("keyword_density", &input), passed, value);
    }
}

#[test]
fn heading_levels_must_not_skip() {
    let skip = run("heading_levels", &english("<h2>Soil</h2><h4>Clay</h4>"));
    assert_check(&skip, false, "h4 \"Clay\" follows an h2");
    assert!(skip.hint.starts_with("Make \"Clay\" an h3"));
    assert_check(
        &run(
            "heading_levels",
            &english("<h2>A</h2><h3>B</h3><h2>C</h2><h3>D</h3>"),
        ),
        true,
        "4 subheadings, no level skipped",
    );
    assert_check(
        &run("heading_levels", &english("<p>Intro</p><h3>Details</h3>")),
        false,
        "first subheading is h3",
    );
    // The sanitiser turns an h1 into an h2: the post title is the page's h1.
    assert_check(
        &run("heading_levels", &english("<h1>A</h1><h3>B</h3>")),
        true,
        "2 subheadings, no level skipped",
    );
    assert_check(
        &run("heading_levels", &english("<p>x</p>")),
        true,
        "no subheadings",
    );
}

#[test]
fn duplicate_h2s_fail() {
    let html = "<h2>Tips</h2><p>a</p><h2>Tools</h2><h2>  tips </h2><h3>Tips</h3>";
    assert_check(
        &run("unique_subheadings", &english(html)),
        false,
        "\"Tips\" used 2 times",
    );
    assert_check(
        &run("unique_subheadings", &english("<h2>Tips</h2><h3>Tips</h3>")),
        true,
        "1 h2 subheading, all different",
    );
}

#[test]
fn meta_lengths_count_characters() {
    let long = "x".repeat(72);
    let input = SeoInput {
        meta_title: Some(&long),
        ..english("<p>x</p>")
    };
    let check = run("meta_title_length", &input);
    assert_check(&check, false, "72 characters");
    assert_eq!(
        check.hint,
        "Shorten the meta title to 60 characters or fewer: search results cut off the rest."
    );
    // 60 characters, 120 bytes.
    let accented = "é".repeat(60);
    let input = SeoInput {
        meta_title: Some(&accented),
        ..input
    };
    assert_check(&run("meta_title_length", &input), true, "60 characters");
    let no_meta = SeoInput {
        title: "Short title",
        meta_title: Some("  "),
        ..input
    };
    assert_check(
        &run("meta_title_length", &no_meta),
        true,
        "11 characters (the title: no meta title set)",
    );

    assert_check(
        &run("meta_description_length", &english("")),
        false,
        "no meta description",
    );
    for (n, passed) in [(119, false), (120, true), (160, true), (161, false)] {
        let text = "d".repeat(n);
        let input = SeoInput {
            meta_description: Some(&text),
            ..english("")
        };
        assert_check(
            &run("meta_description_length", &input),
            passed,
            &format!("{n} characters"),
        );
    }
}

#[test]
fn length_against_target() {
    let html = format!("<p>{}</p>", filler(899));
    let input = SeoInput {
        target_words: Some(1000),
        ..english(&html)
    };
    let check = run("length", &input);
    assert_check(&check, false, "899 words (target 1000)");
    assert_eq!(
        check.hint,
        "Add about 1 word: the article should reach at least 90% of its 1000-word target."
    );
    let html = format!("<p>{}</p>", filler(900));
    let input = SeoInput {
        target_words: Some(1000),
        ..english(&html)
    };
    assert_check(&run("length", &input), true, "900 words (target 1000)");
    let html = format!("<p>{}</p>", filler(299));
    assert_check(&run("length", &english(&html)), false, "299 words");
    let html = format!("<p>{}</p>", filler(300));
    assert_check(&run("length", &english(&html)), true, "300 words");
}

#[test]
fn alt_text_counts() {
    let html = "<p>Look:</p><figure><img src=\"/a.png\" alt=\"A red hose\"></figure>\
                <p><img src=\"/b.png\" alt=\" \"> and <img src=\"/c.png\" alt=\"Reel\"></p>";
    let check = run("image_alt_text", &english(html));
    assert_check(&check, false, "2 of 3 images have alt text");
    assert!(check.hint.contains("(1 image without)"), "{}", check.hint);
    assert_check(
        &run("image_alt_text", &english("<p>Text</p>")),
        true,
        "no images",
    );
}

#[test]
fn internal_and_external_links() {
    let html = "<p><a href=\"/guide\">guide</a>, <a href=\"https://example.com/a\">a</a>, \
                <a href=\"https://other.org\">other</a>, <a href=\"#top\">top</a>, \
                <a href=\"mailto:me@example.com\">me</a></p>";
    let input = SeoInput {
        site_url: Some("https://www.example.com"),
        ..english(html)
    };
    assert_check(&run("internal_links", &input), true, "2 internal links");
    assert_check(&run("external_links", &input), true, "1 external link");
    // Without the site's address, an absolute link can't be told to be the site's.
    let unknown = SeoInput {
        site_url: None,
        ..input
    };
    assert_check(&run("internal_links", &unknown), true, "1 internal link");
    assert_check(&run("external_links", &unknown), true, "2 external links");
    let none = english("<p>No links.</p>");
    assert_check(&run("internal_links", &none), false, "0 internal links");
    assert_check(&run("external_links", &none), false, "0 external links");
    assert_eq!(host_of("WWW.Example.com/"), Some("example.com".to_owned()));
}

/// An article that passes every check: 313 words, "garden hose" twice (4 / 313 = 1.3%).
///
/// Flesch: 32 filler sentences of 9 one-syllable words ("blue" is one vowel group);
/// "A(1) garden(2) hose(1) brings(1) water(2) to(1) your(1) plants(1)" 8 words, 10
/// syllables; the h2 "Pick the right garden(2) hose" 5 words, 6; the h3 "Length" 1, 1;
/// "Read our watering(3) guide(1) or the test results(2)" 8 words, 11; the h2 "Care(1)
/// and storage(2)" 3 words, 4. So 313 words, 37 sentences, 320 syllables:
/// 206.835 − 1.015 × 313/37 − 84.6 × 320/313 = 206.835 − 8.586 − 86.492 = 111.76 → 112.
fn full_article() -> String {
    let filler = "The sun is warm and the sky is blue. ".repeat(8);
    format!(
        "<p>A garden hose brings water to your plants. {filler}</p>\
         <h2>Pick the right garden hose</h2><p>{filler}</p>\
         <figure><img src=\"/hose.jpg\" alt=\"A green hose on a reel\"></figure>\
         <h3>Length</h3><p>{filler} Read our <a href=\"/guide\">watering guide</a> or \
         the <a href=\"https://other.org/hoses\">test results</a>.</p>\
         <h2>Care and storage</h2><p>{filler}</p>"
    )
}

const DESCRIPTION: &str = "How to pick a garden hose that lasts: the right length, \
                           material and fittings, and how to store it so it never kinks \
                           again.";

#[test]
fn a_good_article_scores_100() {
    let html = full_article();
    let input = SeoInput {
        title: "How to Pick a Garden Hose",
        html: &html,
        meta_title: None,
        meta_description: Some(DESCRIPTION),
        slug: None,
        primary_keyword: Some("garden hose"),
        target_words: None,
        language: "English",
        site_url: Some("https://www.example.com"),
    };
    let report = check(&input);
    let failed: Vec<_> = report.checks.iter().filter(|c| !c.passed).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(report.score, 100);
    let values: Vec<&str> = report.checks.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(
        values,
        [
            "found in the title",
            "in the first 100 words",
            "in 1 of 2 h2 subheadings",
            "slug \"how-to-pick-a-garden-hose\"",
            "25 characters (the title: no meta title set)",
            "123 characters",
            "1.3%",
            "3 subheadings, no level skipped",
            "2 h2 subheadings, all different",
            "313 words",
            "Flesch reading ease 112",
            "1 of 1 image has alt text",
            "1 internal link",
            "1 external link",
        ]
    );
}

#[test]
fn without_a_keyword_the_keyword_checks_fail() {
    let html = full_article();
    let input = SeoInput {
        title: "How to Pick a Garden Hose",
        meta_description: Some(DESCRIPTION),
        primary_keyword: Some("   "),
        site_url: Some("https://www.example.com"),
        ..english(&html)
    };
    let report = check(&input);
    // 100 − (12 + 10 + 8 + 6 + 8).
    assert_eq!(report.score, 56);
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        failed,
        [
            "keyword_in_title",
            "keyword_in_introduction",
            "keyword_in_subheading",
            "keyword_in_slug",
            "keyword_density"
        ]
    );
    for c in report.checks.iter().filter(|c| !c.passed) {
        assert_eq!(c.value, "no primary keyword");
        assert!(c.hint.starts_with("Set a primary keyword"), "{}", c.hint);
    }
}
