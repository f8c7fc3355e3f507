//! Exponentials and logarithms: `exp`, `exp2`, `exp_m1`, `ln`, `ln_1p`, `log2`, `log10`,
//! `log`.

use crate::Float;

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
