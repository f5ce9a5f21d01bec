//! `dynamic-flag-key`: a check whose key flaglint cannot know statically.

use super::RuleContext;
use crate::index::{CheckKey, RefKind};

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    for check in &index.checks {
        let CheckKey::Dynamic(reason) = &check.key else {
            continue;
        };
        // Only some names are flags (`keys = ["*_ENABLED"]` of `env.X`): `env[name]` most
        // likely reads something else.
        let some_names = ctx
            .config
            .checks
            .specs()
            .get(check.spec)
            .is_some_and(|spec| !spec.keys.is_empty());
        if check.kind != RefKind::Check || some_names {
            continue;
        }
        ctx.report(
            index.path(check.file),
            check.key_span,
            format!("flag key is not statically known: {reason}"),
        )
        .help("pass a flag constant instead of a key built at run time")
        .label("computed key");
    }
}
