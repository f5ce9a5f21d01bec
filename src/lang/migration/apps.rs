//! The app configuration classes of an `apps.py` module.

use tree_sitter::Node;

use super::syntax::{class_assignments, has_base, plain_string, top_level_classes};
use crate::facts::AppConfigFacts;
use crate::lang::python::unwrap_parens;
use crate::lang::ts_util::text;

/// The app configuration classes of an `apps.py` module: top-level classes with a base whose
/// last dotted segment ends in `Config` (`AppConfig`, `apps.AppConfig`, a project's own base).
pub fn app_configs(root: Node, source: &str) -> Vec<AppConfigFacts> {
    top_level_classes(root)
        .filter(|&class| has_base(class, source, |base| base.ends_with("Config")))
        .map(|class| {
            let mut config = AppConfigFacts::default();
            for (target, value) in class_assignments(class) {
                let value = unwrap_parens(value);
                match text(source, target) {
                    field @ ("name" | "label") => {
                        let literal = plain_string(value, source);
                        config.unread |= literal.is_none();
                        if field == "name" {
                            config.name = literal;
                        } else {
                            config.label = literal;
                        }
                    }
                    "default" => {
                        config.default = match value.kind() {
                            "true" => Some(true),
                            "false" => Some(false),
                            _ => None,
                        }
                    }
                    _ => {}
                }
            }
            config
        })
        .collect()
}
