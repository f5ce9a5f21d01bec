//! Definitions: items of a Rust file (constants, statics, `use` trees, modules, impls) and the
//! configured definition shapes (enums, structs, registrations).

use super::*;

impl<'a> Walker<'a> {
    pub(super) fn walk_items(&mut self, items: &[Item]) {
        self.collect_import_locals(items);
        self.collect_typed_fields(items);
        for item in items {
            self.visit_item(item);
        }
    }

    /// Local names of the `use` items at module level (through inline modules), so that uses
    /// written before the `use` still count as rooted at an import.
    fn collect_import_locals(&mut self, items: &[Item]) {
        let mut stack: Vec<&[Item]> = vec![items];
        while let Some(items) = stack.pop() {
            for item in items {
                match item {
                    Item::Use(u) => {
                        for (local, _, _) in flatten_use(&u.tree) {
                            if local != "*" {
                                self.import_locals.insert(local);
                            }
                        }
                    }
                    Item::Mod(m) => {
                        if let Some((_, content)) = &m.content {
                            stack.push(content);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    pub(super) fn at_top_level(&self) -> bool {
        self.mod_depth == 0 && self.body_depth == 0
    }

    fn add_module_name(&mut self, name: String) {
        if name != "_" && name != "*" && self.module_names.insert(name.clone()) {
            self.facts.module_names.push(name);
        }
    }

    pub(super) fn add_item_names(&mut self, item: &Item) {
        let ident = match item {
            Item::Fn(f) => Some(&f.sig.ident),
            Item::Struct(s) => Some(&s.ident),
            Item::Enum(e) => Some(&e.ident),
            Item::Union(u) => Some(&u.ident),
            Item::Trait(t) => Some(&t.ident),
            Item::TraitAlias(t) => Some(&t.ident),
            Item::Type(t) => Some(&t.ident),
            Item::Const(c) => Some(&c.ident),
            Item::Static(s) => Some(&s.ident),
            Item::Mod(m) => Some(&m.ident),
            Item::Macro(m) => m.ident.as_ref(),
            Item::ExternCrate(e) => Some(e.rename.as_ref().map_or(&e.ident, |(_, r)| r)),
            Item::ForeignMod(f) => {
                for foreign in &f.items {
                    let ident = match foreign {
                        ForeignItem::Fn(f) => &f.sig.ident,
                        ForeignItem::Static(s) => &s.ident,
                        ForeignItem::Type(t) => &t.ident,
                        _ => continue,
                    };
                    self.add_module_name(ident_string(ident));
                }
                None
            }
            _ => None,
        };
        if let Some(ident) = ident {
            self.add_module_name(ident_string(ident));
        }
    }

    pub(super) fn walk_mod(&mut self, item: &syn::ItemMod) {
        let Some((_, content)) = &item.content else {
            return;
        };
        self.scope.push(ident_string(&item.ident));
        self.mod_depth += 1;
        for item in content {
            self.visit_item(item);
        }
        self.mod_depth -= 1;
        self.scope.pop();
    }

    pub(super) fn walk_fn(&mut self, sig: &Signature, block: &Block) {
        let names = sig
            .inputs
            .iter()
            .filter_map(|arg| match arg {
                FnArg::Typed(t) => pat_ident(&t.pat),
                FnArg::Receiver(_) => None,
            })
            .collect();
        let type_params_len = self.type_params.len();
        if self.generic_shape {
            self.type_params.extend(type_param_names(&sig.generics));
        }
        let typed_len = self.typed_bindings.len();
        for arg in &sig.inputs {
            if let FnArg::Typed(t) = arg {
                self.typed_binding(&t.pat, &t.ty);
            }
        }
        self.fn_names.push(ident_string(&sig.ident));
        self.params.push(ParamFrame { names, is_fn: true });
        let frame = self.spare_frames.pop().unwrap_or_default();
        self.frames.push(frame);
        for arg in &sig.inputs {
            if let FnArg::Typed(t) = arg {
                self.bind_pattern(&t.pat);
            }
        }
        // A named fn is a boundary: forks inside it have no parent outside.
        let ctx = self.fork_ctx.take();
        self.visit_block(block);
        self.fork_ctx = ctx;
        self.close_frame();
        self.params.pop();
        self.fn_names.pop();
        self.type_params.truncate(type_params_len);
        self.typed_bindings.truncate(typed_len);
    }

    pub(super) fn record_use(&mut self, item: &ItemUse) {
        let reexport = !matches!(item.vis, Visibility::Inherited) && self.body_depth == 0;
        let span = self.span(item.span());
        let top = self.at_top_level();
        for (local, module, name) in flatten_use(&item.tree) {
            if local != "*" {
                self.import_locals.insert(local.clone());
                if top {
                    self.add_module_name(local.clone());
                }
            }
            self.facts.imports.push(Import {
                local,
                module: ModuleRef::Rust(module),
                name,
                reexport,
                scope: self.scope.clone(),
                span,
            });
        }
    }

    pub(super) fn record_extern_crate(&mut self, item: &syn::ItemExternCrate) {
        let name = ident_string(&item.ident);
        let local = item
            .rename
            .as_ref()
            .map_or_else(|| name.clone(), |(_, r)| ident_string(r));
        self.import_locals.insert(local.clone());
        let span = self.span(item.span());
        self.facts.imports.push(Import {
            local,
            module: ModuleRef::Rust(Vec::new()),
            name: Some(name),
            reexport: !matches!(item.vis, Visibility::Inherited) && self.body_depth == 0,
            scope: self.scope.clone(),
            span,
        });
    }

    /// `const X: &str = "x";` / `static X: &str = "x";` at module level, outside test code.
    pub(super) fn string_const(&mut self, ident: &Ident, value: &Expr, item: &Item) {
        if self.body_depth > 0 || self.test_depth > 0 {
            return;
        }
        self.push_string_const(None, ident, value, item.span());
    }

    /// `const NAME: &str = "x";` in the body of the module-level `impl` [`Self::impl_owner`]
    /// (outside test code): symbol `[.., Owner, NAME]`.
    pub(super) fn impl_string_const(&mut self, item: &ImplItemConst) {
        if self.test_depth > 0 {
            return;
        }
        let Some(owner) = self.impl_owner.clone() else {
            return;
        };
        self.push_string_const(Some(owner), &item.ident, &item.expr, item.span());
    }

    /// The self type name of an `impl` whose string consts are definitions: at module level (or
    /// in inline modules), outside test code, without generic parameters, for a plain path type
    /// (`NewRouterFlag`, `flags::NewRouterFlag`).
    pub(super) fn const_owner(&self, item: &ItemImpl) -> Option<String> {
        if self.body_depth > 0 || self.test_depth > 0 || !item.generics.params.is_empty() {
            return None;
        }
        let path = simple_type_path(&item.self_ty)?;
        path.segments.last().map(|s| ident_string(&s.ident))
    }

    fn push_string_const(
        &mut self,
        owner: Option<String>,
        ident: &Ident,
        value: &Expr,
        span: proc_macro2::Span,
    ) {
        if ident == "_" {
            return;
        }
        let Expr::Lit(lit) = unwrap_parens(value) else {
            return;
        };
        let Lit::Str(s) = &lit.lit else {
            return;
        };
        let mut symbol = self.scope.clone();
        symbol.extend(owner);
        symbol.push(ident_string(ident));
        let span = self.span(span);
        let name_span = self.span(ident.span());
        self.facts.string_consts.push(StringConst {
            reference: Some(symbol.join("::")),
            symbol,
            value: s.value(),
            exported: true,
            span,
            name_span,
            kind: ConstKind::Constant,
        });
    }

    pub(super) fn definitions(&self) -> &'a DefinitionShapes {
        self.options.definitions
    }

    /// A listed enum or struct (by its own name) at module level, outside test code.
    fn is_definition_type(&self, names: &[String], ident: &Ident) -> bool {
        !names.is_empty()
            && self.body_depth == 0
            && self.test_depth == 0
            && names.iter().any(|name| ident == name.as_str())
    }

    /// `enum Feature { NewRouter, #[serde(rename = "x")] Other }` named in
    /// [`DefinitionShapes::enums`]: one constant `[.., Feature, Variant]` per variant.
    pub(super) fn enum_definitions(&mut self, item: &ItemEnum) {
        if self.body_depth == 0 {
            let owner = ident_string(&item.ident);
            for variant in &item.variants {
                self.add_member_name(&owner, &variant.ident);
            }
        }
        if !self.is_definition_type(&self.definitions().enums, &item.ident) {
            return;
        }
        let owner = ident_string(&item.ident);
        for variant in &item.variants {
            if is_test_code(&variant.attrs) {
                continue;
            }
            self.push_definition(
                ConstKind::EnumVariant,
                &owner,
                &variant.ident,
                &variant.attrs,
                variant.span(),
                true,
            );
        }
    }

    fn add_member_name(&mut self, owner: &str, member: &Ident) {
        let member = ident_str(&mut self.buf, member);
        self.facts.member_names.push(format!("{owner}.{member}"));
    }

    /// The functions, consts and types of a module-level `impl` of a plain path type.
    pub(super) fn impl_members(&mut self, item: &ItemImpl) {
        if self.body_depth > 0 {
            return;
        }
        let Some(owner) = simple_type_path(&item.self_ty)
            .and_then(|path| path.segments.last())
            .map(|s| ident_string(&s.ident))
        else {
            return;
        };
        for impl_item in &item.items {
            let ident = match impl_item {
                ImplItem::Fn(f) => &f.sig.ident,
                ImplItem::Const(c) => &c.ident,
                ImplItem::Type(t) => &t.ident,
                _ => continue,
            };
            self.add_member_name(&owner, ident);
        }
    }

    /// `struct FeatureSettings { shadow: bool, canary: Option<bool>, .. }` named in
    /// [`DefinitionShapes::structs`]: one constant `[.., FeatureSettings, field]` per `bool` field.
    pub(super) fn struct_definitions(&mut self, item: &ItemStruct) {
        let Fields::Named(fields) = &item.fields else {
            return;
        };
        let owner = ident_string(&item.ident);
        if self.body_depth == 0 {
            for ident in fields.named.iter().filter_map(|f| f.ident.as_ref()) {
                self.add_member_name(&owner, ident);
            }
        }
        if !self.is_definition_type(&self.definitions().structs, &item.ident) {
            return;
        }
        let rename_all = serde_rename_all(&item.attrs);
        for field in &fields.named {
            let Some(ident) = &field.ident else {
                continue;
            };
            if !is_test_code(&field.attrs) {
                let index = self.facts.string_consts.len();
                self.push_definition(
                    ConstKind::StructField,
                    &owner,
                    ident,
                    &field.attrs,
                    field.span(),
                    false,
                );
                if let (Some(rule), None) = (&rename_all, serde_rename(&field.attrs)) {
                    if let Some(constant) = self.facts.string_consts.get_mut(index) {
                        constant.value = rename_field(&constant.value, rule);
                    }
                }
            }
        }
    }

    /// A variant or field key: its name, or the `#[serde(rename = "x")]` on it. A variant
    /// (`referenceable`) is named `Enum::Variant` in code; a field is no name for its key.
    fn push_definition(
        &mut self,
        kind: ConstKind,
        owner: &str,
        ident: &Ident,
        attrs: &[Attribute],
        span: proc_macro2::Span,
        referenceable: bool,
    ) {
        let name = ident_string(ident);
        let value = serde_rename(attrs).unwrap_or_else(|| name.clone());
        let mut symbol = self.scope.clone();
        symbol.push(owner.to_string());
        symbol.push(name);
        let span = self.span(span);
        let name_span = self.span(ident.span());
        self.facts.string_consts.push(StringConst {
            reference: referenceable.then(|| symbol.join("::")),
            symbol,
            value,
            exported: true,
            span,
            name_span,
            kind,
        });
    }

    /// Whether a callee ending in `last` may be a registration (none configured: never).
    pub(super) fn is_registration_candidate(&mut self, last: Option<&Ident>) -> bool {
        let registrations = self.options.definitions;
        if registrations.registrations.is_empty() || self.test_depth > 0 {
            return false;
        }
        let Some(last) = last else {
            return false;
        };
        let name = ident_str(&mut self.buf, last);
        registrations.is_registration_candidate(name)
    }

    /// `manager.add("x", ...)` matching a [`DefinitionShapes::registrations`] entry (trailing
    /// segments, as for checks) with a string literal at the key position: constant `["x"]`.
    pub(super) fn registration(
        &mut self,
        chain: &[String],
        args: &Punctuated<Expr, Token![,]>,
        call_span: proc_macro2::Span,
    ) {
        let registration = self.options.definitions.registration(chain);
        let Some(position) = registration.and_then(|key| key.position) else {
            return;
        };
        let Some(arg) = args.iter().nth(position) else {
            return;
        };
        let Expr::Lit(lit) = unwrap_key(arg) else {
            return;
        };
        let Lit::Str(key) = &lit.lit else {
            return;
        };
        let value = key.value();
        let span = self.span(call_span);
        let name_span = self.span(key.span());
        self.facts.string_consts.push(StringConst {
            symbol: vec![value.clone()],
            value,
            exported: true,
            span,
            name_span,
            reference: None,
            kind: ConstKind::Registration,
        });
    }
}

/// The rule of a `#[serde(rename_all = "camelCase")]` (or `rename_all(serialize = "..")`).
fn serde_rename_all(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| match &attr.meta {
        Meta::List(list) if attr.path().is_ident("serde") => {
            let renamed: TokenStream = list
                .tokens
                .clone()
                .into_iter()
                .map(|tree| match tree {
                    TokenTree::Ident(ident) if ident == "rename_all" => {
                        TokenTree::Ident(Ident::new("rename", ident.span()))
                    }
                    TokenTree::Ident(ident) if ident == "rename" => {
                        TokenTree::Ident(Ident::new("other", ident.span()))
                    }
                    tree => tree,
                })
                .collect();
            rename_in(renamed)
        }
        _ => None,
    })
}

/// A snake_case field name as serde's `rename_all` rule writes it.
fn rename_field(name: &str, rule: &str) -> String {
    let words: Vec<&str> = name.split('_').filter(|w| !w.is_empty()).collect();
    let capitalized = |w: &str| {
        let mut chars = w.chars();
        chars.next().map_or_else(String::new, |c| {
            c.to_uppercase()
                .chain(chars.flat_map(char::to_lowercase))
                .collect()
        })
    };
    match rule {
        "camelCase" => words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == 0 {
                    w.to_lowercase()
                } else {
                    capitalized(w)
                }
            })
            .collect(),
        "PascalCase" => words.iter().map(|w| capitalized(w)).collect(),
        "kebab-case" => words.join("-").to_lowercase(),
        "SCREAMING-KEBAB-CASE" => words.join("-").to_uppercase(),
        "SCREAMING_SNAKE_CASE" | "UPPERCASE" => name.to_uppercase(),
        "lowercase" | "snake_case" => name.to_lowercase(),
        _ => name.to_string(),
    }
}

/// The string of a `#[serde(rename = "x")]` (or `#[serde(rename(serialize = "x"))]`) attribute.
fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| match &attr.meta {
        Meta::List(list) if attr.path().is_ident("serde") => rename_in(list.tokens.clone()),
        _ => None,
    })
}

/// `rename = "x"` / `rename(serialize = "x", deserialize = "y")` among serde's arguments.
fn rename_in(tokens: TokenStream) -> Option<String> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        let TokenTree::Ident(ident) = tree else {
            continue;
        };
        if ident != "rename" {
            continue;
        }
        match trees.get(i + 1) {
            Some(TokenTree::Punct(p)) if p.as_char() == '=' => {
                return trees.get(i + 2).and_then(literal_string);
            }
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                let value_of = |key: &str| {
                    inner.windows(3).find_map(|w| match w {
                        [TokenTree::Ident(k), TokenTree::Punct(eq), value]
                            if k == key && eq.as_char() == '=' =>
                        {
                            literal_string(value)
                        }
                        _ => None,
                    })
                };
                return value_of("serialize").or_else(|| value_of("deserialize"));
            }
            _ => {}
        }
    }
    None
}

/// The decoded value of a string literal token.
fn literal_string(tree: &TokenTree) -> Option<String> {
    let TokenTree::Literal(lit) = tree else {
        return None;
    };
    match Lit::new(lit.clone()) {
        Lit::Str(s) => Some(s.value()),
        _ => None,
    }
}
