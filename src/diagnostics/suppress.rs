//! Applying suppression comments (found per file by [`crate::index::comments`]) to the
//! diagnostics of a scan, and reporting the suppressions that hid nothing.

use std::collections::{HashMap, HashSet};

use crate::facts::{Suppression, SuppressionScope as Scope};
use crate::rules::{Diagnostic, Finding, RuleId, Sink};

/// A file's path, and its suppressions by the scope and rule they hide: their indices, and whether
/// they have been marked used.
type Covering<'a> = (&'a str, HashMap<(Scope, &'a str), (Vec<usize>, bool)>);

/// Applies the suppressions to `diagnostics` and reports the suppressions that suppressed nothing.
/// Returns how many diagnostics were suppressed.
pub fn apply(
    diagnostics: &mut Vec<Diagnostic>,
    files: &[(&str, &[Suppression])],
    sink: &mut Sink,
) -> usize {
    let mut by_path: HashMap<&str, Covering> = HashMap::new();
    for &(path, suppressions) in files {
        for (i, suppression) in suppressions.iter().enumerate() {
            // `Line(0)`: a misplaced file-level suppression, which hides nothing.
            if suppression.scope == Scope::Line(0) {
                continue;
            }
            let (_, by_rule) = by_path
                .entry(path)
                .or_insert_with(|| (path, HashMap::new()));
            for rule in &suppression.rules {
                by_rule
                    .entry((suppression.scope, rule.as_str()))
                    .or_default()
                    .0
                    .push(i);
            }
        }
    }
    // (path, suppression index, rule) for every suppression that hid something.
    let mut used: HashSet<(&str, usize, &str)> = HashSet::new();
    let before = diagnostics.len();
    diagnostics.retain(|diagnostic| {
        let Some((path, by_rule)) = by_path.get_mut(diagnostic.path.as_str()) else {
            return true;
        };
        let path: &str = path;
        let line = diagnostic.span.map_or(0, |s| s.line);
        let rule = diagnostic.rule.name();
        // A line suppression covers its own line and the next.
        let scopes = [
            Some(Scope::File),
            Some(Scope::Line(line)),
            line.checked_sub(1).map(Scope::Line),
        ];
        let mut keep = true;
        for scope in scopes.into_iter().flatten() {
            if let Some((suppressions, marked)) = by_rule.get_mut(&(scope, rule)) {
                keep = false;
                if !*marked {
                    used.extend(suppressions.iter().map(|&i| (path, i, rule)));
                    *marked = true;
                }
            }
        }
        keep
    });
    let suppressed = before - diagnostics.len();

    for (path, suppressions) in files {
        for (i, suppression) in suppressions.iter().enumerate() {
            let report = |sink: &mut Sink, message: String, help: &str| {
                sink.report(
                    RuleId::UnusedSuppression,
                    Finding {
                        message,
                        help: Some(help.to_string()),
                        label: Some("suppression".to_string()),
                        path: path.to_string(),
                        span: Some(suppression.span),
                        flag: None,
                    },
                )
            };
            if suppression.scope == Scope::Line(0) {
                report(
                    sink,
                    "file-level suppression after the first statement".to_string(),
                    "move `flaglint: ignore-file[...]` into a comment at the top of the file",
                );
                continue;
            }
            if suppression.rules.is_empty() {
                report(
                    sink,
                    "suppression names no rule".to_string(),
                    "name the rules to ignore: `flaglint: ignore[rule-id]`",
                );
                continue;
            }
            for rule in &suppression.rules {
                match RuleId::from_name(rule) {
                    None => report(
                        sink,
                        format!("suppression names an unknown rule `{rule}`"),
                        &match RuleId::suggest(rule) {
                            Some(meant) => format!("did you mean `{}`?", meant.name()),
                            None => "run `flaglint rule` to list the rule ids".to_string(),
                        },
                    ),
                    // A rule that is turned off found nothing to suppress; that is not news.
                    Some(id) if !sink.enabled(id) => {}
                    Some(_) if used.contains(&(*path, i, rule.as_str())) => {}
                    Some(_) => report(
                        sink,
                        format!("unused suppression of `{rule}`"),
                        "remove it: nothing here triggers the rule any more",
                    ),
                }
            }
        }
    }
    suppressed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Span, SuppressionScope as Scope};

    #[test]
    fn many_suppressions_hide_and_are_marked_used() {
        let config = crate::config::Config::empty(std::path::PathBuf::from("."));
        let suppressions: Vec<Suppression> = (1..=200)
            .flat_map(|line| {
                let rules = vec!["undefined-flag".to_string()];
                let span = Span {
                    line,
                    ..Span::default()
                };
                [
                    Suppression {
                        scope: Scope::Line(line),
                        rules: rules.clone(),
                        span,
                    },
                    Suppression {
                        scope: Scope::Line(line),
                        rules: vec!["dynamic-flag-key".to_string()],
                        span,
                    },
                ]
            })
            .collect();
        let diagnostic = |path: &str, line: u32, rule: RuleId| Diagnostic {
            rule,
            severity: crate::rules::Severity::Error,
            message: String::new(),
            help: None,
            label: None,
            path: path.to_string(),
            span: Some(Span {
                line,
                ..Span::default()
            }),
            flag: None,
        };
        let mut diagnostics: Vec<Diagnostic> = (1..=201)
            .map(|line| diagnostic("a.py", line, RuleId::UndefinedFlag))
            .chain([
                diagnostic("a.py", 202, RuleId::UndefinedFlag),
                diagnostic("a.py", 5, RuleId::ParseError),
                diagnostic("b.py", 5, RuleId::UndefinedFlag),
            ])
            .collect();
        let mut sink = Sink::new(&config);
        let files = [("a.py", suppressions.as_slice()), ("b.py", &[][..])];
        assert_eq!(apply(&mut diagnostics, &files, &mut sink), 201);
        let kept: Vec<(&str, u32)> = diagnostics
            .iter()
            .map(|d| (d.path.as_str(), d.span.unwrap().line))
            .collect();
        assert_eq!(kept, [("a.py", 202), ("a.py", 5), ("b.py", 5)]);
        // Every `dynamic-flag-key` suppression hid nothing; every `undefined-flag` one was used.
        let unused = sink.into_diagnostics();
        assert_eq!(unused.len(), 200);
        assert!(unused
            .iter()
            .all(|d| d.message == "unused suppression of `dynamic-flag-key`"));
    }
}
