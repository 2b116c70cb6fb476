//! The OpenAPI document as clients read it: what poem-openapi generates, made to say what the
//! server enforces and put in a form every client generator accepts.
//!
//! The rules themselves stay in the core, which checks every field and names each bad one in
//! one answer. This module only *declares* them ([`FIELDS`], [`PARAMS`]), with the core's own
//! numbers where it exports them, so a schema-valid request is one the server accepts (unless
//! it names something that doesn't exist or breaks a rule that depends on stored data) and a
//! schema-invalid one is refused. poem-openapi's own `validator` attributes are not used for
//! this: they would refuse a request at the first bad field, in another error shape, before
//! the core could name them all.
//!
//! The generated document is also rewritten where generators stumble: a reference with its own
//! description (poem-openapi emits `allOf: [{$ref}, {description}]`, which
//! openapi-python-client rejects for enums) becomes `anyOf: [{$ref}]` beside the description,
//! and request objects that refuse unknown fields say so (`additionalProperties: false`).
//!
//! Each operation also says who may call it ([`access`]): `x-igny8-access` and a sentence in
//! its description.

use serde_json::{Map, Value, json};

use igny8_core::list::MAX_PAGE_SIZE;
use igny8_core::planner::MAX_BULK_IDS;

/// Characters Rust's `char::is_whitespace` (the core's trimming) treats as whitespace, as the
/// body of a regular-expression class (spelled out: `\s` differs between regex engines).
macro_rules! ws {
    () => {
        r"\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
    };
}

pub mod access;
mod rules;

pub use access::ACCESS;
pub use rules::{FIELDS, PARAMS};

/// One constraint the core checks, as the document declares it.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// An integer within `min..=max`.
    Range(i64, i64),
    /// An integer of at least `min`.
    AtLeast(i64),
    /// A number within `min..=max`.
    Between(f64, f64),
    /// A number that isn't negative.
    NonNegative,
    /// A required line of text: at least one character that isn't whitespace, at most `max`
    /// characters.
    Line(usize),
    /// [`Rule::Line`] that must also be plain text (no markup such as `<b>`).
    PlainLine(usize),
    /// Text of at most `max` characters.
    Text(usize),
    /// Text of `min..=max` characters, taken as it is (passwords).
    Length(usize, usize),
    /// Text of at most `max` characters with no markup.
    PlainText(usize),
    /// A list of `min..=max` entries.
    Items(usize, usize),
    /// Every entry of a list of text: no markup, at most `max` characters.
    EachPlain(usize),
    /// Every entry of a list of text: a line of at most `max` characters.
    EachLine(usize),
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// Text matching this regular expression.
    Pattern(&'static str),
}

const WS: &str = ws!();

/// One character of plain text: anything but a `<` that starts a tag, end tag, comment or
/// processing instruction (`<` followed by a letter, `/`, `!` or `?`), as the core's
/// `markup_in` reads it.
const PLAIN_UNIT: &str = r"(?:[^<]|<+(?:[^<A-Za-z/!?]|$))";

fn not_blank() -> String {
    format!("[^{WS}]")
}

fn plain() -> String {
    format!("^{PLAIN_UNIT}*$")
}

fn plain_line() -> String {
    let solid = format!(r"(?:[^<{WS}]|<+(?:[^<A-Za-z/!?]|$))");
    format!("^{PLAIN_UNIT}*{solid}{PLAIN_UNIT}*$")
}

impl Rule {
    /// Writes the rule into a property's (or parameter's) schema.
    fn apply(self, schema: &mut Map<String, Value>) {
        let mut set = |k: &str, v: Value| {
            schema.insert(k.to_owned(), v);
        };
        match self {
            Rule::Range(min, max) => {
                set("minimum", json!(min));
                set("maximum", json!(max));
            }
            Rule::AtLeast(min) => set("minimum", json!(min)),
            Rule::NonNegative => set("minimum", json!(0)),
            Rule::Between(min, max) => {
                set("minimum", json!(min));
                set("maximum", json!(max));
            }
            Rule::Line(max) => {
                set("minLength", json!(1));
                set("maxLength", json!(max));
                set("pattern", json!(not_blank()));
            }
            Rule::PlainLine(max) => {
                set("minLength", json!(1));
                set("maxLength", json!(max));
                set("pattern", json!(plain_line()));
            }
            Rule::Text(max) => set("maxLength", json!(max)),
            Rule::Length(min, max) => {
                set("minLength", json!(min));
                set("maxLength", json!(max));
            }
            Rule::PlainText(max) => {
                set("maxLength", json!(max));
                set("pattern", json!(plain()));
            }
            Rule::Items(min, max) => {
                set("minItems", json!(min));
                set("maxItems", json!(max));
            }
            Rule::EachPlain(max) => {
                if let Some(Value::Object(items)) = schema.get_mut("items") {
                    Rule::PlainText(max).apply(items);
                }
            }
            Rule::EachLine(max) => {
                if let Some(Value::Object(items)) = schema.get_mut("items") {
                    Rule::Line(max).apply(items);
                }
            }
            Rule::OneOf(values) => set("enum", json!(values)),
            Rule::Pattern(p) => set("pattern", json!(p)),
        }
    }
}

/// Constraints of bulk operations' `ids`: the core takes 1 to [`MAX_BULK_IDS`].
pub const IDS: Rule = Rule::Items(1, MAX_BULK_IDS);

/// The document as served at `/api/schema/` and committed as `docs/openapi.json`, from the
/// one poem-openapi generates.
pub fn document(generated: &str) -> String {
    let mut doc: Value = serde_json::from_str(generated).unwrap_or_default();
    with_trailing_slashes(&mut doc);
    plain_references(&mut doc);
    close_request_objects(&mut doc);
    declare_fields(&mut doc);
    declare_params(&mut doc);
    declare_from_core(&mut doc);
    declare_creates(&mut doc);
    describe_event_streams(&mut doc);
    access::declare_access(&mut doc);
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// poem-openapi drops trailing slashes from paths; the API's paths end with one
/// (`/api/v1/planner/keywords/`), and the server accepts both, so the document names them so.
fn with_trailing_slashes(doc: &mut Value) {
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
        let old = std::mem::take(paths);
        for (path, item) in old {
            let path = if path.ends_with('/') {
                path
            } else {
                format!("{path}/")
            };
            paths.insert(path, item);
        }
    }
}

/// `allOf: [{$ref}, {description, nullable}]` → `anyOf: [{$ref}]` (the description and
/// `nullable` stay beside it): the same schema, in the form client generators take for enums
/// as well as objects.
fn plain_references(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let replace = match map.get("allOf") {
                Some(Value::Array(all)) if all.len() == 2 => {
                    let is_ref = all[0].as_object().is_some_and(|r| {
                        r.len() == 1 && r.get("$ref").is_some_and(Value::is_string)
                    });
                    let only_notes = all[1]
                        .as_object()
                        .is_some_and(|n| n.keys().all(|k| k == "description" || k == "nullable"));
                    (is_ref && only_notes).then(|| all[0].clone())
                }
                _ => None,
            };
            if let Some(reference) = replace {
                map.remove("allOf");
                map.insert("anyOf".to_owned(), Value::Array(vec![reference]));
            }
            for v in map.values_mut() {
                plain_references(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(plain_references),
        _ => {}
    }
}

/// Every object a request body can hold refuses unknown fields (`deny_unknown_fields`), so its
/// schema says `additionalProperties: false`.
fn close_request_objects(doc: &mut Value) {
    let mut names = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            collect_refs(&op["requestBody"], &mut names);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    while let Some(name) = names.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let schema = &doc["components"]["schemas"][&name];
        collect_refs(schema, &mut names);
        if let Some(schema) = doc["components"]["schemas"][&name].as_object_mut()
            && schema.get("type").and_then(Value::as_str) == Some("object")
            && schema.contains_key("properties")
            && !schema.contains_key("additionalProperties")
        {
            schema.insert("additionalProperties".to_owned(), Value::Bool(false));
        }
    }
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str)
                && let Some(name) = r.strip_prefix("#/components/schemas/")
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Writes [`FIELDS`] into the component schemas. A rule naming a schema or property the
/// document lacks is a mistake in the table, caught by the tests.
fn declare_fields(doc: &mut Value) {
    for (schemas, property, rules) in FIELDS {
        for schema in *schemas {
            let Some(prop) =
                doc["components"]["schemas"][*schema]["properties"][*property].as_object_mut()
            else {
                panic!("contract: no property {schema}.{property} in the document");
            };
            for rule in *rules {
                rule.apply(prop);
            }
        }
    }
}

/// Writes [`PARAMS`] and the paging parameters' bounds into every operation that takes them.
fn declare_params(doc: &mut Value) {
    let max_page = json!(igny8_core::list::MAX_PAGE);
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    let mut used = vec![false; PARAMS.len()];
    for (path, item) in paths.iter_mut() {
        for (method, op) in item.as_object_mut().into_iter().flatten() {
            let params = op.get_mut("parameters").and_then(Value::as_array_mut);
            for param in params.into_iter().flatten() {
                let name = param["name"].as_str().unwrap_or_default().to_owned();
                let Some(schema) = param["schema"].as_object_mut() else {
                    continue;
                };
                match name.as_str() {
                    "page" => {
                        schema.insert("minimum".into(), json!(1));
                        schema.insert("maximum".into(), max_page.clone());
                    }
                    "page_size" => {
                        schema.insert("minimum".into(), json!(1));
                        schema.insert("maximum".into(), json!(MAX_PAGE_SIZE));
                    }
                    _ => {}
                }
                for (i, (at, param_name, rules)) in PARAMS.iter().enumerate() {
                    let (want_method, want_path) = at.split_once(' ').unwrap_or(("", at));
                    if *param_name == name
                        && want_method.eq_ignore_ascii_case(method)
                        && (want_path == path.as_str()
                            || want_path.trim_start_matches("/api/v1") == path.as_str())
                    {
                        used[i] = true;
                        for rule in *rules {
                            rule.apply(schema);
                        }
                    }
                }
            }
        }
    }
    for (i, used) in used.iter().enumerate() {
        assert!(
            used,
            "contract: no parameter {} of {} in the document",
            PARAMS[i].1, PARAMS[i].0
        );
    }
}

/// Where a JSON `value` has something other than a string where `schema` (resolved against
/// the document's component `schemas`) declares a string: field path → message. Only strings
/// are checked: poem-openapi reads every other type strictly, but takes numbers and booleans
/// for strings.
pub fn string_errors(
    schemas: &Value,
    schema: &Value,
    value: &Value,
    path: &str,
    errors: &mut std::collections::BTreeMap<String, Vec<String>>,
) {
    let mut schema = schema;
    for _ in 0..8 {
        if let Some(name) = schema["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            schema = &schemas[name];
        } else if let Some([only]) = schema["anyOf"].as_array().map(Vec::as_slice) {
            schema = only;
        } else {
            break;
        }
    }
    let field = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (schema["type"].as_str(), value) {
        (_, Value::Null) => {}
        (Some("string"), Value::String(_)) => {}
        (Some("string"), _) => {
            let name = if path.is_empty() { "body" } else { path };
            errors
                .entry(name.to_owned())
                .or_default()
                .push("must be a string".to_owned());
        }
        (Some("object"), Value::Object(map)) => {
            for (key, v) in map {
                if let Some(prop) = schema["properties"].get(key) {
                    string_errors(schemas, prop, v, &field(key), errors);
                } else if schema["additionalProperties"].is_object() {
                    let extra = &schema["additionalProperties"];
                    string_errors(schemas, extra, v, &field(key), errors);
                }
            }
        }
        (Some("array"), Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                string_errors(
                    schemas,
                    &schema["items"],
                    v,
                    &format!("{path}[{i}]"),
                    errors,
                );
            }
        }
        _ => {}
    }
}

/// Declarations read from the core's own tables: the settings and their types, the AI
/// operations an estimate prices, the prompt types a strategy customises.
fn declare_from_core(doc: &mut Value) {
    use igny8_core::enums::StringEnum as _;
    use igny8_core::system::{SETTINGS, SettingType};
    let keys: Vec<&str> = SETTINGS.iter().map(|d| d.key).collect();
    for item in doc["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut())
    {
        for op in item
            .as_object_mut()
            .into_iter()
            .flat_map(|o| o.values_mut())
        {
            let params = op.get_mut("parameters").and_then(Value::as_array_mut);
            for param in params.into_iter().flatten() {
                if param["name"] == "key" && param["in"] == "path" {
                    param["schema"]["enum"] = json!(keys);
                }
            }
        }
    }
    // A setting to set: one shape per key, with the value's type.
    let variants: Vec<Value> = SETTINGS
        .iter()
        .map(|d| {
            let value = match d.kind {
                SettingType::Bool => json!({"type": "boolean"}),
                SettingType::Int { min, max } => {
                    json!({"type": "integer", "format": "int64", "minimum": min, "maximum": max})
                }
                SettingType::Text { max } => json!({"type": "string", "maxLength": max}),
                SettingType::Choice(values) => json!({"type": "string", "enum": values}),
                SettingType::Size => json!({"type": "string", "pattern": rules::SIZE}),
            };
            json!({
                "type": "object",
                "title": format!("Set {}", d.key),
                "description": d.description,
                "required": ["key", "value"],
                "properties": {
                    "key": {"type": "string", "enum": [d.key]},
                    "value": value,
                },
                "additionalProperties": false,
            })
        })
        .collect();
    if let Some(input) = doc["components"]["schemas"].get_mut("SettingInput") {
        let description = input["description"].clone();
        *input = json!({"description": description, "oneOf": variants});
    }
    // Estimates price the AI functions only (and local clustering, at no cost).
    use igny8_core::jobs::JobKind::*;
    let priced: Vec<&str> = [
        AutoCluster,
        LocalCluster,
        GenerateIdeas,
        GenerateContent,
        GenerateImagePrompts,
        GenerateImages,
    ]
    .iter()
    .map(|k| k.as_str())
    .collect();
    if let Some(op) = doc["components"]["schemas"]["EstimateRequest"]["properties"]
        .get_mut("operation")
        .and_then(Value::as_object_mut)
    {
        op.insert("enum".into(), json!(priced));
    }
    // A strategy customises the prompts of known types.
    let types: Map<String, Value> = igny8_core::thinker::PromptType::VALUES
        .iter()
        .map(|t| {
            (
                t.as_str().to_owned(),
                json!({"type": "string", "maxLength": 10_000}),
            )
        })
        .collect();
    if let Some(p) = doc["components"]["schemas"]["StrategyInput"]["properties"]
        .get_mut("prompt_customisations")
        .and_then(Value::as_object_mut)
    {
        p.remove("additionalProperties");
        p.insert("properties".into(), Value::Object(types));
        p.insert("additionalProperties".into(), Value::Bool(false));
    }
}

/// Inputs shared by create and change whose create operation needs more: the create
/// operation's body gets a copy of the schema under its own name, with those fields required.
const CREATES: &[(&str, &str, &str, &[&str])] = &[
    (
        "/thinker/author-profiles/",
        "AuthorProfileInput",
        "NewAuthorProfile",
        &["name"],
    ),
    (
        "/thinker/strategies/",
        "StrategyInput",
        "NewStrategy",
        &["name"],
    ),
    (
        "/automation/rules/",
        "RuleInput",
        "NewAutomationRule",
        &["site_id", "name", "stages"],
    ),
];

fn declare_creates(doc: &mut Value) {
    for (path, from, to, required) in CREATES {
        let mut schema = doc["components"]["schemas"][*from].clone();
        assert!(schema.is_object(), "contract: no schema {from}");
        schema["title"] = json!(to);
        schema["required"] = json!(required);
        for field in *required {
            if let Some(p) = schema["properties"]
                .get_mut(*field)
                .and_then(Value::as_object_mut)
            {
                p.remove("nullable");
            }
        }
        doc["components"]["schemas"][*to] = schema;
        let body = &mut doc["paths"][*path]["post"]["requestBody"]["content"]["application/json; charset=utf-8"]
            ["schema"];
        assert!(body.is_object(), "contract: no POST {path} body");
        *body = json!({"$ref": format!("#/components/schemas/{to}")});
    }
}

/// A `text/event-stream` answer is described event by event (as OpenAPI 3.2's `itemSchema`
/// and schemathesis read an event stream's schema): each event has a name and JSON `data` of
/// the type poem-openapi gives as the stream's items.
fn describe_event_streams(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(media)) = map.get_mut("text/event-stream")
                && let Some(items) = media.get("schema").and_then(|s| s.get("items")).cloned()
            {
                media.insert(
                    "schema".into(),
                    json!({
                        "type": "object",
                        "required": ["data"],
                        "properties": {
                            "event": {"type": "string"},
                            "data": {
                                "type": "string",
                                "contentMediaType": "application/json",
                                "contentSchema": items,
                            },
                        },
                    }),
                );
            }
            map.values_mut().for_each(describe_event_streams);
        }
        Value::Array(items) => items.iter_mut().for_each(describe_event_streams),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The patterns use only what the `regex` crate, ECMA-262 and Python read alike.
    fn matches(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern)
            .expect("the pattern compiles")
            .is_match(text)
    }

    #[test]
    fn text_patterns_agree_with_the_core() {
        let samples = [
            "",
            " ",
            "\u{3000}",
            "a",
            " a ",
            "<b>",
            "a<b",
            "5 < 6",
            "<3",
            "<=",
            "a <",
            "<<a",
            "</p>",
            "<!-- x -->",
            "<?php",
            "x\u{1c}",
            "\u{1c}",
            "<é",
            "«x»",
        ];
        for s in samples {
            let markup = igny8_core::markup_in(s).is_some();
            let blank = igny8_core::collapse_whitespace(s).is_empty();
            assert_eq!(matches(&plain(), s), !markup, "plain {s:?}");
            assert_eq!(matches(&not_blank(), s), !blank, "not blank {s:?}");
            assert_eq!(
                matches(&plain_line(), s),
                !markup && !blank,
                "plain line {s:?}"
            );
        }
    }
}
