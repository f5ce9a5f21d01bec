//! Fingerprints of findings, and the baseline file that hides the findings a team has accepted.
//!
//! A fingerprint survives lines moving: it hashes the rule, the path, the flag and the finding's
//! source line with its whitespace collapsed, not the line number. Identical findings on identical
//! lines of one file share a fingerprint; the baseline keeps a count per fingerprint.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::rules::Diagnostic;
use crate::Scan;

/// A 64-bit FNV-1a hash, printed as 16 hex digits: stable across runs, platforms and versions.
fn fnv1a(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The source line a finding points at, whitespace collapsed (empty for file-level findings).
fn normalized_line(text: Option<&str>, diagnostic: &Diagnostic) -> String {
    let (Some(text), Some(span)) = (text, diagnostic.span) else {
        return String::new();
    };
    text.lines()
        .nth(span.line.saturating_sub(1) as usize)
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The fingerprint of each diagnostic of a scan, in order.
pub fn fingerprints(scan: &Scan) -> Vec<String> {
    let mut sources: HashMap<&str, Option<String>> = HashMap::new();
    scan.diagnostics
        .iter()
        .map(|d| {
            let text = sources.entry(&d.path).or_insert_with(|| {
                std::fs::read(scan.root.join(&d.path))
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
            });
            let line = normalized_line(text.as_deref(), d);
            fnv1a(&[
                d.rule.name(),
                &d.path,
                d.flag.as_deref().unwrap_or(""),
                &line,
            ])
        })
        .collect()
}

/// One accepted finding kind in a baseline file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub path: String,
    /// How many findings share the fingerprint.
    pub count: usize,
    /// For people reading the file.
    pub message: String,
}

/// A baseline file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

impl Baseline {
    /// Today's findings of a scan, as a baseline.
    pub fn of(scan: &Scan) -> Baseline {
        let mut entries: BTreeMap<(String, String), Entry> = BTreeMap::new();
        for (d, fingerprint) in scan.diagnostics.iter().zip(fingerprints(scan)) {
            entries
                .entry((d.path.clone(), fingerprint.clone()))
                .and_modify(|e| e.count += 1)
                .or_insert(Entry {
                    fingerprint,
                    rule: d.rule.name().to_string(),
                    path: d.path.clone(),
                    count: 1,
                    message: d.message.clone(),
                });
        }
        Baseline {
            version: 1,
            entries: entries.into_values().collect(),
        }
    }

    /// Reads a baseline file (a regular file of at most [`crate::files::MAX_INPUT_SIZE`]).
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = crate::files::read_text(path).map_err(|e| format!("baseline: {e}"))?;
        serde_json::from_str(&text).map_err(|e| {
            format!(
                "baseline {} is not a flaglint baseline (line {}, column {}): {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Removes the scan's findings the baseline accepts (up to each entry's count); returns how
    /// many were hidden, and how many entries for paths `in_scope` (the files reported on) no
    /// longer occur at all.
    pub fn apply(&self, scan: &mut Scan, in_scope: impl Fn(&str) -> bool) -> (usize, usize) {
        let mut left: HashMap<&str, usize> = HashMap::new();
        for entry in &self.entries {
            *left.entry(entry.fingerprint.as_str()).or_default() += entry.count;
        }
        let fingerprints = fingerprints(scan);
        let mut used: HashMap<&str, usize> = HashMap::new();
        let mut keep = Vec::with_capacity(scan.diagnostics.len());
        let mut hidden = 0;
        for (diagnostic, fingerprint) in scan.diagnostics.drain(..).zip(&fingerprints) {
            match left.get_mut(fingerprint.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    *used.entry(fingerprint.as_str()).or_default() += 1;
                    hidden += 1;
                }
                _ => keep.push(diagnostic),
            }
        }
        scan.diagnostics = keep;
        let stale = self
            .entries
            .iter()
            .filter(|e| in_scope(&e.path) && !used.contains_key(e.fingerprint.as_str()))
            .count();
        (hidden, stale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_ignore_whitespace_and_line_numbers() {
        assert_eq!(fnv1a(&["a", "b"]), fnv1a(&["a", "b"]));
        assert_ne!(fnv1a(&["ab", ""]), fnv1a(&["a", "b"]));
        assert_eq!(fnv1a(&[]), "cbf29ce484222325");
        let diagnostic = |line: u32| Diagnostic {
            rule: crate::rules::RuleId::UndefinedFlag,
            severity: crate::rules::Severity::Error,
            message: String::new(),
            help: None,
            label: None,
            path: "a.py".to_string(),
            span: Some(crate::facts::Span {
                line,
                ..Default::default()
            }),
            flag: None,
        };
        let before = "x = 1\nif  on( 'k' ):\n";
        let after = "# moved\nx = 1\n\n    if on( 'k' ):\n";
        assert_eq!(
            normalized_line(Some(before), &diagnostic(2)),
            normalized_line(Some(after), &diagnostic(4))
        );
    }
}
