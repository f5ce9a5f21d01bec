//! Gate functions of a definitions file (`def is_new_nav_enabled():`, see
//! [`crate::lang::gates`]).

use super::*;

impl<'a, 'o> Walker<'a, 'o> {
    /// A module-level `def` whose name has the form of a `function` template defines a flag.
    pub(super) fn gate_definition(&mut self, node: Node<'a>, name: &str) {
        let shapes = self.options.definitions;
        if shapes.functions.is_empty() || !self.definitions {
            return;
        }
        let (span, name_span) = match node.child_by_field_name("name") {
            Some(name_node) => (self.span(node), self.span(name_node)),
            None => return,
        };
        if let Some(constant) = crate::lang::gates::gate_definition(shapes, name, span, name_span) {
            self.facts.string_consts.push(constant);
        }
    }
}
