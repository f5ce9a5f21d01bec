//! Which Python modules are the Django settings that `django.conf.settings` reads.
//!
//! `[django] settings` names them (a module, or a package directory); otherwise the
//! `DJANGO_SETTINGS_MODULE` default that `manage.py` sets names them; otherwise any `settings.py`
//! or module of a `settings/` package is.

use super::roles;

/// The project's settings modules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SettingsModules {
    /// By name: `settings.py`, or a module of a `settings/` package.
    #[default]
    Named,
    /// These paths from the root: a module (`proj/settings.py`), or a package directory whose
    /// modules are all settings (`proj/settings`).
    Paths(Vec<String>),
}

impl SettingsModules {
    /// Whether the Python file `rel` (from the root) is a settings module.
    pub fn contains(&self, rel: &str) -> bool {
        match self {
            SettingsModules::Named => roles::is_settings_module(rel),
            SettingsModules::Paths(paths) => paths.iter().any(|p| {
                rel == p
                    || (rel.ends_with(".py")
                        && rel
                            .strip_prefix(p.as_str())
                            .is_some_and(|r| r.starts_with('/')))
            }),
        }
    }

    /// From the configured path (from the root), else from the `manage.py` files among `rels`
    /// (read with `read`), else by name.
    pub fn discover(
        configured: Option<String>,
        rels: &[&str],
        read: impl Fn(&str) -> Option<String>,
    ) -> SettingsModules {
        if let Some(path) = configured {
            return SettingsModules::Paths(vec![path]);
        }
        let mut manage: Vec<&&str> = rels
            .iter()
            .filter(|r| **r == "manage.py" || r.ends_with("/manage.py"))
            .collect();
        manage.sort_by_key(|r| (r.len(), **r));
        for rel in manage {
            let Some(module) = read(rel).as_deref().and_then(settings_module_default) else {
                continue;
            };
            let dir = rel.strip_suffix("manage.py").unwrap_or("");
            let base = format!("{dir}{}", module.replace('.', "/"));
            let paths: Vec<String> = [format!("{base}.py"), base.clone()]
                .into_iter()
                .filter(|p| {
                    rels.iter()
                        .any(|r| SettingsModules::Paths(vec![p.clone()]).contains(r))
                })
                .collect();
            if !paths.is_empty() {
                return SettingsModules::Paths(paths);
            }
        }
        SettingsModules::Named
    }
}

/// The module `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")` names.
fn settings_module_default(text: &str) -> Option<String> {
    let at = text.find("DJANGO_SETTINGS_MODULE")?;
    let rest = &text[at + "DJANGO_SETTINGS_MODULE".len()..];
    // The quote closing the variable's name, then the value's string.
    let rest = rest.strip_prefix(['"', '\''])?.trim_start();
    let rest = rest.strip_prefix(',')?.trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let value = &rest[1..];
    let end = value.find(quote)?;
    let module = &value[..end];
    let valid = !module.is_empty()
        && module
            .split('.')
            .all(|s| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_'));
    valid.then(|| module.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_from_the_configuration_then_manage_py_then_names() {
        let rels = [
            "manage.py",
            "config/settings.py",
            "other/settings.py",
            "conf/settings/base.py",
            "conf/settings/prod.py",
        ];
        let manage = |module: &'static str| {
            move |rel: &str| {
                (rel == "manage.py").then(|| {
                    format!("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', \"{module}\")\n")
                })
            }
        };
        let found = SettingsModules::discover(None, &rels, manage("config.settings"));
        assert_eq!(
            found,
            SettingsModules::Paths(vec!["config/settings.py".to_string()])
        );
        assert!(found.contains("config/settings.py"));
        assert!(!found.contains("other/settings.py"));
        let package = SettingsModules::discover(None, &rels, manage("conf.settings"));
        assert!(package.contains("conf/settings/prod.py"));
        assert!(!package.contains("config/settings.py"));
        // A module that is not in the tree, or no manage.py: by name.
        let missing = SettingsModules::discover(None, &rels, manage("gone.settings"));
        assert_eq!(missing, SettingsModules::Named);
        assert!(missing.contains("other/settings.py"));
        let configured =
            SettingsModules::discover(Some("other/settings.py".to_string()), &rels, |_| None);
        assert!(configured.contains("other/settings.py"));
        assert!(!configured.contains("config/settings.py"));
        assert_eq!(
            settings_module_default("os.environ[\"DJANGO_SETTINGS_MODULE\"] = 'x'"),
            None
        );
    }
}
