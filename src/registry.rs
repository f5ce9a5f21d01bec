//! The rule declarations: every rule's id, name and default severity, and the severities a
//! finding can have. The rules themselves live in [`crate::rules`]; the configuration reads only
//! this table.

use serde::Serialize;

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
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// Calls `$callback!` with the rule table: `Variant => "name", DefaultSeverity, module;` per rule,
/// `module` being the rule's file under `src/rules/`.
macro_rules! rule_table {
    ($callback:ident) => {
        $callback! {
            UndefinedFlag => "undefined-flag", Error, undefined_flag;
            UnusedFlag => "unused-flag", Warning, unused_flag;
            DynamicFlagKey => "dynamic-flag-key", Info, dynamic_flag_key;
            ParseError => "parse-error", Warning, parse_error;
            InternalError => "internal-error", Error, internal_error;
            DuplicateFlag => "duplicate-flag", Error, duplicate_flag;
            FlagValueMismatch => "flag-value-mismatch", Error, flag_value_mismatch;
            MissingBackendFlag => "missing-backend-flag", Warning, missing_backend_flag;
            FrontendOnlyGate => "frontend-only-gate", Info, frontend_only_gate;
            LiteralFlagKey => "literal-flag-key", Warning, literal_flag_key;
            NegatedFork => "negated-fork", Warning, negated_fork;
            CompoundFork => "compound-fork", Warning, compound_fork;
            NestedFork => "nested-fork", Warning, nested_fork;
            ChainedFork => "chained-fork", Warning, chained_fork;
            UnusedSuppression => "unused-suppression", Warning, unused_suppression;
            FlagNotCreated => "flag-not-created", Warning, flag_not_created;
            DeletedFlagStillUsed => "deleted-flag-still-used", Error, deleted_flag_still_used;
            MigrationConstantMissing => "migration-constant-missing", Error, migration_constant_missing;
            IrreversibleFlagMigration => "irreversible-flag-migration", Warning, irreversible_flag_migration;
            MigrationConflict => "migration-conflict", Error, migration_conflict;
            CleanupInWrongApp => "cleanup-in-wrong-app", Warning, cleanup_in_wrong_app;
            OrphanedFlag => "orphaned-flag", Warning, orphaned_flag;
            StaleFlag => "stale-flag", Info, stale_flag;
            UntestedFlagState => "untested-flag-state", Info, untested_flag_state;
            ConfigMatchesNothing => "config-matches-nothing", Warning, config_matches_nothing;
        }
    };
}
pub(crate) use rule_table;

macro_rules! declare_rule_ids {
    ($($variant:ident => $name:literal, $severity:ident, $module:ident;)*) => {
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
        }
    };
}

rule_table!(declare_rule_ids);

impl RuleId {
    /// Rules that run only when `[rules]` gives them a severity: stricter styles that real
    /// codebases do not share.
    pub const OFF_BY_DEFAULT: &'static [RuleId] = &[
        RuleId::UntestedFlagState,
        RuleId::CompoundFork,
        RuleId::NestedFork,
        RuleId::ChainedFork,
    ];

    pub fn from_name(name: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.name() == name)
    }

    /// The severity a rule has when the configuration says nothing (`None`: off).
    pub fn default_level(self) -> Option<Severity> {
        (!Self::OFF_BY_DEFAULT.contains(&self)).then(|| self.default_severity())
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
