//! flaglint: a static linter and lifecycle auditor for feature flags.
//!
//! The pipeline, one stage per module:
//! walk ([`walk`]) -> read, prefilter and parse in parallel ([`lang`]) -> facts per file ([`facts`])
//! -> flag index across files ([`index`]) -> rules ([`rules`]) -> report ([`report`]).

pub mod baseline;
pub mod changed;
pub mod cli;
pub mod config;
pub mod date;
pub mod django;
pub mod facts;
pub mod files;
pub mod git;
pub mod index;
pub mod init;
pub mod lang;
pub mod lifecycle;
pub mod packs;
pub mod project;
pub mod registry;
pub mod report;
pub mod rules;
pub mod state;
pub mod suppress;
pub mod text;
pub mod walk;

use std::cell::Cell;
use std::collections::{BTreeSet, HashSet};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;

use crate::config::{Config, DefinitionSource};
use crate::facts::{ConstKind, FileFacts};
use crate::index::{FileRole, Index, IndexedFile, Layout};
use crate::lang::{DefinitionShapes, ExtractOptions, Language};
use crate::rules::{Diagnostic, RuleId, Sink};
use crate::walk::SourceFile;

/// Bytes looked at to decide whether a file is binary.
const BINARY_SNIFF_LEN: usize = 8192;

/// Most worker threads per core: more only add start-up time and contention.
const MAX_THREADS_PER_CORE: usize = 4;

/// Most worker threads in all (each reserves a 32 MB stack).
const MAX_THREADS: usize = 64;

/// What a scan is asked to do.
pub struct ScanOptions {
    pub root: PathBuf,
    pub config: Config,
    /// Worker threads for the walk and the parse (0: one per core); see [`worker_threads`].
    pub threads: usize,
    /// The day ages are measured to (flag ages, soak periods, remove-by dates).
    pub today: date::Date,
    /// Date every production check from git too (the report's "last check change").
    pub date_checks: bool,
}

/// Counts for the summary.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Stats {
    /// Source files walked (after ignore files, excludes and the size cap).
    pub files: usize,
    /// Files that passed the prefilter and were parsed.
    pub parsed: usize,
    pub skipped_too_large: usize,
    pub skipped_binary: usize,
    pub unreadable: usize,
    /// Diagnostics hidden by suppression comments.
    pub suppressed: usize,
    /// Diagnostics hidden by the baseline.
    pub baselined: usize,
}

/// The result of a scan: the index, the diagnostics (sorted) and the counts.
pub struct Scan {
    pub root: PathBuf,
    pub index: Index,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
    /// Things the user should know that are not findings (unreadable files, patterns that matched
    /// nothing), sorted.
    pub notes: Vec<String>,
    /// The configuration the scan ran with.
    pub config: Config,
}

/// Why a scan could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("cannot read {path}: {1}", path = .0.display())]
    Root(PathBuf, std::io::Error),
    /// Ignore files or exclude patterns leave out every source file: (root, one of them).
    #[error(
        "no source file to scan in {path}: ignore files (`.gitignore`, `.ignore`) or `exclude` patterns leave out every one, such as {1}",
        path = .0.display()
    )]
    AllIgnored(PathBuf, String),
    #[error("cannot walk the repository: {0}")]
    Walk(ignore::Error),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// Scans a repository: walk, parse, index, rules.
pub fn scan(options: ScanOptions) -> Result<Scan, ScanError> {
    let root = options
        .root
        .canonicalize()
        .map_err(|e| ScanError::Root(options.root.clone(), e))?;
    let config = options.config;
    let base_dir = config
        .base_dir
        .canonicalize()
        .unwrap_or_else(|_| config.base_dir.clone());
    let threads = worker_threads(options.threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(32 * 1024 * 1024)
        .thread_name(|i| format!("flaglint-{i}"))
        .build()
        .map_err(|e| ScanError::Threads(e.to_string()))?;

    // An unreadable root is not an empty repository.
    let readable = if root.is_dir() {
        std::fs::read_dir(&root).map(drop)
    } else {
        std::fs::File::open(&root).map(drop)
    };
    readable.map_err(|e| ScanError::Root(options.root.clone(), e))?;
    let walked = walk::walk(
        &root,
        &base_dir,
        &config.exclude,
        config.max_file_size,
        threads,
    )
    .map_err(ScanError::Walk)?;
    if walked.files.is_empty() && walked.too_large.is_empty() {
        if let Some(example) = walk::first_ignored_source(&root) {
            return Err(ScanError::AllIgnored(options.root.clone(), example));
        }
    }
    let mut notes: Vec<String> = walked
        .errors
        .iter()
        .map(|e| format!("skipped unreadable entry: {e}"))
        .collect();

    let roles: Vec<FileRole> = walked
        .files
        .iter()
        .map(|f| classify(f, &root, &base_dir, &config))
        .collect();

    // Phase 1: definitions files, always parsed; their symbols feed the prefilter.
    let no_names = Names::default();
    let (definition_files, mut other_files): (Vec<_>, Vec<_>) = walked
        .files
        .iter()
        .zip(roles.iter().copied())
        .partition(|(_, role)| matches!(role, FileRole::Definitions(_)));
    // YAML is read only as definitions files.
    other_files.retain(|(file, _)| file.language != Language::Yaml);
    let migration_options = lang::migration::MigrationOptions {
        create_operations: &config.django.create_operations,
        delete_operations: &config.django.delete_operations,
    };
    let context = Context {
        config: &config,
        migrations: config.reads_migrations().then_some(&migration_options),
    };
    let definitions: Vec<Processed> = pool.install(|| {
        definition_files
            .par_iter()
            .map(|(file, role)| {
                let source = definition_source(file, &base_dir, &config);
                process(file, *role, source, &context, &no_names, None)
            })
            .collect()
    });
    let names = Names::of_definitions(
        definitions.iter().filter_map(|p| p.file.as_ref()),
        config.severity(RuleId::FrontendOnlyGate).is_some(),
    );
    let prefilter = Prefilter::new(&config, &names.interesting, &definition_files);

    // Phase 2: everything else, read once, prefiltered, parsed only when it can hold a flag fact.
    let others: Vec<Processed> = pool.install(|| {
        other_files
            .par_iter()
            .map(|(file, role)| process(file, *role, None, &context, &names, Some(&prefilter)))
            .collect()
    });

    let mut stats = Stats {
        files: definition_files.len() + other_files.len(),
        skipped_too_large: walked.too_large.len(),
        ..Stats::default()
    };
    let mut sink = Sink::new(&config);
    let mut indexed = Vec::new();
    for processed in definitions.into_iter().chain(others) {
        match processed.outcome {
            Outcome::Parsed => stats.parsed += 1,
            Outcome::Filtered => {}
            Outcome::Binary => stats.skipped_binary += 1,
            Outcome::Unreadable(e) => {
                stats.unreadable += 1;
                notes.push(format!("skipped unreadable file {}: {e}", processed.rel));
            }
            Outcome::Panicked(message) => {
                sink.report(
                    RuleId::InternalError,
                    rules::internal_error(&processed.rel, &message),
                );
            }
        }
        indexed.extend(processed.file);
    }
    // Files were processed in walk order, definitions first; the index wants path order.
    indexed.sort_by(|a, b| a.rel.cmp(&b.rel));

    let rels: Vec<&str> = walked.files.iter().map(|f| f.rel.as_str()).collect();
    let layout = Layout::discover(&root, &rels);
    let mut index = Index::build(indexed, &layout, config.checks.specs());
    let sources = django::Sources {
        complete: config.django.full(),
        markers: read_markers(&walked.markers, &mut notes),
        modules: rels
            .iter()
            .copied()
            .chain(walked.too_large.iter().map(String::as_str))
            .filter(|rel| {
                lang::detect(Path::new(rel)).is_some_and(|(_, language)| {
                    role_from_path(rel, language) == FileRole::Migration
                })
            })
            .map(|rel| rel.to_string())
            .collect(),
        recovered: django::recover_values(&index, &root),
    };
    index.django = django::Project::build(&index, sources);
    if config.severity(RuleId::OrphanedFlag).is_some() {
        // Each key as the backend spells it, and as the frontend does.
        let created: BTreeSet<String> = index
            .django
            .created_keys()
            .into_iter()
            .flat_map(|key| [key.to_string(), config.frontend_key.to_frontend(key)])
            .collect();
        if !created.is_empty() {
            let code: Vec<&Path> = walked
                .files
                .iter()
                .zip(&roles)
                .filter(|(_, role)| **role != FileRole::Migration)
                .map(|(file, _)| file.path.as_path())
                .collect();
            index.django.spelled = pool.install(|| django::spelled_in_code(&code, &created));
        }
    }
    index.today = options.today;
    if options.date_checks || config.severity(RuleId::StaleFlag).is_some() {
        index.ages = lifecycle::ages(&root, &index, options.today, options.date_checks);
        if index.ages.shallow {
            notes.push(lifecycle::SHALLOW_NOTE.to_string());
        }
    }
    notes.extend(lifecycle::invalid_dates(&index));
    let input = rules::RuleInput {
        index: &index,
        config: &config,
        root: &root,
        rels: &rels,
    };
    rules::run(&input, &mut sink);
    let mut diagnostics = sink.take_diagnostics();
    let files: Vec<(&str, &[suppress::Suppression])> = index
        .files
        .iter()
        .map(|f| (f.rel.as_str(), f.suppressions.as_slice()))
        .collect();
    stats.suppressed = suppress::apply(&mut diagnostics, &files, &mut sink);
    diagnostics.extend(sink.into_diagnostics());
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    notes.sort();
    notes.dedup();
    Ok(Scan {
        root,
        index,
        diagnostics,
        stats,
        notes,
        config,
    })
}

/// The worker threads a scan runs with for a `--threads` value: one per core for 0, and never
/// more than [`MAX_THREADS_PER_CORE`] per core or [`MAX_THREADS`].
pub fn worker_threads(requested: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = (cores * MAX_THREADS_PER_CORE).min(MAX_THREADS);
    match requested {
        0 => cores.min(cap),
        n => n.min(cap),
    }
}

/// The text of each `latest_migrations/<app>` file (a note for the unreadable ones).
fn read_markers(markers: &[walk::SourceMarker], notes: &mut Vec<String>) -> Vec<(String, String)> {
    const MAX_MARKER_LEN: u64 = 4096;
    let mut read = Vec::new();
    for marker in markers {
        let text = std::fs::File::open(&marker.path).and_then(|file| {
            let mut text = String::new();
            std::io::Read::read_to_string(
                &mut std::io::Read::take(file, MAX_MARKER_LEN),
                &mut text,
            )?;
            Ok(text)
        });
        match text {
            Ok(text) => read.push((marker.rel.clone(), text)),
            Err(e) => notes.push(format!("skipped unreadable file {}: {e}", marker.rel)),
        }
    }
    read
}

/// Decides what a file is for: definitions (by the configuration), tests, migrations, production.
pub fn classify(file: &SourceFile, root: &Path, base_dir: &Path, config: &Config) -> FileRole {
    if let Some(source) = definition_source(file, base_dir, config) {
        return FileRole::Definitions(source.side);
    }
    let rel = walk::relative(root, &file.path);
    role_from_path(&rel, file.language)
}

/// The first `[[definitions]]` entry that matches a file.
fn definition_source<'c>(
    file: &SourceFile,
    base_dir: &Path,
    config: &'c Config,
) -> Option<&'c DefinitionSource> {
    if config.definitions.is_empty() {
        return None;
    }
    let from_base = path_from(base_dir, &file.path);
    config.definitions.iter().find(|d| d.matches(&from_base))
}

/// Test and migration files, by the conventions of each ecosystem.
pub fn role_from_path(rel: &str, language: Language) -> FileRole {
    let (dirs, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let dirs: Vec<&str> = dirs.split('/').filter(|d| !d.is_empty()).collect();
    let in_dir = |names: &[&str]| dirs.iter().any(|d| names.contains(d));
    if in_dir(&["tests", "test", "__tests__", "__mocks__"]) {
        return FileRole::Test;
    }
    let stem = name.split('.').next().unwrap_or(name);
    let is_test_name = match language {
        Language::Python => {
            stem.starts_with("test_")
                || stem.ends_with("_test")
                || stem == "tests"
                || stem == "conftest"
        }
        Language::TypeScript | Language::JavaScript => {
            name.contains(".test.") || name.contains(".spec.")
        }
        Language::Rust => stem.ends_with("_test") || stem == "tests",
        Language::Template | Language::Yaml => false,
    };
    if is_test_name {
        return FileRole::Test;
    }
    if language == Language::Python && in_dir(&["migrations"]) {
        return FileRole::Migration;
    }
    FileRole::Production
}

/// `path` relative to `base`, `/`-separated (the whole path when it is not under `base`).
fn path_from(base: &Path, path: &Path) -> String {
    walk::relative(base, path)
}

/// What phase 1 learns from the definitions files for reading the others.
#[derive(Default)]
struct Names {
    /// Every segment of every definition's symbol (see [`ExtractOptions::interesting`]).
    interesting: HashSet<String>,
    /// Backend flag keys, whose literal mentions in the backend files that are parsed count for
    /// `frontend-only-gate` (empty when the rule is off). They do not widen the prefilter: a
    /// pattern per key would slow the scan of every file for an info rule.
    keys: HashSet<String>,
}

impl Names {
    fn of_definitions<'a>(files: impl Iterator<Item = &'a IndexedFile>, with_keys: bool) -> Names {
        let mut names = Names::default();
        for file in files {
            for constant in file.definitions() {
                // A key that a registry, list, union or registration declares is written as a
                // string, not as a name: its container's name is what code mentions.
                let written_as_names = match constant.kind {
                    ConstKind::RegistryKey | ConstKind::ListElement | ConstKind::UnionMember => {
                        &constant.symbol[..constant.symbol.len().saturating_sub(1)]
                    }
                    ConstKind::Registration if constant.symbol == [constant.value.clone()] => &[],
                    _ => &constant.symbol[..],
                };
                names.interesting.extend(written_as_names.iter().cloned());
                if with_keys && file.role == FileRole::Definitions(config::Side::Backend) {
                    names.keys.insert(file.key_transform.apply(&constant.value));
                }
            }
        }
        names
    }
}

/// Decides, from the raw bytes, whether a file can hold a flag fact before it is parsed.
struct Prefilter {
    /// Per language: the check names that apply to it, and the definitions' symbols.
    names: Vec<(Language, Option<NameMatcher>)>,
    /// Re-exporting modules (`__init__.py`, `index.ts`, `mod.rs`) may mention only the definitions
    /// module's name.
    barrels: Option<AhoCorasick>,
    /// Migration modules: every one is read (`None`: none is), or those that match.
    migrations: Option<MigrationFilter>,
}

/// Most names searched for with one automaton: building one takes time quadratic in the number of
/// patterns (aho-corasick's state shuffle), seconds for tens of thousands.
const MAX_AUTOMATON_NAMES: usize = 1000;

/// Names a file must mention to be parsed.
enum NameMatcher {
    /// Anywhere in the file.
    Substrings(AhoCorasick),
    /// More than [`MAX_AUTOMATON_NAMES`]: identifiers as whole words (the only way a check or a
    /// symbol can spell them), the others anywhere.
    Words {
        words: HashSet<Box<[u8]>>,
        others: Option<AhoCorasick>,
    },
}

impl NameMatcher {
    fn new(names: &[&str]) -> Option<NameMatcher> {
        if names.len() <= MAX_AUTOMATON_NAMES {
            return automaton(names).map(NameMatcher::Substrings);
        }
        let (words, others): (Vec<&str>, Vec<&str>) = names
            .iter()
            .partition(|name| !name.is_empty() && name.bytes().all(is_word_byte));
        Some(NameMatcher::Words {
            words: words.into_iter().map(|w| w.as_bytes().into()).collect(),
            others: automaton(&others),
        })
    }

    fn is_match(&self, bytes: &[u8]) -> bool {
        match self {
            NameMatcher::Substrings(automaton) => automaton.is_match(bytes),
            NameMatcher::Words { words, others } => {
                others.as_ref().is_some_and(|ac| ac.is_match(bytes))
                    || bytes
                        .split(|&b| !is_word_byte(b))
                        .any(|word| !word.is_empty() && words.contains(word))
            }
        }
    }
}

/// An automaton finding any of `patterns` (none for no pattern).
fn automaton(patterns: &[&str]) -> Option<AhoCorasick> {
    (!patterns.is_empty())
        .then(|| AhoCorasick::new(patterns).ok())
        .flatten()
}

/// A byte of an identifier: ASCII letters, digits, `_`, `$`, and any byte of a non-ASCII
/// character.
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || !byte.is_ascii()
}

enum MigrationFilter {
    All,
    Matching(AhoCorasick),
}

impl Prefilter {
    fn new(
        config: &Config,
        interesting: &HashSet<String>,
        definition_files: &[(&SourceFile, FileRole)],
    ) -> Prefilter {
        let names_for = |language: Language| {
            let mut names: Vec<&str> = config
                .checks
                .specs()
                .iter()
                .filter(|s| match s.language {
                    None => true,
                    Some(Language::TypeScript) => {
                        matches!(language, Language::TypeScript | Language::JavaScript)
                    }
                    Some(l) => l == language,
                })
                .filter_map(|s| s.call.last().map(String::as_str))
                .chain(interesting.iter().map(String::as_str))
                .collect();
            names.sort_unstable();
            names.dedup();
            names
        };
        // How a re-exporting module names a definitions module (or its directory): `./types'`,
        // `from .flags import`, `import flags`, `flags::`.
        let modules: Vec<String> = definition_files
            .iter()
            .flat_map(|(f, _)| {
                let stem = f.path.file_stem().map(|s| s.to_string_lossy().into_owned());
                let dir = f
                    .path
                    .parent()
                    .and_then(|p| p.file_name())
                    .map(|s| s.to_string_lossy().into_owned());
                stem.into_iter().chain(dir)
            })
            .filter(|name| !name.is_empty())
            .flat_map(|name| {
                [
                    format!("/{name}'"),
                    format!("/{name}\""),
                    format!("/{name}."),
                    format!(".{name} import"),
                    format!("import {name}"),
                    format!("{name}::"),
                ]
            })
            .collect();
        let module_refs: Vec<&str> = modules.iter().map(String::as_str).collect();
        let languages = [
            Language::Python,
            Language::TypeScript,
            Language::JavaScript,
            Language::Rust,
            Language::Template,
        ];
        let migrations = if config.django.full() {
            Some(MigrationFilter::All)
        } else if config.reads_migrations() {
            let words: Vec<&str> = ["waffle", "WAFFLE_"]
                .into_iter()
                .chain(config.django.create_operations.iter().map(String::as_str))
                .chain(config.django.delete_operations.iter().map(String::as_str))
                .collect();
            automaton(&words).map(MigrationFilter::Matching)
        } else {
            None
        };
        Prefilter {
            migrations,
            names: languages
                .into_iter()
                .map(|language| (language, NameMatcher::new(&names_for(language))))
                .collect(),
            barrels: automaton(&module_refs),
        }
    }

    fn may_hold_facts(&self, file: &SourceFile, role: FileRole, bytes: &[u8]) -> bool {
        if self.migrations.is_some() && django::is_app_module(&file.rel) {
            return true;
        }
        if role == FileRole::Migration {
            match &self.migrations {
                Some(MigrationFilter::All) => return true,
                Some(MigrationFilter::Matching(words)) if words.is_match(bytes) => return true,
                _ => {}
            }
        }
        let names = self
            .names
            .iter()
            .find(|(language, _)| *language == file.language)
            .and_then(|(_, names)| names.as_ref());
        if names.is_some_and(|names| names.is_match(bytes)) {
            return true;
        }
        // Checks may read their key from a Django setting (`settings.X`).
        if file.language == Language::Python
            && names.is_some()
            && django::is_settings_module(&file.rel)
        {
            return true;
        }
        let name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let is_barrel = name == "__init__.py"
            || name == "mod.rs"
            || name == "lib.rs"
            || name.starts_with("index.");
        is_barrel && self.barrels.as_ref().is_some_and(|ac| ac.is_match(bytes))
    }
}

enum Outcome {
    Parsed,
    Filtered,
    Binary,
    Unreadable(String),
    Panicked(String),
}

struct Processed {
    rel: String,
    outcome: Outcome,
    file: Option<IndexedFile>,
}

/// What every file's processing shares.
struct Context<'a> {
    config: &'a Config,
    /// Set when migration modules are read for flag history.
    migrations: Option<&'a lang::migration::MigrationOptions<'a>>,
}

/// Reads one file, prefilters it and extracts its facts; a panic is contained to this file.
fn process(
    file: &SourceFile,
    role: FileRole,
    source: Option<&DefinitionSource>,
    context: &Context,
    names: &Names,
    prefilter: Option<&Prefilter>,
) -> Processed {
    process_with(file, role, source, context, names, prefilter, lang::extract)
}

/// [`process`] with the extractor as a parameter.
#[allow(clippy::too_many_arguments)]
fn process_with(
    file: &SourceFile,
    role: FileRole,
    definitions: Option<&DefinitionSource>,
    context: &Context,
    names: &Names,
    prefilter: Option<&Prefilter>,
    extract: impl Fn(lang::Grammar, &str, &ExtractOptions) -> FileFacts,
) -> Processed {
    let done = |outcome, facts: Option<(FileFacts, Vec<suppress::Suppression>)>| Processed {
        rel: file.rel.clone(),
        outcome,
        file: facts.map(|(facts, suppressions)| IndexedFile {
            rel: file.rel.clone(),
            language: file.language,
            role,
            facts,
            suppressions,
            key_transform: definitions.map(|d| d.transform).unwrap_or_default(),
            policy: definitions.map(|d| d.policy.clone()).unwrap_or_default(),
        }),
    };
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(e) => return done(Outcome::Unreadable(e.to_string()), None),
    };
    if bytes[..bytes.len().min(BINARY_SNIFF_LEN)].contains(&0) {
        return done(Outcome::Binary, None);
    }
    if let Some(prefilter) = prefilter {
        if !prefilter.may_hold_facts(file, role, &bytes) {
            return done(Outcome::Filtered, None);
        }
    }
    let source = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    let no_shapes = DefinitionShapes::default();
    let options = ExtractOptions {
        language: file.language,
        checks: &context.config.checks,
        interesting: &names.interesting,
        definitions: definitions.map_or(&no_shapes, |d| &d.shapes),
        definitions_file: definitions.is_some(),
        keys: &names.keys,
        migration: context
            .migrations
            .filter(|_| role == FileRole::Migration || django::is_app_module(&file.rel)),
    };
    // Everything that reads the text, comments included, runs inside the containment.
    let work = || {
        let mut facts = match (file.grammar, definitions) {
            (lang::Grammar::Yaml, Some(entry)) => {
                let stem = file.path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                lang::yaml::extract(&source, stem, entry.key_field.as_deref())
            }
            _ => extract(file.grammar, &source, &options),
        };
        if definitions.is_some() {
            facts.annotations = suppress::annotations(&source, file.language);
        }
        let suppressions = suppress::scan(&source, file.language);
        (facts, suppressions)
    };
    match contain_panics(work) {
        Ok(parsed) => done(Outcome::Parsed, Some(parsed)),
        Err(message) => done(Outcome::Panicked(message), None),
    }
}

thread_local! {
    static CONTAINING_PANICS: Cell<bool> = const { Cell::new(false) };
}

/// Runs `work`, turning a panic into an error message instead of unwinding further. The default
/// panic message is not printed for contained panics: they become `internal-error` findings.
pub fn contain_panics<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !CONTAINING_PANICS.with(Cell::get) {
                previous(info);
            }
        }));
    });
    CONTAINING_PANICS.with(|c| c.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    CONTAINING_PANICS.with(|c| c.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_names_are_matched_as_words() {
        let mut names: Vec<String> = (0..MAX_AUTOMATON_NAMES)
            .map(|i| format!("FLAG_{i}"))
            .collect();
        names.extend([
            "get_flag".to_string(),
            "new-nav".to_string(),
            "é_x".to_string(),
        ]);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let many = NameMatcher::new(&names).unwrap();
        assert!(matches!(many, NameMatcher::Words { .. }));
        let few = NameMatcher::new(&names[..10]).unwrap();
        assert!(matches!(few, NameMatcher::Substrings(_)));
        for (text, expected) in [
            ("x = flags.FLAG_7\n", true),
            ("if get_flag(u, 'k'):", true),
            ("on('new-nav')", true),
            ("é_x()", true),
            ("x = FLAG_7_OLD + my_get_flag()", false),
            ("nothing here", false),
        ] {
            assert_eq!(many.is_match(text.as_bytes()), expected, "{text}");
        }
        assert!(few.is_match(b"FLAG_7_OLD"));
    }

    #[test]
    fn worker_threads_are_capped() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(worker_threads(0), cores.min(MAX_THREADS));
        assert_eq!(worker_threads(1), 1);
        let most = worker_threads(1000);
        assert_eq!(most, (cores * MAX_THREADS_PER_CORE).min(MAX_THREADS));
        assert_eq!(worker_threads(usize::MAX), most);
    }

    #[test]
    fn panics_are_contained_with_their_message() {
        let result: Result<(), String> = contain_panics(|| panic!("boom in file"));
        assert_eq!(result.unwrap_err(), "boom in file");
        assert_eq!(contain_panics(|| 7), Ok(7));
    }

    #[test]
    fn a_panicking_extractor_costs_one_file_not_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "x = 1\n").unwrap();
        let file = SourceFile {
            path,
            rel: "a.py".to_string(),
            grammar: lang::Grammar::Python,
            language: Language::Python,
            size: 6,
        };
        let config = Config::empty(dir.path().to_path_buf());
        let context = Context {
            config: &config,
            migrations: None,
        };
        let names = Names::default();
        let processed = process_with(
            &file,
            FileRole::Production,
            None,
            &context,
            &names,
            None,
            |_, _, _| panic!("extractor bug"),
        );
        assert!(matches!(processed.outcome, Outcome::Panicked(ref m) if m == "extractor bug"));
        assert!(processed.file.is_none());
        let processed = process(&file, FileRole::Production, None, &context, &names, None);
        assert!(matches!(processed.outcome, Outcome::Parsed));
    }

    #[test]
    fn roles_follow_ecosystem_conventions() {
        let cases = [
            (
                "backend/users/tests/test_views.py",
                Language::Python,
                FileRole::Test,
            ),
            (
                "backend/users/test_views.py",
                Language::Python,
                FileRole::Test,
            ),
            (
                "backend/users/views_test.py",
                Language::Python,
                FileRole::Test,
            ),
            ("backend/users/tests.py", Language::Python, FileRole::Test),
            ("backend/conftest.py", Language::Python, FileRole::Test),
            (
                "frontend/a/Button.test.tsx",
                Language::TypeScript,
                FileRole::Test,
            ),
            (
                "frontend/a/Button.spec.ts",
                Language::TypeScript,
                FileRole::Test,
            ),
            (
                "frontend/__tests__/nav.tsx",
                Language::TypeScript,
                FileRole::Test,
            ),
            ("service/tests/it.rs", Language::Rust, FileRole::Test),
            (
                "backend/users/migrations/0072_flag.py",
                Language::Python,
                FileRole::Migration,
            ),
            (
                "backend/users/views.py",
                Language::Python,
                FileRole::Production,
            ),
            (
                "backend/testing_utils.py",
                Language::Python,
                FileRole::Production,
            ),
            ("backend/contest.py", Language::Python, FileRole::Production),
            (
                "frontend/latest.ts",
                Language::TypeScript,
                FileRole::Production,
            ),
            (
                "db/migrations/001.ts",
                Language::TypeScript,
                FileRole::Production,
            ),
        ];
        for (rel, language, role) in cases {
            assert_eq!(role_from_path(rel, language), role, "{rel}");
        }
    }
}
