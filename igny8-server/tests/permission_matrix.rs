//! The permission matrix, generated from the OpenAPI document the server serves at
//! `/api/schema/`: every operation, sent with the account's own ids by every kind of caller —
//! a signed-in user of each role, an API key of each role, keys restricted to the account's
//! site, and a platform operator — must be answered as its `x-igny8-access` declares:
//!
//! * allowed → its success (2xx; or, where even the owner is refused for another reason, the
//!   status `OWN_REFUSED` gives);
//! * refused → 403 with the envelope, its message naming why: the role (`the viewer role may
//!   not …`), the site restriction (`restricted to site …`), the kind of credential (`an API
//!   key may not …`), operators only, or an operator's lack of an account.
//!
//! A key restricted to one site is allowed everything that isn't account-wide, on its site's
//! objects (every object here is in that site). Then the account is suspended, and its owner
//! may still make every read (2xx) and nothing else (403, "suspended").
//!
//! Operations that use up their object (deletes, cancels, an operator's changes to an account
//! or plan) get a fresh object for each caller, so each caller's answer is the rule's, not
//! "already gone". Requests are built by `support/operations.rs`, shared with the tenancy
//! probe; what neither sends is its `SKIPPED` table, with the reason.

#[macro_use]
mod support;

use std::str::FromStr;
use std::sync::atomic::AtomicU64;

use igny8_core::Backend;
use igny8_core::tenancy::{Permission, Role};
use igny8_core::testing::fake_ai::FakeAi;
use serde_json::json;
use support::Live;
use support::operations::*;

on_backends!(every_operation_answers_every_caller_as_declared);

/// What kind of credential a caller holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// A signed-in user of the account.
    User,
    /// An API key of the account, maybe restricted to its site.
    Key { restricted: bool },
    /// A platform operator, of no account.
    Operator,
}

/// One caller of the matrix.
struct Caller {
    name: String,
    authorization: String,
    kind: Kind,
    /// The role (an operator has none).
    role: Role,
}

/// An operation's `x-igny8-access`.
struct Declared {
    permission: String,
    account_wide: bool,
    users_only: bool,
}

impl Declared {
    fn of(op: &Operation) -> Result<Self, String> {
        let access = &op.op["x-igny8-access"];
        let permission = access["permission"]
            .as_str()
            .ok_or_else(|| format!("{}: no x-igny8-access", op.label()))?;
        Ok(Self {
            permission: permission.to_owned(),
            account_wide: access["account_wide"] == true,
            users_only: access["users_only"] == true,
        })
    }

    /// `Ok` when `caller` may do it; otherwise the phrases one of which the refusal's message
    /// must hold (every rule that refuses it; the server names the first it checks).
    fn verdict(&self, caller: &Caller) -> Result<(), Vec<String>> {
        let key = matches!(caller.kind, Kind::Key { .. });
        let mut why = Vec::new();
        match self.permission.as_str() {
            "none" => {}
            "operator" => {
                if caller.kind != Kind::Operator {
                    why.push("operators only".to_owned());
                }
            }
            "any" => {}
            other => {
                let permission = Permission::from_str(other).expect("a permission");
                if caller.kind == Kind::Operator {
                    why.push("belongs to no account".to_owned());
                } else {
                    if !caller.role.allows(permission) {
                        why.push(format!("the {} role may not", caller.role));
                    }
                    if self.account_wide && caller.kind == (Kind::Key { restricted: true }) {
                        why.push("restricted to site".to_owned());
                    }
                }
            }
        }
        if self.users_only && key {
            why.push("API key".to_owned());
        }
        if why.is_empty() { Ok(()) } else { Err(why) }
    }
}

/// The callers: a user of each role, an unrestricted key of each role, keys of each role but
/// owner restricted to `t`'s site, and an operator.
async fn callers(s: &Live, t: &Tenant) -> Vec<Caller> {
    let owner = t.bearer();
    let mut callers = vec![Caller {
        name: "owner".into(),
        authorization: owner.clone(),
        kind: Kind::User,
        role: Role::Owner,
    }];
    for role in [Role::Admin, Role::Editor, Role::Viewer] {
        let email = format!("{role}.caller@matrix.example");
        let body = json!({"email": email, "password": "password123", "role": role.as_str()});
        make(s, t, "/auth/users/", body).await;
        callers.push(Caller {
            name: role.to_string(),
            authorization: format!("Bearer {}", s.sign_in(&email, "password123").await),
            kind: Kind::User,
            role,
        });
    }
    let site = t.id("site");
    let keys = [Role::Owner, Role::Admin, Role::Editor, Role::Viewer]
        .map(|r| (r, None))
        .into_iter()
        .chain([Role::Admin, Role::Editor, Role::Viewer].map(|r| (r, Some(site))));
    for (role, site_id) in keys {
        let name = match site_id {
            None => format!("{role} key"),
            Some(_) => format!("{role} key on the site"),
        };
        let body = json!({"name": name, "role": role.as_str(), "site_id": site_id});
        let made = make(s, t, "/auth/api-keys/", body).await;
        callers.push(Caller {
            name,
            authorization: format!("Api-Key {}", made["secret"].as_str().unwrap()),
            kind: Kind::Key {
                restricted: site_id.is_some(),
            },
            role,
        });
    }
    s.state
        .core
        .tenancy()
        .create_superuser(
            &igny8_core::tenancy::Operator::embedder(),
            "operator@matrix.example",
            "password123",
            None,
        )
        .await
        .expect("an operator");
    callers.push(Caller {
        name: "operator".into(),
        authorization: format!(
            "Bearer {}",
            s.sign_in("operator@matrix.example", "password123").await
        ),
        kind: Kind::Operator,
        role: Role::Viewer,
    });
    callers
}

/// A fresh object of `kind` for one caller to use up: the account's own, or (an account, a
/// plan) one the operator makes.
async fn fresh(s: &Live, t: &Tenant, operator: &str, kind: &str) -> i64 {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    match kind {
        "account" => {
            let token = s
                .register(&format!("spare{n}@matrix.example"), &format!("Spare {n}"))
                .await;
            let me = s.as_user("GET", "/api/v1/auth/me/", &token, None).await;
            me.body["data"]["account_id"].as_i64().expect("an account")
        }
        "plan" => {
            let body = json!({"slug": format!("spare-{n}"), "name": format!("Spare {n}"),
                "monthly_credits": 10, "limits": {}});
            let a = s
                .call(
                    "POST",
                    "/api/v1/operator/plans/",
                    Some(operator),
                    Some(body),
                    &[],
                )
                .await;
            assert_eq!(a.status, 201, "{}", a.body);
            a.body["data"]["id"].as_i64().expect("a plan")
        }
        other => create(s, t, other).await,
    }
}

/// Why `answer` is not what `verdict` says, if it isn't.
fn judge(
    verdict: &Result<(), Vec<String>>,
    own_refused: Option<u16>,
    answer: &Answer,
) -> Option<String> {
    let message = answer
        .json
        .as_ref()
        .and_then(|v| v["message"].as_str())
        .unwrap_or_default();
    match verdict {
        Ok(()) => {
            let fine = match own_refused {
                Some(status) => answer.status == status,
                None => (200..300).contains(&answer.status),
            };
            (!fine).then(|| format!("allowed, but {} {}", answer.status, answer.text))
        }
        Err(why) => {
            let envelope = answer.json.as_ref().is_some_and(|v| {
                v["success"] == false && v["code"] == "forbidden" && v.get("request_id").is_some()
            });
            if answer.status != 403 || !envelope {
                Some(format!(
                    "refused ({}), but {} {}",
                    why.join(" / "),
                    answer.status,
                    answer.text
                ))
            } else if !why.iter().any(|w| message.contains(w.as_str())) {
                Some(format!(
                    "refused, but the message doesn't say why ({}): {message}",
                    why.join(" / ")
                ))
            } else {
                None
            }
        }
    }
}

async fn every_operation_answers_every_caller_as_declared(backend: Backend) {
    let started = std::time::Instant::now();
    let fake = FakeAi::start_auto().await;
    let Some((s, media)) = server_with_fake_ai(backend, &fake, "matrix", 1_000_000).await else {
        return;
    };
    let mut t = tenant(&s, &fake, "Matrix", "matrix").await;
    more(&s, &mut t).await;
    let callers = callers(&s, &t).await;
    let operator = callers
        .iter()
        .find(|c| c.kind == Kind::Operator)
        .map(|c| c.authorization.clone())
        .unwrap();

    let doc = document(&s).await;
    let ops = operations(&doc);
    let mut problems = stale_entries(&doc);
    let counter = AtomicU64::new(0);
    let (mut requests, mut allowed, mut refused) = (0, 0, 0);
    let mut table = Vec::new();
    for op in &ops {
        let declared = match Declared::of(op) {
            Ok(d) => d,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let own_refused = OWN_REFUSED
            .iter()
            .find(|(m, p, _, _)| *m == op.method && *p == op.path)
            .map(|(_, _, status, _)| *status);
        let mut row = Vec::new();
        for caller in &callers {
            let mut own = t.clone();
            if let Some(kind) = used_up(op) {
                let id = fresh(&s, &t, &operator, kind).await;
                own.ids.insert(kind, id);
            }
            let mut builder = Builder::own(&doc, op, &own, &counter);
            let req = builder.request();
            problems.append(&mut builder.problems);
            let answer = send(&s, &caller.authorization, &req).await;
            requests += 1;
            let verdict = declared.verdict(caller);
            match verdict {
                Ok(()) => allowed += 1,
                Err(_) => refused += 1,
            }
            row.push(answer.status.to_string());
            if let Some(why) = judge(&verdict, own_refused, &answer) {
                problems.push(format!("{} as {}: {why}", op.label(), caller.name));
            }
        }
        table.push(format!("{:<48} {}", op.label(), row.join(" ")));
    }
    problems.sort();
    problems.dedup();

    // Suspended: the owner reads, and changes nothing.
    let account = t.id("account");
    let a = s
        .call(
            "PATCH",
            &format!("/api/v1/operator/accounts/{account}/"),
            Some(&operator),
            Some(json!({"status": "suspended"})),
            &[],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let owner = &callers[0];
    let mut suspended = Vec::new();
    for op in &ops {
        let Ok(declared) = Declared::of(op) else {
            continue;
        };
        let mut builder = Builder::own(&doc, op, &t, &counter);
        let req = builder.request();
        let answer = send(&s, &owner.authorization, &req).await;
        requests += 1;
        let reads =
            declared.permission == "read" || declared.permission == "any" || op.method == "GET";
        let verdict = match declared.verdict(owner) {
            Err(why) => Err(why),
            Ok(()) if reads => Ok(()),
            Ok(()) => Err(vec!["suspended".to_owned()]),
        };
        let own_refused = OWN_REFUSED
            .iter()
            .find(|(m, p, _, _)| *m == op.method && *p == op.path)
            .map(|(_, _, status, _)| *status);
        suspended.push(format!("{:<48} {}", op.label(), answer.status));
        if let Some(why) = judge(&verdict, own_refused, &answer) {
            problems.push(format!(
                "{} as the owner of a suspended account: {why}",
                op.label()
            ));
        }
    }

    let names: Vec<&str> = callers.iter().map(|c| c.name.as_str()).collect();
    println!("callers: {}", names.join(" | "));
    println!("{}", table.join("\n"));
    println!("suspended owner:\n{}", suspended.join("\n"));
    println!(
        "{} operations ({} skipped) × {} callers: {allowed} allowed, {refused} refused; \
         {requests} requests in {:.1} s",
        ops.len(),
        SKIPPED.len(),
        callers.len(),
        started.elapsed().as_secs_f64()
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
