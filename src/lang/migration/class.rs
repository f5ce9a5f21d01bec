//! The `class Migration(...)` of a module and the module's top level: the class settings, the
//! `(app_label, migration_name)` pairs they list, module functions and literal constants.

use std::collections::HashMap;

use tree_sitter::Node;

use super::syntax::{
    callee_name, class_assignments, definition_of, has_base, plain_string, statement_assignment,
    top_level_classes,
};
use crate::lang::python::unwrap_parens;
use crate::lang::ts_util::{named_children, text};

/// The first module-level `class Migration(<...>Migration)`.
pub(super) fn migration_class<'a>(root: Node<'a>, source: &str) -> Option<Node<'a>> {
    top_level_classes(root).find(|&class| is_migration_class(class, source))
}

/// A `class Migration(...)` with a base whose last dotted segment is `Migration`.
fn is_migration_class(class: Node, source: &str) -> bool {
    class
        .child_by_field_name("name")
        .is_some_and(|name| text(source, name) == "Migration")
        && has_base(class, source, |base| base == "Migration")
}

/// The values assigned in the Migration class body (the last assignment of each wins).
#[derive(Default)]
pub(super) struct ClassSettings<'a> {
    pub(super) dependencies: Option<Node<'a>>,
    pub(super) replaces: Option<Node<'a>>,
    pub(super) run_before: Option<Node<'a>>,
    pub(super) operations: Option<Node<'a>>,
}

impl<'a> ClassSettings<'a> {
    /// Reads the assignments of the class body.
    pub(super) fn read(class: Node<'a>, source: &str) -> Self {
        let mut settings = ClassSettings::default();
        for (target, value) in class_assignments(class) {
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

/// Literal `(app_label, migration_name)` pairs of a class setting, and whether every entry was
/// read.
pub(super) struct Pairs<'a> {
    pub(super) pairs: Vec<(String, String, Node<'a>)>,
    pub(super) complete: bool,
}

/// `[("app", "name"), ...]` (a list or tuple): the 2-tuples of plain strings, with each tuple.
/// Entries of another form (a name, a concatenation, the whole value computed) leave the pairs
/// incomplete; `swappable_dependency(...)` does not: it names the user model's app, which Django
/// resolves to that app's first migration, never to one of the app's own.
pub(super) fn migration_pairs<'a>(value: Option<Node<'a>>, source: &str) -> Pairs<'a> {
    let mut pairs = Pairs {
        pairs: Vec::new(),
        complete: true,
    };
    let Some(value) = value.map(unwrap_parens) else {
        return pairs;
    };
    if !matches!(value.kind(), "list" | "tuple") {
        pairs.complete = false;
        return pairs;
    }
    for entry in named_children(value) {
        let pair = match named_children(entry).as_slice() {
            [app, name] if matches!(entry.kind(), "tuple" | "list") => {
                plain_string(*app, source).zip(plain_string(*name, source))
            }
            _ => None,
        };
        match pair {
            Some((app, name)) => pairs.pairs.push((app, name, entry)),
            None if entry.kind() == "call"
                && callee_name(entry, source) == Some("swappable_dependency") => {}
            None => pairs.complete = false,
        }
    }
    pairs
}

impl Pairs<'_> {
    /// The pairs without their nodes.
    pub(super) fn names(self) -> Vec<(String, String)> {
        self.pairs
            .into_iter()
            .map(|(app, name, _)| (app, name))
            .collect()
    }
}

/// The top-level functions and literal collections of the module.
#[derive(Default)]
pub(super) struct Module<'a> {
    /// Module-level `def`s (also decorated), in source order.
    pub(super) functions: Vec<Function<'a>>,
    /// Function index by name (the last definition of a name wins).
    pub(super) by_name: HashMap<&'a str, usize>,
    /// Function index by the id of its `function_definition` node.
    pub(super) by_node: HashMap<usize, usize>,
    /// `NAME = [...]`, `(...)`, `{...}` (set or dict) at module level.
    pub(super) constants: HashMap<&'a str, Node<'a>>,
}

impl<'a> Module<'a> {
    /// Reads the top-level statements of the module.
    pub(super) fn read(root: Node<'a>, source: &'a str) -> Self {
        let mut module = Module::default();
        for statement in named_children(root) {
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
pub(super) struct Function<'a> {
    pub(super) name: &'a str,
    /// Its body does nothing (a no-op reverse function).
    pub(super) does_nothing: bool,
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
        "return_statement" => named_children(statement).iter().all(|v| v.kind() == "none"),
        "expression_statement" => named_children(statement)
            .iter()
            .all(|e| matches!(e.kind(), "string" | "concatenated_string" | "ellipsis")),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

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
}
