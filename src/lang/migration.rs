//! Placeholder until the reader lands.
use tree_sitter::Node;

use crate::facts::{LineIndex, MigrationFacts};

/// Custom migration operations that create or delete a waffle row (`[django] create-operations`).
pub struct MigrationOptions<'a> {
    pub create_operations: &'a [String],
    pub delete_operations: &'a [String],
}

/// The facts of a migration module, or `None` when it has no `class Migration(...)`.
pub fn extract(
    _root: Node,
    _source: &str,
    _lines: &LineIndex,
    _options: &MigrationOptions,
) -> Option<MigrationFacts> {
    None
}
