//! Dependency manifests (`requirements*.txt` with their includes, `pyproject.toml`, `package.json`,
//! `Cargo.toml`), Python imports and vendored directories: what says which packs apply.

use super::*;

/// The dependency manifests among `files`: `pyproject.toml`, `package.json`, `Cargo.toml`, and
/// requirement files (`requirements*.txt`, `requirements/*.txt|*.in`, and the files they include
/// with `-r`/`-c`), outside tests, fixtures and vendored directories (a test fixture's manifest
/// says nothing about the repository's own flag system).
pub(super) fn manifest_files(files: &[(String, PathBuf)]) -> HashSet<&str> {
    let is_requirements = |rel: &str| {
        let (dirs, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        (name.starts_with("requirements") && (name.ends_with(".txt") || name.ends_with(".in")))
            || (dirs.rsplit('/').next() == Some("requirements")
                && (name.ends_with(".txt") || name.ends_with(".in")))
    };
    let own = |rel: &str| !in_tests_or_fixtures(rel) && vendored_dir(rel).is_none();
    let mut manifests: HashSet<&str> = files
        .iter()
        .map(|(rel, _)| rel.as_str())
        .filter(|rel| own(rel))
        .filter(|rel| {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            is_requirements(rel) || matches!(name, "pyproject.toml" | "package.json" | "Cargo.toml")
        })
        .collect();
    // `-r base.txt` / `-c constraints.txt` includes, relative to the including file.
    let mut pending: Vec<&str> = manifests
        .iter()
        .copied()
        .filter(|r| is_requirements(r))
        .collect();
    while let Some(rel) = pending.pop() {
        let Some((_, path)) = files.iter().find(|(r, _)| r == rel) else {
            continue;
        };
        let Ok(text) = crate::files::read_text(path) else {
            continue;
        };
        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        for line in text.lines() {
            let line = line.trim();
            let Some(target) = ["-r", "--requirement", "-c", "--constraint"]
                .iter()
                .find_map(|flag| line.strip_prefix(flag))
                .map(|t| t.trim_start_matches('=').trim())
            else {
                continue;
            };
            let joined = normalize_path(&if dir.is_empty() {
                target.to_string()
            } else {
                format!("{dir}/{target}")
            });
            if let Some((included, _)) = files.iter().find(|(r, _)| *r == joined) {
                if manifests.insert(included.as_str()) {
                    pending.push(included.as_str());
                }
            }
        }
    }
    manifests
}

/// `a/b/../c/./d` -> `a/c/d`.
pub(super) fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// Source and manifest files under `root`, honouring ignore files, sorted.
pub(super) fn list_files(root: &Path) -> Vec<(String, PathBuf)> {
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

pub(super) fn normalize(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

/// Dependency names declared by a manifest.
pub(super) fn manifest_dependencies(file_name: &str, text: &str) -> Vec<String> {
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
            let requirement_lists = |value: Option<&toml::Value>| -> Vec<String> {
                value
                    .and_then(|v| v.as_table())
                    .into_iter()
                    .flat_map(|groups| groups.values())
                    .filter_map(|group| group.as_array())
                    .flatten()
                    .filter_map(|d| d.as_str())
                    .map(requirement_name)
                    .collect()
            };
            // `[project.optional-dependencies]` and `[dependency-groups]` (PEP 735).
            names.extend(requirement_lists(
                table
                    .get("project")
                    .and_then(|p| p.get("optional-dependencies")),
            ));
            names.extend(requirement_lists(table.get("dependency-groups")));
            let poetry = table.get("tool").and_then(|t| t.get("poetry"));
            if let Some(dependencies) = poetry
                .and_then(|p| p.get("dependencies"))
                .and_then(|d| d.as_table())
            {
                names.extend(dependencies.keys().cloned());
            }
            // `[tool.poetry.group.<name>.dependencies]`
            for group in poetry
                .and_then(|p| p.get("group"))
                .and_then(|g| g.as_table())
                .into_iter()
                .flat_map(|groups| groups.values())
            {
                if let Some(dependencies) = group.get("dependencies").and_then(|d| d.as_table()) {
                    names.extend(dependencies.keys().cloned());
                }
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
pub(super) fn requirement_name(line: &str) -> String {
    line.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .next()
        .unwrap_or("")
        .to_string()
}

/// Modules named by `import x` / `from x import y` lines.
pub(super) fn python_imports(text: &str) -> Vec<String> {
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
pub(super) fn vendored_dir(rel: &str) -> Option<String> {
    let segments: Vec<&str> = rel.split('/').collect();
    // A committed bundle (`web/dist/apps/app/790.js`) is built from sources scanned already.
    let bundle = [".js", ".mjs", ".cjs"].iter().any(|ext| rel.ends_with(ext));
    let at = segments[..segments.len().saturating_sub(1)]
        .iter()
        .position(|s| {
            matches!(*s, "vendor" | "vendored" | "third_party" | "third-party")
                || (bundle && *s == "dist")
        })?;
    Some(format!("{}/**", segments[..=at].join("/")))
}
