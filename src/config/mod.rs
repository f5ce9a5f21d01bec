//! Finding and reading the configuration: `flaglint.toml`, or `[tool.flaglint]` in `pyproject.toml`.
//!
//! Every error carries the span of the offending TOML so the binary can point at the line.

mod checks;
mod describe;
mod keys;
pub mod packs;

pub(crate) use checks::{build_check, RawCheck};
pub use keys::KeyMapping;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use miette::{LabeledSpan, MietteError, NamedSource, SourceCode, SourceSpan, SpanContents};
use serde::Deserialize;
use toml::Spanned;

use crate::facts::StringConst;
use crate::lang::gates::NameTemplate;
use crate::lang::{
    CheckMatcher, CheckSpec, DefinitionShapes, KeyArg, KeyTransform, Language, MacroShape,
    NamePatterns, Shape,
};
use crate::registry::{RuleId, Severity};
use packs::Pack;

/// Files larger than this are skipped unless `max-file-size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

/// Which half of the product a definitions file belongs to.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    serde::Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Backend,
    Frontend,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Backend => "backend",
            Side::Frontend => "frontend",
        }
    }
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    definitions: Vec<RawDefinition>,
    #[serde(default)]
    #[schemars(with = "Vec<RawCheck>")]
    checks: Vec<Spanned<RawCheck>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    exclude: Vec<Spanned<String>>,
    #[schemars(with = "Option<RawSize>")]
    max_file_size: Option<Spanned<RawSize>>,
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Rule levels for paths: `"tests/**" = { undefined-flag = "off" }`, or a list of rules to
    /// turn off there.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    per_file_rules: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    parity: RawParity,
    /// Other checkouts scanned as part of the project (`roots = ["../client"]`), from the
    /// configuration's directory.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    roots: Vec<Spanned<String>>,
    /// `[sides] backend = ["server/**"]`, `frontend = [...]`: which side code is on, by path.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Vec<String>>")]
    sides: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[schemars(with = "Option<serde_json::Value>")]
    packs: Option<Spanned<toml::Value>>,
    #[serde(default)]
    django: RawDjango,
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    lifetimes: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    report: RawReport,
    #[schemars(with = "Option<String>")]
    baseline: Option<Spanned<String>>,
    /// Test helpers: calls that set a flag in tests (the keys of `[[checks]]`).
    #[serde(default)]
    #[schemars(with = "Vec<RawCheck>")]
    tests: Vec<Spanned<RawCheck>>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawReport {
    #[schemars(with = "Option<i64>")]
    soak_days: Option<Spanned<i64>>,
    #[schemars(with = "Option<i64>")]
    pilot_days: Option<Spanned<i64>>,
    /// Links to the source in the HTML report: `https://host/org/repo/blob/{rev}/{path}#L{line}`.
    #[schemars(with = "Option<String>")]
    source_url: Option<Spanned<String>>,
}

/// How long flags may live, and the report's periods (`[lifetimes]`, `[report]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lifetimes {
    /// Flag type to its lifetime in days (`None`: permanent).
    pub by_type: BTreeMap<String, Option<i64>>,
    /// For flags without a type, or of a type not listed.
    pub default: Option<i64>,
    /// Days a flag stays on everywhere before its usages should go.
    pub soak_days: i64,
    /// Days a pilot (some groups or users only) may last.
    pub pilot_days: i64,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes {
            by_type: BTreeMap::new(),
            default: Some(90),
            soak_days: 14,
            pilot_days: 30,
        }
    }
}

impl Lifetimes {
    /// The lifetime of a flag of `flag_type` in days (`None`: permanent).
    pub fn of(&self, flag_type: Option<&str>) -> Option<i64> {
        flag_type
            .and_then(|t| self.by_type.get(t).copied())
            .unwrap_or(self.default)
    }
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDjango {
    migrations: Option<bool>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    create_operations: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    delete_operations: Vec<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    settings: Option<Spanned<String>>,
}

/// How Django migrations are read (`[django]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Django {
    /// `migrations = true`: every migration is read (the migration graph, `flag-not-created`,
    /// `migration-conflict`); `false`: none is; unset: migrations that mention waffle or a custom
    /// operation are read for flag history when the django-waffle pack or a custom operation is
    /// configured.
    pub migrations: Option<bool>,
    /// Custom migration operations that create a waffle row (`CreateWaffleSwitch("name", True)`).
    pub create_operations: Vec<String>,
    /// Custom migration operations that delete one.
    pub delete_operations: Vec<String>,
    /// `settings = "proj/settings.py"`: the settings module (or package directory) that
    /// `django.conf.settings` reads, from the configuration's directory.
    pub settings: Option<String>,
}

impl Django {
    /// Every migration file is read, and the rules that need the whole graph run.
    pub fn full(&self) -> bool {
        self.migrations == Some(true)
    }
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawParity {
    #[schemars(with = "Option<String>")]
    frontend_key: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawDefinition {
    side: Side,
    #[schemars(with = "String")]
    path: Spanned<String>,
    registry: Option<String>,
    list: Option<String>,
    #[schemars(with = "Option<RawNames>")]
    register: Option<Spanned<RawNames>>,
    #[schemars(with = "Option<RawKey>")]
    key: Option<Spanned<RawKey>>,
    union: Option<String>,
    #[serde(rename = "enum")]
    enumeration: Option<String>,
    #[serde(rename = "struct")]
    structure: Option<String>,
    #[schemars(with = "Option<String>")]
    transform: Option<Spanned<String>>,
    /// YAML definitions: the field holding the key (default: the file name); with `data`, the
    /// field of each entry holding its key.
    #[serde(rename = "key-field")]
    key_field: Option<String>,
    /// JSON or YAML data files declaring many flags: the dotted paths of the mappings (their keys
    /// are the flags) or lists (strings, or mappings with a `key-field`) in the document; `"."`
    /// is the whole document.
    #[schemars(with = "Option<RawNames>")]
    data: Option<Spanned<RawNames>>,
    /// With `data`: the field of each entry naming the constant a module binds to its key.
    #[serde(rename = "symbol-field")]
    #[schemars(with = "Option<String>")]
    symbol_field: Option<Spanned<String>>,
    /// Glob patterns over definition names: only the matching ones are flags.
    #[schemars(with = "Option<Vec<String>>")]
    symbols: Option<Vec<Spanned<String>>>,
    /// Glob patterns over definition names: definitions kept on purpose.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    retained: Vec<Spanned<String>>,
    /// The flags live on this side only (frontend-local toggles).
    #[schemars(with = "Option<bool>")]
    local: Option<Spanned<bool>>,
    /// Gate functions: a function name with a key hole (`is_{key}_enabled`).
    #[schemars(with = "Option<String>")]
    function: Option<Spanned<String>>,
    /// Python settings modules: glob patterns over the names of the settings that are flags
    /// (`FEATURE_*`); `settings.NAME` reads are their checks.
    #[schemars(with = "Option<Vec<String>>")]
    settings: Option<Spanned<Vec<Spanned<String>>>>,
    /// Rust macro invocations whose entries are the definitions (`features! { .. }`).
    #[serde(rename = "macro")]
    macros: Option<RawNames>,
    /// With `macro`: the position of the lifecycle word in each tuple entry.
    #[schemars(with = "Option<i64>")]
    state: Option<Spanned<i64>>,
    /// With `macro`: the type whose zero-argument functions name the keys (`Feature::x()`).
    #[serde(rename = "type")]
    key_type: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum RawKey {
    Position(i64),
    Keyword(String),
}

/// One name or several (`register = "manager.add"`, `register = ["a.add", "b.register"]`).
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum RawNames {
    One(String),
    Many(Vec<String>),
}

impl RawNames {
    fn names(&self) -> Vec<&str> {
        match self {
            RawNames::One(name) => vec![name.as_str()],
            RawNames::Many(names) => names.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum RawSize {
    Bytes(i64),
    Text(String),
}

#[derive(Debug, Deserialize)]
struct PyProject {
    tool: Option<PyProjectTool>,
}

#[derive(Debug, Deserialize)]
struct PyProjectTool {
    flaglint: Option<toml::Value>,
}

/// A definitions entry: files matching `path` (relative to the config's directory) hold flag
/// constants for `side`.
#[derive(Debug, Clone)]
pub struct DefinitionSource {
    pub side: Side,
    pub pattern: String,
    /// Where the file declares flags besides string constants.
    pub shapes: DefinitionShapes,
    /// Applied to every key the file declares.
    pub transform: KeyTransform,
    /// YAML definitions: the field holding the key (`None`: the file name).
    pub key_field: Option<String>,
    /// `data = "flags"`: the file is a JSON or YAML document declaring many flags at these
    /// dotted paths (empty: one flag per file).
    pub data: Vec<String>,
    /// With `data`: the field of each entry naming its constant.
    pub symbol_field: Option<String>,
    /// Which of the files' constants are flags, and what is known about them.
    pub policy: DefinitionPolicy,
    matcher: GlobMatcher,
}

impl DefinitionSource {
    pub fn matches(&self, path_from_base: &str) -> bool {
        self.matcher.is_match(path_from_base)
    }

    /// This entry with the definition shapes of a later entry that claims the same file (a file
    /// with a `registry` and a `list`, or two enums): the file's definitions are those of both.
    /// The first entry's `side`, `transform`, `key-field` and `local` stand; `symbols` and
    /// `retained` are the first entry's when it has some.
    pub fn merged_with(&self, other: &DefinitionSource) -> DefinitionSource {
        let mut merged = self.clone();
        let shapes = &mut merged.shapes;
        shapes
            .registries
            .extend(other.shapes.registries.iter().cloned());
        shapes.lists.extend(other.shapes.lists.iter().cloned());
        shapes
            .registrations
            .extend(other.shapes.registrations.iter().cloned());
        shapes.unions.extend(other.shapes.unions.iter().cloned());
        shapes.enums.extend(other.shapes.enums.iter().cloned());
        shapes.structs.extend(other.shapes.structs.iter().cloned());
        shapes
            .functions
            .extend(other.shapes.functions.iter().cloned());
        let policy = &mut merged.policy;
        policy.shapes_only = policy.shapes_only && other.policy.shapes_only;
        if policy.symbols.is_none() {
            policy.symbols = other.policy.symbols.clone();
        }
        if policy.retained.is_none() {
            policy.retained = other.policy.retained.clone();
        }
        if merged.transform == KeyTransform::None {
            merged.transform = other.transform;
        }
        merged
    }
}

/// What a `[[definitions]]` entry says about its files' definitions, besides where they are.
#[derive(Debug, Clone, Default)]
pub struct DefinitionPolicy {
    /// The entry names definition shapes (`registry`, `list`, `register`, `union`, `enum`,
    /// `struct`): only what they name is a flag, not the file's other string constants.
    pub shapes_only: bool,
    /// `symbols`: a definition is a flag only when its name matches one of these.
    pub symbols: Option<GlobSet>,
    /// `retained`: definitions kept on purpose (old configuration values still parse), by name.
    pub retained: Option<GlobSet>,
    /// `local = true`: the flags live on this side only.
    pub local: bool,
}

impl DefinitionPolicy {
    /// Whether a string constant of a definitions file is a flag definition: exported, not a
    /// dunder (`__tablename__`), declared by the entry's shapes when it names some, named as
    /// `symbols` says, and, for a named constant, holding a value that can be a flag key (no
    /// whitespace, no regular expression or URL).
    pub fn admits(&self, constant: &StringConst) -> bool {
        let name = definition_name(&constant.symbol);
        let named_as_asked = self.symbols.as_ref().is_none_or(|set| set.is_match(name));
        let admitted_kind = if constant.kind.is_shape() {
            true
        } else {
            !self.shapes_only && is_plausible_key(&constant.value)
        };
        constant.exported && !is_dunder(name) && named_as_asked && admitted_kind
    }

    /// Whether a definition of this name is kept on purpose.
    pub fn retains(&self, name: &str) -> bool {
        self.retained.as_ref().is_some_and(|set| set.is_match(name))
    }
}

/// The name `symbols` and `retained` patterns match: the last segment of a definition's symbol
/// (`NEW_NAV`, `FeatureFlags.NEW_NAV` -> `NEW_NAV`, a registry key -> the key).
pub fn definition_name(symbol: &[String]) -> &str {
    symbol.last().map_or("", String::as_str)
}

fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// Flag keys are short identifiers (`new_nav`, `organizations:new-nav`, `course.x`): a value
/// with whitespace, a regular expression's or a URL's characters is a message, a pattern or a
/// link that shares the module.
fn is_plausible_key(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 200
        && !value.contains("://")
        && value.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/' | '@' | '+' | '~')
        })
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from (`None` when no configuration was found).
    pub file: Option<PathBuf>,
    /// Paths in the configuration are relative to this directory.
    pub base_dir: PathBuf,
    pub definitions: Vec<DefinitionSource>,
    pub checks: CheckMatcher,
    pub exclude: Vec<String>,
    pub max_file_size: u64,
    pub severities: BTreeMap<RuleId, Option<Severity>>,
    /// `[per-file-rules]`: rule levels for paths matching a pattern, in the file's order (a later
    /// matching entry wins).
    pub per_file: Vec<PerFileRules>,
    /// `[sides]`: path patterns to the side their code is on (the first match wins; unmatched
    /// code goes by its language).
    pub sides: Vec<(GlobMatcher, Side)>,
    pub frontend_key: KeyMapping,
    /// The enabled flag-system packs; their checks are in `checks` after the user's own.
    pub packs: Vec<Pack>,
    pub django: Django,
    pub lifetimes: Lifetimes,
    /// `[report] source-url`: the template of links to the source (`{rev}`, `{path}`, `{line}`).
    pub source_url: Option<String>,
    /// `roots = ["../client"]`: other checkouts scanned with the project, as written (their files'
    /// paths start with it).
    pub roots: Vec<String>,
    /// `baseline = "flaglint-baseline.json"`: findings to hide (relative to `base_dir`; to be
    /// read through [`crate::files::confine`], as the configuration names it).
    pub baseline: Option<PathBuf>,
    /// What the configuration names that should match something in the repository.
    pub declared: Vec<Declared>,
}

/// One `[per-file-rules]` entry.
#[derive(Debug, Clone)]
pub struct PerFileRules {
    pub pattern: String,
    pub matcher: GlobMatcher,
    pub severities: BTreeMap<RuleId, Option<Severity>>,
}

/// A name or pattern of the configuration, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub what: Declares,
    /// Byte range in the configuration file.
    pub span: Range<usize>,
}

/// What a configuration entry expects to find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declares {
    /// `[[definitions]] path`: some file (index into [`Config::definitions`]).
    DefinitionsPath(usize),
    /// `registry`, `list`, `union`, `enum` or `struct` of a definitions entry: some definition.
    Shape {
        entry: usize,
        field: &'static str,
        name: String,
    },
    /// A `symbols` or `retained` pattern of a definitions entry: some definition's name.
    Pattern {
        entry: usize,
        field: &'static str,
        glob: Glob,
    },
    /// A `[[checks]]` entry (index into the check specs): some check site.
    Check {
        spec: usize,
        field: &'static str,
        name: String,
    },
    /// A pack (index into [`Config::packs`]): some check site of one of its checks.
    Pack(usize),
    /// `[django] settings`: some Python file.
    DjangoSettings(String),
}

impl Config {
    /// The configuration used when no file is found: nothing is a definition or a check.
    pub fn empty(base_dir: PathBuf) -> Config {
        Config {
            file: None,
            base_dir,
            definitions: Vec::new(),
            checks: CheckMatcher::default(),
            exclude: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            severities: BTreeMap::new(),
            per_file: Vec::new(),
            sides: Vec::new(),
            frontend_key: KeyMapping::Same,
            packs: Vec::new(),
            django: Django::default(),
            lifetimes: Lifetimes::default(),
            source_url: None,
            roots: Vec::new(),
            baseline: None,
            declared: Vec::new(),
        }
    }

    /// Whether migrations are read for flag history at all.
    pub fn reads_migrations(&self) -> bool {
        match self.django.migrations {
            Some(on) => on,
            None => {
                self.packs.iter().any(|p| p.name == "django-waffle")
                    || !self.django.create_operations.is_empty()
                    || !self.django.delete_operations.is_empty()
            }
        }
    }

    /// Applies command-line rule selection, as ruff does: `select` replaces the enabled set (each
    /// at its configured or default severity), `extend_select` adds to it, `ignore` removes.
    pub fn select_rules(&mut self, select: &[RuleId], extend_select: &[RuleId], ignore: &[RuleId]) {
        let level =
            |config: &Config, rule: RuleId| config.severity(rule).or(Some(rule.default_severity()));
        if !select.is_empty() {
            let chosen: BTreeMap<RuleId, Option<Severity>> = RuleId::ALL
                .iter()
                .map(|&rule| {
                    (
                        rule,
                        select.contains(&rule).then(|| level(self, rule)).flatten(),
                    )
                })
                .collect();
            self.severities = chosen;
        }
        for &rule in extend_select {
            let severity = level(self, rule);
            self.severities.insert(rule, severity);
        }
        for &rule in ignore {
            self.severities.insert(rule, None);
        }
    }

    /// The side the code of a file is on: its `[sides]` pattern, else its language's
    /// (`lang_side`).
    pub fn side_of(&self, path: &str, lang_side: Side) -> Side {
        self.sides
            .iter()
            .find(|(matcher, _)| matcher.is_match(path))
            .map_or(lang_side, |(_, side)| *side)
    }

    /// The severity a rule reports with in a file (`None`: turned off there): the last
    /// `[per-file-rules]` entry matching the path that names the rule, else [`Config::severity`].
    pub fn severity_at(&self, rule: RuleId, path: &str) -> Option<Severity> {
        self.per_file
            .iter()
            .rev()
            .filter(|entry| entry.matcher.is_match(path))
            .find_map(|entry| entry.severities.get(&rule).copied())
            .unwrap_or_else(|| self.severity(rule))
    }

    /// The configuration the rules run with: a rule off everywhere but turned on for some paths
    /// runs (its findings elsewhere are dropped by [`Config::severity_at`]).
    pub fn with_per_file_rules_enabled(&self) -> Option<Config> {
        let extra: Vec<(RuleId, Severity)> = self
            .per_file
            .iter()
            .flat_map(|entry| entry.severities.iter())
            .filter_map(|(&rule, &level)| Some((rule, level?)))
            .filter(|(rule, _)| self.severity(*rule).is_none())
            .collect();
        if extra.is_empty() {
            return None;
        }
        let mut config = self.clone();
        for (rule, level) in extra {
            config.severities.insert(rule, Some(level));
        }
        Some(config)
    }

    /// The severity a rule reports with (`None`: turned off).
    pub fn severity(&self, rule: RuleId) -> Option<Severity> {
        self.severities
            .get(&rule)
            .copied()
            .unwrap_or(rule.default_level())
    }
}

/// The JSON schema of `flaglint.toml` (and `[tool.flaglint]`), generated from the types the
/// configuration is read into; `flaglint.schema.json` in the repository is this text.
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(RawConfig);
    schema.insert("title".to_string(), "flaglint.toml".into());
    schema.insert(
        "description".to_string(),
        "The configuration of flaglint, a linter and lifecycle auditor for feature flags.".into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema is JSON");
    text.push('\n');
    text
}

/// A rule id of the configuration.
fn rule_id(rule: &Spanned<String>) -> Result<RuleId, (Range<usize>, String)> {
    RuleId::from_name(rule.get_ref())
        .ok_or_else(|| (rule.span(), RuleId::unknown_message(rule.get_ref())))
}

/// A rule level: a severity, or `off`.
fn parse_level(
    level: &str,
    span: Range<usize>,
) -> Result<Option<Severity>, (Range<usize>, String)> {
    match level {
        "off" => Ok(None),
        other => Severity::from_name(other).map(Some).ok_or_else(|| {
            (
                span,
                format!("unknown severity `{other}`; expected \"error\", \"warning\", \"info\" or \"off\""),
            )
        }),
    }
}

/// A configuration that could not be read, with the span of the offending text when known.
#[derive(Debug, thiserror::Error)]
#[error(
    "invalid configuration in {}{}: {message}",
    source_text.name(),
    line.map_or_else(String::new, |line| format!(" (line {line})"))
)]
pub struct ConfigError {
    pub source_text: ConfigText,
    pub span: Option<Range<usize>>,
    /// The line the span starts on, 1-based.
    pub line: Option<usize>,
    pub message: String,
}

impl ConfigError {
    pub fn new(path: &Path, text: String, span: Option<Range<usize>>, message: String) -> Self {
        let line = span
            .as_ref()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        ConfigError {
            source_text: ConfigText::new(path.display().to_string(), text),
            span,
            line,
            message,
        }
    }
}

/// The configuration's text, with the message under the offending span.
impl miette::Diagnostic for ConfigError {
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source_text)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        let label = LabeledSpan::new_with_span(Some(self.message.clone()), span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// The text of a configuration file, named by its path in snippets; it reads as the text.
#[derive(Debug)]
pub struct ConfigText(Box<NamedSource<String>>);

impl ConfigText {
    pub fn new(name: String, text: String) -> Self {
        ConfigText(Box::new(NamedSource::new(name, text)))
    }

    /// The path the text was read from, as shown.
    pub fn name(&self) -> &str {
        self.0.name()
    }
}

impl std::ops::Deref for ConfigText {
    type Target = str;

    fn deref(&self) -> &str {
        self.0.inner()
    }
}

impl SourceCode for ConfigText {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        self.0
            .read_span(span, context_lines_before, context_lines_after)
    }
}

/// Looks for `flaglint.toml`, or a `pyproject.toml` with a `[tool.flaglint]` table, in `start` and
/// its ancestors, nearest first.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        start.parent()?
    } else {
        start
    };
    for dir in start.ancestors() {
        let candidate = dir.join("flaglint.toml");
        if candidate.is_file() {
            return Some(candidate);
        }
        let pyproject = dir.join("pyproject.toml");
        if pyproject.is_file() {
            let has_section = crate::files::read_text(&pyproject)
                .ok()
                .and_then(|text| toml::from_str::<PyProject>(&text).ok())
                .and_then(|p| p.tool)
                .and_then(|t| t.flaglint)
                .is_some();
            if has_section {
                return Some(pyproject);
            }
        }
    }
    None
}

/// Reads and validates a configuration file (`flaglint.toml` or `pyproject.toml`).
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = crate::files::read_text(path)
        .map_err(|e| ConfigError::new(path, String::new(), None, e))?;
    let base_dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let raw = if is_pyproject {
        parse_pyproject(&text)
    } else {
        toml::from_str::<RawConfig>(&text).map_err(|e| (e.span(), e.message().to_string()))
    };
    let error = |span: Option<Range<usize>>, message: String| {
        let message = crate::text::clip(&message, 4 * crate::text::EXCERPT_WIDTH);
        ConfigError::new(path, text.clone(), span, message)
    };
    let raw = raw.map_err(|(span, message)| error(span, message))?;
    let mut config = build(raw, base_dir).map_err(|(span, message)| error(Some(span), message))?;
    config.file = Some(path.to_path_buf());
    Ok(config)
}

/// Reads a configuration from text, as if it were a `flaglint.toml` in `base_dir`.
pub fn from_toml(text: &str, base_dir: PathBuf) -> Result<Config, (Option<Range<usize>>, String)> {
    let raw = toml::from_str::<RawConfig>(text).map_err(|e| (e.span(), e.message().to_string()))?;
    build(raw, base_dir).map_err(|(span, message)| (Some(span), message))
}

fn parse_pyproject(text: &str) -> Result<RawConfig, (Option<Range<usize>>, String)> {
    // Deserialize through a wrapper so that errors keep their spans in pyproject.toml.
    #[derive(Deserialize)]
    struct Wrapper {
        tool: Option<WrapperTool>,
    }
    #[derive(Deserialize)]
    struct WrapperTool {
        flaglint: Option<RawConfig>,
    }
    let wrapper: Wrapper = toml::from_str(text).map_err(|e| (e.span(), e.message().to_string()))?;
    Ok(wrapper.tool.and_then(|t| t.flaglint).unwrap_or_default())
}

pub(crate) type BuildError = (Range<usize>, String);

/// The `macro` shapes of a definitions entry, with its `key` and `state` positions and `type`.
fn macro_shapes(d: &RawDefinition) -> Result<Vec<MacroShape>, BuildError> {
    let position = |value: &Spanned<i64>, field: &str| match *value.get_ref() {
        p if p >= 0 => Ok(p as usize),
        _ => Err((
            value.span(),
            format!("`{field}` of a `macro` definition is a 0-based position in each entry"),
        )),
    };
    let Some(names) = &d.macros else {
        if let Some(state) = &d.state {
            return Err((state.span(), "`state` goes with `macro`".to_string()));
        }
        return Ok(Vec::new());
    };
    if d.register.is_some() {
        return Err((
            d.path.span(),
            "`macro` and `register` cannot be combined in one entry".to_string(),
        ));
    }
    let key = match &d.key {
        None => 0,
        Some(key) => match key.get_ref() {
            RawKey::Position(p) if *p >= 0 => *p as usize,
            _ => {
                return Err((
                    key.span(),
                    "`key` of a `macro` definition is a 0-based position in each entry".to_string(),
                ))
            }
        },
    };
    let state = d.state.as_ref().map(|s| position(s, "state")).transpose()?;
    Ok(names
        .names()
        .into_iter()
        .map(|name| MacroShape {
            name: name.to_string(),
            key,
            state,
            key_type: d.key_type.clone(),
        })
        .collect())
}

fn build(raw: RawConfig, base_dir: PathBuf) -> Result<Config, BuildError> {
    let mut declared = Vec::new();
    for (entry, d) in raw.definitions.iter().enumerate() {
        declared.push(Declared {
            what: Declares::DefinitionsPath(entry),
            span: d.path.span(),
        });
        let shapes = [
            ("registry", &d.registry),
            ("list", &d.list),
            ("union", &d.union),
            ("enum", &d.enumeration),
            ("struct", &d.structure),
        ];
        for (field, name) in shapes {
            if let Some(name) = name {
                declared.push(Declared {
                    what: Declares::Shape {
                        entry,
                        field,
                        name: name.clone(),
                    },
                    span: d.path.span(),
                });
            }
        }
        for name in d.macros.as_ref().map(RawNames::names).unwrap_or_default() {
            declared.push(Declared {
                what: Declares::Shape {
                    entry,
                    field: "macro",
                    name: name.to_string(),
                },
                span: d.path.span(),
            });
        }
        if let Some(template) = &d.function {
            declared.push(Declared {
                what: Declares::Shape {
                    entry,
                    field: "function",
                    name: template.get_ref().clone(),
                },
                span: template.span(),
            });
        }
        let patterns = [
            ("symbols", d.symbols.as_deref().unwrap_or_default()),
            ("retained", &d.retained),
        ];
        for (field, patterns) in patterns {
            for pattern in patterns {
                declared.push(Declared {
                    what: Declares::Pattern {
                        entry,
                        field,
                        glob: name_glob(pattern)?,
                    },
                    span: pattern.span(),
                });
            }
        }
    }
    for (spec, check) in raw.checks.iter().chain(&raw.tests).enumerate() {
        if let Some((field, Some(name))) = check
            .get_ref()
            .forms()
            .into_iter()
            .find(|(_, v)| v.is_some())
        {
            declared.push(Declared {
                what: Declares::Check {
                    spec,
                    field,
                    name: name.get_ref().clone(),
                },
                span: name.span(),
            });
        }
    }
    let definitions = raw
        .definitions
        .into_iter()
        .map(|d| {
            let pattern = d.path.get_ref().trim_start_matches("./").to_string();
            let glob = GlobBuilder::new(&pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| (d.path.span(), format!("invalid path pattern: {e}")))?;
            let transform = parse_transform(d.transform.as_ref())?;
            let macros = macro_shapes(&d)?;
            let registrations = match (&d.register, &d.key) {
                (None, None) => Vec::new(),
                (None, Some(_)) if !macros.is_empty() => Vec::new(),
                (Some(call), Some(key)) => {
                    let key_arg = match key.get_ref() {
                        RawKey::Position(p) if *p >= 0 => KeyArg {
                            position: Some(*p as usize),
                            keyword: None,
                        },
                        // `register = "Flag.objects.get_or_create"`, `key = "name"`.
                        RawKey::Keyword(k) if is_identifier(k) => KeyArg {
                            position: None,
                            keyword: Some(k.clone()),
                        },
                        _ => {
                            return Err((
                                key.span(),
                                "`key` of a `register` definition is a 0-based position or a keyword argument name"
                                    .to_string(),
                            ))
                        }
                    };
                    let names = call.get_ref().names();
                    if names.is_empty() {
                        return Err((
                            call.span(),
                            "`register` needs at least one function name".to_string(),
                        ));
                    }
                    names
                        .into_iter()
                        .map(|name| {
                            let segments = parse_name_at(name, call.span())?;
                            Ok((segments, key_arg.clone()))
                        })
                        .collect::<Result<Vec<_>, BuildError>>()?
                }
                (Some(call), None) => {
                    return Err((
                        call.span(),
                        "`register` needs `key`, the key's position".to_string(),
                    ))
                }
                (None, Some(key)) => {
                    return Err((
                        key.span(),
                        "`key` goes with `register` or `macro`".to_string(),
                    ))
                }
            };
            let local = match d.local {
                Some(local) if *local.get_ref() && d.side == Side::Backend => {
                    return Err((
                        local.span(),
                        "`local` marks frontend flags that have no backend definition; use it with side = \"frontend\""
                            .to_string(),
                    ))
                }
                Some(local) => local.into_inner(),
                None => false,
            };
            let functions = match &d.function {
                None => Vec::new(),
                Some(text) => vec![NameTemplate::parse(text.get_ref())
                    .map_err(|message| (text.span(), message))?],
            };
            let settings = name_patterns("settings", d.settings.as_ref())?;
            let data = data_paths(&d.path, d.data.as_ref(), d.symbol_field.as_ref())?;
            let shapes = DefinitionShapes {
                settings,
                functions,
                registries: d.registry.into_iter().collect(),
                lists: d.list.into_iter().collect(),
                registrations,
                unions: d.union.into_iter().collect(),
                enums: d.enumeration.into_iter().collect(),
                structs: d.structure.into_iter().collect(),
                macros,
            };
            let policy = DefinitionPolicy {
                shapes_only: !shapes.is_empty(),
                symbols: d.symbols.as_deref().map(name_globs).transpose()?,
                retained: (!d.retained.is_empty())
                    .then(|| name_globs(&d.retained))
                    .transpose()?,
                local,
            };
            Ok(DefinitionSource {
                side: d.side,
                pattern,
                shapes,
                transform,
                key_field: d.key_field,
                data,
                symbol_field: d.symbol_field.map(Spanned::into_inner),
                policy,
                matcher: glob.compile_matcher(),
            })
        })
        .collect::<Result<Vec<_>, BuildError>>()?;

    let mut checks = raw
        .checks
        .into_iter()
        .map(build_check)
        .collect::<Result<Vec<_>, BuildError>>()?;
    for test in raw.tests {
        let mut spec = build_check(test)?;
        spec.test_helper = true;
        checks.push(spec);
    }
    let mut packs = Vec::new();
    if let Some(value) = &raw.packs {
        for (name, options) in pack_entries(value)? {
            let (mut pack, specs) = packs::load(&name, &base_dir)
                .map_err(|message| (value.span(), format!("pack `{name}`: {message}")))?;
            pack.require_definitions = options.require_definitions;
            let index = packs.len();
            declared.push(Declared {
                what: Declares::Pack(index),
                span: value.span(),
            });
            checks.extend(specs.into_iter().map(|mut spec| {
                spec.pack = Some(index);
                spec
            }));
            packs.push(pack);
        }
    }

    // `struct = "FeatureFlags"`: a field read of a binding of that type is a check of the field
    // (the Rust extractor names such a binding by its type).
    for d in &definitions {
        for name in &d.shapes.structs {
            checks.push(CheckSpec {
                call: vec![name.clone()],
                shape: Shape::Property,
                language: Some(Language::Rust),
                ..CheckSpec::default()
            });
        }
    }
    // `settings = ["FEATURE_*"]`: reads of those settings through `django.conf.settings` are
    // checks (one spec for all entries, so that each read is judged by every pattern).
    let setting_patterns: Vec<String> = definitions
        .iter()
        .flat_map(|d| d.shapes.settings.texts().iter().cloned())
        .collect();
    if !setting_patterns.is_empty() {
        let keys = NamePatterns::new(setting_patterns).map_err(|message| (0..0, message))?;
        // Templates too: `{{ settings.X }}` and the bare `{% if X %}` a context processor
        // passes on by its name.
        for language in [Language::Python, Language::Template] {
            checks.push(CheckSpec {
                call: vec!["settings".to_string()],
                shape: Shape::Property,
                language: Some(language),
                keys: keys.clone(),
                ..CheckSpec::default()
            });
        }
    }
    // A gate function template also makes its calls checks, wherever they are.
    for source in &definitions {
        for template in &source.shapes.functions {
            checks.push(CheckSpec {
                call: vec![template.as_str().to_string()],
                transform: source.transform,
                gate: Some(template.clone()),
                ..CheckSpec::default()
            });
        }
    }

    for pattern in &raw.exclude {
        Glob::new(pattern.get_ref())
            .map_err(|e| (pattern.span(), format!("invalid exclude pattern: {e}")))?;
    }

    let max_file_size = match raw.max_file_size {
        None => DEFAULT_MAX_FILE_SIZE,
        Some(size) => parse_size(size.get_ref()).ok_or_else(|| {
            (
                size.span(),
                "expected a size in bytes, or a string such as \"2MB\" or \"512KB\"".to_string(),
            )
        })?,
    };

    let mut severities = BTreeMap::new();
    for (rule, level) in raw.rules {
        let id = rule_id(&rule)?;
        severities.insert(id, parse_level(level.get_ref(), level.span())?);
    }
    let mut sides = Vec::new();
    for (name, patterns) in raw.sides {
        let side = match name.get_ref().as_str() {
            "backend" => Side::Backend,
            "frontend" => Side::Frontend,
            other => {
                return Err((
                    name.span(),
                    format!("unknown side `{other}`; expected `backend` or `frontend`"),
                ))
            }
        };
        for pattern in patterns {
            let text = pattern.get_ref().trim_start_matches("./");
            let matcher = GlobBuilder::new(text)
                .literal_separator(true)
                .build()
                .map_err(|e| (pattern.span(), format!("invalid path pattern: {e}")))?
                .compile_matcher();
            sides.push((matcher, side));
        }
    }
    let mut per_file = Vec::new();
    for (pattern, value) in raw.per_file_rules {
        let text = pattern.get_ref().trim_start_matches("./").to_string();
        let matcher = GlobBuilder::new(&text)
            .literal_separator(true)
            .build()
            .map_err(|e| (pattern.span(), format!("invalid path pattern: {e}")))?
            .compile_matcher();
        let mut levels = BTreeMap::new();
        match value.get_ref() {
            toml::Value::Array(rules) => {
                for rule in rules {
                    let name = rule.as_str().ok_or_else(|| {
                        (value.span(), "expected rule ids, e.g. [\"unused-flag\"]".to_string())
                    })?;
                    let id = RuleId::from_name(name)
                        .ok_or_else(|| (value.span(), RuleId::unknown_message(name)))?;
                    levels.insert(id, None);
                }
            }
            toml::Value::Table(table) => {
                for (rule, level) in table {
                    let id = RuleId::from_name(rule)
                        .ok_or_else(|| (value.span(), RuleId::unknown_message(rule)))?;
                    let level = level.as_str().ok_or_else(|| {
                        (value.span(), format!("`{rule}`: expected \"error\", \"warning\", \"info\" or \"off\""))
                    })?;
                    levels.insert(id, parse_level(level, value.span())?);
                }
            }
            _ => {
                return Err((
                    value.span(),
                    "expected a table of rule levels ({ unused-flag = \"off\" }) or a list of rules to turn off".to_string(),
                ))
            }
        }
        per_file.push(PerFileRules {
            pattern: text,
            matcher,
            severities: levels,
        });
    }

    let frontend_key = match &raw.parity.frontend_key {
        None => KeyMapping::Same,
        Some(text) => KeyMapping::parse(text.get_ref()).ok_or_else(|| {
            (
                text.span(),
                format!(
                    "unknown key mapping `{}`; expected \"same\", \"camelCase\", \"kebab-case\" or \"strip-prefix:<prefix>\"",
                    text.get_ref()
                ),
            )
        })?,
    };

    let operation_names = |names: Vec<Spanned<String>>| {
        names
            .into_iter()
            .map(|name| {
                if is_identifier(name.get_ref()) {
                    Ok(name.into_inner())
                } else {
                    Err((
                        name.span(),
                        "expected the operation's class name, such as \"CreateWaffleFlag\""
                            .to_string(),
                    ))
                }
            })
            .collect::<Result<Vec<_>, BuildError>>()
    };
    let settings = match raw.django.settings {
        None => None,
        Some(path) => {
            let text = path.get_ref().trim_end_matches('/');
            let valid = !text.is_empty()
                && !text.starts_with('/')
                && !text.contains('\\')
                && text
                    .split('/')
                    .all(|s| !s.is_empty() && s != "." && s != "..");
            if !valid {
                return Err((
                    path.span(),
                    "expected the settings module's path from the configuration's directory, such as \"myproject/settings.py\" (or its package directory, \"myproject/settings\")".to_string(),
                ));
            }
            declared.push(Declared {
                what: Declares::DjangoSettings(text.to_string()),
                span: path.span(),
            });
            Some(text.to_string())
        }
    };
    let django = Django {
        migrations: raw.django.migrations,
        create_operations: operation_names(raw.django.create_operations)?,
        delete_operations: operation_names(raw.django.delete_operations)?,
        settings,
    };

    let mut lifetimes = Lifetimes::default();
    for (flag_type, value) in raw.lifetimes {
        let days = match value.get_ref() {
            toml::Value::Integer(days) if *days > 0 => Some(*days),
            toml::Value::String(s) if s == "permanent" => None,
            _ => {
                return Err((
                    value.span(),
                    "expected a number of days (> 0) or \"permanent\"".to_string(),
                ))
            }
        };
        if flag_type.get_ref() == "default" {
            lifetimes.default = days;
        } else {
            lifetimes.by_type.insert(flag_type.into_inner(), days);
        }
    }
    for (field, value) in [
        (&mut lifetimes.soak_days, raw.report.soak_days),
        (&mut lifetimes.pilot_days, raw.report.pilot_days),
    ] {
        if let Some(days) = value {
            if *days.get_ref() < 0 {
                return Err((days.span(), "expected a number of days (>= 0)".to_string()));
            }
            *field = days.into_inner();
        }
    }

    let mut roots = Vec::new();
    for root in &raw.roots {
        let text = root.get_ref().trim_end_matches('/').to_string();
        if text.is_empty() || text == "." || Path::new(&text).is_absolute() {
            return Err((
                root.span(),
                "a root is another checkout, relative to this file (\"../client\")".to_string(),
            ));
        }
        if !base_dir.join(&text).is_dir() {
            return Err((root.span(), format!("`{text}` is not a directory")));
        }
        roots.push(text);
    }
    let source_url = match raw.report.source_url {
        Some(url) if !url.get_ref().contains("{path}") => {
            return Err((
                url.span(),
                "a source URL needs `{path}` (and may use `{rev}` and `{line}`)".to_string(),
            ))
        }
        url => url.map(Spanned::into_inner),
    };
    let baseline = raw.baseline.map(|b| base_dir.join(b.into_inner()));
    let key_types = definitions
        .iter()
        .flat_map(|d| d.shapes.macros.iter())
        .filter_map(|m| m.key_type.clone())
        .collect();
    Ok(Config {
        file: None,
        base_dir,
        definitions,
        checks: CheckMatcher::new(checks).with_key_types(key_types),
        exclude: raw.exclude.into_iter().map(Spanned::into_inner).collect(),
        max_file_size,
        severities,
        per_file,
        sides,
        frontend_key,
        packs,
        django,
        lifetimes,
        source_url,
        roots,
        baseline,
        declared,
    })
}

/// Options of one enabled pack (`[packs.NAME]`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PackOptions {
    /// Report undefined keys even for a pack whose flags may live only in a database.
    #[serde(default)]
    require_definitions: bool,
}

/// `packs = ["a", "./b.toml"]`, or a table `[packs.a]` with options per pack.
fn pack_entries(value: &Spanned<toml::Value>) -> Result<Vec<(String, PackOptions)>, BuildError> {
    let wrong = || {
        (
            value.span(),
            "expected `packs = [\"name\", \"./path.toml\"]` or a `[packs.NAME]` table".to_string(),
        )
    };
    match value.get_ref() {
        toml::Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(|name| (name.to_string(), PackOptions::default()))
                    .ok_or_else(wrong)
            })
            .collect(),
        toml::Value::Table(table) => table
            .iter()
            .map(|(name, options)| {
                let options = options
                    .clone()
                    .try_into::<PackOptions>()
                    .map_err(|e| (value.span(), format!("[packs.{name}]: {}", e.message())))?;
                Ok((name.clone(), options))
            })
            .collect(),
        _ => Err(wrong()),
    }
}

/// `name`, `a.name` or `a::name` as its segments.
fn parse_name(text: &Spanned<String>) -> Result<Vec<String>, BuildError> {
    parse_name_at(text.get_ref(), text.span())
}

fn parse_name_at(text: &str, span: Range<usize>) -> Result<Vec<String>, BuildError> {
    let segments: Vec<String> = text
        .split(['.', ':'])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if segments.is_empty() || segments.iter().any(|s| !is_identifier(s)) {
        return Err((
            span,
            format!("`{text}` is not a name: expected `name`, `a.name` or `a::name`"),
        ));
    }
    Ok(segments)
}

/// A `symbols` / `retained` pattern: a glob over a definition's name (`*_FLAG`, `ENABLE_*`).
fn name_glob(pattern: &Spanned<String>) -> Result<Glob, BuildError> {
    Glob::new(pattern.get_ref()).map_err(|e| (pattern.span(), format!("invalid name pattern: {e}")))
}

/// `data = "flags"` (or a list of such paths) on an entry whose `path` names JSON or YAML files;
/// `symbol-field` only with it.
fn data_paths(
    path: &Spanned<String>,
    data: Option<&Spanned<RawNames>>,
    symbol_field: Option<&Spanned<String>>,
) -> Result<Vec<String>, BuildError> {
    let Some(data) = data else {
        return match symbol_field {
            Some(field) => Err((field.span(), "`symbol-field` goes with `data`".to_string())),
            None => Ok(Vec::new()),
        };
    };
    let is_data_file = [".json", ".yml", ".yaml"]
        .iter()
        .any(|ext| path.get_ref().ends_with(ext));
    if !is_data_file {
        return Err((
            path.span(),
            "`data` reads JSON or YAML files: the path must end in `.json`, `.yml` or `.yaml`"
                .to_string(),
        ));
    }
    let paths: Vec<String> = data
        .get_ref()
        .names()
        .into_iter()
        .map(str::to_string)
        .collect();
    if paths.is_empty() || paths.iter().any(|p| p.is_empty()) {
        return Err((
            data.span(),
            "`data` names where the flags are in the document: a dotted path such as \"flags\", or \".\" for the whole document"
                .to_string(),
        ));
    }
    Ok(paths)
}

/// A `settings` / `keys` list of name patterns (absent: none), each checked where it is written.
fn name_patterns(
    field: &str,
    patterns: Option<&Spanned<Vec<Spanned<String>>>>,
) -> Result<NamePatterns, BuildError> {
    let Some(patterns) = patterns else {
        return Ok(NamePatterns::default());
    };
    if patterns.get_ref().is_empty() {
        return Err((
            patterns.span(),
            format!("`{field}` needs at least one name pattern"),
        ));
    }
    for pattern in patterns.get_ref() {
        name_glob(pattern)?;
    }
    NamePatterns::new(
        patterns
            .get_ref()
            .iter()
            .map(|p| p.get_ref().clone())
            .collect(),
    )
    .map_err(|message| (patterns.span(), message))
}

fn name_globs(patterns: &[Spanned<String>]) -> Result<GlobSet, BuildError> {
    let mut set = GlobSetBuilder::new();
    for pattern in patterns {
        set.add(name_glob(pattern)?);
    }
    set.build().map_err(|e| {
        let span = patterns.first().map_or(0..0, Spanned::span);
        (span, format!("invalid name patterns: {e}"))
    })
}

/// A `transform = "..."` value (absent: no transform).
fn parse_transform(text: Option<&Spanned<String>>) -> Result<KeyTransform, BuildError> {
    let Some(text) = text else {
        return Ok(KeyTransform::None);
    };
    KeyTransform::parse(text.get_ref()).ok_or_else(|| {
        (
            text.span(),
            format!(
                "unknown transform `{}`; expected \"snake_case\", \"kebab-case\", \"camelCase\" or \"none\"",
                text.get_ref()
            ),
        )
    })
}

pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

fn parse_size(size: &RawSize) -> Option<u64> {
    match size {
        RawSize::Bytes(n) => u64::try_from(*n).ok(),
        RawSize::Text(text) => {
            let text = text.trim();
            let digits_end = text
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(text.len());
            let number: u64 = text[..digits_end].parse().ok()?;
            let unit = text[digits_end..].trim().to_ascii_lowercase();
            let factor = match unit.as_str() {
                "" | "b" => 1,
                "k" | "kb" | "kib" => 1024,
                "m" | "mb" | "mib" => 1024 * 1024,
                "g" | "gb" | "gib" => 1024 * 1024 * 1024,
                _ => return None,
            };
            number.checked_mul(factor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::ConstKind;

    fn parse(text: &str) -> Result<Config, (Option<Range<usize>>, String)> {
        from_toml(text, PathBuf::from("/repo"))
    }

    #[test]
    fn reads_the_documented_shape() {
        let config = parse(
            r#"
[[definitions]]
side = "backend"
path = "backend/feature_flags/flags.py"

[[definitions]]
side = "frontend"
path = "frontend/**/types.ts"

[[checks]]
call = "get_flag_for_user"
key = 1

[[checks]]
call = "flag_enabled"
key = "name"
language = "python"
"#,
        )
        .unwrap();
        assert_eq!(config.definitions.len(), 2);
        assert!(config.definitions[0].matches("backend/feature_flags/flags.py"));
        assert!(config.definitions[1].matches("frontend/hooks/useFeatureFlags/types.ts"));
        assert!(!config.definitions[1].matches("backend/types.ts"));
        let specs = config.checks.specs();
        assert_eq!(specs[0].key.position, Some(1));
        assert_eq!(specs[1].key.keyword.as_deref(), Some("name"));
        assert_eq!(specs[1].language, Some(Language::Python));
        assert_eq!(config.max_file_size, DEFAULT_MAX_FILE_SIZE);
    }

    #[test]
    fn unknown_keys_point_at_their_line() {
        let text = "[[checks]]\ncall = \"f\"\nkey = 0\nlanguge = \"python\"\n";
        let (span, message) = parse(text).unwrap_err();
        let span = span.unwrap();
        assert!(text[span].contains("languge"), "{message}");
        assert!(message.contains("languge"), "{message}");
    }

    #[test]
    fn macro_definitions_take_positions() {
        let head = "[[definitions]]\nside = \"backend\"\npath = \"f.rs\"\n";
        let text = format!(
            "{head}macro = [\"features\", \"opts\"]\nkey = 1\nstate = 0\ntype = \"Feature\"\n"
        );
        let config = parse(&text).unwrap();
        let macros = &config.definitions[0].shapes.macros;
        assert_eq!(macros.len(), 2);
        assert_eq!((macros[1].key, macros[1].state), (1, Some(0)));
        assert!(config.checks.is_key_type("Feature"));
        let text = format!("{head}macro = \"features\"\nstate = -1\n");
        let (span, message) = parse(&text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "-1");
        assert!(message.contains("0-based position"), "{message}");
        let text = format!("{head}state = 0\n");
        let (span, message) = parse(&text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "0");
        assert!(message.contains("goes with `macro`"), "{message}");
        let text = format!("{head}macro = \"features\"\nkey = \"name\"\n");
        assert!(parse(&text).unwrap_err().1.contains("0-based position"));
    }

    #[test]
    fn data_definitions_read_json_and_yaml_files() {
        let text = "[[definitions]]\nside = \"backend\"\npath = \"app/flags.json\"\ndata = [\"flags\", \"switches\"]\nkey-field = \"name\"\nsymbol-field = \"flag_name\"\n";
        let config = parse(text).unwrap();
        let entry = &config.definitions[0];
        assert_eq!(entry.data, ["flags", "switches"]);
        assert_eq!(entry.symbol_field.as_deref(), Some("flag_name"));
        let text =
            "[[definitions]]\nside = \"backend\"\npath = \"app/flags.py\"\ndata = \"flags\"\n";
        let (span, message) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "\"app/flags.py\"");
        assert!(message.contains("JSON or YAML"), "{message}");
        let text = "[[definitions]]\nside = \"backend\"\npath = \"f.yaml\"\ndata = [\"\"]\n";
        assert!(parse(text).unwrap_err().1.contains("dotted path"));
        let text = "[[definitions]]\nside = \"backend\"\npath = \"f.yaml\"\nsymbol-field = \"x\"\n";
        let (span, message) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "\"x\"");
        assert!(message.contains("goes with `data`"), "{message}");
    }

    #[test]
    fn semantic_errors_point_at_the_value() {
        let text = "[[checks]]\ncall = \"f\"\nkey = 0\nlanguage = \"go\"\n";
        let (span, message) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "\"go\"");
        assert!(message.contains("unknown language `go`"));

        let text = "[rules]\nunused-flags = \"off\"\n";
        let (span, message) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "unused-flags");
        assert!(message.contains("unknown rule"));

        let text = "[[checks]]\ncall = \"f\"\nkey = -1\n";
        assert!(parse(text).unwrap_err().1.contains("cannot be negative"));

        let text = "[[checks]]\ncall = \"f(x)\"\nkey = 0\n";
        assert!(parse(text).unwrap_err().1.contains("is not a name"));

        let text = "[[definitions]]\nside = \"backend\"\npath = \"a/[b\"\n";
        assert!(parse(text).unwrap_err().1.contains("invalid path pattern"));

        let text = "[django]\ncreate-operations = [\"Create Flag\"]\n";
        let (span, message) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "\"Create Flag\"");
        assert!(message.contains("class name"));

        let text = "[django]\nmigration = true\n";
        let (span, _) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "migration");
    }

    #[test]
    fn gates_fixed_keys_and_several_registrations() {
        let text = "[[definitions]]\nside = \"backend\"\npath = \"preview.rs\"\nfunction = \"is_enabled\"\n";
        let (span, message) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "\"is_enabled\"");
        assert!(message.contains("no key hole"), "{message}");

        let text = "[[checks]]\ncall = \"fail_if_stable_opt\"\nflag = \"x\"\nkey = 0\n";
        let (span, message) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "0");
        assert!(message.contains("no `key`"), "{message}");

        let text = "[[checks]]\nattribute = \"waffle_flag\"\nflag = \"x\"\n";
        assert!(parse(text)
            .unwrap_err()
            .1
            .contains("`flag` goes with `call`"));

        let text = "[[definitions]]\nside = \"backend\"\npath = \"f.py\"\nregister = [\"a.add\", \"b(\"]\nkey = 0\n";
        let (span, message) = parse(text).unwrap_err();
        assert!(text[span.unwrap()].contains("a.add"), "{message}");

        let text = "[[tests]]\ncall = \"arg\"\nkey = 0\ntemplate = \"-Z\"\n";
        let (span, message) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "\"-Z\"");
        assert!(message.contains("no key hole"), "{message}");

        let text = "[[tests]]\ncall = \"arg\"\nkey = 0\nsets = \"yes\"\n";
        let (span, message) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "\"yes\"");
        assert!(message.contains("unknown state"), "{message}");

        let text = "[[checks]]\ncall = \"f\"\nkey = 0\n[[tests]]\ncall = \"arg\"\nkey = 0\ntemplate = \"-Z{key}\"\nsets = \"on\"\n";
        let config = parse(text).unwrap();
        let test = &config.checks.specs()[1];
        assert!(test.test_helper && test.sets == Some(true) && test.key_template.is_some());
        assert!(matches!(
            &config.declared[1].what,
            Declares::Check { spec: 1, .. }
        ));

        let config = parse(
            r#"
[[definitions]]
side = "backend"
path = "crates/linter/src/preview.rs"
function = "is_{key}_enabled"

[[definitions]]
side = "backend"
path = "flags.py"
register = ["manager.add", "features.register"]
key = 0

[[checks]]
call = "fail_if_stable_opt"
flag = "unstable-options"
"#,
        )
        .unwrap();
        let registrations = &config.definitions[1].shapes.registrations;
        assert_eq!(registrations.len(), 2);
        assert_eq!(registrations[1].0, ["features", "register"]);
        let specs = config.checks.specs();
        assert_eq!(specs[0].flag.as_deref(), Some("unstable-options"));
        assert_eq!(specs[1].call, ["is_{key}_enabled"]);
        assert!(specs[1].gate.is_some());
        assert_eq!(config.definitions[0].shapes.functions.len(), 1);
    }

    #[test]
    fn entries_for_one_file_merge() {
        let config = parse(
            r#"
[[definitions]]
side = "backend"
path = "flags.py"
registry = "FEATURES"

[[definitions]]
side = "backend"
path = "flags.py"
list = "FLAGS"
"#,
        )
        .unwrap();
        let merged = config.definitions[0].merged_with(&config.definitions[1]);
        assert_eq!(merged.shapes.registries, ["FEATURES"]);
        assert_eq!(merged.shapes.lists, ["FLAGS"]);
        assert!(merged.policy.shapes_only);
    }

    #[test]
    fn definition_policies() {
        let config = parse(
            r#"
[[definitions]]
side = "backend"
path = "flags.py"
symbols = ["*_SWITCH", "ENABLE_*"]
retained = ["Legacy*"]

[[definitions]]
side = "frontend"
path = "toggles.ts"
local = true

[[definitions]]
side = "backend"
path = "features.py"
registry = "FEATURES"
"#,
        )
        .unwrap();
        let [flags, toggles, features] = &config.definitions[..] else {
            panic!("three entries");
        };
        let constant = |symbol: &str, value: &str, kind: ConstKind| StringConst {
            symbol: symbol.split('.').map(str::to_string).collect(),
            value: value.to_string(),
            exported: true,
            span: Default::default(),
            name_span: Default::default(),
            reference: None,
            kind,
        };
        let admits = |entry: &DefinitionSource, symbol, value, kind| {
            entry.policy.admits(&constant(symbol, value, kind))
        };
        use ConstKind::*;
        assert!(admits(flags, "REFUND_SWITCH", "enable_refund", Constant));
        assert!(admits(flags, "Switches.ENABLE_X", "x", Constant));
        assert!(!admits(flags, "MASTERS", "masters", Constant));
        assert!(flags.policy.retains("LegacyParser") && !flags.policy.retains("Parser"));
        assert!(toggles.policy.local && !flags.policy.local);
        // No `symbols`: every plausible named constant, but no dunder and no message.
        assert!(admits(
            toggles,
            "NEW_NAV",
            "organizations:new-nav",
            Constant
        ));
        assert!(!admits(
            toggles,
            "Feature.__tablename__",
            "feature",
            Constant
        ));
        assert!(!admits(
            toggles,
            "Message.DATABASE",
            "Unable to connect",
            Constant
        ));
        assert!(!admits(toggles, "SLUG_REGEX", "^[a-z]+$", Constant));
        assert!(!admits(
            toggles,
            "DOCS",
            "https://example.com/flags",
            Constant
        ));
        assert!(!admits(toggles, "EMPTY", "", Constant));
        // With a shape, only what it names.
        assert!(admits(features, "FEATURES.beta", "beta", RegistryKey));
        assert!(admits(
            features,
            "FEATURES.with space",
            "with space",
            RegistryKey
        ));
        assert!(!admits(features, "SERVICE_NAME", "annotations", Constant));

        let text = "[[definitions]]\nside = \"backend\"\npath = \"f.py\"\nlocal = true\n";
        let (span, message) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "true");
        assert!(message.contains("frontend"), "{message}");

        let text = "[[definitions]]\nside = \"backend\"\npath = \"f.py\"\nsymbols = [\"a[\"]\n";
        let (span, message) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "\"a[\"");
        assert!(message.contains("invalid name pattern"), "{message}");
    }

    #[test]
    fn lifetimes_and_report_periods() {
        let config = parse("[lifetimes]\nrelease = 40\nops = \"permanent\"\ndefault = 120\n[report]\nsoak-days = 7\n").unwrap();
        let lifetimes = &config.lifetimes;
        assert_eq!(lifetimes.of(Some("release")), Some(40));
        assert_eq!(lifetimes.of(Some("ops")), None);
        assert_eq!(lifetimes.of(Some("experiment")), Some(120));
        assert_eq!(lifetimes.of(None), Some(120));
        assert_eq!((lifetimes.soak_days, lifetimes.pilot_days), (7, 30));
        let text = "[lifetimes]\nrelease = \"forever\"\n";
        let (span, message) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "\"forever\"");
        assert!(message.contains("permanent"));
        assert_eq!(
            Config::empty(PathBuf::new()).lifetimes.of(Some("release")),
            Some(90)
        );
    }

    #[test]
    fn django_migrations_are_read_when_asked_or_when_waffle_is_configured() {
        let base = PathBuf::from(".");
        let read = |text: &str| {
            let config = from_toml(text, base.clone()).unwrap();
            (config.reads_migrations(), config.django.full())
        };
        assert_eq!(read(""), (false, false));
        assert_eq!(read("packs = [\"django-waffle\"]\n"), (true, false));
        assert_eq!(
            read("[django]\ncreate-operations = [\"CreateWaffleSwitch\"]\n"),
            (true, false)
        );
        assert_eq!(read("[django]\nmigrations = true\n"), (true, true));
        assert_eq!(
            read("packs = [\"django-waffle\"]\n[django]\nmigrations = false\n"),
            (false, false)
        );
    }

    #[test]
    fn severities_and_sizes() {
        let config = parse(
            "max-file-size = \"512KB\"\n[rules]\nunused-flag = \"off\"\ndynamic-flag-key = \"warning\"\n",
        )
        .unwrap();
        assert_eq!(config.max_file_size, 512 * 1024);
        assert_eq!(config.severity(RuleId::UnusedFlag), None);
        assert_eq!(
            config.severity(RuleId::DynamicFlagKey),
            Some(Severity::Warning)
        );
        assert_eq!(
            config.severity(RuleId::UndefinedFlag),
            Some(Severity::Error)
        );
        assert_eq!(parse("max-file-size = 100\n").unwrap().max_file_size, 100);
        assert!(parse("max-file-size = \"2 parsecs\"\n").is_err());
        assert!(parse("max-file-size = -3\n").is_err());
    }

    #[test]
    fn method_checks() {
        let config = parse("[[checks]]\nmethod = \"is_enabled\"\n").unwrap();
        let spec = &config.checks.specs()[0];
        assert_eq!(
            (&spec.shape, &spec.call[..]),
            (&Shape::Method, &["is_enabled".to_string()][..])
        );
        let error =
            parse("[[checks]]\nmethod = \"is_enabled\"\ncall = \"f\"\nkey = 0\n").unwrap_err();
        assert!(error.1.contains("cannot be combined"), "{error:?}");
    }

    #[test]
    fn check_shapes_and_transforms() {
        let config = parse(
            "[[checks]]\nattribute = \"waffle_flag\"\n[[checks]]\nproperty = \"config.featureToggles\"\ntransform = \"snake_case\"\n[[checks]]\njsx = \"Feature\"\nprop = \"flag\"\n[[checks]]\ndestructure = \"useFlags\"\ntransform = \"kebab-case\"\n[[checks]]\ncall = \"has_flag\"\ngeneric = \"NAME\"\n",
        )
        .unwrap();
        let shapes: Vec<&Shape> = config.checks.specs().iter().map(|s| &s.shape).collect();
        assert_eq!(
            shapes,
            [
                &Shape::Attribute,
                &Shape::Property,
                &Shape::Jsx {
                    prop: "flag".to_string()
                },
                &Shape::Destructure,
                &Shape::Generic {
                    constant: "NAME".to_string()
                },
            ]
        );
        assert_eq!(config.checks.specs()[1].call, ["config", "featureToggles"]);
        assert_eq!(config.checks.specs()[1].transform, KeyTransform::SnakeCase);
        for (text, message) in [
            ("[[checks]]\nkey = 0\n", "needs one of"),
            ("[[checks]]\ncall = \"f\"\n", "needs `key`"),
            ("[[checks]]\njsx = \"Feature\"\n", "needs `prop`"),
            (
                "[[checks]]\ncall = \"f\"\nattribute = \"g\"\nkey = 0\n",
                "cannot be combined",
            ),
            (
                "[[checks]]\ncall = \"f\"\nkey = 0\nprop = \"p\"\n",
                "`prop` goes with `jsx`",
            ),
            (
                "[[checks]]\ncall = \"f\"\nkey = 0\ntransform = \"UPPER\"\n",
                "unknown transform",
            ),
        ] {
            let (span, error) = parse(text).unwrap_err();
            assert!(error.contains(message), "{text}: {error}");
            assert!(span.is_some());
        }
        assert_eq!(KeyTransform::SnakeCase.apply("newNavV2"), "new_nav_v2");
        assert_eq!(KeyTransform::KebabCase.apply("newNav"), "new-nav");
        assert_eq!(KeyTransform::CamelCase.apply("new-nav"), "newNav");
    }

    #[test]
    fn key_mappings() {
        let mapping = |text: &str| {
            parse(&format!("[parity]\nfrontend-key = \"{text}\"\n"))
                .unwrap()
                .frontend_key
        };
        assert_eq!(
            mapping("same").to_frontend("secret_rotation"),
            "secret_rotation"
        );
        assert_eq!(
            mapping("camelCase").to_frontend("secret_rotation"),
            "secretRotation"
        );
        assert_eq!(mapping("camelCase").to_frontend("new-nav-v2"), "newNavV2");
        assert_eq!(
            mapping("kebab-case").to_frontend("secret_rotation"),
            "secret-rotation"
        );
        assert_eq!(
            mapping("kebab-case").to_frontend("secretRotation"),
            "secret-rotation"
        );
        assert_eq!(
            mapping("strip-prefix:organizations:").to_frontend("organizations:new_nav"),
            "new_nav"
        );
        let text = "[parity]\nfrontend-key = \"snake\"\n";
        let (span, message) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "\"snake\"");
        assert!(message.contains("unknown key mapping"));
    }

    #[test]
    fn dotted_and_pathed_call_names_split_into_segments() {
        let config = parse(
            "[[checks]]\ncall = \"features.includes\"\nkey = 0\n[[checks]]\ncall = \"flags::is_on\"\nkey = 0\n",
        )
        .unwrap();
        assert_eq!(config.checks.specs()[0].call, ["features", "includes"]);
        assert_eq!(config.checks.specs()[1].call, ["flags", "is_on"]);
    }

    #[test]
    fn pyproject_section_is_read_and_errors_keep_spans() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pyproject.toml");
        std::fs::write(
            &path,
            "[project]\nname = \"x\"\n\n[tool.flaglint]\nexclude = [\"vendor/**\"]\n",
        )
        .unwrap();
        assert_eq!(discover(dir.path()), Some(path.clone()));
        let config = load(&path).unwrap();
        assert_eq!(config.exclude, ["vendor/**"]);

        std::fs::write(
            &path,
            "[project]\nname = \"x\"\n\n[tool.flaglint]\nbogus = 1\n",
        )
        .unwrap();
        let error = load(&path).unwrap_err();
        assert!(error.to_string().contains("line 5"), "{error}");
    }

    #[test]
    fn discovery_walks_upward_and_skips_pyproject_without_section() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("flaglint.toml"), "").unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(nested.join("pyproject.toml"), "[project]\nname = \"x\"\n").unwrap();
        assert_eq!(discover(&nested), Some(dir.path().join("flaglint.toml")));
    }
}
