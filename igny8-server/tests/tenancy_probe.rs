//! The cross-tenant probe, generated from the OpenAPI document the server serves at
//! `/api/schema/`: two accounts, A and B, each with one of every object; then, for every
//! operation of the document, B's request with one of A's ids in one place at a time — a path
//! parameter, an `ids` or `*_id` body field, a query filter — and B's own ids everywhere else.
//!
//! Every such request must be refused (404, or 400/403 with the envelope, naming what it
//! refused) or, where the id only filters (a query filter, the `ids` of a bulk operation),
//! answer with nothing in it. No answer to B ever mentions A's data, and afterwards every
//! answer A gets from the API is what it was before. Then B sends each operation with its own
//! ids, which must succeed: so a refusal above was the foreign id's doing, not a request the
//! probe got wrong.
//!
//! A new operation is probed without anyone adding it here. An operation with a path, query or
//! body parameter that looks like an id and that the tables below don't explain fails the
//! test; so does a deliberate skip of an operation the document no longer has.

#[macro_use]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};

use igny8_core::Backend;
use igny8_core::testing::fake_ai::{FakeAi, FakeReply};
use serde_json::{Map, Value, json};
use support::{Live, live};

on_backends!(no_operation_reaches_another_accounts_objects);

/// The objects each account has, by the path segment that names them: `/{segment}/{id}/` and
/// the `ids` of `/{segment}/…` operations refer to that object. In the order they are made; the
/// deleting operations run in the reverse order, children before their parents.
const RESOURCES: &[(&str, &str)] = &[
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
const FIELDS: &[(&str, &str)] = &[
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
const NOT_REFERENCES: &[(&str, &str)] = &[(
    "wp_post_id",
    "the number of a post on the account's own WordPress site",
)];

/// Path parameters that name something within the caller's account rather than give an id:
/// B sends the names A uses (B has its own under the same names); A's must stay A's.
const NAMES: &[(&str, &str)] = &[("provider", "integration"), ("key", "setting")];

/// `ids` of operations whose path names no object: which objects they are.
const IDS_OF: &[(&str, &str)] = &[("/billing/estimate/", "task")];

/// Requests the document can't describe: ids inside a free-form object. Each is sent with A's
/// id and then with B's, like a body field. (method, path, body around the id, object)
const EXTRA: &[(&str, &str, BodyAround, &str)] = &[(
    "POST",
    "/billing/estimate/",
    |id| json!({"operation": "auto_cluster", "options": {"sector_id": id}}),
    "sector",
)];

/// A request body with an id in it.
type BodyAround = fn(i64) -> Value;

/// Operations not probed, and why.
const SKIPPED: &[(&str, &str, &str)] = &[
    (
        "POST",
        "/auth/register/",
        "signs up a new account: no caller, no ids",
    ),
    ("POST", "/auth/login/", "signs in: no caller, no ids"),
    (
        "POST",
        "/auth/refresh/",
        "takes a refresh token, not an id (stolen tokens: security.rs)",
    ),
    (
        "POST",
        "/auth/logout/",
        "takes a refresh token, not an id (stolen tokens: security.rs)",
    ),
    (
        "POST",
        "/auth/me/password/",
        "changes the caller's own password: no ids, and B's session would end",
    ),
];

/// Fields an operation needs that its schema doesn't mark required (its schema is shared with
/// the change, where nothing is), or that B's own request needs to succeed.
const NEEDED: &[(&str, &str, &[&str])] = &[
    ("POST", "/automation/rules/", &["name", "every_hours"]),
    ("POST", "/thinker/strategies/", &["name"]),
    ("POST", "/writer/images/generate_images/", &["regenerate"]),
];

/// Operations whose request with B's own ids is refused too, and how: the probe's refusal with
/// A's ids must differ from it (a 404 where B gets this).
const OWN_REFUSED: &[(&str, &str, u16, &str)] = &[(
    "POST",
    "/auth/sites/{id}/test_connection/",
    400,
    "not_configured: there is no WordPress site to talk to here (tests/wordpress does that)",
)];

/// Paths whose operations only platform operators may use: B (an account owner) is refused
/// with 403 whatever the ids, and so is its own request.
const OPERATOR_ONLY: &str = "/operator/";

/// Values for fields a request needs, by field name (others get a value of their type).
fn sample(name: &str, marker: &str, n: u64) -> Option<Value> {
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
        _ => return None,
    })
}

/// For a change with nothing else to send: the first of these the body has.
const SOMETHING_TO_CHANGE: &[&str] = &[
    "name",
    "title",
    "description",
    "guidance",
    "alt_text",
    "industry",
    "html",
];

/// One account's objects.
struct Tenant {
    token: String,
    marker: &'static str,
    ids: BTreeMap<&'static str, i64>,
}

impl Tenant {
    fn id(&self, kind: &str) -> i64 {
        *self
            .ids
            .get(kind)
            .unwrap_or_else(|| panic!("{} has no {kind}", self.marker))
    }

    fn name(&self, kind: &str) -> &'static str {
        match kind {
            "integration" => "openai",
            "setting" => "content.tone",
            other => panic!("no name for {other}"),
        }
    }
}

/// What a parameter refers to.
#[derive(Clone, Debug, PartialEq)]
enum Refers {
    /// One of the account's objects of this kind.
    Object(&'static str),
    /// A name within the account.
    Name(&'static str),
}

/// Where in the request a probed value goes.
#[derive(Clone, Debug, PartialEq)]
enum Place {
    Path(String),
    Query(String),
    /// A body field, by its path of property names.
    Body(Vec<String>),
}

#[derive(Clone, Debug)]
struct Slot {
    place: Place,
    refers: Refers,
}

impl Slot {
    fn label(&self) -> String {
        match &self.place {
            Place::Path(n) => format!("path {n}"),
            Place::Query(n) => format!("query {n}"),
            Place::Body(p) => format!("body {}", p.join(".")),
        }
    }

    /// The parameter's or field's name as errors name it.
    fn field(&self) -> String {
        match &self.place {
            Place::Path(n) | Place::Query(n) => n.clone(),
            Place::Body(p) => p.join("."),
        }
    }

    /// Whether the id only narrows what is read or acted on (an empty answer is right).
    fn filters(&self) -> bool {
        match &self.place {
            Place::Query(_) => true,
            Place::Body(p) => p.last().is_some_and(|f| f == "ids"),
            Place::Path(_) => false,
        }
    }
}

/// An operation of the document.
struct Operation {
    method: String,
    path: String,
    op: Value,
}

impl Operation {
    fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    fn is_delete(&self) -> bool {
        self.method == "DELETE" || self.path.ends_with("/bulk_delete/")
    }
}

/// A `$ref` followed, and a one-element `allOf` unwrapped.
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
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
        } else if let Some(first) = schema
            .get("anyOf")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find(|s| s.get("type") != Some(&json!("null"))))
        {
            // A reference beside its own description (`anyOf: [{$ref}]`), or a nullable one.
            schema = first;
        } else {
            return schema;
        }
    }
}

/// The object kind the path's last resource segment names.
fn resource_of(path: &str) -> Option<&'static str> {
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
fn refers(op: &Operation, name: &str, in_path: bool) -> Result<Option<Refers>, String> {
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

/// Builds requests of one operation: the probed slot gets A's value, every other B's.
struct Builder<'a> {
    doc: &'a Value,
    op: &'a Operation,
    a: &'a Tenant,
    b: &'a Tenant,
    counter: &'a AtomicU64,
    /// The slot (by label) that gets A's value.
    probed: Option<String>,
    /// Every slot met.
    slots: Vec<Slot>,
    problems: Vec<String>,
}

impl<'a> Builder<'a> {
    fn new(
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

    fn value_of(&mut self, place: Place, refers: Refers) -> Value {
        let slot = Slot { place, refers };
        let owner = if self.probed.as_deref() == Some(&slot.label()) {
            self.a
        } else {
            self.b
        };
        let value = match &slot.refers {
            Refers::Object(kind) => {
                let id = owner.id(kind);
                if slot.filters() && matches!(slot.place, Place::Body(_)) {
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

    fn n(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// A value for `schema` at `path` (its property names).
    fn value(&mut self, schema: &Value, path: &[String]) -> Value {
        let doc = self.doc;
        let schema = resolve(doc, schema);
        let name = path.last().map(String::as_str).unwrap_or("");
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
                // As many entries as the list needs (`minItems`), each a value of its items.
                let at_least = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                Value::Array((0..at_least).map(|_| self.value(&items, path)).collect())
            }
            _ => json!({}),
        }
    }

    /// An object with its required properties, every property that is or holds an id, and
    /// something to change when that is all.
    fn object(&mut self, schema: &Value, path: &[String]) -> Value {
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
                        self.problems.push(format!(
                            "{}: {} holds ids inside a list; the probe can't fill it",
                            op.label(),
                            here.join(".")
                        ));
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
fn holds_ids(doc: &Value, op: &Operation, schema: &Value) -> bool {
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
struct Request {
    method: String,
    url: String,
    body: Option<(&'static str, Vec<u8>)>,
}

impl Builder<'_> {
    fn request(&mut self) -> Request {
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
struct Answer {
    status: u16,
    content_type: String,
    text: String,
    json: Option<Value>,
}

async fn send(s: &Live, token: &str, req: &Request) -> Answer {
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap();
    let mut r = s
        .http
        .request(method, format!("{}/api/v1{}", s.base, req.url))
        .header("authorization", format!("Bearer {token}"))
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
async fn make(s: &Live, t: &Tenant, path: &str, body: Value) -> Value {
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
async fn tenant(s: &Live, fake: &FakeAi, name: &str, marker: &'static str) -> Tenant {
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
async fn more(s: &Live, t: &mut Tenant) {
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

/// Every answer A gets to the document's reads: lists, and each of its objects.
async fn snapshot(
    s: &Live,
    doc: &Value,
    ops: &[Operation],
    a: &Tenant,
) -> BTreeMap<String, String> {
    let counter = AtomicU64::new(0);
    let mut out = BTreeMap::new();
    for op in ops.iter().filter(|o| o.method == "GET") {
        let mut b = Builder::new(doc, op, a, a, &counter);
        // Only the path: A's own lists, unfiltered, and A's objects.
        let mut req = b.request();
        req.url = req.url.split('?').next().unwrap().to_owned();
        if op.path.ends_with("/events/") {
            continue;
        }
        let answer = send(s, &a.token, &req).await;
        let mut text = answer.text.clone();
        if let Some(mut v) = answer.json {
            v.as_object_mut().map(|o| o.remove("request_id"));
            text = v.to_string();
        }
        // A reads all of it (only operators' operations refuse A): a snapshot of refusals
        // would show no change whatever happened.
        assert!(
            (200..300).contains(&answer.status) || op.path.starts_with(OPERATOR_ONLY),
            "A's own {}: {} {text}",
            req.url,
            answer.status
        );
        out.insert(req.url, format!("{} {text}", answer.status));
    }
    assert!(
        out.values().filter(|v| v.contains("alpha")).count() >= RESOURCES.len(),
        "A's snapshot shows A's objects"
    );
    out
}

/// Why `answer` to B's probe is wrong, if it is.
fn judge(
    op: &Operation,
    slot: &Slot,
    slots: &[Slot],
    answer: &Answer,
    markers: &[String],
) -> Option<String> {
    if let Some(m) = markers
        .iter()
        .find(|m| answer.text.to_lowercase().contains(m.as_str()))
    {
        return Some(format!("shows A's data ({m:?}): {}", answer.text));
    }
    let code = answer
        .json
        .as_ref()
        .and_then(|v| v["code"].as_str())
        .unwrap_or_default();
    let envelope_error = answer.json.as_ref().is_some_and(|v| v["success"] == false);
    match answer.status {
        404 if envelope_error && code == "not_found" => None,
        400 if envelope_error => {
            // Refused for an id (the probed one, or one that doesn't go with it), not for
            // something else the probe sent.
            let errors = &answer.json.as_ref().unwrap()["errors"];
            let named = errors.as_object().is_some_and(|e| {
                e.keys().any(|k| {
                    slots.iter().any(|s| {
                        let field = s.field();
                        k == &field
                            || k.starts_with(&format!("{field}."))
                            || k.starts_with(&format!("{field}["))
                    })
                })
            });
            (!named).then(|| format!("400 for something else than an id: {}", answer.text))
        }
        403 if envelope_error && op.path.starts_with(OPERATOR_ONLY) => None,
        200..=299 if slot.filters() || matches!(slot.refers, Refers::Name(_)) => {
            if matches!(slot.refers, Refers::Name(_)) {
                // B's own object of the same name.
                return None;
            }
            let empty = match &answer.json {
                Some(v) => {
                    let d = &v["data"];
                    d.as_array().is_some_and(Vec::is_empty)
                        || d["results"].as_array().is_some_and(Vec::is_empty)
                            && d["count"].as_u64().unwrap_or(0) == 0
                        || d["affected"] == 0
                }
                None => {
                    answer.content_type.starts_with("text/csv") && answer.text.lines().count() <= 1
                }
            };
            (!empty).then(|| format!("{} with something in it: {}", answer.status, answer.text))
        }
        status => Some(format!("{status}: {}", answer.text)),
    }
}

async fn no_operation_reaches_another_accounts_objects(backend: Backend) {
    let fake = FakeAi::start().await;
    let media = std::env::temp_dir().join(format!(
        "igny8-probe-media-{}-{}",
        std::process::id(),
        backend.as_str()
    ));
    let (base, media_dir) = (fake.base_url(), media.to_string_lossy().into_owned());
    let Some(s) = live(backend, move |settings| {
        settings.signup_credits = Some(100_000);
        settings.rate_limits.ai = 100_000;
        settings.ai.openai_base_url = base;
        settings.ai.openai_api_key = Some("sk-test".into());
        settings.ai.max_attempts = 1;
        settings.ai.media_dir = media_dir;
    })
    .await
    else {
        return;
    };
    let mut a = tenant(&s, &fake, "Alpha", "alpha").await;
    let mut b = tenant(&s, &fake, "Bravo", "bravo").await;
    more(&s, &mut a).await;
    more(&s, &mut b).await;
    // No id of A's is also B's (plans are shared): no probe reaches B's object by chance.
    for (kind, id) in &a.ids {
        if !["plan"].contains(kind) {
            assert_ne!(*id, b.id(kind), "{kind}");
        }
    }

    let doc = s
        .http
        .get(format!("{}/api/schema/", s.base))
        .send()
        .await
        .unwrap();
    let doc: Value = doc.json().await.unwrap();
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
    let mut problems = Vec::new();
    // The tables name only operations the document has.
    let named = SKIPPED
        .iter()
        .map(|(m, p, _)| ("SKIPPED", *m, *p))
        .chain(NEEDED.iter().map(|(m, p, _)| ("NEEDED", *m, *p)))
        .chain(
            OWN_REFUSED
                .iter()
                .map(|(m, p, _, _)| ("OWN_REFUSED", *m, *p)),
        )
        .chain(EXTRA.iter().map(|(m, p, _, _)| ("EXTRA", *m, *p)))
        .chain(IDS_OF.iter().map(|(p, _)| ("IDS_OF", "POST", *p)));
    for (table, method, path) in named {
        if !ops.iter().any(|o| o.method == method && o.path == path) {
            problems.push(format!(
                "{table} names {method} {path}, which the document doesn't have"
            ));
        }
    }
    ops.retain(|o| {
        !SKIPPED
            .iter()
            .any(|(m, p, _)| *m == o.method && *p == o.path)
    });
    // Reads, then changes, then deletes (children before parents): B's own requests below
    // still find B's objects.
    let rank = |o: &Operation| {
        if o.is_delete() {
            let kind = resource_of(&o.path);
            let i = RESOURCES
                .iter()
                .position(|(_, k)| Some(*k) == kind)
                .unwrap_or(0);
            // An object's parts (`/sites/{id}/wordpress/`) before it, one by its id before
            // the bulk form.
            let bulk = o.path.ends_with("/bulk_delete/");
            (2, RESOURCES.len() - i, bulk, usize::MAX - o.path.len())
        } else if o.method == "GET" {
            (0, 0, false, 0)
        } else {
            (1, 0, false, 0)
        }
    };
    ops.sort_by_key(|o| rank(o));

    let markers: Vec<String> = ["alpha".to_owned(), "424242".to_owned()].to_vec();
    let before = snapshot(&s, &doc, &ops, &a).await;
    let counter = AtomicU64::new(0);
    let (mut probed_ops, mut requests) = (0, 0);
    let mut table = Vec::new();
    for op in &ops {
        let mut builder = Builder::new(&doc, op, &a, &b, &counter);
        let plain = builder.request();
        let slots = builder.slots.clone();
        problems.append(&mut builder.problems);
        if slots.is_empty() {
            // Nothing to put A's ids in: B's request must still show nothing of A's.
            let answer = send(&s, &b.token, &plain).await;
            requests += 1;
            if let Some(m) = markers
                .iter()
                .find(|m| answer.text.to_lowercase().contains(m.as_str()))
            {
                problems.push(format!(
                    "{}: shows A's data ({m:?}): {}",
                    op.label(),
                    answer.text
                ));
            }
            table.push(format!("{:<60} (no ids) {}", op.label(), answer.status));
            continue;
        }
        probed_ops += 1;
        for slot in &slots {
            builder.probed = Some(slot.label());
            let req = builder.request();
            let answer = send(&s, &b.token, &req).await;
            requests += 1;
            table.push(format!(
                "{:<60} {:<22} {}",
                op.label(),
                slot.label(),
                answer.status
            ));
            if let Some(why) = judge(op, slot, &slots, &answer, &markers) {
                problems.push(format!(
                    "{} with A's {} ({}): {why}",
                    op.label(),
                    slot.label(),
                    req.url
                ));
            }
        }
    }
    for (method, path, body, kind) in EXTRA {
        let Some(op) = ops.iter().find(|o| o.method == *method && o.path == *path) else {
            continue;
        };
        let slot = Slot {
            place: Place::Body(vec![format!("{kind}_id")]),
            refers: Refers::Object(kind),
        };
        let req = Request {
            method: op.method.clone(),
            url: op.path.clone(),
            body: Some((
                "application/json",
                body(a.id(kind)).to_string().into_bytes(),
            )),
        };
        let answer = send(&s, &b.token, &req).await;
        requests += 1;
        table.push(format!(
            "{:<60} {:<22} {}",
            op.label(),
            "(extra)",
            answer.status
        ));
        if let Some(why) = judge(op, &slot, std::slice::from_ref(&slot), &answer, &markers) {
            problems.push(format!(
                "{} with A's {kind} in {}: {why}",
                op.label(),
                String::from_utf8_lossy(&req.body.unwrap().1)
            ));
        }
        // B's own (estimates change nothing, so this can't disturb what follows).
        let own = Request {
            body: Some((
                "application/json",
                body(b.id(kind)).to_string().into_bytes(),
            )),
            ..req
        };
        let answer = send(&s, &b.token, &own).await;
        requests += 1;
        if !(200..300).contains(&answer.status) {
            problems.push(format!(
                "{} (extra) with B's own {kind}: {} {}",
                op.label(),
                answer.status,
                answer.text
            ));
        }
    }
    let after = snapshot(&s, &doc, &ops, &a).await;
    for (url, was) in &before {
        let now = after.get(url).map(String::as_str).unwrap_or("(gone)");
        if now != was {
            problems.push(format!(
                "A's {url} changed:\n  before {was}\n  after  {now}"
            ));
        }
    }

    // B's own ids everywhere: the same requests succeed, so the refusals above were the
    // foreign ids' doing.
    for op in &ops {
        let mut builder = Builder::new(&doc, op, &a, &b, &counter);
        let req = builder.request();
        // Without ids, or with names only, B's request was the probe itself.
        if builder
            .slots
            .iter()
            .all(|s| matches!(s.refers, Refers::Name(_)))
        {
            continue;
        }
        let answer = send(&s, &b.token, &req).await;
        requests += 1;
        table.push(format!(
            "{:<60} {:<22} {}",
            op.label(),
            "(B's own)",
            answer.status
        ));
        // A job B started stays queued (no worker runs here): cancel it, so a later request
        // doesn't meet it (one publish per content at a time).
        let started = answer.json.as_ref().filter(|_| answer.status == 202);
        if let Some(job) = started.and_then(|j| {
            // The AI functions answer the job beside its estimate; the others, the job.
            j["data"]["job"]["id"].as_i64().or(j["data"]["id"].as_i64())
        }) {
            let cancel = Request {
                method: "POST".into(),
                url: format!("/system/jobs/{job}/cancel/"),
                body: None,
            };
            let cancelled = send(&s, &b.token, &cancel).await;
            assert_eq!(cancelled.status, 200, "{}", cancelled.text);
        }
        let refused = OWN_REFUSED
            .iter()
            .find(|(m, p, _, _)| *m == op.method && *p == op.path);
        let expected = if let Some((_, _, status, _)) = refused {
            answer.status == *status
        } else if op.path.starts_with(OPERATOR_ONLY) {
            answer.status == 403
        } else {
            (200..300).contains(&answer.status)
        };
        if !expected {
            problems.push(format!(
                "{} with B's own ids ({}): {} {}",
                op.label(),
                req.url,
                answer.status,
                answer.text
            ));
        }
    }
    println!("{}", table.join("\n"));
    println!(
        "{} operations: {probed_ops} probed with A's ids, {} without ids to probe, {} skipped; {requests} requests",
        ops.len() + SKIPPED.len(),
        ops.len() - probed_ops,
        SKIPPED.len()
    );
    s.close().await;
    let _ = std::fs::remove_dir_all(&media);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
