//! The rule table: every rule's id, name, default severity and module, declared once.
//!
//! [`for_each_rule!`](crate::for_each_rule) hands the table to a macro. This module generates
//! [`RuleId`] and its metadata from it; `crate::rules` generates the docs and the dispatch to each
//! rule's check; the rule tests generate one test per rule. This module depends on nothing else in
//! the crate.

use serde::Serialize;

/// Calls the macro `$m` with the rule table, one `(Variant, "name", module, Severity, default)`
/// entry per rule, in the order rules are listed: `default` is `on`, or `off` for a rule that runs
/// only when `[rules]` gives it a severity (a stricter style that real codebases do not share).
#[macro_export]
macro_rules! for_each_rule {
    ($m:ident) => {
        $m! {
            (UndefinedFlag, "undefined-flag", undefined_flag, Error, on),
            (UnusedFlag, "unused-flag", unused_flag, Warning, on),
            (DynamicFlagKey, "dynamic-flag-key", dynamic_flag_key, Info, on),
            (ParseError, "parse-error", parse_error, Warning, on),
            (InternalError, "internal-error", internal_error, Error, on),
            (DuplicateFlag, "duplicate-flag", duplicate_flag, Error, on),
            (FlagValueMismatch, "flag-value-mismatch", flag_value_mismatch, Error, on),
            (MissingBackendFlag, "missing-backend-flag", missing_backend_flag, Warning, on),
            (FrontendOnlyGate, "frontend-only-gate", frontend_only_gate, Info, on),
            (LiteralFlagKey, "literal-flag-key", literal_flag_key, Warning, on),
            (NegatedFork, "negated-fork", negated_fork, Warning, on),
            (CompoundFork, "compound-fork", compound_fork, Warning, off),
            (NestedFork, "nested-fork", nested_fork, Warning, off),
            (ChainedFork, "chained-fork", chained_fork, Warning, off),
            (UnusedSuppression, "unused-suppression", unused_suppression, Warning, on),
            (FlagNotCreated, "flag-not-created", flag_not_created, Warning, on),
            (DeletedFlagStillUsed, "deleted-flag-still-used", deleted_flag_still_used, Error, on),
            (MigrationConstantMissing, "migration-constant-missing", migration_constant_missing, Error, on),
            (IrreversibleFlagMigration, "irreversible-flag-migration", irreversible_flag_migration, Warning, on),
            (MigrationConflict, "migration-conflict", migration_conflict, Error, on),
            (CleanupInWrongApp, "cleanup-in-wrong-app", cleanup_in_wrong_app, Warning, on),
            (OrphanedFlag, "orphaned-flag", orphaned_flag, Warning, on),
            (StaleFlag, "stale-flag", stale_flag, Info, on),
            (UntestedFlagState, "untested-flag-state", untested_flag_state, Info, off),
            (ConfigMatchesNothing, "config-matches-nothing", config_matches_nothing, Warning, on),
        }
    };
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn from_name(name: &str) -> Option<Severity> {
        match name {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// Documentation of a rule, in fixed sections.
pub struct RuleDoc {
    pub summary: &'static str,
    pub what_it_does: &'static str,
    pub why_is_this_bad: &'static str,
    pub example: &'static str,
    pub how_to_fix: &'static str,
}

macro_rules! define_rule_id {
    ($(($variant:ident, $name:literal, $module:ident, $severity:ident, $default:ident),)*) => {
        /// Every rule flaglint has. Ids are part of the public contract.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $($variant,)*
        }

        impl RuleId {
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            pub fn name(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $name,)*
                }
            }

            pub fn default_severity(self) -> Severity {
                match self {
                    $(RuleId::$variant => Severity::$severity,)*
                }
            }

            /// Whether the rule runs when the configuration says nothing about it.
            pub fn on_by_default(self) -> bool {
                match self {
                    $(RuleId::$variant => define_rule_id!(@on $default),)*
                }
            }
        }
    };
    (@on on) => { true };
    (@on off) => { false };
}

for_each_rule!(define_rule_id);

impl RuleId {
    pub fn from_name(name: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.name() == name)
    }

    /// The rule a mistyped name most likely means (`unused-flags` -> `unused-flag`).
    pub fn suggest(name: &str) -> Option<RuleId> {
        RuleId::ALL
            .iter()
            .copied()
            .map(|r| (strsim::jaro_winkler(name, r.name()), r))
            .filter(|(score, _)| *score > 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, r)| r)
    }

    /// "unknown rule `x`" with a did-you-mean, or the list of rules.
    pub fn unknown_message(name: &str) -> String {
        match RuleId::suggest(name) {
            Some(rule) => format!("unknown rule `{name}`; did you mean `{}`?", rule.name()),
            None => format!(
                "unknown rule `{name}`; known rules: {}",
                RuleId::ALL
                    .iter()
                    .map(|r| r.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// The severity a rule has when the configuration says nothing (`None`: off).
    pub fn default_level(self) -> Option<Severity> {
        self.on_by_default().then(|| self.default_severity())
    }

    /// The default as users read it: `warning`, or `off (warning)` for an opt-in rule.
    pub fn default_label(self) -> String {
        match self.default_level() {
            Some(severity) => severity.name().to_string(),
            None => format!("off ({})", self.default_severity().name()),
        }
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for &rule in RuleId::ALL {
            assert_eq!(RuleId::from_name(rule.name()), Some(rule));
        }
    }

    #[test]
    fn rule_names_say_what_they_find() {
        for rule in RuleId::ALL {
            let name = rule.name();
            assert!(!name.starts_with("no-") && !name.starts_with("disallow-"));
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
        }
    }

    #[test]
    fn opt_in_rules_are_off_by_default() {
        assert_eq!(RuleId::NestedFork.default_level(), None);
        assert_eq!(RuleId::NestedFork.default_label(), "off (warning)");
        assert_eq!(RuleId::UndefinedFlag.default_level(), Some(Severity::Error));
    }
}
