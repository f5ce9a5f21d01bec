//! Plain data extracted from one source file, before any cross-file resolution.
//!
//! Extractors (`crate::lang::*`) turn a parsed file into a [`FileFacts`]; the index
//! (`crate::index`) joins the facts of every file. Nothing here knows about other files.

use std::ops::Range;

use serde::Serialize;

/// What starts every comment that speaks to flaglint: suppressions and definition metadata.
pub const COMMENT_MARKER: &str = "flaglint:";

/// A source location: byte range plus 1-based line and (character) column of both ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    #[serde(skip)]
    pub start: u32,
    #[serde(skip)]
    pub end: u32,
}

/// Bytes per block of [`LineIndex`]'s character counts.
const CHAR_BLOCK: usize = 256;

/// Maps byte offsets to lines and character columns (and back) for one file.
///
/// Every lookup costs a binary search plus a scan of at most [`CHAR_BLOCK`] bytes, whatever the
/// length of the line, so a file of one long line (a minified bundle) costs no more than the
/// same code spread over many lines.
pub struct LineIndex<'a> {
    source: &'a str,
    line_starts: Vec<u32>,
    /// Characters before each block of [`CHAR_BLOCK`] bytes (`[i]`: in `source[..i * CHAR_BLOCK]`);
    /// empty when the source is ASCII (a character per byte).
    block_chars: Vec<u32>,
}

impl<'a> LineIndex<'a> {
    pub fn new(source: &'a str) -> Self {
        let bytes = source.as_bytes();
        let line_starts = line_starts(source);
        let block_chars = if source.is_ascii() {
            Vec::new()
        } else {
            std::iter::once(0)
                .chain(bytes.chunks(CHAR_BLOCK).scan(0u32, |total, block| {
                    *total += char_starts(block);
                    Some(*total)
                }))
                .collect()
        };
        LineIndex {
            source,
            line_starts,
            block_chars,
        }
    }

    /// 1-based line and character column of a byte offset (clamped to the source).
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
        (line as u32 + 1, column)
    }

    /// Byte offset of a 1-based line and 0-based character column (as `proc_macro2` reports),
    /// clamped to the end of the line.
    pub fn offset(&self, line: usize, char_column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.source.len();
        };
        let start = start as usize;
        let line_end = self
            .line_starts
            .get(line.max(1))
            .map_or(self.source.len(), |&next| next as usize - 1);
        let target = u32::try_from(char_column)
            .ok()
            .and_then(|column| self.chars_before(start).checked_add(column));
        target.map_or(line_end, |target| self.char_offset(target).min(line_end))
    }

    /// The span of a byte range.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let start = self.clamp(start);
        let end = self.clamp(end.max(start));
        let (line, column) = self.position(start);
        let (end_line, end_column) = self.position(end);
        Span {
            line,
            column,
            end_line,
            end_column,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The 0-based line holding a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start as usize <= offset)
            - 1
    }

    /// Characters in `source[..offset]`.
    fn chars_before(&self, offset: usize) -> u32 {
        if self.block_chars.is_empty() {
            return offset as u32;
        }
        let block = offset / CHAR_BLOCK;
        let from = block * CHAR_BLOCK;
        self.block_chars[block] + char_starts(&self.source.as_bytes()[from..offset])
    }

    /// The byte offset where character `target` (0-based, from the start of the source) starts,
    /// or the source's length.
    fn char_offset(&self, target: u32) -> usize {
        if self.block_chars.is_empty() {
            return (target as usize).min(self.source.len());
        }
        let block = self.block_chars.partition_point(|&chars| chars <= target) - 1;
        let mut seen = self.block_chars[block];
        let bytes = self.source.as_bytes();
        for (i, &byte) in bytes.iter().enumerate().skip(block * CHAR_BLOCK) {
            if is_char_start(byte) {
                if seen == target {
                    return i;
                }
                seen += 1;
            }
        }
        bytes.len()
    }

    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// The byte offset where each line starts (the first is 0).
pub fn line_starts(source: &str) -> Vec<u32> {
    let newlines = source.bytes().enumerate().filter(|&(_, b)| b == b'\n');
    std::iter::once(0)
        .chain(newlines.map(|(i, _)| i as u32 + 1))
        .collect()
}

/// Whether a byte of UTF-8 starts a character (is not a continuation byte).
fn is_char_start(byte: u8) -> bool {
    byte & 0xC0 != 0x80
}

/// Characters starting in a run of UTF-8 bytes.
fn char_starts(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| is_char_start(b)).count() as u32
}

/// How a check's flag key argument is spelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyExpr {
    /// A string literal: the key itself.
    Literal(String),
    /// A name or a static member chain: `X`, `flags.X`, `FeatureFlags.X`, `FLAGS['X']`,
    /// `crate::flags::X`. Resolved by the index through imports and definitions.
    Path(Vec<String>),
    /// A parameter of the enclosing function, or a template's variable, by name: the code forwards
    /// the key its callers choose (a wrapper; a template rendered with the key in its context).
    Parameter(String),
    /// Anything else; the text says what it is, e.g. "an f-string", "a string concatenation".
    Dynamic(String),
}

/// Where an import points, as written in the importing file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleRef {
    /// `level` leading dots (0 = absolute), then the dotted path (may be empty: `from . import x`).
    Python { level: u32, dotted: String },
    /// A JS/TS module specifier: `'./types'`, `'@/hooks/useFeatureFlags/types'`.
    Js(String),
    /// A Rust path as written, including `crate`, `self` and `super` segments.
    Rust(Vec<String>),
}

/// One name bound by an import (or re-exported by the file).
///
/// - Python `from a.b import c as d`: local `d`, module `a.b`, name `Some("c")`.
/// - Python `import a.b.c`: local `a`, module `a`, name `None`; `import a.b as z`: local `z`, module `a.b`.
/// - TS `import { A as B } from 'm'`: local `B`, name `Some("A")`; `import * as ns`: local `ns`, name
///   `None`; `import D from 'm'`: name `Some("default")`.
/// - Rust `use a::b::{self, C as D}`: local `b` (module `a::b`, name `None`) and local `D` (module
///   `a::b`, name `Some("C")`); `use a::C;`: local `C`, module `a`, name `Some("C")`.
/// - A glob (`from m import *`, `export * from 'm'`, `use m::*`): local `*`, name `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub local: String,
    pub module: ModuleRef,
    pub name: Option<String>,
    /// Other files can reach the binding through this file: Python module-level imports,
    /// TS `export ... from`, Rust `pub use`.
    pub reexport: bool,
    /// Rust: the inline `mod` blocks around the `use` (empty elsewhere).
    pub scope: Vec<String>,
    pub span: Span,
}

/// A constant whose value is a string literal: a flag definition when the file is a definitions
/// file, otherwise a local constant that a check in the same file may use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringConst {
    /// `["X"]`, `["FeatureFlags", "X"]` (enum or object member, class attribute), `["inner", "X"]`
    /// (Rust inline module).
    pub symbol: Vec<String>,
    pub value: String,
    /// TS: exported (`export const`, `export enum`); Python and Rust: module level / `pub`-or-not
    /// does not matter, always `true`.
    pub exported: bool,
    /// The whole definition (statement, enum member, object property).
    pub span: Span,
    /// The constant's name.
    pub name_span: Span,
    /// How code names the constant, in the file's language and relative to the file: `X`,
    /// `Class.X`, `FeatureFlags.X`, `Flags['new-nav']`, `inner::X`, `Feature::NewRouter`. `None`
    /// when the key has no name that code can use instead of the string: a dict key, a list
    /// element, a registration, a union member, a struct field, a YAML file.
    pub reference: Option<String>,
    /// What declares it.
    pub kind: ConstKind,
}

/// What declares a [`StringConst`]: a named constant, or a key of a configured definition shape
/// (`[[definitions]]` `registry`, `list`, `register`, `union`, `enum`, `struct`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConstKind {
    /// `NAME = "key"`: a module-level constant, a class attribute, an enum member, an object
    /// property, a Rust `const` or `static` (also of an `impl`).
    #[default]
    Constant,
    /// A key of a dict / object literal.
    RegistryKey,
    /// An element of a list / tuple / array literal.
    ListElement,
    /// The key argument of a registration call.
    Registration,
    /// A member of a string-union type.
    UnionMember,
    /// A variant of a Rust enum.
    EnumVariant,
    /// A `bool` field of a Rust struct.
    StructField,
    /// A gate function: its name holds the key (`is_{key}_enabled`).
    GateFunction,
    /// A setting of a settings module (`FEATURE_X = env.bool(..)`): its name is the key.
    Setting,
}

impl ConstKind {
    /// Declared by a definition shape, not by a named constant.
    pub fn is_shape(self) -> bool {
        self != ConstKind::Constant
    }
}

/// A call of a configured check function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckSite {
    /// Index of the matching entry in the configured checks.
    pub spec: usize,
    pub key: KeyExpr,
    /// The whole call expression.
    pub span: Span,
    /// The key argument.
    pub key_span: Span,
    /// Inside Rust test code (`#[cfg(test)]`, `#[test]`); always false for other languages.
    pub in_test: bool,
    /// Rust: the inline `mod` blocks around the call.
    pub scope: Vec<String>,
}

/// A use of a name or member chain that may denote a flag constant: `X`, `flags.X`,
/// `FeatureFlags.X`, `FLAGS['X']`, `crate::flags::X`. Key arguments of checks are not repeated here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolUse {
    pub path: Vec<String>,
    pub span: Span,
    pub in_test: bool,
    pub scope: Vec<String>,
    /// The chain is called (`Feature.all(db)`, `PreviewFeature::metadata()`), or is the receiver
    /// of a method call (`Flags.X.lower()`, Rust `Flags::X.as_str()`): a function, or a value
    /// used through a method, not a flag constant read as a value.
    pub called: bool,
}

/// What kind of branch a [`Fork`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForkKind {
    /// `if` statement or Rust `if` expression (the head of a chain).
    If,
    /// `elif` / `else if` inside a chain.
    ElseIf,
    /// `c ? a : b`, Python `a if c else b`.
    Ternary,
}

oxc_index::define_index_type! {
    /// A check of one file: an index into [`FileFacts::checks`]. Not to be mixed with the
    /// index's `CheckId`s, which number the checks of every file.
    pub struct FileCheckId = u32;
}

/// A branch whose condition tests a flag: an `if`, `elif`/`else if` or ternary whose condition
/// contains a flag check, directly or through a local variable assigned once from a check in the
/// same function (`use_binary = get_flag_for_user(...)` then `if use_binary:`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fork {
    pub kind: ForkKind,
    /// From the `if`/`elif`/`else if` keyword (a ternary: from its start) to the end of the
    /// condition. Diagnostics about the fork point here.
    pub span: Span,
    /// The checks the condition tests, as indices into [`FileFacts::checks`], in source order.
    pub checks: Vec<usize>,
    /// The whole condition is a negated flag test: `not c`, `!c`, `c == False`, `c is False`,
    /// `c != True`, `c is not True`, `c === false`, `c !== true` (and mirrored operands), where `c`
    /// is a check or a local bound to one, possibly parenthesised; a double negation is positive.
    pub negated: bool,
    /// The condition combines a flag test with other operands by `and`/`or`/`&&`/`||`, at any depth.
    pub compound: bool,
    /// An `else`, `elif` or `else if` follows the then-branch (always true for a ternary).
    pub has_else: bool,
    /// No else, and the then-branch ends by leaving: `return`, `raise`/`throw`, `continue`,
    /// `break` (Rust: also `panic!`/`unreachable!`/`bail!`).
    pub exits_early: bool,
    /// What the then-branch holds (a ternary: its first value).
    pub then_body: Body,
    /// What the plain `else` holds (a ternary: its second value); `None` without an else, or when
    /// an `elif`/`else if` follows.
    pub else_body: Option<Body>,
    /// The then-branch is taken with a flag test of the condition false: the test is or-ed with
    /// another operand (`flag or user.is_staff`; `not (not flag and x)` counts as an or).
    pub then_without_flag: bool,
    /// For [`ForkKind::ElseIf`]: whether the first condition of its chain tests a flag.
    pub chain_head_is_flag: bool,
    /// The innermost enclosing fork (an index into [`FileFacts::forks`]) whose then- or
    /// else-branch contains this one, within the same named function. An `elif`/`else if` is not
    /// inside its own chain: its parent is the chain head's parent.
    pub parent: Option<usize>,
}

impl Fork {
    /// The checks the condition tests, in source order.
    pub fn check_ids(&self) -> impl Iterator<Item = FileCheckId> + '_ {
        self.checks.iter().map(|&c| FileCheckId::from_usize(c))
    }
}

/// What a branch of a [`Fork`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// Nothing: `pass`, `{}`, a ternary's `None`/`null`/`undefined`.
    Empty,
    /// One statement that leaves (`return x`, `raise`, `throw`, `continue`, `break`, `bail!`),
    /// possibly after logging.
    Exit,
    /// Only calls that log or print (`logger.warning(...)`, `warn!(...)`, `console.warn(...)`).
    Log,
    /// Anything else.
    Code,
}

/// A region the parser could not understand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    /// Nothing of the file was read (it was not parsed at all), rather than one region skipped.
    pub whole_file: bool,
}

impl SyntaxError {
    /// A region the parser skipped; the rest of the file was read.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        SyntaxError {
            span,
            message: message.into(),
            whole_file: false,
        }
    }

    /// An error that kept the whole file from being read.
    pub fn whole_file(span: Span, message: impl Into<String>) -> Self {
        SyntaxError {
            whole_file: true,
            ..SyntaxError::new(span, message)
        }
    }
}

/// Everything one file contributes to the index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileFacts {
    pub imports: Vec<Import>,
    pub string_consts: Vec<StringConst>,
    /// Every top-level name the file binds (functions, classes, variables, consts, enums...).
    pub module_names: Vec<String>,
    /// The members top-level containers declare, whatever their value, as `Container.member`:
    /// class attributes and methods (Python), enum members, object properties and class members
    /// (TS), enum variants, struct fields and `impl` items (Rust).
    pub member_names: Vec<String>,
    /// Plain string literals of the file whose value is one of [`ExtractOptions::keys`], with
    /// their spans (outside check calls' key arguments).
    ///
    /// [`ExtractOptions::keys`]: crate::lang::ExtractOptions::keys
    pub key_mentions: Vec<(String, Span)>,
    pub checks: Vec<CheckSite>,
    pub symbol_uses: Vec<SymbolUse>,
    /// Flag forks, in source order (a parent before its children).
    pub forks: Vec<Fork>,
    /// Fields describing the file's flag (YAML definitions: type, milestone, group...).
    pub metadata: Vec<(String, String)>,
    /// The state a check call sets, for specs with a `state` keyword (`override_flag(x,
    /// active=False)`): (index into `checks`, the boolean literal passed).
    pub check_states: Vec<(usize, bool)>,
    pub syntax_errors: Vec<SyntaxError>,
    /// A Django migration module (`<app>/migrations/NNNN_name.py` with a `Migration` class).
    pub migration: Option<MigrationFacts>,
    /// Waffle rows a production module creates outside migrations (a management command, a setup
    /// function): database flags defined in code.
    pub created_rows: Vec<FlagOp>,
    /// The Django app configurations of an `apps.py` module.
    pub app_configs: Vec<AppConfigFacts>,
    /// Definitions files: `flaglint: key=value ...` comments, as (the 1-based line they describe,
    /// fields).
    pub annotations: Vec<(u32, Vec<(String, String)>)>,
    /// The comments holding [`COMMENT_MARKER`], as the parser found them (`None`: the extractor
    /// keeps no comments, and a lexer looks for them).
    pub comments: Option<ParsedComments>,
}

/// The comments of a file that speak to flaglint, from its parse tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedComments {
    /// Byte ranges of the comments holding [`COMMENT_MARKER`], delimiters included, in source
    /// order.
    pub ranges: Vec<Range<usize>>,
    /// Where the file's first statement starts (`None`: it has none).
    pub first_statement: Option<usize>,
}

impl FileFacts {
    /// The facts of a file that was not read: only the error saying why.
    pub fn not_parsed(error: SyntaxError) -> Self {
        FileFacts {
            syntax_errors: vec![error],
            ..FileFacts::default()
        }
    }
}

/// The three models of django-waffle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WaffleKind {
    Flag,
    Switch,
    Sample,
}

impl WaffleKind {
    pub const ALL: [WaffleKind; 3] = [WaffleKind::Flag, WaffleKind::Switch, WaffleKind::Sample];

    pub fn name(self) -> &'static str {
        match self {
            WaffleKind::Flag => "flag",
            WaffleKind::Switch => "switch",
            WaffleKind::Sample => "sample",
        }
    }

    /// The name of several rows of the kind.
    pub fn plural(self) -> &'static str {
        match self {
            WaffleKind::Flag => "flags",
            WaffleKind::Switch => "switches",
            WaffleKind::Sample => "samples",
        }
    }

    /// The kind a check's `kind = "..."` names, when it is one of waffle's.
    pub fn from_name(name: &str) -> Option<WaffleKind> {
        WaffleKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// The waffle model class of the kind.
    pub fn model(self) -> &'static str {
        match self {
            WaffleKind::Flag => "Flag",
            WaffleKind::Switch => "Switch",
            WaffleKind::Sample => "Sample",
        }
    }
}

/// Whether an operation creates or deletes a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlagAction {
    Create,
    Delete,
}

/// When a flag operation runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// Applying the migration: the forward function of a `RunPython` (or a function it calls), or
    /// a custom operation listed in `operations`.
    Forward,
    /// Unapplying it: the reverse function of a `RunPython` (or a function it calls).
    Reverse,
    /// A function no `RunPython` of the file reaches.
    Unreferenced,
}

/// The reverse of a `RunPython`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reverse {
    /// No reverse: the migration cannot be unapplied.
    Missing,
    /// `RunPython.noop`, `lambda *a: None`, or a function of the file whose body does nothing.
    Noop,
    /// A function of the file, by name.
    Function(String),
    /// Something else (an imported function, a call): assumed to do the work.
    Other,
}

/// One `migrations.RunPython(code, reverse_code)` in `operations`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunPython {
    /// The whole `RunPython(...)` call.
    pub span: Span,
    /// The forward function's name, when it is a function of the file.
    pub forward: Option<String>,
    pub reverse: Reverse,
}

/// A creation or deletion of a waffle row, by the ORM or by a configured custom operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagOp {
    pub action: FlagAction,
    pub kind: WaffleKind,
    pub key: KeyExpr,
    /// The operation: `Flag.objects.create(...)`, `.filter(...).delete()`, `CreateFlag(...)`.
    pub span: Span,
    /// The key expression (for a loop: the list element).
    pub key_span: Span,
    pub direction: Direction,
    /// The `RunPython` (index into [`MigrationFacts::run_python`]) whose function runs the
    /// operation; `None` for custom operations in `operations` and unreferenced functions.
    pub run_python: Option<usize>,
    /// A deletion by `name__startswith="<literal>"`: the prefix of the names it deletes (its key
    /// is dynamic).
    pub prefix: Option<String>,
    /// Literal fields of a creation: keyword arguments and `defaults={...}` entries other than
    /// `name` (`everyone` = `True`/`False`/`None`, `percent` = `50`, `active` = `True`, ...), in
    /// source order, values as written.
    pub initial: Vec<(String, String)>,
}

/// What a Django migration module declares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MigrationFacts {
    /// The `class Migration(...)` name.
    pub class_span: Span,
    /// `dependencies`: literal `(app_label, migration_name)` pairs with the span of each pair.
    /// `swappable_dependency(...)` and other non-literal entries are left out.
    pub dependencies: Vec<(String, String, Span)>,
    /// `replaces` of a squashed migration: `(app_label, migration_name)` pairs.
    pub replaces: Vec<(String, String)>,
    /// `run_before`: migrations that depend on this one, as `(app_label, migration_name)` pairs.
    pub run_before: Vec<(String, String)>,
    /// `dependencies`, `replaces` or `run_before` hold something other than literal pairs (and
    /// `swappable_dependency(...)`): the migration's place in the graph is not fully known.
    pub unread_dependencies: bool,
    pub run_python: Vec<RunPython>,
    /// Flag operations in source order.
    pub flag_ops: Vec<FlagOp>,
}

/// A class of a Django `apps.py` module based on `AppConfig` (or another `...Config` class).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppConfigFacts {
    /// `name = "kitsune.messages"`: the app's module.
    pub name: Option<String>,
    /// `label = "kitsune_messages"`: the label migrations use (default: the last part of `name`).
    pub label: Option<String>,
    /// `label` or `name` is assigned something other than a string literal.
    pub unread: bool,
    /// `default = True` / `default = False`: whether Django picks this class for the app.
    pub default: Option<bool>,
}

/// Where a suppression applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SuppressionScope {
    /// Diagnostics starting on this line or the next (1-based).
    Line(u32),
    File,
}

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub scope: SuppressionScope,
    /// The rule ids as written (possibly unknown, possibly none).
    pub rules: Vec<String>,
    /// The `flaglint: ...` text.
    pub span: Span,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line and column by counting from the start of the source.
    fn naive_position(source: &str, offset: usize) -> (u32, u32) {
        let before = &source[..offset];
        let line = before.matches('\n').count() as u32 + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, source[line_start..offset].chars().count() as u32 + 1)
    }

    #[test]
    fn positions_and_offsets_agree_with_counting() {
        let line = "é😀a\u{2028}b".repeat(200);
        for source in [
            "".to_string(),
            "ascii only\nsecond line\n".to_string(),
            format!("{line}\nx\r\n{line}{line}\n\n{line}"),
        ] {
            let index = LineIndex::new(&source);
            for (offset, _) in source.char_indices().chain([(source.len(), ' ')]) {
                let (line, column) = index.position(offset);
                assert_eq!((line, column), naive_position(&source, offset), "{offset}");
                assert_eq!(index.offset(line as usize, column as usize - 1), offset);
            }
        }
    }

    #[test]
    fn offsets_are_clamped_to_the_line_and_the_source() {
        let source = "aé\nbc";
        let index = LineIndex::new(source);
        assert_eq!(index.offset(1, 10), 3);
        assert_eq!(index.offset(2, 10), source.len());
        assert_eq!(index.offset(3, 0), source.len());
        assert_eq!(index.offset(0, 1), 1);
        assert_eq!(index.position(2), (1, 2));
        assert_eq!(index.position(100), (2, 3));
        assert_eq!(index.span(5, 1).end, 5);
    }
}
