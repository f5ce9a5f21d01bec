//! `unused-flag`: a definition whose key nothing in production code checks or uses.

use super::{Finding, RuleDoc, RuleId, Sink};
use crate::index::{Index, RefKind};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a defined flag is never checked or used in production code",
    what_it_does: "Reports a flag definition whose key has no check and no reference in production \
code (tests, migrations and the definitions files themselves do not count). The message says when \
the flag is still referenced by tests or migrations.",
    why_is_this_bad: "A flag nobody checks is dead weight: it still shows up in the admin, can be \
toggled to no effect, and misleads readers. Usually its usages were removed (step 1 of removal) and \
the definition and database row were forgotten (step 2).",
    example: "# backend/feature_flags/flags.py\nOLD_BILLING = \"old_billing\"  # unused-flag: no code checks it",
    how_to_fix: "Finish the removal: delete the constant (and its frontend mirror), delete the flag \
with a migration in the app that created it, and inline the literal value in the creating migration. \
If the flag is about to be used, ignore the warning until the check lands.",
};

pub fn check(index: &Index, sink: &mut Sink) {
    if !sink.enabled(RuleId::UnusedFlag) {
        return;
    }
    for def in &index.definitions {
        let Some(flag) = index.flags.get(&def.key) else {
            continue;
        };
        let kinds = flag
            .checks
            .iter()
            .map(|&c| index.checks[c].kind)
            .chain(flag.references.iter().map(|&r| index.references[r].kind));
        let (mut production, mut tests, mut migrations) = (false, false, false);
        for kind in kinds {
            match kind {
                RefKind::Check | RefKind::Reference => production = true,
                RefKind::Test => tests = true,
                RefKind::Migration => migrations = true,
                RefKind::Definition => {}
            }
        }
        if production {
            continue;
        }
        let only = match (tests, migrations) {
            (true, true) => "; it is referenced only by tests and migrations",
            (true, false) => "; it is referenced only by tests",
            (false, true) => "; it is referenced only by migrations",
            (false, false) => "",
        };
        sink.report(
            RuleId::UnusedFlag,
            Finding {
                message: format!(
                    "flag `{}` ({}) is never checked in production code{only}",
                    def.key, def.symbol
                ),
                help: Some(
                    "remove the flag (definition, frontend mirror, database row), or check it where the feature is gated"
                        .to_string(),
                ),
                label: Some("defined here".to_string()),
                path: index.path(def.file).to_string(),
                span: Some(def.name_span),
                flag: Some(def.key.clone()),
            },
        );
    }
}
