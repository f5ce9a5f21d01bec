//! `check --show-settings`: the effective configuration as text.

use super::*;

impl Config {
    /// The effective settings as text, for `check --show-settings`: where they came from, then
    /// every entry as the run uses it (packs' checks included, every rule at its level).
    pub fn describe(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "settings file: {}",
            self.file.as_ref().map_or_else(
                || "none (packs named by the manifests)".to_string(),
                |f| f.display().to_string()
            )
        );
        let _ = writeln!(out, "project root: {}", self.base_dir.display());
        let packs: Vec<&str> = self.packs.iter().map(|p| p.name.as_str()).collect();
        let _ = writeln!(
            out,
            "packs: {}",
            if packs.is_empty() {
                "none".to_string()
            } else {
                packs.join(", ")
            }
        );
        let _ = writeln!(out, "exclude: {:?}", self.exclude);
        let _ = writeln!(out, "max-file-size: {} bytes", self.max_file_size);
        let _ = writeln!(out, "parity frontend-key: {:?}", self.frontend_key);
        let _ = writeln!(out, "django: {:?}", self.django);
        let _ = writeln!(out, "lifetimes: {:?}", self.lifetimes);
        if let Some(baseline) = &self.baseline {
            let _ = writeln!(out, "baseline: {}", baseline.display());
        }
        let _ = writeln!(out, "definitions ({}):", self.definitions.len());
        for d in &self.definitions {
            let _ = writeln!(
                out,
                "  {} ({}) transform={:?} shapes={:?} policy={:?}",
                d.pattern,
                d.side.name(),
                d.transform,
                d.shapes,
                d.policy
            );
        }
        let specs = self.checks.specs();
        let _ = writeln!(out, "checks ({}):", specs.len());
        for spec in specs {
            let pack = spec
                .pack
                .and_then(|p| self.packs.get(p))
                .map(|p| format!(" [pack {}]", p.name))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {:?} key={:?}/{:?} language={:?}{}{}",
                spec.call.join("."),
                spec.shape,
                spec.key.position,
                spec.key.keyword,
                spec.language.map(|l| l.name()),
                if spec.test_helper { " test-helper" } else { "" },
                pack
            );
        }
        let _ = writeln!(out, "rules:");
        for &rule in RuleId::ALL {
            let _ = writeln!(
                out,
                "  {} = {}",
                rule.name(),
                self.severity(rule).map_or("off", |s| s.name())
            );
        }
        for entry in &self.per_file {
            let levels: Vec<String> = entry
                .severities
                .iter()
                .map(|(rule, level)| {
                    format!("{} = {}", rule.name(), level.map_or("off", |s| s.name()))
                })
                .collect();
            let _ = writeln!(
                out,
                "per-file-rules {:?}: {}",
                entry.pattern,
                levels.join(", ")
            );
        }
        out
    }
}
