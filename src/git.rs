//! Running `git`, offline, with one process per question.
//!
//! git never runs a program the repository configures on flaglint's behalf: every command goes
//! through [`command`], reads commits, the index or blobs only (never the work tree through git,
//! which would run `filter.*.clean`), and diffs without external diff drivers or text
//! conversions ([`SAFE_DIFF`]). The work tree is read by flaglint itself.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `git -C root` with the repository's hooks into program execution turned off: the file system
/// monitor (`core.fsmonitor`, run by any command that reads the index), signature verification
/// (`log.showSignature` runs `gpg.program`), pagers and optional index writes. Diffs also need
/// [`SAFE_DIFF`]; stdin is closed, stderr discarded.
pub fn command(root: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(root)
        .arg("--no-pager")
        .args(["-c", "core.fsmonitor=false"])
        .args(["-c", "core.quotepath=off"])
        .args(["-c", "log.showSignature=false"])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// Options of every command that prints a patch: no external diff (`diff.external`,
/// `diff.<driver>.command`) and no text conversion (`diff.<driver>.textconv`).
pub const SAFE_DIFF: &[&str] = &["--no-ext-diff", "--no-textconv"];

/// Runs a git command; its stdout, or `None` when it cannot run or fails.
pub fn stdout_of(mut command: Command) -> Option<Vec<u8>> {
    let output = command.output().ok()?;
    output.status.success().then_some(output.stdout)
}

/// Whether `root` is inside a git work tree (and `git` runs at all).
pub fn is_work_tree(root: &Path) -> bool {
    let mut git = command(root);
    git.args(["rev-parse", "--is-inside-work-tree"]);
    stdout_of(git).is_some_and(|out| out.starts_with(b"true"))
}

/// The root of the git work tree around `dir`, if any.
pub fn toplevel(dir: &Path) -> Option<PathBuf> {
    let mut git = command(dir);
    git.args(["rev-parse", "--show-toplevel"]);
    let out = stdout_of(git)?;
    let text = String::from_utf8(out).ok()?;
    let top = text.trim_end_matches(['\n', '\r']);
    (!top.is_empty()).then(|| PathBuf::from(top))
}

/// The commit checked out at `root`, in full.
pub fn head_revision(root: &Path) -> Option<String> {
    let mut git = command(root);
    git.args(["rev-parse", "--verify", "HEAD"]);
    let out = String::from_utf8(stdout_of(git)?).ok()?;
    let rev = out.trim();
    (rev.len() >= 40 && rev.chars().all(|c| c.is_ascii_hexdigit())).then(|| rev.to_string())
}
