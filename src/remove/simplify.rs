//! Folds boolean literals out of code: `not True`, `x and True`, `a if True else b`, `if False:`
//! blocks, `{false && <X/>}`, `if true { .. } else { .. }`, `Pat if true =>`. One pass rewrites
//! every node it can without overlapping edits; passes repeat until nothing changes.

use tree_sitter::Node;

use super::syntax::{
    deletion_range, indentation, reindent, text, unparenthesize, Dialect, Edit, Edits, Mapping,
};

/// Most passes over one file (each pass folds at least one node, and nesting is bounded).
const MAX_PASSES: usize = 64;

/// The text with every literal condition folded; `mapping` records each pass's edits.
pub fn simplify(dialect: Dialect, mut source: String, mapping: &mut Mapping) -> String {
    for _ in 0..MAX_PASSES {
        let Some(tree) = dialect.parse(&source) else {
            break;
        };
        let mut edits = Edits::default();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            let rewrites = fold(dialect, node, &source);
            if !rewrites.is_empty() && rewrites.iter().all(|e| edits.free(&e.range)) {
                for edit in rewrites {
                    edits.push(edit);
                }
                continue;
            }
            let mut cursor = node.walk();
            let children: Vec<Node> = node.children(&mut cursor).collect();
            stack.extend(children.into_iter().rev());
        }
        if edits.is_empty() {
            break;
        }
        source = edits.apply_recorded(&source, mapping);
    }
    source
}

/// The edits that fold one node, if it can be folded.
fn fold(dialect: Dialect, node: Node<'_>, source: &str) -> Vec<Edit> {
    // Only the removal's own values decide a fold; a comparison needs one of them.
    let lit = |n: Option<Node<'_>>| n.and_then(|n| dialect.ours(n, source));
    let any = |n: Node<'_>| dialect.literal_value(n, source);
    let replace = |text: &str| vec![Edit::new(node.byte_range(), text)];
    let keep = |n: Node<'_>| match needless_parentheses(dialect, node, n) {
        // `!(flag && x)` -> `!x`, not `!(x)`.
        Some(parens) => vec![Edit::new(parens.byte_range(), text(n, source))],
        None => replace(text(n, source)),
    };
    match node.kind() {
        "parenthesized_expression" => {
            let is_condition = node.parent().is_some_and(|p| {
                p.child_by_field_name("condition")
                    .is_some_and(|c| c.id() == node.id())
            });
            match lit(Some(node)) {
                Some(value) if !is_condition || dialect.is_python() || dialect.is_rust() => {
                    replace(dialect.sentinel(value))
                }
                _ => Vec::new(),
            }
        }
        "not_operator" => match lit(node.child_by_field_name("argument")) {
            Some(value) => replace(dialect.sentinel(!value)),
            None => Vec::new(),
        },
        "unary_expression" => {
            let bang = node
                .child_by_field_name("operator")
                .or_else(|| node.child(0))
                .is_some_and(|op| text(op, source) == "!");
            let argument = node
                .child_by_field_name("argument")
                .or_else(|| node.named_child(0));
            match lit(argument) {
                Some(value) if bang => replace(dialect.sentinel(!value)),
                _ => Vec::new(),
            }
        }
        "boolean_operator" | "binary_expression" => {
            let (Some(left), Some(right), Some(op)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
                node.child_by_field_name("operator"),
            ) else {
                return Vec::new();
            };
            let (l, r) = (lit(Some(left)), lit(Some(right)));
            match text(op, source) {
                "and" | "&&" => match (l, r) {
                    (Some(true), _) => keep(right),
                    (Some(false), _) | (_, Some(false)) => replace(dialect.sentinel(false)),
                    (_, Some(true)) => keep(left),
                    _ => Vec::new(),
                },
                "or" | "||" => match (l, r) {
                    (Some(true), _) | (_, Some(true)) => replace(dialect.sentinel(true)),
                    (Some(false), _) => keep(right),
                    (_, Some(false)) => keep(left),
                    _ => Vec::new(),
                },
                op => match (l.or(r), any(left), any(right), equality(op)) {
                    (Some(_), Some(l), Some(r), Some(equal)) => {
                        replace(dialect.sentinel((l == r) == equal))
                    }
                    _ => Vec::new(),
                },
            }
        }
        "comparison_operator" if node.named_child_count() == 2 => {
            let (Some(left), Some(right)) = (node.named_child(0), node.named_child(1)) else {
                return Vec::new();
            };
            let op = source[left.end_byte()..right.start_byte()]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let ours = lit(Some(left)).or(lit(Some(right)));
            match (ours, any(left), any(right), equality(&op)) {
                (Some(_), Some(l), Some(r), Some(equal)) => {
                    replace(dialect.sentinel((l == r) == equal))
                }
                _ => Vec::new(),
            }
        }
        "conditional_expression" if node.named_child_count() == 3 => match lit(node.named_child(1))
        {
            Some(true) => node.named_child(0).map(keep).unwrap_or_default(),
            Some(false) => node.named_child(2).map(keep).unwrap_or_default(),
            None => Vec::new(),
        },
        "ternary_expression" => {
            let branch = match lit(node.child_by_field_name("condition")) {
                Some(true) => node.child_by_field_name("consequence"),
                Some(false) => node.child_by_field_name("alternative"),
                None => None,
            };
            branch.map(keep).unwrap_or_default()
        }
        "jsx_expression" => fold_jsx(node, source),
        // `[a, ...([])]`: the spread of a folded-away list goes.
        "spread_element" => match node.named_child(0).map(unparenthesize) {
            Some(inner)
                if matches!(inner.kind(), "array" | "object")
                    && inner.named_child_count() == 0
                    && node
                        .parent()
                        .is_some_and(|p| matches!(p.kind(), "array" | "object")) =>
            {
                vec![Edit::delete(super::syntax::list_item_deletion(
                    source, node,
                ))]
            }
            _ => Vec::new(),
        },
        "if_statement" | "if_expression" if node.kind() == dialect.if_kind() => {
            match lit(node.child_by_field_name("condition")) {
                Some(value) => fold_if(dialect, node, value, source),
                None => Vec::new(),
            }
        }
        "elif_clause" => match lit(node.child_by_field_name("condition")) {
            Some(value) => fold_elif(node, value),
            None => Vec::new(),
        },
        "match_pattern" => match lit(node.child_by_field_name("condition")) {
            // `Pat if true =>`: drop the guard; `Pat if false =>`: drop the arm.
            Some(true) => match node.named_child(0) {
                Some(pattern) => vec![Edit::delete(pattern.end_byte()..node.end_byte())],
                None => Vec::new(),
            },
            Some(false) => match node.parent().filter(|p| p.kind() == "match_arm") {
                Some(arm) => vec![Edit::delete(deletion_range(source, arm.byte_range()))],
                None => Vec::new(),
            },
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The parentheses around `node` that its kept operand `kept` no longer needs: TypeScript and
/// Rust, a kept operand that binds tightest (a name, call, member or field access), parentheses
/// that are not an `if` condition's.
fn needless_parentheses<'t>(dialect: Dialect, node: Node<'t>, kept: Node<'t>) -> Option<Node<'t>> {
    if dialect.is_python() {
        return None;
    }
    let parens = node
        .parent()
        .filter(|p| p.kind() == "parenthesized_expression")?;
    let is_condition = parens.parent().is_some_and(|p| {
        p.child_by_field_name("condition")
            .is_some_and(|c| c.id() == parens.id())
    });
    let primary = matches!(
        kept.kind(),
        "identifier"
            | "call_expression"
            | "member_expression"
            | "field_expression"
            | "subscript_expression"
            | "index_expression"
            | "scoped_identifier"
    );
    (primary && !is_condition).then_some(parens)
}

/// `==`-like operators: `Some(true)`; `!=`-like: `Some(false)`.
fn equality(op: &str) -> Option<bool> {
    match op {
        "==" | "===" | "is" => Some(true),
        "!=" | "!==" | "is not" => Some(false),
        _ => None,
    }
}

/// `{false}`, `{null}` among JSX children: nothing; `{<X/>}`: the element.
fn fold_jsx(node: Node<'_>, source: &str) -> Vec<Edit> {
    let in_children = node
        .parent()
        .is_some_and(|p| matches!(p.kind(), "jsx_element" | "jsx_fragment"));
    if !in_children || node.named_child_count() != 1 {
        return Vec::new();
    }
    let Some(inner) = node.named_child(0).map(unparenthesize) else {
        return Vec::new();
    };
    match inner.kind() {
        "false" | "true" | "null" | "undefined" | "identifier"
            if inner.kind() != "identifier"
                || inner
                    .utf8_text(source.as_bytes())
                    .is_ok_and(|t| t.starts_with("__flaglint_")) =>
        {
            vec![Edit::delete(deletion_range(source, node.byte_range()))]
        }
        "jsx_element" | "jsx_self_closing_element" | "jsx_fragment" => {
            let body = text(inner, source);
            let from = indentation(source, inner.start_byte());
            let to = indentation(source, node.start_byte());
            vec![Edit::new(node.byte_range(), reindent(body, from, to))]
        }
        _ => Vec::new(),
    }
}

/// What replaces a folded `if`.
enum Kept<'t> {
    /// The statements of a block (or one statement).
    Body(Node<'t>),
    /// A node as written (the `if` of an `else if`).
    Node(Node<'t>),
    Nothing,
}

/// An `if` whose condition is a literal: its kept branch in its place.
fn fold_if<'t>(dialect: Dialect, node: Node<'t>, value: bool, source: &str) -> Vec<Edit> {
    let kept = if value {
        node.child_by_field_name("consequence")
            .map_or(Kept::Nothing, Kept::Body)
    } else if dialect.is_python() {
        let mut cursor = node.walk();
        let first = node
            .children_by_field_name("alternative", &mut cursor)
            .next();
        match first {
            Some(elif) if elif.kind() == "elif_clause" => {
                // `if False: .. elif c: ..` -> `if c: ..`
                return vec![Edit::new(node.start_byte()..elif.start_byte() + 4, "if")];
            }
            Some(other) => other
                .child_by_field_name("body")
                .map_or(Kept::Nothing, Kept::Body),
            None => Kept::Nothing,
        }
    } else {
        match node
            .child_by_field_name("alternative")
            .and_then(|else_clause| else_clause.named_child(0))
        {
            Some(chained) if chained.kind() == dialect.if_kind() => Kept::Node(chained),
            Some(body) => Kept::Body(body),
            None => Kept::Nothing,
        }
    };
    let parent = node.parent();
    // `else if (..)`: what is kept stays an else branch, as written.
    if let Some(else_clause) = parent.filter(|p| p.kind() == "else_clause") {
        return match kept {
            Kept::Body(n) | Kept::Node(n) => vec![Edit::new(node.byte_range(), text(n, source))],
            Kept::Nothing => {
                let start = else_clause
                    .prev_sibling()
                    .map_or(else_clause.start_byte(), |p| p.end_byte());
                vec![Edit::delete(start..else_clause.end_byte())]
            }
        };
    }
    let statement_position = !dialect.is_rust()
        || parent.is_some_and(|p| matches!(p.kind(), "expression_statement" | "block"));
    if !statement_position {
        // A Rust `if` used as a value.
        let replacement = match kept {
            Kept::Body(block) => match (block.named_child_count(), block.named_child(0)) {
                (1, Some(only))
                    if !only.kind().ends_with("statement")
                        && !only.kind().ends_with("declaration") =>
                {
                    text(only, source).to_string()
                }
                _ => text(block, source).to_string(),
            },
            Kept::Node(n) => text(n, source).to_string(),
            Kept::Nothing => "()".to_string(),
        };
        return vec![Edit::new(node.byte_range(), replacement)];
    }
    // The statement holding the `if` (a Rust `if` sits in an `expression_statement`).
    let statement = parent
        .filter(|p| p.kind() == "expression_statement" && p.named_child_count() == 1)
        .unwrap_or(node);
    match kept {
        Kept::Node(n) => vec![Edit::new(node.byte_range(), text(n, source))],
        Kept::Body(body) => match lifted(dialect, body, node, source) {
            Some(lifted) => {
                // Code after a branch that always leaves can no longer run.
                let end = match (exits(body), last_sibling(statement)) {
                    (true, Some(last)) => last.end_byte(),
                    _ => statement.end_byte(),
                };
                vec![Edit::new(statement.start_byte()..end, lifted)]
            }
            None => delete_statement(dialect, statement, source),
        },
        Kept::Nothing => delete_statement(dialect, statement, source),
    }
}

/// Whether a branch ends by leaving: `return`, `raise`, `throw`, `continue`, `break`.
fn exits(body: Node<'_>) -> bool {
    let last = if matches!(body.kind(), "block" | "statement_block") {
        let mut cursor = body.walk();
        let items: Vec<Node> = body
            .named_children(&mut cursor)
            .filter(|n| !n.kind().contains("comment"))
            .collect();
        items.last().copied()
    } else {
        Some(body)
    };
    last.is_some_and(|n| {
        // Rust: `return x;` is an expression statement.
        let n = match n.kind() {
            "expression_statement" => n.named_child(0).unwrap_or(n),
            _ => n,
        };
        matches!(
            n.kind(),
            "return_statement"
                | "raise_statement"
                | "throw_statement"
                | "continue_statement"
                | "break_statement"
                | "return_expression"
                | "continue_expression"
                | "break_expression"
        )
    })
}

/// The last statement of the block holding `statement`, when it is not `statement` itself.
fn last_sibling(statement: Node<'_>) -> Option<Node<'_>> {
    let parent = statement.parent()?;
    if !matches!(parent.kind(), "block" | "statement_block") {
        return None;
    }
    let mut cursor = parent.walk();
    let last = parent
        .named_children(&mut cursor)
        .filter(|n| !n.kind().contains("comment"))
        .last()?;
    (last.id() != statement.id()).then_some(last)
}

/// The statements of a branch, reindented to the `if` they replace; `None` when it holds none.
fn lifted(dialect: Dialect, body: Node<'_>, at: Node<'_>, source: &str) -> Option<String> {
    let braces = matches!(body.kind(), "statement_block" | "block") && !dialect.is_python();
    if !braces && !dialect.is_python() {
        return Some(text(body, source).to_string());
    }
    let mut cursor = body.walk();
    let items: Vec<Node> = body.named_children(&mut cursor).collect();
    let (first, last) = (items.first()?, items.last()?);
    if dialect.is_python() && items.iter().all(|n| n.kind() == "pass_statement") {
        return None;
    }
    if !dialect.is_python() && !dialect.is_rust() && redeclares(body, at, source) {
        // Lifting would declare a name twice in one scope: keep the block.
        return Some(text(body, source).to_string());
    }
    let inner = &source[first.start_byte()..last.end_byte()];
    let from = indentation(source, first.start_byte());
    let to = indentation(source, at.start_byte());
    Some(reindent(inner, from, to))
}

/// Whether a block declares (`const`/`let`) a name that the block around `at` declares too.
fn redeclares(body: Node<'_>, at: Node<'_>, source: &str) -> bool {
    let declared = |block: Node<'_>, skip: Option<usize>| -> Vec<String> {
        let mut cursor = block.walk();
        block
            .named_children(&mut cursor)
            .filter(|n| Some(n.id()) != skip && n.kind() == "lexical_declaration")
            .flat_map(|decl| {
                let mut c = decl.walk();
                decl.named_children(&mut c)
                    .filter_map(|d| d.child_by_field_name("name"))
                    .map(|n| text(n, source).to_string())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let inner = declared(body, None);
    if inner.is_empty() {
        return false;
    }
    let Some(outer) = at.parent() else {
        return false;
    };
    declared(outer, Some(at.id()))
        .iter()
        .any(|name| inner.contains(name))
}

/// Deletes a statement; a Python block it leaves empty gets `pass`.
pub(super) fn delete_statement(dialect: Dialect, statement: Node<'_>, source: &str) -> Vec<Edit> {
    if dialect.is_python() {
        if let Some(block) = statement.parent().filter(|p| p.kind() == "block") {
            let mut cursor = block.walk();
            let others = block
                .named_children(&mut cursor)
                .filter(|n| n.id() != statement.id() && !dialect.is_comment(n.kind()))
                .count();
            if others == 0 {
                return vec![Edit::new(statement.byte_range(), "pass")];
            }
        }
    }
    vec![Edit::delete(deletion_range(source, statement.byte_range()))]
}

/// A Python `elif` whose condition is a literal.
fn fold_elif(node: Node<'_>, value: bool) -> Vec<Edit> {
    let previous_end = node
        .prev_sibling()
        .map_or(node.start_byte(), |p| p.end_byte());
    if !value {
        return vec![Edit::delete(previous_end..node.end_byte())];
    }
    let (Some(condition), Some(if_statement)) =
        (node.child_by_field_name("condition"), node.parent())
    else {
        return Vec::new();
    };
    // `elif True: a` -> `else: a`, and the clauses after it go.
    let mut edits = vec![Edit::new(node.start_byte()..condition.end_byte(), "else")];
    if node.end_byte() < if_statement.end_byte() {
        edits.push(Edit::delete(node.end_byte()..if_statement.end_byte()));
    }
    edits
}

/// Rust: an `if` whose condition the change shortened to one line gets its `{` back on that line,
/// as rustfmt writes it (`if a\n    && flag\n{` became `if a\n{`). Conditions the original text
/// already had are left as they are.
pub fn join_braces(original: &str, source: &str) -> Option<Edits> {
    let tree = Dialect::Rust.parse(source)?;
    let mut edits = Edits::default();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        if node.kind() != "if_expression" {
            continue;
        }
        let (Some(condition), Some(block)) = (
            node.child_by_field_name("condition"),
            node.child_by_field_name("consequence"),
        ) else {
            continue;
        };
        let condition_text = text(condition, source);
        let gap = &source[condition.end_byte()..block.start_byte()];
        let line_length = source
            [super::syntax::line_start(source, node.start_byte())..condition.end_byte()]
            .chars()
            .count();
        if !condition_text.contains('\n')
            && gap.contains('\n')
            && gap.trim().is_empty()
            && line_length + 2 <= 100
            && !original.contains(&format!("{condition_text} {{"))
        {
            edits.push(Edit::new(condition.end_byte()..block.start_byte(), " "));
        }
    }
    Some(edits)
}
