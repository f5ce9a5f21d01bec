//! Python keys spelled through the project: flag objects (`NEW_NAV = WaffleSwitch("app.new_nav",
//! __name__)` in a definitions file, checked by a configured method on the object through imports,
//! and overridden in tests by a helper that takes the object), and Django settings read from the
//! settings module the configuration or `manage.py` names.

mod common;

use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const CONFIG: &str = r#"packs = ["django-waffle"]

[[definitions]]
side = "backend"
path = "app/toggles.py"
register = "WaffleSwitch"
key = 0

[[checks]]
method = "is_enabled"

[[checks]]
call = "override_waffle_switch"
key = 0
state = "active"
"#;

#[test]
fn methods_on_flag_objects_are_checks_of_their_keys() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "flaglint.toml", CONFIG);
    write(root, "app/__init__.py", "");
    write(
        root,
        "app/toggles.py",
        "from edx_toggles.toggles import WaffleSwitch\n\nNEW_NAV = WaffleSwitch(\"app.new_nav\", __name__)\nBETA = WaffleSwitch(\"app.beta\", __name__)\n",
    );
    write(
        root,
        "app/views.py",
        "from app import toggles\nfrom app.toggles import NEW_NAV\n\n\ndef nav(request, config):\n    if config.is_enabled():\n        return None\n    return NEW_NAV.is_enabled() or toggles.BETA.is_enabled(request.user)\n",
    );
    write(
        root,
        "app/tests/test_views.py",
        "from edx_toggles.toggles.testutils import override_waffle_switch\n\nfrom app.toggles import NEW_NAV\n\n\ndef test_nav():\n    with override_waffle_switch(NEW_NAV, active=False):\n        pass\n",
    );
    let output = common::flaglint(&["flags", ".", "--format", "json"], root);
    let document: serde_json::Value =
        serde_json::from_str(&common::success_stdout(output)).unwrap();
    let summary: Vec<(String, Vec<String>, Vec<String>)> = document["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let at = |o: &serde_json::Value| {
                format!(
                    "{}:{}:{}{}",
                    o["path"].as_str().unwrap(),
                    o["line"],
                    o["kind"].as_str().unwrap_or("check"),
                    o["state"]
                        .as_str()
                        .map(|s| format!(":{s}"))
                        .unwrap_or_default()
                )
            };
            (
                f["key"].as_str().unwrap().to_string(),
                f["checks"].as_array().unwrap().iter().map(at).collect(),
                f["references"].as_array().unwrap().iter().map(at).collect(),
            )
        })
        .collect();
    let expected = vec![
        (
            "app.beta".to_string(),
            vec!["app/views.py:8:check".to_string()],
            vec![],
        ),
        (
            "app.new_nav".to_string(),
            vec!["app/views.py:8:check".to_string()],
            vec!["app/tests/test_views.py:7:test:off".to_string()],
        ),
    ];
    assert_eq!(summary, expected);
}

/// `(key, check lines)` of every flag, and the findings' `rule path:line`.
fn inventory(root: &Path) -> (Vec<(String, Vec<u64>)>, Vec<String>) {
    let flags = common::flaglint(&["flags", ".", "--format", "json"], root);
    let flags: serde_json::Value = serde_json::from_str(&common::success_stdout(flags)).unwrap();
    let keys = flags["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let lines = f["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["line"].as_u64().unwrap())
                .collect();
            (f["key"].as_str().unwrap().to_string(), lines)
        })
        .collect();
    let check = common::flaglint(&["check", ".", "--format", "json", "--exit-zero"], root);
    let check: serde_json::Value = serde_json::from_str(&common::success_stdout(check)).unwrap();
    let findings = check["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}",
                d["rule"].as_str().unwrap(),
                d["path"].as_str().unwrap(),
                d["line"]
            )
        })
        .collect();
    (keys, findings)
}

const SETTINGS_VIEWS: &str = "from django.conf import settings\nfrom waffle import flag_is_active\n\n\ndef nav(request):\n    return flag_is_active(request, settings.NEW_NAV_FLAG)\n";

#[test]
fn django_settings_come_from_the_named_settings_module() {
    // `manage.py` names the settings module: another `settings.py` that disagrees is not read.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "flaglint.toml", "packs = [\"django-waffle\"]\n");
    write(
        root,
        "manage.py",
        "import os\n\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.conf\")\n",
    );
    write(
        root,
        "proj/conf.py",
        "NEW_NAV_FLAG = \"new_nav\"\nOTHER = \"other\"\n",
    );
    write(
        root,
        "vendor/settings.py",
        "NEW_NAV_FLAG = \"vendored_nav\"\n",
    );
    write(root, "app/views.py", SETTINGS_VIEWS);
    let (keys, findings) = inventory(root);
    assert_eq!(keys, [("new_nav".to_string(), vec![6])]);
    assert_eq!(findings, Vec::<String>::new());

    // The configuration names it: `manage.py` is not asked.
    write(
        root,
        "flaglint.toml",
        "packs = [\"django-waffle\"]\n\n[django]\nsettings = \"vendor/settings.py\"\n",
    );
    let (keys, _) = inventory(root);
    assert_eq!(keys, [("vendored_nav".to_string(), vec![6])]);

    // A path that is no module is reported where it is configured.
    write(
        root,
        "flaglint.toml",
        "packs = [\"django-waffle\"]\n\n[django]\nsettings = \"proj/settngs.py\"\n",
    );
    let (keys, findings) = inventory(root);
    assert!(keys.is_empty(), "{keys:?}");
    assert_eq!(
        findings,
        [
            "dynamic-flag-key app/views.py:6",
            "config-matches-nothing flaglint.toml:4"
        ]
    );
}
