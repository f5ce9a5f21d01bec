//! The CI formats of `flaglint::report::ci` on the demo fixture: the SARIF log validates against
//! the vendored OASIS SARIF 2.1.0 schema, and the GitHub, GitLab and JUnit documents hold one entry
//! per diagnostic. Every format is deterministic.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use flaglint::facts::Span;
use flaglint::report::ci;
use flaglint::rules::{Diagnostic, RuleId, Severity};
use flaglint::{Scan, ScanOptions};
use serde_json::{json, Value};

/// The OASIS SARIF 2.1.0 schema (draft-07, self-contained), as serde-sarif 0.8.0 ships it.
const SARIF_SCHEMA: &str = include_str!("sarif-schema-2.1.0.json");

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("demo")
}

fn scan_demo() -> Scan {
    let root = demo();
    let config = flaglint::config::load(&root.join("flaglint.toml")).expect("demo config loads");
    flaglint::scan(ScanOptions {
        root,
        config,
        threads: 2,
        today: flaglint::date::Date::parse("2026-06-01").expect("a valid date"),
        date_checks: false,
    })
    .expect("demo scans")
}

/// The demo scan and every CI document of it.
struct Outputs {
    scan: Scan,
    sarif: String,
    github: String,
    gitlab: String,
    junit: String,
}

fn outputs() -> Outputs {
    let scan = scan_demo();
    let fingerprints = flaglint::baseline::fingerprints(&scan);
    Outputs {
        sarif: ci::sarif(&scan, &fingerprints),
        github: ci::github(&scan),
        gitlab: ci::gitlab(&scan, &fingerprints),
        junit: ci::junit(&scan),
        scan,
    }
}

#[test]
fn demo_has_findings_of_every_severity() {
    let scan = scan_demo();
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        assert!(
            scan.diagnostics.iter().any(|d| d.severity == severity),
            "the demo should have a {} finding",
            severity.name()
        );
    }
}

/// Where the OASIS schema holds the one pattern that ECMA-262 rejects (an erratum of SARIF 2.1.0,
/// oasis-tcs/sarif-spec#488: `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`, a stray `]`).
const LANGUAGE_PATTERNS: [&str; 2] = [
    "/definitions/run/properties/language/pattern",
    "/definitions/toolComponent/properties/language/pattern",
];

/// The vendored schema: unchanged, so its only flaws under the draft-07 meta-schema are the known
/// `language` patterns (which flaglint's logs, having no `language`, never meet).
#[test]
fn vendored_schema_is_the_oasis_schema() {
    let schema: Value = serde_json::from_str(SARIF_SCHEMA).expect("the schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(
        schema["$id"],
        "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
    );
    assert_eq!(schema["properties"]["version"]["enum"][0], "2.1.0");
    let meta = jsonschema::meta::validator_for(&schema).expect("draft-07 meta-schema");
    let flaws: Vec<String> = meta
        .iter_errors(&schema)
        .map(|e| e.instance_path().to_string())
        .collect();
    assert_eq!(flaws, LANGUAGE_PATTERNS);
}

/// A validator for SARIF logs. The schema is reached through a registry rather than compiled as
/// the root, because compiling a root schema checks it against its meta-schema first, and the
/// unchanged OASIS schema fails that on its `language` patterns (see above). Nothing is
/// fetched: the schema is self-contained and the retriever is offline.
fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SARIF_SCHEMA).expect("the schema is JSON");
    let id = schema["$id"].as_str().expect("$id").to_string();
    let registry = jsonschema::Registry::new()
        .add(&id, schema)
        .expect("a valid $id")
        .prepare()
        .expect("the registry builds offline");
    // Leaked so that the validator may borrow it for the rest of the test.
    let registry: &'static jsonschema::Registry<'static> = Box::leak(Box::new(registry));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .offline()
        .should_validate_formats(true)
        .with_registry(registry)
        .build(&json!({ "$ref": id }))
        .expect("the schema compiles without fetching anything")
}

#[test]
fn sarif_validates_against_the_schema() {
    let validator = sarif_validator();
    let out = outputs();
    let log: Value = serde_json::from_str(&out.sarif).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| {
            format!(
                "{} (at {}, schema {})",
                e,
                e.instance_path(),
                e.schema_path()
            )
        })
        .collect();
    assert!(
        errors.is_empty(),
        "{} schema violations:\n{}",
        errors.len(),
        errors.join("\n")
    );
    // The validator does reject invalid logs.
    let mut broken = log.clone();
    broken["version"] = Value::from("2.0.0");
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"] = Value::from("a b\\c d.py");
    let paths: Vec<String> = validator
        .iter_errors(&broken)
        .map(|e| e.instance_path().to_string())
        .collect();
    assert!(paths.contains(&"/version".to_string()), "{paths:?}");
    assert!(
        paths.contains(&"/runs/0/results/0/level".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.iter().any(|p| p.ends_with("/artifactLocation/uri")),
        "formats are checked: {paths:?}"
    );
}

/// A scan built by hand: file-level findings, awkward paths and messages, no fingerprints.
fn crafted_scan(diagnostics: Vec<Diagnostic>) -> Scan {
    Scan {
        root: demo(),
        index: flaglint::index::Index::default(),
        analysis: flaglint::analysis::Analysis::default(),
        diagnostics,
        stats: flaglint::Stats::default(),
        notes: Vec::new(),
        config: flaglint::config::Config::empty(demo()),
    }
}

#[test]
fn sarif_of_edge_cases_validates() {
    let validator = sarif_validator();
    let finding = |rule: RuleId, path: &str, span: Option<Span>| Diagnostic {
        rule,
        severity: rule.default_severity(),
        message: "100% \"odd\" <message>\nover two lines".to_string(),
        help: None,
        label: None,
        path: path.to_string(),
        span,
        flag: None,
    };
    let span = Span {
        line: 2,
        column: 3,
        end_line: 4,
        end_column: 1,
        start: 0,
        end: 0,
    };
    let scans = [
        crafted_scan(Vec::new()),
        crafted_scan(vec![
            finding(RuleId::ParseError, "dir with space/ünïcode #1.py", None),
            finding(RuleId::InternalError, "c:/odd:name?.rs", Some(span)),
            finding(RuleId::UntestedFlagState, "a.py", Some(span)),
        ]),
    ];
    for scan in &scans {
        for fingerprints in [Vec::new(), vec!["0123456789abcdef".to_string(); 3]] {
            let log: Value =
                serde_json::from_str(&ci::sarif(scan, &fingerprints)).expect("SARIF is JSON");
            let errors: Vec<String> = validator
                .iter_errors(&log)
                .map(|e| format!("{e} (at {})", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}", errors.join("\n"));
        }
    }
}

#[test]
fn sarif_has_every_rule_and_one_result_per_diagnostic() {
    let out = outputs();
    let log: Value = serde_json::from_str(&out.sarif).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert!(run.get("originalUriBaseIds").is_none());
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "flaglint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let expected: Vec<&str> = RuleId::ALL.iter().map(|r| r.name()).collect();
    assert_eq!(ids, expected);
    for (rule, descriptor) in RuleId::ALL.iter().zip(rules) {
        let doc = rule.doc();
        assert_eq!(descriptor["shortDescription"]["text"], doc.summary);
        assert_eq!(descriptor["fullDescription"]["text"], doc.what_it_does);
        let text = descriptor["help"]["text"].as_str().unwrap();
        let markdown = descriptor["help"]["markdown"].as_str().unwrap();
        for part in [doc.why_is_this_bad, doc.example, doc.how_to_fix] {
            assert!(text.contains(part), "{}: help.text", rule.name());
            assert!(markdown.contains(part), "{}: help.markdown", rule.name());
        }
        let level = match rule.default_level() {
            None => "none",
            Some(Severity::Error) => "error",
            Some(Severity::Warning) => "warning",
            Some(Severity::Info) => "note",
        };
        assert_eq!(descriptor["defaultConfiguration"]["level"], level);
        assert_eq!(descriptor["properties"]["tags"][0], "feature-flags");
    }

    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), out.scan.diagnostics.len());
    let fingerprints = flaglint::baseline::fingerprints(&out.scan);
    for ((result, d), fp) in results.iter().zip(&out.scan.diagnostics).zip(&fingerprints) {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(result["ruleId"], d.rule.name());
        assert!(result["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with(&d.message));
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/') && !uri.contains(':'), "{uri}");
        match d.span {
            Some(span) => assert_eq!(location["region"]["startLine"], span.line),
            None => assert!(location.get("region").is_none()),
        }
        assert_eq!(result["partialFingerprints"]["flaglintFingerprint/v1"], *fp);
        assert_eq!(result["properties"]["flag"].as_str(), d.flag.as_deref());
    }
}

#[test]
fn github_writes_one_command_per_diagnostic() {
    let out = outputs();
    assert!(out.github.ends_with('\n'));
    let lines: Vec<&str> = out.github.lines().collect();
    assert_eq!(lines.len(), out.scan.diagnostics.len());
    for (line, d) in lines.iter().zip(&out.scan.diagnostics) {
        let command = match d.severity {
            Severity::Error => "::error ",
            Severity::Warning => "::warning ",
            Severity::Info => "::notice ",
        };
        assert!(line.starts_with(command), "{line}");
        assert!(
            line.contains(&format!(",title={}::", d.rule.name())),
            "{line}"
        );
        assert_eq!(d.span.is_some(), line.contains(",line="), "{line}");
    }
}

#[test]
fn gitlab_is_an_array_with_unique_fingerprints() {
    let out = outputs();
    let issues: Vec<Value> = serde_json::from_str(&out.gitlab).expect("GitLab report is JSON");
    assert_eq!(issues.len(), out.scan.diagnostics.len());
    let fingerprints: HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().expect("fingerprint"))
        .collect();
    assert_eq!(fingerprints.len(), issues.len());
    for (issue, d) in issues.iter().zip(&out.scan.diagnostics) {
        assert_eq!(issue["check_name"], d.rule.name());
        assert_eq!(issue["description"], d.message.as_str());
        assert_eq!(issue["location"]["path"], d.path.as_str());
        let begin = issue["location"]["lines"]["begin"].as_u64().unwrap();
        assert_eq!(begin, u64::from(d.span.map_or(1, |s| s.line)));
        let severity = match d.severity {
            Severity::Error => "major",
            Severity::Warning => "minor",
            Severity::Info => "info",
        };
        assert_eq!(issue["severity"], severity);
    }
}

#[test]
fn junit_has_one_failed_case_per_diagnostic() {
    let out = outputs();
    let n = out.scan.diagnostics.len();
    let xml = &out.junit;
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    assert!(xml.contains(&format!(
        "<testsuites name=\"flaglint\" tests=\"{n}\" failures=\"{n}\" errors=\"0\">"
    )));
    assert_eq!(xml.matches("<testcase ").count(), n);
    assert_eq!(xml.matches("<failure ").count(), n);
    assert_eq!(xml.matches("</failure>").count(), n);
    assert_eq!(xml.matches("</testcase>").count(), n);
    assert!(xml.ends_with("</testsuites>\n"));
    assert_well_formed(xml);
}

/// A small well-formedness check: tags nest, and every `&` starts a known entity or a character
/// reference.
fn assert_well_formed(xml: &str) {
    let body = xml
        .split_once("?>\n")
        .map(|(_, rest)| rest)
        .expect("XML declaration");
    let mut open: Vec<&str> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        assert_entities(text);
        let end = rest[start..].find('>').expect("tag closes") + start;
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<'), "`<` inside a tag: {tag}");
        assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes: {tag}");
        assert_entities(tag);
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().expect("tag name");
            open.push(name);
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
    assert!(rest.trim().is_empty());
}

fn assert_entities(text: &str) {
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..];
        let known = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"];
        assert!(
            known.iter().any(|k| entity.starts_with(k)),
            "bare `&`: {entity}"
        );
    }
}

#[test]
fn every_format_is_deterministic() {
    let first = outputs();
    let second = outputs();
    assert_eq!(first.sarif, second.sarif);
    assert_eq!(first.github, second.github);
    assert_eq!(first.gitlab, second.gitlab);
    assert_eq!(first.junit, second.junit);
    let root = first.scan.root.to_string_lossy().into_owned();
    for document in [&first.sarif, &first.github, &first.gitlab, &first.junit] {
        assert!(document.ends_with('\n'));
        assert!(!document.contains(&root), "an absolute path leaked");
    }
}
