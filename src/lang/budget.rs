//! The per-file parse budget.
//!
//! tree-sitter recovers from syntax errors by wrapping what it skips into error nodes, and on some
//! broken input (unclosed brackets after keywords, mutated minified code) that costs time
//! quadratic in the file's size. The parser's own operation count does not see that work, so the
//! budget is CPU time of the parsing thread (other processes on the machine do not eat into it),
//! proportional to the file's size and far above what valid code of that size takes. A parse
//! over budget is abandoned: the file is reported as not parsed and the run goes on.

use std::time::Duration;

use tree_sitter::{ParseOptions, ParseState, Parser, Tree};

use crate::facts::{FileFacts, LineIndex, SyntaxError};

/// CPU time any parse may take.
const BASE: Duration = Duration::from_secs(1);

/// CPU time allowed per byte of source on top of [`BASE`] (10 s per MB): ten times what the
/// densest valid code takes (minified JavaScript, about 1 µs per byte).
const PER_BYTE: Duration = Duration::from_micros(10);

/// The parse budget of a file of `len` bytes.
pub fn for_len(len: usize) -> Duration {
    BASE.saturating_add(PER_BYTE.saturating_mul(u32::try_from(len).unwrap_or(u32::MAX)))
}

/// Why a parse produced no tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unparsed {
    /// The parse used up its budget.
    OverBudget(Duration),
    /// The parser could not run (no language).
    Failed,
}

impl Unparsed {
    /// The facts of a file that could not be parsed: one syntax error saying why.
    pub fn facts(self, lines: &LineIndex) -> FileFacts {
        let message = match self {
            Unparsed::OverBudget(budget) => format!(
                "too complex to parse within {:.1} s of CPU time for its size; file not parsed",
                budget.as_secs_f64()
            ),
            Unparsed::Failed => "file could not be parsed".to_string(),
        };
        FileFacts::not_parsed(SyntaxError::whole_file(lines.span(0, 0), message))
    }
}

/// Parses `source`, giving up when the parse takes more than `budget` of this thread's CPU time.
/// The parser is left ready for the next file either way.
pub fn parse(parser: &mut Parser, source: &str, budget: Duration) -> Result<Tree, Unparsed> {
    let start = thread_time();
    let mut over = false;
    // Called every hundred parser operations.
    let mut progress = |_: &ParseState| {
        over = thread_time().saturating_sub(start) > budget;
        over
    };
    let bytes = source.as_bytes();
    let tree = parser.parse_with_options(
        &mut |offset, _| bytes.get(offset..).unwrap_or_default(),
        None,
        Some(ParseOptions::new().progress_callback(&mut progress)),
    );
    match tree {
        Some(tree) => Ok(tree),
        None => {
            // A cancelled parse would otherwise resume on the next call.
            parser.reset();
            Err(if over {
                Unparsed::OverBudget(budget)
            } else {
                Unparsed::Failed
            })
        }
    }
}

/// CPU time this thread has used.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn thread_time() -> Duration {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or(0),
        u32::try_from(now.tv_nsec).unwrap_or(0),
    )
}

/// Elapsed time since a fixed point, where the platform has no per-thread CPU clock.
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn thread_time() -> Duration {
    static ORIGIN: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    ORIGIN.get_or_init(std::time::Instant::now).elapsed()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn python() -> Parser {
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .unwrap();
        parser
    }

    #[test]
    fn budget_grows_with_the_file() {
        assert_eq!(for_len(0), Duration::from_secs(1));
        assert_eq!(for_len(1_000_000), Duration::from_secs(11));
        assert!(for_len(usize::MAX) > for_len(1 << 30));
    }

    #[test]
    fn a_parse_over_budget_gives_up_and_the_parser_is_ready_again() {
        let mut parser = python();
        let source = "x = f(1, [2, 3])\n".repeat(1000);
        assert_eq!(
            parse(&mut parser, &source, Duration::ZERO).unwrap_err(),
            Unparsed::OverBudget(Duration::ZERO)
        );
        let small = "y = 2\n";
        let tree = parse(&mut parser, small, for_len(small.len())).unwrap();
        assert_eq!(tree.root_node().end_byte(), small.len());
        assert!(!tree.root_node().has_error());
        let tree = parse(&mut parser, &source, for_len(source.len())).unwrap();
        assert_eq!(tree.root_node().end_byte(), source.len());
    }

    #[test]
    fn an_unparsed_file_is_one_whole_file_error() {
        let lines = LineIndex::new("x = (\n");
        let facts = Unparsed::OverBudget(Duration::from_millis(1500)).facts(&lines);
        assert_eq!(facts.syntax_errors.len(), 1);
        let error = &facts.syntax_errors[0];
        assert!(error.whole_file);
        assert_eq!((error.span.line, error.span.column), (1, 1));
        assert_eq!(
            error.message,
            "too complex to parse within 1.5 s of CPU time for its size; file not parsed"
        );
    }
}
