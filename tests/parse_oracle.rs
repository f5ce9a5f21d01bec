//! `parse-error` findings against the languages' own parsers: on the corpus in
//! `fixtures/parse-corpus`, flaglint reports a parse error on a file if and only if the language's
//! parser rejects it. The parsers: TypeScript's for TypeScript and JavaScript and CPython 3.14's
//! `ast.parse` (Pyodide's build) for Python, both run by `tests/oracles/parse.mjs` under node
//! (`npm ci --prefix tests/oracles` installs them); rustc's for Rust (any edition).
//!
//! Where a parser is missing the test is skipped with a message, unless
//! `FLAGLINT_REQUIRE_PARSERS` is set (as CI does): then it fails.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use flaglint::lang::{detect, Grammar};

const REQUIRE: &str = "FLAGLINT_REQUIRE_PARSERS";

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/parse-corpus")
}

fn oracles() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracles")
}

/// Skips (with a message) or, when [`REQUIRE`] is set, fails.
fn unavailable(reason: &str) {
    assert!(
        std::env::var_os(REQUIRE).is_none(),
        "{REQUIRE} is set but {reason}"
    );
    eprintln!("skipped: {reason}");
}

/// The corpus files read with `grammar`, relative to the corpus, sorted.
fn corpus_files(grammars: &[Grammar]) -> Vec<String> {
    let root = corpus();
    let mut files: Vec<String> = walkdir::WalkDir::new(&root)
        .into_iter()
        .map(|entry| entry.expect("corpus is readable"))
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| detect(entry.path()).is_some_and(|(g, _)| grammars.contains(&g)))
        .map(|entry| {
            let rel = entry.path().strip_prefix(&root).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus files for {grammars:?}");
    files
}

/// flaglint's parse-error findings on the corpus: path -> message.
fn flaglint_parse_errors() -> BTreeMap<String, String> {
    let text = common::check_on(&corpus(), "json", "2026-06-01");
    let report: serde_json::Value = serde_json::from_str(&text).expect("JSON report");
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] == "parse-error")
        .map(|d| {
            let path = d["path"].as_str().unwrap().to_string();
            let message = format!("{}:{}: {}", d["line"], d["column"], d["message"]);
            (path, message)
        })
        .collect()
}

/// Checks the reference verdicts (`Some(error)` = rejected) against the corpus layout and
/// flaglint's findings, and panics with every mismatch.
fn compare(verdicts: &BTreeMap<String, Option<String>>) {
    let reported = flaglint_parse_errors();
    let mut mismatches = Vec::new();
    for (path, verdict) in verdicts {
        let expected_invalid = path.starts_with("invalid/");
        match (verdict, expected_invalid) {
            (Some(error), false) => {
                mismatches.push(format!("{path}: valid corpus file rejected: {error}"))
            }
            (None, true) => mismatches.push(format!("{path}: invalid corpus file accepted")),
            _ => {}
        }
        match (verdict, reported.get(path)) {
            (None, Some(finding)) => mismatches.push(format!(
                "{path}: the parser accepts it, flaglint reports {finding}"
            )),
            (Some(error), None) => mismatches.push(format!(
                "{path}: the parser rejects it ({error}), flaglint reports nothing"
            )),
            _ => {}
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn typescript_and_python_parse_errors_match_their_parsers() {
    let installed = ["typescript", "pyodide"]
        .iter()
        .all(|package| oracles().join("node_modules").join(package).is_dir());
    if !installed {
        unavailable("the reference parsers are not installed (npm ci --prefix tests/oracles)");
        return;
    }
    let files = corpus_files(&[Grammar::Python, Grammar::TypeScript, Grammar::Tsx]);
    let mut child = match Command::new("node")
        .arg(oracles().join("parse.mjs"))
        .current_dir(corpus())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(err) => {
            unavailable(&format!("node cannot be run: {err}"));
            return;
        }
    };
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(files.join("\n").as_bytes()).unwrap();
    drop(stdin);
    let output = child.wait_with_output().expect("node runs");
    assert!(output.status.success(), "parse.mjs failed");
    let verdicts: BTreeMap<String, Option<String>> = String::from_utf8(output.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let path = value["path"].as_str().unwrap().to_string();
            (path, value["error"].as_str().map(str::to_string))
        })
        .collect();
    assert_eq!(
        verdicts.keys().cloned().collect::<Vec<_>>(),
        files,
        "one verdict per file"
    );
    compare(&verdicts);
}

/// rustc's parser only (no expansion, no `mod` files), with unstable flags allowed on a stable
/// toolchain; `None` when it accepts `path` in some edition, else its first error line.
fn rustc_verdict(path: &Path) -> Option<String> {
    let mut first_error = String::new();
    for edition in ["2024", "2021", "2018", "2015"] {
        let output = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .args(["-Zparse-crate-root-only", "--edition", edition])
            .arg(path)
            .env("RUSTC_BOOTSTRAP", "1")
            .output()
            .expect("rustc runs");
        if output.status.success() {
            return None;
        }
        if first_error.is_empty() {
            first_error = String::from_utf8_lossy(&output.stderr)
                .lines()
                .next()
                .unwrap_or("error")
                .to_string();
        }
    }
    Some(first_error)
}

#[test]
fn rust_parse_errors_match_rustc() {
    // The parse-only mode is an unstable rustc flag: make sure this rustc still has it.
    let probe = Path::new(env!("CARGO_TARGET_TMPDIR")).join("parse-probe.rs");
    std::fs::write(&probe, "fn main() {}\n").unwrap();
    if rustc_verdict(&probe).is_some() {
        unavailable("rustc -Zparse-crate-root-only does not run");
        return;
    }
    let verdicts: BTreeMap<String, Option<String>> = corpus_files(&[Grammar::Rust])
        .into_iter()
        .map(|path| {
            let verdict = rustc_verdict(&corpus().join(&path));
            (path, verdict)
        })
        .collect();
    compare(&verdicts);
}
