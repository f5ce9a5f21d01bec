//! The CI formats of `flaglint check`: SARIF 2.1.0 (code scanning), GitHub Actions workflow
//! commands, GitLab Code Quality and JUnit XML.
//!
//! Like every emitter, each function returns a whole document ending with a newline. The output
//! depends only on the scan: no timestamps, no absolute paths, and paths as the scan reports them
//! (relative to the scanned root, `/`-separated).

use std::collections::HashMap;

use serde::{Serialize, Serializer};
use serde_json::{json, Value};

use super::pretty_json;
use crate::diagnostics::Scan;
use crate::facts::Span;
use crate::rules::{Diagnostic, RuleId, Severity};

/// Where the SARIF 2.1.0 schema is published.
const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The key of flaglint's fingerprint in SARIF `partialFingerprints`.
const FINGERPRINT_KEY: &str = "flaglintFingerprint/v1";

/// The base the artifact URIs of the SARIF log are relative to: the scanned root.
const SRCROOT: &str = "%SRCROOT%";

/// SARIF 2.1.0 log (one run; tool.driver with version and every rule's metadata).
///
/// `fingerprints[i]` is the fingerprint of `scan.diagnostics[i]`
/// (see [`crate::diagnostics::baseline::fingerprints`]); a diagnostic without one has no
/// `partialFingerprints`.
pub fn sarif(scan: &Scan, fingerprints: &[String]) -> String {
    let log = SarifLog {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [SarifRun {
            tool: json!({
                "driver": {
                    "name": "flaglint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": RuleId::ALL.iter().map(|&r| sarif_rule(r)).collect::<Vec<_>>(),
                },
            }),
            column_kind: "unicodeCodePoints",
            results: SarifResults {
                diagnostics: &scan.diagnostics,
                fingerprints,
            },
        }],
    };
    pretty_json(&log)
}

/// A SARIF log of one run; the results are made one by one as they are written.
#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    tool: Value,
    column_kind: &'static str,
    results: SarifResults<'a>,
}

struct SarifResults<'a> {
    diagnostics: &'a [Diagnostic],
    fingerprints: &'a [String],
}

impl Serialize for SarifResults<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.diagnostics
                .iter()
                .enumerate()
                .map(|(i, d)| sarif_result(d, self.fingerprints.get(i))),
        )
    }
}

/// The `reportingDescriptor` of a rule.
fn sarif_rule(rule: RuleId) -> Value {
    let doc = rule.doc();
    let level = rule.default_level().map_or("none", sarif_level);
    json!({
        "id": rule.name(),
        "name": pascal_case(rule.name()),
        "shortDescription": { "text": doc.summary },
        "fullDescription": { "text": doc.what_it_does },
        "help": {
            "text": help_text(rule),
            "markdown": help_markdown(rule),
        },
        "defaultConfiguration": { "level": level },
        "properties": { "tags": ["feature-flags"] },
    })
}

/// A rule's documentation as plain text: what, why, example, how to fix.
fn help_text(rule: RuleId) -> String {
    let doc = rule.doc();
    format!(
        "{}\n\nWhy is this bad?\n{}\n\nExample:\n{}\n\nHow to fix:\n{}",
        doc.what_it_does, doc.why_is_this_bad, doc.example, doc.how_to_fix
    )
}

/// A rule's documentation as Markdown: one section per part, the example fenced.
fn help_markdown(rule: RuleId) -> String {
    let doc = rule.doc();
    let fence = fence_for(doc.example);
    format!(
        "## What it does\n\n{}\n\n## Why is this bad?\n\n{}\n\n## Example\n\n{fence}\n{}\n{fence}\n\n\
         ## How to fix\n\n{}",
        doc.what_it_does, doc.why_is_this_bad, doc.example, doc.how_to_fix
    )
}

/// A backtick fence longer than any run of backticks in `code` (at least three).
fn fence_for(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// `undefined-flag` -> `UndefinedFlag`.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
        })
        .collect()
}

/// The SARIF level of a severity.
fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The SARIF `result` of a diagnostic.
fn sarif_result(d: &Diagnostic, fingerprint: Option<&String>) -> Value {
    let text = with_help(d, "\n\nHelp: ");
    let mut physical = json!({
        "artifactLocation": { "uri": uri_reference(&d.path), "uriBaseId": SRCROOT },
    });
    if let Some(region) = known_span(d).map(sarif_region) {
        physical["region"] = region;
    }
    let mut result = json!({
        "ruleId": d.rule.name(),
        "ruleIndex": rule_index(d.rule),
        "level": sarif_level(d.severity),
        "message": { "text": text },
        "locations": [{ "physicalLocation": physical }],
    });
    if let Some(fp) = fingerprint {
        result["partialFingerprints"] = json!({ FINGERPRINT_KEY: fp });
    }
    if let Some(flag) = &d.flag {
        result["properties"] = json!({ "flag": flag });
    }
    result
}

/// A diagnostic's message, then its help after `separator`.
fn with_help(d: &Diagnostic, separator: &str) -> String {
    match &d.help {
        Some(help) => format!("{}{separator}{help}", d.message),
        None => d.message.clone(),
    }
}

/// The SARIF `region` of a span (columns in characters, the end exclusive as in the span).
fn sarif_region(span: Span) -> Value {
    let (end_line, end_column) = span_end(span);
    json!({
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

/// The position of a rule in [`RuleId::ALL`].
fn rule_index(rule: RuleId) -> usize {
    RuleId::ALL.iter().position(|&r| r == rule).unwrap_or(0)
}

/// The span of a diagnostic when it points into the file (`None` for file-level findings).
fn known_span(d: &Diagnostic) -> Option<Span> {
    d.span.filter(|s| s.line >= 1 && s.column >= 1)
}

/// The end of a span, never before its start.
fn span_end(span: Span) -> (u32, u32) {
    if span.end_line > span.line {
        (span.end_line, span.end_column.max(1))
    } else {
        (span.line, span.end_column.max(span.column))
    }
}

/// A relative path as a URI reference: `/` kept, every byte outside the unreserved and
/// sub-delimiter characters percent-encoded (so `a b.py` -> `a%20b.py`, and `:` cannot be read
/// as a scheme).
fn uri_reference(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        let c = char::from(byte);
        if c.is_ascii_alphanumeric() || "-._~/!$&'()*+,;=@".contains(c) {
            uri.push(c);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// GitHub Actions workflow commands, one per diagnostic.
pub fn github(scan: &Scan) -> String {
    scan.diagnostics
        .iter()
        .map(|d| github_command(d) + "\n")
        .collect()
}

/// `::error file=...,line=...,col=...,endLine=...,endColumn=...,title=rule::message%0Ahelp: ...`.
fn github_command(d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut properties = vec![format!("file={}", github_property(&d.path))];
    if let Some(span) = known_span(d) {
        let (end_line, end_column) = span_end(span);
        properties.push(format!("line={}", span.line));
        properties.push(format!("col={}", span.column));
        properties.push(format!("endLine={end_line}"));
        properties.push(format!("endColumn={end_column}"));
    }
    properties.push(format!("title={}", github_property(d.rule.name())));
    let message = with_help(d, "\nhelp: ");
    format!(
        "::{command} {}::{}",
        properties.join(","),
        github_data(&message)
    )
}

/// Escapes the message of a workflow command: `%`, `\r`, `\n`.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command: as a message, plus `:` and `,`.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitLab Code Quality report (JSON array).
///
/// `fingerprints[i]` is the fingerprint of `scan.diagnostics[i]`; fingerprints repeated within the
/// report get an occurrence suffix (`-2`, `-3`, ...) so that each is unique, as GitLab requires.
pub fn gitlab(scan: &Scan, fingerprints: &[String]) -> String {
    let unique = unique_fingerprints(&scan.diagnostics, fingerprints);
    let issues: Vec<Value> = scan
        .diagnostics
        .iter()
        .zip(unique)
        .map(|(d, fingerprint)| gitlab_issue(d, fingerprint))
        .collect();
    pretty_json(&issues)
}

/// One Code Quality issue.
fn gitlab_issue(d: &Diagnostic, fingerprint: String) -> Value {
    let severity = match d.severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    };
    let line = known_span(d).map_or(1, |s| s.line);
    json!({
        "description": d.message,
        "check_name": d.rule.name(),
        "fingerprint": fingerprint,
        "severity": severity,
        "location": { "path": d.path, "lines": { "begin": line } },
    })
}

/// One fingerprint per diagnostic, unique within the list: the n-th repeat (n >= 2) of a
/// fingerprint becomes `{fp}-{n}`. A diagnostic without a given fingerprint gets one made of its
/// rule, path and position.
fn unique_fingerprints(diagnostics: &[Diagnostic], fingerprints: &[String]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let base = fingerprints
                .get(i)
                .cloned()
                .unwrap_or_else(|| fallback_fingerprint(d));
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                base
            } else {
                format!("{base}-{count}")
            }
        })
        .collect()
}

/// `rule:path:line:column` (line and column 0 for file-level findings).
fn fallback_fingerprint(d: &Diagnostic) -> String {
    let (line, column) = known_span(d).map_or((0, 0), |s| (s.line, s.column));
    format!("{}:{}:{line}:{column}", d.rule.name(), d.path)
}

/// JUnit XML: every diagnostic is a failed test case; no diagnostics, one passing test case.
pub fn junit(scan: &Scan) -> String {
    let failures = scan.diagnostics.len();
    let cases: String = if failures == 0 {
        "    <testcase classname=\"flaglint\" name=\"no findings\"/>\n".to_string()
    } else {
        scan.diagnostics.iter().map(junit_case).collect()
    };
    let tests = failures.max(1);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"flaglint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n\
         \x20 <testsuite name=\"flaglint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" \
         skipped=\"0\">\n\
         {cases}\
         \x20 </testsuite>\n\
         </testsuites>\n"
    )
}

/// One `<testcase>` with its `<failure>`.
fn junit_case(d: &Diagnostic) -> String {
    let rule = d.rule.name();
    let path = xml_escape(&d.path);
    let (name, line_attribute, place) = match known_span(d) {
        Some(s) => (
            format!("{rule}:{}:{}", s.line, s.column),
            format!(" line=\"{}\"", s.line),
            format!("{}:{}:{}", d.path, s.line, s.column),
        ),
        None => (rule.to_string(), String::new(), d.path.clone()),
    };
    let mut body = with_help(d, "\nhelp: ");
    body.push('\n');
    body.push_str(&place);
    format!(
        "    <testcase classname=\"{path}\" name=\"{}\" file=\"{path}\"{line_attribute}>\n\
         \x20     <failure type=\"{rule}\" message=\"{}\">{}</failure>\n\
         \x20   </testcase>\n",
        xml_escape(&name),
        xml_attribute(&d.message),
        xml_escape(&body),
    )
}

/// Escapes text for XML content and attributes: `& < > " '`, and characters XML 1.0 cannot hold
/// become U+FFFD.
fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c if is_xml_char(c) => escaped.push(c),
            _ => escaped.push('\u{FFFD}'),
        }
    }
    escaped
}

/// Escapes an attribute value, keeping line breaks and tabs (which parsers would otherwise turn
/// into spaces) as character references.
fn xml_attribute(text: &str) -> String {
    xml_escape(text)
        .replace('\t', "&#9;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
}

/// Whether XML 1.0 allows a character in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::diagnostics::Stats;
    use crate::index::Index;

    fn diagnostic(
        rule: RuleId,
        severity: Severity,
        message: &str,
        span: Option<Span>,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            severity,
            message: message.to_string(),
            help: Some("do 100% <better> & \"more\"".to_string()),
            label: None,
            path: "backend/a b:c,d.py".to_string(),
            span,
            flag: Some("new_billing".to_string()),
        }
    }

    fn span(line: u32, column: u32, end_line: u32, end_column: u32) -> Span {
        Span {
            line,
            column,
            end_line,
            end_column,
            start: 0,
            end: 0,
        }
    }

    fn scan(diagnostics: Vec<Diagnostic>) -> Scan {
        Scan {
            root: std::path::PathBuf::from("."),
            index: Index::default(),
            analysis: Default::default(),
            diagnostics,
            stats: Stats::default(),
            notes: Vec::new(),
            config: Config::empty(std::path::PathBuf::from(".")),
        }
    }

    fn crafted() -> Scan {
        scan(vec![
            diagnostic(
                RuleId::UndefinedFlag,
                Severity::Error,
                "50% of it,\r\nbroken: <x> & 'y'",
                Some(span(3, 5, 3, 12)),
            ),
            diagnostic(RuleId::ParseError, Severity::Warning, "cannot parse", None),
            diagnostic(
                RuleId::DynamicFlagKey,
                Severity::Info,
                "dynamic",
                Some(span(7, 1, 9, 2)),
            ),
        ])
    }

    #[test]
    fn github_escapes_data_and_properties() {
        assert_eq!(github_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(github_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn github_writes_one_command_per_diagnostic() {
        let out = github(&crafted());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                "::error file=backend/a b%3Ac%2Cd.py,line=3,col=5,endLine=3,endColumn=12,\
                 title=undefined-flag::50%25 of it,%0D%0Abroken: <x> & 'y'%0Ahelp: do 100%25 \
                 <better> & \"more\"",
                "::warning file=backend/a b%3Ac%2Cd.py,title=parse-error::cannot parse%0Ahelp: \
                 do 100%25 <better> & \"more\"",
                "::notice file=backend/a b%3Ac%2Cd.py,line=7,col=1,endLine=9,endColumn=2,\
                 title=dynamic-flag-key::dynamic%0Ahelp: do 100%25 <better> & \"more\"",
            ]
        );
        assert!(out.ends_with('\n'));
        assert_eq!(github(&scan(Vec::new())), "");
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("undefined-flag"), "UndefinedFlag");
        assert_eq!(
            pascal_case("irreversible-flag-migration"),
            "IrreversibleFlagMigration"
        );
    }

    #[test]
    fn fences_outlast_backticks() {
        assert_eq!(fence_for("x = 1"), "```");
        assert_eq!(fence_for("a ```` b"), "`````");
    }

    #[test]
    fn uris_are_percent_encoded_references() {
        assert_eq!(uri_reference("src/a_b-c.py"), "src/a_b-c.py");
        assert_eq!(
            uri_reference("a b/c:d#e%é.py"),
            "a%20b/c%3Ad%23e%25%C3%A9.py"
        );
    }

    #[test]
    fn sarif_regions_and_file_level_results() {
        let out = sarif(&crafted(), &["0123456789abcdef".to_string()]);
        let log: Value = serde_json::from_str(&out).unwrap();
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        let first = &results[0];
        assert_eq!(first["level"], "error");
        assert_eq!(first["ruleIndex"], 0);
        assert_eq!(
            first["message"]["text"],
            "50% of it,\r\nbroken: <x> & 'y'\n\nHelp: do 100% <better> & \"more\""
        );
        let location = &first["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "backend/a%20b%3Ac,d.py"
        );
        assert_eq!(location["region"]["endColumn"], 12);
        assert_eq!(
            first["partialFingerprints"][FINGERPRINT_KEY],
            "0123456789abcdef"
        );
        assert_eq!(first["properties"]["flag"], "new_billing");
        assert!(results[1]["locations"][0]["physicalLocation"]
            .get("region")
            .is_none());
        assert!(results[1].get("partialFingerprints").is_none());
        assert_eq!(results[2]["level"], "note");
        assert!(out.ends_with("}\n"));
    }

    #[test]
    fn sarif_rules_say_off_by_default() {
        let log: Value = serde_json::from_str(&sarif(&scan(Vec::new()), &[])).unwrap();
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), RuleId::ALL.len());
        let untested = rule_index(RuleId::UntestedFlagState);
        assert_eq!(rules[untested]["defaultConfiguration"]["level"], "none");
        assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
        let markdown = rules[0]["help"]["markdown"].as_str().unwrap();
        assert!(markdown.contains("## Example\n\n```\n"));
    }

    #[test]
    fn gitlab_fingerprints_are_unique() {
        let fp = "0123456789abcdef".to_string();
        let out = gitlab(&crafted(), &[fp.clone(), fp.clone(), fp]);
        let issues: Vec<Value> = serde_json::from_str(&out).unwrap();
        let fingerprints: Vec<&str> = issues
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(
            fingerprints,
            [
                "0123456789abcdef",
                "0123456789abcdef-2",
                "0123456789abcdef-3"
            ]
        );
        assert_eq!(issues[0]["severity"], "major");
        assert_eq!(issues[1]["severity"], "minor");
        assert_eq!(issues[1]["location"]["lines"]["begin"], 1);
        assert_eq!(issues[2]["severity"], "info");
        assert_eq!(gitlab(&scan(Vec::new()), &[]), "[]\n");
    }

    #[test]
    fn gitlab_makes_missing_fingerprints() {
        let issues: Vec<Value> = serde_json::from_str(&gitlab(&crafted(), &[])).unwrap();
        assert_eq!(
            issues[0]["fingerprint"],
            "undefined-flag:backend/a b:c,d.py:3:5"
        );
    }

    #[test]
    fn xml_escapes_everything() {
        assert_eq!(
            xml_escape("a & b < c > d \" e ' f\u{1}"),
            "a &amp; b &lt; c &gt; d &quot; e &apos; f\u{FFFD}"
        );
        assert_eq!(xml_attribute("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d");
    }

    #[test]
    fn junit_fails_every_diagnostic() {
        let out = junit(&crafted());
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"flaglint\" tests=\"3\" failures=\"3\" errors=\"0\">\n"));
        assert_eq!(out.matches("<testcase ").count(), 3);
        assert_eq!(out.matches("<failure ").count(), 3);
        assert!(out.contains(
            "<testcase classname=\"backend/a b:c,d.py\" name=\"undefined-flag:3:5\" \
             file=\"backend/a b:c,d.py\" line=\"3\">"
        ));
        assert!(out.contains(
            "message=\"50% of it,&#13;&#10;broken: &lt;x&gt; &amp; &apos;y&apos;\">50% of it,\r\n\
             broken: &lt;x&gt; &amp; &apos;y&apos;\nhelp: do 100% &lt;better&gt; &amp; \
             &quot;more&quot;\nbackend/a b:c,d.py:3:5</failure>"
        ));
        assert!(out.contains("name=\"parse-error\" file=\"backend/a b:c,d.py\">"));
        assert!(out.ends_with("</testsuites>\n"));
    }

    #[test]
    fn junit_without_findings_passes_one_case() {
        let out = junit(&scan(Vec::new()));
        assert!(out.contains("tests=\"1\" failures=\"0\""));
        assert!(out.contains("<testcase classname=\"flaglint\" name=\"no findings\"/>"));
        assert!(!out.contains("<failure"));
    }
}
