//! The human formats: miette's graphical diagnostics for `check`, a listing for `flags`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::{escape_controls, escape_source, inventory, Counts};
use crate::facts::FlagAction;
use crate::project::PathDisplay;
use crate::rules::{Diagnostic, Severity};
use crate::Scan;

/// How diagnostics are drawn.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

/// `flaglint check` in human form: every diagnostic with its source snippet, then a summary.
/// Paths are shown by `paths` (relative to the current directory).
pub fn check(scan: &Scan, style: Style, paths: &PathDisplay) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut sources: HashMap<&str, Option<String>> = HashMap::new();
    let mut out = String::new();
    for diagnostic in &scan.diagnostics {
        let source = sources
            .entry(&diagnostic.path)
            .or_insert_with(|| read_lossy(&scan.root.join(&diagnostic.path)));
        let shown = paths.show(&diagnostic.path);
        let report = Report::new(diagnostic, &shown, source.as_deref());
        // A renderer that fails or panics still leaves the message.
        let text = crate::contain_panics(|| {
            let mut text = String::new();
            handler
                .render_report(&mut text, &report)
                .ok()
                .map(|()| text)
        })
        .ok()
        .flatten()
        .unwrap_or_else(|| {
            format!(
                "{}: {}\n",
                escape_controls(&shown),
                escape_controls(&diagnostic.message)
            )
        });
        out.push_str(text.trim_end());
        out.push_str("\n\n");
    }
    out.push_str(&summary(scan));
    out
}

fn summary(scan: &Scan) -> String {
    let counts = Counts::of(&scan.diagnostics);
    let stats = &scan.stats;
    let mut line = format!(
        "{} {}, {} {}, {} {} in {} files ({} parsed), {} flags",
        counts.errors,
        plural(counts.errors, "error", "errors"),
        counts.warnings,
        plural(counts.warnings, "warning", "warnings"),
        counts.infos,
        plural(counts.infos, "info", "infos"),
        stats.files,
        stats.parsed,
        scan.index.flags.len(),
    );
    let skipped: Vec<String> = [
        (stats.skipped_too_large, "too large"),
        (stats.skipped_binary, "binary"),
        (stats.unreadable, "unreadable"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, why)| format!("{n} {why}"))
    .collect();
    if !skipped.is_empty() {
        let _ = write!(line, "; skipped {}", skipped.join(", "));
    }
    if stats.suppressed > 0 {
        let _ = write!(line, "; {} suppressed", stats.suppressed);
    }
    if stats.baselined > 0 {
        let _ = write!(line, "; {} in the baseline", stats.baselined);
    }
    line.push('\n');
    line
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// `flaglint flags` in human form.
/// Paths are shown by `paths` (relative to the current directory).
pub fn flags(scan: &Scan, paths: &PathDisplay) -> String {
    let e = |text: &str| escape_controls(text).into_owned();
    let rows = inventory(&scan.index);
    let mut out = String::new();
    for row in &rows {
        let status = if !row.definitions.is_empty() {
            ""
        } else if row.history.iter().any(|h| h.action == FlagAction::Create) {
            "  (no definition; its row is created by a migration)"
        } else {
            "  (undefined)"
        };
        let _ = writeln!(out, "{}{status}", e(row.key));
        for d in &row.definitions {
            let _ = write!(
                out,
                "  definition  {}:{}  {} {} {}",
                e(&paths.show(d.location.path)),
                d.location.line,
                d.side,
                d.language,
                e(d.symbol)
            );
            if !d.metadata.is_empty() {
                let fields: Vec<String> = d
                    .metadata
                    .iter()
                    .map(|(k, v)| format!("{}={}", e(k), e(v)))
                    .collect();
                let _ = write!(out, "  ({})", fields.join(", "));
            }
            out.push('\n');
        }
        for c in &row.checks {
            let _ = writeln!(
                out,
                "  check       {}:{}:{}",
                e(&paths.show(c.path)),
                c.line,
                c.column
            );
        }
        for (kind, r, state) in &row.references {
            let _ = write!(
                out,
                "  {:<11} {}:{}:{}",
                kind.name(),
                e(&paths.show(r.path)),
                r.line,
                r.column
            );
            if let Some(on) = state {
                let _ = write!(out, "  (sets {})", if *on { "on" } else { "off" });
            }
            out.push('\n');
        }
        for h in &row.history {
            let _ = write!(
                out,
                "  {:<11} {}  {}:{}:{}  ({}",
                h.action_name(),
                e(&h.migration),
                e(&paths.show(h.location.path)),
                h.location.line,
                h.location.column,
                h.kind.name()
            );
            for (field, value) in h.initial {
                let _ = write!(out, ", {}={}", e(field), e(value));
            }
            out.push_str(")\n");
        }
    }
    let project = &scan.index.django;
    for app in &project.apps {
        let leaves: Vec<String> = app
            .leaves
            .iter()
            .map(|&m| e(&project.migrations[m].name))
            .collect();
        let _ = writeln!(
            out,
            "app {} ({}): {} {}, {} {}{}",
            e(&app.label),
            e(&app.dir),
            app.migrations.len(),
            plural(app.migrations.len(), "migration read", "migrations read"),
            plural(leaves.len(), "leaf", "leaves"),
            if leaves.is_empty() {
                "none".to_string()
            } else {
                leaves.join(", ")
            },
            match app.doubt.filter(|_| project.complete) {
                Some(doubt) => format!("; graph not checked: {}", doubt.describe()),
                None => String::new(),
            }
        );
    }
    let defined = rows.iter().filter(|r| !r.definitions.is_empty()).count();
    let _ = writeln!(
        out,
        "{} flags ({} defined, {} undefined) in {} files",
        rows.len(),
        defined,
        rows.len() - defined,
        scan.stats.files
    );
    out
}

fn read_lossy(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Adapts a [`Diagnostic`] to miette, with the text taken from the repository escaped for a
/// terminal.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    path: String,
    message: String,
    help: Option<String>,
    label: Option<String>,
    source: Option<NamedSource<String>>,
    /// The diagnostic's span in the escaped source: start and length.
    span: Option<(usize, usize)>,
}

impl<'a> Report<'a> {
    fn new(diagnostic: &'a Diagnostic, shown: &str, text: Option<&str>) -> Self {
        let escape = |text: &str| escape_controls(text).into_owned();
        let path = escape(shown);
        let (source, span) = match (diagnostic.span, text) {
            (Some(span), Some(text)) => {
                let (text, offset) = escape_source(text);
                let start = offset(span.start as usize);
                let end = offset(span.end as usize).max(start);
                // Very long lines are cut to a window around the span.
                let (excerpt, span) = crate::text::excerpt(&text, Some(start..end));
                (
                    Some(NamedSource::new(&path, excerpt)),
                    span.map(|s| (s.start, s.end - s.start)),
                )
            }
            _ => (None, None),
        };
        Report {
            diagnostic,
            message: escape(&diagnostic.message),
            help: diagnostic.help.as_deref().map(escape),
            label: diagnostic.label.as_deref().map(escape),
            path,
            source,
            span,
        }
    }
}

impl std::fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.source.is_none() {
            // No snippet to show: name the place in the message instead.
            write!(f, "{}: ", self.path)?;
            if let Some(span) = self.diagnostic.span {
                write!(f, "{}:{}: ", span.line, span.column)?;
            }
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.rule.name()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (start, len) = self.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            self.label.clone(),
            SourceSpan::new(start.into(), len),
        ))))
    }
}
