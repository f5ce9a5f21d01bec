//! `duplicate-flag`: a definitions file declares a key, or a symbol, twice.

use std::collections::BTreeMap;

use super::RuleContext;
use crate::config::Side;
use crate::facts::ConstKind;
use crate::index::{DefId, Definition, FileId};
use crate::lang::Language;

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    let mut order: Vec<DefId> = (0..index.definitions.len()).collect();
    order.sort_by_key(|&d| {
        let def = &index.definitions[d];
        (index.path(def.file), def.span.line, def.span.column)
    });
    // JavaScript and TypeScript share their constants; Python and Rust do not.
    let language = |def: &Definition| match index.files[def.file].language {
        Language::JavaScript => Language::TypeScript,
        other => other,
    };
    // Within one file: packages of a monorepo each declaring the flags they use (an editor's and
    // a data manager's `FF_X = "..."`) is how they are kept apart, not a mistake.
    let mut by_key: BTreeMap<(FileId, Side, Language, &str), DefId> = BTreeMap::new();
    let mut by_symbol: BTreeMap<(FileId, &str), DefId> = BTreeMap::new();
    for id in order {
        let def = &index.definitions[id];
        let first_by_key = if def.kind == ConstKind::Constant {
            *by_key
                .entry((def.file, def.side, language(def), def.key.as_str()))
                .or_insert(id)
        } else {
            id
        };
        let first_by_symbol = *by_symbol
            .entry((def.file, def.symbol.as_str()))
            .or_insert(id);
        // One declaration read by two entries of the same file (its constants and a registry).
        let seen_twice = |first: DefId| index.definitions[first].name_span == def.name_span;
        if (first_by_key != id && seen_twice(first_by_key))
            || (first_by_symbol != id && seen_twice(first_by_symbol))
        {
            continue;
        }
        let same_symbol = first_by_symbol != id;
        let (original, message) = if first_by_key != id && !same_symbol {
            let original = &index.definitions[first_by_key];
            (
                original,
                format!(
                    "flag `{}` is defined twice on the {}: `{}` and `{}`",
                    def.key,
                    def.side.name(),
                    original.shown,
                    def.shown
                ),
            )
        } else if same_symbol {
            let original = &index.definitions[first_by_symbol];
            let message = if original.key == def.key {
                format!(
                    "`{}` declares flag `{}` twice in this file (lines {} and {})",
                    def.shown, def.key, original.name_span.line, def.name_span.line
                )
            } else {
                format!(
                    "`{}` is defined twice in this file, as `{}` and `{}`",
                    def.shown, original.key, def.key
                )
            };
            (original, message)
        } else {
            continue;
        };
        ctx.report(index.path(def.file), def.name_span, message)
            .help(format!(
                "the first definition is at {}:{}; keep one and point every usage at it",
                index.path(original.file),
                original.span.line
            ))
            .label("defined again here")
            .flag(def.key.clone());
    }
}
