//! `missing-backend-flag`: a frontend flag the backend does not declare.

use std::collections::HashSet;

use super::{flag_value_mismatch, RuleContext};
use crate::config::Side;
use crate::index::DefId;

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    let mapping = &ctx.config.frontend_key;
    let backend_keys: HashSet<String> = index
        .definitions
        .iter()
        .filter(|d| d.side == Side::Backend)
        .map(|d| mapping.to_frontend(&d.key))
        .collect();
    if backend_keys.is_empty() {
        return;
    }
    let mismatched: HashSet<DefId> = flag_value_mismatch::mismatches(index, mapping)
        .into_iter()
        .map(|(frontend, _)| frontend)
        .collect();
    for (id, def) in index.definitions.iter().enumerate() {
        if def.side != Side::Frontend
            || def.local
            || backend_keys.contains(&def.key)
            || mismatched.contains(&id)
        {
            continue;
        }
        let message = format!("frontend flag `{}` is not defined on the backend", def.key);
        let help = format!(
                    "define `{}` in the backend definitions (and create the flag), or delete `{}`; if it is a frontend-only toggle, mark its `[[definitions]]` entry `local = true`",
                    def.key, def.symbol
                );
        ctx.report(index.path(def.file), def.span, message)
            .help(help)
            .label("no backend definition")
            .flag(def.key.clone());
    }
}
