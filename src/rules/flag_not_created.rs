//! `flag-not-created`: a checked backend waffle flag that no migration creates, in a project that
//! creates its flags by migration.

use std::collections::BTreeSet;

use super::{waffle_kind, RuleContext};
use crate::config::{Config, Side};
use crate::facts::{FlagAction, WaffleKind};
use crate::index::{Definition, Index, RefKind};
use crate::lang::Language;

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    let analysis = ctx.analysis;
    let project = &analysis.django;
    if !project.complete || project.apps.is_empty() {
        return;
    }
    let config = ctx.config;
    // Each checked backend definition with the model its checks read, if no migration creates it.
    let mut checked = 0;
    let mut missing: Vec<(&Definition, WaffleKind)> = Vec::new();
    for def in &index.definitions {
        if def.side != Side::Backend || index.files[def.file].language != Language::Python {
            continue;
        }
        let Some(kinds) = checked_models(index, config, &def.key) else {
            continue;
        };
        checked += 1;
        let created: BTreeSet<WaffleKind> = project
            .events_of(&def.key)
            .filter(|e| e.action == FlagAction::Create)
            .map(|e| e.kind)
            // Rows production code creates (a management command, a setup function).
            .chain(
                index
                    .flags
                    .get(&def.key)
                    .into_iter()
                    .flat_map(|f| f.created.iter().map(|&r| index.created_rows[r].kind)),
            )
            .collect();
        let uncreated = match kinds.first() {
            // Checks that do not say which model they read: any row will do.
            None if created.is_empty() => Some(WaffleKind::Flag),
            None => None,
            Some(_) => kinds.iter().copied().find(|k| !created.contains(k)),
        };
        if let Some(kind) = uncreated {
            missing.push((def, kind));
        }
    }
    if missing.len() * 5 > checked {
        // Migrations create fewer than 4 in 5 of the checked flags: rows are made in the admin
        // (at least since some point), and a missing row is off, as designed.
        return;
    }
    for (def, kind) in missing {
        let message = format!(
            "{} `{}` ({}) is checked, but no migration or production code creates it",
            kind.name(),
            def.key,
            def.symbol
        );
        let help = format!(
                    "add a data migration to the app that owns the feature whose forward function runs `{}.objects.get_or_create(name={})` and whose reverse deletes it",
                    kind.model(),
                    def.symbol
                );
        let label = format!("nothing creates this {}", kind.name());
        ctx.report(index.path(def.file), def.name_span, message)
            .help(help)
            .label(label)
            .flag(def.key.clone());
    }
}

/// The waffle models the checks of a key read, in order (empty: only checks that do not say), or
/// `None` when no waffle check reads it outside migrations. A pack's check of another kind (a
/// LaunchDarkly variation, a django-flags condition) is not a waffle check.
fn checked_models(index: &Index, config: &Config, key: &str) -> Option<Vec<WaffleKind>> {
    let flag = index.flags.get(key)?;
    let mut read = false;
    let mut kinds = BTreeSet::new();
    for &c in &flag.checks {
        let check = &index.checks[c];
        if check.kind == RefKind::Migration {
            continue;
        }
        let spec = config.checks.specs().get(check.spec);
        match waffle_kind(config, check) {
            Some(kind) => {
                read = true;
                kinds.insert(kind);
            }
            None if spec.is_some_and(|s| s.pack.is_none() && s.kind.is_none()) => read = true,
            None => {}
        }
    }
    read.then(|| kinds.into_iter().collect())
}
