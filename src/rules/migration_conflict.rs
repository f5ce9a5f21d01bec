//! `migration-conflict`: an app's migrations do not form a line.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::RuleContext;
use crate::analysis::django::{App, MigrationId, Project};

pub(super) fn check(ctx: &mut RuleContext) {
    let project = &ctx.analysis.django;
    if !project.complete {
        return;
    }
    for app in &project.apps {
        if app.certain() {
            check_app(ctx, project, app);
        }
        check_missing(ctx, project, app);
    }
}

/// Siblings, leaves and `latest_migrations` of an app whose graph is known.
fn check_app(ctx: &mut RuleContext, project: &Project, app: &App) {
    let index = ctx.index;
    let live: Vec<MigrationId> = app
        .migrations
        .iter()
        .copied()
        .filter(|&m| project.migrations[m].replaced_by.is_none())
        .collect();
    let mut children: BTreeMap<MigrationId, Vec<MigrationId>> = BTreeMap::new();
    for &m in &live {
        for (parent, _) in &project.migrations[m].parents {
            if project.migrations[*parent].app == project.migrations[m].app {
                children.entry(*parent).or_default().push(m);
            }
        }
    }
    let leaves_below = leaves_below(&live, &children);
    let name = |m: MigrationId| project.migrations[m].name.as_str();
    let path = |m: MigrationId| index.path(project.migrations[m].file).to_string();

    // Siblings whose branches never meet again.
    let mut explained: HashSet<MigrationId> = HashSet::new();
    for (&parent, kids) in &children {
        let mut kids = kids.clone();
        kids.sort_by_key(|&k| name(k));
        for (i, &later) in kids.iter().enumerate() {
            let Some(&earlier) = kids[..i]
                .iter()
                .find(|&&e| leaves_below[&e].is_disjoint(&leaves_below[&later]))
            else {
                continue;
            };
            explained.extend(leaves_below[&later].iter().copied());
            explained.extend(leaves_below[&earlier].iter().copied());
            let span = project.migrations[later]
                .parents
                .iter()
                .find(|(p, _)| *p == parent)
                .map(|(_, span)| *span);
            let message = format!(
                "migrations {} and {} of app `{}` both depend on {}",
                name(earlier),
                name(later),
                app.label,
                name(parent)
            );
            let help = format!(
                        "make {} depend on {} (and renumber it), or add a merge migration (`manage.py makemigrations --merge {}`)",
                        name(later),
                        name(earlier),
                        app.label
                    );
            ctx.report(path(later), span, message)
                .help(help)
                .label("same parent as another migration");
        }
    }

    // Leaves that no shared parent explains (separate roots, a dependency on another app's node).
    if app.leaves.len() > 1 {
        let mut leaves = app.leaves.clone();
        leaves.sort_by_key(|&l| name(l));
        let all: Vec<&str> = leaves.iter().map(|&l| name(l)).collect();
        for &leaf in leaves.iter().skip(1) {
            if explained.contains(&leaf) {
                continue;
            }
            let message = format!(
                "app `{}` has {} leaf migrations ({}); `migrate` refuses to run",
                app.label,
                leaves.len(),
                all.join(", ")
            );
            let help = format!(
                "make {} depend on {}, or add a merge migration",
                name(leaf),
                all[0]
            );
            ctx.report(path(leaf), project.class_span(leaf, index), message)
                .help(help)
                .label("another leaf");
        }
    }

    if let (Some(marker), [leaf]) = (&app.marker, app.leaves.as_slice()) {
        if marker.names != name(*leaf) {
            let message = format!(
                "{} names {}, but the leaf migration of app `{}` is {}",
                marker.path,
                if marker.names.is_empty() {
                    "nothing"
                } else {
                    &marker.names
                },
                app.label,
                name(*leaf)
            );
            let help = format!("write `{}` to {}", name(*leaf), marker.path);
            ctx.report(marker.path.clone(), marker.span, message)
                .help(help)
                .label("not the leaf migration");
        }
    }
}

/// Dependencies of the app's migrations that certainly do not exist.
fn check_missing(ctx: &mut RuleContext, project: &Project, app: &App) {
    let index = ctx.index;
    for &m in &app.migrations {
        let migration = &project.migrations[m];
        for (label, missing, span) in &migration.missing_parents {
            let message = format!(
                "migration {} depends on {label}.{missing}, which does not exist",
                migration.name
            );
            let help = format!(
                        "depend on the current leaf of `{label}` instead (it was renamed or removed, often by a rebase)"
                    );
            ctx.report(index.path(migration.file), *span, message)
                .help(help)
                .label("no such migration");
        }
    }
}

/// For each migration, the leaves reachable from it through its app's children (itself when it is
/// one). A cycle, which Django would reject anyway, is cut where it closes.
fn leaves_below(
    live: &[MigrationId],
    children: &BTreeMap<MigrationId, Vec<MigrationId>>,
) -> BTreeMap<MigrationId, BTreeSet<MigrationId>> {
    let mut memo: BTreeMap<MigrationId, BTreeSet<MigrationId>> = BTreeMap::new();
    for &start in live {
        // Post-order without recursion: (node, children pushed yet).
        let mut stack = vec![(start, false)];
        let mut on_path: HashSet<MigrationId> = HashSet::new();
        while let Some((node, expanded)) = stack.pop() {
            if memo.contains_key(&node) {
                continue;
            }
            let kids = children.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if !expanded {
                on_path.insert(node);
                stack.push((node, true));
                for &kid in kids {
                    if !memo.contains_key(&kid) && !on_path.contains(&kid) {
                        stack.push((kid, false));
                    }
                }
                continue;
            }
            on_path.remove(&node);
            let leaves: BTreeSet<MigrationId> = if kids.is_empty() {
                BTreeSet::from([node])
            } else {
                kids.iter()
                    .filter_map(|k| memo.get(k))
                    .flatten()
                    .copied()
                    .collect()
            };
            memo.insert(node, leaves);
        }
    }
    memo
}
