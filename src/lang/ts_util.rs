//! Helpers on tree-sitter nodes shared by the tree-sitter front-ends.

use tree_sitter::Node;

use crate::facts::{LineIndex, Span};

/// The source text of a node (empty if its range is not in the source).
pub(crate) fn text<'s>(source: &'s str, node: Node) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

/// The span of a node.
pub(crate) fn span(lines: &LineIndex, node: Node) -> Span {
    lines.span(node.start_byte(), node.end_byte())
}

/// The named children of a node, without comments.
pub(crate) fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|child| child.kind() != "comment")
        .collect()
}

/// The children of a node in two fields, when it has both.
pub(crate) fn field_pair<'t>(
    node: Node<'t>,
    first: &str,
    second: &str,
) -> Option<(Node<'t>, Node<'t>)> {
    node.child_by_field_name(first)
        .zip(node.child_by_field_name(second))
}
