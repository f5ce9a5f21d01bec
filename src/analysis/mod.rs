//! The cross-file models derived from the index, built once after it: the Django migration history,
//! git line dates and flag ages, and the lifecycle read from them and from environment state.

pub mod django;
pub(crate) mod history;
pub mod lifecycle;
pub mod state;

use std::collections::BTreeSet;
use std::path::Path;

use crate::config::Config;
use crate::date::Date;
use crate::index::roles::role_from_path;
use crate::index::walk::{SourceMarker, Walked};
use crate::index::{FileRole, Index};
use crate::lang;
use crate::registry::RuleId;

/// What the rules and the reports read besides the index.
#[derive(Debug, Default)]
pub struct Analysis {
    /// Django apps, their migration graphs and the history of every waffle row.
    pub django: django::Project,
    /// The day ages are measured to.
    pub today: Date,
    /// Dates from git (filled when a rule or the report needs them).
    pub ages: lifecycle::Ages,
    /// Keys of flags nothing flaglint reads uses in production that a source file in a language
    /// it does not read spells as a word (`"adFailure"` in a Java service).
    pub foreign_uses: BTreeSet<String>,
}

/// What the analysis reads besides the index.
pub(crate) struct Inputs<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    pub walked: &'a Walked,
    /// The role of each walked file.
    pub roles: &'a [FileRole],
    pub today: Date,
    /// Date every production check too, not only definitions and creating migrations.
    pub date_checks: bool,
    pub pool: &'a rayon::ThreadPool,
}

impl Analysis {
    /// Builds the models the rules and reports need from the index; what the user should know
    /// about them goes to `notes`.
    pub(crate) fn build(index: &Index, inputs: Inputs<'_>, notes: &mut Vec<String>) -> Analysis {
        let Inputs {
            root,
            config,
            walked,
            roles,
            today,
            date_checks,
            pool,
        } = inputs;
        let rels: Vec<&str> = walked.files.iter().map(|f| f.rel.as_str()).collect();
        let sources = django::Sources {
            complete: config.django.full(),
            markers: read_markers(&walked.markers, notes),
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
            recovered: django::recover_values(index, root),
        };
        let mut django = django::Project::build(index, sources);
        if config.severity(RuleId::OrphanedFlag).is_some() {
            // Each key as the backend spells it, and as the frontend does.
            let created: BTreeSet<String> = django
                .created_keys()
                .into_iter()
                .flat_map(|key| [key.to_string(), config.frontend_key.to_frontend(key)])
                .collect();
            if !created.is_empty() {
                let code: Vec<&Path> = walked
                    .files
                    .iter()
                    .zip(roles)
                    .filter(|(_, role)| **role != FileRole::Migration)
                    .map(|(file, _)| file.path.as_path())
                    .collect();
                django.spelled = pool.install(|| spelled_in(&code, &created, Spelling::Quoted));
            }
        }
        let mut ages = lifecycle::Ages::default();
        if date_checks || config.severity(RuleId::StaleFlag).is_some() {
            ages = lifecycle::ages(root, &config.roots, index, &django, today, date_checks);
            if ages.shallow {
                notes.push(lifecycle::SHALLOW_NOTE.to_string());
            }
        }
        let mut foreign_uses = BTreeSet::new();
        if config.severity(RuleId::UnusedFlag).is_some() && !walked.foreign.is_empty() {
            let unused: BTreeSet<String> = index
                .flags
                .iter()
                .filter(|(_, flag)| {
                    !flag.definitions.is_empty()
                        && !flag
                            .checks
                            .iter()
                            .any(|&c| index.checks[c].kind.in_production())
                        && !flag
                            .references
                            .iter()
                            .any(|&r| index.references[r].kind.in_production())
                })
                .map(|(key, _)| key.clone())
                .collect();
            let code: Vec<&Path> = walked
                .foreign
                .iter()
                .filter(|f| {
                    !f.rel
                        .split('/')
                        .any(|d| matches!(d, "test" | "tests" | "__tests__" | "spec"))
                })
                .map(|f| f.path.as_path())
                .collect();
            if !unused.is_empty() && !code.is_empty() {
                foreign_uses = pool.install(|| spelled_in(&code, &unused, Spelling::Word));
            }
        }
        Analysis {
            django,
            today,
            ages,
            foreign_uses,
        }
    }
}

/// How a key must stand in a file's text to count as spelled there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Spelling {
    /// As a quoted string: `"x"`, `'x'`, `` `x` ``.
    Quoted,
    /// As a whole word: `"adFailure"`, `fetch_flag loadGeneratorVUs`, not `adFailureCount`.
    Word,
}

/// The keys among `keys` that one of the files at `paths` spells as `spelling` says. Files are
/// read in parallel (on the current rayon pool); unreadable ones are skipped.
pub(crate) fn spelled_in(
    paths: &[&Path],
    keys: &BTreeSet<String>,
    spelling: Spelling,
) -> BTreeSet<String> {
    use rayon::prelude::*;
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    // Per key, its patterns: the key in each quote, or the key alone.
    let patterns: Vec<String> = match spelling {
        Spelling::Quoted => keys
            .iter()
            .flat_map(|key| ['"', '\'', '`'].map(|quote| format!("{quote}{key}{quote}")))
            .collect(),
        Spelling::Word => keys.iter().map(|key| key.to_string()).collect(),
    };
    let per_key = patterns.len() / keys.len().max(1);
    let Ok(matcher) = aho_corasick::AhoCorasick::new(&patterns) else {
        return BTreeSet::new();
    };
    let part =
        |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
    paths
        .par_iter()
        .filter_map(|path| std::fs::read(path).ok())
        .map(|text| {
            matcher
                .find_overlapping_iter(&text)
                .filter(|hit| {
                    let before = hit.start().checked_sub(1).and_then(|i| text.get(i));
                    spelling == Spelling::Quoted || (!part(before) && !part(text.get(hit.end())))
                })
                .map(|hit| keys[hit.pattern().as_usize() / per_key].to_string())
                .collect::<BTreeSet<String>>()
        })
        .reduce(BTreeSet::new, |mut all, found| {
            all.extend(found);
            all
        })
}

/// The text of each `latest_migrations/<app>` file (a note for the unreadable ones).
fn read_markers(markers: &[SourceMarker], notes: &mut Vec<String>) -> Vec<(String, String)> {
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
