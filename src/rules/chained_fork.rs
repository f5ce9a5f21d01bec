//! `chained-fork`: a flag check in an `elif`/`else if` of a chain that is not about the flag.

use super::{production_forks, RuleContext};
use crate::facts::ForkKind;

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    for (file, fork, flag) in production_forks(index) {
        if fork.kind != ForkKind::ElseIf || fork.chain_head_is_flag {
            continue;
        }
        let message = "flag check in an else-if of a chain that does not start with a flag";
        let help = "fork on the flag outside the chain, or give it its own `if` in the branch where it applies";
        ctx.report(index.path(file), fork.span, message)
            .help(help)
            .label("flag check in a chain")
            .flag(flag);
    }
}
