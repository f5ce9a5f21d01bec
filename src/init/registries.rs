//! Registries anywhere in the code (`FEATURES = {"group_type": "doc", ...}` in a models module),
//! and the functions the code passes their keys to (`request.feature("group_type")`): the
//! call sites say which function is the check.

use std::collections::{BTreeMap, BTreeSet};

use crate::lang::{self, CheckMatcher, DefinitionShapes, ExtractOptions, Grammar, Language};

use super::trailing;

/// Fewest keys that make a dict a registry, and fewest call sites that make a function a check.
pub(super) const MIN_KEYS: usize = 3;

/// Words of a registry's name that say it holds flags.
pub(super) const FLAG_WORDS: &[&str] = &["FEATURE", "FLAG", "TOGGLE", "SWITCH"];

/// Words that may follow the flag word in a registry's name (`FEATURE_FLAG_DEFAULTS`); after
/// `BY` anything may (`FEATURES_BY_TEAM`).
const REGISTRY_WORDS: &[&str] = &[
    "KEY", "KEYS", "NAME", "NAMES", "LIST", "MAP", "REGISTRY", "DEFAULTS", "DEFAULT", "CONFIG",
    "SET", "ENUM", "VALUES", "STATES",
];

/// Callees that take keys of any dict (`FEATURES.get("x")`, `"x".format()`): never checks.
pub(super) const GENERIC_CALLEES: &[&str] = &[
    "get",
    "pop",
    "setdefault",
    "append",
    "add",
    "remove",
    "discard",
    "index",
    "count",
    "format",
    "join",
    "split",
    "startswith",
    "endswith",
    "replace",
    "strip",
    "lower",
    "upper",
    "getattr",
    "hasattr",
    "setattr",
    "print",
    "log",
    "debug",
    "info",
    "warning",
    "error",
    "exception",
    "str",
    "repr",
    "len",
    "isinstance",
    "_",
    "gettext",
    "ngettext",
    "includes",
    "push",
    "has",
    "set",
    "indexOf",
    "t",
    "i18n",
    "require",
    "import",
    "fetch",
    "test",
    "it",
    "describe",
    "parametrize",
    "Path",
    "open",
    "env",
    "getenv",
    "environ",
];

/// A dict / object literal at the top level whose name speaks of flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Registry {
    pub(super) name: String,
    pub(super) keys: Vec<String>,
}

/// The registries of a module: top-level `NAME = {` (Python) / `export const NAME = {` (TS) with a
/// flag word in `NAME` and at least [`MIN_KEYS`] string keys.
pub(super) fn registries(grammar: Grammar, language: Language, text: &str) -> Vec<Registry> {
    let names: Vec<String> = text
        .lines()
        .filter_map(|line| {
            let line = line
                .strip_prefix("export const ")
                .or_else(|| line.strip_prefix("const "))
                .unwrap_or(line);
            let (name, value) = line.split_once('=')?;
            let name = name.split(':').next()?.trim();
            let upper = name.to_ascii_uppercase();
            // `FEATURES`, `FEATURE_FLAGS`, `featureFlags`; not `featureCollectionDetails` or
            // `PremiumFeatures` (a product whose domain is features).
            let screaming = name == upper;
            let lower = name.to_ascii_lowercase();
            let named = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && if screaming {
                    // The flag word heads the name (`FEATURE_FLAG`, `FEATURES_BY_TEAM`); not
                    // `TOGGLE_PANEL_SHORTCUT`, a shortcut that toggles a panel.
                    let words: Vec<&str> = upper.split('_').filter(|w| !w.is_empty()).collect();
                    let last_flag_word = words.iter().rposition(|w| {
                        FLAG_WORDS
                            .iter()
                            .any(|f| w.strip_suffix('S').unwrap_or(w) == *f || w == f)
                    });
                    last_flag_word.is_some_and(|at| {
                        words[at + 1..]
                            .iter()
                            .take_while(|w| **w != "BY")
                            .all(|w| REGISTRY_WORDS.contains(w))
                    })
                } else {
                    lower.ends_with("flags") || lower.ends_with("toggles")
                };
            (named && value.trim_start().starts_with('{')).then(|| name.to_string())
        })
        .filter(|name| !numeric_values(text, name))
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    let shapes = DefinitionShapes {
        registries: names.clone(),
        ..DefinitionShapes::default()
    };
    let no_checks = CheckMatcher::default();
    let no_names = Default::default();
    let options = ExtractOptions {
        language,
        checks: &no_checks,
        interesting: &no_names,
        definitions: &shapes,
        definitions_file: true,
        keys: &no_names,
        migration: None,
        created_rows: false,
    };
    let facts = lang::extract(grammar, text, &options);
    let mut by_name: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for constant in &facts.string_consts {
        if let [container, _] = constant.symbol.as_slice() {
            if names.contains(container) && constant.kind == crate::facts::ConstKind::RegistryKey {
                by_name
                    .entry(container.as_str())
                    .or_default()
                    .push(constant.value.clone());
            }
        }
    }
    by_name
        .into_iter()
        .filter(|(_, keys)| keys.len() >= MIN_KEYS)
        .map(|(name, keys)| Registry {
            name: name.to_string(),
            keys,
        })
        .collect()
}

/// How a callee takes a registry member: as its first argument, or as a property of an object
/// argument (`create({ key: Flags.X })`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum MemberArgument {
    First,
    Property(String),
}

/// The callees whose calls pass members of `containers` (`useFeatureFlag(FlagsEnum.X)`,
/// `GetFeatureFlagCommand.create({ key: FlagsEnum.X })`): at least [`MIN_KEYS`] calls with 2
/// distinct members, a callee whose name speaks of flags. With the number of calls and a place.
pub(super) fn member_callees(
    containers: &BTreeSet<&str>,
    sources: &[(&str, &str)],
) -> Vec<(String, MemberArgument, usize, String)> {
    let mut seen: BTreeMap<(String, MemberArgument), (usize, BTreeSet<String>, String)> =
        BTreeMap::new();
    for (rel, text) in sources {
        for container in containers {
            let needle = format!("{container}.");
            for (at, _) in text.match_indices(&needle) {
                let starts_word = !text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
                let member: String = text[at + needle.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !starts_word || member.is_empty() {
                    continue;
                }
                let Some((callee, argument)) = callee_of_argument(&text[..at]) else {
                    continue;
                };
                let speaks = ["flag", "feature", "toggle", "switch"]
                    .iter()
                    .any(|w| callee.to_ascii_lowercase().contains(w));
                let last = callee.rsplit('.').next().unwrap_or("");
                if !speaks || last.is_empty() || GENERIC_CALLEES.contains(&last) {
                    continue;
                }
                let line = text[..at].matches('\n').count() + 1;
                let entry = seen
                    .entry((callee, argument))
                    .or_insert_with(|| (0, BTreeSet::new(), format!("{rel}:{line}")));
                entry.0 += 1;
                entry.1.insert(member);
            }
        }
    }
    seen.into_iter()
        .filter(|(_, (calls, members, _))| *calls >= MIN_KEYS && members.len() >= 2)
        .map(|((callee, argument), (calls, _, place))| (callee, argument, calls, place))
        .collect()
}

/// The callee and the argument form of the expression that ends `before`: `f(` (first
/// argument) or `f({ a: 1, key: ` (a property of a flat object argument).
fn callee_of_argument(before: &str) -> Option<(String, MemberArgument)> {
    let trimmed = before.trim_end();
    if let Some(call) = trimmed.strip_suffix('(') {
        let callee = callee_before(call);
        return (!callee.is_empty()).then_some((callee, MemberArgument::First));
    }
    let property = trimmed.strip_suffix(':')?.trim_end();
    let name: String = trailing(property, |c| c.is_ascii_alphanumeric() || c == '_').to_string();
    if name.is_empty() {
        return None;
    }
    // The `{` opening a flat object (no braces in between), right after a call's `(`.
    let head = &property[..property.len() - name.len()];
    let window = &head[head.len().saturating_sub(400)..];
    let open = window.rfind('{')?;
    if window[open + 1..].contains(['{', '}', '(', ')']) {
        return None;
    }
    let call = window[..open].trim_end().strip_suffix('(')?;
    let callee = callee_before(call);
    (!callee.is_empty()).then_some((callee, MemberArgument::Property(name)))
}

/// Whether most entries of the object literal assigned to `name` have integer values
/// (`const PropFlags = { Ref: 0, RefArr: 1 }`: bit flags or codes, not feature flags).
fn numeric_values(text: &str, name: &str) -> bool {
    let mut lines = text.lines().skip_while(|l| {
        let l = l.strip_prefix("export ").unwrap_or(l);
        let l = l.strip_prefix("const ").unwrap_or(l);
        !(l.starts_with(name) && l[name.len()..].trim_start().starts_with(['=', ':']))
    });
    let _ = lines.next();
    let (mut entries, mut numeric) = (0, 0);
    for line in lines.take_while(|l| !l.starts_with('}')) {
        let Some((_, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().trim_end_matches(',');
        if value.is_empty() || line.trim_start().starts_with(['/', '*']) {
            continue;
        }
        entries += 1;
        let digits = value.trim_start_matches('-');
        if !digits.is_empty()
            && (digits.chars().all(|c| c.is_ascii_digit() || c == '_')
                || digits.starts_with("0x")
                || digits.contains("<<"))
        {
            numeric += 1;
        }
    }
    entries > 0 && numeric * 2 >= entries
}

/// The callees (`request.feature`, `isFeatureEnabled`) whose string-literal first arguments are
/// keys of `keys`: at least [`MIN_KEYS`] such calls with at least 2 distinct keys, and at least 4
/// in 5 of the callee's literal first arguments keys. With the number of calls and one place.
pub(super) fn key_callees(
    keys: &BTreeSet<&str>,
    sources: &[(&str, &str)],
) -> Vec<(String, usize, String)> {
    // Callee -> (calls with a key, distinct keys, calls with another literal, first place).
    let mut seen: BTreeMap<String, (usize, BTreeSet<String>, usize, String)> = BTreeMap::new();
    for (rel, text) in sources {
        for (at, _) in text.match_indices(['(']) {
            // The key may open the next line (`svc.enabled(\n    "x", user=None)`).
            let rest = text[at + 1..].trim_start();
            let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
                continue;
            };
            let Some(end) = rest[1..].find(quote) else {
                continue;
            };
            let literal = &rest[1..1 + end];
            let after = rest[2 + end..].trim_start();
            if literal.contains(['\n', '\\']) || !after.starts_with([')', ',']) {
                continue;
            }
            let callee = callee_before(&text[..at]);
            let Some(last) = callee.rsplit('.').next() else {
                continue;
            };
            if last.is_empty() || GENERIC_CALLEES.contains(&last) {
                continue;
            }
            let line = text[..at].matches('\n').count() + 1;
            let entry = seen
                .entry(callee)
                .or_insert_with(|| (0, BTreeSet::new(), 0, String::new()));
            if keys.contains(literal) {
                entry.0 += 1;
                entry.1.insert(literal.to_string());
                if entry.3.is_empty() {
                    entry.3 = format!("{rel}:{line}");
                }
            } else {
                entry.2 += 1;
            }
        }
    }
    seen.into_iter()
        .filter(|(_, (hits, distinct, misses, _))| {
            *hits >= MIN_KEYS && distinct.len() >= 2 && *hits * 5 >= (*hits + *misses) * 4
        })
        .map(|(callee, (hits, _, _, place))| (callee, hits, place))
        .collect()
}

/// Exported constants made by calling a function with the key as a string literal
/// (`export const fModeEnabled = persisted(false, "f-mode")`): per (function, the literal's
/// position), how many.
pub(super) fn exported_registrations(text: &str) -> BTreeMap<(String, usize), usize> {
    let mut found: BTreeMap<(String, usize), usize> = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("export const ") else {
            continue;
        };
        let Some((_, value)) = rest.split_once('=') else {
            continue;
        };
        let value = value.trim_start();
        let Some(open) = value.find('(') else {
            continue;
        };
        // `persisted<Behavior>(` names `persisted`.
        let function = value[..open].split('<').next().unwrap_or("").trim();
        if function.is_empty()
            || !function
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            continue;
        }
        let arguments: Vec<&str> = value[open + 1..]
            .split(',')
            .map(str::trim)
            .take(4)
            .collect();
        let position = arguments.iter().position(|a| {
            let a = a.trim_end_matches([')', ';']);
            a.len() >= 2
                && (a.starts_with('"') && a.ends_with('"')
                    || a.starts_with('\'') && a.ends_with('\''))
        });
        if let Some(position) = position {
            *found.entry((function.to_string(), position)).or_default() += 1;
        }
    }
    found
}

/// The string-literal first arguments of the calls of a function named `name` (its last
/// segment), in `sources`.
pub(super) fn literal_arguments(name: &str, sources: &[(&str, &str)]) -> Vec<String> {
    let needle = format!("{name}(");
    let mut found = Vec::new();
    for (_, text) in sources {
        for (at, _) in text.match_indices(&needle) {
            let starts_word = !text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            let rest = &text[at + needle.len()..];
            let Some(quote) = rest
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\'' | '`'))
            else {
                continue;
            };
            let Some(end) = rest[1..].find(quote) else {
                continue;
            };
            let literal = &rest[1..1 + end];
            if starts_word && !literal.contains(['\n', '$', '{']) {
                found.push(literal.to_string());
            }
        }
    }
    found
}

/// The last two segments of the callee ending at the end of `before`: `self.request.feature` ->
/// `request.feature`; `isFeatureEnabled` -> itself; `g().f` -> `f`.
pub(super) fn callee_before(before: &str) -> String {
    let chain: String = trailing(before, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$' | '?')
    })
    .to_string();
    let chain = chain.replace("?.", ".");
    let segments: Vec<&str> = chain
        .split('.')
        .filter(|s| !s.is_empty() && !s.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    let kept = &segments[segments.len().saturating_sub(2)..];
    let kept: Vec<&str> = kept
        .iter()
        .copied()
        .filter(|s| *s != "self" && *s != "this")
        .collect();
    kept.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callees_passed_registry_members() {
        let containers: BTreeSet<&str> = ["FlagsEnum"].into();
        let web = "const a = useFeatureFlag(FlagsEnum.IS_A);\nconst b = useFeatureFlag(FlagsEnum.IS_B);\nconst c = useFeatureFlag(FlagsEnum.IS_A);\nconst d = other(FlagsEnum.IS_A);\n";
        let api = "await this.getFeatureFlag.execute(\n  GetFeatureFlagCommand.create({\n    environmentId,\n    key: FlagsEnum.IS_A,\n  }),\n);\nGetFeatureFlagCommand.create({ key: FlagsEnum.IS_B });\nGetFeatureFlagCommand.create({ userId: 1, key: FlagsEnum.IS_C });\n";
        let found = member_callees(&containers, &[("web.tsx", web), ("api.ts", api)]);
        assert_eq!(
            found,
            [
                (
                    "GetFeatureFlagCommand.create".to_string(),
                    MemberArgument::Property("key".to_string()),
                    3,
                    "api.ts:4".to_string()
                ),
                (
                    "useFeatureFlag".to_string(),
                    MemberArgument::First,
                    3,
                    "web.tsx:1".to_string()
                ),
            ]
        );
    }

    #[test]
    fn exported_stores_made_with_their_key() {
        let text = "import { persisted } from '@gitbutler/shared/persisted';\n\nexport const a = persisted(false, \"autoSelect\");\nexport const b = persisted<Behavior>(\"all\", \"feature-staging\");\nexport const c = persistWithExpiration(true, \"rewrap\", 1440 * 30);\nexport const d = 3;\nexport type T = 'x' | 'y';\n";
        let found = exported_registrations(text);
        assert_eq!(
            found.into_iter().collect::<Vec<_>>(),
            [
                (("persistWithExpiration".to_string(), 1), 1),
                (("persisted".to_string(), 0), 1),
                (("persisted".to_string(), 1), 1),
            ]
        );
    }

    #[test]
    fn a_registry_and_the_function_its_keys_go_to() {
        assert!(registries(
            Grammar::TypeScript,
            Language::TypeScript,
            "const PropFlags = {\n  /** An offset */\n  Ref: 0,\n  RefArr: 1,\n  String: 2,\n  Bool: 1 << 3,\n};\n"
        )
        .is_empty());
        // trigger.dev: a shortcut that toggles a panel is no registry; `FEATURE_FLAG` is.
        let names: Vec<String> = registries(
            Grammar::TypeScript,
            Language::TypeScript,
            "export const TOGGLE_PANEL_SHORTCUT = {\n  key: \"k\",\n  modifiers: \"mod\",\n  enabledOnInputElements: \"yes\",\n};\nexport const FEATURE_FLAG = {\n  hasSso: \"hasSso\",\n  hasAiAccess: \"hasAiAccess\",\n  hasLogs: \"hasLogs\",\n} as const;\n",
        )
        .into_iter()
        .map(|r| r.name)
        .collect();
        assert_eq!(names, ["FEATURE_FLAG"]);
        let models = "import sa\n\nFEATURES = {\n    \"group_type\": \"Choose group type\",\n    \"at_mentions\": \"Mentions\",\n    \"pdf_layer\": (\n        \"Custom\"\n        \" layer\"\n    ),\n}\nMESSAGES = {\"a\": 1, \"b\": 2, \"c\": 3}\n";
        let found = registries(Grammar::Python, Language::Python, models);
        assert_eq!(
            found,
            [Registry {
                name: "FEATURES".to_string(),
                keys: ["group_type", "at_mentions", "pdf_layer"]
                    .map(String::from)
                    .to_vec(),
            }]
        );
        let keys: BTreeSet<&str> = ["group_type", "at_mentions", "pdf_layer"].into();
        let views = "def v(self):\n    if self.request.feature(\"group_type\"):\n        pass\n    x = request.feature('at_mentions')\n    y = request.feature(\"pdf_layer\")\n    FEATURES.get(\"group_type\")\n    log(\"group_type\")\n    other(\"group_type\")\n    other(\"unrelated\")\n    a = svc.enabled(\n        \"group_type\", user=None\n    )\n    b = svc.enabled(\n        \"pdf_layer\", user=None)\n    c = svc.enabled( 'at_mentions', user=None)\n";
        assert_eq!(
            key_callees(&keys, &[("h/views.py", views)]),
            [
                ("request.feature".to_string(), 3, "h/views.py:2".to_string()),
                ("svc.enabled".to_string(), 3, "h/views.py:10".to_string())
            ]
        );
    }
}
