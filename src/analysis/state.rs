//! Environment state exports: what each flag is set to in production, staging, ...
//!
//! Two shapes are read: Django's `manage.py dumpdata waffle` (a list of `waffle.flag`,
//! `waffle.switch` and `waffle.sample` objects), and a plain `{"key": true | false | <percent>}`
//! map. Nothing is fetched: the user exports the state and passes the file.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::date::Date;
use crate::facts::WaffleKind;

/// How far a flag is rolled out in one environment, from least to most.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rollout {
    Off,
    /// Some groups, users or staff only.
    Pilot,
    /// A percentage of users (or every authenticated user): the percent as written, if any.
    Partial(Option<String>),
    /// Everyone.
    On,
}

impl Rollout {
    pub fn name(&self) -> &'static str {
        match self {
            Rollout::Off => "off",
            Rollout::Pilot => "pilot",
            Rollout::Partial(_) => "partial",
            Rollout::On => "on",
        }
    }

    /// How far along it is, for comparing environments (off 0 .. on 3).
    pub fn level(&self) -> u8 {
        match self {
            Rollout::Off => 0,
            Rollout::Pilot => 1,
            Rollout::Partial(_) => 2,
            Rollout::On => 3,
        }
    }
}

/// One key's state in one environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub rollout: Rollout,
    /// Waffle's model, for dumpdata exports.
    pub kind: Option<WaffleKind>,
    /// When the row was last changed (`modified`), if the export says.
    pub modified: Option<Date>,
}

/// The state export of one environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Environment {
    pub name: String,
    pub keys: BTreeMap<String, Stored>,
}

/// Reads `--state NAME=FILE` (a regular file of at most [`crate::files::MAX_INPUT_SIZE`]).
pub fn load(name: &str, path: &Path) -> Result<Environment, String> {
    let text = crate::files::read_text(path)?;
    parse(name, &text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses a state export. Only the fields flaglint reads are kept: the rest of a dump (other
/// models, other fields) is skipped as it is read, so memory follows the flags, not the file.
pub fn parse(name: &str, text: &str) -> Result<Environment, String> {
    let export: Export = serde_json::from_str(text).map_err(|e| {
        if e.is_data() {
            e.to_string()
        } else {
            format!(
                "not valid JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            )
        }
    })?;
    let keys = match export {
        Export::Dump(objects) => dumpdata(&objects)?,
        Export::Map(entries) => plain_map(entries)?,
    };
    Ok(Environment {
        name: name.to_string(),
        keys,
    })
}

/// The fields read from a dump's objects (`model`, `fields`) and from a flag's `fields`.
const READ_FIELDS: &[&str] = &[
    "model",
    "fields",
    "name",
    "everyone",
    "percent",
    "groups",
    "users",
    "staff",
    "authenticated",
    "active",
    "modified",
];

/// A JSON value of a state export as far as it is read: scalars, the length of lists, and the
/// [`READ_FIELDS`] of objects.
#[derive(Debug)]
enum Json {
    Null,
    Bool(bool),
    /// As JSON writes it.
    Number(String),
    Text(String),
    List(usize),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, field: &str) -> Option<&Json> {
        match self {
            Json::Object(fields) => fields
                .iter()
                .rev()
                .find(|(k, _)| k == field)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::Text(text) => Some(text),
            _ => None,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => write!(f, "{b}"),
            Json::Number(n) => f.write_str(n),
            Json::Text(text) => write!(f, "{text:?}"),
            Json::List(_) => f.write_str("a list"),
            Json::Object(_) => f.write_str("an object"),
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Json;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }

            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }

            fn visit_none<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }

            fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
                Ok(Json::Bool(b))
            }

            fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
                Ok(Json::Number(n.to_string()))
            }

            fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
                Ok(Json::Number(n.to_string()))
            }

            fn visit_f64<E>(self, n: f64) -> Result<Json, E> {
                Ok(Json::Number(
                    serde_json::Number::from_f64(n)
                        .map_or_else(|| n.to_string(), |n| n.to_string()),
                ))
            }

            fn visit_str<E>(self, text: &str) -> Result<Json, E> {
                Ok(Json::Text(text.to_string()))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut len = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    len += 1;
                }
                Ok(Json::List(len))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut fields = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if READ_FIELDS.contains(&key.as_str()) {
                        fields.push((key, map.next_value()?));
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Json::Object(fields))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

/// A whole export: a dump (a list of objects) or a plain map of every key.
enum Export {
    Dump(Vec<Json>),
    Map(Vec<(String, Json)>),
}

impl<'de> Deserialize<'de> for Export {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Export, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Export;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "`manage.py dumpdata waffle` output (a list) or a {\"key\": true | false | percent} map",
                )
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Export, A::Error> {
                let mut objects = Vec::new();
                while let Some(object) = seq.next_element()? {
                    objects.push(object);
                }
                Ok(Export::Dump(objects))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Export, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Export::Map(entries))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

fn plain_map(entries: Vec<(String, Json)>) -> Result<BTreeMap<String, Stored>, String> {
    let mut keys = BTreeMap::new();
    for (key, value) in entries {
        let rollout = match &value {
            Json::Bool(true) => Rollout::On,
            Json::Bool(false) | Json::Null => Rollout::Off,
            Json::Number(n) => percent_rollout(n),
            Json::Text(s) if s.parse::<f64>().is_ok() => percent_rollout(s),
            _ => {
                return Err(format!(
                    "`{key}`: expected true, false or a percentage, found {value}"
                ))
            }
        };
        keys.insert(
            key,
            Stored {
                rollout,
                kind: None,
                modified: None,
            },
        );
    }
    Ok(keys)
}

fn percent_rollout(percent: &str) -> Rollout {
    match percent.parse::<f64>() {
        Ok(p) if p <= 0.0 => Rollout::Off,
        Ok(p) if p >= 100.0 => Rollout::On,
        _ => Rollout::Partial(Some(trim_percent(percent))),
    }
}

/// `"50.0"` -> `"50"`; `"12.5"` stays.
fn trim_percent(percent: &str) -> String {
    match percent.strip_suffix(".0") {
        Some(whole) => whole.to_string(),
        None => percent.to_string(),
    }
}

fn dumpdata(objects: &[Json]) -> Result<BTreeMap<String, Stored>, String> {
    let mut keys = BTreeMap::new();
    for (i, object) in objects.iter().enumerate() {
        let model = object.get("model").and_then(Json::as_str).unwrap_or("");
        let kind = match model.to_ascii_lowercase().as_str() {
            "waffle.flag" => WaffleKind::Flag,
            "waffle.switch" => WaffleKind::Switch,
            "waffle.sample" => WaffleKind::Sample,
            // Other models of the dump (users, groups) say nothing about flags.
            _ => continue,
        };
        let fields = object
            .get("fields")
            .filter(|f| matches!(f, Json::Object(_)))
            .ok_or_else(|| format!("object {i} ({model}) has no `fields`"))?;
        let name = fields
            .get("name")
            .and_then(Json::as_str)
            .ok_or_else(|| format!("object {i} ({model}) has no `name`"))?;
        let rollout = match kind {
            WaffleKind::Flag => flag_rollout(fields),
            WaffleKind::Switch => {
                if fields.get("active").and_then(Json::as_bool) == Some(true) {
                    Rollout::On
                } else {
                    Rollout::Off
                }
            }
            WaffleKind::Sample => percent_rollout(&percent_text(fields.get("percent"))),
        };
        let modified = fields
            .get("modified")
            .and_then(Json::as_str)
            .and_then(Date::parse);
        keys.insert(
            name.to_string(),
            Stored {
                rollout,
                kind: Some(kind),
                modified,
            },
        );
    }
    Ok(keys)
}

fn percent_text(value: Option<&Json>) -> String {
    match value {
        Some(Json::Text(s) | Json::Number(s)) => s.clone(),
        _ => "0".to_string(),
    }
}

/// A waffle flag: everyone decides when set; else a percentage; else groups, users or staff (a
/// pilot); else every authenticated user (partial). `superusers` is on by default in waffle and
/// `testing` only honours a query parameter, so neither counts.
fn flag_rollout(fields: &Json) -> Rollout {
    match fields.get("everyone").and_then(Json::as_bool) {
        Some(true) => return Rollout::On,
        Some(false) => return Rollout::Off,
        None => {}
    }
    let percent = percent_text(fields.get("percent"));
    if percent.parse::<f64>().is_ok_and(|p| p > 0.0) {
        return percent_rollout(&percent);
    }
    let non_empty = |field: &str| matches!(fields.get(field), Some(Json::List(n)) if *n > 0);
    let set = |field: &str| fields.get(field).and_then(Json::as_bool) == Some(true);
    if set("authenticated") {
        return Rollout::Partial(None);
    }
    if non_empty("groups") || non_empty("users") || set("staff") {
        return Rollout::Pilot;
    }
    Rollout::Off
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumpdata_flags_switches_and_samples() {
        let text = r#"[
          {"model": "waffle.flag", "pk": 1, "fields": {"name": "on_flag", "everyone": true, "percent": null, "groups": [], "users": [], "superusers": true, "staff": false, "authenticated": false, "testing": false, "created": "2026-01-01T10:00:00Z", "modified": "2026-03-01T10:00:00.123Z"}},
          {"model": "waffle.flag", "pk": 2, "fields": {"name": "off_flag", "everyone": false, "groups": [3]}},
          {"model": "waffle.flag", "pk": 3, "fields": {"name": "pilot_flag", "everyone": null, "percent": null, "groups": [3], "superusers": true}},
          {"model": "waffle.flag", "pk": 4, "fields": {"name": "partial_flag", "everyone": null, "percent": "50.0"}},
          {"model": "waffle.flag", "pk": 5, "fields": {"name": "unset_flag", "everyone": null, "superusers": true, "testing": true}},
          {"model": "waffle.flag", "pk": 6, "fields": {"name": "logged_in", "authenticated": true}},
          {"model": "waffle.switch", "pk": 1, "fields": {"name": "sw", "active": true}},
          {"model": "waffle.sample", "pk": 1, "fields": {"name": "sa", "percent": "12.5"}},
          {"model": "auth.group", "pk": 3, "fields": {"name": "pilots"}}
        ]"#;
        let env = parse("prod", text).unwrap();
        let rollout = |key: &str| env.keys[key].rollout.clone();
        assert_eq!(rollout("on_flag"), Rollout::On);
        assert_eq!(rollout("off_flag"), Rollout::Off);
        assert_eq!(rollout("pilot_flag"), Rollout::Pilot);
        assert_eq!(rollout("partial_flag"), Rollout::Partial(Some("50".into())));
        assert_eq!(rollout("unset_flag"), Rollout::Off);
        assert_eq!(rollout("logged_in"), Rollout::Partial(None));
        assert_eq!(rollout("sw"), Rollout::On);
        assert_eq!(rollout("sa"), Rollout::Partial(Some("12.5".into())));
        assert_eq!(env.keys.len(), 8);
        assert_eq!(
            env.keys["on_flag"]
                .modified
                .map(|d| d.to_string())
                .as_deref(),
            Some("2026-03-01")
        );
        assert_eq!(env.keys["sw"].kind, Some(WaffleKind::Switch));
    }

    #[test]
    fn plain_maps_and_errors() {
        let env = parse(
            "staging",
            r#"{"a": true, "b": false, "c": 25, "d": 100, "e": "0"}"#,
        )
        .unwrap();
        let names: Vec<&str> = env.keys.values().map(|s| s.rollout.name()).collect();
        assert_eq!(names, ["on", "off", "partial", "on", "off"]);
        assert!(parse("x", "{\"a\": [1]}").unwrap_err().contains("`a`"));
        let error = parse("x", "{\n  \"a\": [1,]\n}").unwrap_err();
        assert!(error.contains("line 2"), "{error}");
        assert!(parse("x", "42").unwrap_err().contains("dumpdata"));
        assert!(parse("x", r#"[{"model": "waffle.flag", "fields": {}}]"#)
            .unwrap_err()
            .contains("no `name`"));
        assert!(parse("x", r#"[{"model": "waffle.flag", "fields": 3}]"#)
            .unwrap_err()
            .contains("no `fields`"));
    }

    #[test]
    fn the_rest_of_a_dump_is_skipped_unread() {
        // Other models, unknown fields, nested values of every kind, in any order.
        let text = r#"[
          {"fields": {"name": "late_model", "everyone": true, "extra": {"deep": [[1, {"a": null}]]}}, "model": "waffle.flag"},
          {"model": "auth.user", "pk": 1, "fields": {"username": "x", "groups": [1, 2], "active": "yes", "name": 4}},
          {"model": "contenttypes.contenttype", "fields": [1, 2, 3]},
          7,
          {"model": "waffle.switch", "fields": {"name": "sw", "active": false, "note": "\u001b[31m"}}
        ]"#;
        let env = parse("prod", text).unwrap();
        assert_eq!(env.keys.len(), 2);
        assert_eq!(env.keys["late_model"].rollout, Rollout::On);
        assert_eq!(env.keys["sw"].rollout, Rollout::Off);
        let error = parse("x", "{\"a\": {\"b\": 1}}").unwrap_err();
        assert!(
            error.contains("`a`") && error.contains("an object"),
            "{error}"
        );
    }
}
