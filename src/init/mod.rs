//! `flaglint init`: looks at a repository and proposes a `flaglint.toml`.
//!
//! - Packs, from dependency manifests (`requirements*.txt`, `pyproject.toml`, `package.json`,
//!   `Cargo.toml`) and, optionally, Python imports.
//! - Definitions files: modules named like flag registries (`flags.py`, `feature_flags/…`,
//!   `useFeatureFlags/types.ts`, `flags.rs`) that hold string constants.
//! - Check functions of the repository's own: functions whose name speaks of flags and that take a
//!   flag key (`def get_flag_for_user(user, flag_name)`, `fn is_enabled(&self, flag: &str)`), and
//!   TS variables bound to a flag hook (`const checkFeatureFlag = useCheckFeatureFlag()`).
//!
//! Every proposal is a heuristic, so the file it writes says where each line came from.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::config::packs::{self, Detect};
use crate::config::Side;
use crate::index::walk;
use crate::lang::{self, CheckMatcher, ExtractOptions, KeyTransform, Language};

mod data;
mod functions;
mod macros;
mod manifests;
mod registries;
mod render;
mod review;
mod settings;
mod toggles;
mod wrappers;

use functions::check_functions;
use manifests::{
    list_files, manifest_dependencies, manifest_files, normalize, python_imports, vendored_dir,
};
pub use render::{drift, render, Drift};
pub use review::{review, review_definitions, REVIEW_ROUNDS};

/// What `init` found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Proposal {
    /// Vendored directories to exclude (`vendor/**`).
    pub exclude: Vec<String>,
    /// Pack name -> the evidence (`requirements.txt: django-waffle`), sorted.
    pub packs: BTreeMap<String, BTreeSet<String>>,
    pub definitions: Vec<ProposedDefinition>,
    pub checks: Vec<ProposedCheck>,
    /// Template property chains filled by a context processor (`FEATURE_FLAGS`), with evidence.
    pub template_properties: Vec<(String, String)>,
    /// Checks of other forms (`method = "is_enabled"`, test helpers with a `state`).
    pub other_checks: Vec<OtherCheck>,
    /// Packs a manifest names but none of whose checks the code calls, with the evidence:
    /// written commented out.
    pub unused_packs: BTreeMap<String, BTreeSet<String>>,
    /// Definitions written commented out, with why: entries that would turn the keys other
    /// checks pass into undefined flags.
    pub unsure_definitions: Vec<(ProposedDefinition, String)>,
    /// Checks written commented out, with why: functions most of whose calls pass keys no
    /// definition declares (a command line's switches, not flags).
    pub unsure_checks: Vec<(ProposedCheck, String)>,
    /// Django migrations that create or delete waffle rows.
    pub waffle_migrations: Vec<String>,
    /// `[parity] frontend-key` when the frontend spells the backend's keys another way
    /// (`camelCase`), with the evidence.
    pub parity: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProposedCheck {
    pub call: String,
    pub key: usize,
    pub keyword: Option<String>,
    pub language: Language,
    /// Where it was found (`backend/feature_flags/services.py:4`).
    pub evidence: String,
    /// The key parameter's declared type when it is not a string (`PreviewFeature`): the
    /// registry the keys come from.
    pub key_type: Option<String>,
    /// A property chain (`settings.feature_flags.x`), not a call: `call` is the chain before the
    /// key.
    pub property: bool,
    /// A method of a class (`isEnabled(expName: IFlagKey)`): the receivers its calls go through
    /// (`flagResolver`), filled from the call sites; a method with none is not proposed.
    pub receiver: Option<Vec<String>>,
    /// Patterns over the keys that are flags (`ENABLE_*` of `getConfig().ENABLE_X`).
    pub keys: Vec<String>,
}

impl ProposedCheck {
    /// Reads of a property chain ending in `holder` (`feature_flags.x`).
    fn property(holder: &str, language: Language, evidence: String) -> ProposedCheck {
        ProposedCheck {
            property: true,
            ..ProposedCheck::call(holder, 0, language, evidence)
        }
    }

    /// Calls of `name` with the key at `key`, nothing else said.
    fn call(name: impl Into<String>, key: usize, language: Language, evidence: String) -> Self {
        ProposedCheck {
            call: name.into(),
            key,
            keyword: None,
            language,
            evidence,
            key_type: None,
            property: false,
            receiver: None,
            keys: Vec::new(),
        }
    }
}

/// A `[[checks]]` entry of another form than a call or a property chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherCheck {
    /// `method`, or `call` for a test helper.
    pub form: &'static str,
    pub name: String,
    /// More fields, as TOML values.
    pub fields: Vec<(&'static str, String)>,
    pub language: Language,
    pub evidence: String,
}

/// A definitions file, and the shape that declares its flags (`("enum", "PreviewFeature")`) when
/// only that declaration holds them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProposedDefinition {
    pub side: Side,
    pub path: String,
    pub shape: Option<(&'static str, String)>,
    /// More fields of the entry, as TOML values (`("macro", "[\"features\"]")`, `("key", "1")`).
    pub fields: Vec<(&'static str, String)>,
    /// Why it is proposed.
    pub evidence: String,
}

/// How much to look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// Only dependency manifests: cheap enough to run before every unconfigured `check`.
    Manifests,
    /// Manifests, imports, definitions files and check functions.
    Full,
}

/// Inspects the repository at `root`.
pub fn detect(root: &Path, depth: Depth) -> Proposal {
    let mut proposal = Proposal::default();
    let files = list_files(root);
    // Per built-in pack: how to detect it, and the names its checks call.
    let mut pack_calls: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let packs: Vec<(String, Detect)> = packs::BUILTIN
        .iter()
        .filter_map(|(name, text)| {
            packs::parse(text).ok().map(|(pack, specs)| {
                let calls = specs
                    .iter()
                    .filter_map(|s| s.call.last().cloned())
                    .filter(|c| !c.is_empty())
                    .collect();
                pack_calls.insert(name.to_string(), calls);
                (name.to_string(), pack.detect)
            })
        })
        .collect();

    let manifests = manifest_files(&files);
    for (rel, path) in &files {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        if !manifests.contains(rel.as_str()) {
            continue;
        }
        let Ok(text) = crate::files::read_text(path) else {
            continue;
        };
        let dependencies = manifest_dependencies(name, &text);
        for (pack, detect) in &packs {
            let wanted: &[String] = match name {
                "package.json" => &detect.npm_packages,
                "Cargo.toml" => &detect.cargo_crates,
                _ => &detect.python_packages,
            };
            for dependency in &dependencies {
                if wanted.iter().any(|w| normalize(w) == normalize(dependency)) {
                    proposal
                        .packs
                        .entry(pack.clone())
                        .or_default()
                        .insert(format!("{rel}: {dependency}"));
                }
            }
        }
    }
    if depth == Depth::Manifests {
        return proposal;
    }

    // Detected packs none of whose check names the code has spelled yet.
    let mut unseen_packs: BTreeSet<String> = proposal.packs.keys().cloned().collect();
    let no_checks = CheckMatcher::default();
    let no_names = HashSet::new();
    // Type declarations seen, by name: the registries a check function's key type may name.
    let mut types: BTreeMap<String, Vec<TypeDeclaration>> = BTreeMap::new();
    // Rust structs of flag fields, and the Rust sources where reads of them may be.
    let mut flag_structs_found: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut rust_texts: Vec<String> = Vec::new();
    let mut rust_rels: Vec<String> = Vec::new();
    // The containers of the definitions files found (`FlagsEnum`), per language family.
    let mut definition_containers: BTreeSet<(Language, String)> = BTreeSet::new();
    // The keys of the definitions files found, per side.
    let mut definition_keys: BTreeMap<Side, BTreeSet<String>> = BTreeMap::new();
    let mut macro_registries: Vec<(String, Vec<macros::MacroRegistry>)> = Vec::new();
    // Registries of flag keys anywhere (`FEATURES = {...}`), and the sources their keys may be
    // passed from, per language.
    let mut registries_found: Vec<(String, Language, registries::Registry)> = Vec::new();
    // Modules declaring flag objects (`NEW_NAV = WaffleFlag(...)`): path, constructors, count.
    let mut toggle_modules: Vec<(String, BTreeSet<&'static str>, usize)> = Vec::new();
    let mut ts_texts: Vec<String> = Vec::new();
    // Django settings modules, and the Python sources that read `settings.X`.
    let mut settings_modules: Vec<(String, String)> = Vec::new();
    let mut settings_readers: Vec<(String, String)> = Vec::new();
    for (rel, path) in &files {
        let Some((grammar, language)) = lang::detect(Path::new(rel)) else {
            continue;
        };
        if in_tests_or_fixtures(rel) {
            continue;
        }
        const MAX_SOURCE_SIZE: u64 = 2 * 1024 * 1024;
        let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_SOURCE_SIZE);
        let Some(bytes) = small.then(|| std::fs::read(path).ok()).flatten() else {
            continue;
        };
        if bytes[..bytes.len().min(8192)].contains(&0) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        if language.is_data() && data::is_candidate(rel) {
            proposal.definitions.extend(data::propose(rel, &text));
        }
        // JSON is read only as data files of flags.
        if language == Language::Json {
            continue;
        }
        unseen_packs.retain(|pack| {
            !pack_calls
                .get(pack)
                .is_some_and(|calls| calls.iter().any(|c| text.contains(c.as_str())))
        });
        if language == Language::Python
            && crate::index::roles::role_from_path(rel, language)
                == crate::index::FileRole::Migration
            && text.contains("waffle")
            && crate::index::roles::migration_path(rel).is_some()
        {
            proposal.waffle_migrations.push(rel.clone());
        }
        if language == Language::Python {
            for module in python_imports(&text) {
                for (pack, detect) in &packs {
                    if detect
                        .python_imports
                        .iter()
                        .any(|m| module == *m || module.starts_with(&format!("{m}.")))
                    {
                        proposal
                            .packs
                            .entry(pack.clone())
                            .or_default()
                            .insert(format!("{rel}: import {module}"));
                    }
                }
            }
        }
        if looks_like_definitions(rel) {
            let no_shapes = lang::DefinitionShapes::default();
            let options = ExtractOptions {
                language,
                checks: &no_checks,
                interesting: &no_names,
                definitions: &no_shapes,
                definitions_file: true,
                keys: &no_names,
                migration: None,
                created_rows: false,
            };
            let facts = lang::extract(grammar, &text, &options);
            // Plan codes and abbreviations (`P = 'P'`, `EEA = 'EEA'`) are not flag keys.
            let flags = facts
                .string_consts
                .iter()
                .filter(|c| c.exported && c.value.chars().count() > 3)
                .count();
            definition_containers.extend(
                facts
                    .string_consts
                    .iter()
                    .filter(|c| c.exported && c.symbol.len() == 2)
                    .map(|c| (family_of(language), c.symbol[0].clone())),
            );
            let side = crate::index::code_side(language);
            definition_keys.entry(side).or_default().extend(
                facts
                    .string_consts
                    .iter()
                    .filter(|c| c.exported && c.value.chars().count() > 3)
                    .map(|c| c.value.clone()),
            );
            if flags > 0 {
                proposal.definitions.push(ProposedDefinition {
                    side: crate::index::code_side(language),
                    path: rel.clone(),
                    shape: None,
                    fields: Vec::new(),
                    evidence: "Flag constants (string values) found in this file.".to_string(),
                });
            }
        }
        if matches!(language, Language::TypeScript | Language::JavaScript)
            && names_feature_flags(rel)
        {
            propose_store_registrations(&mut proposal, rel, &text);
        }
        if let Some((template, count)) = gate_family(language, rel, &text) {
            proposal.definitions.push(ProposedDefinition {
                side: crate::index::code_side(language),
                path: rel.clone(),
                shape: Some(("function", template.to_string())),
                fields: Vec::new(),
                evidence: format!(
                    "{count} gate functions named `{template}`: one function per flag, its calls are the checks."
                ),
            });
        }
        if language == Language::Python && (text.contains("Waffle") || text.contains("Toggle(")) {
            let (constructors, count) = toggles::flag_objects(&text);
            if count > 0 {
                toggle_modules.push((rel.clone(), constructors, count));
            }
        }
        let in_migrations = rel.split('/').any(|d| d == "migrations");
        if !in_migrations
            && matches!(
                language,
                Language::Python | Language::TypeScript | Language::JavaScript
            )
        {
            for registry in registries::registries(grammar, language, &text) {
                registries_found.push((rel.clone(), language, registry));
            }
        }
        if language == Language::Python {
            if crate::index::roles::is_settings_module(rel) {
                settings_modules.push((rel.clone(), text.to_string()));
            } else if text.contains("settings.") {
                settings_readers.push((rel.clone(), text.to_string()));
            }
        }
        if language == Language::Python && rel.ends_with("context_processors.py") {
            proposal.template_properties.extend(
                context_processor_flags(&text)
                    .into_iter()
                    .map(|(name, line)| (name, format!("{rel}:{line}"))),
            );
        }
        if language == Language::Rust {
            for (name, fields) in flag_structs(&text) {
                flag_structs_found.push((rel.clone(), name, fields));
            }
            let registries = macros::macro_registries(&text);
            if !registries.is_empty() {
                macro_registries.push((rel.clone(), registries));
            }
            rust_texts.push(text.to_string());
            rust_rels.push(rel.clone());
        }
        if matches!(language, Language::TypeScript | Language::JavaScript) {
            ts_texts.push(text.to_string());
        }
        for declaration in type_declarations(rel, language, &text) {
            types
                .entry(declaration.name.clone())
                .or_default()
                .push(declaration);
        }
        proposal
            .checks
            .extend(check_functions(rel, language, &text));
        if let Some(vendored) = vendored_dir(rel) {
            if !proposal.exclude.contains(&vendored) {
                proposal.exclude.push(vendored);
            }
        }
    }
    if let (Some(backend), Some(frontend)) = (
        definition_keys.get(&Side::Backend),
        definition_keys.get(&Side::Frontend),
    ) {
        proposal.parity = parity_mapping(backend, frontend);
    }
    if !registries_found.is_empty() || !definition_containers.is_empty() {
        // A second read of the code, only when there is a registry whose keys may be passed.
        let key_sources: Vec<(String, Language, String)> = files
            .iter()
            .filter(|(rel, _)| !in_tests_or_fixtures(rel))
            .filter_map(|(rel, path)| {
                let (_, language) = lang::detect(Path::new(rel))?;
                let code = matches!(
                    language,
                    Language::Python | Language::TypeScript | Language::JavaScript
                );
                let text = code.then(|| crate::files::read_text(path).ok()).flatten()?;
                Some((rel.clone(), language, text))
            })
            .collect();
        for (path, language, registry) in &registries_found {
            propose_registry(
                &mut proposal,
                (path, *language, registry),
                &key_sources,
                &definition_keys,
            );
        }
        propose_member_callees(&mut proposal, &definition_containers, &key_sources);
    }
    if !toggle_modules.is_empty() {
        propose_flag_objects(&mut proposal, &toggle_modules, &files);
    }
    settings::propose_settings(&mut proposal, &settings_modules, &settings_readers);
    settings::propose_config_reads(&mut proposal, &ts_texts);
    let pack_names: BTreeSet<String> = proposal
        .packs
        .keys()
        .filter_map(|p| pack_calls.get(p))
        .flatten()
        .cloned()
        .collect();
    settings::propose_flag_hooks(&mut proposal, &ts_texts, &pack_names);
    for (path, registries) in &macro_registries {
        propose_macro_registry(&mut proposal, path, registries, &rust_rels, &rust_texts);
    }
    // Methods: scoped to the receivers their calls go through, or not proposed.
    for check in &mut proposal.checks {
        if let Some(receivers) = check.receiver.as_mut() {
            *receivers = method_receivers(&check.call, &ts_texts);
        }
    }
    proposal
        .checks
        .retain(|c| c.receiver.as_ref().is_none_or(|r| !r.is_empty()));
    proposal.checks.sort();
    proposal
        .checks
        .dedup_by(|a, b| a.call == b.call && a.language == b.language);
    for check in &proposal.checks {
        let Some(key_type) = &check.key_type else {
            continue;
        };
        let near = check.evidence.split(':').next().unwrap_or("");
        if let Some(declaration) = resolve_type(&types, key_type, check.language, near) {
            let definition = ProposedDefinition {
                side: crate::index::code_side(check.language),
                path: declaration.path.clone(),
                shape: (!declaration.shape.is_empty())
                    .then(|| (declaration.shape, declaration.name.clone())),
                fields: Vec::new(),
                evidence: format!(
                    "The flags of `{}` ({}): the type of its key parameter.",
                    check.call, check.evidence
                ),
            };
            if !proposal
                .definitions
                .iter()
                .any(|d| d.path == definition.path && d.shape == definition.shape)
            {
                proposal.definitions.push(definition);
            }
        }
    }
    for (path, name, fields) in &flag_structs_found {
        // Reads of its fields through one binding name in many places: `settings.feature_flags.x`.
        let Some((holder, reads)) = struct_holder(fields, &rust_texts) else {
            continue;
        };
        proposal.definitions.push(ProposedDefinition {
            side: Side::Backend,
            path: path.clone(),
            shape: Some(("struct", name.clone())),
            fields: Vec::new(),
            evidence: format!(
                "The flags of `{name}` ({} bool fields), read as `{holder}.<field>` {reads} times.",
                fields.len()
            ),
        });
        proposal.checks.push(ProposedCheck::property(
            &holder,
            Language::Rust,
            format!("{path}: reads of `{name}` fields as `{holder}.<field>`"),
        ));
        // The frontend reading the same flags, camelCased (`$settings.featureFlags.ws3`).
        let camel: Vec<String> = fields
            .iter()
            .map(|f| KeyTransform::CamelCase.apply(f))
            .collect();
        if let Some((holder, _)) = struct_holder(&camel, &ts_texts) {
            proposal.checks.push(ProposedCheck::property(
                &holder,
                Language::TypeScript,
                format!("reads of `{name}` fields as `{holder}.<field>` in TypeScript"),
            ));
        }
    }
    proposal.template_properties.sort();
    proposal.template_properties.dedup_by(|a, b| a.0 == b.0);
    // A dependency whose calls the code never makes (an SDK used for analytics only): enabling
    // its pack would only say that it matches nothing.
    for pack in unseen_packs {
        if let Some(evidence) = proposal.packs.remove(&pack) {
            proposal.unused_packs.insert(pack, evidence);
        }
    }
    // A file read through a shape (`registry = "FEATURE_FLAG"`) needs no entry for its plain
    // constants too: both would read the same declarations.
    let shaped: BTreeSet<String> = proposal
        .definitions
        .iter()
        .filter(|d| d.shape.is_some())
        .map(|d| d.path.clone())
        .collect();
    proposal
        .definitions
        .retain(|d| d.shape.is_some() || !d.fields.is_empty() || !shaped.contains(&d.path));
    proposal
}

/// The end of `text` made of characters `part` accepts (`request.feature` before a `(`).
fn trailing(text: &str, part: impl Fn(char) -> bool) -> &str {
    let start = text
        .char_indices()
        .rev()
        .take_while(|&(_, c)| part(c))
        .last()
        .map_or(text.len(), |(at, _)| at);
    &text[start..]
}

/// A TOML array of strings: `["persisted", "persistWithExpiration"]`.
fn toml_strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let quoted: Vec<String> = items
        .into_iter()
        .map(|item| format!("\"{}\"", item.as_ref()))
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// The `register` and `key` fields of a registration entry.
fn registration_fields<S: AsRef<str>>(
    functions: impl IntoIterator<Item = S>,
    key: usize,
) -> Vec<(&'static str, String)> {
    vec![
        ("register", toml_strings(functions)),
        ("key", key.to_string()),
    ]
}

/// TypeScript counts JavaScript's sources and checks as its own.
fn family_of(language: Language) -> Language {
    match language {
        Language::JavaScript => Language::TypeScript,
        other => other,
    }
}

/// Functions the code passes members of the definitions' containers to
/// (`useFeatureFlag(FlagsEnum.X)`, `GetFeatureFlagCommand.create({ key: FlagsEnum.X })`).
fn propose_member_callees(
    proposal: &mut Proposal,
    containers: &BTreeSet<(Language, String)>,
    sources: &[(String, Language, String)],
) {
    for family in [Language::Python, Language::TypeScript] {
        let names: BTreeSet<&str> = containers
            .iter()
            .filter(|(l, _)| *l == family)
            .map(|(_, name)| name.as_str())
            .collect();
        if names.is_empty() {
            continue;
        }
        let texts: Vec<(&str, &str)> = sources
            .iter()
            .filter(|(_, l, _)| family_of(*l) == family)
            .map(|(rel, _, text)| (rel.as_str(), text.as_str()))
            .collect();
        for (callee, argument, calls, place) in registries::member_callees(&names, &texts) {
            let evidence = format!("{place}: {calls} calls pass flag constants");
            match argument {
                registries::MemberArgument::First => proposal
                    .checks
                    .push(ProposedCheck::call(callee, 0, family, evidence)),
                registries::MemberArgument::Property(name) if family == Language::TypeScript => {
                    proposal.other_checks.push(OtherCheck {
                        form: "call",
                        name: callee,
                        fields: vec![("key", format!("\"{name}\""))],
                        language: family,
                        evidence: format!("{evidence} as the `{name}` of an object"),
                    })
                }
                registries::MemberArgument::Property(_) => {}
            }
        }
    }
}

/// A registry of flag keys: its entry, and the functions of each language the code passes its
/// keys to.
fn propose_registry(
    proposal: &mut Proposal,
    (path, language, registry): (&str, Language, &registries::Registry),
    sources: &[(String, Language, String)],
    definition_keys: &BTreeMap<Side, BTreeSet<String>>,
) {
    let shown: Vec<&str> = registry.keys.iter().take(3).map(String::as_str).collect();
    let definition = ProposedDefinition {
        side: crate::index::code_side(language),
        path: path.to_string(),
        shape: Some(("registry", registry.name.clone())),
        fields: Vec::new(),
        evidence: format!(
            "`{}` holds {} flag keys ({}, ...).",
            registry.name,
            registry.keys.len(),
            shown.join(", ")
        ),
    };
    if proposal.definitions.contains(&definition) {
        return;
    }
    let keys: BTreeSet<&str> = registry.keys.iter().map(String::as_str).collect();
    let mut checks = Vec::new();
    for family in [Language::Python, Language::TypeScript] {
        let texts: Vec<(&str, &str)> = sources
            .iter()
            .filter(|(_, l, _)| {
                *l == family || (family == Language::TypeScript && *l == Language::JavaScript)
            })
            .map(|(rel, _, text)| (rel.as_str(), text.as_str()))
            .collect();
        // Reads of the keys as properties of one binding (`config.features.group_type`).
        let bodies: Vec<String> = texts.iter().map(|(_, t)| t.to_string()).collect();
        for (holder, reads) in struct_holders(&registry.keys, &bodies) {
            checks.push(ProposedCheck::property(
                &holder,
                family,
                format!(
                    "{reads} reads of `{}` keys as `{holder}.<key>`",
                    registry.name
                ),
            ));
        }
        for (callee, calls, place) in registries::key_callees(&keys, &texts) {
            checks.push(ProposedCheck::call(
                callee,
                0,
                family,
                format!("{place}: {calls} calls pass keys of `{}`", registry.name),
            ));
        }
    }
    // A registry whose keys no code passes or reads is no evidence of a flag system.
    if checks.is_empty() {
        return;
    }
    // Another proposed check of its side passing keys it lacks checks another system (the UI
    // flags of a product whose server holds this registry): with it, they would be undefined.
    let family = |l: Language| match l {
        Language::JavaScript => Language::TypeScript,
        other => other,
    };
    let side_keys = definition_keys.get(&definition.side);
    let texts: Vec<(&str, &str)> = sources
        .iter()
        .filter(|(_, l, _)| family(*l) == family(language))
        .map(|(rel, _, text)| (rel.as_str(), text.as_str()))
        .collect();
    let uncovered = proposal.checks.iter().find_map(|other| {
        if other.property || family(other.language) != family(language) {
            return None;
        }
        let name = other.call.rsplit('.').next()?;
        let passed = registries::literal_arguments(name, &texts);
        let outside = passed
            .iter()
            .filter(|k| !keys.contains(k.as_str()) && !side_keys.is_some_and(|s| s.contains(*k)))
            .count();
        (passed.len() >= registries::MIN_KEYS && outside * 5 > passed.len()).then(|| {
            format!(
                "{outside} of the {} keys passed to `{}` are not in it: they would be reported undefined",
                passed.len(),
                other.call
            )
        })
    });
    match uncovered {
        Some(reason) => proposal.unsure_definitions.push((definition, reason)),
        None => {
            proposal.definitions.push(definition);
            proposal.checks.extend(checks);
        }
    }
}

/// A file whose name says feature flags (`uiFeatureFlags.ts`, `feature_flags.py`).
fn names_feature_flags(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    ["featureflag", "feature_flag", "feature-flag"]
        .iter()
        .any(|w| name.contains(w))
}

/// Flags as exported stores made with their key (`export const fModeEnabled =
/// persisted(false, "f-mode")`): `register` entries, one per position of the key.
fn propose_store_registrations(proposal: &mut Proposal, rel: &str, text: &str) {
    let made = registries::exported_registrations(text);
    // Per function, the position most of its calls put a string at (`persisted("all",
    // "feature-x")` passes a string default too).
    let mut by_function: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for ((function, position), count) in &made {
        let entry = by_function
            .entry(function)
            .or_insert((*position, *count, 0));
        if *count > entry.1 {
            (entry.0, entry.1) = (*position, *count);
        }
        entry.2 += count;
    }
    let mut by_position: BTreeMap<usize, (Vec<&str>, usize)> = BTreeMap::new();
    for (function, (position, _, total)) in by_function {
        let entry = by_position.entry(position).or_default();
        entry.0.push(function);
        entry.1 += total;
    }
    for (position, (functions, total)) in by_position {
        if total < 2 {
            continue;
        }
        let mut fields = registration_fields(&functions, position);
        fields.push(("local", "true".to_string()));
        proposal.definitions.push(ProposedDefinition {
            side: Side::Frontend,
            path: rel.to_string(),
            shape: None,
            fields,
            evidence: format!(
                "{total} exported flags made by {} with their key (kept in the client: no backend counterpart).",
                functions.join(", ")
            ),
        });
    }
}

/// Most modules of flag objects named one by one; more, all named `toggles.py`, are one glob.
const MAX_TOGGLE_MODULES: usize = 12;

/// Flag objects (edx-toggles): the modules declaring them as registrations, their
/// `.is_enabled()` as the check, and the test helpers the tests call with them.
fn propose_flag_objects(
    proposal: &mut Proposal,
    modules: &[(String, BTreeSet<&'static str>, usize)],
    files: &[(String, PathBuf)],
) {
    let constructors: BTreeSet<&str> = modules
        .iter()
        .flat_map(|(_, c, _)| c.iter().copied())
        .collect();
    let fields = registration_fields(&constructors, 0);
    let all_toggles = modules
        .iter()
        .all(|(path, _, _)| path.ends_with("toggles.py"));
    let total: usize = modules.iter().map(|(_, _, n)| n).sum();
    if modules.len() > MAX_TOGGLE_MODULES && all_toggles {
        proposal.definitions.push(ProposedDefinition {
            side: Side::Backend,
            path: "**/toggles.py".to_string(),
            shape: None,
            fields,
            evidence: format!(
                "{total} flag objects ({}) in {} `toggles.py` modules.",
                constructors.iter().copied().collect::<Vec<_>>().join(", "),
                modules.len()
            ),
        });
    } else {
        for (path, used, count) in modules {
            proposal.definitions.push(ProposedDefinition {
                side: Side::Backend,
                path: path.clone(),
                shape: None,
                fields: registration_fields(used, 0),
                evidence: format!(
                    "{count} flag object(s) declared here ({}).",
                    used.iter().copied().collect::<Vec<_>>().join(", ")
                ),
            });
        }
    }
    proposal.other_checks.push(OtherCheck {
        form: "method",
        name: "is_enabled".to_string(),
        fields: Vec::new(),
        language: Language::Python,
        evidence: "`NAME.is_enabled()` on the flag objects above".to_string(),
    });
    // The tests' overrides, with the state they set.
    let mut helpers: BTreeSet<&str> = BTreeSet::new();
    for (rel, path) in files {
        if helpers.len() == toggles::TEST_HELPERS.len() {
            break;
        }
        if !rel.ends_with(".py") {
            continue;
        }
        if let Ok(text) = crate::files::read_text(path) {
            helpers.extend(toggles::test_helpers(&text));
        }
    }
    for helper in helpers {
        proposal.other_checks.push(OtherCheck {
            form: "call",
            name: helper.to_string(),
            fields: vec![
                ("key", "0".to_string()),
                ("state", "\"active\"".to_string()),
            ],
            language: Language::Python,
            evidence: format!("`{helper}(NAME, active=...)` in tests: the state it sets"),
        });
    }
}

/// How the frontend spells the backend's keys, when not the same way: the mapping of
/// `[parity] frontend-key` under which most backend keys are frontend keys (at least 3, and half
/// of the smaller side), with the evidence.
fn parity_mapping(
    backend: &BTreeSet<String>,
    frontend: &BTreeSet<String>,
) -> Option<(String, String)> {
    use crate::config::KeyMapping;
    let mut prefixes: BTreeMap<&str, usize> = BTreeMap::new();
    for key in backend {
        if let Some(at) = key.find([':', '.', '/']) {
            *prefixes.entry(&key[..=at]).or_default() += 1;
        }
    }
    let prefix = prefixes
        .into_iter()
        .max_by_key(|(prefix, count)| (*count, std::cmp::Reverse(*prefix)))
        .map(|(prefix, _)| prefix.to_string());
    let mut candidates = vec![
        ("same".to_string(), KeyMapping::Same),
        ("camelCase".to_string(), KeyMapping::CamelCase),
        ("kebab-case".to_string(), KeyMapping::KebabCase),
    ];
    if let Some(prefix) = prefix {
        candidates.push((
            format!("strip-prefix:{prefix}"),
            KeyMapping::StripPrefix(prefix),
        ));
    }
    let score = |mapping: &KeyMapping| {
        backend
            .iter()
            .filter(|k| frontend.contains(&mapping.to_frontend(k)))
            .count()
    };
    let same = score(&KeyMapping::Same);
    let (name, mapping, matched) = candidates
        .into_iter()
        .map(|(name, mapping)| {
            let matched = score(&mapping);
            (name, mapping, matched)
        })
        .max_by_key(|(_, _, matched)| *matched)?;
    let enough = matched >= 3 && matched * 2 >= backend.len().min(frontend.len());
    if !enough || matched <= same {
        return None;
    }
    let example = backend
        .iter()
        .find(|k| frontend.contains(&mapping.to_frontend(k)))
        .map(|k| format!("`{k}` -> `{}`", mapping.to_frontend(k)))
        .unwrap_or_default();
    Some((
        name,
        format!(
            "{matched} of the {} backend keys are frontend keys this way ({example}); {same} are spelled the same",
            backend.len()
        ),
    ))
}

/// A Rust file declaring flags with macro invocations: one `[[definitions]]` entry per form of
/// tuple entry (field registries join the first), the key type their keys are named through
/// (`Feature::x()`) with the functions taking it as checks, and reads of field registries through
/// one binding (`cli_unstable().gc`) as property checks.
fn propose_macro_registry(
    proposal: &mut Proposal,
    path: &str,
    registries: &[macros::MacroRegistry],
    rust_rels: &[String],
    rust_texts: &[String],
) {
    let mut groups: Vec<(Option<macros::TuplePositions>, Vec<&macros::MacroRegistry>)> = Vec::new();
    for registry in registries {
        let group = groups.iter_mut().find(|(tuple, _)| {
            registry.tuple.is_none() || tuple.is_none() || *tuple == registry.tuple
        });
        match group {
            Some((tuple, members)) => {
                *tuple = tuple.or(registry.tuple);
                members.push(registry);
            }
            None => groups.push((registry.tuple, vec![registry])),
        }
    }
    for (tuple, members) in groups {
        let keys: Vec<String> = members
            .iter()
            .flat_map(|m| m.keys.iter().cloned())
            .collect();
        let mut fields = vec![("macro", toml_strings(members.iter().map(|m| &m.name)))];
        if let Some((key, state)) = tuple {
            if key != 0 {
                fields.push(("key", key.to_string()));
            }
            if let Some(state) = state {
                fields.push(("state", state.to_string()));
            }
        }
        let key_type = macros::key_type(&keys, rust_texts);
        if let Some(ty) = &key_type {
            fields.push(("type", format!("\"{ty}\"")));
        }
        let described: Vec<String> = members
            .iter()
            .map(|m| format!("`{}!` declares {}", m.name, m.keys.len()))
            .collect();
        proposal.definitions.push(ProposedDefinition {
            side: Side::Backend,
            path: path.to_string(),
            shape: None,
            fields,
            evidence: format!(
                "Flags declared by macro invocations: {}.",
                described.join(", ")
            ),
        });
        if let Some(ty) = &key_type {
            let sources: Vec<(String, String)> = rust_rels
                .iter()
                .cloned()
                .zip(rust_texts.iter().cloned())
                .collect();
            for (name, key, at) in macros::functions_taking(ty, &sources) {
                proposal.checks.push(ProposedCheck::call(
                    name,
                    key,
                    Language::Rust,
                    format!("{at}: takes a `{ty}`, the type naming the keys"),
                ));
            }
        }
        for member in members.iter().filter(|m| m.tuple.is_none()) {
            for (holder, reads) in struct_holders(&member.keys, rust_texts) {
                proposal.checks.push(ProposedCheck::property(
                    &holder,
                    Language::Rust,
                    format!(
                        "{path}: reads of `{}!` fields as `{holder}.<field>` ({reads})",
                        member.name
                    ),
                ));
            }
        }
    }
}

/// The receivers through which a method is called at least twice (`this.flagResolver.isEnabled(`
/// -> `flagResolver`), most used first.
fn method_receivers(method: &str, texts: &[String]) -> Vec<String> {
    let needle = format!(".{method}(");
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for text in texts {
        for (at, _) in text.match_indices(&needle) {
            let receiver: String =
                trailing(&text[..at], |c| c.is_alphanumeric() || c == '_' || c == '$').to_string();
            if !receiver.is_empty() && receiver != "this" {
                *counts.entry(receiver).or_default() += 1;
            }
        }
    }
    let mut receivers: Vec<(String, usize)> = counts.into_iter().filter(|(_, n)| *n >= 2).collect();
    receivers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    receivers.into_iter().map(|(r, _)| r).take(3).collect()
}

/// Fewest bool fields, and fewest reads through one binding, that make a struct a flag registry.
const MIN_STRUCT_FLAGS: usize = 3;

/// Rust structs whose name says flags (`FeatureFlags`, `UnstableFlags`, `PreviewFeatures`) with
/// at least [`MIN_STRUCT_FLAGS`] `bool` fields: (name, the bool fields).
fn flag_structs(text: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        let declaration = trimmed
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ")
            .strip_prefix("struct ");
        if let Some(rest) = declaration {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let lower = name.to_lowercase();
            // `FeatureFlags`, `UnstableFlags`, `ExperimentalFeatures`; not the options of one
            // operation (`RequestFlags`, `BuildFlags`).
            let says_features = ["feature", "unstable", "preview", "toggle", "experiment"]
                .iter()
                .any(|w| lower.contains(w));
            let says_flags = says_features || lower == "flags";
            current = (says_flags && rest.trim_end().ends_with('{')).then(|| (name, Vec::new()));
            continue;
        }
        let Some((_, fields)) = current.as_mut() else {
            continue;
        };
        if trimmed.starts_with('}') {
            let (name, fields) = current.take().expect("present");
            if fields.len() >= MIN_STRUCT_FLAGS {
                found.push((name, fields));
            }
            continue;
        }
        let field = trimmed
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ");
        if let Some((name, ty)) = field.split_once(':') {
            if ty.trim().trim_end_matches(',') == "bool"
                && name.chars().all(|c| c.is_alphanumeric() || c == '_')
            {
                fields.push(name.to_string());
            }
        }
    }
    found
}

/// The binding name most reads of the fields go through (`feature_flags` in
/// `ctx.settings.feature_flags.ws3`), with the number of reads, when there are at least
/// [`MIN_STRUCT_FLAGS`].
fn struct_holder(fields: &[String], texts: &[String]) -> Option<(String, usize)> {
    struct_holders(fields, texts).into_iter().next()
}

/// Most binding names proposed for the reads of one registry's fields.
const MAX_HOLDERS: usize = 3;

/// The binding names reads of the fields go through at least [`MIN_STRUCT_FLAGS`] times, most
/// reads first (at most [`MAX_HOLDERS`]): `cli_unstable().gc`, `unstable_flags.gc`.
fn struct_holders(fields: &[String], texts: &[String]) -> Vec<(String, usize)> {
    let mut holders: BTreeMap<String, usize> = BTreeMap::new();
    // The fields each holder reads: one field alone (`regex.git` in a URL) is no registry read.
    let mut read_fields: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for text in texts {
        for field in fields {
            let needle = format!(".{field}");
            for (at, _) in text.match_indices(&needle) {
                let end = at + needle.len();
                if text[end..].starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '(') {
                    continue;
                }
                if in_line_comment(text, at) {
                    continue;
                }
                // A method returning the struct: `gctx.cli_unstable().gc`; a chain over lines
                // (`.experimental\n    .point_cloud_transparency`).
                let before = text[..at].trim_end();
                let before = before.strip_suffix("()").unwrap_or(before);
                let holder: String =
                    trailing(before, |c| c.is_alphanumeric() || c == '_').to_string();
                // A constant (`UNSTABLE_ENV_VAR_NAMES.x`, a table of names) holds no flags.
                let constant = !holder.chars().any(|c| c.is_ascii_lowercase());
                let line = &before[before.rfind('\n').map_or(0, |n| n + 1)..];
                if !holder.is_empty() && !constant && holder != "self" && !value_copy(line, field) {
                    read_fields.entry(holder.clone()).or_default().insert(field);
                    *holders.entry(holder).or_default() += 1;
                }
            }
        }
    }
    // A binding whose other reads outnumber the registry's (`unit.target`, `unit.pkg`) holds
    // something else that shares a few field names.
    let mut holders: Vec<(String, usize)> = holders
        .into_iter()
        .filter(|(holder, reads)| {
            *reads >= MIN_STRUCT_FLAGS && read_fields.get(holder).is_some_and(|f| f.len() >= 2)
        })
        .filter(|(holder, reads)| *reads * 5 >= field_reads(holder, texts) * 4)
        .collect();
    holders.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    holders.truncate(MAX_HOLDERS);
    holders
}

/// Whether a read of `field` starting after `line` (the text before it on its line) copies the
/// value into the same field of another struct rather than asking it: `metrics: old.metrics,`,
/// `metrics: new.metrics.unwrap_or(old.metrics)`, `metrics: metrics || persisted.metrics,` (not
/// `worktrees: ctx.settings.feature_flags.worktree_manipulation`, an answer passed on).
fn value_copy(line: &str, field: &str) -> bool {
    line.trim_start()
        .split_once(':')
        .is_some_and(|(name, rest)| name == field && !rest.starts_with(':'))
}

/// Whether `at` is in a `//` comment (a doc comment's `rerun.experimental.LazyStore`).
fn in_line_comment(text: &str, at: usize) -> bool {
    text[text[..at].rfind('\n').map_or(0, |n| n + 1)..at].contains("//")
}

/// How many times a field of `holder` is read (`holder.x`, `holder().x`; not method calls).
fn field_reads(holder: &str, texts: &[String]) -> usize {
    let mut reads = 0;
    for text in texts {
        for (at, _) in text.match_indices(holder) {
            let starts_word = !text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            if in_line_comment(text, at) {
                continue;
            }
            let rest = &text[at + holder.len()..];
            let rest = rest.strip_prefix("()").unwrap_or(rest).trim_start();
            let Some(field) = rest.strip_prefix('.') else {
                continue;
            };
            let name_len = field
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(field.len());
            if starts_word && name_len > 0 && !field[name_len..].starts_with('(') {
                reads += 1;
            }
        }
    }
    reads
}

/// Fewest gate functions of one name form that make a file a family of flag gates.
const MIN_GATES: usize = 3;

/// A file that defines a family of gate functions, one per flag (`is_x_enabled(settings)` in
/// ruff's `preview.rs`): the name template and how many functions have it.
fn gate_family(language: Language, rel: &str, text: &str) -> Option<(&'static str, usize)> {
    let (template, prefix, suffix, definers): (&str, &str, &str, &[&str]) = match language {
        Language::Rust => ("is_{key}_enabled", "is_", "_enabled", &["fn "]),
        Language::Python => ("is_{key}_enabled", "is_", "_enabled", &["def "]),
        Language::TypeScript | Language::JavaScript => {
            ("is{Key}Enabled", "is", "Enabled", &["function ", "const "])
        }
        _ => return None,
    };
    let mut names = HashSet::new();
    let mut functions = 0;
    for line in text.lines() {
        // TypeScript: module-level declarations only (`const isGoogleSSOEnabled = ..` inside a
        // component is a local, not a gate).
        let indented = line.starts_with([' ', '\t']);
        if indented && matches!(language, Language::TypeScript | Language::JavaScript) {
            continue;
        }
        let line = line.trim_start();
        let line = ["pub(crate) ", "pub ", "export ", "async "]
            .iter()
            .fold(line, |l, p| l.strip_prefix(p).unwrap_or(l));
        // Rust `const fn`.
        let line = line
            .strip_prefix("const fn ")
            .map_or(line, |_| &line["const ".len()..]);
        if ["fn ", "def ", "function "]
            .iter()
            .any(|d| line.starts_with(d))
        {
            functions += 1;
        }
        for definer in definers {
            let Some(rest) = line.strip_prefix(definer) else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let hole = name
                .strip_prefix(prefix)
                .and_then(|n| n.strip_suffix(suffix))
                .unwrap_or("");
            let camel_ok = language == Language::Python
                || language == Language::Rust
                || hole.starts_with(|c: char| c.is_ascii_uppercase());
            if !hole.is_empty() && camel_ok {
                names.insert(name);
            }
        }
    }
    // A module of gates (ruff's `preview.rs`), not a module with a few predicates among others.
    let mostly_gates = names.len() * 3 >= functions.max(names.len()) * 2;
    if names.len() >= MIN_GATES && mostly_gates {
        return Some((template, names.len()));
    }
    (language == Language::Rust)
        .then(|| gate_methods(rel, text))
        .flatten()
}

/// Rust gate methods, one per flag, in a module that speaks of features: `fn check_metrics(&self)
/// -> Result<()>` in `features.rs`, `fn unstable_sloppy_imports(&self) -> bool`. At least
/// [`MIN_GATES`] methods of one of these forms (two of `experimental_{key}_enabled`), each
/// answering a bool or a `Result<()>`.
fn gate_methods(rel: &str, text: &str) -> Option<(&'static str, usize)> {
    let about_features = ["feature", "flag", "unstable", "preview", "experiment"]
        .iter()
        .any(|w| rel.to_ascii_lowercase().contains(w));
    // (template, prefix, suffix, allowed, fewest methods): a name that says "experimental" and
    // "enabled" both is evidence enough with two.
    let families: [(&str, &str, &str, bool, usize); 3] = [
        ("unstable_{key}", "unstable_", "", true, MIN_GATES),
        ("check_{key}", "check_", "", about_features, MIN_GATES),
        (
            "experimental_{key}_enabled",
            "experimental_",
            "_enabled",
            true,
            2,
        ),
    ];
    families
        .iter()
        .filter(|family| family.3)
        .filter_map(|&(template, prefix, suffix, _, fewest)| {
            let count = text
                .lines()
                .filter_map(|line| {
                    let line = line.trim_start();
                    let line = ["pub(crate) ", "pub ", "const "]
                        .iter()
                        .fold(line, |l, p| l.strip_prefix(p).unwrap_or(l));
                    let rest = line.strip_prefix("fn ")?.strip_prefix(prefix)?;
                    let name = rest.split('(').next()?;
                    let answers = line.contains("-> bool") || line.contains("-> Result<()");
                    let named = name.starts_with(|c: char| c.is_ascii_lowercase())
                        && name.len() > suffix.len()
                        && name.ends_with(suffix);
                    (answers && named && line.contains("&self")).then_some(())
                })
                .count();
            (count >= fewest).then_some((template, count))
        })
        .max_by_key(|(_, count)| *count)
}

/// A type declared in the repository that can hold flags.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TypeDeclaration {
    name: String,
    path: String,
    language: Language,
    /// The `[[definitions]]` key that reads it (`enum`, `struct`, `union`, `registry`).
    shape: &'static str,
    /// `type Flag = keyof UiFlags` / `keyof typeof FLAGS`: the type it stands for.
    alias_of: Option<String>,
}

/// Enums and structs (Rust), string unions, object types and interfaces (TypeScript) declared at
/// the start of a line.
fn type_declarations(rel: &str, language: Language, text: &str) -> Vec<TypeDeclaration> {
    let mut found = Vec::new();
    for line in text.lines() {
        let trimmed = line
            .trim_start()
            .trim_start_matches("export ")
            .trim_start_matches("declare ")
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ");
        let mut declare = |name: &str, shape: &'static str, alias_of: Option<String>| {
            let name = name
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .next()
                .unwrap_or("");
            if !name.is_empty() {
                found.push(TypeDeclaration {
                    name: name.to_string(),
                    path: rel.to_string(),
                    language,
                    shape,
                    alias_of,
                });
            }
        };
        match language {
            Language::Rust => {
                // A key typed by a struct is a record about a flag (`feature: &Feature` with a
                // name and a stability), not a registry of flags.
                if let Some(rest) = trimmed.strip_prefix("enum ") {
                    declare(rest, "enum", None);
                }
            }
            Language::TypeScript | Language::JavaScript => {
                // A string enum's members are constants of the file (`FeatureFlag.NextV9`).
                let as_enum = trimmed.strip_prefix("const ").unwrap_or(trimmed);
                if let Some(rest) = as_enum.strip_prefix("enum ") {
                    declare(rest, "", None);
                } else if let Some(rest) = trimmed.strip_prefix("interface ") {
                    declare(rest, "registry", None);
                } else if let Some(rest) = trimmed.strip_prefix("type ") {
                    let Some((name, value)) = rest.split_once('=') else {
                        continue;
                    };
                    let value = value.trim().trim_end_matches(';').trim();
                    if let Some(target) = value.strip_prefix("keyof ") {
                        let target = target.trim_start_matches("typeof ").trim();
                        declare(name.trim(), "registry", Some(target.to_string()));
                    } else if value.starts_with('{') {
                        declare(name.trim(), "registry", None);
                    } else if value.starts_with('\'')
                        || value.starts_with('"')
                        || value.starts_with('|')
                    {
                        declare(name.trim(), "union", None);
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// The declaration a key type names: through `keyof` aliases, and only when one declaration
/// of that name exists in the language or in the directory of the function taking it (`near`,
/// its file): two `Feature` enums elsewhere are unsure, none proposed.
fn resolve_type<'t>(
    types: &'t BTreeMap<String, Vec<TypeDeclaration>>,
    name: &str,
    language: Language,
    near: &str,
) -> Option<&'t TypeDeclaration> {
    let mut name = name.to_string();
    let dir = near.rsplit_once('/').map_or("", |(dir, _)| dir);
    for _ in 0..4 {
        let same_language: Vec<&TypeDeclaration> = types
            .get(&name)?
            .iter()
            .filter(|d| crate::index::code_side(d.language) == crate::index::code_side(language))
            .collect();
        let beside: Vec<&TypeDeclaration> = same_language
            .iter()
            .copied()
            .filter(|d| d.path.rsplit_once('/').map_or("", |(d, _)| d) == dir)
            .collect();
        let (([declaration], _) | (_, [declaration])) =
            (same_language.as_slice(), beside.as_slice())
        else {
            return None;
        };
        match &declaration.alias_of {
            Some(target) => name = target.clone(),
            None => return Some(declaration),
        }
    }
    None
}

/// `"FEATURE_FLAGS": get_all_feature_flags(request),` in a context processor, or
/// `return {'settings': s, 'feature_flags': feature_flags}` (label-studio): templates read
/// `FEATURE_FLAGS.x`. The name and its line.
fn context_processor_flags(text: &str) -> Vec<(String, usize)> {
    let speaks_of_flags = |s: &str| {
        ["flag", "feature", "switch", "toggle"]
            .iter()
            .any(|w| s.to_ascii_lowercase().contains(w))
    };
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        // Each `'name': value` pair of the line, the value up to a `,` or `}` outside brackets.
        let mut rest = line;
        while let Some(at) = rest.find(['"', '\'']) {
            let quote = rest[at..].chars().next().unwrap_or('"');
            let Some((name, after)) = rest[at + 1..].split_once(quote) else {
                break;
            };
            let Some(value) = after.trim_start().strip_prefix(':') else {
                rest = after;
                continue;
            };
            let mut depth = 0usize;
            let end = value
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '(' | '[' | '{' => depth += 1,
                        ')' | ']' | '}' if depth > 0 => depth -= 1,
                        ',' | '}' if depth == 0 => return true,
                        _ => {}
                    }
                    false
                })
                .map_or(value.len(), |(i, _)| i);
            rest = &value[end..];
            let value = value[..end].trim();
            let is_name = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
            // A call that gets the flags, or a variable holding them all (`feature_flags`, not
            // one flag's setting `settings.SECURITY_CLASSIFICATION_FLAG`).
            let lower = name.to_ascii_lowercase();
            let identifier = !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
                && ["flags", "features", "switches", "toggles"]
                    .iter()
                    .any(|w| lower.ends_with(w));
            if is_name
                && speaks_of_flags(name)
                && speaks_of_flags(value)
                && (value.contains('(') || identifier)
            {
                found.push((name.to_string(), number + 1));
            }
        }
    }
    found
}

/// Tests, fixtures and examples: their functions and constants are not the repository's flag
/// system (a test helper `def is_enabled(flag)` is not a check function).
fn in_tests_or_fixtures(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let (dirs, name) = lower.rsplit_once('/').unwrap_or(("", &lower));
    dirs.split('/').any(|d| {
        matches!(
            d,
            "tests"
                | "test"
                | "__tests__"
                | "__mocks__"
                | "fixtures"
                | "fixture"
                | "testdata"
                | "test_data"
                | "examples"
                | "node_modules"
                | "typeshed"
        ) || d.ends_with("_tests")
            // A package of test helpers: label-studio's `frontend-test`, `biome_test_utils`.
            || ["-test", "_test", "-tests", "-testing", "test_utils", "test-utils", "testutils"]
                .iter()
                .any(|end| d.ends_with(end))
    }) || name.starts_with("test_")
        || name.ends_with("_test.py")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.ends_with(".pyi")
}

/// Paths named like flag registries.
fn looks_like_definitions(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let (dirs, name) = lower.rsplit_once('/').unwrap_or(("", &lower));
    // `feature-flags.ts`, not `feature-flags.service.ts` (a service module of the flag system).
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let in_tests = dirs.split('/').any(|d| {
        matches!(
            d,
            "tests" | "test" | "__tests__" | "migrations" | "node_modules"
        )
    });
    if in_tests || name.contains(".test.") || name.contains(".spec.") {
        return false;
    }
    let flaggy = |s: &str| {
        s.contains("featureflag") || s.contains("feature_flag") || s.contains("feature-flag")
    };
    let flag_dir = dirs.split('/').any(flaggy);
    matches!(
        stem,
        "flags" | "feature_flags" | "featureflags" | "feature-flags"
    ) || (flag_dir && matches!(stem, "types" | "constants" | "index" | "keys" | "flags"))
}

#[cfg(test)]
mod tests {
    use super::functions::{key_parameter, signature};
    use super::*;

    #[test]
    fn manifests_name_their_dependencies() {
        assert_eq!(
            manifest_dependencies(
                "requirements.txt",
                "# pinned\nDjango==5.1\ndjango-waffle[extra]>=4.0 ; python_version > '3'\n-r base.txt\n"
            ),
            ["Django", "django-waffle"]
        );
        assert_eq!(
            manifest_dependencies(
                "pyproject.toml",
                "[project]\ndependencies = [\"posthog>=3\"]\n[tool.poetry.dependencies]\nUnleashClient = \"^5\"\n"
            ),
            ["posthog", "UnleashClient"]
        );
        assert_eq!(
            manifest_dependencies(
                "package.json",
                "{\"dependencies\": {\"launchdarkly-react-client-sdk\": \"^3\"}, \"devDependencies\": {\"vitest\": \"1\"}}"
            ),
            ["launchdarkly-react-client-sdk", "vitest"]
        );
        assert_eq!(
            manifest_dependencies(
                "Cargo.toml",
                "[dependencies]\nlaunchdarkly-server-sdk = \"2\"\n"
            ),
            ["launchdarkly-server-sdk"]
        );
        assert!(manifest_dependencies("package.json", "{ not json").is_empty());
    }

    #[test]
    fn check_functions_are_recognised_by_name_and_key_parameter() {
        let found = check_functions(
            "services.py",
            Language::Python,
            "def get_flag_for_user(user, flag_name, default=False):\n    pass\nclass C:\n    def is_feature_on(self, feature):\n        pass\ndef get_user(user, key):\n    pass\ndef test_flag(flag):\n    pass\n",
        );
        let calls: Vec<(&str, usize)> = found.iter().map(|c| (c.call.as_str(), c.key)).collect();
        assert_eq!(calls, [("get_flag_for_user", 1), ("is_feature_on", 0)]);
        let found = check_functions(
            "build.rs",
            Language::Rust,
            "fn flag(&mut self, flag: &str) {}\nfn env_flag(key: &str) {}\nfn flag_if_supported(&mut self, flag: &str) {}\nfn parse_feature(feature: &str) {}\npub fn cargo_feature(name: &str) -> bool {}\n",
        );
        assert!(found.is_empty(), "{found:?}");
        let found = check_functions(
            "src/client.rs",
            Language::Rust,
            "impl Client {\n    pub fn is_enabled(&self, _flag: &str) -> bool { true }\n    fn len(&self) -> usize { 0 }\n}\n",
        );
        assert_eq!(found[0].call, "is_enabled");
        assert_eq!(found[0].key, 0);
        let found = check_functions(
            "a.tsx",
            Language::TypeScript,
            "const checkFeatureFlag = useCheckFeatureFlag();\nconst user = useUser();\nconst flags = useFlags();\nconst allFlags = useAllFlags();\nif (checkFeatureFlag('x')) {}\nflags('y'); allFlags('z');\n",
        );
        let calls: Vec<&str> = found.iter().map(|c| c.call.as_str()).collect();
        assert_eq!(calls, ["checkFeatureFlag"]);
    }

    #[test]
    fn typescript_functions_and_their_key_types() {
        let found = check_functions(
            "src/hooks/useUiFlag.ts",
            Language::TypeScript,
            "export const useUiFlag = <K extends Flag>(flag: K) => {\nexport function isFlagActive(runtimeData: RuntimeData, flagName: string) {\nconst render = (flag) => null;\nconst setActiveFlag = (flag: FlagItem) => {};\nexport const useFlag = (name: FlagName) => useContext(ctx).has(name);\nexport const shouldDisplayFeature = (featureFlag: FeatureFlag): boolean => {\nexport const shouldShowFeature = (feature: FeatureRecord): boolean => {\n",
        );
        let calls: Vec<(&str, usize, Option<&str>)> = found
            .iter()
            .map(|c| (c.call.as_str(), c.key, c.key_type.as_deref()))
            .collect();
        assert_eq!(
            calls,
            [
                ("useUiFlag", 0, Some("Flag")),
                ("isFlagActive", 1, None),
                ("useFlag", 0, Some("FlagName")),
                ("shouldDisplayFeature", 0, Some("FeatureFlag"))
            ]
        );
    }

    #[test]
    fn a_key_parameter_type_names_the_registry() {
        let found = check_functions(
            "crates/uv-preview/src/lib.rs",
            Language::Rust,
            "    pub fn is_enabled(&self, flag: PreviewFeature) -> bool {\n",
        );
        assert_eq!(found[0].key_type.as_deref(), Some("PreviewFeature"));
        let mut types = BTreeMap::new();
        for (rel, language, text) in [
            ("crates/uv-preview/src/lib.rs", Language::Rust, "#[bitflags]\npub enum PreviewFeature {\n"),
            ("web/interfaces/uiConfig.ts", Language::TypeScript, "export type UiFlags = {\n  newNav?: boolean;\n};\nexport type Flag = keyof UiFlags;\n"),
            ("web/a.ts", Language::TypeScript, "type Twice = { a: 1 };\n"),
            ("web/b.ts", Language::TypeScript, "type Twice = { b: 1 };\n"),
            // Altinn: two string enums of one name; the one beside the hook taking it.
            ("libs/flags/src/FeatureFlag.ts", Language::TypeScript, "export enum FeatureFlag {\n  NextV9 = 'nextV9',\n}\n"),
            ("shared/utils/toggles.ts", Language::TypeScript, "export enum FeatureFlag {\n  Old = 'old',\n}\n"),
        ] {
            for declaration in type_declarations(rel, language, text) {
                types.entry(declaration.name.clone()).or_insert_with(Vec::new).push(declaration);
            }
        }
        let preview = resolve_type(&types, "PreviewFeature", Language::Rust, "").unwrap();
        assert_eq!(
            (preview.shape, preview.path.as_str()),
            ("enum", "crates/uv-preview/src/lib.rs")
        );
        let flags = resolve_type(&types, "Flag", Language::TypeScript, "").unwrap();
        assert_eq!((flags.shape, flags.name.as_str()), ("registry", "UiFlags"));
        assert!(resolve_type(&types, "Twice", Language::TypeScript, "").is_none());
        assert!(resolve_type(&types, "PreviewFeature", Language::TypeScript, "").is_none());
        assert!(resolve_type(&types, "FeatureFlag", Language::TypeScript, "app/a.ts").is_none());
        let beside = resolve_type(
            &types,
            "FeatureFlag",
            Language::TypeScript,
            "libs/flags/src/useFeatureFlag.ts",
        )
        .unwrap();
        assert_eq!(
            (beside.shape, beside.path.as_str()),
            ("", "libs/flags/src/FeatureFlag.ts")
        );
    }

    #[test]
    fn context_processors_fill_template_properties() {
        assert_eq!(
            context_processor_flags(
                "def global_context(request):\n    return {\n        \"FEATURE_FLAGS\": get_all_feature_flags(request),\n        \"SITE_NAME\": settings.SITE_NAME,\n        'feature_list': [],\n    }\n"
            ),
            [("FEATURE_FLAGS".to_string(), 3)]
        );
        // label-studio: the flags a variable holds, among other entries of one line.
        assert_eq!(
            context_processor_flags(
                "    feature_flags = all_flags(request.user)\n    return {'settings': django_settings, 'versions': versions, 'feature_flags': feature_flags}\n"
            ),
            [("feature_flags".to_string(), 2)]
        );
        assert!(context_processor_flags(
            "        \"SECURITY_CLASSIFICATION_FLAG\": settings.SECURITY_CLASSIFICATION_FLAG,\n"
        )
        .is_empty());
        assert!(context_processor_flags(
            "    return {'features': get_features(x), 'flag': 'on'}\n"
        )
        .iter()
        .all(|(name, _)| name == "features"));
    }

    #[test]
    fn tests_and_fixtures_are_not_the_flag_system() {
        for yes in [
            "crates/ruff/resources/test/fixtures/a.py",
            "app/tests/helpers.py",
            "web/src/__mocks__/flags.ts",
            "python/typeshed/stdlib/os.pyi",
            "app/test_views.py",
            "web/Panel.test.tsx",
        ] {
            assert!(in_tests_or_fixtures(yes), "{yes}");
        }
        for no in [
            "app/views.py",
            "crates/uv-preview/src/lib.rs",
            "web/src/latest.ts",
        ] {
            assert!(!in_tests_or_fixtures(no), "{no}");
        }
    }

    #[test]
    fn manifests_follow_includes_and_skip_test_fixtures() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        };
        write("requirements.txt", "-r requirements/production.txt\n");
        write("requirements/production.txt", "-r ./base.in\ngunicorn\n");
        write("requirements/base.in", "django-waffle\n");
        write("deploy/pinned.txt", "unrelated\n");
        write(
            "tests/fixtures/proj/pyproject.toml",
            "[project]\ndependencies = [\"UnleashClient\"]\n",
        );
        write(
            "pyproject.toml",
            "[dependency-groups]\ndev = [\"pytest\"]\n[tool.poetry.group.flags.dependencies]\nposthog = \"^3\"\n",
        );
        let files = list_files(dir.path());
        let mut found: Vec<&str> = manifest_files(&files).into_iter().collect();
        found.sort();
        assert_eq!(
            found,
            [
                "pyproject.toml",
                "requirements.txt",
                "requirements/base.in",
                "requirements/production.txt"
            ]
        );
        let proposal = detect(dir.path(), Depth::Manifests);
        let packs: Vec<&str> = proposal.packs.keys().map(String::as_str).collect();
        assert_eq!(packs, ["django-waffle", "posthog"]);
    }

    #[test]
    fn a_registry_that_would_leave_other_checks_undefined_is_commented_out() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        };
        // Unleash: the server's `flags` registry, and UI flags the frontend hook asks for.
        write(
            "src/lib/types/experimental.ts",
            "const flags: IFlags = {\n  anonymiseEventLog: false,\n  enableLicense: false,\n  killSwitch: true,\n};\n",
        );
        write(
            "src/lib/services/a.ts",
            "flagResolver.isEnabled('anonymiseEventLog');\nflagResolver.isEnabled('enableLicense');\nflagResolver.isEnabled('killSwitch');\n",
        );
        write(
            "frontend/src/hooks/useUiFlag.ts",
            "export const useUiFlag = (flag: keyof UiFlags) => useUiConfig().flags[flag];\n",
        );
        write(
            "frontend/src/a.tsx",
            "useUiFlag('EEA');\nuseUiFlag('newNav');\nuseUiFlag('darkMode');\nuseUiFlag('killSwitch');\n",
        );
        let proposal = detect(dir.path(), Depth::Full);
        assert!(
            proposal.definitions.iter().all(|d| d.shape.is_none()),
            "{proposal:?}"
        );
        let (unsure, reason) = &proposal.unsure_definitions[0];
        assert_eq!(unsure.shape, Some(("registry", "flags".to_string())));
        assert!(
            reason.starts_with("3 of the 4 keys passed to `useUiFlag`"),
            "{reason}"
        );
        assert!(render(&proposal).contains("# Not enabled: 3 of the 4 keys"));
    }

    #[test]
    fn parity_mapping_from_the_keys_of_both_sides() {
        let set =
            |keys: &[&str]| -> BTreeSet<String> { keys.iter().map(|k| k.to_string()).collect() };
        let backend = set(&["new_nav", "dark_mode", "bulk_export", "backend_only"]);
        let camel = set(&["newNav", "darkMode", "bulkExport"]);
        let (mapping, evidence) = parity_mapping(&backend, &camel).expect("a mapping");
        assert_eq!(mapping, "camelCase");
        assert!(
            evidence.starts_with("3 of the 4 backend keys"),
            "{evidence}"
        );
        let kebab = set(&["new-nav", "dark-mode", "bulk-export"]);
        assert_eq!(parity_mapping(&backend, &kebab).unwrap().0, "kebab-case");
        let prefixed = set(&[
            "organizations:new-nav",
            "organizations:dark-mode",
            "organizations:sso",
            "projects:x",
        ]);
        let bare = set(&["new-nav", "dark-mode", "sso"]);
        assert_eq!(
            parity_mapping(&prefixed, &bare).unwrap().0,
            "strip-prefix:organizations:"
        );
        // The same spelling, or too little in common: no `[parity]` entry.
        assert_eq!(parity_mapping(&backend, &backend), None);
        assert_eq!(
            parity_mapping(&backend, &set(&["newNav", "other", "more"])),
            None
        );
    }

    #[test]
    fn drift_lists_what_the_configuration_does_not_model() {
        let proposal = Proposal {
            packs: BTreeMap::from([(
                "django-waffle".to_string(),
                BTreeSet::from(["requirements.txt: django-waffle".to_string()]),
            )]),
            definitions: vec![ProposedDefinition {
                side: Side::Backend,
                path: "crates/uv-preview/src/lib.rs".to_string(),
                shape: Some(("enum", "PreviewFeature".to_string())),
                fields: Vec::new(),
                evidence: "the key type".to_string(),
            }],
            checks: vec![ProposedCheck::call(
                "useUiFlag",
                0,
                Language::TypeScript,
                "web/useUiFlag.ts:3".to_string(),
            )],
            ..Proposal::default()
        };
        let config = "packs = [\"django-waffle\"]\n[[definitions]]\nside = \"backend\"\npath = \"crates/*/src/lib.rs\"\nenum = \"PreviewFeature\"\n";
        let found = drift(&proposal, config, false).unwrap();
        assert_eq!((found.modelled, found.proposed), (2, 3));
        assert_eq!(
            found.missing,
            ["[[checks]] call = \"useUiFlag\", language = \"typescript\"  # web/useUiFlag.ts:3"]
        );
        let pyproject = format!(
            "[tool.flaglint]\n{}",
            config.replace("[[definitions]]", "[[tool.flaglint.definitions]]")
        );
        assert_eq!(drift(&proposal, &pyproject, true).unwrap().modelled, 2);
        assert!(drift(&proposal, "packs = [", false).is_err());
    }

    #[test]
    fn vendored_directories() {
        assert_eq!(
            vendored_dir("vendor/legacy/old.py"),
            Some("vendor/**".to_string())
        );
        assert_eq!(
            vendored_dir("app/third_party/x.js"),
            Some("app/third_party/**".to_string())
        );
        assert_eq!(vendored_dir("app/vendor.py"), None);
        assert_eq!(
            vendored_dir("web/dist/apps/labelstudio/790.js"),
            Some("web/dist/**".to_string())
        );
        assert_eq!(vendored_dir("pkg/dist/types.ts"), None);
    }

    #[test]
    fn gate_function_families_are_definitions() {
        let rust = "pub(crate) const fn is_a_enabled(s: &S) -> bool { s.p }\npub(crate) const fn is_b_enabled(s: &S) -> bool { s.p }\npub fn is_c_enabled(s: &S) -> bool { s.p }\n";
        assert_eq!(
            gate_family(Language::Rust, "src/preview.rs", rust),
            Some(("is_{key}_enabled", 3))
        );
        let ts = "export function isNewNavEnabled() {}\nexport const isDarkEnabled = () => x;\nfunction isBetaEnabled() {}\nfunction isenabled() {}\n";
        assert_eq!(
            gate_family(Language::TypeScript, "src/flags.ts", ts),
            Some(("is{Key}Enabled", 3))
        );
        let two = "def is_a_enabled(): ...\ndef is_b_enabled(): ...\n";
        assert_eq!(gate_family(Language::Python, "app/flags.py", two), None);
        // Locals of a component are not gates.
        let locals = "export function Page() {\n  const isGoogleEnabled = a;\n  const isOidcEnabled = b;\n  const isSsoEnabled = c;\n}\n";
        assert_eq!(
            gate_family(Language::TypeScript, "src/page.tsx", locals),
            None
        );
        // An operation on a record named for features does not ask about a flag.
        assert!(!functions::asks("get_or_insert_feature_mut"));
    }

    #[test]
    fn rust_gate_methods_are_definitions_where_the_module_speaks_of_features() {
        // meilisearch's `RoFeatures`, deno's `CliOptions`: methods among others, one per flag.
        let methods = "impl RoFeatures {\n    pub fn new() -> Self {}\n    pub fn runtime(&self) -> R {}\n    pub fn check_metrics(&self) -> Result<()> {}\n    pub fn check_logs_route(&self) -> Result<()> {}\n    pub fn check_network(&self, action: &str) -> Result<()> {}\n}\n";
        assert_eq!(
            gate_family(Language::Rust, "crates/scheduler/src/features.rs", methods),
            Some(("check_{key}", 3))
        );
        // Validators elsewhere are not flags.
        assert_eq!(
            gate_family(Language::Rust, "crates/auth/src/password.rs", methods),
            None
        );
        let unstable = "impl CliOptions {\n  pub fn unstable_detect_cjs(&self) -> bool {}\n  pub fn unstable_raw_imports(&self) -> bool {}\n  pub fn unstable_features(&self) -> Vec<&str> {}\n  pub fn unstable_sloppy_imports(&self) -> bool {}\n  pub fn other(&self) -> bool {}\n}\n";
        assert_eq!(
            gate_family(Language::Rust, "cli/args/mod.rs", unstable),
            Some(("unstable_{key}", 3))
        );
        // Biome's two experimental options; two of another form are not enough.
        let experimental = "impl Settings {\n    pub fn experimental_full_html_support_enabled(&self) -> bool {}\n    pub fn experimental_js_embedded_snippets_enabled(&self) -> bool {}\n    pub fn experimental_(&self) -> bool {}\n    pub fn is_linter_enabled(&self) -> bool {}\n}\n";
        assert_eq!(
            gate_family(
                Language::Rust,
                "crates/service/src/settings.rs",
                experimental
            ),
            Some(("experimental_{key}_enabled", 2))
        );
        let two = "impl Options {\n  pub fn unstable_a(&self) -> bool {}\n  pub fn unstable_b(&self) -> bool {}\n}\n";
        assert_eq!(gate_family(Language::Rust, "src/options.rs", two), None);
    }

    #[test]
    fn keys_are_typed_like_keys_and_methods_are_scoped_to_their_receivers() {
        let (_, params) = signature(
            "requireFeatureEnabled(flagResolver: Pick<IFlagResolver, 'isEnabled'>, flagName: IFlagKey) {",
        )
        .expect("a signature");
        assert_eq!(params.len(), 2);
        assert_eq!(key_parameter("requireFeatureEnabled", &params), Some(1));
        // A record about a flag is not its key.
        let (_, record) =
            signature("isFeatureEnabledInEnvironment(feature: IFeatureToggle, env: string)")
                .expect("a signature");
        assert_eq!(
            key_parameter("isFeatureEnabledInEnvironment", &record),
            None
        );
        let class = "class FlagResolver {\n    isEnabled(expName: IFlagKey, context?: IFlagContext): boolean {\n        return true;\n    }\n}\n";
        let found = check_functions("src/flag-resolver.ts", Language::TypeScript, class);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].receiver, Some(Vec::new()));
        let calls = vec![
            "this.flagResolver.isEnabled('a');\nflagResolver.isEnabled('b');\nthis.isEnabled('c');"
                .to_string(),
        ];
        assert_eq!(
            method_receivers("isEnabled", &calls),
            vec!["flagResolver".to_string()]
        );
        // fish: a flag-typed key and a bool answer, whatever the name.
        let fish = "pub fn feature_test(flag: FeatureFlag) -> bool {\n    true\n}\npub fn feature_name(flag: FeatureFlag) -> &'static str {\n    \"\"\n}\npub fn feature_table_is_empty(&self, feature_name: &FeatureName) -> bool {\n    true\n}\n";
        let found = check_functions("crates/feature-flags/src/lib.rs", Language::Rust, fish);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].call, "feature_test");
        assert_eq!(found[0].key_type.as_deref(), Some("FeatureFlag"));
    }

    #[test]
    fn flag_struct_reads_over_lines_and_not_in_comments() {
        // rerun's `ExperimentalAppOptions`, read as `app_options().experimental.x`.
        let declaration = "pub struct ExperimentalAppOptions {\n    pub table_cards: bool,\n    pub gamepad: bool,\n    pub transparency: bool,\n}\n";
        let structs = flag_structs(declaration);
        assert_eq!(structs.len(), 1);
        let texts = vec![
            "let a = ctx.app_options().experimental.gamepad;\nlet b = ctx\n    .app_options()\n    .experimental\n    .transparency;\nif ctx.app_options.experimental.table_cards {}\n/// See [`rerun.experimental.LazyStore`] and rerun.experimental.query.\n// rerun.experimental.x\n".to_string(),
        ];
        assert_eq!(
            struct_holder(&structs[0].1, &texts),
            Some(("experimental".to_string(), 3))
        );
    }

    #[test]
    fn definitions_paths() {
        for yes in [
            "backend/feature_flags/flags.py",
            "frontend/hooks/useFeatureFlags/types.ts",
            "service/src/flags.rs",
            "src/featureFlags.ts",
        ] {
            assert!(looks_like_definitions(yes), "{yes}");
        }
        for no in [
            "backend/users/views.py",
            "backend/feature_flags/tests/test_flags.py",
            "frontend/types.ts",
            "src/flags.test.ts",
        ] {
            assert!(!looks_like_definitions(no), "{no}");
        }
    }
}
