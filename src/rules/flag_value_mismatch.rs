//! `flag-value-mismatch`: the backend and frontend constants of one name hold different keys.

use std::collections::{HashMap, HashSet};

use super::RuleContext;
use crate::config::{KeyMapping, Side};
use crate::facts::ConstKind;
use crate::index::{DefId, Definition, Index};

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    for (frontend, backend) in mismatches(index, &ctx.config.frontend_key) {
        let (frontend, backend) = (&index.definitions[frontend], &index.definitions[backend]);
        ctx.report(
            index.path(frontend.file),
            frontend.span,
            format!(
                "`{}` is `{}` here but `{}` on the backend",
                frontend.symbol, frontend.key, backend.key
            ),
        )
        .help(format!(
            "use the backend value (see {}:{}), or configure `[parity] frontend-key`",
            index.path(backend.file),
            backend.span.line
        ))
        .label("differs from the backend")
        .flag(frontend.key.clone());
    }
}

/// Frontend constants paired with the first backend constant of the same name, when no backend
/// constant of that name holds the frontend's key. Keys that a registry, list or union declares
/// are named by themselves (their parity is `missing-backend-flag`'s), and local flags have no
/// backend counterpart: neither pairs.
pub fn mismatches(index: &Index, mapping: &KeyMapping) -> Vec<(DefId, DefId)> {
    let name = |d: &Definition| d.symbol.rsplit('.').next().unwrap_or(&d.symbol).to_string();
    let pairs_by_name = |d: &Definition| {
        !d.local
            && !matches!(
                d.kind,
                ConstKind::RegistryKey | ConstKind::ListElement | ConstKind::UnionMember
            )
    };
    // Per backend constant name: its first definition, and the keys of all, as the frontend
    // spells them.
    let mut backend_by_name: HashMap<String, (DefId, HashSet<String>)> = HashMap::new();
    for (id, def) in index.definitions.iter().enumerate() {
        if def.side == Side::Backend && pairs_by_name(def) {
            backend_by_name
                .entry(name(def))
                .or_insert_with(|| (id, HashSet::new()))
                .1
                .insert(mapping.to_frontend(&def.key));
        }
    }
    let mut pairs = Vec::new();
    for (id, frontend) in index.definitions.iter().enumerate() {
        if frontend.side != Side::Frontend || !pairs_by_name(frontend) {
            continue;
        }
        if let Some((first, keys)) = backend_by_name.get(&name(frontend)) {
            if !keys.contains(&frontend.key) {
                pairs.push((id, *first));
            }
        }
    }
    pairs
}
