//! `cleanup-in-wrong-app`: a flag deleted by a migration of another app than the one that created it.

use std::collections::{BTreeMap, BTreeSet};

use super::RuleContext;
use crate::analysis::django::{AppId, Event};
use crate::facts::{FlagAction, WaffleKind};

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    let analysis = ctx.analysis;
    let project = &analysis.django;
    for key in project.by_key.keys() {
        let events: Vec<_> = project.events_of(key).collect();
        // Per kind: the first creation, and every app that creates the row.
        let mut creators: BTreeMap<WaffleKind, (&Event, BTreeSet<AppId>)> = BTreeMap::new();
        for creation in events.iter().filter(|e| e.action == FlagAction::Create) {
            creators
                .entry(creation.kind)
                .or_insert_with(|| (creation, BTreeSet::new()))
                .1
                .insert(project.migrations[creation.migration].app);
        }
        for deletion in events.iter().filter(|e| e.action == FlagAction::Delete) {
            let app = project.migrations[deletion.migration].app;
            let Some((first, apps)) = creators.get(&deletion.kind) else {
                continue;
            };
            if apps.contains(&app) {
                continue;
            }
            let creators = [first];
            let created_by = project.migration_name(creators[0].migration);
            let creator_app = project.app_label(creators[0].migration);
            let message = format!(
                "{} `{key}` is deleted in app `{}`, but it was created by migration {created_by}",
                deletion.kind.name(),
                project.app_label(deletion.migration)
            );
            let help =
                format!("delete it in a new migration of `{creator_app}`, the app that created it");
            ctx.report(index.path(deletion.file), deletion.span, message)
                .help(help)
                .label("deleted outside its app")
                .flag(key.clone());
        }
    }
}
