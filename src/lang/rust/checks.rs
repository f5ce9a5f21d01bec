//! Checks: calls of configured check functions in a Rust file (plain, method and turbofish
//! calls) and their keys.

use super::*;

impl<'a> Walker<'a> {
    pub(super) fn walk_call(&mut self, call: &ExprCall) {
        let mut skip = None;
        if let Expr::Path(p) = &*call.func {
            if p.qself.is_none()
                && self.is_registration_candidate(p.path.segments.last().map(|s| &s.ident))
            {
                let chain = path_chain(&p.path);
                self.registration(&chain, &call.args, call.span());
            }
            if p.qself.is_none() && self.last_is_candidate(&p.path) {
                let chain = path_chain(&p.path);
                skip = self.check(&chain, &call.args, call.span());
            }
            if self.generic_shape && p.qself.is_none() {
                if let Some(last) = p.path.segments.last() {
                    if let PathArguments::AngleBracketed(generics) = &last.arguments {
                        if self.is_generic_candidate(&last.ident) {
                            let chain = path_chain(&p.path);
                            self.generic_check(&chain, generics, call.span());
                        }
                    }
                }
            }
        }
        self.visit_callee(&call.func);
        self.visit_args(&call.args, skip);
    }

    /// The callee of a call or the receiver of a method call: a path or field chain there is
    /// recorded as called.
    fn visit_callee(&mut self, expr: &Expr) {
        match expr {
            Expr::Path(p) => {
                self.note_cond_path(p);
                self.record_path(p, true)
            }
            Expr::Field(_) => self.walk_field_chain(expr, true),
            _ => self.visit_expr(expr),
        }
    }

    pub(super) fn walk_method_call(&mut self, call: &ExprMethodCall) {
        let mut skip = None;
        if self.is_candidate(&call.method) {
            let mut chain = static_chain(&call.receiver).unwrap_or_default();
            chain.push(ident_string(&call.method));
            skip = self.check(&chain, &call.args, call.span());
        }
        if let Some(generics) = &call.turbofish {
            if self.generic_shape && self.is_generic_candidate(&call.method) {
                let mut chain = static_chain(&call.receiver).unwrap_or_default();
                chain.push(ident_string(&call.method));
                self.generic_check(&chain, generics, call.span());
            }
        }
        self.visit_callee(&call.receiver);
        // After the receiver: `m.add("a").add("b")` registers `a` before `b`.
        if self.is_registration_candidate(Some(&call.method)) {
            let mut chain = static_chain(&call.receiver).unwrap_or_default();
            chain.push(ident_string(&call.method));
            self.registration(&chain, &call.args, call.span());
        }
        self.visit_args(&call.args, skip);
    }

    fn is_generic_candidate(&mut self, ident: &Ident) -> bool {
        let name = ident_str(&mut self.buf, ident);
        self.options
            .checks
            .is_shape_candidate(ShapeKind::Generic, name)
    }

    /// Records a [`Shape::Generic`] check site if `chain` (the callee) matches one and the first
    /// generic argument is a plain type path: the key is that path plus the spec's constant
    /// (`has_flag::<NewRouterFlag>()` checks `NewRouterFlag::NAME`).
    fn generic_check(
        &mut self,
        chain: &[String],
        generics: &AngleBracketedGenericArguments,
        call_span: proc_macro2::Span,
    ) {
        let callee: Vec<&str> = chain.iter().map(String::as_str).collect();
        let checks = self.options.checks;
        let Some((spec_index, spec)) =
            checks.find_shape(self.options.language, ShapeKind::Generic, &callee)
        else {
            return;
        };
        let Shape::Generic { constant } = &spec.shape else {
            return;
        };
        let Some(GenericArgument::Type(ty)) = generics.args.first() else {
            return;
        };
        let Some(type_path) = simple_type_path(ty) else {
            return;
        };
        if chain
            .last()
            .is_some_and(|last| self.fn_names.iter().any(|name| name == last))
        {
            return;
        }
        let mut segments = path_chain(type_path);
        let key = match segments.as_slice() {
            [name]
                if type_path.leading_colon.is_none()
                    && self.type_params.iter().any(|t| t == name) =>
            {
                KeyExpr::Dynamic(format!("type parameter `{name}`"))
            }
            _ => {
                segments.push(constant.clone());
                KeyExpr::Path(segments)
            }
        };
        let site = CheckSite {
            spec: spec_index,
            key,
            span: self.span(call_span),
            key_span: self.span(ty.span()),
            in_test: self.test_depth > 0,
            scope: self.scope.clone(),
        };
        self.facts.checks.push(site);
    }

    fn visit_args(&mut self, args: &Punctuated<Expr, Token![,]>, skip: Option<usize>) {
        for (i, arg) in args.iter().enumerate() {
            if skip != Some(i) {
                self.visit_expr(arg);
            }
        }
    }

    fn last_is_candidate(&mut self, path: &Path) -> bool {
        path.segments
            .last()
            .is_some_and(|s| self.is_candidate(&s.ident))
    }

    fn is_candidate(&mut self, ident: &Ident) -> bool {
        let name = ident_str(&mut self.buf, ident);
        self.options.checks.is_candidate(name)
    }

    /// Records a check site if `chain` matches a configured check; returns the index of the key
    /// argument when it must not be visited again (it is the check's key).
    pub(super) fn check(
        &mut self,
        chain: &[String],
        args: &Punctuated<Expr, Token![,]>,
        call_span: proc_macro2::Span,
    ) -> Option<usize> {
        let callee: Vec<&str> = chain.iter().map(String::as_str).collect();
        let (spec_index, spec) = self.options.checks.find(self.options.language, &callee)?;
        if spec.flag.is_some() || spec.gate.is_some() {
            let key =
                crate::lang::gates::callee_key(spec, chain.last()?, self.options.interesting)?;
            let span = self.span(call_span);
            self.facts.checks.push(CheckSite {
                spec: spec_index,
                key: KeyExpr::Literal(key),
                span,
                key_span: span,
                in_test: self.test_depth > 0,
                scope: self.scope.clone(),
            });
            return None;
        }
        let position = spec.key.position?;
        let arg = args.iter().nth(position)?;
        let last = chain.last()?;
        if self.fn_names.iter().any(|name| name == last) {
            return None;
        }
        let (key, is_static) = self.classify_key(arg);
        let key = crate::lang::gates::through_template(spec, key)?;
        let site = CheckSite {
            spec: spec_index,
            key,
            span: self.span(call_span),
            key_span: self.span(arg.span()),
            in_test: self.test_depth > 0,
            scope: self.scope.clone(),
        };
        self.facts.checks.push(site);
        is_static.then_some(position)
    }

    /// The key argument as a [`KeyExpr`], and whether it is a plain name/path/literal (whose
    /// expression is then not visited for symbol uses).
    fn classify_key(&self, arg: &Expr) -> (KeyExpr, bool) {
        let expr = unwrap_key(arg);
        let dynamic = |reason: DynamicReason| (KeyExpr::from(reason), false);
        match expr {
            Expr::Lit(lit) => match &lit.lit {
                Lit::Str(s) => (KeyExpr::Literal(s.value()), true),
                _ => (KeyExpr::from(DynamicReason::NonStringLiteral), true),
            },
            Expr::Path(p) if p.qself.is_none() => {
                let segments: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| ident_string(&s.ident))
                    .collect();
                match segments.as_slice() {
                    // The receiver of a method: the key its callers chose.
                    [name] if name == "self" || name == "Self" => {
                        (KeyExpr::Parameter(name.clone()), true)
                    }
                    [name] if p.path.leading_colon.is_none() && self.is_param(name) => {
                        (KeyExpr::Parameter(name.clone()), true)
                    }
                    _ => (KeyExpr::Path(segments), true),
                }
            }
            Expr::Field(_) => match static_chain(expr) {
                Some(chain) if chain.first().is_some_and(|root| root == "self") => {
                    dynamic(DynamicReason::MemberOfThis)
                }
                Some(chain) => (KeyExpr::Path(chain), true),
                None => dynamic(DynamicReason::FieldOfExpression),
            },
            Expr::Macro(m) if m.mac.path.is_ident("format") => dynamic(DynamicReason::FormatMacro),
            Expr::Macro(_) => dynamic(DynamicReason::MacroCall),
            Expr::Call(call) => match self.key_type_call(call) {
                Some(key) => (KeyExpr::Literal(key), true),
                None => dynamic(DynamicReason::CallResult),
            },
            Expr::MethodCall(_) => dynamic(DynamicReason::MethodCallResult),
            Expr::Binary(b) if matches!(b.op, BinOp::Add(_)) => {
                dynamic(DynamicReason::StringConcatenation)
            }
            Expr::If(_) | Expr::Match(_) => dynamic(DynamicReason::Conditional),
            Expr::Index(_) => dynamic(DynamicReason::Subscript),
            _ => dynamic(DynamicReason::Expression),
        }
    }

    fn is_param(&self, name: &str) -> bool {
        for frame in self.params.iter().rev() {
            if frame.names.iter().any(|n| n == name) {
                return true;
            }
            if frame.is_fn {
                break;
            }
        }
        false
    }
}
