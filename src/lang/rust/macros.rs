//! Registries declared by macro invocations: the entries of `features! { (unstable, x, ..), .. }`
//! (tuples: the key and the lifecycle word at configured positions) and of
//! `unstable_cli_options!( x: bool = ("doc"), .. )` (fields: the field name is the key), named in
//! [`DefinitionShapes::macros`](super::DefinitionShapes).

use super::*;
use crate::lang::MacroShape;

/// The annotation field that carries an entry's lifecycle word, as written (`stable`).
pub(crate) const STATUS_FIELD: &str = "status";

impl<'a> Walker<'a> {
    /// A module-level macro invocation whose name is a configured macro shape.
    pub(super) fn macro_definitions(&mut self, item: &syn::ItemMacro) {
        if self.body_depth > 0 || self.test_depth > 0 {
            return;
        }
        let Some(name) = item.mac.path.segments.last() else {
            return;
        };
        let Some(shape) = self
            .definitions()
            .macros
            .iter()
            .find(|m| name.ident == m.name.as_str())
        else {
            return;
        };
        for entry in split_commas(item.mac.tokens.clone()) {
            self.macro_entry(shape, &entry);
        }
    }

    fn macro_entry(&mut self, shape: &MacroShape, entry: &[TokenTree]) {
        let mut rest = entry;
        // Outer attributes and doc comments (`#[...]`, lexed from `///`).
        let mut test = false;
        while let [TokenTree::Punct(hash), TokenTree::Group(group), tail @ ..] = rest {
            if hash.as_char() != '#' || group.delimiter() != Delimiter::Bracket {
                break;
            }
            test |= is_test_attribute(group.stream());
            rest = tail;
        }
        if test {
            return;
        }
        let (key_tree, status) = match rest {
            // `(unstable, x, "", "doc")`
            [TokenTree::Group(group)] if group.delimiter() == Delimiter::Parenthesis => {
                let elements = split_commas(group.stream());
                let key = match elements.get(shape.key).map(Vec::as_slice) {
                    Some([tree]) => tree.clone(),
                    _ => return,
                };
                let status = shape
                    .state
                    .and_then(|at| match elements.get(at)?.as_slice() {
                        [TokenTree::Ident(word)] => Some(ident_string(word)),
                        _ => None,
                    });
                (key, status)
            }
            // `x: bool = ("doc")`
            [TokenTree::Ident(ident), TokenTree::Punct(colon), after, ..]
                if colon.as_char() == ':'
                    && !matches!(after, TokenTree::Punct(p) if p.as_char() == ':') =>
            {
                (TokenTree::Ident(ident.clone()), None)
            }
            _ => return,
        };
        let key = match &key_tree {
            TokenTree::Ident(ident) => ident_string(ident),
            tree => match literal_string_value(tree) {
                Some(value) => value,
                None => return,
            },
        };
        let (Some(first), Some(last)) = (rest.first(), rest.last()) else {
            return;
        };
        let start = first.span().byte_range().start;
        let end = last.span().byte_range().end;
        let span = self.index.span(self.base + start, self.base + end);
        let name_span = self.span(key_tree.span());
        if let Some(status) = status {
            self.facts
                .annotations
                .push((name_span.line, vec![(STATUS_FIELD.to_string(), status)]));
        }
        let mut symbol = self.scope.clone();
        symbol.push(shape.name.clone());
        symbol.push(key.clone());
        self.facts.string_consts.push(StringConst {
            symbol,
            value: key,
            exported: true,
            span,
            name_span,
            reference: None,
            kind: ConstKind::RegistryKey,
        });
    }

    /// `Feature::x()` (no arguments) where `Feature` is a configured key type: the key `x`.
    pub(super) fn key_type_call(&self, call: &ExprCall) -> Option<String> {
        if !call.args.is_empty() {
            return None;
        }
        let Expr::Path(p) = unwrap_parens(&call.func) else {
            return None;
        };
        if p.qself.is_some() {
            return None;
        }
        let segments = &p.path.segments;
        let n = segments.len();
        if n < 2 {
            return None;
        }
        let owner = ident_string(&segments[n - 2].ident);
        self.options
            .checks
            .is_key_type(&owner)
            .then(|| ident_string(&segments[n - 1].ident))
    }
}

/// How deep [`Walker::walk_macro_tokens`] looks into the groups of a body that does not parse.
const MACRO_GROUP_DEPTH: usize = 4;

impl Walker<'_> {
    /// A macro body: comma-separated expressions (`assert!(a, "{}", b)`, `matches!(x, A | B)`);
    /// otherwise each comma-separated piece that is an expression, after a `key:` label
    /// (`json!({ "k": flags.x })`), or else the groups inside it.
    pub(super) fn walk_macro_tokens(&mut self, tokens: TokenStream, depth: usize) {
        use syn::parse::Parser;
        if let Ok(exprs) = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(tokens.clone()) {
            for expr in &exprs {
                self.visit_expr(expr);
            }
            return;
        }
        if depth >= MACRO_GROUP_DEPTH {
            return;
        }
        for piece in split_at(tokens, &[',', ';']) {
            let value = match piece.as_slice() {
                [TokenTree::Literal(_) | TokenTree::Ident(_), TokenTree::Punct(colon), rest @ ..]
                    if colon.as_char() == ':'
                        && colon.spacing() == proc_macro2::Spacing::Alone
                        && !rest.is_empty() =>
                {
                    rest
                }
                all => all,
            };
            let stream: TokenStream = value.iter().cloned().collect();
            if let Ok(expr) = syn::parse2::<Expr>(stream) {
                self.visit_expr(&expr);
                continue;
            }
            // A pattern with a guard: `matches!(x, Pat if is_x_enabled(s))`.
            let guard = value
                .iter()
                .rposition(|t| matches!(t, TokenTree::Ident(i) if i == "if"))
                .map(|at| value[at + 1..].iter().cloned().collect::<TokenStream>());
            if let Some(Ok(expr)) = guard.map(syn::parse2::<Expr>) {
                self.visit_expr(&expr);
                continue;
            }
            for tree in value {
                if let TokenTree::Group(group) = tree {
                    self.walk_macro_tokens(group.stream(), depth + 1);
                }
            }
        }
    }
}

/// The token trees of a stream split at its top-level commas (empty pieces dropped).
fn split_commas(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    split_at(tokens, &[','])
}

/// The token trees of a stream split at its top-level `separators` (empty pieces dropped).
fn split_at(tokens: TokenStream, separators: &[char]) -> Vec<Vec<TokenTree>> {
    let mut pieces = vec![Vec::new()];
    for tree in tokens {
        match &tree {
            TokenTree::Punct(p) if separators.contains(&p.as_char()) => pieces.push(Vec::new()),
            _ => pieces.last_mut().expect("never empty").push(tree),
        }
    }
    pieces.retain(|p| !p.is_empty());
    pieces
}

/// `test` or `cfg(test)` inside an attribute's brackets.
fn is_test_attribute(tokens: TokenStream) -> bool {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    match trees.as_slice() {
        [TokenTree::Ident(ident)] => ident == "test",
        [TokenTree::Ident(ident), TokenTree::Group(group)] if ident == "cfg" => {
            cfg_requires_test(group.stream())
        }
        _ => false,
    }
}

/// The value of a string literal token.
fn literal_string_value(tree: &TokenTree) -> Option<String> {
    let TokenTree::Literal(lit) = tree else {
        return None;
    };
    match Lit::new(lit.clone()) {
        Lit::Str(s) => Some(s.value()),
        _ => None,
    }
}
