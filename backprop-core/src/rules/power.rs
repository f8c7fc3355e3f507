//! Powers and roots: `powi`, `powf`, `sqrt`, `cbrt`, `recip`, `hypot`.

use crate::Float;

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
    let slope = x.powf(e - T::ONE);
    // At e = 0 the partial is 0, also where x^(e−1) is infinite (x = 0); elsewhere it is
    // computed (+0 keeps it +0), so that on dual numbers ∂²/∂x∂e = 1/x survives.
    let dx = if e != T::ZERO {
        dout * e * slope
    } else if slope.is_finite() {
        dout * e * slope + T::ZERO
    } else {
        T::ZERO
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
