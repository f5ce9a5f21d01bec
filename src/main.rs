//! The `flaglint` binary: parse arguments, call the library, map the outcome to an exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use flaglint::baseline::{fingerprints, Baseline};
use flaglint::changed;
use flaglint::cli::{CheckArgs, Cli, Color, Command, ReportArgs, ReportFormat, ScanArgs};
use flaglint::config::{self, Config, ConfigError};
use flaglint::date::Date;
use flaglint::project::{self, Project};
use flaglint::report::{
    ci, escape_controls, escape_source, html, human, json, lifecycle, Counts, Format,
};
use flaglint::rules::RuleId;
use flaglint::state;
use flaglint::{files, init, scan, Scan, ScanOptions};

/// Exit codes: the tool ran and found no errors, found errors, or could not run.
#[derive(Clone, Copy)]
enum Exit {
    Clean = 0,
    Findings = 1,
    CouldNotRun = 2,
}

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
    let exit = match cli.command {
        Command::Check(args) => run_check(&args),
        Command::Flags(args) => {
            run_scan(args.path.as_slice(), &args.scan).and_then(|(project, scan)| {
                let output = match args.scan.format {
                    Format::Human => human::flags(&scan, &project.display),
                    Format::Json => json::flags(&scan),
                    other => {
                        error(format_args!(
                            "`flags` prints human or json, not {}",
                            format_name(other)
                        ));
                        return Err(());
                    }
                };
                print_notes(&scan);
                write_stdout(&output)?;
                Ok(Exit::Clean)
            })
        }
        Command::Report(args) => run_report(&args),
        Command::Init {
            path,
            force,
            stdout,
        } => Ok(run_init(&path, force, stdout)),
        Command::Rule { name } => print_rule(name.as_deref()),
    };
    ExitCode::from(exit.unwrap_or(Exit::CouldNotRun) as u8)
}

/// What `check` reports on: the path arguments' scope, narrowed to the files changed since a
/// revision when one is given.
fn check_scope(args: &CheckArgs, project: &Project) -> Result<Option<changed::Scope>, ()> {
    let Some(rev) = &args.changed_since else {
        return Ok(project.scope.clone());
    };
    let files = changed::changed_since(&project.root, rev).map_err(error)?;
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
fn run_check(args: &CheckArgs) -> Result<Exit, ()> {
    let (project, mut scan) = run_scan(&args.paths, &args.scan)?;
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
                .map_err(|e| error(format_args!("baseline: {e}")))?,
        ),
        (None, None) => None,
    };
    if let Some(file) = baseline_file {
        let baseline = Baseline::load(&file).map_err(error)?;
        let in_scope = |path: &str| scope.as_ref().is_none_or(|s| s.contains(path));
        let (hidden, stale) = baseline.apply(&mut scan, in_scope);
        scan.stats.baselined = hidden;
        if stale > 0 {
            scan.notes.push(format!(
                "{stale} baseline {} of {} no longer occur; rewrite it with --write-baseline to prune them",
                if stale == 1 { "entry" } else { "entries" },
                file.display()
            ));
        }
    }
    let output = match args.scan.format {
        Format::Human => human::check(&scan, style(args.scan.color), &project.display),
        Format::Json => json::check(&scan),
        Format::Sarif => ci::sarif(&scan, &fingerprints(&scan)),
        Format::Github => ci::github(&scan),
        Format::Gitlab => ci::gitlab(&scan, &fingerprints(&scan)),
        Format::Junit => ci::junit(&scan),
    };
    print_notes(&scan);
    emit(&output, args.output.as_deref())?;
    let counts = Counts::of(&scan.diagnostics);
    let failed = counts.errors > 0 || (args.deny_warnings && counts.warnings > 0);
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

fn run_scan(paths: &[PathBuf], args: &ScanArgs) -> Result<(Project, Scan), ()> {
    scan_with(
        paths,
        args.config.as_deref(),
        args.threads,
        args.today,
        false,
    )
}

/// Locates the project around `paths` and scans all of it.
fn scan_with(
    paths: &[PathBuf],
    config: Option<&Path>,
    threads: usize,
    today: Option<Date>,
    date_checks: bool,
) -> Result<(Project, Scan), ()> {
    let project = project::locate(paths, config).map_err(error)?;
    let config = match &project.config {
        Some(file) => config::load(file).map_err(|e| print_config_error(&e))?,
        None => unconfigured(&project.root)?,
    };
    let scan = scan(ScanOptions {
        root: project.root.clone(),
        config,
        threads,
        today: today.unwrap_or_else(Date::today),
        date_checks,
    })
    .map_err(error)?;
    Ok((project, scan))
}

/// `flaglint report`: scan with dates, read the state exports, assess, write one document.
fn run_report(args: &ReportArgs) -> Result<Exit, ()> {
    let mut environments = Vec::new();
    for (name, file) in &args.states {
        if environments
            .iter()
            .any(|e: &state::Environment| &e.name == name)
        {
            error(format_args!("environment `{name}` is given twice"));
            return Err(());
        }
        environments.push(state::load(name, file).map_err(error)?);
    }
    let (_, scan) = scan_with(
        args.path.as_slice(),
        args.config.as_deref(),
        args.threads,
        args.today,
        true,
    )?;
    print_notes(&scan);
    let assessments =
        flaglint::lifecycle::assess(&scan.index, &scan.config, &scan.analysis, &environments);
    let document = lifecycle::document(&scan.index, &scan.analysis, &assessments, &environments);
    let text = match args.format {
        ReportFormat::Human => lifecycle::human(&document),
        ReportFormat::Json => {
            let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
            text.push('\n');
            text
        }
        ReportFormat::Markdown => lifecycle::markdown(&document),
        ReportFormat::Csv => lifecycle::csv(&document),
        ReportFormat::Html => html::render(&document),
    };
    emit(&text, args.output.as_deref())?;
    Ok(Exit::Clean)
}

/// Without a configuration: the packs the repository's manifests name, and a note saying so;
/// with none, the run could check nothing, which is an error.
fn unconfigured(root: &Path) -> Result<Config, ()> {
    let detected = init::detect(root, init::Depth::Manifests);
    if detected.packs.is_empty() {
        error(format_args!(
            "no flaglint.toml (or [tool.flaglint] in pyproject.toml) found in {} or above, and no known flag system in its manifests: there is nothing to check",
            root.display()
        ));
        eprintln!(
            "help: run `flaglint init` to propose a configuration, or pass one with --config"
        );
        return Err(());
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
    .map_err(|(_, e)| {
        error(e);
    })
}

fn run_init(path: &Path, force: bool, stdout: bool) -> Exit {
    if !path.is_dir() {
        error(format_args!("{} is not a directory", path.display()));
        return Exit::CouldNotRun;
    }
    let text = init::render(&init::detect(path, init::Depth::Full));
    if stdout {
        return match write_stdout(&text) {
            Ok(()) => Exit::Clean,
            Err(()) => Exit::CouldNotRun,
        };
    }
    let target = path.join("flaglint.toml");
    if target.exists() && !force {
        error(format_args!(
            "{} already exists; use --force to overwrite it, or --stdout to see the proposal",
            target.display()
        ));
        return Exit::CouldNotRun;
    }
    match emit(&text, Some(&target)) {
        Ok(()) => {
            eprintln!(
                "wrote {}; review it, then run `flaglint check`",
                target.display()
            );
            Exit::Clean
        }
        Err(()) => Exit::CouldNotRun,
    }
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

/// Prints an error on stderr. Messages quote paths and text from the repository: unprintable
/// characters are escaped.
fn error(message: impl std::fmt::Display) {
    eprintln!("error: {}", escape_controls(&message.to_string()));
}

/// Prints a note on stderr, escaped like [`error`].
fn note(message: impl std::fmt::Display) {
    eprintln!("note: {}", escape_controls(&message.to_string()));
}

/// Writes a whole document to `--output FILE` (see [`files::write_atomically`]), or to stdout.
fn emit(text: &str, output: Option<&Path>) -> Result<(), ()> {
    match output {
        None => write_stdout(text),
        Some(file) => files::write_atomically(file, text).map_err(|e| {
            error(format_args!("cannot write {}: {e}", file.display()));
        }),
    }
}

/// Writes the whole document at once. Any failure means the document was not delivered: the run
/// fails. A reader that went away (`| head`) gets no message, as with other tools.
fn write_stdout(text: &str) -> Result<(), ()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                error(format_args!("cannot write to stdout: {e}"));
            }
        })
}

fn print_rule(name: Option<&str>) -> Result<Exit, ()> {
    match name {
        None => {
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
            Ok(Exit::Clean)
        }
        Some(name) => match RuleId::from_name(name) {
            Some(rule) => {
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
            None => {
                error(format_args!(
                    "unknown rule `{name}`; run `flaglint rule` to list them"
                ));
                Err(())
            }
        },
    }
}

/// Shows a configuration error with the offending line, as miette draws it (the configuration's
/// text escaped for the terminal).
fn print_config_error(error: &ConfigError) {
    #[derive(Debug)]
    struct Rendered {
        title: String,
        message: String,
        source: NamedSource<String>,
        span: Option<SourceSpan>,
    }
    impl std::fmt::Display for Rendered {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.title)
        }
    }
    impl std::error::Error for Rendered {}
    impl miette::Diagnostic for Rendered {
        fn source_code(&self) -> Option<&dyn miette::SourceCode> {
            Some(&self.source)
        }
        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
                Some(self.message.clone()),
                self.span?,
            ))))
        }
    }
    let escape = |text: &str| escape_controls(text).into_owned();
    let (source, offset) = escape_source(&error.source_text);
    // Very long lines are cut to a window around the span before they reach the renderer.
    let span = error
        .span
        .as_ref()
        .map(|span| offset(span.start)..offset(span.end));
    let (excerpt, span) = flaglint::text::excerpt(&source, span);
    let rendered = Rendered {
        title: escape(&error.to_string()),
        message: escape(&error.message),
        source: NamedSource::new(escape(&error.path.display().to_string()), excerpt),
        span: span.map(|s| SourceSpan::new(s.start.into(), s.end.saturating_sub(s.start))),
    };
    let theme = if std::io::stderr().is_terminal() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // A renderer that fails or panics still leaves the message.
    let text = flaglint::contain_panics(|| {
        let mut text = String::new();
        GraphicalReportHandler::new_themed(theme)
            .render_report(&mut text, &rendered)
            .ok()
            .map(|()| text)
    })
    .ok()
    .flatten()
    .unwrap_or_else(|| rendered.title.clone());
    eprintln!("{}", text.trim_end());
}
