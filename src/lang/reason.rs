//! Why a check's key cannot be known before the code runs, in one vocabulary for every reader.

use crate::facts::KeyExpr;

/// What a dynamic key is, as [`KeyExpr::Dynamic`] says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DynamicReason {
    /// Anything else.
    Expression,
    /// A Python f-string.
    FString,
    /// A Python bytes literal.
    BytesLiteral,
    /// A JS template literal with substitutions.
    TemplateLiteral,
    /// A literal that is not a string: a number, a byte string.
    NonStringLiteral,
    /// `a + b`.
    StringConcatenation,
    /// Python `"%s" % x`.
    PercentFormat,
    /// Python `"{}".format(x)`.
    FormatCall,
    /// Rust `format!(...)`.
    FormatMacro,
    /// The value a call returns.
    CallResult,
    /// The value a method call returns.
    MethodCallResult,
    /// A macro's expansion.
    MacroCall,
    /// `a if c else b`, `c ? a : b`, `if c { a } else { b }`.
    Conditional,
    /// An element of a container: `keys[i]`.
    Subscript,
    /// A member read through an index that is not a string.
    NonLiteralIndex,
    /// An attribute of something other than a name: `f().x`.
    AttributeOfExpression,
    /// A field of something other than a path: `f().x`.
    FieldOfExpression,
    /// A member of `this`.
    MemberOfThis,
    /// A computed property name: `{ [k]: v }`.
    ComputedProperty,
    /// `*args`, `**kwargs`.
    UnpackedArgument,
    /// `...args`.
    SpreadArgument,
    /// A JSX attribute without a value.
    AttributeWithoutValue,
    /// A JSX expression container with nothing inside.
    EmptyExpression,
}

impl DynamicReason {
    /// The words a diagnostic uses: "an f-string", "a string concatenation".
    pub fn text(self) -> &'static str {
        match self {
            DynamicReason::Expression => "an expression",
            DynamicReason::FString => "an f-string",
            DynamicReason::BytesLiteral => "a bytes literal",
            DynamicReason::TemplateLiteral => "a template literal",
            DynamicReason::NonStringLiteral => "a non-string literal",
            DynamicReason::StringConcatenation => "a string concatenation",
            DynamicReason::PercentFormat => "a % format",
            DynamicReason::FormatCall => "a format() call",
            DynamicReason::FormatMacro => "a format!() call",
            DynamicReason::CallResult => "a function call result",
            DynamicReason::MethodCallResult => "a method call result",
            DynamicReason::MacroCall => "a macro call",
            DynamicReason::Conditional => "a conditional expression",
            DynamicReason::Subscript => "a subscript",
            DynamicReason::NonLiteralIndex => "a non-literal index",
            DynamicReason::AttributeOfExpression => "an attribute of an expression",
            DynamicReason::FieldOfExpression => "a field of an expression",
            DynamicReason::MemberOfThis => "a member of `this`",
            DynamicReason::ComputedProperty => "a computed property",
            DynamicReason::UnpackedArgument => "an unpacked argument",
            DynamicReason::SpreadArgument => "a spread argument",
            DynamicReason::AttributeWithoutValue => "an attribute without a value",
            DynamicReason::EmptyExpression => "an empty expression",
        }
    }
}

impl From<DynamicReason> for KeyExpr {
    fn from(reason: DynamicReason) -> Self {
        KeyExpr::Dynamic(reason.text().to_string())
    }
}
