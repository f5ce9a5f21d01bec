//! Top-level functions, classes and components that the removal left unused: used in the file
//! before, not after. Deleted when nothing outside the file can use them (a Python `_name`, a
//! TypeScript declaration that is not exported, a private Rust `fn` of a file without child
//! modules in other files); listed otherwise.

use tree_sitter::Node;

use super::imports::uses;
use super::syntax::{attached_start, deletion_range, text, Dialect, Edit, Edits};

/// Most rounds: a helper used only by a dead helper dies in the next round.
const MAX_ROUNDS: usize = 4;

/// The text without the definitions the change left unused, and the names of those left in
/// place because other files may use them (with their offsets in the returned text).
pub fn remove(
    dialect: Dialect,
    original: &str,
    mut current: String,
) -> (String, Vec<(usize, String)>) {
    let Some(old) = dialect.parse(original) else {
        return (current, Vec::new());
    };
    let used_before = uses(&old, original);
    let mut listed = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let Some(tree) = dialect.parse(&current) else {
            break;
        };
        let used_after = uses(&tree, &current);
        // Child modules in other files (`mod x;`) may use a private item through `super::`.
        let has_child_modules = dialect.is_rust() && {
            let root = tree.root_node();
            let mut cursor = root.walk();
            let found = root
                .named_children(&mut cursor)
                .any(|n| n.kind() == "mod_item" && n.child_by_field_name("body").is_none());
            found
        };
        let mut edits = Edits::default();
        listed.clear();
        let root = tree.root_node();
        let mut cursor = root.walk();
        for item in root.named_children(&mut cursor) {
            let Some((name, private)) = definition(dialect, item, &current) else {
                continue;
            };
            let before = used_before.get(name).copied().unwrap_or(0);
            let after = used_after.get(name).copied().unwrap_or(0);
            // The definition's own name counts once.
            if before < 2 || after != 1 {
                continue;
            }
            if private && !has_child_modules {
                let start = attached_start(dialect, &current, item);
                edits.push(Edit::delete(deletion_range(
                    &current,
                    start..item.end_byte(),
                )));
            } else {
                listed.push((item.start_byte(), name.to_string()));
            }
        }
        if edits.is_empty() {
            break;
        }
        current = edits.apply(&current);
    }
    (current, listed)
}

/// A top-level definition's name, and whether only its file can use it.
fn definition<'s>(dialect: Dialect, item: Node<'_>, source: &'s str) -> Option<(&'s str, bool)> {
    match dialect {
        Dialect::Python => {
            let definition = match item.kind() {
                "decorated_definition" => item.child_by_field_name("definition")?,
                "function_definition" | "class_definition" => item,
                _ => return None,
            };
            let name = text(definition.child_by_field_name("name")?, source);
            Some((name, name.starts_with('_') && !name.starts_with("__")))
        }
        Dialect::TypeScript | Dialect::Tsx => {
            let exported = item.kind() == "export_statement";
            let declaration = if exported {
                item.child_by_field_name("declaration")?
            } else {
                item
            };
            let name = match declaration.kind() {
                "function_declaration" | "class_declaration" => {
                    declaration.child_by_field_name("name")?
                }
                "lexical_declaration" if declaration.named_child_count() == 1 => {
                    let declarator = declaration.named_child(0)?;
                    let value = declarator.child_by_field_name("value")?;
                    if !matches!(
                        value.kind(),
                        "arrow_function" | "function_expression" | "function"
                    ) {
                        return None;
                    }
                    declarator.child_by_field_name("name")?
                }
                _ => return None,
            };
            Some((text(name, source), !exported))
        }
        Dialect::Rust => {
            if item.kind() != "function_item" {
                return None;
            }
            let mut cursor = item.walk();
            let public = item
                .named_children(&mut cursor)
                .any(|c| c.kind() == "visibility_modifier");
            let name = text(item.child_by_field_name("name")?, source);
            Some((name, !public && name != "main"))
        }
    }
}

/// Locals the change left unread (`let repo = ctx.repo();` that only the removed branch used), by
/// their offset in `current` and name: listed, not deleted (their right side may do something).
pub fn unread_locals(dialect: Dialect, original: &str, current: &str) -> Vec<(usize, String)> {
    let (Some(old), Some(new)) = (dialect.parse(original), dialect.parse(current)) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (statement, name) in locals(dialect, new.root_node(), current) {
        if reads(dialect, statement, name, current) > 0 {
            continue;
        }
        // The same statement in the original, read there.
        let text = text(statement, current);
        let Some(at) = original.find(text) else {
            continue;
        };
        let Some(before) = old
            .root_node()
            .descendant_for_byte_range(at, at + text.len())
            .filter(|n| n.byte_range() == (at..at + text.len()))
        else {
            continue;
        };
        if reads(dialect, before, name, original) > 0 {
            found.push((statement.start_byte(), name.to_string()));
        }
    }
    found
}

/// The local bindings of a tree: statements binding one plain name.
fn locals<'t, 's>(dialect: Dialect, root: Node<'t>, source: &'s str) -> Vec<(Node<'t>, &'s str)> {
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        let name = match (dialect, node.kind()) {
            (Dialect::Rust, "let_declaration") => node.child_by_field_name("pattern"),
            (Dialect::TypeScript | Dialect::Tsx, "lexical_declaration")
                if node.named_child_count() == 1 =>
            {
                node.named_child(0)
                    .and_then(|d| d.child_by_field_name("name"))
            }
            (Dialect::Python, "expression_statement") => node
                .named_child(0)
                .filter(|a| a.kind() == "assignment")
                .and_then(|a| a.child_by_field_name("left")),
            _ => None,
        };
        if let Some(name) = name.filter(|n| n.kind() == "identifier") {
            // Module-level names may be used elsewhere.
            if node
                .parent()
                .is_some_and(|p| !matches!(p.kind(), "module" | "program" | "source_file"))
            {
                found.push((node, text(name, source)));
            }
        }
    }
    found
}

/// How often the function around `statement` reads `name` outside it.
fn reads(dialect: Dialect, statement: Node<'_>, name: &str, source: &str) -> usize {
    let scope = super::usages::scope_of(dialect, statement);
    let mut count = 0;
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        if node.start_byte() >= statement.start_byte() && node.end_byte() <= statement.end_byte() {
            continue;
        }
        if matches!(node.kind(), "identifier" | "shorthand_property_identifier")
            && text(node, source) == name
        {
            if matches!(
                super::usages::use_of(dialect, node),
                super::usages::Use::Read
            ) {
                count += 1;
            }
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    count
}
