//! Fingerprints of findings, and the baseline file that hides the findings a team has accepted.
//!
//! A fingerprint survives lines moving: it hashes the rule, the path, the flag and the finding's
//! source line with its whitespace collapsed, not the line number. Identical findings on identical
//! lines of one file share a fingerprint; the baseline keeps a count per fingerprint.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::sources::Sources;
use crate::diagnostics::Scan;

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

/// Lines longer than this once their whitespace is collapsed (minified code) stand in
/// fingerprints as their own hash, so that each finding on them costs no more than on a short line.
const MAX_FINGERPRINT_LINE: usize = 1024;

/// A source line with its whitespace collapsed (or its hash, past [`MAX_FINGERPRINT_LINE`]).
fn normalized_line(line: &str) -> String {
    let collapsed = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.len() > MAX_FINGERPRINT_LINE {
        fnv1a(&[&collapsed])
    } else {
        collapsed
    }
}

/// The fingerprint of each diagnostic of a scan, in order.
pub fn fingerprints(scan: &Scan) -> Vec<String> {
    let mut sources = Sources::new(&scan.root);
    // Each line with findings is read and normalized once.
    let mut lines: HashMap<(&str, u32), String> = HashMap::new();
    scan.diagnostics
        .iter()
        .map(|d| {
            let line = match d.span {
                // File-level findings.
                None => "",
                Some(span) => lines.entry((&d.path, span.line)).or_insert_with(|| {
                    sources
                        .get(&d.path)
                        .map_or_else(String::new, |text| normalized_line(text.line(span.line)))
                }),
            };
            fnv1a(&[
                d.rule.name(),
                &d.path,
                d.flag.as_deref().unwrap_or(""),
                line,
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
    use crate::diagnostics::sources::SourceText;

    #[test]
    fn fingerprints_are_stable_and_ignore_whitespace_and_line_numbers() {
        assert_eq!(fnv1a(&["a", "b"]), fnv1a(&["a", "b"]));
        assert_ne!(fnv1a(&["ab", ""]), fnv1a(&["a", "b"]));
        assert_eq!(fnv1a(&[]), "cbf29ce484222325");
        let before = SourceText::new("x = 1\nif  on( 'k' ):\n".to_string());
        let after = SourceText::new("# moved\nx = 1\n\n    if on( 'k' ):\n".to_string());
        assert_eq!(
            normalized_line(before.line(2)),
            normalized_line(after.line(4))
        );
        assert_eq!(normalized_line(before.line(2)), "if on( 'k' ):");
    }

    #[test]
    fn long_lines_stand_as_their_hash() {
        let long = "on('k'); ".repeat(200);
        let normalized = normalized_line(&long);
        assert_eq!(normalized.len(), 16);
        assert_eq!(
            normalized,
            normalized_line(&format!("  {}", long.replace(' ', "\t")))
        );
        assert_ne!(normalized, normalized_line(&long.replacen('k', "j", 1)));
        let short = "on('k'); ".repeat(100);
        assert_eq!(normalized_line(&short), short.trim_end());
    }
}
