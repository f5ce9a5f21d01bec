//! Integration tests: the `flaglint` binary on the fixtures, with snapshots of its output.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::flaglint;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn run(args: &[&str], fixture_name: &str) -> (String, i32) {
    let output = flaglint(args, &fixture(fixture_name));
    (stdout(&output), output.status.code().unwrap_or(-1))
}

#[test]
fn demo_check_human() {
    let (out, code) = run(&["check", "."], "demo");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn demo_check_json() {
    let (out, code) = run(&["check", ".", "--format", "json"], "demo");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn demo_flags_json() {
    let (out, code) = run(&["flags", ".", "--format", "json"], "demo");
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn demo_flags_human() {
    let (out, code) = run(&["flags", "."], "demo");
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn demo_scanned_from_outside_gives_the_same_paths() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let inside = run(&["check", ".", "--format", "json"], "demo").0;
    let outside = stdout(&flaglint(
        &["check", "fixtures/demo", "--format", "json"],
        root,
    ));
    assert_eq!(inside, outside);
}

#[test]
fn output_is_deterministic_across_thread_counts() {
    let one = run(
        &["check", ".", "--format", "json", "--threads", "1"],
        "demo",
    )
    .0;
    for _ in 0..3 {
        let many = run(
            &["check", ".", "--format", "json", "--threads", "8"],
            "demo",
        )
        .0;
        assert_eq!(one, many);
    }
}

#[test]
fn python_imports() {
    let (out, _) = run(&["check", ".", "--format", "json"], "python-imports");
    insta::assert_snapshot!("python_imports_check", out);
    let (out, _) = run(&["flags", ".", "--format", "json"], "python-imports");
    insta::assert_snapshot!("python_imports_flags", out);
}

#[test]
fn typescript_imports() {
    let (out, _) = run(&["check", ".", "--format", "json"], "typescript-imports");
    insta::assert_snapshot!("typescript_imports_check", out);
    let (out, _) = run(&["flags", ".", "--format", "json"], "typescript-imports");
    insta::assert_snapshot!("typescript_imports_flags", out);
}

#[test]
fn rust_paths() {
    let (out, _) = run(&["check", ".", "--format", "json"], "rust-paths");
    insta::assert_snapshot!("rust_paths_check", out);
    let (out, _) = run(&["flags", ".", "--format", "json"], "rust-paths");
    insta::assert_snapshot!("rust_paths_flags", out);
}

#[test]
fn rust_keys_resolve_through_modules_that_reexport_them() {
    // nextest's shape: `user_config/mod.rs` re-exports the enum its `experimental.rs` declares.
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    write(
        "flaglint.toml",
        "[[definitions]]\nside = \"backend\"\npath = \"src/cfg/exp.rs\"\nenum = \"Experimental\"\n\n[[checks]]\ncall = \"is_experimental_enabled\"\nkey = 0\nlanguage = \"rust\"\n",
    );
    write(
        "src/cfg/mod.rs",
        "mod exp;\nmod named;\npub use exp::*;\npub use named::Named;\n",
    );
    write(
        "src/cfg/exp.rs",
        "pub enum Experimental {\n    Record,\n    Replay,\n}\n\npub struct C;\n\nimpl C {\n    pub fn is_experimental_enabled(&self, _f: Experimental) -> bool {\n        true\n    }\n}\n",
    );
    write("src/cfg/named.rs", "pub struct Named;\n");
    write(
        "src/lib.rs",
        "mod cfg;\nuse crate::cfg::{Experimental, C};\n\npub fn f(c: &C) -> bool {\n    c.is_experimental_enabled(Experimental::Record)\n}\n\npub fn g(c: &C) -> bool {\n    c.is_experimental_enabled(crate::cfg::Experimental::Replay)\n}\n",
    );
    let sites = check_sites(dir.path());
    assert_eq!(sites["Record"], ["src/lib.rs:5"], "{sites:?}");
    assert_eq!(sites["Replay"], ["src/lib.rs:9"], "{sites:?}");
    let check = flaglint(&["check", "--output-format", "concise"], dir.path());
    assert!(
        stdout(&check).contains("0 errors, 0 warnings, 0 infos"),
        "{}",
        stdout(&check)
    );
}

#[test]
fn robustness_fixture() {
    let (out, code) = run(&["check", ".", "--format", "json"], "robustness");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn exit_zero_and_deny_warnings() {
    assert_eq!(run(&["check", ".", "--exit-zero"], "demo").1, 0);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flaglint.toml"),
        "[[definitions]]\nside = \"backend\"\npath = \"flags.py\"\n[[checks]]\ncall = \"on\"\nkey = 0\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("flags.py"), "A = \"a\"\nB = \"b\"\n").unwrap();
    std::fs::write(dir.path().join("app.py"), "from flags import A\non(A)\n").unwrap();
    let warn_only = |args: &[&str]| flaglint(args, dir.path()).status.code();
    assert_eq!(warn_only(&["check"]), Some(0));
    assert_eq!(warn_only(&["check", "--deny-warnings"]), Some(1));
    assert_eq!(
        warn_only(&["check", "--deny-warnings", "--exit-zero"]),
        Some(0)
    );
    std::fs::write(
        dir.path().join("app.py"),
        "from flags import A, B\non(A)\non(B)\n",
    )
    .unwrap();
    assert_eq!(warn_only(&["check", "--deny-warnings"]), Some(0));
}

#[test]
fn bad_config_points_at_the_line_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flaglint.toml"),
        "[[checks]]\ncall = \"on\"\nkey = 0\nlangauge = \"python\"\n",
    )
    .unwrap();
    let output = flaglint(&["check"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("line 4"), "{err}");
    assert!(err.contains("langauge"), "{err}");
    assert!(stdout(&output).is_empty());
}

#[test]
fn cannot_run_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        flaglint(&["check", "does/not/exist"], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        flaglint(&["check", "--format", "xml"], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        flaglint(&["rule", "no-such-rule"], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        flaglint(&["check", "--config", "missing.toml"], dir.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn rule_docs_are_printed() {
    let dir = tempfile::tempdir().unwrap();
    let output = flaglint(&["rule", "undefined-flag"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for section in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## How to fix",
    ] {
        assert!(text.contains(section), "{text}");
    }
    assert!(text.contains("default: error"), "{text}");
    let text = stdout(&flaglint(&["rule", "compound-fork"], dir.path()));
    assert!(text.contains("default: off (warning)"), "{text}");
    let list = stdout(&flaglint(&["rule"], dir.path()));
    assert!(list.contains("unused-flag") && list.contains("parse-error"));
    assert!(
        list.contains("nested-fork                 off (warning)"),
        "{list}"
    );
}

/// A repository of hostile files: the run finishes, reports what it can, and counts the rest.
#[test]
fn hostile_files_never_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("flaglint.toml"),
        "max-file-size = 1000000\n[django]\nmigrations = true\n[[definitions]]\nside = \"backend\"\npath = \"flags.py\"\n[[checks]]\ncall = \"on\"\nkey = 0\n",
    )
    .unwrap();
    std::fs::write(root.join("flags.py"), "A = \"a\"\n").unwrap();
    let deep = 100_000;
    // Django migrations read by the migration reader: deep nesting, a cycle, a huge fan-out.
    let migrations = root.join("app/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    let migration = |deps: &str, body: &str| {
        format!(
            "from django.db import migrations\n\ndef f(apps, se):\n    Flag = apps.get_model(\"waffle\", \"Flag\")\n    Flag.objects.create(name=\"a\")\n    {body}\n\nclass Migration(migrations.Migration):\n    dependencies = [{deps}]\n    operations = [migrations.RunPython(f)]\n"
        )
    };
    std::fs::write(
        migrations.join("0001_deep.py"),
        migration(
            "(\"app\", \"0002_cycle\")",
            &format!("x = {}{}", "(".repeat(deep), ")".repeat(deep)),
        ),
    )
    .unwrap();
    std::fs::write(
        migrations.join("0002_cycle.py"),
        migration(
            "(\"app\", \"0001_deep\")",
            &format!(
                "Flag.objects.filter(name__in=[{}]).delete()",
                "\"k\", ".repeat(deep / 2)
            ),
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("deep.py"),
        format!("on(\"x\")\n{}{}\n", "(".repeat(deep), ")".repeat(deep)),
    )
    .unwrap();
    std::fs::write(
        root.join("deep.ts"),
        format!("on('x');\n{}{};\n", "[".repeat(deep), "]".repeat(deep)),
    )
    .unwrap();
    std::fs::write(
        root.join("deep.rs"),
        format!(
            "fn f() {{ on(\"x\"); {}{} }}\n",
            "(".repeat(deep),
            ")".repeat(deep)
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("chain.py"),
        format!("on(\"x\")\nv = a{}\n", ".b".repeat(deep / 2)),
    )
    .unwrap();
    std::fs::write(
        root.join("huge.py"),
        format!("on(\"big\")\n{}", "#\n".repeat(600_000)),
    )
    .unwrap();
    // A frontend's lock file over the cap: JSON is read only as definitions, so not counted.
    std::fs::write(
        root.join("package-lock.json"),
        format!("{{\"a\": \"{}\"}}", "x".repeat(1_200_000)),
    )
    .unwrap();
    std::fs::write(root.join("nul.ts"), b"on('a');\0\0\0").unwrap();
    std::fs::write(
        root.join("garbage.rs"),
        "on(\"a\") }}}} fn ((( \"unterminated",
    )
    .unwrap();
    std::fs::write(root.join("latin.py"), b"on(\"caf\xe9\")\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(root, root.join("loop")).unwrap();

    let output = flaglint(&["check", "--format", "json"], root);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let summary = &report["summary"];
    assert_eq!(summary["skipped"]["too_large"], 1);
    assert_eq!(summary["skipped"]["binary"], 1);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let has = |path: &str, rule: &str| {
        diagnostics
            .iter()
            .any(|d| d["path"] == path && d["rule"] == rule)
    };
    // The check before the deep nesting is still found where the parser can go that far.
    assert!(has("deep.py", "undefined-flag"));
    assert!(has("deep.ts", "undefined-flag"));
    assert!(has("chain.py", "undefined-flag"));
    assert!(has("deep.rs", "parse-error"));
    assert!(has("garbage.rs", "parse-error"));
    // Decoded lossily: the key is still seen.
    assert!(diagnostics
        .iter()
        .any(|d| d["path"] == "latin.py" && d["flag"] == "caf\u{fffd}"));
    assert!(!diagnostics.iter().any(|d| d["rule"] == "internal-error"));
    // The dependency cycle leaves no leaf; the run still completes with the history read.
    let flags = flaglint(&["flags", "--format", "json"], root);
    assert_eq!(flags.status.code(), Some(0), "{}", stderr(&flags));
    assert!(stdout(&flags).contains("\"action\": \"create\""));
}

#[test]
fn pyproject_and_upward_config_discovery() {
    // Scanning a subdirectory still finds the configuration above it.
    let root = fixture("python-imports");
    let output = flaglint(&["flags", "app", "--format", "json"], &root);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_run_that_could_check_nothing_fails_with_guidance() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), "x = 1\n").unwrap();
    for command in ["check", "flags", "report"] {
        let output = flaglint(&[command], dir.path());
        assert_eq!(output.status.code(), Some(2), "{command}");
        let err = stderr(&output);
        assert!(err.contains("no flaglint.toml"), "{err}");
        assert!(err.contains("flaglint init"), "{err}");
    }
    // A file outside any project is an error that says so.
    let output = flaglint(&["check", "a.py"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("outside any project"));
}

#[test]
fn a_config_error_on_a_huge_line_is_shown_cut() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flaglint.toml"),
        format!("[[definitions]]\npath = \"{}\n", "x".repeat(300_000)),
    )
    .unwrap();
    let output = flaglint(&["check"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("line 2"), "{err}");
    assert!(err.len() < 4000, "{} bytes", err.len());
}

#[test]
fn non_ascii_text_beside_a_suppression_comment_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("flaglint.toml"),
        "[[checks]]\ncall = \"on\"\nkey = 0\n",
    )
    .unwrap();
    std::fs::write(
        root.join("a.tsx"),
        "const x = <p>Café</p>;\n// flaglint: ignore[undefined-flag]\non('a');\n",
    )
    .unwrap();
    std::fs::write(root.join("b.py"), "café = on('b')  # flaglint: ignore\n").unwrap();
    std::fs::write(
        root.join("c.rs"),
        "fn é() { on(\"c\"); } // flaglint: ignore\n",
    )
    .unwrap();
    for command in ["check", "flags", "report"] {
        let output = flaglint(&[command, "--format", "json"], root);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{command}: {}",
            stderr(&output)
        );
        assert!(!stdout(&output).contains("internal-error"), "{command}");
    }
}

/// A project with findings in two directories, and its configuration at the root.
fn two_directory_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("flaglint.toml"),
        "[[definitions]]\nside = \"backend\"\npath = \"backend/flags.py\"\n[[checks]]\ncall = \"on\"\nkey = 0\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("backend/users")).unwrap();
    std::fs::create_dir_all(root.join("frontend")).unwrap();
    std::fs::write(root.join("backend/flags.py"), "A = \"a\"\nB = \"b\"\n").unwrap();
    std::fs::write(
        root.join("backend/users/views.py"),
        "from backend import flags\non(flags.A)\non(\"typo\")\n",
    )
    .unwrap();
    std::fs::write(root.join("frontend/app.ts"), "on('other_typo');\n").unwrap();
    dir
}

#[test]
fn every_path_argument_narrows_the_report_of_the_whole_project() {
    let dir = two_directory_project();
    let root = dir.path();
    let all = finding_places(&flaglint(&["check", "--format", "json"], root));
    let under = |prefix: &str| -> Vec<(String, String)> {
        all.iter()
            .filter(|(path, _)| path.starts_with(prefix))
            .cloned()
            .collect()
    };
    assert!(
        under("backend/users/").len() == 1 && under("frontend/").len() == 1,
        "{all:?}"
    );
    let users = root.join("backend/users");
    for args in [
        &["check", "--format", "json"][..],
        &["check", ".", "--format", "json"],
    ] {
        assert_eq!(
            finding_places(&flaglint(args, &users)),
            under("backend/users/")
        );
    }
    let backend = flaglint(&["check", "backend", "--format", "json"], root);
    assert_eq!(finding_places(&backend), under("backend/"));
    let both = flaglint(&["check", "backend", "frontend", "--format", "json"], root);
    assert_eq!(finding_places(&both), all);
    // Human output shows paths from the current directory; machine formats from the root.
    let human = stdout(&flaglint(&["check"], &users));
    assert!(human.contains("views.py:3"), "{human}");
    assert!(!human.contains("backend/users/views.py"), "{human}");
    // A path in another project is an error.
    let other = two_directory_project();
    let output = flaglint(
        &[
            "check",
            "backend",
            other.path().join("frontend").to_str().unwrap(),
        ],
        root,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("outside the project"));
}

#[test]
fn init_proposes_the_demo_config() {
    let demo = fixture("demo");
    let output = flaglint(&["init", ".", "--stdout"], &demo);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let proposed: toml::Value = toml::from_str(&stdout(&output)).unwrap();
    let mut written: toml::Value =
        toml::from_str(&std::fs::read_to_string(demo.join("flaglint.toml")).unwrap()).unwrap();
    // The demo keeps a check function nothing calls, to show `config-matches-nothing`; `init`
    // leaves it out.
    let checks = written["checks"].as_array_mut().expect("checks");
    let before = checks.len();
    checks.retain(|c| c["call"].as_str() != Some("get_flag_for_org"));
    assert_eq!(checks.len(), before - 1);
    assert_eq!(proposed, written);
}

#[test]
fn init_summarises_its_proposal_and_checks_for_drift() {
    let dir = waffle_repository();
    let output = flaglint(&["init"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("sees 1 flags and 1 check sites in production code"),
        "{}",
        stderr(&output)
    );
    let check = flaglint(&["init", "--check"], dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(
        stderr(&check).contains("models 1 of the 1 entries"),
        "{}",
        stderr(&check)
    );
    std::fs::write(dir.path().join("flaglint.toml"), "packs = []\n").unwrap();
    let check = flaglint(&["init", "--check"], dir.path());
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert!(
        stdout(&check).starts_with("packs = [\"django-waffle\"]"),
        "{}",
        stdout(&check)
    );
}

/// A repository that uses django-waffle, with no flaglint configuration.
fn waffle_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("requirements.txt"), "django-waffle==4.1\n").unwrap();
    std::fs::write(
        dir.path().join("views.py"),
        "from waffle import flag_is_active\n\ndef view(request):\n    return flag_is_active(request, \"beta\")\n",
    )
    .unwrap();
    dir
}

#[test]
fn init_models_a_macro_registry_and_its_checks() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    // cargo's shape: `features!` tuples (lifecycle word, key), `unstable_cli_options!` fields,
    // `Feature::x()` naming keys, and the functions taking a `&Feature`.
    write(
        "src/core/features.rs",
        "features! {\n    /// Docs.\n    (stable, edition, \"1.31\", \"\"),\n    (unstable, trim_paths, \"\", \"\"),\n    (unstable, codegen_backend, \"\", \"\"),\n    (removed, publish_lockfile, \"1.37\", \"\"),\n}\n\nunstable_cli_options!(\n    gc: bool = (\"Track cache usage\"),\n    build_std: Option<Vec<String>> = (\"Build std\"),\n    avoid_dev_deps: bool,\n    never_read: bool,\n);\n\nimpl Features {\n    pub fn require(&self, feature: &Feature) -> CargoResult<()> {\n        Ok(())\n    }\n}\n",
    );
    write(
        "src/ops/build.rs",
        "fn build(features: &Features, gctx: &GlobalContext) -> CargoResult<()> {\n    features.require(Feature::trim_paths())?;\n    features.require(Feature::codegen_backend())?;\n    features.require(Feature::edition())?;\n    if gctx.cli_unstable().gc {\n        gc();\n    }\n    if gctx.cli_unstable().build_std.is_some() && gctx.cli_unstable().avoid_dev_deps {\n        std();\n    }\n    Ok(())\n}\n",
    );
    let output = flaglint(&["init", "--stdout"], dir.path());
    let proposal = stdout(&output);
    assert!(
        proposal.contains(
            "macro = [\"features\", \"unstable_cli_options\"]\nkey = 1\nstate = 0\ntype = \"Feature\"\n"
        ),
        "{proposal}"
    );
    assert!(
        proposal.contains("call = \"require\"\nkey = 0\nlanguage = \"rust\""),
        "{proposal}"
    );
    assert!(
        proposal.contains("property = \"cli_unstable\""),
        "{proposal}"
    );
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(0));
    let check = flaglint(&["check", "--output-format", "concise"], dir.path());
    let out = stdout(&check);
    // Every read is found; the one option nothing reads is unused; the removed feature is not.
    assert!(
        out.contains("src/core/features.rs:13:5: warning[unused-flag] flag `never_read`"),
        "{out}"
    );
    assert!(out.contains("0 errors, 1 warning"), "{out}");
}

#[test]
fn database_only_flags_are_stale_by_their_first_check() {
    let dir = tempfile::tempdir().expect("a directory");
    std::fs::write(dir.path().join("requirements.txt"), "django-waffle\n").expect("written");
    std::fs::create_dir_all(dir.path().join("app")).expect("a directory");
    std::fs::write(
        dir.path().join("app/views.py"),
        "import waffle\n\n\ndef view(request):\n    return waffle.flag_is_active(request, \"old_checkout\")\n",
    )
    .expect("written");
    let date = "2025-01-01T12:00:00Z";
    common::git(dir.path(), &["init", "-q"], date);
    common::git(dir.path(), &["add", "-A"], date);
    common::git(dir.path(), &["commit", "-q", "-m", "first"], date);
    let output = Command::new(env!("CARGO_BIN_EXE_flaglint"))
        .args(["check", "--output-format", "concise"])
        .current_dir(dir.path())
        .env("FLAGLINT_TODAY", "2026-06-01")
        .output()
        .expect("flaglint runs");
    let out = stdout(&output);
    assert!(
        out.contains("app/views.py:5:12: info[stale-flag] flag `old_checkout` is stale: 516 days old, past its 90-day lifetime (introduced 2025-01-01)"),
        "{out}"
    );
}

#[test]
fn template_variables_name_flag_constants() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    write(
        "flaglint.toml",
        "packs = [\"django-waffle\"]\n\n[[definitions]]\nside = \"backend\"\npath = \"app/settings.py\"\nsymbols = [\"*_FLAG\"]\n",
    );
    write(
        "app/settings.py",
        "NOTIFY_FLAG = \"notify_on_change\"\nEXPORT_FLAG = \"export\"\nDEBUG = True\n",
    );
    // A flag constant of the settings read as `settings.X` outside a check is a use.
    write(
        "app/export.py",
        "from django.conf import settings\n\nNAMES = [settings.EXPORT_FLAG]\n",
    );
    // data-workspace: a context processor puts `"NOTIFY_FLAG": settings.NOTIFY_FLAG` in every
    // template's context.
    write(
        "app/context_processors.py",
        "from django.conf import settings\n\n\ndef common(request):\n    return {\"NOTIFY_FLAG\": settings.NOTIFY_FLAG}\n",
    );
    write(
        "app/templates/page.html",
        "{% load waffle_tags %}\n{% flag NOTIFY_FLAG %}<a>notify</a>{% endflag %}\n{% flag some_variable %}<b></b>{% endflag %}\n",
    );
    let output = flaglint(&["check", "--output-format", "concise"], dir.path());
    let out = stdout(&output);
    assert!(!out.contains("unused-flag"), "{out}");
    assert!(
        out.contains("app/templates/page.html:3:9: info[dynamic-flag-key] flag key is not statically known: template variable `some_variable`, which names no flag constant"),
        "{out}"
    );
}

#[test]
fn settings_follow_star_imports_of_the_settings_module() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    write("requirements.txt", "django-waffle\n");
    write(
        "manage.py",
        "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings.local\")\n",
    );
    write("proj/__init__.py", "");
    write("proj/settings/__init__.py", "");
    write(
        "proj/settings/base.py",
        "THEME_SWITCH = \"enable_theming\"\n",
    );
    write(
        "proj/settings/local.py",
        "from .base import *\nDEBUG = True\n",
    );
    write(
        "app/helpers.py",
        "import waffle\nfrom django.conf import settings\n\n\ndef themed():\n    return waffle.switch_is_active(settings.THEME_SWITCH)\n",
    );
    let output = flaglint(&["flags"], dir.path());
    let out = stdout(&output);
    assert!(
        out.contains("enable_theming  (undefined)\n  check       app/helpers.py:6:12"),
        "{out}"
    );
}

#[test]
fn a_configuration_that_checks_nothing_says_so() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    write("flaglint.toml", "# packs = [\"django-waffle\"]\n");
    write("app/views.py", "def view(request):\n    return 1\n");
    let output = flaglint(&["check", "--output-format", "concise"], dir.path());
    let out = stdout(&output);
    assert!(
        out.contains("flaglint.toml:1:1: warning[config-matches-nothing] the configuration enables no pack, definitions file or check: nothing is checked"),
        "{out}"
    );
}

#[test]
fn a_local_key_in_a_definitions_file_is_not_a_missing_constant() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    write(
        "flaglint.toml",
        "[[definitions]]\nside = \"frontend\"\npath = \"src/flags.js\"\nregistry = \"FeatureFlags\"\n\n[[checks]]\nproperty = \"FeatureFlags\"\nlanguage = \"typescript\"\n",
    );
    write(
        "src/flags.js",
        "export const FeatureFlags = { newNav: true };\nexport function named(kind) {\n  for (const k in FeatureFlags) {\n    if (kind === FeatureFlags[k]) return k;\n  }\n  return FeatureFlags.newNav;\n}\n",
    );
    let output = flaglint(&["check", "--output-format", "concise"], dir.path());
    let out = stdout(&output);
    assert!(out.contains("0 errors"), "{out}");
    assert!(
        out.contains(
            "src/flags.js:4:31: info[dynamic-flag-key] flag key is not statically known: `k`"
        ),
        "{out}"
    );
}

#[test]
fn workspace_packages_and_reexports_reach_the_flag_enum() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    // novu: the enum lives in `packages/shared`, imported as `@acme/shared` through barrels,
    // and re-exported by a module that imports it (`export { FlagsEnum }`).
    write(
        "flaglint.toml",
        "[[definitions]]\nside = \"frontend\"\npath = \"packages/shared/src/types/feature-flags/feature-flags.ts\"\n\n[[checks]]\ncall = \"useFeatureFlag\"\nkey = 0\n\n[[checks]]\ncall = \"GetFeatureFlagCommand.create\"\nkey = \"key\"\nlanguage = \"typescript\"\n",
    );
    write(
        "packages/shared/package.json",
        "{\"name\": \"@acme/shared\"}\n",
    );
    write("packages/shared/src/index.ts", "export * from './types';\n");
    write(
        "packages/shared/src/types/index.ts",
        "export * from './feature-flags';\n",
    );
    write(
        "packages/shared/src/types/feature-flags/index.ts",
        "export * from './feature-flags';\n",
    );
    write(
        "packages/shared/src/types/feature-flags/feature-flags.ts",
        "export enum FlagsEnum {\n  IS_A = 'IS_A',\n  IS_B = 'IS_B',\n  IS_C = 'IS_C',\n}\n",
    );
    write(
        "apps/web/src/a.tsx",
        "import { FlagsEnum } from '@acme/shared';\nexport const A = () => useFeatureFlag(FlagsEnum.IS_A);\n",
    );
    write(
        "libs/generic/src/services/types.ts",
        "import { FlagsEnum } from '@acme/shared';\n\nexport { FlagsEnum };\n",
    );
    write(
        "libs/generic/src/usecases/route.ts",
        "import { FlagsEnum } from '../services/types';\n\nexport const on = () => getFlag.execute(GetFeatureFlagCommand.create({ environmentId: 1, key: FlagsEnum.IS_B }));\n",
    );
    let output = flaglint(&["check", "--output-format", "concise"], dir.path());
    let out = stdout(&output);
    assert!(
        out.contains("feature-flags.ts:4:3: warning[unused-flag] flag `IS_C`"),
        "{out}"
    );
    assert!(out.contains("0 errors, 1 warning"), "{out}");
    // `key = "key"` in TypeScript: the property of the object argument is the key.
    let flags = stdout(&flaglint(&["flags", "--flag", "IS_B"], dir.path()));
    assert!(
        flags.contains("check       libs/generic/src/usecases/route.ts:3:41"),
        "{flags}"
    );
}

#[test]
fn store_reads_keep_a_flag_in_use() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    write(
        "flaglint.toml",
        "[[definitions]]\nside = \"frontend\"\npath = \"src/lib/config/uiFeatureFlags.ts\"\nregister = \"persisted\"\nkey = 1\n",
    );
    write(
        "src/lib/config/uiFeatureFlags.ts",
        "import { persisted } from '@gitbutler/shared/persisted';\n\nexport const fModeEnabled = persisted(false, 'f-mode');\nexport const unusedMode = persisted(false, 'unused-mode');\n",
    );
    write(
        "src/components/Board.svelte",
        "<script lang=\"ts\">\n  import { fModeEnabled } from '$lib/config/uiFeatureFlags';\n</script>\n\n{#if $fModeEnabled}\n  <p>f mode</p>\n{/if}\n",
    );
    let report = report_json(dir.path());
    let flag = |key: &str| {
        report["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .find(|f| f["key"] == key)
            .expect("the flag")
            .clone()
    };
    // A store read is a use: not ready for step 2, unlike the store nothing reads.
    let used = flag("f-mode");
    assert_ne!(used["readiness"], "delete-definition", "{used}");
    assert!(
        used.to_string()
            .contains("read in production code (src/components/Board.svelte:5)"),
        "{used}"
    );
    assert_eq!(flag("unused-mode")["readiness"], "delete-definition");
    let remove = flaglint(
        &["remove", "f-mode", "--step", "2", "--dry-run"],
        dir.path(),
    );
    assert_ne!(remove.status.code(), Some(0));
    assert!(
        stderr(&remove).contains(
            "still read in production code outside checks (src/components/Board.svelte:5)"
        ),
        "{}",
        stderr(&remove)
    );
}

#[test]
fn init_models_flag_objects() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    // openedx style: edx-toggles objects in a `toggles.py`, `.is_enabled()` checks, and tests
    // overriding them.
    write(
        "apps/catalog/toggles.py",
        "from edx_toggles.toggles import WaffleSwitch\n\nNAMESPACE = \"catalog\"\nNEW_SEARCH = WaffleSwitch(f\"{NAMESPACE}.new_search\", __name__)\nBULK_EDIT = WaffleSwitch(\"catalog.bulk_edit\", __name__)\nDORMANT = WaffleSwitch(\"catalog.dormant\", __name__)\n\n\ndef is_bulk_edit_enabled():\n    return BULK_EDIT.is_enabled()\n",
    );
    write(
        "apps/catalog/views.py",
        "from apps.catalog.toggles import NEW_SEARCH, is_bulk_edit_enabled\n\n\ndef search(request):\n    if NEW_SEARCH.is_enabled():\n        return 1\n    # The check is the wrapper's, in toggles.py.\n    return is_bulk_edit_enabled()\n",
    );
    write(
        "apps/catalog/tests/test_views.py",
        "from edx_toggles.toggles.testutils import override_waffle_switch\n\nfrom apps.catalog.toggles import NEW_SEARCH\n\n\n@override_waffle_switch(NEW_SEARCH, active=True)\ndef test_search():\n    pass\n",
    );
    let output = flaglint(&["init", "--stdout"], dir.path());
    let proposal = stdout(&output);
    assert!(
        proposal.contains(
            "path = \"apps/catalog/toggles.py\"\nregister = [\"WaffleSwitch\"]\nkey = 0\n"
        ),
        "{proposal}"
    );
    assert!(
        proposal.contains("method = \"is_enabled\"\nlanguage = \"python\""),
        "{proposal}"
    );
    assert!(
        proposal.contains("call = \"override_waffle_switch\"\nkey = 0\nstate = \"active\""),
        "{proposal}"
    );
    // The wrapper of one flag: its call in views.py checks `catalog.bulk_edit`.
    assert!(
        proposal.contains(
            "call = \"is_bulk_edit_enabled\"\nflag = \"catalog.bulk_edit\"\nlanguage = \"python\""
        ),
        "{proposal}"
    );
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(0));
    let check = flaglint(&["check", "--output-format", "concise"], dir.path());
    let out = stdout(&check);
    assert!(
        out.contains("apps/catalog/toggles.py:6:1: warning[unused-flag] flag `catalog.dormant`"),
        "{out}"
    );
    assert!(out.contains("0 errors, 1 warning"), "{out}");
}

#[test]
fn init_proposes_the_wrappers_of_one_flag() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    write(
        "package.json",
        "{\"dependencies\": {\"posthog-js\": \"1\"}}\n",
    );
    write(
        "src/flags.ts",
        "import posthog from 'posthog-js'\n\n// A wrapper of one flag: its calls check it.\nexport const isNewNavEnabled = () => posthog.isFeatureEnabled('new-nav')\n\nexport function betaSearchOn(): boolean {\n  // Why not.\n  return posthog.isFeatureEnabled('beta-search')\n}\n\n// Negated: a call means the flag is off; not a wrapper.\nexport function legacyBilling() {\n  return !posthog.isFeatureEnabled('new-billing')\n}\n\n// More than the check: not a wrapper.\nexport function darkTheme(user) {\n  const on = posthog.isFeatureEnabled('dark-theme')\n  return on && user.admin\n}\n\n// Never called: not proposed.\nexport const unusedWrapper = () => posthog.isFeatureEnabled('quiet')\n\n// The flag, or an override that calls nothing (inbox-zero).\nexport function useCleanerEnabled() {\n  const posthogEnabled = posthog.isFeatureEnabled('inbox-cleaner')\n  return env.NEXT_PUBLIC_CLEANER_ENABLED || posthogEnabled\n}\n\nclass Flags {\n  // A method named only \"is enabled\": too generic to stand for one flag.\n  isEnabled() {\n    return posthog.isFeatureEnabled('generic')\n  }\n}\n",
    );
    write(
        "src/app.tsx",
        "import { isNewNavEnabled, betaSearchOn, legacyBilling, darkTheme, useCleanerEnabled } from './flags'\n\nexport function App(user) {\n  if (isNewNavEnabled()) {\n    return 1\n  }\n  if (betaSearchOn() && legacyBilling() && darkTheme(user)) {\n    return 2\n  }\n  return useCleanerEnabled() || new Flags().isEnabled()\n}\n",
    );
    let output = flaglint(&["init", "--stdout"], dir.path());
    let proposal = stdout(&output);
    for (name, key) in [
        ("isNewNavEnabled", "new-nav"),
        ("betaSearchOn", "beta-search"),
        ("useCleanerEnabled", "inbox-cleaner"),
    ] {
        assert!(
            proposal.contains(&format!(
                "call = \"{name}\"\nflag = \"{key}\"\nlanguage = \"typescript\""
            )),
            "{proposal}"
        );
    }
    for name in ["legacyBilling", "darkTheme", "unusedWrapper", "isEnabled"] {
        assert!(
            !proposal.contains(&format!("\"{name}\"")),
            "{name}: {proposal}"
        );
    }
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(0));
    let sites = check_sites(dir.path());
    assert_eq!(
        sites["new-nav"],
        ["src/app.tsx:4", "src/flags.ts:4"],
        "{sites:?}"
    );
    assert_eq!(
        sites["beta-search"],
        ["src/app.tsx:7", "src/flags.ts:8"],
        "{sites:?}"
    );
}

#[test]
fn init_follows_workspace_package_names_and_tsconfig_paths_to_a_flag_enum() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    // Altinn Studio: a flag enum in a workspace package whose directory is not its name.
    write(
        "frontend/libs/studio-feature-flags/package.json",
        "{\"name\": \"@studio/feature-flags\"}\n",
    );
    write(
        "frontend/libs/studio-feature-flags/src/FeatureFlag.ts",
        "export enum FeatureFlag {\n  NextV9 = 'nextV9',\n  NewCodeLists = 'newCodeLists',\n}\n",
    );
    write(
        "frontend/libs/studio-feature-flags/src/useFeatureFlag.ts",
        "import type { FeatureFlag } from './FeatureFlag';\n\nexport function useFeatureFlag(flag: FeatureFlag): boolean {\n  return flags().includes(flag);\n}\n",
    );
    write(
        "frontend/libs/studio-feature-flags/src/index.ts",
        "export * from './FeatureFlag';\nexport * from './useFeatureFlag';\n",
    );
    // Another enum of that name, reached through a path alias.
    write(
        "frontend/tsconfig.json",
        "{\n  // aliases\n  \"compilerOptions\": {\"paths\": {\"app-shared/*\": [\"./packages/shared/src/*\"],},},\n}\n",
    );
    write(
        "frontend/packages/shared/src/utils/featureToggleUtils.ts",
        "export enum FeatureFlag {\n  Old = 'old',\n}\n",
    );
    write(
        "frontend/app/Page.tsx",
        "import { FeatureFlag, useFeatureFlag } from '@studio/feature-flags';\nimport { FeatureFlag as Legacy } from 'app-shared/utils/featureToggleUtils';\n\nexport function Page() {\n  const next = useFeatureFlag(FeatureFlag.NextV9);\n  const lists = useFeatureFlag(FeatureFlag.NewCodeLists);\n  return next && lists && useFeatureFlag(FeatureFlag.NextV9) && Legacy.Old;\n}\n",
    );
    let output = flaglint(&["init", "--stdout"], dir.path());
    let proposal = stdout(&output);
    assert!(
        proposal.contains("path = \"frontend/libs/studio-feature-flags/src/FeatureFlag.ts\"\n"),
        "{proposal}"
    );
    assert!(!proposal.contains("featureToggleUtils"), "{proposal}");
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(0));
    let sites = check_sites(dir.path());
    assert_eq!(
        sites["nextV9"],
        ["frontend/app/Page.tsx:5", "frontend/app/Page.tsx:7"],
        "{sites:?}"
    );
    assert_eq!(
        sites["newCodeLists"],
        ["frontend/app/Page.tsx:6"],
        "{sites:?}"
    );
    let check = flaglint(&["check", "--output-format", "concise"], dir.path());
    assert!(
        stdout(&check).contains("0 errors, 0 warnings, 0 infos"),
        "{}",
        stdout(&check)
    );
}

#[test]
fn init_proposes_the_functions_that_pass_their_key_on_to_a_check() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    write(
        "package.json",
        "{\"dependencies\": {\"flagsmith\": \"1\"}}\n",
    );
    write("requirements.txt", "django-waffle==4.0\n");
    // Flagsmith's own frontend: an object's methods pass their key to the SDK.
    write(
        "web/utils.tsx",
        "import flagsmith from 'flagsmith'\n\nconst Utils = Object.assign({}, {\n  getFlagsmithHasFeature(key: string) {\n    return flagsmith.hasFeature(key)\n  },\n  getFlagsmithValue(key: string) {\n    return flagsmith.getValue(key)\n  },\n})\n\n// A wrapper of the wrapper, through an arrow function.\nexport const useRemoteFlag = (name: string) => Utils.getFlagsmithValue(name)\n\n// The key goes elsewhere: not a check function.\nexport function logFeature(key: string) {\n  console.log(key)\n  return flagsmith.hasFeature('logging')\n}\n\nexport default Utils\n",
    );
    write(
        "web/app.tsx",
        "import Utils, { useRemoteFlag, logFeature } from './utils'\n\nexport function App() {\n  if (Utils.getFlagsmithHasFeature('new_nav')) {\n    return useRemoteFlag('banner')\n  }\n  logFeature('x')\n  return Utils.getFlagsmithValue('theme')\n}\n",
    );
    // A method that forwards after `self` and a guard.
    write(
        "app/flags.py",
        "import waffle\n\n\nclass Gate:\n    def active_for(self, request, name):\n        if request is None:\n            return False\n        return waffle.flag_is_active(request, name)\n",
    );
    write(
        "app/views.py",
        "from app.flags import Gate\n\n\ndef view(request):\n    return Gate().active_for(request, \"new_checkout\")\n",
    );
    let output = flaglint(&["init", "--stdout"], dir.path());
    let proposal = stdout(&output);
    for (name, key, language) in [
        ("getFlagsmithHasFeature", 0, "typescript"),
        ("getFlagsmithValue", 0, "typescript"),
        ("useRemoteFlag", 0, "typescript"),
    ] {
        assert!(
            proposal.contains(&format!(
                "call = \"{name}\"\nkey = {key}\nlanguage = \"{language}\""
            )),
            "{name}: {proposal}"
        );
    }
    assert!(
        proposal
            .contains("call = \"active_for\"\nkey = 1\nkeyword = \"name\"\nlanguage = \"python\""),
        "{proposal}"
    );
    assert!(!proposal.contains("\"logFeature\""), "{proposal}");
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(0));
    let sites = check_sites(dir.path());
    assert_eq!(sites["new_nav"], ["web/app.tsx:4"], "{sites:?}");
    assert_eq!(sites["banner"], ["web/app.tsx:5"], "{sites:?}");
    assert_eq!(sites["theme"], ["web/app.tsx:8"], "{sites:?}");
    assert_eq!(sites["new_checkout"], ["app/views.py:5"], "{sites:?}");
}

#[test]
fn init_proposes_the_functions_called_with_flag_constants() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    // label-studio's shape: constants in a flags module, `isFF(FF_X)` everywhere.
    write(
        "web/libs/core/src/feature-flags/flags.ts",
        "export const FF_NEW_NAV = 'fflag_new_nav';\nexport const FF_DARK = 'fflag_dark';\nexport const FF_EXPORT = 'fflag_export';\n",
    );
    // A test helpers package's copy of the constants: not definitions.
    write(
        "web/libs/frontend-test/src/feature-flags.ts",
        "export const FF_NEW_NAV = 'fflag_new_nav';\nexport const FF_DARK = 'fflag_dark';\n",
    );
    write(
        "web/libs/core/src/feature-flags/index.ts",
        "export function isFF(id: string) {\n  return (window as any).APP_SETTINGS?.feature_flags?.[id] === true;\n}\n",
    );
    write(
        "web/apps/app/src/App.tsx",
        "import { isFF } from '../../../libs/core/src/feature-flags';\nimport { FF_NEW_NAV, FF_DARK, FF_EXPORT } from '../../../libs/core/src/feature-flags/flags';\n\nexport function App() {\n  if (isFF(FF_NEW_NAV)) {\n    return 1;\n  }\n  const dark = isFF(FF_DARK);\n  // Logged, not asked: `track` does not ask.\n  track(FF_EXPORT);\n  track(FF_DARK);\n  track(FF_NEW_NAV);\n  return isFF(FF_EXPORT) && dark;\n}\n",
    );
    let output = flaglint(&["init", "--stdout"], dir.path());
    let proposal = stdout(&output);
    assert!(
        proposal.contains("[[checks]]\ncall = \"isFF\"\nkey = 0\nlanguage = \"typescript\""),
        "{proposal}"
    );
    assert!(!proposal.contains("\"track\""), "{proposal}");
    assert!(!proposal.contains("frontend-test"), "{proposal}");
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(0));
    let sites = check_sites(dir.path());
    assert_eq!(
        sites["fflag_new_nav"],
        ["web/apps/app/src/App.tsx:5"],
        "{sites:?}"
    );
    assert_eq!(
        sites["fflag_export"],
        ["web/apps/app/src/App.tsx:13"],
        "{sites:?}"
    );
    let check = flaglint(&["check", "--output-format", "concise"], dir.path());
    let out = stdout(&check);
    assert!(out.contains("0 errors, 0 warnings"), "{out}");
}

#[test]
fn init_proposes_data_files_of_flags() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    // label-studio: LaunchDarkly's file data source, the keys asked for as literals.
    write(
        "app/feature_flags.json",
        "{\n  \"segments\": {},\n  \"flags\": {\n    \"fflag_new_nav\": {\"key\": \"fflag_new_nav\", \"on\": true},\n    \"fflag_dark\": {\"key\": \"fflag_dark\", \"on\": false},\n    \"fflag_gone\": {\"key\": \"fflag_gone\", \"on\": false},\n    \"fflag_java\": {\"key\": \"fflag_java\"},\n    \"fflag_sh\": {\"key\": \"fflag_sh\"},\n    \"fflag_web\": {\"key\": \"fflag_web\"}\n  }\n}\n",
    );
    // Only the frontend asks for `fflag_web`: the data file serves both sides, so that is no
    // `frontend-only-gate`.
    write(
        "web/src/app.ts",
        "export function show(client) {\n  return client.variation('fflag_web', false);\n}\n",
    );
    // Services in languages flaglint does not read use two of its flags; a test does not count.
    write(
        "services/ad/Ad.java",
        "class Ad {\n  boolean on() { return client.getBooleanValue(\"fflag_java\", false); }\n}\n",
    );
    write("scripts/run.sh", "fetch_flag fflag_sh \"$DEFAULT\"\n");
    write(
        "services/ad/src/test/AdTest.java",
        "class AdTest { String k = \"fflag_gone\"; }\n",
    );
    write(
        "app/feature_flags/base.py",
        "import ldclient\n\nclient = ldclient.get()\n\n\ndef flag_set(feature_flag, user=None):\n    return client.variation(feature_flag, user, False)\n",
    );
    write(
        "app/views.py",
        "from app.feature_flags.base import flag_set\n\n\ndef home(user):\n    if flag_set('fflag_new_nav', user):\n        return 1\n    if flag_set('fflag_dark', user):\n        return 2\n    return flag_set('fflag_new_nav', user=user)\n",
    );
    // osf.io: waffle names in a YAML list, bound to constants by the module that loads it.
    write(
        "osf/features.yaml",
        "flags:\n  - flag_name: ENABLE_GV\n    name: gravy_waffle\n    everyone: true\n  - flag_name: STORAGE_I18N\n    name: storage_i18n\nswitches:\n  - flag_name: ENFORCE_CSRF\n    name: enforce_csrf\n",
    );
    write(
        "osf/features.py",
        "import yaml\n\nwith open('osf/features.yaml') as stream:\n    features = yaml.safe_load(stream)\n\nfor flag in features['flags']:\n    locals()[flag.pop('flag_name')] = flag['name']\n",
    );
    write(
        "api/views.py",
        "import waffle\nfrom osf import features\n\n\ndef view(request):\n    if waffle.flag_is_active(request, features.ENABLE_GV):\n        return 1\n    if waffle.switch_is_active(features.ENFORCE_CSRF):\n        return 2\n    return waffle.flag_is_active(request, features.STORAGE_I18N)\n",
    );
    write("requirements.txt", "django-waffle==4.1\n");
    // A translation file and a plain settings file: no flags.
    write(
        "app/locales/en/features.json",
        "{\"fflag_a\": {\"one\": \"x\"}, \"fflag_b\": {\"one\": \"y\"}}\n",
    );
    write(
        "app/feature_settings.json",
        "{\"debug\": true, \"verbose\": false}\n",
    );
    let output = flaglint(&["init", "--stdout"], dir.path());
    let proposal = stdout(&output);
    assert!(
        proposal.contains("path = \"app/feature_flags.json\"\ndata = [\"flags\"]\n"),
        "{proposal}"
    );
    assert!(
        proposal.contains("path = \"osf/features.yaml\"\ndata = [\"flags\", \"switches\"]\nkey-field = \"name\"\nsymbol-field = \"flag_name\"\n"),
        "{proposal}"
    );
    assert!(!proposal.contains("locales"), "{proposal}");
    assert!(!proposal.contains("feature_settings"), "{proposal}");
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(0));
    let sites = check_sites(dir.path());
    assert_eq!(
        sites["fflag_new_nav"],
        ["app/views.py:5", "app/views.py:9"],
        "{sites:?}"
    );
    assert_eq!(sites["gravy_waffle"], ["api/views.py:6"], "{sites:?}");
    assert_eq!(sites["enforce_csrf"], ["api/views.py:8"], "{sites:?}");
    assert_eq!(sites["storage_i18n"], ["api/views.py:10"], "{sites:?}");
    let check = flaglint(&["check", "--output-format", "concise"], dir.path());
    let out = stdout(&check);
    assert!(out.contains("0 errors, 1 warning,"), "{out}");
    assert!(
        out.contains("app/feature_flags.json:6:6: warning[unused-flag] flag `fflag_gone`"),
        "{out}"
    );
    assert_eq!(sites["fflag_web"], ["web/src/app.ts:2"], "{sites:?}");
    assert!(!out.contains("frontend-only-gate"), "{out}");
}

#[test]
fn init_leaves_out_check_functions_the_scan_does_not_bear_out() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    write(
        "app/feature_flags/flags.py",
        "NEW_NAV = \"new_nav\"\nDARK_MODE = \"dark_mode\"\n",
    );
    write(
        "app/feature_flags/services.py",
        "def get_flag_for_user(user, flag_name):\n    return user.flags.get(flag_name)\n\n\ndef get_feature_value(feature):\n    return None\n\n\ndef get_feature_history(feature):\n    return feature.history\n",
    );
    // A flags module nothing checks: every flag of it would be reported unused.
    write(
        "app/legacy/feature_flags.py",
        "OLD_SEARCH = \"old_search\"\nOLD_EXPORT = \"old_export\"\n",
    );
    // A record getter: its calls pass models, never a key.
    write(
        "app/history.py",
        "from app.feature_flags.services import get_feature_history\n\n\ndef history(features):\n    return [get_feature_history(feature) for feature in features] + [get_feature_history(features[0])]\n",
    );
    // An argument parser's switches: every key undefined.
    write(
        "app/cli.py",
        "def is_flag_set(args, flag_name):\n    return flag_name in args\n\n\ndef main(args):\n    return is_flag_set(args, \"help\") or is_flag_set(args, \"verbose\") or is_flag_set(args, \"quiet\")\n",
    );
    write(
        "app/views.py",
        "from app.feature_flags.flags import NEW_NAV, DARK_MODE\nfrom app.feature_flags.services import get_flag_for_user\n\n\ndef view(user):\n    if get_flag_for_user(user, NEW_NAV):\n        return 1\n    return get_flag_for_user(user, DARK_MODE)\n",
    );
    let output = flaglint(&["init", "--stdout"], dir.path());
    let proposal = stdout(&output);
    assert!(
        proposal.contains("[[checks]]\ncall = \"get_flag_for_user\"\nkey = 1"),
        "{proposal}"
    );
    // Never called: not proposed.
    assert!(!proposal.contains("get_feature_value"), "{proposal}");
    // Undefined keys: written commented out, with the count.
    assert!(
        proposal.contains("# Not enabled: 3 of its 3 calls pass keys no definition declares (`help`, `quiet`, `verbose`).\n"),
        "{proposal}"
    );
    assert!(
        proposal.contains("# call = \"is_flag_set\"\n"),
        "{proposal}"
    );
    assert!(
        proposal.contains("# Not enabled: none of its 2 calls passes a key known statically.\n"),
        "{proposal}"
    );
    assert!(
        proposal.contains("# call = \"get_feature_history\"\n"),
        "{proposal}"
    );
    assert!(
        proposal.contains("the code checks none of its 2 flags"),
        "{proposal}"
    );
    assert!(
        proposal.contains("# path = \"app/legacy/feature_flags.py\"\n"),
        "{proposal}"
    );
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(0));
    let check = flaglint(&["check", "--output-format", "concise"], dir.path());
    let out = stdout(&check);
    assert!(out.contains("0 errors, 0 warnings"), "{out}");
}

#[test]
fn init_models_django_settings_that_are_flags() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    // redash's and DefectDojo's shape: boolean settings named for features.
    write(
        "app/settings/__init__.py",
        "import os\n\nTIME_ZONE = \"UTC\"\nFEATURE_POLICY = os.environ.get(\"FEATURE_POLICY\", \"\")\nFEATURE_SHOW_COUNT = parse_boolean(os.environ.get(\"X\", \"true\"))\nFEATURE_NEW_EDITOR = env.bool(\"NEW_EDITOR\", default=False)\nFEATURE_NEVER_READ = False\n",
    );
    write(
        "app/settings/local.py",
        "from . import *\n\nFEATURE_SHOW_COUNT = True\n",
    );
    write(
        "app/views.py",
        "from django.conf import settings\n\n\ndef view():\n    if settings.FEATURE_SHOW_COUNT:\n        return settings.TIME_ZONE\n    if not settings.FEATURE_NEW_EDITOR:\n        editor = settings.FEATURE_POLICY\n    else:\n        editor = None\n    return editor\n",
    );
    // A context processor passes the setting on by its name (DefectDojo's `templates_classic/`).
    write(
        "app/templates_classic/page.html",
        "{% if not FEATURE_NEW_EDITOR and user %}old{% endif %}\n{% if FEATURE_POLICY %}{{ FEATURE_NEW_EDITOR.label }}{% endif %}\n{{ FEATURE_SHOW_COUNT }}\n",
    );
    let output = flaglint(&["init", "--stdout"], dir.path());
    let proposal = stdout(&output);
    assert!(
        proposal.contains("path = \"app/settings/__init__.py\"\nsettings = [\"FEATURE_NEW_EDITOR\", \"FEATURE_SHOW_COUNT\"]\n"),
        "{proposal}"
    );
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(0));
    let sites = check_sites(dir.path());
    let keys: Vec<(&str, usize)> = sites.iter().map(|(k, s)| (k.as_str(), s.len())).collect();
    assert_eq!(
        keys,
        [("FEATURE_NEW_EDITOR", 2), ("FEATURE_SHOW_COUNT", 1)],
        "{sites:?}"
    );
    assert_eq!(
        sites["FEATURE_NEW_EDITOR"],
        ["app/templates_classic/page.html:1", "app/views.py:7"]
    );
    let check = flaglint(&["check", "--output-format", "concise"], dir.path());
    let out = stdout(&check);
    assert!(out.contains("warning[negated-fork]"), "{out}");
    assert!(out.contains("0 errors, 1 warning"), "{out}");
}

#[test]
fn init_finds_a_registry_by_the_calls_that_pass_its_keys() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    // hypothesis/h: `FEATURES` in a models module, `request.feature("x")` in views, and the
    // frontend reading `config.features.x`.
    write(
        "h/models/feature.py",
        "FEATURES = {\n    \"group_type\": \"Choose the group type\",\n    \"at_mentions\": \"Mentions\",\n    \"image_descriptions\": \"Descriptions\",\n    \"dormant\": \"Nobody asks\",\n}\n",
    );
    write(
        "h/views/groups.py",
        "def create(self):\n    if self.request.feature(\"group_type\"):\n        pass\n    if self.request.feature(\"at_mentions\"):\n        pass\n    return request.feature(\"image_descriptions\")\n",
    );
    write(
        "h/static/scripts/form.tsx",
        "export function Form({ config }) {\n  const a = config.features.group_type;\n  const b = config.features.at_mentions;\n  return config.features.image_descriptions ? a : b;\n}\n",
    );
    let output = flaglint(&["init", "--stdout"], dir.path());
    let proposal = stdout(&output);
    assert!(
        proposal.contains("path = \"h/models/feature.py\"\nregistry = \"FEATURES\""),
        "{proposal}"
    );
    assert!(
        proposal.contains("call = \"request.feature\"\nkey = 0\nlanguage = \"python\""),
        "{proposal}"
    );
    assert!(
        proposal.contains("property = \"features\"\nlanguage = \"typescript\""),
        "{proposal}"
    );
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(0));
    let check = flaglint(&["check", "--output-format", "concise"], dir.path());
    let out = stdout(&check);
    assert!(
        out.contains("h/models/feature.py:5:5: warning[unused-flag] flag `dormant`"),
        "{out}"
    );
    assert!(out.contains("0 errors, 1 warning"), "{out}");
}

#[test]
fn init_models_client_stores_and_leaves_unused_packs_out() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    // GitButler: UI flags persisted in local storage, and an analytics SDK whose flag calls
    // the code never makes.
    write(
        "apps/desktop/package.json",
        "{\"dependencies\": {\"posthog-js\": \"^1.0.0\"}}\n",
    );
    write(
        "apps/desktop/src/lib/config/uiFeatureFlags.ts",
        "import { persisted } from '@gitbutler/shared/persisted';\n\nexport const fModeEnabled = persisted(false, 'f-mode');\nexport const staging = persisted<Behavior>('all', 'feature-staging');\nexport const dormant = persisted(false, 'dormant');\n",
    );
    write(
        "apps/desktop/src/components/Board.svelte",
        "<script lang=\"ts\">\n  import { fModeEnabled, staging } from '$lib/config/uiFeatureFlags';\n  posthog.capture('opened');\n</script>\n\n{#if $fModeEnabled && $staging === 'all'}\n  <p>f mode</p>\n{/if}\n",
    );
    let output = flaglint(&["init", "--stdout"], dir.path());
    let proposal = stdout(&output);
    assert!(
        proposal.contains("register = [\"persisted\"]\nkey = 1\nlocal = true\n"),
        "{proposal}"
    );
    assert!(proposal.contains("# Not enabled: posthog"), "{proposal}");
    assert!(!proposal.contains("\npacks = [\"posthog\"]"), "{proposal}");
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(0));
    let check = flaglint(&["check", "--output-format", "concise"], dir.path());
    let out = stdout(&check);
    assert!(
        out.contains("uiFeatureFlags.ts:5:14: warning[unused-flag] flag `dormant`"),
        "{out}"
    );
    assert!(out.contains("0 errors, 1 warning"), "{out}");
}

#[test]
fn init_finds_the_functions_flag_constants_are_passed_to() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    // novu: an enum in a feature-flags module, passed to a hook and, as the `key` of an object,
    // to a command.
    write(
        "packages/shared/src/feature-flags.ts",
        "export enum FlagsEnum {\n  IS_A = 'IS_A',\n  IS_B = 'IS_B',\n  IS_C = 'IS_C',\n}\n",
    );
    write(
        "packages/shared/src/index.ts",
        "export * from './feature-flags';\n",
    );
    write(
        "apps/web/src/a.tsx",
        "import { FlagsEnum } from '@acme/shared';\nconst a = useFeatureFlag(FlagsEnum.IS_A);\nconst b = useFeatureFlag(FlagsEnum.IS_B);\nconst c = useFeatureFlag(FlagsEnum.IS_A);\n",
    );
    write(
        "apps/api/src/b.ts",
        "import { FlagsEnum } from '@acme/shared';\nGetFeatureFlagCommand.create({ environmentId: 1, key: FlagsEnum.IS_A });\nGetFeatureFlagCommand.create({ key: FlagsEnum.IS_B });\nGetFeatureFlagCommand.create({ key: FlagsEnum.IS_B });\n",
    );
    let proposal = stdout(&flaglint(&["init", "--stdout"], dir.path()));
    assert!(
        proposal.contains(
            "call = \"GetFeatureFlagCommand.create\"\nkey = \"key\"\nlanguage = \"typescript\""
        ),
        "{proposal}"
    );
    assert!(
        proposal.contains("call = \"useFeatureFlag\"\nkey = 0\nlanguage = \"typescript\""),
        "{proposal}"
    );
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(0));
    let out = stdout(&flaglint(
        &["check", "--output-format", "concise"],
        dir.path(),
    ));
    assert!(
        out.contains("feature-flags.ts:4:3: warning[unused-flag] flag `IS_C`"),
        "{out}"
    );
    assert!(out.contains("0 errors, 1 warning"), "{out}");
}

#[test]
fn init_writes_once_and_refuses_to_overwrite() {
    let dir = waffle_repository();
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(0));
    let written = std::fs::read_to_string(dir.path().join("flaglint.toml")).unwrap();
    assert!(written.contains("packs = [\"django-waffle\"]"), "{written}");
    assert!(
        written.contains("requirements.txt: django-waffle"),
        "{written}"
    );
    std::fs::write(dir.path().join("flaglint.toml"), "# mine\n").unwrap();
    assert_eq!(flaglint(&["init"], dir.path()).status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("flaglint.toml")).unwrap(),
        "# mine\n"
    );
    assert_eq!(
        flaglint(&["init", "--force"], dir.path()).status.code(),
        Some(0)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("flaglint.toml")).unwrap(),
        written
    );
}

#[test]
fn without_config_the_detected_packs_are_used_and_said() {
    let dir = waffle_repository();
    let output = flaglint(&["flags", "--format", "json"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr(&output).contains("using the packs its manifests name: django-waffle"));
    let inventory: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(inventory["flags"][0]["key"], "beta");
    // Waffle flags may live only in the database: no definition in code is not an error.
    assert_eq!(flaglint(&["check"], dir.path()).status.code(), Some(0));
}

#[test]
fn test_helpers_record_the_state_they_set() {
    let output = flaglint(
        &["flags", ".", "--format", "json"],
        &fixture("packs/django-waffle"),
    );
    let inventory: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let state_of = |key: &str| -> Vec<String> {
        inventory["flags"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["key"] == key)
            .flat_map(|f| f["references"].as_array().unwrap().iter())
            .filter_map(|r| r["state"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(state_of("new_dashboard"), ["on"]);
    assert_eq!(state_of("reports_v2"), ["off"]);
    assert_eq!(state_of("sampled_logging"), ["on"]);
}

/// A small git repository: a definitions file, two files checking flags, one finding in each.
fn changed_files_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "flaglint.toml",
        "[[definitions]]\nside = \"backend\"\npath = \"app/flags.py\"\n[[checks]]\ncall = \"on\"\nkey = 0\n",
    );
    write("app/flags.py", "A = \"a\"\nB = \"b\"\n");
    write(
        "app/one.py",
        "from app.flags import A\non(A)\non(\"typo_one\")\n",
    );
    write(
        "app/two.py",
        "from app.flags import B\non(B)\non(\"typo_two\")\n",
    );
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "user.name=a",
                "-c",
                "user.email=a@b",
            ])
            .args(args)
            .current_dir(root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", root)
            .status()
            .unwrap();
        assert!(status.success());
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "start"]);
    dir
}

fn finding_places(output: &Output) -> Vec<(String, String)> {
    let report: serde_json::Value = serde_json::from_str(&stdout(output)).unwrap();
    let mut places: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    places.sort();
    places
}

#[test]
fn file_arguments_index_everything_and_report_on_those_files() {
    let dir = changed_files_repository();
    let root = dir.path();
    let all = flaglint(&["check", "--format", "json"], root);
    assert_eq!(finding_places(&all).len(), 2);
    let one = flaglint(&["check", "app/one.py", "--format", "json"], root);
    assert_eq!(
        finding_places(&one),
        [("app/one.py".to_string(), "undefined-flag".to_string())]
    );
    // From a subdirectory, paths are relative to where flaglint runs.
    let sub = flaglint(&["check", "two.py", "--format", "json"], &root.join("app"));
    assert_eq!(
        finding_places(&sub),
        [("app/two.py".to_string(), "undefined-flag".to_string())]
    );
    // Removing a constant from the definitions file: reported where it is still used.
    std::fs::write(root.join("app/flags.py"), "A = \"a\"\n").unwrap();
    let defs = flaglint(&["check", "app/flags.py", "--format", "json"], root);
    assert_eq!(
        finding_places(&defs),
        [("app/two.py".to_string(), "undefined-flag".to_string())]
    );
    // Changed since the last commit: the definitions file, and what it causes.
    let changed = flaglint(
        &["check", "--changed-since", "HEAD", "--format", "json"],
        root,
    );
    assert_eq!(finding_places(&changed), finding_places(&defs));
    // A path that does not exist is an error, not an empty report.
    let gone = flaglint(&["check", "app/gone.py", "--format", "json"], root);
    assert_eq!(gone.status.code(), Some(2));
}

#[test]
fn changed_since_in_a_project_below_the_work_tree_root() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let root = repo.join("services/api");
    for (rel, text) in [
        (
            "flaglint.toml",
            "[[definitions]]\nside = \"backend\"\npath = \"app/flags.py\"\n[[checks]]\ncall = \"on\"\nkey = 0\n",
        ),
        ("app/flags.py", "A = \"a\"\n"),
        ("app/one.py", "from app.flags import A\non(A)\non(\"typo_one\")\n"),
        ("app/two.py", "from app.flags import A\non(A)\n"),
    ] {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &["commit", "-qm", "one"],
    ] {
        common::git(repo, args, "2026-01-05T10:00:00Z");
    }
    std::fs::write(
        root.join("app/two.py"),
        "from app.flags import A\non(A)\non(\"typo_two\")\n",
    )
    .unwrap();
    for cwd in [repo, &root] {
        let changed = flaglint(
            &[
                "check",
                "--changed-since",
                "HEAD",
                "--format",
                "json",
                &root.display().to_string(),
            ],
            cwd,
        );
        assert_eq!(
            finding_places(&changed),
            [("app/two.py".to_string(), "undefined-flag".to_string())],
            "{}",
            stderr(&changed)
        );
    }
}

#[test]
fn baseline_hides_known_findings_and_counts_stale_entries() {
    let dir = changed_files_repository();
    let root = dir.path();
    let write = flaglint(&["check", "--write-baseline", "baseline.json"], root);
    assert_eq!(write.status.code(), Some(0), "{}", stderr(&write));
    // Known findings are hidden, even after lines move.
    std::fs::write(
        root.join("app/one.py"),
        "# a comment moves everything down\nfrom app.flags import A\n\non(A)\non(\"typo_one\")\n",
    )
    .unwrap();
    let known = flaglint(
        &["check", "--baseline", "baseline.json", "--format", "json"],
        root,
    );
    assert_eq!(known.status.code(), Some(0), "{}", stdout(&known));
    let report: serde_json::Value = serde_json::from_str(&stdout(&known)).unwrap();
    assert_eq!(report["summary"]["baselined"], 2);
    // A new finding is reported; a fixed one leaves a stale entry, counted in a note.
    std::fs::write(
        root.join("app/two.py"),
        "from app.flags import B\non(B)\non(\"typo_new\")\n",
    )
    .unwrap();
    let config = std::fs::read_to_string(root.join("flaglint.toml")).unwrap();
    std::fs::write(
        root.join("flaglint.toml"),
        format!("baseline = \"baseline.json\"\n{config}"),
    )
    .unwrap();
    let new = flaglint(&["check", "--format", "json"], root);
    assert_eq!(new.status.code(), Some(1));
    assert_eq!(
        finding_places(&new),
        [("app/two.py".to_string(), "undefined-flag".to_string())]
    );
    assert!(
        stderr(&new).contains("1 baseline entry of"),
        "{}",
        stderr(&new)
    );
    let bad = flaglint(&["check", "--baseline", "flaglint.toml"], root);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("not a flaglint baseline"));
}

#[test]
fn rule_selection_statistics_and_concise_output() {
    let demo = fixture("demo");
    let all = flaglint(&["check", "--statistics"], &demo);
    let statistics = stdout(&all);
    assert!(
        statistics.contains("\tundefined-flag\t[error]"),
        "{statistics}"
    );
    assert!(
        statistics.ends_with("16 flags; 1 suppressed\n"),
        "{statistics}"
    );

    let selected = flaglint(
        &[
            "check",
            "--select",
            "undefined-flag",
            "--output-format",
            "concise",
            "-q",
        ],
        &demo,
    );
    assert_eq!(selected.status.code(), Some(1));
    let lines = stdout(&selected);
    assert!(
        lines
            .lines()
            .all(|l| l.contains(": error[undefined-flag] ")),
        "{lines}"
    );
    assert!(
        !lines.contains("errors,"),
        "quiet prints no summary: {lines}"
    );

    let ignored = flaglint(
        &["check", "--ignore", "undefined-flag", "--statistics", "-q"],
        &demo,
    );
    assert!(
        !stdout(&ignored).contains("undefined-flag"),
        "{}",
        stdout(&ignored)
    );

    let typo = flaglint(&["check", "--select", "undefined-flags"], &demo);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        stderr(&typo).contains("did you mean `undefined-flag`?"),
        "{}",
        stderr(&typo)
    );
}

#[test]
fn max_warnings_version_and_completions() {
    let demo = fixture("demo");
    let warnings_only = ["check", "--ignore", "undefined-flag,duplicate-flag,migration-conflict,flag-value-mismatch,deleted-flag-still-used,cleanup-in-wrong-app,migration-constant-missing,parse-error,internal-error"];
    let base = flaglint(&warnings_only, &demo);
    let mut many = warnings_only.to_vec();
    many.extend(["--max-warnings", "1000"]);
    assert_eq!(flaglint(&many, &demo).status.code(), base.status.code());
    let mut none = warnings_only.to_vec();
    none.extend(["--max-warnings", "0"]);
    assert_eq!(
        flaglint(&none, &demo).status.code(),
        Some(1),
        "{}",
        stdout(&base)
    );

    let version = flaglint(&["version"], &demo);
    assert_eq!(
        stdout(&version),
        format!("flaglint {}\n", env!("CARGO_PKG_VERSION"))
    );
    let bash = flaglint(&["completions", "bash"], &demo);
    assert_eq!(bash.status.code(), Some(0));
    assert!(stdout(&bash).contains("flaglint"), "{}", stdout(&bash));
}

#[test]
fn one_flag_query_lists_its_occurrences_and_lifecycle() {
    let (out, code) = run(&["flags", "--flag", "binary_interface"], "demo");
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("binary_interface\n"), "{out}");
    assert!(
        out.contains("  check       backend/users/views.py:7:18\n"),
        "{out}"
    );
    assert!(out.contains("  readiness   "), "{out}");
    assert!(!out.contains("pricing_paywall"), "{out}");
    let output = flaglint(&["flags", "--flag", "binary_interfac"], &fixture("demo"));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("did you mean `binary_interface`?"));
}

#[test]
fn per_file_rules_change_levels_by_path() {
    let (_dir, root) = common::demo_copy();
    let config = root.join("flaglint.toml");
    let mut text = std::fs::read_to_string(&config).expect("the demo config");
    text.push_str("\n[per-file-rules]\n\"frontend/**\" = [\"undefined-flag\"]\n\"backend/users/*.py\" = { negated-fork = \"error\" }\n");
    std::fs::write(&config, text).expect("written");
    let output = flaglint(&["check", "--format", "concise"], &root);
    let out = stdout(&output);
    assert!(
        !out.contains("WorkletPanel.tsx:7:36: error[undefined-flag]"),
        "{out}"
    );
    assert!(
        out.contains("backend/users/api.py:27:36: error[undefined-flag]"),
        "{out}"
    );
    assert!(
        out.contains("backend/users/views.py:27:12: error[negated-fork]"),
        "{out}"
    );
    let settings = stdout(&flaglint(
        &["check", "--show-settings", "--ignore", "unused-flag"],
        &root,
    ));
    assert!(settings.contains("  unused-flag = off\n"), "{settings}");
    assert!(
        settings.contains("per-file-rules \"frontend/**\": undefined-flag = off"),
        "{settings}"
    );
    std::fs::write(
        &config,
        "[per-file-rules]\n\"x/**\" = { unused-flags = \"off\" }\n",
    )
    .expect("written");
    let bad = flaglint(&["check"], &root);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("unused-flags"), "{}", stderr(&bad));
}

#[test]
fn sides_map_paths_to_the_side_their_code_is_on() {
    let (_dir, root) = common::demo_copy();
    let quiet = flaglint(&["check", "--format", "concise"], &root);
    assert!(
        stdout(&quiet).contains("frontend-only-gate"),
        "{}",
        stdout(&quiet)
    );
    let config = root.join("flaglint.toml");
    let mut text = std::fs::read_to_string(&config).expect("the demo config");
    // A TypeScript file of the server: its checks are backend checks.
    text.push_str("\n[sides]\nbackend = [\"frontend/components/WorkletPanel.tsx\"]\n");
    std::fs::write(&config, text).expect("written");
    let output = flaglint(&["check", "--format", "concise"], &root);
    assert!(
        !stdout(&output).contains("frontend-only-gate"),
        "{}",
        stdout(&output)
    );
    std::fs::write(&config, "[sides]\nserver = [\"x/**\"]\n").expect("written");
    let bad = flaglint(&["check"], &root);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("unknown side `server`"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn roots_scan_another_checkout_as_part_of_the_project() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    write(
        "backend/flaglint.toml",
        "roots = [\"../client\"]\n\n[[definitions]]\nside = \"backend\"\npath = \"app/flags.py\"\n\n[[definitions]]\nside = \"frontend\"\npath = \"../client/src/flags.ts\"\n\n[[checks]]\ncall = \"is_on\"\nkey = 0\nlanguage = \"python\"\n\n[[checks]]\ncall = \"useFlag\"\nkey = 0\nlanguage = \"typescript\"\n",
    );
    write(
        "backend/app/flags.py",
        "NEW_NAV = \"new_nav\"\nOLD_API = \"old_api\"\n",
    );
    write(
        "backend/app/views.py",
        "from app.flags import NEW_NAV\n\n\ndef v():\n    return is_on(NEW_NAV)\n",
    );
    write(
        "client/src/flags.ts",
        "export enum Flags {\n  NEW_NAV = 'new_nav',\n  OLD_API = 'old_api',\n}\n",
    );
    write(
        "client/src/nav.tsx",
        "import { Flags } from './flags';\n\nexport const Nav = () => (useFlag(Flags.OLD_API) ? 1 : 2);\n",
    );
    let output = flaglint(
        &["check", "--format", "concise"],
        &dir.path().join("backend"),
    );
    let out = stdout(&output);
    // The client's check of `old_api` counts: the flag is used, only by the frontend.
    assert!(
        out.contains("../client/src/nav.tsx:3:27: info[frontend-only-gate] flag `old_api`"),
        "{out}"
    );
    assert!(!out.contains("unused-flag"), "{out}");
    // Each checkout is its own repository: a file is dated by the history of the one it is in.
    for (checkout, date) in [
        ("backend", "2026-01-01T12:00:00Z"),
        ("client", "2026-03-01T12:00:00Z"),
    ] {
        let at = dir.path().join(checkout);
        common::git(&at, &["init", "-q"], date);
        common::git(&at, &["add", "-A"], date);
        common::git(&at, &["commit", "-q", "-m", "first"], date);
    }
    let report = report_json(dir.path().join("backend"));
    let flags = report["flags"].as_array().expect("flags");
    let introduced = |key: &str| {
        let flag = flags.iter().find(|f| f["key"] == key).expect("the flag");
        (
            flag["introduced"].as_str().unwrap_or("").to_string(),
            flag["introduced_from"].as_str().unwrap_or("").to_string(),
        )
    };
    assert_eq!(
        introduced("new_nav"),
        (
            "2026-01-01".to_string(),
            "git blame app/flags.py:1".to_string()
        )
    );
    std::fs::remove_file(dir.path().join("backend/app/flags.py")).expect("removed");
    std::fs::write(
        dir.path().join("backend/flaglint.toml"),
        "roots = [\"../client\"]\n\n[[definitions]]\nside = \"frontend\"\npath = \"../client/src/flags.ts\"\n",
    )
    .expect("written");
    let report = report_json(dir.path().join("backend"));
    let flag = report["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .find(|f| f["key"] == "old_api")
        .expect("the flag")
        .clone();
    assert_eq!(flag["introduced"], "2026-03-01", "{flag}");
    assert_eq!(
        flag["introduced_from"], "git blame ../client/src/flags.ts:3",
        "{flag}"
    );
    std::fs::write(
        dir.path().join("backend/flaglint.toml"),
        "roots = [\"../nowhere\"]\n",
    )
    .expect("written");
    let bad = flaglint(&["check"], &dir.path().join("backend"));
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("`../nowhere` is not a directory"),
        "{}",
        stderr(&bad)
    );
}

/// Writes `text` to `rel` under `root`, with its directories.
/// Each flag's check sites (`path:line`), from `flaglint flags --format json` in `dir`.
fn check_sites(dir: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let flags = stdout(&flaglint(&["flags", "--format", "json"], dir));
    let flags: serde_json::Value = serde_json::from_str(&flags).expect("json");
    flags["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| {
            let sites = f["checks"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| format!("{}:{}", c["path"].as_str().unwrap_or(""), c["line"]))
                .collect();
            (f["key"].as_str().unwrap_or("").to_string(), sites)
        })
        .collect()
}

fn write_file(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
    std::fs::write(path, text).expect("written");
}

/// `flaglint report --format json` in `dir`, ages measured to 2026-06-01.
fn report_json(dir: impl AsRef<Path>) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_flaglint"))
        .args(["report", "--format", "json"])
        .current_dir(dir)
        .env("FLAGLINT_TODAY", "2026-06-01")
        .output()
        .expect("flaglint runs");
    serde_json::from_slice(&output.stdout).expect("json")
}
