//! `flaglint init`: looks at a repository and proposes a `flaglint.toml`.
//!
//! - Packs, from dependency manifests (`requirements*.txt`, `pyproject.toml`, `package.json`,
//!   `Cargo.toml`) and, optionally, Python imports.
//! - Definitions files: modules named like flag registries (`flags.py`, `feature_flags/…`,
//!   `useFeatureFlags/types.ts`, `flags.rs`) that hold string constants.
//! - Check functions of the repository's own: functions whose name speaks of flags and that take a
//!   flag key (`def get_flag_for_user(user, flag_name)`, `fn is_enabled(&self, flag: &str)`), and
//!   TS variables bound to a flag hook (`const checkFeatureFlag = useCheckFeatureFlag()`).
//!
//! Every proposal is a heuristic, so the file it writes says where each line came from.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::config::packs::{self, Detect};
use crate::config::Side;
use crate::index::walk;
use crate::lang::{self, CheckMatcher, ExtractOptions, Language};

/// What `init` found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Proposal {
    /// Vendored directories to exclude (`vendor/**`).
    pub exclude: Vec<String>,
    /// Pack name -> the evidence (`requirements.txt: django-waffle`), sorted.
    pub packs: BTreeMap<String, BTreeSet<String>>,
    pub definitions: Vec<(Side, String)>,
    pub checks: Vec<ProposedCheck>,
    /// Django migrations that create or delete waffle rows.
    pub waffle_migrations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProposedCheck {
    pub call: String,
    pub key: usize,
    pub keyword: Option<String>,
    pub language: Language,
    /// Where it was found (`backend/feature_flags/services.py:4`).
    pub evidence: String,
}

/// How much to look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// Only dependency manifests: cheap enough to run before every unconfigured `check`.
    Manifests,
    /// Manifests, imports, definitions files and check functions.
    Full,
}

/// Inspects the repository at `root`.
pub fn detect(root: &Path, depth: Depth) -> Proposal {
    let mut proposal = Proposal::default();
    let files = list_files(root);
    let packs: Vec<(String, Detect)> = packs::BUILTIN
        .iter()
        .filter_map(|(name, text)| {
            packs::parse(text)
                .ok()
                .map(|(pack, _)| (name.to_string(), pack.detect))
        })
        .collect();

    for (rel, path) in &files {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let is_manifest = (name.starts_with("requirements") && name.ends_with(".txt"))
            || name == "pyproject.toml"
            || name == "package.json"
            || name == "Cargo.toml";
        if !is_manifest {
            continue;
        }
        let Ok(text) = crate::files::read_text(path) else {
            continue;
        };
        let dependencies = manifest_dependencies(name, &text);
        for (pack, detect) in &packs {
            let wanted: &[String] = match name {
                "package.json" => &detect.npm_packages,
                "Cargo.toml" => &detect.cargo_crates,
                _ => &detect.python_packages,
            };
            for dependency in &dependencies {
                if wanted.iter().any(|w| normalize(w) == normalize(dependency)) {
                    proposal
                        .packs
                        .entry(pack.clone())
                        .or_default()
                        .insert(format!("{rel}: {dependency}"));
                }
            }
        }
    }
    if depth == Depth::Manifests {
        return proposal;
    }

    let no_checks = CheckMatcher::default();
    let no_names = HashSet::new();
    for (rel, path) in &files {
        let Some((grammar, language)) = lang::detect(Path::new(rel)) else {
            continue;
        };
        const MAX_SOURCE_SIZE: u64 = 2 * 1024 * 1024;
        let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_SOURCE_SIZE);
        let Some(bytes) = small.then(|| std::fs::read(path).ok()).flatten() else {
            continue;
        };
        if bytes[..bytes.len().min(8192)].contains(&0) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        if language == Language::Python
            && crate::index::roles::role_from_path(rel, language)
                == crate::index::FileRole::Migration
            && text.contains("waffle")
            && crate::index::roles::migration_path(rel).is_some()
        {
            proposal.waffle_migrations.push(rel.clone());
        }
        if language == Language::Python {
            for module in python_imports(&text) {
                for (pack, detect) in &packs {
                    if detect
                        .python_imports
                        .iter()
                        .any(|m| module == *m || module.starts_with(&format!("{m}.")))
                    {
                        proposal
                            .packs
                            .entry(pack.clone())
                            .or_default()
                            .insert(format!("{rel}: import {module}"));
                    }
                }
            }
        }
        if looks_like_definitions(rel) {
            let no_shapes = lang::DefinitionShapes::default();
            let options = ExtractOptions {
                language,
                checks: &no_checks,
                interesting: &no_names,
                definitions: &no_shapes,
                definitions_file: true,
                keys: &no_names,
                migration: None,
            };
            let facts = lang::extract(grammar, &text, &options);
            let flags = facts.string_consts.iter().filter(|c| c.exported).count();
            if flags > 0 {
                proposal
                    .definitions
                    .push((crate::index::code_side(language), rel.clone()));
            }
        }
        proposal
            .checks
            .extend(check_functions(rel, language, &text));
        if let Some(vendored) = vendored_dir(rel) {
            if !proposal.exclude.contains(&vendored) {
                proposal.exclude.push(vendored);
            }
        }
    }
    proposal.checks.sort();
    proposal
        .checks
        .dedup_by(|a, b| a.call == b.call && a.language == b.language);
    proposal
}

/// Source and manifest files under `root`, honouring ignore files, sorted.
fn list_files(root: &Path) -> Vec<(String, PathBuf)> {
    let mut files: Vec<(String, PathBuf)> = ignore::WalkBuilder::new(root)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != "node_modules")
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| (walk::relative(root, e.path()), e.path().to_path_buf()))
        .collect();
    files.sort();
    files
}

fn normalize(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

/// Dependency names declared by a manifest.
fn manifest_dependencies(file_name: &str, text: &str) -> Vec<String> {
    match file_name {
        "package.json" => {
            let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
                return Vec::new();
            };
            ["dependencies", "devDependencies", "peerDependencies"]
                .iter()
                .filter_map(|k| json.get(k)?.as_object())
                .flat_map(|deps| deps.keys().cloned())
                .collect()
        }
        "Cargo.toml" => {
            let Ok(table) = toml::from_str::<toml::Table>(text) else {
                return Vec::new();
            };
            let mut names = Vec::new();
            for section in ["dependencies", "dev-dependencies"] {
                for scope in [
                    Some(&table),
                    table.get("workspace").and_then(|w| w.as_table()),
                ]
                .into_iter()
                .flatten()
                {
                    if let Some(deps) = scope.get(section).and_then(|d| d.as_table()) {
                        names.extend(deps.keys().cloned());
                    }
                }
            }
            names
        }
        "pyproject.toml" => {
            let Ok(table) = toml::from_str::<toml::Table>(text) else {
                return Vec::new();
            };
            let mut names: Vec<String> = table
                .get("project")
                .and_then(|p| p.get("dependencies"))
                .and_then(|d| d.as_array())
                .map(|deps| {
                    deps.iter()
                        .filter_map(|d| d.as_str())
                        .map(requirement_name)
                        .collect()
                })
                .unwrap_or_default();
            if let Some(poetry) = table
                .get("tool")
                .and_then(|t| t.get("poetry"))
                .and_then(|p| p.get("dependencies"))
                .and_then(|d| d.as_table())
            {
                names.extend(poetry.keys().cloned());
            }
            names
        }
        _ => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('-'))
            .map(requirement_name)
            .collect(),
    }
}

/// `django-waffle[extra]>=4.0 ; python_version > "3"` -> `django-waffle`.
fn requirement_name(line: &str) -> String {
    line.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .next()
        .unwrap_or("")
        .to_string()
}

/// Modules named by `import x` / `from x import y` lines.
fn python_imports(text: &str) -> Vec<String> {
    let mut modules = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        let module = if let Some(rest) = line.strip_prefix("import ") {
            rest.split([',', ' ']).next()
        } else if let Some(rest) = line.strip_prefix("from ") {
            rest.split_whitespace().next()
        } else {
            None
        };
        if let Some(module) = module.filter(|m| !m.is_empty() && !m.starts_with('.')) {
            modules.push(module.to_string());
        }
    }
    modules
}

/// The exclude pattern for a source file inside a vendored directory (`vendor/**`).
fn vendored_dir(rel: &str) -> Option<String> {
    let segments: Vec<&str> = rel.split('/').collect();
    let at = segments[..segments.len().saturating_sub(1)]
        .iter()
        .position(|s| matches!(*s, "vendor" | "vendored" | "third_party" | "third-party"))?;
    Some(format!("{}/**", segments[..=at].join("/")))
}

/// Paths named like flag registries.
fn looks_like_definitions(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let (dirs, name) = lower.rsplit_once('/').unwrap_or(("", &lower));
    let stem = name.split('.').next().unwrap_or(name);
    let in_tests = dirs.split('/').any(|d| {
        matches!(
            d,
            "tests" | "test" | "__tests__" | "migrations" | "node_modules"
        )
    });
    if in_tests || name.contains(".test.") || name.contains(".spec.") {
        return false;
    }
    let flaggy = |s: &str| {
        s.contains("featureflag") || s.contains("feature_flag") || s.contains("feature-flag")
    };
    let flag_dir = dirs.split('/').any(flaggy);
    matches!(
        stem,
        "flags" | "feature_flags" | "featureflags" | "feature-flags"
    ) || (flag_dir && matches!(stem, "types" | "constants" | "index" | "keys" | "flags"))
}

/// Functions of the repository that look like flag checks, with the position of their key.
fn check_functions(rel: &str, language: Language, text: &str) -> Vec<ProposedCheck> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let evidence = || format!("{rel}:{}", number + 1);
        match language {
            Language::Python => {
                let Some(rest) = trimmed
                    .strip_prefix("def ")
                    .or_else(|| trimmed.strip_prefix("async def "))
                else {
                    continue;
                };
                if let Some((name, params)) = signature(rest) {
                    let params: Vec<&str> = params
                        .into_iter()
                        .filter(|p| *p != "self" && *p != "cls")
                        .collect();
                    if let Some(key) = key_parameter(name, &params) {
                        found.push(ProposedCheck {
                            call: name.to_string(),
                            key,
                            keyword: Some(params[key].to_string()),
                            language,
                            evidence: evidence(),
                        });
                    }
                }
            }
            Language::Rust => {
                let rest = trimmed
                    .trim_start_matches("pub(crate) ")
                    .trim_start_matches("pub ")
                    .trim_start_matches("async ");
                let Some(rest) = rest.strip_prefix("fn ") else {
                    continue;
                };
                if let Some((name, params)) = signature(rest) {
                    let params: Vec<&str> = params
                        .into_iter()
                        .filter(|p| !p.ends_with("self"))
                        .collect();
                    if let Some(key) = key_parameter(name, &params) {
                        found.push(ProposedCheck {
                            call: name.to_string(),
                            key,
                            keyword: None,
                            language,
                            evidence: evidence(),
                        });
                    }
                }
            }
            Language::Template | Language::Yaml => {}
            Language::TypeScript | Language::JavaScript => {
                // `const checkFeatureFlag = useCheckFeatureFlag();`
                let Some(rest) = trimmed
                    .strip_prefix("const ")
                    .or_else(|| trimmed.strip_prefix("let "))
                else {
                    continue;
                };
                let Some((name, value)) = rest.split_once('=') else {
                    continue;
                };
                let name = name.trim();
                let value = value.trim();
                let is_identifier = !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
                let hook_call = value.starts_with("use")
                    && value.contains("Flag")
                    && value.trim_end_matches(';').ends_with("()");
                if is_identifier && hook_call && name.to_ascii_lowercase().contains("flag") {
                    found.push(ProposedCheck {
                        call: name.to_string(),
                        key: 0,
                        keyword: None,
                        language: Language::TypeScript,
                        evidence: evidence(),
                    });
                }
            }
        }
    }
    found
}

/// `name(a, b: int = 1, *args)` -> name and the parameter names (one-line signatures only).
fn signature(rest: &str) -> Option<(&str, Vec<&str>)> {
    let open = rest.find('(')?;
    let name = rest[..open].trim();
    let name = name.split('<').next()?.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let close = rest.find(')')?;
    let params = rest[open + 1..close]
        .split(',')
        .map(|p| {
            p.trim()
                .trim_start_matches("mut ")
                .split([':', '='])
                .next()
                .unwrap_or("")
                .trim()
        })
        .filter(|p| !p.is_empty())
        .collect();
    Some((name, params))
}

/// A function that asks whether a feature flag is on and takes its key: the key's position.
/// `get_flag_for_user(user, flag_name)`, `is_feature_on(feature)`, `is_enabled(&self, flag)`; not
/// `flag(&mut self, flag)` or `env_flag(key)` (compiler and CLI flags).
fn key_parameter(name: &str, params: &[&str]) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    let asks = ["is_", "has_", "get_", "check", "use"]
        .iter()
        .any(|p| lower.starts_with(p))
        || ["enabled", "active", "_on"]
            .iter()
            .any(|s| lower.contains(s));
    let about_flags =
        lower.contains("feature") || (lower.contains("flag") && asks) || lower == "is_enabled";
    if !about_flags || lower.starts_with("test") || lower.starts_with('_') {
        return None;
    }
    params.iter().position(|p| {
        let p = p.trim_start_matches('_').to_ascii_lowercase();
        p == "flag"
            || p == "flag_name"
            || p == "flag_key"
            || p == "feature"
            || p == "feature_name"
            || p == "key" && lower.contains("flag")
    })
}

/// The proposal as a commented `flaglint.toml`.
pub fn render(proposal: &Proposal) -> String {
    let mut out = String::from(
        "# flaglint configuration proposed by `flaglint init`.\n\
         # Every entry below was guessed from the repository: review it, then run `flaglint check`.\n\
         # Reference: the README's Configuration section.\n\n",
    );
    if !proposal.exclude.is_empty() {
        let patterns: Vec<String> = proposal
            .exclude
            .iter()
            .map(|p| format!("\"{p}\""))
            .collect();
        let _ = writeln!(
            out,
            "# Vendored code is not yours to fix.\nexclude = [{}]\n",
            patterns.join(", ")
        );
    }
    if proposal.packs.is_empty() {
        out.push_str("# No known flag system was detected; built-in packs: ");
        let names: Vec<&str> = packs::BUILTIN.iter().map(|(n, _)| *n).collect();
        let _ = writeln!(
            out,
            "{}.\n# packs = [\"django-waffle\"]\n",
            names.join(", ")
        );
    } else {
        for (pack, evidence) in &proposal.packs {
            let evidence: Vec<&str> = evidence.iter().take(3).map(String::as_str).collect();
            let _ = writeln!(out, "# {pack}: {}", evidence.join("; "));
        }
        let names: Vec<String> = proposal.packs.keys().map(|p| format!("\"{p}\"")).collect();
        let _ = writeln!(out, "packs = [{}]\n", names.join(", "));
    }
    if let Some(first) = proposal.waffle_migrations.first() {
        let more = match proposal.waffle_migrations.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        let _ = writeln!(
            out,
            "# Waffle rows are created and deleted by migrations ({first}{more}):\n# read every migration for flag history and the migration graph.\n[django]\nmigrations = true\n"
        );
    }
    if proposal.definitions.is_empty() {
        out.push_str(
            "# No definitions file was found. Point flaglint at the module that holds your flag\n\
             # constants, for example:\n# [[definitions]]\n# side = \"backend\"\n# path = \"backend/feature_flags/flags.py\"\n\n",
        );
    }
    for (side, path) in &proposal.definitions {
        let _ = writeln!(
            out,
            "# Flag constants (string values) found in this file.\n[[definitions]]\nside = \"{}\"\npath = \"{path}\"\n",
            side.name()
        );
    }
    for check in &proposal.checks {
        let _ = writeln!(
            out,
            "# A function of yours that takes a flag key ({}).\n[[checks]]\ncall = \"{}\"\nkey = {}",
            check.evidence, check.call, check.key
        );
        if let Some(keyword) = &check.keyword {
            let _ = writeln!(out, "keyword = \"{keyword}\"");
        }
        let _ = writeln!(out, "language = \"{}\"\n", check.language.name());
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_name_their_dependencies() {
        assert_eq!(
            manifest_dependencies(
                "requirements.txt",
                "# pinned\nDjango==5.1\ndjango-waffle[extra]>=4.0 ; python_version > '3'\n-r base.txt\n"
            ),
            ["Django", "django-waffle"]
        );
        assert_eq!(
            manifest_dependencies(
                "pyproject.toml",
                "[project]\ndependencies = [\"posthog>=3\"]\n[tool.poetry.dependencies]\nUnleashClient = \"^5\"\n"
            ),
            ["posthog", "UnleashClient"]
        );
        assert_eq!(
            manifest_dependencies(
                "package.json",
                "{\"dependencies\": {\"launchdarkly-react-client-sdk\": \"^3\"}, \"devDependencies\": {\"vitest\": \"1\"}}"
            ),
            ["launchdarkly-react-client-sdk", "vitest"]
        );
        assert_eq!(
            manifest_dependencies(
                "Cargo.toml",
                "[dependencies]\nlaunchdarkly-server-sdk = \"2\"\n"
            ),
            ["launchdarkly-server-sdk"]
        );
        assert!(manifest_dependencies("package.json", "{ not json").is_empty());
    }

    #[test]
    fn check_functions_are_recognised_by_name_and_key_parameter() {
        let found = check_functions(
            "services.py",
            Language::Python,
            "def get_flag_for_user(user, flag_name, default=False):\n    pass\nclass C:\n    def is_feature_on(self, feature):\n        pass\ndef get_user(user, key):\n    pass\ndef test_flag(flag):\n    pass\n",
        );
        let calls: Vec<(&str, usize)> = found.iter().map(|c| (c.call.as_str(), c.key)).collect();
        assert_eq!(calls, [("get_flag_for_user", 1), ("is_feature_on", 0)]);
        let found = check_functions(
            "build.rs",
            Language::Rust,
            "fn flag(&mut self, flag: &str) {}\nfn env_flag(key: &str) {}\nfn flag_if_supported(&mut self, flag: &str) {}\n",
        );
        assert!(found.is_empty(), "{found:?}");
        let found = check_functions(
            "src/client.rs",
            Language::Rust,
            "impl Client {\n    pub fn is_enabled(&self, _flag: &str) -> bool { true }\n    fn len(&self) -> usize { 0 }\n}\n",
        );
        assert_eq!(found[0].call, "is_enabled");
        assert_eq!(found[0].key, 0);
        let found = check_functions(
            "a.tsx",
            Language::TypeScript,
            "const checkFeatureFlag = useCheckFeatureFlag();\nconst user = useUser();\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].call, "checkFeatureFlag");
    }

    #[test]
    fn vendored_directories() {
        assert_eq!(
            vendored_dir("vendor/legacy/old.py"),
            Some("vendor/**".to_string())
        );
        assert_eq!(
            vendored_dir("app/third_party/x.js"),
            Some("app/third_party/**".to_string())
        );
        assert_eq!(vendored_dir("app/vendor.py"), None);
    }

    #[test]
    fn definitions_paths() {
        for yes in [
            "backend/feature_flags/flags.py",
            "frontend/hooks/useFeatureFlags/types.ts",
            "service/src/flags.rs",
            "src/featureFlags.ts",
        ] {
            assert!(looks_like_definitions(yes), "{yes}");
        }
        for no in [
            "backend/users/views.py",
            "backend/feature_flags/tests/test_flags.py",
            "frontend/types.ts",
            "src/flags.test.ts",
        ] {
            assert!(!looks_like_definitions(no), "{no}");
        }
    }
}
