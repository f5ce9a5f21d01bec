//! Text shown to people: excerpts of long lines, clipped messages, escaped names.

use std::borrow::Cow;
use std::ops::Range;

/// Characters of a line shown around a span; longer lines are cut to this window.
pub const EXCERPT_WIDTH: usize = 160;

/// Lines longer than this are cut before they reach a snippet renderer.
const LONG_LINE: usize = 4 * EXCERPT_WIDTH;

/// `text` with every line cut to [`EXCERPT_WIDTH`] characters (the span's line to a window
/// around the span), and the span within it. Line numbers are kept, so a renderer shows the right
/// line, and never sees a line longer than the window. Text without long lines is returned whole.
pub fn excerpt(text: &str, span: Option<Range<usize>>) -> (String, Option<Range<usize>>) {
    let span = span.map(|s| {
        let start = floor_char_boundary(text, s.start);
        start..floor_char_boundary(text, s.end.max(start))
    });
    if !text.split('\n').any(|line| line.len() > LONG_LINE) {
        return (text.to_string(), span);
    }
    let mut out = String::new();
    let mut mapped = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let end = offset + line.len();
        let here = span
            .as_ref()
            .filter(|s| s.start >= offset && (s.start < end || s.start == text.len()));
        // The window: around the span on its line, the line's start elsewhere.
        let from = here.map_or(0, |s| {
            floor_char_boundary(body, (s.start - offset).saturating_sub(EXCERPT_WIDTH / 2))
        });
        let to = floor_char_boundary(body, from.saturating_add(EXCERPT_WIDTH)).max(from);
        if from > 0 {
            out.push('…');
        }
        let window = out.len();
        out.push_str(&body[from..to]);
        if let Some(s) = here {
            let start = window + (s.start - offset).clamp(from, to) - from;
            let stop = window + (s.end - offset).clamp(from, to) - from;
            mapped = Some(start..stop.max(start));
        }
        if to < body.len() {
            out.push('…');
        }
        out.push('\n');
        offset = end;
    }
    (out, mapped)
}

/// `text` cut to `max` characters, with an ellipsis when it was longer.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The largest char boundary of `text` at or below `at`.
pub fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Whether a character must not reach a terminal as is: control characters (C0, DEL, C1: escape
/// sequences, carriage returns, line feeds), and the invisible ones that reorder or break lines
/// (bidirectional overrides and isolates, the line and paragraph separators).
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Text taken from the repository (a path, a key, a message quoting them), made safe to print on
/// one line of a terminal: each unprintable character is written as an escape (`\n`, `\u{1b}`).
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unprintable(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        let (text, span) = excerpt("a = 1\nb = 2\n", Some(6..7));
        assert_eq!(text, "a = 1\nb = 2\n");
        assert_eq!(span, Some(6..7));
    }

    #[test]
    fn long_lines_are_cut_around_the_span_and_keep_their_number() {
        let long = format!("[x]\nk = \"{}é\n", "x".repeat(300_000));
        let at = long.len() - 3;
        let (text, span) = excerpt(&long, Some(at..at + 2));
        assert!(text.lines().all(|l| l.chars().count() <= EXCERPT_WIDTH + 2));
        assert_eq!(text.lines().count(), 2);
        let span = span.unwrap();
        assert_eq!(&text[span], "é");
        // A span past the end of the text, or inside a character, still maps.
        let (_, span) = excerpt(&long, Some(long.len() + 5..long.len() + 9));
        assert!(span.is_some());
        let (_, span) = excerpt(&long, Some(at + 1..at + 1));
        assert!(span.is_some());
    }

    #[test]
    fn clip_counts_characters() {
        assert_eq!(clip("ééé", 2), "éé…");
        assert_eq!(clip("ab", 2), "ab");
    }
}
