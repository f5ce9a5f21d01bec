//! Definitions: functions, lambdas and classes (their scopes and names), module-level string
//! constants, class attributes and the configured definition shapes of a Python file.

use super::*;

impl<'a, 'o> Walker<'a, 'o> {
    pub(super) fn visit_function(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let name = node.child_by_field_name("name").map(|n| self.text(n));
        if let Some(name) = name {
            self.bind_local(ctx.scope, name);
        }
        match (ctx.level, name) {
            (Level::Module, Some(name)) => {
                self.add_module_name(name);
                self.gate_definition(node, name);
            }
            (Level::Class(Some(class)), Some(name)) => self.add_member_name(class, name),
            _ => {}
        }
        self.visit_callable(node, name, ctx);
    }

    pub(super) fn visit_lambda(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        self.visit_callable(node, None, ctx);
    }

    /// A `def` or `lambda`: its body in a new scope holding its parameters; annotations and
    /// default values in the enclosing scope.
    fn visit_callable(&mut self, node: Node<'a>, name: Option<&'a str>, ctx: Ctx<'a>) {
        let (params, exprs) = match node.child_by_field_name("parameters") {
            Some(parameters) => self.parameters(parameters),
            None => (Vec::new(), Vec::new()),
        };
        let scope = self.new_scope(ctx.scope, name, params);
        // A `def` is a fork boundary; a lambda is not.
        let is_def = node.kind() == "function_definition";
        if let Some(body) = node.child_by_field_name("body") {
            self.push(
                body,
                Ctx {
                    scope,
                    level: Level::Local,
                    mode: Mode::Expr,
                    fork: if is_def { None } else { ctx.fork },
                    in_cond: !is_def && ctx.in_cond,
                    chain: None,
                },
            );
        }
        if let Some(return_type) = node.child_by_field_name("return_type") {
            self.push(return_type, ctx.expr());
        }
        for expr in exprs.into_iter().rev() {
            self.push(expr, ctx.expr());
        }
    }

    fn new_scope(&mut self, parent: usize, name: Option<&'a str>, params: Vec<&'a str>) -> usize {
        let scope = self.scopes.push(Some(parent), name, params);
        for &param in self.scopes.get(scope).map_or(&[][..], |s| &s.params) {
            self.locals.foreign((scope, param));
        }
        scope
    }

    /// Parameter names, and the annotations and default values to visit (in source order).
    fn parameters(&mut self, parameters: Node<'a>) -> (Vec<&'a str>, Vec<Node<'a>>) {
        let mut names = Vec::new();
        let mut exprs = Vec::new();
        let children = self.named_children(parameters);
        for &(param, _) in &children {
            let mut cursor = param.walk();
            for (child, field) in field_children(param, &mut cursor) {
                match field {
                    Some("type") | Some("value") => exprs.push(child),
                    _ => self.binding_names(child, &mut names),
                }
            }
            if param.named_child_count() == 0 || param.kind() == "identifier" {
                self.binding_names(param, &mut names);
            }
        }
        self.children_buffer = children;
        (names, exprs)
    }

    /// The identifiers a parameter pattern binds (`x`, `*args`, `(a, b)`).
    fn binding_names(&self, node: Node<'a>, names: &mut Vec<&'a str>) {
        let mut stack = vec![node];
        let mut cursor = node.walk();
        while let Some(node) = stack.pop() {
            match node.kind() {
                "identifier" => names.push(self.text(node)),
                "list_splat_pattern"
                | "dictionary_splat_pattern"
                | "tuple_pattern"
                | "list_pattern"
                | "parenthesized_expression" => {
                    stack.extend(node.named_children(&mut cursor));
                }
                _ => {}
            }
        }
    }

    pub(super) fn visit_class(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let name = node.child_by_field_name("name").map(|n| self.text(n));
        if let Some(name) = name {
            self.bind_local(ctx.scope, name);
        }
        let body_level = match ctx.level {
            Level::Module => {
                if let Some(name) = name {
                    self.add_module_name(name);
                }
                Level::Class(name)
            }
            Level::Class(Some(outer)) => {
                if let Some(name) = name {
                    self.add_member_name(outer, name);
                }
                Level::Class(None)
            }
            _ => Level::Class(None),
        };
        if let Some(body) = node.child_by_field_name("body") {
            // The class body is its own namespace for check locals, and a fork boundary.
            let scope = self.new_scope(ctx.scope, None, Vec::new());
            self.push(
                body,
                Ctx {
                    scope,
                    level: body_level,
                    fork: None,
                    in_cond: false,
                    chain: None,
                    ..ctx.expr()
                },
            );
        }
        if let Some(superclasses) = node.child_by_field_name("superclasses") {
            self.push(superclasses, ctx.expr());
        }
    }

    fn add_member_name(&mut self, class: &str, name: &str) {
        self.facts.member_names.push(format!("{class}.{name}"));
    }

    /// The names an assignment (also annotated, chained, or a bare annotation) binds in the body
    /// of the module-level class `class`, whatever their values.
    pub(super) fn class_members(&mut self, statement: Node<'a>, class: &str) {
        let Some(mut assignment) = statement.named_child(0) else {
            return;
        };
        while assignment.kind() == "assignment" {
            if let Some(left) = assignment.child_by_field_name("left") {
                if left.kind() == "identifier" {
                    let name = self.text(left);
                    self.add_member_name(class, name);
                }
            }
            match assignment.child_by_field_name("right") {
                Some(right) => assignment = right,
                None => break,
            }
        }
    }

    /// A plain string literal whose value is a flag key of [`ExtractOptions::keys`].
    pub(super) fn key_mention(&mut self, node: Node<'a>) {
        if self.concatenated_parts.remove(&node.id()) {
            return;
        }
        if node.kind() == "concatenated_string" {
            let mut cursor = node.walk();
            self.concatenated_parts
                .extend(node.named_children(&mut cursor).map(|part| part.id()));
        }
        if let Some(value) = self.plain_string(node) {
            if self.options.keys.contains(&value) {
                let span = self.span(node);
                self.facts.key_mentions.push((value, span));
            }
        }
    }

    /// `NAME = "x"` (also annotated, chained) at module level or in a module-level class body.
    pub(super) fn string_consts(&mut self, statement: Node<'a>, level: Level<'a>) {
        let class = match level {
            Level::Module => None,
            Level::Class(Some(class)) => Some(class),
            _ => return,
        };
        if statement.has_error() {
            return;
        }
        let Some((targets, value)) = assignment_targets(statement) else {
            return;
        };
        if class.is_none() && self.definitions {
            self.setting_definitions(statement, &targets);
        }
        let Some(value) = self.plain_string(value) else {
            return;
        };
        for target in targets {
            if target.kind() != "identifier" {
                continue;
            }
            let name = self.text(target);
            let symbol = match class {
                Some(class) => vec![class.to_string(), name.to_string()],
                None => vec![name.to_string()],
            };
            self.facts.string_consts.push(StringConst {
                reference: Some(symbol.join(".")),
                symbol,
                value: value.clone(),
                exported: true,
                span: self.span(statement),
                name_span: self.span(target),
                kind: ConstKind::Constant,
            });
        }
    }

    /// `FEATURE_X = env.bool("X")` in a settings module whose `settings` patterns match the name:
    /// a flag keyed by its name.
    fn setting_definitions(&mut self, statement: Node<'a>, targets: &[Node<'a>]) {
        let patterns = &self.options.definitions.settings;
        if patterns.is_empty() {
            return;
        }
        for target in targets {
            let name = self.text(*target);
            if target.kind() != "identifier" || !patterns.matches(name) {
                continue;
            }
            self.facts.string_consts.push(StringConst {
                reference: Some(name.to_string()),
                symbol: vec![name.to_string()],
                value: name.to_string(),
                exported: true,
                span: self.span(statement),
                name_span: self.span(*target),
                kind: ConstKind::Setting,
            });
        }
    }

    /// The value of a plain (not f-, not bytes) string literal or implicit concatenation of them.
    fn plain_string(&self, node: Node<'a>) -> Option<String> {
        let node = unwrap_parens(node);
        match node.kind() {
            "string" | "concatenated_string" => {}
            _ => return None,
        }
        if string_parts(node)
            .iter()
            .any(|part| prefix_of(self.text(*part)).contains(['f', 'F', 't', 'T']))
        {
            return self.fstring_of_constants(node);
        }
        string_value(node, self.source).ok()
    }

    /// `f"{NAMESPACE}.new_gradebook"` where every interpolation is a plain name of a top-level
    /// string constant declared above in this file (edx-platform's toggles): its value.
    fn fstring_of_constants(&self, node: Node<'a>) -> Option<String> {
        let mut value = String::new();
        for part in string_parts(node) {
            let prefix = prefix_of(self.text(part));
            if !prefix.contains(['f', 'F']) {
                value.push_str(&string_value(part, self.source).ok()?);
                continue;
            }
            if prefix.contains(['r', 'R', 'b', 'B']) {
                return None;
            }
            let mut cursor = part.walk();
            for child in part.children(&mut cursor) {
                match child.kind() {
                    "string_start" | "string_end" => {}
                    "string_content" => {
                        let text = self.text(child);
                        if text.contains(['\\', '{', '}']) {
                            return None;
                        }
                        value.push_str(text);
                    }
                    "interpolation" => {
                        let mut inner = child.walk();
                        let named: Vec<Node> = child.named_children(&mut inner).collect();
                        let [name] = named.as_slice() else {
                            return None;
                        };
                        if name.kind() != "identifier" {
                            return None;
                        }
                        let name = self.text(*name);
                        let constant = self
                            .facts
                            .string_consts
                            .iter()
                            .rev()
                            .find(|c| c.symbol.len() == 1 && c.symbol[0] == name)?;
                        value.push_str(&constant.value);
                    }
                    _ => return None,
                }
            }
        }
        Some(value)
    }

    // -----------------------------------------------------------------------------------------
    // Definition shapes (definitions files only)

    /// `NAME = {...}` for a registry name, `NAME = [...]` / `(...)` / `{...}` (a set) for a list
    /// name, at module level (also annotated, chained): one constant per string key / element.
    pub(super) fn definition_literals(&mut self, statement: Node<'a>) {
        let Some((targets, value)) = assignment_targets(statement) else {
            return;
        };
        let value = unwrap_parens(value);
        let definitions = self.options.definitions;
        for target in targets {
            if target.kind() != "identifier" {
                continue;
            }
            let name = self.text(target);
            match value.kind() {
                "dictionary" if definitions.is_registry(name) => self.registry_keys(name, value),
                "list" | "tuple" | "set" if definitions.is_list(name) => {
                    self.list_elements(name, value)
                }
                _ => {}
            }
        }
    }

    /// The plain string keys of a dict literal (`**spread` and other keys skipped).
    fn registry_keys(&mut self, name: &str, dictionary: Node<'a>) {
        let mut cursor = dictionary.walk();
        for pair in dictionary.named_children(&mut cursor) {
            if pair.kind() != "pair" {
                continue;
            }
            if let Some(key) = pair.child_by_field_name("key") {
                self.push_definition(ConstKind::RegistryKey, Some(name), pair, key);
            }
        }
    }

    /// The string elements of a list / tuple / set literal, and the first element of each
    /// `("key", default)` pair.
    pub(super) fn list_elements(&mut self, name: &str, literal: Node<'a>) {
        let mut cursor = literal.walk();
        for element in literal.named_children(&mut cursor) {
            let inner = unwrap_parens(element);
            let key = match inner.kind() {
                "list" | "tuple" => {
                    let mut inner_cursor = inner.walk();
                    let first = inner
                        .named_children(&mut inner_cursor)
                        .find(|n| n.kind() != "comment");
                    match first {
                        Some(first) => first,
                        None => continue,
                    }
                }
                "comment" => continue,
                _ => element,
            };
            self.push_definition(ConstKind::ListElement, Some(name), element, key);
        }
    }

    /// `manager.add("key", ...)` for a configured registration: the literal key argument.
    pub(super) fn registration(&mut self, call: Node<'a>, function: Node<'a>, arguments: Node<'a>) {
        let last = match function.kind() {
            "identifier" => function,
            "attribute" => match function.child_by_field_name("attribute") {
                Some(attribute) => attribute,
                None => return,
            },
            _ => return,
        };
        let last = self.text(last);
        let definitions = self.options.definitions;
        if !definitions.is_registration_candidate(last) {
            return;
        }
        let callee: Vec<&str> = match attribute_chain(function) {
            Chain::Rooted(segments) => segments.iter().map(|s| self.text(*s)).collect(),
            Chain::Unrooted(_) => vec![last],
        };
        let found = definitions.registrations_of(&callee).find_map(|key| {
            match key_argument(self, arguments, key) {
                Some(KeyArgument::Found(node)) => Some(node),
                _ => None,
            }
        });
        let Some(key_node) = found else {
            return;
        };
        // `NAME = WaffleSwitch("key", ...)` at module level: the constant is `NAME`.
        let statement = binding_of(call, "assignment", "right", "left").filter(|(a, _)| {
            a.parent().is_some_and(|s| {
                s.kind() == "expression_statement"
                    && s.parent().is_some_and(|m| m.kind() == "module")
            })
        });
        match statement {
            Some((assignment, name)) => {
                let name_text = self.text(name);
                self.push_named_definition(name_text, assignment, name, key_node)
            }
            None => self.push_definition(ConstKind::Registration, None, call, key_node),
        }
    }

    /// Records a definition when `key` is a plain string literal: symbol `[container, value]`
    /// (or `[value]`), spanning `whole`.
    fn push_definition(
        &mut self,
        kind: ConstKind,
        container: Option<&str>,
        whole: Node<'a>,
        key: Node<'a>,
    ) {
        let key = unwrap_parens(key);
        let Some(value) = self.plain_string(key) else {
            return;
        };
        let symbol = container
            .map(str::to_string)
            .into_iter()
            .chain([value.clone()])
            .collect();
        self.facts.string_consts.push(StringConst {
            symbol,
            value,
            exported: true,
            span: self.span(whole),
            name_span: self.span(key),
            reference: None,
            kind,
        });
    }

    /// A registration assigned to a module-level name: symbol `[name]`.
    fn push_named_definition(
        &mut self,
        name_text: &str,
        whole: Node<'a>,
        name: Node<'a>,
        key: Node<'a>,
    ) {
        let Some(value) = self.plain_string(unwrap_parens(key)) else {
            return;
        };
        self.facts.string_consts.push(StringConst {
            symbol: vec![name_text.to_string()],
            value,
            exported: true,
            span: self.span(whole),
            name_span: self.span(name),
            reference: None,
            kind: ConstKind::Registration,
        });
    }
}
