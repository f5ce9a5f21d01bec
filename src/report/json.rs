//! The JSON formats (`--format json`), version 1.

use serde::{Serialize, Serializer};
use serde_json::{json, Value};

use super::{inventory, pretty_json, Counts};
use crate::diagnostics::Scan;
use crate::rules::Diagnostic;

/// `flaglint check --format json`: serialized as it is read, without an intermediate tree, so
/// that hundreds of thousands of findings cost only their text.
pub fn check(scan: &Scan) -> String {
    let counts = Counts::of(&scan.diagnostics);
    let stats = &scan.stats;
    let document = CheckDocument {
        version: 1,
        summary: Summary {
            files: stats.files,
            parsed: stats.parsed,
            flags: scan.index.flags.len(),
            errors: counts.errors,
            warnings: counts.warnings,
            infos: counts.infos,
            suppressed: stats.suppressed,
            baselined: stats.baselined,
            skipped: Skipped {
                too_large: stats.skipped_too_large,
                binary: stats.skipped_binary,
                unreadable: stats.unreadable,
            },
        },
        diagnostics: Diagnostics(&scan.diagnostics),
    };
    pretty_json(&document)
}

#[derive(Serialize)]
struct CheckDocument<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Diagnostics<'a>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    parsed: usize,
    flags: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
    baselined: usize,
    skipped: Skipped,
}

#[derive(Serialize)]
struct Skipped {
    too_large: usize,
    binary: usize,
    unreadable: usize,
}

struct Diagnostics<'a>(&'a [Diagnostic]);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|d| JsonDiagnostic {
            rule: d.rule.name(),
            severity: d.severity.name(),
            message: &d.message,
            help: d.help.as_deref(),
            path: &d.path,
            line: d.span.map(|s| s.line),
            column: d.span.map(|s| s.column),
            end_line: d.span.map(|s| s.end_line),
            end_column: d.span.map(|s| s.end_column),
            flag: d.flag.as_deref(),
        }))
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    path: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    flag: Option<&'a str>,
}

/// `flaglint flags --format json`.
pub fn flags(scan: &Scan, only: &super::FlagFilter) -> String {
    let flags: Vec<Value> = inventory(&scan.index, &scan.analysis)
        .into_iter()
        .filter(|row| only.as_ref().is_none_or(|o| o.contains_key(row.key)))
        .map(|row| {
            let lifecycle = only.as_ref().and_then(|o| o.get(row.key));
            let mut flag = json!({
                "key": row.key,
                "definitions": row.definitions.iter().map(|d| {
                    let mut definition = json!({
                        "side": d.side,
                        "language": d.language,
                        "path": d.location.path,
                        "line": d.location.line,
                        "symbol": d.symbol,
                    });
                    if !d.metadata.is_empty() {
                        definition["metadata"] = object(d.metadata);
                    }
                    definition
                }).collect::<Vec<_>>(),
                "checks": row.checks.iter().map(|c| json!({
                    "path": c.path,
                    "line": c.line,
                    "column": c.column,
                    "language": c.language,
                })).collect::<Vec<_>>(),
                "references": row.references.iter().map(|(kind, r, state)| {
                    let mut reference = json!({
                        "kind": kind.name(),
                        "path": r.path,
                        "line": r.line,
                        "column": r.column,
                        "language": r.language,
                    });
                    if let Some(on) = state {
                        reference["state"] = Value::from(if *on { "on" } else { "off" });
                    }
                    reference
                }).collect::<Vec<_>>(),
                "history": row.history.iter().map(|h| {
                    json!({
                        "action": h.action,
                        "kind": h.kind,
                        "migration": h.migration,
                        "path": h.location.path,
                        "line": h.location.line,
                        "column": h.location.column,
                        "initial": object(h.initial),
                    })
                }).collect::<Vec<_>>(),
            });
            if let Some(lifecycle) = lifecycle {
                flag["age_days"] = json!(lifecycle.age_days);
                flag["lifetime_days"] = json!(lifecycle.lifetime_days);
                flag["introduced_from"] = json!(lifecycle.introduced_from);
                flag["readiness"] = json!(lifecycle.readiness);
                flag["evidence"] = json!(lifecycle.evidence);
            }
            flag
        })
        .collect();
    if only.is_some() {
        return pretty_json(&json!({ "version": 1, "flags": flags }));
    }
    let project = &scan.analysis.django;
    let name = |m: usize| project.migrations[m].name.clone();
    let apps: Vec<Value> = project
        .apps
        .iter()
        .map(|app| {
            json!({
                "label": app.label,
                "dir": app.dir,
                "leaves": app.leaves.iter().map(|&m| name(m)).collect::<Vec<_>>(),
                "graph_not_checked": app
                    .doubt
                    .filter(|_| project.complete)
                    .map(|doubt| doubt.describe()),
                "migrations": app.migrations.iter().map(|&m| {
                    let migration = &project.migrations[m];
                    json!({
                        "name": migration.name,
                        "path": scan.index.path(migration.file),
                        "dependencies": migration
                            .parents
                            .iter()
                            .map(|(p, _)| project.migration_name(*p))
                            .collect::<Vec<_>>(),
                        "replaced_by": migration.replaced_by.map(|s| project.migration_name(s)),
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    pretty_json(&json!({ "version": 1, "flags": flags, "apps": apps }))
}

/// A JSON object of text fields, in their order.
fn object(fields: &[(String, String)]) -> Value {
    Value::Object(
        fields
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}
