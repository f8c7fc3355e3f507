//! Activation functions of neural networks (`sigmoid`, `relu`, `softplus`, `silu`, `gelu`,
//! `elu`, `leaky_relu`, `log_sigmoid`), and `logaddexp`.
//!
//! Each keeps full relative accuracy in its tails, value and derivative alike: the
//! logistic function is always evaluated as a pair σ(t), σ(−t) from one exp(−|t|), so
//! that neither 1 − σ nor 1 + tanh ever cancels.

use super::special::{norm_cdf_f64, norm_pdf_f64};
use crate::float::{smooth, Smooth};
use crate::Float;

/// (σ(t), σ(−t)) from the one exponential exp(−|t|), both to full relative accuracy.
#[inline(always)]
fn sigmoid_pair<T: Float>(t: T) -> (T, T) {
    let e = exp_neg_abs(t, t >= T::ZERO);
    let d = T::ONE + e;
    let (big, small) = (T::ONE / d, e / d);
    if t >= T::ZERO {
        (big, small)
    } else {
        (small, big)
    }
}

/// exp(−|x|), written as exp(−x) where `positive` (the caller's own test of x's sign)
/// holds and exp(x) elsewhere: the same number, but on dual numbers its tangent at 0 is
/// that of the branch the caller takes, not abs'(0) = 0, so the caller's formula is
/// differentiated as the smooth function it is.
#[inline(always)]
fn exp_neg_abs<T: Float>(x: T, positive: bool) -> T {
    if positive {
        (-x).exp()
    } else {
        x.exp()
    }
}

/// `x · s` for a factor s in [0, 1] that went to 0 only for x → −∞: the limit −0 there,
/// where −inf · 0 would be NaN.
#[inline(always)]
fn times_vanishing<T: Float>(x: T, s: T) -> T {
    if s == T::ZERO {
        -T::ZERO
    } else {
        x * s
    }
}

/// The derivative σ(t)·(1 + x·t′·σ(−t)) of x·σ(t(x)), shared by `silu` (t = x) and
/// `gelu_tanh`. At the ends, where a factor vanishes and the other may be infinite, it is
/// the limit: 0 as σ(t) → 0 and 1 as σ(−t) → 0.
#[inline(always)]
fn x_sigmoid_grad<T: Float>(x: T, s: T, s_neg: T, dt: T, dout: T) -> T {
    if s == T::ZERO {
        T::ZERO
    } else if s_neg == T::ZERO {
        dout * s
    } else {
        dout * s * (T::ONE + x * dt * s_neg)
    }
}

/// SiLU (swish) x·σ(x). Derivative σ(x)·(1 + x·σ(−x)). The limit at x = −∞ is −0.
///
/// Stable in both tails: σ(−x) is computed directly, never as 1 − σ(x), so the value and
/// the derivative keep full relative accuracy for very negative x.
///
/// ```
/// use backprop_core::rules::{silu, silu_grad};
///
/// assert_eq!(silu(0.0_f64), 0.0);
/// assert_eq!(silu_grad(0.0_f64, 1.0), 0.5);
/// assert_eq!(silu(f64::NEG_INFINITY), 0.0);
/// // Deep in the left tail, silu'(−40) ≈ −39·e⁻⁴⁰ is not rounded away.
/// assert!((silu_grad(-40.0_f64, 1.0) / (-39.0 * (-40.0_f64).exp()) - 1.0).abs() < 1e-14);
/// ```
#[inline(always)]
pub fn silu<T: Float>(x: T) -> T {
    times_vanishing(x, sigmoid_pair(x).0)
}
/// Derivative rule of [`silu`] (example there).
#[inline(always)]
pub fn silu_grad<T: Float>(x: T, dout: T) -> T {
    let (s, s_neg) = sigmoid_pair(x);
    x_sigmoid_grad(x, s, s_neg, T::ONE, dout)
}

/// GELU, exact form: x·Φ(x), with Φ the standard normal distribution function,
/// Φ(x) = erfc(−x/√2)/2. Derivative Φ(x) + x·φ(x), with φ the normal density. The limit
/// at x = −∞ is −0.
///
/// Φ comes from [`erfc`](super::erfc), not 1 + erf, so the left tail keeps full relative
/// accuracy (gelu(−10) ≈ −7.6e-23); the rounding of −x/√2 is compensated too. Computed in
/// `f64` (and rounded for `f32`).
///
/// ```
/// use backprop_core::rules::{gelu, gelu_grad};
///
/// assert_eq!(gelu(0.0_f64), 0.0);
/// assert_eq!(gelu_grad(0.0_f64, 1.0), 0.5);
/// assert!((gelu(-10.0_f64) / -7.619_853_024_160_527e-23 - 1.0).abs() < 1e-14);
/// ```
#[inline(always)]
pub fn gelu<T: Float>(x: T) -> T {
    smooth::<Gelu, T>(x)
}

/// gelu in `f64`, with its derivative for dual numbers.
struct Gelu;

impl Smooth for Gelu {
    fn value(x: f64) -> f64 {
        times_vanishing(x, norm_cdf_f64(x))
    }
    fn slope<T: Float>(x: T) -> T {
        gelu_grad(x, T::ONE)
    }
}

/// gelu′ = Φ + x·φ in `f64`, with its derivative φ·(2 − x²) for dual numbers.
struct GeluSlope;

impl Smooth for GeluSlope {
    fn value(x: f64) -> f64 {
        let cdf = norm_cdf_f64(x);
        let pdf = norm_pdf_f64(x);
        // φ vanishes before x·φ could be NaN (x infinite): Φ alone is the limit there.
        if pdf == 0.0 {
            cdf
        } else {
            cdf + x * pdf
        }
    }
    fn slope<T: Float>(x: T) -> T {
        let pdf = (-(x * x) * T::HALF).exp() * T::from_f64(0.398_942_280_401_432_7);
        pdf * (T::TWO - x * x)
    }
}
/// Derivative rule of [`gelu`] (example there).
#[inline(always)]
pub fn gelu_grad<T: Float>(x: T, dout: T) -> T {
    dout * smooth::<GeluSlope, T>(x)
}

/// √(2/π).
const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;
/// The cubic coefficient of the tanh approximation.
const GELU_TANH_CUBIC: f64 = 0.044_715;

/// t = 2u for u = √(2/π)·(x + 0.044715·x³), and its derivative dt/dx.
#[inline(always)]
fn gelu_tanh_arg<T: Float>(x: T) -> (T, T) {
    let k = T::from_f64(2.0 * SQRT_2_OVER_PI);
    let c = T::from_f64(GELU_TANH_CUBIC);
    let x2 = x * x;
    (k * x * (T::ONE + c * x2), k * (T::ONE + T::THREE * c * x2))
}

/// GELU, PyTorch's `approximate='tanh'` form: 0.5·x·(1 + tanh(u)) with
/// u = √(2/π)·(x + 0.044715·x³). Derivative σ(2u)·(1 + x·2u′·σ(−2u)) with
/// u′ = √(2/π)·(1 + 3·0.044715·x²). The limit at x = −∞ is −0.
///
/// Computed as x·σ(2u), the same number (1 + tanh u = 2σ(2u)) without the cancellation of
/// 1 + tanh u for very negative x.
///
/// ```
/// use backprop_core::rules::{gelu_tanh, gelu_tanh_grad};
///
/// assert_eq!(gelu_tanh(0.0_f64), 0.0);
/// assert_eq!(gelu_tanh_grad(0.0_f64, 1.0), 0.5);
/// let x = 1.5_f64;
/// let u = (2.0 / std::f64::consts::PI).sqrt() * (x + 0.044715 * x * x * x);
/// assert!((gelu_tanh(x) - 0.5 * x * (1.0 + u.tanh())).abs() < 1e-15);
/// ```
#[inline(always)]
pub fn gelu_tanh<T: Float>(x: T) -> T {
    let (t, _) = gelu_tanh_arg(x);
    times_vanishing(x, sigmoid_pair(t).0)
}
/// Derivative rule of [`gelu_tanh`] (example there).
#[inline(always)]
pub fn gelu_tanh_grad<T: Float>(x: T, dout: T) -> T {
    let (t, dt) = gelu_tanh_arg(x);
    let (s, s_neg) = sigmoid_pair(t);
    x_sigmoid_grad(x, s, s_neg, dt, dout)
}

/// ELU with α = 1: x for x > 0, else eˣ − 1 (by `exp_m1`). Derivative 1 for x > 0, else
/// eˣ (computed as `x.exp()`, not out + 1, which would round to 0 for very negative x).
/// At x = 0 both sides give 1.
///
/// ```
/// use backprop_core::rules::{elu, elu_grad};
///
/// assert_eq!(elu(2.0_f64), 2.0);
/// assert_eq!(elu(0.0_f64), 0.0);
/// assert_eq!(elu(-1.0_f64), (-1.0_f64).exp_m1());
/// assert_eq!(elu_grad(2.0_f64, 3.0), 3.0);
/// assert_eq!(elu_grad(0.0_f64, 1.0), 1.0);
/// assert_eq!(elu_grad(-50.0_f64, 1.0), (-50.0_f64).exp());
/// ```
#[inline(always)]
pub fn elu<T: Float>(x: T) -> T {
    if x > T::ZERO {
        x
    } else {
        x.exp_m1()
    }
}
/// Derivative rule of [`elu`] (example there).
#[inline(always)]
pub fn elu_grad<T: Float>(x: T, dout: T) -> T {
    if x > T::ZERO {
        dout
    } else {
        dout * x.exp()
    }
}

/// Leaky rectifier: x for x > 0, else slope·x. Derivatives by x: 1 for x > 0, else slope
/// (at x = 0 it is slope, as PyTorch); by slope: 0 for x > 0, else x.
///
/// ```
/// use backprop_core::rules::{leaky_relu, leaky_relu_grad};
///
/// assert_eq!(leaky_relu(2.0_f64, 0.1), 2.0);
/// assert_eq!(leaky_relu(-2.0_f64, 0.25), -0.5);
/// assert_eq!(leaky_relu_grad(2.0_f64, 0.25, 1.0), (1.0, 0.0));
/// assert_eq!(leaky_relu_grad(-2.0_f64, 0.25, 1.0), (0.25, -2.0));
/// assert_eq!(leaky_relu_grad(0.0_f64, 0.25, 1.0), (0.25, 0.0));
/// ```
#[inline(always)]
pub fn leaky_relu<T: Float>(x: T, slope: T) -> T {
    if x > T::ZERO {
        x
    } else {
        slope * x
    }
}
/// Derivative rule of [`leaky_relu`] (example there).
#[inline(always)]
pub fn leaky_relu_grad<T: Float>(x: T, slope: T, dout: T) -> (T, T) {
    if x > T::ZERO {
        (dout, T::ZERO)
    } else {
        (dout * slope, dout * x)
    }
}

/// ln σ(x) = −softplus(−x) = min(x, 0) − ln(1 + e^−|x|). Derivative σ(−x).
///
/// Stable for every x and keeps full relative accuracy for large x, where the value is
/// about −e⁻ˣ (log_sigmoid(40) ≈ −4.2e-18).
///
/// ```
/// use backprop_core::rules::{log_sigmoid, log_sigmoid_grad};
///
/// assert_eq!(log_sigmoid(0.0_f64), -std::f64::consts::LN_2);
/// assert_eq!(log_sigmoid(-1000.0_f64), -1000.0);
/// assert!((log_sigmoid(40.0_f64) / -(-40.0_f64).exp() - 1.0).abs() < 1e-15);
/// assert_eq!(log_sigmoid_grad(0.0_f64, 1.0), 0.5);
/// assert!((log_sigmoid_grad(40.0_f64, 1.0) / (-40.0_f64).exp() - 1.0).abs() < 1e-15);
/// ```
#[inline(always)]
pub fn log_sigmoid<T: Float>(x: T) -> T {
    let negative = if x < T::ZERO { x } else { T::ZERO };
    negative - exp_neg_abs(x, x >= T::ZERO).ln_1p()
}
/// Derivative rule of [`log_sigmoid`] (example there).
#[inline(always)]
pub fn log_sigmoid_grad<T: Float>(x: T, dout: T) -> T {
    dout * sigmoid_pair(x).1
}

/// ln(eᵃ + eᵇ), computed as max(a, b) + ln(1 + e^−|a−b|): it never overflows. A tie
/// (infinities included) gives a + ln 2. Derivatives (σ(a − b), σ(b − a)); a tie gives
/// exactly 0.5 / 0.5. NaN in either argument gives NaN.
///
/// ```
/// use backprop_core::rules::{logaddexp, logaddexp_grad};
///
/// assert_eq!(logaddexp(1000.0_f64, 1000.0), 1000.0 + std::f64::consts::LN_2);
/// assert_eq!(logaddexp(f64::NEG_INFINITY, f64::NEG_INFINITY), f64::NEG_INFINITY);
/// assert_eq!(logaddexp(f64::NEG_INFINITY, 2.0), 2.0);
/// assert_eq!(logaddexp_grad(3.0_f64, 3.0, 1.0), (0.5, 0.5));
/// assert_eq!(logaddexp_grad(f64::INFINITY, 0.0, 1.0), (1.0, 0.0));
/// ```
#[inline(always)]
pub fn logaddexp<T: Float>(a: T, b: T) -> T {
    if a == b {
        // Also ±inf, where a − b would be NaN. Halves rather than `a`, so that on dual
        // numbers the tie splits the tangent 0.5 / 0.5 as the gradient does.
        a * T::HALF + b * T::HALF + T::LN_2
    } else {
        let larger = if a > b { a } else { b };
        let t = a - b;
        larger + exp_neg_abs(t, t >= T::ZERO).ln_1p()
    }
}
/// Derivative rule of [`logaddexp`] (example there).
#[inline(always)]
pub fn logaddexp_grad<T: Float>(a: T, b: T, dout: T) -> (T, T) {
    // A finite tie goes through σ(0) = 0.5 too, whose derivative the second order needs.
    if a == b && !a.is_finite() {
        let half = dout * T::HALF;
        (half, half)
    } else {
        let (sa, sb) = sigmoid_pair(a - b);
        (dout * sa, dout * sb)
    }
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
    let e = exp_neg_abs(x, x >= T::ZERO);
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
    let e = exp_neg_abs(x, x > T::ZERO);
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
    // The branch `softplus_fwd` took for e (at 0 both give 0.5).
    let s = if x > T::ZERO {
        T::ONE / (T::ONE + e)
    } else {
        e / (T::ONE + e)
    };
    dout * s
}
