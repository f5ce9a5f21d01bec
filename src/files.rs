//! The files flaglint is handed, as opposed to the sources it scans: inputs read whole (the
//! configuration, packs, baselines, state exports) and outputs (`--output`, baselines,
//! `flaglint.toml`).
//!
//! Inputs must be regular files no larger than [`MAX_INPUT_SIZE`], so that a name such as
//! `/dev/zero` or a runaway export cannot exhaust memory. A path a configuration names must stay
//! inside the project ([`confine`]). Outputs are written to a temporary file created exclusively
//! beside the target, then renamed over it: a reader sees the old file or the new one, never a
//! part; the temporary file is removed on any error and when SIGINT, SIGTERM or SIGHUP stops the
//! process (which then exits with 128 + the signal's number).

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The largest input read whole: 64 MiB.
pub const MAX_INPUT_SIZE: u64 = 64 * 1024 * 1024;

/// Reads a regular file of at most [`MAX_INPUT_SIZE`] bytes as UTF-8 text. Errors say why, without
/// quoting the file.
pub fn read_text(path: &Path) -> Result<String, String> {
    read_text_limited(path, MAX_INPUT_SIZE)
}

fn read_text_limited(path: &Path, limit: u64) -> Result<String, String> {
    let fail = |why: String| format!("cannot read {}: {why}", path.display());
    // Refused before opening: opening a FIFO would wait for a writer.
    let size =
        regular_size(&std::fs::metadata(path).map_err(|e| fail(e.to_string()))?).map_err(fail)?;
    let file = File::open(path).map_err(|e| fail(e.to_string()))?;
    // The file opened may not be the one looked at.
    regular_size(&file.metadata().map_err(|e| fail(e.to_string()))?).map_err(fail)?;
    let too_large = |size: u64| {
        fail(format!(
            "it is {}, over the limit of {} for an input file",
            megabytes(size),
            megabytes(limit)
        ))
    };
    if size > limit {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // One byte past the limit tells a file that grew while being read.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "it is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn regular_size(metadata: &std::fs::Metadata) -> Result<u64, String> {
    if metadata.is_file() {
        Ok(metadata.len())
    } else if metadata.is_dir() {
        Err("it is a directory".to_string())
    } else {
        Err("it is not a regular file".to_string())
    }
}

fn megabytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes.is_multiple_of(MIB) {
        format!("{} MB", bytes / MIB)
    } else {
        format!("{:.1} MB", bytes as f64 / MIB as f64)
    }
}

/// `path`, resolved, when it lies inside the project around `base_dir`: the configuration's
/// directory, or the git work tree that holds it. A file a configuration names outside of it (an
/// absolute path, `../`, a symbolic link leading out) is refused; the command line may name any
/// file.
pub fn confine(path: &Path, base_dir: &Path) -> Result<PathBuf, String> {
    let real = path
        .canonicalize()
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let base = base_dir
        .canonicalize()
        .unwrap_or_else(|_| base_dir.to_path_buf());
    if real.starts_with(&base) {
        return Ok(real);
    }
    let project = crate::git::toplevel(&base)
        .and_then(|top| top.canonicalize().ok())
        .unwrap_or(base);
    if real.starts_with(&project) {
        return Ok(real);
    }
    Err(format!(
        "{} is outside the project at {}; a configuration names files inside its project only",
        path.display(),
        project.display()
    ))
}

/// Writes `text` to `path` whole, or not at all (see the module's documentation).
pub fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let mut pending = PendingFile::create(path)?;
    pending.write_all(text.as_bytes())?;
    pending.commit()
}

/// A temporary file beside its target, removed unless committed.
pub struct PendingFile {
    /// `None` once committed.
    temporary: Option<tempfile::NamedTempFile>,
    target: PathBuf,
}

impl PendingFile {
    /// Creates the temporary file (never through an existing name or a symbolic link), with the
    /// permissions a new file gets.
    pub fn create(target: &Path) -> io::Result<PendingFile> {
        remove_on_signal();
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let prefix = format!(
            ".{}.",
            target
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // As `File::create` asks: the process's umask then applies.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        // Held until the file is registered, so that a signal handler cannot miss it.
        let mut live = live_files();
        let temporary = builder.tempfile_in(dir)?;
        live.push(temporary.path().to_path_buf());
        Ok(PendingFile {
            temporary: Some(temporary),
            target: target.to_path_buf(),
        })
    }

    /// The temporary file's path.
    pub fn path(&self) -> Option<&Path> {
        self.temporary.as_ref().map(|t| t.path())
    }

    fn file(&mut self) -> io::Result<&mut tempfile::NamedTempFile> {
        self.temporary
            .as_mut()
            .ok_or_else(|| io::Error::other("the file was already moved into place"))
    }

    /// Flushes the text to disk and moves it over the target.
    pub fn commit(mut self) -> io::Result<()> {
        self.file()?.as_file().sync_all()?;
        let Some(temporary) = self.temporary.take() else {
            return Ok(());
        };
        // Held across the rename: a signal handler waits, then finds nothing left to remove.
        let mut live = live_files();
        live.retain(|p| p != temporary.path());
        // On failure the temporary file is dropped with the error, which removes it.
        temporary
            .persist(&self.target)
            .map(drop)
            .map_err(|e| e.error)
    }
}

impl Write for PendingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file()?.flush()
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if let Some(temporary) = self.temporary.take() {
            let mut live = live_files();
            live.retain(|p| p != temporary.path());
            // Removed while the list is held, like a committed file is renamed.
            drop(temporary);
        }
    }
}

/// Temporary files not yet moved into place.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live_files() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes every temporary file not yet moved into place.
fn remove_live_files() {
    for path in live_files().drain(..) {
        let _ = std::fs::remove_file(path);
    }
}

/// Installs, once, a handler of SIGINT, SIGTERM and SIGHUP that removes the live temporary files
/// and exits with 128 + the signal's number.
#[cfg(unix)]
fn remove_on_signal() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("flaglint-signals".to_string())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    remove_live_files();
                    std::process::exit(128 + signal);
                }
            });
    });
}

#[cfg(not(unix))]
fn remove_on_signal() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_atomic_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flaglint.toml");
        write_atomically(&path, "packs = []\n").unwrap();
        write_atomically(&path, "packs = [\"x\"]\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "packs = [\"x\"]\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(live_files().is_empty());
    }

    #[test]
    fn an_uncommitted_or_failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.sarif");
        let mut pending = PendingFile::create(&target).unwrap();
        pending.write_all(b"{\"partial\":").unwrap();
        let temporary = pending.path().unwrap().to_path_buf();
        assert!(temporary.exists());
        assert!(live_files().contains(&temporary));
        drop(pending);
        assert!(!temporary.exists());
        assert!(!live_files().contains(&temporary));
        // A target that cannot be replaced: a directory of that name.
        std::fs::create_dir(&target).unwrap();
        assert!(write_atomically(&target, "{}").is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // No directory to write in.
        assert!(write_atomically(&dir.path().join("missing/out.json"), "{}").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symbolic_link_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let target = dir.path().join("report.html");
        // Every name the old scheme could pick, and a few more.
        for name in [
            format!(".report.html.tmp-{}", std::process::id()),
            ".report.html.tmp".to_string(),
        ] {
            std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
        }
        write_atomically(&target, "<html>").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "<html>");
    }

    #[cfg(unix)]
    #[test]
    fn outputs_get_the_permissions_of_a_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        write_atomically(&path, "{}").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        let plain = dir.path().join("plain");
        std::fs::write(&plain, "").unwrap();
        let expected = std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, expected);
    }

    #[test]
    fn inputs_are_bounded_regular_text_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, "0123456789").unwrap();
        assert_eq!(read_text_limited(&path, 10).unwrap(), "0123456789");
        let error = read_text_limited(&path, 9).unwrap_err();
        assert!(error.contains("over the limit"), "{error}");
        assert!(read_text(dir.path()).unwrap_err().contains("directory"));
        std::fs::write(&path, b"key\xff").unwrap();
        assert!(read_text(&path).unwrap_err().contains("not UTF-8"));
        #[cfg(unix)]
        {
            let error = read_text(Path::new("/dev/zero")).unwrap_err();
            assert!(error.contains("not a regular file"), "{error}");
        }
    }

    #[test]
    fn configurations_name_files_inside_their_project_only() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        std::fs::create_dir_all(project.join("packs")).unwrap();
        std::fs::write(project.join("packs/acme.toml"), "").unwrap();
        std::fs::write(dir.path().join("secret"), "key").unwrap();
        assert!(confine(&project.join("packs/acme.toml"), &project).is_ok());
        let error = confine(&project.join("../secret"), &project).unwrap_err();
        assert!(error.contains("outside the project"), "{error}");
        assert!(!error.contains("key"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret"), project.join("link.toml"))
                .unwrap();
            assert!(confine(&project.join("link.toml"), &project).is_err());
        }
    }
}
