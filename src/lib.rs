//! flaglint: a static linter and lifecycle auditor for feature flags.
//!
//! The pipeline, one stage per module, each using only the stages before it:
//! configuration ([`config`]) -> walk, read, prefilter and parse in parallel ([`index`], with the
//! syntax front-ends of [`lang`] emitting the [`facts`] of each file) -> the flag index across
//! files ([`index`]) -> derived models: Django history, git dates, lifecycle ([`analysis`]) ->
//! rules ([`rules`]) -> suppressions, baseline, scope ([`diagnostics`]) -> report ([`report`]).

pub mod analysis;
pub mod cli;
pub mod config;
pub mod date;
pub mod diagnostics;
pub mod facts;
pub mod files;
pub(crate) mod git;
pub mod index;
pub mod init;
pub mod lang;
pub(crate) mod panics;
pub mod project;
pub mod registry;
pub mod remove;
pub mod report;
pub mod rules;
pub mod text;

pub use analysis::{lifecycle, state};
pub use config::packs;
pub use diagnostics::{baseline, changed, Scan, Stats};
pub use git::head_revision;
pub use panics::contain_panics;

use std::path::PathBuf;

use rayon::prelude::*;

use crate::analysis::Analysis;
use crate::config::Config;
use crate::diagnostics::suppress;
use crate::index::process::{process, Context, Names, Outcome, Prefilter, Processed};
use crate::index::roles::{self, classify, definition_source};
use crate::index::settings::SettingsModules;
use crate::index::{key_modules, walk};
use crate::index::{FileRole, Index, Layout};
use crate::lang::Language;
use crate::registry::RuleId;
use crate::rules::Sink;

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
    // Other checkouts of the project: their files' paths start with the root as written.
    let mut walked = walked;
    for extra in &config.roots {
        let dir = base_dir.join(extra);
        let mut more = walk::walk(&dir, &dir, &config.exclude, config.max_file_size, threads)
            .map_err(ScanError::Walk)?;
        let prefix = |rel: &mut String| *rel = format!("{extra}/{rel}");
        more.files.iter_mut().for_each(|f| prefix(&mut f.rel));
        more.markers.iter_mut().for_each(|m| prefix(&mut m.rel));
        more.too_large.iter_mut().for_each(prefix);
        more.foreign.iter_mut().for_each(|f| prefix(&mut f.rel));
        walked.foreign.extend(more.foreign);
        walked.files.extend(more.files);
        walked.too_large.extend(more.too_large);
        walked.errors.extend(more.errors);
        walked.markers.extend(more.markers);
    }
    walked.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    walked.too_large.sort();
    // JSON and YAML are read only as definitions: one over the cap is worth a word only then
    // (not a lock file of the frontend).
    walked.too_large.retain(|rel| {
        let data = lang::detect(std::path::Path::new(rel)).is_some_and(|(_, l)| l.is_data());
        let from_base = || roles::path_from(&base_dir, &root.join(rel));
        !data || config.definitions.iter().any(|d| d.matches(&from_base()))
    });
    walked.markers.sort_by(|a, b| a.rel.cmp(&b.rel));
    walked.foreign.sort_by(|a, b| a.rel.cmp(&b.rel));
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
    // YAML and JSON are read only as definitions files.
    other_files.retain(|(file, _)| !file.language.is_data());
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
                process(file, *role, source.as_deref(), &context, &no_names, None)
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
    let rels: Vec<&str> = walked.files.iter().map(|f| f.rel.as_str()).collect();
    let mut layout = Layout::discover(&root, &rels);
    layout.settings = SettingsModules::discover(
        config
            .django
            .settings
            .as_ref()
            .map(|path| walk::relative(&root, &base_dir.join(path))),
        &rels,
        |rel| files::read_text(&root.join(rel)).ok(),
    );
    let mut others = others;
    read_key_modules(&pool, &other_files, &mut others, &context, &names, &layout);

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

    let index = Index::build(indexed, &layout, config.checks.specs());
    let analysis = Analysis::build(
        &index,
        analysis::Inputs {
            root: &root,
            config: &config,
            walked: &walked,
            roles: &roles,
            today: options.today,
            date_checks: options.date_checks,
            pool: &pool,
        },
        &mut notes,
    );
    notes.extend(lifecycle::invalid_dates(&index));
    let widened = config.with_per_file_rules_enabled();
    let input = rules::RuleInput {
        index: &index,
        analysis: &analysis,
        config: widened.as_ref().unwrap_or(&config),
        root: &root,
        rels: &rels,
    };
    rules::run(&input, &mut sink);
    let mut diagnostics = sink.take_diagnostics();
    if !config.per_file.is_empty() {
        diagnostics.retain_mut(|d| match config.severity_at(d.rule, &d.path) {
            Some(severity) => {
                d.severity = severity;
                true
            }
            None => false,
        });
    }
    let files: Vec<(&str, &[facts::Suppression])> = index
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
        analysis,
        diagnostics,
        stats,
        notes,
        config,
    })
}

/// Phase 2b: the Python modules the prefilter skipped that checks import their key constants
/// from (`from myapp.constants import NEW_NAV`), and the modules those re-export from.
fn read_key_modules(
    pool: &rayon::ThreadPool,
    files: &[(&walk::SourceFile, FileRole)],
    processed: &mut [Processed],
    context: &Context,
    names: &Names,
    layout: &Layout,
) {
    let mut fresh: Vec<usize> = (0..processed.len()).collect();
    for round in 0..key_modules::MAX_ROUNDS {
        let wanted = key_modules::wanted_modules(
            fresh.iter().filter_map(|&i| processed[i].file.as_ref()),
            round > 0,
        );
        // Settings modules named by the configuration or `manage.py`, whatever their name.
        let settings = round == 0 && layout.settings != SettingsModules::Named;
        if wanted.is_empty() && !settings {
            return;
        }
        fresh = (0..processed.len())
            .filter(|&i| {
                let rel = &files[i].0.rel;
                matches!(processed[i].outcome, Outcome::Filtered)
                    && files[i].0.language == Language::Python
                    && (key_modules::is_wanted(rel, &wanted)
                        || (settings && layout.settings.contains(rel)))
            })
            .collect();
        if fresh.is_empty() {
            return;
        }
        let read: Vec<Processed> = pool.install(|| {
            fresh
                .par_iter()
                .map(|&i| {
                    let (file, role) = &files[i];
                    process(file, *role, None, context, names, None)
                })
                .collect()
        });
        for (&i, result) in fresh.iter().zip(read) {
            processed[i] = result;
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_threads_are_capped() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(worker_threads(0), cores.min(MAX_THREADS));
        assert_eq!(worker_threads(1), 1);
        let most = worker_threads(1000);
        assert_eq!(most, (cores * MAX_THREADS_PER_CORE).min(MAX_THREADS));
        assert_eq!(worker_threads(usize::MAX), most);
    }
}
