//! `deleted-flag-still-used`: a migration deletes a flag that code still checks or uses.

use super::{key_uses, Finding, RuleDoc, RuleId, Sink};
use crate::index::{Index, RefKind};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a migration deletes a flag that code still checks or references",
    what_it_does:
        "Reports every check of a flag, and every use of its constant, in production code \
and tests, when a migration deletes the flag's row and no later migration creates it again. \
Frontend code is matched under the `[parity] frontend-key` spelling.",
    why_is_this_bad: "Removal is two steps, each deployed on its own: first the usages go, then a \
migration deletes the row. Deleting the row while code still checks the flag changes behaviour at \
deploy time (waffle answers a missing flag with its default, or creates it anew with \
`WAFFLE_CREATE_MISSING_FLAGS`), and servers still running the old code during the rollout read a \
flag that is gone.",
    example: "# backend/users/migrations/0090_remove_new_billing.py\n\
Flag.objects.filter(name=\"new_billing\").delete()\n\n\
# backend/billing/views.py\nif get_flag_for_user(user, NEW_BILLING):  # deleted-flag-still-used",
    how_to_fix: "Remove the usages first, keeping the behaviour the flag had in production, and \
deploy that; add the deletion migration in a later change. If the deletion was a mistake, drop \
the migration.",
};

pub fn check(index: &Index, sink: &mut Sink) {
    if !sink.enabled(RuleId::DeletedFlagStillUsed) {
        return;
    }
    let project = &index.django;
    let mapping = &sink.config().frontend_key;
    for key in project.by_key.keys() {
        let Some(deletion) = project.final_deletion(key) else {
            continue;
        };
        let by = project.migration_name(deletion.migration);
        for at in key_uses(index, key, mapping) {
            let what = match (at.is_check, at.kind == RefKind::Test) {
                (true, false) => "this code still checks it",
                (true, true) => "this test still sets or checks it",
                (false, false) => "this code still uses its constant",
                (false, true) => "this test still uses its constant",
            };
            sink.report(
                RuleId::DeletedFlagStillUsed,
                Finding {
                    message: format!(
                        "{} `{key}` is deleted by migration {by}, but {what}",
                        deletion.kind.name()
                    ),
                    help: Some(format!(
                        "remove this usage (keep the behaviour the flag had in production) and deploy it before the migration that deletes the flag ({})",
                        index.path(deletion.file)
                    )),
                    label: Some("deleted flag".to_string()),
                    path: index.path(at.file).to_string(),
                    span: Some(at.span),
                    flag: Some(key.clone()),
                },
            );
        }
    }
}
