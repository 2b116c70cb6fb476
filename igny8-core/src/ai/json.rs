//! Getting JSON out of model output, and checking it against the JSON Schema the caller sent.
//!
//! [`extract_json`] finds the JSON value in an assistant message (plain, fenced, or wrapped in
//! prose) and repairs only what is safe to repair (trailing commas). Truncated output is
//! reported as [`JsonProblem::Truncated`] so the caller can retry. [`validate`] checks a value
//! against the small JSON Schema subset we write ourselves.

use serde_json::{Map, Number, Value};

/// Why model output could not be turned into the JSON value the caller asked for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JsonProblem {
    /// The output ends inside a JSON value (unbalanced brackets or an unterminated string).
    #[error("the model output ends before its JSON is complete (truncated)")]
    Truncated,
    /// The output contains no JSON value.
    #[error("no JSON found in the model output: {snippet:?}")]
    NotJson {
        /// The start of the output (at most 200 characters).
        snippet: String,
    },
    /// The output contains something shaped like JSON that does not parse, even after repair.
    #[error("the model output contains malformed JSON: {message}")]
    Malformed {
        /// The parser's message.
        message: String,
    },
    /// The JSON does not match the schema.
    #[error("the JSON does not match the schema at {}: {message}", shown_path(.path))]
    Schema {
        /// Where the violation is, as a JSON pointer (`""` for the whole value).
        path: String,
        /// What is wrong, in English.
        message: String,
    },
}

fn shown_path(path: &str) -> &str {
    if path.is_empty() {
        "the top level"
    } else {
        path
    }
}

/// How many characters of the output [`JsonProblem::NotJson`] keeps.
const SNIPPET_CHARS: usize = 200;

/// Extracts the JSON value from an assistant message.
///
/// Tries, in order: the whole text; the first markdown fence (```` ```json ```` or ```` ``` ````);
/// the first `{` or `[` in the text that starts a complete, balanced value. Prose around the
/// value is ignored and trailing commas are removed. A value that runs to the end of the text
/// unfinished is [`JsonProblem::Truncated`]; it is never completed by guessing.
///
/// In prose, only plausible starts are considered: `{` followed by `"` or `}`, and `[` followed
/// by `{`, `[`, `"` or `]` (so citations like `[1]` are skipped).
pub fn extract_json(text: &str) -> Result<Value, JsonProblem> {
    let text = text.trim_start_matches('\u{feff}').trim();
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    if let Some(body) = fence_body_start(text) {
        match scan_from(text, body) {
            Err(JsonProblem::NotJson { .. }) => {}
            found => return found,
        }
    }
    scan_from(text, 0)
}

/// The byte offset of the line after the first opening fence (```` ``` ```` at a line start).
fn fence_body_start(text: &str) -> Option<usize> {
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("```") {
            return Some(line_start + line.len());
        }
        line_start += line.len();
    }
    None
}

/// Parses the first plausible, complete JSON value starting at or after byte `from`.
fn scan_from(text: &str, from: usize) -> Result<Value, JsonProblem> {
    let mut pos = from;
    let mut first_error = None;
    while let Some(start) = next_plausible_start(text, pos) {
        let Some(end) = balanced_end(text, start) else {
            return Err(JsonProblem::Truncated);
        };
        match parse_repaired(&text[start..end]) {
            Ok(value) => return Ok(value),
            Err(problem) => {
                first_error.get_or_insert(problem);
                pos = end;
            }
        }
    }
    Err(first_error.unwrap_or_else(|| JsonProblem::NotJson {
        snippet: text.chars().take(SNIPPET_CHARS).collect(),
    }))
}

/// The next `{` or `[` at or after `from` that plausibly opens a JSON value.
fn next_plausible_start(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    (from..bytes.len()).find(|&i| {
        let next = || bytes[i + 1..].iter().find(|b| !b.is_ascii_whitespace());
        match bytes[i] {
            b'{' => matches!(next(), Some(b'"' | b'}')),
            b'[' => matches!(next(), Some(b'{' | b'[' | b'"' | b']')),
            _ => false,
        }
    })
}

/// The byte offset just past the value opened at `start`, or `None` if the text ends first.
///
/// Brackets inside strings (including after escaped quotes) do not count. A mismatched closer
/// ends the scan there; the parser then reports the slice as malformed.
fn balanced_end(text: &str, start: usize) -> Option<usize> {
    let mut closers = Vec::new();
    let mut strings = Strings::default();
    for (i, &byte) in text.as_bytes().iter().enumerate().skip(start) {
        match byte {
            _ if !strings.structural(byte) => {}
            b'{' => closers.push(b'}'),
            b'[' => closers.push(b']'),
            b'}' | b']' => {
                let matched = closers.pop() == Some(byte);
                if !matched || closers.is_empty() {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Tracks, byte by byte, whether a scan of JSON text is inside a string.
#[derive(Default)]
struct Strings {
    inside: bool,
    escaped: bool,
}

impl Strings {
    /// Feeds the next byte; true if it is structural (outside strings and not a quote).
    fn structural(&mut self, byte: u8) -> bool {
        if !self.inside {
            self.inside = byte == b'"';
            return !self.inside;
        }
        match (self.escaped, byte) {
            (true, _) => self.escaped = false,
            (false, b'\\') => self.escaped = true,
            (false, b'"') => self.inside = false,
            _ => {}
        }
        false
    }
}

/// Parses `slice`, retrying once with trailing commas removed.
fn parse_repaired(slice: &str) -> Result<Value, JsonProblem> {
    serde_json::from_str(slice).or_else(|original| {
        let message = original.to_string();
        serde_json::from_str(&remove_trailing_commas(slice))
            .map_err(|_| JsonProblem::Malformed { message })
    })
}

/// Removes commas (outside strings) that are followed only by whitespace and `}` or `]`.
fn remove_trailing_commas(slice: &str) -> String {
    let mut strings = Strings::default();
    let trailing = |i: usize| slice[i + 1..].trim_start().starts_with(['}', ']']);
    // Only a char's first byte is fed: continuation bytes are never quotes or backslashes.
    let chars = slice.char_indices();
    chars
        .filter(|&(i, ch)| !(strings.structural(slice.as_bytes()[i]) && ch == ',' && trailing(i)))
        .map(|(_, ch)| ch)
        .collect()
}

/// Checks `value` against `schema` and returns the first violation.
///
/// Supported keywords: `type` (a name or a list of names; `integer` accepts numbers with a zero
/// fraction), `enum`, `properties`, `required`, `additionalProperties` (booleans only), `items`
/// (one schema), `minItems`, `maxItems`, `minLength`, `maxLength` (in characters), `minimum`
/// and `maximum`. Other keywords, `description` and `title` among them, are ignored.
pub fn validate(schema: &Value, value: &Value) -> Result<(), JsonProblem> {
    check(schema, value, "")
}

/// A JSON Schema (or a JSON object) as a map.
type Schema = Map<String, Value>;

fn check(schema: &Value, value: &Value, path: &str) -> Result<(), JsonProblem> {
    let Some(schema) = schema.as_object() else {
        return Ok(());
    };
    check_value(schema, value).map_err(|message| schema_problem(path, message))?;
    match value {
        Value::Array(items) => check_items(schema, items, path),
        Value::Object(object) => check_object(schema, object, path),
        _ => Ok(()),
    }
}

fn schema_problem(path: &str, message: String) -> JsonProblem {
    let path = path.to_owned();
    JsonProblem::Schema { path, message }
}

/// The checks that look at `value` itself, not inside it: type, enum, lengths and bounds.
fn check_value(schema: &Schema, value: &Value) -> Result<(), String> {
    check_type(schema, value)?;
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.iter().any(|candidate| same_json(candidate, value))
    {
        return Err(format!(
            "{value} is not one of {}",
            Value::from(allowed.clone())
        ));
    }
    match value {
        Value::String(text) => check_count(schema, text.chars().count(), "characters"),
        Value::Array(items) => check_count(schema, items.len(), "items"),
        Value::Number(number) => check_range(schema, number),
        _ => Ok(()),
    }
}

fn check_type(schema: &Schema, value: &Value) -> Result<(), String> {
    let names: Vec<&str> = match schema.get("type") {
        Some(Value::String(name)) => vec![name],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => return Ok(()),
    };
    if names.is_empty() || names.iter().any(|name| has_type(value, name)) {
        return Ok(());
    }
    let wanted: Vec<&str> = names.iter().map(|name| type_phrase(name)).collect();
    let found = type_phrase(kind(value));
    Err(format!("expected {}, found {found}", wanted.join(" or ")))
}

/// Whether `value` is of the JSON Schema type `name`; `integer` takes `3.0` but not `3.5`.
fn has_type(value: &Value, name: &str) -> bool {
    match (name, value.as_f64()) {
        ("integer", Some(f)) => value.is_i64() || value.is_u64() || f.fract() == 0.0,
        _ => name == kind(value),
    }
}

/// The JSON Schema type name of `value` (`number` for every number).
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A type name with its article, for messages: "an object", "a string", "null".
fn type_phrase(name: &str) -> &str {
    match name {
        "object" => "an object",
        "array" => "an array",
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean",
        other => other,
    }
}

/// JSON equality, except that numbers compare by value (`1` equals `1.0`).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// `minLength`/`maxLength` for strings (unit "characters"), `minItems`/`maxItems` for arrays.
fn check_count(schema: &Schema, count: usize, unit: &str) -> Result<(), String> {
    let (min_key, max_key) = match unit {
        "items" => ("minItems", "maxItems"),
        _ => ("minLength", "maxLength"),
    };
    let limit = |key| schema.get(key).and_then(Value::as_u64);
    let count = count as u64;
    if let Some(min) = limit(min_key).filter(|&min| count < min) {
        return Err(format!("expected at least {min} {unit}, found {count}"));
    }
    match limit(max_key).filter(|&max| count > max) {
        Some(max) => Err(format!("expected at most {max} {unit}, found {count}")),
        None => Ok(()),
    }
}

fn check_range(schema: &Schema, number: &Number) -> Result<(), String> {
    let n = number.as_f64().unwrap_or(f64::NAN);
    let limit = |key| schema.get(key).and_then(|b: &Value| Some((b, b.as_f64()?)));
    if let Some((min, _)) = limit("minimum").filter(|&(_, min)| n < min) {
        return Err(format!("expected a number >= {min}, found {number}"));
    }
    match limit("maximum").filter(|&(_, max)| n > max) {
        Some((max, _)) => Err(format!("expected a number <= {max}, found {number}")),
        None => Ok(()),
    }
}

fn check_items(schema: &Schema, items: &[Value], path: &str) -> Result<(), JsonProblem> {
    let Some(item_schema) = schema.get("items") else {
        return Ok(());
    };
    let mut items = items.iter().enumerate();
    items.try_for_each(|(index, item)| check(item_schema, item, &format!("{path}/{index}")))
}

/// `required` (in schema order), then each property of `object` against `properties` and
/// `additionalProperties: false`.
fn check_object(schema: &Schema, object: &Schema, path: &str) -> Result<(), JsonProblem> {
    let required = schema.get("required").and_then(Value::as_array);
    let mut required = required.into_iter().flatten().filter_map(Value::as_str);
    if let Some(name) = required.find(|name| !object.contains_key(*name)) {
        let message = format!("missing required property {}", Value::from(name));
        return Err(schema_problem(path, message));
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    for (key, child) in object {
        let child_path = format!("{path}/{}", pointer_token(key));
        match properties.and_then(|p| p.get(key)) {
            Some(child_schema) => check(child_schema, child, &child_path)?,
            None if closed => {
                let message = format!("unknown property {}", Value::from(key.as_str()));
                return Err(schema_problem(path, message));
            }
            None => {}
        }
    }
    Ok(())
}

/// `key` escaped for a JSON pointer (`~` → `~0`, `/` → `~1`).
fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn violation_of(schema: &Value, value: Value) -> (String, String) {
        match validate(schema, &value) {
            Err(JsonProblem::Schema { path, message }) => (path, message),
            other => panic!("expected a schema violation, got {other:?}"),
        }
    }

    fn ok(text: &str, expected: Value) {
        assert_eq!(extract_json(text), Ok(expected), "{text:?}");
    }

    #[test]
    fn extracts_plain_fenced_and_prose_wrapped_json() {
        ok("\u{feff}  {\"a\": 1}\n", json!({"a": 1}));
        ok("[1, 2]", json!([1, 2]));
        let fenced = "Sure:\n```json\n{\"a\": [1]}\n```\nAnything else?";
        ok(fenced, json!({"a": [1]}));
        ok("```\n[{\"k\": \"v\"}]\n```", json!([{"k": "v"}]));
        let prose = r#"Here: {"t": "a } b", "n": 2} Hope this helps!"#;
        ok(prose, json!({"t": "a } b", "n": 2}));
        let escaped = r#"Result: {"q": "say \"}\" \\", "n": 1} ok"#;
        ok(escaped, json!({"q": "say \"}\" \\", "n": 1}));
        let citations = r#"See [1] and {curly}. The list: ["a", "b"] - thanks"#;
        ok(citations, json!(["a", "b"]));
        let fence_in_string = "Out: {\"md\": \"```js\\nx\\n```\"}";
        ok(fence_in_string, json!({"md": "```js\nx\n```"}));
    }

    #[test]
    fn removes_trailing_commas_outside_strings() {
        let fenced = "```json\n{\"a\": [1, 2, ], \"s\": \",}\", }\n```";
        ok(fenced, json!({"a": [1, 2], "s": ",}"}));
        ok("[{\"a\": \"é\",},\n]", json!([{"a": "é"}]));
    }

    #[test]
    fn truncated_output_is_not_repaired() {
        let cases = [
            "```json\n{\"clusters\": [{\"name\": \"a\"}, {\"name\": \"b\"",
            r#"{"a": {"b": 1}, "c": 2"#,
            r#"Here: {"text": "unfinished \"sent"#,
            r#"[{"a": 1}, {"b": "#,
        ];
        for text in cases {
            assert_eq!(extract_json(text), Err(JsonProblem::Truncated), "{text:?}");
        }
        assert!(JsonProblem::Truncated.to_string().contains("truncated"));
    }

    #[test]
    fn reports_no_json_and_malformed_json() {
        let Err(JsonProblem::NotJson { snippet }) = extract_json(&"é".repeat(300)) else {
            panic!("expected NotJson");
        };
        assert_eq!(snippet, "é".repeat(200));
        let blank = extract_json("  ");
        assert!(matches!(blank, Err(JsonProblem::NotJson { .. })));
        let bad = extract_json(r#"Result: {"a": nope} end"#);
        assert!(matches!(bad, Err(JsonProblem::Malformed { .. })), "{bad:?}");
    }

    #[test]
    fn validates_types_and_reports_nested_paths() {
        let keywords = json!({"type": "array", "minItems": 1, "items": {"type": "string"}});
        let cluster = json!({"type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}, "keywords": keywords}});
        let schema = json!({"type": "object", "title": "Plan", "required": ["clusters"],
            "properties": {"clusters": {"type": "array", "items": cluster}}});
        let good = json!({"clusters": [{"name": "a", "keywords": ["x"]}]});
        assert_eq!(validate(&schema, &good), Ok(()));
        let fails = |value: Value, expected: &str| {
            let (path, message) = violation_of(&schema, value);
            assert_eq!(format!("{path}: {message}"), expected);
        };
        let bad_keyword = json!({"clusters": [{"name": "a", "keywords": [3]}]});
        fails(
            bad_keyword,
            "/clusters/0/keywords/0: expected a string, found a number",
        );
        let unnamed = json!({"clusters": [{"name": "a"}, {"keywords": ["x"]}]});
        fails(unnamed, r#"/clusters/1: missing required property "name""#);
        let no_keywords = json!({"clusters": [{"name": "a", "keywords": []}]});
        fails(
            no_keywords,
            "/clusters/0/keywords: expected at least 1 items, found 0",
        );
        fails(json!([]), ": expected an object, found an array");
        let shown = schema_problem(&pointer_token("/a/b~"), "m".into()).to_string();
        assert_eq!(shown, "the JSON does not match the schema at ~1a~1b~0: m");
        let shown = schema_problem("", "m".into()).to_string();
        assert!(shown.ends_with("at the top level: m"), "{shown}");
    }

    #[test]
    fn integer_accepts_zero_fraction_only() {
        let schema = json!({"type": "integer", "minimum": 1, "maximum": 5});
        assert_eq!(validate(&schema, &json!(3.0)), Ok(()));
        let message = |value| violation_of(&schema, value).1;
        assert_eq!(message(json!(3.5)), "expected an integer, found a number");
        assert_eq!(message(json!(7)), "expected a number <= 5, found 7");
        assert_eq!(message(json!(0)), "expected a number >= 1, found 0");
        let nullable = json!({"type": ["string", "null"]});
        assert_eq!(validate(&nullable, &Value::Null), Ok(()));
        let message = violation_of(&nullable, json!(true)).1;
        assert_eq!(message, "expected a string or null, found a boolean");
    }

    #[test]
    fn checks_enum_additional_properties_and_lengths() {
        let message = violation_of(&json!({"enum": ["a", "b"]}), json!("x")).1;
        assert_eq!(message, r#""x" is not one of ["a","b"]"#);
        let closed = json!({"properties": {"a": {}}, "additionalProperties": false});
        assert_eq!(validate(&closed, &json!({"a": 1})), Ok(()));
        let message = violation_of(&closed, json!({"a": 1, "foo": 2})).1;
        assert_eq!(message, r#"unknown property "foo""#);
        let open = json!({"properties": {"a": {"type": "string"}}, "description": "ignored"});
        assert_eq!(validate(&open, &json!({"b": 1})), Ok(()));
        let three = json!({"type": "string", "minLength": 3, "maxLength": 3});
        assert_eq!(validate(&three, &json!("héé")), Ok(()));
        let message = violation_of(&three, json!("日本")).1;
        assert_eq!(message, "expected at least 3 characters, found 2");
        let message = violation_of(&three, json!("abcd")).1;
        assert_eq!(message, "expected at most 3 characters, found 4");
        let message = violation_of(&json!({"maxItems": 1}), json!([1, 2])).1;
        assert_eq!(message, "expected at most 1 items, found 2");
    }
}
