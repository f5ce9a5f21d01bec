//! `dynamic-flag-key`: a check whose key flaglint cannot know statically.

use super::{RuleContext, RuleDoc};
use crate::index::{CheckKey, RefKind};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a flag check's key is computed at run time",
    what_it_does: "Reports, as information, a check in production code whose key is built at run \
time: an f-string, a template literal, a concatenation, a call result, or a name that resolves to \
no string constant.\n\n\
Not reported: a parameter of the enclosing function (a wrapper that forwards its callers' key, \
`def is_on(request, name): return flag_is_active(request, name)`); keys flaglint can follow to a \
string: a local assigned once from a constant or a literal (`flag_name = flags.X` then \
`flag_is_active(request, flag_name)`), a constant of the same module or of the definitions, a \
Django setting holding the literal (`settings.X` with `X = \"x\"` in a `settings.py` or \
`settings/` module).",
    why_is_this_bad: "Nobody can tell from the code which flag is checked there, so the inventory, \
unused-flag and removal readiness cannot account for it. Keys built from pieces (`PREFIX + name`) \
make flags impossible to find and remove.",
    example: "def is_beta(user, name):\n    return get_flag_for_user(user, \"beta_\" + name)  # dynamic-flag-key",
    how_to_fix: "Pass a constant from the definitions module. For a wrapper, configure the wrapper \
itself as a check (`[[checks]]`) so that its callers' keys are traced.",
};

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    for check in &index.checks {
        let CheckKey::Dynamic(reason) = &check.key else {
            continue;
        };
        if check.kind != RefKind::Check {
            continue;
        }
        ctx.report(
            index.path(check.file),
            check.key_span,
            format!("flag key is not statically known: {reason}"),
        )
        .help("pass a flag constant instead of a key built at run time")
        .label("computed key");
    }
}
