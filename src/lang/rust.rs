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

use std::collections::HashSet;
use std::fmt::Write as _;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

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

use super::flow::{self, Branch, CondNode, Held, Locals, Statement, Tested};
use super::reason::DynamicReason;
use super::{
    on_deep_stack, DefinitionShapes, ExtractOptions, Shape, ShapeKind, MAX_RUST_NESTING,
    MAX_SYNTAX_ERRORS,
};
use crate::facts::{
    Body, CheckSite, ConstKind, FileFacts, ForkKind, Import, KeyExpr, LineIndex, ModuleRef, Span,
    StringConst, SymbolUse, SyntaxError,
};

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
// Depth scan

/// Result of the pre-parse text scan.
#[derive(Debug, Default)]
struct DepthScan {
    /// Deepest bracket nesting and where it was first reached.
    nesting: usize,
    nesting_at: usize,
    /// Longest token run and where it was first reached.
    run: usize,
    run_at: usize,
}

/// What kind of token the scan met.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ScanToken {
    Open,
    Close(u8),
    Separator,
    /// A punctuation byte that can continue an expression after a `}` (`.`, `?`, operators).
    Continuation,
    /// `else` or `as`.
    ContinuationWord,
    Other,
}

/// Bracket nesting and "token run" of a file, skipping comments and string/char literals.
///
/// The token run approximates how deep `syn`'s tree can get: every token of an expression can add
/// a level (`a.b.c`, `a + b + c`, `!!x`, `Vec<Vec<T>>`), brackets add to the run of their contents,
/// and `;`, `,` and the end of a `{}` block that ends a statement or item reset it.
fn scan_depth(src: &[u8]) -> DepthScan {
    let mut out = DepthScan::default();
    let mut bases: Vec<usize> = Vec::new();
    let mut run = 0usize;
    let mut after_brace = false;
    let mut i = 0;
    while i < src.len() {
        let b = src[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'/' && matches!(src.get(i + 1), Some(b'/') | Some(b'*')) {
            i = skip_comment(src, i);
            continue;
        }
        let start = i;
        let (end, token) = scan_token(src, i);
        i = end.max(i + 1);
        let base = bases.last().copied().unwrap_or(0);
        if after_brace {
            after_brace = false;
            if !matches!(token, ScanToken::Continuation | ScanToken::ContinuationWord) {
                run = base;
            }
        }
        match token {
            ScanToken::Open => {
                run += 1;
                bases.push(run);
                if bases.len() > out.nesting {
                    out.nesting = bases.len();
                    out.nesting_at = start;
                }
            }
            ScanToken::Close(c) => {
                if let Some(b) = bases.pop() {
                    run = b;
                }
                after_brace = c == b'}';
            }
            ScanToken::Separator => run = base,
            _ => run += 1,
        }
        if run > out.run {
            out.run = run;
            out.run_at = start;
        }
    }
    out
}

/// End of the comment starting at `i` (`//` or nested `/* */`).
fn skip_comment(src: &[u8], i: usize) -> usize {
    if src.get(i + 1) == Some(&b'/') {
        return src[i..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(src.len(), |p| i + p + 1);
    }
    let mut depth = 0usize;
    let mut j = i;
    while j < src.len() {
        match (src[j], src.get(j + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                j += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return j;
                }
            }
            _ => j += 1,
        }
    }
    src.len()
}

/// The token starting at `i`: its end and kind.
fn scan_token(src: &[u8], i: usize) -> (usize, ScanToken) {
    let b = src[i];
    match b {
        b'"' => (skip_quoted(src, i + 1, b'"'), ScanToken::Other),
        b'\'' => (skip_char_or_lifetime(src, i), ScanToken::Other),
        b'(' | b'[' | b'{' => (i + 1, ScanToken::Open),
        b')' | b']' | b'}' => (i + 1, ScanToken::Close(b)),
        b';' | b',' => (i + 1, ScanToken::Separator),
        b'.' | b'?' | b'+' | b'-' | b'*' | b'/' | b'%' | b'^' | b'&' | b'|' | b'=' | b'<'
        | b'>' => (i + 1, ScanToken::Continuation),
        b'0'..=b'9' => (skip_word(src, i), ScanToken::Other),
        _ if is_word_byte(b) => scan_word(src, i),
        _ => (i + 1, ScanToken::Other),
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn skip_word(src: &[u8], i: usize) -> usize {
    src[i..]
        .iter()
        .position(|&b| !is_word_byte(b))
        .map_or(src.len(), |p| i + p)
}

/// An identifier or keyword, or a prefixed string literal (`b"..."`, `r#"..."#`, `c"..."`).
fn scan_word(src: &[u8], i: usize) -> (usize, ScanToken) {
    let end = skip_word(src, i);
    let word = &src[i..end];
    let next = src.get(end).copied();
    if matches!(word, b"r" | b"br" | b"cr") && matches!(next, Some(b'"') | Some(b'#')) {
        let hashes = src[end..].iter().take_while(|&&b| b == b'#').count();
        if src.get(end + hashes) == Some(&b'"') {
            return (skip_raw(src, end + hashes + 1, hashes), ScanToken::Other);
        }
    }
    if matches!(word, b"b" | b"c") && next == Some(b'"') {
        return (skip_quoted(src, end + 1, b'"'), ScanToken::Other);
    }
    if word == b"else" || word == b"as" {
        return (end, ScanToken::ContinuationWord);
    }
    (end, ScanToken::Other)
}

/// End of a quoted literal whose body starts at `i` (backslash escapes honoured).
fn skip_quoted(src: &[u8], mut i: usize, quote: u8) -> usize {
    while i < src.len() {
        match src[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    src.len()
}

/// End of a raw string body starting at `i`, closed by `"` and `hashes` `#`.
fn skip_raw(src: &[u8], mut i: usize, hashes: usize) -> usize {
    while i < src.len() {
        if src[i] == b'"'
            && src[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&b| b == b'#')
                .count()
                == hashes
        {
            return i + 1 + hashes;
        }
        i += 1;
    }
    src.len()
}

/// End of a char literal (`'a'`, `'\n'`, `'é'`) or of the quote of a lifetime / label.
fn skip_char_or_lifetime(src: &[u8], i: usize) -> usize {
    match src.get(i + 1) {
        Some(b'\\') => {
            let limit = (i + 16).min(src.len());
            src[i + 2..limit]
                .iter()
                .position(|&b| b == b'\'')
                .map_or(i + 1, |p| i + 2 + p + 1)
        }
        Some(&b) => {
            let width = utf8_width(b);
            if src.get(i + 1 + width) == Some(&b'\'') {
                i + 2 + width
            } else {
                i + 1
            }
        }
        None => i + 1,
    }
}

fn utf8_width(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
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
    /// Conditions (fork slot, name) that mention a name assigned a check.
    refs: Vec<(usize, NameHash)>,
    /// Conditions (fork slot, name, role) with a leaf that is that name.
    terms: Vec<(usize, NameHash, Term)>,
}

/// What a condition's leaf decides about its fork if it is a flag test.
#[derive(Clone, Copy)]
enum Term {
    /// The leaf under an odd number of negations is the whole condition.
    Negated,
    /// [`Fork::then_without_flag`](crate::facts::Fork::then_without_flag).
    ThenWithout,
}

/// An `if` / `else if` met during the walk; it becomes a [`Fork`](crate::facts::Fork) when its condition turns out to
/// test a flag (check-local status is only known when its fn has been walked).
struct ForkSlot {
    /// ElseIf: `head` is the chain head's slot (`None` if the head could not be a fork); `outer`
    /// the previous link of the chain.
    branch: Branch,
    /// Checks in the condition, then those of check locals it uses (unsorted).
    tested: Tested,
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
    fn_names: Vec<String>,
    params: Vec<ParamFrame>,
    /// Scratch buffer for identifier text.
    buf: String,
    /// Every `if` that may be a fork, in source order of its keyword.
    fork_slots: Vec<ForkSlot>,
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
            fn_names: Vec::new(),
            params: Vec::new(),
            buf: String::new(),
            fork_slots: Vec::new(),
            fork_ctx: None,
            cond_stack: Vec::new(),
            cond_blocks: Vec::new(),
            frames: vec![LocalFrame::default()],
            spare_frames: Vec::new(),
            hasher: BuildHasherDefault::default(),
            generic_shape: options.checks.has_shape(ShapeKind::Generic),
            type_params: Vec::new(),
            impl_owner: None,
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

    // --- items

    fn walk_items(&mut self, items: &[Item]) {
        self.collect_import_locals(items);
        for item in items {
            self.visit_item(item);
        }
    }

    /// Local names of the `use` items at module level (through inline modules), so that uses
    /// written before the `use` still count as rooted at an import.
    fn collect_import_locals(&mut self, items: &[Item]) {
        let mut stack: Vec<&[Item]> = vec![items];
        while let Some(items) = stack.pop() {
            for item in items {
                match item {
                    Item::Use(u) => {
                        for (local, _, _) in flatten_use(&u.tree) {
                            if local != "*" {
                                self.import_locals.insert(local);
                            }
                        }
                    }
                    Item::Mod(m) => {
                        if let Some((_, content)) = &m.content {
                            stack.push(content);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn at_top_level(&self) -> bool {
        self.mod_depth == 0 && self.body_depth == 0
    }

    fn add_module_name(&mut self, name: String) {
        if name != "_" && name != "*" && self.module_names.insert(name.clone()) {
            self.facts.module_names.push(name);
        }
    }

    fn add_item_names(&mut self, item: &Item) {
        let ident = match item {
            Item::Fn(f) => Some(&f.sig.ident),
            Item::Struct(s) => Some(&s.ident),
            Item::Enum(e) => Some(&e.ident),
            Item::Union(u) => Some(&u.ident),
            Item::Trait(t) => Some(&t.ident),
            Item::TraitAlias(t) => Some(&t.ident),
            Item::Type(t) => Some(&t.ident),
            Item::Const(c) => Some(&c.ident),
            Item::Static(s) => Some(&s.ident),
            Item::Mod(m) => Some(&m.ident),
            Item::Macro(m) => m.ident.as_ref(),
            Item::ExternCrate(e) => Some(e.rename.as_ref().map_or(&e.ident, |(_, r)| r)),
            Item::ForeignMod(f) => {
                for foreign in &f.items {
                    let ident = match foreign {
                        ForeignItem::Fn(f) => &f.sig.ident,
                        ForeignItem::Static(s) => &s.ident,
                        ForeignItem::Type(t) => &t.ident,
                        _ => continue,
                    };
                    self.add_module_name(ident_string(ident));
                }
                None
            }
            _ => None,
        };
        if let Some(ident) = ident {
            self.add_module_name(ident_string(ident));
        }
    }

    fn walk_mod(&mut self, item: &syn::ItemMod) {
        let Some((_, content)) = &item.content else {
            return;
        };
        self.scope.push(ident_string(&item.ident));
        self.mod_depth += 1;
        for item in content {
            self.visit_item(item);
        }
        self.mod_depth -= 1;
        self.scope.pop();
    }

    fn walk_fn(&mut self, sig: &Signature, block: &Block) {
        let names = sig
            .inputs
            .iter()
            .filter_map(|arg| match arg {
                FnArg::Typed(t) => pat_ident(&t.pat),
                FnArg::Receiver(_) => None,
            })
            .collect();
        let type_params_len = self.type_params.len();
        if self.generic_shape {
            self.type_params.extend(type_param_names(&sig.generics));
        }
        self.fn_names.push(ident_string(&sig.ident));
        self.params.push(ParamFrame { names, is_fn: true });
        let frame = self.spare_frames.pop().unwrap_or_default();
        self.frames.push(frame);
        for arg in &sig.inputs {
            if let FnArg::Typed(t) = arg {
                self.bind_pattern(&t.pat);
            }
        }
        // A named fn is a boundary: forks inside it have no parent outside.
        let ctx = self.fork_ctx.take();
        self.visit_block(block);
        self.fork_ctx = ctx;
        self.close_frame();
        self.params.pop();
        self.fn_names.pop();
        self.type_params.truncate(type_params_len);
    }

    fn record_use(&mut self, item: &ItemUse) {
        let reexport = !matches!(item.vis, Visibility::Inherited) && self.body_depth == 0;
        let span = self.span(item.span());
        let top = self.at_top_level();
        for (local, module, name) in flatten_use(&item.tree) {
            if local != "*" {
                self.import_locals.insert(local.clone());
                if top {
                    self.add_module_name(local.clone());
                }
            }
            self.facts.imports.push(Import {
                local,
                module: ModuleRef::Rust(module),
                name,
                reexport,
                scope: self.scope.clone(),
                span,
            });
        }
    }

    fn record_extern_crate(&mut self, item: &syn::ItemExternCrate) {
        let name = ident_string(&item.ident);
        let local = item
            .rename
            .as_ref()
            .map_or_else(|| name.clone(), |(_, r)| ident_string(r));
        self.import_locals.insert(local.clone());
        let span = self.span(item.span());
        self.facts.imports.push(Import {
            local,
            module: ModuleRef::Rust(Vec::new()),
            name: Some(name),
            reexport: !matches!(item.vis, Visibility::Inherited) && self.body_depth == 0,
            scope: self.scope.clone(),
            span,
        });
    }

    /// `const X: &str = "x";` / `static X: &str = "x";` at module level, outside test code.
    fn string_const(&mut self, ident: &Ident, value: &Expr, item: &Item) {
        if self.body_depth > 0 || self.test_depth > 0 {
            return;
        }
        self.push_string_const(None, ident, value, item.span());
    }

    /// `const NAME: &str = "x";` in the body of the module-level `impl` [`Self::impl_owner`]
    /// (outside test code): symbol `[.., Owner, NAME]`.
    fn impl_string_const(&mut self, item: &ImplItemConst) {
        if self.test_depth > 0 {
            return;
        }
        let Some(owner) = self.impl_owner.clone() else {
            return;
        };
        self.push_string_const(Some(owner), &item.ident, &item.expr, item.span());
    }

    /// The self type name of an `impl` whose string consts are definitions: at module level (or
    /// in inline modules), outside test code, without generic parameters, for a plain path type
    /// (`NewRouterFlag`, `flags::NewRouterFlag`).
    fn const_owner(&self, item: &ItemImpl) -> Option<String> {
        if self.body_depth > 0 || self.test_depth > 0 || !item.generics.params.is_empty() {
            return None;
        }
        let path = simple_type_path(&item.self_ty)?;
        path.segments.last().map(|s| ident_string(&s.ident))
    }

    fn push_string_const(
        &mut self,
        owner: Option<String>,
        ident: &Ident,
        value: &Expr,
        span: proc_macro2::Span,
    ) {
        if ident == "_" {
            return;
        }
        let Expr::Lit(lit) = unwrap_parens(value) else {
            return;
        };
        let Lit::Str(s) = &lit.lit else {
            return;
        };
        let mut symbol = self.scope.clone();
        symbol.extend(owner);
        symbol.push(ident_string(ident));
        let span = self.span(span);
        let name_span = self.span(ident.span());
        self.facts.string_consts.push(StringConst {
            reference: Some(symbol.join("::")),
            symbol,
            value: s.value(),
            exported: true,
            span,
            name_span,
            kind: ConstKind::Constant,
        });
    }

    // --- definition shapes

    fn definitions(&self) -> &'a DefinitionShapes {
        self.options.definitions
    }

    /// A listed enum or struct (by its own name) at module level, outside test code.
    fn is_definition_type(&self, names: &[String], ident: &Ident) -> bool {
        !names.is_empty()
            && self.body_depth == 0
            && self.test_depth == 0
            && names.iter().any(|name| ident == name.as_str())
    }

    /// `enum Feature { NewRouter, #[serde(rename = "x")] Other }` named in
    /// [`DefinitionShapes::enums`]: one constant `[.., Feature, Variant]` per variant.
    fn enum_definitions(&mut self, item: &ItemEnum) {
        if self.body_depth == 0 {
            let owner = ident_string(&item.ident);
            for variant in &item.variants {
                self.add_member_name(&owner, &variant.ident);
            }
        }
        if !self.is_definition_type(&self.definitions().enums, &item.ident) {
            return;
        }
        let owner = ident_string(&item.ident);
        for variant in &item.variants {
            if is_test_code(&variant.attrs) {
                continue;
            }
            self.push_definition(
                ConstKind::EnumVariant,
                &owner,
                &variant.ident,
                &variant.attrs,
                variant.span(),
                true,
            );
        }
    }

    fn add_member_name(&mut self, owner: &str, member: &Ident) {
        let member = ident_str(&mut self.buf, member);
        self.facts.member_names.push(format!("{owner}.{member}"));
    }

    /// The functions, consts and types of a module-level `impl` of a plain path type.
    fn impl_members(&mut self, item: &ItemImpl) {
        if self.body_depth > 0 {
            return;
        }
        let Some(owner) = simple_type_path(&item.self_ty)
            .and_then(|path| path.segments.last())
            .map(|s| ident_string(&s.ident))
        else {
            return;
        };
        for impl_item in &item.items {
            let ident = match impl_item {
                ImplItem::Fn(f) => &f.sig.ident,
                ImplItem::Const(c) => &c.ident,
                ImplItem::Type(t) => &t.ident,
                _ => continue,
            };
            self.add_member_name(&owner, ident);
        }
    }

    /// `struct FeatureSettings { shadow: bool, canary: Option<bool>, .. }` named in
    /// [`DefinitionShapes::structs`]: one constant `[.., FeatureSettings, field]` per `bool` field.
    fn struct_definitions(&mut self, item: &ItemStruct) {
        let Fields::Named(fields) = &item.fields else {
            return;
        };
        let owner = ident_string(&item.ident);
        if self.body_depth == 0 {
            for ident in fields.named.iter().filter_map(|f| f.ident.as_ref()) {
                self.add_member_name(&owner, ident);
            }
        }
        if !self.is_definition_type(&self.definitions().structs, &item.ident) {
            return;
        }
        for field in &fields.named {
            let Some(ident) = &field.ident else {
                continue;
            };
            if is_bool_type(&field.ty) && !is_test_code(&field.attrs) {
                self.push_definition(
                    ConstKind::StructField,
                    &owner,
                    ident,
                    &field.attrs,
                    field.span(),
                    false,
                );
            }
        }
    }

    /// A variant or field key: its name, or the `#[serde(rename = "x")]` on it. A variant
    /// (`referenceable`) is named `Enum::Variant` in code; a field is no name for its key.
    fn push_definition(
        &mut self,
        kind: ConstKind,
        owner: &str,
        ident: &Ident,
        attrs: &[Attribute],
        span: proc_macro2::Span,
        referenceable: bool,
    ) {
        let name = ident_string(ident);
        let value = serde_rename(attrs).unwrap_or_else(|| name.clone());
        let mut symbol = self.scope.clone();
        symbol.push(owner.to_string());
        symbol.push(name);
        let span = self.span(span);
        let name_span = self.span(ident.span());
        self.facts.string_consts.push(StringConst {
            reference: referenceable.then(|| symbol.join("::")),
            symbol,
            value,
            exported: true,
            span,
            name_span,
            kind,
        });
    }

    /// Whether a callee ending in `last` may be a registration (none configured: never).
    fn is_registration_candidate(&mut self, last: Option<&Ident>) -> bool {
        let registrations = self.options.definitions;
        if registrations.registrations.is_empty() || self.test_depth > 0 {
            return false;
        }
        let Some(last) = last else {
            return false;
        };
        let name = ident_str(&mut self.buf, last);
        registrations.is_registration_candidate(name)
    }

    /// `manager.add("x", ...)` matching a [`DefinitionShapes::registrations`] entry (trailing
    /// segments, as for checks) with a string literal at the key position: constant `["x"]`.
    fn registration(
        &mut self,
        chain: &[String],
        args: &Punctuated<Expr, Token![,]>,
        call_span: proc_macro2::Span,
    ) {
        let registration = self.options.definitions.registration(chain);
        let Some(position) = registration.and_then(|key| key.position) else {
            return;
        };
        let Some(arg) = args.iter().nth(position) else {
            return;
        };
        let Expr::Lit(lit) = unwrap_key(arg) else {
            return;
        };
        let Lit::Str(key) = &lit.lit else {
            return;
        };
        let value = key.value();
        let span = self.span(call_span);
        let name_span = self.span(key.span());
        self.facts.string_consts.push(StringConst {
            symbol: vec![value.clone()],
            value,
            exported: true,
            span,
            name_span,
            reference: None,
            kind: ConstKind::Registration,
        });
    }

    // --- calls

    fn walk_call(&mut self, call: &ExprCall) {
        let mut skip = None;
        if let Expr::Path(p) = &*call.func {
            if p.qself.is_none()
                && self.is_registration_candidate(p.path.segments.last().map(|s| &s.ident))
            {
                let chain = path_chain(&p.path);
                self.registration(&chain, &call.args, call.span());
            }
            if p.qself.is_none() && self.last_is_candidate(&p.path) {
                let chain = path_chain(&p.path);
                skip = self.check(&chain, &call.args, call.span());
            }
            if self.generic_shape && p.qself.is_none() {
                if let Some(last) = p.path.segments.last() {
                    if let PathArguments::AngleBracketed(generics) = &last.arguments {
                        if self.is_generic_candidate(&last.ident) {
                            let chain = path_chain(&p.path);
                            self.generic_check(&chain, generics, call.span());
                        }
                    }
                }
            }
        }
        self.visit_callee(&call.func);
        self.visit_args(&call.args, skip);
    }

    /// The callee of a call or the receiver of a method call: a path or field chain there is
    /// recorded as called.
    fn visit_callee(&mut self, expr: &Expr) {
        match expr {
            Expr::Path(p) => {
                self.note_cond_path(p);
                self.record_path(p, true)
            }
            Expr::Field(_) => self.walk_field_chain(expr, true),
            _ => self.visit_expr(expr),
        }
    }

    fn walk_method_call(&mut self, call: &ExprMethodCall) {
        let mut skip = None;
        if self.is_candidate(&call.method) {
            let mut chain = static_chain(&call.receiver).unwrap_or_default();
            chain.push(ident_string(&call.method));
            skip = self.check(&chain, &call.args, call.span());
        }
        if let Some(generics) = &call.turbofish {
            if self.generic_shape && self.is_generic_candidate(&call.method) {
                let mut chain = static_chain(&call.receiver).unwrap_or_default();
                chain.push(ident_string(&call.method));
                self.generic_check(&chain, generics, call.span());
            }
        }
        self.visit_callee(&call.receiver);
        // After the receiver: `m.add("a").add("b")` registers `a` before `b`.
        if self.is_registration_candidate(Some(&call.method)) {
            let mut chain = static_chain(&call.receiver).unwrap_or_default();
            chain.push(ident_string(&call.method));
            self.registration(&chain, &call.args, call.span());
        }
        self.visit_args(&call.args, skip);
    }

    fn is_generic_candidate(&mut self, ident: &Ident) -> bool {
        let name = ident_str(&mut self.buf, ident);
        self.options
            .checks
            .is_shape_candidate(ShapeKind::Generic, name)
    }

    /// Records a [`Shape::Generic`] check site if `chain` (the callee) matches one and the first
    /// generic argument is a plain type path: the key is that path plus the spec's constant
    /// (`has_flag::<NewRouterFlag>()` checks `NewRouterFlag::NAME`).
    fn generic_check(
        &mut self,
        chain: &[String],
        generics: &AngleBracketedGenericArguments,
        call_span: proc_macro2::Span,
    ) {
        let callee: Vec<&str> = chain.iter().map(String::as_str).collect();
        let checks = self.options.checks;
        let Some((spec_index, spec)) =
            checks.find_shape(self.options.language, ShapeKind::Generic, &callee)
        else {
            return;
        };
        let Shape::Generic { constant } = &spec.shape else {
            return;
        };
        let Some(GenericArgument::Type(ty)) = generics.args.first() else {
            return;
        };
        let Some(type_path) = simple_type_path(ty) else {
            return;
        };
        if chain
            .last()
            .is_some_and(|last| self.fn_names.iter().any(|name| name == last))
        {
            return;
        }
        let mut segments = path_chain(type_path);
        let key = match segments.as_slice() {
            [name]
                if type_path.leading_colon.is_none()
                    && self.type_params.iter().any(|t| t == name) =>
            {
                KeyExpr::Dynamic(format!("type parameter `{name}`"))
            }
            _ => {
                segments.push(constant.clone());
                KeyExpr::Path(segments)
            }
        };
        let site = CheckSite {
            spec: spec_index,
            key,
            span: self.span(call_span),
            key_span: self.span(ty.span()),
            in_test: self.test_depth > 0,
            scope: self.scope.clone(),
        };
        self.facts.checks.push(site);
    }

    fn visit_args(&mut self, args: &Punctuated<Expr, Token![,]>, skip: Option<usize>) {
        for (i, arg) in args.iter().enumerate() {
            if skip != Some(i) {
                self.visit_expr(arg);
            }
        }
    }

    fn last_is_candidate(&mut self, path: &Path) -> bool {
        path.segments
            .last()
            .is_some_and(|s| self.is_candidate(&s.ident))
    }

    fn is_candidate(&mut self, ident: &Ident) -> bool {
        let name = ident_str(&mut self.buf, ident);
        self.options.checks.is_candidate(name)
    }

    /// Records a check site if `chain` matches a configured check; returns the index of the key
    /// argument when it must not be visited again (it is the check's key).
    fn check(
        &mut self,
        chain: &[String],
        args: &Punctuated<Expr, Token![,]>,
        call_span: proc_macro2::Span,
    ) -> Option<usize> {
        let callee: Vec<&str> = chain.iter().map(String::as_str).collect();
        let (spec_index, spec) = self.options.checks.find(self.options.language, &callee)?;
        let position = spec.key.position?;
        let arg = args.iter().nth(position)?;
        let last = chain.last()?;
        if self.fn_names.iter().any(|name| name == last) {
            return None;
        }
        let (key, is_static) = self.classify_key(arg);
        let site = CheckSite {
            spec: spec_index,
            key,
            span: self.span(call_span),
            key_span: self.span(arg.span()),
            in_test: self.test_depth > 0,
            scope: self.scope.clone(),
        };
        self.facts.checks.push(site);
        is_static.then_some(position)
    }

    /// The key argument as a [`KeyExpr`], and whether it is a plain name/path/literal (whose
    /// expression is then not visited for symbol uses).
    fn classify_key(&self, arg: &Expr) -> (KeyExpr, bool) {
        let expr = unwrap_key(arg);
        let dynamic = |reason: DynamicReason| (KeyExpr::from(reason), false);
        match expr {
            Expr::Lit(lit) => match &lit.lit {
                Lit::Str(s) => (KeyExpr::Literal(s.value()), true),
                _ => (KeyExpr::from(DynamicReason::NonStringLiteral), true),
            },
            Expr::Path(p) if p.qself.is_none() => {
                let segments: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| ident_string(&s.ident))
                    .collect();
                match segments.as_slice() {
                    [name] if p.path.leading_colon.is_none() && self.is_param(name) => {
                        (KeyExpr::Parameter(name.clone()), true)
                    }
                    _ => (KeyExpr::Path(segments), true),
                }
            }
            Expr::Field(_) => match static_chain(expr) {
                Some(chain) => (KeyExpr::Path(chain), true),
                None => dynamic(DynamicReason::FieldOfExpression),
            },
            Expr::Macro(m) if m.mac.path.is_ident("format") => dynamic(DynamicReason::FormatMacro),
            Expr::Macro(_) => dynamic(DynamicReason::MacroCall),
            Expr::Call(_) => dynamic(DynamicReason::CallResult),
            Expr::MethodCall(_) => dynamic(DynamicReason::MethodCallResult),
            Expr::Binary(b) if matches!(b.op, BinOp::Add(_)) => {
                dynamic(DynamicReason::StringConcatenation)
            }
            Expr::If(_) | Expr::Match(_) => dynamic(DynamicReason::Conditional),
            Expr::Index(_) => dynamic(DynamicReason::Subscript),
            _ => dynamic(DynamicReason::Expression),
        }
    }

    fn is_param(&self, name: &str) -> bool {
        for frame in self.params.iter().rev() {
            if frame.names.iter().any(|n| n == name) {
                return true;
            }
            if frame.is_fn {
                break;
            }
        }
        false
    }

    // --- symbol uses

    /// Records `a.b.c` (rooted at a path) if it qualifies; other chains are visited below the
    /// first non-name link.
    fn walk_field_chain(&mut self, expr: &Expr, called: bool) {
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
                if let Some(frame) = self.frames.last_mut() {
                    if frame.locals.assigned_a_check(&hash) {
                        for &slot in &self.cond_stack {
                            frame.refs.push((slot, hash));
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

    // --- forks

    fn name_hash(&mut self, ident: &Ident) -> NameHash {
        let name = ident_str(&mut self.buf, ident);
        self.hasher.hash_one(name)
    }

    /// Tells the current fn's locals about `ident`.
    fn local(&mut self, ident: &Ident, tell: impl FnOnce(&mut Locals<NameHash>, NameHash)) {
        let hash = self.name_hash(ident);
        if let Some(frame) = self.frames.last_mut() {
            tell(&mut frame.locals, hash);
        }
    }

    /// Counts one binding or assignment of `ident` in the current fn.
    fn bind_ident(&mut self, ident: &Ident) {
        self.local(ident, |locals, name| locals.write(name, None));
    }

    /// The names a parameter pattern binds.
    fn bind_pattern(&mut self, pat: &Pat) {
        let mut stack = vec![pat];
        while let Some(pat) = stack.pop() {
            match pat {
                Pat::Ident(p) => {
                    self.local(&p.ident, |locals, name| locals.foreign(name));
                    if let Some((_, sub)) = &p.subpat {
                        stack.push(sub);
                    }
                }
                Pat::Or(p) => stack.extend(p.cases.iter()),
                Pat::Paren(p) => stack.push(&p.pat),
                Pat::Reference(p) => stack.push(&p.pat),
                Pat::Slice(p) => stack.extend(p.elems.iter()),
                Pat::Struct(p) => stack.extend(p.fields.iter().map(|f| &*f.pat)),
                Pat::Tuple(p) => stack.extend(p.elems.iter()),
                Pat::TupleStruct(p) => stack.extend(p.elems.iter()),
                Pat::Type(p) => stack.push(&p.pat),
                _ => {}
            }
        }
    }

    /// The index of the check recorded (at or after `from`) for exactly this call expression.
    fn check_at(&self, expr: &Expr, from: usize) -> Option<usize> {
        if !matches!(expr, Expr::Call(_) | Expr::MethodCall(_)) {
            return None;
        }
        let span = self.span(expr.span());
        let checks = self.facts.checks.get(from..)?;
        checks.iter().position(|c| c.span == span).map(|i| from + i)
    }

    /// The frame's bindings are complete: resolves the conditions that use its check locals.
    fn close_frame(&mut self) {
        let Some(mut frame) = self.frames.pop() else {
            return;
        };
        let check_local = |hash: &NameHash| frame.locals.check_local(hash);
        for (slot, hash) in &frame.refs {
            if let (Some(check), Some(slot)) = (check_local(hash), self.fork_slots.get_mut(*slot)) {
                slot.tested.checks.push(check);
            }
        }
        for &(slot, hash, term) in &frame.terms {
            if let (Some(_), Some(slot)) = (check_local(&hash), self.fork_slots.get_mut(slot)) {
                let test = &mut slot.tested.test;
                match term {
                    Term::Negated => test.negated = true,
                    Term::ThenWithout => test.then_without_flag = true,
                }
            }
        }
        frame.locals.clear();
        frame.refs.clear();
        frame.terms.clear();
        self.spare_frames.push(frame);
    }

    /// Opens the slot of one `if` / `else if` link and walks its condition. Returns `None` (and
    /// keeps no slot) when the condition cannot test a flag.
    fn open_fork(
        &mut self,
        expr: &ExprIf,
        kind: ForkKind,
        head: Option<usize>,
        parent_of: Option<usize>,
        outer: Option<usize>,
    ) -> Option<usize> {
        let index = self.fork_slots.len();
        let start = expr.if_token.span.byte_range().start;
        let end = expr.cond.span().byte_range().end.max(start);
        let has_else = expr.else_branch.is_some();
        let else_body = expr
            .else_branch
            .as_ref()
            .and_then(|(_, branch)| match &**branch {
                Expr::If(_) => None,
                Expr::Block(block) => Some(block_branch(&block.block).body),
                _ => Some(Body::Code),
            });
        let then = block_branch(&expr.then_branch);
        self.fork_slots.push(ForkSlot {
            branch: Branch {
                kind,
                span: self.index.span(self.base + start, self.base + end),
                has_else,
                exits_early: !has_else && then.leaves,
                then_body: then.body,
                else_body,
                enclosing: parent_of,
                outer,
                head,
            },
            tested: Tested::default(),
            refs: 0,
        });
        let before = self.facts.checks.len();
        let blocks_before = self.cond_blocks.len();
        // Forks inside the condition belong to the enclosing context, not to this branch.
        self.fork_ctx = outer;
        self.cond_stack.push(index);
        self.visit_expr(&expr.cond);
        self.cond_stack.pop();
        let after = self.facts.checks.len();
        let blocks = self.cond_blocks.split_off(blocks_before);
        let own = |check: &usize| !blocks.iter().any(|b| b.contains(check));
        if !(before..after).any(|c| own(&c))
            && self.fork_slots[index].refs == 0
            && self.fork_slots.len() == index + 1
        {
            self.fork_slots.pop();
            return None;
        }
        let condition = flow::condition(&*expr.cond, condition_node);
        let negated = condition
            .negated_leaf
            .is_some_and(|leaf| self.flag_term(index, leaf, before, Term::Negated));
        let then_without_flag = condition
            .then_without
            .iter()
            .any(|leaf| self.flag_term(index, leaf, before, Term::ThenWithout));
        let tested = &mut self.fork_slots[index].tested;
        tested.checks.extend((before..after).filter(own));
        tested.test = flow::Test {
            negated,
            compound: condition.compound,
            then_without_flag,
        };
        Some(index)
    }

    /// Whether a condition's leaf is a check call of the condition; a name that may be a check
    /// local is decided when its fn is closed (`term` says what it then decides).
    fn flag_term(&mut self, slot: usize, leaf: &Expr, from: usize, term: Term) -> bool {
        let leaf = unwrap_check_value(leaf);
        if self.check_at(leaf, from).is_some() {
            return true;
        }
        if let Expr::Path(p) = leaf {
            if let (None, Some(ident)) = (&p.qself, p.path.get_ident()) {
                let hash = self.name_hash(ident);
                if let Some(frame) = self.frames.last_mut() {
                    if frame.locals.assigned_a_check(&hash) {
                        frame.terms.push((slot, hash, term));
                    }
                }
            }
        }
        false
    }

    /// Resolves the fork slots into [`FileFacts::forks`] and returns the facts.
    fn finish(mut self) -> FileFacts {
        while !self.frames.is_empty() {
            self.close_frame();
        }
        let (branches, mut tested): (Vec<Branch>, Vec<Tested>) =
            std::mem::take(&mut self.fork_slots)
                .into_iter()
                .map(|slot| (slot.branch, slot.tested))
                .unzip();
        self.facts.forks = flow::forks(&branches, |index| std::mem::take(&mut tested[index]));
        self.facts
    }

    /// Visits the comma-separated expressions of a macro body, if it has that shape.
    fn walk_macro(&mut self, mac: &Macro) {
        if let Ok(exprs) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
            for expr in &exprs {
                self.visit_expr(expr);
            }
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
            Item::Fn(f) => self.walk_fn(&f.sig, &f.block),
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
                self.body_depth += 1;
                for impl_item in &i.items {
                    self.visit_impl_item(impl_item);
                }
                self.body_depth -= 1;
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
            Item::Macro(_) => {}
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
            ImplItem::Fn(f) => self.walk_fn(&f.sig, &f.block),
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
        visit::visit_expr_assign(self, expr);
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
        }
        visit::visit_expr_binary(self, expr);
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

/// One node of a condition, for [`flow::condition`].
fn condition_node(expr: &Expr) -> CondNode<&Expr> {
    let unary = |operand, negates| CondNode::Unary { operand, negates };
    match expr {
        Expr::Paren(p) => unary(&*p.expr, false),
        Expr::Group(g) => unary(&*g.expr, false),
        Expr::Await(a) => unary(&*a.base, false),
        Expr::Unary(u) if matches!(u.op, UnOp::Not(_)) => unary(&*u.expr, true),
        Expr::Binary(b) => match b.op {
            BinOp::And(_) | BinOp::Or(_) => CondNode::Junction {
                any: matches!(b.op, BinOp::Or(_)),
                operands: [&*b.left, &*b.right],
            },
            BinOp::Eq(_) | BinOp::Ne(_) => match (bool_lit(&b.left), bool_lit(&b.right)) {
                (None, Some(value)) => unary(&*b.left, matches!(b.op, BinOp::Eq(_)) != value),
                (Some(value), None) => unary(&*b.right, matches!(b.op, BinOp::Eq(_)) != value),
                _ => CondNode::Leaf,
            },
            _ => CondNode::Leaf,
        },
        Expr::Call(call) if call.args.len() == 1 => match &*call.func {
            Expr::Path(p) if p.qself.is_none() => CondNode::Call {
                callee: p
                    .path
                    .segments
                    .iter()
                    .map(|s| ident_string(&s.ident))
                    .collect(),
                argument: &call.args[0],
            },
            _ => CondNode::Leaf,
        },
        _ => CondNode::Leaf,
    }
}

/// What a block holds.
fn block_branch(block: &Block) -> Held {
    flow::branch(block.stmts.iter().map(|stmt| match stmt {
        Stmt::Expr(expr, _) => expr_statement(expr),
        Stmt::Macro(m) => macro_statement(&m.mac),
        Stmt::Local(_) | Stmt::Item(_) => Statement::Other,
    }))
}

fn expr_statement(expr: &Expr) -> Statement {
    match expr {
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => Statement::Exit,
        Expr::Macro(m) => macro_statement(&m.mac),
        Expr::Tuple(t) if t.elems.is_empty() => Statement::Nothing,
        Expr::Call(call) => match &*call.func {
            Expr::Path(p) if is_log_path(&p.path) => Statement::Log,
            _ => Statement::Other,
        },
        _ => Statement::Other,
    }
}

fn macro_statement(mac: &Macro) -> Statement {
    if is_exit_macro(mac) {
        Statement::Exit
    } else if is_log_path(&mac.path) {
        Statement::Log
    } else {
        Statement::Other
    }
}

fn is_log_path(path: &Path) -> bool {
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|s| ident_string(&s.ident))
        .collect();
    flow::is_log_call(&segments)
}

fn bool_lit(expr: &Expr) -> Option<bool> {
    match unwrap_parens(expr) {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Bool(b) => Some(b.value),
            _ => None,
        },
        _ => None,
    }
}

/// The block's last statement leaves: `return`, `break`, `continue` or a diverging macro.
fn is_exit_macro(mac: &Macro) -> bool {
    mac.path.segments.last().is_some_and(|s| {
        s.ident == "panic" || s.ident == "unreachable" || s.ident == "bail" || s.ident == "todo"
    })
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

/// `bool` or `Option<bool>` (any path ending in `bool` / `Option`, e.g. `std::option::Option`).
fn is_bool_type(ty: &Type) -> bool {
    let Some(last) = type_last_segment(ty) else {
        return false;
    };
    match &last.arguments {
        PathArguments::None => last.ident == "bool",
        PathArguments::AngleBracketed(args) if last.ident == "Option" && args.args.len() == 1 => {
            match args.args.first() {
                Some(GenericArgument::Type(inner)) => type_last_segment(inner)
                    .is_some_and(|s| s.ident == "bool" && s.arguments.is_none()),
                _ => false,
            }
        }
        _ => false,
    }
}

/// The last segment of a plain type path (parentheses unwrapped).
fn type_last_segment(mut ty: &Type) -> Option<&syn::PathSegment> {
    loop {
        match ty {
            Type::Paren(p) => ty = &p.elem,
            Type::Group(g) => ty = &g.elem,
            Type::Path(p) if p.qself.is_none() => return p.path.segments.last(),
            _ => return None,
        }
    }
}

/// The string of a `#[serde(rename = "x")]` (or `#[serde(rename(serialize = "x"))]`) attribute.
fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| match &attr.meta {
        Meta::List(list) if attr.path().is_ident("serde") => rename_in(list.tokens.clone()),
        _ => None,
    })
}

/// `rename = "x"` / `rename(serialize = "x", deserialize = "y")` among serde's arguments.
fn rename_in(tokens: TokenStream) -> Option<String> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        let TokenTree::Ident(ident) = tree else {
            continue;
        };
        if ident != "rename" {
            continue;
        }
        match trees.get(i + 1) {
            Some(TokenTree::Punct(p)) if p.as_char() == '=' => {
                return trees.get(i + 2).and_then(literal_string);
            }
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                let value_of = |key: &str| {
                    inner.windows(3).find_map(|w| match w {
                        [TokenTree::Ident(k), TokenTree::Punct(eq), value]
                            if k == key && eq.as_char() == '=' =>
                        {
                            literal_string(value)
                        }
                        _ => None,
                    })
                };
                return value_of("serialize").or_else(|| value_of("deserialize"));
            }
            _ => {}
        }
    }
    None
}

/// The decoded value of a string literal token.
fn literal_string(tree: &TokenTree) -> Option<String> {
    let TokenTree::Literal(lit) = tree else {
        return None;
    };
    match Lit::new(lit.clone()) {
        Lit::Str(s) => Some(s.value()),
        _ => None,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{
        pairs, test_extract, test_extract_specs, CheckSpec, Grammar, KeyArg, Language,
    };

    fn run(source: &str) -> FileFacts {
        test_extract(
            Grammar::Rust,
            Language::Rust,
            &[
                "get_flag_for_user:1",
                "flag_is_active:name",
                "is_enabled:0",
                "features.includes:0",
            ],
            &["BINARY_INTERFACE", "FeatureFlags", "X"],
            source,
        )
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn lit(s: &str) -> KeyExpr {
        KeyExpr::Literal(s.to_string())
    }

    fn path(items: &[&str]) -> KeyExpr {
        KeyExpr::Path(strings(items))
    }

    fn dynamic(s: &str) -> KeyExpr {
        KeyExpr::Dynamic(s.to_string())
    }

    fn keys(facts: &FileFacts) -> Vec<KeyExpr> {
        facts.checks.iter().map(|c| c.key.clone()).collect()
    }

    fn uses(facts: &FileFacts) -> Vec<Vec<String>> {
        facts.symbol_uses.iter().map(|u| u.path.clone()).collect()
    }

    fn consts(facts: &FileFacts) -> Vec<(Vec<String>, String)> {
        facts
            .string_consts
            .iter()
            .map(|c| (c.symbol.clone(), c.value.clone()))
            .collect()
    }

    fn imports(facts: &FileFacts) -> Vec<(String, Vec<String>, Option<String>, bool)> {
        facts
            .imports
            .iter()
            .map(|i| {
                let ModuleRef::Rust(module) = &i.module else {
                    panic!("not a Rust module ref");
                };
                (i.local.clone(), module.clone(), i.name.clone(), i.reexport)
            })
            .collect()
    }

    fn text(source: &str, span: Span) -> &str {
        &source[span.start as usize..span.end as usize]
    }

    fn key_of(call: &str) -> Vec<KeyExpr> {
        keys(&run(&format!("fn f(user: U, name: &str) {{ {call}; }}")))
    }

    // --- string constants

    #[test]
    fn string_const_forms() {
        let facts = run(r#"
const A: &str = "a";
pub const B: &'static str = "b";
static C: &str = "c";
pub(crate) static D: &'static str = r"d\n";
const E: &str = "e\t\"q\"\\";
const F: &str = ("f");
"#);
        assert_eq!(
            consts(&facts),
            vec![
                (strings(&["A"]), "a".to_string()),
                (strings(&["B"]), "b".to_string()),
                (strings(&["C"]), "c".to_string()),
                (strings(&["D"]), "d\\n".to_string()),
                (strings(&["E"]), "e\t\"q\"\\".to_string()),
                (strings(&["F"]), "f".to_string()),
            ]
        );
        assert!(facts.string_consts.iter().all(|c| c.exported));
    }

    #[test]
    fn string_const_spans() {
        let source = "// x\npub const ALPHA: &str = \"alpha\";\n";
        let facts = run(source);
        let c = &facts.string_consts[0];
        assert_eq!(text(source, c.span), "pub const ALPHA: &str = \"alpha\";");
        assert_eq!(text(source, c.name_span), "ALPHA");
        assert_eq!((c.name_span.line, c.name_span.column), (2, 11));
        assert_eq!((c.span.line, c.span.column), (2, 1));
    }

    #[test]
    fn string_consts_in_inline_modules() {
        let facts = run(r#"
mod flags {
    pub const A: &str = "a";
    pub mod inner { pub const B: &str = "b"; }
}
"#);
        assert_eq!(
            consts(&facts),
            vec![
                (strings(&["flags", "A"]), "a".to_string()),
                (strings(&["flags", "inner", "B"]), "b".to_string()),
            ]
        );
    }

    #[test]
    fn string_consts_not_recorded() {
        let facts = run(r#"
const N: u32 = 1;
const BYTES: &[u8] = b"x";
const CAT: &str = concat!("a", "b");
const _: &str = "underscore";
fn f() { const LOCAL: &str = "l"; }
impl S { const NUM: u32 = 1; const BYTES: &[u8] = b"a"; const _: &str = "u"; }
trait T { const TC: &str = "t"; }
#[cfg(test)]
mod tests { const T: &str = "t"; }
#[cfg(test)]
const TEST_ONLY: &str = "t";
static S: Lazy<String> = Lazy::new(|| { const INNER: &str = "i"; INNER.into() });
"#);
        assert!(consts(&facts).is_empty(), "{:?}", consts(&facts));
    }

    #[test]
    fn impl_string_consts() {
        let source = r#"
pub struct NewRouterFlag;
impl FeatureFlag for NewRouterFlag {
    const NAME: &'static str = "new-router";
    const DEFAULT: bool = false;
    fn describe() -> &'static str { "x" }
}
impl NewRouterFlag { pub const LABEL: &str = ("label"); }
const TOP: &str = "top";
impl flags::Dark for crate::flags::DarkMode { const NAME: &str = "dark"; }
impl r#Raw { const r#NAME: &str = "raw"; }
mod m {
    impl Flag for Inner { const NAME: &str = "inner"; }
    mod deeper { impl Flag for Deep { const KEY: &str = "deep"; } }
}
"#;
        let facts = run(source);
        assert_eq!(
            consts(&facts),
            vec![
                (
                    strings(&["NewRouterFlag", "NAME"]),
                    "new-router".to_string()
                ),
                (strings(&["NewRouterFlag", "LABEL"]), "label".to_string()),
                (strings(&["TOP"]), "top".to_string()),
                (strings(&["DarkMode", "NAME"]), "dark".to_string()),
                (strings(&["Raw", "NAME"]), "raw".to_string()),
                (strings(&["m", "Inner", "NAME"]), "inner".to_string()),
                (strings(&["m", "deeper", "Deep", "KEY"]), "deep".to_string()),
            ]
        );
        assert!(facts.string_consts.iter().all(|c| c.exported));
        let c = &facts.string_consts[0];
        assert_eq!(
            text(source, c.span),
            "const NAME: &'static str = \"new-router\";"
        );
        assert_eq!(text(source, c.name_span), "NAME");
        assert_eq!((c.name_span.line, c.name_span.column), (4, 11));
        // The impl adds no module name of its own (the struct does).
        assert_eq!(facts.module_names, strings(&["NewRouterFlag", "TOP", "m"]));
    }

    #[test]
    fn impl_string_consts_not_recorded() {
        let facts = run(r#"
impl<T> FeatureFlag for Wrapper<T> { const NAME: &str = "generic"; }
impl<'a> Flag for Borrowed<'a> { const NAME: &str = "lifetime"; }
impl Flag for Vec<u8> { const NAME: &str = "args"; }
impl Flag for &Ref { const NAME: &str = "ref"; }
impl Flag for (A, B) { const NAME: &str = "tuple"; }
impl Flag for <A as B>::C { const NAME: &str = "qself"; }
fn f() { impl Flag for InFn { const NAME: &str = "in fn"; } }
const C: () = { impl Flag for InConst { const NAME: &str = "in const"; } };
impl Outer { fn m() { impl Flag for InMethod { const NAME: &str = "in method"; } } }
#[cfg(test)]
impl Flag for TestOnly { const NAME: &str = "cfg test"; }
#[cfg(test)]
mod tests { impl Flag for InTests { const NAME: &str = "test mod"; } }
impl Flag for Mixed { #[cfg(test)] const NAME: &str = "test const"; }
trait Flag { const NAME: &str = "trait default"; }
"#);
        assert!(consts(&facts).is_empty(), "{:?}", consts(&facts));
    }

    // --- module names

    #[test]
    fn module_names_cover_items_in_order() {
        let facts = run(r#"
use crate::flags::{self, X as Y, other::*};
extern crate serde as sd;
fn f() { fn nested() {} }
struct S;
enum E { A }
union U { a: u32 }
trait T {}
type Alias = u32;
const C: u32 = 1;
static ST: u32 = 1;
mod m { pub fn inner() {} }
macro_rules! mac { () => {} }
extern "C" { fn ext(); static EXT: u32; }
fn f() {}
const _: () = ();
use a::Trait as _;
impl S { fn method() {} }
"#);
        assert_eq!(
            facts.module_names,
            strings(&[
                "flags", "Y", "sd", "f", "S", "E", "U", "T", "Alias", "C", "ST", "m", "mac", "ext",
                "EXT"
            ])
        );
    }

    // --- imports

    #[test]
    fn use_tree_is_flattened() {
        let facts = run("use a::b::{self, C as D, e::*};");
        assert_eq!(
            imports(&facts),
            vec![
                ("b".into(), strings(&["a", "b"]), None, false),
                ("D".into(), strings(&["a", "b"]), Some("C".into()), false),
                ("*".into(), strings(&["a", "b", "e"]), None, false),
            ]
        );
    }

    #[test]
    fn simple_use_forms() {
        let facts = run(
            "use a::C;\nuse crate::flags;\nuse a;\nuse ::std::fmt;\nuse self::x::Y as Z;\n\
             use super::*;\nuse {p, q::r};\nuse m::{self as alias};",
        );
        assert_eq!(
            imports(&facts),
            vec![
                ("C".into(), strings(&["a"]), Some("C".into()), false),
                (
                    "flags".into(),
                    strings(&["crate"]),
                    Some("flags".into()),
                    false
                ),
                ("a".into(), vec![], Some("a".into()), false),
                ("fmt".into(), strings(&["std"]), Some("fmt".into()), false),
                ("Z".into(), strings(&["self", "x"]), Some("Y".into()), false),
                ("*".into(), strings(&["super"]), None, false),
                ("p".into(), vec![], Some("p".into()), false),
                ("r".into(), strings(&["q"]), Some("r".into()), false),
                ("alias".into(), strings(&["m"]), None, false),
            ]
        );
    }

    #[test]
    fn pub_use_is_reexport_and_span_covers_item() {
        let source = "pub use crate::flags::X;\npub(crate) use a::B;\nuse a::C;";
        let facts = run(source);
        let flags: Vec<bool> = facts.imports.iter().map(|i| i.reexport).collect();
        assert_eq!(flags, vec![true, true, false]);
        assert_eq!(
            text(source, facts.imports[0].span),
            "pub use crate::flags::X;"
        );
    }

    #[test]
    fn imports_inside_functions_and_modules() {
        let facts = run(
            "mod outer { pub use a::A; mod inner { use b::B; } fn f() { pub use c::C; use d::D; } }",
        );
        let got: Vec<(String, Vec<String>, bool)> = facts
            .imports
            .iter()
            .map(|i| (i.local.clone(), i.scope.clone(), i.reexport))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A".into(), strings(&["outer"]), true),
                ("B".into(), strings(&["outer", "inner"]), false),
                ("C".into(), strings(&["outer"]), false),
                ("D".into(), strings(&["outer"]), false),
            ]
        );
        assert_eq!(facts.module_names, strings(&["outer"]));
    }

    #[test]
    fn extern_crate_is_an_import() {
        let facts = run("extern crate foo as bar;\npub extern crate baz;");
        assert_eq!(
            imports(&facts),
            vec![
                ("bar".into(), vec![], Some("foo".into()), false),
                ("baz".into(), vec![], Some("baz".into()), true),
            ]
        );
    }

    // --- checks: keys

    #[test]
    fn literal_keys() {
        assert_eq!(
            key_of(r#"get_flag_for_user(user, "beta")"#),
            vec![lit("beta")]
        );
        assert_eq!(
            key_of(r#"get_flag_for_user(user, &"beta")"#),
            vec![lit("beta")]
        );
        assert_eq!(
            key_of(r##"get_flag_for_user(user, r#"raw"#)"##),
            vec![lit("raw")]
        );
        assert_eq!(key_of(r#"is_enabled("a\nb")"#), vec![lit("a\nb")]);
    }

    #[test]
    fn path_keys() {
        assert_eq!(key_of("get_flag_for_user(user, X)"), vec![path(&["X"])]);
        assert_eq!(
            key_of("get_flag_for_user(user, flags::X)"),
            vec![path(&["flags", "X"])]
        );
        assert_eq!(
            key_of("get_flag_for_user(user, crate::flags::X)"),
            vec![path(&["crate", "flags", "X"])]
        );
        assert_eq!(
            key_of("get_flag_for_user(user, Self::X)"),
            vec![path(&["Self", "X"])]
        );
        assert_eq!(key_of("get_flag_for_user(user, &X)"), vec![path(&["X"])]);
        assert_eq!(key_of("get_flag_for_user(user, *X)"), vec![path(&["X"])]);
        assert_eq!(
            key_of("get_flag_for_user(user, (&(X)))"),
            vec![path(&["X"])]
        );
        assert_eq!(
            key_of("get_flag_for_user(user, ::flags::X)"),
            vec![path(&["flags", "X"])]
        );
        assert_eq!(
            key_of("get_flag_for_user(user, cfg.flags.X)"),
            vec![path(&["cfg", "flags", "X"])]
        );
    }

    #[test]
    fn parameter_keys_are_parameters() {
        assert_eq!(
            key_of("get_flag_for_user(user, name)"),
            vec![KeyExpr::Parameter("name".to_string())]
        );
        assert_eq!(
            key_of("get_flag_for_user(user, &name)"),
            vec![KeyExpr::Parameter("name".to_string())]
        );
        let facts =
            run("fn f() { let c = |key: &str| is_enabled(key); let d = |mut k| is_enabled(k); }");
        assert_eq!(
            keys(&facts),
            vec![
                KeyExpr::Parameter("key".to_string()),
                KeyExpr::Parameter("k".to_string())
            ]
        );
        // A closure inside a fn sees the fn's parameters too.
        let facts = run("fn f(name: &str) { run(|| is_enabled(name)); }");
        assert_eq!(keys(&facts), vec![KeyExpr::Parameter("name".to_string())]);
        // A nested fn does not see the outer parameters.
        let facts = run("fn f(name: &str) { fn g() { is_enabled(name); } }");
        assert_eq!(keys(&facts), vec![path(&["name"])]);
        // A parameter-named path with more segments is a path.
        assert_eq!(
            key_of("get_flag_for_user(user, name::X)"),
            vec![path(&["name", "X"])]
        );
        // Method parameters.
        let facts = run("impl S { fn f(&self, flag: &str) { self.client.is_enabled(flag); } }");
        assert_eq!(keys(&facts), vec![KeyExpr::Parameter("flag".to_string())]);
    }

    #[test]
    fn dynamic_keys() {
        let cases = [
            (r#"is_enabled(format!("{}", x))"#, "a format!() call"),
            (r#"is_enabled(concat!("a", "b"))"#, "a macro call"),
            (r#"is_enabled(PREFIX + "x")"#, "a string concatenation"),
            ("is_enabled(key())", "a function call result"),
            ("is_enabled(X.into())", "a method call result"),
            ("is_enabled(&X.to_string())", "a method call result"),
            (
                "is_enabled(if a { X } else { Y })",
                "a conditional expression",
            ),
            ("is_enabled(match a { _ => X })", "a conditional expression"),
            ("is_enabled(KEYS[0])", "a subscript"),
            ("is_enabled(1)", "a non-string literal"),
            ("is_enabled(foo().x)", "a field of an expression"),
            ("is_enabled({ X })", "an expression"),
        ];
        for (call, want) in cases {
            assert_eq!(key_of(call), vec![dynamic(want)], "{call}");
        }
    }

    #[test]
    fn missing_key_argument_is_not_a_check() {
        assert!(key_of("get_flag_for_user(user)").is_empty());
        assert!(key_of("is_enabled()").is_empty());
        // Keyword-only specs never match Rust calls.
        assert!(key_of(r#"flag_is_active(request, "x")"#).is_empty());
    }

    // --- checks: callees

    #[test]
    fn callee_forms() {
        let facts = run(r#"
fn f(client: C) {
    get_flag_for_user(u, "bare");
    flags::get_flag_for_user(u, "module");
    crate::a::b::get_flag_for_user(u, "path");
    client.get_flag_for_user(u, "method");
    self.inner.client.get_flag_for_user(u, "field chain");
    make().get_flag_for_user(u, "call receiver");
    get_flag_for_user::<T>(u, "turbofish");
    other(u, "not a check");
}
"#);
        assert_eq!(
            keys(&facts),
            vec![
                lit("bare"),
                lit("module"),
                lit("path"),
                lit("method"),
                lit("field chain"),
                lit("call receiver"),
                lit("turbofish"),
            ]
        );
    }

    #[test]
    fn multi_segment_specs_match_by_suffix() {
        let facts = run(r#"
fn f() {
    features::includes("a");
    crate::features::includes("b");
    self.features.includes("c");
    features.includes("d");
    other.includes("no");
    includes("no");
    make().includes("no");
    features().includes("no");
}
"#);
        assert_eq!(keys(&facts), vec![lit("a"), lit("b"), lit("c"), lit("d")]);
    }

    #[test]
    fn self_recursion_is_skipped() {
        let facts = run(r#"
pub fn get_flag_for_user(user: U, key: &str) -> bool {
    if x { return get_flag_for_user(user, "inner"); }
    inner::get_flag_for_user(user, key)
}
impl Client {
    fn is_enabled(&self, key: &str) -> bool { self.inner.is_enabled(key) }
    fn other(&self) -> bool { self.is_enabled("kept") }
}
"#);
        assert_eq!(keys(&facts), vec![lit("kept")]);
    }

    #[test]
    fn nested_calls_are_found() {
        let facts = run(r#"
static ON: Lazy<bool> = Lazy::new(|| is_enabled("lazy"));
fn f() {
    wrapper(get_flag_for_user(u, "arg"));
    let v = vec![is_enabled("vec")];
    assert!(is_enabled("assert"), "message {}", 1);
    println!("{}", is_enabled("println"));
    if is_enabled(if is_enabled("cond") { A } else { B }) {}
    let c = move || { get_flag_for_user(u, "closure") };
    S { field: is_enabled("struct") };
    match x { _ if is_enabled("guard") => {} _ => {} }
}
"#);
        assert_eq!(
            keys(&facts),
            vec![
                lit("lazy"),
                lit("arg"),
                lit("vec"),
                lit("assert"),
                lit("println"),
                dynamic("a conditional expression"),
                lit("cond"),
                lit("closure"),
                lit("struct"),
                lit("guard"),
            ]
        );
    }

    #[test]
    fn unparsable_macro_bodies_are_ignored() {
        let facts = run(
            r#"fn f() { vec![is_enabled("x"); 3]; json!({ "a": is_enabled("y") }); is_enabled("z"); }"#,
        );
        assert_eq!(keys(&facts), vec![lit("z")]);
    }

    #[test]
    fn check_spans() {
        let source =
            "fn f() {\n    let a = get_flag_for_user(\n        user,\n        \"k\",\n    );\n}\n";
        let facts = run(source);
        let check = &facts.checks[0];
        assert_eq!(
            text(source, check.span),
            "get_flag_for_user(\n        user,\n        \"k\",\n    )"
        );
        assert_eq!((check.span.line, check.span.column), (2, 13));
        assert_eq!((check.span.end_line, check.span.end_column), (5, 6));
        assert_eq!(text(source, check.key_span), "\"k\"");
        assert_eq!(check.spec, 0);

        let source = "fn f() { client.is_enabled(&X) }";
        let check = &run(source).checks[0];
        assert_eq!(text(source, check.span), "client.is_enabled(&X)");
        assert_eq!(text(source, check.key_span), "&X");
        assert_eq!(check.spec, 2);
    }

    #[test]
    fn non_ascii_columns_are_characters() {
        let source = "fn f() { let s = \"héllo wörld\"; is_enabled(\"k\"); }";
        let check = &run(source).checks[0];
        let byte_column = source.find("is_enabled").unwrap() + 1;
        assert_eq!(check.span.column as usize, byte_column - 2);
        assert_eq!(text(source, check.span), "is_enabled(\"k\")");
    }

    #[test]
    fn bom_and_shebang_keep_spans() {
        let source = "\u{feff}const A: &str = \"a\"; fn f() { is_enabled(\"k\"); }";
        let facts = run(source);
        assert_eq!(text(source, facts.string_consts[0].name_span), "A");
        assert_eq!(facts.string_consts[0].name_span.column, 8);
        assert_eq!(text(source, facts.checks[0].span), "is_enabled(\"k\")");

        let source = "#!/usr/bin/env run-cargo-script\nfn main() { is_enabled(\"k\"); }";
        let facts = run(source);
        assert_eq!(facts.checks[0].span.line, 2);
        assert_eq!(text(source, facts.checks[0].span), "is_enabled(\"k\")");
    }

    // --- checks: generic (turbofish) shape

    fn generic_spec(call: &str, constant: &str) -> CheckSpec {
        CheckSpec {
            call: call.split('.').map(str::to_string).collect(),
            shape: Shape::Generic {
                constant: constant.to_string(),
            },
            key: KeyArg {
                position: Some(0),
                keyword: None,
            },
            ..CheckSpec::default()
        }
    }

    fn run_generic(specs: Vec<CheckSpec>, source: &str) -> FileFacts {
        test_extract_specs(
            Grammar::Rust,
            Language::Rust,
            specs,
            &["NewRouterFlag"],
            source,
        )
    }

    fn generic_keys(source: &str) -> Vec<KeyExpr> {
        keys(&run_generic(vec![generic_spec("has_flag", "NAME")], source))
    }

    #[test]
    fn generic_checks_key_forms() {
        let facts = run_generic(
            vec![generic_spec("has_flag", "NAME")],
            r#"
fn f(cx: &Cx) {
    cx.has_flag::<NewRouterFlag>();
    cx.has_flag::<flags::NewRouterFlag>();
    has_flag::<crate::flags::NewRouterFlag>(cx);
    Flags::has_flag::<::flags::Dark>(cx, "ignored");
    self.flags.has_flag::<Self>();
    g().has_flag::<(Paren)>();
    cx.has_flag::<r#Raw>();
}
"#,
        );
        assert_eq!(
            keys(&facts),
            vec![
                path(&["NewRouterFlag", "NAME"]),
                path(&["flags", "NewRouterFlag", "NAME"]),
                path(&["crate", "flags", "NewRouterFlag", "NAME"]),
                path(&["flags", "Dark", "NAME"]),
                path(&["Self", "NAME"]),
                path(&["Paren", "NAME"]),
                path(&["Raw", "NAME"]),
            ]
        );
        assert!(facts.checks.iter().all(|c| c.spec == 0));
        // The constant comes from the spec.
        let facts = run_generic(
            vec![generic_spec("is_on", "KEY")],
            "fn f() { cx.is_on::<Beta>(); }",
        );
        assert_eq!(keys(&facts), vec![path(&["Beta", "KEY"])]);
    }

    #[test]
    fn generic_checks_spans() {
        let source = "fn f(cx: &Cx) {\n    let on = cx.has_flag::<flags::NewRouterFlag>();\n    has_flag::<A>();\n}";
        let facts = run_generic(vec![generic_spec("has_flag", "NAME")], source);
        assert_eq!(facts.checks.len(), 2);
        let c = &facts.checks[0];
        assert_eq!(
            text(source, c.span),
            "cx.has_flag::<flags::NewRouterFlag>()"
        );
        assert_eq!(text(source, c.key_span), "flags::NewRouterFlag");
        assert_eq!((c.key_span.line, c.key_span.column), (2, 28));
        let c = &facts.checks[1];
        assert_eq!(text(source, c.span), "has_flag::<A>()");
        assert_eq!(text(source, c.key_span), "A");
        // The generic type is the key, not a symbol use; other uses still are.
        assert!(facts.symbol_uses.is_empty(), "{:?}", uses(&facts));
    }

    #[test]
    fn generic_checks_type_parameters_are_dynamic() {
        let facts = run_generic(
            vec![generic_spec("has_flag", "NAME")],
            r#"
fn free<F: FeatureFlag>(cx: &Cx) { cx.has_flag::<F>(); cx.has_flag::<flags::F>(); }
impl<G: FeatureFlag> Gate<G> {
    fn m<H>(&self) { self.cx.has_flag::<G>(); self.cx.has_flag::<H>(); run(|| has_flag::<H>()); }
    fn n(&self) { fn inner() { has_flag::<G>(); } }
}
trait Checks<T> { fn c(&self) { has_flag::<T>(); } }
fn plain(cx: &Cx) { cx.has_flag::<F>(); }
"#,
        );
        assert_eq!(
            keys(&facts),
            vec![
                dynamic("type parameter `F`"),
                path(&["flags", "F", "NAME"]),
                dynamic("type parameter `G`"),
                dynamic("type parameter `H`"),
                dynamic("type parameter `H`"),
                path(&["G", "NAME"]),
                dynamic("type parameter `T`"),
                path(&["F", "NAME"]),
            ]
        );
    }

    #[test]
    fn generic_checks_callee_matching() {
        let specs = vec![generic_spec("flags.has_flag", "NAME")];
        let facts = run_generic(
            specs,
            r#"
fn f() {
    self.flags.has_flag::<A>();
    flags::has_flag::<B>();
    other.has_flag::<C>();
    has_flag::<D>();
    g().has_flag::<E>();
}
"#,
        );
        assert_eq!(
            keys(&facts),
            vec![path(&["A", "NAME"]), path(&["B", "NAME"])]
        );
        // A receiver restriction applies as for calls.
        let mut spec = generic_spec("has_flag", "NAME");
        spec.receiver = vec!["flags".to_string()];
        let facts = run_generic(
            vec![spec],
            "fn f() { self.flags.has_flag::<A>(); cx.has_flag::<B>(); }",
        );
        assert_eq!(keys(&facts), vec![path(&["A", "NAME"])]);
    }

    #[test]
    fn generic_checks_not_recorded() {
        let source = r#"
fn f<'a>(cx: &Cx) {
    cx.has_flag();
    has_flag(NewRouterFlag);
    cx.has_flag::<&NewRouterFlag>();
    cx.has_flag::<Vec<NewRouterFlag>>();
    cx.has_flag::<[u8; 2]>();
    cx.has_flag::<(A, B)>();
    cx.has_flag::<<A as B>::C>();
    cx.has_flag::<'a, NewRouterFlag>();
    cx.has_flag::<3>();
    cx.has_flags::<NewRouterFlag>();
    cx.is_flag::<NewRouterFlag>();
    Flags::<NewRouterFlag>::has_flag();
    cx.has_flag;
    // cx.has_flag::<NewRouterFlag>();
    let s = "cx.has_flag::<NewRouterFlag>()";
}
/// has_flag::<NewRouterFlag>()
fn g() {}
"#;
        assert_eq!(generic_keys(source), Vec::<KeyExpr>::new());
        // A call-shaped spec of the same name does not see turbofish generics; a generic spec
        // is not a call spec.
        let facts = run("fn f() { cx.is_enabled::<NewRouterFlag>(); }");
        assert!(facts.checks.is_empty());
        let facts = run_generic(
            vec![generic_spec("is_enabled", "NAME")],
            r#"fn f() { is_enabled("k"); is_enabled(X); }"#,
        );
        assert!(facts.checks.is_empty());
    }

    #[test]
    fn generic_checks_with_call_checks_and_nesting() {
        let call = CheckSpec {
            call: vec!["is_enabled".to_string()],
            key: KeyArg {
                position: Some(0),
                keyword: None,
            },
            ..CheckSpec::default()
        };
        let facts = run_generic(
            vec![call, generic_spec("has_flag", "NAME")],
            r#"
mod web {
    fn f(cx: &Cx) {
        assert!(cx.has_flag::<A>());
        is_enabled(if cx.has_flag::<B>() { "x" } else { "y" });
        wrap(has_flag::<C>(), is_enabled("lit"));
    }
    #[cfg(test)]
    mod tests { #[test] fn t() { cx.has_flag::<T>(); } }
}
"#,
        );
        let got: Vec<(usize, KeyExpr, bool, Vec<String>)> = facts
            .checks
            .iter()
            .map(|c| (c.spec, c.key.clone(), c.in_test, c.scope.clone()))
            .collect();
        let web = strings(&["web"]);
        let web_tests = strings(&["web", "tests"]);
        assert_eq!(
            got,
            vec![
                (1, path(&["A", "NAME"]), false, web.clone()),
                (0, dynamic("a conditional expression"), false, web.clone()),
                (1, path(&["B", "NAME"]), false, web.clone()),
                (1, path(&["C", "NAME"]), false, web.clone()),
                (0, lit("lit"), false, web.clone()),
                (1, path(&["T", "NAME"]), true, web_tests),
            ]
        );
    }

    #[test]
    fn generic_checks_skip_own_definition_and_make_forks() {
        let facts = run_generic(
            vec![generic_spec("has_flag", "NAME")],
            r#"
impl Cx {
    fn has_flag<F: FeatureFlag>(&self) -> bool { self.inner.has_flag::<F>() }
}
fn f(cx: &Cx) {
    if !cx.has_flag::<NewRouterFlag>() { return; }
    let dark = cx.has_flag::<Dark>();
    if dark { draw(); }
}
"#,
        );
        assert_eq!(
            keys(&facts),
            vec![path(&["NewRouterFlag", "NAME"]), path(&["Dark", "NAME"])]
        );
        let forks: Vec<(Vec<usize>, bool, bool)> = facts
            .forks
            .iter()
            .map(|f| (f.checks.clone(), f.negated, f.exits_early))
            .collect();
        assert_eq!(forks, vec![(vec![0], true, true), (vec![1], false, false)]);
    }

    // --- tests and scopes

    #[test]
    fn in_test_detection() {
        let facts = run(r#"
fn prod() { is_enabled("prod"); }
#[test]
fn t() { is_enabled("test attr"); }
#[tokio::test]
async fn t2() { is_enabled("tokio"); }
#[cfg(test)]
mod tests { fn helper() { is_enabled("cfg test mod"); } }
#[cfg(all(test, feature = "x"))]
fn both() { is_enabled("all"); }
#[cfg(not(test))]
fn not_test() { is_enabled("not"); }
#[cfg(feature = "test")]
fn feature() { is_enabled("feature"); }
#[cfg(test)]
impl S { fn m(&self) { is_enabled("impl"); } }
impl S { #[test] fn m2() { is_enabled("method"); } }
"#);
        let got: Vec<(KeyExpr, bool)> = facts
            .checks
            .iter()
            .map(|c| (c.key.clone(), c.in_test))
            .collect();
        assert_eq!(
            got,
            vec![
                (lit("prod"), false),
                (lit("test attr"), true),
                (lit("tokio"), true),
                (lit("cfg test mod"), true),
                (lit("all"), true),
                (lit("not"), false),
                (lit("feature"), false),
                (lit("impl"), true),
                (lit("method"), true),
            ]
        );
    }

    #[test]
    fn scopes_are_inline_modules() {
        let facts = run(r#"
use a::X;
mod outer {
    fn f() { is_enabled(X); let y = X; }
    mod inner { fn g() { is_enabled("i"); } }
}
fn top() { is_enabled("t"); }
"#);
        let scopes: Vec<Vec<String>> = facts.checks.iter().map(|c| c.scope.clone()).collect();
        assert_eq!(
            scopes,
            vec![strings(&["outer"]), strings(&["outer", "inner"]), vec![]]
        );
        assert_eq!(facts.symbol_uses.len(), 1);
        assert_eq!(facts.symbol_uses[0].scope, strings(&["outer"]));
        assert!(!facts.symbol_uses[0].in_test);
    }

    // --- symbol uses

    #[test]
    fn uses_rooted_at_imports() {
        let facts = run(r#"
use crate::flags;
use crate::other::Thing as T;
fn f() {
    let a = flags::BETA;
    let b = T::NEW;
    let c = unrelated::BETA;
    let d = flags;
    wrapper(flags::GAMMA);
}
"#);
        assert_eq!(
            uses(&facts),
            vec![
                strings(&["flags", "BETA"]),
                strings(&["T", "NEW"]),
                strings(&["flags"]),
                strings(&["flags", "GAMMA"]),
            ]
        );
    }

    #[test]
    fn imports_after_use_sites_still_count() {
        let facts = run("fn f() { let a = late::A; }\nuse crate::late;");
        assert_eq!(uses(&facts), vec![strings(&["late", "A"])]);
    }

    #[test]
    fn uses_with_interesting_segments() {
        let source = r#"
fn f() {
    let a = FeatureFlags::BETA;
    let b = Self::X;
    let c = crate::defs::BINARY_INTERFACE;
    let d = cfg.flags.X;
    let e = FeatureFlags::BETA.as_str();
    let f = other::Y;
    match k { FeatureFlags::GAMMA => {} _ => {} }
    println!("{}", X);
    return X;
}
"#;
        let facts = run(source);
        assert_eq!(
            uses(&facts),
            vec![
                strings(&["FeatureFlags", "BETA"]),
                strings(&["Self", "X"]),
                strings(&["crate", "defs", "BINARY_INTERFACE"]),
                strings(&["cfg", "flags", "X"]),
                strings(&["FeatureFlags", "BETA"]),
                strings(&["FeatureFlags", "GAMMA"]),
                strings(&["X"]),
                strings(&["X"]),
            ]
        );
        assert_eq!(text(source, facts.symbol_uses[3].span), "cfg.flags.X");
    }

    #[test]
    fn uses_not_recorded() {
        let facts = run(r#"
use crate::flags::X;
const X: &str = "x";
fn X() {}
struct FeatureFlags { X: u32 }
fn f(X: u32) {
    let X = 1;
    let s = S { X: 1 };
    let t: FeatureFlags = make();
    let u = make().X;
    let v = foo().bar.X;
    get_flag_for_user(user, X);
    get_flag_for_user(user, &FeatureFlags::X);
    if let Some(X) = o {}
}
"#);
        assert!(uses(&facts).is_empty(), "{:?}", uses(&facts));
        assert_eq!(facts.checks.len(), 2);
    }

    #[test]
    fn uses_around_checks() {
        let facts = run(r#"
use crate::flags;
fn f() {
    flags::get_flag_for_user(user, flags::KEY);
    is_enabled(format!("{}", FeatureFlags::PREFIX));
    FeatureFlags::CLIENT.is_enabled("k");
    get_flag_for_user(FeatureFlags::USER, "k");
}
"#);
        assert_eq!(
            uses(&facts),
            vec![
                strings(&["flags", "get_flag_for_user"]),
                strings(&["FeatureFlags", "PREFIX"]),
                strings(&["FeatureFlags", "CLIENT"]),
                strings(&["FeatureFlags", "USER"]),
            ]
        );
        assert_eq!(facts.checks.len(), 4);
    }

    #[test]
    fn uses_in_tests_are_marked() {
        let facts = run("#[cfg(test)]\nmod tests { #[test] fn t() { assert_eq!(X, \"x\"); } }");
        assert_eq!(facts.symbol_uses.len(), 1);
        assert!(facts.symbol_uses[0].in_test);
        assert_eq!(facts.symbol_uses[0].scope, strings(&["tests"]));
    }

    #[test]
    fn facts_are_in_source_order() {
        let facts = run(r#"
fn a() { is_enabled("1"); let x = X; }
fn b() { is_enabled(if X == 1 { "a" } else { "b" }); is_enabled("3"); }
"#);
        let lines: Vec<u32> = facts.checks.iter().map(|c| c.span.start).collect();
        let mut sorted = lines.clone();
        sorted.sort();
        assert_eq!(lines, sorted);
        let use_starts: Vec<u32> = facts.symbol_uses.iter().map(|u| u.span.start).collect();
        assert_eq!(use_starts.len(), 2);
        assert!(use_starts[0] < use_starts[1]);
    }

    // --- syntax errors and recovery

    #[test]
    fn broken_item_in_the_middle_keeps_the_rest() {
        let source = r#"
use crate::flags;
const A: &str = "a";
fn broken() { let x = ; }
const B: &str = "b";
const S: Thing = Thing { a: 1 };
fn ok() { get_flag_for_user(u, flags::X); }
"#;
        let facts = run(source);
        assert_eq!(facts.syntax_errors.len(), 1, "{:?}", facts.syntax_errors);
        assert_eq!(facts.syntax_errors[0].span.line, 4);
        assert_eq!(
            consts(&facts),
            vec![
                (strings(&["A"]), "a".to_string()),
                (strings(&["B"]), "b".to_string())
            ]
        );
        assert_eq!(keys(&facts), vec![path(&["flags", "X"])]);
        assert_eq!(facts.imports.len(), 1);
        assert_eq!(facts.module_names, strings(&["flags", "A", "B", "S", "ok"]));
    }

    #[test]
    fn broken_statement_item_and_inner_attributes() {
        let source = "#![allow(dead_code)]\n//! doc\nconst A: &str = \"a\";\nlet x = 1;\nconst B: &str = \"b\";\n";
        let facts = run(source);
        assert!(!facts.syntax_errors.is_empty());
        assert!(
            facts.syntax_errors.iter().all(|e| e.span.line == 4),
            "{:?}",
            facts.syntax_errors
        );
        assert_eq!(facts.string_consts.len(), 2);
    }

    #[test]
    fn truncated_file() {
        let source = "const A: &str = \"a\";\nfn f() { is_enabled(\"k\"); }\nfn g(";
        let facts = run(source);
        assert_eq!(facts.syntax_errors.len(), 1, "{:?}", facts.syntax_errors);
        // Unbalanced: the lexing error, and the items before the broken one still count.
        assert_eq!(facts.string_consts.len(), 1);
        assert_eq!(facts.checks.len(), 1);

        let source = "const A: &str = \"a\";\nfn f() { is_enabled(\"k\"); }\nconst B: &str";
        let facts = run(source);
        assert_eq!(facts.string_consts.len(), 1);
        assert_eq!(facts.checks.len(), 1);
        assert_eq!(facts.syntax_errors.len(), 1, "{:?}", facts.syntax_errors);
        assert_eq!(facts.syntax_errors[0].span.line, 3);
    }

    #[test]
    fn unbalanced_delimiters_give_one_error() {
        let facts = run("fn f() { is_enabled(\"k\"); ");
        assert_eq!(facts.syntax_errors.len(), 1);
        assert!(facts.checks.is_empty());
        let facts = run("fn f() { ) }");
        assert_eq!(facts.syntax_errors.len(), 1);
    }

    #[test]
    fn unbalanced_item_loses_only_itself() {
        let source = "const A: &str = \"a\";\n\n/// Docs.\nfn broken( {\n    is_enabled(\"lost\");\n}\n\n#[inline]\nfn after() {\n    is_enabled(\"after\");\n}\n";
        let facts = run(source);
        assert_eq!(
            facts.syntax_errors[0].message,
            "cannot tokenize file (unbalanced delimiter or unterminated literal)"
        );
        assert_eq!(consts(&facts).len(), 1);
        assert_eq!(keys(&facts), [KeyExpr::Literal("after".into())]);
        assert_eq!(facts.checks[0].span.line, 10);
    }

    #[test]
    fn syntax_errors_are_capped() {
        let source = "let x = 1;\n".repeat(100);
        let facts = run(&source);
        assert_eq!(facts.syntax_errors.len(), MAX_SYNTAX_ERRORS);
    }

    #[test]
    fn garbage_and_prefixes_never_panic() {
        let sample = r##"#![allow(x)]
//! Module doc é ü 漢字
use crate::flags::{self, X as Y, z::*};
pub const A: &'static str = "a\"b";
static B: &str = r#"raw "quoted""#;
/* nested /* comment */ */
#[cfg(test)]
mod tests {
    #[test]
    fn t<'a>(x: &'a str) -> char { let c = 'x'; let l = '\''; is_enabled(&X); c }
}
impl<T: Clone> S<T> where T: Send {
    fn m(&self) -> Vec<Vec<u8>> { self.c.get_flag_for_user(u, flags::Y).then(|| vec![b'a']) }
}
"##;
        for (i, _) in sample.char_indices() {
            let _ = run(&sample[..i]);
            let _ = run(&sample[i..]);
        }
        let garbage = [
            "\u{0}\u{1}\u{fffd}\u{7f}",
            "'''''",
            "r#\"",
            "/* unterminated",
            "b'",
            "#!",
            "#![",
            "\u{feff}",
            "}}}}{{{{",
            "fn fn fn ; ; {}",
            "'\\u{1F600}' 'a 'ab'",
            "\u{202e}fn f() {}",
        ];
        for g in garbage {
            let _ = run(g);
        }
    }

    #[test]
    fn deep_nesting_is_rejected_without_overflow() {
        let depth = 100_000;
        let source = format!("fn f() {{ {}1{} }}", "(".repeat(depth), ")".repeat(depth));
        let facts = run(&source);
        assert_eq!(facts.syntax_errors.len(), 1);
        assert!(facts.syntax_errors[0]
            .message
            .contains("nesting deeper than 200"));
        assert!(facts.checks.is_empty() && facts.string_consts.is_empty());
        // Brackets in strings and comments do not count.
        let source = format!(
            "const A: &str = \"{}\"; // {}\nfn f() {{ is_enabled(\"k\"); }}",
            "(".repeat(500),
            "[".repeat(500)
        );
        let facts = run(&source);
        assert!(facts.syntax_errors.is_empty());
        assert_eq!(facts.checks.len(), 1);
    }

    #[test]
    fn nesting_at_the_limit_is_parsed() {
        // 199 nested parentheses inside the fn body braces: 200 levels.
        let source = format!(
            "fn f() {{ {}is_enabled(X){} }}",
            "(".repeat(198),
            ")".repeat(198)
        );
        let facts = run(&source);
        assert!(facts.syntax_errors.is_empty(), "{:?}", facts.syntax_errors);
        assert_eq!(keys(&facts), vec![path(&["X"])]);
        // Nested closures with blocks are parsed on the deep stack.
        let source = format!(
            "fn f() {{ {}is_enabled(X){} }}",
            "|| { ".repeat(190),
            " }".repeat(190)
        );
        let facts = run(&source);
        assert!(facts.syntax_errors.is_empty());
        assert_eq!(keys(&facts), vec![path(&["X"])]);
    }

    #[test]
    fn very_long_member_chain_is_rejected_without_overflow() {
        let source = format!("fn f() {{ let a = FeatureFlags{}; }}", ".b".repeat(100_000));
        let facts = run(&source);
        assert_eq!(facts.syntax_errors.len(), 1);
        assert!(facts.symbol_uses.is_empty());
        let source = format!("fn f() {{ let a = 1{}; }}", " + 1".repeat(100_000));
        assert_eq!(run(&source).syntax_errors.len(), 1);
        let source = format!("fn f() {{ let a = {}x; }}", "!".repeat(100_000));
        assert_eq!(run(&source).syntax_errors.len(), 1);
    }

    #[test]
    fn long_chains_are_parsed_on_a_deep_stack() {
        let source = format!(
            "fn f() {{ let a = FeatureFlags{}; is_enabled(X); }}",
            ".b".repeat(5_000)
        );
        let facts = run(&source);
        assert!(facts.syntax_errors.is_empty());
        assert_eq!(facts.symbol_uses.len(), 1);
        assert_eq!(facts.symbol_uses[0].path.len(), 5_001);
        assert_eq!(keys(&facts), vec![path(&["X"])]);
        let source = format!(
            "fn f() {{ let v: {}u8{} = is_enabled(X); }}",
            "Vec<".repeat(2_000),
            ">".repeat(2_000)
        );
        assert_eq!(keys(&run(&source)), vec![path(&["X"])]);
    }

    #[test]
    fn depth_scan_handles_literals_and_comments() {
        let scan = scan_depth(
            br##"fn f() { let a = '{'; let b = "}}}"; /* { /* { */ */ let c = r#"{"#; }"##,
        );
        assert_eq!(scan.nesting, 1);
        let scan = scan_depth(b"fn f<'a>(x: &'a str) { 'outer: loop { break 'outer; } }");
        assert_eq!(scan.nesting, 2);
        let scan = scan_depth(b"a; b; c; d; e; f;");
        assert_eq!(scan.run, 1);
        let scan = scan_depth(b"fn a() {} fn b() {} fn c() {}");
        assert_eq!(scan.run, 4);
        let scan = scan_depth(b"if a {} else if b {} else {}");
        assert!(scan.run >= 8);
    }

    // --- forks

    /// (kind, checks, negated, compound, has_else, exits_early, chain_head_is_flag, parent)
    type ForkRow = (
        ForkKind,
        Vec<usize>,
        bool,
        bool,
        bool,
        bool,
        bool,
        Option<usize>,
    );

    fn fork_rows(facts: &FileFacts) -> Vec<ForkRow> {
        facts
            .forks
            .iter()
            .map(|f| {
                (
                    f.kind,
                    f.checks.clone(),
                    f.negated,
                    f.compound,
                    f.has_else,
                    f.exits_early,
                    f.chain_head_is_flag,
                    f.parent,
                )
            })
            .collect()
    }

    fn in_fn(body: &str) -> FileFacts {
        run(&format!("fn f(u: U, p: bool) {{\n{body}\n}}"))
    }

    fn fork_count(body: &str) -> usize {
        in_fn(body).forks.len()
    }

    fn negated(cond: &str) -> bool {
        let facts = in_fn(&format!(
            "let on = flags.is_enabled(\"k\");\nif {cond} {{ a(); }}"
        ));
        assert_eq!(facts.forks.len(), 1, "{cond}");
        facts.forks[0].negated
    }

    fn compound(cond: &str) -> bool {
        let facts = in_fn(&format!(
            "let on = flags.is_enabled(\"k\");\nif {cond} {{ a(); }}"
        ));
        assert_eq!(facts.forks.len(), 1, "{cond}");
        facts.forks[0].compound
    }

    fn exits(body: &str) -> bool {
        let facts = in_fn(&format!("loop {{ if is_enabled(X) {{ {body} }} }}"));
        assert_eq!(facts.forks.len(), 1, "{body}");
        facts.forks[0].exits_early
    }

    #[test]
    fn fork_bodies() {
        let facts = in_fn(
            "if !is_enabled(X) { return Ok(()); }\n\
             if !is_enabled(X) { warn_user_once!(\"x\"); }\n\
             if is_enabled(X) { a(); b() } else { }\n\
             if is_enabled(X) { tracing::debug!(\"x\"); bail!(\"y\") } else if p { a() }\n\
             if is_enabled(X) { 1 } else { log::info!(\"z\") }",
        );
        assert_eq!(
            flow::describe_bodies(&facts.forks),
            "Exit, Log, Code/Empty, Exit, Code/Log"
        );
    }

    #[test]
    fn fork_then_branch_taken_without_the_flag() {
        let without = |cond: &str| {
            let facts = in_fn(&format!(
                "let on = flags.is_enabled(\"k\");\nif {cond} {{ a(); }}"
            ));
            facts.forks.len() == 1 && facts.forks[0].then_without_flag
        };
        flow::check_without(
            without,
            &[
                ("on || p", true),
                ("is_enabled(Y) || p", true),
                ("on == true || p", true),
                ("on && p", false),
                ("!on && !p", false),
                ("!(on || p)", false),
            ],
        );
    }

    #[test]
    fn fork_in_a_block_of_an_else_if_let_scrutinee_is_not_a_chain_link() {
        let facts = in_fn(
            "if p { a() } else if let Some(x) = { if is_enabled(X) { b() } else { None } } { c(x) }",
        );
        assert_eq!(fork_rows(&facts).len(), 1);
        assert_eq!(facts.forks[0].kind, ForkKind::If);
        assert_eq!(facts.forks[0].parent, None);
        // A check in the scrutinee itself still makes the link a fork.
        let facts = in_fn("if p { a() } else if let Some(x) = get(is_enabled(X)) { c(x) }");
        assert_eq!(facts.forks[0].kind, ForkKind::ElseIf);
    }

    #[test]
    fn fork_if_else_with_a_direct_check() {
        let source =
            "fn f() {\n    if is_enabled(X) {\n        a();\n    } else {\n        b();\n    }\n}";
        let facts = run(source);
        assert_eq!(
            fork_rows(&facts),
            vec![(
                ForkKind::If,
                vec![0],
                false,
                false,
                true,
                false,
                false,
                None
            )]
        );
        let span = facts.forks[0].span;
        assert_eq!(text(source, span), "if is_enabled(X)");
        assert_eq!((span.line, span.column), (2, 5));
        assert_eq!((span.end_line, span.end_column), (2, 21));
    }

    #[test]
    fn fork_spans_cover_keyword_to_condition_end() {
        let source = "fn f() {\n    let x = 1;\n    if a {\n    } else if flags.is_enabled(\n        X,\n    ) && b {\n    }\n}";
        let facts = run(source);
        assert_eq!(facts.forks.len(), 1);
        let span = facts.forks[0].span;
        assert_eq!(
            text(source, span),
            "if flags.is_enabled(\n        X,\n    ) && b"
        );
        assert_eq!((span.line, span.column), (4, 12));
        assert_eq!((span.end_line, span.end_column), (6, 11));

        let source = "fn f() { let on = is_enabled(X);\n  if !on { a() } }";
        let facts = run(source);
        assert_eq!(text(source, facts.forks[0].span), "if !on");
        assert_eq!(
            (facts.forks[0].span.line, facts.forks[0].span.column),
            (2, 3)
        );
    }

    #[test]
    fn fork_via_check_local() {
        let facts = in_fn("let on = flags.is_enabled(X);\nif on { a(); }");
        assert_eq!(
            fork_rows(&facts),
            vec![(
                ForkKind::If,
                vec![0],
                false,
                false,
                false,
                false,
                false,
                None
            )]
        );
        // Typed, mutable but assigned once, parenthesised and awaited values.
        assert_eq!(
            fork_count("let mut on: bool = (is_enabled(X));\nif on {}"),
            1
        );
        assert_eq!(
            fork_count("let on = client.is_enabled(X).await;\nif on {}"),
            1
        );
        assert_eq!(fork_count("let on = (is_enabled(X).await);\nif (on) {}"), 1);
        // Used inside a closure of the same fn.
        assert_eq!(
            fork_count("let on = is_enabled(X);\nrun(|| if on { a() });"),
            1
        );
        // Used deeper in the condition.
        assert_eq!(
            fork_count("let on = is_enabled(X);\nif a(b(on), 1) > 2 {}"),
            1
        );
    }

    #[test]
    fn no_fork_via_locals_that_are_not_check_locals() {
        // Assigned twice: reassignment (before or after the if), compound assignment, shadowing.
        assert_eq!(
            fork_count("let mut on = is_enabled(X);\non = false;\nif on {}"),
            0
        );
        assert_eq!(
            fork_count("let mut on = is_enabled(X);\nif on {}\non = false;"),
            0
        );
        assert_eq!(
            fork_count("let mut on = is_enabled(X);\non |= p;\nif on {}"),
            0
        );
        assert_eq!(
            fork_count("let on = 1;\nlet on = is_enabled(X);\nif on {}"),
            0
        );
        assert_eq!(
            fork_count("let on = is_enabled(X);\nlet on = !on;\nif on {}"),
            0
        );
        assert_eq!(
            fork_count("let on = is_enabled(X);\nif on {}\nfor on in xs {}"),
            0
        );
        assert_eq!(
            fork_count("let on = is_enabled(X);\nif on {}\nmatch x { Some(on) => {} _ => {} }"),
            0
        );
        assert_eq!(
            fork_count("let on = is_enabled(X);\nif on {}\nlet g = |on: bool| on;"),
            0
        );
        // A parameter, also when re-bound from a check.
        assert_eq!(fork_count("if p {}"), 0);
        assert_eq!(fork_count("let p = is_enabled(X);\nif p {}"), 0);
        // Not directly a check call.
        assert_eq!(fork_count("let on = wrap(is_enabled(X));\nif on {}"), 0);
        assert_eq!(fork_count("let on = other(X);\nif on {}"), 0);
        assert_eq!(fork_count("let (on, b) = (is_enabled(X), 1);\nif on {}"), 0);
        // Not a plain identifier.
        assert_eq!(fork_count("let on = is_enabled(X);\nif self.on {}"), 0);
        assert_eq!(fork_count("let on = is_enabled(X);\nif m::on {}"), 0);
        // Bound in another fn.
        let facts = run("fn a() { let on = is_enabled(X); }\nfn b() { if on {} }");
        assert!(facts.forks.is_empty());
        let facts = run("fn a() { let on = is_enabled(X); fn b() { if on {} } }");
        assert!(facts.forks.is_empty());
    }

    #[test]
    fn ordinary_ifs_produce_no_fork() {
        let facts = in_fn(
            "if a {} else if b == 1 { c() } else {}\nif x && y {}\nif let Some(v) = o {}\nwhile is_enabled(X) {}\nmatch is_enabled(Y) { _ => {} }\nif p { is_enabled(Z); }",
        );
        assert_eq!(facts.checks.len(), 3);
        assert!(facts.forks.is_empty(), "{:?}", facts.forks);
    }

    #[test]
    fn fork_negations() {
        for cond in [
            "!is_enabled(X)",
            "!(is_enabled(X))",
            "(!flags.is_enabled(X))",
            "is_enabled(X) == false",
            "false == is_enabled(X)",
            "is_enabled(X) != true",
            "true != is_enabled(X)",
            "(is_enabled(X)) == false",
            "!on",
            "!(on)",
            "on == false",
            "false == on",
            "on != true",
            "true != (on)",
            "!!!on",
            "!is_enabled(X).await",
        ] {
            assert!(negated(cond), "{cond}");
        }
        for cond in [
            "is_enabled(X)",
            "on",
            "!!on",
            "!!is_enabled(X)",
            "!(!is_enabled(X))",
            "on == true",
            "is_enabled(X) != false",
            "!(on && x)",
            "!x && on",
            "get_flag_for_user(u, X) == \"on\"",
            "!wrap(is_enabled(X))",
            "on == p",
        ] {
            assert!(!negated(cond), "{cond}");
        }
    }

    #[test]
    fn fork_compound_conditions() {
        for cond in [
            "is_enabled(X) && a",
            "a || on",
            "a && (b || (c && is_enabled(X)))",
            "!(a && on)",
            "(a || on) == false",
            "a && b && wrap(on)",
        ] {
            assert!(compound(cond), "{cond}");
        }
        for cond in [
            "is_enabled(X)",
            "!on",
            "on == (a && b)",
            "wrap(a && on)",
            "get_flag_for_user(u, X) == \"on\"",
        ] {
            assert!(!compound(cond), "{cond}");
        }
    }

    #[test]
    fn fork_has_else_and_chains() {
        let facts = in_fn(
            "if is_enabled(A) { a() } else if is_enabled(B) { b() } else if is_enabled(C) { c() } else { d() }",
        );
        assert_eq!(
            fork_rows(&facts),
            vec![
                (
                    ForkKind::If,
                    vec![0],
                    false,
                    false,
                    true,
                    false,
                    false,
                    None
                ),
                (
                    ForkKind::ElseIf,
                    vec![1],
                    false,
                    false,
                    true,
                    false,
                    true,
                    None
                ),
                (
                    ForkKind::ElseIf,
                    vec![2],
                    false,
                    false,
                    true,
                    false,
                    true,
                    None
                ),
            ]
        );
        // An ElseIf with nothing after it.
        let facts = in_fn("if is_enabled(A) { a() } else if is_enabled(B) { return; }");
        assert_eq!(
            fork_rows(&facts),
            vec![
                (
                    ForkKind::If,
                    vec![0],
                    false,
                    false,
                    true,
                    false,
                    false,
                    None
                ),
                (
                    ForkKind::ElseIf,
                    vec![1],
                    false,
                    false,
                    false,
                    true,
                    true,
                    None
                ),
            ]
        );
        // Chain head not a flag.
        let facts = in_fn("if a { } else if b { } else if !is_enabled(B) { } else { }");
        assert_eq!(
            fork_rows(&facts),
            vec![(
                ForkKind::ElseIf,
                vec![0],
                true,
                false,
                true,
                false,
                false,
                None
            )]
        );
        let facts = in_fn("if is_enabled(A) { } else if b { } else if on() || is_enabled(C) { }");
        assert_eq!(
            fork_rows(&facts),
            vec![
                (
                    ForkKind::If,
                    vec![0],
                    false,
                    false,
                    true,
                    false,
                    false,
                    None
                ),
                (
                    ForkKind::ElseIf,
                    vec![1],
                    false,
                    true,
                    false,
                    false,
                    true,
                    None
                ),
            ]
        );
    }

    #[test]
    fn fork_exits_early() {
        for body in [
            "return;",
            "return",
            "return 1;",
            "break;",
            "break 'outer",
            "continue;",
            "continue",
            "a(); return;",
            "panic!(\"no\");",
            "panic!(\"no\")",
            "std::panic!()",
            "unreachable!()",
            "bail!(\"x\");",
            "anyhow::bail!(\"x\")",
            "todo!();",
        ] {
            assert!(exits(body), "{body}");
        }
        for body in [
            "",
            "a();",
            "return; a();",
            "if x { return; }",
            "println!(\"x\");",
            "let x = 1;",
            "{ return; }",
        ] {
            assert!(!exits(body), "{body}");
        }
        // Not when an else follows.
        let facts = in_fn("if is_enabled(X) { return; } else { a(); }");
        assert!(!facts.forks[0].exits_early);
        let facts = in_fn("if is_enabled(X) { return; } else if is_enabled(Y) { return; }");
        assert!(!facts.forks[0].exits_early);
        assert!(facts.forks[1].exits_early);
    }

    #[test]
    fn fork_parents() {
        // Nested in the then-branch and in the else-branch.
        let facts = in_fn(
            "if is_enabled(A) {\n if is_enabled(B) {}\n} else {\n if is_enabled(C) {}\n}\nif is_enabled(D) {}",
        );
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        assert_eq!(parents, vec![None, Some(0), Some(0), None]);

        // Through a non-flag if, and a flag if inside an if expression.
        let facts =
            in_fn("if is_enabled(A) { if plain { let v = if is_enabled(B) { 1 } else { 2 }; } }");
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        assert_eq!(parents, vec![None, Some(0)]);

        // Inside an ElseIf body; an ElseIf's parent is its head's parent.
        let facts = in_fn(
            "if is_enabled(A) {\n if is_enabled(B) {} else if is_enabled(C) { if is_enabled(D) {} } else { if is_enabled(E) {} }\n}",
        );
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        let kinds: Vec<ForkKind> = facts.forks.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ForkKind::If,
                ForkKind::If,
                ForkKind::ElseIf,
                ForkKind::If,
                ForkKind::If
            ]
        );
        assert_eq!(parents, vec![None, Some(0), Some(0), Some(2), Some(2)]);

        // Non-flag links of a chain: forks in their bodies belong to the previous flag link.
        let facts = in_fn(
            "if is_enabled(A) {} else if b { if is_enabled(B) {} } else { if is_enabled(C) {} }",
        );
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        assert_eq!(parents, vec![None, Some(0), Some(0)]);
        let facts = in_fn("if a {} else if is_enabled(B) { if is_enabled(C) {} }");
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        assert_eq!(parents, vec![None, Some(0)]);
        assert!(!facts.forks[0].chain_head_is_flag);
    }

    #[test]
    fn fork_parent_boundaries() {
        // Not inside the condition.
        let facts = in_fn(
            "if run(|| if is_enabled(B) { 1 } else { 2 }) && is_enabled(A) { if is_enabled(C) {} }",
        );
        assert_eq!(facts.checks.len(), 3);
        assert_eq!(
            fork_rows(&facts),
            vec![
                (
                    ForkKind::If,
                    vec![0, 1],
                    false,
                    true,
                    false,
                    false,
                    false,
                    None
                ),
                (
                    ForkKind::If,
                    vec![0],
                    false,
                    false,
                    true,
                    false,
                    false,
                    None
                ),
                (
                    ForkKind::If,
                    vec![2],
                    false,
                    false,
                    false,
                    false,
                    false,
                    Some(0)
                ),
            ]
        );
        // Not in an else-if condition either: its context is the previous link's else branch.
        let facts = in_fn("if is_enabled(A) {} else if run(|| if is_enabled(B) {}) {}");
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        assert_eq!(parents, vec![None, None, Some(0)]);
        // Closures are not boundaries, named fns are.
        let facts = in_fn(
            "if is_enabled(A) {\n run(|x| { if is_enabled(B) {} });\n fn inner() { if is_enabled(C) {} }\n}",
        );
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        assert_eq!(parents, vec![None, Some(0), None]);
        // Forks in an fn after a nested fn still see their parent.
        let facts = in_fn("if is_enabled(A) { fn inner() {} if is_enabled(B) {} }");
        assert_eq!(facts.forks[1].parent, Some(0));
    }

    #[test]
    fn fork_checks_reference_the_right_sites() {
        let facts = in_fn(
            "is_enabled(\"before\");\nlet on = get_flag_for_user(u, A);\nlet off = is_enabled(B);\nif is_enabled(C) && on && off && on {}\nif wrap(is_enabled(D), on) {}",
        );
        let keys = keys(&facts);
        assert_eq!(keys[1], path(&["A"]));
        assert_eq!(keys[2], path(&["B"]));
        assert_eq!(keys[3], path(&["C"]));
        assert_eq!(keys[4], path(&["D"]));
        assert_eq!(facts.forks.len(), 2);
        assert_eq!(facts.forks[0].checks, vec![1, 2, 3]);
        assert_eq!(facts.forks[1].checks, vec![1, 4]);
    }

    #[test]
    fn fork_other_condition_shapes() {
        // if let, checks inside macro arguments, ifs inside macro arguments and closures.
        let facts = in_fn("if let Some(v) = get_flag_for_user(u, X) { a(v) }");
        assert_eq!(fork_rows(&facts)[0].1, vec![0]);
        let facts = in_fn("if matches!(get_flag_for_user(u, X), Some(_)) {}");
        assert_eq!(facts.forks.len(), 1);
        let facts = in_fn("assert!(if is_enabled(X) { true } else { false });");
        assert_eq!(facts.forks.len(), 1);
        // Outside fns: const initialisers and impl methods.
        let facts = run(
            "const C: u8 = if is_enabled(X) { 1 } else { 2 };\nimpl S { fn m(&self) { let on = self.c.is_enabled(Y); if !on { return; } } }",
        );
        assert_eq!(
            fork_rows(&facts),
            vec![
                (
                    ForkKind::If,
                    vec![0],
                    false,
                    false,
                    true,
                    false,
                    false,
                    None
                ),
                (ForkKind::If, vec![1], true, false, false, true, false, None),
            ]
        );
        // Recovered items (the file does not parse) still report forks.
        let facts = run("fn broken() { let x = ; }\nfn ok() { if is_enabled(X) {} }");
        assert!(!facts.syntax_errors.is_empty());
        assert_eq!(facts.forks.len(), 1);
        let facts = run("fn broken( {\n\nfn ok() { let on = is_enabled(X); if on {} }\n");
        assert_eq!(facts.forks.len(), 1);
    }

    #[test]
    fn deep_if_nesting_is_rejected_without_overflow() {
        let depth = 10_000;
        let source = format!(
            "fn f() {{ {}a(); {} }}",
            "if is_enabled(X) { ".repeat(depth),
            "}".repeat(depth)
        );
        let facts = run(&source);
        assert_eq!(facts.syntax_errors.len(), 1);
        assert!(facts.syntax_errors[0]
            .message
            .contains("nesting deeper than 200"));
        assert!(facts.forks.is_empty() && facts.checks.is_empty());
        // At the limit it is parsed and every level is the child of the previous one.
        let depth = 190;
        let source = format!(
            "fn f() {{ {}a(); {} }}",
            "if is_enabled(X) { ".repeat(depth),
            "}".repeat(depth)
        );
        let facts = run(&source);
        assert!(facts.syntax_errors.is_empty());
        assert_eq!(facts.forks.len(), depth);
        assert!(facts
            .forks
            .iter()
            .enumerate()
            .all(|(i, f)| f.parent == i.checked_sub(1)));
    }

    #[test]
    fn long_else_if_chain_without_overflow() {
        let chain = |n: usize| {
            format!(
                "fn f() {{ if is_enabled(X) {{ }}{} else {{ }} }}",
                " else if is_enabled(X) { }".repeat(n)
            )
        };
        // 10 000 links exceed the caller's expression limit: one error, nothing else.
        let facts = run(&chain(10_000));
        assert_eq!(facts.syntax_errors.len(), 1, "{:?}", facts.syntax_errors);
        assert!(facts.forks.is_empty());
        // A long chain below the limit is parsed (on the deep stack) and walked link by link.
        let n = 5_000;
        let facts = run(&chain(n));
        assert!(facts.syntax_errors.is_empty());
        assert_eq!(facts.forks.len(), n + 1);
        assert!(facts.forks[1..].iter().all(|f| f.kind == ForkKind::ElseIf
            && f.parent.is_none()
            && f.chain_head_is_flag
            && f.has_else));
        assert_eq!(facts.forks[n].checks, vec![n]);
    }

    #[test]
    fn definition_kinds() {
        use crate::facts::ConstKind;
        let shapes = DefinitionShapes {
            enums: strings(&["Feature"]),
            structs: strings(&["Settings"]),
            ..Default::default()
        };
        let source =
            "pub const A: &str = \"a\";\nenum Feature { B }\nstruct Settings { c: bool }\n";
        assert_eq!(
            crate::lang::const_kinds(&defs(shapes, source)),
            [
                ConstKind::Constant,
                ConstKind::EnumVariant,
                ConstKind::StructField
            ]
        );
    }

    // --- members, calls and key mentions

    #[test]
    fn container_members_whatever_their_value() {
        let source = r#"
pub enum PreviewFeature { JsonOutput, Pylock(u8) }
pub struct Settings { shadow: bool, limit: u32 }
impl PreviewFeature {
    pub fn as_str(self) -> &'static str { "" }
    const COUNT: usize = 2;
}
impl std::fmt::Display for PreviewFeature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) }
}
fn local() {
    enum Hidden { A }
}
"#;
        let facts = run(source);
        assert_eq!(
            facts.member_names,
            [
                "PreviewFeature.JsonOutput",
                "PreviewFeature.Pylock",
                "Settings.shadow",
                "Settings.limit",
                "PreviewFeature.as_str",
                "PreviewFeature.COUNT",
                "PreviewFeature.fmt"
            ]
        );
    }

    #[test]
    fn called_paths_and_receivers_are_marked() {
        let source = r#"
use crate::flags::FeatureFlags;
fn f() {
    let all = FeatureFlags::metadata();
    let name = FeatureFlags::X.as_str();
    take(FeatureFlags::Y);
    let g = flags::cfg.X.clone();
}
"#;
        let expected = [
            ("FeatureFlags::metadata", true),
            ("FeatureFlags::X", true),
            ("FeatureFlags::Y", false),
            ("flags::cfg::X", true),
        ];
        crate::lang::assert_called(&run(source), "::", &expected);
    }

    #[test]
    fn literal_mentions_of_keys() {
        let source = r#"
const EXPOSED: &[&str] = &["compact-tables"];
fn f() { lookup("compact-tables"); lookup("other"); }
#[cfg(test)]
mod tests { fn t() { lookup("compact-tables"); } }
"#;
        let facts = crate::lang::test_extract_file(
            Grammar::Rust,
            Language::Rust,
            false,
            &["compact-tables"],
            source,
        );
        let lines: Vec<u32> = facts.key_mentions.iter().map(|(_, s)| s.line).collect();
        assert_eq!(lines, [2, 3]);
    }

    // --- definition shapes

    fn defs(shapes: DefinitionShapes, source: &str) -> FileFacts {
        crate::lang::test_extract_definitions(Grammar::Rust, Language::Rust, shapes, source)
    }

    fn enums(names: &[&str]) -> DefinitionShapes {
        DefinitionShapes {
            enums: strings(names),
            ..Default::default()
        }
    }

    fn structs(names: &[&str]) -> DefinitionShapes {
        DefinitionShapes {
            structs: strings(names),
            ..Default::default()
        }
    }

    fn registrations(specs: &[(&str, usize)]) -> DefinitionShapes {
        DefinitionShapes {
            registrations: specs
                .iter()
                .map(|(call, position)| {
                    let key = KeyArg {
                        position: Some(*position),
                        keyword: None,
                    };
                    (call.split('.').map(str::to_string).collect(), key)
                })
                .collect(),
            ..Default::default()
        }
    }

    fn symbol_values(facts: &FileFacts) -> Vec<(String, String)> {
        facts
            .string_consts
            .iter()
            .map(|c| (c.symbol.join("::"), c.value.clone()))
            .collect()
    }

    #[test]
    fn enum_variants_are_definitions() {
        let source = r#"
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Feature {
    NewRouter,
    #[serde(rename = "async_drain")]
    AsyncDrain,
    Tuple(u32),
    Record { on: bool },
    Numbered = 3,
    #[serde(rename(serialize = "ser", deserialize = "de"))]
    Both,
    #[serde(rename(deserialize = "de_only"))]
    DeOnly,
    #[serde(alias = "x", rename = r"raw\n")]
    Raw,
    r#Type,
}
"#;
        let facts = defs(enums(&["Feature"]), source);
        assert_eq!(
            symbol_values(&facts),
            pairs(&[
                ("Feature::NewRouter", "NewRouter"),
                ("Feature::AsyncDrain", "async_drain"),
                ("Feature::Tuple", "Tuple"),
                ("Feature::Record", "Record"),
                ("Feature::Numbered", "Numbered"),
                ("Feature::Both", "ser"),
                ("Feature::DeOnly", "de_only"),
                ("Feature::Raw", "raw\\n"),
                ("Feature::Type", "Type"),
            ])
        );
        assert!(facts.string_consts.iter().all(|c| c.exported));
        let drain = &facts.string_consts[1];
        assert_eq!(text(source, drain.name_span), "AsyncDrain");
        assert_eq!(
            text(source, drain.span),
            "#[serde(rename = \"async_drain\")]\n    AsyncDrain"
        );
        assert_eq!(drain.name_span.line, 9);
        assert_eq!(
            text(source, facts.string_consts[3].span),
            "Record { on: bool }"
        );
        assert_eq!(text(source, facts.string_consts[8].name_span), "r#Type");
        // The enum's other facts are unchanged.
        assert_eq!(facts.module_names, strings(&["Deserialize", "Feature"]));
    }

    #[test]
    fn enum_variants_in_inline_modules() {
        let source = r#"
pub mod flags {
    pub enum Feature { A }
    mod inner { enum Feature { #[serde(rename = "b-key")] B } }
}
enum Feature { C }
"#;
        let facts = defs(enums(&["Feature"]), source);
        assert_eq!(
            symbol_values(&facts),
            pairs(&[
                ("flags::Feature::A", "A"),
                ("flags::inner::Feature::B", "b-key"),
                ("Feature::C", "C"),
            ])
        );
    }

    #[test]
    fn enum_look_alikes_are_not_definitions() {
        let source = r#"
enum Other { NotAFlag }
struct Feature { on: bool }
fn f() { enum Feature { InFn } }
impl S { fn g() { enum Feature { InMethod } } }
const C: () = { enum Feature { InConst } };
#[cfg(test)]
enum Feature { TestOnly }
#[cfg(test)]
mod tests { enum Feature { InTests } }
enum Feature {
    Kept,
    #[cfg(test)]
    TestVariant,
}
// enum Feature { Comment }
const S: &str = "enum Feature { InString }";
"#;
        let facts = defs(enums(&["Feature"]), source);
        assert_eq!(
            symbol_values(&facts),
            pairs(&[
                ("Feature::Kept", "Kept"),
                ("S", "enum Feature { InString }")
            ])
        );
        // Without the shape the enum adds nothing.
        let plain = run(source);
        assert_eq!(
            consts(&plain),
            vec![(strings(&["S"]), "enum Feature { InString }".into())]
        );
    }

    #[test]
    fn struct_bool_fields_are_definitions() {
        let source = r#"
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureSettings {
    pub shadow_traffic: bool,
    pub canary: Option<bool>,
    pub region: String,
    #[serde(rename = "dark-mode")]
    dark: bool,
    full: std::option::Option<bool>,
    qualified: core::primitive::bool,
    r#async: bool,
    list: Vec<bool>,
    maybe: Option<String>,
    reference: &'static bool,
    nested: Option<Option<bool>>,
    #[cfg(test)]
    test_only: bool,
}
mod inner { pub struct FeatureSettings { pub beta: bool } }
"#;
        let facts = defs(structs(&["FeatureSettings"]), source);
        assert_eq!(
            symbol_values(&facts),
            pairs(&[
                ("FeatureSettings::shadow_traffic", "shadow_traffic"),
                ("FeatureSettings::canary", "canary"),
                ("FeatureSettings::dark", "dark-mode"),
                ("FeatureSettings::full", "full"),
                ("FeatureSettings::qualified", "qualified"),
                ("FeatureSettings::async", "async"),
                ("inner::FeatureSettings::beta", "beta"),
            ])
        );
        let canary = &facts.string_consts[1];
        assert_eq!(text(source, canary.span), "pub canary: Option<bool>");
        assert_eq!(text(source, canary.name_span), "canary");
        assert_eq!(canary.name_span.line, 6);
        assert!(facts.string_consts.iter().all(|c| c.exported));
    }

    #[test]
    fn struct_look_alikes_are_not_definitions() {
        let source = r#"
struct Other { on: bool }
struct FeatureSettings(bool, Option<bool>);
enum FeatureSettings { A }
fn f() { struct FeatureSettings { in_fn: bool } }
#[cfg(test)]
struct FeatureSettings { test_only: bool }
#[cfg(test)]
mod tests { struct FeatureSettings { in_tests: bool } }
// struct FeatureSettings { comment: bool }
"#;
        let facts = defs(structs(&["FeatureSettings"]), source);
        assert!(facts.string_consts.is_empty(), "{:?}", facts.string_consts);
        // Listing the struct name as an enum does not make its fields variants.
        let facts = defs(enums(&["Other"]), "struct Other { on: bool }");
        assert!(facts.string_consts.is_empty());
    }

    #[test]
    fn registration_calls_are_definitions() {
        let source = r##"
static MANAGER: Lazy<M> = Lazy::new(|| { let m = M::new(); m.manager.add("in-static", F); m });
fn setup(manager: &mut Manager) {
    manager.add("organizations:a", OrganizationFeature);
    self.manager.add("b", F);
    features::manager::add("c");
    manager.add(&"d");
    manager.add(("e"));
    assert!(manager.add("in-macro", F));
    let f = |x| manager.add("in-closure", x);
    manager.add("esc\"aped\t", F);
    manager.add(r#"raw"#, F);
    register(F, "positional");
}
"##;
        let shapes = registrations(&[("manager.add", 0), ("register", 1)]);
        let facts = defs(shapes, source);
        let keys: Vec<String> = facts
            .string_consts
            .iter()
            .map(|c| c.value.clone())
            .collect();
        assert_eq!(
            keys,
            strings(&[
                "in-static",
                "organizations:a",
                "b",
                "c",
                "d",
                "e",
                "in-macro",
                "in-closure",
                "esc\"aped\t",
                "raw",
                "positional",
            ])
        );
        assert!(facts
            .string_consts
            .iter()
            .all(|c| c.symbol == vec![c.value.clone()] && c.exported));
        let first = &facts.string_consts[1];
        assert_eq!(
            text(source, first.span),
            "manager.add(\"organizations:a\", OrganizationFeature)"
        );
        assert_eq!(text(source, first.name_span), "\"organizations:a\"");
        assert_eq!(
            text(source, facts.string_consts[3].span),
            "features::manager::add(\"c\")"
        );
        assert_eq!(text(source, facts.string_consts[4].name_span), "\"d\"");
        // Other facts are unchanged: the call is no check, `setup` is a module name.
        assert!(facts.checks.is_empty());
        assert_eq!(facts.module_names, strings(&["MANAGER", "setup"]));
    }

    #[test]
    fn registration_look_alikes_are_not_definitions() {
        let source = r#"
const NAME: &str = "const";
fn f(manager: M, other: O) {
    add("bare");
    other.add("other receiver");
    manager.remove("other method");
    manager.add(NAME, F);
    manager.add(format!("x{}", 1));
    manager.add("a".to_string());
    manager.add(1);
    manager.add();
    make().add("not a static receiver");
    manager.add::<T>;
    // manager.add("comment");
    let s = "manager.add(\"string\")";
    register("key at 0", F);
    register(F);
}
#[cfg(test)]
mod tests { fn t(manager: M) { manager.add("test"); } }
#[test]
fn t(manager: M) { manager.add("test fn"); }
"#;
        let shapes = registrations(&[("manager.add", 0), ("register", 1)]);
        let facts = defs(shapes, source);
        assert_eq!(symbol_values(&facts), pairs(&[("NAME", "const")]));
    }

    #[test]
    fn registration_chains_and_order() {
        let source = r#"
const BEFORE: &str = "before";
enum Feature { Variant }
fn f(m: M) {
    m.add("a").add("b").add(m.add("nested").len());
}
struct Settings { on: bool }
const AFTER: &str = "after";
"#;
        let shapes = DefinitionShapes {
            enums: strings(&["Feature"]),
            structs: strings(&["Settings"]),
            ..registrations(&[("add", 0)])
        };
        let facts = defs(shapes, source);
        assert_eq!(
            symbol_values(&facts),
            pairs(&[
                ("BEFORE", "before"),
                ("Feature::Variant", "Variant"),
                ("a", "a"),
                ("b", "b"),
                ("nested", "nested"),
                ("Settings::on", "on"),
                ("AFTER", "after"),
            ])
        );
        let starts: Vec<u32> = facts
            .string_consts
            .iter()
            .map(|c| c.name_span.start)
            .collect();
        assert!(starts.windows(2).all(|w| w[0] < w[1]));
        // A receiver chain is part of the callee: `m.add` does not match `manager.add`.
        let facts = defs(registrations(&[("manager.add", 0)]), source);
        assert_eq!(
            symbol_values(&facts),
            pairs(&[("BEFORE", "before"), ("AFTER", "after")])
        );
    }

    #[test]
    fn definitions_survive_syntax_errors() {
        let source = r#"
enum Feature { A }
fn broken( { }
fn g(manager: M) { manager.add("after"); }
struct S { on: bool }
"#;
        let shapes = DefinitionShapes {
            enums: strings(&["Feature"]),
            structs: strings(&["S"]),
            ..registrations(&[("manager.add", 0)])
        };
        let facts = defs(shapes, source);
        assert!(!facts.syntax_errors.is_empty());
        assert_eq!(
            symbol_values(&facts),
            pairs(&[("Feature::A", "A"), ("after", "after"), ("S::on", "on")])
        );
    }

    #[test]
    fn registrations_with_checks_of_the_same_call() {
        let source = r#"fn f(manager: M) { manager.add("k"); manager.is_enabled("k"); }"#;
        let matcher = crate::lang::CheckMatcher::new(vec![CheckSpec {
            call: strings(&["is_enabled"]),
            key: KeyArg {
                position: Some(0),
                keyword: None,
            },
            ..CheckSpec::default()
        }]);
        let interesting = HashSet::new();
        let definitions = registrations(&[("add", 0)]);
        let options = ExtractOptions {
            language: Language::Rust,
            checks: &matcher,
            interesting: &interesting,
            definitions: &definitions,
            definitions_file: false,
            keys: &HashSet::new(),
            migration: None,
        };
        let facts = extract(source, &options);
        assert_eq!(symbol_values(&facts), pairs(&[("k", "k")]));
        assert_eq!(keys(&facts), vec![lit("k")]);
    }
}
