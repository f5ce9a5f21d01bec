//! Emitters: one per output format. Every emitter writes whole documents to a `String`, so
//! nothing is left half-written if the process stops midway.

pub mod ci;
pub mod document;
pub mod html;
pub mod human;
pub mod json;
pub mod lifecycle;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;

use crate::facts::{line_starts, FlagAction, WaffleKind};
use crate::index::{CheckKey, Index, RefKind};
use crate::rules::{Diagnostic, Severity};

/// Whether a character must not reach a terminal as is: control characters (C0, DEL, C1: escape
/// sequences, carriage returns, line feeds), and the invisible ones that reorder or break lines
/// (bidirectional overrides and isolates, the line and paragraph separators).
fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Text taken from the repository (a path, a key, a message quoting them), made safe to print on
/// one line of a terminal: each unprintable character is written as an escape (`\n`, `\u{1b}`).
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unprintable(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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

/// A file's text as reports read it back (lossily decoded, as the scan read it), with its lines.
pub(crate) struct SourceText {
    text: String,
    line_starts: Vec<u32>,
}

impl SourceText {
    pub fn new(text: String) -> Self {
        let line_starts = line_starts(&text);
        SourceText { text, line_starts }
    }

    fn read(path: &Path) -> Option<Self> {
        let bytes = std::fs::read(path).ok()?;
        Some(SourceText::new(
            String::from_utf8_lossy(&bytes).into_owned(),
        ))
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The 0-based line holding a byte offset (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start as usize <= offset)
            .saturating_sub(1)
    }

    /// The byte range of a 0-based line, without its `\n` (empty past the end).
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let Some(&start) = self.line_starts.get(line) else {
            return self.text.len()..self.text.len();
        };
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next as usize - 1);
        start as usize..end
    }

    /// The text of a 1-based line, without its `\n`.
    pub fn line(&self, line: u32) -> &str {
        &self.text[self.line_range((line as usize).saturating_sub(1))]
    }
}

/// The files diagnostics point into, each read once, by path relative to the scanned root.
pub(crate) struct Sources<'a> {
    root: &'a Path,
    files: HashMap<&'a str, Option<SourceText>>,
}

impl<'a> Sources<'a> {
    pub fn new(root: &'a Path) -> Self {
        Sources {
            root,
            files: HashMap::new(),
        }
    }

    /// The text of a file (`None` when it cannot be read any more).
    pub fn get(&mut self, path: &'a str) -> Option<&SourceText> {
        let root = self.root;
        self.files
            .entry(path)
            .or_insert_with(|| SourceText::read(&root.join(path)))
            .as_ref()
    }
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

/// A migration creating or deleting a waffle row.
pub(crate) struct HistoryRow<'a> {
    pub action: FlagAction,
    pub kind: WaffleKind,
    /// `app_label.migration_name`.
    pub migration: String,
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

/// The inventory as rows: flags by key; within a flag, occurrences by path, line, column.
/// Checks in tests and migrations are listed among the references, with their kind.
pub(crate) fn inventory(index: &Index) -> Vec<FlagRow<'_>> {
    let location = |file: usize, span: crate::facts::Span| Location {
        path: index.path(file),
        line: span.line,
        column: span.column,
        language: index.files[file].language.name(),
    };
    let keys: BTreeSet<&str> = index
        .flags
        .keys()
        .chain(index.django.by_key.keys())
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
                        symbol: &def.symbol,
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
            let history = index
                .django
                .events_of(key)
                .map(|event| HistoryRow {
                    action: event.action,
                    kind: event.kind,
                    migration: index.django.migration_name(event.migration),
                    location: location(event.file, event.span),
                    initial: &event.initial,
                })
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
