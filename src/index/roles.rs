//! What a file is for, decided from its path and the configuration, and the paths Django gives a
//! meaning to.

use std::borrow::Cow;
use std::path::Path;

use crate::config::{Config, DefinitionSource};
use crate::index::walk::{self, SourceFile};
use crate::index::FileRole;
use crate::lang::Language;

/// Decides what a file is for: definitions (by the configuration), tests, migrations, production.
pub fn classify(file: &SourceFile, root: &Path, base_dir: &Path, config: &Config) -> FileRole {
    if let Some(source) = definition_source(file, base_dir, config) {
        return FileRole::Definitions(source.side);
    }
    let rel = walk::relative(root, &file.path);
    role_from_path(&rel, file.language)
}

/// The `[[definitions]]` entries that match a file, merged in their order (most often one).
pub(crate) fn definition_source<'c>(
    file: &SourceFile,
    base_dir: &Path,
    config: &'c Config,
) -> Option<Cow<'c, DefinitionSource>> {
    if config.definitions.is_empty() {
        return None;
    }
    let from_base = path_from(base_dir, &file.path);
    let mut matching = config.definitions.iter().filter(|d| d.matches(&from_base));
    let first = matching.next()?;
    Some(matching.fold(Cow::Borrowed(first), |merged, next| {
        Cow::Owned(merged.merged_with(next))
    }))
}

/// Test and migration files, by the conventions of each ecosystem.
pub fn role_from_path(rel: &str, language: Language) -> FileRole {
    let (dirs, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let dirs: Vec<&str> = dirs.split('/').filter(|d| !d.is_empty()).collect();
    let in_dir = |names: &[&str]| dirs.iter().any(|d| names.contains(d));
    if in_dir(&[
        "tests",
        "test",
        "unittests",
        "__tests__",
        "__mocks__",
        "__fixtures__",
        "e2e",
    ]) || dirs.iter().any(|d| is_test_support(d))
    {
        return FileRole::Test;
    }
    let stem = name.split('.').next().unwrap_or(name);
    let is_test_name = match language {
        Language::Python => {
            stem.starts_with("test_")
                || stem.ends_with("_test")
                || stem == "tests"
                || stem == "conftest"
        }
        Language::TypeScript | Language::JavaScript => {
            name.contains(".test.")
                || name.contains(".spec.")
                || name.contains(".mock.")
                || matches!(stem, "setupTests" | "setupTest")
        }
        Language::Rust => stem.ends_with("_test") || stem == "tests",
        Language::Template | Language::Yaml | Language::Json => false,
    };
    if is_test_name {
        return FileRole::Test;
    }
    if language == Language::Python && in_dir(&["migrations"]) {
        return FileRole::Migration;
    }
    FileRole::Production
}

/// A directory of helpers for tests (`test_utils`, Biome's `biome_test_utils` crate,
/// `test-helpers`, `testutils`).
fn is_test_support(dir: &str) -> bool {
    let lower = dir.to_ascii_lowercase();
    [
        "test_utils",
        "test-utils",
        "testutils",
        "test_helpers",
        "test-helpers",
        "test_support",
        "test-support",
    ]
    .iter()
    .any(|end| lower.ends_with(end))
}

/// `path` relative to `base`, `/`-separated (the whole path when it is not under `base`).
pub(crate) fn path_from(base: &Path, path: &Path) -> String {
    walk::relative(base, path)
}

/// The app directory and migration name of a migration module path, `None` for modules Django
/// does not load as migrations (`__init__.py`, `_helpers.py`, `~draft.py`) and files outside a
/// `migrations/` package.
pub fn migration_path(rel: &str) -> Option<(&str, &str)> {
    let (dirs, file) = rel.rsplit_once('/')?;
    let name = file.strip_suffix(".py")?;
    if name.starts_with(['_', '~']) {
        return None;
    }
    let app_dir = dirs.strip_suffix("/migrations")?;
    (!app_dir.is_empty()).then_some((app_dir, name))
}

/// Whether a path is a Django `apps.py` module, where app configurations live.
pub fn is_app_module(rel: &str) -> bool {
    rel == "apps.py" || rel.ends_with("/apps.py")
}

/// A Django settings module, which `django.conf.settings` reads: `settings.py`, or a module of a
/// `settings/` package (`settings/base.py`, `settings/production.py`).
pub fn is_settings_module(rel: &str) -> bool {
    let (dirs, file) = rel.rsplit_once('/').unwrap_or(("", rel));
    file == "settings.py" || (file.ends_with(".py") && dirs.rsplit('/').next() == Some("settings"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_ecosystem_conventions() {
        let cases = [
            (
                "backend/users/tests/test_views.py",
                Language::Python,
                FileRole::Test,
            ),
            (
                "backend/users/test_views.py",
                Language::Python,
                FileRole::Test,
            ),
            (
                "backend/users/views_test.py",
                Language::Python,
                FileRole::Test,
            ),
            ("backend/users/tests.py", Language::Python, FileRole::Test),
            ("backend/conftest.py", Language::Python, FileRole::Test),
            (
                "frontend/a/Button.test.tsx",
                Language::TypeScript,
                FileRole::Test,
            ),
            (
                "frontend/a/Button.spec.ts",
                Language::TypeScript,
                FileRole::Test,
            ),
            (
                "frontend/__tests__/nav.tsx",
                Language::TypeScript,
                FileRole::Test,
            ),
            ("service/tests/it.rs", Language::Rust, FileRole::Test),
            (
                "unittests/dojo_test_case.py",
                Language::Python,
                FileRole::Test,
            ),
            (
                "frontend/e2e/helpers/flags.playwright.ts",
                Language::TypeScript,
                FileRole::Test,
            ),
            (
                "src/data/apiHooks.mock.ts",
                Language::TypeScript,
                FileRole::Test,
            ),
            ("src/setupTest.js", Language::JavaScript, FileRole::Test),
            (
                "crates/biome_test_utils/src/lib.rs",
                Language::Rust,
                FileRole::Test,
            ),
            (
                "backend/users/migrations/0072_flag.py",
                Language::Python,
                FileRole::Migration,
            ),
            (
                "backend/users/views.py",
                Language::Python,
                FileRole::Production,
            ),
            (
                "backend/testing_utils.py",
                Language::Python,
                FileRole::Production,
            ),
            ("backend/contest.py", Language::Python, FileRole::Production),
            (
                "frontend/latest.ts",
                Language::TypeScript,
                FileRole::Production,
            ),
            (
                "db/migrations/001.ts",
                Language::TypeScript,
                FileRole::Production,
            ),
        ];
        for (rel, language, role) in cases {
            assert_eq!(role_from_path(rel, language), role, "{rel}");
        }
    }

    #[test]
    fn settings_modules() {
        for rel in [
            "settings.py",
            "app/settings.py",
            "app/settings/base.py",
            "settings/__init__.py",
        ] {
            assert!(is_settings_module(rel), "{rel}");
        }
        for rel in [
            "app/settings_test.py",
            "app/settings/data.json",
            "app/mysettings.py",
            "settings/x/y.py",
        ] {
            assert!(!is_settings_module(rel), "{rel}");
        }
    }

    #[test]
    fn migration_paths() {
        assert_eq!(
            migration_path("backend/users/migrations/0072_auto.py"),
            Some(("backend/users", "0072_auto"))
        );
        assert_eq!(migration_path("users/migrations/__init__.py"), None);
        assert_eq!(migration_path("users/migrations/_helpers.py"), None);
        assert_eq!(migration_path("users/migrations/sub/0001.py"), None);
        assert_eq!(migration_path("migrations/0001.py"), None);
        assert_eq!(migration_path("users/models.py"), None);
    }
}
