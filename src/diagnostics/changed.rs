//! Reporting on some files only (`flaglint check a.py b.ts`, `--changed-since REV`): the whole
//! repository is still indexed, because cross-file facts need it; only the report is narrowed.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use crate::diagnostics::Scan;
use crate::git;
use crate::rules::RuleId;

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
///
/// Committed and staged changes come from comparing `rev`'s tree with the index; changes in the
/// working tree from hashing its files as they are (`git hash-object --no-filters`), so that no
/// clean filter the repository configures runs. Only files flaglint reads are hashed (the findings
/// are in them).
pub fn changed_since(root: &Path, rev: &str) -> Result<BTreeSet<String>, String> {
    if rev.is_empty() || rev.starts_with('-') || rev.contains(['\0', '\n', '\r']) {
        return Err(format!(
            "`{}` is not a git revision",
            crate::text::escape_controls(rev)
        ));
    }
    let run = |args: &[&str], input: Option<String>| -> Result<Vec<u8>, String> {
        let mut git = git::command(root);
        git.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
        if input.is_some() {
            git.stdin(Stdio::piped());
        }
        let mut child = git.spawn().map_err(|e| format!("cannot run git: {e}"))?;
        let writer = child.stdin.take().zip(input).map(|(mut stdin, input)| {
            std::thread::spawn(move || stdin.write_all(input.as_bytes()))
        });
        let output = child
            .wait_with_output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        if output.status.success() {
            Ok(output.stdout)
        } else {
            Err(format!(
                "git {}: {}",
                args.join(" "),
                crate::text::escape_controls(String::from_utf8_lossy(&output.stderr).trim())
            ))
        }
    };
    let names = |out: Vec<u8>| -> Vec<String> {
        out.split(|&b| b == 0)
            .filter(|name| !name.is_empty())
            .map(|name| String::from_utf8_lossy(name).into_owned())
            .collect()
    };
    let commit = run(
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
        None,
    )
    .map_err(|_| {
        format!(
            "`{}` is not a commit of the repository",
            crate::text::escape_controls(rev)
        )
    })?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    let mut files: BTreeSet<String> = BTreeSet::new();
    files.extend(names(run(
        &[
            "diff-index",
            "--cached",
            "--name-only",
            "-z",
            "--no-renames",
            "--relative",
            &commit,
            "--",
        ],
        None,
    )?));
    // Tracked files as the index has them: `<mode> <object> <stage>\t<path>`.
    let staged = run(&["ls-files", "--stage", "-z"], None)?;
    let mut to_hash: Vec<(String, String)> = Vec::new();
    for entry in staged.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (mode, object, stage) = (meta.next(), meta.next(), meta.next());
        let is_file = matches!(mode, Some("100644" | "100755"));
        if !is_file || !crate::index::walk::is_read(Path::new(path)) {
            continue;
        }
        if stage != Some("0") || path.contains(['\n', '\r']) || !root.join(path).is_file() {
            // A conflict, a name `hash-object` cannot be given, or a file deleted since: changed.
            files.insert(path.to_string());
        } else {
            to_hash.push((path.to_string(), object.unwrap_or_default().to_string()));
        }
    }
    if !to_hash.is_empty() {
        // `ls-files` names paths relative to the root; `hash-object` reads them from the work
        // tree's top level.
        let prefix = run(&["rev-parse", "--show-prefix"], None)?;
        let prefix = String::from_utf8_lossy(&prefix);
        let prefix = prefix.strip_suffix('\n').unwrap_or(&prefix);
        let input: String = to_hash
            .iter()
            .map(|(path, _)| format!("{prefix}{path}\n"))
            .collect();
        let hashed = run(
            &["hash-object", "--no-filters", "--stdin-paths"],
            Some(input),
        )?;
        let hashed = String::from_utf8_lossy(&hashed);
        for ((path, indexed), now) in to_hash.into_iter().zip(hashed.lines()) {
            if indexed != now {
                files.insert(path);
            }
        }
    }
    files.extend(names(run(
        &["ls-files", "--others", "--exclude-standard", "-z"],
        None,
    )?));
    Ok(files)
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
