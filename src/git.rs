//! Reading the repository's git history, offline, with one `git` process per question.
//!
//! Everything here degrades to "not known": outside a git work tree, without `git` installed, or
//! when the history is shallow, the answers are simply empty.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::django::Recovered;

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
    }
}
