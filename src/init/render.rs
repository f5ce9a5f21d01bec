//! The proposal written as a commented `flaglint.toml`, and `init --check`: what the current
//! configuration does not model.

use super::*;

/// What `init --check` finds: the entries `init` would propose that a configuration does not
/// model, each as the TOML that would add it and its evidence.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// How many proposed entries the configuration models, of how many.
    pub modelled: usize,
    pub proposed: usize,
    pub missing: Vec<String>,
}

/// Compares a configuration (the text of `flaglint.toml`, or of `pyproject.toml` with its
/// `[tool.flaglint]` table) with what `init` proposes: packs by name, definitions by path and
/// shape, checks by what they match and their language.
pub fn drift(proposal: &Proposal, config_text: &str, in_pyproject: bool) -> Result<Drift, String> {
    let table: toml::Table = toml::from_str(config_text).map_err(|e| e.message().to_string())?;
    let config = if in_pyproject {
        table
            .get("tool")
            .and_then(|t| t.get("flaglint"))
            .and_then(|t| t.as_table())
            .cloned()
            .unwrap_or_default()
    } else {
        table
    };
    let strings = |value: Option<&toml::Value>| -> Vec<String> {
        value
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let entries = |name: &str| -> Vec<toml::Table> {
        config
            .get(name)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_table().cloned())
            .collect()
    };
    let field = |entry: &toml::Table, key: &str| {
        entry.get(key).and_then(|v| v.as_str()).map(str::to_string)
    };
    let packs = strings(config.get("packs"));
    let definitions = entries("definitions");
    let checks = entries("checks");
    let mut drift = Drift::default();
    let mut want = |modelled: bool, toml: String| {
        drift.proposed += 1;
        if modelled {
            drift.modelled += 1;
        } else {
            drift.missing.push(toml);
        }
    };
    for (pack, evidence) in &proposal.packs {
        let evidence: Vec<&str> = evidence.iter().take(1).map(String::as_str).collect();
        want(
            packs.contains(pack),
            format!("packs = [\"{pack}\"]  # {}", evidence.join("; ")),
        );
    }
    for definition in &proposal.definitions {
        let modelled = definitions.iter().any(|d| {
            let path_matches = field(d, "path").is_some_and(|p| {
                p == definition.path
                    || globset::Glob::new(&p)
                        .is_ok_and(|g| g.compile_matcher().is_match(&definition.path))
            });
            let shape_matches = definition
                .shape
                .as_ref()
                .is_none_or(|(shape, name)| field(d, shape).as_deref() == Some(name.as_str()));
            let macro_matches =
                definition.fields.iter().all(|(f, _)| *f != "macro") || d.contains_key("macro");
            path_matches && shape_matches && macro_matches
        });
        let shape: String = definition
            .shape
            .as_ref()
            .map(|(shape, name)| format!(", {shape} = \"{name}\""))
            .into_iter()
            .chain(
                definition
                    .fields
                    .iter()
                    .map(|(f, v)| format!(", {f} = {v}")),
            )
            .collect();
        want(
            modelled,
            format!(
                "[[definitions]] path = \"{}\"{shape}  # {}",
                definition.path, definition.evidence
            ),
        );
    }
    let language_matches = |entry: &toml::Table, language: &str| {
        field(entry, "language")
            .is_none_or(|l| l == language || (l == "typescript" && language == "javascript"))
    };
    for check in &proposal.checks {
        let language = check.language.name();
        let form = if check.property { "property" } else { "call" };
        let modelled = checks.iter().any(|c| {
            field(c, form).is_some_and(|call| {
                call == check.call || call.rsplit('.').next() == Some(check.call.as_str())
            }) && language_matches(c, language)
        });
        want(
            modelled,
            format!(
                "[[checks]] {form} = \"{}\", language = \"{language}\"  # {}",
                check.call, check.evidence
            ),
        );
    }
    if let Some((mapping, evidence)) = &proposal.parity {
        let configured = config
            .get("parity")
            .and_then(|p| p.get("frontend-key"))
            .and_then(|v| v.as_str());
        want(
            configured == Some(mapping.as_str()),
            format!("[parity] frontend-key = \"{mapping}\"  # {evidence}"),
        );
    }
    for check in &proposal.other_checks {
        let modelled = checks
            .iter()
            .any(|c| field(c, check.form).as_deref() == Some(check.name.as_str()));
        want(
            modelled,
            format!(
                "[[checks]] {} = \"{}\", language = \"{}\"  # {}",
                check.form,
                check.name,
                check.language.name(),
                check.evidence
            ),
        );
    }
    for (name, evidence) in &proposal.template_properties {
        let modelled = checks.iter().any(|c| {
            field(c, "property").as_deref() == Some(name.as_str())
                && language_matches(c, "template")
        });
        want(
            modelled,
            format!("[[checks]] property = \"{name}\", language = \"template\"  # {evidence}"),
        );
    }
    Ok(drift)
}

/// The proposal as a commented `flaglint.toml`.
pub fn render(proposal: &Proposal) -> String {
    let mut out = String::from(
        "# flaglint configuration proposed by `flaglint init`.\n\
         # Every entry below was guessed from the repository: review it, then run `flaglint check`.\n\
         # Reference: the README's Configuration section.\n\n",
    );
    if !proposal.exclude.is_empty() {
        let _ = writeln!(
            out,
            "# Vendored code and built bundles are not yours to fix.\nexclude = {}\n",
            toml_strings(&proposal.exclude)
        );
    }
    if proposal.packs.is_empty() {
        out.push_str("# No known flag system was detected; built-in packs: ");
        let names: Vec<&str> = packs::BUILTIN.iter().map(|(n, _)| *n).collect();
        let _ = writeln!(
            out,
            "{}.\n# packs = [\"django-waffle\"]\n",
            names.join(", ")
        );
    } else {
        for (pack, evidence) in &proposal.packs {
            let evidence: Vec<&str> = evidence.iter().take(3).map(String::as_str).collect();
            let _ = writeln!(out, "# {pack}: {}", evidence.join("; "));
        }
        let _ = writeln!(out, "packs = {}\n", toml_strings(proposal.packs.keys()));
    }
    for (pack, evidence) in &proposal.unused_packs {
        let evidence: Vec<&str> = evidence.iter().take(1).map(String::as_str).collect();
        let _ = writeln!(
            out,
            "# Not enabled: {pack} ({}) is a dependency, but none of its checks occurs in the code.\n# packs = [\"{pack}\"]\n",
            evidence.join("; ")
        );
    }
    if let Some(first) = proposal.waffle_migrations.first() {
        let more = match proposal.waffle_migrations.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        let _ = writeln!(
            out,
            "# Waffle rows are created and deleted by migrations ({first}{more}):\n# read every migration for flag history and the migration graph.\n[django]\nmigrations = true\n"
        );
    }
    if proposal.definitions.is_empty() {
        out.push_str(
            "# No definitions file was found. Point flaglint at the module that holds your flag\n\
             # constants, for example:\n# [[definitions]]\n# side = \"backend\"\n# path = \"backend/feature_flags/flags.py\"\n\n",
        );
    }
    for definition in &proposal.definitions {
        let _ = writeln!(out, "# {}", definition.evidence);
        for line in definition_entry(definition) {
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }
    for (definition, reason) in &proposal.unsure_definitions {
        let _ = writeln!(out, "# Not enabled: {reason}.\n# {}", definition.evidence);
        for line in definition_entry(definition) {
            let _ = writeln!(out, "# {line}");
        }
        out.push('\n');
    }
    if let Some((mapping, evidence)) = &proposal.parity {
        let _ = writeln!(
            out,
            "# The frontend spells the backend's keys another way: {evidence}.\n[parity]\nfrontend-key = \"{mapping}\"\n"
        );
    }
    for (name, evidence) in &proposal.template_properties {
        let _ = writeln!(
            out,
            "# Templates read the flags a context processor puts in `{name}` ({evidence}).\n[[checks]]\nproperty = \"{name}\"\nlanguage = \"template\"\n"
        );
    }
    for check in &proposal.other_checks {
        let _ = writeln!(
            out,
            "# {}.\n[[checks]]\n{} = \"{}\"",
            check.evidence, check.form, check.name
        );
        for (field, value) in &check.fields {
            let _ = writeln!(out, "{field} = {value}");
        }
        let _ = writeln!(out, "language = \"{}\"\n", check.language.name());
    }
    for check in &proposal.checks {
        let _ = writeln!(out, "# {}.", check_comment(check));
        for line in check_entry(check) {
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }
    for (check, reason) in &proposal.unsure_checks {
        let _ = writeln!(out, "# Not enabled: {reason}.\n# {}.", check_comment(check));
        for line in check_entry(check) {
            let _ = writeln!(out, "# {line}");
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// Why a check is proposed.
fn check_comment(check: &ProposedCheck) -> String {
    if check.property {
        format!("Flag reads through a property chain ({})", check.evidence)
    } else {
        format!(
            "A function of yours that takes a flag key ({})",
            check.evidence
        )
    }
}

/// The lines of a proposed `[[checks]]` entry.
fn check_entry(check: &ProposedCheck) -> Vec<String> {
    let mut lines = vec!["[[checks]]".to_string()];
    if check.property {
        lines.push(format!("property = \"{}\"", check.call));
        if !check.keys.is_empty() {
            lines.push(format!("keys = {}", toml_strings(&check.keys)));
        }
    } else {
        lines.push(format!("call = \"{}\"", check.call));
        lines.push(format!("key = {}", check.key));
        if let Some(keyword) = &check.keyword {
            lines.push(format!("keyword = \"{keyword}\""));
        }
        if let Some(receivers) = check.receiver.as_ref().filter(|r| !r.is_empty()) {
            lines.push(format!("receiver = {}", toml_strings(receivers)));
        }
    }
    lines.push(format!("language = \"{}\"", check.language.name()));
    lines
}

/// The lines of a proposed `[[definitions]]` entry.
fn definition_entry(definition: &ProposedDefinition) -> Vec<String> {
    let mut lines = vec![
        "[[definitions]]".to_string(),
        format!("side = \"{}\"", definition.side.name()),
        format!("path = \"{}\"", definition.path),
    ];
    if let Some((shape, name)) = &definition.shape {
        lines.push(format!("{shape} = \"{name}\""));
    }
    lines.extend(
        definition
            .fields
            .iter()
            .map(|(field, value)| format!("{field} = {value}")),
    );
    lines
}
