//! Where a JavaScript or TypeScript import that is not relative leads: a workspace package by the
//! name its `package.json` gives it (`@studio/feature-flags` in `libs/studio-feature-flags/`), or a
//! path alias of a `tsconfig.json` / `jsconfig.json` (`"app-shared/*": ["./packages/shared/src/*"]`).

/// The workspace packages and path aliases of a repository.
#[derive(Clone, Debug, Default)]
pub struct JsLayout {
    /// Package name to its directory, longest names first.
    packages: Vec<(String, String)>,
    /// Path aliases, from the deepest configuration down.
    aliases: Vec<Alias>,
}

#[derive(Clone, Debug)]
struct Alias {
    /// The directory of the configuration declaring it (`""` for the root).
    config_dir: String,
    /// `app-shared/` for `app-shared/*`, or the whole specifier when it has no `*`.
    pattern: String,
    wildcard: bool,
    /// The directory (or file stem) it stands for, from the root.
    target: String,
}

impl JsLayout {
    /// Reads a `package.json`, `tsconfig*.json` or `jsconfig.json` at `rel` (`text` is its
    /// content); other files are not looked at.
    pub fn add(&mut self, rel: &str, text: &str) {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        if name == "package.json" {
            let name = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|json| json.get("name")?.as_str().map(str::to_string));
            if let Some(name) = name.filter(|n| !n.is_empty()) {
                self.packages.push((name, dir.to_string()));
            }
        } else if is_config(name) {
            let Some(json) = lenient_json(text) else {
                return;
            };
            let options = json.get("compilerOptions");
            let base = options
                .and_then(|o| o.get("baseUrl"))
                .and_then(|b| b.as_str())
                .unwrap_or(".");
            let Some(paths) = options
                .and_then(|o| o.get("paths"))
                .and_then(|p| p.as_object())
            else {
                return;
            };
            for (alias, targets) in paths {
                let Some(target) = targets
                    .as_array()
                    .and_then(|t| t.first())
                    .and_then(|t| t.as_str())
                else {
                    continue;
                };
                let wildcard = alias.ends_with('*');
                let joined = format!("{dir}/{base}/{}", target.trim_end_matches('*'));
                let Some(target) = super::normalize_path(&joined) else {
                    continue;
                };
                self.aliases.push(Alias {
                    config_dir: dir.to_string(),
                    pattern: alias.trim_end_matches('*').to_string(),
                    wildcard,
                    target,
                });
            }
        }
    }

    /// Orders what was read: longest package names first, the deepest configuration's aliases
    /// first and, within one, the longest patterns first.
    pub fn finish(&mut self) {
        self.packages
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        self.packages.dedup_by(|a, b| a.0 == b.0);
        self.aliases.sort_by(|a, b| {
            b.config_dir
                .len()
                .cmp(&a.config_dir.len())
                .then_with(|| b.pattern.len().cmp(&a.pattern.len()))
                .then_with(|| a.pattern.cmp(&b.pattern))
        });
    }

    /// The paths from the root (no extension) that `specifier`, imported by the file `rel`, may
    /// name, most likely first: through the aliases of the configurations above the file, then
    /// the workspace packages.
    pub fn candidates(&self, rel: &str, specifier: &str) -> Vec<String> {
        let mut found = Vec::new();
        let above = |dir: &str| dir.is_empty() || rel.starts_with(&format!("{dir}/"));
        for alias in self.aliases.iter().filter(|a| above(&a.config_dir)) {
            let rest = if alias.wildcard {
                specifier.strip_prefix(alias.pattern.as_str())
            } else {
                (specifier == alias.pattern).then_some("")
            };
            if let Some(rest) = rest {
                found.push(join(&alias.target, rest));
                break;
            }
        }
        for (name, dir) in &self.packages {
            let rest = if specifier == name {
                ""
            } else if let Some(rest) = specifier
                .strip_prefix(name.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                rest
            } else {
                continue;
            };
            for sub in ["", "src", "lib"] {
                found.push(join(&join(dir, sub), rest));
            }
            break;
        }
        found
    }
}

fn join(dir: &str, rest: &str) -> String {
    match (dir.trim_end_matches('/'), rest.trim_start_matches('/')) {
        ("", rest) => rest.to_string(),
        (dir, "") => dir.to_string(),
        (dir, rest) => format!("{dir}/{rest}"),
    }
}

pub(super) fn is_config(name: &str) -> bool {
    name == "jsconfig.json" || (name.starts_with("tsconfig") && name.ends_with(".json"))
}

/// JSON with the comments and trailing commas `tsconfig.json` allows.
fn lenient_json(text: &str) -> Option<serde_json::Value> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                out.extend(chars.next());
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                while chars.peek().is_some_and(|&c| c != '\n') {
                    chars.next();
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            (']' | '}', _) => {
                let trimmed = out.trim_end().len();
                if out[..trimmed].ends_with(',') {
                    out.truncate(trimmed - 1);
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    serde_json::from_str(&out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_and_aliases() {
        let mut layout = JsLayout::default();
        layout.add(
            "frontend/libs/studio-feature-flags/package.json",
            r#"{"name": "@studio/feature-flags", "main": "src/index.ts"}"#,
        );
        layout.add("frontend/libs/other/package.json", "{not json");
        layout.add(
            "frontend/tsconfig.json",
            "{\n  // paths\n  \"compilerOptions\": {\n    \"paths\": {\n      \"app-shared/*\": [\"./packages/shared/src/*\"],\n      \"@env\": [\"./env.ts\"], /* exact */\n    },\n  },\n}\n",
        );
        layout.add(
            "other/tsconfig.json",
            r#"{"compilerOptions": {"baseUrl": "src", "paths": {"app-shared/*": ["x/*"]}}}"#,
        );
        layout.finish();
        assert_eq!(
            layout.candidates("frontend/app/a.tsx", "app-shared/utils/flags"),
            ["frontend/packages/shared/src/utils/flags"]
        );
        assert_eq!(
            layout.candidates("other/b.ts", "app-shared/y"),
            ["other/src/x/y"]
        );
        assert_eq!(
            layout.candidates("frontend/a.ts", "@env"),
            ["frontend/env.ts"]
        );
        assert_eq!(
            layout.candidates("frontend/a.ts", "@studio/feature-flags"),
            [
                "frontend/libs/studio-feature-flags",
                "frontend/libs/studio-feature-flags/src",
                "frontend/libs/studio-feature-flags/lib"
            ]
        );
        assert_eq!(
            layout.candidates("a.ts", "@studio/feature-flags/hooks")[1],
            "frontend/libs/studio-feature-flags/src/hooks"
        );
        assert!(layout
            .candidates("a.ts", "@studio/feature-flagsx")
            .is_empty());
        assert!(layout.candidates("a.ts", "react").is_empty());
    }
}
