//! Depth scan: the bracket nesting of a Rust file, measured on its tokens before `syn` (which
//! recurses) is run on it.

/// Result of the pre-parse text scan.
#[derive(Debug, Default)]
pub(super) struct DepthScan {
    /// Deepest bracket nesting and where it was first reached.
    pub nesting: usize,
    pub nesting_at: usize,
    /// Longest token run and where it was first reached.
    pub run: usize,
    pub run_at: usize,
}

/// What kind of token the scan met.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ScanToken {
    Open,
    Close(u8),
    Separator,
    /// A punctuation byte that can continue an expression after a `}` (`.`, `?`, operators).
    Continuation,
    /// `else` or `as`.
    ContinuationWord,
    Other,
}

/// Bracket nesting and "token run" of a file, skipping comments and string/char literals.
///
/// The token run approximates how deep `syn`'s tree can get: every token of an expression can add
/// a level (`a.b.c`, `a + b + c`, `!!x`, `Vec<Vec<T>>`), brackets add to the run of their contents,
/// and `;`, `,` and the end of a `{}` block that ends a statement or item reset it.
pub(super) fn scan_depth(src: &[u8]) -> DepthScan {
    let mut out = DepthScan::default();
    let mut bases: Vec<usize> = Vec::new();
    let mut run = 0usize;
    let mut after_brace = false;
    let mut i = 0;
    while i < src.len() {
        let b = src[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'/' && matches!(src.get(i + 1), Some(b'/') | Some(b'*')) {
            i = skip_comment(src, i);
            continue;
        }
        let start = i;
        let (end, token) = scan_token(src, i);
        i = end.max(i + 1);
        let base = bases.last().copied().unwrap_or(0);
        if after_brace {
            after_brace = false;
            if !matches!(token, ScanToken::Continuation | ScanToken::ContinuationWord) {
                run = base;
            }
        }
        match token {
            ScanToken::Open => {
                run += 1;
                bases.push(run);
                if bases.len() > out.nesting {
                    out.nesting = bases.len();
                    out.nesting_at = start;
                }
            }
            ScanToken::Close(c) => {
                if let Some(b) = bases.pop() {
                    run = b;
                }
                after_brace = c == b'}';
            }
            ScanToken::Separator => run = base,
            _ => run += 1,
        }
        if run > out.run {
            out.run = run;
            out.run_at = start;
        }
    }
    out
}

/// End of the comment starting at `i` (`//` or nested `/* */`).
fn skip_comment(src: &[u8], i: usize) -> usize {
    if src.get(i + 1) == Some(&b'/') {
        return src[i..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(src.len(), |p| i + p + 1);
    }
    let mut depth = 0usize;
    let mut j = i;
    while j < src.len() {
        match (src[j], src.get(j + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                j += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return j;
                }
            }
            _ => j += 1,
        }
    }
    src.len()
}

/// The token starting at `i`: its end and kind.
fn scan_token(src: &[u8], i: usize) -> (usize, ScanToken) {
    let b = src[i];
    match b {
        b'"' => (skip_quoted(src, i + 1, b'"'), ScanToken::Other),
        b'\'' => (skip_char_or_lifetime(src, i), ScanToken::Other),
        b'(' | b'[' | b'{' => (i + 1, ScanToken::Open),
        b')' | b']' | b'}' => (i + 1, ScanToken::Close(b)),
        b';' | b',' => (i + 1, ScanToken::Separator),
        b'.' | b'?' | b'+' | b'-' | b'*' | b'/' | b'%' | b'^' | b'&' | b'|' | b'=' | b'<'
        | b'>' => (i + 1, ScanToken::Continuation),
        b'0'..=b'9' => (skip_word(src, i), ScanToken::Other),
        _ if is_word_byte(b) => scan_word(src, i),
        _ => (i + 1, ScanToken::Other),
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn skip_word(src: &[u8], i: usize) -> usize {
    src[i..]
        .iter()
        .position(|&b| !is_word_byte(b))
        .map_or(src.len(), |p| i + p)
}

/// An identifier or keyword, or a prefixed string literal (`b"..."`, `r#"..."#`, `c"..."`).
fn scan_word(src: &[u8], i: usize) -> (usize, ScanToken) {
    let end = skip_word(src, i);
    let word = &src[i..end];
    let next = src.get(end).copied();
    if matches!(word, b"r" | b"br" | b"cr") && matches!(next, Some(b'"') | Some(b'#')) {
        let hashes = src[end..].iter().take_while(|&&b| b == b'#').count();
        if src.get(end + hashes) == Some(&b'"') {
            return (skip_raw(src, end + hashes + 1, hashes), ScanToken::Other);
        }
    }
    if matches!(word, b"b" | b"c") && next == Some(b'"') {
        return (skip_quoted(src, end + 1, b'"'), ScanToken::Other);
    }
    if word == b"else" || word == b"as" {
        return (end, ScanToken::ContinuationWord);
    }
    (end, ScanToken::Other)
}

/// End of a quoted literal whose body starts at `i` (backslash escapes honoured).
fn skip_quoted(src: &[u8], mut i: usize, quote: u8) -> usize {
    while i < src.len() {
        match src[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    src.len()
}

/// End of a raw string body starting at `i`, closed by `"` and `hashes` `#`.
fn skip_raw(src: &[u8], mut i: usize, hashes: usize) -> usize {
    while i < src.len() {
        if src[i] == b'"'
            && src[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&b| b == b'#')
                .count()
                == hashes
        {
            return i + 1 + hashes;
        }
        i += 1;
    }
    src.len()
}

/// End of a char literal (`'a'`, `'\n'`, `'é'`) or of the quote of a lifetime / label.
fn skip_char_or_lifetime(src: &[u8], i: usize) -> usize {
    match src.get(i + 1) {
        Some(b'\\') => {
            let limit = (i + 16).min(src.len());
            src[i + 2..limit]
                .iter()
                .position(|&b| b == b'\'')
                .map_or(i + 1, |p| i + 2 + p + 1)
        }
        Some(&b) => {
            let width = utf8_width(b);
            if src.get(i + 1 + width) == Some(&b'\'') {
                i + 2 + width
            } else {
                i + 1
            }
        }
        None => i + 1,
    }
}

fn utf8_width(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}
