//! The file walk: which files flaglint reads, in a sorted, deterministic list.
//!
//! `.gitignore`, `.ignore` and the config's `exclude` patterns are honoured (also outside a git
//! repository); hidden files and `node_modules` are skipped; symbolic links are not followed, so
//! link loops cannot trap the walk.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};

use crate::lang::{self, Grammar, Language};

/// A source file flaglint will consider.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Relative to the scanned root, `/`-separated.
    pub rel: String,
    pub grammar: Grammar,
    pub language: Language,
    pub size: u64,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<SourceFile>,
    /// Source files over the size cap, never read.
    pub too_large: Vec<String>,
    /// Directories or entries the walk could not read, with the reason.
    pub errors: Vec<String>,
    /// `latest_migrations/<app>` files naming an app's newest Django migration.
    pub markers: Vec<SourceMarker>,
    /// Source files in languages flaglint does not read (Go, Java, Ruby...): a flag that only
    /// they spell may still be in use.
    pub foreign: Vec<SourceMarker>,
}

/// Extensions of source files (code and templates) in languages flaglint does not read.
const FOREIGN_EXTENSIONS: &[&str] = &[
    "go", "java", "kt", "kts", "scala", "groovy", "cs", "fs", "vb", "rb", "erb", "haml", "slim",
    "php", "twig", "swift", "m", "mm", "c", "cc", "cpp", "h", "hpp", "dart", "lua", "ex", "exs",
    "erl", "clj", "hs", "ml", "r", "pl", "sh", "bash", "ps1", "mako", "hbs", "ejs", "elm",
];

/// A `latest_migrations/<app>` file.
#[derive(Clone, Debug)]
pub struct SourceMarker {
    pub path: PathBuf,
    pub rel: String,
}

/// Directory names never worth scanning, whatever the ignore files say.
const ALWAYS_SKIPPED: &[&str] = &["node_modules", ".git"];

/// A directory of [`ALWAYS_SKIPPED`].
fn always_skipped(entry: &ignore::DirEntry) -> bool {
    entry.file_type().is_some_and(|t| t.is_dir())
        && ALWAYS_SKIPPED
            .iter()
            .any(|name| entry.file_name() == std::ffi::OsStr::new(name))
}

/// Walks `root` in parallel and returns the source files sorted by relative path.
pub fn walk(
    root: &Path,
    base_dir: &Path,
    exclude: &[String],
    max_file_size: u64,
    threads: usize,
) -> Result<Walked, ignore::Error> {
    let mut overrides = OverrideBuilder::new(base_dir);
    for pattern in exclude {
        overrides.add(&format!("!{pattern}"))?;
    }
    let overrides = overrides.build()?;

    let found = Mutex::new(Walked::default());
    WalkBuilder::new(root)
        .require_git(false)
        .follow_links(false)
        .overrides(overrides)
        .threads(threads)
        .filter_entry(|entry| !always_skipped(entry))
        .build_parallel()
        .run(|| {
            let found = &found;
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => {
                        lock(found).errors.push(error.to_string());
                        return WalkState::Continue;
                    }
                };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return WalkState::Continue;
                }
                let Some((grammar, language)) = lang::detect(entry.path()) else {
                    let marker = || SourceMarker {
                        path: entry.path().to_path_buf(),
                        rel: relative(root, entry.path()),
                    };
                    if is_marker(entry.path()) {
                        lock(found).markers.push(marker());
                    } else if is_foreign(entry.path())
                        && entry.metadata().is_ok_and(|m| m.len() <= max_file_size)
                    {
                        lock(found).foreign.push(marker());
                    }
                    return WalkState::Continue;
                };
                let rel = relative(root, entry.path());
                match entry.metadata() {
                    Ok(meta) if meta.len() > max_file_size => lock(found).too_large.push(rel),
                    Ok(meta) => lock(found).files.push(SourceFile {
                        path: entry.path().to_path_buf(),
                        rel,
                        grammar,
                        language,
                        size: meta.len(),
                    }),
                    Err(error) => lock(found).errors.push(format!("{rel}: {error}")),
                }
                WalkState::Continue
            })
        });

    let mut walked = found.into_inner().unwrap_or_else(|e| e.into_inner());
    walked.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    walked.too_large.sort();
    walked.errors.sort();
    walked.markers.sort_by(|a, b| a.rel.cmp(&b.rel));
    walked.foreign.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(walked)
}

/// A source file under `root` that the walk left out because of ignore files or exclude patterns
/// (hidden files and [`ALWAYS_SKIPPED`] directories aside), if any: the first in name order.
pub fn first_ignored_source(root: &Path) -> Option<String> {
    WalkBuilder::new(root)
        .sort_by_file_name(|a, b| a.cmp(b))
        .standard_filters(false)
        .hidden(true)
        .follow_links(false)
        .filter_entry(|entry| !always_skipped(entry))
        .build()
        .filter_map(Result::ok)
        .find(|entry| {
            entry.file_type().is_some_and(|t| t.is_file()) && lang::detect(entry.path()).is_some()
        })
        .map(|entry| relative(root, entry.path()))
}

/// Whether flaglint reads a file of this path: a source file or a `latest_migrations/<app>` file.
pub fn is_read(path: &Path) -> bool {
    lang::detect(path).is_some() || is_marker(path)
}

/// `latest_migrations/<app>`: a file without extension in a directory of that name.
fn is_foreign(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| FOREIGN_EXTENSIONS.contains(&e))
}

fn is_marker(path: &Path) -> bool {
    path.extension().is_none()
        && path
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|name| name == "latest_migrations")
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// `path` relative to `root`, with `/` separators (the file name itself when `root` is the file).
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel = if rel.as_os_str().is_empty() {
        path.file_name().map(Path::new).unwrap_or(path)
    } else {
        rel
    };
    rel.components()
        .map(|c| component_text(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

/// A path component as text. Bytes that are not UTF-8 are written `\xNN`, so that names differing
/// only in them stay apart (a lossy decoding would make them one `\u{fffd}`).
fn component_text(name: &std::ffi::OsStr) -> std::borrow::Cow<'_, str> {
    #[cfg(unix)]
    {
        use std::fmt::Write as _;
        use std::os::unix::ffi::OsStrExt;
        let bytes = name.as_bytes();
        if let Ok(text) = std::str::from_utf8(bytes) {
            return text.into();
        }
        let mut text = String::with_capacity(bytes.len() + 8);
        for chunk in bytes.utf8_chunks() {
            text.push_str(chunk.valid());
            for byte in chunk.invalid() {
                let _ = write!(text, "\\x{byte:02x}");
            }
        }
        text.into()
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn honours_ignore_files_excludes_and_size_cap() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".gitignore", "generated/\n");
        write(root, ".ignore", "scratch.py\n");
        write(root, "app/views.py", "x = 1\n");
        write(root, "app/ui.tsx", "x\n");
        write(root, "generated/out.py", "x = 1\n");
        write(root, "scratch.py", "x = 1\n");
        write(root, "vendor/lib.py", "x = 1\n");
        write(root, "node_modules/pkg/index.js", "x\n");
        write(root, "big.py", &"#".repeat(200));
        write(root, "README.md", "# readme\n");
        write(root, "backend/latest_migrations/users", "0072_x\n");
        let walked = walk(root, root, &["vendor/**".to_string()], 100, 2).unwrap();
        let rels: Vec<_> = walked.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["app/ui.tsx", "app/views.py"]);
        assert_eq!(walked.too_large, ["big.py"]);
        assert_eq!(walked.files[0].grammar, Grammar::Tsx);
        let markers: Vec<_> = walked.markers.iter().map(|m| m.rel.as_str()).collect();
        assert_eq!(markers, ["backend/latest_migrations/users"]);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_do_not_trap_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a/x.py", "x = 1\n");
        std::os::unix::fs::symlink(root.join("a"), root.join("a/loop")).unwrap();
        let walked = walk(root, root, &[], 1 << 20, 2).unwrap();
        assert_eq!(walked.files.len(), 1);
    }

    #[test]
    fn sources_left_out_by_ignore_files_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".hidden.py", "x = 1\n");
        write(root, "node_modules/pkg/index.js", "x\n");
        write(root, "README.md", "# readme\n");
        assert_eq!(first_ignored_source(root), None);
        write(root, ".gitignore", "*\n");
        write(root, "app/views.py", "x = 1\n");
        assert!(walk(root, root, &[], 1 << 20, 1).unwrap().files.is_empty());
        assert_eq!(first_ignored_source(root).as_deref(), Some("app/views.py"));
    }

    #[test]
    fn relative_paths_use_forward_slashes() {
        assert_eq!(relative(Path::new("/r"), Path::new("/r/a/b.py")), "a/b.py");
        assert_eq!(relative(Path::new("/r/b.py"), Path::new("/r/b.py")), "b.py");
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_stay_distinct() {
        use std::os::unix::ffi::OsStrExt;
        let name = |bytes: &[u8]| Path::new("/r").join(std::ffi::OsStr::from_bytes(bytes));
        let a = relative(Path::new("/r"), &name(b"caf\xe9/x\xff.py"));
        let b = relative(Path::new("/r"), &name(b"caf\xe9/x\xfe.py"));
        assert_eq!(a, "caf\\xe9/x\\xff.py");
        assert_ne!(a, b);
        assert_eq!(relative(Path::new("/r"), &name("é.py".as_bytes())), "é.py");
    }
}
