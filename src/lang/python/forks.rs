//! Forks: the branches of a Python file, their conditions lowered for the flow layer, and what
//! their bodies hold.

use super::*;

impl<'a, 'o> Walker<'a, 'o> {
    /// `if c: ... elif d: ... else: ...`: the head is a candidate; its clauses are visited
    /// later (in source order) knowing their chain.
    pub(super) fn visit_if(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let Some(condition) = node.child_by_field_name("condition") else {
            return self.push_children(node, ctx);
        };
        let alternative = node.child_by_field_name("alternative");
        let has_else = alternative.is_some();
        let then = self.block(node.child_by_field_name("consequence"));
        let branch = Branch {
            kind: ForkKind::If,
            span: self.lines.span(node.start_byte(), condition.end_byte()),
            has_else,
            exits_early: !has_else && then.leaves,
            then_body: then.body,
            else_body: self.else_body(alternative),
            enclosing: ctx.fork,
            outer: ctx.fork,
            head: None,
        };
        let index = self.push_branch(branch, condition);
        let ctx = ctx.expr();
        self.push_children_with(node, |_, child, field| {
            Some(match field {
                Some("condition") => Ctx {
                    in_cond: true,
                    ..ctx
                },
                Some("alternative") if matches!(child.kind(), "elif_clause" | "else_clause") => {
                    Ctx {
                        chain: Some(index),
                        ..ctx
                    }
                }
                _ => Ctx {
                    fork: Some(index),
                    ..ctx
                },
            })
        });
    }

    pub(super) fn visit_elif(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let head = ctx.chain.and_then(|head| {
            let last_clause = self.candidates.get(head)?.last_clause;
            Some((head, last_clause, self.branches.get(head)?.enclosing))
        });
        let ctx = Ctx { chain: None, ..ctx };
        let (Some((head, previous, enclosing)), Some(condition)) =
            (head, node.child_by_field_name("condition"))
        else {
            return self.push_children(node, ctx);
        };
        let next = next_clause(node);
        let has_else = next.is_some();
        let then = self.block(node.child_by_field_name("consequence"));
        let branch = Branch {
            kind: ForkKind::ElseIf,
            span: self.lines.span(node.start_byte(), condition.end_byte()),
            has_else,
            exits_early: !has_else && then.leaves,
            then_body: then.body,
            else_body: self.else_body(next),
            enclosing,
            outer: Some(previous),
            head: Some(head),
        };
        let index = self.push_branch(branch, condition);
        if let Some(head) = self.candidates.get_mut(head) {
            head.last_clause = index;
        }
        self.push_children_with(node, |_, _, field| {
            Some(if field == Some("condition") {
                Ctx {
                    in_cond: true,
                    fork: enclosing,
                    ..ctx
                }
            } else {
                Ctx {
                    fork: Some(index),
                    ..ctx
                }
            })
        });
    }

    /// The `else:` of an `if` chain: its body is in the else-branch of the chain's last clause.
    pub(super) fn visit_else(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let last = ctx
            .chain
            .and_then(|head| self.candidates.get(head))
            .map(|head| head.last_clause);
        let ctx = Ctx {
            chain: None,
            fork: last.or(ctx.fork),
            ..ctx
        };
        self.push_children(node, ctx);
    }

    /// `a if c else b`.
    pub(super) fn visit_conditional(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let children = self.named_children(node);
        let parts: Vec<Node<'a>> = children.iter().map(|&(child, _)| child).collect();
        self.children_buffer = children;
        let [then, condition, otherwise] = parts[..] else {
            return self.push_children(node, ctx);
        };
        let branch = Branch {
            kind: ForkKind::Ternary,
            span: self.lines.span(node.start_byte(), condition.end_byte()),
            has_else: true,
            exits_early: false,
            then_body: value_body(then),
            else_body: Some(value_body(otherwise)),
            enclosing: ctx.fork,
            outer: ctx.fork,
            head: None,
        };
        let index = self.push_branch(branch, condition);
        let branch = Ctx {
            fork: Some(index),
            ..ctx.expr()
        };
        self.push(otherwise, branch);
        self.push(
            condition,
            Ctx {
                in_cond: true,
                ..ctx.expr()
            },
        );
        self.push(then, branch);
    }

    /// Adds a branch and its condition; its index.
    fn push_branch(&mut self, branch: Branch, condition: Node<'a>) -> usize {
        let index = self.branches.len();
        self.branches.push(branch);
        self.candidates.push(Candidate {
            condition,
            last_clause: index,
        });
        index
    }

    /// Remembers an identifier read inside a condition (it may be a check local).
    pub(super) fn note_cond_ident(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        if ctx.in_cond {
            self.cond_idents
                .push((node.start_byte(), ctx.scope, self.text(node)));
        }
    }

    /// `name = check(...)` / `name := check(...)` (also parenthesised or awaited): remembers the
    /// call so that the name becomes a check local if the call is a check. With property specs,
    /// member chains and subscripts are remembered too (they may be property checks).
    pub(super) fn note_local_call(
        &mut self,
        node: Node<'a>,
        target: &str,
        value: &str,
        scope: usize,
    ) {
        let (Some(target), Some(value)) = (
            node.child_by_field_name(target),
            node.child_by_field_name(value),
        ) else {
            return;
        };
        let value = unwrap_value(value);
        let remembered = match value.kind() {
            "call" => true,
            "attribute" | "subscript" => self.property_shape,
            _ => false,
        };
        if target.kind() == "identifier" && remembered {
            self.local_calls
                .insert(value.id(), (scope, self.text(target)));
        }
    }

    /// `name = "key"` / `name = flags.X` in a function: remembered, in case a check's key is
    /// `name` and `name` is assigned only there.
    pub(super) fn note_local_value(&mut self, assignment: Node<'a>, scope: usize) {
        if scope == 0 {
            return;
        }
        let (Some(target), Some(value)) = (
            assignment.child_by_field_name("left"),
            assignment.child_by_field_name("right"),
        ) else {
            return;
        };
        let value = unwrap_parens(value);
        let constant = matches!(
            value.kind(),
            "string" | "concatenated_string" | "identifier" | "attribute"
        );
        if target.kind() != "identifier" {
            return;
        }
        let name = (scope, self.text(target));
        if constant {
            self.local_values.insert(name, value);
        }
        // A flag object from a getter (`flag = get_waffle_flag_model().get("x")`), if assigned once.
        match self.local_getters.get_mut(&name) {
            Some(first) => *first = None,
            None if value.kind() == "call" => {
                self.local_getters.insert(name, Some(value));
            }
            None => {}
        }
    }

    /// Checks whose key is a local assigned once from a string or a name chain take that value as
    /// their key, located at the value (where the key is spelled).
    pub(super) fn resolve_key_locals(&mut self) -> HashSet<(usize, usize)> {
        let mut values = HashSet::new();
        for (check, scope, name) in std::mem::take(&mut self.key_locals) {
            let Some(&value) = self.local_values.get(&(scope, name)) else {
                continue;
            };
            if !self.locals.written_once(&(scope, name)) {
                continue;
            }
            let key = self.classify_key(value, scope);
            if matches!(key, KeyExpr::Literal(_) | KeyExpr::Path(_)) {
                let key_span = self.span(value);
                let site = &mut self.facts.checks[check];
                site.key = key;
                site.key_span = key_span;
                values.insert((value.start_byte(), value.end_byte()));
            }
        }
        values
    }

    pub(super) fn bind_local(&mut self, scope: usize, name: &'a str) {
        self.locals.write((scope, name), None);
    }

    /// `global x` / `nonlocal x`: `x` is not a local of this scope.
    pub(super) fn bind_declared(&mut self, node: Node<'a>, scope: usize) {
        let children = self.named_children(node);
        for &(child, _) in &children {
            if child.kind() == "identifier" {
                let name = self.text(child);
                self.locals.foreign((scope, name));
            }
        }
        self.children_buffer = children;
    }

    /// `x: int` without a value declares `x` but does not bind it.
    pub(super) fn visit_bare_annotation(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let left = node.child_by_field_name("left");
        if let Some(left) = left.filter(|l| l.kind() == "identifier") {
            if ctx.level == Level::Module {
                let name = self.text(left);
                self.add_module_name(name);
            }
        }
        let target = ctx.target();
        self.push_children_with(node, |_, child, field| {
            if field == Some("left") {
                (child.kind() != "identifier").then_some(target)
            } else {
                Some(ctx)
            }
        });
    }

    /// Turns the branches whose condition tests a flag into forks.
    pub(super) fn resolve_forks(&mut self) {
        let branches = std::mem::take(&mut self.branches);
        let candidates = std::mem::take(&mut self.candidates);
        let calls = self.facts.checks.iter().enumerate();
        let calls = calls.map(|(i, c)| (c.span.start as usize, c.span.end as usize, i));
        let locals = self.cond_idents.iter().filter_map(|&(start, scope, name)| {
            let check = self.locals.check_local(&(scope, name))?;
            Some((start, start + name.len(), check))
        });
        let tests = FlagTests::new(calls.chain(locals).collect());
        self.facts.forks = flow::forks(&branches, |index| {
            let condition = candidates[index].condition;
            let node = |node| condition_node(node, self.source);
            let leaf = |node| {
                let node = unwrap_value(node);
                let kinds = ["call", "attribute", "subscript", "identifier"];
                kinds.contains(&node.kind()).then(|| node.byte_range())
            };
            tests.tested(condition, condition.byte_range(), node, leaf)
        });
    }

    /// What a block of statements holds.
    fn block(&self, block: Option<Node<'a>>) -> Held {
        let statements = block.map(|b| {
            let mut cursor = b.walk();
            b.named_children(&mut cursor).collect::<Vec<_>>()
        });
        flow::branch(statements.into_iter().flatten().map(|s| self.statement(s)))
    }

    /// What the `else:` among an if's or elif's next clause holds (`None` for an `elif`).
    pub(super) fn else_body(&self, clause: Option<Node<'a>>) -> Option<Body> {
        clause
            .filter(|c| c.kind() == "else_clause")
            .map(|c| self.block(c.child_by_field_name("body")).body)
    }

    pub(super) fn statement(&self, node: Node<'a>) -> Statement {
        match node.kind() {
            "pass_statement" | "comment" => Statement::Nothing,
            "return_statement" | "raise_statement" | "continue_statement" | "break_statement" => {
                Statement::Exit
            }
            "expression_statement" => {
                let mut cursor = node.walk();
                let expression = node.named_children(&mut cursor).next();
                match expression.map(unwrap_value) {
                    Some(e) if matches!(e.kind(), "ellipsis" | "string") => Statement::Nothing,
                    Some(e) if e.kind() == "call" => {
                        let segments = e
                            .child_by_field_name("function")
                            .and_then(|callee| callee_segments(callee, self.source))
                            .unwrap_or_default();
                        if flow::is_log_call(&segments) {
                            Statement::Log
                        } else {
                            Statement::Other
                        }
                    }
                    _ => Statement::Other,
                }
            }
            _ => Statement::Other,
        }
    }
}

/// `a == b`, `a is not b`...: the comparison as the flow layer reads it; `None` for any other.
fn equality(node: Node) -> Option<CondNode<Node>> {
    let mut cursor = node.walk();
    let mut operands = Vec::new();
    let mut operators = Vec::new();
    for child in node.children(&mut cursor) {
        if child.kind() == "comment" {
            continue;
        }
        if child.is_named() {
            operands.push(child);
        } else {
            operators.push(child.kind());
        }
    }
    let (&[left, right], [operator]) = (operands.as_slice(), operators.as_slice()) else {
        return None;
    };
    let equal = match *operator {
        "==" | "is" => true,
        "!=" | "<>" | "is not" => false,
        _ => return None,
    };
    Some(CondNode::Compare {
        equal,
        operands: [left, right],
    })
}

/// One node of a condition, for [`flow::condition`].
fn condition_node<'t>(node: Node<'t>, source: &str) -> CondNode<Node<'t>> {
    let unary = |operand, negates| CondNode::Unary { operand, negates };
    match node.kind() {
        "parenthesized_expression" | "await" => match unwrap_value(node) {
            inner if inner != node => unary(inner, false),
            _ => CondNode::Leaf,
        },
        "not_operator" => match node.child_by_field_name("argument") {
            Some(argument) => unary(argument, true),
            None => CondNode::Leaf,
        },
        "comparison_operator" => equality(node).unwrap_or(CondNode::Leaf),
        "true" => CondNode::Bool(true),
        "false" => CondNode::Bool(false),
        "boolean_operator" => match (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) {
            (Some(left), Some(right)) => CondNode::Junction {
                any: node.child_by_field_name("operator").map(|o| o.kind()) == Some("or"),
                operands: [left, right],
            },
            _ => CondNode::Leaf,
        },
        "call" => {
            let arguments = node
                .child_by_field_name("arguments")
                .filter(|a| a.kind() == "argument_list");
            let callee = node
                .child_by_field_name("function")
                .and_then(|f| callee_segments(f, source));
            let arguments = arguments.map(named_children).unwrap_or_default();
            match (callee, &arguments[..]) {
                (Some(callee), &[argument])
                    if !matches!(
                        argument.kind(),
                        "keyword_argument" | "list_splat" | "dictionary_splat"
                    ) =>
                {
                    CondNode::Call {
                        callee: callee.into_iter().map(str::to_string).collect(),
                        argument,
                    }
                }
                _ => CondNode::Leaf,
            }
        }
        _ => CondNode::Leaf,
    }
}

/// The named children of a node but comments.
fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// The segments of a callee that is a name or a static attribute chain: `f`, `a.b.f`.
fn callee_segments<'s>(callee: Node, source: &'s str) -> Option<Vec<&'s str>> {
    match attribute_chain(callee) {
        Chain::Rooted(segments) => Some(segments.iter().map(|s| &source[s.byte_range()]).collect()),
        Chain::Unrooted(_) => None,
    }
}

/// What a ternary's value holds: `None` is nothing.
fn value_body(value: Node) -> Body {
    if unwrap_parens(value).kind() == "none" {
        Body::Empty
    } else {
        Body::Code
    }
}

/// The then-branch block ends with `return`, `raise`, `continue` or `break`.
/// The `elif` or `else` clause that follows this clause of its chain.
fn next_clause(node: Node) -> Option<Node> {
    let mut next = node.next_named_sibling();
    while let Some(sibling) = next {
        match sibling.kind() {
            "comment" => next = sibling.next_named_sibling(),
            "elif_clause" | "else_clause" => return Some(sibling),
            _ => return None,
        }
    }
    None
}
