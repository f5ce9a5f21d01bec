//! Django migrations: each app's migration graph and the history of every waffle row.
//!
//! Built after the index from the facts of the migration modules (`<app>/migrations/NNNN_x.py`):
//! which migration of which app creates and deletes each flag, switch and sample, and in what
//! order migrations apply. Only forward operations make history: a reverse function undoes its
//! migration, it does not create or delete anything in the project's life.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::facts::{Direction, FlagAction, FlagOp, MigrationFacts, Span, WaffleKind};
use crate::index::{CheckKey, FileId, FileRole, Index, RefKind};

pub type AppId = usize;
pub type MigrationId = usize;

/// A Django app: a directory with a `migrations/` package.
#[derive(Clone, Debug)]
pub struct App {
    /// The app label Django uses by default: the directory's name.
    pub label: String,
    /// The app's directory, relative to the scanned root.
    pub dir: String,
    /// Its migrations, by name.
    pub migrations: Vec<MigrationId>,
    /// Migrations no other migration of the app depends on (squashed-away ones left out).
    pub leaves: Vec<MigrationId>,
    /// A `latest_migrations/<label>` file, where the project keeps one.
    pub marker: Option<Marker>,
}

/// A file naming an app's newest migration, so that two branches adding one conflict in review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    pub path: String,
    /// The migration it names (the first word, without `.py`).
    pub names: String,
    /// The span of that word (line 1 when the file is empty).
    pub span: Span,
}

/// One migration module.
#[derive(Clone, Debug)]
pub struct Migration {
    pub file: FileId,
    pub app: AppId,
    /// The module name: `0072_auto_20220817_1744`.
    pub name: String,
    /// Migrations of scanned apps it depends on (a squashed-away one stands for its squash),
    /// with the span of the dependency.
    pub parents: Vec<(MigrationId, Span)>,
    /// Dependencies on migrations of scanned apps that do not exist: (app, name, span).
    pub missing_parents: Vec<(String, String, Span)>,
    /// The squash migration that replaces this one.
    pub replaced_by: Option<MigrationId>,
}

/// A forward creation or deletion of a waffle row by a migration.
#[derive(Clone, Debug)]
pub struct Event {
    pub key: String,
    pub kind: WaffleKind,
    pub action: FlagAction,
    pub migration: MigrationId,
    pub file: FileId,
    /// Index into the file's `MigrationFacts::flag_ops`.
    pub op: usize,
    pub span: Span,
    pub key_span: Span,
    /// The literal fields a creation sets (`everyone=False`, `percent=50`).
    pub initial: Vec<(String, String)>,
}

/// Where the value of a constant that no longer exists was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recovered {
    /// Another definitions file still declares a constant of that name.
    Tree { value: String, path: String },
    /// The definitions file declared it in an earlier commit.
    Git {
        value: String,
        commit: String,
        date: String,
    },
}

impl Recovered {
    pub fn value(&self) -> &str {
        match self {
            Recovered::Tree { value, .. } | Recovered::Git { value, .. } => value,
        }
    }
}

/// Apps, migrations and flag history of the scanned tree.
#[derive(Clone, Debug, Default)]
pub struct Project {
    /// Every migration was read (`[django] migrations = true`): the graph is complete.
    pub complete: bool,
    pub apps: Vec<App>,
    pub migrations: Vec<Migration>,
    /// Forward flag operations, in migration path and source order.
    pub events: Vec<Event>,
    /// Flag key to its events.
    pub by_key: BTreeMap<String, Vec<usize>>,
    /// Values of missing constants that migrations use: (definitions file, symbol) to value.
    pub recovered: BTreeMap<(FileId, String), Recovered>,
}

impl Project {
    /// Builds the graph and history from the indexed migration modules.
    ///
    /// `markers` are `latest_migrations/<label>` files with their text; `recovered` holds the
    /// values of missing constants, so that operations spelled through them still have a key.
    pub fn build(
        index: &Index,
        complete: bool,
        markers: &[(String, String)],
        recovered: BTreeMap<(FileId, String), Recovered>,
    ) -> Project {
        let mut project = Project {
            complete,
            recovered,
            ..Project::default()
        };
        let mut app_ids: BTreeMap<&str, AppId> = BTreeMap::new();
        let mut modules: Vec<(FileId, &MigrationFacts)> = Vec::new();
        for (file_id, file) in index.files.iter().enumerate() {
            let (Some(facts), FileRole::Migration) = (&file.facts.migration, file.role) else {
                continue;
            };
            let Some((dir, name)) = migration_path(&file.rel) else {
                continue;
            };
            let app = *app_ids.entry(dir).or_insert_with(|| {
                project.apps.push(App {
                    label: dir.rsplit('/').next().unwrap_or(dir).to_string(),
                    dir: dir.to_string(),
                    migrations: Vec::new(),
                    leaves: Vec::new(),
                    marker: None,
                });
                project.apps.len() - 1
            });
            project.apps[app].migrations.push(project.migrations.len());
            project.migrations.push(Migration {
                file: file_id,
                app,
                name: name.to_string(),
                parents: Vec::new(),
                missing_parents: Vec::new(),
                replaced_by: None,
            });
            modules.push((file_id, facts));
        }
        project.link(&modules);
        project.find_leaves();
        for (path, text) in markers {
            let Some((_, label)) = path.rsplit_once("latest_migrations/") else {
                continue;
            };
            let names = text
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_end_matches(".py")
                .to_string();
            let dir = path.trim_end_matches(&format!("latest_migrations/{label}"));
            if let Some(app) = project.app_by_label(label, dir) {
                let start = text
                    .find(names.as_str())
                    .filter(|_| !names.is_empty())
                    .unwrap_or(0);
                let span = crate::facts::LineIndex::new(text).span(start, start + names.len());
                project.apps[app].marker = Some(Marker {
                    path: path.clone(),
                    names,
                    span,
                });
            }
        }
        project.collect_events(index);
        project
    }

    /// Resolves dependencies and squashes between the migrations read.
    fn link(&mut self, modules: &[(FileId, &MigrationFacts)]) {
        for (id, (_, facts)) in modules.iter().enumerate() {
            let app = self.migrations[id].app;
            for (label, name) in &facts.replaces {
                if let Some(replaced) = self.find(app, label, name) {
                    if replaced != id {
                        self.migrations[replaced].replaced_by = Some(id);
                    }
                }
            }
        }
        for (id, (_, facts)) in modules.iter().enumerate() {
            let app = self.migrations[id].app;
            let mut parents: Vec<(MigrationId, Span)> = Vec::new();
            let mut missing = Vec::new();
            for (label, name, span) in &facts.dependencies {
                if name == "__first__" || name == "__latest__" {
                    continue;
                }
                let Some(target_app) = self.app_by_label(label, &self.apps[app].dir.clone()) else {
                    continue;
                };
                match self.find_in(target_app, name) {
                    Some(parent) => {
                        let parent = self.migrations[parent].replaced_by.unwrap_or(parent);
                        if parent != id && !parents.iter().any(|(p, _)| *p == parent) {
                            parents.push((parent, *span));
                        }
                    }
                    None => missing.push((label.clone(), name.clone(), *span)),
                }
            }
            self.migrations[id].parents = parents;
            self.migrations[id].missing_parents = missing;
        }
    }

    fn find_leaves(&mut self) {
        let mut has_child: HashSet<MigrationId> = HashSet::new();
        for migration in self.migrations.iter().filter(|m| m.replaced_by.is_none()) {
            for (parent, _) in &migration.parents {
                if self.migrations[*parent].app == migration.app {
                    has_child.insert(*parent);
                }
            }
        }
        for app in &mut self.apps {
            app.leaves = app
                .migrations
                .iter()
                .copied()
                .filter(|m| self.migrations[*m].replaced_by.is_none() && !has_child.contains(m))
                .collect();
        }
    }

    /// The app a dependency names from an app in `near_dir`: by label, the nearest directory first
    /// (several Django projects may live in one repository).
    fn app_by_label(&self, label: &str, near_dir: &str) -> Option<AppId> {
        self.apps
            .iter()
            .enumerate()
            .filter(|(_, app)| app.label == label)
            .max_by_key(|(id, app)| (common_prefix(&app.dir, near_dir), std::cmp::Reverse(*id)))
            .map(|(id, _)| id)
    }

    fn find(&self, from_app: AppId, label: &str, name: &str) -> Option<MigrationId> {
        let app = self.app_by_label(label, &self.apps[from_app].dir)?;
        self.find_in(app, name)
    }

    fn find_in(&self, app: AppId, name: &str) -> Option<MigrationId> {
        self.apps[app]
            .migrations
            .iter()
            .copied()
            .find(|m| self.migrations[*m].name == name)
    }

    fn collect_events(&mut self, index: &Index) {
        let migration_of: HashMap<FileId, MigrationId> = self
            .migrations
            .iter()
            .enumerate()
            .map(|(id, m)| (m.file, id))
            .collect();
        for resolved in &index.migration_keys {
            let Some(&migration) = migration_of.get(&resolved.file) else {
                continue;
            };
            let Some(op) = flag_op(index, resolved.file, resolved.op) else {
                continue;
            };
            if op.direction != Direction::Forward {
                continue;
            }
            let key = match &resolved.key {
                CheckKey::Key { key, .. } => key.clone(),
                CheckKey::MissingSymbol { symbol, file } => {
                    match self.recovered.get(&(*file, symbol.clone())) {
                        Some(found) => index.files[*file].key_transform.apply(found.value()),
                        None => continue,
                    }
                }
                CheckKey::Dynamic(_) => continue,
            };
            self.by_key
                .entry(key.clone())
                .or_default()
                .push(self.events.len());
            self.events.push(Event {
                key,
                kind: op.kind,
                action: op.action,
                migration,
                file: resolved.file,
                op: resolved.op,
                span: op.span,
                key_span: op.key_span,
                initial: op.initial.clone(),
            });
        }
    }

    /// The events of a key, in migration path and source order.
    pub fn events_of<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a Event> + 'a {
        self.by_key
            .get(key)
            .into_iter()
            .flatten()
            .map(|&e| &self.events[e])
    }

    /// Whether migration `ancestor` applies before `migration` (it is among its dependencies,
    /// transitively).
    pub fn is_ancestor(&self, ancestor: MigrationId, migration: MigrationId) -> bool {
        let mut stack = vec![migration];
        let mut seen = HashSet::new();
        while let Some(m) = stack.pop() {
            for (parent, _) in &self.migrations[m].parents {
                if *parent == ancestor {
                    return true;
                }
                if seen.insert(*parent) {
                    stack.push(*parent);
                }
            }
        }
        false
    }

    /// The deletion that leaves the key deleted: one no later creation (a migration depending on
    /// it) undoes. The last such in path order.
    pub fn final_deletion(&self, key: &str) -> Option<&Event> {
        let events: Vec<&Event> = self.events_of(key).collect();
        let mut creations: Vec<MigrationId> = events
            .iter()
            .filter(|c| c.action == FlagAction::Create)
            .map(|c| c.migration)
            .collect();
        creations.sort_unstable();
        creations.dedup();
        let mut checked: HashSet<MigrationId> = HashSet::new();
        events
            .iter()
            .rev()
            .filter(|d| d.action == FlagAction::Delete)
            .filter(|d| checked.insert(d.migration))
            .find(|d| !creations.iter().any(|&c| self.is_ancestor(d.migration, c)))
            .copied()
    }

    /// The migration's `class Migration` name, where diagnostics about the whole migration point.
    pub fn class_span(&self, migration: MigrationId, index: &Index) -> Span {
        index.files[self.migrations[migration].file]
            .facts
            .migration
            .as_ref()
            .map(|m| m.class_span)
            .unwrap_or_default()
    }

    /// `app_label.migration_name`.
    pub fn migration_name(&self, migration: MigrationId) -> String {
        let m = &self.migrations[migration];
        format!("{}.{}", self.apps[m.app].label, m.name)
    }

    /// The label of the app a migration belongs to.
    pub fn app_label(&self, migration: MigrationId) -> &str {
        &self.apps[self.migrations[migration].app].label
    }
}

/// The flag operation behind a resolved key.
pub fn flag_op(index: &Index, file: FileId, op: usize) -> Option<&FlagOp> {
    index.files[file].facts.migration.as_ref()?.flag_ops.get(op)
}

/// The app directory and migration name of a migration module path, `None` for `__init__.py` and
/// files outside a `migrations/` package.
pub fn migration_path(rel: &str) -> Option<(&str, &str)> {
    let (dirs, file) = rel.rsplit_once('/')?;
    let name = file.strip_suffix(".py")?;
    if name == "__init__" {
        return None;
    }
    let app_dir = dirs.strip_suffix("/migrations")?;
    (!app_dir.is_empty()).then_some((app_dir, name))
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.split('/')
        .zip(b.split('/'))
        .take_while(|(x, y)| x == y)
        .count()
}

/// The constants that migrations use but that their definitions module no longer declares:
/// (definitions file, symbol).
pub fn missing_constants(index: &Index) -> Vec<(FileId, String)> {
    let mut missing: Vec<(FileId, String)> = index
        .missing
        .iter()
        .filter(|m| m.kind == RefKind::Migration)
        .map(|m| (m.defined_in, m.symbol.clone()))
        .chain(index.migration_keys.iter().filter_map(|k| match &k.key {
            CheckKey::MissingSymbol { symbol, file } => Some((*file, symbol.clone())),
            _ => None,
        }))
        .chain(index.checks.iter().filter_map(|c| match &c.key {
            CheckKey::MissingSymbol { symbol, file } if c.kind == RefKind::Migration => {
                Some((*file, symbol.clone()))
            }
            _ => None,
        }))
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

/// Finds the values of missing constants: first in another definitions file that still declares a
/// constant of the same name (a frontend mirror), then in the git history of the definitions file.
pub fn recover_values(
    index: &Index,
    root: &std::path::Path,
) -> BTreeMap<(FileId, String), Recovered> {
    let mut recovered = BTreeMap::new();
    let mut from_git: BTreeMap<FileId, Vec<String>> = BTreeMap::new();
    for (file, symbol) in missing_constants(index) {
        let name = symbol.rsplit('.').next().unwrap_or(&symbol);
        let in_tree = index
            .files
            .iter()
            .filter(|f| matches!(f.role, FileRole::Definitions(_)))
            .find_map(|f| {
                f.facts
                    .string_consts
                    .iter()
                    .find(|c| c.exported && c.symbol.last().is_some_and(|s| s == name))
                    .map(|c| (f.rel.clone(), c.value.clone()))
            });
        match in_tree {
            Some((path, value)) => {
                recovered.insert((file, symbol), Recovered::Tree { value, path });
            }
            None => from_git.entry(file).or_default().push(symbol),
        }
    }
    for (file, symbols) in from_git {
        let names: Vec<&str> = symbols
            .iter()
            .map(|s| s.rsplit('.').next().unwrap_or(s))
            .collect();
        let found = crate::git::last_values(root, &index.files[file].rel, &names);
        for symbol in symbols {
            let name = symbol.rsplit('.').next().unwrap_or(&symbol).to_string();
            if let Some(value) = found.get(&name) {
                recovered.insert((file, symbol), value.clone());
            }
        }
    }
    recovered
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{FileFacts, KeyExpr};
    use crate::index::{IndexedFile, Layout};
    use crate::lang::{KeyTransform, Language};

    fn op(action: FlagAction, key: &str) -> FlagOp {
        FlagOp {
            action,
            kind: WaffleKind::Flag,
            key: KeyExpr::Literal(key.to_string()),
            span: Span::default(),
            key_span: Span::default(),
            direction: Direction::Forward,
            run_python: Some(0),
            initial: Vec::new(),
        }
    }

    /// A migration module of `app` with dependencies `deps` ("app.name") and flag operations.
    fn module(
        app: &str,
        name: &str,
        deps: &[&str],
        replaces: &[&str],
        ops: Vec<FlagOp>,
    ) -> IndexedFile {
        let pair = |d: &&str| {
            let (a, n) = d.split_once('.').unwrap();
            (a.to_string(), n.to_string())
        };
        IndexedFile {
            rel: format!("{app}/migrations/{name}.py"),
            language: Language::Python,
            role: FileRole::Migration,
            facts: FileFacts {
                migration: Some(MigrationFacts {
                    dependencies: deps
                        .iter()
                        .map(|d| {
                            let (a, n) = pair(d);
                            (a, n, Span::default())
                        })
                        .collect(),
                    replaces: replaces.iter().map(pair).collect(),
                    flag_ops: ops,
                    ..MigrationFacts::default()
                }),
                ..FileFacts::default()
            },
            suppressions: Vec::new(),
            key_transform: KeyTransform::None,
            policy: crate::config::DefinitionPolicy::default(),
        }
    }

    fn project(files: Vec<IndexedFile>) -> (Index, Project) {
        let index = Index::build(files, &Layout::default(), &[]);
        let project = Project::build(&index, true, &[], BTreeMap::new());
        (index, project)
    }

    fn names(project: &Project, ids: &[MigrationId]) -> Vec<String> {
        ids.iter().map(|&m| project.migration_name(m)).collect()
    }

    #[test]
    fn graph_with_squash_missing_parent_and_cross_app_dependency() {
        let (_, project) = project(vec![
            module("shop", "0001_initial", &[], &[], vec![]),
            module(
                "shop",
                "0001_squashed_0002",
                &[],
                &["shop.0001_initial", "shop.0002_b"],
                vec![],
            ),
            module("shop", "0002_b", &["shop.0001_initial"], &[], vec![]),
            module(
                "shop",
                "0003_c",
                &["shop.0002_b", "users.0001_initial", "auth.0012_x"],
                &[],
                vec![],
            ),
            module("users", "0001_initial", &["users.0000_gone"], &[], vec![]),
        ]);
        assert_eq!(project.apps.len(), 2);
        let shop = &project.apps[0];
        assert_eq!(names(&project, &shop.leaves), ["shop.0003_c"]);
        let c = shop.migrations[3];
        let parents: Vec<MigrationId> = project.migrations[c].parents.iter().map(|p| p.0).collect();
        assert_eq!(
            names(&project, &parents),
            ["shop.0001_squashed_0002", "users.0001_initial"]
        );
        let users = &project.migrations[project.apps[1].migrations[0]];
        assert_eq!(users.missing_parents.len(), 1);
        assert_eq!(users.missing_parents[0].1, "0000_gone");
    }

    #[test]
    fn a_later_creation_undoes_a_deletion() {
        let (_, project) = project(vec![
            module(
                "users",
                "0001_initial",
                &[],
                &[],
                vec![op(FlagAction::Create, "a"), op(FlagAction::Create, "b")],
            ),
            module(
                "users",
                "0002_drop",
                &["users.0001_initial"],
                &[],
                vec![op(FlagAction::Delete, "a"), op(FlagAction::Delete, "b")],
            ),
            module(
                "users",
                "0003_back",
                &["users.0002_drop"],
                &[],
                vec![op(FlagAction::Create, "a")],
            ),
        ]);
        assert!(project.final_deletion("a").is_none());
        let deletion = project.final_deletion("b").unwrap();
        assert_eq!(
            project.migration_name(deletion.migration),
            "users.0002_drop"
        );
        assert_eq!(project.events_of("a").count(), 3);
    }

    #[test]
    fn reverse_and_unreferenced_operations_are_not_history() {
        let mut reverse = op(FlagAction::Create, "a");
        reverse.direction = Direction::Reverse;
        let mut unreferenced = op(FlagAction::Delete, "a");
        unreferenced.direction = Direction::Unreferenced;
        let (_, project) = project(vec![module(
            "users",
            "0001_initial",
            &[],
            &[],
            vec![op(FlagAction::Delete, "a"), reverse, unreferenced],
        )]);
        let actions: Vec<FlagAction> = project.events_of("a").map(|e| e.action).collect();
        assert_eq!(actions, [FlagAction::Delete]);
    }

    #[test]
    fn migration_paths() {
        assert_eq!(
            migration_path("backend/users/migrations/0072_auto.py"),
            Some(("backend/users", "0072_auto"))
        );
        assert_eq!(migration_path("users/migrations/__init__.py"), None);
        assert_eq!(migration_path("users/migrations/sub/0001.py"), None);
        assert_eq!(migration_path("migrations/0001.py"), None);
        assert_eq!(migration_path("users/models.py"), None);
    }

    #[test]
    fn nearest_app_wins_a_shared_label() {
        let app = |label: &str, dir: &str| App {
            label: label.to_string(),
            dir: dir.to_string(),
            migrations: Vec::new(),
            leaves: Vec::new(),
            marker: None,
        };
        let project = Project {
            apps: vec![
                app("users", "one/users"),
                app("users", "two/users"),
                app("billing", "two/billing"),
            ],
            ..Project::default()
        };
        assert_eq!(project.app_by_label("users", "two/billing"), Some(1));
        assert_eq!(project.app_by_label("users", "one/orders"), Some(0));
        assert_eq!(project.app_by_label("orders", "one"), None);
    }
}
