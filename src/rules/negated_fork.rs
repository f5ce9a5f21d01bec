//! `negated-fork`: the new code path sits in the else branch or after a negated guard.

use super::{production_forks, Finding, RuleDoc, RuleId, Sink};
use crate::facts::ForkKind;
use crate::index::Index;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a flag fork tests the flag negatively, so the new code is in the else branch",
    what_it_does: "Reports an `if` or ternary whose whole condition is a negated flag check \
(`not`, `!`, `== False`, `is False`, `=== false`, ...) and that has an else branch, and a negated \
guard that returns, raises or breaks early so that the new logic follows it. Sees through a local \
variable assigned once from a check.",
    why_is_this_bad: "The playbook's shape is `if flag: new else: old`. Inverted, the new logic hides \
in the else branch or after the guard, and the cleanup edit (keep the new path, drop the old) is \
easy to get backwards.",
    example: "if not get_flag_for_user(user, NEW_BILLING):  # negated-fork\n    return old_invoice(user)\n\
return new_invoice(user)",
    how_to_fix: "Test the flag positively and put the new code in the first branch: \
`if get_flag_for_user(user, NEW_BILLING): return new_invoice(user)` then the old path.",
};

pub fn check(index: &Index, sink: &mut Sink) {
    if !sink.enabled(RuleId::NegatedFork) {
        return;
    }
    for (file, _, fork) in production_forks(index) {
        if !fork.negated || !(fork.has_else || fork.exits_early) {
            continue;
        }
        let (message, help) = if fork.has_else {
            (
                "negated flag fork: the new code path is in the else branch",
                "swap the branches and test the flag positively: `if flag: new else: old`",
            )
        } else {
            (
                "negated flag guard: the new code path follows an early exit",
                "test the flag positively: `if flag: new else: old`",
            )
        };
        let what = if fork.kind == ForkKind::Ternary {
            "negated flag ternary: the new value is the second branch"
        } else {
            message
        };
        sink.report(
            RuleId::NegatedFork,
            Finding {
                message: what.to_string(),
                help: Some(help.to_string()),
                label: Some("negated flag check".to_string()),
                path: index.path(file).to_string(),
                span: Some(fork.span),
                flag: super::fork_flag(index, file, fork),
            },
        );
    }
}
