//! The table of operations: one row per operation, read by everything else.
//!
//! A row is the whole truth about an operation: its names, its calling convention, its
//! rule functions in [`rules`], what its derivative rule reads, each partial derivative in
//! a structured form and as text, and its convention at singular points. From the rows
//! come the [`Op`] enum and [`OPS`], one method per operation on
//! [`Var`](crate::Var), one teaching node per operation in [`nodes`](crate::nodes), the
//! drawing's labels, and, in the `grad!` macro, the parser, the reverse sweep, the code
//! generator and the derivation text. Adding an operation is one row in
//! `for_each_op!` (in this file), its rule functions and its tests.
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

/// The rows of the table, handed to `$callback!`, which picks out what it needs.
///
/// A row reads
///
/// ```text
/// Variant[(n)] = Signature name "symbol" Node (params) commutes,
///     rules(value_rule, forward_rule, grad_rule(reads)),
///     "forward text", [Partial "text", ...], "convention";
/// ```
///
/// with `""` as the symbol of an operation called by name, and the reads among `arg0`,
/// `arg1`, `arg2`, `out` and `aux`.
macro_rules! for_each_op {
    ($callback:ident) => {
        $callback! {
            /// `a + b`.
            Add = Binary add "+" AddNode (a, b) true,
                rules(add, add, add_grad()),
                "a + b", [Pass "1", Pass "1"], "";
            /// `a - b`.
            Sub = Binary sub "-" SubNode (a, b) false,
                rules(sub, sub, sub_grad()),
                "a - b", [Pass "1", Negate "-1"], "";
            /// `a * b`.
            Mul = Binary mul "*" MulNode (a, b) true,
                rules(mul, mul, mul_grad(arg0, arg1)),
                "a * b", [TimesArg(1) "b", TimesArg(0) "a"], "";
            /// `a / b`.
            Div = Binary div "/" DivNode (a, b) false,
                rules(div, div, div_grad(arg1, out)),
                "a / b", [Rule "1 / b", Rule "-out / b"], "";
            /// `-x`.
            Neg = Unary neg "-" NegNode (x) false,
                rules(neg, neg, neg_grad()),
                "-x", [Negate "-1"], "";
            /// `x.powi(n)` with a constant integer exponent.
            Powi(n) = IntPower powi "" PowiNode (x, n) false,
                rules(powi, powi, powi_grad(arg0, arg1)),
                "x^n", [Rule "n * x^(n - 1)"],
                "powi(x, 0) has gradient 0 everywhere, x = 0 included";
            /// `x.powf(e)`.
            Powf = Binary powf "" PowfNode (x, e) false,
                rules(powf, powf, powf_grad(arg0, arg1, out)),
                "x^e", [Rule "e * x^(e - 1)", Rule "out * ln(x)"],
                "gradient by x is 0 where e = 0; gradient by e is 0 where x = 0 and e >= 0";
            /// `x.sqrt()`.
            Sqrt = Unary sqrt "" SqrtNode (x) false,
                rules(sqrt, sqrt, sqrt_grad(out)),
                "sqrt(x)", [Rule "1 / (2 * out)"], "sqrt'(0) = +inf (the limit)";
            /// `x.cbrt()`.
            Cbrt = Unary cbrt "" CbrtNode (x) false,
                rules(cbrt, cbrt, cbrt_grad(out)),
                "cbrt(x)", [Rule "1 / (3 * out²)"], "cbrt'(0) = +inf (the limit)";
            /// `x.exp()`.
            Exp = Unary exp "" ExpNode (x) false,
                rules(exp, exp, exp_grad(out)),
                "exp(x)", [Rule "out"], "";
            /// `x.exp2()`.
            Exp2 = Unary exp2 "" Exp2Node (x) false,
                rules(exp2, exp2, exp2_grad(out)),
                "2^x", [Rule "out * ln(2)"], "";
            /// `x.exp_m1()`.
            ExpM1 = Unary exp_m1 "" ExpM1Node (x) false,
                rules(exp_m1, exp_m1, exp_m1_grad(arg0)),
                "exp(x) - 1", [Rule "exp(x)"], "";
            /// `x.ln()`.
            Ln = Unary ln "" LnNode (x) false,
                rules(ln, ln, ln_grad(arg0)),
                "ln(x)", [Rule "1 / x"], "ln'(0) = +inf";
            /// `x.ln_1p()`.
            Ln1p = Unary ln_1p "" Ln1pNode (x) false,
                rules(ln_1p, ln_1p, ln_1p_grad(arg0)),
                "ln(1 + x)", [Rule "1 / (1 + x)"], "";
            /// `x.log2()`.
            Log2 = Unary log2 "" Log2Node (x) false,
                rules(log2, log2, log2_grad(arg0)),
                "log2(x)", [Rule "1 / (x * ln(2))"], "";
            /// `x.log10()`.
            Log10 = Unary log10 "" Log10Node (x) false,
                rules(log10, log10, log10_grad(arg0)),
                "log10(x)", [Rule "1 / (x * ln(10))"], "";
            /// `x.log(base)`.
            Log = Binary log "" LogNode (x, base) false,
                rules(log, log, log_grad(arg0, arg1, out)),
                "ln(x) / ln(base)",
                [Rule "1 / (x * ln(base))", Rule "-out / (base * ln(base))"], "";
            /// `x.recip()`.
            Recip = Unary recip "" RecipNode (x) false,
                rules(recip, recip, recip_grad(out)),
                "1 / x", [Rule "-out²"], "";
            /// `x.sin()`.
            Sin = Unary sin "" SinNode (x) false,
                rules(sin, sin, sin_grad(arg0)),
                "sin(x)", [Rule "cos(x)"], "";
            /// `x.cos()`.
            Cos = Unary cos "" CosNode (x) false,
                rules(cos, cos, cos_grad(arg0)),
                "cos(x)", [Rule "-sin(x)"], "";
            /// `x.tan()`.
            Tan = Unary tan "" TanNode (x) false,
                rules(tan, tan, tan_grad(out)),
                "tan(x)", [Rule "(1 + out²)"], "";
            /// `x.asin()`.
            Asin = Unary asin "" AsinNode (x) false,
                rules(asin, asin, asin_grad(arg0)),
                "asin(x)", [Rule "1 / sqrt(1 - x²)"], "+inf at x = ±1 (the limit)";
            /// `x.acos()`.
            Acos = Unary acos "" AcosNode (x) false,
                rules(acos, acos, acos_grad(arg0)),
                "acos(x)", [Rule "-1 / sqrt(1 - x²)"], "-inf at x = ±1 (the limit)";
            /// `x.atan()`.
            Atan = Unary atan "" AtanNode (x) false,
                rules(atan, atan, atan_grad(arg0)),
                "atan(x)", [Rule "1 / (1 + x²)"], "";
            /// `y.atan2(x)`.
            Atan2 = Binary atan2 "" Atan2Node (y, x) false,
                rules(atan2, atan2, atan2_grad(arg0, arg1)),
                "atan2(y, x)", [Rule "x / (x² + y²)", Rule "-y / (x² + y²)"],
                "gradient (0, 0) at (0, 0)";
            /// `x.sinh()`.
            Sinh = Unary sinh "" SinhNode (x) false,
                rules(sinh, sinh, sinh_grad(arg0)),
                "sinh(x)", [Rule "cosh(x)"], "";
            /// `x.cosh()`.
            Cosh = Unary cosh "" CoshNode (x) false,
                rules(cosh, cosh, cosh_grad(arg0)),
                "cosh(x)", [Rule "sinh(x)"], "";
            /// `x.tanh()`.
            Tanh = Unary tanh "" TanhNode (x) false,
                rules(tanh, tanh, tanh_grad(out)),
                "tanh(x)", [Rule "(1 - out²)"], "";
            /// `x.abs()`.
            Abs = Unary abs "" AbsNode (x) false,
                rules(abs, abs, abs_grad(arg0)),
                "|x|", [Rule "sign(x)"], "abs'(0) = 0";
            /// `a.max(b)`.
            Max = Binary max "" MaxNode (a, b) true,
                rules(max, max, max_grad(arg0, arg1)),
                "max(a, b)", [Rule "[a > b]", Rule "[b > a]"],
                "a tie splits the gradient 0.5 / 0.5";
            /// `a.min(b)`.
            Min = Binary min "" MinNode (a, b) true,
                rules(min, min, min_grad(arg0, arg1)),
                "min(a, b)", [Rule "[a < b]", Rule "[b < a]"],
                "a tie splits the gradient 0.5 / 0.5";
            /// `a.hypot(b)`.
            Hypot = Binary hypot "" HypotNode (a, b) true,
                rules(hypot, hypot, hypot_grad(arg0, arg1, out)),
                "sqrt(a² + b²)", [Rule "a / out", Rule "b / out"],
                "gradient (0, 0) at (0, 0)";
            /// `a.mul_add(b, c)` = a·b + c.
            MulAdd = Ternary mul_add "" MulAddNode (a, b, c) false,
                rules(mul_add, mul_add, mul_add_grad(arg0, arg1)),
                "a * b + c", [TimesArg(1) "b", TimesArg(0) "a", Pass "1"], "";
            /// The logistic function 1/(1 + e^−x).
            Sigmoid = UnaryAux sigmoid "" SigmoidNode (x) false,
                rules(sigmoid, sigmoid_fwd, sigmoid_grad(aux)),
                "1 / (1 + exp(-x))", [Rule "e / (1 + e)², e = exp(-|x|)"], "";
            /// The rectifier max(x, 0).
            Relu = Unary relu "" ReluNode (x) false,
                rules(relu, relu, relu_grad(arg0)),
                "max(x, 0)", [Rule "[x > 0]"], "relu'(0) = 0";
            /// softplus(x) = ln(1 + e^x).
            Softplus = UnaryAux softplus "" SoftplusNode (x) false,
                rules(softplus, softplus_fwd, softplus_grad(arg0, aux)),
                "ln(1 + exp(x))", [Rule "sigmoid(x)"], "";
            /// The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt.
            Erf = Unary erf "" ErfNode (x) false,
                rules(erf, erf, erf_grad(arg0)),
                "erf(x)", [Rule "2 / sqrt(π) * exp(-x²)"], "";
            /// The complementary error function erfc(x) = 1 − erf(x), accurate in its tail.
            Erfc = Unary erfc "" ErfcNode (x) false,
                rules(erfc, erfc, erfc_grad(arg0)),
                "1 - erf(x)", [Rule "-2 / sqrt(π) * exp(-x²)"], "";
            /// The sigmoid linear unit x·σ(x), also called swish.
            Silu = Unary silu "" SiluNode (x) false,
                rules(silu, silu, silu_grad(arg0)),
                "x * sigmoid(x)", [Rule "s * (1 + x * (1 - s)), s = sigmoid(x)"], "";
            /// The Gaussian error linear unit x·Φ(x), exact (with erf).
            Gelu = Unary gelu "" GeluNode (x) false,
                rules(gelu, gelu, gelu_grad(arg0)),
                "x * Φ(x)", [Rule "Φ(x) + x * φ(x)"],
                "Φ is the standard normal distribution function, (1 + erf(x / √2)) / 2, and φ its density";
            /// GELU in PyTorch's tanh approximation (`approximate = "tanh"`).
            GeluTanh = Unary gelu_tanh "" GeluTanhNode (x) false,
                rules(gelu_tanh, gelu_tanh, gelu_tanh_grad(arg0)),
                "x * (1 + tanh(u)) / 2, u = √(2/π) * (x + 0.044715 * x³)",
                [Rule "(1 + tanh(u)) / 2 + x * (1 - tanh²(u)) * u' / 2"], "";
            /// The exponential linear unit with α = 1.
            Elu = Unary elu "" EluNode (x) false,
                rules(elu, elu, elu_grad(arg0)),
                "x if x > 0, else exp(x) - 1", [Rule "1 if x > 0, else exp(x)"],
                "α = 1; both sides give gradient 1 at x = 0";
            /// The leaky rectifier: x for x > 0, else slope·x.
            LeakyRelu = Binary leaky_relu "" LeakyReluNode (x, slope) false,
                rules(leaky_relu, leaky_relu, leaky_relu_grad(arg0, arg1)),
                "x if x > 0, else slope * x",
                [Rule "1 if x > 0, else slope", Rule "0 if x > 0, else x"],
                "at x = 0 the gradient by x is slope, as PyTorch";
            /// ln σ(x), computed without overflow or loss of accuracy in its tails.
            LogSigmoid = Unary log_sigmoid "" LogSigmoidNode (x) false,
                rules(log_sigmoid, log_sigmoid, log_sigmoid_grad(arg0)),
                "ln(sigmoid(x))", [Rule "sigmoid(-x)"], "";
            /// ln(eᵃ + eᵇ), computed without overflow.
            Logaddexp = Binary logaddexp "" LogaddexpNode (a, b) true,
                rules(logaddexp, logaddexp, logaddexp_grad(arg0, arg1)),
                "ln(exp(a) + exp(b))", [Rule "sigmoid(a - b)", Rule "sigmoid(b - a)"],
                "a tie splits the gradient 0.5 / 0.5";
            /// `x.clamp(lo, hi)`, which returns NaN where `f64::clamp` would panic.
            Clamp = Ternary clamp "" ClampNode (x, lo, hi) false,
                rules(clamp, clamp, clamp_grad(arg0, arg1, arg2)),
                "min(max(x, lo), hi)", [Rule "[lo <= x <= hi]", Rule "[x < lo]", Rule "[x > hi]"],
                "boundaries pass the gradient to x, as PyTorch; lo > hi or a NaN bound gives NaN value and gradients (f64::clamp would panic)";
            /// `x.signum()`.
            Signum = Unary signum "" SignumNode (x) false,
                rules(signum, signum, zero_grad()),
                "sign(x)", [Zero "0"],
                "gradient 0 everywhere, as PyTorch; signum(±0) = ±1, as f64::signum";
            /// `x.floor()`.
            Floor = Unary floor "" FloorNode (x) false,
                rules(floor, floor, zero_grad()),
                "floor(x)", [Zero "0"], "gradient 0 everywhere, jumps included, as PyTorch";
            /// `x.ceil()`.
            Ceil = Unary ceil "" CeilNode (x) false,
                rules(ceil, ceil, zero_grad()),
                "ceil(x)", [Zero "0"], "gradient 0 everywhere, jumps included, as PyTorch";
            /// `x.round()`: halves away from zero, as `f64::round`.
            Round = Unary round "" RoundNode (x) false,
                rules(round, round, zero_grad()),
                "round(x)", [Zero "0"],
                "gradient 0 everywhere, as PyTorch; halves round away from zero, as f64::round (PyTorch rounds them to even)";
            /// `x.trunc()`.
            Trunc = Unary trunc "" TruncNode (x) false,
                rules(trunc, trunc, zero_grad()),
                "trunc(x)", [Zero "0"], "gradient 0 everywhere, jumps included, as PyTorch";
        }
    };
}
pub(crate) use for_each_op;

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
