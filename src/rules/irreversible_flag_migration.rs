//! `irreversible-flag-migration`: a migration deletes a flag and cannot bring it back.

use std::collections::BTreeMap;

use super::{RuleContext, RuleDoc};
use crate::facts::{FlagAction, Reverse, WaffleKind};
use crate::index::FileId;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a migration deletes a flag with no reverse, or a no-op reverse",
    what_it_does: "Reports a `RunPython` whose forward function deletes a flag (switch, sample) when \
it has no `reverse_code`, or its reverse is `RunPython.noop`, a lambda returning nothing or a \
function that does nothing: once per `RunPython`, naming the rows it deletes (the `flag` field of \
JSON and SARIF output holds the first). A deletion whose key cannot be read \
(`name__startswith=...`) names no row to restore and is not reported.",
    why_is_this_bad: "Rolling back a deploy means unapplying its migrations. Without a reverse, \
`migrate` refuses to go back past this migration; with a no-op reverse it goes back but the flag \
stays deleted, so the code being restored checks a flag that no longer exists.",
    example: "migrations.RunPython(delete_pricing_paywall)  # irreversible-flag-migration\n\
migrations.RunPython(delete_pricing_paywall, migrations.RunPython.noop)  # irreversible-flag-migration",
    how_to_fix: "Give the `RunPython` a reverse function that creates the flag again, with the state \
it had (`Flag.objects.get_or_create(name=..., defaults={\"everyone\": True})`).",
};

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    let analysis = ctx.analysis;
    // Forward deletions with a known key (recovered values of removed constants included), by
    // file and `RunPython`, in source order.
    let mut deletions: BTreeMap<(FileId, usize), Vec<(WaffleKind, &str)>> = BTreeMap::new();
    for event in &analysis.django.events {
        let run = crate::analysis::django::flag_op(index, event.file, event.op)
            .and_then(|op| op.run_python);
        if let (FlagAction::Delete, Some(run)) = (event.action, run) {
            let rows = deletions.entry((event.file, run)).or_default();
            if !rows.contains(&(event.kind, event.key.as_str())) {
                rows.push((event.kind, event.key.as_str()));
            }
        }
    }
    for ((file, run), rows) in deletions {
        let Some(run) = index.files[file]
            .facts
            .migration
            .as_ref()
            .and_then(|m| m.run_python.get(run))
        else {
            continue;
        };
        let (kind, first) = rows[0];
        let noun = match rows.as_slice() {
            [_] => kind.name(),
            _ if rows.iter().all(|(k, _)| *k == kind) => kind.plural(),
            _ => "rows",
        };
        let why = match run.reverse {
            Reverse::Missing => "it has no reverse, so it cannot be unapplied".to_string(),
            Reverse::Noop => {
                format!("its reverse does nothing, so unapplying it does not bring the {noun} back")
            }
            Reverse::Function(_) | Reverse::Other => continue,
        };
        let keys: Vec<String> = rows.iter().map(|(_, key)| format!("`{key}`")).collect();
        let message = format!("migration deletes {noun} {}, but {why}", keys.join(", "));
        let help = format!(
                    "pass a reverse function that creates the {noun} again with the state it had: `RunPython(delete_{0}, create_{0})`",
                    kind.name()
                );
        ctx.report(index.path(file), run.span, message)
            .help(help)
            .label("no way back")
            .flag(first.to_string());
    }
}
