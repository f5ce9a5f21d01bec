//! `[[checks]]` and `[[tests]]` entries: the raw TOML form and its checks into [`CheckSpec`]s.

use super::*;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCheck {
    /// What the check looks like: exactly one of `call`, `attribute`, `property`, `jsx`,
    /// `destructure`.
    #[schemars(with = "Option<String>")]
    call: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    attribute: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    property: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    jsx: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    destructure: Option<Spanned<String>>,
    /// A method called on a flag object (`NEW_NAV.is_enabled()`).
    #[schemars(with = "Option<String>")]
    method: Option<Spanned<String>>,
    /// With `jsx`: the prop holding the key.
    prop: Option<String>,
    /// With `call` (Rust): the key is this associated const of the turbofish type.
    generic: Option<String>,
    #[schemars(with = "Option<RawKey>")]
    key: Option<Spanned<RawKey>>,
    keyword: Option<String>,
    #[schemars(with = "Option<String>")]
    language: Option<Spanned<String>>,
    #[serde(default)]
    receiver: Vec<String>,
    /// With `method` (Python): the receiver may also be a function's local assigned once from a
    /// call of one of these functions, whose first argument is the key
    /// (`flag = get_waffle_flag_model().get("x")`; `get_waffle_flag_model.get`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    getter: Vec<Spanned<String>>,
    #[serde(rename = "negation-prefix")]
    negation_prefix: Option<String>,
    kind: Option<String>,
    #[schemars(with = "Option<String>")]
    transform: Option<Spanned<String>>,
    /// A keyword argument whose boolean literal is the state the call sets.
    state: Option<String>,
    /// The key every call checks (a wrapper of one flag); the call has no key argument.
    #[schemars(with = "Option<String>")]
    flag: Option<Spanned<String>>,
    /// The form of a literal key, with a hole (`-Z{key}`): other literals are no check.
    #[schemars(with = "Option<String>")]
    template: Option<Spanned<String>>,
    /// `on` / `off`: the state every call sets (test helpers).
    #[schemars(with = "Option<String>")]
    sets: Option<Spanned<String>>,
    /// The property of object literals whose value is the key: `{ path: "/x", flag: "newNav" }`.
    #[serde(rename = "object-property")]
    #[schemars(with = "Option<String>")]
    object_property: Option<Spanned<String>>,
    /// Glob patterns over literal keys: only the matching ones are checks
    /// (`property = "getConfig"` reads every setting; `keys = ["ENABLE_*"]` are the flags).
    #[schemars(with = "Option<Vec<String>>")]
    keys: Option<Spanned<Vec<Spanned<String>>>>,
}

impl RawCheck {
    /// The shape words of a check, with their values (one of them is given).
    pub(super) fn forms(&self) -> [(&'static str, &Option<Spanned<String>>); 7] {
        [
            ("call", &self.call),
            ("attribute", &self.attribute),
            ("property", &self.property),
            ("jsx", &self.jsx),
            ("destructure", &self.destructure),
            ("method", &self.method),
            ("object-property", &self.object_property),
        ]
    }
}

pub(crate) fn build_check(raw: Spanned<RawCheck>) -> Result<CheckSpec, BuildError> {
    let span = raw.span();
    let raw = raw.into_inner();
    let forms = raw.forms();
    let given: Vec<(&str, &Spanned<String>)> = forms
        .iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| (*name, v)))
        .collect();
    let (form, text) = match given.as_slice() {
        [one] => *one,
        [] => {
            return Err((
                span,
                "a check needs one of `call`, `attribute`, `property`, `jsx`, `destructure`, `method` or `object-property`"
                    .to_string(),
            ))
        }
        [_, (second, value), ..] => {
            return Err((
                value.span(),
                format!("`{second}` cannot be combined with another of `call`, `attribute`, `property`, `jsx`, `destructure`, `method`, `object-property`"),
            ))
        }
    };
    let call = parse_name(text)?;
    let shape = match (form, &raw.prop, &raw.generic) {
        ("call", None, None) => Shape::Call,
        ("call", None, Some(constant)) => Shape::Generic {
            constant: constant.clone(),
        },
        ("jsx", Some(prop), None) => Shape::Jsx { prop: prop.clone() },
        ("jsx", None, _) => {
            return Err((
                text.span(),
                "a `jsx` check needs `prop`, the attribute holding the key".to_string(),
            ))
        }
        (_, Some(_), _) => return Err((span, "`prop` goes with `jsx` only".to_string())),
        (_, _, Some(_)) => return Err((span, "`generic` goes with `call` only".to_string())),
        ("attribute", ..) => Shape::Attribute,
        ("property", ..) => Shape::Property,
        ("method", ..) => Shape::Method,
        ("object-property", ..) => Shape::ObjectProperty,
        _ => Shape::Destructure,
    };
    let transform = parse_transform(raw.transform.as_ref())?;
    if let Some(flag) = &raw.flag {
        if shape != Shape::Call {
            return Err((flag.span(), "`flag` goes with `call` only".to_string()));
        }
        if let Some(key) = &raw.key {
            return Err((
                key.span(),
                "`flag` is the key every call checks: a check with `flag` has no `key` argument"
                    .to_string(),
            ));
        }
        if !is_plausible_key(flag.get_ref()) {
            return Err((
                flag.span(),
                format!("`{}` is not a flag key", flag.get_ref()),
            ));
        }
        return finish_check(call, shape, transform, KeyArg::default(), raw);
    }
    let key = match (&raw.key, &shape) {
        (Some(key), _) => key,
        (None, Shape::Call) => {
            return Err((
                span,
                "a `call` check needs `key`: the key's position or keyword".to_string(),
            ))
        }
        (None, _) => {
            return finish_check(call, shape, transform, KeyArg::default(), raw);
        }
    };
    let key = match key.get_ref() {
        RawKey::Position(p) if *p >= 0 => KeyArg {
            position: Some(*p as usize),
            keyword: raw.keyword.clone(),
        },
        RawKey::Position(_) => {
            return Err((
                key.span(),
                "the key position is 0-based and cannot be negative".to_string(),
            ))
        }
        RawKey::Keyword(k) if is_identifier(k) => KeyArg {
            position: None,
            keyword: Some(k.clone()),
        },
        RawKey::Keyword(k) => {
            return Err((key.span(), format!("`{k}` is not a keyword argument name")))
        }
    };
    finish_check(call, shape, transform, key, raw)
}

/// The parts of a check spec every shape shares.
fn finish_check(
    call: Vec<String>,
    shape: Shape,
    transform: KeyTransform,
    key: KeyArg,
    raw: RawCheck,
) -> Result<CheckSpec, BuildError> {
    let language = match &raw.language {
        None => None,
        Some(name) => Some(Language::from_config_name(name.get_ref()).ok_or_else(|| {
            (
                name.span(),
                format!(
                    "unknown language `{}`; expected \"python\", \"typescript\", \"javascript\", \"rust\" or \"template\"",
                    name.get_ref()
                ),
            )
        })?),
    };
    let key_template = match &raw.template {
        None => None,
        Some(text) => Some(
            NameTemplate::parse_text(text.get_ref()).map_err(|message| (text.span(), message))?,
        ),
    };
    let sets = match &raw.sets {
        None => None,
        Some(text) => match text.get_ref().as_str() {
            "on" => Some(true),
            "off" => Some(false),
            other => {
                return Err((
                    text.span(),
                    format!("unknown state `{other}`; expected \"on\" or \"off\""),
                ))
            }
        },
    };
    let keys = name_patterns("keys", raw.keys.as_ref())?;
    let mut getters = Vec::new();
    for getter in &raw.getter {
        if raw.method.is_none() {
            return Err((getter.span(), "`getter` goes with `method`".to_string()));
        }
        let segments: Vec<String> = getter.get_ref().split('.').map(str::to_string).collect();
        if segments.iter().any(|s| !super::is_identifier(s)) {
            return Err((
                getter.span(),
                format!(
                    "`{}` is not a dotted function name (`get_waffle_flag_model.get`)",
                    getter.get_ref()
                ),
            ));
        }
        getters.push(segments);
    }
    Ok(CheckSpec {
        keys,
        getters,
        key_template,
        sets,
        call,
        shape,
        transform,
        key,
        language,
        receiver: raw.receiver,
        negation_prefix: raw.negation_prefix.filter(|p| !p.is_empty()),
        kind: raw.kind,
        state: raw.state,
        flag: raw.flag.map(Spanned::into_inner),
        ..CheckSpec::default()
    })
}
