//! Every built-in pack has a fixture per language it covers, and finds exactly the checks its
//! fixture marks: a `flaglint-check: <key>` comment on each line where a check (or a test helper
//! reference) of `<key>` must be found. Unmarked look-alikes (a function definition of the same
//! name, a call on an unrelated receiver, comments, strings) must not be found. The same holds
//! for `fixtures/shapes`, which exercises every check shape besides calls.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use flaglint::lang::Language;
use flaglint::packs::{self, BUILTIN};

const MARKER: &str = "flaglint-check:";

fn language_of(path: &Path) -> Option<Language> {
    flaglint::lang::detect(path).map(|(_, language)| language)
}

type Occurrences = BTreeSet<(String, u64, String)>;

/// The `(path, line, key)` markers under `dir`, and the languages of its source files (TypeScript
/// standing for JavaScript too).
fn marked_checks(dir: &Path) -> (Occurrences, BTreeSet<Language>) {
    let mut expected = BTreeSet::new();
    let mut languages = BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let Some(language) = language_of(entry.path()) else {
            continue;
        };
        languages.insert(match language {
            Language::JavaScript => Language::TypeScript,
            other => other,
        });
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let source = std::fs::read_to_string(entry.path()).unwrap();
        for (i, line) in source.lines().enumerate() {
            if let Some(at) = line.find(MARKER) {
                // Keys up to the end of the comment (`#}`, `*/`, `-->`).
                for key in line[at + MARKER.len()..]
                    .split_whitespace()
                    .take_while(|k| k.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
                {
                    expected.insert((rel.clone(), i as u64 + 1, key.to_string()));
                }
            }
        }
    }
    (expected, languages)
}

/// The `(path, line, key)` of every check and test reference `flaglint flags` lists for `dir`.
fn found_checks(dir: &Path) -> Occurrences {
    let output = Command::new(env!("CARGO_BIN_EXE_flaglint"))
        // Ages are measured to a fixed day, so that no fixture grows stale with time.
        .env("FLAGLINT_TODAY", "2026-06-01")
        .args(["flags", ".", "--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let inventory: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut found = BTreeSet::new();
    for flag in inventory["flags"].as_array().unwrap() {
        let key = flag["key"].as_str().unwrap();
        let occurrences = flag["checks"].as_array().unwrap().iter().chain(
            flag["references"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["kind"] == "test"),
        );
        for occurrence in occurrences {
            found.insert((
                occurrence["path"].as_str().unwrap().to_string(),
                occurrence["line"].as_u64().unwrap(),
                key.to_string(),
            ));
        }
    }
    found
}

fn compare(name: &str, expected: &Occurrences, found: &Occurrences, failures: &mut Vec<String>) {
    for missed in expected.difference(found) {
        failures.push(format!(
            "{name}: missed `{}` at {}:{}",
            missed.2, missed.0, missed.1
        ));
    }
    for noisy in found.difference(expected) {
        failures.push(format!(
            "{name}: unexpected `{}` at {}:{}",
            noisy.2, noisy.0, noisy.1
        ));
    }
}

#[test]
fn every_pack_finds_exactly_the_marked_checks() {
    let mut failures = Vec::new();
    for (name, text) in BUILTIN {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/packs")
            .join(name);
        if !dir.is_dir() {
            failures.push(format!("{name}: no fixture at {}", dir.display()));
            continue;
        }
        let (expected, languages) = marked_checks(&dir);
        let (_, specs) = packs::parse(text).unwrap();
        for spec in &specs {
            let covered = match spec.language {
                None | Some(Language::TypeScript) | Some(Language::JavaScript) => {
                    languages.contains(&Language::TypeScript)
                }
                Some(language) => languages.contains(&language),
            };
            if !covered {
                failures.push(format!(
                    "{name}: no fixture file for the language of `{}`",
                    spec.call.join(".")
                ));
            }
        }
        compare(name, &expected, &found_checks(&dir), &mut failures);
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_check_shape_finds_exactly_the_marked_checks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shapes");
    let (expected, _) = marked_checks(&dir);
    let mut failures = Vec::new();
    compare("shapes", &expected, &found_checks(&dir), &mut failures);
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
