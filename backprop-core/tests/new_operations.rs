//! The conventions of erf, erfc, the activations, clamp and the step functions at their
//! singular points and infinities, with exact values; and every derivative rule against
//! central differences of its forward rule at ordinary points.

use backprop_core::rules;

const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;

/// The same number with the same sign, or both NaN.
#[track_caller]
fn assert_same(got: f64, want: f64) {
    assert!(
        got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
        "got {got:?}, want {want:?}"
    );
}

/// Central difference of `f` at `x` with step 1e-6.
fn central(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let h = 1e-6;
    (f(x + h) - f(x - h)) / (2.0 * h)
}

/// A derivative rule's value against the central difference of the forward rule: the
/// truncation error is about h²·f‴/6 and the rounding error about ε·|f|/h, both below
/// 1e-8 at these points.
#[track_caller]
fn assert_derivative(what: &str, x: f64, rule: f64, numeric: f64) {
    assert!(
        (rule - numeric).abs() <= 1e-8 * rule.abs().max(1.0),
        "{what} at {x}: rule {rule:e}, central difference {numeric:e}"
    );
}

const POINTS: [f64; 7] = [-3.1, -1.3, -0.7, 0.2, 0.9, 1.7, 3.4];

#[test]
fn erf_and_erfc_special_values() {
    assert_same(rules::erf(0.0), 0.0);
    assert_same(rules::erf(-0.0), -0.0);
    assert_same(rules::erf(INF), 1.0);
    assert_same(rules::erf(-INF), -1.0);
    assert_same(rules::erf(NAN), NAN);
    assert_same(rules::erfc(0.0), 1.0);
    assert_same(rules::erfc(INF), 0.0);
    assert_same(rules::erfc(-INF), 2.0);
    assert_same(rules::erfc(28.0), 0.0);
    assert_same(rules::erfc(NAN), NAN);
    // Odd and complementary symmetry.
    for x in [1e-300, 0.3, 0.9, 1.3, 2.5, 4.0, 5.9] {
        assert_same(rules::erf(-x), -rules::erf(x));
        let (a, b) = (rules::erfc(-x), 2.0 - rules::erfc(x));
        assert!(
            (a - b).abs() <= 4.0 * f64::EPSILON,
            "erfc(−{x}) = {a}, 2 − erfc({x}) = {b}"
        );
    }
    // The derivative at 0 is 2/√π, scaled by dout; in the far tail it is exp(−x²)·2/√π,
    // still a normal number at 26 (2.8e-294).
    assert_same(rules::erf_grad(0.0, 1.0), core::f64::consts::FRAC_2_SQRT_PI);
    assert_same(
        rules::erfc_grad(0.0, 2.0),
        -2.0 * core::f64::consts::FRAC_2_SQRT_PI,
    );
    assert!(rules::erf_grad(26.0, 1.0) > 2e-294);
    assert_same(rules::erf_grad(INF, 1.0), 0.0);
    assert_same(rules::erf_grad(NAN, 1.0), NAN);
    // f32 is computed in f64 and rounded once: mpmath's values, rounded to f32.
    #[allow(clippy::cast_possible_truncation)]
    let (erf_half, erfc_3) = (
        0.520_499_877_813_046_5_f64 as f32,
        2.209_049_699_858_544e-5_f64 as f32,
    );
    assert_eq!(rules::erf(0.5_f32), erf_half);
    assert_eq!(rules::erfc(3.0_f32), erfc_3);
}

#[test]
fn silu_gelu_gelu_tanh_at_zero_and_infinities() {
    type Pair = (fn(f64) -> f64, fn(f64, f64) -> f64);
    let functions: [(&str, Pair); 3] = [
        ("silu", (rules::silu, rules::silu_grad)),
        ("gelu", (rules::gelu, rules::gelu_grad)),
        ("gelu_tanh", (rules::gelu_tanh, rules::gelu_tanh_grad)),
    ];
    for (name, (f, df)) in functions {
        eprintln!("{name}");
        assert_same(f(0.0), 0.0);
        assert_same(df(0.0, 1.0), 0.5);
        assert_same(df(0.0, 3.0), 1.5);
        // The limits, where x · 0 would be NaN.
        assert_same(f(-INF), -0.0);
        assert_same(f(INF), INF);
        assert_same(df(-INF, 1.0), 0.0);
        assert_same(df(INF, 1.0), 1.0);
        assert_same(f(NAN), NAN);
        assert_same(df(NAN, 1.0), NAN);
        // Far left the value is tiny and negative, not NaN or a positive 0.
        assert!(
            f(-15.0) < 0.0 && f(-15.0) > -1e-5,
            "{name}(−15) = {}",
            f(-15.0)
        );
    }
}

#[test]
fn tails_keep_relative_accuracy() {
    // silu'(−40) = σ(−40)·(1 − 40·σ(40)), σ(−40) = e⁻⁴⁰/(1 + e⁻⁴⁰).
    let e = (-40.0_f64).exp();
    let s = e / (1.0 + e);
    let want = s * (1.0 - 40.0 / (1.0 + e));
    assert!((rules::silu_grad(-40.0, 1.0) / want - 1.0).abs() < 1e-14);
    // log_sigmoid(40) = −ln(1 + e⁻⁴⁰) ≈ −e⁻⁴⁰·(1 − e⁻⁴⁰/2), and its derivative σ(−40).
    assert!((rules::log_sigmoid(40.0) / -e - 1.0).abs() < 1e-15);
    assert!((rules::log_sigmoid_grad(40.0, 1.0) / s - 1.0).abs() < 1e-15);
    // elu'(−700) = e⁻⁷⁰⁰, not out + 1 = 0.
    assert_same(rules::elu_grad(-700.0, 1.0), (-700.0_f64).exp());
    // gelu(−10) from mpmath: −7.619853024160526066e-23.
    assert!((rules::gelu(-10.0_f64) / -7.619_853_024_160_526e-23 - 1.0).abs() < 1e-15);
}

#[test]
fn elu_values_and_derivative_at_zero() {
    assert_same(rules::elu(0.0), 0.0);
    assert_same(rules::elu(2.5), 2.5);
    assert_same(rules::elu(-1.0), (-1.0_f64).exp_m1());
    assert_same(rules::elu(-INF), -1.0);
    assert_same(rules::elu(NAN), NAN);
    assert_same(rules::elu_grad(0.0, 1.0), 1.0);
    assert_same(rules::elu_grad(2.5, 3.0), 3.0);
    assert_same(rules::elu_grad(-INF, 1.0), 0.0);
    assert_same(rules::elu_grad(NAN, 1.0), NAN);
}

#[test]
fn leaky_relu_takes_the_slope_at_zero() {
    assert_same(rules::leaky_relu(0.0, 0.1), 0.0);
    assert_same(rules::leaky_relu(3.0, 0.1), 3.0);
    assert_same(rules::leaky_relu(-3.0, 0.25), -0.75);
    assert_same(rules::leaky_relu(NAN, 0.25), NAN);
    assert_eq!(rules::leaky_relu_grad(0.0, 0.25, 1.0), (0.25, 0.0));
    assert_eq!(rules::leaky_relu_grad(3.0, 0.25, 2.0), (2.0, 0.0));
    assert_eq!(rules::leaky_relu_grad(-3.0, 0.25, 2.0), (0.5, -6.0));
}

#[test]
fn log_sigmoid_special_values() {
    assert_same(rules::log_sigmoid(0.0), -core::f64::consts::LN_2);
    assert_same(rules::log_sigmoid(-1000.0), -1000.0);
    assert_same(rules::log_sigmoid(-INF), -INF);
    assert_same(rules::log_sigmoid(INF), 0.0);
    assert_same(rules::log_sigmoid(NAN), NAN);
    assert_same(rules::log_sigmoid_grad(0.0, 1.0), 0.5);
    assert_same(rules::log_sigmoid_grad(-INF, 1.0), 1.0);
    assert_same(rules::log_sigmoid_grad(INF, 1.0), 0.0);
    assert_same(rules::log_sigmoid_grad(NAN, 1.0), NAN);
}

#[test]
fn logaddexp_ties_infinities_and_nan() {
    assert_same(
        rules::logaddexp(1000.0, 1000.0),
        1000.0 + core::f64::consts::LN_2,
    );
    assert_same(rules::logaddexp(0.0, 0.0), core::f64::consts::LN_2);
    assert_same(rules::logaddexp(-INF, -INF), -INF);
    assert_same(rules::logaddexp(INF, INF), INF);
    assert_same(rules::logaddexp(INF, -INF), INF);
    assert_same(rules::logaddexp(-INF, 2.0), 2.0);
    assert_same(rules::logaddexp(2.0, -INF), 2.0);
    assert_same(rules::logaddexp(1000.0, 0.0), 1000.0);
    assert_same(rules::logaddexp(NAN, 1.0), NAN);
    assert_same(rules::logaddexp(1.0, NAN), NAN);
    assert_same(rules::logaddexp(NAN, INF), NAN);
    for tie in [0.0, 3.0, -700.0, 1e300, INF, -INF] {
        assert_eq!(
            rules::logaddexp_grad(tie, tie, 1.0),
            (0.5, 0.5),
            "tie at {tie}"
        );
    }
    assert_eq!(rules::logaddexp_grad(3.0, 3.0, 4.0), (2.0, 2.0));
    assert_eq!(rules::logaddexp_grad(INF, 0.0, 1.0), (1.0, 0.0));
    assert_eq!(rules::logaddexp_grad(0.0, INF, 1.0), (0.0, 1.0));
    assert_eq!(rules::logaddexp_grad(-INF, 0.0, 1.0), (0.0, 1.0));
    assert_eq!(rules::logaddexp_grad(1e308, -1e308, 1.0), (1.0, 0.0));
    let (da, db) = rules::logaddexp_grad(NAN, 0.0, 1.0);
    assert!(da.is_nan() && db.is_nan());
    // The smaller side's partial keeps relative accuracy: σ(−800) ≈ e⁻⁸⁰⁰ underflows, but
    // σ(−40) = e⁻⁴⁰/(1 + e⁻⁴⁰) does not round to 0.
    let e = (-40.0_f64).exp();
    assert_same(rules::logaddexp_grad(0.0, 40.0, 1.0).0, e / (1.0 + e));
}

#[test]
fn clamp_boundaries_go_to_x() {
    let (lo, hi) = (-1.0, 2.0);
    assert_same(rules::clamp(-3.0, lo, hi), -1.0);
    assert_same(rules::clamp(5.0, lo, hi), 2.0);
    assert_same(rules::clamp(0.5, lo, hi), 0.5);
    assert_eq!(rules::clamp_grad(0.5, lo, hi, 3.0), (3.0, 0.0, 0.0));
    assert_eq!(rules::clamp_grad(lo, lo, hi, 3.0), (3.0, 0.0, 0.0));
    assert_eq!(rules::clamp_grad(hi, lo, hi, 3.0), (3.0, 0.0, 0.0));
    assert_eq!(rules::clamp_grad(-3.0, lo, hi, 3.0), (0.0, 3.0, 0.0));
    assert_eq!(rules::clamp_grad(5.0, lo, hi, 3.0), (0.0, 0.0, 3.0));
    // lo = hi = x: still x's.
    assert_eq!(rules::clamp_grad(1.0, 1.0, 1.0, 1.0), (1.0, 0.0, 0.0));
    assert_eq!(rules::clamp_grad(-INF, lo, hi, 1.0), (0.0, 1.0, 0.0));
    // Values as f64::clamp wherever it does not panic, signed zeros included.
    for x in [-INF, -3.0, -1.0, -0.0, 0.0, 0.5, 2.0, 5.0, INF, NAN] {
        for (lo, hi) in [(-1.0, 2.0), (0.0, 0.0), (-0.0, 1.0), (-INF, INF)] {
            assert_same(rules::clamp(x, lo, hi), x.clamp(lo, hi));
        }
    }
}

#[test]
fn clamp_with_crossed_or_nan_bounds_is_nan() {
    for (lo, hi) in [(2.0, 1.0), (NAN, 1.0), (0.0, NAN), (NAN, NAN), (INF, -INF)] {
        for x in [-5.0, 0.5, 5.0, NAN] {
            assert_same(rules::clamp(x, lo, hi), NAN);
            let (dx, dlo, dhi) = rules::clamp_grad(x, lo, hi, 1.0);
            assert!(
                dx.is_nan() && dlo.is_nan() && dhi.is_nan(),
                "at {x} in [{lo}, {hi}]"
            );
        }
    }
    // A NaN x with valid bounds: NaN value, and every comparison false gives 0s.
    assert_same(rules::clamp(NAN, 0.0, 1.0), NAN);
    assert_eq!(rules::clamp_grad(NAN, 0.0, 1.0, 1.0), (0.0, 0.0, 0.0));
}

#[test]
fn step_functions_match_the_inherent_methods() {
    assert_same(rules::signum(0.0), 1.0);
    assert_same(rules::signum(-0.0), -1.0);
    assert_same(rules::signum(-2.0), -1.0);
    assert_same(rules::signum(NAN), NAN);
    let xs = [
        -2.5,
        -1.5,
        -0.5,
        -0.0,
        0.0,
        0.5,
        1.5,
        2.5,
        0.49999999999999994,
        4503599627370497.0,
        -1e300,
        INF,
        -INF,
        NAN,
    ];
    for x in xs {
        assert_same(rules::signum(x), x.signum());
        assert_same(rules::floor(x), x.floor());
        assert_same(rules::ceil(x), x.ceil());
        assert_same(rules::round(x), x.round());
        assert_same(rules::trunc(x), x.trunc());
        #[allow(clippy::cast_possible_truncation)]
        let y = x as f32;
        assert_same(f64::from(rules::round(y)), f64::from(y.round()));
        assert_same(f64::from(rules::floor(y)), f64::from(y.floor()));
        assert_same(f64::from(rules::ceil(y)), f64::from(y.ceil()));
        assert_same(f64::from(rules::trunc(y)), f64::from(y.trunc()));
        assert_same(f64::from(rules::signum(y)), f64::from(y.signum()));
    }
    // Halves round away from zero, as f64::round.
    assert_same(rules::round(2.5), 3.0);
    assert_same(rules::round(-0.5), -1.0);
    assert_same(rules::round(0.5), 1.0);
    assert_same(rules::floor(-0.5), -1.0);
    assert_same(rules::ceil(-0.5), -0.0);
    assert_same(rules::trunc(-0.5), -0.0);
}

#[test]
fn unary_derivatives_match_central_differences() {
    type Pair = (fn(f64) -> f64, fn(f64, f64) -> f64);
    let functions: [(&str, Pair); 7] = [
        ("erf", (rules::erf, rules::erf_grad)),
        ("erfc", (rules::erfc, rules::erfc_grad)),
        ("silu", (rules::silu, rules::silu_grad)),
        ("gelu", (rules::gelu, rules::gelu_grad)),
        ("gelu_tanh", (rules::gelu_tanh, rules::gelu_tanh_grad)),
        ("elu", (rules::elu, rules::elu_grad)),
        ("log_sigmoid", (rules::log_sigmoid, rules::log_sigmoid_grad)),
    ];
    for (name, (f, df)) in functions {
        for x in POINTS {
            assert_derivative(name, x, df(x, 1.0), central(f, x));
            // dout scales the result.
            assert!((df(x, 2.5) - 2.5 * df(x, 1.0)).abs() <= 4.0 * f64::EPSILON);
        }
    }
}

#[test]
fn leaky_relu_derivatives_match_central_differences() {
    for slope in [0.01, 0.3, -0.2] {
        for x in POINTS {
            let (dx, dslope) = rules::leaky_relu_grad(x, slope, 1.0);
            assert_derivative(
                "leaky_relu by x",
                x,
                dx,
                central(|x| rules::leaky_relu(x, slope), x),
            );
            let by_slope = central(|s| rules::leaky_relu(x, s), slope);
            assert_derivative("leaky_relu by slope", x, dslope, by_slope);
        }
    }
}

#[test]
fn logaddexp_derivatives_match_central_differences() {
    for (a, b) in [
        (0.3, -1.2),
        (2.0, 2.5),
        (-1.0, 4.0),
        (7.5, 1.0),
        (-3.3, -3.1),
    ] {
        let (da, db) = rules::logaddexp_grad(a, b, 1.0);
        assert_derivative(
            "logaddexp by a",
            a,
            da,
            central(|a| rules::logaddexp(a, b), a),
        );
        assert_derivative(
            "logaddexp by b",
            b,
            db,
            central(|b| rules::logaddexp(a, b), b),
        );
    }
}

#[test]
fn clamp_derivatives_match_central_differences() {
    let (lo, hi) = (-1.0, 2.0);
    for x in POINTS {
        let (dx, dlo, dhi) = rules::clamp_grad(x, lo, hi, 1.0);
        assert_derivative("clamp by x", x, dx, central(|x| rules::clamp(x, lo, hi), x));
        assert_derivative(
            "clamp by lo",
            x,
            dlo,
            central(|l| rules::clamp(x, l, hi), lo),
        );
        assert_derivative(
            "clamp by hi",
            x,
            dhi,
            central(|h| rules::clamp(x, lo, h), hi),
        );
    }
}
