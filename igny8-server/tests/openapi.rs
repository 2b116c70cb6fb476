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
