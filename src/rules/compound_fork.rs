//! `compound-fork`: a flag check and-ed or or-ed with other conditions.

use super::{production_forks, Finding, RuleDoc, RuleId, Sink};
use crate::index::Index;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a flag check is combined with other conditions by and/or",
    what_it_does: "Reports an `if` or ternary whose condition combines a flag check with other \
operands by `and`/`or`/`&&`/`||` (at any depth). Sees through a local variable assigned once from a \
check.",
    why_is_this_bad: "When the flag is removed, the condition has to be rewritten by hand, and the \
old path is reached for two reasons at once (flag off, or the other condition false), which is \
how a cleanup changes behaviour by accident.",
    example: "if get_flag_for_user(user, NEW_EXPORT) and user.is_staff:  # compound-fork\n    new_export()\n\
else:\n    old_export()",
    how_to_fix: "Fork on the flag alone and keep the other condition inside the branch: \
`if flag: (if user.is_staff: new_export() else: old_export()) else: old_export()`.",
};

pub fn check(index: &Index, sink: &mut Sink) {
    if !sink.enabled(RuleId::CompoundFork) {
        return;
    }
    for (file, _, fork) in production_forks(index) {
        if !fork.compound {
            continue;
        }
        sink.report(
            RuleId::CompoundFork,
            Finding {
                message: "flag check combined with other conditions".to_string(),
                help: Some(
                    "fork on the flag alone, and test the other condition inside the branch"
                        .to_string(),
                ),
                label: Some("compound condition".to_string()),
                path: index.path(file).to_string(),
                span: Some(fork.span),
                flag: super::fork_flag(index, file, fork),
            },
        );
    }
}
