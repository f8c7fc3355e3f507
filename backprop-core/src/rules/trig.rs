//! Trigonometric and hyperbolic functions and their inverses.

use crate::Float;

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
