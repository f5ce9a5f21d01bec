//! What becomes of the rules' diagnostics before they are reported: suppression comments, the
//! baseline, and narrowing to the files asked about.

pub mod baseline;
pub mod changed;
pub mod sources;
pub(crate) mod suppress;

use std::path::PathBuf;

use crate::analysis::Analysis;
use crate::config::Config;
use crate::index::Index;
use crate::rules::Diagnostic;

/// Counts for the summary.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Stats {
    /// Source files walked (after ignore files, excludes and the size cap).
    pub files: usize,
    /// Files that passed the prefilter and were parsed.
    pub parsed: usize,
    pub skipped_too_large: usize,
    pub skipped_binary: usize,
    pub unreadable: usize,
    /// Diagnostics hidden by suppression comments.
    pub suppressed: usize,
    /// Diagnostics hidden by the baseline.
    pub baselined: usize,
}

/// The result of a scan: the index, the models derived from it, the diagnostics (sorted) and the
/// counts.
pub struct Scan {
    pub root: PathBuf,
    pub index: Index,
    pub analysis: Analysis,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
    /// Things the user should know that are not findings (unreadable files, patterns that matched
    /// nothing), sorted.
    pub notes: Vec<String>,
    /// The configuration the scan ran with.
    pub config: Config,
}
