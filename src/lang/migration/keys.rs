//! The keys of flag operations: literals, names and attribute paths, one per element of a
//! literal collection a loop iterates over, or what makes a key dynamic.

use tree_sitter::Node;

use super::syntax::{argument_nodes, chain, Link};
use super::walk::{Binding, Ctx, Elements, Lookup, Walker};
use super::MAX_FLAG_OPS;
use crate::facts::{KeyExpr, Span};
use crate::lang::python::{string_value, unwrap_parens};
use crate::lang::scope::Resolution;
use crate::lang::ts_util::named_children;

impl<'a> Walker<'a> {
    /// The keys an expression takes: one, or one per element of the literal a loop variable
    /// iterates over.
    pub(super) fn keys_of(&self, node: Node<'a>, ctx: Ctx) -> Vec<(KeyExpr, Span)> {
        let node = unwrap_parens(node);
        if node.kind() == "identifier" {
            if let Lookup::Loop(Binding::Elements(elements)) = self.lookup(self.text(node), ctx) {
                return self.element_keys(*elements);
            }
        }
        vec![self.single_key(node, ctx)]
    }

    /// The keys of the elements of a literal collection (at most the remaining budget).
    pub(super) fn element_keys(&self, elements: Elements<'a>) -> Vec<(KeyExpr, Span)> {
        self.element_nodes(elements)
            .into_iter()
            .map(|(item, element)| match element {
                Some(e) => self.single_key(e, elements.ctx),
                None => (
                    KeyExpr::Dynamic("an element that cannot be read".into()),
                    self.span(item),
                ),
            })
            .collect()
    }

    /// Each element of a literal collection a loop variable iterates over (at most the remaining
    /// budget): the item, and the part the variable takes (`None` when it cannot be read).
    fn element_nodes(&self, elements: Elements<'a>) -> Vec<(Node<'a>, Option<Node<'a>>)> {
        let collection = elements.collection;
        let keys_only = collection.kind() == "dictionary" && !elements.pairs;
        let budget = MAX_FLAG_OPS.saturating_sub(self.ops.len());
        let mut cursor = collection.walk();
        collection
            .named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .take(budget)
            .map(|item| {
                let element = if keys_only {
                    item.child_by_field_name("key")
                } else {
                    Some(item)
                };
                let element = match elements.position {
                    Some(position) => element.and_then(|e| unpack(e, position)),
                    None => element,
                };
                let element =
                    element.filter(|e| !matches!(e.kind(), "list_splat" | "dictionary_splat"));
                (item, element)
            })
            .collect()
    }

    /// Initial fields whose value is a loop variable (`for name, on in [("a", True), ...]:` then
    /// `everyone=on`): the field and the value it takes in each iteration.
    pub(super) fn loop_fields(&self, arguments: Node<'a>, ctx: Ctx) -> Vec<(String, Vec<String>)> {
        let mut values: Vec<Node<'a>> = Vec::new();
        for argument in argument_nodes(arguments) {
            let Some(value) = argument.child_by_field_name("value") else {
                continue;
            };
            let value = unwrap_parens(value);
            if value.kind() == "dictionary" {
                values.extend(
                    named_children(value)
                        .iter()
                        .filter_map(|p| p.child_by_field_name("value")),
                );
            } else {
                values.push(value);
            }
        }
        let mut fields = Vec::new();
        for value in values {
            if value.kind() != "identifier" {
                continue;
            }
            let name = self.text(value);
            if let Lookup::Loop(Binding::Elements(elements)) = self.lookup(name, ctx) {
                let texts = self
                    .element_nodes(*elements)
                    .into_iter()
                    .map(|(_, e)| e.map_or_else(|| name.to_string(), |e| self.text(e).to_string()))
                    .collect();
                fields.push((name.to_string(), texts));
            }
        }
        fields
    }

    /// How one key expression is spelled.
    fn single_key(&self, node: Node<'a>, ctx: Ctx) -> (KeyExpr, Span) {
        let node = unwrap_parens(node);
        let dynamic = |what: &str| KeyExpr::Dynamic(what.to_string());
        let key = match node.kind() {
            "string" | "concatenated_string" => match string_value(node, self.source) {
                Ok(value) => KeyExpr::Literal(value),
                Err(what) => dynamic(what),
            },
            "identifier" => self.name_key(self.text(node), ctx),
            "attribute" => self.attribute_key(node, ctx),
            "call" => dynamic("a call"),
            "binary_operator" => match node.child_by_field_name("operator").map(|o| o.kind()) {
                Some("+") => dynamic("a concatenation"),
                Some("%") => dynamic("a % format"),
                _ => dynamic("an expression"),
            },
            "conditional_expression" => dynamic("a conditional expression"),
            "subscript" => dynamic("a subscript"),
            _ => dynamic("an expression"),
        };
        (key, self.span(node))
    }

    /// A name as a key: a path, unless it is a parameter, a loop variable or a local holding a
    /// literal.
    fn name_key(&self, name: &str, ctx: Ctx) -> KeyExpr {
        match self.lookup(name, ctx) {
            Lookup::Scope(Resolution::Local(Binding::Literal(key))) => {
                KeyExpr::Literal(key.clone())
            }
            Lookup::Scope(Resolution::Parameter) => KeyExpr::Dynamic(format!("parameter `{name}`")),
            Lookup::Loop(_) => KeyExpr::Dynamic(format!("loop variable `{name}`")),
            _ => KeyExpr::Path(vec![name.to_string()]),
        }
    }

    /// `flags.X`, `FeatureFlags.X`: a path, unless rooted at a parameter or loop variable.
    fn attribute_key(&self, node: Node<'a>, ctx: Ctx) -> KeyExpr {
        let Some((base, links)) = chain(node, self.source) else {
            return KeyExpr::Dynamic("a long attribute chain".into());
        };
        let mut segments = Vec::with_capacity(links.len() + 1);
        for link in links {
            match link {
                Link::Attribute(name) => segments.push(name.to_string()),
                _ => return KeyExpr::Dynamic("an attribute of an expression".into()),
            }
        }
        if base.kind() != "identifier" {
            return KeyExpr::Dynamic("an attribute of an expression".into());
        }
        let root = self.text(base);
        match self.name_key(root, ctx) {
            KeyExpr::Dynamic(what) => KeyExpr::Dynamic(format!("an attribute of {what}")),
            KeyExpr::Parameter(name) => {
                KeyExpr::Dynamic(format!("an attribute of parameter `{name}`"))
            }
            KeyExpr::Literal(_) => KeyExpr::Dynamic("an attribute of a string".into()),
            KeyExpr::Path(_) => {
                segments.insert(0, root.to_string());
                KeyExpr::Path(segments)
            }
        }
    }
}

/// The element at `position` of a literal tuple or list, or the key (0) / value (1) of a dict
/// entry.
fn unpack(node: Node, position: usize) -> Option<Node> {
    let node = unwrap_parens(node);
    match node.kind() {
        "tuple" | "list" => named_children(node).get(position).copied(),
        "pair" => match position {
            0 => node.child_by_field_name("key"),
            1 => node.child_by_field_name("value"),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn literal_key_spellings() {
        let facts = run_create(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.create(name="new_" "checkout")
    Flag.objects.create(name=r"raw\n")
    Flag.objects.create(name="tab\tx\u00e9\x41\101")
    Flag.objects.create(name=f"no_interpolation")
    Flag.objects.create(name=(("parenthesised")))
    Flag.objects.create(name='''triple''')
"#,
        );
        assert_eq!(
            keys(&facts),
            vec![
                lit("new_checkout"),
                lit("raw\\n"),
                lit("tab\txéAA"),
                lit("no_interpolation"),
                lit("parenthesised"),
                lit("triple"),
            ]
        );
    }

    #[test]
    fn helper_parameters_are_dynamic_keys() {
        let facts = run_create(
            r#"def add_flag(apps, name, options):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.create(name=name)
    Flag.objects.create(name=options.key)
    Flag.objects.create(name=f"prefix_{name}")
    Flag.objects.create(name="prefix_" + name)
    Flag.objects.create(name=make_name())
    Flag.objects.create(name="a_%s" % name)
    Flag.objects.create(name=NAMES[0])
    Flag.objects.create(name=name if name else "x")
    Flag.objects.create(name=get().key)
    Flag.objects.create(**kwargs)
    Flag.objects.create(name=b"bytes")
    lambda n: Flag.objects.create(name=n)

def create(apps, schema_editor):
    add_flag(apps, "x", None)
"#,
        );
        assert_eq!(
            keys(&facts),
            vec![
                dynamic("parameter `name`"),
                dynamic("an attribute of parameter `options`"),
                dynamic("an f-string"),
                dynamic("a concatenation"),
                dynamic("a call"),
                dynamic("a % format"),
                dynamic("a subscript"),
                dynamic("a conditional expression"),
                dynamic("an attribute of an expression"),
                dynamic("unpacked arguments"),
                dynamic("a bytes literal"),
                dynamic("parameter `n`"),
            ]
        );
        assert!(facts
            .flag_ops
            .iter()
            .all(|op| op.direction == Forward && op.run_python == Some(0)));
    }
}
