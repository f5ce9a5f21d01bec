//! Meta-tests over the rule table: every rule has docs, a README row and a fixture, and each
//! fixture is flagged exactly where its `flaglint-expect: <rule-id>` markers say: on the marked
//! lines and nowhere else (unmarked cases in a fixture are near misses that must stay quiet).

mod common;

use common::check_on;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use flaglint::rules::RuleId;

const MARKER: &str = "flaglint-expect:";

/// Rules no fixture can trigger, with the test that covers them instead.
const WITHOUT_FIXTURE: &[(RuleId, &str)] = &[(
    RuleId::InternalError,
    "a panic inside flaglint: covered by lib.rs `a_panicking_extractor_costs_one_file_not_the_run`",
)];

fn fixture_dir(rule: RuleId) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/rules")
        .join(rule.name())
}

/// Ages are measured to a fixed day, so that no fixture grows stale with time.
fn check(dir: &Path, format: &str) -> String {
    check_on(dir, format, "2026-06-01")
}

/// `(path, line)` of every `flaglint-expect: <rule>` marker under `dir`.
fn expected_lines(dir: &Path, rule: RuleId) -> BTreeSet<(String, u64)> {
    let mut expected = BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for (i, line) in text.lines().enumerate() {
            let Some(at) = line.find(MARKER) else {
                continue;
            };
            let names = line[at + MARKER.len()..]
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            if names.into_iter().any(|n| n == rule.name()) {
                expected.insert((rel.clone(), i as u64 + 1));
            }
        }
    }
    expected
}

/// Rules whose findings may be about no known flag, and what they are about instead.
const WITHOUT_FLAG: &[(RuleId, &str)] = &[
    (RuleId::ParseError, "a file"),
    (RuleId::InternalError, "a file"),
    (
        RuleId::ConfigMatchesNothing,
        "an entry of the configuration",
    ),
    (RuleId::MigrationConflict, "an app's migration graph"),
    (RuleId::UnusedSuppression, "a comment"),
    (RuleId::DynamicFlagKey, "a key that is not known"),
    (
        RuleId::UndefinedFlag,
        "a key, or a constant that does not exist and so has no key",
    ),
    (
        RuleId::MigrationConstantMissing,
        "a removed constant, whose key is unknown when neither the tree nor git history has it",
    ),
];

/// The failures of one rule's fixture: findings missed or unexpected, findings of a
/// flag-specific rule that name no flag; and its human output against the snapshot.
fn check_fixture(rule: RuleId) -> Vec<String> {
    let mut failures = Vec::new();
    let dir = fixture_dir(rule);
    if WITHOUT_FIXTURE.iter().any(|(r, _)| *r == rule) {
        assert!(!dir.is_dir(), "{} has a fixture after all", rule.name());
        return failures;
    }
    if !dir.is_dir() {
        failures.push(format!("{}: no fixture at {}", rule.name(), dir.display()));
        return failures;
    }
    let expected = expected_lines(&dir, rule);
    if expected.is_empty() {
        failures.push(format!(
            "{}: the fixture marks no expected finding",
            rule.name()
        ));
    }
    let report: serde_json::Value = serde_json::from_str(&check(&dir, "json")).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let found: BTreeSet<(String, u64)> = diagnostics
        .iter()
        .filter(|d| d["rule"] == rule.name())
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    for missed in expected.difference(&found) {
        failures.push(format!(
            "{}: missed at {}:{}",
            rule.name(),
            missed.0,
            missed.1
        ));
    }
    for noisy in found.difference(&expected) {
        failures.push(format!(
            "{}: unexpected at {}:{}",
            rule.name(),
            noisy.0,
            noisy.1
        ));
    }
    // Every finding in the fixture, of any rule, names its flag unless its rule is about
    // something else.
    for d in diagnostics {
        let name = d["rule"].as_str().unwrap();
        let about_a_flag = !WITHOUT_FLAG.iter().any(|(r, _)| r.name() == name);
        if about_a_flag && d["flag"].is_null() {
            failures.push(format!("{name} at {}:{} has no flag", d["path"], d["line"]));
        }
    }
    insta::assert_snapshot!(format!("rule_{}", rule.name()), check(&dir, "human"));
    failures
}

/// One test per rule, named after its module (`cargo test --test rules negated_fork`): the
/// rule's fixture is flagged exactly where its markers say, and its findings name their flag.
macro_rules! fixture_tests {
    ($(($variant:ident, $name:literal, $module:ident, $severity:ident, $default:ident),)*) => {
        $(
            #[test]
            fn $module() {
                let failures = check_fixture(RuleId::$variant);
                assert!(failures.is_empty(), "\n{}", failures.join("\n"));
            }
        )*
    };
}

flaglint::for_each_rule!(fixture_tests);

#[test]
fn readme_rule_table_matches_the_rule_table() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let table = flaglint::rules::markdown_table();
    assert!(
        readme.contains(&table),
        "README.md's rule table is out of date; replace it with:\n\n{table}"
    );
}

/// A waffle project whose migrations create the flags in `created` of the checked `flags`.
fn waffle_project(flags: &[&str], created: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: String| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "flaglint.toml",
        "packs = [\"django-waffle\"]\n\n[django]\nmigrations = true\n\n[[definitions]]\nside = \"backend\"\npath = \"flags.py\"\n".to_string(),
    );
    write(
        "flags.py",
        flags
            .iter()
            .map(|f| format!("{} = \"{f}\"\n", f.to_uppercase()))
            .collect(),
    );
    write(
        "shop/views.py",
        format!(
            "from waffle import flag_is_active\n\nimport flags\n\n\ndef view(request):\n    return [{}]\n",
            flags
                .iter()
                .map(|f| format!("flag_is_active(request, flags.{})", f.to_uppercase()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    write("shop/migrations/__init__.py", String::new());
    write(
        "shop/migrations/0001_initial.py",
        format!(
            "from django.db import migrations\n\n\ndef create(apps, schema_editor):\n    Flag = apps.get_model(\"waffle\", \"Flag\")\n    for name in {created:?}:\n        Flag.objects.create(name=name)\n\n\nclass Migration(migrations.Migration):\n    dependencies = []\n    operations = [migrations.RunPython(create, migrations.RunPython.noop)]\n"
        ),
    );
    dir
}

#[test]
fn flag_not_created_reports_only_where_migrations_create_the_flags() {
    let not_created = |flags: &[&str], created: &[&str]| -> Vec<String> {
        let dir = waffle_project(flags, created);
        let report: serde_json::Value = serde_json::from_str(&check(dir.path(), "json")).unwrap();
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "flag-not-created")
            .map(|d| d["flag"].as_str().unwrap().to_string())
            .collect()
    };
    let flags = ["a", "b", "c", "d", "e"];
    // Rows are made in the admin: a missing row is waffle's default, off.
    assert!(not_created(&flags, &[]).is_empty());
    assert!(not_created(&flags, &["a", "b", "c"]).is_empty());
    // Migrations create the flags: the one left out is an oversight.
    assert_eq!(not_created(&flags, &["a", "b", "c", "d"]), ["e"]);
}

#[test]
fn flags_say_which_app_graphs_are_not_checked() {
    let output = common::flaglint(&["flags"], &fixture_dir(RuleId::MigrationConflict));
    let text = String::from_utf8(output.stdout).unwrap();
    let apps: Vec<&str> = text.lines().filter(|l| l.starts_with("app ")).collect();
    assert!(apps.contains(
        &"app legacy (backend/legacy): 3 migrations read, leaves 0002_a, 0003_b; graph not checked: dependencies that are not literal pairs"
    ));
    assert!(apps.contains(
        &"app site_messages (backend/messages): 4 migrations read, leaves 0003_add_read_at, 0003_remove_to_group"
    ));
}
