//! The JSON schema of `flaglint.toml`: the committed `flaglint.schema.json` is what the
//! configuration types generate, and every configuration of the fixtures validates against it.
//! `FLAGLINT_UPDATE_SCHEMA=1 cargo test --test schema` rewrites the committed file.

use std::path::Path;

#[test]
fn the_committed_schema_is_the_generated_one() {
    let generated = flaglint::config::json_schema();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("flaglint.schema.json");
    if std::env::var_os("FLAGLINT_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("the schema is written");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "flaglint.schema.json is out of date: run FLAGLINT_UPDATE_SCHEMA=1 cargo test --test schema"
    );
}

#[test]
fn every_fixture_configuration_validates() {
    let schema: serde_json::Value =
        serde_json::from_str(&flaglint::config::json_schema()).expect("the schema is JSON");
    let validator = jsonschema::options()
        .offline()
        .build(&schema)
        .expect("the schema compiles");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&fixtures) {
        let entry = entry.expect("the fixtures are readable");
        if entry.file_name() != "flaglint.toml" {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("readable");
        // Configurations that are broken on purpose do not load.
        if flaglint::config::from_toml(&text, fixtures.clone()).is_err() {
            continue;
        }
        let value: toml::Value = toml::from_str(&text).expect("TOML");
        let instance = serde_json::to_value(&value).expect("JSON");
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", entry.path().display());
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} configurations checked");
    // A misspelt key is refused, as flaglint refuses it.
    let misspelt = serde_json::json!({ "definitons": [] });
    assert!(!validator.is_valid(&misspelt));
}
