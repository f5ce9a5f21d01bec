//! Gate functions of a definitions file (`fn is_trim_paths_enabled(..)`, see
//! [`crate::lang::gates`]).

use super::*;

impl Walker<'_> {
    /// A module-level `fn`, or a method of a module-level `impl` block (`impl CliOptions { fn
    /// unstable_sloppy_imports(&self) -> bool }`), whose name has the form of a `function`
    /// template defines a flag.
    ///
    /// A method is a gate only when it answers a `bool` or a `Result` (`unstable_features(&self)
    /// -> Vec<&str>` beside the gates is not one).
    pub(super) fn gate_definition(
        &mut self,
        sig: &syn::Signature,
        item: proc_macro2::Span,
        in_impl: bool,
    ) {
        let shapes = self.options.definitions;
        let ident = &sig.ident;
        let answers = match &sig.output {
            syn::ReturnType::Type(_, ty) => match ty.as_ref() {
                syn::Type::Path(path) => path
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "bool" || s.ident == "Result"),
                _ => false,
            },
            syn::ReturnType::Default => false,
        };
        let top_level = if in_impl {
            self.mod_depth == 0 && self.body_depth == 1 && answers
        } else {
            self.at_top_level()
        };
        if shapes.functions.is_empty() || !top_level || self.test_depth > 0 {
            return;
        }
        let name = ident_string(ident);
        let span = self.span(item);
        let name_span = self.span(ident.span());
        if let Some(constant) = crate::lang::gates::gate_definition(shapes, &name, span, name_span)
        {
            self.facts.string_consts.push(constant);
        }
    }
}
