//! `undefined-flag`: a check of a key that no definition declares.

use std::collections::{BTreeMap, HashMap};

use super::RuleContext;
use crate::facts::Span;
use crate::index::{CheckKey, FileId, Index, KeySource, RefKind};

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    let has_definitions = index.has_definitions();
    let config = ctx.config;
    // Keys of systems whose flags may live only in a database or a vendor's dashboard are not
    // required to have a definition in code, unless the user asks for it.
    let definition_optional = |spec: usize| {
        config
            .checks
            .specs()
            .get(spec)
            .and_then(|s| s.pack)
            .and_then(|p| config.packs.get(p))
            .is_some_and(|pack| pack.database_defined && !pack.require_definitions)
    };
    let mut suggest = Suggestions::new(index);
    for check in &index.checks {
        match &check.key {
            // Tests and migrations legitimately use made-up or historical literal keys.
            CheckKey::Key { key, source }
                if !matches!(
                    source,
                    KeySource::Definition(_) | KeySource::ModuleConstant(_)
                ) && check.kind == RefKind::Check
                    && has_definitions
                    && !definition_optional(check.spec) =>
            {
                let defined = index
                    .flags
                    .get(key)
                    .is_some_and(|flag| !flag.definitions.is_empty());
                if !defined {
                    let near = suggest.key(key);
                    undefined_key(ctx, check.file, check.key_span, key, near);
                }
            }
            CheckKey::MissingSymbol { symbol, file } if check.kind != RefKind::Migration => {
                let near = suggest.symbol(symbol, *file);
                missing_symbol(ctx, check.file, check.key_span, symbol, *file, near);
            }
            _ => {}
        }
    }
    for missing in &index.missing {
        if missing.kind != RefKind::Migration {
            let near = suggest.symbol(&missing.symbol, missing.defined_in);
            missing_symbol(
                ctx,
                missing.file,
                missing.span,
                &missing.symbol,
                missing.defined_in,
                near,
            );
        }
    }
}

fn undefined_key(ctx: &mut RuleContext, file: FileId, span: Span, key: &str, near: Option<&str>) {
    let help = match near {
        Some(near) => {
            format!("did you mean `{near}`? Otherwise define the flag before checking it")
        }
        None => {
            "define the flag in a definitions file and check it through its constant".to_string()
        }
    };
    ctx.report(
        ctx.index.path(file),
        span,
        format!("flag `{key}` is not defined"),
    )
    .help(help)
    .label("no definition declares this key")
    .flag(key);
}

fn missing_symbol(
    ctx: &mut RuleContext,
    file: FileId,
    span: Span,
    symbol: &str,
    defined_in: FileId,
    near: Option<&str>,
) {
    let defs_path = ctx.index.path(defined_in);
    let help = match near {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("add the constant to {defs_path}, or remove this use"),
    };
    ctx.report(
        ctx.index.path(file),
        span,
        format!("`{symbol}` is not defined in {defs_path}"),
    )
    .help(help)
    .label("unknown flag constant");
}

/// Least similarity (normalized Damerau-Levenshtein) of a suggestion: a likely typo.
const MIN_SIMILARITY: f64 = 0.7;

/// Most work spent looking for suggestions in one run (a few hundred milliseconds), in characters
/// screened plus character pairs compared. Ordinary repositories stay far below it; past it, on
/// thousands of undefined keys next to thousands of defined ones, findings come without a
/// suggestion.
const MAX_SUGGESTION_WORK: u64 = 100_000_000;

/// "Did you mean" suggestions: defined keys for undefined keys, a definitions file's symbols for
/// missing ones. Each name is looked up once.
struct Suggestions<'a> {
    index: &'a Index,
    keys: Option<Candidates<'a>>,
    /// Per definitions file, its symbols.
    symbols: HashMap<FileId, Candidates<'a>>,
    found: HashMap<(Option<FileId>, &'a str), Option<&'a str>>,
    /// Work left (see [`MAX_SUGGESTION_WORK`]).
    budget: u64,
}

impl<'a> Suggestions<'a> {
    fn new(index: &'a Index) -> Self {
        Suggestions {
            index,
            keys: None,
            symbols: HashMap::new(),
            found: HashMap::new(),
            budget: MAX_SUGGESTION_WORK,
        }
    }

    /// The defined key closest to an undefined one.
    fn key(&mut self, key: &'a str) -> Option<&'a str> {
        if let Some(&near) = self.found.get(&(None, key)) {
            return near;
        }
        let index = self.index;
        let candidates = self.keys.get_or_insert_with(|| {
            Candidates::new(
                index
                    .flags
                    .iter()
                    .filter(|(_, flag)| !flag.definitions.is_empty())
                    .map(|(key, _)| key.as_str()),
            )
        });
        let near = candidates.closest(key, &mut self.budget);
        self.found.insert((None, key), near);
        near
    }

    /// The symbol of a definitions file closest to a missing one.
    fn symbol(&mut self, symbol: &'a str, file: FileId) -> Option<&'a str> {
        if let Some(&near) = self.found.get(&(Some(file), symbol)) {
            return near;
        }
        if self.symbols.is_empty() {
            let mut by_file: HashMap<FileId, Vec<&'a str>> = HashMap::new();
            for d in &self.index.definitions {
                by_file.entry(d.file).or_default().push(&d.symbol);
            }
            self.symbols = by_file
                .into_iter()
                .map(|(file, symbols)| (file, Candidates::new(symbols.into_iter())))
                .collect();
        }
        let near = self
            .symbols
            .get(&file)
            .and_then(|candidates| candidates.closest(symbol, &mut self.budget));
        self.found.insert((Some(file), symbol), near);
        near
    }
}

/// Names to suggest, by length in characters, each with its characters sorted.
struct Candidates<'a> {
    by_len: BTreeMap<usize, Vec<(&'a str, Vec<char>)>>,
}

impl<'a> Candidates<'a> {
    fn new(names: impl Iterator<Item = &'a str>) -> Self {
        let mut by_len: BTreeMap<usize, Vec<(&'a str, Vec<char>)>> = BTreeMap::new();
        for name in names {
            let mut chars: Vec<char> = name.chars().collect();
            chars.sort_unstable();
            by_len.entry(chars.len()).or_default().push((name, chars));
        }
        Candidates { by_len }
    }

    /// The most similar candidate, if it is similar enough to be a likely typo (ties: the
    /// smallest). Candidates whose length or characters show they cannot beat the best so far
    /// are not compared. Screening and comparing spend `budget`; nothing is done once it is spent.
    fn closest(&self, target: &str, budget: &mut u64) -> Option<&'a str> {
        let mut sorted: Vec<char> = target.chars().collect();
        sorted.sort_unstable();
        let len = sorted.len();
        let mut best: Option<(f64, &'a str)> = None;
        // Lengths within 30% of each other, nearest first so that the best is met early.
        let lengths = self
            .by_len
            .range(len * 7 / 10..=len * 10 / 7 + 1)
            .map(|(&l, names)| (l.abs_diff(len), names));
        let mut lengths: Vec<_> = lengths.collect();
        lengths.sort_by_key(|&(gap, _)| gap);
        for (_, names) in lengths {
            for (name, chars) in names {
                let screen = (len + chars.len()) as u64;
                if *budget < screen {
                    return best.map(|(_, name)| name);
                }
                *budget -= screen;
                let longest = len.max(chars.len());
                // The characters one has and the other lacks bound the edit distance below.
                let lower = bag_distance(&sorted, chars);
                let ceiling = similarity(lower, longest);
                if ceiling < MIN_SIMILARITY || best.is_some_and(|(score, _)| ceiling < score) {
                    continue;
                }
                let cells = (len as u64).max(1) * (chars.len() as u64).max(1);
                if *budget < cells {
                    return best.map(|(_, name)| name);
                }
                *budget -= cells;
                let score = similarity(strsim::damerau_levenshtein(target, name), longest);
                let better = best.is_none_or(|(best_score, best_name)| {
                    score > best_score || (score == best_score && *name < best_name)
                });
                if score >= MIN_SIMILARITY && better {
                    best = Some((score, name));
                }
            }
        }
        best.map(|(_, name)| name)
    }
}

/// `strsim::normalized_damerau_levenshtein` from the distance and the longer length.
fn similarity(distance: usize, longest: usize) -> f64 {
    if longest == 0 {
        return 1.0;
    }
    1.0 - (distance as f64) / (longest as f64)
}

/// The larger of the two multiset differences of sorted character lists: a lower bound of the
/// edit distance (an insertion, deletion or substitution changes each side by at most one, a
/// transposition by none).
fn bag_distance(a: &[char], b: &[char]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (a.len() - common).max(b.len() - common)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The suggestion as the rule made it before candidates were screened: every candidate
    /// compared.
    fn exhaustive<'a>(target: &str, candidates: &[&'a str]) -> Option<&'a str> {
        candidates
            .iter()
            .map(|&c| (strsim::normalized_damerau_levenshtein(target, c), c))
            .filter(|(score, _)| *score >= MIN_SIMILARITY)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
            .map(|(_, c)| c)
    }

    fn closest<'a>(target: &str, candidates: &[&'a str]) -> Option<&'a str> {
        Candidates::new(candidates.iter().copied())
            .closest(target, &mut MAX_SUGGESTION_WORK.clone())
    }

    #[test]
    fn suggests_only_near_misses() {
        let keys = ["binary_interface", "new_nav"];
        assert_eq!(closest("binary_interfase", &keys), Some("binary_interface"));
        assert_eq!(closest("something_else", &keys), None);
        assert_eq!(closest("", &["", "a"]), Some(""));
    }

    #[test]
    fn screening_keeps_the_suggestions_of_comparing_everything() {
        let candidates = [
            "binary_interface",
            "binary_interfaces",
            "new_nav",
            "new_navs",
            "nav_new",
            "pricing_paywall",
            "pricing_paywal",
            "paywall_pricing",
            "worklet_tests",
            "abc",
            "acb",
            "bca",
            "ab",
            "é_flag",
            "e_flag",
            "",
        ];
        let targets = [
            "binary_interfase",
            "new_nva",
            "nav_nwe",
            "pricing_payall",
            "paywal_pricing",
            "worklet_test",
            "bac",
            "a",
            "ab",
            "é_flga",
            "zzz",
            "",
        ];
        for target in targets {
            assert_eq!(
                closest(target, &candidates),
                exhaustive(target, &candidates),
                "{target}"
            );
        }
    }

    #[test]
    fn comparisons_stop_when_the_budget_is_spent() {
        let candidates: Vec<String> = (0..1000).map(|i| format!("flag_{i:04}")).collect();
        let candidates = Candidates::new(candidates.iter().map(String::as_str));
        let mut budget = 10_000;
        let near = candidates.closest("flag_x999", &mut budget);
        assert!(budget < 9 * 9 + 18);
        assert!(near.is_some());
        assert_eq!(candidates.closest("flag_0001", &mut budget), None);
    }
}
