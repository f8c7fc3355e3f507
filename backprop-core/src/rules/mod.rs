//! Every operation's forward rule and local derivative rule, written once.
//!
//! The runtime graph, the node types and the code that `grad!` generates all call these
//! functions, so a rule (and its convention at a singular point) has one source of truth.
//! A forward rule takes the operation's arguments: `op(x) -> T`, `op(a, b) -> T`,
//! `op(a, b, c) -> T`, `powi(x, n) -> T`; an operation whose derivative needs an
//! auxiliary value from the forward pass also has `op_fwd(x) -> (T, aux)` (`sigmoid` and
//! `softplus` save exp(−|x|)). A derivative rule takes exactly the values it reads, in
//! the order arguments, output `out`, auxiliary value, and then `dout`, the gradient
//! arriving from above; it returns `dout` times each argument's local partial derivative
//! (the vector–Jacobian product), one `T` per differentiable argument:
//!
//! | operation | derivative rule | reads |
//! |---|---|---|
//! | `sin(x)` | `sin_grad(x, dout) -> T` | the argument |
//! | `exp(x)` | `exp_grad(out, dout) -> T` | the output |
//! | `a / b` | `div_grad(b, out, dout) -> (T, T)` | one argument and the output |
//! | `a + b` | `add_grad(dout) -> (T, T)` | nothing |
//! | `sigmoid(x)` | `sigmoid_grad(aux, dout) -> T` | the auxiliary value |
//!
//! What each rule reads is recorded in its row of the [table](crate::ops), so the
//! forward pass of generated code saves exactly that and nothing more.
//!
//! Conventions at non-differentiable or singular points follow PyTorch: the gradient where
//! it exists; else the minimum-norm subgradient; else the limit, which may be infinite.
//! Outside an operation's domain the result is NaN, never a panic.
//!
//! ```
//! use backprop_core::rules;
//!
//! assert_eq!(rules::sin(0.5_f64), 0.5_f64.sin());
//! assert_eq!(rules::sin_grad(0.5, 2.0), 2.0 * 0.5_f64.cos());
//! // relu'(0) = 0: the minimum-norm subgradient.
//! assert_eq!(rules::relu_grad(0.0_f64, 1.0), 0.0);
//! ```

use crate::Float;

/// `a + b`. Derivatives (1, 1).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::add(2.0, 3.0), 5.0);
/// assert_eq!(rules::add_grad(1.5), (1.5, 1.5));
/// ```
#[inline(always)]
pub fn add<T: Float>(a: T, b: T) -> T {
    a + b
}
/// Derivative rule of [`add`]: the gradient passes to both sides unchanged (example
/// there).
#[inline(always)]
pub fn add_grad<T: Float>(dout: T) -> (T, T) {
    (dout, dout)
}

/// The derivative rule of the operations whose gradient is 0 everywhere (`floor`, `ceil`,
/// `round`, `trunc`, `signum`, as in PyTorch): 0 whatever `dout` is.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::zero_grad(3.0), 0.0);
/// assert_eq!(rules::zero_grad(f64::NAN), 0.0);
/// ```
#[inline(always)]
pub fn zero_grad<T: Float>(dout: T) -> T {
    let _ = dout;
    T::ZERO
}

/// `a - b`. Derivatives (1, −1).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::sub(2.0, 3.0), -1.0);
/// assert_eq!(rules::sub_grad(1.5), (1.5, -1.5));
/// ```
#[inline(always)]
pub fn sub<T: Float>(a: T, b: T) -> T {
    a - b
}
/// Derivative rule of [`sub`], whose example shows both.
#[inline(always)]
pub fn sub_grad<T: Float>(dout: T) -> (T, T) {
    (dout, -dout)
}

/// `a * b`. Derivatives (b, a).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::mul(3.0, 4.0), 12.0);
/// assert_eq!(rules::mul_grad(3.0, 4.0, 2.0), (8.0, 6.0));
/// ```
#[inline(always)]
pub fn mul<T: Float>(a: T, b: T) -> T {
    a * b
}
/// Derivative rule of [`mul`]: each side gets the gradient times the other side's value
/// (example there).
#[inline(always)]
pub fn mul_grad<T: Float>(a: T, b: T, dout: T) -> (T, T) {
    (dout * b, dout * a)
}

/// `a / b`. Derivatives (1/b, −a/b²); at b = 0 the IEEE quotients (±inf or NaN).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::div(1.0, 4.0), 0.25);
/// assert_eq!(rules::div_grad(4.0, 0.25, 1.0), (0.25, -0.0625));
/// ```
#[inline(always)]
pub fn div<T: Float>(a: T, b: T) -> T {
    a / b
}
/// Derivative rule of [`div`]: −a/b² is computed as −out/b (example there).
#[inline(always)]
pub fn div_grad<T: Float>(b: T, out: T, dout: T) -> (T, T) {
    let db = dout / b;
    (db, -db * out)
}

/// `-x`. Derivative −1.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::neg(2.0), -2.0);
/// assert_eq!(rules::neg_grad(3.0), -3.0);
/// ```
#[inline(always)]
pub fn neg<T: Float>(x: T) -> T {
    -x
}
/// Derivative rule of [`neg`], whose example shows both.
#[inline(always)]
pub fn neg_grad<T: Float>(dout: T) -> T {
    -dout
}

/// `x.powi(n)`. Derivative n·xⁿ⁻¹; for n = 0 the derivative is 0 everywhere (even at
/// x = 0, where n·xⁿ⁻¹ would be 0·inf).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::powi(2.0, 3), 8.0);
/// assert_eq!(rules::powi_grad(2.0, 3, 1.0), 12.0);
/// // n = 0: the gradient is 0 even at x = 0.
/// assert_eq!(rules::powi_grad(0.0, 0, 1.0), 0.0);
/// ```
#[inline(always)]
pub fn powi<T: Float>(x: T, n: i32) -> T {
    x.powi(n)
}
/// Derivative rule of [`powi`], whose example shows both.
#[inline(always)]
pub fn powi_grad<T: Float>(x: T, n: i32, dout: T) -> T {
    if n == 0 {
        T::ZERO
    } else {
        // n − 1 overflows for n = i32::MIN; there x^(n−1) is taken as xⁿ / x.
        let x_n_1 = n
            .checked_sub(1)
            .map_or_else(|| x.powi(n) / x, |m| x.powi(m));
        dout * T::from_i32(n) * x_n_1
    }
}

/// `x.powf(e)`. Derivatives (e·x^(e−1), x^e·ln x). Conventions: the gradient by `x` is 0
/// where e = 0; the gradient by `e` is 0 where x = 0 and e ≥ 0 (the limit of x^e·ln x),
/// instead of 0·(−inf) = NaN. For x < 0 the gradient by `e` is NaN (ln of a negative).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::powf(4.0, 0.5), 2.0);
/// let (dx, de) = rules::powf_grad(4.0, 0.5, 2.0, 1.0);
/// assert_eq!(dx, 0.25);
/// assert!((de - 2.0 * 4.0_f64.ln()).abs() < 1e-15);
/// // At x = 0 with e ≥ 0 the gradient by e is 0, not 0·(−inf).
/// assert_eq!(rules::powf_grad(0.0, 2.0, 0.0, 1.0), (0.0, 0.0));
/// ```
#[inline(always)]
pub fn powf<T: Float>(x: T, e: T) -> T {
    x.powf(e)
}
/// Derivative rule of [`powf`], whose example shows both.
#[inline(always)]
pub fn powf_grad<T: Float>(x: T, e: T, out: T, dout: T) -> (T, T) {
    let dx = if e == T::ZERO {
        T::ZERO
    } else {
        dout * e * x.powf(e - T::ONE)
    };
    let de = if x == T::ZERO && e >= T::ZERO {
        T::ZERO
    } else {
        dout * out * x.ln()
    };
    (dx, de)
}

/// `x.sqrt()`. Derivative 1/(2√x); at x = 0 it is +inf (the limit). NaN for x < 0.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::sqrt(4.0), 2.0);
/// assert_eq!(rules::sqrt_grad(2.0, 1.0), 0.25);
/// assert_eq!(rules::sqrt_grad(0.0, 1.0), f64::INFINITY);
/// ```
#[inline(always)]
pub fn sqrt<T: Float>(x: T) -> T {
    x.sqrt()
}
/// Derivative rule of [`sqrt`], whose example shows both.
#[inline(always)]
pub fn sqrt_grad<T: Float>(out: T, dout: T) -> T {
    // sqrt(−0) is −0, but −0 is the same point as 0, where the limit is +inf.
    dout / (T::TWO * out.abs())
}

/// `x.cbrt()`. Derivative 1/(3·∛x²); at x = 0 it is +inf (the limit).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::cbrt(8.0), 2.0);
/// assert_eq!(rules::cbrt_grad(2.0, 12.0), 1.0);
/// assert_eq!(rules::cbrt_grad(0.0, 1.0), f64::INFINITY);
/// ```
#[inline(always)]
pub fn cbrt<T: Float>(x: T) -> T {
    x.cbrt()
}
/// Derivative rule of [`cbrt`], whose example shows both.
#[inline(always)]
pub fn cbrt_grad<T: Float>(out: T, dout: T) -> T {
    dout / (T::THREE * out * out)
}

/// `x.exp()`. Derivative eˣ, which is the output itself.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::exp(0.0), 1.0);
/// assert_eq!(rules::exp_grad(1.0, 2.0), 2.0);
/// ```
#[inline(always)]
pub fn exp<T: Float>(x: T) -> T {
    x.exp()
}
/// Derivative rule of [`exp`], whose example shows both.
#[inline(always)]
pub fn exp_grad<T: Float>(out: T, dout: T) -> T {
    dout * out
}

/// `x.exp2()`. Derivative 2ˣ·ln 2.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::exp2(3.0), 8.0);
/// assert_eq!(rules::exp2_grad(8.0, 1.0), 8.0 * std::f64::consts::LN_2);
/// ```
#[inline(always)]
pub fn exp2<T: Float>(x: T) -> T {
    x.exp2()
}
/// Derivative rule of [`exp2`], whose example shows both.
#[inline(always)]
pub fn exp2_grad<T: Float>(out: T, dout: T) -> T {
    dout * out * T::LN_2
}

/// `x.exp_m1()` = eˣ − 1. Derivative eˣ, computed as `x.exp()` (not out + 1, which loses
/// the digits of a tiny eˣ for very negative x).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::exp_m1(0.0), 0.0);
/// assert_eq!(rules::exp_m1_grad(0.0, 1.0), 1.0);
/// ```
#[inline(always)]
pub fn exp_m1<T: Float>(x: T) -> T {
    x.exp_m1()
}
/// Derivative rule of [`exp_m1`], whose example shows both.
#[inline(always)]
pub fn exp_m1_grad<T: Float>(x: T, dout: T) -> T {
    dout * x.exp()
}

/// `x.ln()`. Derivative 1/x; at x = 0 it is +inf. NaN for x < 0.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::ln(1.0), 0.0);
/// assert_eq!(rules::ln_grad(4.0, 1.0), 0.25);
/// assert_eq!(rules::ln_grad(0.0, 1.0), f64::INFINITY);
/// assert!(rules::ln(-1.0_f64).is_nan());
/// ```
#[inline(always)]
pub fn ln<T: Float>(x: T) -> T {
    x.ln()
}
/// Derivative rule of [`ln`], whose example shows both.
#[inline(always)]
pub fn ln_grad<T: Float>(x: T, dout: T) -> T {
    dout / x
}

/// `x.ln_1p()` = ln(1 + x). Derivative 1/(1 + x).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::ln_1p(0.0), 0.0);
/// assert_eq!(rules::ln_1p_grad(1.0, 1.0), 0.5);
/// ```
#[inline(always)]
pub fn ln_1p<T: Float>(x: T) -> T {
    x.ln_1p()
}
/// Derivative rule of [`ln_1p`], whose example shows both.
#[inline(always)]
pub fn ln_1p_grad<T: Float>(x: T, dout: T) -> T {
    dout / (T::ONE + x)
}

/// `x.log2()`. Derivative 1/(x·ln 2).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::log2(8.0), 3.0);
/// let d = rules::log2_grad(8.0, 1.0);
/// assert!((d - 1.0 / (8.0 * std::f64::consts::LN_2)).abs() < 1e-16);
/// ```
#[inline(always)]
pub fn log2<T: Float>(x: T) -> T {
    x.log2()
}
/// Derivative rule of [`log2`], whose example shows both.
#[inline(always)]
pub fn log2_grad<T: Float>(x: T, dout: T) -> T {
    dout / (x * T::LN_2)
}

/// `x.log10()`. Derivative 1/(x·ln 10).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::log10(100.0), 2.0);
/// let d = rules::log10_grad(100.0, 1.0);
/// assert!((d - 1.0 / (100.0 * std::f64::consts::LN_10)).abs() < 1e-17);
/// ```
#[inline(always)]
pub fn log10<T: Float>(x: T) -> T {
    x.log10()
}
/// Derivative rule of [`log10`], whose example shows both.
#[inline(always)]
pub fn log10_grad<T: Float>(x: T, dout: T) -> T {
    dout / (x * T::LN_10)
}

/// `x.log(base)`. Derivatives (1/(x·ln b), −ln x/(b·ln² b)), the second computed as
/// −out/(b·ln b).
///
/// ```
/// use backprop_core::rules;
///
/// let out = rules::log(8.0_f64, 2.0);
/// assert!((out - 3.0).abs() < 1e-15);
/// let (dx, dbase) = rules::log_grad(8.0, 2.0, out, 1.0);
/// let ln2 = std::f64::consts::LN_2;
/// assert!((dx - 1.0 / (8.0 * ln2)).abs() < 1e-15);
/// assert!((dbase + 3.0 / (2.0 * ln2)).abs() < 1e-14);
/// ```
#[inline(always)]
pub fn log<T: Float>(x: T, base: T) -> T {
    x.log(base)
}
/// Derivative rule of [`log`], whose example shows both.
#[inline(always)]
pub fn log_grad<T: Float>(x: T, base: T, out: T, dout: T) -> (T, T) {
    let ln_b = base.ln();
    (dout / (x * ln_b), -dout * out / (base * ln_b))
}

/// `x.recip()` = 1/x. Derivative −1/x², computed as −out².
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::recip(4.0), 0.25);
/// assert_eq!(rules::recip_grad(0.25, 1.0), -0.0625);
/// ```
#[inline(always)]
pub fn recip<T: Float>(x: T) -> T {
    x.recip()
}
/// Derivative rule of [`recip`], whose example shows both.
#[inline(always)]
pub fn recip_grad<T: Float>(out: T, dout: T) -> T {
    -dout * out * out
}

/// `x.sin()`. Derivative cos x.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::sin(0.0), 0.0);
/// assert_eq!(rules::sin_grad(0.0, 1.0), 1.0);
/// ```
#[inline(always)]
pub fn sin<T: Float>(x: T) -> T {
    x.sin()
}
/// Derivative rule of [`sin`], whose example shows both.
#[inline(always)]
pub fn sin_grad<T: Float>(x: T, dout: T) -> T {
    dout * x.cos()
}

/// `x.cos()`. Derivative −sin x.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::cos(0.0), 1.0);
/// assert_eq!(rules::cos_grad(0.0, 1.0), 0.0);
/// ```
#[inline(always)]
pub fn cos<T: Float>(x: T) -> T {
    x.cos()
}
/// Derivative rule of [`cos`], whose example shows both.
#[inline(always)]
pub fn cos_grad<T: Float>(x: T, dout: T) -> T {
    -dout * x.sin()
}

/// `x.tan()`. Derivative 1 + tan² x, computed from the output.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::tan(0.0), 0.0);
/// assert_eq!(rules::tan_grad(0.0, 1.0), 1.0);
/// ```
#[inline(always)]
pub fn tan<T: Float>(x: T) -> T {
    x.tan()
}
/// Derivative rule of [`tan`], whose example shows both.
#[inline(always)]
pub fn tan_grad<T: Float>(out: T, dout: T) -> T {
    dout * (T::ONE + out * out)
}

/// `x.asin()`. Derivative 1/√(1 − x²); +inf at x = ±1 (the limit), NaN for |x| > 1.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::asin(0.0), 0.0);
/// assert_eq!(rules::asin_grad(0.0, 1.0), 1.0);
/// assert_eq!(rules::asin_grad(1.0, 1.0), f64::INFINITY);
/// assert!(rules::asin(2.0_f64).is_nan());
/// ```
#[inline(always)]
pub fn asin<T: Float>(x: T) -> T {
    x.asin()
}
/// Derivative rule of [`asin`], whose example shows both.
#[inline(always)]
pub fn asin_grad<T: Float>(x: T, dout: T) -> T {
    // (1 − x)(1 + x) keeps full accuracy near |x| = 1, where 1 − x² cancels.
    dout / ((T::ONE - x) * (T::ONE + x)).sqrt()
}

/// `x.acos()`. Derivative −1/√(1 − x²); −inf at x = ±1 (the limit), NaN for |x| > 1.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::acos(1.0), 0.0);
/// assert_eq!(rules::acos_grad(0.0, 1.0), -1.0);
/// assert_eq!(rules::acos_grad(1.0, 1.0), f64::NEG_INFINITY);
/// ```
#[inline(always)]
pub fn acos<T: Float>(x: T) -> T {
    x.acos()
}
/// Derivative rule of [`acos`], whose example shows both.
#[inline(always)]
pub fn acos_grad<T: Float>(x: T, dout: T) -> T {
    -dout / ((T::ONE - x) * (T::ONE + x)).sqrt()
}

/// `x.atan()`. Derivative 1/(1 + x²).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::atan(0.0), 0.0);
/// assert_eq!(rules::atan_grad(1.0, 1.0), 0.5);
/// ```
#[inline(always)]
pub fn atan<T: Float>(x: T) -> T {
    x.atan()
}
/// Derivative rule of [`atan`], whose example shows both.
#[inline(always)]
pub fn atan_grad<T: Float>(x: T, dout: T) -> T {
    dout / (T::ONE + x * x)
}

/// `y.atan2(x)`. Derivatives (x/(x² + y²), −y/(x² + y²)); at (0, 0) the gradient is
/// (0, 0), the minimum-norm choice.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::atan2(1.0, 1.0), std::f64::consts::FRAC_PI_4);
/// assert_eq!(rules::atan2_grad(0.0, 2.0, 1.0), (0.5, 0.0));
/// // At the origin: (0, 0).
/// assert_eq!(rules::atan2_grad(0.0, 0.0, 1.0), (0.0, 0.0));
/// ```
#[inline(always)]
pub fn atan2<T: Float>(y: T, x: T) -> T {
    y.atan2(x)
}
/// Derivative rule of [`atan2`], whose example shows both.
#[inline(always)]
pub fn atan2_grad<T: Float>(y: T, x: T, dout: T) -> (T, T) {
    // x² + y² underflows to 0 near the origin and overflows far from it, long before
    // x/(x² + y²) does; r = hypot(y, x) and the ratios x/r, y/r stay in range.
    let r = y.hypot(x);
    if r == T::ZERO {
        (T::ZERO, T::ZERO)
    } else {
        let k = dout / r;
        (k * (x / r), -k * (y / r))
    }
}

/// `x.sinh()`. Derivative cosh x.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::sinh(0.0), 0.0);
/// assert_eq!(rules::sinh_grad(0.0, 1.0), 1.0);
/// ```
#[inline(always)]
pub fn sinh<T: Float>(x: T) -> T {
    x.sinh()
}
/// Derivative rule of [`sinh`], whose example shows both.
#[inline(always)]
pub fn sinh_grad<T: Float>(x: T, dout: T) -> T {
    dout * x.cosh()
}

/// `x.cosh()`. Derivative sinh x.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::cosh(0.0), 1.0);
/// assert_eq!(rules::cosh_grad(0.0, 1.0), 0.0);
/// ```
#[inline(always)]
pub fn cosh<T: Float>(x: T) -> T {
    x.cosh()
}
/// Derivative rule of [`cosh`], whose example shows both.
#[inline(always)]
pub fn cosh_grad<T: Float>(x: T, dout: T) -> T {
    dout * x.sinh()
}

/// `x.tanh()`. Derivative 1 − tanh² x, computed from the output.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::tanh(0.0), 0.0);
/// assert_eq!(rules::tanh_grad(0.0, 1.0), 1.0);
/// ```
#[inline(always)]
pub fn tanh<T: Float>(x: T) -> T {
    x.tanh()
}
/// Derivative rule of [`tanh`], whose example shows both.
#[inline(always)]
pub fn tanh_grad<T: Float>(out: T, dout: T) -> T {
    dout * (T::ONE - out * out)
}

/// `x.abs()`. Derivative sign x; abs'(0) = 0, the minimum-norm subgradient.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::abs(-3.0), 3.0);
/// assert_eq!(rules::abs_grad(-3.0, 1.0), -1.0);
/// assert_eq!(rules::abs_grad(0.0, 1.0), 0.0);
/// ```
#[inline(always)]
pub fn abs<T: Float>(x: T) -> T {
    x.abs()
}
/// Derivative rule of [`abs`], whose example shows both.
#[inline(always)]
pub fn abs_grad<T: Float>(x: T, dout: T) -> T {
    if x > T::ZERO {
        dout
    } else if x < T::ZERO {
        -dout
    } else if x == T::ZERO {
        T::ZERO
    } else {
        T::NAN
    }
}

/// `a.max(b)`, with `f64::max`'s value (a NaN argument is ignored). Derivatives: 1 to the
/// larger argument, 0 to the other; a tie splits the gradient 0.5 / 0.5 (the minimum-norm
/// subgradient); if one argument is NaN the gradient goes to the other, whose value was
/// returned.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::max(1.0, 2.0), 2.0);
/// assert_eq!(rules::max_grad(1.0, 2.0, 1.0), (0.0, 1.0));
/// assert_eq!(rules::max_grad(1.0, 1.0, 1.0), (0.5, 0.5));
/// assert_eq!(rules::max(f64::NAN, 2.0), 2.0);
/// assert_eq!(rules::max_grad(f64::NAN, 2.0, 1.0), (0.0, 1.0));
/// ```
#[inline(always)]
pub fn max<T: Float>(a: T, b: T) -> T {
    a.max(b)
}
/// Derivative rule of [`max`], whose example shows both.
#[inline(always)]
pub fn max_grad<T: Float>(a: T, b: T, dout: T) -> (T, T) {
    select_grad(a, b, dout)
}

/// `a.min(b)`, with `f64::min`'s value (a NaN argument is ignored). Derivatives: 1 to the
/// smaller argument, 0 to the other; a tie splits the gradient 0.5 / 0.5; if one argument
/// is NaN the gradient goes to the other, whose value was returned.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::min(1.0, 2.0), 1.0);
/// assert_eq!(rules::min_grad(1.0, 2.0, 1.0), (1.0, 0.0));
/// assert_eq!(rules::min_grad(1.0, 1.0, 1.0), (0.5, 0.5));
/// ```
#[inline(always)]
pub fn min<T: Float>(a: T, b: T) -> T {
    a.min(b)
}
/// Derivative rule of [`min`], whose example shows both.
#[inline(always)]
pub fn min_grad<T: Float>(a: T, b: T, dout: T) -> (T, T) {
    // min(a, b) = −max(−a, −b): the smaller argument is the larger of the negations.
    select_grad(-a, -b, dout)
}

/// The gradient of picking the larger of `a` and `b`, shared by `max` and (with the
/// arguments negated) `min`.
#[inline(always)]
fn select_grad<T: Float>(a: T, b: T, dout: T) -> (T, T) {
    if a > b || b.is_nan() {
        (dout, T::ZERO)
    } else if b > a || a.is_nan() {
        (T::ZERO, dout)
    } else {
        let half = dout * T::HALF;
        (half, half)
    }
}

/// `a.hypot(b)` = √(a² + b²). Derivatives (a/out, b/out); at (0, 0) the gradient is
/// (0, 0), the minimum-norm subgradient.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::hypot(3.0, 4.0), 5.0);
/// assert_eq!(rules::hypot_grad(3.0, 4.0, 5.0, 1.0), (0.6, 0.8));
/// assert_eq!(rules::hypot_grad(0.0, 0.0, 0.0, 1.0), (0.0, 0.0));
/// ```
#[inline(always)]
pub fn hypot<T: Float>(a: T, b: T) -> T {
    a.hypot(b)
}
/// Derivative rule of [`hypot`], whose example shows both.
#[inline(always)]
pub fn hypot_grad<T: Float>(a: T, b: T, out: T, dout: T) -> (T, T) {
    if out == T::ZERO {
        (T::ZERO, T::ZERO)
    } else {
        // a/out and b/out are at most 1, where dout/out could overflow for a subnormal out.
        (dout * (a / out), dout * (b / out))
    }
}

/// `a.mul_add(b, c)` = a·b + c with one rounding. Derivatives (b, a, 1).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::mul_add(2.0, 3.0, 1.0), 7.0);
/// assert_eq!(rules::mul_add_grad(2.0, 3.0, 2.0), (6.0, 4.0, 2.0));
/// ```
#[inline(always)]
pub fn mul_add<T: Float>(a: T, b: T, c: T) -> T {
    a.mul_add(b, c)
}
/// Derivative rule of [`mul_add`], whose example shows both.
#[inline(always)]
pub fn mul_add_grad<T: Float>(a: T, b: T, dout: T) -> (T, T, T) {
    (dout * b, dout * a, dout)
}

/// The logistic function 1/(1 + e⁻ˣ) with its saved auxiliary value e = exp(−|x|).
///
/// Stable for every x: computed as 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0, so it
/// never overflows. The derivative e/(1 + e)² reuses the same exponential and keeps full
/// relative accuracy in both tails (σ·(1 − σ) would round to 0 for x > 37).
///
/// ```
/// use backprop_core::rules;
///
/// let (out, e) = rules::sigmoid_fwd(0.0);
/// assert_eq!((out, e), (0.5, 1.0));
/// assert_eq!(rules::sigmoid_grad(e, 1.0), 0.25);
/// // Far in the tail σ rounds to 1, so σ·(1 − σ) would be 0; e/(1 + e)² is not.
/// let (out, e) = rules::sigmoid_fwd(40.0);
/// assert_eq!(out * (1.0 - out), 0.0);
/// assert!(rules::sigmoid_grad(e, 1.0) > 4e-18);
/// ```
#[inline(always)]
pub fn sigmoid_fwd<T: Float>(x: T) -> (T, T) {
    let e = (-x.abs()).exp();
    let s = if x >= T::ZERO {
        T::ONE / (T::ONE + e)
    } else {
        e / (T::ONE + e)
    };
    (s, e)
}
/// The logistic function 1/(1 + e⁻ˣ); see [`sigmoid_fwd`].
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::sigmoid(0.0), 0.5);
/// assert_eq!(rules::sigmoid(-1000.0), 0.0);
/// assert_eq!(rules::sigmoid(1000.0), 1.0);
/// ```
#[inline(always)]
pub fn sigmoid<T: Float>(x: T) -> T {
    sigmoid_fwd(x).0
}
/// Derivative rule of [`sigmoid`]: e/(1 + e)² with the saved e = exp(−|x|) (the example on
/// [`sigmoid_fwd`] shows it).
#[inline(always)]
pub fn sigmoid_grad<T: Float>(e: T, dout: T) -> T {
    let one_e = T::ONE + e;
    dout * e / (one_e * one_e)
}

/// The rectifier max(x, 0). Derivative 1 for x > 0, else 0: relu'(0) = 0. A NaN input
/// gives NaN.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::relu(-1.0), 0.0);
/// assert_eq!(rules::relu(2.0), 2.0);
/// assert_eq!(rules::relu_grad(2.0, 1.0), 1.0);
/// assert_eq!(rules::relu_grad(0.0, 1.0), 0.0);
/// ```
#[inline(always)]
pub fn relu<T: Float>(x: T) -> T {
    if x > T::ZERO || x.is_nan() {
        x
    } else {
        T::ZERO
    }
}
/// Derivative rule of [`relu`], whose example shows both.
#[inline(always)]
pub fn relu_grad<T: Float>(x: T, dout: T) -> T {
    if x > T::ZERO {
        dout
    } else if x.is_nan() {
        T::NAN
    } else {
        T::ZERO
    }
}

/// softplus(x) = ln(1 + eˣ) with its saved auxiliary value e = exp(−|x|).
///
/// Stable for every x: computed as max(x, 0) + ln_1p(e), so it never overflows and keeps
/// full relative accuracy for very negative x. Its derivative is the logistic function,
/// computed from the same e.
///
/// ```
/// use backprop_core::rules;
///
/// let (out, e) = rules::softplus_fwd(0.0);
/// assert!((out - std::f64::consts::LN_2).abs() < 1e-16);
/// assert_eq!(e, 1.0);
/// assert_eq!(rules::softplus_grad(0.0, e, 1.0), 0.5);
/// ```
#[inline(always)]
pub fn softplus_fwd<T: Float>(x: T) -> (T, T) {
    let e = (-x.abs()).exp();
    let positive = if x > T::ZERO { x } else { T::ZERO };
    (positive + e.ln_1p(), e)
}
/// softplus(x) = ln(1 + eˣ); see [`softplus_fwd`].
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::softplus(1000.0), 1000.0);
/// assert!(rules::softplus(-50.0) > 0.0);
/// ```
#[inline(always)]
pub fn softplus<T: Float>(x: T) -> T {
    softplus_fwd(x).0
}
/// Derivative rule of [`softplus`]: σ(x), from the saved e = exp(−|x|) (the example on
/// [`softplus_fwd`] shows it).
#[inline(always)]
pub fn softplus_grad<T: Float>(x: T, e: T, dout: T) -> T {
    let s = if x >= T::ZERO {
        T::ONE / (T::ONE + e)
    } else {
        e / (T::ONE + e)
    };
    dout * s
}

mod activation;
mod piecewise;
mod special;

pub use activation::*;
pub use piecewise::*;
pub use special::*;
