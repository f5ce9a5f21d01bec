//! Rust registries declared by macro invocations: cargo's
//! `features! { (unstable, trim_paths, "", "doc"), .. }` (tuple entries: a lifecycle word and the
//! key) and `unstable_cli_options!( gc: bool = ("doc"), .. )` (field entries: the field name is the
//! key), with the type whose associated functions name the keys (`Feature::trim_paths()`) and the
//! functions that take that type (`fn require(&self, feature: &Feature)`).

use std::collections::{BTreeMap, BTreeSet};

use super::trailing;

/// Fewest entries that make a macro invocation a registry.
const MIN_ENTRIES: usize = 3;

/// Words of a macro's name that say it declares flags.
const FLAG_WORDS: &[&str] = &[
    "feature",
    "flag",
    "toggle",
    "unstable",
    "preview",
    "experiment",
];

/// Lifecycle words a tuple entry may carry (`stable`, `unstable`, `removed`).
const STATE_WORDS: &[&str] = &[
    "stable",
    "unstable",
    "removed",
    "deprecated",
    "accepted",
    "active",
    "incomplete",
    "internal",
    "preview",
    "experimental",
    "beta",
    "retired",
    "permanent",
];

/// Most lines read in one invocation's body.
const MAX_BODY_LINES: usize = 20_000;

/// Where tuple entries hold the key and the lifecycle word: `(1, Some(0))` for
/// `(unstable, trim_paths, ..)`.
pub(super) type TuplePositions = (usize, Option<usize>);

/// A macro invocation at the start of a line whose entries declare flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct MacroRegistry {
    pub(super) name: String,
    /// The keys its entries declare.
    pub(super) keys: Vec<String>,
    /// Tuple entries: the key's position and the lifecycle word's; `None` for field entries.
    pub(super) tuple: Option<TuplePositions>,
}

/// The registries a Rust source declares with macro invocations.
pub(super) fn macro_registries(text: &str) -> Vec<MacroRegistry> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let Some(rest) = line[name.len()..].strip_prefix('!') else {
            continue;
        };
        let opens = rest.trim_start().starts_with(['{', '(']);
        let lower = name.to_ascii_lowercase();
        if name.is_empty() || !opens || !FLAG_WORDS.iter().any(|w| lower.contains(w)) {
            continue;
        }
        let mut tuples: Vec<Vec<String>> = Vec::new();
        let mut fields: Vec<String> = Vec::new();
        let start = i;
        while i < lines.len() && !lines[i].starts_with(['}', ')']) && i - start < MAX_BODY_LINES {
            let entry = lines[i].trim();
            i += 1;
            if entry.starts_with("//") || entry.starts_with('#') {
                continue;
            }
            if let Some(inner) = entry.strip_prefix('(') {
                let parts: Vec<String> = inner
                    .split(',')
                    .take(4)
                    .map(|p| p.trim().trim_end_matches(')').trim().to_string())
                    .collect();
                tuples.push(parts);
            } else if let Some((field, ty)) = entry.split_once(':') {
                let field = field.trim();
                if is_identifier(field) && !ty.starts_with(':') {
                    fields.push(field.to_string());
                }
            }
        }
        if tuples.len() >= MIN_ENTRIES && tuples.len() >= fields.len() {
            if let Some((key, state)) = tuple_positions(&tuples) {
                let keys = tuples
                    .iter()
                    .filter_map(|t| t.get(key))
                    .map(|k| k.trim_matches('"').to_string())
                    .collect();
                found.push(MacroRegistry {
                    name,
                    keys,
                    tuple: Some((key, state)),
                });
            }
        } else if fields.len() >= MIN_ENTRIES {
            found.push(MacroRegistry {
                name,
                keys: fields,
                tuple: None,
            });
        }
    }
    found
}

/// In tuple entries: the position of the key (nearly all distinct identifiers or string
/// literals, not lifecycle words) and of the lifecycle word, if one position holds only those.
fn tuple_positions(tuples: &[Vec<String>]) -> Option<(usize, Option<usize>)> {
    let width = tuples.iter().map(Vec::len).min()?;
    let column = |p: usize| tuples.iter().map(move |t| t[p].as_str());
    let state = (0..width).find(|&p| column(p).all(|v| STATE_WORDS.contains(&v)));
    let key = (0..width).filter(|&p| Some(p) != state).find(|&p| {
        let values: Vec<&str> = column(p).collect();
        let distinct: BTreeSet<&str> = values.iter().copied().collect();
        let keyish = values
            .iter()
            .all(|v| is_identifier(v) || is_identifier(v.trim_matches('"')));
        keyish && distinct.len() * 10 >= values.len() * 9
    })?;
    Some((key, state))
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The type whose zero-argument associated functions name at least [`MIN_ENTRIES`] of `keys`
/// (`Feature::trim_paths()`), the one naming most.
pub(super) fn key_type(keys: &[String], texts: &[String]) -> Option<String> {
    let keys: BTreeSet<&str> = keys.iter().map(String::as_str).collect();
    let mut named: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for text in texts {
        for (at, _) in text.match_indices("()") {
            let before = &text[..at];
            let key: String =
                trailing(before, |c| c.is_ascii_alphanumeric() || c == '_').to_string();
            if !keys.contains(key.as_str()) {
                continue;
            }
            let Some(path) = before[..before.len() - key.len()].strip_suffix("::") else {
                continue;
            };
            let ty: String = trailing(path, |c| c.is_ascii_alphanumeric() || c == '_').to_string();
            if ty.starts_with(|c: char| c.is_ascii_uppercase()) {
                named.entry(ty).or_default().insert(key);
            }
        }
    }
    named
        .into_iter()
        .filter(|(_, keys)| keys.len() >= MIN_ENTRIES)
        .max_by_key(|(ty, keys)| (keys.len(), std::cmp::Reverse(ty.clone())))
        .map(|(ty, _)| ty)
}

/// Functions taking a value of `ty` (`fn require(&self, feature: &Feature)`): (name, the
/// position of that parameter among the others, `self` left out, where).
pub(super) fn functions_taking(
    ty: &str,
    texts: &[(String, String)],
) -> Vec<(String, usize, String)> {
    let mut found = Vec::new();
    /// Lines a signature may span.
    const MAX_SIGNATURE_LINES: usize = 12;
    for (rel, text) in texts {
        let lines: Vec<&str> = text.lines().collect();
        for (number, line) in lines.iter().enumerate() {
            if !line.contains("fn ") {
                continue;
            }
            // A signature over several lines, as one.
            let mut joined = line.trim_start().to_string();
            for next in lines.iter().skip(number + 1).take(MAX_SIGNATURE_LINES) {
                if joined.matches('(').count() <= joined.matches(')').count() {
                    break;
                }
                joined.push_str(next.trim());
            }
            let trimmed = joined.as_str();
            let rest = trimmed
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ")
                .trim_start_matches("const ");
            let Some(rest) = rest.strip_prefix("fn ") else {
                continue;
            };
            let Some((name, params)) = rest.split_once('(') else {
                continue;
            };
            let Some((params, _)) = params.split_once(')') else {
                continue;
            };
            let params: Vec<&str> = params
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty() && !p.ends_with("self"))
                .collect();
            let position = params.iter().position(|p| {
                p.split_once(':').is_some_and(|(_, t)| {
                    let t = t
                        .trim()
                        .trim_start_matches('&')
                        .trim_start_matches("'static ");
                    t == ty
                })
            });
            if let Some(position) = position.filter(|_| is_identifier(name)) {
                found.push((name.to_string(), position, format!("{rel}:{}", number + 1)));
            }
        }
    }
    found.sort();
    found.dedup_by(|a, b| a.0 == b.0);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEATURES: &str = r#"macro_rules! features {
    ($(($stab:ident, $feature:ident, $version:expr, $docs:expr),)*) => {};
}

features! {
    /// A dummy feature.
    (stable, test_dummy_stable, "1.0", ""),

    (unstable, test_dummy_unstable, "", "reference/unstable.html"),
    (removed, publish_lockfile, "1.37", "reference/unstable.html#publish-lockfile"),
    (unstable, trim_paths, "", "reference/unstable.html#profile-trim-paths-option"),
}

unstable_cli_options!(
    // Permanently unstable features:
    allow_features: Option<AllowFeatures> = ("Allow *only* the listed unstable features"),
    print_im_a_teapot: bool,
    #[serde(deserialize_with = "deserialize_comma_separated_list")]
    build_std: Option<Vec<String>>  = ("Enable Cargo to compile the standard library"),
    gc: bool = ("Track cache usage"),
);

impl Features {
    pub fn require(&self, feature: &Feature) -> CargoResult<()> {
        Ok(())
    }
    pub fn is_enabled(&self, feature: &Feature) -> bool {
        true
    }
    fn other(&self, name: &str) {}
    pub(crate) fn require_with_hint(
        &self,
        feature: &Feature,
        hint: Option<&str>,
    ) -> CargoResult<()> {
        Ok(())
    }
}

other_macro! {
    (a, b),
    (c, d),
    (e, f),
}
"#;

    #[test]
    fn tuple_and_field_registries() {
        let found = macro_registries(FEATURES);
        assert_eq!(
            found,
            [
                MacroRegistry {
                    name: "features".to_string(),
                    keys: [
                        "test_dummy_stable",
                        "test_dummy_unstable",
                        "publish_lockfile",
                        "trim_paths"
                    ]
                    .map(String::from)
                    .to_vec(),
                    tuple: Some((1, Some(0))),
                },
                MacroRegistry {
                    name: "unstable_cli_options".to_string(),
                    keys: ["allow_features", "print_im_a_teapot", "build_std", "gc"]
                        .map(String::from)
                        .to_vec(),
                    tuple: None,
                },
            ]
        );
        // Too few entries, or a name that says nothing of flags: not registries.
        assert!(macro_registries("features! {\n    (stable, a, \"\"),\n}\n").is_empty());
        assert!(macro_registries("vec! {\n    (a, b),\n    (c, d),\n    (e, f),\n}\n").is_empty());
    }

    #[test]
    fn key_type_and_the_functions_taking_it() {
        let keys: Vec<String> = ["trim_paths", "gc", "edition", "unknown"]
            .map(String::from)
            .to_vec();
        let uses = "features.require(Feature::trim_paths())?;\nif f.is_enabled(Feature::gc()) {}\nlet e = Feature::edition();\nOther::gc();\n".to_string();
        assert_eq!(key_type(&keys, &[uses]).as_deref(), Some("Feature"));
        assert_eq!(key_type(&keys, &["Feature::gc()".to_string()]), None);
        let functions =
            functions_taking("Feature", &[("src/f.rs".to_string(), FEATURES.to_string())]);
        assert_eq!(
            functions,
            [
                ("is_enabled".to_string(), 0, "src/f.rs:27".to_string()),
                ("require".to_string(), 0, "src/f.rs:24".to_string()),
                (
                    "require_with_hint".to_string(),
                    0,
                    "src/f.rs:31".to_string()
                ),
            ]
        );
    }
}
