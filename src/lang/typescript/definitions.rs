//! Definitions: top-level string constants, enums and objects, and the configured definition
//! shapes of a TypeScript / JavaScript file.

use super::*;

impl<'s, 'o, 't> Walker<'s, 'o, 't> {
    /// Module names, string constants and export clauses of one program-level statement.
    pub(super) fn top_level(&mut self, statement: Node<'t>) {
        let mut declaration = statement;
        let mut exported = false;
        loop {
            match declaration.kind() {
                "export_statement" => {
                    exported = true;
                    if let Some(inner) = declaration.child_by_field_name("declaration") {
                        declaration = inner;
                    } else {
                        self.collect_export_clause(declaration);
                        return;
                    }
                }
                "ambient_declaration" | "expression_statement" => match first_named(declaration) {
                    Some(inner) => declaration = inner,
                    None => return,
                },
                _ => break,
            }
        }
        if self.definitions {
            self.gate_definitions(declaration);
        }
        match declaration.kind() {
            "function_declaration"
            | "generator_function_declaration"
            | "function_signature"
            | "class_declaration"
            | "abstract_class_declaration"
            | "interface_declaration"
            | "type_alias_declaration"
            | "internal_module"
            | "module" => {
                if let Some(name) = declaration.child_by_field_name("name") {
                    self.declared_name(name);
                    if self.definitions
                        && matches!(
                            declaration.kind(),
                            "type_alias_declaration" | "interface_declaration"
                        )
                    {
                        self.union_keys(declaration, name);
                        self.type_registry_keys(declaration, name);
                    }
                    if matches!(
                        declaration.kind(),
                        "class_declaration" | "abstract_class_declaration"
                    ) {
                        self.class_members(declaration, self.text(name));
                    }
                }
            }
            "enum_declaration" => {
                if let Some(name) = declaration.child_by_field_name("name") {
                    self.declared_name(name);
                    self.enum_consts(declaration, self.text(name), exported);
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                self.variable_declaration(declaration, statement, exported);
            }
            "import_alias" => {
                if let Some(name) = first_named(declaration) {
                    self.declared_name(name);
                }
            }
            _ => {}
        }
    }

    /// A declared name: identifier, type identifier, or the root of `namespace A.B`.
    fn declared_name(&mut self, name: Node<'t>) {
        let mut current = name;
        while current.kind() == "nested_identifier" {
            match current
                .child_by_field_name("object")
                .or_else(|| first_named(current))
            {
                Some(object) => current = object,
                None => return,
            }
        }
        if matches!(current.kind(), "identifier" | "type_identifier") {
            let text = self.text(current);
            self.add_module_name(text);
        }
    }

    fn collect_export_clause(&mut self, export: Node<'t>) {
        let mut cursor = export.walk();
        let clauses: Vec<_> = export
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "export_clause")
            .collect();
        for clause in clauses {
            let specifiers: Vec<_> = clause.named_children(&mut cursor).collect();
            for specifier in specifiers {
                if let Some(name) = specifier
                    .child_by_field_name("name")
                    .filter(|n| n.kind() == "identifier")
                {
                    self.export_clause_names.insert(self.text(name));
                }
            }
        }
    }

    fn enum_consts(&mut self, declaration: Node<'t>, enum_name: &'s str, exported: bool) {
        let Some(body) = declaration.child_by_field_name("body") else {
            return;
        };
        let mut cursor = body.walk();
        let members: Vec<_> = body.named_children(&mut cursor).collect();
        for &member in &members {
            let name = match member.kind() {
                "enum_assignment" => member.child_by_field_name("name"),
                _ => Some(member),
            };
            if let Some(member_name) = name.and_then(|n| self.property_key(n)) {
                self.add_member_name(enum_name, &member_name);
            }
        }
        for member in members
            .into_iter()
            .filter(|m| m.kind() == "enum_assignment")
        {
            let (Some(name), Some(value)) = (
                member.child_by_field_name("name"),
                member.child_by_field_name("value"),
            ) else {
                continue;
            };
            let Some(member_name) = self.property_key(name) else {
                continue;
            };
            let Some(value) = self.string_value(unwrap_expression(value)) else {
                continue;
            };
            self.facts.string_consts.push(StringConst {
                reference: Some(member_reference(enum_name, &member_name)),
                symbol: vec![enum_name.to_string(), member_name],
                value,
                exported,
                span: self.span(member),
                name_span: self.span(name),
                kind: ConstKind::Constant,
            });
        }
    }

    fn add_member_name(&mut self, container: &str, member: &str) {
        self.facts
            .member_names
            .push(format!("{container}.{member}"));
    }

    /// The fields and methods of a top-level class.
    fn class_members(&mut self, declaration: Node<'t>, class: &'s str) {
        let Some(body) = declaration.child_by_field_name("body") else {
            return;
        };
        let mut cursor = body.walk();
        let members: Vec<_> = body.named_children(&mut cursor).collect();
        for member in members {
            let name = member
                .child_by_field_name("name")
                .or_else(|| member.child_by_field_name("property"));
            if let Some(member_name) = name.and_then(|n| self.property_key(n)) {
                self.add_member_name(class, &member_name);
            }
        }
    }

    /// An object/enum key that names a constant: identifier or string literal.
    fn property_key(&self, key: Node) -> Option<String> {
        match key.kind() {
            "property_identifier" | "identifier" => Some(self.text(key).to_string()),
            "string" => self.string_value(key),
            _ => None,
        }
    }

    pub(super) fn variable_declaration(
        &mut self,
        declaration: Node<'t>,
        statement: Node<'t>,
        exported: bool,
    ) {
        let is_const = declaration
            .child_by_field_name("kind")
            .is_some_and(|k| k.kind() == "const");
        let mut cursor = declaration.walk();
        let declarators: Vec<_> = declaration
            .named_children(&mut cursor)
            .filter(|d| d.kind() == "variable_declarator")
            .collect();
        let single = declarators.len() == 1;
        for declarator in declarators {
            let Some(name) = declarator.child_by_field_name("name") else {
                continue;
            };
            let mut names = Vec::new();
            self.binding_names(name, &mut names);
            for bound in names {
                self.add_module_name(bound);
            }
            if name.kind() != "identifier" {
                continue;
            }
            let mut roles = ValueRoles {
                consts: is_const,
                registry: false,
                list: false,
            };
            if self.definitions {
                let definitions = self.options.definitions;
                let text = self.text(name);
                roles.registry = definitions.is_registry(text);
                roles.list = is_const && definitions.is_list(text);
            }
            if !(roles.consts || roles.registry) {
                continue;
            }
            let Some(value) = declarator.child_by_field_name("value") else {
                continue;
            };
            let span_node = if single { statement } else { declarator };
            self.const_value(name, value, span_node, exported, roles);
        }
    }

    /// `const NAME = 'x'` or `const NAME = { A: 'a' }` (with `as const`, `satisfies`,
    /// `Object.freeze`); for a registry or list name also its keys / elements.
    fn const_value(
        &mut self,
        name: Node<'t>,
        value: Node<'t>,
        span_node: Node,
        exported: bool,
        roles: ValueRoles,
    ) {
        let const_name = self.text(name);
        let mut value = unwrap_expression(value);
        let mut frozen = false;
        if let Some(argument) = self.object_freeze_argument(value) {
            value = unwrap_expression(argument);
            frozen = true;
        }
        match value.kind() {
            "object" => {
                if roles.consts && self.definitions {
                    self.nested_lists(const_name, value);
                }
                return self.object_consts(const_name, value, exported, roles);
            }
            "array" if roles.list => return self.list_keys(const_name, value),
            _ if frozen || !roles.consts => return,
            _ => {}
        }
        if let Some(string) = self.string_value(value) {
            self.facts.string_consts.push(StringConst {
                reference: Some(const_name.to_string()),
                symbol: vec![const_name.to_string()],
                value: string,
                exported,
                span: self.span(span_node),
                name_span: self.span(name),
                kind: ConstKind::Constant,
            });
        }
    }

    fn object_freeze_argument(&self, call: Node<'t>) -> Option<Node<'t>> {
        if call.kind() != "call_expression" {
            return None;
        }
        let function = call.child_by_field_name("function")?;
        let mut segments = Vec::new();
        match self.static_chain(function, &mut segments) {
            ChainEnd::Root if segments == ["Object", "freeze"] => {}
            _ => return None,
        }
        let arguments = call.child_by_field_name("arguments")?;
        let mut cursor = arguments.walk();
        let first = arguments
            .named_children(&mut cursor)
            .find(|a| a.kind() != "comment");
        first
    }

    /// The string-valued properties of `const OBJ = { ... }` (`roles.consts`) and, for a registry,
    /// every key (`roles.registry`), in source order.
    fn object_consts(
        &mut self,
        object_name: &'s str,
        object: Node<'t>,
        exported: bool,
        roles: ValueRoles,
    ) {
        let mut cursor = object.walk();
        let all: Vec<_> = object.named_children(&mut cursor).collect();
        for &entry in &all {
            let name = match entry.kind() {
                "pair" => entry.child_by_field_name("key"),
                "method_definition" => entry.child_by_field_name("name"),
                "shorthand_property_identifier" => {
                    self.add_member_name(object_name, self.text(entry));
                    None
                }
                _ => None,
            };
            if let Some(member_name) = name.and_then(|n| self.property_key(n)) {
                self.add_member_name(object_name, &member_name);
            }
        }
        let entries: Vec<_> = all
            .into_iter()
            .filter(|p| {
                p.kind() == "pair"
                    || (roles.registry && p.kind() == "shorthand_property_identifier")
            })
            .collect();
        for entry in entries {
            if entry.kind() == "shorthand_property_identifier" {
                // `{ newNav }`: a registry key (its value is a variable).
                self.push_definition(
                    ConstKind::RegistryKey,
                    vec![object_name],
                    self.text(entry).to_string(),
                    entry,
                    entry,
                );
                continue;
            }
            let Some(key) = entry.child_by_field_name("key") else {
                continue;
            };
            let Some(key_name) = self.property_key(key) else {
                continue;
            };
            if roles.consts {
                let value = entry
                    .child_by_field_name("value")
                    .and_then(|v| self.string_value(unwrap_expression(v)));
                if let Some(value) = value {
                    self.facts.string_consts.push(StringConst {
                        reference: Some(member_reference(object_name, &key_name)),
                        symbol: vec![object_name.to_string(), key_name.clone()],
                        value,
                        exported,
                        span: self.span(entry),
                        name_span: self.span(key),
                        kind: ConstKind::Constant,
                    });
                }
            }
            if roles.registry {
                self.push_definition(
                    ConstKind::RegistryKey,
                    vec![object_name],
                    key_name,
                    entry,
                    key,
                );
            }
        }
    }

    /// Records a key declared by a definition shape: symbol `prefix + [key]`, value the key.
    fn push_definition(
        &mut self,
        kind: ConstKind,
        prefix: Vec<&str>,
        key: String,
        span: Node,
        name_span: Node,
    ) {
        let mut symbol: Vec<String> = prefix.into_iter().map(str::to_string).collect();
        symbol.push(key.clone());
        self.facts.string_consts.push(StringConst {
            symbol,
            value: key,
            exported: true,
            span: self.span(span),
            name_span: self.span(name_span),
            reference: None,
            kind,
        });
    }

    /// `list = "DEFAULTS.WAFFLE_FLAGS"`: the arrays of `const DEFAULTS = { WAFFLE_FLAGS: [...] }`
    /// (at any depth of nested object literals) are lists, named by their dotted path.
    fn nested_lists(&mut self, const_name: &str, object: Node<'t>) {
        let prefix = format!("{const_name}.");
        let wanted: Vec<String> = self
            .options
            .definitions
            .lists
            .iter()
            .filter(|l| l.starts_with(&prefix))
            .cloned()
            .collect();
        if wanted.is_empty() {
            return;
        }
        let mut work = vec![(const_name.to_string(), object)];
        while let Some((path, object)) = work.pop() {
            let mut cursor = object.walk();
            let pairs: Vec<_> = object
                .named_children(&mut cursor)
                .filter(|p| p.kind() == "pair")
                .collect();
            for pair in pairs {
                let (Some(key), Some(value)) = (
                    pair.child_by_field_name("key")
                        .and_then(|k| self.property_key(k)),
                    pair.child_by_field_name("value").map(unwrap_expression),
                ) else {
                    continue;
                };
                let inner = format!("{path}.{key}");
                if !wanted
                    .iter()
                    .any(|w| *w == inner || w.starts_with(&format!("{inner}.")))
                {
                    continue;
                }
                match value.kind() {
                    "array" if wanted.contains(&inner) => self.list_keys(&inner, value),
                    "object" => work.push((inner, value)),
                    _ => {}
                }
            }
        }
    }

    /// `const FLAGS = ['a', `b`, ['c', false]]`: string elements and the string first element of
    /// array elements.
    fn list_keys(&mut self, list_name: &str, array: Node<'t>) {
        let mut cursor = array.walk();
        let elements: Vec<_> = array
            .named_children(&mut cursor)
            .filter(|e| e.kind() != "comment")
            .collect();
        for element in elements {
            let inner = unwrap_expression(element);
            let literal = if inner.kind() == "array" {
                first_named(inner).map(unwrap_expression)
            } else {
                Some(inner)
            };
            let Some(literal) = literal else {
                continue;
            };
            if let Some(value) = self.string_value(literal) {
                self.push_definition(
                    ConstKind::ListElement,
                    vec![list_name],
                    value,
                    element,
                    literal,
                );
            }
        }
    }

    /// `type NAME = { a?: boolean }` or `interface NAME { a: boolean }` for a configured registry
    /// name: its property names.
    fn type_registry_keys(&mut self, declaration: Node<'t>, name: Node<'t>) {
        let registry = self.text(name);
        if !self.options.definitions.is_registry(registry) {
            return;
        }
        let Some(body) = declaration
            .child_by_field_name("value")
            .or_else(|| declaration.child_by_field_name("body"))
            .filter(|b| matches!(b.kind(), "object_type" | "interface_body"))
        else {
            return;
        };
        let mut cursor = body.walk();
        let properties: Vec<_> = body
            .named_children(&mut cursor)
            .filter(|p| p.kind() == "property_signature")
            .collect();
        for property in properties {
            let Some(key) = property.child_by_field_name("name") else {
                continue;
            };
            if let Some(key_name) = self.property_key(key) {
                self.push_definition(
                    ConstKind::RegistryKey,
                    vec![registry],
                    key_name,
                    property,
                    key,
                );
            }
        }
    }

    /// `type NAME = 'a' | 'b'` for a configured union name: its string literal members.
    fn union_keys(&mut self, declaration: Node<'t>, name: Node<'t>) {
        let union_name = self.text(name);
        if !self.options.definitions.is_union(union_name) {
            return;
        }
        let Some(value) = declaration.child_by_field_name("value") else {
            return;
        };
        let mut stack = vec![value];
        let mut members = Vec::new();
        while let Some(node) = stack.pop() {
            match node.kind() {
                "union_type" | "parenthesized_type" => {
                    let mut cursor = node.walk();
                    members.clear();
                    members.extend(
                        node.named_children(&mut cursor)
                            .filter(|c| c.kind() != "comment"),
                    );
                    stack.extend(members.drain(..).rev());
                }
                "literal_type" => {
                    let Some(literal) = first_named(node).filter(|l| l.kind() == "string") else {
                        continue;
                    };
                    if let Some(value) = self.string_value(literal) {
                        self.push_definition(
                            ConstKind::UnionMember,
                            vec![union_name],
                            value,
                            node,
                            literal,
                        );
                    }
                }
                "template_literal_type" => {
                    let mut cursor = node.walk();
                    let plain = node
                        .named_children(&mut cursor)
                        .all(|c| c.kind() == "string_fragment" || c.kind() == "escape_sequence");
                    if plain {
                        if let Some(value) = decode_quoted(self.text(node)) {
                            self.push_definition(
                                ConstKind::UnionMember,
                                vec![union_name],
                                value,
                                node,
                                node,
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A call matching a configured registration with a string literal key.
    pub(super) fn registration(&mut self, call: Node<'t>) {
        let Some(function) = call.child_by_field_name("function") else {
            return;
        };
        let last = match function.kind() {
            "identifier" => function,
            "member_expression" => match function.child_by_field_name("property") {
                Some(property) => property,
                None => return,
            },
            _ => return,
        };
        let last = self.text(last);
        let definitions = self.options.definitions;
        if !definitions.is_registration_candidate(last) {
            return;
        }
        let Some(arguments) = call
            .child_by_field_name("arguments")
            .filter(|a| a.kind() == "arguments")
        else {
            return;
        };
        let mut segments = Vec::new();
        let chain: Vec<&str> = match self.static_chain(function, &mut segments) {
            ChainEnd::Root => segments.iter().map(|s| s.as_ref()).collect(),
            ChainEnd::Broken(_) => vec![last],
        };
        let Some(position) = definitions
            .registration(&chain)
            .and_then(|key| key.position)
        else {
            return;
        };
        let mut cursor = arguments.walk();
        let mut key = None;
        for (index, arg) in arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind() != "comment")
            .enumerate()
        {
            if arg.kind() == "spread_element" {
                break;
            }
            if index == position {
                key = Some(arg);
                break;
            }
        }
        let Some(literal) = key.map(unwrap_expression) else {
            return;
        };
        let Some(value) = self.string_value(literal) else {
            return;
        };
        // `export const NAME = defineFlag('key')` at the top level: the constant is `NAME`.
        let named = binding_of(call, "variable_declarator", "value", "name").filter(|(d, _)| {
            d.parent().and_then(|l| l.parent()).is_some_and(|p| {
                p.kind() == "program"
                    || (p.kind() == "export_statement"
                        && p.parent().is_some_and(|q| q.kind() == "program"))
            })
        });
        match named {
            Some((declarator, name)) => {
                self.facts.string_consts.push(StringConst {
                    symbol: vec![self.text(name).to_string()],
                    value,
                    exported: true,
                    span: self.span(declarator),
                    name_span: self.span(name),
                    reference: None,
                    kind: ConstKind::Registration,
                });
            }
            None => self.push_definition(ConstKind::Registration, Vec::new(), value, call, literal),
        }
    }
}

/// `Flags.NEW_NAV`, or `Flags["new-nav"]` when the member is not an identifier.
fn member_reference(owner: &str, member: &str) -> String {
    let identifier = member
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && member
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    if identifier {
        format!("{owner}.{member}")
    } else {
        format!("{owner}[{}]", serde_json::Value::from(member))
    }
}
