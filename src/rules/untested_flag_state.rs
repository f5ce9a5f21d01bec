//! `untested-flag-state`: a checked flag whose tests do not set it both on and off.

use super::RuleContext;
use crate::analysis::lifecycle::anchor;

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
