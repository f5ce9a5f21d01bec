//! `flaglint remove`: a flag's two-step removal, written as a change to the code.
//!
//! Step 1 replaces every check of the flag with the value kept and folds the code around it
//! ([`usages`], then [`simplify`]), dropping imports the change left unused ([`imports`]). Step 2
//! deletes the definitions, inlines the constant in migrations and writes the migration that
//! deletes the row ([`definitions`]). Every edited file is parsed again; a file that no longer
//! parses stops the whole change. Files are written whole, then moved into place.

mod dead;
mod definitions;
mod imports;
mod simplify;
pub(crate) mod syntax;
mod template;
mod usages;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::analysis::lifecycle::{Assessment, Readiness};
use crate::diagnostics::Scan;
use crate::facts::WaffleKind;
use crate::index::{CheckKey, KeySource, RefKind};
use crate::lang::{Language, ShapeKind};

use syntax::{has_error, Dialect, Edit, Edits, Mapping};
use usages::{Role, Target};

/// Which steps to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Step 1: the checks, tests and references.
    Usages,
    /// Step 2: the definitions, migrations and the row.
    Definitions,
    All,
}

impl Step {
    fn usages(self) -> bool {
        self != Step::Definitions
    }

    fn definitions(self) -> bool {
        self != Step::Usages
    }
}

/// What to remove and how.
#[derive(Clone, Debug)]
pub struct Request {
    pub key: String,
    /// The behaviour that stays: on (`true`) or off; `None`: from the environments' state.
    pub keep: Option<bool>,
    pub step: Step,
    /// Delete tests of the behaviour that goes, rather than listing them.
    pub delete_dead_tests: bool,
}

/// One file the removal writes, creates (`before: None`) or deletes (`after: None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub rel: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The whole change.
#[derive(Debug)]
pub struct Removal {
    pub key: String,
    pub keep: bool,
    /// Sorted by path.
    pub changes: Vec<Change>,
    /// Places left to a person: `path:line: what to do`, sorted.
    pub manual: Vec<String>,
    /// Checks rewritten, and definitions deleted.
    pub checks: usize,
    pub definitions: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum RemoveError {
    #[error("no flag `{key}` in this project{}", .suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownFlag {
        key: String,
        suggestion: Option<String>,
    },
    #[error("`{key}` is not on or off everywhere (readiness: {readiness}): say which behaviour stays with --keep on|off, or pass --state exports that agree")]
    KeepUnknown { key: String, readiness: String },
    #[error("`{key}` still has {count} check(s) in production code: run step 1 first (--step 1), or both steps (--step all)")]
    ChecksRemain { key: String, count: usize },
    #[error("`{key}` is still read in production code outside checks ({}): remove those reads first, or run both steps (--step all)", .places.join(", "))]
    ReadsRemain { key: String, places: Vec<String> },
    #[error("the change would leave these files unparsable, so nothing was written: {}", .0.join(", "))]
    Unparsable(Vec<String>),
    #[error("internal error while rewriting, so nothing was written: {0}")]
    Internal(String),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One file being edited: its original text, its current text, and how offsets moved.
struct Draft {
    dialect: Option<Dialect>,
    original: String,
    current: String,
    mapping: Mapping,
}

/// A check call that returns the flag's value rather than whether it is on (`variation`,
/// `getVariant`, `get_value`): replacing it by a boolean would change what the code receives.
fn returns_a_value(call: &[String]) -> bool {
    let name = call
        .last()
        .map_or(String::new(), |n| n.to_ascii_lowercase());
    !name.starts_with("bool")
        && !name.starts_with("is")
        && [
            "variant",
            "variation",
            "value",
            "payload",
            "config",
            "string",
            "number",
            "json",
        ]
        .iter()
        .any(|w| name.contains(w))
}

/// The definitions of every spelling of the flag.
fn definitions_of<'i>(
    index: &'i crate::index::Index,
    spellings: &'i [&str],
) -> impl Iterator<Item = &'i crate::index::Definition> + 'i {
    spellings
        .iter()
        .filter_map(|s| index.flags.get(*s))
        .flat_map(|f| f.definitions.iter())
        .map(|&d| &index.definitions[d])
}

/// The draft of a file, read when it has none yet.
fn draft_of<'d>(
    drafts: &'d mut BTreeMap<String, Draft>,
    scan: &Scan,
    rel: &str,
    dialect: Dialect,
) -> Result<&'d mut Draft, RemoveError> {
    if !drafts.contains_key(rel) {
        let original = read(&scan.root, rel)?;
        drafts.insert(
            rel.to_string(),
            Draft {
                dialect: Some(dialect),
                current: original.clone(),
                original,
                mapping: Mapping::default(),
            },
        );
    }
    Ok(drafts.get_mut(rel).expect("inserted above"))
}

/// Works out the change that removes `request.key`, without writing anything.
pub fn plan(
    scan: &Scan,
    assessments: &[Assessment],
    request: &Request,
) -> Result<Removal, RemoveError> {
    let index = &scan.index;
    let key = request.key.as_str();
    let assessment = assessments.iter().find(|a| a.key == key);
    if !index.flags.contains_key(key) && assessment.is_none() {
        return Err(RemoveError::UnknownFlag {
            key: key.to_string(),
            suggestion: index.closest_flag(key).map(str::to_string),
        });
    }
    // Every spelling of the flag: the key, and its definitions' keys on the other side.
    let mut spellings: Vec<&str> = vec![key];
    if let Some(a) = assessment {
        for &d in &a.definitions {
            let k = index.definitions[d].key.as_str();
            if !spellings.contains(&k) {
                spellings.push(k);
            }
        }
    }
    let frontend = scan.config.frontend_key.to_frontend(key);
    if index.flags.contains_key(frontend.as_str()) && !spellings.contains(&frontend.as_str()) {
        spellings.push(
            index
                .flags
                .get_key_value(frontend.as_str())
                .map(|(k, _)| k.as_str())
                .unwrap_or(key),
        );
    }
    let checks: Vec<_> = spellings
        .iter()
        .filter_map(|s| index.flags.get(*s))
        .flat_map(|f| f.checks.iter().copied())
        .collect();
    let production = checks
        .iter()
        .filter(|&&c| index.checks[c].kind == RefKind::Check)
        .count();
    if request.step == Step::Definitions && production > 0 {
        return Err(RemoveError::ChecksRemain {
            key: key.to_string(),
            count: production,
        });
    }
    if request.step == Step::Definitions {
        // Reads the definition's deletion would break (a Svelte store's `$fModeEnabled`).
        let places = index.production_reads(&spellings);
        if !places.is_empty() {
            return Err(RemoveError::ReadsRemain {
                key: key.to_string(),
                places,
            });
        }
    }
    let keep = match request.keep {
        Some(keep) => keep,
        None => match assessment.map(|a| a.readiness) {
            Some(Readiness::RemoveUsages) => true,
            Some(Readiness::NoShip) => false,
            Some(Readiness::DeleteDefinition) if !request.step.usages() || production == 0 => true,
            readiness => {
                return Err(RemoveError::KeepUnknown {
                    key: key.to_string(),
                    readiness: readiness.map_or("unknown", Readiness::name).to_string(),
                })
            }
        },
    };
    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    let mut manual: Vec<String> = Vec::new();
    let mut rewritten = 0;
    let specs = scan.config.checks.specs();
    if request.step.usages() {
        let mut by_file: BTreeMap<usize, Vec<Target>> = BTreeMap::new();
        for &c in &checks {
            let check = &index.checks[c];
            if check.kind == RefKind::Migration {
                continue;
            }
            let spec = &specs[check.spec];
            let role = if spec.state.is_some() && check.state.is_none() && spec.sets.is_none() {
                Role::TestHelperFromVariable
            } else if spec.test_helper || spec.sets.is_some() {
                Role::TestHelper(check.state.or(spec.sets))
            } else if returns_a_value(&spec.call) {
                Role::Variation
            } else {
                match spec.shape.kind() {
                    ShapeKind::Attribute => Role::Attribute,
                    ShapeKind::ObjectProperty => Role::ObjectProperty,
                    ShapeKind::Jsx => Role::Component,
                    ShapeKind::Destructure => Role::Destructured,
                    _ => Role::Value,
                }
            };
            by_file.entry(check.file).or_default().push(Target {
                range: check.span.start as usize..check.span.end as usize,
                role,
                negated: false,
            });
            let negation = spec.negation_prefix.as_deref();
            if let Some(prefix) = negation {
                let target = by_file.get_mut(&check.file).and_then(|t| t.last_mut());
                if let (Some(target), Ok(source)) =
                    (target, read(&scan.root, index.path(check.file)))
                {
                    let spelled = source
                        .get(check.key_span.start as usize..check.key_span.end as usize)
                        .unwrap_or("");
                    target.negated = spelled.trim_matches(['"', '\'']).starts_with(prefix);
                }
            }
        }
        for (file, mut targets) in by_file {
            let indexed = &index.files[file];
            let rel = indexed.rel.clone();
            if indexed.language == Language::Template {
                let original = read(&scan.root, &rel)?;
                let ranges: Vec<_> = targets.iter().map(|t| t.range.clone()).collect();
                let (edits, left) = template::rewrite(&original, &ranges, keep);
                rewritten += ranges.len() - left.len();
                for (offset, what) in left {
                    manual.push(format!("{rel}:{}: {what}", line_at(&original, offset)));
                }
                let current = template::drop_unused_loads(&edits.apply(&original));
                drafts.insert(
                    rel,
                    Draft {
                        dialect: None,
                        original,
                        current,
                        mapping: Mapping::default(),
                    },
                );
                continue;
            }
            let Some(dialect) = Dialect::of(indexed.language, &rel) else {
                let what = if rel.ends_with(".svelte") || rel.ends_with(".vue") {
                    "a check in a single-file component"
                } else {
                    "a check in a file the rewriter does not edit"
                };
                for t in &targets {
                    manual.push(format!(
                        "{rel}:{}: {what}: remove it by hand (the flag stays {})",
                        line_of(index, file, t.range.start),
                        on_off(keep)
                    ));
                }
                continue;
            };
            targets.sort_by_key(|t| t.range.start);
            let original = read(&scan.root, &rel)?;
            let Some(tree) = dialect.parse(&original) else {
                continue;
            };
            let found = usages::rewrite(
                dialect,
                &original,
                &tree,
                &targets,
                keep,
                request.delete_dead_tests,
            );
            rewritten += found.rewritten;
            for (offset, what) in found.manual {
                manual.push(format!("{rel}:{}: {what}", line_at(&original, offset)));
            }
            let mut mapping = Mapping::default();
            let first = found.edits.apply_recorded(&original, &mut mapping);
            let folded = simplify::simplify(dialect, first, &mut mapping);
            let folded = syntax::finish(dialect, &folded, &mut mapping);
            let (folded, unused) = dead::remove(dialect, &original, folded);
            for (offset, name) in unused {
                manual.push(format!(
                    "{rel}:{}: `{name}` is no longer used in this file: delete it if nothing else uses it",
                    line_at(&folded, offset)
                ));
            }
            let folded = match dialect
                .is_rust()
                .then(|| simplify::join_braces(&original, &folded))
                .flatten()
            {
                Some(edits) if !edits.is_empty() => edits.apply_recorded(&folded, &mut mapping),
                _ => folded,
            };
            for (offset, name) in dead::unread_locals(dialect, &original, &folded) {
                manual.push(format!(
                    "{rel}:{}: `{name}` is no longer read: delete it if its value has no effect",
                    line_at(&folded, offset)
                ));
            }
            let current = match imports::unused(dialect, &original, &folded) {
                Some(edits) if !edits.is_empty() => edits.apply_recorded(&folded, &mut mapping),
                _ => folded,
            };
            drafts.insert(
                rel,
                Draft {
                    dialect: Some(dialect),
                    original,
                    current,
                    mapping,
                },
            );
        }
        // Uses of the constant outside checks: a person decides what each becomes (step 2
        // drops those in lists and `match` arms).
        for spelling in spellings.iter().filter(|_| !request.step.definitions()) {
            let Some(flag) = index.flags.get(*spelling) else {
                continue;
            };
            for &r in &flag.references {
                let reference = &index.references[r];
                let rel = index.path(reference.file);
                let range = reference.span.start as usize..reference.span.end as usize;
                // A use inside code the change removed is gone with it.
                let removed = drafts.get(rel).is_some_and(|d| {
                    d.original
                        .get(range.clone())
                        .is_some_and(|spelled| !d.current.contains(spelled))
                });
                if reference.kind == RefKind::Reference && !removed {
                    manual.push(format!(
                        "{}:{}: a use of the flag's constant outside a check: remove it",
                        index.path(reference.file),
                        reference.span.line
                    ));
                }
            }
        }
    }
    let mut definitions_deleted = 0;
    let mut created: Vec<Change> = Vec::new();
    let mut deleted: Vec<String> = Vec::new();
    if request.step.definitions() {
        let mut by_file: BTreeMap<usize, Vec<(std::ops::Range<usize>, bool)>> = BTreeMap::new();
        for spelling in &spellings {
            let Some(flag) = index.flags.get(*spelling) else {
                continue;
            };
            for &d in &flag.definitions {
                let def = &index.definitions[d];
                by_file.entry(def.file).or_default().push((
                    def.name_span.start as usize..def.name_span.end as usize,
                    false,
                ));
            }
            // Other uses of the constant: in lists, and Rust `match` arms on a deleted variant.
            for &r in &flag.references {
                let reference = &index.references[r];
                if reference.kind == RefKind::Reference {
                    by_file.entry(reference.file).or_default().push((
                        reference.span.start as usize..reference.span.end as usize,
                        true,
                    ));
                }
            }
        }
        for (file, places) in by_file {
            let indexed = &index.files[file];
            let rel = indexed.rel.clone();
            let Some(dialect) = Dialect::of(indexed.language, &rel) else {
                let defined_here = indexed.definitions().count();
                // A YAML file of one flag goes; a data file of many is edited by hand.
                let one_flag_file = indexed
                    .definitions()
                    .all(|d| d.kind == crate::facts::ConstKind::Constant)
                    && indexed.facts.module_names.is_empty();
                if indexed.language.is_data() && defined_here <= 1 && one_flag_file {
                    deleted.push(rel);
                    definitions_deleted += 1;
                } else {
                    manual.push(format!("{rel}: delete the definition of `{key}` by hand"));
                }
                continue;
            };
            let draft = draft_of(&mut drafts, scan, &rel, dialect)?;
            let Some(tree) = dialect.parse(&draft.current) else {
                continue;
            };
            let names: Vec<String> = definitions_of(index, &spellings)
                .filter(|d| {
                    d.file == file
                        && (d.kind == crate::facts::ConstKind::Constant && !d.symbol.contains('.')
                            || d.kind == crate::facts::ConstKind::EnumVariant && dialect.is_rust())
                })
                .map(|d| d.symbol.rsplit('.').next().unwrap_or(&d.symbol).to_string())
                .collect();
            let mut edits = Edits::default();
            for (range, is_reference) in places {
                let Some(range) = draft.mapping.map(range.clone()) else {
                    continue;
                };
                let edit = if is_reference {
                    definitions::match_arm(&draft.current, &tree, range.clone())
                        .or_else(|| definitions::list_element(&draft.current, &tree, range.clone()))
                } else {
                    definitions::delete(dialect, &draft.current, &tree, range.clone())
                };
                match edit {
                    Some(edit) => {
                        if edits.push(edit) && !is_reference {
                            definitions_deleted += 1;
                        }
                    }
                    None if is_reference => manual.push(format!(
                        "{rel}:{}: a use of the flag's constant: remove it",
                        line_at(&draft.current, range.start)
                    )),
                    None => manual.push(format!(
                        "{rel}:{}: delete the definition of `{key}` by hand",
                        line_at(&draft.current, range.start)
                    )),
                }
            }
            // The file's own uses of a deleted constant (`ALL = [A, B]`).
            for (range, text) in definitions::own_uses(&draft.current, &tree, &names) {
                if !edits.free(&range) {
                    continue;
                }
                let edit = definitions::match_arm(&draft.current, &tree, range.clone())
                    .or_else(|| definitions::list_element(&draft.current, &tree, range.clone()));
                match edit {
                    Some(edit) => {
                        edits.push(edit);
                    }
                    None => manual.push(format!(
                        "{rel}:{}: `{text}` is deleted: remove this use",
                        line_at(&draft.current, range.start)
                    )),
                }
            }
            let before = draft.current.clone();
            let after = edits.apply_recorded(&before, &mut draft.mapping);
            draft.current = match imports::unused(dialect, &before, &after) {
                Some(cleanup) if !cleanup.is_empty() => {
                    cleanup.apply_recorded(&after, &mut draft.mapping)
                }
                _ => after,
            };
        }
        drop_imports(scan, &spellings, &mut drafts, &mut manual)?;
        drop_field_initializers(scan, &spellings, &mut drafts)?;
        drop_registry_overrides(scan, &spellings, &mut drafts)?;
        list_field_uses(scan, &spellings, &drafts, &mut manual)?;
        inline_in_migrations(scan, &spellings, &mut drafts)?;
        if let Some(change) = deletion_migration(scan, key, &mut manual)? {
            created.extend(change);
        }
    }
    let mut changes: Vec<Change> = Vec::new();
    let mut broken = Vec::new();
    for (rel, mut draft) in drafts {
        if draft.dialect.is_some() {
            draft.current = syntax::tidy_blank_lines(&draft.original, &draft.current);
        }
        if draft.current == draft.original {
            continue;
        }
        if let Some(dialect) = draft.dialect {
            let was_broken = has_error(dialect, &draft.original);
            let is_broken = has_error(dialect, &draft.current);
            if is_broken && !was_broken {
                broken.push(rel.clone());
            }
        }
        changes.push(Change {
            rel,
            before: Some(draft.original),
            after: Some(draft.current),
        });
    }
    if !broken.is_empty() {
        return Err(RemoveError::Unparsable(broken));
    }
    for rel in deleted {
        let before = read(&scan.root, &rel)?;
        changes.push(Change {
            rel,
            before: Some(before),
            after: None,
        });
    }
    changes.extend(created);
    changes.sort_by(|a, b| a.rel.cmp(&b.rel));
    manual.sort();
    manual.dedup();
    Ok(Removal {
        key: key.to_string(),
        keep,
        changes,
        manual,
        checks: rewritten,
        definitions: definitions_deleted,
    })
}

/// Files importing a deleted constant by name: the import goes, or a person is told it is still
/// used.
fn drop_imports(
    scan: &Scan,
    spellings: &[&str],
    drafts: &mut BTreeMap<String, Draft>,
    manual: &mut Vec<String>,
) -> Result<(), RemoveError> {
    let index = &scan.index;
    let deleted: Vec<(&str, &str)> = definitions_of(index, spellings)
        .filter(|d| d.kind == crate::facts::ConstKind::Constant)
        .map(|d| (d.symbol.split('.').next().unwrap_or(""), index.path(d.file)))
        .collect();
    for (file, indexed) in index.files.iter().enumerate() {
        let Some(dialect) = Dialect::of(indexed.language, &indexed.rel) else {
            continue;
        };
        for import in &indexed.facts.imports {
            let Some((name, _)) = deleted.iter().find(|(symbol, path)| {
                import.name.as_deref() == Some(*symbol)
                    && import.local == *symbol
                    && module_matches(&import.module, path)
                    && index.path(file) != *path
            }) else {
                continue;
            };
            // The whole container stays when other members are still defined.
            if deleted.iter().any(|(s, p)| {
                s == name
                    && index.flags.values().any(|f| {
                        f.definitions.iter().any(|&d| {
                            let def = &index.definitions[d];
                            index.path(def.file) == *p
                                && def.symbol.split('.').next() == Some(*s)
                                && !spellings.contains(&def.key.as_str())
                        })
                    })
            }) {
                continue;
            }
            let rel = indexed.rel.clone();
            let draft = draft_of(drafts, scan, &rel, dialect)?;
            match imports::drop_binding(dialect, &draft.current, name) {
                Ok(Some(edit)) => {
                    let mut edits = Edits::default();
                    edits.push(edit);
                    draft.current = edits.apply_recorded(&draft.current, &mut draft.mapping);
                }
                Ok(None) => {}
                Err(()) => manual.push(format!(
                    "{rel}:{}: still uses `{name}`, which is deleted",
                    import.span.line
                )),
            }
        }
    }
    Ok(())
}

/// A deleted Rust struct field leaves the struct literals that set it: `Flags { x: true, .. }`.
fn drop_field_initializers(
    scan: &Scan,
    spellings: &[&str],
    drafts: &mut BTreeMap<String, Draft>,
) -> Result<(), RemoveError> {
    let index = &scan.index;
    let fields: Vec<(&str, &str)> = definitions_of(index, spellings)
        .filter(|d| d.kind == crate::facts::ConstKind::StructField)
        .filter_map(|d| d.symbol.rsplit_once('.'))
        .collect();
    if fields.is_empty() {
        return Ok(());
    }
    for indexed in index.files.iter().filter(|f| f.language == Language::Rust) {
        let rel = indexed.rel.clone();
        let current = match drafts.get(&rel) {
            Some(draft) => draft.current.clone(),
            None => read(&scan.root, &rel)?,
        };
        if !fields
            .iter()
            .any(|(s, f)| current.contains(s) && current.contains(f))
        {
            continue;
        }
        let edits = definitions::field_initializers(&current, &fields);
        if edits.is_empty() {
            continue;
        }
        let draft = draft_of(drafts, scan, &rel, Dialect::Rust)?;
        draft.current = edits.apply_recorded(&current, &mut draft.mapping);
    }
    Ok(())
}

/// Object literals shaped like a deleted registry entry's registry: `flags: { x: true, .. }`
/// under a property named as the registry (a dev server's overrides of `const flags = {..}`)
/// lose the key. TypeScript and JavaScript files.
fn drop_registry_overrides(
    scan: &Scan,
    spellings: &[&str],
    drafts: &mut BTreeMap<String, Draft>,
) -> Result<(), RemoveError> {
    let index = &scan.index;
    let entries: Vec<(String, String)> = definitions_of(index, spellings)
        .filter(|d| d.kind == crate::facts::ConstKind::RegistryKey)
        .filter(|d| {
            matches!(
                index.files[d.file].language,
                Language::TypeScript | Language::JavaScript
            )
        })
        .filter_map(|d| {
            let (registry, key) = d.symbol.rsplit_once('.')?;
            let registry = registry.rsplit('.').next().unwrap_or(registry);
            Some((registry.to_string(), key.to_string()))
        })
        .collect();
    if entries.is_empty() {
        return Ok(());
    }
    for indexed in &index.files {
        let Some(dialect) = Dialect::of(indexed.language, &indexed.rel) else {
            continue;
        };
        if dialect.is_python() || dialect.is_rust() {
            continue;
        }
        let current = match drafts.get(&indexed.rel) {
            Some(draft) => draft.current.clone(),
            None => read(&scan.root, &indexed.rel)?,
        };
        if !entries
            .iter()
            .any(|(r, k)| current.contains(r.as_str()) && current.contains(k.as_str()))
        {
            continue;
        }
        let edits = definitions::registry_overrides(dialect, &current, &entries);
        if edits.is_empty() {
            continue;
        }
        let draft = draft_of(drafts, scan, &indexed.rel, dialect)?;
        draft.current = edits.apply_recorded(&current, &mut draft.mapping);
    }
    Ok(())
}

/// Reads and writes of a deleted struct field that no check covers (`settings.flags.x = v`,
/// an update struct): listed, as the field is gone.
fn list_field_uses(
    scan: &Scan,
    spellings: &[&str],
    drafts: &BTreeMap<String, Draft>,
    manual: &mut Vec<String>,
) -> Result<(), RemoveError> {
    let index = &scan.index;
    let fields: Vec<&str> = definitions_of(index, spellings)
        .filter(|d| d.kind == crate::facts::ConstKind::StructField)
        .filter_map(|d| d.symbol.rsplit_once('.').map(|(_, field)| field))
        .collect();
    let holders: Vec<&str> = scan
        .config
        .checks
        .specs()
        .iter()
        .filter(|s| s.shape.kind() == ShapeKind::Property)
        .filter_map(|s| s.call.last().map(String::as_str))
        .collect();
    if fields.is_empty() || holders.is_empty() {
        return Ok(());
    }
    let needles: Vec<String> = fields
        .iter()
        .flat_map(|f| holders.iter().map(move |h| format!("{h}.{f}")))
        .collect();
    // Property chains are Rust and TypeScript reads.
    let readers = index.files.iter().filter(|f| {
        matches!(
            f.language,
            Language::Rust | Language::TypeScript | Language::JavaScript
        )
    });
    for indexed in readers {
        let text = match drafts.get(&indexed.rel) {
            Some(draft) => draft.current.clone(),
            None => match read(&scan.root, &indexed.rel) {
                Ok(text) => text,
                Err(_) => continue,
            },
        };
        for needle in &needles {
            for (at, _) in text.match_indices(needle.as_str()) {
                let end = at + needle.len();
                let whole = !text[end..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    && !text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
                if whole {
                    manual.push(format!(
                        "{}:{}: `{needle}` uses the deleted field: remove it",
                        indexed.rel,
                        line_at(&text, at)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Whether an import's module may be the file at `path` (its dotted or slashed path ends the
/// same way, ignoring the extension and `index`/`__init__`/`mod` files).
fn module_matches(module: &crate::facts::ModuleRef, path: &str) -> bool {
    use crate::facts::ModuleRef;
    let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
    let stem = ["/__init__", "/index", "/mod"]
        .iter()
        .find_map(|suffix| stem.strip_suffix(suffix))
        .unwrap_or(stem);
    let segments: Vec<&str> = stem.split('/').collect();
    let wanted: Vec<String> = match module {
        ModuleRef::Python { dotted, .. } => dotted.split('.').map(str::to_string).collect(),
        ModuleRef::Js(spec) => spec
            .split('/')
            .filter(|s| !s.is_empty() && *s != "." && *s != ".." && *s != "@")
            .map(|s| s.trim_start_matches('@').to_string())
            .collect(),
        ModuleRef::Rust(path) => path
            .iter()
            .filter(|s| !matches!(s.as_str(), "crate" | "self" | "super"))
            .cloned()
            .collect(),
    };
    let Some(last) = wanted.last() else {
        return false;
    };
    segments.last() == Some(&last.as_str())
}

/// Migrations that name the key through a definition constant get the value instead.
fn inline_in_migrations(
    scan: &Scan,
    spellings: &[&str],
    drafts: &mut BTreeMap<String, Draft>,
) -> Result<(), RemoveError> {
    let index = &scan.index;
    let mut by_file: BTreeMap<usize, Vec<(std::ops::Range<usize>, String)>> = BTreeMap::new();
    for resolved in &index.migration_keys {
        let CheckKey::Key {
            key,
            source: KeySource::Definition(_),
        } = &resolved.key
        else {
            continue;
        };
        if !spellings.contains(&key.as_str()) {
            continue;
        }
        let Some(op) = crate::analysis::django::flag_op(index, resolved.file, resolved.op) else {
            continue;
        };
        by_file.entry(resolved.file).or_default().push((
            op.key_span.start as usize..op.key_span.end as usize,
            definitions::python_string(key),
        ));
    }
    for (file, places) in by_file {
        let rel = index.path(file).to_string();
        let draft = draft_of(drafts, scan, &rel, Dialect::Python)?;
        let mut edits = Edits::default();
        for (range, literal) in places {
            if let Some(range) = draft.mapping.map(range) {
                edits.push(Edit::new(range, literal));
            }
        }
        let before = draft.current.clone();
        let after = edits.apply_recorded(&before, &mut draft.mapping);
        draft.current = match imports::unused(Dialect::Python, &before, &after) {
            Some(cleanup) if !cleanup.is_empty() => {
                cleanup.apply_recorded(&after, &mut draft.mapping)
            }
            _ => after,
        };
    }
    Ok(())
}

/// The migration deleting the row, in the app whose migration created it, after that app's leaf.
fn deletion_migration(
    scan: &Scan,
    key: &str,
    manual: &mut Vec<String>,
) -> Result<Option<Vec<Change>>, RemoveError> {
    let django = &scan.analysis.django;
    if django.is_deleted(key) {
        return Ok(None);
    }
    let Some(created) = django
        .events_of(key)
        .find(|e| e.action == crate::facts::FlagAction::Create)
    else {
        return Ok(None);
    };
    let app = &django.apps[django.migrations[created.migration].app];
    let leaf = match app.leaves.as_slice() {
        [leaf] if app.certain() => &django.migrations[*leaf],
        _ => {
            manual.push(format!(
                "{}: add a migration deleting the `{key}` row (the app's latest migration is not certain)",
                app.dir
            ));
            return Ok(None);
        }
    };
    let model = WaffleKind::model(created.kind);
    let Some(name) = definitions::migration_name(&leaf.name, key, model) else {
        manual.push(format!(
            "{}: add a migration deleting the `{key}` row (migration names are not numbered)",
            app.dir
        ));
        return Ok(None);
    };
    let dir = Path::new(scan.index.path(leaf.file))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let rel = dir
        .join(format!("{name}.py"))
        .to_string_lossy()
        .replace('\\', "/");
    let mut changes = vec![Change {
        rel,
        before: None,
        after: Some(definitions::migration(
            key,
            model,
            &app.label,
            &leaf.name,
            &created.initial,
        )),
    }];
    if let Some(marker) = &app.marker {
        let before = read(&scan.root, &marker.path)?;
        let after = format!(
            "{}{name}{}",
            &before[..marker.span.start as usize],
            &before[marker.span.end as usize..]
        );
        changes.push(Change {
            rel: marker.path.clone(),
            before: Some(before),
            after: Some(after),
        });
    }
    Ok(Some(changes))
}

fn on_off(keep: bool) -> &'static str {
    if keep {
        "on"
    } else {
        "off"
    }
}

fn read(root: &Path, rel: &str) -> Result<String, RemoveError> {
    let path = root.join(rel);
    std::fs::read_to_string(&path).map_err(|source| RemoveError::Read { path, source })
}

/// The 1-based line of a byte offset.
fn line_at(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

fn line_of(scan_index: &crate::index::Index, file: usize, offset: usize) -> usize {
    let checks = &scan_index.checks;
    checks
        .iter()
        .find(|c| c.file == file && c.span.start as usize == offset)
        .map_or(0, |c| c.span.line as usize)
}

/// A unified diff of the change, file by file.
pub fn diff(removal: &Removal) -> String {
    let mut out = String::new();
    for change in &removal.changes {
        let before = change.before.as_deref().unwrap_or("");
        let after = change.after.as_deref().unwrap_or("");
        let old = if change.before.is_some() {
            format!("a/{}", change.rel)
        } else {
            "/dev/null".to_string()
        };
        let new = if change.after.is_some() {
            format!("b/{}", change.rel)
        } else {
            "/dev/null".to_string()
        };
        let text = similar::TextDiff::from_lines(before, after);
        out.push_str(&format!("diff --git a/{0} b/{0}\n", change.rel));
        out.push_str(
            &text
                .unified_diff()
                .context_radius(3)
                .header(&old, &new)
                .to_string(),
        );
    }
    out
}

/// Writes the change: each file written whole beside its place, then moved there.
pub fn write(root: &Path, removal: &Removal) -> Result<(), RemoveError> {
    for change in &removal.changes {
        let path = root.join(&change.rel);
        let failed = |source| RemoveError::Write {
            path: path.clone(),
            source,
        };
        match &change.after {
            Some(text) => {
                let dir = path.parent().unwrap_or(root);
                std::fs::create_dir_all(dir).map_err(failed)?;
                let mut file = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
                std::io::Write::write_all(&mut file, text.as_bytes()).map_err(failed)?;
                if let Ok(meta) = std::fs::metadata(&path) {
                    let _ = std::fs::set_permissions(file.path(), meta.permissions());
                }
                file.persist(&path).map_err(|e| failed(e.error))?;
            }
            None => std::fs::remove_file(&path).map_err(failed)?,
        }
    }
    Ok(())
}
