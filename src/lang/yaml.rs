//! YAML definitions files, one flag per file (GitLab's `config/feature_flags/<type>/<name>.yml`),
//! and JSON or YAML data files declaring many flags (LaunchDarkly's file data source
//! `{"flags": {"x": {..}}}`, flagd's, a `features.yaml` list of `{name: x}`).
//!
//! One flag per file: the key is a top-level field (`key-field = "name"` in the `[[definitions]]`
//! entry) or, without one, the file name; the other top-level scalar fields (type, milestone,
//! group, default_enabled...) are kept as metadata for reports.

use yaml_rust2::{Yaml, YamlLoader};

use crate::facts::{ConstKind, FileFacts, LineIndex, StringConst, SyntaxError};

/// Extracts the flag a YAML definitions file declares.
pub fn extract(source: &str, file_stem: &str, key_field: Option<&str>) -> FileFacts {
    let index = LineIndex::new(source);
    let document = match document(source, false) {
        Ok(document) => document,
        Err(failure) => return failure.facts(&index),
    };
    let Yaml::Hash(fields) = &document else {
        return FileFacts::not_parsed(SyntaxError::whole_file(
            index.span(0, 0),
            "expected a mapping of fields at the top of the file",
        ));
    };
    let key = match key_field {
        None => file_stem.to_string(),
        Some(field) => match fields
            .get(&Yaml::String(field.to_string()))
            .and_then(scalar)
        {
            Some(value) => value,
            None => {
                return FileFacts::not_parsed(SyntaxError::whole_file(
                    index.span(0, 0),
                    format!("no `{field}` field holding the flag's key"),
                ));
            }
        },
    };
    let mut facts = FileFacts::default();
    for (name, value) in fields {
        let (Some(name), Some(value)) = (name.as_str(), scalar(value)) else {
            continue;
        };
        if Some(name) != key_field {
            facts.metadata.push((name.to_string(), value));
        }
    }
    let span = key_field
        .and_then(|field| field_line(source, field))
        .map_or_else(|| index.span(0, 0), |(start, end)| index.span(start, end));
    facts.string_consts.push(StringConst {
        symbol: vec![key.clone()],
        value: key,
        exported: true,
        span,
        name_span: span,
        reference: None,
        kind: ConstKind::Constant,
    });
    facts
}

/// Where a data file declares its flags (`data`, `key-field` and `symbol-field` of its entry).
pub struct DataShape<'a> {
    /// Dotted paths in the document (`flags`, `features.toggles`; `.` is the document).
    pub paths: &'a [String],
    /// The field of an entry holding its key (for a mapping's entries, instead of the entry's
    /// name when the entry has it); lists of mappings default to `key`, then `name`.
    pub key_field: Option<&'a str>,
    /// The field of an entry naming the constant bound to its key (`flag_name: ENABLE_GV`).
    pub symbol_field: Option<&'a str>,
}

/// Extracts the flags a JSON or YAML data file declares: the names of the mappings at the
/// shape's paths, or the strings (or keyed mappings) of the lists there.
pub fn extract_data(source: &str, is_json: bool, shape: &DataShape) -> FileFacts {
    let index = LineIndex::new(source);
    let document = match document(source, is_json) {
        Ok(document) => document,
        Err(failure) => return failure.facts(&index),
    };
    let mut facts = FileFacts::default();
    for path in shape.paths {
        // Where the path's own names are: its entries come after them.
        let mut from = 0;
        for segment in path.split('.').filter(|s| !s.is_empty()) {
            from = locate(source, from, segment, is_json).map_or(from, |(_, end)| end);
        }
        let Some(node) = at_path(&document, path) else {
            facts.syntax_errors.push(SyntaxError::whole_file(
                index.span(0, 0),
                format!("no mapping or list at `{path}` in this file (`data`)"),
            ));
            continue;
        };
        let entries: Vec<(Option<String>, &Yaml)> = match node {
            Yaml::Hash(entries) => entries.iter().map(|(k, v)| (scalar(k), v)).collect(),
            Yaml::Array(items) => items.iter().map(|v| (None, v)).collect(),
            _ => {
                facts.syntax_errors.push(SyntaxError::whole_file(
                    index.span(0, 0),
                    format!("`{path}` holds neither a mapping nor a list (`data`)"),
                ));
                continue;
            }
        };
        let is_list = matches!(node, Yaml::Array(_));
        for (name, value) in entries {
            let field = |field: &str| match value {
                Yaml::Hash(fields) => fields
                    .get(&Yaml::String(field.to_string()))
                    .and_then(scalar),
                _ => None,
            };
            let from_field = match shape.key_field {
                Some(key_field) => field(key_field),
                None if is_list => field("key").or_else(|| field("name")),
                None => None,
            };
            let Some(key) = from_field
                .or(name)
                .or_else(|| scalar(value).filter(|_| is_list))
            else {
                continue;
            };
            let symbol = shape.symbol_field.and_then(field);
            let span = match locate(source, from, &key, is_json) {
                Some((start, end)) => {
                    from = end;
                    index.span(start, end)
                }
                None => index.span(0, 0),
            };
            if let Some(symbol) = &symbol {
                facts.module_names.push(symbol.clone());
            }
            let kind = match (&symbol, is_list) {
                (Some(_), _) => ConstKind::Constant,
                (None, true) => ConstKind::ListElement,
                (None, false) => ConstKind::RegistryKey,
            };
            facts.string_consts.push(StringConst {
                symbol: vec![symbol.unwrap_or_else(|| key.clone())],
                value: key,
                exported: true,
                span,
                name_span: span,
                reference: None,
                kind,
            });
        }
    }
    facts
}

/// Why a JSON or YAML text does not parse, and where (a 1-based line, a 0-based column).
pub struct ParseFailure {
    line: usize,
    column: usize,
    message: String,
}

impl ParseFailure {
    /// The file's facts: this syntax error alone.
    fn facts(self, index: &LineIndex) -> FileFacts {
        let at = index.offset(self.line, self.column);
        FileFacts::not_parsed(SyntaxError::whole_file(index.span(at, at), self.message))
    }
}

/// The first document of a JSON or YAML text, as YAML's tree (`Null` for an empty YAML text).
pub fn document(source: &str, is_json: bool) -> Result<Yaml, ParseFailure> {
    if is_json {
        return serde_json::from_str::<serde_json::Value>(source)
            .map(from_json)
            .map_err(|error| ParseFailure {
                line: error.line(),
                column: error.column().saturating_sub(1),
                message: error.to_string(),
            });
    }
    match YamlLoader::load_from_str(source) {
        Ok(documents) => Ok(documents.into_iter().next().unwrap_or(Yaml::Null)),
        Err(error) => Err(ParseFailure {
            line: error.marker().line(),
            column: error.marker().col(),
            message: error.info().to_string(),
        }),
    }
}

/// The node at a dotted path (`.` or empty: the document).
fn at_path<'y>(document: &'y Yaml, path: &str) -> Option<&'y Yaml> {
    let mut node = document;
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let Yaml::Hash(fields) = node else {
            return None;
        };
        node = fields.get(&Yaml::String(segment.to_string()))?;
    }
    Some(node)
}

fn from_json(value: serde_json::Value) -> Yaml {
    use serde_json::Value;
    match value {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s),
        Value::Array(items) => Yaml::Array(items.into_iter().map(from_json).collect()),
        Value::Object(fields) => Yaml::Hash(
            fields
                .into_iter()
                .map(|(k, v)| (Yaml::String(k), from_json(v)))
                .collect(),
        ),
    }
}

/// The first occurrence of `key` from `from` on that stands as a whole scalar (`"key"`,
/// `key:`, `- key`, `name: key`, not inside a longer text) outside a YAML comment, as a byte
/// range.
fn locate(source: &str, from: usize, key: &str, is_json: bool) -> Option<(usize, usize)> {
    let quotes: &[char] = &['"', '\''];
    let mut start = from.min(source.len());
    while let Some(found) = source.get(start..)?.find(key) {
        let at = start + found;
        let end = at + key.len();
        let line = &source[source[..at].rfind('\n').map_or(0, |n| n + 1)..at];
        let ahead = &source[end..];
        let ahead = ahead.strip_prefix(quotes).unwrap_or(ahead);
        let after = ahead.trim_start_matches([' ', '\t']).chars().next();
        let behind = line.strip_suffix(quotes).unwrap_or(line);
        let before = behind.trim_end_matches([' ', '\t']).chars().next_back();
        let whole = after.is_none_or(|c| matches!(c, '\n' | '\r' | ':' | ',' | '}' | ']' | '#'))
            && before.is_none_or(|c| matches!(c, ':' | '-' | ',' | '[' | '{'));
        // Not in a YAML comment (`# turn new-nav on for ...`).
        let in_comment = !is_json && (line.trim_start().starts_with('#') || line.contains(" #"));
        if whole && !in_comment {
            return Some((at, end));
        }
        start = end.max(at + 1);
    }
    None
}

/// A scalar as text (`true`, `16.1`, `"group::x"`); `None` for collections and nulls.
fn scalar(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The byte range of the top-level `field:` line.
fn field_line(source: &str, field: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed.starts_with(field) && trimmed[field.len()..].trim_start().starts_with(':') {
            return Some((offset, offset + trimmed.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const GITLAB: &str = "---\nname: new_nav\nintroduced_by_url: https://example.com/mr/1\nrollout_issue_url:\nmilestone: '16.1'\ntype: development\ngroup: group::foundations\ndefault_enabled: false\n";

    #[test]
    fn key_from_a_field_with_metadata() {
        let facts = extract(GITLAB, "new_nav", Some("name"));
        assert_eq!(facts.string_consts[0].value, "new_nav");
        assert_eq!(facts.string_consts[0].span.line, 2);
        assert_eq!(
            facts.metadata,
            [
                (
                    "introduced_by_url".to_string(),
                    "https://example.com/mr/1".to_string()
                ),
                ("milestone".to_string(), "16.1".to_string()),
                ("type".to_string(), "development".to_string()),
                ("group".to_string(), "group::foundations".to_string()),
                ("default_enabled".to_string(), "false".to_string()),
            ]
        );
    }

    #[test]
    fn key_from_the_file_name() {
        let facts = extract("type: ops\n", "kill_switch", None);
        assert_eq!(facts.string_consts[0].value, "kill_switch");
        assert_eq!(facts.metadata, [("type".to_string(), "ops".to_string())]);
    }

    fn data(
        source: &str,
        is_json: bool,
        paths: &[&str],
        key: Option<&str>,
        symbol: Option<&str>,
    ) -> FileFacts {
        let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        let shape = DataShape {
            paths: &paths,
            key_field: key,
            symbol_field: symbol,
        };
        extract_data(source, is_json, &shape)
    }

    fn keys(facts: &FileFacts) -> Vec<(String, String, u32)> {
        facts
            .string_consts
            .iter()
            .map(|c| (c.symbol.join("."), c.value.clone(), c.span.line))
            .collect()
    }

    #[test]
    fn a_mapping_of_flag_records() {
        // LaunchDarkly's file data source: the record's own `key` repeats the name.
        let json = "{\n  \"segments\": {\"beta\": {\"key\": \"new\"}},\n  \"flags\": {\n    \"new\": {\"key\": \"new\", \"on\": true},\n    \"new-nav\": {\"key\": \"new-nav\"}\n  }\n}\n";
        let facts = data(json, true, &["flags"], None, None);
        assert_eq!(
            keys(&facts),
            [
                ("new".to_string(), "new".to_string(), 4),
                ("new-nav".to_string(), "new-nav".to_string(), 5)
            ]
        );
        assert!(facts
            .string_consts
            .iter()
            .all(|c| c.kind == ConstKind::RegistryKey));
        // The whole document, in YAML (GO Feature Flag's), its comments naming the flags.
        let yaml =
            "# Toggle dark on for everyone\nnew_nav:  # dark next\n  enabled: true\ndark: {}\n";
        let facts = data(yaml, false, &["."], None, None);
        assert_eq!(keys(&facts)[0].2, 2);
        assert_eq!(keys(&facts)[1], ("dark".to_string(), "dark".to_string(), 4));
    }

    #[test]
    fn lists_of_keys_and_of_records() {
        let yaml = "flags:\n  - flag_name: ENABLE_GV\n    note: gravy_waffle soon\n    name: gravy_waffle\n  - flag_name: X\n    name: x_y\nswitches: [a_b, c_d]\n";
        let facts = data(
            yaml,
            false,
            &["flags", "switches"],
            Some("name"),
            Some("flag_name"),
        );
        assert_eq!(
            keys(&facts),
            [
                ("ENABLE_GV".to_string(), "gravy_waffle".to_string(), 4),
                ("X".to_string(), "x_y".to_string(), 6),
                ("a_b".to_string(), "a_b".to_string(), 7),
                ("c_d".to_string(), "c_d".to_string(), 7)
            ]
        );
        assert_eq!(facts.module_names, ["ENABLE_GV", "X"]);
        // Unleash's bootstrap: records keyed by `name` without a `key-field`.
        let json =
            r#"{"version": 1, "features": [{"name": "a.b", "enabled": true}, {"name": "c"}]}"#;
        let facts = data(json, true, &["features"], None, None);
        assert_eq!(facts.string_consts.len(), 2);
        assert_eq!(facts.string_consts[0].kind, ConstKind::ListElement);
        assert!(facts.module_names.is_empty());
    }

    #[test]
    fn data_files_that_do_not_hold_the_paths() {
        let facts = data("{\"flags\": 3}", true, &["flags", "more.flags"], None, None);
        assert_eq!(facts.syntax_errors.len(), 2);
        assert!(facts.syntax_errors[0]
            .message
            .contains("neither a mapping nor a list"));
        assert!(facts.syntax_errors[1]
            .message
            .contains("no mapping or list at `more.flags`"));
        let facts = data("{\"flags\": {,}", true, &["flags"], None, None);
        assert_eq!(facts.syntax_errors.len(), 1);
        assert_eq!(facts.syntax_errors[0].span.line, 1);
        let facts = data("flags: [unclosed\n", false, &["flags"], None, None);
        assert_eq!(facts.syntax_errors.len(), 1);
    }

    #[test]
    fn broken_or_incomplete_files_are_syntax_errors() {
        let facts = extract("name: [unclosed\n", "x", Some("name"));
        assert!(facts.string_consts.is_empty());
        assert_eq!(facts.syntax_errors.len(), 1);
        let facts = extract("type: ops\n", "x", Some("name"));
        assert!(facts.syntax_errors[0].message.contains("no `name` field"));
        let facts = extract("- a\n- b\n", "x", None);
        assert!(facts.syntax_errors[0].message.contains("mapping"));
        let facts = extract("\u{0}\u{1}: :\n", "x", None);
        assert!(facts.string_consts.len() + facts.syntax_errors.len() == 1);
    }
}
