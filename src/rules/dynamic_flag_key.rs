//! `dynamic-flag-key`: a check whose key flaglint cannot know statically.

use super::RuleContext;
use crate::index::{CheckKey, RefKind};

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    for check in &index.checks {
        let CheckKey::Dynamic(reason) = &check.key else {
            continue;
        };
        if check.kind != RefKind::Check {
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
