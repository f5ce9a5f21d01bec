//! `irreversible-flag-migration`: a migration deletes a flag and cannot bring it back.

use std::collections::BTreeMap;

use super::RuleContext;
use crate::facts::{FlagAction, Reverse, WaffleKind};
use crate::index::FileId;

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
