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
//! body parameter that looks like an id and that the tables of `support/operations.rs` don't
//! explain fails the test; so does a deliberate skip of an operation the document no longer
//! has. The requests themselves are built there, shared with `permission_matrix.rs`.

#[macro_use]
mod support;

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;

use igny8_core::Backend;
use igny8_core::testing::fake_ai::FakeAi;
use serde_json::{Value, json};
use support::Live;
use support::operations::*;

on_backends!(no_operation_reaches_another_accounts_objects);

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
        // Only the path: A's own lists, unfiltered, and A's objects (with the query
        // parameters an operation requires, such as the site of a site's report).
        let mut req = b.request();
        let required: Vec<&str> = op.op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query" && p["required"] == true)
            .filter_map(|p| p["name"].as_str())
            .collect();
        let (path, query) = req.url.split_once('?').unwrap_or((&req.url, ""));
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| required.contains(&pair.split('=').next().unwrap_or_default()))
            .collect();
        req.url = if kept.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", kept.join("&"))
        };
        if op.path.ends_with("/events/") {
            continue;
        }
        let answer = send(s, &a.bearer(), &req).await;
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
                        // A merge that merged nothing (its other counts follow from it).
                        || d["merged"] == 0
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
    let Some((s, media)) = server_with_fake_ai(backend, &fake, "probe", 100_000).await else {
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

    let doc = document(&s).await;
    let ops = operations(&doc);
    // The tables name only operations the document has.
    let mut problems = stale_entries(&doc);
    for (method, path, _, _) in EXTRA {
        if doc["paths"][*path][method.to_lowercase()].is_null() {
            problems.push(format!(
                "EXTRA names {method} {path}, which the document doesn't have"
            ));
        }
    }

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
            let answer = send(&s, &b.bearer(), &plain).await;
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
            let answer = send(&s, &b.bearer(), &req).await;
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
        let answer = send(&s, &b.bearer(), &req).await;
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
        let answer = send(&s, &b.bearer(), &own).await;
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
        // What the request uses up is made anew (publishing one content twice is refused).
        let mut own = b.clone();
        if let Some(kind) = used_up(op).filter(|_| !op.path.starts_with(OPERATOR_ONLY)) {
            own.ids.insert(kind, create(&s, &b, kind).await);
        }
        let mut builder = Builder::new(&doc, op, &a, &own, &counter);
        let req = builder.request();
        // Without ids, or with names only, B's request was the probe itself.
        if builder
            .slots
            .iter()
            .all(|s| matches!(s.refers, Refers::Name(_)))
        {
            continue;
        }
        let answer = send(&s, &b.bearer(), &req).await;
        requests += 1;
        table.push(format!(
            "{:<60} {:<22} {}",
            op.label(),
            "(B's own)",
            answer.status
        ));
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
