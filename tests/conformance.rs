//! The fork conformance table: every scenario of `tests/conformance/forks.toml`, spelled in
//! Python, TypeScript and Rust, must give the same forks in each language.

use std::collections::{BTreeMap, HashSet};

use flaglint::facts::{Body, Fork, ForkKind};
use flaglint::lang::{
    extract, CheckMatcher, CheckSpec, DefinitionShapes, ExtractOptions, Grammar, KeyArg, Language,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Table {
    scenario: Vec<Scenario>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    name: String,
    python: Option<String>,
    typescript: Option<String>,
    rust: Option<String>,
    #[serde(default)]
    unspelled: Vec<String>,
    forks: Vec<Expected>,
    /// Per language, forks that differ from `forks`.
    #[serde(default)]
    differs: BTreeMap<String, Vec<Expected>>,
}

/// What a front-end reports about one fork.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
struct Expected {
    kind: String,
    checks: usize,
    negated: bool,
    compound: bool,
    has_else: bool,
    exits_early: bool,
    then_without_flag: bool,
    chain_head_is_flag: bool,
    parent: Option<usize>,
    then_body: String,
    else_body: Option<String>,
}

impl Default for Expected {
    fn default() -> Self {
        Expected {
            kind: "if".into(),
            checks: 1,
            negated: false,
            compound: false,
            has_else: false,
            exits_early: false,
            then_without_flag: false,
            chain_head_is_flag: false,
            parent: None,
            then_body: "code".into(),
            else_body: None,
        }
    }
}

fn body(body: Body) -> String {
    match body {
        Body::Empty => "empty",
        Body::Exit => "exit",
        Body::Log => "log",
        Body::Code => "code",
    }
    .to_string()
}

impl From<&Fork> for Expected {
    fn from(fork: &Fork) -> Self {
        Expected {
            kind: match fork.kind {
                ForkKind::If => "if",
                ForkKind::ElseIf => "elif",
                ForkKind::Ternary => "ternary",
            }
            .to_string(),
            checks: fork.checks.len(),
            negated: fork.negated,
            compound: fork.compound,
            has_else: fork.has_else,
            exits_early: fork.exits_early,
            then_without_flag: fork.then_without_flag,
            chain_head_is_flag: fork.chain_head_is_flag,
            parent: fork.parent,
            then_body: body(fork.then_body),
            else_body: fork.else_body.map(body),
        }
    }
}

fn forks(grammar: Grammar, language: Language, source: &str) -> Vec<Expected> {
    let check = |call: &str| CheckSpec {
        call: vec![call.to_string()],
        key: KeyArg {
            position: Some(0),
            keyword: None,
        },
        ..CheckSpec::default()
    };
    let matcher = CheckMatcher::new(vec![check("is_on"), check("isOn")]);
    let options = ExtractOptions {
        language,
        checks: &matcher,
        interesting: &HashSet::new(),
        definitions: &DefinitionShapes::default(),
        definitions_file: false,
        keys: &HashSet::new(),
        migration: None,
        created_rows: false,
    };
    let facts = extract(grammar, source, &options);
    assert!(
        facts.syntax_errors.is_empty(),
        "{language:?} does not parse: {:?}\n{source}",
        facts.syntax_errors
    );
    facts.forks.iter().map(Expected::from).collect()
}

#[test]
fn forks_agree_across_languages() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/forks.toml");
    let text = std::fs::read_to_string(path).expect("forks.toml");
    let table: Table = toml::from_str(&text).expect("forks.toml is a valid table");
    let mut names = HashSet::new();
    let mut wrong = BTreeMap::new();
    let mut runs = 0;
    for scenario in &table.scenario {
        assert!(
            names.insert(&scenario.name),
            "two scenarios named {}",
            scenario.name
        );
        let spellings = [
            (
                "python",
                Grammar::Python,
                Language::Python,
                &scenario.python,
            ),
            (
                "typescript",
                Grammar::TypeScript,
                Language::TypeScript,
                &scenario.typescript,
            ),
            ("rust", Grammar::Rust, Language::Rust, &scenario.rust),
        ];
        for (name, grammar, language, source) in spellings {
            let unspelled = scenario.unspelled.iter().any(|u| u == name);
            let Some(source) = source else {
                assert!(unspelled, "{}: no {name} spelling", scenario.name);
                continue;
            };
            assert!(!unspelled, "{}: {name} is spelled", scenario.name);
            runs += 1;
            let found = forks(grammar, language, source);
            let expected = scenario.differs.get(name).unwrap_or(&scenario.forks);
            if found != *expected {
                wrong.insert(
                    format!("{} ({name})", scenario.name),
                    format!("expected {expected:?}\n   found {found:?}"),
                );
            }
        }
    }
    assert!(runs >= 100, "the table runs {runs} spellings");
    let report: Vec<String> = wrong.iter().map(|(k, v)| format!("{k}:\n   {v}")).collect();
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        report.join("\n")
    );
}
