//! The rules and the diagnostics they produce.
//!
//! Each rule lives in its own file, `check(ctx)` then its tests, and its documentation in
//! `docs/<rule-id>.md` (summary, What it does / Why is this bad? / Example / How to fix), which
//! `flaglint rule NAME` prints.
//! The rule table of [`crate::registry`] generates the docs lookup and the dispatch: a rule's
//! check runs only when the configuration enables it, and reports through its `RuleContext`.

mod chained_fork;
mod cleanup_in_wrong_app;
mod compound_fork;
mod config_matches_nothing;
mod deleted_flag_still_used;
mod duplicate_flag;
mod dynamic_flag_key;
mod flag_not_created;
mod flag_value_mismatch;
mod frontend_only_gate;
mod internal_error;
mod irreversible_flag_migration;
mod literal_flag_key;
mod migration_conflict;
mod migration_constant_missing;
mod missing_backend_flag;
mod negated_fork;
mod nested_fork;
mod orphaned_flag;
mod parse_error;
mod stale_flag;
mod undefined_flag;
mod untested_flag_state;
mod unused_flag;
mod unused_suppression;

use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use crate::analysis::lifecycle::Assessment;
use crate::analysis::Analysis;
use crate::config::{Config, KeyMapping, Side};
use crate::facts::{Fork, Span, WaffleKind};
use crate::index::{Check, CheckKey, FileId, Index, RefKind};

pub use crate::registry::{RuleDoc, RuleId, Severity};
pub(crate) use internal_error::internal_error;

macro_rules! define_rule_modules {
    ($(($variant:ident, $name:literal, $module:ident, $severity:ident, $default:ident),)*) => {
        impl RuleId {
            /// The rule's documentation page, `docs/<rule-id>.md`.
            fn page(self) -> &'static str {
                match self {
                    $(RuleId::$variant => include_str!(concat!("docs/", $name, ".md")),)*
                }
            }
        }

        /// Runs one enabled rule.
        fn dispatch(ctx: &mut RuleContext) {
            match ctx.rule {
                $(RuleId::$variant => $module::check(ctx),)*
            }
        }
    };
}

crate::for_each_rule!(define_rule_modules);

impl RuleId {
    /// The rule's documentation, read from its page.
    pub fn doc(self) -> &'static RuleDoc {
        static DOCS: LazyLock<Vec<RuleDoc>> =
            LazyLock::new(|| RuleId::ALL.iter().map(|rule| doc_of(rule.page())).collect());
        let position = RuleId::ALL.iter().position(|&rule| rule == self);
        &DOCS[position.expect("every rule is in the table")]
    }
}

/// Splits a documentation page into its summary and sections; every page is embedded, and a test
/// reads them all.
fn doc_of(page: &'static str) -> RuleDoc {
    let section = |text: &'static str, heading: &str| {
        text.split_once(heading)
            .unwrap_or_else(|| panic!("a rule page has the heading {heading:?}"))
    };
    let (summary, rest) = section(page, "\n\n## What it does\n");
    let (what_it_does, rest) = section(rest, "\n\n## Why is this bad?\n");
    let (why_is_this_bad, rest) = section(rest, "\n\n## Example\n```\n");
    let (example, rest) = section(rest, "\n```\n\n## How to fix\n");
    RuleDoc {
        summary,
        what_it_does,
        why_is_this_bad,
        example,
        how_to_fix: rest.strip_suffix('\n').unwrap_or(rest),
    }
}

/// Rules that describe one cause in different words when they meet on one line about one flag,
/// the most specific first: only the first of them is reported there.
const SAME_CAUSE: &[&[RuleId]] = &[
    // One fork's shape.
    &[
        RuleId::NegatedFork,
        RuleId::CompoundFork,
        RuleId::ChainedFork,
        RuleId::NestedFork,
    ],
    // A definition nothing uses: delete it, rather than create its row or its backend twin.
    &[
        RuleId::UnusedFlag,
        RuleId::FlagNotCreated,
        RuleId::MissingBackendFlag,
    ],
];

/// The group of [`SAME_CAUSE`] a rule belongs to, and its place there.
fn cause(rule: RuleId) -> Option<(usize, usize)> {
    SAME_CAUSE.iter().enumerate().find_map(|(group, rules)| {
        rules
            .iter()
            .position(|&r| r == rule)
            .map(|place| (group, place))
    })
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: RuleId,
    pub severity: Severity,
    /// What is wrong: lower case, no trailing period.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Short text under the source snippet.
    pub label: Option<String>,
    pub path: String,
    /// `None` for findings about a whole file.
    pub span: Option<Span>,
    pub flag: Option<String>,
}

impl Diagnostic {
    /// The order diagnostics are reported in: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &'static str, &str) {
        let (line, column) = self.span.map_or((0, 0), |s| (s.line, s.column));
        (&self.path, line, column, self.rule.name(), &self.message)
    }

    /// Sets what to do about it.
    pub(crate) fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the short text under the source snippet.
    pub(crate) fn label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the flag the finding is about.
    pub(crate) fn flag(&mut self, flag: impl Into<String>) -> &mut Self {
        self.flag = Some(flag.into());
        self
    }

    /// Lowers the severity to `at_most` (an info stays an info).
    pub(crate) fn at_most(&mut self, at_most: Severity) -> &mut Self {
        self.severity = self.severity.max(at_most);
        self
    }
}

/// What the rules read: the index, the configuration, and the files walked (relative to `root`).
pub(crate) struct RuleInput<'a> {
    pub(crate) index: &'a Index,
    pub(crate) analysis: &'a Analysis,
    pub(crate) config: &'a Config,
    pub(crate) root: &'a Path,
    pub(crate) rels: &'a [&'a str],
}

/// What one rule sees while it runs: its input, the models derived from it on demand, and a
/// report builder bound to the rule and its configured severity.
pub(crate) struct RuleContext<'a> {
    pub(crate) index: &'a Index,
    pub(crate) analysis: &'a Analysis,
    pub(crate) config: &'a Config,
    pub(crate) root: &'a Path,
    pub(crate) rels: &'a [&'a str],
    assessments: &'a OnceCell<Vec<Assessment>>,
    rule: RuleId,
    severity: Severity,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> RuleContext<'a> {
    /// Reports a finding of this rule at `span` of `path` (`None`: about the whole file); the
    /// returned diagnostic takes the help, label and flag.
    pub(crate) fn report(
        &mut self,
        path: impl Into<String>,
        span: impl Into<Option<Span>>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic {
            rule: self.rule,
            severity: self.severity,
            message: message.into(),
            help: None,
            label: None,
            path: path.into(),
            span: span.into(),
            flag: None,
        });
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// The lifecycle of every flag, assessed once for the rules that read it.
    pub(crate) fn assessments(&self) -> &'a [Assessment] {
        let (index, analysis, config) = (self.index, self.analysis, self.config);
        self.assessments
            .get_or_init(|| crate::analysis::lifecycle::assess(index, config, analysis, &[]))
    }
}

/// Collects the diagnostics of the enabled rules, with the configured severities.
pub struct Sink<'a> {
    config: &'a Config,
    diagnostics: Vec<Diagnostic>,
}

/// A finding reported from outside the rules (the scan, the suppressions), before its severity is
/// applied.
pub struct Finding {
    pub message: String,
    pub help: Option<String>,
    pub label: Option<String>,
    pub path: String,
    pub span: Option<Span>,
    pub flag: Option<String>,
}

impl<'a> Sink<'a> {
    pub fn new(config: &'a Config) -> Self {
        Sink {
            config,
            diagnostics: Vec::new(),
        }
    }

    pub fn enabled(&self, rule: RuleId) -> bool {
        self.config.severity(rule).is_some()
    }

    pub fn report(&mut self, rule: RuleId, finding: Finding) {
        if let Some(severity) = self.config.severity(rule) {
            self.diagnostics.push(Diagnostic {
                rule,
                severity,
                message: finding.message,
                help: finding.help,
                label: finding.label,
                path: finding.path,
                span: finding.span,
                flag: finding.flag,
            });
        }
    }

    /// The diagnostics collected so far, one per cause (see `SAME_CAUSE`), leaving the sink
    /// empty for more.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        let mut diagnostics = std::mem::take(&mut self.diagnostics);
        one_per_cause(&mut diagnostics);
        diagnostics
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// Drops the findings that repeat, in another rule's words, the cause of a more specific finding
/// on the same line about the same flag.
fn one_per_cause(diagnostics: &mut Vec<Diagnostic>) {
    // (path, line, flag, group) -> the most specific place in the group reported there.
    let mut best: HashMap<(&str, u32, &str, usize), usize> = HashMap::new();
    for d in diagnostics.iter() {
        if let (Some(span), Some(flag), Some((group, place))) = (d.span, &d.flag, cause(d.rule)) {
            best.entry((&d.path, span.line, flag, group))
                .and_modify(|p| *p = (*p).min(place))
                .or_insert(place);
        }
    }
    let keep: Vec<bool> = diagnostics
        .iter()
        .map(|d| match (d.span, &d.flag, cause(d.rule)) {
            (Some(span), Some(flag), Some((group, place))) => {
                best[&(d.path.as_str(), span.line, flag.as_str(), group)] == place
            }
            _ => true,
        })
        .collect();
    let mut keep = keep.into_iter();
    diagnostics.retain(|_| keep.next().unwrap_or(true));
}

/// Runs every enabled rule over the index (`unused-suppression` runs after, in
/// `crate::suppress`; `internal-error` is reported by the scan).
pub(crate) fn run(input: &RuleInput, sink: &mut Sink) {
    let assessments = OnceCell::new();
    for &rule in RuleId::ALL {
        let Some(severity) = input.config.severity(rule) else {
            continue;
        };
        let mut ctx = RuleContext {
            index: input.index,
            analysis: input.analysis,
            config: input.config,
            root: input.root,
            rels: input.rels,
            assessments: &assessments,
            rule,
            severity,
            diagnostics: Vec::new(),
        };
        dispatch(&mut ctx);
        sink.diagnostics.append(&mut ctx.diagnostics);
    }
}

/// The README's rule table, generated from the rule table (a test keeps the README in sync).
pub fn markdown_table() -> String {
    let mut table = String::from("| rule | default | finds |\n|---|---|---|\n");
    for rule in RuleId::ALL {
        table.push_str(&format!(
            "| `{}` | {} | {} |\n",
            rule.name(),
            rule.default_label(),
            rule.doc().summary
        ));
    }
    table
}

/// The flag forks of production code that test a known flag: (file, fork, the flag). Forks in
/// tests and migrations are not held to the cleanup shapes, and a fork on keys only known at run
/// time is about no flag anyone can act on.
fn production_forks(index: &Index) -> impl Iterator<Item = (FileId, &Fork, String)> {
    index
        .files
        .iter()
        .enumerate()
        .flat_map(move |(file, indexed)| {
            indexed
                .facts
                .forks
                .iter()
                .filter(move |fork| {
                    fork.check_ids()
                        .next()
                        .is_some_and(|c| index.check_of(file, c).kind == RefKind::Check)
                })
                .filter_map(move |fork| Some((file, fork, fork_flag(index, file, fork)?)))
        })
}

/// The keys a fork tests (`None` for a dynamic key).
fn fork_keys(index: &Index, file: FileId, fork: &Fork) -> Vec<Option<String>> {
    fork.check_ids()
        .map(|c| match &index.check_of(file, c).key {
            CheckKey::Key { key, .. } => Some(key.clone()),
            _ => None,
        })
        .collect()
}

/// The first known key a fork tests.
fn fork_flag(index: &Index, file: FileId, fork: &Fork) -> Option<String> {
    fork_keys(index, file, fork).into_iter().flatten().next()
}

/// A place in code that checks a flag or names its constant, outside definitions and migrations.
struct KeyUse {
    file: FileId,
    span: Span,
    kind: RefKind,
    /// A check call (not just a use of the constant).
    is_check: bool,
    /// The waffle model a check reads, where its check says (`switch_is_active`: a switch).
    waffle: Option<WaffleKind>,
}

/// The waffle model a check reads, from its configured `kind`.
fn waffle_kind(config: &Config, check: &Check) -> Option<WaffleKind> {
    let spec = config.checks.specs().get(check.spec)?;
    WaffleKind::from_name(spec.kind.as_deref()?)
}

/// The checks and references of a backend key: backend code spells it as is, frontend code as the
/// `[parity] frontend-key` mapping does. Migrations do not count: they are history.
fn key_uses(index: &Index, key: &str, config: &Config) -> Vec<KeyUse> {
    let mapping = &config.frontend_key;
    let frontend_key = mapping.to_frontend(key);
    let spelled = |file: FileId, as_checked: &str| {
        let side = index.files[file].side;
        (side == Side::Backend && as_checked == key)
            || (side == Side::Frontend && as_checked == frontend_key)
    };
    let mut uses = Vec::new();
    let keys: &[&str] = if frontend_key == key {
        &[key]
    } else {
        &[key, &frontend_key]
    };
    for &spelling in keys {
        let Some(flag) = index.flags.get(spelling) else {
            continue;
        };
        for &c in &flag.checks {
            let check = &index.checks[c];
            if check.kind != RefKind::Migration && spelled(check.file, spelling) {
                uses.push(KeyUse {
                    file: check.file,
                    span: check.span,
                    kind: check.kind,
                    is_check: true,
                    waffle: waffle_kind(config, check),
                });
            }
        }
        for &r in &flag.references {
            let reference = &index.references[r];
            if !matches!(reference.kind, RefKind::Migration | RefKind::Definition)
                && spelled(reference.file, spelling)
            {
                uses.push(KeyUse {
                    file: reference.file,
                    span: reference.span,
                    kind: reference.kind,
                    is_check: false,
                    waffle: None,
                });
            }
        }
    }
    uses.sort_by_key(|u| (u.file, u.span.start));
    uses.dedup_by_key(|u| (u.file, u.span.start));
    uses
}

/// Whether any definition declares a backend key (on the frontend: under its mapped spelling).
fn is_defined(index: &Index, key: &str, mapping: &KeyMapping) -> bool {
    let defined_on = |spelling: &str, side: Side| {
        index.flags.get(spelling).is_some_and(|flag| {
            flag.definitions
                .iter()
                .any(|&d| index.definitions[d].side == side)
        })
    };
    defined_on(key, Side::Backend) || defined_on(&mapping.to_frontend(key), Side::Frontend)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_docs_in_every_section() {
        for rule in RuleId::ALL {
            let doc = rule.doc();
            for (section, text) in [
                ("summary", doc.summary),
                ("what it does", doc.what_it_does),
                ("why is this bad", doc.why_is_this_bad),
                ("example", doc.example),
                ("how to fix", doc.how_to_fix),
            ] {
                assert!(!text.trim().is_empty(), "{} lacks {section}", rule.name());
            }
        }
    }

    fn diagnostic(rule: RuleId, line: u32, flag: Option<&str>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            message: String::new(),
            help: None,
            label: None,
            path: "a.py".to_string(),
            span: Some(Span {
                line,
                ..Span::default()
            }),
            flag: flag.map(str::to_string),
        }
    }

    #[test]
    fn one_finding_per_cause_on_a_line() {
        let mut diagnostics = vec![
            diagnostic(RuleId::NestedFork, 3, Some("a")),
            diagnostic(RuleId::NegatedFork, 3, Some("a")),
            // Another flag, another line, a rule outside the group, no flag: all kept.
            diagnostic(RuleId::NestedFork, 3, Some("b")),
            diagnostic(RuleId::CompoundFork, 4, Some("a")),
            diagnostic(RuleId::LiteralFlagKey, 3, Some("a")),
            diagnostic(RuleId::ChainedFork, 5, None),
            diagnostic(RuleId::NestedFork, 5, None),
            // Another group on the same line.
            diagnostic(RuleId::FlagNotCreated, 3, Some("a")),
            diagnostic(RuleId::UnusedFlag, 3, Some("a")),
        ];
        one_per_cause(&mut diagnostics);
        let kept: Vec<(RuleId, u32)> = diagnostics
            .iter()
            .map(|d| (d.rule, d.span.unwrap().line))
            .collect();
        assert_eq!(
            kept,
            vec![
                (RuleId::NegatedFork, 3),
                (RuleId::NestedFork, 3),
                (RuleId::CompoundFork, 4),
                (RuleId::LiteralFlagKey, 3),
                (RuleId::ChainedFork, 5),
                (RuleId::NestedFork, 5),
                (RuleId::UnusedFlag, 3),
            ]
        );
    }
}
