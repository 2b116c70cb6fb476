//! Synthetic long-tail keyword generator shared by `tests/quality.rs` and
//! `examples/speed.rs` (included there with `#[path]`).
//!
//! About 300 head nouns (150 written out, 150 "area + thing" compounds), about
//! 200 modifiers (colours, materials, attributes, audiences, brands, prices,
//! places, aspects), question and comparison templates and years. A 64-bit LCG
//! makes the output the same on every run.

#![allow(dead_code)]

use std::collections::HashSet;

/// Deterministic 64-bit linear congruential generator.
pub(crate) struct Lcg(pub u64);

impl Lcg {
    /// Next pseudo-random value (high bits of the state).
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A value in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A random element.
    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// Fisher–Yates shuffle.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[rustfmt::skip]
const HEADS: &[&str] = &[
    "kitchen faucet", "coffee grinder", "espresso machine", "air fryer", "standing desk",
    "office chair", "running shoes", "hiking boots", "yoga mat", "protein powder", "dog food",
    "cat litter", "baby stroller", "car seat", "electric bike", "solar panel", "water heater",
    "air purifier", "robot vacuum", "gaming chair", "mechanical keyboard", "wireless earbuds",
    "laptop", "monitor", "keyboard", "mouse", "headphones", "speaker", "microphone", "webcam",
    "router", "printer", "tablet", "smartphone", "smartwatch", "camera", "drone", "projector",
    "tv", "soundbar", "phone charger", "power bank", "hard drive", "graphics card", "ssd",
    "blender", "toaster", "microwave", "dishwasher", "refrigerator", "washing machine", "dryer",
    "vacuum cleaner", "stand mixer", "slow cooker", "pressure cooker", "rice cooker",
    "water filter", "kettle", "frying pan", "cast iron skillet", "knife set", "cutting board",
    "mattress", "pillow", "duvet", "bed frame", "sofa", "sectional couch", "dining table",
    "bookshelf", "wardrobe", "desk lamp", "ceiling fan", "space heater", "dehumidifier",
    "humidifier", "thermostat", "doorbell camera", "security camera", "smart lock", "lawn mower",
    "leaf blower", "pressure washer", "garden hose", "chainsaw", "drill", "impact driver",
    "circular saw", "tool box", "ladder", "workbench", "paint sprayer", "tent", "sleeping bag",
    "backpack", "water bottle", "cooler", "hammock", "kayak", "paddle board", "bike helmet",
    "road bike", "mountain bike", "treadmill", "exercise bike", "rowing machine", "dumbbells",
    "kettlebell", "resistance bands", "jump rope", "swimsuit", "sunglasses", "wallet", "handbag",
    "watch", "jeans", "winter jacket", "rain jacket", "sneakers", "sandals", "socks", "t shirt",
    "hoodie", "dress", "face moisturizer", "sunscreen", "shampoo", "hair dryer",
    "electric toothbrush", "razor", "perfume", "lipstick", "nail polish", "vitamin d", "fish oil",
    "multivitamin", "dog bed", "dog leash", "cat tree", "bird feeder", "aquarium", "crm software",
    "project management software", "accounting software", "vpn", "web hosting", "website builder",
    "email marketing", "seo tool", "ai writing tool", "password manager",
];

#[rustfmt::skip]
const AREAS: &[&str] = &[
    "kitchen", "bathroom", "garden", "office", "outdoor", "camping", "travel", "baby", "pet",
    "car",
];

#[rustfmt::skip]
const THINGS: &[&str] = &[
    "light", "storage", "table", "mat", "organizer", "shelf", "rack", "cabinet", "heater", "fan",
    "lamp", "tool", "set", "bag", "cover",
];

#[rustfmt::skip]
const COLORS: &[&str] = &[
    "black", "white", "red", "blue", "green", "pink", "gray", "silver", "gold", "brown", "purple",
    "beige",
];

#[rustfmt::skip]
const MATERIALS: &[&str] = &[
    "stainless steel", "wooden", "bamboo", "leather", "ceramic", "glass", "plastic", "aluminum",
    "cast iron", "cotton", "wool", "copper", "marble", "brass", "silicone",
];

#[rustfmt::skip]
const ATTRIBUTES: &[&str] = &[
    "wireless", "waterproof", "portable", "foldable", "rechargeable", "smart", "electric",
    "manual", "automatic", "heavy duty", "lightweight", "compact", "large", "small", "mini",
    "professional", "commercial", "industrial", "adjustable", "ergonomic", "quiet",
    "noise cancelling", "bluetooth", "usb c", "solar powered", "battery powered", "cordless",
    "touchless", "magnetic", "vintage", "modern", "rustic", "minimalist", "luxury", "eco friendly",
    "organic", "handmade", "custom", "personalized", "refurbished", "used", "2 in 1", "4k", "hd",
    "led", "indoor", "self cleaning", "extra wide", "high end", "budget", "stackable", "washable",
    "non stick", "energy efficient", "high capacity", "slim", "tall", "round", "square", "oval",
    "double", "single", "digital", "analog", "wifi", "voice controlled", "app controlled", "gas",
    "induction", "convertible", "retractable", "wall mounted", "freestanding", "built in",
    "countertop", "under cabinet", "pull down",
];

#[rustfmt::skip]
const AUDIENCES: &[&str] = &[
    "for beginners", "for kids", "for men", "for women", "for seniors", "for students", "for dogs",
    "for cats", "for small spaces", "for home", "for office", "for travel", "for camping",
    "for gaming", "for professionals", "for apartments", "for small kitchens",
    "for large families", "for teens", "for toddlers",
];

#[rustfmt::skip]
const BRANDS: &[&str] = &[
    "samsung", "apple", "sony", "lg", "bosch", "philips", "dyson", "ikea", "nike", "adidas",
    "logitech", "anker", "xiaomi", "dell", "hp", "lenovo", "asus", "canon", "nikon", "kitchenaid",
    "breville", "delonghi", "ninja", "moen", "delta", "kohler", "weber", "makita", "dewalt",
    "garmin",
];

#[rustfmt::skip]
const PRICES: &[&str] = &[
    "under 50", "under 100", "under 200", "under 500", "under 1000", "on sale",
];

#[rustfmt::skip]
const PLACES: &[&str] = &[
    "near me", "in stock", "online", "uk", "usa", "canada", "australia", "amazon", "walmart",
    "costco",
];

#[rustfmt::skip]
const ASPECTS: &[&str] = &[
    "repair", "replacement parts", "parts", "manual", "installation", "warranty", "price", "cost",
    "comparison", "alternatives", "accessories", "cleaning", "maintenance", "sizes", "dimensions",
    "specs", "deals", "coupon", "kit", "bundle", "case", "stand", "mount", "filter", "battery",
    "not working", "troubleshooting", "reset", "review", "reviews",
];

#[rustfmt::skip]
const VERBS: &[&str] = &[
    "clean", "install", "fix", "choose", "use", "replace", "repair", "assemble", "set up", "reset",
    "maintain", "buy", "store", "paint", "build",
];

#[rustfmt::skip]
const YEARS: &[&str] = &[
    "2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026",
];

/// All head nouns: the written-out list plus area × thing compounds.
pub(crate) fn heads() -> Vec<String> {
    let mut out: Vec<String> = HEADS.iter().map(|s| s.to_string()).collect();
    for a in AREAS {
        for t in THINGS {
            out.push(format!("{a} {t}"));
        }
    }
    out
}

/// All modifiers (every list except verbs and years).
pub(crate) fn modifier_count() -> usize {
    [
        COLORS, MATERIALS, ATTRIBUTES, AUDIENCES, BRANDS, PRICES, PLACES, ASPECTS,
    ]
    .iter()
    .map(|l| l.len())
    .sum()
}

fn modifier(r: &mut Lcg) -> &'static str {
    match r.below(4) {
        0 => r.pick(COLORS),
        1 => r.pick(MATERIALS),
        _ => r.pick(ATTRIBUTES),
    }
}

/// `n` distinct keywords with a volume each (long-tail: more words, less volume).
pub(crate) fn keywords(n: usize, seed: u64) -> Vec<(String, i64)> {
    let heads = heads();
    let mut r = Lcg(seed);
    let mut seen = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let h = heads[r.below(heads.len())].as_str();
        let h2 = heads[r.below(heads.len())].as_str();
        let kw = match r.below(22) {
            0 => h.to_string(),
            1 => format!("{} {h}", modifier(&mut r)),
            2 => format!("{h} {}", r.pick(ASPECTS)),
            3 => format!("best {h}"),
            4 => format!("best {} {h}", modifier(&mut r)),
            5 => format!("best {h} {}", r.pick(AUDIENCES)),
            6 => format!("best {h} {}", r.pick(YEARS)),
            7 => format!("{} {h}", r.pick(BRANDS)),
            8 => format!("{} {h} {}", r.pick(BRANDS), r.pick(ASPECTS)),
            9 => format!("how to {} a {h}", r.pick(VERBS)),
            10 => format!("how to {} {} {h}", r.pick(VERBS), modifier(&mut r)),
            11 => format!("what is the best {h} {}", r.pick(AUDIENCES)),
            12 => format!("{h} vs {h2}"),
            13 => format!("{} {h} {}", modifier(&mut r), r.pick(PRICES)),
            14 => format!("cheap {h} {}", r.pick(PLACES)),
            15 => format!("{h} {} {}", r.pick(ASPECTS), r.pick(YEARS)),
            16 => format!("{} {} {h}", modifier(&mut r), modifier(&mut r)),
            17 => format!("is {} {h} worth it", r.pick(BRANDS)),
            18 => format!("{} {} {h}", r.pick(COLORS), r.pick(MATERIALS)),
            19 => format!("{} {h} {}", modifier(&mut r), r.pick(AUDIENCES)),
            20 => format!(
                "why is my {h} {}",
                r.pick(&[
                    "not working",
                    "leaking",
                    "so loud",
                    "beeping",
                    "not charging"
                ])
            ),
            _ => format!("{} {h} {}", r.pick(BRANDS), r.pick(PLACES)),
        };
        if seen.insert(kw.clone()) {
            let words = kw.split(' ').count() as u64;
            let volume = 10 + (r.next() % (200_000 / (words * words * words))) as i64;
            out.push((kw, volume));
        }
    }
    out
}
