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

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tree_sitter::{Node, Parser, Tree, TreeCursor};

use super::budget::{self, Unparsed};
use super::flow::{self, Branch, CondNode, FlagTests, Held, Locals, Statement, Tested};
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
            walker.finish()
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
            "variable_declarator" => {
                self.require_import(node);
                self.record_writes(node, item.frame);
                if self.destructure_shape {
                    self.destructure_checks(node);
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

    // ----- forks ---------------------------------------------------------------------------------

    /// An `if` statement: a fork candidate (`If`, or `ElseIf` when it is the `else if` of one).
    fn if_statement(&mut self, item: Item<'t, 's>, stack: &mut Vec<Item<'t, 's>>) {
        let node = item.node;
        let condition = node.child_by_field_name("condition");
        let alternative = node.child_by_field_name("alternative");
        let previous = self.pending_else_if.remove(&node.id());
        let mut candidate = None;
        if let Some(condition) = condition {
            // An `else if`: its chain head, and the head's enclosing branch.
            let chain = previous.and_then(|p| {
                let head = self.branches.get(p)?.head.unwrap_or(p);
                Some((p, head, self.branches.get(head)?.enclosing))
            });
            let (kind, enclosing, outer, head) = match chain {
                Some((previous, head, enclosing)) => {
                    (ForkKind::ElseIf, enclosing, Some(previous), Some(head))
                }
                None => (ForkKind::If, item.branch, item.branch, None),
            };
            let has_else = alternative.is_some();
            let consequence = node.child_by_field_name("consequence");
            let then = consequence
                .map(|c| self.statement_branch(c))
                .unwrap_or(Held {
                    body: Body::Empty,
                    leaves: false,
                });
            let else_statement = alternative.and_then(first_named);
            let branch = Branch {
                kind,
                span: self.lines.span(node.start_byte(), condition.end_byte()),
                has_else,
                exits_early: !has_else && then.leaves,
                then_body: then.body,
                else_body: else_statement
                    .filter(|e| e.kind() != "if_statement")
                    .map(|e| self.statement_branch(e).body),
                enclosing,
                outer,
                head,
            };
            let index = self.push_branch(branch, condition);
            if let Some(else_if) = alternative
                .and_then(first_named)
                .filter(|n| n.kind() == "if_statement")
            {
                self.pending_else_if.insert(else_if.id(), index);
            }
            candidate = Some(index);
        }
        let start = stack.len();
        self.push_children(item, stack, |_, field, child| {
            expr_child_mode("if_statement", field, child)
        });
        if let Some(index) = candidate {
            mark_branches(&mut stack[start..], condition, index);
        }
    }

    /// Adds a branch and its condition; its index.
    fn push_branch(&mut self, branch: Branch, condition: Node<'t>) -> usize {
        self.branches.push(branch);
        self.conditions.push(condition);
        self.branches.len() - 1
    }

    /// What a branch holds: a block's statements, or the one statement without braces.
    fn statement_branch(&self, branch: Node<'t>) -> Held {
        if branch.kind() == "statement_block" {
            let mut cursor = branch.walk();
            let statements: Vec<Node<'t>> = branch.named_children(&mut cursor).collect();
            flow::branch(statements.into_iter().map(|s| self.statement(s)))
        } else {
            flow::branch([self.statement(branch)])
        }
    }

    fn statement(&self, node: Node<'t>) -> Statement {
        match node.kind() {
            "empty_statement" | "comment" => Statement::Nothing,
            "return_statement" | "throw_statement" | "continue_statement" | "break_statement" => {
                Statement::Exit
            }
            "expression_statement" => {
                let call = first_named(node)
                    .map(unwrap_test_operand)
                    .filter(|e| e.kind() == "call_expression")
                    .and_then(|call| call.child_by_field_name("function"));
                let mut segments = Vec::new();
                match call.map(|callee| self.static_chain(callee, &mut segments)) {
                    Some(ChainEnd::Root) if flow::is_log_call(&segments) => Statement::Log,
                    _ => Statement::Other,
                }
            }
            _ => Statement::Other,
        }
    }

    /// `c ? a : b`: a fork candidate whose two results are its branches.
    fn ternary_expression(&mut self, item: Item<'t, 's>, stack: &mut Vec<Item<'t, 's>>) {
        let node = item.node;
        let condition = node.child_by_field_name("condition");
        let mut candidate = None;
        if let Some(condition) = condition {
            let value = |field| {
                node.child_by_field_name(field)
                    .map_or(Body::Empty, value_body)
            };
            let branch = Branch {
                kind: ForkKind::Ternary,
                span: self.lines.span(node.start_byte(), condition.end_byte()),
                has_else: true,
                exits_early: false,
                then_body: value("consequence"),
                else_body: Some(value("alternative")),
                enclosing: item.branch,
                outer: item.branch,
                head: None,
            };
            candidate = Some(self.push_branch(branch, condition));
        }
        let start = stack.len();
        self.push_children(item, stack, |_, field, child| {
            expr_child_mode("ternary_expression", field, child)
        });
        if let Some(index) = candidate {
            mark_branches(&mut stack[start..], condition, index);
        }
    }

    /// Declarations and writes of plain identifiers made by `node` (a declarator, an assignment,
    /// an update, a `for ... in/of` head or a `catch` clause), for the check-local rule.
    fn record_writes(&mut self, node: Node<'t>, frame: Option<usize>) {
        let mut names = Vec::new();
        match node.kind() {
            "variable_declarator" => {
                let Some(name) = node.child_by_field_name("name") else {
                    return;
                };
                let value = node.child_by_field_name("value");
                if name.kind() == "identifier" {
                    let name = self.text(name);
                    self.declared.insert((frame, name));
                    if let Some(value) = value {
                        let call = Some(unwrap_test_operand(value))
                            .filter(|v| v.kind() == "call_expression")
                            .map(|v| v.id());
                        self.writes.push(Write { frame, name, call });
                    }
                    return;
                }
                self.binding_names(name, &mut names);
                for name in names {
                    self.declared.insert((frame, name));
                    self.writes.push(Write {
                        frame,
                        name,
                        call: None,
                    });
                }
            }
            "assignment_expression" | "augmented_assignment_expression" => {
                let Some(left) = node.child_by_field_name("left") else {
                    return;
                };
                let left = unwrap_parentheses(left);
                if left.kind() == "identifier" {
                    let call = if node.kind() == "assignment_expression" {
                        node.child_by_field_name("right")
                            .map(unwrap_test_operand)
                            .filter(|v| v.kind() == "call_expression")
                            .map(|v| v.id())
                    } else {
                        None
                    };
                    let name = self.text(left);
                    self.writes.push(Write { frame, name, call });
                    return;
                }
                self.binding_names(left, &mut names);
                for name in names {
                    self.writes.push(Write {
                        frame,
                        name,
                        call: None,
                    });
                }
            }
            "update_expression" => {
                if let Some(argument) = node.child_by_field_name("argument") {
                    let argument = unwrap_parentheses(argument);
                    if argument.kind() == "identifier" {
                        let name = self.text(argument);
                        self.writes.push(Write {
                            frame,
                            name,
                            call: None,
                        });
                    }
                }
            }
            "for_in_statement" => {
                let Some(left) = node.child_by_field_name("left") else {
                    return;
                };
                let declares = node.child_by_field_name("kind").is_some();
                self.binding_names(unwrap_parentheses(left), &mut names);
                for name in names {
                    if declares {
                        self.declared.insert((frame, name));
                    }
                    self.writes.push(Write {
                        frame,
                        name,
                        call: None,
                    });
                }
            }
            "catch_clause" => {
                if let Some(parameter) = node.child_by_field_name("parameter") {
                    self.binding_names(parameter, &mut names);
                    for name in names {
                        self.declared.insert((frame, name));
                    }
                }
            }
            _ => {}
        }
    }

    /// The function frame (`None`: module) whose variable `name` denotes when read in `frame`;
    /// `Err(())` when it is a parameter.
    fn binding_scope(&self, name: &str, frame: Option<usize>) -> Result<Option<usize>, ()> {
        let mut current = frame;
        while let Some(index) = current {
            let Some(f) = self.frames.get(index) else {
                break;
            };
            if f.params.contains(&name) {
                return Err(());
            }
            if self.declared.contains(&(Some(index), name)) {
                return Ok(Some(index));
            }
            current = f.parent;
        }
        Ok(None)
    }

    /// Turns the branches into `facts.forks`, now that every check and write is known.
    fn resolve_forks(&mut self) {
        if self.branches.is_empty() || self.check_ranges.is_empty() {
            return;
        }
        // Check locals: variables written exactly once, from a recorded check call.
        let mut locals: Locals<(Option<usize>, &str)> = Locals::default();
        for write in &self.writes {
            let Ok(scope) = self.binding_scope(write.name, write.frame) else {
                continue;
            };
            let check = write.call.and_then(|id| self.check_calls.get(&id).copied());
            locals.write((scope, write.name), check);
        }
        // Flag tests: `(start, end, check)` of check calls and of check-local reads in conditions.
        let mut tests: Vec<(usize, usize, usize)> = self
            .check_ranges
            .iter()
            .enumerate()
            .map(|(check, &(start, end))| (start, end, check))
            .collect();
        for &(start, end, frame, name) in &self.condition_idents {
            let Ok(scope) = self.binding_scope(name, frame) else {
                continue;
            };
            if let Some(check) = locals.check_local(&(scope, name)) {
                tests.push((start, end, check));
            }
        }
        let tests = FlagTests::new(tests);
        let branches = std::mem::take(&mut self.branches);
        let conditions = std::mem::take(&mut self.conditions);
        self.facts.forks = flow::forks(&branches, |index| {
            let condition = conditions[index];
            let checks = tests.within(condition.byte_range());
            if checks.is_empty() {
                return Tested::default();
            }
            let node = |node| condition_node(node, self.src);
            let is_test = |node| {
                let node = unwrap_test_operand(node);
                let kinds = [
                    "call_expression",
                    "identifier",
                    "member_expression",
                    "subscript_expression",
                ];
                kinds.contains(&node.kind()) && tests.is_test(node.byte_range())
            };
            let test = flow::test(condition, node, is_test);
            Tested { checks, test }
        });
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

    // ----- checks ------------------------------------------------------------------------------

    fn call_expression(&mut self, item: Item<'t, 's>, stack: &mut Vec<Item<'t, 's>>) {
        let node = item.node;
        if self.definitions && !self.options.definitions.registrations.is_empty() {
            self.registration(node);
        }
        if let Some(key) = self.check_site(item) {
            self.recorded_keys.insert(key);
        }
        if let Some(function) = node.child_by_field_name("function") {
            self.callees.insert(function.id());
        }
        if self.property_shape {
            self.mark_chain_part(node.child_by_field_name("function"));
        }
        // In source order: the callee is visited before the arguments.
        self.push_children(item, stack, |_, field, _| match field {
            Some("type_arguments") => None,
            _ => Some(Mode::Expr),
        });
    }

    /// Records the check at this call, if any; returns the key argument's id when the key is a
    /// literal or path (it must not be reported again as a symbol use).
    fn check_site(&mut self, item: Item<'t, 's>) -> Option<usize> {
        let node = item.node;
        let function = node.child_by_field_name("function")?;
        let last = match function.kind() {
            "identifier" => function,
            "member_expression" => function.child_by_field_name("property")?,
            _ => return None,
        };
        let last = self.text(last);
        if !self.options.checks.is_candidate(last) {
            return None;
        }
        let arguments = node
            .child_by_field_name("arguments")
            .filter(|a| a.kind() == "arguments")?;
        let mut segments = Vec::new();
        let chain: Vec<&str> = match self.static_chain(function, &mut segments) {
            ChainEnd::Root => segments.iter().map(|s| s.as_ref()).collect(),
            ChainEnd::Broken(_) => vec![last],
        };
        let (spec_index, spec) = self.options.checks.find(self.options.language, &chain)?;
        let position = spec.key.position?;
        if self.inside_function_named(last, item.frame) {
            return None;
        }
        let mut cursor = arguments.walk();
        let mut key_node = None;
        let mut spread = None;
        for (index, arg) in arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind() != "comment")
            .enumerate()
        {
            if arg.kind() == "spread_element" && spread.is_none() {
                spread = Some(arg);
            }
            if index == position {
                key_node = Some(arg);
                break;
            }
        }
        let (key, key_node) = match (spread, key_node) {
            (Some(spread), _) => (dynamic(DynamicReason::SpreadArgument), spread),
            (None, Some(arg)) => (self.classify_key(arg, item.frame), arg),
            (None, None) => return None,
        };
        let excluded = (!matches!(key, KeyExpr::Dynamic(_))).then(|| key_node.id());
        self.check_calls.insert(node.id(), self.facts.checks.len());
        self.check_ranges.push((node.start_byte(), node.end_byte()));
        self.facts.checks.push(CheckSite {
            spec: spec_index,
            key,
            span: self.span(node),
            key_span: self.span(key_node),
            in_test: false,
            scope: Vec::new(),
        });
        excluded
    }

    fn classify_key(&self, arg: Node<'t>, frame: Option<usize>) -> KeyExpr {
        let node = unwrap_expression(arg);
        match node.kind() {
            "string" | "template_string" => match self.string_value(node) {
                Some(value) => KeyExpr::Literal(value),
                None => dynamic(DynamicReason::TemplateLiteral),
            },
            "identifier" => {
                let name = self.text(node);
                if self.is_param(name, frame) {
                    KeyExpr::Parameter(name.to_string())
                } else {
                    KeyExpr::Path(vec![name.to_string()])
                }
            }
            "member_expression" | "subscript_expression" => {
                let mut segments = Vec::new();
                match self.static_chain(node, &mut segments) {
                    ChainEnd::Root if segments.first().is_some_and(|s| s == "this") => {
                        dynamic(DynamicReason::MemberOfThis)
                    }
                    ChainEnd::Root => {
                        KeyExpr::Path(segments.into_iter().map(Cow::into_owned).collect())
                    }
                    ChainEnd::Broken(_) if node.kind() == "subscript_expression" => {
                        dynamic(DynamicReason::Subscript)
                    }
                    ChainEnd::Broken(_) => dynamic(DynamicReason::Expression),
                }
            }
            "binary_expression" => {
                let plus = node
                    .child_by_field_name("operator")
                    .is_some_and(|o| o.kind() == "+");
                dynamic(if plus {
                    DynamicReason::StringConcatenation
                } else {
                    DynamicReason::Expression
                })
            }
            "call_expression" => dynamic(DynamicReason::CallResult),
            "ternary_expression" => dynamic(DynamicReason::Conditional),
            _ => dynamic(DynamicReason::Expression),
        }
    }

    /// The decoded value of a string literal or a template literal without substitutions.
    fn string_value(&self, node: Node) -> Option<String> {
        match node.kind() {
            "string" => {}
            "template_string" => {
                let mut cursor = node.walk();
                let has_substitution = node
                    .named_children(&mut cursor)
                    .any(|c| c.kind() == "template_substitution");
                if has_substitution {
                    return None;
                }
            }
            _ => return None,
        }
        decode_quoted(self.text(node))
    }

    // ----- check shapes besides calls ----------------------------------------------------------

    /// Records a check found in another shape than a call.
    fn push_shape_check(&mut self, spec: usize, key: KeyExpr, span: Node<'t>, key_node: Node<'t>) {
        self.check_ranges.push((span.start_byte(), span.end_byte()));
        self.facts.checks.push(CheckSite {
            spec,
            key,
            span: self.span(span),
            key_span: self.span(key_node),
            in_test: false,
            scope: Vec::new(),
        });
    }

    /// Remembers that a member chain (under parentheses and `!`) is part of a larger expression
    /// (a callee, the object of a broken chain), so it is not taken for a property check.
    fn mark_chain_part(&mut self, node: Option<Node<'t>>) {
        let Some(mut current) = node else {
            return;
        };
        while matches!(
            current.kind(),
            "parenthesized_expression" | "non_null_expression"
        ) {
            match first_named(current) {
                Some(inner) => current = inner,
                None => return,
            }
        }
        if matches!(current.kind(), "member_expression" | "subscript_expression") {
            self.chain_parts.insert(current.id());
        }
    }

    /// `Shape::Property`: a maximal member chain `a.b.KEY` / `a.b['KEY']` / `a.b[expr]` whose
    /// members before the key end with a spec's segments. `segments` and `end` are the chain's
    /// `static_chain`. Returns the id of a computed index that is the check's key (a name or a
    /// constant, read like a call's key argument): not to be walked as an expression.
    fn property_check(
        &mut self,
        node: Node<'t>,
        end: &ChainEnd<'t>,
        segments: &[Cow<'s, str>],
        frame: Option<usize>,
    ) -> Option<usize> {
        let key_field = match node.kind() {
            "member_expression" => "property",
            "subscript_expression" => "index",
            _ => return None,
        };
        let key_node = node.child_by_field_name(key_field)?;
        let checks = self.options.checks;
        let (prefix, key): (Vec<&str>, KeyExpr) = match end {
            ChainEnd::Root => {
                let (key, prefix) = segments.split_last()?;
                if !prefix
                    .last()
                    .is_some_and(|s| checks.is_shape_candidate(ShapeKind::Property, s))
                {
                    return None;
                }
                let prefix = prefix.iter().map(|s| s.as_ref()).collect();
                (prefix, KeyExpr::Literal(key.to_string()))
            }
            ChainEnd::Broken(breaker) if breaker.id() == node.id() => {
                // `a.b[expr]`: a computed key.
                if key_field != "index" {
                    return None;
                }
                let object = node.child_by_field_name("object")?;
                let mut object_segments = Vec::new();
                let prefix: Vec<&str> = match self.static_chain(object, &mut object_segments) {
                    ChainEnd::Root => object_segments.iter().map(|s| s.as_ref()).collect(),
                    ChainEnd::Broken(b) if b.id() == object.id() => return None,
                    ChainEnd::Broken(_) => {
                        object_segments.iter().rev().map(|s| s.as_ref()).collect()
                    }
                };
                if !prefix
                    .last()
                    .is_some_and(|s| checks.is_shape_candidate(ShapeKind::Property, s))
                {
                    return None;
                }
                let (spec, _) =
                    checks.find_shape(self.options.language, ShapeKind::Property, &prefix)?;
                let key = match self.classify_key(key_node, frame) {
                    key @ (KeyExpr::Path(_) | KeyExpr::Parameter(_)) => key,
                    _ => dynamic(DynamicReason::ComputedProperty),
                };
                let known = !matches!(key, KeyExpr::Dynamic(_));
                self.push_shape_check(spec, key, node, key_node);
                return known.then(|| key_node.id());
            }
            ChainEnd::Broken(_) => {
                // `f().b.KEY`: the static members after the break, last first.
                let (key, prefix) = segments.split_first()?;
                if !prefix
                    .first()
                    .is_some_and(|s| checks.is_shape_candidate(ShapeKind::Property, s))
                {
                    return None;
                }
                let prefix = prefix.iter().rev().map(|s| s.as_ref()).collect();
                (prefix, KeyExpr::Literal(key.to_string()))
            }
        };
        if let Some((spec, _)) =
            checks.find_shape(self.options.language, ShapeKind::Property, &prefix)
        {
            self.push_shape_check(spec, key, node, key_node);
        }
        None
    }

    /// `Shape::Jsx`: an opening / self-closing element of a configured component with the spec's
    /// prop; one check per element of an array value.
    fn jsx_checks(&mut self, item: Item<'t, 's>) {
        let element = item.node;
        let Some(name) = element.child_by_field_name("name") else {
            return;
        };
        let last = match name.kind() {
            "identifier" => Some(name),
            "member_expression" => name.child_by_field_name("property"),
            _ => None,
        };
        let Some(last) = last else {
            return;
        };
        let checks = self.options.checks;
        if !checks.is_shape_candidate(ShapeKind::Jsx, self.text(last)) {
            return;
        }
        let mut segments = Vec::new();
        if !matches!(self.static_chain(name, &mut segments), ChainEnd::Root) {
            return;
        }
        let chain: Vec<&str> = segments.iter().map(|s| s.as_ref()).collect();
        let Some((spec, found)) = checks.find_shape(self.options.language, ShapeKind::Jsx, &chain)
        else {
            return;
        };
        let Shape::Jsx { prop } = &found.shape else {
            return;
        };
        let mut cursor = element.walk();
        let attribute = element
            .children_by_field_name("attribute", &mut cursor)
            .find(|a| {
                a.kind() == "jsx_attribute"
                    && first_named(*a).is_some_and(|n| self.text(n) == prop.as_str())
            });
        let Some(attribute) = attribute else {
            return;
        };
        let value = attribute
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .nth(1);
        let Some(value) = value else {
            let key = dynamic(DynamicReason::AttributeWithoutValue);
            return self.push_shape_check(spec, key, element, attribute);
        };
        match value.kind() {
            "string" => {
                let text = self.text(value);
                let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
                let key = KeyExpr::Literal(inner.to_string());
                self.push_shape_check(spec, key, element, value);
            }
            "jsx_expression" => {
                let Some(inner) = first_named(value) else {
                    let key = dynamic(DynamicReason::EmptyExpression);
                    return self.push_shape_check(spec, key, element, value);
                };
                let array = unwrap_expression(inner);
                if array.kind() == "array" {
                    let elements: Vec<_> = array
                        .named_children(&mut cursor)
                        .filter(|e| !matches!(e.kind(), "comment" | "spread_element"))
                        .collect();
                    for key_node in elements {
                        self.jsx_key(spec, element, key_node, item.frame);
                    }
                } else {
                    self.jsx_key(spec, element, inner, item.frame);
                }
            }
            _ => self.push_shape_check(spec, dynamic(DynamicReason::Expression), element, value),
        }
    }

    /// One key expression of a JSX check; literal and path keys are not visited again.
    fn jsx_key(
        &mut self,
        spec: usize,
        element: Node<'t>,
        key_node: Node<'t>,
        frame: Option<usize>,
    ) {
        let key = self.classify_key(key_node, frame);
        if !matches!(key, KeyExpr::Dynamic(_)) {
            self.recorded_keys.insert(key_node.id());
        }
        self.push_shape_check(spec, key, element, key_node);
    }

    /// `Shape::Destructure`: `const { a, b: c, 'd-e': f } = useFlags()` checks `a`, `b`, `d-e`.
    fn destructure_checks(&mut self, declarator: Node<'t>) {
        let Some(pattern) = declarator
            .child_by_field_name("name")
            .filter(|n| n.kind() == "object_pattern")
        else {
            return;
        };
        let Some(call) = declarator
            .child_by_field_name("value")
            .map(unwrap_test_operand)
            .filter(|v| v.kind() == "call_expression")
        else {
            return;
        };
        let Some(function) = call.child_by_field_name("function") else {
            return;
        };
        let last = match function.kind() {
            "identifier" => Some(function),
            "member_expression" => function.child_by_field_name("property"),
            _ => None,
        };
        let Some(last) = last.map(|l| self.text(l)) else {
            return;
        };
        let checks = self.options.checks;
        if !checks.is_shape_candidate(ShapeKind::Destructure, last) {
            return;
        }
        let mut segments = Vec::new();
        let chain: Vec<&str> = match self.static_chain(function, &mut segments) {
            ChainEnd::Root => segments.iter().map(|s| s.as_ref()).collect(),
            ChainEnd::Broken(_) => vec![last],
        };
        let language = self.options.language;
        let Some((spec, _)) = checks.find_shape(language, ShapeKind::Destructure, &chain) else {
            return;
        };
        let mut cursor = pattern.walk();
        let properties: Vec<_> = pattern.named_children(&mut cursor).collect();
        for property in properties {
            let key_node = match property.kind() {
                "shorthand_property_identifier_pattern" => Some(property),
                "object_assignment_pattern" => property
                    .child_by_field_name("left")
                    .filter(|l| l.kind() == "shorthand_property_identifier_pattern"),
                "pair_pattern" => property
                    .child_by_field_name("key")
                    .filter(|k| matches!(k.kind(), "property_identifier" | "string")),
                _ => None,
            };
            let Some(key_node) = key_node else {
                continue;
            };
            let name = match key_node.kind() {
                "string" => self.string_value(key_node),
                _ => Some(self.text(key_node).to_string()),
            };
            if let Some(name) = name {
                self.push_shape_check(spec, KeyExpr::Literal(name), property, key_node);
            }
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

    // ----- top-level definitions ---------------------------------------------------------------

    /// Module names, string constants and export clauses of one program-level statement.
    fn top_level(&mut self, statement: Node<'t>) {
        let mut declaration = statement;
        let mut exported = false;
        loop {
            match declaration.kind() {
                "export_statement" => {
                    exported = true;
                    if let Some(inner) = declaration.child_by_field_name("declaration") {
                        declaration = inner;
                    } else {
                        self.collect_export_clause(declaration);
                        return;
                    }
                }
                "ambient_declaration" | "expression_statement" => match first_named(declaration) {
                    Some(inner) => declaration = inner,
                    None => return,
                },
                _ => break,
            }
        }
        match declaration.kind() {
            "function_declaration"
            | "generator_function_declaration"
            | "function_signature"
            | "class_declaration"
            | "abstract_class_declaration"
            | "interface_declaration"
            | "type_alias_declaration"
            | "internal_module"
            | "module" => {
                if let Some(name) = declaration.child_by_field_name("name") {
                    self.declared_name(name);
                    if self.definitions
                        && matches!(
                            declaration.kind(),
                            "type_alias_declaration" | "interface_declaration"
                        )
                    {
                        self.union_keys(declaration, name);
                        self.type_registry_keys(declaration, name);
                    }
                    if matches!(
                        declaration.kind(),
                        "class_declaration" | "abstract_class_declaration"
                    ) {
                        self.class_members(declaration, self.text(name));
                    }
                }
            }
            "enum_declaration" => {
                if let Some(name) = declaration.child_by_field_name("name") {
                    self.declared_name(name);
                    self.enum_consts(declaration, self.text(name), exported);
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                self.variable_declaration(declaration, statement, exported);
            }
            "import_alias" => {
                if let Some(name) = first_named(declaration) {
                    self.declared_name(name);
                }
            }
            _ => {}
        }
    }

    /// A declared name: identifier, type identifier, or the root of `namespace A.B`.
    fn declared_name(&mut self, name: Node<'t>) {
        let mut current = name;
        while current.kind() == "nested_identifier" {
            match current
                .child_by_field_name("object")
                .or_else(|| first_named(current))
            {
                Some(object) => current = object,
                None => return,
            }
        }
        if matches!(current.kind(), "identifier" | "type_identifier") {
            let text = self.text(current);
            self.add_module_name(text);
        }
    }

    fn collect_export_clause(&mut self, export: Node<'t>) {
        let mut cursor = export.walk();
        let clauses: Vec<_> = export
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "export_clause")
            .collect();
        for clause in clauses {
            let specifiers: Vec<_> = clause.named_children(&mut cursor).collect();
            for specifier in specifiers {
                if let Some(name) = specifier
                    .child_by_field_name("name")
                    .filter(|n| n.kind() == "identifier")
                {
                    self.export_clause_names.insert(self.text(name));
                }
            }
        }
    }

    fn enum_consts(&mut self, declaration: Node<'t>, enum_name: &'s str, exported: bool) {
        let Some(body) = declaration.child_by_field_name("body") else {
            return;
        };
        let mut cursor = body.walk();
        let members: Vec<_> = body.named_children(&mut cursor).collect();
        for &member in &members {
            let name = match member.kind() {
                "enum_assignment" => member.child_by_field_name("name"),
                _ => Some(member),
            };
            if let Some(member_name) = name.and_then(|n| self.property_key(n)) {
                self.add_member_name(enum_name, &member_name);
            }
        }
        for member in members
            .into_iter()
            .filter(|m| m.kind() == "enum_assignment")
        {
            let (Some(name), Some(value)) = (
                member.child_by_field_name("name"),
                member.child_by_field_name("value"),
            ) else {
                continue;
            };
            let Some(member_name) = self.property_key(name) else {
                continue;
            };
            let Some(value) = self.string_value(unwrap_expression(value)) else {
                continue;
            };
            self.facts.string_consts.push(StringConst {
                reference: Some(member_reference(enum_name, &member_name)),
                symbol: vec![enum_name.to_string(), member_name],
                value,
                exported,
                span: self.span(member),
                name_span: self.span(name),
                kind: ConstKind::Constant,
            });
        }
    }

    fn add_member_name(&mut self, container: &str, member: &str) {
        self.facts
            .member_names
            .push(format!("{container}.{member}"));
    }

    /// The fields and methods of a top-level class.
    fn class_members(&mut self, declaration: Node<'t>, class: &'s str) {
        let Some(body) = declaration.child_by_field_name("body") else {
            return;
        };
        let mut cursor = body.walk();
        let members: Vec<_> = body.named_children(&mut cursor).collect();
        for member in members {
            let name = member
                .child_by_field_name("name")
                .or_else(|| member.child_by_field_name("property"));
            if let Some(member_name) = name.and_then(|n| self.property_key(n)) {
                self.add_member_name(class, &member_name);
            }
        }
    }

    /// An object/enum key that names a constant: identifier or string literal.
    fn property_key(&self, key: Node) -> Option<String> {
        match key.kind() {
            "property_identifier" | "identifier" => Some(self.text(key).to_string()),
            "string" => self.string_value(key),
            _ => None,
        }
    }

    fn variable_declaration(&mut self, declaration: Node<'t>, statement: Node<'t>, exported: bool) {
        let is_const = declaration
            .child_by_field_name("kind")
            .is_some_and(|k| k.kind() == "const");
        let mut cursor = declaration.walk();
        let declarators: Vec<_> = declaration
            .named_children(&mut cursor)
            .filter(|d| d.kind() == "variable_declarator")
            .collect();
        let single = declarators.len() == 1;
        for declarator in declarators {
            let Some(name) = declarator.child_by_field_name("name") else {
                continue;
            };
            let mut names = Vec::new();
            self.binding_names(name, &mut names);
            for bound in names {
                self.add_module_name(bound);
            }
            if name.kind() != "identifier" {
                continue;
            }
            let mut roles = ValueRoles {
                consts: is_const,
                registry: false,
                list: false,
            };
            if self.definitions {
                let definitions = self.options.definitions;
                let text = self.text(name);
                roles.registry = definitions.is_registry(text);
                roles.list = is_const && definitions.is_list(text);
            }
            if !(roles.consts || roles.registry) {
                continue;
            }
            let Some(value) = declarator.child_by_field_name("value") else {
                continue;
            };
            let span_node = if single { statement } else { declarator };
            self.const_value(name, value, span_node, exported, roles);
        }
    }

    /// `const NAME = 'x'` or `const NAME = { A: 'a' }` (with `as const`, `satisfies`,
    /// `Object.freeze`); for a registry or list name also its keys / elements.
    fn const_value(
        &mut self,
        name: Node<'t>,
        value: Node<'t>,
        span_node: Node,
        exported: bool,
        roles: ValueRoles,
    ) {
        let const_name = self.text(name);
        let mut value = unwrap_expression(value);
        let mut frozen = false;
        if let Some(argument) = self.object_freeze_argument(value) {
            value = unwrap_expression(argument);
            frozen = true;
        }
        match value.kind() {
            "object" => return self.object_consts(const_name, value, exported, roles),
            "array" if roles.list => return self.list_keys(const_name, value),
            _ if frozen || !roles.consts => return,
            _ => {}
        }
        if let Some(string) = self.string_value(value) {
            self.facts.string_consts.push(StringConst {
                reference: Some(const_name.to_string()),
                symbol: vec![const_name.to_string()],
                value: string,
                exported,
                span: self.span(span_node),
                name_span: self.span(name),
                kind: ConstKind::Constant,
            });
        }
    }

    fn object_freeze_argument(&self, call: Node<'t>) -> Option<Node<'t>> {
        if call.kind() != "call_expression" {
            return None;
        }
        let function = call.child_by_field_name("function")?;
        let mut segments = Vec::new();
        match self.static_chain(function, &mut segments) {
            ChainEnd::Root if segments == ["Object", "freeze"] => {}
            _ => return None,
        }
        let arguments = call.child_by_field_name("arguments")?;
        let mut cursor = arguments.walk();
        let first = arguments
            .named_children(&mut cursor)
            .find(|a| a.kind() != "comment");
        first
    }

    /// The string-valued properties of `const OBJ = { ... }` (`roles.consts`) and, for a registry,
    /// every key (`roles.registry`), in source order.
    fn object_consts(
        &mut self,
        object_name: &'s str,
        object: Node<'t>,
        exported: bool,
        roles: ValueRoles,
    ) {
        let mut cursor = object.walk();
        let all: Vec<_> = object.named_children(&mut cursor).collect();
        for &entry in &all {
            let name = match entry.kind() {
                "pair" => entry.child_by_field_name("key"),
                "method_definition" => entry.child_by_field_name("name"),
                "shorthand_property_identifier" => {
                    self.add_member_name(object_name, self.text(entry));
                    None
                }
                _ => None,
            };
            if let Some(member_name) = name.and_then(|n| self.property_key(n)) {
                self.add_member_name(object_name, &member_name);
            }
        }
        let entries: Vec<_> = all
            .into_iter()
            .filter(|p| {
                p.kind() == "pair"
                    || (roles.registry && p.kind() == "shorthand_property_identifier")
            })
            .collect();
        for entry in entries {
            if entry.kind() == "shorthand_property_identifier" {
                // `{ newNav }`: a registry key (its value is a variable).
                self.push_definition(
                    ConstKind::RegistryKey,
                    vec![object_name],
                    self.text(entry).to_string(),
                    entry,
                    entry,
                );
                continue;
            }
            let Some(key) = entry.child_by_field_name("key") else {
                continue;
            };
            let Some(key_name) = self.property_key(key) else {
                continue;
            };
            if roles.consts {
                let value = entry
                    .child_by_field_name("value")
                    .and_then(|v| self.string_value(unwrap_expression(v)));
                if let Some(value) = value {
                    self.facts.string_consts.push(StringConst {
                        reference: Some(member_reference(object_name, &key_name)),
                        symbol: vec![object_name.to_string(), key_name.clone()],
                        value,
                        exported,
                        span: self.span(entry),
                        name_span: self.span(key),
                        kind: ConstKind::Constant,
                    });
                }
            }
            if roles.registry {
                self.push_definition(
                    ConstKind::RegistryKey,
                    vec![object_name],
                    key_name,
                    entry,
                    key,
                );
            }
        }
    }

    // ----- definition shapes -------------------------------------------------------------------

    /// Records a key declared by a definition shape: symbol `prefix + [key]`, value the key.
    fn push_definition(
        &mut self,
        kind: ConstKind,
        prefix: Vec<&str>,
        key: String,
        span: Node,
        name_span: Node,
    ) {
        let mut symbol: Vec<String> = prefix.into_iter().map(str::to_string).collect();
        symbol.push(key.clone());
        self.facts.string_consts.push(StringConst {
            symbol,
            value: key,
            exported: true,
            span: self.span(span),
            name_span: self.span(name_span),
            reference: None,
            kind,
        });
    }

    /// `const FLAGS = ['a', `b`, ['c', false]]`: string elements and the string first element of
    /// array elements.
    fn list_keys(&mut self, list_name: &'s str, array: Node<'t>) {
        let mut cursor = array.walk();
        let elements: Vec<_> = array
            .named_children(&mut cursor)
            .filter(|e| e.kind() != "comment")
            .collect();
        for element in elements {
            let inner = unwrap_expression(element);
            let literal = if inner.kind() == "array" {
                first_named(inner).map(unwrap_expression)
            } else {
                Some(inner)
            };
            let Some(literal) = literal else {
                continue;
            };
            if let Some(value) = self.string_value(literal) {
                self.push_definition(
                    ConstKind::ListElement,
                    vec![list_name],
                    value,
                    element,
                    literal,
                );
            }
        }
    }

    /// `type NAME = { a?: boolean }` or `interface NAME { a: boolean }` for a configured registry
    /// name: its property names.
    fn type_registry_keys(&mut self, declaration: Node<'t>, name: Node<'t>) {
        let registry = self.text(name);
        if !self.options.definitions.is_registry(registry) {
            return;
        }
        let Some(body) = declaration
            .child_by_field_name("value")
            .or_else(|| declaration.child_by_field_name("body"))
            .filter(|b| matches!(b.kind(), "object_type" | "interface_body"))
        else {
            return;
        };
        let mut cursor = body.walk();
        let properties: Vec<_> = body
            .named_children(&mut cursor)
            .filter(|p| p.kind() == "property_signature")
            .collect();
        for property in properties {
            let Some(key) = property.child_by_field_name("name") else {
                continue;
            };
            if let Some(key_name) = self.property_key(key) {
                self.push_definition(
                    ConstKind::RegistryKey,
                    vec![registry],
                    key_name,
                    property,
                    key,
                );
            }
        }
    }

    /// `type NAME = 'a' | 'b'` for a configured union name: its string literal members.
    fn union_keys(&mut self, declaration: Node<'t>, name: Node<'t>) {
        let union_name = self.text(name);
        if !self.options.definitions.is_union(union_name) {
            return;
        }
        let Some(value) = declaration.child_by_field_name("value") else {
            return;
        };
        let mut stack = vec![value];
        let mut members = Vec::new();
        while let Some(node) = stack.pop() {
            match node.kind() {
                "union_type" | "parenthesized_type" => {
                    let mut cursor = node.walk();
                    members.clear();
                    members.extend(
                        node.named_children(&mut cursor)
                            .filter(|c| c.kind() != "comment"),
                    );
                    stack.extend(members.drain(..).rev());
                }
                "literal_type" => {
                    let Some(literal) = first_named(node).filter(|l| l.kind() == "string") else {
                        continue;
                    };
                    if let Some(value) = self.string_value(literal) {
                        self.push_definition(
                            ConstKind::UnionMember,
                            vec![union_name],
                            value,
                            node,
                            literal,
                        );
                    }
                }
                "template_literal_type" => {
                    let mut cursor = node.walk();
                    let plain = node
                        .named_children(&mut cursor)
                        .all(|c| c.kind() == "string_fragment" || c.kind() == "escape_sequence");
                    if plain {
                        if let Some(value) = decode_quoted(self.text(node)) {
                            self.push_definition(
                                ConstKind::UnionMember,
                                vec![union_name],
                                value,
                                node,
                                node,
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A call matching a configured registration with a string literal key.
    fn registration(&mut self, call: Node<'t>) {
        let Some(function) = call.child_by_field_name("function") else {
            return;
        };
        let last = match function.kind() {
            "identifier" => function,
            "member_expression" => match function.child_by_field_name("property") {
                Some(property) => property,
                None => return,
            },
            _ => return,
        };
        let last = self.text(last);
        let definitions = self.options.definitions;
        if !definitions.is_registration_candidate(last) {
            return;
        }
        let Some(arguments) = call
            .child_by_field_name("arguments")
            .filter(|a| a.kind() == "arguments")
        else {
            return;
        };
        let mut segments = Vec::new();
        let chain: Vec<&str> = match self.static_chain(function, &mut segments) {
            ChainEnd::Root => segments.iter().map(|s| s.as_ref()).collect(),
            ChainEnd::Broken(_) => vec![last],
        };
        let Some(position) = definitions
            .registration(&chain)
            .and_then(|key| key.position)
        else {
            return;
        };
        let mut cursor = arguments.walk();
        let mut key = None;
        for (index, arg) in arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind() != "comment")
            .enumerate()
        {
            if arg.kind() == "spread_element" {
                break;
            }
            if index == position {
                key = Some(arg);
                break;
            }
        }
        let Some(literal) = key.map(unwrap_expression) else {
            return;
        };
        let Some(value) = self.string_value(literal) else {
            return;
        };
        // `export const NAME = defineFlag('key')` at the top level: the constant is `NAME`.
        let named = binding_of(call, "variable_declarator", "value", "name").filter(|(d, _)| {
            d.parent().and_then(|l| l.parent()).is_some_and(|p| {
                p.kind() == "program"
                    || (p.kind() == "export_statement"
                        && p.parent().is_some_and(|q| q.kind() == "program"))
            })
        });
        match named {
            Some((declarator, name)) => {
                self.facts.string_consts.push(StringConst {
                    symbol: vec![self.text(name).to_string()],
                    value,
                    exported: true,
                    span: self.span(declarator),
                    name_span: self.span(name),
                    reference: None,
                    kind: ConstKind::Registration,
                });
            }
            None => self.push_definition(ConstKind::Registration, Vec::new(), value, call, literal),
        }
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

/// One node of a condition, for [`flow::condition`].
fn condition_node<'t>(node: Node<'t>, source: &str) -> CondNode<Node<'t>> {
    let unary = |operand, negates| CondNode::Unary { operand, negates };
    let inner = unwrap_test_operand(node);
    if inner != node {
        return unary(inner, false);
    }
    match node.kind() {
        "unary_expression" if operator(node) == Some("!") => {
            match node.child_by_field_name("argument") {
                Some(argument) => unary(argument, true),
                None => CondNode::Leaf,
            }
        }
        "binary_expression" => {
            let (Some(left), Some(right)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) else {
                return CondNode::Leaf;
            };
            match operator(node) {
                Some(op @ ("&&" | "||")) => CondNode::Junction {
                    any: op == "||",
                    operands: [left, right],
                },
                Some(op @ ("===" | "==" | "!==" | "!=")) => {
                    let (operand, literal) = match (
                        unwrap_parentheses(left).kind(),
                        unwrap_parentheses(right).kind(),
                    ) {
                        (_, literal @ ("true" | "false")) => (left, literal),
                        (literal @ ("true" | "false"), _) => (right, literal),
                        _ => return CondNode::Leaf,
                    };
                    let equals = matches!(op, "===" | "==");
                    unary(operand, equals == (literal == "false"))
                }
                _ => CondNode::Leaf,
            }
        }
        "call_expression" => {
            let callee = node
                .child_by_field_name("function")
                .and_then(|f| member_names(f, source));
            let arguments: Vec<Node> = node
                .child_by_field_name("arguments")
                .filter(|a| a.kind() == "arguments")
                .map(|a| {
                    let mut cursor = a.walk();
                    let named = a.named_children(&mut cursor);
                    named.filter(|a| a.kind() != "comment").collect()
                })
                .unwrap_or_default();
            match (callee, &arguments[..]) {
                (Some(callee), &[argument]) if argument.kind() != "spread_element" => {
                    CondNode::Call { callee, argument }
                }
                _ => CondNode::Leaf,
            }
        }
        _ => CondNode::Leaf,
    }
}

/// The names of a callee that is an identifier or a chain of named members: `f`, `a.b.f`.
fn member_names(callee: Node, source: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut current = callee;
    while current.kind() == "member_expression" {
        let property = current
            .child_by_field_name("property")
            .filter(|p| p.kind() == "property_identifier")?;
        names.push(source[property.byte_range()].to_string());
        current = current.child_by_field_name("object")?;
    }
    (current.kind() == "identifier").then(|| {
        names.push(source[current.byte_range()].to_string());
        names.reverse();
        names
    })
}

/// `Flags.NEW_NAV`, or `Flags["new-nav"]` when the member is not an identifier.
fn member_reference(owner: &str, member: &str) -> String {
    let identifier = member
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && member
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    if identifier {
        format!("{owner}.{member}")
    } else {
        format!("{owner}[{}]", serde_json::Value::from(member))
    }
}

/// What a ternary's value holds: `null` and `undefined` are nothing.
fn value_body(value: Node) -> Body {
    match unwrap_parentheses(value).kind() {
        "null" | "undefined" => Body::Empty,
        _ => Body::Code,
    }
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

/// Marks the children just pushed for a fork candidate: its condition as a condition, everything
/// else (the branches) as inside the fork `index`.
fn mark_branches(pushed: &mut [Item<'_, '_>], condition: Option<Node<'_>>, index: usize) {
    let condition_id = condition.map(|c| c.id());
    for pending in pushed {
        if Some(pending.node.id()) == condition_id {
            pending.cond = true;
        } else {
            pending.branch = Some(index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Fork;
    use crate::lang::{test_extract, with_test_options, CheckSpec, Grammar, Language};

    const ISENABLED: usize = 2;

    fn run(source: &str, tsx: bool) -> FileFacts {
        test_extract(
            if tsx {
                Grammar::Tsx
            } else {
                Grammar::TypeScript
            },
            Language::TypeScript,
            &[
                "get_flag_for_user:1",
                "flag_is_active:name",
                "isEnabled:0",
                "features.includes:0",
                "useFlag:0",
            ],
            &["BINARY_INTERFACE", "FeatureFlags", "X"],
            source,
        )
    }

    fn ts(source: &str) -> FileFacts {
        run(source, false)
    }

    fn tsx(source: &str) -> FileFacts {
        run(source, true)
    }

    fn keys(facts: &FileFacts) -> Vec<KeyExpr> {
        facts.checks.iter().map(|c| c.key.clone()).collect()
    }

    fn key(source: &str) -> Option<KeyExpr> {
        let facts = ts(source);
        assert!(facts.checks.len() <= 1, "{:?}", facts.checks);
        facts.checks.first().map(|c| c.key.clone())
    }

    fn uses(facts: &FileFacts) -> Vec<String> {
        facts.symbol_uses.iter().map(|u| u.path.join(".")).collect()
    }

    fn consts(facts: &FileFacts) -> Vec<(String, String, bool)> {
        facts
            .string_consts
            .iter()
            .map(|c| (c.symbol.join("."), c.value.clone(), c.exported))
            .collect()
    }

    fn imports(facts: &FileFacts) -> Vec<(String, String, Option<String>, bool)> {
        facts
            .imports
            .iter()
            .map(|i| {
                let ModuleRef::Js(module) = &i.module else {
                    panic!("not a JS module: {:?}", i.module);
                };
                (i.local.clone(), module.clone(), i.name.clone(), i.reexport)
            })
            .collect()
    }

    fn c(symbol: &str, value: &str, exported: bool) -> (String, String, bool) {
        (symbol.into(), value.into(), exported)
    }

    fn imp(
        local: &str,
        module: &str,
        name: Option<&str>,
        re: bool,
    ) -> (String, String, Option<String>, bool) {
        (local.into(), module.into(), name.map(Into::into), re)
    }

    fn lit(value: &str) -> KeyExpr {
        KeyExpr::Literal(value.into())
    }

    fn path(segments: &[&str]) -> KeyExpr {
        KeyExpr::Path(segments.iter().map(|s| s.to_string()).collect())
    }

    fn dynamic(text: &str) -> KeyExpr {
        KeyExpr::Dynamic(text.into())
    }

    // ----- string constants ---------------------------------------------------------------

    #[test]
    fn enum_string_members() {
        let facts = ts(
            "export enum E { A = 'a', B = \"b\", N = 1, C, 'D-x' = 'd' }\n\
                        const enum F { G = 'g' }\n\
                        declare enum H { I = 'i' }\n\
                        export const enum J { K = 'k' }\n\
                        export declare enum L { M = 'm' }",
        );
        assert_eq!(
            consts(&facts),
            vec![
                c("E.A", "a", true),
                c("E.B", "b", true),
                c("E.D-x", "d", true),
                c("F.G", "g", false),
                c("H.I", "i", false),
                c("J.K", "k", true),
                c("L.M", "m", true),
            ]
        );
    }

    #[test]
    fn enum_spans() {
        let facts = ts("enum E {\n  A = 'a',\n}");
        let constant = &facts.string_consts[0];
        assert_eq!((constant.span.line, constant.span.column), (2, 3));
        assert_eq!((constant.span.end_line, constant.span.end_column), (2, 10));
        assert_eq!(
            (constant.name_span.column, constant.name_span.end_column),
            (3, 4)
        );
    }

    #[test]
    fn enum_with_interpolated_template_is_skipped() {
        let facts = ts("enum E { A = `a${x}`, B = `b` }");
        assert_eq!(consts(&facts), vec![c("E.B", "b", false)]);
    }

    #[test]
    fn object_constants() {
        let facts = ts(
            "export const FLAGS = { A: 'a', 'B-c': \"b\", [k]: 'x', ...s, m() {}, \
                        n: { a: 'b' }, X, num: 1, 1: 'one', t: `t` } as const;",
        );
        assert_eq!(
            consts(&facts),
            vec![
                c("FLAGS.A", "a", true),
                c("FLAGS.B-c", "b", true),
                c("FLAGS.t", "t", true)
            ]
        );
        let pair = &facts.string_consts[0];
        assert_eq!((pair.span.column, pair.span.end_column), (24, 30));
        assert_eq!((pair.name_span.column, pair.name_span.end_column), (24, 25));
    }

    #[test]
    fn object_constant_wrappers() {
        let facts = ts("const A1 = Object.freeze({ A: 'a' });\n\
                        const A2: Record<string, string> = { B: 'b' };\n\
                        const A3 = { C: 'c' } satisfies Record<string, string>;\n\
                        const A4 = Object.freeze({ D: 'd' } as const);\n\
                        const A5 = ({ E: 'e' as const });\n\
                        const A6 = Object.freeze('no');\n\
                        const A7 = other({ F: 'f' });");
        assert_eq!(
            consts(&facts),
            vec![
                c("A1.A", "a", false),
                c("A2.B", "b", false),
                c("A3.C", "c", false),
                c("A4.D", "d", false),
                c("A5.E", "e", false),
            ]
        );
    }

    #[test]
    fn plain_string_constants() {
        let facts = ts("export const A = 'a';\n\
                        const B: string = \"b\\n\\t\\\\\\'\\\"\";\n\
                        const C = 'c' as const;\n\
                        let D = 'd';\n\
                        var E = 'e';\n\
                        const F = `f${x}`;\n\
                        const G = 1;\n\
                        const H = 'h' + 'i';\n\
                        const I = `i`;\n\
                        declare const J = 'j';");
        assert_eq!(
            consts(&facts),
            vec![
                c("A", "a", true),
                c("B", "b\n\t\\'\"", false),
                c("C", "c", false),
                c("I", "i", false),
                c("J", "j", false),
            ]
        );
        let a = &facts.string_consts[0];
        assert_eq!((a.span.column, a.span.end_column), (1, 22));
        assert_eq!((a.name_span.column, a.name_span.end_column), (14, 15));
    }

    #[test]
    fn multiple_declarators_use_declarator_spans() {
        let facts = ts("const A = 'a', B = 'b';");
        assert_eq!(consts(&facts), vec![c("A", "a", false), c("B", "b", false)]);
        let b = &facts.string_consts[1];
        assert_eq!((b.span.column, b.span.end_column), (16, 23));
    }

    #[test]
    fn escapes_are_decoded() {
        let facts = ts(r"const A = '\x41\u0042\u{43}\0\q\
d';");
        assert_eq!(consts(&facts), vec![c("A", "ABC\0qd", false)]);
    }

    #[test]
    fn nested_constants_are_not_definitions() {
        let facts = ts("function f() { const A = 'a'; enum E { B = 'b' } }\n\
                        class K { static C = 'c'; }\n\
                        if (x) { const D = 'd'; }\n\
                        namespace N { export const E = 'e'; }");
        assert!(facts.string_consts.is_empty(), "{:?}", facts.string_consts);
    }

    #[test]
    fn export_clause_marks_constants_exported() {
        let facts = ts(
            "const A = 'a';\nconst OBJ = { B: 'b' };\nenum E { C = 'c' }\n\
                        const NOT = 'n';\nexport { A, OBJ as X };\nexport { E };",
        );
        assert_eq!(
            consts(&facts),
            vec![
                c("A", "a", true),
                c("OBJ.B", "b", true),
                c("E.C", "c", true),
                c("NOT", "n", false),
            ]
        );
    }

    #[test]
    fn export_default_object_is_skipped() {
        let facts = ts("export default { A: 'a' };");
        assert!(facts.string_consts.is_empty());
    }

    // ----- module names -------------------------------------------------------------------

    #[test]
    fn module_names_cover_every_top_level_binding() {
        let facts = ts("import D, { A as B } from './m';\n\
                        import * as ns from './ns';\n\
                        import R = require('r');\n\
                        export { Q } from './q';\n\
                        function f() { const inner = 1; }\n\
                        function* gen() {}\n\
                        export default function dflt() {}\n\
                        class K {}\n\
                        abstract class AK {}\n\
                        interface I {}\n\
                        type T = string;\n\
                        enum E {}\n\
                        const { x, y: [z], ...rest } = obj;\n\
                        let l = 1, m;\n\
                        var v;\n\
                        export const ex = 1;\n\
                        declare const amb: string;\n\
                        namespace N.M {}\n\
                        module Mod {}\n\
                        function over(a: string): void;\n\
                        const f = 2;\n\
                        window.notBound = 1;");
        assert_eq!(
            facts.module_names,
            vec![
                "D", "B", "ns", "R", "f", "gen", "dflt", "K", "AK", "I", "T", "E", "x", "z",
                "rest", "l", "m", "v", "ex", "amb", "N", "Mod", "over"
            ]
        );
    }

    // ----- imports ------------------------------------------------------------------------

    #[test]
    fn import_forms() {
        let facts = ts(
            "import D, { A as B, type T, C, default as Z, \"x-y\" as W } from './m';\n\
                        import * as ns from \"@/hooks/useFeatureFlags/types\";\n\
                        import type TT from 'tt';\n\
                        import 'side-effect';\n\
                        import R = require('req');",
        );
        assert_eq!(
            imports(&facts),
            vec![
                imp("D", "./m", Some("default"), false),
                imp("B", "./m", Some("A"), false),
                imp("T", "./m", Some("T"), false),
                imp("C", "./m", Some("C"), false),
                imp("Z", "./m", Some("default"), false),
                imp("W", "./m", Some("x-y"), false),
                imp("ns", "@/hooks/useFeatureFlags/types", None, false),
                imp("TT", "tt", Some("default"), false),
                imp("R", "req", None, false),
            ]
        );
        let b = &facts.imports[1];
        assert_eq!((b.span.line, b.span.column, b.span.end_column), (1, 13, 19));
        assert!(facts.imports.iter().all(|i| i.scope.is_empty()));
    }

    #[test]
    fn reexports() {
        let facts = ts("export { A, B as C, default } from './a';\n\
                        export * from './all';\n\
                        export * as ns from './ns';\n\
                        export { D };");
        assert_eq!(
            imports(&facts),
            vec![
                imp("A", "./a", Some("A"), true),
                imp("C", "./a", Some("B"), true),
                imp("default", "./a", Some("default"), true),
                imp("*", "./all", None, true),
                imp("ns", "./ns", None, true),
            ]
        );
        assert!(facts.module_names.is_empty(), "{:?}", facts.module_names);
    }

    #[test]
    fn commonjs_requires_anywhere() {
        let facts = ts("const flags = require('./flags');\n\
                        const { A, B: C, D = 1 } = require('./consts');\n\
                        function f() { const inner = require('inner'); }\n\
                        const notRequire = load('./x');\n\
                        const dynamic = require(path);");
        assert_eq!(
            imports(&facts),
            vec![
                imp("flags", "./flags", None, false),
                imp("A", "./consts", Some("A"), false),
                imp("C", "./consts", Some("B"), false),
                imp("D", "./consts", Some("D"), false),
                imp("inner", "inner", None, false),
            ]
        );
    }

    #[test]
    fn imports_inside_ambient_modules() {
        let facts = ts("declare module 'x' { import { A } from 'a'; }");
        assert_eq!(imports(&facts), vec![imp("A", "a", Some("A"), false)]);
        assert!(facts.module_names.is_empty());
    }

    // ----- checks: keys -------------------------------------------------------------------

    #[test]
    fn literal_keys() {
        assert_eq!(key("isEnabled('a-b')"), Some(lit("a-b")));
        assert_eq!(key("isEnabled(\"a\\tb\")"), Some(lit("a\tb")));
        assert_eq!(key("isEnabled(`tpl`)"), Some(lit("tpl")));
    }

    #[test]
    fn path_keys() {
        assert_eq!(key("isEnabled(NEW_UI)"), Some(path(&["NEW_UI"])));
        assert_eq!(
            key("isEnabled(FeatureFlags.NEW_UI)"),
            Some(path(&["FeatureFlags", "NEW_UI"]))
        );
        assert_eq!(key("isEnabled(a.b.C)"), Some(path(&["a", "b", "C"])));
        assert_eq!(
            key("isEnabled(FLAGS['X-y'])"),
            Some(path(&["FLAGS", "X-y"]))
        );
        assert_eq!(key("isEnabled(FLAGS[\"Y\"])"), Some(path(&["FLAGS", "Y"])));
        assert_eq!(
            key("isEnabled(FeatureFlags?.X)"),
            Some(path(&["FeatureFlags", "X"]))
        );
        assert_eq!(key("isEnabled(F?.['X'])"), Some(path(&["F", "X"])));
    }

    #[test]
    fn wrapped_path_keys_are_unwrapped() {
        assert_eq!(key("isEnabled(X as Foo)"), Some(path(&["X"])));
        assert_eq!(key("isEnabled(X!)"), Some(path(&["X"])));
        assert_eq!(key("isEnabled((X))"), Some(path(&["X"])));
        assert_eq!(key("isEnabled(<Foo>X)"), Some(path(&["X"])));
        assert_eq!(key("isEnabled(F.X satisfies T)"), Some(path(&["F", "X"])));
        assert_eq!(
            key("isEnabled(((F.X as A)!) as B)"),
            Some(path(&["F", "X"]))
        );
        assert_eq!(key("isEnabled(F!.X)"), Some(path(&["F", "X"])));
        assert_eq!(key("isEnabled('lit' as const)"), Some(lit("lit")));
    }

    #[test]
    fn dynamic_keys() {
        assert_eq!(
            key("isEnabled(`a${b}`)"),
            Some(dynamic("a template literal"))
        );
        assert_eq!(
            key("isEnabled('a' + b)"),
            Some(dynamic("a string concatenation"))
        );
        assert_eq!(key("isEnabled(a || b)"), Some(dynamic("an expression")));
        assert_eq!(
            key("isEnabled(f())"),
            Some(dynamic("a function call result"))
        );
        assert_eq!(
            key("isEnabled(c ? 'a' : 'b')"),
            Some(dynamic("a conditional expression"))
        );
        assert_eq!(key("isEnabled(list[0])"), Some(dynamic("a subscript")));
        assert_eq!(key("isEnabled(f().X)"), Some(dynamic("an expression")));
        assert_eq!(
            key("isEnabled(this.flag)"),
            Some(dynamic("a member of `this`"))
        );
        assert_eq!(key("isEnabled(42)"), Some(dynamic("an expression")));
        assert_eq!(
            key("isEnabled(...keys)"),
            Some(dynamic("a spread argument"))
        );
        assert_eq!(
            key("get_flag_for_user(...args, X)"),
            Some(dynamic("a spread argument"))
        );
    }

    #[test]
    fn parameters_are_parameters() {
        let facts = ts("function f(key: string, { k2, a: k3 }, [k4] = [], ...k5) {\n\
                          isEnabled(key); isEnabled(k2); isEnabled(k3); isEnabled(k4); isEnabled(k5);\n\
                          isEnabled(a);\n\
                        }\n\
                        const g = k => isEnabled(k);\n\
                        const h = function (k?: string) { return () => isEnabled(k); };\n\
                        class C { m(flag) { isEnabled(flag); } constructor(private p: string) { isEnabled(p); } }\n\
                        isEnabled(key);");
        assert_eq!(
            keys(&facts),
            vec![
                KeyExpr::Parameter("key".to_string()),
                KeyExpr::Parameter("k2".to_string()),
                KeyExpr::Parameter("k3".to_string()),
                KeyExpr::Parameter("k4".to_string()),
                KeyExpr::Parameter("k5".to_string()),
                path(&["a"]),
                KeyExpr::Parameter("k".to_string()),
                KeyExpr::Parameter("k".to_string()),
                KeyExpr::Parameter("flag".to_string()),
                KeyExpr::Parameter("p".to_string()),
                path(&["key"]),
            ]
        );
    }

    #[test]
    fn parameter_member_chain_is_a_path() {
        assert_eq!(
            key("function f(o) { isEnabled(o.flag) }"),
            Some(path(&["o", "flag"]))
        );
    }

    #[test]
    fn missing_key_argument_is_not_a_check() {
        let facts = ts("isEnabled(); get_flag_for_user(user); useFlag`x`; new isEnabled(X);");
        assert!(facts.checks.is_empty(), "{:?}", facts.checks);
    }

    #[test]
    fn keyword_only_spec_never_matches_in_typescript() {
        let facts = ts("flag_is_active(request, 'x'); flag_is_active('x');");
        assert!(facts.checks.is_empty());
    }

    #[test]
    fn second_position_and_spans() {
        let facts = ts("const v = client.get_flag_for_user(user, 'flag');");
        let check = &facts.checks[0];
        assert_eq!(check.spec, 0);
        assert_eq!(check.key, lit("flag"));
        assert_eq!((check.span.column, check.span.end_column), (11, 49));
        assert_eq!((check.key_span.column, check.key_span.end_column), (42, 48));
        assert!(!check.in_test && check.scope.is_empty());
    }

    #[test]
    fn multi_line_call() {
        let facts = ts("isEnabled(\n  FeatureFlags.A,\n)");
        let check = &facts.checks[0];
        assert_eq!((check.span.line, check.span.end_line), (1, 3));
        assert_eq!((check.key_span.line, check.key_span.column), (2, 3));
    }

    // ----- checks: callees ----------------------------------------------------------------

    #[test]
    fn callee_forms() {
        let facts = ts("isEnabled('a');\n\
                        flags.isEnabled('b');\n\
                        a.b.c.isEnabled('c');\n\
                        getClient().isEnabled('d');\n\
                        x[0].isEnabled('e');\n\
                        a?.isEnabled('f');\n\
                        isEnabled?.('g');\n\
                        this.client.isEnabled('h');\n\
                        isEnabled<string>('i');");
        assert_eq!(
            keys(&facts),
            ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
                .map(lit)
                .to_vec()
        );
        assert!(facts.checks.iter().all(|c| c.spec == ISENABLED));
    }

    #[test]
    fn multi_segment_specs_match_by_suffix() {
        let facts = ts("features.includes('a');\n\
                        this.features.includes('b');\n\
                        app.features.includes('c');\n\
                        includes('no');\n\
                        list.includes('no');\n\
                        getFeatures().includes('no');\n\
                        features['x'].includes('no');");
        assert_eq!(keys(&facts), vec![lit("a"), lit("b"), lit("c")]);
        assert!(facts.checks.iter().all(|c| c.spec == 3));
    }

    #[test]
    fn nested_calls_are_found() {
        let facts = tsx("export const C = () => (\n\
                           <div hidden={!useFlag('jsx')} onClick={() => isEnabled(`cb`)}>\n\
                             {wrap(isEnabled(FeatureFlags.A), [isEnabled('arr')], { k: isEnabled('obj') })}\n\
                           </div>\n\
                         );\n\
                         @dec(isEnabled('deco')) class K { f = isEnabled('field'); m(a = isEnabled('default')) {} }\n\
                         if (isEnabled('if') && !get_flag_for_user(u, 'neg')) {}");
        assert_eq!(
            keys(&facts),
            vec![
                lit("jsx"),
                lit("cb"),
                path(&["FeatureFlags", "A"]),
                lit("arr"),
                lit("obj"),
                lit("deco"),
                lit("field"),
                lit("default"),
                lit("if"),
                lit("neg"),
            ]
        );
    }

    #[test]
    fn self_recursion_is_skipped() {
        let facts = ts(
            "function isEnabled(key) { return isEnabled(key) || other(isEnabled); }\n\
                        export const useFlag = (k) => { const f = () => useFlag(k); return f; };\n\
                        class S { isEnabled(k) { return this.inner.isEnabled(k); } }\n\
                        const o = { isEnabled: function (k) { return client.isEnabled(k); } };\n\
                        function caller() { return isEnabled('kept'); }",
        );
        assert_eq!(keys(&facts), vec![lit("kept")]);
    }

    // ----- symbol uses --------------------------------------------------------------------

    #[test]
    fn uses_of_imports_and_interesting_names() {
        let facts = ts("import { Flags } from './flags';\n\
                        import * as ns from './ns';\n\
                        wrap(Flags.A.b, ns.c, X, other.X, other.Y, FeatureFlags);\n\
                        return Flags;");
        assert_eq!(
            uses(&facts),
            vec!["Flags.A.b", "ns.c", "X", "other.X", "FeatureFlags", "Flags"]
        );
        let first = &facts.symbol_uses[0];
        assert_eq!(
            (first.span.line, first.span.column, first.span.end_column),
            (3, 6, 15)
        );
        assert!(facts
            .symbol_uses
            .iter()
            .all(|u| !u.in_test && u.scope.is_empty()));
    }

    #[test]
    fn use_before_import_statement() {
        let facts = ts("const v = Flags.A;\nimport { Flags } from './flags';");
        assert_eq!(uses(&facts), vec!["Flags.A"]);
    }

    #[test]
    fn subscript_and_optional_chains() {
        let facts = ts("import { F } from './f';\n\
                        a(F['x-y'], F?.A?.['b'], F.A[i].B, F[i], F!.C);");
        assert_eq!(uses(&facts), vec!["F.x-y", "F.A.b", "F.A", "F", "F.C"]);
    }

    #[test]
    fn chains_stop_at_calls() {
        let facts = ts("import { F } from './f';\n\
                        F.a().b; F.get(X).c; foo().X; foo().FeatureFlags.Y;");
        assert_eq!(uses(&facts), vec!["F.a", "F.get", "X"]);
    }

    #[test]
    fn check_keys_are_not_uses_but_dynamic_keys_are_visited() {
        let facts = ts("import { F } from './f';\n\
                        isEnabled(F.A);\n\
                        isEnabled(FeatureFlags['B']);\n\
                        isEnabled(c ? F.C : X);\n\
                        other(F.D);");
        assert_eq!(uses(&facts), vec!["F.C", "X", "F.D"]);
    }

    #[test]
    fn callee_chains_are_uses() {
        let facts = ts("import * as flags from './flags';\nflags.isEnabled('x');");
        assert_eq!(uses(&facts), vec!["flags.isEnabled"]);
    }

    #[test]
    fn binding_positions_are_not_uses() {
        let facts = ts("import { X as Y } from './x';\n\
                        const X = 1;\n\
                        let { X: a, b = X, ...FeatureFlags } = o;\n\
                        enum E { X = 'x', Z = X }\n\
                        const o2 = { X: 1, FeatureFlags: X, [X]: 2 };\n\
                        function X2(X, { FeatureFlags }, q = X) {}\n\
                        class FeatureFlags { X = 1; X2() {} }\n\
                        interface I { X: string }\n\
                        type T = typeof X;\n\
                        namespace X {}\n\
                        for (const X of list) {}\n\
                        try {} catch (X) {}\n\
                        X = 2;\n\
                        FeatureFlags.X = 3;\n\
                        export { X };");
        // `b = X` (default), `Z = X` (enum value), `FeatureFlags: X` (property value),
        // `[X]` (computed key) and `q = X` (parameter default) are expressions.
        assert_eq!(uses(&facts), vec!["X", "X", "X", "X", "X"]);
        let columns: Vec<_> = facts.symbol_uses.iter().map(|u| u.span.line).collect();
        assert_eq!(columns, vec![3, 4, 5, 5, 6]);
    }

    #[test]
    fn type_positions_are_skipped() {
        let facts = ts("import { F } from './f';\n\
                        let a: F.X = b as F.Y;\n\
                        function f<T extends F>(p: F): F { return p satisfies F; }\n\
                        type A = F;\n\
                        interface B extends F { x: F }\n\
                        call<F>(1);\n\
                        class K implements F {}\n\
                        let z = <F>y;");
        assert!(facts.symbol_uses.is_empty(), "{:?}", uses(&facts));
    }

    #[test]
    fn class_heritage_is_an_expression() {
        let facts = ts("import { Base } from './b';\nclass K extends Base.Inner {}");
        assert_eq!(uses(&facts), vec!["Base.Inner"]);
    }

    #[test]
    fn import_and_export_statements_are_not_uses() {
        let facts =
            ts("import { X } from './x';\nexport { X };\nexport { FeatureFlags } from './f';");
        assert!(facts.symbol_uses.is_empty(), "{:?}", uses(&facts));
    }

    #[test]
    fn jsx_and_default_values_and_shorthand() {
        let facts = tsx("import { Gate } from './gate';\n\
                         const C = ({ v = FeatureFlags.A }) => <Gate.Item flag={FeatureFlags.B}>{X}</Gate.Item>;\n\
                         const o = { X };\n\
                         export default X;");
        assert_eq!(
            uses(&facts),
            vec![
                "FeatureFlags.A",
                "Gate.Item",
                "FeatureFlags.B",
                "X",
                "X",
                "X"
            ]
        );
    }

    #[test]
    fn this_chains_need_an_interesting_segment() {
        let facts = ts("this.FeatureFlags.A; this.other.B;");
        assert_eq!(uses(&facts), vec!["this.FeatureFlags.A"]);
    }

    // ----- robustness ---------------------------------------------------------------------

    #[test]
    fn syntax_error_recovery() {
        let facts = ts("import { F } from './f';\n\
                        const A = 'a';\n\
                        const b = ) ;\n\
                        isEnabled(F.B);\n\
                        const C = 'c';");
        assert_eq!(facts.syntax_errors.len(), 1, "{:?}", facts.syntax_errors);
        let error = &facts.syntax_errors[0];
        assert_eq!(error.span.line, 3);
        assert_eq!(error.message, "Unexpected token");
        assert_eq!(consts(&facts), vec![c("A", "a", false), c("C", "c", false)]);
        assert_eq!(keys(&facts), vec![path(&["F", "B"])]);
        assert_eq!(facts.imports.len(), 1);
    }

    #[test]
    fn missing_tokens_are_reported() {
        let facts = ts("if (isEnabled('a') { b }");
        assert_eq!(keys(&facts), vec![lit("a")]);
        assert!(
            facts
                .syntax_errors
                .iter()
                .any(|e| e.message == "Expected `)` but found `{`"),
            "{:?}",
            facts.syntax_errors
        );
    }

    #[test]
    fn valid_code_the_grammar_rejects_is_not_an_error() {
        // Each of these leaves ERROR nodes in tree-sitter-typescript's tree.
        for source in [
            "let as = src[0];",
            "const module = await importOriginal<typeof import(\"m\")>();",
            "const B = styled.span<{ yellow?: boolean }>`color: red;`;",
            "export type * as Terser from 'terser';",
            "class Box<in out T> {}",
            "function f() { using handle = open(); }",
        ] {
            let facts = ts(source);
            assert!(
                facts.syntax_errors.is_empty(),
                "{source}: {:?}",
                facts.syntax_errors
            );
        }
        for source in [
            "const a = <a href=\"/p?a=1&b=2\">x</a>;",
            "const b = <h3>Light & dark</h3>;",
        ] {
            let facts = tsx(source);
            assert!(
                facts.syntax_errors.is_empty(),
                "{source}: {:?}",
                facts.syntax_errors
            );
        }
    }

    #[test]
    fn deep_input_with_an_error_does_not_overflow() {
        // Under the reference parser's depth limit: it runs on its deep stack.
        let depth = reference::MAX_OXC_DEPTH / 2;
        for (open, close) in [
            ("(", ")"),
            ("[", "]"),
            ("a ? b : ", ""),
            ("x => ", ""),
            ("<i>", "</i>"),
        ] {
            let source = format!(
                "f({}X{});\nconst = ;",
                open.repeat(depth),
                close.repeat(depth)
            );
            let facts = tsx(&source);
            assert!(!facts.syntax_errors.is_empty(), "{open}");
        }
        // Over it: tree-sitter's errors are kept.
        let depth = reference::MAX_OXC_DEPTH * 50;
        let source = format!("f({}X{});\nconst = ;", "(".repeat(depth), ")".repeat(depth));
        assert!(!ts(&source).syntax_errors.is_empty());
    }

    #[test]
    fn at_most_twenty_syntax_errors() {
        let source = "const = ;\nisEnabled('x');\n".repeat(50);
        let facts = ts(&source);
        assert!(!facts.syntax_errors.is_empty());
        assert!(facts.syntax_errors.len() <= MAX_SYNTAX_ERRORS);
        assert_eq!(facts.checks.len(), 50);
    }

    #[test]
    fn errors_inside_types_are_reported() {
        let facts = ts("let a: Map<string, = 1;\nconst B = 'b';");
        assert!(!facts.syntax_errors.is_empty());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 100_000;
        let source = format!("isEnabled({}X{});", "(".repeat(depth), ")".repeat(depth));
        let facts = ts(&source);
        assert_eq!(keys(&facts), vec![path(&["X"])]);
        let arrays = format!(
            "f({}FeatureFlags.A{});",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        assert_eq!(uses(&ts(&arrays)), vec!["FeatureFlags.A"]);
        let calls = format!("isEnabled({}1{});", "f(".repeat(depth), ")".repeat(depth));
        assert_eq!(keys(&ts(&calls)), vec![dynamic("a function call result")]);
    }

    /// Nodes the walk of `source` took off its stack, and nodes in the tree.
    fn walk_counts(source: &str) -> (usize, usize) {
        let tree = parse(source, false, budget::for_len(source.len())).unwrap();
        let visits = with_test_options(Language::TypeScript, &["isEnabled:0"], &[], |options| {
            walk_tree(&tree, source, options).visits
        });
        let mut cursor = tree.walk();
        let mut nodes = 1;
        'walk: loop {
            if cursor.goto_first_child() || cursor.goto_next_sibling() {
                nodes += 1;
                continue;
            }
            while cursor.goto_parent() {
                if cursor.goto_next_sibling() {
                    nodes += 1;
                    continue 'walk;
                }
            }
            break;
        }
        (visits, nodes)
    }

    #[test]
    fn each_node_is_visited_at_most_once() {
        // A syntax error deep inside nested calls: the arguments of every enclosing call were
        // walked again, once per enclosing call.
        for depth in [1_000, 4_000] {
            let source = format!(
                "{}{} a {}",
                "isEnabled(".repeat(depth),
                ")".repeat(depth / 2),
                ")".repeat(depth / 2)
            );
            let (visits, nodes) = walk_counts(&source);
            assert!(visits <= nodes, "{depth}: {visits} visits of {nodes} nodes");
            let facts = ts(&source);
            // The innermost call holds the error.
            assert_eq!(facts.checks.len(), depth - 1);
            assert_eq!(facts.syntax_errors.len(), 1);
        }
        let (visits, nodes) = walk_counts("isEnabled('a'); f(isEnabled(X), [1, 2]);");
        assert!(visits <= nodes);
    }

    #[test]
    fn a_parse_over_budget_is_one_whole_file_error() {
        let source = "isEnabled('a');\n".repeat(500);
        let facts = with_test_options(Language::TypeScript, &["isEnabled:0"], &[], |options| {
            extract_within(&source, true, options, Duration::ZERO)
        });
        assert!(facts.checks.is_empty());
        assert_eq!(facts.syntax_errors.len(), 1);
        assert!(facts.syntax_errors[0].whole_file);
        assert!(facts.syntax_errors[0].message.contains("file not parsed"));
        // The thread's parser is ready for the next file.
        assert_eq!(ts(&source).checks.len(), 500);
    }

    #[test]
    fn long_member_chain_does_not_overflow() {
        let length = 100_000;
        let source = format!(
            "FeatureFlags{};\nisEnabled(a{});",
            ".b".repeat(length),
            ".c".repeat(length)
        );
        let facts = ts(&source);
        assert_eq!(facts.symbol_uses.len(), 1);
        assert_eq!(facts.symbol_uses[0].path.len(), length + 1);
        match &keys(&facts)[0] {
            KeyExpr::Path(segments) => assert_eq!(segments.len(), length + 1),
            other => panic!("{other:?}"),
        }
        let calls = format!("x{}.isEnabled('k');", ".f()".repeat(length));
        assert_eq!(keys(&ts(&calls)), vec![lit("k")]);
    }

    #[test]
    fn non_ascii_columns_are_characters() {
        let facts = ts("const s = 'héllo wörld'; isEnabled('é');");
        let check = &facts.checks[0];
        assert_eq!(check.span.column, 26);
        assert_eq!(check.key_span.column, 36);
        assert_eq!(check.key, lit("é"));
    }

    #[test]
    fn garbage_does_not_panic() {
        let inputs = [
            "",
            "\0\u{1}\u{2}\u{fffd}",
            "'unterminated",
            "`unterminated ${",
            "import { from",
            "export {",
            "enum E { A = ",
            "const O = { A: ",
            "isEnabled(FLAGS[",
            "}}}}))))]]]]",
            "<<<<>>>>",
            "😀 isEnabled('😀') 😀",
            "\\u{",
            "const A = '\\u{110000}\\x\\u12';",
        ];
        for input in inputs {
            ts(input);
            tsx(input);
        }
        let weird = ts("const A = '\\u{110000}\\x\\u12';");
        assert_eq!(consts(&weird), vec![c("A", "u{110000}xu12", false)]);
    }

    #[test]
    fn every_prefix_of_a_rich_file_is_handled() {
        let source = "import D, { A as B } from './m';\nexport * from 'x';\n\
                      export enum E { A = 'a\\u{41}' }\nconst O = Object.freeze({ K: `k` } as const);\n\
                      function f(key, { k } = {}) { return isEnabled(key) && isEnabled(B.C['d']); }\n\
                      const el = <Foo a={FeatureFlags.X}>{useFlag(`t${x}`)}</Foo>;\n\
                      class K extends B.Base<T> { m(x: T = X): void { get_flag_for_user(u, 'é'); } }\n";
        for (end, _) in source.char_indices() {
            ts(&source[..end]);
            tsx(&source[..end]);
        }
        assert_eq!(tsx(source).checks.len(), 4);
    }

    #[test]
    fn tsx_and_typescript_grammars() {
        // `<T>x` is a type assertion in .ts but JSX in .tsx.
        assert_eq!(key("isEnabled(<Foo>X)"), Some(path(&["X"])));
        let facts = tsx("const e = <Foo x={isEnabled('a')} />;");
        assert_eq!(keys(&facts), vec![lit("a")]);
        assert!(facts.syntax_errors.is_empty());
        assert!(!ts("const e = <Foo x={isEnabled('a')} />;")
            .syntax_errors
            .is_empty());
    }

    #[test]
    fn javascript_via_tsx() {
        let facts = tsx("const { isEnabled } = require('./flags');\n\
                         module.exports = function check(user) { return isEnabled(FLAGS.A) && isEnabled(user); };");
        assert_eq!(
            keys(&facts),
            vec![
                path(&["FLAGS", "A"]),
                KeyExpr::Parameter("user".to_string())
            ]
        );
        assert_eq!(
            imports(&facts),
            vec![imp("isEnabled", "./flags", Some("isEnabled"), false)]
        );
    }

    #[test]
    fn facts_are_in_source_order() {
        let facts = ts("isEnabled('a'); wrap(isEnabled('b'), isEnabled('c')); isEnabled(isEnabled('d') ? 'x' : 'y');\n\
                        isEnabled('e');");
        assert_eq!(
            keys(&facts),
            vec![
                lit("a"),
                lit("b"),
                lit("c"),
                dynamic("a conditional expression"),
                lit("d"),
                lit("e")
            ]
        );
    }

    #[test]
    fn parser_is_reused_across_calls() {
        for _ in 0..3 {
            assert_eq!(ts("isEnabled('a')").checks.len(), 1);
            assert_eq!(tsx("isEnabled('a')").checks.len(), 1);
        }
    }

    // ----- forks ---------------------------------------------------------------------------

    fn forks(source: &str) -> Vec<Fork> {
        ts(source).forks
    }

    fn kinds(forks: &[Fork]) -> Vec<ForkKind> {
        forks.iter().map(|f| f.kind).collect()
    }

    fn parents(forks: &[Fork]) -> Vec<Option<usize>> {
        forks.iter().map(|f| f.parent).collect()
    }

    fn negated(condition: &str) -> bool {
        let source = format!("const on = isEnabled('on');\nif ({condition}) {{ go(); }}");
        let forks = forks(&source);
        assert_eq!(forks.len(), 1, "{condition}: {forks:?}");
        forks[0].negated
    }

    fn compound(condition: &str) -> bool {
        let source = format!("const on = isEnabled('on');\nif ({condition}) {{ go(); }}");
        let forks = forks(&source);
        assert_eq!(forks.len(), 1, "{condition}: {forks:?}");
        forks[0].compound
    }

    fn exits(body: &str) -> bool {
        let source = format!("function f() {{ for (;;) {{ if (isEnabled('a')) {body} }} }}");
        let forks = forks(&source);
        assert_eq!(forks.len(), 1, "{body}: {forks:?}");
        forks[0].exits_early
    }

    #[test]
    fn fork_if_else_with_direct_check() {
        let facts = ts("if (isEnabled('a')) { a(); } else { b(); }");
        assert_eq!(facts.forks.len(), 1);
        let fork = &facts.forks[0];
        assert_eq!(fork.kind, ForkKind::If);
        assert_eq!(fork.checks, vec![0]);
        assert!(fork.has_else);
        assert!(!fork.negated && !fork.compound && !fork.exits_early);
        assert!(!fork.chain_head_is_flag);
        assert_eq!(fork.parent, None);
    }

    #[test]
    fn ordinary_ifs_produce_no_fork() {
        let facts = ts("if (x) { isEnabled('a'); } else if (y && z) { b(); }\n\
                        const v = a ? isEnabled('b') : c;\n\
                        if (FeatureFlags.X) {}\n\
                        if (isEnabled) {}\n\
                        while (isEnabled('w')) {}");
        assert_eq!(facts.checks.len(), 3);
        assert!(facts.forks.is_empty(), "{:?}", facts.forks);
    }

    #[test]
    fn fork_via_check_local() {
        let facts = ts("const isOn = isEnabled(F.X);\nif (isOn) { a(); }\nconst v = isOn ? 1 : 2;");
        assert_eq!(kinds(&facts.forks), vec![ForkKind::If, ForkKind::Ternary]);
        assert_eq!(facts.forks[0].checks, vec![0]);
        assert_eq!(facts.forks[1].checks, vec![0]);
        // `let`, `await`, parentheses and type wrappers around the check call.
        let wrapped = forks(
            "async function f() {\n\
               let a = await isEnabled('a');\n\
               const b = (isEnabled('b'));\n\
               const c = (await (isEnabled('c'))) as boolean;\n\
               if (a) {} if (b) {} if (c) {}\n\
             }",
        );
        assert_eq!(wrapped.len(), 3);
        // Declared without a value, assigned once.
        assert_eq!(forks("let on;\non = isEnabled('a');\nif (on) {}").len(), 1);
    }

    #[test]
    fn local_assigned_twice_is_not_a_check_local() {
        let cases = [
            "let on = isEnabled('a');\non = false;\nif (on) {}",
            "let on = isEnabled('a');\nif (on) {}\non = other();",
            "let on = isEnabled('a');\non ||= x;\nif (on) {}",
            "let on = isEnabled('a');\non++;\nif (on) {}",
            "let on = isEnabled('a');\n[on] = xs;\nif (on) {}",
            "let on = isEnabled('a');\nfor (on of xs) {}\nif (on) {}",
            "const on = isEnabled('a');\n{ const on = other(); }\nif (on) {}",
            "let on = isEnabled('a');\nfunction g() { on = false; }\nif (on) {}",
            "var on = isEnabled('a');\nvar on = isEnabled('b');\nif (on) {}",
            "const on = other(isEnabled('a'));\nif (on) {}",
            "const on = isEnabled;\nif (on) {}",
            "const on = isEnabled('a') && x;\nif (on) {}",
            "const { on } = isEnabled('a');\nif (on) {}",
        ];
        for case in cases {
            assert!(forks(case).is_empty(), "{case}");
        }
    }

    #[test]
    fn parameter_is_not_a_check_local() {
        assert!(forks("function f(on) { on = isEnabled('a'); if (on) {} }").is_empty());
        assert!(forks("const f = (on) => { on = isEnabled('a'); if (on) {} };").is_empty());
        // A parameter shadows an outer check local.
        assert!(forks("const on = isEnabled('a');\nfunction f(on) { if (on) {} }").is_empty());
        assert!(forks("const on = isEnabled('a');\nconst f = ({ on }) => on ? 1 : 2;").is_empty());
        // A local of another function with the same name does not count.
        assert!(forks("function f() { const on = isEnabled('a'); }\nif (on) {}").is_empty());
    }

    #[test]
    fn check_local_read_from_a_nested_function() {
        let forks = forks(
            "function f() {\n\
               const on = isEnabled('a');\n\
               return items.map((x) => (on ? x : null));\n\
             }",
        );
        assert_eq!(kinds(&forks), vec![ForkKind::Ternary]);
        assert_eq!(forks[0].checks, vec![0]);
    }

    #[test]
    fn fork_checks_reference_the_right_checks() {
        let facts = ts("isEnabled('zero');\n\
                        const b = isEnabled('one');\n\
                        if (isEnabled('two') || b || isEnabled('three') || b) {}\n\
                        if (x && wrap(isEnabled('four'))) {}");
        assert_eq!(facts.forks.len(), 2);
        assert_eq!(facts.forks[0].checks, vec![1, 2, 3]);
        assert_eq!(facts.forks[1].checks, vec![4]);
        assert_eq!(facts.checks[4].key, lit("four"));
        // Other configured checks count too.
        let facts = ts("if (features.includes('x')) {} if (useFlag('y')) {}");
        assert_eq!(facts.forks.len(), 2);
        assert_eq!(facts.forks[1].checks, vec![1]);
    }

    #[test]
    fn negated_forms() {
        for condition in [
            "!on",
            "!isEnabled('a')",
            "!(on)",
            "(!(isEnabled('a')))",
            "on === false",
            "on == false",
            "on !== true",
            "on != true",
            "false === on",
            "false == isEnabled('a')",
            "true !== on",
            "true != (on)",
            "!!!on",
            "!(on === true)",
            "!(await isEnabled('a'))",
        ] {
            assert!(negated(condition), "{condition}");
        }
    }

    #[test]
    fn not_negated_forms() {
        for condition in [
            "on",
            "!!on",
            "!!isEnabled('a')",
            "on === true",
            "on == true",
            "on !== false",
            "true === on",
            "!(on === false)",
            "!(on && x)",
            "!on && x",
            "on === 'on'",
            "on == \"on\"",
            "!wrap(on)",
            "on === null",
        ] {
            assert!(!negated(condition), "{condition}");
        }
    }

    #[test]
    fn compound_forms() {
        for condition in [
            "on && x",
            "x || on",
            "(x && (y || !isEnabled('a')))",
            "!(on && x)",
            "!!(x || on)",
            "a && (b || (c && on))",
        ] {
            assert!(compound(condition), "{condition}");
        }
        for condition in [
            "on",
            "!on",
            "on === false",
            "wrap(on && x)",
            "on ?? x",
            "(on ?? x) === true",
            "on === (a && b)",
        ] {
            assert!(!compound(condition), "{condition}");
        }
        // A boolean condition without any flag test is no fork at all.
        assert!(forks("if (x && y) {}").is_empty());
    }

    #[test]
    fn has_else_on_chains() {
        let facts = ts("if (isEnabled('a')) {} else {}\n\
                        if (isEnabled('b')) {}\n\
                        if (isEnabled('c')) {} else if (isEnabled('d')) {} else {}\n\
                        if (isEnabled('e')) {} else if (isEnabled('f')) {}");
        let summary: Vec<(ForkKind, bool)> =
            facts.forks.iter().map(|f| (f.kind, f.has_else)).collect();
        assert_eq!(
            summary,
            vec![
                (ForkKind::If, true),
                (ForkKind::If, false),
                (ForkKind::If, true),
                (ForkKind::ElseIf, true),
                (ForkKind::If, true),
                (ForkKind::ElseIf, false),
            ]
        );
    }

    #[test]
    fn branch_bodies() {
        let source = "function f() {\n\
                      if (!isEnabled('a')) return null;\n\
                      if (!isEnabled('b')) { console.warn('off'); return; }\n\
                      if (isEnabled('c')) { logger.info('x'); } else { ; }\n\
                      if (isEnabled('d')) { a(); } else if (x) { b(); }\n\
                      const v = !isEnabled('e') ? null : <New />;\n\
                      const w = isEnabled('f') ? a : undefined;\n\
                      }";
        assert_eq!(
            flow::describe_bodies(&forks(source)),
            "Exit, Exit, Log/Empty, Code, Empty/Code, Code/Empty"
        );
    }

    #[test]
    fn then_branch_taken_without_the_flag() {
        let without = |condition: &str| {
            let forks = forks(&format!(
                "const on = isEnabled('k');\nif ({condition}) {{ a(); }}"
            ));
            forks.len() == 1 && forks[0].then_without_flag
        };
        flow::check_without(
            without,
            &[
                ("on || x", true),
                ("isEnabled('j') || x", true),
                ("!(!on && x)", true),
                ("on && x", false),
                ("on === false && x", false),
                ("!(on || x)", false),
            ],
        );
    }

    #[test]
    fn exits_early_statements() {
        assert!(exits("{ return; }"));
        assert!(exits("{ a(); return 1; }"));
        assert!(exits("{ throw new Error('x'); }"));
        assert!(exits("{ continue; }"));
        assert!(exits("{ break; }"));
        assert!(exits("{ a(); break; // done\n }"));
        assert!(exits("return;"));
        assert!(exits("throw e;"));
        assert!(exits("continue;"));
        assert!(exits("break;"));
        assert!(!exits("{ return; a(); }"));
        assert!(!exits("{ a(); }"));
        assert!(!exits("{ }"));
        assert!(!exits("a();"));
        assert!(!exits("{ if (x) return; }"));
        assert!(!exits("{ return; } else { a(); }"));
        assert!(!exits("return; else a();"));
        assert!(!exits("{ return; } else if (x) { return; }"));
        // The last link of a chain may exit early; a ternary never does.
        let facts = ts(
            "function f() { if (x) {} else if (isEnabled('a')) { return; } }\n\
                        const v = isEnabled('b') ? 1 : 2;",
        );
        assert_eq!(
            kinds(&facts.forks),
            vec![ForkKind::ElseIf, ForkKind::Ternary]
        );
        assert!(facts.forks[0].exits_early);
        assert!(!facts.forks[1].exits_early);
    }

    #[test]
    fn chain_head_is_flag() {
        let facts = ts("if (isEnabled('a')) {} else if (isEnabled('b')) {} else if (x) {} else if (isEnabled('c')) {}\n\
                        if (x) {} else if (isEnabled('d')) {}");
        assert_eq!(
            kinds(&facts.forks),
            vec![
                ForkKind::If,
                ForkKind::ElseIf,
                ForkKind::ElseIf,
                ForkKind::ElseIf
            ]
        );
        let heads: Vec<bool> = facts.forks.iter().map(|f| f.chain_head_is_flag).collect();
        assert_eq!(heads, vec![false, true, true, false]);
        assert_eq!(parents(&facts.forks), vec![None, None, None, None]);
    }

    #[test]
    fn parent_then_and_else_branches() {
        let facts = ts("if (isEnabled('a')) {\n\
                          if (isEnabled('b')) {}\n\
                        } else {\n\
                          if (isEnabled('c')) {}\n\
                          if (x) { if (isEnabled('d')) {} }\n\
                        }\n\
                        if (isEnabled('e')) g(); else if (isEnabled('f')) h();");
        assert_eq!(
            parents(&facts.forks),
            vec![None, Some(0), Some(0), Some(0), None, None]
        );
    }

    #[test]
    fn parent_of_else_if_is_the_head_parent() {
        let facts = ts("if (isEnabled('a')) {\n\
                          if (isEnabled('b')) {} else if (isEnabled('c')) {} else if (isEnabled('d')) {}\n\
                          if (x) {} else if (isEnabled('e')) {}\n\
                        }");
        assert_eq!(
            kinds(&facts.forks),
            vec![
                ForkKind::If,
                ForkKind::If,
                ForkKind::ElseIf,
                ForkKind::ElseIf,
                ForkKind::ElseIf
            ]
        );
        assert_eq!(
            parents(&facts.forks),
            vec![None, Some(0), Some(0), Some(0), Some(0)]
        );
    }

    #[test]
    fn parent_inside_else_if_body() {
        let facts = ts("if (isEnabled('a')) {\n\
                        } else if (isEnabled('b')) {\n\
                          if (isEnabled('c')) {}\n\
                        } else {\n\
                          if (isEnabled('d')) {}\n\
                        }");
        assert_eq!(parents(&facts.forks), vec![None, None, Some(1), Some(1)]);
        // An else-if that is not a fork: the previous link's else-branch holds the body.
        let facts = ts("if (isEnabled('a')) {\n\
                        } else if (x) {\n\
                          if (isEnabled('c')) {}\n\
                        }\n\
                        if (y) {} else if (z) { if (isEnabled('d')) {} }");
        assert_eq!(parents(&facts.forks), vec![None, Some(0), None]);
    }

    #[test]
    fn parent_of_ternary_in_branch_and_ternary_branches() {
        let facts = ts("if (isEnabled('a')) {\n\
                          const v = isEnabled('b') ? (isEnabled('c') ? 1 : 2) : isEnabled('d') ? 3 : 4;\n\
                        }");
        assert_eq!(
            kinds(&facts.forks),
            vec![
                ForkKind::If,
                ForkKind::Ternary,
                ForkKind::Ternary,
                ForkKind::Ternary
            ]
        );
        assert_eq!(parents(&facts.forks), vec![None, Some(0), Some(1), Some(1)]);
    }

    #[test]
    fn parent_not_from_condition() {
        let facts = ts(
            "if (isEnabled('a') ? x : y) {\n\
                          if (isEnabled('b')) {}\n\
                        }\n\
                        if (isEnabled('c') && ((() => { if (isEnabled('d')) {} return 1; })())) {}",
        );
        assert_eq!(
            kinds(&facts.forks),
            vec![
                ForkKind::If,
                ForkKind::Ternary,
                ForkKind::If,
                ForkKind::If,
                ForkKind::If
            ]
        );
        assert_eq!(parents(&facts.forks), vec![None, None, Some(0), None, None]);
        assert!(facts.forks[3].compound);
    }

    #[test]
    fn parent_stops_at_named_functions_not_arrows() {
        let facts = ts("if (isEnabled('a')) {\n\
                          function inner() { if (isEnabled('b')) {} }\n\
                          const g = function () { if (isEnabled('c')) {} };\n\
                          class K { m() { if (isEnabled('d')) {} } p = isEnabled('e') ? 1 : 2; }\n\
                          const o = { m() { if (isEnabled('f')) {} } };\n\
                          const h = () => { if (isEnabled('g')) {} };\n\
                          items.forEach((x) => isEnabled('h') ? x : null);\n\
                        }");
        assert_eq!(
            parents(&facts.forks),
            vec![None, None, None, None, None, None, Some(0), Some(0)]
        );
    }

    #[test]
    fn ternaries_in_both_grammars() {
        for facts in [
            ts("const on = useFlag('a');\nconst v = on ? 1 : 2;"),
            tsx("const on = useFlag('a');\nconst v = <div>{on ? <A /> : <B />}</div>;"),
            tsx("const v = <div>{!useFlag('a') ? <A /> : null}</div>;"),
        ] {
            assert_eq!(facts.forks.len(), 1, "{:?}", facts.forks);
            let fork = &facts.forks[0];
            assert_eq!(fork.kind, ForkKind::Ternary);
            assert_eq!(fork.checks, vec![0]);
            assert!(fork.has_else && !fork.exits_early && !fork.chain_head_is_flag);
        }
        assert!(tsx("const v = <div>{!useFlag('a') ? <A /> : null}</div>;").forks[0].negated);
        // JavaScript is parsed as TSX.
        let facts = tsx("if (useFlag('a')) { render(<A />); } else { x(); }");
        assert_eq!(kinds(&facts.forks), vec![ForkKind::If]);
    }

    #[test]
    fn fork_spans() {
        let facts = ts("function f() {\n  if (isEnabled('a')) {\n    x();\n  } else if (\n    isEnabled('b')\n  ) {}\n  const v = héé || isEnabled('c') ? 1 : 2;\n}");
        let spans: Vec<(u32, u32, u32, u32)> = facts
            .forks
            .iter()
            .map(|f| {
                (
                    f.span.line,
                    f.span.column,
                    f.span.end_line,
                    f.span.end_column,
                )
            })
            .collect();
        assert_eq!(spans, vec![(2, 3, 2, 22), (4, 10, 6, 4), (7, 13, 7, 34)]);
        let source = "x; if (isEnabled('a')) {}";
        let fork = &ts(source).forks[0];
        assert_eq!(
            &source[fork.span.start as usize..fork.span.end as usize],
            "if (isEnabled('a'))"
        );
    }

    #[test]
    fn forks_survive_syntax_errors() {
        let facts = ts("if (isEnabled('a')) { x( }\nconst = ;\nif (isEnabled('b')) {}");
        assert!(!facts.syntax_errors.is_empty());
        assert!(facts
            .forks
            .iter()
            .any(|f| f.checks.contains(&(facts.checks.len() - 1))));
        // No condition at all: no panic.
        let _ = ts("if");
        let _ = ts("if () {} else if");
        let _ = ts("x ? : ;");
    }

    #[test]
    fn deep_nested_if_chain_does_not_overflow() {
        let depth = 10_000;
        let source = format!(
            "{}{}",
            "if (isEnabled('a')) {\n".repeat(depth),
            "}\n".repeat(depth)
        );
        let facts = ts(&source);
        assert_eq!(facts.forks.len(), depth);
        assert_eq!(facts.forks[0].parent, None);
        assert_eq!(facts.forks[depth - 1].parent, Some(depth - 2));
        assert!(facts.forks.iter().all(|f| f.kind == ForkKind::If));
    }

    #[test]
    fn long_else_if_chain_does_not_overflow() {
        let length = 10_000;
        let source = format!(
            "if (isEnabled('a')) {{}}{} else {{ if (isEnabled('z')) {{}} }}",
            " else if (isEnabled('b')) {}".repeat(length)
        );
        let facts = ts(&source);
        assert_eq!(facts.forks.len(), length + 2);
        assert!(facts.forks[1..=length]
            .iter()
            .all(|f| f.kind == ForkKind::ElseIf
                && f.chain_head_is_flag
                && f.parent.is_none()
                && f.has_else));
        assert_eq!(facts.forks[length + 1].parent, Some(length));
        let ternaries = format!("const v = {}0;", "isEnabled('a') ? 1 : ".repeat(length));
        let facts = ts(&ternaries);
        assert_eq!(facts.forks.len(), length);
        assert_eq!(facts.forks[length - 1].parent, Some(length - 2));
    }

    // ----- check shapes besides calls --------------------------------------------------------

    const PROPERTY: usize = 0;
    const FEATURE: usize = 1;
    const GATE: usize = 2;
    const HOOK: usize = 3;
    const CALL: usize = 4;
    const SHORT_PROPERTY: usize = 5;

    fn shape_spec(call: &str, shape: Shape) -> CheckSpec {
        CheckSpec {
            call: call.split('.').map(str::to_string).collect(),
            shape,
            key: crate::lang::KeyArg {
                position: Some(0),
                keyword: None,
            },
            ..CheckSpec::default()
        }
    }

    fn shape_specs() -> Vec<CheckSpec> {
        vec![
            shape_spec("config.featureToggles", Shape::Property),
            shape_spec(
                "Feature",
                Shape::Jsx {
                    prop: "flag".into(),
                },
            ),
            shape_spec(
                "FeatureGate",
                Shape::Jsx {
                    prop: "features".into(),
                },
            ),
            shape_spec("useFlags", Shape::Destructure),
            shape_spec("isEnabled", Shape::Call),
            shape_spec("flags", Shape::Property),
        ]
    }

    fn shaped_with(grammar: Grammar, source: &str) -> FileFacts {
        crate::lang::test_extract_specs(
            grammar,
            Language::TypeScript,
            shape_specs(),
            &["X", "FeatureFlags"],
            source,
        )
    }

    fn shaped(source: &str) -> FileFacts {
        shaped_with(Grammar::Tsx, source)
    }

    /// `(spec, key, span text, key span text)` of every check.
    fn sites(source: &str, facts: &FileFacts) -> Vec<(usize, KeyExpr, String, String)> {
        let text = |span: &Span| source[span.start as usize..span.end as usize].to_string();
        facts
            .checks
            .iter()
            .map(|c| (c.spec, c.key.clone(), text(&c.span), text(&c.key_span)))
            .collect()
    }

    fn site(
        spec: usize,
        key: KeyExpr,
        span: &str,
        key_span: &str,
    ) -> (usize, KeyExpr, String, String) {
        (spec, key, span.to_string(), key_span.to_string())
    }

    fn shape_sites(source: &str) -> Vec<(usize, KeyExpr, String, String)> {
        sites(source, &shaped(source))
    }

    #[test]
    fn property_chains_with_literal_keys() {
        let source = "const a = config.featureToggles.newNav;\n\
                      const b = window.config.featureToggles?.darkMode;\n\
                      const c = config.featureToggles['new-nav'];\n\
                      const d = config?.featureToggles?.[\"e\"];\n\
                      const e = config.featureToggles!.f;\n\
                      const g = config.featureToggles[`tpl`];\n\
                      use(config.featureToggles.arg, { v: config.featureToggles.value });";
        assert_eq!(
            shape_sites(source),
            vec![
                site(
                    PROPERTY,
                    lit("newNav"),
                    "config.featureToggles.newNav",
                    "newNav"
                ),
                site(
                    PROPERTY,
                    lit("darkMode"),
                    "window.config.featureToggles?.darkMode",
                    "darkMode"
                ),
                site(
                    PROPERTY,
                    lit("new-nav"),
                    "config.featureToggles['new-nav']",
                    "'new-nav'"
                ),
                site(
                    PROPERTY,
                    lit("e"),
                    "config?.featureToggles?.[\"e\"]",
                    "\"e\""
                ),
                site(PROPERTY, lit("f"), "config.featureToggles!.f", "f"),
                site(
                    PROPERTY,
                    lit("tpl"),
                    "config.featureToggles[`tpl`]",
                    "`tpl`"
                ),
                site(PROPERTY, lit("arg"), "config.featureToggles.arg", "arg"),
                site(
                    PROPERTY,
                    lit("value"),
                    "config.featureToggles.value",
                    "value"
                ),
            ]
        );
    }

    #[test]
    fn property_spans_are_positions() {
        let facts = shaped("x;\n  const on = config.featureToggles['a'];");
        let check = &facts.checks[0];
        assert_eq!((check.span.line, check.span.column), (2, 14));
        assert_eq!((check.span.end_line, check.span.end_column), (2, 40));
        assert_eq!((check.key_span.column, check.key_span.end_column), (36, 39));
        assert!(!check.in_test && check.scope.is_empty());
    }

    #[test]
    fn property_computed_keys_are_read_like_arguments() {
        let source = "a = config.featureToggles[name];\n\
                      b = config.featureToggles[FLAGS.X];\n\
                      c = config.featureToggles[`x${y}`];\n\
                      d = config.featureToggles[0];\n\
                      function on(flag) { return config.featureToggles[flag]; }";
        assert_eq!(
            shape_sites(source),
            vec![
                site(
                    PROPERTY,
                    KeyExpr::Path(vec!["name".into()]),
                    "config.featureToggles[name]",
                    "name"
                ),
                site(
                    PROPERTY,
                    KeyExpr::Path(vec!["FLAGS".into(), "X".into()]),
                    "config.featureToggles[FLAGS.X]",
                    "FLAGS.X"
                ),
                site(
                    PROPERTY,
                    dynamic("a computed property"),
                    "config.featureToggles[`x${y}`]",
                    "`x${y}`"
                ),
                site(
                    PROPERTY,
                    dynamic("a computed property"),
                    "config.featureToggles[0]",
                    "0"
                ),
                site(
                    PROPERTY,
                    KeyExpr::Parameter("flag".into()),
                    "config.featureToggles[flag]",
                    "flag"
                ),
            ]
        );
        // A constant index is the key, not also a symbol use; a dynamic index is an expression.
        let facts = shaped("a = config.featureToggles[FeatureFlags.A];");
        assert!(uses(&facts).is_empty());
        let facts = shaped("a = config.featureToggles[FeatureFlags.A + x];");
        assert_eq!(uses(&facts), vec!["FeatureFlags.A"]);
    }

    #[test]
    fn property_chains_after_a_call_or_this_match_by_their_static_members() {
        let source = "a = getConfig().flags.beta;\n\
                      b = this.flags.gamma;\n\
                      c = getConfig().featureToggles.delta;\n\
                      d = list[0].flags['eps'];";
        assert_eq!(
            shape_sites(source),
            vec![
                site(
                    SHORT_PROPERTY,
                    lit("beta"),
                    "getConfig().flags.beta",
                    "beta"
                ),
                site(SHORT_PROPERTY, lit("gamma"), "this.flags.gamma", "gamma"),
                site(SHORT_PROPERTY, lit("eps"), "list[0].flags['eps']", "'eps'"),
            ]
        );
    }

    #[test]
    fn property_look_alikes_are_not_checks() {
        let source = "const t = config.featureToggles;\n\
                      const u = config.featureToggles.newNav.enabled;\n\
                      config.featureToggles.has('x');\n\
                      config.featureToggles['get']('y');\n\
                      config.featureToggles.newNav = true;\n\
                      config.featureToggles['other'] += 1;\n\
                      config.featureToggles.count++;\n\
                      --config.featureToggles['n'];\n\
                      [config.featureToggles.z] = values;\n\
                      settings.featureToggles.a;\n\
                      featureToggles.b;\n\
                      config.featureTogglesX.c;\n\
                      featureToggles.config.d;\n\
                      config.featureToggles[name].enabled;\n\
                      // config.featureToggles.e\n\
                      const s = 'config.featureToggles.f';\n\
                      const tpl = `config.featureToggles.g`;\n\
                      let typed: typeof config.featureToggles.h;\n\
                      const { config: { featureToggles: i } } = all;\n\
                      const obj = { config: { featureToggles: { j: 1 } } };";
        assert_eq!(shape_sites(source), vec![]);
        assert_eq!(
            sites(source, &shaped_with(Grammar::TypeScript, source)),
            vec![]
        );
    }

    #[test]
    fn property_checks_in_conditions_are_forks() {
        let facts = shaped("if (!config.featureToggles.newNav) { a(); } else { b(); }");
        assert_eq!(facts.checks.len(), 1);
        assert_eq!(facts.forks.len(), 1);
        assert_eq!(facts.forks[0].checks, vec![0]);
        assert!(facts.forks[0].negated);
        let facts = shaped("const v = config.featureToggles['x'] && ok ? 1 : 2;");
        assert_eq!(facts.forks.len(), 1);
        assert!(facts.forks[0].compound);
    }

    #[test]
    fn property_checks_keep_symbol_uses() {
        let source = "import { config } from './config';\nconfig.featureToggles.a;";
        let facts = shaped(source);
        assert_eq!(facts.checks.len(), 1);
        assert_eq!(uses(&facts), vec!["config.featureToggles.a"]);
    }

    #[test]
    fn jsx_literal_keys_and_spans() {
        let source = "const v = (\n  <main>\n    <Feature flag=\"new_checkout\">\n      <Checkout />\n    </Feature>\n\
                      <Flags.Feature flag={'quoted'} />\n\
                      <Feature flag={`tpl`} other=\"x\"></Feature>\n\
                      <Feature other=\"x\" flag='single' />\n\
                      </main>\n);";
        assert_eq!(
            shape_sites(source),
            vec![
                site(
                    FEATURE,
                    lit("new_checkout"),
                    "<Feature flag=\"new_checkout\">",
                    "\"new_checkout\""
                ),
                site(
                    FEATURE,
                    lit("quoted"),
                    "<Flags.Feature flag={'quoted'} />",
                    "'quoted'"
                ),
                site(
                    FEATURE,
                    lit("tpl"),
                    "<Feature flag={`tpl`} other=\"x\">",
                    "`tpl`"
                ),
                site(
                    FEATURE,
                    lit("single"),
                    "<Feature other=\"x\" flag='single' />",
                    "'single'"
                ),
            ]
        );
        let facts = shaped(source);
        let check = &facts.checks[0];
        assert_eq!((check.span.line, check.span.column), (3, 5));
        assert_eq!((check.key_span.line, check.key_span.column), (3, 19));
    }

    #[test]
    fn jsx_path_keys_are_not_symbol_uses() {
        let source = "x = <Feature flag={FeatureFlags.NEW_NAV}>{FeatureFlags.SHOWN}</Feature>;\n\
                      y = <Feature flag={X} />;\n\
                      z = <Feature flag={FLAGS['dark-mode'] as string} />;";
        assert_eq!(
            shape_sites(source),
            vec![
                site(
                    FEATURE,
                    path(&["FeatureFlags", "NEW_NAV"]),
                    "<Feature flag={FeatureFlags.NEW_NAV}>",
                    "FeatureFlags.NEW_NAV"
                ),
                site(FEATURE, path(&["X"]), "<Feature flag={X} />", "X"),
                site(
                    FEATURE,
                    path(&["FLAGS", "dark-mode"]),
                    "<Feature flag={FLAGS['dark-mode'] as string} />",
                    "FLAGS['dark-mode'] as string"
                ),
            ]
        );
        assert_eq!(uses(&shaped(source)), vec!["FeatureFlags.SHOWN"]);
        // Without the shape, the same expressions are ordinary uses.
        assert_eq!(
            uses(&tsx(source)),
            vec!["FeatureFlags.NEW_NAV", "FeatureFlags.SHOWN", "X"]
        );
    }

    #[test]
    fn jsx_arrays_give_one_check_per_element() {
        let source =
            "<FeatureGate features={[\"reports_v2\", ...more, FeatureFlags.B, pick(), 'c']} />";
        let span = source;
        assert_eq!(
            shape_sites(source),
            vec![
                site(GATE, lit("reports_v2"), span, "\"reports_v2\""),
                site(GATE, path(&["FeatureFlags", "B"]), span, "FeatureFlags.B"),
                site(GATE, dynamic("a function call result"), span, "pick()"),
                site(GATE, lit("c"), span, "'c'"),
            ]
        );
        assert!(uses(&shaped(source)).is_empty());
        assert_eq!(shape_sites("<FeatureGate features={[]} />"), vec![]);
        let with_const = "<FeatureGate features={['a'] as const} />";
        assert_eq!(
            shape_sites(with_const),
            vec![site(GATE, lit("a"), with_const, "'a'")]
        );
    }

    #[test]
    fn jsx_dynamic_keys() {
        let source = "function Gate({ flag }) {\n\
                      return <>\n\
                      <Feature flag={flag} />\n\
                      <Feature flag={on ? 'a' : 'b'} />\n\
                      <Feature flag={`x-${y}`} />\n\
                      <Feature flag={'a' + b} />\n\
                      <Feature flag={{}} />\n\
                      <Feature flag={flags} />\n\
                      <Feature flag={FeatureFlags.all[i]} />\n\
                      <Feature flag={} />\n\
                      <Feature flag />\n\
                      <Feature flag=<b /> />\n\
                      </>;\n}";
        let found: Vec<(KeyExpr, String)> = shape_sites(source)
            .into_iter()
            .map(|(_, key, _, key_span)| (key, key_span))
            .collect();
        let expected = [
            (KeyExpr::Parameter("flag".to_string()), "flag"),
            (dynamic("a conditional expression"), "on ? 'a' : 'b'"),
            (dynamic("a template literal"), "`x-${y}`"),
            (dynamic("a string concatenation"), "'a' + b"),
            (dynamic("an expression"), "{}"),
            (path(&["flags"]), "flags"),
            (dynamic("a subscript"), "FeatureFlags.all[i]"),
            (dynamic("an empty expression"), "{}"),
            (dynamic("an attribute without a value"), "flag"),
            (dynamic("an expression"), "<b />"),
        ];
        let expected: Vec<(KeyExpr, String)> = expected
            .into_iter()
            .map(|(k, s)| (k, s.to_string()))
            .collect();
        assert_eq!(found, expected);
        // Dynamic keys are visited: their chains are uses.
        assert_eq!(uses(&shaped(source)), vec!["FeatureFlags.all"]);
    }

    #[test]
    fn jsx_look_alikes_are_not_checks() {
        let source = "const v = <div>\n\
                      <Other flag=\"a\" />\n\
                      <Feature name=\"b\" />\n\
                      <Feature {...props} />\n\
                      <FeatureX flag=\"c\" />\n\
                      <Feature.Other flag=\"d\" />\n\
                      <Feature><Child flag=\"e\" /></Feature>\n\
                      {/* <Feature flag=\"f\" /> */}\n\
                      {\"<Feature flag='g' />\"}\n\
                      <FeatureGate flag=\"h\" />\n\
                      <Feature data-flag=\"i\" />\n\
                      </div>;\n\
                      // <Feature flag=\"j\" />\n\
                      Feature.flag = 'k';\n\
                      Feature({ flag: 'l' });";
        assert_eq!(shape_sites(source), vec![]);
    }

    #[test]
    fn jsx_in_javascript() {
        let source = "export default () => <Feature flag=\"js\">x</Feature>;";
        let facts = crate::lang::test_extract_specs(
            Grammar::Tsx,
            Language::JavaScript,
            shape_specs(),
            &[],
            source,
        );
        assert_eq!(keys(&facts), vec![lit("js")]);
    }

    #[test]
    fn destructured_hook_properties() {
        let source = "const { newNav, darkMode: dm, 'kebab-key': k, nested: { inner }, \
                      withDefault = true, renamed: r = false, [computed]: c, 0: zero, ...rest } = useFlags();";
        assert_eq!(
            shape_sites(source),
            vec![
                site(HOOK, lit("newNav"), "newNav", "newNav"),
                site(HOOK, lit("darkMode"), "darkMode: dm", "darkMode"),
                site(HOOK, lit("kebab-key"), "'kebab-key': k", "'kebab-key'"),
                site(HOOK, lit("nested"), "nested: { inner }", "nested"),
                site(
                    HOOK,
                    lit("withDefault"),
                    "withDefault = true",
                    "withDefault"
                ),
                site(HOOK, lit("renamed"), "renamed: r = false", "renamed"),
            ]
        );
        let facts = shaped(source);
        assert_eq!(
            (facts.checks[1].span.column, facts.checks[1].span.end_column),
            (17, 29)
        );
        assert!(facts.symbol_uses.is_empty());
    }

    #[test]
    fn destructure_declarations_and_initializers() {
        let source = "function App() {\n\
                      let { a } = await client.useFlags();\n\
                      var { b } = (useFlags() as Flags);\n\
                      const { c } = useFlags<Flags>()!;\n\
                      const { d } = hooks.flags.useFlags({ user });\n\
                      const { e } = make().useFlags();\n\
                      }";
        let found: Vec<KeyExpr> = shape_sites(source).into_iter().map(|s| s.1).collect();
        assert_eq!(
            found,
            vec![lit("a"), lit("b"), lit("c"), lit("d"), lit("e")]
        );
        let ts_source = "const { f } = <Flags>useFlags();";
        assert_eq!(
            keys(&shaped_with(Grammar::TypeScript, ts_source)),
            vec![lit("f")]
        );
    }

    #[test]
    fn destructure_look_alikes_are_not_checks() {
        let source = "const { a } = useSession();\n\
                      const flags = useFlags();\n\
                      const [b] = useFlags();\n\
                      ({ c } = useFlags());\n\
                      const { d } = useFlags;\n\
                      const { e } = useFlags().nested;\n\
                      const { f } = useFlagsX();\n\
                      const { g } = useFlags.other();\n\
                      for (const { h } of useFlags()) {}\n\
                      // const { i } = useFlags();\n\
                      const s = 'const { j } = useFlags()';\n\
                      function k({ l } = useFlags()) {}\n\
                      const { ...m } = useFlags();";
        assert_eq!(shape_sites(source), vec![]);
    }

    #[test]
    fn shapes_and_calls_together_in_source_order() {
        let source = "function App() {\n\
                      const { a } = useFlags();\n\
                      return <Feature flag=\"b\">{isEnabled('c') && config.featureToggles.d}</Feature>;\n\
                      }";
        let found: Vec<(usize, KeyExpr)> = shape_sites(source)
            .into_iter()
            .map(|s| (s.0, s.1))
            .collect();
        assert_eq!(
            found,
            vec![
                (HOOK, lit("a")),
                (FEATURE, lit("b")),
                (CALL, lit("c")),
                (PROPERTY, lit("d")),
            ]
        );
    }

    #[test]
    fn shapes_need_a_spec_of_their_kind() {
        let source = "const { a } = useFlags();\n\
                      const b = config.featureToggles.b;\n\
                      const c = <Feature flag=\"c\" />;";
        // The default test specs are calls only.
        assert!(tsx(source).checks.is_empty());
        // A call spec of the same name is not a shape spec.
        let facts = crate::lang::test_extract(
            Grammar::Tsx,
            Language::TypeScript,
            &["useFlags:0", "featureToggles:0", "Feature:0"],
            &[],
            source,
        );
        assert!(facts.checks.is_empty());
        // Another language's spec does not apply.
        let mut specs = shape_specs();
        for spec in &mut specs {
            spec.language = Some(Language::Python);
        }
        let facts =
            crate::lang::test_extract_specs(Grammar::Tsx, Language::TypeScript, specs, &[], source);
        assert!(facts.checks.is_empty());
    }

    #[test]
    fn shapes_on_long_and_deep_input_do_not_overflow() {
        let length = 100_000;
        let chain = format!("x = config.featureToggles{};", ".a".repeat(length));
        assert!(shaped(&chain).checks.is_empty());
        let chain = format!("x = config.featureToggles{}.last;", "[k]".repeat(length));
        assert!(shaped(&chain).checks.is_empty());
        let chain = format!("x = f(){}.flags.k;", "().a".repeat(length));
        assert_eq!(keys(&shaped(&chain)), vec![lit("k")]);
        let depth = 100_000;
        let nested = format!(
            "x = {}<Feature flag=\"deep\" />{};",
            "<Feature flag=\"a\">".repeat(depth),
            "</Feature>".repeat(depth)
        );
        assert_eq!(shaped(&nested).checks.len(), depth + 1);
        let patterns = format!(
            "const {{ a: {}b{} }} = useFlags();",
            "{ x: ".repeat(depth),
            " }".repeat(depth)
        );
        assert_eq!(keys(&shaped(&patterns)), vec![lit("a")]);
    }

    #[test]
    fn garbage_with_shapes_does_not_panic() {
        let inputs = [
            "config.featureToggles[",
            "config.featureToggles.",
            "<Feature flag=",
            "<Feature flag={[",
            "<Feature flag={",
            "const { a: } = useFlags(",
            "const { 'unterminated } = useFlags()",
            "<Feature flag=\"é\u{0}\" />",
            "<FeatureGate features={[,,'a',,]} />",
        ];
        for input in inputs {
            let _ = shaped(input);
            let _ = shaped_with(Grammar::TypeScript, input);
        }
    }

    // ----- members, calls and a definitions file's own uses --------------------------------------

    #[test]
    fn container_members_whatever_their_value() {
        let source = "export enum E { A = 'a', B, C = 1 }\n\
                      export const OBJ = { X: 'x', y: 2, z, m() {} };\n\
                      export class K { static FLAG = 'f'; run() {} }\n\
                      function f() { const Local = { hidden: 1 }; }";
        let facts = ts(source);
        assert_eq!(
            facts.member_names,
            ["E.A", "E.B", "E.C", "OBJ.X", "OBJ.y", "OBJ.z", "OBJ.m", "K.FLAG", "K.run"]
        );
    }

    #[test]
    fn called_chains_are_marked() {
        let source = "import { $imports, FeatureFlags } from './flags';\n\
                      $imports.$mock({});\nuse(FeatureFlags.X);\nFeatureFlags.Y.toLowerCase();";
        let expected = [
            ("$imports.$mock", true),
            ("FeatureFlags.X", false),
            ("FeatureFlags.Y.toLowerCase", true),
        ];
        crate::lang::assert_called(&ts(source), ".", &expected);
    }

    #[test]
    fn a_definitions_file_records_uses_of_its_own_names() {
        let source = "const flags = { a: false };\nexport const options = { flags };\n\
                      export const all = () => Object.keys(flags);";
        let (own, other) = crate::lang::uses_as_definitions_and_not(
            Grammar::TypeScript,
            Language::TypeScript,
            source,
        );
        assert_eq!(own, ["flags", "flags"]);
        assert!(other.is_empty());
    }

    // ----- definition shapes ------------------------------------------------------------------

    mod definitions {
        use super::super::extract;
        use crate::facts::{FileFacts, Span};
        use crate::lang::{
            test_extract_definitions, CheckMatcher, DefinitionShapes, ExtractOptions, Grammar,
            KeyArg, Language,
        };
        use std::collections::HashSet;

        fn shapes() -> DefinitionShapes {
            DefinitionShapes {
                registries: vec!["FEATURES".into()],
                lists: vec!["FLAGS".into()],
                registrations: vec![
                    (
                        vec!["manager".into(), "add".into()],
                        KeyArg {
                            position: Some(0),
                            keyword: None,
                        },
                    ),
                    (
                        vec!["defineFlag".into()],
                        KeyArg {
                            position: Some(1),
                            keyword: None,
                        },
                    ),
                ],
                unions: vec!["FeatureName".into()],
                ..Default::default()
            }
        }

        fn run_with(grammar: Grammar, source: &str) -> FileFacts {
            test_extract_definitions(grammar, Language::TypeScript, shapes(), source)
        }

        fn defs(source: &str) -> Vec<(String, String)> {
            let ts = run_with(Grammar::TypeScript, source);
            let tsx = run_with(Grammar::Tsx, source);
            let pairs = |f: &FileFacts| {
                f.string_consts
                    .iter()
                    .map(|c| (c.symbol.join("."), c.value.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(pairs(&ts), pairs(&tsx), "grammars disagree on {source}");
            pairs(&ts)
        }

        fn d(symbol: &str, value: &str) -> (String, String) {
            (symbol.into(), value.into())
        }

        fn cols(span: &Span) -> (u32, u32, u32) {
            (span.line, span.column, span.end_column)
        }

        #[test]
        fn registry_keys_of_every_form() {
            assert_eq!(
                defs(
                    "export const FEATURES = { newNav: true, 'dark-mode': false, \"b\\u0041\": 1, \
                      [k]: 1, ...rest, m() {}, get g() { return 1 }, 2: 'x', shorthand, \
                      fn: () => 1 };"
                ),
                vec![
                    d("FEATURES.newNav", "newNav"),
                    d("FEATURES.dark-mode", "dark-mode"),
                    d("FEATURES.bA", "bA"),
                    d("FEATURES.shorthand", "shorthand"),
                    d("FEATURES.fn", "fn"),
                ]
            );
        }

        #[test]
        fn registry_through_wrappers_and_declaration_kinds() {
            for source in [
                "const FEATURES = { a: 1 } as const;",
                "let FEATURES = { a: 1 };",
                "var FEATURES = { a: 1 };",
                "export let FEATURES = { a: 1 };",
                "const FEATURES = { a: 1 } satisfies Record<string, number>;",
                "const FEATURES: Record<string, boolean> = { a: true };",
                "export const FEATURES = Object.freeze({ a: 1 });",
                "const FEATURES = Object.freeze({ a: 1 } as const);",
                "const FEATURES = ({ a: 1 });",
                "declare const FEATURES = { a: 1 };",
            ] {
                assert_eq!(defs(source), vec![d("FEATURES.a", "a")], "{source}");
            }
        }

        #[test]
        fn registry_spans_and_exported() {
            let facts = run_with(
                Grammar::TypeScript,
                "const FEATURES = {\n  newNav: true,\n  'dark-mode': { on: false },\n};",
            );
            let got: Vec<_> = facts
                .string_consts
                .iter()
                .map(|c| (cols(&c.span), cols(&c.name_span), c.exported))
                .collect();
            assert_eq!(
                got,
                vec![
                    ((2, 3, 15), (2, 3, 9), true),
                    ((3, 3, 29), (3, 3, 14), true)
                ]
            );
        }

        #[test]
        fn registry_keeps_object_constants_too() {
            let facts = run_with(
                Grammar::TypeScript,
                "const FEATURES = { A: 'a', B: true, C: `c` };",
            );
            let got: Vec<_> = facts
                .string_consts
                .iter()
                .map(|c| (c.symbol.join("."), c.value.clone(), c.exported))
                .collect();
            let t = |s: &str, v: &str, e| (s.to_string(), v.to_string(), e);
            assert_eq!(
                got,
                vec![
                    t("FEATURES.A", "a", false),
                    t("FEATURES.A", "A", true),
                    t("FEATURES.B", "B", true),
                    t("FEATURES.C", "c", false),
                    t("FEATURES.C", "C", true),
                ]
            );
            // Non-registry objects only give their string constants.
            assert_eq!(
                defs("const OTHER = { A: 'a', B: true };"),
                vec![d("OTHER.A", "a")]
            );
        }

        #[test]
        fn registry_look_alikes_are_not_recorded() {
            for source in [
                "const OTHER = { a: 1 };",
                "const features = { a: 1 };",
                "function f() { const FEATURES = { a: 1 }; }",
                "if (x) { var FEATURES = { a: 1 }; }",
                "FEATURES = { a: 1 };",
                "const FEATURES = make({ a: 1 });",
                "const FEATURES = [{ a: 1 }];",
                "const { FEATURES } = { FEATURES: { a: 1 } };",
                "// const FEATURES = { a: 1 };",
                "const s = 'const FEATURES = { a: 1 }';",
                "class C { FEATURES = { a: 1 }; }",
                "export default { FEATURES: { a: 1 } };",
            ] {
                let got = defs(source);
                assert!(
                    got.iter().all(|(s, _)| !s.starts_with("FEATURES.")),
                    "{source}: {got:?}"
                );
            }
        }

        #[test]
        fn list_elements_of_every_form() {
            assert_eq!(
                defs(
                    "export const FLAGS = ['a', \"b\\n\", `c`, `d${x}`, 1, x, ['new_nav', false], \
                      [1, 'no'], [], [`t`, true], ...more, 'e' as const, , 'f'] as const;"
                ),
                vec![
                    d("FLAGS.a", "a"),
                    d("FLAGS.b\n", "b\n"),
                    d("FLAGS.c", "c"),
                    d("FLAGS.new_nav", "new_nav"),
                    d("FLAGS.t", "t"),
                    d("FLAGS.e", "e"),
                    d("FLAGS.f", "f"),
                ]
            );
        }

        #[test]
        fn list_wrappers_and_spans() {
            for source in [
                "const FLAGS = ['a'];",
                "const FLAGS: string[] = ['a'];",
                "const FLAGS = ['a'] satisfies readonly string[];",
                "const FLAGS = <const>['a'];",
                "const FLAGS = Object.freeze(['a']);",
                "export const FLAGS = ['a'] as const;",
            ] {
                assert_eq!(defs(source), vec![d("FLAGS.a", "a")], "{source}");
            }
            let facts = run_with(
                Grammar::TypeScript,
                "const FLAGS = [\n  'a',\n  ['new_nav', false],\n];",
            );
            let got: Vec<_> = facts
                .string_consts
                .iter()
                .map(|c| (cols(&c.span), cols(&c.name_span), c.exported))
                .collect();
            assert_eq!(
                got,
                vec![((2, 3, 6), (2, 3, 6), true), ((3, 3, 21), (3, 4, 13), true)]
            );
        }

        #[test]
        fn list_look_alikes_are_not_recorded() {
            for source in [
                "const OTHER = ['a'];",
                "let FLAGS = ['a'];",
                "function f() { const FLAGS = ['a']; }",
                "FLAGS = ['a'];",
                "FLAGS.push('a');",
                "const FLAGS = get(['a']);",
                "const FLAGS = 'a';",
                "const FLAGS = { a: 1 };",
                "/* const FLAGS = ['a']; */",
                "const FLAGS = [[['a']], [x, 'b'], { k: 'c' }];",
            ] {
                let got = defs(source);
                assert!(
                    got.iter().all(|(s, _)| !s.starts_with("FLAGS.")),
                    "{source}: {got:?}"
                );
            }
            // A list name that is also a plain string constant stays a string constant.
            assert_eq!(defs("const FLAGS = 'a';"), vec![d("FLAGS", "a")]);
            assert_eq!(
                defs("export const FLAGS = ['a']; const X = 'x';"),
                vec![d("FLAGS.a", "a"), d("X", "x")]
            );
        }

        #[test]
        fn registrations_anywhere() {
            assert_eq!(
                defs("manager.add('top');\n\
                      app.manager.add(\"deep\\t\", { default: false });\n\
                      function setup() { manager.add(`inner`); if (x) { defineFlag(ctx, 'second'); } }\n\
                      const f = () => this.manager.add('arrow');\n\
                      wrap(manager.add('nested'));\n\
                      class C { init() { manager?.add('optional'); } }\n\
                      manager.add('cast' as const);"),
                vec![
                    d("top", "top"),
                    d("deep\t", "deep\t"),
                    d("inner", "inner"),
                    d("second", "second"),
                    d("arrow", "arrow"),
                    d("nested", "nested"),
                    d("optional", "optional"),
                    d("cast", "cast"),
                ]
            );
        }

        #[test]
        fn registration_spans() {
            let facts = run_with(Grammar::TypeScript, "x;\n  manager.add('k', 1);");
            let c = &facts.string_consts[0];
            assert_eq!(
                (c.symbol.clone(), c.value.as_str()),
                (vec!["k".to_string()], "k")
            );
            assert!(c.exported);
            assert_eq!(cols(&c.span), (2, 3, 22));
            assert_eq!(cols(&c.name_span), (2, 15, 18));
        }

        #[test]
        fn registration_look_alikes_are_not_recorded() {
            for source in [
                "add('k');",
                "other.add('k');",
                "manager.remove('k');",
                "manager.add(key);",
                "manager.add(`k${x}`);",
                "manager.add('a' + 'b');",
                "manager.add();",
                "manager.add(...args, 'k');",
                "defineFlag('k');",
                "manager.add[0]('k');",
                "new manager.add('k');",
                "// manager.add('k');",
                "let s = \"manager.add('k')\";",
                "type T = typeof manager.add;",
                "manager.add(1);",
            ] {
                assert_eq!(defs(source), vec![], "{source}");
            }
            // Broken chains match by the last segment, as for checks.
            assert_eq!(defs("get().add('k');"), vec![]);
            assert_eq!(defs("get().defineFlag(x, 'k');"), vec![d("k", "k")]);
        }

        #[test]
        fn object_type_registries() {
            assert_eq!(
                defs(
                    "export type FEATURES = {\n  newNav?: boolean;\n  'dark-mode': Variant;\n  \
                     [key: string]: unknown;\n  method(): void;\n};"
                ),
                vec![
                    d("FEATURES.newNav", "newNav"),
                    d("FEATURES.dark-mode", "dark-mode")
                ]
            );
            assert_eq!(
                defs("export interface FEATURES { beta: boolean }"),
                vec![d("FEATURES.beta", "beta")]
            );
            assert!(defs("type OTHER = { a: boolean };").is_empty());
        }

        #[test]
        fn registration_assigned_to_a_top_level_name() {
            assert_eq!(
                defs(
                    "export const NEW_NAV = defineFlag(x, 'new-nav');\n\
                     const DARK = defineFlag(x, 'dark');\n\
                     function f() { const local = defineFlag(x, 'inner'); }"
                ),
                vec![
                    d("NEW_NAV", "new-nav"),
                    d("DARK", "dark"),
                    d("inner", "inner")
                ]
            );
        }

        #[test]
        fn constant_kinds() {
            use crate::facts::ConstKind;
            let facts = run_with(
                Grammar::TypeScript,
                "export const A = 'a';\nexport const FEATURES = { b: true };\n\
                 export const FLAGS = ['c'];\ntype FeatureName = 'd';\nmanager.add('e');",
            );
            assert_eq!(
                crate::lang::const_kinds(&facts),
                [
                    ConstKind::Constant,
                    ConstKind::RegistryKey,
                    ConstKind::ListElement,
                    ConstKind::UnionMember,
                    ConstKind::Registration
                ]
            );
        }

        #[test]
        fn union_members_of_every_form() {
            assert_eq!(
                defs(
                    "export type FeatureName = 'a' | \"b\" | `c` | `d${string}` | 1 | string \
                      | ('e' | ('f')) | null;"
                ),
                vec![
                    d("FeatureName.a", "a"),
                    d("FeatureName.b", "b"),
                    d("FeatureName.c", "c"),
                    d("FeatureName.e", "e"),
                    d("FeatureName.f", "f"),
                ]
            );
            assert_eq!(
                defs("type FeatureName =\n  | 'new-nav'\n  | 'dark\\'mode';"),
                vec![
                    d("FeatureName.new-nav", "new-nav"),
                    d("FeatureName.dark'mode", "dark'mode")
                ]
            );
            assert_eq!(
                defs("type FeatureName = 'only';"),
                vec![d("FeatureName.only", "only")]
            );
            assert_eq!(
                defs("declare type FeatureName = ('x');"),
                vec![d("FeatureName.x", "x")]
            );
            assert_eq!(
                defs("type FeatureName<T> = 'g' | T;"),
                vec![d("FeatureName.g", "g")]
            );
        }

        #[test]
        fn union_spans() {
            let facts = run_with(
                Grammar::TypeScript,
                "type FeatureName =\n  | 'a'\n  | \"bc\";",
            );
            let got: Vec<_> = facts
                .string_consts
                .iter()
                .map(|c| (cols(&c.span), cols(&c.name_span), c.exported))
                .collect();
            assert_eq!(
                got,
                vec![((2, 5, 8), (2, 5, 8), true), ((3, 5, 9), (3, 5, 9), true)]
            );
        }

        #[test]
        fn union_look_alikes_are_not_recorded() {
            for source in [
                "type Other = 'a' | 'b';",
                "function f() { type FeatureName = 'a' | 'b'; }",
                "namespace N { export type FeatureName = 'a'; }",
                "interface FeatureName { a: 'a' }",
                "type FeatureName = { a: 'a' } | Array<'b'> | ['c'] | keyof X | (() => 'd');",
                "let x: FeatureName = 'a';",
                "// type FeatureName = 'a';",
                "const FeatureName = 'a' || 'b';",
            ] {
                let got = defs(source);
                assert!(
                    got.iter().all(|(s, _)| !s.starts_with("FeatureName.")),
                    "{source}: {got:?}"
                );
            }
        }

        #[test]
        fn all_shapes_in_source_order() {
            assert_eq!(
                defs(
                    "type FeatureName = 'u';\n\
                      manager.add('r1');\n\
                      const FEATURES = { k: manager.add('r2') };\n\
                      const FLAGS = ['l'];\n\
                      const C = 'c';"
                ),
                vec![
                    d("FeatureName.u", "u"),
                    d("r1", "r1"),
                    d("FEATURES.k", "k"),
                    d("r2", "r2"),
                    d("FLAGS.l", "l"),
                    d("C", "c"),
                ]
            );
        }

        #[test]
        fn no_shapes_means_no_definitions() {
            let source = "const FEATURES = { a: 1 }; const FLAGS = ['a']; manager.add('k');\n\
                          type FeatureName = 'x';";
            let facts = test_extract_definitions(
                Grammar::TypeScript,
                Language::TypeScript,
                DefinitionShapes::default(),
                source,
            );
            assert!(facts.string_consts.is_empty(), "{:?}", facts.string_consts);
        }

        #[test]
        fn other_facts_unchanged_by_shapes() {
            let source = "import { x } from './m';\nexport const FEATURES = { a: x, B: 'b' };\n\
                          const FLAGS = ['f']; manager.add('k'); type FeatureName = 'n';\n\
                          function g(p) { return x.y; }";
            let with = run_with(Grammar::Tsx, source);
            let without = test_extract_definitions(
                Grammar::Tsx,
                Language::TypeScript,
                DefinitionShapes::default(),
                source,
            );
            assert_eq!(with.imports, without.imports);
            assert_eq!(with.module_names, without.module_names);
            assert_eq!(with.symbol_uses, without.symbol_uses);
            assert_eq!(with.checks, without.checks);
            assert_eq!(with.syntax_errors, without.syntax_errors);
        }

        #[test]
        fn garbage_and_prefixes_do_not_panic() {
            let source =
                "const FEATURES = { a: 1, 'b': [ , ] } as const;\nconst FLAGS = [['x', 1], `y`];\n\
                          manager.add('k', ...r); type FeatureName = | ('a' | 'b';\n";
            let matcher = CheckMatcher::default();
            let interesting = HashSet::new();
            let definitions = shapes();
            let options = ExtractOptions {
                language: Language::TypeScript,
                checks: &matcher,
                interesting: &interesting,
                definitions: &definitions,
                definitions_file: false,
                keys: &HashSet::new(),
                migration: None,
            };
            for end in (0..=source.len()).filter(|i| source.is_char_boundary(*i)) {
                let _ = extract(&source[..end], false, &options);
                let _ = extract(&source[..end], true, &options);
            }
            let deep = format!(
                "type FeatureName = {}'a'{};",
                "(".repeat(50_000),
                ")".repeat(50_000)
            );
            let _ = extract(&deep, false, &options);
            let long = format!(
                "const FLAGS = {}'a'{};",
                "[".repeat(50_000),
                "]".repeat(50_000)
            );
            let _ = extract(&long, false, &options);
        }
    }
}
