//! Reading the repository's git history, offline, with one `git` process per question.
//!
//! Everything here degrades to "not known": outside a git work tree, without `git` installed, or
//! when the history is shallow, the answers are simply empty.

use std::collections::HashMap;
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

/// Lines blamed at once with `-L`; more than this and the whole file is blamed.
const MAX_LINE_RANGES: usize = 64;

/// The day each of `lines` (1-based) of `rel` was last written, by author date, from one `git
/// blame`. Lines not committed yet are dated `today`; lines git cannot date are left out.
pub fn blame(root: &Path, rel: &str, lines: &[u32], today: Date) -> HashMap<u32, Date> {
    // `-L` past the end of the file fails the whole blame.
    let line_count = std::fs::read(root.join(rel))
        .map(|bytes| {
            let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
            (newlines + usize::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))) as u32
        })
        .unwrap_or(0);
    let mut wanted: Vec<u32> = lines
        .iter()
        .copied()
        .filter(|&l| l > 0 && l <= line_count)
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut dated = HashMap::new();
    if wanted.is_empty() {
        return dated;
    }
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(root)
        .args(["blame", "--line-porcelain", "-w"]);
    if wanted.len() <= MAX_LINE_RANGES {
        for line in &wanted {
            command.arg(format!("-L{line},{line}"));
        }
    }
    let output = command
        .arg("--")
        .arg(rel)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    let Ok(output) = output else {
        return dated;
    };
    if !output.status.success() {
        return dated;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut current: Option<(u32, bool)> = None;
    for line in text.lines() {
        if line.starts_with('\t') {
            current = None;
            continue;
        }
        let mut words = line.split(' ');
        let first = words.next().unwrap_or("");
        if first.len() == 40 && first.bytes().all(|b| b.is_ascii_hexdigit()) {
            let final_line = words.nth(1).and_then(|n| n.parse().ok());
            let uncommitted = first.bytes().all(|b| b == b'0');
            current = final_line.map(|n| (n, uncommitted));
            if let Some((n, true)) = current {
                if wanted.binary_search(&n).is_ok() {
                    dated.insert(n, today);
                }
            }
            continue;
        }
        if let (Some((n, false)), "author-time") = (current, first) {
            if let Some(seconds) = words.next().and_then(|s| s.parse::<i64>().ok()) {
                if wanted.binary_search(&n).is_ok() {
                    dated.insert(n, Date::from_unix(seconds));
                }
            }
        }
    }
    dated
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
    fn outside_a_repository_nothing_is_known() {
        let dir = tempfile::tempdir().unwrap();
        assert!(last_values(dir.path(), "flags.py", &["OLD"]).is_empty());
        assert!(blame(dir.path(), "flags.py", &[1], Date(0)).is_empty());
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
        let dates = blame(root, "flags.py", &[1, 2, 3, 9], today);
        let text = |line: u32| dates.get(&line).map(|d| d.to_string());
        assert_eq!(text(1).as_deref(), Some("2026-01-05"));
        assert_eq!(text(2).as_deref(), Some("2026-03-01"));
        assert_eq!(text(3).as_deref(), Some("2026-05-01"));
        assert_eq!(text(9), None);
        let found = last_values(root, "flags.py", &["OLD", "A", "NEVER"]);
        assert!(
            matches!(found.get("OLD"), Some(Recovered::Git { value, date, .. })
            if value == "old_flag" && date == "2026-03-01")
        );
        assert!(found.contains_key("A"));
        assert!(!found.contains_key("NEVER"));
    }
}
