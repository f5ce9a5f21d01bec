//! What the rewriter needs of a language: a tree-sitter parse, its boolean literals, and text
//! edits that keep untouched bytes as they are.

use std::ops::Range;

use tree_sitter::{Node, Parser, Tree};

use crate::lang::Language;

/// The grammars the rewriter edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Python,
    TypeScript,
    /// TSX, JSX and plain JavaScript.
    Tsx,
    Rust,
}

impl Dialect {
    /// The grammar of a file, from its language and extension; `None` for files the rewriter does
    /// not edit (templates, YAML, single-file components).
    pub fn of(language: Language, rel: &str) -> Option<Dialect> {
        let ext = rel.rsplit_once('.').map_or("", |(_, ext)| ext);
        match language {
            Language::Python => Some(Dialect::Python),
            Language::Rust => Some(Dialect::Rust),
            Language::TypeScript | Language::JavaScript => match ext {
                "ts" | "mts" | "cts" => Some(Dialect::TypeScript),
                "tsx" | "js" | "jsx" | "mjs" | "cjs" => Some(Dialect::Tsx),
                _ => None,
            },
            Language::Template | Language::Yaml | Language::Json => None,
        }
    }

    pub fn parse(self, source: &str) -> Option<Tree> {
        let language: tree_sitter::Language = match self {
            Dialect::Python => tree_sitter_python::LANGUAGE.into(),
            Dialect::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Dialect::Rust => tree_sitter_rust::LANGUAGE.into(),
        };
        let mut parser = Parser::new();
        parser.set_language(&language).ok()?;
        parser.parse(source, None)
    }

    pub fn is_python(self) -> bool {
        self == Dialect::Python
    }

    pub fn is_rust(self) -> bool {
        self == Dialect::Rust
    }

    /// The boolean literal.
    pub fn literal(self, value: bool) -> &'static str {
        match (self, value) {
            (Dialect::Python, true) => "True",
            (Dialect::Python, false) => "False",
            (_, true) => "true",
            (_, false) => "false",
        }
    }

    /// What stands for the flag's value while the code is folded: an identifier no code uses, so
    /// that only the removal's own values fold (`x or False` written by hand stays).
    pub fn sentinel(self, value: bool) -> &'static str {
        if value {
            SENTINEL_ON
        } else {
            SENTINEL_OFF
        }
    }

    /// The value a node stands for when it is a [`Dialect::sentinel`], seen through parentheses.
    pub fn ours(self, node: Node<'_>, source: &str) -> Option<bool> {
        let node = unparenthesize(node);
        if node.kind() != "identifier" {
            return None;
        }
        match text(node, source) {
            SENTINEL_ON => Some(true),
            SENTINEL_OFF => Some(false),
            _ => None,
        }
    }

    /// The value of a boolean literal node (or a sentinel), seen through parentheses.
    pub fn literal_value(self, node: Node<'_>, source: &str) -> Option<bool> {
        let node = unparenthesize(node);
        match (self, node.kind()) {
            (_, "identifier") => self.ours(node, source),
            (Dialect::Rust, "boolean_literal") => match text(node, source) {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            (Dialect::Rust, _) => None,
            (_, "true") => Some(true),
            (_, "false") => Some(false),
            _ => None,
        }
    }

    /// The node kind of an `if`.
    pub fn if_kind(self) -> &'static str {
        if self.is_rust() {
            "if_expression"
        } else {
            "if_statement"
        }
    }

    /// Node kinds that open a function scope.
    pub fn is_function(self, kind: &str) -> bool {
        match self {
            Dialect::Python => matches!(kind, "function_definition" | "lambda"),
            Dialect::Rust => matches!(kind, "function_item" | "closure_expression"),
            _ => matches!(
                kind,
                "function_declaration"
                    | "function_expression"
                    | "function"
                    | "arrow_function"
                    | "method_definition"
                    | "generator_function_declaration"
            ),
        }
    }

    /// Kinds of comment nodes.
    pub fn is_comment(self, kind: &str) -> bool {
        matches!(kind, "comment" | "line_comment" | "block_comment")
    }
}

const SENTINEL_ON: &str = "__flaglint_on__";
const SENTINEL_OFF: &str = "__flaglint_off__";

/// The sentinels left after folding, replaced by the language's literals.
pub fn finish(dialect: Dialect, source: &str, mapping: &mut Mapping) -> String {
    let mut edits = Edits::default();
    for (sentinel, value) in [(SENTINEL_ON, true), (SENTINEL_OFF, false)] {
        for (at, _) in source.match_indices(sentinel) {
            edits.push(Edit::new(at..at + sentinel.len(), dialect.literal(value)));
        }
    }
    if edits.is_empty() {
        return source.to_string();
    }
    edits.apply_recorded(source, mapping)
}

/// The node inside any number of parentheses.
pub fn unparenthesize(mut node: Node<'_>) -> Node<'_> {
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) if node.named_child_count() == 1 => node = inner,
            _ => break,
        }
    }
    node
}

pub fn text<'s>(node: Node<'_>, source: &'s str) -> &'s str {
    &source[node.byte_range()]
}

/// One replacement of a byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

impl Edit {
    pub fn new(range: Range<usize>, text: impl Into<String>) -> Edit {
        Edit {
            range,
            text: text.into(),
        }
    }

    pub fn delete(range: Range<usize>) -> Edit {
        Edit::new(range, "")
    }
}

/// A set of edits of one text; those overlapping an earlier one are dropped (a later pass sees
/// them again on the edited text).
#[derive(Debug, Default)]
pub struct Edits {
    edits: Vec<Edit>,
}

impl Edits {
    /// Adds an edit unless it overlaps one already taken; says whether it was taken.
    pub fn push(&mut self, edit: Edit) -> bool {
        let overlaps = self.edits.iter().any(|e| {
            e.range.start < edit.range.end && edit.range.start < e.range.end
                || (e.range.is_empty() || edit.range.is_empty())
                    && e.range.start == edit.range.start
        });
        if overlaps {
            return false;
        }
        self.edits.push(edit);
        true
    }

    /// Whether a range is free of edits.
    pub fn free(&self, range: &Range<usize>) -> bool {
        !self
            .edits
            .iter()
            .any(|e| e.range.start < range.end && range.start < e.range.end)
    }

    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// The text with every edit applied, the edits recorded in `mapping`.
    pub fn apply_recorded(self, source: &str, mapping: &mut Mapping) -> String {
        let mut pass: Vec<(Range<usize>, usize)> = self
            .edits
            .iter()
            .map(|e| (e.range.clone(), e.text.len()))
            .collect();
        pass.sort_by_key(|(range, _)| range.start);
        mapping.passes.push(pass);
        self.apply(source)
    }

    /// The text with every edit applied.
    pub fn apply(mut self, source: &str) -> String {
        self.edits.sort_by_key(|e| (e.range.start, e.range.end));
        let mut out = String::with_capacity(source.len());
        let mut at = 0;
        for edit in &self.edits {
            out.push_str(&source[at..edit.range.start]);
            out.push_str(&edit.text);
            at = edit.range.end;
        }
        out.push_str(&source[at..]);
        out
    }
}

/// Where offsets of a text moved to after passes of edits.
#[derive(Debug, Default)]
pub struct Mapping {
    /// Per pass, in order: each edit's range and the length of its new text, by start.
    passes: Vec<Vec<(Range<usize>, usize)>>,
}

impl Mapping {
    /// Where the range of the original text is now; `None` when an edit touched it.
    pub fn map(&self, range: Range<usize>) -> Option<Range<usize>> {
        let mut range = range;
        for pass in &self.passes {
            let mut shift: isize = 0;
            for (edited, len) in pass {
                if edited.end <= range.start && !(edited.is_empty() && edited.start == range.start)
                {
                    shift += *len as isize - edited.len() as isize;
                } else if edited.start >= range.end {
                    break;
                } else {
                    return None;
                }
            }
            range = (range.start as isize + shift) as usize..(range.end as isize + shift) as usize;
        }
        Some(range)
    }
}

/// The start of the line holding `at`.
pub fn line_start(source: &str, at: usize) -> usize {
    source[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding `at`, after its newline.
pub fn line_end(source: &str, at: usize) -> usize {
    source[at..].find('\n').map_or(source.len(), |i| at + i + 1)
}

/// The indentation of the line holding `at`.
pub fn indentation(source: &str, at: usize) -> &str {
    let start = line_start(source, at);
    let line = &source[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// The range to delete to remove a node: its whole lines when nothing else shares them (a
/// trailing comment goes with it), else the node alone.
pub fn deletion_range(source: &str, range: Range<usize>) -> Range<usize> {
    let start = line_start(source, range.start);
    let before = &source[start..range.start];
    let end = line_end(source, range.end);
    let after = source[range.end..end].trim();
    let alone_after = after.is_empty() || after.starts_with('#') || after.starts_with("//");
    if before.trim().is_empty() && alone_after {
        // Between a blank line (or the start of the file) and a blank line: one blank goes too.
        let blank_before = start == 0
            || source[..start - 1].rsplit('\n').next().is_some_and(|l| {
                // (Or after a line opening a block: `class X:`, `{`.)
                let l = l.trim();
                l.is_empty() || l.ends_with(':') || l.ends_with('{')
            });
        let next_end = line_end(source, end.min(source.len()));
        let blank_after = end < source.len() && source[end..next_end].trim().is_empty();
        if blank_before && blank_after {
            start..next_end
        } else {
            start..end
        }
    } else {
        range
    }
}

/// The lines of `body`, moved from the indentation `from` to `to`; the first line is returned
/// without indentation (it goes where the replaced node started).
pub fn reindent(body: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for (i, line) in body.split_inclusive('\n').enumerate() {
        if i == 0 {
            out.push_str(line.trim_start_matches([' ', '\t']));
        } else if let Some(rest) = line.strip_prefix(from) {
            out.push_str(to);
            out.push_str(rest);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Removes a node from a comma-separated list: with the comma after it, or before it when last.
pub fn list_item_deletion(source: &str, node: Node<'_>) -> Range<usize> {
    let mut end = node.end_byte();
    let mut next = node.next_sibling();
    while let Some(n) = next.filter(|n| n.kind() == "comment" || n.kind() == "line_comment") {
        if source[end..n.start_byte()].contains('\n') {
            break;
        }
        end = n.end_byte();
        next = n.next_sibling();
    }
    if let Some(comma) = node.next_sibling().filter(|n| n.kind() == ",") {
        let after = comma.end_byte();
        let following = comma.next_sibling();
        // Up to the next item (same line) or the end of the comma's line.
        let stop = match following {
            Some(f) if !source[after..f.start_byte()].contains('\n') => f.start_byte(),
            _ => after,
        };
        let mut range = deletion_range(source, node.start_byte()..stop.max(end));
        // `a, b,\n` -> `a,\n`: the space before the item goes too.
        let rest_of_line = &source[range.end..line_end(source, range.end)];
        if rest_of_line.trim().is_empty() && range.start > line_start(source, range.start) {
            let before = &source[..range.start];
            let trimmed = before.trim_end_matches([' ', '\t']);
            if trimmed.ends_with(',') {
                range.start = trimmed.len();
            }
        }
        return range;
    }
    if let Some(comma) = node.prev_sibling().filter(|n| n.kind() == ",") {
        return comma.start_byte()..end;
    }
    deletion_range(source, node.start_byte()..end)
}

/// The comments and Rust attributes directly above a node (no blank line between), as the start
/// of the first; the node's own start when there are none.
pub fn attached_start(dialect: Dialect, source: &str, node: Node<'_>) -> usize {
    let mut start = node.start_byte();
    let mut prev = node.prev_sibling();
    while let Some(p) = prev {
        let attached = dialect.is_comment(p.kind()) || p.kind() == "attribute_item";
        let gap = &source[p.end_byte()..start];
        if !attached || gap.matches('\n').count() > 1 || !gap.trim().is_empty() {
            break;
        }
        // A comment at the end of the previous item's line belongs to that item.
        if !source[line_start(source, p.start_byte())..p.start_byte()]
            .trim()
            .is_empty()
        {
            break;
        }
        start = p.start_byte();
        prev = p.prev_sibling();
    }
    start
}

/// The innermost named node covering a byte range exactly, else the smallest one around it.
pub fn node_at(tree: &Tree, range: Range<usize>) -> Option<Node<'_>> {
    let root = tree.root_node();
    let mut node = root.named_descendant_for_byte_range(range.start, range.end)?;
    // Climb while the parent has the same range (`expression_statement` around a call, say):
    // the smallest node is the one meant.
    while node.byte_range() != range {
        match node.parent() {
            Some(parent)
                if parent.start_byte() <= range.start && parent.end_byte() >= range.end =>
            {
                if node.start_byte() <= range.start && node.end_byte() >= range.end {
                    break;
                }
                node = parent;
            }
            _ => break,
        }
    }
    Some(node)
}

/// Whether a text has a syntax error, as the checks judge it: ruff's parser for Python, oxc for
/// TypeScript (tree-sitter where oxc is not run), tree-sitter for Rust.
pub fn has_error(dialect: Dialect, source: &str) -> bool {
    let Some(tree) = dialect.parse(source) else {
        return true;
    };
    let lines = crate::facts::LineIndex::new(source);
    match dialect {
        Dialect::Python => !crate::lang::reference::python_errors(source, &lines).is_empty(),
        Dialect::TypeScript | Dialect::Tsx => crate::lang::reference::typescript_errors(
            source,
            dialect == Dialect::Tsx,
            tree.root_node(),
            &lines,
        )
        .map_or_else(|| tree.root_node().has_error(), |errors| !errors.is_empty()),
        Dialect::Rust => tree.root_node().has_error(),
    }
}

/// Blank lines the edits piled up: runs longer than the longest run of the original are cut to
/// it, and the text starts with a blank line only if the original did.
pub fn tidy_blank_lines(original: &str, edited: &str) -> String {
    let longest = |text: &str| {
        let (mut run, mut most) = (0, 0);
        for line in text.lines() {
            run = if line.trim().is_empty() { run + 1 } else { 0 };
            most = most.max(run);
        }
        most
    };
    let allowed = longest(original);
    let mut out = String::with_capacity(edited.len());
    let mut run = 0;
    let mut at_start = !original.lines().next().is_some_and(|l| l.trim().is_empty());
    for line in edited.split_inclusive('\n') {
        if line.trim().is_empty() {
            run += 1;
            if at_start || run > allowed {
                continue;
            }
        } else {
            run = 0;
            at_start = false;
        }
        out.push_str(line);
    }
    out
}
