//! Comments that speak to flaglint, found per file: suppressions (`flaglint: ignore[rule-id, ...]`
//! on a line or the line above, `flaglint: ignore-file[rule-id, ...]` in a comment before the
//! first statement of a file) and definition metadata (`flaglint: type=... owner=...`).
//!
//! Comments are taken from the parse tree where the parser keeps them (Python and TypeScript with
//! tree-sitter), and found by a small per-language line lexer elsewhere (Rust, templates, YAML, and
//! files that could not be parsed): strings and block comments are tracked, so a `flaglint:`
//! inside a string literal is not a suppression.

use crate::facts::{
    line_starts, LineIndex, ParsedComments, Suppression, SuppressionScope as Scope,
    COMMENT_MARKER as MARKER,
};
use crate::lang::Language;

/// Finds the suppression comments of a file.
pub fn suppressions(
    source: &str,
    language: Language,
    parsed: Option<&ParsedComments>,
) -> Vec<Suppression> {
    let index = LineIndex::new(source);
    let mut found = Vec::new();
    for_each_marker(source, language, parsed, |marker| {
        let Some((kind, rules, len)) = parse(marker.text) else {
            return;
        };
        let scope = match kind {
            Kind::Line => Scope::Line(marker.line),
            // A file-level suppression after the first statement is not honoured: it is
            // reported as unused, which tells the user to move it.
            Kind::File if marker.before_first_statement => Scope::File,
            Kind::File => Scope::Line(0),
        };
        found.push(Suppression {
            scope,
            rules,
            span: index.span(marker.start, marker.start + MARKER.len() + len),
        });
    });
    found
}

/// Flag metadata in comments: `flaglint: type=release owner=@billing remove-by=2026-03-01`, as
/// (the 1-based line it describes, fields in order). A comment after code describes its own line;
/// a comment alone on its line describes the next one.
pub fn annotations(
    source: &str,
    language: Language,
    parsed: Option<&ParsedComments>,
) -> Vec<(u32, Vec<(String, String)>)> {
    let mut found = Vec::new();
    for_each_marker(source, language, parsed, |marker| {
        if parse(marker.text).is_some() {
            return;
        }
        let fields: Vec<(String, String)> = marker
            .text
            .split_whitespace()
            .map_while(|word| word.split_once('='))
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .map(|(k, v)| (k.to_string(), v.trim_end_matches(['*', '/']).to_string()))
            .collect();
        if !fields.is_empty() {
            let line = if marker.alone {
                marker.line + 1
            } else {
                marker.line
            };
            found.push((line, fields));
        }
    });
    found
}

/// A `flaglint:` marker in a comment.
struct Marker<'a> {
    /// 1-based line.
    line: u32,
    /// Byte offset of the marker in the file.
    start: usize,
    /// What follows the marker, to the end of the comment.
    text: &'a str,
    /// No code precedes the comment's line.
    before_first_statement: bool,
    /// Nothing but blanks precedes the comment on its line.
    alone: bool,
}

/// Calls `visit` for each `flaglint:` marker inside a comment (not inside a string), in source
/// order: the comments the parser found, or else those a line lexer finds.
fn for_each_marker<'a>(
    source: &'a str,
    language: Language,
    parsed: Option<&ParsedComments>,
    mut visit: impl FnMut(Marker<'a>),
) {
    if !source.contains(MARKER) {
        return;
    }
    match parsed {
        Some(parsed) => for_each_parsed_marker(source, parsed, visit),
        None => {
            let mut lexer = CommentLexer::new(language);
            let mut before_first_statement = true;
            let mut offset = 0;
            for (index, line) in source.split_inclusive('\n').enumerate() {
                for range in lexer.comments(line) {
                    let place = LinePlace {
                        index,
                        offset,
                        before_first_statement,
                    };
                    visit_marker(line, place, range, &mut visit);
                }
                let shebang = index == 0 && line.starts_with("#!");
                if lexer.line_has_code && !shebang {
                    before_first_statement = false;
                }
                offset += line.len();
            }
        }
    }
}

/// [`for_each_marker`] over the comments of a parse tree, cut at line ends as the lexer cuts them:
/// a line comment to the end of its line, a block comment between its delimiters, line by line.
fn for_each_parsed_marker<'a>(
    source: &'a str,
    parsed: &ParsedComments,
    mut visit: impl FnMut(Marker<'a>),
) {
    let starts = line_starts(source);
    let line_of = |offset: usize| {
        starts
            .partition_point(|&start| start as usize <= offset)
            .saturating_sub(1)
    };
    let first_statement_line = parsed.first_statement.map(line_of);
    for range in &parsed.ranges {
        let Some(text) = source.get(range.clone()) else {
            continue;
        };
        let block = text.len() >= 4 && text.starts_with("/*") && text.ends_with("*/");
        let body = if block {
            range.start + 2..range.end - 2
        } else {
            range.clone()
        };
        let mut index = line_of(range.start);
        loop {
            let offset = starts[index] as usize;
            let end = starts.get(index + 1).map_or(source.len(), |&s| s as usize);
            let line = &source[offset..end];
            let piece_end = if block {
                body.end.min(end) - offset
            } else {
                line.trim_end().len()
            };
            let place = LinePlace {
                index,
                offset,
                before_first_statement: first_statement_line.is_none_or(|first| index <= first),
            };
            visit_marker(
                line,
                place,
                body.start.max(offset) - offset..piece_end,
                &mut visit,
            );
            if body.end <= end {
                break;
            }
            index += 1;
        }
    }
}

/// Where a line is: its 0-based index, its byte offset, and whether no code precedes it.
struct LinePlace {
    index: usize,
    offset: usize,
    before_first_statement: bool,
}

/// Visits the marker of the comment at `range` of `line`, if it holds one.
fn visit_marker<'a>(
    line: &'a str,
    place: LinePlace,
    range: std::ops::Range<usize>,
    visit: &mut impl FnMut(Marker<'a>),
) {
    let comment = &line[range.clone()];
    let Some(at) = comment.find(MARKER) else {
        return;
    };
    visit(Marker {
        line: place.index as u32 + 1,
        start: place.offset + range.start + at,
        text: &comment[at + MARKER.len()..],
        before_first_statement: place.before_first_statement,
        alone: range.start <= comment_lead(line),
    });
}

/// The length of a line's lead before any comment text: blanks, comment openers (`//`, `/*`,
/// `#`, `{#`, `<!--`), blanks. A comment starting within it is alone on its line.
fn comment_lead(line: &str) -> usize {
    let blanks = |text: &str| text.len() - text.trim_start().len();
    let mut lead = blanks(line);
    let rest = &line[lead..];
    lead += rest.len()
        - rest
            .trim_start_matches(['/', '*', '#', '{', '<', '!', '-'])
            .len();
    lead + blanks(&line[lead..])
}

enum Kind {
    Line,
    File,
}

/// Parses what follows `flaglint:`: `ignore[a, b]` or `ignore-file[a]`; the length consumed.
/// Anything else after the marker (e.g. flag metadata) is not a suppression.
fn parse(text: &str) -> Option<(Kind, Vec<String>, usize)> {
    let trimmed = text.trim_start();
    let lead = text.len() - trimmed.len();
    let (kind, rest) = if let Some(rest) = trimmed.strip_prefix("ignore-file") {
        (Kind::File, rest)
    } else if let Some(rest) = trimmed.strip_prefix("ignore") {
        (Kind::Line, rest)
    } else {
        return None;
    };
    if rest.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    let used = lead + (trimmed.len() - rest.len());
    let Some(list) = rest.strip_prefix('[') else {
        return Some((kind, Vec::new(), used));
    };
    let Some(close) = list.find(']') else {
        return Some((kind, Vec::new(), used));
    };
    let rules = list[..close]
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect();
    Some((kind, rules, used + close + 2))
}

/// Tracks strings and block comments across lines, and yields the comment ranges of each line.
struct CommentLexer {
    language: Language,
    in_block_comment: bool,
    /// Python triple-quoted string delimiter, when inside one.
    in_long_string: Option<&'static str>,
    /// Whether the last line had anything outside comments and blanks.
    line_has_code: bool,
}

impl CommentLexer {
    fn new(language: Language) -> Self {
        CommentLexer {
            language,
            in_block_comment: false,
            in_long_string: None,
            line_has_code: false,
        }
    }

    fn comments(&mut self, line: &str) -> Vec<std::ops::Range<usize>> {
        let bytes = line.as_bytes();
        let mut out = Vec::new();
        let mut code = false;
        let mut i = 0;
        // YAML comments are `#` comments too.
        let python = matches!(self.language, Language::Python | Language::Yaml);
        let template = self.language == Language::Template;
        let (block_open, block_close) = if template { ("{#", "#}") } else { ("/*", "*/") };
        while i < bytes.len() {
            if self.in_block_comment {
                let start = i;
                match line[i..].find(block_close) {
                    Some(end) => {
                        out.push(start..i + end);
                        i += end + 2;
                        self.in_block_comment = false;
                    }
                    None => {
                        out.push(start..line.len());
                        i = bytes.len();
                    }
                }
                continue;
            }
            if let Some(delimiter) = self.in_long_string {
                code = true;
                match line[i..].find(delimiter) {
                    Some(end) => {
                        i += end + 3;
                        self.in_long_string = None;
                    }
                    None => i = bytes.len(),
                }
                continue;
            }
            let rest = &line[i..];
            if template {
                // Templates: only `{# ... #}` comments; quotes in markup are not strings.
                if rest.starts_with(block_open) {
                    self.in_block_comment = true;
                    i += 2;
                } else {
                    code |= !bytes[i].is_ascii_whitespace();
                    i += rest.chars().next().map_or(1, char::len_utf8);
                }
                continue;
            }
            match bytes[i] {
                b'#' if python => {
                    out.push(i..line.trim_end().len().max(i));
                    break;
                }
                b'/' if !python && rest.starts_with("//") => {
                    out.push(i..line.trim_end().len().max(i));
                    break;
                }
                b'/' if !python && rest.starts_with("/*") => {
                    self.in_block_comment = true;
                    i += 2;
                }
                b'"' | b'\''
                    if python && (rest.starts_with("\"\"\"") || rest.starts_with("'''")) =>
                {
                    code = true;
                    let delimiter = if bytes[i] == b'"' { "\"\"\"" } else { "'''" };
                    self.in_long_string = Some(delimiter);
                    i += 3;
                }
                quote @ (b'"' | b'\'' | b'`') => {
                    code = true;
                    // Rust `'` is also a lifetime or char: a char literal closes within 4 bytes.
                    if quote == b'\'' && self.language == Language::Rust {
                        i += 1;
                        continue;
                    }
                    if quote == b'`' && python {
                        i += 1;
                        continue;
                    }
                    i = skip_string(bytes, i + 1, quote);
                }
                b if b.is_ascii_whitespace() => i += 1,
                _ => {
                    code = true;
                    // Identifiers and text may be non-ASCII: step over whole characters.
                    i += rest.chars().next().map_or(1, char::len_utf8);
                }
            }
        }
        self.line_has_code = code;
        out
    }
}

/// The index after a string closed by `quote` that starts at `i` (or the line end).
fn skip_string(bytes: &[u8], mut i: usize, quote: u8) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{test_extract, Grammar};

    /// The comments the parser keeps, for the languages whose parser keeps them (TypeScript read
    /// as TSX where it holds JSX).
    fn parsed(source: &str, language: Language) -> Option<ParsedComments> {
        let grammars: &[Grammar] = match language {
            Language::Python => &[Grammar::Python],
            Language::TypeScript => &[Grammar::TypeScript, Grammar::Tsx],
            _ => &[],
        };
        grammars
            .iter()
            .find_map(|&grammar| test_extract(grammar, language, &[], &[], source).comments)
    }

    /// What `find` reads from the comments the lexer finds, which must be what it reads from
    /// those of the parse tree.
    fn lexed_and_parsed<T: PartialEq + std::fmt::Debug>(
        source: &str,
        language: Language,
        find: impl Fn(Option<&ParsedComments>) -> T,
    ) -> T {
        let lexed = find(None);
        if let Some(parsed) = parsed(source, language) {
            assert_eq!(find(Some(&parsed)), lexed, "{source}");
        }
        lexed
    }

    fn suppressions_of(source: &str, language: Language) -> Vec<Suppression> {
        lexed_and_parsed(source, language, |p| suppressions(source, language, p))
    }

    fn annotations_of(source: &str, language: Language) -> Vec<(u32, Vec<(String, String)>)> {
        lexed_and_parsed(source, language, |p| annotations(source, language, p))
    }

    #[test]
    fn metadata_annotations_describe_their_line_or_the_next() {
        let source = "# flaglint: type=release owner=@billing\nA = \"a\"\nB = \"b\"  # flaglint: type=ops remove-by=2026-03-01\nC = \"c\"\n# flaglint: ignore[unused-flag]\nD = 1\ns = \"# flaglint: type=x\"\n";
        let fields = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            annotations_of(source, Language::Python),
            vec![
                (2, fields(&[("type", "release"), ("owner", "@billing")])),
                (3, fields(&[("type", "ops"), ("remove-by", "2026-03-01")])),
            ]
        );
        let ts = "export enum F {\n  A = 'a', // flaglint: type=experiment\n  /* flaglint: owner=@web */\n  B = 'b',\n}\n";
        assert_eq!(
            annotations_of(ts, Language::TypeScript),
            vec![
                (2, fields(&[("type", "experiment")])),
                (4, fields(&[("owner", "@web")])),
            ]
        );
    }

    fn rules_at(source: &str, language: Language) -> Vec<(Scope, Vec<String>)> {
        suppressions_of(source, language)
            .into_iter()
            .map(|s| (s.scope, s.rules))
            .collect()
    }

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn python_line_and_file_suppressions() {
        let source = "#!/usr/bin/env python\n# flaglint: ignore-file[unused-flag]\nX = 1  # flaglint: ignore[undefined-flag, literal-flag-key]\n# flaglint: ignore\ns = \"# flaglint: ignore[undefined-flag]\"\n";
        assert_eq!(
            rules_at(source, Language::Python),
            [
                (Scope::File, ids(&["unused-flag"])),
                (Scope::Line(3), ids(&["undefined-flag", "literal-flag-key"])),
                (Scope::Line(4), ids(&[])),
            ]
        );
    }

    #[test]
    fn file_suppression_after_code_is_not_file_level() {
        let source = "import os\n# flaglint: ignore-file[unused-flag]\n";
        assert_eq!(
            rules_at(source, Language::Python),
            [(Scope::Line(0), ids(&["unused-flag"]))]
        );
        // Docstrings are statements too.
        let source = "\"\"\"Doc.\n\"\"\"\n# flaglint: ignore-file[unused-flag]\n";
        assert_eq!(rules_at(source, Language::Python)[0].0, Scope::Line(0));
    }

    #[test]
    fn typescript_and_rust_comments() {
        let source = "// flaglint: ignore-file[missing-backend-flag]\n/* header\n * flaglint: ignore[nested-fork]\n */\nconst a = '// flaglint: ignore[x]'; /* flaglint: ignore[compound-fork] */\nconst t = `flaglint: ignore[y]`;\n";
        assert_eq!(
            rules_at(source, Language::TypeScript),
            [
                (Scope::File, ids(&["missing-backend-flag"])),
                (Scope::Line(3), ids(&["nested-fork"])),
                (Scope::Line(5), ids(&["compound-fork"])),
            ]
        );
        let source = "fn f<'a>(x: &'a str) { g(\"flaglint: ignore[a]\"); } // flaglint: ignore[negated-fork]\n";
        assert_eq!(
            rules_at(source, Language::Rust),
            [(Scope::Line(1), ids(&["negated-fork"]))]
        );
    }

    #[test]
    fn template_comments() {
        let source = "{# flaglint: ignore-file[undefined-flag] #}\n<p>don't</p>{# flaglint: ignore[literal-flag-key] #}\n{% flag \"x\" %}\n";
        assert_eq!(
            rules_at(source, Language::Template),
            [
                (Scope::File, ids(&["undefined-flag"])),
                (Scope::Line(2), ids(&["literal-flag-key"])),
            ]
        );
    }

    #[test]
    fn metadata_comments_are_not_suppressions() {
        let source = "X = \"x\"  # flaglint: type=release owner=@billing\nY = 1  # flaglint: ignored-thing\n";
        assert!(suppressions_of(source, Language::Python).is_empty());
    }

    #[test]
    fn suppression_span_covers_the_directive() {
        let source = "x = 1  # flaglint: ignore[unused-flag] because reasons\n";
        let found = suppressions_of(source, Language::Python);
        let span = found[0].span;
        assert_eq!(
            &source[span.start as usize..span.end as usize],
            "flaglint: ignore[unused-flag]"
        );
    }

    #[test]
    fn non_ascii_text_outside_strings_is_stepped_over() {
        let cases = [
            (
                "café = 1  # flaglint: ignore[unused-flag]\n",
                Language::Python,
            ),
            (
                "const x = <p>Café ünïcode 😀</p>; // flaglint: ignore[unused-flag]\n",
                Language::TypeScript,
            ),
            (
                "let café = 'é'; /* é */ // flaglint: ignore[unused-flag]\n",
                Language::Rust,
            ),
            (
                "{# é #} Café {# flaglint: ignore[unused-flag] #}\n",
                Language::Template,
            ),
            (
                "x = \"\\é\" é # flaglint: ignore[unused-flag]\n",
                Language::Python,
            ),
        ];
        for (source, language) in cases {
            let found = suppressions_of(source, language);
            assert_eq!(found.len(), 1, "{source}");
            assert_eq!(found[0].rules, ids(&["unused-flag"]), "{source}");
        }
    }

    #[test]
    fn a_comment_is_alone_after_blanks_and_openers_only() {
        let old = |prefix: &str| {
            prefix
                .trim()
                .trim_start_matches(['/', '*', '#', '{', '<', '!', '-'])
                .is_empty()
        };
        let line = "  x = 1  // a // b";
        for prefix in [
            "", "  ", "// ", "  /* ", "<!-- ", "{# ", "# ", "x // ", "/ x ", "/ / ",
        ] {
            let line = format!("{prefix}flaglint: type=ops");
            assert_eq!(
                prefix.len() <= comment_lead(&line),
                old(prefix),
                "{prefix:?}"
            );
        }
        assert_eq!(comment_lead(line), 2);
    }

    #[test]
    fn parse_tree_comments_match_the_lexer() {
        let cases = [
            (Language::Python, "#!/usr/bin/env python\n# flaglint: ignore-file[unused-flag]\n\"\"\"Doc # flaglint: ignore[a]\"\"\"\nx = 1  # flaglint: ignore[dynamic-flag-key] \r\ns = '# flaglint: ignore[b]'\n# flaglint: ignore-file[c]\n"),
            (Language::Python, "def f(\n    x,  # flaglint: ignore[undefined-flag]\n):\n    return f\"{x} # flaglint: ignore[d]\"\n"),
            (Language::TypeScript, "#!/usr/bin/env node\n/* flaglint: ignore-file[negated-fork] */\nconst a = `// flaglint: ignore[x]`;\n/*\n * flaglint: owner=@web\n   flaglint: ignore[unused-flag] */\nconst r = /\\/\\/ flaglint: ignore[y]/; // flaglint: ignore[z]\n"),
            (Language::TypeScript, "export const el = <div>{/* flaglint: ignore[literal-flag-key] */}</div>;\n"),
        ];
        for (language, source) in cases {
            let parsed = parsed(source, language);
            assert!(parsed.is_some_and(|p| !p.ranges.is_empty()), "{source}");
            suppressions_of(source, language);
            annotations_of(source, language);
        }
    }
}
