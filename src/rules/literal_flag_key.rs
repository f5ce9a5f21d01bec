//! `literal-flag-key`: a check spells a key as a string although a constant for it exists.

use std::collections::HashMap;

use super::RuleContext;
use crate::index::{CheckKey, Definition, KeySource, RefKind};
use crate::lang::{Language, ShapeKind};

/// Languages whose code can name each other's constants.
fn family(language: Language) -> Language {
    match language {
        Language::JavaScript => Language::TypeScript,
        other => other,
    }
}

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    let specs = ctx.config.checks.specs();
    let mut names: HashMap<(Language, &str), (&Definition, &str)> = HashMap::new();
    for def in &index.definitions {
        if let Some(reference) = &def.reference {
            let language = family(index.files[def.file].language);
            names
                .entry((language, def.key.as_str()))
                .or_insert((def, reference));
        }
    }
    for check in &index.checks {
        let CheckKey::Key {
            key,
            source: KeySource::Literal,
        } = &check.key
        else {
            continue;
        };
        // A fixed-key or gate-function call writes no key at all.
        let written_as_argument = specs.get(check.spec).is_some_and(|spec| {
            matches!(
                spec.shape.kind(),
                ShapeKind::Call | ShapeKind::Jsx | ShapeKind::Attribute
            ) && spec.flag.is_none()
                && spec.gate.is_none()
        });
        if check.kind != RefKind::Check || !written_as_argument {
            continue;
        }
        let language = family(index.files[check.file].language);
        let Some((def, reference)) = names.get(&(language, key.as_str())) else {
            continue;
        };
        ctx.report(
            index.path(check.file),
            check.key_span,
            format!("flag key `{key}` is spelled as a string literal"),
        )
        .help(format!("use `{reference}` from {}", index.path(def.file)))
        .label(format!("use `{reference}`"))
        .flag(key.clone());
    }
}
