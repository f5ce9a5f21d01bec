//! `internal-error`: flaglint itself failed on one file; the run went on without it.

use super::{Finding, RuleContext};

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
