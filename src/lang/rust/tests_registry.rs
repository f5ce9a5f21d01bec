//! Field-read (property) checks, macro registries and key-type calls.

use std::collections::HashSet;

use super::*;
use crate::lang::{pairs, CheckMatcher, CheckSpec, KeyArg, Language, MacroShape};

fn spec(call: &str, shape: Shape, position: Option<usize>) -> CheckSpec {
    CheckSpec {
        call: call.split('.').map(str::to_string).collect(),
        shape,
        key: KeyArg {
            position,
            keyword: None,
        },
        ..CheckSpec::default()
    }
}

fn run_with(matcher: &CheckMatcher, definitions: &DefinitionShapes, source: &str) -> FileFacts {
    let interesting = HashSet::new();
    let keys = HashSet::new();
    let options = ExtractOptions {
        language: Language::Rust,
        checks: matcher,
        interesting: &interesting,
        definitions,
        definitions_file: !definitions.is_empty(),
        keys: &keys,
        migration: None,
        created_rows: false,
    };
    extract(source, &options)
}

fn checks(facts: &FileFacts, source: &str) -> Vec<(String, String)> {
    facts
        .checks
        .iter()
        .map(|c| {
            let key = match &c.key {
                KeyExpr::Literal(k) => k.clone(),
                other => format!("{other:?}"),
            };
            let text = &source[c.span.start as usize..c.span.end as usize];
            (key, text.to_string())
        })
        .collect()
}

#[test]
fn field_reads_through_property_chains_are_checks() {
    let matcher = CheckMatcher::new(vec![
        spec("feature_flags", Shape::Property, None),
        spec("cli_unstable", Shape::Property, None),
        spec("settings.flags", Shape::Property, None),
    ]);
    let source = r#"
async fn f(ctx: &Ctx, gctx: &G, app_settings: S) -> Result<()> {
    if ctx.settings.feature_flags.single_branch { a(); }
    let mode = &app_settings.get()?.feature_flags.watch_mode;
    let gc = gctx.cli_unstable().gc;
    let n = load().await?.feature_flags.nested.inner;
    assert!(feature_flags.in_macro);
    let x = serde_json::json!({ "k": feature_flags.in_json });
    let s = settings.read().await.flags.stepped;
    ctx.settings.feature_flags.written = true;
    ctx.feature_flags.toggled ^= true;
    let r = &mut ctx.feature_flags.borrowed;
    let other = ctx.features.not_a_flag;
    Ok(())
}
"#;
    let facts = run_with(&matcher, &DefinitionShapes::default(), source);
    assert_eq!(
        checks(&facts, source),
        pairs(&[
            ("single_branch", "ctx.settings.feature_flags.single_branch"),
            ("watch_mode", "app_settings.get()?.feature_flags.watch_mode"),
            ("gc", "gctx.cli_unstable().gc"),
            ("nested", "load().await?.feature_flags.nested"),
            ("in_macro", "feature_flags.in_macro"),
            ("in_json", "feature_flags.in_json"),
            ("stepped", "settings.read().await.flags.stepped"),
        ])
    );
    // The read in the condition makes the `if` a fork.
    assert_eq!(facts.forks.len(), 1);
}

#[test]
fn field_reads_of_bindings_typed_as_the_struct_are_checks() {
    let matcher = CheckMatcher::new(vec![spec("FeatureFlags", Shape::Property, None)]);
    let source = r#"
fn value(flags: &but_settings::FeatureFlags, other: &Other) -> bool {
    let local: FeatureFlags = load();
    flags.unapply && local.single && other.not_a_flag
}
fn later(flags: &Other) -> bool { flags.not_typed }
"#;
    let facts = run_with(&matcher, &DefinitionShapes::default(), source);
    assert_eq!(
        checks(&facts, source),
        pairs(&[("unapply", "flags.unapply"), ("single", "local.single")])
    );
}

#[test]
fn fields_of_self_typed_as_the_struct_are_read_in_its_impl() {
    // meilisearch's `RoFeatures { runtime: RuntimeTogglableFeatures }`.
    let matcher = CheckMatcher::new(vec![spec("FeatureFlags", Shape::Property, None)]);
    let source = r#"
impl RoFeatures {
    pub fn check_metrics(&self) -> bool { self.runtime.metrics && self.other.not_a_flag }
}
pub struct RoFeatures { runtime: FeatureFlags, other: Other }
impl Unrelated {
    fn f(&self) -> bool { self.runtime.not_typed_here }
}
impl FeatureFlags {
    pub fn serverless(self) -> bool { self.serverless }
    fn normalize(mut self) -> Self { self.written = true; self }
}
"#;
    let facts = run_with(&matcher, &DefinitionShapes::default(), source);
    assert_eq!(
        checks(&facts, source),
        pairs(&[
            ("metrics", "self.runtime.metrics"),
            ("serverless", "self.serverless")
        ])
    );
}

#[test]
fn macro_invocations_declare_registries_with_lifecycle_words() {
    let source = r#"
features! {
    /// Doc.
    (stable, edition, "1.31", "reference/manifest.html"),
    (unstable, trim_paths, "", "reference/unstable.html"),
    #[cfg(test)]
    (unstable, only_in_tests, "", ""),
    (removed, old_thing, "1.37", ""),
}
unstable_cli_options!(
    allow_features: Option<AllowFeatures> = ("Allow only the listed features"),
    #[serde(deserialize_with = "list")]
    build_std: Option<Vec<String>> = ("Build std"),
    gc: bool,
);
other! { (unstable, not_declared, "", "") }
"#;
    let shapes = DefinitionShapes {
        macros: vec![
            MacroShape {
                name: "features".into(),
                key: 1,
                state: Some(0),
                key_type: Some("Feature".into()),
            },
            MacroShape {
                name: "unstable_cli_options".into(),
                key: 1,
                state: Some(0),
                key_type: None,
            },
        ],
        ..DefinitionShapes::default()
    };
    let facts = run_with(&CheckMatcher::default(), &shapes, source);
    let symbols: Vec<(String, String)> = facts
        .string_consts
        .iter()
        .map(|c| (c.symbol.join("::"), c.value.clone()))
        .collect();
    assert_eq!(
        symbols,
        pairs(&[
            ("features::edition", "edition"),
            ("features::trim_paths", "trim_paths"),
            ("features::old_thing", "old_thing"),
            ("unstable_cli_options::allow_features", "allow_features"),
            ("unstable_cli_options::build_std", "build_std"),
            ("unstable_cli_options::gc", "gc"),
        ])
    );
    let trim = &facts.string_consts[1];
    assert_eq!(
        &source[trim.span.start as usize..trim.span.end as usize],
        r#"(unstable, trim_paths, "", "reference/unstable.html")"#
    );
    let words: Vec<(u32, String)> = facts
        .annotations
        .iter()
        .map(|(line, fields)| (*line, fields[0].1.clone()))
        .collect();
    assert_eq!(
        words,
        vec![
            (4, "stable".to_string()),
            (5, "unstable".to_string()),
            (8, "removed".to_string())
        ]
    );
}

#[test]
fn zero_argument_functions_of_a_key_type_name_keys() {
    let matcher = CheckMatcher::new(vec![
        spec("require", Shape::Call, Some(0)),
        spec("is_enabled", Shape::Call, Some(0)),
    ])
    .with_key_types(vec!["Feature".into()]);
    let source = r#"
impl Feature {
    fn check(&self, features: &Features) -> bool { features.is_enabled(self) }
    fn field(&self, features: &Features) -> bool { features.is_enabled(self.inner) }
}
fn f(features: &Features) -> Result<()> {
    features.require(Feature::trim_paths())?;
    features.require(crate::core::Feature::edition())?;
    features.require(Other::not_a_key())?;
    features.require(Feature::with_arg(1))?;
    Ok(())
}
"#;
    let facts = run_with(&matcher, &DefinitionShapes::default(), source);
    assert_eq!(
        checks(&facts, source)
            .into_iter()
            .map(|(k, _)| k)
            .collect::<Vec<_>>(),
        vec![
            "Parameter(\"self\")".to_string(),
            "Dynamic(\"a member of `this`\")".to_string(),
            "trim_paths".to_string(),
            "edition".to_string(),
            "Dynamic(\"a function call result\")".to_string(),
            "Dynamic(\"a function call result\")".to_string(),
        ]
    );
}
