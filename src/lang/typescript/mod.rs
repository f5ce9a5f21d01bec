//! TypeScript / JavaScript extractor (tree-sitter).
//!
//! Reads one `.ts`/`.tsx`/`.js`/`.jsx` file and reports, in source order: imports (ES `import`,
//! `export ... from`, `import x = require()`, and CommonJS `const x = require('m')`), string
//! constants (`const A = 'a'`, string members of `enum`s and of `const OBJ = { ... }`), the
//! top-level names the file binds, calls of configured check functions with their key argument,
//! checks of the other shapes (property chains `config.featureToggles.KEY`, JSX props
//! `<Feature flag="KEY">`, names destructured from a hook `const { KEY } = useFlags()`),
//! uses of imported or interesting names and member chains, flag forks (`if`, `else if` and
//! ternaries whose condition contains a check or reads a local assigned once from a check), and
//! syntax errors. For a definitions file, the configured definition shapes add string constants:
//! registry object keys, list array elements, registration call keys and string union members.
//! Forks are collected as candidates during the walk and resolved at the end, when
//! every check and every write of a local is known.
//!
//! The tree is walked once with an explicit stack (no recursion), so arbitrarily deep input is safe.
//! Type positions (annotations, interfaces, type aliases, generics) are only scanned for syntax
//! errors.

mod checks;
mod definitions;
mod forks;
mod gates;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tree_sitter::{Node, Parser, Tree, TreeCursor};

use super::budget::{self, Unparsed};
use super::flow::{self, Branch, CondNode, FlagTests, Held, Locals, Statement};
use super::reason::DynamicReason;
use super::{
    binding_of, reference, ExtractOptions, FunctionScopes, Shape, ShapeKind, MAX_SYNTAX_ERRORS,
};
use crate::facts::{
    Body, CheckSite, ConstKind, FileFacts, ForkKind, Import, KeyExpr, LineIndex, ModuleRef, Span,
    StringConst, SymbolUse, SyntaxError,
};

thread_local! {
    /// One parser per grammar and thread: `(TypeScript, TSX)`.
    static PARSERS: RefCell<(Option<Parser>, Option<Parser>)> = const { RefCell::new((None, None)) };
}

/// Extracts the facts of one TypeScript (`tsx = false`) or TSX/JavaScript (`tsx = true`) file.
pub fn extract(source: &str, tsx: bool, options: &ExtractOptions) -> FileFacts {
    extract_within(source, tsx, options, budget::for_len(source.len()))
}

/// [`extract`] for the program built from a single-file component: its comments are kept even
/// when the markup glue does not parse.
pub(crate) fn extract_component(source: &str, tsx: bool, options: &ExtractOptions) -> FileFacts {
    let mut facts = extract(source, tsx, options);
    if facts.comments.is_none() && facts.syntax_errors.iter().all(|e| !e.whole_file) {
        if let Ok(tree) = parse(source, tsx, budget::for_len(source.len())) {
            facts.comments = Some(super::comments::collect_even_with_errors(
                tree.root_node(),
                source,
            ));
        }
    }
    facts
}

/// The offsets of the `$` of Svelte store reads: identifiers `$name` where `name` is imported or
/// declared at the top level of the program (`$settingsStore`, `$fModeEnabled`); runes (`$state`)
/// and `$$props` name nothing of the file.
pub(crate) fn store_prefixes(source: &str, tsx: bool) -> Vec<usize> {
    if !source.contains('$') {
        return Vec::new();
    }
    let Ok(tree) = parse(source, tsx, budget::for_len(source.len())) else {
        return Vec::new();
    };
    let root = tree.root_node();
    let mut bound: HashSet<&str> = HashSet::new();
    let mut prefixed: Vec<Node> = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "identifier" => {
                let text = &source[node.byte_range()];
                if text.starts_with('$') {
                    prefixed.push(node);
                }
                let parent = node.parent();
                let binds = parent.is_some_and(|p| match p.kind() {
                    "import_specifier" => {
                        p.child_by_field_name("alias").unwrap_or(p) == node
                            || p.child_by_field_name("alias").is_none()
                    }
                    "import_clause" | "namespace_import" => true,
                    "variable_declarator" => {
                        p.child_by_field_name("name") == Some(node)
                            && p.parent().and_then(|d| d.parent()).is_some_and(|top| {
                                top.kind() == "program" || top.kind() == "export_statement"
                            })
                    }
                    _ => false,
                });
                if binds {
                    bound.insert(text);
                }
            }
            _ => {
                let mut cursor = node.walk();
                stack.extend(node.children(&mut cursor));
            }
        }
    }
    let mut offsets: Vec<usize> = prefixed
        .into_iter()
        .filter(|node| bound.contains(&source[node.start_byte() + 1..node.end_byte()]))
        .map(|node| node.start_byte())
        .collect();
    offsets.sort_unstable();
    offsets
}

/// [`extract`] with the parse given up after `budget`.
fn extract_within(
    source: &str,
    tsx: bool,
    options: &ExtractOptions,
    budget: Duration,
) -> FileFacts {
    match parse(source, tsx, budget) {
        Ok(tree) => {
            let mut walker = walk_tree(&tree, source, options);
            let root = tree.root_node();
            if root.has_error() {
                // The grammar rejects some valid code: the reference parser judges the file.
                if let Some(errors) = reference::typescript_errors(source, tsx, root, &walker.lines)
                {
                    walker.facts.syntax_errors = errors;
                }
            }
            let mut facts = walker.finish();
            facts.comments = super::comments::collect(root, source);
            facts
        }
        Err(unparsed) => unparsed.facts(&LineIndex::new(source)),
    }
}

/// Parses with this thread's parser for the grammar (created on first use) within `budget`.
fn parse(source: &str, tsx: bool, budget: Duration) -> Result<Tree, Unparsed> {
    PARSERS.with(|cell| {
        let mut parsers = cell.try_borrow_mut().map_err(|_| Unparsed::Failed)?;
        let slot = if tsx { &mut parsers.1 } else { &mut parsers.0 };
        if slot.is_none() {
            *slot = new_parser(tsx);
        }
        let parser = slot.as_mut().ok_or(Unparsed::Failed)?;
        budget::parse(parser, source, budget)
    })
}

/// Walks a parsed file; the walker holds its facts.
fn walk_tree<'s, 'o, 't>(
    tree: &'t Tree,
    source: &'s str,
    options: &'o ExtractOptions<'o>,
) -> Walker<'s, 'o, 't> {
    let mut walker = Walker::new(source, options, tree.walk());
    walker.collect_top_level_import_locals(tree.root_node());
    walker.walk(tree.root_node());
    walker
}

fn new_parser(tsx: bool) -> Option<Parser> {
    let mut parser = Parser::new();
    let language = if tsx {
        tree_sitter_typescript::LANGUAGE_TSX
    } else {
        tree_sitter_typescript::LANGUAGE_TYPESCRIPT
    };
    parser.set_language(&language.into()).ok()?;
    Some(parser)
}

/// How a node is visited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// An expression or statement: checks and symbol uses are recorded.
    Expr,
    /// A binding position (declarator names, parameters, assignment targets): names are not uses,
    /// but default values and computed keys inside are expressions.
    Pattern,
    /// Types and other skipped subtrees: only scanned for syntax errors.
    Quiet,
}

/// One pending node of the walk.
#[derive(Clone, Copy)]
struct Item<'t, 's> {
    node: Node<'t>,
    mode: Mode,
    /// Innermost enclosing function (index into `Walker::frames`).
    frame: Option<usize>,
    /// The name a function value would get from its declarator / property / assignment.
    hint: Option<&'s str>,
    /// A direct child of the program.
    top: bool,
    /// Innermost branch (index into `Walker::branches`) whose then- or else-branch
    /// contains the node, within the same named function.
    branch: Option<usize>,
    /// Inside the condition of an `if` or ternary.
    cond: bool,
}

/// A write to a plain identifier: a declarator with a value, an assignment, `x++`, a `for` target.
struct Write<'s> {
    frame: Option<usize>,
    name: &'s str,
    /// The assigned value when it is (after parentheses/`await`) a call: its node id.
    call: Option<usize>,
}

/// Where a static member chain ends.
enum ChainEnd<'t> {
    /// The chain is rooted at an identifier (or `this`); the segments were collected.
    Root,
    /// The chain stops at this non-static node (a call, a dynamic subscript, ...).
    Broken(Node<'t>),
}

struct Walker<'s, 'o, 't> {
    src: &'s str,
    lines: LineIndex<'s>,
    options: &'o ExtractOptions<'o>,
    facts: FileFacts,
    frames: FunctionScopes<'s>,
    import_locals: HashSet<&'s str>,
    /// Local names listed in `export { A, B as C }` clauses (no `from`).
    export_clause_names: HashSet<&'s str>,
    module_names_seen: HashSet<&'s str>,
    cursor: TreeCursor<'t>,
    /// Reused buffers.
    children: Vec<(Option<&'static str>, Node<'t>)>,
    segments: Vec<Cow<'s, str>>,
    // ----- fork bookkeeping (resolved in `finish`) -----
    /// Every `if`, `else if` and ternary, and its condition.
    branches: Vec<Branch>,
    conditions: Vec<Node<'t>>,
    /// `if` statements that are the `else if` of a candidate: node id -> that candidate.
    pending_else_if: HashMap<usize, usize>,
    /// Call node id -> index of the check recorded there.
    check_calls: HashMap<usize, usize>,
    /// Byte range of each recorded check call.
    check_ranges: Vec<(usize, usize)>,
    /// Names declared (`let`/`const`/`var`, `for` heads, `catch`) per function frame.
    declared: HashSet<(Option<usize>, &'s str)>,
    writes: Vec<Write<'s>>,
    /// Plain identifiers read inside conditions: `(start, end, frame, name)`.
    condition_idents: Vec<(usize, usize, Option<usize>, &'s str)>,
    // ----- check shapes besides calls -----
    /// Whether any spec has the shape (nothing below is done otherwise).
    property_shape: bool,
    jsx_shape: bool,
    destructure_shape: bool,
    object_property_shape: bool,
    /// Locals destructured from a property check's object: `(function, local, what it stands
    /// for)`, e.g. `flags` for `["uiConfig", "flags"]`.
    property_aliases: Vec<(Option<usize>, &'s str, Vec<String>)>,
    /// Member chains that are not maximal (callees, objects of a broken chain): not property
    /// checks.
    chain_parts: HashSet<usize>,
    /// Literal or path keys of checks (call arguments, JSX props): not visited as expressions
    /// (they are no symbol uses).
    recorded_keys: HashSet<usize>,
    /// Ids of call expressions' callees.
    callees: HashSet<usize>,
    /// Whether `options.definitions` lists any shape (nothing definition-related is done
    /// otherwise).
    definitions: bool,
    /// Nodes taken off the walk's stack: at most one per node of the tree.
    visits: usize,
}

/// What a top-level variable's value declares.
#[derive(Clone, Copy)]
struct ValueRoles {
    /// String constants (`const` only): `const A = 'a'`, `const OBJ = { A: 'a' }`.
    consts: bool,
    /// The name is a configured registry: every key of its object literal.
    registry: bool,
    /// The name is a configured list: the string elements of its array literal.
    list: bool,
}

impl<'s, 'o, 't> Walker<'s, 'o, 't> {
    fn new(src: &'s str, options: &'o ExtractOptions<'o>, cursor: TreeCursor<'t>) -> Self {
        Walker {
            src,
            lines: LineIndex::new(src),
            options,
            facts: FileFacts::default(),
            frames: FunctionScopes::default(),
            import_locals: HashSet::new(),
            export_clause_names: HashSet::new(),
            module_names_seen: HashSet::new(),
            cursor,
            children: Vec::new(),
            segments: Vec::new(),
            branches: Vec::new(),
            conditions: Vec::new(),
            pending_else_if: HashMap::new(),
            check_calls: HashMap::new(),
            check_ranges: Vec::new(),
            declared: HashSet::new(),
            writes: Vec::new(),
            condition_idents: Vec::new(),
            property_shape: options.checks.has_shape(ShapeKind::Property),
            jsx_shape: options.checks.has_shape(ShapeKind::Jsx),
            object_property_shape: options.checks.has_shape(ShapeKind::ObjectProperty),
            property_aliases: Vec::new(),
            destructure_shape: options.checks.has_shape(ShapeKind::Destructure),
            chain_parts: HashSet::new(),
            recorded_keys: HashSet::new(),
            callees: HashSet::new(),
            definitions: !options.definitions.is_empty(),
            visits: 0,
        }
    }

    fn finish(mut self) -> FileFacts {
        for constant in &mut self.facts.string_consts {
            if !constant.exported {
                if let Some(first) = constant.symbol.first() {
                    constant.exported = self.export_clause_names.contains(first.as_str());
                }
            }
        }
        self.resolve_forks();
        self.facts
    }

    // ----- small helpers -------------------------------------------------------------------

    fn text(&self, node: Node) -> &'s str {
        self.src.get(node.byte_range()).unwrap_or("")
    }

    fn span(&self, node: Node) -> Span {
        self.lines.span(node.start_byte(), node.end_byte())
    }

    /// Fills `self.children` with the children of `node` and their field names.
    fn load_children(&mut self, node: Node<'t>) {
        self.children.clear();
        self.cursor.reset(node);
        if !self.cursor.goto_first_child() {
            return;
        }
        loop {
            self.children
                .push((self.cursor.field_name(), self.cursor.node()));
            if !self.cursor.goto_next_sibling() {
                break;
            }
        }
    }

    /// Pushes the children of `node` (in source order) with the mode `classify` picks; a child it
    /// skips (`None`) is still scanned for syntax errors.
    fn push_children<F>(&mut self, item: Item<'t, 's>, stack: &mut Vec<Item<'t, 's>>, classify: F)
    where
        F: Fn(&Self, Option<&'static str>, Node<'t>) -> Option<Mode>,
    {
        self.load_children(item.node);
        let children = std::mem::take(&mut self.children);
        let start = stack.len();
        for &(field, child) in &children {
            if !child.is_named() && !child.is_missing() {
                continue;
            }
            let mode = match classify(self, field, child) {
                Some(mode) => mode,
                None if child.has_error() => Mode::Quiet,
                None => continue,
            };
            if mode == Mode::Quiet && !child.has_error() {
                continue;
            }
            let hint = match field {
                Some("value") | Some("right") => self.value_hint(item.node),
                _ => None,
            };
            stack.push(Item {
                node: child,
                mode,
                frame: item.frame,
                hint,
                top: false,
                branch: item.branch,
                cond: item.cond,
            });
        }
        stack[start..].reverse();
        self.children = children;
    }

    /// The name a function-valued `value`/`right` child of `parent` is bound to.
    fn value_hint(&self, parent: Node) -> Option<&'s str> {
        let target = match parent.kind() {
            "variable_declarator" | "public_field_definition" => parent.child_by_field_name("name"),
            "pair" => parent.child_by_field_name("key"),
            "assignment_expression" => {
                let left = parent.child_by_field_name("left")?;
                match left.kind() {
                    "member_expression" => left.child_by_field_name("property"),
                    _ => Some(left),
                }
            }
            _ => None,
        }?;
        matches!(
            target.kind(),
            "identifier" | "property_identifier" | "private_property_identifier"
        )
        .then(|| self.text(target))
    }

    fn add_module_name(&mut self, name: &'s str) {
        if !name.is_empty() && self.module_names_seen.insert(name) {
            self.facts.module_names.push(name.to_string());
        }
    }

    fn syntax_error(&mut self, node: Node<'t>) {
        if self.facts.syntax_errors.len() >= MAX_SYNTAX_ERRORS {
            return;
        }
        let message = if node.is_missing() {
            format!("missing `{}`", node.kind())
        } else {
            match self.first_token_text(node) {
                Some(token) => format!("unexpected `{token}`"),
                None => "syntax error".to_string(),
            }
        };
        let span = self.span(node);
        self.facts
            .syntax_errors
            .push(SyntaxError::new(span, message));
    }

    /// What an ERROR node contains: its whole text when short, else its first token.
    fn first_token_text(&mut self, node: Node<'t>) -> Option<String> {
        let whole = self.text(node);
        let text = if whole.len() <= 24 && !whole.contains('\n') {
            whole
        } else {
            self.cursor.reset(node);
            while self.cursor.goto_first_child() {}
            self.text(self.cursor.node())
        };
        let line = text.lines().next().unwrap_or("").trim();
        if line.is_empty() {
            return None;
        }
        Some(line.chars().take(30).collect())
    }

    fn is_param(&self, name: &str, frame: Option<usize>) -> bool {
        self.frames.is_param(frame, name)
    }

    fn inside_function_named(&self, name: &str, frame: Option<usize>) -> bool {
        self.frames.inside_function_named(frame, name)
    }

    // ----- the walk ----------------------------------------------------------------------------

    fn walk(&mut self, root: Node<'t>) {
        let mut stack = vec![Item {
            node: root,
            mode: Mode::Expr,
            frame: None,
            hint: None,
            top: false,
            branch: None,
            cond: false,
        }];
        while let Some(item) = stack.pop() {
            self.visits += 1;
            let node = item.node;
            if node.is_error() || node.is_missing() {
                self.syntax_error(node);
            }
            match item.mode {
                Mode::Quiet => self.push_children(item, &mut stack, |_, _, _| None),
                Mode::Pattern => self.visit_pattern(item, &mut stack),
                Mode::Expr => self.visit_expr(item, &mut stack),
            }
        }
    }

    fn visit_expr(&mut self, item: Item<'t, 's>, stack: &mut Vec<Item<'t, 's>>) {
        let node = item.node;
        if item.top {
            self.top_level(node);
        }
        if !self.recorded_keys.is_empty() && self.recorded_keys.remove(&node.id()) {
            // The key of a check: already recorded, not a symbol use.
            return self.push_children(item, stack, |_, _, _| None);
        }
        let kind = node.kind();
        if is_type_kind(kind) {
            return self.push_children(item, stack, |_, _, _| None);
        }
        if item.cond && kind == "identifier" {
            self.condition_idents.push((
                node.start_byte(),
                node.end_byte(),
                item.frame,
                self.text(node),
            ));
        }
        match kind {
            "if_statement" => self.if_statement(item, stack),
            "ternary_expression" => self.ternary_expression(item, stack),
            "class_body" => {
                let inner = Item {
                    branch: None,
                    ..item
                };
                self.push_children(inner, stack, |_, field, child| {
                    expr_child_mode("class_body", field, child)
                });
            }
            "assignment_expression"
            | "augmented_assignment_expression"
            | "update_expression"
            | "for_in_statement"
            | "catch_clause" => {
                self.record_writes(node, item.frame);
                if self.property_shape && kind == "update_expression" {
                    // `a.b.c++` writes the chain: not a property check.
                    self.mark_chain_part(node.child_by_field_name("argument"));
                }
                self.push_children(item, stack, move |_, field, child| {
                    expr_child_mode(kind, field, child)
                });
            }
            "program" => {
                let start = stack.len();
                self.push_children(item, stack, |_, _, child| {
                    (child.kind() != "comment").then_some(Mode::Expr)
                });
                for pending in &mut stack[start..] {
                    pending.top = true;
                }
            }
            // Leaves and literals: nothing inside but possible syntax errors.
            "comment" | "string" | "number" | "regex" | "property_identifier" | "jsx_text" => {
                self.push_children(item, stack, |_, _, _| None)
            }
            "import_statement" => {
                self.import_statement(node, item.top);
                self.push_children(item, stack, |_, _, _| None);
            }
            "export_statement" => self.export_statement(item, stack),
            "function_declaration"
            | "generator_function_declaration"
            | "function_expression"
            | "function"
            | "generator_function"
            | "arrow_function"
            | "method_definition" => self.enter_function(item, stack),
            "call_expression" => self.call_expression(item, stack),
            "identifier"
            | "shorthand_property_identifier"
            | "member_expression"
            | "subscript_expression" => self.chain_expression(item, stack, true),
            "as_expression" | "satisfies_expression" => {
                let first = first_named(node).map(|n| n.id());
                self.push_children(item, stack, move |_, _, child| {
                    (Some(child.id()) == first).then_some(Mode::Expr)
                });
            }
            "jsx_closing_element" => self.push_children(item, stack, |_, _, _| None),
            "jsx_opening_element" | "jsx_self_closing_element" => {
                if self.jsx_shape {
                    self.jsx_checks(item);
                }
                self.push_children(item, stack, move |_, field, child| {
                    expr_child_mode(kind, field, child)
                });
            }
            "pair" if self.object_property_shape => {
                self.object_property_checks(node);
                self.push_children(item, stack, move |_, field, child| {
                    expr_child_mode(kind, field, child)
                });
            }
            "variable_declarator" => {
                self.require_import(node);
                self.record_writes(node, item.frame);
                if self.destructure_shape {
                    self.destructure_checks(node);
                }
                if self.property_shape {
                    self.destructured_properties(node, item.frame);
                }
                self.push_children(item, stack, |_, field, child| {
                    expr_child_mode("variable_declarator", field, child)
                });
            }
            _ => self.push_children(item, stack, move |_, field, child| {
                expr_child_mode(kind, field, child)
            }),
        }
    }

    fn visit_pattern(&mut self, item: Item<'t, 's>, stack: &mut Vec<Item<'t, 's>>) {
        match item.node.kind() {
            "identifier" | "shorthand_property_identifier_pattern" | "this" | "comment" => {
                self.push_children(item, stack, |_, _, _| None)
            }
            "member_expression" | "subscript_expression" => {
                self.chain_expression(item, stack, false)
            }
            "pair_pattern" => self.push_children(item, stack, |_, field, child| match field {
                Some("key") => (child.kind() == "computed_property_name").then_some(Mode::Expr),
                _ => Some(Mode::Pattern),
            }),
            "assignment_pattern" | "object_assignment_pattern" => {
                self.push_children(item, stack, |_, field, _| match field {
                    Some("left") => Some(Mode::Pattern),
                    _ => Some(Mode::Expr),
                })
            }
            "required_parameter" | "optional_parameter" => {
                self.push_children(item, stack, |_, field, child| match field {
                    Some("pattern") => Some(Mode::Pattern),
                    Some("type") => None,
                    _ if child.kind() == "accessibility_modifier" => None,
                    _ => Some(Mode::Expr),
                })
            }
            "object_pattern"
            | "array_pattern"
            | "rest_pattern"
            | "formal_parameters"
            | "parenthesized_expression"
            | "non_null_expression" => self.push_children(item, stack, |_, _, child| {
                (!is_type_kind(child.kind())).then_some(Mode::Pattern)
            }),
            kind if is_type_kind(kind) => self.push_children(item, stack, |_, _, _| None),
            _ => self.visit_expr(item, stack),
        }
    }

    /// A function-like node: opens a frame with its name and parameters.
    fn enter_function(&mut self, item: Item<'t, 's>, stack: &mut Vec<Item<'t, 's>>) {
        let node = item.node;
        let name = node
            .child_by_field_name("name")
            .filter(|n| {
                matches!(
                    n.kind(),
                    "identifier" | "property_identifier" | "private_property_identifier"
                )
            })
            .map(|n| self.text(n))
            .or(item.hint);
        let mut params = Vec::new();
        for field in ["parameters", "parameter"] {
            if let Some(p) = node.child_by_field_name(field) {
                self.binding_names(p, &mut params);
            }
        }
        let frame = self.frames.push(item.frame, name, params);
        // Functions written with the `function` keyword and methods end the search for a parent
        // fork; arrow functions do not.
        let branch = if node.kind() == "arrow_function" {
            item.branch
        } else {
            None
        };
        let inner = Item {
            frame: Some(frame),
            branch,
            ..item
        };
        self.push_children(inner, stack, |_, field, child| match field {
            Some("parameters") | Some("parameter") => Some(Mode::Pattern),
            Some("body") => Some(Mode::Expr),
            Some("name") => (child.kind() == "computed_property_name").then_some(Mode::Expr),
            Some("type_parameters") | Some("return_type") => None,
            _ if child.kind() == "comment" => None,
            _ => Some(Mode::Expr),
        });
    }

    /// Names bound by a parameter list or pattern (identifiers, shorthand patterns), iteratively.
    fn binding_names(&self, pattern: Node<'t>, out: &mut Vec<&'s str>) {
        let mut todo = vec![pattern];
        let mut cursor = pattern.walk();
        while let Some(node) = todo.pop() {
            match node.kind() {
                "identifier" | "shorthand_property_identifier_pattern" => out.push(self.text(node)),
                "required_parameter" | "optional_parameter" => {
                    todo.extend(node.child_by_field_name("pattern"));
                }
                "pair_pattern" => todo.extend(node.child_by_field_name("value")),
                "assignment_pattern" | "object_assignment_pattern" => {
                    todo.extend(node.child_by_field_name("left"));
                }
                "formal_parameters" | "object_pattern" | "array_pattern" | "rest_pattern" => {
                    let children: Vec<_> = node.named_children(&mut cursor).collect();
                    todo.extend(children.into_iter().rev());
                }
                _ => {}
            }
        }
    }

    // ----- member chains and symbol uses -----------------------------------------------------

    /// Collects the static member chain of `node` into `segments` (root first).
    fn static_chain(&self, node: Node<'t>, segments: &mut Vec<Cow<'s, str>>) -> ChainEnd<'t> {
        segments.clear();
        let mut current = node;
        loop {
            match current.kind() {
                "identifier" | "shorthand_property_identifier" | "this" => {
                    segments.push(Cow::Borrowed(self.text(current)));
                    segments.reverse();
                    return ChainEnd::Root;
                }
                "member_expression" => {
                    let object = current.child_by_field_name("object");
                    let property = current.child_by_field_name("property").filter(|p| {
                        matches!(
                            p.kind(),
                            "property_identifier" | "private_property_identifier"
                        )
                    });
                    let (Some(object), Some(property)) = (object, property) else {
                        return ChainEnd::Broken(current);
                    };
                    segments.push(Cow::Borrowed(self.text(property)));
                    current = object;
                }
                "subscript_expression" => {
                    let object = current.child_by_field_name("object");
                    let index = current
                        .child_by_field_name("index")
                        .and_then(|i| self.string_value(i));
                    let (Some(object), Some(index)) = (object, index) else {
                        return ChainEnd::Broken(current);
                    };
                    segments.push(Cow::Owned(index));
                    current = object;
                }
                "non_null_expression" => match first_named(current) {
                    Some(inner) => current = inner,
                    None => return ChainEnd::Broken(current),
                },
                _ => return ChainEnd::Broken(current),
            }
        }
    }

    /// An identifier or member chain in expression (`record`) or assignment-target position.
    fn chain_expression(
        &mut self,
        item: Item<'t, 's>,
        stack: &mut Vec<Item<'t, 's>>,
        record: bool,
    ) {
        let node = item.node;
        let mut segments = std::mem::take(&mut self.segments);
        let end = self.static_chain(node, &mut segments);
        if record && matches!(end, ChainEnd::Root) {
            self.record_use(node, &segments);
        }
        let mut key_index = None;
        if self.property_shape {
            let part = self.chain_parts.remove(&node.id());
            if record && !part {
                key_index = self.property_check(node, &end, &segments, item.frame);
            }
        }
        segments.clear();
        self.segments = segments;
        match end {
            ChainEnd::Root => {
                if node.has_error() {
                    self.push_children(item, stack, |_, _, _| None);
                }
            }
            ChainEnd::Broken(breaker) if breaker.id() == node.id() => {
                // A dynamic subscript or odd member: its object and index are expressions.
                if self.property_shape {
                    self.mark_chain_part(node.child_by_field_name("object"));
                }
                self.push_children(item, stack, |_, field, child| match field {
                    Some("property") => None,
                    _ if child.kind() == "comment" || Some(child.id()) == key_index => None,
                    _ => Some(Mode::Expr),
                });
            }
            ChainEnd::Broken(breaker) => {
                if self.property_shape {
                    self.mark_chain_part(Some(breaker));
                }
                stack.push(Item {
                    node: breaker,
                    mode: Mode::Expr,
                    hint: None,
                    top: false,
                    ..item
                })
            }
        }
    }

    fn record_use(&mut self, node: Node, segments: &[Cow<'s, str>]) {
        let Some(root) = segments.first() else {
            return;
        };
        let qualifies = self.import_locals.contains(root.as_ref())
            || (self.options.definitions_file && self.module_names_seen.contains(root.as_ref()))
            || segments
                .iter()
                .any(|s| self.options.interesting.contains(s.as_ref()));
        if qualifies {
            let called = self.callees.contains(&node.id());
            self.facts.symbol_uses.push(SymbolUse {
                path: segments.iter().map(|s| s.to_string()).collect(),
                span: self.span(node),
                in_test: false,
                scope: Vec::new(),
                called,
            });
        }
    }

    // ----- imports -----------------------------------------------------------------------------

    /// Pre-pass over the program's statements: the locals bound by top-level imports, so uses
    /// before the import statement are recognised too.
    fn collect_top_level_import_locals(&mut self, root: Node<'t>) {
        let mut cursor = root.walk();
        let statements: Vec<_> = root.named_children(&mut cursor).collect();
        for statement in statements {
            match statement.kind() {
                "import_statement" => self.import_statement(statement, false),
                "lexical_declaration" | "variable_declaration" => {
                    let declarators: Vec<_> = statement.named_children(&mut cursor).collect();
                    for declarator in declarators {
                        if declarator.kind() == "variable_declarator" {
                            self.require_import(declarator);
                        }
                    }
                }
                _ => {}
            }
        }
        self.facts.imports.clear();
    }

    fn push_import(
        &mut self,
        local: &'s str,
        module: &str,
        name: Option<String>,
        reexport: bool,
        top: bool,
        span_node: Node,
    ) {
        if !reexport {
            self.import_locals.insert(local);
            if top {
                self.add_module_name(local);
            }
        }
        self.facts.imports.push(Import {
            local: local.to_string(),
            module: ModuleRef::Js(module.to_string()),
            name,
            reexport,
            scope: Vec::new(),
            span: self.span(span_node),
        });
    }

    /// `import ...` in all its forms. `record = false` only collects the locals.
    fn import_statement(&mut self, node: Node<'t>, top: bool) {
        let mut cursor = node.walk();
        let clauses: Vec<_> = node.named_children(&mut cursor).collect();
        let source = node
            .child_by_field_name("source")
            .and_then(|s| self.string_value(s));
        for clause in clauses {
            match clause.kind() {
                "import_clause" => {
                    let Some(module) = source.as_deref() else {
                        continue;
                    };
                    let parts: Vec<_> = clause.named_children(&mut cursor).collect();
                    for part in parts {
                        self.import_clause_part(part, module, top);
                    }
                }
                "import_require_clause" => {
                    let module = clause
                        .child_by_field_name("source")
                        .and_then(|s| self.string_value(s));
                    let local = first_named(clause).filter(|n| n.kind() == "identifier");
                    if let (Some(module), Some(local)) = (module, local) {
                        let local = self.text(local);
                        self.push_import(local, &module, None, false, top, clause);
                    }
                }
                _ => {}
            }
        }
    }

    fn import_clause_part(&mut self, part: Node<'t>, module: &str, top: bool) {
        match part.kind() {
            "identifier" => {
                let local = self.text(part);
                self.push_import(local, module, Some("default".into()), false, top, part);
            }
            "namespace_import" => {
                if let Some(local) = first_named(part).filter(|n| n.kind() == "identifier") {
                    let local = self.text(local);
                    self.push_import(local, module, None, false, top, part);
                }
            }
            "named_imports" => {
                let mut cursor = part.walk();
                let specifiers: Vec<_> = part
                    .named_children(&mut cursor)
                    .filter(|s| s.kind() == "import_specifier")
                    .collect();
                for specifier in specifiers {
                    if let Some((local, name)) = self.specifier_names(specifier) {
                        self.push_import(local, module, Some(name), false, top, specifier);
                    }
                }
            }
            _ => {}
        }
    }

    /// `(local, imported name)` of an import/export specifier `name as alias`.
    fn specifier_names(&self, specifier: Node) -> Option<(&'s str, String)> {
        let name = specifier.child_by_field_name("name")?;
        let name_text = match name.kind() {
            "string" => self.string_value(name)?,
            _ => self.text(name).to_string(),
        };
        let local = match specifier.child_by_field_name("alias") {
            Some(alias) if alias.kind() == "string" => {
                let text = self.text(alias);
                text.get(1..text.len().saturating_sub(1)).unwrap_or(text)
            }
            Some(alias) => self.text(alias),
            None if name.kind() == "string" => return None,
            None => self.text(name),
        };
        Some((local, name_text))
    }

    /// CommonJS `const x = require('m')` / `const { A, B: C } = require('m')`.
    /// Module names of top-level requires come from the declaration itself (`top_level`).
    fn require_import(&mut self, declarator: Node<'t>) {
        let Some(value) = declarator.child_by_field_name("value") else {
            return;
        };
        let Some(module) = self.require_source(value) else {
            return;
        };
        let Some(name) = declarator.child_by_field_name("name") else {
            return;
        };
        match name.kind() {
            "identifier" => {
                let local = self.text(name);
                self.push_import(local, &module, None, false, false, declarator);
            }
            "object_pattern" => {
                let mut cursor = name.walk();
                let properties: Vec<_> = name.named_children(&mut cursor).collect();
                for property in properties {
                    if let Some((local, imported)) = self.require_binding(property) {
                        self.push_import(local, &module, Some(imported), false, false, property);
                    }
                }
            }
            _ => {}
        }
    }

    fn require_source(&self, value: Node) -> Option<String> {
        if value.kind() != "call_expression" {
            return None;
        }
        let function = value.child_by_field_name("function")?;
        if function.kind() != "identifier" || self.text(function) != "require" {
            return None;
        }
        let arguments = value.child_by_field_name("arguments")?;
        if arguments.named_child_count() != 1 {
            return None;
        }
        self.string_value(arguments.named_child(0)?)
    }

    /// `A`, `A = default`, `A: B` in a `require` destructuring: `(local, imported)`.
    fn require_binding(&self, property: Node) -> Option<(&'s str, String)> {
        match property.kind() {
            "shorthand_property_identifier_pattern" => {
                let name = self.text(property);
                Some((name, name.to_string()))
            }
            "object_assignment_pattern" => {
                let left = property.child_by_field_name("left")?;
                (left.kind() == "shorthand_property_identifier_pattern").then(|| {
                    let name = self.text(left);
                    (name, name.to_string())
                })
            }
            "pair_pattern" => {
                let key = property.child_by_field_name("key")?;
                let value = property.child_by_field_name("value")?;
                if value.kind() != "identifier" {
                    return None;
                }
                let imported = match key.kind() {
                    "property_identifier" => self.text(key).to_string(),
                    "string" => self.string_value(key)?,
                    _ => return None,
                };
                Some((self.text(value), imported))
            }
            _ => None,
        }
    }

    fn export_statement(&mut self, item: Item<'t, 's>, stack: &mut Vec<Item<'t, 's>>) {
        let node = item.node;
        let source = node
            .child_by_field_name("source")
            .and_then(|s| self.string_value(s));
        let Some(module) = source else {
            // `import { A } from 'm'; export { A }`: a re-export of the import.
            let mut cursor = node.walk();
            let clauses: Vec<_> = node
                .named_children(&mut cursor)
                .filter(|c| c.kind() == "export_clause")
                .collect();
            for clause in clauses {
                let mut inner = clause.walk();
                let specifiers: Vec<_> = clause
                    .named_children(&mut inner)
                    .filter(|s| s.kind() == "export_specifier")
                    .collect();
                for specifier in specifiers {
                    let Some((exported, local)) = self.specifier_names(specifier) else {
                        continue;
                    };
                    let imported = self
                        .facts
                        .imports
                        .iter()
                        .rev()
                        .find(|i| !i.reexport && i.local == local)
                        .cloned();
                    if let Some(import) = imported {
                        self.facts.imports.push(Import {
                            local: exported.to_string(),
                            reexport: true,
                            span: self.span(specifier),
                            ..import
                        });
                    }
                }
            }
            // `export const ...`, `export default x`, `export { A }`: the clause is not a use.
            self.push_children(item, stack, |_, _, child| match child.kind() {
                "export_clause" => None,
                _ => Some(Mode::Expr),
            });
            return;
        };
        let mut cursor = node.walk();
        let children: Vec<_> = node.named_children(&mut cursor).collect();
        let mut bound_any = false;
        for child in children {
            match child.kind() {
                "namespace_export" => {
                    if let Some(local) = first_named(child).filter(|n| n.kind() != "comment") {
                        let local = match local.kind() {
                            "string" => {
                                let t = self.text(local);
                                t.get(1..t.len().saturating_sub(1)).unwrap_or(t)
                            }
                            _ => self.text(local),
                        };
                        self.push_import(local, &module, None, true, false, child);
                        bound_any = true;
                    }
                }
                "export_clause" => {
                    bound_any = true;
                    let specifiers: Vec<_> = child
                        .named_children(&mut cursor)
                        .filter(|s| s.kind() == "export_specifier")
                        .collect();
                    for specifier in specifiers {
                        if let Some((local, name)) = self.specifier_names(specifier) {
                            self.push_import(local, &module, Some(name), true, false, specifier);
                        }
                    }
                }
                _ => {}
            }
        }
        if !bound_any {
            self.push_import("*", &module, None, true, false, node);
        }
        self.push_children(item, stack, |_, _, _| None);
    }
}

/// A `KeyExpr::Dynamic` for `reason`.
fn dynamic(reason: DynamicReason) -> KeyExpr {
    reason.into()
}

/// The mode of a child of a generic expression/statement node of kind `parent`.
fn expr_child_mode(parent: &str, field: Option<&'static str>, child: Node) -> Option<Mode> {
    let kind = child.kind();
    if is_type_kind(kind) || kind == "comment" {
        return None;
    }
    match (parent, field) {
        (_, Some("type" | "return_type" | "type_parameters" | "type_arguments" | "label")) => None,
        (_, Some("name" | "key")) if kind == "computed_property_name" => Some(Mode::Expr),
        ("jsx_opening_element" | "jsx_self_closing_element", Some("name")) => Some(Mode::Expr),
        ("variable_declarator", Some("name")) => Some(Mode::Pattern),
        (_, Some("name")) => None,
        ("pair", Some("key")) => None,
        (
            "assignment_expression" | "augmented_assignment_expression" | "for_in_statement",
            Some("left"),
        ) => Some(Mode::Pattern),
        ("catch_clause", Some("parameter")) => Some(Mode::Pattern),
        _ => Some(Mode::Expr),
    }
}

/// The operator token of a unary/binary expression.
fn operator(node: Node) -> Option<&'static str> {
    node.child_by_field_name("operator").map(|o| o.kind())
}

/// Strips parentheses (iteratively).
fn unwrap_parentheses(node: Node) -> Node {
    let mut current = node;
    while current.kind() == "parenthesized_expression" {
        match first_named(current) {
            Some(inner) => current = inner,
            None => break,
        }
    }
    current
}

/// Strips parentheses, `await` and type-only wrappers (`x!`, `x as T`, `<T>x`, `x satisfies T`).
fn unwrap_test_operand(node: Node) -> Node {
    let mut current = node;
    loop {
        current = unwrap_expression(current);
        if current.kind() != "await_expression" {
            return current;
        }
        match first_named(current) {
            Some(inner) => current = inner,
            None => return current,
        }
    }
}

/// The first named child that is not a comment.
fn first_named(node: Node) -> Option<Node> {
    let mut cursor = node.walk();
    let first = node
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment");
    first
}

/// Strips `(x)`, `x!`, `x as T`, `<T>x`, `x satisfies T` (iteratively).
fn unwrap_expression(node: Node) -> Node {
    let mut current = node;
    loop {
        let inner = match current.kind() {
            "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression" => first_named(current),
            "type_assertion" => {
                let mut cursor = current.walk();
                let last = current
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment" && c.kind() != "type_arguments")
                    .last();
                last
            }
            _ => None,
        };
        match inner {
            Some(inner) => current = inner,
            None => return current,
        }
    }
}

/// Node kinds whose whole subtree is a type (or a type-only declaration).
fn is_type_kind(kind: &str) -> bool {
    matches!(
        kind,
        "type_annotation"
            | "type_arguments"
            | "type_parameters"
            | "interface_declaration"
            | "type_alias_declaration"
            | "implements_clause"
            | "function_signature"
            | "abstract_method_signature"
            | "method_signature"
            | "property_signature"
            | "index_signature"
            | "call_signature"
            | "construct_signature"
            | "opting_type_annotation"
            | "omitting_type_annotation"
            | "adding_type_annotation"
            | "asserts_annotation"
            | "type_predicate_annotation"
            | "import_alias"
    )
}

/// The content of a quoted JS string or template text, with escapes decoded.
fn decode_quoted(text: &str) -> Option<String> {
    let quote = text.chars().next()?;
    if !matches!(quote, '\'' | '"' | '`') {
        return None;
    }
    let inner = &text[quote.len_utf8()..];
    let inner = inner.strip_suffix(quote).unwrap_or(inner);
    Some(unescape(inner))
}

/// Decodes JS escape sequences; malformed escapes keep their characters.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(escaped) = chars.next() else {
            out.push('\\');
            break;
        };
        match escaped {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0' => out.push('\0'),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            '\n' | '\u{2028}' | '\u{2029}' => {}
            'x' => {
                let hex: String = chars.clone().take(2).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded) if hex.len() == 2 => {
                        out.push(decoded);
                        chars.nth(1);
                    }
                    _ => out.push('x'),
                }
            }
            'u' => {
                if chars.peek() == Some(&'{') {
                    let hex: String = chars.clone().skip(1).take_while(|c| *c != '}').collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(decoded) if !hex.is_empty() => {
                            out.push(decoded);
                            chars.nth(hex.chars().count() + 1);
                        }
                        _ => out.push('u'),
                    }
                } else {
                    let hex: String = chars.clone().take(4).collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(decoded) if hex.len() == 4 => {
                            out.push(decoded);
                            chars.nth(3);
                        }
                        _ => out.push('u'),
                    }
                }
            }
            other => out.push(other),
        }
    }
    out
}
