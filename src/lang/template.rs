//! Django and Jinja templates: flag checks in template tags and expressions.
//!
//! Inside `{% ... %}` and `{{ ... }}` blocks (comments `{# ... #}` are skipped):
//! - a tag whose name is a configured check, with the key as its first argument:
//!   `{% flag "new_nav" %}`, `{% switch 'x' %}`, `{% flag_enabled 'x' as on %}`;
//! - a call of a configured check: `waffle.flag('x')`, `flag_enabled('x', request)`;
//! - a member of a configured property chain: `{% if FEATURE_FLAGS.new_nav %}` (a context
//!   processor's dict), `{{ config.flags["new-nav"] }}`; the dict's own methods (`.items`, `.keys`,
//!   `.values`, `.get`) are not keys;
//! - a bare name in an `if` or `elif` condition that a `settings` definitions entry names
//!   (`{% if FEATURE_X %}`, passed on by a context processor).
//!
//! Checks are matched with the language `template`. Keys are string literals; a bare name is a
//! template variable, a parameter of the template that the view or a context processor fills.

use super::{ExtractOptions, KeyArg, ShapeKind};
use crate::facts::{CheckSite, FileFacts, KeyExpr, LineIndex, SyntaxError};

/// Extracts the flag checks of a template.
pub fn extract(source: &str, options: &ExtractOptions) -> FileFacts {
    let index = LineIndex::new(source);
    let mut facts = FileFacts::default();
    let mut at = 0;
    while let Some(open) = source[at..].find('{').map(|i| at + i) {
        let closing = match source.as_bytes().get(open + 1) {
            Some(b'%') => "%}",
            Some(b'{') => "}}",
            Some(b'#') => "#}",
            _ => {
                at = open + 1;
                continue;
            }
        };
        let body_start = open + 2;
        let Some(close) = source[body_start..].find(closing).map(|i| body_start + i) else {
            if facts.syntax_errors.is_empty() {
                facts.syntax_errors.push(SyntaxError::new(
                    index.span(open, open + 2),
                    format!("unclosed `{}` block", &source[open..open + 2]),
                ));
            }
            break;
        };
        if closing != "#}" {
            scan_block(
                source,
                body_start,
                close,
                closing == "%}",
                &index,
                options,
                &mut facts,
            );
        }
        at = close + 2;
    }
    facts
}

/// One token of a template expression, with its byte range.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Token<'s> {
    Name(&'s str),
    Str(&'s str),
    Punct(char),
}

fn tokenize(source: &str, start: usize, end: usize) -> Vec<(Token<'_>, usize, usize)> {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut i = start;
    while i < end {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
        } else if b == b'"' || b == b'\'' {
            let mut j = i + 1;
            while j < end && bytes[j] != b {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let close = j.min(end);
            tokens.push((Token::Str(&source[i + 1..close]), i, (close + 1).min(end)));
            i = close + 1;
        } else if b.is_ascii_alphanumeric() || b == b'_' {
            let mut j = i;
            while j < end && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                j += 1;
            }
            tokens.push((Token::Name(&source[i..j]), i, j));
            i = j;
        } else {
            let c = source[i..].chars().next().unwrap_or(' ');
            tokens.push((Token::Punct(c), i, i + c.len_utf8()));
            i += c.len_utf8();
        }
    }
    tokens
}

fn scan_block(
    source: &str,
    start: usize,
    end: usize,
    is_tag: bool,
    index: &LineIndex,
    options: &ExtractOptions,
    facts: &mut FileFacts,
) {
    let tokens = tokenize(source, start, end);
    // `{% flag "x" %}`: the tag name is the callee, the words after it its arguments.
    if is_tag {
        if let Some(&(Token::Name(tag), tag_start, _)) = tokens.first() {
            if let Some((spec, found)) = options.checks.find(options.language, &[tag]) {
                let arguments: Vec<_> = tokens[1..]
                    .iter()
                    .take_while(|(t, _, _)| !matches!(t, Token::Name("as")))
                    .copied()
                    .collect();
                let key = argument(&arguments, &found.key).filter(|(k, _, _)| found.admits(k));
                if let Some(key) = key {
                    facts.checks.push(site(spec, key, tag_start, end, index));
                }
                return;
            }
        }
    }
    if options.checks.has_shape(ShapeKind::Property) {
        property_checks(&tokens, end, index, options, facts);
        if is_tag {
            setting_conditions(&tokens, index, options, facts);
        }
    }
    // Calls: `a.b.f("x", ...)` anywhere in the block.
    for i in 0..tokens.len() {
        let (Token::Name(name), _, _) = tokens[i] else {
            continue;
        };
        if tokens.get(i + 1).map(|t| t.0) != Some(Token::Punct('('))
            || !options.checks.is_candidate(name)
        {
            continue;
        }
        let mut callee = vec![name];
        let mut first = i;
        while first >= 2 && tokens[first - 1].0 == Token::Punct('.') {
            let Token::Name(segment) = tokens[first - 2].0 else {
                break;
            };
            callee.insert(0, segment);
            first -= 2;
        }
        // A method on some template variable (`user.flag(...)`) matches only a spec that names
        // its receiver (`waffle.flag`): bare tag names like `flag` are too common otherwise.
        let Some((spec, found)) = options.checks.find_with(options.language, &callee, |s| {
            s.call.len() > 1 || callee.len() == 1
        }) else {
            continue;
        };
        let (arguments, call_end) = call_arguments(&tokens[i + 2..]);
        if let Some(key) = argument(&arguments, &found.key).filter(|(k, _, _)| found.admits(k)) {
            let call_end = call_end.unwrap_or(end);
            facts
                .checks
                .push(site(spec, key, tokens[first].1, call_end, index));
        }
    }
}

/// Methods of a template's dict that a property chain may name without naming a flag.
const DICT_METHODS: &[&str] = &["items", "keys", "values", "get"];

/// `a.b.KEY` and `a.b["KEY"]` where `a.b` ends with a property spec's segments: one check per
/// chain, at its first key position (a chain is read from its first name, never mid-way).
fn property_checks(
    tokens: &[(Token<'_>, usize, usize)],
    end: usize,
    index: &LineIndex,
    options: &ExtractOptions,
    facts: &mut FileFacts,
) {
    let mut i = 0;
    while i < tokens.len() {
        let (Token::Name(first), chain_start, _) = tokens[i] else {
            i += 1;
            continue;
        };
        if i > 0 && tokens[i - 1].0 == Token::Punct('.') {
            i += 1;
            continue;
        }
        let mut names = vec![first];
        let mut j = i + 1;
        loop {
            let found = options
                .checks
                .is_shape_candidate(ShapeKind::Property, names[names.len() - 1])
                .then(|| {
                    options
                        .checks
                        .find_shape(options.language, ShapeKind::Property, &names)
                })
                .flatten();
            let next = tokens.get(j).map(|t| t.0);
            if let Some((spec, found)) = found {
                let key = match (next, tokens.get(j + 1), tokens.get(j + 2)) {
                    (Some(Token::Punct('.')), Some(&(Token::Name(key), start, stop)), _)
                        if !DICT_METHODS.contains(&key) =>
                    {
                        Some((KeyExpr::Literal(key.to_string()), start, stop))
                    }
                    (
                        Some(Token::Punct('[')),
                        Some(&(Token::Str(key), start, stop)),
                        Some((Token::Punct(']'), _, _)),
                    ) => Some((KeyExpr::Literal(key.to_string()), start, stop)),
                    _ => None,
                };
                // `settings.HOSTNAME` is no flag when the settings that are flags are named.
                if let Some(key) = key.filter(|(k, _, _)| found.admits(k)) {
                    let stop = key.2;
                    facts
                        .checks
                        .push(site(spec, key, chain_start, stop.min(end), index));
                }
                break;
            }
            match (next, tokens.get(j + 1)) {
                (Some(Token::Punct('.')), Some(&(Token::Name(segment), _, _))) => {
                    names.push(segment);
                    j += 2;
                }
                _ => break,
            }
        }
        i = j.max(i + 1);
    }
}

/// `{% if FEATURE_X %}`, `{% elif not FEATURE_X and y %}`: a bare name in a condition that a
/// `settings` definitions entry names is that setting, which a context processor passes to every
/// template by its name.
fn setting_conditions(
    tokens: &[(Token<'_>, usize, usize)],
    index: &LineIndex,
    options: &ExtractOptions,
    facts: &mut FileFacts,
) {
    if !matches!(tokens.first(), Some((Token::Name("if" | "elif"), _, _))) {
        return;
    }
    let Some((spec, found)) =
        options
            .checks
            .find_shape_with(options.language, ShapeKind::Property, &["settings"], |s| {
                !s.keys.is_empty()
            })
    else {
        return;
    };
    for (i, &(token, start, stop)) in tokens.iter().enumerate().skip(1) {
        let Token::Name(name) = token else {
            continue;
        };
        let member = i > 1 && tokens[i - 1].0 == Token::Punct('.');
        let has_members = matches!(
            tokens.get(i + 1).map(|t| t.0),
            Some(Token::Punct('.' | '(' | '['))
        );
        if !member && !has_members && found.keys.matches(name) {
            let key = (KeyExpr::Literal(name.to_string()), start, stop);
            facts.checks.push(site(spec, key, start, stop, index));
        }
    }
}

/// The tokens of each argument's first token up to the closing parenthesis (single-token
/// arguments are all a key can be), and where the call ends.
fn call_arguments<'s>(
    tokens: &[(Token<'s>, usize, usize)],
) -> (Vec<(Token<'s>, usize, usize)>, Option<usize>) {
    let mut depth = 0;
    let mut arguments = Vec::new();
    let mut expect_argument = true;
    for &(token, start, end) in tokens {
        match token {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') if depth == 0 => return (arguments, Some(end)),
            Token::Punct(')' | ']' | '}') => depth -= 1,
            Token::Punct(',') if depth == 0 => {
                expect_argument = true;
                continue;
            }
            _ => {}
        }
        if expect_argument && depth == 0 {
            arguments.push((token, start, end));
            expect_argument = false;
        }
    }
    (arguments, None)
}

/// The key argument: `[(token, start, end)]` is one token per positional argument.
fn argument<'s>(
    arguments: &[(Token<'s>, usize, usize)],
    key: &KeyArg,
) -> Option<(KeyExpr, usize, usize)> {
    let &(token, start, end) = arguments.get(key.position?)?;
    let expr = match token {
        Token::Str(text) => KeyExpr::Literal(text.to_string()),
        Token::Name(name) => KeyExpr::Parameter(name.to_string()),
        Token::Punct(_) => return None,
    };
    Some((expr, start, end))
}

fn site(
    spec: usize,
    (key, key_start, key_end): (KeyExpr, usize, usize),
    start: usize,
    end: usize,
    index: &LineIndex,
) -> CheckSite {
    CheckSite {
        spec,
        key,
        span: index.span(start, end),
        key_span: index.span(key_start, key_end),
        in_test: false,
        scope: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{test_extract, Grammar, Language};

    fn run(source: &str) -> FileFacts {
        test_extract(
            Grammar::Template,
            Language::Template,
            &["flag:0", "switch:0", "waffle.flag:0", "flag_enabled:0"],
            &[],
            source,
        )
    }

    fn keys(facts: &FileFacts) -> Vec<(KeyExpr, u32)> {
        facts
            .checks
            .iter()
            .map(|c| (c.key.clone(), c.span.line))
            .collect()
    }

    fn lit(key: &str) -> KeyExpr {
        KeyExpr::Literal(key.to_string())
    }

    #[test]
    fn django_tags_and_jinja_calls() {
        let facts = run(
            "{% load waffle_tags %}\n{% flag \"new_nav\" %}\n  <nav>new</nav>\n{% else %}\n  <nav>old</nav>\n{% endflag %}\n{% switch 'banner' %}x{% endswitch %}\n{% if waffle.flag('jinja_flag') %}y{% endif %}\n{{ 'on' if flag_enabled('deco', request) else 'off' }}\n{% flag_enabled 'as_var' as on %}\n",
        );
        assert_eq!(
            keys(&facts),
            [
                (lit("new_nav"), 2),
                (lit("banner"), 7),
                (lit("jinja_flag"), 8),
                (lit("deco"), 9),
                (lit("as_var"), 10),
            ]
        );
        let key = facts.checks[0].key_span;
        assert_eq!((key.line, key.column), (2, 9));
    }

    #[test]
    fn look_alikes_are_not_checks() {
        let facts = run(
            "{# {% flag \"in_comment\" %} #}\n<p>{% flag %} and flag('text outside a block')</p>\n{% endflag %}\n{{ other.flags('x') }}\n{% if user.flag %}z{% endif %}\n",
        );
        assert!(facts.checks.is_empty(), "{:?}", facts.checks);
    }

    #[test]
    fn property_chains_are_checks() {
        let spec = |call: &[&str]| crate::lang::CheckSpec {
            call: call.iter().map(|s| s.to_string()).collect(),
            shape: crate::lang::Shape::Property,
            ..Default::default()
        };
        let facts = crate::lang::test_extract_specs(
            Grammar::Template,
            Language::Template,
            vec![spec(&["FEATURE_FLAGS"]), spec(&["config", "flags"])],
            &[],
            "{% if attribution and FEATURE_FLAGS.new_news_author %}\n{% if not FEATURE_FLAGS.new_gtm %}\n{% for k, v in FEATURE_FLAGS.items %}{{ k }}{% endfor %}\n{{ config.flags[\"new-nav\"] }} {{ flags.other }} {{ x.FEATURE_FLAGS.y }}\n{{ FEATURE_FLAGS }} FEATURE_FLAGS.outside\n",
        );
        assert_eq!(
            keys(&facts),
            [
                (lit("new_news_author"), 1),
                (lit("new_gtm"), 2),
                (lit("new-nav"), 4),
                (lit("y"), 4),
            ]
        );
        let key = facts.checks[0].key_span;
        assert_eq!((key.line, key.column), (1, 37));
    }

    #[test]
    fn variables_are_parameters_and_broken_blocks_are_reported() {
        let facts = run("{% flag name %}{% endflag %}\n{% flag \"x\" ");
        assert_eq!(facts.checks[0].key, KeyExpr::Parameter("name".to_string()));
        assert_eq!(facts.syntax_errors.len(), 1);
    }
}
