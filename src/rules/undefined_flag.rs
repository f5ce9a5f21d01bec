//! `undefined-flag`: a check of a key that no definition declares.

use super::{Finding, RuleDoc, RuleId, Sink};
use crate::facts::Span;
use crate::index::{CheckKey, FileId, Index, KeySource, RefKind};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a check or constant names a flag that no definition declares",
    what_it_does: "Reports a flag check whose key is not declared by any definitions file, and any \
use of a constant that does not exist in the definitions module it is looked up in \
(`FeatureFlags.MISSING`, `flags.MISSING`, `from feature_flags.flags import MISSING`). Checks \
through a pack whose flags may live only in a database or a vendor's dashboard (django-waffle, \
LaunchDarkly, ...) are exempt unless `[packs.NAME] require-definitions = true`.",
    why_is_this_bad: "A misspelt key checks a flag nobody can switch. Some systems (GitLab's among \
them) treat an unknown flag as ON, so a typo silently ships the new code path to everyone; others \
treat it as OFF and the feature never launches. A missing constant crashes at import or run time.",
    example: "# backend/feature_flags/flags.py\nBINARY_INTERFACE = \"binary_interface\"\n\n\
# backend/users/views.py\nif get_flag_for_user(user, \"binary_interfase\"):  # undefined-flag\n    ...",
    how_to_fix: "Fix the spelling, or add the flag to the definitions module (and its frontend \
mirror) and check it through the constant.",
};

pub fn check(index: &Index, sink: &mut Sink) {
    if !sink.enabled(RuleId::UndefinedFlag) {
        return;
    }
    let has_definitions = index.has_definitions();
    let config = sink.config();
    // Keys of systems whose flags may live only in a database or a vendor's dashboard are not
    // required to have a definition in code, unless the user asks for it.
    let definition_optional = |spec: usize| {
        config
            .checks
            .specs()
            .get(spec)
            .and_then(|s| s.pack)
            .and_then(|p| config.packs.get(p))
            .is_some_and(|pack| pack.database_defined && !pack.require_definitions)
    };
    for check in &index.checks {
        match &check.key {
            // Tests and migrations legitimately use made-up or historical literal keys.
            CheckKey::Key { key, source }
                if !matches!(source, KeySource::Definition(_))
                    && check.kind == RefKind::Check
                    && has_definitions
                    && !definition_optional(check.spec) =>
            {
                let defined = index
                    .flags
                    .get(key)
                    .is_some_and(|flag| !flag.definitions.is_empty());
                if !defined {
                    sink.report(
                        RuleId::UndefinedFlag,
                        undefined_key(index, check.file, check.key_span, key),
                    );
                }
            }
            CheckKey::MissingSymbol { symbol, file } if check.kind != RefKind::Migration => {
                sink.report(
                    RuleId::UndefinedFlag,
                    missing_symbol(index, check.file, check.key_span, symbol, *file),
                );
            }
            _ => {}
        }
    }
    for missing in &index.missing {
        if missing.kind != RefKind::Migration {
            sink.report(
                RuleId::UndefinedFlag,
                missing_symbol(
                    index,
                    missing.file,
                    missing.span,
                    &missing.symbol,
                    missing.defined_in,
                ),
            );
        }
    }
}

fn undefined_key(index: &Index, file: FileId, span: Span, key: &str) -> Finding {
    let known = index
        .flags
        .iter()
        .filter(|(_, flag)| !flag.definitions.is_empty())
        .map(|(key, _)| key.as_str());
    let help = match closest(key, known) {
        Some(near) => {
            format!("did you mean `{near}`? Otherwise define the flag before checking it")
        }
        None => {
            "define the flag in a definitions file and check it through its constant".to_string()
        }
    };
    Finding {
        message: format!("flag `{key}` is not defined"),
        help: Some(help),
        label: Some("no definition declares this key".to_string()),
        path: index.path(file).to_string(),
        span: Some(span),
        flag: Some(key.to_string()),
    }
}

fn missing_symbol(
    index: &Index,
    file: FileId,
    span: Span,
    symbol: &str,
    defined_in: FileId,
) -> Finding {
    let known = index
        .definitions
        .iter()
        .filter(|d| d.file == defined_in)
        .map(|d| d.symbol.as_str());
    let defs_path = index.path(defined_in);
    let help = match closest(symbol, known) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("add the constant to {defs_path}, or remove this use"),
    };
    Finding {
        message: format!("`{symbol}` is not defined in {defs_path}"),
        help: Some(help),
        label: Some("unknown flag constant".to_string()),
        path: index.path(file).to_string(),
        span: Some(span),
        flag: None,
    }
}

/// The most similar candidate, if it is similar enough to be a likely typo.
fn closest<'a>(target: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::normalized_damerau_levenshtein(target, c), c))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_only_near_misses() {
        let keys = ["binary_interface", "new_nav"];
        assert_eq!(
            closest("binary_interfase", keys.into_iter()),
            Some("binary_interface")
        );
        assert_eq!(closest("something_else", keys.into_iter()), None);
    }
}
