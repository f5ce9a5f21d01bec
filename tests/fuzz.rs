//! A deterministic mutation fuzzer over every kind of file flaglint reads: fixed seeds, a fixed
//! number of cases, each bounded in time. Every case must finish with findings or none, never a
//! panic, never an `internal-error`, and with every output format rendered.
//!
//! `FLAGLINT_FUZZ_CASES=N` runs N cases instead of the default (e.g. a long run before a release).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flaglint::baseline::{fingerprints, Baseline};
use flaglint::config;
use flaglint::date::Date;
use flaglint::project::PathDisplay;
use flaglint::report::{ci, html, human, json, lifecycle};
use flaglint::{contain_panics, scan, ScanError, ScanOptions};

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

/// Cases per run by default: enough to cover every seed file several times.
const DEFAULT_CASES: usize = 240;

/// Cases that once broke a promise (two long-line mutations that took over 30 s each), run
/// on every test run whatever the case count.
const REGRESSIONS: &[usize] = &[816, 817];

/// Far above any case's real cost: a case that takes this long is a hang.
const CASE_BUDGET: Duration = Duration::from_secs(30);

/// The fixture projects whose files seed the mutations.
const PROJECTS: &[&str] = &[
    "demo",
    "django-styles",
    "definitions",
    "packs/django-waffle",
    "packs/django-flags",
    "packs/launchdarkly",
    "rust-paths",
    "typescript-imports",
    "shapes",
];

/// Text that tends to break lexers and parsers.
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "`",
    "\"\"\"",
    "\\",
    "\n",
    "\r\n",
    "\t",
    "é",
    "😀",
    "\u{0}",
    "\u{feff}",
    "\u{202e}",
    "# flaglint: ignore",
    "// flaglint: ignore[undefined-flag]",
    "/*",
    "*/",
    "{#",
    "#}",
    "{% flag \"x\" %}",
    "{% endflag %}",
    "<",
    ">",
    "</",
    "/>",
    "&",
    "=>",
    "?.",
    "::",
    "r#\"",
    "\"#",
    "f\"{",
    "${",
    "as ",
    "let ",
    "if ",
    "else:",
    "not ",
    "!",
    ";",
    ",",
    ":",
    "=",
    "flaglint: remove-by=9999999999-12-31",
    "flaglint: type=release",
];

/// One mutation of `bytes`: insert a token, delete, duplicate or swap a range, truncate, or
/// repeat a slice into a long line.
fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.index(4) {
        let len = out.len();
        let at = rng.index(len + 1);
        let span = rng.index(64).min(len - at);
        match rng.index(7) {
            0 | 1 => {
                let token = TOKENS[rng.index(TOKENS.len())].as_bytes();
                out.splice(at..at, token.iter().copied());
            }
            2 => {
                out.drain(at..at + span);
            }
            3 => {
                let slice = out[at..at + span].to_vec();
                out.splice(at..at, slice);
            }
            4 => {
                let other = rng.index(len + 1);
                let (a, b) = (at.min(other), at.max(other));
                if b + span <= len && a + span <= b {
                    for i in 0..span {
                        out.swap(a + i, b + i);
                    }
                }
            }
            5 => out.truncate(at),
            _ => {
                let slice: Vec<u8> = out[at..at + span]
                    .iter()
                    .copied()
                    .filter(|&b| b != b'\n')
                    .collect();
                let times = 1 + rng.index(2000);
                let long: Vec<u8> = slice.repeat(times);
                out.splice(at..at, long);
            }
        }
    }
    out
}

fn copy_tree(from: &Path, to: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            files.push(target);
        }
    }
    files
}

/// Scans `root` with its configuration and renders every output; the first broken promise.
fn run_case(root: &Path) -> Result<(), String> {
    let config = match config::load(&root.join("flaglint.toml")) {
        Ok(config) => config,
        // A mutated configuration may be invalid: an error that points at it is the contract.
        Err(error) => {
            let (excerpt, _) = flaglint::text::excerpt(&error.source_text, error.span.clone());
            return if error.to_string().is_empty()
                || excerpt.len() > error.source_text.len() * 2 + 4096
            {
                Err("a configuration error without a message".to_string())
            } else {
                Ok(())
            };
        }
    };
    let today = Date::parse("2026-06-01").unwrap();
    let scan = match scan(ScanOptions {
        root: root.to_path_buf(),
        config,
        threads: 1,
        today,
        date_checks: true,
    }) {
        Ok(scan) => scan,
        // A mutated `.gitignore` may leave nothing to scan: saying so is the contract.
        Err(ScanError::AllIgnored(..)) => return Ok(()),
        Err(e) => return Err(format!("the scan could not run: {e}")),
    };
    if let Some(d) = scan
        .diagnostics
        .iter()
        .find(|d| d.rule.name() == "internal-error")
    {
        return Err(format!("internal-error in {}: {}", d.path, d.message));
    }
    let text = json::check(&scan);
    serde_json::from_str::<serde_json::Value>(&text).map_err(|e| format!("bad JSON: {e}"))?;
    serde_json::from_str::<serde_json::Value>(&json::flags(&scan, &None))
        .map_err(|e| format!("bad flags JSON: {e}"))?;
    let style = human::Style {
        color: false,
        width: 100,
    };
    human::check(&scan, style, &PathDisplay::default());
    human::flags(&scan, &PathDisplay::default(), &None);
    let prints = fingerprints(&scan);
    ci::sarif(&scan, &prints);
    ci::github(&scan);
    ci::gitlab(&scan, &prints);
    ci::junit(&scan);
    let baseline = Baseline::of(&scan).to_json();
    serde_json::from_str::<serde_json::Value>(&baseline)
        .map_err(|e| format!("bad baseline JSON: {e}"))?;
    let assessments = flaglint::lifecycle::assess(&scan.index, &scan.config, &scan.analysis, &[]);
    let document = lifecycle::document(&scan.index, &scan.analysis, &assessments, &[]);
    lifecycle::human(&document);
    lifecycle::markdown(&document);
    lifecycle::csv(&document);
    html::render(&document);
    Ok(())
}

/// Reading a mutated state export or baseline: an error or a value, never a panic.
fn read_documents(dir: &Path, rng: &mut Rng) {
    let state = br#"[{"model": "waffle.flag", "pk": 1, "fields": {"name": "new_nav", "everyone": true, "percent": null}}, {"model": "waffle.switch", "pk": 2, "fields": {"name": "s", "active": false}}]"#;
    let map = br#"{"new_nav": true, "beta": 25, "off": false}"#;
    let baseline = br#"{"version": 1, "entries": [{"rule": "undefined-flag", "path": "a.py", "fingerprint": "00ff", "count": 2}]}"#;
    for seed in [&state[..], &map[..], &baseline[..]] {
        let file = dir.join("document.json");
        std::fs::write(&file, mutate(seed, rng)).unwrap();
        let _ = flaglint::state::load("prod", &file);
        let _ = Baseline::load(&file);
    }
}

#[test]
fn mutated_files_never_break_a_run() {
    let cases: usize = std::env::var("FLAGLINT_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let work = tempfile::tempdir().unwrap();
    let projects: Vec<(PathBuf, Vec<PathBuf>)> = PROJECTS
        .iter()
        .map(|name| {
            let root = work.path().join(name.replace('/', "-"));
            let files = copy_tree(&fixtures.join(name), &root);
            (root, files)
        })
        .collect();
    // `FLAGLINT_FUZZ_ONLY=N` replays one case, and `FLAGLINT_FUZZ_KEEP=DIR` keeps its file there.
    let only: Option<usize> = std::env::var("FLAGLINT_FUZZ_ONLY")
        .ok()
        .and_then(|n| n.parse().ok());
    let keep = std::env::var_os("FLAGLINT_FUZZ_KEEP").map(PathBuf::from);
    let mut failures = Vec::new();
    let all = (0..cases).chain(REGRESSIONS.iter().copied().filter(|&case| case >= cases));
    for case in all.filter(|case| only.is_none_or(|only| only == *case)) {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (case as u64 + 1).wrapping_mul(0x100_0000_01b3));
        let (root, files) = &projects[case % projects.len()];
        let file = &files[rng.index(files.len())];
        let original = std::fs::read(file).unwrap();
        let mutated = mutate(&original, &mut rng);
        std::fs::write(file, &mutated).unwrap();
        if let Some(dir) = &keep {
            let name = file.file_name().unwrap().to_string_lossy();
            std::fs::write(dir.join(format!("case-{case}-{name}")), &mutated).unwrap();
        }
        let started = Instant::now();
        let outcome = contain_panics(|| run_case(root))
            .unwrap_or_else(|panic| Err(format!("panic: {panic}")))
            .and_then(|()| {
                contain_panics(|| read_documents(work.path(), &mut rng))
                    .map_err(|panic| format!("panic reading a document: {panic}"))
            });
        let elapsed = started.elapsed();
        let rel = file
            .strip_prefix(work.path())
            .unwrap()
            .display()
            .to_string();
        if let Err(message) = outcome {
            failures.push(format!("case {case} ({rel}): {message}"));
        } else if elapsed > CASE_BUDGET {
            failures.push(format!("case {case} ({rel}): took {elapsed:?}"));
        }
        std::fs::write(file, original).unwrap();
    }
    println!(
        "{cases} mutation cases run, and {} regressions",
        REGRESSIONS.len()
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
