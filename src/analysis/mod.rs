//! The cross-file models derived from the index, built once after it: the Django migration history,
//! git line dates and flag ages, and the lifecycle read from them and from environment state.

pub mod django;
pub(crate) mod history;
pub mod lifecycle;
pub mod state;

use crate::date::Date;

/// What the rules and the reports read besides the index.
#[derive(Debug, Default)]
pub struct Analysis {
    /// Django apps, their migration graphs and the history of every waffle row.
    pub django: django::Project,
    /// The day ages are measured to.
    pub today: Date,
    /// Dates from git (filled when a rule or the report needs them).
    pub ages: lifecycle::Ages,
}
