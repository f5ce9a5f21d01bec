//! Helpers shared by the integration tests.

// Each test crate includes this module and uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `flaglint ARGS` in `dir`, without colors, with ages measured to a fixed day so that no
/// fixture grows stale with time.
pub fn flaglint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flaglint"))
        .env("FLAGLINT_TODAY", "2026-06-01")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("flaglint runs")
}

/// Runs git in `dir` with a fixed identity and author/committer `date`, isolated from the
/// machine's configuration, so that commits (and their hashes) are the same everywhere.
pub fn git(dir: &Path, args: &[&str], date: &str) {
    let status = Command::new("git")
        .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Flag Owner")
        .env("GIT_AUTHOR_EMAIL", "owner@example.com")
        .env("GIT_COMMITTER_NAME", "Flag Owner")
        .env("GIT_COMMITTER_EMAIL", "owner@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// `flaglint check . --format FORMAT --exit-zero` in `dir`, with ages measured to `today`; its
/// stdout (the run must succeed).
pub fn check_on(dir: &Path, format: &str, today: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_flaglint"))
        .args(["check", ".", "--format", format, "--exit-zero"])
        .args(["--today", today])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("flaglint runs");
    success_stdout(output)
}

/// The stdout of a run that must have exited with 0 (its stderr otherwise).
pub fn success_stdout(output: Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// A fresh copy of the demo repository, in a directory removed when the guard drops.
pub fn demo_copy() -> (tempfile::TempDir, PathBuf) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let dir = tempfile::tempdir().expect("a temporary directory");
    for entry in walkdir::WalkDir::new(&source) {
        let entry = entry.expect("the demo is readable");
        let rel = entry.path().strip_prefix(&source).expect("inside the demo");
        let target = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("a directory");
        } else {
            std::fs::copy(entry.path(), &target).expect("a copy");
        }
    }
    let root = dir.path().to_path_buf();
    (dir, root)
}
