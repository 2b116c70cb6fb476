//! Generate Image Prompts and Generate Images: scenes with alt text, and small PNGs as
//! OpenAI's `b64_json` or as Runware URLs on the fake itself.

use base64::Engine as _;
use serde_json::{Value, json};

use super::png::{colour_of, solid_png};
use super::{IMAGE_ROUTE, capitalise, clip, line_after, number_after, route, seed_of};
use crate::testing::fake_ai::{FakeReply, Recorded};

const SCENES: &[(&str, &str)] = &[
    (
        "a close-up of hands working with {t} on a wooden table, soft window light, shallow depth of field",
        "Close-up of hands working with {t}",
    ),
    (
        "a wide view of a bright, tidy space where {t} is in everyday use, morning light, eye-level composition",
        "{T} in everyday use in a bright space",
    ),
    (
        "an overhead flat lay of the tools and materials for {t} on a neutral background, even studio light",
        "Tools and materials for {t}, seen from above",
    ),
    (
        "a person comparing two options for {t} side by side, warm afternoon light, candid framing",
        "A person comparing options for {t}",
    ),
    (
        "a detailed still life showing the finished result of {t}, golden hour light, centred composition",
        "The finished result of {t}",
    ),
];

/// The answer to an image prompts prompt asking for prompts of `schema`.
pub(super) fn image_prompts(prompt: &str, schema: &Value) -> Value {
    let count = schema
        .pointer("/properties/in_article/maxItems")
        .and_then(Value::as_i64)
        .or_else(|| number_after(prompt, "and ", " in-article images"))
        .unwrap_or(3)
        .clamp(0, 10) as usize;
    let title = line_after(prompt, "Title:").unwrap_or_else(|| "the article".to_owned());
    let style = line_after(prompt, "Style:")
        .map(|s| s.trim_end_matches('.').to_owned())
        .filter(|s| !s.is_empty() && s != "(none)")
        .unwrap_or_else(|| "photorealistic".to_owned());
    let article = prompt
        .split_once("Article:\n")
        .map(|(_, a)| a.to_lowercase())
        .unwrap_or_default();
    let topic = subject_of(&title, &article);
    let image = |scene: &str, alt: &str| {
        let fill = |t: &str| t.replace("{t}", &topic).replace("{T}", &capitalise(&topic));
        json!({"prompt": format!("A {style} image: {}.", fill(scene)),
               "alt_text": clip(&fill(alt), 125)})
    };
    let featured = image(
        "a welcoming scene that sums up {t}, balanced composition, natural colours, soft light",
        "{T}: an overview scene",
    );
    let start = seed_of(&title) % SCENES.len();
    let in_article: Vec<Value> = (0..count)
        .map(|i| {
            let (scene, alt) = SCENES[(start + i) % SCENES.len()];
            image(scene, alt)
        })
        .collect();
    json!({"featured": featured, "in_article": in_article})
}

/// What an article is about: the phrase of its title the article repeats most (weighted by
/// its length), else the title.
pub(super) fn subject_of(title: &str, article: &str) -> String {
    const GLUE: &[&str] = &[
        "a", "an", "the", "to", "of", "for", "and", "or", "in", "on", "with", "how", "what", "why",
        "your", "you", "is", "are", "out", "most",
    ];
    let title = title.trim_end_matches(['.', '?', '!']).to_lowercase();
    let words: Vec<&str> = title
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut best: Option<(usize, String)> = None;
    for len in 1..=4.min(words.len()) {
        for phrase in words.windows(len) {
            if GLUE.contains(&phrase[0]) || GLUE.contains(&phrase[len - 1]) {
                continue;
            }
            let phrase = phrase.join(" ");
            let score = article.matches(phrase.as_str()).count() * len;
            if score >= 2 * len && best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, phrase));
            }
        }
    }
    best.map(|(_, p)| p).unwrap_or(title)
}

/// A small picture for a `width`×`height` request: a sixteenth of each side.
fn picture(width: u64, height: u64, seed: &str) -> Vec<u8> {
    let side = |v: u64| (v / 16).clamp(1, 128) as u32;
    solid_png(side(width), side(height), colour_of(seed))
}

/// An OpenAI image generation answer.
pub(super) fn openai_image(body: &Value) -> FakeReply {
    let prompt = body.get("prompt").and_then(Value::as_str).unwrap_or("");
    if prompt.trim().is_empty() {
        return FakeReply::json(
            400,
            json!({"error": {"message": "prompt is required", "type": "invalid_request_error"}}),
        );
    }
    let (w, h) = body
        .get("size")
        .and_then(Value::as_str)
        .and_then(|s| s.split_once('x'))
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .unwrap_or((1024, 1024));
    let b64 = base64::engine::general_purpose::STANDARD.encode(picture(w, h, prompt));
    FakeReply::json(
        200,
        json!({"created": 1_764_000_000, "data": [{"b64_json": b64, "revised_prompt": prompt}]}),
    )
}

/// A Runware answer, its image URLs on the fake (the request's `Host`).
pub(super) fn runware(request: &Recorded) -> FakeReply {
    let host = request.header("host").unwrap_or("127.0.0.1");
    let tasks = request.body.as_array().cloned().unwrap_or_default();
    let data: Vec<Value> = tasks
        .iter()
        .filter(|t| t.get("taskType").and_then(Value::as_str) == Some("imageInference"))
        .map(|t| {
            let uuid = t.get("taskUUID").and_then(Value::as_str).unwrap_or("task");
            let side = |k: &str| t.get(k).and_then(Value::as_u64).unwrap_or(1024);
            let name = format!("{uuid}-{}x{}", side("width"), side("height"));
            json!({
                "taskType": "imageInference",
                "taskUUID": uuid,
                "imageUUID": uuid,
                "imageURL": format!("http://{host}{IMAGE_ROUTE}{name}.png"),
                "cost": 0.0013,
            })
        })
        .collect();
    FakeReply::json(200, json!({"data": data}))
}

/// The picture behind a Runware image URL.
pub(super) fn image_file(path: &str) -> FakeReply {
    let name = route(path)
        .strip_prefix(IMAGE_ROUTE)
        .and_then(|n| n.strip_suffix(".png"))
        .unwrap_or("");
    if name.is_empty() {
        return FakeReply::json(404, json!({"error": {"message": "no such image"}}));
    }
    let (w, h) = name
        .rsplit_once('-')
        .and_then(|(_, size)| size.split_once('x'))
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .unwrap_or((1024, 1024));
    FakeReply::bytes(200, "image/png", picture(w, h, name))
}
