//! Every definition source (`registry`, `list`, `register`, `union`, `enum`, `struct`, with key
//! transforms) declares exactly the flags its fixture marks: a `flaglint-defines: <key>` comment
//! on each line where a definition of `<key>` must be found.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const MARKER: &str = "flaglint-defines:";

#[test]
fn every_definition_source_declares_exactly_the_marked_flags() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/definitions");
    let mut expected = BTreeSet::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (i, line) in text.lines().enumerate() {
            if let Some(at) = line.find(MARKER) {
                for key in line[at + MARKER.len()..].split_whitespace() {
                    expected.insert((rel.clone(), i as u64 + 1, key.to_string()));
                }
            }
        }
    }
    let output = Command::new(env!("CARGO_BIN_EXE_flaglint"))
        // Ages are measured to a fixed day, so that no fixture grows stale with time.
        .env("FLAGLINT_TODAY", "2026-06-01")
        .args(["flags", ".", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let inventory: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut found = BTreeSet::new();
    for flag in inventory["flags"].as_array().unwrap() {
        for definition in flag["definitions"].as_array().unwrap() {
            found.insert((
                definition["path"].as_str().unwrap().to_string(),
                definition["line"].as_u64().unwrap(),
                flag["key"].as_str().unwrap().to_string(),
            ));
        }
    }
    let missed: Vec<_> = expected.difference(&found).collect();
    let unexpected: Vec<_> = found.difference(&expected).collect();
    assert!(
        missed.is_empty() && unexpected.is_empty(),
        "missed: {missed:#?}\nunexpected: {unexpected:#?}"
    );
}

#[test]
fn checks_resolve_against_declared_keys() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/definitions");
    let output = Command::new(env!("CARGO_BIN_EXE_flaglint"))
        // Ages are measured to a fixed day, so that no fixture grows stale with time.
        .env("FLAGLINT_TODAY", "2026-06-01")
        .args(["check", ".", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let undefined: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "undefined-flag")
        .filter_map(|d| d["flag"].as_str())
        .collect();
    assert_eq!(undefined, ["organizations:undeclared"]);
}
