//! The operations of the OpenAPI document the server serves, and valid requests for each
//! with an account's own ids: what the tests that walk every operation share
//! (`tenancy_probe.rs` sends one account's requests with another's ids in them,
//! `permission_matrix.rs` sends each as every kind of caller).
//!
//! An account ([`Tenant`]) has one of every object ([`tenant`], [`more`]); a [`Builder`] fills
//! an operation's path, query and body from the document's schemas with those ids (or, where it
//! probes one slot, another account's); [`operations`] reads the document's operations in an
//! order where deleting operations run last, children before their parents.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};

use igny8_core::testing::fake_ai::{FakeAi, FakeReply};
use serde_json::{Map, Value, json};

use super::{Live, live};

/// A live server on `backend` whose AI provider is `fake`, with `credits` for every sign-up,
/// AI limits out of reach and generated images in a media directory of its own (named after
/// `what`; the caller removes it). `None` where the backend isn't configured.
pub async fn server_with_fake_ai(
    backend: igny8_core::Backend,
    fake: &FakeAi,
    what: &str,
    credits: i64,
) -> Option<(Live, std::path::PathBuf)> {
    let media = std::env::temp_dir().join(format!(
        "igny8-{what}-media-{}-{}",
        std::process::id(),
        backend.as_str()
    ));
    let (base, media_dir) = (fake.base_url(), media.to_string_lossy().into_owned());
    let s = live(backend, move |settings| {
        settings.signup_credits = Some(credits);
        settings.rate_limits.ai = 100_000;
        settings.ai.openai_base_url = base;
        settings.ai.openai_api_key = Some("sk-test".into());
        settings.ai.max_attempts = 1;
        settings.ai.media_dir = media_dir;
    })
    .await?;
    Some((s, media))
}
/// The objects each account has, by the path segment that names them: `/{segment}/{id}/` and
/// the `ids` of `/{segment}/…` operations refer to that object. In the order they are made; the
/// deleting operations run in the reverse order, children before their parents.
pub const RESOURCES: &[(&str, &str)] = &[
    ("accounts", "account"),
    ("plans", "plan"),
    ("sites", "site"),
    ("sectors", "sector"),
    ("users", "user"),
    ("api-keys", "api_key"),
    ("keywords", "keyword"),
    ("clusters", "cluster"),
    ("ideas", "idea"),
    ("author-profiles", "author"),
    ("strategies", "strategy"),
    ("tasks", "task"),
    ("content", "content"),
    ("images", "image"),
    ("prompts", "prompt"),
    ("rules", "rule"),
    ("runs", "run"),
    ("jobs", "job"),
];

/// Body fields and query filters that refer to an object, by name.
pub const FIELDS: &[(&str, &str)] = &[
    ("site_id", "site"),
    ("sector_id", "sector"),
    ("cluster_id", "cluster"),
    ("idea_id", "idea"),
    ("task_id", "task"),
    ("content_id", "content"),
    ("author_profile_id", "author"),
    ("strategy_id", "strategy"),
    ("rule_id", "rule"),
    ("plan_id", "plan"),
];

/// Names ending in `_id` that are not IGNY8 objects.
pub const NOT_REFERENCES: &[(&str, &str)] = &[
    (
        "wp_post_id",
        "the number of a post on the account's own WordPress site",
    ),
    (
        "attachment_id",
        "the number of a media item on the account's own WordPress site",
    ),
    (
        "wp_id",
        "the number of a post, page or category on the account's own WordPress site",
    ),
    (
        "account_id",
        "an operator's filter of every account's jobs (operators only; no tenant can send it)",
    ),
];

/// Path parameters that name something within the caller's account rather than give an id:
/// B sends the names A uses (B has its own under the same names); A's must stay A's.
pub const NAMES: &[(&str, &str)] = &[("provider", "integration"), ("key", "setting")];

/// `ids` of operations whose path names no object: which objects they are.
pub const IDS_OF: &[(&str, &str)] = &[("/billing/estimate/", "task")];

/// Operations neither test sends, and why.
pub const SKIPPED: &[(&str, &str, &str)] = &[
    (
        "POST",
        "/auth/register/",
        "signs up a new account: no caller, no ids",
    ),
    ("POST", "/auth/login/", "signs in: no caller, no ids"),
    (
        "POST",
        "/auth/refresh/",
        "takes a refresh token, not an id, and needs no caller (stolen tokens: security.rs)",
    ),
    (
        "POST",
        "/auth/logout/",
        "takes a refresh token, not an id, and ends the caller's own session (security.rs)",
    ),
    (
        "POST",
        "/auth/me/password/",
        "changes the caller's own password: no ids, and the caller's sessions would end",
    ),
];

/// Fields an operation needs that its schema doesn't mark required (its schema is shared with
/// the change, where nothing is), or that a request with the account's own ids needs to
/// succeed.
pub const NEEDED: &[(&str, &str, &[&str])] = &[
    // The account's own site is recognised by its URL (a name alone would make a new one).
    ("POST", "/auth/sites/connect/", &["url"]),
    ("POST", "/automation/rules/", &["name", "every_hours"]),
    ("POST", "/thinker/strategies/", &["name"]),
    ("POST", "/writer/images/generate_images/", &["regenerate"]),
];

/// Operations whose request with the account's own ids is refused all the same, and how (the
/// probe's refusal with another account's ids must differ from it: a 404 where this is
/// answered; the permission matrix expects this from every caller allowed to try).
pub const OWN_REFUSED: &[(&str, &str, u16, &str)] = &[
    (
        "POST",
        "/auth/sites/{id}/test_connection/",
        400,
        "not_configured: there is no WordPress site to talk to here (tests/wordpress does that)",
    ),
    (
        "POST",
        "/auth/sites/{id}/links/sync/",
        400,
        "not_configured: there is no WordPress site to sync from here (tests/wordpress does that)",
    ),
    (
        "POST",
        "/writer/content/{id}/links_back/",
        400,
        "validation: the account has one content, and an article can't link back to itself",
    ),
];

/// Paths whose operations only platform operators may use: an account's users and keys are
/// refused with 403 whatever the ids.
pub const OPERATOR_ONLY: &str = "/operator/";

/// Values for fields a request needs, by field name (others get a value of their type).
pub fn sample(name: &str, marker: &str, n: u64) -> Option<Value> {
    Some(match name {
        "email" => json!(format!("probe{n}@{marker}.example")),
        "password" => json!("password123"),
        "url" => json!(format!("https://{marker}.example.com")),
        "username" => json!("probe"),
        "application_password" => json!("abcd efgh ijkl mnop"),
        "prompt_type" => json!("content"),
        "template" => json!("Write {{title}}."),
        "operation" => json!("generate_content"),
        "kind" => json!("featured"),
        "key" => json!("content.tone"),
        "value" => json!(format!("{marker} tone {n}")),
        "html" => json!(format!("<p>{marker} probe {n}</p>")),
        "cron" => json!("0 9 * * *"),
        "timezone" => json!("UTC"),
        "cluster_mode" => json!("local"),
        "slug" => json!(format!("probe-{n}")),
        "every_hours" => json!(24),
        "regenerate" => json!(true),
        "reason" => json!("probe"),
        // WordPress objects a caller read itself: none is a valid list.
        "pages" => json!([]),
        _ => return None,
    })
}

/// For a change with nothing else to send: the first of these the body has.
pub const SOMETHING_TO_CHANGE: &[&str] = &[
    "name",
    "title",
    "description",
    "guidance",
    "alt_text",
    "industry",
    "html",
];

/// One account's objects.
#[derive(Clone)]
pub struct Tenant {
    pub token: String,
    pub marker: &'static str,
    pub ids: BTreeMap<&'static str, i64>,
}

impl Tenant {
    /// The owner's `Authorization` header.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    pub fn id(&self, kind: &str) -> i64 {
        *self
            .ids
            .get(kind)
            .unwrap_or_else(|| panic!("{} has no {kind}", self.marker))
    }

    pub fn name(&self, kind: &str) -> &'static str {
        match kind {
            "integration" => "openai",
            "setting" => "content.tone",
            other => panic!("no name for {other}"),
        }
    }
}

/// What a parameter refers to.
#[derive(Clone, Debug, PartialEq)]
pub enum Refers {
    /// One of the account's objects of this kind.
    Object(&'static str),
    /// A name within the account.
    Name(&'static str),
}

/// Where in the request a probed value goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Place {
    Path(String),
    Query(String),
    /// A body field, by its path of property names.
    Body(Vec<String>),
}

#[derive(Clone, Debug)]
pub struct Slot {
    pub place: Place,
    pub refers: Refers,
}

impl Slot {
    pub fn label(&self) -> String {
        match &self.place {
            Place::Path(n) => format!("path {n}"),
            Place::Query(n) => format!("query {n}"),
            Place::Body(p) => format!("body {}", p.join(".")),
        }
    }

    /// The parameter's or field's name as errors name it.
    pub fn field(&self) -> String {
        match &self.place {
            Place::Path(n) | Place::Query(n) => n.clone(),
            Place::Body(p) => p.join("."),
        }
    }

    /// Whether the id only narrows what is read or acted on (an empty answer is right).
    /// An `ids` list in a body: the id is sent in a list.
    pub fn is_ids(&self) -> bool {
        matches!(&self.place, Place::Body(p) if p.last().is_some_and(|f| f == "ids"))
    }

    pub fn filters(&self) -> bool {
        match &self.place {
            Place::Query(_) => true,
            // `ids` of a bulk operation, or any field of a matching action's `filter`.
            Place::Body(p) => {
                p.last().is_some_and(|f| f == "ids") || p.first().is_some_and(|f| f == "filter")
            }
            Place::Path(_) => false,
        }
    }
}

/// An operation of the document.
pub struct Operation {
    pub method: String,
    pub path: String,
    pub op: Value,
}

impl Operation {
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    pub fn is_delete(&self) -> bool {
        self.method == "DELETE"
            || self.path.ends_with("/bulk_delete/")
            || self.path.ends_with("/delete_matching/")
    }

    /// Where the operation sorts: reads, then changes, then deletes (children before their
    /// parents, an object's parts such as `/sites/{id}/wordpress/` before it, one by its id
    /// before the bulk form), so requests still find the objects later ones need.
    fn rank(&self) -> (u8, usize, bool, usize) {
        if self.is_delete() {
            let kind = resource_of(&self.path);
            let i = RESOURCES
                .iter()
                .position(|(_, k)| Some(*k) == kind)
                .unwrap_or(0);
            let bulk = self.path.ends_with("/bulk_delete/");
            (2, RESOURCES.len() - i, bulk, usize::MAX - self.path.len())
        } else if self.method == "GET" {
            (0, 0, false, 0)
        } else {
            (1, 0, false, 0)
        }
    }
}

/// The OpenAPI document `s` serves at `/api/schema/`.
pub async fn document(s: &Live) -> Value {
    let answer = s
        .http
        .get(format!("{}/api/schema/", s.base))
        .send()
        .await
        .expect("the document");
    answer.json().await.expect("the document is JSON")
}

/// The kind of object an operation uses up (so each request of it gets one of its own, made
/// with [`create`]), if it does:
/// deletes (a site's WordPress connection can be removed again), cancels, publishing (content
/// is published by one job at a time), and an operator's changes to an account or a plan.
pub fn used_up(op: &Operation) -> Option<&'static str> {
    let consumes = (op.is_delete() && !op.path.ends_with("/wordpress/"))
        || op.path.ends_with("/cancel/")
        || op.path.ends_with("/publish/")
        || (op.path.starts_with(OPERATOR_ONLY) && op.method != "GET" && op.path.contains("{id}"));
    if !consumes {
        return None;
    }
    if op.path.contains("{provider}") {
        return Some("integration");
    }
    if op.path.contains("{key}") {
        return Some("setting");
    }
    resource_of(&op.path)
}

/// Every operation of `doc` but the [`SKIPPED`] ones, reads first and deletes last (see
/// [`Operation::rank`]).
pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().unwrap() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                ops.push(Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    op: op.clone(),
                });
            }
        }
    }
    assert!(
        ops.len() >= 100,
        "the document has {} operations",
        ops.len()
    );
    ops.retain(|o| {
        !SKIPPED
            .iter()
            .any(|(m, p, _)| *m == o.method && *p == o.path)
    });
    ops.sort_by_key(Operation::rank);
    ops
}

/// Entries of the tables above that name an operation `doc` doesn't have: a table that
/// outlives its operation hides nothing, but misleads.
pub fn stale_entries(doc: &Value) -> Vec<String> {
    let named = SKIPPED
        .iter()
        .map(|(m, p, _)| ("SKIPPED", *m, *p))
        .chain(NEEDED.iter().map(|(m, p, _)| ("NEEDED", *m, *p)))
        .chain(
            OWN_REFUSED
                .iter()
                .map(|(m, p, _, _)| ("OWN_REFUSED", *m, *p)),
        )
        .chain(IDS_OF.iter().map(|(p, _)| ("IDS_OF", "POST", *p)));
    named
        .filter(|(_, method, path)| doc["paths"][*path][method.to_lowercase()].is_null())
        .map(|(table, method, path)| {
            format!("{table} names {method} {path}, which the document doesn't have")
        })
        .collect()
}

/// A `$ref` followed, and a one-element `allOf` or `anyOf` unwrapped.
pub fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    loop {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap();
            schema = &doc["components"]["schemas"][name];
        } else if let Some(first) = schema
            .get("allOf")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            schema = first;
        } else if let Some([only]) = schema
            .get("anyOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            schema = only;
        } else {
            return schema;
        }
    }
}

/// The object kind the path's last resource segment names.
pub fn resource_of(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path
        .split('/')
        .take_while(|s| !s.starts_with('{'))
        .collect();
    segments
        .iter()
        .rev()
        .find_map(|s| RESOURCES.iter().find(|(seg, _)| seg == s).map(|(_, k)| *k))
}

/// What a parameter or field named `name` of `op` refers to; `Ok(None)` when it is no id;
/// `Err` when it looks like one and the tables don't say.
pub fn refers(op: &Operation, name: &str, in_path: bool) -> Result<Option<Refers>, String> {
    if in_path {
        if name == "id" {
            return resource_of(&op.path)
                .map(|k| Some(Refers::Object(k)))
                .ok_or_else(|| format!("{}: path id of an unknown resource", op.label()));
        }
        if let Some((_, k)) = NAMES.iter().find(|(n, _)| *n == name) {
            return Ok(Some(Refers::Name(k)));
        }
        return Err(format!("{}: unknown path parameter {name}", op.label()));
    }
    if name == "ids" {
        if let Some((_, k)) = IDS_OF.iter().find(|(p, _)| *p == op.path) {
            return Ok(Some(Refers::Object(k)));
        }
        return resource_of(&op.path)
            .map(|k| Some(Refers::Object(k)))
            .ok_or_else(|| format!("{}: `ids` of an unknown resource", op.label()));
    }
    if let Some((_, k)) = FIELDS.iter().find(|(n, _)| *n == name) {
        return Ok(Some(Refers::Object(k)));
    }
    if NOT_REFERENCES.iter().any(|(n, _)| *n == name) {
        return Ok(None);
    }
    if name == "id" || name.ends_with("_id") || name.ends_with("_ids") {
        return Err(format!(
            "{}: {name} looks like an id; add it to FIELDS or NOT_REFERENCES",
            op.label()
        ));
    }
    Ok(None)
}

/// Builds requests of one operation: the probed slot gets A's value, every other B's (both
/// are the same account's for a request with its own ids only: [`Builder::own`]).
pub struct Builder<'a> {
    pub doc: &'a Value,
    pub op: &'a Operation,
    pub a: &'a Tenant,
    pub b: &'a Tenant,
    pub counter: &'a AtomicU64,
    /// The slot (by label) that gets A's value.
    pub probed: Option<String>,
    /// Every slot met.
    pub slots: Vec<Slot>,
    pub problems: Vec<String>,
}

impl<'a> Builder<'a> {
    pub fn new(
        doc: &'a Value,
        op: &'a Operation,
        a: &'a Tenant,
        b: &'a Tenant,
        counter: &'a AtomicU64,
    ) -> Self {
        Self {
            doc,
            op,
            a,
            b,
            counter,
            probed: None,
            slots: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Requests with `t`'s own ids everywhere.
    pub fn own(doc: &'a Value, op: &'a Operation, t: &'a Tenant, counter: &'a AtomicU64) -> Self {
        Self::new(doc, op, t, t, counter)
    }

    pub fn value_of(&mut self, place: Place, refers: Refers) -> Value {
        let slot = Slot { place, refers };
        let owner = if self.probed.as_deref() == Some(&slot.label()) {
            self.a
        } else {
            self.b
        };
        let value = match &slot.refers {
            Refers::Object(kind) => {
                let id = owner.id(kind);
                if slot.is_ids() {
                    json!([id])
                } else {
                    json!(id)
                }
            }
            Refers::Name(kind) => json!(owner.name(kind)),
        };
        self.slots.push(slot);
        value
    }

    pub fn n(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// A value for `schema` at `path` (its property names).
    pub fn value(&mut self, schema: &Value, path: &[String]) -> Value {
        let doc = self.doc;
        let schema = resolve(doc, schema);
        let name = path.last().map(String::as_str).unwrap_or("");
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            // The first variant whose fixed values (an `enum`) the samples fit, as
            // `{"key": "content.tone", "value": …}` fits the variant of that key.
            let marker = self.b.marker;
            let fits = |variant: &Value| {
                let variant = resolve(doc, variant);
                variant["properties"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .all(|(name, prop)| {
                        let options = resolve(doc, prop).get("enum").and_then(Value::as_array);
                        match (sample(name, marker, 0), options) {
                            (Some(v), Some(options)) => options.contains(&v),
                            _ => true,
                        }
                    })
            };
            let chosen = variants.iter().find(|v| fits(v)).or(variants.first());
            if let Some(variant) = chosen {
                return self.value(variant, path);
            }
        }
        if let Some(v) = sample(name, self.b.marker, self.n()) {
            if let Some(options) = schema.get("enum").and_then(Value::as_array)
                && !options.contains(&v)
            {
                return options[0].clone();
            }
            return v;
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            return options[0].clone();
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") | None if schema.get("properties").is_some() => {
                self.object(schema, path)
            }
            Some("string") => match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => json!("2026-04-01T09:00:00Z"),
                Some("binary") => json!(""),
                _ => json!(format!("{} probe {}", self.b.marker, self.n())),
            },
            Some("integer") => json!(
                schema
                    .get("minimum")
                    .and_then(Value::as_i64)
                    .unwrap_or(1)
                    .max(1)
            ),
            Some("number") => json!(1.0),
            Some("boolean") => json!(false),
            Some("array") => {
                // As few entries as the list takes.
                let least = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let items = &schema["items"];
                let entries: Vec<Value> = (0..least).map(|_| self.value(items, path)).collect();
                Value::Array(entries)
            }
            _ => json!({}),
        }
    }

    /// An object with its required properties, every property that is or holds an id, and
    /// something to change when that is all.
    pub fn object(&mut self, schema: &Value, path: &[String]) -> Value {
        let doc = self.doc;
        let op = self.op;
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            return Value::Object(out);
        };
        for (name, prop) in props {
            let mut here = path.to_vec();
            here.push(name.clone());
            match refers(op, name, false) {
                Err(e) => self.problems.push(e),
                Ok(Some(r)) => {
                    let v = self.value_of(Place::Body(here), r);
                    out.insert(name.clone(), v);
                }
                Ok(None) => {
                    let resolved = resolve(doc, prop);
                    let array_items = resolved.get("items").map(|i| resolve(doc, i));
                    if array_items.is_some_and(|i| holds_ids(doc, op, i)) {
                        // A list of objects that name objects. An optional one (the media of a
                        // rendered post, checked against the content's own images) is left
                        // out; a required one can't be probed.
                        if required.contains(name.as_str()) {
                            self.problems.push(format!(
                                "{}: {} holds ids inside a list; the probe can't fill it",
                                op.label(),
                                here.join(".")
                            ));
                        }
                        continue;
                    }
                    let needed = NEEDED.iter().any(|(m, p, fields)| {
                        path.is_empty()
                            && *m == op.method
                            && *p == op.path
                            && fields.contains(&name.as_str())
                    });
                    if needed || required.contains(name.as_str()) || holds_ids(doc, op, resolved) {
                        let v = self.value(prop, &here);
                        out.insert(name.clone(), v);
                    }
                }
            }
        }
        if out.is_empty()
            && path.is_empty()
            && let Some(name) = SOMETHING_TO_CHANGE.iter().find(|n| props.contains_key(**n))
        {
            let here = vec![(*name).to_owned()];
            let v = self.value(&props[*name], &here);
            out.insert((*name).to_owned(), v);
        }
        Value::Object(out)
    }
}

/// Whether an object schema has a property (at any depth) that is an id.
pub fn holds_ids(doc: &Value, op: &Operation, schema: &Value) -> bool {
    let schema = resolve(doc, schema);
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|props| {
            props.iter().any(|(name, prop)| {
                !matches!(refers(op, name, false), Ok(None)) || holds_ids(doc, op, prop)
            })
        })
}

/// One request.
pub struct Request {
    pub method: String,
    pub url: String,
    pub body: Option<(&'static str, Vec<u8>)>,
}

impl Builder<'_> {
    pub fn request(&mut self) -> Request {
        self.slots.clear();
        let op = self.op;
        let mut url = op.path.clone();
        let mut query = Vec::new();
        for p in op.op["parameters"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().unwrap();
            let place = p["in"].as_str().unwrap();
            match (place, refers(op, name, place == "path")) {
                (_, Err(e)) => self.problems.push(e),
                ("path", Ok(Some(r))) => {
                    let v = self.value_of(Place::Path(name.to_owned()), r);
                    let text = v.as_i64().map(|i| i.to_string());
                    let text = text.unwrap_or_else(|| v.as_str().unwrap().to_owned());
                    url = url.replace(&format!("{{{name}}}"), &text);
                }
                ("query", Ok(Some(r))) => {
                    let v = self.value_of(Place::Query(name.to_owned()), r);
                    query.push(format!("{name}={v}"));
                }
                ("query", Ok(None)) if p["required"] == true => {
                    let v = self.value(&p["schema"], &[name.to_owned()]);
                    query.push(format!(
                        "{name}={}",
                        v.as_str().map(str::to_owned).unwrap_or(v.to_string())
                    ));
                }
                ("header" | "cookie", _) | ("query", Ok(None)) => {}
                (other, _) => self
                    .problems
                    .push(format!("{}: a {other} parameter {name}", op.label())),
            }
        }
        if !query.is_empty() {
            url = format!("{url}?{}", query.join("&"));
        }
        let content = &op.op["requestBody"]["content"];
        let body = if let Some(json_type) = content
            .as_object()
            .and_then(|c| c.keys().find(|k| k.starts_with("application/json")))
        {
            let schema = &content[json_type.as_str()]["schema"];
            let body = self.value(schema, &[]);
            Some(("application/json", body.to_string().into_bytes()))
        } else if content.get("text/csv").is_some() {
            let csv = format!("keyword\n{} probe import {}\n", self.b.marker, self.n());
            Some(("text/csv", csv.into_bytes()))
        } else if let Some(other) = content.as_object().and_then(|c| c.keys().next()) {
            self.problems.push(format!(
                "{}: a {other} body the probe can't write",
                op.label()
            ));
            None
        } else {
            None
        };
        Request {
            method: op.method.clone(),
            url,
            body,
        }
    }
}

/// What the server answered.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub text: String,
    pub json: Option<Value>,
}

/// Sends `req` with `authorization` (the whole header value).
pub async fn send(s: &Live, authorization: &str, req: &Request) -> Answer {
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap();
    let mut r = s
        .http
        .request(method, format!("{}/api/v1{}", s.base, req.url))
        .header("authorization", authorization)
        .timeout(std::time::Duration::from_secs(60));
    if let Some((content_type, body)) = &req.body {
        r = r.header("content-type", *content_type).body(body.clone());
    }
    let resp = r.send().await.expect("the server answers");
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // An event stream of a job that is still queued never ends: its head is the answer.
    let text = if content_type.starts_with("text/event-stream") {
        String::new()
    } else {
        String::from_utf8_lossy(&resp.bytes().await.expect("a body")).into_owned()
    };
    let json = serde_json::from_str(&text).ok();
    Answer {
        status,
        content_type,
        text,
        json,
    }
}

/// Posts as `t`; the answer's `data`, which must be a success.
pub async fn make(s: &Live, t: &Tenant, path: &str, body: Value) -> Value {
    let a = s
        .as_user("POST", &format!("/api/v1{path}"), &t.token, Some(body))
        .await;
    assert!(
        (200..300).contains(&a.status),
        "{} POST {path}: {} {}",
        t.marker,
        a.status,
        a.body
    );
    a.body["data"].clone()
}

/// Signs up `name`'s account with a site, sector, keyword, cluster, idea, author profile,
/// strategy, task, content and an image with its file (made by a worker).
pub async fn tenant(s: &Live, fake: &FakeAi, name: &str, marker: &'static str) -> Tenant {
    let token = s.register(&format!("owner@{marker}.example"), name).await;
    let mut t = Tenant {
        token,
        marker,
        ids: BTreeMap::new(),
    };
    let id = |v: &Value| v["id"].as_i64().expect("an id");
    let site = id(&make(
        s,
        &t,
        "/auth/sites/",
        json!({"name": format!("{marker} site"), "url": format!("https://{marker}.example.com")}),
    )
    .await);
    let sector = id(&make(
        s,
        &t,
        "/auth/sectors/",
        json!({"site_id": site, "name": format!("{marker} sector")}),
    )
    .await);
    let cluster = id(&make(
        s,
        &t,
        "/planner/clusters/",
        json!({"sector_id": sector, "name": format!("{marker} cluster")}),
    )
    .await);
    // A's volume is a number no answer to B may show (a total, a sum).
    let volume = if marker == "alpha" { 424_242 } else { 10 };
    // The probed keyword is in no cluster (Auto Cluster takes only those); another is.
    let keyword = id(&make(
        s,
        &t,
        "/planner/keywords/",
        json!({"sector_id": sector, "keyword": format!("{marker} keyword"), "volume": volume}),
    )
    .await);
    let clustered = id(&make(s, &t, "/planner/keywords/", json!({"sector_id": sector, "keyword": format!("{marker} clustered keyword"), "volume": volume})).await);
    let patched = s
        .as_user(
            "PATCH",
            &format!("/api/v1/planner/keywords/{clustered}/"),
            &t.token,
            Some(json!({"cluster_id": cluster})),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    let idea = id(&make(
        s,
        &t,
        "/planner/ideas/",
        json!({"sector_id": sector, "cluster_id": cluster, "title": format!("{marker} idea")}),
    )
    .await);
    let author = id(&make(
        s,
        &t,
        "/thinker/author-profiles/",
        json!({"name": format!("{marker} author"), "tone": format!("{marker} tone")}),
    )
    .await);
    let strategy = id(&make(
        s,
        &t,
        "/thinker/strategies/",
        json!({"name": format!("{marker} strategy"), "sector_id": sector}),
    )
    .await);
    let task = id(&make(
        s,
        &t,
        "/writer/tasks/",
        json!({"sector_id": sector, "cluster_id": cluster, "idea_id": idea,
        "author_profile_id": author, "strategy_id": strategy, "title": format!("{marker} task")}),
    )
    .await);
    let content = id(&make(
        s,
        &t,
        "/writer/content/",
        json!({"sector_id": sector, "task_id": task,
        "title": format!("{marker} content"), "html": format!("<p>{marker} words</p>")}),
    )
    .await);
    let image = id(&make(
        s,
        &t,
        "/writer/images/",
        json!({"sector_id": sector, "content_id": content,
        "kind": "featured", "prompt": format!("{marker} picture")}),
    )
    .await);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(marker.as_bytes());
    fake.push("/v1/images/generations", FakeReply::openai_image(&png));
    make(
        s,
        &t,
        "/writer/images/generate_images/",
        json!({"ids": [image]}),
    )
    .await;
    let worker = igny8_core::jobs::Worker::new(s.state.core.clone());
    let job = worker.run_once().await.unwrap().expect("the image job");
    assert_eq!(
        job.status,
        igny8_core::jobs::JobStatus::Succeeded,
        "{:?}",
        job.error
    );
    for (kind, v) in [
        ("site", site),
        ("sector", sector),
        ("cluster", cluster),
        ("keyword", keyword),
        ("idea", idea),
        ("author", author),
        ("strategy", strategy),
        ("task", task),
        ("content", content),
        ("image", image),
    ] {
        t.ids.insert(kind, v);
    }
    t
}

/// The rest of `t`'s objects: a prompt, an automation rule with a queued run, a queued job,
/// an API key, a second user, an integration and a setting; and its account and plan.
pub async fn more(s: &Live, t: &mut Tenant) {
    let marker = t.marker;
    let id = |v: &Value| v["id"].as_i64().expect("an id");
    let prompt = id(&make(
        s,
        t,
        "/thinker/prompts/",
        json!({"prompt_type": "content", "template": format!("{marker}: write {{{{title}}}}")}),
    )
    .await);
    let rule = id(&make(s, t, "/automation/rules/", json!({"site_id": t.id("site"), "sector_id": t.id("sector"),
        "name": format!("{marker} rule"), "stages": ["cluster"], "cluster_mode": "local", "every_hours": 24})).await);
    let run = id(&make(s, t, &format!("/automation/rules/{rule}/run/"), json!({})).await);
    let job = make(
        s,
        t,
        "/planner/keywords/auto_cluster/",
        json!({"sector_id": t.id("sector"), "mode": "local"}),
    )
    .await["job"]["id"]
        .as_i64()
        .unwrap();
    let api_key = make(
        s,
        t,
        "/auth/api-keys/",
        json!({"name": format!("{marker} key")}),
    )
    .await["key"]["id"]
        .as_i64()
        .unwrap();
    let user = id(&make(
        s,
        t,
        "/auth/users/",
        json!({"email": format!("editor@{marker}.example"),
        "password": "password123", "role": "editor", "name": format!("{marker} editor")}),
    )
    .await);
    make(
        s,
        t,
        "/system/integrations/",
        json!({"provider": "openai", "api_key": format!("sk-{marker}-secret"),
        "config": {"model": format!("{marker}-model")}}),
    )
    .await;
    make(
        s,
        t,
        "/system/settings/",
        json!({"key": "content.tone", "value": format!("{marker} tone")}),
    )
    .await;
    let me = s.as_user("GET", "/api/v1/auth/me/", &t.token, None).await;
    let balance = s
        .as_user("GET", "/api/v1/billing/balance/", &t.token, None)
        .await;
    for (kind, v) in [
        ("prompt", prompt),
        ("rule", rule),
        ("run", run),
        ("job", job),
        ("api_key", api_key),
        ("user", user),
        (
            "account",
            me.body["data"]["account_id"].as_i64().expect("account_id"),
        ),
        (
            "plan",
            balance.body["data"]["plan_id"].as_i64().expect("plan_id"),
        ),
    ] {
        t.ids.insert(kind, v);
    }
}

/// Makes one more object of `kind` for `t` as its owner, in its site and sector (a site: a new
/// one), and returns its id; for a name (`integration`, `setting`), makes it again and
/// returns 0. For operations that use their object up (deletes, cancels): each caller gets
/// one of its own.
pub async fn create(s: &Live, t: &Tenant, kind: &str) -> i64 {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let marker = t.marker;
    let id = |v: &Value| v["id"].as_i64().expect("an id");
    let (site, sector) = (t.id("site"), t.id("sector"));
    let body = match kind {
        "site" => json!({"name": format!("{marker} site {n}")}),
        "sector" => json!({"site_id": site, "name": format!("{marker} sector {n}")}),
        "keyword" => json!({"sector_id": sector, "keyword": format!("{marker} keyword {n}")}),
        "cluster" => json!({"sector_id": sector, "name": format!("{marker} cluster {n}")}),
        "idea" => json!({"sector_id": sector, "title": format!("{marker} idea {n}")}),
        "author" => json!({"name": format!("{marker} author {n}")}),
        "strategy" => json!({"name": format!("{marker} strategy {n}")}),
        "task" => json!({"sector_id": sector, "title": format!("{marker} task {n}")}),
        "content" => json!({"sector_id": sector, "title": format!("{marker} content {n}"),
            "html": format!("<p>{marker} words {n}</p>")}),
        "image" => json!({"sector_id": sector, "content_id": t.id("content"), "kind": "in_article",
            "prompt": format!("{marker} picture {n}")}),
        // Another type than the account's override of `content`, which stays.
        "prompt" => {
            json!({"prompt_type": "ideas", "template": format!("{marker} {n}: {{{{cluster}}}}")})
        }
        "rule" => {
            json!({"site_id": site, "sector_id": sector, "name": format!("{marker} rule {n}"),
            "stages": ["cluster"], "cluster_mode": "local", "every_hours": 24})
        }
        "api_key" => json!({"name": format!("{marker} key {n}")}),
        "user" => json!({"email": format!("user{n}@{marker}.example"), "password": "password123",
            "role": "viewer"}),
        "integration" => {
            json!({"provider": "openai", "config": {"model": format!("{marker}-model")}})
        }
        "setting" => json!({"key": "content.tone", "value": format!("{marker} tone {n}")}),
        "run" => {
            let path = format!("/automation/rules/{}/run/", t.id("rule"));
            return id(&make(s, t, &path, json!({})).await);
        }
        "job" => {
            let body = json!({"sector_id": sector, "mode": "local"});
            let made = make(s, t, "/planner/keywords/auto_cluster/", body).await;
            return made["job"]["id"].as_i64().expect("a job");
        }
        other => panic!("no way to make a {other}"),
    };
    let path = match kind {
        "site" => "/auth/sites/",
        "sector" => "/auth/sectors/",
        "keyword" => "/planner/keywords/",
        "cluster" => "/planner/clusters/",
        "idea" => "/planner/ideas/",
        "author" => "/thinker/author-profiles/",
        "strategy" => "/thinker/strategies/",
        "task" => "/writer/tasks/",
        "content" => "/writer/content/",
        "image" => "/writer/images/",
        "prompt" => "/thinker/prompts/",
        "rule" => "/automation/rules/",
        "api_key" => "/auth/api-keys/",
        "user" => "/auth/users/",
        "integration" => "/system/integrations/",
        _ => "/system/settings/",
    };
    let made = make(s, t, path, body).await;
    match kind {
        "integration" | "setting" => 0,
        "api_key" => made["key"]["id"].as_i64().expect("a key"),
        _ => id(&made),
    }
}
