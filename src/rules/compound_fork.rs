//! `compound-fork`: a flag check or-ed with another condition, so the gated branch runs without it.

use super::{production_forks, RuleContext, RuleDoc};
use crate::facts::{Body, Fork};

pub const DOC: RuleDoc = RuleDoc {
    summary:
        "a flag check is or-ed with another condition, so the gated code also runs without the flag",
    what_it_does: "Off by default. Reports an `if` or ternary whose flag check is or-ed with \
another operand (`or`, `||`, counting negations: `not (not flag and x)` is an or), so that the \
branch the flag opens is also taken with the flag off: `if flag or user.is_staff: <new>`. Sees \
through a local variable assigned once from a check.\n\n\
Not reported: a flag and-ed with the condition where its feature applies (`if flag and \
mask.enabled:`, `flag && onboarding ? null : <Controls/>`, `if request.path == PAGE and not flag: \
return redirect(..)`), whose cleanup removes one operand; an `if` whose branch only logs or warns \
(`if option_used && !preview.is_enabled(X) { warn!(..) }`).",
    why_is_this_bad: "A branch the flag gates that also runs without the flag is not gated: \
turning the flag off does not turn the feature off, and a rollout measured on the flag counts \
users who had the feature anyway.",
    example: "if get_flag_for_user(user, NEW_EXPORT) or user.is_staff:  # compound-fork\n    \
new_export()\nelse:\n    old_export()",
    how_to_fix: "Gate the branch on the flag alone, and reach the other audience through the \
flag's own targeting (a group, users, a percentage) rather than an `or` in code.",
};

/// The branch the flag opens is also taken with the flag off, and it does more than log.
fn bypasses_flag(fork: &Fork) -> bool {
    fork.then_without_flag && matches!(fork.then_body, Body::Exit | Body::Code)
}

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    for (file, fork, flag) in production_forks(index) {
        if !bypasses_flag(fork) {
            continue;
        }
        let message = format!("the code gated by `{flag}` also runs with the flag off");
        let help = "gate the branch on the flag alone; reach the other audience through the flag's targeting";
        ctx.report(index.path(file), fork.span, message)
            .help(help)
            .label("flag or-ed with another condition")
            .flag(flag);
    }
}
