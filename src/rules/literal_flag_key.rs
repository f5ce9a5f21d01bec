//! `literal-flag-key`: a check spells a key as a string although a constant for it exists.

use std::collections::HashMap;

use super::{RuleContext, RuleDoc};
use crate::index::{CheckKey, Definition, KeySource, RefKind};
use crate::lang::{Language, ShapeKind};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a check spells the flag key as a string literal although a constant exists",
    what_it_does: "Reports a production check whose key argument is a string literal when a \
definitions file in the same language names that key: a constant, a class attribute, an enum \
member or variant, an object member. The help gives the expression to write instead, as the \
language spells it (`BINARY_INTERFACE`, `Flags.BINARY_INTERFACE`, `FeatureFlags.BINARY_INTERFACE`, \
`Feature::BinaryInterface`).\n\n\
Not reported: keys declared only as dict keys, list or array elements, registrations, union \
members or struct fields (there is no name to use instead of the string); member chains and \
destructured names (`uiConfig.flags.newNav`); templates.",
    why_is_this_bad:
        "Literal keys escape every search for the constant: when the flag is removed, \
the literal is left behind and silently checks a flag that no longer exists. The constant also \
protects against typos.",
    example: "from feature_flags.flags import BINARY_INTERFACE\n\n\
if get_flag_for_user(user, \"binary_interface\"):  # literal-flag-key: use BINARY_INTERFACE",
    how_to_fix:
        "Import the constant from the definitions module and pass it instead of the string.",
};

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
