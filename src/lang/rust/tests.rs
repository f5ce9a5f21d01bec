mod extract {
    use super::super::*;
    use crate::lang::{
        pairs, test_extract, test_extract_specs, CheckSpec, Grammar, KeyArg, Language,
    };

    fn run(source: &str) -> FileFacts {
        test_extract(
            Grammar::Rust,
            Language::Rust,
            &[
                "get_flag_for_user:1",
                "flag_is_active:name",
                "is_enabled:0",
                "features.includes:0",
            ],
            &["BINARY_INTERFACE", "FeatureFlags", "X"],
            source,
        )
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn lit(s: &str) -> KeyExpr {
        KeyExpr::Literal(s.to_string())
    }

    fn path(items: &[&str]) -> KeyExpr {
        KeyExpr::Path(strings(items))
    }

    fn dynamic(s: &str) -> KeyExpr {
        KeyExpr::Dynamic(s.to_string())
    }

    fn keys(facts: &FileFacts) -> Vec<KeyExpr> {
        facts.checks.iter().map(|c| c.key.clone()).collect()
    }

    fn uses(facts: &FileFacts) -> Vec<Vec<String>> {
        facts.symbol_uses.iter().map(|u| u.path.clone()).collect()
    }

    fn consts(facts: &FileFacts) -> Vec<(Vec<String>, String)> {
        facts
            .string_consts
            .iter()
            .map(|c| (c.symbol.clone(), c.value.clone()))
            .collect()
    }

    fn imports(facts: &FileFacts) -> Vec<(String, Vec<String>, Option<String>, bool)> {
        facts
            .imports
            .iter()
            .map(|i| {
                let ModuleRef::Rust(module) = &i.module else {
                    panic!("not a Rust module ref");
                };
                (i.local.clone(), module.clone(), i.name.clone(), i.reexport)
            })
            .collect()
    }

    fn text(source: &str, span: Span) -> &str {
        &source[span.start as usize..span.end as usize]
    }

    fn key_of(call: &str) -> Vec<KeyExpr> {
        keys(&run(&format!("fn f(user: U, name: &str) {{ {call}; }}")))
    }

    // --- string constants

    #[test]
    fn string_const_forms() {
        let facts = run(r#"
const A: &str = "a";
pub const B: &'static str = "b";
static C: &str = "c";
pub(crate) static D: &'static str = r"d\n";
const E: &str = "e\t\"q\"\\";
const F: &str = ("f");
"#);
        assert_eq!(
            consts(&facts),
            vec![
                (strings(&["A"]), "a".to_string()),
                (strings(&["B"]), "b".to_string()),
                (strings(&["C"]), "c".to_string()),
                (strings(&["D"]), "d\\n".to_string()),
                (strings(&["E"]), "e\t\"q\"\\".to_string()),
                (strings(&["F"]), "f".to_string()),
            ]
        );
        assert!(facts.string_consts.iter().all(|c| c.exported));
    }

    #[test]
    fn string_const_spans() {
        let source = "// x\npub const ALPHA: &str = \"alpha\";\n";
        let facts = run(source);
        let c = &facts.string_consts[0];
        assert_eq!(text(source, c.span), "pub const ALPHA: &str = \"alpha\";");
        assert_eq!(text(source, c.name_span), "ALPHA");
        assert_eq!((c.name_span.line, c.name_span.column), (2, 11));
        assert_eq!((c.span.line, c.span.column), (2, 1));
    }

    #[test]
    fn string_consts_in_inline_modules() {
        let facts = run(r#"
mod flags {
    pub const A: &str = "a";
    pub mod inner { pub const B: &str = "b"; }
}
"#);
        assert_eq!(
            consts(&facts),
            vec![
                (strings(&["flags", "A"]), "a".to_string()),
                (strings(&["flags", "inner", "B"]), "b".to_string()),
            ]
        );
    }

    #[test]
    fn string_consts_not_recorded() {
        let facts = run(r#"
const N: u32 = 1;
const BYTES: &[u8] = b"x";
const CAT: &str = concat!("a", "b");
const _: &str = "underscore";
fn f() { const LOCAL: &str = "l"; }
impl S { const NUM: u32 = 1; const BYTES: &[u8] = b"a"; const _: &str = "u"; }
trait T { const TC: &str = "t"; }
#[cfg(test)]
mod tests { const T: &str = "t"; }
#[cfg(test)]
const TEST_ONLY: &str = "t";
static S: Lazy<String> = Lazy::new(|| { const INNER: &str = "i"; INNER.into() });
"#);
        assert!(consts(&facts).is_empty(), "{:?}", consts(&facts));
    }

    #[test]
    fn impl_string_consts() {
        let source = r#"
pub struct NewRouterFlag;
impl FeatureFlag for NewRouterFlag {
    const NAME: &'static str = "new-router";
    const DEFAULT: bool = false;
    fn describe() -> &'static str { "x" }
}
impl NewRouterFlag { pub const LABEL: &str = ("label"); }
const TOP: &str = "top";
impl flags::Dark for crate::flags::DarkMode { const NAME: &str = "dark"; }
impl r#Raw { const r#NAME: &str = "raw"; }
mod m {
    impl Flag for Inner { const NAME: &str = "inner"; }
    mod deeper { impl Flag for Deep { const KEY: &str = "deep"; } }
}
"#;
        let facts = run(source);
        assert_eq!(
            consts(&facts),
            vec![
                (
                    strings(&["NewRouterFlag", "NAME"]),
                    "new-router".to_string()
                ),
                (strings(&["NewRouterFlag", "LABEL"]), "label".to_string()),
                (strings(&["TOP"]), "top".to_string()),
                (strings(&["DarkMode", "NAME"]), "dark".to_string()),
                (strings(&["Raw", "NAME"]), "raw".to_string()),
                (strings(&["m", "Inner", "NAME"]), "inner".to_string()),
                (strings(&["m", "deeper", "Deep", "KEY"]), "deep".to_string()),
            ]
        );
        assert!(facts.string_consts.iter().all(|c| c.exported));
        let c = &facts.string_consts[0];
        assert_eq!(
            text(source, c.span),
            "const NAME: &'static str = \"new-router\";"
        );
        assert_eq!(text(source, c.name_span), "NAME");
        assert_eq!((c.name_span.line, c.name_span.column), (4, 11));
        // The impl adds no module name of its own (the struct does).
        assert_eq!(facts.module_names, strings(&["NewRouterFlag", "TOP", "m"]));
    }

    #[test]
    fn impl_string_consts_not_recorded() {
        let facts = run(r#"
impl<T> FeatureFlag for Wrapper<T> { const NAME: &str = "generic"; }
impl<'a> Flag for Borrowed<'a> { const NAME: &str = "lifetime"; }
impl Flag for Vec<u8> { const NAME: &str = "args"; }
impl Flag for &Ref { const NAME: &str = "ref"; }
impl Flag for (A, B) { const NAME: &str = "tuple"; }
impl Flag for <A as B>::C { const NAME: &str = "qself"; }
fn f() { impl Flag for InFn { const NAME: &str = "in fn"; } }
const C: () = { impl Flag for InConst { const NAME: &str = "in const"; } };
impl Outer { fn m() { impl Flag for InMethod { const NAME: &str = "in method"; } } }
#[cfg(test)]
impl Flag for TestOnly { const NAME: &str = "cfg test"; }
#[cfg(test)]
mod tests { impl Flag for InTests { const NAME: &str = "test mod"; } }
impl Flag for Mixed { #[cfg(test)] const NAME: &str = "test const"; }
trait Flag { const NAME: &str = "trait default"; }
"#);
        assert!(consts(&facts).is_empty(), "{:?}", consts(&facts));
    }

    // --- module names

    #[test]
    fn module_names_cover_items_in_order() {
        let facts = run(r#"
use crate::flags::{self, X as Y, other::*};
extern crate serde as sd;
fn f() { fn nested() {} }
struct S;
enum E { A }
union U { a: u32 }
trait T {}
type Alias = u32;
const C: u32 = 1;
static ST: u32 = 1;
mod m { pub fn inner() {} }
macro_rules! mac { () => {} }
extern "C" { fn ext(); static EXT: u32; }
fn f() {}
const _: () = ();
use a::Trait as _;
impl S { fn method() {} }
"#);
        assert_eq!(
            facts.module_names,
            strings(&[
                "flags", "Y", "sd", "f", "S", "E", "U", "T", "Alias", "C", "ST", "m", "mac", "ext",
                "EXT"
            ])
        );
    }

    // --- imports

    #[test]
    fn use_tree_is_flattened() {
        let facts = run("use a::b::{self, C as D, e::*};");
        assert_eq!(
            imports(&facts),
            vec![
                ("b".into(), strings(&["a", "b"]), None, false),
                ("D".into(), strings(&["a", "b"]), Some("C".into()), false),
                ("*".into(), strings(&["a", "b", "e"]), None, false),
            ]
        );
    }

    #[test]
    fn simple_use_forms() {
        let facts = run(
            "use a::C;\nuse crate::flags;\nuse a;\nuse ::std::fmt;\nuse self::x::Y as Z;\n\
             use super::*;\nuse {p, q::r};\nuse m::{self as alias};",
        );
        assert_eq!(
            imports(&facts),
            vec![
                ("C".into(), strings(&["a"]), Some("C".into()), false),
                (
                    "flags".into(),
                    strings(&["crate"]),
                    Some("flags".into()),
                    false
                ),
                ("a".into(), vec![], Some("a".into()), false),
                ("fmt".into(), strings(&["std"]), Some("fmt".into()), false),
                ("Z".into(), strings(&["self", "x"]), Some("Y".into()), false),
                ("*".into(), strings(&["super"]), None, false),
                ("p".into(), vec![], Some("p".into()), false),
                ("r".into(), strings(&["q"]), Some("r".into()), false),
                ("alias".into(), strings(&["m"]), None, false),
            ]
        );
    }

    #[test]
    fn pub_use_is_reexport_and_span_covers_item() {
        let source = "pub use crate::flags::X;\npub(crate) use a::B;\nuse a::C;";
        let facts = run(source);
        let flags: Vec<bool> = facts.imports.iter().map(|i| i.reexport).collect();
        assert_eq!(flags, vec![true, true, false]);
        assert_eq!(
            text(source, facts.imports[0].span),
            "pub use crate::flags::X;"
        );
    }

    #[test]
    fn imports_inside_functions_and_modules() {
        let facts = run(
            "mod outer { pub use a::A; mod inner { use b::B; } fn f() { pub use c::C; use d::D; } }",
        );
        let got: Vec<(String, Vec<String>, bool)> = facts
            .imports
            .iter()
            .map(|i| (i.local.clone(), i.scope.clone(), i.reexport))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A".into(), strings(&["outer"]), true),
                ("B".into(), strings(&["outer", "inner"]), false),
                ("C".into(), strings(&["outer"]), false),
                ("D".into(), strings(&["outer"]), false),
            ]
        );
        assert_eq!(facts.module_names, strings(&["outer"]));
    }

    #[test]
    fn extern_crate_is_an_import() {
        let facts = run("extern crate foo as bar;\npub extern crate baz;");
        assert_eq!(
            imports(&facts),
            vec![
                ("bar".into(), vec![], Some("foo".into()), false),
                ("baz".into(), vec![], Some("baz".into()), true),
            ]
        );
    }

    // --- checks: keys

    #[test]
    fn literal_keys() {
        assert_eq!(
            key_of(r#"get_flag_for_user(user, "beta")"#),
            vec![lit("beta")]
        );
        assert_eq!(
            key_of(r#"get_flag_for_user(user, &"beta")"#),
            vec![lit("beta")]
        );
        assert_eq!(
            key_of(r##"get_flag_for_user(user, r#"raw"#)"##),
            vec![lit("raw")]
        );
        assert_eq!(key_of(r#"is_enabled("a\nb")"#), vec![lit("a\nb")]);
    }

    #[test]
    fn path_keys() {
        assert_eq!(key_of("get_flag_for_user(user, X)"), vec![path(&["X"])]);
        assert_eq!(
            key_of("get_flag_for_user(user, flags::X)"),
            vec![path(&["flags", "X"])]
        );
        assert_eq!(
            key_of("get_flag_for_user(user, crate::flags::X)"),
            vec![path(&["crate", "flags", "X"])]
        );
        assert_eq!(
            key_of("get_flag_for_user(user, Self::X)"),
            vec![path(&["Self", "X"])]
        );
        assert_eq!(key_of("get_flag_for_user(user, &X)"), vec![path(&["X"])]);
        assert_eq!(key_of("get_flag_for_user(user, *X)"), vec![path(&["X"])]);
        assert_eq!(
            key_of("get_flag_for_user(user, (&(X)))"),
            vec![path(&["X"])]
        );
        assert_eq!(
            key_of("get_flag_for_user(user, ::flags::X)"),
            vec![path(&["flags", "X"])]
        );
        assert_eq!(
            key_of("get_flag_for_user(user, cfg.flags.X)"),
            vec![path(&["cfg", "flags", "X"])]
        );
    }

    #[test]
    fn parameter_keys_are_parameters() {
        assert_eq!(
            key_of("get_flag_for_user(user, name)"),
            vec![KeyExpr::Parameter("name".to_string())]
        );
        assert_eq!(
            key_of("get_flag_for_user(user, &name)"),
            vec![KeyExpr::Parameter("name".to_string())]
        );
        let facts =
            run("fn f() { let c = |key: &str| is_enabled(key); let d = |mut k| is_enabled(k); }");
        assert_eq!(
            keys(&facts),
            vec![
                KeyExpr::Parameter("key".to_string()),
                KeyExpr::Parameter("k".to_string())
            ]
        );
        // A closure inside a fn sees the fn's parameters too.
        let facts = run("fn f(name: &str) { run(|| is_enabled(name)); }");
        assert_eq!(keys(&facts), vec![KeyExpr::Parameter("name".to_string())]);
        // A nested fn does not see the outer parameters.
        let facts = run("fn f(name: &str) { fn g() { is_enabled(name); } }");
        assert_eq!(keys(&facts), vec![path(&["name"])]);
        // A parameter-named path with more segments is a path.
        assert_eq!(
            key_of("get_flag_for_user(user, name::X)"),
            vec![path(&["name", "X"])]
        );
        // Method parameters.
        let facts = run("impl S { fn f(&self, flag: &str) { self.client.is_enabled(flag); } }");
        assert_eq!(keys(&facts), vec![KeyExpr::Parameter("flag".to_string())]);
    }

    #[test]
    fn dynamic_keys() {
        let cases = [
            (r#"is_enabled(format!("{}", x))"#, "a format!() call"),
            (r#"is_enabled(concat!("a", "b"))"#, "a macro call"),
            (r#"is_enabled(PREFIX + "x")"#, "a string concatenation"),
            ("is_enabled(key())", "a function call result"),
            ("is_enabled(X.into())", "a method call result"),
            ("is_enabled(&X.to_string())", "a method call result"),
            (
                "is_enabled(if a { X } else { Y })",
                "a conditional expression",
            ),
            ("is_enabled(match a { _ => X })", "a conditional expression"),
            ("is_enabled(KEYS[0])", "a subscript"),
            ("is_enabled(1)", "a non-string literal"),
            ("is_enabled(foo().x)", "a field of an expression"),
            ("is_enabled({ X })", "an expression"),
        ];
        for (call, want) in cases {
            assert_eq!(key_of(call), vec![dynamic(want)], "{call}");
        }
    }

    #[test]
    fn missing_key_argument_is_not_a_check() {
        assert!(key_of("get_flag_for_user(user)").is_empty());
        assert!(key_of("is_enabled()").is_empty());
        // Keyword-only specs never match Rust calls.
        assert!(key_of(r#"flag_is_active(request, "x")"#).is_empty());
    }

    // --- checks: callees

    #[test]
    fn callee_forms() {
        let facts = run(r#"
fn f(client: C) {
    get_flag_for_user(u, "bare");
    flags::get_flag_for_user(u, "module");
    crate::a::b::get_flag_for_user(u, "path");
    client.get_flag_for_user(u, "method");
    self.inner.client.get_flag_for_user(u, "field chain");
    make().get_flag_for_user(u, "call receiver");
    get_flag_for_user::<T>(u, "turbofish");
    other(u, "not a check");
}
"#);
        assert_eq!(
            keys(&facts),
            vec![
                lit("bare"),
                lit("module"),
                lit("path"),
                lit("method"),
                lit("field chain"),
                lit("call receiver"),
                lit("turbofish"),
            ]
        );
    }

    #[test]
    fn multi_segment_specs_match_by_suffix() {
        let facts = run(r#"
fn f() {
    features::includes("a");
    crate::features::includes("b");
    self.features.includes("c");
    features.includes("d");
    other.includes("no");
    includes("no");
    make().includes("no");
    features().includes("no");
}
"#);
        assert_eq!(keys(&facts), vec![lit("a"), lit("b"), lit("c"), lit("d")]);
    }

    #[test]
    fn self_recursion_is_skipped() {
        let facts = run(r#"
pub fn get_flag_for_user(user: U, key: &str) -> bool {
    if x { return get_flag_for_user(user, "inner"); }
    inner::get_flag_for_user(user, key)
}
impl Client {
    fn is_enabled(&self, key: &str) -> bool { self.inner.is_enabled(key) }
    fn other(&self) -> bool { self.is_enabled("kept") }
}
"#);
        assert_eq!(keys(&facts), vec![lit("kept")]);
    }

    #[test]
    fn nested_calls_are_found() {
        let facts = run(r#"
static ON: Lazy<bool> = Lazy::new(|| is_enabled("lazy"));
fn f() {
    wrapper(get_flag_for_user(u, "arg"));
    let v = vec![is_enabled("vec")];
    assert!(is_enabled("assert"), "message {}", 1);
    println!("{}", is_enabled("println"));
    if is_enabled(if is_enabled("cond") { A } else { B }) {}
    let c = move || { get_flag_for_user(u, "closure") };
    S { field: is_enabled("struct") };
    match x { _ if is_enabled("guard") => {} _ => {} }
}
"#);
        assert_eq!(
            keys(&facts),
            vec![
                lit("lazy"),
                lit("arg"),
                lit("vec"),
                lit("assert"),
                lit("println"),
                dynamic("a conditional expression"),
                lit("cond"),
                lit("closure"),
                lit("struct"),
                lit("guard"),
            ]
        );
    }

    #[test]
    fn macro_bodies_that_are_not_expressions_are_read_piece_by_piece() {
        let facts = run(
            r#"fn f() { vec![is_enabled("x"); 3]; json!({ "a": is_enabled("y"), "b": [is_enabled("w")] }); is_enabled("z"); html! { <div> if x {} </div> }; }"#,
        );
        assert_eq!(keys(&facts), vec![lit("x"), lit("y"), lit("w"), lit("z")]);
    }

    #[test]
    fn pattern_guards_in_macros_are_read() {
        let facts =
            run(r#"fn f(x: E) -> bool { matches!(x, E::A { .. } | E::B if is_enabled("g")) }"#);
        assert_eq!(keys(&facts), vec![lit("g")]);
    }

    #[test]
    fn check_spans() {
        let source =
            "fn f() {\n    let a = get_flag_for_user(\n        user,\n        \"k\",\n    );\n}\n";
        let facts = run(source);
        let check = &facts.checks[0];
        assert_eq!(
            text(source, check.span),
            "get_flag_for_user(\n        user,\n        \"k\",\n    )"
        );
        assert_eq!((check.span.line, check.span.column), (2, 13));
        assert_eq!((check.span.end_line, check.span.end_column), (5, 6));
        assert_eq!(text(source, check.key_span), "\"k\"");
        assert_eq!(check.spec, 0);

        let source = "fn f() { client.is_enabled(&X) }";
        let check = &run(source).checks[0];
        assert_eq!(text(source, check.span), "client.is_enabled(&X)");
        assert_eq!(text(source, check.key_span), "&X");
        assert_eq!(check.spec, 2);
    }

    #[test]
    fn non_ascii_columns_are_characters() {
        let source = "fn f() { let s = \"héllo wörld\"; is_enabled(\"k\"); }";
        let check = &run(source).checks[0];
        let byte_column = source.find("is_enabled").unwrap() + 1;
        assert_eq!(check.span.column as usize, byte_column - 2);
        assert_eq!(text(source, check.span), "is_enabled(\"k\")");
    }

    #[test]
    fn bom_and_shebang_keep_spans() {
        let source = "\u{feff}const A: &str = \"a\"; fn f() { is_enabled(\"k\"); }";
        let facts = run(source);
        assert_eq!(text(source, facts.string_consts[0].name_span), "A");
        assert_eq!(facts.string_consts[0].name_span.column, 8);
        assert_eq!(text(source, facts.checks[0].span), "is_enabled(\"k\")");

        let source = "#!/usr/bin/env run-cargo-script\nfn main() { is_enabled(\"k\"); }";
        let facts = run(source);
        assert_eq!(facts.checks[0].span.line, 2);
        assert_eq!(text(source, facts.checks[0].span), "is_enabled(\"k\")");
    }

    // --- checks: generic (turbofish) shape

    fn generic_spec(call: &str, constant: &str) -> CheckSpec {
        CheckSpec {
            call: call.split('.').map(str::to_string).collect(),
            shape: Shape::Generic {
                constant: constant.to_string(),
            },
            key: KeyArg {
                position: Some(0),
                keyword: None,
            },
            ..CheckSpec::default()
        }
    }

    fn run_generic(specs: Vec<CheckSpec>, source: &str) -> FileFacts {
        test_extract_specs(
            Grammar::Rust,
            Language::Rust,
            specs,
            &["NewRouterFlag"],
            source,
        )
    }

    fn generic_keys(source: &str) -> Vec<KeyExpr> {
        keys(&run_generic(vec![generic_spec("has_flag", "NAME")], source))
    }

    #[test]
    fn generic_checks_key_forms() {
        let facts = run_generic(
            vec![generic_spec("has_flag", "NAME")],
            r#"
fn f(cx: &Cx) {
    cx.has_flag::<NewRouterFlag>();
    cx.has_flag::<flags::NewRouterFlag>();
    has_flag::<crate::flags::NewRouterFlag>(cx);
    Flags::has_flag::<::flags::Dark>(cx, "ignored");
    self.flags.has_flag::<Self>();
    g().has_flag::<(Paren)>();
    cx.has_flag::<r#Raw>();
}
"#,
        );
        assert_eq!(
            keys(&facts),
            vec![
                path(&["NewRouterFlag", "NAME"]),
                path(&["flags", "NewRouterFlag", "NAME"]),
                path(&["crate", "flags", "NewRouterFlag", "NAME"]),
                path(&["flags", "Dark", "NAME"]),
                path(&["Self", "NAME"]),
                path(&["Paren", "NAME"]),
                path(&["Raw", "NAME"]),
            ]
        );
        assert!(facts.checks.iter().all(|c| c.spec == 0));
        // The constant comes from the spec.
        let facts = run_generic(
            vec![generic_spec("is_on", "KEY")],
            "fn f() { cx.is_on::<Beta>(); }",
        );
        assert_eq!(keys(&facts), vec![path(&["Beta", "KEY"])]);
    }

    #[test]
    fn generic_checks_spans() {
        let source = "fn f(cx: &Cx) {\n    let on = cx.has_flag::<flags::NewRouterFlag>();\n    has_flag::<A>();\n}";
        let facts = run_generic(vec![generic_spec("has_flag", "NAME")], source);
        assert_eq!(facts.checks.len(), 2);
        let c = &facts.checks[0];
        assert_eq!(
            text(source, c.span),
            "cx.has_flag::<flags::NewRouterFlag>()"
        );
        assert_eq!(text(source, c.key_span), "flags::NewRouterFlag");
        assert_eq!((c.key_span.line, c.key_span.column), (2, 28));
        let c = &facts.checks[1];
        assert_eq!(text(source, c.span), "has_flag::<A>()");
        assert_eq!(text(source, c.key_span), "A");
        // The generic type is the key, not a symbol use; other uses still are.
        assert!(facts.symbol_uses.is_empty(), "{:?}", uses(&facts));
    }

    #[test]
    fn generic_checks_type_parameters_are_dynamic() {
        let facts = run_generic(
            vec![generic_spec("has_flag", "NAME")],
            r#"
fn free<F: FeatureFlag>(cx: &Cx) { cx.has_flag::<F>(); cx.has_flag::<flags::F>(); }
impl<G: FeatureFlag> Gate<G> {
    fn m<H>(&self) { self.cx.has_flag::<G>(); self.cx.has_flag::<H>(); run(|| has_flag::<H>()); }
    fn n(&self) { fn inner() { has_flag::<G>(); } }
}
trait Checks<T> { fn c(&self) { has_flag::<T>(); } }
fn plain(cx: &Cx) { cx.has_flag::<F>(); }
"#,
        );
        assert_eq!(
            keys(&facts),
            vec![
                dynamic("type parameter `F`"),
                path(&["flags", "F", "NAME"]),
                dynamic("type parameter `G`"),
                dynamic("type parameter `H`"),
                dynamic("type parameter `H`"),
                path(&["G", "NAME"]),
                dynamic("type parameter `T`"),
                path(&["F", "NAME"]),
            ]
        );
    }

    #[test]
    fn generic_checks_callee_matching() {
        let specs = vec![generic_spec("flags.has_flag", "NAME")];
        let facts = run_generic(
            specs,
            r#"
fn f() {
    self.flags.has_flag::<A>();
    flags::has_flag::<B>();
    other.has_flag::<C>();
    has_flag::<D>();
    g().has_flag::<E>();
}
"#,
        );
        assert_eq!(
            keys(&facts),
            vec![path(&["A", "NAME"]), path(&["B", "NAME"])]
        );
        // A receiver restriction applies as for calls.
        let mut spec = generic_spec("has_flag", "NAME");
        spec.receiver = vec!["flags".to_string()];
        let facts = run_generic(
            vec![spec],
            "fn f() { self.flags.has_flag::<A>(); cx.has_flag::<B>(); }",
        );
        assert_eq!(keys(&facts), vec![path(&["A", "NAME"])]);
    }

    #[test]
    fn generic_checks_not_recorded() {
        let source = r#"
fn f<'a>(cx: &Cx) {
    cx.has_flag();
    has_flag(NewRouterFlag);
    cx.has_flag::<&NewRouterFlag>();
    cx.has_flag::<Vec<NewRouterFlag>>();
    cx.has_flag::<[u8; 2]>();
    cx.has_flag::<(A, B)>();
    cx.has_flag::<<A as B>::C>();
    cx.has_flag::<'a, NewRouterFlag>();
    cx.has_flag::<3>();
    cx.has_flags::<NewRouterFlag>();
    cx.is_flag::<NewRouterFlag>();
    Flags::<NewRouterFlag>::has_flag();
    cx.has_flag;
    // cx.has_flag::<NewRouterFlag>();
    let s = "cx.has_flag::<NewRouterFlag>()";
}
/// has_flag::<NewRouterFlag>()
fn g() {}
"#;
        assert_eq!(generic_keys(source), Vec::<KeyExpr>::new());
        // A call-shaped spec of the same name does not see turbofish generics; a generic spec
        // is not a call spec.
        let facts = run("fn f() { cx.is_enabled::<NewRouterFlag>(); }");
        assert!(facts.checks.is_empty());
        let facts = run_generic(
            vec![generic_spec("is_enabled", "NAME")],
            r#"fn f() { is_enabled("k"); is_enabled(X); }"#,
        );
        assert!(facts.checks.is_empty());
    }

    #[test]
    fn generic_checks_with_call_checks_and_nesting() {
        let call = CheckSpec {
            call: vec!["is_enabled".to_string()],
            key: KeyArg {
                position: Some(0),
                keyword: None,
            },
            ..CheckSpec::default()
        };
        let facts = run_generic(
            vec![call, generic_spec("has_flag", "NAME")],
            r#"
mod web {
    fn f(cx: &Cx) {
        assert!(cx.has_flag::<A>());
        is_enabled(if cx.has_flag::<B>() { "x" } else { "y" });
        wrap(has_flag::<C>(), is_enabled("lit"));
    }
    #[cfg(test)]
    mod tests { #[test] fn t() { cx.has_flag::<T>(); } }
}
"#,
        );
        let got: Vec<(usize, KeyExpr, bool, Vec<String>)> = facts
            .checks
            .iter()
            .map(|c| (c.spec, c.key.clone(), c.in_test, c.scope.clone()))
            .collect();
        let web = strings(&["web"]);
        let web_tests = strings(&["web", "tests"]);
        assert_eq!(
            got,
            vec![
                (1, path(&["A", "NAME"]), false, web.clone()),
                (0, dynamic("a conditional expression"), false, web.clone()),
                (1, path(&["B", "NAME"]), false, web.clone()),
                (1, path(&["C", "NAME"]), false, web.clone()),
                (0, lit("lit"), false, web.clone()),
                (1, path(&["T", "NAME"]), true, web_tests),
            ]
        );
    }

    #[test]
    fn generic_checks_skip_own_definition_and_make_forks() {
        let facts = run_generic(
            vec![generic_spec("has_flag", "NAME")],
            r#"
impl Cx {
    fn has_flag<F: FeatureFlag>(&self) -> bool { self.inner.has_flag::<F>() }
}
fn f(cx: &Cx) {
    if !cx.has_flag::<NewRouterFlag>() { return; }
    let dark = cx.has_flag::<Dark>();
    if dark { draw(); }
}
"#,
        );
        assert_eq!(
            keys(&facts),
            vec![path(&["NewRouterFlag", "NAME"]), path(&["Dark", "NAME"])]
        );
        let forks: Vec<(Vec<usize>, bool, bool)> = facts
            .forks
            .iter()
            .map(|f| (f.checks.clone(), f.negated, f.exits_early))
            .collect();
        assert_eq!(forks, vec![(vec![0], true, true), (vec![1], false, false)]);
    }

    // --- tests and scopes

    #[test]
    fn in_test_detection() {
        let facts = run(r#"
fn prod() { is_enabled("prod"); }
#[test]
fn t() { is_enabled("test attr"); }
#[tokio::test]
async fn t2() { is_enabled("tokio"); }
#[cfg(test)]
mod tests { fn helper() { is_enabled("cfg test mod"); } }
#[cfg(all(test, feature = "x"))]
fn both() { is_enabled("all"); }
#[cfg(not(test))]
fn not_test() { is_enabled("not"); }
#[cfg(feature = "test")]
fn feature() { is_enabled("feature"); }
#[cfg(test)]
impl S { fn m(&self) { is_enabled("impl"); } }
impl S { #[test] fn m2() { is_enabled("method"); } }
"#);
        let got: Vec<(KeyExpr, bool)> = facts
            .checks
            .iter()
            .map(|c| (c.key.clone(), c.in_test))
            .collect();
        assert_eq!(
            got,
            vec![
                (lit("prod"), false),
                (lit("test attr"), true),
                (lit("tokio"), true),
                (lit("cfg test mod"), true),
                (lit("all"), true),
                (lit("not"), false),
                (lit("feature"), false),
                (lit("impl"), true),
                (lit("method"), true),
            ]
        );
    }

    #[test]
    fn scopes_are_inline_modules() {
        let facts = run(r#"
use a::X;
mod outer {
    fn f() { is_enabled(X); let y = X; }
    mod inner { fn g() { is_enabled("i"); } }
}
fn top() { is_enabled("t"); }
"#);
        let scopes: Vec<Vec<String>> = facts.checks.iter().map(|c| c.scope.clone()).collect();
        assert_eq!(
            scopes,
            vec![strings(&["outer"]), strings(&["outer", "inner"]), vec![]]
        );
        assert_eq!(facts.symbol_uses.len(), 1);
        assert_eq!(facts.symbol_uses[0].scope, strings(&["outer"]));
        assert!(!facts.symbol_uses[0].in_test);
    }

    // --- symbol uses

    #[test]
    fn uses_rooted_at_imports() {
        let facts = run(r#"
use crate::flags;
use crate::other::Thing as T;
fn f() {
    let a = flags::BETA;
    let b = T::NEW;
    let c = unrelated::BETA;
    let d = flags;
    wrapper(flags::GAMMA);
}
"#);
        assert_eq!(
            uses(&facts),
            vec![
                strings(&["flags", "BETA"]),
                strings(&["T", "NEW"]),
                strings(&["flags"]),
                strings(&["flags", "GAMMA"]),
            ]
        );
    }

    #[test]
    fn imports_after_use_sites_still_count() {
        let facts = run("fn f() { let a = late::A; }\nuse crate::late;");
        assert_eq!(uses(&facts), vec![strings(&["late", "A"])]);
    }

    #[test]
    fn uses_with_interesting_segments() {
        let source = r#"
fn f() {
    let a = FeatureFlags::BETA;
    let b = Self::X;
    let c = crate::defs::BINARY_INTERFACE;
    let d = cfg.flags.X;
    let e = FeatureFlags::BETA.as_str();
    let f = other::Y;
    match k { FeatureFlags::GAMMA => {} _ => {} }
    println!("{}", X);
    return X;
}
"#;
        let facts = run(source);
        assert_eq!(
            uses(&facts),
            vec![
                strings(&["FeatureFlags", "BETA"]),
                strings(&["Self", "X"]),
                strings(&["crate", "defs", "BINARY_INTERFACE"]),
                strings(&["cfg", "flags", "X"]),
                strings(&["FeatureFlags", "BETA"]),
                strings(&["FeatureFlags", "GAMMA"]),
                strings(&["X"]),
                strings(&["X"]),
            ]
        );
        assert_eq!(text(source, facts.symbol_uses[3].span), "cfg.flags.X");
    }

    #[test]
    fn uses_not_recorded() {
        let facts = run(r#"
use crate::flags::X;
const X: &str = "x";
fn X() {}
struct FeatureFlags { X: u32 }
fn f(X: u32) {
    let X = 1;
    let s = S { X: 1 };
    let t: FeatureFlags = make();
    let u = make().X;
    let v = foo().bar.X;
    get_flag_for_user(user, X);
    get_flag_for_user(user, &FeatureFlags::X);
    if let Some(X) = o {}
}
"#);
        assert!(uses(&facts).is_empty(), "{:?}", uses(&facts));
        assert_eq!(facts.checks.len(), 2);
    }

    #[test]
    fn uses_around_checks() {
        let facts = run(r#"
use crate::flags;
fn f() {
    flags::get_flag_for_user(user, flags::KEY);
    is_enabled(format!("{}", FeatureFlags::PREFIX));
    FeatureFlags::CLIENT.is_enabled("k");
    get_flag_for_user(FeatureFlags::USER, "k");
}
"#);
        assert_eq!(
            uses(&facts),
            vec![
                strings(&["flags", "get_flag_for_user"]),
                strings(&["FeatureFlags", "PREFIX"]),
                strings(&["FeatureFlags", "CLIENT"]),
                strings(&["FeatureFlags", "USER"]),
            ]
        );
        assert_eq!(facts.checks.len(), 4);
    }

    #[test]
    fn uses_in_tests_are_marked() {
        let facts = run("#[cfg(test)]\nmod tests { #[test] fn t() { assert_eq!(X, \"x\"); } }");
        assert_eq!(facts.symbol_uses.len(), 1);
        assert!(facts.symbol_uses[0].in_test);
        assert_eq!(facts.symbol_uses[0].scope, strings(&["tests"]));
    }

    #[test]
    fn facts_are_in_source_order() {
        let facts = run(r#"
fn a() { is_enabled("1"); let x = X; }
fn b() { is_enabled(if X == 1 { "a" } else { "b" }); is_enabled("3"); }
"#);
        let lines: Vec<u32> = facts.checks.iter().map(|c| c.span.start).collect();
        let mut sorted = lines.clone();
        sorted.sort();
        assert_eq!(lines, sorted);
        let use_starts: Vec<u32> = facts.symbol_uses.iter().map(|u| u.span.start).collect();
        assert_eq!(use_starts.len(), 2);
        assert!(use_starts[0] < use_starts[1]);
    }

    // --- syntax errors and recovery

    #[test]
    fn broken_item_in_the_middle_keeps_the_rest() {
        let source = r#"
use crate::flags;
const A: &str = "a";
fn broken() { let x = ; }
const B: &str = "b";
const S: Thing = Thing { a: 1 };
fn ok() { get_flag_for_user(u, flags::X); }
"#;
        let facts = run(source);
        assert_eq!(facts.syntax_errors.len(), 1, "{:?}", facts.syntax_errors);
        assert_eq!(facts.syntax_errors[0].span.line, 4);
        assert_eq!(
            consts(&facts),
            vec![
                (strings(&["A"]), "a".to_string()),
                (strings(&["B"]), "b".to_string())
            ]
        );
        assert_eq!(keys(&facts), vec![path(&["flags", "X"])]);
        assert_eq!(facts.imports.len(), 1);
        assert_eq!(facts.module_names, strings(&["flags", "A", "B", "S", "ok"]));
    }

    #[test]
    fn broken_statement_item_and_inner_attributes() {
        let source = "#![allow(dead_code)]\n//! doc\nconst A: &str = \"a\";\nlet x = 1;\nconst B: &str = \"b\";\n";
        let facts = run(source);
        assert!(!facts.syntax_errors.is_empty());
        assert!(
            facts.syntax_errors.iter().all(|e| e.span.line == 4),
            "{:?}",
            facts.syntax_errors
        );
        assert_eq!(facts.string_consts.len(), 2);
    }

    #[test]
    fn truncated_file() {
        let source = "const A: &str = \"a\";\nfn f() { is_enabled(\"k\"); }\nfn g(";
        let facts = run(source);
        assert_eq!(facts.syntax_errors.len(), 1, "{:?}", facts.syntax_errors);
        // Unbalanced: the lexing error, and the items before the broken one still count.
        assert_eq!(facts.string_consts.len(), 1);
        assert_eq!(facts.checks.len(), 1);

        let source = "const A: &str = \"a\";\nfn f() { is_enabled(\"k\"); }\nconst B: &str";
        let facts = run(source);
        assert_eq!(facts.string_consts.len(), 1);
        assert_eq!(facts.checks.len(), 1);
        assert_eq!(facts.syntax_errors.len(), 1, "{:?}", facts.syntax_errors);
        assert_eq!(facts.syntax_errors[0].span.line, 3);
    }

    #[test]
    fn unbalanced_delimiters_give_one_error() {
        let facts = run("fn f() { is_enabled(\"k\"); ");
        assert_eq!(facts.syntax_errors.len(), 1);
        assert!(facts.checks.is_empty());
        let facts = run("fn f() { ) }");
        assert_eq!(facts.syntax_errors.len(), 1);
    }

    #[test]
    fn unbalanced_item_loses_only_itself() {
        let source = "const A: &str = \"a\";\n\n/// Docs.\nfn broken( {\n    is_enabled(\"lost\");\n}\n\n#[inline]\nfn after() {\n    is_enabled(\"after\");\n}\n";
        let facts = run(source);
        assert_eq!(
            facts.syntax_errors[0].message,
            "cannot tokenize file (unbalanced delimiter or unterminated literal)"
        );
        assert_eq!(consts(&facts).len(), 1);
        assert_eq!(keys(&facts), [KeyExpr::Literal("after".into())]);
        assert_eq!(facts.checks[0].span.line, 10);
    }

    #[test]
    fn syntax_errors_are_capped() {
        let source = "let x = 1;\n".repeat(100);
        let facts = run(&source);
        assert_eq!(facts.syntax_errors.len(), MAX_SYNTAX_ERRORS);
    }

    #[test]
    fn garbage_and_prefixes_never_panic() {
        let sample = r##"#![allow(x)]
//! Module doc é ü 漢字
use crate::flags::{self, X as Y, z::*};
pub const A: &'static str = "a\"b";
static B: &str = r#"raw "quoted""#;
/* nested /* comment */ */
#[cfg(test)]
mod tests {
    #[test]
    fn t<'a>(x: &'a str) -> char { let c = 'x'; let l = '\''; is_enabled(&X); c }
}
impl<T: Clone> S<T> where T: Send {
    fn m(&self) -> Vec<Vec<u8>> { self.c.get_flag_for_user(u, flags::Y).then(|| vec![b'a']) }
}
"##;
        for (i, _) in sample.char_indices() {
            let _ = run(&sample[..i]);
            let _ = run(&sample[i..]);
        }
        let garbage = [
            "\u{0}\u{1}\u{fffd}\u{7f}",
            "'''''",
            "r#\"",
            "/* unterminated",
            "b'",
            "#!",
            "#![",
            "\u{feff}",
            "}}}}{{{{",
            "fn fn fn ; ; {}",
            "'\\u{1F600}' 'a 'ab'",
            "\u{202e}fn f() {}",
        ];
        for g in garbage {
            let _ = run(g);
        }
    }

    #[test]
    fn deep_nesting_is_rejected_without_overflow() {
        let depth = 100_000;
        let source = format!("fn f() {{ {}1{} }}", "(".repeat(depth), ")".repeat(depth));
        let facts = run(&source);
        assert_eq!(facts.syntax_errors.len(), 1);
        assert!(facts.syntax_errors[0]
            .message
            .contains("nesting deeper than 200"));
        assert!(facts.checks.is_empty() && facts.string_consts.is_empty());
        // Brackets in strings and comments do not count.
        let source = format!(
            "const A: &str = \"{}\"; // {}\nfn f() {{ is_enabled(\"k\"); }}",
            "(".repeat(500),
            "[".repeat(500)
        );
        let facts = run(&source);
        assert!(facts.syntax_errors.is_empty());
        assert_eq!(facts.checks.len(), 1);
    }

    #[test]
    fn nesting_at_the_limit_is_parsed() {
        // 199 nested parentheses inside the fn body braces: 200 levels.
        let source = format!(
            "fn f() {{ {}is_enabled(X){} }}",
            "(".repeat(198),
            ")".repeat(198)
        );
        let facts = run(&source);
        assert!(facts.syntax_errors.is_empty(), "{:?}", facts.syntax_errors);
        assert_eq!(keys(&facts), vec![path(&["X"])]);
        // Nested closures with blocks are parsed on the deep stack.
        let source = format!(
            "fn f() {{ {}is_enabled(X){} }}",
            "|| { ".repeat(190),
            " }".repeat(190)
        );
        let facts = run(&source);
        assert!(facts.syntax_errors.is_empty());
        assert_eq!(keys(&facts), vec![path(&["X"])]);
    }

    #[test]
    fn very_long_member_chain_is_rejected_without_overflow() {
        let source = format!("fn f() {{ let a = FeatureFlags{}; }}", ".b".repeat(100_000));
        let facts = run(&source);
        assert_eq!(facts.syntax_errors.len(), 1);
        assert!(facts.symbol_uses.is_empty());
        let source = format!("fn f() {{ let a = 1{}; }}", " + 1".repeat(100_000));
        assert_eq!(run(&source).syntax_errors.len(), 1);
        let source = format!("fn f() {{ let a = {}x; }}", "!".repeat(100_000));
        assert_eq!(run(&source).syntax_errors.len(), 1);
    }

    #[test]
    fn long_chains_are_parsed_on_a_deep_stack() {
        let source = format!(
            "fn f() {{ let a = FeatureFlags{}; is_enabled(X); }}",
            ".b".repeat(5_000)
        );
        let facts = run(&source);
        assert!(facts.syntax_errors.is_empty());
        assert_eq!(facts.symbol_uses.len(), 1);
        assert_eq!(facts.symbol_uses[0].path.len(), 5_001);
        assert_eq!(keys(&facts), vec![path(&["X"])]);
        let source = format!(
            "fn f() {{ let v: {}u8{} = is_enabled(X); }}",
            "Vec<".repeat(2_000),
            ">".repeat(2_000)
        );
        assert_eq!(keys(&run(&source)), vec![path(&["X"])]);
    }

    #[test]
    fn depth_scan_handles_literals_and_comments() {
        let scan = scan_depth(
            br##"fn f() { let a = '{'; let b = "}}}"; /* { /* { */ */ let c = r#"{"#; }"##,
        );
        assert_eq!(scan.nesting, 1);
        let scan = scan_depth(b"fn f<'a>(x: &'a str) { 'outer: loop { break 'outer; } }");
        assert_eq!(scan.nesting, 2);
        let scan = scan_depth(b"a; b; c; d; e; f;");
        assert_eq!(scan.run, 1);
        let scan = scan_depth(b"fn a() {} fn b() {} fn c() {}");
        assert_eq!(scan.run, 4);
        let scan = scan_depth(b"if a {} else if b {} else {}");
        assert!(scan.run >= 8);
    }

    // --- forks

    /// (kind, checks, negated, compound, has_else, exits_early, chain_head_is_flag, parent)
    type ForkRow = (
        ForkKind,
        Vec<usize>,
        bool,
        bool,
        bool,
        bool,
        bool,
        Option<usize>,
    );

    fn fork_rows(facts: &FileFacts) -> Vec<ForkRow> {
        facts
            .forks
            .iter()
            .map(|f| {
                (
                    f.kind,
                    f.checks.clone(),
                    f.negated,
                    f.compound,
                    f.has_else,
                    f.exits_early,
                    f.chain_head_is_flag,
                    f.parent,
                )
            })
            .collect()
    }

    fn in_fn(body: &str) -> FileFacts {
        run(&format!("fn f(u: U, p: bool) {{\n{body}\n}}"))
    }

    fn fork_count(body: &str) -> usize {
        in_fn(body).forks.len()
    }

    fn negated(cond: &str) -> bool {
        let facts = in_fn(&format!(
            "let on = flags.is_enabled(\"k\");\nif {cond} {{ a(); }}"
        ));
        assert_eq!(facts.forks.len(), 1, "{cond}");
        facts.forks[0].negated
    }

    fn compound(cond: &str) -> bool {
        let facts = in_fn(&format!(
            "let on = flags.is_enabled(\"k\");\nif {cond} {{ a(); }}"
        ));
        assert_eq!(facts.forks.len(), 1, "{cond}");
        facts.forks[0].compound
    }

    fn exits(body: &str) -> bool {
        let facts = in_fn(&format!("loop {{ if is_enabled(X) {{ {body} }} }}"));
        assert_eq!(facts.forks.len(), 1, "{body}");
        facts.forks[0].exits_early
    }

    #[test]
    fn fork_bodies() {
        let facts = in_fn(
            "if !is_enabled(X) { return Ok(()); }\n\
             if !is_enabled(X) { warn_user_once!(\"x\"); }\n\
             if is_enabled(X) { a(); b() } else { }\n\
             if is_enabled(X) { tracing::debug!(\"x\"); bail!(\"y\") } else if p { a() }\n\
             if is_enabled(X) { 1 } else { log::info!(\"z\") }",
        );
        assert_eq!(
            flow::describe_bodies(&facts.forks),
            "Exit, Log, Code/Empty, Exit, Code/Log"
        );
    }

    #[test]
    fn fork_then_branch_taken_without_the_flag() {
        let without = |cond: &str| {
            let facts = in_fn(&format!(
                "let on = flags.is_enabled(\"k\");\nif {cond} {{ a(); }}"
            ));
            facts.forks.len() == 1 && facts.forks[0].then_without_flag
        };
        flow::check_without(
            without,
            &[
                ("on || p", true),
                ("is_enabled(Y) || p", true),
                ("on == true || p", true),
                ("on && p", false),
                ("!on && !p", false),
                ("!(on || p)", false),
            ],
        );
    }

    #[test]
    fn fork_in_a_block_of_an_else_if_let_scrutinee_is_not_a_chain_link() {
        let facts = in_fn(
            "if p { a() } else if let Some(x) = { if is_enabled(X) { b() } else { None } } { c(x) }",
        );
        assert_eq!(fork_rows(&facts).len(), 1);
        assert_eq!(facts.forks[0].kind, ForkKind::If);
        assert_eq!(facts.forks[0].parent, None);
        // A check in the scrutinee itself still makes the link a fork.
        let facts = in_fn("if p { a() } else if let Some(x) = get(is_enabled(X)) { c(x) }");
        assert_eq!(facts.forks[0].kind, ForkKind::ElseIf);
    }

    #[test]
    fn fork_if_else_with_a_direct_check() {
        let source =
            "fn f() {\n    if is_enabled(X) {\n        a();\n    } else {\n        b();\n    }\n}";
        let facts = run(source);
        assert_eq!(
            fork_rows(&facts),
            vec![(
                ForkKind::If,
                vec![0],
                false,
                false,
                true,
                false,
                false,
                None
            )]
        );
        let span = facts.forks[0].span;
        assert_eq!(text(source, span), "if is_enabled(X)");
        assert_eq!((span.line, span.column), (2, 5));
        assert_eq!((span.end_line, span.end_column), (2, 21));
    }

    #[test]
    fn fork_spans_cover_keyword_to_condition_end() {
        let source = "fn f() {\n    let x = 1;\n    if a {\n    } else if flags.is_enabled(\n        X,\n    ) && b {\n    }\n}";
        let facts = run(source);
        assert_eq!(facts.forks.len(), 1);
        let span = facts.forks[0].span;
        assert_eq!(
            text(source, span),
            "if flags.is_enabled(\n        X,\n    ) && b"
        );
        assert_eq!((span.line, span.column), (4, 12));
        assert_eq!((span.end_line, span.end_column), (6, 11));

        let source = "fn f() { let on = is_enabled(X);\n  if !on { a() } }";
        let facts = run(source);
        assert_eq!(text(source, facts.forks[0].span), "if !on");
        assert_eq!(
            (facts.forks[0].span.line, facts.forks[0].span.column),
            (2, 3)
        );
    }

    #[test]
    fn fork_via_check_local() {
        let facts = in_fn("let on = flags.is_enabled(X);\nif on { a(); }");
        assert_eq!(
            fork_rows(&facts),
            vec![(
                ForkKind::If,
                vec![0],
                false,
                false,
                false,
                false,
                false,
                None
            )]
        );
        // Typed, mutable but assigned once, parenthesised and awaited values.
        assert_eq!(
            fork_count("let mut on: bool = (is_enabled(X));\nif on {}"),
            1
        );
        assert_eq!(
            fork_count("let on = client.is_enabled(X).await;\nif on {}"),
            1
        );
        assert_eq!(fork_count("let on = (is_enabled(X).await);\nif (on) {}"), 1);
        // Used inside a closure of the same fn.
        assert_eq!(
            fork_count("let on = is_enabled(X);\nrun(|| if on { a() });"),
            1
        );
        // Used deeper in the condition.
        assert_eq!(
            fork_count("let on = is_enabled(X);\nif a(b(on), 1) > 2 {}"),
            1
        );
    }

    #[test]
    fn no_fork_via_locals_that_are_not_check_locals() {
        // Assigned twice: reassignment (before or after the if), compound assignment, shadowing.
        assert_eq!(
            fork_count("let mut on = is_enabled(X);\non = false;\nif on {}"),
            0
        );
        assert_eq!(
            fork_count("let mut on = is_enabled(X);\nif on {}\non = false;"),
            0
        );
        assert_eq!(
            fork_count("let mut on = is_enabled(X);\non |= p;\nif on {}"),
            0
        );
        assert_eq!(
            fork_count("let on = 1;\nlet on = is_enabled(X);\nif on {}"),
            0
        );
        assert_eq!(
            fork_count("let on = is_enabled(X);\nlet on = !on;\nif on {}"),
            0
        );
        assert_eq!(
            fork_count("let on = is_enabled(X);\nif on {}\nfor on in xs {}"),
            0
        );
        assert_eq!(
            fork_count("let on = is_enabled(X);\nif on {}\nmatch x { Some(on) => {} _ => {} }"),
            0
        );
        assert_eq!(
            fork_count("let on = is_enabled(X);\nif on {}\nlet g = |on: bool| on;"),
            0
        );
        // A parameter, also when re-bound from a check.
        assert_eq!(fork_count("if p {}"), 0);
        assert_eq!(fork_count("let p = is_enabled(X);\nif p {}"), 0);
        // Not directly a check call.
        assert_eq!(fork_count("let on = wrap(is_enabled(X));\nif on {}"), 0);
        assert_eq!(fork_count("let on = other(X);\nif on {}"), 0);
        assert_eq!(fork_count("let (on, b) = (is_enabled(X), 1);\nif on {}"), 0);
        // Not a plain identifier.
        assert_eq!(fork_count("let on = is_enabled(X);\nif self.on {}"), 0);
        assert_eq!(fork_count("let on = is_enabled(X);\nif m::on {}"), 0);
        // Bound in another fn.
        let facts = run("fn a() { let on = is_enabled(X); }\nfn b() { if on {} }");
        assert!(facts.forks.is_empty());
        let facts = run("fn a() { let on = is_enabled(X); fn b() { if on {} } }");
        assert!(facts.forks.is_empty());
    }

    #[test]
    fn ordinary_ifs_produce_no_fork() {
        let facts = in_fn(
            "if a {} else if b == 1 { c() } else {}\nif x && y {}\nif let Some(v) = o {}\nwhile is_enabled(X) {}\nmatch is_enabled(Y) { _ => {} }\nif p { is_enabled(Z); }",
        );
        assert_eq!(facts.checks.len(), 3);
        assert!(facts.forks.is_empty(), "{:?}", facts.forks);
    }

    #[test]
    fn fork_negations() {
        for cond in [
            "!is_enabled(X)",
            "!(is_enabled(X))",
            "(!flags.is_enabled(X))",
            "is_enabled(X) == false",
            "false == is_enabled(X)",
            "is_enabled(X) != true",
            "true != is_enabled(X)",
            "(is_enabled(X)) == false",
            "!on",
            "!(on)",
            "on == false",
            "false == on",
            "on != true",
            "true != (on)",
            "!!!on",
            "!is_enabled(X).await",
        ] {
            assert!(negated(cond), "{cond}");
        }
        for cond in [
            "is_enabled(X)",
            "on",
            "!!on",
            "!!is_enabled(X)",
            "!(!is_enabled(X))",
            "on == true",
            "is_enabled(X) != false",
            "!(on && x)",
            "!x && on",
            "get_flag_for_user(u, X) == \"on\"",
            "!wrap(is_enabled(X))",
            "on == p",
        ] {
            assert!(!negated(cond), "{cond}");
        }
    }

    #[test]
    fn fork_compound_conditions() {
        for cond in [
            "is_enabled(X) && a",
            "a || on",
            "a && (b || (c && is_enabled(X)))",
            "!(a && on)",
            "(a || on) == false",
            "a && b && wrap(on)",
        ] {
            assert!(compound(cond), "{cond}");
        }
        for cond in [
            "is_enabled(X)",
            "!on",
            "on == (a && b)",
            "wrap(a && on)",
            "get_flag_for_user(u, X) == \"on\"",
        ] {
            assert!(!compound(cond), "{cond}");
        }
    }

    #[test]
    fn fork_has_else_and_chains() {
        let facts = in_fn(
            "if is_enabled(A) { a() } else if is_enabled(B) { b() } else if is_enabled(C) { c() } else { d() }",
        );
        assert_eq!(
            fork_rows(&facts),
            vec![
                (
                    ForkKind::If,
                    vec![0],
                    false,
                    false,
                    true,
                    false,
                    false,
                    None
                ),
                (
                    ForkKind::ElseIf,
                    vec![1],
                    false,
                    false,
                    true,
                    false,
                    true,
                    None
                ),
                (
                    ForkKind::ElseIf,
                    vec![2],
                    false,
                    false,
                    true,
                    false,
                    true,
                    None
                ),
            ]
        );
        // An ElseIf with nothing after it.
        let facts = in_fn("if is_enabled(A) { a() } else if is_enabled(B) { return; }");
        assert_eq!(
            fork_rows(&facts),
            vec![
                (
                    ForkKind::If,
                    vec![0],
                    false,
                    false,
                    true,
                    false,
                    false,
                    None
                ),
                (
                    ForkKind::ElseIf,
                    vec![1],
                    false,
                    false,
                    false,
                    true,
                    true,
                    None
                ),
            ]
        );
        // Chain head not a flag.
        let facts = in_fn("if a { } else if b { } else if !is_enabled(B) { } else { }");
        assert_eq!(
            fork_rows(&facts),
            vec![(
                ForkKind::ElseIf,
                vec![0],
                true,
                false,
                true,
                false,
                false,
                None
            )]
        );
        let facts = in_fn("if is_enabled(A) { } else if b { } else if on() || is_enabled(C) { }");
        assert_eq!(
            fork_rows(&facts),
            vec![
                (
                    ForkKind::If,
                    vec![0],
                    false,
                    false,
                    true,
                    false,
                    false,
                    None
                ),
                (
                    ForkKind::ElseIf,
                    vec![1],
                    false,
                    true,
                    false,
                    false,
                    true,
                    None
                ),
            ]
        );
    }

    #[test]
    fn fork_exits_early() {
        for body in [
            "return;",
            "return",
            "return 1;",
            "break;",
            "break 'outer",
            "continue;",
            "continue",
            "a(); return;",
            "panic!(\"no\");",
            "panic!(\"no\")",
            "std::panic!()",
            "unreachable!()",
            "bail!(\"x\");",
            "anyhow::bail!(\"x\")",
            "todo!();",
        ] {
            assert!(exits(body), "{body}");
        }
        for body in [
            "",
            "a();",
            "return; a();",
            "if x { return; }",
            "println!(\"x\");",
            "let x = 1;",
            "{ return; }",
        ] {
            assert!(!exits(body), "{body}");
        }
        // Not when an else follows.
        let facts = in_fn("if is_enabled(X) { return; } else { a(); }");
        assert!(!facts.forks[0].exits_early);
        let facts = in_fn("if is_enabled(X) { return; } else if is_enabled(Y) { return; }");
        assert!(!facts.forks[0].exits_early);
        assert!(facts.forks[1].exits_early);
    }

    #[test]
    fn fork_parents() {
        // Nested in the then-branch and in the else-branch.
        let facts = in_fn(
            "if is_enabled(A) {\n if is_enabled(B) {}\n} else {\n if is_enabled(C) {}\n}\nif is_enabled(D) {}",
        );
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        assert_eq!(parents, vec![None, Some(0), Some(0), None]);

        // Through a non-flag if, and a flag if inside an if expression.
        let facts =
            in_fn("if is_enabled(A) { if plain { let v = if is_enabled(B) { 1 } else { 2 }; } }");
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        assert_eq!(parents, vec![None, Some(0)]);

        // Inside an ElseIf body; an ElseIf's parent is its head's parent.
        let facts = in_fn(
            "if is_enabled(A) {\n if is_enabled(B) {} else if is_enabled(C) { if is_enabled(D) {} } else { if is_enabled(E) {} }\n}",
        );
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        let kinds: Vec<ForkKind> = facts.forks.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ForkKind::If,
                ForkKind::If,
                ForkKind::ElseIf,
                ForkKind::If,
                ForkKind::If
            ]
        );
        assert_eq!(parents, vec![None, Some(0), Some(0), Some(2), Some(2)]);

        // Non-flag links of a chain: forks in their bodies belong to the previous flag link.
        let facts = in_fn(
            "if is_enabled(A) {} else if b { if is_enabled(B) {} } else { if is_enabled(C) {} }",
        );
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        assert_eq!(parents, vec![None, Some(0), Some(0)]);
        let facts = in_fn("if a {} else if is_enabled(B) { if is_enabled(C) {} }");
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        assert_eq!(parents, vec![None, Some(0)]);
        assert!(!facts.forks[0].chain_head_is_flag);
    }

    #[test]
    fn fork_parent_boundaries() {
        // Not inside the condition.
        let facts = in_fn(
            "if run(|| if is_enabled(B) { 1 } else { 2 }) && is_enabled(A) { if is_enabled(C) {} }",
        );
        assert_eq!(facts.checks.len(), 3);
        assert_eq!(
            fork_rows(&facts),
            vec![
                (
                    ForkKind::If,
                    vec![0, 1],
                    false,
                    true,
                    false,
                    false,
                    false,
                    None
                ),
                (
                    ForkKind::If,
                    vec![0],
                    false,
                    false,
                    true,
                    false,
                    false,
                    None
                ),
                (
                    ForkKind::If,
                    vec![2],
                    false,
                    false,
                    false,
                    false,
                    false,
                    Some(0)
                ),
            ]
        );
        // Not in an else-if condition either: its context is the previous link's else branch.
        let facts = in_fn("if is_enabled(A) {} else if run(|| if is_enabled(B) {}) {}");
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        assert_eq!(parents, vec![None, None, Some(0)]);
        // Closures are not boundaries, named fns are.
        let facts = in_fn(
            "if is_enabled(A) {\n run(|x| { if is_enabled(B) {} });\n fn inner() { if is_enabled(C) {} }\n}",
        );
        let parents: Vec<Option<usize>> = facts.forks.iter().map(|f| f.parent).collect();
        assert_eq!(parents, vec![None, Some(0), None]);
        // Forks in an fn after a nested fn still see their parent.
        let facts = in_fn("if is_enabled(A) { fn inner() {} if is_enabled(B) {} }");
        assert_eq!(facts.forks[1].parent, Some(0));
    }

    #[test]
    fn fork_checks_reference_the_right_sites() {
        let facts = in_fn(
            "is_enabled(\"before\");\nlet on = get_flag_for_user(u, A);\nlet off = is_enabled(B);\nif is_enabled(C) && on && off && on {}\nif wrap(is_enabled(D), on) {}",
        );
        let keys = keys(&facts);
        assert_eq!(keys[1], path(&["A"]));
        assert_eq!(keys[2], path(&["B"]));
        assert_eq!(keys[3], path(&["C"]));
        assert_eq!(keys[4], path(&["D"]));
        assert_eq!(facts.forks.len(), 2);
        assert_eq!(facts.forks[0].checks, vec![1, 2, 3]);
        assert_eq!(facts.forks[1].checks, vec![1, 4]);
    }

    #[test]
    fn fork_other_condition_shapes() {
        // if let, checks inside macro arguments, ifs inside macro arguments and closures.
        let facts = in_fn("if let Some(v) = get_flag_for_user(u, X) { a(v) }");
        assert_eq!(fork_rows(&facts)[0].1, vec![0]);
        let facts = in_fn("if matches!(get_flag_for_user(u, X), Some(_)) {}");
        assert_eq!(facts.forks.len(), 1);
        let facts = in_fn("assert!(if is_enabled(X) { true } else { false });");
        assert_eq!(facts.forks.len(), 1);
        // Outside fns: const initialisers and impl methods.
        let facts = run(
            "const C: u8 = if is_enabled(X) { 1 } else { 2 };\nimpl S { fn m(&self) { let on = self.c.is_enabled(Y); if !on { return; } } }",
        );
        assert_eq!(
            fork_rows(&facts),
            vec![
                (
                    ForkKind::If,
                    vec![0],
                    false,
                    false,
                    true,
                    false,
                    false,
                    None
                ),
                (ForkKind::If, vec![1], true, false, false, true, false, None),
            ]
        );
        // Recovered items (the file does not parse) still report forks.
        let facts = run("fn broken() { let x = ; }\nfn ok() { if is_enabled(X) {} }");
        assert!(!facts.syntax_errors.is_empty());
        assert_eq!(facts.forks.len(), 1);
        let facts = run("fn broken( {\n\nfn ok() { let on = is_enabled(X); if on {} }\n");
        assert_eq!(facts.forks.len(), 1);
    }

    #[test]
    fn deep_if_nesting_is_rejected_without_overflow() {
        let depth = 10_000;
        let source = format!(
            "fn f() {{ {}a(); {} }}",
            "if is_enabled(X) { ".repeat(depth),
            "}".repeat(depth)
        );
        let facts = run(&source);
        assert_eq!(facts.syntax_errors.len(), 1);
        assert!(facts.syntax_errors[0]
            .message
            .contains("nesting deeper than 200"));
        assert!(facts.forks.is_empty() && facts.checks.is_empty());
        // At the limit it is parsed and every level is the child of the previous one.
        let depth = 190;
        let source = format!(
            "fn f() {{ {}a(); {} }}",
            "if is_enabled(X) { ".repeat(depth),
            "}".repeat(depth)
        );
        let facts = run(&source);
        assert!(facts.syntax_errors.is_empty());
        assert_eq!(facts.forks.len(), depth);
        assert!(facts
            .forks
            .iter()
            .enumerate()
            .all(|(i, f)| f.parent == i.checked_sub(1)));
    }

    #[test]
    fn long_else_if_chain_without_overflow() {
        let chain = |n: usize| {
            format!(
                "fn f() {{ if is_enabled(X) {{ }}{} else {{ }} }}",
                " else if is_enabled(X) { }".repeat(n)
            )
        };
        // 10 000 links exceed the caller's expression limit: one error, nothing else.
        let facts = run(&chain(10_000));
        assert_eq!(facts.syntax_errors.len(), 1, "{:?}", facts.syntax_errors);
        assert!(facts.forks.is_empty());
        // A long chain below the limit is parsed (on the deep stack) and walked link by link.
        let n = 5_000;
        let facts = run(&chain(n));
        assert!(facts.syntax_errors.is_empty());
        assert_eq!(facts.forks.len(), n + 1);
        assert!(facts.forks[1..].iter().all(|f| f.kind == ForkKind::ElseIf
            && f.parent.is_none()
            && f.chain_head_is_flag
            && f.has_else));
        assert_eq!(facts.forks[n].checks, vec![n]);
    }

    #[test]
    fn definition_kinds() {
        use crate::facts::ConstKind;
        let shapes = DefinitionShapes {
            enums: strings(&["Feature"]),
            structs: strings(&["Settings"]),
            ..Default::default()
        };
        let source =
            "pub const A: &str = \"a\";\nenum Feature { B }\nstruct Settings { c: bool }\n";
        assert_eq!(
            crate::lang::const_kinds(&defs(shapes, source)),
            [
                ConstKind::Constant,
                ConstKind::EnumVariant,
                ConstKind::StructField
            ]
        );
    }

    // --- members, calls and key mentions

    #[test]
    fn container_members_whatever_their_value() {
        let source = r#"
pub enum PreviewFeature { JsonOutput, Pylock(u8) }
pub struct Settings { shadow: bool, limit: u32 }
impl PreviewFeature {
    pub fn as_str(self) -> &'static str { "" }
    const COUNT: usize = 2;
}
impl std::fmt::Display for PreviewFeature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) }
}
fn local() {
    enum Hidden { A }
}
"#;
        let facts = run(source);
        assert_eq!(
            facts.member_names,
            [
                "PreviewFeature.JsonOutput",
                "PreviewFeature.Pylock",
                "Settings.shadow",
                "Settings.limit",
                "PreviewFeature.as_str",
                "PreviewFeature.COUNT",
                "PreviewFeature.fmt"
            ]
        );
    }

    #[test]
    fn called_paths_and_receivers_are_marked() {
        let source = r#"
use crate::flags::FeatureFlags;
fn f() {
    let all = FeatureFlags::metadata();
    let name = FeatureFlags::X.as_str();
    take(FeatureFlags::Y);
    let g = flags::cfg.X.clone();
}
"#;
        let expected = [
            ("FeatureFlags::metadata", true),
            ("FeatureFlags::X", true),
            ("FeatureFlags::Y", false),
            ("flags::cfg::X", true),
        ];
        crate::lang::assert_called(&run(source), "::", &expected);
    }

    #[test]
    fn literal_mentions_of_keys() {
        let source = r#"
const EXPOSED: &[&str] = &["compact-tables"];
fn f() { lookup("compact-tables"); lookup("other"); }
#[cfg(test)]
mod tests { fn t() { lookup("compact-tables"); } }
"#;
        let facts = crate::lang::test_extract_file(
            Grammar::Rust,
            Language::Rust,
            false,
            &["compact-tables"],
            source,
        );
        let lines: Vec<u32> = facts.key_mentions.iter().map(|(_, s)| s.line).collect();
        assert_eq!(lines, [2, 3]);
    }

    // --- definition shapes

    fn defs(shapes: DefinitionShapes, source: &str) -> FileFacts {
        crate::lang::test_extract_definitions(Grammar::Rust, Language::Rust, shapes, source)
    }

    fn enums(names: &[&str]) -> DefinitionShapes {
        DefinitionShapes {
            enums: strings(names),
            ..Default::default()
        }
    }

    fn structs(names: &[&str]) -> DefinitionShapes {
        DefinitionShapes {
            structs: strings(names),
            ..Default::default()
        }
    }

    fn registrations(specs: &[(&str, usize)]) -> DefinitionShapes {
        DefinitionShapes {
            registrations: specs
                .iter()
                .map(|(call, position)| {
                    let key = KeyArg {
                        position: Some(*position),
                        keyword: None,
                    };
                    (call.split('.').map(str::to_string).collect(), key)
                })
                .collect(),
            ..Default::default()
        }
    }

    fn symbol_values(facts: &FileFacts) -> Vec<(String, String)> {
        facts
            .string_consts
            .iter()
            .map(|c| (c.symbol.join("::"), c.value.clone()))
            .collect()
    }

    #[test]
    fn enum_variants_are_definitions() {
        let source = r#"
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Feature {
    NewRouter,
    #[serde(rename = "async_drain")]
    AsyncDrain,
    Tuple(u32),
    Record { on: bool },
    Numbered = 3,
    #[serde(rename(serialize = "ser", deserialize = "de"))]
    Both,
    #[serde(rename(deserialize = "de_only"))]
    DeOnly,
    #[serde(alias = "x", rename = r"raw\n")]
    Raw,
    r#Type,
}
"#;
        let facts = defs(enums(&["Feature"]), source);
        assert_eq!(
            symbol_values(&facts),
            pairs(&[
                ("Feature::NewRouter", "NewRouter"),
                ("Feature::AsyncDrain", "async_drain"),
                ("Feature::Tuple", "Tuple"),
                ("Feature::Record", "Record"),
                ("Feature::Numbered", "Numbered"),
                ("Feature::Both", "ser"),
                ("Feature::DeOnly", "de_only"),
                ("Feature::Raw", "raw\\n"),
                ("Feature::Type", "Type"),
            ])
        );
        assert!(facts.string_consts.iter().all(|c| c.exported));
        let drain = &facts.string_consts[1];
        assert_eq!(text(source, drain.name_span), "AsyncDrain");
        assert_eq!(
            text(source, drain.span),
            "#[serde(rename = \"async_drain\")]\n    AsyncDrain"
        );
        assert_eq!(drain.name_span.line, 9);
        assert_eq!(
            text(source, facts.string_consts[3].span),
            "Record { on: bool }"
        );
        assert_eq!(text(source, facts.string_consts[8].name_span), "r#Type");
        // The enum's other facts are unchanged.
        assert_eq!(facts.module_names, strings(&["Deserialize", "Feature"]));
    }

    #[test]
    fn enum_variants_in_inline_modules() {
        let source = r#"
pub mod flags {
    pub enum Feature { A }
    mod inner { enum Feature { #[serde(rename = "b-key")] B } }
}
enum Feature { C }
"#;
        let facts = defs(enums(&["Feature"]), source);
        assert_eq!(
            symbol_values(&facts),
            pairs(&[
                ("flags::Feature::A", "A"),
                ("flags::inner::Feature::B", "b-key"),
                ("Feature::C", "C"),
            ])
        );
    }

    #[test]
    fn enum_look_alikes_are_not_definitions() {
        let source = r#"
enum Other { NotAFlag }
struct Feature { on: bool }
fn f() { enum Feature { InFn } }
impl S { fn g() { enum Feature { InMethod } } }
const C: () = { enum Feature { InConst } };
#[cfg(test)]
enum Feature { TestOnly }
#[cfg(test)]
mod tests { enum Feature { InTests } }
enum Feature {
    Kept,
    #[cfg(test)]
    TestVariant,
}
// enum Feature { Comment }
const S: &str = "enum Feature { InString }";
"#;
        let facts = defs(enums(&["Feature"]), source);
        assert_eq!(
            symbol_values(&facts),
            pairs(&[
                ("Feature::Kept", "Kept"),
                ("S", "enum Feature { InString }")
            ])
        );
        // Without the shape the enum adds nothing.
        let plain = run(source);
        assert_eq!(
            consts(&plain),
            vec![(strings(&["S"]), "enum Feature { InString }".into())]
        );
    }

    #[test]
    fn struct_fields_are_definitions() {
        let source = r#"
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureSettings {
    pub shadow_traffic: bool,
    pub canary: Option<bool>,
    pub region: String,
    #[serde(rename = "dark-mode")]
    dark: bool,
    full: std::option::Option<bool>,
    qualified: core::primitive::bool,
    r#async: bool,
    list: Vec<bool>,
    maybe: Option<String>,
    reference: &'static bool,
    nested: Option<Option<bool>>,
    #[cfg(test)]
    test_only: bool,
}
mod inner { pub struct FeatureSettings { pub beta: bool } }
"#;
        let facts = defs(structs(&["FeatureSettings"]), source);
        assert_eq!(
            symbol_values(&facts),
            pairs(&[
                ("FeatureSettings::shadow_traffic", "shadowTraffic"),
                ("FeatureSettings::canary", "canary"),
                ("FeatureSettings::region", "region"),
                ("FeatureSettings::dark", "dark-mode"),
                ("FeatureSettings::full", "full"),
                ("FeatureSettings::qualified", "qualified"),
                ("FeatureSettings::async", "async"),
                ("FeatureSettings::list", "list"),
                ("FeatureSettings::maybe", "maybe"),
                ("FeatureSettings::reference", "reference"),
                ("FeatureSettings::nested", "nested"),
                ("inner::FeatureSettings::beta", "beta"),
            ])
        );
        let canary = &facts.string_consts[1];
        assert_eq!(text(source, canary.span), "pub canary: Option<bool>");
        assert_eq!(text(source, canary.name_span), "canary");
        assert_eq!(canary.name_span.line, 6);
        assert!(facts.string_consts.iter().all(|c| c.exported));
    }

    #[test]
    fn struct_look_alikes_are_not_definitions() {
        let source = r#"
struct Other { on: bool }
struct FeatureSettings(bool, Option<bool>);
enum FeatureSettings { A }
fn f() { struct FeatureSettings { in_fn: bool } }
#[cfg(test)]
struct FeatureSettings { test_only: bool }
#[cfg(test)]
mod tests { struct FeatureSettings { in_tests: bool } }
// struct FeatureSettings { comment: bool }
"#;
        let facts = defs(structs(&["FeatureSettings"]), source);
        assert!(facts.string_consts.is_empty(), "{:?}", facts.string_consts);
        // Listing the struct name as an enum does not make its fields variants.
        let facts = defs(enums(&["Other"]), "struct Other { on: bool }");
        assert!(facts.string_consts.is_empty());
    }

    #[test]
    fn registration_calls_are_definitions() {
        let source = r##"
static MANAGER: Lazy<M> = Lazy::new(|| { let m = M::new(); m.manager.add("in-static", F); m });
fn setup(manager: &mut Manager) {
    manager.add("organizations:a", OrganizationFeature);
    self.manager.add("b", F);
    features::manager::add("c");
    manager.add(&"d");
    manager.add(("e"));
    assert!(manager.add("in-macro", F));
    let f = |x| manager.add("in-closure", x);
    manager.add("esc\"aped\t", F);
    manager.add(r#"raw"#, F);
    register(F, "positional");
}
"##;
        let shapes = registrations(&[("manager.add", 0), ("register", 1)]);
        let facts = defs(shapes, source);
        let keys: Vec<String> = facts
            .string_consts
            .iter()
            .map(|c| c.value.clone())
            .collect();
        assert_eq!(
            keys,
            strings(&[
                "in-static",
                "organizations:a",
                "b",
                "c",
                "d",
                "e",
                "in-macro",
                "in-closure",
                "esc\"aped\t",
                "raw",
                "positional",
            ])
        );
        assert!(facts
            .string_consts
            .iter()
            .all(|c| c.symbol == vec![c.value.clone()] && c.exported));
        let first = &facts.string_consts[1];
        assert_eq!(
            text(source, first.span),
            "manager.add(\"organizations:a\", OrganizationFeature)"
        );
        assert_eq!(text(source, first.name_span), "\"organizations:a\"");
        assert_eq!(
            text(source, facts.string_consts[3].span),
            "features::manager::add(\"c\")"
        );
        assert_eq!(text(source, facts.string_consts[4].name_span), "\"d\"");
        // Other facts are unchanged: the call is no check, `setup` is a module name.
        assert!(facts.checks.is_empty());
        assert_eq!(facts.module_names, strings(&["MANAGER", "setup"]));
    }

    #[test]
    fn registration_look_alikes_are_not_definitions() {
        let source = r#"
const NAME: &str = "const";
fn f(manager: M, other: O) {
    add("bare");
    other.add("other receiver");
    manager.remove("other method");
    manager.add(NAME, F);
    manager.add(format!("x{}", 1));
    manager.add("a".to_string());
    manager.add(1);
    manager.add();
    make().add("not a static receiver");
    manager.add::<T>;
    // manager.add("comment");
    let s = "manager.add(\"string\")";
    register("key at 0", F);
    register(F);
}
#[cfg(test)]
mod tests { fn t(manager: M) { manager.add("test"); } }
#[test]
fn t(manager: M) { manager.add("test fn"); }
"#;
        let shapes = registrations(&[("manager.add", 0), ("register", 1)]);
        let facts = defs(shapes, source);
        assert_eq!(symbol_values(&facts), pairs(&[("NAME", "const")]));
    }

    #[test]
    fn registration_chains_and_order() {
        let source = r#"
const BEFORE: &str = "before";
enum Feature { Variant }
fn f(m: M) {
    m.add("a").add("b").add(m.add("nested").len());
}
struct Settings { on: bool }
const AFTER: &str = "after";
"#;
        let shapes = DefinitionShapes {
            enums: strings(&["Feature"]),
            structs: strings(&["Settings"]),
            ..registrations(&[("add", 0)])
        };
        let facts = defs(shapes, source);
        assert_eq!(
            symbol_values(&facts),
            pairs(&[
                ("BEFORE", "before"),
                ("Feature::Variant", "Variant"),
                ("a", "a"),
                ("b", "b"),
                ("nested", "nested"),
                ("Settings::on", "on"),
                ("AFTER", "after"),
            ])
        );
        let starts: Vec<u32> = facts
            .string_consts
            .iter()
            .map(|c| c.name_span.start)
            .collect();
        assert!(starts.windows(2).all(|w| w[0] < w[1]));
        // A receiver chain is part of the callee: `m.add` does not match `manager.add`.
        let facts = defs(registrations(&[("manager.add", 0)]), source);
        assert_eq!(
            symbol_values(&facts),
            pairs(&[("BEFORE", "before"), ("AFTER", "after")])
        );
    }

    #[test]
    fn definitions_survive_syntax_errors() {
        let source = r#"
enum Feature { A }
fn broken( { }
fn g(manager: M) { manager.add("after"); }
struct S { on: bool }
"#;
        let shapes = DefinitionShapes {
            enums: strings(&["Feature"]),
            structs: strings(&["S"]),
            ..registrations(&[("manager.add", 0)])
        };
        let facts = defs(shapes, source);
        assert!(!facts.syntax_errors.is_empty());
        assert_eq!(
            symbol_values(&facts),
            pairs(&[("Feature::A", "A"), ("after", "after"), ("S::on", "on")])
        );
    }

    #[test]
    fn registrations_with_checks_of_the_same_call() {
        let source = r#"fn f(manager: M) { manager.add("k"); manager.is_enabled("k"); }"#;
        let matcher = crate::lang::CheckMatcher::new(vec![CheckSpec {
            call: strings(&["is_enabled"]),
            key: KeyArg {
                position: Some(0),
                keyword: None,
            },
            ..CheckSpec::default()
        }]);
        let interesting = HashSet::new();
        let definitions = registrations(&[("add", 0)]);
        let options = ExtractOptions {
            language: Language::Rust,
            checks: &matcher,
            interesting: &interesting,
            definitions: &definitions,
            definitions_file: false,
            keys: &HashSet::new(),
            migration: None,
            created_rows: false,
        };
        let facts = extract(source, &options);
        assert_eq!(symbol_values(&facts), pairs(&[("k", "k")]));
        assert_eq!(keys(&facts), vec![lit("k")]);
    }
}
