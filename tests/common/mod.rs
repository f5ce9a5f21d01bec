//! Helpers shared by the integration tests.

use std::path::Path;
use std::process::Command;

/// Runs git in `dir` with a fixed identity and author/committer `date`, isolated from the
/// machine's configuration, so that commits (and their hashes) are the same everywhere.
pub fn git(dir: &Path, args: &[&str], date: &str) {
    let status = Command::new("git")
        .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Flag Owner")
        .env("GIT_AUTHOR_EMAIL", "owner@example.com")
        .env("GIT_COMMITTER_NAME", "Flag Owner")
        .env("GIT_COMMITTER_EMAIL", "owner@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}
