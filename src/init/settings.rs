//! Flags read as settings: Django settings (`FEATURE_SHOW_QUERY_RESULTS_COUNT =
//! parse_boolean(...)` in a settings module, read as `settings.FEATURE_SHOW_QUERY_RESULTS_COUNT`),
//! a frontend's configuration getter (`getConfig().ENABLE_X`) and its own flags hook
//! (`useWaffleFlags(id).x`).

use std::collections::{BTreeMap, BTreeSet};

use crate::index::roles::is_settings_module;

use super::registries::FLAG_WORDS;
use super::{toml_strings, Proposal, ProposedDefinition};
use crate::config::Side;

/// Settings modules that others override (`local.py`, `test.py`): a setting is proposed from the
/// module that declares it first, not from these.
const OVERRIDES: &[&str] = &[
    "local",
    "test",
    "tests",
    "testing",
    "dev",
    "development",
    "ci",
    "e2e",
    "docker",
];

/// The boolean settings named for flags in a settings module: `(name, line)`.
pub(super) fn flag_settings(text: &str) -> Vec<(String, usize)> {
    text.lines()
        .enumerate()
        .filter_map(|(n, line)| {
            let (name, value) = line.split_once('=')?;
            let name = name.trim_end();
            let plain = !name.is_empty()
                && !line.starts_with([' ', '\t'])
                && name.starts_with(|c: char| c.is_ascii_uppercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if !plain || value.starts_with('=') {
                return None;
            }
            // A whole word, singular: `CACHE_FLAGS_IN_SESSION` and `FEATURE_FLAGS_OFFLINE` are
            // about flags (the flag system's own configuration), not one.
            let words: Vec<&str> = name.split('_').collect();
            let about_flags = words.iter().any(|w| {
                [w.strip_suffix('S'), w.strip_suffix("ES")]
                    .iter()
                    .flatten()
                    .any(|singular| FLAG_WORDS.contains(singular))
            });
            let named = !about_flags && words.iter().any(|w| FLAG_WORDS.contains(w));
            (named && boolean(value, text)).then(|| (name.to_string(), n + 1))
        })
        .collect()
}

/// Whether a setting's value is a boolean: a literal, a parse of one (`parse_boolean(..)`,
/// `env.bool(..)`, `.get("X", "false")`), or `env("X")` of a django-environ schema that types `X`
/// as `bool` (`X=(bool, False)`).
fn boolean(value: &str, text: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if ["bool", "true", "false"].iter().any(|w| lower.contains(w)) {
        return true;
    }
    let Some(rest) = value.trim().strip_prefix("env(") else {
        return false;
    };
    let var: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    !var.is_empty() && text.contains(&format!("{var}=(bool"))
}

/// Proposes a `settings` definitions entry for each settings module declaring flag settings that
/// production code reads as `settings.NAME`. `modules` are the settings modules' paths and texts,
/// `sources` the production Python sources.
pub(super) fn propose_settings(
    proposal: &mut Proposal,
    modules: &[(String, String)],
    sources: &[(String, String)],
) {
    // Each name from the first module declaring it, the overriding modules last.
    let mut order: Vec<&(String, String)> = modules.iter().collect();
    order.sort_by_key(|(rel, _)| {
        let stem = rel
            .rsplit('/')
            .next()
            .unwrap_or(rel)
            .trim_end_matches(".py");
        (OVERRIDES.contains(&stem), rel.clone())
    });
    let mut owner: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for (rel, text) in order {
        for (name, line) in flag_settings(text) {
            owner.entry(name).or_insert((rel.clone(), line));
        }
    }
    if owner.is_empty() {
        return;
    }
    let mut reads: BTreeMap<&str, usize> = BTreeMap::new();
    for (rel, text) in sources {
        if is_settings_module(rel) {
            continue;
        }
        for name in owner.keys() {
            let needle = format!("settings.{name}");
            let count = text
                .match_indices(&needle)
                .filter(|(at, _)| {
                    !text[at + needle.len()..]
                        .starts_with(|c: char| c.is_alphanumeric() || c == '_')
                })
                .count();
            if count > 0 {
                *reads.entry(name.as_str()).or_default() += count;
            }
        }
    }
    let mut by_module: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (name, (rel, _)) in &owner {
        if reads.contains_key(name.as_str()) {
            by_module
                .entry(rel.as_str())
                .or_default()
                .insert(name.as_str());
        }
    }
    for (rel, names) in by_module {
        let count: usize = names.iter().map(|n| reads[n]).sum();
        proposal.definitions.push(ProposedDefinition {
            side: Side::Backend,
            path: rel.to_string(),
            shape: None,
            fields: vec![("settings", toml_strings(names.iter()))],
            evidence: format!(
                "{} boolean settings named for features, read as `settings.<NAME>` {count} times.",
                names.len()
            ),
        });
    }
}

/// Name patterns that make a configuration value a flag, in the order they are tried.
const FLAG_NAME_PATTERNS: &[(&str, &str, &str)] = &[
    ("ENABLE_*", "ENABLE_", ""),
    ("*_ENABLED", "", "_ENABLED"),
    ("FEATURE_*", "FEATURE_", ""),
    ("FF_*", "FF_", ""),
];

/// Fewest reads, and different names, that make a configuration getter's values flags.
const MIN_CONFIG_READS: usize = 3;

/// Whether a TS module imports a binding named `env` (`import { env } from "@/env"`).
fn imports_env(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with("import "))
        .filter_map(|line| {
            let start = line.find('{')?;
            let end = line[start..].find('}')? + start;
            Some(&line[start + 1..end])
        })
        .any(|names| names.split(',').any(|name| name.trim() == "env"))
}

/// Build-time toggles read from a configuration object in TypeScript: `getConfig().ENABLE_X` in
/// Open edX frontends, `config.ENABLE_Y`: a `property` check of the holder with `keys` patterns
/// when at least [`MIN_CONFIG_READS`] reads of two names or more go through it.
pub(super) fn propose_config_reads(proposal: &mut Proposal, texts: &[String]) {
    // Holder -> (reads, names, patterns).
    let mut holders: BTreeMap<String, (usize, BTreeSet<String>, BTreeSet<&str>)> = BTreeMap::new();
    for text in texts {
        // `env` is configuration only as the project's own module (`import { env } from
        // "@/env"`); a local `env = loadEnv(..)` in a build configuration is the environment.
        let own_env = imports_env(text);
        for (at, _) in text.match_indices('.') {
            let rest = &text[at + 1..];
            let name: &str = &rest[..rest
                .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                .unwrap_or(rest.len())];
            if name.len() < 4 || rest[name.len()..].starts_with(|c: char| c.is_alphanumeric()) {
                continue;
            }
            let Some((pattern, _, _)) = FLAG_NAME_PATTERNS.iter().find(|(_, prefix, suffix)| {
                name.len() > prefix.len() + suffix.len()
                    && name.starts_with(prefix)
                    && name.ends_with(suffix)
            }) else {
                continue;
            };
            let before = &text[..at];
            let before = before.strip_suffix("()").unwrap_or(before);
            let holder = super::trailing(before, |c| c.is_alphanumeric() || c == '_' || c == '$');
            // `FLAGS.ENABLE_X` is a registry's member, `this.ENABLE_X` a class's own, and
            // `process.env.ENABLE_X` the environment the configuration is made from (an `env`
            // object of the project's own, `import { env } from "@/env"`, is configuration).
            let environment = holder == "env"
                && (!own_env
                    || before[..before.len() - holder.len()]
                        .trim_end_matches('.')
                        .ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$'));
            if holder.is_empty()
                || holder == "this"
                || environment
                || !holder.starts_with(|c: char| c.is_ascii_lowercase())
            {
                continue;
            }
            let entry = holders.entry(holder.to_string()).or_default();
            entry.0 += 1;
            entry.1.insert(name.to_string());
            entry.2.insert(pattern);
        }
    }
    for (holder, (reads, names, patterns)) in holders {
        if reads < MIN_CONFIG_READS || names.len() < 2 {
            continue;
        }
        if proposal
            .checks
            .iter()
            .any(|c| c.property && c.call == holder)
        {
            continue;
        }
        let mut check = super::ProposedCheck::property(
            &holder,
            crate::lang::Language::TypeScript,
            format!(
                "{} toggles read {reads} times as `{holder}.<NAME>`, named like {}",
                names.len(),
                patterns.iter().copied().collect::<Vec<_>>().join(", ")
            ),
        );
        check.keys = patterns.iter().map(|p| p.to_string()).collect();
        proposal.checks.push(check);
    }
}

/// Fewest calls that make a project's flags hook (`useWaffleFlags(courseId)`) a property check.
const MIN_HOOK_CALLS: usize = 3;

/// The project's own hooks that return its flags as an object (`export const useWaffleFlags =
/// (courseId) => ...`, read as `useWaffleFlags(id).x`, `const flags = useWaffleFlags(id)` then
/// `flags.x`, `const { x } = useWaffleFlags(id)`): a `property` check of the hook's name, when
/// the code calls it at least [`MIN_HOOK_CALLS`] times. `taken` are the names other checks
/// already match (a pack's `useFlags`).
pub(super) fn propose_flag_hooks(
    proposal: &mut Proposal,
    texts: &[String],
    taken: &BTreeSet<String>,
) {
    let mut hooks: BTreeSet<&str> = BTreeSet::new();
    for text in texts {
        for line in text.lines() {
            let line = line.trim_start();
            let Some(rest) = [
                "export const ",
                "export function ",
                "export async function ",
            ]
            .iter()
            .find_map(|p| line.strip_prefix(p)) else {
                continue;
            };
            let name = &rest[..rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len())];
            let plural = ["Flags", "Features", "Toggles", "Switches"]
                .iter()
                .any(|w| name.ends_with(w));
            if name.starts_with("use") && plural {
                hooks.insert(name);
            }
        }
    }
    for hook in hooks {
        if taken.contains(hook) || proposal.checks.iter().any(|c| c.call == hook) {
            continue;
        }
        let needle = format!("{hook}(");
        let calls: usize = texts
            .iter()
            .map(|t| {
                t.match_indices(&needle)
                    .filter(|(at, _)| {
                        !t[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                            && !t[..*at].trim_end().ends_with("function")
                    })
                    .count()
            })
            .sum();
        if calls < MIN_HOOK_CALLS {
            continue;
        }
        proposal.checks.push(super::ProposedCheck::property(
            hook,
            crate::lang::Language::TypeScript,
            format!("the flags object `{hook}(..)` returns, called {calls} times"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boolean_settings_named_for_features_are_flags() {
        let text = "import os\nFEATURE_POLICY = os.environ.get(\"REDASH_FEATURE_POLICY\", \"\")\nFEATURE_SHOW_COUNT = parse_boolean(os.environ.get(\"X\", \"true\"))\nFEATURE_OLD = (\n    True\n)\nenv = environ.Env(DD_V3_FEATURE_LOCATIONS=(bool, False))\nV3_FEATURE_LOCATIONS = env(\"DD_V3_FEATURE_LOCATIONS\")\nTIME_ZONE = \"UTC\"\nENABLE_AUDITLOG = True\n    FEATURE_NESTED = True\nFEATURE_FLAGS_OFFLINE = True\n";
        let names: Vec<String> = flag_settings(text).into_iter().map(|(n, _)| n).collect();
        // `FEATURE_OLD = (` continues on the next line: its value is not read.
        assert_eq!(names, ["FEATURE_SHOW_COUNT", "V3_FEATURE_LOCATIONS"]);
    }

    #[test]
    fn configuration_getters_of_toggles_are_property_checks() {
        let texts = vec![
            "if (getConfig().ENABLE_ACCESSIBILITY_PAGE === 'true') {}\nconst url = getConfig().LMS_BASE_URL;\n".to_string(),
            "{getConfig().ENABLE_TAGGING_TAXONOMY_PAGES === 'true' && <X />}\n{getConfig().ENABLE_ACCESSIBILITY_PAGE && 1}\nFLAGS.ENABLE_NOPE; FLAGS.ENABLE_NOPE; FLAGS.ENABLE_NADA\n".to_string(),
        ];
        let mut proposal = Proposal::default();
        propose_config_reads(&mut proposal, &texts);
        let [check] = proposal.checks.as_slice() else {
            panic!("{:?}", proposal.checks);
        };
        assert_eq!((check.call.as_str(), check.property), ("getConfig", true));
        assert_eq!(check.keys, ["ENABLE_*"]);
        // The project's own `env` object (inbox-zero), not the environment it is made from.
        let texts = vec![
            "import { env } from '@/env';\nif (env.NEXT_PUBLIC_CLEANER_ENABLED) {}\n(env.NEXT_PUBLIC_SSO_ENABLED);\n".to_string(),
            "import { env } from '@/env';\nconst x = !env.NEXT_PUBLIC_CLEANER_ENABLED;\n".to_string(),
            "process.env.A_ENABLED; process.env.B_ENABLED; import.meta.env.C_ENABLED; import.meta.env.A_ENABLED\n".to_string(),
            // signoz's vite.config.ts: the environment, loaded.
            "const env = loadEnv(mode, process.cwd(), '');\nenv.VITE_POSTHOG_ENABLED; env.VITE_SENTRY_ENABLED; env.VITE_A_ENABLED\n".to_string(),
        ];
        let mut proposal = Proposal::default();
        propose_config_reads(&mut proposal, &texts);
        let [check] = proposal.checks.as_slice() else {
            panic!("{:?}", proposal.checks);
        };
        assert_eq!(
            (check.call.as_str(), check.evidence.contains("read 3 times")),
            ("env", true)
        );
    }

    #[test]
    fn a_projects_flags_hook_is_a_property_check() {
        let texts = vec![
            "export const useWaffleFlags = (courseId) => {\n  return data;\n};\nexport const useFlags = () => ldFlags;\nexport function useHelpers() {}\n".to_string(),
            "const flags = useWaffleFlags(id);\nconst { a } = useWaffleFlags(id);\nuseWaffleFlags(id).b;\nuseFlags(); useFlags(); useFlags();\nuseHelpers(); useHelpers(); useHelpers();\n".to_string(),
        ];
        let mut proposal = Proposal::default();
        // `useFlags` is a pack's: not proposed again.
        let taken = BTreeSet::from(["useFlags".to_string()]);
        propose_flag_hooks(&mut proposal, &texts, &taken);
        let names: Vec<(&str, bool)> = proposal
            .checks
            .iter()
            .map(|c| (c.call.as_str(), c.property))
            .collect();
        assert_eq!(names, [("useWaffleFlags", true)]);
    }
}
