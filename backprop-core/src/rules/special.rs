//! Special functions: the error function and its complement.
//!
//! Both are computed in `f64` with fdlibm's rational approximations (whose coefficients
//! the constants below are), and for `f32` in `f64` and rounded once. The helpers for
//! the normal distribution that `gelu` needs live here too, next to the `erfc` they use.

use core::f64::consts::{FRAC_1_SQRT_2, FRAC_2_SQRT_PI};

use crate::float::{smooth, Smooth};
use crate::Float;

/// The error function erf x = (2/√π)·∫₀ˣ exp(−t²) dt. Derivative (2/√π)·exp(−x²).
///
/// Relative error below 1e-14 over the whole real line in `f64` (about 1 ulp); `f32` is
/// computed in `f64` and rounded.
///
/// ```
/// use backprop_core::rules::{erf, erf_grad};
///
/// assert_eq!(erf(0.0_f64), 0.0);
/// assert!((erf(1.0_f64) - 0.8427007929497149).abs() < 1e-16);
/// assert_eq!(erf(f64::INFINITY), 1.0);
/// assert_eq!(erf_grad(0.0_f64, 1.0), std::f64::consts::FRAC_2_SQRT_PI);
/// ```
#[inline(always)]
pub fn erf<T: Float>(x: T) -> T {
    smooth::<Erf, T>(x)
}

/// erf in `f64`, with its derivative for dual numbers.
struct Erf;

impl Smooth for Erf {
    fn value(x: f64) -> f64 {
        erf_f64(x)
    }
    fn slope<T: Float>(x: T) -> T {
        erf_grad(x, T::ONE)
    }
}

/// erf′ = (2/√π)·exp(−x²) in `f64`, with its derivative −2x·erf′ for dual numbers.
struct ErfSlope;

impl Smooth for ErfSlope {
    fn value(x: f64) -> f64 {
        FRAC_2_SQRT_PI * exp_neg_scaled_square(x, 1.0)
    }
    fn slope<T: Float>(x: T) -> T {
        -(x + x) * smooth::<ErfSlope, T>(x)
    }
}
/// Derivative rule of [`erf`]: (2/√π)·exp(−x²), with the rounding error of x² compensated
/// so that the tail keeps full relative accuracy (example there).
#[inline(always)]
pub fn erf_grad<T: Float>(x: T, dout: T) -> T {
    dout * smooth::<ErfSlope, T>(x)
}

/// The complementary error function erfc x = 1 − erf x, without the cancellation: it
/// keeps full relative accuracy deep in its tail (erfc 26 ≈ 5.66e-296) and underflows to
/// 0 past about 27.2. Derivative −(2/√π)·exp(−x²).
///
/// ```
/// use backprop_core::rules::{erfc, erfc_grad};
///
/// assert_eq!(erfc(0.0_f64), 1.0);
/// assert!((erfc(26.0_f64) / 5.663192408856143e-296 - 1.0).abs() < 1e-14);
/// assert_eq!(erfc(30.0_f64), 0.0);
/// assert_eq!(erfc(f64::NEG_INFINITY), 2.0);
/// assert_eq!(erfc_grad(0.0_f64, 1.0), -std::f64::consts::FRAC_2_SQRT_PI);
/// ```
#[inline(always)]
pub fn erfc<T: Float>(x: T) -> T {
    smooth::<Erfc, T>(x)
}

/// erfc in `f64`, with its derivative for dual numbers.
struct Erfc;

impl Smooth for Erfc {
    fn value(x: f64) -> f64 {
        erfc_f64(x)
    }
    fn slope<T: Float>(x: T) -> T {
        -erf_grad(x, T::ONE)
    }
}
/// Derivative rule of [`erfc`]: −(2/√π)·exp(−x²) (example there).
#[inline(always)]
pub fn erfc_grad<T: Float>(x: T, dout: T) -> T {
    -erf_grad(x, dout)
}

// The coefficients below are fdlibm's, from its s_erf.c (written here as the shortest
// decimals of the same doubles), whose notice asks to be kept:
//
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunPro, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.

/// erf(1) rounded to 24 bits, so that 1 − ERX is exact.
const ERX: f64 = 0.8450629115104675;
/// 2/√π − 1.
const EFX: f64 = 0.1283791670955126;
/// erf x = x + x·P/Q(x²) on |x| < 0.84375.
const PP: [f64; 5] = [
    0.12837916709551256,
    -0.3250421072470015,
    -0.02848174957559851,
    -0.005770270296489442,
    -2.3763016656650163e-05,
];
const QQ: [f64; 6] = [
    1.0,
    0.39791722395915535,
    0.0650222499887673,
    0.005081306281875766,
    0.00013249473800432164,
    -3.960228278775368e-06,
];
/// erf(1 + s) = ERX + P/Q(s) on 0.84375 ≤ |x| < 1.25.
const PA: [f64; 7] = [
    -0.0023621185607526594,
    0.41485611868374833,
    -0.3722078760357013,
    0.31834661990116175,
    -0.11089469428239668,
    0.035478304325618236,
    -0.002166375594868791,
];
const QA: [f64; 7] = [
    1.0,
    0.10642088040084423,
    0.540397917702171,
    0.07182865441419627,
    0.12617121980876164,
    0.01363708391202905,
    0.011984499846799107,
];
/// erfc x = exp(−x² − 0.5625 + R/S(1/x²))/x on 1.25 ≤ x < 1/0.35.
const RA: [f64; 8] = [
    -0.009864944034847148,
    -0.6938585727071818,
    -10.558626225323291,
    -62.375332450326006,
    -162.39666946257347,
    -184.60509290671104,
    -81.2874355063066,
    -9.814329344169145,
];
const SA: [f64; 9] = [
    1.0,
    19.651271667439257,
    137.65775414351904,
    434.56587747522923,
    645.3872717332679,
    429.00814002756783,
    108.63500554177944,
    6.570249770319282,
    -0.0604244152148581,
];
/// The same on 1/0.35 ≤ x < 28.
const RB: [f64; 7] = [
    -0.0098649429247001,
    -0.799283237680523,
    -17.757954917754752,
    -160.63638485582192,
    -637.5664433683896,
    -1025.0951316110772,
    -483.5191916086514,
];
const SB: [f64; 8] = [
    1.0,
    30.33806074348246,
    325.7925129965739,
    1536.729586084437,
    3199.8582195085955,
    2553.0504064331644,
    474.52854120695537,
    -22.44095244658582,
];

/// The polynomial with coefficients `c` (constant term first) at `t`, by Horner's rule.
#[inline(always)]
fn poly<const N: usize>(c: &[f64; N], t: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &k| acc * t + k)
}

/// erf x − x over x on |x| < 0.84375, a function of x².
#[inline(always)]
fn small_ratio(x: f64) -> f64 {
    let z = x * x;
    poly(&PP, z) / poly(&QQ, z)
}

/// erf(1 + s) − ERX on 0.84375 ≤ |x| < 1.25, with s = |x| − 1 (exact).
#[inline(always)]
fn near_one(ax: f64) -> f64 {
    let s = ax - 1.0;
    poly(&PA, s) / poly(&QA, s)
}

/// erfc x for 1.25 ≤ x < 28 (and x = NaN), as exp(−x² − 0.5625 + R/S)/x.
///
/// −x² is split as −z² + (z − x)(z + x), with z the high 21 bits of x: z² and
/// −z² − 0.5625 are exact, so the exponential's rounding error does not grow with x².
/// Where the result may be subnormal (x > 26), exp(−z² − 0.5625) is taken as the square of
/// exp of half its argument, so that only the last product rounds to a subnormal number.
#[inline(always)]
fn tail(x: f64) -> f64 {
    let s = 1.0 / (x * x);
    let r_over_s = if x < 1.0 / 0.35 {
        poly(&RA, s) / poly(&SA, s)
    } else {
        poly(&RB, s) / poly(&SB, s)
    };
    let z = f64::from_bits(x.to_bits() & 0xffff_ffff_0000_0000);
    let exact = -z * z - 0.5625;
    let rest = ((z - x) * (z + x) + r_over_s).exp();
    if x > 26.0 {
        let half = (0.5 * exact).exp();
        half * (half * rest / x)
    } else {
        exact.exp() * rest / x
    }
}

/// [`erf`] in `f64`.
pub(crate) fn erf_f64(x: f64) -> f64 {
    let ax = x.abs();
    if ax < 0.84375 {
        if ax < f64::MIN_POSITIVE {
            // x + EFX·x, scaled so that EFX·x does not underflow for subnormal x.
            0.0625 * (16.0 * x + (16.0 * EFX) * x)
        } else if ax < 3.725290298461914e-09 {
            // |x| < 2⁻²⁸: the rest of the series is below half an ulp.
            x + EFX * x
        } else {
            x + x * small_ratio(x)
        }
    } else if ax < 1.25 {
        (ERX + near_one(ax)).copysign(x)
    } else if ax < 6.0 {
        (1.0 - tail(ax)).copysign(x)
    } else if ax.is_nan() {
        x
    } else {
        // erfc x < 2.2e-17: 1 − erfc x rounds to 1.
        1.0_f64.copysign(x)
    }
}

/// [`erfc`] in `f64`.
pub(crate) fn erfc_f64(x: f64) -> f64 {
    let ax = x.abs();
    if ax < 0.84375 {
        if ax < 1.3877787807814457e-17 {
            // |x| < 2⁻⁵⁶
            1.0 - x
        } else if x < 0.25 {
            1.0 - (x + x * small_ratio(x))
        } else {
            // 0.5 − (erf x − 0.5), grouped so that x − 0.5 is exact.
            0.5 - (x * small_ratio(x) + (x - 0.5))
        }
    } else if ax < 1.25 {
        let p = near_one(ax);
        if x > 0.0 {
            (1.0 - ERX) - p
        } else {
            1.0 + (ERX + p)
        }
    } else if x.is_nan() {
        x
    } else if x < 0.0 {
        if x > -6.0 {
            2.0 - tail(ax)
        } else {
            2.0
        }
    } else if x < 28.0 {
        tail(x)
    } else {
        0.0
    }
}

/// exp(−k·x²) for k = 1 or ½, with the rounding error of x² compensated: with s = x²
/// rounded and e = x² − s (exact, by a fused multiply–add), exp(−k·s)·(1 − k·e).
/// Without it the relative error would be about k·x² ulps.
#[inline(always)]
pub(crate) fn exp_neg_scaled_square(x: f64, k: f64) -> f64 {
    let s = x * x;
    if s > 1500.0 {
        // exp(−k·s) is 0 (and e could be −inf for s = inf, making 0·inf).
        return 0.0;
    }
    let e = x.mul_add(x, -s);
    let r = (-k * s).exp();
    r - r * (k * e)
}

/// 1/√(2π), the normal density's factor.
const FRAC_1_SQRT_2PI: f64 = 0.3989422804014327;
/// 1/√2 − FRAC_1_SQRT_2: the part of 1/√2 that `f64` rounds off.
const FRAC_1_SQRT_2_LO: f64 = -4.833646656726457e-17;

/// The standard normal density φ(x) = exp(−x²/2)/√(2π), to full relative accuracy.
#[inline(always)]
pub(crate) fn norm_pdf_f64(x: f64) -> f64 {
    FRAC_1_SQRT_2PI * exp_neg_scaled_square(x, 0.5)
}

/// The standard normal distribution function Φ(x) = erfc(−x/√2)/2, to full relative
/// accuracy in the lower tail.
///
/// −x/√2 is rounded to y, and erfc's relative condition number is about 2y² there, which
/// would turn the rounding into an error of about x² ulps (1e-14 at x = −10). The error
/// dy = −x/√2 − y is computed exactly enough with a fused multiply–add and corrected for
/// to first order, erfc(y + dy) ≈ erfc(y) − (2/√π)·exp(−y²)·dy.
#[inline(always)]
pub(crate) fn norm_cdf_f64(x: f64) -> f64 {
    let y = -x * FRAC_1_SQRT_2;
    let mut c = erfc_f64(y);
    if y > 0.5 && y < 28.0 {
        let dy = (-x).mul_add(FRAC_1_SQRT_2, -y) + (-x) * FRAC_1_SQRT_2_LO;
        c -= FRAC_2_SQRT_PI * (-y * y).exp() * dy;
    }
    0.5 * c
}
