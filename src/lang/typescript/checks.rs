//! Checks: calls of configured check functions, the other check shapes (property chains, JSX
//! elements, destructured hooks) and their keys.

use super::*;

/// Longest member path a destructuring pattern is followed along.
const MAX_PATTERN_PATH: usize = 32;

impl<'s, 'o, 't> Walker<'s, 'o, 't> {
    pub(super) fn call_expression(&mut self, item: Item<'t, 's>, stack: &mut Vec<Item<'t, 's>>) {
        let node = item.node;
        if self.definitions && !self.options.definitions.registrations.is_empty() {
            self.registration(node);
        }
        if let Some(key) = self.check_site(item) {
            self.recorded_keys.insert(key);
        }
        if let Some(function) = node.child_by_field_name("function") {
            self.callees.insert(function.id());
        }
        if self.property_shape {
            self.mark_chain_part(node.child_by_field_name("function"));
        }
        // In source order: the callee is visited before the arguments.
        self.push_children(item, stack, |_, field, _| match field {
            Some("type_arguments") => None,
            _ => Some(Mode::Expr),
        });
    }

    /// Records the check at this call, if any; returns the key argument's id when the key is a
    /// literal or path (it must not be reported again as a symbol use).
    fn check_site(&mut self, item: Item<'t, 's>) -> Option<usize> {
        let node = item.node;
        let function = node.child_by_field_name("function")?;
        let last = match function.kind() {
            "identifier" => function,
            "member_expression" => function.child_by_field_name("property")?,
            _ => return None,
        };
        let last = self.text(last);
        if !self.options.checks.is_candidate(last) {
            return None;
        }
        let arguments = node
            .child_by_field_name("arguments")
            .filter(|a| a.kind() == "arguments")?;
        let mut segments = Vec::new();
        let chain: Vec<&str> = match self.static_chain(function, &mut segments) {
            ChainEnd::Root => segments.iter().map(|s| s.as_ref()).collect(),
            ChainEnd::Broken(_) => vec![last],
        };
        let (spec_index, spec) = self.options.checks.find(self.options.language, &chain)?;
        if self.inside_function_named(last, item.frame) {
            return None;
        }
        if spec.flag.is_some() || spec.gate.is_some() {
            let key = crate::lang::gates::callee_key(spec, last, self.options.interesting)?;
            self.check_calls.insert(node.id(), self.facts.checks.len());
            self.check_ranges.push((node.start_byte(), node.end_byte()));
            self.facts.checks.push(CheckSite {
                spec: spec_index,
                key: KeyExpr::Literal(key),
                span: self.span(node),
                key_span: self.span(function),
                in_test: false,
                scope: Vec::new(),
            });
            return None;
        }
        // `key = "key"`: the property of an object argument (`Command.create({ key: X })`).
        let property = spec
            .key
            .keyword
            .as_deref()
            .and_then(|name| self.object_argument_property(arguments, name));
        let (key, key_node) = match property {
            Some(value) => (self.classify_key(value, item.frame), value),
            None => self.positional_key(arguments, spec.key.position?, item.frame)?,
        };
        let key = crate::lang::gates::through_template(spec, key)?;
        let excluded = (!matches!(key, KeyExpr::Dynamic(_))).then(|| key_node.id());
        self.check_calls.insert(node.id(), self.facts.checks.len());
        self.check_ranges.push((node.start_byte(), node.end_byte()));
        self.facts.checks.push(CheckSite {
            spec: spec_index,
            key,
            span: self.span(node),
            key_span: self.span(key_node),
            in_test: false,
            scope: Vec::new(),
        });
        excluded
    }

    /// The argument at `position` and its key (a spread before it makes the key dynamic).
    fn positional_key(
        &self,
        arguments: Node<'t>,
        position: usize,
        frame: Option<usize>,
    ) -> Option<(KeyExpr, Node<'t>)> {
        let mut cursor = arguments.walk();
        let mut key_node = None;
        let mut spread = None;
        for (index, arg) in arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind() != "comment")
            .enumerate()
        {
            if arg.kind() == "spread_element" && spread.is_none() {
                spread = Some(arg);
            }
            if index == position {
                key_node = Some(arg);
                break;
            }
        }
        match (spread, key_node) {
            (Some(spread), _) => Some((dynamic(DynamicReason::SpreadArgument), spread)),
            (None, Some(arg)) => Some((self.classify_key(arg, frame), arg)),
            (None, None) => None,
        }
    }

    /// The value of property `name` of the first object literal among the arguments.
    fn object_argument_property(&self, arguments: Node<'t>, name: &str) -> Option<Node<'t>> {
        let mut cursor = arguments.walk();
        let object = arguments
            .named_children(&mut cursor)
            .map(unwrap_expression)
            .find(|a| a.kind() == "object")?;
        let mut inner = object.walk();
        let pairs: Vec<Node<'t>> = object.named_children(&mut inner).collect();
        pairs.into_iter().find_map(|pair| {
            let key = pair.child_by_field_name("key")?;
            let key_text = match key.kind() {
                "string" => self.string_value(key)?,
                "property_identifier" => self.text(key).to_string(),
                _ => return None,
            };
            (pair.kind() == "pair" && key_text == name)
                .then(|| pair.child_by_field_name("value"))
                .flatten()
        })
    }

    fn classify_key(&self, arg: Node<'t>, frame: Option<usize>) -> KeyExpr {
        let node = unwrap_expression(arg);
        match node.kind() {
            "string" | "template_string" => match self.string_value(node) {
                Some(value) => KeyExpr::Literal(value),
                None => dynamic(DynamicReason::TemplateLiteral),
            },
            "identifier" => {
                let name = self.text(node);
                if self.is_param(name, frame) {
                    KeyExpr::Parameter(name.to_string())
                } else {
                    KeyExpr::Path(vec![name.to_string()])
                }
            }
            "member_expression" | "subscript_expression" => {
                let mut segments = Vec::new();
                match self.static_chain(node, &mut segments) {
                    ChainEnd::Root if segments.first().is_some_and(|s| s == "this") => {
                        dynamic(DynamicReason::MemberOfThis)
                    }
                    ChainEnd::Root => {
                        KeyExpr::Path(segments.into_iter().map(Cow::into_owned).collect())
                    }
                    ChainEnd::Broken(_) if node.kind() == "subscript_expression" => {
                        dynamic(DynamicReason::Subscript)
                    }
                    ChainEnd::Broken(_) => dynamic(DynamicReason::Expression),
                }
            }
            "binary_expression" => {
                let plus = node
                    .child_by_field_name("operator")
                    .is_some_and(|o| o.kind() == "+");
                dynamic(if plus {
                    DynamicReason::StringConcatenation
                } else {
                    DynamicReason::Expression
                })
            }
            "call_expression" => dynamic(DynamicReason::CallResult),
            "ternary_expression" => dynamic(DynamicReason::Conditional),
            _ => dynamic(DynamicReason::Expression),
        }
    }

    /// The decoded value of a string literal or a template literal without substitutions.
    pub(super) fn string_value(&self, node: Node) -> Option<String> {
        match node.kind() {
            "string" => {}
            "template_string" => {
                let mut cursor = node.walk();
                let has_substitution = node
                    .named_children(&mut cursor)
                    .any(|c| c.kind() == "template_substitution");
                if has_substitution {
                    return None;
                }
            }
            _ => return None,
        }
        decode_quoted(self.text(node))
    }

    /// Records a check found in another shape than a call.
    /// A literal key its spec's `keys` patterns leave out (`getConfig().LMS_BASE_URL`) is no check.
    fn push_shape_check(&mut self, spec: usize, key: KeyExpr, span: Node<'t>, key_node: Node<'t>) {
        if !self.options.checks.specs()[spec].admits(&key) {
            return;
        }
        self.check_ranges.push((span.start_byte(), span.end_byte()));
        self.facts.checks.push(CheckSite {
            spec,
            key,
            span: self.span(span),
            key_span: self.span(key_node),
            in_test: false,
            scope: Vec::new(),
        });
    }

    /// Remembers that a member chain (under parentheses and `!`) is part of a larger expression
    /// (a callee, the object of a broken chain), so it is not taken for a property check.
    pub(super) fn mark_chain_part(&mut self, node: Option<Node<'t>>) {
        let Some(mut current) = node else {
            return;
        };
        while matches!(
            current.kind(),
            "parenthesized_expression" | "non_null_expression"
        ) {
            match first_named(current) {
                Some(inner) => current = inner,
                None => return,
            }
        }
        if matches!(current.kind(), "member_expression" | "subscript_expression") {
            self.chain_parts.insert(current.id());
        }
    }

    /// `Shape::Property`: a maximal member chain `a.b.KEY` / `a.b['KEY']` / `a.b[expr]` whose
    /// members before the key end with a spec's segments. `segments` and `end` are the chain's
    /// `static_chain`. Returns the id of a computed index that is the check's key (a name or a
    /// constant, read like a call's key argument): not to be walked as an expression.
    pub(super) fn property_check(
        &mut self,
        node: Node<'t>,
        end: &ChainEnd<'t>,
        segments: &[Cow<'s, str>],
        frame: Option<usize>,
    ) -> Option<usize> {
        let key_field = match node.kind() {
            "member_expression" => "property",
            "subscript_expression" => "index",
            _ => return None,
        };
        let key_node = node.child_by_field_name(key_field)?;
        let checks = self.options.checks;
        let (prefix, key): (Vec<&str>, KeyExpr) = match end {
            ChainEnd::Root => {
                let (key, prefix) = segments.split_last()?;
                if let Some(expanded) = self.expand_alias(prefix, frame) {
                    let names: Vec<&str> = expanded.iter().map(String::as_str).collect();
                    let (spec, _) =
                        checks.find_shape(self.options.language, ShapeKind::Property, &names)?;
                    self.push_shape_check(spec, KeyExpr::Literal(key.to_string()), node, key_node);
                    return None;
                }
                if !prefix
                    .last()
                    .is_some_and(|s| checks.is_shape_candidate(ShapeKind::Property, s))
                {
                    return None;
                }
                let prefix = prefix.iter().map(|s| s.as_ref()).collect();
                (prefix, KeyExpr::Literal(key.to_string()))
            }
            ChainEnd::Broken(breaker) if breaker.id() == node.id() => {
                // `a.b[expr]`: a computed key.
                if key_field != "index" {
                    return None;
                }
                let object = node.child_by_field_name("object")?;
                let mut object_segments = Vec::new();
                let object_end = self.static_chain(object, &mut object_segments);
                let expanded = match object_end {
                    ChainEnd::Root => self.expand_alias(&object_segments, frame),
                    _ => None,
                };
                let prefix: Vec<&str> = match object_end {
                    _ if expanded.is_some() => {
                        expanded.iter().flatten().map(String::as_str).collect()
                    }
                    ChainEnd::Root => object_segments.iter().map(|s| s.as_ref()).collect(),
                    ChainEnd::Broken(b) if b.id() == object.id() => return None,
                    ChainEnd::Broken(_) => {
                        object_segments.iter().rev().map(|s| s.as_ref()).collect()
                    }
                };
                if !prefix
                    .last()
                    .is_some_and(|s| checks.is_shape_candidate(ShapeKind::Property, s))
                {
                    return None;
                }
                let (spec, _) =
                    checks.find_shape(self.options.language, ShapeKind::Property, &prefix)?;
                let key = match self.classify_key(key_node, frame) {
                    key @ (KeyExpr::Path(_) | KeyExpr::Parameter(_)) => key,
                    _ => dynamic(DynamicReason::ComputedProperty),
                };
                let known = !matches!(key, KeyExpr::Dynamic(_));
                self.push_shape_check(spec, key, node, key_node);
                return known.then(|| key_node.id());
            }
            ChainEnd::Broken(breaker) => {
                // `f().b.KEY`: the static members after the break, last first; a call of a
                // named function is the segment of its name (`getConfig().ENABLE_X`,
                // `useWaffleFlags(id).newEditor`).
                let (key, members) = segments.split_first()?;
                let callee = (breaker.kind() == "call_expression")
                    .then(|| breaker.child_by_field_name("function"))
                    .flatten()
                    .and_then(|f| match f.kind() {
                        "identifier" => Some(f),
                        "member_expression" => f.child_by_field_name("property"),
                        _ => None,
                    })
                    .map(|f| self.text(f));
                let prefix: Vec<&str> = callee
                    .into_iter()
                    .chain(members.iter().rev().map(|s| s.as_ref()))
                    .collect();
                if !prefix
                    .last()
                    .is_some_and(|s| checks.is_shape_candidate(ShapeKind::Property, s))
                {
                    return None;
                }
                (prefix, KeyExpr::Literal(key.to_string()))
            }
        };
        // `process.env.X` is the environment a configuration object is made from: a check of
        // `env` reads that object, not the environment (unless the spec names `process.env`).
        let environment = prefix.starts_with(&["process", "env"]);
        if let Some((spec, _)) = checks.find_shape_with(
            self.options.language,
            ShapeKind::Property,
            &prefix,
            |spec| !environment || spec.call.len() > 1,
        ) {
            self.push_shape_check(spec, key, node, key_node);
        }
        None
    }

    /// `Shape::Jsx`: an opening / self-closing element of a configured component with the spec's
    /// prop; one check per element of an array value.
    pub(super) fn jsx_checks(&mut self, item: Item<'t, 's>) {
        let element = item.node;
        let Some(name) = element.child_by_field_name("name") else {
            return;
        };
        let last = match name.kind() {
            "identifier" => Some(name),
            "member_expression" => name.child_by_field_name("property"),
            _ => None,
        };
        let Some(last) = last else {
            return;
        };
        let checks = self.options.checks;
        if !checks.is_shape_candidate(ShapeKind::Jsx, self.text(last)) {
            return;
        }
        let mut segments = Vec::new();
        if !matches!(self.static_chain(name, &mut segments), ChainEnd::Root) {
            return;
        }
        let chain: Vec<&str> = segments.iter().map(|s| s.as_ref()).collect();
        let Some((spec, found)) = checks.find_shape(self.options.language, ShapeKind::Jsx, &chain)
        else {
            return;
        };
        let Shape::Jsx { prop } = &found.shape else {
            return;
        };
        let mut cursor = element.walk();
        let attribute = element
            .children_by_field_name("attribute", &mut cursor)
            .find(|a| {
                a.kind() == "jsx_attribute"
                    && first_named(*a).is_some_and(|n| self.text(n) == prop.as_str())
            });
        let Some(attribute) = attribute else {
            return;
        };
        let value = attribute
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .nth(1);
        let Some(value) = value else {
            let key = dynamic(DynamicReason::AttributeWithoutValue);
            return self.push_shape_check(spec, key, element, attribute);
        };
        match value.kind() {
            "string" => {
                let text = self.text(value);
                let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
                let key = KeyExpr::Literal(inner.to_string());
                self.push_shape_check(spec, key, element, value);
            }
            "jsx_expression" => {
                let Some(inner) = first_named(value) else {
                    let key = dynamic(DynamicReason::EmptyExpression);
                    return self.push_shape_check(spec, key, element, value);
                };
                let array = unwrap_expression(inner);
                if array.kind() == "array" {
                    let elements: Vec<_> = array
                        .named_children(&mut cursor)
                        .filter(|e| !matches!(e.kind(), "comment" | "spread_element"))
                        .collect();
                    for key_node in elements {
                        self.jsx_key(spec, element, key_node, item.frame);
                    }
                } else {
                    self.jsx_key(spec, element, inner, item.frame);
                }
            }
            _ => self.push_shape_check(spec, dynamic(DynamicReason::Expression), element, value),
        }
    }

    /// One key expression of a JSX check; literal and path keys are not visited again.
    fn jsx_key(
        &mut self,
        spec: usize,
        element: Node<'t>,
        key_node: Node<'t>,
        frame: Option<usize>,
    ) {
        let key = self.classify_key(key_node, frame);
        if !matches!(key, KeyExpr::Dynamic(_)) {
            self.recorded_keys.insert(key_node.id());
        }
        self.push_shape_check(spec, key, element, key_node);
    }

    /// `Shape::Destructure`: `const { a, b: c, 'd-e': f } = useFlags()` checks `a`, `b`, `d-e`.
    pub(super) fn destructure_checks(&mut self, declarator: Node<'t>) {
        let Some(pattern) = declarator
            .child_by_field_name("name")
            .filter(|n| n.kind() == "object_pattern")
        else {
            return;
        };
        let Some(call) = declarator
            .child_by_field_name("value")
            .map(unwrap_test_operand)
            .filter(|v| v.kind() == "call_expression")
        else {
            return;
        };
        let Some(function) = call.child_by_field_name("function") else {
            return;
        };
        let last = match function.kind() {
            "identifier" => Some(function),
            "member_expression" => function.child_by_field_name("property"),
            _ => None,
        };
        let Some(last) = last.map(|l| self.text(l)) else {
            return;
        };
        let checks = self.options.checks;
        if !checks.is_shape_candidate(ShapeKind::Destructure, last) {
            return;
        }
        let mut segments = Vec::new();
        let chain: Vec<&str> = match self.static_chain(function, &mut segments) {
            ChainEnd::Root => segments.iter().map(|s| s.as_ref()).collect(),
            ChainEnd::Broken(_) => vec![last],
        };
        let language = self.options.language;
        let Some((spec, _)) = checks.find_shape(language, ShapeKind::Destructure, &chain) else {
            return;
        };
        let mut cursor = pattern.walk();
        let properties: Vec<_> = pattern.named_children(&mut cursor).collect();
        for property in properties {
            let key_node = match property.kind() {
                "shorthand_property_identifier_pattern" => Some(property),
                "object_assignment_pattern" => property
                    .child_by_field_name("left")
                    .filter(|l| l.kind() == "shorthand_property_identifier_pattern"),
                "pair_pattern" => property
                    .child_by_field_name("key")
                    .filter(|k| matches!(k.kind(), "property_identifier" | "string")),
                _ => None,
            };
            let Some(key_node) = key_node else {
                continue;
            };
            let name = match key_node.kind() {
                "string" => self.string_value(key_node),
                _ => Some(self.text(key_node).to_string()),
            };
            if let Some(name) = name {
                self.push_shape_check(spec, KeyExpr::Literal(name), property, key_node);
            }
        }
    }

    /// `Shape::ObjectProperty`: `{ path: '/x', flag: 'newNav' }` checks `newNav`; an array value
    /// checks each element. Only keys known statically are taken (string literals, imported
    /// constants): `{ flag: route.flag }` passes a key along and is no check.
    pub(super) fn object_property_checks(&mut self, pair: Node<'t>) {
        let Some(key) = pair.child_by_field_name("key") else {
            return;
        };
        let name = match key.kind() {
            "property_identifier" => Some(self.text(key).to_string()),
            "string" => self.string_value(key),
            _ => None,
        };
        let Some(name) = name else {
            return;
        };
        let checks = self.options.checks;
        if !checks.is_shape_candidate(ShapeKind::ObjectProperty, &name) {
            return;
        }
        let language = self.options.language;
        let Some((spec, _)) = checks.find_shape(language, ShapeKind::ObjectProperty, &[&name])
        else {
            return;
        };
        let Some(value) = pair.child_by_field_name("value").map(unwrap_expression) else {
            return;
        };
        let values: Vec<Node<'t>> = if value.kind() == "array" {
            let mut cursor = value.walk();
            value
                .named_children(&mut cursor)
                .filter(|e| !matches!(e.kind(), "comment" | "spread_element"))
                .collect()
        } else {
            vec![value]
        };
        for value in values {
            let value = unwrap_expression(value);
            let key = match value.kind() {
                "string" | "template_string" => match self.string_value(value) {
                    Some(literal) => KeyExpr::Literal(literal),
                    None => continue,
                },
                "identifier" | "member_expression" | "subscript_expression" => {
                    let mut segments = Vec::new();
                    let imported =
                        matches!(self.static_chain(value, &mut segments), ChainEnd::Root)
                            && segments
                                .first()
                                .is_some_and(|root| self.import_locals.contains(root.as_ref()));
                    if !imported {
                        continue;
                    }
                    KeyExpr::Path(segments.into_iter().map(Cow::into_owned).collect())
                }
                _ => continue,
            };
            self.recorded_keys.insert(value.id());
            self.push_shape_check(spec, key, pair, value);
        }
    }

    /// Destructuring of a property check's object: `const { flags } = uiConfig` makes `flags` stand
    /// for `uiConfig.flags` in this function (and the ones inside it), `const { flags: { newNav } }
    /// = uiConfig` and `const { newNav } = uiConfig.flags` check `newNav`.
    ///
    /// A call of a named function stands for its name, and a plain local takes the whole object:
    /// with `property = "useWaffleFlags"`, `const flags = useWaffleFlags(id)` then `flags.newNav`,
    /// and `const { newNav } = useWaffleFlags(id)`, check `newNav`.
    pub(super) fn destructured_properties(&mut self, declarator: Node<'t>, frame: Option<usize>) {
        let Some(pattern) = declarator
            .child_by_field_name("name")
            .filter(|n| matches!(n.kind(), "object_pattern" | "identifier"))
        else {
            return;
        };
        let Some(value) = declarator
            .child_by_field_name("value")
            .map(unwrap_expression)
        else {
            return;
        };
        let root: Vec<String> = match value.kind() {
            "identifier" | "member_expression" => {
                let mut segments = Vec::new();
                if !matches!(self.static_chain(value, &mut segments), ChainEnd::Root) {
                    return;
                }
                segments.into_iter().map(Cow::into_owned).collect()
            }
            "call_expression" => {
                let callee = value
                    .child_by_field_name("function")
                    .and_then(|f| match f.kind() {
                        "identifier" => Some(f),
                        "member_expression" => f.child_by_field_name("property"),
                        _ => None,
                    });
                match callee {
                    Some(callee) => vec![self.text(callee).to_string()],
                    None => return,
                }
            }
            _ => return,
        };
        let root = self.expand_alias(&root, frame).unwrap_or(root);
        let checks = self.options.checks;
        let language = self.options.language;
        let find = |path: &[String]| {
            let last = path.last()?;
            if !checks.is_shape_candidate(ShapeKind::Property, last) {
                return None;
            }
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            checks
                .find_shape(language, ShapeKind::Property, &path)
                .map(|(spec, _)| spec)
        };
        // A call stands for a property's object only when a spec names it (`useWaffleFlags`);
        // otherwise its result is no property chain (`const { a } = useState()`).
        if value.kind() == "call_expression" && find(&root).is_none() {
            return;
        }
        if pattern.kind() == "identifier" {
            // `const flags = useWaffleFlags(id)`: `flags` stands for the property's object. Only
            // a call or a whole spec path: `const x = config.featureToggles` too.
            if find(&root).is_some() {
                let local = self.text(pattern);
                self.property_aliases.push((frame, local, root));
            }
            return;
        }
        let mut work = vec![(pattern, root)];
        while let Some((pattern, path)) = work.pop() {
            let spec = find(&path);
            let mut cursor = pattern.walk();
            let properties: Vec<_> = pattern.named_children(&mut cursor).collect();
            for property in properties {
                let (key_node, target) = match property.kind() {
                    "shorthand_property_identifier_pattern" => (property, Some(property)),
                    "object_assignment_pattern" => match property.child_by_field_name("left") {
                        Some(left) if left.kind() == "shorthand_property_identifier_pattern" => {
                            (left, Some(left))
                        }
                        _ => continue,
                    },
                    "pair_pattern" => match property.child_by_field_name("key") {
                        Some(key) if matches!(key.kind(), "property_identifier" | "string") => {
                            let value = property.child_by_field_name("value");
                            let value = value.map(|v| match v.kind() {
                                "assignment_pattern" => v.child_by_field_name("left").unwrap_or(v),
                                _ => v,
                            });
                            (key, value)
                        }
                        _ => continue,
                    },
                    _ => continue,
                };
                let name = match key_node.kind() {
                    "string" => self.string_value(key_node),
                    _ => Some(self.text(key_node).to_string()),
                };
                let Some(name) = name else {
                    continue;
                };
                if let Some(spec) = spec {
                    self.push_shape_check(spec, KeyExpr::Literal(name), property, key_node);
                    continue;
                }
                // Flag paths are short: deeper patterns are not followed (nor copied).
                if path.len() >= MAX_PATTERN_PATH {
                    continue;
                }
                let mut inner = path.clone();
                inner.push(name);
                match target {
                    Some(t) if t.kind() == "object_pattern" => work.push((t, inner)),
                    Some(t) if find(&inner).is_some() => {
                        let local = self.text(t);
                        self.property_aliases.push((frame, local, inner));
                    }
                    _ => {}
                }
            }
        }
    }

    /// `segments` with its root replaced by what a destructured local stands for.
    pub(super) fn expand_alias<S: AsRef<str>>(
        &self,
        segments: &[S],
        frame: Option<usize>,
    ) -> Option<Vec<String>> {
        if self.property_aliases.is_empty() {
            return None;
        }
        let (root, rest) = segments.split_first()?;
        let root = root.as_ref();
        let mut scope = frame;
        loop {
            if let Some((_, _, path)) = self
                .property_aliases
                .iter()
                .rev()
                .find(|(f, name, _)| *f == scope && *name == root)
            {
                let mut expanded = path.clone();
                expanded.extend(rest.iter().map(|s| s.as_ref().to_string()));
                return Some(expanded);
            }
            let current = self.frames.get(scope?)?;
            if current.params.contains(&root) {
                return None;
            }
            scope = current.parent;
        }
    }
}
