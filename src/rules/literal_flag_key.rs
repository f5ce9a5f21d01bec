//! `literal-flag-key`: a check spells a key as a string although a constant for it exists.

use std::collections::HashMap;

use super::{Finding, RuleDoc, RuleId, Sink};
use crate::config::Side;
use crate::index::{code_side, CheckKey, Definition, Index, KeySource, RefKind};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a check spells the flag key as a string literal although a constant exists",
    what_it_does: "Reports a production check whose key is a string literal when a definition on \
the same side (backend for Python and Rust code, frontend for TypeScript and JavaScript) declares \
a constant with that key. The help names the constant.",
    why_is_this_bad:
        "Literal keys escape every search for the constant: when the flag is removed, \
the literal is left behind and silently checks a flag that no longer exists. The constant also \
protects against typos.",
    example: "from feature_flags.flags import BINARY_INTERFACE\n\n\
if get_flag_for_user(user, \"binary_interface\"):  # literal-flag-key: use BINARY_INTERFACE",
    how_to_fix:
        "Import the constant from the definitions module and pass it instead of the string.",
};

pub fn check(index: &Index, sink: &mut Sink) {
    if !sink.enabled(RuleId::LiteralFlagKey) {
        return;
    }
    let mut constants: HashMap<(Side, &str), &Definition> = HashMap::new();
    for def in &index.definitions {
        constants.entry((def.side, def.key.as_str())).or_insert(def);
    }
    for check in &index.checks {
        let CheckKey::Key {
            key,
            source: KeySource::Literal,
        } = &check.key
        else {
            continue;
        };
        if check.kind != RefKind::Check {
            continue;
        }
        let side = code_side(index.files[check.file].language);
        let Some(def) = constants.get(&(side, key.as_str())) else {
            continue;
        };
        sink.report(
            RuleId::LiteralFlagKey,
            Finding {
                message: format!("flag key `{key}` is spelled as a string literal"),
                help: Some(format!(
                    "use the constant `{}` from {}",
                    def.symbol,
                    index.path(def.file)
                )),
                label: Some(format!("use `{}`", def.symbol)),
                path: index.path(check.file).to_string(),
                span: Some(check.key_span),
                flag: Some(key.clone()),
            },
        );
    }
}
