//! Flag lifecycle: ages from git, environment state, readiness for removal, and the removal plan.
//!
//! Everything here works offline from the repository, its git history and the state exports the
//! user passes. `flaglint report` prints it; the `stale-flag` and `untested-flag-state` rules read
//! it too.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::analysis::django::{Event, Project};
use crate::analysis::history;
use crate::analysis::state::{Environment, Rollout, Stored};
use crate::analysis::Analysis;
use crate::config::{Config, Side};
use crate::date::Date;
use crate::facts::{FlagAction, Span, WaffleKind};
use crate::index::{CheckId, CheckKey, CreatedRow, DefId, FileId, Index, KeySource, RefKind};
use crate::lang::Language;

/// Dates from git: when each definition was introduced, and when each flag's checks last changed.
#[derive(Clone, Debug, Default)]
pub struct Ages {
    /// Definition to (introduction day, where the date comes from).
    pub introduced: HashMap<DefId, (Date, String)>,
    /// Flag key to (introduction day of its creating migration, where from), for flags with no
    /// dated definition.
    pub created: HashMap<String, (Date, String)>,
    /// Flag key to the last day any of its checks changed.
    pub last_check_change: HashMap<String, Date>,
    /// The repository is a shallow clone: lines older than the fetched history have no date.
    pub shallow: bool,
    /// Flag key to (the day its oldest production check line was written, where from): the age of
    /// a flag that lives only in a database (created in the admin), with no definition or creating
    /// migration in the code.
    pub first_check: HashMap<String, (Date, String)>,
}

/// The dates of `lines` (path -> line numbers), each file dated in the git work tree it belongs
/// to: the project's, or that of another root (`roots = ["../client"]`, whose files' paths start
/// with the root as written); whether one of them is a shallow clone.
fn dates_per_root(
    root: &Path,
    roots: &[String],
    lines: BTreeMap<String, Vec<u32>>,
    today: Date,
) -> (HashMap<(String, u32), Date>, bool) {
    // Root (as written, "" for the project's own) -> its files, by their path in that root.
    let mut by_root: BTreeMap<&str, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
    for (rel, wanted) in lines {
        let extra = roots
            .iter()
            .map(String::as_str)
            .find(|extra| rel.strip_prefix(extra).is_some_and(|r| r.starts_with('/')));
        let (key, inner) = match extra {
            Some(extra) => (extra, rel[extra.len() + 1..].to_string()),
            None => ("", rel),
        };
        by_root.entry(key).or_default().insert(inner, wanted);
    }
    let mut dates = HashMap::new();
    let mut shallow = false;
    for (extra, lines) in by_root {
        let dir = if extra.is_empty() {
            root.to_path_buf()
        } else {
            root.join(extra)
        };
        if !crate::git::is_work_tree(&dir) {
            continue;
        }
        let dated = history::line_dates(&dir, &lines, today);
        shallow |= dated.shallow;
        for ((rel, line), date) in dated.dates {
            let rel = if extra.is_empty() {
                rel
            } else {
                format!("{extra}/{rel}")
            };
            dates.insert((rel, line), date);
        }
    }
    (dates, shallow)
}

/// How `introduced_from` names a date taken from the first check, when nothing else dates a flag.
pub const FIRST_CHECK: &str = "first check";

/// What a shallow clone means for ages, said by `check` and `report`.
pub const SHALLOW_NOTE: &str = "the repository is a shallow clone: lines older than its fetched history cannot be dated, so those flags' ages are unknown (not 0) and stale-flag cannot judge them by age; fetch the whole history (`fetch-depth: 0` with actions/checkout, or `git fetch --unshallow`)";

/// Dates the definitions, the creating migrations and code, the checks of flags nothing else
/// dates and, with `checks`, every production check, with two git processes per checkout in all (see `history::line_dates`). Empty outside a git work tree.
pub fn ages(
    root: &Path,
    roots: &[String],
    index: &Index,
    django: &Project,
    today: Date,
    checks: bool,
) -> Ages {
    let mut ages = Ages::default();
    // File -> lines to date, and what each line is.
    let mut wanted: BTreeMap<FileId, Vec<(u32, Target)>> = BTreeMap::new();
    for (id, def) in index.definitions.iter().enumerate() {
        wanted
            .entry(def.file)
            .or_default()
            .push((def.name_span.line, Target::Definition(id)));
    }
    for event in &django.events {
        if event.action == FlagAction::Create {
            wanted
                .entry(event.file)
                .or_default()
                .push((event.span.line, Target::Creation(event.key.clone())));
        }
    }
    for row in &index.created_rows {
        wanted
            .entry(row.file)
            .or_default()
            .push((row.span.line, Target::Creation(row.key.clone())));
    }
    // Without `checks`, the checks of flags nothing else dates (database-only flags) are dated
    // all the same: their first check is their age.
    let dated_otherwise = |key: &str| {
        index
            .flags
            .get(key)
            .is_some_and(|f| !f.definitions.is_empty() || !f.created.is_empty())
            || django.by_key.contains_key(key)
    };
    for check in &index.checks {
        if let (RefKind::Check, CheckKey::Key { key, .. }) = (check.kind, &check.key) {
            if !checks && dated_otherwise(key) {
                continue;
            }
            wanted
                .entry(check.file)
                .or_default()
                .push((check.span.line, Target::Check(key.clone())));
        }
    }
    let lines: BTreeMap<String, Vec<u32>> = wanted
        .iter()
        .map(|(file, targets)| {
            let lines = targets.iter().map(|(line, _)| *line).collect();
            (index.path(*file).to_string(), lines)
        })
        .collect();
    let (dates, shallow) = dates_per_root(root, roots, lines, today);
    ages.shallow = shallow;
    for (file, targets) in wanted {
        let rel = index.path(file).to_string();
        for (line, target) in targets {
            let Some(&date) = dates.get(&(rel.clone(), line)) else {
                continue;
            };
            let from = format!("git blame {}:{line}", index.path(file));
            match target {
                Target::Definition(id) => {
                    ages.introduced.insert(id, (date, from));
                }
                Target::Creation(key) => {
                    let entry = ages.created.entry(key).or_insert((date, from.clone()));
                    if date < entry.0 {
                        *entry = (date, from);
                    }
                }
                Target::Check(key) => {
                    let first = ages
                        .first_check
                        .entry(key.clone())
                        .or_insert((date, format!("{FIRST_CHECK}, {from}")));
                    if date < first.0 {
                        *first = (date, format!("{FIRST_CHECK}, {from}"));
                    }
                    let entry = ages.last_check_change.entry(key).or_insert(date);
                    *entry = (*entry).max(date);
                }
            }
        }
    }
    ages
}

enum Target {
    Definition(DefId),
    Creation(String),
    Check(String),
}

/// The metadata fields that give a flag's remove-by date.
const REMOVE_BY: &[&str] = &["remove-by", "remove_by"];

/// A note for each remove-by date that is not a date: it is ignored.
pub fn invalid_dates(index: &Index) -> Vec<String> {
    index
        .definitions
        .iter()
        .flat_map(|def| {
            def.metadata
                .iter()
                .filter(|(field, value)| {
                    REMOVE_BY.contains(&field.as_str()) && Date::parse(value).is_none()
                })
                .map(|(field, value)| {
                    format!(
                        "{}:{}: `{field}={value}` is not a date from {}-01-01 to {}-12-31 (YYYY-MM-DD); it is ignored",
                        index.path(def.file),
                        def.name_span.line,
                        crate::date::YEARS.start(),
                        crate::date::YEARS.end(),
                    )
                })
        })
        .collect()
}

/// Where a flag stands on its way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Readiness {
    /// On nowhere yet.
    InDevelopment,
    /// On for some groups or users only.
    Pilot,
    /// On somewhere, or for a percentage, but not everywhere.
    RollingOut,
    /// On everywhere for less than the soak period.
    Soaking,
    /// On everywhere for at least the soak period: removal step 1.
    RemoveUsages,
    /// No checks left: removal step 2.
    DeleteDefinition,
    /// Off everywhere for longer than its lifetime: remove it and keep the old path.
    NoShip,
    /// Past its lifetime or remove-by date, and no state known.
    Stale,
    /// In an environment's state but not in the code: delete the stored value.
    OrphanedState,
    /// A permanent flag (an ops or permission toggle).
    Permanent,
    /// Within its lifetime, and no state known.
    Unknown,
}

impl Readiness {
    pub const ALL: [Readiness; 11] = [
        Readiness::InDevelopment,
        Readiness::Pilot,
        Readiness::RollingOut,
        Readiness::Soaking,
        Readiness::RemoveUsages,
        Readiness::DeleteDefinition,
        Readiness::NoShip,
        Readiness::Stale,
        Readiness::OrphanedState,
        Readiness::Permanent,
        Readiness::Unknown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Readiness::InDevelopment => "in-development",
            Readiness::Pilot => "pilot",
            Readiness::RollingOut => "rolling-out",
            Readiness::Soaking => "soaking",
            Readiness::RemoveUsages => "remove-usages",
            Readiness::DeleteDefinition => "delete-definition",
            Readiness::NoShip => "no-ship",
            Readiness::Stale => "stale",
            Readiness::OrphanedState => "orphaned-state",
            Readiness::Permanent => "permanent",
            Readiness::Unknown => "unknown",
        }
    }
}

/// One place to change in a removal.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edit {
    pub path: String,
    pub line: u32,
    /// `check`, `test`, `template`, `reference`.
    pub kind: &'static str,
    /// What to keep there.
    pub keep: String,
}

/// A definition to delete, or a constant to inline.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub path: String,
    pub line: u32,
    pub symbol: String,
    /// For an inline: the literal to write.
    pub value: Option<String>,
}

/// What removing a flag takes, in the step it is at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// 1: remove the usages; 2: delete the definitions and the row.
    pub step: u8,
    pub summary: String,
    pub edits: Vec<Edit>,
    pub delete_definitions: Vec<Place>,
    /// The app whose new migration deletes the row, and what it should do.
    pub migration: Option<(String, String)>,
    /// Creating migrations that import the constant: inline its value.
    pub inline: Vec<Place>,
}

/// Everything the report says about one flag.
#[derive(Clone, Debug)]
pub struct Assessment {
    pub key: String,
    pub kind: Option<WaffleKind>,
    pub flag_type: Option<String>,
    pub owner: Option<String>,
    pub remove_by: Option<Date>,
    pub introduced: Option<Date>,
    pub introduced_from: Option<String>,
    pub age_days: Option<i64>,
    /// `None`: permanent.
    pub lifetime_days: Option<i64>,
    pub last_check_change: Option<Date>,
    pub definitions: Vec<DefId>,
    /// Production checks (indices into `Index::checks`).
    pub checks: Vec<CheckId>,
    /// Production reads of its definitions that are not recognised checks (a Svelte store's
    /// `$fModeEnabled`, a constant passed on), as `path:line`: uses all the same.
    pub reads: Vec<String>,
    /// Tests that set the flag on, and off.
    pub tests_on: usize,
    pub tests_off: usize,
    /// Per environment (in the order given): the stored state, `None` when absent.
    pub states: Vec<Option<Stored>>,
    pub readiness: Readiness,
    pub evidence: Vec<String>,
    pub warnings: Vec<String>,
    pub plan: Option<Plan>,
}

impl Assessment {
    /// Past its lifetime, or past its remove-by date: why, in words.
    pub fn overdue(&self, today: Date) -> Option<String> {
        if let Some(date) = self.remove_by.filter(|d| *d < today) {
            return Some(format!("past its remove-by date {date}"));
        }
        match (self.age_days, self.lifetime_days) {
            (Some(age), Some(lifetime)) if age > lifetime => Some(format!(
                "{age} days old, past its {lifetime}-day lifetime{}",
                self.flag_type
                    .as_deref()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default()
            )),
            _ => None,
        }
    }
}

/// Assesses every flag of the code (with a definition, a production check or a creating
/// migration) and every key stored in an environment but absent from the code.
pub fn assess(
    index: &Index,
    config: &Config,
    analysis: &Analysis,
    environments: &[Environment],
) -> Vec<Assessment> {
    let mapping = &config.frontend_key;
    // A frontend spelling of a backend key is the same flag.
    let backend_of: HashMap<String, String> = index
        .definitions
        .iter()
        .filter(|d| d.side == Side::Backend)
        .map(|d| (mapping.to_frontend(&d.key), d.key.clone()))
        .filter(|(frontend, backend)| frontend != backend)
        .collect();
    let mut keys: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for key in index.flags.keys().chain(analysis.django.by_key.keys()) {
        let owner = backend_of.get(key).cloned().unwrap_or_else(|| key.clone());
        let spellings = keys.entry(owner).or_default();
        if !spellings.contains(&key.as_str()) {
            spellings.push(key);
        }
    }
    let mut out = Vec::new();
    for (key, spellings) in &keys {
        if let Some(assessment) = assess_flag(index, config, analysis, environments, key, spellings)
        {
            out.push(assessment);
        }
    }
    let in_code: BTreeSet<&str> = out.iter().map(|a| a.key.as_str()).collect();
    let mut orphaned: BTreeSet<&str> = BTreeSet::new();
    for environment in environments {
        for key in environment.keys.keys() {
            let known = in_code.contains(key.as_str())
                || backend_of
                    .get(key)
                    .is_some_and(|k| in_code.contains(k.as_str()));
            if !known {
                orphaned.insert(key);
            }
        }
    }
    for key in orphaned {
        let states: Vec<Option<Stored>> = environments
            .iter()
            .map(|e| e.keys.get(key).cloned())
            .collect();
        let kind = states.iter().flatten().find_map(|s| s.kind);
        let stored_in: Vec<&str> = environments
            .iter()
            .filter(|e| e.keys.contains_key(key))
            .map(|e| e.name.as_str())
            .collect();
        out.push(Assessment {
            key: key.to_string(),
            kind,
            flag_type: None,
            owner: None,
            remove_by: None,
            introduced: None,
            introduced_from: None,
            age_days: None,
            lifetime_days: config.lifetimes.default,
            last_check_change: None,
            definitions: Vec::new(),
            checks: Vec::new(),
            reads: Vec::new(),
            tests_on: 0,
            tests_off: 0,
            states,
            readiness: Readiness::OrphanedState,
            evidence: vec![format!(
                "stored in {} but neither defined, checked nor created by a migration in the code",
                stored_in.join(", ")
            )],
            warnings: Vec::new(),
            plan: None,
        });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

fn assess_flag(
    index: &Index,
    config: &Config,
    analysis: &Analysis,
    environments: &[Environment],
    key: &str,
    spellings: &[&str],
) -> Option<Assessment> {
    let (django, ages, today) = (&analysis.django, &analysis.ages, analysis.today);
    let mut definitions = Vec::new();
    let mut checks = Vec::new();
    let (mut tests_on, mut tests_off) = (0, 0);
    for spelling in spellings {
        let Some(flag) = index.flags.get(*spelling) else {
            continue;
        };
        definitions.extend(flag.definitions.iter().copied());
        for &c in &flag.checks {
            let check = &index.checks[c];
            match check.kind {
                RefKind::Check => checks.push(c),
                RefKind::Test => match check.state {
                    Some(true) => tests_on += 1,
                    Some(false) => tests_off += 1,
                    None => {}
                },
                _ => {}
            }
        }
    }
    let reads = index.production_reads(spellings);
    let events: Vec<_> = django.events_of(key).collect();
    // Rows that production code creates (a management command): a database flag defined in code.
    let rows: Vec<&CreatedRow> = spellings
        .iter()
        .filter_map(|s| index.flags.get(*s))
        .flat_map(|f| f.created.iter().map(|&r| &index.created_rows[r]))
        .collect();
    let created = events.iter().any(|e| e.action == FlagAction::Create) || !rows.is_empty();
    let deleted = django.is_deleted(key);
    if definitions.is_empty() && checks.is_empty() && (!created || deleted) {
        // Test-only keys, or rows already deleted: nothing to report.
        return None;
    }
    let metadata = |names: &[&str]| {
        definitions.iter().find_map(|&d| {
            index.definitions[d]
                .metadata
                .iter()
                .find(|(k, _)| names.contains(&k.as_str()))
                .map(|(_, v)| v.clone())
        })
    };
    let flag_type = metadata(&["type"]);
    let owner = metadata(&["owner", "group"]);
    let remove_by = metadata(REMOVE_BY).and_then(|d| Date::parse(&d));
    let kept_as = (!definitions.is_empty()
        && definitions.iter().all(|&d| index.definitions[d].retained))
    .then(|| {
        let state = metadata(&["state"]).unwrap_or_else(|| "retained".to_string());
        let status = metadata(&["status"]).map_or(String::new(), |s| format!(" ({s})"));
        format!("kept on purpose: state={state}{status}")
    });
    let introduced = definitions
        .iter()
        .filter_map(|d| ages.introduced.get(d))
        .min_by_key(|(date, _)| *date)
        .or_else(|| ages.created.get(key))
        // A flag created in the admin, never in code: its age is the day the code started asking.
        .or_else(|| ages.first_check.get(key))
        .cloned();
    let lifetime_days = config.lifetimes.of(flag_type.as_deref());
    let states: Vec<Option<Stored>> = environments
        .iter()
        .map(|e| spellings.iter().find_map(|s| e.keys.get(*s)).cloned())
        .collect();
    let mut assessment = Assessment {
        key: key.to_string(),
        kind: events
            .first()
            .map(|e| e.kind)
            .or_else(|| rows.first().map(|r| r.kind)),
        flag_type,
        owner,
        remove_by,
        introduced: introduced.as_ref().map(|(d, _)| *d),
        introduced_from: introduced.map(|(_, from)| from),
        age_days: None,
        lifetime_days,
        last_check_change: ages.last_check_change.get(key).copied(),
        definitions,
        checks,
        reads,
        tests_on,
        tests_off,
        states,
        readiness: Readiness::Unknown,
        evidence: Vec::new(),
        warnings: Vec::new(),
        plan: None,
    };
    // A `--today` before the introduction is day 0, not a negative age.
    assessment.age_days = assessment.introduced.map(|d| today.days_since(d).max(0));
    decide(&mut assessment, environments, config, today);
    // Definitions kept on purpose (`state=retained`, a registry's `stable`/`removed`): nothing to
    // remove, whatever the checks.
    if let Some(why) = kept_as {
        if assessment.readiness == Readiness::DeleteDefinition {
            // Its "no check left" evidence: no removal step applies.
            assessment.evidence.pop();
        }
        assessment.readiness = Readiness::Permanent;
        assessment.evidence.push(why);
    }
    assessment.plan = plan(index, django, &assessment, &events, &rows);
    Some(assessment)
}

/// Sets readiness, evidence and warnings.
fn decide(a: &mut Assessment, environments: &[Environment], config: &Config, today: Date) {
    let soak = config.lifetimes.soak_days;
    let overdue = a.overdue(today);
    if let Some(why) = &overdue {
        a.evidence.push(why.clone());
    }
    match a.age_days {
        Some(age)
            if a.introduced_from
                .as_deref()
                .is_some_and(|f| f.starts_with(FIRST_CHECK)) =>
        {
            a.evidence.push(format!(
                "first checked {age} days ago (no definition or creating migration in the code)"
            ))
        }
        Some(age) => a.evidence.push(format!("introduced {age} days ago")),
        None => a.evidence.push("age unknown (no git history)".to_string()),
    }
    if a.checks.is_empty() && a.reads.is_empty() {
        a.readiness = Readiness::DeleteDefinition;
        a.evidence
            .push("no check left in production code: step 1 is done".to_string());
        return;
    }
    if a.checks.is_empty() {
        // Read in production where no check shape applies: those reads are its uses.
        let shown: Vec<&str> = a.reads.iter().take(3).map(String::as_str).collect();
        let more = a.reads.len().saturating_sub(shown.len());
        a.evidence.push(format!(
            "no recognised check, but read in production code ({}{}): step 1 is not done",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    if a.lifetime_days.is_none() {
        a.readiness = Readiness::Permanent;
        a.evidence
            .push("permanent by its type: never stale".to_string());
        return;
    }
    let known: Vec<(&str, Rollout, Option<Date>)> = environments
        .iter()
        .zip(&a.states)
        .map(|(e, s)| match s {
            Some(s) => (e.name.as_str(), s.rollout.clone(), s.modified),
            None => (e.name.as_str(), Rollout::Off, None),
        })
        .collect();
    if a.states.iter().all(Option::is_none) {
        a.readiness = if overdue.is_some() {
            Readiness::Stale
        } else {
            Readiness::Unknown
        };
        a.evidence.push(if environments.is_empty() {
            "no environment state given (--state NAME=FILE)".to_string()
        } else {
            "not stored in any environment's state".to_string()
        });
        return;
    }
    for (name, rollout, modified) in &known {
        let since = modified.map(|d| format!(" since {d}")).unwrap_or_default();
        let percent = match rollout {
            Rollout::Partial(Some(p)) => format!(" {p}%"),
            _ => String::new(),
        };
        a.evidence
            .push(format!("{name}: {}{percent}{since}", rollout.name()));
    }
    warn_pilots(a, &known, config.lifetimes.pilot_days, today);
    warn_drift(a, &known);
    let all = |r: &dyn Fn(&Rollout) -> bool| known.iter().all(|(_, rollout, _)| r(rollout));
    let any = |r: &dyn Fn(&Rollout) -> bool| known.iter().any(|(_, rollout, _)| r(rollout));
    a.readiness = if all(&|r| *r == Rollout::On) {
        // The last environment to turn it on, among those whose export dates it.
        match known.iter().filter_map(|(_, _, m)| *m).max() {
            Some(last) if today.days_since(last) < soak => {
                a.evidence.push(format!(
                    "on everywhere for {} days, soak period {soak}",
                    today.days_since(last)
                ));
                Readiness::Soaking
            }
            Some(last) => {
                a.evidence.push(format!(
                    "on everywhere for {} days (soak period {soak}): remove the usages",
                    today.days_since(last)
                ));
                Readiness::RemoveUsages
            }
            None => {
                a.evidence
                    .push("on everywhere (since when unknown): remove the usages".to_string());
                Readiness::RemoveUsages
            }
        }
    } else if all(&|r| *r == Rollout::Off) {
        if overdue.is_some() {
            Readiness::NoShip
        } else {
            Readiness::InDevelopment
        }
    } else if any(&|r| matches!(r, Rollout::Partial(_) | Rollout::On)) {
        Readiness::RollingOut
    } else {
        Readiness::Pilot
    };
}

fn warn_pilots(
    a: &mut Assessment,
    known: &[(&str, Rollout, Option<Date>)],
    days: i64,
    today: Date,
) {
    for (name, rollout, modified) in known {
        if let (Rollout::Pilot, Some(since)) = (rollout, modified) {
            let length = today.days_since(*since);
            if length > days {
                a.warnings.push(format!(
                    "pilot-too-long: a pilot in {name} for {length} days (limit {days}); enable it for everyone or turn it off"
                ));
            }
        }
    }
}

/// How far along the release path an environment name is: development, staging, production,
/// self-hosted. `None` for names that say nothing.
fn stage(name: &str) -> Option<u8> {
    let name = name.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&["self-hosted", "selfhosted", "onprem", "on-prem"]) {
        Some(3)
    } else if has(&["prod", "live"]) {
        Some(2)
    } else if has(&["stag", "qa", "test", "uat", "preprod"]) {
        Some(1)
    } else if has(&["dev", "local"]) {
        Some(0)
    } else {
        None
    }
}

/// A later stage ahead of an earlier one: on in production but off in staging, and the like.
fn warn_drift(a: &mut Assessment, known: &[(&str, Rollout, Option<Date>)]) {
    for (later, later_rollout, _) in known {
        for (earlier, earlier_rollout, _) in known {
            let (Some(l), Some(e)) = (stage(later), stage(earlier)) else {
                continue;
            };
            if l > e && later_rollout.level() > earlier_rollout.level() {
                a.warnings.push(format!(
                    "environment-drift: {} in {later} but {} in {earlier}",
                    later_rollout.name(),
                    earlier_rollout.name()
                ));
            }
        }
    }
}

/// The removal plan for the steps that have one.
fn plan(
    index: &Index,
    django: &Project,
    a: &Assessment,
    events: &[&Event],
    rows: &[&CreatedRow],
) -> Option<Plan> {
    let keep_on = match a.readiness {
        Readiness::RemoveUsages => Some(true),
        Readiness::NoShip => Some(false),
        Readiness::Stale => None,
        Readiness::DeleteDefinition => return Some(step_two(index, django, a, events, rows)),
        _ => return None,
    };
    let mut edits: Vec<Edit> = a
        .checks
        .iter()
        .map(|&c| {
            let check = &index.checks[c];
            let kind = if index.files[check.file].language == Language::Template {
                "template"
            } else {
                "check"
            };
            Edit {
                path: index.path(check.file).to_string(),
                line: check.span.line,
                kind,
                keep: keep_text(index, c, keep_on),
            }
        })
        .collect();
    edits.extend(reference_edits(index, a));
    edits.sort();
    edits.dedup();
    let summary = match keep_on {
        Some(true) => "step 1: remove every usage, keeping the new code path (the flag is on everywhere); deploy before step 2",
        Some(false) => "step 1: no ship: remove every usage, keeping the old code path (the flag is off everywhere); deploy before step 2",
        None => "step 1: past its lifetime with no state known: decide whether it shipped, then remove every usage keeping that path",
    };
    Some(Plan {
        step: 1,
        summary: summary.to_string(),
        edits,
        delete_definitions: Vec::new(),
        migration: None,
        inline: Vec::new(),
    })
}

/// The uses that break when a flag's definition goes: test overrides and uses of its constant
/// outside checks (imports included).
fn reference_edits(index: &Index, a: &Assessment) -> Vec<Edit> {
    let mut edits = Vec::new();
    for spelling in flag_spellings(index, a) {
        let Some(flag) = index.flags.get(spelling) else {
            continue;
        };
        for &c in &flag.checks {
            let check = &index.checks[c];
            if check.kind == RefKind::Test {
                edits.push(Edit {
                    path: index.path(check.file).to_string(),
                    line: check.span.line,
                    kind: "test",
                    keep: "delete the override, or the test of the removed behaviour".to_string(),
                });
            }
        }
        for &r in &flag.references {
            let reference = &index.references[r];
            if matches!(reference.kind, RefKind::Reference | RefKind::Test) {
                edits.push(Edit {
                    path: index.path(reference.file).to_string(),
                    line: reference.span.line,
                    kind: if reference.kind == RefKind::Test {
                        "test"
                    } else {
                        "reference"
                    },
                    keep: "remove this use of the constant".to_string(),
                });
            }
        }
    }
    edits
}

/// The keys under which a flag's occurrences are indexed.
fn flag_spellings<'a>(index: &'a Index, a: &'a Assessment) -> Vec<&'a str> {
    let mut spellings: Vec<&str> = vec![a.key.as_str()];
    for &d in &a.definitions {
        let key = index.definitions[d].key.as_str();
        if !spellings.contains(&key) {
            spellings.push(key);
        }
    }
    spellings
}

/// What to keep where a check is removed: a branch of its fork, or the constant it stands for.
fn keep_text(index: &Index, check: CheckId, keep_on: Option<bool>) -> String {
    let c = &index.checks[check];
    let local = index.local_id(check);
    let fork = index.files[c.file]
        .facts
        .forks
        .iter()
        .find(|f| f.check_ids().any(|id| id == local));
    let Some(on) = keep_on else {
        return "keep the branch of the behaviour that shipped".to_string();
    };
    match fork {
        Some(fork) if fork.compound => format!(
            "replace the check in the condition with {}",
            if on { "True" } else { "False" }
        ),
        Some(fork) => {
            let then_branch = on != fork.negated;
            match (
                then_branch,
                fork.has_else || fork.kind == crate::facts::ForkKind::Ternary,
            ) {
                (true, _) => "keep the if branch (drop the else)".to_string(),
                (false, true) => "keep the else branch (drop the if)".to_string(),
                (false, false) => "keep the code after the if (drop the if block)".to_string(),
            }
        }
        None => format!(
            "replace the check with {}",
            if on { "True" } else { "False" }
        ),
    }
}

fn step_two(
    index: &Index,
    project: &Project,
    a: &Assessment,
    events: &[&Event],
    rows: &[&CreatedRow],
) -> Plan {
    let delete_definitions: Vec<Place> = a
        .definitions
        .iter()
        .map(|&d| {
            let def = &index.definitions[d];
            Place {
                path: index.path(def.file).to_string(),
                line: def.name_span.line,
                symbol: def.symbol.clone(),
                value: None,
            }
        })
        // The code creating its row goes with the definitions.
        .chain(rows.iter().map(|row| Place {
            path: index.path(row.file).to_string(),
            line: row.span.line,
            symbol: format!("the creation of its {} row", row.kind.name()),
            value: None,
        }))
        .collect();
    let creation = events.iter().find(|e| e.action == FlagAction::Create);
    let migration = match creation {
        Some(created) if !project.is_deleted(&a.key) => {
            let model = created.kind.model();
            let state: Vec<String> = created
                .initial
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            Some((
                project.app_label(created.migration).to_string(),
                format!(
                    "a migration of `{}` whose forward runs `{model}.objects.filter(name=\"{}\").delete()` and whose reverse creates it again ({})",
                    project.app_label(created.migration),
                    a.key,
                    if state.is_empty() {
                        "with its current state".to_string()
                    } else {
                        state.join(", ")
                    }
                ),
            ))
        }
        _ => None,
    };
    // Creating migrations that spell the key through a definition constant.
    let mut inline: Vec<Place> = Vec::new();
    for resolved in &index.migration_keys {
        let CheckKey::Key {
            key,
            source: KeySource::Definition(def),
        } = &resolved.key
        else {
            continue;
        };
        if key != &a.key {
            continue;
        }
        let Some(op) = crate::analysis::django::flag_op(index, resolved.file, resolved.op) else {
            continue;
        };
        let definition = &index.definitions[*def];
        let value = index.files[definition.file]
            .facts
            .string_consts
            .iter()
            .find(|c| c.symbol.join(".") == definition.symbol)
            .map(|c| c.value.clone());
        inline.push(Place {
            path: index.path(resolved.file).to_string(),
            line: op.key_span.line,
            symbol: definition.symbol.clone(),
            value,
        });
    }
    inline.sort();
    inline.dedup();
    let with_migration = if migration.is_some() {
        ", add the deletion migration"
    } else {
        ""
    };
    // What would break when the definition goes.
    let mut edits = reference_edits(index, a);
    edits.sort();
    edits.dedup();
    let with_inline = if inline.is_empty() {
        ""
    } else {
        ", and inline the constant in the migrations that use it"
    };
    let what = if delete_definitions.is_empty() {
        "step 2: nothing to delete in the code".to_string()
    } else {
        "step 2: delete the definitions".to_string()
    };
    Plan {
        step: 2,
        summary: format!("{what}{with_migration}{with_inline}"),
        edits,
        delete_definitions,
        migration,
        inline,
    }
}

/// The span a flag-level finding points at: its first definition, else its first check.
pub fn anchor(index: &Index, a: &Assessment) -> Option<(FileId, Span)> {
    a.definitions
        .first()
        .map(|&d| (index.definitions[d].file, index.definitions[d].name_span))
        .or_else(|| {
            a.checks
                .first()
                .map(|&c| (index.checks[c].file, index.checks[c].span))
        })
}
