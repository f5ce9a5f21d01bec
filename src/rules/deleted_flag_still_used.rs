//! `deleted-flag-still-used`: a migration deletes a flag that code still checks or uses.

use super::{key_uses, RuleContext};
use crate::index::RefKind;

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    let analysis = ctx.analysis;
    let project = &analysis.django;
    let config = ctx.config;
    for key in project.by_key.keys() {
        let rows = project.rows(key);
        if rows.values().all(Option::is_none) {
            continue;
        }
        let uses = key_uses(index, key, config);
        // A use that does not say which model it reads (a constant, a check with no `kind`) is
        // about the deleted row only when no other row of the key is left: none that migrations
        // keep, none that another check reads.
        let other_row_left = rows.values().any(Option::is_none)
            || uses
                .iter()
                .filter_map(|u| u.waffle)
                .any(|kind| !matches!(rows.get(&kind), Some(Some(_))));
        for at in &uses {
            let deletion = match at.waffle {
                Some(kind) => rows.get(&kind).copied().flatten(),
                None if other_row_left => None,
                None => rows
                    .values()
                    .flatten()
                    .max_by_key(|e| (e.migration, e.op))
                    .copied(),
            };
            let Some(deletion) = deletion else {
                continue;
            };
            let by = project.migration_name(deletion.migration);
            let what = match (at.is_check, at.kind == RefKind::Test) {
                (true, false) => "this code still checks it",
                (true, true) => "this test still sets or checks it",
                (false, false) => "this code still uses its constant",
                (false, true) => "this test still uses its constant",
            };
            let message = format!(
                "{} `{key}` is deleted by migration {by}, but {what}",
                deletion.kind.name()
            );
            let help = format!(
                        "remove this usage (keep the behaviour the flag had in production) and deploy it before the migration that deletes the flag ({})",
                        index.path(deletion.file)
                    );
            ctx.report(index.path(at.file), at.span, message)
                .help(help)
                .label(format!("deleted {}", deletion.kind.name()))
                .flag(key.clone());
        }
    }
}
