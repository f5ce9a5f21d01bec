//! The app configuration classes of an `apps.py` module.

use tree_sitter::Node;

use super::syntax::{definition_of, last_segment, plain_string, statement_assignment};
use crate::facts::AppConfigFacts;
use crate::lang::python::unwrap_parens;
use crate::lang::ts_util::{named_children, text};

/// The app configuration classes of an `apps.py` module: top-level classes with a base whose
/// last dotted segment ends in `Config` (`AppConfig`, `apps.AppConfig`, a project's own base).
pub fn app_configs(root: Node, source: &str) -> Vec<AppConfigFacts> {
    named_children(root)
        .into_iter()
        .map(definition_of)
        .filter(|class| class.kind() == "class_definition")
        .filter(|class| {
            class
                .child_by_field_name("superclasses")
                .is_some_and(|bases| {
                    named_children(bases).into_iter().any(|base| {
                        last_segment(base, source).is_some_and(|name| name.ends_with("Config"))
                    })
                })
        })
        .map(|class| {
            let mut config = AppConfigFacts::default();
            let body = class.child_by_field_name("body");
            for (target, value) in body
                .map(named_children)
                .unwrap_or_default()
                .into_iter()
                .filter_map(statement_assignment)
            {
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
