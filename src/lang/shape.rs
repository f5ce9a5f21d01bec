//! The shape of a flag fork, decided once for every language: an extractor says what each node of
//! a condition and each statement of a branch is, and these functions say what the fork looks
//! like ([`Fork::negated`], [`Fork::compound`], [`Fork::then_body`], ...).
//!
//! [`Fork::negated`]: crate::facts::Fork::negated
//! [`Fork::compound`]: crate::facts::Fork::compound
//! [`Fork::then_body`]: crate::facts::Fork::then_body

use crate::facts::Body;

/// One node of a condition, as its extractor reads it.
pub(crate) enum CondNode<N> {
    /// A node around one operand: `not x`, `!x`, `x == False`, `x !== true` (`negates`), or
    /// parentheses, `await x`, `x as T` (not `negates`).
    Unary { operand: N, negates: bool },
    /// `a and b`, `a || b` (`any`: an or).
    Junction { any: bool, operands: [N; 2] },
    /// Anything else: a flag test or another condition.
    Leaf,
}

/// The boolean structure of a condition, with the leaves a fork's shape depends on. Which leaves
/// are flag tests is for the extractor to say.
pub(crate) struct Condition<N> {
    /// The condition is this leaf under an odd number of negations: `not x`, `x is False`.
    pub negated_leaf: Option<N>,
    /// Without its negations, the condition is an and / or.
    pub compound: bool,
    /// Leaves, tested positively, under an or (counting negations: `not (a and b)` is an or):
    /// the then-branch is taken when they are false.
    pub then_without: Vec<N>,
}

/// Reads a condition's structure (without recursion: conditions can be deep).
pub(crate) fn condition<N: Copy>(root: N, node: impl Fn(N) -> CondNode<N>) -> Condition<N> {
    let mut shape = Condition {
        negated_leaf: None,
        compound: false,
        then_without: Vec::new(),
    };
    // The root's chain of unary nodes decides `negated_leaf` and `compound`.
    let mut current = root;
    let mut negated = false;
    loop {
        match node(current) {
            CondNode::Unary { operand, negates } => {
                negated ^= negates;
                current = operand;
            }
            CondNode::Junction { .. } => {
                shape.compound = true;
                break;
            }
            CondNode::Leaf => {
                shape.negated_leaf = negated.then_some(current);
                break;
            }
        }
    }
    // (node, negated, under an or), with and / or as they act after negations.
    let mut stack = vec![(root, false, false)];
    while let Some((current, negated, under_or)) = stack.pop() {
        match node(current) {
            CondNode::Unary { operand, negates } => {
                stack.push((operand, negated ^ negates, under_or));
            }
            CondNode::Junction { any, operands } => {
                let or = any != negated;
                for operand in operands.into_iter().rev() {
                    stack.push((operand, negated, under_or || or));
                }
            }
            CondNode::Leaf => {
                if !negated && under_or {
                    shape.then_without.push(current);
                }
            }
        }
    }
    shape
}

/// What one statement of a branch is, as its extractor reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Statement {
    /// `pass`, `...`, an empty statement, a docstring.
    Nothing,
    /// `return`, `raise`, `throw`, `continue`, `break`, a diverging macro.
    Exit,
    /// A call that only logs or prints (see [`is_log_call`]).
    Log,
    Other,
}

/// What a branch holds, from its statements in order.
pub(crate) fn body(statements: impl IntoIterator<Item = Statement>) -> Body {
    let mut logs = false;
    let mut exit = false;
    let mut other = false;
    for statement in statements {
        match statement {
            Statement::Nothing => {}
            Statement::Log => logs = true,
            Statement::Exit if !exit && !other => exit = true,
            Statement::Exit | Statement::Other => other = true,
        }
    }
    match (other, exit, logs) {
        (true, _, _) => Body::Code,
        (false, true, _) => Body::Exit,
        (false, false, true) => Body::Log,
        (false, false, false) => Body::Empty,
    }
}

/// A call that only logs or prints, by its callee's segments: `print`, `println!`, `warn!`,
/// `warn_user_once!`, `logger.warning`, `self.log.info`, `logging.debug`, `console.warn`,
/// `warnings.warn`, `tracing::info!`.
pub(crate) fn is_log_call<S: AsRef<str>>(callee: &[S]) -> bool {
    let Some((last, receivers)) = callee.split_last() else {
        return false;
    };
    let last = last.as_ref();
    let logging_level = matches!(
        last,
        "debug" | "info" | "error" | "exception" | "critical" | "trace" | "log" | "fatal"
    ) || last.starts_with("warn");
    match receivers.last() {
        None => logging_level || matches!(last, "print" | "println" | "eprintln" | "eprint"),
        Some(receiver) => {
            let receiver = receiver.as_ref().trim_matches('_').to_ascii_lowercase();
            logging_level
                && (matches!(
                    receiver.as_str(),
                    "console" | "warnings" | "tracing" | "log" | "logging"
                ) || receiver.ends_with("logger")
                    || receiver.ends_with("_log"))
        }
    }
}

/// Test helper: what each fork's branches hold, `then` or `then/else`, comma-separated.
#[cfg(test)]
pub(crate) fn describe_bodies(forks: &[crate::facts::Fork]) -> String {
    let describe = |fork: &crate::facts::Fork| match fork.else_body {
        Some(otherwise) => format!("{:?}/{otherwise:?}", fork.then_body),
        None => format!("{:?}", fork.then_body),
    };
    forks.iter().map(describe).collect::<Vec<_>>().join(", ")
}

/// Test helper: runs `without` on each condition and says which gave the wrong answer.
#[cfg(test)]
pub(crate) fn check_without(without: impl Fn(&str) -> bool, cases: &[(&str, bool)]) {
    let wrong: Vec<&str> = cases
        .iter()
        .filter(|(condition, expected)| without(condition) != *expected)
        .map(|(condition, _)| *condition)
        .collect();
    assert!(wrong.is_empty(), "wrong for {wrong:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny condition language for the tests: `!x`, `(a&b)`, `(a|b)`, letters are leaves.
    fn parse(text: &str) -> Condition<usize> {
        let bytes = text.as_bytes();
        // The end of the operand starting at `i`.
        fn end(bytes: &[u8], i: usize) -> usize {
            match bytes[i] {
                b'!' => end(bytes, i + 1),
                b'(' => {
                    let mut depth = 0;
                    for (j, &b) in bytes.iter().enumerate().skip(i) {
                        depth += i32::from(b == b'(') - i32::from(b == b')');
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    bytes.len()
                }
                _ => i + 1,
            }
        }
        condition(0, |i| match bytes[i] {
            b'!' => CondNode::Unary {
                operand: i + 1,
                negates: true,
            },
            b'(' => {
                let split = end(bytes, i + 1);
                CondNode::Junction {
                    any: bytes[split] == b'|',
                    operands: [i + 1, split + 1],
                }
            }
            _ => CondNode::Leaf,
        })
    }

    fn leaves(text: &str, of: impl Fn(&Condition<usize>) -> &Vec<usize>) -> String {
        let shape = parse(text);
        of(&shape)
            .iter()
            .map(|&i| char::from(text.as_bytes()[i]))
            .collect()
    }

    #[test]
    fn negation_and_compound_follow_the_root() {
        let negated = |t: &str| parse(t).negated_leaf.map(|i| char::from(t.as_bytes()[i]));
        assert_eq!(negated("!f"), Some('f'));
        assert_eq!(negated("!!f"), None);
        assert_eq!(negated("f"), None);
        assert_eq!(negated("!(f&x)"), None);
        assert!(parse("!(f&x)").compound);
        assert!(!parse("!f").compound);
    }

    #[test]
    fn then_branch_taken_without_a_leaf() {
        let then = |t| leaves(t, |s| &s.then_without);
        assert_eq!(then("(f|x)"), "fx");
        assert_eq!(then("(f&x)"), "");
        assert_eq!(then("(x|(f&y))"), "xfy");
        assert_eq!(then("!(!f&x)"), "f");
        assert_eq!(then("(!f&x)"), "");
        assert_eq!(then("!(f|x)"), "");
        assert_eq!(then("(!f|x)"), "x");
    }

    #[test]
    fn bodies() {
        use Statement::*;
        assert_eq!(body([]), Body::Empty);
        assert_eq!(body([Nothing]), Body::Empty);
        assert_eq!(body([Exit]), Body::Exit);
        assert_eq!(body([Log, Exit]), Body::Exit);
        assert_eq!(body([Log, Log]), Body::Log);
        assert_eq!(body([Other, Exit]), Body::Code);
        assert_eq!(body([Exit, Exit]), Body::Code);
        assert_eq!(body([Log, Other]), Body::Code);
    }

    #[test]
    fn log_calls() {
        for callee in [
            &["print"][..],
            &["println"],
            &["warn"],
            &["warn_user_once"],
            &["logger", "warning"],
            &["self", "log", "info"],
            &["self", "_logger", "exception"],
            &["logging", "debug"],
            &["console", "warn"],
            &["warnings", "warn"],
            &["tracing", "info"],
            &["request_log", "error"],
        ] {
            assert!(is_log_call(callee), "{callee:?}");
        }
        for callee in [
            &["messages", "warning"][..],
            &["render"],
            &["logger", "setLevel"],
            &["catalog", "info"],
            &[],
        ] {
            assert!(!is_log_call(callee), "{callee:?}");
        }
    }
}
