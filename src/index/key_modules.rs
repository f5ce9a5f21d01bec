//! The Python modules that checks take their key constants from.
//!
//! A check's key is often a constant of a module that mentions no check and no definition
//! (`from myapp.constants import NEW_NAV` then `flag_is_active(request, NEW_NAV)`): the prefilter
//! skips such a module, yet its constant is the key. After the other files are read, the modules
//! their checks import key constants from (and the modules those re-export from) are read too.

use std::collections::HashSet;

use crate::facts::{KeyExpr, ModuleRef};
use crate::index::IndexedFile;
use crate::lang::Language;

/// Rounds of re-exports followed from a check's import (`constants/__init__.py` re-exporting
/// `constants/flags.py`).
pub(crate) const MAX_ROUNDS: usize = 3;

/// The module paths (`/`-separated, no extension: `constants/feature_flags`) that a check's key in
/// `files` may be imported from: every prefix of the import's module, name and the key's member
/// chain. For files read in a later round (`reexports`), their module-level imports.
pub(crate) fn wanted_modules<'a>(
    files: impl Iterator<Item = &'a IndexedFile>,
    reexports: bool,
) -> HashSet<String> {
    let mut wanted = HashSet::new();
    for file in files.filter(|f| f.language == Language::Python) {
        let dir = file.rel.rsplit_once('/').map_or("", |(dir, _)| dir);
        let mut add = |module: &ModuleRef, tail: &[String]| {
            let ModuleRef::Python { level, dotted } = module else {
                return;
            };
            let mut segments: Vec<String> = Vec::new();
            if *level > 0 {
                let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
                for _ in 1..*level {
                    if parts.pop().is_none() {
                        return;
                    }
                }
                segments.extend(parts.iter().map(|s| s.to_string()));
            }
            let base = segments.len();
            segments.extend(
                dotted
                    .split('.')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
            segments.extend(tail.iter().cloned());
            for end in base.max(1)..=segments.len() {
                wanted.insert(segments[..end].join("/"));
            }
        };
        if reexports {
            for import in file.facts.imports.iter().filter(|i| i.reexport) {
                add(&import.module, import.name.as_slice());
            }
            continue;
        }
        for check in &file.facts.checks {
            let KeyExpr::Path(path) = &check.key else {
                continue;
            };
            for import in &file.facts.imports {
                let tail: Vec<String> = if import.local == path[0] {
                    import
                        .name
                        .iter()
                        .cloned()
                        .chain(path[1..].iter().cloned())
                        .collect()
                } else if import.local == "*" {
                    Vec::new()
                } else {
                    continue;
                };
                add(&import.module, &tail);
            }
        }
    }
    wanted
}

/// Whether the Python file `rel` is one of the `wanted` modules: its path without `.py` (or its
/// package's directory for `__init__.py`), or a tail of it starting at a directory.
pub(crate) fn is_wanted(rel: &str, wanted: &HashSet<String>) -> bool {
    let Some(stem) = rel.strip_suffix(".py") else {
        return false;
    };
    let stem = stem.strip_suffix("/__init__").unwrap_or(stem);
    if wanted.contains(stem) {
        return true;
    }
    stem.match_indices('/')
        .any(|(at, _)| wanted.contains(&stem[at + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_match_by_path_tail() {
        let wanted: HashSet<String> = ["constants/feature_flags", "app/settings"]
            .into_iter()
            .map(str::to_string)
            .collect();
        assert!(is_wanted("constants/feature_flags.py", &wanted));
        assert!(is_wanted("src/constants/feature_flags.py", &wanted));
        assert!(is_wanted(
            "src/constants/feature_flags/__init__.py",
            &wanted
        ));
        assert!(!is_wanted("src/myconstants/feature_flags.py", &wanted));
        assert!(!is_wanted("constants/feature_flags.pyi.txt", &wanted));
    }
}
