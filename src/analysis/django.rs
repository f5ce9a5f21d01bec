//! Django migrations: each app's migration graph and the history of every waffle row.
//!
//! Built after the index from the facts of the migration modules (`<app>/migrations/NNNN_x.py`):
//! which migration of which app creates and deletes each flag, switch and sample, and in what
//! order migrations apply. Only forward operations make history: a reverse function undoes its
//! migration, it does not create or delete anything in the project's life.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::analysis::history::{self, PastValue};
use crate::facts::{
    AppConfigFacts, Direction, FlagAction, FlagOp, KeyExpr, MigrationFacts, Span, WaffleKind,
};
use crate::index::roles::{is_app_module, migration_path};
use crate::index::{CheckKey, FileId, FileRole, Index, RefKind};

pub type AppId = usize;
pub type MigrationId = usize;

/// A Django app: a directory with a `migrations/` package.
#[derive(Clone, Debug)]
pub struct App {
    /// The app label migrations use: from `apps.py` (`label`, else the last part of `name`) or
    /// the app's own migrations, else the directory's name.
    pub label: String,
    /// The app's directory, relative to the scanned root.
    pub dir: String,
    /// Its migrations, by name.
    pub migrations: Vec<MigrationId>,
    /// Migrations no other migration of the app depends on (squashed-away ones left out).
    pub leaves: Vec<MigrationId>,
    /// A `latest_migrations/<label>` file, where the project keeps one.
    pub marker: Option<Marker>,
    /// Modules of its `migrations/` package that were not read (too large, unreadable, no
    /// `Migration` class found), by name: they exist, but their place in the graph is unknown.
    pub unread: Vec<String>,
    /// Why the app's graph is not known for certain (`None`: it is: the label is not in doubt,
    /// and every module was read with all its dependencies). Graph errors are reported only then.
    pub doubt: Option<Doubt>,
    /// Names that a squash of the app replaces and whose modules are gone, to the squash.
    squashed: BTreeMap<String, MigrationId>,
}

impl App {
    /// An app with no migrations yet.
    fn new(label: &str, dir: &str) -> App {
        App {
            label: label.to_string(),
            dir: dir.to_string(),
            migrations: Vec::new(),
            leaves: Vec::new(),
            marker: None,
            unread: Vec::new(),
            doubt: None,
            squashed: BTreeMap::new(),
        }
    }
}

/// Why an app's graph is not known for certain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Doubt {
    /// Its migrations depend on each other under a label that `apps.py` does not give it, or its
    /// `apps.py` label cannot be read.
    Label,
    /// A module of its `migrations/` package was not read.
    UnreadModule,
    /// A migration's `dependencies`, `replaces` or `run_before` are not all literal pairs.
    UnreadDependencies,
}

impl Doubt {
    pub fn describe(self) -> &'static str {
        match self {
            Doubt::Label => "its migrations use a label its apps.py does not give it",
            Doubt::UnreadModule => "a migration module was not read",
            Doubt::UnreadDependencies => "dependencies that are not literal pairs",
        }
    }
}

impl App {
    /// Whether the app's graph is known for certain.
    pub fn certain(&self) -> bool {
        self.doubt.is_none()
    }
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
    /// Migrations of scanned apps it depends on (a squashed-away one stands for its squash; a
    /// `run_before` of another migration counts too), with the span of the dependency.
    pub parents: Vec<(MigrationId, Span)>,
    /// Dependencies that certainly do not exist: on an app of the scan whose label and modules
    /// are known, a name that no module has and no squash replaces: (app, name, span).
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

/// What the graph is built from besides the index.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// Every migration was read (`[django] migrations = true`): the graph is complete.
    pub complete: bool,
    /// `latest_migrations/<label>` files with their text.
    pub markers: Vec<(String, String)>,
    /// The path of every migration module the walk found, read or not.
    pub modules: Vec<String>,
    /// The values of missing constants, so that operations spelled through them still have a key.
    pub recovered: BTreeMap<(FileId, String), Recovered>,
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
    /// Keys of created rows that a source file other than a migration spells as a string: code
    /// that may read the row where no check shows it (`Flag.objects.get(name="x")`, a constant
    /// of a module that is not a definitions file). Filled by [`super::spelled_in`] when asked.
    pub spelled: BTreeSet<String>,
    /// Forward deletions whose key is not known and not named by a constant
    /// (`name__startswith=...`, `.all().delete()`, a computed name, a removed constant whose value
    /// is lost): they may delete any row of their model (with a prefix).
    pub blind_deletions: Vec<BlindDeletion>,
}

/// A forward deletion whose key is not known.
#[derive(Clone, Debug)]
pub struct BlindDeletion {
    pub migration: MigrationId,
    pub kind: WaffleKind,
    /// `name__startswith="<prefix>"`: only names with this prefix.
    pub prefix: Option<String>,
}

/// Where a dependency `(label, name)` leads.
enum Target {
    Found(MigrationId),
    /// A module of a scanned app that was not read.
    Unread,
    /// No app of the scan has the label: a third-party or Django app.
    External,
    /// The nearest app with the label has no such migration.
    Missing(AppId),
}

impl Project {
    /// Builds the graph and history from the indexed migration modules.
    pub fn build(index: &Index, sources: Sources) -> Project {
        let mut project = Project {
            complete: sources.complete,
            recovered: sources.recovered,
            ..Project::default()
        };
        let mut app_ids: BTreeMap<&str, AppId> = BTreeMap::new();
        let mut modules: Vec<&MigrationFacts> = Vec::new();
        for (file_id, file) in index.files.iter().enumerate() {
            let (Some(facts), FileRole::Migration) = (&file.facts.migration, file.role) else {
                continue;
            };
            let Some((dir, name)) = migration_path(&file.rel) else {
                continue;
            };
            let app = *app_ids.entry(dir).or_insert_with(|| {
                let label = dir.rsplit('/').next().unwrap_or(dir);
                project.apps.push(App::new(label, dir));
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
            modules.push(facts);
        }
        for (dir, name) in sources.modules.iter().filter_map(|m| migration_path(m)) {
            if let Some(&app) = app_ids.get(dir) {
                if project.find_in(app, name).is_none() {
                    project.apps[app].unread.push(name.to_string());
                }
            }
        }
        project.label_apps(index, &modules);
        project.link(&modules);
        project.find_leaves();
        project.link_first_and_latest(&modules);
        project.read_markers(&sources.markers);
        project.collect_events(index);
        project
    }

    /// Gives each app its label and says whether the label is certain.
    ///
    /// `apps.py` decides as Django does; the app's own migrations confirm it, since each depends
    /// on its predecessor by label. When they name another label (an `apps.py` that the project
    /// does not use), that one is taken, and the app's graph is not certain.
    fn label_apps(&mut self, index: &Index, modules: &[&MigrationFacts]) {
        let configs: HashMap<&str, &[AppConfigFacts]> = index
            .files
            .iter()
            .filter(|f| is_app_module(&f.rel))
            .map(|f| {
                let dir = f.rel.rsplit_once('/').map_or("", |(dir, _)| dir);
                (dir, f.facts.app_configs.as_slice())
            })
            .collect();
        // Names of each directory's modules, to tell an app's own migrations from another app's.
        let names: Vec<HashSet<&str>> = self
            .apps
            .iter()
            .map(|app| {
                app.migrations
                    .iter()
                    .map(|&m| self.migrations[m].name.as_str())
                    .chain(app.unread.iter().map(String::as_str))
                    .collect()
            })
            .collect();
        let mut labels = Vec::with_capacity(self.apps.len());
        for (id, app) in self.apps.iter().enumerate() {
            // Labels that the app's migrations use for migrations of the app's own directory,
            // with the distinct names they reach.
            let mut evidence: BTreeMap<&str, HashSet<&str>> = BTreeMap::new();
            for &m in &app.migrations {
                let own = self.migrations[m].name.as_str();
                for (label, name, _) in &modules[m].dependencies {
                    if name == own {
                        // `("waffle", "0001_initial")` from `0001_initial`: never its own app.
                        continue;
                    }
                    let elsewhere = self.apps.iter().enumerate().any(|(other, o)| {
                        other != id && o.label == *label && names[other].contains(name.as_str())
                    });
                    if names[id].contains(name.as_str()) && !elsewhere {
                        evidence.entry(label).or_default().insert(name);
                    }
                }
            }
            let best = evidence.values().map(HashSet::len).max().unwrap_or(0);
            let mut leaders = evidence.iter().filter(|(_, n)| n.len() == best);
            let inferred = match (leaders.next(), leaders.next()) {
                (Some((label, _)), None) => Some(label.to_string()),
                _ => None,
            };
            let declared = declared_label(&app.label, configs.get(app.dir.as_str()).copied());
            labels.push(match declared {
                Some(label) if evidence.is_empty() || evidence.contains_key(label.as_str()) => {
                    (label, true)
                }
                Some(label) => (inferred.unwrap_or(label), false),
                None => (inferred.unwrap_or_else(|| app.label.clone()), false),
            });
        }
        for (app, (label, certain)) in self.apps.iter_mut().zip(labels) {
            app.label = label;
            app.doubt = (!certain).then_some(Doubt::Label);
        }
    }

    /// Resolves squashes, dependencies and `run_before` between the migrations read.
    fn link(&mut self, modules: &[&MigrationFacts]) {
        for (id, facts) in modules.iter().enumerate() {
            let dir = self.apps[self.migrations[id].app].dir.clone();
            for (label, name) in &facts.replaces {
                match self.target(&dir, label, name, false) {
                    Target::Found(replaced) if replaced != id => {
                        self.migrations[replaced].replaced_by = Some(id);
                    }
                    Target::Missing(app) => {
                        self.apps[app].squashed.insert(name.clone(), id);
                    }
                    _ => {}
                }
            }
        }
        for (id, facts) in modules.iter().enumerate() {
            let app = self.migrations[id].app;
            let dir = self.apps[app].dir.clone();
            for (label, name, span) in &facts.dependencies {
                match self.target(&dir, label, name, true) {
                    Target::Found(parent) => self.add_parent(id, parent, *span),
                    Target::Missing(target) if self.apps[target].certain() && !is_special(name) => {
                        self.migrations[id].missing_parents.push((
                            label.clone(),
                            name.clone(),
                            *span,
                        ));
                    }
                    _ => {}
                }
            }
            for (label, name) in &facts.run_before {
                if let Target::Found(child) = self.target(&dir, label, name, true) {
                    let span = modules[child].class_span;
                    self.add_parent(child, id, span);
                }
            }
        }
        // The graph of an app is known when every module was read with all its dependencies.
        for (id, facts) in modules.iter().enumerate() {
            let app = &mut self.apps[self.migrations[id].app];
            if facts.unread_dependencies {
                app.doubt = app.doubt.or(Some(Doubt::UnreadDependencies));
            }
        }
        for app in &mut self.apps {
            if !app.unread.is_empty() {
                app.doubt = app.doubt.or(Some(Doubt::UnreadModule));
            }
        }
    }

    /// A cross-app dependency on `__first__` (the app's first root) or `__latest__` (its first
    /// leaf), as Django resolves them; on the app itself, Django ignores them.
    fn link_first_and_latest(&mut self, modules: &[&MigrationFacts]) {
        for (id, facts) in modules.iter().enumerate() {
            let app = self.migrations[id].app;
            for (label, name, span) in &facts.dependencies {
                let Some(target) = self.app_by_label(label, &self.apps[app].dir) else {
                    continue;
                };
                let candidates: Vec<MigrationId> = match name.as_str() {
                    _ if target == app => continue,
                    "__first__" => self.apps[target]
                        .migrations
                        .iter()
                        .copied()
                        .filter(|&m| {
                            self.migrations[m].replaced_by.is_none()
                                && !self.migrations[m]
                                    .parents
                                    .iter()
                                    .any(|(p, _)| self.migrations[*p].app == target)
                        })
                        .collect(),
                    "__latest__" => self.apps[target].leaves.clone(),
                    _ => continue,
                };
                if let Some(&parent) = candidates.iter().min_by_key(|&&m| &self.migrations[m].name)
                {
                    self.add_parent(id, parent, *span);
                }
            }
        }
    }

    /// Records that `child` applies after `parent` (once).
    fn add_parent(&mut self, child: MigrationId, parent: MigrationId, span: Span) {
        let parents = &mut self.migrations[child].parents;
        if parent != child && !parents.iter().any(|(p, _)| *p == parent) {
            parents.push((parent, span));
        }
    }

    /// Where `(label, name)` leads from an app in `near_dir`: the nearest app with the label that
    /// has the migration, and with `squashed`, the squash standing for a replaced one.
    fn target(&self, near_dir: &str, label: &str, name: &str, squashed: bool) -> Target {
        let mut apps: Vec<AppId> = (0..self.apps.len())
            .filter(|&a| self.apps[a].label == label)
            .collect();
        apps.sort_by_key(|&a| {
            (
                std::cmp::Reverse(common_prefix(&self.apps[a].dir, near_dir)),
                a,
            )
        });
        let Some(&nearest) = apps.first() else {
            return Target::External;
        };
        for &app in &apps {
            if let Some(found) = self.find_in(app, name) {
                return Target::Found(if squashed {
                    self.squash_of(found)
                } else {
                    found
                });
            }
            if let Some(&squash) = self.apps[app].squashed.get(name).filter(|_| squashed) {
                return Target::Found(self.squash_of(squash));
            }
            if self.apps[app].unread.iter().any(|n| n == name) {
                return Target::Unread;
            }
        }
        Target::Missing(nearest)
    }

    /// The migration that stands for `migration`: itself, or the squash replacing it (and the
    /// squash replacing that one).
    fn squash_of(&self, migration: MigrationId) -> MigrationId {
        let mut current = migration;
        for _ in 0..self.migrations.len() {
            match self.migrations[current].replaced_by {
                Some(squash) if squash != migration => current = squash,
                _ => break,
            }
        }
        current
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

    /// Attaches each `latest_migrations/<label>` file to its app.
    fn read_markers(&mut self, markers: &[(String, String)]) {
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
            if let Some(app) = self.app_by_label(label, dir) {
                let start = text
                    .find(names.as_str())
                    .filter(|_| !names.is_empty())
                    .unwrap_or(0);
                let span = crate::facts::LineIndex::new(text).span(start, start + names.len());
                self.apps[app].marker = Some(Marker {
                    path: path.clone(),
                    names,
                    span,
                });
            }
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
                CheckKey::Key { key, .. } => Some(key.clone()),
                CheckKey::MissingSymbol { symbol, file } => self
                    .recovered
                    .get(&(*file, symbol.clone()))
                    .map(|found| index.files[*file].key_transform.apply(found.value())),
                CheckKey::Parameter(_) | CheckKey::Dynamic(_) => None,
            };
            let Some(key) = key else {
                // A constant the index does not know still names one row, and its value is
                // spelled where the constant is defined; a pattern or a computed name may delete
                // any row.
                let named = matches!(op.key, KeyExpr::Path(_))
                    && !matches!(resolved.key, CheckKey::MissingSymbol { .. });
                if op.action == FlagAction::Delete && !named {
                    self.blind_deletions.push(BlindDeletion {
                        migration,
                        kind: op.kind,
                        prefix: op.prefix.clone(),
                    });
                }
                continue;
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

    /// The deletion that leaves the key's row of `kind` deleted: one that no creation of the same
    /// kind undoes, in a later migration (one depending on it) or in the same one. The last such
    /// in path order.
    pub fn final_deletion(&self, key: &str, kind: WaffleKind) -> Option<&Event> {
        let events: Vec<&Event> = self.events_of(key).filter(|e| e.kind == kind).collect();
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
            .find(|d| {
                !creations
                    .iter()
                    .any(|&c| c == d.migration || self.is_ancestor(d.migration, c))
            })
            .copied()
    }

    /// Each kind of row that migrations create or delete under the key, with the deletion that
    /// leaves it deleted (`None`: the row is still there).
    pub fn rows(&self, key: &str) -> BTreeMap<WaffleKind, Option<&Event>> {
        let kinds: BTreeSet<WaffleKind> = self.events_of(key).map(|e| e.kind).collect();
        kinds
            .into_iter()
            .map(|kind| (kind, self.final_deletion(key, kind)))
            .collect()
    }

    /// Whether a deletion whose key is not known may remove the row of `kind` that `created`
    /// made: one that does not run before it.
    pub fn may_be_deleted_blindly(&self, created: &Event) -> bool {
        self.blind_deletions.iter().any(|blind| {
            blind.kind == created.kind
                && blind
                    .prefix
                    .as_ref()
                    .is_none_or(|prefix| created.key.starts_with(prefix.as_str()))
                && blind.migration != created.migration
                && !self.is_ancestor(blind.migration, created.migration)
        })
    }

    /// The keys of rows that some migration creates.
    pub fn created_keys(&self) -> BTreeSet<&str> {
        self.events
            .iter()
            .filter(|e| e.action == FlagAction::Create)
            .map(|e| e.key.as_str())
            .collect()
    }

    /// Whether migrations delete every kind of row of the key they touch, for good.
    pub fn is_deleted(&self, key: &str) -> bool {
        let rows = self.rows(key);
        !rows.is_empty() && rows.values().all(Option::is_some)
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

/// The label Django gives the app of `apps.py` (Django 3.2 and later): the label, or the last part
/// of the name, of its only configuration class, or of the one marked `default = True`; without
/// one, `dir_label`. `None` when that class's label cannot be read.
fn declared_label(dir_label: &str, configs: Option<&[AppConfigFacts]>) -> Option<String> {
    let configs = configs.unwrap_or_default();
    let candidates: Vec<&AppConfigFacts> = configs
        .iter()
        .filter(|c| c.default != Some(false))
        .collect();
    let chosen = match candidates.as_slice() {
        [only] => Some(*only),
        _ => {
            let mut marked = candidates.iter().filter(|c| c.default == Some(true));
            match (marked.next(), marked.next()) {
                (Some(config), None) => Some(*config),
                _ => None,
            }
        }
    };
    let Some(config) = chosen else {
        return Some(dir_label.to_string());
    };
    match (&config.label, &config.name) {
        (Some(label), _) => Some(label.clone()),
        _ if config.unread => None,
        (None, Some(name)) => Some(name.rsplit('.').next().unwrap_or(name).to_string()),
        (None, None) => Some(dir_label.to_string()),
    }
}

/// `__first__` and `__latest__`, which name no module.
fn is_special(name: &str) -> bool {
    name == "__first__" || name == "__latest__"
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
        let found = history::last_values(root, &index.files[file].rel, &names);
        for symbol in symbols {
            let name = symbol.rsplit('.').next().unwrap_or(&symbol).to_string();
            if let Some(PastValue {
                value,
                commit,
                date,
            }) = found.get(&name).cloned()
            {
                recovered.insert(
                    (file, symbol),
                    Recovered::Git {
                        value,
                        commit,
                        date,
                    },
                );
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
            prefix: None,
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
            side: crate::config::Side::Backend,
            key_transform: KeyTransform::None,
            policy: crate::config::DefinitionPolicy::default(),
        }
    }

    fn project(files: Vec<IndexedFile>) -> (Index, Project) {
        let index = Index::build(files, &Layout::default(), &[]);
        let project = Project::build(
            &index,
            Sources {
                complete: true,
                ..Sources::default()
            },
        );
        (index, project)
    }

    fn names(project: &Project, ids: &[MigrationId]) -> Vec<String> {
        ids.iter().map(|&m| project.migration_name(m)).collect()
    }

    /// An `apps.py` of `dir` declaring these configurations.
    fn apps_module(dir: &str, configs: Vec<AppConfigFacts>) -> IndexedFile {
        IndexedFile {
            rel: format!("{dir}/apps.py"),
            language: Language::Python,
            role: FileRole::Production,
            facts: FileFacts {
                app_configs: configs,
                ..FileFacts::default()
            },
            suppressions: Vec::new(),
            side: crate::config::Side::Backend,
            key_transform: KeyTransform::None,
            policy: Default::default(),
        }
    }

    fn config(name: &str, label: Option<&str>, default: Option<bool>) -> AppConfigFacts {
        AppConfigFacts {
            name: Some(name.to_string()),
            label: label.map(str::to_string),
            unread: false,
            default,
        }
    }

    fn app_named<'p>(project: &'p Project, dir: &str) -> &'p App {
        project.apps.iter().find(|a| a.dir == dir).unwrap()
    }

    /// The first migration of the app in `dir`, and the names of its parents.
    fn first_of<'p>(project: &'p Project, dir: &str) -> (&'p Migration, Vec<String>) {
        let migration = &project.migrations[app_named(project, dir).migrations[0]];
        let parents: Vec<MigrationId> = migration.parents.iter().map(|p| p.0).collect();
        (migration, names(project, &parents))
    }

    #[test]
    fn labels_come_from_apps_py_as_the_apps_own_migrations_confirm() {
        let (_, project) = project(vec![
            apps_module(
                "messages",
                vec![config("site.messages", Some("site_messages"), None)],
            ),
            module("messages", "0001_initial", &[], &[], vec![]),
            module(
                "messages",
                "0002_b",
                &["site_messages.0001_initial", "auth.0012_x"],
                &[],
                vec![],
            ),
            // apps.py says `other`, the migrations say `legacy`: Django < 3.2 ignores apps.py.
            apps_module("legacy", vec![config("site.legacy", Some("other"), None)]),
            module("legacy", "0001_initial", &[], &[], vec![]),
            module("legacy", "0002_b", &["legacy.0001_initial"], &[], vec![]),
            // The first migration of an app depends on another app's first migration.
            module(
                "fulfillment",
                "0001_initial",
                &["waffle.0001_initial"],
                &[],
                vec![],
            ),
        ]);
        let messages = app_named(&project, "messages");
        assert_eq!(messages.label, "site_messages");
        assert!(messages.certain());
        assert_eq!(names(&project, &messages.leaves), ["site_messages.0002_b"]);
        let legacy = app_named(&project, "legacy");
        assert_eq!(
            (legacy.label.as_str(), legacy.doubt),
            ("legacy", Some(Doubt::Label))
        );
        assert_eq!(names(&project, &legacy.leaves), ["legacy.0002_b"]);
        let fulfillment = app_named(&project, "fulfillment");
        assert_eq!(
            (fulfillment.label.as_str(), fulfillment.certain()),
            ("fulfillment", true)
        );
    }

    #[test]
    fn django_picks_the_only_or_the_default_configuration() {
        let one = [config("a.b.shop", None, None)];
        assert_eq!(declared_label("dir", Some(&one)).as_deref(), Some("shop"));
        let two = [
            config("a.shop", Some("shop"), None),
            config("a.shop", Some("shop_admin"), Some(true)),
        ];
        assert_eq!(
            declared_label("dir", Some(&two)).as_deref(),
            Some("shop_admin")
        );
        let undecided = [
            config("a.shop", Some("one"), None),
            config("a.shop", Some("two"), None),
        ];
        assert_eq!(
            declared_label("dir", Some(&undecided)).as_deref(),
            Some("dir")
        );
        let off = [
            config("a.shop", Some("one"), Some(false)),
            config("a.shop", Some("two"), None),
        ];
        assert_eq!(declared_label("dir", Some(&off)).as_deref(), Some("two"));
        let computed = [AppConfigFacts {
            unread: true,
            ..AppConfigFacts::default()
        }];
        assert_eq!(declared_label("dir", Some(&computed)), None);
        assert_eq!(declared_label("dir", None).as_deref(), Some("dir"));
    }

    #[test]
    fn a_squash_stands_for_replaced_migrations_that_are_gone() {
        let (_, project) = project(vec![
            module(
                "products",
                "0001_squashed_0003_c",
                &[],
                &[
                    "products.0001_initial",
                    "products.0002_b",
                    "products.0003_c",
                ],
                vec![],
            ),
            module("products", "0004_d", &["products.0003_c"], &[], vec![]),
            module(
                "reviews",
                "0001_initial",
                &["products.0002_b", "products.0009_never"],
                &[],
                vec![],
            ),
        ]);
        let products = app_named(&project, "products");
        assert_eq!(names(&project, &products.leaves), ["products.0004_d"]);
        let (reviews, parents) = first_of(&project, "reviews");
        assert_eq!(parents, ["products.0001_squashed_0003_c"]);
        assert_eq!(reviews.missing_parents.len(), 1);
        assert_eq!(reviews.missing_parents[0].1, "0009_never");
    }

    #[test]
    fn run_before_first_and_latest_order_migrations() {
        let mut backfill = module(
            "notes",
            "0002_backfill",
            &["notes.0001_initial"],
            &[],
            vec![],
        );
        if let Some(m) = backfill.facts.migration.as_mut() {
            m.run_before = vec![("notes".to_string(), "0002_index".to_string())];
        }
        let (_, project) = project(vec![
            module("notes", "0001_initial", &[], &[], vec![]),
            backfill,
            module("notes", "0002_index", &["notes.0001_initial"], &[], vec![]),
            module(
                "reviews",
                "0001_initial",
                &["notes.__first__", "notes.__latest__", "reviews.__first__"],
                &[],
                vec![],
            ),
        ]);
        let notes = app_named(&project, "notes");
        assert_eq!(names(&project, &notes.leaves), ["notes.0002_index"]);
        let (reviews, parents) = first_of(&project, "reviews");
        assert_eq!(parents, ["notes.0001_initial", "notes.0002_index"]);
        assert!(reviews.missing_parents.is_empty());
    }

    #[test]
    fn unread_modules_exist_but_make_the_graph_uncertain() {
        let files = vec![
            module("shop", "0001_initial", &[], &[], vec![]),
            module("orders", "0001_initial", &["shop.0002_big"], &[], vec![]),
        ];
        let index = Index::build(files, &Layout::default(), &[]);
        let project = Project::build(
            &index,
            Sources {
                complete: true,
                modules: vec![
                    "shop/migrations/0001_initial.py".to_string(),
                    "shop/migrations/0002_big.py".to_string(),
                    "shop/migrations/_helpers.py".to_string(),
                    "orders/migrations/0001_initial.py".to_string(),
                ],
                ..Sources::default()
            },
        );
        let shop = app_named(&project, "shop");
        assert_eq!(shop.unread, ["0002_big"]);
        assert_eq!(shop.doubt, Some(Doubt::UnreadModule));
        let (orders, parents) = first_of(&project, "orders");
        assert!(orders.missing_parents.is_empty() && parents.is_empty());
    }

    #[test]
    fn keys_spelled_as_strings_in_code() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            (
                "a.py",
                "ROLLOUT = \"proactive_rollout\"\nname = 'sandbox'\n",
            ),
            ("b.ts", "const k = `dark_mode`; // new_nav\n"),
        ];
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let paths: Vec<std::path::PathBuf> =
            files.iter().map(|(n, _)| dir.path().join(n)).collect();
        let paths: Vec<&std::path::Path> = paths.iter().map(|p| p.as_path()).collect();
        let keys: BTreeSet<String> = [
            "proactive_rollout",
            "sandbox",
            "dark_mode",
            "new_nav",
            "proactive",
        ]
        .map(str::to_string)
        .into();
        let found = crate::analysis::spelled_in(&paths, &keys, crate::analysis::Spelling::Quoted);
        assert_eq!(
            found.iter().map(String::as_str).collect::<Vec<_>>(),
            ["dark_mode", "proactive_rollout", "sandbox"]
        );
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
        assert!(project.final_deletion("a", WaffleKind::Flag).is_none());
        assert!(!project.is_deleted("a"));
        assert!(project.is_deleted("b"));
        let deletion = project.final_deletion("b", WaffleKind::Flag).unwrap();
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
    fn nearest_app_wins_a_shared_label() {
        let project = Project {
            apps: vec![
                App::new("users", "one/users"),
                App::new("users", "two/users"),
                App::new("billing", "two/billing"),
            ],
            ..Project::default()
        };
        assert_eq!(project.app_by_label("users", "two/billing"), Some(1));
        assert_eq!(project.app_by_label("users", "one/orders"), Some(0));
        assert_eq!(project.app_by_label("orders", "one"), None);
    }
}
