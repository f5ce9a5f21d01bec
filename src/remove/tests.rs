//! The rewriter on small programs in each language: the check (the text between `⟦` and `⟧`)
//! replaced by the kept value, then folded.

use super::syntax::{Dialect, Mapping};
use super::usages::{self, Role, Target};
use super::{imports, simplify};

/// Removes the marked check keeping `keep`, as step 1 does.
fn remove(dialect: Dialect, marked: &str, keep: bool) -> String {
    remove_as(dialect, marked, keep, Role::Value)
}

fn remove_as(dialect: Dialect, marked: &str, keep: bool, role: Role) -> String {
    let start = marked.find('⟦').expect("a start marker");
    let end = marked.find('⟧').expect("an end marker") - '⟦'.len_utf8();
    let source = marked.replace(['⟦', '⟧'], "");
    let tree = dialect.parse(&source).expect("parses");
    let targets = [Target {
        range: start..end,
        role,
        negated: false,
    }];
    let found = usages::rewrite(dialect, &source, &tree, &targets, keep, false);
    let mut mapping = Mapping::default();
    let first = found.edits.apply_recorded(&source, &mut mapping);
    let folded = simplify::simplify(dialect, first, &mut mapping);
    let folded = super::syntax::finish(dialect, &folded, &mut mapping);
    let (folded, _) = super::dead::remove(dialect, &source, folded);
    let cleaned = match imports::unused(dialect, &source, &folded) {
        Some(edits) => edits.apply_recorded(&folded, &mut mapping),
        None => folded,
    };
    super::syntax::tidy_blank_lines(&source, &cleaned)
}

#[test]
fn python_if_else_keeps_the_branch_and_dedents_it() {
    let source = "def f(user):\n    if ⟦flag_is_active(user, NEW)⟧:\n        a()\n        b()\n    else:\n        c()\n    return 1\n";
    assert_eq!(
        remove(Dialect::Python, source, true),
        "def f(user):\n    a()\n    b()\n    return 1\n"
    );
    assert_eq!(
        remove(Dialect::Python, source, false),
        "def f(user):\n    c()\n    return 1\n"
    );
}

#[test]
fn python_guard_goes_and_code_after_an_exit_is_dead() {
    let guard = "def f(u):\n    if not ⟦is_on(u)⟧:\n        return None\n    return g()\n";
    assert_eq!(
        remove(Dialect::Python, guard, true),
        "def f(u):\n    return g()\n"
    );
    let local = "def f(u):\n    use_new = ⟦is_on(u)⟧\n    if use_new:\n        return new()\n    return old()\n";
    assert_eq!(
        remove(Dialect::Python, local, true),
        "def f(u):\n    return new()\n"
    );
    assert_eq!(
        remove(Dialect::Python, local, false),
        "def f(u):\n    return old()\n"
    );
}

#[test]
fn python_elif_chains_and_boolean_operators() {
    let chain = "if a:\n    x()\nelif ⟦on()⟧:\n    y()\nelse:\n    z()\n";
    assert_eq!(
        remove(Dialect::Python, chain, true),
        "if a:\n    x()\nelse:\n    y()\n"
    );
    assert_eq!(
        remove(Dialect::Python, chain, false),
        "if a:\n    x()\nelse:\n    z()\n"
    );
    let compound = "if user.is_staff and ⟦on()⟧:\n    x()\n";
    assert_eq!(
        remove(Dialect::Python, compound, true),
        "if user.is_staff:\n    x()\n"
    );
    assert_eq!(remove(Dialect::Python, compound, false), "");
    let ternary = "label = 'new' if ⟦on()⟧ else 'old'\n";
    assert_eq!(remove(Dialect::Python, ternary, false), "label = 'old'\n");
}

#[test]
fn python_only_statement_of_a_block_becomes_pass() {
    let source = "def f():\n    if ⟦on()⟧:\n        x()\n";
    assert_eq!(
        remove(Dialect::Python, source, false),
        "def f():\n    pass\n"
    );
}

#[test]
fn python_imports_the_change_left_unused_are_dropped_and_others_kept() {
    let source = "import os\nfrom flags import NEW, OLD\n\nif ⟦on(NEW)⟧:\n    x()\n";
    assert_eq!(
        remove(Dialect::Python, source, true),
        "import os\nfrom flags import OLD\n\nx()\n"
    );
}

#[test]
fn tsx_hook_local_and_jsx_forks_collapse() {
    let source = "import { useFlag } from 'flags';\n\nexport const Page = () => {\n  const enabled = ⟦useFlag('newNav')⟧;\n  useEffect(() => {}, [a, enabled]);\n  return (\n    <div>\n      {enabled && <NewNav />}\n      {!enabled && <OldNav />}\n      {enabled ? <A /> : null}\n    </div>\n  );\n};\n";
    assert_eq!(
        remove(Dialect::Tsx, source, true),
        "export const Page = () => {\n  useEffect(() => {}, [a]);\n  return (\n    <div>\n      <NewNav />\n      <A />\n    </div>\n  );\n};\n"
    );
}

#[test]
fn typescript_if_else_if_chain() {
    let source = "function f() {\n  if (a) {\n    x();\n  } else if (⟦isOn('n')⟧) {\n    y();\n  } else {\n    z();\n  }\n}\n";
    assert_eq!(
        remove(Dialect::TypeScript, source, true),
        "function f() {\n  if (a) {\n    x();\n  } else {\n    y();\n  }\n}\n"
    );
    let negated = "function f() {\n  if (!⟦isOn('n')⟧) {\n    return;\n  }\n  go();\n}\n";
    assert_eq!(
        remove(Dialect::TypeScript, negated, true),
        "function f() {\n  go();\n}\n"
    );
}

#[test]
fn rust_if_as_a_value_and_as_a_statement() {
    let value = "fn f(s: &S) -> bool {\n    let v = if ⟦is_x_enabled(s)⟧ {\n        new()\n    } else {\n        old()\n    };\n    v\n}\n";
    assert_eq!(
        remove(Dialect::Rust, value, true),
        "fn f(s: &S) -> bool {\n    let v = new();\n    v\n}\n"
    );
    let statement = "fn f(s: &S) {\n    if a && ⟦is_x_enabled(s)⟧ {\n        go();\n    }\n}\n";
    assert_eq!(
        remove(Dialect::Rust, statement, true),
        "fn f(s: &S) {\n    if a {\n        go();\n    }\n}\n"
    );
    assert_eq!(
        remove(Dialect::Rust, statement, false),
        "fn f(s: &S) {\n}\n"
    );
    let guard = "fn f(s: &S) {\n    match x {\n        A if ⟦is_x_enabled(s)⟧ => a(),\n        _ => b(),\n    }\n}\n";
    assert_eq!(
        remove(Dialect::Rust, guard, true),
        "fn f(s: &S) {\n    match x {\n        A => a(),\n        _ => b(),\n    }\n}\n"
    );
}

#[test]
fn rust_use_of_the_gate_is_dropped_from_a_list() {
    let source = "use crate::preview::{is_x_enabled, is_y_enabled};\n\nfn f(s: &S) {\n    if ⟦is_x_enabled(s)⟧ && is_y_enabled(s) {\n        go();\n    }\n}\n";
    assert_eq!(
        remove(Dialect::Rust, source, true),
        "use crate::preview::is_y_enabled;\n\nfn f(s: &S) {\n    if is_y_enabled(s) {\n        go();\n    }\n}\n"
    );
}

#[test]
fn jsx_components_keep_their_children_or_their_fallback() {
    let source = "const A = () => (\n  <main>\n    ⟦<Feature flag=\"newNav\" fallback={<OldNav />}>⟧\n      <NewNav />\n    </Feature>\n  </main>\n);\n";
    assert_eq!(
        remove_as(Dialect::Tsx, source, true, Role::Component),
        "const A = () => (\n  <main>\n    <NewNav />\n  </main>\n);\n"
    );
    assert_eq!(
        remove_as(Dialect::Tsx, source, false, Role::Component),
        "const A = () => (\n  <main>\n    <OldNav />\n  </main>\n);\n"
    );
}

#[test]
fn destructured_names_leave_the_pattern_and_become_literals() {
    let source = "function Nav() {\n  const { ⟦newNav⟧, dark } = useFlags();\n  return newNav ? <New dark={dark} /> : <Old />;\n}\n";
    assert_eq!(
        remove_as(Dialect::Tsx, source, true, Role::Destructured),
        "function Nav() {\n  const { dark } = useFlags();\n  return <New dark={dark} />;\n}\n"
    );
}

#[test]
fn helpers_only_the_removed_branch_used_go_with_it() {
    let source = "from old import legacy\n\n\ndef _old_path(x):\n    return legacy(x)\n\n\ndef public_old(x):\n    return x\n\n\ndef view(x):\n    if ⟦on(x)⟧:\n        return x\n    return _old_path(x) or public_old(x)\n";
    assert_eq!(
        remove(Dialect::Python, source, true),
        "def public_old(x):\n    return x\n\n\ndef view(x):\n    return x\n"
    );
    let tsx = "function OldNav() {\n  return <nav />;\n}\n\nexport const Page = () => (⟦useFlag('x')⟧ ? <main /> : <OldNav />);\n";
    assert_eq!(
        remove(Dialect::Tsx, tsx, true),
        "export const Page = () => (<main />);\n"
    );
}

#[test]
fn only_the_removal_folds_literals_written_by_hand_stay() {
    let source = "function f(xs) {\n  const on = ⟦useFlag('x')⟧;\n  const any = xs.some(Boolean) || false;\n  return on && any === true ? [...(on ? [] : [1]), 2] : [];\n}\n";
    assert_eq!(
        remove(Dialect::TypeScript, source, true),
        "function f(xs) {\n  const any = xs.some(Boolean) || false;\n  return any === true ? [2] : [];\n}\n"
    );
    let python = "def f(x):\n    y = x or False\n    return ⟦on()⟧ and y\n";
    assert_eq!(
        remove(Dialect::Python, python, true),
        "def f(x):\n    y = x or False\n    return y\n"
    );
}

#[test]
fn struct_literals_lose_a_deleted_field() {
    let source = "fn d() -> Flags {\n    Flags {\n        ws3: true,\n        watch_mode: String::new(),\n    }\n}\n";
    let edits = super::definitions::field_initializers(source, &[("Flags", "ws3")]);
    assert_eq!(
        edits.apply(source),
        "fn d() -> Flags {\n    Flags {\n        watch_mode: String::new(),\n    }\n}\n"
    );
}

#[test]
fn macro_registry_entries_go_with_their_comma() {
    let delete = |source: &str, name: &str| {
        let tree = Dialect::Rust.parse(source).expect("parses");
        let at = source.find(name).expect("present");
        let edit = super::definitions::delete(Dialect::Rust, source, &tree, at..at + name.len())
            .expect("an edit");
        let mut edits = super::syntax::Edits::default();
        edits.push(edit);
        edits.apply(source)
    };
    let tuples = "features! {\n    (stable, edition, \"1.31\", \"x\"),\n    (unstable, trim_paths, \"\", \"y\"),\n}\n";
    assert_eq!(
        delete(tuples, "trim_paths"),
        "features! {\n    (stable, edition, \"1.31\", \"x\"),\n}\n"
    );
    let fields = "unstable_cli_options!(\n    /// Garbage collection.\n    gc: bool = (\"gc\"),\n    msrv_policy: bool = (\"m\"),\n);\n";
    assert_eq!(
        delete(fields, "gc"),
        "unstable_cli_options!(\n    msrv_policy: bool = (\"m\"),\n);\n"
    );
}

#[test]
fn rust_list_uses_of_a_variant_go() {
    let source = "fn t() {\n    let p = Preview::new(&[PreviewFeature::PythonUpgrade, PreviewFeature::Pylock]);\n}\n";
    let tree = Dialect::Rust.parse(source).expect("parses");
    let at = source.find("PythonUpgrade").expect("present");
    let edit = super::definitions::list_element(source, &tree, at..at + "PythonUpgrade".len());
    let mut edits = super::syntax::Edits::default();
    edits.push(edit.expect("an edit"));
    assert_eq!(
        edits.apply(source),
        "fn t() {\n    let p = Preview::new(&[PreviewFeature::Pylock]);\n}\n"
    );
}

#[test]
fn rust_checks_in_macros_and_code_after_a_kept_return() {
    let in_macro = "fn t(p: &P) {\n    assert!(⟦p.is_enabled(F::X)⟧);\n}\n";
    assert_eq!(
        remove(Dialect::Rust, in_macro, true),
        "fn t(p: &P) {\n    assert!(true);\n}\n"
    );
    let early = "fn f(s: &S) -> u8 {\n    if ⟦is_x_enabled(s)⟧ {\n        return new(s);\n    }\n    let a = old(s);\n    a\n}\n";
    assert_eq!(
        remove(Dialect::Rust, early, true),
        "fn f(s: &S) -> u8 {\n    return new(s);\n}\n"
    );
    assert_eq!(
        remove(Dialect::Rust, early, false),
        "fn f(s: &S) -> u8 {\n    let a = old(s);\n    a\n}\n"
    );
}

#[test]
fn value_returning_checks_are_not_booleans() {
    let name = |n: &str| vec![n.to_string()];
    assert!(super::returns_a_value(&name("variation")));
    assert!(super::returns_a_value(&name("getVariant")));
    assert!(super::returns_a_value(&name("getFeatureValue")));
    assert!(!super::returns_a_value(&name("boolVariation")));
    assert!(!super::returns_a_value(&name("isEnabled")));
    assert!(!super::returns_a_value(&name("flag_is_active")));
    assert!(!super::returns_a_value(&name("useFlag")));
}

#[test]
fn rust_conditions_shortened_to_one_line_get_their_brace_back() {
    let source = "fn f(s: &S) {\n    if a(s)\n        && ⟦is_x_enabled(s)⟧\n    {\n        go();\n    }\n}\n";
    let removed = remove(Dialect::Rust, source, true);
    let edits = super::simplify::join_braces(source, &removed).expect("parses");
    assert_eq!(
        edits.apply(&removed),
        "fn f(s: &S) {\n    if a(s) {\n        go();\n    }\n}\n"
    );
}

#[test]
fn overrides_of_a_registry_lose_the_deleted_key() {
    let source = "start({\n    experimental: {\n        flags: {\n            keep: true,\n            gone: true,\n            other: false,\n        },\n    },\n    gone: 1,\n});\n";
    let entries = [("flags".to_string(), "gone".to_string())];
    let edits = super::definitions::registry_overrides(Dialect::TypeScript, source, &entries);
    assert_eq!(
        edits.apply(source),
        "start({\n    experimental: {\n        flags: {\n            keep: true,\n            other: false,\n        },\n    },\n    gone: 1,\n});\n"
    );
}

#[test]
fn locals_only_the_removed_branch_read_are_listed() {
    let original = "fn f(ctx: &C) -> u8 {\n    let repo = ctx.repo();\n    if is_x_enabled(ctx) {\n        1\n    } else {\n        repo.len()\n    }\n}\n";
    let current = "fn f(ctx: &C) -> u8 {\n    let repo = ctx.repo();\n    1\n}\n";
    let unread = super::dead::unread_locals(Dialect::Rust, original, current);
    assert_eq!(unread, vec![(26, "repo".to_string())]);
    assert!(super::dead::unread_locals(Dialect::Rust, original, original).is_empty());
}
