//! `compound-fork`: a flag check or-ed with another condition, so the gated branch runs without it.

use super::{production_forks, RuleContext};
use crate::facts::{Body, Fork};

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
