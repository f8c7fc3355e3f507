//! Numerical derivatives by central differences: the independent reference that the
//! gradient check compares analytic gradients against.
//!
//! # The step rule
//!
//! Each input `x[i]` is moved by an absolute step `eps` to either side, as
//! `torch.autograd.gradcheck` does, and the gradient is estimated as
//!
//! ```text
//! ∂f/∂x[i] ≈ (f(.., x[i] + eps, ..) − f(.., x[i] − eps, ..)) / ((x[i] + eps) − (x[i] − eps))
//! ```
//!
//! The divisor is the distance between the two points actually evaluated, not `2·eps`:
//! `x[i] ± eps` are rounded to the type's precision, and for `|x[i]| ≫ eps` that rounding
//! can move the step by a visible fraction (0.4 % for `f32` at `x = 100`, `eps = 1e-3`).
//! The difference of the two rounded points is computed with at most one rounding (none
//! at all when they are within a factor of two of each other, the usual case), so
//! dividing by it leaves at most a relative error `ε` in the step.
//!
//! The step trades two errors. Truncation: the central difference is exact for
//! quadratics and errs by `eps²·f'''/6` in general. Rounding: each value of `f` carries a
//! relative error of about the machine epsilon `ε`, which the division turns into about
//! `ε·|f| / eps`. The sum is smallest near `eps = ∛(3ε)`: about `6e-6` for `f64` and `7e-3`
//! for `f32`. [`default_eps`] rounds these to `1e-6` for `f64` (gradcheck's own default)
//! and `1e-3` for `f32`, leaving total errors near `1e-10·|f|` and `1e-4·|f|`
//! respectively for smooth functions of moderate curvature.
//!
//! If `eps` vanishes against `x[i]` (the two points round to the same number), the
//! estimate is `0 / 0 = NaN`, never a silent zero.
//!
//! ```
//! use backprop_core::numeric::central_difference;
//!
//! // d/dx x³ = 3x² = 12 at x = 2; the truncation error is exactly eps² here.
//! let [d] = central_difference(|[x]: [f64; 1]| x * x * x, [2.0], 1e-6);
//! assert!((d - 12.0).abs() < 1e-8);
//! ```

use crate::Float;

/// The default step of [`numeric_grad`] and of the gradient check: `1e-6` for `f64` and
/// `1e-3` for `f32`.
///
/// Both are near the step `∛(3ε)` that balances truncation error `O(eps²)` against
/// rounding error `O(ε/eps)`; see the [module docs](self).
///
/// ```
/// use backprop_core::numeric::default_eps;
///
/// assert_eq!(default_eps::<f64>(), 1e-6);
/// assert_eq!(default_eps::<f32>(), 1e-3);
/// ```
pub fn default_eps<T: Float>() -> T {
    if is_single::<T>() {
        T::from_f64(1e-3)
    } else {
        T::from_f64(1e-6)
    }
}

/// `true` for `f32`. [`Float`] is sealed to `f32` and `f64`, so the name decides.
pub(crate) fn is_single<T: Float>() -> bool {
    T::NAME == "f32"
}

/// The gradient of `f` at `x` estimated by central differences with the absolute step
/// `eps` (see the [module docs](self) for the rule and its error).
///
/// `f` is called twice per input, with only that input moved.
///
/// ```
/// use backprop_core::numeric::central_difference;
///
/// // f(x, y) = x·y², whose gradient is (y², 2xy) = (4, 4) at (1, 2).
/// let g = central_difference(|[x, y]: [f64; 2]| x * y * y, [1.0, 2.0], 1e-6);
/// assert!((g[0] - 4.0).abs() < 1e-8);
/// assert!((g[1] - 4.0).abs() < 1e-8);
/// ```
pub fn central_difference<T: Float, const N: usize>(
    f: impl Fn([T; N]) -> T,
    x: [T; N],
    eps: T,
) -> [T; N] {
    core::array::from_fn(|i| {
        let mut plus = x;
        let mut minus = x;
        plus[i] = x[i] + eps;
        minus[i] = x[i] - eps;
        (f(plus) - f(minus)) / (plus[i] - minus[i])
    })
}

/// [`central_difference`] with the step [`default_eps`].
///
/// ```
/// use backprop_core::numeric::numeric_grad;
///
/// let [d] = numeric_grad(|[x]: [f32; 1]| x.sin(), [1.0]);
/// assert!((d - 1.0_f32.cos()).abs() < 1e-3);
/// ```
pub fn numeric_grad<T: Float, const N: usize>(f: impl Fn([T; N]) -> T, x: [T; N]) -> [T; N] {
    central_difference(f, x, default_eps())
}
