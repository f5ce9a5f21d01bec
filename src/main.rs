//! The `flaglint` binary: parse arguments, call the library, map the outcome to an exit code.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

use flaglint::baseline::{fingerprints, Baseline};
use flaglint::changed;
use flaglint::cli::{
    CheckArgs, Cli, Color, Command, OnOff, RemoveArgs, RemoveStep, ReportArgs, ReportFormat,
    ScanArgs,
};
use flaglint::config::{self, Config, ConfigError, ConfigText};
use flaglint::date::Date;
use flaglint::project::{self, Project};
use flaglint::report::{
    ci, escape_controls, escape_source, html, human, json, lifecycle, pretty_json, Counts, Format,
};
use flaglint::rules::RuleId;
use flaglint::state;
use flaglint::{files, init, scan, Scan, ScanError, ScanOptions};

/// Exit codes: the tool ran and found no errors, found errors, or could not run.
#[derive(Clone, Copy)]
enum Exit {
    Clean = 0,
    Findings = 1,
    CouldNotRun = 2,
}

/// Why a command could not run. `main` reports it once and exits with [`Exit::CouldNotRun`].
#[derive(Debug, thiserror::Error, Diagnostic)]
enum Failure {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// No configuration, and no flag system named by the manifests either.
    #[error(
        "no flaglint.toml (or [tool.flaglint] in pyproject.toml) found in {root} or above, and no known flag system in its manifests: there is nothing to check",
        root = .0.display()
    )]
    #[diagnostic(help(
        "run `flaglint init` to propose a configuration, or pass one with --config"
    ))]
    Unconfigured(PathBuf),
    /// The configuration made of the packs the manifests name did not load.
    #[error("{0}")]
    DetectedPacks(String),
    /// The project around the path arguments.
    #[error("{0}")]
    Project(String),
    #[error("{0}")]
    ChangedSince(String),
    #[error("{0}")]
    Baseline(String),
    /// A baseline the configuration names that cannot be read or is outside the project.
    #[error("baseline: {0}")]
    BaselineOutside(String),
    #[error("{0}")]
    State(String),
    #[error(transparent)]
    Remove(#[from] flaglint::remove::RemoveError),
    #[error("no flag `{key}` in this project{}", suggestion.as_ref().map(|k| format!("; did you mean `{k}`?")).unwrap_or_default())]
    UnknownFlag {
        key: String,
        suggestion: Option<String>,
    },
    #[error("environment `{0}` is given twice")]
    EnvironmentTwice(String),
    #[error("`flags` prints human or json, not {0}")]
    FlagsFormat(String),
    #[error("{}", RuleId::unknown_message(.0))]
    UnknownRule(String),
    #[error("{path} is not a directory", path = .0.display())]
    NotADirectory(PathBuf),
    #[error(
        "{path} already exists; use --force to overwrite it, or --stdout to see the proposal",
        path = .0.display()
    )]
    ConfigExists(PathBuf),
    #[error("cannot write {path}: {source}", path = .path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot write to stdout: {0}")]
    Stdout(io::Error),
    /// The reader of stdout went away (`| head`): the document was not delivered, but this is
    /// not worth a message, as with other tools.
    #[error("stdout was closed")]
    StdoutClosed,
}

type Outcome = Result<Exit, Failure>;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                Exit::CouldNotRun as u8
            } else {
                0
            });
        }
    };
    let outcome = match cli.command {
        Command::Check(args) => run_check(&args),
        Command::Flags(args) => run_flags(args.path.as_slice(), &args.flags, &args.scan),
        Command::Report(args) => run_report(&args),
        Command::Remove(args) => run_remove(&args),
        Command::Init {
            path, check: true, ..
        } => run_init_check(&path),
        Command::Init {
            path,
            force,
            stdout,
            check: false,
        } => run_init(&path, force, stdout),
        Command::Rule { name } => print_rule(name.as_deref()),
        Command::Schema => write_stdout(&config::json_schema()).map(|()| Exit::Clean),
        Command::Version => {
            write_stdout(&format!("flaglint {}\n", env!("CARGO_PKG_VERSION"))).map(|()| Exit::Clean)
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "flaglint", &mut out);
            write_stdout(&String::from_utf8_lossy(&out)).map(|()| Exit::Clean)
        }
    };
    let exit = outcome.unwrap_or_else(|failure| {
        report_failure(&failure);
        Exit::CouldNotRun
    });
    ExitCode::from(exit as u8)
}

/// `flaglint flags`: scan and list every flag.
fn run_flags(paths: &[PathBuf], keys: &[String], args: &ScanArgs) -> Outcome {
    if !matches!(args.format, Format::Human | Format::Json) {
        return Err(Failure::FlagsFormat(format_name(args.format)));
    }
    let (project, scan) = scan_with(
        paths,
        args.config.as_deref(),
        args.threads,
        args.today,
        !keys.is_empty(),
        |_| {},
    )?;
    let only = if keys.is_empty() {
        None
    } else {
        let assessments =
            flaglint::lifecycle::assess(&scan.index, &scan.config, &scan.analysis, &[]);
        let mut chosen = std::collections::BTreeMap::new();
        for key in keys {
            let Some(a) = assessments.iter().find(|a| &a.key == key) else {
                let known = scan.index.closest_flag(key).map(str::to_string);
                return Err(Failure::UnknownFlag {
                    key: key.clone(),
                    suggestion: known,
                });
            };
            chosen.insert(
                key.clone(),
                flaglint::report::FlagLifecycle {
                    age_days: a.age_days,
                    lifetime_days: a.lifetime_days,
                    introduced_from: a.introduced_from.clone(),
                    readiness: a.readiness.name(),
                    evidence: a.evidence.clone(),
                },
            );
        }
        Some(chosen)
    };
    let output = match args.format {
        Format::Json => json::flags(&scan, &only),
        _ => human::flags(&scan, &project.display, &only),
    };
    print_notes(&scan);
    write_stdout(&output)?;
    Ok(Exit::Clean)
}

/// What `check` reports on: the path arguments' scope, narrowed to the files changed since a
/// revision when one is given.
fn check_scope(args: &CheckArgs, project: &Project) -> Result<Option<changed::Scope>, Failure> {
    let Some(rev) = &args.changed_since else {
        return Ok(project.scope.clone());
    };
    let files = changed::changed_since(&project.root, rev).map_err(Failure::ChangedSince)?;
    let files = files
        .into_iter()
        .filter(|f| project.scope.as_ref().is_none_or(|s| s.contains(f)))
        .collect();
    Ok(Some(changed::Scope {
        files,
        ..changed::Scope::default()
    }))
}

/// `flaglint check`: scan, narrow to the given files, apply the baseline, report.
fn run_check(args: &CheckArgs) -> Outcome {
    let rules = |names: &[String]| -> Result<Vec<RuleId>, Failure> {
        names
            .iter()
            .map(|name| RuleId::from_name(name).ok_or_else(|| Failure::UnknownRule(name.clone())))
            .collect()
    };
    let (select, extend_select, ignore) = (
        rules(&args.select)?,
        rules(&args.extend_select)?,
        rules(&args.ignore)?,
    );
    if args.show_settings {
        let (_, mut config) = load_config(&args.paths, args.scan.config.as_deref())?;
        config.select_rules(&select, &extend_select, &ignore);
        write_stdout(&config.describe())?;
        return Ok(Exit::Clean);
    }
    let (project, mut scan) = scan_with(
        &args.paths,
        args.scan.config.as_deref(),
        args.scan.threads,
        args.scan.today,
        false,
        |config| config.select_rules(&select, &extend_select, &ignore),
    )?;
    let scope = check_scope(args, &project)?;
    if let Some(scope) = &scope {
        changed::narrow(&mut scan, scope);
    }
    if let Some(file) = &args.write_baseline {
        let baseline = Baseline::of(&scan);
        emit(&baseline.to_json(), Some(file))?;
        eprintln!(
            "wrote {} findings ({} entries) to {}",
            scan.diagnostics.len(),
            baseline.entries.len(),
            file.display()
        );
        return Ok(Exit::Clean);
    }
    // A baseline the configuration names must be inside the project; the command line's is taken
    // as given.
    let baseline_file = match (&args.baseline, &scan.config.baseline) {
        (Some(file), _) => Some(file.clone()),
        (None, Some(file)) => Some(
            files::confine(file, &scan.config.base_dir)
                .map(|_| file.clone())
                .map_err(Failure::BaselineOutside)?,
        ),
        (None, None) => None,
    };
    if let Some(file) = baseline_file {
        let baseline = Baseline::load(&file).map_err(Failure::Baseline)?;
        let in_scope = |path: &str| scope.as_ref().is_none_or(|s| s.contains(path));
        let (hidden, stale) = baseline.apply(&mut scan, in_scope);
        scan.stats.baselined = hidden;
        if stale > 0 {
            scan.notes.push(format!(
                "{stale} baseline {} of {} no longer {}; rewrite it with --write-baseline to prune them",
                if stale == 1 { "entry" } else { "entries" },
                file.display(),
                if stale == 1 { "occurs" } else { "occur" },
            ));
        }
    }
    let output = match args.scan.format {
        _ if args.statistics => {
            let mut out = human::statistics(&scan);
            if !args.quiet {
                out.push_str(&human::summary(&scan));
            }
            out
        }
        Format::Human if args.quiet => human::concise(&scan, &project.display),
        Format::Human => human::check(&scan, style(args.scan.color), &project.display),
        Format::Concise => {
            let mut out = human::concise(&scan, &project.display);
            if !args.quiet {
                out.push_str(&human::summary(&scan));
            }
            out
        }
        Format::Json => json::check(&scan),
        Format::Sarif => ci::sarif(&scan, &fingerprints(&scan)),
        Format::Github => ci::github(&scan),
        Format::Gitlab => ci::gitlab(&scan, &fingerprints(&scan)),
        Format::Junit => ci::junit(&scan),
    };
    if !args.quiet {
        print_notes(&scan);
    }
    emit(&output, args.output.as_deref())?;
    let counts = Counts::of(&scan.diagnostics);
    let failed = counts.errors > 0
        || (args.deny_warnings && counts.warnings > 0)
        || args.max_warnings.is_some_and(|most| counts.warnings > most);
    Ok(if failed && !args.exit_zero {
        Exit::Findings
    } else {
        Exit::Clean
    })
}

fn format_name(format: Format) -> String {
    use clap::ValueEnum;
    format
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string())
}

/// Locates the project around `paths` and loads its configuration.
fn load_config(paths: &[PathBuf], config: Option<&Path>) -> Result<(Project, Config), Failure> {
    let project = project::locate(paths, config).map_err(Failure::Project)?;
    let config = match &project.config {
        Some(file) => config::load(file)?,
        None => unconfigured(&project.root)?,
    };
    Ok((project, config))
}

/// Locates the project around `paths` and scans all of it.
fn scan_with(
    paths: &[PathBuf],
    config: Option<&Path>,
    threads: usize,
    today: Option<Date>,
    date_checks: bool,
    adjust: impl FnOnce(&mut Config),
) -> Result<(Project, Scan), Failure> {
    let (project, mut config) = load_config(paths, config)?;
    adjust(&mut config);
    let scan = scan(ScanOptions {
        root: project.root.clone(),
        config,
        threads,
        today: today.unwrap_or_else(Date::today),
        date_checks,
    })?;
    Ok((project, scan))
}

/// The environments' state exports, in the order given.
fn load_states(states: &[(String, PathBuf)]) -> Result<Vec<state::Environment>, Failure> {
    let mut environments = Vec::new();
    for (name, file) in states {
        if environments
            .iter()
            .any(|e: &state::Environment| &e.name == name)
        {
            return Err(Failure::EnvironmentTwice(name.clone()));
        }
        environments.push(state::load(name, file).map_err(Failure::State)?);
    }
    Ok(environments)
}

/// `flaglint remove`: scan, assess, work out the change; print it, write it, or both.
fn run_remove(args: &RemoveArgs) -> Outcome {
    use flaglint::remove::{self, Request, Step};
    let environments = load_states(&args.states)?;
    let (_, scan) = scan_with(
        args.path.as_slice(),
        args.config.as_deref(),
        args.threads,
        None,
        false,
        |_| {},
    )?;
    print_notes(&scan);
    let assessments =
        flaglint::lifecycle::assess(&scan.index, &scan.config, &scan.analysis, &environments);
    let request = Request {
        key: args.key.clone(),
        keep: args.keep.map(|k| k == OnOff::On),
        step: match args.step {
            RemoveStep::One => Step::Usages,
            RemoveStep::Two => Step::Definitions,
            RemoveStep::All => Step::All,
        },
        delete_dead_tests: args.delete_dead_tests,
    };
    let removal = remove::plan(&scan, &assessments, &request)?;
    if args.diff {
        write_stdout(&remove::diff(&removal))?;
    }
    if !args.dry_run {
        remove::write(&scan.root, &removal)?;
    }
    let verb = if args.dry_run {
        "would change"
    } else {
        "changed"
    };
    note(format!(
        "{}: kept {}; {} check(s) rewritten, {} definition(s) deleted; {verb} {} file(s)",
        removal.key,
        if removal.keep { "on" } else { "off" },
        removal.checks,
        removal.definitions,
        removal.changes.len()
    ));
    for change in &removal.changes {
        let what = match (&change.before, &change.after) {
            (None, _) => "created",
            (_, None) => "deleted",
            _ => "edited",
        };
        note(format!("  {what} {}", change.rel));
    }
    if !removal.manual.is_empty() {
        note(format!("left to do by hand ({}):", removal.manual.len()));
        for item in &removal.manual {
            note(format!("  {item}"));
        }
    }
    Ok(Exit::Clean)
}

/// `flaglint report`: scan with dates, read the state exports, assess, write one document.
fn run_report(args: &ReportArgs) -> Outcome {
    let environments = load_states(&args.states)?;
    let (_, scan) = scan_with(
        args.path.as_slice(),
        args.config.as_deref(),
        args.threads,
        args.today,
        true,
        |_| {},
    )?;
    print_notes(&scan);
    let assessments =
        flaglint::lifecycle::assess(&scan.index, &scan.config, &scan.analysis, &environments);
    let mut document =
        lifecycle::document(&scan.index, &scan.analysis, &assessments, &environments);
    document.source_url = scan.config.source_url.as_ref().map(|url| {
        let rev = flaglint::head_revision(&scan.root).unwrap_or_else(|| "HEAD".to_string());
        url.replace("{rev}", &rev)
    });
    let text = match args.format {
        ReportFormat::Human => lifecycle::human(&document),
        ReportFormat::Json => pretty_json(&document),
        ReportFormat::Markdown => lifecycle::markdown(&document),
        ReportFormat::Csv => lifecycle::csv(&document),
        ReportFormat::Html => html::render(&document),
    };
    emit(&text, args.output.as_deref())?;
    Ok(Exit::Clean)
}

/// Without a configuration: the packs the repository's manifests name, and a note saying so;
/// with none, the run could check nothing, which is an error.
fn unconfigured(root: &Path) -> Result<Config, Failure> {
    let detected = init::detect(root, init::Depth::Manifests);
    if detected.packs.is_empty() {
        return Err(Failure::Unconfigured(root.to_path_buf()));
    }
    let names: Vec<&str> = detected.packs.keys().map(String::as_str).collect();
    note(format_args!(
        "no flaglint.toml found in {} or above; using the packs its manifests name: {} (run `flaglint init` to write a configuration)",
        root.display(),
        names.join(", ")
    ));
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    config::from_toml(
        &format!("packs = [{}]\n", quoted.join(", ")),
        root.to_path_buf(),
    )
    .map_err(|(_, e)| Failure::DetectedPacks(e))
}

fn run_init(path: &Path, force: bool, stdout: bool) -> Outcome {
    if !path.is_dir() {
        return Err(Failure::NotADirectory(path.to_path_buf()));
    }
    let target = path.join("flaglint.toml");
    if !stdout && target.exists() && !force {
        return Err(Failure::ConfigExists(target));
    }
    let (proposal, scanned) = propose(path);
    let text = init::render(&proposal);
    if stdout {
        write_stdout(&text)?;
        return Ok(Exit::Clean);
    }
    emit(&text, Some(&target))?;
    eprintln!("wrote {}", target.display());
    // What the proposal models, as `check` will see it.
    match scanned {
        Ok(scan) => {
            let (keyed, other): (Vec<_>, Vec<_>) = scan
                .index
                .checks
                .iter()
                .filter(|c| c.kind == flaglint::index::RefKind::Check)
                .partition(|c| matches!(c.key, flaglint::index::CheckKey::Key { .. }));
            let unknown = match other.len() {
                0 => String::new(),
                n => format!(" and {n} whose key is not known statically"),
            };
            let counts = flaglint::report::Counts::of(&scan.diagnostics);
            eprintln!(
                "with it, `flaglint check` sees {} flags and {} check sites in production code{unknown} ({} errors, {} warnings, {} infos); review the entries, then run `flaglint check`",
                scan.index.flags.len(),
                keyed.len(),
                counts.errors,
                counts.warnings,
                counts.infos,
            );
        }
        Err(failure) => {
            report_failure(&failure);
            eprintln!("the proposal does not load: fix it before running `flaglint check`");
        }
    }
    Ok(Exit::Clean)
}

/// What `init` proposes for `root`, and the scan made with it: a first look at the repository,
/// then a second through what the proposal sees (wrappers of one flag, check functions nothing
/// calls or that pass keys no definition declares).
fn propose(root: &Path) -> (init::Proposal, Result<Scan, Failure>) {
    let mut proposal = init::detect(root, init::Depth::Full);
    let mut scanned = scan_proposal(root, &init::render(&proposal));
    // A wrapper found in one look can show the wrappers around it in the next.
    for round in 0..=init::REVIEW_ROUNDS {
        let Ok(scan) = &scanned else {
            break;
        };
        let changed = if round < init::REVIEW_ROUNDS {
            init::review(&mut proposal, root, &scan.index, &scan.config)
        } else {
            // The last look found checks: only the definitions files are judged by them.
            init::review_definitions(&mut proposal, &scan.index)
        };
        if !changed {
            break;
        }
        scanned = scan_proposal(root, &init::render(&proposal));
    }
    (proposal, scanned)
}

/// Scans `root` with a configuration text as if it were `root/flaglint.toml`.
fn scan_proposal(root: &Path, text: &str) -> Result<Scan, Failure> {
    let mut config = config::from_toml(text, root.to_path_buf()).map_err(|(_, message)| {
        Failure::Project(format!("the proposed configuration: {message}"))
    })?;
    config.file = Some(root.join("flaglint.toml"));
    Ok(scan(ScanOptions {
        root: root.to_path_buf(),
        config,
        threads: 0,
        today: Date::today(),
        date_checks: false,
    })?)
}

/// `flaglint init --check`: which entries `init` would propose are not in the configuration.
fn run_init_check(path: &Path) -> Outcome {
    if !path.is_dir() {
        return Err(Failure::NotADirectory(path.to_path_buf()));
    }
    let project = project::locate(&[path.to_path_buf()], None).map_err(Failure::Project)?;
    let Some(file) = project.config else {
        return Err(Failure::Unconfigured(project.root));
    };
    let text = files::read_text(&file)
        .map_err(|e| Failure::Project(format!("cannot read {}: {e}", file.display())))?;
    let in_pyproject = file.file_name().is_some_and(|n| n == "pyproject.toml");
    let proposal = propose(path).0;
    let drift = init::drift(&proposal, &text, in_pyproject)
        .map_err(|e| Failure::Project(format!("{}: {e}", file.display())))?;
    for line in &drift.missing {
        println!("{line}");
    }
    eprintln!(
        "{} models {} of the {} entries `flaglint init` proposes",
        file.display(),
        drift.modelled,
        drift.proposed
    );
    Ok(if drift.missing.is_empty() {
        Exit::Clean
    } else {
        Exit::Findings
    })
}

fn style(color: Color) -> human::Style {
    let color = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    human::Style { color, width: 100 }
}

fn print_notes(scan: &Scan) {
    for text in &scan.notes {
        note(text);
    }
}

/// Prints why the command could not run on stderr: a configuration error with the offending
/// line, anything else as `error: ...` and its help. Messages quote paths and text from the
/// repository: unprintable characters are escaped.
fn report_failure(failure: &Failure) {
    match failure {
        Failure::StdoutClosed => {}
        Failure::Config(error) => eprintln!("{}", render_config_error(error).trim_end()),
        failure => {
            eprintln!("error: {}", escape_controls(&failure.to_string()));
            if let Some(help) = failure.help() {
                eprintln!("help: {help}");
            }
        }
    }
}

/// Prints a note on stderr, escaped like errors.
fn note(message: impl std::fmt::Display) {
    eprintln!("note: {}", escape_controls(&message.to_string()));
}

/// Writes a whole document to `--output FILE` (see [`files::write_atomically`]), or to stdout.
fn emit(text: &str, output: Option<&Path>) -> Result<(), Failure> {
    match output {
        None => write_stdout(text),
        Some(file) => files::write_atomically(file, text).map_err(|source| Failure::Write {
            path: file.to_path_buf(),
            source,
        }),
    }
}

/// Writes the whole document at once. Any failure means the document was not delivered: the run
/// fails.
fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| match e.kind() {
            io::ErrorKind::BrokenPipe => Failure::StdoutClosed,
            _ => Failure::Stdout(e),
        })
}

fn print_rule(name: Option<&str>) -> Outcome {
    let Some(name) = name else {
        let mut out = String::new();
        let width = RuleId::ALL
            .iter()
            .map(|r| r.name().len())
            .max()
            .unwrap_or(0);
        for rule in RuleId::ALL {
            out.push_str(&format!(
                "{:<width$} {:<13} {}\n",
                rule.name(),
                rule.default_label(),
                rule.doc().summary
            ));
        }
        write_stdout(&out)?;
        return Ok(Exit::Clean);
    };
    let rule = RuleId::from_name(name).ok_or_else(|| Failure::UnknownRule(name.to_string()))?;
    let doc = rule.doc();
    write_stdout(&format!(
        "# {}\n\ndefault: {}\n\n{}\n\n## What it does\n{}\n\n## Why is this bad?\n{}\n\n## Example\n```\n{}\n```\n\n## How to fix\n{}\n",
        rule.name(),
        rule.default_label(),
        doc.summary,
        doc.what_it_does,
        doc.why_is_this_bad,
        doc.example,
        doc.how_to_fix
    ))?;
    Ok(Exit::Clean)
}

/// A configuration error with the offending line, as miette draws it: the configuration's text
/// escaped for the terminal, and very long lines cut to a window around the span.
fn render_config_error(error: &ConfigError) -> String {
    let escape = |text: &str| escape_controls(text).into_owned();
    let (source, offset) = escape_source(&error.source_text);
    let span = error
        .span
        .as_ref()
        .map(|span| offset(span.start)..offset(span.end));
    let (excerpt, span) = flaglint::text::excerpt(&source, span);
    let shown = ConfigError {
        source_text: ConfigText::new(escape(error.source_text.name()), excerpt),
        span,
        line: error.line,
        message: escape(&error.message),
    };
    let theme = if std::io::stderr().is_terminal() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    human::render_or(&GraphicalReportHandler::new_themed(theme), &shown, || {
        shown.to_string()
    })
}
