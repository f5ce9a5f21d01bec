//! `frontend-only-gate`: a backend flag that only the frontend checks.

use std::collections::{HashMap, HashSet};

use super::RuleContext;
use crate::config::Side;
use crate::index::{CheckId, CheckKey, RefKind};

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    let mapping = &ctx.config.frontend_key;
    // Frontend spelling -> backend key, for keys backend code defines (a backend written in
    // TypeScript is not told apart from its frontend; a JSON or YAML file of flags, such as a
    // vendor's file data source, serves both sides).
    let backend_keys: HashMap<String, &str> = index
        .definitions
        .iter()
        .filter(|d| {
            let file = &index.files[d.file];
            d.side == Side::Backend && file.side == Side::Backend && !file.language.is_data()
        })
        .map(|d| (mapping.to_frontend(&d.key), d.key.as_str()))
        .collect();
    let mentioned: HashSet<&str> = index.mentions.iter().map(|m| m.key.as_str()).collect();
    let in_backend_code = |key: &str| -> bool {
        let Some(flag) = index.flags.get(key) else {
            return false;
        };
        let checked = flag.checks.iter().any(|&c| {
            let check = &index.checks[c];
            check.kind == RefKind::Check && index.files[check.file].side == Side::Backend
        });
        let referenced = flag.references.iter().any(|&r| {
            let reference = &index.references[r];
            reference.kind == RefKind::Reference
                && index.files[reference.file].side == Side::Backend
        });
        checked || referenced || mentioned.contains(key)
    };
    // Checks are in path order, then source order: the first one met is the first frontend check.
    let mut first_frontend_check: HashMap<&str, CheckId> = HashMap::new();
    for (id, check) in index.checks.iter_enumerated() {
        let CheckKey::Key { key, .. } = &check.key else {
            continue;
        };
        let in_frontend_code =
            check.kind == RefKind::Check && index.files[check.file].side == Side::Frontend;
        if let (true, Some(backend_key)) = (in_frontend_code, backend_keys.get(key)) {
            first_frontend_check.entry(backend_key).or_insert(id);
        }
    }
    let mut gates: Vec<(&str, CheckId)> = first_frontend_check.into_iter().collect();
    gates.sort();
    for (backend_key, check_id) in gates {
        if in_backend_code(backend_key) {
            continue;
        }
        let check = &index.checks[check_id];
        let message =
            format!("flag `{backend_key}` gates frontend code but no backend code checks it");
        let help = "check the flag in the backend code path this UI calls, so the feature cannot be used before the flag is on";
        ctx.report(index.path(check.file), check.span, message)
            .help(help)
            .label("only gate of this flag")
            .flag(backend_key.to_string());
    }
}
