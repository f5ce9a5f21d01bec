//! Where a run happens: the project root, its configuration, and what the path arguments narrow.
//!
//! The root is the directory of the configuration (given with `--config`, or found by searching
//! upward from the first path argument, else from the current directory), else the git work tree
//! around it, else the directory given. The whole project is always indexed; path arguments,
//! files or directories, one or many, and the current directory when it is below the root, only
//! narrow what is reported.

use std::path::{Component, Path, PathBuf};

use crate::config;
use crate::diagnostics::changed::Scope;

/// The project a run is about.
#[derive(Debug)]
pub struct Project {
    /// The root, canonical.
    pub root: PathBuf,
    /// The configuration file, if any.
    pub config: Option<PathBuf>,
    /// What to report on (`None`: the whole project).
    pub scope: Option<Scope>,
    /// How to show root-relative paths to a person: relative to the current directory.
    pub display: PathDisplay,
}

/// Finds the project for `paths` (none: the current directory) and the optional `--config` file.
pub fn locate(paths: &[PathBuf], config: Option<&Path>) -> Result<Project, String> {
    let cwd = std::env::current_dir()
        .and_then(|d| d.canonicalize())
        .map_err(|e| format!("cannot read the current directory: {e}"))?;
    let mut absolute = Vec::with_capacity(paths.len());
    for path in paths {
        let canonical = path
            .canonicalize()
            .map_err(|_| format!("{} does not exist", path.display()))?;
        absolute.push((path, canonical));
    }
    let start = absolute.first().map_or(cwd.clone(), |(_, a)| a.clone());
    let start_dir = if start.is_dir() {
        start.clone()
    } else {
        start.parent().map_or(start.clone(), Path::to_path_buf)
    };
    let config = match config {
        Some(file) => Some(
            file.canonicalize()
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?,
        ),
        None => config::discover(&start_dir),
    };
    let root = match config.as_ref().and_then(|c| c.parent()) {
        Some(dir) => dir.to_path_buf(),
        None => match crate::git::toplevel(&start_dir).and_then(|t| t.canonicalize().ok()) {
            Some(top) => top,
            None if start.is_dir() => start.clone(),
            None => {
                return Err(format!(
                    "{} is outside any project: no flaglint.toml (or pyproject.toml with [tool.flaglint]) above it and no git work tree around it",
                    display_arg(absolute.first().map(|(p, _)| p.as_path()), &start)
                ))
            }
        },
    };
    let mut scope = Scope::default();
    let mut whole = false;
    for (path, canonical) in &absolute {
        let Ok(rel) = canonical.strip_prefix(&root) else {
            return Err(format!(
                "{} is outside the project at {}",
                path.display(),
                root.display()
            ));
        };
        let rel = crate::index::walk::relative(Path::new(""), rel);
        if canonical.is_dir() {
            if rel.is_empty() || rel == "." {
                whole = true;
            } else {
                scope.dirs.insert(rel);
            }
        } else {
            scope.files.insert(rel);
        }
    }
    if absolute.is_empty() {
        // From a subdirectory, a run reports on that directory.
        match cwd.strip_prefix(&root) {
            Ok(rel) if !rel.as_os_str().is_empty() => {
                scope
                    .dirs
                    .insert(crate::index::walk::relative(Path::new(""), rel));
            }
            _ => whole = true,
        }
    }
    Ok(Project {
        display: PathDisplay::new(&root, &cwd),
        root,
        config,
        scope: (!whole).then_some(scope),
    })
}

fn display_arg(arg: Option<&Path>, fallback: &Path) -> String {
    arg.unwrap_or(fallback).display().to_string()
}

/// Shows root-relative, `/`-separated paths relative to the current directory.
#[derive(Clone, Debug, Default)]
pub struct PathDisplay {
    root: PathBuf,
    cwd: PathBuf,
}

impl PathDisplay {
    pub fn new(root: &Path, cwd: &Path) -> PathDisplay {
        PathDisplay {
            root: root.to_path_buf(),
            cwd: cwd.to_path_buf(),
        }
    }

    /// `rel` (relative to the root) as seen from the current directory.
    pub fn show(&self, rel: &str) -> String {
        if self.root == self.cwd || rel.is_empty() {
            return rel.to_string();
        }
        relative_path(&self.root.join(rel), &self.cwd)
    }
}

/// `path` relative to `base`, both absolute and canonical, `/`-separated ("" when equal).
pub fn relative_path(path: &Path, base: &Path) -> String {
    let path: Vec<Component> = path.components().collect();
    let base: Vec<Component> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let ups = base.len() - common;
    let mut parts: Vec<String> = vec!["..".to_string(); ups];
    parts.extend(
        path[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_from_the_current_directory() {
        let root = Path::new("/r");
        let at_root = PathDisplay::new(root, root);
        assert_eq!(at_root.show("a/b.py"), "a/b.py");
        let below = PathDisplay::new(root, Path::new("/r/a"));
        assert_eq!(below.show("a/b.py"), "b.py");
        assert_eq!(below.show("c/d.ts"), "../c/d.ts");
        let above = PathDisplay::new(root, Path::new("/"));
        assert_eq!(above.show("a/b.py"), "r/a/b.py");
        let beside = PathDisplay::new(root, Path::new("/s/t"));
        assert_eq!(beside.show("a.py"), "../../r/a.py");
    }
}
