//! Property checks: a field read whose base chain ends with a `property` spec's segments
//! (`ctx.settings.feature_flags.single_branch`, `gctx.cli_unstable().gc`,
//! `settings.get()?.feature_flags.watch_mode`). Method calls in the chain are segments named by
//! the method; `?`, `.await`, parentheses and `&`/`*` are stepped over. Writes
//! (`flags.x = v`, `flags.x ^= true`, `&mut flags.x`) are not checks.

use super::*;

/// One segment of a field read's base chain.
struct Segment {
    name: String,
    /// A method call (`cli_unstable()`, `get()`), not a field or path segment.
    call: bool,
}

impl<'a> Walker<'a> {
    /// Records a property check for every field read of the chain `expr` (outermost first)
    /// whose base ends with a property spec; the outermost read is skipped when it is written.
    pub(super) fn property_checks(&mut self, expr: &Expr) {
        if !self.property_shape {
            return;
        }
        let written = self.write_target == Some(expr as *const Expr as usize);
        let mut cur = expr;
        let mut outermost = true;
        while let Expr::Field(field) = cur {
            if let Member::Named(member) = &field.member {
                if !(outermost && written) {
                    self.property_check(cur, &field.base, member);
                }
            }
            outermost = false;
            cur = &field.base;
        }
    }

    /// `name: T` / `name: &T` (a parameter or `let`) where a property spec names `T`.
    pub(super) fn typed_binding(&mut self, pat: &Pat, ty: &Type) {
        if !self.property_shape {
            return;
        }
        let (Some(name), Some(type_name)) = (pat_ident(pat), binding_type(ty)) else {
            return;
        };
        if self
            .options
            .checks
            .is_shape_candidate(ShapeKind::Property, &type_name)
        {
            self.typed_bindings.push((name, type_name));
        }
    }

    /// `struct RoFeatures { runtime: RuntimeTogglableFeatures }` at module level, where a property
    /// spec names the field's type: `self.runtime.x` in `impl RoFeatures` reads it.
    pub(super) fn collect_typed_fields(&mut self, items: &[Item]) {
        if !self.property_shape {
            return;
        }
        for item in items {
            let Item::Struct(s) = item else {
                continue;
            };
            for field in &s.fields {
                let (Some(name), Some(type_name)) = (&field.ident, binding_type(&field.ty)) else {
                    continue;
                };
                if self
                    .options
                    .checks
                    .is_shape_candidate(ShapeKind::Property, &type_name)
                {
                    self.typed_fields
                        .push((ident_string(&s.ident), ident_string(name), type_name));
                }
            }
        }
    }

    fn property_check(&mut self, read: &Expr, base: &Expr, member: &Ident) {
        let Some(mut segments) = base_segments(base) else {
            return;
        };
        // `self.x` in the flags struct's own `impl` (`fn serverless_compatible(self) -> bool {
        // self.serverless_compatible }`).
        if let (Some(owner), [root]) = (&self.impl_owner, segments.as_mut_slice()) {
            if root.name == "self"
                && !root.call
                && self
                    .options
                    .checks
                    .is_shape_candidate(ShapeKind::Property, owner)
            {
                root.name = owner.clone();
            }
        }
        // `self.runtime.x` in an `impl` of a struct whose `runtime` field has a spec's type.
        if let (Some(owner), [root, field, ..]) = (&self.impl_owner, segments.as_slice()) {
            if root.name == "self" && !root.call && !field.call {
                let typed = self
                    .typed_fields
                    .iter()
                    .find(|(s, f, _)| s == owner && *f == field.name);
                if let Some((_, _, type_name)) = typed {
                    let type_name = type_name.clone();
                    segments.splice(
                        0..2,
                        [Segment {
                            name: type_name,
                            call: false,
                        }],
                    );
                }
            }
        }
        // `flags.x` where `flags: &FeatureFlags`: the binding is named by its type.
        if let [root] = segments.as_mut_slice() {
            if !root.call {
                let typed = self
                    .typed_bindings
                    .iter()
                    .rev()
                    .find(|(n, _)| *n == root.name);
                if let Some((_, type_name)) = typed {
                    root.name = type_name.clone();
                }
            }
        }
        let Some(last) = segments.last() else {
            return;
        };
        let checks = self.options.checks;
        if !checks.is_shape_candidate(ShapeKind::Property, &last.name) {
            return;
        }
        let language = self.options.language;
        let names: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
        let found = checks
            .find_shape(language, ShapeKind::Property, &names)
            .or_else(|| {
                // `settings.get()?.feature_flags`: calls in the middle are stepped over.
                let (last, middle) = segments.split_last()?;
                let names: Vec<&str> = middle
                    .iter()
                    .filter(|s| !s.call)
                    .chain(std::iter::once(last))
                    .map(|s| s.name.as_str())
                    .collect();
                checks.find_shape(language, ShapeKind::Property, &names)
            });
        let Some((spec, found)) = found else {
            return;
        };
        let key = KeyExpr::Literal(ident_string(member));
        if !found.admits(&key) {
            return;
        }
        let site = CheckSite {
            spec,
            key,
            span: self.span(read.span()),
            key_span: self.span(member.span()),
            in_test: self.test_depth > 0,
            scope: self.scope.clone(),
        };
        self.facts.checks.push(site);
    }

    /// Marks `expr` (a field read) as the target of a write while its walk runs.
    pub(super) fn with_write_target(&mut self, target: &Expr, walk: impl FnOnce(&mut Self)) {
        let outer = self
            .write_target
            .replace(unwrap_parens(target) as *const Expr as usize);
        walk(self);
        self.write_target = outer;
    }
}

/// The segments of a field read's base, root first: field and path names, method names
/// (`None` when the chain starts at something else than a path, a call of a path or `self`).
fn base_segments(mut expr: &Expr) -> Option<Vec<Segment>> {
    let mut reversed = Vec::new();
    loop {
        match expr {
            Expr::Field(f) => {
                let Member::Named(ident) = &f.member else {
                    return None;
                };
                reversed.push(Segment {
                    name: ident_string(ident),
                    call: false,
                });
                expr = &f.base;
            }
            Expr::MethodCall(m) => {
                reversed.push(Segment {
                    name: ident_string(&m.method),
                    call: true,
                });
                expr = &m.receiver;
            }
            Expr::Try(t) => expr = &t.expr,
            Expr::Await(a) => expr = &a.base,
            Expr::Paren(p) => expr = &p.expr,
            Expr::Group(g) => expr = &g.expr,
            Expr::Reference(r) => expr = &r.expr,
            Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => expr = &u.expr,
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else {
                    return None;
                };
                let last = p.path.segments.last()?;
                reversed.push(Segment {
                    name: ident_string(&last.ident),
                    call: true,
                });
                break;
            }
            Expr::Path(p) if p.qself.is_none() => {
                reversed.extend(p.path.segments.iter().rev().map(|s| Segment {
                    name: ident_string(&s.ident),
                    call: false,
                }));
                break;
            }
            _ => return None,
        }
    }
    reversed.reverse();
    Some(reversed)
}

/// The type name of a binding's declared type: `T`, `&T`, `&mut T`, `a::b::T`.
fn binding_type(mut ty: &Type) -> Option<String> {
    loop {
        match ty {
            Type::Reference(r) => ty = &r.elem,
            Type::Paren(p) => ty = &p.elem,
            Type::Group(g) => ty = &g.elem,
            _ => break,
        }
    }
    let path = simple_type_path(ty)?;
    path.segments.last().map(|s| ident_string(&s.ident))
}
