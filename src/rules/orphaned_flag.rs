//! `orphaned-flag`: a flag row that migrations create, that nothing uses, and that nothing deletes.

use super::{is_defined, key_uses, RuleContext, RuleDoc};
use crate::facts::FlagAction;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a flag created by a migration, with no definition or check left, is never deleted",
    what_it_does: "Reports the migration that creates a flag (switch, sample) when no definition \
declares its key, no code or test checks that row or uses its constant, no source file other than \
a migration spells the key as a string (`Flag.objects.get(name=\"x\")`, a constant of a module \
that is not a definitions file), and no migration deletes it (nor may delete it: a deletion whose \
names cannot be read, such as `name__startswith=...`, counts). Each model's row is judged on its \
own: deleting the switch `x` does not delete the sample `x`.",
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

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    let analysis = ctx.analysis;
    let project = &analysis.django;
    let config = ctx.config;
    let mapping = &config.frontend_key;
    for key in project.by_key.keys() {
        if is_defined(index, key, mapping)
            || project.spelled.contains(key)
            || project.spelled.contains(&mapping.to_frontend(key))
            || !key_uses(index, key, config).is_empty()
        {
            continue;
        }
        for (kind, deletion) in project.rows(key) {
            let created = project
                .events_of(key)
                .find(|e| e.kind == kind && e.action == FlagAction::Create);
            let Some(created) = created.filter(|_| deletion.is_none()) else {
                continue;
            };
            if project.may_be_deleted_blindly(created) {
                continue;
            }
            let app = project.app_label(created.migration);
            let message = format!(
                        "{} `{key}` is created by migration {}, but nothing defines, checks or names it and no migration deletes it",
                        kind.name(),
                        project.migration_name(created.migration)
                    );
            let help = format!(
                        "add a migration to `{app}` that deletes it (`{}.objects.filter(name=\"{key}\").delete()`), with a reverse that creates it again",
                        kind.model()
                    );
            ctx.report(index.path(created.file), created.span, message)
                .help(help)
                .label("created here, used nowhere")
                .flag(key.clone());
        }
    }
}
