//! The report document of `flaglint report`, version 1: built once from the assessments, printed
//! as JSON by `--format json`, and drawn by every other report format.
//!
//! Fields are serialized in declaration order; maps keep their insertion order.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::analysis::lifecycle::{Assessment, Place, Readiness};
use crate::analysis::state::{Environment, Rollout};
use crate::analysis::Analysis;
use crate::date::Date;
use crate::index::Index;

/// The whole report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportDocument {
    pub version: u32,
    pub today: String,
    /// What the reader must know to trust the figures.
    pub notes: Vec<String>,
    /// The environments of the state exports, in rollout order.
    pub environments: Vec<String>,
    pub summary: Summary,
    /// Every flag in the code, in assessment order.
    pub flags: Vec<FlagReport>,
    /// Values stored in an environment for keys that are not in the code.
    pub orphaned_states: Vec<OrphanedState>,
    /// `[report] source-url` with the commit filled in: links to the source (`{path}`, `{line}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    pub flags: usize,
    /// Assessments per readiness, in lifecycle order; zero counts left out.
    pub by_readiness: IndexMap<String, usize>,
    pub warnings: usize,
}

/// One flag of the code.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlagReport {
    pub key: String,
    /// The waffle model (`flag`, `switch`, `sample`), where the checks say.
    pub kind: Option<String>,
    #[serde(rename = "type")]
    pub flag_type: Option<String>,
    pub owner: Option<String>,
    pub remove_by: Option<String>,
    pub introduced: Option<String>,
    /// Where the introduction date comes from.
    pub introduced_from: Option<String>,
    pub age_days: Option<i64>,
    /// `None`: permanent.
    pub lifetime_days: Option<i64>,
    pub last_check_change: Option<String>,
    pub definitions: Vec<DefinitionReport>,
    /// Production checks.
    pub checks: usize,
    pub tests: Tests,
    /// The state in each environment, in the document's environment order.
    pub states: IndexMap<String, StateReport>,
    pub readiness: String,
    pub evidence: Vec<String>,
    pub warnings: Vec<String>,
    pub plan: Option<PlanReport>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DefinitionReport {
    pub side: String,
    pub path: String,
    pub line: u32,
    pub symbol: String,
}

/// Tests that set the flag on, and off.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tests {
    pub on: usize,
    pub off: usize,
}

/// A flag's state in one environment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StateReport {
    /// `absent`, `off`, `pilot`, `partial` or `on`.
    pub state: String,
    /// The percent of a partial rollout, as written.
    pub percent: Option<String>,
    pub since: Option<String>,
}

/// The next removal step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanReport {
    pub step: u8,
    pub summary: String,
    pub edits: Vec<EditReport>,
    pub delete_definitions: Vec<PlaceReport>,
    pub migration: Option<MigrationReport>,
    pub inline: Vec<PlaceReport>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EditReport {
    pub path: String,
    pub line: u32,
    pub kind: String,
    /// What to keep.
    pub keep: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlaceReport {
    pub path: String,
    pub line: u32,
    pub symbol: String,
    /// The literal to inline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MigrationReport {
    pub app: String,
    pub note: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrphanedState {
    pub key: String,
    pub environment: String,
    pub state: String,
}

/// The report document.
pub fn document(
    index: &Index,
    analysis: &Analysis,
    assessments: &[Assessment],
    environments: &[Environment],
) -> ReportDocument {
    let today = analysis.today;
    let by_readiness = Readiness::ALL
        .into_iter()
        .map(|readiness| {
            let count = assessments
                .iter()
                .filter(|a| a.readiness == readiness)
                .count();
            (readiness.name().to_string(), count)
        })
        .filter(|&(_, count)| count > 0)
        .collect();
    let warnings = assessments.iter().map(|a| a.warnings.len()).sum();
    let flags: Vec<FlagReport> = assessments
        .iter()
        .filter(|a| a.readiness != Readiness::OrphanedState)
        .map(|a| flag(index, a, environments))
        .collect();
    let orphaned_states = assessments
        .iter()
        .filter(|a| a.readiness == Readiness::OrphanedState)
        .flat_map(|a| {
            environments.iter().zip(&a.states).filter_map(|(e, s)| {
                s.as_ref().map(|s| OrphanedState {
                    key: a.key.clone(),
                    environment: e.name.clone(),
                    state: s.rollout.name().to_string(),
                })
            })
        })
        .collect();
    let notes = [(
        analysis.ages.shallow,
        crate::analysis::lifecycle::SHALLOW_NOTE,
    )]
    .into_iter()
    .filter(|&(applies, _)| applies)
    .map(|(_, note)| note.to_string())
    .collect();
    ReportDocument {
        version: 1,
        today: today.to_string(),
        notes,
        environments: environments.iter().map(|e| e.name.clone()).collect(),
        summary: Summary {
            flags: flags.len(),
            by_readiness,
            warnings,
        },
        flags,
        orphaned_states,
        source_url: None,
    }
}

fn date(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn flag(index: &Index, a: &Assessment, environments: &[Environment]) -> FlagReport {
    let states = environments
        .iter()
        .zip(&a.states)
        .map(|(e, s)| {
            let state = match s {
                None => StateReport {
                    state: "absent".to_string(),
                    ..StateReport::default()
                },
                Some(s) => StateReport {
                    state: s.rollout.name().to_string(),
                    percent: match &s.rollout {
                        Rollout::Partial(percent) => percent.clone(),
                        _ => None,
                    },
                    since: date(s.modified),
                },
            };
            (e.name.clone(), state)
        })
        .collect();
    let definitions = a
        .definitions
        .iter()
        .map(|&d| {
            let def = &index.definitions[d];
            DefinitionReport {
                side: def.side.name().to_string(),
                path: index.path(def.file).to_string(),
                line: def.name_span.line,
                symbol: def.shown.clone(),
            }
        })
        .collect();
    let plan = a.plan.as_ref().map(|plan| PlanReport {
        step: plan.step,
        summary: plan.summary.clone(),
        edits: plan
            .edits
            .iter()
            .map(|e| EditReport {
                path: e.path.clone(),
                line: e.line,
                kind: e.kind.to_string(),
                keep: e.keep.clone(),
            })
            .collect(),
        delete_definitions: plan.delete_definitions.iter().map(place).collect(),
        migration: plan.migration.as_ref().map(|(app, note)| MigrationReport {
            app: app.clone(),
            note: note.clone(),
        }),
        inline: plan.inline.iter().map(place).collect(),
    });
    FlagReport {
        key: a.key.clone(),
        kind: a.kind.map(|k| k.name().to_string()),
        flag_type: a.flag_type.clone(),
        owner: a.owner.clone(),
        remove_by: date(a.remove_by),
        introduced: date(a.introduced),
        introduced_from: a.introduced_from.clone(),
        age_days: a.age_days,
        lifetime_days: a.lifetime_days,
        last_check_change: date(a.last_check_change),
        definitions,
        checks: a.checks.len(),
        tests: Tests {
            on: a.tests_on,
            off: a.tests_off,
        },
        states,
        readiness: a.readiness.name().to_string(),
        evidence: a.evidence.clone(),
        warnings: a.warnings.clone(),
        plan,
    }
}

fn place(p: &Place) -> PlaceReport {
    PlaceReport {
        path: p.path.clone(),
        line: p.line,
        symbol: p.symbol.clone(),
        value: p.value.clone(),
    }
}
