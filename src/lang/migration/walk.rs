//! The walk over the whole module: contexts, scopes and loop variables, and what names are bound
//! to.

use std::collections::HashMap;

use tree_sitter::Node;

use super::class::Module;
use super::models::{model_named, Value};
use super::operations::RawOp;
use super::syntax::{callee_name, parameter_names, plain_string};
use super::{MigrationOptions, MAX_CHAIN, MAX_DEPTH};
use crate::facts::{Direction, LineIndex, RunPython, Span};
use crate::lang::python::unwrap_parens;
use crate::lang::scope::{BindingScopes, Resolution, MODULE_SCOPE};
use crate::lang::ts_util::{field_pair, named_children, span, text};

/// Node kinds of comprehensions, whose `for` clauses bind loop variables for the whole node.
const COMPREHENSIONS: &[&str] = &[
    "list_comprehension",
    "set_comprehension",
    "dictionary_comprehension",
    "generator_expression",
];

/// Node kinds of assignment and loop targets that unpack by position.
const UNPACKING_TARGETS: &[&str] = &[
    "pattern_list",
    "tuple_pattern",
    "list_pattern",
    "tuple",
    "list",
];

/// Where code is, which decides when its operations run.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Region {
    /// Module level, other classes, the Migration class body outside `operations`.
    Module,
    /// The module function with this index (and everything nested in it).
    Function(usize),
    /// The `operations` value, outside the code arguments of its `RunPython`s.
    Operations,
    /// A code (`Forward`) or reverse code (`Reverse`) argument of the `RunPython` with this index.
    RunPythonArg(usize, Direction),
}

/// The walk's context for a node.
#[derive(Clone, Copy)]
pub(super) struct Ctx {
    /// Index into [`Walker::scopes`].
    scope: usize,
    /// The innermost enclosing loop variable (index into [`Walker::loop_vars`]).
    env: Option<usize>,
    pub(super) region: Region,
    /// The node's depth from the module.
    depth: usize,
}

impl Ctx {
    /// Module level, outside any loop.
    pub(super) const MODULE: Ctx = Ctx {
        scope: MODULE_SCOPE,
        env: None,
        region: Region::Module,
        depth: 0,
    };
}

/// The elements of a literal collection, read lazily where a key is needed.
#[derive(Clone, Copy)]
pub(super) struct Elements<'a> {
    /// A list, tuple, set or dict literal.
    pub(super) collection: Node<'a>,
    /// For a dict: iterate `(key, value)` pairs (`.items()`) instead of keys.
    pub(super) pairs: bool,
    /// A loop target unpacking each element: the position this name takes.
    pub(super) position: Option<usize>,
    /// Where the elements are written (module level for a module constant).
    pub(super) ctx: Ctx,
}

/// What a name is bound to.
#[derive(Clone)]
pub(super) enum Binding<'a> {
    Value(Value<'a>),
    /// A loop variable iterating over a literal collection.
    Elements(Elements<'a>),
    /// A function's local assigned a string literal, once: `name = "new_nav"`.
    Literal(String),
    /// A function's local assigned a collection literal, once: `flags = [("x", "note")]`.
    Collection(Node<'a>, Ctx),
    /// Anything else: the name shadows outer bindings and means nothing here.
    Other,
}

impl<'a> Binding<'a> {
    /// The binding of the name at `position` of a target unpacking each element.
    fn at(&self, position: usize) -> Binding<'a> {
        match self {
            Binding::Elements(elements) if elements.position.is_none() => {
                Binding::Elements(Elements {
                    position: Some(position),
                    ..*elements
                })
            }
            _ => Binding::Other,
        }
    }
}

/// A name bound by an enclosing `for` loop or comprehension clause.
struct LoopVar<'a> {
    parent: Option<usize>,
    name: &'a str,
    binding: Binding<'a>,
}

/// Where a name's binding comes from.
pub(super) enum Lookup<'b, 'a> {
    /// An enclosing loop.
    Loop(&'b Binding<'a>),
    /// The enclosing scopes.
    Scope(Resolution<'b, Binding<'a>>),
}

/// Reads the module in one iterative walk.
pub(super) struct Walker<'a> {
    pub(super) source: &'a str,
    lines: &'a LineIndex<'a>,
    pub(super) options: &'a MigrationOptions<'a>,
    pub(super) module: Module<'a>,
    /// The node id of the Migration class's `operations` value.
    operations: Option<usize>,
    scopes: BindingScopes<'a, Binding<'a>>,
    loop_vars: Vec<LoopVar<'a>>,
    /// Regions of the code arguments of `RunPython`s, by node id.
    pub(super) arg_regions: HashMap<usize, Region>,
    /// Module functions a `RunPython` code argument names or calls, by the argument's region.
    pub(super) entries: HashMap<Region, Vec<usize>>,
    /// The module functions each module function calls.
    pub(super) callees: Vec<Vec<usize>>,
    pub(super) run_python: Vec<RunPython>,
    pub(super) ops: Vec<RawOp>,
}

impl<'a> Walker<'a> {
    /// A walker with only the module scope.
    pub(super) fn new(
        source: &'a str,
        lines: &'a LineIndex<'a>,
        options: &'a MigrationOptions<'a>,
        module: Module<'a>,
        operations: Option<Node<'a>>,
    ) -> Self {
        let callees = vec![Vec::new(); module.functions.len()];
        Walker {
            source,
            lines,
            options,
            module,
            operations: operations.map(|node| node.id()),
            scopes: BindingScopes::new(),
            loop_vars: Vec::new(),
            arg_regions: HashMap::new(),
            entries: HashMap::new(),
            callees,
            run_python: Vec::new(),
            ops: Vec::new(),
        }
    }

    /// The source text of a node.
    pub(super) fn text(&self, node: Node) -> &'a str {
        text(self.source, node)
    }

    /// The span of a node.
    pub(super) fn span(&self, node: Node) -> Span {
        span(self.lines, node)
    }

    /// Binds the module-level imports and assignments first: functions see them wherever they
    /// are written.
    pub(super) fn bind_module_names(&mut self, root: Node<'a>) {
        for statement in named_children(root) {
            match statement.kind() {
                "import_from_statement" => self.bind_import(statement, Ctx::MODULE.scope),
                "expression_statement" => {
                    for assignment in named_children(statement) {
                        if assignment.kind() == "assignment" {
                            self.bind_assignment(assignment, Ctx::MODULE);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Visits every node down to [`MAX_DEPTH`], in source order, with an explicit stack.
    pub(super) fn walk(&mut self, root: Node<'a>) {
        let mut stack = vec![(root, Ctx::MODULE)];
        while let Some((node, ctx)) = stack.pop() {
            let ctx = self.enter(node, ctx);
            self.visit(node, ctx);
            if ctx.depth < MAX_DEPTH {
                self.push_children(node, ctx, &mut stack);
            }
        }
    }

    /// The context inside a node: its region, and a new scope for a function or lambda.
    fn enter(&mut self, node: Node<'a>, mut ctx: Ctx) -> Ctx {
        if let Some(&region) = self.arg_regions.get(&node.id()) {
            ctx.region = region;
        } else if self.operations == Some(node.id()) {
            ctx.region = Region::Operations;
        }
        match node.kind() {
            "function_definition" => {
                if let Some(&function) = self.module.by_node.get(&node.id()) {
                    ctx.region = Region::Function(function);
                }
                ctx.scope = self.new_scope(node, ctx.scope);
            }
            "lambda" => ctx.scope = self.new_scope(node, ctx.scope),
            _ => {}
        }
        ctx
    }

    /// The scope of a function or lambda inside `parent`, with its name and parameters.
    fn new_scope(&mut self, function: Node<'a>, parent: usize) -> usize {
        let name = function.child_by_field_name("name").map(|n| self.text(n));
        let params = function
            .child_by_field_name("parameters")
            .map(|p| parameter_names(p, self.source))
            .unwrap_or_default();
        self.scopes.push(parent, name, params)
    }

    /// Pushes the named children in reverse, so they are visited in source order; the body of a
    /// `for` and the whole of a comprehension see their loop variables.
    fn push_children(&mut self, node: Node<'a>, ctx: Ctx, stack: &mut Vec<(Node<'a>, Ctx)>) {
        let inner = Ctx {
            depth: ctx.depth + 1,
            ..ctx
        };
        let (scoped, everything) = match node.kind() {
            "for_statement" => (self.bind_loops(node, inner), false),
            kind if COMPREHENSIONS.contains(&kind) => (self.bind_loops(node, inner), true),
            _ => (inner, true),
        };
        let start = stack.len();
        let mut cursor = node.walk();
        if cursor.goto_first_child() {
            loop {
                let child = cursor.node();
                if child.is_named() {
                    let in_loop = everything || cursor.field_name() == Some("body");
                    stack.push((child, if in_loop { scoped } else { inner }));
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        stack[start..].reverse();
    }

    /// Reads what a node binds or does.
    fn visit(&mut self, node: Node<'a>, ctx: Ctx) {
        match node.kind() {
            "assignment" => self.bind_assignment(node, ctx),
            "import_from_statement" => self.bind_import(node, ctx.scope),
            "call" => self.visit_call(node, ctx),
            _ => {}
        }
    }

    /// A call: a `RunPython` or custom operation in `operations`, an ORM operation on a waffle
    /// model, or a call of a module function.
    fn visit_call(&mut self, call: Node<'a>, ctx: Ctx) {
        let in_operations = matches!(ctx.region, Region::Operations | Region::RunPythonArg(..));
        if in_operations {
            match callee_name(call, self.source) {
                Some("RunPython") => return self.run_python_call(call),
                Some(name) if self.custom_operation(call, name, ctx) => return,
                _ => {}
            }
        }
        self.orm_operation(call, ctx);
        self.note_function_call(call, ctx);
    }
}

impl<'a> Walker<'a> {
    /// `name = value`: the name denotes what the value denotes (or nothing, shadowing).
    fn bind_assignment(&mut self, assignment: Node<'a>, ctx: Ctx) {
        let Some(target) = assignment.child_by_field_name("left") else {
            return;
        };
        let mut value = assignment.child_by_field_name("right");
        for _ in 0..MAX_CHAIN {
            match value {
                Some(chained) if chained.kind() == "assignment" => {
                    value = chained.child_by_field_name("right");
                }
                _ => break,
            }
        }
        if target.kind() == "identifier" {
            let name = self.text(target);
            // A function's local holds a literal key only when assigned once in its scope.
            let once = value
                .filter(|_| ctx.scope != Ctx::MODULE.scope && !self.scopes.binds(ctx.scope, name));
            let literal = once.and_then(|v| plain_string(v, self.source));
            let collection = once
                .map(unwrap_parens)
                .filter(|v| matches!(v.kind(), "list" | "tuple" | "set" | "dictionary"));
            let binding = match (literal, collection) {
                (Some(key), _) => Binding::Literal(key),
                (None, Some(collection)) => Binding::Collection(collection, ctx),
                (None, None) => value
                    .and_then(|v| self.value_of(v, ctx))
                    .map_or(Binding::Other, Binding::Value),
            };
            self.scopes.bind(ctx.scope, name, binding);
        } else if UNPACKING_TARGETS.contains(&target.kind()) {
            for name in named_children(target) {
                if name.kind() == "identifier" {
                    let name = self.text(name);
                    self.scopes.bind(ctx.scope, name, Binding::Other);
                }
            }
        }
    }

    /// `from waffle.models import Flag, Switch as S`: model names; other imports shadow.
    fn bind_import(&mut self, statement: Node<'a>, scope: usize) {
        let Some(module) = statement.child_by_field_name("module_name") else {
            return;
        };
        let from_waffle = self.text(module) == "waffle.models";
        let mut cursor = statement.walk();
        let names: Vec<Node<'a>> = statement
            .children_by_field_name("name", &mut cursor)
            .collect();
        for name in names {
            let names = match name.kind() {
                "aliased_import" => field_pair(name, "name", "alias"),
                _ => Some((name, name)),
            };
            let Some((imported, local)) = names else {
                continue;
            };
            let kind = model_named(self.text(imported)).filter(|_| from_waffle);
            let binding = kind.map_or(Binding::Other, |k| Binding::Value(Value::Model(k)));
            let local = self.text(local);
            self.scopes.bind(scope, local, binding);
        }
    }

    /// Binds the target of a `for` statement, or the targets of every `for` clause of a
    /// comprehension in order; the context they are bound in.
    fn bind_loops(&mut self, node: Node<'a>, mut ctx: Ctx) -> Ctx {
        let clauses = match node.kind() {
            "for_statement" => vec![node],
            _ => named_children(node),
        };
        for clause in clauses {
            if clause.kind() != node.kind() && clause.kind() != "for_in_clause" {
                continue;
            }
            if let Some((target, iterable)) = field_pair(clause, "left", "right") {
                ctx = self.bind_loop(target, iterable, ctx);
            }
        }
        ctx
    }

    /// Binds a loop target to what iterating `iterable` yields.
    fn bind_loop(&mut self, target: Node<'a>, iterable: Node<'a>, mut ctx: Ctx) -> Ctx {
        let binding = match self.value_of(iterable, ctx) {
            Some(value) => Binding::Value(value),
            None => self
                .literal_elements(iterable, ctx)
                .map_or(Binding::Other, Binding::Elements),
        };
        let target = unwrap_parens(target);
        if target.kind() == "identifier" {
            ctx.env = Some(self.push_loop_var(self.text(target), binding, ctx.env));
        } else if UNPACKING_TARGETS.contains(&target.kind()) {
            for (position, name) in named_children(target).into_iter().enumerate() {
                if name.kind() == "identifier" {
                    let binding = binding.at(position);
                    ctx.env = Some(self.push_loop_var(self.text(name), binding, ctx.env));
                }
            }
        }
        ctx
    }

    /// Binds a loop variable inside the loop variables of `parent`.
    fn push_loop_var(
        &mut self,
        name: &'a str,
        binding: Binding<'a>,
        parent: Option<usize>,
    ) -> usize {
        self.loop_vars.push(LoopVar {
            parent,
            name,
            binding,
        });
        self.loop_vars.len() - 1
    }

    /// Where a name is bound: loops first, then scopes outwards.
    pub(super) fn lookup(&self, name: &str, ctx: Ctx) -> Lookup<'_, 'a> {
        let mut env = ctx.env;
        for _ in 0..MAX_DEPTH {
            let Some(var) = env.and_then(|i| self.loop_vars.get(i)) else {
                break;
            };
            if var.name == name {
                return Lookup::Loop(&var.binding);
            }
            env = var.parent;
        }
        Lookup::Scope(self.scopes.resolve(ctx.scope, name))
    }

    /// The waffle value a name is bound to.
    pub(super) fn bound_value(&self, name: &str, ctx: Ctx) -> Option<Value<'a>> {
        match self.lookup(name, ctx) {
            Lookup::Loop(Binding::Value(value))
            | Lookup::Scope(Resolution::Local(Binding::Value(value)))
            | Lookup::Scope(Resolution::Global(Some(Binding::Value(value)))) => Some(value.clone()),
            _ => None,
        }
    }

    /// The collection literal a name refers to, with where it is written: a module constant
    /// (unless a local binding shadows it) or a function's local assigned once.
    fn constant(&self, name: Node<'a>, ctx: Ctx) -> Option<(Node<'a>, Ctx)> {
        let name = self.text(name);
        match self.lookup(name, ctx) {
            Lookup::Scope(Resolution::Global(_)) => self
                .module
                .constants
                .get(name)
                .map(|&node| (node, Ctx::MODULE)),
            Lookup::Scope(Resolution::Local(Binding::Collection(node, at))) => Some((*node, *at)),
            _ => None,
        }
    }

    /// A literal collection to iterate: `[...]`, `(...)`, `{...}`, a module constant holding
    /// one, or `D.keys()` / `D.items()` of a dict literal or module dict constant.
    pub(super) fn literal_elements(&self, node: Node<'a>, ctx: Ctx) -> Option<Elements<'a>> {
        let node = unwrap_parens(node);
        let elements = |collection, pairs, ctx| Elements {
            collection,
            pairs,
            position: None,
            ctx,
        };
        match node.kind() {
            "list" | "tuple" | "set" | "dictionary" => Some(elements(node, false, ctx)),
            "identifier" => {
                let (collection, at) = self.constant(node, ctx)?;
                Some(elements(collection, false, at))
            }
            "call" => {
                let function = unwrap_parens(node.child_by_field_name("function")?);
                let method = self.text(function.child_by_field_name("attribute")?);
                let no_arguments = node
                    .child_by_field_name("arguments")
                    .is_some_and(|a| a.kind() == "argument_list" && named_children(a).is_empty());
                if !matches!(method, "keys" | "items") || !no_arguments {
                    return None;
                }
                let object = unwrap_parens(function.child_by_field_name("object")?);
                let (collection, ctx) = match object.kind() {
                    "dictionary" => (object, ctx),
                    "identifier" => self.constant(object, ctx)?,
                    _ => return None,
                };
                (collection.kind() == "dictionary")
                    .then(|| elements(collection, method == "items", ctx))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn name_in_module_constant() {
        let source = create_module(
            r#"OLD_FLAGS = ["x", "y"]
OLD_SWITCHES = {"s1": 1, "s2": 2}
NOT_A_LIST = make()

def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Switch = apps.get_model("waffle", "Switch")
    Flag.objects.filter(name__in=OLD_FLAGS).delete()
    Switch.objects.filter(name__in=OLD_SWITCHES.keys()).delete()
    Flag.objects.filter(name__in=NOT_A_LIST).delete()
"#,
        );
        let facts = facts(&source);
        assert_eq!(
            ops(&facts),
            vec![
                (Delete, Flag, lit("x"), Forward, Some(0)),
                (Delete, Flag, lit("y"), Forward, Some(0)),
                (Delete, Switch, lit("s1"), Forward, Some(0)),
                (Delete, Switch, lit("s2"), Forward, Some(0)),
                (
                    Delete,
                    Flag,
                    dynamic("a non-literal `name__in`"),
                    Forward,
                    Some(0)
                ),
            ]
        );
        // Key spans point at the elements of the constant.
        assert_eq!(text(&source, facts.flag_ops[0].key_span), "\"x\"");
        assert_eq!(facts.flag_ops[0].key_span.line, 3);
        assert_eq!(text(&source, facts.flag_ops[4].key_span), "NOT_A_LIST");
    }

    #[test]
    fn a_local_shadows_a_module_constant() {
        let facts = run_create(
            r#"NAMES = ["x"]

def create(apps, schema_editor, NAMES=()):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.filter(name__in=NAMES).delete()
"#,
        );
        assert_eq!(keys(&facts), vec![dynamic("a non-literal `name__in`")]);
    }

    #[test]
    fn loop_over_a_literal_list() {
        let source = create_module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    for name in ["a", B, "c"]:
        Flag.objects.get_or_create(name=name, defaults={"everyone": False})
    for name in ("x",):
        Flag.objects.filter(name=name).delete()
    for name in make_names():
        Flag.objects.create(name=name)
    for name in []:
        Flag.objects.create(name=name)
"#,
        );
        let facts = facts(&source);
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Flag, lit("a"), Forward, Some(0)),
                (Create, Flag, path(&["B"]), Forward, Some(0)),
                (Create, Flag, lit("c"), Forward, Some(0)),
                (Delete, Flag, lit("x"), Forward, Some(0)),
                (
                    Create,
                    Flag,
                    dynamic("loop variable `name`"),
                    Forward,
                    Some(0)
                ),
            ]
        );
        let spans: Vec<&str> = facts.flag_ops[..3]
            .iter()
            .map(|op| text(&source, op.key_span))
            .collect();
        assert_eq!(spans, vec!["\"a\"", "B", "\"c\""]);
        assert!(facts.flag_ops[..3]
            .iter()
            .all(|op| op.initial == fields(&[("everyone", "False")])));
    }

    #[test]
    fn loop_over_a_list_of_tuples() {
        let source = create_module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    for name, everyone in [("a", True), (B, False), ["c", None], odd]:
        Flag.objects.create(name=name, everyone=everyone)
    for (label, name) in [(1, "second")]:
        Flag.objects.create(name=name)
"#,
        );
        let facts = facts(&source);
        assert_eq!(
            keys(&facts),
            vec![
                lit("a"),
                path(&["B"]),
                lit("c"),
                dynamic("an element that cannot be read"),
                lit("second"),
            ]
        );
        // Each iteration's state comes from its own element.
        let states: Vec<_> = facts.flag_ops[..4]
            .iter()
            .map(|op| op.initial.clone())
            .collect();
        assert_eq!(
            states,
            vec![
                fields(&[("everyone", "True")]),
                fields(&[("everyone", "False")]),
                fields(&[("everyone", "None")]),
                fields(&[("everyone", "everyone")]),
            ]
        );
        assert_eq!(text(&source, facts.flag_ops[1].key_span), "B");
        assert_eq!(text(&source, facts.flag_ops[3].key_span), "odd");
    }

    #[test]
    fn loop_over_a_module_dict() {
        let source = create_module(
            r#"FLAGS = {
    "alpha": {"everyone": True},
    Names.BETA: {"everyone": False},
}
SWITCHES = ["s"]

def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Switch = apps.get_model("waffle", "Switch")
    for name in FLAGS.keys():
        Flag.objects.create(name=name)
    for name, config in FLAGS.items():
        Flag.objects.update_or_create(name=name, defaults=config)
    for name in FLAGS:
        Flag.objects.filter(name=name).delete()
    for switch in SWITCHES:
        Switch.objects.create(name=switch)
    for config, name in FLAGS.items():
        Flag.objects.create(name=name)
"#,
        );
        let facts = facts(&source);
        let alpha_beta = [lit("alpha"), path(&["Names", "BETA"])];
        let mut expected = Vec::new();
        expected.extend(alpha_beta.iter().cloned());
        expected.extend(alpha_beta.iter().cloned());
        expected.extend(alpha_beta.iter().cloned());
        expected.push(lit("s"));
        expected.extend([dynamic("an expression"), dynamic("an expression")]);
        assert_eq!(keys(&facts), expected);
        assert_eq!(text(&source, facts.flag_ops[1].key_span), "Names.BETA");
        assert!(facts.flag_ops[2].initial.is_empty());
        assert_eq!(facts.flag_ops[6].kind, Switch);
    }

    #[test]
    fn comprehensions_in_bulk_create() {
        let source = create_module(
            r#"NAMES = ("n1", "n2")
CONFIG = {"c1": True}

def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.bulk_create([Flag(name=n, everyone=False) for n in NAMES])
    Flag.objects.bulk_create(Flag(name=k, everyone=v) for k, v in CONFIG.items())
    Flag.objects.bulk_create({Flag(name=x) for x in ["set"]})
    Flag.objects.bulk_create([Flag(name=n) for n in names_from_somewhere()])
"#,
        );
        let facts = facts(&source);
        assert_eq!(
            keys(&facts),
            vec![
                lit("n1"),
                lit("n2"),
                lit("c1"),
                lit("set"),
                dynamic("loop variable `n`"),
            ]
        );
        assert_eq!(facts.flag_ops[0].initial, fields(&[("everyone", "False")]));
        assert_eq!(facts.flag_ops[2].initial, fields(&[("everyone", "True")]));
        assert_eq!(text(&source, facts.flag_ops[1].key_span), "\"n2\"");
    }

    #[test]
    fn a_local_assigned_a_literal_once_is_that_key() {
        let facts = facts(&module(
            r#"def move(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Switch = apps.get_model("waffle", "Switch")
    name = "developer_needs"
    for flag in Flag.objects.filter(name=name):
        Switch.objects.get_or_create(name=name, active=flag.everyone)
        flag.delete()
    other = "a"
    other = "b"
    Flag.objects.filter(name=other).delete()
    Flag.objects.filter(name=name.upper()).delete()
"#,
            "migrations.RunPython(move)",
        ));
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Switch, lit("developer_needs"), Forward, Some(0)),
                (Delete, Flag, lit("developer_needs"), Forward, Some(0)),
                (
                    Delete,
                    Flag,
                    KeyExpr::Path(vec!["other".into()]),
                    Forward,
                    Some(0)
                ),
                (Delete, Flag, dynamic("a call"), Forward, Some(0)),
            ]
        );
    }

    #[test]
    fn parameters_of_every_form_are_dynamic() {
        let facts = run_create(
            r#"def create(apps, schema_editor, a, b=1, *c: str, d: int, e: int = 2, **f):
    Flag = apps.get_model("waffle", "Flag")
    for key in [a, b, c, d, e, f, g]:
        Flag.objects.create(name=key)
"#,
        );
        let mut expected: Vec<KeyExpr> = ["a", "b", "c", "d", "e", "f"]
            .iter()
            .map(|p| dynamic(&format!("parameter `{p}`")))
            .collect();
        expected.push(path(&["g"]));
        assert_eq!(keys(&facts), expected);
    }
}
