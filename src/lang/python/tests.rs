mod extract {
    use super::super::*;
    use crate::facts::Fork;
    use crate::lang::{
        pairs, test_extract, with_test_options, Grammar, Language, MAX_SYNTAX_ERRORS,
    };

    fn run(source: &str) -> FileFacts {
        test_extract(
            Grammar::Python,
            Language::Python,
            &[
                "get_flag_for_user:1",
                "flag_is_active:name",
                "features.includes:0",
                "is_on:0",
            ],
            &["BINARY_INTERFACE", "FeatureFlags", "X"],
            source,
        )
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

    fn keys(facts: &FileFacts) -> Vec<KeyExpr> {
        facts.checks.iter().map(|c| c.key.clone()).collect()
    }

    /// The key of the only check in `source`.
    fn key(source: &str) -> KeyExpr {
        let facts = run(source);
        assert_eq!(facts.checks.len(), 1, "{source}: {:?}", facts.checks);
        facts.checks[0].key.clone()
    }

    fn uses(facts: &FileFacts) -> Vec<String> {
        facts.symbol_uses.iter().map(|u| u.path.join(".")).collect()
    }

    fn consts(facts: &FileFacts) -> Vec<(String, String)> {
        facts
            .string_consts
            .iter()
            .map(|c| (c.symbol.join("."), c.value.clone()))
            .collect()
    }

    fn imports(facts: &FileFacts) -> Vec<(String, u32, String, Option<String>, bool)> {
        facts
            .imports
            .iter()
            .map(|i| {
                let ModuleRef::Python { level, dotted } = &i.module else {
                    panic!("not a python module ref");
                };
                (
                    i.local.clone(),
                    *level,
                    dotted.clone(),
                    i.name.clone(),
                    i.reexport,
                )
            })
            .collect()
    }

    fn imp(
        local: &str,
        level: u32,
        dotted: &str,
        name: Option<&str>,
        reexport: bool,
    ) -> (String, u32, String, Option<String>, bool) {
        (
            local.to_string(),
            level,
            dotted.to_string(),
            name.map(str::to_string),
            reexport,
        )
    }

    fn text(source: &str, span: Span) -> &str {
        &source[span.start as usize..span.end as usize]
    }

    // --- string constants ------------------------------------------------------------------

    #[test]
    fn module_level_string_constants() {
        let source = r#"
A = "a"
B: str = 'b'
C: Final = "c"
D: Final[str] = """d"""
E = F = "ef"
G = "g" 'h'
H = ("long"
     "-key")
I = u"i"
J = r"\d"
K = "tab\there \"q\" \\ \n \x41 \u00e9"
L = f"f{x}"
M = f"m"
N = b"n"
O = 1
P, Q = "p", "q"
R = "r" + "s"
S = "s" f"{t}"
T = name
"#;
        let facts = run(source);
        assert_eq!(
            consts(&facts),
            pairs(&[
                ("A", "a"),
                ("B", "b"),
                ("C", "c"),
                ("D", "d"),
                ("E", "ef"),
                ("F", "ef"),
                ("G", "gh"),
                ("H", "long-key"),
                ("I", "i"),
                ("J", "\\d"),
                ("K", "tab\there \"q\" \\ \n A \u{e9}"),
                // `f"m"`: no interpolation; `L = f"f{x}"`, `x` no constant of the file.
                ("M", "m"),
            ])
        );
        assert!(facts.string_consts.iter().all(|c| c.exported));
    }

    #[test]
    fn string_constant_spans() {
        let source = "x = 1\nFLAG: str = 'on'  # comment\n";
        let facts = run(source);
        let c = &facts.string_consts[0];
        assert_eq!(text(source, c.span), "FLAG: str = 'on'");
        assert_eq!(text(source, c.name_span), "FLAG");
        assert_eq!((c.name_span.line, c.name_span.column), (2, 1));
    }

    #[test]
    fn constants_under_module_level_if_and_try() {
        let source = r#"
if TYPE_CHECKING:
    A = "a"
else:
    B = "b"
try:
    C = "c"
except ImportError:
    D = "d"
"#;
        assert_eq!(
            consts(&run(source)),
            pairs(&[("A", "a"), ("B", "b"), ("C", "c"), ("D", "d")])
        );
    }

    #[test]
    fn no_constants_in_function_bodies() {
        let source = r#"
def f():
    A = "a"
    class Inner:
        B = "b"
lambda: (C := "c")
"#;
        assert!(run(source).string_consts.is_empty());
    }

    #[test]
    fn class_attribute_constants() {
        let source = r#"
class Flags(str, Enum):
    NEW_UI = "new-ui"
    BETA: str = "beta"
    COUNT = 3
    FANCY = f"{x}"

    def method(self):
        LOCAL = "local"

    class Nested:
        INNER = "inner"

@dataclass
class F:
    X = "x"

if True:
    class G:
        Y = "y"
"#;
        let facts = run(source);
        assert_eq!(
            consts(&facts),
            pairs(&[
                ("Flags.NEW_UI", "new-ui"),
                ("Flags.BETA", "beta"),
                ("F.X", "x"),
                ("G.Y", "y"),
            ])
        );
        let first = &facts.string_consts[0];
        assert_eq!(text(source, first.span), "NEW_UI = \"new-ui\"");
        assert_eq!(text(source, first.name_span), "NEW_UI");
    }

    // --- module names ----------------------------------------------------------------------

    #[test]
    fn module_names_in_first_occurrence_order() {
        let source = r#"
import os, a.b.c, d.e as de
from m import n, o as p, *
def func(arg):
    local = 1
    from z import inner_import
class Klass:
    attr = 1
    def method(self): pass
VALUE = 1
TYPED: int
ONE, (TWO, THREE) = 1, (2, 3)
first = second = 0
for loop_var in []: pass
with open("f") as handle: pass
@decorator
def decorated(): pass
type Alias = int
VALUE = 2
COUNTER += 1
obj.attr = 1
items[0] = 1
[c for comp_var in x]
"#;
        assert_eq!(
            run(source).module_names,
            vec![
                "os",
                "a",
                "de",
                "n",
                "p",
                "func",
                "Klass",
                "VALUE",
                "TYPED",
                "ONE",
                "TWO",
                "THREE",
                "first",
                "second",
                "loop_var",
                "handle",
                "decorated",
                "Alias",
            ]
        );
    }

    // --- imports ---------------------------------------------------------------------------

    #[test]
    fn import_forms() {
        let source = r#"
import a
import a.b.c
import a.b as z, q
from a.b import c as d, e
from . import x
from ..pkg.mod import (y,
    w as v)
from .m import *
from __future__ import annotations
"#;
        assert_eq!(
            imports(&run(source)),
            vec![
                imp("a", 0, "a", None, true),
                imp("a", 0, "a", None, true),
                imp("z", 0, "a.b", None, true),
                imp("q", 0, "q", None, true),
                imp("d", 0, "a.b", Some("c"), true),
                imp("e", 0, "a.b", Some("e"), true),
                imp("x", 1, "", Some("x"), true),
                imp("y", 2, "pkg.mod", Some("y"), true),
                imp("v", 2, "pkg.mod", Some("w"), true),
                imp("*", 1, "m", None, true),
                imp("annotations", 0, "__future__", Some("annotations"), true),
            ]
        );
    }

    #[test]
    fn imports_inside_functions_and_blocks() {
        let source = r#"
if TYPE_CHECKING:
    from app.flags import Flags
def view(request):
    from waffle import flag_is_active
class C:
    import json
"#;
        assert_eq!(
            imports(&run(source)),
            vec![
                imp("Flags", 0, "app.flags", Some("Flags"), true),
                imp("flag_is_active", 0, "waffle", Some("flag_is_active"), false),
                imp("json", 0, "json", None, false),
            ]
        );
    }

    #[test]
    fn import_span_covers_the_clause() {
        let source = "from m import a, b as c\n";
        let facts = run(source);
        assert_eq!(text(source, facts.imports[0].span), "a");
        assert_eq!(text(source, facts.imports[1].span), "b as c");
        assert!(facts.imports.iter().all(|i| i.scope.is_empty()));
    }

    // --- checks: callee forms --------------------------------------------------------------

    #[test]
    fn callee_forms() {
        let source = r#"
get_flag_for_user(user, "bare")
flags.get_flag_for_user(user, "module")
self.client.get_flag_for_user(user, "method")
a.b.c.get_flag_for_user(user, "chained")
make().get_flag_for_user(user, "on call result")
items[0].get_flag_for_user(user, "on subscript")
features.includes("suffix")
self.features.includes("longer suffix")
includes("no receiver")
other.includes("other receiver")
make().includes("unrooted")
get_flag_for_user_2(user, "other name")
"#;
        let facts = run(source);
        assert_eq!(
            keys(&facts),
            vec![
                lit("bare"),
                lit("module"),
                lit("method"),
                lit("chained"),
                lit("on call result"),
                lit("on subscript"),
                lit("suffix"),
                lit("longer suffix"),
            ]
        );
        assert_eq!(facts.checks[0].spec, 0);
        assert_eq!(facts.checks[6].spec, 2);
        assert!(facts
            .checks
            .iter()
            .all(|c| !c.in_test && c.scope.is_empty()));
    }

    #[test]
    fn check_spans() {
        let source = "x = 1\nif get_flag_for_user(\n    user,\n    'k',\n):\n    pass\n";
        let facts = run(source);
        let check = &facts.checks[0];
        assert_eq!(
            text(source, check.span),
            "get_flag_for_user(\n    user,\n    'k',\n)"
        );
        assert_eq!(text(source, check.key_span), "'k'");
        assert_eq!((check.span.line, check.span.column), (2, 4));
        assert_eq!((check.span.end_line, check.span.end_column), (5, 2));
        assert_eq!((check.key_span.line, check.key_span.column), (4, 5));
    }

    #[test]
    fn columns_count_characters_after_non_ascii_text() {
        let source = "s = 'héllo wörld 🎉'; get_flag_for_user(u, 'k')\n";
        let facts = run(source);
        let span = facts.checks[0].span;
        assert_eq!((span.line, span.column), (1, 22));
        assert_eq!(text(source, span), "get_flag_for_user(u, 'k')");
    }

    // --- checks: key forms -----------------------------------------------------------------

    #[test]
    fn literal_keys() {
        assert_eq!(key("get_flag_for_user(u, 'single')"), lit("single"));
        assert_eq!(key("get_flag_for_user(u, \"double\")"), lit("double"));
        assert_eq!(key("get_flag_for_user(u, '''triple''')"), lit("triple"));
        assert_eq!(key("get_flag_for_user(u, 'a' \"b\")"), lit("ab"));
        assert_eq!(key("get_flag_for_user(u, ('paren'))"), lit("paren"));
        assert_eq!(key("get_flag_for_user(u, r'\\raw')"), lit("\\raw"));
        assert_eq!(key("get_flag_for_user(u, 'esc\\'d')"), lit("esc'd"));
        assert_eq!(key("get_flag_for_user(u, f'plain{{x}}')"), lit("plain{x}"));
    }

    #[test]
    fn path_keys() {
        assert_eq!(key("get_flag_for_user(u, NEW_UI)"), path(&["NEW_UI"]));
        assert_eq!(
            key("get_flag_for_user(u, flags.NEW_UI)"),
            path(&["flags", "NEW_UI"])
        );
        assert_eq!(
            key("get_flag_for_user(u, a.b.NEW_UI)"),
            path(&["a", "b", "NEW_UI"])
        );
        assert_eq!(
            key("get_flag_for_user(u, (Flags.A))"),
            path(&["Flags", "A"])
        );
        assert_eq!(
            key("get_flag_for_user(u, self.FLAG)"),
            path(&["self", "FLAG"])
        );
    }

    #[test]
    fn parameter_keys_are_parameters() {
        let source = r#"
def check(user, key):
    return get_flag_for_user(user, key)
def outer(name):
    def inner():
        return get_flag_for_user(u, name)
    return inner
handler = lambda user, flag: get_flag_for_user(user, flag)
def not_a_param(user):
    return get_flag_for_user(user, key)
def default(user, key=get_flag_for_user(u, key)):
    pass
"#;
        assert_eq!(
            keys(&run(source)),
            vec![
                KeyExpr::Parameter("key".to_string()),
                KeyExpr::Parameter("name".to_string()),
                KeyExpr::Parameter("flag".to_string()),
                path(&["key"]),
                path(&["key"]),
            ]
        );
    }

    #[test]
    fn dynamic_keys() {
        assert_eq!(
            key("get_flag_for_user(u, f'x-{y}')"),
            dynamic("an f-string")
        );
        assert_eq!(
            key("get_flag_for_user(u, 'a' f'{y}')"),
            dynamic("an f-string")
        );
        assert_eq!(
            key("get_flag_for_user(u, b'x')"),
            dynamic("a bytes literal")
        );
        assert_eq!(
            key("get_flag_for_user(u, 'a' + y)"),
            dynamic("a string concatenation")
        );
        assert_eq!(
            key("get_flag_for_user(u, 'a-%s' % y)"),
            dynamic("a % format")
        );
        assert_eq!(
            key("get_flag_for_user(u, 'a-{}'.format(y))"),
            dynamic("a format() call")
        );
        assert_eq!(
            key("get_flag_for_user(u, make_key())"),
            dynamic("a function call result")
        );
        assert_eq!(
            key("get_flag_for_user(u, 'a' if c else 'b')"),
            dynamic("a conditional expression")
        );
        assert_eq!(key("get_flag_for_user(u, KEYS[0])"), dynamic("a subscript"));
        assert_eq!(key("get_flag_for_user(u, 42)"), dynamic("an expression"));
        assert_eq!(
            key("get_flag_for_user(u, make().X)"),
            dynamic("an attribute of an expression")
        );
    }

    #[test]
    fn unpacked_arguments() {
        assert_eq!(
            key("get_flag_for_user(*args)"),
            dynamic("an unpacked argument")
        );
        assert_eq!(
            key("get_flag_for_user(u, *rest)"),
            dynamic("an unpacked argument")
        );
        assert_eq!(
            key("get_flag_for_user(u, **kwargs)"),
            dynamic("an unpacked argument")
        );
        assert_eq!(key("get_flag_for_user(u, 'k', *rest)"), lit("k"));
        assert_eq!(
            key("flag_is_active(request, **kwargs)"),
            dynamic("an unpacked argument")
        );
        let facts = run("get_flag_for_user(u, *rest)");
        assert_eq!(
            text("get_flag_for_user(u, *rest)", facts.checks[0].key_span),
            "*rest"
        );
    }

    #[test]
    fn missing_key_argument_is_not_a_check() {
        let source = r#"
get_flag_for_user(user)
get_flag_for_user()
get_flag_for_user(user, key_is_keyword="x")
flag_is_active(request, "positional")
flag_is_active(request)
get_flag_for_user
"#;
        let facts = run(source);
        assert!(facts.checks.is_empty(), "{:?}", facts.checks);
    }

    #[test]
    fn keyword_key_argument() {
        let source =
            "flag_is_active(request, name='kw')\nflag_is_active(request, other=1, name=Flags.X)\n";
        let facts = run(source);
        assert_eq!(keys(&facts), vec![lit("kw"), path(&["Flags", "X"])]);
        assert_eq!(text(source, facts.checks[0].key_span), "'kw'");
        assert!(facts.symbol_uses.is_empty(), "{:?}", facts.symbol_uses);
    }

    #[test]
    fn generator_argument_is_positional() {
        assert_eq!(key("is_on(x for x in y)"), dynamic("an expression"));
    }

    #[test]
    fn self_recursion_is_skipped() {
        let source = r#"
def get_flag_for_user(user, key):
    return client.get_flag_for_user(user, key)
class Client:
    def get_flag_for_user(self, user, key):
        def helper():
            return self.inner.get_flag_for_user(user, key)
        return helper()
def other(user):
    return get_flag_for_user(user, "counted")
"#;
        assert_eq!(keys(&run(source)), vec![lit("counted")]);
    }

    #[test]
    fn checks_found_in_nested_positions() {
        let source = r#"
@decorator(get_flag_for_user(u, "decorator"))
def f(x=get_flag_for_user(u, "default")):
    wrapper(get_flag_for_user(u, "argument"))
    callback = lambda: get_flag_for_user(u, "lambda")
    return [get_flag_for_user(u, k) for k in ("comprehension",)]
class C:
    enabled = get_flag_for_user(u, "class body")
msg = f"{get_flag_for_user(u, 'interpolation')}"
get_flag_for_user(u, get_flag_for_user(v, "inner"))
"#;
        assert_eq!(
            keys(&run(source)),
            vec![
                lit("decorator"),
                lit("default"),
                lit("argument"),
                lit("lambda"),
                path(&["k"]),
                lit("class body"),
                lit("interpolation"),
                dynamic("a function call result"),
                lit("inner"),
            ]
        );
    }

    // --- symbol uses -----------------------------------------------------------------------

    #[test]
    fn uses_of_imported_roots_and_interesting_names() {
        let source = r#"
import settings
from app import flags
settings.FOO
flags.a.b.c
unrelated.thing
other.X
FeatureFlags
self.X
self.y
"#;
        assert_eq!(
            uses(&run(source)),
            vec![
                "settings.FOO",
                "flags.a.b.c",
                "other.X",
                "FeatureFlags",
                "self.X"
            ]
        );
    }

    #[test]
    fn chains_stop_at_calls_and_subscripts() {
        let source = r#"
from app import flags
flags.a().c
make().X
flags.items[0].X
(flags).X
"#;
        let facts = run(source);
        assert_eq!(uses(&facts), vec!["flags.a", "flags.items", "flags"]);
        assert_eq!(text(source, facts.symbol_uses[0].span), "flags.a");
    }

    #[test]
    fn import_later_in_file_still_counts() {
        let source = "def f():\n    return helpers.thing\nimport helpers\n";
        assert_eq!(uses(&run(source)), vec!["helpers.thing"]);
    }

    #[test]
    fn binding_positions_are_not_uses() {
        let source = r#"
import flags
X = 1
X: str = "x"
X += 1
for X in range(3): pass
def X(FeatureFlags, *X, BINARY_INTERFACE=1, **flags): pass
class FeatureFlags: pass
def g():
    global X
    nonlocal_name = 1
lambda X: 0
[0 for X in y]
with a as X: pass
(X := 1)
flags.X = 1
call(X=1)
try: pass
except E as X: pass
match v:
    case X: pass
"#;
        let facts = run(source);
        assert_eq!(uses(&facts), Vec::<String>::new());
        assert!(facts.checks.is_empty());
    }

    #[test]
    fn value_positions_are_uses() {
        let source = r#"
from app import flags
wrapper(flags.A)
def f(x=FeatureFlags.B):
    return flags.C
if value == flags.D: pass
d = {"k": flags.E, flags.F: 1}
l = [flags.G]
@decorator(flags.H)
def g(): pass
s = f"{flags.I}!"
items[flags.J] = 1
obj[0].attr = flags.K
match v:
    case flags.L: pass
    case FeatureFlags(M=1): pass
"#;
        assert_eq!(
            uses(&run(source)),
            vec![
                "flags.A",
                "FeatureFlags.B",
                "flags.C",
                "flags.D",
                "flags.E",
                "flags.F",
                "flags.G",
                "flags.H",
                "flags.I",
                "flags.J",
                "flags.K",
                "flags.L",
                "FeatureFlags",
            ]
        );
    }

    #[test]
    fn check_keys_are_not_uses_but_dynamic_key_parts_are() {
        let source = r#"
from app import flags
get_flag_for_user(user, flags.A)
get_flag_for_user(user, X)
get_flag_for_user(user, flags.B + "-suffix")
get_flag_for_user(user, f"{flags.C}")
flags.get_flag_for_user(user, "k")
not_a_check(flags.D)
"#;
        assert_eq!(
            uses(&run(source)),
            vec!["flags.B", "flags.C", "flags.get_flag_for_user", "flags.D"]
        );
    }

    #[test]
    fn symbol_use_fields() {
        let source = "é = FeatureFlags.X\n";
        let facts = run(source);
        let use_ = &facts.symbol_uses[0];
        assert_eq!(use_.path, vec!["FeatureFlags", "X"]);
        assert_eq!((use_.span.line, use_.span.column), (1, 5));
        assert_eq!(text(source, use_.span), "FeatureFlags.X");
        assert!(!use_.in_test && use_.scope.is_empty());
    }

    // --- forks -----------------------------------------------------------------------------

    /// The forks of `source` as (kind, condition text after the keyword, checks).
    fn fork_summary(source: &str) -> Vec<(ForkKind, String, Vec<usize>)> {
        run(source)
            .forks
            .iter()
            .map(|f| (f.kind, text(source, f.span).to_string(), f.checks.clone()))
            .collect()
    }

    /// The only fork of `source`.
    fn fork(source: &str) -> Fork {
        let facts = run(source);
        assert_eq!(facts.forks.len(), 1, "{source}: {:?}", facts.forks);
        facts.forks[0].clone()
    }

    fn negated(condition: &str) -> bool {
        fork(&format!("on = is_on('k')\nif {condition}:\n    pass\n")).negated
    }

    fn compound(condition: &str) -> bool {
        fork(&format!("on = is_on('k')\nif {condition}:\n    pass\n")).compound
    }

    fn parents(source: &str) -> Vec<Option<usize>> {
        run(source).forks.iter().map(|f| f.parent).collect()
    }

    #[test]
    fn if_else_with_a_direct_check() {
        let source = "if get_flag_for_user(u, 'k'):\n    a()\nelse:\n    b()\n";
        let facts = run(source);
        assert_eq!(
            facts.forks,
            vec![Fork {
                kind: ForkKind::If,
                span: facts.forks[0].span,
                checks: vec![0],
                negated: false,
                compound: false,
                has_else: true,
                exits_early: false,
                then_body: Body::Code,
                else_body: Some(Body::Code),
                then_without_flag: false,
                chain_head_is_flag: false,
                parent: None,
            }]
        );
        assert_eq!(
            text(source, facts.forks[0].span),
            "if get_flag_for_user(u, 'k')"
        );
    }

    #[test]
    fn ordinary_ifs_are_not_forks() {
        let source = r#"
if x:
    pass
elif y and z:
    pass
value = a if b else c
if helper(u, 'k'):
    pass
if get_flag_for_user(u):
    pass
while is_on('k'):
    pass
[v for v in items if is_on(v)]
"#;
        assert!(run(source).forks.is_empty());
    }

    #[test]
    fn check_locals() {
        let source = r#"
def view(user):
    use_binary = get_flag_for_user(user, X)
    if use_binary:
        pass
    wrapped = (await is_on('w'))
    if wrapped:
        pass
    if (walrus := is_on('walrus')):
        pass
    if walrus:
        pass
"#;
        assert_eq!(
            fork_summary(source),
            vec![
                (ForkKind::If, "if use_binary".to_string(), vec![0]),
                (ForkKind::If, "if wrapped".to_string(), vec![1]),
                (
                    ForkKind::If,
                    "if (walrus := is_on('walrus'))".to_string(),
                    vec![2]
                ),
                (ForkKind::If, "if walrus".to_string(), vec![2]),
            ]
        );
    }

    #[test]
    fn module_scope_check_local() {
        let source = "ON = is_on('k')\nif ON:\n    pass\nx = 1 if ON else 2\n";
        assert_eq!(
            fork_summary(source),
            vec![
                (ForkKind::If, "if ON".to_string(), vec![0]),
                (ForkKind::Ternary, "1 if ON".to_string(), vec![0]),
            ]
        );
    }

    #[test]
    fn names_that_are_not_check_locals() {
        let source = r#"
def twice(user):
    on = is_on('a')
    on = is_on('b')
    if on:
        pass
def augmented(user):
    on = is_on('a')
    on += 1
    if on:
        pass
def looped(user):
    on = is_on('a')
    for on in items:
        pass
    if on:
        pass
def param(on):
    if on:
        pass
def param_reassigned(on):
    on = is_on('a')
    if on:
        pass
def not_a_check(user):
    on = compute(user)
    if on:
        pass
def wrapped_call(user):
    on = bool(is_on('a'))
    if on:
        pass
def other_scope(user):
    if outer_on:
        pass
outer_on = is_on('outer')
def globals_(user):
    global outer_on
    outer_on = is_on('g')
    if outer_on:
        pass
def attribute(self):
    self.on = is_on('a')
    if self.on:
        pass
def tuple_target(user):
    on, off = is_on('a'), 1
    if on:
        pass
def imported(user):
    on = is_on('a')
    from m import on
    if on:
        pass
class Body:
    on = is_on('class')
    def method(self):
        if on:
            pass
"#;
        assert!(run(source).forks.is_empty(), "{:?}", run(source).forks);
    }

    #[test]
    fn bare_annotation_does_not_count_as_an_assignment() {
        let source = "def f():\n    on: bool\n    on = is_on('k')\n    if on:\n        pass\n";
        assert_eq!(fork(source).checks, vec![0]);
    }

    #[test]
    fn check_local_in_a_class_body() {
        let source = "class C:\n    on = is_on('k')\n    if on:\n        x = 1\n";
        assert_eq!(fork(source).checks, vec![0]);
    }

    #[test]
    fn negations() {
        for condition in [
            "not on",
            "not is_on('x')",
            "not (on)",
            "(not on)",
            "on == False",
            "on is False",
            "on != True",
            "on is not True",
            "False == on",
            "True != on",
            "False is (on)",
            "is_on('x') == False",
            "not not not on",
            "not (on == True)",
        ] {
            assert!(negated(condition), "{condition}");
        }
        for condition in [
            "on",
            "not not on",
            "on == True",
            "on is True",
            "on != False",
            "on is not False",
            "not (on and x)",
            "not (x or on)",
            "on == 'on'",
            "on == None",
            "not (on == False)",
            "on < False",
            "on in False",
            "not on.attr",
            "not f(on)",
        ] {
            assert!(!negated(condition), "{condition}");
        }
    }

    #[test]
    fn compound_conditions() {
        for condition in [
            "on and x",
            "x or on",
            "(x and (y or on))",
            "not (on and x)",
            "x and not on",
            "(a or b) and on",
            "(on and x) == False",
        ] {
            assert!(compound(condition), "{condition}");
        }
        for condition in [
            "on",
            "not on",
            "f(a and b, on)",
            "on == (a or b)",
            "[a or b][0] == on",
        ] {
            assert!(!compound(condition), "{condition}");
        }
        let source = "def f():\n    if is_on('a') and is_on('b') or x:\n        pass\n";
        assert_eq!(fork(source).checks, vec![0, 1]);
    }

    #[test]
    fn has_else() {
        let source = r#"
if is_on('a'):
    pass
else:
    pass
if is_on('b'):
    pass
elif is_on('c'):
    pass
elif is_on('d'):
    pass
else:
    pass
if is_on('e'):
    pass
elif is_on('f'):
    pass
# a comment after the chain
if is_on('g'):
    pass
"#;
        let facts = run(source);
        let got: Vec<(ForkKind, bool)> = facts.forks.iter().map(|f| (f.kind, f.has_else)).collect();
        assert_eq!(
            got,
            vec![
                (ForkKind::If, true),
                (ForkKind::If, true),
                (ForkKind::ElseIf, true),
                (ForkKind::ElseIf, true),
                (ForkKind::If, true),
                (ForkKind::ElseIf, false),
                (ForkKind::If, false),
            ]
        );
    }

    #[test]
    fn exits_early() {
        let exits = |body: &str| {
            fork(&format!(
                "def f():\n    for x in y:\n        if is_on('k'):\n{body}\n        more()\n"
            ))
            .exits_early
        };
        assert!(exits("            return"));
        assert!(exits("            log()\n            return None"));
        assert!(exits("            raise Error()"));
        assert!(exits("            continue"));
        assert!(exits("            break"));
        assert!(exits("            x = 1\n            return  # why"));
        assert!(!exits("            return\n            log()"));
        assert!(!exits("            pass"));
        assert!(!exits("            if y:\n                return"));
        assert!(!exits(
            "            return\n        else:\n            pass"
        ));
        assert!(!exits(
            "            return\n        elif x:\n            pass"
        ));
        let one_line = fork("def f():\n    if is_on('k'): return\n    more()\n");
        assert!(one_line.exits_early);
        // An elif without a following clause may exit early; the head (followed by it) may not.
        let chain = run(
            "def f():\n    if is_on('a'):\n        return\n    elif is_on('b'):\n        raise E\n",
        );
        let got: Vec<bool> = chain.forks.iter().map(|f| f.exits_early).collect();
        assert_eq!(got, vec![false, true]);
        let ternary = fork("def f():\n    return 1 if is_on('k') else 2\n");
        assert!(!ternary.exits_early && ternary.has_else);
    }

    #[test]
    fn branch_bodies() {
        let source = "def f():\n    if not is_on('a'):\n        return Response(status=403)\n\
                      \x20   if not is_on('b'):\n        log.info('off')\n        return\n\
                      \x20   if is_on('c'):\n        logger.warning('x')\n    else:\n        pass\n\
                      \x20   if is_on('d'):\n        a()\n        return b()\n    elif x:\n        c()\n\
                      \x20   if is_on('e'):\n        \"docstring\"\n        ...\n    else:\n        c()\n\
                      \x20   y = None if is_on('f') else 1\n";
        assert_eq!(
            flow::describe_bodies(&run(source).forks),
            "Exit, Exit, Log/Empty, Code, Empty/Code, Empty/Code"
        );
    }

    #[test]
    fn then_branch_taken_without_the_flag() {
        let without = |condition: &str| {
            fork(&format!("on = is_on('k')\nif {condition}:\n    pass\n")).then_without_flag
        };
        flow::check_without(
            without,
            &[
                ("on or x", true),
                ("x or (y and on)", true),
                ("not (not on and not x)", true),
                ("on and x", false),
                ("not on and not x", false),
                ("on is False and x", false),
                ("not on or x", false),
            ],
        );
    }

    #[test]
    fn local_assigned_once_is_the_key() {
        let source = "from flags import X\n\
                      def a(request):\n    name = X\n    return is_on(name)\n\
                      def b(request):\n    name = 'lit'\n    return is_on(name)\n\
                      def c(request):\n    name = X\n    if y:\n        name = 'other'\n    return is_on(name)\n\
                      def d(request, name):\n    return is_on(name)\n\
                      def e(request):\n    name = f'x{y}'\n    return is_on(name)\n";
        let facts = run(source);
        assert_eq!(
            keys(&facts),
            vec![
                path(&["X"]),
                lit("lit"),
                path(&["name"]),
                KeyExpr::Parameter("name".to_string()),
                path(&["name"]),
            ]
        );
        // The key is located at the value, which is not also a use (`c`'s still is).
        assert_eq!(text(source, facts.checks[0].key_span), "X");
        assert_eq!(text(source, facts.checks[1].key_span), "'lit'");
        assert_eq!(uses(&facts).iter().filter(|u| *u == "X").count(), 1);
    }

    #[test]
    fn chain_head_is_flag() {
        let source = r#"
if is_on('a'):
    pass
elif is_on('b'):
    pass
if x:
    pass
elif is_on('c'):
    pass
elif y:
    pass
elif is_on('d'):
    pass
"#;
        let facts = run(source);
        let got: Vec<(ForkKind, bool)> = facts
            .forks
            .iter()
            .map(|f| (f.kind, f.chain_head_is_flag))
            .collect();
        assert_eq!(
            got,
            vec![
                (ForkKind::If, false),
                (ForkKind::ElseIf, true),
                (ForkKind::ElseIf, false),
                (ForkKind::ElseIf, false),
            ]
        );
        assert!(!run("x = 1 if is_on('k') else 2").forks[0].chain_head_is_flag);
    }

    #[test]
    fn parent_in_then_and_else_branches() {
        let source = r#"
if is_on('a'):
    if is_on('b'):
        pass
    if x:
        if is_on('c'):
            pass
else:
    if is_on('d'):
        pass
if is_on('e'):
    pass
"#;
        assert_eq!(parents(source), vec![None, Some(0), Some(0), Some(0), None]);
    }

    #[test]
    fn parent_inside_elif_bodies() {
        let source = r#"
if is_on('head'):
    if x:
        pass
    elif is_on('elif in head'):
        pass
elif is_on('elif'):
    if is_on('in elif'):
        pass
elif y:
    if is_on('in plain elif'):
        pass
else:
    if is_on('in else'):
        pass
"#;
        // 0 head, 1 elif in head (chain head `if x` is not a fork: parent is 0), 2 elif,
        // 3 in elif, 4 in plain elif (nearest fork around: the elif at 2), 5 in else.
        assert_eq!(
            parents(source),
            vec![None, Some(0), None, Some(2), Some(2), Some(2)]
        );
        let plain_head = r#"
def f():
    if is_on('outer'):
        if x:
            pass
        elif y:
            if is_on('inside'):
                pass
        else:
            if is_on('else'):
                pass
"#;
        assert_eq!(parents(plain_head), vec![None, Some(0), Some(0)]);
    }

    #[test]
    fn elif_parent_is_its_heads_parent() {
        let source = r#"
if is_on('outer'):
    if is_on('head'):
        pass
    elif is_on('elif'):
        pass
"#;
        let facts = run(source);
        assert_eq!(
            parents(source),
            vec![None, Some(0), Some(0)],
            "{:?}",
            facts.forks
        );
        assert_eq!(facts.forks[2].kind, ForkKind::ElseIf);
    }

    #[test]
    fn ternary_forks() {
        let source = "def f():\n    x = first() if is_on('k') else second()\n";
        let f = fork(source);
        assert_eq!(f.kind, ForkKind::Ternary);
        assert_eq!(text(source, f.span), "first() if is_on('k')");
        assert_eq!((f.span.line, f.span.column), (2, 9));
        assert!(f.has_else && !f.exits_early && !f.negated && !f.compound);
        let nested = r#"
if is_on('a'):
    x = 1 if is_on('b') else 2
else:
    y = (3 if is_on('c') else 4) if z else (5 if is_on('d') else 6)
v = (1 if is_on('e') else 2) if is_on('f') else (3 if is_on('g') else 4)
"#;
        let facts = run(nested);
        let got: Vec<(ForkKind, Option<usize>)> =
            facts.forks.iter().map(|f| (f.kind, f.parent)).collect();
        assert_eq!(
            got,
            vec![
                (ForkKind::If, None),
                (ForkKind::Ternary, Some(0)),
                (ForkKind::Ternary, Some(0)),
                (ForkKind::Ternary, Some(0)),
                (ForkKind::Ternary, None),
                (ForkKind::Ternary, Some(4)),
                (ForkKind::Ternary, Some(4)),
            ]
        );
        assert_eq!(
            text(nested, facts.forks[4].span),
            "(1 if is_on('e') else 2) if is_on('f')"
        );
        assert_eq!(facts.forks[4].checks, vec![5]);
        assert_eq!(facts.forks[5].checks, vec![4]);
    }

    #[test]
    fn forks_inside_conditions_are_not_children() {
        let source = r#"
if is_on('outer'):
    if (1 if is_on('inner') else 0):
        pass
"#;
        let facts = run(source);
        let got: Vec<(ForkKind, Option<usize>, Vec<usize>)> = facts
            .forks
            .iter()
            .map(|f| (f.kind, f.parent, f.checks.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (ForkKind::If, None, vec![0]),
                (ForkKind::If, Some(0), vec![1]),
                (ForkKind::Ternary, Some(0), vec![1]),
            ]
        );
    }

    #[test]
    fn parent_stops_at_def_and_class_but_not_lambda() {
        let source = r#"
if is_on('a'):
    def inner():
        if is_on('b'):
            pass
    class Inner:
        x = 1 if is_on('c') else 2
    callback = lambda: 1 if is_on('d') else 2
    @decorate(1 if is_on('e') else 2)
    def g(arg=1 if is_on('f') else 2):
        pass
"#;
        assert_eq!(
            parents(source),
            vec![None, None, None, Some(0), Some(0), Some(0)]
        );
    }

    #[test]
    fn fork_checks_reference_the_right_checks() {
        let source = r#"
get_flag_for_user(u, 'zero')
def f(user):
    early = is_on('one')
    unrelated(is_on('two'))
    if is_on('three') or (early and get_flag_for_user(user, 'four')):
        is_on('five')
    elif early or early:
        pass
"#;
        let facts = run(source);
        let got: Vec<Vec<usize>> = facts.forks.iter().map(|f| f.checks.clone()).collect();
        assert_eq!(got, vec![vec![1, 3, 4], vec![1]]);
        assert_eq!(facts.checks[3].key, lit("three"));
        assert!(facts.forks[0].compound && !facts.forks[1].negated);
    }

    #[test]
    fn fork_spans() {
        let source = "def f():\n    é = 1\n    if (é and\n            is_on('k')):  # c\n        pass\n    elif not is_on('m'):\n        pass\n";
        let facts = run(source);
        let head = facts.forks[0].span;
        assert_eq!((head.line, head.column), (3, 5));
        assert_eq!((head.end_line, head.end_column), (4, 24));
        assert_eq!(text(source, head), "if (é and\n            is_on('k'))");
        let elif = facts.forks[1].span;
        assert_eq!((elif.line, elif.column), (6, 5));
        assert_eq!(text(source, elif), "elif not is_on('m')");
        assert!(facts.forks[1].negated && facts.forks[1].chain_head_is_flag);
        assert!(facts.forks[0].compound);
    }

    #[test]
    fn forks_in_broken_files() {
        let source = "if is_on('a'):\n    x = (\nif is_on('b'):\n    pass\ndef g(:\n    pass\nif is_on('c'):\n    pass\n";
        let facts = run(source);
        assert!(!facts.syntax_errors.is_empty());
        assert!(!facts.forks.is_empty());
        for fork in &facts.forks {
            assert!(fork.checks.iter().all(|&c| c < facts.checks.len()));
            assert!(fork.parent.is_none_or(|p| p < facts.forks.len()));
        }
        for input in [
            "elif x:\n  pass",
            "else:\n  pass",
            "if:\n",
            "x = 1 if",
            "if is_on('k')",
        ] {
            run(input);
        }
    }

    /// `depth` nested `if is_on('k'):` statements, one space of indentation per level.
    fn nested_ifs(depth: usize) -> String {
        let mut source = String::new();
        for level in 0..depth {
            source.push_str(&" ".repeat(level));
            source.push_str("if is_on('k'):\n");
        }
        source.push_str(&" ".repeat(depth));
        source.push_str("pass\n");
        source
    }

    #[test]
    fn deep_nested_if_chain_does_not_overflow() {
        // The grammar's scanner cannot hold 10 000 indentation levels (it would abort the
        // process): the file is refused with a syntax error instead.
        let facts = run(&nested_ifs(10_000));
        assert!(facts.forks.is_empty() && facts.checks.is_empty());
        assert_eq!(facts.syntax_errors.len(), 1);
        assert_eq!(
            facts.syntax_errors[0].message,
            "more than 383 indentation levels; file not parsed"
        );
        assert_eq!(facts.syntax_errors[0].span.line, 385);
        // As deep as the scanner allows, every `if` is the parent of the next.
        let depth = MAX_INDENT_LEVELS;
        let facts = run(&nested_ifs(depth));
        assert!(facts.syntax_errors.is_empty());
        assert_eq!(facts.forks.len(), depth);
        for (i, fork) in facts.forks.iter().enumerate() {
            assert_eq!(fork.parent, i.checked_sub(1));
            assert_eq!(fork.checks, vec![i]);
        }
    }

    #[test]
    fn indentation_guard_counts_distinct_scanner_widths() {
        assert_eq!(too_many_indent_levels("x = 1\n    y\n"), None);
        // Deep but few distinct widths (a long line inside a string) is fine.
        let wide = format!(
            "x = '''\n{}text\n'''\nif is_on('k'):\n    pass\n",
            " ".repeat(5_000)
        );
        assert_eq!(too_many_indent_levels(&wide), None);
        assert_eq!(run(&wide).forks.len(), 1);
        // Tabs count 8, an escaped newline continues the indentation, \r and \x0c reset it.
        let mut tabs = String::new();
        for level in 1..=MAX_INDENT_LEVELS + 1 {
            tabs.push_str(&"\t".repeat(level));
            tabs.push_str("x\n");
        }
        assert!(too_many_indent_levels(&tabs).is_some());
        let mut resets = String::new();
        for level in 1..=1_000 {
            resets.push_str(&" ".repeat(level));
            resets.push_str("\x0cx\n\r");
        }
        assert_eq!(too_many_indent_levels(&resets), None);
        let mut continued = String::new();
        for level in 1..=MAX_INDENT_LEVELS + 1 {
            continued.push_str(&format!(
                "\n{}\\\r\n{}x",
                " ".repeat(level),
                " ".repeat(level)
            ));
        }
        assert!(too_many_indent_levels(&continued).is_some());
        // Many levels with strings open would abort inside tree-sitter without the guard.
        let mut odd = String::new();
        for level in 0..600 {
            odd.push_str(&" ".repeat(level));
            odd.push_str("if f'{x}' and '''\n''':\n");
        }
        assert_eq!(run(&odd).syntax_errors.len(), 1);
        for input in ["\\", "\\\r", " \\\r\n x", "\u{feff}  \u{a0}x"] {
            too_many_indent_levels(input);
            run(input);
        }
    }

    #[test]
    fn long_elif_chain_does_not_overflow() {
        let length = 10_000;
        let mut source = String::from("def f():\n    if is_on('head'):\n        pass\n");
        for i in 0..length {
            source.push_str(&format!(
                "    elif is_on('k{i}'):\n        if is_on('in{i}'):\n            pass\n"
            ));
        }
        source.push_str("    else:\n        pass\n");
        let facts = run(&source);
        assert_eq!(facts.forks.len(), 1 + 2 * length);
        let last_elif = &facts.forks[facts.forks.len() - 2];
        assert_eq!(last_elif.kind, ForkKind::ElseIf);
        assert!(last_elif.has_else && last_elif.chain_head_is_flag);
        assert_eq!(last_elif.parent, None);
        let last_inner = &facts.forks[facts.forks.len() - 1];
        assert_eq!(last_inner.parent, Some(facts.forks.len() - 2));
        let ternaries = format!("x = {}0\n", "1 if is_on('k') else ".repeat(length));
        let facts = run(&ternaries);
        assert_eq!(facts.forks.len(), length);
        assert_eq!(facts.forks[length - 1].parent, Some(length - 2));
    }

    // --- robustness ------------------------------------------------------------------------

    #[test]
    fn syntax_error_in_the_middle_keeps_other_facts() {
        let source = r#"
from app import flags
BEFORE = "before"
get_flag_for_user(u, "before")
def broken(:
    pass
x = (1 +
AFTER = "after"
get_flag_for_user(u, "after")
flags.Z
"#;
        let facts = run(source);
        assert!(!facts.syntax_errors.is_empty());
        assert!(facts.syntax_errors.len() <= MAX_SYNTAX_ERRORS);
        // The broken assignment `x = (1 + AFTER = "after"` is not a constant.
        assert_eq!(consts(&facts), pairs(&[("BEFORE", "before")]));
        let keys = keys(&facts);
        assert!(keys.contains(&lit("before")), "{keys:?}");
        assert!(keys.contains(&lit("after")), "{keys:?}");
        assert!(uses(&facts).contains(&"flags.Z".to_string()));
        assert_eq!(facts.imports.len(), 1);
    }

    #[test]
    fn syntax_error_messages() {
        // The reference parser's errors, at the offending token.
        let facts = run("x = 1\nfoo(a b)\ny = )\n");
        assert!(!facts.syntax_errors.is_empty());
        let first = &facts.syntax_errors[0];
        assert_eq!((first.span.line, first.span.column), (2, 7), "{first:?}");
        assert!(first.message.starts_with("Expected"), "{first:?}");
        let many: String = (0..100).map(|_| "def (:\n").collect();
        assert!(run(&many).syntax_errors.len() <= MAX_SYNTAX_ERRORS);
        assert!(run("x = 1\n").syntax_errors.is_empty());
    }

    #[test]
    fn valid_code_the_grammar_rejects_is_not_an_error() {
        // PEP 696 defaults and PEP 646 starred subscripts: tree-sitter-python holds ERROR nodes.
        let facts = run("type Pair[K, V = int] = tuple[K, V]\n\
                         def f[T = int](x: T) -> T: ...\n\
                         x = items[*(1, 2)]\n\
                         def g(name) -> T[bool] or None: ...\n");
        assert!(facts.syntax_errors.is_empty(), "{:?}", facts.syntax_errors);
    }

    #[test]
    fn python2_statements_are_errors() {
        // The grammar accepts them without an ERROR node; Python 3 does not.
        for source in [
            "print \"hello\"\n",
            "exec \"code\"\n",
            "if x:\n    print \"a\", b\n",
        ] {
            let facts = run(source);
            assert_eq!(
                facts.syntax_errors.len(),
                1,
                "{source}: {:?}",
                facts.syntax_errors
            );
        }
        assert!(run("print(\"hello\")\nexec(\"code\")\n")
            .syntax_errors
            .is_empty());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 100_000;
        let source = format!(
            "x = {}get_flag_for_user(u, 'deep'){}\n",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let facts = run(&source);
        assert_eq!(keys(&facts), vec![lit("deep")]);
        let calls = format!("{}X{}\n", "f(".repeat(depth), ")".repeat(depth));
        assert_eq!(uses(&run(&calls)), vec!["X"]);
        let lists = format!("{}{}\n", "[".repeat(depth), "]".repeat(depth));
        run(&lists);
        let unclosed = "(".repeat(depth);
        run(&unclosed);
    }

    #[test]
    fn a_parse_over_budget_is_one_whole_file_error() {
        let source = "is_on('a')\n".repeat(500);
        let facts = with_test_options(Language::Python, &["is_on:0"], &[], |options| {
            extract_within(&source, options, Duration::ZERO)
        });
        assert!(facts.checks.is_empty());
        assert_eq!(facts.syntax_errors.len(), 1);
        assert!(facts.syntax_errors[0].whole_file);
        assert!(facts.syntax_errors[0].message.contains("file not parsed"));
        // The thread's parser is ready for the next file.
        assert_eq!(run(&source).checks.len(), 500);
    }

    #[test]
    fn long_member_chain_does_not_overflow() {
        let length = 100_000;
        let mut source = String::from("from app import root\nvalue = root");
        for i in 0..length {
            source.push_str(&format!(".a{i}"));
        }
        source.push_str("\nget_flag_for_user(u, root");
        source.push_str(&".b".repeat(length));
        source.push_str(")\nmake()");
        source.push_str(&".c".repeat(length));
        source.push_str(".get_flag_for_user(u, 'k')\n");
        let facts = run(&source);
        assert_eq!(facts.symbol_uses.len(), 1);
        assert_eq!(facts.symbol_uses[0].path.len(), length + 1);
        assert_eq!(facts.checks.len(), 2);
        let KeyExpr::Path(segments) = &facts.checks[0].key else {
            panic!("expected a path key");
        };
        assert_eq!(segments.len(), length + 1);
        assert_eq!(facts.checks[1].key, lit("k"));
    }

    #[test]
    fn garbage_input_does_not_panic() {
        let inputs = [
            "",
            "\0\0\0\u{1}\u{2}",
            "\u{feff}def f(:\n\t\t  \x0c",
            "'''unterminated",
            "f'{",
            "get_flag_for_user(u, '",
            "get_flag_for_user(u, 'é\\",
            "class (:\n  X = 'x'\n",
            "from . import",
            "import",
            "x = 'a' 'b",
            "🎉🎉🎉 = get_flag_for_user(ü, 'ö')",
            "\\\n\\\n\\",
            "lambda *: get_flag_for_user(u, k)",
            "match x:\n case Foo(:\n",
        ];
        for input in inputs {
            run(input);
        }
        let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        run(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn decode_escapes_handles_odd_input() {
        assert_eq!(decode_escapes("a\\"), "a\\");
        assert_eq!(decode_escapes("\\x4"), "\\x4");
        assert_eq!(decode_escapes("\\101\\0"), "A\0");
        assert_eq!(decode_escapes("\\q"), "\\q");
        assert_eq!(decode_escapes("a\\\nb"), "ab");
        assert_eq!(decode_escapes("\\U0001F389"), "🎉");
        assert_eq!(decode_escapes("\\udfff"), "\\udfff");
        assert_eq!(decode_escapes(r"a\qb"), r"a\qb");
        assert_eq!(decode_escapes(r#"\"\'\\"#), "\"'\\");
    }

    #[test]
    fn large_file_is_read_quickly() {
        let mut source = String::from("from app import flags\n");
        for i in 0..5_000 {
            source.push_str(&format!(
                "def f{i}(user):\n    if get_flag_for_user(user, flags.F{i}) and other.x[{i}]:\n        return {{'k': f\"{{user.name}}\"}}\n"
            ));
        }
        let start = std::time::Instant::now();
        let facts = run(&source);
        let elapsed = start.elapsed();
        assert_eq!(facts.checks.len(), 5_000);
        assert_eq!(facts.symbol_uses.len(), 0);
        eprintln!("15k lines in {elapsed:?}");
    }

    #[test]
    fn parser_is_reused_across_calls() {
        let first = run("A = 'a'\n");
        let second = run("A = 'a'\n");
        assert_eq!(first, second);
    }

    // --- check shapes: class attributes and property chains -------------------------------

    use crate::lang::{test_extract_specs, CheckSpec, KeyArg, Shape};

    fn shape_spec(call: &str, shape: Shape) -> CheckSpec {
        CheckSpec {
            call: call.split('.').map(str::to_string).collect(),
            shape,
            key: KeyArg {
                position: Some(0),
                keyword: None,
            },
            ..CheckSpec::default()
        }
    }

    /// Specs: 0 = attribute `waffle_flag`, 1 = property `settings.FEATURES`, 2 = call
    /// `waffle_flag` (same name, other shape), 3 = call `get_flag_for_user` (key 1).
    fn run_shapes(source: &str) -> FileFacts {
        let mut call = shape_spec("get_flag_for_user", Shape::Call);
        call.key.position = Some(1);
        test_extract_specs(
            Grammar::Python,
            Language::Python,
            vec![
                shape_spec("waffle_flag", Shape::Attribute),
                shape_spec("settings.FEATURES", Shape::Property),
                shape_spec("waffle_flag", Shape::Call),
                call,
            ],
            &["BINARY_INTERFACE", "FeatureFlags", "X"],
            source,
        )
    }

    /// (spec, key, span text, key span text) of every check.
    fn shape_checks(source: &str) -> Vec<(usize, KeyExpr, String, String)> {
        run_shapes(source)
            .checks
            .iter()
            .map(|c| {
                (
                    c.spec,
                    c.key.clone(),
                    text(source, c.span).to_string(),
                    text(source, c.key_span).to_string(),
                )
            })
            .collect()
    }

    fn shape_keys(source: &str) -> Vec<(usize, KeyExpr)> {
        run_shapes(source)
            .checks
            .iter()
            .map(|c| (c.spec, c.key.clone()))
            .collect()
    }

    #[test]
    fn attribute_checks_in_class_bodies() {
        let source = "\
class NewNavView(WaffleFlagMixin, View):
    waffle_flag = \"new_nav\"

class Outer:
    class Inner:
        waffle_flag: str = 'inner-flag'

def make():
    class Local:
        other = waffle_flag = \"chained\"
    return Local

class Guarded:
    if DEBUG:
        waffle_flag = \"debug-only\"
";
        assert_eq!(
            shape_keys(source),
            vec![
                (0, lit("new_nav")),
                (0, lit("inner-flag")),
                (0, lit("chained")),
                (0, lit("debug-only")),
            ]
        );
    }

    #[test]
    fn method_checks_on_flag_objects() {
        let source = "\
from app.toggles import NEW_NAV
from app import toggles

def view(request, config):
    if NEW_NAV.is_enabled():
        pass
    if toggles.X.is_enabled(request.user):
        pass
    # Near misses: any object has such methods, and a call's result is no flag constant.
    if config.is_enabled() or get_switch().is_enabled() or NEW_NAV.other():
        pass
    return is_enabled(NEW_NAV)
";
        let facts = test_extract_specs(
            Grammar::Python,
            Language::Python,
            vec![shape_spec("is_enabled", Shape::Method)],
            &["NEW_NAV", "X"],
            source,
        );
        let checks: Vec<(KeyExpr, String, String)> = facts
            .checks
            .iter()
            .map(|c| {
                (
                    c.key.clone(),
                    text(source, c.span).to_string(),
                    text(source, c.key_span).to_string(),
                )
            })
            .collect();
        assert_eq!(
            checks,
            vec![
                (
                    path(&["NEW_NAV"]),
                    "NEW_NAV.is_enabled()".to_string(),
                    "NEW_NAV".to_string()
                ),
                (
                    path(&["toggles", "X"]),
                    "toggles.X.is_enabled(request.user)".to_string(),
                    "toggles.X".to_string()
                ),
            ]
        );
        // The receiver is the check's key, not a reference besides it.
        let uses: Vec<&Vec<String>> = facts.symbol_uses.iter().map(|u| &u.path).collect();
        assert!(
            !uses
                .iter()
                .any(|p| p.first().is_some_and(|s| s == "toggles")),
            "{uses:?}"
        );
    }

    #[test]
    fn attribute_key_forms() {
        let source = "\
from app import flags

class A:
    waffle_flag = flags.NEW_NAV
class B:
    waffle_flag = NEW_NAV
class C:
    waffle_flag = \"new\" \"_nav\"
class D:
    waffle_flag = f\"nav-{REGION}\"
class E:
    waffle_flag = pick_flag()
class F:
    waffle_flag = \"a\" + suffix

def view_for(flag):
    class G:
        waffle_flag = flag
    return G
";
        assert_eq!(
            shape_keys(source),
            vec![
                (0, path(&["flags", "NEW_NAV"])),
                (0, path(&["NEW_NAV"])),
                (0, lit("new_nav")),
                (0, dynamic("an f-string")),
                (0, dynamic("a function call result")),
                (0, dynamic("a string concatenation")),
                (0, KeyExpr::Parameter("flag".to_string())),
            ]
        );
    }

    #[test]
    fn attribute_spans() {
        let source = "class V(View):\n    waffle_flag: str = \"new_nav\"  # the flag\n";
        assert_eq!(
            shape_checks(source),
            vec![(
                0,
                lit("new_nav"),
                "waffle_flag: str = \"new_nav\"".to_string(),
                "\"new_nav\"".to_string()
            )]
        );
    }

    #[test]
    fn attribute_look_alikes_are_not_checks() {
        let source = "\
waffle_flag = \"module-level\"

def f():
    waffle_flag = \"local\"

class V:
    waffle_switch = \"other-name\"
    waffle_flag, other = \"a\", \"b\"
    waffle_flag: str
    # waffle_flag = \"comment\"
    doc = \"waffle_flag = 'string'\"
    waffle_flag += \"augmented\"
    self_flag = dict(waffle_flag=\"keyword\")

    def get(self):
        waffle_flag = \"in a method\"
        self.waffle_flag = \"attribute target\"
";
        assert_eq!(shape_keys(source), vec![]);
    }

    #[test]
    fn attribute_shape_and_call_shape_keep_their_specs() {
        let source = "\
class V:
    waffle_flag = \"attr\"

@waffle_flag(\"decorated\")
def view(request):
    pass
";
        assert_eq!(
            shape_keys(source),
            vec![(0, lit("attr")), (2, lit("decorated"))]
        );
    }

    #[test]
    fn attribute_keys_are_not_uses_but_dynamic_parts_are() {
        let source = "\
from app.flags import FeatureFlags

class A:
    waffle_flag = FeatureFlags.X
class B:
    waffle_flag = f\"{FeatureFlags.BINARY_INTERFACE}-x\"
";
        let facts = run_shapes(source);
        assert_eq!(facts.checks.len(), 2);
        assert_eq!(uses(&facts), vec!["FeatureFlags.BINARY_INTERFACE"]);
        // The class attribute is still a string constant, and a target binding as before.
        let facts = run_shapes("class View:\n    waffle_flag = \"new_nav\"\n");
        assert_eq!(consts(&facts), pairs(&[("View.waffle_flag", "new_nav")]));
        assert_eq!(facts.module_names, vec!["View"]);
    }

    #[test]
    fn attribute_key_with_a_check_call_inside() {
        let source = "class V:\n    waffle_flag = get_flag_for_user(u, \"k\")\n";
        assert_eq!(
            shape_keys(source),
            vec![(0, dynamic("a function call result")), (3, lit("k")),]
        );
    }

    #[test]
    fn property_chains_and_subscripts() {
        let source = "\
from django.conf import settings
import django_settings

a = django_settings.settings.FEATURES.new_nav
b = settings.FEATURES[\"new-nav\"]
c = settings.FEATURES['dark' 'mode']
d = settings.FEATURES.beta
e = self.settings.FEATURES.gamma
f = load().settings.FEATURES.delta
";
        assert_eq!(
            shape_keys(source),
            vec![
                (1, lit("new_nav")),
                (1, lit("new-nav")),
                (1, lit("darkmode")),
                (1, lit("beta")),
                (1, lit("gamma")),
                (1, lit("delta")),
            ]
        );
    }

    #[test]
    fn property_dynamic_subscripts() {
        let source = "\
x = settings.FEATURES[NEW_NAV]
y = settings.FEATURES[flags.NEW_NAV]
z = settings.FEATURES[f\"nav-{region}\"]
w = settings.FEATURES[prefix + \"nav\"]

def enabled(name):
    return settings.FEATURES[name]
";
        assert_eq!(
            shape_keys(source),
            vec![
                (1, dynamic("a non-literal index")),
                (1, dynamic("a non-literal index")),
                (1, dynamic("an f-string")),
                (1, dynamic("a string concatenation")),
                (1, KeyExpr::Parameter("name".to_string())),
            ]
        );
    }

    #[test]
    fn property_spans() {
        let source =
            "if é and settings.FEATURES.new_nav or settings.FEATURES[\"dark\"]:\n    pass\n";
        let checks = run_shapes(source).checks;
        assert_eq!(checks.len(), 2);
        assert_eq!(text(source, checks[0].span), "settings.FEATURES.new_nav");
        assert_eq!(text(source, checks[0].key_span), "new_nav");
        assert_eq!(text(source, checks[1].span), "settings.FEATURES[\"dark\"]");
        assert_eq!(text(source, checks[1].key_span), "\"dark\"");
        // Columns count characters: `é` is one column.
        assert_eq!(checks[0].span.column, 10);
        assert_eq!(checks[0].key_span.column, 28);
    }

    #[test]
    fn property_look_alikes_are_not_checks() {
        let source = "\
settings.FEATURES
x = settings.FEATURES
FEATURES.new_nav
other.FEATURES.new_nav
settings.OTHER.new_nav
settings.FEATURES.new_nav.enabled
settings.FEATURES[\"a\"][\"b\"]
settings.FEATURES[\"a\"].b
settings.FEATURES.get(\"new_nav\")
settings.FEATURES[\"a\"](1)
settings.FEATURES[\"a\", \"b\"]
settings.FEATURES.new_nav = True
settings.FEATURES[\"new-nav\"] = True
settings.FEATURES[\"new-nav\"] += 1
settings.FEATURES.new_nav += 1
del settings.FEATURES[\"new-nav\"], settings.FEATURES.old
for settings.FEATURES.x in items:
    pass
# settings.FEATURES.in_comment
s = \"settings.FEATURES.in_string\"
";
        assert_eq!(shape_keys(source), vec![]);
    }

    #[test]
    fn property_targets_still_read_their_parts() {
        // Writing a member is not a check, but checks inside the target are found.
        let source = "settings.FEATURES[get_flag_for_user(u, \"k\")] = settings.FEATURES.on\n";
        assert_eq!(shape_keys(source), vec![(3, lit("k")), (1, lit("on"))]);
    }

    #[test]
    fn property_checks_are_not_uses_but_dynamic_indices_are() {
        let source = "\
from django.conf import settings
from app.flags import FeatureFlags

a = settings.FEATURES.new_nav
b = settings.FEATURES[FeatureFlags.X]
c = settings.DEBUG
";
        let facts = run_shapes(source);
        assert_eq!(facts.checks.len(), 2);
        assert_eq!(uses(&facts), vec!["FeatureFlags.X", "settings.DEBUG"]);
    }

    #[test]
    fn property_checks_found_in_nested_positions() {
        let source = "\
@decorate(settings.FEATURES.a)
def view(request, flag=settings.FEATURES.b):
    items = [settings.FEATURES.c for _ in range(2)]
    return render(request, {\"on\": settings.FEATURES[\"d\"]}, f\"{settings.FEATURES.e}\")

handler = lambda: settings.FEATURES.f
";
        let keys: Vec<KeyExpr> = run_shapes(source)
            .checks
            .iter()
            .map(|c| c.key.clone())
            .collect();
        assert_eq!(
            keys,
            vec![lit("a"), lit("b"), lit("c"), lit("d"), lit("e"), lit("f")]
        );
    }

    #[test]
    fn property_checks_make_forks() {
        let source = "\
def view(request):
    if settings.FEATURES.new_nav:
        return a()
    if not settings.FEATURES[\"dark\"]:
        pass
    beta = settings.FEATURES.beta
    if beta:
        pass
";
        let facts = run_shapes(source);
        assert_eq!(facts.checks.len(), 3);
        let summary: Vec<(Vec<usize>, bool, bool)> = facts
            .forks
            .iter()
            .map(|f| (f.checks.clone(), f.negated, f.exits_early))
            .collect();
        assert_eq!(
            summary,
            vec![
                (vec![0], false, true),
                (vec![1], true, false),
                (vec![2], false, false)
            ]
        );
    }

    #[test]
    fn single_segment_property_spec() {
        let facts = test_extract_specs(
            Grammar::Python,
            Language::Python,
            vec![shape_spec("FEATURE_FLAGS", Shape::Property)],
            &[],
            "a = FEATURE_FLAGS[\"x\"]\nb = config.FEATURE_FLAGS.y\nc = FEATURE_FLAGS\n",
        );
        assert_eq!(keys(&facts), vec![lit("x"), lit("y")]);
    }

    #[test]
    fn shapes_cost_nothing_without_specs() {
        // Only call specs: property chains and class attributes stay plain code.
        let source = "\
from django.conf import settings

class V:
    waffle_flag = \"new_nav\"

x = settings.FEATURES.new_nav
settings.FEATURES[\"a\"] = 1
";
        let facts = run(source);
        assert!(facts.checks.is_empty());
        assert_eq!(
            uses(&facts),
            vec!["settings.FEATURES.new_nav", "settings.FEATURES"]
        );
    }

    #[test]
    fn long_property_chains_do_not_overflow() {
        let length = 100_000;
        let mut source = String::from("x = root");
        source.push_str(&".a".repeat(length));
        source.push_str(".settings.FEATURES.on\ny = settings");
        source.push_str(&"[\"FEATURES\"]".repeat(length));
        source.push_str("\nz = settings.FEATURES");
        source.push_str(&"[\"a\"]".repeat(length));
        source.push_str("\nclass V:\n    waffle_flag = a");
        source.push_str(&".b".repeat(length));
        source.push('\n');
        let keys = shape_keys(&source);
        assert_eq!(keys.len(), 2, "{:?}", &keys[..keys.len().min(3)]);
        assert_eq!(keys[0], (1, lit("on")));
        assert_eq!(keys[1].0, 0);
    }

    // --- definition shapes: registries, lists, registrations ------------------------------

    use crate::lang::{test_extract_definitions, DefinitionShapes};

    fn definitions() -> DefinitionShapes {
        DefinitionShapes {
            registries: vec!["FEATURES".into(), "FLAGS".into()],
            lists: vec!["FLAG_LIST".into(), "DEFAULTS".into()],
            registrations: vec![
                (
                    vec!["manager".into(), "add".into()],
                    KeyArg {
                        position: Some(0),
                        keyword: None,
                    },
                ),
                (
                    vec!["register_flag".into()],
                    KeyArg {
                        position: Some(1),
                        keyword: Some("name".into()),
                    },
                ),
            ],
            ..DefinitionShapes::default()
        }
    }

    fn run_definitions(source: &str) -> FileFacts {
        test_extract_definitions(Grammar::Python, Language::Python, definitions(), source)
    }

    /// (symbol joined by `.`, value) of every string constant.
    fn defs(source: &str) -> Vec<(String, String)> {
        run_definitions(source)
            .string_consts
            .iter()
            .map(|c| (c.symbol.join("."), c.value.clone()))
            .collect()
    }

    /// (span text, name span text) of every string constant.
    fn def_spans(source: &str) -> Vec<(String, String)> {
        let facts = run_definitions(source);
        facts
            .string_consts
            .iter()
            .map(|c| {
                assert!(c.exported);
                (
                    text(source, c.span).to_string(),
                    text(source, c.name_span).to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn registry_dict_keys() {
        let source = "\
FEATURES = {
    \"organizations:new-nav\": \"New navigation\",
    'projects:beta': True,  # comment
    \"a\" \"b\": 1,
    (\"paren\"): 2,
    \"esc\\tx\": 3,
    r\"raw\\d\": 4,
}
FLAGS = {\"MY_FLAG\": [{\"condition\": \"boolean\", \"value\": True}]}
";
        assert_eq!(
            defs(source),
            pairs(&[
                ("FEATURES.organizations:new-nav", "organizations:new-nav"),
                ("FEATURES.projects:beta", "projects:beta"),
                ("FEATURES.ab", "ab"),
                ("FEATURES.paren", "paren"),
                ("FEATURES.esc\tx", "esc\tx"),
                ("FEATURES.raw\\d", "raw\\d"),
                ("FLAGS.MY_FLAG", "MY_FLAG"),
            ])
        );
    }

    #[test]
    fn registry_forms() {
        let source = "\
FEATURES: dict[str, str] = {\"annotated\": \"x\"}
if TYPE_CHECKING:
    FLAGS = {\"under_if\": 1}
try:
    FEATURES = {\"under_try\": 1}
except ImportError:
    FEATURES = {\"under_except\": 1}
OTHER = FEATURES = {\"chained\": 1}
FEATURES = ({\"parenthesized\": 1})
";
        assert_eq!(
            defs(source),
            pairs(&[
                ("FEATURES.annotated", "annotated"),
                ("FLAGS.under_if", "under_if"),
                ("FEATURES.under_try", "under_try"),
                ("FEATURES.under_except", "under_except"),
                ("FEATURES.chained", "chained"),
                ("FEATURES.parenthesized", "parenthesized"),
            ])
        );
    }

    #[test]
    fn registry_spans() {
        let source = "FEATURES = {\n    \"a\": \"doc\",\n    'b' 'c': 1,\n}\n";
        assert_eq!(
            def_spans(source),
            pairs(&[("\"a\": \"doc\"", "\"a\""), ("'b' 'c': 1", "'b' 'c'")])
        );
        let facts = run_definitions(source);
        let span = facts.string_consts[0].name_span;
        assert_eq!((span.line, span.column, span.end_column), (2, 5, 8));
    }

    #[test]
    fn registry_look_alikes_are_not_recorded() {
        let source = "\
OTHER = {\"other_name\": 1}
FEATURES = dict(via_call=1)
FEATURES = {1: \"int key\", NAME: 2, f\"x{y}\": 3, b\"bytes\": 4, **BASE, (\"a\", \"b\"): 5}
FEATURES = {k: 1 for k in KEYS}
FEATURES = [\"a list\"]
FEATURES[\"subscript\"] = 1
FEATURES.attr = {\"attribute\": 1}
a, FEATURES = 1, {\"tuple_target\": 1}
FEATURES += {\"augmented\": 1}
def f():
    FEATURES = {\"in_function\": 1}
class C:
    FEATURES = {\"in_class\": 1}
# FEATURES = {\"comment\": 1}
print(\"FEATURES = {'in_string': 1}\")
";
        assert_eq!(defs(source), pairs(&[]));
    }

    #[test]
    fn list_elements() {
        let source = "\
FLAG_LIST = [\"new_nav\", 'beta', \"a\" \"b\", 1, NAME, f\"x{y}\", *MORE, [\"nested\", 1]]
DEFAULTS = [(\"new_nav\", False), (\"beta\", True), [\"list_pair\", 1], (1, \"x\"), (), (NAME, \"y\")]
FLAG_LIST = (\"tuple\", \"elements\")
FLAG_LIST = {\"set\", \"elements\"}
FLAG_LIST: list[str] = [\"annotated\"]
if DEBUG:
    FLAG_LIST = [\"under_if\"]
";
        assert_eq!(
            defs(source),
            pairs(&[
                ("FLAG_LIST.new_nav", "new_nav"),
                ("FLAG_LIST.beta", "beta"),
                ("FLAG_LIST.ab", "ab"),
                ("FLAG_LIST.nested", "nested"),
                ("DEFAULTS.new_nav", "new_nav"),
                ("DEFAULTS.beta", "beta"),
                ("DEFAULTS.list_pair", "list_pair"),
                ("FLAG_LIST.tuple", "tuple"),
                ("FLAG_LIST.elements", "elements"),
                ("FLAG_LIST.set", "set"),
                ("FLAG_LIST.elements", "elements"),
                ("FLAG_LIST.annotated", "annotated"),
                ("FLAG_LIST.under_if", "under_if"),
            ])
        );
    }

    #[test]
    fn list_spans() {
        let source = "DEFAULTS = [\n    (\"new_nav\", False),\n    \"plain\",\n]\n";
        assert_eq!(
            def_spans(source),
            pairs(&[
                ("(\"new_nav\", False)", "\"new_nav\""),
                ("\"plain\"", "\"plain\""),
            ])
        );
    }

    #[test]
    fn list_look_alikes_are_not_recorded() {
        let source = "\
OTHER = [\"other\"]
FLAG_LIST = {\"dict\": 1}
FLAG_LIST = [x for x in \"abc\"]
FLAG_LIST = list(\"call\")
FLAG_LIST.extend([\"method\"])
def f():
    FLAG_LIST = [\"in_function\"]
class C:
    DEFAULTS = [(\"in_class\", 1)]
# FLAG_LIST = [\"comment\"]
";
        assert_eq!(defs(source), pairs(&[]));
    }

    #[test]
    fn registration_calls() {
        let source = "\
from sentry import features
from sentry.features.base import OrganizationFeature

manager.add(\"organizations:new-nav\", OrganizationFeature, FeatureHandlerStrategy.FLAGPOLE, api_expose=True)
features.manager.add(\"organizations:\" \"concat\", OrganizationFeature)
def register_all():
    default_manager.add(\"in_function\")
    wrap(manager.add(\"nested_call\"))
register_flag(app, \"positional\")
register_flag(app, name=\"keyword\")
register_flag(name=\"keyword_only\")
mod.register_flag(app, \"module_callee\")
";
        assert_eq!(
            defs(source),
            pairs(&[
                ("organizations:new-nav", "organizations:new-nav"),
                ("organizations:concat", "organizations:concat"),
                ("nested_call", "nested_call"),
                ("positional", "positional"),
                ("keyword", "keyword"),
                ("keyword_only", "keyword_only"),
                ("module_callee", "module_callee"),
            ])
        );
    }

    #[test]
    fn registration_spans() {
        let source = "manager.add(\n    \"organizations:x\",\n    OrganizationFeature,\n)\n";
        assert_eq!(
            def_spans(source),
            pairs(&[(source.trim_end(), "\"organizations:x\"")])
        );
        let facts = run_definitions(source);
        assert_eq!(facts.string_consts[0].symbol, vec!["organizations:x"]);
    }

    #[test]
    fn registration_look_alikes_are_not_recorded() {
        let source = "\
manager.add(NAME, OrganizationFeature)
manager.add(f\"organizations:{x}\")
manager.add(\"a\" + \"b\")
manager.add(*args)
manager.add()
manager.add(key=\"keyword_not_configured\")
manager.remove(\"other_method\")
manager.add_all(\"other_name\")
add(\"bare\")
other.add(\"other_receiver\")
get().add(\"unrooted\")
manager.add.extra(\"longer\")
register_flag(\"position_zero\")
# manager.add(\"comment\")
print('manager.add(\"string\")')
";
        assert_eq!(defs(source), pairs(&[]));
    }

    #[test]
    fn bare_add_registration_matches_any_receiver() {
        let shapes = DefinitionShapes {
            registrations: vec![(
                vec!["add".into()],
                KeyArg {
                    position: Some(0),
                    keyword: None,
                },
            )],
            ..DefinitionShapes::default()
        };
        let source = "x.add(\"a\")\nget().add(\"b\")\nadd(\"c\")\nx.added(\"d\")\n";
        let facts = test_extract_definitions(Grammar::Python, Language::Python, shapes, source);
        let values: Vec<&str> = facts
            .string_consts
            .iter()
            .map(|c| c.value.as_str())
            .collect();
        assert_eq!(values, ["a", "b", "c"]);
    }

    #[test]
    fn definitions_mix_with_string_constants_in_source_order() {
        let source = "\
FIRST = \"first\"
FLAG_LIST = [manager.add(\"registered\"), \"listed\"]
class Flags:
    X = \"x\"
FEATURES = {\"key\": manager.add(\"in_value\")}
";
        assert_eq!(
            defs(source),
            pairs(&[
                ("FIRST", "first"),
                ("registered", "registered"),
                ("FLAG_LIST.listed", "listed"),
                ("Flags.X", "x"),
                ("FEATURES.key", "key"),
                ("in_value", "in_value"),
            ])
        );
    }

    #[test]
    fn no_definitions_without_shapes() {
        let source = "\
FEATURES = {\"a\": 1}
FLAG_LIST = [\"b\"]
manager.add(\"c\")
X = \"x\"
";
        let facts = run(source);
        assert_eq!(consts(&facts), pairs(&[("X", "x")]));
    }

    #[test]
    fn definitions_survive_syntax_errors_and_deep_input() {
        let source =
            "FEATURES = {\"before\": 1}\nx = = 1\nFLAG_LIST = [\"after\"]\nmanager.add(\"call\")\n";
        let facts = run_definitions(source);
        assert!(!facts.syntax_errors.is_empty());
        let values: Vec<&str> = facts
            .string_consts
            .iter()
            .map(|c| c.value.as_str())
            .collect();
        assert_eq!(values, ["before", "after", "call"]);
        let deep = format!(
            "FEATURES = {{\"a\": {}1{}}}\nmanager.add(\"z\"){}\n",
            "(".repeat(100_000),
            ")".repeat(100_000),
            ".add(\"y\")".repeat(1000)
        );
        let values: Vec<String> = run_definitions(&deep)
            .string_consts
            .iter()
            .map(|c| c.value.clone())
            .collect();
        assert_eq!(values.first().map(String::as_str), Some("a"));
        let long = format!("x = a{}.manager.add(\"long\")\n", ".b".repeat(100_000));
        assert_eq!(defs(&long), pairs(&[("x", "long")]));
    }

    #[test]
    fn registration_assigned_to_a_module_level_name_is_that_constant() {
        let source = "SWITCH = manager.add(\"course.slug_format\", __name__)\n\
def f():\n    local = manager.add(\"in_function\")\nmanager.add(\"bare\")\n";
        assert_eq!(
            defs(source),
            pairs(&[
                ("SWITCH", "course.slug_format"),
                ("in_function", "in_function"),
                ("bare", "bare"),
            ])
        );
        let facts = run_definitions(source);
        assert_eq!(facts.string_consts[0].kind, ConstKind::Registration);
        assert_eq!(text(source, facts.string_consts[0].name_span), "SWITCH");
    }

    #[test]
    fn constant_kinds() {
        let source = "X = \"x\"\nFEATURES = {\"a\": 1}\nFLAG_LIST = [\"b\"]\n";
        assert_eq!(
            crate::lang::const_kinds(&run_definitions(source)),
            [
                ConstKind::Constant,
                ConstKind::RegistryKey,
                ConstKind::ListElement
            ]
        );
    }

    // --- members, calls, whole reads and key mentions ----------------------------------------

    use crate::lang::test_extract_file;

    #[test]
    fn class_members_whatever_their_value() {
        let source = r#"
class Switches:
    DIGEST = "digest"
    CHOICES = ((DIGEST, "Digest"),)
    count: int
    a = b = 1

    @classmethod
    def all(cls, session): ...

    class Meta:
        inner = 1

def f():
    class Local:
        hidden = 1
"#;
        let facts = test_extract_file(Grammar::Python, Language::Python, false, &[], source);
        assert_eq!(
            facts.member_names,
            [
                "Switches.DIGEST",
                "Switches.CHOICES",
                "Switches.count",
                "Switches.a",
                "Switches.b",
                "Switches.all",
                "Switches.Meta"
            ]
        );
    }

    #[test]
    fn called_chains_are_marked() {
        let source =
            "from app import flags\nflags.X\nflags.all(db)\nflags.Y.lower()\nwrap(flags.Z)\n";
        let expected = [
            ("flags.X", false),
            ("flags.all", true),
            ("flags.Y.lower", true),
            ("flags.Z", false),
        ];
        crate::lang::assert_called(&run(source), ".", &expected);
    }

    #[test]
    fn a_definitions_file_records_uses_of_its_own_names() {
        let source =
            "FEATURES = {\"a\": 1}\n\ndef all_features():\n    return [n for n in FEATURES]\n";
        let (own, other) =
            crate::lang::uses_as_definitions_and_not(Grammar::Python, Language::Python, source);
        assert_eq!(own, ["FEATURES"]);
        assert!(other.is_empty());
    }

    #[test]
    fn literal_mentions_of_keys() {
        let source = r#"
EXPOSED = ["compact_tables", "other"]
MESSAGE = "compact" "_tables"
DOC = f"compact_tables"
lookup("compact_tables")
"#;
        let facts = test_extract_file(
            Grammar::Python,
            Language::Python,
            false,
            &["compact_tables"],
            source,
        );
        let mentions: Vec<(&str, u32)> = facts
            .key_mentions
            .iter()
            .map(|(key, span)| (key.as_str(), span.line))
            .collect();
        assert_eq!(
            mentions,
            [
                ("compact_tables", 2),
                ("compact_tables", 3),
                // An f-string without interpolations is a plain string.
                ("compact_tables", 4),
                ("compact_tables", 5)
            ]
        );
        let none = test_extract_file(Grammar::Python, Language::Python, false, &[], source);
        assert!(none.key_mentions.is_empty());
    }

    // --- check states: the boolean a test helper sets ----------------------------------------

    fn state_spec(call: &str, state: Option<&str>) -> CheckSpec {
        CheckSpec {
            call: vec![call.to_string()],
            key: KeyArg {
                position: Some(0),
                keyword: None,
            },
            state: state.map(str::to_string),
            ..CheckSpec::default()
        }
    }

    /// Specs: 0 = `override_flag`, 1 = `override_switch`, 2 = `override_sample` (all with state
    /// `active`), 3 = `flag_is_active` (no state).
    fn run_states(source: &str) -> FileFacts {
        test_extract_specs(
            Grammar::Python,
            Language::Python,
            vec![
                state_spec("override_flag", Some("active")),
                state_spec("override_switch", Some("active")),
                state_spec("override_sample", Some("active")),
                state_spec("flag_is_active", None),
            ],
            &[],
            source,
        )
    }

    #[test]
    fn check_state_true_and_false_literals() {
        let facts = run_states(
            "@override_flag(\"new_nav\", active=True)\n\
             def test_a():\n\
             \x20   with override_switch(SWITCH, active=False):\n\
             \x20       override_sample(\"s\", active=True)\n",
        );
        assert_eq!(facts.checks.len(), 3);
        // Each state points at its own call, whatever order the calls were recorded in.
        let mut by_spec: Vec<(usize, bool)> = facts
            .check_states
            .iter()
            .map(|&(i, state)| (facts.checks[i].spec, state))
            .collect();
        by_spec.sort();
        assert_eq!(by_spec, vec![(0, true), (1, false), (2, true)]);
    }

    #[test]
    fn check_state_parenthesised_literal() {
        let facts = run_states(
            "override_flag(\"x\", active=(False))\noverride_flag(\"y\", active=((True)))\n",
        );
        assert_eq!(facts.check_states, vec![(0, false), (1, true)]);
    }

    #[test]
    fn check_state_non_literal_records_nothing() {
        let facts = run_states(
            "override_flag(\"x\", active=some_var)\n\
             override_flag(\"y\", active=not True)\n\
             override_flag(\"z\", active=1)\n\
             override_flag(\"w\", active=\"True\")\n",
        );
        assert_eq!(facts.checks.len(), 4);
        assert_eq!(facts.check_states, vec![]);
    }

    #[test]
    fn check_state_missing_keyword_records_nothing() {
        let facts = run_states(
            "override_flag(\"x\")\noverride_flag(\"y\", enabled=True)\noverride_flag(\"z\", True)\n",
        );
        assert_eq!(facts.checks.len(), 3);
        assert_eq!(facts.check_states, vec![]);
    }

    #[test]
    fn check_state_needs_a_state_in_the_spec() {
        let facts = run_states("flag_is_active(\"x\", active=True)\n");
        assert_eq!(facts.checks.len(), 1);
        assert_eq!(facts.check_states, vec![]);
    }

    #[test]
    fn check_state_indices_follow_earlier_checks() {
        let facts = run_states(
            "flag_is_active(\"a\", active=True)\n\
             flag_is_active(\"b\")\n\
             override_flag(\"c\", active=some_var)\n\
             override_switch(\"d\", active=False)\n\
             flag_is_active(\"e\")\n\
             override_flag(\"f\", active=True)\n",
        );
        assert_eq!(facts.checks.len(), 6);
        assert_eq!(facts.check_states, vec![(3, false), (5, true)]);
        assert_eq!(facts.checks[3].spec, 1);
        assert_eq!(facts.checks[5].spec, 0);
    }
}
