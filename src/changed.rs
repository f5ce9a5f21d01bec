//! Reporting on some files only (`flaglint check a.py b.ts`, `--changed-since REV`): the whole
//! repository is still indexed, because cross-file facts need it; only the report is narrowed.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::rules::RuleId;
use crate::Scan;

/// What to report on: files and directories, relative to the scanned root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub files: BTreeSet<String>,
    pub dirs: BTreeSet<String>,
}

impl Scope {
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains(path)
            || self
                .dirs
                .iter()
                .any(|d| d.is_empty() || path.starts_with(&format!("{d}/")))
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.dirs.is_empty()
    }
}

/// Rules whose findings in one file can be caused by an edit of another (a definition added,
/// removed or changed): the cross-file ones. Fork shapes, parse errors and the like belong to the
/// file they are in.
const CROSS_FILE: &[RuleId] = &[
    RuleId::UndefinedFlag,
    RuleId::UnusedFlag,
    RuleId::DuplicateFlag,
    RuleId::FlagValueMismatch,
    RuleId::MissingBackendFlag,
    RuleId::FrontendOnlyGate,
    RuleId::LiteralFlagKey,
    RuleId::FlagNotCreated,
    RuleId::DeletedFlagStillUsed,
    RuleId::MigrationConstantMissing,
    RuleId::CleanupInWrongApp,
    RuleId::OrphanedFlag,
    RuleId::StaleFlag,
    RuleId::UntestedFlagState,
];

/// Keeps the findings located in the scope, and the cross-file findings elsewhere that the scope's
/// named files (not its directories) cause: those about a flag defined in them, and those naming
/// one of them (a constant removed from a definitions file is reported where it is still used,
/// naming that file). A directory's report is exactly the findings located in it.
pub fn narrow(scan: &mut Scan, scope: &Scope) {
    let index = &scan.index;
    let keys: BTreeSet<&str> = index
        .definitions
        .iter()
        .filter(|def| scope.files.contains(index.path(def.file)))
        .map(|def| def.key.as_str())
        .collect();
    let named: Vec<&String> = scope.files.iter().collect();
    scan.diagnostics.retain(|d| {
        scope.contains(&d.path)
            || (CROSS_FILE.contains(&d.rule)
                && (d.flag.as_deref().is_some_and(|k| keys.contains(k))
                    || named.iter().any(|f| d.message.contains(f.as_str()))))
    });
}

/// Files changed since `rev` (committed, staged or not), and untracked files, relative to `root`.
pub fn changed_since(root: &Path, rev: &str) -> Result<BTreeSet<String>, String> {
    let run = |args: &[&str]| -> Result<String, String> {
        let output = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["-c", "core.quotepath=off"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    };
    let mut files: BTreeSet<String> = BTreeSet::new();
    let diff = run(&[
        "diff",
        "--name-only",
        "--relative",
        "--no-renames",
        rev,
        "--",
    ])?;
    files.extend(diff.lines().map(str::to_string));
    let untracked = run(&["ls-files", "--others", "--exclude-standard"])?;
    files.extend(untracked.lines().map(str::to_string));
    Ok(files)
}

/// The root of the git work tree around `dir`, if any.
pub fn git_toplevel(dir: &Path) -> Option<std::path::PathBuf> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output.status.success().then(|| {
        std::path::PathBuf::from(String::from_utf8_lossy(&output.stdout).trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_matches_files_and_directories() {
        let scope = Scope {
            files: ["a/b.py".to_string()].into(),
            dirs: ["web".to_string()].into(),
        };
        assert!(scope.contains("a/b.py"));
        assert!(scope.contains("web/x/y.ts"));
        assert!(!scope.contains("a/b.pyc"));
        assert!(!scope.contains("webapp/x.ts"));
    }
}
