//! The table of operations: one row per operation, read by everything else.
//!
//! A row is the whole truth about an operation: its names, its calling convention, its
//! rule functions in [`rules`], what its derivative rule reads, each partial derivative in
//! a structured form and as text, and its convention at singular points. From the rows
//! come the [`Op`] enum and [`OPS`], one method per operation on
//! [`Var`](crate::Var), one teaching node per operation in [`nodes`](crate::nodes), the
//! drawing's labels, and, in the `grad!` macro, the parser, the reverse sweep, the code
//! generator and the derivation text. Adding an operation is one row in
//! `for_each_op!` (in `ops/table.rs`), its rule functions and its tests.
//!
//! ```
//! use backprop_core::ops::{self, Op, Partial, Read};
//!
//! let info = ops::lookup("tanh").unwrap();
//! assert_eq!(info.params, ["x"]);
//! assert_eq!(info.derivatives, ["(1 - out²)"]);
//! // tanh' = 1 − tanh², so the derivative rule reads the output alone.
//! assert_eq!(info.reads, [Read::Out]);
//! assert_eq!(info.partials, [Partial::Rule]);
//! let (out, aux) = Op::Tanh.eval(&[0.5_f64]);
//! assert_eq!(out, 0.5_f64.tanh());
//! assert_eq!(Op::Tanh.grad(&[0.5], out, aux, 1.0)[0], 1.0 - out * out);
//! ```

use crate::{rules, Float};

/// How an operation is called: the calling convention of its row, which fixes the
/// parameters' types and what its forward rule returns.
///
/// ```
/// use backprop_core::{Op, ParamType, Signature};
///
/// assert_eq!(Op::Hypot.info().signature, Signature::Binary);
/// assert_eq!(Op::Powi(2).info().signature, Signature::IntPower);
/// assert_eq!(Signature::IntPower.params(), [ParamType::Float, ParamType::Int]);
/// assert_eq!(Op::MulAdd.info().signature.arity(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Signature {
    /// One argument: `op(x)`.
    Unary,
    /// One argument, and the forward rule `op_fwd(x) -> (out, aux)` also returns an
    /// auxiliary value for the derivative (`sigmoid` and `softplus` save exp(−|x|)).
    UnaryAux,
    /// Two arguments: `op(a, b)`.
    Binary,
    /// Three arguments: `op(a, b, c)`.
    Ternary,
    /// One argument and an `i32` exponent that is not differentiated: `powi(x, n)`.
    IntPower,
}

/// The type of a parameter of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamType {
    /// The element type `T`: differentiated.
    Float,
    /// An `i32` constant: not differentiated.
    Int,
}

impl Signature {
    /// How many differentiable (floating-point) arguments the operation takes: the
    /// integer exponent of `powi` does not count.
    ///
    /// ```
    /// use backprop_core::Signature;
    ///
    /// assert_eq!(Signature::IntPower.arity(), 1);
    /// assert_eq!(Signature::Ternary.arity(), 3);
    /// ```
    pub const fn arity(self) -> usize {
        match self {
            Signature::Unary | Signature::UnaryAux | Signature::IntPower => 1,
            Signature::Binary => 2,
            Signature::Ternary => 3,
        }
    }

    /// The types of all parameters, in call order.
    pub const fn params(self) -> &'static [ParamType] {
        use ParamType::{Float, Int};
        match self {
            Signature::Unary | Signature::UnaryAux => &[Float],
            Signature::Binary => &[Float, Float],
            Signature::Ternary => &[Float, Float, Float],
            Signature::IntPower => &[Float, Int],
        }
    }

    /// Whether the forward rule also returns an auxiliary value.
    pub const fn has_aux(self) -> bool {
        matches!(self, Signature::UnaryAux)
    }
}

/// A value that a derivative rule reads, in the order of the rule's parameters (before
/// `dout`). The forward pass of generated code saves exactly these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Read {
    /// The argument at this position of the call (the receiver is 0; `n` of `powi` is 1).
    Arg(usize),
    /// The operation's value.
    Out,
    /// The auxiliary value of the forward rule (see [`Signature::UnaryAux`]).
    Aux,
}

/// One partial derivative of an operation in structured form: how the backward step turns
/// the incoming gradient `d` into this argument's contribution.
///
/// ```
/// use backprop_core::{Op, Partial};
///
/// // The `*` node multiplies the gradient by the other side's value.
/// assert_eq!(Op::Mul.info().partials, [Partial::TimesArg(1), Partial::TimesArg(0)]);
/// assert_eq!(Op::Sub.info().partials, [Partial::Pass, Partial::Negate]);
/// assert_eq!(Op::Sin.info().partials, [Partial::Rule]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Partial {
    /// `d` itself: the partial derivative is 1.
    Pass,
    /// `-d`: the partial derivative is −1.
    Negate,
    /// `d * arg`, the argument at this position.
    TimesArg(usize),
    /// This argument's component of the derivative rule's result.
    Rule,
    /// Nothing: the partial derivative is 0 everywhere, so no gradient flows.
    Zero,
}

/// One row of the table of operations.
///
/// ```
/// use backprop_core::ops::{Op, Read};
///
/// let info = Op::Atan2.info();
/// assert_eq!((info.variant, info.name, info.symbol), ("Atan2", "atan2", None));
/// assert_eq!(info.params, ["y", "x"]);
/// assert_eq!(info.forward, "atan2(y, x)");
/// assert_eq!(info.derivatives, ["x / (x² + y²)", "-y / (x² + y²)"]);
/// assert_eq!((info.value_rule, info.grad_rule), ("atan2", "atan2_grad"));
/// assert_eq!(info.reads, [Read::Arg(0), Read::Arg(1)]);
/// assert_eq!(info.convention, "gradient (0, 0) at (0, 0)");
/// ```
#[derive(Debug)]
pub struct OpInfo {
    /// The name of the [`Op`] variant (`"Sin"`), for code that names the operation.
    pub variant: &'static str,
    /// The name: `f64`'s method name for a callable operation (`"sin"`), a descriptive
    /// name for an operator (`"add"`).
    pub name: &'static str,
    /// The operator's symbol (`"+"`) for the arithmetic operators, which are written only
    /// as operators; `None` for operations called by name.
    pub symbol: Option<&'static str>,
    /// The calling convention.
    pub signature: Signature,
    /// The parameter names, in call order (the receiver first): `["y", "x"]` for atan2,
    /// `["x", "n"]` for powi.
    pub params: &'static [&'static str],
    /// Whether the arguments may be swapped without changing the value (`+`, `*`, `max`).
    pub commutes: bool,
    /// The forward rule's function in [`rules`], returning the value alone.
    pub value_rule: &'static str,
    /// The forward rule's function that also returns the auxiliary value; the same as
    /// `value_rule` for operations without one.
    pub forward_rule: &'static str,
    /// The derivative rule's function in [`rules`].
    pub grad_rule: &'static str,
    /// What the derivative rule reads, in the order of its parameters before `dout`.
    pub reads: &'static [Read],
    /// For each differentiable parameter, its partial derivative in structured form.
    pub partials: &'static [Partial],
    /// The forward rule as text, in the parameter names.
    pub forward: &'static str,
    /// For each differentiable parameter, the local partial derivative as text, written so
    /// that `dout * <text>` reads correctly; `out` is the forward value.
    pub derivatives: &'static [&'static str],
    /// The convention at non-differentiable or singular points, if the operation has one.
    pub convention: &'static str,
}

impl OpInfo {
    /// `true` for operations called by name (`x.sin()`, `sin(x)`), `false` for operators.
    ///
    /// ```
    /// use backprop_core::Op;
    ///
    /// assert!(Op::Sin.info().is_callable());
    /// assert!(!Op::Add.info().is_callable());
    /// ```
    pub fn is_callable(&self) -> bool {
        self.symbol.is_none()
    }
}

mod table;

pub(crate) use table::for_each_op;

// Input: the rows of `for_each_op!`.
// Output: `enum Op`, `static OPS: &[OpInfo]`, and `Op::{info, from_name, eval, grad}`,
// whose `eval` and `grad` call each row's rules with the values its reads name.
macro_rules! operations {
    ($(
        $(#[$doc:meta])*
        $variant:ident $(($n:ident))? = $sig:ident $name:ident $symbol:tt $node:ident
            ($($param:ident),+) $commutes:literal,
            rules($value:ident, $fwd:ident, $grad:ident($($read:ident),*)),
            $forward:literal, [$($partial:ident $(($pk:literal))? $der:literal),+],
            $convention:literal;
    )*) => {
        /// An operation of the table, as recorded on the runtime graph.
        ///
        /// The variants are the rows of [`OPS`], in the same order.
        ///
        /// ```
        /// use backprop_core::Op;
        ///
        /// let (value, _) = Op::Powi(3).eval(&[2.0_f64]);
        /// assert_eq!(value, 8.0);
        /// assert_eq!(Op::Powi(3).info().name, "powi");
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Op {
            $($(#[$doc])* $variant $(($crate::ops::int_type!($n)))?,)*
        }

        /// The table of operations, one row per [`Op`] variant, in declaration order.
        ///
        /// ```
        /// use backprop_core::OPS;
        ///
        /// let callable: Vec<&str> =
        ///     OPS.iter().filter(|op| op.is_callable()).map(|op| op.name).collect();
        /// assert_eq!(&callable[..4], ["powi", "powf", "sqrt", "cbrt"]);
        /// assert!(OPS.iter().any(|op| op.name == "sigmoid"));
        /// ```
        pub static OPS: &[OpInfo] = &[$(
            OpInfo {
                variant: stringify!($variant),
                name: stringify!($name),
                symbol: operations!(@symbol $symbol),
                signature: Signature::$sig,
                params: &[$(stringify!($param)),+],
                commutes: $commutes,
                value_rule: stringify!($value),
                forward_rule: stringify!($fwd),
                grad_rule: stringify!($grad),
                reads: &[$(operations!(@read_kind $read)),*],
                partials: &[$(Partial::$partial $(($pk))?),+],
                forward: $forward,
                derivatives: &[$($der),+],
                convention: $convention,
            },
        )*];

        impl Op {
            /// The operation's row of the table.
            ///
            /// ```
            /// use backprop_core::Op;
            ///
            /// assert_eq!(Op::Relu.info().convention, "relu'(0) = 0");
            /// ```
            pub fn info(self) -> &'static OpInfo {
                let index = [$(matches!(self, Op::$variant $(($crate::ops::wildcard!($n)))?)),*]
                    .iter()
                    .position(|&hit| hit)
                    .unwrap_or_default();
                &OPS[index]
            }

            /// The operation whose row is called `name` (operators by their table name,
            /// `"add"`), with `exponent` as the integer exponent of `powi`.
            ///
            /// ```
            /// use backprop_core::Op;
            ///
            /// assert_eq!(Op::from_name("tanh", 0), Some(Op::Tanh));
            /// assert_eq!(Op::from_name("powi", 3), Some(Op::Powi(3)));
            /// assert_eq!(Op::from_name("tahn", 0), None);
            /// ```
            pub fn from_name(name: &str, exponent: i32) -> Option<Op> {
                let _ = exponent;
                match name {
                    $(stringify!($name) =>
                        Some(Op::$variant $((operations!(@exponent $n, exponent)))?),)*
                    _ => None,
                }
            }

            /// The forward rule: the value, and the auxiliary value saved for the
            /// derivative (0 for operations that save none).
            ///
            /// ```
            /// use backprop_core::Op;
            ///
            /// assert_eq!(Op::Sub.eval(&[5.0, 3.0]), (2.0, 0.0));
            /// // sigmoid saves e = exp(-|x|) for its derivative.
            /// assert_eq!(Op::Sigmoid.eval(&[0.0]), (0.5, 1.0));
            /// ```
            ///
            /// # Panics
            ///
            /// If `args` holds fewer values than the operation's arity.
            #[inline]
            pub fn eval<T: Float>(self, args: &[T]) -> (T, T) {
                match self {
                    $(Op::$variant $(($n))? =>
                        operations!(@eval $sig, $fwd, args $(, $n)?),)*
                }
            }

            /// The derivative rule: `dout` times each partial derivative, for the
            /// operation's arity; unused entries are 0.
            ///
            /// ```
            /// use backprop_core::Op;
            ///
            /// let args = [3.0, 4.0];
            /// let (out, aux) = Op::Mul.eval(&args);
            /// assert_eq!(Op::Mul.grad(&args, out, aux, 2.0), [8.0, 6.0, 0.0]);
            /// ```
            ///
            /// # Panics
            ///
            /// If `args` holds fewer values than the operation's arity.
            #[inline]
            pub fn grad<T: Float>(self, args: &[T], out: T, aux: T, dout: T) -> [T; 3] {
                let _ = (args, out, aux);
                match self {
                    $(Op::$variant $(($n))? => {
                        $(let int: i32 = $n;)?
                        operations!(@grad $sig,
                            rules::$grad($(operations!(@read $sig $read args out aux int),)* dout))
                    })*
                }
            }
        }
    };
    (@symbol "") => { None };
    (@symbol $symbol:tt) => { Some($symbol) };
    (@exponent $n:ident, $value:ident) => { $value };
    (@read_kind arg0) => { Read::Arg(0) };
    (@read_kind arg1) => { Read::Arg(1) };
    (@read_kind arg2) => { Read::Arg(2) };
    (@read_kind out) => { Read::Out };
    (@read_kind aux) => { Read::Aux };
    // The integer argument of `powi` lives in the variant, not among the float arguments.
    (@read IntPower arg1 $a:ident $o:ident $x:ident $n:ident) => { $n };
    (@read $s:ident arg0 $a:ident $o:ident $x:ident $n:ident) => { $a[0] };
    (@read $s:ident arg1 $a:ident $o:ident $x:ident $n:ident) => { $a[1] };
    (@read $s:ident arg2 $a:ident $o:ident $x:ident $n:ident) => { $a[2] };
    (@read $s:ident out $a:ident $o:ident $x:ident $n:ident) => { $o };
    (@read $s:ident aux $a:ident $o:ident $x:ident $n:ident) => { $x };
    (@eval Unary, $f:ident, $a:ident) => { (rules::$f($a[0]), T::ZERO) };
    (@eval UnaryAux, $f:ident, $a:ident) => { rules::$f($a[0]) };
    (@eval Binary, $f:ident, $a:ident) => { (rules::$f($a[0], $a[1]), T::ZERO) };
    (@eval Ternary, $f:ident, $a:ident) => { (rules::$f($a[0], $a[1], $a[2]), T::ZERO) };
    (@eval IntPower, $f:ident, $a:ident, $n:ident) => { (rules::$f($a[0], $n), T::ZERO) };
    (@grad Binary, $call:expr) => {{
        let (da, db) = $call;
        [da, db, T::ZERO]
    }};
    (@grad Ternary, $call:expr) => {{
        let (da, db, dc) = $call;
        [da, db, dc]
    }};
    (@grad $unary:ident, $call:expr) => { [$call, T::ZERO, T::ZERO] };
}

macro_rules! int_type {
    ($n:ident) => {
        i32
    };
}
macro_rules! wildcard {
    ($n:ident) => {
        _
    };
}
pub(crate) use {int_type, wildcard};

for_each_op!(operations);

/// The row of the operation called `name` (`"sin"`, `"atan2"`), among the operations
/// called by name; `None` for an unknown name or an operator's name.
///
/// ```
/// assert_eq!(backprop_core::ops::lookup("atan2").unwrap().params, ["y", "x"]);
/// assert!(backprop_core::ops::lookup("add").is_none());
/// ```
pub fn lookup(name: &str) -> Option<&'static OpInfo> {
    OPS.iter()
        .find(|info| info.is_callable() && info.name == name)
}
