//! Checks: calls of configured check functions, class attribute and property checks, and their
//! keys.

use super::*;

/// Most ancestors climbed from a key to its enclosing class.
const MAX_CLASS_DEPTH: usize = 256;

impl<'a, 'o> Walker<'a, 'o> {
    pub(super) fn visit_call(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let function = node.child_by_field_name("function");
        let arguments = node.child_by_field_name("arguments");
        let mut skip = None;
        // A method check's key is its receiver, which is not visited again.
        let mut method_check = false;
        if let (Some(function), Some(arguments)) = (function, arguments) {
            if self.definitions {
                self.registration(node, function, arguments);
            }
            let site = self.check_site(node, function, arguments, ctx).or_else(|| {
                let site = self.method_site(node, function, ctx.scope)?;
                method_check = true;
                Some(site)
            });
            if let Some((check, key_node)) = site {
                let visit_key = matches!(check.key, KeyExpr::Dynamic(_))
                    && unwrap_parens(key_node).kind() != "identifier";
                if !visit_key && !method_check {
                    skip = Some(key_node.id());
                }
                let index = self.facts.checks.len();
                let state = self.options.checks.specs()[check.spec]
                    .state
                    .as_deref()
                    .and_then(|keyword| self.state_argument(arguments, keyword));
                if ctx.scope != 0
                    && !method_check
                    && matches!(&check.key, KeyExpr::Path(path) if path.len() == 1)
                    && unwrap_parens(key_node).kind() == "identifier"
                {
                    self.key_locals
                        .push((index, ctx.scope, self.text(unwrap_parens(key_node))));
                }
                self.facts.checks.push(check);
                if let Some(state) = state {
                    self.facts.check_states.push((index, state));
                }
                self.check_nodes.insert(node.id(), index);
                if let Some(&local) = self.local_calls.get(&node.id()) {
                    self.locals.assigned_check(local, index);
                }
            }
        }
        if let Some(arguments) = arguments {
            if arguments.kind() == "argument_list" {
                self.push_children_with(arguments, |_, child, _| {
                    let is_key = Some(child.id()) == skip
                        || (skip.is_some()
                            && child.kind() == "keyword_argument"
                            && child.child_by_field_name("value").map(|v| v.id()) == skip);
                    (!is_key).then_some(ctx.expr())
                });
            } else if Some(arguments.id()) != skip {
                self.push(arguments, ctx.expr());
            }
        }
        if let Some(function) = function.filter(|_| !method_check) {
            self.callees.insert(function.id());
            // `settings.FEATURES.get(...)` calls a method; it is not a property check.
            self.mark_chain_part(function);
            self.push(function, ctx.expr());
        }
    }

    /// The check a call is, with its key argument node.
    fn check_site(
        &self,
        call: Node<'a>,
        function: Node<'a>,
        arguments: Node<'a>,
        ctx: Ctx<'a>,
    ) -> Option<(CheckSite, Node<'a>)> {
        let callee = self.callee_chain(function)?;
        let last = *callee.last()?;
        let (spec_index, spec) = self.options.checks.find(self.options.language, &callee)?;
        if self.inside_function_named(ctx.scope, last) {
            return None;
        }
        if spec.flag.is_some() || spec.gate.is_some() {
            let key = crate::lang::gates::callee_key(spec, last, self.options.interesting)?;
            let span = self.span(call);
            let site = CheckSite {
                spec: spec_index,
                key: KeyExpr::Literal(key),
                span,
                key_span: span,
                in_test: false,
                scope: Vec::new(),
            };
            return Some((site, arguments));
        }
        let (key, key_node) = match key_argument(self, arguments, &spec.key)? {
            KeyArgument::Found(node) => (self.classify_key(node, ctx.scope), node),
            KeyArgument::Unpacked(node) => (KeyExpr::from(DynamicReason::UnpackedArgument), node),
        };
        let key = crate::lang::gates::through_template(spec, key)?;
        Some((
            CheckSite {
                spec: spec_index,
                key,
                span: self.span(call),
                key_span: self.span(key_node),
                in_test: false,
                scope: Vec::new(),
            },
            key_node,
        ))
    }

    /// A method check (`Shape::Method`): `NEW_NAV.is_enabled()`, `toggles.NEW_NAV.is_enabled(u)`,
    /// whose receiver is a member chain naming a definition symbol; the key is the receiver.
    fn method_site(
        &self,
        call: Node<'a>,
        function: Node<'a>,
        scope: usize,
    ) -> Option<(CheckSite, Node<'a>)> {
        if function.kind() != "attribute" {
            return None;
        }
        let method = self.text(function.child_by_field_name("attribute")?);
        let checks = self.options.checks;
        if !checks.is_shape_candidate(ShapeKind::Method, method) {
            return None;
        }
        let receiver = function.child_by_field_name("object")?;
        let path: Vec<String> = match receiver.kind() {
            "identifier" => vec![self.text(receiver).to_string()],
            "attribute" => match attribute_chain(receiver) {
                Chain::Rooted(segments) => {
                    segments.iter().map(|s| self.text(*s).to_string()).collect()
                }
                Chain::Unrooted(_) => return None,
            },
            "call" => return self.getter_method_site(call, method, receiver, scope),
            _ => return None,
        };
        // Any object has methods of these names (a configuration model's `is_enabled()`): only a
        // receiver naming a flag constant is a flag object.
        // In a definitions file, its own module-level names are the flag objects
        // (`def is_badges_enabled(): return ENABLE_BADGES.is_enabled()` in `toggles.py`).
        let own = self.options.definitions_file && self.seen_names.contains(path[0].as_str());
        if !own
            && !path
                .iter()
                .any(|segment| self.options.interesting.contains(segment))
        {
            return self.getter_method_site(call, method, receiver, scope);
        }
        let (spec, _) = checks.find_shape_with(
            self.options.language,
            ShapeKind::Method,
            &[method],
            |spec| spec.getters.is_empty(),
        )?;
        Some((
            CheckSite {
                spec,
                key: KeyExpr::Path(path),
                span: self.span(call),
                key_span: self.span(receiver),
                in_test: false,
                scope: Vec::new(),
            },
            receiver,
        ))
    }

    /// A method check on a configured getter's result, called directly or through a function's
    /// local assigned once from it: `flag = get_waffle_flag_model().get("x")` then
    /// `flag.is_active_for_user(user)`; the key is the getter's first argument.
    fn getter_method_site(
        &self,
        call: Node<'a>,
        method: &str,
        receiver: Node<'a>,
        scope: usize,
    ) -> Option<(CheckSite, Node<'a>)> {
        let getter = match receiver.kind() {
            // `get_waffle_switch_model().get("x").is_active()`.
            "call" => receiver,
            "identifier" if scope != 0 => {
                (*self.local_getters.get(&(scope, self.text(receiver)))?)?
            }
            _ => return None,
        };
        let callee = self.callee_without_calls(getter.child_by_field_name("function")?);
        let (spec, _) = self.options.checks.find_shape_with(
            self.options.language,
            ShapeKind::Method,
            &[method],
            |spec| {
                spec.getters
                    .iter()
                    .any(|g| crate::lang::ends_with_segments(&callee, g))
            },
        )?;
        let first = KeyArg {
            position: Some(0),
            keyword: Some("name".to_string()),
        };
        let Some(KeyArgument::Found(key_node)) =
            key_argument(self, getter.child_by_field_name("arguments")?, &first)
        else {
            return None;
        };
        Some((
            CheckSite {
                spec,
                key: self.classify_key(key_node, scope),
                span: self.span(call),
                key_span: self.span(key_node),
                in_test: false,
                scope: Vec::new(),
            },
            receiver,
        ))
    }

    /// `self.X` / `cls.X` inside a method, where the enclosing class's body assigns `X` a string
    /// literal once: that literal (`ROLLOUT_FLAG_NAME = "proactive_rollout"`).
    fn class_attribute(&self, node: Node<'a>, path: &[String]) -> Option<String> {
        let [receiver, name] = path else {
            return None;
        };
        if receiver != "self" && receiver != "cls" {
            return None;
        }
        let mut class = node.parent();
        for _ in 0..MAX_CLASS_DEPTH {
            match class {
                Some(c) if c.kind() == "class_definition" => break,
                Some(c) => class = c.parent(),
                None => return None,
            }
        }
        let body = class?.child_by_field_name("body")?;
        let mut values = Vec::new();
        let mut cursor = body.walk();
        for statement in body.named_children(&mut cursor) {
            let Some(assignment) = statement
                .named_child(0)
                .filter(|a| statement.kind() == "expression_statement" && a.kind() == "assignment")
            else {
                continue;
            };
            let (Some(left), Some(right)) = (
                assignment.child_by_field_name("left"),
                assignment.child_by_field_name("right"),
            ) else {
                continue;
            };
            if left.kind() == "identifier" && self.text(left) == name {
                values.push(string_value(unwrap_parens(right), self.source).ok());
            }
        }
        match values.as_slice() {
            [Some(value)] => Some(value.clone()),
            _ => None,
        }
    }

    /// A callee's names with the calls between them left out: `waffle.get_waffle_flag_model().get`
    /// -> [waffle, get_waffle_flag_model, get].
    fn callee_without_calls(&self, function: Node<'a>) -> Vec<&'a str> {
        let mut names = Vec::new();
        let mut node = function;
        for _ in 0..64 {
            match node.kind() {
                "attribute" => {
                    let Some((object, attribute)) =
                        crate::lang::ts_util::field_pair(node, "object", "attribute")
                    else {
                        break;
                    };
                    names.push(self.text(attribute));
                    node = object;
                }
                "call" => match node.child_by_field_name("function") {
                    Some(function) => node = function,
                    None => break,
                },
                "identifier" => {
                    names.push(self.text(node));
                    break;
                }
                _ => break,
            }
        }
        names.reverse();
        names
    }

    /// The boolean literal (`True` / `False`, possibly parenthesised) passed to a call as the
    /// keyword argument `keyword`; `None` when absent or not a literal.
    fn state_argument(&self, arguments: Node<'a>, keyword: &str) -> Option<bool> {
        if arguments.kind() != "argument_list" {
            return None;
        }
        let mut cursor = arguments.walk();
        let value = arguments.named_children(&mut cursor).find_map(|arg| {
            let name = arg.child_by_field_name("name")?;
            (arg.kind() == "keyword_argument" && self.text(name) == keyword)
                .then(|| arg.child_by_field_name("value"))
                .flatten()
        })?;
        match unwrap_parens(value).kind() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// `f` -> [f]; `a.b.f` -> [a, b, f]; `g().f` -> [f]; `None` when the last segment is not a
    /// candidate or the callee has no name.
    fn callee_chain(&self, function: Node<'a>) -> Option<Vec<&'a str>> {
        match function.kind() {
            "identifier" => {
                let name = self.text(function);
                self.options.checks.is_candidate(name).then(|| vec![name])
            }
            "attribute" => {
                let last = self.text(function.child_by_field_name("attribute")?);
                if !self.options.checks.is_candidate(last) {
                    return None;
                }
                Some(match attribute_chain(function) {
                    Chain::Rooted(segments) => segments.iter().map(|s| self.text(*s)).collect(),
                    Chain::Unrooted(_) => vec![last],
                })
            }
            _ => None,
        }
    }

    fn inside_function_named(&self, scope: usize, name: &str) -> bool {
        self.scopes.inside_function_named(Some(scope), name)
    }

    fn is_parameter(&self, scope: usize, name: &str) -> bool {
        self.scopes.is_param(Some(scope), name)
    }

    // -----------------------------------------------------------------------------------------
    // Check shapes: class attributes and property chains

    /// `NAME = value` (also annotated or chained) in a class body where `NAME` is an attribute
    /// check: one check per matching target; the value is the key and is not walked again
    /// unless it is dynamic.
    pub(super) fn attribute_checks(&mut self, statement: Node<'a>, ctx: Ctx<'a>) {
        let Some((targets, value)) = assignment_targets(statement) else {
            return;
        };
        let mut recorded = None;
        for target in targets {
            if target.kind() != "identifier" {
                continue;
            }
            let name = self.text(target);
            if !self
                .options
                .checks
                .is_shape_candidate(ShapeKind::Attribute, name)
            {
                continue;
            }
            let Some((spec, _)) = self.options.checks.find_shape(
                self.options.language,
                ShapeKind::Attribute,
                &[name],
            ) else {
                continue;
            };
            let key = self.classify_key(value, ctx.scope);
            recorded = Some(matches!(key, KeyExpr::Dynamic(_)));
            self.facts.checks.push(CheckSite {
                spec,
                key,
                span: self.span(statement),
                key_span: self.span(value),
                in_test: false,
                scope: Vec::new(),
            });
        }
        if let Some(dynamic) = recorded {
            if !dynamic || unwrap_parens(value).kind() == "identifier" {
                self.skipped.insert(value.id());
            }
        }
    }

    /// Notes that `node` (when an attribute or subscript) is part of something larger - the
    /// object of a member, a callee, a written target - so it is not a property check itself.
    pub(super) fn mark_chain_part(&mut self, node: Node<'a>) {
        if self.property_shape && matches!(node.kind(), "attribute" | "subscript") {
            self.not_maximal.insert(node.id());
        }
    }

    /// An attribute or subscript that may be a property check: not part of something larger,
    /// and the member before its key is the last segment of a property spec.
    pub(super) fn is_property_candidate(&mut self, node: Node<'a>) -> bool {
        if self.not_maximal.remove(&node.id()) {
            return false;
        }
        let object = match node.kind() {
            "attribute" => node.child_by_field_name("object"),
            "subscript" => node.child_by_field_name("value"),
            _ => None,
        };
        let last = object.and_then(|object| match object.kind() {
            "identifier" => Some(self.text(object)),
            "attribute" => object
                .child_by_field_name("attribute")
                .map(|a| self.text(a)),
            _ => None,
        });
        last.is_some_and(|last| {
            self.options
                .checks
                .is_shape_candidate(ShapeKind::Property, last)
        })
    }

    /// `a.b.c.KEY`: a property check when `a.b.c` ends with a property spec's segments.
    /// `segments` are the chain's member names (the root identifier first when it has one).
    pub(super) fn attribute_property_check(
        &mut self,
        node: Node<'a>,
        segments: &[Node<'a>],
    ) -> bool {
        let Some((&key_node, prefix)) = segments.split_last() else {
            return false;
        };
        let key = KeyExpr::Literal(self.text(key_node).to_string());
        self.property_check(node, prefix, key, key_node).is_some()
    }

    /// `a.b.c["KEY"]` (or `a.b.c[expr]`, a dynamic key): a property check when `a.b.c` ends
    /// with a property spec's segments. Otherwise walked like any subscript.
    pub(super) fn visit_subscript(&mut self, node: Node<'a>, ctx: Ctx<'a>) {
        let candidate = self.is_property_candidate(node);
        let value = node.child_by_field_name("value");
        if let Some(value) = value {
            self.mark_chain_part(value);
        }
        let (Some(value), Some(index), true) = (value, single_index(node), candidate) else {
            return self.push_children(node, ctx);
        };
        let (segments, base) = member_chain(value);
        let key = self.classify_index(index, ctx.scope);
        let visit_index = match &key {
            KeyExpr::Literal(_) => false,
            _ => {
                let index = unwrap_parens(index);
                index.kind() != "identifier" || !self.is_parameter(ctx.scope, self.text(index))
            }
        };
        if self.property_check(node, &segments, key, index).is_none() {
            return self.push_children(node, ctx);
        }
        if visit_index {
            self.push(index, ctx.expr());
        }
        if let Some(base) = base {
            self.mark_chain_part(base);
            self.push(base, ctx.expr());
        }
    }

    /// The key of a subscript property: a string literal, else dynamic.
    fn classify_index(&self, index: Node<'a>, scope: usize) -> KeyExpr {
        let index = unwrap_parens(index);
        if matches!(index.kind(), "string" | "concatenated_string") {
            return match string_value(index, self.source) {
                Ok(value) => KeyExpr::Literal(value),
                Err(what) => KeyExpr::Dynamic(what.to_string()),
            };
        }
        match self.classify_key(index, scope) {
            key @ (KeyExpr::Dynamic(_) | KeyExpr::Parameter(_)) => key,
            _ => KeyExpr::from(DynamicReason::NonLiteralIndex),
        }
    }

    /// Records a property check when the members before the key (`prefix`) end with a
    /// property spec's segments; the check's index.
    fn property_check(
        &mut self,
        node: Node<'a>,
        prefix: &[Node<'a>],
        key: KeyExpr,
        key_node: Node<'a>,
    ) -> Option<usize> {
        if prefix.is_empty() {
            return None;
        }
        let names: Vec<&'a str> = prefix.iter().map(|s| self.text(*s)).collect();
        let (spec, found) =
            self.options
                .checks
                .find_shape(self.options.language, ShapeKind::Property, &names)?;
        // `settings.TIME_ZONE` is no flag where only `FEATURE_*` settings are.
        if !found.admits(&key) {
            return None;
        }
        let index = self.facts.checks.len();
        self.facts.checks.push(CheckSite {
            spec,
            key,
            span: self.span(node),
            key_span: self.span(key_node),
            in_test: false,
            scope: Vec::new(),
        });
        self.check_nodes.insert(node.id(), index);
        if let Some(&local) = self.local_calls.get(&node.id()) {
            self.locals.assigned_check(local, index);
        }
        Some(index)
    }

    /// What a key argument is: a literal, a static name chain, or something dynamic.
    pub(super) fn classify_key(&self, node: Node<'a>, scope: usize) -> KeyExpr {
        let node = unwrap_parens(node);
        let dynamic = KeyExpr::from;
        match node.kind() {
            "string" | "concatenated_string" => match string_value(node, self.source) {
                Ok(value) => KeyExpr::Literal(value),
                Err(what) => KeyExpr::Dynamic(what.to_string()),
            },
            "identifier" => {
                let name = self.text(node);
                if self.is_parameter(scope, name) {
                    KeyExpr::Parameter(name.to_string())
                } else {
                    KeyExpr::Path(vec![name.to_string()])
                }
            }
            "attribute" => match attribute_chain(node) {
                Chain::Rooted(segments) => {
                    let path: Vec<String> =
                        segments.iter().map(|s| self.text(*s).to_string()).collect();
                    match self.class_attribute(node, &path) {
                        Some(value) => KeyExpr::Literal(value),
                        None => KeyExpr::Path(path),
                    }
                }
                Chain::Unrooted(_) => dynamic(DynamicReason::AttributeOfExpression),
            },
            "binary_operator" => match node.child_by_field_name("operator").map(|o| o.kind()) {
                Some("+") => dynamic(DynamicReason::StringConcatenation),
                Some("%") => dynamic(DynamicReason::PercentFormat),
                _ => dynamic(DynamicReason::Expression),
            },
            "call" => {
                let is_format = node
                    .child_by_field_name("function")
                    .filter(|f| f.kind() == "attribute")
                    .and_then(|f| f.child_by_field_name("attribute"))
                    .is_some_and(|a| self.text(a) == "format");
                if is_format {
                    dynamic(DynamicReason::FormatCall)
                } else {
                    dynamic(DynamicReason::CallResult)
                }
            }
            "conditional_expression" => dynamic(DynamicReason::Conditional),
            "subscript" => dynamic(DynamicReason::Subscript),
            _ => dynamic(DynamicReason::Expression),
        }
    }
}

/// Finds the argument of a call at `key`; `None` when the call has none.
pub(super) fn key_argument<'a>(
    walker: &Walker<'a, '_>,
    arguments: Node<'a>,
    key: &KeyArg,
) -> Option<KeyArgument<'a>> {
    if arguments.kind() != "argument_list" {
        // `f(x for x in y)`: the generator is the only, positional, argument.
        return (key.position == Some(0)).then_some(KeyArgument::Found(arguments));
    }
    let mut cursor = arguments.walk();
    let args: Vec<Node<'a>> = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .collect();
    if let Some(keyword) = &key.keyword {
        let found = args.iter().find_map(|arg| {
            let name = arg.child_by_field_name("name")?;
            (arg.kind() == "keyword_argument" && walker.text(name) == keyword)
                .then(|| arg.child_by_field_name("value"))
                .flatten()
        });
        if let Some(value) = found {
            return Some(KeyArgument::Found(value));
        }
    }
    let mut index = 0;
    for &arg in &args {
        match arg.kind() {
            "keyword_argument" => continue,
            "list_splat" | "dictionary_splat" | "parenthesized_list_splat" => {
                return Some(KeyArgument::Unpacked(arg));
            }
            _ => {
                if key.position == Some(index) {
                    return Some(KeyArgument::Found(arg));
                }
                index += 1;
            }
        }
    }
    None
}
