//! Environment state exports: what each flag is set to in production, staging, ...
//!
//! Two shapes are read: Django's `manage.py dumpdata waffle` (a list of `waffle.flag`,
//! `waffle.switch` and `waffle.sample` objects), and a plain `{"key": true | false | <percent>}`
//! map. Nothing is fetched: the user exports the state and passes the file.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

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

/// Reads `--state NAME=FILE`.
pub fn load(name: &str, path: &Path) -> Result<Environment, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(name, &text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses a state export.
pub fn parse(name: &str, text: &str) -> Result<Environment, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "not valid JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        )
    })?;
    let keys = match &value {
        Value::Array(objects) => dumpdata(objects)?,
        Value::Object(map) => plain_map(map)?,
        _ => {
            return Err(
                "expected `manage.py dumpdata waffle` output (a list) or a {\"key\": true | false | percent} map"
                    .to_string(),
            )
        }
    };
    Ok(Environment {
        name: name.to_string(),
        keys,
    })
}

fn plain_map(map: &serde_json::Map<String, Value>) -> Result<BTreeMap<String, Stored>, String> {
    let mut keys = BTreeMap::new();
    for (key, value) in map {
        let rollout = match value {
            Value::Bool(true) => Rollout::On,
            Value::Bool(false) | Value::Null => Rollout::Off,
            Value::Number(n) => percent_rollout(&n.to_string()),
            Value::String(s) if s.parse::<f64>().is_ok() => percent_rollout(s),
            _ => {
                return Err(format!(
                    "`{key}`: expected true, false or a percentage, found {value}"
                ))
            }
        };
        keys.insert(
            key.clone(),
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

fn dumpdata(objects: &[Value]) -> Result<BTreeMap<String, Stored>, String> {
    let mut keys = BTreeMap::new();
    for (i, object) in objects.iter().enumerate() {
        let model = object.get("model").and_then(Value::as_str).unwrap_or("");
        let kind = match model.to_ascii_lowercase().as_str() {
            "waffle.flag" => WaffleKind::Flag,
            "waffle.switch" => WaffleKind::Switch,
            "waffle.sample" => WaffleKind::Sample,
            // Other models of the dump (users, groups) say nothing about flags.
            _ => continue,
        };
        let fields = object
            .get("fields")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("object {i} ({model}) has no `fields`"))?;
        let name = fields
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("object {i} ({model}) has no `name`"))?;
        let rollout = match kind {
            WaffleKind::Flag => flag_rollout(fields),
            WaffleKind::Switch => {
                if fields.get("active").and_then(Value::as_bool) == Some(true) {
                    Rollout::On
                } else {
                    Rollout::Off
                }
            }
            WaffleKind::Sample => percent_rollout(&percent_text(fields.get("percent"))),
        };
        let modified = fields
            .get("modified")
            .and_then(Value::as_str)
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

fn percent_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "0".to_string(),
    }
}

/// A waffle flag: everyone decides when set; else a percentage; else groups, users or staff (a
/// pilot); else every authenticated user (partial). `superusers` is on by default in waffle and
/// `testing` only honours a query parameter, so neither counts.
fn flag_rollout(fields: &serde_json::Map<String, Value>) -> Rollout {
    match fields.get("everyone").and_then(Value::as_bool) {
        Some(true) => return Rollout::On,
        Some(false) => return Rollout::Off,
        None => {}
    }
    let percent = percent_text(fields.get("percent"));
    if percent.parse::<f64>().is_ok_and(|p| p > 0.0) {
        return percent_rollout(&percent);
    }
    let non_empty = |field: &str| {
        fields
            .get(field)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    };
    let set = |field: &str| fields.get(field).and_then(Value::as_bool) == Some(true);
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
    }
}
