//! `flag-not-created`: a checked backend waffle flag that no migration creates, in a project that
//! creates its flags by migration.

use std::collections::BTreeSet;

use super::{waffle_kind, RuleContext, RuleDoc};
use crate::config::{Config, Side};
use crate::facts::{FlagAction, WaffleKind};
use crate::index::{Definition, Index, RefKind};
use crate::lang::Language;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a checked backend flag that no Django migration creates, where migrations create nearly all others",
    what_it_does: "Reports a flag constant of a Python backend definitions file that a waffle check \
reads (a django-waffle check or test helper, or a `[[checks]]` entry of your own without another \
`kind`) and that no migration creates as the model the checks read (`Flag.objects.create`, \
`get_or_create`, `update_or_create`, a constructor, `bulk_create`, or a configured custom \
operation): `switch_is_active` needs a `Switch` row, `sample_is_active` a `Sample`. Definitions \
that no check reads are left to `unused-flag`. It reports only in a project that creates its flags \
by migration: when migrations create at least 4 in 5 of the checked flags, so that one left out \
is an oversight. A project that creates fewer, or none, manages its rows in the admin (many move \
there at some point), where a missing row is waffle's documented default (off: \
`WAFFLE_FLAG_DEFAULT`, `WAFFLE_SWITCH_DEFAULT` and `WAFFLE_SAMPLE_DEFAULT` are False; \
`WAFFLE_CREATE_MISSING_FLAGS` and its siblings create rows at run time). Runs only with \
`[django] migrations = true`, when every migration is read.",
    why_is_this_bad: "With django-waffle a flag is a database row. In a project whose migrations \
create its flags, one left out exists only where someone added it by hand: a fresh database, a new \
developer's environment and every self-hosted install lack it, it cannot be toggled there without \
knowing its name, and the migration that should delete it at cleanup has nothing to pair with.",
    example: "# backend/feature_flags/flags.py\nNEW_REPORTS = \"new_reports\"  # flag-not-created\n\n\
# backend/reports/views.py\nif flag_is_active(request, NEW_REPORTS): ...\n\
# no migration runs Flag.objects.get_or_create(name=NEW_REPORTS), though others create the rest",
    how_to_fix: "Add a data migration in the app that owns the feature (`manage.py makemigrations \
APP --empty`) whose forward function creates the row of the model the checks read \
(`Flag.objects.get_or_create(name=...)`, `Switch...`, `Sample...`) and whose reverse deletes it.",
};

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
            "{} `{}` ({}) is checked, but no migration creates it",
            kind.name(),
            def.key,
            def.symbol
        );
        let help = format!(
                    "add a data migration to the app that owns the feature whose forward function runs `{}.objects.get_or_create(name={})` and whose reverse deletes it",
                    kind.model(),
                    def.symbol
                );
        let label = format!("no migration creates this {}", kind.name());
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
