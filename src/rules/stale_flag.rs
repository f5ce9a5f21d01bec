//! `stale-flag`: a flag past its lifetime or its remove-by date that code still checks.

use super::RuleContext;
use crate::analysis::lifecycle::anchor;

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    let analysis = ctx.analysis;
    for a in ctx.assessments() {
        if a.checks.is_empty() {
            continue;
        }
        let (Some(why), Some((file, span))) = (a.overdue(analysis.today), anchor(index, a)) else {
            continue;
        };
        // A date after the day ages are measured to (`--today` in the past) says nothing.
        let introduced = a
            .introduced
            .filter(|d| *d <= analysis.today)
            .map(|d| format!(" (introduced {d})"))
            .unwrap_or_default();
        let message = format!("flag `{}` is stale: {why}{introduced}", a.key);
        let help = "finish the rollout and remove it (`flaglint report` lists the steps), or mark it permanent or give it a later remove-by date";
        let label = match a.checks.len() {
            1 => "still checked in 1 place".to_string(),
            n => format!("still checked in {n} places"),
        };
        ctx.report(index.path(file), span, message)
            .help(help)
            .label(label)
            .flag(a.key.clone());
    }
}
