//! Reading one file: read, prefilter, parse, extract its facts and collect its comments, with a
//! panic contained to the file.

use std::collections::HashSet;

use aho_corasick::AhoCorasick;

use crate::config::{Config, DefinitionSource, Side};
use crate::facts::{ConstKind, FileFacts};
use crate::index::walk::SourceFile;
use crate::index::{comments, roles, FileRole, IndexedFile};
use crate::lang::{self, DefinitionShapes, ExtractOptions, Language};
use crate::panics::contain_panics;

/// Bytes looked at to decide whether a file is binary.
const BINARY_SNIFF_LEN: usize = 8192;

/// What phase 1 learns from the definitions files for reading the others.
#[derive(Default)]
pub(crate) struct Names {
    /// Every segment of every definition's symbol (see [`ExtractOptions::interesting`]).
    pub(crate) interesting: HashSet<String>,
    /// Backend flag keys, whose literal mentions in the backend files that are parsed count for
    /// `frontend-only-gate` (empty when the rule is off). They do not widen the prefilter: a
    /// pattern per key would slow the scan of every file for an info rule.
    keys: HashSet<String>,
}

impl Names {
    pub(crate) fn of_definitions<'a>(
        files: impl Iterator<Item = &'a IndexedFile>,
        with_keys: bool,
    ) -> Names {
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
                if with_keys && file.role == FileRole::Definitions(Side::Backend) {
                    names.keys.insert(file.key_transform.apply(&constant.value));
                }
            }
        }
        names
    }
}

/// Decides, from the raw bytes, whether a file can hold a flag fact before it is parsed.
pub(crate) struct Prefilter {
    /// Per language: the check names that apply to it, and the definitions' symbols.
    names: Vec<(Language, Option<NameMatcher>)>,
    /// Re-exporting modules (`__init__.py`, `index.ts`, `mod.rs`) may mention only the definitions
    /// module's name.
    barrels: Option<AhoCorasick>,
    /// Migration modules: every one is read (`None`: none is), or those that match.
    migrations: Option<MigrationFilter>,
    /// Production Python modules naming waffle, when migrations are read: they may create rows.
    waffle: Option<AhoCorasick>,
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
    pub(crate) fn new(
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
        let waffle = migrations.as_ref().and_then(|_| automaton(&["waffle"]));
        Prefilter {
            migrations,
            waffle,
            names: languages
                .into_iter()
                .map(|language| (language, NameMatcher::new(&names_for(language))))
                .collect(),
            barrels: automaton(&module_refs),
        }
    }

    fn may_hold_facts(&self, file: &SourceFile, role: FileRole, bytes: &[u8]) -> bool {
        if self.migrations.is_some() && roles::is_app_module(&file.rel) {
            return true;
        }
        if role == FileRole::Production
            && file.language == Language::Python
            && self.migrations.is_some()
            && self.waffle.as_ref().is_some_and(|w| w.is_match(bytes))
        {
            // Rows created outside migrations (`Flag.objects.get_or_create(...)`).
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
            && roles::is_settings_module(&file.rel)
        {
            return true;
        }
        let name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let is_barrel = name == "__init__.py"
            || name == "mod.rs"
            || name == "lib.rs"
            || name.starts_with("index.");
        // A TS barrel re-exporting a directory (`export * from './types'`) may be the only way
        // from a package's entry to its flag module, whose name it need not mention.
        let reexports = || {
            matches!(file.language, Language::TypeScript | Language::JavaScript)
                && self.barrels.is_some()
                && bytes.windows(8).any(|w| w == b"export *")
        };
        // So may a module named for flags that only re-exports another package's
        // (`utils/feature-flags.ts`: `export * from "@org/core/lib/feature-flags/ff"`).
        let lower = name.to_ascii_lowercase();
        let named_for_flags = lower.contains("flag") || lower.contains("feature");
        (is_barrel && self.barrels.as_ref().is_some_and(|ac| ac.is_match(bytes)))
            || ((is_barrel || named_for_flags) && reexports())
    }
}

pub(crate) enum Outcome {
    Parsed,
    Filtered,
    Binary,
    Unreadable(String),
    Panicked(String),
}

pub(crate) struct Processed {
    pub(crate) rel: String,
    pub(crate) outcome: Outcome,
    pub(crate) file: Option<IndexedFile>,
}

/// What every file's processing shares.
pub(crate) struct Context<'a> {
    pub(crate) config: &'a Config,
    /// Set when migration modules are read for flag history.
    pub(crate) migrations: Option<&'a lang::migration::MigrationOptions<'a>>,
}

/// Reads one file, prefilters it and extracts its facts; a panic is contained to this file.
pub(crate) fn process(
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
    let indexed = |facts, suppressions| IndexedFile {
        rel: file.rel.clone(),
        language: file.language,
        role,
        facts,
        suppressions,
        side: context
            .config
            .side_of(&file.rel, crate::index::code_side(file.language)),
        key_transform: definitions.map(|d| d.transform).unwrap_or_default(),
        policy: definitions.map(|d| d.policy.clone()).unwrap_or_default(),
    };
    // Everything from reading the file to its comments runs inside the containment.
    let work = || {
        let bytes = match std::fs::read(&file.path) {
            Ok(bytes) => bytes,
            Err(e) => return (Outcome::Unreadable(e.to_string()), None),
        };
        if bytes[..bytes.len().min(BINARY_SNIFF_LEN)].contains(&0) {
            return (Outcome::Binary, None);
        }
        if prefilter.is_some_and(|prefilter| !prefilter.may_hold_facts(file, role, &bytes)) {
            return (Outcome::Filtered, None);
        }
        let source = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        // A production module of a waffle project that names waffle may create its rows.
        let creates_rows = role == FileRole::Production
            && file.language == Language::Python
            && context.migrations.is_some()
            && source.contains("waffle");
        let no_shapes = DefinitionShapes::default();
        let options = ExtractOptions {
            language: file.language,
            checks: &context.config.checks,
            interesting: &names.interesting,
            definitions: definitions.map_or(&no_shapes, |d| &d.shapes),
            definitions_file: definitions.is_some(),
            keys: &names.keys,
            migration: context.migrations.filter(|_| {
                role == FileRole::Migration || roles::is_app_module(&file.rel) || creates_rows
            }),
            created_rows: creates_rows,
        };
        let mut facts = match (file.grammar, definitions) {
            (lang::Grammar::Yaml, Some(entry)) if !entry.data.is_empty() => {
                let shape = lang::yaml::DataShape {
                    paths: &entry.data,
                    key_field: entry.key_field.as_deref(),
                    symbol_field: entry.symbol_field.as_deref(),
                };
                let is_json = file.language == Language::Json;
                lang::yaml::extract_data(&source, is_json, &shape)
            }
            (lang::Grammar::Yaml, Some(entry)) => {
                let stem = file.path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                lang::yaml::extract(&source, stem, entry.key_field.as_deref())
            }
            _ => extract(file.grammar, &source, &options),
        };
        let parsed = facts.comments.take();
        if definitions.is_some() {
            let from_comments = comments::annotations(&source, file.language, parsed.as_ref());
            facts.annotations.extend(from_comments);
        }
        let suppressions = comments::suppressions(&source, file.language, parsed.as_ref());
        (Outcome::Parsed, Some(indexed(facts, suppressions)))
    };
    let (outcome, indexed) =
        contain_panics(work).unwrap_or_else(|message| (Outcome::Panicked(message), None));
    Processed {
        rel: file.rel.clone(),
        outcome,
        file: indexed,
    }
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
}
