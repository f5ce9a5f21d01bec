//! Reading the repository's git history, offline, with one `git` process per question.
//!
//! Everything here degrades to "not known": outside a git work tree, without `git` installed, or
//! when the history is shallow, the answers are simply empty.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::date::Date;
use crate::django::Recovered;

/// Whether `root` is inside a git work tree (and `git` runs at all).
pub fn is_work_tree(root: &Path) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--is-inside-work-tree"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"true"))
}

/// The day each wanted line (1-based, numbered as in the working tree) was last changed, for many
/// files at once: one `git diff -U0 HEAD` (uncommitted lines are dated `today`) and one `git log -p
/// -U0` over the files' history, newest first, following each line back through the hunks until
/// the commit that wrote it. Merges are walked in log order, so a line from a merged branch gets
/// the date of the commit that wrote it on that branch. Lines git cannot date are left out.
pub fn line_dates(
    root: &Path,
    wanted: &BTreeMap<String, Vec<u32>>,
    today: Date,
) -> HashMap<(String, u32), Date> {
    let mut dated = HashMap::new();
    if wanted.is_empty() {
        return dated;
    }
    // Per file: (line as wanted, the same line in the revision being looked at).
    let mut open: HashMap<String, Vec<(u32, u32)>> = wanted
        .iter()
        .map(|(rel, lines)| {
            let mut lines = lines.clone();
            lines.sort_unstable();
            lines.dedup();
            (rel.clone(), lines.into_iter().map(|l| (l, l)).collect())
        })
        .collect();
    let paths = pathspecs(wanted.keys().map(String::as_str));
    // Working tree against HEAD: lines inside a hunk are not committed yet.
    if let Some(diff) = run(
        root,
        &[&["diff", "-U0", "HEAD"], DIFF_OPTIONS].concat(),
        &paths,
    ) {
        for (file, hunks) in file_hunks(&diff) {
            if let Some(lines) = open.get_mut(&file) {
                follow(&file, lines, &hunks, today, &mut dated);
            }
        }
    }
    let Some(log) = run(
        root,
        &[&["log", "-p", "-U0", "--format=%x00%at"], DIFF_OPTIONS].concat(),
        &paths,
    ) else {
        return dated;
    };
    let mut seen: HashSet<String> = HashSet::new();
    for (seconds, diff) in commits(&log) {
        let date = Date::from_unix(seconds);
        for (file, hunks) in file_hunks(diff) {
            if let Some(lines) = open.get_mut(&file) {
                follow(&file, lines, &hunks, date, &mut dated);
                seen.insert(file);
            }
        }
        open.retain(|_, lines| !lines.is_empty());
        if open.is_empty() {
            break;
        }
    }
    // Files git has never seen are new: every line of them is today's.
    let unseen: Vec<String> = open
        .keys()
        .filter(|f| !seen.contains(*f))
        .map(|f| format!(":(literal){f}"))
        .collect();
    if !unseen.is_empty() {
        if let Some(tracked) = run(root, &["ls-files"], &unseen) {
            let tracked: HashSet<&str> = tracked.lines().collect();
            for (file, lines) in &open {
                if !seen.contains(file) && !tracked.contains(file.as_str()) {
                    for (wanted, _) in lines {
                        dated.insert((file.clone(), *wanted), today);
                    }
                }
            }
        }
    }
    dated
}

/// Most pathspecs handed to git: it matches each against every path of every commit, so a few
/// directories are much cheaper than many files (other files' hunks are skipped when read).
const MAX_PATHSPECS: usize = 16;

/// Pathspecs covering `files`: the files themselves when they are few, else their directories,
/// merged upward until there are at most [`MAX_PATHSPECS`].
fn pathspecs<'a>(files: impl Iterator<Item = &'a str>) -> Vec<String> {
    let files: Vec<&str> = files.collect();
    if files.len() <= MAX_PATHSPECS {
        return files.iter().map(|f| format!(":(literal){f}")).collect();
    }
    let mut dirs: Vec<String> = files
        .iter()
        .map(|f| f.rsplit_once('/').map_or("", |(d, _)| d).to_string())
        .collect();
    loop {
        dirs.sort();
        dirs.dedup();
        // Drop directories inside another one of the set.
        let mut kept: Vec<String> = Vec::new();
        for dir in dirs {
            let covered = kept
                .iter()
                .any(|k| k.is_empty() || dir == *k || dir.starts_with(&format!("{k}/")));
            if !covered {
                kept.push(dir);
            }
        }
        if kept.len() <= MAX_PATHSPECS || kept.iter().any(String::is_empty) {
            return kept
                .into_iter()
                .map(|d| {
                    if d.is_empty() {
                        ":(literal).".to_string()
                    } else {
                        format!(":(literal){d}")
                    }
                })
                .collect();
        }
        // One level up for the deepest directories.
        let deepest = kept
            .iter()
            .map(|d| d.matches('/').count())
            .max()
            .unwrap_or(0);
        dirs = kept
            .into_iter()
            .map(|d| {
                if d.matches('/').count() == deepest {
                    d.rsplit_once('/')
                        .map_or(String::new(), |(p, _)| p.to_string())
                } else {
                    d
                }
            })
            .collect();
    }
}

/// Patches as the line follower reads them: plain, no renames, paths relative to the scanned root
/// (which may be a subdirectory of the repository).
const DIFF_OPTIONS: &[&str] = &[
    "--no-color",
    "--no-ext-diff",
    "--no-renames",
    "--no-textconv",
    "--relative",
];

/// Runs a git command over pathspecs; its stdout, or `None` when it fails.
fn run(root: &Path, args: &[&str], paths: &[String]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "core.quotepath=off"])
        .args(args)
        .arg("--")
        .args(paths)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Splits `git log --format=%x00%at -p` output into (author time, patch text) per commit.
fn commits(log: &str) -> impl Iterator<Item = (i64, &str)> {
    log.split('\0').filter_map(|chunk| {
        let (time, rest) = chunk.split_once('\n').unwrap_or((chunk, ""));
        time.trim().parse().ok().map(|seconds| (seconds, rest))
    })
}

/// A hunk header `@@ -a,b +c,d @@`: (a, b, c, d).
type Hunk = (u32, u32, u32, u32);

/// The hunks of each file of a patch, in order.
fn file_hunks(patch: &str) -> Vec<(String, Vec<Hunk>)> {
    let mut files: Vec<(String, Vec<Hunk>)> = Vec::new();
    for line in patch.lines() {
        if let Some(rest) = line.strip_prefix("diff --git a/") {
            // `a/X b/X` without renames: the new name is the second half.
            let name = rest.split_once(" b/").map_or(rest, |(_, b)| b);
            files.push((name.to_string(), Vec::new()));
        } else if let Some(header) = line.strip_prefix("@@ -") {
            let Some((ranges, _)) = header.split_once(" @@") else {
                continue;
            };
            let Some((old, new)) = ranges.split_once(" +") else {
                continue;
            };
            let range = |r: &str| -> Option<(u32, u32)> {
                match r.split_once(',') {
                    Some((start, len)) => Some((start.parse().ok()?, len.parse().ok()?)),
                    None => Some((r.parse().ok()?, 1)),
                }
            };
            if let (Some((a, b)), Some((c, d)), Some(file)) =
                (range(old), range(new), files.last_mut())
            {
                file.1.push((a, b, c, d));
            }
        }
    }
    files
}

/// Moves a file's open lines back through one revision's hunks: a line a hunk writes is dated and
/// closed; the others are renumbered as they were before the revision.
fn follow(
    file: &str,
    lines: &mut Vec<(u32, u32)>,
    hunks: &[Hunk],
    date: Date,
    dated: &mut HashMap<(String, u32), Date>,
) {
    lines.retain_mut(|(wanted, current)| {
        let mut shift: i64 = 0;
        for &(_, old_len, new_start, new_len) in hunks {
            let written = new_len > 0 && (new_start..new_start + new_len).contains(current);
            if written {
                dated.insert((file.to_string(), *wanted), date);
                return false;
            }
            // A hunk entirely before the line (a pure deletion sits after line `new_start`).
            let before = if new_len == 0 {
                new_start < *current
            } else {
                new_start + new_len <= *current
            };
            if before {
                shift += i64::from(old_len) - i64::from(new_len);
            }
        }
        *current = (i64::from(*current) + shift).max(1) as u32;
        true
    });
}

/// The last string value each of `names` had in the file `rel` (relative to `root`), from the
/// newest commit whose diff of the file adds or removes a line declaring it.
pub fn last_values(root: &Path, rel: &str, names: &[&str]) -> HashMap<String, Recovered> {
    let mut found = HashMap::new();
    let names: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .collect();
    if names.is_empty() {
        return found;
    }
    let pattern = format!("({})", names.join("|"));
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "core.quotepath=off",
            "log",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--format=%x00%H %cs",
            "-p",
            "--extended-regexp",
        ])
        .arg(format!("-G{pattern}"))
        .arg("--")
        .arg(rel)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    let Ok(output) = output else {
        return found;
    };
    if !output.status.success() {
        return found;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut commit = ("", "");
    for line in text.lines() {
        if let Some(header) = line.strip_prefix('\0') {
            let mut parts = header.split(' ');
            commit = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            continue;
        }
        if line.starts_with("---") || line.starts_with("+++") {
            continue;
        }
        let Some(content) = line.strip_prefix('-').or_else(|| line.strip_prefix('+')) else {
            continue;
        };
        for name in &names {
            if found.contains_key(*name) {
                continue;
            }
            if let Some(value) = declared_value(content, name) {
                found.insert(
                    name.to_string(),
                    Recovered::Git {
                        value,
                        commit: commit.0.chars().take(12).collect(),
                        date: commit.1.to_string(),
                    },
                );
            }
        }
        if found.len() == names.len() {
            break;
        }
    }
    found
}

/// The string a line of a definitions file gives `name`: `NAME = "v"`, `NAME: str = "v"`,
/// `export const NAME = 'v'`, `NAME = 'v',` (an enum member), `NAME: 'v'` (an object property),
/// `pub const NAME: &str = "v";`.
pub fn declared_value(line: &str, name: &str) -> Option<String> {
    let mut rest = line.trim_start();
    for prefix in [
        "export ",
        "pub(crate) ",
        "pub ",
        "const ",
        "static ",
        "readonly ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest).trim_start();
    }
    let rest = rest
        .strip_prefix(name)
        .or_else(|| rest.strip_prefix(&format!("\"{name}\"")))
        .or_else(|| rest.strip_prefix(&format!("'{name}'")))?;
    if rest
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
    {
        return None;
    }
    let quote_at = rest.find(['"', '\''])?;
    let before = &rest[..quote_at];
    if !(before.contains('=') || before.contains(':')) || before.contains('(') {
        return None;
    }
    let quote = rest[quote_at..].chars().next()?;
    let mut value = String::new();
    let mut chars = rest[quote_at + 1..].chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.push(chars.next()?),
            c if c == quote => return Some(value),
            c => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_in_each_language() {
        let cases = [
            ("OLD = \"old_flag\"", Some("old_flag")),
            ("OLD: str = 'old_flag'  # comment", Some("old_flag")),
            ("  OLD = 'old_flag',", Some("old_flag")),
            ("  OLD: 'old_flag',", Some("old_flag")),
            ("export const OLD = \"old_flag\";", Some("old_flag")),
            ("pub const OLD: &str = \"old_flag\";", Some("old_flag")),
            ("OLDER = \"x\"", None),
            ("OLD = make(\"x\")", None),
            ("print(OLD, \"x\")", None),
            ("OLD = NEW", None),
        ];
        for (line, value) in cases {
            assert_eq!(declared_value(line, "OLD").as_deref(), value, "{line}");
        }
    }

    #[test]
    fn many_files_become_a_few_directories() {
        let few = pathspecs(["a/b.py", "c.py"].into_iter());
        assert_eq!(few, [":(literal)a/b.py", ":(literal)c.py"]);
        let files: Vec<String> = (0..40)
            .map(|i| format!("backend/app{i}/views.py"))
            .collect();
        let mut all = files.clone();
        all.push("backend/feature_flags/flags.py".to_string());
        assert_eq!(
            pathspecs(all.iter().map(String::as_str)),
            [":(literal)backend"]
        );
        let spread: Vec<String> = (0..40).map(|i| format!("top{i}/x.py")).collect();
        assert_eq!(
            pathspecs(spread.iter().map(String::as_str)),
            [":(literal)."]
        );
    }

    #[test]
    fn outside_a_repository_nothing_is_known() {
        let dir = tempfile::tempdir().unwrap();
        assert!(last_values(dir.path(), "flags.py", &["OLD"]).is_empty());
        let wanted = BTreeMap::from([("flags.py".to_string(), vec![1])]);
        assert!(line_dates(dir.path(), &wanted, Date(0)).is_empty());
        assert!(!is_work_tree(dir.path()));
    }

    fn git(dir: &Path, args: &[&str], date: &str) {
        let status = Command::new("git")
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "a")
            .env("GIT_AUTHOR_EMAIL", "a@example.com")
            .env("GIT_COMMITTER_NAME", "a")
            .env("GIT_COMMITTER_EMAIL", "a@example.com")
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .status()
            .unwrap();
        assert!(status.success());
    }

    #[test]
    fn blame_dates_lines_and_history_gives_removed_values() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"], "2026-01-05T10:00:00Z");
        std::fs::write(root.join("flags.py"), "A = \"a\"\nOLD = \"old_flag\"\n").unwrap();
        git(root, &["add", "-A"], "2026-01-05T10:00:00Z");
        git(root, &["commit", "-qm", "one"], "2026-01-05T10:00:00Z");
        std::fs::write(root.join("flags.py"), "A = \"a\"\nB = \"b\"\n").unwrap();
        git(root, &["commit", "-qam", "two"], "2026-03-01T10:00:00Z");
        std::fs::write(root.join("flags.py"), "A = \"a\"\nB = \"b\"\nC = \"c\"\n").unwrap();
        assert!(is_work_tree(root));
        let today = Date::parse("2026-05-01").unwrap();
        let wanted = BTreeMap::from([("flags.py".to_string(), vec![1, 2, 3, 9])]);
        let dates = line_dates(root, &wanted, today);
        let text = |line: u32| {
            dates
                .get(&("flags.py".to_string(), line))
                .map(|d| d.to_string())
        };
        assert_eq!(text(1).as_deref(), Some("2026-01-05"));
        assert_eq!(text(2).as_deref(), Some("2026-03-01"));
        assert_eq!(text(3).as_deref(), Some("2026-05-01"));
        assert_eq!(text(9), None);
        // A scan rooted in a subdirectory, with a file git has never seen.
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/old.py"), "X = 1\n").unwrap();
        git(root, &["add", "sub/old.py"], "2026-04-01T10:00:00Z");
        git(root, &["commit", "-qm", "sub"], "2026-04-01T10:00:00Z");
        std::fs::write(root.join("sub/new.py"), "Y = 2\n").unwrap();
        let wanted = BTreeMap::from([
            ("old.py".to_string(), vec![1]),
            ("new.py".to_string(), vec![1]),
        ]);
        let dates = line_dates(&root.join("sub"), &wanted, today);
        let text = |file: &str| dates.get(&(file.to_string(), 1)).map(|d| d.to_string());
        assert_eq!(text("old.py").as_deref(), Some("2026-04-01"));
        assert_eq!(text("new.py").as_deref(), Some("2026-05-01"));
        let found = last_values(root, "flags.py", &["OLD", "A", "NEVER"]);
        assert!(
            matches!(found.get("OLD"), Some(Recovered::Git { value, date, .. })
            if value == "old_flag" && date == "2026-03-01")
        );
        assert!(found.contains_key("A"));
        assert!(!found.contains_key("NEVER"));
    }
}
