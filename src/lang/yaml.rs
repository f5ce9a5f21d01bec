//! YAML definitions files, one flag per file (GitLab's `config/feature_flags/<type>/<name>.yml`).
//!
//! The key is a top-level field (`key-field = "name"` in the `[[definitions]]` entry) or, without
//! one, the file name; the other top-level scalar fields (type, milestone, group,
//! default_enabled...) are kept as metadata for reports.

use yaml_rust2::{Yaml, YamlLoader};

use crate::facts::{ConstKind, FileFacts, LineIndex, StringConst, SyntaxError};

/// Extracts the flag a YAML definitions file declares.
pub fn extract(source: &str, file_stem: &str, key_field: Option<&str>) -> FileFacts {
    let index = LineIndex::new(source);
    let documents = match YamlLoader::load_from_str(source) {
        Ok(documents) => documents,
        Err(error) => {
            let marker = error.marker();
            let at = index.offset(marker.line(), marker.col());
            return FileFacts::not_parsed(SyntaxError::whole_file(
                index.span(at, at),
                error.info(),
            ));
        }
    };
    let Some(Yaml::Hash(fields)) = documents.first() else {
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
