//! `irreversible-flag-migration`: a migration deletes a flag and cannot bring it back.

use std::collections::HashMap;

use super::{Finding, RuleDoc, RuleId, Sink};
use crate::facts::{Direction, FlagAction, FlagOp, KeyExpr, Reverse};
use crate::index::{CheckKey, Index};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a migration deletes a flag with no reverse, or a no-op reverse",
    what_it_does: "Reports a `RunPython` whose forward function deletes a flag (switch, sample) when \
it has no `reverse_code`, or its reverse is `RunPython.noop`, a lambda returning nothing or a \
function that does nothing.",
    why_is_this_bad: "Rolling back a deploy means unapplying its migrations. Without a reverse, \
`migrate` refuses to go back past this migration; with a no-op reverse it goes back but the flag \
stays deleted, so the code being restored checks a flag that no longer exists.",
    example: "migrations.RunPython(delete_pricing_paywall)  # irreversible-flag-migration\n\
migrations.RunPython(delete_pricing_paywall, migrations.RunPython.noop)  # irreversible-flag-migration",
    how_to_fix: "Give the `RunPython` a reverse function that creates the flag again, with the state \
it had (`Flag.objects.get_or_create(name=..., defaults={\"everyone\": True})`).",
};

pub fn check(index: &Index, sink: &mut Sink) {
    if !sink.enabled(RuleId::IrreversibleFlagMigration) {
        return;
    }
    let keys: HashMap<(usize, usize), &CheckKey> = index
        .migration_keys
        .iter()
        .map(|k| ((k.file, k.op), &k.key))
        .collect();
    for (file_id, file) in index.files.iter().enumerate() {
        let Some(migration) = &file.facts.migration else {
            continue;
        };
        for (i, run) in migration.run_python.iter().enumerate() {
            let why = match run.reverse {
                Reverse::Missing => "it has no reverse, so it cannot be unapplied",
                Reverse::Noop => {
                    "its reverse does nothing, so unapplying it does not bring the flag back"
                }
                Reverse::Function(_) | Reverse::Other => continue,
            };
            let deletions: Vec<(usize, &FlagOp)> = migration
                .flag_ops
                .iter()
                .enumerate()
                .filter(|(_, op)| {
                    op.action == FlagAction::Delete
                        && op.direction == Direction::Forward
                        && op.run_python == Some(i)
                })
                .collect();
            let known_key = |n: usize| match keys.get(&(file_id, n)) {
                Some(CheckKey::Key { key, .. }) => Some(key.as_str()),
                _ => None,
            };
            let mut deleted: Vec<String> = deletions
                .iter()
                .map(|&(n, op)| match known_key(n) {
                    Some(key) => format!("`{key}`"),
                    None => match &op.key {
                        KeyExpr::Path(path) => format!("`{}`", path.join(".")),
                        KeyExpr::Literal(key) => format!("`{key}`"),
                        KeyExpr::Parameter(_) | KeyExpr::Dynamic(_) => "flags".to_string(),
                    },
                })
                .collect();
            let flag = deletions.iter().find_map(|&(n, _)| known_key(n));
            deleted.dedup();
            if deleted.is_empty() {
                continue;
            }
            sink.report(
                RuleId::IrreversibleFlagMigration,
                Finding {
                    message: format!("migration deletes {}, but {why}", deleted.join(", ")),
                    help: Some(
                        "pass a reverse function that creates the flag again with the state it had: `RunPython(delete_flag, create_flag)`"
                            .to_string(),
                    ),
                    label: Some("no way back".to_string()),
                    path: file.rel.clone(),
                    span: Some(run.span),
                    flag: flag.map(str::to_string),
                },
            );
        }
    }
}
