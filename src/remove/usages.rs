//! Step 1's first edits in one file: each check of the flag replaced by the value it keeps, a
//! local bound once to a check inlined, decorators, class attributes and test overrides of the
//! flag removed. [`super::simplify`] folds the literals afterwards.

use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::syntax::{
    deletion_range, indentation, list_item_deletion, node_at, reindent, text, Dialect, Edit, Edits,
};

/// How a check of the flag appears, from its configured shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// An expression that answers whether the flag is on.
    Value,
    /// A class attribute naming the flag (`waffle_flag = "x"` on a view).
    Attribute,
    /// The value of an object literal's property (`{ path: "/x", flag: "x" }`).
    ObjectProperty,
    /// A test helper that sets the flag (`override_flag("x", active=True)`), with the state set.
    TestHelper(Option<bool>),
    /// A test helper setting the flag from a variable (`active=is_on`, a parametrized test).
    TestHelperFromVariable,
    /// A JSX component gating its children (`<Feature flag="x">`).
    Component,
    /// A name destructured from a hook (`const { newNav } = useFlags()`).
    Destructured,
    /// A call returning the flag's value (`variation`, `getVariant`): left to a person.
    Variation,
}

/// One check of the flag in a file.
#[derive(Clone, Debug)]
pub struct Target {
    pub range: Range<usize>,
    pub role: Role,
    /// The key is spelled negated (`@waffle_flag("!x")`).
    pub negated: bool,
}

/// What a file's first edits leave to a person, by byte offset in the original text.
#[derive(Debug, Default)]
pub struct Usages {
    pub edits: Edits,
    /// (offset, what to do there by hand).
    pub manual: Vec<(usize, String)>,
    /// Checks replaced by a literal (or removed).
    pub rewritten: usize,
}

/// The first edits of step 1 in one file.
pub fn rewrite(
    dialect: Dialect,
    source: &str,
    tree: &Tree,
    targets: &[Target],
    keep: bool,
    delete_dead_tests: bool,
) -> Usages {
    let mut out = Usages::default();
    for target in targets {
        let Some(node) = node_at(tree, target.range.clone()) else {
            continue;
        };
        let before = out.manual.len();
        // Inside a macro's tokens the tree has no node for the check: its text is replaced.
        let exact = node.byte_range() == target.range;
        // A state passed by position (`toggle_switch("x", True)`) is a known state.
        let role = match (target.role, positional_state(dialect, node, source)) {
            (Role::TestHelperFromVariable, Some(state)) => Role::TestHelper(Some(state)),
            (role, _) => role,
        };
        let edits = match role {
            Role::Value if !exact => vec![Edit::new(
                target.range.clone(),
                dialect.sentinel(keep != target.negated),
            )],
            _ if !exact => Vec::new(),
            Role::Value => value(dialect, node, source, keep != target.negated, &mut out),
            Role::Attribute | Role::ObjectProperty if keep != target.negated => {
                let unit = if target.role == Role::Attribute {
                    enclosing(node, &["expression_statement"])
                } else {
                    enclosing(node, &["pair"])
                };
                match unit {
                    Some(unit) if unit.kind() == "pair" => {
                        vec![Edit::delete(list_item_deletion(source, unit))]
                    }
                    Some(unit) => vec![Edit::delete(deletion_range(source, unit.byte_range()))],
                    None => Vec::new(),
                }
            }
            Role::Attribute | Role::ObjectProperty => {
                out.manual.push((
                    target.range.start,
                    "reachable only with the flag on: delete what it guards".to_string(),
                ));
                Vec::new()
            }
            Role::TestHelper(state) => test_helper(
                dialect,
                node,
                source,
                keep,
                state,
                delete_dead_tests,
                &mut out,
            ),
            Role::TestHelperFromVariable => {
                out.manual.push((
                    target.range.start,
                    format!(
                        "the test sets the flag from a variable: keep only its cases with the flag {}",
                        if keep { "on" } else { "off" }
                    ),
                ));
                test_helper(dialect, node, source, keep, None, false, &mut out)
            }
            Role::Variation => {
                out.manual.push((
                    target.range.start,
                    "this call returns the flag's value, not on/off: replace it with the value kept"
                        .to_string(),
                ));
                Vec::new()
            }
            Role::Component | Role::Destructured => {
                let on = keep != target.negated;
                let edits = if target.role == Role::Component {
                    component(node, source, on)
                } else {
                    destructured(dialect, node, source, dialect.sentinel(on))
                };
                edits.unwrap_or_else(|| {
                    out.manual.push((
                        target.range.start,
                        format!(
                            "replace this check by hand, keeping the {} behaviour",
                            if keep { "on" } else { "off" }
                        ),
                    ));
                    Vec::new()
                })
            }
        };
        let decorator = node.parent().filter(|p| p.kind() == "decorator");
        if matches!(target.role, Role::Value)
            && decorator.is_some()
            && edits.is_empty()
            && out.manual.len() == before
        {
            continue;
        }
        if edits.is_empty() {
            if out.manual.len() == before {
                out.manual.push((
                    target.range.start,
                    "could not rewrite this check".to_string(),
                ));
            }
            continue;
        }
        if edits.iter().all(|e| out.edits.free(&e.range)) {
            for edit in edits {
                out.edits.push(edit);
            }
            out.rewritten += 1;
        }
    }
    out
}

/// The innermost ancestor (or the node) of one of the kinds.
fn enclosing<'t>(node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    let mut at = Some(node);
    while let Some(n) = at {
        if kinds.contains(&n.kind()) {
            return Some(n);
        }
        at = n.parent();
    }
    None
}

/// A check used as a value: the literal, and the local it initialises inlined.
fn value(dialect: Dialect, node: Node<'_>, source: &str, on: bool, out: &mut Usages) -> Vec<Edit> {
    let literal = dialect.sentinel(on);
    if let Some(decorator) = node.parent().filter(|p| p.kind() == "decorator") {
        if on {
            return vec![Edit::delete(deletion_range(source, decorator.byte_range()))];
        }
        out.manual.push((
            node.start_byte(),
            "this view answers 404 with the flag off: delete the view and its route".to_string(),
        ));
        return Vec::new();
    }
    if let Some(edits) = inline_local(dialect, node, source, literal) {
        return edits;
    }
    vec![Edit::new(node.byte_range(), literal)]
}

/// `x = check(..)` with `x` written nowhere else in its function: the binding deleted and every
/// read of `x` replaced by the literal.
fn inline_local(
    dialect: Dialect,
    check: Node<'_>,
    source: &str,
    literal: &str,
) -> Option<Vec<Edit>> {
    let parent = check.parent()?;
    let (name, statement) = match (dialect, parent.kind()) {
        (Dialect::Python, "assignment") => {
            let left = parent.child_by_field_name("left")?;
            let right = parent.child_by_field_name("right")?;
            if left.kind() != "identifier"
                || right.id() != check.id()
                || parent.child_by_field_name("type").is_some()
            {
                return None;
            }
            let statement = parent
                .parent()
                .filter(|p| p.kind() == "expression_statement")?;
            (text(left, source), statement)
        }
        (Dialect::Rust, "let_declaration") => {
            let pattern = parent.child_by_field_name("pattern")?;
            if pattern.kind() != "identifier"
                || parent.child_by_field_name("value")?.id() != check.id()
            {
                return None;
            }
            (text(pattern, source), parent)
        }
        (Dialect::TypeScript | Dialect::Tsx, "variable_declarator") => {
            let name = parent.child_by_field_name("name")?;
            if name.kind() != "identifier"
                || parent.child_by_field_name("value")?.id() != check.id()
            {
                return None;
            }
            let declaration = parent.parent()?;
            if declaration.named_child_count() != 1 {
                return None;
            }
            let statement = match declaration.parent() {
                Some(export) if export.kind() == "export_statement" => return None,
                _ => declaration,
            };
            (text(name, source), statement)
        }
        _ => return None,
    };
    let mut edits = vec![Edit::delete(deletion_range(source, statement.byte_range()))];
    edits.extend(replace_reads(dialect, source, statement, name, literal)?);
    Some(edits)
}

/// Every read of the local `name` bound by `statement` replaced by the literal; `None` when the
/// function writes it elsewhere, or reads a name of that spelling before the binding.
fn replace_reads(
    dialect: Dialect,
    source: &str,
    statement: Node<'_>,
    name: &str,
    literal: &str,
) -> Option<Vec<Edit>> {
    let scope = scope_of(dialect, statement);
    let mut reads = Vec::new();
    let mut stack = vec![scope];
    while let Some(n) = stack.pop() {
        if n.start_byte() >= statement.start_byte() && n.end_byte() <= statement.end_byte() {
            continue;
        }
        if matches!(
            n.kind(),
            "identifier" | "shorthand_property_identifier" | "shorthand_field_initializer"
        ) && text(n, source) == name
        {
            match use_of(dialect, n) {
                Use::Read => reads.push(n),
                Use::Write => return None,
                Use::Other => {}
            }
            continue;
        }
        let mut cursor = n.walk();
        stack.extend(n.children(&mut cursor));
    }
    // A read before the binding is another binding's (or a closure's); leave those alone.
    if reads
        .iter()
        .any(|r| r.start_byte() < statement.start_byte())
    {
        return None;
    }
    Some(
        reads
            .into_iter()
            .map(|read| match read.kind() {
                "shorthand_property_identifier" | "shorthand_field_initializer" => {
                    Edit::new(read.byte_range(), format!("{name}: {literal}"))
                }
                _ => match hook_dependency(read, source) {
                    Some(element) => Edit::delete(list_item_deletion(source, element)),
                    None => Edit::new(read.byte_range(), literal),
                },
            })
            .collect(),
    )
}

/// `const { newNav, dark: isDark } = useFlags()`: the name goes from the pattern (the whole
/// declaration when it was the only one) and its reads become the literal.
fn destructured(
    dialect: Dialect,
    property: Node<'_>,
    source: &str,
    literal: &str,
) -> Option<Vec<Edit>> {
    let local = match property.kind() {
        "shorthand_property_identifier_pattern" => property,
        "pair_pattern" => property
            .child_by_field_name("value")
            .filter(|v| v.kind() == "identifier")?,
        "object_assignment_pattern" => property.child_by_field_name("left")?,
        _ => return None,
    };
    let pattern = property.parent().filter(|p| p.kind() == "object_pattern")?;
    let declarator = pattern
        .parent()
        .filter(|d| d.kind() == "variable_declarator")?;
    let declaration = declarator.parent()?;
    let mut edits = replace_reads(dialect, source, declaration, text(local, source), literal)?;
    let mut cursor = pattern.walk();
    let others = pattern
        .named_children(&mut cursor)
        .filter(|n| n.id() != property.id() && !n.kind().contains("comment"))
        .count();
    edits.push(if others == 0 && declaration.named_child_count() == 1 {
        Edit::delete(deletion_range(source, declaration.byte_range()))
    } else {
        Edit::delete(list_item_deletion(source, property))
    });
    Some(edits)
}

/// `<Feature flag="x">children</Feature>`: the children when on; the `fallback` (or nothing)
/// when off.
fn component(element: Node<'_>, source: &str, on: bool) -> Option<Vec<Edit>> {
    let element = match element.kind() {
        "jsx_opening_element" => element.parent()?,
        _ => element,
    };
    let in_children = element
        .parent()
        .is_some_and(|p| matches!(p.kind(), "jsx_element" | "jsx_fragment"));
    let replacement = if on {
        if element.kind() == "jsx_self_closing_element" {
            return None;
        }
        let open = element.child_by_field_name("open_tag")?;
        let close = element.child_by_field_name("close_tag")?;
        let mut cursor = element.walk();
        let children: Vec<Node> = element
            .named_children(&mut cursor)
            .filter(|c| c.id() != open.id() && c.id() != close.id())
            .filter(|c| !(c.kind() == "jsx_text" && text(*c, source).trim().is_empty()))
            .collect();
        let (first, last) = (children.first()?, children.last()?);
        let inner = &source[first.start_byte()..last.end_byte()];
        let body = reindent(
            inner,
            indentation(source, first.start_byte()),
            indentation(source, element.start_byte()),
        );
        if in_children || (children.len() == 1 && first.kind() != "jsx_text") {
            body
        } else {
            format!("<>{body}</>")
        }
    } else {
        let open = match element.kind() {
            "jsx_self_closing_element" => element,
            _ => element.child_by_field_name("open_tag")?,
        };
        let mut cursor = open.walk();
        let fallback = open
            .children_by_field_name("attribute", &mut cursor)
            .filter(|a| a.kind() == "jsx_attribute")
            .find(|a| {
                a.named_child(0)
                    .is_some_and(|n| matches!(text(n, source), "fallback" | "otherwise" | "else"))
            })
            .and_then(|a| a.named_child(1));
        match fallback {
            Some(value) if value.kind() == "jsx_expression" && in_children => {
                text(value, source).to_string()
            }
            Some(value) if value.kind() == "jsx_expression" => {
                let inner = value.named_child(0)?;
                text(inner, source).to_string()
            }
            Some(_) => return None,
            None if in_children => {
                return Some(vec![Edit::delete(deletion_range(
                    source,
                    element.byte_range(),
                ))])
            }
            None => "null".to_string(),
        }
    };
    Some(vec![Edit::new(element.byte_range(), replacement)])
}

/// How a name is used where it appears.
pub(super) enum Use {
    Read,
    Write,
    /// Not the variable: an attribute, a keyword argument's name, a parameter.
    Other,
}

pub(super) fn use_of(dialect: Dialect, node: Node<'_>) -> Use {
    let Some(parent) = node.parent() else {
        return Use::Read;
    };
    let field_is = |field: &str| {
        parent
            .child_by_field_name(field)
            .is_some_and(|c| c.id() == node.id())
    };
    match parent.kind() {
        "assignment"
        | "augmented_assignment"
        | "assignment_expression"
        | "augmented_assignment_expression"
        | "compound_assignment_expr"
            if field_is("left") =>
        {
            Use::Write
        }
        "update_expression" => Use::Write,
        "for_statement" | "for_in_statement" | "for_expression"
            if field_is("left") || field_is("pattern") =>
        {
            Use::Write
        }
        "attribute" if field_is("attribute") => Use::Other,
        "keyword_argument" if field_is("name") => Use::Other,
        "parameters"
        | "default_parameter"
        | "typed_parameter"
        | "typed_default_parameter"
        | "lambda_parameters"
        | "formal_parameters"
        | "required_parameter"
        | "optional_parameter"
        | "parameter"
        | "closure_parameters"
        | "function_definition"
        | "function_declaration"
        | "class_definition"
        | "variable_declarator"
        | "let_declaration"
        | "function_item" => {
            if dialect.is_python() && parent.kind() == "variable_declarator" {
                Use::Read
            } else {
                Use::Other
            }
        }
        _ => Use::Read,
    }
}

/// The enclosing function of a statement, else the file.
pub(super) fn scope_of(dialect: Dialect, statement: Node<'_>) -> Node<'_> {
    let mut at = statement.parent();
    let mut last = statement;
    while let Some(n) = at {
        if dialect.is_function(n.kind()) {
            return n;
        }
        last = n;
        at = n.parent();
    }
    last
}

/// A name in a React hook's dependency array (`useEffect(f, [a, flag])`): the element to drop.
fn hook_dependency<'t>(read: Node<'t>, source: &str) -> Option<Node<'t>> {
    let array = read.parent().filter(|p| p.kind() == "array")?;
    let call = array
        .parent()
        .filter(|p| p.kind() == "arguments")?
        .parent()?;
    let callee = text(call.child_by_field_name("function")?, source);
    let hook = callee.rsplit('.').next().unwrap_or(callee);
    matches!(
        hook,
        "useEffect" | "useMemo" | "useCallback" | "useLayoutEffect"
    )
    .then_some(read)
}

/// A test helper setting the flag: its decorator, `with` or statement removed. A test that sets
/// the flag to the state being removed tests behaviour that goes: listed, or deleted on request.
fn test_helper(
    dialect: Dialect,
    node: Node<'_>,
    source: &str,
    keep: bool,
    state: Option<bool>,
    delete_dead_tests: bool,
    out: &mut Usages,
) -> Vec<Edit> {
    if state == Some(!keep) {
        if let Some(test) = enclosing_test(node) {
            let name = test
                .child_by_field_name("name")
                .or_else(|| {
                    test.child_by_field_name("definition")
                        .and_then(|d| d.child_by_field_name("name"))
                })
                .map_or("", |n| text(n, source));
            if delete_dead_tests {
                return vec![Edit::delete(deletion_range(source, test.byte_range()))];
            }
            out.manual.push((
                node.start_byte(),
                format!(
                    "`{name}` tests the removed behaviour (the flag {}): delete it, or pass --delete-dead-tests",
                    if keep { "off" } else { "on" }
                ),
            ));
            return Vec::new();
        }
    }
    let parent = node.parent();
    if let Some(decorator) = parent.filter(|p| p.kind() == "decorator") {
        return vec![Edit::delete(deletion_range(source, decorator.byte_range()))];
    }
    if let Some(edits) = parent
        .filter(|p| p.kind() == "with_item")
        .and_then(|item| unwrap_with(item, source))
    {
        return edits;
    }
    if let Some(statement) = parent.filter(|p| p.kind() == "expression_statement") {
        return super::simplify::delete_statement(dialect, statement, source);
    }
    out.manual.push((
        node.start_byte(),
        "remove this override of the flag by hand".to_string(),
    ));
    Vec::new()
}

/// A boolean literal among a helper call's positional arguments after the first
/// (`toggle_switch("x", True)`): the state it sets.
fn positional_state(dialect: Dialect, call: Node<'_>, source: &str) -> Option<bool> {
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let positional: Vec<Node> = arguments
        .named_children(&mut cursor)
        .filter(|a| !matches!(a.kind(), "keyword_argument" | "comment"))
        .collect();
    positional
        .iter()
        .skip(1)
        .find_map(|a| dialect.literal_value(*a, source))
}

/// `with override_flag(..):` around a body: the body in its place (or the item dropped from a
/// `with` of several).
fn unwrap_with(item: Node<'_>, source: &str) -> Option<Vec<Edit>> {
    let clause = item.parent()?;
    let with = clause.parent().filter(|w| w.kind() == "with_statement")?;
    let mut cursor = clause.walk();
    if clause.named_children(&mut cursor).count() > 1 {
        return Some(vec![Edit::delete(list_item_deletion(source, item))]);
    }
    let body = with.child_by_field_name("body")?;
    let inner = text(body, source);
    let from = indentation(source, body.start_byte());
    let to = indentation(source, with.start_byte());
    Some(vec![Edit::new(
        with.byte_range(),
        reindent(inner, from, to),
    )])
}

/// The test function (with its decorators) around a node.
fn enclosing_test(node: Node<'_>) -> Option<Node<'_>> {
    let mut at = node.parent();
    while let Some(n) = at {
        if matches!(
            n.kind(),
            "function_definition" | "function_item" | "function_declaration"
        ) {
            n.child_by_field_name("name")?;
            return Some(match n.parent() {
                Some(d) if d.kind() == "decorated_definition" => d,
                _ => n,
            });
        }
        if n.kind() == "decorated_definition" {
            return n
                .child_by_field_name("definition")
                .filter(|d| d.kind() == "function_definition")
                .map(|_| n);
        }
        at = n.parent();
    }
    None
}
