//! `unused-suppression`: a suppression comment that suppressed nothing (see `crate::diagnostics::suppress`).

use super::RuleContext;

/// Nothing to check in the index: suppressions are matched against the other rules' findings
/// afterwards, in `crate::suppress`.
pub(super) fn check(_: &mut RuleContext) {}
