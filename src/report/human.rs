//! The human formats: miette's graphical diagnostics for `check`, a listing for `flags`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{escape_controls, escape_source, inventory, Counts, SourceText, Sources};
use crate::diagnostics::Scan;
use crate::facts::{FlagAction, Span};
use crate::project::PathDisplay;
use crate::rules::{Diagnostic, Severity};

/// How diagnostics are drawn.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

/// `flaglint check` in human form: every diagnostic with its source snippet, then a summary.
/// Paths are shown by `paths` (relative to the current directory); text taken from the
/// repository is escaped for a terminal.
pub fn check(scan: &Scan, style: Style, paths: &PathDisplay) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut sources = Sources::new(&scan.root);
    let mut out = String::new();
    for diagnostic in &scan.diagnostics {
        let source = diagnostic.span.and(sources.get(&diagnostic.path));
        let shown = escape_controls(&paths.show(&diagnostic.path)).into_owned();
        out.push_str(render(&handler, diagnostic, &shown, source).trim_end());
        out.push_str("\n\n");
    }
    out.push_str(&summary(scan));
    out
}

/// One line per finding, `path:line:col: severity[rule] message`, as compilers and ruff print
/// them (editors and terminals make the location a link).
pub fn concise(scan: &Scan, paths: &PathDisplay) -> String {
    let mut out = String::new();
    for d in &scan.diagnostics {
        let (line, column) = d.span.map_or((1, 1), |s| (s.line, s.column));
        let _ = writeln!(
            out,
            "{}:{line}:{column}: {}[{}] {}",
            escape_controls(&paths.show(&d.path)),
            d.severity.name(),
            d.rule.name(),
            escape_controls(&d.message)
        );
    }
    out
}

/// Findings per rule, most first: `count  rule  [severity]`.
pub fn statistics(scan: &Scan) -> String {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for d in &scan.diagnostics {
        *counts
            .entry((d.rule.name(), d.severity.name()))
            .or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = String::new();
    for ((rule, severity), count) in rows {
        let _ = writeln!(out, "{count:>5}\t{rule}\t[{severity}]");
    }
    out
}

/// One diagnostic, with a snippet of its file when it has a span and the file can be read.
fn render(
    handler: &GraphicalReportHandler,
    diagnostic: &Diagnostic,
    shown: &str,
    source: Option<&SourceText>,
) -> String {
    let escape = |text: &str| escape_controls(text).into_owned();
    let report = Report {
        diagnostic,
        path: shown.to_string(),
        message: escape(&diagnostic.message),
        help: diagnostic.help.as_deref().map(escape),
        label: diagnostic.label.as_deref().map(escape),
        snippet: diagnostic
            .span
            .zip(source)
            .map(|(span, source)| Snippet::new(shown, source, span)),
    };
    render_or(handler, &report, || {
        format!("{shown}: {}\n", report.message)
    })
}

/// A diagnostic drawn by miette; a renderer that fails or panics still leaves the `fallback`
/// text.
pub fn render_or(
    handler: &GraphicalReportHandler,
    report: &dyn miette::Diagnostic,
    fallback: impl FnOnce() -> String,
) -> String {
    crate::panics::contain_panics(|| {
        let mut text = String::new();
        handler.render_report(&mut text, report).ok().map(|()| text)
    })
    .ok()
    .flatten()
    .unwrap_or_else(fallback)
}

pub fn summary(scan: &Scan) -> String {
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
pub fn flags(scan: &Scan, paths: &PathDisplay, only: &super::FlagFilter) -> String {
    let e = |text: &str| escape_controls(text).into_owned();
    let mut rows = inventory(&scan.index, &scan.analysis);
    if let Some(only) = only {
        rows.retain(|row| only.contains_key(row.key));
    }
    let mut out = String::new();
    for row in &rows {
        let status = if !row.definitions.is_empty() {
            ""
        } else if row
            .history
            .iter()
            .any(|h| h.action == FlagAction::Create && h.migration.is_some())
        {
            "  (no definition; its row is created by a migration)"
        } else if row.history.iter().any(|h| h.action == FlagAction::Create) {
            "  (no definition; its row is created by production code)"
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
                e(h.migration.as_deref().unwrap_or("in code")),
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
        if let Some(lifecycle) = only.as_ref().and_then(|o| o.get(row.key)) {
            let _ = writeln!(
                out,
                "  age         {}{}",
                lifecycle
                    .age_days
                    .map_or_else(|| "unknown".to_string(), |d| format!("{d}d")),
                lifecycle
                    .introduced_from
                    .as_deref()
                    .map(|from| format!("  ({})", e(from)))
                    .unwrap_or_default()
            );
            let _ = writeln!(
                out,
                "  lifetime    {}",
                lifecycle
                    .lifetime_days
                    .map_or_else(|| "permanent".to_string(), |d| format!("{d}d"))
            );
            let _ = writeln!(out, "  readiness   {}", lifecycle.readiness);
            for evidence in &lifecycle.evidence {
                let _ = writeln!(out, "              {}", e(evidence));
            }
        }
    }
    if only.is_some() {
        return out;
    }
    let project = &scan.analysis.django;
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

/// Bytes of context a snippet keeps beyond the lines it shows, at most: past that (a long line,
/// a span over many lines) it shows a window of the span's first line.
const MAX_SNIPPET: usize = 4096;

/// Bytes shown on each side of the span's start in a window of a long line.
const WINDOW_CONTEXT: usize = 120;

/// The part of a file a diagnostic shows, so that drawing it costs the same on a huge file:
/// the span's lines with a line of context on each side, or a window of the span's first line
/// when those are longer than [`MAX_SNIPPET`]. It answers miette in the file's offsets, lines
/// and columns.
struct Snippet {
    name: String,
    text: String,
    /// Byte offset, 0-based line and byte column of the text's start in the file.
    offset: usize,
    line: usize,
    column: usize,
    /// The diagnostic's span (file offsets), clipped to the snippet.
    label: SourceSpan,
}

impl Snippet {
    fn new(name: &str, source: &SourceText, span: Span) -> Self {
        let text = source.text();
        let start = (span.start as usize).min(text.len());
        let end = (span.end as usize).clamp(start, text.len());
        let first = source.line_of(start);
        let last = source.line_of(end);
        // From the line before the span to the line break ending the line after it.
        let from = source.line_range(first.saturating_sub(1)).start;
        let to = source.line_range(last + 2).start;
        let (from, to) = if to - from <= MAX_SNIPPET {
            (from, to)
        } else {
            let line = source.line_range(first);
            (
                floor_char_boundary(text, start.saturating_sub(WINDOW_CONTEXT).max(line.start)),
                floor_char_boundary(
                    text,
                    (end.min(start + WINDOW_CONTEXT) + WINDOW_CONTEXT).min(line.end),
                ),
            )
        };
        let label_end = end.min(to.max(start));
        // Control characters of the file are shown escaped; the label moves with them.
        let (shown, moved) = escape_source(&text[from..to]);
        let start_shown = from + moved(start.max(from) - from);
        let end_shown = from + moved(label_end.max(from) - from);
        Snippet {
            name: name.to_string(),
            text: shown.into_owned(),
            offset: from,
            line: source.line_of(from),
            column: from - source.line_range(source.line_of(from)).start,
            label: SourceSpan::new(start_shown.into(), end_shown.saturating_sub(start_shown)),
        }
    }
}

/// The largest character boundary at or before `offset`.
fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local = span
            .offset()
            .checked_sub(self.offset)
            .ok_or(MietteError::OutOfBounds)?;
        let contents = self.text.read_span(
            &SourceSpan::new(local.into(), span.len()),
            context_lines_before,
            context_lines_after,
        )?;
        let column = if contents.line() == 0 {
            contents.column() + self.column
        } else {
            contents.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + self.offset).into(),
                contents.span().len(),
            ),
            contents.line() + self.line,
            column,
            contents.line_count(),
        )))
    }
}

/// Adapts a [`Diagnostic`] to miette.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    /// The path as shown, and the texts escaped for a terminal.
    path: String,
    message: String,
    help: Option<String>,
    label: Option<String>,
    snippet: Option<Snippet>,
}

impl std::fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.snippet.is_none() {
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
    /// `warning[unused-flag]`: the severity in words, not only a glyph, as compilers print it.
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}[{}]",
            self.diagnostic.severity.name(),
            self.diagnostic.rule.name()
        )))
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
        self.snippet.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let snippet = self.snippet.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            self.label.clone(),
            snippet.label,
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::LineIndex;
    use crate::rules::RuleId;

    /// The drawing of a finding on `source[start..end]`.
    fn draw(source: &str, start: usize, end: usize) -> String {
        let diagnostic = Diagnostic {
            rule: RuleId::UndefinedFlag,
            severity: Severity::Error,
            message: "flag `k` is not defined".to_string(),
            help: None,
            label: Some("here".to_string()),
            path: "a.js".to_string(),
            span: Some(LineIndex::new(source).span(start, end)),
            flag: Some("k".to_string()),
        };
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false);
        render(
            &handler,
            &diagnostic,
            "a.js",
            Some(&SourceText::new(source.to_string())),
        )
    }

    #[test]
    fn short_lines_are_drawn_whole_with_a_line_of_context() {
        let source = "a();\nb();\non('k');\nc();\nd();\n";
        let at = source.find("'k'").unwrap();
        let drawn = draw(source, at, at + 3);
        assert!(drawn.contains("[a.js:3:4]"), "{drawn}");
        for line in ["2 │ b();", "3 │ on('k');", "4 │ c();"] {
            assert!(drawn.contains(line), "{drawn}");
        }
        assert!(
            !drawn.contains("a();") && !drawn.contains("d();"),
            "{drawn}"
        );
    }

    #[test]
    fn a_long_line_is_drawn_as_a_window_around_the_span() {
        let line = "x(1); ".repeat(20_000);
        let source = format!("first();\n{line}on('k'); {line}\nlast();\n");
        let at = source.find("'k'").unwrap();
        let drawn = draw(&source, at, at + 3);
        assert!(drawn.contains("[a.js:2:120004]"), "{drawn}");
        assert!(drawn.contains("on('k');"), "{drawn}");
        assert!(drawn.contains("here"), "{drawn}");
        assert!(drawn.len() < 2_000, "{} bytes drawn", drawn.len());
        // A span running past the window is cut at its end.
        let drawn = draw(&source, at, source.len());
        assert!(drawn.len() < 2_000, "{} bytes drawn", drawn.len());
        assert!(drawn.contains("[a.js:2:120004]"), "{drawn}");
    }
}
