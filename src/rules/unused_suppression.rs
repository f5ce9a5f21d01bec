//! `unused-suppression`: a suppression comment that suppressed nothing (see `crate::diagnostics::suppress`).

use super::{RuleContext, RuleDoc};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a suppression comment suppressed nothing",
    what_it_does: "Reports a `flaglint: ignore[rule-id]` comment (or `ignore-file[...]`) that hid \
no diagnostic of a named rule, a suppression that names no rule or an unknown rule, and a file-level \
suppression placed after the first statement.",
    why_is_this_bad: "Stale suppressions hide the next real finding on that line, and blanket or \
misspelt ones never did what their author thought.",
    example: "# flaglint: ignore[undefined-flag]   <- the check below was fixed long ago\n\
if get_flag_for_user(user, BINARY_INTERFACE):\n    ...",
    how_to_fix: "Delete the suppression, or correct the rule id (`flaglint rule` lists them).",
};

/// Nothing to check in the index: suppressions are matched against the other rules' findings
/// afterwards, in `crate::suppress`.
pub(super) fn check(_: &mut RuleContext) {}
