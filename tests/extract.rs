//! Extractor snapshots: every file under `fixtures/extract/` is read with the configuration of
//! that directory, as a scan reads it (definitions files first, their names then interesting in
//! the other files), and the facts extracted from it are compared with its snapshot.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use flaglint::config::{self, Config};
use flaglint::facts::FileFacts;
use flaglint::lang::migration::MigrationOptions;
use flaglint::lang::{self, CheckMatcher, DefinitionShapes, ExtractOptions, Grammar, Language};

/// A fixture file: its path from the fixtures directory, and how it is read.
struct Fixture {
    rel: String,
    path: PathBuf,
    grammar: Grammar,
    language: Language,
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/extract")
}

/// The files flaglint reads under `dir`, sorted by path.
fn fixtures(dir: &Path) -> Vec<Fixture> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| entry.expect("a readable fixture directory"))
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let (grammar, language) = lang::detect(entry.path())?;
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("under the fixtures directory")
                .to_string_lossy()
                .replace('\\', "/");
            Some(Fixture {
                rel,
                path: entry.path().to_path_buf(),
                grammar,
                language,
            })
        })
        .collect()
}

/// Whether a scan reads the file's Django migration or app configuration facts.
fn reads_django(rel: &str) -> bool {
    let (dirs, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    dirs.split('/').any(|dir| dir == "migrations") || name == "apps.py"
}

/// The facts of one fixture; `interesting` are the names the definitions files declare.
fn extract(config: &Config, fixture: &Fixture, interesting: &HashSet<String>) -> FileFacts {
    let source = std::fs::read_to_string(&fixture.path).expect("a UTF-8 fixture");
    let definitions = config.definitions.iter().find(|d| d.matches(&fixture.rel));
    if fixture.grammar == Grammar::Yaml {
        let stem = fixture.path.file_stem().and_then(|s| s.to_str());
        let key_field = definitions.and_then(|d| d.key_field.as_deref());
        return lang::yaml::extract(&source, stem.unwrap_or(""), key_field);
    }
    let migration = MigrationOptions {
        create_operations: &config.django.create_operations,
        delete_operations: &config.django.delete_operations,
    };
    let no_shapes = DefinitionShapes::default();
    let options = ExtractOptions {
        language: fixture.language,
        checks: &config.checks,
        interesting,
        definitions: definitions.map_or(&no_shapes, |d| &d.shapes),
        definitions_file: definitions.is_some(),
        keys: &HashSet::new(),
        migration: (config.reads_migrations() && reads_django(&fixture.rel)).then_some(&migration),
        created_rows: false,
    };
    lang::extract(fixture.grammar, &source, &options)
}

/// The pretty debug rendering of `facts`, with each `Span { line, column, end_line, end_column,
/// start, end }` written `line:column..end_line:end_column` on one line (the byte offsets follow
/// from them), and each check's spec named by its call rather than by its place among the
/// configured checks.
fn render(facts: &FileFacts, checks: &CheckMatcher) -> String {
    let mut out = String::new();
    let debug = format!("{facts:#?}");
    let mut lines = debug.lines();
    while let Some(line) = lines.next() {
        let spec = line.trim().strip_prefix("spec: ").and_then(|rest| {
            let index: usize = rest.trim_end_matches(',').parse().ok()?;
            Some(checks.specs()[index].call.join("."))
        });
        if let Some(call) = spec {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(&format!("{indent}spec: {call:?},\n"));
            continue;
        }
        let Some(head) = line.strip_suffix("Span {") else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let fields: Vec<&str> = lines.by_ref().take(6).collect();
        let value = |name: &str| {
            let prefix = format!("{name}: ");
            let found = fields
                .iter()
                .find_map(|f| f.trim().strip_prefix(prefix.as_str()));
            found
                .expect("every span field")
                .trim_end_matches(',')
                .to_string()
        };
        let [l, c, el, ec] = ["line", "column", "end_line", "end_column"].map(value);
        let close = lines.next().unwrap_or_default().trim();
        let after = close.strip_prefix('}').expect("a span of six fields");
        out.push_str(&format!("{head}{l}:{c}..{el}:{ec}{after}\n"));
    }
    out
}

#[test]
fn extracted_facts_match_their_snapshots() {
    let dir = fixtures_dir();
    let config = config::load(&dir.join("flaglint.toml")).expect("the fixtures' configuration");
    let fixtures = fixtures(&dir);
    let is_definitions = |f: &Fixture| config.definitions.iter().any(|d| d.matches(&f.rel));
    let interesting: HashSet<String> = fixtures
        .iter()
        .filter(|f| is_definitions(f))
        .flat_map(|f| extract(&config, f, &HashSet::new()).string_consts)
        .flat_map(|constant| constant.symbol)
        .collect();
    assert!(!fixtures.is_empty(), "no fixture under {}", dir.display());
    // Every fixture is compared, so that one run lists every snapshot that differs.
    let differing: Vec<&str> = fixtures
        .iter()
        .filter(|fixture| {
            let facts = extract(&config, fixture, &interesting);
            let name = fixture.rel.replace('/', "__");
            let compare = || {
                insta::with_settings!({
                    input_file => &fixture.path,
                    omit_expression => true,
                    prepend_module_to_snapshot => true,
                }, {
                    insta::assert_snapshot!(name, render(&facts, &config.checks));
                });
            };
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(compare)).is_err()
        })
        .map(|fixture| fixture.rel.as_str())
        .collect();
    assert!(
        differing.is_empty(),
        "facts differ from their snapshots: {differing:?}"
    );
}
