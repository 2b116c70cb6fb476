//! Behaviour a user of the keyword planner notices.

mod synth;

use std::collections::HashMap;

use igny8_core::planner::clustering::{
    ClusterInput, ClusterPlan, ClusterTarget, ExistingCluster, Language, LocalClusterOptions,
    PlannedCluster, plan_clusters,
};
use synth::Lcg;

/// Inputs with ids 1, 2, … in list order.
fn input<'a>(rows: &[(&'a str, i64)]) -> Vec<ClusterInput<'a>> {
    rows.iter()
        .enumerate()
        .map(|(i, &(keyword, volume))| ClusterInput {
            id: i as i64 + 1,
            keyword,
            volume,
        })
        .collect()
}

fn plan(rows: &[(&str, i64)]) -> ClusterPlan {
    plan_clusters(&input(rows), &[], &LocalClusterOptions::default())
}

/// The cluster holding `keyword`.
fn cluster_of<'p>(
    plan: &'p ClusterPlan,
    rows: &[(&str, i64)],
    keyword: &str,
) -> &'p PlannedCluster {
    let id = rows
        .iter()
        .position(|r| r.0 == keyword)
        .expect("keyword in rows") as i64
        + 1;
    plan.clusters
        .iter()
        .find(|c| c.keyword_ids.contains(&id))
        .unwrap_or_else(|| panic!("{keyword} is in no cluster"))
}

/// The keywords of the cluster holding `keyword`, sorted.
fn mates(plan: &ClusterPlan, rows: &[(&str, i64)], keyword: &str) -> Vec<String> {
    let mut v: Vec<String> = cluster_of(plan, rows, keyword)
        .keyword_ids
        .iter()
        .map(|&id| rows[(id - 1) as usize].0.to_string())
        .collect();
    v.sort();
    v
}

fn sorted(words: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = words.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// Every input id appears exactly once across the plan.
fn assert_each_once(plan: &ClusterPlan, ids: impl IntoIterator<Item = i64>) {
    let mut seen: HashMap<i64, usize> = HashMap::new();
    for c in &plan.clusters {
        assert!(!c.keyword_ids.is_empty(), "empty cluster {:?}", c.name);
        for &id in &c.keyword_ids {
            *seen.entry(id).or_default() += 1;
        }
    }
    let ids: Vec<i64> = ids.into_iter().collect();
    assert_eq!(seen.len(), ids.len(), "some keyword is missing or unknown");
    for id in ids {
        assert_eq!(seen.get(&id), Some(&1), "keyword id {id}");
    }
}

fn assert_names_unique(plan: &ClusterPlan) {
    let mut names: Vec<String> = plan
        .clusters
        .iter()
        .map(|c| c.name.to_lowercase())
        .collect();
    names.sort();
    let n = names.len();
    names.dedup();
    assert_eq!(names.len(), n, "duplicate cluster names");
}

const GOOGLE: &[(&str, i64)] = &[
    ("kitchen faucet", 90_500),
    ("touchless kitchen faucet", 14_800),
    ("kitchen faucet with sprayer", 6_600),
    ("how to replace a kitchen faucet", 5_400),
    ("best kitchen faucet", 12_100),
    ("kitchen faucet leaking", 2_900),
    ("pull down kitchen faucet", 4_400),
    ("bathroom faucet", 40_500),
    ("waterfall bathroom faucet", 1_900),
    ("faucet aerator", 8_100),
];

const KITCHEN: &[&str] = &[
    "kitchen faucet",
    "touchless kitchen faucet",
    "kitchen faucet with sprayer",
    "how to replace a kitchen faucet",
    "best kitchen faucet",
    "kitchen faucet leaking",
    "pull down kitchen faucet",
];

const AHREFS: &[(&str, i64)] = &[
    ("ai tools", 40_000),
    ("ai writing tools", 9_000),
    ("ai image generation tools", 2_000),
    ("generative ai tools", 3_000),
    ("free ai tools", 12_000),
    ("best ai tools", 8_000),
    ("ai marketing tools", 2_500),
    ("ai tools for students", 1_500),
    ("best ai writing tools", 2_200),
    ("ai writing tools free", 1_800),
];

#[test]
fn google_keyword_planner_sample() {
    let p = plan(GOOGLE);
    assert_each_once(&p, 1..=10);
    // All seven keywords containing "kitchen faucet" (the brief said six).
    let kitchen = cluster_of(&p, GOOGLE, "kitchen faucet");
    assert_eq!(
        kitchen.target,
        ClusterTarget::New {
            name: "kitchen faucet".into()
        }
    );
    assert_eq!(kitchen.signature, ["faucet", "kitchen"]);
    assert_eq!(mates(&p, GOOGLE, "kitchen faucet"), sorted(KITCHEN));
    // Members by volume.
    assert_eq!(kitchen.keyword_ids, [1, 2, 5, 3, 4, 7, 6]);
    assert_eq!(kitchen.total_volume, 136_700);

    let bathroom = cluster_of(&p, GOOGLE, "bathroom faucet");
    assert_eq!(bathroom.name, "bathroom faucet");
    assert_eq!(
        mates(&p, GOOGLE, "bathroom faucet"),
        sorted(&["bathroom faucet", "waterfall bathroom faucet"])
    );

    // "faucet aerator" shares only "faucet"; it is not forced into a faucet cluster.
    let aerator = cluster_of(&p, GOOGLE, "faucet aerator");
    assert_eq!(aerator.name, "faucet aerator");
    assert_eq!(aerator.keyword_ids, [10]);

    // Plan order: total volume descending.
    let names: Vec<&str> = p.clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["kitchen faucet", "bathroom faucet", "faucet aerator"]
    );
}

const NICHE: &[(&str, i64)] = &[
    ("kitchen faucet", 90500),
    ("kitchen faucets", 60500),
    ("best kitchen faucet", 12100),
    ("touchless kitchen faucet", 14800),
    ("touchless kitchen faucets", 2400),
    ("moen kitchen faucet", 22200),
    ("moen kitchen faucet parts", 3600),
    ("moen kitchen faucet cartridge", 2900),
    ("moen kitchen faucet repair", 1900),
    ("delta kitchen faucet", 18100),
    ("delta kitchen faucet parts", 2400),
    ("delta kitchen faucet repair", 1300),
    ("kohler kitchen faucet", 9900),
    ("kitchen faucet with sprayer", 6600),
    ("kitchen faucet sprayer replacement", 1600),
    ("kitchen faucet sprayer", 2900),
    ("pull down kitchen faucet", 4400),
    ("pull out kitchen faucet", 2400),
    ("black kitchen faucet", 8100),
    ("matte black kitchen faucet", 5400),
    ("brushed nickel kitchen faucet", 3600),
    ("how to replace a kitchen faucet", 5400),
    ("how to install a kitchen faucet", 3600),
    ("kitchen faucet installation", 1900),
    ("kitchen faucet leaking", 2900),
    ("leaky kitchen faucet", 1600),
    ("how to fix a leaky kitchen faucet", 2400),
    ("kitchen faucet parts", 4400),
    ("bathroom faucet", 40500),
    ("bathroom faucets", 22200),
    ("waterfall bathroom faucet", 1900),
    ("bathroom sink faucet", 12100),
    ("moen bathroom faucet", 6600),
    ("delta bathroom faucet", 5400),
    ("black bathroom faucet", 4400),
    ("faucet aerator", 8100),
    ("faucet aerator removal", 1000),
    ("faucet aerator key", 880),
    ("outdoor faucet", 6600),
    ("outdoor faucet cover", 4400),
    ("outdoor faucet leaking", 1300),
    ("shower faucet", 9900),
    ("shower faucet replacement", 2400),
    ("tub faucet", 4400),
    ("bathtub faucet", 3600),
    ("faucet water filter", 5400),
    ("water filter for faucet", 2900),
    ("kitchen sink", 60500),
    ("kitchen sink faucet", 5400),
    ("undermount kitchen sink", 8100),
    ("farmhouse kitchen sink", 6600),
];

#[test]
fn realistic_niche_list() {
    let p = plan(NICHE);
    assert_each_once(&p, 1..=NICHE.len() as i64);
    assert_names_unique(&p);
    let group = |k: &str| mates(&p, NICHE, k);
    let name = |k: &str| cluster_of(&p, NICHE, k).name.clone();
    // Brand and feature sub-topics with their own keywords form their own clusters.
    assert_eq!(
        group("moen kitchen faucet"),
        sorted(&[
            "moen kitchen faucet",
            "moen kitchen faucet parts",
            "moen kitchen faucet cartridge",
            "moen kitchen faucet repair"
        ])
    );
    assert_eq!(name("delta kitchen faucet repair"), "delta kitchen faucet");
    assert_eq!(
        name("kitchen faucet with sprayer"),
        "kitchen faucet sprayer"
    );
    assert_eq!(
        group("touchless kitchen faucets"),
        sorted(&["touchless kitchen faucet", "touchless kitchen faucets"])
    );
    // The broad head keeps the rest.
    let kitchen = group("kitchen faucet");
    for k in [
        "kitchen faucets",
        "best kitchen faucet",
        "kohler kitchen faucet",
        "pull down kitchen faucet",
    ] {
        assert!(kitchen.contains(&k.to_string()), "{k}");
    }
    assert_eq!(name("bathroom sink faucet"), "bathroom faucet");
    assert_eq!(group("faucet aerator key").len(), 3);
    assert_eq!(
        group("water filter for faucet"),
        sorted(&["faucet water filter", "water filter for faucet"])
    );
    // A keyword whose most specific shared pair is taken by other clusters
    // still finds its partner ({faucet, replac} is shared, but not as a cluster).
    assert_eq!(
        group("shower faucet replacement"),
        sorted(&["shower faucet", "shower faucet replacement"])
    );
    assert_eq!(
        group("undermount kitchen sink"),
        sorted(&[
            "kitchen sink",
            "undermount kitchen sink",
            "farmhouse kitchen sink"
        ])
    );
    // Different heads that only share "faucet" stay apart.
    assert_ne!(name("tub faucet"), name("bathtub faucet"));
    assert_eq!(name("outdoor faucet cover"), "outdoor faucet");
}

#[test]
fn word_order_and_plurals() {
    let rows = [
        ("coffee grinder", 100),
        ("grinders for coffee", 10),
        ("best coffee grinders 2024", 50),
        ("coffee maker", 80),
    ];
    let p = plan(&rows);
    assert_each_once(&p, 1..=4);
    assert_eq!(
        mates(&p, &rows, "coffee grinder"),
        sorted(&[
            "coffee grinder",
            "grinders for coffee",
            "best coffee grinders 2024"
        ])
    );
    assert_eq!(
        cluster_of(&p, &rows, "grinders for coffee").name,
        "coffee grinder"
    );
    assert_eq!(mates(&p, &rows, "coffee maker"), ["coffee maker"]);
}

#[test]
fn name_comes_from_readable_member_text() {
    // No member is exactly "coffee grinder"; the most common head phrase wins,
    // and phrases keep the user's wording ("grinders for coffee").
    let rows = [
        ("best grinders for coffee", 10),
        ("grinders for coffee beans", 10),
        ("cheap coffee grinder 2024", 5),
    ];
    let p = plan(&rows);
    assert_eq!(p.len(), 1);
    assert_eq!(p.clusters[0].name, "grinders for coffee");
}

#[test]
fn ahrefs_like_ai_tools() {
    let p = plan(AHREFS);
    assert_each_once(&p, 1..=10);
    let writing = cluster_of(&p, AHREFS, "ai writing tools");
    assert_eq!(writing.name, "ai writing tools");
    assert_eq!(
        mates(&p, AHREFS, "ai writing tools"),
        sorted(&[
            "ai writing tools",
            "best ai writing tools",
            "ai writing tools free"
        ])
    );
    let tools = cluster_of(&p, AHREFS, "ai tools");
    assert_eq!(tools.name, "ai tools");
    // Everything else about AI tools is with "ai tools". "generative ai tools"
    // and "ai image generation tools" share the stems {ai, generat, tool}, but
    // that triple is not a phrase in "ai image generation tools", so it is not
    // a head there; the pair {ai, tool} is.
    assert_eq!(
        mates(&p, AHREFS, "ai tools"),
        sorted(&[
            "ai tools",
            "free ai tools",
            "best ai tools",
            "ai marketing tools",
            "ai tools for students",
            "generative ai tools",
            "ai image generation tools",
        ])
    );
    assert_ne!(writing.name, tools.name);
    assert_eq!(p.len(), 2);
}

#[test]
fn three_word_head_must_be_a_phrase_in_the_keyword() {
    // {cast, iron, under} is shared by all four, but only reads as a phrase
    // in the first; the others group by what they are about.
    let rows = [
        ("cast iron under cabinet lamp", 10),
        ("cast iron lamp under 50", 9),
        ("cast iron skillet under 50", 8),
        ("cast iron skillet under 100", 7),
        ("red lamp under 50", 6),
    ];
    let p = plan(&rows);
    assert_each_once(&p, 1..=5);
    assert_eq!(
        mates(&p, &rows, "cast iron skillet under 50"),
        sorted(&["cast iron skillet under 50", "cast iron skillet under 100"])
    );
    assert_eq!(
        cluster_of(&p, &rows, "cast iron skillet under 50").name,
        "cast iron skillet"
    );
    assert_eq!(
        mates(&p, &rows, "red lamp under 50"),
        sorted(&["red lamp under 50", "cast iron lamp under 50"])
    );
}

#[test]
fn stopwords_and_modifiers_never_merge_unrelated_keywords() {
    let rows = [
        ("best laptop", 100),
        ("best sofa", 90),
        ("free games", 80),
        ("free fonts", 70),
        ("pizza near me", 60),
        ("dentist near me", 50),
        ("how to draw", 40),
        ("how to cook", 30),
        ("top 10 movies 2024", 20),
        ("top 10 songs 2024", 10),
        ("what is the best vpn for you", 5),
        ("what is the best mattress for you", 4),
    ];
    let p = plan(&rows);
    assert_each_once(&p, 1..=rows.len() as i64);
    assert_eq!(p.len(), rows.len(), "{:#?}", p.clusters);
    assert_eq!(cluster_of(&p, &rows, "best laptop").name, "best laptop");
}

#[test]
fn names_containing_modifier_words_survive() {
    let rows = [
        ("new york hotels", 100),
        ("best hotels in new york", 90),
        ("york hotels", 50),
        ("gluten free bread", 40),
        ("gluten free bread recipe", 30),
        ("bread recipe", 20),
        ("tank top", 10),
        ("tank tops for women", 9),
    ];
    let p = plan(&rows);
    assert_each_once(&p, 1..=rows.len() as i64);
    assert_eq!(
        cluster_of(&p, &rows, "best hotels in new york").name,
        "new york hotels"
    );
    assert_eq!(mates(&p, &rows, "york hotels"), ["york hotels"]);
    assert_eq!(
        cluster_of(&p, &rows, "gluten free bread recipe").name,
        "gluten free bread"
    );
    assert_eq!(mates(&p, &rows, "bread recipe"), ["bread recipe"]);
    assert_eq!(
        cluster_of(&p, &rows, "tank tops for women").name,
        "tank top"
    );
}

#[test]
fn single_shared_word_needs_three_keywords() {
    let rows = [("tool box", 10), ("power tool", 10)];
    assert_eq!(plan(&rows).len(), 2);
    let rows = [
        ("laptop", 10),
        ("best laptop", 9),
        ("cheap laptop 2024", 8),
        ("laptop near me", 7),
    ];
    let p = plan(&rows);
    assert_eq!(p.len(), 1);
    assert_eq!(p.clusters[0].name, "laptop");
}

#[test]
fn shuffled_input_gives_the_identical_plan() {
    let synth = synth::keywords(3_000, 7);
    let mut rows: Vec<(&str, i64)> = GOOGLE.iter().chain(AHREFS).copied().collect();
    rows.extend(synth.iter().map(|(k, v)| (k.as_str(), *v)));
    rows.extend([
        ("Kitchen Faucet", 10),
        ("kitchen  faucet", 10),
        ("how to", 1),
        ("", 0),
    ]);
    let base = input(&rows);
    let existing = [
        ExistingCluster {
            id: 900,
            name: "Air Fryers",
        },
        ExistingCluster {
            id: 901,
            name: "air fryer",
        },
        ExistingCluster {
            id: 902,
            name: "Best Laptop",
        },
    ];
    let options = LocalClusterOptions::default();
    let reference = plan_clusters(&base, &existing, &options);
    assert_each_once(&reference, 1..=rows.len() as i64);
    assert_names_unique(&reference);
    for seed in [1u64, 2, 3, 42, 0xDEAD_BEEF] {
        let mut shuffled = base.clone();
        let mut ex = existing.to_vec();
        let mut rng = Lcg(seed);
        rng.shuffle(&mut shuffled);
        rng.shuffle(&mut ex);
        assert_eq!(
            plan_clusters(&shuffled, &ex, &options),
            reference,
            "seed {seed}"
        );
    }
}

#[test]
fn existing_cluster_is_reused() {
    let mut rows = GOOGLE.to_vec();
    rows.push(("kitchen faucet brushed nickel", 300));
    let existing = [
        ExistingCluster {
            id: 41,
            name: "Sofas",
        },
        ExistingCluster {
            id: 42,
            name: "Kitchen Faucets",
        },
    ];
    let p = plan_clusters(&input(&rows), &existing, &LocalClusterOptions::default());
    assert_each_once(&p, 1..=rows.len() as i64);
    let kitchen = cluster_of(&p, &rows, "kitchen faucet");
    assert_eq!(kitchen.target, ClusterTarget::Existing(42));
    assert_eq!(kitchen.name, "Kitchen Faucets");
    let mut expected: Vec<&str> = KITCHEN.to_vec();
    expected.push("kitchen faucet brushed nickel");
    assert_eq!(mates(&p, &rows, "kitchen faucet"), sorted(&expected));
    // Nothing goes to the unrelated existing cluster; the rest stays new.
    assert!(
        p.clusters
            .iter()
            .all(|c| c.target != ClusterTarget::Existing(41))
    );
    assert_eq!(
        cluster_of(&p, &rows, "bathroom faucet").target,
        ClusterTarget::New {
            name: "bathroom faucet".into()
        }
    );
}

#[test]
fn existing_short_name_collects_lone_keywords() {
    // Alone, "faucet aerator" would be its own cluster; an existing
    // "Faucet aerators" cluster takes it and a longer variant.
    let rows = [
        ("faucet aerator", 100),
        ("how to clean a faucet aerator", 50),
        ("sofa", 10),
    ];
    let existing = [ExistingCluster {
        id: 5,
        name: "Faucet aerators",
    }];
    let p = plan_clusters(&input(&rows), &existing, &LocalClusterOptions::default());
    assert_eq!(
        cluster_of(&p, &rows, "how to clean a faucet aerator").target,
        ClusterTarget::Existing(5)
    );
    assert_eq!(mates(&p, &rows, "faucet aerator").len(), 2);
    // Two existing clusters with the same signature: the lower id is used.
    let existing = [
        ExistingCluster {
            id: 9,
            name: "faucet aerator",
        },
        ExistingCluster {
            id: 5,
            name: "Faucet aerators",
        },
    ];
    let p = plan_clusters(&input(&rows), &existing, &LocalClusterOptions::default());
    assert_eq!(
        cluster_of(&p, &rows, "faucet aerator").target,
        ClusterTarget::Existing(5)
    );
}

#[test]
fn edge_inputs() {
    // Empty input.
    let p = plan_clusters(
        &[],
        &[ExistingCluster { id: 1, name: "x" }],
        &LocalClusterOptions::default(),
    );
    assert!(p.is_empty());

    // One keyword: one cluster named after it.
    let rows = [("Touchless Kitchen Faucet", 10)];
    let p = plan(&rows);
    assert_eq!(p.len(), 1);
    assert_eq!(
        p.clusters[0].target,
        ClusterTarget::New {
            name: "Touchless Kitchen Faucet".into()
        }
    );
    assert_eq!(p.clusters[0].keyword_ids, [1]);

    // Stopword-only keywords still get a cluster; equal ones share it.
    let rows = [
        ("how to", 5),
        ("How  to", 3),
        ("what is", 2),
        ("", 0),
        ("!!!", 0),
    ];
    let p = plan(&rows);
    assert_each_once(&p, 1..=5);
    assert_eq!(mates(&p, &rows, "how to"), sorted(&["how to", "How  to"]));
    assert_eq!(cluster_of(&p, &rows, "how to").signature, ["how to"]);
    assert_eq!(cluster_of(&p, &rows, "what is").name, "what is");
    assert_eq!(cluster_of(&p, &rows, "").name, "untitled");
    assert_eq!(cluster_of(&p, &rows, "!!!").name, "!!!");
    assert_names_unique(&p);
}

#[test]
fn non_ascii_keywords() {
    let rows = [
        ("café au lait", 100),
        ("cafe au lait recipe", 50),
        ("wordpress новости", 40),
        ("новости wordpress", 30),
        ("咖啡机", 20),
        ("🙂 emoji only 🙂", 10),
        ("naïve bayes", 9),
        ("naive bayes classifier", 8),
    ];
    let p = plan(&rows);
    assert_each_once(&p, 1..=rows.len() as i64);
    assert_eq!(
        mates(&p, &rows, "café au lait"),
        sorted(&["café au lait", "cafe au lait recipe"])
    );
    assert_eq!(cluster_of(&p, &rows, "café au lait").name, "café au lait");
    assert_eq!(
        mates(&p, &rows, "wordpress новости"),
        sorted(&["wordpress новости", "новости wordpress"])
    );
    assert_eq!(mates(&p, &rows, "naïve bayes").len(), 2);
    assert_eq!(cluster_of(&p, &rows, "咖啡机").name, "咖啡机");
}

#[test]
fn other_languages() {
    let es = [
        ("cafetera italiana", 1000),
        ("mejores cafeteras italianas", 500),
        ("cómo limpiar una cafetera italiana", 300),
        ("cafetera italiana barata", 200),
        ("cafetera de goteo", 100),
    ];
    let options = LocalClusterOptions {
        language: Language::Spanish,
        ..Default::default()
    };
    let p = plan_clusters(&input(&es), &[], &options);
    assert_each_once(&p, 1..=5);
    assert_eq!(p.clusters[0].name, "cafetera italiana");
    assert_eq!(p.clusters[0].keyword_ids, [1, 2, 3, 4]);

    let de = [
        ("kaffeemühle elektrisch", 900),
        ("elektrische kaffeemühlen", 400),
        ("beste elektrische Kaffeemühle", 300),
        ("kaffeemühle für espresso", 200),
    ];
    let options = LocalClusterOptions {
        language: Language::German,
        ..Default::default()
    };
    let p = plan_clusters(&input(&de), &[], &options);
    assert_each_once(&p, 1..=4);
    assert_eq!(p.clusters[0].keyword_ids, [1, 2, 3]);
    assert_eq!(p.clusters[0].name, "kaffeemühle elektrisch");

    let fr = [
        ("meilleur aspirateur robot", 100),
        ("aspirateur robot pas cher", 90),
        ("l'aspirateur robot", 80),
    ];
    let options = LocalClusterOptions {
        language: Language::French,
        ..Default::default()
    };
    let p = plan_clusters(&input(&fr), &[], &options);
    assert_eq!(p.len(), 1);
    assert_eq!(p.clusters[0].name, "aspirateur robot");
}

#[test]
fn arbitrary_text_never_panics() {
    let pool: Vec<char> =
        "ab cdeé ñ ü'’-_/.,!?&#@$%^*()[]{}|\\\"\t\n0123456789ßøæœıİЁёжщ中文日本語한국어 ا ب ت ह ि ्\u{301}\u{200d}\u{feff}🙂🏳️‍🌈"
            .chars()
            .collect();
    let mut rng = Lcg(99);
    let mut texts: Vec<String> = (0..2_000)
        .map(|_| {
            let len = rng.below(40);
            (0..len).map(|_| pool[rng.below(pool.len())]).collect()
        })
        .collect();
    texts.push("x".repeat(100_000));
    texts.push("the ".repeat(20_000));
    texts.push("a-".repeat(10_000));
    texts.push((0..500).map(|i| format!("w{i} ")).collect());
    let inputs: Vec<ClusterInput> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| ClusterInput {
            id: i as i64,
            keyword: t,
            volume: rng.next() as i64 - (1 << 30),
        })
        .collect();
    let existing: Vec<ExistingCluster> = texts
        .iter()
        .take(50)
        .enumerate()
        .map(|(i, t)| ExistingCluster {
            id: i as i64,
            name: t,
        })
        .collect();
    for lang in Language::ALL {
        for min in [0, 1, 2, 3, 10] {
            let options = LocalClusterOptions {
                language: lang,
                min_cluster_size: min,
                ..Default::default()
            };
            let p = plan_clusters(&inputs, &existing, &options);
            assert_each_once(&p, 0..inputs.len() as i64);
            assert_names_unique(&p);
        }
    }
}

#[test]
fn hundred_thousand_synthetic_keywords() {
    let data = synth::keywords(100_000, 42);
    let inputs: Vec<ClusterInput> = data
        .iter()
        .enumerate()
        .map(|(i, (k, v))| ClusterInput {
            id: i as i64 + 1,
            keyword: k,
            volume: *v,
        })
        .collect();
    let p = plan_clusters(&inputs, &[], &LocalClusterOptions::default());
    assert_each_once(&p, 1..=100_000);
    assert_names_unique(&p);
    assert!(p.len() > 1_000 && p.len() < 60_000, "{} clusters", p.len());
    for w in p.clusters.windows(2) {
        assert!(w[0].total_volume >= w[1].total_volume);
    }
}
