//! Imports that the removal left unused: a name used before the edits and nowhere after them is
//! dropped from its import (the whole statement when nothing is left of it). Imports that were
//! already unused stay: they are not the removal's business.

use std::collections::HashMap;

use tree_sitter::{Node, Tree};

use super::syntax::{deletion_range, list_item_deletion, text, Dialect, Edit, Edits};

/// The edits that drop the imports the change left unused, on the edited text.
pub fn unused(dialect: Dialect, before: &str, after: &str) -> Option<Edits> {
    let old = dialect.parse(before)?;
    let new = dialect.parse(after)?;
    let used_before = uses(&old, before);
    let used_after = uses(&new, after);
    let mut edits = Edits::default();
    for statement in statements(&new) {
        let bindings = bindings(dialect, statement, after);
        if bindings.is_empty() {
            continue;
        }
        let dropped: Vec<&(String, Node)> = bindings
            .iter()
            .filter(|(name, _)| {
                used_before.get(name.as_str()).copied().unwrap_or(0) > 0
                    && used_after.get(name.as_str()).copied().unwrap_or(0) == 0
            })
            .collect();
        if dropped.is_empty() {
            continue;
        }
        if dropped.len() == bindings.len() {
            edits.push(Edit::delete(deletion_range(after, statement.byte_range())));
            continue;
        }
        // A Rust list left with one name loses its braces: `use a::{B, C}` -> `use a::B`.
        if let Some(list) = dropped[0].1.parent().filter(|p| p.kind() == "use_list") {
            let mut cursor = list.walk();
            let remaining: Vec<Node> = list
                .named_children(&mut cursor)
                .filter(|item| !dropped.iter().any(|(_, d)| d.id() == item.id()))
                .collect();
            let all_here = dropped
                .iter()
                .all(|(_, d)| d.parent().map(|p| p.id()) == Some(list.id()));
            if all_here && remaining.len() == 1 && !remaining[0].kind().contains("comment") {
                edits.push(Edit::new(list.byte_range(), text(remaining[0], after)));
                continue;
            }
        }
        for (_, node) in dropped {
            edits.push(Edit::delete(list_item_deletion(after, *node)));
        }
    }
    Some(edits)
}

/// The import statements of a tree, at any depth.
fn statements(tree: &Tree) -> Vec<Node<'_>> {
    let mut found = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if is_import(node.kind()) {
            found.push(node);
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found
}

fn is_import(kind: &str) -> bool {
    matches!(
        kind,
        "import_statement" | "import_from_statement" | "use_declaration"
    )
}

/// How often each name is used outside imports.
pub(super) fn uses<'s>(tree: &Tree, source: &'s str) -> HashMap<&'s str, usize> {
    let mut counts = HashMap::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if is_import(node.kind()) {
            continue;
        }
        if matches!(
            node.kind(),
            "identifier" | "type_identifier" | "shorthand_property_identifier"
        ) {
            *counts.entry(text(node, source)).or_default() += 1;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    counts
}

/// The names an import statement binds, each with the node to delete to drop it alone.
fn bindings<'t>(dialect: Dialect, statement: Node<'t>, source: &str) -> Vec<(String, Node<'t>)> {
    let mut out = Vec::new();
    match dialect {
        Dialect::Python => {
            let mut cursor = statement.walk();
            for name in statement.children_by_field_name("name", &mut cursor) {
                let local = match name.kind() {
                    "aliased_import" => name.child_by_field_name("alias").map(|a| text(a, source)),
                    _ if statement.kind() == "import_statement" => {
                        text(name, source).split('.').next()
                    }
                    _ => Some(text(name, source)),
                };
                if let Some(local) = local {
                    out.push((local.trim().to_string(), name));
                }
            }
        }
        Dialect::TypeScript | Dialect::Tsx => {
            let Some(clause) = statement
                .named_children(&mut statement.walk())
                .find(|n| n.kind() == "import_clause")
            else {
                return out;
            };
            for part in clause.named_children(&mut clause.walk()) {
                match part.kind() {
                    "identifier" => out.push((text(part, source).to_string(), part)),
                    "namespace_import" => {
                        if let Some(name) = part.named_child(0) {
                            out.push((text(name, source).to_string(), part));
                        }
                    }
                    "named_imports" => {
                        for spec in part.named_children(&mut part.walk()) {
                            let local = spec
                                .child_by_field_name("alias")
                                .or_else(|| spec.child_by_field_name("name"));
                            if let Some(local) = local {
                                out.push((text(local, source).to_string(), spec));
                            }
                        }
                    }
                    _ => {}
                }
            }
            // A default import beside named ones is kept: a list deletion cannot drop it alone.
            if out.len() > 1 {
                for (name, node) in &mut out {
                    if node.kind() == "identifier" {
                        name.clear();
                    }
                }
            }
        }
        Dialect::Rust => {
            let Some(argument) = statement.child_by_field_name("argument") else {
                return out;
            };
            rust_bindings(argument, source, &mut out);
        }
    }
    out
}

/// The names of a `use` tree: `a::B`, `a::B as C`, `a::{B, c::D}`.
fn rust_bindings<'t>(node: Node<'t>, source: &str, out: &mut Vec<(String, Node<'t>)>) {
    match node.kind() {
        "identifier" => out.push((text(node, source).to_string(), node)),
        "scoped_identifier" => {
            if let Some(name) = node.child_by_field_name("name") {
                out.push((text(name, source).to_string(), node));
            }
        }
        "use_as_clause" => {
            if let Some(alias) = node.child_by_field_name("alias") {
                out.push((text(alias, source).to_string(), node));
            }
        }
        "scoped_use_list" => {
            if let Some(list) = node.child_by_field_name("list") {
                let mut inner = Vec::new();
                for item in list.named_children(&mut list.walk()) {
                    if matches!(
                        item.kind(),
                        "identifier" | "scoped_identifier" | "use_as_clause"
                    ) {
                        rust_bindings(item, source, &mut inner);
                    } else {
                        // `self`, globs, nested lists: the statement is not only names.
                        inner.push((String::new(), item));
                    }
                }
                out.extend(inner);
            }
        }
        _ => out.push((String::new(), node)),
    }
}

/// The edit dropping the import of `name`, when nothing else in the file uses it; `Err` when the
/// file still uses it.
pub fn drop_binding(dialect: Dialect, source: &str, name: &str) -> Result<Option<Edit>, ()> {
    let Some(tree) = dialect.parse(source) else {
        return Ok(None);
    };
    if uses(&tree, source).get(name).copied().unwrap_or(0) > 0 {
        return Err(());
    }
    for statement in statements(&tree) {
        let bindings = bindings(dialect, statement, source);
        let Some((_, node)) = bindings.iter().find(|(local, _)| local == name) else {
            continue;
        };
        return Ok(Some(if bindings.len() == 1 {
            Edit::delete(deletion_range(source, statement.byte_range()))
        } else {
            Edit::delete(list_item_deletion(source, *node))
        }));
    }
    Ok(None)
}
