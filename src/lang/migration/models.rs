//! What expressions denote: waffle models, their managers, and querysets with the rows they
//! select.

use tree_sitter::Node;

use super::syntax::{argument, argument_nodes, chain, plain_string, Link};
use super::walk::{Ctx, Elements, Walker};
use crate::facts::WaffleKind;
use crate::lang::ts_util::field_pair;

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

/// Which rows of a queryset a deletion removes, as far as the name goes.
#[derive(Clone)]
pub(super) enum Selector<'a> {
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
pub(super) enum Value<'a> {
    Model(WaffleKind),
    Manager(WaffleKind),
    Rows(WaffleKind, Selector<'a>),
}

impl<'a> Walker<'a> {
    /// What an expression denotes: a waffle model, manager or queryset, if it does.
    pub(super) fn value_of(&self, node: Node<'a>, ctx: Ctx) -> Option<Value<'a>> {
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
                    let Some((keyword, value)) = field_pair(argument, "name", "value") else {
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
        WaffleKind::ALL
            .into_iter()
            .find(|kind| kind.model().eq_ignore_ascii_case(&model))
    }
}

/// The waffle model a class name from `waffle.models` is.
pub(super) fn model_named(name: &str) -> Option<WaffleKind> {
    WaffleKind::ALL
        .into_iter()
        .find(|kind| kind.model() == name)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn get_then_delete_through_a_local() {
        let facts = run_create(
            r#"def create(apps, schema_editor):
    Flag = apps.get_model("waffle", "Flag")
    flag = Flag.objects.get(name="legacy")
    flag.delete()
    rows = Flag.objects.using("default").filter(name__in=["p", "q"])
    rows.delete()
    Flag.objects.get(name="direct").delete()
"#,
        );
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
    fn updates_and_reads_are_not_operations() {
        let facts = run_create(
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
        );
        assert!(facts.flag_ops.is_empty(), "{:?}", facts.flag_ops);
    }

    #[test]
    fn non_waffle_models_are_ignored() {
        let facts = run_create(
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
        );
        assert!(facts.flag_ops.is_empty(), "{:?}", facts.flag_ops);
    }

    #[test]
    fn model_lookup_forms() {
        let facts = run_create(
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
        );
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
        let facts = run_create(
            r#"def create(apps, schema_editor):
    Flag.objects.create(name="module_bound")

def shadowed(apps, Flag):
    Flag.objects.create(name="parameter")

def reassigned(apps, schema_editor):
    Flag = apps.get_model("users", "Flag")
    Flag.objects.create(name="users")

Flag = django_apps.get_model("waffle", "Flag")
"#,
        );
        assert_eq!(
            ops(&facts),
            vec![(Create, Flag, lit("module_bound"), Forward, Some(0))]
        );
    }

    #[test]
    fn managers_with_using_and_db_manager() {
        let facts = run_create(
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
        );
        assert_eq!(
            keys(&facts),
            vec![lit("a"), lit("b"), lit("c"), lit("d"), lit("e")]
        );
        let actions: Vec<FlagAction> = facts.flag_ops.iter().map(|op| op.action).collect();
        assert_eq!(actions, vec![Create, Create, Delete, Create, Delete]);
    }

    #[test]
    fn loop_over_a_queryset() {
        let facts = run_create(
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
        );
        assert_eq!(
            keys(&facts),
            vec![lit("a"), lit("b"), dynamic("all rows"), lit("c")]
        );
        assert!(facts.flag_ops.iter().all(|op| op.action == Delete));
    }
}
