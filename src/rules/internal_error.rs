//! `internal-error`: flaglint itself failed on one file; the run went on without it.

use super::{Finding, RuleContext, RuleDoc};

pub const DOC: RuleDoc = RuleDoc {
    summary: "flaglint failed while processing a file",
    what_it_does: "Reports a file on which flaglint hit an internal failure (a bug). The failure \
is contained: the rest of the repository is still checked.",
    why_is_this_bad: "Nothing in that file was indexed, so findings that depend on it may be \
missing or wrong.",
    example: "backend/huge_generated.py: internal error while processing this file: ...",
    how_to_fix:
        "Report the bug with the file (or a reduced copy). Meanwhile exclude the file with \
`exclude = [...]` in the configuration.",
};

/// Nothing to check in the index: the scan reports the files it failed on.
pub(super) fn check(_: &mut RuleContext) {}

/// The finding for a failure while processing `path`.
pub fn internal_error(path: &str, message: &str) -> Finding {
    Finding {
        message: format!("internal error while processing this file: {message}"),
        help: Some(
            "this is a bug in flaglint; the file was skipped and the rest of the repository checked"
                .to_string(),
        ),
        label: None,
        path: path.to_string(),
        span: None,
        flag: None,
    }
}
