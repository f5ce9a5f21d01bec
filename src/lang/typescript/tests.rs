mod extract {
    use super::super::*;
    use crate::facts::Fork;
    use crate::lang::{test_extract, with_test_options, CheckSpec, Grammar, Language};

    const ISENABLED: usize = 2;

    fn run(source: &str, tsx: bool) -> FileFacts {
        test_extract(
            if tsx {
                Grammar::Tsx
            } else {
                Grammar::TypeScript
            },
            Language::TypeScript,
            &[
                "get_flag_for_user:1",
                "flag_is_active:name",
                "isEnabled:0",
                "features.includes:0",
                "useFlag:0",
            ],
            &["BINARY_INTERFACE", "FeatureFlags", "X"],
            source,
        )
    }

    fn ts(source: &str) -> FileFacts {
        run(source, false)
    }

    fn tsx(source: &str) -> FileFacts {
        run(source, true)
    }

    fn keys(facts: &FileFacts) -> Vec<KeyExpr> {
        facts.checks.iter().map(|c| c.key.clone()).collect()
    }

    fn key(source: &str) -> Option<KeyExpr> {
        let facts = ts(source);
        assert!(facts.checks.len() <= 1, "{:?}", facts.checks);
        facts.checks.first().map(|c| c.key.clone())
    }

    fn uses(facts: &FileFacts) -> Vec<String> {
        facts.symbol_uses.iter().map(|u| u.path.join(".")).collect()
    }

    fn consts(facts: &FileFacts) -> Vec<(String, String, bool)> {
        facts
            .string_consts
            .iter()
            .map(|c| (c.symbol.join("."), c.value.clone(), c.exported))
            .collect()
    }

    fn imports(facts: &FileFacts) -> Vec<(String, String, Option<String>, bool)> {
        facts
            .imports
            .iter()
            .map(|i| {
                let ModuleRef::Js(module) = &i.module else {
                    panic!("not a JS module: {:?}", i.module);
                };
                (i.local.clone(), module.clone(), i.name.clone(), i.reexport)
            })
            .collect()
    }

    fn c(symbol: &str, value: &str, exported: bool) -> (String, String, bool) {
        (symbol.into(), value.into(), exported)
    }

    fn imp(
        local: &str,
        module: &str,
        name: Option<&str>,
        re: bool,
    ) -> (String, String, Option<String>, bool) {
        (local.into(), module.into(), name.map(Into::into), re)
    }

    fn lit(value: &str) -> KeyExpr {
        KeyExpr::Literal(value.into())
    }

    fn path(segments: &[&str]) -> KeyExpr {
        KeyExpr::Path(segments.iter().map(|s| s.to_string()).collect())
    }

    fn dynamic(text: &str) -> KeyExpr {
        KeyExpr::Dynamic(text.into())
    }

    // ----- string constants ---------------------------------------------------------------

    #[test]
    fn enum_string_members() {
        let facts = ts(
            "export enum E { A = 'a', B = \"b\", N = 1, C, 'D-x' = 'd' }\n\
                        const enum F { G = 'g' }\n\
                        declare enum H { I = 'i' }\n\
                        export const enum J { K = 'k' }\n\
                        export declare enum L { M = 'm' }",
        );
        assert_eq!(
            consts(&facts),
            vec![
                c("E.A", "a", true),
                c("E.B", "b", true),
                c("E.D-x", "d", true),
                c("F.G", "g", false),
                c("H.I", "i", false),
                c("J.K", "k", true),
                c("L.M", "m", true),
            ]
        );
    }

    #[test]
    fn enum_spans() {
        let facts = ts("enum E {\n  A = 'a',\n}");
        let constant = &facts.string_consts[0];
        assert_eq!((constant.span.line, constant.span.column), (2, 3));
        assert_eq!((constant.span.end_line, constant.span.end_column), (2, 10));
        assert_eq!(
            (constant.name_span.column, constant.name_span.end_column),
            (3, 4)
        );
    }

    #[test]
    fn enum_with_interpolated_template_is_skipped() {
        let facts = ts("enum E { A = `a${x}`, B = `b` }");
        assert_eq!(consts(&facts), vec![c("E.B", "b", false)]);
    }

    #[test]
    fn object_constants() {
        let facts = ts(
            "export const FLAGS = { A: 'a', 'B-c': \"b\", [k]: 'x', ...s, m() {}, \
                        n: { a: 'b' }, X, num: 1, 1: 'one', t: `t` } as const;",
        );
        assert_eq!(
            consts(&facts),
            vec![
                c("FLAGS.A", "a", true),
                c("FLAGS.B-c", "b", true),
                c("FLAGS.t", "t", true)
            ]
        );
        let pair = &facts.string_consts[0];
        assert_eq!((pair.span.column, pair.span.end_column), (24, 30));
        assert_eq!((pair.name_span.column, pair.name_span.end_column), (24, 25));
    }

    #[test]
    fn object_constant_wrappers() {
        let facts = ts("const A1 = Object.freeze({ A: 'a' });\n\
                        const A2: Record<string, string> = { B: 'b' };\n\
                        const A3 = { C: 'c' } satisfies Record<string, string>;\n\
                        const A4 = Object.freeze({ D: 'd' } as const);\n\
                        const A5 = ({ E: 'e' as const });\n\
                        const A6 = Object.freeze('no');\n\
                        const A7 = other({ F: 'f' });");
        assert_eq!(
            consts(&facts),
            vec![
                c("A1.A", "a", false),
                c("A2.B", "b", false),
                c("A3.C", "c", false),
                c("A4.D", "d", false),
                c("A5.E", "e", false),
            ]
        );
    }

    #[test]
    fn plain_string_constants() {
        let facts = ts("export const A = 'a';\n\
                        const B: string = \"b\\n\\t\\\\\\'\\\"\";\n\
                        const C = 'c' as const;\n\
                        let D = 'd';\n\
                        var E = 'e';\n\
                        const F = `f${x}`;\n\
                        const G = 1;\n\
                        const H = 'h' + 'i';\n\
                        const I = `i`;\n\
                        declare const J = 'j';");
        assert_eq!(
            consts(&facts),
            vec![
                c("A", "a", true),
                c("B", "b\n\t\\'\"", false),
                c("C", "c", false),
                c("I", "i", false),
                c("J", "j", false),
            ]
        );
        let a = &facts.string_consts[0];
        assert_eq!((a.span.column, a.span.end_column), (1, 22));
        assert_eq!((a.name_span.column, a.name_span.end_column), (14, 15));
    }

    #[test]
    fn multiple_declarators_use_declarator_spans() {
        let facts = ts("const A = 'a', B = 'b';");
        assert_eq!(consts(&facts), vec![c("A", "a", false), c("B", "b", false)]);
        let b = &facts.string_consts[1];
        assert_eq!((b.span.column, b.span.end_column), (16, 23));
    }

    #[test]
    fn escapes_are_decoded() {
        let facts = ts(r"const A = '\x41\u0042\u{43}\0\q\
d';");
        assert_eq!(consts(&facts), vec![c("A", "ABC\0qd", false)]);
    }

    #[test]
    fn nested_constants_are_not_definitions() {
        let facts = ts("function f() { const A = 'a'; enum E { B = 'b' } }\n\
                        class K { static C = 'c'; }\n\
                        if (x) { const D = 'd'; }\n\
                        namespace N { export const E = 'e'; }");
        assert!(facts.string_consts.is_empty(), "{:?}", facts.string_consts);
    }

    #[test]
    fn export_clause_marks_constants_exported() {
        let facts = ts(
            "const A = 'a';\nconst OBJ = { B: 'b' };\nenum E { C = 'c' }\n\
                        const NOT = 'n';\nexport { A, OBJ as X };\nexport { E };",
        );
        assert_eq!(
            consts(&facts),
            vec![
                c("A", "a", true),
                c("OBJ.B", "b", true),
                c("E.C", "c", true),
                c("NOT", "n", false),
            ]
        );
    }

    #[test]
    fn export_default_object_is_skipped() {
        let facts = ts("export default { A: 'a' };");
        assert!(facts.string_consts.is_empty());
    }

    // ----- module names -------------------------------------------------------------------

    #[test]
    fn module_names_cover_every_top_level_binding() {
        let facts = ts("import D, { A as B } from './m';\n\
                        import * as ns from './ns';\n\
                        import R = require('r');\n\
                        export { Q } from './q';\n\
                        function f() { const inner = 1; }\n\
                        function* gen() {}\n\
                        export default function dflt() {}\n\
                        class K {}\n\
                        abstract class AK {}\n\
                        interface I {}\n\
                        type T = string;\n\
                        enum E {}\n\
                        const { x, y: [z], ...rest } = obj;\n\
                        let l = 1, m;\n\
                        var v;\n\
                        export const ex = 1;\n\
                        declare const amb: string;\n\
                        namespace N.M {}\n\
                        module Mod {}\n\
                        function over(a: string): void;\n\
                        const f = 2;\n\
                        window.notBound = 1;");
        assert_eq!(
            facts.module_names,
            vec![
                "D", "B", "ns", "R", "f", "gen", "dflt", "K", "AK", "I", "T", "E", "x", "z",
                "rest", "l", "m", "v", "ex", "amb", "N", "Mod", "over"
            ]
        );
    }

    // ----- imports ------------------------------------------------------------------------

    #[test]
    fn import_forms() {
        let facts = ts(
            "import D, { A as B, type T, C, default as Z, \"x-y\" as W } from './m';\n\
                        import * as ns from \"@/hooks/useFeatureFlags/types\";\n\
                        import type TT from 'tt';\n\
                        import 'side-effect';\n\
                        import R = require('req');",
        );
        assert_eq!(
            imports(&facts),
            vec![
                imp("D", "./m", Some("default"), false),
                imp("B", "./m", Some("A"), false),
                imp("T", "./m", Some("T"), false),
                imp("C", "./m", Some("C"), false),
                imp("Z", "./m", Some("default"), false),
                imp("W", "./m", Some("x-y"), false),
                imp("ns", "@/hooks/useFeatureFlags/types", None, false),
                imp("TT", "tt", Some("default"), false),
                imp("R", "req", None, false),
            ]
        );
        let b = &facts.imports[1];
        assert_eq!((b.span.line, b.span.column, b.span.end_column), (1, 13, 19));
        assert!(facts.imports.iter().all(|i| i.scope.is_empty()));
    }

    #[test]
    fn reexports() {
        let facts = ts("export { A, B as C, default } from './a';\n\
                        export * from './all';\n\
                        export * as ns from './ns';\n\
                        export { D };");
        assert_eq!(
            imports(&facts),
            vec![
                imp("A", "./a", Some("A"), true),
                imp("C", "./a", Some("B"), true),
                imp("default", "./a", Some("default"), true),
                imp("*", "./all", None, true),
                imp("ns", "./ns", None, true),
            ]
        );
        assert!(facts.module_names.is_empty(), "{:?}", facts.module_names);
    }

    #[test]
    fn commonjs_requires_anywhere() {
        let facts = ts("const flags = require('./flags');\n\
                        const { A, B: C, D = 1 } = require('./consts');\n\
                        function f() { const inner = require('inner'); }\n\
                        const notRequire = load('./x');\n\
                        const dynamic = require(path);");
        assert_eq!(
            imports(&facts),
            vec![
                imp("flags", "./flags", None, false),
                imp("A", "./consts", Some("A"), false),
                imp("C", "./consts", Some("B"), false),
                imp("D", "./consts", Some("D"), false),
                imp("inner", "inner", None, false),
            ]
        );
    }

    #[test]
    fn imports_inside_ambient_modules() {
        let facts = ts("declare module 'x' { import { A } from 'a'; }");
        assert_eq!(imports(&facts), vec![imp("A", "a", Some("A"), false)]);
        assert!(facts.module_names.is_empty());
    }

    // ----- checks: keys -------------------------------------------------------------------

    #[test]
    fn literal_keys() {
        assert_eq!(key("isEnabled('a-b')"), Some(lit("a-b")));
        assert_eq!(key("isEnabled(\"a\\tb\")"), Some(lit("a\tb")));
        assert_eq!(key("isEnabled(`tpl`)"), Some(lit("tpl")));
    }

    #[test]
    fn path_keys() {
        assert_eq!(key("isEnabled(NEW_UI)"), Some(path(&["NEW_UI"])));
        assert_eq!(
            key("isEnabled(FeatureFlags.NEW_UI)"),
            Some(path(&["FeatureFlags", "NEW_UI"]))
        );
        assert_eq!(key("isEnabled(a.b.C)"), Some(path(&["a", "b", "C"])));
        assert_eq!(
            key("isEnabled(FLAGS['X-y'])"),
            Some(path(&["FLAGS", "X-y"]))
        );
        assert_eq!(key("isEnabled(FLAGS[\"Y\"])"), Some(path(&["FLAGS", "Y"])));
        assert_eq!(
            key("isEnabled(FeatureFlags?.X)"),
            Some(path(&["FeatureFlags", "X"]))
        );
        assert_eq!(key("isEnabled(F?.['X'])"), Some(path(&["F", "X"])));
    }

    #[test]
    fn wrapped_path_keys_are_unwrapped() {
        assert_eq!(key("isEnabled(X as Foo)"), Some(path(&["X"])));
        assert_eq!(key("isEnabled(X!)"), Some(path(&["X"])));
        assert_eq!(key("isEnabled((X))"), Some(path(&["X"])));
        assert_eq!(key("isEnabled(<Foo>X)"), Some(path(&["X"])));
        assert_eq!(key("isEnabled(F.X satisfies T)"), Some(path(&["F", "X"])));
        assert_eq!(
            key("isEnabled(((F.X as A)!) as B)"),
            Some(path(&["F", "X"]))
        );
        assert_eq!(key("isEnabled(F!.X)"), Some(path(&["F", "X"])));
        assert_eq!(key("isEnabled('lit' as const)"), Some(lit("lit")));
    }

    #[test]
    fn dynamic_keys() {
        assert_eq!(
            key("isEnabled(`a${b}`)"),
            Some(dynamic("a template literal"))
        );
        assert_eq!(
            key("isEnabled('a' + b)"),
            Some(dynamic("a string concatenation"))
        );
        assert_eq!(key("isEnabled(a || b)"), Some(dynamic("an expression")));
        assert_eq!(
            key("isEnabled(f())"),
            Some(dynamic("a function call result"))
        );
        assert_eq!(
            key("isEnabled(c ? 'a' : 'b')"),
            Some(dynamic("a conditional expression"))
        );
        assert_eq!(key("isEnabled(list[0])"), Some(dynamic("a subscript")));
        assert_eq!(key("isEnabled(f().X)"), Some(dynamic("an expression")));
        assert_eq!(
            key("isEnabled(this.flag)"),
            Some(dynamic("a member of `this`"))
        );
        assert_eq!(key("isEnabled(42)"), Some(dynamic("an expression")));
        assert_eq!(
            key("isEnabled(...keys)"),
            Some(dynamic("a spread argument"))
        );
        assert_eq!(
            key("get_flag_for_user(...args, X)"),
            Some(dynamic("a spread argument"))
        );
    }

    #[test]
    fn parameters_are_parameters() {
        let facts = ts("function f(key: string, { k2, a: k3 }, [k4] = [], ...k5) {\n\
                          isEnabled(key); isEnabled(k2); isEnabled(k3); isEnabled(k4); isEnabled(k5);\n\
                          isEnabled(a);\n\
                        }\n\
                        const g = k => isEnabled(k);\n\
                        const h = function (k?: string) { return () => isEnabled(k); };\n\
                        class C { m(flag) { isEnabled(flag); } constructor(private p: string) { isEnabled(p); } }\n\
                        isEnabled(key);");
        assert_eq!(
            keys(&facts),
            vec![
                KeyExpr::Parameter("key".to_string()),
                KeyExpr::Parameter("k2".to_string()),
                KeyExpr::Parameter("k3".to_string()),
                KeyExpr::Parameter("k4".to_string()),
                KeyExpr::Parameter("k5".to_string()),
                path(&["a"]),
                KeyExpr::Parameter("k".to_string()),
                KeyExpr::Parameter("k".to_string()),
                KeyExpr::Parameter("flag".to_string()),
                KeyExpr::Parameter("p".to_string()),
                path(&["key"]),
            ]
        );
    }

    #[test]
    fn parameter_member_chain_is_a_path() {
        assert_eq!(
            key("function f(o) { isEnabled(o.flag) }"),
            Some(path(&["o", "flag"]))
        );
    }

    #[test]
    fn missing_key_argument_is_not_a_check() {
        let facts = ts("isEnabled(); get_flag_for_user(user); useFlag`x`; new isEnabled(X);");
        assert!(facts.checks.is_empty(), "{:?}", facts.checks);
    }

    #[test]
    fn keyword_only_spec_never_matches_in_typescript() {
        let facts = ts("flag_is_active(request, 'x'); flag_is_active('x');");
        assert!(facts.checks.is_empty());
    }

    #[test]
    fn second_position_and_spans() {
        let facts = ts("const v = client.get_flag_for_user(user, 'flag');");
        let check = &facts.checks[0];
        assert_eq!(check.spec, 0);
        assert_eq!(check.key, lit("flag"));
        assert_eq!((check.span.column, check.span.end_column), (11, 49));
        assert_eq!((check.key_span.column, check.key_span.end_column), (42, 48));
        assert!(!check.in_test && check.scope.is_empty());
    }

    #[test]
    fn multi_line_call() {
        let facts = ts("isEnabled(\n  FeatureFlags.A,\n)");
        let check = &facts.checks[0];
        assert_eq!((check.span.line, check.span.end_line), (1, 3));
        assert_eq!((check.key_span.line, check.key_span.column), (2, 3));
    }

    // ----- checks: callees ----------------------------------------------------------------

    #[test]
    fn callee_forms() {
        let facts = ts("isEnabled('a');\n\
                        flags.isEnabled('b');\n\
                        a.b.c.isEnabled('c');\n\
                        getClient().isEnabled('d');\n\
                        x[0].isEnabled('e');\n\
                        a?.isEnabled('f');\n\
                        isEnabled?.('g');\n\
                        this.client.isEnabled('h');\n\
                        isEnabled<string>('i');");
        assert_eq!(
            keys(&facts),
            ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
                .map(lit)
                .to_vec()
        );
        assert!(facts.checks.iter().all(|c| c.spec == ISENABLED));
    }

    #[test]
    fn multi_segment_specs_match_by_suffix() {
        let facts = ts("features.includes('a');\n\
                        this.features.includes('b');\n\
                        app.features.includes('c');\n\
                        includes('no');\n\
                        list.includes('no');\n\
                        getFeatures().includes('no');\n\
                        features['x'].includes('no');");
        assert_eq!(keys(&facts), vec![lit("a"), lit("b"), lit("c")]);
        assert!(facts.checks.iter().all(|c| c.spec == 3));
    }

    #[test]
    fn nested_calls_are_found() {
        let facts = tsx("export const C = () => (\n\
                           <div hidden={!useFlag('jsx')} onClick={() => isEnabled(`cb`)}>\n\
                             {wrap(isEnabled(FeatureFlags.A), [isEnabled('arr')], { k: isEnabled('obj') })}\n\
                           </div>\n\
                         );\n\
                         @dec(isEnabled('deco')) class K { f = isEnabled('field'); m(a = isEnabled('default')) {} }\n\
                         if (isEnabled('if') && !get_flag_for_user(u, 'neg')) {}");
        assert_eq!(
            keys(&facts),
            vec![
                lit("jsx"),
                lit("cb"),
                path(&["FeatureFlags", "A"]),
                lit("arr"),
                lit("obj"),
                lit("deco"),
                lit("field"),
                lit("default"),
                lit("if"),
                lit("neg"),
            ]
        );
    }

    #[test]
    fn self_recursion_is_skipped() {
        let facts = ts(
            "function isEnabled(key) { return isEnabled(key) || other(isEnabled); }\n\
                        export const useFlag = (k) => { const f = () => useFlag(k); return f; };\n\
                        class S { isEnabled(k) { return this.inner.isEnabled(k); } }\n\
                        const o = { isEnabled: function (k) { return client.isEnabled(k); } };\n\
                        function caller() { return isEnabled('kept'); }",
        );
        assert_eq!(keys(&facts), vec![lit("kept")]);
    }

    // ----- symbol uses --------------------------------------------------------------------

    #[test]
    fn uses_of_imports_and_interesting_names() {
        let facts = ts("import { Flags } from './flags';\n\
                        import * as ns from './ns';\n\
                        wrap(Flags.A.b, ns.c, X, other.X, other.Y, FeatureFlags);\n\
                        return Flags;");
        assert_eq!(
            uses(&facts),
            vec!["Flags.A.b", "ns.c", "X", "other.X", "FeatureFlags", "Flags"]
        );
        let first = &facts.symbol_uses[0];
        assert_eq!(
            (first.span.line, first.span.column, first.span.end_column),
            (3, 6, 15)
        );
        assert!(facts
            .symbol_uses
            .iter()
            .all(|u| !u.in_test && u.scope.is_empty()));
    }

    #[test]
    fn use_before_import_statement() {
        let facts = ts("const v = Flags.A;\nimport { Flags } from './flags';");
        assert_eq!(uses(&facts), vec!["Flags.A"]);
    }

    #[test]
    fn subscript_and_optional_chains() {
        let facts = ts("import { F } from './f';\n\
                        a(F['x-y'], F?.A?.['b'], F.A[i].B, F[i], F!.C);");
        assert_eq!(uses(&facts), vec!["F.x-y", "F.A.b", "F.A", "F", "F.C"]);
    }

    #[test]
    fn chains_stop_at_calls() {
        let facts = ts("import { F } from './f';\n\
                        F.a().b; F.get(X).c; foo().X; foo().FeatureFlags.Y;");
        assert_eq!(uses(&facts), vec!["F.a", "F.get", "X"]);
    }

    #[test]
    fn check_keys_are_not_uses_but_dynamic_keys_are_visited() {
        let facts = ts("import { F } from './f';\n\
                        isEnabled(F.A);\n\
                        isEnabled(FeatureFlags['B']);\n\
                        isEnabled(c ? F.C : X);\n\
                        other(F.D);");
        assert_eq!(uses(&facts), vec!["F.C", "X", "F.D"]);
    }

    #[test]
    fn callee_chains_are_uses() {
        let facts = ts("import * as flags from './flags';\nflags.isEnabled('x');");
        assert_eq!(uses(&facts), vec!["flags.isEnabled"]);
    }

    #[test]
    fn binding_positions_are_not_uses() {
        let facts = ts("import { X as Y } from './x';\n\
                        const X = 1;\n\
                        let { X: a, b = X, ...FeatureFlags } = o;\n\
                        enum E { X = 'x', Z = X }\n\
                        const o2 = { X: 1, FeatureFlags: X, [X]: 2 };\n\
                        function X2(X, { FeatureFlags }, q = X) {}\n\
                        class FeatureFlags { X = 1; X2() {} }\n\
                        interface I { X: string }\n\
                        type T = typeof X;\n\
                        namespace X {}\n\
                        for (const X of list) {}\n\
                        try {} catch (X) {}\n\
                        X = 2;\n\
                        FeatureFlags.X = 3;\n\
                        export { X };");
        // `b = X` (default), `Z = X` (enum value), `FeatureFlags: X` (property value),
        // `[X]` (computed key) and `q = X` (parameter default) are expressions.
        assert_eq!(uses(&facts), vec!["X", "X", "X", "X", "X"]);
        let columns: Vec<_> = facts.symbol_uses.iter().map(|u| u.span.line).collect();
        assert_eq!(columns, vec![3, 4, 5, 5, 6]);
    }

    #[test]
    fn type_positions_are_skipped() {
        let facts = ts("import { F } from './f';\n\
                        let a: F.X = b as F.Y;\n\
                        function f<T extends F>(p: F): F { return p satisfies F; }\n\
                        type A = F;\n\
                        interface B extends F { x: F }\n\
                        call<F>(1);\n\
                        class K implements F {}\n\
                        let z = <F>y;");
        assert!(facts.symbol_uses.is_empty(), "{:?}", uses(&facts));
    }

    #[test]
    fn class_heritage_is_an_expression() {
        let facts = ts("import { Base } from './b';\nclass K extends Base.Inner {}");
        assert_eq!(uses(&facts), vec!["Base.Inner"]);
    }

    #[test]
    fn import_and_export_statements_are_not_uses() {
        let facts =
            ts("import { X } from './x';\nexport { X };\nexport { FeatureFlags } from './f';");
        assert!(facts.symbol_uses.is_empty(), "{:?}", uses(&facts));
    }

    #[test]
    fn jsx_and_default_values_and_shorthand() {
        let facts = tsx("import { Gate } from './gate';\n\
                         const C = ({ v = FeatureFlags.A }) => <Gate.Item flag={FeatureFlags.B}>{X}</Gate.Item>;\n\
                         const o = { X };\n\
                         export default X;");
        assert_eq!(
            uses(&facts),
            vec![
                "FeatureFlags.A",
                "Gate.Item",
                "FeatureFlags.B",
                "X",
                "X",
                "X"
            ]
        );
    }

    #[test]
    fn this_chains_need_an_interesting_segment() {
        let facts = ts("this.FeatureFlags.A; this.other.B;");
        assert_eq!(uses(&facts), vec!["this.FeatureFlags.A"]);
    }

    // ----- robustness ---------------------------------------------------------------------

    #[test]
    fn syntax_error_recovery() {
        let facts = ts("import { F } from './f';\n\
                        const A = 'a';\n\
                        const b = ) ;\n\
                        isEnabled(F.B);\n\
                        const C = 'c';");
        assert_eq!(facts.syntax_errors.len(), 1, "{:?}", facts.syntax_errors);
        let error = &facts.syntax_errors[0];
        assert_eq!(error.span.line, 3);
        assert_eq!(error.message, "Unexpected token");
        assert_eq!(consts(&facts), vec![c("A", "a", false), c("C", "c", false)]);
        assert_eq!(keys(&facts), vec![path(&["F", "B"])]);
        assert_eq!(facts.imports.len(), 1);
    }

    #[test]
    fn missing_tokens_are_reported() {
        let facts = ts("if (isEnabled('a') { b }");
        assert_eq!(keys(&facts), vec![lit("a")]);
        assert!(
            facts
                .syntax_errors
                .iter()
                .any(|e| e.message == "Expected `)` but found `{`"),
            "{:?}",
            facts.syntax_errors
        );
    }

    #[test]
    fn valid_code_the_grammar_rejects_is_not_an_error() {
        // Each of these leaves ERROR nodes in tree-sitter-typescript's tree.
        for source in [
            "let as = src[0];",
            "const module = await importOriginal<typeof import(\"m\")>();",
            "const B = styled.span<{ yellow?: boolean }>`color: red;`;",
            "export type * as Terser from 'terser';",
            "class Box<in out T> {}",
            "function f() { using handle = open(); }",
        ] {
            let facts = ts(source);
            assert!(
                facts.syntax_errors.is_empty(),
                "{source}: {:?}",
                facts.syntax_errors
            );
        }
        for source in [
            "const a = <a href=\"/p?a=1&b=2\">x</a>;",
            "const b = <h3>Light & dark</h3>;",
        ] {
            let facts = tsx(source);
            assert!(
                facts.syntax_errors.is_empty(),
                "{source}: {:?}",
                facts.syntax_errors
            );
        }
    }

    #[test]
    fn deep_input_with_an_error_does_not_overflow() {
        // Under the reference parser's depth limit: it runs on its deep stack.
        let depth = reference::MAX_OXC_DEPTH / 2;
        for (open, close) in [
            ("(", ")"),
            ("[", "]"),
            ("a ? b : ", ""),
            ("x => ", ""),
            ("<i>", "</i>"),
        ] {
            let source = format!(
                "f({}X{});\nconst = ;",
                open.repeat(depth),
                close.repeat(depth)
            );
            let facts = tsx(&source);
            assert!(!facts.syntax_errors.is_empty(), "{open}");
        }
        // Over it: tree-sitter's errors are kept.
        let depth = reference::MAX_OXC_DEPTH * 50;
        let source = format!("f({}X{});\nconst = ;", "(".repeat(depth), ")".repeat(depth));
        assert!(!ts(&source).syntax_errors.is_empty());
    }

    #[test]
    fn at_most_twenty_syntax_errors() {
        let source = "const = ;\nisEnabled('x');\n".repeat(50);
        let facts = ts(&source);
        assert!(!facts.syntax_errors.is_empty());
        assert!(facts.syntax_errors.len() <= MAX_SYNTAX_ERRORS);
        assert_eq!(facts.checks.len(), 50);
    }

    #[test]
    fn errors_inside_types_are_reported() {
        let facts = ts("let a: Map<string, = 1;\nconst B = 'b';");
        assert!(!facts.syntax_errors.is_empty());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 100_000;
        let source = format!("isEnabled({}X{});", "(".repeat(depth), ")".repeat(depth));
        let facts = ts(&source);
        assert_eq!(keys(&facts), vec![path(&["X"])]);
        let arrays = format!(
            "f({}FeatureFlags.A{});",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        assert_eq!(uses(&ts(&arrays)), vec!["FeatureFlags.A"]);
        let calls = format!("isEnabled({}1{});", "f(".repeat(depth), ")".repeat(depth));
        assert_eq!(keys(&ts(&calls)), vec![dynamic("a function call result")]);
    }

    /// Nodes the walk of `source` took off its stack, and nodes in the tree.
    fn walk_counts(source: &str) -> (usize, usize) {
        let tree = parse(source, false, budget::for_len(source.len())).unwrap();
        let visits = with_test_options(Language::TypeScript, &["isEnabled:0"], &[], |options| {
            walk_tree(&tree, source, options).visits
        });
        let mut cursor = tree.walk();
        let mut nodes = 1;
        'walk: loop {
            if cursor.goto_first_child() || cursor.goto_next_sibling() {
                nodes += 1;
                continue;
            }
            while cursor.goto_parent() {
                if cursor.goto_next_sibling() {
                    nodes += 1;
                    continue 'walk;
                }
            }
            break;
        }
        (visits, nodes)
    }

    #[test]
    fn each_node_is_visited_at_most_once() {
        // A syntax error deep inside nested calls: the arguments of every enclosing call were
        // walked again, once per enclosing call.
        for depth in [1_000, 4_000] {
            let source = format!(
                "{}{} a {}",
                "isEnabled(".repeat(depth),
                ")".repeat(depth / 2),
                ")".repeat(depth / 2)
            );
            let (visits, nodes) = walk_counts(&source);
            assert!(visits <= nodes, "{depth}: {visits} visits of {nodes} nodes");
            let facts = ts(&source);
            // The innermost call holds the error.
            assert_eq!(facts.checks.len(), depth - 1);
            assert_eq!(facts.syntax_errors.len(), 1);
        }
        let (visits, nodes) = walk_counts("isEnabled('a'); f(isEnabled(X), [1, 2]);");
        assert!(visits <= nodes);
    }

    #[test]
    fn a_parse_over_budget_is_one_whole_file_error() {
        let source = "isEnabled('a');\n".repeat(500);
        let facts = with_test_options(Language::TypeScript, &["isEnabled:0"], &[], |options| {
            extract_within(&source, true, options, Duration::ZERO)
        });
        assert!(facts.checks.is_empty());
        assert_eq!(facts.syntax_errors.len(), 1);
        assert!(facts.syntax_errors[0].whole_file);
        assert!(facts.syntax_errors[0].message.contains("file not parsed"));
        // The thread's parser is ready for the next file.
        assert_eq!(ts(&source).checks.len(), 500);
    }

    #[test]
    fn long_member_chain_does_not_overflow() {
        let length = 100_000;
        let source = format!(
            "FeatureFlags{};\nisEnabled(a{});",
            ".b".repeat(length),
            ".c".repeat(length)
        );
        let facts = ts(&source);
        assert_eq!(facts.symbol_uses.len(), 1);
        assert_eq!(facts.symbol_uses[0].path.len(), length + 1);
        match &keys(&facts)[0] {
            KeyExpr::Path(segments) => assert_eq!(segments.len(), length + 1),
            other => panic!("{other:?}"),
        }
        let calls = format!("x{}.isEnabled('k');", ".f()".repeat(length));
        assert_eq!(keys(&ts(&calls)), vec![lit("k")]);
    }

    #[test]
    fn non_ascii_columns_are_characters() {
        let facts = ts("const s = 'héllo wörld'; isEnabled('é');");
        let check = &facts.checks[0];
        assert_eq!(check.span.column, 26);
        assert_eq!(check.key_span.column, 36);
        assert_eq!(check.key, lit("é"));
    }

    #[test]
    fn garbage_does_not_panic() {
        let inputs = [
            "",
            "\0\u{1}\u{2}\u{fffd}",
            "'unterminated",
            "`unterminated ${",
            "import { from",
            "export {",
            "enum E { A = ",
            "const O = { A: ",
            "isEnabled(FLAGS[",
            "}}}}))))]]]]",
            "<<<<>>>>",
            "😀 isEnabled('😀') 😀",
            "\\u{",
            "const A = '\\u{110000}\\x\\u12';",
        ];
        for input in inputs {
            ts(input);
            tsx(input);
        }
        let weird = ts("const A = '\\u{110000}\\x\\u12';");
        assert_eq!(consts(&weird), vec![c("A", "u{110000}xu12", false)]);
    }

    #[test]
    fn every_prefix_of_a_rich_file_is_handled() {
        let source = "import D, { A as B } from './m';\nexport * from 'x';\n\
                      export enum E { A = 'a\\u{41}' }\nconst O = Object.freeze({ K: `k` } as const);\n\
                      function f(key, { k } = {}) { return isEnabled(key) && isEnabled(B.C['d']); }\n\
                      const el = <Foo a={FeatureFlags.X}>{useFlag(`t${x}`)}</Foo>;\n\
                      class K extends B.Base<T> { m(x: T = X): void { get_flag_for_user(u, 'é'); } }\n";
        for (end, _) in source.char_indices() {
            ts(&source[..end]);
            tsx(&source[..end]);
        }
        assert_eq!(tsx(source).checks.len(), 4);
    }

    #[test]
    fn tsx_and_typescript_grammars() {
        // `<T>x` is a type assertion in .ts but JSX in .tsx.
        assert_eq!(key("isEnabled(<Foo>X)"), Some(path(&["X"])));
        let facts = tsx("const e = <Foo x={isEnabled('a')} />;");
        assert_eq!(keys(&facts), vec![lit("a")]);
        assert!(facts.syntax_errors.is_empty());
        assert!(!ts("const e = <Foo x={isEnabled('a')} />;")
            .syntax_errors
            .is_empty());
    }

    #[test]
    fn javascript_via_tsx() {
        let facts = tsx("const { isEnabled } = require('./flags');\n\
                         module.exports = function check(user) { return isEnabled(FLAGS.A) && isEnabled(user); };");
        assert_eq!(
            keys(&facts),
            vec![
                path(&["FLAGS", "A"]),
                KeyExpr::Parameter("user".to_string())
            ]
        );
        assert_eq!(
            imports(&facts),
            vec![imp("isEnabled", "./flags", Some("isEnabled"), false)]
        );
    }

    #[test]
    fn facts_are_in_source_order() {
        let facts = ts("isEnabled('a'); wrap(isEnabled('b'), isEnabled('c')); isEnabled(isEnabled('d') ? 'x' : 'y');\n\
                        isEnabled('e');");
        assert_eq!(
            keys(&facts),
            vec![
                lit("a"),
                lit("b"),
                lit("c"),
                dynamic("a conditional expression"),
                lit("d"),
                lit("e")
            ]
        );
    }

    #[test]
    fn parser_is_reused_across_calls() {
        for _ in 0..3 {
            assert_eq!(ts("isEnabled('a')").checks.len(), 1);
            assert_eq!(tsx("isEnabled('a')").checks.len(), 1);
        }
    }

    // ----- forks ---------------------------------------------------------------------------

    fn forks(source: &str) -> Vec<Fork> {
        ts(source).forks
    }

    fn kinds(forks: &[Fork]) -> Vec<ForkKind> {
        forks.iter().map(|f| f.kind).collect()
    }

    fn parents(forks: &[Fork]) -> Vec<Option<usize>> {
        forks.iter().map(|f| f.parent).collect()
    }

    fn negated(condition: &str) -> bool {
        let source = format!("const on = isEnabled('on');\nif ({condition}) {{ go(); }}");
        let forks = forks(&source);
        assert_eq!(forks.len(), 1, "{condition}: {forks:?}");
        forks[0].negated
    }

    fn compound(condition: &str) -> bool {
        let source = format!("const on = isEnabled('on');\nif ({condition}) {{ go(); }}");
        let forks = forks(&source);
        assert_eq!(forks.len(), 1, "{condition}: {forks:?}");
        forks[0].compound
    }

    fn exits(body: &str) -> bool {
        let source = format!("function f() {{ for (;;) {{ if (isEnabled('a')) {body} }} }}");
        let forks = forks(&source);
        assert_eq!(forks.len(), 1, "{body}: {forks:?}");
        forks[0].exits_early
    }

    #[test]
    fn fork_if_else_with_direct_check() {
        let facts = ts("if (isEnabled('a')) { a(); } else { b(); }");
        assert_eq!(facts.forks.len(), 1);
        let fork = &facts.forks[0];
        assert_eq!(fork.kind, ForkKind::If);
        assert_eq!(fork.checks, vec![0]);
        assert!(fork.has_else);
        assert!(!fork.negated && !fork.compound && !fork.exits_early);
        assert!(!fork.chain_head_is_flag);
        assert_eq!(fork.parent, None);
    }

    #[test]
    fn ordinary_ifs_produce_no_fork() {
        let facts = ts("if (x) { isEnabled('a'); } else if (y && z) { b(); }\n\
                        const v = a ? isEnabled('b') : c;\n\
                        if (FeatureFlags.X) {}\n\
                        if (isEnabled) {}\n\
                        while (isEnabled('w')) {}");
        assert_eq!(facts.checks.len(), 3);
        assert!(facts.forks.is_empty(), "{:?}", facts.forks);
    }

    #[test]
    fn fork_via_check_local() {
        let facts = ts("const isOn = isEnabled(F.X);\nif (isOn) { a(); }\nconst v = isOn ? 1 : 2;");
        assert_eq!(kinds(&facts.forks), vec![ForkKind::If, ForkKind::Ternary]);
        assert_eq!(facts.forks[0].checks, vec![0]);
        assert_eq!(facts.forks[1].checks, vec![0]);
        // `let`, `await`, parentheses and type wrappers around the check call.
        let wrapped = forks(
            "async function f() {\n\
               let a = await isEnabled('a');\n\
               const b = (isEnabled('b'));\n\
               const c = (await (isEnabled('c'))) as boolean;\n\
               if (a) {} if (b) {} if (c) {}\n\
             }",
        );
        assert_eq!(wrapped.len(), 3);
        // Declared without a value, assigned once.
        assert_eq!(forks("let on;\non = isEnabled('a');\nif (on) {}").len(), 1);
    }

    #[test]
    fn local_assigned_twice_is_not_a_check_local() {
        let cases = [
            "let on = isEnabled('a');\non = false;\nif (on) {}",
            "let on = isEnabled('a');\nif (on) {}\non = other();",
            "let on = isEnabled('a');\non ||= x;\nif (on) {}",
            "let on = isEnabled('a');\non++;\nif (on) {}",
            "let on = isEnabled('a');\n[on] = xs;\nif (on) {}",
            "let on = isEnabled('a');\nfor (on of xs) {}\nif (on) {}",
            "const on = isEnabled('a');\n{ const on = other(); }\nif (on) {}",
            "let on = isEnabled('a');\nfunction g() { on = false; }\nif (on) {}",
            "var on = isEnabled('a');\nvar on = isEnabled('b');\nif (on) {}",
            "const on = other(isEnabled('a'));\nif (on) {}",
            "const on = isEnabled;\nif (on) {}",
            "const on = isEnabled('a') && x;\nif (on) {}",
            "const { on } = isEnabled('a');\nif (on) {}",
        ];
        for case in cases {
            assert!(forks(case).is_empty(), "{case}");
        }
    }

    #[test]
    fn parameter_is_not_a_check_local() {
        assert!(forks("function f(on) { on = isEnabled('a'); if (on) {} }").is_empty());
        assert!(forks("const f = (on) => { on = isEnabled('a'); if (on) {} };").is_empty());
        // A parameter shadows an outer check local.
        assert!(forks("const on = isEnabled('a');\nfunction f(on) { if (on) {} }").is_empty());
        assert!(forks("const on = isEnabled('a');\nconst f = ({ on }) => on ? 1 : 2;").is_empty());
        // A local of another function with the same name does not count.
        assert!(forks("function f() { const on = isEnabled('a'); }\nif (on) {}").is_empty());
    }

    #[test]
    fn check_local_read_from_a_nested_function() {
        let forks = forks(
            "function f() {\n\
               const on = isEnabled('a');\n\
               return items.map((x) => (on ? x : null));\n\
             }",
        );
        assert_eq!(kinds(&forks), vec![ForkKind::Ternary]);
        assert_eq!(forks[0].checks, vec![0]);
    }

    #[test]
    fn fork_checks_reference_the_right_checks() {
        let facts = ts("isEnabled('zero');\n\
                        const b = isEnabled('one');\n\
                        if (isEnabled('two') || b || isEnabled('three') || b) {}\n\
                        if (x && wrap(isEnabled('four'))) {}");
        assert_eq!(facts.forks.len(), 2);
        assert_eq!(facts.forks[0].checks, vec![1, 2, 3]);
        assert_eq!(facts.forks[1].checks, vec![4]);
        assert_eq!(facts.checks[4].key, lit("four"));
        // Other configured checks count too.
        let facts = ts("if (features.includes('x')) {} if (useFlag('y')) {}");
        assert_eq!(facts.forks.len(), 2);
        assert_eq!(facts.forks[1].checks, vec![1]);
    }

    #[test]
    fn negated_forms() {
        for condition in [
            "!on",
            "!isEnabled('a')",
            "!(on)",
            "(!(isEnabled('a')))",
            "on === false",
            "on == false",
            "on !== true",
            "on != true",
            "false === on",
            "false == isEnabled('a')",
            "true !== on",
            "true != (on)",
            "!!!on",
            "!(on === true)",
            "!(await isEnabled('a'))",
        ] {
            assert!(negated(condition), "{condition}");
        }
    }

    #[test]
    fn not_negated_forms() {
        for condition in [
            "on",
            "!!on",
            "!!isEnabled('a')",
            "on === true",
            "on == true",
            "on !== false",
            "true === on",
            "!(on === false)",
            "!(on && x)",
            "!on && x",
            "on === 'on'",
            "on == \"on\"",
            "!wrap(on)",
            "on === null",
        ] {
            assert!(!negated(condition), "{condition}");
        }
    }

    #[test]
    fn compound_forms() {
        for condition in [
            "on && x",
            "x || on",
            "(x && (y || !isEnabled('a')))",
            "!(on && x)",
            "!!(x || on)",
            "a && (b || (c && on))",
        ] {
            assert!(compound(condition), "{condition}");
        }
        for condition in [
            "on",
            "!on",
            "on === false",
            "wrap(on && x)",
            "on ?? x",
            "(on ?? x) === true",
            "on === (a && b)",
        ] {
            assert!(!compound(condition), "{condition}");
        }
        // A boolean condition without any flag test is no fork at all.
        assert!(forks("if (x && y) {}").is_empty());
    }

    #[test]
    fn has_else_on_chains() {
        let facts = ts("if (isEnabled('a')) {} else {}\n\
                        if (isEnabled('b')) {}\n\
                        if (isEnabled('c')) {} else if (isEnabled('d')) {} else {}\n\
                        if (isEnabled('e')) {} else if (isEnabled('f')) {}");
        let summary: Vec<(ForkKind, bool)> =
            facts.forks.iter().map(|f| (f.kind, f.has_else)).collect();
        assert_eq!(
            summary,
            vec![
                (ForkKind::If, true),
                (ForkKind::If, false),
                (ForkKind::If, true),
                (ForkKind::ElseIf, true),
                (ForkKind::If, true),
                (ForkKind::ElseIf, false),
            ]
        );
    }

    #[test]
    fn branch_bodies() {
        let source = "function f() {\n\
                      if (!isEnabled('a')) return null;\n\
                      if (!isEnabled('b')) { console.warn('off'); return; }\n\
                      if (isEnabled('c')) { logger.info('x'); } else { ; }\n\
                      if (isEnabled('d')) { a(); } else if (x) { b(); }\n\
                      const v = !isEnabled('e') ? null : <New />;\n\
                      const w = isEnabled('f') ? a : undefined;\n\
                      }";
        assert_eq!(
            flow::describe_bodies(&forks(source)),
            "Exit, Exit, Log/Empty, Code, Empty/Code, Code/Empty"
        );
    }

    #[test]
    fn then_branch_taken_without_the_flag() {
        let without = |condition: &str| {
            let forks = forks(&format!(
                "const on = isEnabled('k');\nif ({condition}) {{ a(); }}"
            ));
            forks.len() == 1 && forks[0].then_without_flag
        };
        flow::check_without(
            without,
            &[
                ("on || x", true),
                ("isEnabled('j') || x", true),
                ("!(!on && x)", true),
                ("on && x", false),
                ("on === false && x", false),
                ("!(on || x)", false),
            ],
        );
    }

    #[test]
    fn exits_early_statements() {
        assert!(exits("{ return; }"));
        assert!(exits("{ a(); return 1; }"));
        assert!(exits("{ throw new Error('x'); }"));
        assert!(exits("{ continue; }"));
        assert!(exits("{ break; }"));
        assert!(exits("{ a(); break; // done\n }"));
        assert!(exits("return;"));
        assert!(exits("throw e;"));
        assert!(exits("continue;"));
        assert!(exits("break;"));
        assert!(!exits("{ return; a(); }"));
        assert!(!exits("{ a(); }"));
        assert!(!exits("{ }"));
        assert!(!exits("a();"));
        assert!(!exits("{ if (x) return; }"));
        assert!(!exits("{ return; } else { a(); }"));
        assert!(!exits("return; else a();"));
        assert!(!exits("{ return; } else if (x) { return; }"));
        // The last link of a chain may exit early; a ternary never does.
        let facts = ts(
            "function f() { if (x) {} else if (isEnabled('a')) { return; } }\n\
                        const v = isEnabled('b') ? 1 : 2;",
        );
        assert_eq!(
            kinds(&facts.forks),
            vec![ForkKind::ElseIf, ForkKind::Ternary]
        );
        assert!(facts.forks[0].exits_early);
        assert!(!facts.forks[1].exits_early);
    }

    #[test]
    fn chain_head_is_flag() {
        let facts = ts("if (isEnabled('a')) {} else if (isEnabled('b')) {} else if (x) {} else if (isEnabled('c')) {}\n\
                        if (x) {} else if (isEnabled('d')) {}");
        assert_eq!(
            kinds(&facts.forks),
            vec![
                ForkKind::If,
                ForkKind::ElseIf,
                ForkKind::ElseIf,
                ForkKind::ElseIf
            ]
        );
        let heads: Vec<bool> = facts.forks.iter().map(|f| f.chain_head_is_flag).collect();
        assert_eq!(heads, vec![false, true, true, false]);
        assert_eq!(parents(&facts.forks), vec![None, None, None, None]);
    }

    #[test]
    fn parent_then_and_else_branches() {
        let facts = ts("if (isEnabled('a')) {\n\
                          if (isEnabled('b')) {}\n\
                        } else {\n\
                          if (isEnabled('c')) {}\n\
                          if (x) { if (isEnabled('d')) {} }\n\
                        }\n\
                        if (isEnabled('e')) g(); else if (isEnabled('f')) h();");
        assert_eq!(
            parents(&facts.forks),
            vec![None, Some(0), Some(0), Some(0), None, None]
        );
    }

    #[test]
    fn parent_of_else_if_is_the_head_parent() {
        let facts = ts("if (isEnabled('a')) {\n\
                          if (isEnabled('b')) {} else if (isEnabled('c')) {} else if (isEnabled('d')) {}\n\
                          if (x) {} else if (isEnabled('e')) {}\n\
                        }");
        assert_eq!(
            kinds(&facts.forks),
            vec![
                ForkKind::If,
                ForkKind::If,
                ForkKind::ElseIf,
                ForkKind::ElseIf,
                ForkKind::ElseIf
            ]
        );
        assert_eq!(
            parents(&facts.forks),
            vec![None, Some(0), Some(0), Some(0), Some(0)]
        );
    }

    #[test]
    fn parent_inside_else_if_body() {
        let facts = ts("if (isEnabled('a')) {\n\
                        } else if (isEnabled('b')) {\n\
                          if (isEnabled('c')) {}\n\
                        } else {\n\
                          if (isEnabled('d')) {}\n\
                        }");
        assert_eq!(parents(&facts.forks), vec![None, None, Some(1), Some(1)]);
        // An else-if that is not a fork: the previous link's else-branch holds the body.
        let facts = ts("if (isEnabled('a')) {\n\
                        } else if (x) {\n\
                          if (isEnabled('c')) {}\n\
                        }\n\
                        if (y) {} else if (z) { if (isEnabled('d')) {} }");
        assert_eq!(parents(&facts.forks), vec![None, Some(0), None]);
    }

    #[test]
    fn parent_of_ternary_in_branch_and_ternary_branches() {
        let facts = ts("if (isEnabled('a')) {\n\
                          const v = isEnabled('b') ? (isEnabled('c') ? 1 : 2) : isEnabled('d') ? 3 : 4;\n\
                        }");
        assert_eq!(
            kinds(&facts.forks),
            vec![
                ForkKind::If,
                ForkKind::Ternary,
                ForkKind::Ternary,
                ForkKind::Ternary
            ]
        );
        assert_eq!(parents(&facts.forks), vec![None, Some(0), Some(1), Some(1)]);
    }

    #[test]
    fn parent_not_from_condition() {
        let facts = ts(
            "if (isEnabled('a') ? x : y) {\n\
                          if (isEnabled('b')) {}\n\
                        }\n\
                        if (isEnabled('c') && ((() => { if (isEnabled('d')) {} return 1; })())) {}",
        );
        assert_eq!(
            kinds(&facts.forks),
            vec![
                ForkKind::If,
                ForkKind::Ternary,
                ForkKind::If,
                ForkKind::If,
                ForkKind::If
            ]
        );
        assert_eq!(parents(&facts.forks), vec![None, None, Some(0), None, None]);
        assert!(facts.forks[3].compound);
    }

    #[test]
    fn parent_stops_at_named_functions_not_arrows() {
        let facts = ts("if (isEnabled('a')) {\n\
                          function inner() { if (isEnabled('b')) {} }\n\
                          const g = function () { if (isEnabled('c')) {} };\n\
                          class K { m() { if (isEnabled('d')) {} } p = isEnabled('e') ? 1 : 2; }\n\
                          const o = { m() { if (isEnabled('f')) {} } };\n\
                          const h = () => { if (isEnabled('g')) {} };\n\
                          items.forEach((x) => isEnabled('h') ? x : null);\n\
                        }");
        assert_eq!(
            parents(&facts.forks),
            vec![None, None, None, None, None, None, Some(0), Some(0)]
        );
    }

    #[test]
    fn ternaries_in_both_grammars() {
        for facts in [
            ts("const on = useFlag('a');\nconst v = on ? 1 : 2;"),
            tsx("const on = useFlag('a');\nconst v = <div>{on ? <A /> : <B />}</div>;"),
            tsx("const v = <div>{!useFlag('a') ? <A /> : null}</div>;"),
        ] {
            assert_eq!(facts.forks.len(), 1, "{:?}", facts.forks);
            let fork = &facts.forks[0];
            assert_eq!(fork.kind, ForkKind::Ternary);
            assert_eq!(fork.checks, vec![0]);
            assert!(fork.has_else && !fork.exits_early && !fork.chain_head_is_flag);
        }
        assert!(tsx("const v = <div>{!useFlag('a') ? <A /> : null}</div>;").forks[0].negated);
        // JavaScript is parsed as TSX.
        let facts = tsx("if (useFlag('a')) { render(<A />); } else { x(); }");
        assert_eq!(kinds(&facts.forks), vec![ForkKind::If]);
    }

    #[test]
    fn fork_spans() {
        let facts = ts("function f() {\n  if (isEnabled('a')) {\n    x();\n  } else if (\n    isEnabled('b')\n  ) {}\n  const v = héé || isEnabled('c') ? 1 : 2;\n}");
        let spans: Vec<(u32, u32, u32, u32)> = facts
            .forks
            .iter()
            .map(|f| {
                (
                    f.span.line,
                    f.span.column,
                    f.span.end_line,
                    f.span.end_column,
                )
            })
            .collect();
        assert_eq!(spans, vec![(2, 3, 2, 22), (4, 10, 6, 4), (7, 13, 7, 34)]);
        let source = "x; if (isEnabled('a')) {}";
        let fork = &ts(source).forks[0];
        assert_eq!(
            &source[fork.span.start as usize..fork.span.end as usize],
            "if (isEnabled('a'))"
        );
    }

    #[test]
    fn forks_survive_syntax_errors() {
        let facts = ts("if (isEnabled('a')) { x( }\nconst = ;\nif (isEnabled('b')) {}");
        assert!(!facts.syntax_errors.is_empty());
        assert!(facts
            .forks
            .iter()
            .any(|f| f.checks.contains(&(facts.checks.len() - 1))));
        // No condition at all: no panic.
        let _ = ts("if");
        let _ = ts("if () {} else if");
        let _ = ts("x ? : ;");
    }

    #[test]
    fn deep_nested_if_chain_does_not_overflow() {
        let depth = 10_000;
        let source = format!(
            "{}{}",
            "if (isEnabled('a')) {\n".repeat(depth),
            "}\n".repeat(depth)
        );
        let facts = ts(&source);
        assert_eq!(facts.forks.len(), depth);
        assert_eq!(facts.forks[0].parent, None);
        assert_eq!(facts.forks[depth - 1].parent, Some(depth - 2));
        assert!(facts.forks.iter().all(|f| f.kind == ForkKind::If));
    }

    #[test]
    fn long_else_if_chain_does_not_overflow() {
        let length = 10_000;
        let source = format!(
            "if (isEnabled('a')) {{}}{} else {{ if (isEnabled('z')) {{}} }}",
            " else if (isEnabled('b')) {}".repeat(length)
        );
        let facts = ts(&source);
        assert_eq!(facts.forks.len(), length + 2);
        assert!(facts.forks[1..=length]
            .iter()
            .all(|f| f.kind == ForkKind::ElseIf
                && f.chain_head_is_flag
                && f.parent.is_none()
                && f.has_else));
        assert_eq!(facts.forks[length + 1].parent, Some(length));
        let ternaries = format!("const v = {}0;", "isEnabled('a') ? 1 : ".repeat(length));
        let facts = ts(&ternaries);
        assert_eq!(facts.forks.len(), length);
        assert_eq!(facts.forks[length - 1].parent, Some(length - 2));
    }

    // ----- check shapes besides calls --------------------------------------------------------

    const PROPERTY: usize = 0;
    const FEATURE: usize = 1;
    const GATE: usize = 2;
    const HOOK: usize = 3;
    const CALL: usize = 4;
    const SHORT_PROPERTY: usize = 5;

    fn shape_spec(call: &str, shape: Shape) -> CheckSpec {
        CheckSpec {
            call: call.split('.').map(str::to_string).collect(),
            shape,
            key: crate::lang::KeyArg {
                position: Some(0),
                keyword: None,
            },
            ..CheckSpec::default()
        }
    }

    fn shape_specs() -> Vec<CheckSpec> {
        vec![
            shape_spec("config.featureToggles", Shape::Property),
            shape_spec(
                "Feature",
                Shape::Jsx {
                    prop: "flag".into(),
                },
            ),
            shape_spec(
                "FeatureGate",
                Shape::Jsx {
                    prop: "features".into(),
                },
            ),
            shape_spec("useFlags", Shape::Destructure),
            shape_spec("isEnabled", Shape::Call),
            shape_spec("flags", Shape::Property),
        ]
    }

    fn shaped_with(grammar: Grammar, source: &str) -> FileFacts {
        crate::lang::test_extract_specs(
            grammar,
            Language::TypeScript,
            shape_specs(),
            &["X", "FeatureFlags"],
            source,
        )
    }

    fn shaped(source: &str) -> FileFacts {
        shaped_with(Grammar::Tsx, source)
    }

    /// `(spec, key, span text, key span text)` of every check.
    fn sites(source: &str, facts: &FileFacts) -> Vec<(usize, KeyExpr, String, String)> {
        let text = |span: &Span| source[span.start as usize..span.end as usize].to_string();
        facts
            .checks
            .iter()
            .map(|c| (c.spec, c.key.clone(), text(&c.span), text(&c.key_span)))
            .collect()
    }

    fn site(
        spec: usize,
        key: KeyExpr,
        span: &str,
        key_span: &str,
    ) -> (usize, KeyExpr, String, String) {
        (spec, key, span.to_string(), key_span.to_string())
    }

    fn shape_sites(source: &str) -> Vec<(usize, KeyExpr, String, String)> {
        sites(source, &shaped(source))
    }

    #[test]
    fn an_env_property_check_reads_the_projects_env_object_not_process_env() {
        let mut env = shape_spec("env", Shape::Property);
        env.keys = crate::lang::NamePatterns::new(vec!["*_ENABLED".into()]).expect("patterns");
        let source = "import { env } from '@/env';\n\
                      if (env.NEXT_PUBLIC_X_ENABLED) {}\n\
                      const raw = process.env.NEXT_PUBLIC_X_ENABLED;\n";
        let facts = crate::lang::test_extract_specs(
            Grammar::Tsx,
            Language::TypeScript,
            vec![env],
            &[],
            source,
        );
        assert_eq!(
            sites(source, &facts),
            [site(
                0,
                KeyExpr::Literal("NEXT_PUBLIC_X_ENABLED".into()),
                "env.NEXT_PUBLIC_X_ENABLED",
                "NEXT_PUBLIC_X_ENABLED"
            )]
        );
    }

    #[test]
    fn property_chains_step_through_calls_and_keep_the_keys_their_patterns_admit() {
        let mut getter = shape_spec("getConfig", Shape::Property);
        getter.keys = crate::lang::NamePatterns::new(vec!["ENABLE_*".into()]).expect("patterns");
        let hook = shape_spec("useWaffleFlags", Shape::Property);
        let source = "if (getConfig().ENABLE_X === 'true') {}\n\
                      const url = getConfig().LMS_BASE_URL;\n\
                      const md = useWaffleFlags(courseId).useMarkdown;\n\
                      const other = config.getConfig.ENABLE_Y;\n\
                      function Editor({ id }) {\n\
                      const flags = useWaffleFlags(id);\n\
                      const { newPdf } = useWaffleFlags(id);\n\
                      return flags.gallery && newPdf;\n\
                      }\n";
        let facts = crate::lang::test_extract_specs(
            Grammar::Tsx,
            Language::TypeScript,
            vec![getter, hook],
            &[],
            source,
        );
        assert_eq!(
            sites(source, &facts),
            [
                site(
                    0,
                    KeyExpr::Literal("ENABLE_X".into()),
                    "getConfig().ENABLE_X",
                    "ENABLE_X"
                ),
                site(
                    1,
                    KeyExpr::Literal("useMarkdown".into()),
                    "useWaffleFlags(courseId).useMarkdown",
                    "useMarkdown"
                ),
                site(
                    0,
                    KeyExpr::Literal("ENABLE_Y".into()),
                    "config.getConfig.ENABLE_Y",
                    "ENABLE_Y"
                ),
                site(1, KeyExpr::Literal("newPdf".into()), "newPdf", "newPdf"),
                site(
                    1,
                    KeyExpr::Literal("gallery".into()),
                    "flags.gallery",
                    "gallery"
                ),
            ]
        );
    }

    #[test]
    fn property_chains_with_literal_keys() {
        let source = "const a = config.featureToggles.newNav;\n\
                      const b = window.config.featureToggles?.darkMode;\n\
                      const c = config.featureToggles['new-nav'];\n\
                      const d = config?.featureToggles?.[\"e\"];\n\
                      const e = config.featureToggles!.f;\n\
                      const g = config.featureToggles[`tpl`];\n\
                      use(config.featureToggles.arg, { v: config.featureToggles.value });";
        assert_eq!(
            shape_sites(source),
            vec![
                site(
                    PROPERTY,
                    lit("newNav"),
                    "config.featureToggles.newNav",
                    "newNav"
                ),
                site(
                    PROPERTY,
                    lit("darkMode"),
                    "window.config.featureToggles?.darkMode",
                    "darkMode"
                ),
                site(
                    PROPERTY,
                    lit("new-nav"),
                    "config.featureToggles['new-nav']",
                    "'new-nav'"
                ),
                site(
                    PROPERTY,
                    lit("e"),
                    "config?.featureToggles?.[\"e\"]",
                    "\"e\""
                ),
                site(PROPERTY, lit("f"), "config.featureToggles!.f", "f"),
                site(
                    PROPERTY,
                    lit("tpl"),
                    "config.featureToggles[`tpl`]",
                    "`tpl`"
                ),
                site(PROPERTY, lit("arg"), "config.featureToggles.arg", "arg"),
                site(
                    PROPERTY,
                    lit("value"),
                    "config.featureToggles.value",
                    "value"
                ),
            ]
        );
    }

    #[test]
    fn property_spans_are_positions() {
        let facts = shaped("x;\n  const on = config.featureToggles['a'];");
        let check = &facts.checks[0];
        assert_eq!((check.span.line, check.span.column), (2, 14));
        assert_eq!((check.span.end_line, check.span.end_column), (2, 40));
        assert_eq!((check.key_span.column, check.key_span.end_column), (36, 39));
        assert!(!check.in_test && check.scope.is_empty());
    }

    #[test]
    fn property_computed_keys_are_read_like_arguments() {
        let source = "a = config.featureToggles[name];\n\
                      b = config.featureToggles[FLAGS.X];\n\
                      c = config.featureToggles[`x${y}`];\n\
                      d = config.featureToggles[0];\n\
                      function on(flag) { return config.featureToggles[flag]; }";
        assert_eq!(
            shape_sites(source),
            vec![
                site(
                    PROPERTY,
                    KeyExpr::Path(vec!["name".into()]),
                    "config.featureToggles[name]",
                    "name"
                ),
                site(
                    PROPERTY,
                    KeyExpr::Path(vec!["FLAGS".into(), "X".into()]),
                    "config.featureToggles[FLAGS.X]",
                    "FLAGS.X"
                ),
                site(
                    PROPERTY,
                    dynamic("a computed property"),
                    "config.featureToggles[`x${y}`]",
                    "`x${y}`"
                ),
                site(
                    PROPERTY,
                    dynamic("a computed property"),
                    "config.featureToggles[0]",
                    "0"
                ),
                site(
                    PROPERTY,
                    KeyExpr::Parameter("flag".into()),
                    "config.featureToggles[flag]",
                    "flag"
                ),
            ]
        );
        // A constant index is the key, not also a symbol use; a dynamic index is an expression.
        let facts = shaped("a = config.featureToggles[FeatureFlags.A];");
        assert!(uses(&facts).is_empty());
        let facts = shaped("a = config.featureToggles[FeatureFlags.A + x];");
        assert_eq!(uses(&facts), vec!["FeatureFlags.A"]);
    }

    #[test]
    fn property_chains_after_a_call_or_this_match_by_their_static_members() {
        let source = "a = getConfig().flags.beta;\n\
                      b = this.flags.gamma;\n\
                      c = getConfig().featureToggles.delta;\n\
                      d = list[0].flags['eps'];";
        assert_eq!(
            shape_sites(source),
            vec![
                site(
                    SHORT_PROPERTY,
                    lit("beta"),
                    "getConfig().flags.beta",
                    "beta"
                ),
                site(SHORT_PROPERTY, lit("gamma"), "this.flags.gamma", "gamma"),
                site(SHORT_PROPERTY, lit("eps"), "list[0].flags['eps']", "'eps'"),
            ]
        );
    }

    #[test]
    fn property_look_alikes_are_not_checks() {
        let source = "const t = config.featureToggles;\n\
                      const u = config.featureToggles.newNav.enabled;\n\
                      config.featureToggles.has('x');\n\
                      config.featureToggles['get']('y');\n\
                      config.featureToggles.newNav = true;\n\
                      config.featureToggles['other'] += 1;\n\
                      config.featureToggles.count++;\n\
                      --config.featureToggles['n'];\n\
                      [config.featureToggles.z] = values;\n\
                      settings.featureToggles.a;\n\
                      featureToggles.b;\n\
                      config.featureTogglesX.c;\n\
                      featureToggles.config.d;\n\
                      config.featureToggles[name].enabled;\n\
                      // config.featureToggles.e\n\
                      const s = 'config.featureToggles.f';\n\
                      const tpl = `config.featureToggles.g`;\n\
                      let typed: typeof config.featureToggles.h;\n\
                      const { config: { featureToggles: i } } = all;\n\
                      const obj = { config: { featureToggles: { j: 1 } } };";
        assert_eq!(shape_sites(source), vec![]);
        assert_eq!(
            sites(source, &shaped_with(Grammar::TypeScript, source)),
            vec![]
        );
    }

    #[test]
    fn property_checks_in_conditions_are_forks() {
        let facts = shaped("if (!config.featureToggles.newNav) { a(); } else { b(); }");
        assert_eq!(facts.checks.len(), 1);
        assert_eq!(facts.forks.len(), 1);
        assert_eq!(facts.forks[0].checks, vec![0]);
        assert!(facts.forks[0].negated);
        let facts = shaped("const v = config.featureToggles['x'] && ok ? 1 : 2;");
        assert_eq!(facts.forks.len(), 1);
        assert!(facts.forks[0].compound);
    }

    #[test]
    fn property_checks_keep_symbol_uses() {
        let source = "import { config } from './config';\nconfig.featureToggles.a;";
        let facts = shaped(source);
        assert_eq!(facts.checks.len(), 1);
        assert_eq!(uses(&facts), vec!["config.featureToggles.a"]);
    }

    #[test]
    fn jsx_literal_keys_and_spans() {
        let source = "const v = (\n  <main>\n    <Feature flag=\"new_checkout\">\n      <Checkout />\n    </Feature>\n\
                      <Flags.Feature flag={'quoted'} />\n\
                      <Feature flag={`tpl`} other=\"x\"></Feature>\n\
                      <Feature other=\"x\" flag='single' />\n\
                      </main>\n);";
        assert_eq!(
            shape_sites(source),
            vec![
                site(
                    FEATURE,
                    lit("new_checkout"),
                    "<Feature flag=\"new_checkout\">",
                    "\"new_checkout\""
                ),
                site(
                    FEATURE,
                    lit("quoted"),
                    "<Flags.Feature flag={'quoted'} />",
                    "'quoted'"
                ),
                site(
                    FEATURE,
                    lit("tpl"),
                    "<Feature flag={`tpl`} other=\"x\">",
                    "`tpl`"
                ),
                site(
                    FEATURE,
                    lit("single"),
                    "<Feature other=\"x\" flag='single' />",
                    "'single'"
                ),
            ]
        );
        let facts = shaped(source);
        let check = &facts.checks[0];
        assert_eq!((check.span.line, check.span.column), (3, 5));
        assert_eq!((check.key_span.line, check.key_span.column), (3, 19));
    }

    #[test]
    fn jsx_path_keys_are_not_symbol_uses() {
        let source = "x = <Feature flag={FeatureFlags.NEW_NAV}>{FeatureFlags.SHOWN}</Feature>;\n\
                      y = <Feature flag={X} />;\n\
                      z = <Feature flag={FLAGS['dark-mode'] as string} />;";
        assert_eq!(
            shape_sites(source),
            vec![
                site(
                    FEATURE,
                    path(&["FeatureFlags", "NEW_NAV"]),
                    "<Feature flag={FeatureFlags.NEW_NAV}>",
                    "FeatureFlags.NEW_NAV"
                ),
                site(FEATURE, path(&["X"]), "<Feature flag={X} />", "X"),
                site(
                    FEATURE,
                    path(&["FLAGS", "dark-mode"]),
                    "<Feature flag={FLAGS['dark-mode'] as string} />",
                    "FLAGS['dark-mode'] as string"
                ),
            ]
        );
        assert_eq!(uses(&shaped(source)), vec!["FeatureFlags.SHOWN"]);
        // Without the shape, the same expressions are ordinary uses.
        assert_eq!(
            uses(&tsx(source)),
            vec!["FeatureFlags.NEW_NAV", "FeatureFlags.SHOWN", "X"]
        );
    }

    #[test]
    fn jsx_arrays_give_one_check_per_element() {
        let source =
            "<FeatureGate features={[\"reports_v2\", ...more, FeatureFlags.B, pick(), 'c']} />";
        let span = source;
        assert_eq!(
            shape_sites(source),
            vec![
                site(GATE, lit("reports_v2"), span, "\"reports_v2\""),
                site(GATE, path(&["FeatureFlags", "B"]), span, "FeatureFlags.B"),
                site(GATE, dynamic("a function call result"), span, "pick()"),
                site(GATE, lit("c"), span, "'c'"),
            ]
        );
        assert!(uses(&shaped(source)).is_empty());
        assert_eq!(shape_sites("<FeatureGate features={[]} />"), vec![]);
        let with_const = "<FeatureGate features={['a'] as const} />";
        assert_eq!(
            shape_sites(with_const),
            vec![site(GATE, lit("a"), with_const, "'a'")]
        );
    }

    #[test]
    fn jsx_dynamic_keys() {
        let source = "function Gate({ flag }) {\n\
                      return <>\n\
                      <Feature flag={flag} />\n\
                      <Feature flag={on ? 'a' : 'b'} />\n\
                      <Feature flag={`x-${y}`} />\n\
                      <Feature flag={'a' + b} />\n\
                      <Feature flag={{}} />\n\
                      <Feature flag={flags} />\n\
                      <Feature flag={FeatureFlags.all[i]} />\n\
                      <Feature flag={} />\n\
                      <Feature flag />\n\
                      <Feature flag=<b /> />\n\
                      </>;\n}";
        let found: Vec<(KeyExpr, String)> = shape_sites(source)
            .into_iter()
            .map(|(_, key, _, key_span)| (key, key_span))
            .collect();
        let expected = [
            (KeyExpr::Parameter("flag".to_string()), "flag"),
            (dynamic("a conditional expression"), "on ? 'a' : 'b'"),
            (dynamic("a template literal"), "`x-${y}`"),
            (dynamic("a string concatenation"), "'a' + b"),
            (dynamic("an expression"), "{}"),
            (path(&["flags"]), "flags"),
            (dynamic("a subscript"), "FeatureFlags.all[i]"),
            (dynamic("an empty expression"), "{}"),
            (dynamic("an attribute without a value"), "flag"),
            (dynamic("an expression"), "<b />"),
        ];
        let expected: Vec<(KeyExpr, String)> = expected
            .into_iter()
            .map(|(k, s)| (k, s.to_string()))
            .collect();
        assert_eq!(found, expected);
        // Dynamic keys are visited: their chains are uses.
        assert_eq!(uses(&shaped(source)), vec!["FeatureFlags.all"]);
    }

    #[test]
    fn jsx_look_alikes_are_not_checks() {
        let source = "const v = <div>\n\
                      <Other flag=\"a\" />\n\
                      <Feature name=\"b\" />\n\
                      <Feature {...props} />\n\
                      <FeatureX flag=\"c\" />\n\
                      <Feature.Other flag=\"d\" />\n\
                      <Feature><Child flag=\"e\" /></Feature>\n\
                      {/* <Feature flag=\"f\" /> */}\n\
                      {\"<Feature flag='g' />\"}\n\
                      <FeatureGate flag=\"h\" />\n\
                      <Feature data-flag=\"i\" />\n\
                      </div>;\n\
                      // <Feature flag=\"j\" />\n\
                      Feature.flag = 'k';\n\
                      Feature({ flag: 'l' });";
        assert_eq!(shape_sites(source), vec![]);
    }

    #[test]
    fn object_property_values_are_checks() {
        let source = "import { P } from './flags';\n\
                      const routes = [\n\
                      { path: '/a', flag: 'newNav' },\n\
                      { path: '/b', flag: P, notFlag: \"old\" },\n\
                      { flag: route.flag, other: { flag: { name: 'x' } }, flagNames: ['c', `d`] },\n\
                      { flag: false, flag2: 'no', 'flag': 'quoted' },\n\
                      ];\n\
                      type R = { flag: 'typed' };";
        let specs = vec![
            shape_spec("flag", Shape::ObjectProperty),
            shape_spec("notFlag", Shape::ObjectProperty),
            shape_spec("flagNames", Shape::ObjectProperty),
        ];
        let facts = crate::lang::test_extract_specs(
            Grammar::TypeScript,
            Language::TypeScript,
            specs,
            &["P"],
            source,
        );
        assert_eq!(
            sites(source, &facts),
            vec![
                (
                    0,
                    lit("newNav"),
                    "flag: 'newNav'".to_string(),
                    "'newNav'".to_string()
                ),
                (
                    0,
                    KeyExpr::Path(vec!["P".into()]),
                    "flag: P".to_string(),
                    "P".to_string()
                ),
                (
                    1,
                    lit("old"),
                    "notFlag: \"old\"".to_string(),
                    "\"old\"".to_string()
                ),
                (
                    2,
                    lit("c"),
                    "flagNames: ['c', `d`]".to_string(),
                    "'c'".to_string()
                ),
                (
                    2,
                    lit("d"),
                    "flagNames: ['c', `d`]".to_string(),
                    "`d`".to_string()
                ),
                (
                    0,
                    lit("quoted"),
                    "'flag': 'quoted'".to_string(),
                    "'quoted'".to_string()
                ),
            ]
        );
        assert!(facts.symbol_uses.iter().all(|u| u.path != ["P"]));
    }

    #[test]
    fn destructured_property_objects() {
        let source = "import { NEW_NAV } from './flags';\n\
                      function a(uiConfig) {\n\
                      const { flags } = uiConfig;\n\
                      if (flags.UG) {}\n\
                      const f = () => flags[NEW_NAV];\n\
                      }\n\
                      function b(flags) { return flags.length; }\n\
                      const { flags: { dark, 'kebab-x': k } } = uiConfig;\n\
                      const { light } = uiConfig.flags;\n\
                      const { other } = props.flags;";
        let specs = vec![shape_spec("uiConfig.flags", Shape::Property)];
        let facts = crate::lang::test_extract_specs(
            Grammar::TypeScript,
            Language::TypeScript,
            specs,
            &["NEW_NAV"],
            source,
        );
        let keys: Vec<(KeyExpr, u32)> = facts
            .checks
            .iter()
            .map(|c| (c.key.clone(), c.span.line))
            .collect();
        assert_eq!(
            keys,
            vec![
                (lit("UG"), 4),
                (KeyExpr::Path(vec!["NEW_NAV".into()]), 5),
                (lit("dark"), 8),
                (lit("kebab-x"), 8),
                (lit("light"), 9),
            ]
        );
    }

    #[test]
    fn jsx_in_javascript() {
        let source = "export default () => <Feature flag=\"js\">x</Feature>;";
        let facts = crate::lang::test_extract_specs(
            Grammar::Tsx,
            Language::JavaScript,
            shape_specs(),
            &[],
            source,
        );
        assert_eq!(keys(&facts), vec![lit("js")]);
    }

    #[test]
    fn destructured_hook_properties() {
        let source = "const { newNav, darkMode: dm, 'kebab-key': k, nested: { inner }, \
                      withDefault = true, renamed: r = false, [computed]: c, 0: zero, ...rest } = useFlags();";
        assert_eq!(
            shape_sites(source),
            vec![
                site(HOOK, lit("newNav"), "newNav", "newNav"),
                site(HOOK, lit("darkMode"), "darkMode: dm", "darkMode"),
                site(HOOK, lit("kebab-key"), "'kebab-key': k", "'kebab-key'"),
                site(HOOK, lit("nested"), "nested: { inner }", "nested"),
                site(
                    HOOK,
                    lit("withDefault"),
                    "withDefault = true",
                    "withDefault"
                ),
                site(HOOK, lit("renamed"), "renamed: r = false", "renamed"),
            ]
        );
        let facts = shaped(source);
        assert_eq!(
            (facts.checks[1].span.column, facts.checks[1].span.end_column),
            (17, 29)
        );
        assert!(facts.symbol_uses.is_empty());
    }

    #[test]
    fn destructure_declarations_and_initializers() {
        let source = "function App() {\n\
                      let { a } = await client.useFlags();\n\
                      var { b } = (useFlags() as Flags);\n\
                      const { c } = useFlags<Flags>()!;\n\
                      const { d } = hooks.flags.useFlags({ user });\n\
                      const { e } = make().useFlags();\n\
                      }";
        let found: Vec<KeyExpr> = shape_sites(source).into_iter().map(|s| s.1).collect();
        assert_eq!(
            found,
            vec![lit("a"), lit("b"), lit("c"), lit("d"), lit("e")]
        );
        let ts_source = "const { f } = <Flags>useFlags();";
        assert_eq!(
            keys(&shaped_with(Grammar::TypeScript, ts_source)),
            vec![lit("f")]
        );
    }

    #[test]
    fn destructure_look_alikes_are_not_checks() {
        let source = "const { a } = useSession();\n\
                      const flags = useFlags();\n\
                      const [b] = useFlags();\n\
                      ({ c } = useFlags());\n\
                      const { d } = useFlags;\n\
                      const { e } = useFlags().nested;\n\
                      const { f } = useFlagsX();\n\
                      const { g } = useFlags.other();\n\
                      for (const { h } of useFlags()) {}\n\
                      // const { i } = useFlags();\n\
                      const s = 'const { j } = useFlags()';\n\
                      function k({ l } = useFlags()) {}\n\
                      const { ...m } = useFlags();";
        assert_eq!(shape_sites(source), vec![]);
    }

    #[test]
    fn shapes_and_calls_together_in_source_order() {
        let source = "function App() {\n\
                      const { a } = useFlags();\n\
                      return <Feature flag=\"b\">{isEnabled('c') && config.featureToggles.d}</Feature>;\n\
                      }";
        let found: Vec<(usize, KeyExpr)> = shape_sites(source)
            .into_iter()
            .map(|s| (s.0, s.1))
            .collect();
        assert_eq!(
            found,
            vec![
                (HOOK, lit("a")),
                (FEATURE, lit("b")),
                (CALL, lit("c")),
                (PROPERTY, lit("d")),
            ]
        );
    }

    #[test]
    fn shapes_need_a_spec_of_their_kind() {
        let source = "const { a } = useFlags();\n\
                      const b = config.featureToggles.b;\n\
                      const c = <Feature flag=\"c\" />;";
        // The default test specs are calls only.
        assert!(tsx(source).checks.is_empty());
        // A call spec of the same name is not a shape spec.
        let facts = crate::lang::test_extract(
            Grammar::Tsx,
            Language::TypeScript,
            &["useFlags:0", "featureToggles:0", "Feature:0"],
            &[],
            source,
        );
        assert!(facts.checks.is_empty());
        // Another language's spec does not apply.
        let mut specs = shape_specs();
        for spec in &mut specs {
            spec.language = Some(Language::Python);
        }
        let facts =
            crate::lang::test_extract_specs(Grammar::Tsx, Language::TypeScript, specs, &[], source);
        assert!(facts.checks.is_empty());
    }

    #[test]
    fn shapes_on_long_and_deep_input_do_not_overflow() {
        let length = 100_000;
        let chain = format!("x = config.featureToggles{};", ".a".repeat(length));
        assert!(shaped(&chain).checks.is_empty());
        let chain = format!("x = config.featureToggles{}.last;", "[k]".repeat(length));
        assert!(shaped(&chain).checks.is_empty());
        let chain = format!("x = f(){}.flags.k;", "().a".repeat(length));
        assert_eq!(keys(&shaped(&chain)), vec![lit("k")]);
        let depth = 100_000;
        let nested = format!(
            "x = {}<Feature flag=\"deep\" />{};",
            "<Feature flag=\"a\">".repeat(depth),
            "</Feature>".repeat(depth)
        );
        assert_eq!(shaped(&nested).checks.len(), depth + 1);
        let patterns = format!(
            "const {{ a: {}b{} }} = useFlags();",
            "{ x: ".repeat(depth),
            " }".repeat(depth)
        );
        assert_eq!(keys(&shaped(&patterns)), vec![lit("a")]);
    }

    #[test]
    fn garbage_with_shapes_does_not_panic() {
        let inputs = [
            "config.featureToggles[",
            "config.featureToggles.",
            "<Feature flag=",
            "<Feature flag={[",
            "<Feature flag={",
            "const { a: } = useFlags(",
            "const { 'unterminated } = useFlags()",
            "<Feature flag=\"é\u{0}\" />",
            "<FeatureGate features={[,,'a',,]} />",
        ];
        for input in inputs {
            let _ = shaped(input);
            let _ = shaped_with(Grammar::TypeScript, input);
        }
    }

    // ----- members, calls and a definitions file's own uses --------------------------------------

    #[test]
    fn container_members_whatever_their_value() {
        let source = "export enum E { A = 'a', B, C = 1 }\n\
                      export const OBJ = { X: 'x', y: 2, z, m() {} };\n\
                      export class K { static FLAG = 'f'; run() {} }\n\
                      function f() { const Local = { hidden: 1 }; }";
        let facts = ts(source);
        assert_eq!(
            facts.member_names,
            ["E.A", "E.B", "E.C", "OBJ.X", "OBJ.y", "OBJ.z", "OBJ.m", "K.FLAG", "K.run"]
        );
    }

    #[test]
    fn called_chains_are_marked() {
        let source = "import { $imports, FeatureFlags } from './flags';\n\
                      $imports.$mock({});\nuse(FeatureFlags.X);\nFeatureFlags.Y.toLowerCase();";
        let expected = [
            ("$imports.$mock", true),
            ("FeatureFlags.X", false),
            ("FeatureFlags.Y.toLowerCase", true),
        ];
        crate::lang::assert_called(&ts(source), ".", &expected);
    }

    #[test]
    fn a_definitions_file_records_uses_of_its_own_names() {
        let source = "const flags = { a: false };\nexport const options = { flags };\n\
                      export const all = () => Object.keys(flags);";
        let (own, other) = crate::lang::uses_as_definitions_and_not(
            Grammar::TypeScript,
            Language::TypeScript,
            source,
        );
        assert_eq!(own, ["flags", "flags"]);
        assert!(other.is_empty());
    }

    // ----- definition shapes ------------------------------------------------------------------

    mod definitions {
        use super::super::super::extract;
        use crate::facts::{FileFacts, Span};
        use crate::lang::{
            test_extract_definitions, CheckMatcher, DefinitionShapes, ExtractOptions, Grammar,
            KeyArg, Language,
        };
        use std::collections::HashSet;

        fn shapes() -> DefinitionShapes {
            DefinitionShapes {
                registries: vec!["FEATURES".into()],
                lists: vec!["FLAGS".into(), "RUNTIME.WAFFLE_FLAGS".into()],
                registrations: vec![
                    (
                        vec!["manager".into(), "add".into()],
                        KeyArg {
                            position: Some(0),
                            keyword: None,
                        },
                    ),
                    (
                        vec!["defineFlag".into()],
                        KeyArg {
                            position: Some(1),
                            keyword: None,
                        },
                    ),
                ],
                unions: vec!["FeatureName".into()],
                ..Default::default()
            }
        }

        fn run_with(grammar: Grammar, source: &str) -> FileFacts {
            test_extract_definitions(grammar, Language::TypeScript, shapes(), source)
        }

        fn defs(source: &str) -> Vec<(String, String)> {
            let ts = run_with(Grammar::TypeScript, source);
            let tsx = run_with(Grammar::Tsx, source);
            let pairs = |f: &FileFacts| {
                f.string_consts
                    .iter()
                    .map(|c| (c.symbol.join("."), c.value.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(pairs(&ts), pairs(&tsx), "grammars disagree on {source}");
            pairs(&ts)
        }

        fn d(symbol: &str, value: &str) -> (String, String) {
            (symbol.into(), value.into())
        }

        fn cols(span: &Span) -> (u32, u32, u32) {
            (span.line, span.column, span.end_column)
        }

        #[test]
        fn registry_keys_of_every_form() {
            assert_eq!(
                defs(
                    "export const FEATURES = { newNav: true, 'dark-mode': false, \"b\\u0041\": 1, \
                      [k]: 1, ...rest, m() {}, get g() { return 1 }, 2: 'x', shorthand, \
                      fn: () => 1 };"
                ),
                vec![
                    d("FEATURES.newNav", "newNav"),
                    d("FEATURES.dark-mode", "dark-mode"),
                    d("FEATURES.bA", "bA"),
                    d("FEATURES.shorthand", "shorthand"),
                    d("FEATURES.fn", "fn"),
                ]
            );
        }

        #[test]
        fn registry_through_wrappers_and_declaration_kinds() {
            for source in [
                "const FEATURES = { a: 1 } as const;",
                "let FEATURES = { a: 1 };",
                "var FEATURES = { a: 1 };",
                "export let FEATURES = { a: 1 };",
                "const FEATURES = { a: 1 } satisfies Record<string, number>;",
                "const FEATURES: Record<string, boolean> = { a: true };",
                "export const FEATURES = Object.freeze({ a: 1 });",
                "const FEATURES = Object.freeze({ a: 1 } as const);",
                "const FEATURES = ({ a: 1 });",
                "declare const FEATURES = { a: 1 };",
            ] {
                assert_eq!(defs(source), vec![d("FEATURES.a", "a")], "{source}");
            }
        }

        #[test]
        fn registry_spans_and_exported() {
            let facts = run_with(
                Grammar::TypeScript,
                "const FEATURES = {\n  newNav: true,\n  'dark-mode': { on: false },\n};",
            );
            let got: Vec<_> = facts
                .string_consts
                .iter()
                .map(|c| (cols(&c.span), cols(&c.name_span), c.exported))
                .collect();
            assert_eq!(
                got,
                vec![
                    ((2, 3, 15), (2, 3, 9), true),
                    ((3, 3, 29), (3, 3, 14), true)
                ]
            );
        }

        #[test]
        fn registry_keeps_object_constants_too() {
            let facts = run_with(
                Grammar::TypeScript,
                "const FEATURES = { A: 'a', B: true, C: `c` };",
            );
            let got: Vec<_> = facts
                .string_consts
                .iter()
                .map(|c| (c.symbol.join("."), c.value.clone(), c.exported))
                .collect();
            let t = |s: &str, v: &str, e| (s.to_string(), v.to_string(), e);
            assert_eq!(
                got,
                vec![
                    t("FEATURES.A", "a", false),
                    t("FEATURES.A", "A", true),
                    t("FEATURES.B", "B", true),
                    t("FEATURES.C", "c", false),
                    t("FEATURES.C", "C", true),
                ]
            );
            // Non-registry objects only give their string constants.
            assert_eq!(
                defs("const OTHER = { A: 'a', B: true };"),
                vec![d("OTHER.A", "a")]
            );
        }

        #[test]
        fn registry_look_alikes_are_not_recorded() {
            for source in [
                "const OTHER = { a: 1 };",
                "const features = { a: 1 };",
                "function f() { const FEATURES = { a: 1 }; }",
                "if (x) { var FEATURES = { a: 1 }; }",
                "FEATURES = { a: 1 };",
                "const FEATURES = make({ a: 1 });",
                "const FEATURES = [{ a: 1 }];",
                "const { FEATURES } = { FEATURES: { a: 1 } };",
                "// const FEATURES = { a: 1 };",
                "const s = 'const FEATURES = { a: 1 }';",
                "class C { FEATURES = { a: 1 }; }",
                "export default { FEATURES: { a: 1 } };",
            ] {
                let got = defs(source);
                assert!(
                    got.iter().all(|(s, _)| !s.starts_with("FEATURES.")),
                    "{source}: {got:?}"
                );
            }
        }

        #[test]
        fn list_elements_of_every_form() {
            assert_eq!(
                defs(
                    "export const FLAGS = ['a', \"b\\n\", `c`, `d${x}`, 1, x, ['new_nav', false], \
                      [1, 'no'], [], [`t`, true], ...more, 'e' as const, , 'f'] as const;"
                ),
                vec![
                    d("FLAGS.a", "a"),
                    d("FLAGS.b\n", "b\n"),
                    d("FLAGS.c", "c"),
                    d("FLAGS.new_nav", "new_nav"),
                    d("FLAGS.t", "t"),
                    d("FLAGS.e", "e"),
                    d("FLAGS.f", "f"),
                ]
            );
        }

        #[test]
        fn lists_nested_in_object_literals() {
            let got = defs(
                "export const RUNTIME = { URL: 'u', WAFFLE_FLAGS: [['a', true], 'b'], \
                 OTHER: ['c'], NESTED: { WAFFLE_FLAGS: ['d'] } };\n\
                 const OTHER = { WAFFLE_FLAGS: ['e'] };",
            );
            let lists: Vec<_> = got.iter().filter(|(_, v)| v != "u").cloned().collect();
            assert_eq!(
                lists,
                vec![
                    d("RUNTIME.WAFFLE_FLAGS.a", "a"),
                    d("RUNTIME.WAFFLE_FLAGS.b", "b"),
                ]
            );
        }

        #[test]
        fn list_wrappers_and_spans() {
            for source in [
                "const FLAGS = ['a'];",
                "const FLAGS: string[] = ['a'];",
                "const FLAGS = ['a'] satisfies readonly string[];",
                "const FLAGS = <const>['a'];",
                "const FLAGS = Object.freeze(['a']);",
                "export const FLAGS = ['a'] as const;",
            ] {
                assert_eq!(defs(source), vec![d("FLAGS.a", "a")], "{source}");
            }
            let facts = run_with(
                Grammar::TypeScript,
                "const FLAGS = [\n  'a',\n  ['new_nav', false],\n];",
            );
            let got: Vec<_> = facts
                .string_consts
                .iter()
                .map(|c| (cols(&c.span), cols(&c.name_span), c.exported))
                .collect();
            assert_eq!(
                got,
                vec![((2, 3, 6), (2, 3, 6), true), ((3, 3, 21), (3, 4, 13), true)]
            );
        }

        #[test]
        fn list_look_alikes_are_not_recorded() {
            for source in [
                "const OTHER = ['a'];",
                "let FLAGS = ['a'];",
                "function f() { const FLAGS = ['a']; }",
                "FLAGS = ['a'];",
                "FLAGS.push('a');",
                "const FLAGS = get(['a']);",
                "const FLAGS = 'a';",
                "const FLAGS = { a: 1 };",
                "/* const FLAGS = ['a']; */",
                "const FLAGS = [[['a']], [x, 'b'], { k: 'c' }];",
            ] {
                let got = defs(source);
                assert!(
                    got.iter().all(|(s, _)| !s.starts_with("FLAGS.")),
                    "{source}: {got:?}"
                );
            }
            // A list name that is also a plain string constant stays a string constant.
            assert_eq!(defs("const FLAGS = 'a';"), vec![d("FLAGS", "a")]);
            assert_eq!(
                defs("export const FLAGS = ['a']; const X = 'x';"),
                vec![d("FLAGS.a", "a"), d("X", "x")]
            );
        }

        #[test]
        fn registrations_anywhere() {
            assert_eq!(
                defs("manager.add('top');\n\
                      app.manager.add(\"deep\\t\", { default: false });\n\
                      function setup() { manager.add(`inner`); if (x) { defineFlag(ctx, 'second'); } }\n\
                      const f = () => this.manager.add('arrow');\n\
                      wrap(manager.add('nested'));\n\
                      class C { init() { manager?.add('optional'); } }\n\
                      manager.add('cast' as const);"),
                vec![
                    d("top", "top"),
                    d("deep\t", "deep\t"),
                    d("inner", "inner"),
                    d("second", "second"),
                    d("arrow", "arrow"),
                    d("nested", "nested"),
                    d("optional", "optional"),
                    d("cast", "cast"),
                ]
            );
        }

        #[test]
        fn registration_spans() {
            let facts = run_with(Grammar::TypeScript, "x;\n  manager.add('k', 1);");
            let c = &facts.string_consts[0];
            assert_eq!(
                (c.symbol.clone(), c.value.as_str()),
                (vec!["k".to_string()], "k")
            );
            assert!(c.exported);
            assert_eq!(cols(&c.span), (2, 3, 22));
            assert_eq!(cols(&c.name_span), (2, 15, 18));
        }

        #[test]
        fn registration_look_alikes_are_not_recorded() {
            for source in [
                "add('k');",
                "other.add('k');",
                "manager.remove('k');",
                "manager.add(key);",
                "manager.add(`k${x}`);",
                "manager.add('a' + 'b');",
                "manager.add();",
                "manager.add(...args, 'k');",
                "defineFlag('k');",
                "manager.add[0]('k');",
                "new manager.add('k');",
                "// manager.add('k');",
                "let s = \"manager.add('k')\";",
                "type T = typeof manager.add;",
                "manager.add(1);",
            ] {
                assert_eq!(defs(source), vec![], "{source}");
            }
            // Broken chains match by the last segment, as for checks.
            assert_eq!(defs("get().add('k');"), vec![]);
            assert_eq!(defs("get().defineFlag(x, 'k');"), vec![d("k", "k")]);
        }

        #[test]
        fn object_type_registries() {
            assert_eq!(
                defs(
                    "export type FEATURES = {\n  newNav?: boolean;\n  'dark-mode': Variant;\n  \
                     [key: string]: unknown;\n  method(): void;\n};"
                ),
                vec![
                    d("FEATURES.newNav", "newNav"),
                    d("FEATURES.dark-mode", "dark-mode")
                ]
            );
            assert_eq!(
                defs("export interface FEATURES { beta: boolean }"),
                vec![d("FEATURES.beta", "beta")]
            );
            assert!(defs("type OTHER = { a: boolean };").is_empty());
        }

        #[test]
        fn registration_assigned_to_a_top_level_name() {
            assert_eq!(
                defs(
                    "export const NEW_NAV = defineFlag(x, 'new-nav');\n\
                     const DARK = defineFlag(x, 'dark');\n\
                     function f() { const local = defineFlag(x, 'inner'); }"
                ),
                vec![
                    d("NEW_NAV", "new-nav"),
                    d("DARK", "dark"),
                    d("inner", "inner")
                ]
            );
        }

        #[test]
        fn constant_kinds() {
            use crate::facts::ConstKind;
            let facts = run_with(
                Grammar::TypeScript,
                "export const A = 'a';\nexport const FEATURES = { b: true };\n\
                 export const FLAGS = ['c'];\ntype FeatureName = 'd';\nmanager.add('e');",
            );
            assert_eq!(
                crate::lang::const_kinds(&facts),
                [
                    ConstKind::Constant,
                    ConstKind::RegistryKey,
                    ConstKind::ListElement,
                    ConstKind::UnionMember,
                    ConstKind::Registration
                ]
            );
        }

        #[test]
        fn union_members_of_every_form() {
            assert_eq!(
                defs(
                    "export type FeatureName = 'a' | \"b\" | `c` | `d${string}` | 1 | string \
                      | ('e' | ('f')) | null;"
                ),
                vec![
                    d("FeatureName.a", "a"),
                    d("FeatureName.b", "b"),
                    d("FeatureName.c", "c"),
                    d("FeatureName.e", "e"),
                    d("FeatureName.f", "f"),
                ]
            );
            assert_eq!(
                defs("type FeatureName =\n  | 'new-nav'\n  | 'dark\\'mode';"),
                vec![
                    d("FeatureName.new-nav", "new-nav"),
                    d("FeatureName.dark'mode", "dark'mode")
                ]
            );
            assert_eq!(
                defs("type FeatureName = 'only';"),
                vec![d("FeatureName.only", "only")]
            );
            assert_eq!(
                defs("declare type FeatureName = ('x');"),
                vec![d("FeatureName.x", "x")]
            );
            assert_eq!(
                defs("type FeatureName<T> = 'g' | T;"),
                vec![d("FeatureName.g", "g")]
            );
        }

        #[test]
        fn union_spans() {
            let facts = run_with(
                Grammar::TypeScript,
                "type FeatureName =\n  | 'a'\n  | \"bc\";",
            );
            let got: Vec<_> = facts
                .string_consts
                .iter()
                .map(|c| (cols(&c.span), cols(&c.name_span), c.exported))
                .collect();
            assert_eq!(
                got,
                vec![((2, 5, 8), (2, 5, 8), true), ((3, 5, 9), (3, 5, 9), true)]
            );
        }

        #[test]
        fn union_look_alikes_are_not_recorded() {
            for source in [
                "type Other = 'a' | 'b';",
                "function f() { type FeatureName = 'a' | 'b'; }",
                "namespace N { export type FeatureName = 'a'; }",
                "interface FeatureName { a: 'a' }",
                "type FeatureName = { a: 'a' } | Array<'b'> | ['c'] | keyof X | (() => 'd');",
                "let x: FeatureName = 'a';",
                "// type FeatureName = 'a';",
                "const FeatureName = 'a' || 'b';",
            ] {
                let got = defs(source);
                assert!(
                    got.iter().all(|(s, _)| !s.starts_with("FeatureName.")),
                    "{source}: {got:?}"
                );
            }
        }

        #[test]
        fn all_shapes_in_source_order() {
            assert_eq!(
                defs(
                    "type FeatureName = 'u';\n\
                      manager.add('r1');\n\
                      const FEATURES = { k: manager.add('r2') };\n\
                      const FLAGS = ['l'];\n\
                      const C = 'c';"
                ),
                vec![
                    d("FeatureName.u", "u"),
                    d("r1", "r1"),
                    d("FEATURES.k", "k"),
                    d("r2", "r2"),
                    d("FLAGS.l", "l"),
                    d("C", "c"),
                ]
            );
        }

        #[test]
        fn no_shapes_means_no_definitions() {
            let source = "const FEATURES = { a: 1 }; const FLAGS = ['a']; manager.add('k');\n\
                          type FeatureName = 'x';";
            let facts = test_extract_definitions(
                Grammar::TypeScript,
                Language::TypeScript,
                DefinitionShapes::default(),
                source,
            );
            assert!(facts.string_consts.is_empty(), "{:?}", facts.string_consts);
        }

        #[test]
        fn other_facts_unchanged_by_shapes() {
            let source = "import { x } from './m';\nexport const FEATURES = { a: x, B: 'b' };\n\
                          const FLAGS = ['f']; manager.add('k'); type FeatureName = 'n';\n\
                          function g(p) { return x.y; }";
            let with = run_with(Grammar::Tsx, source);
            let without = test_extract_definitions(
                Grammar::Tsx,
                Language::TypeScript,
                DefinitionShapes::default(),
                source,
            );
            assert_eq!(with.imports, without.imports);
            assert_eq!(with.module_names, without.module_names);
            assert_eq!(with.symbol_uses, without.symbol_uses);
            assert_eq!(with.checks, without.checks);
            assert_eq!(with.syntax_errors, without.syntax_errors);
        }

        #[test]
        fn garbage_and_prefixes_do_not_panic() {
            let source =
                "const FEATURES = { a: 1, 'b': [ , ] } as const;\nconst FLAGS = [['x', 1], `y`];\n\
                          manager.add('k', ...r); type FeatureName = | ('a' | 'b';\n";
            let matcher = CheckMatcher::default();
            let interesting = HashSet::new();
            let definitions = shapes();
            let options = ExtractOptions {
                language: Language::TypeScript,
                checks: &matcher,
                interesting: &interesting,
                definitions: &definitions,
                definitions_file: false,
                keys: &HashSet::new(),
                migration: None,
                created_rows: false,
            };
            for end in (0..=source.len()).filter(|i| source.is_char_boundary(*i)) {
                let _ = extract(&source[..end], false, &options);
                let _ = extract(&source[..end], true, &options);
            }
            let deep = format!(
                "type FeatureName = {}'a'{};",
                "(".repeat(50_000),
                ")".repeat(50_000)
            );
            let _ = extract(&deep, false, &options);
            let long = format!(
                "const FLAGS = {}'a'{};",
                "[".repeat(50_000),
                "]".repeat(50_000)
            );
            let _ = extract(&long, false, &options);
        }
    }
}
