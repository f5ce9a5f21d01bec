//! Inputs shaped to expose costs that grow faster than the input: one long line dense with checks,
//! deep nesting, nesting around a syntax error, thousands of undefined keys and of suppressions, an
//! absurd thread count. Each run must finish well within a generous bound (minutes of slack over
//! what a linear cost takes, even in a debug build) and report what it should.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Far above the linear cost of every input here, far below the superlinear one.
const BOUND: Duration = Duration::from_secs(120);

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// `flaglint check . ARGS` in `dir`: stdout, within [`BOUND`].
fn check(dir: &Path, args: &[&str]) -> String {
    let start = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_flaglint"))
        .args(["check", ".", "--exit-zero"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("flaglint runs");
    let took = start.elapsed();
    assert!(took < BOUND, "{args:?} took {took:?}");
    common::success_stdout(output)
}

const CONFIG: &str = "max-file-size = \"16MB\"\n\n[[checks]]\ncall = \"f\"\nkey = 0\n";

#[test]
fn a_long_line_dense_with_checks_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "flaglint.toml", CONFIG);
    // 300,000 bytes on one line: 50,000 checks, each a dynamic-key finding.
    write(dir.path(), "bundle.js", &"f(g()); ".repeat(37_500));
    let json = check(dir.path(), &["--format", "json"]);
    assert_eq!(json.matches("\"dynamic-flag-key\"").count(), 37_500);
    assert!(json.contains("\"column\": 299995"));
    let human = check(dir.path(), &[]);
    assert_eq!(human.matches("dynamic-flag-key").count(), 37_500);
    // Each finding shows a window of the line, not the line.
    assert!(human.len() < 37_500 * 2_000, "{} bytes", human.len());
    let sarif = check(dir.path(), &["--format", "sarif"]);
    assert_eq!(
        sarif.matches("\"ruleId\": \"dynamic-flag-key\"").count(),
        37_500
    );
}

#[test]
fn deep_nesting_and_nesting_around_a_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "flaglint.toml", CONFIG);
    let depth = 100_000;
    write(
        dir.path(),
        "deep.js",
        &format!("{}\"k\"{}", "f(".repeat(depth), ")".repeat(depth)),
    );
    let depth = 16_000;
    write(
        dir.path(),
        "broken.ts",
        &format!(
            "{}{} a {}",
            "f(".repeat(depth),
            ")".repeat(depth / 2),
            ")".repeat(depth / 2)
        ),
    );
    let json = check(dir.path(), &["--format", "json"]);
    assert!(json.contains("\"path\": \"broken.ts\""));
    assert!(json.contains("\"parse-error\""));
    assert!(json.contains("\"path\": \"deep.js\""));
}

#[test]
fn thousands_of_undefined_keys_and_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "flaglint.toml",
        &format!("{CONFIG}\n[[definitions]]\nside = \"backend\"\npath = \"flags.py\"\n"),
    );
    let keys = 20_000;
    let flags: String = (0..keys)
        .map(|i| format!("F{i} = \"flag_{i:05}\"\n"))
        .collect();
    write(dir.path(), "flags.py", &flags);
    // Every key misspelt, each with a suppression of another rule on its line.
    let checks: String = (0..keys)
        .map(|i| format!("f(\"flag_{i:05}x\")  # flaglint: ignore[dynamic-flag-key]\n"))
        .collect();
    write(dir.path(), "app.py", &checks);
    let json = check(dir.path(), &["--format", "json", "--threads", "1000"]);
    assert_eq!(json.matches("\"undefined-flag\"").count(), keys);
    assert_eq!(json.matches("\"unused-suppression\"").count(), keys);
    assert!(json.contains("did you mean `flag_00000`?"));
}
