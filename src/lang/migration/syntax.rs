//! Helpers on Python syntax nodes that the migration reader uses.

use tree_sitter::Node;

use super::MAX_CHAIN;
use crate::lang::python::{string_value, unwrap_parens};
use crate::lang::ts_util::{field_pair, named_children, text};

/// The definition a decorated definition decorates (any other node as is).
pub(super) fn definition_of(node: Node) -> Node {
    if node.kind() == "decorated_definition" {
        node.child_by_field_name("definition").unwrap_or(node)
    } else {
        node
    }
}

/// The classes at the top level of a module (also decorated ones), in source order.
pub(super) fn top_level_classes(root: Node) -> impl Iterator<Item = Node> {
    named_children(root)
        .into_iter()
        .map(definition_of)
        .filter(|node| node.kind() == "class_definition")
}

/// Whether a class has a base whose last dotted segment passes `test`.
pub(super) fn has_base(class: Node, source: &str, test: impl Fn(&str) -> bool) -> bool {
    class
        .child_by_field_name("superclasses")
        .is_some_and(|bases| {
            named_children(bases)
                .into_iter()
                .any(|base| last_segment(base, source).is_some_and(&test))
        })
}

/// The `name = value` statements of a class body, in source order.
pub(super) fn class_assignments(class: Node) -> impl Iterator<Item = (Node, Node)> {
    let body = class.child_by_field_name("body");
    body.map(named_children)
        .unwrap_or_default()
        .into_iter()
        .filter_map(statement_assignment)
}

/// `target = value` as a statement, with an identifier target.
pub(super) fn statement_assignment(statement: Node) -> Option<(Node, Node)> {
    let assignment = statement
        .named_child(0)
        .filter(|_| statement.kind() == "expression_statement")
        .filter(|a| a.kind() == "assignment")?;
    let target = assignment
        .child_by_field_name("left")
        .filter(|t| t.kind() == "identifier")?;
    Some((target, assignment.child_by_field_name("right")?))
}

/// The last segment of a name or dotted name: `Migration` of `migrations.Migration`.
pub(super) fn last_segment<'a>(node: Node, source: &'a str) -> Option<&'a str> {
    let node = unwrap_parens(node);
    match node.kind() {
        "identifier" => Some(text(source, node)),
        "attribute" => node
            .child_by_field_name("attribute")
            .map(|a| text(source, a)),
        _ => None,
    }
}

/// The last segment of a call's callee: `RunPython` of `migrations.RunPython(...)`.
pub(super) fn callee_name<'a>(call: Node, source: &'a str) -> Option<&'a str> {
    last_segment(call.child_by_field_name("function")?, source)
}

/// One step of an attribute/call chain.
#[derive(Clone, Copy)]
pub(super) enum Link<'a> {
    /// `.name`
    Attribute(&'a str),
    /// `.name(arguments)`
    Method(&'a str, Node<'a>),
    /// `(arguments)` applied to what precedes.
    Call(Node<'a>),
}

/// Splits `a.b(c).d` into its base `a` and links `[.b(c), .d]`, innermost first; `None` when
/// the chain is longer than [`MAX_CHAIN`].
pub(super) fn chain<'a>(node: Node<'a>, source: &'a str) -> Option<(Node<'a>, Vec<Link<'a>>)> {
    let mut links = Vec::new();
    let mut current = unwrap_parens(node);
    while links.len() <= MAX_CHAIN {
        match current.kind() {
            "call" => {
                let function = unwrap_parens(current.child_by_field_name("function")?);
                let arguments = current.child_by_field_name("arguments")?;
                if function.kind() == "attribute" {
                    let method = text(source, function.child_by_field_name("attribute")?);
                    links.push(Link::Method(method, arguments));
                    current = unwrap_parens(function.child_by_field_name("object")?);
                } else {
                    links.push(Link::Call(arguments));
                    current = function;
                }
            }
            "attribute" => {
                let name = text(source, current.child_by_field_name("attribute")?);
                links.push(Link::Attribute(name));
                current = unwrap_parens(current.child_by_field_name("object")?);
            }
            _ => {
                links.reverse();
                return Some((current, links));
            }
        }
    }
    None
}

/// The arguments of a call (a lone generator argument is its only, positional, argument).
pub(super) fn argument_nodes(arguments: Node) -> Vec<Node> {
    if arguments.kind() == "argument_list" {
        named_children(arguments)
    } else {
        vec![arguments]
    }
}

/// The argument passed as `keyword`, or else the one at a position among positional
/// arguments (unknown after an unpacked `*args`).
pub(super) fn argument<'a>(
    arguments: Node<'a>,
    source: &str,
    position: Option<usize>,
    keyword: &str,
) -> Option<Node<'a>> {
    let all = argument_nodes(arguments);
    let by_keyword = all.iter().find_map(|a| {
        let (name, value) = field_pair(*a, "name", "value")?;
        (a.kind() == "keyword_argument" && text(source, name) == keyword).then_some(value)
    });
    if by_keyword.is_some() {
        return by_keyword;
    }
    let position = position?;
    all.into_iter()
        .filter(|a| a.kind() != "keyword_argument")
        .take_while(|a| !matches!(a.kind(), "list_splat" | "dictionary_splat"))
        .nth(position)
}

/// The names of a function's or lambda's parameters.
pub(super) fn parameter_names<'a>(parameters: Node, source: &'a str) -> Vec<&'a str> {
    named_children(parameters)
        .into_iter()
        .filter_map(|parameter| {
            let mut name = match parameter.kind() {
                "default_parameter" | "typed_default_parameter" => {
                    parameter.child_by_field_name("name")?
                }
                _ => parameter,
            };
            // `x: int`, `*args`, `*args: int`, `**kwargs`.
            for _ in 0..2 {
                if name.kind() != "identifier" {
                    name = name.named_child(0)?;
                }
            }
            (name.kind() == "identifier").then(|| text(source, name))
        })
        .collect()
}

/// The value of a plain string literal (or implicit concatenation of them).
pub(super) fn plain_string(node: Node, source: &str) -> Option<String> {
    let node = unwrap_parens(node);
    match node.kind() {
        "string" | "concatenated_string" => string_value(node, source).ok(),
        _ => None,
    }
}
