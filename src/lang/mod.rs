//! Per-language extractors: source text in, [`FileFacts`] out.
//!
//! Python and TypeScript/JavaScript are parsed with tree-sitter, Rust with `syn`. Every extractor
//! walks its tree without unbounded recursion, so deeply nested input cannot overflow the stack.

pub mod budget;
pub(crate) mod comments;
pub mod component;
pub(crate) mod flow;
pub mod gates;
pub mod migration;
pub mod python;
pub(crate) mod reason;
pub mod reference;
pub mod rust;
pub(crate) mod scope;
pub mod template;
pub(crate) mod ts_util;
pub mod typescript;
pub mod yaml;

use crate::facts::KeyExpr;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::facts::FileFacts;

/// The language a file is written in, as reported to users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    TypeScript,
    JavaScript,
    Rust,
    /// Django and Jinja templates.
    Template,
    /// YAML definitions files.
    Yaml,
    /// JSON data files of flags.
    Json,
}

impl Language {
    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::TypeScript => "typescript",
            Language::JavaScript => "javascript",
            Language::Rust => "rust",
            Language::Template => "template",
            Language::Yaml => "yaml",
            Language::Json => "json",
        }
    }

    /// A data file (YAML or JSON): read only as definitions.
    pub fn is_data(self) -> bool {
        matches!(self, Language::Yaml | Language::Json)
    }

    /// Parses a `language = "..."` config value. `"typescript"` also covers JavaScript.
    pub fn from_config_name(name: &str) -> Option<Language> {
        match name {
            "python" | "py" => Some(Language::Python),
            "typescript" | "ts" => Some(Language::TypeScript),
            "javascript" | "js" => Some(Language::JavaScript),
            "rust" | "rs" => Some(Language::Rust),
            "template" => Some(Language::Template),
            _ => None,
        }
    }
}

/// Which parser reads a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Grammar {
    Python,
    TypeScript,
    /// TSX, also used for every JavaScript flavour (JSX is valid there).
    Tsx,
    Rust,
    /// Django / Jinja templates (a text scan of tags and expressions).
    Template,
    /// YAML, read only as definitions files.
    Yaml,
    /// Single-file components (`.svelte`, `.vue`): scripts and markup expressions, as TypeScript.
    Component(component::Dialect),
}

/// The grammar and language of a path, from its extension (templates: `.html`, `.jinja`,
/// `.jinja2`, `.j2` and `.txt` files under a `templates/` directory (or `templates_classic/`,
/// `email_templates/`), or a `jinja2/` one, Django's default for Jinja2 templates); `None` for files flaglint does not read.
pub fn detect(path: &Path) -> Option<(Grammar, Language)> {
    let ext = path.extension()?.to_str()?;
    Some(match ext {
        "html" | "jinja" | "jinja2" | "j2" | "txt"
            if path.parent().is_some_and(|dir| {
                dir.components().any(|c| {
                    let name = c.as_os_str().to_str().unwrap_or("");
                    name == "jinja2"
                        || name == "templates"
                        || name.starts_with("templates_")
                        || name.ends_with("_templates")
                })
            }) =>
        {
            (Grammar::Template, Language::Template)
        }
        "py" | "pyi" => (Grammar::Python, Language::Python),
        "ts" | "mts" | "cts" => (Grammar::TypeScript, Language::TypeScript),
        "tsx" => (Grammar::Tsx, Language::TypeScript),
        "js" | "jsx" | "mjs" | "cjs" => (Grammar::Tsx, Language::JavaScript),
        "rs" => (Grammar::Rust, Language::Rust),
        // JSON is read only as data files of flags, with the YAML front-end.
        "yml" | "yaml" => (Grammar::Yaml, Language::Yaml),
        "json" => (Grammar::Yaml, Language::Json),
        "svelte" => (
            Grammar::Component(component::Dialect::Svelte),
            Language::TypeScript,
        ),
        "vue" => (
            Grammar::Component(component::Dialect::Vue),
            Language::TypeScript,
        ),
        _ => return None,
    })
}

/// Where a check call carries its flag key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyArg {
    /// 0-based position among the positional arguments (the receiver of a method call excluded).
    pub position: Option<usize>,
    /// Keyword argument name (Python), tried before the position.
    pub keyword: Option<String>,
}

/// What a check looks like in the source; [`CheckSpec::call`] names the part that is matched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    /// A call: `f(k)`, `obj.f(k)`, `a::f(k)`, a decorator `@f(k)`; `call` is the callee's trailing
    /// segments.
    #[default]
    Call,
    /// A class attribute assigned the key (Python `waffle_flag = "k"` in a class body); `call` is
    /// the attribute name.
    Attribute,
    /// A member chain whose next member is the key: `config.featureToggles.newNav`,
    /// `featureToggles['new-nav']`; `call` is the trailing segments of the chain before the key.
    Property,
    /// A JSX element with the key in a prop: `<Feature flag="k">`, `<Feature flags={["a", "b"]}>`
    /// (one check per array element); `call` is the component name's trailing segments.
    Jsx { prop: String },
    /// Names destructured from a hook call: `const { newNav, darkMode: dm } = useFlags()` checks
    /// the property names `newNav` and `darkMode`; `call` is the callee's trailing segments.
    Destructure,
    /// A Rust turbofish: `cx.has_flag::<NewRouterFlag>()` checks `NewRouterFlag::NAME` (the key
    /// is `KeyExpr::Path(["NewRouterFlag", constant])`); `call` is the callee's trailing segments.
    Generic { constant: String },
    /// A method called on a flag object: `NEW_NAV.is_enabled()`, `flags.NEW_NAV.is_enabled(user)`,
    /// where the receiver is a constant bound to a key (`NEW_NAV = WaffleSwitch("new_nav", ...)`
    /// in a definitions file with `register = "WaffleSwitch"`); the key is the receiver chain, as
    /// `KeyExpr::Path`. `call` is the method name.
    Method,
    /// The value of a property of an object literal: `{ path: '/x', flag: 'newNav' }`,
    /// `{ flagNames: ['a', 'b'] }` (one check per array element); `call` is the property name.
    ObjectProperty,
}

impl Shape {
    /// The variant without its data, for lookups.
    pub fn kind(&self) -> ShapeKind {
        match self {
            Shape::Call => ShapeKind::Call,
            Shape::Attribute => ShapeKind::Attribute,
            Shape::Property => ShapeKind::Property,
            Shape::Jsx { .. } => ShapeKind::Jsx,
            Shape::Destructure => ShapeKind::Destructure,
            Shape::Generic { .. } => ShapeKind::Generic,
            Shape::Method => ShapeKind::Method,
            Shape::ObjectProperty => ShapeKind::ObjectProperty,
        }
    }
}

/// [`Shape`] without data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShapeKind {
    Call,
    Attribute,
    Property,
    Jsx,
    Destructure,
    Generic,
    Method,
    ObjectProperty,
}

/// A rewrite of a key found in the source into the flag's key (`transform = "snake_case"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyTransform {
    #[default]
    None,
    SnakeCase,
    KebabCase,
    CamelCase,
}

/// One configured check function.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckSpec {
    /// The matched segments: for a call, the callee's trailing segments, e.g.
    /// `["get_flag_for_user"]` or `["features", "includes"]` (see [`Shape`] for the others).
    pub call: Vec<String>,
    pub shape: Shape,
    /// Applied to literal keys (and destructured names, property names) before lookup.
    pub transform: KeyTransform,
    pub key: KeyArg,
    /// Restrict to one language; `TypeScript` also matches JavaScript.
    pub language: Option<Language>,
    /// For SDK methods with generic names (`client.variation(...)`): the call matches only when a
    /// segment of its receiver chain has one of these words among its words (case-insensitive;
    /// `ld_client`, `ldClient` and `LDClient` hold `ld` and `client`, `field` holds neither).
    /// Empty: any callee with the right name matches.
    pub receiver: Vec<String>,
    /// A prefix that negates a literal key (`@waffle_flag("!x")` checks `x`, negated).
    pub negation_prefix: Option<String>,
    /// Calls are test helpers (`override_flag(...)`): their occurrences are test references.
    pub test_helper: bool,
    /// What the key names in its flag system: `flag`, `switch`, `sample`, `gate`...
    pub kind: Option<String>,
    /// The pack that declared the check (an index into the configuration's packs).
    pub pack: Option<usize>,
    /// A keyword argument whose boolean literal is the state the call sets (test helpers:
    /// `override_flag("x", active=False)` with `state = "active"`); recorded in
    /// `FileFacts::check_states`.
    pub state: Option<String>,
    /// `flag = "x"`: every call checks this key; the call has no key argument.
    pub flag: Option<String>,
    /// A gate function template (from a `[[definitions]] function`): a call of a function whose
    /// name has this form checks the key in the name; `call` holds the template's text.
    pub gate: Option<gates::NameTemplate>,
    /// `template = "-Z{key}"`: only a literal key of this form is a check, its key the hole.
    pub key_template: Option<gates::NameTemplate>,
    /// `sets = "on"` / `"off"`: the state every call of a test helper sets.
    pub sets: Option<bool>,
    /// With a method shape: functions returning a flag object for the key in their first
    /// argument (`get_waffle_flag_model().get("x")` as `["get_waffle_flag_model", "get"]`, calls
    /// left out); a local assigned once from one is a receiver of that key.
    pub getters: Vec<Vec<String>>,
    /// Only keys with these names are checks (a `property` check of `settings` reads every
    /// setting; the flags are the ones a `settings` definitions entry names).
    pub keys: NamePatterns,
}

/// The fields a data-fetching hook's result has besides its data (React Query, SWR, Apollo).
const REQUEST_STATE: &[&str] = &[
    "isLoading",
    "isFetching",
    "isError",
    "isSuccess",
    "isPending",
    "isValidating",
    "loading",
    "error",
    "refetch",
    "mutate",
];

impl CheckSpec {
    /// Whether the spec's `keys` patterns admit a literal key (any other key is judged later).
    /// A property chain's fields that say how a flags hook's request went (`flags.isLoading`,
    /// `flags.error`) are never keys, nor is a computed key when only some names are flags.
    pub fn admits(&self, key: &KeyExpr) -> bool {
        match key {
            KeyExpr::Literal(name)
                if self.shape.kind() == ShapeKind::Property
                    && REQUEST_STATE.contains(&name.as_str()) =>
            {
                false
            }
            KeyExpr::Literal(name) if !self.keys.is_empty() => self.keys.matches(name),
            // Only some names are flags: a computed one (`env[name]`) most likely is not.
            KeyExpr::Dynamic(_) => self.keys.is_empty(),
            _ => true,
        }
    }

    /// Whether the receiver chain before the method name satisfies [`CheckSpec::receiver`].
    fn receiver_matches(&self, callee: &[&str]) -> bool {
        if self.receiver.is_empty() {
            return true;
        }
        let receiver = &callee[..callee.len().saturating_sub(1)];
        receiver.iter().any(|segment| {
            let words: Vec<&str> = identifier_words(segment).collect();
            self.receiver.iter().any(|wanted| {
                // A configured word is split like the receiver (`feature_service`, `LDClient`):
                // its words must appear in a row.
                let wanted: Vec<&str> = identifier_words(wanted).collect();
                !wanted.is_empty()
                    && words.windows(wanted.len()).any(|run| {
                        run.iter()
                            .zip(&wanted)
                            .all(|(a, b)| a.eq_ignore_ascii_case(b))
                    })
            })
        })
    }
}

/// The words of an identifier: split at `_`, `-`, `$`, digits-to-letters, lower-to-upper case
/// changes and the end of an acronym (`LDClient` -> `LD`, `Client`).
fn identifier_words(identifier: &str) -> impl Iterator<Item = &str> {
    let chars: Vec<(usize, char)> = identifier.char_indices().collect();
    let mut bounds = vec![0];
    for i in 1..chars.len() {
        let (at, c) = chars[i];
        let previous = chars[i - 1].1;
        let next_is_lower = chars.get(i + 1).is_some_and(|(_, n)| n.is_lowercase());
        let boundary = matches!(c, '_' | '-' | '$')
            || matches!(previous, '_' | '-' | '$')
            || (previous.is_lowercase() && c.is_uppercase())
            || (previous.is_uppercase() && c.is_uppercase() && next_is_lower)
            || (previous.is_ascii_digit() != c.is_ascii_digit());
        if boundary {
            bounds.push(at);
        }
    }
    bounds.push(identifier.len());
    bounds
        .windows(2)
        .map(move |w| identifier[w[0]..w[1]].trim_matches(|c| matches!(c, '_' | '-' | '$')))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .into_iter()
}

/// Finds the configured check, if any, that a call's callee denotes.
#[derive(Clone, Debug, Default)]
pub struct CheckMatcher {
    specs: Vec<CheckSpec>,
    /// Per shape: the specs by the last of their `call` segments.
    by_last_segment: HashMap<ShapeKind, HashMap<String, Vec<usize>>>,
    /// Types whose zero-argument associated functions name flag keys (`Feature::x()` is the
    /// key `x`): the `type` of the `macro` definition entries.
    key_types: Vec<String>,
    /// Call specs matched by a name template ([`CheckSpec::gate`]), not by their `call`.
    gates: Vec<usize>,
}

impl CheckMatcher {
    pub fn new(specs: Vec<CheckSpec>) -> Self {
        let mut by_last_segment: HashMap<ShapeKind, HashMap<String, Vec<usize>>> = HashMap::new();
        let mut gates = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            if spec.gate.is_some() {
                gates.push(i);
                continue;
            }
            if let Some(last) = spec.call.last() {
                by_last_segment
                    .entry(spec.shape.kind())
                    .or_default()
                    .entry(last.clone())
                    .or_default()
                    .push(i);
            }
        }
        CheckMatcher {
            specs,
            by_last_segment,
            key_types: Vec::new(),
            gates,
        }
    }

    /// With [`CheckMatcher::is_key_type`] answering yes for these type names.
    pub fn with_key_types(mut self, key_types: Vec<String>) -> Self {
        self.key_types = key_types;
        self
    }

    /// Whether `T::x()` (no arguments) names the key `x`.
    pub fn is_key_type(&self, name: &str) -> bool {
        self.key_types.iter().any(|t| t == name)
    }

    pub fn specs(&self) -> &[CheckSpec] {
        &self.specs
    }

    /// Cheap test extractors run on every callee before building anything.
    pub fn is_candidate(&self, last_segment: &str) -> bool {
        self.is_shape_candidate(ShapeKind::Call, last_segment)
    }

    /// [`CheckMatcher::is_candidate`] for another shape (attribute name, property chain end,
    /// component name, hook name).
    pub fn is_shape_candidate(&self, shape: ShapeKind, last_segment: &str) -> bool {
        self.by_last_segment
            .get(&shape)
            .is_some_and(|names| names.contains_key(last_segment))
            || (shape == ShapeKind::Call && self.gate_of(last_segment).is_some())
    }

    /// The first gate-template spec a function name has the form of.
    fn gate_of(&self, name: &str) -> Option<usize> {
        self.gates.iter().copied().find(|&i| {
            self.specs[i]
                .gate
                .as_ref()
                .is_some_and(|t| t.key_of(name).is_some())
        })
    }

    /// Whether any spec has this shape (extractors skip the shape's work entirely otherwise).
    pub fn has_shape(&self, shape: ShapeKind) -> bool {
        self.specs.iter().any(|s| s.shape.kind() == shape)
    }

    /// The matching spec of a shape for the given segments (see [`Shape`] for what they are).
    pub fn find_shape(
        &self,
        language: Language,
        shape: ShapeKind,
        segments: &[&str],
    ) -> Option<(usize, &CheckSpec)> {
        self.find_in(language, shape, segments, |_| true)
    }

    /// Like [`CheckMatcher::find_shape`], among the specs `accept` allows.
    pub fn find_shape_with(
        &self,
        language: Language,
        shape: ShapeKind,
        segments: &[&str],
        accept: impl Fn(&CheckSpec) -> bool,
    ) -> Option<(usize, &CheckSpec)> {
        self.find_in(language, shape, segments, accept)
    }

    /// The matching spec for a callee given as its static member chain (`["obj", "f"]` for
    /// `obj.f(...)`, `["f"]` for `f(...)` or `g().f(...)`; `["a", "b", "f"]` for `a::b::f(...)`).
    pub fn find(&self, language: Language, callee: &[&str]) -> Option<(usize, &CheckSpec)> {
        self.find_with(language, callee, |_| true)
    }

    /// Like [`CheckMatcher::find`], among the specs `accept` allows.
    pub fn find_with(
        &self,
        language: Language,
        callee: &[&str],
        accept: impl Fn(&CheckSpec) -> bool,
    ) -> Option<(usize, &CheckSpec)> {
        self.find_in(language, ShapeKind::Call, callee, accept)
    }

    fn find_in(
        &self,
        language: Language,
        shape: ShapeKind,
        callee: &[&str],
        accept: impl Fn(&CheckSpec) -> bool,
    ) -> Option<(usize, &CheckSpec)> {
        let last = callee.last()?;
        let named = self
            .by_last_segment
            .get(&shape)
            .and_then(|names| names.get(*last))
            .map_or(&[][..], Vec::as_slice);
        let gates = (shape == ShapeKind::Call)
            .then(|| self.gates.iter().copied())
            .into_iter()
            .flatten()
            .filter(|&i| {
                self.specs[i]
                    .gate
                    .as_ref()
                    .is_some_and(|t| t.key_of(last).is_some())
            });
        named.iter().copied().chain(gates).find_map(|i| {
            let spec = &self.specs[i];
            let language_ok = match spec.language {
                None => true,
                Some(Language::TypeScript) => {
                    matches!(language, Language::TypeScript | Language::JavaScript)
                }
                Some(l) => l == language,
            };
            (language_ok
                && (spec.gate.is_some() || ends_with_segments(callee, &spec.call))
                && spec.receiver_matches(callee)
                && accept(spec))
            .then_some((i, spec))
        })
    }
}

/// Whether `callee` ends with the segments of `suffix`, as configured calls are matched:
/// `["features", "includes"]` matches `self.features.includes`. An empty suffix matches nothing.
pub(crate) fn ends_with_segments<A: AsRef<str>, B: AsRef<str>>(callee: &[A], suffix: &[B]) -> bool {
    !suffix.is_empty()
        && suffix.len() <= callee.len()
        && suffix
            .iter()
            .rev()
            .zip(callee.iter().rev())
            .all(|(a, b)| a.as_ref() == b.as_ref())
}

/// Glob patterns over names (`FEATURE_*`), compared by their text.
#[derive(Clone, Debug, Default)]
pub struct NamePatterns {
    texts: Vec<String>,
    set: globset::GlobSet,
}

impl NamePatterns {
    /// Compiles the patterns; the error names the first bad one.
    pub fn new(texts: Vec<String>) -> Result<NamePatterns, String> {
        let mut builder = globset::GlobSetBuilder::new();
        for text in &texts {
            builder
                .add(globset::Glob::new(text).map_err(|e| format!("invalid name pattern: {e}"))?);
        }
        let set = builder
            .build()
            .map_err(|e| format!("invalid name patterns: {e}"))?;
        Ok(NamePatterns { texts, set })
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    pub fn matches(&self, name: &str) -> bool {
        self.set.is_match(name)
    }

    pub fn texts(&self) -> &[String] {
        &self.texts
    }
}

impl PartialEq for NamePatterns {
    fn eq(&self, other: &Self) -> bool {
        self.texts == other.texts
    }
}

impl Eq for NamePatterns {}

/// Where a definitions file declares flags besides string constants (`[[definitions]]` keys).
/// Each found key becomes a `StringConst` (see each field for its symbol); keys are recorded as
/// written, the index applies the entry's transform.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DefinitionShapes {
    /// `registry = "FEATURES"`: the keys of a dict / object literal assigned to this top-level
    /// name (`FEATURES = {"x": "doc"}`, `export const FEATURES = { 'x': true }`). Symbol
    /// `[name, key]`.
    pub registries: Vec<String>,
    /// `list = "FLAGS"`: the string elements of a list / tuple / array literal assigned to this
    /// top-level name, or the first element of each `[name, default]` pair. Symbol `[name, key]`.
    pub lists: Vec<String>,
    /// `register = "manager.add"` with `key`: calls anywhere in the file whose callee matches
    /// (trailing segments, as for checks), the key a string literal at `key`. Symbol `[key]`.
    pub registrations: Vec<(Vec<String>, KeyArg)>,
    /// `union = "FeatureName"`: the string members of a TS type alias
    /// `type FeatureName = 'a' | 'b'`. Symbol `[name, key]`.
    pub unions: Vec<String>,
    /// `enum = "Feature"`: the variants of a Rust enum (unit variants; a `#[serde(rename = "x")]`
    /// renames one). Symbol `[enum, variant]`, value the variant name (or the rename).
    pub enums: Vec<String>,
    /// `struct = "FeatureFlags"`: the `bool` fields of a Rust struct. Symbol `[struct, field]`,
    /// value the field name.
    pub structs: Vec<String>,
    /// `function = "is_{key}_enabled"`: the functions whose name has this form. Symbol `[name]`,
    /// value the key in the name (see [`gates`]).
    pub functions: Vec<gates::NameTemplate>,
    /// `macro = "features"`: the entries of a Rust macro invocation at module level (see
    /// [`MacroShape`]). Symbol `[macro, key]`.
    pub macros: Vec<MacroShape>,
    /// `settings = ["FEATURE_*"]`: the module-level assignments of a Python settings module
    /// whose names match, whatever their value (`FEATURE_X = env.bool("X")`). Symbol `[name]`,
    /// value the name.
    pub settings: NamePatterns,
}

/// A registry declared by a Rust macro invocation: `features! { (unstable, x, "", "doc"), .. }`
/// (tuple entries: the key and the lifecycle word at positions) or
/// `unstable_cli_options!( x: bool = ("doc"), .. )` (field entries: the field name is the key).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MacroShape {
    /// The macro's name (last path segment of the invocation).
    pub name: String,
    /// Position of the key (an identifier or a string literal) in a tuple entry.
    pub key: usize,
    /// Position of the lifecycle word (`stable`, `unstable`, `removed`) in a tuple entry.
    pub state: Option<usize>,
    /// The type whose zero-argument associated functions name the keys (`Feature::x()`).
    pub key_type: Option<String>,
}

impl DefinitionShapes {
    pub fn is_empty(&self) -> bool {
        self == &DefinitionShapes::default()
    }

    /// Whether `name` is a configured registry.
    pub fn is_registry(&self, name: &str) -> bool {
        self.registries.iter().any(|r| r == name)
    }

    /// Whether `name` is a configured list.
    pub fn is_list(&self, name: &str) -> bool {
        self.lists.iter().any(|l| l == name)
    }

    /// Whether a callee whose last segment is `last` may be a registration.
    pub fn is_registration_candidate(&self, last: &str) -> bool {
        self.registrations
            .iter()
            .any(|(call, _)| call.last().is_some_and(|c| c == last))
    }

    /// Where the key is in a call of `callee`, when it is a configured registration.
    pub fn registration<'s, S: AsRef<str>>(&'s self, callee: &'s [S]) -> Option<&'s KeyArg> {
        self.registrations_of(callee).next()
    }

    /// Every key position configured for registrations matching `callee`, in configuration
    /// order (two entries may read `WaffleFlag("x")` and `WaffleFlag(name="x")`).
    pub fn registrations_of<'s, S: AsRef<str>>(
        &'s self,
        callee: &'s [S],
    ) -> impl Iterator<Item = &'s KeyArg> + 's {
        self.registrations
            .iter()
            .filter(move |(call, _)| ends_with_segments(callee, call))
            .map(|(_, key)| key)
    }

    /// Whether `name` is a configured union.
    pub fn is_union(&self, name: &str) -> bool {
        self.unions.iter().any(|u| u == name)
    }
}

/// The declaration binding `value` to a plain name (`NAME = value`: the `binding` node whose
/// `value_field` is `value`, with its identifier `name_field`).
pub(crate) fn binding_of<'t>(
    value: tree_sitter::Node<'t>,
    binding: &str,
    value_field: &str,
    name_field: &str,
) -> Option<(tree_sitter::Node<'t>, tree_sitter::Node<'t>)> {
    let declaration = value.parent().filter(|p| p.kind() == binding)?;
    let bound = declaration.child_by_field_name(value_field)?;
    let name = declaration
        .child_by_field_name(name_field)
        .filter(|n| n.kind() == "identifier")?;
    (bound.id() == value.id()).then_some((declaration, name))
}

/// Test helper: what declares each string constant.
#[cfg(test)]
pub(crate) fn const_kinds(facts: &FileFacts) -> Vec<crate::facts::ConstKind> {
    facts.string_consts.iter().map(|c| c.kind).collect()
}

/// Test helper: asserts the symbol uses as (path joined by `separator`, called).
#[cfg(test)]
pub(crate) fn assert_called(facts: &FileFacts, separator: &str, expected: &[(&str, bool)]) {
    let found: Vec<(String, bool)> = facts
        .symbol_uses
        .iter()
        .map(|u| (u.path.join(separator), u.called))
        .collect();
    let expected: Vec<(String, bool)> = expected.iter().map(|&(p, c)| (p.to_string(), c)).collect();
    assert_eq!(found, expected);
}

/// Test helper: the symbol uses (paths joined by `.`) of `source` read as a definitions file,
/// and read as any other file.
#[cfg(test)]
pub(crate) fn uses_as_definitions_and_not(
    grammar: Grammar,
    language: Language,
    source: &str,
) -> (Vec<String>, Vec<String>) {
    let uses = |definitions_file| {
        test_extract_file(grammar, language, definitions_file, &[], source)
            .symbol_uses
            .iter()
            .map(|u| u.path.join("."))
            .collect::<Vec<_>>()
    };
    (uses(true), uses(false))
}

/// What an extractor needs to know besides the source.
pub struct ExtractOptions<'a> {
    pub language: Language,
    pub checks: &'a CheckMatcher,
    /// Names that can denote a flag constant: every segment of every definition symbol
    /// (`BINARY_INTERFACE`, `FeatureFlags`, `X`). A name or member chain is a [`SymbolUse`] when
    /// its root is imported in the file or any of its segments is in this set.
    ///
    /// [`SymbolUse`]: crate::facts::SymbolUse
    pub interesting: &'a HashSet<String>,
    /// For a definitions file: where it declares flags besides string constants.
    pub definitions: &'a DefinitionShapes,
    /// The file is a definitions file: uses of its own top-level names are recorded too (a read of
    /// a whole container there is a use of its flags).
    pub definitions_file: bool,
    /// Backend flag keys: backend-language extractors record the plain string literals that
    /// spell one (`FileFacts::key_mentions`). Empty: none are looked for.
    pub keys: &'a HashSet<String>,
    /// For a Django migration module whose flag operations are wanted, or an `apps.py` module
    /// whose app labels are: the custom operations.
    pub migration: Option<&'a migration::MigrationOptions<'a>>,
    /// A production Python module of a project that uses django-waffle: the rows it creates are
    /// read (`FileFacts::created_rows`).
    pub created_rows: bool,
}

/// The functions (and lambdas) of a file, each with its name, parameters and enclosing function:
/// what checks ask about where they stand (inside a function of the check's own name, keyed by a
/// parameter).
#[derive(Default)]
pub(crate) struct FunctionScopes<'s> {
    scopes: Vec<FunctionScope<'s>>,
    /// Every function name and parameter so far: a name outside them is answered without walking
    /// up the enclosing functions, so that a check deep in nested functions costs no more.
    names: HashSet<&'s str>,
    params: HashSet<&'s str>,
}

pub(crate) struct FunctionScope<'s> {
    pub parent: Option<usize>,
    pub name: Option<&'s str>,
    pub params: Vec<&'s str>,
}

impl<'s> FunctionScopes<'s> {
    /// Adds a function inside `parent`; its index.
    pub fn push(
        &mut self,
        parent: Option<usize>,
        name: Option<&'s str>,
        params: Vec<&'s str>,
    ) -> usize {
        self.names.extend(name);
        self.params.extend(params.iter().copied());
        self.scopes.push(FunctionScope {
            parent,
            name,
            params,
        });
        self.scopes.len() - 1
    }

    pub fn get(&self, scope: usize) -> Option<&FunctionScope<'s>> {
        self.scopes.get(scope)
    }

    /// `scope` and the functions around it, innermost first.
    fn chain(&self, scope: Option<usize>) -> impl Iterator<Item = &FunctionScope<'s>> {
        std::iter::successors(scope.and_then(|s| self.get(s)), |s| {
            s.parent.and_then(|p| self.get(p))
        })
    }

    /// Whether `scope` is, or is inside, a function named `name`.
    pub fn inside_function_named(&self, scope: Option<usize>, name: &str) -> bool {
        self.names.contains(name) && self.chain(scope).any(|s| s.name == Some(name))
    }

    /// Whether `name` is a parameter of `scope` or of a function around it.
    pub fn is_param(&self, scope: Option<usize>, name: &str) -> bool {
        self.params.contains(name) && self.chain(scope).any(|s| s.params.contains(&name))
    }
}

/// Deepest bracket nesting a Rust file may have before `syn` (which recurses) is not run on it.
pub const MAX_RUST_NESTING: usize = 200;

/// At most this many syntax errors are reported per file.
pub const MAX_SYNTAX_ERRORS: usize = 20;

/// Stack of the threads that run recursive parsers on deep input (virtual memory; only the pages
/// the recursion touches are committed).
const DEEP_STACK_BYTES: usize = 256 << 20;

/// Runs `f` on a scoped thread with a [`DEEP_STACK_BYTES`] stack; `None` if the thread could not
/// be started or `f` panicked.
fn on_deep_stack<T: Send>(f: impl FnOnce() -> T + Send) -> Option<T> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("flaglint-deep-parse".to_string())
            .stack_size(DEEP_STACK_BYTES)
            .spawn_scoped(scope, f)
            .ok()?
            .join()
            .ok()
    })
}

/// Extracts the facts of one file.
pub fn extract(grammar: Grammar, source: &str, options: &ExtractOptions) -> FileFacts {
    match grammar {
        Grammar::Python => python::extract(source, options),
        Grammar::TypeScript => typescript::extract(source, false, options),
        Grammar::Tsx => typescript::extract(source, true, options),
        Grammar::Rust => rust::extract(source, options),
        Grammar::Template => template::extract(source, options),
        Grammar::Component(dialect) => component::extract(source, dialect, options),
        // YAML files are definitions only; `yaml::extract` needs the file name and key field.
        Grammar::Yaml => FileFacts::default(),
    }
}

/// Test helper: extracts `source` with the given checks (`"name:position"` or `"name:keyword"`,
/// dotted names for multi-segment callees) and interesting names.
#[cfg(test)]
pub(crate) fn test_extract(
    grammar: Grammar,
    language: Language,
    checks: &[&str],
    interesting: &[&str],
    source: &str,
) -> FileFacts {
    test_extract_specs(grammar, language, test_specs(checks), interesting, source)
}

/// Test helper: runs `f` with the extract options [`test_extract`] uses.
#[cfg(test)]
pub(crate) fn with_test_options<T>(
    language: Language,
    checks: &[&str],
    interesting: &[&str],
    f: impl FnOnce(&ExtractOptions) -> T,
) -> T {
    with_options(
        language,
        test_specs(checks),
        interesting,
        DefinitionShapes::default(),
        f,
    )
}

/// Test helper: check specs from `"name:position"` or `"name:keyword"`.
#[cfg(test)]
fn test_specs(checks: &[&str]) -> Vec<CheckSpec> {
    checks
        .iter()
        .map(|c| {
            let (call, key) = c.split_once(':').expect("name:key");
            let key = match key.parse::<usize>() {
                Ok(p) => KeyArg {
                    position: Some(p),
                    keyword: None,
                },
                Err(_) => KeyArg {
                    position: None,
                    keyword: Some(key.to_string()),
                },
            };
            CheckSpec {
                call: call.split('.').map(str::to_string).collect(),
                key,
                ..CheckSpec::default()
            }
        })
        .collect()
}

/// Test helper: extracts a definitions file with the given definition shapes.
#[cfg(test)]
pub(crate) fn test_extract_definitions(
    grammar: Grammar,
    language: Language,
    definitions: DefinitionShapes,
    source: &str,
) -> FileFacts {
    test_extract_with(grammar, language, Vec::new(), &[], definitions, source)
}

/// Test helper: extracts `source` with the given check specs (any shape) and interesting names.
#[cfg(test)]
pub(crate) fn test_extract_specs(
    grammar: Grammar,
    language: Language,
    specs: Vec<CheckSpec>,
    interesting: &[&str],
    source: &str,
) -> FileFacts {
    test_extract_with(
        grammar,
        language,
        specs,
        interesting,
        DefinitionShapes::default(),
        source,
    )
}

#[cfg(test)]
fn test_extract_with(
    grammar: Grammar,
    language: Language,
    specs: Vec<CheckSpec>,
    interesting: &[&str],
    definitions: DefinitionShapes,
    source: &str,
) -> FileFacts {
    with_options(language, specs, interesting, definitions, |options| {
        extract(grammar, source, options)
    })
}

#[cfg(test)]
fn with_options<T>(
    language: Language,
    specs: Vec<CheckSpec>,
    interesting: &[&str],
    definitions: DefinitionShapes,
    f: impl FnOnce(&ExtractOptions) -> T,
) -> T {
    let matcher = CheckMatcher::new(specs);
    let interesting: HashSet<String> = interesting.iter().map(|s| s.to_string()).collect();
    let options = ExtractOptions {
        language,
        checks: &matcher,
        interesting: &interesting,
        definitions: &definitions,
        definitions_file: false,
        keys: &HashSet::new(),
        migration: None,
        created_rows: false,
    };
    f(&options)
}

/// Test helper: extracts `source` with no checks, as a definitions file or not, looking for
/// literal mentions of `keys`.
#[cfg(test)]
pub(crate) fn test_extract_file(
    grammar: Grammar,
    language: Language,
    definitions_file: bool,
    keys: &[&str],
    source: &str,
) -> FileFacts {
    let matcher = CheckMatcher::default();
    let keys: HashSet<String> = keys.iter().map(|s| s.to_string()).collect();
    let options = ExtractOptions {
        language,
        checks: &matcher,
        interesting: &HashSet::new(),
        definitions: &DefinitionShapes::default(),
        definitions_file,
        keys: &keys,
        migration: None,
        created_rows: false,
    };
    extract(grammar, source, &options)
}

/// Test helper: `[("a", "b")]` as owned pairs.
#[cfg(test)]
pub(crate) fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(call: &str, receiver: &[&str], language: Option<Language>) -> CheckSpec {
        CheckSpec {
            call: call.split('.').map(str::to_string).collect(),
            key: KeyArg {
                position: Some(0),
                keyword: None,
            },
            language,
            receiver: receiver.iter().map(|s| s.to_string()).collect(),
            ..CheckSpec::default()
        }
    }

    #[test]
    fn function_scopes_answer_for_the_enclosing_functions_only() {
        let mut scopes = FunctionScopes::default();
        let outer = scopes.push(None, Some("isEnabled"), vec!["key"]);
        let inner = scopes.push(Some(outer), None, vec!["x"]);
        let sibling = scopes.push(None, Some("other"), vec!["y"]);
        assert!(scopes.inside_function_named(Some(inner), "isEnabled"));
        assert!(!scopes.inside_function_named(Some(sibling), "isEnabled"));
        assert!(!scopes.inside_function_named(None, "isEnabled"));
        assert!(scopes.is_param(Some(inner), "key"));
        assert!(scopes.is_param(Some(inner), "x"));
        assert!(!scopes.is_param(Some(inner), "y"));
        assert!(!scopes.is_param(Some(sibling), "key"));
        assert!(!scopes.is_param(Some(inner), "unknown"));
    }

    #[test]
    fn identifier_words_split_like_people_read_them() {
        let words = |s| identifier_words(s).collect::<Vec<_>>();
        assert_eq!(words("ld_client"), ["ld", "client"]);
        assert_eq!(words("LDClient"), ["LD", "Client"]);
        assert_eq!(
            words("growthBookClient2"),
            ["growth", "Book", "Client", "2"]
        );
        assert_eq!(words("$gb"), ["gb"]);
        assert_eq!(words("rgb"), ["rgb"]);
    }

    #[test]
    fn matching_by_name_suffix_language_and_receiver() {
        let matcher = CheckMatcher::new(vec![
            spec("get_flag_for_user", &[], None),
            spec("features.includes", &[], None),
            spec("variation", &["client", "ld"], None),
            spec("useFlag", &[], Some(Language::TypeScript)),
        ]);
        let find = |language, callee: &[&str]| matcher.find(language, callee).map(|(i, _)| i);
        assert_eq!(find(Language::Python, &["get_flag_for_user"]), Some(0));
        assert_eq!(
            find(Language::Python, &["services", "get_flag_for_user"]),
            Some(0)
        );
        assert_eq!(
            find(Language::TypeScript, &["org", "features", "includes"]),
            Some(1)
        );
        assert_eq!(find(Language::TypeScript, &["list", "includes"]), None);
        assert_eq!(
            find(Language::Python, &["self", "ld_client", "variation"]),
            Some(2)
        );
        assert_eq!(find(Language::Python, &["LDClient", "variation"]), Some(2));
        assert_eq!(
            find(Language::TypeScript, &["ldClient", "variation"]),
            Some(2)
        );
        assert_eq!(find(Language::Python, &["field", "variation"]), None);
        assert_eq!(find(Language::Python, &["clients", "variation"]), None);
        assert_eq!(find(Language::Python, &["color", "variation"]), None);
        assert_eq!(find(Language::Python, &["variation"]), None);
        assert_eq!(find(Language::JavaScript, &["useFlag"]), Some(3));
        assert_eq!(find(Language::Python, &["useFlag"]), None);
    }

    #[test]
    fn receiver_words_of_several_words_match_in_a_row() {
        let matcher = CheckMatcher::new(vec![
            spec("is_enabled", &["feature_service"], None),
            spec("variation", &["LDClient"], None),
        ]);
        let find = |callee: &[&str]| matcher.find(Language::Python, callee).map(|(i, _)| i);
        assert_eq!(find(&["self", "feature_service", "is_enabled"]), Some(0));
        assert_eq!(find(&["featureService", "is_enabled"]), Some(0));
        assert_eq!(find(&["service_feature", "is_enabled"]), None);
        assert_eq!(find(&["feature", "is_enabled"]), None);
        assert_eq!(find(&["ld_client", "variation"]), Some(1));
        assert_eq!(find(&["LDClient", "variation"]), Some(1));
        assert_eq!(find(&["client", "variation"]), None);
    }

    #[test]
    fn gate_templates_match_by_the_form_of_the_name() {
        let gate = CheckSpec {
            call: vec!["is_{key}_enabled".to_string()],
            gate: Some(gates::NameTemplate::parse("is_{key}_enabled").unwrap()),
            ..CheckSpec::default()
        };
        let matcher = CheckMatcher::new(vec![spec("is_enabled", &[], None), gate]);
        assert!(matcher.is_candidate("is_trim_paths_enabled"));
        assert!(!matcher.is_candidate("is_trim_paths"));
        let find = |callee: &[&str]| matcher.find(Language::Rust, callee).map(|(i, _)| i);
        assert_eq!(find(&["preview", "is_trim_paths_enabled"]), Some(1));
        assert_eq!(find(&["is_enabled"]), Some(0));
    }
}
