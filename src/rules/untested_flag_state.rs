//! `untested-flag-state`: a checked flag whose tests do not set it both on and off.

use super::{RuleContext, RuleDoc};
use crate::analysis::lifecycle::anchor;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a checked flag is not tested both on and off",
    what_it_does: "Counts the tests that set a flag on and off through a pack's test helpers \
(`override_flag(\"x\", active=True)`, `override_switch(..., active=False)`) and reports a flag \
checked in production code that is never set on, or never set off, by a test. Off by default: \
enable it with `[rules] untested-flag-state = \"info\"`.",
    why_is_this_bad: "A flag splits the code into two versions that both ship. The version nobody \
tests is the one that breaks when the flag is flipped, rolled back, or removed.",
    example: "@override_flag(\"new_invoices\", active=True)  # but no test with active=False\n\
def test_invoice(): ...",
    how_to_fix: "Add a test for the missing state, or parametrize the existing one over both.",
};

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    for a in ctx.assessments() {
        if a.checks.is_empty() || (a.tests_on > 0 && a.tests_off > 0) {
            continue;
        }
        let Some((file, span)) = anchor(index, a) else {
            continue;
        };
        let missing = match (a.tests_on > 0, a.tests_off > 0) {
            (false, false) => "no test sets it on or off",
            (true, false) => "tests set it on, none sets it off",
            _ => "tests set it off, none sets it on",
        };
        ctx.report(
            index.path(file),
            span,
            format!("flag `{}` is not tested in both states: {missing}", a.key),
        )
        .help("test both states: `override_flag(..., active=True)` and `active=False`")
        .label("untested state")
        .flag(a.key.clone());
    }
}
