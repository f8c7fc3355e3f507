//! The rows of the table of operations: one per operation, the whole truth about it (see
//! the [module](super) docs). Adding an operation is one row here, its rule functions in
//! `rules` and its tests.

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
