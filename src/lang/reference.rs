//! Reference parsers: the judges of syntax errors in Python and TypeScript/JavaScript files.
//!
//! The extractors read tree-sitter trees, which recover from syntax errors; but the grammars also
//! reject some valid code (newer syntax, contextual keywords used as names, `&` in JSX text,
//! type arguments on tagged templates...). So a file whose tree holds an error is parsed again by
//! a parser that follows the language's specification closely: oxc for TypeScript and
//! JavaScript, ruff's parser for Python. Its errors are the ones reported, and none when it
//! accepts the file. The facts are still read from the tree-sitter tree.

use oxc_allocator::Allocator;
use oxc_parser::{ParseOptions, Parser};
use oxc_span::SourceType;
use ruff_python_parser::Mode;
use tree_sitter::Node;

use super::{on_deep_stack, MAX_SYNTAX_ERRORS};
use crate::facts::{LineIndex, SyntaxError};

/// Deepest input oxc, which recurses once per nesting level, is run on; deeper files keep
/// tree-sitter's errors. The depth is measured on the tree-sitter tree (see [`depth_bound`]);
/// oxc's recursion for this many levels fits in [`super::DEEP_STACK_BYTES`] even in a debug
/// build.
pub const MAX_OXC_DEPTH: usize = 2_000;

/// The syntax errors of a TypeScript (`tsx = false`) or TSX/JavaScript (`tsx = true`) file, by
/// oxc; `None` when oxc is not run on it (see [`MAX_OXC_DEPTH`]). `root` is its tree-sitter tree.
///
/// JavaScript is read as TSX, as TypeScript's own parser reads it: type annotations in a `.js`
/// file are not parse errors there. A file without `import`/`export` is a script, so sloppy-mode
/// code (`with`, legacy octal) is not an error, and `return` at the top level (CommonJS) is
/// accepted.
pub fn typescript_errors(
    source: &str,
    tsx: bool,
    root: Node,
    lines: &LineIndex,
) -> Option<Vec<SyntaxError>> {
    if depth_bound(root, MAX_OXC_DEPTH) > MAX_OXC_DEPTH {
        return None;
    }
    let source_type = if tsx {
        SourceType::tsx()
    } else {
        SourceType::ts()
    }
    .with_unambiguous(true);
    let options = ParseOptions {
        allow_return_outside_function: true,
        ..ParseOptions::default()
    };
    on_deep_stack(|| {
        let allocator = Allocator::default();
        let parsed = Parser::new(&allocator, source, source_type)
            .with_options(options)
            .parse();
        parsed
            .diagnostics
            .errors()
            .take(MAX_SYNTAX_ERRORS)
            .map(|error| {
                let (start, end) = error.labels.first().map_or((0, 0), |label| {
                    let start = label.offset() as usize;
                    (start, start + label.len() as usize)
                });
                SyntaxError::new(lines.span(start, end), error.message.to_string())
            })
            .collect()
    })
}

/// An upper bound of the nesting a recursive parser meets in the file of tree `root`, or a number
/// over `limit`: the depth of the tree plus the nodes inside ERROR nodes (which tree-sitter may
/// keep flat where a recursive parser nests). Iterative; stops once over `limit`.
fn depth_bound(root: Node, limit: usize) -> usize {
    let mut cursor = root.walk();
    let mut depth = 0;
    let mut flat = 0;
    let mut deepest = 0;
    loop {
        let node = cursor.node();
        if node.is_error() {
            flat += node.descendant_count();
        } else if cursor.goto_first_child() {
            depth += 1;
            deepest = deepest.max(depth);
            if deepest + flat > limit {
                break;
            }
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return deepest + flat;
            }
            depth -= 1;
        }
        if deepest + flat > limit {
            break;
        }
    }
    deepest + flat
}

/// The syntax errors of a Python file, by ruff's parser (which grows its stack on deep input).
/// Errors that depend on the target Python version are not reported: every version's syntax is
/// accepted.
pub fn python_errors(source: &str, lines: &LineIndex) -> Vec<SyntaxError> {
    let parsed = ruff_python_parser::parse_unchecked(source, Mode::Module.into());
    parsed
        .errors()
        .iter()
        .take(MAX_SYNTAX_ERRORS)
        .map(|error| {
            SyntaxError::new(
                lines.span(
                    error.location.start().to_usize(),
                    error.location.end().to_usize(),
                ),
                error.error.to_string(),
            )
        })
        .collect()
}
