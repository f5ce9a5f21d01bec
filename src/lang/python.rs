//! Python extractor: parses a file with tree-sitter-python and reads, in one iterative walk,
//! its imports, module-level names, string constants (module level and module-level class
//! attributes), configured check calls with their key argument, and uses of imported or
//! interesting names, and the flag forks: `if`/`elif`/ternary branches whose condition tests a
//! flag, directly or through a local assigned once from a check. Besides calls, checks can be
//! class attributes (`waffle_flag = "k"` in a class body) and property chains
//! (`settings.FEATURES.k`, `settings.FEATURES["k"]`) when specs have those shapes. Syntax errors
//! are reported and the recovered tree is still read.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tree_sitter::{Node, Parser, Tree, TreeCursor};

use super::budget::{self, Unparsed};
use super::flow::{self, Branch, CondNode, FlagTests, Held, Locals, Statement, Tested};
use super::reason::DynamicReason;
use super::{binding_of, reference, ExtractOptions, FunctionScopes, KeyArg, ShapeKind};
use crate::facts::{
    Body, CheckSite, ConstKind, FileFacts, ForkKind, Import, KeyExpr, LineIndex, ModuleRef, Span,
    StringConst, SymbolUse, SyntaxError,
};

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses with this thread's parser (created on first use) within `budget`.
fn parse(source: &str, budget: Duration) -> Result<Tree, Unparsed> {
    PARSER.with(|cell| {
        let mut slot = cell.try_borrow_mut().map_err(|_| Unparsed::Failed)?;
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_python::LANGUAGE.into())
                .map_err(|_| Unparsed::Failed)?;
            *slot = Some(parser);
        }
        let parser = slot.as_mut().ok_or(Unparsed::Failed)?;
        budget::parse(parser, source, budget)
    })
}

/// Most indentation levels tree-sitter-python's scanner can hold safely. Its state serializer
/// writes two bytes per level into a 1024-byte buffer after up to 257 bytes of string
/// delimiters, and overruns it (a C assertion failure that aborts the process) from 384 levels.
const MAX_INDENT_LEVELS: usize = 383;

/// Extracts the facts of one Python file.
pub fn extract(source: &str, options: &ExtractOptions) -> FileFacts {
    extract_within(source, options, budget::for_len(source.len()))
}

/// [`extract`] with the parse given up after `budget`.
fn extract_within(source: &str, options: &ExtractOptions, budget: Duration) -> FileFacts {
    let lines = LineIndex::new(source);
    if let Some(offset) = too_many_indent_levels(source) {
        return FileFacts::not_parsed(SyntaxError::whole_file(
            lines.span(offset, offset),
            format!("more than {MAX_INDENT_LEVELS} indentation levels; file not parsed"),
        ));
    }
    let tree = match parse(source, budget) {
        Ok(tree) => tree,
        Err(unparsed) => return unparsed.facts(&lines),
    };
    let root = tree.root_node();
    let mut walker = Walker::new(source, &lines, options, root);
    walker.walk(root);
    // The grammar rejects some valid code and accepts Python 2 statements: a file it flags is
    // judged by the reference parser.
    let suspect = root.has_error() || walker.python2_statement;
    let mut facts = walker.finish();
    if suspect {
        facts.syntax_errors = reference::python_errors(source, &lines);
    }
    if let Some(migration) = options.migration {
        facts.migration = super::migration::extract(root, source, &lines, migration);
        facts.app_configs = super::migration::app_configs(root, source);
    }
    facts
}

/// Where the source could make the scanner hold more than [`MAX_INDENT_LEVELS`] indentation
/// levels, if it can. The scanner's indent stack holds distinct, increasing widths, each measured
/// as it does (spaces 1, tabs 8, `u16` arithmetic, reset by a newline not escaped by a backslash,
/// `\r` and `\f`), so counting the distinct widths that start a non-blank run bounds it.
fn too_many_indent_levels(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut seen = vec![0u64; 1 << 10];
    let mut distinct = 0;
    let mut width: u16 = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' | b'\r' | b'\x0c' => width = 0,
            b' ' => width = width.wrapping_add(1),
            b'\t' => width = width.wrapping_add(8),
            b'\\'
                if matches!(
                    bytes.get(i + 1..),
                    Some([b'\n', ..] | [b'\r', b'\n', ..] | [b'\r'] | [])
                ) =>
            {
                // An escaped newline continues the indentation.
                i += if bytes.get(i + 1) == Some(&b'\r') {
                    3
                } else {
                    2
                };
                continue;
            }
            _ => {
                if width > 0 {
                    let (word, bit) = (usize::from(width) / 64, usize::from(width) % 64);
                    if seen[word] & (1 << bit) == 0 {
                        seen[word] |= 1 << bit;
                        distinct += 1;
                        if distinct > MAX_INDENT_LEVELS {
                            return Some(i);
                        }
                    }
                }
                width = 0;
            }
        }
        i += 1;
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Walk state

/// Where a node sits, as far as definitions are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level<'a> {
    /// Module level (also inside module-level `if`/`try`/`with`/`for` blocks).
    Module,
    /// A class body; the class name when the class itself is at module level.
    Class(Option<&'a str>),
    /// Inside a function or lambda.
    Local,
}

/// How a node is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// A value: names and chains are uses.
    Expr,
    /// A binding target; `bind` when plain names become module names.
    Target { bind: bool },
    /// A `case` pattern: dotted names are value uses, bare names are captures.
    Pattern,
}

#[derive(Clone, Copy, Debug)]
struct Ctx<'a> {
    scope: usize,
    level: Level<'a>,
    mode: Mode,
    /// The innermost branch candidate (index into `Walker::candidates`) whose then- or
    /// else-branch holds the node, within the same named function.
    fork: Option<usize>,
    /// Inside the condition of an `if`/`elif`/ternary: identifiers read are remembered.
    in_cond: bool,
    /// Set on the `elif`/`else` clauses of an `if`: the candidate of the chain head.
    chain: Option<usize>,
}

impl<'a> Ctx<'a> {
    fn with_mode(self, mode: Mode) -> Self {
        Ctx { mode, ..self }
    }
    fn expr(self) -> Self {
        self.with_mode(Mode::Expr)
    }
    /// A binding target that adds module names when at module level.
    fn target(self) -> Self {
        self.with_mode(Mode::Target {
            bind: self.level == Level::Module,
        })
    }
}

/// The condition of a [`Branch`], read in `finish` (check locals are only known once the whole
/// file is read).
struct Candidate<'a> {
    condition: Node<'a>,
    /// A chain head: the last clause of its chain seen so far (itself or an elif).
    last_clause: usize,
}

/// A name chain seen in value position, decided at the end (imports may come later).
struct PendingUse {
    start: usize,
    end: usize,
    /// Range into `Walker::segments`.
    segments: (usize, usize),
    /// A segment is interesting: recorded whatever the imports.
    keep: bool,
    /// The chain is a callee.
    called: bool,
}

/// Where a call's key argument is.
enum KeyArgument<'a> {
    Found(Node<'a>),
    Unpacked(Node<'a>),
}

/// How an attribute chain ends on the left.
enum Chain<'a> {
    /// Rooted at an identifier: the segment nodes, root first.
    Rooted(Vec<Node<'a>>),
    /// Rooted at something else (call, subscript, ...), which is returned.
    Unrooted(Option<Node<'a>>),
}

struct Frame<'a> {
    node: Node<'a>,
    ctx: Ctx<'a>,
}

struct Walker<'a, 'o> {
    source: &'a str,
    lines: &'o LineIndex<'a>,
    options: &'o ExtractOptions<'o>,
    facts: FileFacts,
    /// Function scopes; the module is scope 0.
    scopes: FunctionScopes<'a>,
    stack: Vec<Frame<'a>>,
    cursor: TreeCursor<'a>,
    children_buffer: Vec<(Node<'a>, Option<&'static str>)>,
    seen_names: HashSet<&'a str>,
    import_locals: HashSet<&'a str>,
    pending: Vec<PendingUse>,
    segments: Vec<(usize, usize)>,
    /// Every `if`/`elif`/ternary, in source order of its keyword, and its condition.
    branches: Vec<Branch>,
    candidates: Vec<Candidate<'a>>,
    /// Identifiers read inside conditions: (start byte, scope, name).
    cond_idents: Vec<(usize, usize, &'a str)>,
    /// The bindings of each (scope, name): assignments, loops, imports, defs...
    locals: Locals<(usize, &'a str)>,
    /// `name = call(...)`: the call's node id -> (scope, name).
    local_calls: HashMap<usize, (usize, &'a str)>,
    /// `name = <string or name chain>` in a function: (scope, name) -> the value.
    local_values: HashMap<(usize, &'a str), Node<'a>>,
    /// Checks whose key is a name of a function scope: (check index, scope, name); the key is the
    /// name's value when it is assigned once (see `local_values`).
    key_locals: Vec<(usize, usize, &'a str)>,
    /// Node id of a recorded check call (or property chain) -> its index in `facts.checks`.
    check_nodes: HashMap<usize, usize>,
    /// Some spec has [`ShapeKind::Attribute`]: class attributes are looked at.
    attribute_shape: bool,
    /// Some spec has [`ShapeKind::Property`]: member chains and subscripts are looked at.
    property_shape: bool,
    /// Ids of nodes already read as a check's key: not walked again.
    skipped: HashSet<usize>,
    /// Ids of attribute/subscript nodes that are part of a longer chain, a callee or a target:
    /// not property checks themselves.
    not_maximal: HashSet<usize>,
    /// Definition shapes are configured: registries, lists and registrations are looked at.
    definitions: bool,
    /// A Python 2 `print` or `exec` statement was met.
    python2_statement: bool,
    /// Ids of call expressions' callees, not yet met as a use chain.
    callees: HashSet<usize>,
    /// Ids of the string parts of implicit concatenations (the whole is one literal).
    concatenated_parts: HashSet<usize>,
}

impl<'a, 'o> Walker<'a, 'o> {
    fn new(
        source: &'a str,
        lines: &'o LineIndex<'a>,
        options: &'o ExtractOptions<'o>,
        root: Node<'a>,
    ) -> Self {
        let mut scopes = FunctionScopes::default();
        scopes.push(None, None, Vec::new());
        Walker {
            source,
            lines,
            options,
            facts: FileFacts::default(),
            scopes,
            stack: Vec::new(),
            cursor: root.walk(),
            children_buffer: Vec::new(),
            seen_names: HashSet::new(),
            import_locals: HashSet::new(),
            pending: Vec::new(),
            segments: Vec::new(),
            branches: Vec::new(),
            candidates: Vec::new(),
            cond_idents: Vec::new(),
            locals: Locals::default(),
            local_calls: HashMap::new(),
            local_values: HashMap::new(),
            key_locals: Vec::new(),
            check_nodes: HashMap::new(),
            attribute_shape: options.checks.has_shape(ShapeKind::Attribute),
            property_shape: options.checks.has_shape(ShapeKind::Property),
            skipped: HashSet::new(),
            not_maximal: HashSet::new(),
            definitions: !options.definitions.is_empty(),
            python2_statement: false,
            callees: HashSet::new(),
            concatenated_parts: HashSet::new(),
        }
    }

    fn text(&self, node: Node) -> &'a str {
        self.source.get(node.byte_range()).unwrap_or("")
    }

    fn span(&self, node: Node) -> Span {
        self.lines.span(node.start_byte(), node.end_byte())
    }

    fn push(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        self.stack.push(Frame { node, ctx });
    }

    /// Named children (comments left out) with their field names, in source order.
    fn named_children(&mut self, node: Node<'a>) -> Vec<(Node<'a>, Option<&'static str>)> {
        let mut out = std::mem::take(&mut self.children_buffer);
        out.clear();
        self.cursor.reset(node);
        if self.cursor.goto_first_child() {
            loop {
                let child = self.cursor.node();
                if child.is_named() && child.kind() != "comment" {
                    out.push((child, self.cursor.field_name()));
                }
                if !self.cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        out
    }

    /// Pushes the named children of `node`, each with the context `choose` gives (or skipped).
    fn push_children_with(
        &mut self,
        node: Node<'a>,
        mut choose: impl FnMut(&Self, Node<'a>, Option<&'static str>) -> Option<Ctx<'a>>,
    ) {
        let children = self.named_children(node);
        for &(child, field) in children.iter().rev() {
            if let Some(ctx) = choose(self, child, field) {
                self.push(child, ctx);
            }
        }
        self.children_buffer = children;
    }

    fn push_children(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        self.push_children_with(node, |_, _, _| Some(ctx));
    }

    fn add_module_name(&mut self, name: &'a str) {
        if !name.is_empty() && self.seen_names.insert(name) {
            self.facts.module_names.push(name.to_string());
        }
    }

    fn walk(&mut self, root: Node<'a>) {
        let ctx = Ctx {
            scope: 0,
            level: Level::Module,
            mode: Mode::Expr,
            fork: None,
            in_cond: false,
            chain: None,
        };
        self.push(root, ctx);
        while let Some(Frame { node, ctx }) = self.stack.pop() {
            if !self.skipped.is_empty() && self.skipped.remove(&node.id()) {
                continue;
            }
            match ctx.mode {
                Mode::Expr => self.visit(node, ctx),
                Mode::Target { bind } => self.visit_target(node, ctx, bind),
                Mode::Pattern => self.visit_pattern(node, ctx),
            }
        }
    }

    fn finish(mut self) -> FileFacts {
        self.resolve_forks();
        if self.definitions {
            // A registration call nested in a list or dict literal is met after the literal's
            // own keys; a stable sort puts every definition back in source order.
            self.facts.string_consts.sort_by_key(|c| c.span.start);
        }
        let key_values = self.resolve_key_locals();
        let pending = std::mem::take(&mut self.pending);
        for use_ in pending {
            // A value that became a check's key is not also a use.
            if key_values.contains(&(use_.start, use_.end)) {
                continue;
            }
            let (from, to) = use_.segments;
            let Some(&(root_start, root_end)) = self.segments.get(from) else {
                continue;
            };
            let root = self.source.get(root_start..root_end).unwrap_or("");
            let own = self.options.definitions_file && self.seen_names.contains(root);
            if !use_.keep && !own && !self.import_locals.contains(root) {
                continue;
            }
            let path = self.segments[from..to]
                .iter()
                .map(|&(s, e)| self.source.get(s..e).unwrap_or("").to_string())
                .collect();
            self.facts.symbol_uses.push(SymbolUse {
                path,
                span: self.lines.span(use_.start, use_.end),
                in_test: false,
                scope: Vec::new(),
                called: use_.called,
            });
        }
        self.facts
    }

    // -----------------------------------------------------------------------------------------
    // Value position

    fn visit(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        match node.kind() {
            "identifier" => {
                self.note_cond_ident(node, ctx);
                self.record_chain(node, &[node]);
            }
            "attribute" => self.visit_attribute(node, ctx),
            "if_statement" => self.visit_if(node, ctx),
            "elif_clause" => self.visit_elif(node, ctx),
            "else_clause" if ctx.chain.is_some() => self.visit_else(node, ctx),
            "conditional_expression" => self.visit_conditional(node, ctx),
            "dotted_name" => self.visit_dotted_name(node, 1),
            "call" => self.visit_call(node, ctx),
            "import_statement" | "import_from_statement" | "future_import_statement" => {
                self.visit_import(node, ctx)
            }
            "function_definition" => self.visit_function(node, ctx),
            "lambda" => self.visit_lambda(node, ctx),
            "class_definition" => self.visit_class(node, ctx),
            "expression_statement" => {
                if let Level::Class(Some(class)) = ctx.level {
                    self.class_members(node, class);
                }
                self.string_consts(node, ctx.level);
                if self.definitions && ctx.level == Level::Module {
                    self.definition_literals(node);
                }
                if self.attribute_shape && matches!(ctx.level, Level::Class(_)) {
                    self.attribute_checks(node, ctx);
                }
                self.push_children(node, ctx);
            }
            "subscript" if self.property_shape => self.visit_subscript(node, ctx),
            "string" | "concatenated_string" if !self.options.keys.is_empty() => {
                self.key_mention(node);
                self.push_children(node, ctx)
            }
            "delete_statement" if self.property_shape => {
                // `del a.b.KEY` removes the member; it does not read it.
                let children = self.named_children(node);
                for &(child, _) in &children {
                    self.mark_chain_part(child);
                    if child.kind() == "expression_list" {
                        let mut cursor = child.walk();
                        for item in child.named_children(&mut cursor) {
                            self.mark_chain_part(item);
                        }
                    }
                }
                self.children_buffer = children;
                self.push_children(node, ctx);
            }
            "assignment" if node.child_by_field_name("right").is_none() => {
                self.visit_bare_annotation(node, ctx)
            }
            "assignment" | "for_statement" | "for_in_clause" | "type_alias_statement" => {
                if node.kind() == "assignment" {
                    self.note_local_call(node, "left", "right", ctx.scope);
                    self.note_local_value(node, ctx.scope);
                }
                let bind = if node.kind() == "for_in_clause" {
                    ctx.with_mode(Mode::Target { bind: false })
                } else {
                    ctx.target()
                };
                self.push_children_with(node, |_, _, field| {
                    Some(if field == Some("left") { bind } else { ctx })
                });
            }
            "augmented_assignment" => self.push_children_with(node, |_, _, field| {
                Some(if field == Some("left") {
                    ctx.with_mode(Mode::Target { bind: false })
                } else {
                    ctx
                })
            }),
            "named_expression" => {
                self.note_local_call(node, "name", "value", ctx.scope);
                self.push_children_with(node, |_, _, field| {
                    Some(if field == Some("name") {
                        ctx.target()
                    } else {
                        ctx
                    })
                })
            }
            "as_pattern" | "except_clause" => self.push_children_with(node, |_, _, field| {
                Some(if field == Some("alias") {
                    ctx.target()
                } else {
                    ctx
                })
            }),
            "keyword_argument" => {
                self.push_children_with(node, |_, _, field| (field == Some("value")).then_some(ctx))
            }
            "case_clause" => self.push_children_with(node, |_, child, _| {
                Some(if child.kind() == "case_pattern" {
                    ctx.with_mode(Mode::Pattern)
                } else {
                    ctx
                })
            }),
            "global_statement" | "nonlocal_statement" => self.bind_declared(node, ctx.scope),
            "print_statement" | "exec_statement" => {
                // Python 2 statements: the grammar accepts them, Python 3 does not.
                self.python2_statement = true;
                self.push_children(node, ctx);
            }
            _ => self.push_children(node, ctx),
        }
    }

    fn visit_attribute(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let property = self.property_shape && self.is_property_candidate(node);
        match attribute_chain(node) {
            Chain::Rooted(segments) => {
                if let Some(&root) = segments.first() {
                    self.note_cond_ident(root, ctx);
                }
                if property && self.attribute_property_check(node, &segments) {
                    // The chain is the check; it is not repeated as a use.
                    return;
                }
                self.record_chain(node, &segments)
            }
            Chain::Unrooted(Some(base)) => {
                if property {
                    let (segments, _) = member_chain(node);
                    self.attribute_property_check(node, &segments);
                }
                self.mark_chain_part(base);
                self.push(base, ctx.expr())
            }
            Chain::Unrooted(None) => self.push_children(node, ctx.expr()),
        }
    }

    /// A dotted name in a pattern (`case Color.RED:`) or elsewhere; recorded when it has at
    /// least `min_segments` parts.
    fn visit_dotted_name(&mut self, node: Node<'a>, min_segments: usize) {
        let children = self.named_children(node);
        let parts: Vec<Node<'a>> = children
            .iter()
            .map(|&(child, _)| child)
            .filter(|child| child.kind() == "identifier")
            .collect();
        self.children_buffer = children;
        if parts.len() >= min_segments {
            self.record_chain(node, &parts);
        }
    }

    /// Remembers a use chain; whether it is kept is decided once all imports are known.
    fn record_chain(&mut self, node: Node<'a>, segments: &[Node<'a>]) {
        if segments.is_empty() {
            return;
        }
        let from = self.segments.len();
        let mut keep = false;
        for segment in segments {
            keep = keep || self.options.interesting.contains(self.text(*segment));
            self.segments
                .push((segment.start_byte(), segment.end_byte()));
        }
        let called = self.callees.remove(&node.id());
        self.pending.push(PendingUse {
            start: node.start_byte(),
            end: node.end_byte(),
            segments: (from, self.segments.len()),
            keep,
            called,
        });
    }

    // -----------------------------------------------------------------------------------------
    // Forks: branches and the names they test

    /// `if c: ... elif d: ... else: ...`: the head is a candidate; its clauses are visited
    /// later (in source order) knowing their chain.
    fn visit_if(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let Some(condition) = node.child_by_field_name("condition") else {
            return self.push_children(node, ctx);
        };
        let alternative = node.child_by_field_name("alternative");
        let has_else = alternative.is_some();
        let then = self.block(node.child_by_field_name("consequence"));
        let branch = Branch {
            kind: ForkKind::If,
            span: self.lines.span(node.start_byte(), condition.end_byte()),
            has_else,
            exits_early: !has_else && then.leaves,
            then_body: then.body,
            else_body: self.else_body(alternative),
            enclosing: ctx.fork,
            outer: ctx.fork,
            head: None,
        };
        let index = self.push_branch(branch, condition);
        let ctx = ctx.expr();
        self.push_children_with(node, |_, child, field| {
            Some(match field {
                Some("condition") => Ctx {
                    in_cond: true,
                    ..ctx
                },
                Some("alternative") if matches!(child.kind(), "elif_clause" | "else_clause") => {
                    Ctx {
                        chain: Some(index),
                        ..ctx
                    }
                }
                _ => Ctx {
                    fork: Some(index),
                    ..ctx
                },
            })
        });
    }

    fn visit_elif(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let head = ctx.chain.and_then(|head| {
            let last_clause = self.candidates.get(head)?.last_clause;
            Some((head, last_clause, self.branches.get(head)?.enclosing))
        });
        let ctx = Ctx { chain: None, ..ctx };
        let (Some((head, previous, enclosing)), Some(condition)) =
            (head, node.child_by_field_name("condition"))
        else {
            return self.push_children(node, ctx);
        };
        let next = next_clause(node);
        let has_else = next.is_some();
        let then = self.block(node.child_by_field_name("consequence"));
        let branch = Branch {
            kind: ForkKind::ElseIf,
            span: self.lines.span(node.start_byte(), condition.end_byte()),
            has_else,
            exits_early: !has_else && then.leaves,
            then_body: then.body,
            else_body: self.else_body(next),
            enclosing,
            outer: Some(previous),
            head: Some(head),
        };
        let index = self.push_branch(branch, condition);
        if let Some(head) = self.candidates.get_mut(head) {
            head.last_clause = index;
        }
        self.push_children_with(node, |_, _, field| {
            Some(if field == Some("condition") {
                Ctx {
                    in_cond: true,
                    fork: enclosing,
                    ..ctx
                }
            } else {
                Ctx {
                    fork: Some(index),
                    ..ctx
                }
            })
        });
    }

    /// The `else:` of an `if` chain: its body is in the else-branch of the chain's last clause.
    fn visit_else(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let last = ctx
            .chain
            .and_then(|head| self.candidates.get(head))
            .map(|head| head.last_clause);
        let ctx = Ctx {
            chain: None,
            fork: last.or(ctx.fork),
            ..ctx
        };
        self.push_children(node, ctx);
    }

    /// `a if c else b`.
    fn visit_conditional(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let children = self.named_children(node);
        let parts: Vec<Node<'a>> = children.iter().map(|&(child, _)| child).collect();
        self.children_buffer = children;
        let [then, condition, otherwise] = parts[..] else {
            return self.push_children(node, ctx);
        };
        let branch = Branch {
            kind: ForkKind::Ternary,
            span: self.lines.span(node.start_byte(), condition.end_byte()),
            has_else: true,
            exits_early: false,
            then_body: value_body(then),
            else_body: Some(value_body(otherwise)),
            enclosing: ctx.fork,
            outer: ctx.fork,
            head: None,
        };
        let index = self.push_branch(branch, condition);
        let branch = Ctx {
            fork: Some(index),
            ..ctx.expr()
        };
        self.push(otherwise, branch);
        self.push(
            condition,
            Ctx {
                in_cond: true,
                ..ctx.expr()
            },
        );
        self.push(then, branch);
    }

    /// Adds a branch and its condition; its index.
    fn push_branch(&mut self, branch: Branch, condition: Node<'a>) -> usize {
        let index = self.branches.len();
        self.branches.push(branch);
        self.candidates.push(Candidate {
            condition,
            last_clause: index,
        });
        index
    }

    /// Remembers an identifier read inside a condition (it may be a check local).
    fn note_cond_ident(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        if ctx.in_cond {
            self.cond_idents
                .push((node.start_byte(), ctx.scope, self.text(node)));
        }
    }

    /// `name = check(...)` / `name := check(...)` (also parenthesised or awaited): remembers the
    /// call so that the name becomes a check local if the call is a check. With property specs,
    /// member chains and subscripts are remembered too (they may be property checks).
    fn note_local_call(&mut self, node: Node<'a>, target: &str, value: &str, scope: usize) {
        let (Some(target), Some(value)) = (
            node.child_by_field_name(target),
            node.child_by_field_name(value),
        ) else {
            return;
        };
        let value = unwrap_value(value);
        let remembered = match value.kind() {
            "call" => true,
            "attribute" | "subscript" => self.property_shape,
            _ => false,
        };
        if target.kind() == "identifier" && remembered {
            self.local_calls
                .insert(value.id(), (scope, self.text(target)));
        }
    }

    /// `name = "key"` / `name = flags.X` in a function: remembered, in case a check's key is
    /// `name` and `name` is assigned only there.
    fn note_local_value(&mut self, assignment: Node<'a>, scope: usize) {
        if scope == 0 {
            return;
        }
        let (Some(target), Some(value)) = (
            assignment.child_by_field_name("left"),
            assignment.child_by_field_name("right"),
        ) else {
            return;
        };
        let value = unwrap_parens(value);
        let constant = matches!(
            value.kind(),
            "string" | "concatenated_string" | "identifier" | "attribute"
        );
        if target.kind() == "identifier" && constant {
            self.local_values.insert((scope, self.text(target)), value);
        }
    }

    /// Checks whose key is a local assigned once from a string or a name chain take that value as
    /// their key, located at the value (where the key is spelled).
    fn resolve_key_locals(&mut self) -> HashSet<(usize, usize)> {
        let mut values = HashSet::new();
        for (check, scope, name) in std::mem::take(&mut self.key_locals) {
            let Some(&value) = self.local_values.get(&(scope, name)) else {
                continue;
            };
            if !self.locals.written_once(&(scope, name)) {
                continue;
            }
            let key = self.classify_key(value, scope);
            if matches!(key, KeyExpr::Literal(_) | KeyExpr::Path(_)) {
                let key_span = self.span(value);
                let site = &mut self.facts.checks[check];
                site.key = key;
                site.key_span = key_span;
                values.insert((value.start_byte(), value.end_byte()));
            }
        }
        values
    }

    fn bind_local(&mut self, scope: usize, name: &'a str) {
        self.locals.write((scope, name), None);
    }

    /// `global x` / `nonlocal x`: `x` is not a local of this scope.
    fn bind_declared(&mut self, node: Node<'a>, scope: usize) {
        let children = self.named_children(node);
        for &(child, _) in &children {
            if child.kind() == "identifier" {
                let name = self.text(child);
                self.locals.foreign((scope, name));
            }
        }
        self.children_buffer = children;
    }

    /// `x: int` without a value declares `x` but does not bind it.
    fn visit_bare_annotation(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let left = node.child_by_field_name("left");
        if let Some(left) = left.filter(|l| l.kind() == "identifier") {
            if ctx.level == Level::Module {
                let name = self.text(left);
                self.add_module_name(name);
            }
        }
        let target = ctx.target();
        self.push_children_with(node, |_, child, field| {
            if field == Some("left") {
                (child.kind() != "identifier").then_some(target)
            } else {
                Some(ctx)
            }
        });
    }

    /// Turns the branches whose condition tests a flag into forks.
    fn resolve_forks(&mut self) {
        let branches = std::mem::take(&mut self.branches);
        let candidates = std::mem::take(&mut self.candidates);
        let calls = self.facts.checks.iter().enumerate();
        let calls = calls.map(|(i, c)| (c.span.start as usize, c.span.end as usize, i));
        let locals = self.cond_idents.iter().filter_map(|&(start, scope, name)| {
            let check = self.locals.check_local(&(scope, name))?;
            Some((start, start + name.len(), check))
        });
        let tests = FlagTests::new(calls.chain(locals).collect());
        self.facts.forks = flow::forks(&branches, |index| {
            let condition = candidates[index].condition;
            let checks = tests.within(condition.byte_range());
            if checks.is_empty() {
                return Tested::default();
            }
            let node = |node| condition_node(node, self.source);
            let is_test = |node| {
                let node = unwrap_value(node);
                matches!(
                    node.kind(),
                    "call" | "attribute" | "subscript" | "identifier"
                ) && tests.is_test(node.byte_range())
            };
            let test = flow::test(condition, node, is_test);
            Tested { checks, test }
        });
    }

    /// What a block of statements holds.
    fn block(&self, block: Option<Node<'a>>) -> Held {
        let statements = block.map(|b| {
            let mut cursor = b.walk();
            b.named_children(&mut cursor).collect::<Vec<_>>()
        });
        flow::branch(statements.into_iter().flatten().map(|s| self.statement(s)))
    }

    /// What the `else:` among an if's or elif's next clause holds (`None` for an `elif`).
    fn else_body(&self, clause: Option<Node<'a>>) -> Option<Body> {
        clause
            .filter(|c| c.kind() == "else_clause")
            .map(|c| self.block(c.child_by_field_name("body")).body)
    }

    fn statement(&self, node: Node<'a>) -> Statement {
        match node.kind() {
            "pass_statement" | "comment" => Statement::Nothing,
            "return_statement" | "raise_statement" | "continue_statement" | "break_statement" => {
                Statement::Exit
            }
            "expression_statement" => {
                let mut cursor = node.walk();
                let expression = node.named_children(&mut cursor).next();
                match expression.map(unwrap_value) {
                    Some(e) if matches!(e.kind(), "ellipsis" | "string") => Statement::Nothing,
                    Some(e) if e.kind() == "call" => {
                        let segments = e
                            .child_by_field_name("function")
                            .and_then(|callee| callee_segments(callee, self.source))
                            .unwrap_or_default();
                        if flow::is_log_call(&segments) {
                            Statement::Log
                        } else {
                            Statement::Other
                        }
                    }
                    _ => Statement::Other,
                }
            }
            _ => Statement::Other,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Binding and pattern positions

    fn visit_target(&mut self, node: Node<'a>, ctx: Ctx<'a>, bind: bool) {
        match node.kind() {
            "identifier" => {
                self.bind_local(ctx.scope, self.text(node));
                if bind {
                    let name = self.text(node);
                    self.add_module_name(name);
                }
            }
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "tuple"
            | "list"
            | "parenthesized_expression"
            | "as_pattern_target"
            | "list_splat_pattern"
            | "list_splat"
            | "type" => self.push_children(node, ctx),
            "attribute" => {
                if let Chain::Unrooted(Some(base)) = attribute_chain(node) {
                    self.mark_chain_part(base);
                    self.push(base, ctx.expr());
                }
            }
            "subscript" => {
                // `a.b["KEY"] = ...` writes the member: its parts are read, it is not a check.
                if let Some(value) = node.child_by_field_name("value") {
                    self.mark_chain_part(value);
                }
                self.push_children(node, ctx.expr());
            }
            _ => self.visit(node, ctx.expr()),
        }
    }

    fn visit_pattern(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        match node.kind() {
            "identifier" => self.bind_local(ctx.scope, self.text(node)),
            "dotted_name" => self.visit_dotted_name(node, 2),
            "class_pattern" => {
                // `case Foo(...)`: the class is a value even when it is a single name.
                let class_name = node.named_child(0).filter(|n| n.kind() == "dotted_name");
                self.push_children_with(node, |_, child, _| {
                    Some(if Some(child) == class_name {
                        ctx.expr()
                    } else {
                        ctx
                    })
                });
            }
            _ => self.push_children(node, ctx),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Definitions

    fn visit_function(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let name = node.child_by_field_name("name").map(|n| self.text(n));
        if let Some(name) = name {
            self.bind_local(ctx.scope, name);
        }
        match (ctx.level, name) {
            (Level::Module, Some(name)) => self.add_module_name(name),
            (Level::Class(Some(class)), Some(name)) => self.add_member_name(class, name),
            _ => {}
        }
        self.visit_callable(node, name, ctx);
    }

    fn visit_lambda(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        self.visit_callable(node, None, ctx);
    }

    /// A `def` or `lambda`: its body in a new scope holding its parameters; annotations and
    /// default values in the enclosing scope.
    fn visit_callable(&mut self, node: Node<'a>, name: Option<&'a str>, ctx: Ctx<'a>) {
        let (params, exprs) = match node.child_by_field_name("parameters") {
            Some(parameters) => self.parameters(parameters),
            None => (Vec::new(), Vec::new()),
        };
        let scope = self.new_scope(ctx.scope, name, params);
        // A `def` is a fork boundary; a lambda is not.
        let is_def = node.kind() == "function_definition";
        if let Some(body) = node.child_by_field_name("body") {
            self.push(
                body,
                Ctx {
                    scope,
                    level: Level::Local,
                    mode: Mode::Expr,
                    fork: if is_def { None } else { ctx.fork },
                    in_cond: !is_def && ctx.in_cond,
                    chain: None,
                },
            );
        }
        if let Some(return_type) = node.child_by_field_name("return_type") {
            self.push(return_type, ctx.expr());
        }
        for expr in exprs.into_iter().rev() {
            self.push(expr, ctx.expr());
        }
    }

    fn new_scope(&mut self, parent: usize, name: Option<&'a str>, params: Vec<&'a str>) -> usize {
        let scope = self.scopes.push(Some(parent), name, params);
        for &param in self.scopes.get(scope).map_or(&[][..], |s| &s.params) {
            self.locals.foreign((scope, param));
        }
        scope
    }

    /// Parameter names, and the annotations and default values to visit (in source order).
    fn parameters(&mut self, parameters: Node<'a>) -> (Vec<&'a str>, Vec<Node<'a>>) {
        let mut names = Vec::new();
        let mut exprs = Vec::new();
        let children = self.named_children(parameters);
        for &(param, _) in &children {
            let mut cursor = param.walk();
            for (child, field) in field_children(param, &mut cursor) {
                match field {
                    Some("type") | Some("value") => exprs.push(child),
                    _ => self.binding_names(child, &mut names),
                }
            }
            if param.named_child_count() == 0 || param.kind() == "identifier" {
                self.binding_names(param, &mut names);
            }
        }
        self.children_buffer = children;
        (names, exprs)
    }

    /// The identifiers a parameter pattern binds (`x`, `*args`, `(a, b)`).
    fn binding_names(&self, node: Node<'a>, names: &mut Vec<&'a str>) {
        let mut stack = vec![node];
        let mut cursor = node.walk();
        while let Some(node) = stack.pop() {
            match node.kind() {
                "identifier" => names.push(self.text(node)),
                "list_splat_pattern"
                | "dictionary_splat_pattern"
                | "tuple_pattern"
                | "list_pattern"
                | "parenthesized_expression" => {
                    stack.extend(node.named_children(&mut cursor));
                }
                _ => {}
            }
        }
    }

    fn visit_class(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let name = node.child_by_field_name("name").map(|n| self.text(n));
        if let Some(name) = name {
            self.bind_local(ctx.scope, name);
        }
        let body_level = match ctx.level {
            Level::Module => {
                if let Some(name) = name {
                    self.add_module_name(name);
                }
                Level::Class(name)
            }
            Level::Class(Some(outer)) => {
                if let Some(name) = name {
                    self.add_member_name(outer, name);
                }
                Level::Class(None)
            }
            _ => Level::Class(None),
        };
        if let Some(body) = node.child_by_field_name("body") {
            // The class body is its own namespace for check locals, and a fork boundary.
            let scope = self.new_scope(ctx.scope, None, Vec::new());
            self.push(
                body,
                Ctx {
                    scope,
                    level: body_level,
                    fork: None,
                    in_cond: false,
                    chain: None,
                    ..ctx.expr()
                },
            );
        }
        if let Some(superclasses) = node.child_by_field_name("superclasses") {
            self.push(superclasses, ctx.expr());
        }
    }

    fn add_member_name(&mut self, class: &str, name: &str) {
        self.facts.member_names.push(format!("{class}.{name}"));
    }

    /// The names an assignment (also annotated, chained, or a bare annotation) binds in the body
    /// of the module-level class `class`, whatever their values.
    fn class_members(&mut self, statement: Node<'a>, class: &str) {
        let Some(mut assignment) = statement.named_child(0) else {
            return;
        };
        while assignment.kind() == "assignment" {
            if let Some(left) = assignment.child_by_field_name("left") {
                if left.kind() == "identifier" {
                    let name = self.text(left);
                    self.add_member_name(class, name);
                }
            }
            match assignment.child_by_field_name("right") {
                Some(right) => assignment = right,
                None => break,
            }
        }
    }

    /// A plain string literal whose value is a flag key of [`ExtractOptions::keys`].
    fn key_mention(&mut self, node: Node<'a>) {
        if self.concatenated_parts.remove(&node.id()) {
            return;
        }
        if node.kind() == "concatenated_string" {
            let mut cursor = node.walk();
            self.concatenated_parts
                .extend(node.named_children(&mut cursor).map(|part| part.id()));
        }
        if let Some(value) = self.plain_string(node) {
            if self.options.keys.contains(&value) {
                let span = self.span(node);
                self.facts.key_mentions.push((value, span));
            }
        }
    }

    /// `NAME = "x"` (also annotated, chained) at module level or in a module-level class body.
    fn string_consts(&mut self, statement: Node<'a>, level: Level<'a>) {
        let class = match level {
            Level::Module => None,
            Level::Class(Some(class)) => Some(class),
            _ => return,
        };
        let Some(mut assignment) = statement.named_child(0) else {
            return;
        };
        if assignment.kind() != "assignment" || statement.has_error() {
            return;
        }
        let mut targets = Vec::new();
        let value = loop {
            if let Some(left) = assignment.child_by_field_name("left") {
                targets.push(left);
            }
            match assignment.child_by_field_name("right") {
                Some(right) if right.kind() == "assignment" => assignment = right,
                Some(right) => break right,
                None => return,
            }
        };
        let Some(value) = self.plain_string(value) else {
            return;
        };
        for target in targets {
            if target.kind() != "identifier" {
                continue;
            }
            let name = self.text(target);
            let symbol = match class {
                Some(class) => vec![class.to_string(), name.to_string()],
                None => vec![name.to_string()],
            };
            self.facts.string_consts.push(StringConst {
                reference: Some(symbol.join(".")),
                symbol,
                value: value.clone(),
                exported: true,
                span: self.span(statement),
                name_span: self.span(target),
                kind: ConstKind::Constant,
            });
        }
    }

    /// The value of a plain (not f-, not bytes) string literal or implicit concatenation of them.
    fn plain_string(&self, node: Node<'a>) -> Option<String> {
        let node = unwrap_parens(node);
        match node.kind() {
            "string" | "concatenated_string" => {}
            _ => return None,
        }
        if string_parts(node)
            .iter()
            .any(|part| prefix_of(self.text(*part)).contains(['f', 'F', 't', 'T']))
        {
            return None;
        }
        string_value(node, self.source).ok()
    }

    // -----------------------------------------------------------------------------------------
    // Definition shapes (definitions files only)

    /// `NAME = {...}` for a registry name, `NAME = [...]` / `(...)` / `{...}` (a set) for a list
    /// name, at module level (also annotated, chained): one constant per string key / element.
    fn definition_literals(&mut self, statement: Node<'a>) {
        let Some(mut assignment) = statement.named_child(0) else {
            return;
        };
        if assignment.kind() != "assignment" {
            return;
        }
        let mut targets = Vec::new();
        let value = loop {
            if let Some(left) = assignment.child_by_field_name("left") {
                targets.push(left);
            }
            match assignment.child_by_field_name("right") {
                Some(right) if right.kind() == "assignment" => assignment = right,
                Some(right) => break unwrap_parens(right),
                None => return,
            }
        };
        let definitions = self.options.definitions;
        for target in targets {
            if target.kind() != "identifier" {
                continue;
            }
            let name = self.text(target);
            match value.kind() {
                "dictionary" if definitions.is_registry(name) => self.registry_keys(name, value),
                "list" | "tuple" | "set" if definitions.is_list(name) => {
                    self.list_elements(name, value)
                }
                _ => {}
            }
        }
    }

    /// The plain string keys of a dict literal (`**spread` and other keys skipped).
    fn registry_keys(&mut self, name: &str, dictionary: Node<'a>) {
        let mut cursor = dictionary.walk();
        for pair in dictionary.named_children(&mut cursor) {
            if pair.kind() != "pair" {
                continue;
            }
            if let Some(key) = pair.child_by_field_name("key") {
                self.push_definition(ConstKind::RegistryKey, Some(name), pair, key);
            }
        }
    }

    /// The string elements of a list / tuple / set literal, and the first element of each
    /// `("key", default)` pair.
    fn list_elements(&mut self, name: &str, literal: Node<'a>) {
        let mut cursor = literal.walk();
        for element in literal.named_children(&mut cursor) {
            let inner = unwrap_parens(element);
            let key = match inner.kind() {
                "list" | "tuple" => {
                    let mut inner_cursor = inner.walk();
                    let first = inner
                        .named_children(&mut inner_cursor)
                        .find(|n| n.kind() != "comment");
                    match first {
                        Some(first) => first,
                        None => continue,
                    }
                }
                "comment" => continue,
                _ => element,
            };
            self.push_definition(ConstKind::ListElement, Some(name), element, key);
        }
    }

    /// `manager.add("key", ...)` for a configured registration: the literal key argument.
    fn registration(&mut self, call: Node<'a>, function: Node<'a>, arguments: Node<'a>) {
        let last = match function.kind() {
            "identifier" => function,
            "attribute" => match function.child_by_field_name("attribute") {
                Some(attribute) => attribute,
                None => return,
            },
            _ => return,
        };
        let last = self.text(last);
        let definitions = self.options.definitions;
        if !definitions.is_registration_candidate(last) {
            return;
        }
        let callee: Vec<&str> = match attribute_chain(function) {
            Chain::Rooted(segments) => segments.iter().map(|s| self.text(*s)).collect(),
            Chain::Unrooted(_) => vec![last],
        };
        let Some(key) = definitions.registration(&callee) else {
            return;
        };
        let Some(KeyArgument::Found(key_node)) = key_argument(self, arguments, key) else {
            return;
        };
        // `NAME = WaffleSwitch("key", ...)` at module level: the constant is `NAME`.
        let statement = binding_of(call, "assignment", "right", "left").filter(|(a, _)| {
            a.parent().is_some_and(|s| {
                s.kind() == "expression_statement"
                    && s.parent().is_some_and(|m| m.kind() == "module")
            })
        });
        match statement {
            Some((assignment, name)) => {
                let name_text = self.text(name);
                self.push_named_definition(name_text, assignment, name, key_node)
            }
            None => self.push_definition(ConstKind::Registration, None, call, key_node),
        }
    }

    /// Records a definition when `key` is a plain string literal: symbol `[container, value]`
    /// (or `[value]`), spanning `whole`.
    fn push_definition(
        &mut self,
        kind: ConstKind,
        container: Option<&str>,
        whole: Node<'a>,
        key: Node<'a>,
    ) {
        let key = unwrap_parens(key);
        let Some(value) = self.plain_string(key) else {
            return;
        };
        let symbol = container
            .map(str::to_string)
            .into_iter()
            .chain([value.clone()])
            .collect();
        self.facts.string_consts.push(StringConst {
            symbol,
            value,
            exported: true,
            span: self.span(whole),
            name_span: self.span(key),
            reference: None,
            kind,
        });
    }

    /// A registration assigned to a module-level name: symbol `[name]`.
    fn push_named_definition(
        &mut self,
        name_text: &str,
        whole: Node<'a>,
        name: Node<'a>,
        key: Node<'a>,
    ) {
        let Some(value) = self.plain_string(unwrap_parens(key)) else {
            return;
        };
        self.facts.string_consts.push(StringConst {
            symbol: vec![name_text.to_string()],
            value,
            exported: true,
            span: self.span(whole),
            name_span: self.span(name),
            reference: None,
            kind: ConstKind::Registration,
        });
    }

    // -----------------------------------------------------------------------------------------
    // Imports

    fn visit_import(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let module_level = ctx.level == Level::Module;
        let (level, dotted, from) = match node.kind() {
            "import_statement" => (0, String::new(), false),
            "future_import_statement" => (0, "__future__".to_string(), true),
            _ => match node.child_by_field_name("module_name") {
                Some(module) => {
                    let (level, dotted) = self.module_path(module);
                    (level, dotted, true)
                }
                None => return,
            },
        };
        let children = self.named_children(node);
        for &(child, field) in &children {
            let import = match (child.kind(), field) {
                ("wildcard_import", _) => Some(("*", dotted.clone(), None)),
                (_, Some("name")) => self.imported_name(child, from, &dotted),
                _ => None,
            };
            let Some((local, module, name)) = import else {
                continue;
            };
            if local != "*" {
                self.bind_local(ctx.scope, local);
                self.import_locals.insert(local);
                if module_level {
                    self.add_module_name(local);
                }
            }
            self.facts.imports.push(Import {
                local: local.to_string(),
                module: ModuleRef::Python {
                    level,
                    dotted: module,
                },
                name,
                reexport: module_level,
                scope: Vec::new(),
                span: self.span(child),
            });
        }
        self.children_buffer = children;
    }

    /// (local, module, imported name) of one `import` / `from ... import` clause.
    fn imported_name(
        &self,
        clause: Node<'a>,
        from: bool,
        from_module: &str,
    ) -> Option<(&'a str, String, Option<String>)> {
        let (dotted, alias) = match clause.kind() {
            "aliased_import" => (
                clause.child_by_field_name("name")?,
                clause.child_by_field_name("alias").map(|a| self.text(a)),
            ),
            "dotted_name" => (clause, None),
            _ => return None,
        };
        let parts = self.dotted_parts(dotted);
        let first = *parts.first()?;
        let joined = parts.join(".");
        Some(match (from, alias) {
            (true, alias) => (
                alias.unwrap_or(first),
                from_module.to_string(),
                Some(joined),
            ),
            (false, Some(alias)) => (alias, joined, None),
            (false, None) => (first, first.to_string(), None),
        })
    }

    /// Leading dots and dotted path of a `from` module (`..a.b` -> (2, "a.b")).
    fn module_path(&self, module: Node<'a>) -> (u32, String) {
        if module.kind() == "dotted_name" {
            return (0, self.dotted_parts(module).join("."));
        }
        let mut level = 0;
        let mut dotted = String::new();
        let mut cursor = module.walk();
        for child in module.named_children(&mut cursor) {
            match child.kind() {
                "import_prefix" => {
                    level = self.text(child).chars().filter(|&c| c == '.').count() as u32
                }
                "dotted_name" => dotted = self.dotted_parts(child).join("."),
                _ => {}
            }
        }
        (level, dotted)
    }

    fn dotted_parts(&self, dotted: Node<'a>) -> Vec<&'a str> {
        let mut cursor = dotted.walk();
        dotted
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "identifier")
            .map(|n| self.text(n))
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Calls

    fn visit_call(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let function = node.child_by_field_name("function");
        let arguments = node.child_by_field_name("arguments");
        let mut skip = None;
        if let (Some(function), Some(arguments)) = (function, arguments) {
            if self.definitions {
                self.registration(node, function, arguments);
            }
            if let Some((check, key_node)) = self.check_site(node, function, arguments, ctx) {
                let visit_key = matches!(check.key, KeyExpr::Dynamic(_))
                    && unwrap_parens(key_node).kind() != "identifier";
                if !visit_key {
                    skip = Some(key_node.id());
                }
                let index = self.facts.checks.len();
                let state = self.options.checks.specs()[check.spec]
                    .state
                    .as_deref()
                    .and_then(|keyword| self.state_argument(arguments, keyword));
                if ctx.scope != 0
                    && matches!(&check.key, KeyExpr::Path(path) if path.len() == 1)
                    && unwrap_parens(key_node).kind() == "identifier"
                {
                    self.key_locals
                        .push((index, ctx.scope, self.text(unwrap_parens(key_node))));
                }
                self.facts.checks.push(check);
                if let Some(state) = state {
                    self.facts.check_states.push((index, state));
                }
                self.check_nodes.insert(node.id(), index);
                if let Some(&local) = self.local_calls.get(&node.id()) {
                    self.locals.assigned_check(local, index);
                }
            }
        }
        if let Some(arguments) = arguments {
            if arguments.kind() == "argument_list" {
                self.push_children_with(arguments, |_, child, _| {
                    let is_key = Some(child.id()) == skip
                        || (skip.is_some()
                            && child.kind() == "keyword_argument"
                            && child.child_by_field_name("value").map(|v| v.id()) == skip);
                    (!is_key).then_some(ctx.expr())
                });
            } else if Some(arguments.id()) != skip {
                self.push(arguments, ctx.expr());
            }
        }
        if let Some(function) = function {
            self.callees.insert(function.id());
            // `settings.FEATURES.get(...)` calls a method; it is not a property check.
            self.mark_chain_part(function);
            self.push(function, ctx.expr());
        }
    }

    /// The check a call is, with its key argument node.
    fn check_site(
        &self,
        call: Node<'a>,
        function: Node<'a>,
        arguments: Node<'a>,
        ctx: Ctx<'a>,
    ) -> Option<(CheckSite, Node<'a>)> {
        let callee = self.callee_chain(function)?;
        let last = *callee.last()?;
        let (spec_index, spec) = self.options.checks.find(self.options.language, &callee)?;
        if self.inside_function_named(ctx.scope, last) {
            return None;
        }
        let (key, key_node) = match key_argument(self, arguments, &spec.key)? {
            KeyArgument::Found(node) => (self.classify_key(node, ctx.scope), node),
            KeyArgument::Unpacked(node) => (KeyExpr::from(DynamicReason::UnpackedArgument), node),
        };
        Some((
            CheckSite {
                spec: spec_index,
                key,
                span: self.span(call),
                key_span: self.span(key_node),
                in_test: false,
                scope: Vec::new(),
            },
            key_node,
        ))
    }

    /// The boolean literal (`True` / `False`, possibly parenthesised) passed to a call as the
    /// keyword argument `keyword`; `None` when absent or not a literal.
    fn state_argument(&self, arguments: Node<'a>, keyword: &str) -> Option<bool> {
        if arguments.kind() != "argument_list" {
            return None;
        }
        let mut cursor = arguments.walk();
        let value = arguments.named_children(&mut cursor).find_map(|arg| {
            let name = arg.child_by_field_name("name")?;
            (arg.kind() == "keyword_argument" && self.text(name) == keyword)
                .then(|| arg.child_by_field_name("value"))
                .flatten()
        })?;
        match unwrap_parens(value).kind() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// `f` -> [f]; `a.b.f` -> [a, b, f]; `g().f` -> [f]; `None` when the last segment is not a
    /// candidate or the callee has no name.
    fn callee_chain(&self, function: Node<'a>) -> Option<Vec<&'a str>> {
        match function.kind() {
            "identifier" => {
                let name = self.text(function);
                self.options.checks.is_candidate(name).then(|| vec![name])
            }
            "attribute" => {
                let last = self.text(function.child_by_field_name("attribute")?);
                if !self.options.checks.is_candidate(last) {
                    return None;
                }
                Some(match attribute_chain(function) {
                    Chain::Rooted(segments) => segments.iter().map(|s| self.text(*s)).collect(),
                    Chain::Unrooted(_) => vec![last],
                })
            }
            _ => None,
        }
    }

    fn inside_function_named(&self, scope: usize, name: &str) -> bool {
        self.scopes.inside_function_named(Some(scope), name)
    }

    fn is_parameter(&self, scope: usize, name: &str) -> bool {
        self.scopes.is_param(Some(scope), name)
    }

    // -----------------------------------------------------------------------------------------
    // Check shapes: class attributes and property chains

    /// `NAME = value` (also annotated or chained) in a class body where `NAME` is an attribute
    /// check: one check per matching target; the value is the key and is not walked again
    /// unless it is dynamic.
    fn attribute_checks(&mut self, statement: Node<'a>, ctx: Ctx<'a>) {
        let Some(mut assignment) = statement.named_child(0) else {
            return;
        };
        if assignment.kind() != "assignment" {
            return;
        }
        let mut targets = Vec::new();
        let value = loop {
            if let Some(left) = assignment.child_by_field_name("left") {
                targets.push(left);
            }
            match assignment.child_by_field_name("right") {
                Some(right) if right.kind() == "assignment" => assignment = right,
                Some(right) => break right,
                None => return,
            }
        };
        let mut recorded = None;
        for target in targets {
            if target.kind() != "identifier" {
                continue;
            }
            let name = self.text(target);
            if !self
                .options
                .checks
                .is_shape_candidate(ShapeKind::Attribute, name)
            {
                continue;
            }
            let Some((spec, _)) = self.options.checks.find_shape(
                self.options.language,
                ShapeKind::Attribute,
                &[name],
            ) else {
                continue;
            };
            let key = self.classify_key(value, ctx.scope);
            recorded = Some(matches!(key, KeyExpr::Dynamic(_)));
            self.facts.checks.push(CheckSite {
                spec,
                key,
                span: self.span(statement),
                key_span: self.span(value),
                in_test: false,
                scope: Vec::new(),
            });
        }
        if let Some(dynamic) = recorded {
            if !dynamic || unwrap_parens(value).kind() == "identifier" {
                self.skipped.insert(value.id());
            }
        }
    }

    /// Notes that `node` (when an attribute or subscript) is part of something larger - the
    /// object of a member, a callee, a written target - so it is not a property check itself.
    fn mark_chain_part(&mut self, node: Node<'a>) {
        if self.property_shape && matches!(node.kind(), "attribute" | "subscript") {
            self.not_maximal.insert(node.id());
        }
    }

    /// An attribute or subscript that may be a property check: not part of something larger,
    /// and the member before its key is the last segment of a property spec.
    fn is_property_candidate(&mut self, node: Node<'a>) -> bool {
        if self.not_maximal.remove(&node.id()) {
            return false;
        }
        let object = match node.kind() {
            "attribute" => node.child_by_field_name("object"),
            "subscript" => node.child_by_field_name("value"),
            _ => None,
        };
        let last = object.and_then(|object| match object.kind() {
            "identifier" => Some(self.text(object)),
            "attribute" => object
                .child_by_field_name("attribute")
                .map(|a| self.text(a)),
            _ => None,
        });
        last.is_some_and(|last| {
            self.options
                .checks
                .is_shape_candidate(ShapeKind::Property, last)
        })
    }

    /// `a.b.c.KEY`: a property check when `a.b.c` ends with a property spec's segments.
    /// `segments` are the chain's member names (the root identifier first when it has one).
    fn attribute_property_check(&mut self, node: Node<'a>, segments: &[Node<'a>]) -> bool {
        let Some((&key_node, prefix)) = segments.split_last() else {
            return false;
        };
        let key = KeyExpr::Literal(self.text(key_node).to_string());
        self.property_check(node, prefix, key, key_node).is_some()
    }

    /// `a.b.c["KEY"]` (or `a.b.c[expr]`, a dynamic key): a property check when `a.b.c` ends
    /// with a property spec's segments. Otherwise walked like any subscript.
    fn visit_subscript(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let candidate = self.is_property_candidate(node);
        let value = node.child_by_field_name("value");
        if let Some(value) = value {
            self.mark_chain_part(value);
        }
        let (Some(value), Some(index), true) = (value, single_index(node), candidate) else {
            return self.push_children(node, ctx);
        };
        let (segments, base) = member_chain(value);
        let key = self.classify_index(index, ctx.scope);
        let visit_index = match &key {
            KeyExpr::Literal(_) => false,
            _ => {
                let index = unwrap_parens(index);
                index.kind() != "identifier" || !self.is_parameter(ctx.scope, self.text(index))
            }
        };
        if self.property_check(node, &segments, key, index).is_none() {
            return self.push_children(node, ctx);
        }
        if visit_index {
            self.push(index, ctx.expr());
        }
        if let Some(base) = base {
            self.mark_chain_part(base);
            self.push(base, ctx.expr());
        }
    }

    /// The key of a subscript property: a string literal, else dynamic.
    fn classify_index(&self, index: Node<'a>, scope: usize) -> KeyExpr {
        let index = unwrap_parens(index);
        if matches!(index.kind(), "string" | "concatenated_string") {
            return match string_value(index, self.source) {
                Ok(value) => KeyExpr::Literal(value),
                Err(what) => KeyExpr::Dynamic(what.to_string()),
            };
        }
        match self.classify_key(index, scope) {
            key @ (KeyExpr::Dynamic(_) | KeyExpr::Parameter(_)) => key,
            _ => KeyExpr::from(DynamicReason::NonLiteralIndex),
        }
    }

    /// Records a property check when the members before the key (`prefix`) end with a
    /// property spec's segments; the check's index.
    fn property_check(
        &mut self,
        node: Node<'a>,
        prefix: &[Node<'a>],
        key: KeyExpr,
        key_node: Node<'a>,
    ) -> Option<usize> {
        if prefix.is_empty() {
            return None;
        }
        let names: Vec<&'a str> = prefix.iter().map(|s| self.text(*s)).collect();
        let (spec, _) =
            self.options
                .checks
                .find_shape(self.options.language, ShapeKind::Property, &names)?;
        let index = self.facts.checks.len();
        self.facts.checks.push(CheckSite {
            spec,
            key,
            span: self.span(node),
            key_span: self.span(key_node),
            in_test: false,
            scope: Vec::new(),
        });
        self.check_nodes.insert(node.id(), index);
        if let Some(&local) = self.local_calls.get(&node.id()) {
            self.locals.assigned_check(local, index);
        }
        Some(index)
    }

    /// What a key argument is: a literal, a static name chain, or something dynamic.
    fn classify_key(&self, node: Node<'a>, scope: usize) -> KeyExpr {
        let node = unwrap_parens(node);
        let dynamic = KeyExpr::from;
        match node.kind() {
            "string" | "concatenated_string" => match string_value(node, self.source) {
                Ok(value) => KeyExpr::Literal(value),
                Err(what) => KeyExpr::Dynamic(what.to_string()),
            },
            "identifier" => {
                let name = self.text(node);
                if self.is_parameter(scope, name) {
                    KeyExpr::Parameter(name.to_string())
                } else {
                    KeyExpr::Path(vec![name.to_string()])
                }
            }
            "attribute" => match attribute_chain(node) {
                Chain::Rooted(segments) => {
                    KeyExpr::Path(segments.iter().map(|s| self.text(*s).to_string()).collect())
                }
                Chain::Unrooted(_) => dynamic(DynamicReason::AttributeOfExpression),
            },
            "binary_operator" => match node.child_by_field_name("operator").map(|o| o.kind()) {
                Some("+") => dynamic(DynamicReason::StringConcatenation),
                Some("%") => dynamic(DynamicReason::PercentFormat),
                _ => dynamic(DynamicReason::Expression),
            },
            "call" => {
                let is_format = node
                    .child_by_field_name("function")
                    .filter(|f| f.kind() == "attribute")
                    .and_then(|f| f.child_by_field_name("attribute"))
                    .is_some_and(|a| self.text(a) == "format");
                if is_format {
                    dynamic(DynamicReason::FormatCall)
                } else {
                    dynamic(DynamicReason::CallResult)
                }
            }
            "conditional_expression" => dynamic(DynamicReason::Conditional),
            "subscript" => dynamic(DynamicReason::Subscript),
            _ => dynamic(DynamicReason::Expression),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers on nodes and text

/// Finds the argument of a call at `key`; `None` when the call has none.
fn key_argument<'a>(
    walker: &Walker<'a, '_>,
    arguments: Node<'a>,
    key: &KeyArg,
) -> Option<KeyArgument<'a>> {
    if arguments.kind() != "argument_list" {
        // `f(x for x in y)`: the generator is the only, positional, argument.
        return (key.position == Some(0)).then_some(KeyArgument::Found(arguments));
    }
    let mut cursor = arguments.walk();
    let args: Vec<Node<'a>> = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .collect();
    if let Some(keyword) = &key.keyword {
        let found = args.iter().find_map(|arg| {
            let name = arg.child_by_field_name("name")?;
            (arg.kind() == "keyword_argument" && walker.text(name) == keyword)
                .then(|| arg.child_by_field_name("value"))
                .flatten()
        });
        if let Some(value) = found {
            return Some(KeyArgument::Found(value));
        }
    }
    let mut index = 0;
    for &arg in &args {
        match arg.kind() {
            "keyword_argument" => continue,
            "list_splat" | "dictionary_splat" | "parenthesized_list_splat" => {
                return Some(KeyArgument::Unpacked(arg));
            }
            _ => {
                if key.position == Some(index) {
                    return Some(KeyArgument::Found(arg));
                }
                index += 1;
            }
        }
    }
    None
}

/// Walks `a.b.c` down to its root without recursion.
fn attribute_chain(node: Node) -> Chain {
    let mut segments = Vec::new();
    let mut current = node;
    while current.kind() == "attribute" {
        let (Some(object), Some(attribute)) = (
            current.child_by_field_name("object"),
            current.child_by_field_name("attribute"),
        ) else {
            return Chain::Unrooted(None);
        };
        segments.push(attribute);
        current = object;
    }
    if current.kind() != "identifier" {
        return Chain::Unrooted(Some(current));
    }
    segments.push(current);
    segments.reverse();
    Chain::Rooted(segments)
}

/// The member names of `a.b.c` (the root identifier first when there is one), and the
/// expression the chain starts from when it is not an identifier (`g().b.c` -> `[b, c]`, `g()`).
fn member_chain(node: Node) -> (Vec<Node>, Option<Node>) {
    let mut segments = Vec::new();
    let mut current = node;
    let base = loop {
        match current.kind() {
            "attribute" => {
                let (Some(object), Some(attribute)) = (
                    current.child_by_field_name("object"),
                    current.child_by_field_name("attribute"),
                ) else {
                    return (Vec::new(), None);
                };
                segments.push(attribute);
                current = object;
            }
            "identifier" => {
                segments.push(current);
                break None;
            }
            _ => break Some(current),
        }
    };
    segments.reverse();
    (segments, base)
}

/// The index of `x[i]` when there is exactly one (not `x[a, b]`).
fn single_index(node: Node) -> Option<Node> {
    let mut cursor = node.walk();
    let mut indices = field_children(node, &mut cursor)
        .into_iter()
        .filter(|&(_, field)| field == Some("subscript"))
        .map(|(child, _)| child);
    let first = indices.next()?;
    indices.next().is_none().then_some(first)
}

/// Unwraps parentheses and `await`: `(await check(...))` -> `check(...)`.
fn unwrap_value(mut node: Node) -> Node {
    loop {
        node = unwrap_parens(node);
        if node.kind() != "await" {
            return node;
        }
        let mut cursor = node.walk();
        let inner = node
            .named_children(&mut cursor)
            .find(|n| n.kind() != "comment");
        match inner {
            Some(inner) => node = inner,
            None => return node,
        }
    }
}

/// `x == False`, `True != x`, `x is not True`...: the other operand, and whether the comparison
/// negates it; `None` for any other comparison.
fn bool_comparison(node: Node) -> Option<(Node, bool)> {
    let mut cursor = node.walk();
    let mut operands = Vec::new();
    let mut operators = Vec::new();
    for child in node.children(&mut cursor) {
        if child.kind() == "comment" {
            continue;
        }
        if child.is_named() {
            operands.push(child);
        } else {
            operators.push(child.kind());
        }
    }
    let ([left, right], [operator]) = (operands.as_slice(), operators.as_slice()) else {
        return None;
    };
    let is_bool = |n: Node| matches!(n.kind(), "true" | "false");
    let (operand, literal) = if is_bool(*right) {
        (*left, *right)
    } else if is_bool(*left) {
        (*right, *left)
    } else {
        return None;
    };
    let literal_true = literal.kind() == "true";
    match *operator {
        "==" | "is" => Some((operand, !literal_true)),
        "!=" | "<>" | "is not" => Some((operand, literal_true)),
        _ => None,
    }
}

/// One node of a condition, for [`flow::condition`].
fn condition_node<'t>(node: Node<'t>, source: &str) -> CondNode<Node<'t>> {
    let unary = |operand, negates| CondNode::Unary { operand, negates };
    match node.kind() {
        "parenthesized_expression" | "await" => match unwrap_value(node) {
            inner if inner != node => unary(inner, false),
            _ => CondNode::Leaf,
        },
        "not_operator" => match node.child_by_field_name("argument") {
            Some(argument) => unary(argument, true),
            None => CondNode::Leaf,
        },
        "comparison_operator" => match bool_comparison(node) {
            Some((operand, flips)) => unary(operand, flips),
            None => CondNode::Leaf,
        },
        "boolean_operator" => match (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) {
            (Some(left), Some(right)) => CondNode::Junction {
                any: node.child_by_field_name("operator").map(|o| o.kind()) == Some("or"),
                operands: [left, right],
            },
            _ => CondNode::Leaf,
        },
        "call" => {
            let arguments = node
                .child_by_field_name("arguments")
                .filter(|a| a.kind() == "argument_list");
            let callee = node
                .child_by_field_name("function")
                .and_then(|f| callee_segments(f, source));
            let arguments = arguments.map(named_children).unwrap_or_default();
            match (callee, &arguments[..]) {
                (Some(callee), &[argument])
                    if !matches!(
                        argument.kind(),
                        "keyword_argument" | "list_splat" | "dictionary_splat"
                    ) =>
                {
                    CondNode::Call {
                        callee: callee.into_iter().map(str::to_string).collect(),
                        argument,
                    }
                }
                _ => CondNode::Leaf,
            }
        }
        _ => CondNode::Leaf,
    }
}

/// The named children of a node but comments.
fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// The segments of a callee that is a name or a static attribute chain: `f`, `a.b.f`.
fn callee_segments<'s>(callee: Node, source: &'s str) -> Option<Vec<&'s str>> {
    match attribute_chain(callee) {
        Chain::Rooted(segments) => Some(segments.iter().map(|s| &source[s.byte_range()]).collect()),
        Chain::Unrooted(_) => None,
    }
}

/// What a ternary's value holds: `None` is nothing.
fn value_body(value: Node) -> Body {
    if unwrap_parens(value).kind() == "none" {
        Body::Empty
    } else {
        Body::Code
    }
}

/// The then-branch block ends with `return`, `raise`, `continue` or `break`.
/// The `elif` or `else` clause that follows this clause of its chain.
fn next_clause(node: Node) -> Option<Node> {
    let mut next = node.next_named_sibling();
    while let Some(sibling) = next {
        match sibling.kind() {
            "comment" => next = sibling.next_named_sibling(),
            "elif_clause" | "else_clause" => return Some(sibling),
            _ => return None,
        }
    }
    None
}

/// `((x))` -> `x`.
pub(super) fn unwrap_parens(mut node: Node) -> Node {
    while node.kind() == "parenthesized_expression" {
        let mut cursor = node.walk();
        let inner: Vec<Node> = node
            .named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .collect();
        match inner.as_slice() {
            [only] => node = *only,
            _ => break,
        }
    }
    node
}

/// The decoded value of a string or implicit concatenation of plain strings, or what makes it
/// dynamic ("an f-string", "a bytes literal", "an expression").
pub(super) fn string_value(node: Node, source: &str) -> Result<String, &'static str> {
    let mut value = String::new();
    for part in string_parts(node) {
        value.push_str(&one_string_value(part, source)?);
    }
    Ok(value)
}

/// The decoded value of one string literal.
fn one_string_value(node: Node, source: &str) -> Result<String, &'static str> {
    if node.kind() != "string" {
        return Err(DynamicReason::Expression.text());
    }
    let mut cursor = node.walk();
    let mut content_start = node.start_byte();
    let mut content_end = node.end_byte();
    let mut prefix = "";
    for child in node.children(&mut cursor) {
        match child.kind() {
            "string_start" => {
                prefix = source
                    .get(child.start_byte()..child.end_byte())
                    .unwrap_or("");
                content_start = child.end_byte();
            }
            "string_end" => content_end = child.start_byte(),
            "interpolation" => return Err(DynamicReason::FString.text()),
            _ => {}
        }
    }
    let prefix = prefix_of(prefix);
    if prefix.contains(['b', 'B']) {
        return Err(DynamicReason::BytesLiteral.text());
    }
    let raw = source
        .get(content_start..content_end.max(content_start))
        .unwrap_or("");
    let value = if prefix.contains(['r', 'R']) {
        raw.to_string()
    } else {
        decode_escapes(raw)
    };
    Ok(if prefix.contains(['f', 'F', 't', 'T']) {
        value.replace("{{", "{").replace("}}", "}")
    } else {
        value
    })
}

/// The string pieces of a string or implicit concatenation.
fn string_parts(node: Node) -> Vec<Node> {
    if node.kind() != "concatenated_string" {
        return vec![node];
    }
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect()
}

/// Children with their field names.
fn field_children<'a>(
    node: Node<'a>,
    cursor: &mut TreeCursor<'a>,
) -> Vec<(Node<'a>, Option<&'static str>)> {
    let mut out = Vec::new();
    cursor.reset(node);
    if cursor.goto_first_child() {
        loop {
            let child = cursor.node();
            if child.is_named() {
                out.push((child, cursor.field_name()));
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }
    out
}

/// The letters before the opening quote of a string literal (`rb"` -> `rb`).
fn prefix_of(text: &str) -> &str {
    let end = text.find(['\'', '"']).unwrap_or(text.len());
    &text[..end]
}

/// Decodes Python escape sequences of a non-raw string body.
fn decode_escapes(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(next) = chars.next() else {
            out.push('\\');
            break;
        };
        match next {
            '\n' => {}
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0'..='7' => {
                let mut digits = String::from(next);
                while digits.len() < 3 && chars.peek().is_some_and(|d| ('0'..='7').contains(d)) {
                    digits.extend(chars.next());
                }
                out.extend(
                    u32::from_str_radix(&digits, 8)
                        .ok()
                        .and_then(char::from_u32),
                );
            }
            'x' | 'u' | 'U' => {
                let len = match next {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let digits: String = chars.clone().take(len).collect();
                match u32::from_str_radix(&digits, 16)
                    .ok()
                    .and_then(char::from_u32)
                {
                    Some(decoded) if digits.len() == len => {
                        out.push(decoded);
                        for _ in 0..len {
                            chars.next();
                        }
                    }
                    _ => {
                        out.push('\\');
                        out.push(next);
                    }
                }
            }
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '\\' | '\'' | '"' => out.push(next),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Fork;
    use crate::lang::{
        pairs, test_extract, with_test_options, Grammar, Language, MAX_SYNTAX_ERRORS,
    };

    fn run(source: &str) -> FileFacts {
        test_extract(
            Grammar::Python,
            Language::Python,
            &[
                "get_flag_for_user:1",
                "flag_is_active:name",
                "features.includes:0",
                "is_on:0",
            ],
            &["BINARY_INTERFACE", "FeatureFlags", "X"],
            source,
        )
    }

    fn lit(value: &str) -> KeyExpr {
        KeyExpr::Literal(value.to_string())
    }

    fn path(segments: &[&str]) -> KeyExpr {
        KeyExpr::Path(segments.iter().map(|s| s.to_string()).collect())
    }

    fn dynamic(what: &str) -> KeyExpr {
        KeyExpr::Dynamic(what.to_string())
    }

    fn keys(facts: &FileFacts) -> Vec<KeyExpr> {
        facts.checks.iter().map(|c| c.key.clone()).collect()
    }

    /// The key of the only check in `source`.
    fn key(source: &str) -> KeyExpr {
        let facts = run(source);
        assert_eq!(facts.checks.len(), 1, "{source}: {:?}", facts.checks);
        facts.checks[0].key.clone()
    }

    fn uses(facts: &FileFacts) -> Vec<String> {
        facts.symbol_uses.iter().map(|u| u.path.join(".")).collect()
    }

    fn consts(facts: &FileFacts) -> Vec<(String, String)> {
        facts
            .string_consts
            .iter()
            .map(|c| (c.symbol.join("."), c.value.clone()))
            .collect()
    }

    fn imports(facts: &FileFacts) -> Vec<(String, u32, String, Option<String>, bool)> {
        facts
            .imports
            .iter()
            .map(|i| {
                let ModuleRef::Python { level, dotted } = &i.module else {
                    panic!("not a python module ref");
                };
                (
                    i.local.clone(),
                    *level,
                    dotted.clone(),
                    i.name.clone(),
                    i.reexport,
                )
            })
            .collect()
    }

    fn imp(
        local: &str,
        level: u32,
        dotted: &str,
        name: Option<&str>,
        reexport: bool,
    ) -> (String, u32, String, Option<String>, bool) {
        (
            local.to_string(),
            level,
            dotted.to_string(),
            name.map(str::to_string),
            reexport,
        )
    }

    fn text(source: &str, span: Span) -> &str {
        &source[span.start as usize..span.end as usize]
    }

    // --- string constants ------------------------------------------------------------------

    #[test]
    fn module_level_string_constants() {
        let source = r#"
A = "a"
B: str = 'b'
C: Final = "c"
D: Final[str] = """d"""
E = F = "ef"
G = "g" 'h'
H = ("long"
     "-key")
I = u"i"
J = r"\d"
K = "tab\there \"q\" \\ \n \x41 \u00e9"
L = f"f{x}"
M = f"m"
N = b"n"
O = 1
P, Q = "p", "q"
R = "r" + "s"
S = "s" f"{t}"
T = name
"#;
        let facts = run(source);
        assert_eq!(
            consts(&facts),
            pairs(&[
                ("A", "a"),
                ("B", "b"),
                ("C", "c"),
                ("D", "d"),
                ("E", "ef"),
                ("F", "ef"),
                ("G", "gh"),
                ("H", "long-key"),
                ("I", "i"),
                ("J", "\\d"),
                ("K", "tab\there \"q\" \\ \n A \u{e9}"),
            ])
        );
        assert!(facts.string_consts.iter().all(|c| c.exported));
    }

    #[test]
    fn string_constant_spans() {
        let source = "x = 1\nFLAG: str = 'on'  # comment\n";
        let facts = run(source);
        let c = &facts.string_consts[0];
        assert_eq!(text(source, c.span), "FLAG: str = 'on'");
        assert_eq!(text(source, c.name_span), "FLAG");
        assert_eq!((c.name_span.line, c.name_span.column), (2, 1));
    }

    #[test]
    fn constants_under_module_level_if_and_try() {
        let source = r#"
if TYPE_CHECKING:
    A = "a"
else:
    B = "b"
try:
    C = "c"
except ImportError:
    D = "d"
"#;
        assert_eq!(
            consts(&run(source)),
            pairs(&[("A", "a"), ("B", "b"), ("C", "c"), ("D", "d")])
        );
    }

    #[test]
    fn no_constants_in_function_bodies() {
        let source = r#"
def f():
    A = "a"
    class Inner:
        B = "b"
lambda: (C := "c")
"#;
        assert!(run(source).string_consts.is_empty());
    }

    #[test]
    fn class_attribute_constants() {
        let source = r#"
class Flags(str, Enum):
    NEW_UI = "new-ui"
    BETA: str = "beta"
    COUNT = 3
    FANCY = f"{x}"

    def method(self):
        LOCAL = "local"

    class Nested:
        INNER = "inner"

@dataclass
class F:
    X = "x"

if True:
    class G:
        Y = "y"
"#;
        let facts = run(source);
        assert_eq!(
            consts(&facts),
            pairs(&[
                ("Flags.NEW_UI", "new-ui"),
                ("Flags.BETA", "beta"),
                ("F.X", "x"),
                ("G.Y", "y"),
            ])
        );
        let first = &facts.string_consts[0];
        assert_eq!(text(source, first.span), "NEW_UI = \"new-ui\"");
        assert_eq!(text(source, first.name_span), "NEW_UI");
    }

    // --- module names ----------------------------------------------------------------------

    #[test]
    fn module_names_in_first_occurrence_order() {
        let source = r#"
import os, a.b.c, d.e as de
from m import n, o as p, *
def func(arg):
    local = 1
    from z import inner_import
class Klass:
    attr = 1
    def method(self): pass
VALUE = 1
TYPED: int
ONE, (TWO, THREE) = 1, (2, 3)
first = second = 0
for loop_var in []: pass
with open("f") as handle: pass
@decorator
def decorated(): pass
type Alias = int
VALUE = 2
COUNTER += 1
obj.attr = 1
items[0] = 1
[c for comp_var in x]
"#;
        assert_eq!(
            run(source).module_names,
            vec![
                "os",
                "a",
                "de",
                "n",
                "p",
                "func",
                "Klass",
                "VALUE",
                "TYPED",
                "ONE",
                "TWO",
                "THREE",
                "first",
                "second",
                "loop_var",
                "handle",
                "decorated",
                "Alias",
            ]
        );
    }

    // --- imports ---------------------------------------------------------------------------

    #[test]
    fn import_forms() {
        let source = r#"
import a
import a.b.c
import a.b as z, q
from a.b import c as d, e
from . import x
from ..pkg.mod import (y,
    w as v)
from .m import *
from __future__ import annotations
"#;
        assert_eq!(
            imports(&run(source)),
            vec![
                imp("a", 0, "a", None, true),
                imp("a", 0, "a", None, true),
                imp("z", 0, "a.b", None, true),
                imp("q", 0, "q", None, true),
                imp("d", 0, "a.b", Some("c"), true),
                imp("e", 0, "a.b", Some("e"), true),
                imp("x", 1, "", Some("x"), true),
                imp("y", 2, "pkg.mod", Some("y"), true),
                imp("v", 2, "pkg.mod", Some("w"), true),
                imp("*", 1, "m", None, true),
                imp("annotations", 0, "__future__", Some("annotations"), true),
            ]
        );
    }

    #[test]
    fn imports_inside_functions_and_blocks() {
        let source = r#"
if TYPE_CHECKING:
    from app.flags import Flags
def view(request):
    from waffle import flag_is_active
class C:
    import json
"#;
        assert_eq!(
            imports(&run(source)),
            vec![
                imp("Flags", 0, "app.flags", Some("Flags"), true),
                imp("flag_is_active", 0, "waffle", Some("flag_is_active"), false),
                imp("json", 0, "json", None, false),
            ]
        );
    }

    #[test]
    fn import_span_covers_the_clause() {
        let source = "from m import a, b as c\n";
        let facts = run(source);
        assert_eq!(text(source, facts.imports[0].span), "a");
        assert_eq!(text(source, facts.imports[1].span), "b as c");
        assert!(facts.imports.iter().all(|i| i.scope.is_empty()));
    }

    // --- checks: callee forms --------------------------------------------------------------

    #[test]
    fn callee_forms() {
        let source = r#"
get_flag_for_user(user, "bare")
flags.get_flag_for_user(user, "module")
self.client.get_flag_for_user(user, "method")
a.b.c.get_flag_for_user(user, "chained")
make().get_flag_for_user(user, "on call result")
items[0].get_flag_for_user(user, "on subscript")
features.includes("suffix")
self.features.includes("longer suffix")
includes("no receiver")
other.includes("other receiver")
make().includes("unrooted")
get_flag_for_user_2(user, "other name")
"#;
        let facts = run(source);
        assert_eq!(
            keys(&facts),
            vec![
                lit("bare"),
                lit("module"),
                lit("method"),
                lit("chained"),
                lit("on call result"),
                lit("on subscript"),
                lit("suffix"),
                lit("longer suffix"),
            ]
        );
        assert_eq!(facts.checks[0].spec, 0);
        assert_eq!(facts.checks[6].spec, 2);
        assert!(facts
            .checks
            .iter()
            .all(|c| !c.in_test && c.scope.is_empty()));
    }

    #[test]
    fn check_spans() {
        let source = "x = 1\nif get_flag_for_user(\n    user,\n    'k',\n):\n    pass\n";
        let facts = run(source);
        let check = &facts.checks[0];
        assert_eq!(
            text(source, check.span),
            "get_flag_for_user(\n    user,\n    'k',\n)"
        );
        assert_eq!(text(source, check.key_span), "'k'");
        assert_eq!((check.span.line, check.span.column), (2, 4));
        assert_eq!((check.span.end_line, check.span.end_column), (5, 2));
        assert_eq!((check.key_span.line, check.key_span.column), (4, 5));
    }

    #[test]
    fn columns_count_characters_after_non_ascii_text() {
        let source = "s = 'héllo wörld 🎉'; get_flag_for_user(u, 'k')\n";
        let facts = run(source);
        let span = facts.checks[0].span;
        assert_eq!((span.line, span.column), (1, 22));
        assert_eq!(text(source, span), "get_flag_for_user(u, 'k')");
    }

    // --- checks: key forms -----------------------------------------------------------------

    #[test]
    fn literal_keys() {
        assert_eq!(key("get_flag_for_user(u, 'single')"), lit("single"));
        assert_eq!(key("get_flag_for_user(u, \"double\")"), lit("double"));
        assert_eq!(key("get_flag_for_user(u, '''triple''')"), lit("triple"));
        assert_eq!(key("get_flag_for_user(u, 'a' \"b\")"), lit("ab"));
        assert_eq!(key("get_flag_for_user(u, ('paren'))"), lit("paren"));
        assert_eq!(key("get_flag_for_user(u, r'\\raw')"), lit("\\raw"));
        assert_eq!(key("get_flag_for_user(u, 'esc\\'d')"), lit("esc'd"));
        assert_eq!(key("get_flag_for_user(u, f'plain{{x}}')"), lit("plain{x}"));
    }

    #[test]
    fn path_keys() {
        assert_eq!(key("get_flag_for_user(u, NEW_UI)"), path(&["NEW_UI"]));
        assert_eq!(
            key("get_flag_for_user(u, flags.NEW_UI)"),
            path(&["flags", "NEW_UI"])
        );
        assert_eq!(
            key("get_flag_for_user(u, a.b.NEW_UI)"),
            path(&["a", "b", "NEW_UI"])
        );
        assert_eq!(
            key("get_flag_for_user(u, (Flags.A))"),
            path(&["Flags", "A"])
        );
        assert_eq!(
            key("get_flag_for_user(u, self.FLAG)"),
            path(&["self", "FLAG"])
        );
    }

    #[test]
    fn parameter_keys_are_parameters() {
        let source = r#"
def check(user, key):
    return get_flag_for_user(user, key)
def outer(name):
    def inner():
        return get_flag_for_user(u, name)
    return inner
handler = lambda user, flag: get_flag_for_user(user, flag)
def not_a_param(user):
    return get_flag_for_user(user, key)
def default(user, key=get_flag_for_user(u, key)):
    pass
"#;
        assert_eq!(
            keys(&run(source)),
            vec![
                KeyExpr::Parameter("key".to_string()),
                KeyExpr::Parameter("name".to_string()),
                KeyExpr::Parameter("flag".to_string()),
                path(&["key"]),
                path(&["key"]),
            ]
        );
    }

    #[test]
    fn dynamic_keys() {
        assert_eq!(
            key("get_flag_for_user(u, f'x-{y}')"),
            dynamic("an f-string")
        );
        assert_eq!(
            key("get_flag_for_user(u, 'a' f'{y}')"),
            dynamic("an f-string")
        );
        assert_eq!(
            key("get_flag_for_user(u, b'x')"),
            dynamic("a bytes literal")
        );
        assert_eq!(
            key("get_flag_for_user(u, 'a' + y)"),
            dynamic("a string concatenation")
        );
        assert_eq!(
            key("get_flag_for_user(u, 'a-%s' % y)"),
            dynamic("a % format")
        );
        assert_eq!(
            key("get_flag_for_user(u, 'a-{}'.format(y))"),
            dynamic("a format() call")
        );
        assert_eq!(
            key("get_flag_for_user(u, make_key())"),
            dynamic("a function call result")
        );
        assert_eq!(
            key("get_flag_for_user(u, 'a' if c else 'b')"),
            dynamic("a conditional expression")
        );
        assert_eq!(key("get_flag_for_user(u, KEYS[0])"), dynamic("a subscript"));
        assert_eq!(key("get_flag_for_user(u, 42)"), dynamic("an expression"));
        assert_eq!(
            key("get_flag_for_user(u, make().X)"),
            dynamic("an attribute of an expression")
        );
    }

    #[test]
    fn unpacked_arguments() {
        assert_eq!(
            key("get_flag_for_user(*args)"),
            dynamic("an unpacked argument")
        );
        assert_eq!(
            key("get_flag_for_user(u, *rest)"),
            dynamic("an unpacked argument")
        );
        assert_eq!(
            key("get_flag_for_user(u, **kwargs)"),
            dynamic("an unpacked argument")
        );
        assert_eq!(key("get_flag_for_user(u, 'k', *rest)"), lit("k"));
        assert_eq!(
            key("flag_is_active(request, **kwargs)"),
            dynamic("an unpacked argument")
        );
        let facts = run("get_flag_for_user(u, *rest)");
        assert_eq!(
            text("get_flag_for_user(u, *rest)", facts.checks[0].key_span),
            "*rest"
        );
    }

    #[test]
    fn missing_key_argument_is_not_a_check() {
        let source = r#"
get_flag_for_user(user)
get_flag_for_user()
get_flag_for_user(user, key_is_keyword="x")
flag_is_active(request, "positional")
flag_is_active(request)
get_flag_for_user
"#;
        let facts = run(source);
        assert!(facts.checks.is_empty(), "{:?}", facts.checks);
    }

    #[test]
    fn keyword_key_argument() {
        let source =
            "flag_is_active(request, name='kw')\nflag_is_active(request, other=1, name=Flags.X)\n";
        let facts = run(source);
        assert_eq!(keys(&facts), vec![lit("kw"), path(&["Flags", "X"])]);
        assert_eq!(text(source, facts.checks[0].key_span), "'kw'");
        assert!(facts.symbol_uses.is_empty(), "{:?}", facts.symbol_uses);
    }

    #[test]
    fn generator_argument_is_positional() {
        assert_eq!(key("is_on(x for x in y)"), dynamic("an expression"));
    }

    #[test]
    fn self_recursion_is_skipped() {
        let source = r#"
def get_flag_for_user(user, key):
    return client.get_flag_for_user(user, key)
class Client:
    def get_flag_for_user(self, user, key):
        def helper():
            return self.inner.get_flag_for_user(user, key)
        return helper()
def other(user):
    return get_flag_for_user(user, "counted")
"#;
        assert_eq!(keys(&run(source)), vec![lit("counted")]);
    }

    #[test]
    fn checks_found_in_nested_positions() {
        let source = r#"
@decorator(get_flag_for_user(u, "decorator"))
def f(x=get_flag_for_user(u, "default")):
    wrapper(get_flag_for_user(u, "argument"))
    callback = lambda: get_flag_for_user(u, "lambda")
    return [get_flag_for_user(u, k) for k in ("comprehension",)]
class C:
    enabled = get_flag_for_user(u, "class body")
msg = f"{get_flag_for_user(u, 'interpolation')}"
get_flag_for_user(u, get_flag_for_user(v, "inner"))
"#;
        assert_eq!(
            keys(&run(source)),
            vec![
                lit("decorator"),
                lit("default"),
                lit("argument"),
                lit("lambda"),
                path(&["k"]),
                lit("class body"),
                lit("interpolation"),
                dynamic("a function call result"),
                lit("inner"),
            ]
        );
    }

    // --- symbol uses -----------------------------------------------------------------------

    #[test]
    fn uses_of_imported_roots_and_interesting_names() {
        let source = r#"
import settings
from app import flags
settings.FOO
flags.a.b.c
unrelated.thing
other.X
FeatureFlags
self.X
self.y
"#;
        assert_eq!(
            uses(&run(source)),
            vec![
                "settings.FOO",
                "flags.a.b.c",
                "other.X",
                "FeatureFlags",
                "self.X"
            ]
        );
    }

    #[test]
    fn chains_stop_at_calls_and_subscripts() {
        let source = r#"
from app import flags
flags.a().c
make().X
flags.items[0].X
(flags).X
"#;
        let facts = run(source);
        assert_eq!(uses(&facts), vec!["flags.a", "flags.items", "flags"]);
        assert_eq!(text(source, facts.symbol_uses[0].span), "flags.a");
    }

    #[test]
    fn import_later_in_file_still_counts() {
        let source = "def f():\n    return helpers.thing\nimport helpers\n";
        assert_eq!(uses(&run(source)), vec!["helpers.thing"]);
    }

    #[test]
    fn binding_positions_are_not_uses() {
        let source = r#"
import flags
X = 1
X: str = "x"
X += 1
for X in range(3): pass
def X(FeatureFlags, *X, BINARY_INTERFACE=1, **flags): pass
class FeatureFlags: pass
def g():
    global X
    nonlocal_name = 1
lambda X: 0
[0 for X in y]
with a as X: pass
(X := 1)
flags.X = 1
call(X=1)
try: pass
except E as X: pass
match v:
    case X: pass
"#;
        let facts = run(source);
        assert_eq!(uses(&facts), Vec::<String>::new());
        assert!(facts.checks.is_empty());
    }

    #[test]
    fn value_positions_are_uses() {
        let source = r#"
from app import flags
wrapper(flags.A)
def f(x=FeatureFlags.B):
    return flags.C
if value == flags.D: pass
d = {"k": flags.E, flags.F: 1}
l = [flags.G]
@decorator(flags.H)
def g(): pass
s = f"{flags.I}!"
items[flags.J] = 1
obj[0].attr = flags.K
match v:
    case flags.L: pass
    case FeatureFlags(M=1): pass
"#;
        assert_eq!(
            uses(&run(source)),
            vec![
                "flags.A",
                "FeatureFlags.B",
                "flags.C",
                "flags.D",
                "flags.E",
                "flags.F",
                "flags.G",
                "flags.H",
                "flags.I",
                "flags.J",
                "flags.K",
                "flags.L",
                "FeatureFlags",
            ]
        );
    }

    #[test]
    fn check_keys_are_not_uses_but_dynamic_key_parts_are() {
        let source = r#"
from app import flags
get_flag_for_user(user, flags.A)
get_flag_for_user(user, X)
get_flag_for_user(user, flags.B + "-suffix")
get_flag_for_user(user, f"{flags.C}")
flags.get_flag_for_user(user, "k")
not_a_check(flags.D)
"#;
        assert_eq!(
            uses(&run(source)),
            vec!["flags.B", "flags.C", "flags.get_flag_for_user", "flags.D"]
        );
    }

    #[test]
    fn symbol_use_fields() {
        let source = "é = FeatureFlags.X\n";
        let facts = run(source);
        let use_ = &facts.symbol_uses[0];
        assert_eq!(use_.path, vec!["FeatureFlags", "X"]);
        assert_eq!((use_.span.line, use_.span.column), (1, 5));
        assert_eq!(text(source, use_.span), "FeatureFlags.X");
        assert!(!use_.in_test && use_.scope.is_empty());
    }

    // --- forks -----------------------------------------------------------------------------

    /// The forks of `source` as (kind, condition text after the keyword, checks).
    fn fork_summary(source: &str) -> Vec<(ForkKind, String, Vec<usize>)> {
        run(source)
            .forks
            .iter()
            .map(|f| (f.kind, text(source, f.span).to_string(), f.checks.clone()))
            .collect()
    }

    /// The only fork of `source`.
    fn fork(source: &str) -> Fork {
        let facts = run(source);
        assert_eq!(facts.forks.len(), 1, "{source}: {:?}", facts.forks);
        facts.forks[0].clone()
    }

    fn negated(condition: &str) -> bool {
        fork(&format!("on = is_on('k')\nif {condition}:\n    pass\n")).negated
    }

    fn compound(condition: &str) -> bool {
        fork(&format!("on = is_on('k')\nif {condition}:\n    pass\n")).compound
    }

    fn parents(source: &str) -> Vec<Option<usize>> {
        run(source).forks.iter().map(|f| f.parent).collect()
    }

    #[test]
    fn if_else_with_a_direct_check() {
        let source = "if get_flag_for_user(u, 'k'):\n    a()\nelse:\n    b()\n";
        let facts = run(source);
        assert_eq!(
            facts.forks,
            vec![Fork {
                kind: ForkKind::If,
                span: facts.forks[0].span,
                checks: vec![0],
                negated: false,
                compound: false,
                has_else: true,
                exits_early: false,
                then_body: Body::Code,
                else_body: Some(Body::Code),
                then_without_flag: false,
                chain_head_is_flag: false,
                parent: None,
            }]
        );
        assert_eq!(
            text(source, facts.forks[0].span),
            "if get_flag_for_user(u, 'k')"
        );
    }

    #[test]
    fn ordinary_ifs_are_not_forks() {
        let source = r#"
if x:
    pass
elif y and z:
    pass
value = a if b else c
if helper(u, 'k'):
    pass
if get_flag_for_user(u):
    pass
while is_on('k'):
    pass
[v for v in items if is_on(v)]
"#;
        assert!(run(source).forks.is_empty());
    }

    #[test]
    fn check_locals() {
        let source = r#"
def view(user):
    use_binary = get_flag_for_user(user, X)
    if use_binary:
        pass
    wrapped = (await is_on('w'))
    if wrapped:
        pass
    if (walrus := is_on('walrus')):
        pass
    if walrus:
        pass
"#;
        assert_eq!(
            fork_summary(source),
            vec![
                (ForkKind::If, "if use_binary".to_string(), vec![0]),
                (ForkKind::If, "if wrapped".to_string(), vec![1]),
                (
                    ForkKind::If,
                    "if (walrus := is_on('walrus'))".to_string(),
                    vec![2]
                ),
                (ForkKind::If, "if walrus".to_string(), vec![2]),
            ]
        );
    }

    #[test]
    fn module_scope_check_local() {
        let source = "ON = is_on('k')\nif ON:\n    pass\nx = 1 if ON else 2\n";
        assert_eq!(
            fork_summary(source),
            vec![
                (ForkKind::If, "if ON".to_string(), vec![0]),
                (ForkKind::Ternary, "1 if ON".to_string(), vec![0]),
            ]
        );
    }

    #[test]
    fn names_that_are_not_check_locals() {
        let source = r#"
def twice(user):
    on = is_on('a')
    on = is_on('b')
    if on:
        pass
def augmented(user):
    on = is_on('a')
    on += 1
    if on:
        pass
def looped(user):
    on = is_on('a')
    for on in items:
        pass
    if on:
        pass
def param(on):
    if on:
        pass
def param_reassigned(on):
    on = is_on('a')
    if on:
        pass
def not_a_check(user):
    on = compute(user)
    if on:
        pass
def wrapped_call(user):
    on = bool(is_on('a'))
    if on:
        pass
def other_scope(user):
    if outer_on:
        pass
outer_on = is_on('outer')
def globals_(user):
    global outer_on
    outer_on = is_on('g')
    if outer_on:
        pass
def attribute(self):
    self.on = is_on('a')
    if self.on:
        pass
def tuple_target(user):
    on, off = is_on('a'), 1
    if on:
        pass
def imported(user):
    on = is_on('a')
    from m import on
    if on:
        pass
class Body:
    on = is_on('class')
    def method(self):
        if on:
            pass
"#;
        assert!(run(source).forks.is_empty(), "{:?}", run(source).forks);
    }

    #[test]
    fn bare_annotation_does_not_count_as_an_assignment() {
        let source = "def f():\n    on: bool\n    on = is_on('k')\n    if on:\n        pass\n";
        assert_eq!(fork(source).checks, vec![0]);
    }

    #[test]
    fn check_local_in_a_class_body() {
        let source = "class C:\n    on = is_on('k')\n    if on:\n        x = 1\n";
        assert_eq!(fork(source).checks, vec![0]);
    }

    #[test]
    fn negations() {
        for condition in [
            "not on",
            "not is_on('x')",
            "not (on)",
            "(not on)",
            "on == False",
            "on is False",
            "on != True",
            "on is not True",
            "False == on",
            "True != on",
            "False is (on)",
            "is_on('x') == False",
            "not not not on",
            "not (on == True)",
        ] {
            assert!(negated(condition), "{condition}");
        }
        for condition in [
            "on",
            "not not on",
            "on == True",
            "on is True",
            "on != False",
            "on is not False",
            "not (on and x)",
            "not (x or on)",
            "on == 'on'",
            "on == None",
            "not (on == False)",
            "on < False",
            "on in False",
            "not on.attr",
            "not f(on)",
        ] {
            assert!(!negated(condition), "{condition}");
        }
    }

    #[test]
    fn compound_conditions() {
        for condition in [
            "on and x",
            "x or on",
            "(x and (y or on))",
            "not (on and x)",
            "x and not on",
            "(a or b) and on",
            "(on and x) == False",
        ] {
            assert!(compound(condition), "{condition}");
        }
        for condition in [
            "on",
            "not on",
            "f(a and b, on)",
            "on == (a or b)",
            "[a or b][0] == on",
        ] {
            assert!(!compound(condition), "{condition}");
        }
        let source = "def f():\n    if is_on('a') and is_on('b') or x:\n        pass\n";
        assert_eq!(fork(source).checks, vec![0, 1]);
    }

    #[test]
    fn has_else() {
        let source = r#"
if is_on('a'):
    pass
else:
    pass
if is_on('b'):
    pass
elif is_on('c'):
    pass
elif is_on('d'):
    pass
else:
    pass
if is_on('e'):
    pass
elif is_on('f'):
    pass
# a comment after the chain
if is_on('g'):
    pass
"#;
        let facts = run(source);
        let got: Vec<(ForkKind, bool)> = facts.forks.iter().map(|f| (f.kind, f.has_else)).collect();
        assert_eq!(
            got,
            vec![
                (ForkKind::If, true),
                (ForkKind::If, true),
                (ForkKind::ElseIf, true),
                (ForkKind::ElseIf, true),
                (ForkKind::If, true),
                (ForkKind::ElseIf, false),
                (ForkKind::If, false),
            ]
        );
    }

    #[test]
    fn exits_early() {
        let exits = |body: &str| {
            fork(&format!(
                "def f():\n    for x in y:\n        if is_on('k'):\n{body}\n        more()\n"
            ))
            .exits_early
        };
        assert!(exits("            return"));
        assert!(exits("            log()\n            return None"));
        assert!(exits("            raise Error()"));
        assert!(exits("            continue"));
        assert!(exits("            break"));
        assert!(exits("            x = 1\n            return  # why"));
        assert!(!exits("            return\n            log()"));
        assert!(!exits("            pass"));
        assert!(!exits("            if y:\n                return"));
        assert!(!exits(
            "            return\n        else:\n            pass"
        ));
        assert!(!exits(
            "            return\n        elif x:\n            pass"
        ));
        let one_line = fork("def f():\n    if is_on('k'): return\n    more()\n");
        assert!(one_line.exits_early);
        // An elif without a following clause may exit early; the head (followed by it) may not.
        let chain = run(
            "def f():\n    if is_on('a'):\n        return\n    elif is_on('b'):\n        raise E\n",
        );
        let got: Vec<bool> = chain.forks.iter().map(|f| f.exits_early).collect();
        assert_eq!(got, vec![false, true]);
        let ternary = fork("def f():\n    return 1 if is_on('k') else 2\n");
        assert!(!ternary.exits_early && ternary.has_else);
    }

    #[test]
    fn branch_bodies() {
        let source = "def f():\n    if not is_on('a'):\n        return Response(status=403)\n\
                      \x20   if not is_on('b'):\n        log.info('off')\n        return\n\
                      \x20   if is_on('c'):\n        logger.warning('x')\n    else:\n        pass\n\
                      \x20   if is_on('d'):\n        a()\n        return b()\n    elif x:\n        c()\n\
                      \x20   if is_on('e'):\n        \"docstring\"\n        ...\n    else:\n        c()\n\
                      \x20   y = None if is_on('f') else 1\n";
        assert_eq!(
            flow::describe_bodies(&run(source).forks),
            "Exit, Exit, Log/Empty, Code, Empty/Code, Empty/Code"
        );
    }

    #[test]
    fn then_branch_taken_without_the_flag() {
        let without = |condition: &str| {
            fork(&format!("on = is_on('k')\nif {condition}:\n    pass\n")).then_without_flag
        };
        flow::check_without(
            without,
            &[
                ("on or x", true),
                ("x or (y and on)", true),
                ("not (not on and not x)", true),
                ("on and x", false),
                ("not on and not x", false),
                ("on is False and x", false),
                ("not on or x", false),
            ],
        );
    }

    #[test]
    fn local_assigned_once_is_the_key() {
        let source = "from flags import X\n\
                      def a(request):\n    name = X\n    return is_on(name)\n\
                      def b(request):\n    name = 'lit'\n    return is_on(name)\n\
                      def c(request):\n    name = X\n    if y:\n        name = 'other'\n    return is_on(name)\n\
                      def d(request, name):\n    return is_on(name)\n\
                      def e(request):\n    name = f'x{y}'\n    return is_on(name)\n";
        let facts = run(source);
        assert_eq!(
            keys(&facts),
            vec![
                path(&["X"]),
                lit("lit"),
                path(&["name"]),
                KeyExpr::Parameter("name".to_string()),
                path(&["name"]),
            ]
        );
        // The key is located at the value, which is not also a use (`c`'s still is).
        assert_eq!(text(source, facts.checks[0].key_span), "X");
        assert_eq!(text(source, facts.checks[1].key_span), "'lit'");
        assert_eq!(uses(&facts).iter().filter(|u| *u == "X").count(), 1);
    }

    #[test]
    fn chain_head_is_flag() {
        let source = r#"
if is_on('a'):
    pass
elif is_on('b'):
    pass
if x:
    pass
elif is_on('c'):
    pass
elif y:
    pass
elif is_on('d'):
    pass
"#;
        let facts = run(source);
        let got: Vec<(ForkKind, bool)> = facts
            .forks
            .iter()
            .map(|f| (f.kind, f.chain_head_is_flag))
            .collect();
        assert_eq!(
            got,
            vec![
                (ForkKind::If, false),
                (ForkKind::ElseIf, true),
                (ForkKind::ElseIf, false),
                (ForkKind::ElseIf, false),
            ]
        );
        assert!(!run("x = 1 if is_on('k') else 2").forks[0].chain_head_is_flag);
    }

    #[test]
    fn parent_in_then_and_else_branches() {
        let source = r#"
if is_on('a'):
    if is_on('b'):
        pass
    if x:
        if is_on('c'):
            pass
else:
    if is_on('d'):
        pass
if is_on('e'):
    pass
"#;
        assert_eq!(parents(source), vec![None, Some(0), Some(0), Some(0), None]);
    }

    #[test]
    fn parent_inside_elif_bodies() {
        let source = r#"
if is_on('head'):
    if x:
        pass
    elif is_on('elif in head'):
        pass
elif is_on('elif'):
    if is_on('in elif'):
        pass
elif y:
    if is_on('in plain elif'):
        pass
else:
    if is_on('in else'):
        pass
"#;
        // 0 head, 1 elif in head (chain head `if x` is not a fork: parent is 0), 2 elif,
        // 3 in elif, 4 in plain elif (nearest fork around: the elif at 2), 5 in else.
        assert_eq!(
            parents(source),
            vec![None, Some(0), None, Some(2), Some(2), Some(2)]
        );
        let plain_head = r#"
def f():
    if is_on('outer'):
        if x:
            pass
        elif y:
            if is_on('inside'):
                pass
        else:
            if is_on('else'):
                pass
"#;
        assert_eq!(parents(plain_head), vec![None, Some(0), Some(0)]);
    }

    #[test]
    fn elif_parent_is_its_heads_parent() {
        let source = r#"
if is_on('outer'):
    if is_on('head'):
        pass
    elif is_on('elif'):
        pass
"#;
        let facts = run(source);
        assert_eq!(
            parents(source),
            vec![None, Some(0), Some(0)],
            "{:?}",
            facts.forks
        );
        assert_eq!(facts.forks[2].kind, ForkKind::ElseIf);
    }

    #[test]
    fn ternary_forks() {
        let source = "def f():\n    x = first() if is_on('k') else second()\n";
        let f = fork(source);
        assert_eq!(f.kind, ForkKind::Ternary);
        assert_eq!(text(source, f.span), "first() if is_on('k')");
        assert_eq!((f.span.line, f.span.column), (2, 9));
        assert!(f.has_else && !f.exits_early && !f.negated && !f.compound);
        let nested = r#"
if is_on('a'):
    x = 1 if is_on('b') else 2
else:
    y = (3 if is_on('c') else 4) if z else (5 if is_on('d') else 6)
v = (1 if is_on('e') else 2) if is_on('f') else (3 if is_on('g') else 4)
"#;
        let facts = run(nested);
        let got: Vec<(ForkKind, Option<usize>)> =
            facts.forks.iter().map(|f| (f.kind, f.parent)).collect();
        assert_eq!(
            got,
            vec![
                (ForkKind::If, None),
                (ForkKind::Ternary, Some(0)),
                (ForkKind::Ternary, Some(0)),
                (ForkKind::Ternary, Some(0)),
                (ForkKind::Ternary, None),
                (ForkKind::Ternary, Some(4)),
                (ForkKind::Ternary, Some(4)),
            ]
        );
        assert_eq!(
            text(nested, facts.forks[4].span),
            "(1 if is_on('e') else 2) if is_on('f')"
        );
        assert_eq!(facts.forks[4].checks, vec![5]);
        assert_eq!(facts.forks[5].checks, vec![4]);
    }

    #[test]
    fn forks_inside_conditions_are_not_children() {
        let source = r#"
if is_on('outer'):
    if (1 if is_on('inner') else 0):
        pass
"#;
        let facts = run(source);
        let got: Vec<(ForkKind, Option<usize>, Vec<usize>)> = facts
            .forks
            .iter()
            .map(|f| (f.kind, f.parent, f.checks.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (ForkKind::If, None, vec![0]),
                (ForkKind::If, Some(0), vec![1]),
                (ForkKind::Ternary, Some(0), vec![1]),
            ]
        );
    }

    #[test]
    fn parent_stops_at_def_and_class_but_not_lambda() {
        let source = r#"
if is_on('a'):
    def inner():
        if is_on('b'):
            pass
    class Inner:
        x = 1 if is_on('c') else 2
    callback = lambda: 1 if is_on('d') else 2
    @decorate(1 if is_on('e') else 2)
    def g(arg=1 if is_on('f') else 2):
        pass
"#;
        assert_eq!(
            parents(source),
            vec![None, None, None, Some(0), Some(0), Some(0)]
        );
    }

    #[test]
    fn fork_checks_reference_the_right_checks() {
        let source = r#"
get_flag_for_user(u, 'zero')
def f(user):
    early = is_on('one')
    unrelated(is_on('two'))
    if is_on('three') or (early and get_flag_for_user(user, 'four')):
        is_on('five')
    elif early or early:
        pass
"#;
        let facts = run(source);
        let got: Vec<Vec<usize>> = facts.forks.iter().map(|f| f.checks.clone()).collect();
        assert_eq!(got, vec![vec![1, 3, 4], vec![1]]);
        assert_eq!(facts.checks[3].key, lit("three"));
        assert!(facts.forks[0].compound && !facts.forks[1].negated);
    }

    #[test]
    fn fork_spans() {
        let source = "def f():\n    é = 1\n    if (é and\n            is_on('k')):  # c\n        pass\n    elif not is_on('m'):\n        pass\n";
        let facts = run(source);
        let head = facts.forks[0].span;
        assert_eq!((head.line, head.column), (3, 5));
        assert_eq!((head.end_line, head.end_column), (4, 24));
        assert_eq!(text(source, head), "if (é and\n            is_on('k'))");
        let elif = facts.forks[1].span;
        assert_eq!((elif.line, elif.column), (6, 5));
        assert_eq!(text(source, elif), "elif not is_on('m')");
        assert!(facts.forks[1].negated && facts.forks[1].chain_head_is_flag);
        assert!(facts.forks[0].compound);
    }

    #[test]
    fn forks_in_broken_files() {
        let source = "if is_on('a'):\n    x = (\nif is_on('b'):\n    pass\ndef g(:\n    pass\nif is_on('c'):\n    pass\n";
        let facts = run(source);
        assert!(!facts.syntax_errors.is_empty());
        assert!(!facts.forks.is_empty());
        for fork in &facts.forks {
            assert!(fork.checks.iter().all(|&c| c < facts.checks.len()));
            assert!(fork.parent.is_none_or(|p| p < facts.forks.len()));
        }
        for input in [
            "elif x:\n  pass",
            "else:\n  pass",
            "if:\n",
            "x = 1 if",
            "if is_on('k')",
        ] {
            run(input);
        }
    }

    /// `depth` nested `if is_on('k'):` statements, one space of indentation per level.
    fn nested_ifs(depth: usize) -> String {
        let mut source = String::new();
        for level in 0..depth {
            source.push_str(&" ".repeat(level));
            source.push_str("if is_on('k'):\n");
        }
        source.push_str(&" ".repeat(depth));
        source.push_str("pass\n");
        source
    }

    #[test]
    fn deep_nested_if_chain_does_not_overflow() {
        // The grammar's scanner cannot hold 10 000 indentation levels (it would abort the
        // process): the file is refused with a syntax error instead.
        let facts = run(&nested_ifs(10_000));
        assert!(facts.forks.is_empty() && facts.checks.is_empty());
        assert_eq!(facts.syntax_errors.len(), 1);
        assert_eq!(
            facts.syntax_errors[0].message,
            "more than 383 indentation levels; file not parsed"
        );
        assert_eq!(facts.syntax_errors[0].span.line, 385);
        // As deep as the scanner allows, every `if` is the parent of the next.
        let depth = MAX_INDENT_LEVELS;
        let facts = run(&nested_ifs(depth));
        assert!(facts.syntax_errors.is_empty());
        assert_eq!(facts.forks.len(), depth);
        for (i, fork) in facts.forks.iter().enumerate() {
            assert_eq!(fork.parent, i.checked_sub(1));
            assert_eq!(fork.checks, vec![i]);
        }
    }

    #[test]
    fn indentation_guard_counts_distinct_scanner_widths() {
        assert_eq!(too_many_indent_levels("x = 1\n    y\n"), None);
        // Deep but few distinct widths (a long line inside a string) is fine.
        let wide = format!(
            "x = '''\n{}text\n'''\nif is_on('k'):\n    pass\n",
            " ".repeat(5_000)
        );
        assert_eq!(too_many_indent_levels(&wide), None);
        assert_eq!(run(&wide).forks.len(), 1);
        // Tabs count 8, an escaped newline continues the indentation, \r and \x0c reset it.
        let mut tabs = String::new();
        for level in 1..=MAX_INDENT_LEVELS + 1 {
            tabs.push_str(&"\t".repeat(level));
            tabs.push_str("x\n");
        }
        assert!(too_many_indent_levels(&tabs).is_some());
        let mut resets = String::new();
        for level in 1..=1_000 {
            resets.push_str(&" ".repeat(level));
            resets.push_str("\x0cx\n\r");
        }
        assert_eq!(too_many_indent_levels(&resets), None);
        let mut continued = String::new();
        for level in 1..=MAX_INDENT_LEVELS + 1 {
            continued.push_str(&format!(
                "\n{}\\\r\n{}x",
                " ".repeat(level),
                " ".repeat(level)
            ));
        }
        assert!(too_many_indent_levels(&continued).is_some());
        // Many levels with strings open would abort inside tree-sitter without the guard.
        let mut odd = String::new();
        for level in 0..600 {
            odd.push_str(&" ".repeat(level));
            odd.push_str("if f'{x}' and '''\n''':\n");
        }
        assert_eq!(run(&odd).syntax_errors.len(), 1);
        for input in ["\\", "\\\r", " \\\r\n x", "\u{feff}  \u{a0}x"] {
            too_many_indent_levels(input);
            run(input);
        }
    }

    #[test]
    fn long_elif_chain_does_not_overflow() {
        let length = 10_000;
        let mut source = String::from("def f():\n    if is_on('head'):\n        pass\n");
        for i in 0..length {
            source.push_str(&format!(
                "    elif is_on('k{i}'):\n        if is_on('in{i}'):\n            pass\n"
            ));
        }
        source.push_str("    else:\n        pass\n");
        let facts = run(&source);
        assert_eq!(facts.forks.len(), 1 + 2 * length);
        let last_elif = &facts.forks[facts.forks.len() - 2];
        assert_eq!(last_elif.kind, ForkKind::ElseIf);
        assert!(last_elif.has_else && last_elif.chain_head_is_flag);
        assert_eq!(last_elif.parent, None);
        let last_inner = &facts.forks[facts.forks.len() - 1];
        assert_eq!(last_inner.parent, Some(facts.forks.len() - 2));
        let ternaries = format!("x = {}0\n", "1 if is_on('k') else ".repeat(length));
        let facts = run(&ternaries);
        assert_eq!(facts.forks.len(), length);
        assert_eq!(facts.forks[length - 1].parent, Some(length - 2));
    }

    // --- robustness ------------------------------------------------------------------------

    #[test]
    fn syntax_error_in_the_middle_keeps_other_facts() {
        let source = r#"
from app import flags
BEFORE = "before"
get_flag_for_user(u, "before")
def broken(:
    pass
x = (1 +
AFTER = "after"
get_flag_for_user(u, "after")
flags.Z
"#;
        let facts = run(source);
        assert!(!facts.syntax_errors.is_empty());
        assert!(facts.syntax_errors.len() <= MAX_SYNTAX_ERRORS);
        // The broken assignment `x = (1 + AFTER = "after"` is not a constant.
        assert_eq!(consts(&facts), pairs(&[("BEFORE", "before")]));
        let keys = keys(&facts);
        assert!(keys.contains(&lit("before")), "{keys:?}");
        assert!(keys.contains(&lit("after")), "{keys:?}");
        assert!(uses(&facts).contains(&"flags.Z".to_string()));
        assert_eq!(facts.imports.len(), 1);
    }

    #[test]
    fn syntax_error_messages() {
        // The reference parser's errors, at the offending token.
        let facts = run("x = 1\nfoo(a b)\ny = )\n");
        assert!(!facts.syntax_errors.is_empty());
        let first = &facts.syntax_errors[0];
        assert_eq!((first.span.line, first.span.column), (2, 7), "{first:?}");
        assert!(first.message.starts_with("Expected"), "{first:?}");
        let many: String = (0..100).map(|_| "def (:\n").collect();
        assert!(run(&many).syntax_errors.len() <= MAX_SYNTAX_ERRORS);
        assert!(run("x = 1\n").syntax_errors.is_empty());
    }

    #[test]
    fn valid_code_the_grammar_rejects_is_not_an_error() {
        // PEP 696 defaults and PEP 646 starred subscripts: tree-sitter-python holds ERROR nodes.
        let facts = run("type Pair[K, V = int] = tuple[K, V]\n\
                         def f[T = int](x: T) -> T: ...\n\
                         x = items[*(1, 2)]\n\
                         def g(name) -> T[bool] or None: ...\n");
        assert!(facts.syntax_errors.is_empty(), "{:?}", facts.syntax_errors);
    }

    #[test]
    fn python2_statements_are_errors() {
        // The grammar accepts them without an ERROR node; Python 3 does not.
        for source in [
            "print \"hello\"\n",
            "exec \"code\"\n",
            "if x:\n    print \"a\", b\n",
        ] {
            let facts = run(source);
            assert_eq!(
                facts.syntax_errors.len(),
                1,
                "{source}: {:?}",
                facts.syntax_errors
            );
        }
        assert!(run("print(\"hello\")\nexec(\"code\")\n")
            .syntax_errors
            .is_empty());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 100_000;
        let source = format!(
            "x = {}get_flag_for_user(u, 'deep'){}\n",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let facts = run(&source);
        assert_eq!(keys(&facts), vec![lit("deep")]);
        let calls = format!("{}X{}\n", "f(".repeat(depth), ")".repeat(depth));
        assert_eq!(uses(&run(&calls)), vec!["X"]);
        let lists = format!("{}{}\n", "[".repeat(depth), "]".repeat(depth));
        run(&lists);
        let unclosed = "(".repeat(depth);
        run(&unclosed);
    }

    #[test]
    fn a_parse_over_budget_is_one_whole_file_error() {
        let source = "is_on('a')\n".repeat(500);
        let facts = with_test_options(Language::Python, &["is_on:0"], &[], |options| {
            extract_within(&source, options, Duration::ZERO)
        });
        assert!(facts.checks.is_empty());
        assert_eq!(facts.syntax_errors.len(), 1);
        assert!(facts.syntax_errors[0].whole_file);
        assert!(facts.syntax_errors[0].message.contains("file not parsed"));
        // The thread's parser is ready for the next file.
        assert_eq!(run(&source).checks.len(), 500);
    }

    #[test]
    fn long_member_chain_does_not_overflow() {
        let length = 100_000;
        let mut source = String::from("from app import root\nvalue = root");
        for i in 0..length {
            source.push_str(&format!(".a{i}"));
        }
        source.push_str("\nget_flag_for_user(u, root");
        source.push_str(&".b".repeat(length));
        source.push_str(")\nmake()");
        source.push_str(&".c".repeat(length));
        source.push_str(".get_flag_for_user(u, 'k')\n");
        let facts = run(&source);
        assert_eq!(facts.symbol_uses.len(), 1);
        assert_eq!(facts.symbol_uses[0].path.len(), length + 1);
        assert_eq!(facts.checks.len(), 2);
        let KeyExpr::Path(segments) = &facts.checks[0].key else {
            panic!("expected a path key");
        };
        assert_eq!(segments.len(), length + 1);
        assert_eq!(facts.checks[1].key, lit("k"));
    }

    #[test]
    fn garbage_input_does_not_panic() {
        let inputs = [
            "",
            "\0\0\0\u{1}\u{2}",
            "\u{feff}def f(:\n\t\t  \x0c",
            "'''unterminated",
            "f'{",
            "get_flag_for_user(u, '",
            "get_flag_for_user(u, 'é\\",
            "class (:\n  X = 'x'\n",
            "from . import",
            "import",
            "x = 'a' 'b",
            "🎉🎉🎉 = get_flag_for_user(ü, 'ö')",
            "\\\n\\\n\\",
            "lambda *: get_flag_for_user(u, k)",
            "match x:\n case Foo(:\n",
        ];
        for input in inputs {
            run(input);
        }
        let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        run(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn decode_escapes_handles_odd_input() {
        assert_eq!(decode_escapes("a\\"), "a\\");
        assert_eq!(decode_escapes("\\x4"), "\\x4");
        assert_eq!(decode_escapes("\\101\\0"), "A\0");
        assert_eq!(decode_escapes("\\q"), "\\q");
        assert_eq!(decode_escapes("a\\\nb"), "ab");
        assert_eq!(decode_escapes("\\U0001F389"), "🎉");
        assert_eq!(decode_escapes("\\udfff"), "\\udfff");
        assert_eq!(decode_escapes(r"a\qb"), r"a\qb");
        assert_eq!(decode_escapes(r#"\"\'\\"#), "\"'\\");
    }

    #[test]
    fn large_file_is_read_quickly() {
        let mut source = String::from("from app import flags\n");
        for i in 0..5_000 {
            source.push_str(&format!(
                "def f{i}(user):\n    if get_flag_for_user(user, flags.F{i}) and other.x[{i}]:\n        return {{'k': f\"{{user.name}}\"}}\n"
            ));
        }
        let start = std::time::Instant::now();
        let facts = run(&source);
        let elapsed = start.elapsed();
        assert_eq!(facts.checks.len(), 5_000);
        assert_eq!(facts.symbol_uses.len(), 0);
        eprintln!("15k lines in {elapsed:?}");
    }

    #[test]
    fn parser_is_reused_across_calls() {
        let first = run("A = 'a'\n");
        let second = run("A = 'a'\n");
        assert_eq!(first, second);
    }

    // --- check shapes: class attributes and property chains -------------------------------

    use crate::lang::{test_extract_specs, CheckSpec, KeyArg, Shape};

    fn shape_spec(call: &str, shape: Shape) -> CheckSpec {
        CheckSpec {
            call: call.split('.').map(str::to_string).collect(),
            shape,
            key: KeyArg {
                position: Some(0),
                keyword: None,
            },
            ..CheckSpec::default()
        }
    }

    /// Specs: 0 = attribute `waffle_flag`, 1 = property `settings.FEATURES`, 2 = call
    /// `waffle_flag` (same name, other shape), 3 = call `get_flag_for_user` (key 1).
    fn run_shapes(source: &str) -> FileFacts {
        let mut call = shape_spec("get_flag_for_user", Shape::Call);
        call.key.position = Some(1);
        test_extract_specs(
            Grammar::Python,
            Language::Python,
            vec![
                shape_spec("waffle_flag", Shape::Attribute),
                shape_spec("settings.FEATURES", Shape::Property),
                shape_spec("waffle_flag", Shape::Call),
                call,
            ],
            &["BINARY_INTERFACE", "FeatureFlags", "X"],
            source,
        )
    }

    /// (spec, key, span text, key span text) of every check.
    fn shape_checks(source: &str) -> Vec<(usize, KeyExpr, String, String)> {
        run_shapes(source)
            .checks
            .iter()
            .map(|c| {
                (
                    c.spec,
                    c.key.clone(),
                    text(source, c.span).to_string(),
                    text(source, c.key_span).to_string(),
                )
            })
            .collect()
    }

    fn shape_keys(source: &str) -> Vec<(usize, KeyExpr)> {
        run_shapes(source)
            .checks
            .iter()
            .map(|c| (c.spec, c.key.clone()))
            .collect()
    }

    #[test]
    fn attribute_checks_in_class_bodies() {
        let source = "\
class NewNavView(WaffleFlagMixin, View):
    waffle_flag = \"new_nav\"

class Outer:
    class Inner:
        waffle_flag: str = 'inner-flag'

def make():
    class Local:
        other = waffle_flag = \"chained\"
    return Local

class Guarded:
    if DEBUG:
        waffle_flag = \"debug-only\"
";
        assert_eq!(
            shape_keys(source),
            vec![
                (0, lit("new_nav")),
                (0, lit("inner-flag")),
                (0, lit("chained")),
                (0, lit("debug-only")),
            ]
        );
    }

    #[test]
    fn attribute_key_forms() {
        let source = "\
from app import flags

class A:
    waffle_flag = flags.NEW_NAV
class B:
    waffle_flag = NEW_NAV
class C:
    waffle_flag = \"new\" \"_nav\"
class D:
    waffle_flag = f\"nav-{REGION}\"
class E:
    waffle_flag = pick_flag()
class F:
    waffle_flag = \"a\" + suffix

def view_for(flag):
    class G:
        waffle_flag = flag
    return G
";
        assert_eq!(
            shape_keys(source),
            vec![
                (0, path(&["flags", "NEW_NAV"])),
                (0, path(&["NEW_NAV"])),
                (0, lit("new_nav")),
                (0, dynamic("an f-string")),
                (0, dynamic("a function call result")),
                (0, dynamic("a string concatenation")),
                (0, KeyExpr::Parameter("flag".to_string())),
            ]
        );
    }

    #[test]
    fn attribute_spans() {
        let source = "class V(View):\n    waffle_flag: str = \"new_nav\"  # the flag\n";
        assert_eq!(
            shape_checks(source),
            vec![(
                0,
                lit("new_nav"),
                "waffle_flag: str = \"new_nav\"".to_string(),
                "\"new_nav\"".to_string()
            )]
        );
    }

    #[test]
    fn attribute_look_alikes_are_not_checks() {
        let source = "\
waffle_flag = \"module-level\"

def f():
    waffle_flag = \"local\"

class V:
    waffle_switch = \"other-name\"
    waffle_flag, other = \"a\", \"b\"
    waffle_flag: str
    # waffle_flag = \"comment\"
    doc = \"waffle_flag = 'string'\"
    waffle_flag += \"augmented\"
    self_flag = dict(waffle_flag=\"keyword\")

    def get(self):
        waffle_flag = \"in a method\"
        self.waffle_flag = \"attribute target\"
";
        assert_eq!(shape_keys(source), vec![]);
    }

    #[test]
    fn attribute_shape_and_call_shape_keep_their_specs() {
        let source = "\
class V:
    waffle_flag = \"attr\"

@waffle_flag(\"decorated\")
def view(request):
    pass
";
        assert_eq!(
            shape_keys(source),
            vec![(0, lit("attr")), (2, lit("decorated"))]
        );
    }

    #[test]
    fn attribute_keys_are_not_uses_but_dynamic_parts_are() {
        let source = "\
from app.flags import FeatureFlags

class A:
    waffle_flag = FeatureFlags.X
class B:
    waffle_flag = f\"{FeatureFlags.BINARY_INTERFACE}-x\"
";
        let facts = run_shapes(source);
        assert_eq!(facts.checks.len(), 2);
        assert_eq!(uses(&facts), vec!["FeatureFlags.BINARY_INTERFACE"]);
        // The class attribute is still a string constant, and a target binding as before.
        let facts = run_shapes("class View:\n    waffle_flag = \"new_nav\"\n");
        assert_eq!(consts(&facts), pairs(&[("View.waffle_flag", "new_nav")]));
        assert_eq!(facts.module_names, vec!["View"]);
    }

    #[test]
    fn attribute_key_with_a_check_call_inside() {
        let source = "class V:\n    waffle_flag = get_flag_for_user(u, \"k\")\n";
        assert_eq!(
            shape_keys(source),
            vec![(0, dynamic("a function call result")), (3, lit("k")),]
        );
    }

    #[test]
    fn property_chains_and_subscripts() {
        let source = "\
from django.conf import settings
import django_settings

a = django_settings.settings.FEATURES.new_nav
b = settings.FEATURES[\"new-nav\"]
c = settings.FEATURES['dark' 'mode']
d = settings.FEATURES.beta
e = self.settings.FEATURES.gamma
f = load().settings.FEATURES.delta
";
        assert_eq!(
            shape_keys(source),
            vec![
                (1, lit("new_nav")),
                (1, lit("new-nav")),
                (1, lit("darkmode")),
                (1, lit("beta")),
                (1, lit("gamma")),
                (1, lit("delta")),
            ]
        );
    }

    #[test]
    fn property_dynamic_subscripts() {
        let source = "\
x = settings.FEATURES[NEW_NAV]
y = settings.FEATURES[flags.NEW_NAV]
z = settings.FEATURES[f\"nav-{region}\"]
w = settings.FEATURES[prefix + \"nav\"]

def enabled(name):
    return settings.FEATURES[name]
";
        assert_eq!(
            shape_keys(source),
            vec![
                (1, dynamic("a non-literal index")),
                (1, dynamic("a non-literal index")),
                (1, dynamic("an f-string")),
                (1, dynamic("a string concatenation")),
                (1, KeyExpr::Parameter("name".to_string())),
            ]
        );
    }

    #[test]
    fn property_spans() {
        let source =
            "if é and settings.FEATURES.new_nav or settings.FEATURES[\"dark\"]:\n    pass\n";
        let checks = run_shapes(source).checks;
        assert_eq!(checks.len(), 2);
        assert_eq!(text(source, checks[0].span), "settings.FEATURES.new_nav");
        assert_eq!(text(source, checks[0].key_span), "new_nav");
        assert_eq!(text(source, checks[1].span), "settings.FEATURES[\"dark\"]");
        assert_eq!(text(source, checks[1].key_span), "\"dark\"");
        // Columns count characters: `é` is one column.
        assert_eq!(checks[0].span.column, 10);
        assert_eq!(checks[0].key_span.column, 28);
    }

    #[test]
    fn property_look_alikes_are_not_checks() {
        let source = "\
settings.FEATURES
x = settings.FEATURES
FEATURES.new_nav
other.FEATURES.new_nav
settings.OTHER.new_nav
settings.FEATURES.new_nav.enabled
settings.FEATURES[\"a\"][\"b\"]
settings.FEATURES[\"a\"].b
settings.FEATURES.get(\"new_nav\")
settings.FEATURES[\"a\"](1)
settings.FEATURES[\"a\", \"b\"]
settings.FEATURES.new_nav = True
settings.FEATURES[\"new-nav\"] = True
settings.FEATURES[\"new-nav\"] += 1
settings.FEATURES.new_nav += 1
del settings.FEATURES[\"new-nav\"], settings.FEATURES.old
for settings.FEATURES.x in items:
    pass
# settings.FEATURES.in_comment
s = \"settings.FEATURES.in_string\"
";
        assert_eq!(shape_keys(source), vec![]);
    }

    #[test]
    fn property_targets_still_read_their_parts() {
        // Writing a member is not a check, but checks inside the target are found.
        let source = "settings.FEATURES[get_flag_for_user(u, \"k\")] = settings.FEATURES.on\n";
        assert_eq!(shape_keys(source), vec![(3, lit("k")), (1, lit("on"))]);
    }

    #[test]
    fn property_checks_are_not_uses_but_dynamic_indices_are() {
        let source = "\
from django.conf import settings
from app.flags import FeatureFlags

a = settings.FEATURES.new_nav
b = settings.FEATURES[FeatureFlags.X]
c = settings.DEBUG
";
        let facts = run_shapes(source);
        assert_eq!(facts.checks.len(), 2);
        assert_eq!(uses(&facts), vec!["FeatureFlags.X", "settings.DEBUG"]);
    }

    #[test]
    fn property_checks_found_in_nested_positions() {
        let source = "\
@decorate(settings.FEATURES.a)
def view(request, flag=settings.FEATURES.b):
    items = [settings.FEATURES.c for _ in range(2)]
    return render(request, {\"on\": settings.FEATURES[\"d\"]}, f\"{settings.FEATURES.e}\")

handler = lambda: settings.FEATURES.f
";
        let keys: Vec<KeyExpr> = run_shapes(source)
            .checks
            .iter()
            .map(|c| c.key.clone())
            .collect();
        assert_eq!(
            keys,
            vec![lit("a"), lit("b"), lit("c"), lit("d"), lit("e"), lit("f")]
        );
    }

    #[test]
    fn property_checks_make_forks() {
        let source = "\
def view(request):
    if settings.FEATURES.new_nav:
        return a()
    if not settings.FEATURES[\"dark\"]:
        pass
    beta = settings.FEATURES.beta
    if beta:
        pass
";
        let facts = run_shapes(source);
        assert_eq!(facts.checks.len(), 3);
        let summary: Vec<(Vec<usize>, bool, bool)> = facts
            .forks
            .iter()
            .map(|f| (f.checks.clone(), f.negated, f.exits_early))
            .collect();
        assert_eq!(
            summary,
            vec![
                (vec![0], false, true),
                (vec![1], true, false),
                (vec![2], false, false)
            ]
        );
    }

    #[test]
    fn single_segment_property_spec() {
        let facts = test_extract_specs(
            Grammar::Python,
            Language::Python,
            vec![shape_spec("FEATURE_FLAGS", Shape::Property)],
            &[],
            "a = FEATURE_FLAGS[\"x\"]\nb = config.FEATURE_FLAGS.y\nc = FEATURE_FLAGS\n",
        );
        assert_eq!(keys(&facts), vec![lit("x"), lit("y")]);
    }

    #[test]
    fn shapes_cost_nothing_without_specs() {
        // Only call specs: property chains and class attributes stay plain code.
        let source = "\
from django.conf import settings

class V:
    waffle_flag = \"new_nav\"

x = settings.FEATURES.new_nav
settings.FEATURES[\"a\"] = 1
";
        let facts = run(source);
        assert!(facts.checks.is_empty());
        assert_eq!(
            uses(&facts),
            vec!["settings.FEATURES.new_nav", "settings.FEATURES"]
        );
    }

    #[test]
    fn long_property_chains_do_not_overflow() {
        let length = 100_000;
        let mut source = String::from("x = root");
        source.push_str(&".a".repeat(length));
        source.push_str(".settings.FEATURES.on\ny = settings");
        source.push_str(&"[\"FEATURES\"]".repeat(length));
        source.push_str("\nz = settings.FEATURES");
        source.push_str(&"[\"a\"]".repeat(length));
        source.push_str("\nclass V:\n    waffle_flag = a");
        source.push_str(&".b".repeat(length));
        source.push('\n');
        let keys = shape_keys(&source);
        assert_eq!(keys.len(), 2, "{:?}", &keys[..keys.len().min(3)]);
        assert_eq!(keys[0], (1, lit("on")));
        assert_eq!(keys[1].0, 0);
    }

    // --- definition shapes: registries, lists, registrations ------------------------------

    use crate::lang::{test_extract_definitions, DefinitionShapes};

    fn definitions() -> DefinitionShapes {
        DefinitionShapes {
            registries: vec!["FEATURES".into(), "FLAGS".into()],
            lists: vec!["FLAG_LIST".into(), "DEFAULTS".into()],
            registrations: vec![
                (
                    vec!["manager".into(), "add".into()],
                    KeyArg {
                        position: Some(0),
                        keyword: None,
                    },
                ),
                (
                    vec!["register_flag".into()],
                    KeyArg {
                        position: Some(1),
                        keyword: Some("name".into()),
                    },
                ),
            ],
            ..DefinitionShapes::default()
        }
    }

    fn run_definitions(source: &str) -> FileFacts {
        test_extract_definitions(Grammar::Python, Language::Python, definitions(), source)
    }

    /// (symbol joined by `.`, value) of every string constant.
    fn defs(source: &str) -> Vec<(String, String)> {
        run_definitions(source)
            .string_consts
            .iter()
            .map(|c| (c.symbol.join("."), c.value.clone()))
            .collect()
    }

    /// (span text, name span text) of every string constant.
    fn def_spans(source: &str) -> Vec<(String, String)> {
        let facts = run_definitions(source);
        facts
            .string_consts
            .iter()
            .map(|c| {
                assert!(c.exported);
                (
                    text(source, c.span).to_string(),
                    text(source, c.name_span).to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn registry_dict_keys() {
        let source = "\
FEATURES = {
    \"organizations:new-nav\": \"New navigation\",
    'projects:beta': True,  # comment
    \"a\" \"b\": 1,
    (\"paren\"): 2,
    \"esc\\tx\": 3,
    r\"raw\\d\": 4,
}
FLAGS = {\"MY_FLAG\": [{\"condition\": \"boolean\", \"value\": True}]}
";
        assert_eq!(
            defs(source),
            pairs(&[
                ("FEATURES.organizations:new-nav", "organizations:new-nav"),
                ("FEATURES.projects:beta", "projects:beta"),
                ("FEATURES.ab", "ab"),
                ("FEATURES.paren", "paren"),
                ("FEATURES.esc\tx", "esc\tx"),
                ("FEATURES.raw\\d", "raw\\d"),
                ("FLAGS.MY_FLAG", "MY_FLAG"),
            ])
        );
    }

    #[test]
    fn registry_forms() {
        let source = "\
FEATURES: dict[str, str] = {\"annotated\": \"x\"}
if TYPE_CHECKING:
    FLAGS = {\"under_if\": 1}
try:
    FEATURES = {\"under_try\": 1}
except ImportError:
    FEATURES = {\"under_except\": 1}
OTHER = FEATURES = {\"chained\": 1}
FEATURES = ({\"parenthesized\": 1})
";
        assert_eq!(
            defs(source),
            pairs(&[
                ("FEATURES.annotated", "annotated"),
                ("FLAGS.under_if", "under_if"),
                ("FEATURES.under_try", "under_try"),
                ("FEATURES.under_except", "under_except"),
                ("FEATURES.chained", "chained"),
                ("FEATURES.parenthesized", "parenthesized"),
            ])
        );
    }

    #[test]
    fn registry_spans() {
        let source = "FEATURES = {\n    \"a\": \"doc\",\n    'b' 'c': 1,\n}\n";
        assert_eq!(
            def_spans(source),
            pairs(&[("\"a\": \"doc\"", "\"a\""), ("'b' 'c': 1", "'b' 'c'")])
        );
        let facts = run_definitions(source);
        let span = facts.string_consts[0].name_span;
        assert_eq!((span.line, span.column, span.end_column), (2, 5, 8));
    }

    #[test]
    fn registry_look_alikes_are_not_recorded() {
        let source = "\
OTHER = {\"other_name\": 1}
FEATURES = dict(via_call=1)
FEATURES = {1: \"int key\", NAME: 2, f\"x{y}\": 3, b\"bytes\": 4, **BASE, (\"a\", \"b\"): 5}
FEATURES = {k: 1 for k in KEYS}
FEATURES = [\"a list\"]
FEATURES[\"subscript\"] = 1
FEATURES.attr = {\"attribute\": 1}
a, FEATURES = 1, {\"tuple_target\": 1}
FEATURES += {\"augmented\": 1}
def f():
    FEATURES = {\"in_function\": 1}
class C:
    FEATURES = {\"in_class\": 1}
# FEATURES = {\"comment\": 1}
print(\"FEATURES = {'in_string': 1}\")
";
        assert_eq!(defs(source), pairs(&[]));
    }

    #[test]
    fn list_elements() {
        let source = "\
FLAG_LIST = [\"new_nav\", 'beta', \"a\" \"b\", 1, NAME, f\"x{y}\", *MORE, [\"nested\", 1]]
DEFAULTS = [(\"new_nav\", False), (\"beta\", True), [\"list_pair\", 1], (1, \"x\"), (), (NAME, \"y\")]
FLAG_LIST = (\"tuple\", \"elements\")
FLAG_LIST = {\"set\", \"elements\"}
FLAG_LIST: list[str] = [\"annotated\"]
if DEBUG:
    FLAG_LIST = [\"under_if\"]
";
        assert_eq!(
            defs(source),
            pairs(&[
                ("FLAG_LIST.new_nav", "new_nav"),
                ("FLAG_LIST.beta", "beta"),
                ("FLAG_LIST.ab", "ab"),
                ("FLAG_LIST.nested", "nested"),
                ("DEFAULTS.new_nav", "new_nav"),
                ("DEFAULTS.beta", "beta"),
                ("DEFAULTS.list_pair", "list_pair"),
                ("FLAG_LIST.tuple", "tuple"),
                ("FLAG_LIST.elements", "elements"),
                ("FLAG_LIST.set", "set"),
                ("FLAG_LIST.elements", "elements"),
                ("FLAG_LIST.annotated", "annotated"),
                ("FLAG_LIST.under_if", "under_if"),
            ])
        );
    }

    #[test]
    fn list_spans() {
        let source = "DEFAULTS = [\n    (\"new_nav\", False),\n    \"plain\",\n]\n";
        assert_eq!(
            def_spans(source),
            pairs(&[
                ("(\"new_nav\", False)", "\"new_nav\""),
                ("\"plain\"", "\"plain\""),
            ])
        );
    }

    #[test]
    fn list_look_alikes_are_not_recorded() {
        let source = "\
OTHER = [\"other\"]
FLAG_LIST = {\"dict\": 1}
FLAG_LIST = [x for x in \"abc\"]
FLAG_LIST = list(\"call\")
FLAG_LIST.extend([\"method\"])
def f():
    FLAG_LIST = [\"in_function\"]
class C:
    DEFAULTS = [(\"in_class\", 1)]
# FLAG_LIST = [\"comment\"]
";
        assert_eq!(defs(source), pairs(&[]));
    }

    #[test]
    fn registration_calls() {
        let source = "\
from sentry import features
from sentry.features.base import OrganizationFeature

manager.add(\"organizations:new-nav\", OrganizationFeature, FeatureHandlerStrategy.FLAGPOLE, api_expose=True)
features.manager.add(\"organizations:\" \"concat\", OrganizationFeature)
def register_all():
    default_manager.add(\"in_function\")
    wrap(manager.add(\"nested_call\"))
register_flag(app, \"positional\")
register_flag(app, name=\"keyword\")
register_flag(name=\"keyword_only\")
mod.register_flag(app, \"module_callee\")
";
        assert_eq!(
            defs(source),
            pairs(&[
                ("organizations:new-nav", "organizations:new-nav"),
                ("organizations:concat", "organizations:concat"),
                ("nested_call", "nested_call"),
                ("positional", "positional"),
                ("keyword", "keyword"),
                ("keyword_only", "keyword_only"),
                ("module_callee", "module_callee"),
            ])
        );
    }

    #[test]
    fn registration_spans() {
        let source = "manager.add(\n    \"organizations:x\",\n    OrganizationFeature,\n)\n";
        assert_eq!(
            def_spans(source),
            pairs(&[(source.trim_end(), "\"organizations:x\"")])
        );
        let facts = run_definitions(source);
        assert_eq!(facts.string_consts[0].symbol, vec!["organizations:x"]);
    }

    #[test]
    fn registration_look_alikes_are_not_recorded() {
        let source = "\
manager.add(NAME, OrganizationFeature)
manager.add(f\"organizations:{x}\")
manager.add(\"a\" + \"b\")
manager.add(*args)
manager.add()
manager.add(key=\"keyword_not_configured\")
manager.remove(\"other_method\")
manager.add_all(\"other_name\")
add(\"bare\")
other.add(\"other_receiver\")
get().add(\"unrooted\")
manager.add.extra(\"longer\")
register_flag(\"position_zero\")
# manager.add(\"comment\")
print('manager.add(\"string\")')
";
        assert_eq!(defs(source), pairs(&[]));
    }

    #[test]
    fn bare_add_registration_matches_any_receiver() {
        let shapes = DefinitionShapes {
            registrations: vec![(
                vec!["add".into()],
                KeyArg {
                    position: Some(0),
                    keyword: None,
                },
            )],
            ..DefinitionShapes::default()
        };
        let source = "x.add(\"a\")\nget().add(\"b\")\nadd(\"c\")\nx.added(\"d\")\n";
        let facts = test_extract_definitions(Grammar::Python, Language::Python, shapes, source);
        let values: Vec<&str> = facts
            .string_consts
            .iter()
            .map(|c| c.value.as_str())
            .collect();
        assert_eq!(values, ["a", "b", "c"]);
    }

    #[test]
    fn definitions_mix_with_string_constants_in_source_order() {
        let source = "\
FIRST = \"first\"
FLAG_LIST = [manager.add(\"registered\"), \"listed\"]
class Flags:
    X = \"x\"
FEATURES = {\"key\": manager.add(\"in_value\")}
";
        assert_eq!(
            defs(source),
            pairs(&[
                ("FIRST", "first"),
                ("registered", "registered"),
                ("FLAG_LIST.listed", "listed"),
                ("Flags.X", "x"),
                ("FEATURES.key", "key"),
                ("in_value", "in_value"),
            ])
        );
    }

    #[test]
    fn no_definitions_without_shapes() {
        let source = "\
FEATURES = {\"a\": 1}
FLAG_LIST = [\"b\"]
manager.add(\"c\")
X = \"x\"
";
        let facts = run(source);
        assert_eq!(consts(&facts), pairs(&[("X", "x")]));
    }

    #[test]
    fn definitions_survive_syntax_errors_and_deep_input() {
        let source =
            "FEATURES = {\"before\": 1}\nx = = 1\nFLAG_LIST = [\"after\"]\nmanager.add(\"call\")\n";
        let facts = run_definitions(source);
        assert!(!facts.syntax_errors.is_empty());
        let values: Vec<&str> = facts
            .string_consts
            .iter()
            .map(|c| c.value.as_str())
            .collect();
        assert_eq!(values, ["before", "after", "call"]);
        let deep = format!(
            "FEATURES = {{\"a\": {}1{}}}\nmanager.add(\"z\"){}\n",
            "(".repeat(100_000),
            ")".repeat(100_000),
            ".add(\"y\")".repeat(1000)
        );
        let values: Vec<String> = run_definitions(&deep)
            .string_consts
            .iter()
            .map(|c| c.value.clone())
            .collect();
        assert_eq!(values.first().map(String::as_str), Some("a"));
        let long = format!("x = a{}.manager.add(\"long\")\n", ".b".repeat(100_000));
        assert_eq!(defs(&long), pairs(&[("x", "long")]));
    }

    #[test]
    fn registration_assigned_to_a_module_level_name_is_that_constant() {
        let source = "SWITCH = manager.add(\"course.slug_format\", __name__)\n\
def f():\n    local = manager.add(\"in_function\")\nmanager.add(\"bare\")\n";
        assert_eq!(
            defs(source),
            pairs(&[
                ("SWITCH", "course.slug_format"),
                ("in_function", "in_function"),
                ("bare", "bare"),
            ])
        );
        let facts = run_definitions(source);
        assert_eq!(facts.string_consts[0].kind, ConstKind::Registration);
        assert_eq!(text(source, facts.string_consts[0].name_span), "SWITCH");
    }

    #[test]
    fn constant_kinds() {
        let source = "X = \"x\"\nFEATURES = {\"a\": 1}\nFLAG_LIST = [\"b\"]\n";
        assert_eq!(
            crate::lang::const_kinds(&run_definitions(source)),
            [
                ConstKind::Constant,
                ConstKind::RegistryKey,
                ConstKind::ListElement
            ]
        );
    }

    // --- members, calls, whole reads and key mentions ----------------------------------------

    use crate::lang::test_extract_file;

    #[test]
    fn class_members_whatever_their_value() {
        let source = r#"
class Switches:
    DIGEST = "digest"
    CHOICES = ((DIGEST, "Digest"),)
    count: int
    a = b = 1

    @classmethod
    def all(cls, session): ...

    class Meta:
        inner = 1

def f():
    class Local:
        hidden = 1
"#;
        let facts = test_extract_file(Grammar::Python, Language::Python, false, &[], source);
        assert_eq!(
            facts.member_names,
            [
                "Switches.DIGEST",
                "Switches.CHOICES",
                "Switches.count",
                "Switches.a",
                "Switches.b",
                "Switches.all",
                "Switches.Meta"
            ]
        );
    }

    #[test]
    fn called_chains_are_marked() {
        let source =
            "from app import flags\nflags.X\nflags.all(db)\nflags.Y.lower()\nwrap(flags.Z)\n";
        let expected = [
            ("flags.X", false),
            ("flags.all", true),
            ("flags.Y.lower", true),
            ("flags.Z", false),
        ];
        crate::lang::assert_called(&run(source), ".", &expected);
    }

    #[test]
    fn a_definitions_file_records_uses_of_its_own_names() {
        let source =
            "FEATURES = {\"a\": 1}\n\ndef all_features():\n    return [n for n in FEATURES]\n";
        let (own, other) =
            crate::lang::uses_as_definitions_and_not(Grammar::Python, Language::Python, source);
        assert_eq!(own, ["FEATURES"]);
        assert!(other.is_empty());
    }

    #[test]
    fn literal_mentions_of_keys() {
        let source = r#"
EXPOSED = ["compact_tables", "other"]
MESSAGE = "compact" "_tables"
DOC = f"compact_tables"
lookup("compact_tables")
"#;
        let facts = test_extract_file(
            Grammar::Python,
            Language::Python,
            false,
            &["compact_tables"],
            source,
        );
        let mentions: Vec<(&str, u32)> = facts
            .key_mentions
            .iter()
            .map(|(key, span)| (key.as_str(), span.line))
            .collect();
        assert_eq!(
            mentions,
            [
                ("compact_tables", 2),
                ("compact_tables", 3),
                ("compact_tables", 5)
            ]
        );
        let none = test_extract_file(Grammar::Python, Language::Python, false, &[], source);
        assert!(none.key_mentions.is_empty());
    }

    // --- check states: the boolean a test helper sets ----------------------------------------

    fn state_spec(call: &str, state: Option<&str>) -> CheckSpec {
        CheckSpec {
            call: vec![call.to_string()],
            key: KeyArg {
                position: Some(0),
                keyword: None,
            },
            state: state.map(str::to_string),
            ..CheckSpec::default()
        }
    }

    /// Specs: 0 = `override_flag`, 1 = `override_switch`, 2 = `override_sample` (all with state
    /// `active`), 3 = `flag_is_active` (no state).
    fn run_states(source: &str) -> FileFacts {
        test_extract_specs(
            Grammar::Python,
            Language::Python,
            vec![
                state_spec("override_flag", Some("active")),
                state_spec("override_switch", Some("active")),
                state_spec("override_sample", Some("active")),
                state_spec("flag_is_active", None),
            ],
            &[],
            source,
        )
    }

    #[test]
    fn check_state_true_and_false_literals() {
        let facts = run_states(
            "@override_flag(\"new_nav\", active=True)\n\
             def test_a():\n\
             \x20   with override_switch(SWITCH, active=False):\n\
             \x20       override_sample(\"s\", active=True)\n",
        );
        assert_eq!(facts.checks.len(), 3);
        // Each state points at its own call, whatever order the calls were recorded in.
        let mut by_spec: Vec<(usize, bool)> = facts
            .check_states
            .iter()
            .map(|&(i, state)| (facts.checks[i].spec, state))
            .collect();
        by_spec.sort();
        assert_eq!(by_spec, vec![(0, true), (1, false), (2, true)]);
    }

    #[test]
    fn check_state_parenthesised_literal() {
        let facts = run_states(
            "override_flag(\"x\", active=(False))\noverride_flag(\"y\", active=((True)))\n",
        );
        assert_eq!(facts.check_states, vec![(0, false), (1, true)]);
    }

    #[test]
    fn check_state_non_literal_records_nothing() {
        let facts = run_states(
            "override_flag(\"x\", active=some_var)\n\
             override_flag(\"y\", active=not True)\n\
             override_flag(\"z\", active=1)\n\
             override_flag(\"w\", active=\"True\")\n",
        );
        assert_eq!(facts.checks.len(), 4);
        assert_eq!(facts.check_states, vec![]);
    }

    #[test]
    fn check_state_missing_keyword_records_nothing() {
        let facts = run_states(
            "override_flag(\"x\")\noverride_flag(\"y\", enabled=True)\noverride_flag(\"z\", True)\n",
        );
        assert_eq!(facts.checks.len(), 3);
        assert_eq!(facts.check_states, vec![]);
    }

    #[test]
    fn check_state_needs_a_state_in_the_spec() {
        let facts = run_states("flag_is_active(\"x\", active=True)\n");
        assert_eq!(facts.checks.len(), 1);
        assert_eq!(facts.check_states, vec![]);
    }

    #[test]
    fn check_state_indices_follow_earlier_checks() {
        let facts = run_states(
            "flag_is_active(\"a\", active=True)\n\
             flag_is_active(\"b\")\n\
             override_flag(\"c\", active=some_var)\n\
             override_switch(\"d\", active=False)\n\
             flag_is_active(\"e\")\n\
             override_flag(\"f\", active=True)\n",
        );
        assert_eq!(facts.checks.len(), 6);
        assert_eq!(facts.check_states, vec![(3, false), (5, true)]);
        assert_eq!(facts.checks[3].spec, 1);
        assert_eq!(facts.checks[5].spec, 0);
    }
}
