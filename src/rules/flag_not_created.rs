//! `flag-not-created`: a backend waffle flag that no migration creates.

use super::{Finding, RuleDoc, RuleId, Sink};
use crate::config::Side;
use crate::facts::FlagAction;
use crate::index::Index;
use crate::lang::Language;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a backend flag definition that no Django migration creates",
    what_it_does: "Reports a flag constant of a Python backend definitions file whose key no \
migration creates (`Flag.objects.create`, `get_or_create`, `update_or_create`, a constructor, \
`bulk_create`, or a configured custom operation). Runs only with `[django] migrations = true`, when \
every migration is read, and only when the scan finds migrations at all.",
    why_is_this_bad: "With django-waffle a flag is a database row. Without a migration that \
creates it, the row exists only where someone added it by hand: a fresh database, a new developer's \
environment and every self-hosted install check a flag that is not there, and behave differently \
from production.",
    example: "# backend/feature_flags/flags.py\nNEW_REPORTS = \"new_reports\"  # flag-not-created\n\n\
# no migration runs Flag.objects.get_or_create(name=NEW_REPORTS)",
    how_to_fix: "Add a data migration in the app that owns the feature (`manage.py makemigrations \
APP --empty`) whose forward function creates the flag (`Flag.objects.get_or_create(name=...)`) and \
whose reverse deletes it.",
};

pub fn check(index: &Index, sink: &mut Sink) {
    let project = &index.django;
    if !sink.enabled(RuleId::FlagNotCreated) || !project.complete || project.apps.is_empty() {
        return;
    }
    for def in &index.definitions {
        if def.side != Side::Backend || index.files[def.file].language != Language::Python {
            continue;
        }
        if project
            .events_of(&def.key)
            .any(|e| e.action == FlagAction::Create)
        {
            continue;
        }
        sink.report(
            RuleId::FlagNotCreated,
            Finding {
                message: format!(
                    "flag `{}` ({}) is defined, but no migration creates it",
                    def.key, def.symbol
                ),
                help: Some(format!(
                    "add a data migration to the app that owns the feature whose forward function runs `Flag.objects.get_or_create(name={})` and whose reverse deletes it",
                    def.symbol
                )),
                label: Some("no migration creates this flag".to_string()),
                path: index.path(def.file).to_string(),
                span: Some(def.name_span),
                flag: Some(def.key.clone()),
            },
        );
    }
}
