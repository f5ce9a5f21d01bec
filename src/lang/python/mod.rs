//! Python extractor: parses a file with tree-sitter-python and reads, in one iterative walk,
//! its imports, module-level names, string constants (module level and module-level class
//! attributes), configured check calls with their key argument, and uses of imported or
//! interesting names, and the flag forks: `if`/`elif`/ternary branches whose condition tests a
//! flag, directly or through a local assigned once from a check. Besides calls, checks can be
//! class attributes (`waffle_flag = "k"` in a class body) and property chains
//! (`settings.FEATURES.k`, `settings.FEATURES["k"]`) when specs have those shapes. Syntax errors
//! are reported and the recovered tree is still read.

mod checks;
mod definitions;
mod forks;
mod gates;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tree_sitter::{Node, Parser, Tree, TreeCursor};

use super::budget::{self, Unparsed};
use super::flow::{self, Branch, CondNode, FlagTests, Held, Locals, Statement};
use super::reason::DynamicReason;
use super::{binding_of, reference, ExtractOptions, FunctionScopes, KeyArg, ShapeKind};
use crate::facts::{
    Body, CheckSite, ConstKind, FileFacts, ForkKind, Import, KeyExpr, LineIndex, ModuleRef, Span,
    StringConst, SymbolUse, SyntaxError,
};
use checks::key_argument;

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
    facts.comments = super::comments::collect(root, source);
    if suspect {
        facts.syntax_errors = reference::python_errors(source, &lines);
    }
    if let Some(migration) = options.migration {
        facts.migration = super::migration::extract(root, source, &lines, migration);
        facts.app_configs = super::migration::app_configs(root, source);
        if options.created_rows && facts.migration.is_none() {
            facts.created_rows = super::migration::created_rows(root, source, &lines, migration);
        }
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
    /// `name = call(...)` in a function, for method checks with getters: (scope, name) -> the
    /// call when it is the name's only assignment so far (`None` once it is assigned again).
    local_getters: HashMap<(usize, &'a str), Option<Node<'a>>>,
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
            local_getters: HashMap::new(),
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
}

// ---------------------------------------------------------------------------------------------
// Helpers on nodes and text

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

/// The targets and the value of an assignment statement, chained or not (`a = b = value`).
fn assignment_targets(statement: Node) -> Option<(Vec<Node>, Node)> {
    let mut assignment = statement
        .named_child(0)
        .filter(|a| a.kind() == "assignment")?;
    let mut targets = Vec::new();
    loop {
        targets.extend(assignment.child_by_field_name("left"));
        match assignment.child_by_field_name("right")? {
            right if right.kind() == "assignment" => assignment = right,
            value => return Some((targets, value)),
        }
    }
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
