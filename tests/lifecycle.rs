//! The life of one flag in a Django project with three apps, one commit-like state per folder of
//! `fixtures/lifecycle`: created; used; usages removed; constant removed but still imported by the
//! migration that created the flag; constant inlined and a deletion migration added.
//!
//! Each state is checked twice: in place (no git history for the fixture's own paths), and replayed
//! as successive commits of a fresh git repository, where the value of a deleted constant comes
//! from history.

mod common;

use common::{check_on, git};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

type Finding = (String, String, u64);

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lifecycle")
}

/// In place, ages are measured to a day before any fixture was written: none is stale.
fn check(dir: &Path, format: &str) -> String {
    check_on(dir, format, "2026-01-01")
}

/// The findings about the code (the states share one configuration, whose check of the frontend
/// helper finds nothing where no frontend code checks a flag).
fn findings(dir: &Path, today: &str) -> BTreeSet<Finding> {
    let report: serde_json::Value = serde_json::from_str(&check_on(dir, "json", today)).unwrap();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] != "config-matches-nothing")
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str, u64)]) -> BTreeSet<Finding> {
    items
        .iter()
        .map(|(r, p, l)| (r.to_string(), p.to_string(), *l))
        .collect()
}

const FLAGS: &str = "backend/feature_flags/flags.py";
const CREATING: &str = "backend/billing/migrations/0002_add_new_invoices.py";

/// The states in order, with what flaglint must report in each (in place).
fn states() -> Vec<(&'static str, BTreeSet<Finding>)> {
    vec![
        // Defined and created, not yet checked anywhere: reported once, at the backend constant.
        ("1-created", set(&[("unused-flag", FLAGS, 2)])),
        // Checked on both sides with the good fork shape.
        ("2-used", set(&[])),
        // Step 1 done: only the definitions and the row are left.
        ("3-usages-removed", set(&[("unused-flag", FLAGS, 2)])),
        // Step 2 half done: the constant is gone, the creating migration still imports it.
        (
            "4-constant-removed",
            set(&[("migration-constant-missing", CREATING, 3)]),
        ),
        // Inlined, and deleted by a reversible migration of the app that created it.
        ("5-removed", set(&[])),
    ]
}

#[test]
fn each_state_reports_exactly_its_findings() {
    let mut failures = Vec::new();
    for (state, expected) in states() {
        let found = findings(&fixtures().join(state), "2026-01-01");
        if found != expected {
            failures.push(format!(
                "{state}:\n  expected {expected:?}\n  found    {found:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn clear_worktree(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
    }
}

#[test]
fn replayed_as_commits_the_deleted_constant_value_comes_from_git() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"], "2026-01-05T10:00:00Z");
    let dates = [
        "2026-01-05T10:00:00Z",
        "2026-02-02T10:00:00Z",
        "2026-04-06T10:00:00Z",
        "2026-04-20T10:00:00Z",
        "2026-04-21T10:00:00Z",
    ];
    let mut failures = Vec::new();
    for ((state, mut expected), date) in states().into_iter().zip(dates) {
        clear_worktree(dir);
        copy_tree(&fixtures().join(state), dir);
        git(dir, &["add", "-A"], date);
        git(dir, &["commit", "-q", "-m", state], date);
        if state == "4-constant-removed" {
            // With history, the key is known again: the row it created lingers.
            expected.insert(("orphaned-flag".to_string(), CREATING.to_string(), 8));
            insta::assert_snapshot!(
                "lifecycle_constant_removed_in_git",
                check_on(dir, "human", &date[..10])
            );
        }
        // Each state is checked on the day it was committed.
        let found = findings(dir, &date[..10]);
        if found != expected {
            failures.push(format!(
                "{state}:\n  expected {expected:?}\n  found    {found:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_last_state_prints_the_whole_history() {
    let output = Command::new(env!("CARGO_BIN_EXE_flaglint"))
        .env("FLAGLINT_TODAY", "2026-01-01")
        .args(["flags", "."])
        .current_dir(fixtures().join("5-removed"))
        .output()
        .expect("flaglint runs");
    insta::assert_snapshot!(
        "lifecycle_removed_flags",
        String::from_utf8(output.stdout).unwrap()
    );
}

#[test]
fn migrations_in_real_world_styles_make_this_history() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/django-styles");
    let output = Command::new(env!("CARGO_BIN_EXE_flaglint"))
        .env("FLAGLINT_TODAY", "2026-01-01")
        .args(["flags", "."])
        .current_dir(&dir)
        .output()
        .expect("flaglint runs");
    insta::assert_snapshot!(
        "django_styles_flags",
        String::from_utf8(output.stdout).unwrap()
    );
    insta::assert_snapshot!("django_styles_check", check(&dir, "human"));
}
