//! `nested-fork`: a flag fork inside a branch of another flag's fork.

use std::collections::HashSet;

use super::{fork_keys, production_forks, RuleContext, RuleDoc};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a flag fork is nested inside a branch of another flag's fork",
    what_it_does: "Off by default. Reports a flag fork (an `if`, `elif`/`else if` or ternary \
testing a flag) that sits in the then- or else-branch of a fork on a different flag, in the same \
function. Reported at the inner fork. Re-checking the same flag inside its own branch is not \
reported here.\n\n\
Off by default because a sub-feature gated inside its parent feature (`if tour: .. if \
advanced_topics: ..`) is the usual way to ship one, and removing either flag stays a local edit.",
    why_is_this_bad: "Two nested flags make four code paths, some of which no environment ever \
runs, and the combination that ships is rarely the one that was tested. Teams that keep their \
flags independent can turn this on.",
    example: "if get_flag_for_user(user, NEW_CHECKOUT):\n    if get_flag_for_user(user, EXPRESS_PAY):  # nested-fork\n        ...",
    how_to_fix: "Finish (or remove) one flag first, or make the inner feature independent of the \
outer one and fork on it at a separate place.",
};

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    for (file, fork, flag) in production_forks(index) {
        let Some(parent) = fork.parent else {
            continue;
        };
        let Some(outer) = index.files[file].facts.forks.get(parent) else {
            continue;
        };
        let inner_keys = fork_keys(index, file, fork);
        let outer_keys = fork_keys(index, file, outer);
        // The same flag: a shared known key, or the very same check (a local tested twice).
        let same_flag = inner_keys
            .iter()
            .flatten()
            .any(|k| outer_keys.iter().flatten().any(|o| o == k))
            || fork.checks.iter().any(|c| outer.checks.contains(c));
        if same_flag {
            continue;
        }
        let outer_names: HashSet<&str> = outer_keys.iter().flatten().map(String::as_str).collect();
        let mut outer_names: Vec<&str> = outer_names.into_iter().collect();
        outer_names.sort_unstable();
        let outer_text = if outer_names.is_empty() {
            "another flag".to_string()
        } else {
            format!("`{}`", outer_names.join("`, `"))
        };
        ctx.report(
            index.path(file),
            fork.span,
            format!("flag fork nested inside the fork on {outer_text}"),
        )
        .help(format!(
            "fork on one flag at a time; the outer fork starts at line {}",
            outer.span.line
        ))
        .label("nested flag fork")
        .flag(flag);
    }
}
