//! The committed OpenAPI document (`docs/openapi.json`) is the one the code generates.
//! After changing the API: `IGNY8_UPDATE_OPENAPI=1 cargo test -p igny8-server --test openapi`.

#[test]
fn committed_schema_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");
    let generated: serde_json::Value = serde_json::from_str(&igny8_server::openapi_json()).unwrap();
    let pretty = serde_json::to_string_pretty(&generated).unwrap() + "\n";
    if std::env::var_os("IGNY8_UPDATE_OPENAPI").is_some() {
        std::fs::write(path, &pretty).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == pretty,
        "docs/openapi.json differs from the API the code serves; review the change and run \
         `IGNY8_UPDATE_OPENAPI=1 cargo test -p igny8-server --test openapi`"
    );
}

#[test]
fn every_operation_documents_its_errors() {
    let spec: serde_json::Value = serde_json::from_str(&igny8_server::openapi_json()).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.len() > 40, "{} paths", paths.len());
    for (path, ops) in paths {
        assert!(path.ends_with('/'), "{path} has no trailing slash");
        for (method, op) in ops.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            for status in ["400", "401", "404", "429", "500"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} lacks {status}"
                );
            }
        }
    }
}

fn walk<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
    out.push(value);
    match value {
        serde_json::Value::Object(map) => map.values().for_each(|v| walk(v, out)),
        serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
        _ => {}
    }
}

#[test]
fn the_document_declares_what_the_core_checks() {
    let spec: serde_json::Value = serde_json::from_str(&igny8_server::openapi_json()).unwrap();
    let schemas = &spec["components"]["schemas"];
    // Bulk ids: 1 to the core's limit.
    assert_eq!(schemas["Ids"]["properties"]["ids"]["minItems"], 1);
    assert_eq!(
        schemas["Ids"]["properties"]["ids"]["maxItems"],
        igny8_core::planner::MAX_BULK_IDS
    );
    let words = &schemas["NewTask"]["properties"]["target_word_count"];
    assert_eq!(words["minimum"], igny8_core::writer::MIN_WORD_COUNT);
    assert_eq!(words["maximum"], igny8_core::writer::MAX_WORD_COUNT);
    // Paging parameters everywhere they appear.
    let mut page_sizes = 0;
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["name"] == "page_size" {
                    page_sizes += 1;
                    assert_eq!(p["schema"]["minimum"], 1);
                    assert_eq!(p["schema"]["maximum"], igny8_core::list::MAX_PAGE_SIZE);
                }
            }
        }
    }
    assert!(page_sizes > 10, "{page_sizes}");
    // Request objects refuse unknown fields, and say so.
    for name in [
        "NewKeyword",
        "KeywordPatch",
        "Register",
        "OutlineSection",
        "PlanLimits",
    ] {
        assert_eq!(schemas[name]["additionalProperties"], false, "{name}");
    }
    // Settings `level` is an enum.
    let level = spec["paths"]["/system/settings/"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "level")
        .unwrap();
    assert_eq!(
        level["schema"]["enum"],
        serde_json::json!(["account", "user"])
    );
}

#[test]
fn references_are_in_a_form_client_generators_take() {
    // openapi-python-client drops `allOf` of an enum ("Cannot take allOf a non-object").
    let spec: serde_json::Value = serde_json::from_str(&igny8_server::openapi_json()).unwrap();
    let mut all = Vec::new();
    walk(&spec, &mut all);
    assert!(all.iter().all(|v| v.get("allOf").is_none()));
    let status = &spec["components"]["schemas"]["Keyword"]["properties"]["status"];
    assert_eq!(
        status["anyOf"][0]["$ref"],
        "#/components/schemas/KeywordStatus"
    );
}

#[test]
fn every_operation_declares_who_may_call_it() {
    let spec: serde_json::Value = serde_json::from_str(&igny8_server::openapi_json()).unwrap();
    let permissions = [
        "none", "any", "read", "write", "manage", "billing", "operator",
    ];
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let access = &op["x-igny8-access"];
            let permission = access["permission"].as_str().unwrap_or_default();
            assert!(
                permissions.contains(&permission),
                "{method} {path}: x-igny8-access {access}"
            );
            assert!(access["account_wide"].is_boolean(), "{method} {path}");
            assert!(access["users_only"].is_boolean(), "{method} {path}");
            // Operations without a credential carry no security requirement, and the others do.
            assert_eq!(
                permission == "none",
                op.get("security").is_none(),
                "{method} {path}: {permission} but security {}",
                op["security"]
            );
            let description = op["description"].as_str().unwrap_or_default();
            assert!(
                ["Needs", "Any role", "Open to", "Platform operators"]
                    .iter()
                    .any(|s| description.contains(s)),
                "{method} {path} doesn't say who may call it: {description}"
            );
        }
    }
    let users = &spec["paths"]["/auth/users/"]["post"];
    assert_eq!(
        users["x-igny8-access"],
        serde_json::json!({"permission": "manage", "account_wide": true, "users_only": false})
    );
    assert!(
        users["description"]
            .as_str()
            .unwrap()
            .starts_with("Needs the admin role or above; account-wide"),
        "{}",
        users["description"]
    );
}

#[test]
fn an_operation_without_declared_access_fails_the_document() {
    let mut generated: serde_json::Value =
        serde_json::from_str(&igny8_server::api::service().spec()).unwrap();
    generated["paths"]["/planner/undeclared"] = generated["paths"]["/planner/keywords"].clone();
    let text = generated.to_string();
    let made = std::panic::catch_unwind(|| igny8_server::contract::document(&text));
    let message = made
        .err()
        .and_then(|e| e.downcast_ref::<String>().cloned())
        .expect("an undeclared operation fails the document");
    assert!(message.contains("GET /planner/undeclared/"), "{message}");
}
