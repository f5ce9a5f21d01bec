//! Python flag objects (edx-toggles): `NEW_NAV = WaffleFlag("ns.new_nav", __name__)` at the top
//! level of a module, checked as `NEW_NAV.is_enabled()`, overridden in tests with
//! `override_waffle_flag(NEW_NAV, active=True)`.

use std::collections::BTreeSet;

/// Constructors of flag objects: edx-toggles' classes and their common subclasses.
const CONSTRUCTORS: &[&str] = &[
    "WaffleFlag",
    "WaffleSwitch",
    "CourseWaffleFlag",
    "ExperimentWaffleFlag",
    "LegacyWaffleFlag",
    "LegacyWaffleSwitch",
    "SettingToggle",
];

/// Test helpers that take a flag object and the state it sets (`active=`).
pub(super) const TEST_HELPERS: &[&str] = &["override_waffle_flag", "override_waffle_switch"];

/// The constructors a module's top-level assignments call (`NAME = WaffleFlag(`), with how many.
pub(super) fn flag_objects(text: &str) -> (BTreeSet<&'static str>, usize) {
    let mut used = BTreeSet::new();
    let mut count = 0;
    for line in text.lines() {
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim_end();
        let constant = !name.is_empty()
            && !line.starts_with([' ', '\t'])
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !constant {
            continue;
        }
        let value = value.trim_start();
        if let Some(constructor) = CONSTRUCTORS
            .iter()
            .find(|c| value.strip_prefix(**c).is_some_and(|r| r.starts_with('(')))
        {
            used.insert(*constructor);
            count += 1;
        }
    }
    (used, count)
}

/// The test helpers a source calls.
pub(super) fn test_helpers(text: &str) -> Vec<&'static str> {
    TEST_HELPERS
        .iter()
        .copied()
        .filter(|h| text.contains(&format!("{h}(")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toggles_modules() {
        let text = "from edx_toggles.toggles import WaffleFlag, WaffleSwitch\n\nWAFFLE_NAMESPACE = 'grades'\n# .. toggle_name: grades.new\nNEW_GRADEBOOK = WaffleFlag(f'{WAFFLE_NAMESPACE}.new', __name__)\nREBUILD = WaffleSwitch(\n    'grades.rebuild', __name__\n)\n\ndef f():\n    LOCAL = WaffleFlag('x', __name__)\nother = WaffleFlag('y', __name__)\n";
        let (used, count) = flag_objects(text);
        assert_eq!(
            used.into_iter().collect::<Vec<_>>(),
            ["WaffleFlag", "WaffleSwitch"]
        );
        assert_eq!(count, 2);
        assert_eq!(
            test_helpers("with override_waffle_switch(REBUILD, active=True):\n"),
            ["override_waffle_switch"]
        );
    }
}
