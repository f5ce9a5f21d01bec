//! `unused-flag`: a definition whose key nothing in production code checks or uses.

use std::collections::HashSet;

use super::{RuleContext, Severity};
use crate::analysis::Analysis;
use crate::config::Side;
use crate::facts::{ConstKind, FlagAction};
use crate::index::{Definition, Index, RefKind, WholeRead};
use crate::lang::Language;

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    let analysis = ctx.analysis;
    let mut seen: HashSet<&str> = HashSet::new();
    for def in &index.definitions {
        if !seen.insert(def.key.as_str()) {
            continue;
        }
        let Some(flag) = index.flags.get(&def.key) else {
            continue;
        };
        let definitions = || flag.definitions.iter().map(|&d| &index.definitions[d]);
        if definitions().any(|d| d.retained) {
            continue;
        }
        let kinds = flag
            .checks
            .iter()
            .map(|&c| index.checks[c].kind)
            .chain(flag.references.iter().map(|&r| index.references[r].kind));
        let (mut production, mut tests, mut migrations) = (false, false, false);
        for kind in kinds {
            match kind {
                RefKind::Check | RefKind::Reference => production = true,
                RefKind::Test => tests = true,
                RefKind::Migration => migrations = true,
                RefKind::Definition => {}
            }
        }
        // Code in a language flaglint does not read (a Java service) may be what checks it.
        if production || analysis.foreign_uses.contains(&def.key) {
            continue;
        }
        let only = match (tests, migrations) {
            (true, true) => "; it is referenced only by tests and migrations",
            (true, false) => "; it is referenced only by tests",
            (false, true) => "; it is referenced only by migrations",
            (false, false) => "",
        };
        let read = definitions().find_map(|d| consumed_whole(index, d));
        let message = match read {
            Some(read) => format!(
                "flag `{}` ({}) is never checked in production code{only}, but `{}` is read whole at {}:{}: its receivers may use it",
                def.key,
                def.shown,
                read.container,
                index.path(read.file),
                read.span.line
            ),
            None => format!(
                "flag `{}` ({}) is never checked in production code{only}",
                def.key, def.shown
            ),
        };
        let diagnostic = ctx
            .report(index.path(def.file), def.name_span, message)
            .help(help(index, analysis, def))
            .label("defined here")
            .flag(def.key.clone());
        if read.is_some() {
            diagnostic.at_most(Severity::Info);
        }
    }
}

/// The first production read of `def`'s whole container, when the code receiving it is not part
/// of the project: none of the container's flags has a definition on the other side (a mirror
/// there would be the scanned client's).
fn consumed_whole<'a>(index: &'a Index, def: &Definition) -> Option<&'a WholeRead> {
    let container = def.container()?;
    let mirrored = index
        .definitions
        .iter()
        .any(|d| d.file == def.file && d.container() == Some(container) && has_mirror(index, d));
    if mirrored {
        return None;
    }
    index
        .whole_reads
        .iter()
        .find(|read| read.defined_in == def.file && read.container == container)
}

/// Whether the flag has a definition on the other side too.
fn has_mirror(index: &Index, def: &Definition) -> bool {
    index.flags.get(&def.key).is_some_and(|flag| {
        flag.definitions
            .iter()
            .any(|&d| index.definitions[d].side != def.side)
    })
}

/// What removing the flag means for this kind of definition, in its ecosystem.
fn help(index: &Index, analysis: &Analysis, def: &Definition) -> String {
    let language = index.files[def.file].language;
    let what = match def.kind {
        ConstKind::EnumVariant => format!("the variant `{}`", def.shown),
        ConstKind::StructField => format!("the field `{}`", def.symbol),
        ConstKind::RegistryKey | ConstKind::ListElement | ConstKind::UnionMember => {
            format!(
                "`{}` from `{}`",
                def.key,
                def.container().unwrap_or(&def.symbol)
            )
        }
        ConstKind::Registration => format!("the registration of `{}`", def.key),
        ConstKind::GateFunction => format!("the function `{}`", def.symbol),
        ConstKind::Setting => format!("the setting `{}`", def.symbol),
        ConstKind::Constant if language == Language::Rust => {
            format!("the constant `{}`", def.shown)
        }
        ConstKind::Constant => format!("`{}`", def.symbol),
    };
    let mut also = Vec::new();
    if has_mirror(index, def) {
        also.push(match def.side {
            Side::Backend => "its frontend mirror",
            Side::Frontend => "its backend definition",
        });
    }
    let has_row = analysis
        .django
        .events_of(&def.key)
        .any(|e| e.action == FlagAction::Create);
    if has_row {
        also.push("its database row (delete it with a migration)");
    }
    let mut help = format!("remove {what}");
    if let Some((last, rest)) = also.split_last() {
        for step in rest {
            help.push_str(", ");
            help.push_str(step);
        }
        help.push_str(" and ");
        help.push_str(last);
    }
    match def.kind {
        ConstKind::EnumVariant => help.push_str(
            " (and the code that parses it), or check it where the feature is gated; if it is \
kept so that old configuration values still parse, mark it `// flaglint: state=retained`",
        ),
        ConstKind::StructField => help.push_str(
            " (and where it is read from the settings), or read it where the feature is gated",
        ),
        _ => help.push_str(", or check it where the feature is gated"),
    }
    help
}
