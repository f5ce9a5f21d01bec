//! `orphaned-flag`: a flag row that migrations create, that nothing uses, and that nothing deletes.

use super::{is_defined, key_uses, Finding, RuleDoc, RuleId, Sink};
use crate::facts::FlagAction;
use crate::index::Index;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a flag created by a migration, with no definition or check left, is never deleted",
    what_it_does: "Reports the migration that creates a flag (switch, sample) when no definition \
declares its key, no code or test checks it or uses its constant, and no migration deletes it.",
    why_is_this_bad:
        "The usages and the constant are gone, but the row lingers in every database: \
it still shows in the admin, can be toggled to no effect, and makes the flag list lie. Step 2 of \
the removal was left half done.",
    example: "# backend/users/migrations/0072_add_pricing_paywall.py\n\
Flag.objects.get_or_create(name=\"pricing_paywall\")  # orphaned-flag: nothing uses it any more",
    how_to_fix:
        "Add a migration, in the app that created the flag, whose forward function deletes \
it (`Flag.objects.filter(name=...).delete()`) and whose reverse creates it again.",
};

pub fn check(index: &Index, sink: &mut Sink) {
    if !sink.enabled(RuleId::OrphanedFlag) {
        return;
    }
    let project = &index.django;
    let mapping = &sink.config().frontend_key;
    for key in project.by_key.keys() {
        let Some(created) = project
            .events_of(key)
            .find(|e| e.action == FlagAction::Create)
        else {
            continue;
        };
        if project.final_deletion(key).is_some()
            || is_defined(index, key, mapping)
            || !key_uses(index, key, mapping).is_empty()
        {
            continue;
        }
        let app = project.app_label(created.migration);
        sink.report(
            RuleId::OrphanedFlag,
            Finding {
                message: format!(
                    "{} `{key}` is created by migration {}, but nothing defines or checks it and no migration deletes it",
                    created.kind.name(),
                    project.migration_name(created.migration)
                ),
                help: Some(format!(
                    "add a migration to `{app}` that deletes it (`{}.objects.filter(name=\"{key}\").delete()`), with a reverse that creates it again",
                    model_name(created.kind)
                )),
                label: Some("created here, used nowhere".to_string()),
                path: index.path(created.file).to_string(),
                span: Some(created.span),
                flag: Some(key.clone()),
            },
        );
    }
}

/// The waffle model class of a kind.
pub fn model_name(kind: crate::facts::WaffleKind) -> &'static str {
    match kind {
        crate::facts::WaffleKind::Flag => "Flag",
        crate::facts::WaffleKind::Switch => "Switch",
        crate::facts::WaffleKind::Sample => "Sample",
    }
}
