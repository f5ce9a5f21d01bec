//! `duplicate-flag`: one side declares a key, or a symbol, twice.

use std::collections::BTreeMap;

use super::{Finding, RuleDoc, RuleId, Sink};
use crate::config::Side;
use crate::index::{DefId, Index};

pub const DOC: RuleDoc = RuleDoc {
    summary: "two definitions on the same side declare the same key, or the same symbol twice",
    what_it_does: "Reports a definition whose key is already declared by another definition on the \
same side (backend or frontend), or whose symbol (`NAME`, `FeatureFlags.NAME`) is already defined \
on that side. The first definition, by path and line, is the original; later ones are reported.",
    why_is_this_bad: "Two constants for one flag split its usages: removing the flag later means \
finding both, and the second is easily missed. A symbol defined twice silently takes the later \
value, so one of the two keys is checked everywhere while the other looks live.",
    example: "# backend/feature_flags/flags.py\nNEW_NAV = \"new_nav\"\nNAV_V2 = \"new_nav\"  # duplicate-flag",
    how_to_fix: "Keep one constant per flag and side; point every usage at it and delete the other.",
};

pub fn check(index: &Index, sink: &mut Sink) {
    if !sink.enabled(RuleId::DuplicateFlag) {
        return;
    }
    let mut order: Vec<DefId> = (0..index.definitions.len()).collect();
    order.sort_by_key(|&d| {
        let def = &index.definitions[d];
        (index.path(def.file), def.span.line, def.span.column)
    });
    let mut by_key: BTreeMap<(Side, &str), DefId> = BTreeMap::new();
    let mut by_symbol: BTreeMap<(Side, &str), DefId> = BTreeMap::new();
    for id in order {
        let def = &index.definitions[id];
        let first_by_key = *by_key.entry((def.side, def.key.as_str())).or_insert(id);
        let first_by_symbol = *by_symbol
            .entry((def.side, def.symbol.as_str()))
            .or_insert(id);
        let (original, message) = if first_by_key != id {
            let original = &index.definitions[first_by_key];
            (
                original,
                format!(
                    "flag `{}` is defined twice on the {}: `{}` and `{}`",
                    def.key,
                    def.side.name(),
                    original.symbol,
                    def.symbol
                ),
            )
        } else if first_by_symbol != id {
            let original = &index.definitions[first_by_symbol];
            (
                original,
                format!(
                    "`{}` is defined twice on the {}, as `{}` and `{}`",
                    def.symbol,
                    def.side.name(),
                    original.key,
                    def.key
                ),
            )
        } else {
            continue;
        };
        sink.report(
            RuleId::DuplicateFlag,
            Finding {
                message,
                help: Some(format!(
                    "the first definition is at {}:{}; keep one and point every usage at it",
                    index.path(original.file),
                    original.span.line
                )),
                label: Some("defined again here".to_string()),
                path: index.path(def.file).to_string(),
                span: Some(def.name_span),
                flag: Some(def.key.clone()),
            },
        );
    }
}
