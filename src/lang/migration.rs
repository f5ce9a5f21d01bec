//! Django migration reader: what a migration module says about django-waffle rows.
//!
//! [`extract`] reads the `class Migration(...)` of a parsed module (`dependencies`, `replaces`,
//! the `RunPython` operations), then walks the whole module once with an explicit stack. The walk
//! tracks which names denote a waffle model, manager or queryset (`Flag = apps.get_model(...)`,
//! `from waffle.models import Switch`, `flag = Flag.objects.get(name=X)`, `for f in <queryset>`)
//! and what loop variables iterate over, and records every creation and deletion of a waffle
//! `Flag`/`Switch`/`Sample` row, plus the configured custom operations listed in `operations`.
//! Each operation in a module function is then attributed to the `RunPython` functions that
//! reach it, directly or through helper functions of the module.
//!
//! Hostile input is read to a bounded extent: nodes deeper than [`MAX_DEPTH`] and chains longer
//! than [`MAX_CHAIN`] are not read, and at most [`MAX_FLAG_OPS`] operations are recorded.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::python::{string_value, unwrap_parens};

use crate::facts::{
    AppConfigFacts, Direction, FlagAction, FlagOp, KeyExpr, LineIndex, MigrationFacts, Reverse,
    RunPython, Span, WaffleKind,
};

/// Deepest node (counted from the module) whose children are read.
const MAX_DEPTH: usize = 256;

/// Most links of an attribute/call chain (and most parentheses, chained assignments, enclosing
/// loop variables and scopes) that are read; anything longer is not understood.
const MAX_CHAIN: usize = 64;

/// Most flag operations recorded for one module.
const MAX_FLAG_OPS: usize = 100_000;

/// Most function visits and call edges followed when attributing functions to `RunPython`s.
const MAX_REACH_STEPS: usize = 1_000_000;

/// Attributes of a model that are its manager.
const MANAGERS: &[&str] = &["objects", "_default_manager", "_base_manager"];

/// Manager methods that return a manager.
const MANAGER_METHODS: &[&str] = &["using", "db_manager"];

/// Manager and queryset methods that return a queryset or one of its rows.
const QUERYSET_METHODS: &[&str] = &[
    "all",
    "filter",
    "exclude",
    "get",
    "using",
    "order_by",
    "distinct",
    "only",
    "defer",
    "select_for_update",
    "select_related",
    "prefetch_related",
    "first",
    "last",
    "earliest",
    "latest",
    "iterator",
];

/// Manager methods that create a row.
const CREATE_METHODS: &[&str] = &["create", "get_or_create", "update_or_create"];

/// Keyword arguments whose dict literal holds the fields of a created row.
const DEFAULTS_KEYWORDS: &[&str] = &["defaults", "create_defaults"];

/// Settings naming a swappable waffle model, as they appear in `get_model(...)` arguments.
const SETTINGS_MODELS: [(&str, WaffleKind); 3] = [
    ("WAFFLE_FLAG_MODEL", WaffleKind::Flag),
    ("WAFFLE_SWITCH_MODEL", WaffleKind::Switch),
    ("WAFFLE_SAMPLE_MODEL", WaffleKind::Sample),
];

/// django-waffle's functions returning its (possibly swapped) models.
const MODEL_GETTERS: [(&str, WaffleKind); 3] = [
    ("get_waffle_flag_model", WaffleKind::Flag),
    ("get_waffle_switch_model", WaffleKind::Switch),
    ("get_waffle_sample_model", WaffleKind::Sample),
];

/// Node kinds of constant expressions (the body of a do-nothing `lambda`).
const CONSTANTS: &[&str] = &[
    "none",
    "true",
    "false",
    "integer",
    "float",
    "string",
    "concatenated_string",
    "ellipsis",
];

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

/// Custom migration operations that create or delete a waffle row (`[django] create-operations`).
pub struct MigrationOptions<'a> {
    pub create_operations: &'a [String],
    pub delete_operations: &'a [String],
}

/// The facts of a migration module, or `None` when it has no `class Migration(...)`.
pub fn extract(
    root: Node,
    source: &str,
    lines: &LineIndex,
    options: &MigrationOptions,
) -> Option<MigrationFacts> {
    let class = migration_class(root, source)?;
    let class_name = class.child_by_field_name("name")?;
    let settings = ClassSettings::read(class, source);
    let module = Module::read(root, source);
    let mut walker = Walker::new(source, lines, options, module, settings.operations);
    walker.bind_module_names(root);
    walker.walk(root);
    let (run_python, flag_ops) = walker.finish();
    let dependencies = migration_pairs(settings.dependencies, source);
    let replaces = migration_pairs(settings.replaces, source);
    let run_before = migration_pairs(settings.run_before, source);
    let unread_dependencies = !(dependencies.complete && replaces.complete && run_before.complete);
    Some(MigrationFacts {
        class_span: span(lines, class_name),
        dependencies: dependencies
            .pairs
            .into_iter()
            .map(|(app, name, entry)| (app, name, span(lines, entry)))
            .collect(),
        replaces: replaces.names(),
        run_before: run_before.names(),
        unread_dependencies,
        run_python,
        flag_ops,
    })
}

/// The app configuration classes of an `apps.py` module: top-level classes with a base whose
/// last dotted segment ends in `Config` (`AppConfig`, `apps.AppConfig`, a project's own base).
pub fn app_configs(root: Node, source: &str) -> Vec<AppConfigFacts> {
    children(root)
        .into_iter()
        .map(definition_of)
        .filter(|class| class.kind() == "class_definition")
        .filter(|class| {
            class
                .child_by_field_name("superclasses")
                .is_some_and(|bases| {
                    children(bases).into_iter().any(|base| {
                        last_segment(base, source).is_some_and(|name| name.ends_with("Config"))
                    })
                })
        })
        .map(|class| {
            let mut config = AppConfigFacts::default();
            let body = class.child_by_field_name("body");
            for (target, value) in body
                .map(children)
                .unwrap_or_default()
                .into_iter()
                .filter_map(statement_assignment)
            {
                let value = unwrap_parens(value);
                match text(source, target) {
                    field @ ("name" | "label") => {
                        let literal = plain_string(value, source);
                        config.unread |= literal.is_none();
                        if field == "name" {
                            config.name = literal;
                        } else {
                            config.label = literal;
                        }
                    }
                    "default" => {
                        config.default = match value.kind() {
                            "true" => Some(true),
                            "false" => Some(false),
                            _ => None,
                        }
                    }
                    _ => {}
                }
            }
            config
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The Migration class and the module's top level

/// The first module-level `class Migration(<...>Migration)`.
fn migration_class<'a>(root: Node<'a>, source: &str) -> Option<Node<'a>> {
    children(root)
        .into_iter()
        .map(definition_of)
        .find(|&class| is_migration_class(class, source))
}

/// A `class Migration(...)` with a base whose last dotted segment is `Migration`.
fn is_migration_class(class: Node, source: &str) -> bool {
    let named_migration = class
        .child_by_field_name("name")
        .is_some_and(|name| text(source, name) == "Migration");
    let based_on_migration = class
        .child_by_field_name("superclasses")
        .is_some_and(|bases| {
            children(bases)
                .into_iter()
                .any(|base| last_segment(base, source) == Some("Migration"))
        });
    class.kind() == "class_definition" && named_migration && based_on_migration
}

/// The definition a decorated definition decorates (any other node as is).
fn definition_of(node: Node) -> Node {
    if node.kind() == "decorated_definition" {
        node.child_by_field_name("definition").unwrap_or(node)
    } else {
        node
    }
}

/// The values assigned in the Migration class body (the last assignment of each wins).
#[derive(Default)]
struct ClassSettings<'a> {
    dependencies: Option<Node<'a>>,
    replaces: Option<Node<'a>>,
    run_before: Option<Node<'a>>,
    operations: Option<Node<'a>>,
}

impl<'a> ClassSettings<'a> {
    /// Reads the assignments of the class body.
    fn read(class: Node<'a>, source: &str) -> Self {
        let mut settings = ClassSettings::default();
        let Some(body) = class.child_by_field_name("body") else {
            return settings;
        };
        for (target, value) in children(body).into_iter().filter_map(statement_assignment) {
            match text(source, target) {
                "dependencies" => settings.dependencies = Some(value),
                "replaces" => settings.replaces = Some(value),
                "run_before" => settings.run_before = Some(value),
                "operations" => settings.operations = Some(value),
                _ => {}
            }
        }
        settings
    }
}

/// `target = value` as a statement, with an identifier target.
fn statement_assignment(statement: Node) -> Option<(Node, Node)> {
    let assignment = statement
        .named_child(0)
        .filter(|_| statement.kind() == "expression_statement")
        .filter(|a| a.kind() == "assignment")?;
    let target = assignment
        .child_by_field_name("left")
        .filter(|t| t.kind() == "identifier")?;
    Some((target, assignment.child_by_field_name("right")?))
}

/// Literal `(app_label, migration_name)` pairs of a class setting, and whether every entry was
/// read.
struct Pairs<'a> {
    pairs: Vec<(String, String, Node<'a>)>,
    complete: bool,
}

/// `[("app", "name"), ...]` (a list or tuple): the 2-tuples of plain strings, with each tuple.
/// Entries of another form (a name, a concatenation, the whole value computed) leave the pairs
/// incomplete; `swappable_dependency(...)` does not: it names the user model's app, which Django
/// resolves to that app's first migration, never to one of the app's own.
fn migration_pairs<'a>(value: Option<Node<'a>>, source: &str) -> Pairs<'a> {
    let Some(value) = value.map(unwrap_parens) else {
        return Pairs {
            pairs: Vec::new(),
            complete: true,
        };
    };
    if !matches!(value.kind(), "list" | "tuple") {
        return Pairs {
            pairs: Vec::new(),
            complete: false,
        };
    }
    let mut pairs = Vec::new();
    let mut complete = true;
    for entry in children(value) {
        let pair = match children(entry).as_slice() {
            [app, name] if matches!(entry.kind(), "tuple" | "list") => {
                plain_string(*app, source).zip(plain_string(*name, source))
            }
            _ => None,
        };
        match pair {
            Some((app, name)) => pairs.push((app, name, entry)),
            None if entry.kind() == "call"
                && callee_name(entry, source) == Some("swappable_dependency") => {}
            None => complete = false,
        }
    }
    Pairs { pairs, complete }
}

impl Pairs<'_> {
    /// The pairs without their nodes.
    fn names(self) -> Vec<(String, String)> {
        self.pairs
            .into_iter()
            .map(|(app, name, _)| (app, name))
            .collect()
    }
}

/// The top-level functions and literal collections of the module.
#[derive(Default)]
struct Module<'a> {
    /// Module-level `def`s (also decorated), in source order.
    functions: Vec<Function<'a>>,
    /// Function index by name (the last definition of a name wins).
    by_name: HashMap<&'a str, usize>,
    /// Function index by the id of its `function_definition` node.
    by_node: HashMap<usize, usize>,
    /// `NAME = [...]`, `(...)`, `{...}` (set or dict) at module level.
    constants: HashMap<&'a str, Node<'a>>,
}

impl<'a> Module<'a> {
    /// Reads the top-level statements of the module.
    fn read(root: Node<'a>, source: &'a str) -> Self {
        let mut module = Module::default();
        for statement in children(root) {
            let definition = definition_of(statement);
            if definition.kind() == "function_definition" {
                module.add_function(definition, source);
            } else if let Some((target, value)) = statement_assignment(statement) {
                let name = text(source, target);
                let value = unwrap_parens(value);
                if matches!(value.kind(), "list" | "tuple" | "set" | "dictionary") {
                    module.constants.insert(name, value);
                } else {
                    module.constants.remove(name);
                }
            }
        }
        module
    }

    /// Records a module-level `def`.
    fn add_function(&mut self, definition: Node<'a>, source: &'a str) {
        let Some(name) = definition.child_by_field_name("name") else {
            return;
        };
        let index = self.functions.len();
        let name = text(source, name);
        self.functions.push(Function {
            name,
            does_nothing: does_nothing(definition),
        });
        self.by_name.insert(name, index);
        self.by_node.insert(definition.id(), index);
    }
}

/// A module-level `def`.
struct Function<'a> {
    name: &'a str,
    /// Its body does nothing (a no-op reverse function).
    does_nothing: bool,
}

/// A `def` whose body does nothing: only `pass`, docstrings, `...`, `return`, `return None`.
fn does_nothing(function: Node) -> bool {
    let Some(body) = function.child_by_field_name("body") else {
        return true;
    };
    let mut cursor = body.walk();
    let mut statements = body.named_children(&mut cursor);
    // Stops at the first statement that does something: a long body is not read to its end.
    statements.all(|statement| match statement.kind() {
        "comment" | "pass_statement" => true,
        "return_statement" => children(statement).iter().all(|v| v.kind() == "none"),
        "expression_statement" => children(statement)
            .iter()
            .all(|e| matches!(e.kind(), "string" | "concatenated_string" | "ellipsis")),
        _ => false,
    })
}

// ---------------------------------------------------------------------------------------------
// What names and expressions denote

/// Where code is, which decides when its operations run.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Region {
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
struct Ctx {
    /// Index into [`Walker::scopes`].
    scope: usize,
    /// The innermost enclosing loop variable (index into [`Walker::loop_vars`]).
    env: Option<usize>,
    region: Region,
    /// The node's depth from the module.
    depth: usize,
}

impl Ctx {
    /// Module level, outside any loop.
    const MODULE: Ctx = Ctx {
        scope: 0,
        env: None,
        region: Region::Module,
        depth: 0,
    };
}

/// Which rows of a queryset a deletion removes, as far as the name goes.
#[derive(Clone)]
enum Selector<'a> {
    /// No `name` lookup; the text says what selects the rows ("all rows").
    Unnamed(&'static str),
    /// `name=K`, `name__exact=K`.
    Key(Node<'a>, Ctx),
    /// `name__in=<literal or module constant>`.
    Elements(Elements<'a>),
    /// A `name` lookup that cannot be read, and the expression to point at.
    Unreadable(String, Node<'a>),
    /// `name__startswith=<literal>`: the prefix, and the literal.
    Prefix(String, Node<'a>),
}

impl Selector<'_> {
    /// How much the selector says about names: a readable one beats an unreadable one, which
    /// beats none.
    fn rank(&self) -> u8 {
        match self {
            Selector::Unnamed(_) => 0,
            Selector::Unreadable(..) | Selector::Prefix(..) => 1,
            Selector::Key(..) | Selector::Elements(_) => 2,
        }
    }

    /// The selector of a queryset filtered by both (the first of equally informative ones).
    fn narrow(self, other: Self) -> Self {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }
}

/// A waffle model, manager, or queryset (or row) of one.
#[derive(Clone)]
enum Value<'a> {
    Model(WaffleKind),
    Manager(WaffleKind),
    Rows(WaffleKind, Selector<'a>),
}

/// The elements of a literal collection, read lazily where a key is needed.
#[derive(Clone, Copy)]
struct Elements<'a> {
    /// A list, tuple, set or dict literal.
    collection: Node<'a>,
    /// For a dict: iterate `(key, value)` pairs (`.items()`) instead of keys.
    pairs: bool,
    /// A loop target unpacking each element: the position this name takes.
    position: Option<usize>,
    /// Where the elements are written (module level for a module constant).
    ctx: Ctx,
}

/// What a name is bound to.
#[derive(Clone)]
enum Binding<'a> {
    Value(Value<'a>),
    /// A loop variable iterating over a literal collection.
    Elements(Elements<'a>),
    /// A function's local assigned a string literal, once: `name = "new_nav"`.
    Literal(String),
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

/// A function body (or lambda, or the module) with its parameters and local bindings.
struct Scope<'a> {
    parent: Option<usize>,
    params: HashSet<&'a str>,
    bindings: HashMap<&'a str, Binding<'a>>,
}

/// A name bound by an enclosing `for` loop or comprehension clause.
struct LoopVar<'a> {
    parent: Option<usize>,
    name: &'a str,
    binding: Binding<'a>,
}

/// Where a name's binding comes from.
enum Lookup<'b, 'a> {
    /// An enclosing loop.
    Loop(&'b Binding<'a>),
    /// A function's local variable.
    Local(&'b Binding<'a>),
    /// A function's parameter.
    Parameter,
    /// Module level (bound there, or not bound in the file at all).
    Global(Option<&'b Binding<'a>>),
}

/// One step of an attribute/call chain.
#[derive(Clone, Copy)]
enum Link<'a> {
    /// `.name`
    Attribute(&'a str),
    /// `.name(arguments)`
    Method(&'a str, Node<'a>),
    /// `(arguments)` applied to what precedes.
    Call(Node<'a>),
}

/// When an operation runs, as far as the walk knows.
#[derive(Clone, Copy)]
enum Timing {
    /// Settled where the operation is written: a direction and the `RunPython`, if any.
    Fixed(Direction, Option<usize>),
    /// Whenever the module function with this index runs.
    Function(usize),
}

impl Timing {
    /// When code in a region runs.
    fn of(region: Region) -> Timing {
        match region {
            Region::Function(function) => Timing::Function(function),
            Region::RunPythonArg(index, direction) => Timing::Fixed(direction, Some(index)),
            Region::Module | Region::Operations => Timing::Fixed(Direction::Unreferenced, None),
        }
    }
}

/// A flag operation whose direction is not settled yet.
struct RawOp {
    op: FlagOp,
    timing: Timing,
}

// ---------------------------------------------------------------------------------------------
// The walk

/// Reads the module in one iterative walk.
struct Walker<'a> {
    source: &'a str,
    lines: &'a LineIndex<'a>,
    options: &'a MigrationOptions<'a>,
    module: Module<'a>,
    /// The node id of the Migration class's `operations` value.
    operations: Option<usize>,
    /// Scope 0 is the module.
    scopes: Vec<Scope<'a>>,
    loop_vars: Vec<LoopVar<'a>>,
    /// Regions of the code arguments of `RunPython`s, by node id.
    arg_regions: HashMap<usize, Region>,
    /// Module functions a `RunPython` code argument names or calls, by the argument's region.
    entries: HashMap<Region, Vec<usize>>,
    /// The module functions each module function calls.
    callees: Vec<Vec<usize>>,
    run_python: Vec<RunPython>,
    ops: Vec<RawOp>,
}

impl<'a> Walker<'a> {
    /// A walker with only the module scope.
    fn new(
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
            scopes: vec![Scope {
                parent: None,
                params: HashSet::new(),
                bindings: HashMap::new(),
            }],
            loop_vars: Vec::new(),
            arg_regions: HashMap::new(),
            entries: HashMap::new(),
            callees,
            run_python: Vec::new(),
            ops: Vec::new(),
        }
    }

    /// The source text of a node.
    fn text(&self, node: Node) -> &'a str {
        text(self.source, node)
    }

    /// The span of a node.
    fn span(&self, node: Node) -> Span {
        span(self.lines, node)
    }

    /// Binds the module-level imports and assignments first: functions see them wherever they
    /// are written.
    fn bind_module_names(&mut self, root: Node<'a>) {
        for statement in children(root) {
            match statement.kind() {
                "import_from_statement" => self.bind_import(statement, 0),
                "expression_statement" => {
                    for assignment in children(statement) {
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
    fn walk(&mut self, root: Node<'a>) {
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
                ctx.scope = self.new_scope(ctx.scope, node.child_by_field_name("parameters"));
            }
            "lambda" => {
                ctx.scope = self.new_scope(ctx.scope, node.child_by_field_name("parameters"));
            }
            _ => {}
        }
        ctx
    }

    /// A new function or lambda scope inside `parent`, binding the parameters.
    fn new_scope(&mut self, parent: usize, parameters: Option<Node<'a>>) -> usize {
        let params = parameters.map_or_else(HashSet::new, |p| parameter_names(p, self.source));
        self.scopes.push(Scope {
            parent: Some(parent),
            params,
            bindings: HashMap::new(),
        });
        self.scopes.len() - 1
    }

    /// Pushes the named children in reverse, so they are visited in source order; the body of a
    /// `for` and the whole of a comprehension see their loop variables.
    fn push_children(&mut self, node: Node<'a>, ctx: Ctx, stack: &mut Vec<(Node<'a>, Ctx)>) {
        let inner = Ctx {
            depth: ctx.depth + 1,
            ..ctx
        };
        let (scoped, everything) = match node.kind() {
            "for_statement" => (self.bind_for(node, inner), false),
            kind if COMPREHENSIONS.contains(&kind) => (self.bind_comprehension(node, inner), true),
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

    // -----------------------------------------------------------------------------------------
    // Bindings

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
            let scope = &self.scopes[ctx.scope];
            // A function's local holds a literal key only when assigned once in its scope.
            let literal = value
                .filter(|_| ctx.scope != 0 && !scope.bindings.contains_key(name))
                .and_then(|v| plain_string(v, self.source));
            let binding = match literal {
                Some(key) => Binding::Literal(key),
                None => value
                    .and_then(|v| self.value_of(v, ctx))
                    .map_or(Binding::Other, Binding::Value),
            };
            self.scopes[ctx.scope].bindings.insert(name, binding);
        } else if UNPACKING_TARGETS.contains(&target.kind()) {
            for name in children(target) {
                if name.kind() == "identifier" {
                    let name = self.text(name);
                    self.scopes[ctx.scope].bindings.insert(name, Binding::Other);
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
            let (imported, local) = if name.kind() == "aliased_import" {
                (
                    name.child_by_field_name("name"),
                    name.child_by_field_name("alias"),
                )
            } else {
                (Some(name), Some(name))
            };
            let (Some(imported), Some(local)) = (imported, local) else {
                continue;
            };
            let kind = model_named(self.text(imported)).filter(|_| from_waffle);
            let binding = kind.map_or(Binding::Other, |k| Binding::Value(Value::Model(k)));
            let local = self.text(local);
            self.scopes[scope].bindings.insert(local, binding);
        }
    }

    /// Binds the target of a `for` statement; the context of its body.
    fn bind_for(&mut self, node: Node<'a>, ctx: Ctx) -> Ctx {
        match (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) {
            (Some(target), Some(iterable)) => self.bind_loop(target, iterable, ctx),
            _ => ctx,
        }
    }

    /// Binds the targets of every `for` clause of a comprehension, in order.
    fn bind_comprehension(&mut self, node: Node<'a>, mut ctx: Ctx) -> Ctx {
        for clause in children(node) {
            if clause.kind() != "for_in_clause" {
                continue;
            }
            if let (Some(target), Some(iterable)) = (
                clause.child_by_field_name("left"),
                clause.child_by_field_name("right"),
            ) {
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
            for (position, name) in children(target).into_iter().enumerate() {
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
    fn lookup(&self, name: &str, ctx: Ctx) -> Lookup<'_, 'a> {
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
        let mut scope = Some(ctx.scope);
        for _ in 0..MAX_DEPTH {
            let Some((index, current)) = scope.and_then(|i| Some((i, self.scopes.get(i)?))) else {
                break;
            };
            if let Some(binding) = current.bindings.get(name) {
                return if index == 0 {
                    Lookup::Global(Some(binding))
                } else {
                    Lookup::Local(binding)
                };
            }
            if current.params.contains(name) {
                return Lookup::Parameter;
            }
            scope = current.parent;
        }
        Lookup::Global(None)
    }

    /// The waffle value a name is bound to.
    fn bound_value(&self, name: &str, ctx: Ctx) -> Option<Value<'a>> {
        match self.lookup(name, ctx) {
            Lookup::Loop(Binding::Value(value))
            | Lookup::Local(Binding::Value(value))
            | Lookup::Global(Some(Binding::Value(value))) => Some(value.clone()),
            _ => None,
        }
    }

    /// The module-level collection literal a name refers to, unless a local binding shadows it.
    fn constant(&self, name: Node<'a>, ctx: Ctx) -> Option<Node<'a>> {
        let name = self.text(name);
        match self.lookup(name, ctx) {
            Lookup::Global(_) => self.module.constants.get(name).copied(),
            _ => None,
        }
    }

    /// A literal collection to iterate: `[...]`, `(...)`, `{...}`, a module constant holding
    /// one, or `D.keys()` / `D.items()` of a dict literal or module dict constant.
    fn literal_elements(&self, node: Node<'a>, ctx: Ctx) -> Option<Elements<'a>> {
        let node = unwrap_parens(node);
        let elements = |collection, pairs, ctx| Elements {
            collection,
            pairs,
            position: None,
            ctx,
        };
        match node.kind() {
            "list" | "tuple" | "set" | "dictionary" => Some(elements(node, false, ctx)),
            "identifier" => Some(elements(self.constant(node, ctx)?, false, Ctx::MODULE)),
            "call" => {
                let function = unwrap_parens(node.child_by_field_name("function")?);
                let method = self.text(function.child_by_field_name("attribute")?);
                let no_arguments = node
                    .child_by_field_name("arguments")
                    .is_some_and(|a| a.kind() == "argument_list" && children(a).is_empty());
                if !matches!(method, "keys" | "items") || !no_arguments {
                    return None;
                }
                let object = unwrap_parens(function.child_by_field_name("object")?);
                let (collection, ctx) = match object.kind() {
                    "dictionary" => (object, ctx),
                    "identifier" => (self.constant(object, ctx)?, Ctx::MODULE),
                    _ => return None,
                };
                (collection.kind() == "dictionary")
                    .then(|| elements(collection, method == "items", ctx))
            }
            _ => None,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Models, managers, querysets

    /// What an expression denotes: a waffle model, manager or queryset, if it does.
    fn value_of(&self, node: Node<'a>, ctx: Ctx) -> Option<Value<'a>> {
        let (base, links) = chain(node, self.source)?;
        let base_name = (base.kind() == "identifier").then(|| self.text(base));
        let mut value = base_name.and_then(|name| self.bound_value(name, ctx));
        for (index, link) in links.into_iter().enumerate() {
            value = match link {
                Link::Attribute(name) => match value {
                    Some(Value::Model(kind)) if MANAGERS.contains(&name) => {
                        Some(Value::Manager(kind))
                    }
                    _ => None,
                },
                Link::Method(name, arguments) => self.call_step(value, Some(name), arguments, ctx),
                // Calling the base name (`get_waffle_flag_model()`); calling a model builds a
                // row, which is not tracked.
                Link::Call(arguments) if index == 0 => {
                    self.call_step(None, base_name, arguments, ctx)
                }
                Link::Call(_) => None,
            };
        }
        value
    }

    /// The value of calling `name` (a function, or a method of `receiver`).
    fn call_step(
        &self,
        receiver: Option<Value<'a>>,
        name: Option<&'a str>,
        arguments: Node<'a>,
        ctx: Ctx,
    ) -> Option<Value<'a>> {
        let name = name?;
        if name == "get_model" {
            return self.model_from_get_model(arguments).map(Value::Model);
        }
        if let Some(&(_, kind)) = MODEL_GETTERS.iter().find(|(getter, _)| *getter == name) {
            return Some(Value::Model(kind));
        }
        match receiver? {
            Value::Manager(kind) if MANAGER_METHODS.contains(&name) => Some(Value::Manager(kind)),
            Value::Manager(kind) => self.queryset_step(kind, None, name, arguments, ctx),
            Value::Rows(kind, selector) => {
                self.queryset_step(kind, Some(selector), name, arguments, ctx)
            }
            Value::Model(_) => None,
        }
    }

    /// A queryset method applied to a manager (`current` is `None`) or a queryset.
    fn queryset_step(
        &self,
        kind: WaffleKind,
        current: Option<Selector<'a>>,
        method: &str,
        arguments: Node<'a>,
        ctx: Ctx,
    ) -> Option<Value<'a>> {
        if !QUERYSET_METHODS.contains(&method) {
            return None;
        }
        let current = current.unwrap_or(Selector::Unnamed(if method == "all" {
            "all rows"
        } else {
            "no `name` filter"
        }));
        let selector = match method {
            "filter" | "get" => current.narrow(self.selector(arguments, ctx)),
            _ => current,
        };
        Some(Value::Rows(kind, selector))
    }

    /// The name lookups of `filter(...)` / `get(...)` arguments.
    fn selector(&self, arguments: Node<'a>, ctx: Ctx) -> Selector<'a> {
        let mut selector = Selector::Unnamed("no `name` filter");
        for argument in argument_nodes(arguments) {
            let candidate = match argument.kind() {
                "keyword_argument" => {
                    let (Some(keyword), Some(value)) = (
                        argument.child_by_field_name("name"),
                        argument.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    match self.text(keyword) {
                        "name" | "name__exact" => Selector::Key(value, ctx),
                        "name__in" => self.literal_elements(value, ctx).map_or_else(
                            || Selector::Unreadable("a non-literal `name__in`".into(), value),
                            Selector::Elements,
                        ),
                        "name__startswith" => match plain_string(value, self.source) {
                            Some(prefix) => Selector::Prefix(prefix, value),
                            None => {
                                Selector::Unreadable("a `name__startswith` lookup".into(), value)
                            }
                        },
                        lookup if lookup.starts_with("name__") => {
                            Selector::Unreadable(format!("a `{lookup}` lookup"), value)
                        }
                        _ => continue,
                    }
                }
                "list_splat" | "dictionary_splat" => {
                    Selector::Unreadable("unpacked arguments".into(), argument)
                }
                _ => Selector::Unreadable("a positional filter".into(), argument),
            };
            selector = selector.narrow(candidate);
        }
        selector
    }

    /// `get_model("waffle", "Flag")`, `get_model("waffle.flag")`, `get_model(app_label=...,
    /// model_name=...)`, `get_model(settings.WAFFLE_SWITCH_MODEL)`...: the waffle model meant.
    fn model_from_get_model(&self, arguments: Node<'a>) -> Option<WaffleKind> {
        let all = self.text(arguments);
        if let Some(&(_, kind)) = SETTINGS_MODELS.iter().find(|(s, _)| all.contains(s)) {
            return Some(kind);
        }
        let string = |position, keyword| {
            argument(arguments, self.source, Some(position), keyword)
                .and_then(|node| plain_string(node, self.source))
        };
        let (app, model) = match (string(0, "app_label"), string(1, "model_name")) {
            (Some(app), Some(model)) => (app, model),
            (Some(dotted), None) => {
                let (app, model) = dotted.split_once('.')?;
                (app.to_string(), model.to_string())
            }
            _ => return None,
        };
        if app != "waffle" {
            return None;
        }
        match model.to_ascii_lowercase().as_str() {
            "flag" => Some(WaffleKind::Flag),
            "switch" => Some(WaffleKind::Switch),
            "sample" => Some(WaffleKind::Sample),
            _ => None,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Operations

    /// Creations (`create`, `get_or_create`, `update_or_create`, a model constructor) and
    /// deletions (`<queryset>.delete()`) of waffle rows.
    fn orm_operation(&mut self, call: Node<'a>, ctx: Ctx) {
        if self.ops.len() >= MAX_FLAG_OPS {
            return;
        }
        let (Some(function), Some(arguments)) = (
            call.child_by_field_name("function"),
            call.child_by_field_name("arguments"),
        ) else {
            return;
        };
        let function = unwrap_parens(function);
        if function.kind() != "attribute" {
            if let Some(Value::Model(kind)) = self.value_of(function, ctx) {
                self.creation(call, arguments, kind, ctx);
            }
            return;
        }
        let (Some(object), Some(method)) = (
            function.child_by_field_name("object"),
            function.child_by_field_name("attribute"),
        ) else {
            return;
        };
        match (self.text(method), self.value_of(object, ctx)) {
            (method, Some(Value::Manager(kind))) if CREATE_METHODS.contains(&method) => {
                self.creation(call, arguments, kind, ctx);
            }
            ("delete", Some(Value::Rows(kind, selector))) => {
                self.deletion(call, kind, selector, ctx);
            }
            _ => {}
        }
    }

    /// Records a creation by `name=` (one per key), with its initial fields.
    fn creation(&mut self, call: Node<'a>, arguments: Node<'a>, kind: WaffleKind, ctx: Ctx) {
        let key = argument(arguments, self.source, None, "name");
        let keys = self.keys_or_missing(call, arguments, key, ctx);
        let initial = self.initial(arguments, true);
        let varying = self.loop_fields(arguments, ctx);
        let timing = Timing::of(ctx.region);
        let count = keys.len();
        for (i, key) in keys.into_iter().enumerate() {
            let mut initial = initial.clone();
            for (_, value) in &mut initial {
                let per_iteration = varying
                    .iter()
                    .find(|(name, texts)| name == value && texts.len() == count);
                if let Some((_, texts)) = per_iteration {
                    *value = texts[i].clone();
                }
            }
            self.record(call, (FlagAction::Create, kind), vec![key], initial, timing);
        }
    }

    /// Records a deletion of the rows a selector names (one per key).
    fn deletion(&mut self, call: Node<'a>, kind: WaffleKind, selector: Selector<'a>, ctx: Ctx) {
        let mut prefix = None;
        let keys = match selector {
            Selector::Key(node, ctx) => self.keys_of(node, ctx),
            Selector::Elements(elements) => self.element_keys(elements),
            Selector::Unreadable(reason, node) => vec![(KeyExpr::Dynamic(reason), self.span(node))],
            Selector::Prefix(value, node) => {
                prefix = Some(value);
                let reason = "a `name__startswith` lookup".to_string();
                vec![(KeyExpr::Dynamic(reason), self.span(node))]
            }
            Selector::Unnamed(reason) => vec![(KeyExpr::Dynamic(reason.into()), self.span(call))],
        };
        let timing = Timing::of(ctx.region);
        let first = self.ops.len();
        self.record(call, (FlagAction::Delete, kind), keys, Vec::new(), timing);
        for raw in &mut self.ops[first..] {
            raw.op.prefix.clone_from(&prefix);
        }
    }

    /// A configured custom operation (`CreateFlag("k", everyone=True)`) in `operations`.
    fn custom_operation(&mut self, call: Node<'a>, name: &str, ctx: Ctx) -> bool {
        let is_listed = |list: &[String]| list.iter().any(|operation| operation == name);
        let action = if is_listed(self.options.create_operations) {
            FlagAction::Create
        } else if is_listed(self.options.delete_operations) {
            FlagAction::Delete
        } else {
            return false;
        };
        let kind = if name.contains("Switch") {
            WaffleKind::Switch
        } else if name.contains("Sample") {
            WaffleKind::Sample
        } else {
            WaffleKind::Flag
        };
        let Some(arguments) = call.child_by_field_name("arguments") else {
            return true;
        };
        let key = argument(arguments, self.source, Some(0), "name");
        let keys = self.keys_or_missing(call, arguments, key, ctx);
        let initial = match action {
            FlagAction::Create => self.initial(arguments, false),
            FlagAction::Delete => Vec::new(),
        };
        let timing = Timing::Fixed(Direction::Forward, None);
        self.record(call, (action, kind), keys, initial, timing);
        true
    }

    /// The keys of a key argument, or one dynamic key saying why there is none.
    fn keys_or_missing(
        &self,
        call: Node<'a>,
        arguments: Node<'a>,
        key: Option<Node<'a>>,
        ctx: Ctx,
    ) -> Vec<(KeyExpr, Span)> {
        if let Some(key) = key {
            return self.keys_of(key, ctx);
        }
        let unpacked = argument_nodes(arguments)
            .iter()
            .any(|a| matches!(a.kind(), "list_splat" | "dictionary_splat"));
        let reason = if unpacked {
            "unpacked arguments"
        } else {
            "no `name` argument"
        };
        vec![(KeyExpr::Dynamic(reason.into()), self.span(call))]
    }

    /// Keyword arguments other than `name` (and, with `expand_defaults`, the string-keyed
    /// entries of a `defaults={...}` literal instead of `defaults` itself), in source order.
    fn initial(&self, arguments: Node<'a>, expand_defaults: bool) -> Vec<(String, String)> {
        let mut fields = Vec::new();
        for argument in argument_nodes(arguments) {
            let (Some(keyword), Some(value)) = (
                argument.child_by_field_name("name"),
                argument.child_by_field_name("value"),
            ) else {
                continue;
            };
            let keyword = self.text(keyword);
            if argument.kind() != "keyword_argument" || keyword == "name" {
                continue;
            }
            if !(expand_defaults && DEFAULTS_KEYWORDS.contains(&keyword)) {
                fields.push((keyword.to_string(), self.text(value).to_string()));
                continue;
            }
            let value = unwrap_parens(value);
            if value.kind() != "dictionary" {
                continue;
            }
            for pair in children(value) {
                let entry = pair
                    .child_by_field_name("key")
                    .zip(pair.child_by_field_name("value"));
                if let Some((key, value)) = entry {
                    if let Some(key) = plain_string(key, self.source) {
                        fields.push((key, self.text(value).to_string()));
                    }
                }
            }
        }
        fields
    }

    /// Records one operation per key.
    fn record(
        &mut self,
        call: Node<'a>,
        (action, kind): (FlagAction, WaffleKind),
        keys: Vec<(KeyExpr, Span)>,
        initial: Vec<(String, String)>,
        timing: Timing,
    ) {
        let span = self.span(call);
        for (key, key_span) in keys {
            if self.ops.len() >= MAX_FLAG_OPS {
                return;
            }
            let op = FlagOp {
                action,
                kind,
                key,
                span,
                key_span,
                direction: Direction::Unreferenced,
                run_python: None,
                prefix: None,
                initial: initial.clone(),
            };
            self.ops.push(RawOp { op, timing });
        }
    }

    // -----------------------------------------------------------------------------------------
    // Keys

    /// The keys an expression takes: one, or one per element of the literal a loop variable
    /// iterates over.
    fn keys_of(&self, node: Node<'a>, ctx: Ctx) -> Vec<(KeyExpr, Span)> {
        let node = unwrap_parens(node);
        if node.kind() == "identifier" {
            if let Lookup::Loop(Binding::Elements(elements)) = self.lookup(self.text(node), ctx) {
                return self.element_keys(*elements);
            }
        }
        vec![self.single_key(node, ctx)]
    }

    /// The keys of the elements of a literal collection (at most the remaining budget).
    fn element_keys(&self, elements: Elements<'a>) -> Vec<(KeyExpr, Span)> {
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
        let items: Vec<Node<'a>> = collection
            .named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .take(budget)
            .collect();
        items
            .into_iter()
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
    fn loop_fields(&self, arguments: Node<'a>, ctx: Ctx) -> Vec<(String, Vec<String>)> {
        let mut values: Vec<Node<'a>> = Vec::new();
        for argument in argument_nodes(arguments) {
            let Some(value) = argument.child_by_field_name("value") else {
                continue;
            };
            let value = unwrap_parens(value);
            if value.kind() == "dictionary" {
                values.extend(
                    children(value)
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
            Lookup::Local(Binding::Literal(key)) => KeyExpr::Literal(key.clone()),
            Lookup::Parameter => KeyExpr::Dynamic(format!("parameter `{name}`")),
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

    // -----------------------------------------------------------------------------------------
    // RunPython and the functions it runs

    /// `RunPython(code, reverse_code)`: records it, and marks its code arguments so the walk
    /// attributes what they do (or call) to it.
    fn run_python_call(&mut self, call: Node<'a>) {
        let Some(arguments) = call.child_by_field_name("arguments") else {
            return;
        };
        let index = self.run_python.len();
        let forward = argument(arguments, self.source, Some(0), "code");
        let reverse = argument(arguments, self.source, Some(1), "reverse_code");
        for (code, direction) in [(forward, Direction::Forward), (reverse, Direction::Reverse)] {
            let Some(code) = code else {
                continue;
            };
            let region = Region::RunPythonArg(index, direction);
            self.arg_regions.insert(code.id(), region);
            if let Some(function) = self.module_function(code) {
                self.entries.entry(region).or_default().push(function);
            }
        }
        let forward = forward
            .and_then(|code| self.module_function(code))
            .map(|function| self.module.functions[function].name.to_string());
        let run_python = RunPython {
            span: self.span(call),
            forward,
            reverse: self.reverse(reverse),
        };
        self.run_python.push(run_python);
    }

    /// The module function an expression names.
    fn module_function(&self, node: Node<'a>) -> Option<usize> {
        let node = unwrap_parens(node);
        (node.kind() == "identifier")
            .then(|| self.module.by_name.get(self.text(node)).copied())
            .flatten()
    }

    /// What the reverse code argument of a `RunPython` is.
    fn reverse(&self, code: Option<Node<'a>>) -> Reverse {
        let Some(code) = code.map(unwrap_parens) else {
            return Reverse::Missing;
        };
        let is_noop = match code.kind() {
            "none" => return Reverse::Missing,
            "attribute" => {
                let object = code.child_by_field_name("object");
                code.child_by_field_name("attribute")
                    .is_some_and(|a| self.text(a) == "noop")
                    && object.is_some_and(|o| last_segment(o, self.source) == Some("RunPython"))
            }
            "lambda" => code
                .child_by_field_name("body")
                .is_some_and(|body| CONSTANTS.contains(&unwrap_parens(body).kind())),
            _ => false,
        };
        if is_noop {
            return Reverse::Noop;
        }
        match self.module_function(code) {
            Some(function) => {
                let function = &self.module.functions[function];
                if function.does_nothing {
                    Reverse::Noop
                } else {
                    Reverse::Function(function.name.to_string())
                }
            }
            None => Reverse::Other,
        }
    }

    /// A call of a module function by name: an edge of the call graph, or an entry of the
    /// `RunPython` whose code argument makes it.
    fn note_function_call(&mut self, call: Node<'a>, ctx: Ctx) {
        let Some(function) = call.child_by_field_name("function").map(unwrap_parens) else {
            return;
        };
        let Some(callee) = self.module_function(function) else {
            return;
        };
        if !matches!(self.lookup(self.text(function), ctx), Lookup::Global(None)) {
            return;
        }
        match ctx.region {
            Region::Function(caller) => self.callees[caller].push(callee),
            Region::RunPythonArg(..) => self.entries.entry(ctx.region).or_default().push(callee),
            Region::Module | Region::Operations => {}
        }
    }

    /// For each module function, the `(direction, RunPython)` pairs that run it.
    fn reached(&self) -> Vec<Vec<(Direction, Option<usize>)>> {
        let callees: Vec<Vec<usize>> = self
            .callees
            .iter()
            .map(|called| {
                let mut called = called.clone();
                called.sort_unstable();
                called.dedup();
                called
            })
            .collect();
        let mut reached = vec![Vec::new(); callees.len()];
        let mut seen_by = vec![usize::MAX; callees.len()];
        let mut steps = 0;
        for index in 0..self.run_python.len() {
            for direction in [Direction::Forward, Direction::Reverse] {
                let search = 2 * index + usize::from(direction == Direction::Reverse);
                let region = Region::RunPythonArg(index, direction);
                let mut stack = self.entries.get(&region).cloned().unwrap_or_default();
                while let Some(function) = stack.pop() {
                    if seen_by[function] == search {
                        continue;
                    }
                    steps += 1 + callees[function].len();
                    if steps > MAX_REACH_STEPS {
                        return reached;
                    }
                    seen_by[function] = search;
                    reached[function].push((direction, Some(index)));
                    stack.extend(&callees[function]);
                }
            }
        }
        reached
    }

    /// The `RunPython`s and the flag operations, each attributed to when it runs, in source
    /// order (then direction order).
    fn finish(self) -> (Vec<RunPython>, Vec<FlagOp>) {
        let reached = self.reached();
        let unreferenced = [(Direction::Unreferenced, None)];
        let mut flag_ops = Vec::new();
        for raw in &self.ops {
            let fixed;
            let timings: &[(Direction, Option<usize>)] = match raw.timing {
                Timing::Fixed(direction, run_python) => {
                    fixed = [(direction, run_python)];
                    &fixed
                }
                Timing::Function(function) if !reached[function].is_empty() => &reached[function],
                Timing::Function(_) => &unreferenced,
            };
            for &(direction, run_python) in timings {
                if flag_ops.len() >= MAX_FLAG_OPS {
                    break;
                }
                flag_ops.push(FlagOp {
                    direction,
                    run_python,
                    ..raw.op.clone()
                });
            }
        }
        flag_ops.sort_by_key(|op| {
            (
                op.span.start,
                op.key_span.start,
                op.direction,
                op.run_python,
            )
        });
        (self.run_python, flag_ops)
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers on nodes and text

/// The source text of a node (empty if its range is not in the source).
fn text<'a>(source: &'a str, node: Node) -> &'a str {
    source.get(node.byte_range()).unwrap_or("")
}

/// The span of a node.
fn span(lines: &LineIndex, node: Node) -> Span {
    lines.span(node.start_byte(), node.end_byte())
}

/// The named children of a node, without comments.
fn children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|child| child.kind() != "comment")
        .collect()
}

/// The last segment of a name or dotted name: `Migration` of `migrations.Migration`.
fn last_segment<'a>(node: Node, source: &'a str) -> Option<&'a str> {
    let node = unwrap_parens(node);
    match node.kind() {
        "identifier" => Some(text(source, node)),
        "attribute" => node
            .child_by_field_name("attribute")
            .map(|a| text(source, a)),
        _ => None,
    }
}

/// The last segment of a call's callee: `RunPython` of `migrations.RunPython(...)`.
fn callee_name<'a>(call: Node, source: &'a str) -> Option<&'a str> {
    last_segment(call.child_by_field_name("function")?, source)
}

/// Splits `a.b(c).d` into its base `a` and links `[.b(c), .d]`, innermost first; `None` when
/// the chain is longer than [`MAX_CHAIN`].
fn chain<'a>(node: Node<'a>, source: &'a str) -> Option<(Node<'a>, Vec<Link<'a>>)> {
    let mut links = Vec::new();
    let mut current = unwrap_parens(node);
    while links.len() <= MAX_CHAIN {
        match current.kind() {
            "call" => {
                let function = unwrap_parens(current.child_by_field_name("function")?);
                let arguments = current.child_by_field_name("arguments")?;
                if function.kind() == "attribute" {
                    let method = text(source, function.child_by_field_name("attribute")?);
                    links.push(Link::Method(method, arguments));
                    current = unwrap_parens(function.child_by_field_name("object")?);
                } else {
                    links.push(Link::Call(arguments));
                    current = function;
                }
            }
            "attribute" => {
                let name = text(source, current.child_by_field_name("attribute")?);
                links.push(Link::Attribute(name));
                current = unwrap_parens(current.child_by_field_name("object")?);
            }
            _ => {
                links.reverse();
                return Some((current, links));
            }
        }
    }
    None
}

/// The arguments of a call (a lone generator argument is its only, positional, argument).
fn argument_nodes(arguments: Node) -> Vec<Node> {
    if arguments.kind() == "argument_list" {
        children(arguments)
    } else {
        vec![arguments]
    }
}

/// The argument passed as `keyword`, or else the one at a position among positional
/// arguments (unknown after an unpacked `*args`).
fn argument<'a>(
    arguments: Node<'a>,
    source: &str,
    position: Option<usize>,
    keyword: &str,
) -> Option<Node<'a>> {
    let all = argument_nodes(arguments);
    let by_keyword = all.iter().find_map(|a| {
        let name = a.child_by_field_name("name")?;
        (a.kind() == "keyword_argument" && text(source, name) == keyword)
            .then(|| a.child_by_field_name("value"))
            .flatten()
    });
    if by_keyword.is_some() {
        return by_keyword;
    }
    let position = position?;
    all.into_iter()
        .filter(|a| a.kind() != "keyword_argument")
        .take_while(|a| !matches!(a.kind(), "list_splat" | "dictionary_splat"))
        .nth(position)
}

/// The names of a function's or lambda's parameters.
fn parameter_names<'a>(parameters: Node, source: &'a str) -> HashSet<&'a str> {
    children(parameters)
        .into_iter()
        .filter_map(|parameter| {
            let mut name = match parameter.kind() {
                "default_parameter" | "typed_default_parameter" => {
                    parameter.child_by_field_name("name")?
                }
                _ => parameter,
            };
            // `x: int`, `*args`, `*args: int`, `**kwargs`.
            for _ in 0..2 {
                if name.kind() != "identifier" {
                    name = name.named_child(0)?;
                }
            }
            (name.kind() == "identifier").then(|| text(source, name))
        })
        .collect()
}

/// The element at `position` of a literal tuple or list, or the key (0) / value (1) of a dict
/// entry.
fn unpack(node: Node, position: usize) -> Option<Node> {
    let node = unwrap_parens(node);
    match node.kind() {
        "tuple" | "list" => children(node).get(position).copied(),
        "pair" => match position {
            0 => node.child_by_field_name("key"),
            1 => node.child_by_field_name("value"),
            _ => None,
        },
        _ => None,
    }
}

/// The waffle model a class name from `waffle.models` is.
fn model_named(name: &str) -> Option<WaffleKind> {
    WaffleKind::ALL
        .into_iter()
        .find(|kind| kind.model() == name)
}

/// The value of a plain string literal (or implicit concatenation of them).
fn plain_string(node: Node, source: &str) -> Option<String> {
    let node = unwrap_parens(node);
    match node.kind() {
        "string" | "concatenated_string" => string_value(node, source).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Direction::{Forward, Reverse as Backward, Unreferenced};
    use crate::facts::FlagAction::{Create, Delete};
    use crate::facts::WaffleKind::{Flag, Sample, Switch};

    type Op = (FlagAction, WaffleKind, KeyExpr, Direction, Option<usize>);

    fn parse(source: &str) -> tree_sitter::Tree {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .unwrap();
        parser.parse(source, None).unwrap()
    }

    fn facts_with(source: &str, creates: &[&str], deletes: &[&str]) -> Option<MigrationFacts> {
        let tree = parse(source);
        let lines = LineIndex::new(source);
        let create_operations: Vec<String> = creates.iter().map(|s| s.to_string()).collect();
        let delete_operations: Vec<String> = deletes.iter().map(|s| s.to_string()).collect();
        let options = MigrationOptions {
            create_operations: &create_operations,
            delete_operations: &delete_operations,
        };
        extract(tree.root_node(), source, &lines, &options)
    }

    fn facts(source: &str) -> MigrationFacts {
        facts_with(source, &[], &[]).expect("a migration")
    }

    /// A migration module: `functions` at the top, then a Migration class with `operations`.
    fn module(functions: &str, operations: &str) -> String {
        format!(
            "from django.db import migrations\n\n{functions}\n\nclass Migration(migrations.Migration):\n    dependencies = []\n    operations = [{operations}]\n"
        )
    }

    fn ops(facts: &MigrationFacts) -> Vec<Op> {
        facts
            .flag_ops
            .iter()
            .map(|op| {
                (
                    op.action,
                    op.kind,
                    op.key.clone(),
                    op.direction,
                    op.run_python,
                )
            })
            .collect()
    }

    fn keys(facts: &MigrationFacts) -> Vec<KeyExpr> {
        facts.flag_ops.iter().map(|op| op.key.clone()).collect()
    }

    fn lit(value: &str) -> KeyExpr {
        KeyExpr::Literal(value.to_string())
    }

    fn path(segments: &[&str]) -> KeyExpr {
        KeyExpr::Path(segments.iter().map(|s| s.to_string()).collect())
    }

    fn dynamic(what: &str) -> KeyExpr {
        KeyExpr::Dynamic(what.to_string())
    }

    fn text(source: &str, span: Span) -> &str {
        &source[span.start as usize..span.end as usize]
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const PLAYBOOK: &str = r#"from django.db import migrations
from feature_flags.flags import PRICING_PAYWALL

def create_flag(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.get_or_create(name=PRICING_PAYWALL, defaults={"everyone": False, "percent": 50})

def delete_flag(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.filter(name=PRICING_PAYWALL).delete()

class Migration(migrations.Migration):
    dependencies = [("users", "0071_auto_20220811_2128"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]
    operations = [migrations.RunPython(create_flag, delete_flag)]
"#;

    #[test]
    fn playbook_migration() {
        let facts = facts(PLAYBOOK);
        assert_eq!(text(PLAYBOOK, facts.class_span), "Migration");
        let dependencies: Vec<(&str, &str, &str)> = facts
            .dependencies
            .iter()
            .map(|(a, n, s)| (a.as_str(), n.as_str(), text(PLAYBOOK, *s)))
            .collect();
        assert_eq!(
            dependencies,
            vec![(
                "users",
                "0071_auto_20220811_2128",
                r#"("users", "0071_auto_20220811_2128")"#
            )]
        );
        assert!(facts.replaces.is_empty());
        assert_eq!(facts.run_python.len(), 1);
        let run_python = &facts.run_python[0];
        assert_eq!(run_python.forward.as_deref(), Some("create_flag"));
        assert_eq!(run_python.reverse, Reverse::Function("delete_flag".into()));
        assert_eq!(
            text(PLAYBOOK, run_python.span),
            "migrations.RunPython(create_flag, delete_flag)"
        );
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Flag, path(&["PRICING_PAYWALL"]), Forward, Some(0)),
                (Delete, Flag, path(&["PRICING_PAYWALL"]), Backward, Some(0)),
            ]
        );
        let create = &facts.flag_ops[0];
        assert_eq!(
            create.initial,
            fields(&[("everyone", "False"), ("percent", "50")])
        );
        assert_eq!(
            text(PLAYBOOK, create.span),
            r#"Flag.objects.get_or_create(name=PRICING_PAYWALL, defaults={"everyone": False, "percent": 50})"#
        );
        assert_eq!(text(PLAYBOOK, create.key_span), "PRICING_PAYWALL");
        let delete = &facts.flag_ops[1];
        assert!(delete.initial.is_empty());
        assert_eq!(
            text(PLAYBOOK, delete.span),
            "Flag.objects.filter(name=PRICING_PAYWALL).delete()"
        );
        assert_eq!(delete.span.line, 10);
        assert_eq!(delete.span.column, 5);
    }

    #[test]
    fn no_migration_class_is_none() {
        assert!(facts_with("def f(apps, se):\n    pass\n", &[], &[]).is_none());
        assert!(facts_with("class Migration:\n    operations = []\n", &[], &[]).is_none());
        assert!(facts_with("class Migration(object):\n    pass\n", &[], &[]).is_none());
        assert!(facts_with("class Other(migrations.Migration):\n    pass\n", &[], &[]).is_none());
        assert!(facts_with("", &[], &[]).is_none());
        let bare = facts(
            "from django.db.migrations import Migration\nclass Migration(Migration):\n    pass\n",
        );
        assert!(bare.run_python.is_empty() && bare.flag_ops.is_empty());
    }

    #[test]
    fn get_or_create_with_defaults() {
        let source = module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.get_or_create(note="n", name="new_checkout", defaults={"everyone": None, 'percent': 5, other: 1}, superusers=True)
"#,
            "migrations.RunPython(create)",
        );
        let facts = facts(&source);
        assert_eq!(
            ops(&facts),
            vec![(Create, Flag, lit("new_checkout"), Forward, Some(0))]
        );
        assert_eq!(
            facts.flag_ops[0].initial,
            fields(&[
                ("note", "\"n\""),
                ("everyone", "None"),
                ("percent", "5"),
                ("superusers", "True")
            ])
        );
        assert_eq!(
            text(&source, facts.flag_ops[0].key_span),
            "\"new_checkout\""
        );
    }

    #[test]
    fn update_or_create_and_create() {
        let source = module(
            r#"def create(apps, schema_editor):
    Switch = apps.get_model("waffle", "Switch")
    Switch.objects.update_or_create(name="maintenance", defaults={"active": False})
    Switch.objects.create(name="read_only", active=True, note="x")
    Switch.objects.update_or_create(name="late", create_defaults={"active": True}, defaults=DEFAULTS)
"#,
            "migrations.RunPython(create)",
        );
        let facts = facts(&source);
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Switch, lit("maintenance"), Forward, Some(0)),
                (Create, Switch, lit("read_only"), Forward, Some(0)),
                (Create, Switch, lit("late"), Forward, Some(0)),
            ]
        );
        assert_eq!(facts.flag_ops[0].initial, fields(&[("active", "False")]));
        assert_eq!(
            facts.flag_ops[1].initial,
            fields(&[("active", "True"), ("note", "\"x\"")])
        );
        assert_eq!(facts.flag_ops[2].initial, fields(&[("active", "True")]));
    }

    #[test]
    fn constructor_and_save() {
        let source = module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    flag = Flag(name="beta", everyone=True)
    flag.save()
    apps.get_model("waffle", "Flag")(name="inline").save()
    row = Flag()
    row.name = "later"
    row.save()
"#,
            "migrations.RunPython(create)",
        );
        let facts = facts(&source);
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Flag, lit("beta"), Forward, Some(0)),
                (Create, Flag, lit("inline"), Forward, Some(0)),
                (
                    Create,
                    Flag,
                    dynamic("no `name` argument"),
                    Forward,
                    Some(0)
                ),
            ]
        );
        assert_eq!(facts.flag_ops[0].initial, fields(&[("everyone", "True")]));
        assert_eq!(
            text(&source, facts.flag_ops[0].span),
            r#"Flag(name="beta", everyone=True)"#
        );
        assert_eq!(text(&source, facts.flag_ops[2].key_span), "Flag()");
    }

    #[test]
    fn bulk_create_of_constructors() {
        let facts = facts(&module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.bulk_create([
        Flag(name="a", everyone=False),
        Flag(name=flags.B, percent=10),
    ])
"#,
            "migrations.RunPython(create)",
        ));
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Flag, lit("a"), Forward, Some(0)),
                (Create, Flag, path(&["flags", "B"]), Forward, Some(0)),
            ]
        );
        assert_eq!(facts.flag_ops[1].initial, fields(&[("percent", "10")]));
    }

    #[test]
    fn deletions_by_name_and_name_in() {
        let source = module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.filter(name="old").delete()
    Flag.objects.filter(name__in=["a", FeatureFlags.B, ("c")]).delete()
    Flag.objects.filter(name__in=("t",)).delete()
    Flag.objects.filter(name__in={"s"}).delete()
    Flag.objects.filter(everyone=True, name__exact="exact").exclude(name="x").delete()
"#,
            "migrations.RunPython(create)",
        );
        let facts = facts(&source);
        assert_eq!(
            keys(&facts),
            vec![
                lit("old"),
                lit("a"),
                path(&["FeatureFlags", "B"]),
                lit("c"),
                lit("t"),
                lit("s"),
                lit("exact"),
            ]
        );
        assert!(facts
            .flag_ops
            .iter()
            .all(|op| op.action == Delete && op.direction == Forward));
        let spans: Vec<&str> = facts.flag_ops[1..4]
            .iter()
            .map(|op| text(&source, op.key_span))
            .collect();
        assert_eq!(spans, vec!["\"a\"", "FeatureFlags.B", "\"c\""]);
        assert_eq!(facts.flag_ops[1].span, facts.flag_ops[2].span);
    }

    #[test]
    fn name_in_module_constant() {
        let source = module(
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
            "migrations.RunPython(create)",
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
        let facts = facts(&module(
            r#"NAMES = ["x"]

def create(apps, schema_editor, NAMES=()):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.filter(name__in=NAMES).delete()
"#,
            "migrations.RunPython(create)",
        ));
        assert_eq!(keys(&facts), vec![dynamic("a non-literal `name__in`")]);
    }

    #[test]
    fn get_then_delete_through_a_local() {
        let facts = facts(&module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    flag = Flag.objects.get(name="legacy")
    flag.delete()
    rows = Flag.objects.using("default").filter(name__in=["p", "q"])
    rows.delete()
    Flag.objects.get(name="direct").delete()
"#,
            "migrations.RunPython(create)",
        ));
        assert_eq!(
            ops(&facts),
            vec![
                (Delete, Flag, lit("legacy"), Forward, Some(0)),
                (Delete, Flag, lit("p"), Forward, Some(0)),
                (Delete, Flag, lit("q"), Forward, Some(0)),
                (Delete, Flag, lit("direct"), Forward, Some(0)),
            ]
        );
    }

    #[test]
    fn unreadable_deletion_selectors_are_dynamic() {
        let source = module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.filter(name__startswith="exp_").delete()
    Flag.objects.all().delete()
    Flag.objects.filter(name__in=compute()).delete()
    Flag.objects.filter(everyone=True).delete()
    Flag.objects.exclude(name="keep").delete()
    Flag.objects.filter(Q(name="a") | Q(name="b")).delete()
    Flag.objects.filter(**lookup).delete()
"#,
            "migrations.RunPython(create)",
        );
        let facts = facts(&source);
        assert_eq!(
            keys(&facts),
            vec![
                dynamic("a `name__startswith` lookup"),
                dynamic("all rows"),
                dynamic("a non-literal `name__in`"),
                dynamic("no `name` filter"),
                dynamic("no `name` filter"),
                dynamic("a positional filter"),
                dynamic("unpacked arguments"),
            ]
        );
        assert_eq!(text(&source, facts.flag_ops[0].key_span), "\"exp_\"");
        assert_eq!(facts.flag_ops[0].prefix.as_deref(), Some("exp_"));
        assert!(facts.flag_ops[1..].iter().all(|op| op.prefix.is_none()));
        assert_eq!(
            text(&source, facts.flag_ops[1].key_span),
            "Flag.objects.all().delete()"
        );
    }

    #[test]
    fn updates_and_reads_are_not_operations() {
        let facts = facts(&module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.filter(everyone=True).update(everyone=None)
    Flag.objects.filter(name="a").update(percent=5)
    Flag.objects.filter(name="a").exists()
    Flag.objects.bulk_create(rows)
    Flag.objects.delete()
    Flag.delete()
    Flag.objects.filter(name="a").count().delete()
    flag = Flag.objects.get(name="a")
    flag.name = "b"
    flag.save()
"#,
            "migrations.RunPython(create)",
        ));
        assert!(facts.flag_ops.is_empty(), "{:?}", facts.flag_ops);
    }

    #[test]
    fn non_waffle_models_are_ignored() {
        let facts = facts(&module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("users", "Flag")
    Flag.objects.create(name="a")
    Flag.objects.filter(name="a").delete()
    Other = apps.get_model("waffle", "Thing")
    Other.objects.create(name="b")
    User = apps.get_model("auth.User")
    User.objects.create(name="c")
    Flag(name="d").save()
    NotBound.objects.create(name="e")
"#,
            "migrations.RunPython(create)",
        ));
        assert!(facts.flag_ops.is_empty(), "{:?}", facts.flag_ops);
    }

    #[test]
    fn model_lookup_forms() {
        let facts = facts(&module(
            r#"from django.conf import settings
import waffle
from waffle import get_waffle_switch_model

def create(apps, schema_editor):
    apps.get_model("waffle", "flag").objects.create(name="lowercase")
    apps.get_model("waffle.Sample").objects.create(name="dotted", percent="10.0")
    apps.get_model(app_label="waffle", model_name="Switch").objects.create(name="keywords")
    apps.get_model("waffle", model_name="Flag").objects.create(name="mixed")
    apps.get_model(settings.WAFFLE_FLAG_MODEL).objects.create(name="swappable")
    apps.get_model(*settings.WAFFLE_SWITCH_MODEL.split(".")).objects.create(name="split")
    waffle.get_waffle_sample_model().objects.create(name="getter")
    get_waffle_switch_model()._default_manager.create(name="bare_getter")
    Model = waffle.get_waffle_flag_model()
    Model._base_manager.create(name="bound")
"#,
            "migrations.RunPython(create)",
        ));
        let found: Vec<(WaffleKind, KeyExpr)> = facts
            .flag_ops
            .iter()
            .map(|op| (op.kind, op.key.clone()))
            .collect();
        assert_eq!(
            found,
            vec![
                (Flag, lit("lowercase")),
                (Sample, lit("dotted")),
                (Switch, lit("keywords")),
                (Flag, lit("mixed")),
                (Flag, lit("swappable")),
                (Switch, lit("split")),
                (Sample, lit("getter")),
                (Switch, lit("bare_getter")),
                (Flag, lit("bound")),
            ]
        );
        assert_eq!(
            facts.flag_ops[1].initial,
            fields(&[("percent", "\"10.0\"")])
        );
    }

    #[test]
    fn waffle_models_imports() {
        let facts = facts(&module(
            r#"from waffle.models import Switch, Sample as S, Flag as WaffleFlag
from users.models import Flag

def create(apps, schema_editor):
    Switch.objects.create(name="imported")
    S.objects.create(name="aliased")
    WaffleFlag(name="constructed").save()
    Flag.objects.create(name="users_flag")

def local_import(apps, schema_editor):
    from waffle.models import Flag
    Flag.objects.filter(name="local").delete()
"#,
            "migrations.RunPython(create, local_import)",
        ));
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Switch, lit("imported"), Forward, Some(0)),
                (Create, Sample, lit("aliased"), Forward, Some(0)),
                (Create, Flag, lit("constructed"), Forward, Some(0)),
                (Delete, Flag, lit("local"), Backward, Some(0)),
            ]
        );
    }

    #[test]
    fn module_level_model_binding_and_shadowing() {
        let facts = facts(&module(
            r#"def create(apps, schema_editor):
    Flag.objects.create(name="module_bound")

def shadowed(apps, Flag):
    Flag.objects.create(name="parameter")

def reassigned(apps, schema_editor):
    Flag = apps.get_model("users", "Flag")
    Flag.objects.create(name="users")

Flag = django_apps.get_model("waffle", "Flag")
"#,
            "migrations.RunPython(create)",
        ));
        assert_eq!(
            ops(&facts),
            vec![(Create, Flag, lit("module_bound"), Forward, Some(0))]
        );
    }

    #[test]
    fn managers_with_using_and_db_manager() {
        let facts = facts(&module(
            r#"def create(apps, schema_editor):
    db_alias = schema_editor.connection.alias
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.using(db_alias).get_or_create(name="a")
    Flag.objects.db_manager(db_alias).using(db_alias).create(name="b")
    Flag.objects.using(db_alias).filter(name="c").delete()
    manager = Flag.objects.using(db_alias)
    manager.create(name="d")
    manager.filter(name="e").using(db_alias).order_by("name").delete()
"#,
            "migrations.RunPython(create)",
        ));
        assert_eq!(
            keys(&facts),
            vec![lit("a"), lit("b"), lit("c"), lit("d"), lit("e")]
        );
        let actions: Vec<FlagAction> = facts.flag_ops.iter().map(|op| op.action).collect();
        assert_eq!(actions, vec![Create, Create, Delete, Create, Delete]);
    }

    #[test]
    fn loop_over_a_literal_list() {
        let source = module(
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
            "migrations.RunPython(create)",
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
        let source = module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    for name, everyone in [("a", True), (B, False), ["c", None], odd]:
        Flag.objects.create(name=name, everyone=everyone)
    for (label, name) in [(1, "second")]:
        Flag.objects.create(name=name)
"#,
            "migrations.RunPython(create)",
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
        let source = module(
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
            "migrations.RunPython(create)",
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
        let source = module(
            r#"NAMES = ("n1", "n2")
CONFIG = {"c1": True}

def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.bulk_create([Flag(name=n, everyone=False) for n in NAMES])
    Flag.objects.bulk_create(Flag(name=k, everyone=v) for k, v in CONFIG.items())
    Flag.objects.bulk_create({Flag(name=x) for x in ["set"]})
    Flag.objects.bulk_create([Flag(name=n) for n in names_from_somewhere()])
"#,
            "migrations.RunPython(create)",
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
    fn loop_over_a_queryset() {
        let facts = facts(&module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    for flag in Flag.objects.filter(name__in=["a", "b"]):
        flag.delete()
    for flag in Flag.objects.all():
        if flag.name.startswith("tmp"):
            flag.delete()
    for flag in Flag.objects.filter(name="c").iterator():
        flag.delete()
"#,
            "migrations.RunPython(create)",
        ));
        assert_eq!(
            keys(&facts),
            vec![lit("a"), lit("b"), dynamic("all rows"), lit("c")]
        );
        assert!(facts.flag_ops.iter().all(|op| op.action == Delete));
    }

    #[test]
    fn remove_forward_create_backward() {
        let facts = facts(&module(
            r#"def remove(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.filter(name="gone").delete()

def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.create(name="gone", everyone=True)
"#,
            "migrations.RunPython(remove, create)",
        ));
        assert_eq!(facts.run_python[0].forward.as_deref(), Some("remove"));
        assert_eq!(
            facts.run_python[0].reverse,
            Reverse::Function("create".into())
        );
        assert_eq!(
            ops(&facts),
            vec![
                (Delete, Flag, lit("gone"), Forward, Some(0)),
                (Create, Flag, lit("gone"), Backward, Some(0)),
            ]
        );
    }

    #[test]
    fn code_and_reverse_code_keywords() {
        let facts = facts(&module(
            r#"def forwards(apps, schema_editor):
    apps.get_model("waffle", "Switch").objects.create(name="k")

def backwards(apps, schema_editor):
    apps.get_model("waffle", "Switch").objects.filter(name="k").delete()
"#,
            "migrations.RunPython(reverse_code=backwards, code=forwards, atomic=False)",
        ));
        assert_eq!(facts.run_python[0].forward.as_deref(), Some("forwards"));
        assert_eq!(
            facts.run_python[0].reverse,
            Reverse::Function("backwards".into())
        );
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Switch, lit("k"), Forward, Some(0)),
                (Delete, Switch, lit("k"), Backward, Some(0)),
            ]
        );
    }

    #[test]
    fn reverse_kinds() {
        let facts = facts(&module(
            r#"from django.db.migrations import RunPython
from .helpers import undo

def forwards(apps, schema_editor):
    pass

def noop(apps, se):
    pass

def documented_noop(apps, schema_editor):
    """Nothing to undo."""
    ...
    return None

def bare_return(apps, schema_editor):
    return

def undo_here(apps, schema_editor):
    print("undo")
"#,
            r#"
        migrations.RunPython(forwards, migrations.RunPython.noop),
        RunPython(forwards, RunPython.noop),
        migrations.RunPython(forwards, django.db.migrations.RunPython.noop),
        migrations.RunPython(forwards, lambda apps, schema_editor: None),
        migrations.RunPython(forwards, lambda *args: 0),
        migrations.RunPython(forwards, (lambda *a, **k: "done")),
        migrations.RunPython(forwards, noop),
        migrations.RunPython(forwards, documented_noop),
        migrations.RunPython(forwards, bare_return),
        migrations.RunPython(forwards),
        migrations.RunPython(forwards, None),
        migrations.RunPython(code=forwards, reverse_code=None),
        migrations.RunPython(forwards, undo),
        migrations.RunPython(forwards, helpers.undo),
        migrations.RunPython(forwards, lambda apps, se: undo(apps)),
        migrations.RunPython(forwards, make_reverse()),
        migrations.RunPython(forwards, undo_here),
        migrations.RunPython(forwards, migrations.RunSQL.noop),
    "#,
        ));
        let reverses: Vec<Reverse> = facts.run_python.iter().map(|r| r.reverse.clone()).collect();
        let mut expected = vec![Reverse::Noop; 9];
        expected.extend(vec![Reverse::Missing; 3]);
        expected.extend(vec![Reverse::Other; 4]);
        expected.push(Reverse::Function("undo_here".into()));
        expected.push(Reverse::Other);
        assert_eq!(reverses, expected);
        assert!(facts
            .run_python
            .iter()
            .all(|r| r.forward.as_deref() == Some("forwards")));
    }

    #[test]
    fn forward_names_only_module_functions() {
        let facts = facts(&module(
            r#"from .helpers import imported

def local(apps, schema_editor):
    pass
"#,
            r#"
        migrations.RunPython(imported),
        migrations.RunPython(lambda apps, se: None),
        migrations.RunPython(local),
        migrations.RunPython(Migration.method),
        migrations.RunPython(*args),
        migrations.RunPython(),
    "#,
        ));
        let forwards: Vec<Option<&str>> = facts
            .run_python
            .iter()
            .map(|r| r.forward.as_deref())
            .collect();
        assert_eq!(forwards, vec![None, None, Some("local"), None, None, None]);
        assert_eq!(facts.run_python[5].reverse, Reverse::Missing);
    }

    #[test]
    fn helpers_called_from_forward_count_for_it() {
        let facts = facts(&module(
            r#"def add_flag(apps, name):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.create(name="helper_made")
    deeper(apps)

def deeper(apps):
    apps.get_model("waffle", "Switch").objects.create(name="deep")
    add_flag(apps, "cycle")

def create(apps, schema_editor):
    add_flag(apps, "x")
    add_flag(apps, "y")

def remove(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.filter(name="helper_made").delete()
"#,
            "migrations.RunPython(create, remove)",
        ));
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Flag, lit("helper_made"), Forward, Some(0)),
                (Create, Switch, lit("deep"), Forward, Some(0)),
                (Delete, Flag, lit("helper_made"), Backward, Some(0)),
            ]
        );
    }

    #[test]
    fn helper_parameters_are_dynamic_keys() {
        let facts = facts(&module(
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
            "migrations.RunPython(create)",
        ));
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

    #[test]
    fn literal_key_spellings() {
        let facts = facts(&module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.create(name="new_" "checkout")
    Flag.objects.create(name=r"raw\n")
    Flag.objects.create(name="tab\tx\u00e9\x41\101")
    Flag.objects.create(name=f"no_interpolation")
    Flag.objects.create(name=(("parenthesised")))
    Flag.objects.create(name='''triple''')
"#,
            "migrations.RunPython(create)",
        ));
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
    fn unreferenced_functions_and_module_level_code() {
        let facts = facts(&module(
            r#"from waffle.models import Flag

def create(apps, schema_editor):
    pass

def forgotten(apps, schema_editor):
    Flag.objects.create(name="forgotten")

Flag.objects.filter(name="at_import").delete()

class Helper:
    def run(self):
        Flag.objects.create(name=self.name)
"#,
            "migrations.RunPython(create)",
        ));
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Flag, lit("forgotten"), Unreferenced, None),
                (Delete, Flag, lit("at_import"), Unreferenced, None),
                (
                    Create,
                    Flag,
                    dynamic("an attribute of parameter `self`"),
                    Unreferenced,
                    None
                ),
            ]
        );
    }

    #[test]
    fn nested_functions_belong_to_their_module_function() {
        let facts = facts(&module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")

    def inner(label):
        Flag.objects.create(name="nested")
        Flag.objects.create(name=label)

    inner("x")
"#,
            "migrations.RunPython(create)",
        ));
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Flag, lit("nested"), Forward, Some(0)),
                (Create, Flag, dynamic("parameter `label`"), Forward, Some(0)),
            ]
        );
    }

    #[test]
    fn parameters_of_every_form_are_dynamic() {
        let facts = facts(&module(
            r#"def create(apps, schema_editor, a, b=1, *c: str, d: int, e: int = 2, **f):
    Flag = apps.get_model("waffle", "Flag")
    for key in [a, b, c, d, e, f, g]:
        Flag.objects.create(name=key)
"#,
            "migrations.RunPython(create)",
        ));
        let mut expected: Vec<KeyExpr> = ["a", "b", "c", "d", "e", "f"]
            .iter()
            .map(|p| dynamic(&format!("parameter `{p}`")))
            .collect();
        expected.push(path(&["g"]));
        assert_eq!(keys(&facts), expected);
    }

    #[test]
    fn one_op_per_direction_and_run_python() {
        let source = module(
            r#"def toggle(apps, schema_editor):
    apps.get_model("waffle", "Flag").objects.create(name="shared")

def other(apps, schema_editor):
    pass
"#,
            r#"
        migrations.RunPython(toggle, toggle),
        migrations.RunPython(other, toggle),
        migrations.RunPython(toggle),
    "#,
        );
        let facts = facts(&source);
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Flag, lit("shared"), Forward, Some(0)),
                (Create, Flag, lit("shared"), Forward, Some(2)),
                (Create, Flag, lit("shared"), Backward, Some(0)),
                (Create, Flag, lit("shared"), Backward, Some(1)),
            ]
        );
    }

    #[test]
    fn source_order_across_functions_and_loops() {
        let facts = facts(&module(
            r#"def remove(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.filter(name="z").delete()

def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    for name in ["b", "a"]:
        Flag.objects.create(name=name)
    Flag.objects.create(name="c")
"#,
            "migrations.RunPython(create, remove)",
        ));
        assert_eq!(
            ops(&facts),
            vec![
                (Delete, Flag, lit("z"), Backward, Some(0)),
                (Create, Flag, lit("b"), Forward, Some(0)),
                (Create, Flag, lit("a"), Forward, Some(0)),
                (Create, Flag, lit("c"), Forward, Some(0)),
            ]
        );
    }

    #[test]
    fn lambda_code_arguments() {
        let facts = facts(&module(
            r#"def helper(apps):
    apps.get_model("waffle", "Switch").objects.create(name="from_lambda")
"#,
            r#"migrations.RunPython(
            lambda apps, se: helper(apps),
            lambda apps, se: apps.get_model("waffle", "Switch").objects.filter(name="from_lambda").delete(),
        )"#,
        ));
        assert_eq!(facts.run_python[0].forward, None);
        assert_eq!(facts.run_python[0].reverse, Reverse::Other);
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Switch, lit("from_lambda"), Forward, Some(0)),
                (Delete, Switch, lit("from_lambda"), Backward, Some(0)),
            ]
        );
    }

    #[test]
    fn custom_operations() {
        let source = r#"from django.db import migrations
from myapp.operations import CreateFlag, DeleteFlag, CreateSwitch, DeleteSample
from .flags import Flags

def create(apps, schema_editor):
    CreateFlag("not_in_operations")

class Migration(migrations.Migration):
    dependencies = []
    operations = [
        CreateFlag("new_flag", everyone=False, percent=5),
        ops.CreateSwitch(name=Flags.SWITCH, active=True),
        DeleteSample("old_sample"),
        DeleteFlag(),
        migrations.SeparateDatabaseAndState(database_operations=[DeleteFlag(name="nested")]),
        *[CreateFlag(n) for n in ["c1", "c2"]],
        NotConfigured("x"),
        migrations.RunPython(create),
    ]
"#;
        let facts = facts_with(
            source,
            &["CreateFlag", "CreateSwitch"],
            &["DeleteFlag", "DeleteSample"],
        )
        .unwrap();
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Flag, lit("new_flag"), Forward, None),
                (Create, Switch, path(&["Flags", "SWITCH"]), Forward, None),
                (Delete, Sample, lit("old_sample"), Forward, None),
                (Delete, Flag, dynamic("no `name` argument"), Forward, None),
                (Delete, Flag, lit("nested"), Forward, None),
                (Create, Flag, lit("c1"), Forward, None),
                (Create, Flag, lit("c2"), Forward, None),
            ]
        );
        assert_eq!(
            facts.flag_ops[0].initial,
            fields(&[("everyone", "False"), ("percent", "5")])
        );
        assert_eq!(facts.flag_ops[1].initial, fields(&[("active", "True")]));
        assert!(facts.flag_ops[2].initial.is_empty());
        assert_eq!(
            text(source, facts.flag_ops[0].span),
            r#"CreateFlag("new_flag", everyone=False, percent=5)"#
        );
        assert_eq!(facts.run_python.len(), 1);
        // Without options, nothing is a custom operation.
        assert!(facts_with(source, &[], &[]).unwrap().flag_ops.is_empty());
    }

    #[test]
    fn dependencies_and_replaces() {
        let source = r#"from django.db import migrations
from django.conf import settings

class Migration(migrations.Migration):
    replaces = [("users", "0001_initial"), ("users", "0002_more"), ("users", name)]
    dependencies = (
        ("users", "0071_auto"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("a", "b", "c"),
        ["list", "pair"],
        (app, "0001"),
        ("waffle", "0004_" "concatenated"),
    )
    operations = []
"#;
        let facts = facts(source);
        let dependencies: Vec<(&str, &str, &str)> = facts
            .dependencies
            .iter()
            .map(|(a, n, s)| (a.as_str(), n.as_str(), text(source, *s)))
            .collect();
        assert_eq!(
            dependencies,
            vec![
                ("users", "0071_auto", r#"("users", "0071_auto")"#),
                ("list", "pair", r#"["list", "pair"]"#),
                (
                    "waffle",
                    "0004_concatenated",
                    r#"("waffle", "0004_" "concatenated")"#
                ),
            ]
        );
        assert_eq!(
            facts.replaces,
            vec![
                ("users".to_string(), "0001_initial".to_string()),
                ("users".to_string(), "0002_more".to_string()),
            ]
        );
        assert!(facts.run_python.is_empty());
        assert!(facts.unread_dependencies);
    }

    #[test]
    fn run_before_and_whether_every_dependency_was_read() {
        let source = r#"from django.db import migrations
from django.conf import settings

class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("users", "0071_auto"),  # a comment
    ]
    run_before = [("billing", "0003_x")]
    operations = []
"#;
        let facts = facts(source);
        assert_eq!(facts.dependencies.len(), 1);
        assert_eq!(
            facts.run_before,
            vec![("billing".to_string(), "0003_x".to_string())]
        );
        assert!(!facts.unread_dependencies);
        for unread in [
            "dependencies = COMMON + [(\"users\", \"0001_initial\")]",
            "dependencies = [*COMMON]",
            "run_before = RUN_BEFORE",
            "replaces = [(\"users\", name) for name in NAMES]",
        ] {
            let source = format!(
                "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    {unread}\n    operations = []\n"
            );
            assert!(
                facts_with(&source, &[], &[]).unwrap().unread_dependencies,
                "{unread}"
            );
        }
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
    fn app_configurations_of_an_apps_module() {
        let source = r#"from django.apps import AppConfig
from kitsune.base import BaseConfig

class MessagesConfig(AppConfig):
    name = "kitsune.messages"
    label = "kitsune_messages"
    default_auto_field = "django.db.models.AutoField"

class AdminConfig(BaseConfig):
    name = "kitsune.messages"
    default = False

class ComputedConfig(AppConfig):
    label = LABEL

class NotAConfig:
    label = "nothing"
"#;
        let configs = app_configs(parse(source).root_node(), source);
        let config = |name: Option<&str>, label: Option<&str>, unread, default| AppConfigFacts {
            name: name.map(str::to_string),
            label: label.map(str::to_string),
            unread,
            default,
        };
        assert_eq!(
            configs,
            vec![
                config(
                    Some("kitsune.messages"),
                    Some("kitsune_messages"),
                    false,
                    None
                ),
                config(Some("kitsune.messages"), None, false, Some(false)),
                config(None, None, true, None),
            ]
        );
    }

    #[test]
    fn migration_class_forms() {
        let source = r#"from django.db.migrations import Migration
import django

@decorator
class Migration(django.db.migrations.Migration):
    initial = True
    dependencies = compute()
    operations = migrations_list
"#;
        let facts = facts(source);
        assert_eq!(text(source, facts.class_span), "Migration");
        assert_eq!(facts.class_span.line, 5);
        assert!(facts.dependencies.is_empty() && facts.run_python.is_empty());
    }

    #[test]
    fn class_body_code_outside_operations_is_unreferenced() {
        let source = r#"from django.db import migrations
from waffle.models import Switch

class Migration(migrations.Migration):
    Switch.objects.create(name="class_body")
    operations = [Switch(name="in_operations"), migrations.RunPython(lambda a, s: None)]
    after = Switch.objects.filter(name="class_body").delete()
"#;
        let facts = facts(source);
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Switch, lit("class_body"), Unreferenced, None),
                (Create, Switch, lit("in_operations"), Unreferenced, None),
                (Delete, Switch, lit("class_body"), Unreferenced, None),
            ]
        );
        assert_eq!(facts.run_python[0].reverse, Reverse::Missing);
        assert_eq!(facts.run_python[0].forward, None);
    }

    #[test]
    fn operations_outside_the_operations_list_are_not_run_pythons() {
        let facts = facts(&module(
            r#"def create(apps, schema_editor):
    apps.get_model("waffle", "Flag").objects.create(name="never")

EXTRA = migrations.RunPython(create)
"#,
            "",
        ));
        assert!(facts.run_python.is_empty());
        assert_eq!(
            ops(&facts),
            vec![(Create, Flag, lit("never"), Unreferenced, None)]
        );
    }

    #[test]
    fn syntax_errors_do_not_stop_the_reader() {
        let source = r#"from django.db import migrations

def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.create(name="ok")
    Flag.objects.create(name=)
    x = = 3
    Flag.objects.filter(name="still").delete(

class Migration(migrations.Migration):
    operations = [migrations.RunPython(create, ]
"#;
        let facts = facts(source);
        assert_eq!(facts.run_python.len(), 1);
        assert_eq!(facts.run_python[0].forward.as_deref(), Some("create"));
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Flag, lit("ok"), Forward, Some(0)),
                (
                    Create,
                    Flag,
                    dynamic("no `name` argument"),
                    Forward,
                    Some(0)
                ),
            ]
        );
        let garbage =
            "class Migration(migrations.Migration):\n    operations = [(((\n    ]]]) def ::: \"\n";
        let _ = facts_with(garbage, &[], &[]);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 100_000;
        let source = format!(
            r#"from django.db import migrations

def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    x = {open_parens}Flag.objects.create(name="buried"){close_parens}
    y = {open_lists}Flag(name="listed"){close_lists}
    z = {calls}Flag.objects.create(name="called"){close_parens}
    Flag.objects.create(name="after")

class Migration(migrations.Migration):
    operations = [{open_lists}migrations.RunPython(create){close_lists}]
"#,
            open_parens = "(".repeat(depth),
            close_parens = ")".repeat(depth),
            open_lists = "[".repeat(depth),
            close_lists = "]".repeat(depth),
            calls = "f(".repeat(depth),
        );
        let facts = facts(&source);
        // The buried operations are beyond the depth that is read; the rest is read.
        assert_eq!(
            ops(&facts),
            vec![(Create, Flag, lit("after"), Unreferenced, None)]
        );
    }

    #[test]
    fn long_chains_do_not_overflow() {
        let length = 50_000;
        let source = module(
            &format!(
                r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    a = x{attributes}
    b = Flag.objects.filter(name="long"){alls}.delete()
    c = Flag.objects.filter(name="short").all().all().delete()
    d = Flag.objects.create(name=a{attributes})
    e = Flag.objects.create(name={concatenation})
    f = Flag.objects.create(name=x{subscripts})
"#,
                attributes = ".b".repeat(length),
                alls = ".all()".repeat(length),
                concatenation = vec!["n"; length].join(" + "),
                subscripts = "[0]".repeat(length),
            ),
            "migrations.RunPython(create)",
        );
        let facts = facts(&source);
        assert_eq!(
            keys(&facts),
            vec![
                lit("short"),
                dynamic("a long attribute chain"),
                dynamic("a concatenation"),
                dynamic("a subscript"),
            ]
        );
    }

    #[test]
    fn big_files_stay_fast() {
        let count = 3_000;
        let mut functions = String::new();
        let mut operations = String::new();
        for i in 0..count {
            functions.push_str(&format!(
                "def f{i}(apps, se):\n    apps.get_model('waffle', 'Flag').objects.create(name='k{i}')\n    f{next}(apps, se)\n\n",
                next = (i + 1) % count
            ));
            operations.push_str(&format!("migrations.RunPython(f{i}),\n"));
        }
        let names: Vec<String> = (0..20_000).map(|i| format!("'n{i}'")).collect();
        functions.push_str(&format!("NAMES = [{}]\n", names.join(", ")));
        for _ in 0..200 {
            functions.push_str(
                "def g(apps, se):\n    apps.get_model('waffle', 'Flag').objects.filter(name__in=NAMES).delete()\n",
            );
        }
        let facts = facts(&module(&functions, &operations));
        assert_eq!(facts.run_python.len(), count);
        assert_eq!(facts.flag_ops.len(), MAX_FLAG_OPS);
    }
}
