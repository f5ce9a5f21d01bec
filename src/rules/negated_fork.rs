//! `negated-fork`: an if/else or ternary that tests the flag negatively, with code in both branches.

use super::{production_forks, RuleContext};
use crate::facts::{Body, Fork, ForkKind};

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
