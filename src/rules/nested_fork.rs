//! `nested-fork`: a flag fork inside a branch of another flag's fork.

use std::collections::HashSet;

use super::{fork_keys, production_forks, RuleContext};

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
