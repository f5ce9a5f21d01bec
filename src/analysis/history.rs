//! Reading the repository's git history: the day each line was last written, and the values
//! constants had in earlier commits. Every `git` process goes through [`crate::git::command`].
//!
//! Everything here degrades to "not known": outside a git work tree, or without `git` installed,
//! the answers are simply empty. In a shallow clone, lines older than the fetched history are left
//! undated.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Write};
use std::path::Path;
use std::process::Stdio;

use crate::date::Date;
use crate::git::{command, stdout_of, SAFE_DIFF};

/// The commits a shallow clone's history stops at (their parents were not fetched); `None` when
/// the repository has its whole history.
pub fn shallow_boundary(root: &Path) -> Option<HashSet<String>> {
    let mut git = command(root);
    git.args([
        "rev-parse",
        "--is-shallow-repository",
        "--git-path",
        "shallow",
    ]);
    let out = String::from_utf8(stdout_of(git)?).ok()?;
    let mut lines = out.lines();
    if lines.next() != Some("true") {
        return None;
    }
    let file = lines.next().map(|p| root.join(p));
    let commits = file
        .and_then(|f| crate::files::read_text(&f).ok())
        .unwrap_or_default();
    Some(commits.lines().map(|l| l.trim().to_string()).collect())
}

/// Dated lines: file and line (as wanted) to the day the line was last written.
#[derive(Debug, Default)]
pub struct LineDates {
    pub dates: HashMap<(String, u32), Date>,
    /// The repository is a shallow clone: lines older than its history are not dated.
    pub shallow: bool,
}

/// The day each wanted line (1-based, numbered as in the working tree) was last changed, for many
/// files at once: the working tree is compared with `HEAD` (read with one `git cat-file --batch`;
/// changed lines are dated `today`), then one `git log -p -U0` over the files' history, newest
/// first, follows each line back through the hunks until the commit that wrote it. Merges are
/// walked in log order, so a line from a merged branch gets the date of the commit that wrote it
/// on that branch. Lines git cannot date are left out, and so are the lines a shallow clone's
/// oldest commits write (their real dates are in history that was not fetched).
pub fn line_dates(root: &Path, wanted: &BTreeMap<String, Vec<u32>>, today: Date) -> LineDates {
    let mut dated = HashMap::new();
    let boundary = shallow_boundary(root);
    let shallow = boundary.is_some();
    if wanted.is_empty() {
        return LineDates {
            dates: dated,
            shallow,
        };
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
    uncommitted(root, &mut open, today, &mut dated);
    let paths = pathspecs(wanted.keys().map(String::as_str));
    let log = run(
        root,
        &[
            &["log", "-p", "-U0", "--format=%x00%at %H"],
            SAFE_DIFF,
            DIFF_OPTIONS,
        ]
        .concat(),
        &paths,
    );
    let mut seen: HashSet<String> = HashSet::new();
    for (seconds, commit, diff) in log.as_deref().map(commits).into_iter().flatten() {
        if open.is_empty() {
            break;
        }
        // A shallow clone's oldest commit seems to write every line it has.
        let date = match &boundary {
            Some(boundary) if boundary.contains(commit) => None,
            _ => Some(Date::from_unix(seconds)),
        };
        for (file, hunks) in file_hunks(diff) {
            if let Some(lines) = open.get_mut(&file) {
                follow(&file, lines, &hunks, date, &mut dated);
                seen.insert(file);
            }
        }
        open.retain(|_, lines| !lines.is_empty());
    }
    if log.is_none() {
        return LineDates {
            dates: dated,
            shallow,
        };
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
    LineDates {
        dates: dated,
        shallow,
    }
}

/// Dates the lines the working tree changed since `HEAD` (all of a file `HEAD` lacks) `today`,
/// and renumbers the others as they are in `HEAD`. Files that cannot be read stay undated.
fn uncommitted(
    root: &Path,
    open: &mut HashMap<String, Vec<(u32, u32)>>,
    today: Date,
    dated: &mut HashMap<(String, u32), Date>,
) {
    let files: Vec<String> = open.keys().cloned().collect();
    let committed = head_blobs(root, files);
    let mut unreadable = Vec::new();
    for (file, lines) in open.iter_mut() {
        let Ok(bytes) = std::fs::read(root.join(file)) else {
            unreadable.push(file.clone());
            continue;
        };
        let hunks = match committed.get(file) {
            Some(Some(old)) => line_hunks(old, &bytes),
            // Not in `HEAD` (or no `HEAD` yet): every line is new.
            Some(None) => vec![(0, 0, 1, u32::MAX)],
            // Not asked (a name git cannot be asked about): left to the history.
            None => Vec::new(),
        };
        follow(file, lines, &hunks, Some(today), dated);
    }
    for file in unreadable {
        open.remove(&file);
    }
    open.retain(|_, lines| !lines.is_empty());
}

/// Each file's content in `HEAD` (`None`: not there), with one `git cat-file --batch`. Files whose
/// names cannot be written on its input (a line feed) are not asked about.
fn head_blobs(root: &Path, mut files: Vec<String>) -> HashMap<String, Option<Vec<u8>>> {
    let mut found = HashMap::new();
    files.retain(|f| !f.contains(['\n', '\r']));
    if files.is_empty() {
        return found;
    }
    let mut git = command(root);
    git.args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let Ok(mut child) = git.spawn() else {
        return found;
    };
    let requests: String = files.iter().map(|f| format!("HEAD:./{f}\n")).collect();
    let writer = child.stdin.take().map(|mut stdin| {
        // Written from another thread: git answers while it reads, and a full pipe would block.
        std::thread::spawn(move || stdin.write_all(requests.as_bytes()))
    });
    let mut out = Vec::new();
    let read = child
        .stdout
        .take()
        .map(|mut stdout| stdout.read_to_end(&mut out));
    let written = writer.map(|w| w.join());
    let succeeded = child.wait().is_ok_and(|s| s.success());
    if !(succeeded && matches!(read, Some(Ok(_))) && matches!(written, Some(Ok(Ok(()))))) {
        return found;
    }
    let mut rest = out.as_slice();
    for file in files {
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            break;
        };
        let header = String::from_utf8_lossy(&rest[..end]).into_owned();
        rest = &rest[end + 1..];
        // `<object> <type> <size>`, or `<name> missing` (and the like) for no such object.
        let mut fields = header.rsplitn(3, ' ');
        let size = fields.next().and_then(|s| s.parse::<usize>().ok());
        let kind = fields.next();
        match (size, kind) {
            (Some(size), Some(kind)) if rest.len() > size => {
                let content = &rest[..size];
                rest = &rest[size + 1..];
                found.insert(file, (kind == "blob").then(|| content.to_vec()));
            }
            _ => {
                found.insert(file, None);
            }
        }
    }
    found
}

/// The hunks (as `git diff -U0` numbers them) that turn `old` into `new`, comparing lines without
/// their line ends (a checkout's CRLF is not a change).
fn line_hunks(old: &[u8], new: &[u8]) -> Vec<Hunk> {
    fn lines(bytes: &[u8]) -> Vec<&[u8]> {
        bytes
            .split_inclusive(|&b| b == b'\n')
            .map(|line| {
                let line = line.strip_suffix(b"\n").unwrap_or(line);
                line.strip_suffix(b"\r").unwrap_or(line)
            })
            .collect()
    }
    let (old, new) = (lines(old), lines(new));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    let start = |range: &std::ops::Range<usize>| {
        let start = range.start as u32;
        if range.is_empty() {
            start
        } else {
            start + 1
        }
    };
    similar::capture_diff_slices_deadline(similar::Algorithm::Myers, &old, &new, Some(deadline))
        .iter()
        .map(similar::DiffOp::as_tag_tuple)
        .filter(|(tag, _, _)| *tag != similar::DiffTag::Equal)
        .map(|(_, old, new)| (start(&old), old.len() as u32, start(&new), new.len() as u32))
        .collect()
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
const DIFF_OPTIONS: &[&str] = &["--no-color", "--no-renames", "--relative"];

/// Runs a git command over pathspecs; its stdout, or `None` when it fails.
fn run(root: &Path, args: &[&str], paths: &[String]) -> Option<String> {
    let mut git = command(root);
    git.args(args).arg("--").args(paths);
    stdout_of(git).map(|out| String::from_utf8_lossy(&out).into_owned())
}

/// Splits `git log --format='%x00%at %H' -p` output into (author time, commit, patch text) per
/// commit.
fn commits(log: &str) -> impl Iterator<Item = (i64, &str, &str)> {
    log.split('\0').filter_map(|chunk| {
        let (header, rest) = chunk.split_once('\n').unwrap_or((chunk, ""));
        let (time, commit) = header.trim().split_once(' ')?;
        time.parse().ok().map(|seconds| (seconds, commit, rest))
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

/// Moves a file's open lines back through one revision's hunks: a line a hunk writes is dated
/// (when the revision's date is known) and closed; the others are renumbered as they were before
/// the revision.
fn follow(
    file: &str,
    lines: &mut Vec<(u32, u32)>,
    hunks: &[Hunk],
    date: Option<Date>,
    dated: &mut HashMap<(String, u32), Date>,
) {
    lines.retain_mut(|(wanted, current)| {
        let mut shift: i64 = 0;
        for &(_, old_len, new_start, new_len) in hunks {
            let written = new_len > 0 && *current >= new_start && *current - new_start < new_len;
            if written {
                if let Some(date) = date {
                    dated.insert((file.to_string(), *wanted), date);
                }
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

/// A value a constant was declared with in an earlier commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PastValue {
    pub value: String,
    /// The commit's hash, shortened to 12 digits.
    pub commit: String,
    /// The commit's date, `YYYY-MM-DD`.
    pub date: String,
}

/// The last string value each of `names` had in the file `rel` (relative to `root`), from the
/// newest commit whose diff of the file adds or removes a line declaring it.
pub fn last_values(root: &Path, rel: &str, names: &[&str]) -> HashMap<String, PastValue> {
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
    let mut git = command(root);
    git.args(["log", "--no-color"])
        .args(SAFE_DIFF)
        .args(["--format=%x00%H %cs", "-p", "--extended-regexp"])
        .arg(format!("-G{pattern}"))
        .arg("--")
        .arg(format!(":(literal){rel}"));
    let Some(output) = stdout_of(git) else {
        return found;
    };
    let text = String::from_utf8_lossy(&output);
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
                    PastValue {
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
    use std::process::Command;

    use crate::git::is_work_tree;

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
        assert!(line_dates(dir.path(), &wanted, Date(0)).dates.is_empty());
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
        let dates = line_dates(root, &wanted, today).dates;
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
        let dates = line_dates(&root.join("sub"), &wanted, today).dates;
        let text = |file: &str| dates.get(&(file.to_string(), 1)).map(|d| d.to_string());
        assert_eq!(text("old.py").as_deref(), Some("2026-04-01"));
        assert_eq!(text("new.py").as_deref(), Some("2026-05-01"));
        let found = last_values(root, "flags.py", &["OLD", "A", "NEVER"]);
        assert!(
            matches!(found.get("OLD"), Some(PastValue { value, date, .. })
            if value == "old_flag" && date == "2026-03-01")
        );
        assert!(found.contains_key("A"));
        assert!(!found.contains_key("NEVER"));
    }
}
