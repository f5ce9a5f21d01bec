//! Forks: the branches of a TypeScript / JavaScript file, their conditions lowered for the flow
//! layer, what their bodies hold, and the writes that make check locals.

use super::*;

impl<'s, 'o, 't> Walker<'s, 'o, 't> {
    /// An `if` statement: a fork candidate (`If`, or `ElseIf` when it is the `else if` of one).
    pub(super) fn if_statement(&mut self, item: Item<'t, 's>, stack: &mut Vec<Item<'t, 's>>) {
        let node = item.node;
        let condition = node.child_by_field_name("condition");
        let alternative = node.child_by_field_name("alternative");
        let previous = self.pending_else_if.remove(&node.id());
        let mut candidate = None;
        if let Some(condition) = condition {
            // An `else if`: its chain head, and the head's enclosing branch.
            let chain = previous.and_then(|p| {
                let head = self.branches.get(p)?.head.unwrap_or(p);
                Some((p, head, self.branches.get(head)?.enclosing))
            });
            let (kind, enclosing, outer, head) = match chain {
                Some((previous, head, enclosing)) => {
                    (ForkKind::ElseIf, enclosing, Some(previous), Some(head))
                }
                None => (ForkKind::If, item.branch, item.branch, None),
            };
            let has_else = alternative.is_some();
            let consequence = node.child_by_field_name("consequence");
            let then = consequence
                .map(|c| self.statement_branch(c))
                .unwrap_or(Held {
                    body: Body::Empty,
                    leaves: false,
                });
            let else_statement = alternative.and_then(first_named);
            let branch = Branch {
                kind,
                span: self.lines.span(node.start_byte(), condition.end_byte()),
                has_else,
                exits_early: !has_else && then.leaves,
                then_body: then.body,
                else_body: else_statement
                    .filter(|e| e.kind() != "if_statement")
                    .map(|e| self.statement_branch(e).body),
                enclosing,
                outer,
                head,
            };
            let index = self.push_branch(branch, condition);
            if let Some(else_if) = alternative
                .and_then(first_named)
                .filter(|n| n.kind() == "if_statement")
            {
                self.pending_else_if.insert(else_if.id(), index);
            }
            candidate = Some(index);
        }
        let start = stack.len();
        self.push_children(item, stack, |_, field, child| {
            expr_child_mode("if_statement", field, child)
        });
        if let Some(index) = candidate {
            mark_branches(&mut stack[start..], condition, index);
        }
    }

    /// Adds a branch and its condition; its index.
    fn push_branch(&mut self, branch: Branch, condition: Node<'t>) -> usize {
        self.branches.push(branch);
        self.conditions.push(condition);
        self.branches.len() - 1
    }

    /// What a branch holds: a block's statements, or the one statement without braces.
    fn statement_branch(&self, branch: Node<'t>) -> Held {
        if branch.kind() == "statement_block" {
            let mut cursor = branch.walk();
            let statements: Vec<Node<'t>> = branch.named_children(&mut cursor).collect();
            flow::branch(statements.into_iter().map(|s| self.statement(s)))
        } else {
            flow::branch([self.statement(branch)])
        }
    }

    pub(super) fn statement(&self, node: Node<'t>) -> Statement {
        match node.kind() {
            "empty_statement" | "comment" => Statement::Nothing,
            "return_statement" | "throw_statement" | "continue_statement" | "break_statement" => {
                Statement::Exit
            }
            "expression_statement" => {
                let call = first_named(node)
                    .map(unwrap_test_operand)
                    .filter(|e| e.kind() == "call_expression")
                    .and_then(|call| call.child_by_field_name("function"));
                let mut segments = Vec::new();
                match call.map(|callee| self.static_chain(callee, &mut segments)) {
                    Some(ChainEnd::Root) if flow::is_log_call(&segments) => Statement::Log,
                    _ => Statement::Other,
                }
            }
            _ => Statement::Other,
        }
    }

    /// `c ? a : b`: a fork candidate whose two results are its branches.
    pub(super) fn ternary_expression(&mut self, item: Item<'t, 's>, stack: &mut Vec<Item<'t, 's>>) {
        let node = item.node;
        let condition = node.child_by_field_name("condition");
        let mut candidate = None;
        if let Some(condition) = condition {
            let source = self.src;
            let value = |field| {
                node.child_by_field_name(field)
                    .map_or(Body::Empty, |value| value_body(value, source))
            };
            let branch = Branch {
                kind: ForkKind::Ternary,
                span: self.lines.span(node.start_byte(), condition.end_byte()),
                has_else: true,
                exits_early: false,
                then_body: value("consequence"),
                else_body: Some(value("alternative")),
                enclosing: item.branch,
                outer: item.branch,
                head: None,
            };
            candidate = Some(self.push_branch(branch, condition));
        }
        let start = stack.len();
        self.push_children(item, stack, |_, field, child| {
            expr_child_mode("ternary_expression", field, child)
        });
        if let Some(index) = candidate {
            mark_branches(&mut stack[start..], condition, index);
        }
    }

    /// Declarations and writes of plain identifiers made by `node` (a declarator, an assignment,
    /// an update, a `for ... in/of` head or a `catch` clause), for the check-local rule.
    pub(super) fn record_writes(&mut self, node: Node<'t>, frame: Option<usize>) {
        let mut names = Vec::new();
        match node.kind() {
            "variable_declarator" => {
                let Some(name) = node.child_by_field_name("name") else {
                    return;
                };
                let value = node.child_by_field_name("value");
                if name.kind() == "identifier" {
                    let name = self.text(name);
                    self.declared.insert((frame, name));
                    if let Some(value) = value {
                        let call = Some(unwrap_test_operand(value))
                            .filter(|v| v.kind() == "call_expression")
                            .map(|v| v.id());
                        self.writes.push(Write { frame, name, call });
                    }
                    return;
                }
                self.binding_names(name, &mut names);
                for name in names {
                    self.declared.insert((frame, name));
                    self.writes.push(Write {
                        frame,
                        name,
                        call: None,
                    });
                }
            }
            "assignment_expression" | "augmented_assignment_expression" => {
                let Some(left) = node.child_by_field_name("left") else {
                    return;
                };
                let left = unwrap_parentheses(left);
                if left.kind() == "identifier" {
                    let call = if node.kind() == "assignment_expression" {
                        node.child_by_field_name("right")
                            .map(unwrap_test_operand)
                            .filter(|v| v.kind() == "call_expression")
                            .map(|v| v.id())
                    } else {
                        None
                    };
                    let name = self.text(left);
                    self.writes.push(Write { frame, name, call });
                    return;
                }
                self.binding_names(left, &mut names);
                for name in names {
                    self.writes.push(Write {
                        frame,
                        name,
                        call: None,
                    });
                }
            }
            "update_expression" => {
                if let Some(argument) = node.child_by_field_name("argument") {
                    let argument = unwrap_parentheses(argument);
                    if argument.kind() == "identifier" {
                        let name = self.text(argument);
                        self.writes.push(Write {
                            frame,
                            name,
                            call: None,
                        });
                    }
                }
            }
            "for_in_statement" => {
                let Some(left) = node.child_by_field_name("left") else {
                    return;
                };
                let declares = node.child_by_field_name("kind").is_some();
                self.binding_names(unwrap_parentheses(left), &mut names);
                for name in names {
                    if declares {
                        self.declared.insert((frame, name));
                    }
                    self.writes.push(Write {
                        frame,
                        name,
                        call: None,
                    });
                }
            }
            "catch_clause" => {
                if let Some(parameter) = node.child_by_field_name("parameter") {
                    self.binding_names(parameter, &mut names);
                    for name in names {
                        self.declared.insert((frame, name));
                    }
                }
            }
            _ => {}
        }
    }

    /// The function frame (`None`: module) whose variable `name` denotes when read in `frame`;
    /// `Err(())` when it is a parameter.
    fn binding_scope(&self, name: &str, frame: Option<usize>) -> Result<Option<usize>, ()> {
        let mut current = frame;
        while let Some(index) = current {
            let Some(f) = self.frames.get(index) else {
                break;
            };
            if f.params.contains(&name) {
                return Err(());
            }
            if self.declared.contains(&(Some(index), name)) {
                return Ok(Some(index));
            }
            current = f.parent;
        }
        Ok(None)
    }

    /// Turns the branches into `facts.forks`, now that every check and write is known.
    pub(super) fn resolve_forks(&mut self) {
        if self.branches.is_empty() || self.check_ranges.is_empty() {
            return;
        }
        // Check locals: variables written exactly once, from a recorded check call.
        let mut locals: Locals<(Option<usize>, &str)> = Locals::default();
        for write in &self.writes {
            let Ok(scope) = self.binding_scope(write.name, write.frame) else {
                continue;
            };
            let check = write.call.and_then(|id| self.check_calls.get(&id).copied());
            locals.write((scope, write.name), check);
        }
        // Flag tests: `(start, end, check)` of check calls and of check-local reads in conditions.
        let mut tests: Vec<(usize, usize, usize)> = self
            .check_ranges
            .iter()
            .enumerate()
            .map(|(check, &(start, end))| (start, end, check))
            .collect();
        for &(start, end, frame, name) in &self.condition_idents {
            let Ok(scope) = self.binding_scope(name, frame) else {
                continue;
            };
            if let Some(check) = locals.check_local(&(scope, name)) {
                tests.push((start, end, check));
            }
        }
        let tests = FlagTests::new(tests);
        let branches = std::mem::take(&mut self.branches);
        let conditions = std::mem::take(&mut self.conditions);
        self.facts.forks = flow::forks(&branches, |index| {
            let condition = conditions[index];
            let node = |node| condition_node(node, self.src);
            let leaf = |node| {
                let node = unwrap_test_operand(node);
                let kinds = [
                    "call_expression",
                    "identifier",
                    "member_expression",
                    "subscript_expression",
                ];
                kinds.contains(&node.kind()).then(|| node.byte_range())
            };
            tests.tested(condition, condition.byte_range(), node, leaf)
        });
    }
}

/// One node of a condition, for [`flow::condition`].
fn condition_node<'t>(node: Node<'t>, source: &str) -> CondNode<Node<'t>> {
    let unary = |operand, negates| CondNode::Unary { operand, negates };
    let inner = unwrap_test_operand(node);
    if inner != node {
        return unary(inner, false);
    }
    match node.kind() {
        "unary_expression" if operator(node) == Some("!") => {
            match node.child_by_field_name("argument") {
                Some(argument) => unary(argument, true),
                None => CondNode::Leaf,
            }
        }
        "binary_expression" => {
            let (Some(left), Some(right)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) else {
                return CondNode::Leaf;
            };
            match operator(node) {
                Some(op @ ("&&" | "||")) => CondNode::Junction {
                    any: op == "||",
                    operands: [left, right],
                },
                Some(op @ ("===" | "==" | "!==" | "!=")) => CondNode::Compare {
                    equal: matches!(op, "===" | "=="),
                    operands: [left, right],
                },
                _ => CondNode::Leaf,
            }
        }
        "true" => CondNode::Bool(true),
        "false" => CondNode::Bool(false),
        "call_expression" => {
            let callee = node
                .child_by_field_name("function")
                .and_then(|f| member_names(f, source));
            let arguments: Vec<Node> = node
                .child_by_field_name("arguments")
                .filter(|a| a.kind() == "arguments")
                .map(|a| {
                    let mut cursor = a.walk();
                    let named = a.named_children(&mut cursor);
                    named.filter(|a| a.kind() != "comment").collect()
                })
                .unwrap_or_default();
            match (callee, &arguments[..]) {
                (Some(callee), &[argument]) if argument.kind() != "spread_element" => {
                    CondNode::Call { callee, argument }
                }
                _ => CondNode::Leaf,
            }
        }
        _ => CondNode::Leaf,
    }
}

/// The names of a callee that is an identifier or a chain of named members: `f`, `a.b.f`.
fn member_names(callee: Node, source: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut current = callee;
    while current.kind() == "member_expression" {
        let property = current
            .child_by_field_name("property")
            .filter(|p| p.kind() == "property_identifier")?;
        names.push(source[property.byte_range()].to_string());
        current = current.child_by_field_name("object")?;
    }
    (current.kind() == "identifier").then(|| {
        names.push(source[current.byte_range()].to_string());
        names.reverse();
        names
    })
}

/// What a ternary's value holds: `null`, `undefined` and an empty element (`<div></div>`,
/// `<></>`, `<span />`: an HTML element or a fragment with no attributes) are nothing.
fn value_body(value: Node, source: &str) -> Body {
    let value = unwrap_parentheses(value);
    match value.kind() {
        "null" | "undefined" => Body::Empty,
        "jsx_element" if value.named_child_count() == 2 => match value.named_child(0) {
            Some(open) if empty_element(open, source) => Body::Empty,
            _ => Body::Code,
        },
        "jsx_self_closing_element" if empty_element(value, source) => Body::Empty,
        _ => Body::Code,
    }
}

/// An HTML element or a fragment with no attributes (`<div>`, `<>`, `<span />`): a placeholder.
/// A component (`<VectorSearch />`) renders something of its own.
fn empty_element(tag: Node, source: &str) -> bool {
    let intrinsic = tag.child_by_field_name("name").is_none_or(|name| {
        name.kind() == "identifier"
            && source[name.byte_range()].starts_with(|c: char| c.is_ascii_lowercase())
    });
    intrinsic && tag.child_by_field_name("attribute").is_none()
}

/// Marks the children just pushed for a fork candidate: its condition as a condition, everything
/// else (the branches) as inside the fork `index`.
fn mark_branches(pushed: &mut [Item<'_, '_>], condition: Option<Node<'_>>, index: usize) {
    let condition_id = condition.map(|c| c.id());
    for pending in pushed {
        if Some(pending.node.id()) == condition_id {
            pending.cond = true;
        } else {
            pending.branch = Some(index);
        }
    }
}
