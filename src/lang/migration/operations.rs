//! The flag operations: creations and deletions of waffle rows through the ORM, and configured
//! custom operations.

use tree_sitter::Node;

use super::models::{Selector, Value};
use super::syntax::{argument, argument_nodes, plain_string};
use super::walk::{Ctx, Region, Walker};
use super::MAX_FLAG_OPS;
use crate::facts::{Direction, FlagAction, FlagOp, KeyExpr, Span, WaffleKind};
use crate::lang::python::unwrap_parens;
use crate::lang::ts_util::{field_pair, named_children};

/// Manager methods that create a row.
const CREATE_METHODS: &[&str] = &["create", "get_or_create", "update_or_create"];

/// Keyword arguments whose dict literal holds the fields of a created row.
const DEFAULTS_KEYWORDS: &[&str] = &["defaults", "create_defaults"];

/// When an operation runs, as far as the walk knows.
#[derive(Clone, Copy)]
pub(super) enum Timing {
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
pub(super) struct RawOp {
    pub(super) op: FlagOp,
    pub(super) timing: Timing,
}

impl<'a> Walker<'a> {
    /// Creations (`create`, `get_or_create`, `update_or_create`, a model constructor) and
    /// deletions (`<queryset>.delete()`) of waffle rows.
    pub(super) fn orm_operation(&mut self, call: Node<'a>, ctx: Ctx) {
        if self.ops.len() >= MAX_FLAG_OPS {
            return;
        }
        let Some((function, arguments)) = field_pair(call, "function", "arguments") else {
            return;
        };
        let function = unwrap_parens(function);
        if function.kind() != "attribute" {
            if let Some(Value::Model(kind)) = self.value_of(function, ctx) {
                self.creation(call, arguments, kind, ctx);
            }
            return;
        }
        let Some((object, method)) = field_pair(function, "object", "attribute") else {
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
    pub(super) fn custom_operation(&mut self, call: Node<'a>, name: &str, ctx: Ctx) -> bool {
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
            let Some((keyword, value)) = field_pair(argument, "name", "value") else {
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
            for pair in named_children(value) {
                if let Some((key, value)) = field_pair(pair, "key", "value") {
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
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn get_or_create_with_defaults() {
        let source = create_module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.get_or_create(note="n", name="new_checkout", defaults={"everyone": None, 'percent': 5, other: 1}, superusers=True)
"#,
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
        let facts = run_create(
            r#"def create(apps, schema_editor):
    Switch = apps.get_model("waffle", "Switch")
    Switch.objects.update_or_create(name="maintenance", defaults={"active": False})
    Switch.objects.create(name="read_only", active=True, note="x")
    Switch.objects.update_or_create(name="late", create_defaults={"active": True}, defaults=DEFAULTS)
"#,
        );
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
        let source = create_module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    flag = Flag(name="beta", everyone=True)
    flag.save()
    apps.get_model("waffle", "Flag")(name="inline").save()
    row = Flag()
    row.name = "later"
    row.save()
"#,
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
        let facts = run_create(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.bulk_create([
        Flag(name="a", everyone=False),
        Flag(name=flags.B, percent=10),
    ])
"#,
        );
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
        let source = create_module(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    Flag.objects.filter(name="old").delete()
    Flag.objects.filter(name__in=["a", FeatureFlags.B, ("c")]).delete()
    Flag.objects.filter(name__in=("t",)).delete()
    Flag.objects.filter(name__in={"s"}).delete()
    Flag.objects.filter(everyone=True, name__exact="exact").exclude(name="x").delete()
"#,
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
    fn unreadable_deletion_selectors_are_dynamic() {
        let source = create_module(
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
}
