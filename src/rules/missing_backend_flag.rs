//! `missing-backend-flag`: a frontend flag the backend does not declare.

use std::collections::HashSet;

use super::{flag_value_mismatch, RuleContext, RuleDoc};
use crate::config::Side;
use crate::index::DefId;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a frontend definition's key is not declared by any backend definition",
    what_it_does: "Reports a frontend flag constant whose key (after the `[parity] frontend-key` \
mapping) matches no backend definition. A constant already reported by `flag-value-mismatch` is \
not reported again, nor are the definitions of an entry marked `local = true` (toggles that live \
in the browser only, such as a setting kept in localStorage). Runs only when the configuration \
has backend definitions. A warning: that every frontend flag has a backend mirror is a \
convention of the project, not a certainty.",
    why_is_this_bad:
        "Where the backend evaluates the frontend's flags, a key the backend does not know \
is never on (or, where unknown flags default to on, always on), and nobody can toggle it.",
    example: "# backend/feature_flags/flags.py\nBINARY_INTERFACE = \"binary_interface\"\n\n\
// frontend/hooks/useFeatureFlags/types.ts\nDARK_MODE = 'dark_mode',  // missing-backend-flag",
    how_to_fix: "Define the flag on the backend (and create it with a migration), or delete the \
frontend constant if the flag is gone. Mark the `[[definitions]]` entry of frontend-only toggles \
`local = true`.",
};

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
