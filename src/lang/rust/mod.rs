//! Rust extractor: reads one `.rs` file of the scanned repository with `syn` 2 and reports its
//! `use` imports, string constants, top-level names, check calls and symbol uses.
//!
//! The file is lexed once into a `proc_macro2::TokenStream` (with span locations) and parsed with
//! `syn`. When the whole file does not parse, the top-level token trees are split into item chunks
//! that are parsed one by one, so a broken item loses only itself. Macro bodies in expression and
//! statement position are parsed as comma-separated expressions when possible.
//!
//! In a definitions file, the configured [`DefinitionShapes`] add string constants: the variants
//! of listed enums, the `bool` fields of listed structs and the literal keys of registration calls.
//!
//! Flag forks (`if` / `else if` whose condition contains a check, or a local bound once to a
//! check) are collected as slots during the same walk and resolved at the end: whether a local is
//! bound only once is known only when its whole fn has been walked.
//!
//! `syn` parses, visits and drops its trees recursively, so before parsing a cheap text scan bounds
//! both the bracket nesting ([`MAX_RUST_NESTING`]) and the length of operator/member chains; files
//! beyond either bound are reported as one syntax error and not parsed. Files with unusually long
//! chains below that bound are parsed on a short-lived thread with a large stack.

mod checks;
mod definitions;
mod depth;
mod forks;
mod gates;
mod macros;
mod property;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_registry;

use std::collections::HashSet;
use std::fmt::Write as _;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::ops::Range;

use proc_macro2::{Delimiter, Ident, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{
    AngleBracketedGenericArguments, Attribute, BinOp, Block, Expr, ExprAssign, ExprBinary,
    ExprCall, ExprClosure, ExprIf, ExprMacro, ExprMethodCall, ExprPath, Fields, FnArg, ForeignItem,
    GenericArgument, GenericParam, Generics, ImplItem, ImplItemConst, Item, ItemEnum, ItemImpl,
    ItemStruct, ItemUse, Lit, LitStr, Local, Macro, Member, Meta, Pat, PatIdent, Path,
    PathArguments, Signature, Stmt, StmtMacro, Token, TraitItem, Type, UnOp, UseTree, Visibility,
};

use super::flow::{self, Branch, CondNode, FlagTests, Held, Locals, Statement, Tested};
use super::reason::DynamicReason;
use super::{
    on_deep_stack, DefinitionShapes, ExtractOptions, Shape, ShapeKind, MAX_RUST_NESTING,
    MAX_SYNTAX_ERRORS,
};
use crate::facts::{
    Body, CheckSite, ConstKind, FileFacts, ForkKind, Import, KeyExpr, LineIndex, ModuleRef, Span,
    StringConst, SymbolUse, SyntaxError,
};
use depth::scan_depth;

/// Files whose longest token run (see [`scan_depth`]) is at most this are parsed on the calling
/// thread: every construct (nested closures, generics, blocks...) fits in a 2 MB stack.
/// Real code stays far below (99.9% of crates.io files are under 300).
const INLINE_TOKEN_RUN: usize = 400;

/// Files with a longer token run are not parsed at all.
const MAX_TOKEN_RUN: usize = 40_000;

/// Extracts the facts of one Rust file.
pub fn extract(source: &str, options: &ExtractOptions) -> FileFacts {
    let index = LineIndex::new(source);
    let scan = scan_depth(source.as_bytes());
    if scan.nesting > MAX_RUST_NESTING {
        return single_error(
            &index,
            scan.nesting_at,
            format!("nesting deeper than {MAX_RUST_NESTING} levels; file not parsed"),
        );
    }
    if scan.run > MAX_TOKEN_RUN {
        return single_error(
            &index,
            scan.run_at,
            format!("expression longer than {MAX_TOKEN_RUN} tokens; file not parsed"),
        );
    }
    let base = preamble_len(source);
    let parse = || {
        let facts = parse_and_walk(&source[base..], base, &index, options);
        // proc-macro2 keeps every lexed source in a thread-local map; nothing refers to it now.
        proc_macro2::extra::invalidate_current_thread_spans();
        facts
    };
    if scan.run <= INLINE_TOKEN_RUN {
        return parse();
    }
    on_deep_stack(parse).unwrap_or_else(|| {
        single_error(
            &index,
            scan.run_at,
            "expression too long to parse; file not parsed".to_string(),
        )
    })
}

fn single_error(index: &LineIndex, at: usize, message: String) -> FileFacts {
    FileFacts::not_parsed(SyntaxError::whole_file(index.span(at, at + 1), message))
}

/// Bytes before the Rust tokens: a byte-order mark and a `#!` shebang line (as `syn::parse_file`).
fn preamble_len(source: &str) -> usize {
    let base = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &source[base..];
    if rest.starts_with("#!") && !rest[2..].trim_start().starts_with('[') {
        return base + rest.find('\n').unwrap_or(rest.len());
    }
    base
}

fn parse_and_walk(
    content: &str,
    base: usize,
    index: &LineIndex,
    options: &ExtractOptions,
) -> FileFacts {
    let mut walker = Walker::new(index, base, options);
    let index_len = base + content.len();
    let tokens: TokenStream = match content.parse() {
        Ok(tokens) => tokens,
        Err(err) => {
            let span = walker.span_or(err.span(), index.span(index_len, index_len));
            walker.push_error(
                span,
                "cannot tokenize file (unbalanced delimiter or unterminated literal)".to_string(),
            );
            // Recover what we can: lex and parse each top-level item on its own, so that one
            // unbalanced brace loses one item, not the file.
            for segment in item_segments(content) {
                let Ok(tokens) = content[segment.clone()].parse::<TokenStream>() else {
                    continue;
                };
                walker.base = base + segment.start;
                let items = match syn::parse2::<syn::File>(tokens.clone()) {
                    Ok(file) => file.items,
                    Err(_) => walker.recover_items(tokens),
                };
                walker.walk_items(&items);
            }
            walker.base = base;
            return walker.finish();
        }
    };
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => walker.walk_items(&file.items),
        Err(err) => {
            let end = match tokens.clone().into_iter().last() {
                Some(last) => walker.span(last.span()),
                None => index.span(index_len, index_len),
            };
            for e in &err {
                let span = walker.span_or(e.span(), end);
                walker.push_error(span, e.to_string());
            }
            let items = walker.recover_items(tokens);
            walker.walk_items(&items);
        }
    }
    walker.finish()
}

/// Byte ranges of `content` that each start with a top-level item: split before every line that
/// starts (in column 0) with an item keyword, or before the attributes and doc comments right above
/// it. Only used when the whole file cannot be lexed.
fn item_segments(content: &str) -> Vec<std::ops::Range<usize>> {
    const ITEM_STARTS: &[&str] = &[
        "fn ",
        "pub ",
        "pub(",
        "const ",
        "static ",
        "impl",
        "mod ",
        "struct ",
        "enum ",
        "trait ",
        "use ",
        "type ",
        "async ",
        "unsafe ",
        "extern ",
        "macro_rules!",
    ];
    let mut starts = vec![0];
    let mut offset = 0;
    let mut attributes_start: Option<usize> = None;
    for line in content.split_inclusive('\n') {
        if line.starts_with("#[") || line.starts_with("///") {
            attributes_start.get_or_insert(offset);
        } else if ITEM_STARTS.iter().any(|k| line.starts_with(k)) {
            let start = attributes_start.take().unwrap_or(offset);
            if start > 0 {
                starts.push(start);
            }
        } else if !line.trim().is_empty() {
            attributes_start = None;
        }
        offset += line.len();
    }
    starts.push(content.len());
    starts.windows(2).map(|w| w[0]..w[1]).collect()
}

// ---------------------------------------------------------------------------------------------
// Walker

/// Parameter names of one enclosing fn (`is_fn`) or closure.
struct ParamFrame {
    names: Vec<String>,
    is_fn: bool,
}

/// One flattened `use` tree leaf: local name, module path, imported name.
type UseLeaf = (String, Vec<String>, Option<String>);

/// Names are tracked by a hash of their text (no `String` per binding); a collision could only
/// make a check local look assigned twice.
type NameHash = u64;

/// Local bindings of one `fn` (closures share their fn's frame; code outside any fn has the
/// file's frame).
#[derive(Default)]
struct LocalFrame {
    /// Parameters, and the writes of each name: `let`/`for`/`match` pattern bindings,
    /// `x = ...`, `x += ...`, with the check a `let name = check(...)` or `name = check(...)`
    /// assigns.
    locals: Locals<NameHash>,
    /// Reads, in conditions (fork slot), of a name assigned a check, with their byte range.
    refs: Vec<(usize, NameHash, Range<usize>)>,
}

/// An `if` / `else if` met during the walk; it becomes a [`Fork`](crate::facts::Fork) when its condition turns out to
/// test a flag (check-local status is only known when its fn has been walked).
struct ForkSlot {
    /// ElseIf: `head` is the chain head's slot (`None` if the head could not be a fork); `outer`
    /// the previous link of the chain.
    branch: Branch,
    /// Checks in the condition, then those of check locals it uses (unsorted); whether it is
    /// compound.
    tested: Tested,
    /// The byte ranges of the condition's leaves that decide [`Test::negated`] and
    /// [`Test::then_without_flag`] if they are flag tests.
    ///
    /// [`Test::negated`]: flow::Test::negated
    /// [`Test::then_without_flag`]: flow::Test::then_without_flag
    negated_leaf: Option<Range<usize>>,
    then_without: Vec<Range<usize>>,
    /// Condition references to possible check locals, still to be resolved.
    refs: usize,
}

/// Walks the parsed items and collects the facts.
struct Walker<'a> {
    index: &'a LineIndex<'a>,
    /// Byte offset of the lexed text in the file (BOM / shebang skipped).
    base: usize,
    options: &'a ExtractOptions<'a>,
    facts: FileFacts,
    module_names: HashSet<String>,
    import_locals: HashSet<String>,
    /// Inline `mod` blocks around the current node.
    scope: Vec<String>,
    /// Enclosing `#[cfg(test)]` / `#[test]` items.
    test_depth: usize,
    /// Enclosing blocks, impls and traits (0 = module level).
    body_depth: usize,
    /// Enclosing inline modules (0 and `body_depth == 0` = file top level).
    mod_depth: usize,
    /// Inside an `impl Trait for Type` block: its methods are the trait's, not gates.
    in_trait_impl: bool,
    fn_names: Vec<String>,
    params: Vec<ParamFrame>,
    /// Scratch buffer for identifier text.
    buf: String,
    /// Every `if` that may be a fork, in source order of its keyword.
    fork_slots: Vec<ForkSlot>,
    /// Reads of check locals in conditions: `(start, end, check)`.
    local_tests: Vec<(usize, usize, usize)>,
    /// The slot whose then/else body holds the current node (reset at `fn` boundaries).
    fork_ctx: Option<usize>,
    /// Slots whose condition is being walked.
    cond_stack: Vec<usize>,
    /// Checks (ranges of `facts.checks`) inside blocks of the conditions being walked: they are
    /// not the conditions' own tests (`else if let Some(x) = { if flag { .. } }`).
    cond_blocks: Vec<std::ops::Range<usize>>,
    /// Local bindings of the enclosing fns, innermost last (the first is the file's).
    frames: Vec<LocalFrame>,
    /// Popped frames kept for their allocations.
    spare_frames: Vec<LocalFrame>,
    hasher: BuildHasherDefault<DefaultHasher>,
    /// Some check spec has [`Shape::Generic`] (turbofish checks are looked for).
    generic_shape: bool,
    /// Generic type parameter names visible at the current node (the enclosing impl's or trait's
    /// and fn's); only collected when [`Self::generic_shape`].
    type_params: Vec<String>,
    /// The self type name of the enclosing module-level, non-generic, non-test `impl` whose string
    /// consts are definitions (`impl Flag for NewRouter { const NAME: &str = "x"; }`).
    impl_owner: Option<String>,
    /// Some check spec has [`Shape::Property`] (field reads are looked at).
    property_shape: bool,
    /// The address of the field read being written (`flags.x = v`): not a property check.
    write_target: Option<usize>,
    /// Parameters and `let` locals declared with a type that a property spec names
    /// (`flags: &FeatureFlags`): `(name, type)`, innermost last.
    typed_bindings: Vec<(String, String)>,
    /// Fields of the file's structs typed by a property spec's type: (struct, field, type).
    typed_fields: Vec<(String, String, String)>,
}

impl<'a> Walker<'a> {
    fn new(index: &'a LineIndex<'a>, base: usize, options: &'a ExtractOptions<'a>) -> Self {
        Walker {
            index,
            base,
            options,
            facts: FileFacts::default(),
            module_names: HashSet::new(),
            import_locals: HashSet::new(),
            scope: Vec::new(),
            test_depth: 0,
            body_depth: 0,
            mod_depth: 0,
            in_trait_impl: false,
            fn_names: Vec::new(),
            params: Vec::new(),
            buf: String::new(),
            fork_slots: Vec::new(),
            local_tests: Vec::new(),
            fork_ctx: None,
            cond_stack: Vec::new(),
            cond_blocks: Vec::new(),
            frames: vec![LocalFrame::default()],
            spare_frames: Vec::new(),
            hasher: BuildHasherDefault::default(),
            generic_shape: options.checks.has_shape(ShapeKind::Generic),
            type_params: Vec::new(),
            impl_owner: None,
            property_shape: options.checks.has_shape(ShapeKind::Property),
            write_target: None,
            typed_bindings: Vec::new(),
            typed_fields: Vec::new(),
        }
    }

    // --- spans and errors

    fn span(&self, span: proc_macro2::Span) -> Span {
        let range = span.byte_range();
        self.index
            .span(self.base + range.start, self.base + range.end)
    }

    /// Like [`Self::span`], but `fallback` for the call-site span syn uses at end of input.
    fn span_or(&self, span: proc_macro2::Span, fallback: Span) -> Span {
        if span.byte_range().is_empty() {
            fallback
        } else {
            self.span(span)
        }
    }

    fn push_error(&mut self, span: Span, message: String) {
        let errors = &mut self.facts.syntax_errors;
        if errors.len() < MAX_SYNTAX_ERRORS
            && !errors
                .iter()
                .any(|e| e.span == span && e.message == message)
        {
            errors.push(SyntaxError::new(span, message));
        }
    }

    // --- recovery

    /// Splits the top-level token trees into items and parses them one by one.
    fn recover_items(&mut self, tokens: TokenStream) -> Vec<Item> {
        let mut items = Vec::new();
        let mut chunk: Vec<TokenTree> = Vec::new();
        for tree in tokens {
            let is_semi = matches!(&tree, TokenTree::Punct(p) if p.as_char() == ';');
            let delimiter = match &tree {
                TokenTree::Group(g) => Some(g.delimiter()),
                _ => None,
            };
            chunk.push(tree);
            if delimiter == Some(Delimiter::Bracket) && is_inner_attribute(&chunk) {
                chunk.clear();
                continue;
            }
            let is_brace = delimiter == Some(Delimiter::Brace);
            if !is_semi && !is_brace {
                continue;
            }
            match syn::parse2::<Item>(chunk.iter().cloned().collect()) {
                Ok(item) => {
                    items.push(item);
                    chunk.clear();
                }
                Err(err) if is_brace && is_end_of_input(&err) => {}
                Err(err) => {
                    self.chunk_error(&chunk, &err);
                    chunk.clear();
                }
            }
        }
        if !chunk.is_empty() {
            match syn::parse2::<Item>(chunk.iter().cloned().collect()) {
                Ok(item) => items.push(item),
                Err(err) => self.chunk_error(&chunk, &err),
            }
        }
        items
    }

    fn chunk_error(&mut self, chunk: &[TokenTree], err: &syn::Error) {
        let Some(last) = chunk.last() else {
            return;
        };
        // At end of input syn reports the call site: point at the chunk's last token instead.
        let fallback = self.span(last.span());
        let span = self.span_or(err.span(), fallback);
        self.push_error(span, err.to_string());
    }

    // --- symbol uses

    /// Records `a.b.c` (rooted at a path) if it qualifies; other chains are visited below the
    /// first non-name link.
    fn walk_field_chain(&mut self, expr: &Expr, called: bool) {
        self.property_checks(expr);
        let mut members: Vec<&Ident> = Vec::new();
        let mut root = expr;
        while let Expr::Field(f) = root {
            let Member::Named(ident) = &f.member else {
                break;
            };
            members.push(ident);
            root = &f.base;
        }
        if members.is_empty() {
            visit::visit_expr(self, expr);
            return;
        }
        match root {
            Expr::Path(p) if p.qself.is_none() => {
                if self.qualifies(&p.path, &members) {
                    let mut path: Vec<String> = p
                        .path
                        .segments
                        .iter()
                        .map(|s| ident_string(&s.ident))
                        .collect();
                    path.extend(members.iter().rev().map(|i| ident_string(i)));
                    self.record_symbol(path, expr.span(), called);
                }
            }
            _ => self.visit_expr(root),
        }
    }

    /// Whether a chain (path segments, then `members` in reverse) is rooted at an import or
    /// mentions an interesting name.
    fn qualifies(&mut self, path: &Path, members: &[&Ident]) -> bool {
        let segments = path.segments.iter().map(|s| &s.ident);
        for (i, ident) in segments.chain(members.iter().rev().copied()).enumerate() {
            let name = ident_str(&mut self.buf, ident);
            if (i == 0 && self.import_locals.contains(name))
                || self.options.interesting.contains(name)
            {
                return true;
            }
        }
        false
    }

    fn record_symbol(&mut self, path: Vec<String>, span: proc_macro2::Span, called: bool) {
        let span = self.span(span);
        self.facts.symbol_uses.push(SymbolUse {
            path,
            span,
            in_test: self.test_depth > 0,
            scope: self.scope.clone(),
            called,
        });
    }

    /// Inside a fork condition: a read of a local bound to a check.
    fn note_cond_path(&mut self, expr: &ExprPath) {
        if !self.cond_stack.is_empty() && expr.qself.is_none() {
            if let Some(ident) = expr.path.get_ident() {
                let hash = self.name_hash(ident);
                let span = self.span(expr.span());
                let range = span.start as usize..span.end as usize;
                if let Some(frame) = self.frames.last_mut() {
                    if frame.locals.assigned_a_check(&hash) {
                        for &slot in &self.cond_stack {
                            frame.refs.push((slot, hash, range.clone()));
                            if let Some(slot) = self.fork_slots.get_mut(slot) {
                                slot.refs += 1;
                            }
                        }
                    }
                }
            }
        }
    }

    /// A path in value position, recorded when it qualifies.
    fn record_path(&mut self, expr: &ExprPath, called: bool) {
        if expr.qself.is_none() && self.qualifies(&expr.path, &[]) {
            let path = expr
                .path
                .segments
                .iter()
                .map(|s| ident_string(&s.ident))
                .collect();
            self.record_symbol(path, expr.span(), called);
        }
    }
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        let test = is_test_code(item_attrs(item));
        self.test_depth += usize::from(test);
        if self.at_top_level() {
            self.add_item_names(item);
        }
        // An item sees none of the generics around it, only its own.
        let outer_type_params = std::mem::take(&mut self.type_params);
        match item {
            Item::Fn(f) => {
                self.gate_definition(&f.sig, f.span(), false);
                self.walk_fn(&f.sig, &f.block)
            }
            Item::Mod(m) => self.walk_mod(m),
            Item::Use(u) => self.record_use(u),
            Item::ExternCrate(e) => self.record_extern_crate(e),
            Item::Const(c) => {
                self.string_const(&c.ident, &c.expr, item);
                self.visit_expr(&c.expr);
            }
            Item::Static(s) => {
                self.string_const(&s.ident, &s.expr, item);
                self.visit_expr(&s.expr);
            }
            Item::Impl(i) => {
                self.impl_members(i);
                if self.generic_shape {
                    self.type_params.extend(type_param_names(&i.generics));
                }
                let owner = self.const_owner(i);
                let outer_owner = std::mem::replace(&mut self.impl_owner, owner);
                let outer_trait = std::mem::replace(&mut self.in_trait_impl, i.trait_.is_some());
                self.body_depth += 1;
                for impl_item in &i.items {
                    self.visit_impl_item(impl_item);
                }
                self.body_depth -= 1;
                self.in_trait_impl = outer_trait;
                self.impl_owner = outer_owner;
            }
            Item::Trait(t) => {
                if self.generic_shape {
                    self.type_params.extend(type_param_names(&t.generics));
                }
                self.body_depth += 1;
                for trait_item in &t.items {
                    self.visit_trait_item(trait_item);
                }
                self.body_depth -= 1;
            }
            Item::Macro(m) => self.macro_definitions(m),
            Item::Enum(e) => {
                self.enum_definitions(e);
                visit::visit_item(self, item);
            }
            Item::Struct(s) => {
                self.struct_definitions(s);
                visit::visit_item(self, item);
            }
            _ => visit::visit_item(self, item),
        }
        self.type_params = outer_type_params;
        self.test_depth -= usize::from(test);
    }

    fn visit_impl_item(&mut self, item: &'ast ImplItem) {
        let attrs: &[Attribute] = match item {
            ImplItem::Const(c) => &c.attrs,
            ImplItem::Fn(f) => &f.attrs,
            ImplItem::Type(t) => &t.attrs,
            ImplItem::Macro(m) => &m.attrs,
            _ => &[],
        };
        let test = is_test_code(attrs);
        self.test_depth += usize::from(test);
        match item {
            ImplItem::Fn(f) => {
                if !self.in_trait_impl {
                    self.gate_definition(&f.sig, f.span(), true);
                }
                self.walk_fn(&f.sig, &f.block)
            }
            ImplItem::Const(c) => {
                self.impl_string_const(c);
                self.visit_expr(&c.expr);
            }
            _ => {}
        }
        self.test_depth -= usize::from(test);
    }

    fn visit_trait_item(&mut self, item: &'ast TraitItem) {
        let attrs: &[Attribute] = match item {
            TraitItem::Const(c) => &c.attrs,
            TraitItem::Fn(f) => &f.attrs,
            TraitItem::Type(t) => &t.attrs,
            TraitItem::Macro(m) => &m.attrs,
            _ => &[],
        };
        let test = is_test_code(attrs);
        self.test_depth += usize::from(test);
        match item {
            TraitItem::Fn(f) => {
                if let Some(block) = &f.default {
                    self.walk_fn(&f.sig, block);
                }
            }
            TraitItem::Const(c) => {
                if let Some((_, expr)) = &c.default {
                    self.visit_expr(expr);
                }
            }
            _ => {}
        }
        self.test_depth -= usize::from(test);
    }

    fn visit_block(&mut self, block: &'ast Block) {
        // A block inside a condition: its checks and names are not the condition's tests.
        let conditions = std::mem::take(&mut self.cond_stack);
        let before = self.facts.checks.len();
        self.body_depth += 1;
        visit::visit_block(self, block);
        self.body_depth -= 1;
        if !conditions.is_empty() {
            self.cond_blocks.push(before..self.facts.checks.len());
        }
        self.cond_stack = conditions;
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        match expr {
            Expr::Call(call) => self.walk_call(call),
            Expr::MethodCall(call) => self.walk_method_call(call),
            Expr::Field(_) => self.walk_field_chain(expr, false),
            _ => visit::visit_expr(self, expr),
        }
    }

    fn visit_expr_path(&mut self, expr: &'ast ExprPath) {
        self.note_cond_path(expr);
        self.record_path(expr, false);
    }
    fn visit_expr_closure(&mut self, closure: &'ast ExprClosure) {
        let names = closure.inputs.iter().filter_map(pat_ident).collect();
        for input in &closure.inputs {
            self.bind_pattern(input);
        }
        self.params.push(ParamFrame {
            names,
            is_fn: false,
        });
        self.body_depth += 1;
        self.visit_expr(&closure.body);
        self.body_depth -= 1;
        self.params.pop();
    }

    /// An `if` chain, walked link by link (a long `else if` chain does not recurse).
    fn visit_expr_if(&mut self, expr: &'ast ExprIf) {
        let saved = self.fork_ctx;
        let mut link_ctx = saved;
        let mut head = None;
        let mut kind = ForkKind::If;
        let mut cur = expr;
        loop {
            let slot = self.open_fork(cur, kind, head, saved, link_ctx);
            if kind == ForkKind::If {
                head = slot;
            }
            link_ctx = slot.or(link_ctx);
            self.fork_ctx = link_ctx;
            self.visit_block(&cur.then_branch);
            let Some((_, else_branch)) = &cur.else_branch else {
                break;
            };
            match &**else_branch {
                Expr::If(next) => {
                    cur = next;
                    kind = ForkKind::ElseIf;
                }
                other => {
                    self.fork_ctx = link_ctx;
                    self.visit_expr(other);
                    break;
                }
            }
        }
        self.fork_ctx = saved;
    }

    fn visit_local(&mut self, local: &'ast Local) {
        if let Pat::Type(typed) = &local.pat {
            self.typed_binding(&typed.pat, &typed.ty);
        }
        if local.init.is_none() && simple_binding(&local.pat).is_some() {
            // `let x;` declares `x`: its first assignment is its first write.
            if let Pat::Type(typed) = &local.pat {
                self.visit_type(&typed.ty);
            }
            return;
        }
        let before = self.facts.checks.len();
        visit::visit_local(self, local);
        let Some(init) = &local.init else {
            return;
        };
        if init.diverge.is_some() {
            return;
        }
        let Some(ident) = simple_binding(&local.pat) else {
            return;
        };
        if let Some(check) = self.check_at(unwrap_check_value(&init.expr), before) {
            self.local(ident, |locals, name| locals.assigned_check(name, check));
        }
    }

    fn visit_pat_ident(&mut self, pat: &'ast PatIdent) {
        self.bind_ident(&pat.ident);
        visit::visit_pat_ident(self, pat);
    }

    fn visit_expr_assign(&mut self, expr: &'ast ExprAssign) {
        let ident = plain_ident(&expr.left);
        if let Some(ident) = ident {
            self.bind_ident(ident);
        }
        let before = self.facts.checks.len();
        self.with_write_target(&expr.left, |w| visit::visit_expr_assign(w, expr));
        let check = self.check_at(unwrap_check_value(&expr.right), before);
        if let (Some(ident), Some(check)) = (ident, check) {
            self.local(ident, |locals, name| locals.assigned_check(name, check));
        }
    }

    fn visit_expr_binary(&mut self, expr: &'ast ExprBinary) {
        if is_compound_assign(&expr.op) {
            if let Some(ident) = plain_ident(&expr.left) {
                self.bind_ident(ident);
            }
            return self.with_write_target(&expr.left, |w| visit::visit_expr_binary(w, expr));
        }
        visit::visit_expr_binary(self, expr);
    }

    fn visit_expr_reference(&mut self, expr: &'ast syn::ExprReference) {
        if expr.mutability.is_some() {
            return self.with_write_target(&expr.expr, |w| visit::visit_expr_reference(w, expr));
        }
        visit::visit_expr_reference(self, expr);
    }

    fn visit_expr_macro(&mut self, expr: &'ast ExprMacro) {
        self.walk_macro(&expr.mac);
    }

    fn visit_stmt_macro(&mut self, stmt: &'ast StmtMacro) {
        self.walk_macro(&stmt.mac);
    }

    fn visit_lit_str(&mut self, lit: &'ast LitStr) {
        if self.test_depth == 0 && !self.options.keys.is_empty() {
            let value = lit.value();
            if self.options.keys.contains(&value) {
                let span = self.span(lit.span());
                self.facts.key_mentions.push((value, span));
            }
        }
    }

    // Types, generics and attributes hold no flag uses; skipping them keeps the walk short.
    fn visit_type(&mut self, _: &'ast syn::Type) {}
    fn visit_generics(&mut self, _: &'ast syn::Generics) {}
    fn visit_attribute(&mut self, _: &'ast Attribute) {}
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// The text of an identifier without the `r#` of raw identifiers, written into `buf`.
fn ident_str<'b>(buf: &'b mut String, ident: &Ident) -> &'b str {
    buf.clear();
    let _ = write!(buf, "{ident}");
    buf.strip_prefix("r#").unwrap_or(buf)
}

fn ident_string(ident: &Ident) -> String {
    let mut text = ident.to_string();
    if text.starts_with("r#") {
        text.drain(..2);
    }
    text
}

/// `name` of a simple `name` / `mut name` / `name: T` pattern.
fn pat_ident(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(p) if p.subpat.is_none() => Some(ident_string(&p.ident)),
        Pat::Type(t) => pat_ident(&t.pat),
        _ => None,
    }
}

/// The segment names of a path (`a::b::C` -> `["a", "b", "C"]`; a leading `::` dropped).
fn path_chain(path: &Path) -> Vec<String> {
    path.segments
        .iter()
        .map(|s| ident_string(&s.ident))
        .collect()
}

/// The path of a type that is a plain path without generic arguments or a qualified self
/// (`NewRouterFlag`, `flags::NewRouterFlag`, `crate::flags::NewRouterFlag`).
fn simple_type_path(mut ty: &Type) -> Option<&Path> {
    loop {
        match ty {
            Type::Paren(p) => ty = &p.elem,
            Type::Group(g) => ty = &g.elem,
            Type::Path(p) if p.qself.is_none() => {
                let plain = p
                    .path
                    .segments
                    .iter()
                    .all(|s| matches!(s.arguments, PathArguments::None));
                return (plain && !p.path.segments.is_empty()).then_some(&p.path);
            }
            _ => return None,
        }
    }
}

/// Names of the generic type parameters (not lifetimes or consts).
fn type_param_names(generics: &Generics) -> impl Iterator<Item = String> + '_ {
    generics.params.iter().filter_map(|param| match param {
        GenericParam::Type(t) => Some(ident_string(&t.ident)),
        _ => None,
    })
}

fn unwrap_parens(mut expr: &Expr) -> &Expr {
    loop {
        match expr {
            Expr::Paren(p) => expr = &p.expr,
            Expr::Group(g) => expr = &g.expr,
            _ => return expr,
        }
    }
}

/// A `let` value without parentheses and `.await`.
fn unwrap_check_value(mut expr: &Expr) -> &Expr {
    loop {
        match expr {
            Expr::Paren(p) => expr = &p.expr,
            Expr::Group(g) => expr = &g.expr,
            Expr::Await(a) => expr = &a.base,
            _ => return expr,
        }
    }
}

/// `name` / `mut name` / `name: T` of a `let` binding one name.
fn simple_binding(mut pat: &Pat) -> Option<&Ident> {
    loop {
        match pat {
            Pat::Ident(p) if p.subpat.is_none() => return Some(&p.ident),
            Pat::Type(t) => pat = &t.pat,
            Pat::Paren(p) => pat = &p.pat,
            _ => return None,
        }
    }
}

/// A plain local name (`x`, `(x)`), not `self.x` or `a::x`.
fn plain_ident(expr: &Expr) -> Option<&Ident> {
    match unwrap_parens(expr) {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident(),
        _ => None,
    }
}

fn is_compound_assign(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::AddAssign(_)
            | BinOp::SubAssign(_)
            | BinOp::MulAssign(_)
            | BinOp::DivAssign(_)
            | BinOp::RemAssign(_)
            | BinOp::BitXorAssign(_)
            | BinOp::BitAndAssign(_)
            | BinOp::BitOrAssign(_)
            | BinOp::ShlAssign(_)
            | BinOp::ShrAssign(_)
    )
}

/// A key argument without `&`, `*` and parentheses.
fn unwrap_key(mut expr: &Expr) -> &Expr {
    loop {
        match expr {
            Expr::Paren(p) => expr = &p.expr,
            Expr::Group(g) => expr = &g.expr,
            Expr::Reference(r) => expr = &r.expr,
            Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => expr = &u.expr,
            _ => return expr,
        }
    }
}

/// `a::b.c.d` as `["a", "b", "c", "d"]` when the expression is a plain path/field chain.
fn static_chain(expr: &Expr) -> Option<Vec<String>> {
    let mut reversed = Vec::new();
    let mut cur = expr;
    loop {
        match cur {
            Expr::Field(f) => {
                let Member::Named(ident) = &f.member else {
                    return None;
                };
                reversed.push(ident_string(ident));
                cur = &f.base;
            }
            Expr::Path(p) if p.qself.is_none() => {
                let segments = p.path.segments.iter().rev();
                reversed.extend(segments.map(|s| ident_string(&s.ident)));
                reversed.reverse();
                return Some(reversed);
            }
            _ => return None,
        }
    }
}

/// Flattens a use tree into `(local, module, name)` leaves, in source order.
fn flatten_use(tree: &UseTree) -> Vec<UseLeaf> {
    let mut out = Vec::new();
    let mut stack: Vec<(&UseTree, Vec<String>)> = vec![(tree, Vec::new())];
    while let Some((tree, prefix)) = stack.pop() {
        match tree {
            UseTree::Path(p) => {
                let mut prefix = prefix;
                prefix.push(ident_string(&p.ident));
                stack.push((&p.tree, prefix));
            }
            UseTree::Name(n) if n.ident == "self" => {
                if let Some(last) = prefix.last() {
                    out.push((last.clone(), prefix, None));
                }
            }
            UseTree::Name(n) => {
                let name = ident_string(&n.ident);
                out.push((name.clone(), prefix, Some(name)));
            }
            UseTree::Rename(r) => {
                let name = (r.ident != "self").then(|| ident_string(&r.ident));
                out.push((ident_string(&r.rename), prefix, name));
            }
            UseTree::Glob(_) => out.push(("*".to_string(), prefix, None)),
            UseTree::Group(g) => {
                for item in g.items.iter().rev() {
                    stack.push((item, prefix.clone()));
                }
            }
        }
    }
    out
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::ExternCrate(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// `#[test]`, `#[tokio::test]` (any attribute whose last segment is `test`), `#[cfg(test)]` and
/// `#[cfg(all(test, ...))]`.
fn is_test_code(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        if path.segments.last().is_some_and(|s| s.ident == "test") {
            return true;
        }
        match &attr.meta {
            Meta::List(list) if path.is_ident("cfg") => cfg_requires_test(list.tokens.clone()),
            _ => false,
        }
    })
}

/// Whether a `cfg(...)` predicate requires `test`: `test` itself or inside `all(...)`.
fn cfg_requires_test(tokens: TokenStream) -> bool {
    let mut stack = vec![tokens];
    while let Some(tokens) = stack.pop() {
        let mut iter = tokens.into_iter().peekable();
        while let Some(tree) = iter.next() {
            let TokenTree::Ident(ident) = tree else {
                continue;
            };
            let next = iter.peek();
            if ident == "test" && !matches!(next, Some(TokenTree::Punct(p)) if p.as_char() == '=') {
                return true;
            }
            if ident == "all" {
                if let Some(TokenTree::Group(g)) = next {
                    stack.push(g.stream());
                }
            }
        }
    }
    false
}

/// `#` `!` `[...]` at the start of a chunk.
fn is_inner_attribute(chunk: &[TokenTree]) -> bool {
    matches!(
        chunk,
        [TokenTree::Punct(hash), TokenTree::Punct(bang), TokenTree::Group(_)]
            if hash.as_char() == '#' && bang.as_char() == '!'
    )
}

/// Whether syn stopped because the tokens ran out (it then reports the call-site span).
fn is_end_of_input(err: &syn::Error) -> bool {
    err.span().byte_range().is_empty() || err.to_string().starts_with("unexpected end of input")
}
