//! `orphaned-flag`: a flag row that migrations create, that nothing uses, and that nothing deletes.

use super::{is_defined, key_uses, RuleContext};
use crate::facts::FlagAction;

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
