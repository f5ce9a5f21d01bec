//! Data files that declare many flags: LaunchDarkly's file data source
//! (`{"flags": {"x": {"key": "x", "on": true, "variations": [..]}}}`), flagd's
//! (`{"flags": {"x": {"state": "ENABLED", ..}}}`), Unleash's bootstrap
//! (`{"features": [{"name": "x", "enabled": true}]}`) and a project's own list
//! (`flags: [{flag_name: ENABLE_GV, name: gravy_waffle}]`, read into a module's constants).

use yaml_rust2::Yaml;

use super::ProposedDefinition;
use crate::config::Side;

/// Fewest entries that make a file's mappings or lists tables of flags.
const MIN_ENTRIES: usize = 2;

/// The words a data file's name, or the field holding its flags, says flags with.
const FLAG_WORDS: [&str; 5] = ["flag", "feature", "toggle", "switch", "experiment"];

/// Whether a JSON or YAML file's name speaks of flags (`feature_flags.json`, `features.yaml`,
/// `flagd.json`), not a manifest, lock file or translation.
pub(super) fn is_candidate(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let (dirs, name) = lower.rsplit_once('/').unwrap_or(("", &lower));
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    let translations = dirs.split('/').any(|d| {
        matches!(
            d,
            "locale" | "locales" | "i18n" | "l10n" | "lang" | "translations" | "messages"
        )
    });
    matches!(ext, "json" | "yml" | "yaml")
        && !translations
        && !stem.contains("schema")
        && !stem.contains("lock")
        && FLAG_WORDS.iter().any(|w| stem.contains(w))
}

/// A proposed `data` entry for the file, when it holds a table of flags: a mapping whose
/// values are flag records (or booleans), or a list of records with a key field, at the top of
/// the document or under a field named for flags.
pub(super) fn propose(rel: &str, text: &str) -> Option<ProposedDefinition> {
    let document = crate::lang::yaml::document(text, rel.ends_with(".json")).ok()?;
    let Yaml::Hash(top) = &document else {
        return None;
    };
    let mut paths = Vec::new();
    let mut key_field = None;
    let mut symbol_field = None;
    let mut count = 0;
    for (name, value) in top {
        let Some(name) = name.as_str() else {
            continue;
        };
        let lower = name.to_ascii_lowercase();
        if !FLAG_WORDS.iter().any(|w| lower.contains(w)) {
            continue;
        }
        if let Some(table) = flag_table(value, 1) {
            if table.key_field.is_some() {
                key_field = key_field.or(table.key_field);
            }
            symbol_field = symbol_field.or(table.symbol_field);
            count += table.entries;
            paths.push(name.to_string());
        }
    }
    if count < MIN_ENTRIES {
        paths.clear();
    }
    if paths.is_empty() {
        // The whole document: `{"new-nav": {"enabled": true}, ..}`, records only (a mapping of
        // plain booleans at the top is any settings file).
        let table = flag_table(&document, MIN_ENTRIES).filter(|t| t.records)?;
        key_field = table.key_field;
        symbol_field = table.symbol_field;
        count = table.entries;
        paths.push(".".to_string());
    }
    let mut fields = vec![("data", super::toml_strings(&paths))];
    if let Some(field) = key_field {
        fields.push(("key-field", format!("\"{field}\"")));
    }
    if let Some(field) = symbol_field {
        fields.push(("symbol-field", format!("\"{field}\"")));
    }
    Some(ProposedDefinition {
        side: Side::Backend,
        path: rel.to_string(),
        shape: None,
        fields,
        evidence: format!("A data file of {count} flags (`{}`).", paths.join("`, `")),
    })
}

/// A mapping or list of flags, as found.
struct Table {
    entries: usize,
    /// Its entries are records (mappings), not booleans or strings.
    records: bool,
    key_field: Option<&'static str>,
    symbol_field: Option<String>,
}

/// The node as a table of at least `min` flags: a mapping of flag names to records or booleans,
/// or a list of records with a `key` or `name` field (or of strings).
fn flag_table(node: &Yaml, min: usize) -> Option<Table> {
    match node {
        Yaml::Hash(entries) if entries.len() >= min => {
            let records = entries.values().all(|v| matches!(v, Yaml::Hash(_)));
            let booleans = entries.values().all(|v| matches!(v, Yaml::Boolean(_)));
            let keys = entries
                .keys()
                .all(|k| k.as_str().is_some_and(looks_like_key));
            (keys && (records || booleans)).then_some(Table {
                entries: entries.len(),
                records,
                key_field: None,
                symbol_field: None,
            })
        }
        Yaml::Array(items) if items.len() >= min => {
            if items.iter().all(|i| i.as_str().is_some_and(looks_like_key)) {
                return Some(Table {
                    entries: items.len(),
                    records: false,
                    key_field: None,
                    symbol_field: None,
                });
            }
            let records: Vec<&yaml_rust2::yaml::Hash> =
                items.iter().filter_map(Yaml::as_hash).collect();
            if records.len() != items.len() {
                return None;
            }
            let field_of = |record: &yaml_rust2::yaml::Hash, field: &str| {
                record
                    .get(&Yaml::String(field.to_string()))
                    .and_then(Yaml::as_str)
                    .map(str::to_string)
            };
            let key_field = ["key", "name"].into_iter().find(|field| {
                records
                    .iter()
                    .all(|r| field_of(r, field).is_some_and(|k| looks_like_key(&k)))
            })?;
            // A field naming a constant for each key (`flag_name: ENABLE_GV`).
            let first = records[0];
            let symbol_field = first
                .keys()
                .filter_map(Yaml::as_str)
                .filter(|f| *f != key_field)
                .find(|f| {
                    records
                        .iter()
                        .all(|r| field_of(r, f).is_some_and(|s| is_constant_name(&s)))
                })
                .map(str::to_string);
            Some(Table {
                entries: items.len(),
                records: true,
                key_field: Some(key_field),
                symbol_field,
            })
        }
        _ => None,
    }
}

/// A flag key: one word of letters, digits and `_-.:`, with a letter.
fn looks_like_key(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 200
        && text.chars().any(|c| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

/// `ENABLE_GV`: a constant's name.
fn is_constant_name(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(definition: &ProposedDefinition) -> Vec<String> {
        definition
            .fields
            .iter()
            .map(|(f, v)| format!("{f} = {v}"))
            .collect()
    }

    #[test]
    fn launchdarkly_file_data() {
        let text = r#"{"segments": {}, "flags": {"new-nav": {"key": "new-nav", "on": true}, "dark": {"key": "dark", "on": false}}}"#;
        let proposed = propose("app/feature_flags.json", text).unwrap();
        assert_eq!(fields(&proposed), ["data = [\"flags\"]"]);
        assert!(proposed.evidence.contains("2 flags"));
    }

    #[test]
    fn a_list_of_records_naming_constants() {
        let text = "flags:\n  - flag_name: ENABLE_GV\n    name: gravy_waffle\n    everyone: true\n  - flag_name: STORAGE_I18N\n    name: storage_i18n\nswitches:\n  - flag_name: ENFORCE_CSRF\n    name: enforce_csrf\n    active: true\n  - flag_name: X_Y\n    name: x_y\n";
        let proposed = propose("osf/features.yaml", text).unwrap();
        assert_eq!(
            fields(&proposed),
            [
                "data = [\"flags\", \"switches\"]",
                "key-field = \"name\"",
                "symbol-field = \"flag_name\""
            ]
        );
    }

    #[test]
    fn other_files_are_not_flag_tables() {
        for (rel, text) in [
            ("features.json", r#"{"name": "x", "version": 1}"#),
            ("features.json", r#"{"debug": true, "verbose": false}"#),
            (
                "feature_list.yaml",
                "features:\n  - Fast search for everything\n  - Sync\n",
            ),
            ("flags.json", "[1, 2]"),
            ("flags.json", "{not json"),
        ] {
            assert!(propose(rel, text).is_none(), "{rel}: {text}");
        }
        assert!(is_candidate("label_studio/feature_flags.json"));
        assert!(is_candidate("config/flagd.json"));
        assert!(!is_candidate("package.json"));
        assert!(!is_candidate("web/locales/en/features.json"));
        assert!(!is_candidate("feature_flags.schema.json"));
    }
}
