//! `migration-constant-missing`: a migration uses a flag constant that no longer exists.

use std::collections::BTreeMap;

use super::RuleContext;
use crate::analysis::django::Recovered;
use crate::facts::Span;
use crate::index::{CheckKey, FileId, RefKind};

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    let analysis = ctx.analysis;
    // (file, definitions file, symbol) -> the first place it is used.
    let mut uses: BTreeMap<(FileId, FileId, String), Span> = BTreeMap::new();
    let mut note = |file: FileId, defined_in: FileId, symbol: &str, span: Span| {
        uses.entry((file, defined_in, symbol.to_string()))
            .and_modify(|first| {
                if span.start < first.start {
                    *first = span;
                }
            })
            .or_insert(span);
    };
    for missing in index
        .missing
        .iter()
        .filter(|m| m.kind == RefKind::Migration)
    {
        note(
            missing.file,
            missing.defined_in,
            &missing.symbol,
            missing.span,
        );
    }
    for resolved in &index.migration_keys {
        if let CheckKey::MissingSymbol { symbol, file } = &resolved.key {
            if let Some(op) = crate::analysis::django::flag_op(index, resolved.file, resolved.op) {
                note(resolved.file, *file, symbol, op.key_span);
            }
        }
    }
    for check in index.checks.iter().filter(|c| c.kind == RefKind::Migration) {
        if let CheckKey::MissingSymbol { symbol, file } = &check.key {
            note(check.file, *file, symbol, check.key_span);
        }
    }
    for ((file, defined_in, symbol), span) in uses {
        let defs_path = index.path(defined_in);
        let found = analysis.django.recovered.get(&(defined_in, symbol.clone()));
        let help = match found {
            Some(Recovered::Tree { value, path }) => format!(
                "replace `{symbol}` with the literal \"{value}\" (its value in {path}) and remove the import, so that the migration still runs on a fresh database"
            ),
            Some(Recovered::Git { value, commit, date }) => format!(
                "replace `{symbol}` with the literal \"{value}\" (its value in {defs_path} according to commit {commit} of {date}) and remove the import, so that the migration still runs on a fresh database"
            ),
            None => format!(
                "replace `{symbol}` with the flag's literal name and remove the import; its value is unknown (no definition in the tree declares `{symbol}`, and git history has none)"
            ),
        };
        let key = found.map(|f| index.files[defined_in].key_transform.apply(f.value()));
        let message = format!("migration uses `{symbol}`, which no longer exists in {defs_path}");
        ctx.report(index.path(file), span, message)
            .help(help)
            .label("constant removed from the definitions module")
            .flag = key;
    }
}
