//! An auto-responder for the fake AI provider: answers any request of IGNY8's five AI
//! functions the way a real model would, without scripting — so the WordPress plugin, the PHP
//! extension and browser tests can run the whole pipeline against
//! [`FakeAi::start_auto`](super::fake_ai::FakeAi::start_auto) or the `igny8-fake-ai` binary.
//!
//! Each request is recognised by what it asks for, not by its wording:
//!
//! - a chat completion by its `response_format` schema name (`keyword_clusters`,
//!   `content_ideas`, `article`, `article_plan`, `article_section`, `image_prompts`), or, when
//!   it has none, by the required keys of the JSON Schema spelled out in the prompt;
//! - an OpenAI image by its path (`…/images/generations`), answered with a small PNG as
//!   `b64_json`;
//! - a Runware task array by its `imageInference` tasks, answered with an image URL on the
//!   fake itself ([`IMAGE_ROUTE`]), which serves the PNG on `GET`;
//! - a key check ("Test key"): `GET …/models`, answered with a model list, and Runware's
//!   `authentication` task, answered with the task — both refused with 401, as the real
//!   providers refuse a bad key, when the key contains `invalid`.
//!
//! The answers are read from the prompt: Auto Cluster groups the numbered keywords by the
//! words they share (IGNY8's local clustering, at most as many clusters as asked); Generate
//! Ideas proposes as many ideas as the schema allows, each on a keyword of the cluster;
//! Generate Content writes HTML of exactly the length asked (the whole article, the plan of
//! a long one, or one section with its budget; a follow-up naming the count is answered with
//! that count); Generate Image Prompts describes a featured and the in-article images with alt
//! text. Every chat answer carries token usage. Anything else is a 400 that says why.

mod article;
mod images;
mod planner;
mod png;

use serde_json::{Value, json};

use super::fake_ai::{FakeReply, Recorded};

pub use png::solid_png;

/// Where the fake serves the images of its Runware answers (`GET {IMAGE_ROUTE}{name}.png`).
pub const IMAGE_ROUTE: &str = "/runware/images/";

/// What the auto-responder took a request for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AutoFunction {
    /// Auto Cluster (`keyword_clusters`).
    AutoCluster,
    /// Generate Ideas (`content_ideas`).
    GenerateIdeas,
    /// Generate Content, a whole article (`article`).
    GenerateContent,
    /// Generate Content, the plan of a long article (`article_plan`).
    ContentPlan,
    /// Generate Content, one section of a long article (`article_section`).
    ContentSection,
    /// Generate Image Prompts (`image_prompts`).
    GenerateImagePrompts,
    /// Generate Images with OpenAI (`images/generations`).
    OpenAiImage,
    /// Generate Images with Runware (an `imageInference` task).
    RunwareImage,
    /// The picture behind a Runware image URL.
    ImageFile,
    /// A key check: OpenAI's model list or Runware's `authentication` task.
    KeyCheck,
}

impl AutoFunction {
    /// A stable name, e.g. `auto_cluster` or `content_section`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AutoCluster => "auto_cluster",
            Self::GenerateIdeas => "generate_ideas",
            Self::GenerateContent => "generate_content",
            Self::ContentPlan => "content_plan",
            Self::ContentSection => "content_section",
            Self::GenerateImagePrompts => "generate_image_prompts",
            Self::OpenAiImage => "openai_image",
            Self::RunwareImage => "runware_image",
            Self::ImageFile => "image_file",
            Self::KeyCheck => "key_check",
        }
    }

    /// Whether it is a chat completion.
    pub fn is_chat(self) -> bool {
        matches!(
            self,
            Self::AutoCluster
                | Self::GenerateIdeas
                | Self::GenerateContent
                | Self::ContentPlan
                | Self::ContentSection
                | Self::GenerateImagePrompts
        )
    }
}

impl std::fmt::Display for AutoFunction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn route(path: &str) -> &str {
    path.split('?').next().unwrap_or(path)
}

/// The request's function, when it is one of IGNY8's.
pub fn recognise(path: &str, body: &Value) -> Option<AutoFunction> {
    let path = route(path);
    if path.starts_with(IMAGE_ROUTE) {
        return Some(AutoFunction::ImageFile);
    }
    if path.ends_with("/images/generations") {
        return Some(AutoFunction::OpenAiImage);
    }
    if path.ends_with("/chat/completions") {
        return chat_function(body);
    }
    if path.ends_with("/models") {
        return Some(AutoFunction::KeyCheck);
    }
    let tasks = body.as_array()?;
    let has = |kind: &str| {
        tasks
            .iter()
            .any(|t| t.get("taskType").and_then(Value::as_str) == Some(kind))
    };
    if has("imageInference") {
        Some(AutoFunction::RunwareImage)
    } else if has("authentication") {
        Some(AutoFunction::KeyCheck)
    } else {
        None
    }
}

/// The answer to a key check: a model list (OpenAI) or the authentication task (Runware); a
/// 401 in the provider's own shape for a key that contains `invalid`.
fn key_check(request: &Recorded) -> FakeReply {
    let runware = request.body.is_array();
    let key = request
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or_default();
    if key.contains("invalid") {
        return if runware {
            FakeReply::json(
                401,
                json!({"errors": [{"code": "invalidApiKey", "message": "Invalid API key. Get one at https://my.runware.ai/signup", "taskType": "authentication"}]}),
            )
        } else {
            FakeReply::json(
                401,
                json!({"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error", "code": "invalid_api_key"}}),
            )
        };
    }
    if runware {
        FakeReply::json(
            200,
            json!({"data": [{"taskType": "authentication", "connectionSessionUUID": "00000000-0000-4000-8000-000000000000"}]}),
        )
    } else {
        FakeReply::json(
            200,
            json!({"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model"}, {"id": "gpt-image-1", "object": "model"}]}),
        )
    }
}

fn chat_function(body: &Value) -> Option<AutoFunction> {
    let by_name = match body
        .pointer("/response_format/json_schema/name")
        .and_then(Value::as_str)
    {
        Some("keyword_clusters") => Some(AutoFunction::AutoCluster),
        Some("content_ideas") => Some(AutoFunction::GenerateIdeas),
        Some("article") => Some(AutoFunction::GenerateContent),
        Some("article_plan") => Some(AutoFunction::ContentPlan),
        Some("article_section") => Some(AutoFunction::ContentSection),
        Some("image_prompts") => Some(AutoFunction::GenerateImagePrompts),
        _ => None,
    };
    by_name.or_else(|| {
        let schema = schema_of(body)?;
        let required: Vec<&str> = schema
            .get("required")?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let has = |k: &str| required.contains(&k);
        Some(if has("clusters") {
            AutoFunction::AutoCluster
        } else if has("ideas") {
            AutoFunction::GenerateIdeas
        } else if has("sections") {
            AutoFunction::ContentPlan
        } else if has("featured") {
            AutoFunction::GenerateImagePrompts
        } else if has("html") && has("meta_title") {
            AutoFunction::GenerateContent
        } else if has("html") {
            AutoFunction::ContentSection
        } else {
            return None;
        })
    })
}

/// The schema asked for: `response_format`'s, else the one spelled out in the prompt.
fn schema_of(body: &Value) -> Option<Value> {
    if let Some(s) = body.pointer("/response_format/json_schema/schema") {
        return Some(s.clone());
    }
    let (_, text) = user_messages(body)
        .into_iter()
        .find_map(|m| m.split_once("Answer with JSON matching this JSON Schema:\n"))?;
    serde_json::from_str(text.trim()).ok()
}

fn user_messages(body: &Value) -> Vec<&str> {
    body.get("messages")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter(|m| m.get("role").and_then(Value::as_str) == Some("user"))
                .filter_map(|m| m.get("content").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default()
}

/// The answer to `request`, and what it was taken for.
pub fn respond(request: &Recorded) -> (Option<AutoFunction>, FakeReply) {
    let function = recognise(&request.path, &request.body);
    let reply = match function {
        Some(f) if f.is_chat() => chat(f, &request.body),
        Some(AutoFunction::OpenAiImage) => images::openai_image(&request.body),
        Some(AutoFunction::RunwareImage) => images::runware(request),
        Some(AutoFunction::ImageFile) => images::image_file(&request.path),
        Some(AutoFunction::KeyCheck) => key_check(request),
        _ => unknown(&request.path, &request.body),
    };
    (function, reply)
}

/// The pages an "Internal links:" message lists (`- Title: URL` lines): title and address.
fn listed_pages(users: &[&str]) -> Vec<(String, String)> {
    users
        .iter()
        .filter(|m| m.starts_with("Internal links:"))
        .flat_map(|m| m.lines().skip(1))
        .filter_map(|line| {
            let line = line.strip_prefix("- ")?;
            let at = line.rfind(": ")?;
            Some((line[..at].to_owned(), line[at + 2..].trim().to_owned()))
        })
        .collect()
}

fn unknown(path: &str, body: &Value) -> FakeReply {
    let message = if route(path).ends_with("/chat/completions") {
        "the fake provider does not recognise this chat request: it answers IGNY8's AI \
         functions only (a response_format json_schema named keyword_clusters, content_ideas, \
         article, article_plan, article_section or image_prompts)"
            .to_owned()
    } else if body.is_array() {
        "the fake provider answers Runware imageInference tasks only".to_owned()
    } else {
        format!(
            "the fake provider has no route {path}: it serves POST /v1/chat/completions, \
             POST /v1/images/generations, GET /v1/models, POST /runware and GET \
             {IMAGE_ROUTE}…"
        )
    };
    FakeReply::json(
        400,
        json!({"error": {"message": message, "type": "invalid_request_error", "code": "unrecognised_request"}}),
    )
}

fn chat(function: AutoFunction, body: &Value) -> FakeReply {
    let users = user_messages(body);
    let first = users.first().copied().unwrap_or_default();
    let prompt = first
        .split("\n\nAnswer with JSON matching")
        .next()
        .unwrap_or_default();
    // A follow-up asking for another length ("… must have 391–529 words (about 460)").
    let redo = users
        .last()
        .and_then(|m| number_after(m, "words (about ", ")"))
        .filter(|_| users.len() > 1);
    let schema = schema_of(body).unwrap_or(Value::Null);
    let answer = match function {
        AutoFunction::AutoCluster => planner::clusters(prompt),
        AutoFunction::GenerateIdeas => planner::ideas(prompt, &schema),
        AutoFunction::GenerateContent => {
            let words = redo
                .or_else(|| number_after(prompt, "Length: about ", " words"))
                .unwrap_or(800);
            let mut answer = article::whole(prompt, words);
            article::add_links(&mut answer, prompt, &listed_pages(&users));
            article::add_faq(&mut answer, &users.join("\n\n"));
            answer
        }
        AutoFunction::ContentPlan => {
            let mut plan = article::plan(prompt);
            article::add_faq(&mut plan, prompt);
            plan
        }
        AutoFunction::ContentSection => article::section(prompt, redo),
        _ => images::image_prompts(prompt, &schema),
    };
    let content = answer.to_string();
    let sent: usize = body
        .get("messages")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|m| m.get("content").and_then(Value::as_str))
                .map(str::len)
                .sum()
        })
        .unwrap_or(0);
    FakeReply::chat_with(
        &content,
        "stop",
        (sent / 4 + 1) as u64,
        (content.len() / 4 + 1) as u64,
    )
}

// ---------------------------------------------------------------------------------------
// Reading prompts

/// The integer between `before` and `after`, e.g. `number_after(p, "about ", " words")`.
fn number_after(text: &str, before: &str, after: &str) -> Option<i64> {
    let mut rest = text;
    while let Some(i) = rest.find(before) {
        rest = &rest[i + before.len()..];
        if let Some((n, _)) = rest.split_once(after)
            && let Ok(n) = n.trim().parse()
        {
            return Some(n);
        }
    }
    None
}

/// The text between `before` and the next `after`.
fn between(text: &str, before: &str, after: &str) -> Option<String> {
    let (_, rest) = text.split_once(before)?;
    let (found, _) = rest.split_once(after)?;
    Some(found.trim().to_owned())
}

/// The rest of the line after the first `label`, trimmed.
fn line_after(text: &str, label: &str) -> Option<String> {
    let (_, rest) = text.split_once(label)?;
    Some(rest.lines().next().unwrap_or_default().trim().to_owned())
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn title_case(text: &str) -> String {
    const SMALL: &[&str] = &[
        "a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "vs", "with",
    ];
    text.split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            if i > 0 && SMALL.contains(&w) {
                w.to_owned()
            } else {
                capitalise(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A stable number from `text`, to vary wording without randomness.
fn seed_of(text: &str) -> usize {
    text.bytes()
        .fold(5381usize, |h, b| h.wrapping_mul(33) ^ usize::from(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat_body(name: &str, user: &str) -> Value {
        json!({"model": "m", "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": user}],
               "response_format": {"type": "json_schema", "json_schema": {"name": name, "schema": {}}}})
    }

    fn answer_of(reply: &FakeReply) -> Value {
        let body: Value = serde_json::from_slice(reply.body()).unwrap();
        assert!(body["usage"]["prompt_tokens"].as_u64().unwrap() > 0);
        serde_json::from_str(body["choices"][0]["message"]["content"].as_str().unwrap()).unwrap()
    }

    fn recorded(path: &str, body: Value) -> Recorded {
        Recorded {
            path: path.into(),
            headers: vec![("host".into(), "127.0.0.1:9".into())],
            body,
        }
    }

    #[test]
    fn keywords_are_grouped_by_the_words_they_share() {
        let prompt = "Group these search keywords of the Garden sector (site: S) into topic clusters.\n\
            - Make at most 3 clusters; …\n\nExisting clusters:\n- id 7: Soaker hoses\n\n\
            Keywords (number. keyword — monthly volume):\n1. garden hose — 9000\n2. best garden hose — 4000\n\
            3. drip irrigation kit — 5000\n4. drip irrigation system — 3000\n5. soaker hose — 10\n6. zebra — 1";
        let (f, reply) = respond(&recorded(
            "/v1/chat/completions",
            chat_body("keyword_clusters", prompt),
        ));
        assert_eq!(f, Some(AutoFunction::AutoCluster));
        let answer = answer_of(&reply);
        let clusters = answer["clusters"].as_array().unwrap();
        assert!(clusters.len() <= 3, "{answer}");
        let mut all: Vec<i64> = clusters
            .iter()
            .flat_map(|c| {
                c["keywords"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_i64().unwrap())
            })
            .collect();
        all.sort();
        assert_eq!(all, [1, 2, 3, 4, 5, 6], "each keyword once: {answer}");
        let drip = clusters
            .iter()
            .find(|c| c["keywords"] == json!([3, 4]))
            .unwrap();
        assert_eq!(drip["name"], "Drip irrigation");
        assert!(
            clusters.iter().any(|c| c["existing_cluster_id"] == 7),
            "{answer}"
        );
    }

    #[test]
    fn images_show_what_the_article_is_about() {
        let article = "compost bins turn scraps into soil. a compost bin needs air. \
                       the guide covers the compost bin and the tumbler.";
        assert_eq!(
            images::subject_of("The Complete Guide to Compost Bin", article),
            "compost bin"
        );
        assert_eq!(images::subject_of("Hello", "nothing here"), "hello");
    }

    #[test]
    fn a_follow_up_naming_the_length_gets_that_length() {
        let section = "Primary keyword: hoses\nWrite section 2 of 4 now: \"Our picks\". What it covers: x\n\
                       Length: about 460 words (between 391 and 529).";
        let mut body = chat_body("article_section", section);
        let messages = body["messages"].as_array_mut().unwrap();
        messages.push(json!({"role": "assistant", "content": "{\"html\": \"<p>short</p>\"}"}));
        messages.push(json!({"role": "user", "content": "That has 1 words; it must have 255–345 words (about 300). Expand it."}));
        let (f, reply) = respond(&recorded("/v1/chat/completions", body));
        assert_eq!(f, Some(AutoFunction::ContentSection));
        let html = answer_of(&reply)["html"].as_str().unwrap().to_owned();
        assert_eq!(crate::writer::count_words(&html), 300, "{html}");
    }

    #[test]
    fn unknown_requests_are_refused_with_a_reason() {
        let (f, reply) = respond(&recorded("/v1/chat/completions", chat_body("poem", "hi")));
        assert_eq!(f, None);
        assert_eq!(reply.status_code(), 400);
        let (_, reply) = respond(&recorded("/v1/embeddings", json!({})));
        assert!(String::from_utf8_lossy(reply.body()).contains("no route /v1/embeddings"));
    }

    #[test]
    fn a_chat_without_response_format_is_recognised_by_its_schema() {
        let user = format!(
            "Write it.\n\nAnswer with JSON matching this JSON Schema:\n{}",
            json!({"type": "object", "required": ["featured", "in_article"]})
        );
        let body = json!({"messages": [{"role": "user", "content": user}]});
        assert_eq!(
            recognise("/v1/chat/completions", &body),
            Some(AutoFunction::GenerateImagePrompts)
        );
    }

    #[test]
    fn runware_images_point_back_at_the_fake() {
        let body =
            json!([{"taskType": "imageInference", "taskUUID": "abc", "width": 512, "height": 256}]);
        let (f, reply) = respond(&recorded("/runware", body));
        assert_eq!(f, Some(AutoFunction::RunwareImage));
        let answer: Value = serde_json::from_slice(reply.body()).unwrap();
        let url = answer["data"][0]["imageURL"].as_str().unwrap();
        assert_eq!(url, "http://127.0.0.1:9/runware/images/abc-512x256.png");
        let (f, file) = respond(&recorded(&url["http://127.0.0.1:9".len()..], Value::Null));
        assert_eq!(f, Some(AutoFunction::ImageFile));
        assert!(file.body().starts_with(b"\x89PNG"));
        assert_eq!(
            u32::from_be_bytes(file.body()[16..20].try_into().unwrap()),
            32
        );
    }
}
