//! Gate functions: one function per flag (`is_trim_paths_enabled`, `isNewNavEnabled`), named by a
//! template with a key hole (`is_{key}_enabled`, `is{Key}Enabled`). In its definitions file such a
//! function defines the flag; a call of it anywhere checks the flag: the key is the function's
//! name, not an argument.

use std::collections::HashSet;

use crate::facts::{ConstKind, Span, StringConst};
use crate::lang::DefinitionShapes;

/// A function name with a key hole: `is_{key}_enabled` (the key as written) or `is{Key}Enabled`
/// (the key in PascalCase, read back in camelCase: `isNewNavEnabled` -> `newNav`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameTemplate {
    prefix: String,
    suffix: String,
    /// `{Key}`: the hole starts with an upper-case letter, read with its first letter lowered.
    pascal: bool,
    /// The template as written, for messages.
    text: String,
}

impl NameTemplate {
    /// Parses `prefix{key}suffix` / `prefix{Key}suffix`, a function name; the error says what is
    /// wrong.
    pub fn parse(text: &str) -> Result<NameTemplate, String> {
        let template = NameTemplate::parse_text(text)?;
        let word = |s: &str| {
            s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        };
        if !word(&template.prefix)
            || !word(&template.suffix)
            || template.prefix.starts_with(|c: char| c.is_ascii_digit())
        {
            return Err(format!(
                "`{text}` is not a function name with one key hole, such as \"is_{{key}}_enabled\""
            ));
        }
        Ok(template)
    }

    /// Parses a string with a key hole (`-Z{key}`, `--preview-features={key}`): any text around
    /// the hole.
    pub fn parse_text(text: &str) -> Result<NameTemplate, String> {
        let (hole, pascal) = if text.contains("{key}") {
            ("{key}", false)
        } else if text.contains("{Key}") {
            ("{Key}", true)
        } else {
            return Err(format!(
                "`{text}` has no key hole: write `{{key}}` (or `{{Key}}` for PascalCase) where the key is, as in \"is_{{key}}_enabled\""
            ));
        };
        let (prefix, suffix) = text.split_once(hole).unwrap_or((text, ""));
        if prefix.is_empty() && suffix.is_empty() {
            return Err(format!(
                "`{text}` is only a hole: everything would match; add the fixed part around it"
            ));
        }
        if prefix.contains(['{', '}']) || suffix.contains(['{', '}']) {
            return Err(format!("`{text}` has more than one hole"));
        }
        Ok(NameTemplate {
            prefix: prefix.to_string(),
            suffix: suffix.to_string(),
            pascal,
            text: text.to_string(),
        })
    }

    /// The key a function name holds, if it has the template's form (a non-empty hole).
    pub fn key_of(&self, name: &str) -> Option<String> {
        let hole = name
            .strip_prefix(self.prefix.as_str())?
            .strip_suffix(self.suffix.as_str())?;
        if hole.is_empty() || hole.starts_with('_') || hole.ends_with('_') {
            return None;
        }
        if !self.pascal {
            return Some(hole.to_string());
        }
        let mut chars = hole.chars();
        let first = chars.next()?;
        if !first.is_uppercase() {
            return None;
        }
        Some(first.to_lowercase().chain(chars).collect())
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// The flag a function of a definitions file defines, if its name has the form of one of the
/// entry's `function` templates. Symbol `[name]`, value the key in the hole.
pub fn gate_definition(
    shapes: &DefinitionShapes,
    name: &str,
    span: Span,
    name_span: Span,
) -> Option<StringConst> {
    let key = shapes.functions.iter().find_map(|t| t.key_of(name))?;
    Some(StringConst {
        symbol: vec![name.to_string()],
        value: key,
        exported: true,
        span,
        name_span,
        // A call, not a name that can stand for the key.
        reference: None,
        kind: ConstKind::GateFunction,
    })
}

/// The key a call checks by the callee's name alone: a fixed-key check (`flag = "x"`), or a gate
/// function (`is_x_enabled(..)`) that a definitions file defines (`interesting` holds the names of
/// definitions: a function of the template's form defined nowhere, `is_rule_enabled`, is not a
/// gate).
pub fn callee_key(
    spec: &crate::lang::CheckSpec,
    last: &str,
    interesting: &HashSet<String>,
) -> Option<String> {
    if let Some(key) = &spec.flag {
        return Some(key.clone());
    }
    let template = spec.gate.as_ref()?;
    if !interesting.contains(last) {
        return None;
    }
    template.key_of(last)
}

/// A check's key through the spec's `template` (`-Z{key}`): a literal of that form gives the key in
/// the hole; any other key is no check of this spec (`None`). Without a template, the key as is.
pub fn through_template(
    spec: &crate::lang::CheckSpec,
    key: crate::facts::KeyExpr,
) -> Option<crate::facts::KeyExpr> {
    // `keys = ["ENABLE_*"]`: other literal keys are no check.
    if !spec.admits(&key) {
        return None;
    }
    let Some(template) = &spec.key_template else {
        return Some(key);
    };
    match &key {
        crate::facts::KeyExpr::Literal(text) => {
            template.key_of(text).map(crate::facts::KeyExpr::Literal)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_patterns_leave_other_literals_out() {
        use crate::facts::KeyExpr;
        let spec = crate::lang::CheckSpec {
            keys: crate::lang::NamePatterns::new(vec!["ENABLE_*".into()]).unwrap(),
            ..crate::lang::CheckSpec::default()
        };
        let literal = |k: &str| KeyExpr::Literal(k.to_string());
        assert_eq!(
            through_template(&spec, literal("ENABLE_X")),
            Some(literal("ENABLE_X"))
        );
        assert_eq!(through_template(&spec, literal("LMS_BASE_URL")), None);
        // A constant is judged once resolved, not here.
        let path = KeyExpr::Path(vec!["FLAGS".into(), "X".into()]);
        assert_eq!(through_template(&spec, path.clone()), Some(path));
        // A flags hook's request state is not a flag of its property chain.
        let hook = crate::lang::CheckSpec {
            call: vec!["useWaffleFlags".into()],
            shape: crate::lang::Shape::Property,
            ..crate::lang::CheckSpec::default()
        };
        assert!(!hook.admits(&literal("isLoading")));
        assert!(hook.admits(&literal("enableNewEditor")));
        let call = crate::lang::CheckSpec::default();
        assert!(call.admits(&literal("isLoading")));
        // `env[name]` under `keys = ["*_ENABLED"]`: not judged a flag.
        let computed = KeyExpr::Dynamic("a computed property".to_string());
        assert!(hook.admits(&computed));
        let toggles = crate::lang::CheckSpec {
            keys: crate::lang::NamePatterns::new(vec!["*_ENABLED".to_string()]).unwrap(),
            ..hook
        };
        assert!(!toggles.admits(&computed));
        assert!(toggles.admits(&literal("NEW_NAV_ENABLED")));
    }

    #[test]
    fn templates_read_the_key_in_the_hole() {
        let snake = NameTemplate::parse("is_{key}_enabled").unwrap();
        assert_eq!(
            snake.key_of("is_trim_paths_enabled").as_deref(),
            Some("trim_paths")
        );
        assert_eq!(snake.key_of("is_enabled"), None);
        assert_eq!(snake.key_of("is__enabled"), None);
        assert_eq!(snake.key_of("was_x_enabled"), None);
        let pascal = NameTemplate::parse("is{Key}Enabled").unwrap();
        assert_eq!(pascal.key_of("isNewNavEnabled").as_deref(), Some("newNav"));
        assert_eq!(pascal.key_of("isnewNavEnabled"), None);
        assert!(NameTemplate::parse("is_enabled").is_err());
        assert!(NameTemplate::parse("{key}").is_err());
        assert!(NameTemplate::parse("is-{key}").is_err());
        let arg = NameTemplate::parse_text("-Z{key}").unwrap();
        assert_eq!(arg.key_of("-Zgc").as_deref(), Some("gc"));
        assert_eq!(arg.key_of("--release"), None);
        assert!(NameTemplate::parse_text("{key}-{key}").is_err());
    }
}
