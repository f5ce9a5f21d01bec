//! Forks: the `if` chains of a Rust file, their conditions lowered for the flow layer, what their
//! blocks hold, and the bindings that make check locals.

use super::*;

impl<'a> Walker<'a> {
    pub(super) fn name_hash(&mut self, ident: &Ident) -> NameHash {
        let name = ident_str(&mut self.buf, ident);
        self.hasher.hash_one(name)
    }

    /// Tells the current fn's locals about `ident`.
    pub(super) fn local(
        &mut self,
        ident: &Ident,
        tell: impl FnOnce(&mut Locals<NameHash>, NameHash),
    ) {
        let hash = self.name_hash(ident);
        if let Some(frame) = self.frames.last_mut() {
            tell(&mut frame.locals, hash);
        }
    }

    /// Counts one binding or assignment of `ident` in the current fn.
    pub(super) fn bind_ident(&mut self, ident: &Ident) {
        self.local(ident, |locals, name| locals.write(name, None));
    }

    /// The names a parameter pattern binds.
    pub(super) fn bind_pattern(&mut self, pat: &Pat) {
        let mut stack = vec![pat];
        while let Some(pat) = stack.pop() {
            match pat {
                Pat::Ident(p) => {
                    self.local(&p.ident, |locals, name| locals.foreign(name));
                    if let Some((_, sub)) = &p.subpat {
                        stack.push(sub);
                    }
                }
                Pat::Or(p) => stack.extend(p.cases.iter()),
                Pat::Paren(p) => stack.push(&p.pat),
                Pat::Reference(p) => stack.push(&p.pat),
                Pat::Slice(p) => stack.extend(p.elems.iter()),
                Pat::Struct(p) => stack.extend(p.fields.iter().map(|f| &*f.pat)),
                Pat::Tuple(p) => stack.extend(p.elems.iter()),
                Pat::TupleStruct(p) => stack.extend(p.elems.iter()),
                Pat::Type(p) => stack.push(&p.pat),
                _ => {}
            }
        }
    }

    /// The index of the check recorded (at or after `from`) for exactly this call expression.
    pub(super) fn check_at(&self, expr: &Expr, from: usize) -> Option<usize> {
        if !matches!(expr, Expr::Call(_) | Expr::MethodCall(_) | Expr::Field(_)) {
            return None;
        }
        let span = self.span(expr.span());
        let checks = self.facts.checks.get(from..)?;
        checks.iter().position(|c| c.span == span).map(|i| from + i)
    }

    /// The frame's bindings are complete: resolves the conditions that use its check locals.
    pub(super) fn close_frame(&mut self) {
        let Some(mut frame) = self.frames.pop() else {
            return;
        };
        for (slot, hash, range) in frame.refs.drain(..) {
            let Some(check) = frame.locals.check_local(&hash) else {
                continue;
            };
            if let Some(slot) = self.fork_slots.get_mut(slot) {
                slot.tested.checks.push(check);
            }
            self.local_tests.push((range.start, range.end, check));
        }
        frame.locals.clear();
        self.spare_frames.push(frame);
    }

    /// Opens the slot of one `if` / `else if` link and walks its condition. Returns `None` (and
    /// keeps no slot) when the condition cannot test a flag.
    pub(super) fn open_fork(
        &mut self,
        expr: &ExprIf,
        kind: ForkKind,
        head: Option<usize>,
        parent_of: Option<usize>,
        outer: Option<usize>,
    ) -> Option<usize> {
        let index = self.fork_slots.len();
        let start = expr.if_token.span.byte_range().start;
        let end = expr.cond.span().byte_range().end.max(start);
        let has_else = expr.else_branch.is_some();
        let else_body = expr
            .else_branch
            .as_ref()
            .and_then(|(_, branch)| match &**branch {
                Expr::If(_) => None,
                Expr::Block(block) => Some(block_branch(&block.block).body),
                _ => Some(Body::Code),
            });
        let then = block_branch(&expr.then_branch);
        self.fork_slots.push(ForkSlot {
            branch: Branch {
                kind,
                span: self.index.span(self.base + start, self.base + end),
                has_else,
                exits_early: !has_else && then.leaves,
                then_body: then.body,
                else_body,
                enclosing: parent_of,
                outer,
                head,
            },
            tested: Tested::default(),
            negated_leaf: None,
            then_without: Vec::new(),
            refs: 0,
        });
        let before = self.facts.checks.len();
        let blocks_before = self.cond_blocks.len();
        // Forks inside the condition belong to the enclosing context, not to this branch.
        self.fork_ctx = outer;
        self.cond_stack.push(index);
        self.visit_expr(&expr.cond);
        self.cond_stack.pop();
        let after = self.facts.checks.len();
        let blocks = self.cond_blocks.split_off(blocks_before);
        let own = |check: &usize| !blocks.iter().any(|b| b.contains(check));
        if !(before..after).any(|c| own(&c))
            && self.fork_slots[index].refs == 0
            && self.fork_slots.len() == index + 1
        {
            self.fork_slots.pop();
            return None;
        }
        let condition = flow::condition(&*expr.cond, condition_node);
        let range = |leaf: &Expr| {
            let span = self.span(unwrap_check_value(leaf).span());
            span.start as usize..span.end as usize
        };
        let negated_leaf = condition.negated_leaf.map(range);
        let then_without = condition.then_without.into_iter().map(range).collect();
        let slot = &mut self.fork_slots[index];
        slot.tested.checks.extend((before..after).filter(own));
        slot.tested.test.compound = condition.compound;
        slot.negated_leaf = negated_leaf;
        slot.then_without = then_without;
        Some(index)
    }

    /// Resolves the fork slots into [`FileFacts::forks`] and returns the facts.
    pub(super) fn finish(mut self) -> FileFacts {
        while !self.frames.is_empty() {
            self.close_frame();
        }
        let calls = self.facts.checks.iter().enumerate();
        let calls = calls.map(|(i, c)| (c.span.start as usize, c.span.end as usize, i));
        let locals = std::mem::take(&mut self.local_tests);
        let tests = FlagTests::new(calls.chain(locals).collect());
        let (branches, mut conditions): (Vec<Branch>, Vec<_>) =
            std::mem::take(&mut self.fork_slots)
                .into_iter()
                .map(|slot| {
                    (
                        slot.branch,
                        (slot.tested, slot.negated_leaf, slot.then_without),
                    )
                })
                .unzip();
        self.facts.forks = flow::forks(&branches, |index| {
            let (tested, negated_leaf, then_without) = &mut conditions[index];
            let is_test = |range: &Range<usize>| tests.is_test(range.clone());
            tested.test.negated = negated_leaf.as_ref().is_some_and(is_test);
            tested.test.then_without_flag = then_without.iter().any(is_test);
            std::mem::take(tested)
        });
        self.facts
    }

    /// Visits the comma-separated expressions of a macro body, if it has that shape.
    pub(super) fn walk_macro(&mut self, mac: &Macro) {
        self.walk_macro_tokens(mac.tokens.clone(), 0);
    }
}

/// One node of a condition, for [`flow::condition`].
fn condition_node(expr: &Expr) -> CondNode<&Expr> {
    let unary = |operand, negates| CondNode::Unary { operand, negates };
    match expr {
        Expr::Paren(p) => unary(&*p.expr, false),
        Expr::Group(g) => unary(&*g.expr, false),
        Expr::Await(a) => unary(&*a.base, false),
        Expr::Unary(u) if matches!(u.op, UnOp::Not(_)) => unary(&*u.expr, true),
        Expr::Binary(b) => match b.op {
            BinOp::And(_) | BinOp::Or(_) => CondNode::Junction {
                any: matches!(b.op, BinOp::Or(_)),
                operands: [&*b.left, &*b.right],
            },
            BinOp::Eq(_) | BinOp::Ne(_) => CondNode::Compare {
                equal: matches!(b.op, BinOp::Eq(_)),
                operands: [&*b.left, &*b.right],
            },
            _ => CondNode::Leaf,
        },
        Expr::Lit(syn::ExprLit {
            lit: Lit::Bool(value),
            ..
        }) => CondNode::Bool(value.value),
        Expr::Call(call) if call.args.len() == 1 => match &*call.func {
            Expr::Path(p) if p.qself.is_none() => CondNode::Call {
                callee: p
                    .path
                    .segments
                    .iter()
                    .map(|s| ident_string(&s.ident))
                    .collect(),
                argument: &call.args[0],
            },
            _ => CondNode::Leaf,
        },
        _ => CondNode::Leaf,
    }
}

/// What a block holds.
fn block_branch(block: &Block) -> Held {
    flow::branch(block.stmts.iter().map(|stmt| match stmt {
        Stmt::Expr(expr, _) => expr_statement(expr),
        Stmt::Macro(m) => macro_statement(&m.mac),
        Stmt::Local(_) | Stmt::Item(_) => Statement::Other,
    }))
}

fn expr_statement(expr: &Expr) -> Statement {
    match expr {
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => Statement::Exit,
        Expr::Macro(m) => macro_statement(&m.mac),
        Expr::Tuple(t) if t.elems.is_empty() => Statement::Nothing,
        Expr::Call(call) => match &*call.func {
            Expr::Path(p) if is_log_path(&p.path) => Statement::Log,
            _ => Statement::Other,
        },
        _ => Statement::Other,
    }
}

fn macro_statement(mac: &Macro) -> Statement {
    if is_exit_macro(mac) {
        Statement::Exit
    } else if is_log_path(&mac.path) {
        Statement::Log
    } else {
        Statement::Other
    }
}

fn is_log_path(path: &Path) -> bool {
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|s| ident_string(&s.ident))
        .collect();
    flow::is_log_call(&segments)
}

/// A macro that does not return: `panic!`, `unreachable!`, `bail!`, `todo!`.
fn is_exit_macro(mac: &Macro) -> bool {
    mac.path.segments.last().is_some_and(|s| {
        s.ident == "panic" || s.ident == "unreachable" || s.ident == "bail" || s.ident == "todo"
    })
}
