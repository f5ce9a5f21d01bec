//! `config-matches-nothing`: a path, name or pack of the configuration that matches nothing in
//! the repository.

use super::RuleContext;
use crate::config::{definition_name, Declares};
use crate::facts::{ConstKind, LineIndex};
use crate::index::FileRole;
use crate::lang::gates::NameTemplate;

/// How similar a name must be to be suggested.
const SUGGESTION_THRESHOLD: f64 = 0.8;

/// Checks every declared entry of the configuration against the index and the walked files.
pub(super) fn check(ctx: &mut RuleContext) {
    let (config, index, root, rels) = (ctx.config, ctx.index, ctx.root, ctx.rels);
    let Some(file) = &config.file else {
        return;
    };
    let path = crate::index::walk::relative(root, file);
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let lines = LineIndex::new(&text);
    let base_dir = config
        .base_dir
        .canonicalize()
        .unwrap_or_else(|_| config.base_dir.clone());
    let from_base: Vec<String> = rels
        .iter()
        .map(|rel| crate::index::walk::relative(&base_dir, &root.join(rel)))
        .collect();
    // Whether an entry claims a definitions file (several entries may claim one file).
    let entry_claims = |entry: usize, rel: &str| {
        let from = crate::index::walk::relative(&base_dir, &root.join(rel));
        config.definitions[entry].matches(&from)
    };
    // The definitions files of an entry.
    let entry_files = |entry: usize| -> Vec<usize> {
        index
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                matches!(f.role, FileRole::Definitions(_)) && entry_claims(entry, &f.rel)
            })
            .map(|(i, _)| i)
            .collect()
    };
    let specs = config.checks.specs();
    if specs.is_empty() && config.definitions.is_empty() {
        // Everything is commented out (an `init` proposal left as it was written): a run that
        // checks nothing says so.
        ctx.report(
            &path,
            lines.span(0, 0),
            "the configuration enables no pack, definitions file or check: nothing is checked"
                .to_string(),
        )
        .help("enable a pack (`packs = [...]`), a `[[definitions]]` entry or a `[[checks]]` entry; `flaglint init --stdout` proposes some")
        .label("checks nothing");
        return;
    }
    for declared in &config.declared {
        let (matched, message, candidates): (bool, String, Vec<String>) = match &declared.what {
            Declares::DefinitionsPath(entry) => {
                let source = &config.definitions[*entry];
                (
                    from_base.iter().any(|f| source.matches(f)),
                    format!("definitions path `{}` matches no file", source.pattern),
                    from_base.clone(),
                )
            }
            Declares::Shape { entry, field, name } if *field == "function" => {
                let files = entry_files(*entry);
                if files.is_empty() {
                    continue;
                }
                let template = NameTemplate::parse(name).ok();
                let matched = index.definitions.iter().any(|d| {
                    files.contains(&d.file)
                        && d.kind == ConstKind::GateFunction
                        && template
                            .as_ref()
                            .is_some_and(|t| t.key_of(&d.symbol).is_some())
                });
                let pattern = &config.definitions[*entry].pattern;
                (
                    matched,
                    format!(
                        "`function = \"{name}\"` matched no function in the files of `{pattern}`"
                    ),
                    Vec::new(),
                )
            }
            Declares::Shape { entry, field, name } => {
                let files = entry_files(*entry);
                if files.is_empty() {
                    // The path itself matches nothing: reported once, for the path.
                    continue;
                }
                let dotted = format!("{name}.");
                let matched = index.definitions.iter().any(|d| {
                    files.contains(&d.file) && (d.symbol == *name || d.symbol.starts_with(&dotted))
                });
                let candidates = files
                    .iter()
                    .flat_map(|&f| index.files[f].facts.string_consts.iter())
                    .filter_map(|c| c.symbol.first().cloned())
                    .collect();
                let pattern = &config.definitions[*entry].pattern;
                (
                    matched,
                    format!("{field} `{name}` declares no flag in the files of `{pattern}`"),
                    candidates,
                )
            }
            Declares::Pattern { entry, field, glob } => {
                let files = entry_files(*entry);
                if files.is_empty() {
                    continue;
                }
                let matcher = glob.compile_matcher();
                let matched = index.definitions.iter().any(|d| {
                    files.contains(&d.file)
                        && matcher.is_match(d.symbol.rsplit('.').next().unwrap_or(""))
                });
                let candidates = files
                    .iter()
                    .flat_map(|&f| index.files[f].facts.string_consts.iter())
                    .map(|c| definition_name(&c.symbol).to_string())
                    .collect();
                let pattern = &config.definitions[*entry].pattern;
                (
                    matched,
                    format!(
                        "{field} pattern `{}` matches no flag definition in the files of `{pattern}`",
                        glob.glob()
                    ),
                    candidates,
                )
            }
            Declares::Check { spec, field, name } => (
                index.checks.iter().any(|c| c.spec == *spec),
                format!("check `{field} = \"{name}\"` matches no call site in the repository"),
                Vec::new(),
            ),
            Declares::Pack(pack) => {
                let name = &config.packs[*pack].name;
                let checked = index
                    .checks
                    .iter()
                    .any(|c| specs.get(c.spec).and_then(|s| s.pack) == Some(*pack));
                // django-waffle flags may live only in migrations and templates' history.
                let history = name == "django-waffle" && !index.migration_keys.is_empty();
                (
                    checked || history,
                    format!("pack `{name}`: none of its checks occurs in the repository"),
                    Vec::new(),
                )
            }
            Declares::DjangoSettings(path) => {
                let settings = crate::index::settings::SettingsModules::Paths(vec![path.clone()]);
                (
                    from_base.iter().any(|f| settings.contains(f)),
                    format!(
                        "Django settings `{path}` is no Python module or package of the repository"
                    ),
                    from_base
                        .iter()
                        .filter(|f| f.ends_with(".py"))
                        .cloned()
                        .collect(),
                )
            }
        };
        if matched {
            continue;
        }
        let target = match &declared.what {
            Declares::DefinitionsPath(entry) => config.definitions[*entry].pattern.as_str(),
            Declares::Shape { name, .. } | Declares::Check { name, .. } => name.as_str(),
            Declares::Pattern { glob, .. } => glob.glob(),
            Declares::Pack(_) => "",
            Declares::DjangoSettings(path) => path.as_str(),
        };
        let help = match (nearest(target, &candidates), &declared.what) {
            (Some(near), _) => format!("did you mean `{near}`?"),
            (None, Declares::Pack(_)) => {
                "remove the pack if the repository does not use this flag system".to_string()
            }
            (None, _) => "fix the spelling, or remove the entry: it checks nothing".to_string(),
        };
        let span = (!text.is_empty()).then(|| lines.span(declared.span.start, declared.span.end));
        ctx.report(path.clone(), span, message)
            .help(help)
            .label("matches nothing");
    }
}

/// The candidate most like `target`, when it is like enough (and not `target` itself).
fn nearest<'a>(target: &str, candidates: &'a [String]) -> Option<&'a str> {
    if target.is_empty() {
        return None;
    }
    candidates
        .iter()
        .filter(|c| c.as_str() != target)
        .map(|c| (strsim::jaro_winkler(target, c), c))
        .filter(|(score, _)| *score >= SUGGESTION_THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_is_deterministic_and_bounded() {
        let files = [
            "backend/feature_flags/flags.py".to_string(),
            "frontend/src/App.tsx".to_string(),
        ];
        assert_eq!(
            nearest("backend/feature_flag/flags.py", &files),
            Some("backend/feature_flags/flags.py")
        );
        assert_eq!(nearest("docs/readme.md", &files), None);
        assert_eq!(nearest("", &files), None);
    }
}
