//! A second look at the proposal, through a scan with it: the checks it sees show the wrappers of
//! one flag; a proposed check function that nothing calls is noise, and one whose calls mostly
//! pass keys no definition declares is something else (a command line's switches) and would only
//! make false `undefined-flag` errors.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::config::Config;
use crate::index::{CheckKey, Index, KeySource, RefKind};
use crate::lang::{Language, ShapeKind};

use super::{family_of, functions, registries, wrappers, Proposal, ProposedCheck};

/// Most looks `init` takes: each scans the repository once more.
pub const REVIEW_ROUNDS: usize = 3;

/// Fewest calls with undefined keys that make a proposed check suspect.
const MIN_UNDEFINED: usize = 3;

/// Revises the proposal from a scan made with it. Returns whether it changed.
pub fn review(proposal: &mut Proposal, root: &Path, index: &Index, config: &Config) -> bool {
    let dropped = review_checks(proposal, index, config);
    let wrappers = wrappers::find_wrappers(proposal, root, index, config, &dropped);
    let callees = constant_callees(proposal, root, index, config);
    // One read of the sources counts the calls of every candidate.
    let names: Vec<&str> = wrappers
        .names()
        .chain(callees.keys().map(|(_, name)| name.as_str()))
        .collect();
    let calls = if names.is_empty() {
        BTreeMap::new()
    } else {
        wrappers::call_counts(root, names.into_iter())
    };
    let added =
        wrappers.propose(proposal, &calls) + propose_constant_callees(proposal, callees, &calls);
    // Definitions files are judged once the checks stand: a check function found in this look
    // (`flag_set`, a wrapper of the SDK) may be what asks for their flags.
    let unchecked = added == 0 && review_definitions(proposal, index);
    !dropped.is_empty() || unchecked || added > 0
}

/// Comments out the proposed definitions files none of whose flags the scan sees checked or
/// used (a list of a product's features, say): every one of their flags would be reported
/// unused. Returns whether it commented out any.
pub fn review_definitions(proposal: &mut Proposal, index: &Index) -> bool {
    let mut flags_by_path: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for definition in &index.definitions {
        flags_by_path
            .entry(index.files[definition.file].rel.as_str())
            .or_default()
            .insert(definition.key.as_str());
    }
    let used = |key: &str| {
        index
            .flags
            .get(key)
            .is_some_and(|flag| !flag.checks.is_empty() || !flag.references.is_empty())
    };
    let mut moved = 0;
    for definition in std::mem::take(&mut proposal.definitions) {
        match flags_by_path.get(definition.path.as_str()) {
            Some(keys) if !keys.iter().any(|key| used(key)) => {
                let reason = format!(
                    "the code checks none of its {} flag{}",
                    keys.len(),
                    if keys.len() == 1 { "" } else { "s" }
                );
                proposal.unsure_definitions.push((definition, reason));
                moved += 1;
            }
            _ => proposal.definitions.push(definition),
        }
    }
    moved > 0
}

/// Fewest calls passing definitions constants, and fewest different constants, that make a
/// function a check.
const MIN_CONSTANT_CALLS: usize = 3;

/// Functions that ask (`isFF`, `isActive`, `has_feature`) and that production code calls with a
/// definitions file's constant as the whole first argument (`isFF(FF_NEW_NAV)`): at least
/// [`MIN_CONSTANT_CALLS`] calls with 2 different constants, and at least 3 in 5 of all the
/// function's calls: here the candidates, with their calls passing constants, the constants and
/// the first place; [`propose_constant_callees`] judges them by all their calls.
fn constant_callees(
    proposal: &Proposal,
    root: &Path,
    index: &Index,
    config: &Config,
) -> ConstantCallees {
    let mut by_file: BTreeMap<usize, Vec<(usize, usize, &str)>> = BTreeMap::new();
    for reference in &index.references {
        if reference.kind == RefKind::Reference {
            by_file.entry(reference.file).or_default().push((
                reference.span.start as usize,
                reference.span.end as usize,
                index.definitions[reference.def].key.as_str(),
            ));
        }
    }
    // (language, callee) -> (calls, constants, first place)
    let mut seen: BTreeMap<(Language, String), (usize, BTreeSet<&str>, String)> = BTreeMap::new();
    for (file, references) in &by_file {
        let indexed = &index.files[*file];
        let Ok(source) = crate::files::read_text(&root.join(&indexed.rel)) else {
            continue;
        };
        for &(start, end, key) in references {
            let (Some(before), Some(after)) = (source.get(..start), source.get(end..)) else {
                continue;
            };
            let Some(call) = before.trim_end().strip_suffix('(') else {
                continue;
            };
            if !after.trim_start().starts_with([',', ')']) {
                continue;
            }
            let callee = registries::callee_before(call);
            let name = callee.rsplit('.').next().unwrap_or("").to_string();
            if name.is_empty()
                || registries::GENERIC_CALLEES.contains(&name.as_str())
                || !functions::asks(&name)
            {
                continue;
            }
            let line = source[..start].matches('\n').count() + 1;
            let entry = seen
                .entry((family_of(indexed.language), name))
                .or_insert_with(|| (0, BTreeSet::new(), format!("{}:{line}", indexed.rel)));
            entry.0 += 1;
            entry.1.insert(key);
        }
    }
    let specs = config.checks.specs();
    seen.retain(|(language, name), (calls, constants, _)| {
        *calls >= MIN_CONSTANT_CALLS
            && constants.len() >= 2
            && !specs.iter().any(|s| {
                s.call.last() == Some(name) && s.language.is_none_or(|l| family_of(l) == *language)
            })
            && !proposal.checks.iter().any(|c| &c.call == name)
            && !proposal.unsure_checks.iter().any(|(c, _)| &c.call == name)
    });
    seen.into_iter()
        .map(|(id, (calls, constants, place))| (id, (calls, constants.len(), place)))
        .collect()
}

/// Candidate check functions called with flag constants: (language, name) to the calls passing
/// one, how many different constants, and the first place.
type ConstantCallees = BTreeMap<(Language, String), (usize, usize, String)>;

/// Adds the candidates of [`constant_callees`] that most of their calls (`all_calls`) back, and
/// that the proposal does not check yet. Returns how many were added.
fn propose_constant_callees(
    proposal: &mut Proposal,
    callees: ConstantCallees,
    all_calls: &BTreeMap<String, usize>,
) -> usize {
    let mut added = 0;
    for ((language, name), (calls, constants, place)) in callees {
        if proposal.checks.iter().any(|c| c.call == name) {
            continue;
        }
        let total = all_calls.get(&name).copied().unwrap_or(calls).max(calls);
        if calls * 5 < total * 3 {
            continue;
        }
        let evidence = format!(
            "{place}: {calls} of its {total} calls pass {constants} different flag constants"
        );
        proposal
            .checks
            .push(ProposedCheck::call(name, 0, language, evidence));
        added += 1;
    }
    added
}

/// What the scan saw of one check spec.
#[derive(Default)]
struct Tally<'a> {
    sites: usize,
    keyed: usize,
    undefined: BTreeSet<&'a str>,
    undefined_calls: usize,
}

/// Leaves out the project's own check functions (never a pack's) that production code never
/// calls, and comments out those at least half of whose keyed calls, and at least
/// [`MIN_UNDEFINED`], pass keys that no definition declares. Returns the spec indices of both.
fn review_checks(proposal: &mut Proposal, index: &Index, config: &Config) -> BTreeSet<usize> {
    let has_definitions = index.has_definitions();
    let mut tallies: BTreeMap<usize, Tally> = BTreeMap::new();
    for check in &index.checks {
        if check.kind != RefKind::Check {
            continue;
        }
        let tally = tallies.entry(check.spec).or_default();
        tally.sites += 1;
        let CheckKey::Key { key, source } = &check.key else {
            continue;
        };
        tally.keyed += 1;
        let spelled = matches!(source, KeySource::Literal | KeySource::LocalConstant);
        let defined = index
            .flags
            .get(key)
            .is_some_and(|flag| !flag.definitions.is_empty());
        if has_definitions && spelled && !defined {
            tally.undefined.insert(key);
            tally.undefined_calls += 1;
        }
    }
    let specs = config.checks.specs();
    let spec_ids = |check: &ProposedCheck| -> Vec<usize> {
        let name = check.call.rsplit('.').next().unwrap_or(&check.call);
        let shape = if check.property {
            ShapeKind::Property
        } else {
            ShapeKind::Call
        };
        specs
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.pack.is_none()
                    && s.gate.is_none()
                    && s.shape.kind() == shape
                    && s.call.last().map(String::as_str) == Some(name)
                    && s.language
                        .is_none_or(|l| family_of(l) == family_of(check.language))
            })
            .map(|(id, _)| id)
            .collect()
    };
    let mut dropped = BTreeSet::new();
    let empty = Tally::default();
    let mut kept = Vec::new();
    for check in std::mem::take(&mut proposal.checks) {
        let ids = spec_ids(&check);
        let tally = match ids.as_slice() {
            [id] => tallies.get(id).unwrap_or(&empty),
            // Not one spec of its own: nothing to judge it by.
            _ => {
                kept.push(check);
                continue;
            }
        };
        if tally.sites == 0 {
            dropped.extend(ids);
            continue;
        }
        // Flags are asked about by name: a function no call of which names one takes something
        // else (a record's name, a model), and each of its calls would only be a
        // `dynamic-flag-key` finding.
        if tally.keyed == 0 {
            let reason = format!(
                "none of its {} call{} passes a key known statically",
                tally.sites,
                if tally.sites == 1 { "" } else { "s" }
            );
            proposal.unsure_checks.push((check, reason));
            dropped.extend(ids);
            continue;
        }
        if tally.undefined_calls < MIN_UNDEFINED || tally.undefined_calls * 2 < tally.keyed {
            kept.push(check);
            continue;
        }
        let examples: Vec<String> = tally
            .undefined
            .iter()
            .take(3)
            .map(|k| format!("`{k}`"))
            .collect();
        let reason = format!(
            "{} of its {} calls pass keys no definition declares ({}{})",
            tally.undefined_calls,
            tally.keyed,
            examples.join(", "),
            if tally.undefined.len() > 3 {
                ", ..."
            } else {
                ""
            }
        );
        proposal.unsure_checks.push((check, reason));
        dropped.extend(ids);
    }
    proposal.checks = kept;
    dropped
}
