//! `stale-flag`: a flag past its lifetime or its remove-by date that code still checks.

use super::{RuleContext, RuleDoc};
use crate::analysis::lifecycle::anchor;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a flag is older than its lifetime, or past its remove-by date, and still checked",
    what_it_does:
        "Dates each definition line from git history (the creating migration's line when \
the definition has none) and reports a flag that production \
code still checks when it is older than the lifetime of its type (`[lifetimes]`, 90 days unless \
configured; `permanent` types never) or past the `remove-by` date written beside its definition \
(`# flaglint: type=release owner=@team remove-by=2026-03-01`). Outside a git repository only \
remove-by dates apply; in a shallow clone, flags whose lines predate the fetched history have no \
age. It reports at `info` unless `[rules]` says otherwise (`stale-flag = \"warning\"` or \
`\"error\"`): its findings appear as the calendar moves, with no change to the code, and a CI \
step's exit code should not.",
    why_is_this_bad:
        "Flags are meant to be short-lived. Every flag left in place doubles the states \
the code can be in, drifts between environments and is one more thing a new developer's \
environment gets wrong. Old flags are the ones nobody remembers how to remove.",
    example: "# backend/feature_flags/flags.py, introduced 2025-09-01\n\
NEW_INVOICES = \"new_invoices\"  # flaglint: type=release  (stale-flag: 130 days, lifetime 90)",
    how_to_fix: "Finish the rollout and remove the flag (`flaglint report` gives the steps), or, \
if it is meant to stay, give it a permanent type (`type=ops`, with `ops = \"permanent\"` in \
`[lifetimes]`) or a later remove-by date.",
};

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
