//! The pipeline's dependency order: every `crate::x` path in the production code of `src/` (the
//! part of each file before its `#[cfg(test)]` module) is an edge from the file's top-level module
//! to `x`, and every edge must run down [`LAYERS`]. Run with `--nocapture` to see the edges.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Top-level modules, low to high: a module may use the modules of its own layer and of the
/// layers before it. `lib` stands for the crate root (`src/lib.rs` and its items).
const LAYERS: &[&[&str]] = &[
    &["text", "date", "git", "panics", "registry"],
    &["files", "facts"],
    &["lang"],
    &["config"],
    &["index"],
    &["analysis"],
    &["rules"],
    &["diagnostics"],
    &["project"],
    &["report", "remove"],
    &["cli", "init"],
    &["lib"],
];

/// One use of another top-level module.
struct Edge {
    from: String,
    to: String,
    file: String,
    line: usize,
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level module a file under `src/` belongs to (`None` for the binary).
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "main").then(|| name.to_string())
}

/// The production part of a file: its tokens up to a `#[cfg(test)]` attribute at the top level.
fn production_tokens(source: &str) -> Vec<TokenTree> {
    let tokens: Vec<TokenTree> = TokenStream::from_str(source)
        .expect("every source file lexes")
        .into_iter()
        .collect();
    let is_cfg_test = |tree: &TokenTree| match tree {
        TokenTree::Group(group) if group.delimiter() == Delimiter::Bracket => {
            group.stream().to_string().replace(' ', "") == "cfg(test)"
        }
        _ => false,
    };
    let end = tokens
        .windows(2)
        .position(|pair| {
            matches!(&pair[0], TokenTree::Punct(p) if p.as_char() == '#') && is_cfg_test(&pair[1])
        })
        .unwrap_or(tokens.len());
    tokens[..end].to_vec()
}

/// The first segment after every `crate::` in `tokens` (each item of a `crate::{a, b::c}` group),
/// with its line.
fn crate_paths(tokens: &[TokenTree], out: &mut Vec<(String, usize)>) {
    for (i, tree) in tokens.iter().enumerate() {
        if let TokenTree::Group(group) = tree {
            let inner: Vec<TokenTree> = group.stream().into_iter().collect();
            crate_paths(&inner, out);
        }
        let is_crate = matches!(tree, TokenTree::Ident(ident) if ident == "crate");
        let colons = tokens.get(i + 1..i + 3).is_some_and(|pair| {
            pair.iter()
                .all(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ':'))
        });
        if !is_crate || !colons {
            continue;
        }
        match tokens.get(i + 3) {
            Some(TokenTree::Ident(ident)) => {
                out.push((ident.to_string(), ident.span().start().line));
            }
            Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                for item in inner.split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
                {
                    if let Some(TokenTree::Ident(ident)) = item.first() {
                        if ident != "self" {
                            out.push((ident.to_string(), ident.span().start().line));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("src/ is readable").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn edges() -> Vec<Edge> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_of(f.strip_prefix(&src).ok()?))
        .collect();
    // `#[macro_export]` macros live at the crate root but belong to the module defining them.
    let mut exported_macros: BTreeMap<String, String> = BTreeMap::new();
    for path in &files {
        let rel = path.strip_prefix(&src).expect("under src/");
        let (Some(module), Ok(source)) = (module_of(rel), std::fs::read_to_string(path)) else {
            continue;
        };
        let mut after = source.as_str();
        while let Some(at) = after.find("#[macro_export]") {
            after = &after[at + "#[macro_export]".len()..];
            if let Some(name) = after
                .trim_start()
                .strip_prefix("macro_rules!")
                .and_then(|r| {
                    r.trim_start()
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                })
            {
                exported_macros.insert(name.to_string(), module.clone());
            }
        }
    }
    let mut edges = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&src).expect("under src/");
        let Some(from) = module_of(rel) else {
            continue;
        };
        let source = std::fs::read_to_string(path).expect("source files are readable");
        let mut paths = Vec::new();
        crate_paths(&production_tokens(&source), &mut paths);
        for (name, line) in paths {
            // `crate::Item` is an item of the crate root.
            let to = if modules.contains(&name) {
                name
            } else if let Some(module) = exported_macros.get(&name) {
                module.clone()
            } else {
                "lib".to_string()
            };
            if to != from {
                edges.push(Edge {
                    from: from.clone(),
                    to,
                    file: format!("src/{}", rel.display()),
                    line,
                });
            }
        }
    }
    edges
}

/// Each module's dependencies.
fn graph(edges: &[Edge]) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for edge in edges {
        graph.entry(&edge.from).or_default().insert(&edge.to);
    }
    graph
}

#[test]
fn dependencies_run_down_the_pipeline() {
    let edges = edges();
    let graph = graph(&edges);
    for (from, to) in &graph {
        println!(
            "{from} -> {}",
            to.iter().copied().collect::<Vec<_>>().join(" ")
        );
    }
    let mut problems: Vec<String> = Vec::new();
    let mut unplaced: BTreeSet<&str> = BTreeSet::new();
    for edge in &edges {
        match (layer_of(&edge.from), layer_of(&edge.to)) {
            (Some(from), Some(to)) if to > from => problems.push(format!(
                "{}:{}: `{}` uses `{}`, a later stage",
                edge.file, edge.line, edge.from, edge.to
            )),
            (Some(_), Some(_)) => {}
            (from, to) => {
                if from.is_none() {
                    unplaced.insert(&edge.from);
                }
                if to.is_none() {
                    unplaced.insert(&edge.to);
                }
            }
        }
    }
    problems.extend(
        unplaced
            .iter()
            .map(|m| format!("top-level module `{m}` has no place in LAYERS")),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn top_level_modules_have_no_cycle() {
    let edges = edges();
    let graph = graph(&edges);
    // Depth-first search; a module met again while on the stack closes a cycle.
    fn visit<'a>(
        module: &'a str,
        graph: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(at) = stack.iter().position(|m| *m == module) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(module);
            return Some(cycle);
        }
        if !done.insert(module) {
            return None;
        }
        stack.push(module);
        for next in graph.get(module).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = visit(module, &graph, &mut Vec::new(), &mut done) {
            panic!("dependency cycle: {}", cycle.join(" -> "));
        }
    }
}
