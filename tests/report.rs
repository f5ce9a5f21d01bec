//! `flaglint report` on a repository built here, commit by commit with set dates, plus two
//! environment state exports: every readiness value, the warnings, and the removal plans.

mod common;

use common::git;
use std::path::Path;
use std::process::Command;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn commit(root: &Path, message: &str, date: &str) {
    git(root, &["add", "-A"], date);
    git(root, &["commit", "-q", "-m", message], date);
}

const CONFIG: &str = r#"packs = ["django-waffle"]

[django]
migrations = true

[[definitions]]
side = "backend"
path = "backend/feature_flags/flags.py"

[[checks]]
call = "get_flag_for_user"
key = 1
language = "python"

[lifetimes]
release = 90
experiment = 60
ops = "permanent"

[report]
soak-days = 14
pilot-days = 30
"#;

/// Flags of the first commit (2026-01-05).
const FLAGS_JAN: &str = r#"# Backend feature flags.
READY = "ready"  # flaglint: type=release owner=@billing
DRIFT = "drift"
PILOT_ONE = "pilot_one"  # flaglint: owner=@growth
NO_SHIP = "no_ship"  # flaglint: type=experiment
OLD_UNKNOWN = "old_unknown"
# flaglint: type=ops owner=@sre
KILL_SWITCH = "kill_switch"
DONE = "done"
"#;

const VIEWS: &str = r#"from feature_flags.flags import DRIFT, KILL_SWITCH, NO_SHIP, OLD_UNKNOWN, PILOT_ONE, READY
from feature_flags.services import get_flag_for_user


def invoice(user, order):
    if get_flag_for_user(user, READY):
        return order.invoice()
    else:
        return order.legacy_invoice()


def others(user):
    return [
        get_flag_for_user(user, DRIFT),
        get_flag_for_user(user, PILOT_ONE),
        get_flag_for_user(user, NO_SHIP),
        get_flag_for_user(user, OLD_UNKNOWN),
        get_flag_for_user(user, KILL_SWITCH),
    ]
"#;

const MIGRATION: &str = r#"from django.db import migrations

from feature_flags.flags import DONE


def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.get_or_create(name=DONE, defaults={"everyone": False})


def delete(apps, schema_editor):
    apps.get_model("waffle", "Flag").objects.filter(name=DONE).delete()


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create, delete)]
"#;

const TESTS: &str = r#"from waffle.testutils import override_flag


@override_flag("ready", active=True)
def test_new_invoice():
    pass


@override_flag("ready", active=False)
def test_legacy_invoice():
    pass


@override_flag("drift", active=True)
def test_drift():
    pass
"#;

const PROD: &str = r#"[
  {"model": "waffle.flag", "pk": 1, "fields": {"name": "ready", "everyone": true, "modified": "2026-03-01T09:00:00Z"}},
  {"model": "waffle.flag", "pk": 2, "fields": {"name": "drift", "everyone": true, "modified": "2026-04-10T09:00:00Z"}},
  {"model": "waffle.flag", "pk": 3, "fields": {"name": "pilot_one", "everyone": null, "groups": [7], "modified": "2026-02-01T09:00:00Z"}},
  {"model": "waffle.flag", "pk": 4, "fields": {"name": "no_ship", "everyone": false, "modified": "2026-01-20T09:00:00Z"}},
  {"model": "waffle.flag", "pk": 5, "fields": {"name": "rolling", "everyone": null, "percent": "50.0", "modified": "2026-04-01T09:00:00Z"}},
  {"model": "waffle.flag", "pk": 6, "fields": {"name": "soaking", "everyone": true, "modified": "2026-04-25T09:00:00Z"}},
  {"model": "waffle.flag", "pk": 7, "fields": {"name": "in_dev", "everyone": null, "modified": "2026-04-02T09:00:00Z"}},
  {"model": "waffle.flag", "pk": 8, "fields": {"name": "kill_switch", "everyone": false}},
  {"model": "waffle.flag", "pk": 9, "fields": {"name": "ghost", "everyone": true}},
  {"model": "auth.group", "pk": 7, "fields": {"name": "pilot customers"}}
]
"#;

const STAGING: &str = r#"{
  "ready": true,
  "drift": false,
  "pilot_one": false,
  "rolling": true,
  "soaking": true,
  "in_dev": false
}
"#;

/// A git repository `repo/` in a temporary directory, with the configuration and the packages.
fn new_repository(date: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(&root).unwrap();
    git(&root, &["init", "-q", "-b", "main"], date);
    write(&root, "flaglint.toml", CONFIG);
    write(&root, "backend/feature_flags/__init__.py", "");
    write(&root, "backend/billing/__init__.py", "");
    (dir, root)
}

/// Builds the repository; returns the temporary directory holding `repo/` and the state files.
fn repository() -> tempfile::TempDir {
    let (dir, root) = new_repository("2026-01-05T10:00:00Z");
    write(&root, "backend/feature_flags/flags.py", FLAGS_JAN);
    write(&root, "backend/billing/views.py", VIEWS);
    write(&root, "backend/billing/migrations/__init__.py", "");
    write(
        &root,
        "backend/billing/migrations/0001_initial.py",
        MIGRATION,
    );
    write(&root, "backend/billing/tests/test_views.py", TESTS);
    commit(&root, "first flags", "2026-01-05T10:00:00Z");

    let add = |flags: &str, checks: &[&str]| {
        let mut text =
            std::fs::read_to_string(root.join("backend/feature_flags/flags.py")).unwrap();
        text.push_str(flags);
        write(&root, "backend/feature_flags/flags.py", &text);
        let mut views = std::fs::read_to_string(root.join("backend/billing/views.py")).unwrap();
        for name in checks {
            views.push_str(&format!(
                "\n\ndef uses_{0}(user):\n    from feature_flags.flags import {1}\n    return get_flag_for_user(user, {1})\n",
                name.to_lowercase(),
                name
            ));
        }
        write(&root, "backend/billing/views.py", &views);
    };
    add(
        "ROLLING = \"rolling\"  # flaglint: type=release remove-by=2026-04-01\nSOAKING = \"soaking\"\n",
        &["ROLLING", "SOAKING"],
    );
    commit(&root, "rollout flags", "2026-03-01T10:00:00Z");
    add("IN_DEV = \"in_dev\"\n", &["IN_DEV"]);
    commit(&root, "in development", "2026-04-01T10:00:00Z");
    add("NEW_UNKNOWN = \"new_unknown\"\n", &["NEW_UNKNOWN"]);
    commit(&root, "newest", "2026-04-20T10:00:00Z");

    write(dir.path(), "prod.json", PROD);
    write(dir.path(), "staging.json", STAGING);
    dir
}

fn report(dir: &Path, format: &str) -> String {
    report_with(
        dir,
        format,
        &[
            "--state",
            "staging=staging.json",
            "--state",
            "prod=prod.json",
        ],
    )
}

/// `flaglint report repo` in `dir` measured to 2026-05-01, with `extra` arguments.
fn report_with(dir: &Path, format: &str, extra: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_flaglint"))
        .args([
            "report",
            "repo",
            "--today",
            "2026-05-01",
            "--format",
            format,
        ])
        .args(extra)
        .current_dir(dir)
        .output()
        .expect("flaglint runs");
    common::success_stdout(output)
}

#[test]
fn every_readiness_value_with_its_evidence_and_plan() {
    let dir = repository();
    let json = report(dir.path(), "json");
    let document: serde_json::Value = serde_json::from_str(&json).unwrap();
    let readiness: Vec<(String, String)> = document["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["key"].as_str().unwrap().to_string(),
                f["readiness"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("done", "delete-definition"),
        ("drift", "rolling-out"),
        ("in_dev", "in-development"),
        ("kill_switch", "permanent"),
        ("new_unknown", "unknown"),
        ("no_ship", "no-ship"),
        ("old_unknown", "stale"),
        ("pilot_one", "pilot"),
        ("ready", "remove-usages"),
        ("rolling", "rolling-out"),
        ("soaking", "soaking"),
    ]
    .iter()
    .map(|(k, r)| (k.to_string(), r.to_string()))
    .collect();
    assert_eq!(readiness, expected);
    assert_eq!(document["orphaned_states"][0]["key"], "ghost");
    // The whole document, exactly.
    insta::assert_snapshot!("report_json", json);
    insta::assert_snapshot!("report_markdown", report(dir.path(), "markdown"));
    insta::assert_snapshot!("report_human", report(dir.path(), "human"));
    insta::assert_snapshot!("report_csv", report(dir.path(), "csv"));
    insta::assert_snapshot!("report_html", report(dir.path(), "html"));
}

#[test]
fn stale_flag_is_reported_by_check() {
    let dir = repository();
    let output = Command::new(env!("CARGO_BIN_EXE_flaglint"))
        .args(["check", "repo", "--today", "2026-05-01", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .expect("flaglint runs");
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut stale: Vec<(String, String)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "stale-flag")
        .map(|d| {
            (
                d["flag"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    stale.sort();
    assert_eq!(
        stale,
        [
            (
                "drift".to_string(),
                "flag `drift` is stale: 116 days old, past its 90-day lifetime (introduced 2026-01-05)".to_string()
            ),
            (
                "no_ship".to_string(),
                "flag `no_ship` is stale: 116 days old, past its 60-day lifetime (experiment) (introduced 2026-01-05)".to_string()
            ),
            (
                "old_unknown".to_string(),
                "flag `old_unknown` is stale: 116 days old, past its 90-day lifetime (introduced 2026-01-05)".to_string()
            ),
            (
                "pilot_one".to_string(),
                "flag `pilot_one` is stale: 116 days old, past its 90-day lifetime (introduced 2026-01-05)".to_string()
            ),
            (
                "ready".to_string(),
                "flag `ready` is stale: 116 days old, past its 90-day lifetime (release) (introduced 2026-01-05)".to_string()
            ),
            (
                "rolling".to_string(),
                "flag `rolling` is stale: past its remove-by date 2026-04-01 (introduced 2026-03-01)".to_string()
            ),
        ]
    );
}

#[test]
fn state_file_errors_are_clear() {
    let dir = repository();
    write(dir.path(), "bad.json", "{\n  \"ready\": [1,]\n}\n");
    let output = Command::new(env!("CARGO_BIN_EXE_flaglint"))
        .args(["report", "repo", "--state", "prod=bad.json"])
        .current_dir(dir.path())
        .output()
        .expect("flaglint runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.json") && stderr.contains("line 2"),
        "{stderr}"
    );
}

/// The first Chromium on PATH.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn the_html_report_renders_in_headless_chromium_without_errors() {
    let Some(browser) = chromium() else {
        // `.ci/run` installs Debian's chromium and sets FLAGLINT_REQUIRE_CHROMIUM, so CI never
        // skips this; a developer machine without a browser does.
        assert!(
            std::env::var_os("FLAGLINT_REQUIRE_CHROMIUM").is_none(),
            "FLAGLINT_REQUIRE_CHROMIUM is set but no chromium is installed"
        );
        eprintln!("skipped: no chromium on PATH");
        return;
    };
    let dir = repository();
    let page = dir.path().join("report.html");
    std::fs::write(&page, report(dir.path(), "html")).unwrap();
    let url = format!("file://{}", page.display());
    let common = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--enable-logging=stderr",
        "--log-level=0",
    ];
    let output = Command::new(browser)
        .args(common)
        .args(["--dump-dom", &url])
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout);
    let log = String::from_utf8_lossy(&output.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console output: {console:#?}");
    // The sorting script ran: it wraps each sortable header in a button.
    assert!(dom.contains("<button type=\"button\">"), "{dom}");
    assert!(dom.contains("new_unknown") && dom.contains("<svg"));
    // A flag's details open in a row of their own that spans the table (`#KEY` opens one).
    let opened = Command::new(browser)
        .args(common)
        .args(["--dump-dom", &format!("{url}#new_unknown")])
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&opened.stdout);
    assert!(dom.contains("<tr class=\"detail\"><td colspan=\""), "{dom}");
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report.png");
    let shot = Command::new(browser)
        .args(common)
        .args(["--window-size=1400,2000"])
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(shot.status.success());
    assert!(std::fs::metadata(&screenshot).is_ok_and(|m| m.len() > 10_000));
}

/// Flags created in the admin, never in code: no definition and no creating migration. Each is
/// dated by its oldest production check line, and says so.
#[test]
fn database_only_flags_are_dated_by_their_first_check() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(&root).unwrap();
    git(&root, &["init", "-q", "-b", "main"], "2026-01-05T10:00:00Z");
    write(&root, "flaglint.toml", "packs = [\"django-waffle\"]\n");
    write(&root, "app/__init__.py", "");
    write(
        &root,
        "app/constants.py",
        "GREETING = \"Hello!\"\nNEW_NAV = \"new_nav\"\n",
    );
    write(
        &root,
        "app/views.py",
        "from waffle import flag_is_active\n\nfrom app.constants import NEW_NAV\n\n\ndef nav(request):\n    return flag_is_active(request, NEW_NAV)\n",
    );
    write(&root, "app/tests/test_views.py", "from waffle.testutils import override_flag\n\n\n@override_flag(\"beta_export\", active=True)\ndef test_export():\n    pass\n");
    commit(&root, "new nav", "2026-01-05T10:00:00Z");
    write(
        &root,
        "app/export.py",
        "from waffle import flag_is_active\n\n\ndef export(request):\n    return flag_is_active(request, \"beta_export\")\n",
    );
    let mut views = std::fs::read_to_string(root.join("app/views.py")).unwrap();
    views.push_str("\n\ndef nav_again(request):\n    return flag_is_active(request, NEW_NAV)\n");
    write(&root, "app/views.py", &views);
    commit(&root, "export", "2026-03-01T10:00:00Z");

    let document: serde_json::Value =
        serde_json::from_str(&report_with(dir.path(), "json", &[])).unwrap();
    let flags: Vec<(String, String, String, i64, String)> = document["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["key"].as_str().unwrap().to_string(),
                f["introduced"].as_str().unwrap().to_string(),
                f["introduced_from"].as_str().unwrap().to_string(),
                f["age_days"].as_i64().unwrap(),
                f["readiness"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        (
            "beta_export",
            "2026-03-01",
            "first check, git blame app/export.py:5",
            61,
            "unknown",
        ),
        (
            "new_nav",
            "2026-01-05",
            "first check, git blame app/views.py:7",
            116,
            "stale",
        ),
    ]
    .map(|(k, d, f, a, r)| {
        (
            k.to_string(),
            d.to_string(),
            f.to_string(),
            a,
            r.to_string(),
        )
    });
    assert_eq!(flags, expected);
    assert_eq!(
        document["flags"][0]["evidence"][0],
        "first checked 61 days ago (no definition or creating migration in the code)"
    );
}

/// A repository of 300 flags added over a year and a half, for the report at scale.
fn large_repository() -> tempfile::TempDir {
    let (dir, root) = new_repository("2025-01-05T10:00:00Z");
    let dates = [
        "2025-01-05",
        "2025-06-01",
        "2025-11-01",
        "2026-01-10",
        "2026-02-20",
        "2026-03-25",
        "2026-04-10",
        "2026-04-25",
    ];
    let (mut flags, mut views) = (String::new(), String::new());
    for (batch, date) in dates.iter().enumerate() {
        for i in 0..=300 / dates.len() {
            let n = batch * 100 + i;
            if flags.lines().count() >= 300 {
                continue;
            }
            flags.push_str(&format!("FLAG_{n:04} = \"flag_{n:04}\"\n"));
            if n % 7 != 0 {
                views.push_str(&format!(
                    "\n\ndef uses_{n:04}(user):\n    from feature_flags.flags import FLAG_{n:04}\n    return get_flag_for_user(user, FLAG_{n:04})\n"
                ));
            }
        }
        write(&root, "backend/feature_flags/flags.py", &flags);
        write(&root, "backend/billing/views.py", &views);
        commit(&root, "more flags", &format!("{date}T10:00:00Z"));
    }
    dir
}

#[test]
fn the_html_report_stays_readable_at_300_flags() {
    let dir = large_repository();
    let html = report_with(dir.path(), "html", &[]);
    // Ages in buckets, not a bar per flag; a filter box over the table.
    assert!(
        html.contains("Flags by age, coloured by readiness"),
        "no buckets"
    );
    assert!(html.contains("over a year"));
    assert!(html.contains("id=\"filter\""));
    assert_eq!(html.matches("<tr><td class=\"key\"").count(), 300);
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("FLAGLINT_REQUIRE_CHROMIUM").is_none(),
            "FLAGLINT_REQUIRE_CHROMIUM is set but no chromium is installed"
        );
        return;
    };
    let page = dir.path().join("report-300.html");
    std::fs::write(&page, &html).unwrap();
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-300.png");
    let shot = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1400,1400",
        ])
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(shot.status.success());
    assert!(std::fs::metadata(&screenshot).is_ok_and(|m| m.len() > 10_000));
    println!(
        "screenshot of the 300-flag report: {}",
        screenshot.display()
    );
}
