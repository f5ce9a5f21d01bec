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

mod apps;
mod class;
mod keys;
mod models;
mod operations;
mod run_python;
mod syntax;
mod walk;

use tree_sitter::Node;

use crate::facts::{FlagAction, FlagOp, LineIndex, MigrationFacts};
use crate::lang::ts_util::span;

pub use apps::app_configs;

use class::{migration_class, migration_pairs, ClassSettings, Module};
use walk::Walker;

/// Deepest node (counted from the module) whose children are read.
pub(super) const MAX_DEPTH: usize = 256;

/// Most links of an attribute/call chain (and most parentheses, chained assignments, enclosing
/// loop variables and scopes) that are read; anything longer is not understood.
pub(super) const MAX_CHAIN: usize = 64;

/// Most flag operations recorded for one module.
pub(super) const MAX_FLAG_OPS: usize = 100_000;

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

/// Waffle rows that a module other than a migration creates (a management command, an app's
/// `ready()`, a setup function): `Flag.objects.get_or_create(name="x")`, also through a loop over a
/// function-local list of `(name, note)` pairs. Deletions are not history outside migrations and
/// are left out.
pub fn created_rows(
    root: Node,
    source: &str,
    lines: &LineIndex,
    options: &MigrationOptions,
) -> Vec<FlagOp> {
    let module = Module::read(root, source);
    let mut walker = Walker::new(source, lines, options, module, None);
    walker.bind_module_names(root);
    walker.walk(root);
    let (_, mut ops) = walker.finish();
    ops.retain(|op| op.action == FlagAction::Create);
    ops.dedup_by_key(|op| (op.span.start, op.key_span.start));
    ops
}

#[cfg(test)]
mod testing;

#[cfg(test)]
mod tests {
    use super::testing::*;

    fn rows(source: &str) -> Vec<(FlagAction, WaffleKind, KeyExpr)> {
        let tree = parse(source);
        let lines = LineIndex::new(source);
        let options = MigrationOptions {
            create_operations: &[],
            delete_operations: &[],
        };
        super::created_rows(tree.root_node(), source, &lines, &options)
            .into_iter()
            .map(|op| (op.action, op.kind, op.key))
            .collect()
    }

    #[test]
    fn rows_created_outside_migrations() {
        let command = r#"from waffle import get_waffle_switch_model
from waffle.models import Flag

from feature_flags.flags import COMMAND_SWITCH, CREATED_BY_COMMAND


class Command(BaseCommand):
    def handle(self, *args, **options):
        flags = [
            (CREATED_BY_COMMAND, "New checkout for staff"),
            ("literal_flag", "note"),
        ]
        for name, note in flags:
            Flag.objects.get_or_create(name=name, defaults={"note": note})
        get_waffle_switch_model().objects.update_or_create(name=COMMAND_SWITCH, defaults={"active": False})
        Flag.objects.filter(name="gone").delete()


def ready():
    Flag.objects.create(name="at_ready")
"#;
        assert_eq!(
            rows(command),
            [
                (Create, Flag, path(&["CREATED_BY_COMMAND"])),
                (Create, Flag, lit("literal_flag")),
                (Create, Switch, path(&["COMMAND_SWITCH"])),
                (Create, Flag, lit("at_ready")),
            ]
        );
        // A model of another app named `Flag` is not waffle's.
        assert!(rows("from app.models import Flag\nFlag.objects.create(name='x')\n").is_empty());
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
