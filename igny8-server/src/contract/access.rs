//! Who may call each operation, as the document declares it (`x-igny8-access` and one
//! sentence in the description). The rules themselves are the core's (`Scope::require`,
//! `require_account_wide`, `require_not_api_key`, a suspended account's read-only scope) and
//! the operator check of `/operator/`; this table only says, per operation, which of them
//! apply. `tests/permission_matrix.rs` sends every operation as every kind of caller and holds
//! the server to it, so the table can't drift from what the server does.
//!
//! Every operation of the document has exactly one entry: a new endpoint without one fails
//! [`super::document`] (and so the OpenAPI test), and so does an entry for an operation the
//! document no longer has.

use igny8_core::tenancy::{Permission, Role};
use serde_json::{Value, json};

/// What an operation needs of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// No credential at all (signing up, signing in, health).
    Nothing,
    /// Any authenticated caller, whatever its role; it acts on the caller's own user or
    /// session, so it works in a suspended account too.
    Anyone,
    /// A role of the account that grants this permission.
    Role(Permission),
    /// A platform operator (a superuser, who belongs to no account).
    Operator,
}

/// One operation's requirement.
#[derive(Debug, Clone, Copy)]
pub struct Access {
    /// The permission.
    pub needs: Needs,
    /// Account-wide data: a key restricted to one site is refused, even to read.
    pub account_wide: bool,
    /// API keys are refused: a signed-in user must act.
    pub users_only: bool,
    /// Why, where the three above don't say it (empty otherwise).
    pub why: &'static str,
}

const fn on(needs: Needs) -> Access {
    Access {
        needs,
        account_wide: false,
        users_only: false,
        why: "",
    }
}

/// Open to anyone, no credential.
const NONE: Access = on(Needs::Nothing);
/// Any role reads it (a site-restricted key: its site's part).
const READ: Access = on(Needs::Role(Permission::Read));
/// Editors and above change it (a site-restricted key: on its site).
const WRITE: Access = on(Needs::Role(Permission::Write));
/// Admins and above manage it (a site-restricted key: its own site's).
const MANAGE: Access = on(Needs::Role(Permission::Manage));
/// Platform operators only.
const OPERATOR: Access = on(Needs::Operator);

impl Access {
    /// Account-wide data: out of a site-restricted key's reach.
    const fn account_wide(self) -> Self {
        Self {
            account_wide: true,
            ..self
        }
    }

    /// Refused to API keys.
    const fn users_only(self) -> Self {
        Self {
            users_only: true,
            ..self
        }
    }

    const fn why(self, why: &'static str) -> Self {
        Self { why, ..self }
    }

    /// The least role that may do it, when a role decides.
    pub fn least_role(&self) -> Option<Role> {
        match self.needs {
            Needs::Role(p) => [Role::Viewer, Role::Editor, Role::Admin, Role::Owner]
                .into_iter()
                .find(|r| r.allows(p)),
            _ => None,
        }
    }

    /// The permission as the document names it: `none`, `any`, `read`, `write`, `manage`,
    /// `billing` or `operator`.
    pub fn permission(&self) -> &'static str {
        match self.needs {
            Needs::Nothing => "none",
            Needs::Anyone => "any",
            Needs::Role(p) => p.as_str(),
            Needs::Operator => "operator",
        }
    }

    /// The `x-igny8-access` extension.
    pub fn extension(&self) -> Value {
        json!({
            "permission": self.permission(),
            "account_wide": self.account_wide,
            "users_only": self.users_only,
        })
    }

    /// Whether a suspended account's callers are refused it: every change is (the account
    /// reads only), every read isn't, even one whose role is more than a viewer's (an admin
    /// may still list the account's API keys).
    pub fn refused_when_suspended(&self, method: &str) -> bool {
        matches!(self.needs, Needs::Role(p) if p != Permission::Read) && method != "GET"
    }

    /// The sentence appended to the description of the operation (`method` says whether it
    /// reads).
    pub fn sentence(&self, method: &str) -> String {
        let mut parts = Vec::new();
        match self.needs {
            Needs::Nothing => parts.push("Needs no credential".to_owned()),
            Needs::Anyone => parts.push("Open to any signed-in caller, whatever its role".into()),
            Needs::Operator => parts
                .push("Platform operators only; account users and API keys are refused".to_owned()),
            Needs::Role(_) => {
                let role = self.least_role().map(Role::as_str).unwrap_or("owner");
                parts.push(if role == "viewer" {
                    "Any role may do it".to_owned()
                } else if role == "owner" {
                    "Needs the owner role".to_owned()
                } else {
                    format!("Needs the {role} role or above")
                });
                parts.push(if self.account_wide {
                    "account-wide, so a key restricted to one site is refused".to_owned()
                } else {
                    "a key restricted to one site reaches its own site's data only".to_owned()
                });
                if self.refused_when_suspended(method) {
                    parts.push("refused while the account is suspended".to_owned());
                }
            }
        }
        if self.users_only {
            parts.push("API keys are refused (sign in as a user)".to_owned());
        }
        let mut sentence = parts.join("; ") + ".";
        if !self.why.is_empty() {
            sentence.push(' ');
            sentence.push_str(self.why);
        }
        sentence
    }
}

/// Every operation of the document, by method and path as the document spells them.
pub const ACCESS: &[(&str, &str, Access)] = &[
    // Sessions.
    ("POST", "/auth/register/", NONE),
    ("POST", "/auth/login/", NONE),
    (
        "POST",
        "/auth/refresh/",
        NONE.why("The refresh token in the body is the credential."),
    ),
    (
        "POST",
        "/auth/logout/",
        on(Needs::Anyone).why("It ends the session of the refresh token in the body."),
    ),
    (
        "GET",
        "/auth/me/",
        on(Needs::Anyone)
            .users_only()
            .why("An API key has no user to show."),
    ),
    (
        "POST",
        "/auth/me/password/",
        on(Needs::Anyone)
            .users_only()
            .why("It changes the caller's own password."),
    ),
    // Users.
    ("GET", "/auth/users/", READ.account_wide()),
    ("GET", "/auth/users/{id}/", READ.account_wide()),
    (
        "POST",
        "/auth/users/",
        MANAGE
            .account_wide()
            .why("Nobody grants a role above their own."),
    ),
    (
        "PATCH",
        "/auth/users/{id}/",
        MANAGE.account_wide().why(
            "A signed-in user may change their own name whatever their role; nobody changes \
             someone ranked above them or grants a role above their own.",
        ),
    ),
    (
        "DELETE",
        "/auth/users/{id}/",
        MANAGE
            .account_wide()
            .why("Nobody removes someone ranked above them; the last owner stays."),
    ),
    (
        "POST",
        "/auth/users/bulk_update/",
        MANAGE.account_wide().why("Each user by the rules for one."),
    ),
    (
        "POST",
        "/auth/users/bulk_delete/",
        MANAGE.account_wide().why("Each user by the rules for one."),
    ),
    // API keys.
    (
        "GET",
        "/auth/api-keys/",
        MANAGE
            .account_wide()
            .why("Names, roles and sites only, never secrets."),
    ),
    ("GET", "/auth/api-keys/{id}/", MANAGE.account_wide()),
    (
        "POST",
        "/auth/api-keys/",
        MANAGE.account_wide().users_only().why(
            "A key's role is at most its maker's; API keys may not make keys, so one leaked \
             key can't become lasting access.",
        ),
    ),
    (
        "PATCH",
        "/auth/api-keys/{id}/",
        MANAGE
            .account_wide()
            .users_only()
            .why("API keys may not change keys."),
    ),
    (
        "DELETE",
        "/auth/api-keys/{id}/",
        MANAGE
            .account_wide()
            .users_only()
            .why("API keys may not revoke keys."),
    ),
    // Sites and sectors.
    (
        "GET",
        "/auth/sites/",
        READ.why("A site-restricted key sees its own site."),
    ),
    ("GET", "/auth/sites/{id}/", READ),
    (
        "POST",
        "/auth/sites/connect/",
        READ.why(
            "Finding the site is a read; making one that doesn't exist yet takes an admin \
             without a site restriction (403 otherwise).",
        ),
    ),
    (
        "POST",
        "/auth/sites/",
        MANAGE
            .account_wide()
            .why("A new site is outside any one site."),
    ),
    ("PATCH", "/auth/sites/{id}/", MANAGE),
    ("POST", "/auth/sites/bulk_update/", MANAGE),
    (
        "DELETE",
        "/auth/sites/{id}/",
        MANAGE
            .account_wide()
            .why("A key may not delete the site it is restricted to."),
    ),
    (
        "POST",
        "/auth/sites/bulk_delete/",
        MANAGE
            .account_wide()
            .why("A key may not delete the site it is restricted to."),
    ),
    ("PUT", "/auth/sites/{id}/wordpress/", MANAGE),
    ("DELETE", "/auth/sites/{id}/wordpress/", MANAGE),
    ("GET", "/auth/sites/{id}/links/", READ),
    ("PUT", "/auth/sites/{id}/links/", WRITE),
    ("GET", "/auth/sites/{id}/links/related/", READ),
    ("POST", "/auth/sites/{id}/links/sync/", WRITE),
    (
        "POST",
        "/auth/sites/{id}/test_connection/",
        READ.why("It only checks the stored connection."),
    ),
    ("GET", "/auth/sectors/", READ),
    ("GET", "/auth/sectors/{id}/", READ),
    ("POST", "/auth/sectors/", MANAGE),
    ("PATCH", "/auth/sectors/{id}/", MANAGE),
    ("DELETE", "/auth/sectors/{id}/", MANAGE),
    ("POST", "/auth/sectors/bulk_update/", MANAGE),
    ("POST", "/auth/sectors/bulk_delete/", MANAGE),
    // Planner.
    (
        "GET",
        "/planner/dashboard/",
        READ.why("A site-restricted key sees its site's figures and no credits."),
    ),
    ("GET", "/planner/keywords/", READ),
    ("GET", "/planner/keywords/{id}/", READ),
    ("GET", "/planner/keywords/export/", READ),
    ("POST", "/planner/keywords/", WRITE),
    ("PATCH", "/planner/keywords/{id}/", WRITE),
    ("DELETE", "/planner/keywords/{id}/", WRITE),
    ("POST", "/planner/keywords/bulk_update/", WRITE),
    ("POST", "/planner/keywords/bulk_delete/", WRITE),
    ("POST", "/planner/keywords/update_matching/", WRITE),
    ("POST", "/planner/keywords/delete_matching/", WRITE),
    ("POST", "/planner/keywords/import/", WRITE),
    ("POST", "/planner/keywords/import_in_background/", WRITE),
    ("POST", "/planner/keywords/auto_cluster/", WRITE),
    ("POST", "/planner/keywords/cluster_locally/", WRITE),
    ("GET", "/planner/clusters/", READ),
    ("GET", "/planner/clusters/{id}/", READ),
    ("POST", "/planner/clusters/", WRITE),
    ("PATCH", "/planner/clusters/{id}/", WRITE),
    ("DELETE", "/planner/clusters/{id}/", WRITE),
    ("POST", "/planner/clusters/bulk_update/", WRITE),
    ("POST", "/planner/clusters/bulk_delete/", WRITE),
    ("POST", "/planner/clusters/{id}/merge/", WRITE),
    ("POST", "/planner/clusters/generate_ideas/", WRITE),
    ("GET", "/planner/ideas/", READ),
    ("GET", "/planner/overlaps/", READ),
    ("GET", "/planner/ideas/{id}/", READ),
    ("POST", "/planner/ideas/", WRITE),
    ("PATCH", "/planner/ideas/{id}/", WRITE),
    ("DELETE", "/planner/ideas/{id}/", WRITE),
    ("POST", "/planner/ideas/bulk_update/", WRITE),
    ("POST", "/planner/ideas/bulk_delete/", WRITE),
    ("POST", "/planner/ideas/queue_to_writer/", WRITE),
    // Writer.
    ("GET", "/writer/tasks/", READ),
    ("GET", "/writer/tasks/{id}/", READ),
    ("POST", "/writer/tasks/", WRITE),
    ("PATCH", "/writer/tasks/{id}/", WRITE),
    ("DELETE", "/writer/tasks/{id}/", WRITE),
    ("POST", "/writer/tasks/bulk_update/", WRITE),
    ("POST", "/writer/tasks/bulk_delete/", WRITE),
    ("POST", "/writer/tasks/generate_content/", WRITE),
    ("GET", "/writer/content/", READ),
    ("GET", "/writer/content/{id}/", READ),
    ("POST", "/writer/content/", WRITE),
    ("PATCH", "/writer/content/{id}/", WRITE),
    ("DELETE", "/writer/content/{id}/", WRITE),
    ("POST", "/writer/content/bulk_update/", WRITE),
    ("POST", "/writer/content/bulk_delete/", WRITE),
    ("POST", "/writer/content/generate_image_prompts/", WRITE),
    ("POST", "/writer/content/publish/", WRITE),
    ("POST", "/writer/content/{id}/publish/", WRITE),
    ("POST", "/writer/content/{id}/render/", READ),
    ("POST", "/writer/content/{id}/check/", READ),
    ("POST", "/writer/content/{id}/links_out/", READ),
    ("GET", "/writer/content/{id}/links_back/", READ),
    ("POST", "/writer/content/{id}/links_back/", WRITE),
    ("GET", "/writer/images/", READ),
    ("GET", "/writer/images/{id}/", READ),
    ("GET", "/writer/images/{id}/file/", READ),
    ("POST", "/writer/images/", WRITE),
    ("PATCH", "/writer/images/{id}/", WRITE),
    ("DELETE", "/writer/images/{id}/", WRITE),
    ("POST", "/writer/images/bulk_update/", WRITE),
    ("POST", "/writer/images/bulk_delete/", WRITE),
    ("POST", "/writer/images/generate_images/", WRITE),
    // Thinker: the account's prompts, author profiles and strategies.
    ("GET", "/thinker/prompts/", READ.account_wide()),
    ("GET", "/thinker/prompts/defaults/", READ.account_wide()),
    ("GET", "/thinker/prompts/{id}/", READ.account_wide()),
    ("POST", "/thinker/prompts/", MANAGE.account_wide()),
    ("PATCH", "/thinker/prompts/{id}/", MANAGE.account_wide()),
    ("DELETE", "/thinker/prompts/{id}/", MANAGE.account_wide()),
    (
        "POST",
        "/thinker/prompts/bulk_delete/",
        MANAGE.account_wide(),
    ),
    ("GET", "/thinker/author-profiles/", READ.account_wide()),
    ("GET", "/thinker/author-profiles/{id}/", READ.account_wide()),
    ("POST", "/thinker/author-profiles/", MANAGE.account_wide()),
    (
        "PATCH",
        "/thinker/author-profiles/{id}/",
        MANAGE.account_wide(),
    ),
    (
        "DELETE",
        "/thinker/author-profiles/{id}/",
        MANAGE.account_wide(),
    ),
    (
        "POST",
        "/thinker/author-profiles/bulk_update/",
        MANAGE.account_wide(),
    ),
    (
        "POST",
        "/thinker/author-profiles/bulk_delete/",
        MANAGE.account_wide(),
    ),
    ("GET", "/thinker/strategies/", READ.account_wide()),
    ("GET", "/thinker/strategies/{id}/", READ.account_wide()),
    ("POST", "/thinker/strategies/", MANAGE.account_wide()),
    ("PATCH", "/thinker/strategies/{id}/", MANAGE.account_wide()),
    ("DELETE", "/thinker/strategies/{id}/", MANAGE.account_wide()),
    (
        "POST",
        "/thinker/strategies/bulk_update/",
        MANAGE.account_wide(),
    ),
    (
        "POST",
        "/thinker/strategies/bulk_delete/",
        MANAGE.account_wide(),
    ),
    (
        "POST",
        "/thinker/image_testing/",
        WRITE.why("It runs the image model and charges one image."),
    ),
    // Automation.
    ("GET", "/automation/rules/", READ),
    ("GET", "/automation/rules/{id}/", READ),
    ("POST", "/automation/rules/", MANAGE),
    ("PATCH", "/automation/rules/{id}/", MANAGE),
    ("DELETE", "/automation/rules/{id}/", MANAGE),
    (
        "POST",
        "/automation/rules/{id}/run/",
        WRITE.why("Running a rule is running its AI functions."),
    ),
    ("GET", "/automation/runs/", READ),
    ("GET", "/automation/runs/{id}/", READ),
    ("POST", "/automation/runs/{id}/cancel/", WRITE),
    // Billing.
    ("GET", "/billing/balance/", READ.account_wide()),
    ("GET", "/billing/transactions/", READ.account_wide()),
    ("GET", "/billing/usage/", READ.account_wide()),
    ("GET", "/billing/usage/summary/", READ.account_wide()),
    (
        "POST",
        "/billing/estimate/",
        READ.why(
            "It checks the ids as the operation would; a site-restricted key gets no balance.",
        ),
    ),
    // System.
    (
        "GET",
        "/system/settings/",
        READ.account_wide().why(
            "With `level=user`: the caller's own settings, open to any signed-in user (API \
             keys have none).",
        ),
    ),
    (
        "GET",
        "/system/settings/{key}/",
        READ.account_wide().why(
            "A user-level key: the caller's own, open to any signed-in user (API keys have \
             none).",
        ),
    ),
    (
        "POST",
        "/system/settings/",
        MANAGE.account_wide().why(
            "A user-level key (`ui.*`): the caller's own, open to any signed-in user (API \
             keys have none).",
        ),
    ),
    (
        "DELETE",
        "/system/settings/{key}/",
        MANAGE.account_wide().why(
            "A user-level key (`ui.*`): the caller's own, open to any signed-in user (API \
             keys have none).",
        ),
    ),
    ("GET", "/system/integrations/", READ.account_wide()),
    (
        "GET",
        "/system/integrations/{provider}/",
        READ.account_wide(),
    ),
    ("POST", "/system/integrations/", MANAGE.account_wide()),
    (
        "PATCH",
        "/system/integrations/{provider}/",
        MANAGE.account_wide(),
    ),
    (
        "DELETE",
        "/system/integrations/{provider}/",
        MANAGE.account_wide(),
    ),
    (
        "POST",
        "/system/integrations/{provider}/test/",
        MANAGE.account_wide(),
    ),
    ("GET", "/system/jobs/", READ),
    ("GET", "/system/jobs/{id}/", READ),
    ("GET", "/system/jobs/{id}/events/", READ),
    ("POST", "/system/jobs/{id}/cancel/", WRITE),
    // Operators.
    ("GET", "/operator/accounts/", OPERATOR),
    ("GET", "/operator/jobs/", OPERATOR),
    ("GET", "/operator/accounts/{id}/", OPERATOR),
    ("PATCH", "/operator/accounts/{id}/", OPERATOR),
    ("DELETE", "/operator/accounts/{id}/", OPERATOR),
    ("POST", "/operator/accounts/{id}/credits/", OPERATOR),
    ("GET", "/operator/plans/", OPERATOR),
    ("GET", "/operator/plans/{id}/", OPERATOR),
    ("POST", "/operator/plans/", OPERATOR),
    ("PUT", "/operator/plans/{id}/", OPERATOR),
    // Health.
    ("GET", "/health/", NONE),
    ("GET", "/health/ready/", NONE),
];

/// Writes each operation's [`ACCESS`] entry into the document. An operation without an entry,
/// or an entry without its operation, is a mistake caught here.
pub(super) fn declare_access(doc: &mut Value) {
    let mut used = vec![false; ACCESS.len()];
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object_mut().into_iter().flatten() {
        for (method, op) in item.as_object_mut().into_iter().flatten() {
            if !["get", "put", "post", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let found = ACCESS
                .iter()
                .position(|(m, p, _)| m.eq_ignore_ascii_case(method) && p == path);
            let Some(i) = found else {
                missing.push(format!("{} {path}", method.to_uppercase()));
                continue;
            };
            assert!(
                !used[i],
                "contract: {} {path} is declared twice in access::ACCESS",
                ACCESS[i].0
            );
            used[i] = true;
            let access = &ACCESS[i].2;
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            op.insert("x-igny8-access".into(), access.extension());
            let sentence = access.sentence(&method.to_uppercase());
            let description = match op.get("description").and_then(Value::as_str) {
                Some(d) if !d.is_empty() => format!("{d}\n\n{sentence}"),
                _ => sentence,
            };
            op.insert("description".into(), Value::String(description));
        }
    }
    assert!(
        missing.is_empty(),
        "contract: no access declared for {} (add them to contract/access.rs)",
        missing.join(", ")
    );
    let stale: Vec<String> = ACCESS
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|((m, p, _), _)| format!("{m} {p}"))
        .collect();
    assert!(
        stale.is_empty(),
        "contract: access::ACCESS declares operations the document lacks: {}",
        stale.join(", ")
    );
}
