//! Check functions of the repository's own, recognised from their definitions: a name that asks
//! about a flag and a parameter that is its key.

use super::*;

/// Words that name a flag system's features rather than its flags (`PreviewFeature`,
/// `is_experimental_enabled`).
const FEATURE_WORDS: &[&str] = &[
    "feature",
    "toggle",
    "switch",
    "experiment",
    "preview",
    "unstable",
];

/// Whether a lowercased name holds `flag` or one of [`FEATURE_WORDS`].
fn names_flags(lower: &str) -> bool {
    lower.contains("flag") || FEATURE_WORDS.iter().any(|w| lower.contains(w))
}

/// Functions of the repository that look like flag checks, with the position of their key.
pub(super) fn check_functions(rel: &str, language: Language, text: &str) -> Vec<ProposedCheck> {
    /// Lines a signature may span.
    const MAX_SIGNATURE_LINES: usize = 12;
    let mut found = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (number, line) in lines.iter().enumerate() {
        // A signature over several lines (`def f(\n    flag_name: str,\n) -> bool:`) as one.
        let joined;
        let mut trimmed = line.trim_start();
        if trimmed.matches('(').count() > trimmed.matches(')').count() {
            let mut text = trimmed.to_string();
            for next in lines.iter().skip(number + 1).take(MAX_SIGNATURE_LINES) {
                text.push(' ');
                text.push_str(next.trim());
                if text.matches('(').count() <= text.matches(')').count() {
                    break;
                }
            }
            joined = text;
            trimmed = &joined;
        }
        let evidence = || format!("{rel}:{}", number + 1);
        match language {
            Language::Python => {
                let Some(rest) = trimmed
                    .strip_prefix("def ")
                    .or_else(|| trimmed.strip_prefix("async def "))
                else {
                    continue;
                };
                if let Some((name, params)) = signature(rest) {
                    let params: Vec<Parameter> = params
                        .into_iter()
                        .filter(|p| p.name != "self" && p.name != "cls")
                        .collect();
                    if let Some(key) = key_parameter(name, &params) {
                        found.push(ProposedCheck {
                            keyword: Some(params[key].name.to_string()),
                            key_type: params[key].registry_type(),
                            ..ProposedCheck::call(name, key, language, evidence())
                        });
                    }
                }
            }
            Language::Rust => {
                let rest = trimmed
                    .trim_start_matches("pub(crate) ")
                    .trim_start_matches("pub ")
                    .trim_start_matches("async ");
                let Some(rest) = rest.strip_prefix("fn ") else {
                    continue;
                };
                if let Some((name, params)) = signature(rest) {
                    let params: Vec<Parameter> = params
                        .into_iter()
                        .filter(|p| !p.name.ends_with("self"))
                        .collect();
                    // Rust's "flags" are mostly a command line's or a compiler's
                    // (`has_flag(&self, flag_name: &str)` in an argument parser): the name must
                    // speak of features or of being enabled too.
                    let lower = name.to_ascii_lowercase();
                    let of_features = lower.contains("enabled")
                        || FEATURE_WORDS.iter().any(|w| lower.contains(w));
                    // fish's `fn feature_test(flag: FeatureFlag) -> bool`: a flag-typed key and
                    // a yes-or-no answer say it asks, whatever the name.
                    let answers = trimmed.contains("-> bool");
                    let key = of_features
                        .then(|| key_parameter(name, &params))
                        .flatten()
                        .or_else(|| {
                            // The type says flag, not feature (`feature_table_is_empty(&self,
                            // feature_name: &FeatureName)` asks about a manifest's table).
                            let flag_type = |p: &Parameter| {
                                flag_typed(p)
                                    && p.registry_type().is_some_and(|ty| {
                                        let ty = ty.to_ascii_lowercase();
                                        ["flag", "toggle", "switch"].iter().any(|e| ty.ends_with(e))
                                    })
                            };
                            (answers && of_features && !lower.starts_with("test"))
                                .then(|| params.iter().position(flag_type))
                                .flatten()
                        });
                    if let Some(key) = key {
                        found.push(ProposedCheck {
                            key_type: params[key].registry_type(),
                            ..ProposedCheck::call(name, key, language, evidence())
                        });
                    }
                }
            }
            Language::Template | Language::Yaml | Language::Json => {}
            Language::TypeScript | Language::JavaScript => {
                let declaration = trimmed
                    .trim_start_matches("export ")
                    .trim_start_matches("default ")
                    .trim_start_matches("async ");
                // `function isFlagActive(runtimeData, flag: FlagName) {`
                if let Some((name, params)) = declaration
                    .strip_prefix("function ")
                    .and_then(|rest| signature(rest.trim_start_matches('*').trim_start()))
                {
                    if let Some(check) = ts_check(name, params, evidence()) {
                        found.push(check);
                    }
                    continue;
                }
                // A class method with a typed flag key: `isEnabled(expName: IFlagKey): boolean {`.
                let method = declaration
                    .trim_start_matches("public ")
                    .trim_start_matches("async ");
                if line.starts_with(char::is_whitespace)
                    && method.trim_end().ends_with('{')
                    && !method.starts_with("function ")
                {
                    if let Some((name, params)) = signature(method) {
                        let keyword = matches!(
                            name,
                            "if" | "for" | "while" | "switch" | "catch" | "return" | "constructor"
                        );
                        if let Some(mut check) = (!keyword)
                            .then(|| ts_check(name, params, evidence()))
                            .flatten()
                        {
                            // Only a key typed as a flag key (`expName: IFlagKey`), not a
                            // parameter that merely has a flag-like name.
                            let typed_key = check.key_type.as_deref().is_some_and(|ty| {
                                let ty = ty.to_ascii_lowercase();
                                ["flagkey", "flagname", "flagid", "featurename", "featurekey"]
                                    .iter()
                                    .any(|end| ty.ends_with(end))
                            });
                            if typed_key {
                                check.receiver = Some(Vec::new());
                                found.push(check);
                            }
                        }
                        continue;
                    }
                }
                // `const checkFeatureFlag = useCheckFeatureFlag();`
                let Some(rest) = declaration
                    .strip_prefix("const ")
                    .or_else(|| declaration.strip_prefix("let "))
                else {
                    continue;
                };
                // `const useUiFlag = <K extends Flag>(flag: K) =>`, `= async (flag: string) =>`
                if let Some((name, value)) = rest.split_once('=') {
                    let value = value.trim_start().trim_start_matches("async ");
                    let generics = generic_bounds(value);
                    let value = match value.strip_prefix('<') {
                        Some(_) => value.split_once('>').map_or("", |(_, v)| v.trim_start()),
                        None => value.strip_prefix("function").unwrap_or(value).trim_start(),
                    };
                    let is_arrow = value.starts_with('(') && value.contains("=>");
                    if is_arrow {
                        if let Some((_, params)) = signature(&format!("{}{value}", name.trim())) {
                            let params = params
                                .into_iter()
                                .map(|p| Parameter {
                                    ty: p.ty.map(|ty| {
                                        generics
                                            .iter()
                                            .find(|(g, _)| *g == ty)
                                            .map_or(ty.clone(), |(_, bound)| bound.clone())
                                    }),
                                    ..p
                                })
                                .collect();
                            if let Some(check) = ts_check(name.trim(), params, evidence()) {
                                found.push(check);
                            }
                        }
                        continue;
                    }
                }
                let Some((name, value)) = rest.split_once('=') else {
                    continue;
                };
                let name = name.trim();
                let value = value.trim();
                let is_identifier = !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
                let hook_call = value.starts_with("use")
                    && value.contains("Flag")
                    && value.trim_end_matches(';').ends_with("()");
                // A local that holds a function (`checkFeatureFlag`, `evaluateFlag`), called with
                // a key in this file; not one that holds the flags (`flags`, `allFlags`).
                let called = text.contains(&format!("{name}('"))
                    || text.contains(&format!("{name}(\""))
                    || text.contains(&format!("{name}(`"));
                if is_identifier
                    && hook_call
                    && name.to_ascii_lowercase().contains("flag")
                    && asks(name)
                    && called
                {
                    found.push(ProposedCheck::call(
                        name,
                        0,
                        Language::TypeScript,
                        evidence(),
                    ));
                }
            }
        }
    }
    found
}

/// A parameter of a one-line signature: its name and declared type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Parameter {
    name: String,
    ty: Option<String>,
}

impl Parameter {
    /// The type when it names a declaration that may be a registry (`PreviewFeature`,
    /// `&Feature`), not a string or a primitive.
    fn registry_type(&self) -> Option<String> {
        let ty = self.ty.as_deref()?.trim_start_matches('&').trim();
        let ty = ty.rsplit("::").next().unwrap_or(ty);
        let plain = !ty.is_empty()
            && ty.starts_with(|c: char| c.is_ascii_uppercase())
            && ty.chars().all(|c| c.is_alphanumeric() || c == '_');
        let lower = ty.to_ascii_lowercase();
        // A type of flags (`PreviewFeature`, `FlagName`), not a record about one
        // (`FeatureSchema`, `FeatureOverviewProps`).
        let names_flags = names_flags(&lower);
        let is_record = [
            "schema", "props", "item", "model", "response", "request", "options", "config",
            "state", "data", "settings", "dto", "row",
        ]
        .iter()
        .any(|w| lower.ends_with(w));
        // A type of keys ends like one (`PreviewFeature`, `FlagName`, `IFlagKey`), not like a
        // record about a flag (`IFeatureToggle`).
        let key_like = [
            "flag",
            "flags",
            "feature",
            "features",
            "key",
            "name",
            "id",
            "preview",
            "switch",
            "experiment",
            "experiments",
            "experimental",
            "unstable",
        ]
        .iter()
        .any(|end| lower.ends_with(end));
        (plain
            && names_flags
            && key_like
            && !is_record
            && !matches!(ty, "String" | "Str" | "Any" | "Self"))
        .then(|| ty.to_string())
    }
}

/// `name(a, b: int = 1, *args)` -> name and the parameters (one-line signatures only).
pub(super) fn signature(rest: &str) -> Option<(&str, Vec<Parameter>)> {
    let open = rest.find('(')?;
    let name = rest[..open].trim();
    let name = name.split('<').next()?.trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    {
        return None;
    }
    // The matching `)`, and the parameters split at commas outside brackets
    // (`flagResolver: Pick<IFlagResolver, 'isEnabled'>, flagName: IFlagKey`).
    let mut depth = 0i32;
    let mut pieces = vec![String::new()];
    let mut closed = false;
    for c in rest[open + 1..].chars() {
        match c {
            '(' | '<' | '[' | '{' => depth += 1,
            ')' if depth == 0 => {
                closed = true;
                break;
            }
            ')' | ']' | '}' => depth -= 1,
            '>' if depth > 0 => depth -= 1,
            ',' if depth == 0 => {
                pieces.push(String::new());
                continue;
            }
            _ => {}
        }
        pieces.last_mut().expect("never empty").push(c);
    }
    if !closed {
        return None;
    }
    let params = pieces
        .iter()
        .filter_map(|p| {
            let p = p.trim().trim_start_matches("mut ");
            let (name, ty) = match p.split_once(':') {
                Some((name, ty)) => (name, Some(ty.split('=').next().unwrap_or("").trim())),
                None => (p.split('=').next().unwrap_or(""), None),
            };
            let name = name.trim().trim_end_matches('?');
            (!name.is_empty()).then(|| Parameter {
                name: name.to_string(),
                ty: ty.filter(|t| !t.is_empty()).map(str::to_string),
            })
        })
        .collect();
    Some((name, params))
}

/// `<K extends Flag, V>(...)`: the generic parameters and their bounds.
pub(super) fn generic_bounds(value: &str) -> Vec<(String, String)> {
    let Some(inner) = value
        .strip_prefix('<')
        .and_then(|v| v.split_once('>'))
        .map(|(inner, _)| inner)
    else {
        return Vec::new();
    };
    inner
        .split(',')
        .filter_map(|g| {
            let (name, bound) = g.split_once(" extends ")?;
            Some((name.trim().to_string(), bound.trim().to_string()))
        })
        .collect()
}

/// A TypeScript function that takes a flag key and asks about it: `useUiFlag(flag)`,
/// `isFlagActive(data, flag)`; not `deleteFeature(feature)` (an operation on a feature, in an
/// application whose data model is features).
pub(super) fn ts_check(
    name: &str,
    params: Vec<Parameter>,
    evidence: String,
) -> Option<ProposedCheck> {
    let lower = name.to_ascii_lowercase();
    // The name speaks of flags, or the key's type does (`shouldDisplayFeature(featureFlag:
    // FeatureFlag)`).
    let about_flags =
        lower.contains("flag") || lower.contains("enabled") || params.iter().any(flag_typed);
    if !(asks(name) && about_flags) {
        return None;
    }
    let key = key_parameter(name, &params)?;
    Some(ProposedCheck {
        key_type: params[key].registry_type(),
        ..ProposedCheck::call(name, key, Language::TypeScript, evidence)
    })
}

/// A name that asks a question (`is_enabled`, `checkFeatureFlag`, `evaluateFlag`), not one that
/// names a thing (`flags`, `allFlags`).
pub(super) fn asks(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    // Operations on a flag (`setActiveFlag`, `toggleFeature`, `handleFlagChange`) do not ask.
    let does = [
        "set", "update", "delete", "remove", "create", "add", "save", "toggle", "handle", "render",
        "on_", "revive", "archive", "clear", "reset", "register", "override",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || (lower.starts_with("on")
            && name
                .get(2..)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase())));
    // `get_or_insert_feature_mut`: an operation on a record, not a question.
    if does || lower.contains("insert") || lower.ends_with("_mut") {
        return false;
    }
    [
        "is",
        "has",
        "get",
        "check",
        "use",
        "evaluate",
        "eval",
        "should",
        "flag_is",
        "feature_is",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || ["enabled", "active", "_on", "isflag", "isfeature"]
            .iter()
            .any(|s| lower.contains(s))
}

/// A parameter typed by a flag key type (`name: FlagName`, `flag: FeatureFlag`; not `props:
/// FeatureOverviewProps` or `group: UserFlagChoiceGroup`).
fn flag_typed(p: &Parameter) -> bool {
    p.registry_type().is_some_and(|ty| {
        let ty = ty.to_ascii_lowercase();
        [
            "flag",
            "flagname",
            "flagkey",
            "flagid",
            "featurename",
            "featurekey",
            "featureflag",
            "featureid",
            "togglename",
        ]
        .iter()
        .any(|end| ty.ends_with(end))
    })
}

/// A function that asks whether a feature flag is on and takes its key: the key's position.
/// `get_flag_for_user(user, flag_name)`, `is_feature_on(feature)`, `is_enabled(&self, flag)`; not
/// `flag(&mut self, flag)` or `env_flag(key)` (compiler and CLI flags).
pub(super) fn key_parameter(name: &str, params: &[Parameter]) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    // It asks (`is_feature_on`, not `parse_feature` or `cargo_feature`) about a flag.
    let about_flags =
        (names_flags(&lower) && asks(name)) || matches!(lower.as_str(), "is_enabled" | "isenabled");
    if !about_flags || lower.starts_with("test") || lower.starts_with('_') {
        return None;
    }
    let typed = flag_typed;
    // A parameter named for a key holds one when its type says so too (or says nothing):
    // `feature: IFeatureToggle` is a record about a flag.
    let key_typed = |p: &Parameter| {
        p.ty.as_deref().is_none_or(|ty| {
            let ty = ty.trim().trim_start_matches('&');
            matches!(
                ty,
                "string" | "str" | "String" | "Option<&str>" | "Optional[str]"
            ) || ty.contains(['\'', '"', '|'])
                || ty.starts_with("keyof")
                || p.registry_type().is_some()
        })
    };
    params.iter().position(|p| {
        let name = p.name.trim_start_matches('_').to_ascii_lowercase();
        if !key_typed(p) && !typed(p) {
            return false;
        }
        matches!(
            name.as_str(),
            "flag"
                | "flag_name"
                | "flag_key"
                | "flagname"
                | "flagkey"
                | "feature"
                | "feature_name"
                | "featurename"
                | "feature_id"
                | "featureid"
                | "flag_id"
                | "switch_name"
                | "switchname"
                | "toggle_name"
                | "togglename"
        ) || (name == "key" && lower.contains("flag"))
            || typed(p)
    })
}
