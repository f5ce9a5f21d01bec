//! Forks, decided once for every language: a front-end says what it sees (branches in source
//! order with where they sit, each node of a condition, each statement of a branch, the writes of
//! its locals) and this module says which branches are forks and what they look like
//! ([`Fork::negated`], [`Fork::compound`], [`Fork::then_body`], [`Fork::parent`], ...), and which
//! locals are check locals.
//!
//! [`Fork::negated`]: crate::facts::Fork::negated
//! [`Fork::compound`]: crate::facts::Fork::compound
//! [`Fork::then_body`]: crate::facts::Fork::then_body
//! [`Fork::parent`]: crate::facts::Fork::parent

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Range;

use crate::facts::{Body, Fork, ForkKind, Span};

/// One node of a condition, as its extractor reads it.
pub(crate) enum CondNode<N> {
    /// A node around one operand: `not x`, `!x` (`negates`), or parentheses, `await x`, `x as T`
    /// (not `negates`).
    Unary { operand: N, negates: bool },
    /// `a and b`, `a || b` (`any`: an or).
    Junction { any: bool, operands: [N; 2] },
    /// `a == b`, `a is b`, `a === b` (`equal`), `a != b`, `a is not b`, `a !== b`.
    Compare { equal: bool, operands: [N; 2] },
    /// `True`, `false`.
    Bool(bool),
    /// A call with one argument, `callee` its name's segments: `bool(x)`, `Boolean(x)`,
    /// `bool::from(x)`, `is_on("k")`.
    Call { callee: Vec<String>, argument: N },
    /// Anything else: a flag test or another condition.
    Leaf,
}

/// A node of a condition as its structure sees it.
enum Lowered<N> {
    Unary { operand: N, negates: bool },
    Junction { any: bool, operands: [N; 2] },
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
    let node = |n| lowered(&node, n);
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
            Lowered::Unary { operand, negates } => {
                negated ^= negates;
                current = operand;
            }
            Lowered::Junction { .. } => {
                shape.compound = true;
                break;
            }
            Lowered::Leaf => {
                shape.negated_leaf = negated.then_some(current);
                break;
            }
        }
    }
    // (node, negated, under an or), with and / or as they act after negations.
    let mut stack = vec![(root, false, false)];
    while let Some((current, negated, under_or)) = stack.pop() {
        match node(current) {
            Lowered::Unary { operand, negates } => {
                stack.push((operand, negated ^ negates, under_or));
            }
            Lowered::Junction { any, operands } => {
                let or = any != negated;
                for operand in operands.into_iter().rev() {
                    stack.push((operand, negated, under_or || or));
                }
            }
            Lowered::Leaf => {
                if !negated && under_or {
                    shape.then_without.push(current);
                }
            }
        }
    }
    shape
}

/// A node as the condition's structure sees it: a comparison with a boolean literal is its other
/// operand, negated when it tests for false (`x == False`, `x != true`); a conversion to a
/// boolean is its operand; any other call or comparison is a leaf.
fn lowered<N: Copy>(node: &impl Fn(N) -> CondNode<N>, n: N) -> Lowered<N> {
    match node(n) {
        CondNode::Unary { operand, negates } => Lowered::Unary { operand, negates },
        CondNode::Junction { any, operands } => Lowered::Junction { any, operands },
        CondNode::Compare {
            equal,
            operands: [left, right],
        } => match (literal(node, right), literal(node, left)) {
            (Some(value), _) => Lowered::Unary {
                operand: left,
                negates: equal != value,
            },
            (None, Some(value)) => Lowered::Unary {
                operand: right,
                negates: equal != value,
            },
            (None, None) => Lowered::Leaf,
        },
        CondNode::Call { callee, argument } if is_conversion(&callee) => Lowered::Unary {
            operand: argument,
            negates: false,
        },
        CondNode::Call { .. } | CondNode::Bool(_) | CondNode::Leaf => Lowered::Leaf,
    }
}

/// The value of a boolean literal, possibly parenthesised.
fn literal<N: Copy>(node: &impl Fn(N) -> CondNode<N>, mut n: N) -> Option<bool> {
    loop {
        match node(n) {
            CondNode::Bool(value) => return Some(value),
            CondNode::Unary {
                operand,
                negates: false,
            } => n = operand,
            _ => return None,
        }
    }
}

/// A call that converts its argument to a boolean, keeping its truth: `bool(x)`, `Boolean(x)`,
/// `bool::from(x)`.
fn is_conversion<S: AsRef<str>>(callee: &[S]) -> bool {
    match callee {
        [name] => matches!(name.as_ref(), "bool" | "Boolean"),
        [ty, function] => ty.as_ref() == "bool" && function.as_ref() == "from",
        _ => false,
    }
}

/// What a condition says about its fork, given which of its leaves are flag tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Test {
    /// [`Fork::negated`](crate::facts::Fork::negated).
    pub negated: bool,
    /// [`Fork::compound`](crate::facts::Fork::compound).
    pub compound: bool,
    /// [`Fork::then_without_flag`](crate::facts::Fork::then_without_flag).
    pub then_without_flag: bool,
}

/// An `if`, `elif` / `else if` or ternary as its front-end sees it; branches are listed in
/// source order of their keyword, and refer to one another by index in that list.
#[derive(Clone, Debug)]
pub(crate) struct Branch {
    pub kind: ForkKind,
    /// From the keyword (a ternary: its start) to the end of the condition.
    pub span: Span,
    pub has_else: bool,
    /// No else, and the then-branch ends by leaving (`return`, `raise`, `throw`, ...).
    pub exits_early: bool,
    pub then_body: Body,
    /// The plain `else` (a ternary: its second value).
    pub else_body: Option<Body>,
    /// The branch whose then- or else-branch holds this one, within the same named function (an
    /// elif: its chain head's).
    pub enclosing: Option<usize>,
    /// Where forks in this branch's bodies find their parent when this branch is not a fork:
    /// `enclosing`, or for an elif the previous link of its chain.
    pub outer: Option<usize>,
    /// An elif's chain head.
    pub head: Option<usize>,
}

/// What a branch's condition tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tested {
    /// The checks tested (calls in the condition, checks of its check locals), in any order.
    pub checks: Vec<usize>,
    pub test: Test,
}

/// The forks among `branches`: those whose condition tests a check (`tested` says what each
/// branch's condition tests), with their parents and chain heads.
pub(crate) fn forks(branches: &[Branch], mut tested: impl FnMut(usize) -> Tested) -> Vec<Fork> {
    let mut forks = Vec::new();
    // Per branch: its fork, and the fork holding what its bodies hold (itself, or the nearest
    // fork along its `outer` links).
    let mut fork_of: Vec<Option<usize>> = Vec::with_capacity(branches.len());
    let mut holder: Vec<Option<usize>> = Vec::with_capacity(branches.len());
    let earlier = |links: &[Option<usize>], link: Option<usize>| {
        link.and_then(|l| links.get(l).copied().flatten())
    };
    for (index, branch) in branches.iter().enumerate() {
        let Tested { mut checks, test } = tested(index);
        checks.sort_unstable();
        checks.dedup();
        let fork = (!checks.is_empty()).then(|| {
            forks.push(Fork {
                kind: branch.kind,
                span: branch.span,
                checks,
                negated: test.negated,
                compound: test.compound,
                has_else: branch.has_else,
                exits_early: branch.exits_early,
                then_body: branch.then_body,
                else_body: branch.else_body,
                then_without_flag: test.then_without_flag,
                chain_head_is_flag: branch.kind == ForkKind::ElseIf
                    && earlier(&fork_of, branch.head).is_some(),
                parent: earlier(&holder, branch.enclosing),
            });
            forks.len() - 1
        });
        fork_of.push(fork);
        holder.push(fork.or_else(|| earlier(&holder, branch.outer)));
    }
    forks
}

/// The flag tests of a file, by byte range: check calls, and reads of check locals in
/// conditions, each with its check.
pub(crate) struct FlagTests(Vec<(usize, usize, usize)>);

impl FlagTests {
    /// From `(start, end, check)` of each test, in any order.
    pub fn new(mut tests: Vec<(usize, usize, usize)>) -> Self {
        tests.sort_unstable();
        FlagTests(tests)
    }

    /// The checks of the tests inside `range`.
    pub fn within(&self, range: Range<usize>) -> Vec<usize> {
        let first = self.0.partition_point(|t| t.0 < range.start);
        self.0[first..]
            .iter()
            .take_while(|t| t.0 < range.end)
            .filter(|t| t.1 <= range.end)
            .map(|t| t.2)
            .collect()
    }

    /// What a condition spanning `range` tests: the checks inside it, and what its shape says
    /// (`node` reads its nodes, `leaf` gives the range of a leaf that may be a flag test).
    pub fn tested<N: Copy>(
        &self,
        root: N,
        range: Range<usize>,
        node: impl Fn(N) -> CondNode<N>,
        leaf: impl Fn(N) -> Option<Range<usize>>,
    ) -> Tested {
        let checks = self.within(range);
        if checks.is_empty() {
            return Tested::default();
        }
        let is_test = |n| leaf(n).is_some_and(|range| self.is_test(range));
        let shape = condition(root, node);
        let test = Test {
            negated: shape.negated_leaf.is_some_and(is_test),
            compound: shape.compound,
            then_without_flag: shape.then_without.into_iter().any(is_test),
        };
        Tested { checks, test }
    }

    /// Whether exactly `range` is a flag test.
    pub fn is_test(&self, range: Range<usize>) -> bool {
        let first = self.0.partition_point(|t| t.0 < range.start);
        self.0[first..]
            .iter()
            .take_while(|t| t.0 == range.start)
            .any(|t| t.1 == range.end)
    }
}

/// The writes of a file's locals, keyed by a front-end's (scope, name): which are check locals,
/// written exactly once, from a check, and not parameters.
#[derive(Debug)]
pub(crate) struct Locals<K> {
    written: HashMap<K, Written>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Written {
    writes: u32,
    /// The check the last write assigned.
    check: Option<usize>,
    /// A parameter, or a name declared to belong to another scope (`global x`).
    foreign: bool,
}

impl<K> Default for Locals<K> {
    fn default() -> Self {
        Locals {
            written: HashMap::new(),
        }
    }
}

impl<K: Eq + Hash> Locals<K> {
    /// A write of the local: an assignment, a loop or pattern binding, an import.
    pub fn write(&mut self, key: K, check: Option<usize>) {
        let written = self.written.entry(key).or_default();
        written.writes = written.writes.saturating_add(1);
        written.check = check;
    }

    /// The value of the local's last write is a check (known once the check is recorded).
    pub fn assigned_check(&mut self, key: K, check: usize) {
        self.written.entry(key).or_default().check = Some(check);
    }

    /// The name is a parameter of the scope, or declared to belong to another one.
    pub fn foreign(&mut self, key: K) {
        self.written.entry(key).or_default().foreign = true;
    }

    /// Written exactly once, and neither a parameter nor another scope's.
    pub fn written_once(&self, key: &K) -> bool {
        self.written
            .get(key)
            .is_some_and(|w| w.writes == 1 && !w.foreign)
    }

    /// The check a check local was assigned from.
    pub fn check_local(&self, key: &K) -> Option<usize> {
        let written = self.written.get(key)?;
        (written.writes == 1 && !written.foreign)
            .then_some(written.check)
            .flatten()
    }

    /// A write so far assigned a check: the name may turn out a check local.
    pub fn assigned_a_check(&self, key: &K) -> bool {
        self.written.get(key).is_some_and(|w| w.check.is_some())
    }

    /// Forgets every local (a front-end that reuses one table per function).
    pub fn clear(&mut self) {
        self.written.clear();
    }
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

/// What a branch holds, and whether it ends by leaving.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Held {
    pub body: Body,
    /// The last statement that does something leaves (`return`, `raise`, `throw`, `continue`,
    /// `break`, a diverging macro).
    pub leaves: bool,
}

/// What a branch holds and whether it ends by leaving, from its statements in order.
pub(crate) fn branch(statements: impl IntoIterator<Item = Statement>) -> Held {
    let mut logs = false;
    let mut exit = false;
    let mut other = false;
    let mut last = Statement::Nothing;
    for statement in statements {
        if statement != Statement::Nothing {
            last = statement;
        }
        match statement {
            Statement::Nothing => {}
            Statement::Log => logs = true,
            Statement::Exit if !exit && !other => exit = true,
            Statement::Exit | Statement::Other => other = true,
        }
    }
    let body = match (other, exit, logs) {
        (true, _, _) => Body::Code,
        (false, true, _) => Body::Exit,
        (false, false, true) => Body::Log,
        (false, false, false) => Body::Empty,
    };
    Held {
        body,
        leaves: last == Statement::Exit,
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
    fn conversions_are_their_operand() {
        // `!bool(f)`: 0 `!`, 1 the call, 2 `f`.
        let nodes = |callee: &'static [&'static str]| {
            move |i: usize| match i {
                0 => CondNode::Unary {
                    operand: 1,
                    negates: true,
                },
                1 => CondNode::Call {
                    callee: callee.iter().map(|s| s.to_string()).collect(),
                    argument: 2,
                },
                _ => CondNode::Leaf,
            }
        };
        assert_eq!(condition(0, nodes(&["bool"])).negated_leaf, Some(2));
        assert_eq!(condition(0, nodes(&["Boolean"])).negated_leaf, Some(2));
        assert_eq!(condition(0, nodes(&["bool", "from"])).negated_leaf, Some(2));
        assert_eq!(condition(0, nodes(&["is_on"])).negated_leaf, Some(1));
        assert_eq!(condition(0, nodes(&["str"])).negated_leaf, Some(1));
    }

    #[test]
    fn comparisons_with_a_boolean_literal() {
        // 0 the comparison of 1 `f` with 2 `(`, around 3 the literal.
        let nodes = |equal: bool, value: bool| {
            move |i: usize| match i {
                0 => CondNode::Compare {
                    equal,
                    operands: [1, 2],
                },
                2 => CondNode::Unary {
                    operand: 3,
                    negates: false,
                },
                3 => CondNode::Bool(value),
                _ => CondNode::Leaf,
            }
        };
        let negated = |equal, value| condition(0, nodes(equal, value)).negated_leaf;
        assert_eq!(negated(true, false), Some(1));
        assert_eq!(negated(false, true), Some(1));
        assert_eq!(negated(true, true), None);
        assert_eq!(negated(false, false), None);
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
    fn check_locals_are_written_once_from_a_check() {
        let mut locals = Locals::default();
        locals.write("once", Some(0));
        locals.write("twice", Some(1));
        locals.write("twice", None);
        locals.write("later", None);
        locals.assigned_check("later", 2);
        locals.write("param", Some(3));
        locals.foreign("param");
        locals.write("plain", None);
        assert_eq!(locals.check_local(&"once"), Some(0));
        assert_eq!(locals.check_local(&"twice"), None);
        assert_eq!(locals.check_local(&"later"), Some(2));
        assert_eq!(locals.check_local(&"param"), None);
        assert_eq!(locals.check_local(&"plain"), None);
        assert!(locals.written_once(&"plain") && !locals.written_once(&"param"));
    }

    #[test]
    fn flag_tests_by_range() {
        let tests = FlagTests::new(vec![(10, 20, 1), (0, 5, 0), (12, 15, 2), (30, 35, 3)]);
        assert_eq!(tests.within(0..25), vec![0, 1, 2]);
        assert_eq!(tests.within(11..25), vec![2]);
        assert_eq!(tests.within(11..14), Vec::<usize>::new());
        assert!(tests.is_test(12..15) && tests.is_test(10..20));
        assert!(!tests.is_test(10..15) && !tests.is_test(1..5));
    }

    #[test]
    fn parents_and_chain_heads() {
        let branch = |kind, enclosing, outer, head| Branch {
            kind,
            span: Span::default(),
            has_else: false,
            exits_early: false,
            then_body: Body::Code,
            else_body: None,
            enclosing,
            outer,
            head,
        };
        // if flag: (if x: elif flag: (if flag: ...))
        let branches = [
            branch(ForkKind::If, None, None, None),
            branch(ForkKind::If, Some(0), Some(0), None),
            branch(ForkKind::ElseIf, Some(0), Some(1), Some(1)),
            branch(ForkKind::If, Some(2), Some(2), None),
        ];
        let flags = [true, false, true, true];
        let forks = forks(&branches, |i| Tested {
            checks: if flags[i] { vec![i, i] } else { Vec::new() },
            test: Test::default(),
        });
        let found: Vec<_> = forks
            .iter()
            .map(|f| (f.checks.clone(), f.parent, f.chain_head_is_flag))
            .collect();
        assert_eq!(
            found,
            vec![
                (vec![0], None, false),
                (vec![2], Some(0), false),
                (vec![3], Some(1), false),
            ]
        );
    }

    #[test]
    fn bodies() {
        use Statement::*;
        let body = |statements: &[Statement]| branch(statements.iter().copied()).body;
        assert_eq!(body(&[]), Body::Empty);
        assert_eq!(body(&[Nothing]), Body::Empty);
        assert_eq!(body(&[Exit]), Body::Exit);
        assert_eq!(body(&[Log, Exit]), Body::Exit);
        assert_eq!(body(&[Log, Log]), Body::Log);
        assert_eq!(body(&[Other, Exit]), Body::Code);
        assert_eq!(body(&[Exit, Exit]), Body::Code);
        assert_eq!(body(&[Log, Other]), Body::Code);
        let leaves = |statements: &[Statement]| branch(statements.iter().copied()).leaves;
        assert!(leaves(&[Other, Exit, Nothing]));
        assert!(!leaves(&[Exit, Other]));
        assert!(!leaves(&[]));
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
