//! Step 2's edits: a flag's definitions deleted (with the comments and attributes above them),
//! Rust `match` arms of a deleted variant dropped, the constant inlined in migrations, and the
//! Django migration that deletes the row.

use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::syntax::{
    attached_start, deletion_range, line_end, line_start, list_item_deletion, node_at, text,
    Dialect, Edit,
};

/// Node kinds that are one definition, by language.
fn is_unit(dialect: Dialect, node: Node<'_>) -> bool {
    let kind = node.kind();
    let parent = node.parent().map_or("", |p| p.kind());
    match dialect {
        Dialect::Python => {
            matches!(
                kind,
                "expression_statement" | "pair" | "decorated_definition"
            ) || kind == "function_definition" && parent != "decorated_definition"
                || matches!(parent, "list" | "tuple" | "set")
        }
        Dialect::Rust => matches!(
            kind,
            "enum_variant" | "field_declaration" | "const_item" | "static_item" | "function_item"
        ),
        Dialect::TypeScript | Dialect::Tsx => {
            matches!(
                kind,
                "pair"
                    | "property_signature"
                    | "enum_assignment"
                    | "public_field_definition"
                    | "function_declaration"
            ) || kind == "lexical_declaration" && parent != "export_statement"
                || kind == "export_statement"
                || kind == "literal_type" && parent == "union_type"
                || matches!(parent, "array" | "enum_body")
        }
    }
}

/// The edit deleting the definition at `range`.
pub fn delete(dialect: Dialect, source: &str, tree: &Tree, range: Range<usize>) -> Option<Edit> {
    let mut node = node_at(tree, range)?;
    if dialect.is_rust() {
        if let Some(edit) = macro_entry(source, node) {
            return Some(edit);
        }
    }
    while !is_unit(dialect, node) {
        // A type alias of the key alone (`type FlagKey = 'x'`) is a type others name.
        if node.kind() == "type_alias_declaration" {
            return None;
        }
        node = node.parent()?;
        // The file itself is no definition.
        node.parent()?;
    }
    if node.kind() == "literal_type" {
        return union_member(node, source);
    }
    let list_parent = node.parent().is_some_and(|p| {
        matches!(
            p.kind(),
            "dictionary"
                | "list"
                | "tuple"
                | "set"
                | "object"
                | "array"
                | "enum_body"
                | "enum_variant_list"
                | "field_declaration_list"
        )
    });
    if dialect.is_python() && node.kind() == "expression_statement" {
        if let Some(block) = node.parent().filter(|p| p.kind() == "block") {
            let mut cursor = block.walk();
            let others = block
                .named_children(&mut cursor)
                .filter(|n| n.id() != node.id() && !dialect.is_comment(n.kind()))
                .count();
            if others == 0 {
                return Some(Edit::new(node.byte_range(), "pass"));
            }
        }
    }
    let start = attached_start(dialect, source, node);
    let mut end = node.end_byte();
    if let Some(separator) = node
        .next_sibling()
        .filter(|n| matches!(n.kind(), "," | ";") && !source[end..n.start_byte()].contains('\n'))
    {
        end = separator.end_byte();
    }
    let whole = deletion_range(source, start..end);
    let on_own_lines = whole.start == line_start(source, whole.start)
        && (whole.end == source.len() || source[..whole.end].ends_with('\n'));
    if on_own_lines {
        return Some(Edit::delete(whole));
    }
    if list_parent {
        return Some(Edit::delete(list_item_deletion(source, node)));
    }
    Some(Edit::delete(node.byte_range()))
}

/// An entry of a registry macro: `(unstable, trim_paths, "", "..."),` (a group) or
/// `#[doc] gc: bool = ("..."),` (tokens up to the next comma), with its comma.
fn macro_entry(source: &str, node: Node<'_>) -> Option<Edit> {
    // The macro's own token tree, and the node's ancestor right under it.
    let mut entry = node;
    let mut parent = node.parent()?;
    loop {
        if parent.kind() == "token_tree"
            && parent
                .parent()
                .is_some_and(|p| p.kind() == "macro_invocation")
        {
            break;
        }
        entry = parent;
        parent = parent.parent()?;
        if matches!(parent.kind(), "source_file" | "function_item" | "block") {
            return None;
        }
    }
    if entry.kind() == "token_tree" {
        return Some(Edit::delete(list_item_deletion(source, entry)));
    }
    // Field entries: from the name (and the attributes and comments before it) to the comma.
    let mut start = entry.start_byte();
    let mut prev = entry.prev_sibling();
    while let Some(p) = prev {
        let is_attribute = p.kind() == "#"
            || p.kind() == "token_tree" && text(p, source).starts_with('[')
            || p.kind() == "line_comment";
        if !is_attribute {
            break;
        }
        start = p.start_byte();
        prev = p.prev_sibling();
    }
    let mut end = entry.end_byte();
    let mut next = entry.next_sibling();
    while let Some(n) = next {
        end = n.end_byte();
        if n.kind() == "," {
            break;
        }
        next = n.next_sibling();
    }
    Some(Edit::delete(deletion_range(source, start..end)))
}

/// `'a' | 'b' | 'c'`: one member and its `|`.
fn union_member(node: Node<'_>, source: &str) -> Option<Edit> {
    let union = node.parent()?;
    let first = union.named_child(0)?;
    if first.id() == node.id() {
        // The first member: up to the next one.
        let next = union.named_child(1)?;
        let next_start = leftmost(next).start_byte();
        return Some(Edit::delete(node.start_byte()..next_start));
    }
    // A later member: from the end of what precedes it (its `|` goes too).
    let previous = node.prev_named_sibling()?;
    let range = previous.end_byte()..node.end_byte();
    // Members one per line (`| 'x'`): the whole line.
    let line = line_start(source, node.start_byte());
    if source[line..node.start_byte()].trim() == "|" {
        return Some(Edit::delete(line..line_end(source, node.end_byte())));
    }
    Some(Edit::delete(range))
}

/// The first leaf-most member of a nested union.
fn leftmost(mut node: Node<'_>) -> Node<'_> {
    while node.kind() == "union_type" {
        match node.named_child(0) {
            Some(first) => node = first,
            None => break,
        }
    }
    node
}

/// A Rust `match` arm whose pattern, or whose value, is exactly the use at `range` (`X =>`,
/// `Self::X =>`, `"x" => Self::X,`): the arm to delete.
pub fn match_arm(source: &str, tree: &Tree, range: Range<usize>) -> Option<Edit> {
    let node = full_path(node_at(tree, range)?);
    let mut at = node.parent();
    while let Some(n) = at {
        match n.kind() {
            "match_pattern" => {
                let pattern = n.named_child(0)?;
                if pattern.byte_range() != node.byte_range() {
                    return None;
                }
                let arm = n.parent().filter(|a| a.kind() == "match_arm")?;
                return Some(Edit::delete(deletion_range(source, arm.byte_range())));
            }
            "match_arm" => {
                let value = n.child_by_field_name("value")?;
                if value.byte_range() != node.byte_range() {
                    return None;
                }
                return Some(Edit::delete(deletion_range(source, n.byte_range())));
            }
            "block" | "function_item" | "closure_expression" => return None,
            _ => at = n.parent(),
        }
    }
    None
}

/// `X` of `Self::X`, `Enum::X`, `flags.X`: the whole path.
fn full_path(mut node: Node<'_>) -> Node<'_> {
    while let Some(parent) = node.parent().filter(|p| {
        matches!(
            p.kind(),
            "scoped_identifier" | "scoped_type_identifier" | "attribute" | "member_expression"
        ) && (p
            .child_by_field_name("name")
            .or_else(|| p.child_by_field_name("attribute"))
            .or_else(|| p.child_by_field_name("property")))
        .is_some_and(|n| n.id() == node.id())
    }) {
        node = parent;
    }
    node
}

/// A use in a list (`[A, B]`, `(A, B)`, `{A, B}`): the element to delete.
pub fn list_element(source: &str, tree: &Tree, range: Range<usize>) -> Option<Edit> {
    let node = full_path(node_at(tree, range)?);
    let parent = node.parent()?;
    matches!(
        parent.kind(),
        "list"
            | "tuple"
            | "set"
            | "array"
            | "expression_list"
            | "array_expression"
            | "tuple_expression"
    )
    .then(|| Edit::delete(list_item_deletion(source, node)))
}

/// Uses of top-level constants `names` in their own file, outside their definitions.
pub fn own_uses(source: &str, tree: &Tree, names: &[String]) -> Vec<(Range<usize>, String)> {
    let mut found = Vec::new();
    if names.is_empty() {
        return found;
    }
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.kind() == "identifier" && names.iter().any(|n| n == text(node, source)) {
            let defining = node.parent().is_some_and(|p| {
                let declares = matches!(
                    p.kind(),
                    "assignment"
                        | "enum_variant"
                        | "const_item"
                        | "static_item"
                        | "variable_declarator"
                        | "enum_assignment"
                        | "field_declaration"
                        | "let_declaration"
                        | "function_item"
                        | "function_definition"
                );
                let target = p
                    .child_by_field_name("left")
                    .or_else(|| p.child_by_field_name("name"))
                    .or_else(|| p.child_by_field_name("pattern"));
                declares && target.is_some_and(|t| t.id() == node.id())
            });
            let attribute = node.parent().is_some_and(|p| {
                p.kind() == "attribute"
                    && p.child_by_field_name("attribute")
                        .is_some_and(|a| a.id() == node.id())
            });
            if !defining && !attribute {
                found.push((node.byte_range(), text(node, source).to_string()));
            }
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    found.sort_by_key(|(r, _)| r.start);
    found
}

/// The initializers of `(struct, field)` pairs in struct literals: `S { field: v, .. }`.
pub fn field_initializers(source: &str, fields: &[(&str, &str)]) -> super::syntax::Edits {
    let mut edits = super::syntax::Edits::default();
    let Some(tree) = Dialect::Rust.parse(source) else {
        return edits;
    };
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        let name = match node.kind() {
            "field_initializer" => node.child_by_field_name("field").map(|f| text(f, source)),
            "shorthand_field_initializer" => Some(text(node, source)),
            _ => None,
        };
        let Some(name) = name else {
            continue;
        };
        let Some(literal) = node
            .parent()
            .and_then(|list| list.parent())
            .filter(|p| p.kind() == "struct_expression")
        else {
            continue;
        };
        let type_name = literal
            .child_by_field_name("name")
            .map_or("", |n| text(n, source));
        let type_name = type_name.rsplit("::").next().unwrap_or(type_name);
        if fields
            .iter()
            .any(|(s, f)| *f == name && (*s == type_name || s.ends_with(&format!(".{type_name}"))))
        {
            edits.push(Edit::delete(list_item_deletion(source, node)));
        }
    }
    edits
}

/// Pairs `key: value` of object literals that are the value of a property named as the
/// registry (`flags: { key: true }`), for each (registry, key).
pub fn registry_overrides(
    dialect: Dialect,
    source: &str,
    entries: &[(String, String)],
) -> super::syntax::Edits {
    let mut edits = super::syntax::Edits::default();
    let Some(tree) = dialect.parse(source) else {
        return edits;
    };
    let key_text =
        |node: Node<'_>| -> String { text(node, source).trim_matches(['"', '\'']).to_string() };
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        if node.kind() != "pair" {
            continue;
        }
        let Some(key) = node.child_by_field_name("key").map(key_text) else {
            continue;
        };
        let holder = node
            .parent()
            .filter(|o| o.kind() == "object")
            .and_then(|o| o.parent())
            .filter(|p| p.kind() == "pair")
            .and_then(|p| p.child_by_field_name("key"))
            .map(key_text);
        let Some(holder) = holder else {
            continue;
        };
        if entries.iter().any(|(r, k)| *r == holder && *k == key) {
            edits.push(Edit::delete(list_item_deletion(source, node)));
        }
    }
    edits
}

/// A Python string literal of a value.
pub fn python_string(value: &str) -> String {
    let mut out = String::from('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The text of a migration deleting a waffle row, reversed by recreating it.
pub fn migration(
    key: &str,
    model: &str,
    app: &str,
    leaf: &str,
    initial: &[(String, String)],
) -> String {
    let name = python_string(key);
    let defaults = if initial.is_empty() {
        String::new()
    } else {
        let fields: Vec<String> = initial
            .iter()
            .map(|(field, value)| format!("{}: {value}", python_string(field)))
            .collect();
        format!(", defaults={{{}}}", fields.join(", "))
    };
    format!(
        r#"from django.db import migrations


def delete_{lower}(apps, schema_editor):
    {model} = apps.get_model("waffle", "{model}")
    {model}.objects.filter(name={name}).delete()


def restore_{lower}(apps, schema_editor):
    {model} = apps.get_model("waffle", "{model}")
    {model}.objects.get_or_create(name={name}{defaults})


class Migration(migrations.Migration):
    dependencies = [
        ({app_label}, {leaf_name}),
    ]

    operations = [
        migrations.RunPython(delete_{lower}, restore_{lower}),
    ]
"#,
        lower = model.to_lowercase(),
        app_label = python_string(app),
        leaf_name = python_string(leaf),
    )
}

/// The module name of the next migration after `leaf`: `0073_delete_<key>_flag`.
pub fn migration_name(leaf: &str, key: &str, model: &str) -> Option<String> {
    let digits: String = leaf.chars().take_while(char::is_ascii_digit).collect();
    let number: u32 = digits.parse().ok()?;
    let slug: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    Some(format!(
        "{:0width$}_delete_{slug}_{}",
        number + 1,
        model.to_lowercase(),
        width = digits.len().max(4)
    ))
}
