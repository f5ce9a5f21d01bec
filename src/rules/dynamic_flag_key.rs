//! `dynamic-flag-key`: a check whose key flaglint cannot know statically.

use super::{Finding, RuleDoc, RuleId, Sink};
use crate::index::{CheckKey, Index, RefKind};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a flag check's key is computed at run time",
    what_it_does: "Reports, as information, a check in production code whose key argument is not a \
string literal or a flag constant: a parameter, an f-string, a concatenation, a call result, or a \
name that does not resolve to a definition.",
    why_is_this_bad: "Nobody can tell from the code which flag is checked there, so the inventory, \
unused-flag and removal readiness cannot account for it. Wrappers that forward a key are fine; keys \
built from pieces (`PREFIX + name`) make flags impossible to find and remove.",
    example: "def is_beta(user, name):\n    return get_flag_for_user(user, \"beta_\" + name)  # dynamic-flag-key",
    how_to_fix: "Pass a constant from the definitions module. For a wrapper that forwards its \
argument, configure the wrapper itself as a check so that its callers are traced instead.",
};

pub fn check(index: &Index, sink: &mut Sink) {
    if !sink.enabled(RuleId::DynamicFlagKey) {
        return;
    }
    for check in &index.checks {
        let CheckKey::Dynamic(reason) = &check.key else {
            continue;
        };
        if check.kind != RefKind::Check {
            continue;
        }
        sink.report(
            RuleId::DynamicFlagKey,
            Finding {
                message: format!("flag key is not statically known: {reason}"),
                help: Some(
                    "pass a flag constant, or configure this function as a check if it forwards its key"
                        .to_string(),
                ),
                label: Some("computed key".to_string()),
                path: index.path(check.file).to_string(),
                span: Some(check.key_span),
                flag: None,
            },
        );
    }
}
