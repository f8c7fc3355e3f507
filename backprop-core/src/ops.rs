//! The table of operations: one row per operation, read by everything else.
//!
//! Each row names the operation, its shape (arity), the text of its forward rule and of
//! each partial derivative (for derivations, drawings and docs), and its convention at
//! singular points. The runtime graph, the node types, the `grad!` macro's parser and code
//! generator, and the derivation text all read this table; the arithmetic itself is in
//! [`rules`]. Adding an operation is one row here plus its two functions there.
//!
//! ```
//! use backprop_core::ops::{self, Op};
//!
//! let info = ops::lookup("tanh").unwrap();
//! assert_eq!(info.params, ["x"]);
//! assert_eq!(info.derivatives, ["(1 - out²)"]);
//! let (out, aux) = Op::Tanh.eval(&[0.5_f64]);
//! assert_eq!(out, 0.5_f64.tanh());
//! assert_eq!(Op::Tanh.grad(&[0.5], out, aux, 1.0)[0], 1.0 - out * out);
//! ```

use crate::{rules, Float};

/// The shape of an operation's arguments.
///
/// ```
/// use backprop_core::{Op, Shape};
///
/// assert_eq!(Op::Hypot.info().shape, Shape::Binary);
/// assert_eq!(Op::Powi(2).info().shape, Shape::IntPower);
/// assert_eq!(Op::MulAdd.info().shape.arity(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// One argument: `op(x)`.
    Unary,
    /// One argument, and the forward pass saves an auxiliary value for the derivative
    /// (`sigmoid` and `softplus` save exp(−|x|)).
    UnaryAux,
    /// Two arguments: `op(a, b)`.
    Binary,
    /// Three arguments: `op(a, b, c)`.
    Ternary,
    /// One argument and an integer exponent that is not differentiated: `powi(x, n)`.
    IntPower,
}

impl Shape {
    /// How many differentiable (floating-point) arguments the operation takes: the
    /// integer exponent of `powi` does not count.
    ///
    /// ```
    /// use backprop_core::Shape;
    ///
    /// assert_eq!(Shape::IntPower.arity(), 1);
    /// assert_eq!(Shape::Ternary.arity(), 3);
    /// ```
    pub const fn arity(self) -> usize {
        match self {
            Shape::Unary | Shape::UnaryAux | Shape::IntPower => 1,
            Shape::Binary => 2,
            Shape::Ternary => 3,
        }
    }
}

/// One row of the table of operations.
///
/// ```
/// use backprop_core::Op;
///
/// let info = Op::Atan2.info();
/// assert_eq!((info.variant, info.name, info.symbol), ("Atan2", "atan2", None));
/// assert_eq!(info.params, ["y", "x"]);
/// assert_eq!(info.forward, "atan2(y, x)");
/// assert_eq!(info.derivatives, ["x / (x² + y²)", "-y / (x² + y²)"]);
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
    /// The shape of the arguments.
    pub shape: Shape,
    /// The parameter names, in call order (the receiver first): `["y", "x"]` for atan2,
    /// `["x", "n"]` for powi.
    pub params: &'static [&'static str],
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

macro_rules! operations {
    ($(
        $(#[$doc:meta])*
        $variant:ident $(($n:ident))? = $shape:ident($fwd:ident, $grad:ident), $name:literal,
        $symbol:expr, [$($param:literal),*], $forward:literal, [$($der:literal),*],
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
                name: $name,
                symbol: $symbol,
                shape: Shape::$shape,
                params: &[$($param),*],
                forward: $forward,
                derivatives: &[$($der),*],
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
                    $($name => Some(Op::$variant $((operations!(@exponent $n, exponent)))?),)*
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
                    $(Op::$variant $(($n))? => operations!(@eval $shape, $fwd, args $(, $n)?),)*
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
                match self {
                    $(Op::$variant $(($n))? =>
                        operations!(@grad $shape, $grad, args, out, aux, dout $(, $n)?),)*
                }
            }
        }
    };
    (@exponent $n:ident, $value:ident) => { $value };
    (@eval Unary, $f:ident, $a:ident) => { (rules::$f($a[0]), T::ZERO) };
    (@eval UnaryAux, $f:ident, $a:ident) => { rules::$f($a[0]) };
    (@eval Binary, $f:ident, $a:ident) => { (rules::$f($a[0], $a[1]), T::ZERO) };
    (@eval Ternary, $f:ident, $a:ident) => { (rules::$f($a[0], $a[1], $a[2]), T::ZERO) };
    (@eval IntPower, $f:ident, $a:ident, $n:ident) => { (rules::$f($a[0], $n), T::ZERO) };
    (@grad Unary, $g:ident, $a:ident, $out:ident, $aux:ident, $d:ident) => {{
        let _ = $aux;
        [rules::$g($a[0], $out, $d), T::ZERO, T::ZERO]
    }};
    (@grad UnaryAux, $g:ident, $a:ident, $out:ident, $aux:ident, $d:ident) => {
        [rules::$g($a[0], $out, $aux, $d), T::ZERO, T::ZERO]
    };
    (@grad Binary, $g:ident, $a:ident, $out:ident, $aux:ident, $d:ident) => {{
        let _ = $aux;
        let (da, db) = rules::$g($a[0], $a[1], $out, $d);
        [da, db, T::ZERO]
    }};
    (@grad Ternary, $g:ident, $a:ident, $out:ident, $aux:ident, $d:ident) => {{
        let _ = $aux;
        let (da, db, dc) = rules::$g($a[0], $a[1], $a[2], $out, $d);
        [da, db, dc]
    }};
    (@grad IntPower, $g:ident, $a:ident, $out:ident, $aux:ident, $d:ident, $n:ident) => {{
        let _ = $aux;
        [rules::$g($a[0], $n, $out, $d), T::ZERO, T::ZERO]
    }};
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

const NONE: Option<&str> = None;

operations! {
    /// `a + b`.
    Add = Binary(add, add_grad), "add", Some("+"), ["a", "b"], "a + b", ["1", "1"], "";
    /// `a - b`.
    Sub = Binary(sub, sub_grad), "sub", Some("-"), ["a", "b"], "a - b", ["1", "-1"], "";
    /// `a * b`.
    Mul = Binary(mul, mul_grad), "mul", Some("*"), ["a", "b"], "a * b", ["b", "a"], "";
    /// `a / b`.
    Div = Binary(div, div_grad), "div", Some("/"), ["a", "b"], "a / b", ["1 / b", "-out / b"],
        "";
    /// `-x`.
    Neg = Unary(neg, neg_grad), "neg", Some("-"), ["x"], "-x", ["-1"], "";
    /// `x.powi(n)` with a constant integer exponent.
    Powi(n) = IntPower(powi, powi_grad), "powi", NONE, ["x", "n"], "x^n", ["n * x^(n - 1)"],
        "powi(x, 0) has gradient 0 everywhere, x = 0 included";
    /// `x.powf(e)`.
    Powf = Binary(powf, powf_grad), "powf", NONE, ["x", "e"], "x^e",
        ["e * x^(e - 1)", "out * ln(x)"],
        "gradient by x is 0 where e = 0; gradient by e is 0 where x = 0 and e >= 0";
    /// `x.sqrt()`.
    Sqrt = Unary(sqrt, sqrt_grad), "sqrt", NONE, ["x"], "sqrt(x)", ["1 / (2 * out)"],
        "sqrt'(0) = +inf (the limit)";
    /// `x.cbrt()`.
    Cbrt = Unary(cbrt, cbrt_grad), "cbrt", NONE, ["x"], "cbrt(x)", ["1 / (3 * out²)"],
        "cbrt'(0) = +inf (the limit)";
    /// `x.exp()`.
    Exp = Unary(exp, exp_grad), "exp", NONE, ["x"], "exp(x)", ["out"], "";
    /// `x.exp2()`.
    Exp2 = Unary(exp2, exp2_grad), "exp2", NONE, ["x"], "2^x", ["out * ln(2)"], "";
    /// `x.exp_m1()`.
    ExpM1 = Unary(exp_m1, exp_m1_grad), "exp_m1", NONE, ["x"], "exp(x) - 1", ["exp(x)"], "";
    /// `x.ln()`.
    Ln = Unary(ln, ln_grad), "ln", NONE, ["x"], "ln(x)", ["1 / x"], "ln'(0) = +inf";
    /// `x.ln_1p()`.
    Ln1p = Unary(ln_1p, ln_1p_grad), "ln_1p", NONE, ["x"], "ln(1 + x)", ["1 / (1 + x)"], "";
    /// `x.log2()`.
    Log2 = Unary(log2, log2_grad), "log2", NONE, ["x"], "log2(x)", ["1 / (x * ln(2))"], "";
    /// `x.log10()`.
    Log10 = Unary(log10, log10_grad), "log10", NONE, ["x"], "log10(x)", ["1 / (x * ln(10))"],
        "";
    /// `x.log(base)`.
    Log = Binary(log, log_grad), "log", NONE, ["x", "base"], "ln(x) / ln(base)",
        ["1 / (x * ln(base))", "-out / (base * ln(base))"], "";
    /// `x.recip()`.
    Recip = Unary(recip, recip_grad), "recip", NONE, ["x"], "1 / x", ["-out²"], "";
    /// `x.sin()`.
    Sin = Unary(sin, sin_grad), "sin", NONE, ["x"], "sin(x)", ["cos(x)"], "";
    /// `x.cos()`.
    Cos = Unary(cos, cos_grad), "cos", NONE, ["x"], "cos(x)", ["-sin(x)"], "";
    /// `x.tan()`.
    Tan = Unary(tan, tan_grad), "tan", NONE, ["x"], "tan(x)", ["(1 + out²)"], "";
    /// `x.asin()`.
    Asin = Unary(asin, asin_grad), "asin", NONE, ["x"], "asin(x)", ["1 / sqrt(1 - x²)"],
        "+inf at x = ±1 (the limit)";
    /// `x.acos()`.
    Acos = Unary(acos, acos_grad), "acos", NONE, ["x"], "acos(x)", ["-1 / sqrt(1 - x²)"],
        "-inf at x = ±1 (the limit)";
    /// `x.atan()`.
    Atan = Unary(atan, atan_grad), "atan", NONE, ["x"], "atan(x)", ["1 / (1 + x²)"], "";
    /// `y.atan2(x)`.
    Atan2 = Binary(atan2, atan2_grad), "atan2", NONE, ["y", "x"], "atan2(y, x)",
        ["x / (x² + y²)", "-y / (x² + y²)"], "gradient (0, 0) at (0, 0)";
    /// `x.sinh()`.
    Sinh = Unary(sinh, sinh_grad), "sinh", NONE, ["x"], "sinh(x)", ["cosh(x)"], "";
    /// `x.cosh()`.
    Cosh = Unary(cosh, cosh_grad), "cosh", NONE, ["x"], "cosh(x)", ["sinh(x)"], "";
    /// `x.tanh()`.
    Tanh = Unary(tanh, tanh_grad), "tanh", NONE, ["x"], "tanh(x)", ["(1 - out²)"], "";
    /// `x.abs()`.
    Abs = Unary(abs, abs_grad), "abs", NONE, ["x"], "|x|", ["sign(x)"], "abs'(0) = 0";
    /// `a.max(b)`.
    Max = Binary(max, max_grad), "max", NONE, ["a", "b"], "max(a, b)", ["[a > b]", "[b > a]"],
        "a tie splits the gradient 0.5 / 0.5";
    /// `a.min(b)`.
    Min = Binary(min, min_grad), "min", NONE, ["a", "b"], "min(a, b)", ["[a < b]", "[b < a]"],
        "a tie splits the gradient 0.5 / 0.5";
    /// `a.hypot(b)`.
    Hypot = Binary(hypot, hypot_grad), "hypot", NONE, ["a", "b"], "sqrt(a² + b²)",
        ["a / out", "b / out"], "gradient (0, 0) at (0, 0)";
    /// `a.mul_add(b, c)` = a·b + c.
    MulAdd = Ternary(mul_add, mul_add_grad), "mul_add", NONE, ["a", "b", "c"], "a * b + c",
        ["b", "a", "1"], "";
    /// The logistic function 1/(1 + e^−x).
    Sigmoid = UnaryAux(sigmoid_fwd, sigmoid_grad), "sigmoid", NONE, ["x"], "1 / (1 + exp(-x))",
        ["e / (1 + e)², e = exp(-|x|)"], "";
    /// The rectifier max(x, 0).
    Relu = Unary(relu, relu_grad), "relu", NONE, ["x"], "max(x, 0)", ["[x > 0]"],
        "relu'(0) = 0";
    /// softplus(x) = ln(1 + e^x).
    Softplus = UnaryAux(softplus_fwd, softplus_grad), "softplus", NONE, ["x"],
        "ln(1 + exp(x))", ["sigmoid(x)"], "";
}

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
