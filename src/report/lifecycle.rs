//! `flaglint report`: the stale-flag report as a JSON document, and the text formats drawn from it
//! (a human table, Markdown to paste into an issue or a wiki, CSV). The HTML page is drawn from the
//! same document (`super::html`).

use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use crate::analysis::lifecycle::{Assessment, Place, Readiness};
use crate::analysis::state::{Environment, Rollout};
use crate::analysis::Analysis;
use crate::date::Date;
use crate::index::Index;

/// The report document (`--format json`), version 1.
pub fn document(
    index: &Index,
    analysis: &Analysis,
    assessments: &[Assessment],
    environments: &[Environment],
) -> Value {
    let mut by_readiness = Map::new();
    for readiness in Readiness::ALL {
        let count = assessments
            .iter()
            .filter(|a| a.readiness == readiness)
            .count();
        if count > 0 {
            by_readiness.insert(readiness.name().to_string(), Value::from(count));
        }
    }
    let warnings: usize = assessments.iter().map(|a| a.warnings.len()).sum();
    let flags: Vec<Value> = assessments
        .iter()
        .filter(|a| a.readiness != Readiness::OrphanedState)
        .map(|a| flag(index, a, environments))
        .collect();
    let orphaned: Vec<Value> = assessments
        .iter()
        .filter(|a| a.readiness == Readiness::OrphanedState)
        .flat_map(|a| {
            environments.iter().zip(&a.states).filter_map(|(e, s)| {
                s.as_ref().map(
                    |s| json!({"key": a.key, "environment": e.name, "state": s.rollout.name()}),
                )
            })
        })
        .collect();
    // What the reader must know to trust the figures.
    let notes: Vec<&str> = [(
        analysis.ages.shallow,
        crate::analysis::lifecycle::SHALLOW_NOTE,
    )]
    .into_iter()
    .filter_map(|(applies, note)| applies.then_some(note))
    .collect();
    json!({
        "version": 1,
        "today": analysis.today.to_string(),
        "notes": notes,
        "environments": environments.iter().map(|e| e.name.clone()).collect::<Vec<_>>(),
        "summary": {
            "flags": flags.len(),
            "by_readiness": by_readiness,
            "warnings": warnings,
        },
        "flags": flags,
        "orphaned_states": orphaned,
    })
}

fn flag(index: &Index, a: &Assessment, environments: &[Environment]) -> Value {
    let date = |d: Option<Date>| d.map(|d| d.to_string());
    let states: Map<String, Value> = environments
        .iter()
        .zip(&a.states)
        .map(|(e, s)| {
            let value = match s {
                None => json!({"state": "absent", "percent": null, "since": null}),
                Some(s) => json!({
                    "state": s.rollout.name(),
                    "percent": match &s.rollout {
                        Rollout::Partial(Some(p)) => Value::from(p.clone()),
                        _ => Value::Null,
                    },
                    "since": date(s.modified),
                }),
            };
            (e.name.clone(), value)
        })
        .collect();
    let definitions: Vec<Value> = a
        .definitions
        .iter()
        .map(|&d| {
            let def = &index.definitions[d];
            json!({
                "side": def.side.name(),
                "path": index.path(def.file),
                "line": def.name_span.line,
                "symbol": def.symbol,
            })
        })
        .collect();
    let plan = a.plan.as_ref().map(|plan| {
        json!({
            "step": plan.step,
            "summary": plan.summary,
            "edits": plan.edits.iter().map(|e| json!({
                "path": e.path, "line": e.line, "kind": e.kind, "keep": e.keep,
            })).collect::<Vec<_>>(),
            "delete_definitions": plan.delete_definitions.iter().map(place).collect::<Vec<_>>(),
            "migration": plan.migration.as_ref().map(|(app, note)| json!({"app": app, "note": note})),
            "inline": plan.inline.iter().map(place).collect::<Vec<_>>(),
        })
    });
    json!({
        "key": a.key,
        "kind": a.kind.map(|k| k.name()),
        "type": a.flag_type,
        "owner": a.owner,
        "remove_by": date(a.remove_by),
        "introduced": date(a.introduced),
        "introduced_from": a.introduced_from,
        "age_days": a.age_days,
        "lifetime_days": a.lifetime_days,
        "last_check_change": date(a.last_check_change),
        "definitions": definitions,
        "checks": a.checks.len(),
        "tests": {"on": a.tests_on, "off": a.tests_off},
        "states": states,
        "readiness": a.readiness.name(),
        "evidence": a.evidence,
        "warnings": a.warnings,
        "plan": plan,
    })
}

fn place(p: &Place) -> Value {
    let mut value = json!({"path": p.path, "line": p.line, "symbol": p.symbol});
    if let Some(literal) = &p.value {
        value["value"] = Value::from(literal.clone());
    }
    value
}

/// A JSON field as display text: strings as is (unprintable characters escaped), numbers printed,
/// null as `-`.
fn text(value: &Value) -> String {
    match value {
        Value::Null => "-".to_string(),
        Value::String(s) => super::escape_controls(s).into_owned(),
        other => other.to_string(),
    }
}

/// The columns of the tables, as (header, cell) per flag.
fn columns(document: &Value) -> Vec<(String, Vec<String>)> {
    let flags = document["flags"].as_array().cloned().unwrap_or_default();
    let environments: Vec<&str> = document["environments"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let column = |header: &str, cell: &dyn Fn(&Value) -> String| {
        (
            header.to_string(),
            flags.iter().map(cell).collect::<Vec<_>>(),
        )
    };
    let mut columns = vec![
        column("flag", &|f| text(&f["key"])),
        column("type", &|f| text(&f["type"])),
        column("owner", &|f| text(&f["owner"])),
        column("age", &|f| match &f["age_days"] {
            Value::Null => "?".to_string(),
            age => format!("{}d", text(age)),
        }),
        column("lifetime", &|f| match &f["lifetime_days"] {
            Value::Null => "permanent".to_string(),
            days => format!("{}d", text(days)),
        }),
        column("readiness", &|f| text(&f["readiness"])),
    ];
    for environment in environments {
        columns.push(column(&super::escape_controls(environment), &|f| {
            let state = &f["states"][environment];
            match (&state["state"], &state["percent"]) {
                (s, Value::Null) => text(s),
                (s, p) => format!("{} {}%", text(s), text(p)),
            }
        }));
    }
    columns.push(column("checks", &|f| text(&f["checks"])));
    columns.push(column("tests on/off", &|f| {
        format!("{}/{}", text(&f["tests"]["on"]), text(&f["tests"]["off"]))
    }));
    columns.push(column("warnings", &|f| {
        f["warnings"]
            .as_array()
            .map(|w| {
                w.iter()
                    .map(|w| text(w).split(':').next().unwrap_or("").to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .filter(|w| !w.is_empty())
            .unwrap_or_else(|| "-".to_string())
    }));
    columns
}

/// `--format human`: an aligned table, then the removal steps.
pub fn human(document: &Value) -> String {
    let columns = columns(document);
    let rows = columns.first().map_or(0, |c| c.1.len());
    let widths: Vec<usize> = columns
        .iter()
        .map(|(h, cells)| {
            cells
                .iter()
                .map(|c| c.chars().count())
                .chain([h.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for note in notes(document) {
        let _ = writeln!(out, "warning: {note}\n");
    }
    let line = |cells: Vec<&str>| {
        let mut row: String = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ");
        row.truncate(row.trim_end().len());
        row + "\n"
    };
    out.push_str(&line(columns.iter().map(|(h, _)| h.as_str()).collect()));
    for row in 0..rows {
        out.push_str(&line(
            columns.iter().map(|(_, c)| c[row].as_str()).collect(),
        ));
    }
    for f in document["flags"].as_array().into_iter().flatten() {
        let plan = &f["plan"];
        let warnings = f["warnings"].as_array().cloned().unwrap_or_default();
        if plan.is_null() && warnings.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({})", text(&f["key"]), text(&f["readiness"]));
        for warning in &warnings {
            let _ = writeln!(out, "  warning: {}", text(warning));
        }
        for line in plan_lines(plan) {
            let _ = writeln!(out, "  {line}");
        }
    }
    for o in document["orphaned_states"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "\norphaned state: `{}` is {} in {} but not in the code: delete the stored value",
            text(&o["key"]),
            text(&o["state"]),
            text(&o["environment"])
        );
    }
    let _ = writeln!(out, "\n{}", summary(document));
    out
}

/// The document's notes, as text.
fn notes(document: &Value) -> Vec<String> {
    document["notes"]
        .as_array()
        .map(|notes| notes.iter().map(text).collect())
        .unwrap_or_default()
}

/// The plan as lines of text.
fn plan_lines(plan: &Value) -> Vec<String> {
    if plan.is_null() {
        return Vec::new();
    }
    let mut lines = vec![text(&plan["summary"])];
    for e in plan["edits"].as_array().into_iter().flatten() {
        lines.push(format!(
            "- {} {}:{}: {}",
            text(&e["kind"]),
            text(&e["path"]),
            text(&e["line"]),
            text(&e["keep"])
        ));
    }
    for d in plan["delete_definitions"].as_array().into_iter().flatten() {
        lines.push(format!(
            "- delete {} at {}:{}",
            text(&d["symbol"]),
            text(&d["path"]),
            text(&d["line"])
        ));
    }
    if !plan["migration"].is_null() {
        lines.push(format!("- add {}", text(&plan["migration"]["note"])));
    }
    for i in plan["inline"].as_array().into_iter().flatten() {
        lines.push(format!(
            "- inline {} as \"{}\" at {}:{}",
            text(&i["symbol"]),
            text(&i["value"]),
            text(&i["path"]),
            text(&i["line"])
        ));
    }
    lines
}

fn summary(document: &Value) -> String {
    let counts: Vec<String> = document["summary"]["by_readiness"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| format!("{} {k}", text(v))).collect())
        .unwrap_or_default();
    format!(
        "{} flags as of {}: {}; {} warnings",
        text(&document["summary"]["flags"]),
        text(&document["today"]),
        if counts.is_empty() {
            "none".to_string()
        } else {
            counts.join(", ")
        },
        text(&document["summary"]["warnings"])
    )
}

/// `--format markdown`: a table and the removal steps, to paste into an issue or a wiki page.
pub fn markdown(document: &Value) -> String {
    let columns = columns(document);
    let rows = columns.first().map_or(0, |c| c.1.len());
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = format!("## Feature flags as of {}\n\n", text(&document["today"]));
    for note in notes(document) {
        let _ = writeln!(out, "> **Warning**: {note}\n");
    }
    let _ = writeln!(out, "{}\n", summary(document));
    let headers: Vec<String> = columns.iter().map(|(h, _)| cell(h)).collect();
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(columns.len()));
    for row in 0..rows {
        let cells: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, (_, c))| {
                if i == 0 {
                    format!("`{}`", cell(&c[row]))
                } else {
                    cell(&c[row])
                }
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    let mut steps = String::new();
    for f in document["flags"].as_array().into_iter().flatten() {
        let lines = plan_lines(&f["plan"]);
        let warnings = f["warnings"].as_array().cloned().unwrap_or_default();
        if lines.is_empty() && warnings.is_empty() {
            continue;
        }
        let _ = writeln!(
            steps,
            "\n### `{}` ({})\n",
            text(&f["key"]),
            text(&f["readiness"])
        );
        for warning in &warnings {
            let _ = writeln!(steps, "- **warning** {}", text(warning));
        }
        if !warnings.is_empty() && !lines.is_empty() {
            steps.push('\n');
        }
        let mut lines = lines.into_iter();
        if let Some(summary) = lines.next() {
            let _ = writeln!(steps, "{summary}\n");
        }
        for line in lines {
            let item = line.trim_start_matches("- ");
            let _ = writeln!(steps, "- [ ] {item}");
        }
    }
    if !steps.is_empty() {
        out.push_str("\n## Removal steps\n");
        out.push_str(&steps);
    }
    let orphaned = document["orphaned_states"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !orphaned.is_empty() {
        out.push_str("\n## Stored values with no flag in the code\n\n");
        for o in orphaned {
            let _ = writeln!(
                out,
                "- [ ] delete `{}` from {} (it is {})",
                text(&o["key"]),
                text(&o["environment"]),
                text(&o["state"])
            );
        }
    }
    out
}

/// `--format csv`: one row per flag (RFC 4180 quoting), the table's columns plus dates.
pub fn csv(document: &Value) -> String {
    let mut columns = columns(document);
    let flags = document["flags"].as_array().cloned().unwrap_or_default();
    for (header, field) in [
        ("introduced", "introduced"),
        ("remove_by", "remove_by"),
        ("last_check_change", "last_check_change"),
    ] {
        columns.push((
            header.to_string(),
            flags.iter().map(|f| text(&f[field])).collect(),
        ));
    }
    let quote = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let rows = columns.first().map_or(0, |c| c.1.len());
    let mut out = String::new();
    let headers: Vec<String> = columns.iter().map(|(h, _)| quote(h)).collect();
    let _ = write!(out, "{}\r\n", headers.join(","));
    for row in 0..rows {
        let cells: Vec<String> = columns.iter().map(|(_, c)| quote(&c[row])).collect();
        let _ = write!(out, "{}\r\n", cells.join(","));
    }
    out
}
