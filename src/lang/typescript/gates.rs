//! Gate functions of a definitions file (`export function isNewNavEnabled()`,
//! `export const isNewNavEnabled = () => ..`, see [`crate::lang::gates`]).

use super::*;

impl<'s, 'o, 't> Walker<'s, 'o, 't> {
    /// A program-level function declaration, or a `const` holding a function, whose name has the
    /// form of a `function` template defines a flag.
    pub(super) fn gate_definitions(&mut self, declaration: Node<'t>) {
        let shapes = self.options.definitions;
        if shapes.functions.is_empty() {
            return;
        }
        let mut named = Vec::new();
        match declaration.kind() {
            "function_declaration" | "generator_function_declaration" => {
                if let Some(name) = declaration.child_by_field_name("name") {
                    named.push((name, declaration));
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                let mut cursor = declaration.walk();
                for declarator in declaration.named_children(&mut cursor) {
                    let is_function = declarator.child_by_field_name("value").is_some_and(|v| {
                        matches!(
                            v.kind(),
                            "arrow_function" | "function_expression" | "function"
                        )
                    });
                    if let (true, Some(name)) =
                        (is_function, declarator.child_by_field_name("name"))
                    {
                        if name.kind() == "identifier" {
                            named.push((name, declarator));
                        }
                    }
                }
            }
            _ => {}
        }
        for (name, whole) in named {
            let text = self.text(name);
            let (span, name_span) = (self.span(whole), self.span(name));
            if let Some(constant) =
                crate::lang::gates::gate_definition(shapes, text, span, name_span)
            {
                self.facts.string_consts.push(constant);
            }
        }
    }
}
