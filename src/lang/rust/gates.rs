//! Gate functions of a definitions file (`fn is_trim_paths_enabled(..)`, see
//! [`crate::lang::gates`]).

use super::*;

impl Walker<'_> {
    /// A module-level `fn` whose name has the form of a `function` template defines a flag.
    pub(super) fn gate_definition(&mut self, item: &syn::ItemFn) {
        let shapes = self.options.definitions;
        if shapes.functions.is_empty() || !self.at_top_level() || self.test_depth > 0 {
            return;
        }
        let name = ident_string(&item.sig.ident);
        let span = self.span(item.span());
        let name_span = self.span(item.sig.ident.span());
        if let Some(constant) = crate::lang::gates::gate_definition(shapes, &name, span, name_span)
        {
            self.facts.string_consts.push(constant);
        }
    }
}
