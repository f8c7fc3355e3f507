//! Piecewise operations: `abs`, `max`, `min`, clamping, and the step functions (sign and
//! rounding), whose gradient is 0 everywhere (as PyTorch): their table rows use
//! [`zero_grad`](super::zero_grad).

use crate::Float;

/// `x` clamped to [lo, hi]: lo where x < lo, hi where x > hi, else x (a NaN `x` stays
/// NaN), the value of `f64::clamp`. Where `f64::clamp` would panic, lo > hi or a NaN
/// bound, the value is NaN.
///
/// Derivatives, as PyTorch: by x 1 inside [lo, hi], boundaries included, else 0; by lo 1
/// where x < lo; by hi 1 where x > hi. lo > hi or a NaN bound: all NaN. A NaN `x`: all 0
/// (every comparison is false).
///
/// ```
/// use backprop_core::rules::{clamp, clamp_grad};
///
/// assert_eq!(clamp(5.0_f64, 0.0, 1.0), 1.0);
/// assert_eq!(clamp_grad(5.0_f64, 0.0, 1.0, 1.0), (0.0, 0.0, 1.0));
/// // At a boundary the gradient goes to x.
/// assert_eq!(clamp_grad(1.0_f64, 0.0, 1.0, 1.0), (1.0, 0.0, 0.0));
/// assert!(clamp(0.5_f64, 1.0, 0.0).is_nan());
/// ```
#[inline(always)]
pub fn clamp<T: Float>(x: T, lo: T, hi: T) -> T {
    #[allow(clippy::neg_cmp_op_on_partial_ord)] // `!(lo <= hi)` is meant to catch NaN
    if !(lo <= hi) {
        T::NAN
    } else if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    }
}
/// Derivative rule of [`clamp`] (example there).
#[inline(always)]
pub fn clamp_grad<T: Float>(x: T, lo: T, hi: T, dout: T) -> (T, T, T) {
    let pick = |chosen: bool| if chosen { dout } else { T::ZERO };
    #[allow(clippy::neg_cmp_op_on_partial_ord)] // `!(lo <= hi)` is meant to catch NaN
    if !(lo <= hi) {
        (T::NAN, T::NAN, T::NAN)
    } else {
        (pick(lo <= x && x <= hi), pick(x < lo), pick(x > hi))
    }
}

/// The sign, as `f64::signum`: 1 for x > 0 and for +0, −1 for x < 0 and for −0, NaN for
/// NaN. Its gradient is 0 everywhere (as PyTorch).
///
/// ```
/// use backprop_core::rules::signum;
///
/// assert_eq!(signum(-3.0_f64), -1.0);
/// assert_eq!(signum(0.0_f64), 1.0);
/// assert_eq!(signum(-0.0_f64), -1.0);
/// ```
#[inline(always)]
pub fn signum<T: Float>(x: T) -> T {
    x.signum()
}

/// The largest integer not above x, as `f64::floor`. Its gradient is 0 everywhere (as
/// PyTorch).
///
/// ```
/// use backprop_core::rules::floor;
///
/// assert_eq!(floor(-0.5_f64), -1.0);
/// assert_eq!(floor(2.5_f64), 2.0);
/// ```
#[inline(always)]
pub fn floor<T: Float>(x: T) -> T {
    x.floor()
}

/// The smallest integer not below x, as `f64::ceil`. Its gradient is 0 everywhere (as
/// PyTorch).
///
/// ```
/// use backprop_core::rules::ceil;
///
/// assert_eq!(ceil(0.5_f64), 1.0);
/// assert_eq!(ceil(-0.5_f64), -0.0);
/// ```
#[inline(always)]
pub fn ceil<T: Float>(x: T) -> T {
    x.ceil()
}

/// The nearest integer, halves away from zero, as `f64::round` (PyTorch's `round`
/// rounds halves to even instead). Its gradient is 0 everywhere (as PyTorch).
///
/// ```
/// use backprop_core::rules::round;
///
/// assert_eq!(round(2.5_f64), 3.0);
/// assert_eq!(round(-0.5_f64), -1.0);
/// ```
#[inline(always)]
pub fn round<T: Float>(x: T) -> T {
    x.round()
}

/// The integer part, toward zero, as `f64::trunc`. Its gradient is 0 everywhere (as
/// PyTorch).
///
/// ```
/// use backprop_core::rules::trunc;
///
/// assert_eq!(trunc(-2.5_f64), -2.0);
/// assert_eq!(trunc(2.5_f64), 2.0);
/// ```
#[inline(always)]
pub fn trunc<T: Float>(x: T) -> T {
    x.trunc()
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
