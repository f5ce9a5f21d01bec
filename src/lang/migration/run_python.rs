//! `RunPython` operations and the module functions they run, directly or through helpers.

use tree_sitter::Node;

use super::operations::Timing;
use super::syntax::{argument, last_segment};
use super::walk::{Ctx, Lookup, Region, Walker};
use super::MAX_FLAG_OPS;
use crate::facts::{Direction, FlagOp, Reverse, RunPython};
use crate::lang::python::unwrap_parens;
use crate::lang::scope::Resolution;
use crate::lang::ts_util::field_pair;

/// Most function visits and call edges followed when attributing functions to `RunPython`s.
const MAX_REACH_STEPS: usize = 1_000_000;

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

impl<'a> Walker<'a> {
    /// `RunPython(code, reverse_code)`: records it, and marks its code arguments so the walk
    /// attributes what they do (or call) to it.
    pub(super) fn run_python_call(&mut self, call: Node<'a>) {
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
            "attribute" => field_pair(code, "object", "attribute").is_some_and(|(object, name)| {
                self.text(name) == "noop" && last_segment(object, self.source) == Some("RunPython")
            }),
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
    pub(super) fn note_function_call(&mut self, call: Node<'a>, ctx: Ctx) {
        let Some(function) = call.child_by_field_name("function").map(unwrap_parens) else {
            return;
        };
        let Some(callee) = self.module_function(function) else {
            return;
        };
        if !matches!(
            self.lookup(self.text(function), ctx),
            Lookup::Scope(Resolution::Global(None))
        ) {
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
    pub(super) fn finish(self) -> (Vec<RunPython>, Vec<FlagOp>) {
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

#[cfg(test)]
mod tests {
    use super::super::testing::*;

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
    fn unreferenced_functions_and_module_level_code() {
        let facts = run_create(
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
        );
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
        let facts = run_create(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")

    def inner(label):
        Flag.objects.create(name="nested")
        Flag.objects.create(name=label)

    inner("x")
"#,
        );
        assert_eq!(
            ops(&facts),
            vec![
                (Create, Flag, lit("nested"), Forward, Some(0)),
                (Create, Flag, dynamic("parameter `label`"), Forward, Some(0)),
            ]
        );
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
}
