//! `negated-fork`: an if/else or ternary that tests the flag negatively, with code in both branches.

use super::{production_forks, RuleContext, RuleDoc};
use crate::facts::{Body, Fork, ForkKind};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a flag fork tests the flag negatively with code in both branches: the new code is in the else",
    what_it_does: "Reports an `if`/`else` or ternary whose whole condition is a negated flag check \
(`not`, `!`, `== False`, `is False`, `=== false`, ...) when both branches hold code: the old path \
in the then-branch, the new one in the else. Sees through a local variable assigned once from a \
check.\n\n\
Not reported: a negated guard with no else (`if not flag_is_active(request, \"x\"): return \
HttpResponseForbidden()`, `if (!flag) return null;`, `if !enabled { bail!(..) }`), which is how a \
view or a component is gated and whose cleanup is deleting the guard; a branch that only exits or \
only logs; a negated check heading an `if`/`elif` chain; an `elif`/`else if`; a ternary with a \
`None`/`null`/`undefined` side.",
    why_is_this_bad: "The playbook's shape is `if flag: new else: old`. Inverted, the new logic \
hides in the else branch, and the cleanup edit (keep the new path, drop the old) is easy to get \
backwards.",
    example: "if not get_flag_for_user(user, NEW_BILLING):  # negated-fork\n    total = old_total(user)\n    \
send_legacy_invoice(user, total)\nelse:\n    send_invoice(user, new_total(user))",
    how_to_fix: "Swap the branches and test the flag positively: `if get_flag_for_user(user, \
NEW_BILLING): <new> else: <old>`.",
};

/// A negated fork whose two branches both hold code.
fn inverts_code(fork: &Fork) -> bool {
    fork.negated
        && fork.kind != ForkKind::ElseIf
        && fork.then_body == Body::Code
        && fork.else_body == Some(Body::Code)
}

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    for (file, fork, flag) in production_forks(index) {
        if !inverts_code(fork) {
            continue;
        }
        let message = if fork.kind == ForkKind::Ternary {
            "negated flag ternary: the new value is the second branch"
        } else {
            "negated flag fork: the new code path is in the else branch"
        };
        ctx.report(index.path(file), fork.span, message.to_string())
            .help("swap the branches and test the flag positively: `if flag: new else: old`")
            .label("negated flag check")
            .flag(flag);
    }
}
