//! Integration tests of what flaglint promises when things go wrong: writes that fail, inputs that
//! are not what they seem, repositories that configure programs, clocks that move, names that are
//! not text.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{flaglint, git};

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

/// A repository-to-be with one definitions file, the `on(key)` check and the given files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec![(
        "flaglint.toml",
        "[[definitions]]\nside = \"backend\"\npath = \"flags.py\"\n[[checks]]\ncall = \"on\"\nkey = 0\n",
    )];
    all.extend_from_slice(files);
    for (rel, text) in all {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `flaglint ARGS` in `dir` with stdout going to `/dev/full`.
#[cfg(target_os = "linux")]
fn to_full_disk(args: &[&str], dir: &Path) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    Command::new(env!("CARGO_BIN_EXE_flaglint"))
        .env("FLAGLINT_TODAY", "2026-06-01")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::from(full))
        .output()
        .unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_to_stdout_is_exit_2() {
    for args in [
        &["flags", "--format", "json", "."][..],
        &["check", "--format", "sarif", "--exit-zero", "."],
        &["report", "--format", "html", "."],
        &["rule", "stale-flag"],
    ] {
        let output = to_full_disk(args, &demo());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains("cannot write to stdout"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

/// A reader that goes away: the output (larger than a pipe holds) cannot all be written, whenever
/// the reader leaves.
#[cfg(unix)]
#[test]
fn a_closed_pipe_is_quiet_but_not_a_success() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flaglint"))
        .args(["check", "--format", "sarif", "--exit-zero", "."])
        .current_dir(demo())
        .env("FLAGLINT_TODAY", "2026-06-01")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!stderr(&output).contains("error"), "{}", stderr(&output));
}

/// A file-size limit (`ulimit -f`, with SIGXFSZ ignored) makes the write of `--output` fail
/// midway, as a full disk does.
#[cfg(unix)]
#[test]
fn a_failed_output_write_leaves_no_file() {
    let out = tempfile::tempdir().unwrap();
    let script = format!(
        "ulimit -f 1; trap '' XFSZ; exec '{}' \"$@\"",
        env!("CARGO_BIN_EXE_flaglint")
    );
    let target = out.path().join("findings.sarif");
    let output = Command::new("sh")
        .args([
            "-c", &script, "sh", "check", "--format", "sarif", "--output",
        ])
        .arg(&target)
        .arg(demo())
        .env("FLAGLINT_TODAY", "2026-06-01")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot write"),
        "{}",
        stderr(&output)
    );
    assert_eq!(names(out.path()), Vec::<String>::new());
}

/// The child half of [`a_signal_removes_the_temporary_output`]: a pending output, then a wait.
#[cfg(unix)]
fn pending_output_until_killed(dir: &Path) {
    use std::io::Write;
    let mut pending = flaglint::files::PendingFile::create(&dir.join("report.html")).unwrap();
    pending.write_all(b"<html>half").unwrap();
    println!("ready");
    std::io::stdout().flush().unwrap();
    std::thread::sleep(std::time::Duration::from_secs(60));
    panic!("not stopped");
}

#[cfg(unix)]
#[test]
fn a_signal_removes_the_temporary_output() {
    use std::io::BufRead;
    if let Some(dir) = std::env::var_os("FLAGLINT_PENDING_OUTPUT_DIR") {
        pending_output_until_killed(Path::new(&dir));
        return;
    }
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "a_signal_removes_the_temporary_output",
                "--nocapture",
            ])
            .env("FLAGLINT_PENDING_OUTPUT_DIR", dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        for line in stdout.lines() {
            if line.unwrap() == "ready" {
                break;
            }
        }
        let pending = names(dir.path());
        assert_eq!(pending.len(), 1, "{pending:?}");
        assert!(pending[0].starts_with(".report.html."), "{pending:?}");
        let killed = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(killed.success());
        assert_eq!(child.wait().unwrap().code(), Some(code), "SIG{signal}");
        assert_eq!(names(dir.path()), Vec::<String>::new(), "SIG{signal}");
    }
}

#[cfg(unix)]
#[test]
fn an_unreadable_root_is_exit_2() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[("flags.py", "A = \"a\"\n"), ("app/views.py", "on(\"b\")\n")]);
    let app = dir.path().join("app");
    std::fs::set_permissions(&app, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read_dir(&app).is_ok();
    let output = flaglint(&["check", "app"], dir.path());
    std::fs::set_permissions(&app, std::fs::Permissions::from_mode(0o755)).unwrap();
    if readable {
        // Permissions do not bind this user (root): nothing to test.
        return;
    }
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot read"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn ignore_files_that_leave_nothing_to_scan_are_exit_2() {
    let dir = project(&[
        (".gitignore", "*\n"),
        ("flags.py", "A = \"a\"\n"),
        ("app/views.py", "on(\"undefined\")\n"),
    ]);
    let output = flaglint(&["check", "."], dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(err.contains("no source file to scan"), "{err}");
    assert!(err.contains("app/views.py"), "{err}");
    // A directory with no source file at all is simply empty.
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("README.md"), "# x\n").unwrap();
    std::fs::write(
        empty.path().join("flaglint.toml"),
        "[[checks]]\ncall = \"on\"\nkey = 0\n",
    )
    .unwrap();
    assert_eq!(
        flaglint(&["check", "."], empty.path()).status.code(),
        Some(0)
    );
}

#[test]
fn inputs_must_be_bounded_regular_files() {
    let dir = project(&[("flags.py", "A = \"a\"\n"), ("app.py", "on(\"a\")\n")]);
    let big = dir.path().join("prod.json");
    // Sparse: its size is refused before a byte is read.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    let output = flaglint(&["report", "--state", "prod=prod.json", "."], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("over the limit of 64 MB"),
        "{}",
        stderr(&output)
    );
    #[cfg(unix)]
    for args in [
        &["check", "--baseline", "/dev/zero", "."][..],
        &["report", "--state", "prod=/dev/zero", "."],
    ] {
        let output = flaglint(args, dir.path());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains("not a regular file"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn configured_paths_stay_inside_the_project() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.toml");
    std::fs::write(&secret, "s3cr3t-key-material\n").unwrap();
    let baseline = outside.path().join("baseline.json");
    std::fs::write(&baseline, "{\"version\": 1, \"entries\": []}\n").unwrap();
    let secret_path = secret.display().to_string();
    let dir = project(&[("flags.py", "A = \"a\"\n"), ("app.py", "on(\"a\")\n")]);
    let config = dir.path().join("flaglint.toml");
    let base = std::fs::read_to_string(&config).unwrap();
    for setting in [
        format!("packs = [{secret_path:?}]\n"),
        "packs = [\"../secret.toml\"]\n".to_string(),
        format!("baseline = {secret_path:?}\n"),
    ] {
        std::fs::write(&config, format!("{setting}{base}")).unwrap();
        let output = flaglint(&["check", "."], dir.path());
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{setting}: {err}");
        if !setting.contains("../") {
            assert!(err.contains("outside the project"), "{setting}: {err}");
        }
        assert!(!err.contains("s3cr3t"), "{setting}: {err}");
    }
    // The command line may name any file.
    std::fs::write(&config, &base).unwrap();
    let output = flaglint(
        &["check", "--baseline", &baseline.display().to_string(), "."],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// A repository whose configuration runs programs that leave marker files in `markers`: a file
/// system monitor, a clean filter, a text conversion, an external diff, a signature checker.
fn booby_trapped_repository(markers: &Path) -> tempfile::TempDir {
    let dir = project(&[
        ("flags.py", "A = \"a\"  # flaglint: type=release\n"),
        ("app.py", "on(\"a\")\n"),
        ("other.py", "on(\"unknown_elsewhere\")\n"),
        ("app/latest_migrations/app", "0001_initial\n"),
        ("app/models.py", "x = 1\n"),
        ("logo.png", "not read\n"),
    ]);
    let root = dir.path();
    std::fs::write(root.join(".gitattributes"), "* filter=evil diff=evil\n").unwrap();
    git(root, &["init", "-q"], "2025-01-01T10:00:00Z");
    git(root, &["add", "-A"], "2025-01-01T10:00:00Z");
    git(root, &["commit", "-qm", "one"], "2025-01-01T10:00:00Z");
    // Configured last: setting the repository up runs none of it.
    let touch = |name: &str| format!("touch '{}'; cat", markers.join(name).display());
    for (key, value) in [
        ("core.fsmonitor", touch("fsmonitor")),
        ("filter.evil.clean", touch("clean")),
        ("filter.evil.smudge", touch("smudge")),
        ("filter.evil.process", touch("process")),
        ("diff.evil.textconv", touch("textconv")),
        ("diff.evil.command", touch("diff-command")),
        ("diff.external", touch("external-diff")),
        ("gpg.program", touch("gpg")),
        ("log.showSignature", "true".to_string()),
        ("core.pager", touch("pager")),
    ] {
        git(root, &["config", key, &value], "2025-01-01T10:00:00Z");
    }
    // Work-tree changes that git would run the clean filter on to compare.
    std::fs::write(root.join("app.py"), "on(\"a\")\non(\"undefined_here\")\n").unwrap();
    std::fs::write(root.join("new.py"), "on(\"undefined_new\")\n").unwrap();
    std::fs::write(root.join("app/latest_migrations/app"), "0002_next\n").unwrap();
    std::fs::write(root.join("logo.png"), "changed, not read\n").unwrap();
    std::fs::remove_file(root.join("app/models.py")).unwrap();
    dir
}

#[test]
fn git_never_runs_a_program_the_repository_configures() {
    let markers = tempfile::tempdir().unwrap();
    let dir = booby_trapped_repository(markers.path());
    let root = dir.path();
    for args in [
        &["check", "."][..],
        &["check", "--format", "json", "--changed-since", "HEAD", "."],
        &["check", "--changed-since", "HEAD", "app.py", "new.py"],
        &["flags", "."],
        &["report", "--format", "json", "."],
        &["init", "--stdout", "."],
    ] {
        let output = flaglint(args, root);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(names(markers.path()), Vec::<String>::new(), "{args:?}");
    }
    // What git was still asked gave the right answers.
    let changed = flaglint(
        &["check", "--format", "json", "--changed-since", "HEAD"],
        root,
    );
    let report: serde_json::Value = serde_json::from_slice(&changed.stdout).unwrap();
    let mut paths: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    paths.dedup();
    assert_eq!(paths, ["app.py", "new.py"], "{}", stderr(&changed));
    let files = flaglint::changed::changed_since(root, "HEAD").unwrap();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    assert_eq!(
        files,
        [
            "app.py",
            "app/latest_migrations/app",
            "app/models.py",
            "new.py"
        ]
    );
    let report = flaglint(&["report", "--format", "json", "."], root);
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(report["flags"][0]["introduced"], "2025-01-01");
}

#[test]
fn revisions_are_never_options() {
    let markers = tempfile::tempdir().unwrap();
    let dir = booby_trapped_repository(markers.path());
    let planted = markers.path().join("written-by-git");
    let option = format!("--output={}", planted.display());
    for rev in [option.as_str(), "-p", "HEAD\n--output=x", "no-such-commit"] {
        let output = flaglint(
            &["check", &format!("--changed-since={rev}"), "."],
            dir.path(),
        );
        assert_eq!(output.status.code(), Some(2), "{rev}");
        assert!(
            stderr(&output).contains("not a"),
            "{rev}: {}",
            stderr(&output)
        );
    }
    assert!(!planted.exists());
}

/// A repository of three commits: `OLD` defined in 2025, an unrelated change, `NEW` defined in
/// 2026; both flags still checked.
fn aged_repository() -> tempfile::TempDir {
    let dir = project(&[
        ("flags.py", "OLD = \"old\"\n"),
        ("app.py", "from flags import OLD, NEW\non(OLD)\non(NEW)\n"),
    ]);
    let root = dir.path();
    git(root, &["init", "-q"], "2025-01-01T10:00:00Z");
    git(root, &["add", "-A"], "2025-01-01T10:00:00Z");
    git(root, &["commit", "-qm", "old"], "2025-01-01T10:00:00Z");
    std::fs::write(root.join("README.md"), "x\n").unwrap();
    git(root, &["add", "-A"], "2026-01-01T10:00:00Z");
    git(root, &["commit", "-qm", "readme"], "2026-01-01T10:00:00Z");
    std::fs::write(root.join("flags.py"), "OLD = \"old\"\nNEW = \"new\"\n").unwrap();
    git(root, &["commit", "-qam", "new"], "2026-05-01T10:00:00Z");
    dir
}

fn report_json(dir: &Path) -> (serde_json::Value, String) {
    let output = flaglint(&["report", "--format", "json", "."], dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (
        serde_json::from_slice(&output.stdout).unwrap(),
        stderr(&output),
    )
}

fn ages(report: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    report["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["key"].as_str().unwrap().to_string(),
                f["age_days"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_shallow_clone_has_unknown_ages_and_says_so() {
    let full = aged_repository();
    let (report, err) = report_json(full.path());
    assert_eq!(report["notes"], serde_json::json!([]));
    assert!(!err.contains("shallow"), "{err}");
    assert_eq!(
        ages(&report),
        [
            ("new".to_string(), serde_json::json!(31)),
            ("old".to_string(), serde_json::json!(516)),
        ]
    );
    let clones = tempfile::tempdir().unwrap();
    let clone = clones.path().join("clone");
    let url = format!("file://{}", full.path().display());
    let status = Command::new("git")
        .args(["clone", "-q", "--depth", "2", &url])
        .arg(&clone)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .unwrap();
    assert!(status.success());
    let (report, err) = report_json(&clone);
    assert!(err.contains("shallow clone"), "{err}");
    assert!(report["notes"][0]
        .as_str()
        .unwrap()
        .contains("fetch-depth: 0"));
    // `NEW` was written inside the fetched history; `OLD` before it: unknown, not 0.
    assert_eq!(
        ages(&report),
        [
            ("new".to_string(), serde_json::json!(31)),
            ("old".to_string(), serde_json::Value::Null),
        ]
    );
    for format in ["human", "markdown", "html"] {
        let output = flaglint(&["report", "--format", format, "."], &clone);
        assert!(stdout(&output).contains("shallow clone"), "{format}");
    }
    // `check` says so too, and claims no age for `OLD`.
    let config = clone.join("flaglint.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[rules]\nstale-flag = \"warning\"\n");
    std::fs::write(&config, text).unwrap();
    let output = flaglint(&["check", "--format", "json", "."], &clone);
    assert!(
        stderr(&output).contains("shallow clone"),
        "{}",
        stderr(&output)
    );
    assert!(
        !stdout(&output).contains("stale-flag"),
        "{}",
        stdout(&output)
    );
    std::fs::copy(&config, full.path().join("flaglint.toml")).unwrap();
    let output = flaglint(&["check", "--format", "json", "."], full.path());
    assert!(stdout(&output).contains("flag `old` is stale"));
}

#[test]
fn the_calendar_never_changes_the_exit_code() {
    let dir = project(&[
        (
            "flags.py",
            "A = \"a\"  # flaglint: remove-by=2026-01-01\nB = \"b\"  # flaglint: remove-by=9223372036854775807-12-31\n",
        ),
        ("app.py", "from flags import A, B\non(A)\non(B)\n"),
    ]);
    let output = flaglint(
        &["check", "--deny-warnings", "--format", "json", "."],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let stale: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "stale-flag")
        .map(|d| (d["flag"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(stale, [("a", "info")]);
    let err = stderr(&output);
    assert!(
        err.contains("flags.py:2: `remove-by=9223372036854775807-12-31` is not a date"),
        "{err}"
    );
    // The configuration may make it count.
    let config = dir.path().join("flaglint.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[rules]\nstale-flag = \"warning\"\n");
    std::fs::write(&config, text).unwrap();
    let output = flaglint(&["check", "--deny-warnings", "."], dir.path());
    assert_eq!(output.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn names_and_keys_from_the_repository_cannot_drive_the_terminal() {
    use std::os::unix::ffi::OsStrExt;
    let dir = project(&[
        ("flags.py", "A = \"a\"\n"),
        ("app.py", "on(\"\u{1b}]0;owned\u{7}\")\n"),
    ]);
    for name in [&b"k\xff.py"[..], b"k\xfe.py", b"esc\x1b[2J.py"] {
        std::fs::write(
            dir.path().join(std::ffi::OsStr::from_bytes(name)),
            "on(\"undefined\")\n",
        )
        .unwrap();
    }
    let output = flaglint(&["flags", "--format", "json", "."], dir.path());
    let inventory: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let flag = inventory["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "undefined")
        .unwrap();
    let paths: Vec<&str> = flag["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["esc\u{1b}[2J.py", "k\\xfe.py", "k\\xff.py"]);
    for args in [&["check", "."][..], &["flags", "."], &["report", "."]] {
        let output = flaglint(args, dir.path());
        let printed = [stdout(&output), stderr(&output)].concat();
        assert!(!printed.contains('\u{1b}'), "{args:?}: {printed}");
        assert!(!printed.contains('\u{7}'), "{args:?}: {printed}");
        assert!(
            printed.contains("\\u{1b}]0;owned\\u{7}"),
            "{args:?}: {printed}"
        );
        if args[0] != "report" {
            assert!(printed.contains("esc\\u{1b}[2J.py"), "{args:?}: {printed}");
        }
    }
    let check = stdout(&flaglint(&["check", "."], dir.path()));
    assert!(check.contains("on(\"\\u{1b}]0;owned\\u{7}\")"), "{check}");
}

#[test]
fn a_configuration_error_cannot_drive_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flaglint.toml"),
        "[[checks]]\ncall = \"on\"\nkey = 0\nlanguage = \"\u{1b}[2J\"\n",
    )
    .unwrap();
    let output = flaglint(&["check", "."], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(!err.contains('\u{1b}'), "{err}");
    assert!(
        err.contains("line 4") && err.contains("\\u{1b}[2J"),
        "{err}"
    );
}
