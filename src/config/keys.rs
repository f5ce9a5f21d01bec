//! How keys are spelled: `[parity] frontend-key` (the frontend's spelling of a backend key) and
//! the `transform` of definitions and checks (`newNav` -> `new_nav`).

use super::*;

/// How the frontend spells a backend flag key (`[parity] frontend-key`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum KeyMapping {
    /// The same key on both sides.
    #[default]
    Same,
    /// `secret_rotation` -> `secretRotation`.
    CamelCase,
    /// `secret_rotation` -> `secret-rotation`.
    KebabCase,
    /// `organizations:new_nav` -> `new_nav` with prefix `organizations:`.
    StripPrefix(String),
}

impl KeyMapping {
    pub(super) fn parse(text: &str) -> Option<KeyMapping> {
        match text {
            "same" => Some(KeyMapping::Same),
            "camelCase" => Some(KeyMapping::CamelCase),
            "kebab-case" => Some(KeyMapping::KebabCase),
            _ => text
                .strip_prefix("strip-prefix:")
                .filter(|p| !p.is_empty())
                .map(|p| KeyMapping::StripPrefix(p.to_string())),
        }
    }

    /// The frontend spelling of a backend key.
    pub fn to_frontend(&self, backend_key: &str) -> String {
        match self {
            KeyMapping::Same => backend_key.to_string(),
            KeyMapping::CamelCase => KeyTransform::CamelCase.apply(backend_key),
            KeyMapping::KebabCase => KeyTransform::KebabCase.apply(backend_key),
            KeyMapping::StripPrefix(prefix) => backend_key
                .strip_prefix(prefix.as_str())
                .unwrap_or(backend_key)
                .to_string(),
        }
    }
}

impl KeyTransform {
    pub(super) fn parse(text: &str) -> Option<KeyTransform> {
        match text {
            "none" => Some(KeyTransform::None),
            "snake_case" => Some(KeyTransform::SnakeCase),
            "kebab-case" => Some(KeyTransform::KebabCase),
            "camelCase" => Some(KeyTransform::CamelCase),
            _ => None,
        }
    }

    /// The key rewritten: `newNav` -> `new_nav` (snake_case), `new-nav` (kebab-case); `new_nav`
    /// -> `newNav` (camelCase).
    pub fn apply(&self, key: &str) -> String {
        let lower_words = || words(key).into_iter().map(str::to_lowercase);
        match self {
            KeyTransform::None => key.to_string(),
            KeyTransform::SnakeCase => lower_words().collect::<Vec<_>>().join("_"),
            KeyTransform::KebabCase => lower_words().collect::<Vec<_>>().join("-"),
            KeyTransform::CamelCase => {
                let mut out = String::with_capacity(key.len());
                for (i, word) in lower_words().enumerate() {
                    if i == 0 {
                        out.push_str(&word);
                    } else {
                        let mut chars = word.chars();
                        if let Some(first) = chars.next() {
                            out.extend(first.to_uppercase());
                            out.push_str(chars.as_str());
                        }
                    }
                }
                out
            }
        }
    }
}

/// The words of a key: split at `_`, `-`, spaces and lower-to-upper case changes.
pub(super) fn words(key: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut previous_lower = false;
    for (i, c) in key.char_indices() {
        if c == '_' || c == '-' || c == ' ' {
            if start < i {
                words.push(&key[start..i]);
            }
            start = i + c.len_utf8();
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && start < i {
            words.push(&key[start..i]);
            start = i;
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    if start < key.len() {
        words.push(&key[start..]);
    }
    words
}
