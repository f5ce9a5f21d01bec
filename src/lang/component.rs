//! Single-file components: `.svelte` and `.vue`.
//!
//! A component is read as one TypeScript program of the same length as the file: its `<script>`
//! blocks are kept where they are, the expressions of its markup are copied to where they stand
//! (Svelte `{expr}`, `{#if expr}`, `{@html expr}`, `{@const x = expr}`, attribute values
//! `checked={expr}`; Vue `{{ expr }}`, `v-if="expr"`, `:disabled="expr"`, `@click="stmt"`), and
//! everything else becomes blanks (newlines kept, other characters replaced by blanks of the same
//! byte length), so every byte offset, line and column of the program is the file's. Markup
//! expressions become statements (`expr;`, the `;` written over the closing delimiter); Svelte
//! `{#if c}…{:else if d}…{:else}…{/if}` becomes `if(c){…}else if(d){…}else{…}`, so its forks are
//! forks. Syntax errors are reported inside `<script>` blocks only (the glue written over markup
//! is not the user's code); HTML comments `<!-- flaglint: ... -->` are suppression comments.
//! Svelte's `$store` reads the store the file imports or declares as `store`: the `$` is blanked,
//! so `$fModeEnabled` is a use of the imported `fModeEnabled` (located from its `$`), and
//! `$fModeEnabled = x` an assignment, not a use.

use std::collections::VecDeque;
use std::ops::Range;

use super::ExtractOptions;
use crate::facts::FileFacts;

/// Which component dialect a file is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    Svelte,
    Vue,
}

/// Extracts the facts of one component.
pub fn extract(source: &str, dialect: Dialect, options: &ExtractOptions) -> FileFacts {
    let mut program = Program::build(source, dialect);
    let mut prefixes = Vec::new();
    if dialect == Dialect::Svelte {
        // `$store` reads the store `store`: read as `store`, then located from its `$`.
        let text = String::from_utf8_lossy(&program.out);
        prefixes = super::typescript::store_prefixes(&text, program.tsx);
        for &at in &prefixes {
            program.out[at] = b' ';
        }
    }
    let text = match String::from_utf8(program.out) {
        Ok(text) => text,
        // Unreachable: blanks replace whole characters, and kept ranges are whole characters.
        Err(_) => return FileFacts::default(),
    };
    let scripts = program.scripts;
    let mut facts = super::typescript::extract_component(&text, program.tsx, options);
    facts
        .syntax_errors
        .retain(|e| e.whole_file || scripts.iter().any(|r| r.contains(&(e.span.start as usize))));
    let widen = |span: &mut crate::facts::Span| {
        let start = span.start as usize;
        if start > 0 && prefixes.binary_search(&(start - 1)).is_ok() {
            span.start -= 1;
            span.column -= 1;
        }
    };
    facts.checks.iter_mut().for_each(|c| widen(&mut c.span));
    facts
        .symbol_uses
        .iter_mut()
        .for_each(|u| widen(&mut u.span));
    facts.forks.iter_mut().for_each(|f| widen(&mut f.span));
    if let Some(parsed) = facts.comments.as_mut() {
        parsed.ranges.extend(program.comments);
        parsed.ranges.sort_by_key(|r| (r.start, r.end));
    }
    facts
}

/// What a Svelte block opened: `{#if}` blocks take `{:else}` as `else`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    If,
    Other,
}

/// The program being built.
struct Program<'s> {
    source: &'s str,
    out: Vec<u8>,
    /// The byte ranges of `<script>` contents.
    scripts: Vec<Range<usize>>,
    /// HTML comments holding the flaglint marker.
    comments: Vec<Range<usize>>,
    /// Read with the TSX grammar (JavaScript, or `lang="tsx"`/`"jsx"`).
    tsx: bool,
    /// Glue characters waiting for the next free blank.
    pending: VecDeque<u8>,
    blocks: Vec<Block>,
    /// The bytes already copied or written.
    used: Vec<bool>,
    /// A Svelte branch was opened and nothing in it was seen yet: its first markup becomes the
    /// statement `0;`, so that a branch holding markup holds code.
    branch_opened: bool,
}

impl<'s> Program<'s> {
    fn build(source: &'s str, dialect: Dialect) -> Program<'s> {
        let mut program = Program {
            source,
            out: blank(source),
            scripts: Vec::new(),
            comments: Vec::new(),
            tsx: true,
            pending: VecDeque::new(),
            blocks: Vec::new(),
            used: vec![false; source.len()],
            branch_opened: false,
        };
        let mut typescript = false;
        let mut jsx = false;
        let bytes = source.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            if rest.starts_with(b"<!--") {
                let end = find(bytes, i + 4, b"-->").map_or(bytes.len(), |at| at + 3);
                if source[i..end].contains(crate::facts::COMMENT_MARKER) {
                    program.comments.push(i..end);
                }
                i = end;
            } else if starts_tag(rest, b"<script") {
                let Some(open_end) = tag_end(bytes, i) else {
                    break;
                };
                let attributes = &source[i + 7..open_end];
                let close = find_ci(bytes, open_end + 1, b"</script").unwrap_or(bytes.len());
                if is_code_script(attributes) {
                    let lang = attribute(attributes, "lang").unwrap_or("");
                    typescript |= lang.starts_with("ts");
                    jsx |= lang.ends_with("sx");
                    program.flush(i..open_end + 1);
                    program.copy(open_end + 1..close);
                    program.scripts.push(open_end + 1..close);
                }
                i = find(bytes, close, b">").map_or(bytes.len(), |at| at + 1);
            } else if starts_tag(rest, b"<style") {
                let close = find_ci(bytes, i, b"</style").unwrap_or(bytes.len());
                i = find(bytes, close, b">").map_or(bytes.len(), |at| at + 1);
            } else if dialect == Dialect::Svelte && rest[0] == b'{' {
                i = program.svelte_tag(i);
            } else if dialect == Dialect::Vue && rest.starts_with(b"{{") {
                i = program.vue_interpolation(i);
            } else if dialect == Dialect::Vue && rest[0] == b'<' && rest.len() > 1 {
                i = program.vue_tag(i);
            } else {
                if program.branch_opened && !rest[0].is_ascii_whitespace() {
                    program.branch_opened = false;
                    program.pending.extend(b"0;");
                }
                program.flush(i..i + 1);
                i += 1;
            }
        }
        program.tsx = jsx || !typescript;
        program
    }

    /// Copies `range` of the source unchanged.
    fn copy(&mut self, range: Range<usize>) {
        self.out[range.clone()].copy_from_slice(&self.source.as_bytes()[range.clone()]);
        self.used[range].fill(true);
    }

    /// Writes pending glue, then `glue`, into the free blanks of `area` (left to right).
    fn emit(&mut self, area: Range<usize>, glue: &[u8]) {
        self.pending.extend(glue);
        self.flush(area);
    }

    /// Writes pending glue into the free blanks of `area`.
    fn flush(&mut self, area: Range<usize>) {
        for at in area {
            if self.pending.is_empty() {
                return;
            }
            let byte = self.source.as_bytes()[at];
            if !self.used[at] && byte.is_ascii() && !matches!(byte, b'\n' | b'\r') {
                if let Some(glue) = self.pending.pop_front() {
                    self.put(at, glue);
                }
            }
        }
    }

    /// Writes one glue byte.
    fn put(&mut self, at: usize, glue: u8) {
        self.out[at] = glue;
        self.used[at] = true;
    }

    /// An expression statement: `range` copied, `;` written at `close` (its closing delimiter),
    /// pending glue written into `before`.
    fn statement(&mut self, before: Range<usize>, range: Range<usize>, close: usize) {
        let range = trim(self.source, range);
        self.flush(before);
        let text = &self.source[range.clone()];
        if text.is_empty() {
            return;
        }
        self.copy(range.clone());
        // `{...rest}` spreads the object's properties: read the object.
        if text.starts_with("...") {
            self.out[range.start..range.start + 3].copy_from_slice(b"   ");
        } else if text.starts_with('{') {
            // An object literal would read as a block: wrap it, `(` over the blank before it.
            let before = range.start.checked_sub(1);
            if let Some(before) = before.filter(|&b| !self.used[b] && self.out[b] == b' ') {
                self.put(before, b'(');
                self.put(close, b')');
                self.pending.push_back(b';');
                return;
            }
        }
        self.put(close, b';');
    }

    /// One Svelte `{...}` tag at `start`; returns where scanning resumes.
    fn svelte_tag(&mut self, start: usize) -> usize {
        let Some(close) = expression_end(self.source.as_bytes(), start + 1, b"}") else {
            return start + 1;
        };
        let inner = &self.source[start + 1..close];
        let word_end = |prefix: &str| start + 1 + prefix.len();
        let next = close + 1;
        self.branch_opened = inner.starts_with("#if") || inner.starts_with(":else");
        if let Some(rest) = inner.strip_prefix("#if") {
            let at = word_end("#if");
            if rest.starts_with(char::is_whitespace) {
                self.emit(start..at + 1, b"if(");
                self.copy(trim(self.source, at..close));
                self.put(close, b')');
                self.pending.push_back(b'{');
                self.blocks.push(Block::If);
            }
        } else if let Some(rest) = inner.strip_prefix(":else") {
            let else_if = rest.trim_start().strip_prefix("if");
            match (else_if, self.blocks.last()) {
                (Some(cond), Some(Block::If)) if cond.starts_with(char::is_whitespace) => {
                    let at = close - cond.len();
                    self.emit(start..at, b"}else if(");
                    self.copy(trim(self.source, at..close));
                    self.put(close, b')');
                    self.pending.push_back(b'{');
                }
                (_, Some(Block::If)) => self.emit(start..next, b"}else{"),
                _ => self.emit(start..next, b"}{"),
            }
        } else if inner.starts_with(':') {
            self.emit(start..next, b"}{");
        } else if inner.starts_with('/') {
            if self.blocks.pop().is_some() {
                self.emit(start..next, b"}");
            }
        } else if let Some(rest) = inner.strip_prefix('#') {
            let word = rest
                .split(|c: char| !c.is_ascii_alphabetic())
                .next()
                .unwrap_or("");
            let at = word_end(&format!("#{word}"));
            // `{#each items as item}`, `{#await p then v}`, `{#key k}`: the expression, then a block.
            let end = match word {
                "each" => inner.rfind(" as ").map(|p| start + 1 + p),
                "await" => Some(
                    [" then ", " catch "]
                        .iter()
                        .filter_map(|w| inner.find(w))
                        .min()
                        .map_or(close, |p| start + 1 + p),
                ),
                "key" => Some(close),
                _ => None,
            };
            if let Some(end) = end.filter(|&end| end > at) {
                let range = trim(self.source, at..end);
                self.flush(start..at);
                self.copy(range.clone());
                self.put(range.end, b';');
                self.emit(range.end + 1..next, b"{");
            } else {
                self.emit(start..next, b"{");
            }
            self.blocks.push(Block::Other);
        } else if let Some(rest) = inner.strip_prefix("@const") {
            if rest.starts_with(char::is_whitespace) {
                self.flush(start..start + 2);
                self.copy(start + 2..close);
                self.put(close, b';');
            }
        } else if let Some(word) = ["@html", "@render"]
            .into_iter()
            .find(|w| inner.starts_with(w))
        {
            self.statement(start..word_end(word), word_end(word)..close, close);
        } else if !inner.starts_with('@') {
            self.statement(start..start + 1, start + 1..close, close);
        }
        next
    }

    /// A Vue `{{ expr }}` at `start`.
    fn vue_interpolation(&mut self, start: usize) -> usize {
        let Some(close) = expression_end(self.source.as_bytes(), start + 2, b"}}") else {
            return start + 2;
        };
        self.statement(start..start + 2, start + 2..close, close);
        close + 2
    }

    /// A Vue tag at `start` (`<` seen): its directive values are expressions.
    fn vue_tag(&mut self, start: usize) -> usize {
        let bytes = self.source.as_bytes();
        if !bytes[start + 1].is_ascii_alphabetic() {
            return start + 1;
        }
        let mut i = start + 1;
        let mut name_start = None;
        while i < bytes.len() {
            match bytes[i] {
                b'>' => return i + 1,
                b'=' => {
                    let name = name_start.map_or("", |n| self.source[n..i].trim());
                    let mut q = i + 1;
                    while q < bytes.len() && bytes[q].is_ascii_whitespace() {
                        q += 1;
                    }
                    let Some(&quote) = bytes.get(q).filter(|b| matches!(b, b'"' | b'\'')) else {
                        name_start = None;
                        i += 1;
                        continue;
                    };
                    let end = find(bytes, q + 1, &[quote]).unwrap_or(bytes.len());
                    if end < bytes.len() {
                        self.vue_directive(name, name_start.unwrap_or(i)..q + 1, q + 1..end);
                    }
                    name_start = None;
                    i = end + 1;
                }
                b if b.is_ascii_whitespace() || b == b'/' => {
                    name_start = None;
                    i += 1;
                }
                _ => {
                    name_start.get_or_insert(i);
                    i += 1;
                }
            }
        }
        i
    }

    /// A Vue attribute `name="value"`: directive values are expressions (`v-for` its iterable).
    fn vue_directive(&mut self, name: &str, before: Range<usize>, value: Range<usize>) {
        let expression = name.starts_with(':')
            || name.starts_with('@')
            || name.starts_with("v-bind:")
            || name.starts_with("v-on:")
            || matches!(
                name.split([':', '.']).next().unwrap_or(""),
                "v-if" | "v-else-if" | "v-show" | "v-html" | "v-text" | "v-model"
            );
        let close = value.end;
        if name == "v-for" {
            let text = &self.source[value.clone()];
            if let Some(p) = text.find(" in ").or_else(|| text.find(" of ")) {
                self.statement(before, value.start + p + 4..close, close);
            }
        } else if expression {
            self.statement(before, value, close);
        }
    }
}

/// The source with every character but line breaks replaced by blanks of its byte length
/// (`U+00A0` for two bytes, `U+2002` for three, two `U+00A0` for four): whitespace to the
/// TypeScript grammar, one character each where the length allows.
fn blank(source: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(source.len());
    for c in source.chars() {
        match c.len_utf8() {
            1 if matches!(c, '\n' | '\r') => out.push(c as u8),
            1 => out.push(b' '),
            2 => out.extend_from_slice("\u{a0}".as_bytes()),
            3 => out.extend_from_slice("\u{2002}".as_bytes()),
            _ => out.extend_from_slice("\u{a0}\u{a0}".as_bytes()),
        }
    }
    out
}

/// `range` without the blanks at its ends.
fn trim(source: &str, range: Range<usize>) -> Range<usize> {
    let text = &source[range.clone()];
    let start = range.start + (text.len() - text.trim_start().len());
    let end = range.end - (text.len() - text.trim_end().len());
    start..end.max(start)
}

/// The first occurrence of `needle` at or after `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    (from..bytes.len()).find(|&at| bytes[at..].starts_with(needle))
}

/// [`find`], ignoring ASCII case.
fn find_ci(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    (from..bytes.len().saturating_sub(needle.len() - 1))
        .find(|&at| bytes[at..at + needle.len()].eq_ignore_ascii_case(needle))
}

/// Whether `rest` opens the tag `tag` (`<script` followed by a blank, `>` or `/`).
fn starts_tag(rest: &[u8], tag: &[u8]) -> bool {
    rest.len() > tag.len()
        && rest[..tag.len()].eq_ignore_ascii_case(tag)
        && matches!(rest[tag.len()], b' ' | b'\t' | b'\n' | b'\r' | b'>' | b'/')
}

/// The index of the `>` closing the tag opened at `start` (quoted values skipped).
fn tag_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => return Some(i),
            quote @ (b'"' | b'\'') => i = find(bytes, i + 1, &[quote])? + 1,
            _ => i += 1,
        }
    }
    None
}

/// The value of attribute `name` in a tag's attribute text.
fn attribute<'a>(attributes: &'a str, name: &str) -> Option<&'a str> {
    let at = attributes.find(&format!("{name}="))?;
    let value = &attributes[at + name.len() + 1..];
    let quote = value.chars().next()?;
    if matches!(quote, '"' | '\'') {
        value[1..].split(quote).next()
    } else {
        value.split([' ', '>']).next()
    }
}

/// A `<script>` holding code: no `src`, and no `type` other than JavaScript or a module.
fn is_code_script(attributes: &str) -> bool {
    if attribute(attributes, "src").is_some() {
        return false;
    }
    attribute(attributes, "type").is_none_or(|t| {
        matches!(
            t,
            "module" | "text/javascript" | "application/javascript" | "text/typescript"
        )
    })
}

/// The index of the `close` delimiter ending an expression that starts at `from`: brackets are
/// balanced and strings and template literals skipped.
fn expression_end(bytes: &[u8], from: usize, close: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = from;
    while i < bytes.len() {
        let byte = bytes[i];
        if depth == 0 && bytes[i..].starts_with(close) {
            return Some(i);
        }
        match byte {
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => depth = depth.checked_sub(1)?,
            b'"' | b'\'' | b'`' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != byte {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(source: &str, dialect: Dialect) -> String {
        let program = Program::build(source, dialect);
        String::from_utf8(program.out).unwrap()
    }

    #[test]
    fn svelte_scripts_and_markup_keep_their_offsets() {
        let source = "<script lang=\"ts\">\n\tconst a = 1;\n</script>\n\n{#if flag}\n\t<p>{x.y}</p>\n{:else if other}\n\t<b>é</b>\n{:else}\n\tno\n{/if}\n<input checked={$s?.f.g} />\n";
        let out = program(source, Dialect::Svelte);
        assert_eq!(out.len(), source.len());
        assert_eq!(
            out.lines().map(str::trim_end).collect::<Vec<_>>(),
            [
                "",
                "\tconst a = 1;",
                "",
                "",
                "if(  flag)",
                "{0;  x.y;",
                "}else if( other)",
                "{0;",
                "}else{",
                " 0;",
                "}",
                "                $s?.f.g;",
            ]
        );
        assert!(!Program::build(source, Dialect::Svelte).tsx);
    }

    #[test]
    fn vue_directives_and_interpolations_are_statements() {
        let source = "<template>\n  <div v-if=\"flags.x\" :title='t(\"a\")' class=\"c\">{{ flags.y }}</div>\n  <li v-for=\"i in items\">{{ i }}</li>\n</template>\n<script setup>\nconst flags = useFlags()\n</script>\n<style>.c { color: red }</style>\n";
        let out = program(source, Dialect::Vue);
        assert_eq!(out.len(), source.len());
        let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
        assert_eq!(
            lines[1],
            "             flags.x;         t(\"a\");              flags.y ;"
        );
        assert_eq!(lines[2], "                  items;    i ;");
        assert_eq!(lines[5], "const flags = useFlags()");
        assert_eq!(lines[7], "");
    }

    fn extracted(source: &str, dialect: Dialect) -> FileFacts {
        let spec = crate::lang::CheckSpec {
            call: vec!["featureFlags".to_string()],
            shape: crate::lang::Shape::Property,
            ..crate::lang::CheckSpec::default()
        };
        crate::lang::test_extract_specs(
            crate::lang::Grammar::Component(dialect),
            crate::lang::Language::TypeScript,
            vec![spec],
            &[],
            source,
        )
    }

    fn checks(facts: &FileFacts) -> Vec<(String, u32, u32)> {
        facts
            .checks
            .iter()
            .map(|c| match &c.key {
                crate::facts::KeyExpr::Literal(k) => (k.clone(), c.span.line, c.span.column),
                other => (format!("{other:?}"), c.span.line, c.span.column),
            })
            .collect()
    }

    #[test]
    fn svelte_checks_forks_and_comments_are_located_in_the_file() {
        let source = "<script lang=\"ts\">\n\timport { settingsStore } from \"$lib/s\";\n\tconst single = $derived($settingsStore?.featureFlags.singleBranch ?? false);\n</script>\n\n<!-- flaglint: ignore -->\n{#if !$settingsStore?.featureFlags.worktrees}\n\t<p>é {x}</p>\n{:else}\n\t<Toggle checked={$settingsStore?.featureFlags.singleBranch} />\n{/if}\n{#each items as item (item.id)}{item}{/each}\n";
        let facts = extracted(source, Dialect::Svelte);
        assert_eq!(
            checks(&facts),
            [
                ("singleBranch".to_string(), 3, 26),
                ("worktrees".to_string(), 7, 7),
                ("singleBranch".to_string(), 10, 19),
            ]
        );
        assert!(facts.syntax_errors.is_empty(), "{:?}", facts.syntax_errors);
        assert_eq!(facts.forks.len(), 1);
        assert!(facts.forks[0].negated && facts.forks[0].has_else);
        let comments = facts.comments.unwrap();
        assert_eq!(comments.ranges.len(), 1);
        assert!(source[comments.ranges[0].clone()].starts_with("<!-- flaglint"));
    }

    #[test]
    fn script_syntax_errors_are_reported_and_markup_glue_errors_are_not() {
        let source = "<script>\nconst a = ;\n</script>\n{#await p then v}{v}{/await}\n";
        let facts = extracted(source, Dialect::Svelte);
        assert_eq!(facts.syntax_errors.len(), 1);
        assert_eq!(facts.syntax_errors[0].span.line, 2);
    }

    #[test]
    fn vue_checks_are_located_in_the_file() {
        let source = "<template>\n  <div v-if=\"store.featureFlags.a\">{{ store.featureFlags.b }}</div>\n</template>\n<script setup lang=\"ts\">\nconst store = useStore()\n</script>\n";
        let facts = extracted(source, Dialect::Vue);
        assert_eq!(
            checks(&facts),
            [("a".to_string(), 2, 14), ("b".to_string(), 2, 39)]
        );
    }

    #[test]
    fn svelte_store_reads_are_uses_of_the_store() {
        let source = "<script>\n\timport { fMode } from \"$lib/flags\";\n\tlet state = $state(0);\n</script>\n<input checked={$fMode} onclick={() => ($fMode = !$fMode)} />\n";
        let facts = crate::lang::test_extract(
            crate::lang::Grammar::Component(Dialect::Svelte),
            crate::lang::Language::TypeScript,
            &[],
            &["fMode"],
            source,
        );
        let uses: Vec<(u32, u32)> = facts
            .symbol_uses
            .iter()
            .filter(|u| u.path == ["fMode"])
            .map(|u| (u.span.line, u.span.column))
            .collect();
        assert_eq!(uses, [(5, 17), (5, 51)]);
    }
}
