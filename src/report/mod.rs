//! Emitters: one per output format. Every emitter writes whole documents to a `String`, so
//! nothing is left half-written if the process stops midway.

pub mod ci;
pub mod document;
pub mod html;
pub mod human;
pub mod json;
pub mod lifecycle;

use std::borrow::Cow;
use std::collections::BTreeSet;

use crate::analysis::Analysis;
use crate::facts::{FlagAction, WaffleKind};
use crate::index::{CheckKey, Index, RefKind};
use crate::rules::{Diagnostic, Severity};
use crate::text::is_unprintable;

pub use crate::diagnostics::sources::{SourceText, Sources};
pub use crate::text::escape_controls;

/// A JSON document, pretty-printed and ending with a newline.
pub fn pretty_json(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}

/// Source text for a terminal snippet: like [`escape_controls`], but keeping line ends and tabs;
/// returns the text and a function from byte offsets in `text` to offsets in it.
pub fn escape_source(text: &str) -> (Cow<'_, str>, impl Fn(usize) -> usize) {
    let keep =
        |c: char, next: Option<char>| matches!(c, '\n' | '\t') || (c == '\r' && next == Some('\n'));
    let mut growth: Vec<(usize, usize)> = Vec::new();
    let mut out = String::new();
    let mut chars = text.char_indices().peekable();
    let mut copied = 0;
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        if !is_unprintable(c) || keep(c, next) {
            continue;
        }
        out.push_str(&text[copied..at]);
        let before = out.len();
        out.extend(c.escape_default());
        copied = at + c.len_utf8();
        let added = out.len() - before - c.len_utf8();
        let total = growth.last().map_or(0, |&(_, t)| t) + added;
        // Offsets past this character move by `total`.
        growth.push((copied, total));
    }
    let map = move |offset: usize| {
        let i = growth.partition_point(|&(at, _)| at <= offset);
        offset + if i == 0 { 0 } else { growth[i - 1].1 }
    };
    if copied == 0 {
        return (Cow::Borrowed(text), map);
    }
    out.push_str(&text[copied..]);
    (Cow::Owned(out), map)
}

/// Output formats of `check` and `flags`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    /// One line per finding: `path:line:col: severity[rule] message` (`check` only).
    Concise,
    Json,
    /// SARIF 2.1.0, for code-scanning upload (`check` only).
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request (`check` only).
    Github,
    /// GitLab Code Quality report (`check` only).
    Gitlab,
    /// JUnit XML (`check` only).
    Junit,
}

/// Diagnostic counts by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let mut counts = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Info => counts.infos += 1,
            }
        }
        counts
    }
}

/// One row of the inventory, in output order.
pub(crate) struct FlagRow<'a> {
    pub key: &'a str,
    pub definitions: Vec<DefinitionRow<'a>>,
    pub checks: Vec<Location<'a>>,
    /// Kind, place, and the state a test helper sets (`Some(false)` for `active=False`).
    pub references: Vec<(RefKind, Location<'a>, Option<bool>)>,
    /// Migrations that create and delete the flag's row, in migration path order.
    pub history: Vec<HistoryRow<'a>>,
}

/// A migration creating or deleting a waffle row, or production code creating one.
pub(crate) struct HistoryRow<'a> {
    pub action: FlagAction,
    pub kind: WaffleKind,
    /// `app_label.migration_name`; `None` for a row created by production code.
    pub migration: Option<String>,
    pub location: Location<'a>,
    /// Literal fields a creation sets (`everyone=False`).
    pub initial: &'a [(String, String)],
}

impl HistoryRow<'_> {
    pub fn action_name(&self) -> &'static str {
        match self.action {
            FlagAction::Create => "created",
            FlagAction::Delete => "deleted",
        }
    }
}

pub(crate) struct DefinitionRow<'a> {
    pub side: &'static str,
    pub language: &'static str,
    pub location: Location<'a>,
    pub symbol: &'a str,
    pub metadata: &'a [(String, String)],
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Location<'a> {
    pub path: &'a str,
    pub line: u32,
    pub column: u32,
    pub language: &'static str,
}

/// What `flags --flag KEY` adds to a flag's rows: its age and readiness, from the report's
/// assessment.
#[derive(Clone, Debug, Default)]
pub struct FlagLifecycle {
    pub age_days: Option<i64>,
    /// `None`: permanent.
    pub lifetime_days: Option<i64>,
    pub introduced_from: Option<String>,
    pub readiness: &'static str,
    pub evidence: Vec<String>,
}

/// Which flags `flags` lists: all, or the ones asked for with their lifecycle.
pub type FlagFilter = Option<std::collections::BTreeMap<String, FlagLifecycle>>;

/// The inventory as rows: flags by key; within a flag, occurrences by path, line, column.
/// Checks in tests and migrations are listed among the references, with their kind.
pub(crate) fn inventory<'a>(index: &'a Index, analysis: &'a Analysis) -> Vec<FlagRow<'a>> {
    let location = |file: usize, span: crate::facts::Span| Location {
        path: index.path(file),
        line: span.line,
        column: span.column,
        language: index.files[file].language.name(),
    };
    let keys: BTreeSet<&str> = index
        .flags
        .keys()
        .chain(analysis.django.by_key.keys())
        .map(String::as_str)
        .collect();
    let no_flag = crate::index::Flag::default();
    keys.into_iter()
        .map(|key| {
            let flag = index.flags.get(key).unwrap_or(&no_flag);
            let mut definitions: Vec<DefinitionRow> = flag
                .definitions
                .iter()
                .map(|&d| {
                    let def = &index.definitions[d];
                    DefinitionRow {
                        side: def.side.name(),
                        language: index.files[def.file].language.name(),
                        location: location(def.file, def.name_span),
                        symbol: &def.shown,
                        metadata: &def.metadata,
                    }
                })
                .collect();
            definitions.sort_by(|a, b| a.location.cmp(&b.location));
            let mut checks = Vec::new();
            let mut references = Vec::new();
            for &c in &flag.checks {
                let check = &index.checks[c];
                debug_assert!(matches!(check.key, CheckKey::Key { .. }));
                let at = location(check.file, check.span);
                match check.kind {
                    RefKind::Check => checks.push(at),
                    kind => references.push((kind, at, check.state)),
                }
            }
            for &r in &flag.references {
                let reference = &index.references[r];
                references.push((
                    reference.kind,
                    location(reference.file, reference.span),
                    None,
                ));
            }
            checks.sort();
            references.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
            references.dedup();
            let history = analysis
                .django
                .events_of(key)
                .map(|event| HistoryRow {
                    action: event.action,
                    kind: event.kind,
                    migration: Some(analysis.django.migration_name(event.migration)),
                    location: location(event.file, event.span),
                    initial: &event.initial,
                })
                .chain(flag.created.iter().map(|&r| {
                    let row = &index.created_rows[r];
                    HistoryRow {
                        action: FlagAction::Create,
                        kind: row.kind,
                        migration: None,
                        location: location(row.file, row.span),
                        initial: &row.initial,
                    }
                }))
                .collect();
            FlagRow {
                key,
                definitions,
                checks,
                references,
                history,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_the_repository_cannot_drive_the_terminal() {
        assert!(matches!(escape_controls("app/views.py"), Cow::Borrowed(_)));
        assert_eq!(
            escape_controls("a\u{1b}[2Jb\nc\rd\u{9b}e\u{202e}f"),
            "a\\u{1b}[2Jb\\nc\\rd\\u{9b}e\\u{202e}f"
        );
    }

    #[test]
    fn escaped_sources_keep_lines_and_move_offsets() {
        let text = "x = \"\u{1b}[31m\"\r\nif on(\"k\"):\n\tpass\r\n";
        let (escaped, offset) = escape_source(text);
        assert_eq!(escaped, "x = \"\\u{1b}[31m\"\r\nif on(\"k\"):\n\tpass\r\n");
        let at = text.find("on(").unwrap();
        assert_eq!(&escaped[offset(at)..offset(at) + 3], "on(");
        assert_eq!(offset(0), 0);
        assert_eq!(offset(text.find('\u{1b}').unwrap()), 5);
        let (plain, offset) = escape_source("if on(k):\n");
        assert!(matches!(plain, Cow::Borrowed(_)));
        assert_eq!(offset(3), 3);
    }
}
