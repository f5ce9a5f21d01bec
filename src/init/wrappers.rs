//! Functions of one flag: `def is_badges_enabled(): return ENABLE_BADGES.is_enabled()`,
//! `export const useNewNav = () => useFlag("new-nav")`, `fn watch_enabled(&self) -> bool {
//! self.flags.watch_mode }`. Their whole body returns one check of a fixed key, so every call of
//! them checks that flag: `init` proposes them as `call` + `flag` entries, found from the checks
//! the rest of the proposal already sees.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use aho_corasick::AhoCorasick;
use tree_sitter::Node;

use crate::config::Config;
use crate::index::{CheckKey, Index, RefKind};
use crate::lang::{KeyTransform, Language};
use crate::remove::syntax::{node_at, text, Dialect};

use super::{family_of, OtherCheck, Proposal, ProposedCheck};

/// Words that say nothing about which flag a function checks: a method named only with them
/// (`is_enabled`, `isActive`) is called on too many receivers to stand for one flag.
const GENERIC_WORDS: &[&str] = &[
    "is",
    "has",
    "can",
    "should",
    "use",
    "get",
    "check",
    "enabled",
    "active",
    "on",
    "flag",
    "feature",
    "toggle",
    "switch",
    "value",
    "variation",
    "status",
    "state",
];

/// A function whose whole body returns one check of a fixed key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Wrapper {
    name: String,
    key: String,
    language: Language,
    /// `path:line` of the check it returns.
    at: String,
}

/// A function that returns a check of the key its caller passes (`getFlagsmithHasFeature(key) {
/// return flagsmith.hasFeature(key) }`): a check function of the project's own.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Forwarder {
    name: String,
    /// The key parameter's position (`self` and `cls` aside) and name.
    position: usize,
    parameter: String,
    language: Language,
    at: String,
}

/// What a check site passes as its key.
enum SiteKey<'a> {
    Fixed(&'a str),
    Parameter(&'a str),
}

/// The wrappers of one flag and the functions passing their key on to a check, among the
/// checks the scan sees (checks of the specs in `dropped` left out), that the proposal does not
/// hold yet.
pub(super) fn find_wrappers(
    proposal: &Proposal,
    root: &Path,
    index: &Index,
    config: &Config,
    dropped: &BTreeSet<usize>,
) -> Found {
    let pack_calls: BTreeSet<&str> = config
        .checks
        .specs()
        .iter()
        .filter(|spec| spec.pack.is_some())
        .filter_map(|spec| spec.call.last().map(String::as_str))
        .collect();
    let pack_call = |name: &str| pack_calls.contains(name);
    let mut by_file: BTreeMap<usize, Vec<(usize, usize, u32, SiteKey)>> = BTreeMap::new();
    for check in &index.checks {
        if check.kind != RefKind::Check || dropped.contains(&check.spec) {
            continue;
        }
        let key = match &check.key {
            CheckKey::Key { key, .. } => SiteKey::Fixed(key),
            CheckKey::Parameter(name) => SiteKey::Parameter(name),
            _ => continue,
        };
        by_file.entry(check.file).or_default().push((
            check.span.start as usize,
            check.span.end as usize,
            check.span.line,
            key,
        ));
    }
    let mut found: BTreeMap<(Language, String), Wrapper> = BTreeMap::new();
    let mut forwarders: BTreeMap<(Language, String), Forwarder> = BTreeMap::new();
    let mut ambiguous: BTreeSet<(Language, String)> = BTreeSet::new();
    for (file, sites) in &by_file {
        let indexed = &index.files[*file];
        let Some(dialect) = Dialect::of(indexed.language, &indexed.rel) else {
            continue;
        };
        let Ok(source) = crate::files::read_text(&root.join(&indexed.rel)) else {
            continue;
        };
        let Some(tree) = dialect.parse(&source) else {
            continue;
        };
        for &(start, end, line, ref key) in sites {
            let Some(node) = node_at(&tree, start..end) else {
                continue;
            };
            let language = family_of(indexed.language);
            let key = match *key {
                SiteKey::Fixed(key) => key,
                SiteKey::Parameter(parameter) => {
                    if let Some((function, name)) = returning_function(dialect, node, &source) {
                        if let Some(position) =
                            parameter_position(dialect, function, parameter, &source)
                        {
                            let id = (language, name.to_string());
                            match forwarders.get(&id) {
                                Some(other) if other.position != position => {
                                    ambiguous.insert(id);
                                }
                                Some(_) => {}
                                None => {
                                    forwarders.insert(
                                        id,
                                        Forwarder {
                                            name: name.to_string(),
                                            position,
                                            parameter: parameter.to_string(),
                                            language,
                                            at: format!("{}:{line}", indexed.rel),
                                        },
                                    );
                                }
                            }
                        }
                    }
                    continue;
                }
            };
            let Some(name) = wrapper_name(dialect, node, &source) else {
                continue;
            };
            let wrapper = Wrapper {
                name: name.to_string(),
                key: key.to_string(),
                language,
                at: format!("{}:{line}", indexed.rel),
            };
            let id = (language, wrapper.name.clone());
            match found.get(&id) {
                Some(other) if other.key != wrapper.key => {
                    ambiguous.insert(id);
                }
                Some(_) => {}
                None => {
                    found.insert(id, wrapper);
                }
            }
        }
    }
    for id in &ambiguous {
        found.remove(id);
        forwarders.remove(id);
    }
    // Names the proposal already checks (a pack's or the project's own check functions).
    let known = |(language, name): &(Language, String)| {
        proposal
            .checks
            .iter()
            .any(|c| &c.call == name && c.language == *language)
            || proposal.other_checks.iter().any(|c| &c.name == name)
            || proposal.unsure_checks.iter().any(|(c, _)| &c.call == name)
            || pack_call(name)
    };
    found.retain(|id, _| !known(id));
    forwarders.retain(|id, _| !known(id) && !found.contains_key(id));
    Found {
        wrappers: found,
        forwarders,
    }
}

/// The wrappers [`find_wrappers`] found, to be proposed once their calls are counted.
pub(super) struct Found {
    wrappers: BTreeMap<(Language, String), Wrapper>,
    forwarders: BTreeMap<(Language, String), Forwarder>,
}

impl Found {
    /// The names whose calls must be counted.
    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        self.wrappers
            .values()
            .map(|w| w.name.as_str())
            .chain(self.forwarders.values().map(|f| f.name.as_str()))
    }

    /// Adds a check for every wrapper production code calls (`calls`, from [`call_counts`]).
    /// Returns how many were added.
    pub(super) fn propose(self, proposal: &mut Proposal, calls: &BTreeMap<String, usize>) -> usize {
        let mut added = 0;
        for forwarder in self.forwarders.into_values() {
            let count = calls.get(forwarder.name.as_str()).copied().unwrap_or(0);
            if count == 0 {
                continue;
            }
            let evidence = format!(
                "{}, which passes its `{}` on to a flag check; {count} call{}",
                forwarder.at,
                forwarder.parameter,
                if count == 1 { "" } else { "s" }
            );
            proposal.checks.push(ProposedCheck {
                keyword: (forwarder.language == Language::Python)
                    .then(|| forwarder.parameter.clone()),
                ..ProposedCheck::call(
                    forwarder.name,
                    forwarder.position,
                    forwarder.language,
                    evidence,
                )
            });
            added += 1;
        }
        for wrapper in self.wrappers.into_values() {
            let count = calls.get(wrapper.name.as_str()).copied().unwrap_or(0);
            if count == 0 {
                continue;
            }
            proposal.other_checks.push(OtherCheck {
                form: "call",
                name: wrapper.name.clone(),
                fields: vec![("flag", format!("\"{}\"", wrapper.key))],
                language: wrapper.language,
                evidence: format!(
                    "`{}` returns the check of `{}` ({}): its {count} call{} check that flag",
                    wrapper.name,
                    wrapper.key,
                    wrapper.at,
                    if count == 1 { "" } else { "s" }
                ),
            });
            added += 1;
        }
        added
    }
}

/// The outermost expression `check` is the value of (through parentheses, `await`, `?` and
/// Python's `bool(..)`), and its parent.
fn returned_value<'t>(
    dialect: Dialect,
    check: Node<'t>,
    source: &str,
) -> Option<(Node<'t>, Node<'t>)> {
    let mut node = check;
    let mut parent = node.parent()?;
    loop {
        let through = match parent.kind() {
            "parenthesized_expression" | "await_expression" | "await" | "try_expression" => true,
            "argument_list" if dialect.is_python() && parent.named_child_count() == 1 => {
                let call = parent.parent()?;
                let callee = call.child_by_field_name("function")?;
                if text(callee, source) != "bool" {
                    return None;
                }
                parent = call;
                true
            }
            _ => false,
        };
        if !through {
            break;
        }
        node = parent;
        parent = node.parent()?;
    }
    Some((node, parent))
}

/// The name of the function whose whole body returns `check` (through parentheses, `await`,
/// `?` and `bool(..)`), when that function can be called by name: a module-level function, or a
/// method whose name says more than "is enabled".
fn wrapper_name<'s>(dialect: Dialect, check: Node<'_>, source: &'s str) -> Option<&'s str> {
    let (node, parent) = returned_value(dialect, check, source)?;
    if let Some(block) = overridden_local(dialect, node, parent, source) {
        let function = block.parent()?;
        return dialect
            .is_function(function.kind())
            .then(|| function_name(function, source))?;
    }
    let body = match parent.kind() {
        "return_statement" | "return_expression" => {
            let statement = if dialect.is_rust() {
                let up = parent.parent()?;
                if up.kind() == "expression_statement" {
                    up
                } else {
                    parent
                }
            } else {
                parent
            };
            let block = statement.parent()?;
            only_statement(dialect, block, statement, source).then_some(block)?
        }
        // `() => useFlag("x")`
        "arrow_function" if parent.child_by_field_name("body") == Some(node) => {
            return function_name(parent, source);
        }
        // Rust: the block's tail expression.
        "block" if dialect.is_rust() => {
            only_statement(dialect, parent, node, source).then_some(parent)?
        }
        _ => return None,
    };
    let function = body.parent()?;
    if !dialect.is_function(function.kind()) {
        return None;
    }
    function_name(function, source)
}

/// The function that returns `check` (through parentheses, `await` and `?`), and the name it is
/// called by: `return check(key)` anywhere in its own body, or an arrow function's body.
fn returning_function<'t, 's>(
    dialect: Dialect,
    check: Node<'t>,
    source: &'s str,
) -> Option<(Node<'t>, &'s str)> {
    let (node, parent) = returned_value(dialect, check, source)?;
    let function = match parent.kind() {
        "return_statement" | "return_expression" => {
            let mut up = parent.parent()?;
            while !dialect.is_function(up.kind()) {
                up = up.parent()?;
            }
            up
        }
        "arrow_function" if parent.child_by_field_name("body") == Some(node) => parent,
        // Rust: the tail expression of the function's own block.
        "block" if dialect.is_rust() => {
            let last = parent.named_child(parent.named_child_count().checked_sub(1)?)?;
            let function = parent.parent()?;
            (last.id() == node.id() && function.kind() == "function_item").then_some(function)?
        }
        _ => return None,
    };
    Some((function, function_name(function, source)?))
}

/// The position of the parameter `name` among a function's parameters, `self` and `cls` aside;
/// `None` after a `*args` or `*`, where the position no longer says how a caller passes it.
fn parameter_position(
    dialect: Dialect,
    function: Node<'_>,
    name: &str,
    source: &str,
) -> Option<usize> {
    let parameters = function
        .child_by_field_name("parameters")
        .or_else(|| function.child_by_field_name("parameter"))?;
    if parameters.kind() == "identifier" {
        return (text(parameters, source) == name).then_some(0);
    }
    let mut cursor = parameters.walk();
    let mut position = 0;
    for parameter in parameters.named_children(&mut cursor) {
        let kind = parameter.kind();
        if dialect.is_comment(kind) || kind == "self_parameter" {
            continue;
        }
        if matches!(
            kind,
            "list_splat_pattern"
                | "dictionary_splat_pattern"
                | "keyword_separator"
                | "rest_pattern"
        ) {
            return None;
        }
        let spelled = match kind {
            "identifier" => parameter,
            _ => parameter
                .child_by_field_name("pattern")
                .or_else(|| parameter.child_by_field_name("name"))
                .or_else(|| parameter.named_child(0))?,
        };
        let spelled = text(spelled, source);
        if dialect.is_python() && position == 0 && matches!(spelled, "self" | "cls") {
            continue;
        }
        if spelled == name {
            return Some(position);
        }
        position += 1;
    }
    None
}

/// Whether `statement` is the only statement of `block`, comments and a docstring aside.
/// A check held in a local and returned with an override that calls nothing (inbox-zero's
/// `const posthogEnabled = useFeatureFlagEnabled("inbox-cleaner"); return
/// env.NEXT_PUBLIC_CLEANER_ENABLED || posthogEnabled;`): the function's block, when those two
/// statements are all of it.
fn overridden_local<'t>(
    dialect: Dialect,
    node: Node<'t>,
    parent: Node<'t>,
    source: &str,
) -> Option<Node<'t>> {
    let (local, statement) = match parent.kind() {
        // TS `const v = check(..)`
        "variable_declarator" if parent.child_by_field_name("value") == Some(node) => {
            let declaration = parent.parent()?;
            (parent.child_by_field_name("name")?, declaration)
        }
        // Python `v = check(..)`
        "assignment" if parent.child_by_field_name("right") == Some(node) => {
            (parent.child_by_field_name("left")?, parent.parent()?)
        }
        _ => return None,
    };
    if local.kind() != "identifier" {
        return None;
    }
    let block = statement.parent()?;
    let mut cursor = block.walk();
    let statements: Vec<Node<'t>> = block
        .named_children(&mut cursor)
        .filter(|child| !dialect.is_comment(child.kind()) && !is_docstring(dialect, *child, source))
        .collect();
    let [first, last] = statements.as_slice() else {
        return None;
    };
    if first.id() != statement.id() || last.kind() != "return_statement" {
        return None;
    }
    let returned = last.named_child(0)?;
    let operator = returned.child_by_field_name("operator")?;
    if !matches!(text(operator, source), "||" | "??" | "or") {
        return None;
    }
    let left = returned.child_by_field_name("left")?;
    let right = returned.child_by_field_name("right")?;
    let name = text(local, source);
    let (held, other) = if text(right, source) == name {
        (right, left)
    } else {
        (left, right)
    };
    let calls_nothing = !text(other, source).contains('(');
    (text(held, source) == name && calls_nothing).then_some(block)
}

fn only_statement(dialect: Dialect, block: Node<'_>, statement: Node<'_>, source: &str) -> bool {
    let mut cursor = block.walk();
    let others = block
        .named_children(&mut cursor)
        .filter(|child| child.id() != statement.id() && !dialect.is_comment(child.kind()))
        .filter(|child| !is_docstring(dialect, *child, source))
        .count();
    others == 0
}

fn is_docstring(dialect: Dialect, node: Node<'_>, source: &str) -> bool {
    dialect.is_python()
        && node.kind() == "expression_statement"
        && node.named_child_count() == 1
        && node.named_child(0).is_some_and(|c| c.kind() == "string")
        && !text(node, source).is_empty()
}

/// The name a function is called by: its own, or the variable it is assigned to at the top level;
/// `None` for nested functions and for methods with a generic name.
fn function_name<'s>(function: Node<'_>, source: &'s str) -> Option<&'s str> {
    let (name, holder) = match function.kind() {
        "arrow_function" | "function_expression" | "function" => {
            let declarator = function.parent()?;
            if declarator.kind() != "variable_declarator" {
                return None;
            }
            let name = declarator.child_by_field_name("name")?;
            if name.kind() != "identifier" {
                return None;
            }
            // variable_declarator -> lexical_declaration -> program / export_statement
            (name, declarator.parent()?.parent()?)
        }
        _ => (function.child_by_field_name("name")?, function.parent()?),
    };
    let name = text(name, source);
    let holder = if holder.kind() == "decorated_definition" {
        holder.parent()?
    } else {
        holder
    };
    let top_level = match holder.kind() {
        "module" | "program" | "source_file" => true,
        "export_statement" => holder
            .parent()
            .is_some_and(|p| matches!(p.kind(), "program")),
        // Rust: a function of an inline module.
        "declaration_list" => holder.parent().is_some_and(|p| p.kind() == "mod_item"),
        _ => false,
    };
    (top_level || !generic(name)).then_some(name)
}

/// Whether every word of a name is a [`GENERIC_WORDS`] word (`is_enabled`, `isFeatureActive`).
fn generic(name: &str) -> bool {
    KeyTransform::SnakeCase
        .apply(name)
        .split('_')
        .filter(|w| !w.is_empty())
        .all(|w| GENERIC_WORDS.contains(&w.to_ascii_lowercase().as_str()))
}

/// How many times production code calls each name (`name(` after a non-identifier character),
/// definitions aside.
pub(super) fn call_counts<'n>(
    root: &Path,
    names: impl Iterator<Item = &'n str>,
) -> BTreeMap<String, usize> {
    let names: Vec<&str> = names.collect();
    let patterns: Vec<String> = names.iter().map(|n| format!("{n}(")).collect();
    let mut counts = BTreeMap::new();
    let Ok(matcher) = AhoCorasick::new(&patterns) else {
        return counts;
    };
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    for (rel, path) in super::list_files(root) {
        if super::in_tests_or_fixtures(&rel) || crate::lang::detect(Path::new(&rel)).is_none() {
            continue;
        }
        let Ok(source) = crate::files::read_text(&path) else {
            continue;
        };
        let bytes = source.as_bytes();
        for found in matcher.find_iter(&source) {
            let start = found.start();
            if start > 0 && is_ident(bytes[start - 1]) {
                continue;
            }
            // `def name(`, `fn name(`, `function name(`: the definition, not a call.
            let before = source[..start].trim_end();
            if ["def", "fn", "function"].iter().any(|d| {
                before.ends_with(d)
                    && !before[..before.len() - d.len()]
                        .ends_with(|c: char| c.is_alphanumeric() || c == '_')
            }) {
                continue;
            }
            *counts
                .entry(names[found.pattern().as_usize()].to_string())
                .or_insert(0) += 1;
        }
    }
    counts
}
