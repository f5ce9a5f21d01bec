//! Flag-system packs: the check shapes of one flag system (an SDK, a Django app) as data.
//!
//! Built-in packs live in `rules/*.toml` and are embedded in the binary; users enable them with
//! `packs = ["django-waffle"]` and may write their own in the same schema
//! (`packs = ["./flags/acme.toml"]`).

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{build_check, RawCheck};
use crate::lang::CheckSpec;

/// The built-in packs: name and TOML text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("configcat", include_str!("../../rules/configcat.toml")),
    (
        "django-flags",
        include_str!("../../rules/django-flags.toml"),
    ),
    (
        "django-waffle",
        include_str!("../../rules/django-waffle.toml"),
    ),
    ("flagsmith", include_str!("../../rules/flagsmith.toml")),
    ("growthbook", include_str!("../../rules/growthbook.toml")),
    (
        "launchdarkly",
        include_str!("../../rules/launchdarkly.toml"),
    ),
    ("openfeature", include_str!("../../rules/openfeature.toml")),
    ("posthog", include_str!("../../rules/posthog.toml")),
    ("split", include_str!("../../rules/split.toml")),
    ("statsig", include_str!("../../rules/statsig.toml")),
    ("unleash", include_str!("../../rules/unleash.toml")),
];

/// How to tell that a repository uses a flag system.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Detect {
    /// Distribution names in `requirements*.txt` / `pyproject.toml`.
    #[serde(default)]
    pub python_packages: Vec<String>,
    /// Top-level module names in `import x` / `from x import`.
    #[serde(default)]
    pub python_imports: Vec<String>,
    /// Package names in `package.json` dependencies.
    #[serde(default)]
    pub npm_packages: Vec<String>,
    /// Crate names in `Cargo.toml` dependencies.
    #[serde(default)]
    pub cargo_crates: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPack {
    name: String,
    summary: String,
    #[serde(default)]
    database_defined: bool,
    #[serde(default)]
    detect: Detect,
    #[serde(default)]
    checks: Vec<Spanned<RawCheck>>,
    #[serde(default)]
    tests: Vec<Spanned<RawCheck>>,
}

/// An enabled pack.
#[derive(Clone, Debug)]
pub struct Pack {
    pub name: String,
    pub summary: String,
    /// Flags of this system may exist only outside the code (a database, a vendor's dashboard):
    /// an undefined key checked through the pack is not an error unless `require_definitions`.
    pub database_defined: bool,
    pub require_definitions: bool,
    pub detect: Detect,
}

/// Loads a built-in pack by name, or a user pack from a path (relative to `base_dir`, inside the
/// project: see [`crate::files::confine`]).
pub fn load(name: &str, base_dir: &Path) -> Result<(Pack, Vec<CheckSpec>), String> {
    if let Some((_, text)) = BUILTIN.iter().find(|(builtin, _)| *builtin == name) {
        return parse(text);
    }
    let looks_like_path = name.ends_with(".toml") || name.contains('/') || name.contains('\\');
    if !looks_like_path {
        let known: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        return Err(format!(
            "no built-in pack of that name; built-in packs: {}; a pack file is given by its path, e.g. \"./flags/acme.toml\"",
            known.join(", ")
        ));
    }
    let path = crate::files::confine(&base_dir.join(name), base_dir)?;
    parse(&crate::files::read_text(&path)?)
}

/// Parses a pack's TOML; errors name the line.
pub fn parse(text: &str) -> Result<(Pack, Vec<CheckSpec>), String> {
    let at_line = |span: Option<std::ops::Range<usize>>, message: &str| match span {
        Some(span) => format!(
            "line {}: {message}",
            text[..span.start.min(text.len())].matches('\n').count() + 1
        ),
        None => message.to_string(),
    };
    let raw: RawPack = toml::from_str(text).map_err(|e| at_line(e.span(), e.message()))?;
    let mut specs = Vec::new();
    for (raw_check, test_helper) in raw
        .checks
        .into_iter()
        .map(|c| (c, false))
        .chain(raw.tests.into_iter().map(|c| (c, true)))
    {
        let mut spec =
            build_check(raw_check).map_err(|(span, message)| at_line(Some(span), &message))?;
        spec.test_helper = test_helper;
        specs.push(spec);
    }
    Ok((
        Pack {
            name: raw.name,
            summary: raw.summary,
            database_defined: raw.database_defined,
            require_definitions: false,
            detect: raw.detect,
        },
        specs,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_pack_parses_and_is_named_after_its_file() {
        for (name, text) in BUILTIN {
            let (pack, specs) = parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(pack.name, *name);
            assert!(!specs.is_empty(), "{name} declares no checks");
            assert!(!pack.summary.is_empty());
        }
    }

    #[test]
    fn every_pack_file_in_rules_is_built_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                name.strip_suffix(".toml").map(str::to_string)
            })
            .collect();
        files.sort();
        let builtin: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(files, builtin);
    }

    #[test]
    fn pack_errors_name_the_line() {
        let error =
            parse("name = \"x\"\nsummary = \"y\"\n[[checks]]\ncal = \"f\"\nkey = 0\n").unwrap_err();
        assert!(error.starts_with("line 4"), "{error}");
        let error = parse("name = \"x\"\nsummary = \"y\"\n[[checks]]\ncall = \"f\"\nkey = -2\n")
            .unwrap_err();
        assert!(error.starts_with("line 5"), "{error}");
    }

    #[test]
    fn user_packs_load_from_paths_and_unknown_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("acme.toml"),
            "name = \"acme\"\nsummary = \"in-house\"\n[[checks]]\ncall = \"acme_flag\"\nkey = 0\n[[tests]]\ncall = \"acme_override\"\nkey = 0\n",
        )
        .unwrap();
        let (pack, specs) = load("./acme.toml", dir.path()).unwrap();
        assert_eq!(pack.name, "acme");
        assert!(!specs[0].test_helper && specs[1].test_helper);
        assert!(load("no-such-pack", dir.path())
            .unwrap_err()
            .contains("built-in packs"));
        assert!(load("./missing.toml", dir.path())
            .unwrap_err()
            .contains("cannot read"));
    }
}
