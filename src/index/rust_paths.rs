//! Rust paths: `crate::`, `super::`, `self::` and imported names resolved to the module that
//! declares them, through `pub use` re-exports.

use super::*;

impl Resolver<'_> {
    /// Rust: a path used in `file` inside the inline modules `scope`.
    pub(super) fn resolve_rust(
        &self,
        file: FileId,
        scope: &[String],
        path: &[String],
        depth: usize,
    ) -> Resolved {
        if depth > MAX_DEPTH || path.is_empty() || !self.step() {
            return Resolved::Unresolved;
        }
        if self.tables[file].is_some() && scope.is_empty() {
            let own = self.lookup_rust_symbol(file, path, Confidence::Exact, depth);
            if own != Resolved::Unresolved {
                return own;
            }
        }
        if scope.is_empty() {
            if let Some(value) = self.local_constant(file, path) {
                return Resolved::Constant(value.to_string());
            }
        }
        let visible = |i: &&Import| scope.starts_with(&i.scope);
        if !matches!(path[0].as_str(), "crate" | "self" | "super" | "Self") {
            if let Some(import) = self.imports_named(file, &path[0]).rev().find(visible) {
                let ModuleRef::Rust(module) = &import.module else {
                    return Resolved::Unresolved;
                };
                let mut expanded = module.clone();
                expanded.extend(import.name.iter().cloned());
                expanded.extend(path[1..].iter().cloned());
                return self.resolve_rust(file, &import.scope, &expanded, depth + 1);
            }
        }
        for candidate in self.rust_absolute(file, scope, path) {
            let found = self.lookup_rust_path(&candidate, depth);
            if found != Resolved::Unresolved {
                return found;
            }
        }
        for import in self.imports_named(file, "*").filter(visible) {
            let ModuleRef::Rust(module) = &import.module else {
                continue;
            };
            let mut expanded = module.clone();
            expanded.extend(path.iter().cloned());
            if let Resolved::Flag(def) =
                self.resolve_rust(file, &import.scope, &expanded, depth + 1)
            {
                return Resolved::Flag(def);
            }
        }
        Resolved::Unresolved
    }

    /// Absolute module paths (`[crate, mod, ..., name]`) a Rust path may denote, most likely first.
    fn rust_absolute(&self, file: FileId, scope: &[String], path: &[String]) -> Vec<Vec<String>> {
        let module = &self.rust_module_of[file];
        let mut current: Vec<String> = module.clone();
        current.extend(scope.iter().cloned());
        match path[0].as_str() {
            "crate" => {
                let mut absolute = vec![module[0].clone()];
                absolute.extend(path[1..].iter().cloned());
                vec![absolute]
            }
            "self" => {
                current.extend(path[1..].iter().cloned());
                vec![current]
            }
            "super" => {
                let supers = path.iter().take_while(|s| *s == "super").count();
                if supers >= current.len() {
                    return Vec::new();
                }
                current.truncate(current.len() - supers);
                current.extend(path[supers..].iter().cloned());
                vec![current]
            }
            "Self" => Vec::new(),
            _ => {
                let mut relative = current;
                relative.extend(path.iter().cloned());
                vec![relative, path.to_vec()]
            }
        }
    }

    fn lookup_rust_path(&self, absolute: &[String], depth: usize) -> Resolved {
        for end in (1..=absolute.len()).rev() {
            if let Some(&target) = self.rust_modules.get(&absolute[..end]) {
                return self.lookup_rust_symbol(target, &absolute[end..], Confidence::Exact, depth);
            }
        }
        Resolved::Unresolved
    }

    pub(super) fn lookup_rust_symbol(
        &self,
        file: FileId,
        symbol: &[String],
        confidence: Confidence,
        depth: usize,
    ) -> Resolved {
        // Inline modules of a definitions file are part of its symbols (`inner.X`).
        let joined = symbol.join(".");
        if let Some(table) = &self.tables[file] {
            if let Some(&def) = table.symbols.get(&joined) {
                return Resolved::Flag(def);
            }
        }
        // A module that re-exports the first segment (`pub use exp::Feature;`, `pub use exp::*;`
        // in `cfg/mod.rs`) leads to the module declaring it.
        let reexported = || {
            self.imports_named(file, &symbol[0])
                .chain(self.imports_named(file, "*"))
                .any(|i| i.reexport)
        };
        if symbol.len() > 1 && self.tables[file].is_none() && !reexported() {
            return Resolved::Unresolved;
        }
        self.lookup_symbol(file, symbol, confidence, depth + 1)
    }
}
