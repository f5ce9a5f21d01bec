//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::date::Date;
use crate::report::Format;

/// A fast static linter and lifecycle auditor for feature flags.
#[derive(Debug, Parser)]
#[command(name = "flaglint", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the rules and report findings.
    Check(CheckArgs),
    /// List every flag: definitions, checks and references.
    Flags(FlagsArgs),
    /// The stale-flag report: ages, environment state, readiness for removal and the steps.
    Report(ReportArgs),
    /// Remove a flag as a code change: its checks (step 1), then its definitions and row (step 2).
    ///
    /// Step 1 replaces each check with the behaviour kept and folds the code around it; step 2
    /// deletes the definitions and writes the migration that deletes the row.
    Remove(RemoveArgs),
    /// Propose a `flaglint.toml` for a repository: packs, definitions files, check functions.
    Init {
        /// The repository root.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Overwrite an existing flaglint.toml.
        #[arg(long)]
        force: bool,
        /// Print the proposal instead of writing it.
        #[arg(long)]
        stdout: bool,
        /// Write nothing: report which of the entries `init` would propose the current
        /// configuration does not model (exit 1 when some are missing).
        #[arg(long, conflicts_with_all = ["force", "stdout"])]
        check: bool,
    },
    /// Print the JSON schema of `flaglint.toml` (for editors: Taplo, Even Better TOML).
    Schema,
    /// Print flaglint's version.
    Version,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a rule's documentation, or list the rules.
    Rule {
        /// A rule id such as `undefined-flag`.
        name: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct FlagsArgs {
    /// A path in the project (default: the current directory); the whole project is listed.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// List only this flag (repeatable), with its age, lifetime and readiness.
    #[arg(long = "flag", value_name = "KEY")]
    pub flags: Vec<String>,
    #[command(flatten)]
    pub scan: ScanArgs,
}

/// Options every scanning command shares.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Output format (`concise`: one line per finding, `path:line:col: severity[rule] message`).
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Configuration file (default: `flaglint.toml` or `pyproject.toml` with `[tool.flaglint]`,
    /// searched upward from PATH).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads (default: one per core; at most 4 per core and 64 in all).
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    pub threads: usize,
    /// When to color human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Measure flag ages to this day, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date, env = "FLAGLINT_TODAY")]
    pub today: Option<Date>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A path in the project (default: the current directory); the whole project is reported.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// An environment's state export, `NAME=FILE` (`manage.py dumpdata waffle` JSON or a
    /// `{"key": true | false | percent}` map); once per environment, in rollout order.
    #[arg(long = "state", value_name = "NAME=FILE", value_parser = parse_state)]
    pub states: Vec<(String, PathBuf)>,
    /// Write the report to FILE (written whole, then moved into place) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file (default: searched upward from PATH).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads (default: one per core; at most 4 per core and 64 in all).
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    pub threads: usize,
    /// Measure flag ages to this day, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date, env = "FLAGLINT_TODAY")]
    pub today: Option<Date>,
}

/// Formats of `flaglint report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
    Markdown,
    Csv,
    Html,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date (YYYY-MM-DD)"))
}

fn parse_state(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((name, file)) if !name.is_empty() && !file.is_empty() => {
            Ok((name.to_string(), PathBuf::from(file)))
        }
        _ => Err(format!("`{text}`: expected NAME=FILE, e.g. prod=prod.json")),
    }
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The flag's key, as `flaglint flags` lists it.
    pub key: String,
    /// A path in the project (default: the current directory).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// The behaviour that stays (default: from the `--state` exports: on where the flag is on
    /// everywhere, off where it is off everywhere).
    #[arg(long, value_enum)]
    pub keep: Option<OnOff>,
    /// Which step: 1 (usages), 2 (definitions and the row's migration) or all.
    #[arg(long, value_enum, default_value_t = RemoveStep::All)]
    pub step: RemoveStep,
    /// Write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the change as a unified diff.
    #[arg(long)]
    pub diff: bool,
    /// Delete the tests of the behaviour that goes instead of listing them.
    #[arg(long)]
    pub delete_dead_tests: bool,
    /// An environment's state export, `NAME=FILE`, as for `report`.
    #[arg(long = "state", value_name = "NAME=FILE", value_parser = parse_state)]
    pub states: Vec<(String, PathBuf)>,
    /// Configuration file (default: searched upward from PATH).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    pub threads: usize,
}

/// A flag state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

/// `--step` of `flaglint remove`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RemoveStep {
    #[value(name = "1")]
    One,
    #[value(name = "2")]
    Two,
    All,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to report on (default: the current directory). The project around
    /// them is found from the first one and indexed whole.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Report only on files changed since this git revision, plus the working tree's changes and
    /// untracked files.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Hide the findings recorded in this baseline file (default: `baseline` in the config).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in this baseline file and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Write the findings to FILE (written whole, then moved into place) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when there are warnings, not only errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Exit with 0 even when there are findings (2 still means flaglint could not run).
    #[arg(long)]
    pub exit_zero: bool,
    /// Exit with 1 when there are more than N warnings.
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// Run only these rules (comma-separated ids), each at its configured or default severity.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Also run these rules (comma-separated ids), opt-in rules included.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Print the number of findings per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Print the findings and nothing else (no summary line, no notes).
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the effective settings (where they came from, every check and rule level) and exit.
    #[arg(long)]
    pub show_settings: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}
