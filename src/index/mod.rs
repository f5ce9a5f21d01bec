//! The flag index: every definition, check and reference of every flag, with keys resolved across
//! files through imports, re-exports and module paths.
//!
//! Built once from the facts of all parsed files; rules only read it.

pub(crate) mod comments;
mod js_layout;
pub(crate) mod key_modules;
pub(crate) mod lifecycle;
pub(crate) mod process;
pub mod roles;
mod rust_paths;
pub mod settings;
pub mod walk;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use oxc_index::IndexVec;
use serde::Serialize;

use crate::config::{definition_name, DefinitionPolicy, Side};
use crate::facts::{
    ConstKind, FileCheckId, FileFacts, Import, KeyExpr, ModuleRef, Span, StringConst, Suppression,
    WaffleKind,
};
use crate::lang::{CheckSpec, KeyTransform, Language};

pub type FileId = usize;
pub type DefId = usize;

oxc_index::define_index_type! {
    /// A check of the whole index: an index into [`Index::checks`]. Not to be mixed with a file's
    /// [`FileCheckId`]s.
    pub struct CheckId = u32;
}

/// What a file is for, decided from its path and the configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileRole {
    Definitions(Side),
    Test,
    Migration,
    Production,
}

/// One parsed file, as the index receives it.
#[derive(Debug)]
pub struct IndexedFile {
    pub rel: String,
    pub language: Language,
    pub role: FileRole,
    pub facts: FileFacts,
    pub suppressions: Vec<Suppression>,
    /// The side its code is on (`[sides]`, else its language's).
    pub side: Side,
    /// For a definitions file: the rewrite from its declared names to flag keys.
    pub key_transform: KeyTransform,
    /// For a definitions file: which of its constants are flags (from its `[[definitions]]`
    /// entry).
    pub policy: DefinitionPolicy,
}

impl IndexedFile {
    /// The string constants that are flag definitions: those its `[[definitions]]` entry admits
    /// (none outside definitions files).
    pub fn definitions(&self) -> impl Iterator<Item = &StringConst> {
        let is_definitions = matches!(self.role, FileRole::Definitions(_));
        self.facts
            .string_consts
            .iter()
            .filter(move |c| is_definitions && self.policy.admits(c))
    }
}

/// How an occurrence of a flag is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RefKind {
    Definition,
    Check,
    Test,
    Migration,
    Reference,
}

impl RefKind {
    pub fn name(self) -> &'static str {
        match self {
            RefKind::Definition => "definition",
            RefKind::Check => "check",
            RefKind::Test => "test",
            RefKind::Migration => "migration",
            RefKind::Reference => "reference",
        }
    }

    /// A check or other use in production code.
    pub fn in_production(self) -> bool {
        matches!(self, RefKind::Check | RefKind::Reference)
    }
}

/// A flag constant in a definitions file.
#[derive(Clone, Debug)]
pub struct Definition {
    pub key: String,
    pub symbol: String,
    pub side: Side,
    pub file: FileId,
    pub span: Span,
    pub name_span: Span,
    /// Fields describing the flag where its definition has them (YAML definitions,
    /// `flaglint: key=value` comments).
    pub metadata: Vec<(String, String)>,
    /// How code names the definition in its file's language ([`StringConst::reference`]).
    ///
    /// [`StringConst::reference`]: crate::facts::StringConst::reference
    pub reference: Option<String>,
    /// What declares it: a named constant, or a key of a definition shape.
    pub kind: ConstKind,
    /// Kept on purpose, unused (`flaglint: state=retained`, or `retained` in its
    /// `[[definitions]]` entry): old configuration values that must still parse.
    pub retained: bool,
    /// A flag of its side only (`local = true`): no counterpart on the other side.
    pub local: bool,
    /// The symbol as its language writes it, for messages (`Feature::TrimPaths` in Rust,
    /// `FeatureFlags.NEW_NAV` elsewhere).
    pub shown: String,
}

impl Definition {
    /// The enum, class, object or registry declaring it (`FeatureFlags` of
    /// `FeatureFlags.NEW_NAV`); `None` for a top-level constant.
    pub fn container(&self) -> Option<&str> {
        self.symbol.rsplit_once('.').map(|(container, _)| container)
    }
}

/// What a check's key argument turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckKey {
    /// A known key, spelled as a literal, a local constant or a definition constant.
    Key { key: String, source: KeySource },
    /// A constant that does not exist in the definitions file it is looked up in.
    MissingSymbol { symbol: String, file: FileId },
    /// A parameter of the enclosing function or a template's variable, by name: the code forwards
    /// its callers' key.
    Parameter(String),
    /// Not statically known; the text says why.
    Dynamic(String),
}

/// How a check spells a known key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    Literal,
    /// A string constant of the same file that is not a definition.
    LocalConstant,
    Definition(DefId),
    /// A module-level string constant of another module, imported (`from app.constants import
    /// X`): a flag because a check uses it as its key, wherever it lives.
    ModuleConstant(FileId),
}

/// A call of a configured check function.
#[derive(Clone, Debug)]
pub struct Check {
    pub file: FileId,
    /// `Check` in production code, `Test` or `Migration` elsewhere.
    pub kind: RefKind,
    pub key: CheckKey,
    pub span: Span,
    pub key_span: Span,
    pub spec: usize,
    /// The state the call sets, where its spec records one (`override_flag(x, active=False)`).
    pub state: Option<bool>,
}

/// A use of a definition's symbol outside a check call.
#[derive(Clone, Debug)]
pub struct Reference {
    pub file: FileId,
    pub kind: RefKind,
    pub def: DefId,
    pub span: Span,
}

/// A use of a definitions container as a whole: iterated, passed, spread, returned, indexed by a
/// computed key, or asked for its members (`for name in FEATURES`, `Object.keys(FLAGS)`,
/// `FEATURES.items()`), in production code. Any of its flags may be used through it.
#[derive(Clone, Debug)]
pub struct WholeRead {
    pub file: FileId,
    /// The definitions file declaring the container.
    pub defined_in: FileId,
    pub container: String,
    pub span: Span,
}

/// A plain string literal of backend production code that spells a backend flag key.
#[derive(Clone, Debug)]
pub struct Mention {
    pub file: FileId,
    pub key: String,
    pub span: Span,
}

/// A use of a constant that the definitions file it points at does not declare.
#[derive(Clone, Debug)]
pub struct MissingUse {
    pub file: FileId,
    pub kind: RefKind,
    pub symbol: String,
    pub defined_in: FileId,
    pub span: Span,
}

/// Everything known about one flag key.
#[derive(Clone, Debug, Default)]
pub struct Flag {
    pub definitions: Vec<DefId>,
    /// Production and other checks.
    pub checks: Vec<CheckId>,
    /// Indices into [`Index::references`].
    pub references: Vec<usize>,
    /// Indices into [`Index::created_rows`].
    pub created: Vec<usize>,
}

/// The whole inventory.
#[derive(Debug, Default)]
pub struct Index {
    pub files: Vec<IndexedFile>,
    pub definitions: Vec<Definition>,
    pub checks: IndexVec<CheckId, Check>,
    pub references: Vec<Reference>,
    pub missing: Vec<MissingUse>,
    /// Reads of whole definitions containers, in file order.
    pub whole_reads: Vec<WholeRead>,
    /// Literal mentions of backend keys in backend production code (looked for only when
    /// `frontend-only-gate` runs).
    pub mentions: Vec<Mention>,
    /// Per file: the index in [`Index::checks`] of the file's first check (the file's checks follow
    /// in their `FileFacts::checks` order).
    check_offsets: Vec<CheckId>,
    /// Flag key to its occurrences, sorted by key.
    pub flags: BTreeMap<String, Flag>,
    /// The key of every flag operation of every migration, in file order.
    pub migration_keys: Vec<MigrationKey>,
    /// Waffle rows created by production code outside migrations, with a known key, in file
    /// order: definitions of database flags.
    pub created_rows: Vec<CreatedRow>,
}

/// A waffle row that production code creates (`Flag.objects.get_or_create(name="x")` in a
/// management command or a setup function).
#[derive(Clone, Debug)]
pub struct CreatedRow {
    pub key: String,
    pub kind: WaffleKind,
    pub file: FileId,
    /// The creating call.
    pub span: Span,
    /// The literal fields it sets (`everyone=False`).
    pub initial: Vec<(String, String)>,
}

/// The resolved key of one flag operation of a migration.
#[derive(Clone, Debug)]
pub struct MigrationKey {
    pub file: FileId,
    /// Index into the file's `MigrationFacts::flag_ops`.
    pub op: usize,
    pub key: CheckKey,
}

impl Index {
    /// Resolves every check and symbol use of `files` and groups them by flag key.
    ///
    /// `layout` tells where Python import paths start and what Rust crates are called; `specs`
    /// are the configured checks that `CheckSite::spec` points into.
    pub fn build(files: Vec<IndexedFile>, layout: &Layout, specs: &[CheckSpec]) -> Index {
        let mut index = Index {
            files,
            ..Index::default()
        };
        index.collect_definitions();
        let resolver = Resolver::new(&index.files, &index.definitions, layout);
        let mut checks = IndexVec::new();
        let mut references = Vec::new();
        let mut missing = Vec::new();
        let mut whole_reads = Vec::new();
        let mut mentions = Vec::new();
        let mut check_offsets = Vec::with_capacity(index.files.len());
        let mut migration_keys = Vec::new();
        let mut created_rows = Vec::new();
        for (file_id, file) in index.files.iter().enumerate() {
            check_offsets.push(checks.next_idx());
            for (local, site) in file.facts.checks.iter().enumerate() {
                let spec = specs.get(site.spec);
                let key = resolve_expr(
                    &resolver,
                    &index.definitions,
                    file_id,
                    &site.scope,
                    &site.key,
                    spec,
                );
                let kind = if spec.is_some_and(|s| s.test_helper) {
                    RefKind::Test
                } else {
                    occurrence_kind(file.role, site.in_test, RefKind::Check)
                };
                checks.push(Check {
                    file: file_id,
                    kind,
                    key,
                    span: site.span,
                    key_span: site.key_span,
                    spec: site.spec,
                    state: file
                        .facts
                        .check_states
                        .iter()
                        .find(|(check, _)| *check == local)
                        .map(|(_, state)| *state)
                        // `sets`: what a helper's call sets in test code (`.arg("-Zgc")` outside
                        // tests passes an option on and tests nothing).
                        .or(spec.and_then(|s| s.sets).filter(|_| {
                            occurrence_kind(file.role, site.in_test, RefKind::Check)
                                == RefKind::Test
                        })),
                });
            }
            if let Some(migration) = &file.facts.migration {
                for (op, flag_op) in migration.flag_ops.iter().enumerate() {
                    let key = resolve_expr(
                        &resolver,
                        &index.definitions,
                        file_id,
                        &[],
                        &flag_op.key,
                        None,
                    );
                    migration_keys.push(MigrationKey {
                        file: file_id,
                        op,
                        key,
                    });
                }
            }
            for op in &file.facts.created_rows {
                let key = resolve_expr(&resolver, &index.definitions, file_id, &[], &op.key, None);
                if let CheckKey::Key { key, .. } = key {
                    created_rows.push(CreatedRow {
                        key,
                        kind: op.kind,
                        file: file_id,
                        span: op.span,
                        initial: op.initial.clone(),
                    });
                }
            }
            if file.role == FileRole::Migration {
                // A migration importing a constant that is gone breaks `migrate` on a fresh database.
                for import in file.facts.imports.iter().filter(|i| i.name.is_some()) {
                    if let Resolved::Missing {
                        symbol,
                        file: defined_in,
                    } = resolver.resolve(file_id, &[], std::slice::from_ref(&import.local))
                    {
                        missing.push(MissingUse {
                            file: file_id,
                            kind: RefKind::Migration,
                            symbol,
                            defined_in,
                            span: import.span,
                        });
                    }
                }
            }
            if file.role == FileRole::Production && file.side == Side::Backend {
                mentions.extend(file.facts.key_mentions.iter().map(|(key, span)| Mention {
                    file: file_id,
                    key: key.clone(),
                    span: *span,
                }));
            }
            // A definitions file naming its own constants (lists of all flags and the like) is
            // part of the definition, not a use; reading a whole container is a use of it.
            let is_definitions = matches!(file.role, FileRole::Definitions(_));
            for site in &file.facts.symbol_uses {
                let kind = occurrence_kind(file.role, site.in_test, RefKind::Reference);
                match resolver.resolve(file_id, &site.scope, &site.path) {
                    Resolved::Container { file, name } if kind == RefKind::Reference => whole_reads
                        .push(WholeRead {
                            file: file_id,
                            defined_in: file,
                            container: name,
                            span: site.span,
                        }),
                    _ if is_definitions => {}
                    // A gate function's call is its check, already recorded.
                    Resolved::Flag(def)
                        if site.called
                            && index.definitions[def].kind == ConstKind::GateFunction => {}
                    Resolved::Flag(def) => references.push(Reference {
                        file: file_id,
                        kind,
                        def,
                        span: site.span,
                    }),
                    // A called name is a function, or a value used through its methods: not a
                    // flag constant read as a value.
                    Resolved::Missing { symbol, file } if !site.called => {
                        missing.push(MissingUse {
                            file: file_id,
                            kind,
                            symbol,
                            defined_in: file,
                            span: site.span,
                        })
                    }
                    _ => {}
                }
            }
        }
        index.checks = checks;
        index.check_offsets = check_offsets;
        index.references = references;
        index.missing = missing;
        index.whole_reads = whole_reads;
        index.mentions = mentions;
        index.migration_keys = migration_keys;
        index.created_rows = created_rows;
        index.group_by_key();
        index
    }

    fn collect_definitions(&mut self) {
        for (file_id, file) in self.files.iter().enumerate() {
            let FileRole::Definitions(side) = file.role else {
                continue;
            };
            for constant in file.definitions() {
                // `flaglint: type=... owner=...` on the definition's line or alone above it (or
                // above its attributes and doc comments).
                let lines = [constant.span.line, constant.name_span.line];
                let mut metadata = file.facts.metadata.clone();
                for (_, fields) in file
                    .facts
                    .annotations
                    .iter()
                    .filter(|(at, _)| lines.contains(at))
                {
                    metadata.extend(fields.iter().cloned());
                }
                // A registry's stage word (`status`) gives the state, unless one is written.
                let stage = metadata.iter().find(|(k, _)| k == "status");
                let stated = stage.and_then(|(_, word)| lifecycle::state_of(word));
                if let Some(state) = stated.filter(|_| !metadata.iter().any(|(k, _)| k == "state"))
                {
                    metadata.push(("state".to_string(), state.to_string()));
                }
                let retained = file.policy.retains(definition_name(&constant.symbol))
                    || metadata
                        .iter()
                        .any(|(k, v)| k == "state" && lifecycle::is_kept(v));
                self.definitions.push(Definition {
                    key: file.key_transform.apply(&constant.value),
                    symbol: constant.symbol.join("."),
                    side,
                    file: file_id,
                    span: constant.span,
                    name_span: constant.name_span,
                    metadata,
                    reference: constant.reference.clone(),
                    kind: constant.kind,
                    retained,
                    local: file.policy.local,
                    shown: constant.symbol.join(separator(file.language)),
                });
            }
        }
    }

    fn group_by_key(&mut self) {
        let mut flags: BTreeMap<String, Flag> = BTreeMap::new();
        for (id, def) in self.definitions.iter().enumerate() {
            flags
                .entry(def.key.clone())
                .or_default()
                .definitions
                .push(id);
        }
        for (id, check) in self.checks.iter_enumerated() {
            if let CheckKey::Key { key, .. } = &check.key {
                flags.entry(key.clone()).or_default().checks.push(id);
            }
        }
        for (id, reference) in self.references.iter().enumerate() {
            let key = &self.definitions[reference.def].key;
            flags.entry(key.clone()).or_default().references.push(id);
        }
        for (id, row) in self.created_rows.iter().enumerate() {
            flags.entry(row.key.clone()).or_default().created.push(id);
        }
        self.flags = flags;
    }

    /// The check a file's `FileFacts::checks[local]` became.
    pub fn check_of(&self, file: FileId, local: FileCheckId) -> &Check {
        &self.checks[self.check_offsets[file] + local.index()]
    }

    /// The production reads of a flag's definitions outside checks (a Svelte store's `$x`, a
    /// constant passed on), under any of its spellings, as sorted `path:line`.
    pub fn production_reads(&self, spellings: &[&str]) -> Vec<String> {
        let mut reads: Vec<String> = spellings
            .iter()
            .filter_map(|s| self.flags.get(*s))
            .flat_map(|f| f.references.iter().map(|&r| &self.references[r]))
            .filter(|r| r.kind == RefKind::Reference)
            .map(|r| format!("{}:{}", self.path(r.file), r.span.line))
            .collect();
        reads.sort();
        reads.dedup();
        reads
    }

    /// The place of a check among its file's `FileFacts::checks`.
    pub fn local_id(&self, check: CheckId) -> FileCheckId {
        let offset = self.check_offsets[self.checks[check].file];
        FileCheckId::from_usize(check.index() - offset.index())
    }

    /// The relative path of a file.
    /// The flag key a mistyped one most likely means.
    pub fn closest_flag(&self, key: &str) -> Option<&str> {
        self.flags
            .keys()
            .map(|k| (strsim::jaro_winkler(key, k), k))
            .filter(|(score, _)| *score > 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| k.as_str())
    }

    pub fn path(&self, file: FileId) -> &str {
        &self.files[file].rel
    }

    /// Whether any definitions file was found: without one, no key can be called undefined.
    pub fn has_definitions(&self) -> bool {
        self.files
            .iter()
            .any(|f| matches!(f.role, FileRole::Definitions(_)))
    }
}

/// Which half of the product code in `language` belongs to: Python and Rust are backend code,
/// TypeScript and JavaScript frontend code.
pub fn code_side(language: Language) -> Side {
    match language {
        Language::Python
        | Language::Rust
        | Language::Template
        | Language::Yaml
        | Language::Json => Side::Backend,
        Language::TypeScript | Language::JavaScript => Side::Frontend,
    }
}

fn separator(language: Language) -> &'static str {
    if language == Language::Rust {
        "::"
    } else {
        "."
    }
}

/// The flag key a literal spells, through the spec's negation prefix (`"!new_nav"` -> `new_nav`)
/// and key transform (`newNav` -> `new_nav`).
fn literal_key(key: &str, spec: Option<&CheckSpec>) -> String {
    let Some(spec) = spec else {
        return key.to_string();
    };
    let key = spec
        .negation_prefix
        .as_deref()
        .and_then(|prefix| key.strip_prefix(prefix))
        .unwrap_or(key);
    spec.transform.apply(key)
}

/// What a key expression of `file` denotes: a literal (rewritten as `spec` says), a definition, a
/// local constant, a missing constant, or nothing known.
fn resolve_expr(
    resolver: &Resolver,
    definitions: &[Definition],
    file: FileId,
    scope: &[String],
    key: &KeyExpr,
    spec: Option<&CheckSpec>,
) -> CheckKey {
    match key {
        KeyExpr::Literal(key) => {
            let key = literal_key(key, spec);
            match spec.and_then(|spec| field_definition(definitions, spec, &key)) {
                Some(def) => CheckKey::Key {
                    key: definitions[def].key.clone(),
                    source: KeySource::Definition(def),
                },
                None => CheckKey::Key {
                    key,
                    source: KeySource::Literal,
                },
            }
        }
        // `{% flag NAME %}`: a template variable, which a context processor typically fills
        // from the constant of that name (`"NAME": settings.NAME`).
        KeyExpr::Parameter(name) if resolver.files[file].language == Language::Template => {
            let mut named = definitions
                .iter()
                .enumerate()
                .filter(|(_, d)| d.symbol == *name && d.kind == ConstKind::Constant);
            match (named.next(), named.next()) {
                (Some((def, d)), None) => CheckKey::Key {
                    key: d.key.clone(),
                    source: KeySource::Definition(def),
                },
                _ => CheckKey::Dynamic(format!(
                    "template variable `{name}`, which names no flag constant"
                )),
            }
        }
        KeyExpr::Parameter(name) => CheckKey::Parameter(name.clone()),
        KeyExpr::Dynamic(reason) => CheckKey::Dynamic(reason.clone()),
        KeyExpr::Path(path) => match resolver.resolve(file, scope, path) {
            Resolved::Flag(def) => CheckKey::Key {
                key: definitions[def].key.clone(),
                source: KeySource::Definition(def),
            },
            Resolved::Constant(key) => CheckKey::Key {
                key,
                source: KeySource::LocalConstant,
            },
            Resolved::ModuleConstant { key, file } => CheckKey::Key {
                key,
                source: KeySource::ModuleConstant(file),
            },
            Resolved::Missing { symbol, file } => CheckKey::MissingSymbol { symbol, file },
            Resolved::Container { .. } | Resolved::Unresolved => CheckKey::Dynamic(format!(
                "`{}`, which is not a known flag constant",
                path.join(separator(resolver.files[file].language))
            )),
        },
    }
}

/// A property check reads a struct field by its name (`flags.watch_mode`): the field definition
/// of that name, whose key may be serde's rename of it (`watchMode`).
fn field_definition(definitions: &[Definition], spec: &CheckSpec, field: &str) -> Option<DefId> {
    if spec.shape.kind() != crate::lang::ShapeKind::Property {
        return None;
    }
    definitions.iter().position(|d| {
        d.kind == ConstKind::StructField
            && d.key != field
            && d.symbol.rsplit('.').next() == Some(field)
    })
}

/// The kind of an occurrence, from where it is.
fn occurrence_kind(role: FileRole, in_test: bool, production: RefKind) -> RefKind {
    match role {
        FileRole::Test => RefKind::Test,
        FileRole::Migration => RefKind::Migration,
        _ if in_test => RefKind::Test,
        FileRole::Definitions(_) | FileRole::Production => production,
    }
}

/// The outcome of resolving a name or member chain.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Resolved {
    Flag(DefId),
    Missing {
        symbol: String,
        file: FileId,
    },
    /// A local string constant of the same file.
    Constant(String),
    /// A module-level string constant of another module that is not a flag definition.
    ModuleConstant {
        key: String,
        file: FileId,
    },
    /// A definitions container as a whole: `FEATURES`, `FEATURES.items`.
    Container {
        file: FileId,
        name: String,
    },
    Unresolved,
}

/// How sure a module match is: a heuristic match may confirm a flag but never declare one missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Confidence {
    Exact,
    Heuristic,
}

/// Import chains through re-exports are followed at most this deep.
const MAX_DEPTH: usize = 8;

/// Resolution steps one name may take: glob imports and re-exports branch, and a crate full of
/// `pub use self::x::*` would otherwise make resolution exponential.
const MAX_STEPS: usize = 256;

/// Names every JS object has, which are not members of a flag enum or object.
const OBJECT_MEMBERS: &[&str] = &[
    "constructor",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
    "prototype",
    "name",
    "length",
];

/// Methods and attributes that read every member of a container (`FEATURES.items()`,
/// `Flags.__members__`, `Feature::iter()`).
const WHOLE_READS: &[&str] = &[
    "all",
    "keys",
    "values",
    "items",
    "entries",
    "iter",
    "copy",
    "__members__",
    "__dict__",
];

/// Per definitions file: symbol to definition, and the containers (enums, objects, classes).
#[derive(Default)]
struct SymbolTable {
    symbols: HashMap<String, DefId>,
    containers: HashSet<String>,
}

struct Resolver<'a> {
    files: &'a [IndexedFile],
    /// Every segment of every definition symbol: a bare name outside this set can only reach a
    /// definition through an import that binds it.
    symbol_segments: HashSet<String>,
    /// Every segment of the module path of every Rust definitions file (`flags`, crate names).
    rust_def_segments: HashSet<String>,
    /// Steps left for the name being resolved (see [`MAX_STEPS`]).
    steps: std::cell::Cell<usize>,
    tables: Vec<Option<SymbolTable>>,
    /// Per file: top-level string constants (`X`, `OBJ.A`) for keys spelled through a local constant.
    local_constants: Vec<HashMap<String, &'a str>>,
    module_names: Vec<HashSet<&'a str>>,
    /// Django settings modules ([`roles::is_settings_module`]).
    settings_modules: Vec<FileId>,
    /// Per file: its imports by the name they bind (`*` for globs), indices in source order.
    imports_by_local: Vec<HashMap<&'a str, Vec<usize>>>,
    /// Per file: the members its containers declare (`Container.member`), flags or not.
    member_names: Vec<HashSet<&'a str>>,
    /// Every definition's symbol, in any file.
    definition_symbols: HashSet<String>,
    python_exact: HashMap<String, Vec<FileId>>,
    python_suffix: HashMap<String, Vec<FileId>>,
    python_package: Vec<Vec<String>>,
    js_exact: HashMap<String, Vec<FileId>>,
    js_suffix: HashMap<String, Vec<FileId>>,
    js_layout: js_layout::JsLayout,
    rust_modules: HashMap<Vec<String>, FileId>,
    rust_module_of: Vec<Vec<String>>,
}

impl<'a> Resolver<'a> {
    fn new(files: &'a [IndexedFile], definitions: &[Definition], layout: &Layout) -> Self {
        let mut tables: Vec<Option<SymbolTable>> = files
            .iter()
            .map(|f| matches!(f.role, FileRole::Definitions(_)).then(SymbolTable::default))
            .collect();
        for (id, def) in definitions.iter().enumerate() {
            if let Some(table) = tables[def.file].as_mut() {
                table.symbols.entry(def.symbol.clone()).or_insert(id);
                if let Some((container, _)) = def.symbol.rsplit_once('.') {
                    table.containers.insert(container.to_string());
                }
            }
        }
        let local_constants = files
            .iter()
            .map(|f| {
                f.facts
                    .string_consts
                    .iter()
                    .map(|c| (c.symbol.join("."), c.value.as_str()))
                    .collect()
            })
            .collect();
        let module_names = files
            .iter()
            .map(|f| f.facts.module_names.iter().map(String::as_str).collect())
            .collect();
        let imports_by_local = files
            .iter()
            .map(|f| {
                let mut by_local: HashMap<&str, Vec<usize>> = HashMap::new();
                for (i, import) in f.facts.imports.iter().enumerate() {
                    by_local.entry(import.local.as_str()).or_default().push(i);
                }
                by_local
            })
            .collect();
        let member_names = files
            .iter()
            .map(|f| f.facts.member_names.iter().map(String::as_str).collect())
            .collect();
        let definition_symbols = definitions.iter().map(|d| d.symbol.clone()).collect();

        let symbol_segments = definitions
            .iter()
            .flat_map(|d| d.symbol.split('.').map(str::to_string))
            .collect();
        let mut resolver = Resolver {
            files,
            symbol_segments,
            rust_def_segments: HashSet::new(),
            steps: std::cell::Cell::new(MAX_STEPS),
            tables,
            local_constants,
            module_names,
            settings_modules: files
                .iter()
                .enumerate()
                .filter(|(_, f)| f.language == Language::Python && layout.settings.contains(&f.rel))
                .map(|(id, _)| id)
                .collect(),
            imports_by_local,
            member_names,
            definition_symbols,
            python_exact: HashMap::new(),
            python_suffix: HashMap::new(),
            python_package: vec![Vec::new(); files.len()],
            js_exact: HashMap::new(),
            js_suffix: HashMap::new(),
            js_layout: layout.js.clone(),
            rust_modules: HashMap::new(),
            rust_module_of: vec![Vec::new(); files.len()],
        };
        for (id, file) in files.iter().enumerate() {
            match file.language {
                Language::Python => resolver.add_python_module(id, &file.rel, &layout.package_dirs),
                Language::TypeScript | Language::JavaScript => {
                    resolver.add_js_module(id, &file.rel)
                }
                Language::Rust => {
                    let module = rust_module_path(&file.rel, &layout.crate_names);
                    if matches!(file.role, FileRole::Definitions(_)) {
                        resolver.rust_def_segments.extend(module.iter().cloned());
                    }
                    resolver.rust_modules.entry(module.clone()).or_insert(id);
                    resolver.rust_module_of[id] = module;
                }
                // A data file whose entries name constants (`symbol-field`) is the namespace of
                // the Python module of its path, which loads it (`osf/features.yaml` read by
                // `osf/features.py` into `features.ENABLE_GV`).
                Language::Yaml | Language::Json if !file.facts.module_names.is_empty() => {
                    let stem = file
                        .rel
                        .rsplit_once('.')
                        .map_or(file.rel.as_str(), |(s, _)| s);
                    resolver.add_python_module(id, &format!("{stem}.py"), &layout.package_dirs);
                }
                // Templates and other YAML import nothing another file can name.
                Language::Template | Language::Yaml | Language::Json => {}
            }
        }
        // Deterministic preference when several files claim one module name: definitions first,
        // then the shortest path.
        for map in [
            &mut resolver.python_exact,
            &mut resolver.python_suffix,
            &mut resolver.js_exact,
            &mut resolver.js_suffix,
        ] {
            for ids in map.values_mut() {
                ids.sort_by_key(|&id| {
                    (
                        !matches!(files[id].role, FileRole::Definitions(_)),
                        files[id].rel.len(),
                        id,
                    )
                });
            }
        }
        resolver
    }

    fn add_python_module(&mut self, id: FileId, rel: &str, package_dirs: &HashSet<String>) {
        let stem = rel.trim_end_matches(".pyi").trim_end_matches(".py");
        let mut segments: Vec<&str> = stem.split('/').collect();
        let is_package_init = segments.last() == Some(&"__init__");
        if is_package_init {
            segments.pop();
        }
        // The package this file's relative imports start from.
        let package: Vec<String> = if is_package_init {
            segments.iter().map(|s| s.to_string()).collect()
        } else {
            segments[..segments.len().saturating_sub(1)]
                .iter()
                .map(|s| s.to_string())
                .collect()
        };
        self.python_package[id] = package;
        // Exact names: from the scanned root, and from the first directory up that is not a
        // package (where Python's import path starts for this file).
        let mut root_len = segments.len().saturating_sub(1);
        while root_len > 0 && package_dirs.contains(&segments[..root_len].join("/")) {
            root_len -= 1;
        }
        let from_root = segments.join(".");
        let from_package_root = segments[root_len..].join(".");
        for name in [from_root, from_package_root] {
            if !name.is_empty() {
                push_unique(self.python_exact.entry(name).or_default(), id);
            }
        }
        for start in 0..segments.len() {
            push_unique(
                self.python_suffix
                    .entry(segments[start..].join("."))
                    .or_default(),
                id,
            );
        }
    }

    fn add_js_module(&mut self, id: FileId, rel: &str) {
        let stem = strip_js_extension(rel);
        let mut names = vec![stem.to_string()];
        if let Some(dir) = stem.strip_suffix("/index") {
            names.push(dir.to_string());
        } else if stem == "index" {
            names.push(String::new());
        }
        for name in names {
            let segments: Vec<&str> = name.split('/').collect();
            for start in 0..segments.len() {
                let suffix = segments[start..].join("/");
                if !suffix.is_empty() {
                    push_unique(self.js_suffix.entry(suffix).or_default(), id);
                }
            }
            push_unique(self.js_exact.entry(name).or_default(), id);
        }
    }

    /// Resolves a name or member chain used in `file` (inside the Rust inline modules `scope`).
    fn resolve(&self, file: FileId, scope: &[String], path: &[String]) -> Resolved {
        if path.is_empty() {
            return Resolved::Unresolved;
        }
        self.steps.set(MAX_STEPS);
        if self.files[file].language == Language::Rust {
            // Most Rust paths (locals, std items, other crates) cannot reach a definitions file:
            // skip the search unless the path, or the import that binds its first segment,
            // names a definition symbol or a definitions module.
            let relevant = |segment: &String| {
                self.symbol_segments.contains(segment) || self.rust_def_segments.contains(segment)
            };
            let bound_to_definitions = self.imports_named(file, &path[0]).any(|i| {
                i.name.iter().any(relevant)
                    || matches!(&i.module, ModuleRef::Rust(m) if m.iter().any(relevant))
            });
            let may_reach_definitions = self.tables[file].is_some()
                || path.iter().any(relevant)
                || (path.len() == 1 && self.local_constants[file].contains_key(&path[0]))
                || bound_to_definitions;
            if !may_reach_definitions {
                return Resolved::Unresolved;
            }
            return self.resolve_rust(file, scope, path, 0);
        }
        self.resolve_name(file, path, 0)
    }

    /// The imports of `file` that bind `local` (`*`: the globs), in source order.
    fn imports_named(
        &self,
        file: FileId,
        local: &str,
    ) -> impl DoubleEndedIterator<Item = &'a Import> + '_ {
        let imports = &self.files[file].facts.imports;
        self.imports_by_local[file]
            .get(local)
            .into_iter()
            .flatten()
            .map(move |&i| &imports[i])
    }

    /// Takes one resolution step; false when the budget for this name is spent.
    fn step(&self) -> bool {
        let left = self.steps.get();
        self.steps.set(left.saturating_sub(1));
        left > 0
    }

    /// Python and JS/TS: a chain rooted at a name of `file`.
    fn resolve_name(&self, file: FileId, path: &[String], depth: usize) -> Resolved {
        if depth > MAX_DEPTH || !self.step() {
            return Resolved::Unresolved;
        }
        // The file's own definitions or local constants come first: they shadow imports.
        if self.tables[file].is_some() {
            let own = self.lookup_symbol(file, path, Confidence::Exact, depth);
            // A bare name the file does not declare at module level is a local of a function
            // (`for (const k in FLAGS) FLAGS[k]`), not a missing constant.
            let local = path.len() == 1 && matches!(own, Resolved::Missing { .. });
            if own != Resolved::Unresolved && !local {
                return own;
            }
        }
        if let Some(value) = self.local_constant(file, path) {
            return Resolved::Constant(value.to_string());
        }
        if let Some(import) = self.imports_named(file, &path[0]).next_back() {
            return self.resolve_import(file, import, &path[1..], depth);
        }
        for import in self.imports_named(file, "*") {
            let found = self.resolve_import(file, import, path, depth);
            if matches!(found, Resolved::Flag(_) | Resolved::ModuleConstant { .. }) {
                return found;
            }
        }
        Resolved::Unresolved
    }

    /// `settings.X` of `django.conf`: the string the project's settings modules assign to `X`,
    /// when they agree on one.
    fn django_setting(&self, rest: &[String]) -> Resolved {
        let [name] = rest else {
            return Resolved::Unresolved;
        };
        // A settings module that is a definitions file declares it as a flag.
        let mut defined = self.settings_modules.iter().filter_map(|&f| {
            self.tables[f]
                .as_ref()
                .and_then(|t| t.symbols.get(name.as_str()).copied())
        });
        if let (Some(def), None) = (defined.next(), defined.next()) {
            return Resolved::Flag(def);
        }
        let mut values = self
            .settings_modules
            .iter()
            .filter_map(|&f| self.local_constants[f].get(name.as_str()).copied());
        match values.next() {
            Some(first) if values.all(|v| v == first) => Resolved::Constant(first.to_string()),
            Some(_) => Resolved::Unresolved,
            // `local.py` doing `from .base import *`: the setting comes from the module it
            // star-imports.
            None => self
                .settings_modules
                .iter()
                .flat_map(|&f| self.imports_named(f, "*").map(move |i| (f, i)))
                .map(|(f, import)| self.resolve_import(f, import, rest, 1))
                .find(|found| matches!(found, Resolved::Flag(_) | Resolved::ModuleConstant { .. }))
                .unwrap_or(Resolved::Unresolved),
        }
    }

    fn local_constant(&self, file: FileId, path: &[String]) -> Option<&'a str> {
        let constants = &self.local_constants[file];
        if constants.is_empty() || path.len() > 2 {
            return None;
        }
        constants.get(&path.join(".")).copied()
    }

    /// Follows one import binding with the rest of the chain after its local name.
    fn resolve_import(
        &self,
        file: FileId,
        import: &Import,
        rest: &[String],
        depth: usize,
    ) -> Resolved {
        match &import.module {
            ModuleRef::Python { level: 0, dotted }
                if dotted == "django.conf" && import.name.as_deref() == Some("settings") =>
            {
                self.django_setting(rest)
            }
            ModuleRef::Python { level, dotted } => {
                let Some(mut segments) = self.python_absolute(file, *level, dotted) else {
                    return Resolved::Unresolved;
                };
                let base_len = segments.len();
                segments.extend(import.name.iter().cloned());
                segments.extend(rest.iter().cloned());
                // The longest prefix that is a module; what follows is a symbol in it.
                for end in (base_len.max(1)..=segments.len()).rev() {
                    let name = segments[..end].join(".");
                    if let Some((target, confidence)) = self.python_module(&name, *level > 0) {
                        return self.lookup_symbol(target, &segments[end..], confidence, depth + 1);
                    }
                }
                Resolved::Unresolved
            }
            ModuleRef::Js(specifier) => {
                let Some((target, confidence)) = self.js_module(file, specifier) else {
                    return Resolved::Unresolved;
                };
                let mut symbol: Vec<String> = Vec::with_capacity(rest.len() + 1);
                match import.name.as_deref() {
                    // Which constant a default export is, is not recorded.
                    Some("default") => return Resolved::Unresolved,
                    Some(name) => symbol.push(name.to_string()),
                    None => {}
                }
                symbol.extend(rest.iter().cloned());
                self.lookup_symbol(target, &symbol, confidence, depth + 1)
            }
            ModuleRef::Rust(_) => Resolved::Unresolved,
        }
    }

    /// A symbol inside a module file: a definition, a missing member of a definitions file, or a
    /// re-export to follow.
    fn lookup_symbol(
        &self,
        file: FileId,
        symbol: &[String],
        confidence: Confidence,
        depth: usize,
    ) -> Resolved {
        if symbol.is_empty() || depth > MAX_DEPTH || !self.step() {
            return Resolved::Unresolved;
        }
        if let Some(table) = &self.tables[file] {
            if symbol.len() >= 2 {
                if let Some(&def) = table.symbols.get(&format!("{}.{}", symbol[0], symbol[1])) {
                    return Resolved::Flag(def);
                }
            }
            if let Some(&def) = table.symbols.get(&symbol[0]) {
                return Resolved::Flag(def);
            }
            if table.containers.contains(&symbol[0]) {
                let whole = Resolved::Container {
                    file,
                    name: symbol[0].clone(),
                };
                return match symbol.get(1) {
                    None => whole,
                    Some(member) if WHOLE_READS.contains(&member.as_str()) => whole,
                    Some(member)
                        if confidence == Confidence::Exact
                            && !OBJECT_MEMBERS.contains(&member.as_str()) =>
                    {
                        let symbol = format!("{}.{}", symbol[0], member);
                        // A member that is not a flag (a method, a tuple of choices), or that
                        // another definition declares, is not missing.
                        let declared = self.member_names[file].contains(symbol.as_str())
                            || self.definition_symbols.contains(&symbol);
                        if declared {
                            Resolved::Unresolved
                        } else {
                            Resolved::Missing { symbol, file }
                        }
                    }
                    _ => Resolved::Unresolved,
                };
            }
        }
        // A re-export (Python module-level import, TS `export ... from`, Rust `pub use`).
        if let Some(import) = self
            .imports_named(file, &symbol[0])
            .rev()
            .find(|i| i.reexport)
        {
            return if self.files[file].language == Language::Rust {
                self.resolve_rust(file, &import.scope, symbol, depth + 1)
            } else {
                self.resolve_import(file, import, &symbol[1..], depth)
            };
        }
        for import in self.imports_named(file, "*").filter(|i| i.reexport) {
            let found = if self.files[file].language == Language::Rust {
                self.resolve_rust(file, &import.scope, symbol, depth + 1)
            } else {
                self.resolve_import(file, import, symbol, depth)
            };
            if matches!(found, Resolved::Flag(_) | Resolved::ModuleConstant { .. }) {
                return found;
            }
        }
        // A module-level string constant of any module (not only a definitions file, nor only
        // the constants its entry admits as flags): a check that uses it as its key makes it one.
        if self.files[file].language == Language::Python && symbol.len() <= 2 {
            if let Some(value) = self.local_constants[file].get(symbol.join(".").as_str()) {
                return Resolved::ModuleConstant {
                    key: value.to_string(),
                    file,
                };
            }
        }
        let is_definitions = self.tables[file].is_some();
        if is_definitions
            && confidence == Confidence::Exact
            && !self.module_names[file].contains(symbol[0].as_str())
        {
            return Resolved::Missing {
                symbol: symbol[0].clone(),
                file,
            };
        }
        Resolved::Unresolved
    }

    /// The absolute dotted path an import names, from the scanned root for relative imports.
    fn python_absolute(&self, file: FileId, level: u32, dotted: &str) -> Option<Vec<String>> {
        let mut segments = if level == 0 {
            Vec::new()
        } else {
            let package = &self.python_package[file];
            let up = level as usize - 1;
            if up > package.len() {
                return None;
            }
            package[..package.len() - up].to_vec()
        };
        segments.extend(
            dotted
                .split('.')
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
        Some(segments)
    }

    fn python_module(&self, name: &str, relative: bool) -> Option<(FileId, Confidence)> {
        if let Some(ids) = self.python_exact.get(name) {
            return Some((ids[0], Confidence::Exact));
        }
        if relative {
            return None;
        }
        self.python_suffix
            .get(name)
            .map(|ids| (ids[0], Confidence::Heuristic))
    }

    fn js_module(&self, file: FileId, specifier: &str) -> Option<(FileId, Confidence)> {
        if specifier.starts_with("./") || specifier.starts_with("../") || specifier == "." {
            let dir = self.files[file]
                .rel
                .rsplit_once('/')
                .map_or("", |(dir, _)| dir);
            let joined = normalize_path(&format!("{dir}/{specifier}"))?;
            for name in [joined.clone(), strip_js_extension(&joined).to_string()] {
                if let Some(ids) = self.js_exact.get(&name) {
                    return Some((ids[0], Confidence::Exact));
                }
            }
            return None;
        }
        // A workspace package by its `package.json` name, or a `tsconfig.json` path alias.
        let rel = &self.files[file].rel;
        for candidate in self.js_layout.candidates(rel, specifier) {
            let candidate = strip_js_extension(&candidate);
            if let Some(ids) = self.js_exact.get(candidate) {
                return Some((ids[0], Confidence::Exact));
            }
        }
        // A path alias (`@/x`, `~/x`, `#x`, `src/x`, SvelteKit's `$lib/x`) or a workspace
        // package: match the rest of the specifier against the end of a file's path.
        let specifier = specifier
            .strip_prefix("$lib/")
            .map_or(Cow::Borrowed(specifier), |rest| {
                Cow::Owned(format!("lib/{rest}"))
            });
        let segments: Vec<&str> = strip_js_extension(&specifier).split('/').collect();
        // A scoped workspace package (`@novu/shared`, `@acme/ui/button`): its directory is
        // usually named after it (`packages/shared`), its sources under `src/`.
        if let [scope, package, more @ ..] = segments.as_slice() {
            if scope.len() > 1 && scope.starts_with('@') {
                let more = more.join("/");
                let candidates = if more.is_empty() {
                    [
                        format!("{package}/src"),
                        format!("{package}/index"),
                        String::new(),
                    ]
                } else {
                    [
                        format!("{package}/src/{more}"),
                        format!("{package}/{more}"),
                        format!("{package}/lib/{more}"),
                    ]
                };
                let found = candidates
                    .iter()
                    .filter(|c| !c.is_empty())
                    .find_map(|c| self.js_suffix.get(c.as_str()));
                if let Some(ids) = found {
                    return Some((ids[0], Confidence::Heuristic));
                }
            }
        }
        let alias_len = segments
            .iter()
            .take_while(|s| s.starts_with(['@', '~', '#', '$']) || **s == "src")
            .count();
        let rest = &segments[alias_len.min(segments.len())..];
        if rest.is_empty() {
            return None;
        }
        let ids = self.js_suffix.get(&rest.join("/"))?;
        let confidence = if rest.len() >= 2 || alias_len > 0 {
            Confidence::Exact
        } else {
            Confidence::Heuristic
        };
        Some((ids[0], confidence))
    }
}

fn push_unique(ids: &mut Vec<FileId>, id: FileId) {
    if ids.last() != Some(&id) {
        ids.push(id);
    }
}

fn strip_js_extension(path: &str) -> &str {
    for ext in [
        ".d.ts", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts",
    ] {
        if let Some(stem) = path.strip_suffix(ext) {
            return stem;
        }
    }
    path
}

/// Resolves `.` and `..` segments. A path that climbs above the root keeps its leading `..`
/// segments: files of other roots (`roots = ["../client"]`) are named that way.
fn normalize_path(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." if out.last().is_none_or(|last| *last == "..") => out.push(".."),
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    Some(out.join("/"))
}

/// Facts about the repository's layout that no single file holds.
#[derive(Debug, Default)]
pub struct Layout {
    /// `/`-separated directories holding an `__init__.py`: where Python import paths start.
    pub package_dirs: HashSet<String>,
    /// Rust crate directory (`""` for the root) to crate name, from each `Cargo.toml`.
    pub crate_names: HashMap<String, String>,
    /// The Django settings modules that `django.conf.settings` reads.
    pub settings: settings::SettingsModules,
    /// JavaScript workspace packages and path aliases.
    pub js: js_layout::JsLayout,
}

impl Layout {
    /// Reads the layout of the walked files under `root`: one `Cargo.toml` read per Rust crate.
    pub fn discover(root: &std::path::Path, rels: &[&str]) -> Layout {
        let mut layout = Layout::default();
        for rel in rels {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            if name == "package.json" || js_layout::is_config(name) {
                if let Ok(text) = crate::files::read_text(&root.join(rel)) {
                    layout.js.add(rel, &text);
                }
            }
            if let Some(dir) = rel.strip_suffix("/__init__.py") {
                layout.package_dirs.insert(dir.to_string());
            }
            if let Some((crate_dir, _)) = rust_crate_dir(rel) {
                if !layout.crate_names.contains_key(crate_dir) {
                    let name = crate::files::read_text(&root.join(crate_dir).join("Cargo.toml"))
                        .ok()
                        .and_then(|text| toml::from_str::<toml::Table>(&text).ok())
                        .and_then(|t| t.get("package")?.get("name")?.as_str().map(str::to_string));
                    if let Some(name) = name {
                        layout
                            .crate_names
                            .insert(crate_dir.to_string(), name.replace('-', "_"));
                    }
                }
            }
        }
        layout.js.finish();
        layout
    }
}

/// The crate directory of a Rust file under `src/`, and the path below `src/`.
fn rust_crate_dir(rel: &str) -> Option<(&str, &str)> {
    let rel = rel.strip_suffix(".rs")?;
    if let Some(below) = rel.strip_prefix("src/") {
        return Some(("", below));
    }
    let at = rel.rfind("/src/")?;
    Some((&rel[..at], &rel[at + 5..]))
}

/// The module path `[crate, mod, ...]` of a Rust file, from its place under `src/`.
///
/// Files outside a `src/` directory (integration tests, examples, build scripts) are crate roots
/// of their own.
fn rust_module_path(rel: &str, crate_names: &HashMap<String, String>) -> Vec<String> {
    let Some((crate_dir, below)) = rust_crate_dir(rel) else {
        return vec![format!("{rel}#")];
    };
    let mut modules: Vec<String> = below.split('/').map(str::to_string).collect();
    if modules.first().is_some_and(|m| m == "bin") {
        return vec![format!("{rel}#")];
    }
    if modules.last().is_some_and(|m| m == "mod") {
        modules.pop();
    }
    if modules.len() == 1 && (modules[0] == "lib" || modules[0] == "main") {
        modules.clear();
    }
    let crate_name = crate_names.get(crate_dir).cloned().unwrap_or_else(|| {
        crate_dir
            .rsplit('/')
            .find(|s| !s.is_empty())
            .unwrap_or("crate")
            .replace('-', "_")
    });
    let mut path = vec![crate_name];
    path.extend(modules);
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{CheckSite, StringConst, SymbolUse};

    fn span() -> Span {
        Span::default()
    }

    fn constant(symbol: &str, value: &str) -> StringConst {
        StringConst {
            symbol: symbol.split('.').map(str::to_string).collect(),
            value: value.to_string(),
            exported: true,
            span: span(),
            name_span: span(),
            reference: Some(symbol.to_string()),
            kind: ConstKind::Constant,
        }
    }

    fn import(local: &str, module: ModuleRef, name: Option<&str>) -> Import {
        Import {
            local: local.to_string(),
            module,
            name: name.map(str::to_string),
            reexport: true,
            scope: Vec::new(),
            span: span(),
        }
    }

    fn py(dotted: &str) -> ModuleRef {
        ModuleRef::Python {
            level: dotted.chars().take_while(|c| *c == '.').count() as u32,
            dotted: dotted.trim_start_matches('.').to_string(),
        }
    }

    fn check(path: &str) -> CheckSite {
        CheckSite {
            spec: 0,
            key: if path.starts_with('"') {
                KeyExpr::Literal(path.trim_matches('"').to_string())
            } else {
                KeyExpr::Path(
                    path.split(['.', ':'])
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                )
            },
            span: span(),
            key_span: span(),
            in_test: false,
            scope: Vec::new(),
        }
    }

    fn file(rel: &str, role: FileRole, facts: FileFacts) -> IndexedFile {
        let language = crate::lang::detect(std::path::Path::new(rel)).unwrap().1;
        IndexedFile {
            rel: rel.to_string(),
            language,
            role,
            facts,
            suppressions: Vec::new(),
            side: code_side(language),
            key_transform: KeyTransform::None,
            policy: DefinitionPolicy::default(),
        }
    }

    fn backend_flags() -> IndexedFile {
        file(
            "backend/feature_flags/flags.py",
            FileRole::Definitions(Side::Backend),
            FileFacts {
                string_consts: vec![constant("BINARY_INTERFACE", "binary_interface")],
                module_names: vec!["BINARY_INTERFACE".into(), "all_flags".into()],
                ..FileFacts::default()
            },
        )
    }

    fn packages() -> Layout {
        Layout {
            package_dirs: ["backend/feature_flags", "backend/users"]
                .into_iter()
                .map(str::to_string)
                .collect(),
            ..Layout::default()
        }
    }

    fn keys(index: &Index) -> Vec<String> {
        index
            .checks
            .iter()
            .map(|c| match &c.key {
                CheckKey::Key { key, source } => {
                    let via_definition = matches!(source, KeySource::Definition(_));
                    format!("{key}{}", if via_definition { "*" } else { "" })
                }
                CheckKey::MissingSymbol { symbol, .. } => format!("missing {symbol}"),
                CheckKey::Parameter(name) => format!("parameter {name}"),
                CheckKey::Dynamic(_) => "dynamic".to_string(),
            })
            .collect()
    }

    /// The keys of one check `key` in a production file `rel` with `imports`, next to `defs`.
    fn resolve_one(
        defs: IndexedFile,
        rel: &str,
        imports: Vec<Import>,
        key: &str,
        layout: &Layout,
    ) -> Vec<String> {
        let user = file(
            rel,
            FileRole::Production,
            FileFacts {
                imports,
                checks: vec![check(key)],
                ..FileFacts::default()
            },
        );
        keys(&Index::build(vec![defs, user], layout, &[]))
    }

    #[test]
    fn python_import_shapes_resolve() {
        let cases: Vec<(Vec<Import>, &str, &str)> = vec![
            (
                vec![import(
                    "BINARY_INTERFACE",
                    py("feature_flags.flags"),
                    Some("BINARY_INTERFACE"),
                )],
                "BINARY_INTERFACE",
                "binary_interface*",
            ),
            (
                vec![import(
                    "BI",
                    py("feature_flags.flags"),
                    Some("BINARY_INTERFACE"),
                )],
                "BI",
                "binary_interface*",
            ),
            (
                vec![import("flags", py("feature_flags"), Some("flags"))],
                "flags.BINARY_INTERFACE",
                "binary_interface*",
            ),
            (
                vec![import("f", py("feature_flags.flags"), None)],
                "f.BINARY_INTERFACE",
                "binary_interface*",
            ),
            (
                vec![import("feature_flags", py("feature_flags"), None)],
                "feature_flags.flags.BINARY_INTERFACE",
                "binary_interface*",
            ),
            (
                vec![import("backend", py("backend"), None)],
                "backend.feature_flags.flags.BINARY_INTERFACE",
                "binary_interface*",
            ),
            (
                vec![import("flags", py(".."), Some("feature_flags"))],
                "flags.flags.BINARY_INTERFACE",
                "binary_interface*",
            ),
            (
                vec![import("*", py("feature_flags.flags"), None)],
                "BINARY_INTERFACE",
                "binary_interface*",
            ),
            (
                vec![import("flags", py("feature_flags"), Some("flags"))],
                "flags.MISSING",
                "missing MISSING",
            ),
            (
                vec![import(
                    "MISSING",
                    py("feature_flags.flags"),
                    Some("MISSING"),
                )],
                "MISSING",
                "missing MISSING",
            ),
            // A function of the definitions module is not a missing flag.
            (
                vec![import("flags", py("feature_flags"), Some("flags"))],
                "flags.all_flags",
                "dynamic",
            ),
            // Not imported at all: a parameter or global the index cannot see.
            (vec![], "BINARY_INTERFACE", "dynamic"),
            (
                vec![import("X", py("other.module"), Some("X"))],
                "X",
                "dynamic",
            ),
        ];
        for (imports, key, expected) in cases {
            let keys = resolve_one(
                backend_flags(),
                "backend/users/views.py",
                imports,
                key,
                &packages(),
            );
            assert_eq!(keys, [expected], "{key}");
        }
    }

    #[test]
    fn python_reexport_through_package_init() {
        let init = file(
            "backend/feature_flags/__init__.py",
            FileRole::Production,
            FileFacts {
                imports: vec![import("*", py(".flags"), None)],
                ..FileFacts::default()
            },
        );
        let user = file(
            "backend/users/views.py",
            FileRole::Production,
            FileFacts {
                imports: vec![import(
                    "BINARY_INTERFACE",
                    py("feature_flags"),
                    Some("BINARY_INTERFACE"),
                )],
                checks: vec![check("BINARY_INTERFACE")],
                ..FileFacts::default()
            },
        );
        let index = Index::build(vec![backend_flags(), init, user], &packages(), &[]);
        assert_eq!(keys(&index), ["binary_interface*"]);
    }

    #[test]
    fn local_constants_and_literals() {
        let user = file(
            "backend/users/views.py",
            FileRole::Production,
            FileFacts {
                string_consts: vec![constant("LOCAL", "local_key")],
                checks: vec![check("LOCAL"), check("\"literal\"")],
                ..FileFacts::default()
            },
        );
        let index = Index::build(vec![backend_flags(), user], &packages(), &[]);
        assert_eq!(keys(&index), ["local_key", "literal"]);
        assert_eq!(
            index.flags.keys().collect::<Vec<_>>(),
            ["binary_interface", "literal", "local_key"]
        );
    }

    fn frontend_types() -> IndexedFile {
        file(
            "frontend/hooks/useFeatureFlags/types.ts",
            FileRole::Definitions(Side::Frontend),
            FileFacts {
                string_consts: vec![
                    constant("FeatureFlags.WORKLET", "worklet"),
                    constant("NEW_NAV", "new_nav"),
                ],
                module_names: vec!["FeatureFlags".into(), "NEW_NAV".into()],
                ..FileFacts::default()
            },
        )
    }

    #[test]
    fn typescript_import_shapes_resolve() {
        let js = |s: &str| ModuleRef::Js(s.to_string());
        let cases: Vec<(&str, Vec<Import>, &str, &str)> = vec![
            (
                "frontend/pages/a.tsx",
                vec![import(
                    "FeatureFlags",
                    js("@/hooks/useFeatureFlags/types"),
                    Some("FeatureFlags"),
                )],
                "FeatureFlags.WORKLET",
                "worklet*",
            ),
            (
                "frontend/pages/a.tsx",
                vec![import(
                    "FF",
                    js("../hooks/useFeatureFlags/types"),
                    Some("FeatureFlags"),
                )],
                "FF.WORKLET",
                "worklet*",
            ),
            (
                "frontend/hooks/useFeatureFlags/b.ts",
                vec![import("T", js("./types"), None)],
                "T.FeatureFlags.WORKLET",
                "worklet*",
            ),
            (
                "frontend/pages/a.tsx",
                vec![import(
                    "NEW_NAV",
                    js("../hooks/useFeatureFlags/types.js"),
                    Some("NEW_NAV"),
                )],
                "NEW_NAV",
                "new_nav*",
            ),
            (
                "frontend/pages/a.tsx",
                vec![import(
                    "FeatureFlags",
                    js("@/hooks/useFeatureFlags/types"),
                    Some("FeatureFlags"),
                )],
                "FeatureFlags.MISSING",
                "missing FeatureFlags.MISSING",
            ),
            (
                "frontend/pages/a.tsx",
                vec![import(
                    "FeatureFlags",
                    js("@/hooks/useFeatureFlags/types"),
                    Some("FeatureFlags"),
                )],
                "FeatureFlags.toString",
                "dynamic",
            ),
            (
                "frontend/pages/a.tsx",
                vec![import(
                    "FeatureFlags",
                    js("./elsewhere"),
                    Some("FeatureFlags"),
                )],
                "FeatureFlags.WORKLET",
                "dynamic",
            ),
            (
                "frontend/pages/a.tsx",
                vec![import(
                    "D",
                    js("../hooks/useFeatureFlags/types"),
                    Some("default"),
                )],
                "D.WORKLET",
                "dynamic",
            ),
        ];
        for (rel, imports, key, expected) in cases {
            let keys = resolve_one(frontend_types(), rel, imports, key, &Layout::default());
            assert_eq!(keys, [expected], "{key}");
        }
    }

    #[test]
    fn typescript_barrel_reexport() {
        let js = |s: &str| ModuleRef::Js(s.to_string());
        let barrel = file(
            "frontend/hooks/useFeatureFlags/index.ts",
            FileRole::Production,
            FileFacts {
                imports: vec![import("*", js("./types"), None)],
                ..FileFacts::default()
            },
        );
        let user = file(
            "frontend/pages/a.tsx",
            FileRole::Production,
            FileFacts {
                imports: vec![import(
                    "FeatureFlags",
                    js("@/hooks/useFeatureFlags"),
                    Some("FeatureFlags"),
                )],
                checks: vec![check("FeatureFlags.WORKLET")],
                ..FileFacts::default()
            },
        );
        let index = Index::build(
            vec![frontend_types(), barrel, user],
            &Layout::default(),
            &[],
        );
        assert_eq!(keys(&index), ["worklet*"]);
    }

    #[test]
    fn rust_paths_resolve() {
        let defs = file(
            "service/src/flags.rs",
            FileRole::Definitions(Side::Backend),
            FileFacts {
                string_consts: vec![
                    constant("NEW_ROUTER", "new_router"),
                    constant("inner.DEEP", "deep"),
                ],
                module_names: vec!["NEW_ROUTER".into(), "inner".into()],
                ..FileFacts::default()
            },
        );
        let rust =
            |segments: &[&str]| ModuleRef::Rust(segments.iter().map(|s| s.to_string()).collect());
        let cases: Vec<(&str, Vec<Import>, &str, &str)> = vec![
            (
                "service/src/main.rs",
                vec![],
                "flags::NEW_ROUTER",
                "new_router*",
            ),
            (
                "service/src/main.rs",
                vec![],
                "crate::flags::NEW_ROUTER",
                "new_router*",
            ),
            (
                "service/src/api/mod.rs",
                vec![],
                "crate::flags::inner::DEEP",
                "deep*",
            ),
            (
                "service/src/api/mod.rs",
                vec![],
                "super::flags::NEW_ROUTER",
                "new_router*",
            ),
            (
                "service/src/api/mod.rs",
                vec![import(
                    "NEW_ROUTER",
                    rust(&["crate", "flags"]),
                    Some("NEW_ROUTER"),
                )],
                "NEW_ROUTER",
                "new_router*",
            ),
            (
                "service/src/api/mod.rs",
                vec![import("f", rust(&["crate"]), Some("flags"))],
                "f::NEW_ROUTER",
                "new_router*",
            ),
            (
                "service/src/api/mod.rs",
                vec![import("*", rust(&["crate", "flags"]), None)],
                "NEW_ROUTER",
                "new_router*",
            ),
            (
                "service/tests/it.rs",
                vec![],
                "service::flags::NEW_ROUTER",
                "new_router*",
            ),
            (
                "service/src/main.rs",
                vec![],
                "flags::MISSING",
                "missing MISSING",
            ),
            ("service/src/main.rs", vec![], "NEW_ROUTER", "dynamic"),
        ];
        for (rel, imports, key, expected) in cases {
            let keys = resolve_one(defs.clone_for_test(), rel, imports, key, &Layout::default());
            assert_eq!(keys, [expected], "{rel}: {key}");
        }
    }

    impl IndexedFile {
        fn clone_for_test(&self) -> IndexedFile {
            IndexedFile {
                rel: self.rel.clone(),
                language: self.language,
                role: self.role,
                facts: self.facts.clone(),
                suppressions: self.suppressions.clone(),
                side: self.side,
                key_transform: self.key_transform,
                policy: self.policy.clone(),
            }
        }
    }

    #[test]
    fn references_are_classified_by_file_role() {
        let use_of = |rel: &str, role: FileRole| {
            file(
                rel,
                role,
                FileFacts {
                    imports: vec![import("flags", py("feature_flags"), Some("flags"))],
                    symbol_uses: vec![
                        SymbolUse {
                            path: vec!["flags".into(), "BINARY_INTERFACE".into()],
                            span: span(),
                            in_test: false,
                            scope: Vec::new(),
                            called: false,
                        },
                        SymbolUse {
                            path: vec!["flags".into(), "GONE".into()],
                            span: span(),
                            in_test: false,
                            scope: Vec::new(),
                            called: false,
                        },
                    ],
                    ..FileFacts::default()
                },
            )
        };
        let index = Index::build(
            vec![
                backend_flags(),
                use_of("backend/users/services.py", FileRole::Production),
                use_of("backend/users/tests/test_x.py", FileRole::Test),
                use_of("backend/users/migrations/0001_x.py", FileRole::Migration),
            ],
            &packages(),
            &[],
        );
        let kinds: Vec<RefKind> = index.references.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [RefKind::Reference, RefKind::Test, RefKind::Migration]
        );
        assert_eq!(index.missing.len(), 3);
        assert_eq!(index.flags["binary_interface"].references.len(), 3);
    }

    fn used(path: &str, called: bool) -> SymbolUse {
        SymbolUse {
            path: path.split('.').map(str::to_string).collect(),
            span: span(),
            in_test: false,
            scope: Vec::new(),
            called,
        }
    }

    /// A definitions module with a flag class that also declares other members.
    fn switches() -> IndexedFile {
        let mut tablename = constant("Feature.__tablename__", "feature");
        tablename.name_span.line = 9;
        let mut retained = constant("Switches.LEGACY", "legacy");
        retained.name_span.line = 3;
        file(
            "backend/feature_flags/switches.py",
            FileRole::Definitions(Side::Backend),
            FileFacts {
                string_consts: vec![
                    constant("Switches.DIGEST", "digest"),
                    retained,
                    tablename,
                    constant("Switches.NOTE", "Unable to connect"),
                ],
                module_names: vec!["Switches".into(), "Feature".into()],
                member_names: vec!["Switches.CHOICES".into(), "Switches.all".into()],
                symbol_uses: vec![used("Switches", false)],
                annotations: vec![(3, vec![("state".into(), "retained".into())])],
                ..FileFacts::default()
            },
        )
    }

    #[test]
    fn definitions_are_what_the_entry_admits_with_their_state() {
        let index = Index::build(vec![switches()], &packages(), &[]);
        let defs: Vec<(&str, bool)> = index
            .definitions
            .iter()
            .map(|d| (d.symbol.as_str(), d.retained))
            .collect();
        assert_eq!(
            defs,
            [("Switches.DIGEST", false), ("Switches.LEGACY", true)]
        );
        // The definitions file's own read of its whole class.
        assert_eq!(index.whole_reads.len(), 1);
        assert_eq!(index.whole_reads[0].container, "Switches");
    }

    #[test]
    fn members_that_are_not_flags_are_not_missing() {
        let user = file(
            "backend/users/services.py",
            FileRole::Production,
            FileFacts {
                imports: vec![import(
                    "Switches",
                    py("feature_flags.switches"),
                    Some("Switches"),
                )],
                symbol_uses: vec![
                    used("Switches.CHOICES", false),
                    used("Switches.all", true),
                    used("Switches.remove_old_flags", true),
                    used("Switches.DIGEST.upper", true),
                    used("Switches.GONE", false),
                    used("Switches.items", true),
                    used("Switches", false),
                ],
                ..FileFacts::default()
            },
        );
        let index = Index::build(vec![switches(), user], &packages(), &[]);
        let missing: Vec<&str> = index.missing.iter().map(|m| m.symbol.as_str()).collect();
        assert_eq!(missing, ["Switches.GONE"]);
        assert_eq!(index.flags["digest"].references.len(), 1);
        let reads: Vec<FileId> = index.whole_reads.iter().map(|r| r.file).collect();
        assert_eq!(reads, [0, 1, 1, 1]);
    }

    #[test]
    fn literal_mentions_in_backend_production_code() {
        let mention = |rel: &str, role: FileRole| {
            file(
                rel,
                role,
                FileFacts {
                    key_mentions: vec![("digest".into(), span())],
                    ..FileFacts::default()
                },
            )
        };
        let index = Index::build(
            vec![
                mention("backend/settings.py", FileRole::Production),
                mention("backend/tests/test_settings.py", FileRole::Test),
                mention("frontend/settings.ts", FileRole::Production),
            ],
            &packages(),
            &[],
        );
        let files: Vec<&str> = index.mentions.iter().map(|m| index.path(m.file)).collect();
        assert_eq!(files, ["backend/settings.py"]);
    }

    #[test]
    fn glob_cycles_resolve_in_bounded_time() {
        // Every module glob-imports every other: without the step budget this branches
        // exponentially and never finishes.
        let rust =
            |segments: &[&str]| ModuleRef::Rust(segments.iter().map(|s| s.to_string()).collect());
        let modules: Vec<String> = (0..30).map(|i| format!("m{i}")).collect();
        let files: Vec<IndexedFile> = modules
            .iter()
            .map(|m| {
                let mut imports: Vec<Import> = modules
                    .iter()
                    .map(|other| import("*", rust(&["crate", other]), None))
                    .collect();
                imports.push(import("*", rust(&["super"]), None));
                file(
                    &format!("svc/src/{m}.rs"),
                    FileRole::Production,
                    FileFacts {
                        imports,
                        checks: vec![check("NOT_ANYWHERE"), check("self::x::y::Z")],
                        ..FileFacts::default()
                    },
                )
            })
            .collect();
        let index = Index::build(files, &Layout::default(), &[]);
        assert_eq!(index.checks.len(), 60);
    }

    #[test]
    fn module_paths() {
        let mut crates = HashMap::new();
        assert_eq!(rust_module_path("svc/src/lib.rs", &crates), ["svc"]);
        assert_eq!(rust_module_path("svc/src/a/mod.rs", &crates), ["svc", "a"]);
        assert_eq!(
            rust_module_path("svc/src/a/b.rs", &crates),
            ["svc", "a", "b"]
        );
        assert_eq!(
            rust_module_path("svc/src/bin/x.rs", &crates),
            ["svc/src/bin/x.rs#"]
        );
        assert_eq!(rust_module_path("src/main.rs", &crates), ["crate"]);
        crates.insert("svc".to_string(), "my_service".to_string());
        assert_eq!(
            rust_module_path("svc/src/a.rs", &crates),
            ["my_service", "a"]
        );
        assert_eq!(normalize_path("a/b/../c/./d"), Some("a/c/d".to_string()));
        // Above the root: a file of another root (`roots = ["../client"]`).
        assert_eq!(normalize_path("../x"), Some("../x".to_string()));
        assert_eq!(
            normalize_path("../client/src/../lib"),
            Some("../client/lib".to_string())
        );
    }
}
