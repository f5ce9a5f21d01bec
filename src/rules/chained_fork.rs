//! `chained-fork`: a flag check in an `elif`/`else if` of a chain that is not about the flag.

use super::{production_forks, RuleContext, RuleDoc};
use crate::facts::ForkKind;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a flag check sits in an elif / else if of a chain whose first condition is not a flag",
    what_it_does: "Off by default. Reports a flag check in an `elif` or `else if` whose chain \
starts with a condition that does not test a flag. An `if` inside a block of an `else if let x = \
{ ... }` scrutinee is not a link of the chain.\n\n\
Off by default because the shape is common and its cleanup is short: `if group: ... elif flag: \
<new> else: <old>` becomes `if group: ... else: <new>`.",
    why_is_this_bad: "The flag then only matters when the earlier conditions are false: the new \
path is reachable for some inputs only, which a team may want to see at the top of the chain.",
    example: "if user.is_anonymous:\n    return login()\nelif get_flag_for_user(user, NEW_DASHBOARD):  # chained-fork\n\
    return new_dashboard()\nelse:\n    return old_dashboard()",
    how_to_fix: "Fork on the flag outside the chain (`if flag: <chain with new code> else: <chain \
with old code>`), or give the flag its own `if` inside the branch where it applies.",
};

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
