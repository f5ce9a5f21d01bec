//! The comments of a tree-sitter parse tree that speak to flaglint.

use tree_sitter::Node;

use crate::facts::{ParsedComments, COMMENT_MARKER};

/// The comments of a parsed file that hold [`COMMENT_MARKER`], in source order, and where its
/// first statement starts; `None` for a tree with syntax errors, whose comments may be misplaced.
/// Only the nodes around a marker are visited.
pub(crate) fn collect(root: Node<'_>, source: &str) -> Option<ParsedComments> {
    if root.has_error() {
        return None;
    }
    Some(collect_even_with_errors(root, source))
}

/// [`collect`] for a tree with syntax errors too: single-file components, whose markup glue may
/// not parse while their scripts do.
pub(crate) fn collect_even_with_errors(root: Node<'_>, source: &str) -> ParsedComments {
    let mut cursor = root.walk();
    let first_statement = root
        .named_children(&mut cursor)
        .find(|node| !matches!(node.kind(), "comment" | "hash_bang_line"))
        .map(|node| node.start_byte());
    let markers: Vec<usize> = source
        .match_indices(COMMENT_MARKER)
        .map(|(at, _)| at)
        .collect();
    let holds_marker = |node: &Node<'_>| {
        let range = node.byte_range();
        let first = markers.partition_point(|&at| at < range.start);
        markers.get(first).is_some_and(|&at| at < range.end)
    };
    let mut ranges = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if !holds_marker(&node) {
            continue;
        }
        if node.kind() == "comment" {
            ranges.push(node.byte_range());
            continue;
        }
        // Reversed, so that children are taken in source order.
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    ParsedComments {
        ranges,
        first_statement,
    }
}
