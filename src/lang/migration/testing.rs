//! Test helpers of the migration reader: a module parsed and read, and its operations in short.

pub(super) use super::{extract, MigrationOptions, MAX_FLAG_OPS};
pub(super) use crate::facts::Direction::{Forward, Reverse as Backward, Unreferenced};
pub(super) use crate::facts::FlagAction::{Create, Delete};
pub(super) use crate::facts::WaffleKind::{Flag, Sample, Switch};
pub(super) use crate::facts::{
    Direction, FlagAction, KeyExpr, LineIndex, MigrationFacts, Reverse, Span, WaffleKind,
};

pub(super) type Op = (FlagAction, WaffleKind, KeyExpr, Direction, Option<usize>);

pub(super) fn parse(source: &str) -> tree_sitter::Tree {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .unwrap();
    parser.parse(source, None).unwrap()
}

pub(super) fn facts_with(
    source: &str,
    creates: &[&str],
    deletes: &[&str],
) -> Option<MigrationFacts> {
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

pub(super) fn facts(source: &str) -> MigrationFacts {
    facts_with(source, &[], &[]).expect("a migration")
}

/// A migration module: `functions` at the top, then a Migration class with `operations`.
pub(super) fn module(functions: &str, operations: &str) -> String {
    format!(
        "from django.db import migrations\n\n{functions}\n\nclass Migration(migrations.Migration):\n    dependencies = []\n    operations = [{operations}]\n"
    )
}

pub(super) fn ops(facts: &MigrationFacts) -> Vec<Op> {
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

pub(super) fn keys(facts: &MigrationFacts) -> Vec<KeyExpr> {
    facts.flag_ops.iter().map(|op| op.key.clone()).collect()
}

pub(super) fn lit(value: &str) -> KeyExpr {
    KeyExpr::Literal(value.to_string())
}

pub(super) fn path(segments: &[&str]) -> KeyExpr {
    KeyExpr::Path(segments.iter().map(|s| s.to_string()).collect())
}

pub(super) fn dynamic(what: &str) -> KeyExpr {
    KeyExpr::Dynamic(what.to_string())
}

pub(super) fn text(source: &str, span: Span) -> &str {
    &source[span.start as usize..span.end as usize]
}

pub(super) fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A migration module with `functions` at the top and one `migrations.RunPython(create)`
/// operation.
pub(super) fn create_module(functions: &str) -> String {
    module(functions, "migrations.RunPython(create)")
}

/// The facts of [`create_module`].
pub(super) fn run_create(functions: &str) -> MigrationFacts {
    facts(&create_module(functions))
}
