//! `flaglint report`: the text formats drawn from the report document (a human table, Markdown to
//! paste into an issue or a wiki, CSV). The document itself (`--format json`) is
//! [`super::document`]; the HTML page is drawn from it too (`super::html`).

use std::fmt::Write as _;

pub use super::document::{document, ReportDocument};
use super::document::{FlagReport, PlanReport};
use super::escape_controls;

/// Text from the document as shown: unprintable characters escaped.
fn text(s: &str) -> String {
    escape_controls(s).into_owned()
}

/// An optional text, `-` when missing.
fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "-".to_string(), text)
}

/// The names of a flag's warnings, each once (`pilot-too-long`, `environment-drift`).
fn warning_names(flag: &FlagReport) -> Vec<String> {
    let mut names: Vec<String> = flag
        .warnings
        .iter()
        .map(|w| text(w).split(':').next().unwrap_or("").to_string())
        .collect();
    names.dedup();
    names
}

/// The columns of the tables, as (header, cell) per flag.
fn columns(document: &ReportDocument) -> Vec<(String, Vec<String>)> {
    let flags = &document.flags;
    let column = |header: &str, cell: &dyn Fn(&FlagReport) -> String| {
        (
            header.to_string(),
            flags.iter().map(cell).collect::<Vec<_>>(),
        )
    };
    let mut columns = vec![
        column("flag", &|f| text(&f.key)),
        column("type", &|f| opt(f.flag_type.as_deref())),
        column("owner", &|f| opt(f.owner.as_deref())),
        column("age", &|f| {
            f.age_days
                .map_or_else(|| "?".to_string(), |age| format!("{age}d"))
        }),
        column("lifetime", &|f| {
            f.lifetime_days
                .map_or_else(|| "permanent".to_string(), |days| format!("{days}d"))
        }),
        column("readiness", &|f| text(&f.readiness)),
    ];
    for environment in &document.environments {
        columns.push(column(
            &text(environment),
            &|f| match f.states.get(environment) {
                None => "-".to_string(),
                Some(state) => match &state.percent {
                    None => text(&state.state),
                    Some(percent) => format!("{} {}%", text(&state.state), text(percent)),
                },
            },
        ));
    }
    columns.push(column("checks", &|f| f.checks.to_string()));
    columns.push(column("tests on/off", &|f| {
        format!("{}/{}", f.tests.on, f.tests.off)
    }));
    columns.push(column("warnings", &|f| {
        let names = warning_names(f);
        if names.is_empty() {
            "-".to_string()
        } else {
            names.join(", ")
        }
    }));
    columns
}

/// `--format human`: an aligned table, then the removal steps.
pub fn human(document: &ReportDocument) -> String {
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
    for note in &document.notes {
        let _ = writeln!(out, "warning: {}\n", text(note));
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
    for f in &document.flags {
        if f.plan.is_none() && f.warnings.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({})", text(&f.key), text(&f.readiness));
        for warning in &f.warnings {
            let _ = writeln!(out, "  warning: {}", text(warning));
        }
        for line in plan_lines(f.plan.as_ref()) {
            let _ = writeln!(out, "  {line}");
        }
    }
    for o in &document.orphaned_states {
        let _ = writeln!(
            out,
            "\norphaned state: `{}` is {} in {} but not in the code: delete the stored value",
            text(&o.key),
            text(&o.state),
            text(&o.environment)
        );
    }
    let _ = writeln!(out, "\n{}", summary(document));
    out
}

/// The plan as lines of text.
fn plan_lines(plan: Option<&PlanReport>) -> Vec<String> {
    let Some(plan) = plan else {
        return Vec::new();
    };
    let mut lines = vec![text(&plan.summary)];
    for e in &plan.edits {
        lines.push(format!(
            "- {} {}:{}: {}",
            text(&e.kind),
            text(&e.path),
            e.line,
            text(&e.keep)
        ));
    }
    for d in &plan.delete_definitions {
        lines.push(format!(
            "- delete {} at {}:{}",
            text(&d.symbol),
            text(&d.path),
            d.line
        ));
    }
    if let Some(migration) = &plan.migration {
        lines.push(format!("- add {}", text(&migration.note)));
    }
    for i in &plan.inline {
        lines.push(format!(
            "- inline {} as \"{}\" at {}:{}",
            text(&i.symbol),
            opt(i.value.as_deref()),
            text(&i.path),
            i.line
        ));
    }
    lines
}

fn summary(document: &ReportDocument) -> String {
    let counts: Vec<String> = document
        .summary
        .by_readiness
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    format!(
        "{} flags as of {}: {}; {} warnings",
        document.summary.flags,
        text(&document.today),
        if counts.is_empty() {
            "none".to_string()
        } else {
            counts.join(", ")
        },
        document.summary.warnings
    )
}

/// `--format markdown`: a table and the removal steps, to paste into an issue or a wiki page.
pub fn markdown(document: &ReportDocument) -> String {
    let columns = columns(document);
    let rows = columns.first().map_or(0, |c| c.1.len());
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = format!("## Feature flags as of {}\n\n", text(&document.today));
    for note in &document.notes {
        let _ = writeln!(out, "> **Warning**: {}\n", text(note));
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
    for f in &document.flags {
        let lines = plan_lines(f.plan.as_ref());
        if lines.is_empty() && f.warnings.is_empty() {
            continue;
        }
        let _ = writeln!(steps, "\n### `{}` ({})\n", text(&f.key), text(&f.readiness));
        for warning in &f.warnings {
            let _ = writeln!(steps, "- **warning** {}", text(warning));
        }
        if !f.warnings.is_empty() && !lines.is_empty() {
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
    if !document.orphaned_states.is_empty() {
        out.push_str("\n## Stored values with no flag in the code\n\n");
        for o in &document.orphaned_states {
            let _ = writeln!(
                out,
                "- [ ] delete `{}` from {} (it is {})",
                text(&o.key),
                text(&o.environment),
                text(&o.state)
            );
        }
    }
    out
}

/// `--format csv`: one row per flag (RFC 4180 quoting), the table's columns plus dates.
pub fn csv(document: &ReportDocument) -> String {
    // For spreadsheets: numbers as numbers, unknowns as empty cells.
    let flags = &document.flags;
    let column = |header: &str, cell: &dyn Fn(&FlagReport) -> String| {
        (
            header.to_string(),
            flags.iter().map(cell).collect::<Vec<_>>(),
        )
    };
    let text_or_empty = |s: Option<&str>| s.map(text).unwrap_or_default();
    let mut columns = vec![
        column("flag", &|f| text(&f.key)),
        column("type", &|f| text_or_empty(f.flag_type.as_deref())),
        column("owner", &|f| text_or_empty(f.owner.as_deref())),
        column("age_days", &|f| {
            f.age_days.map(|d| d.to_string()).unwrap_or_default()
        }),
        column("lifetime_days", &|f| {
            f.lifetime_days.map(|d| d.to_string()).unwrap_or_default()
        }),
        column("permanent", &|f| f.lifetime_days.is_none().to_string()),
        column("readiness", &|f| text(&f.readiness)),
    ];
    for environment in &document.environments {
        columns.push(column(&text(environment), &|f| {
            f.states
                .get(environment)
                .map_or_else(String::new, |state| match &state.percent {
                    None => text(&state.state),
                    Some(percent) => format!("{} {}%", text(&state.state), text(percent)),
                })
        }));
    }
    columns.extend([
        column("checks", &|f| f.checks.to_string()),
        column("tests_on", &|f| f.tests.on.to_string()),
        column("tests_off", &|f| f.tests.off.to_string()),
        column("warnings", &|f| warning_names(f).join(";")),
        column("introduced", &|f| text_or_empty(f.introduced.as_deref())),
        column("remove_by", &|f| text_or_empty(f.remove_by.as_deref())),
        column("last_check_change", &|f| {
            text_or_empty(f.last_check_change.as_deref())
        }),
    ]);
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
